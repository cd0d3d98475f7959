//! The summary the caseworker confirms before printing: recipient, enclosures, sheets.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Style};
use ratatui::text::Line;
use ratatui::widgets::{Block, Paragraph, Wrap};

use crate::i18n::{self, Lang, Text, Ui};
use crate::model::{CaseDetail, MailingStatus};
use crate::tui::sanitize;

/// State of the review screen.
#[derive(Debug)]
pub struct ReviewScreen {
    pub case: CaseDetail,
    pub mailing: MailingStatus,
    /// A print job is being made on the worker thread.
    pub printing: bool,
    pub message: Option<String>,
}

impl ReviewScreen {
    /// Draws the screen; reads state only.
    pub fn draw(&self, frame: &mut Frame, area: Rect, lang: Lang) {
        let m = &self.mailing;
        let mut lines = vec![Line::from(format!(
            "{}  {}",
            sanitize(&self.case.case),
            sanitize(&self.case.benefit)
        ))];
        if let Some(p) = self.case.parties.iter().find(|p| p.id == m.recipient) {
            lines.push(Line::from(format!(
                "{}: {} ({})",
                i18n::ui(Ui::Recipient, lang),
                sanitize(&p.name),
                i18n::role_text(p.role, lang)
            )));
            match &p.address {
                Some(a) if !p.protected => {
                    for l in a.lines() {
                        lines.push(Line::from(format!("    {}", sanitize(&l))));
                    }
                }
                _ => lines.push(Line::from(i18n::text(Text::ProtectedSteps, lang))),
            }
        }
        lines.push(Line::from(""));
        for e in &m.enclosures {
            lines.push(Line::from(format!(
                "• {} ({}), {}, {} {}",
                sanitize(&e.title),
                sanitize(&e.kind),
                e.date,
                e.pages,
                i18n::ui(Ui::Pages, lang)
            )));
        }
        let front = if m.recipient_protected { 2 } else { 1 };
        let sheets = front + m.enclosures.iter().map(|e| e.pages).sum::<u32>();
        lines.push(Line::from(""));
        lines.push(Line::from(i18n::fill(
            i18n::ui(Ui::EnvelopeSheets, lang),
            &[&sheets],
        )));
        if self.printing {
            lines.push(Line::from(""));
            lines.push(Line::styled(
                i18n::ui(Ui::Printing, lang),
                Style::new().fg(Color::Cyan),
            ));
        }
        if let Some(msg) = &self.message {
            lines.push(Line::from(""));
            lines.push(Line::styled(sanitize(msg), Style::new().fg(Color::Red)));
        }
        frame.render_widget(
            Paragraph::new(lines)
                .wrap(Wrap { trim: true })
                .block(Block::bordered().title(i18n::ui(Ui::Review, lang))),
            area,
        );
    }
}
