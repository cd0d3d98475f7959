//! Composing a mailing: choose the recipient among the case's parties (which locks the case),
//! then tick documents — only this case's are ever listed — with a preview of the cover. The
//! recipient can be changed and the draft voided before anything is printed.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Style, Stylize};
use ratatui::text::Line;
use ratatui::widgets::{Block, Paragraph, Row, Table, TableState, Wrap};

use super::reason::{Reason, Step};
use super::review::ReviewScreen;
use super::{Kind, Screen, fit};
use crate::i18n::{self, Text, Ui};
use crate::model::ScanSource;
use crate::model::{CaseDetail, DocumentId, MailingStatus};
use crate::tui::action::{Action, Cmd, Effect};
use crate::tui::ctx::Ctx;
use crate::tui::keys::{self, Binding};
use crate::tui::sanitize;

/// Where the caseworker is in composing.
#[derive(Debug)]
enum Stage {
    /// Choosing the recipient: of a new mailing (nothing locked yet), or another one for the
    /// open draft.
    Recipient(Option<MailingStatus>),
    /// The mailing is open (case locked); documents are being ticked.
    Documents(MailingStatus),
    /// A document about someone other than the recipient waits for yes or no.
    Warning(MailingStatus, DocumentId),
    /// A reason to void the draft is being typed.
    Void(MailingStatus, Reason),
}

/// State of the compose screen.
#[derive(Debug)]
pub struct ComposeScreen {
    case: CaseDetail,
    stage: Stage,
    selected: usize,
    message: Option<String>,
    /// Where the list rows were drawn (for mouse clicks).
    geometry: super::ListGeometry,
}

