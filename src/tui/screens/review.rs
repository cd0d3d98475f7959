//! The summary the caseworker confirms before printing: recipient, enclosures, sheets. The
//! draft can still be voided here, with nothing printed.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Style};
use ratatui::text::Line;
use ratatui::widgets::{Block, Paragraph, Wrap};

use super::reason::{Reason, Step};
use super::{Kind, Screen};
use crate::i18n::{self, Text, Ui};
use crate::model::ScanSource;
use crate::model::{CaseDetail, MailingStatus};
use crate::tui::action::{Action, Cmd, Effect};
use crate::tui::ctx::Ctx;
use crate::tui::keys::{self, Binding};
use crate::tui::sanitize;

/// State of the review screen.
#[derive(Debug)]
pub struct ReviewScreen {
    case: CaseDetail,
    mailing: MailingStatus,
    /// A print job is being made on the worker thread.
    printing: bool,
    /// A reason to void the draft is being typed.
    voiding: Option<Reason>,
    message: Option<String>,
}

impl ReviewScreen {
    pub fn new(case: CaseDetail, mailing: MailingStatus) -> Self {
        Self {
            case,
            mailing,
            printing: false,
            voiding: None,
            message: None,
        }
    }
}

impl Screen for ReviewScreen {
    fn kind(&self) -> Kind {
        Kind::Review
    }

    fn keys(&self) -> &'static [Binding] {
        match (self.printing, &self.voiding) {
            (true, _) => keys::PRINTING,
            (false, Some(_)) => keys::REASON,
            (false, None) => keys::REVIEW,
        }
    }

    fn update(&mut self, action: Action, ctx: &mut Ctx) -> Effect {
        if self.printing {
            if let Action::Scan(_) = action {
                self.message = Some(ctx.t(Ui::WaitForPrint).to_owned());
            }
            return Effect::None;
        }
        if let Some(reason) = &mut self.voiding {
            match reason.update(action, ctx) {
                Step::Typing => {}
                Step::Cancelled => self.voiding = None,
                Step::Done(text) => match ctx.wf.void(&ctx.session, &text) {
                    Ok(_) => return Effect::Home(Some(ctx.t(Ui::DraftVoided).to_owned())),
                    Err(e) => self.message = Some(ctx.error(&e)),
                },
            }
            return Effect::None;
        }
        self.message = None;
        match action {
            Action::Do(Cmd::Confirm) => {
                self.printing = true;
                Effect::Print(None)
            }
            Action::Do(Cmd::Void) => {
                self.voiding = Some(Reason::default());
                Effect::None
            }
            Action::Do(Cmd::Back) => Effect::Pop(None),
            Action::Scan(code) => Effect::OpenCover(code, ScanSource::Scanner),
            _ => Effect::None,
        }
    }

    fn print_failed(&mut self, message: String) {
        self.printing = false;
        self.message = Some(message);
    }

    fn draw(&self, frame: &mut Frame, area: Rect, ctx: &Ctx) {
        let lang = ctx.lang;
        let m = &self.mailing;
        let mut lines = vec![Line::from(format!(
            "{}  {}",
            sanitize(&self.case.case),
            sanitize(&self.case.benefit)
        ))];
        if let Some(p) = self.case.parties.iter().find(|p| p.id == m.recipient) {
            lines.push(Line::from(format!(
                "{}: {} ({})",
                ctx.t(Ui::Recipient),
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
                ctx.t(Ui::Pages)
            )));
        }
        lines.push(Line::from(""));
        lines.push(super::envelope_sheets(
            &m.enclosures,
            m.recipient_protected,
            ctx,
        ));
        if self.printing {
            lines.push(Line::from(""));
            lines.push(Line::styled(
                ctx.t(Ui::Printing),
                Style::new().fg(Color::Cyan),
            ));
        }
        if let Some(reason) = &self.voiding {
            lines.push(Line::from(""));
            lines.extend(reason.lines(ctx.t(Ui::VoidDraftReason), ctx));
        }
        if let Some(msg) = &self.message {
            lines.push(Line::from(""));
            lines.push(Line::styled(sanitize(msg), Style::new().fg(Color::Red)));
        }
        frame.render_widget(
            Paragraph::new(lines)
                .wrap(Wrap { trim: true })
                .block(Block::bordered().title(ctx.t(Ui::Review))),
            area,
        );
    }
}
