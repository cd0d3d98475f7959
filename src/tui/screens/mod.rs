//! One file per screen; each owns its state (private), acts on actions and answers with an
//! effect, and draws itself without I/O.

pub mod case;
pub mod compose;
pub mod lead;
pub mod reason;
pub mod review;
pub mod start;
pub mod station;
pub mod verify;

use std::cell::Cell;
use std::ops::ControlFlow;

use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::style::{Color, Style};
use ratatui::text::{Line, Span};

use super::action::{Action, Effect};
use super::ctx::Ctx;
use super::keys::Binding;
use crate::model::MailingId;

/// Which screen is on top (for the app and the tests).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Start,
    Case,
    Compose,
    Review,
    Verify,
    Station,
    Lead,
}

/// A screen: its key table for the state it is in, what it does with an action, and how it
/// looks.
pub trait Screen {
    fn kind(&self) -> Kind;

    /// The key table in force now; the footer and help are drawn from it.
    fn keys(&self) -> &'static [Binding];

    /// Carries out one action; says what the app should do next.
    fn update(&mut self, action: Action, ctx: &mut Ctx) -> Effect;

    /// Draws the screen; reads state only.
    fn draw(&self, frame: &mut Frame, area: Rect, ctx: &Ctx);

    /// Reads again what other desks may have changed; called every few seconds and when the
    /// screen comes back on top.
    fn refresh(&mut self, _ctx: &mut Ctx) -> Effect {
        Effect::None
    }

    /// A mouse click at a cell: selects the row under it, or asks for an action when the
    /// row was already selected.
    fn click(&mut self, _x: u16, _y: u16) -> Option<Action> {
        None
    }

    /// The print this screen asked for failed.
    fn print_failed(&mut self, _message: String) {}

    /// The mailing being checked, on a verify screen.
    fn checking(&self) -> Option<MailingId> {
        None
    }

    /// A hard stop is on screen: it is drawn even in a window that is too small.
    fn stopped(&self) -> bool {
        false
    }
}

/// The answer to "quit?" on a first screen: yes quits, a scan opens that envelope (a
/// scanner does not wait for the question), anything else keeps the screen.
pub fn quit_answer(action: Action) -> Effect {
    match action {
        Action::Do(super::action::Cmd::Yes) => Effect::Quit,
        Action::Scan(code) => Effect::OpenCover(code, crate::model::ScanSource::Scanner),
        _ => Effect::None,
    }
}

/// The longest line a first screen takes: a case number or a typed code, with room to spare.
const FIRST_SCREEN_MAX_CHARS: usize = 40;

/// The one line a first screen (start, station) reads, with its last message and the quit
/// question: what both screens do alike.
#[derive(Debug, Default)]
pub struct FirstLine {
    /// A case number or a code, typed.
    pub input: String,
    /// The last message (a refusal, an unknown case, a fault).
    pub message: Option<String>,
    /// Esc was pressed: "quit kuvert?" waits for an answer.
    pub asking_quit: bool,
}

