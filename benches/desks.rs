//! Many desks at once (issues 15 and 16): N desks, each a thread with a connection of its
//! own and a caseworker of its own, run the whole mailing mix on cases of their team for a
//! while: start, attach, print, a scan of every sheet, seal. For each number of desks it
//! gives every operation's median and p99 and the operations and mailings per second, on
//! SQLite and on PostgreSQL side by side in one run, so the README can tell IT where the one
//! SQLite writer stops keeping up.
//!
//! - `KUVERT_BENCH_DB`: the agency-scale file (`kuvert demo --scale large`);
//! - `KUVERT_BENCH_SERVER`: the same office on a server (moved there by `kuvert migrate`), a
//!   `postgresql://` URL without `user`: each desk joins as its own login;
//! - `KUVERT_BENCH_DESKS` (default `1,4,16,64`) and `KUVERT_BENCH_SECONDS` (default 10).
//!
//! Without `--bench` (`cargo test --all-targets`, and so CI) it runs once, quickly: two desks,
//! two mailings each, on a small file made here. It asserts no timing.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Barrier};
use std::time::{Duration, Instant};

use kuvert::config::Config;
use kuvert::i18n::Lang;
use kuvert::model::ScanSource;
use kuvert::{Session, SessionKind, Workflow};

#[path = "support/backend.rs"]
mod backend;
use backend::Backend;

const OPERATIONS: [&str; 5] = ["start", "attach", "print", "scan", "seal"];

/// A desk's material: its caseworker and cases of their team it may mail, each with a
/// recipient and a document about them.
#[derive(Clone)]
struct Material {
    account: String,
    cases: Vec<(String, i64, i64)>,
}

/// One desk's measurements.
#[derive(Default)]
struct Tally {
    times: BTreeMap<&'static str, Vec<Duration>>,
    mailings: usize,
    refused: usize,
}

/// `account`'s desk on `backend`, with its session.
fn desk(backend: &Backend, account: &str, outbox: &Path) -> (Workflow, Session) {
    let (store, named) = backend.store(account);
    let mut wf = Workflow::new(store, Config::default(), Lang::Sv, outbox.to_owned());
    let s = wf
        .session(
            named.then_some(account),
            &format!("bench-{account}"),
            SessionKind::Tui,
        )
        .expect("session");
    (wf, s)
}

/// `desks` caseworkers spread over the teams, each with cases of their own team that no other
/// desk of the run gets.
fn material(db: &Path, desks: usize, per_desk: usize) -> Vec<Material> {
    let raw = rusqlite::Connection::open(db).expect("open the file");
    let mut users = raw
        .prepare(
            "SELECT account, team, row_number() OVER (PARTITION BY team ORDER BY account) - 1
             FROM users WHERE role = 'caseworker' ORDER BY 3, team",
        )
        .expect("users");
    let users: Vec<(String, String, i64)> = users
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .expect("users")
        .collect::<rusqlite::Result<_>>()
        .expect("users");
    let mut cases = raw
        .prepare(
            "SELECT c.number, p.id, min(d.id) FROM cases c
             JOIN parties p ON p.case_id = c.id AND p.role = 'applicant' AND p.protected = 0
             JOIN documents d ON d.case_id = c.id AND d.subject_id = p.id AND d.sha256 IS NOT NULL
             WHERE c.team = ?1 AND NOT EXISTS (SELECT 1 FROM case_locks l WHERE l.case_id = c.id)
             GROUP BY c.id ORDER BY c.id LIMIT ?2 OFFSET ?3",
        )
        .expect("cases");
    users
        .into_iter()
        .take(desks)
        .map(|(account, team, rank)| Material {
            cases: cases
                .query_map(
                    rusqlite::params![team, per_desk as i64, rank * per_desk as i64],
                    |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
                )
                .expect("cases")
                .collect::<rusqlite::Result<_>>()
                .expect("cases"),
            account,
        })
        .collect()
}

