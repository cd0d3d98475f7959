//! The sealing station: a full-screen scan view for a sealing desk. Scanning the cover sheet
//! of a printed envelope of the team opens it for verification; the team's waiting envelopes
//! are listed so nothing lies forgotten in a tray.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Style, Stylize};
use ratatui::text::Line;
use ratatui::widgets::{Block, Paragraph, Row, Table, Wrap};

use crate::i18n::{self, Lang, Ui};
use crate::model::AwaitingSeal;
use crate::tui::burst::Burst;
use crate::tui::sanitize;
use crate::tui::screens::start::Who;

/// State of the station screen.
#[derive(Debug, Default)]
pub struct StationScreen {
    /// The code being scanned or typed.
    pub input: Burst,
    /// The team's printed envelopes waiting to be sealed, as last read.
    pub waiting: Vec<AwaitingSeal>,
    pub message: Option<String>,
}

impl StationScreen {
    /// Draws the screen; reads state only.
    pub fn draw(&self, frame: &mut Frame, area: Rect, who: &Who, lang: Lang) {
        let [header, prompt, list, message] = Layout::vertical([
            Constraint::Length(3),
            Constraint::Length(6),
            Constraint::Min(3),
            Constraint::Length(3),
        ])
        .areas(area);
        frame.render_widget(
            Paragraph::new(who.line(lang))
                .block(Block::bordered().title(i18n::ui(Ui::Station, lang))),
            header,
        );
        frame.render_widget(
            Paragraph::new(vec![
                super::input_line(self.input.text()),
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
        if let Some(msg) = &self.message {
            frame.render_widget(
                Paragraph::new(sanitize(msg))
                    .wrap(Wrap { trim: true })
                    .style(Style::new().fg(Color::Red)),
                message,
            );
        }
    }
}