impl ComposeScreen {
    pub fn new(case: CaseDetail) -> Self {
        Self {
            case,
            stage: Stage::Recipient(None),
            selected: 0,
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

    /// The open draft, once the recipient is chosen.
    fn draft(&self) -> Option<&MailingStatus> {
        match &self.stage {
            Stage::Recipient(m) => m.as_ref(),
            Stage::Documents(m) | Stage::Warning(m, _) | Stage::Void(m, _) => Some(m),
        }
    }

    /// Number of rows in the list shown.
    fn rows(&self) -> usize {
        match self.stage {
            Stage::Recipient(_) => self.case.parties.len(),
            _ => self.case.documents.len(),
        }
    }

    fn move_by(&mut self, delta: isize) {
        let n = self.rows();
        if n > 0 {
            self.selected = self.selected.saturating_add_signed(delta).min(n - 1);
        }
    }

    fn choose_recipient(&mut self, ctx: &mut Ctx) -> Effect {
        let Some(party) = self.case.parties.get(self.selected).map(|p| p.id) else {
            return Effect::None;
        };
        let result = match &self.stage {
            Stage::Recipient(Some(m)) if m.recipient == party => Ok((m.clone(), 0)),
            Stage::Recipient(Some(_)) => ctx.wf.change_recipient(&ctx.session, party),
            _ => ctx
                .wf
                .start(&ctx.session, &self.case.case, party)
                .map(|m| (m, 0)),
        };
        match result {
            Ok((m, removed)) => {
                if removed > 0 {
                    self.message = Some(i18n::fill(ctx.t(Ui::RecipientChanged), &[&removed]));
                }
                self.stage = Stage::Documents(m);
                self.selected = 0;
            }
            Err(e) => self.message = Some(ctx.error(&e)),
        }
        Effect::None
    }

    fn toggle(&mut self, m: MailingStatus, ctx: &mut Ctx) -> Stage {
        let Some(doc) = self.case.documents.get(self.selected).map(|d| d.id) else {
            return Stage::Documents(m);
        };
        let result = if m.enclosures.iter().any(|e| e.document == doc) {
            ctx.wf.detach(&ctx.session, &[doc])
        } else {
            ctx.wf.attach(&ctx.session, &[doc], false)
        };
        match result {
            Ok(m) => Stage::Documents(m),
            Err(crate::Error::Refused(crate::Refusal::OtherSubject { document, .. })) => {
                Stage::Warning(m, document)
            }
            Err(e) => {
                self.message = Some(ctx.error(&e));
                Stage::Documents(m)
            }
        }
    }
}

impl Screen for ComposeScreen {
    fn kind(&self) -> Kind {
        Kind::Compose
    }

    fn keys(&self) -> &'static [Binding] {
        match self.stage {
            Stage::Recipient(_) => keys::RECIPIENT,
            Stage::Documents(_) => keys::DOCUMENTS,
            Stage::Warning(..) => keys::WARNING,
            Stage::Void(..) => keys::REASON,
        }
    }

    fn update(&mut self, action: Action, ctx: &mut Ctx) -> Effect {
        if !matches!(self.stage, Stage::Void(..)) {
            self.message = None;
        }
        let stage = std::mem::replace(&mut self.stage, Stage::Recipient(None));
        let (stage, effect) = match (stage, action) {
            (Stage::Void(m, mut reason), action) => match reason.update(action, ctx) {
                Step::Typing => (Stage::Void(m, reason), Effect::None),
                Step::Cancelled => (Stage::Documents(m), Effect::None),
                Step::Done(text) => match ctx.wf.void(&ctx.session, &text) {
                    Ok(_) => (
                        Stage::Documents(m),
                        Effect::Home(Some(ctx.t(Ui::DraftVoided).to_owned())),
                    ),
                    Err(e) => {
                        self.message = Some(ctx.error(&e));
                        (Stage::Void(m, reason), Effect::None)
                    }
                },
            },
            (Stage::Warning(m, doc), Action::Do(Cmd::Yes)) => {
                match ctx.wf.attach(&ctx.session, &[doc], true) {
                    Ok(m) => (Stage::Documents(m), Effect::None),
                    Err(e) => {
                        self.message = Some(ctx.error(&e));
                        (Stage::Documents(m), Effect::None)
                    }
                }
            }
            // A scan answers "no", then opens its envelope as anywhere else.
            (Stage::Warning(m, _), Action::Scan(code)) => (
                Stage::Documents(m),
                Effect::OpenCover(code, ScanSource::Scanner),
            ),
            (Stage::Warning(m, _), _) => (Stage::Documents(m), Effect::None),
            (stage, Action::Scan(code)) => (stage, Effect::OpenCover(code, ScanSource::Scanner)),
            (stage, Action::Do(Cmd::Up)) => {
                self.stage = stage;
                self.move_by(-1);
                return Effect::None;
            }
            (stage, Action::Do(Cmd::Down)) => {
                self.stage = stage;
                self.move_by(1);
                return Effect::None;
            }
            // Back from choosing another recipient: the draft as it was.
            (Stage::Recipient(Some(m)), Action::Do(Cmd::Back)) => {
                (Stage::Documents(m), Effect::None)
            }
            (stage, Action::Do(Cmd::Back)) => (stage, Effect::Pop(None)),
            (stage @ Stage::Recipient(_), Action::Do(Cmd::Confirm)) => {
                self.stage = stage;
                return self.choose_recipient(ctx);
            }
            (Stage::Documents(m), Action::Do(Cmd::Toggle | Cmd::Confirm)) => {
                (self.toggle(m, ctx), Effect::None)
            }
            // The workflow says whether it may be printed, and logs a refusal.
            (Stage::Documents(m), Action::Do(Cmd::Next)) => match ctx.wf.review(&ctx.session) {
                Ok(()) => {
                    let review = ReviewScreen::new(self.case.clone(), m.clone());
                    (Stage::Documents(m), Effect::Push(Box::new(review)))
                }
                Err(e) => {
                    self.message = Some(ctx.error(&e));
                    (Stage::Documents(m), Effect::None)
                }
            },
            (Stage::Documents(m), Action::Do(Cmd::ChangeRecipient)) => {
                self.selected = self
                    .case
                    .parties
                    .iter()
                    .position(|p| p.id == m.recipient)
                    .unwrap_or(0);
                (Stage::Recipient(Some(m)), Effect::None)
            }
            (Stage::Documents(m), Action::Do(Cmd::Void)) => {
                (Stage::Void(m, Reason::default()), Effect::None)
            }
            (stage, _) => (stage, Effect::None),
        };
        self.stage = stage;
        effect
    }

    /// The draft may have been printed, voided or its lock broken elsewhere.
    fn refresh(&mut self, ctx: &mut Ctx) -> Effect {
        let Some(id) = self.draft().map(|m| m.mailing) else {
            return Effect::None;
        };
        match ctx.wf.status_of(id) {
            Ok(m) if m.state != crate::model::MailingState::Draft => Effect::Home(Some(format!(
                "{} {}: {}",
                ctx.t(Ui::TheMailing),
                sanitize(&m.case),
                i18n::state_text(m.state, ctx.lang)
            ))),
            Ok(m) => {
                match &mut self.stage {
                    Stage::Documents(d) | Stage::Warning(d, _) | Stage::Void(d, _) => *d = m,
                    Stage::Recipient(d) => *d = Some(m),
                }
                Effect::None
            }
            Err(e) => {
                self.message = Some(ctx.error(&e));
                Effect::None
            }
        }
    }

    fn click(&mut self, x: u16, y: u16) -> Option<Action> {
        if matches!(self.stage, Stage::Warning(..) | Stage::Void(..)) {
            return None;
        }
        let row = self.geometry.row_at(x, y, self.rows())?;
        if row == self.selected {
            return Some(Action::Do(Cmd::Confirm));
        }
        self.selected = row;
        None
    }

    fn draw(&self, frame: &mut Frame, area: Rect, ctx: &Ctx) {
        // At 80 columns the list gets the room it needs to tell documents apart.
        let split = if area.width >= 110 {
            [Constraint::Fill(3), Constraint::Fill(2)]
        } else {
            [Constraint::Min(54), Constraint::Fill(1)]
        };
        let [left, right] = Layout::horizontal(split).areas(area);
        let [list, message] =
            Layout::vertical([Constraint::Min(0), Constraint::Length(4)]).areas(left);
        let mut state = TableState::default().with_selected(Some(self.selected));
        let inner = Block::bordered().inner(list);
        let table = match &self.stage {
            Stage::Recipient(_) => self.recipient_table(ctx),
            Stage::Documents(m) | Stage::Warning(m, _) | Stage::Void(m, _) => {
                self.document_table(m, inner.width, ctx)
            }
        };
        frame.render_stateful_widget(
            table.row_highlight_style(Style::new().reversed()),
            list,
            &mut state,
        );
        self.geometry.set(inner, state.offset());
        let note = match (&self.stage, &self.message) {
            (Stage::Warning(_, doc), _) => {
                let role = self
                    .case
                    .subject_role(*doc)
                    .map(|r| i18n::role_text(r, ctx.lang))
                    .unwrap_or("?");
                Paragraph::new(i18n::fill(ctx.t(Ui::OtherSubjectWarning), &[&role]))
                    .style(Style::new().fg(Color::Black).bg(Color::Yellow))
            }
            (Stage::Void(_, reason), msg) => {
                let mut lines = reason.lines(ctx.t(Ui::VoidDraftReason), ctx);
                lines.extend(msg.iter().map(|m| Line::from(sanitize(m)).red()));
                Paragraph::new(lines)
            }
            (_, Some(msg)) => Paragraph::new(sanitize(msg)).style(Style::new().fg(Color::Red)),
            (Stage::Recipient(Some(_)), None) => Paragraph::new(ctx.t(Ui::ChooseNewRecipient)),
            (Stage::Recipient(None), None) => Paragraph::new(ctx.t(Ui::ChooseRecipient)),
            (Stage::Documents(_), None) => Paragraph::new(""),
        };
        frame.render_widget(note.wrap(Wrap { trim: true }), message);
        frame.render_widget(
            Paragraph::new(self.preview(ctx))
                .wrap(Wrap { trim: false })
                .block(Block::bordered().title(ctx.t(Ui::Preview))),
            right,
        );
    }
}

impl ComposeScreen {
    fn recipient_table(&self, ctx: &Ctx) -> Table<'static> {
        let rows = self.case.parties.iter().map(|p| {
            Row::new(vec![
                i18n::role_text(p.role, ctx.lang).to_owned(),
                sanitize(&p.name),
                p.id_masked.clone(),
            ])
        });
        Table::new(
            rows,
            [
                Constraint::Length(12),
                Constraint::Fill(1),
                Constraint::Length(14),
            ],
        )
        .block(Block::bordered().title(format!(
            "{} – {}",
            sanitize(&self.case.case),
            ctx.t(Ui::Recipient)
        )))
    }

