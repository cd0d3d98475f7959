//! Retention (`kuvert purge`, issue 6 item 9): old closed mailings lose their documents'
//! bytes, their recipients' personal fields and their print job files; open and newer
//! mailings keep everything; the event log still verifies; only leads may purge.

mod common;

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use kuvert::config::Config;
use kuvert::i18n::Lang;
use kuvert::model::{CaseDetail, MailingState, PartyRole, ScanSource};
use kuvert::store::Store;
use kuvert::{Error, Refusal, Session, SessionKind, Workflow};
use time::OffsetDateTime;
use time::macros::datetime;

/// A demo database with a workflow whose clock the test sets.
struct Fixture {
    dir: tempfile::TempDir,
    db: PathBuf,
    clock: Arc<Mutex<OffsetDateTime>>,
    wf: Workflow,
}

impl Fixture {
    fn new() -> Self {
        let env = common::Env::demo();
        let dir = env.dir;
        let db = env.db;
        let clock = Arc::new(Mutex::new(datetime!(2026-03-02 09:00 UTC)));
        let c = Arc::clone(&clock);
        let store = Store::open(&db).expect("open");
        let wf = Workflow::new(
            store,
            Config::default(),
            Lang::En,
            dir.path().join("outbox"),
        )
        .with_clock(Box::new(move || *c.lock().expect("clock")));
        Self { dir, db, clock, wf }
    }

    fn at(&self, t: OffsetDateTime) {
        *self.clock.lock().expect("clock") = t;
    }

    fn login(&mut self, account: &str) -> Session {
        self.wf
            .session(Some(account), &format!("tty-{account}"), SessionKind::Cli)
            .expect("session")
    }

    /// Team A cases whose applicant is not protected, with a document about them.
    fn plain_cases(&mut self, s: &Session) -> Vec<CaseDetail> {
        let list = self.wf.list_cases(s).expect("list");
        list.iter()
            .map(|c| self.wf.show_case(s, &c.case).expect("case"))
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
        self.wf.start(s, &case.case, applicant).expect("start");
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
        self.wf.attach(s, &docs, true).expect("attach");
        let plan = self.wf.prepare_print(s, None).expect("plan");
        let job = self.wf.produce(&plan).expect("produce");
        let out = self.wf.complete_print(s, &plan, &job).expect("complete");
        let codes = (1..=plan.sheets.len() as u32)
            .map(|n| plan.code(n).expect("code").encode())
            .collect();
        (out.mailing, out.pdf, codes)
    }

    fn sealed(&mut self, s: &Session, case: &CaseDetail, docs: &[i64]) -> (i64, String) {
        let (id, pdf, codes) = self.printed(s, case, docs);
        for c in &codes {
            self.wf.scan(s, c, ScanSource::Scanner).expect("scan");
        }
        assert_eq!(self.wf.seal(s).expect("seal").state, MailingState::Sealed);
        (id, pdf)
    }

    fn raw(&self) -> rusqlite::Connection {
        rusqlite::Connection::open(&self.db).expect("raw")
    }

    fn bytes_of(&self, doc: i64) -> Option<String> {
        self.raw()
            .query_row("SELECT sha256 FROM documents WHERE id = ?1", [doc], |r| {
                r.get(0)
            })
            .expect("document")
    }

