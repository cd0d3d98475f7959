//! The rules of shared/DESIGN.md §1–2, each driven through the public library API
//! (`kuvert::workflow::Workflow`) against a fresh demo office, each showing both the
//! refusal and that the refused operation left the database as it was. Every test runs
//! twice, on the SQLite file and on PostgreSQL (`both!`), each user at a desk of their own.
//!
//! Demo users: `handlaggare1`, `handlaggare2` (caseworkers, team A), `handlaggare3`
//! (caseworker, team B), `teamledare1` (lead, team A) and the OS account (caseworker, team A).

mod common;
#[path = "support/fixture.rs"]
mod fixture;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::Backend;
use fixture::Office;
use kuvert::code::{MailingToken, SheetCode};
use kuvert::config::Config;
use kuvert::i18n::Lang;
use kuvert::model::{
    CaseDetail, DocumentId, MailingState, MailingStatus, Party, PartyRole, PrintOutcome,
    ScanOutcome, ScanSource, SheetKind, Verdict,
};
use kuvert::plan::{Delivery, PrintPlan};
use kuvert::store::{DbKind, Store};
use kuvert::{Error, Refusal, Session, SessionKind, Workflow};

// ---------------------------------------------------------------------------------------------
// Fixture
// ---------------------------------------------------------------------------------------------

const H1: &str = "handlaggare1";
const H2: &str = "handlaggare2";
const H3: &str = "handlaggare3";
const LEAD: &str = "teamledare1";

/// A fresh demo office, each user at a desk of their own (`Office`).
struct Fixture {
    office: Office,
}

office_fixture!(Fixture);

impl Fixture {
    fn demo(backend: Backend) -> Self {
        Self::demo_with(backend, Config::default())
    }

    fn demo_with(backend: Backend, config: Config) -> Self {
        Self {
            office: Office::demo(backend, config),
        }
    }

    fn dir(&self) -> &Path {
        self.env.dir.path()
    }

    /// Number of events in the log that record a change (refusals are logged too, but
    /// change nothing); also asserts the chain is intact.
    fn events(&mut self) -> i64 {
        let report = self.any_desk().audit_verify().expect("audit verify");
        assert!(report.ok, "event chain broken: {report:?}");
        let refusals: i64 = self.value("SELECT count(*) FROM events WHERE kind = 'refused'");
        report.events - refusals
    }

    /// The details of the logged refusals, oldest first.
    fn refusal_details(&self) -> Vec<serde_json::Value> {
        self.sql("SELECT detail FROM events WHERE kind = 'refused' ORDER BY seq")
            .iter()
            .map(|d| serde_json::from_str(d).expect("json"))
            .collect()
    }

    /// The rules named by the logged refusals, oldest first.
    fn refusals(&self) -> Vec<String> {
        self.refusal_details()
            .iter()
            .map(|v| v["rule"].as_str().expect("rule").to_owned())
            .collect()
    }

    /// The database through a store of its own, as another desk (the OS account's) reads
    /// it: every user reads the whole log.
    fn store(&self) -> Store {
        self.connect(&common::os_account()).expect("a store")
    }

    fn case(&mut self, s: &Session, number: &str) -> CaseDetail {
        self.desk(s).show_case(s, number).expect("show case")
    }

    fn lock_holder(&mut self, s: &Session, number: &str) -> Option<String> {
        self.case(s, number).lock.map(|l| l.account)
    }

    /// Every case of the session's team, in full.
    fn team_cases(&mut self, s: &Session) -> Vec<CaseDetail> {
        let list = self.desk(s).list_cases(s).expect("list cases");
        list.iter().map(|c| self.case(s, &c.case)).collect()
    }

    /// Unlocked cases of the team whose applicant is not protected and has a document about
    /// the applicant: the plain material of most tests.
    fn plain_cases(&mut self, s: &Session) -> Vec<CaseDetail> {
        self.team_cases(s)
            .into_iter()
            .filter(|c| {
                let a = applicant(c);
                c.lock.is_none() && !a.protected && c.documents.iter().any(|d| d.subject == a.id)
            })
            .collect()
    }

    /// Starts a mailing to the applicant of `case` and attaches the first document about the
    /// applicant.
    fn start_plain(&mut self, s: &Session, case: &CaseDetail) -> MailingStatus {
        let a = applicant(case);
        let started = self.desk(s).start(s, &case.case, a.id).expect("start");
        assert_eq!(started.state, MailingState::Draft);
        let doc = own_documents(case)[0];
        let status = self.desk(s).attach(s, &[doc], false).expect("attach");
        assert_eq!(status.enclosures.len(), 1);
        status
    }

    /// Prints through the three public steps, keeping the plan (and so the sheet codes).
    fn print(&mut self, s: &Session, reason: Option<&str>) -> (PrintPlan, PrintOutcome) {
        let desk = self.desk(s);
        let plan = desk.prepare_print(s, reason).expect("prepare print");
        let job = desk.produce(&plan).expect("produce print job");
        let outcome = desk.complete_print(s, &plan, &job).expect("complete print");
        assert_eq!(outcome.state, MailingState::Printed);
        assert_eq!(outcome.generation, plan.generation);
        assert_eq!(outcome.sheets as usize, plan.sheets.len());
        (plan, outcome)
    }

    fn scan(&mut self, s: &Session, code: &str) -> ScanOutcome {
        self.desk(s)
            .scan(s, code, ScanSource::Keyed)
            .expect("scan returns a verdict")
    }

    /// Scans every sheet of the plan in order; the mailing must then be verified.
    fn scan_all(&mut self, s: &Session, plan: &PrintPlan) {
        let n = plan.sheets.len() as u32;
        for sheet in 1..=n {
            let out = self.scan(s, &code(plan, sheet));
            assert_eq!(out.verdict, Verdict::Ok, "sheet {sheet}: {out:?}");
            assert_eq!(out.seen, sheet);
            let expected = if sheet == n {
                MailingState::Verified
            } else {
                MailingState::Printed
            };
            assert_eq!(out.state, expected, "after sheet {sheet}");
        }
    }

    /// A whole mailing from start to seal.
    fn full_mailing(&mut self, s: &Session, case: &CaseDetail) -> MailingStatus {
        self.start_plain(s, case);
        let (plan, _) = self.print(s, None);
        self.scan_all(s, &plan);
        let sealed = self.desk(s).seal(s).expect("seal");
        assert_eq!(sealed.state, MailingState::Sealed);
        sealed
    }

    fn state(&mut self, s: &Session) -> Option<MailingState> {
        self.desk(s).status(s).expect("status").map(|m| m.state)
    }
}

fn applicant(case: &CaseDetail) -> &Party {
    case.parties
        .iter()
        .find(|p| p.role == PartyRole::Applicant)
        .expect("every case has an applicant")
}

/// Documents of the case about its applicant.
fn own_documents(case: &CaseDetail) -> Vec<DocumentId> {
    let a = applicant(case).id;
    case.documents
        .iter()
        .filter(|d| d.subject == a)
        .map(|d| d.id)
        .collect()
}

fn code(plan: &PrintPlan, sheet: u32) -> String {
    plan.code(sheet).expect("sheet in range").encode()
}

/// The refusal of a refused operation; panics on success or on any other error.
#[track_caller]
fn refusal<T: std::fmt::Debug>(r: kuvert::Result<T>) -> Refusal {
    match r {
        Err(Error::Refused(refusal)) => refusal,
        other => panic!("expected a refusal, got {other:?}"),
    }
}

/// The text of each page of a PDF, through poppler's `pdftotext`.
fn pdf_pages(path: &str) -> Vec<String> {
    let out = Command::new("pdftotext")
        .args(["-enc", "UTF-8", path, "-"])
        .output()
        .expect("pdftotext (poppler-utils) runs");
    assert!(out.status.success(), "pdftotext failed on {path}");
    let text = String::from_utf8(out.stdout).expect("utf-8 text");
    let mut pages: Vec<String> = text.split('\u{c}').map(str::to_owned).collect();
    if pages.last().is_some_and(|p| p.trim().is_empty()) {
        pages.pop();
    }
    pages
}

/// Every `KV1` + 17 `[A-Z0-9]` string in a text, in order, deduplicated per position.
fn codes_in(text: &str) -> Vec<String> {
    let chars: Vec<char> = text.chars().collect();
    let mut found = Vec::new();
    let mut i = 0;
    while i + 20 <= chars.len() {
        let candidate: String = chars[i..i + 20].iter().collect();
        let before_ok = i == 0 || !chars[i - 1].is_ascii_alphanumeric();
        let after_ok = chars.get(i + 20).is_none_or(|c| !c.is_ascii_alphanumeric());
        if candidate.starts_with("KV1")
            && before_ok
            && after_ok
            && candidate
                .chars()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
        {
            found.push(candidate);
            i += 20;
        } else {
            i += 1;
        }
    }
    found
}

// ---------------------------------------------------------------------------------------------
// Two mailings are interleaved by one caseworker → one open mailing per caseworker
// ---------------------------------------------------------------------------------------------

both!(one_open_mailing_per_caseworker);
/// DESIGN §1 "Two mailings are interleaved by one caseworker": a caseworker has at most one
/// open mailing (draft, printed or verified); starting another, even on another case, is
/// refused and changes nothing.
fn one_open_mailing_per_caseworker(backend: Backend) {
    let mut fx = Fixture::demo(backend);
    let s = fx.login(H1);
    let cases = fx.plain_cases(&s);
    let (first, second) = (&cases[0], &cases[1]);
    let open = fx.start_plain(&s, first);

    for expected_state in [MailingState::Draft, MailingState::Printed] {
        let before = fx.events();
        let r = refusal(fx.desk(&s).start(&s, &second.case, applicant(second).id));
        assert_eq!(
            r,
            Refusal::OneOpenMailing {
                case: first.case.clone(),
                state: expected_state,
            }
        );
        // Nothing changed: the other case is not locked, the open mailing is the same one,
        // and nothing was appended to the log.
        assert_eq!(fx.lock_holder(&s, &second.case), None);
        assert_eq!(fx.lock_holder(&s, &first.case).as_deref(), Some(H1));
        let status = fx
            .desk(&s)
            .status(&s)
            .expect("status")
            .expect("open mailing");
        assert_eq!(status.mailing, open.mailing);
        assert_eq!(status.state, expected_state);
        assert_eq!(fx.events(), before);
        if expected_state == MailingState::Draft {
            fx.print(&s, None);
        }
    }

    // The same case again is refused by the same rule.
    let r = refusal(fx.desk(&s).start(&s, &first.case, applicant(first).id));
    assert!(matches!(r, Refusal::OneOpenMailing { .. }), "{r:?}");

    // Once the open mailing is closed, the next may start.
    fx.desk(&s).void(&s, "test: start over").expect("void");
    let next = fx
        .desk(&s)
        .start(&s, &second.case, applicant(second).id)
        .expect("start after void");
    assert_eq!(next.state, MailingState::Draft);
}

