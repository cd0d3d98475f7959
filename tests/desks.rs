//! Many desks, one database (issue 6 item 1, issue 15): several processes of the real
//! binary, each its own caseworker, compete for a few shared cases for a while, and the
//! database's rules hold at every sampled moment and afterwards. And "database busy" past the
//! timeout is exit 3 with a clear message that changed nothing.
//!
//! The same bodies run on both backends (`on_both!`): on the SQLite demo file, where busy is
//! SQLite's busy timeout, and on the demo office moved onto a PostgreSQL server, where each
//! desk is its own login, there are twice as many desks (a server serves many offices), busy
//! is the server's `lock_timeout` on the chain's head row, and the sampler reads the server
//! as its owner.

mod common;

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Output;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread;
use std::time::{Duration, Instant};

use common::{Backend, Env, printed_codes};
use kuvert::i18n::{Lang, database_busy};
use rusqlite::{Connection, OpenFlags};
use serde_json::Value;

/// How long the desks compete (wall clock).
const RUN: Duration = Duration::from_secs(30);
/// Desks, each a caseworker running the real binary in a loop: on one host's SQLite file,
/// and on a server, which many offices share.
const FILE_DESKS: usize = 8;
const SERVER_DESKS: usize = 16;
/// Shared cases the desks compete for: one for every two desks, so they collide.
const DESKS_PER_CASE: usize = 2;
/// One contest at a time in this test binary: the file's and the server's would otherwise
/// share the machine's cores, and each is to be a contest of its desks, not of the two runs.
static CONTEST: Mutex<()> = Mutex::new(());
/// The last desks give up on a busy database almost at once (`KUVERT_BUSY_TIMEOUT_MS`: the
/// busy timeout on SQLite, `lock_timeout` on a server), so that "database busy" really
/// happens during the run; the others wait the default 10 s.
const IMPATIENT_DESKS: usize = 2;
const IMPATIENT_TIMEOUT_MS: u64 = 5;
/// Sealed mailings a contest must reach: one per desk on the file. On a server each command
/// costs about three times as much on this machine (a server session per command), so 16
/// desks seal about as many in the same time as 8 do on the file; the contest there is in
/// the collisions, not in the count.
const MIN_SEALED: u64 = 8;
/// How often the sampler looks at the database.
const SAMPLE_EVERY: Duration = Duration::from_millis(200);

const LEAD: Option<&str> = Some("teamledare1");
const OPEN: &str = "('draft', 'printed', 'verified')";
/// The desks' accounts (`desk01`, ...), and no demo user's, in SQL both backends read alike.
const DESK_ACCOUNT: &str = "account LIKE 'desk__'";

/// A case of team A the desks compete for: its applicant (not protected) and a document
/// about the applicant.
#[derive(Debug, Clone)]
struct SharedCase {
    number: String,
    party: i64,
    document: i64,
}

/// Cases of team A whose applicant is not protected and has a document about them (the one
/// with the fewest pages, so a stack is quick to scan).
fn plain_cases(env: &Env, user: Option<&str>, wanted: usize) -> Vec<SharedCase> {
    let list = env.json(user, &["case", "list"], 0);
    let mut found = Vec::new();
    for c in list["cases"].as_array().expect("case list has cases") {
        let number = c["case"].as_str().expect("case number").to_owned();
        let show = env.json(user, &["case", "show", &number], 0);
        let Some(applicant) = show["parties"]
            .as_array()
            .expect("case has parties")
            .iter()
            .find(|p| p["role"] == "applicant" && p["protected"] == false)
        else {
            continue;
        };
        let party = applicant["id"].as_i64().expect("party id");
        let document = show["documents"]
            .as_array()
            .expect("case has documents")
            .iter()
            .filter(|d| d["subject"].as_i64() == Some(party))
            .min_by_key(|d| d["pages"].as_i64().unwrap_or(i64::MAX));
        if let Some(d) = document {
            found.push(SharedCase {
                number,
                party,
                document: d["id"].as_i64().expect("document id"),
            });
            if found.len() == wanted {
                return found;
            }
        }
    }
    panic!("the demo has only {} plain cases in team A", found.len());
}

/// Runs `kuvert ARGS` as `user` like `Env::run` (KUVERT_USER on the file, the login on a
/// server), optionally with `KUVERT_BUSY_TIMEOUT_MS`.
fn run_as(env: &Env, user: &str, busy_timeout_ms: Option<u64>, args: &[&str]) -> Output {
    let mut cmd = env.command(Some(user), args);
    cmd.env_remove("KUVERT_BUSY_TIMEOUT_MS");
    if let Some(ms) = busy_timeout_ms {
        cmd.env("KUVERT_BUSY_TIMEOUT_MS", ms.to_string());
    }
    cmd.output().expect("run kuvert")
}

/// A tiny deterministic PRNG (xorshift64), one per desk.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Self {
        Self(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }

    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn one_in(&mut self, n: u64) -> bool {
        self.next().is_multiple_of(n)
    }
}

/// What a desk did, summed over desks at the end.
#[derive(Debug, Default)]
struct Tally {
    commands: u64,
    by_exit: BTreeMap<i32, u64>,
    cycles: u64,
    started: u64,
    sealed: u64,
    voided: u64,
    foreign: u64,
    stale: u64,
    duplicates: u64,
    case_locked: u64,
    busy: u64,
    /// Exits 3 by the command that gave up ("mail print", ...).
    busy_in: BTreeMap<String, u64>,
    failures: Vec<String>,
}

