//! The team lead's tab: the team's sessions with their figures, a session's mailings with a
//! timeline of each, the open locks (breaking one needs a reason), and the near-miss summary
//! of the period. Only leads ever see it, and only their own team.

use std::collections::HashMap;

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Style, Stylize};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Row, Table, TableState, Wrap};

use super::reason::{Reason, Step};
use super::{Kind, ListGeometry, Screen, fit};
use crate::audit::Event;
use crate::i18n::{self, Lang, Rep, Ui};
use crate::model::MailingId;
use crate::model::ScanSource;
use crate::report::{Assessment, LeadReport, SessionEntry};
use crate::time_fmt::display;
use crate::tui::action::{Action, Cmd, Effect};
use crate::tui::ctx::Ctx;
use crate::tui::keys::{self, Binding};
use crate::tui::sanitize;

/// The period the lead looks at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Period {
    Today,
    #[default]
    Week,
    Month,
    All,
}

impl Period {
    /// The next period in the cycle (`d`).
    pub fn next(self) -> Self {
        match self {
            Period::Today => Period::Week,
            Period::Week => Period::Month,
            Period::Month => Period::All,
            Period::All => Period::Today,
        }
    }

    /// Days back from today, None for all time.
    pub fn days(self) -> Option<i64> {
        match self {
            Period::Today => Some(0),
            Period::Week => Some(6),
            Period::Month => Some(29),
            Period::All => None,
        }
    }

    fn label(self, lang: Lang) -> &'static str {
        i18n::ui(
            match self {
                Period::Today => Ui::PeriodToday,
                Period::Week => Ui::PeriodWeek,
                Period::Month => Ui::PeriodMonth,
                Period::All => Ui::PeriodAll,
            },
            lang,
        )
    }
}

/// What the lead tab shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum LeadView {
    #[default]
    Sessions,
    /// One session (index into the report's sessions): its mailings and their timelines.
    Session(usize),
    Locks,
}

/// State of the lead tab.
#[derive(Debug, Default)]
pub struct LeadScreen {
    period: Period,
    /// Only this caseworker's sessions; None = everyone.
    user: Option<String>,
    /// The caseworkers seen in the unfiltered period, for `u` to cycle through.
    users: Vec<String>,
    report: Option<LeadReport>,
    view: LeadView,
    selected: usize,
    /// How many events the timeline is scrolled back from its newest.
    scroll: usize,
    /// Recipient names the lead chose to see (Enter on a mailing), by mailing.
    names: HashMap<MailingId, String>,
    /// A reason being typed for breaking the selected lock.
    reason: Option<Reason>,
    message: Option<String>,
    geometry: ListGeometry,
    /// The team's policies, as every desk enforces them.
    policy: Option<crate::policy::Policy>,
}

impl LeadScreen {
    /// The lead tab with this week's report read.
    pub fn new(ctx: &mut Ctx) -> Self {
        let mut s = Self::default();
        s.load(ctx);
        s
    }

    /// The report shown (tests).
    pub fn report(&self) -> Option<&LeadReport> {
        self.report.as_ref()
    }

    /// Rows in the list shown.
    fn rows(&self) -> usize {
        let Some(r) = &self.report else { return 0 };
        match self.view {
            LeadView::Sessions => r.sessions.len(),
            LeadView::Session(i) => r.sessions.get(i).map_or(0, |s| s.mailings.len()),
            LeadView::Locks => r.locks.len(),
        }
    }

    /// Moves the selection, staying inside the list.
    fn move_by(&mut self, delta: isize) {
        let n = self.rows();
        if n > 0 {
            self.selected = self.selected.saturating_add_signed(delta).min(n - 1);
            self.scroll = 0;
        }
    }

    /// The next caseworker filter (`u`): everyone, then each in turn.
    fn next_user(&mut self) {
        self.user = match &self.user {
            None => self.users.first().cloned(),
            Some(u) => {
                let i = self.users.iter().position(|x| x == u);
                i.and_then(|i| self.users.get(i + 1)).cloned()
            }
        };
    }