both!(open_mailing_survives_the_session);
/// DESIGN §2 "A mailing survives a crash or a closed terminal": the caseworker's next
/// session, at another terminal, finds the open mailing and still cannot open a second one.
fn open_mailing_survives_the_session(backend: Backend) {
    let mut fx = Fixture::demo(backend);
    let s = fx.login(H1);
    let cases = fx.plain_cases(&s);
    let open = fx.start_plain(&s, &cases[0]);
    fx.desk(&s).end_session(&s).expect("end session");

    let mut desk = fx.open_desk(H1);
    let later = fx
        .session_at(&mut desk, H1, "another-tty", SessionKind::Tui)
        .expect("new session");
    assert_ne!(later.id, s.id);
    let status = desk.status(&later).expect("status").expect("resumed");
    assert_eq!(status.mailing, open.mailing);
    assert_eq!(status.state, MailingState::Draft);
    let r = refusal(desk.start(&later, &cases[1].case, applicant(&cases[1]).id));
    assert!(matches!(r, Refusal::OneOpenMailing { .. }), "{r:?}");
}

// ---------------------------------------------------------------------------------------------
// Two caseworkers mail from one case at once → the case lock
// ---------------------------------------------------------------------------------------------

both!(locked_case_refuses_second_caseworker_until_sealed);
/// DESIGN §1 "Two caseworkers mail from one case at once": the case is locked by the open
/// mailing; a second caseworker at another desk is refused (naming the holder) and nothing
/// changes; after the holder seals, the lock is released and the other may start.
fn locked_case_refuses_second_caseworker_until_sealed(backend: Backend) {
    let mut fx = Fixture::demo(backend);
    let s1 = fx.login(H1);
    let case = fx.plain_cases(&s1)[0].clone();
    let open = fx.start_plain(&s1, &case);

    let mut desk2 = fx.open_desk(H2);
    let s2 = fx
        .session_at(&mut desk2, H2, "tty-h2", SessionKind::Cli)
        .expect("session");
    let before = fx.events();
    let r = refusal(desk2.start(&s2, &case.case, applicant(&case).id));
    match &r {
        Refusal::CaseLocked {
            case: c, holder, ..
        } => {
            assert_eq!(c, &case.case);
            assert!(holder.contains(H1), "holder names the account: {holder}");
        }
        other => panic!("expected CaseLocked, got {other:?}"),
    }
    assert_eq!(fx.events(), before);
    assert!(desk2.status(&s2).expect("status").is_none());
    let lock = fx.case(&s1, &case.case).lock.expect("still locked");
    assert_eq!((lock.account.as_str(), lock.mailing), (H1, open.mailing));
    let listed = fx.desk(&s1).list_cases(&s1).expect("list");
    let row = listed.iter().find(|c| c.case == case.case).expect("listed");
    assert_eq!(row.locked_by.as_deref(), Some(H1));

    // Seal through the whole flow: the lock goes with it.
    let (plan, _) = fx.print(&s1, None);
    fx.scan_all(&s1, &plan);
    fx.desk(&s1).seal(&s1).expect("seal");
    assert_eq!(fx.lock_holder(&s1, &case.case), None);

    let m2 = desk2
        .start(&s2, &case.case, applicant(&case).id)
        .expect("start after seal");
    assert_eq!(m2.state, MailingState::Draft);
    assert_eq!(fx.lock_holder(&s1, &case.case).as_deref(), Some(H2));
}

both!(locked_case_is_released_by_void);
/// DESIGN §1/§2: voiding the open mailing releases the case lock in the same transaction,
/// and another caseworker may then start on the case.
fn locked_case_is_released_by_void(backend: Backend) {
    let mut fx = Fixture::demo(backend);
    let s1 = fx.login(H1);
    let s2 = fx.login(H2);
    let case = fx.plain_cases(&s1)[0].clone();
    fx.start_plain(&s1, &case);
    fx.print(&s1, None);
    let r = refusal(fx.desk(&s2).start(&s2, &case.case, applicant(&case).id));
    assert!(matches!(r, Refusal::CaseLocked { .. }), "{r:?}");

    let voided = fx.desk(&s1).void(&s1, "wrong recipient").expect("void");
    assert_eq!(voided.state, MailingState::Voided);
    assert_eq!(fx.lock_holder(&s1, &case.case), None);
    fx.desk(&s2)
        .start(&s2, &case.case, applicant(&case).id)
        .expect("start after void");
    assert_eq!(fx.lock_holder(&s2, &case.case).as_deref(), Some(H2));
}

// ---------------------------------------------------------------------------------------------
// Teams
// ---------------------------------------------------------------------------------------------

both!(case_of_another_team_is_refused);
/// DESIGN §5 "A caseworker opens only cases of their team": listing shows only the own
/// team; showing or locking a case of another team is refused and locks nothing.
fn case_of_another_team_is_refused(backend: Backend) {
    let mut fx = Fixture::demo(backend);
    let s1 = fx.login(H1);
    let s3 = fx.login(H3);
    let b_case = fx.plain_cases(&s3)[0].clone();
    assert_eq!(b_case.team, "B");
    let a_case = fx.plain_cases(&s1)[0].clone();
    assert_eq!(a_case.team, "A");

    let listed = fx.desk(&s1).list_cases(&s1).expect("list");
    assert!(!listed.is_empty());
    assert!(listed.iter().all(|c| c.team == "A"), "{listed:?}");
    assert!(listed.iter().all(|c| c.case != b_case.case));

    let before = fx.events();
    let r = refusal(fx.desk(&s1).show_case(&s1, &b_case.case));
    assert!(matches!(r, Refusal::OtherTeam { .. }), "{r:?}");
    let r = refusal(fx.desk(&s1).start(&s1, &b_case.case, applicant(&b_case).id));
    assert_eq!(
        r,
        Refusal::OtherTeam {
            case: b_case.case.clone(),
            team: "B".into(),
            yours: "A".into(),
        }
    );
    // Nothing locked, nothing opened, nothing logged.
    assert_eq!(fx.lock_holder(&s3, &b_case.case), None);
    assert!(fx.desk(&s1).status(&s1).expect("status").is_none());
    assert_eq!(fx.events(), before);

    // And the other way round.
    let r = refusal(fx.desk(&s3).start(&s3, &a_case.case, applicant(&a_case).id));
    assert!(matches!(r, Refusal::OtherTeam { .. }), "{r:?}");
    assert_eq!(fx.lock_holder(&s1, &a_case.case), None);
    assert_eq!(fx.events(), before);
}

// ---------------------------------------------------------------------------------------------
// A document of case A reaches the recipient of case B
// ---------------------------------------------------------------------------------------------

both!(document_of_another_case_is_refused_all_or_nothing);
/// DESIGN §1 "A document of case A reaches the recipient of case B": only documents of the
/// locked case can be attached; a list mixing a valid and a foreign document is refused as a
/// whole (nothing is attached), in either order.
fn document_of_another_case_is_refused_all_or_nothing(backend: Backend) {
    let mut fx = Fixture::demo(backend);
    let s1 = fx.login(H1);
    let s3 = fx.login(H3);
    let cases = fx.plain_cases(&s1);
    let (mine, other) = (&cases[0], &cases[1]);
    let own = own_documents(mine)[0];
    let same_team_foreign = other.documents[0].id;
    let other_team_foreign = fx.plain_cases(&s3)[0].documents[0].id;
    fx.desk(&s1)
        .start(&s1, &mine.case, applicant(mine).id)
        .expect("start");

    let before = fx.events();
    for list in [
        vec![same_team_foreign],
        vec![own, same_team_foreign],
        vec![same_team_foreign, own],
        vec![other_team_foreign],
        vec![own, other_team_foreign],
    ] {
        let r = refusal(fx.desk(&s1).attach(&s1, &list, true));
        let foreign = *list.iter().find(|&&d| d != own).expect("a foreign id");
        assert_eq!(
            r,
            Refusal::DocumentOfOtherCase {
                document: foreign,
                case: mine.case.clone(),
            },
            "attaching {list:?}"
        );
        let status = fx.desk(&s1).status(&s1).expect("status").expect("open");
        assert!(status.enclosures.is_empty(), "{list:?}: {status:?}");
        assert_eq!(fx.events(), before);
    }
    // A document that does not exist is not found, and also attaches nothing.
    let err = fx
        .desk(&s1)
        .attach(&s1, &[own, 9_999_999], false)
        .expect_err("no such doc");
    assert!(matches!(err, Error::NotFound(_)), "{err:?}");
    assert_eq!(fx.events(), before);

    // The valid document alone is attached.
    let status = fx.desk(&s1).attach(&s1, &[own], false).expect("attach own");
    let attached: Vec<DocumentId> = status.enclosures.iter().map(|e| e.document).collect();
    assert_eq!(attached, vec![own]);
}

// ---------------------------------------------------------------------------------------------
// A document about another person
// ---------------------------------------------------------------------------------------------

both!(document_about_another_person_needs_confirmation);
/// DESIGN §1 "A document about another person is sent by mistake": attaching a document
/// that concerns someone other than the recipient needs an explicit confirmation; with it,
/// the enclosure and the log record the confirmation.
fn document_about_another_person_needs_confirmation(backend: Backend) {
    let mut fx = Fixture::demo(backend);
    let s = fx.login(H1);
    let case = fx
        .plain_cases(&s)
        .into_iter()
        .find(|c| c.documents.iter().any(|d| d.subject != applicant(c).id))
        .expect("a case with a document about another party");
    let recipient = applicant(&case).id;
    let doc = case
        .documents
        .iter()
        .find(|d| d.subject != recipient)
        .expect("other-subject document");
    let subject_role = case
        .parties
        .iter()
        .find(|p| p.id == doc.subject)
        .expect("subject is a party")
        .role;
    let own = own_documents(&case)[0];
    let m = fx.desk(&s).start(&s, &case.case, recipient).expect("start");

    let before = fx.events();
    for list in [vec![doc.id], vec![own, doc.id]] {
        let r = refusal(fx.desk(&s).attach(&s, &list, false));
        assert_eq!(
            r,
            Refusal::OtherSubject {
                document: doc.id,
                title: doc.title.clone(),
                subject_role: subject_role.as_str().to_owned(),
            }
        );
        let status = fx.desk(&s).status(&s).expect("status").expect("open");
        assert!(status.enclosures.is_empty(), "all or nothing: {status:?}");
        assert_eq!(fx.events(), before);
    }

    let status = fx
        .desk(&s)
        .attach(&s, &[own, doc.id], true)
        .expect("confirmed");
    let by_id = |id| {
        status
            .enclosures
            .iter()
            .find(|e| e.document == id)
            .expect("attached")
            .clone()
    };
    assert!(by_id(doc.id).confirmed_other_subject);
    assert!(!by_id(own).confirmed_other_subject);

    // The confirmation is logged with the attach event.
    let events = fx
        .store()
        .read(|tx| kuvert::store::events::of_mailing(tx, m.mailing))
        .expect("events");
    let attach_event = events
        .iter()
        .filter(|e| e.kind == "document_attached")
        .find(|e| e.detail.contains(&format!("\"document\":{}", doc.id)))
        .expect("attach event of the other-subject document");
    let detail: serde_json::Value = serde_json::from_str(&attach_event.detail).expect("json");
    assert_eq!(detail["other_subject_confirmed"], serde_json::json!(true));
}

