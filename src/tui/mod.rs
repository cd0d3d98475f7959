//! The caseworker's terminal UI (ratatui + crossterm) over the same workflow as the command
//! line. A plain synchronous loop: wait for input (read on a thread of its own), hand it to
//! the app, draw; the terminal is watched so a closed window ends the session.
//!
//! Screens: start, case, compose, review/print, verify (with the hard stop), the sealing
//! station and the lead tab. Every key goes through one pipeline (`input`: a scanner's burst
//! is a scan on every screen) and one key table (`keys`) that also writes the footer and the
//! help. Mouse clicks select and act on list rows (Shift+drag still selects text in most
//! terminals).

pub mod action;
pub mod app;
mod chrome;
pub mod ctx;
pub mod input;
pub mod keys;
pub mod screens;
mod tty;

#[cfg(test)]
mod tests;

use std::io::{Write, stdout};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::RecvTimeoutError;
use std::time::{Duration, Instant};

use ratatui::crossterm::event::{DisableMouseCapture, EnableMouseCapture, Event, KeyEventKind};
use ratatui::crossterm::execute;

pub use app::App;

use crate::error::{Error, Result};

/// The longest the loop waits before it looks at the terminal and the signals again.
const WATCH: Duration = Duration::from_millis(100);

/// Text from the database as it may be shown in a terminal: control characters (escape
/// sequences among them) are replaced, so stored text can never drive the terminal.
pub fn sanitize(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() { '\u{fffd}' } else { c })
        .collect()
}

/// Runs the UI until the caseworker quits or the terminal goes away (end of input, a hung-up
/// or vanished tty, SIGHUP, SIGTERM): the session is ended and logged, the open mailing kept,
/// and the terminal restored as far as it still exists, within a fraction of a second.
pub fn run(mut app: App) -> Result<()> {
    let hangup = Arc::new(AtomicBool::new(false));
    #[cfg(unix)]
    for signal in [signal_hook::consts::SIGTERM, signal_hook::consts::SIGHUP] {
        signal_hook::flag::register(signal, Arc::clone(&hangup))
            .map_err(|e| Error::io("installing signal handlers", e))?;
    }
    let mut terminal = ratatui::try_init().map_err(|e| Error::io("opening the terminal", e))?;
    // ratatui's panic hook restores raw mode and the screen; mouse capture is ours to undo.
    let _ = execute!(stdout(), EnableMouseCapture);
    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let _ = execute!(stdout(), DisableMouseCapture);
        hook(info);
    }));
    let tty = tty::Tty::open();
    let ended = event_loop(&mut terminal, &mut app, &hangup, &tty);
    if ended != Ended::Quit {
        // A print on its way is recorded if it finishes now; else it stays a draft.
        app.wait_for_print(Duration::from_millis(500));
    }
    tracing::info!(how = ?ended, "terminal session ends");
    // The session's end is written first: on a closed terminal restoring it fails, and
    // ratatui's `restore` would report that on a stderr that is gone too (a panic).
    let finished = app.finish();
    if ended == Ended::TerminalGone || tty.gone() {
        // Nothing to restore, and the terminal's drop would report that on a stderr that is
        // gone too, which panics: leave it.
        std::mem::forget(terminal);
    } else {
        let _ = execute!(stdout(), DisableMouseCapture);
        drop(terminal);
        let _ = ratatui::try_restore();
    }
    finished
}

/// Why the loop ended.
#[derive(Debug, PartialEq, Eq)]
enum Ended {
    Quit,
    Signal,
    TerminalGone,
}

fn event_loop(
    terminal: &mut ratatui::DefaultTerminal,
    app: &mut App,
    hangup: &AtomicBool,
    tty: &tty::Tty,
) -> Ended {
    let events = tty::reader();
    loop {
        if terminal.draw(|frame| app.draw(frame)).is_err() {
            return Ended::TerminalGone;
        }
        let now = Instant::now();
        let wait = app
            .deadline()
            .map_or(WATCH, |d| d.saturating_duration_since(now).min(WATCH));
        let mut next = events.recv_timeout(wait);
        loop {
            match next {
                Ok(Ok(Event::Key(key))) if key.kind == KeyEventKind::Press => {
                    app.key(key, Instant::now());
                }
                Ok(Ok(Event::Mouse(mouse))) => app.mouse(mouse),
                Ok(Ok(Event::Resize(w, h))) => app.resize(w, h),
                Ok(Ok(_)) => {}
                // A signal first: SIGTERM may end the reader too, and then the terminal is
                // still there to be restored.
                Ok(Err(_)) | Err(RecvTimeoutError::Disconnected)
                    if hangup.load(Ordering::Relaxed) && !tty.gone() =>
                {
                    return Ended::Signal;
                }
                Ok(Err(_)) | Err(RecvTimeoutError::Disconnected) => return Ended::TerminalGone,
                Err(RecvTimeoutError::Timeout) => break,
            }
            if app.quitting() {
                break;
            }
            // Drain every pending event before drawing, or a scanner's burst backs up.
            next = events.recv_timeout(Duration::ZERO);
        }
        app.tick(Instant::now());
        if app.take_bell() {
            // A hard stop must be heard, not only seen.
            let mut out = stdout();
            let _ = out.write_all(b"\x07");
            let _ = out.flush();
        }
        if app.quitting() {
            return Ended::Quit;
        }
        if hangup.load(Ordering::Relaxed) {
            return Ended::Signal;
        }
        if tty.gone() {
            return Ended::TerminalGone;
        }
    }
}
