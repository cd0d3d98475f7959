//! In-process benchmarks of issue 7 (`cargo bench --bench kuvert`). On the agency-scale
//! database named by `KUVERT_BENCH_DB` (make it with
//! `kuvert demo --scale large --db PATH`); without it a small one is made in a temp folder,
//! which is what `cargo test --all-targets` runs through once.
//!
//! Criterion times the PDF and TUI work; the database figures that need a median and a
//! 99th percentile (a scan's verdict) or a single long run (audit verify over millions of
//! events) are timed here and printed as a table. BENCHMARKS.md has the figures and the
//! whole-process ones from `scripts/bench.sh`.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group};
use kuvert::code::{MailingToken, SheetCode};
use kuvert::config::Config;
use kuvert::i18n::Lang;
use kuvert::model::{
    Address, CaseDetail, Document, Enclosure, Party, PartyRole, ScanSource, VerifyPolicy,
};
use kuvert::plan::{Delivery, PrintPlan};
use kuvert::store::Store;
use kuvert::tui::ctx::Ctx;
use kuvert::tui::screens::Screen;
use kuvert::tui::screens::case::CaseScreen;
use kuvert::{SessionKind, Workflow};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

#[path = "support/backend.rs"]
mod backend;
use backend::Backend;
#[path = "support/terminal.rs"]
mod terminal;