// ---------------------------------------------------------------------------------------------
// Printing
// ---------------------------------------------------------------------------------------------

both!(print_rules_and_reprint_makes_earlier_codes_stale);
/// DESIGN §2/§4: printing with nothing attached is refused; a second print needs a reason;
/// a reprint is a new generation, and the codes of the first generation then scan as stale
/// (a deviation).
fn print_rules_and_reprint_makes_earlier_codes_stale(backend: Backend) {
    let mut fx = Fixture::demo(backend);
    let s = fx.login(H1);
    let case = fx.plain_cases(&s)[0].clone();
    fx.desk(&s)
        .start(&s, &case.case, applicant(&case).id)
        .expect("start");

    let before = fx.events();
    assert_eq!(
        refusal(fx.desk(&s).print(&s, None)),
        Refusal::NothingAttached
    );
    let status = fx.desk(&s).status(&s).expect("status").expect("open");
    assert_eq!((status.state, status.generation), (MailingState::Draft, 0));
    assert_eq!(fx.events(), before);

    fx.desk(&s)
        .attach(&s, &[own_documents(&case)[0]], false)
        .expect("attach");
    let first = fx.desk(&s).print(&s, None).expect("first print");
    assert_eq!(first.generation, 1);
    assert_eq!(first.state, MailingState::Printed);
    assert!(Path::new(&first.pdf).is_file(), "{}", first.pdf);

    let before = fx.events();
    for reason in [None, Some(""), Some("   ")] {
        assert_eq!(
            refusal(fx.desk(&s).print(&s, reason)),
            Refusal::ReprintNeedsReason,
            "reason {reason:?}"
        );
    }
    let status = fx.desk(&s).status(&s).expect("status").expect("open");
    assert_eq!(
        (status.state, status.generation),
        (MailingState::Printed, 1)
    );
    assert_eq!(fx.events(), before);

    let (plan, second) = fx.print(&s, Some("paper jam"));
    assert_eq!(second.generation, 2);
    assert_ne!(second.pdf, first.pdf);
    let status = fx.desk(&s).status(&s).expect("status").expect("open");
    assert_eq!(
        (status.state, status.generation),
        (MailingState::Printed, 2)
    );

    // Sheet 1 of generation 2 is fine; sheet 1 of generation 1 is stale and resets.
    let ok = fx.scan(&s, &code(&plan, 1));
    assert_eq!((ok.verdict, ok.seen), (Verdict::Ok, 1));
    let old = SheetCode::new(plan.token, 1, 1).expect("code").encode();
    let before = fx.events();
    let stale = fx.scan(&s, &old);
    assert_eq!(stale.verdict, Verdict::Stale);
    assert_eq!(stale.seen, 0);
    assert_eq!(stale.state, MailingState::Printed);
    assert_eq!(stale.other_case, None);
    // The scan and its deviation are logged.
    assert_eq!(fx.events(), before + 2);
}

both!(every_printed_sheet_carries_its_own_code);
/// DESIGN §4 "every printed page carries the mailing's code" and "the address seen through
/// the window is on the same sheet as the QR": page N of the print job carries exactly the
/// code of sheet N, and the cover sheet carries the recipient's address.
fn every_printed_sheet_carries_its_own_code(backend: Backend) {
    let mut fx = Fixture::demo(backend);
    let s = fx.login(H1);
    let case = fx.plain_cases(&s)[0].clone();
    let recipient = applicant(&case).clone();
    fx.start_plain(&s, &case);
    let (plan, outcome) = fx.print(&s, None);
    let address = recipient
        .address
        .clone()
        .expect("unprotected has an address");
    assert_eq!(
        plan.delivery,
        Delivery::Direct {
            name: recipient.name.clone(),
            address: address.clone(),
        }
    );

    let pages = pdf_pages(&outcome.pdf);
    assert_eq!(pages.len(), plan.sheets.len(), "one page per sheet");
    for (i, page) in pages.iter().enumerate() {
        let sheet = i as u32 + 1;
        let mut found = codes_in(page);
        found.dedup();
        assert_eq!(found, vec![code(&plan, sheet)], "page {sheet}:\n{page}");
    }
    assert!(pages[0].contains(&address.street), "cover:\n{}", pages[0]);
    assert!(pages[0].contains(&case.case), "cover:\n{}", pages[0]);
}

