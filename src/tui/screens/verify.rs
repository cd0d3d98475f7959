//! Scanning at sealing: a big checklist of sheets that fills as they are scanned, and the
//! hard stop — full screen, red — for a sheet that does not belong. The same screen serves
//! the caseworker's own desk and a sealing station (`Desk::Station`).

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Style, Stylize};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph, Wrap};

use super::reason::{Reason, Step};
use super::{Kind, Screen};
use crate::i18n::{self, Text, Ui};
use crate::model::{MailingId, MailingState, MailingStatus, ScanOutcome, ScanSource, Verdict};
use crate::tui::action::{Action, Cmd, Effect};
use crate::tui::ctx::Ctx;
use crate::tui::keys::{self, Binding};
use crate::tui::sanitize;
use crate::workflow::Desk;

/// Longest code kept in the field.
const MAX_CHARS: usize = 40;

/// What a reason is being typed for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ReasonFor {
    Reprint,
    Void,
}

/// What the screen is waiting for.
#[derive(Debug)]
enum Mode {
    Scanning,
    /// F2 was pressed once: the next F2 seals.
    ConfirmSeal,
    /// A foreign, stale or unknown sheet: shown until F9.
    HardStop(ScanOutcome),
    Reason(ReasonFor, Reason),
}

/// The last scan: its outcome, how it came, and whether it was a kuvert code at all.
#[derive(Debug)]
struct LastScan {
    outcome: ScanOutcome,
    source: ScanSource,
    kuvert: bool,
}

/// State of the verify screen.
#[derive(Debug)]
pub struct VerifyScreen {
    mailing: MailingStatus,
    /// Whose desk: the caseworker's own mailing, or one opened at a station.
    desk: Desk,
    /// Dual control and this is the printer's own desk: a colleague must scan and seal.
    four_eyes: bool,
    mode: Mode,
    /// A code typed by hand.
    input: String,
    last: Option<LastScan>,
    message: Option<String>,
    /// Right after printing: how many sheets to fetch from where, and the job file.
    collect: Option<String>,
}

impl VerifyScreen {
    pub fn new(mailing: MailingStatus, desk: Desk, ctx: &mut Ctx) -> Self {
        // Only the hint: the workflow enforces the team's policy in every scan and seal.
        let dual = desk == Desk::Own
            && ctx
                .wf
                .policy(&ctx.session)
                .is_ok_and(|policy| policy.dual_control);
        Self {
            mailing,
            desk,
            four_eyes: dual,
            mode: Mode::Scanning,
            input: String::new(),
            last: None,
            message: None,
            collect: None,
        }
    }

    /// Right after a print: says where the sheets are and, for a reprint, what to do with
    /// the old ones.
    pub fn printed(mailing: MailingStatus, collect: String, ctx: &mut Ctx) -> Self {
        Self {
            collect: Some(collect),
            ..Self::new(mailing, Desk::Own, ctx)
        }
    }

    fn scan(&mut self, code: &str, source: ScanSource, ctx: &mut Ctx) -> Effect {
        // The sheets are in hand once the first is scanned.
        self.collect = None;
        match ctx.wf.scan_at(&ctx.session, self.desk, code, source) {
            Ok(outcome) => {
                if !self.tick(&outcome) {
                    match ctx.wf.status_of(self.mailing.mailing) {
                        Ok(m) => self.mailing = m,
                        Err(e) => self.message = Some(ctx.error(&e)),
                    }
                }
                let stop = outcome.verdict.is_deviation();
                self.last = Some(LastScan {
                    outcome: outcome.clone(),
                    source,
                    kuvert: crate::code::is_kuvert_code(code),
                });
                if stop {
                    self.mode = Mode::HardStop(outcome);
                    return Effect::Bell;
                }
            }
            Err(e) => self.message = Some(ctx.error(&e)),
        }
        Effect::None
    }

    /// A sheet of this print scanned in order (or again): the outcome says all the screen
    /// shows, so the frame with its tick needs no second read (on a server five round
    /// trips). False when the outcome is anything else, or of another print (the owner
    /// printed again meanwhile); then the status is read again.
    fn tick(&mut self, outcome: &ScanOutcome) -> bool {
        let m = &mut self.mailing;
        let ours = matches!(outcome.verdict, Verdict::Ok | Verdict::Duplicate)
            && outcome.generation == m.generation;
        if !ours {
            return false;
        }
        m.seen_sheets.clone_from(&outcome.seen_sheets);
        m.seen = outcome.seen;
        m.state = outcome.state;
        true
    }