impl Tally {
    fn add(&mut self, other: Tally) {
        self.commands += other.commands;
        for (code, n) in other.by_exit {
            *self.by_exit.entry(code).or_default() += n;
        }
        self.cycles += other.cycles;
        self.started += other.started;
        self.sealed += other.sealed;
        self.voided += other.voided;
        self.foreign += other.foreign;
        self.stale += other.stale;
        self.duplicates += other.duplicates;
        self.case_locked += other.case_locked;
        self.busy += other.busy;
        for (command, n) in other.busy_in {
            *self.busy_in.entry(command).or_default() += n;
        }
        self.failures.extend(other.failures);
    }
}

/// Why a desk's cycle stopped early.
#[derive(Debug)]
enum Stop {
    /// Exit 3 with the database-busy message, from the command described.
    Busy(String),
    /// A failure, already recorded in the tally.
    Failed,
}

/// One command's result.
struct Outcome {
    code: i32,
    json: Value,
    stderr: String,
}

/// The desk's open mailing as the desk last saw it.
#[derive(Debug, Clone)]
struct OpenMailing {
    mailing: i64,
    state: &'static str,
    generation: u64,
    seen: u64,
}

/// A print a desk made, where other desks can pick up a sheet of it by mistake.
#[derive(Debug, Clone)]
struct Posted {
    case: String,
    codes: Vec<String>,
}

struct Desk<'a> {
    index: usize,
    account: String,
    busy_timeout_ms: Option<u64>,
    env: &'a Env,
    cases: &'a [SharedCase],
    board: &'a Mutex<Vec<Option<Posted>>>,
    rng: Rng,
    open: Option<OpenMailing>,
    tally: Tally,
}