both!(every_sheet_qr_decodes_with_zbar_at_150_dpi);
/// DESIGN §3 "all must decode with a common decoder (zbar) from a 150 dpi grey scan": the QR
/// of each page, rendered at 150 dpi in grey and read by `zbarimg`, is that sheet's code.
fn every_sheet_qr_decodes_with_zbar_at_150_dpi(backend: Backend) {
    let mut fx = Fixture::demo(backend);
    let s = fx.login(H1);
    let case = fx
        .team_cases(&s)
        .into_iter()
        .find(|c| applicant(c).protected && !own_documents(c).is_empty())
        .expect("a protected applicant: cover, inner sheet and pages");
    fx.desk(&s)
        .start(&s, &case.case, applicant(&case).id)
        .expect("start");
    fx.desk(&s)
        .attach(&s, &[own_documents(&case)[0]], false)
        .expect("attach");
    let (plan, outcome) = fx.print(&s, None);

    let prefix = fx.dir().join("scan");
    let status = Command::new("pdftoppm")
        .args(["-r", "150", "-gray", "-png", &outcome.pdf])
        .arg(&prefix)
        .status()
        .expect("pdftoppm (poppler-utils) runs");
    assert!(status.success());
    let mut images: Vec<PathBuf> = std::fs::read_dir(fx.dir())
        .expect("read dir")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "png"))
        .collect();
    images.sort();
    assert_eq!(images.len(), plan.sheets.len(), "{images:?}");
    for (i, image) in images.iter().enumerate() {
        let out = Command::new("zbarimg")
            .args(["--raw", "-q", "-Sdisable", "-Sqrcode.enable"])
            .arg(image)
            .output()
            .expect("zbarimg runs");
        let text = String::from_utf8(out.stdout).expect("utf-8");
        let decoded: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
        let sheet = i as u32 + 1;
        assert_eq!(
            decoded,
            vec![code(&plan, sheet)],
            "sheet {sheet} ({image:?})"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Printing failures and races
// ---------------------------------------------------------------------------------------------

both!(printer_failure_leaves_the_mailing_in_draft);
/// DESIGN §4 "A printer error leaves the mailing in draft with the error shown — never in
/// printed without paper": the failure is an environment error (exit 3), logged; the retry
/// needs no reason (nothing was printed) and the failed print's codes scan as stale.
fn printer_failure_leaves_the_mailing_in_draft(backend: Backend) {
    let mut fx = Fixture::demo_with(
        backend,
        Config {
            printer_command: Some("false".into()),
            ..Config::default()
        },
    );
    let s = fx.login(H1);
    let case = fx.plain_cases(&s)[0].clone();
    let m = fx.start_plain(&s, &case);

    let err = fx.desk(&s).print(&s, None).expect_err("the printer fails");
    assert!(matches!(err, Error::Printer(_)), "{err:?}");
    assert_eq!(err.exit_code(), 3);
    let status = fx.desk(&s).status(&s).expect("status").expect("open");
    assert_eq!(status.state, MailingState::Draft);
    assert_eq!((status.generation, status.sheets), (0, 0));
    assert_eq!(status.pdf, None);
    let events = fx
        .store()
        .read(|tx| kuvert::store::events::of_mailing(tx, m.mailing))
        .expect("events");
    let kinds: Vec<&str> = events.iter().map(|e| e.kind.as_str()).collect();
    assert!(kinds.contains(&"print_failed"), "{kinds:?}");
    assert!(!kinds.contains(&"printed"), "{kinds:?}");
    assert_eq!(
        refusal(fx.desk(&s).seal(&s)),
        Refusal::NotVerified {
            seen: 0,
            required: 0
        }
    );

    // The same caseworker at a desk whose printer works: a retry, not a reprint.
    let mut desk = fx.open_desk_with(H1, Config::default());
    let s_again = fx
        .session_at(&mut desk, H1, "tty-h1", SessionKind::Cli)
        .expect("session");
    let plan = desk
        .prepare_print(&s_again, None)
        .expect("retry needs no reason");
    let job = desk.produce(&plan).expect("produce");
    let outcome = desk
        .complete_print(&s_again, &plan, &job)
        .expect("complete");
    assert_eq!(outcome.generation, 2, "the failed print used generation 1");
    let failed_code = SheetCode::new(plan.token, 1, 1).expect("code").encode();
    let out = desk
        .scan(&s_again, &failed_code, ScanSource::Scanner)
        .expect("scan");
    assert_eq!(out.verdict, Verdict::Stale);
}

both!(an_overtaken_print_cannot_become_current);
/// DESIGN §2 "each print is a new generation": when a newer print was reserved while an older
/// one was still rendering, the older one cannot be completed (it would make stale codes
/// current); the newer one can, and the older codes scan as stale.
fn an_overtaken_print_cannot_become_current(backend: Backend) {
    let mut fx = Fixture::demo(backend);
    let s = fx.login(H1);
    let case = fx.plain_cases(&s)[0].clone();
    fx.start_plain(&s, &case);

    let older = fx.desk(&s).prepare_print(&s, None).expect("prepare 1");
    let newer = fx
        .desk(&s)
        .prepare_print(&s, None)
        .expect("prepare 2 (retry)");
    assert_eq!((older.generation, newer.generation), (1, 2));
    let older_job = fx.desk(&s).produce(&older).expect("produce 1");
    let err = fx
        .desk(&s)
        .complete_print(&s, &older, &older_job)
        .expect_err("overtaken");
    assert_eq!(err.exit_code(), 3, "{err:?}");
    let status = fx.desk(&s).status(&s).expect("status").expect("open");
    assert_eq!((status.state, status.generation), (MailingState::Draft, 0));

    let newer_job = fx.desk(&s).produce(&newer).expect("produce 2");
    let done = fx
        .desk(&s)
        .complete_print(&s, &newer, &newer_job)
        .expect("complete 2");
    assert_eq!(done.generation, 2);
    let out = fx.scan(&s, &code(&older, 1));
    assert_eq!(out.verdict, Verdict::Stale);
    fx.scan_all(&s, &newer);
    fx.desk(&s).seal(&s).expect("seal");
}

// ---------------------------------------------------------------------------------------------
// Composition
// ---------------------------------------------------------------------------------------------

both!(attachments_are_fixed_once_printed);
/// DESIGN §2 "draft: attach/detach freely": once printed, the enclosures are fixed (what was
/// printed is what is verified); in draft a document is attached once and only an attached one
/// can be detached; each refusal changes nothing.
fn attachments_are_fixed_once_printed(backend: Backend) {
    let mut fx = Fixture::demo(backend);
    let s = fx.login(H1);
    let case = fx
        .plain_cases(&s)
        .into_iter()
        .find(|c| own_documents(c).len() >= 2)
        .expect("a case with two documents about the applicant");
    let docs = own_documents(&case);
    fx.desk(&s)
        .start(&s, &case.case, applicant(&case).id)
        .expect("start");
    fx.desk(&s).attach(&s, &[docs[0]], false).expect("attach");

    let before = fx.events();
    let err = fx
        .desk(&s)
        .attach(&s, &[docs[1], docs[0]], false)
        .expect_err("twice");
    // Input to correct (exit 2), now the typed fact the catalogue words.
    assert!(
        matches!(
            err,
            Error::Problem(kuvert::error::Problem::AlreadyAttached { .. })
        ),
        "{err:?}"
    );
    assert_eq!(err.exit_code(), 2);
    let err = fx
        .desk(&s)
        .detach(&s, &[docs[0], docs[1]])
        .expect_err("not attached");
    assert!(matches!(err, Error::Invalid(_)), "{err:?}");
    let err = fx.desk(&s).attach(&s, &[], false).expect_err("empty list");
    assert!(matches!(err, Error::Invalid(_)), "{err:?}");
    let status = fx.desk(&s).status(&s).expect("status").expect("open");
    let attached: Vec<DocumentId> = status.enclosures.iter().map(|e| e.document).collect();
    assert_eq!(attached, vec![docs[0]]);
    assert_eq!(fx.events(), before);

    fx.print(&s, None);
    let before = fx.events();
    assert_eq!(
        refusal(fx.desk(&s).attach(&s, &[docs[1]], false)),
        Refusal::AlreadyPrinted
    );
    assert_eq!(
        refusal(fx.desk(&s).detach(&s, &[docs[0]])),
        Refusal::AlreadyPrinted
    );
    let status = fx.desk(&s).status(&s).expect("status").expect("open");
    let attached: Vec<DocumentId> = status.enclosures.iter().map(|e| e.document).collect();
    assert_eq!(attached, vec![docs[0]]);
    assert_eq!(fx.events(), before);
}

both!(recipient_must_be_a_party_of_the_case);
/// DESIGN §1 "A document of case A reaches the recipient of case B": the recipient must be a
/// party of the case being locked; another case's party is not found and nothing is locked.
fn recipient_must_be_a_party_of_the_case(backend: Backend) {
    let mut fx = Fixture::demo(backend);
    let s = fx.login(H1);
    let cases = fx.plain_cases(&s);
    let (case, other) = (&cases[0], &cases[1]);
    let before = fx.events();
    let err = fx
        .desk(&s)
        .start(&s, &case.case, applicant(other).id)
        .expect_err("party of another case");
    assert!(matches!(err, Error::NotFound(_)), "{err:?}");
    assert_eq!(fx.lock_holder(&s, &case.case), None);
    assert!(fx.desk(&s).status(&s).expect("status").is_none());
    assert_eq!(fx.events(), before);
}

// ---------------------------------------------------------------------------------------------
// Sealing needs every sheet
// ---------------------------------------------------------------------------------------------

both!(seal_is_refused_until_every_sheet_is_scanned);
/// DESIGN §1/§2: sealing requires every sheet of the current print scanned back; before
/// that it is refused and the mailing, its lock and the log are unchanged.
fn seal_is_refused_until_every_sheet_is_scanned(backend: Backend) {
    let mut fx = Fixture::demo(backend);
    let s = fx.login(H1);
    let case = fx.plain_cases(&s)[0].clone();
    fx.start_plain(&s, &case);
    // A document of several pages makes the point better: add the largest own document.
    let status = fx.desk(&s).status(&s).expect("status").expect("open");
    let extra = case
        .documents
        .iter()
        .filter(|d| d.subject == applicant(&case).id)
        .filter(|d| status.enclosures.iter().all(|e| e.document != d.id))
        .max_by_key(|d| d.pages)
        .map(|d| d.id);
    if let Some(extra) = extra {
        fx.desk(&s)
            .attach(&s, &[extra], false)
            .expect("attach extra");
    }

    let before = fx.events();
    assert_eq!(
        refusal(fx.desk(&s).seal(&s)),
        Refusal::NotVerified {
            seen: 0,
            required: 0
        }
    );
    assert_eq!(fx.state(&s), Some(MailingState::Draft));
    assert_eq!(fx.events(), before);

    let (plan, _) = fx.print(&s, None);
    let n = plan.sheets.len() as u32;
    assert!(n >= 2);
    for sheet in 1..n {
        let before = fx.events();
        assert_eq!(
            refusal(fx.desk(&s).seal(&s)),
            Refusal::NotVerified {
                seen: sheet - 1,
                required: n
            }
        );
        assert_eq!(fx.state(&s), Some(MailingState::Printed));
        assert_eq!(fx.lock_holder(&s, &case.case).as_deref(), Some(H1));
        assert_eq!(fx.events(), before);
        fx.scan(&s, &code(&plan, sheet));
    }
    let last = fx.scan(&s, &code(&plan, n));
    assert_eq!(last.state, MailingState::Verified);
    let sealed = fx.desk(&s).seal(&s).expect("seal");
    assert_eq!(sealed.state, MailingState::Sealed);
    assert_eq!(fx.lock_holder(&s, &case.case), None);
    assert!(fx.desk(&s).status(&s).expect("status").is_none());
    // A sealed mailing is terminal: nothing left to seal or void.
    assert!(matches!(fx.desk(&s).seal(&s), Err(Error::NoOpenMailing)));
    assert!(matches!(
        fx.desk(&s).void(&s, "x"),
        Err(Error::NoOpenMailing)
    ));
}

both!(cover_and_document_ends_policy_requires_only_those_sheets);
/// DESIGN §2 verification policy `cover-and-document-ends`: only the cover and the first and
/// last page of each document are required; the others still scan as sheets of the mailing.
fn cover_and_document_ends_policy_requires_only_those_sheets(backend: Backend) {
    let mut fx = Fixture::demo_with(backend, Config::default());
    let lead = fx.login(LEAD);
    fx.desk(&lead)
        .set_policy(&lead, "verify", "cover-and-document-ends")
        .expect("policy");
    let s = fx.login(H1);
    let case = fx
        .plain_cases(&s)
        .into_iter()
        .find(|c| {
            let a = applicant(c).id;
            c.documents.iter().any(|d| d.subject == a && d.pages >= 3)
        })
        .expect("a case with a document of at least 3 pages");
    let a = applicant(&case).id;
    let doc = case
        .documents
        .iter()
        .find(|d| d.subject == a && d.pages >= 3)
        .expect("document")
        .clone();
    fx.desk(&s).start(&s, &case.case, a).expect("start");
    fx.desk(&s).attach(&s, &[doc.id], false).expect("attach");
    let (plan, outcome) = fx.print(&s, None);
    assert_eq!(outcome.sheets, 1 + doc.pages);
    let required: Vec<u32> = plan
        .sheets
        .iter()
        .filter(|r| r.required)
        .map(|r| r.sheet)
        .collect();
    assert_eq!(required, vec![1, 2, 1 + doc.pages]);

    // A middle page is a sheet of this mailing but does not count.
    let mid = fx.scan(&s, &code(&plan, 3));
    assert_eq!((mid.verdict, mid.seen, mid.required), (Verdict::Ok, 0, 3));
    fx.scan(&s, &code(&plan, 1));
    fx.scan(&s, &code(&plan, 2));
    assert!(matches!(
        refusal(fx.desk(&s).seal(&s)),
        Refusal::NotVerified {
            seen: 2,
            required: 3
        }
    ));
    let last = fx.scan(&s, &code(&plan, 1 + doc.pages));
    assert_eq!((last.seen, last.state), (3, MailingState::Verified));
    fx.desk(&s).seal(&s).expect("seal");
}

// ---------------------------------------------------------------------------------------------
// Scan verdicts
// ---------------------------------------------------------------------------------------------

both!(scan_ok_and_duplicate);
/// DESIGN §2/§3: ok and duplicate are harmless; decoding ignores letter case and surrounding
/// whitespace; once every sheet is seen the mailing is verified and can be sealed.
fn scan_ok_and_duplicate(backend: Backend) {
    let mut fx = Fixture::demo(backend);
    let s = fx.login(H1);
    let case = fx.plain_cases(&s)[0].clone();
    fx.start_plain(&s, &case);
    let (plan, _) = fx.print(&s, None);
    let n = plan.sheets.len() as u32;

    let first = fx.scan(&s, &code(&plan, 1));
    assert_eq!(first.verdict, Verdict::Ok);
    assert_eq!((first.sheet, first.seen, first.sheets), (Some(1), 1, n));
    let dup = fx.scan(&s, &code(&plan, 1));
    assert_eq!(dup.verdict, Verdict::Duplicate);
    assert_eq!((dup.seen, dup.state), (1, MailingState::Printed));

    // Caps Lock off and a trailing newline from the scanner.
    let sloppy = format!("  {}\n", code(&plan, 2).to_lowercase());
    let out = fx.scan(&s, &sloppy);
    assert_eq!(
        (out.verdict, out.sheet, out.seen),
        (Verdict::Ok, Some(2), 2)
    );
    for sheet in 3..=n {
        fx.scan(&s, &code(&plan, sheet));
    }
    assert_eq!(fx.state(&s), Some(MailingState::Verified));
    let dup = fx.scan(&s, &code(&plan, n));
    assert_eq!(
        (dup.verdict, dup.state),
        (Verdict::Duplicate, MailingState::Verified)
    );
    let status = fx.desk(&s).status(&s).expect("status").expect("open");
    assert_eq!(status.seen_sheets, (1..=n).collect::<Vec<_>>());
    fx.desk(&s).seal(&s).expect("seal");
}

both!(foreign_sheet_is_a_hard_stop_naming_only_the_case);
/// DESIGN §1 "A sheet picked up from a shared printer tray is enveloped": a sheet of another
/// caseworker's mailing is a hard stop naming that mailing's case number and no person; it
/// is logged as a deviation, drops a verified mailing back to printed with the scanned set
/// cleared; after a whole rescan the mailing verifies and seals.
fn foreign_sheet_is_a_hard_stop_naming_only_the_case(backend: Backend) {
    let mut fx = Fixture::demo(backend);
    let s1 = fx.login(H1);
    let s2 = fx.login(H2);
    let s3 = fx.login(H3);
    let cases = fx.plain_cases(&s1);
    let (mine, theirs) = (cases[0].clone(), cases[1].clone());
    let team_b = fx.plain_cases(&s3)[0].clone();

    // Two other caseworkers print at the same printer.
    fx.start_plain(&s2, &theirs);
    let (their_plan, _) = fx.print(&s2, None);
    fx.start_plain(&s3, &team_b);
    let (b_plan, _) = fx.print(&s3, None);

    fx.start_plain(&s1, &mine);
    let (plan, _) = fx.print(&s1, None);
    let my_mailing = plan.mailing;

    let mut names: Vec<String> = vec!["Björn Svensson".into(), "Cecilia Öberg".into()];
    names.extend([H2.to_owned(), H3.to_owned()]);
    for c in [&theirs, &team_b] {
        for p in &c.parties {
            names.push(p.name.clone());
            names.push(p.id_number.clone());
            names.push(p.id_masked.clone());
        }
    }

    for (foreign_plan, foreign_case) in [(&their_plan, &theirs.case), (&b_plan, &team_b.case)] {
        fx.scan_all(&s1, &plan);
        let before = fx.events();
        let out = fx.scan(&s1, &code(foreign_plan, 1));
        assert_eq!(out.verdict, Verdict::Foreign);
        assert_eq!(out.other_case.as_deref(), Some(foreign_case.as_str()));
        assert_eq!(out.seen, 0, "the scanned set is cleared");
        assert_eq!(out.state, MailingState::Printed, "back from verified");
        assert_eq!(out.sheet, None);
        let json = serde_json::to_string(&out).expect("json");
        for name in &names {
            assert!(!json.contains(name.as_str()), "{name} leaks in {json}");
        }
        let message = format!("{out:?}");
        for name in &names {
            assert!(
                !message.contains(name.as_str()),
                "{name} leaks in {message}"
            );
        }
        // Scan + deviation are logged, the deviation naming the other case.
        assert_eq!(fx.events(), before + 2);
        let events = fx
            .store()
            .read(|tx| kuvert::store::events::of_mailing(tx, my_mailing))
            .expect("events");
        let deviation = events.last().expect("an event");
        assert_eq!(deviation.kind, "deviation");
        let detail: serde_json::Value = serde_json::from_str(&deviation.detail).expect("json");
        assert_eq!(detail["kind"], "foreign");
        assert_eq!(detail["other_case"], foreign_case.as_str());

        let status = fx.desk(&s1).status(&s1).expect("status").expect("open");
        assert_eq!((status.state, status.seen), (MailingState::Printed, 0));
        assert!(status.seen_sheets.is_empty());
        assert!(matches!(
            refusal(fx.desk(&s1).seal(&s1)),
            Refusal::NotVerified { seen: 0, .. }
        ));
    }
    // The other mailings are untouched.
    assert_eq!(fx.state(&s2), Some(MailingState::Printed));
    assert_eq!(fx.state(&s3), Some(MailingState::Printed));

    // Rescanned whole, the stack verifies and seals.
    fx.scan_all(&s1, &plan);
    fx.desk(&s1).seal(&s1).expect("seal after rescan");
}

both!(stale_sheet_is_a_hard_stop);
/// DESIGN §1 "An old print of the same mailing is enveloped": after a reprint, a sheet of the
/// earlier generation is a stale hard stop that resets a verified mailing; a rescan of the
/// current print verifies it again.
fn stale_sheet_is_a_hard_stop(backend: Backend) {
    let mut fx = Fixture::demo(backend);
    let s = fx.login(H1);
    let case = fx.plain_cases(&s)[0].clone();
    fx.start_plain(&s, &case);
    let (first, _) = fx.print(&s, None);
    let (second, _) = fx.print(&s, Some("toner ran out"));
    assert_eq!(first.token, second.token);
    assert_eq!(second.generation, 2);

    fx.scan_all(&s, &second);
    for sheet in 1..=first.sheets.len() as u32 {
        let out = fx.scan(&s, &code(&first, sheet));
        assert_eq!(out.verdict, Verdict::Stale, "gen 1 sheet {sheet}");
        assert_eq!((out.seen, out.state), (0, MailingState::Printed));
        fx.scan_all(&s, &second);
    }
    fx.desk(&s).seal(&s).expect("seal");
}

both!(unknown_code_is_a_hard_stop);
/// DESIGN §2/§3: a well-formed code no mailing printed (a random token, or this mailing's
/// token with a sheet or generation that was never printed) is an unknown hard stop.
fn unknown_code_is_a_hard_stop(backend: Backend) {
    let mut fx = Fixture::demo(backend);
    let s = fx.login(H1);
    let case = fx.plain_cases(&s)[0].clone();
    fx.start_plain(&s, &case);
    let (plan, _) = fx.print(&s, None);
    let n = plan.sheets.len() as u32;

    let unknown = [
        SheetCode::new(MailingToken(0x0123_4567_89AB_CDEF), 1, 1),
        SheetCode::new(MailingToken(0x0123_4567_89AB_CDEF), plan.generation, n),
        SheetCode::new(plan.token, plan.generation, n + 1),
        SheetCode::new(plan.token, plan.generation + 1, 1),
    ];
    for c in unknown {
        let c = c.expect("valid code").encode();
        fx.scan_all(&s, &plan);
        let before = fx.events();
        let out = fx.scan(&s, &c);
        assert_eq!(out.verdict, Verdict::Unknown, "{c}");
        assert_eq!((out.seen, out.state), (0, MailingState::Printed), "{c}");
        assert_eq!(out.other_case, None);
        assert_eq!(fx.events(), before + 2, "scan and deviation logged");
    }
    fx.scan_all(&s, &plan);
    fx.desk(&s).seal(&s).expect("seal");
}

both!(mistyped_code_is_not_a_deviation);
/// DESIGN §3 "a mistyped code is reported as mistyped, not as foreign": any single changed
/// character (and any swap of two neighbours) is caught by the check character; garbage is
/// mistyped too; neither is a deviation, so a verified mailing stays verified.
fn mistyped_code_is_not_a_deviation(backend: Backend) {
    let mut fx = Fixture::demo(backend);
    let s = fx.login(H1);
    let case = fx.plain_cases(&s)[0].clone();
    fx.start_plain(&s, &case);
    let (plan, _) = fx.print(&s, None);
    let n = plan.sheets.len() as u32;
    let good = code(&plan, 1);
    assert_eq!(good.len(), 20);

    // Every single substitution and every adjacent transposition, decoded directly.
    let alphabet: Vec<char> = ('0'..='9').chain('A'..='Z').collect();
    let chars: Vec<char> = good.chars().collect();
    for i in 0..chars.len() {
        for &c in &alphabet {
            if c == chars[i] {
                continue;
            }
            let mut typo = chars.clone();
            typo[i] = c;
            let typo: String = typo.into_iter().collect();
            assert!(SheetCode::decode(&typo).is_err(), "{typo} decodes");
        }
        if i + 1 < chars.len() && chars[i] != chars[i + 1] {
            let mut swapped = chars.clone();
            swapped.swap(i, i + 1);
            let swapped: String = swapped.into_iter().collect();
            assert!(SheetCode::decode(&swapped).is_err(), "{swapped} decodes");
        }
    }

    fx.scan_all(&s, &plan);
    let mut typo: Vec<char> = good.chars().collect();
    typo[8] = if typo[8] == 'Z' { 'Y' } else { 'Z' };
    let typo: String = typo.into_iter().collect();
    let garbage = ["hello", "KV1", "KV1!@#$%^&*()_+=-[]{", "ÅÄÖ", &good[..19]];
    for input in std::iter::once(typo.as_str()).chain(garbage) {
        let out = fx.scan(&s, input);
        assert_eq!(out.verdict, Verdict::Mistyped, "{input:?}");
        assert!(out.problem.is_some(), "{input:?}: says what is wrong");
        assert_eq!(
            (out.seen, out.state),
            (n, MailingState::Verified),
            "{input:?}"
        );
        assert_eq!(out.other_case, None);
    }
    fx.desk(&s).seal(&s).expect("still sealable");
}

both!(scan_without_a_printed_mailing_or_code);
/// Contract `mail scan`: no open mailing is an error (not a verdict), scanning a draft is
/// refused, and an empty code is bad input; none of them changes anything.
fn scan_without_a_printed_mailing_or_code(backend: Backend) {
    let mut fx = Fixture::demo(backend);
    let s = fx.login(H1);
    let case = fx.plain_cases(&s)[0].clone();
    let some_code = SheetCode::new(MailingToken(42), 1, 1)
        .expect("code")
        .encode();

    let before = fx.events();
    let err = fx
        .desk(&s)
        .scan(&s, &some_code, ScanSource::Scanner)
        .expect_err("no open mailing");
    assert!(matches!(err, Error::NoOpenMailing), "{err:?}");
    assert_eq!(err.exit_code(), 2);

    fx.start_plain(&s, &case);
    let before_draft = fx.events();
    assert!(before_draft > before);
    let r = refusal(fx.desk(&s).scan(&s, &some_code, ScanSource::Scanner));
    assert_eq!(r, Refusal::NotPrinted);
    for empty in ["", "   ", "\n\t"] {
        let err = fx
            .desk(&s)
            .scan(&s, empty, ScanSource::Keyed)
            .expect_err("empty code");
        assert!(matches!(err, Error::Invalid(_)), "{empty:?}: {err:?}");
        assert_eq!(err.exit_code(), 2);
    }
    assert_eq!(fx.state(&s), Some(MailingState::Draft));
    assert_eq!(fx.events(), before_draft);
}

// ---------------------------------------------------------------------------------------------
// Protected identity
// ---------------------------------------------------------------------------------------------

both!(protected_identity_never_shows_an_address);
/// DESIGN §1 "A protected person's address leaks" and §5: a protected party has no address
/// (not even a JSON key); mail to them is forwarded through the configured service with an
/// extra inner-envelope sheet; the print job shows the service's address.
fn protected_identity_never_shows_an_address(backend: Backend) {
    let mut fx = Fixture::demo(backend);
    let s = fx.login(H1);
    let config = Config::default();
    let case = fx
        .team_cases(&s)
        .into_iter()
        .find(|c| applicant(c).protected && !own_documents(c).is_empty())
        .expect("a case with a protected applicant");
    let party = applicant(&case).clone();
    assert!(party.address.is_none());
    let json = serde_json::to_value(&party).expect("json");
    assert!(json.get("address").is_none(), "{json}");
    assert_eq!(json["protected"], serde_json::json!(true));
    let case_json = serde_json::to_value(&case).expect("json");
    let protected_json = case_json["parties"]
        .as_array()
        .expect("parties")
        .iter()
        .find(|p| p["id"] == serde_json::json!(party.id))
        .expect("party in case json");
    assert!(protected_json.get("address").is_none(), "{protected_json}");

    let started = fx.desk(&s).start(&s, &case.case, party.id).expect("start");
    assert!(started.recipient_protected);
    let doc = own_documents(&case)[0];
    let pages = case
        .documents
        .iter()
        .find(|d| d.id == doc)
        .expect("doc")
        .pages;
    fx.desk(&s).attach(&s, &[doc], false).expect("attach");

    let (plan, outcome) = fx.print(&s, None);
    assert_eq!(
        plan.delivery,
        Delivery::Forwarded {
            service: config.forwarding.name.clone(),
            address: config.forwarding.address.clone(),
            recipient_id_number: party.id_number.clone(),
        }
    );
    assert_eq!(outcome.sheets, 2 + pages, "cover + inner sheet + pages");
    assert_eq!(plan.sheets[1].kind, SheetKind::Inner);
    assert!(plan.sheets[1].required);

    let pages_text = pdf_pages(&outcome.pdf);
    assert_eq!(pages_text.len() as u32, outcome.sheets);
    let cover = &pages_text[0];
    assert!(cover.contains("Skatteverket"), "{cover}");
    assert!(cover.contains(&config.forwarding.address.street), "{cover}");
    assert!(cover.contains("403 20"), "{cover}");
    // The inner sheet carries the personnummer (Skatteverket forwards by it); neither sheet
    // names the protected person, and the outer cover does not carry the personnummer.
    let id = &party.id_number;
    let shown = format!("{}-{}", &id[..8], &id[8..]);
    assert!(pages_text[1].contains(&shown), "inner:\n{}", pages_text[1]);
    for (i, page) in pages_text[..2].iter().enumerate() {
        assert!(
            !page.contains(&party.name),
            "sheet {} names {}",
            i + 1,
            party.name
        );
    }
    assert!(
        !cover.contains(&shown) && !cover.contains(id.as_str()),
        "{cover}"
    );
    // No address of any other party of the case stands in for the missing one.
    let all_text = pages_text.concat();
    for p in case.parties.iter().filter(|p| p.id != party.id) {
        if let Some(a) = &p.address {
            assert!(!all_text.contains(&a.street), "{} printed", a.street);
        }
    }
    // The inner sheet carries the sheet code too, and every sheet must be scanned.
    fx.scan_all(&s, &plan);
    fx.desk(&s).seal(&s).expect("seal");
}

// ---------------------------------------------------------------------------------------------
// Void and lock break
// ---------------------------------------------------------------------------------------------

both!(void_needs_a_reason_and_releases_the_lock);
/// DESIGN §2: voiding needs a reason; without one nothing changes; with one the mailing is
/// voided and the case lock released.
fn void_needs_a_reason_and_releases_the_lock(backend: Backend) {
    let mut fx = Fixture::demo(backend);
    let s = fx.login(H1);
    let case = fx.plain_cases(&s)[0].clone();
    let open = fx.start_plain(&s, &case);

    let before = fx.events();
    for reason in ["", "   ", "\t"] {
        let err = fx.desk(&s).void(&s, reason).expect_err("reason required");
        assert!(matches!(err, Error::Invalid(_)), "{reason:?}: {err:?}");
    }
    assert_eq!(fx.state(&s), Some(MailingState::Draft));
    assert_eq!(fx.lock_holder(&s, &case.case).as_deref(), Some(H1));
    assert_eq!(fx.events(), before);

    let voided = fx.desk(&s).void(&s, "recipient moved").expect("void");
    assert_eq!(
        (voided.mailing, voided.state),
        (open.mailing, MailingState::Voided)
    );
    assert_eq!(fx.lock_holder(&s, &case.case), None);
    assert!(fx.desk(&s).status(&s).expect("status").is_none());
    assert!(fx.events() > before);
}

both!(only_the_lead_breaks_a_lock);
/// DESIGN §2 "A team lead may break a lock (reason required, logged), which voids the
/// mailing": a caseworker is refused; the lead (of the case's team only) needs a reason; a
/// broken lock voids the holder's mailing and frees the case.
fn only_the_lead_breaks_a_lock(backend: Backend) {
    let mut fx = Fixture::demo(backend);
    let s1 = fx.login(H1);
    let s2 = fx.login(H2);
    let s3 = fx.login(H3);
    let lead = fx.login(LEAD);
    let cases = fx.plain_cases(&s1);
    let (case, free) = (cases[0].clone(), cases[1].clone());
    let b_case = fx.plain_cases(&s3)[0].clone();
    let held = fx.start_plain(&s1, &case);
    fx.print(&s1, None);
    fx.start_plain(&s3, &b_case);

    let before = fx.events();
    let r = refusal(fx.desk(&s2).break_lock(&s2, &case.case, "I need it"));
    assert!(matches!(r, Refusal::LeadOnly { .. }), "{r:?}");
    let r = refusal(fx.desk(&s1).break_lock(&s1, &case.case, "my own"));
    assert!(matches!(r, Refusal::LeadOnly { .. }), "{r:?}");
    let err = fx
        .desk(&lead)
        .break_lock(&lead, &case.case, " ")
        .expect_err("reason");
    assert!(matches!(err, Error::Invalid(_)), "{err:?}");
    let r = refusal(
        fx.desk(&lead)
            .break_lock(&lead, &b_case.case, "not my team"),
    );
    assert!(matches!(r, Refusal::OtherTeam { .. }), "{r:?}");
    let r = refusal(
        fx.desk(&lead)
            .break_lock(&lead, &free.case, "nothing to break"),
    );
    assert_eq!(
        r,
        Refusal::NotLocked {
            case: free.case.clone()
        }
    );
    assert_eq!(fx.lock_holder(&s1, &case.case).as_deref(), Some(H1));
    assert_eq!(fx.state(&s1), Some(MailingState::Printed));
    assert_eq!(fx.lock_holder(&s3, &b_case.case).as_deref(), Some(H3));
    assert_eq!(fx.events(), before);

    let broken = fx
        .desk(&lead)
        .break_lock(&lead, &case.case, "Anna is on leave")
        .expect("lead breaks the lock");
    assert_eq!(
        (broken.mailing, broken.state),
        (held.mailing, MailingState::Voided)
    );
    assert_eq!(fx.lock_holder(&s1, &case.case), None);
    assert!(fx.desk(&s1).status(&s1).expect("status").is_none());
    let events = fx
        .store()
        .read(|tx| kuvert::store::events::of_mailing(tx, held.mailing))
        .expect("events");
    let kinds: Vec<&str> = events.iter().map(|e| e.kind.as_str()).collect();
    assert!(kinds.contains(&"lock_broken"), "{kinds:?}");
    assert!(kinds.contains(&"voided"), "{kinds:?}");
    let by_lead = events
        .iter()
        .find(|e| e.kind == "lock_broken")
        .expect("lock_broken");
    assert_eq!(by_lead.account.as_deref(), Some(LEAD));

    // The case is free for the next caseworker, and the former holder may start anew.
    fx.desk(&s2)
        .start(&s2, &case.case, applicant(&case).id)
        .expect("start on freed case");
    fx.desk(&s1)
        .start(&s1, &free.case, applicant(&free).id)
        .expect("holder starts anew");
}

// ---------------------------------------------------------------------------------------------
// The record is altered afterwards → append-only, hash-chained event log
// ---------------------------------------------------------------------------------------------

both!(event_log_is_append_only_and_an_edit_is_found);
/// DESIGN §1 "The record is altered afterwards": after a full mailing the chain verifies;
/// UPDATE and DELETE on the events table are refused by triggers even to the database's
/// owner underneath kuvert; an edit made with the trigger off is found at exactly that event.
fn event_log_is_append_only_and_an_edit_is_found(backend: Backend) {
    let mut fx = Fixture::demo(backend);
    let s = fx.login(H1);
    let case = fx.plain_cases(&s)[0].clone();
    fx.full_mailing(&s, &case);

    let report = fx.desk(&s).audit_verify().expect("verify");
    assert!(report.ok, "{report:?}");
    assert_eq!(report.broken_at, None);
    let count: i64 = fx.value("SELECT count(*) FROM events");
    assert_eq!(report.events, count);
    assert!(count > 5);

    let target = count / 2;
    let mut refused = vec![
        format!("UPDATE events SET detail = '{{}}' WHERE seq = {target}"),
        format!("DELETE FROM events WHERE seq = {target}"),
        "DELETE FROM events".to_owned(),
    ];
    if backend == Backend::Postgres {
        // TRUNCATE fires no row trigger: the server has a statement trigger for it.
        refused.push("TRUNCATE events CASCADE".to_owned());
    }
    for statement in &refused {
        let err = fx.execute(statement).expect_err(statement);
        assert!(err.by_constraint, "{statement}: {err:?}");
        assert!(err.message.contains("append-only"), "{statement}: {err:?}");
    }
    assert_eq!(fx.events(), count, "nothing changed");

    fx.without_trigger("events", "events_no_update");
    fx.execute(&format!(
        "UPDATE events SET detail = '{{\"edited\":true}}' WHERE seq = {target}"
    ))
    .expect("tamper");
    let report = fx.desk(&s).audit_verify().expect("verify");
    assert!(!report.ok);
    assert_eq!(report.broken_at, Some(target));
    assert_eq!(report.events, target);
}

both!(event_log_deletion_is_found);
/// DESIGN §1 "The record is altered afterwards": a deleted event (with the trigger off)
/// breaks the chain at its sequence number.
fn event_log_deletion_is_found(backend: Backend) {
    let mut fx = Fixture::demo(backend);
    let s = fx.login(H1);
    let case = fx.plain_cases(&s)[0].clone();
    fx.full_mailing(&s, &case);
    let count = fx.events();

    let target = count - 3;
    fx.without_trigger("events", "events_no_delete");
    fx.execute(&format!("DELETE FROM events WHERE seq = {target}"))
        .expect("tamper");
    let report = fx.desk(&s).audit_verify().expect("verify");
    assert!(!report.ok);
    assert_eq!(report.broken_at, Some(target));
}

both!(event_log_truncation_is_found);
/// DESIGN §1 "The record is altered afterwards … `kuvert audit verify` proves it intact":
/// removing the newest events (say, the deviation and the seal of a mailing) must not pass
/// as an intact log.
fn event_log_truncation_is_found(backend: Backend) {
    let mut fx = Fixture::demo(backend);
    let s = fx.login(H1);
    let case = fx.plain_cases(&s)[0].clone();
    let sealed = fx.full_mailing(&s, &case);
    let count = fx.events();

    fx.without_trigger("events", "events_no_delete");
    let removed = fx
        .execute(&format!(
            "DELETE FROM events WHERE mailing_id = {} AND kind IN ('sealed', 'case_unlocked')",
            sealed.mailing
        ))
        .expect("tamper");
    assert_eq!(removed, 2);
    // The mailing is still sealed in its table, but the log no longer says so.
    let report = fx.desk(&s).audit_verify().expect("verify");
    assert!(
        !report.ok,
        "the last {removed} of {count} events are gone, yet the log verifies: {report:?}"
    );
    // Caught by the head (the file beside the database, the head row on a server), at the
    // first missing event.
    let newest: i64 = fx.value("SELECT max(seq) FROM events");
    assert_eq!(report.broken_at, Some(newest + 1), "{report:?}");
    assert!(report.head.is_some());
}

both!(event_log_rewrite_with_rehash_is_found);
/// DESIGN §1 "The record is altered afterwards": an event edited behind kuvert's back must be
/// found even when whoever edited it also recomputed the hashes after it (the chain's hash
/// is a public function of public data, so this takes one loop).
fn event_log_rewrite_with_rehash_is_found(backend: Backend) {
    let mut fx = Fixture::demo(backend);
    let s = fx.login(H1);
    let case = fx.plain_cases(&s)[0].clone();
    let sealed = fx.full_mailing(&s, &case);

    let mut events = Vec::new();
    fx.store()
        .read(|tx| {
            kuvert::store::events::for_each(tx, |e| {
                events.push(e);
                true
            })
        })
        .expect("read events");
    let target = events
        .iter()
        .position(|e| e.mailing == Some(sealed.mailing) && e.kind == "document_attached")
        .expect("attach event");

    // Rewrite: the attach event now claims another document; then re-chain everything after.
    fx.without_trigger("events", "events_no_update");
    events[target].detail = events[target]
        .detail
        .replace("\"document\":", "\"document\":9");
    let mut prev = events[target].prev_hash.clone();
    for e in &mut events[target..] {
        e.prev_hash = prev;
        e.hash = kuvert::audit::hash_of(e);
        prev = e.hash.clone();
        fx.execute(&format!(
            "UPDATE events SET detail = '{}', prev_hash = '{}', hash = '{}' WHERE seq = {}",
            e.detail.replace('\'', "''"),
            e.prev_hash,
            e.hash,
            e.seq
        ))
        .expect("rewrite");
    }
    let report = fx.desk(&s).audit_verify().expect("verify");
    assert!(
        !report.ok,
        "event {} was rewritten, yet the log verifies: {report:?}",
        events[target].seq
    );
}

// ---------------------------------------------------------------------------------------------
// The database itself enforces one open mailing per user and one lock per case
// ---------------------------------------------------------------------------------------------

both!(database_enforces_one_open_mailing_and_one_lock);
/// DESIGN §1 "a lock is held by exactly one open mailing (enforced by the database, not only
/// by code)": bypassing the workflow as the database's owner, a second lock on a locked
/// case, a second open mailing on a case, and re-opening a closed mailing of a user who has
/// an open one are all refused by constraints.
fn database_enforces_one_open_mailing_and_one_lock(backend: Backend) {
    let mut fx = Fixture::demo(backend);
    let s1 = fx.login(H1);
    let s2 = fx.login(H2);
    let cases = fx.plain_cases(&s1);
    let (first, locked, theirs) = (cases[0].clone(), cases[1].clone(), cases[2].clone());

    // handlaggare1: a voided mailing on `first`, then an open one on `locked`.
    let voided = fx.start_plain(&s1, &first).mailing;
    fx.desk(&s1).void(&s1, "test").expect("void");
    let open = fx.start_plain(&s1, &locked).mailing;
    // handlaggare2: an open mailing on `theirs`.
    let their_open = fx.start_plain(&s2, &theirs).mailing;

    let case_id = |number: &str| -> i64 {
        fx.value(&format!("SELECT id FROM cases WHERE number = '{number}'"))
    };
    let locked_id = case_id(&locked.case);
    let first_id = case_id(&first.case);
    let before = fx.events();

    let other_user = common::os_account();
    for (what, statement) in [
        (
            "a second lock on a locked case, held by another open mailing",
            format!(
                "INSERT INTO case_locks(case_id, mailing_id, account, since)
                 VALUES ({locked_id}, {their_open}, 'handlaggare2', '2026-01-01T00:00:00.000Z')"
            ),
        ),
        (
            "a second open mailing on the locked case, by another user",
            format!(
                "INSERT INTO mailings(case_id, account, session_id, recipient_id, state, token, started)
                 VALUES ({locked_id}, '{other_user}', {}, {}, 'draft', 'ZZZZZZZZZZZZ1',
                         '2026-01-01T00:00:00.000Z')",
                s2.id,
                applicant(&locked).id
            ),
        ),
        (
            "handlaggare1's voided mailing back to draft while another is open",
            format!(
                "UPDATE mailings SET state = 'draft', closed = NULL, close_reason = NULL
                 WHERE id = {voided}"
            ),
        ),
        (
            "a lock for a closed mailing",
            format!(
                "INSERT INTO case_locks(case_id, mailing_id, account, since)
                 VALUES ({first_id}, {voided}, 'handlaggare1', '2026-01-01T00:00:00.000Z')"
            ),
        ),
    ] {
        let err = fx.execute(&statement).expect_err(what);
        assert!(err.by_constraint, "{what}: {err:?}");
    }

    // Nothing changed.
    let lock = fx.case(&s1, &locked.case).lock.expect("locked");
    assert_eq!((lock.account.as_str(), lock.mailing), (H1, open));
    assert_eq!(fx.lock_holder(&s1, &first.case), None);
    let status = fx.desk(&s1).status(&s1).expect("status").expect("open");
    assert_eq!(status.mailing, open);
    assert_eq!(
        fx.desk(&s1).status_of(voided).expect("voided").state,
        MailingState::Voided
    );
    let open_count: i64 =
        fx.value("SELECT count(*) FROM mailings WHERE state IN ('draft', 'printed', 'verified')");
    assert_eq!(open_count, 2);
    assert_eq!(fx.events(), before);
}

// ---------------------------------------------------------------------------------------------
// Identity
// ---------------------------------------------------------------------------------------------

both!(impersonation_is_refused_on_production_and_on_a_server);
/// Contract "Global": impersonation (`KUVERT_USER`) is honoured only on a demo database file;
/// on a production file it is refused, whoever is named, and on a server, where the user is
/// the login, it is refused always, the demo office there included. Nothing is logged.
fn impersonation_is_refused_on_production_and_on_a_server(backend: Backend) {
    let (mut wf, expected, _office) = match backend {
        Backend::Sqlite => {
            let dir = tempfile::tempdir().expect("tempdir");
            let db = dir.path().join("prod.db");
            let store =
                Store::create(&db, DbKind::Production, "2026-01-01T00:00:00.000Z").expect("create");
            let wf = Workflow::new(
                store,
                Config::default(),
                Lang::En,
                dir.path().join("outbox"),
            );
            (wf, Refusal::ImpersonationRefused, Err(dir))
        }
        Backend::Postgres => {
            let fx = Fixture::demo(backend);
            let refused = Refusal::ImpersonationOnServer { login: H1.into() };
            (fx.open_desk(H1), refused, Ok(fx))
        }
    };
    let before = wf.audit_verify().expect("verify").events;
    for who in [H1, "root", "nobody-at-all"] {
        let r = refusal(wf.session(Some(who), "tty", SessionKind::Cli));
        assert_eq!(r, expected, "{who}");
    }
    let report = wf.audit_verify().expect("verify");
    assert_eq!((report.ok, report.events), (true, before));
}

both!(unknown_account_is_refused_on_a_demo_database);
/// DESIGN §5 "Users": only registered accounts get a session; an unknown account is refused
/// on a demo database and nothing is logged. On a server the account is the login: one in
/// kuvert's group but not registered, and one in no group at all, are both the unknown user.
fn unknown_account_is_refused_on_a_demo_database(backend: Backend) {
    let mut fx = Fixture::demo(backend);
    let before = fx.events();
    let unknown = |account: &str| Refusal::UnknownUser {
        account: account.into(),
    };
    match backend {
        Backend::Sqlite => {
            let r = refusal(
                fx.any_desk()
                    .session(Some("mallory"), "tty", SessionKind::Cli),
            );
            assert_eq!(r, unknown("mallory"));
        }
        Backend::Postgres => {
            for (login, group) in [("mallory", Some("kuvert_caseworker")), ("eve", None)] {
                fx.env
                    .server
                    .as_ref()
                    .expect("a server")
                    .pg
                    .ensure_login(login);
                if let Some(group) = group {
                    fx.execute(&format!("GRANT {group} TO {login}"))
                        .expect("grant");
                }
                let r = match fx.connect(login) {
                    Ok(store) => {
                        let mut wf = Workflow::new(
                            store,
                            Config::default(),
                            Lang::En,
                            fx.dir().join("outbox"),
                        );
                        refusal(wf.session(None, "tty", SessionKind::Cli))
                    }
                    Err(e) => refusal::<()>(Err(e)),
                };
                assert_eq!(r, unknown(login), "{login} in {group:?}");
            }
        }
    }
    assert_eq!(fx.events(), before);
    // A registered account is fine, and opens a session.
    let s = fx.login(&common::os_account());
    assert_eq!(s.user.team, "A");
    assert!(fx.events() > before);
}

both!(every_refusal_is_logged_by_its_rule);
/// DESIGN §1: every refusal says which rule refused and is logged, without personal data.
fn every_refusal_is_logged_by_its_rule(backend: Backend) {
    let mut fx = Fixture::demo(backend);
    let h1 = fx.login(H1);
    let h3 = fx.login(H3);
    let cases = fx.plain_cases(&h1);
    let a = applicant(&cases[0]).clone();
    refusal(fx.desk(&h3).show_case(&h3, &cases[0].case));
    fx.desk(&h1)
        .start(&h1, &cases[0].case, a.id)
        .expect("start");
    refusal(
        fx.desk(&h1)
            .start(&h1, &cases[1].case, applicant(&cases[1]).id),
    );
    refusal(fx.desk(&h1).seal(&h1));
    refusal(fx.desk(&h1).prepare_print(&h1, None));
    assert_eq!(
        fx.refusals(),
        [
            "other_team",
            "one_open_mailing",
            "not_verified",
            "nothing_attached"
        ]
    );
    for d in fx.sql("SELECT detail FROM events WHERE kind = 'refused'") {
        assert!(!d.contains(&a.name), "no names in the log: {d}");
    }
}

both!(every_lead_only_operation_is_refused_and_logged_for_a_caseworker);
/// Issue 14: the lead-only rule has one home, the workflow's run, so every lead-only
/// operation refuses a caseworker the same way and logs it, import and purge included
/// (an import refusal used to go unlogged), and nothing is read or changed.
fn every_lead_only_operation_is_refused_and_logged_for_a_caseworker(backend: Backend) {
    let mut fx = Fixture::demo(backend);
    let h1 = fx.login(H1);
    let case = fx.plain_cases(&h1)[0].case.clone();
    let missing = fx.dir().join("no-such-manifest.json");
    let what = |r: Refusal| match r {
        Refusal::LeadOnly { what } => what,
        other => panic!("not the lead-only rule: {other:?}"),
    };
    let before = fx.events();
    let refused = [
        what(refusal(fx.desk(&h1).import(&h1, &missing))),
        what(refusal(fx.desk(&h1).purge(&h1, "2026-01-01", false))),
        what(refusal(fx.desk(&h1).purge(&h1, "2026-01-01", true))),
        what(refusal(fx.desk(&h1).session_log(&h1, &Default::default()))),
        what(refusal(fx.desk(&h1).open_locks(&h1))),
        what(refusal(fx.desk(&h1).set_policy(&h1, "dual_control", "on"))),
        what(refusal(fx.desk(&h1).break_lock(&h1, &case, "a reason"))),
        what(refusal(fx.desk(&h1).add_user(
            Some(&h1),
            &kuvert::model::User {
                account: "ny.handlaggare".into(),
                name: "Ny Handläggare".into(),
                role: kuvert::model::Role::Caseworker,
                team: h1.user.team.clone(),
            },
        ))),
    ];
    assert_eq!(
        refused,
        [
            "kuvert import",
            "kuvert purge",
            "kuvert purge",
            "kuvert log",
            "kuvert log",
            "kuvert policy set",
            "kuvert lock break",
            "kuvert user add"
        ]
    );
    // Nothing changed, and one refusal logged for each.
    assert_eq!(fx.events(), before);
    assert_eq!(fx.refusals(), vec!["lead_only"; refused.len()]);
    let operations: Vec<String> = fx
        .refusal_details()
        .iter()
        .map(|d| d["operation"].as_str().expect("operation").to_owned())
        .collect();
    assert_eq!(
        operations,
        [
            "import",
            "purge",
            "purge",
            "log",
            "log",
            "policy_set",
            "lock_break",
            "add_user"
        ]
    );
}

both!(review_of_an_empty_draft_is_refused_and_logged);
/// Issue 14: asking to review a draft with nothing attached is refused by the print rule,
/// and logged, as the terminal's F5 now asks the workflow instead of checking itself.
fn review_of_an_empty_draft_is_refused_and_logged(backend: Backend) {
    let mut fx = Fixture::demo(backend);
    let s = fx.login(H1);
    let case = fx.plain_cases(&s).remove(0);
    fx.desk(&s)
        .start(&s, &case.case, applicant(&case).id)
        .expect("start");
    assert_eq!(refusal(fx.desk(&s).review(&s)), Refusal::NothingAttached);
    assert_eq!(fx.refusals(), ["nothing_attached"]);
    fx.desk(&s)
        .attach(&s, &own_documents(&case)[..1], false)
        .expect("attach");
    fx.desk(&s)
        .review(&s)
        .expect("something attached: may be reviewed");
}

// ---------------------------------------------------------------------------------------------
// Sealing station and dual control (issue 4)
// ---------------------------------------------------------------------------------------------

both!(a_colleague_of_the_team_verifies_and_seals_at_a_station);
fn a_colleague_of_the_team_verifies_and_seals_at_a_station(backend: Backend) {
    let mut f = Fixture::demo(backend);
    let h1 = f.login(H1);
    let h2 = f.login(H2);
    let case = f.plain_cases(&h1).remove(0);
    f.start_plain(&h1, &case);
    let (plan, _) = f.print(&h1, None);
    let waiting = f.desk(&h2).awaiting_seal(&h2).expect("awaiting");
    assert_eq!(waiting.len(), 1);
    assert_eq!(
        (waiting[0].mailing, waiting[0].printed_by.as_str()),
        (plan.mailing, H1)
    );

    let opened = f
        .desk(&h2)
        .open_at_station(&h2, &code(&plan, 1))
        .expect("open by cover");
    assert_eq!(opened.mailing, plan.mailing);
    // The cover that opened it counts (issue 11); the rest are scanned at the station.
    assert_eq!(opened.seen_sheets, vec![1]);
    let desk = kuvert::workflow::Desk::Station(plan.mailing);
    for sheet in 2..=plan.sheets.len() as u32 {
        let out = f
            .desk(&h2)
            .scan_at(&h2, desk, &code(&plan, sheet), ScanSource::Scanner)
            .expect("scan");
        assert_eq!(out.verdict, Verdict::Ok);
    }
    let sealed = f.desk(&h2).seal_at(&h2, desk).expect("seal at station");
    assert_eq!(sealed.state, MailingState::Sealed);
    assert!(
        f.desk(&h1).status(&h1).expect("status").is_none(),
        "h1 may start again"
    );
    assert_eq!(f.lock_holder(&h1, &case.case), None);
    // Both people are in the log: the printer in h1's session, the sealer in h2's.
    let who = |kind: &str| -> String {
        f.value(&format!(
            "SELECT account FROM events WHERE kind = '{kind}' AND mailing_id = {}",
            plan.mailing
        ))
    };
    assert_eq!(who("printed"), H1);
    assert_eq!(who("station_opened"), H2);
    assert_eq!(who("sealed"), H2);
    assert!(f.desk(&h2).awaiting_seal(&h2).expect("awaiting").is_empty());
}

both!(a_station_refuses_other_teams_closed_mailings_old_covers_and_garbage);
fn a_station_refuses_other_teams_closed_mailings_old_covers_and_garbage(backend: Backend) {
    let mut f = Fixture::demo(backend);
    let h1 = f.login(H1);
    let h3 = f.login(H3);
    let case = f.plain_cases(&h1).remove(0);
    f.start_plain(&h1, &case);
    let (first, _) = f.print(&h1, None);
    let before = f.events();
    // Another team's station cannot open it.
    assert!(matches!(
        refusal(f.desk(&h3).open_at_station(&h3, &code(&first, 1))),
        Refusal::OtherTeam { .. }
    ));
    // A reprint makes the first cover stale.
    let (second, _) = f.print(&h1, Some("paper jam"));
    let h2 = f.login(H2);
    let after_reprint = f.events();
    assert!(matches!(
        refusal(f.desk(&h2).open_at_station(&h2, &code(&first, 1))),
        Refusal::StaleCover {
            generation: 1,
            current: 2,
            ..
        }
    ));
    // Unreadable and unknown codes say what is wrong, and change nothing.
    assert!(matches!(
        f.desk(&h2).open_at_station(&h2, "KV1-not-a-code"),
        Err(Error::Invalid(_))
    ));
    let nobody = SheetCode::new(MailingToken(42), 1, 1)
        .expect("code")
        .encode();
    assert!(matches!(
        f.desk(&h2).open_at_station(&h2, &nobody),
        Err(Error::NotFound(_))
    ));
    assert_eq!(f.events(), after_reprint);
    assert!(after_reprint > before);
    // Once voided by its owner, the station cannot act on it, even if it was opened before.
    f.desk(&h2)
        .open_at_station(&h2, &code(&second, 1))
        .expect("open");
    f.desk(&h1).void(&h1, "wrong recipient").expect("void");
    let desk = kuvert::workflow::Desk::Station(second.mailing);
    assert!(matches!(
        refusal(
            f.desk(&h2)
                .scan_at(&h2, desk, &code(&second, 1), ScanSource::Keyed)
        ),
        Refusal::NotAwaitingSeal {
            state: MailingState::Voided,
            ..
        }
    ));
    assert!(matches!(
        refusal(f.desk(&h2).seal_at(&h2, desk)),
        Refusal::NotAwaitingSeal { .. }
    ));
    let rules = f.refusals();
    assert!(rules.contains(&"stale_cover".to_owned()), "{rules:?}");
    assert!(rules.contains(&"not_awaiting_seal".to_owned()), "{rules:?}");
}

both!(dual_control_keeps_the_printer_from_verifying_or_sealing);
fn dual_control_keeps_the_printer_from_verifying_or_sealing(backend: Backend) {
    let mut f = Fixture::demo_with(backend, Config::default());
    let lead = f.login(LEAD);
    f.desk(&lead)
        .set_policy(&lead, "dual_control", "true")
        .expect("policy");
    let h1 = f.login(H1);
    let case = f.plain_cases(&h1).remove(0);
    f.start_plain(&h1, &case);
    let (plan, _) = f.print(&h1, None);
    let before = f.events();
    // Neither at their own desk nor at a station.
    assert!(matches!(
        refusal(f.desk(&h1).scan(&h1, &code(&plan, 1), ScanSource::Scanner)),
        Refusal::FourEyes { .. }
    ));
    assert!(matches!(
        refusal(f.desk(&h1).seal(&h1)),
        Refusal::FourEyes { .. }
    ));
    assert!(matches!(
        refusal(f.desk(&h1).open_at_station(&h1, &code(&plan, 1))),
        Refusal::FourEyes { .. }
    ));
    assert_eq!(f.events(), before, "refused: nothing changed");
    assert_eq!(f.state(&h1), Some(MailingState::Printed));
    // A colleague does it; the sealed event names both.
    let h2 = f.login(H2);
    f.desk(&h2)
        .open_at_station(&h2, &code(&plan, 1))
        .expect("open");
    let desk = kuvert::workflow::Desk::Station(plan.mailing);
    for sheet in 1..=plan.sheets.len() as u32 {
        f.desk(&h2)
            .scan_at(&h2, desk, &code(&plan, sheet), ScanSource::Scanner)
            .expect("scan");
    }
    f.desk(&h2).seal_at(&h2, desk).expect("seal");
    let detail: String = f.value(&format!(
        "SELECT detail FROM events WHERE kind = 'sealed' AND mailing_id = {}",
        plan.mailing
    ));
    let detail: serde_json::Value = serde_json::from_str(&detail).expect("json");
    assert_eq!(detail["printed_by"], H1);
    assert_eq!(detail["dual_control"], true);
    assert_eq!(f.refusals(), ["four_eyes", "four_eyes", "four_eyes"]);
}

both!(a_head_kept_elsewhere_catches_a_rewritten_head);
/// A head copied off the machine still catches a rewrite after whoever rewrote the log also
/// rewrote the head kuvert keeps with it: the file beside the database, the head row on a
/// server.
fn a_head_kept_elsewhere_catches_a_rewritten_head(backend: Backend) {
    let mut fx = Fixture::demo(backend);
    let s = fx.login(H1);
    let case = fx.plain_cases(&s)[0].clone();
    fx.full_mailing(&s, &case);
    let kept = fx.dir().join("shipped.head");
    let head = fx.desk(&s).audit_head().expect("head").expect("a head");
    std::fs::write(&kept, kuvert::store::head::file_text(&head)).expect("ship the head");
    // Truncate the log and move the head kept with it back to match.
    fx.without_trigger("events", "events_no_delete");
    let newest: i64 = fx.value("SELECT max(seq) FROM events");
    assert_eq!(newest, head.seq);
    fx.execute(&format!("DELETE FROM events WHERE seq > {}", newest - 3))
        .expect("truncate");
    let hash: String = fx.value(&format!(
        "SELECT hash FROM events WHERE seq = {}",
        newest - 3
    ));
    let forged = kuvert::store::head::Head {
        seq: newest - 3,
        hash,
    };
    match backend {
        Backend::Sqlite => std::fs::write(
            kuvert::store::head::path_for(&fx.env.db),
            kuvert::store::head::file_text(&forged),
        )
        .expect("forge the head file"),
        Backend::Postgres => {
            fx.execute(&format!(
                "UPDATE audit_head SET seq = {}, hash = '{}'",
                forged.seq, forged.hash
            ))
            .expect("forge the head row");
        }
    }
    assert!(
        fx.desk(&s).audit_verify().expect("verify").ok,
        "fooled beside"
    );
    let report = fx.desk(&s).audit_verify_against(&kept).expect("verify");
    assert!(!report.ok);
    assert_eq!(report.broken_at, Some(newest - 2));
}
