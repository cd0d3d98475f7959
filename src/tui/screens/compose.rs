//! Composing a mailing: choose the recipient among the case's parties (which locks the case),
//! then tick documents — only this case's are ever listed — with a preview of the cover.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Style};
use ratatui::text::Line;
use ratatui::widgets::{Block, Paragraph, Row, Table, TableState, Wrap};

use crate::i18n::{self, Lang, Text, Ui};
use crate::model::{CaseDetail, DocumentId, MailingStatus};
use crate::tui::sanitize;

/// Where the caseworker is in composing.
#[derive(Debug)]
pub enum Stage {
    /// Choosing the recipient; nothing is locked yet.
    Recipient,
    /// The mailing is open (case locked); documents are being ticked.
    Documents(MailingStatus),
}

/// State of the compose screen.
#[derive(Debug)]
pub struct ComposeScreen {
    pub case: CaseDetail,
    pub stage: Stage,
    pub selected: usize,
    /// A document about someone other than the recipient, waiting for `y`.
    pub pending_other: Option<DocumentId>,
    pub message: Option<String>,
    /// Where the list rows were drawn (for mouse clicks).
    pub geometry: super::ListGeometry,
}

impl ComposeScreen {
    pub fn new(case: CaseDetail) -> Self {
        Self {
            case,
            stage: Stage::Recipient,
            selected: 0,
            pending_other: None,
            message: None,
            geometry: Default::default(),
        }
    }

    /// Resumes composing an open draft.
    pub fn resume(case: CaseDetail, mailing: MailingStatus) -> Self {
        Self {
            stage: Stage::Documents(mailing),
            ..Self::new(case)
        }
    }

    /// Number of rows in the list shown.
    pub fn rows(&self) -> usize {
        match self.stage {
            Stage::Recipient => self.case.parties.len(),
            Stage::Documents(_) => self.case.documents.len(),
        }
    }

    /// Moves the selection, staying inside the list.
    pub fn move_by(&mut self, delta: isize) {
        let n = self.rows();
        if n > 0 {
            self.selected = self.selected.saturating_add_signed(delta).min(n - 1);
        }
    }

    /// Draws the screen; reads state only.
    pub fn draw(&self, frame: &mut Frame, area: Rect, lang: Lang) {
        let [left, right] =
            Layout::horizontal([Constraint::Fill(3), Constraint::Fill(2)]).areas(area);
        let [list, message] =
            Layout::vertical([Constraint::Min(0), Constraint::Length(4)]).areas(left);
        let mut state = TableState::default().with_selected(Some(self.selected));
        match &self.stage {
            Stage::Recipient => {
                let rows = self.case.parties.iter().map(|p| {
                    Row::new(vec![
                        i18n::role_text(p.role, lang).to_owned(),
                        sanitize(&p.name),
                        p.id_masked.clone(),
                    ])
                });
                frame.render_stateful_widget(
                    Table::new(
                        rows,
                        [
                            Constraint::Length(12),
                            Constraint::Fill(1),
                            Constraint::Length(14),
                        ],
                    )
                    .row_highlight_style(Style::new().reversed())
                    .block(Block::bordered().title(format!(
                        "{} – {}",
                        sanitize(&self.case.case),
                        i18n::ui(Ui::Recipient, lang)
                    ))),
                    list,
                    &mut state,
                );
                self.geometry
                    .set(Block::bordered().inner(list), state.offset());
            }
            Stage::Documents(m) => {
                let rows = self.case.documents.iter().map(|d| {
                    let attached = m.enclosures.iter().any(|e| e.document == d.id);
                    let about = self
                        .case
                        .party(d.subject)
                        .map(|p| i18n::role_text(p.role, lang))
                        .unwrap_or("?");
                    let row = Row::new(vec![
                        if attached { "[x]" } else { "[ ]" }.to_owned(),
                        sanitize(&d.title),
                        format!("{} {}", d.pages, i18n::ui(Ui::Pages, lang)),
                        about.to_owned(),
                    ]);
                    if d.subject != m.recipient {
                        row.style(Style::new().fg(Color::Yellow))
                    } else {
                        row
                    }
                });
                frame.render_stateful_widget(
                    Table::new(
                        rows,
                        [
                            Constraint::Length(3),
                            Constraint::Fill(1),
                            Constraint::Length(6),
                            Constraint::Length(13),
                        ],
                    )
                    .row_highlight_style(Style::new().reversed())
                    .block(Block::bordered().title(format!(
                        "{} – {} {}",
                        sanitize(&self.case.case),
                        i18n::ui(Ui::Documents, lang),
                        m.mailing
                    ))),
                    list,
                    &mut state,
                );
                self.geometry
                    .set(Block::bordered().inner(list), state.offset());
            }
        }
        let note = match (&self.pending_other, &self.message, &self.stage) {
            (Some(doc), _, _) => {
                let role = self
                    .case
                    .subject_role(*doc)
                    .map(|r| i18n::role_text(r, lang))
                    .unwrap_or("?");
                Paragraph::new(i18n::fill(
                    i18n::ui(Ui::OtherSubjectWarning, lang),
                    &[&role],
                ))
                .style(Style::new().fg(Color::Black).bg(Color::Yellow))
            }
            (None, Some(msg), _) => {
                Paragraph::new(sanitize(msg)).style(Style::new().fg(Color::Red))
            }
            (None, None, Stage::Recipient) => Paragraph::new(i18n::ui(Ui::ChooseRecipient, lang)),
            (None, None, Stage::Documents(_)) => Paragraph::new(""),
        };
        frame.render_widget(note.wrap(Wrap { trim: true }), message);
        frame.render_widget(
            Paragraph::new(self.preview(lang))
                .wrap(Wrap { trim: false })
                .block(Block::bordered().title(i18n::ui(Ui::Preview, lang))),
            right,
        );
    }

    /// What the cover sheet will say: address block (or forwarding), enclosures, sheets.
    fn preview(&self, lang: Lang) -> Vec<Line<'static>> {
        let recipient = match &self.stage {
            Stage::Recipient => self.case.parties.get(self.selected),
            Stage::Documents(m) => self.case.parties.iter().find(|p| p.id == m.recipient),
        };
        let mut lines = Vec::new();
        let Some(p) = recipient else {
            return lines;
        };
        match &p.address {
            Some(a) if !p.protected => {
                lines.push(Line::from(sanitize(&p.name)));
                lines.extend(a.lines().into_iter().map(|l| Line::from(sanitize(&l))));
            }
            _ => {
                lines.push(
                    Line::from(i18n::text(Text::AddressHidden, lang))
                        .style(Style::new().fg(Color::Yellow)),
                );
                lines.push(Line::from(""));
                lines.push(Line::from(i18n::text(Text::ProtectedSteps, lang)));
            }
        }
        if let Stage::Documents(m) = &self.stage {
            lines.push(Line::from(""));
            for e in &m.enclosures {
                lines.push(Line::from(format!(
                    "• {} ({} {})",
                    sanitize(&e.title),
                    e.pages,
                    i18n::ui(Ui::Pages, lang)
                )));
            }
            let front = if p.protected { 2 } else { 1 };
            let sheets = front + m.enclosures.iter().map(|e| e.pages).sum::<u32>();
            lines.push(Line::from(""));
            lines.push(Line::from(i18n::fill(
                i18n::ui(Ui::EnvelopeSheets, lang),
                &[&sheets],
            )));
        }
        lines
    }
}
