//! Scanning at sealing: a checklist of sheets that fills as they are scanned, and the hard
//! stop — full screen, red — for a sheet that does not belong.

use std::time::{Duration, Instant};

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Style, Stylize};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph, Wrap};

use crate::i18n::{self, Lang, Ui};
use crate::model::{MailingState, MailingStatus, ScanOutcome, ScanSource, Verdict};
use crate::tui::sanitize;

/// A burst whose keystrokes all came within this gap was typed by a scanner.
pub const SCANNER_GAP: Duration = Duration::from_millis(40);

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
    pub input: String,
    last_key: Option<Instant>,
    widest_gap: Duration,
    pub last: Option<(ScanOutcome, ScanSource)>,
    /// A foreign, stale or unknown sheet: shown until acknowledged.
    pub hard_stop: Option<ScanOutcome>,
    /// F2 was pressed once: the next F2 seals.
    pub confirm_seal: bool,
    /// A reason being typed for a reprint or a void.
    pub reason: Option<(ReasonFor, String)>,
    pub message: Option<String>,
}

impl VerifyScreen {
    pub fn new(mailing: MailingStatus) -> Self {
        Self {
            mailing,
            input: String::new(),
            last_key: None,
            widest_gap: Duration::ZERO,
            last: None,
            hard_stop: None,
            confirm_seal: false,
            reason: None,
            message: None,
        }
    }

    /// One typed character, with when it came (for telling a scanner from a hand).
    pub fn type_char(&mut self, c: char, at: Instant) {
        if self.input.chars().count() >= 64 {
            return;
        }
        if let Some(prev) = self.last_key {
            self.widest_gap = self.widest_gap.max(at.saturating_duration_since(prev));
        }
        self.last_key = Some(at);
        self.input.push(c);
    }

    /// Takes the typed code and how it came; clears the field.
    pub fn take_code(&mut self) -> (String, ScanSource) {
        let source = if self.input.chars().count() >= 10 && self.widest_gap <= SCANNER_GAP {
            ScanSource::Scanner
        } else {
            ScanSource::Keyed
        };
        self.last_key = None;
        self.widest_gap = Duration::ZERO;
        (std::mem::take(&mut self.input), source)
    }

    /// Draws the screen; reads state only.
    pub fn draw(&self, frame: &mut Frame, area: Rect, lang: Lang) {
        if let Some(stop) = &self.hard_stop {
            self.draw_hard_stop(frame, area, stop, lang);
            return;
        }
        let m = &self.mailing;
        let [head, sheets, field] = Layout::vertical([
            Constraint::Length(3),
            Constraint::Min(0),
            Constraint::Length(5),
        ])
        .areas(area);
        frame.render_widget(
            Paragraph::new(format!(
                "{}  {}  {}/{}  {}",
                sanitize(&m.case),
                i18n::state_text(m.state, lang),
                m.seen,
                m.required,
                i18n::ui(Ui::ScanHint, lang)
            ))
            .wrap(Wrap { trim: true })
            .block(Block::bordered().title(i18n::ui(Ui::Verify, lang))),
            head,
        );
        let mut spans = Vec::new();
        for n in 1..=m.sheets {
            let seen = m.seen_sheets.contains(&n);
            let style = if seen {
                Style::new().fg(Color::Black).bg(Color::Green)
            } else {
                Style::new().fg(Color::White).bg(Color::DarkGray)
            };
            spans.push(Span::styled(format!(" {n:>3} "), style));
            spans.push(Span::raw(" "));
        }
        frame.render_widget(
            Paragraph::new(Line::from(spans))
                .wrap(Wrap { trim: false })
                .block(Block::bordered()),
            sheets,
        );
        let mut lines = vec![Line::from(vec![
            Span::raw("> "),
            Span::styled(sanitize(&self.input), Style::new().bold()),
        ])];
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
        if self.confirm_seal {
            lines.push(Line::from(i18n::ui(Ui::ConfirmSeal, lang)).bold().yellow());
        } else if m.state == MailingState::Verified {
            lines.push(Line::from(i18n::ui(Ui::ReadyToSeal, lang)).bold());
        }
        if let Some(msg) = &self.message {
            lines.push(Line::styled(sanitize(msg), Style::new().fg(Color::Red)));
        }
        if let Some((what, text)) = &self.reason {
            let prompt = match what {
                ReasonFor::Reprint => i18n::ui(Ui::ReprintReason, lang),
                ReasonFor::Void => i18n::ui(Ui::VoidReason, lang),
            };
            lines = vec![
                Line::from(prompt).bold(),
                Line::from(format!("> {}", sanitize(text))),
            ];
        }
        frame.render_widget(
            Paragraph::new(lines)
                .wrap(Wrap { trim: true })
                .block(Block::bordered()),
            field,
        );
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

#[cfg(test)]
mod tests {
    use super::*;

    fn status() -> MailingStatus {
        MailingStatus {
            mailing: 1,
            state: MailingState::Printed,
            case: "FK 2026-1".into(),
            recipient: 1,
            recipient_role: crate::model::PartyRole::Applicant,
            recipient_protected: false,
            enclosures: Vec::new(),
            generation: 1,
            sheets: 3,
            required: 3,
            seen: 0,
            seen_sheets: Vec::new(),
            pdf: None,
            started: String::new(),
        }
    }

    #[test]
    fn a_fast_burst_is_a_scanner_and_a_slow_one_a_hand() {
        let mut v = VerifyScreen::new(status());
        let t0 = Instant::now();
        for (i, c) in "KV10000000000000111Z".chars().enumerate() {
            v.type_char(c, t0 + Duration::from_millis(3 * i as u64));
        }
        assert_eq!(
            v.take_code(),
            ("KV10000000000000111Z".into(), ScanSource::Scanner)
        );
        for (i, c) in "KV10000000000000111Z".chars().enumerate() {
            v.type_char(c, t0 + Duration::from_millis(150 * i as u64));
        }
        assert_eq!(v.take_code().1, ScanSource::Keyed);
        assert!(v.input.is_empty());
    }
}
