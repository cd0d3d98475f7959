//! Retention (`kuvert purge`, issue 6 item 9): old closed mailings lose their documents'
//! bytes, their recipients' personal fields and their print job files; open and newer
//! mailings keep everything; the event log still verifies; only leads may purge.

mod common;
#[path = "support/fixture.rs"]
mod fixture;

use std::path::Path;
use std::sync::{Arc, Mutex};

use common::{Backend, Env};
use fixture::{Office, SharedClock};
use kuvert::config::Config;
use kuvert::model::{CaseDetail, MailingState, PartyRole, ScanSource};
use kuvert::{Error, Refusal, Session};
use time::OffsetDateTime;
use time::macros::datetime;

/// A demo office whose desks read a clock the test sets.
struct Fixture {
    office: Office,
    clock: SharedClock,
}

office_fixture!(Fixture);

impl Fixture {
    fn new(backend: Backend) -> Self {
        let clock = Arc::new(Mutex::new(datetime!(2026-03-02 09:00 UTC)));
        let office = Office::demo(backend, Config::default()).with_clock(Arc::clone(&clock));
        Self { office, clock }
    }

    fn at(&self, t: OffsetDateTime) {
        *self.clock.lock().expect("clock") = t;
    }

    /// Team A cases whose applicant is not protected, with a document about them.
    fn plain_cases(&mut self, s: &Session) -> Vec<CaseDetail> {
        let desk = self.desk(s);
        let list = desk.list_cases(s).expect("list");
        list.iter()
            .map(|c| desk.show_case(s, &c.case).expect("case"))
            .filter(|c| {
                let a = applicant(c);
                !a.1 && c.documents.iter().any(|d| d.subject == a.0)
            })
            .collect()
    }

    /// Starts a mailing to the applicant with the given documents (none: the first about
    /// them) and prints it; returns (mailing, pdf path, codes).
    fn printed(
        &mut self,
        s: &Session,
        case: &CaseDetail,
        docs: &[i64],
    ) -> (i64, String, Vec<String>) {
        let (applicant, _) = applicant(case);
        let desk = self.desk(s);
        desk.start(s, &case.case, applicant).expect("start");
        let docs: Vec<i64> = if docs.is_empty() {
            vec![
                case.documents
                    .iter()
                    .find(|d| d.subject == applicant)
                    .expect("doc")
                    .id,
            ]
        } else {
            docs.to_vec()
        };
        desk.attach(s, &docs, true).expect("attach");
        let plan = desk.prepare_print(s, None).expect("plan");
        let job = desk.produce(&plan).expect("produce");
        let out = desk.complete_print(s, &plan, &job).expect("complete");
        let codes = (1..=plan.sheets.len() as u32)
            .map(|n| plan.code(n).expect("code").encode())
            .collect();
        (out.mailing, out.pdf, codes)
    }

    fn sealed(&mut self, s: &Session, case: &CaseDetail, docs: &[i64]) -> (i64, String) {
        let (id, pdf, codes) = self.printed(s, case, docs);
        let desk = self.desk(s);
        for c in &codes {
            desk.scan(s, c, ScanSource::Scanner).expect("scan");
        }
        assert_eq!(desk.seal(s).expect("seal").state, MailingState::Sealed);
        (id, pdf)
    }

    /// The content hash of a document's bytes; None once purged.
    fn bytes_of(&self, doc: i64) -> Option<String> {
        let sha: String = self.value(&format!(
            "SELECT coalesce(sha256, '') FROM documents WHERE id = {doc}"
        ));
        Some(sha).filter(|s| !s.is_empty())
    }

    /// A party's name, identity number and street (None where there is none).
    fn party(&self, id: i64) -> (String, String, Option<String>) {
        let row: String = self.value(&format!(
            "SELECT name || '|' || id_number || '|' ||
                    CASE WHEN street IS NULL THEN 'none' ELSE 'street:' || street END
             FROM parties WHERE id = {id}"
        ));
        let f: Vec<&str> = row.splitn(3, '|').collect();
        let street = f[2].strip_prefix("street:").map(str::to_owned);
        (f[0].to_owned(), f[1].to_owned(), street)
    }
}

fn applicant(c: &CaseDetail) -> (i64, bool) {
    let a = c
        .parties
        .iter()
        .find(|p| p.role == PartyRole::Applicant)
        .expect("applicant");
    (a.id, a.protected)
}