    /// Reads the report again for the chosen period and caseworker.
    fn load(&mut self, ctx: &mut Ctx) {
        let since = self
            .period
            .days()
            .map(|d| crate::time_fmt::date(ctx.wf.clock_now() - time::Duration::days(d)));
        let query = crate::report::LogQuery {
            session: None,
            user: self.user.clone(),
            since,
            until: None,
        };
        self.policy = ctx.wf.policy(&ctx.session).ok();
        match ctx.wf.lead_report(&ctx.session, &query) {
            Ok(r) => {
                if self.user.is_none() {
                    let mut users: Vec<String> =
                        r.sessions.iter().map(|s| s.user.clone()).collect();
                    users.sort();
                    users.dedup();
                    self.users = users;
                }
                if let LeadView::Session(i) = self.view
                    && i >= r.sessions.len()
                {
                    self.view = LeadView::Sessions;
                }
                self.report = Some(r);
                self.selected = self.selected.min(self.rows().saturating_sub(1));
            }
            Err(e) => self.message = Some(ctx.error(&e)),
        }
    }

    /// Shows or hides the recipient's name of the selected mailing; never an address.
    fn toggle_name(&mut self, session: usize, ctx: &mut Ctx) {
        let Some((id, case)) = self
            .report
            .as_ref()
            .and_then(|r| r.sessions.get(session))
            .and_then(|s| s.mailings.get(self.selected))
            .map(|m| (m.mailing, m.case.clone()))
        else {
            return;
        };
        if self.names.remove(&id).is_some() {
            return;
        }
        let name = ctx.wf.status_of(id).and_then(|st| {
            let case = ctx.wf.show_case(&ctx.session, &case)?;
            Ok(case.party(st.recipient).map(|p| {
                if p.protected {
                    format!(
                        "{} ({})",
                        p.name,
                        i18n::text(i18n::Text::AddressHidden, ctx.lang)
                    )
                } else {
                    p.name.clone()
                }
            }))
        });
        match name {
            Ok(Some(n)) => {
                self.names.insert(id, n);
            }
            Ok(None) => {}
            Err(e) => self.message = Some(ctx.error(&e)),
        }
    }

    fn break_lock(&mut self, reason: &str, ctx: &mut Ctx) {
        let Some(case) = self
            .report
            .as_ref()
            .and_then(|r| r.locks.get(self.selected))
            .map(|l| l.case.clone())
        else {
            return;
        };
        self.message = Some(match ctx.wf.break_lock(&ctx.session, &case, reason) {
            Ok(m) => i18n::fill(ctx.t(Ui::LockBroken), &[&sanitize(&m.case)]),
            Err(e) => ctx.error(&e),
        });
        self.load(ctx);
    }
}

impl Screen for LeadScreen {
    fn kind(&self) -> Kind {
        Kind::Lead
    }

