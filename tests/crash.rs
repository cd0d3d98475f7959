//! Crash safety (issue 6 item 2): the real binary is killed with SIGKILL at pseudo-random
//! moments while it prints, scans and seals. After every kill the database passes
//! `PRAGMA integrity_check`, the event chain passes `kuvert audit verify`, the mailing is in
//! the state it had before the interrupted operation or in the state after it (never
//! between), the events agree with that state, every print job the database references is
//! complete, and the caseworker resumes the mailing with ordinary commands up to sealed.
//!
//! The delays are drawn from a fixed-seed PRNG (`KUVERT_CRASH_SEED` picks another seed) over
//! the whole life of each command (1.2 × its typical duration: measured by an uninterrupted
//! mailing at the start, then by the ordinary runs that resume, so it follows the machine's
//! load); nothing is asserted about timing, only about what a kill left behind.
//!
//! The same test runs on the demo office moved onto a PostgreSQL server of the test's own
//! (issue 15), where the checks look at the server as its owner and the chain is verified
//! against its head row. There the server itself is also stopped at once under some runs
//! (`pg_ctl -m immediate stop`, as a crash or a power cut would): the run finishes or ends
//! with exit 3, the same command tried while the server is down is exit 3 naming the server
//! and leaves nothing behind, and after the restart (crash recovery) the same checks hold and
//! the mailing resumes.

#![cfg(unix)]

mod common;

use std::collections::{HashMap, HashSet};
use std::os::unix::process::ExitStatusExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::pg::Cluster;
use common::{Backend, Env, ServerDb, printed_codes};
use rusqlite::Connection;
use serde_json::Value;
use sha2::{Digest, Sha256};

/// The caseworkers of team A who take turns (a sealed mailing frees its case for the next).
const USERS: [&str; 2] = ["handlaggare1", "handlaggare2"];

/// Killed attempts per cycle before the user prints, or seals, without interruption.
const PRINT_KILLS_PER_CYCLE: usize = 4;
const SEAL_KILLS_PER_CYCLE: usize = 5;

/// How many kills a run aims at and requires.
struct Targets {
    /// Cycles run until every operation was killed this often and all of them this often in
    /// all (or `MAX_CYCLES` is reached)...
    kills_each: usize,
    kills_total: usize,
    /// ... and the test requires this many in the end.
    required_each: usize,
    required_total: usize,
}

/// On the demo file.
const ON_FILE: Targets = Targets {
    kills_each: 60,
    kills_total: 220,
    required_each: 50,
    required_total: 200,
};
/// On a server: far fewer client kills (the file's run already covers the workflow's steps
/// between the statements; here the server's transactions are what is new, each run there
/// costs about three times as much, and CI time is shared), and besides them the server
/// itself stopped under a run.
const ON_SERVER: Targets = Targets {
    kills_each: 8,
    kills_total: 30,
    required_each: 6,
    required_total: 24,
};
const MAX_CYCLES: usize = 100;

/// On a server, every this-many-th interrupted run of each operation has the server stopped
/// under it (`pg_ctl -m immediate stop`, as a crash or a power cut would) instead of the
/// client killed; the server is started again after a desk has heard that it is gone.
const SERVER_STOP_EVERY: usize = 4;
/// Server stops required under each operation.
const REQUIRED_SERVER_STOPS_EACH: usize = 2;

/// Uninterrupted mailings at the start, which measure how long each operation takes.
const MEASURING_MAILINGS: usize = 3;

/// Pages attached per mailing (print jobs of similar size print in similar time).
const MAX_PAGES: i64 = 6;

const DEFAULT_SEED: u64 = 0x6b75_7665_7274_2d32;

// ---------------------------------------------------------------------------------------------
// A small deterministic PRNG (SplitMix64): no new crates.
// ---------------------------------------------------------------------------------------------

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A delay in `0..limit`.
    fn delay(&mut self, limit: Duration) -> Duration {
        let micros = (limit.as_micros() as u64).max(1);
        Duration::from_micros(self.next() % micros)
    }
}

// ---------------------------------------------------------------------------------------------
// Operations and tallies
// ---------------------------------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    Print,
    Scan,
    Seal,
}

impl Op {
    const ALL: [Op; 3] = [Op::Print, Op::Scan, Op::Seal];

    fn index(self) -> usize {
        self as usize
    }

    fn name(self) -> &'static str {
        match self {
            Op::Print => "print",
            Op::Scan => "scan",
            Op::Seal => "seal",
        }
    }
}

#[derive(Debug, Default, Clone, Copy)]
struct Tally {
    /// Runs started with a kill pending.
    attempts: usize,
    /// Runs really killed mid-way (ended by SIGKILL).
    killed: usize,
    /// Of those, runs killed after their change was committed (the state found was "after").
    killed_after_commit: usize,
    /// Runs that finished (exit 0) before the kill arrived.
    completed: usize,
    /// Runs under which the server was stopped (`pg_ctl -m immediate`), on PostgreSQL.
    server_stops: usize,
    /// Of those, runs that lost the server mid-way (exit 3).
    cut: usize,
    /// Of those, runs whose change the server had committed all the same (the commit's
    /// answer was lost with the server).
    cut_after_commit: usize,
}

/// How an interrupted run ended.
enum Ending {
    /// SIGKILL mid-way.
    Killed,
    /// The server was stopped mid-way: the run ended with exit 3.
    Cut,
    Completed(Value),
}

impl Ending {
    /// Whether the run was stopped before it could say it finished.
    fn interrupted(&self) -> bool {
        matches!(self, Ending::Killed | Ending::Cut)
    }
}

// ---------------------------------------------------------------------------------------------
// The state of one mailing, as the database has it
// ---------------------------------------------------------------------------------------------

/// What matters of a mailing for "before or after, never between".
#[derive(Debug, Clone, PartialEq, Eq)]
struct Snap {
    state: String,
    generation: i64,
    /// Highest generation ever reserved.
    issued: i64,
    round: i64,
    /// Required sheets scanned OK in the current round.
    seen: i64,
    /// Required sheets of the current print.
    required: i64,
    /// Sheets of the current print.
    sheets: i64,
    /// Rows in `scans` for the mailing.
    scans: i64,
    /// Rows in `print_jobs` for the mailing.
    print_jobs: i64,
    /// The current print job (absolute path), if printed.
    pdf: Option<String>,
}

/// A demo case whose applicant is not protected, with the documents about the applicant.
#[derive(Debug, Clone)]
struct PlainCase {
    number: String,
    applicant: i64,
    documents: Vec<i64>,
}