    /// Back where this envelope was opened from: the start for one's own mailing.
    fn leave(&self, notice: Option<String>) -> Effect {
        match self.desk {
            Desk::Own => Effect::Home(notice),
            Desk::Station(_) => Effect::Pop(notice),
        }
    }

    fn scanning(&mut self, action: Action, ctx: &mut Ctx) -> Effect {
        match action {
            Action::Scan(code) => return self.scan(&code, ScanSource::Scanner, ctx),
            Action::Type(c) if self.input.chars().count() < MAX_CHARS => self.input.push(c),
            Action::Do(Cmd::Erase) => {
                self.input.pop();
            }
            Action::Do(Cmd::Confirm) if !self.input.trim().is_empty() => {
                let code = std::mem::take(&mut self.input);
                return self.scan(&code, ScanSource::Keyed, ctx);
            }
            Action::Do(Cmd::Seal) if self.mailing.state == MailingState::Verified => {
                self.mode = Mode::ConfirmSeal;
            }
            // Not verified here: the workflow refuses it and logs the refusal (or, had the
            // last scan been counted meanwhile, seals it as asked).
            Action::Do(Cmd::Seal) => match ctx.wf.seal_at(&ctx.session, self.desk) {
                Ok(m) => {
                    return self.leave(Some(i18n::fill(
                        ctx.t(Ui::SealedNotice),
                        &[&sanitize(&m.case), &m.sheets],
                    )));
                }
                Err(e) => self.message = Some(ctx.error(&e)),
            },
            Action::Do(Cmd::Reprint | Cmd::Void) if self.desk != Desk::Own => {
                self.message = Some(ctx.t(Ui::StationOwnerOnly).to_owned());
            }
            Action::Do(Cmd::Reprint) => {
                self.mode = Mode::Reason(ReasonFor::Reprint, Reason::default());
            }
            Action::Do(Cmd::Void) => self.mode = Mode::Reason(ReasonFor::Void, Reason::default()),
            Action::Do(Cmd::Back) => return Effect::Pop(None),
            _ => {}
        }
        Effect::None
    }
}

impl Screen for VerifyScreen {
    fn kind(&self) -> Kind {
        Kind::Verify
    }