impl Desk<'_> {
    /// Works mailings until the deadline; returns what happened.
    fn work(mut self, deadline: Instant) -> Tally {
        while Instant::now() < deadline {
            self.tally.cycles += 1;
            let result = match self.cycle() {
                Err(Stop::Busy(what)) => self.after_busy(&what),
                other => other,
            };
            if result.is_err() {
                // The failure is recorded; a desk in an unknown state stops.
                break;
            }
        }
        self.tally
    }

    /// Records a failure and stops the desk.
    fn fail(&mut self, what: String) -> Stop {
        self.tally
            .failures
            .push(format!("{} (desk {}): {what}", self.account, self.index));
        Stop::Failed
    }

    fn ensure(&mut self, ok: bool, what: impl FnOnce() -> String) -> Result<(), Stop> {
        if ok { Ok(()) } else { Err(self.fail(what())) }
    }

    /// Runs one command with the desk's own busy timeout.
    fn cmd(&mut self, args: &[&str], expected: &[i32]) -> Result<Outcome, Stop> {
        self.cmd_with(self.busy_timeout_ms, args, expected)
    }

    /// Runs `kuvert --lang en --json ARGS` and checks what every command must satisfy: an
    /// exit code of the contract, no panic, exit 3 only with the database-busy message.
    fn cmd_with(
        &mut self,
        busy_timeout_ms: Option<u64>,
        args: &[&str],
        expected: &[i32],
    ) -> Result<Outcome, Stop> {
        let mut all = vec!["--lang", "en", "--json"];
        all.extend_from_slice(args);
        let out = run_as(self.env, &self.account, busy_timeout_ms, &all);
        self.tally.commands += 1;
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
        let Some(code) = out.status.code() else {
            return Err(self.fail(format!(
                "kuvert {args:?} was killed ({}); stderr: {stderr}",
                out.status
            )));
        };
        *self.tally.by_exit.entry(code).or_default() += 1;
        if code == 101 || stderr.contains("panicked") {
            return Err(self.fail(format!(
                "kuvert {args:?} panicked (exit {code}); stderr: {stderr}"
            )));
        }
        if !(0..=3).contains(&code) {
            return Err(self.fail(format!(
                "kuvert {args:?}: exit {code} is not in the contract; stdout: {stdout} stderr: {stderr}"
            )));
        }
        if code == 3 {
            if stderr.contains(database_busy(Lang::En)) {
                self.tally.busy += 1;
                let command = args.iter().take(2).copied().collect::<Vec<_>>().join(" ");
                *self.tally.busy_in.entry(command).or_default() += 1;
                return Err(Stop::Busy(args.join(" ")));
            }
            return Err(self.fail(format!(
                "kuvert {args:?}: exit 3 without the database-busy message; stdout: {stdout} stderr: {stderr}"
            )));
        }
        if !expected.contains(&code) {
            return Err(self.fail(format!(
                "kuvert {args:?}: exit {code}, expected one of {expected:?}; stdout: {stdout} stderr: {stderr}"
            )));
        }
        let json = if stdout.trim().is_empty() {
            Value::Null
        } else {
            match serde_json::from_str(&stdout) {
                Ok(v) => v,
                Err(e) => {
                    return Err(
                        self.fail(format!("kuvert {args:?} printed no JSON ({e}): {stdout}"))
                    );
                }
            }
        };
        Ok(Outcome { code, json, stderr })
    }

    fn mailing(&self) -> i64 {
        self.open.as_ref().map_or(0, |o| o.mailing)
    }

    /// One mailing, from start to sealed (or voided), with the mistakes desks make.
    fn cycle(&mut self) -> Result<(), Stop> {
        let case = self.cases[self.rng.below(self.cases.len())].clone();
        let party = case.party.to_string();
        let start = self.cmd(&["mail", "start", &case.number, "--to", &party], &[0, 1])?;
        if start.code == 1 {
            // Another desk holds the case: the one refusal a desk with nothing open expects.
            self.ensure(start.stderr.contains("Case locked"), || {
                format!(
                    "mail start {} refused for another reason: {}",
                    case.number, start.stderr
                )
            })?;
            self.tally.case_locked += 1;
            thread::sleep(Duration::from_millis(self.rng.below(30) as u64));
            return Ok(());
        }
        let mailing = start.json["mailing"].as_i64();
        self.ensure(
            mailing.is_some()
                && start.json["state"] == "draft"
                && start.json["case"] == case.number.as_str(),
            || format!("mail start {}: {}", case.number, start.json),
        )?;
        let mailing = mailing.unwrap_or_default();
        self.tally.started += 1;
        self.open = Some(OpenMailing {
            mailing,
            state: "draft",
            generation: 0,
            seen: 0,
        });

        let attach = self.cmd(&["mail", "attach", &case.document.to_string()], &[0])?;
        self.ensure(
            attach.json["mailing"].as_i64() == Some(mailing)
                && attach.json["enclosures"].as_array().map(Vec::len) == Some(1),
            || format!("mail attach {}: {}", case.document, attach.json),
        )?;
        if self.rng.one_in(12) {
            return self.void("fel handling");
        }

        let mut codes = self.print(None)?;
        self.post(&case.number, &codes);
        // Each desk makes each mistake at least once, then now and then.
        if self.tally.stale == 0 || self.rng.one_in(8) {
            // A paper jam: one sheet scanned, a reprint, then an old sheet turns up.
            self.scan_ok(&codes[0])?;
            let old = std::mem::take(&mut codes);
            codes = self.print(Some("pappersstopp"))?;
            self.post(&case.number, &codes);
            let mixed = old.iter().any(|c| codes.contains(c));
            self.ensure(!mixed, || {
                format!("a reprint reused codes: {old:?} / {codes:?}")
            })?;
            let stale_code = &old[old.len() - 1];
            let stale = self.cmd(&["mail", "scan", stale_code, "--scanner"], &[1])?;
            self.ensure(
                stale.json["verdict"] == "stale"
                    && stale.json["seen"] == 0
                    && stale.json["state"] == "printed",
                || format!("scan of a sheet of the earlier print: {}", stale.json),
            )?;
            self.tally.stale += 1;
            self.set_seen(0, "printed");
        }
        if self.tally.foreign == 0 || self.rng.one_in(5) {
            // A sheet of another desk's print slips into the stack: a hard stop.
            let before = self.rng.below(codes.len());
            for code in &codes[..before] {
                self.scan_ok(code)?;
            }
            if let Some(foreign) = self.foreign_sheet() {
                let code = &foreign.codes[self.rng.below(foreign.codes.len())];
                let out = self.cmd(&["mail", "scan", code, "--scanner"], &[1])?;
                self.ensure(
                    out.json["verdict"] == "foreign"
                        && out.json["other_case"] == foreign.case.as_str()
                        && out.json["seen"] == 0
                        && out.json["state"] == "printed",
                    || {
                        format!(
                            "scan of a sheet of {} (mailing {mailing}): {}",
                            foreign.case, out.json
                        )
                    },
                )?;
                self.tally.foreign += 1;
                self.set_seen(0, "printed");
            }
        }
        if (self.tally.sealed > 0 && self.tally.voided == 0) || self.rng.one_in(10) {
            return self.void("mottagaren har flyttat");
        }
        for code in &codes {
            self.scan_ok(code)?;
        }
        let verified = self.open.as_ref().map(|o| o.state);
        self.ensure(verified == Some("verified"), || {
            format!("mailing {mailing}: every sheet scanned, yet {verified:?}")
        })?;
        if self.rng.one_in(6) {
            let code = &codes[self.rng.below(codes.len())];
            let again = self.cmd(&["mail", "scan", code, "--scanner"], &[0])?;
            self.ensure(
                again.json["verdict"] == "duplicate" && again.json["state"] == "verified",
                || format!("second scan of {code}: {}", again.json),
            )?;
            self.tally.duplicates += 1;
        }
        let sealed = self.cmd(&["mail", "seal"], &[0])?;
        self.ensure(
            sealed.json["state"] == "sealed" && sealed.json["mailing"].as_i64() == Some(mailing),
            || format!("mail seal of mailing {mailing}: {}", sealed.json),
        )?;
        self.tally.sealed += 1;
        self.open = None;
        Ok(())
    }

    /// Prints (or reprints) the open mailing; returns the codes read from the PDF.
    fn print(&mut self, reason: Option<&str>) -> Result<Vec<String>, Stop> {
        let mut args = vec!["mail", "print"];
        if let Some(r) = reason {
            args.extend(["--reason", r]);
        }
        let out = self.cmd(&args, &[0])?;
        let mailing = self.mailing();
        let previous = self.open.as_ref().map_or(0, |o| o.generation);
        let generation = out.json["generation"].as_u64().unwrap_or_default();
        let sheets = out.json["sheets"].as_u64().unwrap_or_default() as usize;
        let pdf = out.json["pdf"].as_str().unwrap_or_default().to_owned();
        self.ensure(
            out.json["state"] == "printed"
                && out.json["mailing"].as_i64() == Some(mailing)
                && generation > previous
                && sheets >= 2
                && Path::new(&pdf).is_file(),
            || format!("mail print of mailing {mailing}: {}", out.json),
        )?;
        let codes = printed_codes(Path::new(&pdf));
        self.ensure(codes.len() == sheets, || {
            format!("{pdf}: {sheets} sheets but codes {codes:?}")
        })?;
        if let Some(o) = &mut self.open {
            o.state = "printed";
            o.generation = generation;
            o.seen = 0;
        }
        Ok(codes)
    }

    /// Scans a sheet of the current print: ok, one more seen.
    fn scan_ok(&mut self, code: &str) -> Result<(), Stop> {
        let out = self.cmd(&["mail", "scan", code, "--scanner"], &[0])?;
        let before = self.open.as_ref().map_or(0, |o| o.seen);
        let seen = out.json["seen"].as_u64();
        let sheets = out.json["sheets"].as_u64();
        let state = out.json["state"].as_str().unwrap_or_default();
        let mailing = self.mailing();
        self.ensure(
            out.json["verdict"] == "ok"
                && seen == Some(before + 1)
                && out.json["required"].as_u64() == sheets
                && state
                    == if seen == sheets {
                        "verified"
                    } else {
                        "printed"
                    },
            || {
                format!(
                    "scan of {code} (mailing {mailing}, {before} seen): {}",
                    out.json
                )
            },
        )?;
        let state = if state == "verified" {
            "verified"
        } else {
            "printed"
        };
        self.set_seen(before + 1, state);
        Ok(())
    }

    fn set_seen(&mut self, seen: u64, state: &'static str) {
        if let Some(o) = &mut self.open {
            o.seen = seen;
            o.state = state;
        }
    }

    /// Voids the open mailing.
    fn void(&mut self, reason: &str) -> Result<(), Stop> {
        let mailing = self.mailing();
        let out = self.cmd(&["mail", "void", "--reason", reason], &[0])?;
        self.voided(mailing, &out)
    }

    fn voided(&mut self, mailing: i64, out: &Outcome) -> Result<(), Stop> {
        self.ensure(
            out.json["state"] == "voided" && out.json["mailing"].as_i64() == Some(mailing),
            || format!("mail void of mailing {mailing}: {}", out.json),
        )?;
        self.tally.voided += 1;
        self.open = None;
        Ok(())
    }

    /// Publishes this desk's newest print for the others to mix up.
    fn post(&self, case: &str, codes: &[String]) {
        let mut board = self.board.lock().expect("board lock");
        board[self.index] = Some(Posted {
            case: case.to_owned(),
            codes: codes.to_vec(),
        });
    }

    /// The newest print of another desk, if any desk printed yet.
    fn foreign_sheet(&mut self) -> Option<Posted> {
        let board = self.board.lock().expect("board lock").clone();
        let others: Vec<Posted> = board
            .into_iter()
            .enumerate()
            .filter(|(i, _)| *i != self.index)
            .filter_map(|(_, p)| p)
            .collect();
        (!others.is_empty()).then(|| others[self.rng.below(others.len())].clone())
    }

    /// A command gave up on a busy database: it must have changed nothing. Checks the open
    /// mailing is exactly as before the command, then voids it and starts over.
    fn after_busy(&mut self, what: &str) -> Result<(), Stop> {
        let status = self.patiently(&["mail", "status"], &[0])?;
        let json = &status.json;
        let unchanged = match &self.open {
            None => json["mailing"].is_null(),
            Some(o) => {
                json["mailing"].as_i64() == Some(o.mailing)
                    && json["state"] == o.state
                    && json["generation"].as_u64() == Some(o.generation)
                    && json["seen"].as_u64() == Some(o.seen)
            }
        };
        let open = self.open.clone();
        self.ensure(unchanged, || {
            format!(
                "half-done operation: `kuvert {what}` ended with exit 3 (database busy), \
                 but the open mailing is now {json} instead of {open:?}"
            )
        })?;
        if let Some(o) = open {
            let out = self.patiently(
                &["mail", "void", "--reason", "databasen var upptagen"],
                &[0],
            )?;
            self.voided(o.mailing, &out)?;
        }
        Ok(())
    }

    /// A command with the default busy timeout, tried again a few times if still busy: how
    /// a caseworker recovers after "database busy".
    fn patiently(&mut self, args: &[&str], expected: &[i32]) -> Result<Outcome, Stop> {
        for _ in 0..3 {
            match self.cmd_with(None, args, expected) {
                Err(Stop::Busy(_)) => thread::sleep(Duration::from_millis(100)),
                other => return other,
            }
        }
        Err(self.fail(format!(
            "kuvert {args:?}: database busy three times with the default timeout"
        )))
    }
}

