//! Key-driven tests of the whole UI over a real demo database, with snapshots of every
//! screen in both languages. Keys carry their time: a hand types 200 ms apart, a scanner
//! 3 ms apart, so the input pipeline sees what a desk would.
//!
//! - `casework`: start, case, compose, review, verify, the hard stop, reprint and void
//! - `bursts`: a scanner's burst on every screen, Caps Lock, prompts, help, small windows
//! - `station`: sealing stations and dual control
//! - `lead`: the lead tab
//! - `shots`: snapshots of every screen

mod abroad;
mod bursts;
mod casework;
mod lead;
mod shots;
mod station;

use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{
    KeyCode, KeyEvent, KeyModifiers, MouseButton, MouseEvent, MouseEventKind,
};

use super::App;
use super::screens::Kind;
use crate::config::Config;
use crate::i18n::Lang;
use crate::store::Store;
use crate::workflow::{SessionKind, Workflow};

/// A demo database made once per test binary; each test works on a copy.
fn template() -> &'static Path {
    static T: OnceLock<(tempfile::TempDir, PathBuf)> = OnceLock::new();
    let (_, p) = T.get_or_init(|| {
        let dir = tempfile::tempdir().expect("tempdir");
        let p = dir.path().join("t.db");
        crate::demo::ensure_demo_db(&p, false, "tester").expect("demo");
        (dir, p)
    });
    p
}

/// 2026-11-23 09:30 Swedish time, for desks whose times are on screen.
fn fixed() -> time::OffsetDateTime {
    time::macros::datetime!(2026-11-23 08:30 UTC)
}

/// One desk: the app and its clock.
struct Desk {
    app: App,
    clock: Instant,
}

impl Desk {
    /// A desk for `account` over the database in `dir`.
    fn at(dir: &Path, account: &str, lang: Lang, config: Config, station: bool) -> Self {
        let store = Store::open(&dir.join("k.db")).expect("open");
        let mut wf = Workflow::new(store, config, lang, dir.join("outbox"));
        if station {
            wf = wf.with_clock(Box::new(fixed));
        }
        let kind = if station {
            SessionKind::Station
        } else {
            SessionKind::Tui
        };
        let s = wf
            .session(Some(account), &format!("tty-{account}"), kind)
            .expect("session");
        let app = if station {
            App::station(wf, s).expect("station")
        } else {
            App::new(wf, s).expect("app")
        };
        Self {
            app,
            clock: Instant::now(),
        }
    }

    /// A desk on the fixed clock (the lead tests).
    fn fixed(dir: &Path, account: &str, lang: Lang) -> Self {
        let store = Store::open(&dir.join("k.db")).expect("open");
        let mut wf = Workflow::new(store, Config::default(), lang, dir.join("outbox"))
            .with_clock(Box::new(fixed));
        let s = wf
            .session(Some(account), &format!("tty-{account}"), SessionKind::Tui)
            .expect("session");
        Self {
            app: App::new(wf, s).expect("app"),
            clock: Instant::now(),
        }
    }

    /// Lets `ms` pass and ticks the app (held keys are judged).
    fn wait(&mut self, ms: u64) {
        self.clock += Duration::from_millis(ms);
        self.app.tick(self.clock);
    }

    fn press(&mut self, key: KeyEvent, after_ms: u64) {
        self.clock += Duration::from_millis(after_ms);
        self.app.key(key, self.clock);
    }