    fn keys(&self) -> &'static [Binding] {
        match (&self.reason, self.view) {
            (Some(_), _) => keys::REASON,
            (None, LeadView::Sessions) => keys::LEAD,
            (None, LeadView::Session(_)) => keys::LEAD_SESSION,
            (None, LeadView::Locks) => keys::LEAD_LOCKS,
        }
    }

    fn update(&mut self, action: Action, ctx: &mut Ctx) -> Effect {
        if let Some(reason) = &mut self.reason {
            match reason.update(action, ctx) {
                Step::Typing => {}
                Step::Cancelled => self.reason = None,
                Step::Done(text) => {
                    self.reason = None;
                    self.break_lock(&text, ctx);
                }
            }
            return Effect::None;
        }
        self.message = None;
        match (self.view, action) {
            (_, Action::Scan(code)) => return Effect::OpenCover(code, ScanSource::Scanner),
            (_, Action::Do(Cmd::Up)) => self.move_by(-1),
            (_, Action::Do(Cmd::Down)) => self.move_by(1),
            (_, Action::Do(Cmd::ScrollUp)) => self.scroll = self.scroll.saturating_add(5),
            (_, Action::Do(Cmd::ScrollDown)) => self.scroll = self.scroll.saturating_sub(5),
            (_, Action::Do(Cmd::Period)) => {
                self.period = self.period.next();
                self.load(ctx);
            }
            (_, Action::Do(Cmd::User)) => {
                self.next_user();
                self.load(ctx);
            }
            (_, Action::Do(Cmd::Locks)) => {
                self.view = LeadView::Locks;
                self.selected = 0;
                self.load(ctx);
            }
            (LeadView::Locks, Action::Do(Cmd::BreakLock)) if self.rows() > 0 => {
                self.reason = Some(Reason::default());
            }
            (LeadView::Sessions, Action::Do(Cmd::Confirm)) if self.rows() > 0 => {
                self.view = LeadView::Session(self.selected);
                self.selected = 0;
                self.scroll = 0;
            }
            (LeadView::Session(i), Action::Do(Cmd::Confirm)) => self.toggle_name(i, ctx),
            (LeadView::Session(i), Action::Do(Cmd::Back)) => {
                self.view = LeadView::Sessions;
                self.selected = i;
            }
            (LeadView::Locks, Action::Do(Cmd::Back)) => {
                self.view = LeadView::Sessions;
                self.selected = 0;
            }
            (LeadView::Sessions, Action::Do(Cmd::Back)) => return Effect::SwitchTab,
            _ => {}
        }
        Effect::None
    }

    fn refresh(&mut self, ctx: &mut Ctx) -> Effect {
        if self.reason.is_none() && self.report.is_none() {
            self.load(ctx);
        }
        Effect::None
    }

    fn click(&mut self, x: u16, y: u16) -> Option<Action> {
        if self.reason.is_some() {
            return None;
        }
        let row = self.geometry.row_at(x, y, self.rows())?;
        if row == self.selected {
            return Some(Action::Do(Cmd::Confirm));
        }
        self.selected = row;
        self.scroll = 0;
        None
    }

    fn draw(&self, frame: &mut Frame, area: Rect, ctx: &Ctx) {
        let lang = ctx.lang;
        let Some(r) = &self.report else {
            if let Some(msg) = &self.message {
                frame.render_widget(
                    Paragraph::new(sanitize(msg))
                        .wrap(Wrap { trim: true })
                        .red(),
                    area,
                );
            }
            return;
        };
        // A session's mailings take the room they need (up to half); its timeline the rest.
        let bottom_rows = match self.view {
            LeadView::Session(i) => {
                let rows = r.sessions.get(i).map_or(0, |s| s.mailings.len()) as u16 + 3;
                Constraint::Min(area.height.saturating_sub(1 + rows).max(area.height / 2))
            }
            _ => Constraint::Length(7),
        };
        let [filters, body, bottom] =
            Layout::vertical([Constraint::Length(1), Constraint::Min(5), bottom_rows]).areas(area);
        let who = self
            .user
            .as_deref()
            .map(sanitize)
            .unwrap_or_else(|| i18n::ui(Ui::Everyone, lang).to_owned());
        frame.render_widget(
            Paragraph::new(Line::from(vec![
                Span::styled(
                    format!("{} {}", i18n::rep(Rep::Team, lang), r.team),
                    Style::new().bold(),
                ),
                Span::raw(format!(
                    "   {}: {}   {}: {who}",
                    i18n::rep(Rep::Period, lang),
                    self.period.label(lang),
                    i18n::ui(Ui::Caseworker, lang),
                )),
            ])),
            filters,
        );
        match self.view {
            LeadView::Sessions => {
                self.draw_sessions(frame, body, r, lang);
                self.draw_summary(frame, bottom, r, lang);
            }
            LeadView::Session(i) => {
                if let Some(s) = r.sessions.get(i) {
                    self.draw_session(frame, body, s, lang);
                    self.draw_timeline(frame, bottom, s, lang);
                }
            }
            LeadView::Locks => {
                self.draw_locks(frame, body, r, lang);
                self.draw_reason(frame, bottom, ctx);
            }
        }
    }
}