/// The test's world: one demo database, its outbox, the PRNG and the counts.
struct Crash {
    env: Env,
    /// On PostgreSQL: the test's own cluster, which it stops and starts.
    cluster: Option<&'static Cluster>,
    targets: Targets,
    outbox: PathBuf,
    rng: Rng,
    seed: u64,
    /// Durations of uninterrupted runs of each operation: first an uninterrupted mailing,
    /// then every ordinary (resuming) run, so the delays follow the machine's load.
    samples: [Vec<Duration>; 3],
    tally: [Tally; 3],
    /// Final-name outbox files already found complete (they never change afterwards).
    complete_files: HashSet<String>,
    /// Referenced print jobs already hashed: path → (SHA-256, length). Later checks only
    /// see that they are still there, whole; the end of the test hashes them all again.
    verified_jobs: HashMap<String, (String, u64)>,
    /// Temp files left in the outbox by killed prints.
    temp_files: HashSet<String>,
    /// Checks run after kills (each a full round of the checks below).
    checks: usize,
}

impl Crash {
    /// On the demo file, or (with its cluster) on the demo office moved onto a server.
    fn new(env: Env, cluster: Option<&'static Cluster>) -> Self {
        let outbox = env
            .dir
            .path()
            .canonicalize()
            .expect("canonical temp folder")
            .join("outbox");
        let seed = std::env::var("KUVERT_CRASH_SEED")
            .ok()
            .and_then(|s| s.trim().parse().ok())
            .unwrap_or(DEFAULT_SEED);
        Self {
            targets: match env.backend() {
                Backend::Sqlite => ON_FILE,
                Backend::Postgres => ON_SERVER,
            },
            env,
            cluster,
            outbox,
            rng: Rng(seed),
            seed,
            samples: [Vec::new(), Vec::new(), Vec::new()],
            tally: [Tally::default(); 3],
            complete_files: HashSet::new(),
            verified_jobs: HashMap::new(),
            temp_files: HashSet::new(),
            checks: 0,
        }
    }

    /// A fresh look underneath kuvert (a new connection: the server may have restarted).
    fn look(&self) -> Look {
        Look::open(&self.env)
    }

    // -----------------------------------------------------------------------------------------
    // Running the binary
    // -----------------------------------------------------------------------------------------

