//! A reason typed by hand (reprint, void, lock break). A scanner's burst never completes it,
//! and the workflow's rule for reasons is checked before anything is done (a reason that
//! looks like a sheet code is a scan in the wrong field).

use ratatui::style::Stylize;
use ratatui::text::Line;

use crate::i18n::Ui;
use crate::tui::action::{Action, Cmd};
use crate::tui::ctx::Ctx;

/// Longest reason kept: the workflow's own limit, so what the field takes, the rule takes.
const MAX_CHARS: usize = crate::workflow::MAX_REASON_CHARS;

/// The field.
#[derive(Debug, Default)]
pub struct Reason {
    text: String,
    message: Option<String>,
}

/// Where typing the reason stands after an action.
#[derive(Debug, PartialEq, Eq)]
pub enum Step {
    Typing,
    /// Enter on a reason that passed the checks.
    Done(String),
    /// Esc.
    Cancelled,
}

impl Reason {
    pub fn update(&mut self, action: Action, ctx: &Ctx) -> Step {
        self.message = None;
        match action {
            Action::Type(c) if self.text.chars().count() < MAX_CHARS => self.text.push(c),
            Action::Do(Cmd::Erase) => {
                self.text.pop();
            }
            Action::Do(Cmd::Back) => return Step::Cancelled,
            Action::Scan(_) => self.message = Some(ctx.t(Ui::ScanInReason).to_owned()),
            Action::Do(Cmd::Confirm) if self.text.trim().is_empty() => {
                self.message = Some(ctx.t(Ui::ReasonEmpty).to_owned());
            }
            // The workflow's rule for reasons, checked before anything is done.
            Action::Do(Cmd::Confirm) => match ctx.wf.check_reason(self.text.trim()) {
                Ok(()) => return Step::Done(self.text.trim().to_owned()),
                Err(e) => self.message = Some(ctx.error(&e)),
            },
            _ => {}
        }
        Step::Typing
    }

    /// The prompt, the field and what is wrong, if anything.
    pub fn lines(&self, prompt: &str, ctx: &Ctx) -> Vec<Line<'static>> {
        let mut lines = vec![
            Line::from(prompt.to_owned()).bold(),
            super::field_line(&self.text, ctx),
        ];
        if let Some(m) = &self.message {
            lines.push(Line::from(m.clone()).red().bold());
        }
        lines
    }
}