impl LeadScreen {
    /// Draws a list with its header row and the selection, and remembers where its rows are,
    /// so a click finds its row.
    fn draw_list(&self, frame: &mut Frame, area: Rect, table: Table<'_>, block: Block<'_>) {
        let mut state = TableState::default().with_selected(Some(self.selected));
        let mut rows = block.inner(area);
        frame.render_stateful_widget(
            table
                .row_highlight_style(Style::new().reversed())
                .block(block),
            area,
            &mut state,
        );
        // Below the header row.
        rows.y += 1;
        rows.height = rows.height.saturating_sub(1);
        self.geometry.set(rows, state.offset());
    }

    fn draw_sessions(&self, frame: &mut Frame, area: Rect, r: &LeadReport, lang: Lang) {
        // Every column has a word for a head; the narrow window keeps the figures.
        let wide = area.width >= 120;
        let t = |u| i18n::ui(u, lang);
        let mut head = vec![t(Ui::Caseworker), t(Ui::Started)];
        let mut widths = vec![Constraint::Length(13), Constraint::Length(16)];
        if wide {
            head.extend([t(Ui::Ended), t(Ui::Terminal)]);
            widths.extend([Constraint::Length(5), Constraint::Fill(1)]);
        }
        let figures = if wide {
            &[
                Ui::ColSealed,
                Ui::ColVoided,
                Ui::ColOpen,
                Ui::ColDeviations,
                Ui::ColReprints,
                Ui::ColKeyed,
            ][..]
        } else {
            &[Ui::ColSealed, Ui::ColVoided, Ui::ColOpen, Ui::ColDeviations][..]
        };
        for &f in figures {
            head.push(t(f));
            widths.push(Constraint::Length(t(f).chars().count() as u16));
        }
        let rows = r.sessions.iter().map(|s| {
            let c = &s.counts;
            let mut cells = vec![fit(&sanitize(&s.user), 13), display(&s.started)];
            if wide {
                cells.push(
                    s.ended
                        .as_deref()
                        .map(|e| display(e).chars().skip(11).collect())
                        .unwrap_or_else(|| "…".to_owned()),
                );
                cells.push(sanitize(&s.terminal));
            }
            cells.extend([c.sealed, c.voided, c.open, c.deviations].map(|n| n.to_string()));
            if wide {
                cells.push(c.reprints.to_string());
                cells.push(format!("{}/{}", c.keyed, c.scans));
            }
            let row = Row::new(cells);
            if c.deviations > 0 {
                row.style(Style::new().fg(Color::Yellow))
            } else {
                row
            }
        });
        let block = Block::bordered().title(i18n::rep(Rep::Sessions, lang));
        self.draw_list(
            frame,
            area,
            Table::new(rows, widths).header(Row::new(head).bold()),
            block,
        );
    }