    /// Runs `kuvert --json ARGS` as `user` and sends it SIGKILL after `delay` (unless it has
    /// finished by then). A finished run must have succeeded.
    fn run_and_kill(&self, user: &str, args: &[&str], delay: Duration) -> Ending {
        let mut child = self.spawn(user, args);
        std::thread::sleep(delay);
        // Not reaped yet, so this signals the process whether or not it is still running.
        child.kill().expect("send SIGKILL to kuvert");
        let out = child.wait_with_output().expect("wait for kuvert");
        self.until_its_server_session_is_gone();
        match out.status.signal() {
            Some(9) => Ending::Killed,
            Some(other) => panic!(
                "kuvert {args:?} died of signal {other}, not our SIGKILL: {}",
                common::stderr(&out)
            ),
            None => {
                assert_eq!(
                    out.status.code(),
                    Some(0),
                    "kuvert {args:?} finished before the kill but failed: stdout {} stderr {}",
                    String::from_utf8_lossy(&out.stdout),
                    common::stderr(&out)
                );
                Ending::Completed(serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
                    panic!(
                        "kuvert {args:?} printed no JSON ({e}): {}",
                        String::from_utf8_lossy(&out.stdout)
                    )
                }))
            }
        }
    }

    /// On a server, waits until the killed client's session has ended there: a COMMIT it
    /// sent before the kill is then done (or never will be), so the checks see what stays.
    fn until_its_server_session_is_gone(&self) {
        let Some(server) = &self.env.server else {
            return;
        };
        let mut look = self.look();
        let waited = Instant::now();
        while look.count(&format!(
            "SELECT count(*) FROM pg_stat_activity
             WHERE application_name = 'kuvert' AND datname = '{}'",
            server.name
        )) > 0
        {
            assert!(
                waited.elapsed() < Duration::from_secs(30),
                "the killed client's server session never ended"
            );
            std::thread::sleep(Duration::from_millis(2));
        }
    }

    /// Starts `kuvert --json ARGS` as `user`, its output piped.
    fn spawn(&self, user: &str, args: &[&str]) -> Child {
        let mut all = vec!["--json"];
        all.extend_from_slice(args);
        self.env
            .command(Some(user), &all)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start kuvert")
    }

    /// Runs `kuvert --json ARGS` as `user` and stops the server under it after `delay`. The
    /// run either finished before (exit 0), or lost the server and ended with exit 3; never
    /// a panic or a hang. While the server is down the same command, tried again, is exit 3
    /// naming the server and leaves no file; then the server is started again.
    fn run_and_stop_server(&self, user: &str, args: &[&str], delay: Duration) -> Ending {
        let cluster = self.cluster.expect("a cluster of the test's own");
        let child = self.spawn(user, args);
        std::thread::sleep(delay);
        cluster.stop();
        let out = child.wait_with_output().expect("wait for kuvert");
        let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
        let stderr = common::stderr(&out);
        let ending = match out.status.code() {
            Some(0) => Ending::Completed(
                serde_json::from_slice(&out.stdout)
                    .unwrap_or_else(|e| panic!("kuvert {args:?} printed no JSON ({e}): {stdout}")),
            ),
            Some(3) if !stderr.contains("panicked") => Ending::Cut,
            _ => panic!(
                "kuvert {args:?} under a server that stopped: {}; stdout {stdout} stderr {stderr}",
                out.status
            ),
        };

        let outbox_before = outbox_listing(&self.outbox);
        let out = self.env.run(Some(user), &[&["--json"], args].concat());
        let stderr = common::stderr(&out);
        let server = self.env.db_for(Some(user)).to_string_lossy().into_owned();
        assert_eq!(
            out.status.code(),
            Some(3),
            "kuvert {args:?} with the server down: stdout {} stderr {stderr}",
            String::from_utf8_lossy(&out.stdout)
        );
        assert!(
            stderr.contains(&server),
            "kuvert {args:?} with the server down names it ({server}): {stderr}"
        );
        assert!(
            out.stdout.is_empty(),
            "kuvert {args:?} with the server down reported a result: {}",
            String::from_utf8_lossy(&out.stdout)
        );
        assert_eq!(
            outbox_listing(&self.outbox),
            outbox_before,
            "kuvert {args:?} with the server down left a file in the outbox"
        );
        cluster.start();
        ending
    }

    /// The typical duration of `op`: the median of its latest uninterrupted runs.
    fn typical(&self, op: Op) -> Duration {
        let all = &self.samples[op.index()];
        let mut recent: Vec<Duration> = all[all.len().saturating_sub(15)..].to_vec();
        recent.sort();
        recent
            .get(recent.len() / 2)
            .copied()
            .expect("each operation was measured")
    }

    /// An ordinary run (exit 0 expected), timed.
    fn ordinary(&mut self, op: Op, user: &str, args: &[&str]) -> Value {
        let t = Instant::now();
        let out = self.env.json(Some(user), args, 0);
        self.samples[op.index()].push(t.elapsed());
        out
    }

    /// One interrupted run of `op`: the delay is drawn over 1.2 × its typical duration. On a
    /// server every `SERVER_STOP_EVERY`-th run of an operation has the server stopped under
    /// it; the others are killed.
    fn interrupted(&mut self, op: Op, user: &str, args: &[&str]) -> Ending {
        let limit = self.typical(op).mul_f64(1.2);
        let delay = self.rng.delay(limit);
        let t = self.tally[op.index()];
        let stop_server =
            self.cluster.is_some() && t.attempts % SERVER_STOP_EVERY == SERVER_STOP_EVERY - 1;
        let ending = if stop_server {
            self.run_and_stop_server(user, args, delay)
        } else {
            self.run_and_kill(user, args, delay)
        };
        let t = &mut self.tally[op.index()];
        t.attempts += 1;
        t.server_stops += usize::from(stop_server);
        match ending {
            Ending::Killed => t.killed += 1,
            Ending::Cut => t.cut += 1,
            Ending::Completed(_) => t.completed += 1,
        }
        ending
    }

    /// Counts an interruption that came after the commit (the state found is the one after).
    fn after_commit(&mut self, op: Op, ending: &Ending, before: &Snap, after: &Snap) {
        let changed = after.state != before.state || after.scans != before.scans;
        let t = &mut self.tally[op.index()];
        match ending {
            Ending::Killed if changed => t.killed_after_commit += 1,
            Ending::Cut if changed => t.cut_after_commit += 1,
            _ => {}
        }
    }

    // -----------------------------------------------------------------------------------------
    // The checks after every kill
    // -----------------------------------------------------------------------------------------

    /// Everything that must hold whatever was interrupted, for `mailing` of `user`; returns
    /// the mailing's state. The binary opens the database first (it is the one that finds
    /// the crash), then a raw connection looks underneath.
    fn check(&mut self, user: &str, mailing: i64, what: &str) -> Snap {
        self.checks += 1;
        // The event chain, by the binary.
        let out = self.env.run(Some(user), &["--json", "audit", "verify"]);
        if out.status.code() != Some(0) {
            let head = match self.env.backend() {
                Backend::Sqlite => {
                    let head = self.env.db.with_extension("db.head");
                    format!("{}: {:?}", head.display(), std::fs::read_to_string(&head))
                }
                Backend::Postgres => {
                    format!("{:?}", self.env.sql("SELECT seq, hash FROM audit_head"))
                }
            };
            panic!(
                "{what}: audit verify exited {:?}: stdout {} stderr {}; head {head}",
                out.status.code(),
                String::from_utf8_lossy(&out.stdout),
                common::stderr(&out),
            );
        }
        let audit: Value = serde_json::from_slice(&out.stdout).expect("audit verify JSON");
        assert_eq!(audit["ok"], true, "{what}: audit verify: {audit}");
        assert!(
            audit["broken_at"].is_null(),
            "{what}: audit verify: {audit}"
        );

        let mut look = self.look();
        // The file's pages and foreign keys; a server checks its own in every transaction
        // and replays its write-ahead log after a crash.
        if let Look::File(conn) = &look {
            let integrity: Vec<String> = conn
                .prepare("PRAGMA integrity_check")
                .expect("prepare integrity_check")
                .query_map([], |r| r.get(0))
                .expect("run integrity_check")
                .collect::<rusqlite::Result<_>>()
                .expect("read integrity_check");
            assert_eq!(integrity, ["ok"], "{what}: PRAGMA integrity_check");
            let fk_problems = conn
                .prepare("PRAGMA foreign_key_check")
                .expect("prepare foreign_key_check")
                .query_map([], |_| Ok(()))
                .expect("run foreign_key_check")
                .count();
            assert_eq!(fk_problems, 0, "{what}: PRAGMA foreign_key_check");
        }

        let snap = snapshot(&mut look, mailing, what);
        events_agree_with_state(&mut look, mailing, &snap, what);
        self.print_jobs_are_complete(&mut look, Some(mailing), false, what);
        self.outbox_holds_only_complete_jobs(what);
        drop(look);

        // What the user sees, by the binary.
        let status = self.env.json(Some(user), &["mail", "status"], 0);
        if snap.state == "sealed" {
            assert!(
                status["mailing"].is_null(),
                "{what}: a sealed mailing is no longer open: {status}"
            );
        } else {
            assert_eq!(
                status["mailing"].as_i64(),
                Some(mailing),
                "{what}: {status}"
            );
            assert_eq!(status["state"], snap.state.as_str(), "{what}: {status}");
            assert_eq!(status["seen"].as_i64(), Some(snap.seen), "{what}: {status}");
            assert_eq!(
                status["generation"].as_i64(),
                Some(snap.generation),
                "{what}: {status}"
            );
            assert_eq!(
                status["pdf"].as_str(),
                snap.pdf.as_deref(),
                "{what}: {status}"
            );
        }
        snap
    }

    /// The database checks only (no binary runs): integrity, the mailing's state and its
    /// events.
    fn quick_check(&mut self, mailing: i64, what: &str) -> Snap {
        let mut look = self.look();
        if let Look::File(conn) = &look {
            let integrity: String = conn
                .query_row("PRAGMA quick_check", [], |r| r.get(0))
                .expect("run quick_check");
            assert_eq!(integrity, "ok", "{what}: PRAGMA quick_check");
        }
        let snap = snapshot(&mut look, mailing, what);
        events_agree_with_state(&mut look, mailing, &snap, what);
        snap
    }

    /// Every print job the database references (of one mailing, or all) is in the outbox
    /// under its final name, complete: its SHA-256 is the recorded one and poppler reads it.
    /// With `rehash`, every job is read and hashed again; else a job hashed by an earlier
    /// check is only seen to be there with its length unchanged.
    fn print_jobs_are_complete(
        &mut self,
        look: &mut Look,
        mailing: Option<i64>,
        rehash: bool,
        what: &str,
    ) {
        let which = mailing.map_or_else(|| "1 = 1".to_owned(), |m| format!("mailing_id = {m}"));
        let jobs: Vec<(i64, i64, String, String)> = look
            .rows(&format!(
                "SELECT mailing_id, generation, pdf_path, pdf_sha256 FROM print_jobs
                 WHERE {which} ORDER BY mailing_id, generation"
            ))
            .into_iter()
            .map(|r| (int(&r[0]), int(&r[1]), text(&r[2]), text(&r[3])))
            .collect();
        for (m, generation, path, sha) in jobs {
            let path = Path::new(&path);
            let name = path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            assert!(
                !name.starts_with('.') && !name.ends_with(".tmp"),
                "{what}: the database references a temp file: {}",
                path.display()
            );
            assert_eq!(
                name,
                format!("kuvert-{m}-g{generation}.pdf"),
                "{what}: print job file name"
            );
            assert_eq!(
                path.parent(),
                Some(self.outbox.as_path()),
                "{what}: the print job is in the outbox"
            );
            let key = path.to_string_lossy().into_owned();
            if !rehash && let Some((known_sha, len)) = self.verified_jobs.get(&key) {
                let now = std::fs::metadata(path)
                    .map(|m| m.len())
                    .unwrap_or_else(|e| {
                        panic!("{what}: the referenced print job {key} is gone: {e}")
                    });
                assert_eq!(
                    known_sha, &sha,
                    "{what}: {key} is recorded with another hash"
                );
                assert_eq!(now, *len, "{what}: {key} changed after it was recorded");
                continue;
            }
            let bytes = std::fs::read(path).unwrap_or_else(|e| {
                panic!(
                    "{what}: the referenced print job {} cannot be read: {e}",
                    path.display()
                )
            });
            assert_eq!(
                sha256_hex(&bytes),
                sha,
                "{what}: {} is not the complete print job the database recorded",
                path.display()
            );
            pdf_is_readable(path, what);
            self.complete_files.insert(name);
            self.verified_jobs.insert(key, (sha, bytes.len() as u64));
        }
    }

    /// A file under a final name in the outbox is always complete (it got there by rename
    /// after being written whole); temp files may be left by a kill and are only counted.
    fn outbox_holds_only_complete_jobs(&mut self, what: &str) {
        let Ok(entries) = std::fs::read_dir(&self.outbox) else {
            return; // Nothing printed yet.
        };
        for entry in entries {
            let entry = entry.expect("outbox entry");
            let name = entry.file_name().to_string_lossy().into_owned();
            if name.starts_with('.') && name.ends_with(".tmp") {
                self.temp_files.insert(name);
                continue;
            }
            if self.complete_files.contains(&name) {
                continue;
            }
            assert!(
                name.starts_with("kuvert-") && name.ends_with(".pdf"),
                "{what}: unexpected file in the outbox: {name}"
            );
            pdf_is_readable(&entry.path(), what);
            self.complete_files.insert(name);
        }
    }

    // -----------------------------------------------------------------------------------------
    // One mailing from start to sealed
    // -----------------------------------------------------------------------------------------

    /// Starts a mailing on `case` and attaches the documents about the applicant.
    fn draft(&mut self, user: &str, case: &PlainCase) -> i64 {
        let started = self.env.json(
            Some(user),
            &[
                "mail",
                "start",
                &case.number,
                "--to",
                &case.applicant.to_string(),
            ],
            0,
        );
        assert_eq!(started["state"], "draft");
        let mailing = started["mailing"].as_i64().expect("mailing id");
        let mut attach = vec!["mail".to_owned(), "attach".to_owned()];
        attach.extend(case.documents.iter().map(i64::to_string));
        let attach: Vec<&str> = attach.iter().map(String::as_str).collect();
        self.env.json(Some(user), &attach, 0);
        mailing
    }

    /// An uninterrupted mailing that measures how long print, scan and seal take.
    fn measure(&mut self, user: &str, case: &PlainCase) {
        let mailing = self.draft(user, case);
        let printed = self.ordinary(Op::Print, user, &["mail", "print"]);
        assert_eq!(printed["state"], "printed");
        let codes = printed_codes(Path::new(printed["pdf"].as_str().expect("pdf path")));
        assert!(!codes.is_empty(), "the print job carries codes");
        for code in &codes {
            let scan = self.ordinary(Op::Scan, user, &["mail", "scan", code]);
            assert_eq!(scan["verdict"], "ok");
        }
        let sealed = self.ordinary(Op::Seal, user, &["mail", "seal"]);
        assert_eq!(sealed["state"], "sealed");
        self.check(user, mailing, "the measuring mailing");
    }

    /// One cycle: draft, killed prints until printed (else an ordinary print), each sheet's
    /// scan killed then resumed, killed seals until sealed (else an ordinary seal).
    fn cycle(&mut self, n: usize, user: &str, case: &PlainCase) {
        let mailing = self.draft(user, case);
        let mut snap = self.check(user, mailing, &format!("cycle {n}: the draft"));
        assert_eq!(snap.state, "draft");

        // Print: draft → printed.
        for attempt in 0..PRINT_KILLS_PER_CYCLE {
            if snap.state != "draft" {
                break;
            }
            let what = format!("cycle {n}, print attempt {attempt}");
            let ending = self.interrupted(Op::Print, user, &["mail", "print"]);
            let after = self.check(user, mailing, &what);
            print_transition(&snap, &after, &ending, &what);
            self.after_commit(Op::Print, &ending, &snap, &after);
            snap = after;
        }
        if snap.state == "draft" {
            // Resume: an ordinary print from the draft, on a fresh generation.
            let printed = self.ordinary(Op::Print, user, &["mail", "print"]);
            assert_eq!(printed["state"], "printed");
            assert_eq!(
                printed["generation"].as_i64(),
                Some(snap.issued + 1),
                "cycle {n}: the resumed print takes the next generation"
            );
            let after = self.check(user, mailing, &format!("cycle {n}: resumed print"));
            assert_eq!(after.state, "printed");
            snap = after;
        }

        // Scan: the first sheet (printed → printed) and the last (printed → verified) are
        // interrupted, then resumed; the others are scanned in the ordinary way.
        let pdf = snap
            .pdf
            .clone()
            .expect("a printed mailing has its print job");
        let codes = printed_codes(Path::new(&pdf));
        assert_eq!(
            codes.len() as i64,
            snap.sheets,
            "cycle {n}: one code per sheet"
        );
        for (i, code) in codes.iter().enumerate() {
            let what = format!("cycle {n}, scan of sheet {}", i + 1);
            if i != 0 && i + 1 != codes.len() {
                let scan = self.ordinary(Op::Scan, user, &["mail", "scan", code]);
                assert_eq!(scan["verdict"], "ok", "{what}: {scan}");
                snap = self.quick_check(mailing, &what);
                assert_eq!(snap.seen, i as i64 + 1, "{what}");
                assert_eq!(snap.state, "printed", "{what}");
                continue;
            }
            let ending = self.interrupted(Op::Scan, user, &["mail", "scan", code]);
            let after = self.check(user, mailing, &what);
            let recorded = scan_transition(
                &mut self.look(),
                mailing,
                &snap,
                &after,
                &ending,
                code,
                &what,
            );
            self.after_commit(Op::Scan, &ending, &snap, &after);
            // Resume: the user scans the same sheet again; if the killed scan counted, this
            // one is a duplicate (no harm), else it is the first.
            let again = self.ordinary(Op::Scan, user, &["mail", "scan", code]);
            let expected = if recorded { "duplicate" } else { "ok" };
            assert_eq!(again["verdict"], expected, "{what}: resumed scan: {again}");
            // The next interrupted run is followed by the full check; here the database only.
            let done = self.quick_check(mailing, &format!("{what}: resumed"));
            assert_eq!(done.seen, i as i64 + 1, "{what}: resumed scan");
            let expected_state = if done.seen == done.required {
                "verified"
            } else {
                "printed"
            };
            assert_eq!(done.state, expected_state, "{what}: resumed scan");
            assert_eq!(again["state"], expected_state, "{what}: {again}");
            snap = done;
        }
        assert_eq!(snap.state, "verified", "cycle {n}: every sheet scanned");

        // Seal: verified → sealed.
        for attempt in 0..SEAL_KILLS_PER_CYCLE {
            if snap.state != "verified" {
                break;
            }
            let what = format!("cycle {n}, seal attempt {attempt}");
            let ending = self.interrupted(Op::Seal, user, &["mail", "seal"]);
            let after = self.check(user, mailing, &what);
            seal_transition(&snap, &after, &ending, &what);
            self.after_commit(Op::Seal, &ending, &snap, &after);
            snap = after;
        }
        if snap.state == "verified" {
            let sealed = self.ordinary(Op::Seal, user, &["mail", "seal"]);
            assert_eq!(sealed["state"], "sealed", "cycle {n}: resumed seal");
            snap = self.check(user, mailing, &format!("cycle {n}: resumed seal"));
        }
        assert_eq!(snap.state, "sealed", "cycle {n}");
        // The case is free again.
        let list = self.env.json(Some(user), &["case", "list"], 0);
        let row = list["cases"]
            .as_array()
            .expect("cases")
            .iter()
            .find(|c| c["case"] == case.number.as_str())
            .expect("the case is listed")
            .clone();
        assert!(
            row["locked_by"].is_null(),
            "cycle {n}: sealing released the lock: {row}"
        );
    }

    /// The median of every uninterrupted run of `op` (for the summary).
    fn typical_overall(&self, op: Op) -> Duration {
        let mut all = self.samples[op.index()].clone();
        all.sort();
        all.get(all.len() / 2).copied().unwrap_or_default()
    }

    fn kills(&self) -> usize {
        self.tally.iter().map(|t| t.killed).sum()
    }

    fn enough(&self) -> bool {
        self.tally
            .iter()
            .all(|t| t.killed >= self.targets.kills_each)
            && self.kills() >= self.targets.kills_total
    }
}