/// The rows that break each rule of a consistent database, in one read transaction.
fn invariant_violations(owner: &mut Owner) -> Vec<String> {
    let rules: [(&str, String); 11] = [
        (
            "two locks on one case",
            "SELECT case_id, count(*) AS locks FROM case_locks GROUP BY case_id HAVING count(*) > 1"
                .to_owned(),
        ),
        (
            "two open mailings on one case",
            format!(
                "SELECT case_id, count(*) AS open FROM mailings WHERE state IN {OPEN}
                 GROUP BY case_id HAVING count(*) > 1"
            ),
        ),
        (
            "two open mailings for one user",
            format!(
                "SELECT account, count(*) AS open FROM mailings WHERE state IN {OPEN}
                 GROUP BY account HAVING count(*) > 1"
            ),
        ),
        (
            "a lock not held by an open mailing of its case and user",
            format!(
                "SELECT l.case_id, l.mailing_id, l.account, m.state, m.case_id AS mailing_case,
                        m.account AS mailing_account
                 FROM case_locks l LEFT JOIN mailings m ON m.id = l.mailing_id
                 WHERE m.id IS NULL OR m.state NOT IN {OPEN} OR m.case_id <> l.case_id
                    OR m.account <> l.account"
            ),
        ),
        (
            "an open mailing without the lock on its case",
            format!(
                "SELECT m.id, m.case_id, m.account, m.state FROM mailings m
                 WHERE m.state IN {OPEN}
                   AND NOT EXISTS (SELECT 1 FROM case_locks l
                                   WHERE l.mailing_id = m.id AND l.case_id = m.case_id)"
            ),
        ),
        (
            "a printed, verified or sealed mailing without the print job of its generation",
            "SELECT m.id, m.state, m.generation FROM mailings m
             WHERE m.state IN ('printed', 'verified', 'sealed')
               AND NOT EXISTS (SELECT 1 FROM print_jobs p
                               WHERE p.mailing_id = m.id AND p.generation = m.generation)"
                .to_owned(),
        ),
        (
            "a verified or sealed mailing whose current print is not fully scanned in its last round",
            "SELECT * FROM (
               SELECT m.id, m.state, m.generation, m.round,
                 (SELECT count(*) FROM sheets h WHERE h.mailing_id = m.id
                    AND h.generation = m.generation AND h.required = 1) AS required,
                 (SELECT count(DISTINCT s.sheet) FROM scans s
                    JOIN sheets h ON h.mailing_id = s.mailing_id AND h.generation = s.generation
                                 AND h.sheet = s.sheet
                    WHERE s.mailing_id = m.id AND s.round = m.round
                      AND s.generation = m.generation AND s.verdict = 'ok'
                      AND h.required = 1) AS seen,
                 (SELECT count(*) FROM scans s WHERE s.mailing_id = m.id AND s.round = m.round
                    AND s.verdict NOT IN ('ok', 'duplicate')) AS deviations
               FROM mailings m WHERE m.state IN ('verified', 'sealed')) AS m
             WHERE required = 0 OR seen <> required OR deviations > 0"
                .to_owned(),
        ),
        (
            "a printed mailing whose sheets are all scanned",
            "SELECT * FROM (
               SELECT m.id, m.generation, m.round,
                 (SELECT count(*) FROM sheets h WHERE h.mailing_id = m.id
                    AND h.generation = m.generation AND h.required = 1) AS required,
                 (SELECT count(DISTINCT s.sheet) FROM scans s
                    JOIN sheets h ON h.mailing_id = s.mailing_id AND h.generation = s.generation
                                 AND h.sheet = s.sheet
                    WHERE s.mailing_id = m.id AND s.round = m.round
                      AND s.generation = m.generation AND s.verdict = 'ok'
                      AND h.required = 1) AS seen
               FROM mailings m WHERE m.state = 'printed') AS m
             WHERE seen >= required"
                .to_owned(),
        ),
        (
            "a sealed mailing whose log does not show it verified after its last print or \
             deviation and before it was sealed",
            "SELECT * FROM (
               SELECT m.id,
                 (SELECT max(seq) FROM events e WHERE e.mailing_id = m.id
                    AND e.kind = 'verified') AS verified,
                 (SELECT max(seq) FROM events e WHERE e.mailing_id = m.id
                    AND e.kind IN ('printed', 'reprinted', 'deviation')) AS last_print_or_deviation,
                 (SELECT min(seq) FROM events e WHERE e.mailing_id = m.id
                    AND e.kind = 'sealed') AS sealed
               FROM mailings m WHERE m.state = 'sealed') AS m
             WHERE verified IS NULL OR last_print_or_deviation IS NULL OR sealed IS NULL
                OR NOT (last_print_or_deviation < verified AND verified < sealed)"
                .to_owned(),
        ),
        (
            "a mailing whose state and its sealed/voided events disagree",
            "SELECT * FROM (
               SELECT m.id, m.state,
                 (SELECT count(*) FROM events e WHERE e.mailing_id = m.id
                    AND e.kind = 'sealed') AS sealed_events,
                 (SELECT count(*) FROM events e WHERE e.mailing_id = m.id
                    AND e.kind = 'voided') AS voided_events
               FROM mailings m) AS m
             WHERE sealed_events <> CASE WHEN state = 'sealed' THEN 1 ELSE 0 END
                OR voided_events <> CASE WHEN state = 'voided' THEN 1 ELSE 0 END"
                .to_owned(),
        ),
        (
            "a mailing whose state and closing time disagree",
            format!(
                "SELECT m.id, m.state, m.closed FROM mailings m
                 WHERE (m.state IN {OPEN}) = (m.closed IS NOT NULL)"
            ),
        ),
    ];
    if let Err(e) = owner.begin_snapshot() {
        return vec![format!("cannot begin a read transaction: {e}")];
    }
    let mut problems = Vec::new();
    for (rule, sql) in &rules {
        match owner.rows(sql) {
            Ok(rows) if rows.is_empty() => {}
            Ok(rows) => problems.push(format!("{rule}: {}", rows.join("; "))),
            Err(e) => problems.push(format!("{rule}: the check failed: {e}")),
        }
    }
    if let Err(e) = owner.end_snapshot() {
        problems.push(format!("cannot end the read transaction: {e}"));
    }
    problems
}