/// One desk's run: mailings one after another until `until`, or `limit` of them.
fn run_desk(
    backend: &Backend,
    m: &Material,
    outbox: &Path,
    start: &Barrier,
    until: Duration,
    limit: usize,
) -> Tally {
    let (mut wf, s) = desk(backend, &m.account, outbox);
    // A mailing this caseworker left open in the data set is voided first.
    if wf.status(&s).expect("status").is_some() {
        wf.void(&s, "benchmark").expect("void");
    }
    let mut tally = Tally::default();
    start.wait();
    let began = Instant::now();
    let timed = |op: &'static str, t: Instant, tally: &mut Tally| {
        tally.times.entry(op).or_default().push(t.elapsed());
    };
    for (case, party, document) in m.cases.iter().cycle() {
        if began.elapsed() >= until || tally.mailings >= limit {
            break;
        }
        let t = Instant::now();
        if wf.start(&s, case, *party).is_err() {
            tally.refused += 1;
            continue;
        }
        timed("start", t, &mut tally);
        let t = Instant::now();
        wf.attach(&s, &[*document], false).expect("attach");
        timed("attach", t, &mut tally);
        let t = Instant::now();
        let plan = wf.prepare_print(&s, None).expect("prepare the print");
        let job = wf.producer().produce(&plan).expect("the print job");
        wf.complete_print(&s, &plan, &job).expect("print");
        timed("print", t, &mut tally);
        for sheet in 1..=plan.sheets.len() as u32 {
            let code = plan.code(sheet).expect("code").encode();
            let t = Instant::now();
            wf.scan(&s, &code, ScanSource::Scanner).expect("scan");
            timed("scan", t, &mut tally);
        }
        let t = Instant::now();
        wf.seal(&s).expect("seal");
        timed("seal", t, &mut tally);
        tally.mailings += 1;
    }
    let _ = wf.end_session(&s);
    tally
}

fn percentile(d: &mut [Duration], q: f64) -> f64 {
    d.sort();
    d[((d.len() as f64 - 1.0) * q).round() as usize].as_secs_f64() * 1e3
}

fn main() {
    let quick = !std::env::args().any(|a| a == "--bench");
    let keep = tempfile::tempdir().expect("tempdir");
    let db = match std::env::var("KUVERT_BENCH_DB") {
        Ok(p) if !quick => PathBuf::from(p),
        _ => {
            let db = keep.path().join("small.db");
            kuvert::scale::build(&db, kuvert::scale::Scale::SMALL, 1).expect("small database");
            db
        }
    };
    let mut backends = vec![Backend::File(db.clone())];
    if let (false, Ok(url)) = (quick, std::env::var("KUVERT_BENCH_SERVER")) {
        backends.push(Backend::Server(url));
    }
    let counts: Vec<usize> = match (quick, std::env::var("KUVERT_BENCH_DESKS")) {
        (true, _) => vec![2],
        (false, Ok(list)) => list
            .split(',')
            .map(|n| n.trim().parse().expect("KUVERT_BENCH_DESKS: numbers"))
            .collect(),
        (false, Err(_)) => vec![1, 4, 16, 64],
    };
    let seconds: u64 = std::env::var("KUVERT_BENCH_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(10);
    let (until, limit) = if quick {
        (Duration::from_secs(60), 2)
    } else {
        (Duration::from_secs(seconds), usize::MAX)
    };
    let most = counts.iter().copied().max().unwrap_or(1);
    let material = material(&db, most, if quick { 2 } else { 400 });
    println!(
        "| desks | backend | mailings/s | operations/s | refused | {} |",
        OPERATIONS.map(|o| format!("{o} p50 / p99 ms")).join(" | ")
    );
    println!("|{}", " --- |".repeat(5 + OPERATIONS.len()));
    for &desks in &counts {
        for backend in &backends {
            let outbox = keep.path().join("outbox");
            let start = Arc::new(Barrier::new(desks.min(material.len())));
            let began = Instant::now();
            let tallies: Vec<Tally> = std::thread::scope(|scope| {
                let handles: Vec<_> = material
                    .iter()
                    .take(desks)
                    .map(|m| {
                        let (start, outbox) = (start.clone(), outbox.clone());
                        scope.spawn(move || run_desk(backend, m, &outbox, &start, until, limit))
                    })
                    .collect();
                handles
                    .into_iter()
                    .map(|h| h.join().expect("a desk"))
                    .collect()
            });
            let elapsed = began.elapsed().as_secs_f64();
            let mut all: BTreeMap<&str, Vec<Duration>> = BTreeMap::new();
            let (mut mailings, mut refused) = (0, 0);
            for t in tallies {
                mailings += t.mailings;
                refused += t.refused;
                for (op, d) in t.times {
                    all.entry(op).or_default().extend(d);
                }
            }
            let operations: usize = all.values().map(Vec::len).sum();
            let cells: Vec<String> = OPERATIONS
                .iter()
                .map(|op| match all.get_mut(op) {
                    Some(d) if !d.is_empty() => {
                        format!("{:.1} / {:.1}", percentile(d, 0.5), percentile(d, 0.99))
                    }
                    _ => "–".into(),
                })
                .collect();
            println!(
                "| {desks} | {} | {:.1} | {:.0} | {refused} | {} |",
                backend.name(),
                mailings as f64 / elapsed,
                operations as f64 / elapsed,
                cells.join(" | ")
            );
        }
    }
}
