//! What surrounds the screen on top: the tab bar (leads), the notice bar, the footer and the
//! help, all drawn from the same key table the input goes through; and the size guard.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Style, Stylize};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph, Row, Table, Wrap};

use super::app::App;
use super::ctx::Ctx;
use super::keys::{self, Binding};
use super::screens::{Kind, Screen};
use crate::i18n::{self, Ui};

/// What the chrome reads of the app.
pub struct Parts<'a> {
    pub ctx: &'a Ctx,
    pub top: &'a dyn Screen,
    pub table: Vec<Binding>,
    pub notice: Option<&'a str>,
    pub help: bool,
    pub too_small: bool,
}

/// Draws the whole frame.
pub fn draw(app: &App, frame: &mut Frame, area: Rect) {
    let p = app.parts();
    let ctx = p.ctx;
    if p.too_small && !p.top.stopped() {
        // A hard stop is drawn whatever the size; anything else waits for room.
        let mut lines = vec![Line::from(ctx.t(Ui::TooSmall))];
        if let Some(n) = p.notice {
            lines.push(Line::from(super::sanitize(n)).red().bold());
        }
        frame.render_widget(
            Paragraph::new(lines)
                .wrap(Wrap { trim: true })
                .style(Style::new().fg(Color::Yellow)),
            area,
        );
        return;
    }
    let footer = keys::footer(&p.table, ctx.lang, area.width);
    let notice_rows = if p.notice.is_some() { 2 } else { 0 };
    let tab_rows = u16::from(ctx.has_lead_tab());
    let lost = ctx.wf.connection_lost();
    let [banner, tabs, body, notice, foot] = Layout::vertical([
        Constraint::Length(if lost { 2 } else { 0 }),
        Constraint::Length(tab_rows),
        Constraint::Min(0),
        Constraint::Length(notice_rows),
        Constraint::Length(footer.len() as u16),
    ])
    .areas(area);
    if lost {
        frame.render_widget(
            Paragraph::new(ctx.t(Ui::ConnectionLost))
                .wrap(Wrap { trim: true })
                .style(Style::new().fg(Color::White).bg(Color::Red).bold()),
            banner,
        );
    }
    if ctx.has_lead_tab() {
        draw_tabs(frame, tabs, ctx, p.top.kind() == Kind::Lead);
    }
    p.top.draw(frame, body, ctx);
    if let Some(text) = p.notice {
        frame.render_widget(
            Paragraph::new(super::sanitize(text))
                .wrap(Wrap { trim: true })
                .style(Style::new().fg(Color::White).bg(Color::Blue).bold()),
            notice,
        );
    }
    frame.render_widget(Paragraph::new(footer), foot);
    if p.help {
        draw_help(frame, area, &p.table, ctx);
    }
}

fn draw_tabs(frame: &mut Frame, area: Rect, ctx: &Ctx, lead: bool) {
    let tab = |label: &str, on: bool| {
        let style = if on {
            Style::new().reversed().bold()
        } else {
            Style::new().dark_gray()
        };
        Span::styled(format!(" {label} "), style)
    };
    frame.render_widget(
        Paragraph::new(Line::from(vec![
            tab(ctx.t(Ui::Casework), !lead),
            Span::raw(" "),
            tab(ctx.t(Ui::Lead), lead),
            Span::styled(
                format!("  {}", ctx.t(Ui::LeadTabHint)),
                Style::new().dark_gray(),
            ),
        ])),
        area,
    );
}

/// The help: every row of the table in force, typing and scanning included.
fn draw_help(frame: &mut Frame, area: Rect, table: &[Binding], ctx: &Ctx) {
    let rows: Vec<Row> = table
        .iter()
        .map(|b| {
            Row::new(vec![
                b.label(ctx.lang),
                i18n::ui(b.help, ctx.lang).to_owned(),
            ])
        })
        .collect();
    let height = (rows.len() as u16 + 3).min(area.height);
    let popup = area.centered(Constraint::Length(64), Constraint::Length(height));
    frame.render_widget(Clear, popup);
    frame.render_widget(
        Table::new(rows, [Constraint::Length(18), Constraint::Fill(1)]).block(
            Block::bordered()
                .title(ctx.t(Ui::HelpTitle))
                .title_bottom(ctx.t(Ui::HelpClose))
                .bold(),
        ),
        popup,
    );
}