// ---------------------------------------------------------------------------------------------
// Reading the database
// ---------------------------------------------------------------------------------------------

/// A look underneath kuvert as the database's owner: the demo file, or the server (whose
/// owner row-level security hides nothing from). The values in the SQL are the test's own
/// integers and words, written into the text; rows come back as text on both.
enum Look {
    File(Connection),
    Server(postgres::Client),
}

impl Look {
    fn open(env: &Env) -> Self {
        match &env.server {
            None => {
                let conn = Connection::open(&env.db).expect("open the database directly");
                conn.busy_timeout(Duration::from_secs(10))
                    .expect("busy timeout");
                Look::File(conn)
            }
            Some(server) => Look::Server(
                postgres::Client::connect(&server.url("postgres"), postgres::NoTls)
                    .expect("connect to the server as its owner"),
            ),
        }
    }

    fn rows(&mut self, sql: &str) -> Vec<Vec<Option<String>>> {
        match self {
            Look::File(conn) => {
                let mut stmt = conn.prepare(sql).unwrap_or_else(|e| panic!("{sql}: {e}"));
                let n = stmt.column_count();
                stmt.query_map([], |r| {
                    (0..n)
                        .map(|i| {
                            Ok(match r.get_ref(i)? {
                                rusqlite::types::ValueRef::Null => None,
                                rusqlite::types::ValueRef::Integer(i) => Some(i.to_string()),
                                rusqlite::types::ValueRef::Real(f) => Some(f.to_string()),
                                rusqlite::types::ValueRef::Text(t) => {
                                    Some(String::from_utf8_lossy(t).into_owned())
                                }
                                rusqlite::types::ValueRef::Blob(b) => {
                                    Some(format!("{} bytes", b.len()))
                                }
                            })
                        })
                        .collect()
                })
                .and_then(|rows| rows.collect())
                .unwrap_or_else(|e| panic!("{sql}: {e}"))
            }
            Look::Server(client) => client
                .simple_query(sql)
                .unwrap_or_else(|e| panic!("{sql}: {e}"))
                .into_iter()
                .filter_map(|m| match m {
                    postgres::SimpleQueryMessage::Row(r) => {
                        Some((0..r.len()).map(|i| r.get(i).map(str::to_owned)).collect())
                    }
                    _ => None,
                })
                .collect(),
        }
    }