impl FirstLine {
    /// The screen's own keys, or the quit question's while it waits.
    pub fn keys(&self, own: &'static [Binding]) -> &'static [Binding] {
        if self.asking_quit {
            super::keys::ASK_QUIT
        } else {
            own
        }
    }

    /// What comes before the screen's own rules: the answer to "quit?", typing and erasing,
    /// and Esc asking to quit. `Continue` hands the action back for the screen to decide.
    pub fn update(&mut self, action: Action) -> ControlFlow<Effect, Action> {
        use super::action::Cmd;
        if std::mem::take(&mut self.asking_quit) {
            return ControlFlow::Break(quit_answer(action));
        }
        self.message = None;
        match action {
            Action::Type(c) => {
                if self.input.chars().count() < FIRST_SCREEN_MAX_CHARS {
                    self.input.push(c);
                }
            }
            Action::Do(Cmd::Erase) => {
                self.input.pop();
            }
            Action::Do(Cmd::Back) => self.asking_quit = true,
            other => return ControlFlow::Continue(other),
        }
        ControlFlow::Break(Effect::None)
    }

    /// The quit question while it waits, else the last message.
    pub fn draw_note(&self, frame: &mut Frame, area: Rect, ctx: &Ctx) {
        use ratatui::widgets::{Paragraph, Wrap};
        let note = if self.asking_quit {
            Some(
                Paragraph::new(ctx.t(crate::i18n::Ui::AskQuit))
                    .style(Style::new().bold().fg(Color::Yellow)),
            )
        } else {
            self.message
                .as_ref()
                .map(|m| Paragraph::new(crate::tui::sanitize(m)).style(Style::new().fg(Color::Red)))
        };
        if let Some(p) = note {
            frame.render_widget(p.wrap(Wrap { trim: true }), area);
        }
    }
}

/// "N sheets go in the envelope", counted by the plan's one rule, as compose and review
/// show it.
pub fn envelope_sheets(
    enclosures: &[crate::model::Enclosure],
    protected: bool,
    ctx: &Ctx,
) -> Line<'static> {
    let sheets = crate::plan::sheet_count(enclosures, protected);
    Line::from(crate::i18n::fill(
        ctx.t(crate::i18n::Ui::EnvelopeSheets),
        &[&sheets],
    ))
}

/// A text cut to `width` characters, ending in "…" when something was cut.
pub fn fit(text: &str, width: u16) -> String {
    let width = usize::from(width);
    if text.chars().count() <= width {
        return text.to_owned();
    }
    let mut cut: String = text.chars().take(width.saturating_sub(1)).collect();
    if width > 0 {
        cut.push('…');
    }
    cut
}

/// A text field's line with the characters the input pipeline still holds.
pub fn field_line(typed: &str, ctx: &Ctx) -> Line<'static> {
    input_line(&format!("{typed}{}", ctx.held))
}

/// A text field's line: the prompt, what was typed (sanitised, bold) and the cursor.
pub fn input_line(typed: &str) -> Line<'static> {
    Line::from(vec![
        Span::raw("> "),
        Span::styled(crate::tui::sanitize(typed), Style::new().bold()),
        Span::styled("█", Style::new().fg(Color::DarkGray)),
    ])
}

/// Where a list's rows were last drawn and which row was at the top, so a mouse click can
/// be mapped to a row. Written while drawing (a `Cell`: drawing reads state only).
#[derive(Debug, Default)]
pub struct ListGeometry(Cell<(Rect, usize)>);

impl ListGeometry {
    /// Remembers the rows' area (one line a row) and the first row shown.
    pub fn set(&self, rows: Rect, offset: usize) {
        self.0.set((rows, offset));
    }

    /// The row under a click, if the click was on a row that exists.
    pub fn row_at(&self, x: u16, y: u16, len: usize) -> Option<usize> {
        let (rows, offset) = self.0.get();
        if !rows.contains(Position { x, y }) {
            return None;
        }
        let row = offset + usize::from(y - rows.y);
        (row < len).then_some(row)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cut_text_ends_in_an_ellipsis() {
        assert_eq!(fit("Arbetsgivarens redogörelse", 10), "Arbetsgiv…");
        assert_eq!(fit("Fullmakt", 10), "Fullmakt");
        assert_eq!(fit("Fullmakt", 0), "");
    }

    #[test]
    fn clicks_map_to_rows_below_the_offset() {
        let g = ListGeometry::default();
        g.set(Rect::new(1, 5, 30, 10), 3);
        assert_eq!(g.row_at(2, 5, 20), Some(3));
        assert_eq!(g.row_at(2, 9, 20), Some(7));
        assert_eq!(g.row_at(2, 9, 6), None, "below the last row");
        assert_eq!(g.row_at(0, 5, 20), None, "on the border");
        assert_eq!(g.row_at(2, 15, 20), None, "under the list");
    }
}
