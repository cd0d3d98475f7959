//! Scanning at sealing: a big checklist of sheets that fills as they are scanned, and the
//! hard stop — full screen, red — for a sheet that does not belong. The same screen serves
//! the caseworker's own desk and a sealing station (`Desk::Station`).

use std::time::Instant;

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Style, Stylize};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph, Wrap};

use crate::i18n::{self, Lang, Text, Ui};
use crate::model::{MailingState, MailingStatus, ScanOutcome, ScanSource, Verdict};
use crate::tui::burst::Burst;
use crate::tui::sanitize;
use crate::workflow::Desk;

/// What a reason is being typed for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReasonFor {
    Reprint,
    Void,
}

/// State of the verify screen.
#[derive(Debug)]
pub struct VerifyScreen {
    pub mailing: MailingStatus,
    /// Whose desk: the caseworker's own mailing, or one opened at a station.
    pub desk: Desk,
    /// Dual control and this is the printer's own desk: a colleague must scan and seal.
    pub four_eyes: bool,
    /// What is being typed or scanned.
    pub input: Burst,
    pub last: Option<(ScanOutcome, ScanSource)>,
    /// A foreign, stale or unknown sheet: shown until acknowledged.
    pub hard_stop: Option<ScanOutcome>,
    /// F2 was pressed once: the next F2 seals.
    pub confirm_seal: bool,
    /// A reason being typed for a reprint or a void.
    pub reason: Option<(ReasonFor, String)>,
    pub message: Option<String>,
    /// Right after printing: how many sheets to fetch from which printer, and the job file.
    pub collect: Option<String>,
}

impl VerifyScreen {
    pub fn new(mailing: MailingStatus, desk: Desk) -> Self {
        Self {
            mailing,
            desk,
            four_eyes: false,
            input: Burst::default(),
            last: None,
            hard_stop: None,
            confirm_seal: false,
            reason: None,
            message: None,
            collect: None,
        }
    }

    /// One typed character, with when it came (for telling a scanner from a hand).
    pub fn type_char(&mut self, c: char, at: Instant) {
        self.input.push(c, at);
    }

    /// Takes the typed code and how it came; clears the field.
    pub fn take_code(&mut self) -> (String, ScanSource) {
        self.input.take()
    }

    /// Draws the screen; reads state only.
    pub fn draw(&self, frame: &mut Frame, area: Rect, lang: Lang) {
        if let Some(stop) = &self.hard_stop {
            self.draw_hard_stop(frame, area, stop, lang);
            return;
        }
        let m = &self.mailing;
        let protected_rows = if m.recipient_protected { 6 } else { 0 };
        let head_rows = if self.collect.is_some() { 6 } else { 4 };
        let [head, protected, sheets, field] = Layout::vertical([
            Constraint::Length(head_rows),
            Constraint::Length(protected_rows),
            Constraint::Min(3),
            Constraint::Length(6),
        ])
        .areas(area);
        let title = match self.desk {
            Desk::Own => i18n::ui(Ui::Verify, lang),
            Desk::Station(_) => i18n::ui(Ui::StationVerify, lang),
        };
        let mut head_lines = vec![Line::from(format!(
            "{}  {}  {}/{}  {}",
            sanitize(&m.case),
            i18n::state_text(m.state, lang),
            m.seen,
            m.required,
            i18n::ui(Ui::ScanHint, lang)
        ))];
        if let Some(collect) = &self.collect {
            head_lines.push(Line::from(sanitize(collect)).cyan());
        }
        frame.render_widget(
            Paragraph::new(head_lines)
                .wrap(Wrap { trim: true })
                .block(Block::bordered().title(title)),
            head,
        );
        if m.recipient_protected {
            frame.render_widget(
                Paragraph::new(i18n::text(Text::ProtectedSteps, lang))
                    .wrap(Wrap { trim: true })
                    .block(
                        Block::bordered()
                            .title(i18n::ui(Ui::ProtectedTitle, lang))
                            .yellow(),
                    ),
                protected,
            );
        }
        let checklist = Block::bordered();
        let inner = checklist.inner(sheets);
        frame.render_widget(checklist, sheets);
        frame.render_widget(Paragraph::new(self.tiles(inner)), inner);
        frame.render_widget(
            Paragraph::new(self.field_lines(lang))
                .wrap(Wrap { trim: true })
                .block(Block::bordered()),
            field,
        );
    }

