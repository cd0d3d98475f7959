//! The sealing station: a full-screen scan view for a sealing desk. Scanning the cover sheet
//! of a printed envelope of the team opens it for verification; the team's waiting envelopes
//! are listed so nothing lies forgotten in a tray.

use std::ops::ControlFlow;

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Stylize;
use ratatui::text::Line;
use ratatui::widgets::{Block, Paragraph, Row, Table, Wrap};

use super::{Kind, Screen};
use crate::i18n::{self, Ui};
use crate::model::AwaitingSeal;
use crate::model::ScanSource;
use crate::tui::action::{Action, Cmd, Effect};
use crate::tui::ctx::Ctx;
use crate::tui::keys::{self, Binding};
use crate::tui::sanitize;

/// State of the station screen.
#[derive(Debug, Default)]
pub struct StationScreen {
    /// A cover code typed by hand, the last message, the quit question.
    line: super::FirstLine,
    /// The team's printed envelopes waiting to be sealed, as last read.
    waiting: Vec<AwaitingSeal>,
}

impl StationScreen {
    /// The station with the team's waiting envelopes read from the database.
    pub fn new(ctx: &mut Ctx) -> Self {
        let mut s = Self::default();
        s.refresh(ctx);
        s
    }

    /// The envelopes listed as waiting (tests).
    pub fn waiting(&self) -> &[AwaitingSeal] {
        &self.waiting
    }
}

impl Screen for StationScreen {
    fn kind(&self) -> Kind {
        Kind::Station
    }

    fn keys(&self) -> &'static [Binding] {
        self.line.keys(keys::STATION)
    }

    fn update(&mut self, action: Action, _ctx: &mut Ctx) -> Effect {
        let action = match self.line.update(action) {
            ControlFlow::Break(effect) => return effect,
            ControlFlow::Continue(action) => action,
        };
        match action {
            Action::Scan(code) => return Effect::OpenCover(code, ScanSource::Scanner),
            Action::Do(Cmd::Confirm) if !self.line.input.trim().is_empty() => {
                return Effect::OpenCover(std::mem::take(&mut self.line.input), ScanSource::Keyed);
            }
            _ => {}
        }
        Effect::None
    }

    fn refresh(&mut self, ctx: &mut Ctx) -> Effect {
        match ctx.wf.awaiting_seal(&ctx.session) {
            Ok(waiting) => self.waiting = waiting,
            Err(e) => self.line.message = Some(ctx.error(&e)),
        }
        Effect::None
    }

    fn draw(&self, frame: &mut Frame, area: Rect, ctx: &Ctx) {
        let lang = ctx.lang;
        let [header, prompt, list, message] = Layout::vertical([
            Constraint::Length(3),
            Constraint::Length(6),
            Constraint::Min(3),
            Constraint::Length(3),
        ])
        .areas(area);
        frame.render_widget(
            Paragraph::new(ctx.who.line(lang))
                .block(Block::bordered().title(i18n::ui(Ui::Station, lang))),
            header,
        );
        frame.render_widget(
            Paragraph::new(vec![
                super::field_line(&self.line.input, ctx),
                Line::from(i18n::ui(Ui::StationHint, lang)).dark_gray(),
            ])
            .wrap(Wrap { trim: true })
            .block(
                Block::bordered()
                    .title(i18n::ui(Ui::StationPrompt, lang))
                    .bold(),
            ),
            prompt,
        );
        let block = Block::bordered().title(format!(
            "{} ({})",
            i18n::ui(Ui::AwaitingSeal, lang),
            self.waiting.len()
        ));
        if self.waiting.is_empty() {
            frame.render_widget(
                Paragraph::new(i18n::ui(Ui::NoneAwaiting, lang)).block(block),
                list,
            );
        } else {
            let rows = self.waiting.iter().map(|w| {
                Row::new(vec![
                    sanitize(&w.case),
                    i18n::state_text(w.state, lang).to_owned(),
                    sanitize(&w.printed_by),
                    crate::time_fmt::display(&w.printed),
                    w.sheets.to_string(),
                ])
            });
            frame.render_widget(
                Table::new(
                    rows,
                    [
                        Constraint::Length(16),
                        Constraint::Length(13),
                        Constraint::Fill(1),
                        Constraint::Length(17),
                        Constraint::Length(8),
                    ],
                )
                .header(
                    Row::new(vec![
                        i18n::ui(Ui::Case, lang),
                        i18n::ui(Ui::State, lang),
                        i18n::ui(Ui::PrintedBy, lang),
                        i18n::ui(Ui::Printed, lang),
                        i18n::ui(Ui::Sheet, lang),
                    ])
                    .bold(),
                )
                .block(block),
                list,
            );
        }
        self.line.draw_note(frame, message, ctx);
    }
}
