//! The real binary's terminal UI in tmux: lock, compose, print, type every sheet code as a
//! scanner would, seal; then the database is checked through the command line.

mod common;

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use common::{Env, printed_codes};

/// The pause between keys typed by hand: well over the pipeline's `max_gap_ms` (100 ms).
const HAND_GAP: Duration = Duration::from_millis(150);

/// How long a closed terminal may keep kuvert alive. The promise is one second; the test
/// allows two, measured from the close to the process being gone, for this slow shared
/// machine (a debug build, two cores, other builds running).
const EXIT_LIMIT: Duration = Duration::from_secs(2);

struct Tmux {
    session: String,
}

impl Tmux {
    fn start(env: &Env, name: &str) -> Self {
        Self::start_with(env, name, "")
    }

    /// Starts `kuvert tui` in a shell, followed by `after` (shell commands run when it ends).
    fn start_with(env: &Env, name: &str, after: &str) -> Self {
        Self::launch(env, name, "", after)
    }

    /// Starts `exec kuvert tui`: kuvert itself is the pane's process (no shell between).
    fn start_exec(env: &Env, name: &str) -> Self {
        Self::launch(env, name, "exec ", "")
    }

    /// Starts `PREFIX kuvert tui AFTER` in the pane's shell.
    fn launch(env: &Env, name: &str, prefix: &str, after: &str) -> Self {
        let session = format!("kuvert-test-{name}-{}", std::process::id());
        let cmd = format!(
            "KUVERT_DB='{}' KUVERT_CONFIG='{}' KUVERT_USER=handlaggare1 HOME='{}' {prefix}'{}' tui{after}",
            env.db.display(),
            env.config.display(),
            env.dir.path().display(),
            env!("CARGO_BIN_EXE_kuvert")
        );
        let out = Command::new("tmux")
            .args([
                "new-session",
                "-d",
                "-s",
                &session,
                "-x",
                "100",
                "-y",
                "30",
                &cmd,
            ])
            .output()
            .expect("tmux is needed by this test: run scripts/setup-test-deps.sh");
        assert!(out.status.success(), "tmux: {}", common::stderr(&out));
        Self { session }
    }

    fn keys(&self, keys: &[&str]) {
        let mut args = vec!["send-keys", "-t", &self.session];
        args.extend_from_slice(keys);
        let out = Command::new("tmux")
            .args(&args)
            .output()
            .expect("tmux send-keys");
        assert!(out.status.success());
    }

    /// Types text literally, as fast as tmux delivers it (a scanner burst), then Enter.
    fn scan(&self, code: &str) {
        self.keys(&["-l", code]);
        self.keys(&["Enter"]);
    }

    /// Types text BY HAND: one character per `send-keys`, 150 ms apart (slower than the
    /// pipeline's `max_gap_ms` of 100 ms, so nothing is ever judged a burst), and a pause
    /// after the last one so a following Enter is not taken as the end of a burst either.
    fn hand(&self, text: &str) {
        for c in text.chars() {
            self.keys(&["-l", &c.to_string()]);
            std::thread::sleep(HAND_GAP);
        }
    }

    /// One named key (Enter, Escape, F8 …) after a hand's pause.
    fn hand_key(&self, key: &str) {
        std::thread::sleep(HAND_GAP);
        self.keys(&[key]);
    }

    /// The pid of the pane's own process (the shell, or kuvert itself under `exec`).
    fn pane_pid(&self) -> u32 {
        let out = Command::new("tmux")
            .args(["display", "-p", "-t", &self.session, "#{pane_pid}"])
            .output()
            .expect("tmux display");
        let text = String::from_utf8_lossy(&out.stdout).trim().to_owned();
        text.parse()
            .unwrap_or_else(|_| panic!("no pane pid from tmux: {text:?}"))
    }