/// A look underneath kuvert: the demo file opened read-only, or the server as the
/// database's owner (who row-level security does not hide anything from).
enum Owner {
    File(Connection),
    Server(postgres::Client),
}

impl Owner {
    fn open(env: &Env) -> Self {
        match &env.server {
            None => {
                let conn = Connection::open_with_flags(&env.db, OpenFlags::SQLITE_OPEN_READ_ONLY)
                    .expect("open the database read-only");
                conn.busy_timeout(Duration::from_secs(10))
                    .expect("set a busy timeout");
                Owner::File(conn)
            }
            Some(server) => Owner::Server(
                postgres::Client::connect(&server.url("postgres"), postgres::NoTls)
                    .expect("connect to the server as its owner"),
            ),
        }
    }

    /// One consistent snapshot for the statements up to `end_snapshot`.
    fn begin_snapshot(&mut self) -> Result<(), String> {
        match self {
            Owner::File(c) => c.execute_batch("BEGIN").map_err(|e| e.to_string()),
            Owner::Server(c) => c
                .batch_execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
                .map_err(|e| e.to_string()),
        }
    }

    fn end_snapshot(&mut self) -> Result<(), String> {
        match self {
            Owner::File(c) => c.execute_batch("COMMIT").map_err(|e| e.to_string()),
            Owner::Server(c) => c.batch_execute("COMMIT").map_err(|e| e.to_string()),
        }
    }