    fn keys(&self) -> &'static [Binding] {
        match (&self.mode, self.desk) {
            (Mode::HardStop(_), _) => keys::HARD_STOP,
            (Mode::ConfirmSeal, _) => keys::CONFIRM_SEAL,
            (Mode::Reason(..), _) => keys::REASON,
            (Mode::Scanning, Desk::Own) => keys::VERIFY,
            (Mode::Scanning, Desk::Station(_)) => keys::VERIFY_STATION,
        }
    }

    fn update(&mut self, action: Action, ctx: &mut Ctx) -> Effect {
        let mode = std::mem::replace(&mut self.mode, Mode::Scanning);
        if !matches!(mode, Mode::Reason(..)) {
            self.message = None;
        }
        match (mode, action) {
            (Mode::HardStop(_), Action::Do(Cmd::Acknowledge)) => Effect::None,
            // Only a deliberate F9 ends a hard stop; a scan waits for it, and is heard.
            (Mode::HardStop(out), Action::Scan(_)) => {
                self.mode = Mode::HardStop(out);
                self.message = Some(ctx.t(Ui::AcknowledgeFirst).to_owned());
                Effect::Bell
            }
            (mode @ Mode::HardStop(_), _) => {
                self.mode = mode;
                Effect::None
            }
            (Mode::Reason(what, mut reason), action) => match reason.update(action, ctx) {
                Step::Typing => {
                    self.mode = Mode::Reason(what, reason);
                    Effect::None
                }
                Step::Cancelled => Effect::None,
                Step::Done(text) if what == ReasonFor::Reprint => Effect::Print(Some(text)),
                Step::Done(text) => match ctx.wf.void(&ctx.session, &text) {
                    Ok(m) => self.leave(Some(i18n::fill(
                        ctx.t(Ui::VoidedNotice),
                        &[&sanitize(&m.case), &self.mailing.sheets],
                    ))),
                    Err(e) => {
                        self.message = Some(ctx.error(&e));
                        self.mode = Mode::Reason(what, reason);
                        Effect::None
                    }
                },
            },
            (Mode::ConfirmSeal, Action::Do(Cmd::Seal)) => {
                match ctx.wf.seal_at(&ctx.session, self.desk) {
                    Ok(m) => self.leave(Some(i18n::fill(
                        ctx.t(Ui::SealedNotice),
                        &[&sanitize(&m.case), &m.sheets],
                    ))),
                    Err(e) => {
                        self.message = Some(ctx.error(&e));
                        Effect::None
                    }
                }
            }
            // A scan cancels the question and counts as a scan.
            (Mode::ConfirmSeal, action @ Action::Scan(_)) => self.scanning(action, ctx),
            (Mode::ConfirmSeal, _) => Effect::None,
            (Mode::Scanning, action) => self.scanning(action, ctx),
        }
    }

    /// The mailing may have been sealed at a station, or voided or reprinted meanwhile.
    fn refresh(&mut self, ctx: &mut Ctx) -> Effect {
        if !matches!(self.mode, Mode::Scanning | Mode::ConfirmSeal) {
            return Effect::None;
        }
        match ctx.wf.status_of(self.mailing.mailing) {
            Ok(m) if matches!(m.state, MailingState::Sealed | MailingState::Voided) => {
                let text = format!(
                    "{} {}: {}",
                    ctx.t(Ui::TheMailing),
                    sanitize(&m.case),
                    i18n::state_text(m.state, ctx.lang)
                );
                self.leave(Some(text))
            }
            Ok(m) => {
                self.mailing = m;
                Effect::None
            }
            Err(e) => {
                self.message = Some(ctx.error(&e));
                Effect::None
            }
        }
    }

    fn print_failed(&mut self, message: String) {
        self.message = Some(message);
    }

    fn checking(&self) -> Option<MailingId> {
        Some(self.mailing.mailing)
    }

    fn stopped(&self) -> bool {
        matches!(self.mode, Mode::HardStop(_))
    }

    fn draw(&self, frame: &mut Frame, area: Rect, ctx: &Ctx) {
        if let Mode::HardStop(stop) = &self.mode {
            self.draw_hard_stop(frame, area, stop, ctx);
            return;
        }
        let m = &self.mailing;
        let protected_rows = if m.recipient_protected { 6 } else { 0 };
        let head_rows = if self.collect.is_some() { 6 } else { 4 };
        let [head, protected, sheets, field] = Layout::vertical([
            Constraint::Length(head_rows),
            Constraint::Length(protected_rows),
            Constraint::Min(3),
            Constraint::Length(6),
        ])
        .areas(area);
        let title = match self.desk {
            Desk::Own => ctx.t(Ui::Verify),
            Desk::Station(_) => ctx.t(Ui::StationVerify),
        };
        let mut head_lines = vec![Line::from(format!(
            "{}  {}  {}/{}  {}",
            sanitize(&m.case),
            i18n::state_text(m.state, ctx.lang),
            m.seen,
            m.required,
            ctx.t(Ui::ScanHint)
        ))];
        if let Some(collect) = &self.collect {
            head_lines.push(Line::from(sanitize(collect)).cyan());
        }
        frame.render_widget(
            Paragraph::new(head_lines)
                .wrap(Wrap { trim: true })
                .block(Block::bordered().title(title)),
            head,
        );
        if m.recipient_protected {
            frame.render_widget(
                Paragraph::new(i18n::text(Text::ProtectedSteps, ctx.lang))
                    .wrap(Wrap { trim: true })
                    .block(Block::bordered().title(ctx.t(Ui::ProtectedTitle)).yellow()),
                protected,
            );
        }
        let checklist = Block::bordered();
        let inner = checklist.inner(sheets);
        frame.render_widget(checklist, sheets);
        frame.render_widget(Paragraph::new(self.tiles(inner)), inner);
        frame.render_widget(
            Paragraph::new(self.field_lines(ctx))
                .wrap(Wrap { trim: true })
                .block(Block::bordered()),
            field,
        );
    }
}

