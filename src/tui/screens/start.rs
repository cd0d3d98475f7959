//! The start screen: who I am, my open mailing if one survived (and how to resume it), and
//! the case-number field. Esc asks before quitting.

use std::ops::ControlFlow;

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Style, Stylize};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Wrap};

use super::case::CaseScreen;
use super::compose::ComposeScreen;
use super::verify::VerifyScreen;
use super::{Kind, Screen};
use crate::i18n::{self, Lang, Ui};
use crate::model::ScanSource;
use crate::model::{MailingState, MailingStatus, StraySheet};
use crate::tui::action::{Action, Cmd, Effect};
use crate::tui::ctx::Ctx;
use crate::tui::keys::{self, Binding};
use crate::tui::sanitize;
use crate::workflow::Desk;

/// State of the start screen.
#[derive(Debug, Default)]
pub struct StartScreen {
    /// The case number (or a cover code) being typed, the last message, the quit question.
    line: super::FirstLine,
    /// The user's open mailing, as last read.
    open: Option<MailingStatus>,
    /// Sheets of the user's sealed mailings found in another envelope (a possible incident).
    strays: Vec<StraySheet>,
}

/// Who is at the desk, for the header.
#[derive(Debug, Clone)]
pub struct Who {
    pub name: String,
    pub account: String,
    pub team: String,
    pub session: i64,
}

impl Who {
    /// "Name (account)  team A  Session 12", the header line of the start and station screens.
    pub fn line(&self, lang: Lang) -> Line<'static> {
        Line::from(vec![
            Span::styled(sanitize(&self.name), Style::new().bold()),
            Span::raw(format!(
                " ({})  {} {}  {} {}",
                sanitize(&self.account),
                i18n::ui(Ui::Team, lang),
                sanitize(&self.team),
                i18n::ui(Ui::Session, lang),
                self.session
            )),
        ])
    }
}

impl StartScreen {
    /// The start screen with the user's open mailing read from the database.
    pub fn new(ctx: &mut Ctx) -> Self {
        let mut s = Self::default();
        s.refresh(ctx);
        s
    }

    /// Opens the screen where the open mailing continues.
    fn resume(&mut self, ctx: &mut Ctx) -> Effect {
        let found = ctx.wf.status(&ctx.session).and_then(|m| match m {
            Some(m) => Ok(Some((ctx.wf.show_case(&ctx.session, &m.case)?, m))),
            None => Ok(None),
        });
        match found {
            Ok(Some((case, m))) if m.state == MailingState::Draft => {
                Effect::Push(Box::new(ComposeScreen::resume(case, m)))
            }
            Ok(Some((_, m))) => Effect::Push(Box::new(VerifyScreen::new(m, Desk::Own, ctx))),
            Ok(None) => {
                self.open = None;
                self.line.message = Some(ctx.t(Ui::NothingToResume).to_owned());
                Effect::None
            }
            Err(e) => {
                self.line.message = Some(ctx.error(&e));
                Effect::None
            }
        }
    }

    fn open_case(&mut self, number: &str, ctx: &mut Ctx) -> Effect {
        match ctx.wf.show_case(&ctx.session, number) {
            Ok(case) => {
                self.line.input.clear();
                Effect::Push(Box::new(CaseScreen::new(case)))
            }
            Err(e) => {
                self.line.message = Some(ctx.error(&e));
                Effect::None
            }
        }
    }
}

/// True for a scanned text that is a case number (a barcode on a case file), not a code.
fn is_case_number(text: &str) -> bool {
    let t = text.trim();
    t.contains('-') && t.chars().any(|c| c.is_ascii_digit())
}

impl Screen for StartScreen {
    fn kind(&self) -> Kind {
        Kind::Start
    }