    /// Closes the terminal as a closed window does: the whole tmux session goes (its pty is
    /// closed and the pane's process group gets SIGHUP). Returns when the close was asked.
    fn kill_session(&self) -> Instant {
        let at = Instant::now();
        let out = Command::new("tmux")
            .args(["kill-session", "-t", &self.session])
            .output()
            .expect("tmux kill-session");
        assert!(
            out.status.success(),
            "kill-session: {}",
            common::stderr(&out)
        );
        at
    }

    /// The selected row of a list (drawn reversed), without its escape codes.
    fn selected_row(&self) -> Option<String> {
        let out = Command::new("tmux")
            .args(["capture-pane", "-p", "-e", "-t", &self.session])
            .output()
            .expect("tmux capture-pane");
        let text = String::from_utf8_lossy(&out.stdout).into_owned();
        text.lines()
            .map(strip_escapes)
            .zip(text.lines())
            .find(|(_, raw)| raw.contains("7m[ ]") || raw.contains("7m[x]"))
            .map(|(plain, _)| plain)
    }

    fn screen(&self) -> String {
        let out = Command::new("tmux")
            .args(["capture-pane", "-p", "-t", &self.session])
            .output()
            .expect("tmux capture-pane");
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// From the start screen: opens `case`, starts a mailing to its first party (which locks
    /// the case) and waits for the document list.
    fn start_draft(&self, case: &str) {
        self.wait_for("Ärendenummer");
        self.keys(&[case, "Enter"]);
        self.wait_for("Parter");
        self.keys(&["n"]);
        self.wait_for("Mottagare");
        self.keys(&["Enter"]);
        self.wait_for("[ ]");
    }

    /// Waits until the screen shows `text` (bounded).
    fn wait_for(&self, text: &str) -> String {
        let start = Instant::now();
        loop {
            let screen = self.screen();
            if screen.contains(text) {
                return screen;
            }
            assert!(
                start.elapsed() < Duration::from_secs(20),
                "the screen never showed {text:?}:\n{screen}"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = Command::new("tmux")
            .args(["kill-session", "-t", &self.session])
            .output();
    }
}

#[test]
fn a_mailing_through_the_terminal_ui() {
    let env = Env::demo();
    let tui = Tmux::start(&env, "mailing");
    tui.start_draft("2026-104037");
    tui.keys(&["Space"]);
    tui.wait_for("[x]");
    tui.keys(&["F5"]);
    tui.wait_for("Granska innan utskrift");
    tui.keys(&["Enter"]);
    tui.wait_for("Kontroll före förslutning");

    let status = env.json(Some("handlaggare1"), &["mail", "status"], 0);
    assert_eq!(status["state"], "printed");
    let pdf = Path::new(status["pdf"].as_str().expect("pdf")).to_owned();
    let codes = printed_codes(&pdf);
    assert_eq!(
        codes.len() as u64,
        status["sheets"].as_u64().expect("sheets")
    );
    for code in &codes {
        tui.scan(code);
    }
    tui.wait_for("F2 för att försluta");
    tui.keys(&["F2"]);
    tui.wait_for("F2 igen");
    tui.keys(&["F2"]);
    tui.wait_for("Ingen öppen försändelse");
    tui.keys(&["C-c"]);

    let none = env.json(Some("handlaggare1"), &["mail", "status"], 0);
    assert!(none["mailing"].is_null());
    let log = env.json(Some("teamledare1"), &["log", "--format", "json"], 0);
    let mailing = log
        .as_array()
        .expect("sessions")
        .iter()
        .flat_map(|s| s["mailings"].as_array().cloned().unwrap_or_default())
        .find(|m| m["case"] == "FK 2026-104037")
        .expect("the mailing is logged");
    assert_eq!(mailing["state"], "sealed");
    // Every code came in a burst: logged as scanned, not keyed.
    let scans: Vec<String> = mailing["events"]
        .as_array()
        .expect("events")
        .iter()
        .filter(|e| e["kind"] == "scan")
        .map(|e| {
            e["detail"]["source"]
                .as_str()
                .unwrap_or_default()
                .to_owned()
        })
        .collect();
    assert_eq!(scans.len(), codes.len());
    assert!(scans.iter().all(|s| s == "scanner"), "{scans:?}");
    let audit = env.json(None, &["audit", "verify"], 0);
    assert_eq!(audit["ok"], true);
}

/// Issue 6 item 3: closing the terminal (SIGHUP) or stopping the program (SIGTERM) ends the
/// session cleanly, logged, keeps the open mailing, and gives the terminal back in its normal
/// mode (canonical input and echo, as a shell needs).
#[test]
fn a_closed_terminal_ends_the_session_and_keeps_the_mailing() {
    for signal in ["HUP", "TERM"] {
        let env = Env::demo();
        let after = "; echo EXITED $?; echo MODES $(stty -a | tr ' ;' '\\n\\n' | grep -x -e icanon -e -icanon -e echo -e -echo) END; sleep 60";
        let tui = Tmux::start_with(&env, &format!("signal-{signal}"), after);
        tui.start_draft("2026-104037");

        // The shell is the pane's process; kuvert is its child.
        let out = Command::new("tmux")
            .args(["list-panes", "-t", &tui.session, "-F", "#{pane_pid}"])
            .output()
            .expect("list-panes");
        let shell = String::from_utf8_lossy(&out.stdout).trim().to_owned();
        let out = Command::new("pgrep")
            .args(["-P", &shell])
            .output()
            .expect("pgrep");
        let kuvert = String::from_utf8_lossy(&out.stdout).trim().to_owned();
        assert!(!kuvert.is_empty(), "kuvert runs under the shell {shell}");
        let killed = Command::new("kill")
            .args([&format!("-{signal}"), &kuvert])
            .status()
            .expect("kill");
        assert!(killed.success());

        let screen = tui.wait_for(" END");
        assert!(
            screen.contains("EXITED 0"),
            "a clean exit on SIG{signal}:\n{screen}"
        );
        let modes = screen
            .lines()
            .find(|l| l.starts_with("MODES"))
            .unwrap_or_default()
            .to_owned();
        assert!(
            modes.split_whitespace().any(|w| w == "icanon")
                && modes.split_whitespace().any(|w| w == "echo"),
            "the terminal is back in normal mode after SIG{signal}: {modes:?}\n{screen}"
        );

        let status = env.json(Some("handlaggare1"), &["mail", "status"], 0);
        assert_eq!(status["state"], "draft", "the mailing is kept: {status}");
        let raw = rusqlite::Connection::open(&env.db).expect("db");
        let (ended, logged): (i64, i64) = raw
            .query_row(
                "SELECT (SELECT count(*) FROM sessions WHERE kind = 'tui' AND ended IS NOT NULL),
                        (SELECT count(*) FROM events e JOIN sessions s ON s.id = e.session_id
                          WHERE s.kind = 'tui' AND e.kind = 'session_ended')",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .expect("sessions");
        assert_eq!((ended, logged), (1, 1), "the TUI session ended, logged");
    }
}

/// A line of `capture-pane -e` without its escape sequences.
fn strip_escapes(line: &str) -> String {
    let mut out = String::new();
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        if c == '\x1b' {
            // CSI: ESC [ parameters final-byte.
            if chars.next() == Some('[') {
                for c in chars.by_ref() {
                    if ('@'..='~').contains(&c) {
                        break;
                    }
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// The screen as one line of words: borders dropped, wrapped lines joined, so a message
/// that the terminal wrapped can be searched for as a whole.
fn flat(screen: &str) -> String {
    screen
        .lines()
        .map(|l| {
            l.chars()
                .map(|c| {
                    if ('\u{2500}'..='\u{257f}').contains(&c) {
                        ' '
                    } else {
                        c
                    }
                })
                .collect::<String>()
        })
        .collect::<Vec<_>>()
        .join(" ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// The state letter and CPU time (user + system, clock ticks) of a process, or None once it
/// is gone (a zombie counts as gone: it runs no more code).
fn proc_stat(pid: u32) -> Option<(char, u64)> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // "pid (comm) state ppid …": the name may hold spaces, so split after its ')'.
    let rest = &stat[stat.rfind(')')? + 1..];
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let state = fields.first()?.chars().next()?;
    let utime: u64 = fields.get(11)?.parse().ok()?;
    let stime: u64 = fields.get(12)?.parse().ok()?;
    (state != 'Z' && state != 'X').then_some((state, utime + stime))
}

fn proc_name(pid: u32) -> String {
    std::fs::read_to_string(format!("/proc/{pid}/comm"))
        .unwrap_or_default()
        .trim()
        .to_owned()
}

/// The only child process of `parent` (kuvert under a shell or `setsid -w`).
fn child_of(parent: u32) -> u32 {
    let start = Instant::now();
    loop {
        let out = Command::new("pgrep")
            .args(["-P", &parent.to_string()])
            .output()
            .expect("pgrep");
        let text = String::from_utf8_lossy(&out.stdout).trim().to_owned();
        if let Ok(pid) = text.parse() {
            return pid;
        }
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "no single child under {parent}: {text:?}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Waits (bounded, generously) for `pid` to be gone; returns how long it took from `since`
/// and the last CPU time seen while it was still there.
fn wait_gone(pid: u32, since: Instant) -> (Duration, Option<u64>) {
    let mut cpu = None;
    loop {
        match proc_stat(pid) {
            None => return (since.elapsed(), cpu),
            Some((_, ticks)) => cpu = Some(ticks),
        }
        if since.elapsed() > Duration::from_secs(15) {
            return (since.elapsed(), cpu);
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// CPU ticks (1/100 s) a process used over one idle second: an idle TUI must not spin.
fn idle_cpu(pid: u32) -> u64 {
    let (_, before) = proc_stat(pid).expect("kuvert runs");
    std::thread::sleep(Duration::from_secs(1));
    let (_, after) = proc_stat(pid).expect("kuvert still runs");
    after - before
}

/// (TUI sessions with an end time, `session_ended` events of TUI sessions).
fn tui_sessions_ended(env: &Env) -> (i64, i64) {
    let raw = rusqlite::Connection::open(&env.db).expect("db");
    raw.query_row(
        "SELECT (SELECT count(*) FROM sessions WHERE kind = 'tui' AND ended IS NOT NULL),
                (SELECT count(*) FROM events e JOIN sessions s ON s.id = e.session_id
                  WHERE s.kind = 'tui' AND e.kind = 'session_ended')",
        [],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )
    .expect("sessions")
}

/// How many events of `kind` the log holds.
fn events_of(env: &Env, kind: &str) -> i64 {
    let raw = rusqlite::Connection::open(&env.db).expect("db");
    raw.query_row("SELECT count(*) FROM events WHERE kind = ?1", [kind], |r| {
        r.get(0)
    })
    .expect("events")
}

/// From the start screen: a draft with its first document ticked, printed; returns the
/// mailing's sheet codes once the verify screen shows.
fn print_a_mailing(env: &Env, tui: &Tmux) -> Vec<String> {
    tui.start_draft("2026-104037");
    tui.keys(&["Space"]);
    tui.wait_for("[x]");
    tui.keys(&["F5"]);
    tui.wait_for("Granska innan utskrift");
    tui.keys(&["Enter"]);
    tui.wait_for("Kontroll före förslutning");
    let status = env.json(Some("handlaggare1"), &["mail", "status"], 0);
    assert_eq!(status["state"], "printed");
    let pdf = Path::new(status["pdf"].as_str().expect("pdf")).to_owned();
    let codes = printed_codes(&pdf);
    assert!(codes.len() >= 2, "a cover and a page: {codes:?}");
    assert_eq!(
        codes.len() as u64,
        status["sheets"].as_u64().expect("sheets")
    );
    codes
}

/// Asserts that `pid` went away within EXIT_LIMIT of `closed`, and that the TUI session was
/// ended and logged while the draft mailing stayed open.
fn assert_ended_in_time(env: &Env, pid: u32, closed: Instant, how: &str) {
    let (took, cpu) = wait_gone(pid, closed);
    assert!(
        took <= EXIT_LIMIT,
        "{how}: kuvert (pid {pid}) was still there {took:?} after the terminal closed \
         (last CPU time seen: {cpu:?} ticks)"
    );
    assert_eq!(
        tui_sessions_ended(env),
        (1, 1),
        "{how}: kuvert exited after {took:?} but the TUI session was not ended and logged \
         (sessions.ended, a session_ended event)"
    );
    let status = env.json(Some("handlaggare1"), &["mail", "status"], 0);
    assert_eq!(
        status["state"], "draft",
        "{how}: the mailing is kept: {status}"
    );
    let log = env.json(Some("teamledare1"), &["log", "--format", "json"], 0);
    let session = log
        .as_array()
        .expect("sessions")
        .iter()
        .find(|s| s["kind"] == "tui")
        .unwrap_or_else(|| panic!("{how}: the lead's log lists the TUI session: {log}"));
    assert!(
        session["ended"].is_string(),
        "{how}: the lead's log shows the session ended: {session}"
    );
    assert_eq!(
        session["counts"]["open"], 1,
        "{how}: with its draft still open: {session}"
    );
}

/// Issue 6 item 3, the real way a window closes: `tmux kill-session` closes the pty and
/// hangs up kuvert (the pane's own process, through `exec`). kuvert ends the session,
/// logged, keeps the draft and is gone within the limit; while idle before that it did not
/// spin.
#[test]
fn killing_the_tmux_session_ends_kuvert_in_time() {
    let env = Env::demo();
    let tui = Tmux::start_exec(&env, "kill");
    tui.start_draft("2026-104037");
    let pid = tui.pane_pid();
    assert_eq!(
        proc_name(pid),
        "kuvert",
        "exec makes kuvert the pane's process"
    );
    let idle = idle_cpu(pid);
    assert!(
        idle < 50,
        "an idle TUI used {idle}/100 s of CPU in one second"
    );

    let closed = tui.kill_session();
    assert_ended_in_time(&env, pid, closed, "tmux kill-session");
}

/// The terminal goes away WITHOUT a signal reaching kuvert: under `setsid -w` it has no
/// controlling terminal (so the kernel's SIGHUP is never sent to it) but reads and writes the
/// pane's pty. When tmux closes the pty, only end of input, EIO and POLLHUP tell kuvert; it
/// must still end the session, logged, exit cleanly (status 0) and within the limit. A shell
/// between setsid and kuvert (outside the pane's session too) writes down kuvert's status.
#[test]
fn a_vanished_terminal_without_a_signal_ends_kuvert_in_time() {
    let env = Env::demo();
    let exit = env.dir.path().join("exit-status");
    let prefix = format!(
        "exec setsid -w sh -c '\"$0\" \"$1\"; echo $? > \"{}\"' ",
        exit.display()
    );
    let tui = Tmux::launch(&env, "nosig", &prefix, "");
    tui.start_draft("2026-104037");
    let setsid = tui.pane_pid();
    let pid = child_of(child_of(setsid));
    assert_eq!(proc_name(pid), "kuvert", "setsid → sh → kuvert");

    let closed = tui.kill_session();
    let (took, cpu) = wait_gone(pid, closed);
    let start = Instant::now();
    while !exit.exists() && start.elapsed() < Duration::from_secs(5) {
        std::thread::sleep(Duration::from_millis(20));
    }
    let status = std::fs::read_to_string(&exit).unwrap_or_default();
    let status = status.trim();
    assert!(
        took <= EXIT_LIMIT,
        "pty closed, no signal: kuvert (pid {pid}) was still there {took:?} after the close \
         (last CPU time seen: {cpu:?} ticks; exit status {status:?})"
    );
    assert_eq!(
        tui_sessions_ended(&env),
        (1, 1),
        "pty closed, no signal: kuvert exited after {took:?} with status {status:?} \
         (134 = SIGABRT) but the TUI session was not ended and logged"
    );
    assert_eq!(status, "0", "a clean exit when the terminal vanished");
    assert_ended_in_time(&env, pid, closed, "pty closed, no signal");
}

/// A scanner's burst into the void reason prompt (F8 on the verify screen) is no reason and
/// no scan: the screen says so, nothing is voided, the sheet is not counted. Enter on the
/// empty field asks for a reason; Esc goes back and a scan counts again; a reason typed by
/// hand then voids.
#[test]
fn a_burst_in_the_void_reason_is_neither_a_reason_nor_a_scan() {
    let env = Env::demo();
    let tui = Tmux::start(&env, "reason");
    let codes = print_a_mailing(&env, &tui);
    let n = codes.len();
    tui.wait_for(&format!("0/{n}"));

    tui.keys(&["F8"]);
    tui.wait_for("Skäl till makulering");
    tui.scan(&codes[0]);
    let screen = tui.wait_for("En skanning kom medan du skrev ett skäl");
    assert!(
        flat(&screen).contains("den räknades inte"),
        "the screen says the scan was not counted:\n{screen}"
    );
    assert!(
        !screen.contains(&codes[0]),
        "the burst did not land in the field:\n{screen}"
    );
    let status = env.json(Some("handlaggare1"), &["mail", "status"], 0);
    assert_eq!(status["state"], "printed", "not voided: {status}");
    assert_eq!(
        status["seen"], 0,
        "the burst was not counted as a sheet: {status}"
    );
    assert_eq!(events_of(&env, "voided"), 0);
    assert_eq!(events_of(&env, "scan"), 0);

    tui.hand_key("Enter");
    tui.wait_for("Skriv ett skäl först.");
    let status = env.json(Some("handlaggare1"), &["mail", "status"], 0);
    assert_eq!(status["state"], "printed", "not voided: {status}");
    assert_eq!(events_of(&env, "voided"), 0);

    tui.hand_key("Escape");
    tui.wait_for("F6  ny utskrift");
    tui.scan(&codes[0]);
    tui.wait_for(&format!("1/{n}"));
    let status = env.json(Some("handlaggare1"), &["mail", "status"], 0);
    assert_eq!(status["seen"], 1, "a scan after Esc counts: {status}");
    assert_eq!(events_of(&env, "scan"), 1);

    // A reason typed by hand is a reason: the mailing is voided, once.
    tui.keys(&["F8"]);
    tui.wait_for("Skäl till makulering");
    tui.hand("fel adress");
    tui.wait_for("> fel adress");
    tui.keys(&["Enter"]);
    tui.wait_for("Ärendenummer");
    assert_eq!(events_of(&env, "voided"), 1);
    let none = env.json(Some("handlaggare1"), &["mail", "status"], 0);
    assert!(none["mailing"].is_null(), "voided, nothing open: {none}");
}

/// Caps Lock: a scanner typing lower case is a scanner all the same. On the verify screen
/// the lower-cased codes count and the mailing seals; on the compose screen a lower-case
/// burst of a sheet code neither ticks a document (its Enter) nor moves the cursor (its
/// k and j).
#[test]
fn lower_case_bursts_are_scans() {
    let env = Env::demo();
    let tui = Tmux::start(&env, "caps");
    let codes = print_a_mailing(&env, &tui);
    let n = codes.len();
    for (i, code) in codes.iter().enumerate() {
        tui.scan(&code.to_lowercase());
        tui.wait_for(&format!("{}/{n}", i + 1));
    }
    let status = env.json(Some("handlaggare1"), &["mail", "status"], 0);
    assert_eq!(status["state"], "verified", "{status}");
    assert_eq!(status["seen"].as_u64(), Some(n as u64));
    tui.wait_for("F2 för att försluta");
    tui.keys(&["F2"]);
    tui.wait_for("F2 igen");
    tui.keys(&["F2"]);
    tui.wait_for("Ingen öppen försändelse");
    assert_eq!(events_of(&env, "sealed"), 1);
    let raw = rusqlite::Connection::open(&env.db).expect("db");
    let keyed: i64 = raw
        .query_row(
            "SELECT count(*) FROM events WHERE kind = 'scan'
               AND json_extract(detail, '$.source') IS NOT 'scanner'",
            [],
            |r| r.get(0),
        )
        .expect("scans");
    assert_eq!(keyed, 0, "every lower-case burst was logged as scanned");

    // A new draft on the same case; the cursor on its second document, by hand.
    tui.start_draft("2026-104037");
    let first = tui.selected_row().expect("a selected row");
    tui.hand_key("Down");
    let start = Instant::now();
    let second = loop {
        let row = tui.selected_row().expect("a selected row");
        if row != first || start.elapsed() > Duration::from_secs(10) {
            break row;
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    assert_ne!(first, second, "Down moves the cursor");
    std::thread::sleep(HAND_GAP);

    let burst = codes[0].to_lowercase();
    tui.scan(&burst);
    // The sealed envelope cannot be opened again: a notice, proof that it was a scan.
    let screen = tui.wait_for("Skanningen öppnade inget kuvert");
    assert!(!screen.contains("[x]"), "no document ticked:\n{screen}");
    assert_eq!(
        tui.selected_row().as_deref(),
        Some(second.as_str()),
        "the cursor did not move (the burst {burst} holds k/j: up/down)"
    );
    let status = env.json(Some("handlaggare1"), &["mail", "status"], 0);
    assert_eq!(status["state"], "draft", "{status}");
    assert_eq!(
        status["enclosures"].as_array().map(Vec::len),
        Some(0),
        "the burst's Enter did not tick a document: {status}"
    );
}

/// Esc on the start screen asks first: the question shows and kuvert keeps running; any
/// other key stays; `j` quits, cleanly, with the session ended and logged.
#[test]
fn esc_at_the_start_asks_and_j_quits() {
    let env = Env::demo();
    let tui = Tmux::start_with(&env, "esc", "; echo EXITED $?; sleep 60");
    tui.wait_for("Ärendenummer");
    let pid = child_of(tui.pane_pid());
    assert_eq!(proc_name(pid), "kuvert");

    tui.keys(&["Escape"]);
    tui.wait_for("Avsluta kuvert? Tryck j");
    std::thread::sleep(Duration::from_millis(500));
    assert!(proc_stat(pid).is_some(), "Esc alone does not quit");
    assert!(!tui.screen().contains("EXITED"));

    // Any other key: stay.
    tui.hand("x");
    let start = Instant::now();
    while tui.screen().contains("Avsluta kuvert?") {
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "another key answers no:\n{}",
            tui.screen()
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    assert!(proc_stat(pid).is_some(), "another key does not quit");
    assert_eq!(tui_sessions_ended(&env), (0, 0));

    tui.hand_key("Escape");
    tui.wait_for("Avsluta kuvert? Tryck j");
    tui.hand("j");
    let screen = tui.wait_for("EXITED");
    assert!(screen.contains("EXITED 0"), "a clean quit:\n{screen}");
    let (took, _) = wait_gone(pid, Instant::now());
    assert!(took < Duration::from_secs(5), "kuvert is gone after j");
    assert_eq!(
        tui_sessions_ended(&env),
        (1, 1),
        "the session ended, logged"
    );
}
