//! The real binary's terminal UI in tmux: lock, compose, print, type every sheet code as a
//! scanner would, seal; then the database is checked through the command line.

mod common;

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use common::{Env, printed_codes};

struct Tmux {
    session: String,
}

impl Tmux {
    fn start(env: &Env, name: &str) -> Self {
        Self::start_with(env, name, "")
    }

    /// Starts `kuvert tui` in a shell, followed by `after` (shell commands run when it ends).
    fn start_with(env: &Env, name: &str, after: &str) -> Self {
        let session = format!("kuvert-test-{name}-{}", std::process::id());
        let cmd = format!(
            "KUVERT_DB='{}' KUVERT_CONFIG='{}' KUVERT_USER=handlaggare1 HOME='{}' '{}' tui{after}",
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
