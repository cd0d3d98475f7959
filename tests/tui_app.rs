//! The terminal UI over the real workflow on both backends: a whole mailing by keys, as a
//! desk types and scans it; and on a server, a server that goes away in the middle of
//! sealing: the screen says the connection is lost, keeps the mailing, and carries on once
//! the server is back. (The screens themselves, in both languages and at every size, are
//! the snapshot tests beside the code: rendering does not depend on the backend.)

mod common;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use common::Env;
use common::pg::Cluster;
use kuvert::config::Config;
use kuvert::i18n::{Lang, Ui, ui};
use kuvert::store::Store;
use kuvert::tui::App;
use kuvert::workflow::{SessionKind, Workflow};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

const CASEWORKER: &str = "handlaggare1";
/// A case of team A whose first party has the first document about them (the demo's).
const CASE: &str = "2026-104037";

/// One desk: the app, its clock, and its outbox.
struct Desk {
    app: App,
    clock: Instant,
    outbox: PathBuf,
}

impl Desk {
    /// `account`'s desk: on the file through the demo's KUVERT_USER, on a server as the
    /// account's own login.
    fn new(env: &Env, account: &str) -> Self {
        let store = match &env.server {
            None => Store::open(&env.db),
            Some(s) => Store::connect(&s.url(account), s.name.clone()),
        }
        .expect("open the database");
        let outbox = env.dir.path().join("tui-outbox");
        let mut wf = Workflow::new(store, Config::default(), Lang::Sv, outbox.clone());
        let impersonate = env.server.is_none().then_some(account);
        let session = wf
            .session(impersonate, "tty-tui-app", SessionKind::Tui)
            .expect("session");
        Self {
            app: App::new(wf, session).expect("app"),
            clock: Instant::now(),
            outbox,
        }
    }

    fn press(&mut self, code: KeyCode, after_ms: u64) {
        self.clock += Duration::from_millis(after_ms);
        self.app
            .key(KeyEvent::new(code, KeyModifiers::NONE), self.clock);
    }

    /// Lets `ms` pass and ticks the app.
    fn wait(&mut self, ms: u64) {
        self.clock += Duration::from_millis(ms);
        self.app.tick(self.clock);
    }

    /// Typed by hand: a key every 200 ms.
    fn hand(&mut self, text: &str) {
        for c in text.chars() {
            self.press(KeyCode::Char(c), 200);
        }
        self.wait(200);
    }

    fn key(&mut self, code: KeyCode) {
        self.press(code, 200);
        self.wait(200);
    }

    /// A scanner's burst: every key 3 ms apart, then Enter.
    fn scan(&mut self, code: &str) {
        self.wait(300);
        for c in code.chars() {
            self.press(KeyCode::Char(c), 3);
        }
        self.press(KeyCode::Enter, 3);
        self.wait(200);
    }

    fn screen(&self) -> String {
        let mut t = Terminal::new(TestBackend::new(100, 30)).expect("terminal");
        t.draw(|f| self.app.draw(f)).expect("draw");
        t.backend().to_string()
    }

    /// Opens the case, starts a mailing to its first party, attaches the first document,
    /// reviews and prints, and gives the printed sheets' codes.
    fn print(&mut self, case: &str) -> Vec<String> {
        self.hand(case);
        self.key(KeyCode::Enter);
        self.hand("n");
        self.key(KeyCode::Enter);
        self.hand(" ");
        self.key(KeyCode::F(5));
        self.key(KeyCode::Enter);
        self.app.wait_for_print(Duration::from_secs(60));
        common::printed_codes(&newest_pdf(&self.outbox))
    }

    /// The user's open mailing's state, as the workflow says it.
    fn open(&mut self) -> Option<kuvert::model::MailingState> {
        let ctx = self.app.ctx_mut();
        ctx.wf
            .status(&ctx.session)
            .expect("status")
            .map(|m| m.state)
    }
}

fn newest_pdf(outbox: &Path) -> PathBuf {
    std::fs::read_dir(outbox)
        .expect("outbox")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "pdf"))
        .max_by_key(|p| std::fs::metadata(p).and_then(|m| m.modified()).ok())
        .expect("a print job in the outbox")
}

/// A verified mailing sealed by keys (F2 asks, F2 seals), and the log still whole.
fn seal_and_verify(d: &mut Desk, env: &Env) {
    assert_eq!(d.open(), Some(kuvert::model::MailingState::Verified));
    d.key(KeyCode::F(2));
    d.key(KeyCode::F(2));
    assert_eq!(d.open(), None, "sealed:\n{}", d.screen());
    let audit = env.json(Some("teamledare1"), &["audit", "verify"], 0);
    assert_eq!(audit["ok"], true);
}

on_both!(a_whole_mailing_by_keys);
fn a_whole_mailing_by_keys(env: &Env) {
    let mut d = Desk::new(env, CASEWORKER);
    let codes = d.print(CASE);
    assert!(codes.len() >= 2, "a cover and a document: {codes:?}");
    for code in &codes {
        d.scan(code);
    }
    seal_and_verify(&mut d, env);
}

#[test]
fn a_server_that_goes_away_is_said_and_the_mailing_carries_on() {
    let Some(pg) = Cluster::own() else { return };
    let pg: &'static Cluster = Box::leak(Box::new(pg));
    let env = Env::demo_on(pg);
    let mut d = Desk::new(&env, CASEWORKER);
    let codes = d.print(CASE);
    d.scan(&codes[0]);
    let banner = ui(Ui::ConnectionLost, Lang::Sv);
    assert!(!d.screen().contains(&banner[..30]));

    pg.stop();
    d.scan(&codes[1]);
    let screen = d.screen();
    assert!(
        screen.contains(&banner[..30]),
        "the banner says it:\n{screen}"
    );
    assert!(
        screen.contains(CASE),
        "the mailing stays on the screen:\n{screen}"
    );
    // Trying again while the server is still down changes nothing.
    d.app.refresh();
    assert!(d.screen().contains(&banner[..30]));

    pg.start();
    d.app.refresh();
    let screen = d.screen();
    assert!(!screen.contains(&banner[..30]), "back:\n{screen}");
    // The sheet scanned while the server was away was not counted: scan it again, and the
    // rest, and seal.
    for code in &codes[1..] {
        d.scan(code);
    }
    seal_and_verify(&mut d, &env);
}