    /// The rows a query returns, each as `column=value ...`.
    fn rows(&mut self, sql: &str) -> Result<Vec<String>, String> {
        match self {
            Owner::File(c) => offending_rows(c, sql).map_err(|e| e.to_string()),
            Owner::Server(c) => {
                let mut rows = Vec::new();
                for message in c.simple_query(sql).map_err(|e| e.to_string())? {
                    if let postgres::SimpleQueryMessage::Row(row) = message {
                        let parts: Vec<String> = row
                            .columns()
                            .iter()
                            .enumerate()
                            .map(|(i, col)| format!("{}={:?}", col.name(), row.get(i)))
                            .collect();
                        rows.push(parts.join(" "));
                    }
                }
                Ok(rows)
            }
        }
    }

    /// The one number a `SELECT count(*) ...` gives.
    fn count(&mut self, sql: &str) -> i64 {
        match self {
            Owner::File(c) => c
                .query_row(sql, [], |r| r.get(0))
                .unwrap_or_else(|e| panic!("{sql}: {e}")),
            Owner::Server(c) => c
                .query_one(sql, &[])
                .and_then(|r| r.try_get(0))
                .unwrap_or_else(|e| panic!("{sql}: {e}")),
        }
    }
}

/// The rows a query returns, each as `column=value ...`.
fn offending_rows(conn: &Connection, sql: &str) -> rusqlite::Result<Vec<String>> {
    let mut stmt = conn.prepare(sql)?;
    let names: Vec<String> = stmt.column_names().iter().map(|n| n.to_string()).collect();
    let rows = stmt.query_map([], |row| {
        let mut parts = Vec::with_capacity(names.len());
        for (i, name) in names.iter().enumerate() {
            let value: rusqlite::types::Value = row.get(i)?;
            parts.push(format!("{name}={value:?}"));
        }
        Ok(parts.join(" "))
    })?;
    rows.collect()
}

/// Samples the invariants every `SAMPLE_EVERY` until `stop`; returns (samples, problems).
fn sample(env: &Env, stop: &AtomicBool) -> (u64, Vec<String>) {
    let mut owner = Owner::open(env);
    let mut samples = 0;
    let mut problems = Vec::new();
    loop {
        let done = stop.load(Ordering::SeqCst);
        samples += 1;
        for p in invariant_violations(&mut owner) {
            problems.push(format!("sample {samples}: {p}"));
        }
        if done {
            return (samples, problems);
        }
        thread::sleep(SAMPLE_EVERY);
    }
}

/// Registers `account` as a caseworker of team A, by the team's lead. On a server the
/// account is a login, which IT makes (roles belong to the whole cluster, so it may exist
/// from an earlier run) and the lead's `user add` grants kuvert_caseworker to.
fn register_desk(env: &Env, account: &str, name: &str) {
    if let Some(server) = &env.server {
        server.pg.ensure_login(account);
    }
    env.fails(
        LEAD,
        &[
            "user",
            "add",
            account,
            "--name",
            name,
            "--role",
            "caseworker",
            "--team",
            "A",
        ],
        0,
    );
}

on_both!(many_desks_compete_for_a_few_cases_and_every_rule_holds);