fn first_doc(c: &CaseDetail) -> i64 {
    let (a, _) = applicant(c);
    c.documents.iter().find(|d| d.subject == a).expect("doc").id
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

both!(old_closed_mailings_are_purged_and_nothing_else);
fn old_closed_mailings_are_purged_and_nothing_else(backend: Backend) {
    let mut f = Fixture::new(backend);
    let h1 = f.login("handlaggare1");
    let h2 = f.login("handlaggare2");
    let cases = f.plain_cases(&h1);
    let (a, b, c, d) = (
        &cases[0].clone(),
        &cases[1].clone(),
        &cases[2].clone(),
        &cases[3].clone(),
    );

    // 2 March: one sealed mailing (case a) and one voided (case b).
    let (old_sealed, old_pdf) = f.sealed(&h1, a, &[]);
    let (old_voided, _, _) = f.printed(&h2, b, &[]);
    f.desk(&h2).void(&h2, "wrong recipient").expect("void");
    let doc_a = first_doc(a);
    let doc_b = first_doc(b);
    let sha_a = f.bytes_of(doc_a).expect("the document's bytes");
    // On SQLite the file is the database: its bytes, to look for in the file afterwards.
    let blob_a: Option<Vec<u8>> = (backend == Backend::Sqlite).then(|| {
        rusqlite::Connection::open(&f.env.db)
            .expect("open the file")
            .query_row("SELECT bytes FROM blobs WHERE sha256 = ?1", [&sha_a], |r| {
                r.get(0)
            })
            .expect("blob")
    });

    // 10 March: a sealed mailing of case c, and an open one of case d that also carries
    // case d's document (d's own, so nothing shared across cases).
    f.at(datetime!(2026-03-10 09:00 UTC));
    let (new_sealed, new_pdf) = f.sealed(&h1, c, &[]);
    let (open, _, _) = f.printed(&h2, d, &[]);
    let before_events = f.desk(&h1).audit_verify().expect("verify").events;

    // 1 April: the lead purges what closed before 5 March.
    f.at(datetime!(2026-04-01 09:00 UTC));
    let lead = f.login("teamledare1");
    let dry = f
        .desk(&lead)
        .purge(&lead, "2026-03-05", true)
        .expect("dry run");
    assert!(f.bytes_of(doc_a).is_some(), "a dry run removes nothing");
    let r = f
        .desk(&lead)
        .purge(&lead, "2026-03-05", false)
        .expect("purge");
    assert_eq!(r.removed, dry.removed, "the dry run told the truth");
    assert_eq!(r.removed.mailings, 2);
    assert_eq!(r.removed.documents, 2);
    assert_eq!(r.removed.parties, 2);
    assert!(r.removed.blobs >= 1 && r.removed.bytes > 0, "{r:?}");
    assert_eq!((r.files_deleted, r.files_missing), (2, 0), "{r:?}");

    // Gone: the old documents' bytes, the old recipients' personal fields, the old print job.
    assert_eq!(f.bytes_of(doc_a), None);
    assert_eq!(f.bytes_of(doc_b), None);
    let (name, number, street) = f.party(applicant(a).0);
    assert_eq!(
        (name.as_str(), number.as_str()),
        ("(gallrad)", "000000000000")
    );
    assert_eq!(street.as_deref(), Some(""));
    assert!(!Path::new(&old_pdf).exists());
    let blobs_left: i64 = f.value(&format!(
        "SELECT count(*) FROM blobs WHERE sha256 = '{sha_a}'"
    ));
    assert_eq!(blobs_left, 0, "the bytes are gone");
    // And not lingering in the file: the blob's bytes were overwritten (the server's files
    // are the server's own).
    if let Some(blob_a) = blob_a {
        kuvert::store::Store::open(&f.env.db)
            .and_then(|s| s.checkpoint())
            .expect("checkpoint");
        let file = std::fs::read(&f.env.db).expect("db file");
        assert!(!contains(
            &file,
            &blob_a[blob_a.len() / 2..blob_a.len() / 2 + 64]
        ));
    }

    // Kept: the newer sealed mailing and the open one, with their data.
    assert!(f.bytes_of(first_doc(c)).is_some());
    assert!(f.bytes_of(first_doc(d)).is_some());
    assert_ne!(f.party(applicant(c).0).0, "(gallrad)");
    assert_ne!(f.party(applicant(d).0).0, "(gallrad)");
    assert!(Path::new(&new_pdf).exists());
    let open_now = f.desk(&h1).status_of(open).expect("open mailing");
    assert_eq!(open_now.state, MailingState::Printed);
    // The skeleton stays, and the log still verifies (one 'purged' event more).
    for id in [old_sealed, old_voided, new_sealed] {
        assert!(
            f.desk(&h1).status_of(id).is_ok(),
            "mailing {id} is still there"
        );
    }
    let report = f.desk(&h1).audit_verify().expect("verify");
    assert!(report.ok, "{report:?}");
    assert!(report.events > before_events);
    // A purged document cannot be sent again.
    let again = f
        .desk(&h1)
        .start(&h1, &a.case, applicant(a).0)
        .expect("start");
    assert_eq!(again.state, MailingState::Draft);
    assert!(matches!(
        f.desk(&h1).attach(&h1, &[doc_a], false),
        Err(Error::Refused(Refusal::DocumentPurged { .. }))
    ));
    // Purging again finds nothing more.
    let r = f
        .desk(&lead)
        .purge(&lead, "2026-03-05", false)
        .expect("again");
    assert_eq!(r.removed.mailings, 0);
}

both!(a_document_still_needed_keeps_its_bytes);
fn a_document_still_needed_keeps_its_bytes(backend: Backend) {
    let mut f = Fixture::new(backend);
    let h1 = f.login("handlaggare1");
    let case = f.plain_cases(&h1).remove(0);
    let doc = first_doc(&case);
    f.sealed(&h1, &case, &[doc]);
    // Later the same document goes into a new mailing that is still open.
    f.at(datetime!(2026-03-20 09:00 UTC));
    f.printed(&h1, &case, &[doc]);
    f.at(datetime!(2026-04-01 09:00 UTC));
    let lead = f.login("teamledare1");
    let r = f
        .desk(&lead)
        .purge(&lead, "2026-03-05", false)
        .expect("purge");
    assert_eq!(r.removed.mailings, 1);
    assert_eq!(r.removed.documents, 0, "the open mailing still needs it");
    assert_eq!(
        r.removed.parties, 0,
        "the open mailing is addressed to them"
    );
    assert!(f.bytes_of(doc).is_some());
}

both!(only_leads_purge_and_only_the_past);
fn only_leads_purge_and_only_the_past(backend: Backend) {
    let mut f = Fixture::new(backend);
    let h1 = f.login("handlaggare1");
    let case = f.plain_cases(&h1).remove(0);
    f.sealed(&h1, &case, &[]);
    f.at(datetime!(2026-04-01 09:00 UTC));
    let before = f.desk(&h1).audit_verify().expect("verify").events;
    assert!(matches!(
        f.desk(&h1).purge(&h1, "2026-03-05", false),
        Err(Error::Refused(Refusal::LeadOnly { .. }))
    ));
    let lead = f.login("teamledare1");
    for bad in ["2026-04-02", "2026-13-01", "yesterday"] {
        assert!(
            matches!(
                f.desk(&lead).purge(&lead, bad, false),
                Err(Error::Invalid(_))
            ),
            "{bad}"
        );
    }
    assert!(f.bytes_of(first_doc(&case)).is_some(), "nothing removed");
    // Team B's lead finds nothing of team A's to purge.
    let b_lead = kuvert::model::User {
        account: "teamledareb".into(),
        name: "Lead B".into(),
        role: kuvert::model::Role::Lead,
        team: "B".into(),
    };
    f.add_user(&lead, &b_lead).expect("add lead B");
    let lb = f.login("teamledareb");
    let r = f
        .desk(&lb)
        .purge(&lb, "2026-03-05", false)
        .expect("purge B");
    assert_eq!(r.removed.mailings, 0);
    assert!(f.bytes_of(first_doc(&case)).is_some());
    // Sessions and the refusal are logged; nothing else changed.
    assert!(f.desk(&h1).audit_verify().expect("verify").events > before);
}

on_both!(purge_through_the_binary);
fn purge_through_the_binary(env: &Env) {
    let out = env.fails(
        Some("handlaggare1"),
        &["purge", "--before", "2026-01-01"],
        1,
    );
    assert!(out.contains("kuvert purge"), "{out}");
    let r = env.json(Some("teamledare1"), &["purge", "--before", "2026-01-01"], 0);
    assert_eq!(r["mailings"], 0);
    assert_eq!(r["dry_run"], false);
    for key in ["documents", "blobs", "bytes", "parties", "files_deleted"] {
        assert!(r.get(key).is_some(), "{key} in {r}");
    }
    env.fails(Some("teamledare1"), &["purge", "--before", "3026-01-01"], 2);
}