    fn draw_summary(&self, frame: &mut Frame, area: Rect, r: &LeadReport, lang: Lang) {
        let s = &r.summary;
        let t = |x| i18n::rep(x, lang);
        let pct = |v: f64| i18n::percent(v, lang);
        let flagged: Vec<_> = r
            .incidents
            .iter()
            .filter(|i| i.assessment == Assessment::MayHaveHappened)
            .collect();
        let mut lines = vec![
            Line::from(format!(
                "{} {} ({} {}, {} {}, {} {})   {} {} ({})",
                t(Rep::Mailings),
                s.mailings,
                s.sealed,
                t(Rep::Sealed),
                s.voided,
                t(Rep::Voided),
                s.open,
                t(Rep::Open),
                t(Rep::Deviations),
                s.deviations,
                pct(s.deviation_rate)
            )),
            Line::from(format!(
                "{} {}   {} {}   {} {}",
                t(Rep::KeyedRate),
                pct(s.keyed_rate),
                t(Rep::Reprints),
                s.reprints,
                t(Rep::Overrides),
                s.overrides
            )),
        ];
        if let Some(p) = &self.policy {
            let u = |x| i18n::ui(x, lang);
            lines.push(Line::from(format!(
                "{}: {}, {} ({})",
                u(Ui::Policies),
                u(if p.dual_control {
                    Ui::DualControlOn
                } else {
                    Ui::DualControlOff
                }),
                u(match p.verify {
                    crate::model::VerifyPolicy::EverySheet => Ui::VerifyEverySheet,
                    crate::model::VerifyPolicy::CoverAndDocumentEnds => Ui::VerifyDocumentEnds,
                }),
                u(Ui::PolicyHowToChange),
            )));
        }
        if !s.most_deviations.is_empty() {
            let most: Vec<String> = s
                .most_deviations
                .iter()
                .map(|d| format!("{} {}", sanitize(&d.user), d.total()))
                .collect();
            lines.push(Line::from(format!(
                "{}: {}",
                t(Rep::MostDeviations),
                most.join(", ")
            )));
        }
        if flagged.is_empty() {
            lines.push(Line::from(t(Rep::IncidentsNone)).green());
        }
        for i in flagged {
            lines.push(
                Line::from(format!(
                    "! {} {} → {} {}: {} {}",
                    sanitize(&i.case),
                    i18n::deviation_name(&i.kind, lang),
                    sanitize(i.other_case.as_deref().unwrap_or("?")),
                    t(Rep::MayHaveHappened),
                    t(Rep::AssessBy),
                    i.assess_by.as_deref().map(display).unwrap_or_default()
                ))
                .style(Style::new().fg(Color::White).bg(Color::Red).bold()),
            );
        }
        frame.render_widget(
            Paragraph::new(lines)
                .wrap(Wrap { trim: true })
                .block(Block::bordered().title(t(Rep::Summary))),
            area,
        );
    }

    fn draw_session(&self, frame: &mut Frame, area: Rect, s: &SessionEntry, lang: Lang) {
        let t = |u| i18n::ui(u, lang);
        let wide = area.width >= 120;
        let rows = s.mailings.iter().map(|m| {
            let role = i18n::role_text_str(&m.recipient_role, lang);
            let name = self
                .names
                .get(&m.mailing)
                .map(|n| format!("{role}: {}", sanitize(n)))
                .unwrap_or(role);
            let mut cells = vec![
                format!("#{}", m.mailing),
                sanitize(&m.case),
                name,
                crate::model::MailingState::parse(&m.state)
                    .map(|st| i18n::state_text(st, lang).to_owned())
                    .unwrap_or_else(|| m.state.clone()),
                m.sheets.to_string(),
                m.deviations.len().to_string(),
            ];
            if wide {
                cells.push(m.overrides.to_string());
            }
            let row = Row::new(cells);
            if m.deviations.is_empty() {
                row
            } else {
                row.style(Style::new().fg(Color::Yellow))
            }
        });
        let mut head = vec![
            "#",
            t(Ui::Case),
            t(Ui::Recipient),
            t(Ui::State),
            t(Ui::Sheet),
            t(Ui::ColDeviations),
        ];
        let mut widths = vec![
            Constraint::Length(6),
            Constraint::Length(16),
            Constraint::Fill(1),
            Constraint::Length(13),
            Constraint::Length(4),
            Constraint::Length(t(Ui::ColDeviations).chars().count() as u16),
        ];
        if wide {
            head.push(t(Ui::ColOverrides));
            widths.push(Constraint::Length(
                t(Ui::ColOverrides).chars().count() as u16
            ));
        }
        let block = Block::bordered().title(format!(
            "{} {}  {} ({})  {}  {} – {}",
            i18n::rep(Rep::Session, lang),
            s.session,
            sanitize(&s.name),
            sanitize(&s.user),
            sanitize(&s.terminal),
            display(&s.started),
            s.ended
                .as_deref()
                .map(display)
                .unwrap_or_else(|| "…".into())
        ));
        self.draw_list(
            frame,
            area,
            Table::new(rows, widths).header(Row::new(head).bold()),
            block,
        );
    }