    /// The checklist: one tile a sheet, three rows tall where there is room, green once
    /// scanned in this round.
    fn tiles(&self, area: Rect) -> Vec<Line<'static>> {
        const WIDTH: u16 = 7;
        let m = &self.mailing;
        let per_row = (area.width / (WIDTH + 1)).max(1);
        let rows = m.sheets.div_ceil(u32::from(per_row));
        let tall = rows * 3 <= u32::from(area.height);
        let mut lines = Vec::new();
        for r in 0..rows {
            let first = r * u32::from(per_row) + 1;
            let last = (first + u32::from(per_row) - 1).min(m.sheets);
            let mut top = Vec::new();
            let mut middle = Vec::new();
            let mut bottom = Vec::new();
            for n in first..=last {
                let seen = m.seen_sheets.contains(&n);
                let style = if seen {
                    Style::new().fg(Color::Black).bg(Color::Green).bold()
                } else {
                    Style::new().fg(Color::White).bg(Color::DarkGray)
                };
                let mark = if seen { "✓" } else { " " };
                top.push(Span::styled(" ".repeat(WIDTH.into()), style));
                middle.push(Span::styled(format!("{n:^7}"), style));
                bottom.push(Span::styled(format!("{mark:^7}"), style));
                for row in [&mut top, &mut middle, &mut bottom] {
                    row.push(Span::raw(" "));
                }
            }
            if tall {
                lines.extend([Line::from(top), Line::from(middle), Line::from(bottom)]);
            } else {
                lines.push(Line::from(middle));
            }
        }
        lines
    }

    fn field_lines(&self, lang: Lang) -> Vec<Line<'static>> {
        if let Some((what, text)) = &self.reason {
            let prompt = match what {
                ReasonFor::Reprint => i18n::ui(Ui::ReprintReason, lang),
                ReasonFor::Void => i18n::ui(Ui::VoidReason, lang),
            };
            return vec![
                Line::from(prompt).bold(),
                Line::from(format!("> {}", sanitize(text))),
            ];
        }
        let mut lines = vec![Line::from(vec![
            Span::raw("> "),
            Span::styled(sanitize(self.input.text()), Style::new().bold()),
        ])];
        // What went wrong comes first: the field is only a few lines tall.
        if let Some(msg) = &self.message {
            lines.push(Line::styled(sanitize(msg), Style::new().fg(Color::Red)));
        }
        if let Some((out, source)) = &self.last {
            let how = match source {
                ScanSource::Scanner => i18n::ui(Ui::Scanned, lang),
                _ => i18n::ui(Ui::Keyed, lang),
            };
            let text = format!(
                "{} ({how})",
                i18n::verdict_text(out.verdict, out.other_case.as_deref(), lang)
            );
            let color = match out.verdict {
                Verdict::Ok | Verdict::Duplicate => Color::Green,
                _ => Color::Yellow,
            };
            lines.push(Line::styled(text, Style::new().fg(color)));
        }
        if self.four_eyes {
            lines.push(Line::from(i18n::ui(Ui::FourEyesNote, lang)).bold().yellow());
        } else if self.confirm_seal {
            lines.push(Line::from(i18n::ui(Ui::ConfirmSeal, lang)).bold().yellow());
        } else if self.mailing.state == MailingState::Verified {
            lines.push(Line::from(i18n::ui(Ui::ReadyToSeal, lang)).bold());
        }
        lines
    }

    fn draw_hard_stop(&self, frame: &mut Frame, area: Rect, stop: &ScanOutcome, lang: Lang) {
        let red = Style::new().fg(Color::White).bg(Color::Red).bold();
        frame.render_widget(Clear, area);
        let lines = vec![
            Line::from(""),
            Line::from(i18n::ui(Ui::HardStop, lang)).centered(),
            Line::from(""),
            Line::from(i18n::verdict_text(
                stop.verdict,
                stop.other_case.as_deref(),
                lang,
            ))
            .centered(),
            Line::from(""),
            Line::from(format!("F9 – {}", i18n::ui(Ui::KeyAcknowledge, lang))).centered(),
        ];
        frame.render_widget(
            Paragraph::new(lines)
                .wrap(Wrap { trim: true })
                .style(red)
                .block(Block::bordered()),
            area,
        );
    }
}