    fn party(&self, id: i64) -> (String, String, Option<String>) {
        self.raw()
            .query_row(
                "SELECT name, id_number, street FROM parties WHERE id = ?1",
                [id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .expect("party")
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

#[test]
fn old_closed_mailings_are_purged_and_nothing_else() {
    let mut f = Fixture::new();
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
    f.wf.void(&h2, "wrong recipient").expect("void");
    let doc_a = first_doc(a);
    let doc_b = first_doc(b);
    let blob_a: Vec<u8> = f
        .raw()
        .query_row(
            "SELECT bytes FROM blobs WHERE sha256 = (SELECT sha256 FROM documents WHERE id = ?1)",
            [doc_a],
            |r| r.get(0),
        )
        .expect("blob");

    // 10 March: a sealed mailing of case c, and an open one of case d that also carries
    // case d's document (d's own, so nothing shared across cases).
    f.at(datetime!(2026-03-10 09:00 UTC));
    let (new_sealed, new_pdf) = f.sealed(&h1, c, &[]);
    let (open, _, _) = f.printed(&h2, d, &[]);
    let before_events = f.wf.audit_verify().expect("verify").events;

    // 1 April: the lead purges what closed before 5 March.
    f.at(datetime!(2026-04-01 09:00 UTC));
    let lead = f.login("teamledare1");
    let dry = f.wf.purge(&lead, "2026-03-05", true).expect("dry run");
    assert!(f.bytes_of(doc_a).is_some(), "a dry run removes nothing");
    let r = f.wf.purge(&lead, "2026-03-05", false).expect("purge");
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
    // And not lingering in the file: the blob's bytes were overwritten.
    kuvert::store::Store::open(&f.db)
        .and_then(|s| s.checkpoint())
        .expect("checkpoint");
    let file = std::fs::read(&f.db).expect("db file");
    assert!(!contains(
        &file,
        &blob_a[blob_a.len() / 2..blob_a.len() / 2 + 64]
    ));

    // Kept: the newer sealed mailing and the open one, with their data.
    assert!(f.bytes_of(first_doc(c)).is_some());
    assert!(f.bytes_of(first_doc(d)).is_some());
    assert_ne!(f.party(applicant(c).0).0, "(gallrad)");
    assert_ne!(f.party(applicant(d).0).0, "(gallrad)");
    assert!(Path::new(&new_pdf).exists());
    let open_now = f.wf.status_of(open).expect("open mailing");
    assert_eq!(open_now.state, MailingState::Printed);
    // The skeleton stays, and the log still verifies (one 'purged' event more).
    for id in [old_sealed, old_voided, new_sealed] {
        assert!(f.wf.status_of(id).is_ok(), "mailing {id} is still there");
    }
    let report = f.wf.audit_verify().expect("verify");
    assert!(report.ok, "{report:?}");
    assert!(report.events > before_events);
    // A purged document cannot be sent again.
    let again = f.wf.start(&h1, &a.case, applicant(a).0).expect("start");
    assert_eq!(again.state, MailingState::Draft);
    assert!(matches!(
        f.wf.attach(&h1, &[doc_a], false),
        Err(Error::Refused(Refusal::DocumentPurged { .. }))
    ));
    // Purging again finds nothing more.
    let r = f.wf.purge(&lead, "2026-03-05", false).expect("again");
    assert_eq!(r.removed.mailings, 0);
    drop(f.dir);
}

#[test]
fn a_document_still_needed_keeps_its_bytes() {
    let mut f = Fixture::new();
    let h1 = f.login("handlaggare1");
    let case = f.plain_cases(&h1).remove(0);
    let doc = first_doc(&case);
    f.sealed(&h1, &case, &[doc]);
    // Later the same document goes into a new mailing that is still open.
    f.at(datetime!(2026-03-20 09:00 UTC));
    f.printed(&h1, &case, &[doc]);
    f.at(datetime!(2026-04-01 09:00 UTC));
    let lead = f.login("teamledare1");
    let r = f.wf.purge(&lead, "2026-03-05", false).expect("purge");
    assert_eq!(r.removed.mailings, 1);
    assert_eq!(r.removed.documents, 0, "the open mailing still needs it");
    assert_eq!(
        r.removed.parties, 0,
        "the open mailing is addressed to them"
    );
    assert!(f.bytes_of(doc).is_some());
}

#[test]
fn only_leads_purge_and_only_the_past() {
    let mut f = Fixture::new();
    let h1 = f.login("handlaggare1");
    let case = f.plain_cases(&h1).remove(0);
    f.sealed(&h1, &case, &[]);
    f.at(datetime!(2026-04-01 09:00 UTC));
    let before = f.wf.audit_verify().expect("verify").events;
    assert!(matches!(
        f.wf.purge(&h1, "2026-03-05", false),
        Err(Error::Refused(Refusal::LeadOnly { .. }))
    ));
    let lead = f.login("teamledare1");
    for bad in ["2026-04-02", "2026-13-01", "yesterday"] {
        assert!(
            matches!(f.wf.purge(&lead, bad, false), Err(Error::Invalid(_))),
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
    f.wf.add_user(Some(&lead), &b_lead).expect("add lead B");
    let lb = f.login("teamledareb");
    let r = f.wf.purge(&lb, "2026-03-05", false).expect("purge B");
    assert_eq!(r.removed.mailings, 0);
    assert!(f.bytes_of(first_doc(&case)).is_some());
    // Sessions and the refusal are logged; nothing else changed.
    assert!(f.wf.audit_verify().expect("verify").events > before);
}

#[test]
fn purge_through_the_binary() {
    let env = common::Env::demo();
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