    fn draw_timeline(&self, frame: &mut Frame, area: Rect, s: &SessionEntry, lang: Lang) {
        let Some(m) = s.mailings.get(self.selected) else {
            return;
        };
        // The newest events that fit, scrolled back by PgUp: a timeline is read from its end.
        let height = usize::from(area.height.saturating_sub(2));
        let total = m.events.len();
        let end = total.saturating_sub(self.scroll.min(total.saturating_sub(height)));
        let start = end.saturating_sub(height);
        let lines: Vec<Line> = m.events[start..end]
            .iter()
            .map(|e| {
                let text = format!(
                    "{}  {}",
                    display(&e.time).chars().skip(11).collect::<String>(),
                    sanitize(&i18n::event_text(e.event.as_ref(), &e.kind, lang))
                );
                match &e.event {
                    Some(Event::Deviation { .. } | Event::LockBroken { .. }) => {
                        Line::from(text).red().bold()
                    }
                    Some(Event::Reprinted(_) | Event::Voided { .. }) => Line::from(text).yellow(),
                    Some(Event::Sealed { .. }) => Line::from(text).green(),
                    _ => Line::from(text),
                }
            })
            .collect();
        frame.render_widget(
            Paragraph::new(lines).block(Block::bordered().title(format!(
                "{} – #{} {}  ({}–{} / {})",
                i18n::ui(Ui::Timeline, lang),
                m.mailing,
                sanitize(&m.case),
                start + usize::from(total > 0),
                end,
                total
            ))),
            area,
        );
    }

    fn draw_locks(&self, frame: &mut Frame, area: Rect, r: &LeadReport, lang: Lang) {
        let rows = r.locks.iter().map(|l| {
            Row::new(vec![
                sanitize(&l.case),
                sanitize(&l.name),
                crate::model::MailingState::parse(&l.state)
                    .map(|st| i18n::state_text(st, lang).to_owned())
                    .unwrap_or_else(|| l.state.clone()),
                display(&l.since),
                format!("{} {}", l.minutes, i18n::rep(Rep::Minutes, lang)),
            ])
        });
        let block = Block::bordered().title(format!(
            "{} ({})",
            i18n::rep(Rep::OpenLocks, lang),
            r.locks.len()
        ));
        if r.locks.is_empty() {
            frame.render_widget(
                Paragraph::new(i18n::rep(Rep::NoLocks, lang)).block(block),
                area,
            );
            return;
        }
        let header = Row::new(vec![
            i18n::ui(Ui::Case, lang),
            i18n::ui(Ui::LockedBy, lang),
            i18n::ui(Ui::State, lang),
            i18n::ui(Ui::Started, lang),
            "",
        ])
        .bold();
        self.draw_list(
            frame,
            area,
            Table::new(
                rows,
                [
                    Constraint::Length(16),
                    Constraint::Fill(1),
                    Constraint::Length(13),
                    Constraint::Length(16),
                    Constraint::Length(9),
                ],
            )
            .header(header),
            block,
        );
    }

    fn draw_reason(&self, frame: &mut Frame, area: Rect, ctx: &Ctx) {
        let mut lines = Vec::new();
        if let Some(reason) = &self.reason {
            lines.extend(reason.lines(ctx.t(Ui::BreakReason), ctx));
        } else if self.rows() > 0 {
            lines.push(Line::from(format!("b – {}", ctx.t(Ui::KeyBreakLock))).dark_gray());
        }
        if let Some(msg) = &self.message {
            lines.push(Line::from(sanitize(msg)).red());
        }
        frame.render_widget(
            Paragraph::new(lines)
                .wrap(Wrap { trim: true })
                .block(Block::bordered()),
            area,
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn periods_cycle_and_users_cycle_back_to_everyone() {
        let mut p = Period::Today;
        for _ in 0..4 {
            p = p.next();
        }
        assert_eq!(p, Period::Today);
        let mut l = LeadScreen {
            users: vec!["a".into(), "b".into()],
            ..LeadScreen::default()
        };
        l.next_user();
        assert_eq!(l.user.as_deref(), Some("a"));
        l.next_user();
        assert_eq!(l.user.as_deref(), Some("b"));
        l.next_user();
        assert_eq!(l.user, None);
    }
}
