//! The rules of shared/DESIGN.md §1–2, each driven through the public library API
//! (`kuvert::workflow::Workflow`) against a fresh demo database, each showing both the
//! refusal and that the refused operation left the database as it was.
//!
//! Demo users: `handlaggare1`, `handlaggare2` (caseworkers, team A), `handlaggare3`
//! (caseworker, team B), `teamledare1` (lead, team A) and `tester` (caseworker, team A).

use std::path::{Path, PathBuf};
use std::process::Command;

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
use rusqlite::Connection;

// ---------------------------------------------------------------------------------------------
// Fixture
// ---------------------------------------------------------------------------------------------

const H1: &str = "handlaggare1";
const H2: &str = "handlaggare2";
const H3: &str = "handlaggare3";
const LEAD: &str = "teamledare1";

/// A fresh demo database in a temporary folder, with one workflow ("desk") over it.
struct Fixture {
    dir: tempfile::TempDir,
    db: PathBuf,
    wf: Workflow,
}

impl Fixture {
    fn demo() -> Self {
        Self::demo_with(Config::default())
    }

    fn demo_with(config: Config) -> Self {
        let dir = tempfile::tempdir().expect("tempdir");
        let db = dir.path().join("kuvert.db");
        std::fs::copy(demo_template(), &db).expect("copy the demo database");
        let wf = open_desk(&db, dir.path(), config);
        Self { dir, db, wf }
    }

    /// A second desk (another terminal, another connection) over the same database file.
    fn other_desk(&self) -> Workflow {
        open_desk(&self.db, self.dir.path(), Config::default())
    }

    fn login(&mut self, account: &str) -> Session {
        login(&mut self.wf, account)
    }

    /// Number of events in the log that record a change (refusals are logged too, but
    /// change nothing); also asserts the chain is intact.
    fn events(&mut self) -> i64 {
        let report = self.wf.audit_verify().expect("audit verify");
        assert!(report.ok, "event chain broken: {report:?}");
        let refusals: i64 = self
            .raw()
            .query_row(
                "SELECT count(*) FROM events WHERE kind = 'refused'",
                [],
                |r| r.get(0),
            )
            .expect("count refusals");
        report.events - refusals
    }

    /// The rules named by the logged refusals, oldest first.
    fn refusals(&self) -> Vec<String> {
        let c = self.raw();
        let mut stmt = c
            .prepare("SELECT detail FROM events WHERE kind = 'refused' ORDER BY seq")
            .expect("prepare");
        stmt.query_map([], |r| r.get::<_, String>(0))
            .expect("query")
            .map(|d| {
                let v: serde_json::Value = serde_json::from_str(&d.expect("row")).expect("json");
                v["rule"].as_str().expect("rule").to_owned()
            })
            .collect()
    }

    /// The database through a store of its own, as a second desk reads it.
    fn store(&self) -> Store {
        Store::open(&self.db).expect("open store")
    }

    /// A raw connection to the database file, bypassing the workflow.
    fn raw(&self) -> Connection {
        let c = Connection::open(&self.db).expect("raw connection");
        c.busy_timeout(std::time::Duration::from_secs(10))
            .expect("busy timeout");
        c
    }

    fn case(&mut self, s: &Session, number: &str) -> CaseDetail {
        self.wf.show_case(s, number).expect("show case")
    }

    fn lock_holder(&mut self, s: &Session, number: &str) -> Option<String> {
        self.case(s, number).lock.map(|l| l.account)
    }

    /// Every case of the session's team, in full.
    fn team_cases(&mut self, s: &Session) -> Vec<CaseDetail> {
        let list = self.wf.list_cases(s).expect("list cases");
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
        let started = self.wf.start(s, &case.case, a.id).expect("start");
        assert_eq!(started.state, MailingState::Draft);
        let doc = own_documents(case)[0];
        let status = self.wf.attach(s, &[doc], false).expect("attach");
        assert_eq!(status.enclosures.len(), 1);
        status
    }

    /// Prints through the three public steps, keeping the plan (and so the sheet codes).
    fn print(&mut self, s: &Session, reason: Option<&str>) -> (PrintPlan, PrintOutcome) {
        let plan = self.wf.prepare_print(s, reason).expect("prepare print");
        let job = self.wf.produce(&plan).expect("produce print job");
        let outcome = self
            .wf
            .complete_print(s, &plan, &job)
            .expect("complete print");
        assert_eq!(outcome.state, MailingState::Printed);
        assert_eq!(outcome.generation, plan.generation);
        assert_eq!(outcome.sheets as usize, plan.sheets.len());
        (plan, outcome)
    }

    fn scan(&mut self, s: &Session, code: &str) -> ScanOutcome {
        self.wf
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
        let sealed = self.wf.seal(s).expect("seal");
        assert_eq!(sealed.state, MailingState::Sealed);
        sealed
    }

    fn state(&mut self, s: &Session) -> Option<MailingState> {
        self.wf.status(s).expect("status").map(|m| m.state)
    }
}

/// One demo database per test binary, copied for each test (making it is the slow part).
fn demo_template() -> &'static Path {
    static TEMPLATE: std::sync::OnceLock<(tempfile::TempDir, PathBuf)> = std::sync::OnceLock::new();
    let (_, path) = TEMPLATE.get_or_init(|| {
        let dir = tempfile::tempdir().expect("tempdir");
        let db = dir.path().join("template.db");
        assert!(kuvert::demo::ensure_demo_db(&db, false, "tester").expect("demo db"));
        (dir, db)
    });
    path
}

fn open_desk(db: &Path, dir: &Path, config: Config) -> Workflow {
    let store = Store::open(db).expect("open store");
    Workflow::new(store, config, Lang::En, dir.join("outbox"))
}