    /// The first row, if any.
    fn row(&mut self, sql: &str) -> Option<Vec<Option<String>>> {
        self.rows(sql).into_iter().next()
    }

    fn count(&mut self, sql: &str) -> i64 {
        let row = self.row(sql).unwrap_or_else(|| panic!("{sql}: no row"));
        int(&row[0])
    }

    /// The integer `field` of an event's JSON detail `e.detail`, in this backend's SQL.
    fn detail_int(&self, field: &str) -> String {
        match self {
            Look::File(_) => format!("json_extract(e.detail, '$.{field}')"),
            Look::Server(_) => format!("(e.detail::jsonb ->> '{field}')::bigint"),
        }
    }

    /// The text `field` of an event's JSON detail `e.detail`.
    fn detail_text(&self, field: &str) -> String {
        match self {
            Look::File(_) => format!("json_extract(e.detail, '$.{field}')"),
            Look::Server(_) => format!("(e.detail::jsonb ->> '{field}')"),
        }
    }
}

fn int(value: &Option<String>) -> i64 {
    let text = value.as_deref().expect("an integer, not NULL");
    text.parse()
        .unwrap_or_else(|e| panic!("{text} is no integer: {e}"))
}

fn text(value: &Option<String>) -> String {
    value.clone().expect("a text, not NULL")
}