/// The database to measure on, and the folder that keeps a small one alive.
fn bench_db() -> (PathBuf, Option<tempfile::TempDir>) {
    if let Ok(p) = std::env::var("KUVERT_BENCH_DB") {
        return (PathBuf::from(p), None);
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("small.db");
    kuvert::scale::build(&db, kuvert::scale::Scale::SMALL, 1).expect("small scale database");
    (db, Some(dir))
}

/// What a screen draws with: a desk over a demo database (kept alive with its folder).
fn screen_context() -> (tempfile::TempDir, Ctx) {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("demo.db");
    kuvert::demo::ensure_demo_db(&db, false, "bench").expect("demo database");
    let store = Store::open(&db).expect("open");
    let mut wf = Workflow::new(
        store,
        Config::default(),
        Lang::Sv,
        dir.path().join("outbox"),
    );
    let s = wf
        .session(Some("handlaggare1"), "bench", SessionKind::Tui)
        .expect("session");
    (dir, Ctx::new(wf, s, false))
}

fn address() -> Address {
    Address {
        care_of: None,
        street: "Drottninggatan 54".into(),
        postal_code: "21119".into(),
        city: "Malmö".into(),
        country: kuvert::country::Country::SWEDEN,
    }
}

/// A print plan with one document of `pages` pages (the bytes given).
fn plan(document: &[u8], pages: u32) -> PrintPlan {
    let enclosures = vec![Enclosure {
        document: 1,
        title: "Journalanteckning".into(),
        kind: "journal".into(),
        date: "2026-10-01".into(),
        pages,
        subject: 1,
        confirmed_other_subject: false,
    }];
    // The library's own layout, as the workflow makes it.
    let sheets = kuvert::plan::sheet_layout(&enclosures, false, VerifyPolicy::EverySheet);
    PrintPlan {
        mailing: 1,
        case_no: "FK 2026-104037".into(),
        benefit: "Sjukpenning".into(),
        generation: 1,
        token: MailingToken(0x1234_5678_9abc_def0),
        reason: None,
        delivery: Delivery::Direct {
            name: "Lena Lindgren".into(),
            address: address(),
        },
        recipient_role: PartyRole::Applicant,
        caseworker: "Anna Lindqvist".into(),
        date: "2026-11-23".into(),
        enclosures,
        documents: vec![document.to_vec()],
        sheets,
    }
}

fn document(pages: u32) -> Vec<u8> {
    let fonts = kuvert::pdf::Fonts::load().expect("fonts");
    let body = vec!["Text för prestandamätning. ".repeat(40)];
    kuvert::pdf::generate_document(
        &fonts,
        &kuvert::pdf::DocumentPage {
            title: "Journalanteckning",
            kind: "journal",
            case_no: "FK 2026-104037",
            date: "2026-10-01",
            concerns: "Lena Lindgren",
            body: &body,
        },
        pages,
    )
    .expect("document")
}

/// The codes and labels of a 100-page document's sheets 2..=101.
pub fn codes(pages: u32) -> Vec<(String, String)> {
    (1..=pages)
        .map(|p| {
            let code = SheetCode::new(MailingToken(0x1234_5678_9abc_def0), 1, p + 1)
                .expect("code")
                .encode();
            let label = format!("{code} ark {}/{}", p + 1, pages + 1);
            (code, label)
        })
        .collect()
}

fn case_with_documents(n: usize) -> CaseDetail {
    let party = |id, role, name: &str| Party {
        id,
        role,
        name: name.into(),
        id_number: "200306041234".into(),
        id_masked: "20030604-****".into(),
        protected: false,
        address: Some(address()),
    };
    CaseDetail {
        case: "FK 2026-104037".into(),
        benefit: "Sjukpenning".into(),
        team: "A".into(),
        lock: None,
        parties: vec![
            party(1, PartyRole::Applicant, "Lena Lindgren"),
            party(2, PartyRole::Employer, "Verkstadsindustri Öst AB"),
        ],
        documents: (0..n)
            .map(|i| Document {
                id: i as i64 + 1,
                title: format!("Journalanteckning {i}"),
                kind: "journal".into(),
                date: "2026-10-01".into(),
                subject: 1 + (i % 2) as i64,
                pages: 1 + (i % 4) as u32,
                sha256: String::new(),
            })
            .collect(),
    }
}

fn pdf_and_tui(c: &mut Criterion) {
    let config = Config::default();
    let one = document(1);
    let hundred = document(100);
    let codes100 = codes(100);
    let cover_plan = plan(&one, 1);
    c.bench_function("cover sheet PDF", |b| {
        b.iter(|| kuvert::pdf::render_cover(&cover_plan, &config).expect("cover"))
    });
    c.bench_function("stamp + merge, 100 pages", |b| {
        b.iter(|| kuvert::pdf::stamp_document(&hundred, &codes100).expect("stamp"))
    });
    let job = plan(&hundred, 100);
    c.bench_function("whole print job, cover + 100 stamped pages", |b| {
        b.iter(|| kuvert::pdf::render_print_job(&job, &config).expect("print job"))
    });
    let screen = CaseScreen::new(case_with_documents(200));
    let ctx = screen_context();
    let mut terminal = Terminal::new(TestBackend::new(120, 40)).expect("terminal");
    c.bench_function("TUI draw, case screen with 200 documents", |b| {
        b.iter(|| {
            terminal
                .draw(|f| screen.draw(f, f.area(), &ctx.1))
                .expect("draw");
        })
    });
}

/// The real-world classes of issue 12 (tests/fixtures/pdf), each stamped as a print job
/// stamps it: what the paper fixes cost per document, against the generated pages above.
const FIXTURES: &[&str] = &[
    "unbalanced-q.pdf",
    "scan-jpeg.pdf",
    "scan-g4.pdf",
    "scan-framed.pdf",
    "sizes-letter-a3-a5.pdf",
    "layers-pymupdf.pdf",
    "layers-scan.pdf",
    "form-libreoffice-filled.pdf",
    "form-pypdf-filled.pdf",
    "lo-beslut-2-sidor.pdf",
    "damaged-word-xref.pdf",
    "damaged-scan-cut.pdf",
];

fn real_world_documents(c: &mut Criterion) {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/pdf");
    let mut group = c.benchmark_group("stamp, real-world document");
    for name in FIXTURES {
        let raw = std::fs::read(dir.join(name)).expect("fixture");
        // A damaged file is stamped as import stored it: repaired.
        let read = kuvert::pdf::read_document(&raw).expect("readable");
        let codes = codes(read.pages);
        group.bench_function(*name, |b| {
            b.iter(|| kuvert::pdf::stamp_document(&read.bytes, &codes).expect("stamp"))
        });
    }
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(30).measurement_time(Duration::from_secs(5));
    targets = pdf_and_tui, real_world_documents
}

/// Median and 99th percentile of a set of durations, in milliseconds.
fn percentiles(mut d: Vec<Duration>) -> (f64, f64) {
    d.sort();
    let at = |q: f64| d[((d.len() as f64 - 1.0) * q).round() as usize].as_secs_f64() * 1e3;
    (at(0.5), at(0.99))
}

/// `account`'s desk on `backend`, with its session.
fn desk(backend: &Backend, account: &str, kind: SessionKind) -> (Workflow, kuvert::Session) {
    let (store, named) = backend.store(account);
    let mut wf = Workflow::new(store, Config::default(), Lang::Sv, std::env::temp_dir());
    let s = wf
        .session(named.then_some(account), "bench", kind)
        .expect("session");
    (wf, s)
}

/// The backends to measure: the file, and the server when one is named
/// (`KUVERT_BENCH_SERVER`, a `postgresql://` URL without `user`).
fn backends(db: &Path) -> Vec<Backend> {
    let mut all = vec![Backend::File(db.to_owned())];
    if let Ok(url) = std::env::var("KUVERT_BENCH_SERVER") {
        all.push(Backend::Server(url));
    }
    all
}

/// The database figures on each backend, side by side in one run: a scan's verdict (median,
/// p99), the lead's log for one month of one team, and `audit verify` over every event.
fn database_figures(db: &Path, quick: bool) {
    // The bench picks its mailing and lead as an outsider would, with SQL of its own, before
    // anything is scanned (the server holds the same rows, moved there by kuvert migrate).
    let raw = rusqlite::Connection::open(db).expect("open the bench database");
    let (account, token, sheets): (String, String, u32) = raw
        .query_row(
            "SELECT m.account, m.token, p.sheets FROM mailings m
                 JOIN print_jobs p ON p.mailing_id = m.id AND p.generation = m.generation
                 WHERE m.state IN ('printed', 'verified') ORDER BY m.id LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .expect("an open mailing in the bench database");
    let lead = a_lead(&raw);
    let token = MailingToken::from_base36(&token).expect("token");
    for backend in backends(db) {
        let name = backend.name();
        let (mut wf, s) = desk(&backend, &account, SessionKind::Tui);
        let n = if quick { 20 } else { 2000 };
        let mut times = Vec::with_capacity(n);
        for i in 0..n {
            let code = SheetCode::new(token, 1, 1 + (i as u32 % sheets))
                .expect("code")
                .encode();
            let t = Instant::now();
            wf.scan(&s, &code, ScanSource::Scanner).expect("scan");
            times.push(t.elapsed());
        }
        let (median, p99) = percentiles(times);
        println!(
            "{name}: scan → verdict ({n} scans): median {median:.3} ms, p99 {p99:.3} ms (target p99 < 2 ms on SQLite, < 5 ms on PostgreSQL)"
        );

        let (mut wf, ls) = desk(&backend, &lead, SessionKind::Cli);
        let query = kuvert::report::LogQuery {
            session: None,
            user: None,
            since: Some("2026-10-01".into()),
            until: Some("2026-10-31".into()),
        };
        let mut times = Vec::new();
        let mut sessions = 0;
        for _ in 0..if quick { 1 } else { 20 } {
            let t = Instant::now();
            let log = wf.session_log(&ls, &query).expect("log");
            let json = serde_json::to_string(&log).expect("json");
            times.push(t.elapsed());
            sessions = log.len();
            std::hint::black_box(json);
        }
        let (median, p99) = percentiles(times);
        println!(
            "{name}: lead log, one team, October 2026 ({sessions} sessions) as JSON, in process: median {median:.1} ms, max {p99:.1} ms"
        );

        terminal::figures(&backend, db, if quick { 10 } else { 1000 }, percentiles);

        audit_figures(
            &mut wf,
            name,
            matches!(backend, Backend::File(_)).then_some(db),
        );
    }
}

/// The first lead of the bench database, picked with SQL of the bench's own.
fn a_lead(raw: &rusqlite::Connection) -> String {
    raw.query_row(
        "SELECT account FROM users WHERE role = 'lead' ORDER BY account LIMIT 1",
        [],
        |r| r.get(0),
    )
    .expect("a lead")
}

/// `audit verify` over every event, timed; on a file (`db`) also against raw SHA-256.
fn audit_figures(wf: &mut Workflow, name: &str, db: Option<&Path>) {
    let t = Instant::now();
    let report = wf.audit_verify().expect("verify");
    let verify = t.elapsed().as_secs_f64();
    println!(
        "{name}: audit verify: {} events in {verify:.2} s ({:.2} M events/s), ok = {} (target < 10 s for 2,000,000)",
        report.events,
        report.events as f64 / 1e6 / verify,
        report.ok
    );
    if let Some(db) = db {
        raw_sha256(db, verify);
    }
}

/// Issue 16's yardstick: SHA-256 over exactly the bytes `audit verify` hashes, read first,
/// with no database in the timing, on one core and on every core; the share of it `audit
/// verify` reaches; and what reading the rows alone costs, the floor under any verify.
fn raw_sha256(db: &Path, verify: f64) {
    use sha2::{Digest, Sha256};
    let mut store = Store::open(db).expect("open the bench database");
    let t = Instant::now();
    let mut rows = 0u64;
    store
        .read(|tx| {
            kuvert::store::events::walk(tx, i64::MIN, i64::MAX, |e| {
                rows += 1;
                std::hint::black_box(e);
                true
            })
        })
        .expect("the events");
    let walk = t.elapsed().as_secs_f64();
    let mut bytes = Vec::new();
    let mut ends = Vec::new();
    store
        .read(|tx| {
            kuvert::store::events::walk(tx, i64::MIN, i64::MAX, |e| {
                kuvert::audit::write_hashed(e, &mut bytes);
                ends.push(bytes.len());
                true
            })
        })
        .expect("the events");
    let hash = |ends: &[usize], from: usize| {
        let mut start = from;
        for &end in ends {
            std::hint::black_box(Sha256::digest(&bytes[start..end]));
            start = end;
        }
    };
    let t = Instant::now();
    hash(&ends, 0);
    let one = t.elapsed().as_secs_f64();
    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    let t = Instant::now();
    std::thread::scope(|scope| {
        let per = ends.len().div_ceil(cores);
        for (i, part) in ends.chunks(per.max(1)).enumerate() {
            let from = if i == 0 { 0 } else { ends[i * per - 1] };
            scope.spawn(move || hash(part, from));
        }
    });
    let all = t.elapsed().as_secs_f64();
    let mb = bytes.len() as f64 / 1e6;
    let events = ends.len() as f64 / 1e6;
    println!(
        "raw SHA-256 over the same bytes ({:.2} M events, {mb:.0} MB): one core {one:.2} s ({:.0} MB/s, {:.2} M events/s), {cores} cores {all:.2} s ({:.2} M events/s); audit verify reaches {:.0} % of one core, {:.0} % of {cores}",
        events,
        mb / one,
        events / one,
        events / all,
        100.0 * one / verify,
        100.0 * all / verify,
    );
    println!(
        "reading the {rows} event rows alone, one connection, nothing hashed: {walk:.2} s ({:.2} M rows/s)",
        rows as f64 / 1e6 / walk
    );
}

/// `audit verify` at ten million events (`KUVERT_BENCH_10M=PATH`, made there if missing: the
/// agency's shape with 18,000 sessions), with the same yardstick as on the large database.
fn ten_million(db: &Path) {
    if !db.exists() {
        let scale = kuvert::scale::Scale {
            sessions: 18_000,
            ..kuvert::scale::Scale::LARGE
        };
        let made = kuvert::scale::build(db, scale, 10).expect("the 10 M event database");
        println!(
            "made {} with {} events in {:.0} s",
            db.display(),
            made.events,
            made.seconds
        );
    }
    let lead = a_lead(&rusqlite::Connection::open(db).expect("open the 10 M database"));
    let (mut wf, _) = desk(&Backend::File(db.to_owned()), &lead, SessionKind::Cli);
    audit_figures(&mut wf, "SQLite, 10 M", Some(db));
}

/// Stamping 100 pages: kuvert in process, and qpdf --overlay putting a stamps-only PDF of
/// the same stamps on the same 100 pages (`KUVERT_BENCH_QPDF=1`), interleaved. Measured the
/// same way: qpdf runs as a process, so its share is counted without its process start
/// (exec, loading libqpdf and the C++ runtime), timed as `qpdf --version` beside it.
fn qpdf_side_by_side() {
    let dir = tempfile::tempdir().expect("tempdir");
    let doc = document(100);
    let codes = codes(100);
    let stamps = kuvert::pdf::stamp_document(&kuvert::pdf::blank_pages(100), &codes)
        .expect("stamps-only PDF");
    let doc_path = dir.path().join("doc100.pdf");
    let stamps_path = dir.path().join("stamps100.pdf");
    std::fs::write(&doc_path, &doc).expect("write");
    std::fs::write(&stamps_path, &stamps).expect("write");
    let qpdf = |args: &[&std::ffi::OsStr]| {
        let t = Instant::now();
        let status = std::process::Command::new("qpdf")
            .args(args)
            .stdout(std::process::Stdio::null())
            .status()
            .expect("qpdf (scripts/setup-test-deps.sh --bench installs it)");
        assert!(status.success(), "qpdf failed");
        t.elapsed()
    };
    let n = 21;
    let (mut ours, mut theirs, mut start) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..n {
        let t = Instant::now();
        let out = kuvert::pdf::stamp_document(&doc, &codes).expect("stamp");
        std::fs::write(dir.path().join("kuvert-out.pdf"), out).expect("write");
        ours.push(t.elapsed());
        let out = dir.path().join("qpdf-out.pdf");
        theirs.push(qpdf(&[
            doc_path.as_os_str(),
            "--overlay".as_ref(),
            stamps_path.as_os_str(),
            "--".as_ref(),
            out.as_os_str(),
        ]));
        start.push(qpdf(&["--version".as_ref()]));
    }
    let (k, _) = percentiles(ours);
    let (q, _) = percentiles(theirs);
    let (s, _) = percentiles(start);
    println!(
        "stamp 100 pages, side by side ({n} runs each, medians): kuvert in process {k:.1} ms; qpdf --overlay {q:.1} ms as a process, of which {s:.1} ms its start, so {:.1} ms; ratio {:.2} against qpdf's work (target ≤ 0.5), {:.2} against its whole process",
        q - s,
        k / (q - s),
        k / q
    );
}

fn main() {
    // `cargo bench` passes --bench; `cargo test --all-targets` does not: then everything
    // runs once, quickly, on a small database.
    let quick = !std::env::args().any(|a| a == "--bench");
    let (db, _keep) = bench_db();
    benches();
    database_figures(&db, quick);
    if let Some(db) = std::env::var_os("KUVERT_BENCH_10M") {
        ten_million(Path::new(&db));
    }
    if std::env::var_os("KUVERT_BENCH_QPDF").is_some() {
        qpdf_side_by_side();
    }
    criterion::Criterion::default()
        .configure_from_args()
        .final_summary();
}