fn login(wf: &mut Workflow, account: &str) -> Session {
    wf.session(Some(account), &format!("tty-{account}"), SessionKind::Cli)
        .expect("session")
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

fn is_constraint_violation(e: &rusqlite::Error) -> bool {
    matches!(e, rusqlite::Error::SqliteFailure(f, _)
        if f.code == rusqlite::ErrorCode::ConstraintViolation)
}

// ---------------------------------------------------------------------------------------------
// Two mailings are interleaved by one caseworker → one open mailing per caseworker
// ---------------------------------------------------------------------------------------------

/// DESIGN §1 "Two mailings are interleaved by one caseworker": a caseworker has at most one
/// open mailing (draft, printed or verified); starting another, even on another case, is
/// refused and changes nothing.
#[test]
fn one_open_mailing_per_caseworker() {
    let mut fx = Fixture::demo();
    let s = fx.login(H1);
    let cases = fx.plain_cases(&s);
    let (first, second) = (&cases[0], &cases[1]);
    let open = fx.start_plain(&s, first);

    for expected_state in [MailingState::Draft, MailingState::Printed] {
        let before = fx.events();
        let r = refusal(fx.wf.start(&s, &second.case, applicant(second).id));
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
        let status = fx.wf.status(&s).expect("status").expect("open mailing");
        assert_eq!(status.mailing, open.mailing);
        assert_eq!(status.state, expected_state);
        assert_eq!(fx.events(), before);
        if expected_state == MailingState::Draft {
            fx.print(&s, None);
        }
    }

    // The same case again is refused by the same rule.
    let r = refusal(fx.wf.start(&s, &first.case, applicant(first).id));
    assert!(matches!(r, Refusal::OneOpenMailing { .. }), "{r:?}");

    // Once the open mailing is closed, the next may start.
    fx.wf.void(&s, "test: start over").expect("void");
    let next = fx
        .wf
        .start(&s, &second.case, applicant(second).id)
        .expect("start after void");
    assert_eq!(next.state, MailingState::Draft);
}

/// DESIGN §2 "A mailing survives a crash or a closed terminal": the caseworker's next
/// session, at another terminal, finds the open mailing and still cannot open a second one.
#[test]
fn open_mailing_survives_the_session() {
    let mut fx = Fixture::demo();
    let s = fx.login(H1);
    let cases = fx.plain_cases(&s);
    let open = fx.start_plain(&s, &cases[0]);
    fx.wf.end_session(&s).expect("end session");

    let mut desk = fx.other_desk();
    let later = desk
        .session(Some(H1), "another-tty", SessionKind::Tui)
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

/// DESIGN §1 "Two caseworkers mail from one case at once": the case is locked by the open
/// mailing; a second caseworker at another desk is refused (naming the holder) and nothing
/// changes; after the holder seals, the lock is released and the other may start.
#[test]
fn locked_case_refuses_second_caseworker_until_sealed() {
    let mut fx = Fixture::demo();
    let s1 = fx.login(H1);
    let case = fx.plain_cases(&s1)[0].clone();
    let open = fx.start_plain(&s1, &case);

    let mut desk2 = fx.other_desk();
    let s2 = login(&mut desk2, H2);
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
    let listed = fx.wf.list_cases(&s1).expect("list");
    let row = listed.iter().find(|c| c.case == case.case).expect("listed");
    assert_eq!(row.locked_by.as_deref(), Some(H1));

    // Seal through the whole flow: the lock goes with it.
    let (plan, _) = fx.print(&s1, None);
    fx.scan_all(&s1, &plan);
    fx.wf.seal(&s1).expect("seal");
    assert_eq!(fx.lock_holder(&s1, &case.case), None);

    let m2 = desk2
        .start(&s2, &case.case, applicant(&case).id)
        .expect("start after seal");
    assert_eq!(m2.state, MailingState::Draft);
    assert_eq!(fx.lock_holder(&s1, &case.case).as_deref(), Some(H2));
}

/// DESIGN §1/§2: voiding the open mailing releases the case lock in the same transaction,
/// and another caseworker may then start on the case.
#[test]
fn locked_case_is_released_by_void() {
    let mut fx = Fixture::demo();
    let s1 = fx.login(H1);
    let s2 = fx.login(H2);
    let case = fx.plain_cases(&s1)[0].clone();
    fx.start_plain(&s1, &case);
    fx.print(&s1, None);
    let r = refusal(fx.wf.start(&s2, &case.case, applicant(&case).id));
    assert!(matches!(r, Refusal::CaseLocked { .. }), "{r:?}");

    let voided = fx.wf.void(&s1, "wrong recipient").expect("void");
    assert_eq!(voided.state, MailingState::Voided);
    assert_eq!(fx.lock_holder(&s1, &case.case), None);
    fx.wf
        .start(&s2, &case.case, applicant(&case).id)
        .expect("start after void");
    assert_eq!(fx.lock_holder(&s2, &case.case).as_deref(), Some(H2));
}

// ---------------------------------------------------------------------------------------------
// Teams
// ---------------------------------------------------------------------------------------------

/// DESIGN §5 "A caseworker opens only cases of their team": listing shows only the own
/// team; showing or locking a case of another team is refused and locks nothing.
#[test]
fn case_of_another_team_is_refused() {
    let mut fx = Fixture::demo();
    let s1 = fx.login(H1);
    let s3 = fx.login(H3);
    let b_case = fx.plain_cases(&s3)[0].clone();
    assert_eq!(b_case.team, "B");
    let a_case = fx.plain_cases(&s1)[0].clone();
    assert_eq!(a_case.team, "A");

    let listed = fx.wf.list_cases(&s1).expect("list");
    assert!(!listed.is_empty());
    assert!(listed.iter().all(|c| c.team == "A"), "{listed:?}");
    assert!(listed.iter().all(|c| c.case != b_case.case));

    let before = fx.events();
    let r = refusal(fx.wf.show_case(&s1, &b_case.case));
    assert!(matches!(r, Refusal::OtherTeam { .. }), "{r:?}");
    let r = refusal(fx.wf.start(&s1, &b_case.case, applicant(&b_case).id));
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
    assert!(fx.wf.status(&s1).expect("status").is_none());
    assert_eq!(fx.events(), before);

    // And the other way round.
    let r = refusal(fx.wf.start(&s3, &a_case.case, applicant(&a_case).id));
    assert!(matches!(r, Refusal::OtherTeam { .. }), "{r:?}");
    assert_eq!(fx.lock_holder(&s1, &a_case.case), None);
    assert_eq!(fx.events(), before);
}

// ---------------------------------------------------------------------------------------------
// A document of case A reaches the recipient of case B
// ---------------------------------------------------------------------------------------------

/// DESIGN §1 "A document of case A reaches the recipient of case B": only documents of the
/// locked case can be attached; a list mixing a valid and a foreign document is refused as a
/// whole (nothing is attached), in either order.
#[test]
fn document_of_another_case_is_refused_all_or_nothing() {
    let mut fx = Fixture::demo();
    let s1 = fx.login(H1);
    let s3 = fx.login(H3);
    let cases = fx.plain_cases(&s1);
    let (mine, other) = (&cases[0], &cases[1]);
    let own = own_documents(mine)[0];
    let same_team_foreign = other.documents[0].id;
    let other_team_foreign = fx.plain_cases(&s3)[0].documents[0].id;
    fx.wf
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
        let r = refusal(fx.wf.attach(&s1, &list, true));
        let foreign = *list.iter().find(|&&d| d != own).expect("a foreign id");
        assert_eq!(
            r,
            Refusal::DocumentOfOtherCase {
                document: foreign,
                case: mine.case.clone(),
            },
            "attaching {list:?}"
        );
        let status = fx.wf.status(&s1).expect("status").expect("open");
        assert!(status.enclosures.is_empty(), "{list:?}: {status:?}");
        assert_eq!(fx.events(), before);
    }
    // A document that does not exist is not found, and also attaches nothing.
    let err = fx
        .wf
        .attach(&s1, &[own, 9_999_999], false)
        .expect_err("no such doc");
    assert!(matches!(err, Error::NotFound(_)), "{err:?}");
    assert_eq!(fx.events(), before);

    // The valid document alone is attached.
    let status = fx.wf.attach(&s1, &[own], false).expect("attach own");
    let attached: Vec<DocumentId> = status.enclosures.iter().map(|e| e.document).collect();
    assert_eq!(attached, vec![own]);
}

// ---------------------------------------------------------------------------------------------
// A document about another person
// ---------------------------------------------------------------------------------------------

/// DESIGN §1 "A document about another person is sent by mistake": attaching a document
/// that concerns someone other than the recipient needs an explicit confirmation; with it,
/// the enclosure and the log record the confirmation.
#[test]
fn document_about_another_person_needs_confirmation() {
    let mut fx = Fixture::demo();
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
    let m = fx.wf.start(&s, &case.case, recipient).expect("start");

    let before = fx.events();
    for list in [vec![doc.id], vec![own, doc.id]] {
        let r = refusal(fx.wf.attach(&s, &list, false));
        assert_eq!(
            r,
            Refusal::OtherSubject {
                document: doc.id,
                title: doc.title.clone(),
                subject_role: subject_role.as_str().to_owned(),
            }
        );
        let status = fx.wf.status(&s).expect("status").expect("open");
        assert!(status.enclosures.is_empty(), "all or nothing: {status:?}");
        assert_eq!(fx.events(), before);
    }

    let status = fx.wf.attach(&s, &[own, doc.id], true).expect("confirmed");
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

/// DESIGN §2/§4: printing with nothing attached is refused; a second print needs a reason;
/// a reprint is a new generation, and the codes of the first generation then scan as stale
/// (a deviation).
#[test]
fn print_rules_and_reprint_makes_earlier_codes_stale() {
    let mut fx = Fixture::demo();
    let s = fx.login(H1);
    let case = fx.plain_cases(&s)[0].clone();
    fx.wf
        .start(&s, &case.case, applicant(&case).id)
        .expect("start");

    let before = fx.events();
    assert_eq!(refusal(fx.wf.print(&s, None)), Refusal::NothingAttached);
    let status = fx.wf.status(&s).expect("status").expect("open");
    assert_eq!((status.state, status.generation), (MailingState::Draft, 0));
    assert_eq!(fx.events(), before);

    fx.wf
        .attach(&s, &[own_documents(&case)[0]], false)
        .expect("attach");
    let first = fx.wf.print(&s, None).expect("first print");
    assert_eq!(first.generation, 1);
    assert_eq!(first.state, MailingState::Printed);
    assert!(Path::new(&first.pdf).is_file(), "{}", first.pdf);

    let before = fx.events();
    for reason in [None, Some(""), Some("   ")] {
        assert_eq!(
            refusal(fx.wf.print(&s, reason)),
            Refusal::ReprintNeedsReason,
            "reason {reason:?}"
        );
    }
    let status = fx.wf.status(&s).expect("status").expect("open");
    assert_eq!(
        (status.state, status.generation),
        (MailingState::Printed, 1)
    );
    assert_eq!(fx.events(), before);

    let (plan, second) = fx.print(&s, Some("paper jam"));
    assert_eq!(second.generation, 2);
    assert_ne!(second.pdf, first.pdf);
    let status = fx.wf.status(&s).expect("status").expect("open");
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

/// DESIGN §4 "every printed page carries the mailing's code" and "the address seen through
/// the window is on the same sheet as the QR": page N of the print job carries exactly the
/// code of sheet N, and the cover sheet carries the recipient's address.
#[test]
fn every_printed_sheet_carries_its_own_code() {
    let mut fx = Fixture::demo();
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

/// DESIGN §3 "all must decode with a common decoder (zbar) from a 150 dpi grey scan": the QR
/// of each page, rendered at 150 dpi in grey and read by `zbarimg`, is that sheet's code.
#[test]
fn every_sheet_qr_decodes_with_zbar_at_150_dpi() {
    let mut fx = Fixture::demo();
    let s = fx.login(H1);
    let case = fx
        .team_cases(&s)
        .into_iter()
        .find(|c| applicant(c).protected && !own_documents(c).is_empty())
        .expect("a protected applicant: cover, inner sheet and pages");
    fx.wf
        .start(&s, &case.case, applicant(&case).id)
        .expect("start");
    fx.wf
        .attach(&s, &[own_documents(&case)[0]], false)
        .expect("attach");
    let (plan, outcome) = fx.print(&s, None);

    let prefix = fx.dir.path().join("scan");
    let status = Command::new("pdftoppm")
        .args(["-r", "150", "-gray", "-png", &outcome.pdf])
        .arg(&prefix)
        .status()
        .expect("pdftoppm (poppler-utils) runs");
    assert!(status.success());
    let mut images: Vec<PathBuf> = std::fs::read_dir(fx.dir.path())
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

/// DESIGN §4 "A printer error leaves the mailing in draft with the error shown — never in
/// printed without paper": the failure is an environment error (exit 3), logged; the retry
/// needs no reason (nothing was printed) and the failed print's codes scan as stale.
#[test]
fn printer_failure_leaves_the_mailing_in_draft() {
    let mut fx = Fixture::demo_with(Config {
        printer_command: Some("false".into()),
        ..Config::default()
    });
    let s = fx.login(H1);
    let case = fx.plain_cases(&s)[0].clone();
    let m = fx.start_plain(&s, &case);

    let err = fx.wf.print(&s, None).expect_err("the printer fails");
    assert!(matches!(err, Error::Printer(_)), "{err:?}");
    assert_eq!(err.exit_code(), 3);
    let status = fx.wf.status(&s).expect("status").expect("open");
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
        refusal(fx.wf.seal(&s)),
        Refusal::NotVerified {
            seen: 0,
            required: 0
        }
    );

    // The same caseworker at a desk whose printer works: a retry, not a reprint.
    let mut desk = fx.other_desk();
    let s_again = login(&mut desk, H1);
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

/// DESIGN §2 "each print is a new generation": when a newer print was reserved while an older
/// one was still rendering, the older one cannot be completed (it would make stale codes
/// current); the newer one can, and the older codes scan as stale.
#[test]
fn an_overtaken_print_cannot_become_current() {
    let mut fx = Fixture::demo();
    let s = fx.login(H1);
    let case = fx.plain_cases(&s)[0].clone();
    fx.start_plain(&s, &case);

    let older = fx.wf.prepare_print(&s, None).expect("prepare 1");
    let newer = fx.wf.prepare_print(&s, None).expect("prepare 2 (retry)");
    assert_eq!((older.generation, newer.generation), (1, 2));
    let older_job = fx.wf.produce(&older).expect("produce 1");
    let err = fx
        .wf
        .complete_print(&s, &older, &older_job)
        .expect_err("overtaken");
    assert_eq!(err.exit_code(), 3, "{err:?}");
    let status = fx.wf.status(&s).expect("status").expect("open");
    assert_eq!((status.state, status.generation), (MailingState::Draft, 0));

    let newer_job = fx.wf.produce(&newer).expect("produce 2");
    let done = fx
        .wf
        .complete_print(&s, &newer, &newer_job)
        .expect("complete 2");
    assert_eq!(done.generation, 2);
    let out = fx.scan(&s, &code(&older, 1));
    assert_eq!(out.verdict, Verdict::Stale);
    fx.scan_all(&s, &newer);
    fx.wf.seal(&s).expect("seal");
}

// ---------------------------------------------------------------------------------------------
// Composition
// ---------------------------------------------------------------------------------------------

/// DESIGN §2 "draft: attach/detach freely": once printed, the enclosures are fixed (what was
/// printed is what is verified); in draft a document is attached once and only an attached one
/// can be detached; each refusal changes nothing.
#[test]
fn attachments_are_fixed_once_printed() {
    let mut fx = Fixture::demo();
    let s = fx.login(H1);
    let case = fx
        .plain_cases(&s)
        .into_iter()
        .find(|c| own_documents(c).len() >= 2)
        .expect("a case with two documents about the applicant");
    let docs = own_documents(&case);
    fx.wf
        .start(&s, &case.case, applicant(&case).id)
        .expect("start");
    fx.wf.attach(&s, &[docs[0]], false).expect("attach");

    let before = fx.events();
    let err = fx
        .wf
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
        .wf
        .detach(&s, &[docs[0], docs[1]])
        .expect_err("not attached");
    assert!(matches!(err, Error::Invalid(_)), "{err:?}");
    let err = fx.wf.attach(&s, &[], false).expect_err("empty list");
    assert!(matches!(err, Error::Invalid(_)), "{err:?}");
    let status = fx.wf.status(&s).expect("status").expect("open");
    let attached: Vec<DocumentId> = status.enclosures.iter().map(|e| e.document).collect();
    assert_eq!(attached, vec![docs[0]]);
    assert_eq!(fx.events(), before);

    fx.print(&s, None);
    let before = fx.events();
    assert_eq!(
        refusal(fx.wf.attach(&s, &[docs[1]], false)),
        Refusal::AlreadyPrinted
    );
    assert_eq!(
        refusal(fx.wf.detach(&s, &[docs[0]])),
        Refusal::AlreadyPrinted
    );
    let status = fx.wf.status(&s).expect("status").expect("open");
    let attached: Vec<DocumentId> = status.enclosures.iter().map(|e| e.document).collect();
    assert_eq!(attached, vec![docs[0]]);
    assert_eq!(fx.events(), before);
}

/// DESIGN §1 "A document of case A reaches the recipient of case B": the recipient must be a
/// party of the case being locked; another case's party is not found and nothing is locked.
#[test]
fn recipient_must_be_a_party_of_the_case() {
    let mut fx = Fixture::demo();
    let s = fx.login(H1);
    let cases = fx.plain_cases(&s);
    let (case, other) = (&cases[0], &cases[1]);
    let before = fx.events();
    let err = fx
        .wf
        .start(&s, &case.case, applicant(other).id)
        .expect_err("party of another case");
    assert!(matches!(err, Error::NotFound(_)), "{err:?}");
    assert_eq!(fx.lock_holder(&s, &case.case), None);
    assert!(fx.wf.status(&s).expect("status").is_none());
    assert_eq!(fx.events(), before);
}

// ---------------------------------------------------------------------------------------------
// Sealing needs every sheet
// ---------------------------------------------------------------------------------------------

/// DESIGN §1/§2: sealing requires every sheet of the current print scanned back; before
/// that it is refused and the mailing, its lock and the log are unchanged.
#[test]
fn seal_is_refused_until_every_sheet_is_scanned() {
    let mut fx = Fixture::demo();
    let s = fx.login(H1);
    let case = fx.plain_cases(&s)[0].clone();
    fx.start_plain(&s, &case);
    // A document of several pages makes the point better: add the largest own document.
    let status = fx.wf.status(&s).expect("status").expect("open");
    let extra = case
        .documents
        .iter()
        .filter(|d| d.subject == applicant(&case).id)
        .filter(|d| status.enclosures.iter().all(|e| e.document != d.id))
        .max_by_key(|d| d.pages)
        .map(|d| d.id);
    if let Some(extra) = extra {
        fx.wf.attach(&s, &[extra], false).expect("attach extra");
    }

    let before = fx.events();
    assert_eq!(
        refusal(fx.wf.seal(&s)),
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
            refusal(fx.wf.seal(&s)),
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
    let sealed = fx.wf.seal(&s).expect("seal");
    assert_eq!(sealed.state, MailingState::Sealed);
    assert_eq!(fx.lock_holder(&s, &case.case), None);
    assert!(fx.wf.status(&s).expect("status").is_none());
    // A sealed mailing is terminal: nothing left to seal or void.
    assert!(matches!(fx.wf.seal(&s), Err(Error::NoOpenMailing)));
    assert!(matches!(fx.wf.void(&s, "x"), Err(Error::NoOpenMailing)));
}

/// DESIGN §2 verification policy `cover-and-document-ends`: only the cover and the first and
/// last page of each document are required; the others still scan as sheets of the mailing.
#[test]
fn cover_and_document_ends_policy_requires_only_those_sheets() {
    let mut fx = Fixture::demo_with(Config::default());
    let lead = fx.login(LEAD);
    fx.wf
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
    fx.wf.start(&s, &case.case, a).expect("start");
    fx.wf.attach(&s, &[doc.id], false).expect("attach");
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
        refusal(fx.wf.seal(&s)),
        Refusal::NotVerified {
            seen: 2,
            required: 3
        }
    ));
    let last = fx.scan(&s, &code(&plan, 1 + doc.pages));
    assert_eq!((last.seen, last.state), (3, MailingState::Verified));
    fx.wf.seal(&s).expect("seal");
}

// ---------------------------------------------------------------------------------------------
// Scan verdicts
// ---------------------------------------------------------------------------------------------

/// DESIGN §2/§3: ok and duplicate are harmless; decoding ignores letter case and surrounding
/// whitespace; once every sheet is seen the mailing is verified and can be sealed.
#[test]
fn scan_ok_and_duplicate() {
    let mut fx = Fixture::demo();
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
    let status = fx.wf.status(&s).expect("status").expect("open");
    assert_eq!(status.seen_sheets, (1..=n).collect::<Vec<_>>());
    fx.wf.seal(&s).expect("seal");
}

/// DESIGN §1 "A sheet picked up from a shared printer tray is enveloped": a sheet of another
/// caseworker's mailing is a hard stop naming that mailing's case number and no person; it
/// is logged as a deviation, drops a verified mailing back to printed with the scanned set
/// cleared; after a whole rescan the mailing verifies and seals.
#[test]
fn foreign_sheet_is_a_hard_stop_naming_only_the_case() {
    let mut fx = Fixture::demo();
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

        let status = fx.wf.status(&s1).expect("status").expect("open");
        assert_eq!((status.state, status.seen), (MailingState::Printed, 0));
        assert!(status.seen_sheets.is_empty());
        assert!(matches!(
            refusal(fx.wf.seal(&s1)),
            Refusal::NotVerified { seen: 0, .. }
        ));
    }
    // The other mailings are untouched.
    assert_eq!(fx.state(&s2), Some(MailingState::Printed));
    assert_eq!(fx.state(&s3), Some(MailingState::Printed));

    // Rescanned whole, the stack verifies and seals.
    fx.scan_all(&s1, &plan);
    fx.wf.seal(&s1).expect("seal after rescan");
}

/// DESIGN §1 "An old print of the same mailing is enveloped": after a reprint, a sheet of the
/// earlier generation is a stale hard stop that resets a verified mailing; a rescan of the
/// current print verifies it again.
#[test]
fn stale_sheet_is_a_hard_stop() {
    let mut fx = Fixture::demo();
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
    fx.wf.seal(&s).expect("seal");
}

/// DESIGN §2/§3: a well-formed code no mailing printed (a random token, or this mailing's
/// token with a sheet or generation that was never printed) is an unknown hard stop.
#[test]
fn unknown_code_is_a_hard_stop() {
    let mut fx = Fixture::demo();
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
    fx.wf.seal(&s).expect("seal");
}

/// DESIGN §3 "a mistyped code is reported as mistyped, not as foreign": any single changed
/// character (and any swap of two neighbours) is caught by the check character; garbage is
/// mistyped too; neither is a deviation, so a verified mailing stays verified.
#[test]
fn mistyped_code_is_not_a_deviation() {
    let mut fx = Fixture::demo();
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
    fx.wf.seal(&s).expect("still sealable");
}

/// Contract `mail scan`: no open mailing is an error (not a verdict), scanning a draft is
/// refused, and an empty code is bad input; none of them changes anything.
#[test]
fn scan_without_a_printed_mailing_or_code() {
    let mut fx = Fixture::demo();
    let s = fx.login(H1);
    let case = fx.plain_cases(&s)[0].clone();
    let some_code = SheetCode::new(MailingToken(42), 1, 1)
        .expect("code")
        .encode();

    let before = fx.events();
    let err = fx
        .wf
        .scan(&s, &some_code, ScanSource::Scanner)
        .expect_err("no open mailing");
    assert!(matches!(err, Error::NoOpenMailing), "{err:?}");
    assert_eq!(err.exit_code(), 2);

    fx.start_plain(&s, &case);
    let before_draft = fx.events();
    assert!(before_draft > before);
    let r = refusal(fx.wf.scan(&s, &some_code, ScanSource::Scanner));
    assert_eq!(r, Refusal::NotPrinted);
    for empty in ["", "   ", "\n\t"] {
        let err = fx
            .wf
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

/// DESIGN §1 "A protected person's address leaks" and §5: a protected party has no address
/// (not even a JSON key); mail to them is forwarded through the configured service with an
/// extra inner-envelope sheet; the print job shows the service's address.
#[test]
fn protected_identity_never_shows_an_address() {
    let mut fx = Fixture::demo();
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

    let started = fx.wf.start(&s, &case.case, party.id).expect("start");
    assert!(started.recipient_protected);
    let doc = own_documents(&case)[0];
    let pages = case
        .documents
        .iter()
        .find(|d| d.id == doc)
        .expect("doc")
        .pages;
    fx.wf.attach(&s, &[doc], false).expect("attach");

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
    fx.wf.seal(&s).expect("seal");
}

// ---------------------------------------------------------------------------------------------
// Void and lock break
// ---------------------------------------------------------------------------------------------

/// DESIGN §2: voiding needs a reason; without one nothing changes; with one the mailing is
/// voided and the case lock released.
#[test]
fn void_needs_a_reason_and_releases_the_lock() {
    let mut fx = Fixture::demo();
    let s = fx.login(H1);
    let case = fx.plain_cases(&s)[0].clone();
    let open = fx.start_plain(&s, &case);

    let before = fx.events();
    for reason in ["", "   ", "\t"] {
        let err = fx.wf.void(&s, reason).expect_err("reason required");
        assert!(matches!(err, Error::Invalid(_)), "{reason:?}: {err:?}");
    }
    assert_eq!(fx.state(&s), Some(MailingState::Draft));
    assert_eq!(fx.lock_holder(&s, &case.case).as_deref(), Some(H1));
    assert_eq!(fx.events(), before);

    let voided = fx.wf.void(&s, "recipient moved").expect("void");
    assert_eq!(
        (voided.mailing, voided.state),
        (open.mailing, MailingState::Voided)
    );
    assert_eq!(fx.lock_holder(&s, &case.case), None);
    assert!(fx.wf.status(&s).expect("status").is_none());
    assert!(fx.events() > before);
}

/// DESIGN §2 "A team lead may break a lock (reason required, logged), which voids the
/// mailing": a caseworker is refused; the lead (of the case's team only) needs a reason; a
/// broken lock voids the holder's mailing and frees the case.
#[test]
fn only_the_lead_breaks_a_lock() {
    let mut fx = Fixture::demo();
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
    let r = refusal(fx.wf.break_lock(&s2, &case.case, "I need it"));
    assert!(matches!(r, Refusal::LeadOnly { .. }), "{r:?}");
    let r = refusal(fx.wf.break_lock(&s1, &case.case, "my own"));
    assert!(matches!(r, Refusal::LeadOnly { .. }), "{r:?}");
    let err = fx
        .wf
        .break_lock(&lead, &case.case, " ")
        .expect_err("reason");
    assert!(matches!(err, Error::Invalid(_)), "{err:?}");
    let r = refusal(fx.wf.break_lock(&lead, &b_case.case, "not my team"));
    assert!(matches!(r, Refusal::OtherTeam { .. }), "{r:?}");
    let r = refusal(fx.wf.break_lock(&lead, &free.case, "nothing to break"));
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
        .wf
        .break_lock(&lead, &case.case, "Anna is on leave")
        .expect("lead breaks the lock");
    assert_eq!(
        (broken.mailing, broken.state),
        (held.mailing, MailingState::Voided)
    );
    assert_eq!(fx.lock_holder(&s1, &case.case), None);
    assert!(fx.wf.status(&s1).expect("status").is_none());
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
    fx.wf
        .start(&s2, &case.case, applicant(&case).id)
        .expect("start on freed case");
    fx.wf
        .start(&s1, &free.case, applicant(&free).id)
        .expect("holder starts anew");
}

// ---------------------------------------------------------------------------------------------
// The record is altered afterwards → append-only, hash-chained event log
// ---------------------------------------------------------------------------------------------

/// DESIGN §1 "The record is altered afterwards": after a full mailing the chain verifies;
/// UPDATE and DELETE on the events table are refused by triggers even on a raw connection;
/// an edit made after dropping the trigger is found at exactly that event.
#[test]
fn event_log_is_append_only_and_an_edit_is_found() {
    let mut fx = Fixture::demo();
    let s = fx.login(H1);
    let case = fx.plain_cases(&s)[0].clone();
    fx.full_mailing(&s, &case);

    let report = fx.wf.audit_verify().expect("verify");
    assert!(report.ok, "{report:?}");
    assert_eq!(report.broken_at, None);
    let raw = fx.raw();
    let count: i64 = raw
        .query_row("SELECT count(*) FROM events", [], |r| r.get(0))
        .expect("count");
    assert_eq!(report.events, count);
    assert!(count > 5);

    let target = count / 2;
    let update = raw.execute("UPDATE events SET detail = '{}' WHERE seq = ?1", [target]);
    let err = update.expect_err("UPDATE refused");
    assert!(is_constraint_violation(&err), "{err:?}");
    assert!(err.to_string().contains("append-only"), "{err}");
    let err = raw
        .execute("DELETE FROM events WHERE seq = ?1", [target])
        .expect_err("DELETE refused");
    assert!(is_constraint_violation(&err), "{err:?}");
    let err = raw
        .execute("DELETE FROM events", [])
        .expect_err("DELETE all refused");
    assert!(is_constraint_violation(&err), "{err:?}");
    assert_eq!(fx.events(), count, "nothing changed");

    raw.execute_batch("DROP TRIGGER events_no_update")
        .expect("drop trigger");
    raw.execute(
        "UPDATE events SET detail = '{\"edited\":true}' WHERE seq = ?1",
        [target],
    )
    .expect("tamper");
    let report = fx.wf.audit_verify().expect("verify");
    assert!(!report.ok);
    assert_eq!(report.broken_at, Some(target));
    assert_eq!(report.events, target);
}

/// DESIGN §1 "The record is altered afterwards": a deleted event (after dropping the
/// trigger) breaks the chain at its sequence number.
#[test]
fn event_log_deletion_is_found() {
    let mut fx = Fixture::demo();
    let s = fx.login(H1);
    let case = fx.plain_cases(&s)[0].clone();
    fx.full_mailing(&s, &case);
    let count = fx.events();

    let raw = fx.raw();
    let target = count - 3;
    raw.execute_batch("DROP TRIGGER events_no_delete")
        .expect("drop trigger");
    raw.execute("DELETE FROM events WHERE seq = ?1", [target])
        .expect("tamper");
    let report = fx.wf.audit_verify().expect("verify");
    assert!(!report.ok);
    assert_eq!(report.broken_at, Some(target));
}

/// DESIGN §1 "The record is altered afterwards … `kuvert audit verify` proves it intact":
/// removing the newest events (say, the deviation and the seal of a mailing) must not pass
/// as an intact log.
#[test]
fn event_log_truncation_is_found() {
    let mut fx = Fixture::demo();
    let s = fx.login(H1);
    let case = fx.plain_cases(&s)[0].clone();
    let sealed = fx.full_mailing(&s, &case);
    let count = fx.events();

    let raw = fx.raw();
    raw.execute_batch("DROP TRIGGER events_no_delete")
        .expect("drop trigger");
    let removed = raw
        .execute(
            "DELETE FROM events WHERE mailing_id = ?1 AND kind IN ('sealed', 'case_unlocked')",
            [sealed.mailing],
        )
        .expect("tamper");
    assert_eq!(removed, 2);
    // The mailing is still sealed in its table, but the log no longer says so.
    let report = fx.wf.audit_verify().expect("verify");
    assert!(
        !report.ok,
        "the last {removed} of {count} events are gone, yet the log verifies: {report:?}"
    );
    // Caught by the head file beside the database, at the first missing event.
    let newest: i64 = raw
        .query_row("SELECT max(seq) FROM events", [], |r| r.get(0))
        .expect("newest");
    assert_eq!(report.broken_at, Some(newest + 1), "{report:?}");
    assert!(report.head.is_some());
}

/// DESIGN §1 "The record is altered afterwards": an event edited behind kuvert's back must be
/// found even when whoever edited it also recomputed the hashes after it (the chain's hash
/// is a public function of public data, so this takes one loop).
#[test]
fn event_log_rewrite_with_rehash_is_found() {
    let mut fx = Fixture::demo();
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
    let raw = fx.raw();
    raw.execute_batch("DROP TRIGGER events_no_update")
        .expect("drop trigger");
    events[target].detail = events[target]
        .detail
        .replace("\"document\":", "\"document\":9");
    let mut prev = events[target].prev_hash.clone();
    for e in &mut events[target..] {
        e.prev_hash = prev;
        e.hash = kuvert::audit::hash_of(e);
        prev = e.hash.clone();
        raw.execute(
            "UPDATE events SET detail = ?2, prev_hash = ?3, hash = ?4 WHERE seq = ?1",
            (e.seq, &e.detail, &e.prev_hash, &e.hash),
        )
        .expect("rewrite");
    }
    let report = fx.wf.audit_verify().expect("verify");
    assert!(
        !report.ok,
        "event {} was rewritten, yet the log verifies: {report:?}",
        events[target].seq
    );
}

// ---------------------------------------------------------------------------------------------
// The database itself enforces one open mailing per user and one lock per case
// ---------------------------------------------------------------------------------------------

/// DESIGN §1 "a lock is held by exactly one open mailing (enforced by the database, not only
/// by code)": bypassing the workflow with raw SQL, a second lock on a locked case, a second
/// open mailing on a case, and re-opening a closed mailing of a user who has an open one are
/// all refused by constraints.
#[test]
fn database_enforces_one_open_mailing_and_one_lock() {
    let mut fx = Fixture::demo();
    let s1 = fx.login(H1);
    let s2 = fx.login(H2);
    let cases = fx.plain_cases(&s1);
    let (first, locked, theirs) = (cases[0].clone(), cases[1].clone(), cases[2].clone());

    // handlaggare1: a voided mailing on `first`, then an open one on `locked`.
    let voided = fx.start_plain(&s1, &first).mailing;
    fx.wf.void(&s1, "test").expect("void");
    let open = fx.start_plain(&s1, &locked).mailing;
    // handlaggare2: an open mailing on `theirs`.
    let their_open = fx.start_plain(&s2, &theirs).mailing;

    let raw = fx.raw();
    let case_id = |number: &str| -> i64 {
        raw.query_row("SELECT id FROM cases WHERE number = ?1", [number], |r| {
            r.get(0)
        })
        .expect("case id")
    };
    let locked_id = case_id(&locked.case);
    let first_id = case_id(&first.case);
    let before = fx.events();

    // A second lock on a locked case, held by another open mailing.
    let err = raw
        .execute(
            "INSERT INTO case_locks(case_id, mailing_id, account, since)
             VALUES (?1, ?2, 'handlaggare2', '2026-01-01T00:00:00.000Z')",
            (locked_id, their_open),
        )
        .expect_err("second lock on a case");
    assert!(is_constraint_violation(&err), "{err:?}");
    // A second open mailing on the locked case, by another user.
    let err = raw
        .execute(
            "INSERT INTO mailings(case_id, account, session_id, recipient_id, state, token, started)
             VALUES (?1, 'tester', ?2, ?3, 'draft', 'ZZZZZZZZZZZZ1', '2026-01-01T00:00:00.000Z')",
            (locked_id, s2.id, applicant(&locked).id),
        )
        .expect_err("second open mailing on a case");
    assert!(is_constraint_violation(&err), "{err:?}");
    // handlaggare1's voided mailing back to draft while another is open.
    let err = raw
        .execute(
            "UPDATE mailings SET state = 'draft', closed = NULL, close_reason = NULL
             WHERE id = ?1",
            [voided],
        )
        .expect_err("second open mailing of a user");
    assert!(is_constraint_violation(&err), "{err:?}");
    // A lock for a closed mailing.
    let err = raw
        .execute(
            "INSERT INTO case_locks(case_id, mailing_id, account, since)
             VALUES (?1, ?2, 'handlaggare1', '2026-01-01T00:00:00.000Z')",
            (first_id, voided),
        )
        .expect_err("lock for a voided mailing");
    assert!(is_constraint_violation(&err), "{err:?}");

    // Nothing changed.
    let lock = fx.case(&s1, &locked.case).lock.expect("locked");
    assert_eq!((lock.account.as_str(), lock.mailing), (H1, open));
    assert_eq!(fx.lock_holder(&s1, &first.case), None);
    let status = fx.wf.status(&s1).expect("status").expect("open");
    assert_eq!(status.mailing, open);
    assert_eq!(
        fx.wf.status_of(voided).expect("voided").state,
        MailingState::Voided
    );
    let open_count: i64 = raw
        .query_row(
            "SELECT count(*) FROM mailings WHERE state IN ('draft', 'printed', 'verified')",
            [],
            |r| r.get(0),
        )
        .expect("count");
    assert_eq!(open_count, 2);
    assert_eq!(fx.events(), before);
}

// ---------------------------------------------------------------------------------------------
// Identity
// ---------------------------------------------------------------------------------------------

/// Contract "Global": impersonation (`KUVERT_USER`) is honoured only on a demo database; on a
/// production database it is refused, whoever is named.
#[test]
fn impersonation_is_refused_on_a_production_database() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("prod.db");
    let store = Store::create(&db, DbKind::Production, "2026-01-01T00:00:00.000Z").expect("create");
    let mut wf = Workflow::new(
        store,
        Config::default(),
        Lang::En,
        dir.path().join("outbox"),
    );
    for who in [H1, "root", "nobody-at-all"] {
        let r = refusal(wf.session(Some(who), "tty", SessionKind::Cli));
        assert_eq!(r, Refusal::ImpersonationRefused, "{who}");
    }
    let report = wf.audit_verify().expect("verify");
    assert_eq!((report.ok, report.events), (true, 0));
}

/// DESIGN §5 "Users": only registered accounts get a session; an unknown account is refused
/// on a demo database and nothing is logged.
#[test]
fn unknown_account_is_refused_on_a_demo_database() {
    let mut fx = Fixture::demo();
    let before = fx.events();
    let r = refusal(fx.wf.session(Some("mallory"), "tty", SessionKind::Cli));
    assert_eq!(
        r,
        Refusal::UnknownUser {
            account: "mallory".into()
        }
    );
    assert_eq!(fx.events(), before);
    // A registered account is fine, and opens a session.
    let s = fx.login("tester");
    assert_eq!(s.user.team, "A");
    assert!(fx.events() > before);
}

/// DESIGN §1: every refusal says which rule refused and is logged, without personal data.
#[test]
fn every_refusal_is_logged_by_its_rule() {
    let mut fx = Fixture::demo();
    let h1 = fx.login(H1);
    let h3 = fx.login(H3);
    let cases = fx.plain_cases(&h1);
    let a = applicant(&cases[0]).clone();
    refusal(fx.wf.show_case(&h3, &cases[0].case));
    fx.wf.start(&h1, &cases[0].case, a.id).expect("start");
    refusal(fx.wf.start(&h1, &cases[1].case, applicant(&cases[1]).id));
    refusal(fx.wf.seal(&h1));
    refusal(fx.wf.prepare_print(&h1, None));
    assert_eq!(
        fx.refusals(),
        [
            "other_team",
            "one_open_mailing",
            "not_verified",
            "nothing_attached"
        ]
    );
    let c = fx.raw();
    let details: Vec<String> = c
        .prepare("SELECT detail FROM events WHERE kind = 'refused'")
        .expect("prepare")
        .query_map([], |r| r.get(0))
        .expect("query")
        .map(|d| d.expect("row"))
        .collect();
    for d in details {
        assert!(!d.contains(&a.name), "no names in the log: {d}");
    }
}

/// Issue 14: the lead-only rule has one home, the workflow's run, so every lead-only
/// operation refuses a caseworker the same way and logs it, import and purge included
/// (an import refusal used to go unlogged), and nothing is read or changed.
#[test]
fn every_lead_only_operation_is_refused_and_logged_for_a_caseworker() {
    let mut fx = Fixture::demo();
    let h1 = fx.login(H1);
    let case = fx.plain_cases(&h1)[0].case.clone();
    let missing = fx.dir.path().join("no-such-manifest.json");
    let what = |r: Refusal| match r {
        Refusal::LeadOnly { what } => what,
        other => panic!("not the lead-only rule: {other:?}"),
    };
    let before = fx.events();
    let refused = [
        what(refusal(fx.wf.import(&h1, &missing))),
        what(refusal(fx.wf.purge(&h1, "2026-01-01", false))),
        what(refusal(fx.wf.purge(&h1, "2026-01-01", true))),
        what(refusal(fx.wf.session_log(&h1, &Default::default()))),
        what(refusal(fx.wf.open_locks(&h1))),
        what(refusal(fx.wf.set_policy(&h1, "dual_control", "on"))),
        what(refusal(fx.wf.break_lock(&h1, &case, "a reason"))),
        what(refusal(fx.wf.add_user(
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
    let c = fx.raw();
    let operations: Vec<String> = c
        .prepare("SELECT json_extract(detail, '$.operation') FROM events WHERE kind = 'refused'")
        .expect("prepare")
        .query_map([], |r| r.get(0))
        .expect("query")
        .map(|d| d.expect("row"))
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

/// Issue 14: asking to review a draft with nothing attached is refused by the print rule,
/// and logged, as the terminal's F5 now asks the workflow instead of checking itself.
#[test]
fn review_of_an_empty_draft_is_refused_and_logged() {
    let mut fx = Fixture::demo();
    let s = fx.login(H1);
    let case = fx.plain_cases(&s).remove(0);
    fx.wf
        .start(&s, &case.case, applicant(&case).id)
        .expect("start");
    assert_eq!(refusal(fx.wf.review(&s)), Refusal::NothingAttached);
    assert_eq!(fx.refusals(), ["nothing_attached"]);
    fx.wf
        .attach(&s, &own_documents(&case)[..1], false)
        .expect("attach");
    fx.wf
        .review(&s)
        .expect("something attached: may be reviewed");
}

// ---------------------------------------------------------------------------------------------
// Sealing station and dual control (issue 4)
// ---------------------------------------------------------------------------------------------

#[test]
fn a_colleague_of_the_team_verifies_and_seals_at_a_station() {
    let mut f = Fixture::demo();
    let h1 = f.login(H1);
    let h2 = f.login(H2);
    let case = f.plain_cases(&h1).remove(0);
    f.start_plain(&h1, &case);
    let (plan, _) = f.print(&h1, None);
    let waiting = f.wf.awaiting_seal(&h2).expect("awaiting");
    assert_eq!(waiting.len(), 1);
    assert_eq!(
        (waiting[0].mailing, waiting[0].printed_by.as_str()),
        (plan.mailing, H1)
    );

    let opened =
        f.wf.open_at_station(&h2, &code(&plan, 1))
            .expect("open by cover");
    assert_eq!(opened.mailing, plan.mailing);
    // The cover that opened it counts (issue 11); the rest are scanned at the station.
    assert_eq!(opened.seen_sheets, vec![1]);
    let desk = kuvert::workflow::Desk::Station(plan.mailing);
    for sheet in 2..=plan.sheets.len() as u32 {
        let out =
            f.wf.scan_at(&h2, desk, &code(&plan, sheet), ScanSource::Scanner)
                .expect("scan");
        assert_eq!(out.verdict, Verdict::Ok);
    }
    let sealed = f.wf.seal_at(&h2, desk).expect("seal at station");
    assert_eq!(sealed.state, MailingState::Sealed);
    assert!(
        f.wf.status(&h1).expect("status").is_none(),
        "h1 may start again"
    );
    assert_eq!(f.lock_holder(&h1, &case.case), None);
    // Both people are in the log: the printer in h1's session, the sealer in h2's.
    let c = f.raw();
    let who = |kind: &str| -> String {
        c.query_row(
            "SELECT account FROM events WHERE kind = ?1 AND mailing_id = ?2",
            (kind, plan.mailing),
            |r| r.get(0),
        )
        .expect(kind)
    };
    assert_eq!(who("printed"), H1);
    assert_eq!(who("station_opened"), H2);
    assert_eq!(who("sealed"), H2);
    assert!(f.wf.awaiting_seal(&h2).expect("awaiting").is_empty());
}

#[test]
fn a_station_refuses_other_teams_closed_mailings_old_covers_and_garbage() {
    let mut f = Fixture::demo();
    let h1 = f.login(H1);
    let h3 = f.login(H3);
    let case = f.plain_cases(&h1).remove(0);
    f.start_plain(&h1, &case);
    let (first, _) = f.print(&h1, None);
    let before = f.events();
    // Another team's station cannot open it.
    assert!(matches!(
        refusal(f.wf.open_at_station(&h3, &code(&first, 1))),
        Refusal::OtherTeam { .. }
    ));
    // A reprint makes the first cover stale.
    let (second, _) = f.print(&h1, Some("paper jam"));
    let h2 = f.login(H2);
    let after_reprint = f.events();
    assert!(matches!(
        refusal(f.wf.open_at_station(&h2, &code(&first, 1))),
        Refusal::StaleCover {
            generation: 1,
            current: 2,
            ..
        }
    ));
    // Unreadable and unknown codes say what is wrong, and change nothing.
    assert!(matches!(
        f.wf.open_at_station(&h2, "KV1-not-a-code"),
        Err(Error::Invalid(_))
    ));
    let nobody = SheetCode::new(MailingToken(42), 1, 1)
        .expect("code")
        .encode();
    assert!(matches!(
        f.wf.open_at_station(&h2, &nobody),
        Err(Error::NotFound(_))
    ));
    assert_eq!(f.events(), after_reprint);
    assert!(after_reprint > before);
    // Once voided by its owner, the station cannot act on it, even if it was opened before.
    f.wf.open_at_station(&h2, &code(&second, 1)).expect("open");
    f.wf.void(&h1, "wrong recipient").expect("void");
    let desk = kuvert::workflow::Desk::Station(second.mailing);
    assert!(matches!(
        refusal(f.wf.scan_at(&h2, desk, &code(&second, 1), ScanSource::Keyed)),
        Refusal::NotAwaitingSeal {
            state: MailingState::Voided,
            ..
        }
    ));
    assert!(matches!(
        refusal(f.wf.seal_at(&h2, desk)),
        Refusal::NotAwaitingSeal { .. }
    ));
    let rules = f.refusals();
    assert!(rules.contains(&"stale_cover".to_owned()), "{rules:?}");
    assert!(rules.contains(&"not_awaiting_seal".to_owned()), "{rules:?}");
}

#[test]
fn dual_control_keeps_the_printer_from_verifying_or_sealing() {
    let mut f = Fixture::demo_with(Config::default());
    let lead = f.login(LEAD);
    f.wf.set_policy(&lead, "dual_control", "true")
        .expect("policy");
    let h1 = f.login(H1);
    let case = f.plain_cases(&h1).remove(0);
    f.start_plain(&h1, &case);
    let (plan, _) = f.print(&h1, None);
    let before = f.events();
    // Neither at their own desk nor at a station.
    assert!(matches!(
        refusal(f.wf.scan(&h1, &code(&plan, 1), ScanSource::Scanner)),
        Refusal::FourEyes { .. }
    ));
    assert!(matches!(refusal(f.wf.seal(&h1)), Refusal::FourEyes { .. }));
    assert!(matches!(
        refusal(f.wf.open_at_station(&h1, &code(&plan, 1))),
        Refusal::FourEyes { .. }
    ));
    assert_eq!(f.events(), before, "refused: nothing changed");
    assert_eq!(f.state(&h1), Some(MailingState::Printed));
    // A colleague does it; the sealed event names both.
    let h2 = f.login(H2);
    f.wf.open_at_station(&h2, &code(&plan, 1)).expect("open");
    let desk = kuvert::workflow::Desk::Station(plan.mailing);
    for sheet in 1..=plan.sheets.len() as u32 {
        f.wf.scan_at(&h2, desk, &code(&plan, sheet), ScanSource::Scanner)
            .expect("scan");
    }
    f.wf.seal_at(&h2, desk).expect("seal");
    let detail: String = f
        .raw()
        .query_row(
            "SELECT detail FROM events WHERE kind = 'sealed' AND mailing_id = ?1",
            [plan.mailing],
            |r| r.get(0),
        )
        .expect("sealed event");
    let detail: serde_json::Value = serde_json::from_str(&detail).expect("json");
    assert_eq!(detail["printed_by"], H1);
    assert_eq!(detail["dual_control"], true);
    assert_eq!(f.refusals(), ["four_eyes", "four_eyes", "four_eyes"]);
}

/// The head file copied off the machine still catches a rewrite after whoever rewrote the
/// log also rewrote the head file beside it.
#[test]
fn a_head_kept_elsewhere_catches_a_rewritten_head_file() {
    let mut fx = Fixture::demo();
    let s = fx.login(H1);
    let case = fx.plain_cases(&s)[0].clone();
    fx.full_mailing(&s, &case);
    let beside = kuvert::store::head::path_for(&fx.db);
    let kept = fx.dir.path().join("shipped.head");
    std::fs::copy(&beside, &kept).expect("ship the head");
    // Truncate the log and move the head beside it back to match.
    let raw = fx.raw();
    raw.execute_batch("DROP TRIGGER events_no_delete")
        .expect("drop trigger");
    let newest: i64 = raw
        .query_row("SELECT max(seq) FROM events", [], |r| r.get(0))
        .expect("newest");
    raw.execute("DELETE FROM events WHERE seq > ?1", [newest - 3])
        .expect("truncate");
    let hash: String = raw
        .query_row(
            "SELECT hash FROM events WHERE seq = ?1",
            [newest - 3],
            |r| r.get(0),
        )
        .expect("hash");
    std::fs::write(
        &beside,
        format!("kuvert-audit-head 1\n{} {hash}\n", newest - 3),
    )
    .expect("forge the head");
    assert!(fx.wf.audit_verify().expect("verify").ok, "fooled beside");
    let report = fx.wf.audit_verify_against(&kept).expect("verify");
    assert!(!report.ok);
    assert_eq!(report.broken_at, Some(newest - 2));
}