fn many_desks_compete_for_a_few_cases_and_every_rule_holds(env: &Env) {
    let desks = match env.backend() {
        Backend::Sqlite => FILE_DESKS,
        Backend::Postgres => SERVER_DESKS,
    };
    let accounts: Vec<String> = (1..=desks).map(|i| format!("desk{i:02}")).collect();
    for (i, account) in accounts.iter().enumerate() {
        register_desk(env, account, &format!("Handläggare Skrivbord {}", i + 1));
    }
    let shared_cases = desks / DESKS_PER_CASE;
    let cases = plain_cases(env, Some(&accounts[0]), shared_cases);
    let board = Mutex::new(vec![None; desks]);
    let stop = AtomicBool::new(false);
    // The other contest may have failed: its lock is free all the same.
    let _contest = CONTEST.lock().unwrap_or_else(|e| e.into_inner());
    let began = Instant::now();
    let deadline = began + RUN;

    let (tally, (samples, mut problems)) = thread::scope(|scope| {
        let sampler = scope.spawn(|| sample(env, &stop));
        let running: Vec<_> = accounts
            .iter()
            .enumerate()
            .map(|(index, account)| {
                let desk = Desk {
                    index,
                    account: account.clone(),
                    busy_timeout_ms: (index >= desks - IMPATIENT_DESKS)
                        .then_some(IMPATIENT_TIMEOUT_MS),
                    env,
                    cases: &cases,
                    board: &board,
                    rng: Rng::new(index as u64 + 1),
                    open: None,
                    tally: Tally::default(),
                };
                scope.spawn(move || desk.work(deadline))
            })
            .collect();
        let mut tally = Tally::default();
        for desk in running {
            tally.add(desk.join().expect("a desk thread panicked"));
        }
        stop.store(true, Ordering::SeqCst);
        (tally, sampler.join().expect("the sampler panicked"))
    });
    let elapsed = began.elapsed();

    // Afterwards: the log's chain, the file (a server keeps its own pages and enforces its
    // foreign keys in every transaction), the rules, and what the desks were told.
    let audit = env.json(LEAD, &["audit", "verify"], 0);
    let mut owner = Owner::open(env);
    let (integrity, foreign_keys) = match &owner {
        Owner::File(conn) => (
            conn.query_row("PRAGMA integrity_check", [], |r| r.get(0))
                .expect("integrity_check"),
            offending_rows(conn, "PRAGMA foreign_key_check").expect("fk check"),
        ),
        Owner::Server(_) => ("ok".to_owned(), Vec::new()),
    };
    for p in invariant_violations(&mut owner) {
        problems.push(format!("after the run: {p}"));
    }
    let mut desk_count =
        |what: &str| owner.count(&format!("SELECT count(*) FROM {what} AND {DESK_ACCOUNT}"));
    let db_started = desk_count("mailings WHERE 1 = 1");
    let db_sealed = desk_count("mailings WHERE state = 'sealed'");
    let db_voided = desk_count("mailings WHERE state = 'voided'");
    let db_open = desk_count(&format!("mailings WHERE state IN {OPEN}"));
    let db_deviations = desk_count("events WHERE kind = 'deviation'");
    let db_locks = desk_count("case_locks WHERE 1 = 1");
    let events = audit["events"].as_i64().unwrap_or_default();

    let codes: Vec<String> = tally
        .by_exit
        .iter()
        .map(|(code, n)| format!("exit {code}: {n}"))
        .collect();
    eprintln!(
        "desks on {:?}: {desks} processes at a time ({desks} users, {IMPATIENT_DESKS} of them \
         with KUVERT_BUSY_TIMEOUT_MS={IMPATIENT_TIMEOUT_MS}) on {shared_cases} shared cases for \
         {:.1} s\n\
         desks: {} commands ({}), {} cycles, {:.0} commands per desk\n\
         desks: {} mailings started, {} sealed, {} voided; {} deviations ({} foreign, {} stale), \
         {} duplicate scans; {} refusals \"case locked\"; {} \"database busy\" (exit 3: {:?})\n\
         desks: {samples} samples of the invariants; audit verify: {events} events, ok = {}",
        env.backend(),
        elapsed.as_secs_f64(),
        tally.commands,
        codes.join(", "),
        tally.cycles,
        tally.commands as f64 / desks as f64,
        tally.started,
        tally.sealed,
        tally.voided,
        tally.foreign + tally.stale,
        tally.foreign,
        tally.stale,
        tally.duplicates,
        tally.case_locked,
        tally.busy,
        tally.busy_in,
        audit["ok"],
    );

    assert!(
        tally.failures.is_empty(),
        "desk failures:\n{}",
        tally.failures.join("\n")
    );
    assert!(
        problems.is_empty(),
        "broken invariants:\n{}",
        problems.join("\n")
    );
    assert_eq!(audit["ok"], true, "audit verify: {audit}");
    assert!(audit["broken_at"].is_null(), "audit verify: {audit}");
    assert_eq!(integrity, "ok", "PRAGMA integrity_check");
    assert!(foreign_keys.is_empty(), "foreign keys: {foreign_keys:?}");
    // What the desks were told is what the database holds: no operation reported done was
    // lost, none reported failed (exit 3 included) happened anyway.
    assert_eq!(db_started as u64, tally.started, "mailings started");
    assert_eq!(db_sealed as u64, tally.sealed, "mailings sealed");
    assert_eq!(db_voided as u64, tally.voided, "mailings voided");
    assert_eq!(db_open, 0, "every desk closed its mailing");
    assert_eq!(db_locks, 0, "no desk still holds a case");
    assert_eq!(
        db_deviations as u64,
        tally.foreign + tally.stale,
        "deviations logged"
    );
    for account in &accounts {
        let status = env.json(Some(account), &["mail", "status"], 0);
        assert!(status["mailing"].is_null(), "{account}: {status}");
    }
    // The run really was a contest.
    assert!(elapsed >= RUN);
    assert!(
        tally.sealed >= MIN_SEALED,
        "only {} sealed mailings",
        tally.sealed
    );
    assert!(tally.case_locked > 0, "no desk ever found a case locked");
    assert!(tally.foreign > 0, "no foreign sheet was scanned");
    assert!(tally.stale > 0, "no stale sheet was scanned");
    assert!(tally.voided > 0, "no mailing was voided");
    assert!(tally.busy > 0, "no desk ever found the database busy");
    assert!(samples >= 10, "only {samples} samples");
}