fn snapshot(look: &mut Look, mailing: i64, what: &str) -> Snap {
    let row = look
        .row(&format!(
            "SELECT state, generation, issued, round FROM mailings WHERE id = {mailing}"
        ))
        .unwrap_or_else(|| panic!("{what}: mailing {mailing} is gone"));
    let (state, generation, issued, round) =
        (text(&row[0]), int(&row[1]), int(&row[2]), int(&row[3]));
    let seen = look.count(&format!(
        "SELECT count(DISTINCT s.sheet) FROM scans s
         JOIN sheets h ON h.mailing_id = s.mailing_id AND h.generation = s.generation
                      AND h.sheet = s.sheet
         WHERE s.mailing_id = {mailing} AND s.round = {round} AND s.generation = {generation}
           AND s.verdict = 'ok' AND h.required = 1"
    ));
    let required = look.count(&format!(
        "SELECT count(*) FROM sheets WHERE mailing_id = {mailing} AND generation = {generation}
           AND required = 1"
    ));
    let job = look.row(&format!(
        "SELECT sheets, pdf_path FROM print_jobs
         WHERE mailing_id = {mailing} AND generation = {generation}"
    ));
    Snap {
        state,
        generation,
        issued,
        round,
        seen,
        required,
        sheets: job.as_ref().map_or(0, |j| int(&j[0])),
        scans: look.count(&format!(
            "SELECT count(*) FROM scans WHERE mailing_id = {mailing}"
        )),
        print_jobs: look.count(&format!(
            "SELECT count(*) FROM print_jobs WHERE mailing_id = {mailing}"
        )),
        pdf: job.map(|j| text(&j[1])),
    }
}

/// The events of the mailing tell the same story as its rows: every change and its events
/// were committed together, or neither was.
fn events_agree_with_state(look: &mut Look, mailing: i64, snap: &Snap, what: &str) {
    let mut events = |kind: &str| {
        look.count(&format!(
            "SELECT count(*) FROM events WHERE mailing_id = {mailing} AND kind = '{kind}'"
        ))
    };
    let ctx = format!("{what}: mailing {mailing} in state {snap:?}");
    // One print_started event per reserved generation.
    assert_eq!(events("print_started"), snap.issued, "{ctx}: print_started");
    // One printed/reprinted event per recorded print job, naming its generation and hash.
    let prints = events("printed") + events("reprinted");
    assert_eq!(prints, snap.print_jobs, "{ctx}: printed events");
    // One scan event per recorded scan.
    assert_eq!(events("scan"), snap.scans, "{ctx}: scan events");
    let verified = events("verified");
    let sealed = events("sealed");
    let unlocked = events("case_unlocked");
    let (generation, sha) = (
        look.detail_int("generation"),
        look.detail_text("pdf_sha256"),
    );
    let unmatched = look.count(&format!(
        "SELECT count(*) FROM print_jobs p WHERE p.mailing_id = {mailing} AND (
             SELECT count(*) FROM events e WHERE e.mailing_id = p.mailing_id
                AND e.kind IN ('printed', 'reprinted')
                AND {generation} = p.generation
                AND {sha} = p.pdf_sha256) != 1"
    ));
    assert_eq!(unmatched, 0, "{ctx}: print jobs without their event");
    let short = look.count(&format!(
        "SELECT count(*) FROM print_jobs p WHERE p.mailing_id = {mailing} AND p.sheets !=
             (SELECT count(*) FROM sheets s WHERE s.mailing_id = p.mailing_id
                 AND s.generation = p.generation)"
    ));
    assert_eq!(short, 0, "{ctx}: print jobs with missing sheets");

    let locks = look.count(&format!(
        "SELECT count(*) FROM case_locks WHERE mailing_id = {mailing}"
    ));
    let closed = look.count(&format!(
        "SELECT count(*) FROM mailings WHERE id = {mailing} AND closed IS NOT NULL"
    ));
    let last = look
        .row(&format!(
            "SELECT kind FROM events WHERE mailing_id = {mailing} ORDER BY seq DESC LIMIT 1"
        ))
        .map(|r| text(&r[0]))
        .expect("the mailing has events");
    let last_print_generation: Option<i64> = look
        .row(&format!(
            "SELECT {generation} FROM events e
             WHERE e.mailing_id = {mailing} AND e.kind IN ('printed', 'reprinted')
             ORDER BY e.seq DESC LIMIT 1"
        ))
        .map(|r| int(&r[0]));

    let open = ["draft", "printed", "verified"].contains(&snap.state.as_str());
    assert_eq!(locks, i64::from(open), "{ctx}: the case lock");
    assert_eq!(closed, i64::from(!open), "{ctx}: closed");
    match snap.state.as_str() {
        "draft" => {
            assert_eq!(snap.generation, 0, "{ctx}");
            assert_eq!(snap.print_jobs, 0, "{ctx}");
            assert_eq!(snap.scans, 0, "{ctx}");
            assert_eq!((verified, sealed, unlocked), (0, 0, 0), "{ctx}");
            assert!(
                ["document_attached", "print_started", "print_failed"].contains(&last.as_str()),
                "{ctx}: last event {last}"
            );
        }
        "printed" | "verified" | "sealed" => {
            assert!(snap.generation >= 1, "{ctx}");
            assert!(snap.generation <= snap.issued, "{ctx}");
            assert!(snap.pdf.is_some(), "{ctx}: no print job for the generation");
            assert_eq!(
                last_print_generation,
                Some(snap.generation),
                "{ctx}: the last print event is of the current generation"
            );
            match snap.state.as_str() {
                "printed" => {
                    assert!(snap.seen < snap.required, "{ctx}: all seen yet printed");
                    assert_eq!((verified, sealed, unlocked), (0, 0, 0), "{ctx}");
                    assert!(
                        ["printed", "reprinted", "scan"].contains(&last.as_str()),
                        "{ctx}: last event {last}"
                    );
                }
                "verified" => {
                    assert_eq!(
                        snap.seen, snap.required,
                        "{ctx}: verified with sheets unseen"
                    );
                    assert_eq!((verified, sealed, unlocked), (1, 0, 0), "{ctx}");
                    assert!(
                        ["verified", "scan"].contains(&last.as_str()),
                        "{ctx}: last event {last}"
                    );
                }
                _ => {
                    assert_eq!(snap.seen, snap.required, "{ctx}: sealed with sheets unseen");
                    assert_eq!((verified, sealed, unlocked), (1, 1, 1), "{ctx}");
                    assert_eq!(last, "case_unlocked", "{ctx}: last event");
                    let sealed_then_unlocked = look.count(&format!(
                        "SELECT count(*) FROM events s JOIN events u
                            ON u.mailing_id = s.mailing_id AND u.kind = 'case_unlocked'
                         WHERE s.mailing_id = {mailing} AND s.kind = 'sealed' AND u.seq = s.seq + 1"
                    ));
                    assert_eq!(sealed_then_unlocked, 1, "{ctx}: sealed, then unlocked");
                }
            }
        }
        other => panic!("{ctx}: unexpected state {other}"),
    }
}