impl VerifyScreen {
    /// The checklist: one tile a sheet, three rows tall where there is room, green once
    /// scanned in this round.
    fn tiles(&self, area: Rect) -> Vec<Line<'static>> {
        const WIDTH: u16 = 7;
        let m = &self.mailing;
        let per_row = (area.width / (WIDTH + 1)).max(1);
        let rows = m.sheets.div_ceil(u32::from(per_row));
        let tall = rows * 3 <= u32::from(area.height);
        let mut lines = Vec::new();
        for r in 0..rows {
            let first = r * u32::from(per_row) + 1;
            let last = (first + u32::from(per_row) - 1).min(m.sheets);
            let mut top = Vec::new();
            let mut middle = Vec::new();
            let mut bottom = Vec::new();
            for n in first..=last {
                let seen = m.seen_sheets.contains(&n);
                let style = if seen {
                    Style::new().fg(Color::Black).bg(Color::Green).bold()
                } else {
                    Style::new().fg(Color::White).bg(Color::DarkGray)
                };
                let mark = if seen { "✓" } else { " " };
                top.push(Span::styled(" ".repeat(WIDTH.into()), style));
                middle.push(Span::styled(format!("{n:^7}"), style));
                bottom.push(Span::styled(format!("{mark:^7}"), style));
                for row in [&mut top, &mut middle, &mut bottom] {
                    row.push(Span::raw(" "));
                }
            }
            if tall {
                lines.extend([Line::from(top), Line::from(middle), Line::from(bottom)]);
            } else {
                lines.push(Line::from(middle));
            }
        }
        lines
    }

    fn field_lines(&self, ctx: &Ctx) -> Vec<Line<'static>> {
        if let Mode::Reason(what, reason) = &self.mode {
            let prompt = match what {
                ReasonFor::Reprint => ctx.t(Ui::ReprintReason),
                ReasonFor::Void => ctx.t(Ui::VoidReason),
            };
            let mut lines = reason.lines(prompt, ctx);
            lines.extend(self.message.iter().map(|m| Line::from(sanitize(m)).red()));
            return lines;
        }
        let mut lines = vec![super::field_line(&self.input, ctx)];
        // What went wrong comes first: the field is only a few lines tall.
        if let Some(msg) = &self.message {
            lines.push(Line::styled(sanitize(msg), Style::new().fg(Color::Red)));
        }
        if let Some(last) = &self.last {
            let how = match last.source {
                ScanSource::Scanner => ctx.t(Ui::Scanned),
                _ => ctx.t(Ui::Keyed),
            };
            let out = &last.outcome;
            let verdict = if last.kuvert {
                i18n::scan_text(out, ctx.lang)
            } else {
                ctx.t(Ui::NotKuvertCode).to_owned()
            };
            let color = match out.verdict {
                Verdict::Ok | Verdict::Duplicate => Color::Green,
                _ => Color::Yellow,
            };
            lines.push(Line::styled(
                format!("{verdict} ({how})"),
                Style::new().fg(color),
            ));
        }
        if self.four_eyes {
            lines.push(Line::from(ctx.t(Ui::FourEyesNote)).bold().yellow());
        } else if matches!(self.mode, Mode::ConfirmSeal) {
            lines.push(Line::from(ctx.t(Ui::ConfirmSeal)).bold().yellow());
        } else if self.mailing.state == MailingState::Verified {
            lines.push(Line::from(ctx.t(Ui::ReadyToSeal)).bold());
        }
        lines
    }

    fn draw_hard_stop(&self, frame: &mut Frame, area: Rect, stop: &ScanOutcome, ctx: &Ctx) {
        let red = Style::new().fg(Color::White).bg(Color::Red).bold();
        frame.render_widget(Clear, area);
        let mut lines = vec![
            Line::from(""),
            Line::from(ctx.t(Ui::HardStop)).centered(),
            Line::from(""),
            Line::from(i18n::scan_text(stop, ctx.lang)).centered(),
            Line::from(""),
            Line::from(format!("F9 – {}", ctx.t(Ui::KeyAcknowledge))).centered(),
        ];
        if let Some(m) = &self.message {
            lines.push(Line::from(""));
            lines.push(Line::from(sanitize(m)).centered());
        }
        frame.render_widget(
            Paragraph::new(lines)
                .wrap(Wrap { trim: true })
                .style(red)
                .block(Block::bordered()),
            area,
        );
    }
}
