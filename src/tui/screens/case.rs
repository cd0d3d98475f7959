//! The case screen: header (who holds the lock), parties (masked numbers; no address for
//! protected identity) and documents with their dates and whom they concern.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::Line;
use ratatui::widgets::{Block, Paragraph, Row, Table, TableState};

use super::compose::ComposeScreen;
use super::{Kind, Screen};
use crate::i18n::{self, Text, Ui};
use crate::model::CaseDetail;
use crate::model::ScanSource;
use crate::tui::action::{Action, Cmd, Effect};
use crate::tui::ctx::Ctx;
use crate::tui::keys::{self, Binding};
use crate::tui::sanitize;

/// State of the case screen.
#[derive(Debug)]
pub struct CaseScreen {
    case: CaseDetail,
    /// Selected document row.
    selected: usize,
    /// Where the document rows were drawn (for mouse clicks).
    geometry: super::ListGeometry,
    message: Option<String>,
}

impl CaseScreen {
    pub fn new(case: CaseDetail) -> Self {
        Self {
            case,
            selected: 0,
            geometry: Default::default(),
            message: None,
        }
    }

    /// The case shown (tests).
    pub fn case(&self) -> &CaseDetail {
        &self.case
    }

    /// Moves the document selection, staying inside the list.
    pub fn move_by(&mut self, delta: isize) {
        let n = self.case.documents.len();
        if n == 0 {
            return;
        }
        self.selected = self.selected.saturating_add_signed(delta).min(n - 1);
    }
}

impl Screen for CaseScreen {
    fn kind(&self) -> Kind {
        Kind::Case
    }

    fn keys(&self) -> &'static [Binding] {
        keys::CASE
    }

    fn update(&mut self, action: Action, _ctx: &mut Ctx) -> Effect {
        self.message = None;
        match action {
            Action::Do(Cmd::Up) => self.move_by(-1),
            Action::Do(Cmd::Down) => self.move_by(1),
            Action::Do(Cmd::NewMailing) => {
                return Effect::Push(Box::new(ComposeScreen::new(self.case.clone())));
            }
            Action::Do(Cmd::Back) => return Effect::Pop(None),
            Action::Scan(code) => return Effect::OpenCover(code, ScanSource::Scanner),
            _ => {}
        }
        Effect::None
    }

    /// The lock may have changed: taken by me, refused to me, released by a seal.
    fn refresh(&mut self, ctx: &mut Ctx) -> Effect {
        match ctx.wf.show_case(&ctx.session, &self.case.case) {
            Ok(case) => {
                self.case = case;
                self.move_by(0);
            }
            Err(e) => self.message = Some(ctx.error(&e)),
        }
        Effect::None
    }

    fn click(&mut self, x: u16, y: u16) -> Option<Action> {
        if let Some(row) = self.geometry.row_at(x, y, self.case.documents.len()) {
            self.selected = row;
        }
        None
    }

    fn draw(&self, frame: &mut Frame, area: Rect, ctx: &Ctx) {
        let lang = ctx.lang;
        let c = &self.case;
        // A protected party's row is two lines tall, so its note is never cut off.
        let party_rows = c
            .parties
            .iter()
            .map(|p| if p.protected { 2 } else { 1 })
            .sum::<u16>()
            + 3;
        let [header, parties, documents] = Layout::vertical([
            Constraint::Length(3),
            Constraint::Length(party_rows.min(area.height / 2)),
            Constraint::Min(0),
        ])
        .areas(area);
        let lock = match &c.lock {
            Some(l) if l.account == ctx.session.user.account => {
                i18n::fill(ctx.t(Ui::LockedByYou), &[&l.mailing])
            }
            Some(l) => format!(
                "{} {} ({}) {}",
                i18n::ui(Ui::LockedBy, lang),
                sanitize(&l.name),
                sanitize(&l.account),
                crate::time_fmt::display(&l.since)
            ),
            None => ctx.t(Ui::Free).to_owned(),
        };
        let lock = match &self.message {
            Some(m) => format!("{lock}  {}", sanitize(m)),
            None => lock,
        };
        frame.render_widget(
            Paragraph::new(Line::from(format!(
                "{}  {}  {} {}  {lock}",
                sanitize(&c.case),
                sanitize(&c.benefit),
                i18n::ui(Ui::Team, lang),
                sanitize(&c.team)
            )))
            .block(Block::bordered()),
            header,
        );
        let rows = c.parties.iter().map(|p| {
            let address = match &p.address {
                Some(a) => sanitize(&a.lines().join(", ")),
                None => i18n::text(Text::AddressHidden, lang).replace(" — ", " —\n"),
            };
            let row = Row::new(vec![
                p.id.to_string(),
                i18n::role_text(p.role, lang).to_owned(),
                sanitize(&p.name),
                p.id_masked.clone(),
                address,
            ]);
            if p.protected {
                row.style(Style::new().yellow()).height(2)
            } else {
                row
            }
        });
        frame.render_widget(
            Table::new(
                rows,
                [
                    Constraint::Length(5),
                    Constraint::Length(12),
                    Constraint::Length(22),
                    Constraint::Length(14),
                    Constraint::Fill(1),
                ],
            )
            .header(
                Row::new(vec![
                    "#",
                    i18n::ui(Ui::Role, lang),
                    i18n::ui(Ui::Name, lang),
                    i18n::ui(Ui::Id, lang),
                    i18n::ui(Ui::Address, lang),
                ])
                .style(Style::new().bold()),
            )
            .block(Block::bordered().title(i18n::ui(Ui::Parties, lang))),
            parties,
        );
        let doc_rows = c.documents.iter().map(|d| {
            let subject = c
                .party(d.subject)
                .map(|p| i18n::role_text(p.role, lang))
                .unwrap_or("?");
            Row::new(vec![
                d.id.to_string(),
                d.date.clone(),
                sanitize(&d.title),
                format!("{} {}", d.pages, i18n::ui(Ui::Pages, lang)),
                format!("{} {subject}", i18n::ui(Ui::Concerns, lang)),
            ])
        });
        let mut state = TableState::default().with_selected(Some(self.selected));
        frame.render_stateful_widget(
            Table::new(
                doc_rows,
                [
                    Constraint::Length(5),
                    Constraint::Length(10),
                    Constraint::Fill(1),
                    Constraint::Length(6),
                    Constraint::Length(20),
                ],
            )
            .row_highlight_style(Style::new().reversed())
            .block(Block::bordered().title(i18n::ui(Ui::Documents, lang))),
            documents,
            &mut state,
        );
        self.geometry
            .set(Block::bordered().inner(documents), state.offset());
    }
}
