//! The team lead's tab: the team's sessions with their figures, a session's mailings with a
//! timeline of each, the open locks (breaking one needs a reason), and the near-miss summary
//! of the period. Only leads ever see it, and only their own team.

use std::collections::HashMap;

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Style, Stylize};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Row, Table, TableState, Wrap};

use super::ListGeometry;
use crate::i18n::{self, Lang, Rep, Ui};
use crate::model::MailingId;
use crate::report::{Assessment, LeadReport, SessionEntry};
use crate::time_fmt::display;
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
    pub period: Period,
    /// Only this caseworker's sessions; None = everyone.
    pub user: Option<String>,
    /// The caseworkers seen in the unfiltered period, for `u` to cycle through.
    pub users: Vec<String>,
    pub report: Option<LeadReport>,
    pub view: LeadView,
    pub selected: usize,
    /// Recipient names the lead chose to see (Enter on a mailing), by mailing.
    pub names: HashMap<MailingId, String>,
    /// A reason being typed for breaking the selected lock.
    pub reason: Option<String>,
    pub message: Option<String>,
    pub geometry: ListGeometry,
}

impl LeadScreen {
    /// Rows in the list shown.
    pub fn rows(&self) -> usize {
        let Some(r) = &self.report else { return 0 };
        match self.view {
            LeadView::Sessions => r.sessions.len(),
            LeadView::Session(i) => r.sessions.get(i).map_or(0, |s| s.mailings.len()),
            LeadView::Locks => r.locks.len(),
        }
    }

    /// Moves the selection, staying inside the list.
    pub fn move_by(&mut self, delta: isize) {
        let n = self.rows();
        if n > 0 {
            self.selected = self.selected.saturating_add_signed(delta).min(n - 1);
        }
    }

    /// The next caseworker filter (`u`): everyone, then each in turn.
    pub fn next_user(&mut self) {
        self.user = match &self.user {
            None => self.users.first().cloned(),
            Some(u) => {
                let i = self.users.iter().position(|x| x == u);
                i.and_then(|i| self.users.get(i + 1)).cloned()
            }
        };
    }

    /// Draws the tab; reads state only.
    pub fn draw(&self, frame: &mut Frame, area: Rect, lang: Lang) {
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
        let [filters, body, bottom] = Layout::vertical([
            Constraint::Length(1),
            Constraint::Min(5),
            Constraint::Length(7),
        ])
        .areas(area);
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
                self.draw_reason(frame, bottom, lang);
            }
        }
    }

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
        let rows = r.sessions.iter().map(|s| {
            let c = &s.counts;
            let row = Row::new(vec![
                sanitize(&s.user),
                sanitize(&s.terminal),
                display(&s.started),
                s.ended
                    .as_deref()
                    .map(|e| display(e).chars().skip(11).collect())
                    .unwrap_or_else(|| "…".to_owned()),
                format!("{}/{}/{}", c.sealed, c.voided, c.open),
                c.deviations.to_string(),
                c.reprints.to_string(),
                format!("{}/{}", c.keyed, c.scans),
            ]);
            if c.deviations > 0 {
                row.style(Style::new().fg(Color::Yellow))
            } else {
                row
            }
        });
        let header = Row::new(vec![
            i18n::ui(Ui::Caseworker, lang),
            i18n::ui(Ui::Terminal, lang),
            i18n::ui(Ui::Started, lang),
            i18n::ui(Ui::Ended, lang),
            i18n::ui(Ui::ColStates, lang),
            i18n::ui(Ui::ColDeviations, lang),
            i18n::ui(Ui::ColReprints, lang),
            i18n::ui(Ui::ColKeyed, lang),
        ])
        .bold();
        let block = Block::bordered().title(i18n::rep(Rep::Sessions, lang));
        self.draw_list(
            frame,
            area,
            Table::new(
                rows,
                [
                    Constraint::Length(13),
                    Constraint::Fill(1),
                    Constraint::Length(16),
                    Constraint::Length(5),
                    Constraint::Length(7),
                    Constraint::Length(4),
                    Constraint::Length(4),
                    Constraint::Length(6),
                ],
            )
            .header(header),
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
        if !s.most_deviations.is_empty() {
            let most: Vec<String> = s
                .most_deviations
                .iter()
                .map(|d| format!("{} {}", sanitize(&d.user), d.deviations))
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
        let rows = s.mailings.iter().map(|m| {
            let role = i18n::role_text_str(&m.recipient_role, lang);
            let name = self
                .names
                .get(&m.mailing)
                .map(|n| format!("{role}: {}", sanitize(n)))
                .unwrap_or(role);
            let row = Row::new(vec![
                format!("#{}", m.mailing),
                sanitize(&m.case),
                name,
                crate::model::MailingState::parse(&m.state)
                    .map(|st| i18n::state_text(st, lang).to_owned())
                    .unwrap_or_else(|| m.state.clone()),
                m.sheets.to_string(),
                m.deviations.len().to_string(),
                m.overrides.to_string(),
            ]);
            if m.deviations.is_empty() {
                row
            } else {
                row.style(Style::new().fg(Color::Yellow))
            }
        });
        let header = Row::new(vec![
            "#",
            i18n::ui(Ui::Case, lang),
            i18n::ui(Ui::Recipient, lang),
            i18n::ui(Ui::State, lang),
            i18n::ui(Ui::Sheet, lang),
            i18n::ui(Ui::ColDeviations, lang),
            i18n::ui(Ui::ColOverrides, lang),
        ])
        .bold();
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
            Table::new(
                rows,
                [
                    Constraint::Length(6),
                    Constraint::Length(16),
                    Constraint::Fill(1),
                    Constraint::Length(13),
                    Constraint::Length(6),
                    Constraint::Length(4),
                    Constraint::Length(4),
                ],
            )
            .header(header),
            block,
        );
    }

    fn draw_timeline(&self, frame: &mut Frame, area: Rect, s: &SessionEntry, lang: Lang) {
        let Some(m) = s.mailings.get(self.selected) else {
            return;
        };
        // The newest events are the ones that fit: a timeline is read from its end.
        let height = usize::from(area.height.saturating_sub(2));
        let skip = m.events.len().saturating_sub(height);
        let lines: Vec<Line> = m.events[skip..]
            .iter()
            .map(|e| {
                let text = format!(
                    "{}  {}",
                    display(&e.time).chars().skip(11).collect::<String>(),
                    sanitize(&i18n::event_text(&e.kind, &e.detail, lang))
                );
                match e.kind.as_str() {
                    "deviation" | "lock_broken" => Line::from(text).red().bold(),
                    "reprinted" | "voided" => Line::from(text).yellow(),
                    "sealed" => Line::from(text).green(),
                    _ => Line::from(text),
                }
            })
            .collect();
        frame.render_widget(
            Paragraph::new(lines).block(Block::bordered().title(format!(
                "{} – #{} {}",
                i18n::ui(Ui::Timeline, lang),
                m.mailing,
                sanitize(&m.case)
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

    fn draw_reason(&self, frame: &mut Frame, area: Rect, lang: Lang) {
        let mut lines = Vec::new();
        if let Some(text) = &self.reason {
            lines.push(Line::from(i18n::ui(Ui::BreakReason, lang)).bold());
            lines.push(Line::from(format!("> {}", sanitize(text))));
        } else if self.rows() > 0 {
            lines.push(Line::from(format!("b – {}", i18n::ui(Ui::KeyBreakLock, lang))).dark_gray());
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
