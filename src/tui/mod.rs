//! The caseworker's terminal UI (ratatui + crossterm) over the same workflow as the command
//! line. A plain synchronous loop: poll input, drain every pending event, draw.
//!
//! Screens: start, case, compose, review/print, verify (with the hard stop) and the sealing
//! station. Keys come from one table (`action`); a barcode scanner is a keyboard whose bursts
//! `burst` recognises. Mouse clicks select and act on list rows (Shift+drag still selects
//! text in most terminals).

pub mod action;
pub mod app;
pub mod burst;
pub mod screens;

use std::io::stdout;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use ratatui::crossterm::event::{
    self, DisableMouseCapture, EnableMouseCapture, Event, KeyEventKind,
};
use ratatui::crossterm::execute;

pub use app::App;

use crate::error::{Error, Result};

/// Text from the database as it may be shown in a terminal: control characters (escape
/// sequences among them) are replaced, so stored text can never drive the terminal.
pub fn sanitize(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() { '\u{fffd}' } else { c })
        .collect()
}

/// Runs the UI until the caseworker quits or the terminal goes away (SIGHUP, SIGTERM); the
/// terminal is restored on every way out, panics included.
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
    let result = event_loop(&mut terminal, &mut app, &hangup);
    let _ = execute!(stdout(), DisableMouseCapture);
    ratatui::restore();
    let ended = app.finish();
    result.and(ended)
}

fn event_loop(
    terminal: &mut ratatui::DefaultTerminal,
    app: &mut App,
    hangup: &AtomicBool,
) -> Result<()> {
    let io = |e: std::io::Error| Error::io("the terminal", e);
    loop {
        terminal.draw(|frame| app.draw(frame)).map_err(io)?;
        // Bounded, so a hang-up is noticed even without input.
        if event::poll(Duration::from_millis(200)).map_err(io)? {
            loop {
                match event::read().map_err(io)? {
                    Event::Key(key) if key.kind == KeyEventKind::Press => app.handle_key(key),
                    Event::Mouse(mouse) => app.handle_mouse(mouse),
                    _ => {}
                }
                if app.quitting() || !event::poll(Duration::ZERO).map_err(io)? {
                    break;
                }
            }
        }
        app.tick();
        if app.take_bell() {
            // A hard stop must be heard, not only seen.
            use std::io::Write;
            let mut out = stdout();
            let _ = out.write_all(b"\x07");
            let _ = out.flush();
        }
        if app.quitting() || hangup.load(Ordering::Relaxed) {
            return Ok(());
        }
    }
}