    fn document_table(&self, m: &MailingStatus, width: u16, ctx: &Ctx) -> Table<'static> {
        let lang = ctx.lang;
        let widths = [
            Constraint::Length(3),
            Constraint::Fill(1),
            Constraint::Length(10),
            Constraint::Length(5),
            Constraint::Length(12),
        ];
        let title_width = Layout::horizontal(widths)
            .spacing(1)
            .split(Rect::new(0, 0, width, 1))[1]
            .width;
        let rows = self.case.documents.iter().map(|d| {
            let attached = m.enclosures.iter().any(|e| e.document == d.id);
            let about = self
                .case
                .party(d.subject)
                .map(|p| i18n::role_text(p.role, lang))
                .unwrap_or("?");
            let row = Row::new(vec![
                if attached { "[x]" } else { "[ ]" }.to_owned(),
                fit(&sanitize(&d.title), title_width),
                d.date.clone(),
                format!("{} {}", d.pages, ctx.t(Ui::Pages)),
                fit(about, 12),
            ]);
            if d.subject != m.recipient {
                row.style(Style::new().fg(Color::Yellow))
            } else {
                row
            }
        });
        Table::new(rows, widths).block(Block::bordered().title(i18n::fill(
            ctx.t(Ui::DocumentsOfMailing),
            &[&sanitize(&self.case.case), &m.mailing],
        )))
    }

    /// What the cover sheet will say: address block (or forwarding), enclosures, sheets.
    fn preview(&self, ctx: &Ctx) -> Vec<Line<'static>> {
        let lang = ctx.lang;
        let recipient = match &self.stage {
            Stage::Recipient(_) => self.case.parties.get(self.selected),
            _ => self
                .draft()
                .and_then(|m| self.case.parties.iter().find(|p| p.id == m.recipient)),
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
        if let (Some(m), false) = (self.draft(), matches!(self.stage, Stage::Recipient(_))) {
            lines.push(Line::from(""));
            for e in &m.enclosures {
                lines.push(Line::from(format!(
                    "• {} ({} {})",
                    sanitize(&e.title),
                    e.pages,
                    ctx.t(Ui::Pages)
                )));
            }
            lines.push(Line::from(""));
            lines.push(super::envelope_sheets(&m.enclosures, p.protected, ctx));
        }
        lines
    }
}