// ---------------------------------------------------------------------------------------------
// Before or after, never between
// ---------------------------------------------------------------------------------------------

/// print: draft → printed. A print killed after reserving its generation leaves the draft
/// with that generation spent (its codes are stale); the mailing itself is as before.
fn print_transition(before: &Snap, after: &Snap, ending: &Ending, what: &str) {
    assert_eq!(before.state, "draft", "{what}");
    let ctx = format!("{what}: before {before:?}, after {after:?}");
    match after.state.as_str() {
        "draft" => {
            assert!(
                ending.interrupted(),
                "{ctx}: a print that finished left a draft"
            );
            assert_eq!(after.generation, 0, "{ctx}");
            assert_eq!(after.print_jobs, 0, "{ctx}");
            assert!(
                after.issued == before.issued || after.issued == before.issued + 1,
                "{ctx}: at most one generation reserved"
            );
        }
        "printed" => {
            assert_eq!(after.issued, before.issued + 1, "{ctx}");
            assert_eq!(after.generation, after.issued, "{ctx}");
            assert_eq!(after.print_jobs, 1, "{ctx}");
            assert_eq!((after.seen, after.scans), (0, 0), "{ctx}");
            if let Ending::Completed(out) = ending {
                assert_eq!(out["state"], "printed", "{ctx}: {out}");
                assert_eq!(out["generation"].as_i64(), Some(after.generation), "{ctx}");
                assert_eq!(out["pdf"].as_str(), after.pdf.as_deref(), "{ctx}");
                assert_eq!(out["sheets"].as_i64(), Some(after.sheets), "{ctx}");
            }
        }
        other => panic!("{ctx}: a print left the state {other}"),
    }
}

/// scan: printed (seen s) → printed or verified (seen s + 1), or unchanged. Returns whether
/// the scan was recorded.
fn scan_transition(
    look: &mut Look,
    mailing: i64,
    before: &Snap,
    after: &Snap,
    ending: &Ending,
    code: &str,
    what: &str,
) -> bool {
    assert_eq!(before.state, "printed", "{what}");
    let ctx = format!("{what}: before {before:?}, after {after:?}");
    assert_eq!(
        (
            after.generation,
            after.issued,
            after.round,
            after.print_jobs
        ),
        (
            before.generation,
            before.issued,
            before.round,
            before.print_jobs
        ),
        "{ctx}: a scan changes no print"
    );
    let recorded = match after.scans - before.scans {
        0 => {
            assert!(
                ending.interrupted(),
                "{ctx}: a scan that finished was not recorded"
            );
            assert_eq!(after, before, "{ctx}: nothing recorded, yet changed");
            false
        }
        1 => {
            let (stored, verdict) = look
                .row(&format!(
                    "SELECT code, verdict FROM scans WHERE mailing_id = {mailing}
                     ORDER BY id DESC LIMIT 1"
                ))
                .map(|r| (text(&r[0]), text(&r[1])))
                .expect("the recorded scan");
            assert_eq!(stored, code.to_uppercase(), "{ctx}: the scan recorded");
            assert_eq!(verdict, "ok", "{ctx}: the scan recorded");
            assert_eq!(
                after.seen,
                before.seen + 1,
                "{ctx}: a new sheet counted once"
            );
            true
        }
        more => panic!("{ctx}: one scan recorded {more} rows"),
    };
    let expected = if after.seen == after.required {
        "verified"
    } else {
        "printed"
    };
    assert_eq!(after.state, expected, "{ctx}");
    if let Ending::Completed(out) = ending {
        assert_eq!(out["verdict"], "ok", "{ctx}: {out}");
        assert_eq!(out["seen"].as_i64(), Some(after.seen), "{ctx}: {out}");
        assert_eq!(out["state"], expected, "{ctx}: {out}");
    }
    recorded
}

/// seal: verified → sealed.
fn seal_transition(before: &Snap, after: &Snap, ending: &Ending, what: &str) {
    assert_eq!(before.state, "verified", "{what}");
    let ctx = format!("{what}: before {before:?}, after {after:?}");
    match after.state.as_str() {
        "verified" => {
            assert!(
                ending.interrupted(),
                "{ctx}: a seal that finished left the mailing open"
            );
            assert_eq!(after, before, "{ctx}: not sealed, yet changed");
        }
        "sealed" => {
            let unchanged = Snap {
                state: before.state.clone(),
                ..after.clone()
            };
            assert_eq!(&unchanged, before, "{ctx}: sealing changes only the state");
            if let Ending::Completed(out) = ending {
                assert_eq!(out["state"], "sealed", "{ctx}: {out}");
            }
        }
        other => panic!("{ctx}: a seal left the state {other}"),
    }
}

// ---------------------------------------------------------------------------------------------
// Files
// ---------------------------------------------------------------------------------------------

fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// poppler's `pdfinfo` reads the whole file structure (a truncated PDF has no trailer).
fn pdf_is_readable(path: &Path, what: &str) {
    let out = Command::new("pdfinfo")
        .arg(path)
        .output()
        .expect("pdfinfo (poppler-utils) is needed by this test; run scripts/setup-test-deps.sh");
    assert!(
        out.status.success(),
        "{what}: {} is not a complete PDF: {}",
        path.display(),
        common::stderr(&out)
    );
}

// ---------------------------------------------------------------------------------------------
// The demo's plain cases
// ---------------------------------------------------------------------------------------------

