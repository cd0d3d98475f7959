//! The start screen: who I am, my open mailing if one survived, and the case-number prompt.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Style, Stylize};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Wrap};

use crate::i18n::{self, Lang, Ui};
use crate::model::MailingStatus;
use crate::tui::sanitize;

/// State of the start screen.
#[derive(Debug, Default)]
pub struct StartScreen {
    /// The case number being typed.
    pub input: String,
    /// The last message (a refusal, an unknown case).
    pub message: Option<String>,
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
    /// Draws the screen; reads state only.
    pub fn draw(
        &self,
        frame: &mut Frame,
        area: Rect,
        who: &Who,
        open: Option<&MailingStatus>,
        lang: Lang,
    ) {
        let [header, mailing, prompt, message] = Layout::vertical([
            Constraint::Length(3),
            Constraint::Length(5),
            Constraint::Length(5),
            Constraint::Min(0),
        ])
        .areas(area);
        frame.render_widget(
            Paragraph::new(who.line(lang))
                .block(Block::bordered().title(i18n::ui(Ui::AppTitle, lang))),
            header,
        );
        let mailing_text = match open {
            Some(m) => vec![
                Line::from(vec![
                    Span::styled(
                        format!("{} {}", i18n::ui(Ui::OpenMailing, lang), m.mailing),
                        Style::new().bold().fg(Color::Yellow),
                    ),
                    Span::raw(format!(
                        "  {}  {}",
                        sanitize(&m.case),
                        i18n::state_text(m.state, lang)
                    )),
                ]),
                Line::from(i18n::ui(Ui::ResumeHint, lang)),
            ],
            None => vec![Line::from(i18n::ui(Ui::NoOpenMailing, lang))],
        };
        frame.render_widget(
            Paragraph::new(mailing_text)
                .wrap(Wrap { trim: true })
                .block(Block::bordered().title(i18n::ui(Ui::OpenMailing, lang))),
            mailing,
        );
        frame.render_widget(
            Paragraph::new(vec![
                super::input_line(&self.input),
                Line::from(i18n::ui(Ui::CaseNumberHint, lang)).dark_gray(),
                Line::from(i18n::ui(Ui::CoverScanHint, lang)).dark_gray(),
            ])
            .block(Block::bordered().title(i18n::ui(Ui::CaseNumberPrompt, lang))),
            prompt,
        );
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
