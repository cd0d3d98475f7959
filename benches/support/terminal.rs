//! The terminal's figures of issue 16, in process on the bench database: from the Enter of
//! a scanner's burst to the frame that shows the sheet's green tick, and from opening the
//! database to the first frame drawn (the whole process is timed by scripts/bench.sh).

use std::path::Path;
use std::time::{Duration, Instant};

use kuvert::code::{MailingToken, SheetCode};
use kuvert::config::Config;
use kuvert::i18n::Lang;
use kuvert::tui::App;
use kuvert::{SessionKind, Workflow};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::style::Color;

use super::backend::Backend;

/// The green ticks on screen: one per sheet scanned in this round.
fn green_ticks(terminal: &Terminal<TestBackend>) -> usize {
    terminal
        .backend()
        .buffer()
        .content()
        .iter()
        .filter(|c| c.symbol() == "✓" && c.bg == Color::Green)
        .count()
}

/// A scanner's burst of `code` at 3 ms a key, its Enter at `enter`.
fn burst(app: &mut App, code: &str, clock: &mut Instant) {
    for c in code.chars() {
        *clock += Duration::from_millis(3);
        app.key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE), *clock);
    }
    *clock += Duration::from_millis(3);
}

/// The desk of the owner of a printed mailing, drawn on a 120×40 terminal: the time from
/// opening the database to the first frame, then `n` scans of its sheets, each timed from
/// its Enter to the frame that shows the tick (checked on the frame: a scan whose tick is not
/// drawn fails the benchmark).
pub fn figures(
    backend: &Backend,
    db: &Path,
    n: usize,
    percentiles: fn(Vec<Duration>) -> (f64, f64),
) {
    let raw = rusqlite::Connection::open(db).expect("open the bench database");
    let (account, token, generation, sheets): (String, String, u32, u32) = raw
        .query_row(
            "SELECT m.account, m.token, m.generation, p.sheets FROM mailings m
                 JOIN print_jobs p ON p.mailing_id = m.id AND p.generation = m.generation
                 WHERE m.state = 'printed' ORDER BY m.id DESC LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .expect("a printed mailing in the bench database");
    drop(raw);
    let token = MailingToken::from_base36(&token).expect("token");
    let code = |sheet| {
        SheetCode::new(token, generation, sheet)
            .expect("code")
            .encode()
    };
    let name = backend.name();

    let started = Instant::now();
    let (store, named) = backend.store(&account);
    let mut wf = Workflow::new(store, Config::default(), Lang::Sv, std::env::temp_dir());
    let session = wf
        .session(named.then_some(account.as_str()), "bench", SessionKind::Tui)
        .expect("session");
    let mut app = App::new(wf, session).expect("app");
    let mut terminal = Terminal::new(TestBackend::new(120, 40)).expect("terminal");
    terminal.draw(|f| app.draw(f)).expect("draw");
    let first = started.elapsed().as_secs_f64() * 1e3;

    // The cover opens the envelope for verification; the tiles show its sheets.
    let mut clock = Instant::now();
    burst(&mut app, &code(1), &mut clock);
    app.key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE), clock);
    terminal.draw(|f| app.draw(f)).expect("draw");
    let mut times = Vec::with_capacity(n);
    let mut scanned = std::collections::BTreeSet::from([1]);
    for i in 0..n {
        let sheet = 2 + (i as u32 % (sheets - 1).max(1));
        burst(&mut app, &code(sheet.min(sheets)), &mut clock);
        let t = Instant::now();
        app.key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE), clock);
        terminal.draw(|f| app.draw(f)).expect("draw");
        times.push(t.elapsed());
        scanned.insert(sheet.min(sheets));
        assert_eq!(
            green_ticks(&terminal),
            scanned.len(),
            "{name}: sheet {sheet}'s tick is not on the frame"
        );
        app.tick(clock + Duration::from_millis(200));
    }
    let (median, p99) = percentiles(times);
    println!(
        "{name}: TUI, open the database to the first frame, in process: {first:.1} ms (target < 50 ms as a process, scripts/bench.sh)"
    );
    println!(
        "{name}: TUI, Enter of a scanner burst to the frame with the green tick ({n} scans of a {sheets}-sheet mailing): median {median:.3} ms, p99 {p99:.3} ms (target p99 < 4 ms)"
    );
    app.finish().expect("end the session");
}