fn plain_cases(env: &Env) -> Vec<PlainCase> {
    let user = Some(USERS[0]);
    let list = env.json(user, &["case", "list"], 0);
    let mut found = Vec::new();
    for c in list["cases"].as_array().expect("cases") {
        let number = c["case"].as_str().expect("case").to_owned();
        let show = env.json(user, &["case", "show", &number], 0);
        let Some(applicant) = show["parties"]
            .as_array()
            .expect("parties")
            .iter()
            .find(|p| p["role"] == "applicant" && p["protected"] == false)
        else {
            continue;
        };
        let applicant = applicant["id"].as_i64().expect("party id");
        // Documents about the applicant, up to MAX_PAGES pages, so that every print job is
        // of about the size the print was measured with.
        let mut documents = Vec::new();
        let mut pages = 0;
        for d in show["documents"].as_array().expect("documents") {
            let about_applicant = d["subject"].as_i64() == Some(applicant);
            let present = d["sha256"].as_str().is_some_and(|s| !s.is_empty());
            let more = d["pages"].as_i64().expect("pages");
            if about_applicant && present && pages + more <= MAX_PAGES {
                documents.push(d["id"].as_i64().expect("document id"));
                pages += more;
            }
        }
        if !documents.is_empty() {
            found.push(PlainCase {
                number,
                applicant,
                documents,
            });
        }
    }
    found
}

// ---------------------------------------------------------------------------------------------
// The test
// ---------------------------------------------------------------------------------------------

/// The names in the outbox (empty before the first print).
fn outbox_listing(outbox: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(outbox)
        .map(|entries| {
            entries
                .map(|e| {
                    e.expect("outbox entry")
                        .file_name()
                        .to_string_lossy()
                        .into_owned()
                })
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

/// The demo office moved onto a database of a cluster of this test's own (which it stops
/// and starts), as `Env::demo_on_server` moves it onto the shared one; the outbox named in
/// the desk's config, in the test's folder as on the file. None where no server can start
/// outside CI.
fn office_on_own_server() -> Option<(Env, &'static Cluster)> {
    // The cluster lives as long as the test process; its watchdog removes it afterwards.
    let pg: &'static Cluster = Box::leak(Box::new(Cluster::own()?));
    let mut env = Env::demo();
    let name = pg.database("crash");
    let to = pg.url(&name, "postgres");
    let out = env.run(None, &["migrate", "--to", &to]);
    common::expect_code(&out, &["migrate", "--to", &to], 0);
    std::fs::remove_file(&env.db).expect("remove the file");
    env.server = Some(ServerDb { pg, name });
    let outbox = env
        .dir
        .path()
        .canonicalize()
        .expect("canonical temp folder")
        .join("outbox");
    std::fs::write(
        &env.config,
        format!("outbox = {:?}\n", outbox.to_string_lossy()),
    )
    .expect("config");
    Some((env, pg))
}

/// The same test on the demo file and on the demo office on a server.
mod sigkill_during_print_scan_and_seal_leaves_a_mailing_before_or_after_and_resumable {
    #[test]
    fn sqlite() {
        super::crash_test(super::Crash::new(super::Env::demo(), None));
    }

    /// With the server, too, stopped under some of the runs and started again.
    #[test]
    fn postgres() {
        if let Some((env, pg)) = super::office_on_own_server() {
            super::crash_test(super::Crash::new(env, Some(pg)));
        }
    }
}

fn crash_test(mut crash: Crash) {
    let started = Instant::now();
    let cases = plain_cases(&crash.env);
    assert!(cases.len() >= 3, "the demo has plain cases: {cases:?}");

    for i in 0..MEASURING_MAILINGS {
        crash.measure(USERS[i % USERS.len()], &cases[i % cases.len()]);
    }

    let mut cycles = 0;
    while !crash.enough() && cycles < MAX_CYCLES {
        let user = USERS[cycles % USERS.len()];
        let case = cases[(MEASURING_MAILINGS + cycles) % cases.len()].clone();
        crash.cycle(cycles + 1, user, &case);
        cycles += 1;
    }

    // The whole database at the end: every referenced print job complete, the chain whole.
    let mut look = crash.look();
    crash.print_jobs_are_complete(&mut look, None, true, "at the end");
    let sealed = look.count("SELECT count(*) FROM mailings WHERE state = 'sealed'");
    let referenced = look.count("SELECT count(*) FROM print_jobs") as usize;
    drop(look);
    crash.outbox_holds_only_complete_jobs("at the end");
    let audit = crash.env.json(Some(USERS[0]), &["audit", "verify"], 0);
    assert_eq!(audit["ok"], true, "at the end: {audit}");

    let attempts: usize = crash.tally.iter().map(|t| t.attempts).sum();
    let completed: usize = crash.tally.iter().map(|t| t.completed).sum();
    eprintln!(
        "crash test on {:?}: seed {:#x}, {cycles} mailings sealed through kills ({sealed} sealed in all), \
         {attempts} interrupted runs, {} checks, {:.1} s",
        crash.env.backend(),
        crash.seed,
        crash.checks,
        started.elapsed().as_secs_f64()
    );
    for op in Op::ALL {
        let t = crash.tally[op.index()];
        let server = if crash.cluster.is_some() {
            format!(
                "; server stopped under {} ({} cut off mid-way, {} of them after the commit)",
                t.server_stops, t.cut, t.cut_after_commit
            )
        } else {
            String::new()
        };
        eprintln!(
            "  {:<5} typical {:>4} ms: {:>3} runs, {:>3} killed mid-way ({} after the commit), \
             {:>3} finished before the kill{server}",
            op.name(),
            crash.typical_overall(op).as_millis(),
            t.attempts,
            t.killed,
            t.killed_after_commit,
            t.completed,
        );
    }
    eprintln!(
        "  total: {} killed mid-way, {completed} finished before the kill; outbox: {} complete \
         print jobs ({} of them unreferenced: killed between rename and record), {} temp files \
         (none referenced)",
        crash.kills(),
        crash.complete_files.len(),
        crash.complete_files.len().saturating_sub(referenced),
        crash.temp_files.len()
    );

    let Targets {
        required_each,
        required_total,
        ..
    } = crash.targets;
    for op in Op::ALL {
        let t = crash.tally[op.index()];
        assert!(
            t.killed >= required_each,
            "{} was killed mid-way only {} times (need {required_each})",
            op.name(),
            t.killed
        );
        if crash.cluster.is_some() {
            assert!(
                t.server_stops >= REQUIRED_SERVER_STOPS_EACH,
                "the server was stopped under {} only {} times (need {REQUIRED_SERVER_STOPS_EACH})",
                op.name(),
                t.server_stops
            );
        }
    }
    assert!(
        crash.kills() >= required_total,
        "only {} kills in all (need {required_total})",
        crash.kills()
    );
}