/// Counts of every table a write command touches, and the chain's head: the head file
/// beside the demo file, the head row on a server.
fn footprint(env: &Env) -> (Vec<i64>, Option<String>) {
    let mut owner = Owner::open(env);
    let counts = [
        "mailings",
        "case_locks",
        "mailing_documents",
        "print_jobs",
        "scans",
        "events",
        "sessions",
    ]
    .iter()
    .map(|t| owner.count(&format!("SELECT count(*) FROM {t}")))
    .collect();
    let head = match &env.server {
        None => {
            let mut head = env.db.as_os_str().to_owned();
            head.push(".head");
            std::fs::read(head)
                .ok()
                .map(|b| String::from_utf8_lossy(&b).into_owned())
        }
        Some(_) => Some(env.sql("SELECT seq, hash FROM audit_head").join("\n")),
    };
    (counts, head)
}

/// Another desk in the middle of a write that does not let go: SQLite's write lock, or on a
/// server the chain's head row that every write locks first.
enum Holder {
    File(Connection),
    Server(postgres::Client),
}

impl Holder {
    fn take(env: &Env) -> Self {
        match &env.server {
            None => {
                let conn = Connection::open(&env.db).expect("open the database");
                conn.execute_batch("BEGIN IMMEDIATE")
                    .expect("take the write lock");
                Holder::File(conn)
            }
            Some(server) => {
                let mut client =
                    postgres::Client::connect(&server.url("postgres"), postgres::NoTls)
                        .expect("connect to the server as its owner");
                client
                    .batch_execute("BEGIN; SELECT seq FROM audit_head WHERE id = 1 FOR UPDATE")
                    .expect("lock the head row");
                Holder::Server(client)
            }
        }
    }

    fn release(self) {
        match self {
            Holder::File(conn) => conn.execute_batch("ROLLBACK").expect("release the lock"),
            Holder::Server(mut client) => client
                .batch_execute("ROLLBACK")
                .expect("release the head row"),
        }
    }
}

on_both!(database_busy_past_the_timeout_is_exit_3_and_changes_nothing);

fn database_busy_past_the_timeout_is_exit_3_and_changes_nothing(env: &Env) {
    const H1: &str = "handlaggare1";
    const H2: &str = "handlaggare2";
    let cases = plain_cases(env, Some(H1), 2);
    let (mine, theirs) = (&cases[0], &cases[1]);
    env.json(
        Some(H1),
        &[
            "mail",
            "start",
            &mine.number,
            "--to",
            &mine.party.to_string(),
        ],
        0,
    );
    env.json(Some(H1), &["mail", "attach", &mine.document.to_string()], 0);
    let printed = env.json(Some(H1), &["mail", "print"], 0);
    let codes = printed_codes(Path::new(printed["pdf"].as_str().expect("pdf path")));
    let status_before = env.json(Some(H1), &["mail", "status"], 0);
    let theirs_before = env.json(Some(H2), &["mail", "status"], 0);
    assert!(theirs_before["mailing"].is_null());
    let before = footprint(env);

    // Another desk holds the write lock and does not let go.
    let holder = Holder::take(env);
    let scan_args = [
        "--lang",
        "en",
        "--json",
        "mail",
        "scan",
        &codes[0],
        "--scanner",
    ];
    let scan = run_as(env, H1, Some(300), &scan_args);
    let party = theirs.party.to_string();
    let start_args = ["mail", "start", &theirs.number, "--to", &party];
    let start = run_as(env, H2, Some(300), &start_args);
    holder.release();

    for (out, args, text) in [
        (&scan, &scan_args[..], database_busy(Lang::En)),
        (&start, &start_args[..], database_busy(Lang::Sv)),
    ] {
        let stderr = common::stderr(out);
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert_eq!(
            out.status.code(),
            Some(3),
            "kuvert {args:?}: stdout {stdout} stderr {stderr}"
        );
        assert!(stderr.contains(text), "kuvert {args:?}: {stderr}");
        assert!(!stderr.contains("panicked"), "kuvert {args:?}: {stderr}");
        assert!(
            !stdout.contains("verdict") && !stdout.contains("mailing"),
            "kuvert {args:?} reported a result: {stdout}"
        );
    }
    assert_eq!(footprint(env), before, "the busy commands changed nothing");
    assert_eq!(env.json(Some(H1), &["mail", "status"], 0), status_before);
    assert!(env.json(Some(H2), &["mail", "status"], 0)["mailing"].is_null());

    // With the lock released, the same commands go through.
    let scan = run_as(env, H1, Some(300), &scan_args);
    assert_eq!(scan.status.code(), Some(0), "{}", common::stderr(&scan));
    let scanned: Value = serde_json::from_slice(&scan.stdout).expect("scan JSON");
    assert_eq!(scanned["verdict"], "ok");
    assert_eq!(scanned["seen"], 1);
    let start = run_as(env, H2, Some(300), &start_args);
    assert_eq!(start.status.code(), Some(0), "{}", common::stderr(&start));
    let started = env.json(Some(H2), &["mail", "status"], 0);
    assert_eq!(started["state"], "draft");
    assert_eq!(started["case"], theirs.number.as_str());
    let audit = env.json(LEAD, &["audit", "verify"], 0);
    assert_eq!(audit["ok"], true, "{audit}");
}