    fn keys(&self) -> &'static [Binding] {
        self.line.keys(keys::START)
    }

    fn update(&mut self, action: Action, ctx: &mut Ctx) -> Effect {
        let action = match self.line.update(action) {
            ControlFlow::Break(effect) => return effect,
            ControlFlow::Continue(action) => action,
        };
        match action {
            Action::Do(Cmd::Confirm) if self.line.input.trim().is_empty() => {
                return self.resume(ctx);
            }
            Action::Do(Cmd::Confirm) if crate::code::is_kuvert_code(&self.line.input) => {
                return Effect::OpenCover(std::mem::take(&mut self.line.input), ScanSource::Keyed);
            }
            Action::Do(Cmd::Confirm) => {
                let number = self.line.input.trim().to_owned();
                return self.open_case(&number, ctx);
            }
            Action::Scan(code) if crate::code::is_kuvert_code(&code) => {
                return Effect::OpenCover(code, ScanSource::Scanner);
            }
            Action::Scan(text) if is_case_number(&text) => return self.open_case(&text, ctx),
            Action::Scan(_) => self.line.message = Some(ctx.t(Ui::NotKuvertCode).to_owned()),
            _ => {}
        }
        Effect::None
    }

    fn refresh(&mut self, ctx: &mut Ctx) -> Effect {
        let read = ctx.wf.status(&ctx.session).and_then(|open| {
            let strays = ctx.wf.stray_sheets(&ctx.session)?;
            Ok((open, strays))
        });
        match read {
            Ok((open, strays)) => {
                self.open = open;
                self.strays = strays;
            }
            // Never "no open mailing" when the database could not say.
            Err(e) => self.line.message = Some(ctx.error(&e)),
        }
        Effect::None
    }

    fn draw(&self, frame: &mut Frame, area: Rect, ctx: &Ctx) {
        let lang = ctx.lang;
        let stray_rows = if self.strays.is_empty() {
            0
        } else {
            (self.strays.len() as u16 * 2 + 2).min(8)
        };
        let [header, mailing, strays, prompt, message] = Layout::vertical([
            Constraint::Length(3),
            Constraint::Length(5),
            Constraint::Length(stray_rows),
            Constraint::Length(5),
            Constraint::Min(0),
        ])
        .areas(area);
        if !self.strays.is_empty() {
            let lines: Vec<Line> = self
                .strays
                .iter()
                .map(|st| {
                    Line::from(i18n::fill(
                        ctx.t(Ui::StrayFound),
                        &[
                            &st.sheet,
                            &sanitize(&st.case),
                            &sanitize(&st.found_in_case),
                            &crate::time_fmt::display(&st.time),
                        ],
                    ))
                })
                .collect();
            frame.render_widget(
                Paragraph::new(lines)
                    .wrap(Wrap { trim: true })
                    .style(Style::new().fg(Color::White).bg(Color::Red).bold())
                    .block(Block::bordered().title(ctx.t(Ui::StrayTitle))),
                strays,
            );
        }
        frame.render_widget(
            Paragraph::new(ctx.who.line(lang)).block(Block::bordered().title(ctx.t(Ui::AppTitle))),
            header,
        );
        let mailing_text = match &self.open {
            Some(m) => vec![
                Line::from(vec![
                    Span::styled(
                        format!("{} {}", ctx.t(Ui::OpenMailing), m.mailing),
                        Style::new().bold().fg(Color::Yellow),
                    ),
                    Span::raw(format!(
                        "  {}  {}",
                        sanitize(&m.case),
                        i18n::state_text(m.state, lang)
                    )),
                ]),
                Line::from(i18n::fill(ctx.t(Ui::ResumeHint), &[&m.mailing])).bold(),
            ],
            None => vec![Line::from(ctx.t(Ui::NoOpenMailing))],
        };
        frame.render_widget(
            Paragraph::new(mailing_text)
                .wrap(Wrap { trim: true })
                .block(Block::bordered().title(ctx.t(Ui::OpenMailing))),
            mailing,
        );
        frame.render_widget(
            Paragraph::new(vec![
                super::field_line(&self.line.input, ctx),
                Line::from(ctx.t(Ui::CaseNumberHint)).dark_gray(),
                Line::from(ctx.t(Ui::CoverScanHint)).dark_gray(),
            ])
            .block(Block::bordered().title(ctx.t(Ui::CaseNumberPrompt))),
            prompt,
        );
        self.line.draw_note(frame, message, ctx);
    }
}