    /// Types text by hand: a key every 200 ms, and a pause after it.
    fn hand(&mut self, text: &str) {
        for c in text.chars() {
            self.press(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE), 200);
        }
        self.wait(200);
    }

    /// One key by hand.
    fn key(&mut self, code: KeyCode) {
        self.press(KeyEvent::new(code, KeyModifiers::NONE), 200);
        self.wait(200);
    }

    /// A scanner's burst: every key 3 ms apart, then Enter.
    fn scan(&mut self, text: &str) {
        self.wait(300);
        for c in text.chars() {
            self.press(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE), 3);
        }
        self.press(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE), 3);
        self.wait(200);
    }

    fn click(&mut self, x: u16, y: u16) {
        self.app.mouse(MouseEvent {
            kind: MouseEventKind::Down(MouseButton::Left),
            column: x,
            row: y,
            modifiers: KeyModifiers::NONE,
        });
    }

    fn kind(&self) -> Kind {
        self.app.kind()
    }

    /// The mailing on the verify screen on top.
    fn open_at_top(&self) -> crate::model::MailingId {
        self.app.top().checking().expect("a verify screen")
    }

    fn render(&self, w: u16, h: u16) -> Terminal<TestBackend> {
        let mut t = Terminal::new(TestBackend::new(w, h)).expect("terminal");
        t.draw(|f| self.app.draw(f)).expect("draw");
        t
    }

    fn screen(&self, w: u16, h: u16) -> String {
        self.render(w, h).backend().to_string()
    }

    fn wf(&mut self) -> &mut Workflow {
        &mut self.app.ctx_mut().wf
    }

    /// The user's open mailing.
    fn open(&mut self) -> Option<crate::model::MailingStatus> {
        let ctx = self.app.ctx_mut();
        ctx.wf.status(&ctx.session).expect("status")
    }

    /// The sheet codes of the user's open mailing's current print.
    fn codes(&mut self) -> Vec<String> {
        let m = self.open().expect("open mailing");
        let token: String = self
            .wf()
            .store_for_tests()
            .read(|tx| {
                Ok(tx.sql_for_tests().query_row(
                    "SELECT token FROM mailings WHERE id = ?1",
                    [m.mailing],
                    |r| r.get(0),
                )?)
            })
            .expect("token");
        let token = crate::code::MailingToken::from_base36(&token).expect("token");
        (1..=m.sheets)
            .map(|n| {
                crate::code::SheetCode::new(token, m.generation, n)
                    .expect("code")
                    .encode()
            })
            .collect()
    }

    /// Opens a case, starts a mailing to its first party and attaches the first document.
    fn draft(&mut self, case: &str) {
        self.hand(case);
        self.key(KeyCode::Enter);
        self.hand("n");
        self.key(KeyCode::Enter);
        self.hand(" ");
    }

    /// `draft`, then review and print, and waits for the print.
    fn print_first(&mut self, case: &str) {
        self.draft(case);
        self.key(KeyCode::F(5));
        self.key(KeyCode::Enter);
        self.app.wait_for_print(Duration::from_secs(60));
    }

    /// How many events of a kind the log holds.
    fn events(&mut self, kind: &str) -> i64 {
        self.wf()
            .store_for_tests()
            .read(|tx| {
                Ok(tx.sql_for_tests().query_row(
                    "SELECT count(*) FROM events WHERE kind = ?1",
                    [kind],
                    |r| r.get(0),
                )?)
            })
            .expect("events")
    }
}

/// A copy of the demo database in a fresh folder, and handlaggare1's desk over it.
fn desk(lang: Lang) -> (tempfile::TempDir, Desk) {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::copy(template(), dir.path().join("k.db")).expect("copy");
    let d = Desk::at(dir.path(), "handlaggare1", lang, Config::default(), false);
    (dir, d)
}

/// A team lead of team A sets one of the team's policies in the desks' database.
fn set_policy(dir: &Path, key: &str, value: &str) {
    let store = Store::open(&dir.join("k.db")).expect("open");
    let mut wf = Workflow::new(store, Config::default(), Lang::Sv, dir.join("outbox"));
    let lead = wf
        .session(Some("teamledare1"), "tty-lead", SessionKind::Cli)
        .expect("session");
    wf.set_policy(&lead, key, value).expect("policy");
}

/// A second desk over the same database, as `account`.
fn elsewhere(dir: &Path, account: &str, config: Config) -> (Workflow, crate::Session) {
    let store = Store::open(&dir.join("k.db")).expect("open");
    // A fixed clock: the print's time is on the station's screen.
    let mut wf =
        Workflow::new(store, config, Lang::Sv, dir.join("outbox")).with_clock(Box::new(fixed));
    let s = wf
        .session(Some(account), "tty-other", SessionKind::Tui)
        .expect("session");
    (wf, s)
}

/// Prints the open mailing of `s` (again, with a reason); its sheet codes.
fn print_at(wf: &mut Workflow, s: &crate::Session, reason: Option<&str>) -> Vec<String> {
    let plan = wf.prepare_print(s, reason).expect("plan");
    let job = wf.produce(&plan).expect("produce");
    wf.complete_print(s, &plan, &job).expect("complete");
    (1..=plan.sheets.len() as u32)
        .map(|n| plan.code(n).expect("code").encode())
        .collect()
}

/// A second desk over the same database: `account` prints a mailing of `case`; returns its
/// sheet codes.
fn printed_elsewhere(dir: &Path, account: &str, case: &str, config: Config) -> Vec<String> {
    let (mut wf, s) = elsewhere(dir, account, config);
    let detail = wf.show_case(&s, case).expect("case");
    wf.start(&s, case, detail.parties[0].id).expect("start");
    let doc = detail
        .documents
        .iter()
        .find(|d| d.subject == detail.parties[0].id);
    wf.attach(
        &s,
        &[doc.expect("a document about the applicant").id],
        false,
    )
    .expect("attach");
    print_at(&mut wf, &s, None)
}

/// A second desk over the same database: `account` prints its open mailing again; returns
/// the new print's sheet codes.
fn reprinted_elsewhere(dir: &Path, account: &str) -> Vec<String> {
    let (mut wf, s) = elsewhere(dir, account, Config::default());
    print_at(&mut wf, &s, Some("Papperet fastnade i skrivaren"))
}
