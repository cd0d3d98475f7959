//! The application: a stack of screens over one workflow and one session. Keys become
//! actions (the key table), actions change state (here), drawing reads state (the screens).

use ratatui::Frame;
use ratatui::crossterm::event::{
    KeyCode, KeyEvent, KeyModifiers, MouseButton, MouseEvent, MouseEventKind,
};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Style, Stylize};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph, Row, Table, Wrap};

use super::action::{self, Action, KeyContext};
use super::screens::case::CaseScreen;
use super::screens::compose::{ComposeScreen, Stage};
use super::screens::lead::{LeadScreen, LeadView};
use super::screens::review::ReviewScreen;
use super::screens::verify::{ReasonFor, VerifyScreen};
use std::sync::mpsc::{Receiver, TryRecvError};
use std::time::Instant;

use super::burst::Burst;
use super::sanitize;
use super::screens::start::{StartScreen, Who};
use super::screens::station::StationScreen;
use crate::error::Result;
use crate::i18n::{self, Lang, Ui};
use crate::model::{MailingState, MailingStatus};
use crate::print::PrintedJob;
use crate::workflow::PrintPlan;
use crate::workflow::{Desk, Session, Workflow};

/// The smallest terminal kuvert draws in.
pub const MIN_SIZE: (u16, u16) = (80, 24);

/// One screen on the stack.
#[derive(Debug)]
pub enum Screen {
    Start(StartScreen),
    Case(CaseScreen),
    Compose(ComposeScreen),
    Review(ReviewScreen),
    Verify(VerifyScreen),
    Station(StationScreen),
}

/// A print job being made on a worker thread.
struct PendingPrint {
    plan: PrintPlan,
    result: Receiver<Result<PrintedJob>>,
}

/// The whole UI state.
pub struct App {
    wf: Workflow,
    session: Session,
    who: Who,
    lang: Lang,
    screens: Vec<Screen>,
    open: Option<MailingStatus>,
    help: bool,
    quit: bool,
    printing: Option<PendingPrint>,
    bell: bool,
    key_time: Instant,
    /// Keys typed on screens without a text field: a scanner's burst there is a cover sheet.
    burst: Burst,
    /// A message for screens without a place of their own (a cover scan that opened nothing).
    notice: Option<String>,
    /// When the station's list of waiting envelopes was last read.
    refreshed: Instant,
    /// The team-lead tab: Some for leads only, so a caseworker never has it.
    lead: Option<LeadScreen>,
    /// True while the lead tab is shown.
    on_lead_tab: bool,
}

impl App {
    /// Starts on the start screen with the user's open mailing, if one survived.
    pub fn new(mut wf: Workflow, session: Session) -> Result<Self> {
        let open = wf.status(&session)?;
        let session_is_lead = session.user.role == crate::model::Role::Lead;
        let lang = wf.lang();
        let who = Who {
            name: session.user.name.clone(),
            account: session.user.account.clone(),
            team: session.user.team.clone(),
            session: session.id,
        };
        Ok(Self {
            wf,
            session,
            who,
            lang,
            screens: vec![Screen::Start(StartScreen::default())],
            open,
            help: false,
            quit: false,
            printing: None,
            bell: false,
            key_time: Instant::now(),
            burst: Burst::default(),
            notice: None,
            refreshed: Instant::now(),
            lead: (session_is_lead).then(LeadScreen::default),
            on_lead_tab: false,
        })
    }

    /// A sealing station (`kuvert station`): scan a cover sheet of the team's printed
    /// envelopes, verify, seal, next.
    pub fn station(wf: Workflow, session: Session) -> Result<Self> {
        let mut app = Self::new(wf, session)?;
        let waiting = app.wf.awaiting_seal(&app.session)?;
        app.screens = vec![Screen::Station(StationScreen {
            waiting,
            ..StationScreen::default()
        })];
        Ok(app)
    }

    /// True once the caseworker asked to quit.
    pub fn quitting(&self) -> bool {
        self.quit
    }

    /// Ends the session (quit, closed terminal); an open mailing stays open.
    pub fn finish(mut self) -> Result<()> {
        self.wf.end_session(&self.session)
    }

    /// True once after a hard stop: the event loop rings the terminal bell.
    pub fn take_bell(&mut self) -> bool {
        std::mem::take(&mut self.bell)
    }

    /// Picks up a finished print job, if any, and keeps the station's list fresh; called by
    /// the event loop every round.
    pub fn tick(&mut self) {
        if self.refreshed.elapsed() >= std::time::Duration::from_secs(3) {
            self.refresh();
        }
        let Some(p) = &self.printing else { return };
        match p.result.try_recv() {
            Ok(result) => self.finish_print(result),
            Err(TryRecvError::Empty) => {}
            Err(TryRecvError::Disconnected) => self.finish_print(Err(crate::Error::Printer(
                "the print worker stopped".into(),
            ))),
        }
    }

    /// Waits for the print job being made (tests).
    pub fn wait_for_print(&mut self) {
        if let Some(p) = &self.printing {
            let result = p
                .result
                .recv()
                .unwrap_or_else(|_| Err(crate::Error::Printer("the print worker stopped".into())));
            self.finish_print(result);
        }
    }

    /// Reads again what other desks may have changed: the station's list of waiting
    /// envelopes, and the mailing on the verify screen, which a colleague's station may have
    /// sealed, or its owner voided or reprinted, meanwhile.
    fn refresh(&mut self) {
        self.refreshed = Instant::now();
        match self.screens.last_mut() {
            Some(Screen::Station(st)) => {
                if let Ok(waiting) = self.wf.awaiting_seal(&self.session) {
                    st.waiting = waiting;
                }
            }
            Some(Screen::Verify(v)) if v.hard_stop.is_none() && v.reason.is_none() => {
                let Ok(m) = self.wf.status_of(v.mailing.mailing) else {
                    return;
                };
                let closed = matches!(m.state, MailingState::Sealed | MailingState::Voided);
                let text = format!(
                    "{} {}: {}",
                    i18n::ui(Ui::TheMailing, self.lang),
                    sanitize(&m.case),
                    i18n::state_text(m.state, self.lang)
                );
                v.mailing = m;
                if closed {
                    // As after sealing here: the own desk goes back to the start.
                    if v.desk == Desk::Own {
                        self.screens.truncate(1);
                    } else {
                        self.screens.pop();
                    }
                    self.notice = Some(text);
                    self.open = self.wf.status(&self.session).ok().flatten();
                }
            }
            _ => {}
        }
    }

    /// The verify screen for a mailing at a desk.
    fn verify_screen(&self, m: MailingStatus, desk: Desk) -> VerifyScreen {
        let mut v = VerifyScreen::new(m, desk);
        v.four_eyes = desk == Desk::Own && self.wf.config().dual_control;
        v
    }

    /// A scanned (or typed) cover sheet: opens its envelope for verification, from any
    /// screen. The caseworker's own mailing opens at their own desk.
    fn open_cover(&mut self, code: &str) {
        let own = self
            .wf
            .status(&self.session)
            .ok()
            .flatten()
            .map(|m| m.mailing);
        let lang = self.lang;
        match self.wf.open_at_station(&self.session, code) {
            Ok(m) => {
                let desk = if own == Some(m.mailing) {
                    Desk::Own
                } else {
                    Desk::Station(m.mailing)
                };
                if let Some(Screen::Verify(v)) = self.screens.last()
                    && v.mailing.mailing == m.mailing
                {
                    return;
                }
                let screen = self.verify_screen(m, desk);
                self.screens.push(Screen::Verify(screen));
                self.on_lead_tab = false;
            }
            Err(e) => {
                let text = i18n::fill(i18n::ui(Ui::NotACover, lang), &[&e.localized(lang)]);
                match self.screens.last_mut() {
                    Some(Screen::Start(st)) => st.message = Some(text),
                    Some(Screen::Station(st)) => st.message = Some(text),
                    _ => self.notice = Some(text),
                }
            }
        }
    }

    fn finish_print(&mut self, result: Result<PrintedJob>) {
        let Some(p) = self.printing.take() else {
            return;
        };
        let lang = self.lang;
        let outcome = match result {
            Ok(job) => self.wf.complete_print(&self.session, &p.plan, &job),
            Err(e) => {
                let _ = self.wf.print_failed(&self.session, &p.plan, &e);
                Err(e)
            }
        };
        // Where to fetch the sheets: said once, at the top of the verify screen.
        let collect = outcome.as_ref().ok().map(|o| {
            let printer = self
                .wf
                .config()
                .printer_name
                .clone()
                .unwrap_or_else(|| i18n::ui(Ui::ThePrinter, lang).to_owned());
            i18n::fill(
                i18n::ui(Ui::CollectFrom, lang),
                &[&o.sheets, &sanitize(&printer), &o.pdf],
            )
        });
        let status = outcome.and_then(|o| self.wf.status_of(o.mailing));
        let verify = status.as_ref().ok().map(|m| {
            let mut v = self.verify_screen(m.clone(), Desk::Own);
            v.collect = collect;
            v
        });
        match (status, self.screens.last_mut()) {
            (Ok(_), Some(top @ (Screen::Review(_) | Screen::Verify(_)))) => {
                if let Some(v) = verify {
                    *top = Screen::Verify(v);
                }
            }
            (Err(e), Some(Screen::Review(r))) => {
                r.printing = false;
                r.message = Some(e.localized(lang));
            }
            (Err(e), Some(Screen::Verify(v))) => v.message = Some(e.localized(lang)),
            _ => {}
        }
        self.open = self.wf.status(&self.session).ok().flatten();
    }

    fn start_print(&mut self, reason: Option<&str>) -> Result<()> {
        let plan = self.wf.prepare_print(&self.session, reason)?;
        let producer = self.wf.producer();
        let (tx, rx) = std::sync::mpsc::channel();
        let worker_plan = plan.clone();
        std::thread::spawn(move || {
            let _ = tx.send(producer.produce(&worker_plan));
        });
        self.printing = Some(PendingPrint { plan, result: rx });
        Ok(())
    }

    /// Opens the screen where the open mailing continues.
    fn resume(&mut self) -> Result<()> {
        let Some(m) = self.wf.status(&self.session)? else {
            return Ok(());
        };
        let case = self.wf.show_case(&self.session, &m.case)?;
        let screen = match m.state {
            crate::model::MailingState::Draft => Screen::Compose(ComposeScreen::resume(case, m)),
            _ => Screen::Verify(self.verify_screen(m, Desk::Own)),
        };
        self.screens.push(screen);
        Ok(())
    }

    fn context(&self) -> KeyContext {
        if self.on_lead_tab
            && let Some(lead) = &self.lead
        {
            return if lead.reason.is_some() {
                KeyContext::Typing
            } else {
                KeyContext::Lead
            };
        }
        match self.screens.last() {
            Some(Screen::Start(_) | Screen::Station(_)) | None => KeyContext::Typing,
            Some(Screen::Case(_)) => KeyContext::Browsing,
            Some(Screen::Compose(_)) => KeyContext::Compose,
            Some(Screen::Review(_)) => KeyContext::Review,
            Some(Screen::Verify(_)) => KeyContext::Verify,
        }
    }

    /// Reads the lead's report again for the chosen period and caseworker.
    fn load_lead(&mut self) {
        let Some(lead) = &mut self.lead else { return };
        let since = lead
            .period
            .days()
            .map(|d| crate::time_fmt::date(self.wf.clock_now() - time::Duration::days(d)));
        let query = crate::report::LogQuery {
            session: None,
            user: lead.user.clone(),
            since,
            until: None,
        };
        let result = crate::report::lead_report(&mut self.wf, &self.session, &query);
        match self.wf.logged(&self.session, "log", result) {
            Ok(r) => {
                if lead.user.is_none() {
                    let mut users: Vec<String> =
                        r.sessions.iter().map(|s| s.user.clone()).collect();
                    users.sort();
                    users.dedup();
                    lead.users = users;
                }
                lead.report = Some(r);
                if let LeadView::Session(i) = lead.view
                    && i >= lead.report.as_ref().map_or(0, |r| r.sessions.len())
                {
                    lead.view = LeadView::Sessions;
                }
                let rows = lead.rows();
                lead.selected = lead.selected.min(rows.saturating_sub(1));
            }
            Err(e) => lead.message = Some(e.localized(self.lang)),
        }
    }

    /// One action on the lead tab.
    fn lead_action(&mut self, action: Action) {
        let lang = self.lang;
        let Some(lead) = &mut self.lead else { return };
        if let Some(mut text) = lead.reason.take() {
            match action {
                Action::Type(c) if text.chars().count() < 200 => text.push(c),
                Action::Erase => {
                    text.pop();
                }
                Action::Confirm if !text.trim().is_empty() => {
                    let case = lead
                        .report
                        .as_ref()
                        .and_then(|r| r.locks.get(lead.selected))
                        .map(|l| l.case.clone());
                    if let Some(case) = case {
                        lead.message =
                            Some(match self.wf.break_lock(&self.session, &case, &text) {
                                Ok(m) => format!(
                                    "{} {}: {}",
                                    i18n::ui(Ui::TheMailing, lang),
                                    sanitize(&m.case),
                                    i18n::state_text(m.state, lang)
                                ),
                                Err(e) => e.localized(lang),
                            });
                        self.load_lead();
                    }
                    return;
                }
                Action::Back => return,
                _ => {}
            }
            lead.reason = Some(text);
            return;
        }
        lead.message = None;
        match (lead.view, action) {
            (_, Action::Up) => lead.move_by(-1),
            (_, Action::Down) => lead.move_by(1),
            (_, Action::Period) => {
                lead.period = lead.period.next();
                self.load_lead();
            }
            (_, Action::User) => {
                lead.next_user();
                self.load_lead();
            }
            (_, Action::Locks) => {
                lead.view = LeadView::Locks;
                lead.selected = 0;
                self.load_lead();
            }
            (LeadView::Locks, Action::BreakLock) if lead.rows() > 0 => {
                lead.reason = Some(String::new());
            }
            (LeadView::Sessions, Action::Confirm) if lead.rows() > 0 => {
                lead.view = LeadView::Session(lead.selected);
                lead.selected = 0;
            }
            (LeadView::Session(i), Action::Confirm) => {
                // The recipient's name only when the lead asks for it; never an address.
                let Some(m) = lead
                    .report
                    .as_ref()
                    .and_then(|r| r.sessions.get(i))
                    .and_then(|s| s.mailings.get(lead.selected))
                    .map(|m| (m.mailing, m.case.clone()))
                else {
                    return;
                };
                if lead.names.remove(&m.0).is_some() {
                    return;
                }
                let name = self.wf.status_of(m.0).and_then(|st| {
                    let case = self.wf.show_case(&self.session, &m.1)?;
                    Ok(case.party(st.recipient).map(|p| {
                        if p.protected {
                            format!(
                                "{} ({})",
                                p.name,
                                i18n::text(i18n::Text::AddressHidden, lang)
                            )
                        } else {
                            p.name.clone()
                        }
                    }))
                });
                let Some(lead) = &mut self.lead else { return };
                match name {
                    Ok(Some(n)) => {
                        lead.names.insert(m.0, n);
                    }
                    Ok(None) => {}
                    Err(e) => lead.message = Some(e.localized(lang)),
                }
            }
            (LeadView::Session(_) | LeadView::Locks, Action::Back) => {
                lead.view = LeadView::Sessions;
                lead.selected = 0;
            }
            (LeadView::Sessions, Action::Back) => self.on_lead_tab = false,
            _ => {}
        }
    }

    /// Handles a mouse event: a click on a list row selects it, a click on the selected row
    /// acts on it as Enter does (choose the recipient, attach or remove the document); the
    /// wheel moves the selection.
    pub fn handle_mouse(&mut self, event: MouseEvent) {
        if self.help {
            if matches!(event.kind, MouseEventKind::Down(_)) {
                self.help = false;
            }
            return;
        }
        let action = match event.kind {
            MouseEventKind::ScrollUp => Some(Action::Up),
            MouseEventKind::ScrollDown => Some(Action::Down),
            MouseEventKind::Down(MouseButton::Left) => {
                self.click(event.column, event.row);
                None
            }
            _ => None,
        };
        if let Some(a) = action
            && matches!(
                self.context(),
                KeyContext::Browsing | KeyContext::Compose | KeyContext::Lead
            )
        {
            self.apply(a);
        }
    }

    fn click(&mut self, x: u16, y: u16) {
        if self.on_lead_tab {
            if let Some(lead) = &mut self.lead
                && lead.reason.is_none()
                && let Some(row) = lead.geometry.row_at(x, y, lead.rows())
            {
                if row == lead.selected {
                    self.lead_action(Action::Confirm);
                } else {
                    lead.selected = row;
                }
            }
            return;
        }
        match self.screens.last_mut() {
            Some(Screen::Case(c)) => {
                if let Some(row) = c.geometry.row_at(x, y, c.case.documents.len()) {
                    c.selected = row;
                }
            }
            Some(Screen::Compose(c)) if c.pending_other.is_none() => {
                if let Some(row) = c.geometry.row_at(x, y, c.rows()) {
                    if row == c.selected {
                        self.apply(Action::Confirm);
                    } else {
                        c.selected = row;
                    }
                }
            }
            _ => {}
        }
    }

    /// Handles one key press.
    pub fn handle_key(&mut self, key: KeyEvent) {
        self.handle_key_at(key, Instant::now());
    }

    /// Handles one key press that came at `at` (tests give the time of a scanner burst).
    pub fn handle_key_at(&mut self, key: KeyEvent, at: Instant) {
        self.key_time = at;
        self.notice = None;
        let context = self.context();
        if !matches!(context, KeyContext::Typing | KeyContext::Verify) && !self.help {
            // A scanner types upper case and digits, which are no commands here: collected,
            // and a scanner's burst ending in Enter is a cover sheet to open.
            match key.code {
                KeyCode::Char(c)
                    if (c.is_ascii_uppercase() || c.is_ascii_digit())
                        && !key.modifiers.contains(KeyModifiers::CONTROL) =>
                {
                    self.burst.push_in_burst(c, at);
                    return;
                }
                KeyCode::Enter if self.burst.scanned_until(at) => {
                    let (code, _) = self.burst.take();
                    self.open_cover(&code);
                    return;
                }
                _ => self.burst.clear(),
            }
        }
        match action::action_for(key, context) {
            Some(a) => self.apply(a),
            // An unbound key still answers a warning: with "no".
            None => {
                if let Some(Screen::Compose(c)) = self.screens.last_mut() {
                    c.pending_other = None;
                }
            }
        }
    }

    /// Carries out one action.
    pub fn apply(&mut self, action: Action) {
        if action == Action::Quit {
            self.quit = true;
            return;
        }
        if action == Action::Help {
            self.help = !self.help;
            return;
        }
        if self.help {
            // Any other key closes the help first.
            self.help = false;
            return;
        }
        if action == Action::SwitchTab {
            if self.lead.is_some() {
                self.on_lead_tab = !self.on_lead_tab;
                if self.on_lead_tab && self.lead.as_ref().is_some_and(|l| l.report.is_none()) {
                    self.load_lead();
                }
            }
            return;
        }
        if self.on_lead_tab {
            self.lead_action(action);
            return;
        }
        let lang = self.lang;
        match self.screens.last_mut() {
            Some(Screen::Start(start)) => match action {
                Action::Type(c) if start.input.chars().count() < 40 => {
                    start.input.push(c);
                    start.message = None;
                }
                Action::Erase => {
                    start.input.pop();
                }
                Action::Confirm if start.input.trim().is_empty() => {
                    if let Err(e) = self.resume()
                        && let Some(Screen::Start(start)) = self.screens.last_mut()
                    {
                        start.message = Some(e.localized(lang));
                    }
                }
                Action::Confirm if looks_like_code(&start.input) => {
                    let code = std::mem::take(&mut start.input);
                    self.open_cover(&code);
                }
                Action::Confirm => {
                    let number = start.input.trim().to_owned();
                    match self.wf.show_case(&self.session, &number) {
                        Ok(case) => {
                            start.input.clear();
                            self.screens.push(Screen::Case(CaseScreen::new(case)));
                        }
                        Err(e) => start.message = Some(e.localized(lang)),
                    }
                }
                Action::Back => self.quit = true,
                _ => {}
            },
            Some(Screen::Case(case)) => match action {
                Action::Up => case.move_by(-1),
                Action::Down => case.move_by(1),
                Action::NewMailing => {
                    let compose = ComposeScreen::new(case.case.clone());
                    self.screens.push(Screen::Compose(compose));
                }
                Action::Back => {
                    self.screens.pop();
                }
                _ => {}
            },
            Some(Screen::Compose(compose)) => {
                if action == Action::Next && compose.pending_other.is_none() {
                    if let Stage::Documents(m) = &compose.stage {
                        if m.enclosures.is_empty() {
                            compose.message =
                                Some(crate::i18n::refusal(&crate::Refusal::NothingAttached, lang));
                        } else {
                            let review = ReviewScreen {
                                case: compose.case.clone(),
                                mailing: m.clone(),
                                printing: false,
                                message: None,
                            };
                            self.screens.push(Screen::Review(review));
                        }
                    }
                    return;
                }
                let leave = compose_action(&mut self.wf, &self.session, compose, action, lang);
                if leave {
                    self.screens.pop();
                }
                self.open = self.wf.status(&self.session).ok().flatten();
            }
            Some(Screen::Review(review)) => match action {
                Action::Confirm if !review.printing => {
                    review.printing = true;
                    review.message = None;
                    if let Err(e) = self.start_print(None)
                        && let Some(Screen::Review(r)) = self.screens.last_mut()
                    {
                        r.printing = false;
                        r.message = Some(e.localized(lang));
                    }
                }
                Action::Back if !review.printing => {
                    self.screens.pop();
                }
                _ => {}
            },
            Some(Screen::Station(st)) => match action {
                Action::Type(c) => {
                    st.input.push(c, self.key_time);
                    st.message = None;
                }
                Action::Erase => st.input.pop(),
                Action::Confirm if !st.input.is_empty() => {
                    let (code, _) = st.input.take();
                    self.open_cover(&code);
                }
                Action::Back => self.quit = true,
                _ => {}
            },
            Some(Screen::Verify(verify)) => {
                let at = self.key_time;
                let desk = verify.desk;
                match verify_action(&mut self.wf, &self.session, verify, action, at, lang) {
                    VerifyNext::Stay => {}
                    VerifyNext::Bell => self.bell = true,
                    VerifyNext::Back => {
                        self.screens.pop();
                        self.refresh();
                    }
                    // The caseworker's own envelope: back to the start. One opened by its
                    // cover: back to wherever the scan came from.
                    VerifyNext::Sealed if desk == Desk::Own => self.screens.truncate(1),
                    VerifyNext::Sealed => {
                        self.screens.pop();
                        self.refresh();
                    }
                    VerifyNext::Reprint(reason) => {
                        if self.printing.is_none()
                            && let Err(e) = self.start_print(Some(&reason))
                            && let Some(Screen::Verify(v)) = self.screens.last_mut()
                        {
                            v.message = Some(e.localized(lang));
                        }
                    }
                }
                self.open = self.wf.status(&self.session).ok().flatten();
            }
            None => self.quit = true,
        }
    }

    /// Draws the whole UI; reads state only.
    pub fn draw(&self, frame: &mut Frame) {
        let area = frame.area();
        if area.width < MIN_SIZE.0 || area.height < MIN_SIZE.1 {
            frame.render_widget(
                Paragraph::new(i18n::ui(Ui::TooSmall, self.lang))
                    .wrap(Wrap { trim: true })
                    .style(Style::new().fg(Color::Yellow)),
                area,
            );
            return;
        }
        let notice_rows = if self.notice.is_some() { 2 } else { 0 };
        let tab_rows = u16::from(self.lead.is_some());
        let [tabs, body, notice, footer] = Layout::vertical([
            Constraint::Length(tab_rows),
            Constraint::Min(0),
            Constraint::Length(notice_rows),
            Constraint::Length(1),
        ])
        .areas(area);
        if self.lead.is_some() {
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
                    tab(i18n::ui(Ui::Casework, self.lang), !self.on_lead_tab),
                    Span::raw(" "),
                    tab(i18n::ui(Ui::Lead, self.lang), self.on_lead_tab),
                    Span::styled(
                        format!("  {}", i18n::ui(Ui::LeadTabHint, self.lang)),
                        Style::new().dark_gray(),
                    ),
                ])),
                tabs,
            );
        }
        if let Some(text) = &self.notice {
            frame.render_widget(
                Paragraph::new(super::sanitize(text))
                    .wrap(Wrap { trim: true })
                    .style(Style::new().fg(Color::White).bg(Color::Red)),
                notice,
            );
        }
        match (self.on_lead_tab, &self.lead, self.screens.last()) {
            (true, Some(lead), _) => lead.draw(frame, body, self.lang),
            (_, _, top) => self.draw_screen(frame, body, top),
        }
        self.draw_footer(frame, footer);
        if self.help {
            self.draw_help(frame, area);
        }
    }

    fn draw_screen(&self, frame: &mut Frame, body: Rect, top: Option<&Screen>) {
        match top {
            Some(Screen::Start(s)) => s.draw(frame, body, &self.who, self.open.as_ref(), self.lang),
            Some(Screen::Station(s)) => s.draw(frame, body, &self.who, self.lang),
            Some(Screen::Case(s)) => s.draw(frame, body, self.lang),
            Some(Screen::Compose(s)) => s.draw(frame, body, self.lang),
            Some(Screen::Review(s)) => s.draw(frame, body, self.lang),
            Some(Screen::Verify(s)) => s.draw(frame, body, self.lang),
            None => {}
        }
    }

    /// The key table of the screen shown, without the tab key for those who have no tabs.
    fn bindings(&self) -> Vec<action::Binding> {
        action::bindings(self.context())
            .iter()
            .filter(|b| b.action != Action::SwitchTab || self.lead.is_some())
            .copied()
            .collect()
    }

    fn draw_footer(&self, frame: &mut Frame, area: Rect) {
        let spans = footer_spans(&self.bindings(), self.lang, area.width);
        frame.render_widget(Paragraph::new(Line::from(spans)), area);
    }

    fn draw_help(&self, frame: &mut Frame, area: Rect) {
        let rows: Vec<Row> = self
            .bindings()
            .iter()
            .map(|b| {
                Row::new(vec![
                    b.keys.to_owned(),
                    i18n::ui(b.help, self.lang).to_owned(),
                ])
            })
            .collect();
        let height = rows.len() as u16 + 2;
        let popup = area.centered(Constraint::Length(52), Constraint::Length(height));
        frame.render_widget(Clear, popup);
        frame.render_widget(
            Table::new(rows, [Constraint::Length(10), Constraint::Fill(1)]).block(
                Block::bordered()
                    .title(i18n::ui(Ui::HelpTitle, self.lang))
                    .bold(),
            ),
            popup,
        );
    }
}

/// The footer's keys, in table order, as many as fit in `width`; the key that opens the help
/// (which lists them all) is always kept, so a narrow window never hides the way to it.
fn footer_spans(bindings: &[action::Binding], lang: Lang, width: u16) -> Vec<Span<'static>> {
    let shown: Vec<&action::Binding> = bindings.iter().filter(|b| b.footer).collect();
    let cost = |b: &action::Binding| {
        b.keys.chars().count() + 2 + i18n::ui(b.help, lang).chars().count() + 3
    };
    let help_cost = shown
        .iter()
        .find(|b| b.action == Action::Help)
        .map_or(0, |b| cost(b));
    let mut budget = usize::from(width).saturating_sub(help_cost);
    let mut spans = Vec::new();
    for b in shown {
        if b.action != Action::Help {
            if cost(b) > budget {
                continue;
            }
            budget -= cost(b);
        }
        spans.push(Span::styled(
            format!(" {} ", b.keys),
            Style::new().reversed(),
        ));
        spans.push(Span::raw(format!(" {}  ", i18n::ui(b.help, lang))));
    }
    spans
}

/// True for typed text that is a sheet code rather than a case number.
fn looks_like_code(input: &str) -> bool {
    input.trim().to_ascii_uppercase().starts_with("KV") && input.trim().chars().count() >= 10
}

/// What the verify screen asks the app to do after an action.
enum VerifyNext {
    Stay,
    Bell,
    Back,
    /// Sealed or voided: back to the start screen.
    Sealed,
    /// Print again with this reason.
    Reprint(String),
}

fn verify_action(
    wf: &mut Workflow,
    session: &Session,
    v: &mut VerifyScreen,
    action: Action,
    at: Instant,
    lang: Lang,
) -> VerifyNext {
    if v.hard_stop.is_some() {
        // Only a deliberate F9 ends a hard stop; a scanner's keystrokes never do.
        if action == Action::Acknowledge {
            v.hard_stop = None;
        }
        return VerifyNext::Stay;
    }
    if let Some((what, mut text)) = v.reason.take() {
        // Typing a reason: Enter carries it out, Esc cancels.
        match action {
            Action::Type(c) if text.chars().count() < 200 => text.push(c),
            Action::Erase => {
                text.pop();
            }
            Action::Confirm if !text.trim().is_empty() => {
                return match what {
                    ReasonFor::Reprint => VerifyNext::Reprint(text),
                    ReasonFor::Void => match wf.void(session, &text) {
                        Ok(_) => VerifyNext::Sealed,
                        Err(e) => {
                            v.message = Some(e.localized(lang));
                            VerifyNext::Stay
                        }
                    },
                };
            }
            Action::Back => return VerifyNext::Stay,
            _ => {}
        }
        v.reason = Some((what, text));
        return VerifyNext::Stay;
    }
    if action != Action::Seal {
        v.confirm_seal = false;
    }
    v.message = None;
    match action {
        Action::Type(c) => v.type_char(c, at),
        Action::Erase => v.input.pop(),
        Action::Confirm if !v.input.text().trim().is_empty() => {
            let (code, source) = v.take_code();
            // The sheets are in hand once the first is scanned.
            v.collect = None;
            match wf.scan_at(session, v.desk, &code, source) {
                Ok(out) => {
                    let stop = out.verdict.is_deviation();
                    if let Ok(m) = wf.status_of(v.mailing.mailing) {
                        v.mailing = m;
                    }
                    v.last = Some((out.clone(), source));
                    if stop {
                        v.hard_stop = Some(out);
                        return VerifyNext::Bell;
                    }
                }
                Err(e) => v.message = Some(e.localized(lang)),
            }
        }
        Action::Seal
            if v.mailing.state == crate::model::MailingState::Verified && v.confirm_seal =>
        {
            match wf.seal_at(session, v.desk) {
                Ok(_) => return VerifyNext::Sealed,
                Err(e) => v.message = Some(e.localized(lang)),
            }
        }
        Action::Seal if v.mailing.state == crate::model::MailingState::Verified => {
            v.confirm_seal = true;
        }
        Action::Seal => {
            v.message = Some(crate::i18n::refusal(
                &crate::Refusal::NotVerified {
                    seen: v.mailing.seen,
                    required: v.mailing.required,
                },
                lang,
            ));
        }
        Action::Reprint | Action::Void if v.desk != Desk::Own => {
            v.message = Some(i18n::ui(Ui::StationOwnerOnly, lang).to_owned());
        }
        Action::Reprint => v.reason = Some((ReasonFor::Reprint, String::new())),
        Action::Void => v.reason = Some((ReasonFor::Void, String::new())),
        Action::Back => return VerifyNext::Back,
        _ => {}
    }
    VerifyNext::Stay
}

/// One action on the compose screen; true when the screen should close.
fn compose_action(
    wf: &mut Workflow,
    session: &Session,
    c: &mut ComposeScreen,
    action: Action,
    lang: Lang,
) -> bool {
    if let Some(doc) = c.pending_other.take() {
        // The warning is answered: `y` attaches, anything else cancels.
        if action == Action::Yes {
            match wf.attach(session, &[doc], true) {
                Ok(m) => c.stage = Stage::Documents(m),
                Err(e) => c.message = Some(e.localized(lang)),
            }
        }
        return false;
    }
    c.message = None;
    match action {
        Action::Up => c.move_by(-1),
        Action::Down => c.move_by(1),
        Action::Back => return true,
        Action::Confirm if matches!(c.stage, Stage::Recipient) => {
            if let Some(party) = c.case.parties.get(c.selected) {
                match wf.start(session, &c.case.case, party.id) {
                    Ok(m) => {
                        c.stage = Stage::Documents(m);
                        c.selected = 0;
                    }
                    Err(e) => c.message = Some(e.localized(lang)),
                }
            }
        }
        Action::Toggle | Action::Confirm => {
            let (Stage::Documents(m), Some(doc)) = (&c.stage, c.case.documents.get(c.selected))
            else {
                return false;
            };
            let attached = m.enclosures.iter().any(|e| e.document == doc.id);
            let result = if attached {
                wf.detach(session, &[doc.id])
            } else {
                wf.attach(session, &[doc.id], false)
            };
            match result {
                Ok(m) => c.stage = Stage::Documents(m),
                Err(crate::Error::Refused(crate::Refusal::OtherSubject { document, .. })) => {
                    c.pending_other = Some(document);
                }
                Err(e) => c.message = Some(e.localized(lang)),
            }
        }
        _ => {}
    }
    false
}

#[cfg(test)]
mod tests {
    use std::path::{Path, PathBuf};
    use std::sync::OnceLock;

    use ratatui::Terminal;
    use ratatui::backend::TestBackend;

    use super::*;
    use crate::config::Config;
    use crate::store::Store;
    use crate::workflow::SessionKind;

    fn template() -> &'static Path {
        static T: OnceLock<(tempfile::TempDir, PathBuf)> = OnceLock::new();
        let (_, p) = T.get_or_init(|| {
            let dir = tempfile::tempdir().expect("tempdir");
            let p = dir.path().join("t.db");
            crate::demo::ensure_demo_db(&p, false, "tester").expect("demo");
            (dir, p)
        });
        p
    }

    fn app(lang: Lang) -> (tempfile::TempDir, App) {
        let dir = tempfile::tempdir().expect("tempdir");
        let db = dir.path().join("k.db");
        std::fs::copy(template(), &db).expect("copy");
        let store = Store::open(&db).expect("open");
        let mut wf = Workflow::new(store, Config::default(), lang, dir.path().join("outbox"));
        let s = wf
            .session(Some("handlaggare1"), "tty-test", SessionKind::Tui)
            .expect("session");
        (dir, App::new(wf, s).expect("app"))
    }

    fn render(app: &App, w: u16, h: u16) -> Terminal<TestBackend> {
        let mut t = Terminal::new(TestBackend::new(w, h)).expect("terminal");
        t.draw(|f| app.draw(f)).expect("draw");
        t
    }

    fn type_text(app: &mut App, text: &str) {
        for c in text.chars() {
            app.handle_key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE));
        }
    }

    fn key(app: &mut App, code: KeyCode) {
        app.handle_key(KeyEvent::new(code, KeyModifiers::NONE));
    }

    /// The applicant of the case on screen.
    fn app_case_party(app: &App) -> crate::model::Party {
        let Some(Screen::Case(c)) = app.screens.last() else {
            panic!("not on the case screen");
        };
        c.case.parties[0].clone()
    }

    #[test]
    fn a_protected_party_shows_no_address() {
        for lang in [Lang::Sv, Lang::En] {
            let (_d, mut app) = app(lang);
            type_text(&mut app, "2026-104148");
            key(&mut app, KeyCode::Enter);
            // The note is whole even at 80 columns (on two lines); no street, no city.
            let screen = render(&app, 80, 24).backend().to_string();
            let hidden = i18n::text(i18n::Text::AddressHidden, lang);
            for part in hidden.split(" — ") {
                assert!(screen.contains(part), "{part}: {screen}");
            }
            let party = app_case_party(&app);
            assert!(party.protected && party.address.is_none());
        }
    }

    #[test]
    fn unknown_case_says_so_and_back_returns() {
        let (_d, mut app) = app(Lang::En);
        type_text(&mut app, "1999-000000");
        key(&mut app, KeyCode::Enter);
        let screen = render(&app, 80, 24).backend().to_string();
        assert!(screen.contains("does not exist"), "{screen}");
        key(&mut app, KeyCode::Backspace);
        type_text(&mut app, "");
        assert!(!app.quitting());
        key(&mut app, KeyCode::Esc);
        assert!(app.quitting(), "Esc on the start screen quits");
    }

    #[test]
    fn other_team_case_is_refused_on_screen() {
        let (_d, mut app) = app(Lang::Sv);
        // Team B's first case.
        type_text(&mut app, "2026-105147");
        key(&mut app, KeyCode::Enter);
        let screen = render(&app, 80, 24).backend().to_string();
        assert!(screen.contains("Annat team"), "{screen}");
    }

    #[test]
    fn too_small_a_window_asks_for_more_room() {
        let (_d, app) = app(Lang::Sv);
        let screen = render(&app, 60, 20).backend().to_string();
        assert!(screen.contains("för litet"), "{screen}");
    }

    #[test]
    fn help_lists_the_same_keys_as_the_footer() {
        let (_d, mut app) = app(Lang::En);
        key(&mut app, KeyCode::F(1));
        let help = render(&app, 80, 24).backend().to_string();
        for b in app.bindings() {
            assert!(help.contains(i18n::ui(b.help, Lang::En)), "{help}");
        }
        key(&mut app, KeyCode::Esc);
        assert!(!app.quitting(), "Esc closes the help first");
    }

    #[test]
    fn compose_locks_the_case_and_warns_about_another_persons_document() {
        for lang in [Lang::Sv, Lang::En] {
            let (_d, mut app) = app(lang);
            type_text(&mut app, "2026-104148");
            key(&mut app, KeyCode::Enter);
            key(&mut app, KeyCode::Char('n'));
            // The applicant (protected) is first; Enter starts the mailing and locks the case.
            key(&mut app, KeyCode::Enter);
            let m = app
                .wf
                .status(&app.session)
                .expect("status")
                .expect("open mailing");
            assert_eq!(m.case, "FK 2026-104148");
            // The first document concerns the applicant: attached at once.
            key(&mut app, KeyCode::Char(' '));
            // The second concerns the employer: a warning, and nothing attached yet.
            key(&mut app, KeyCode::Down);
            key(&mut app, KeyCode::Char(' '));
            let screen = render(&app, 120, 40).backend().to_string();
            assert!(
                screen.contains(if lang == Lang::Sv {
                    "VARNING"
                } else {
                    "WARNING"
                }),
                "{screen}"
            );
            key(&mut app, KeyCode::Char('x'));
            let m = app.wf.status(&app.session).expect("status").expect("open");
            assert_eq!(m.enclosures.len(), 1, "any other key cancels");
            key(&mut app, KeyCode::Char(' '));
            key(&mut app, KeyCode::Char('y'));
            let m = app.wf.status(&app.session).expect("status").expect("open");
            assert_eq!(m.enclosures.len(), 2);
            assert!(m.enclosures[1].confirmed_other_subject);
            insta::assert_snapshot!(
                format!("compose_attached_{lang:?}_80x24").to_lowercase(),
                render(&app, 80, 24).backend()
            );
            // Back to the case and the start screen: the draft stays open and is shown.
            key(&mut app, KeyCode::Esc);
            key(&mut app, KeyCode::Esc);
            let start = render(&app, 80, 24).backend().to_string();
            assert!(start.contains("FK 2026-104148"), "{start}");
        }
    }

    #[test]
    fn a_locked_case_says_who_holds_it() {
        let (_d, mut app) = app(Lang::En);
        let other = app
            .wf
            .session(Some("handlaggare2"), "tty-2", SessionKind::Cli)
            .expect("s2");
        let case = app.wf.show_case(&other, "2026-104037").expect("case");
        app.wf
            .start(&other, "2026-104037", case.parties[0].id)
            .expect("lock");
        type_text(&mut app, "2026-104037");
        key(&mut app, KeyCode::Enter);
        key(&mut app, KeyCode::Char('n'));
        key(&mut app, KeyCode::Enter);
        let screen = render(&app, 120, 40).backend().to_string();
        assert!(
            screen.contains("Case locked") && screen.contains("handlaggare2"),
            "{screen}"
        );
        assert!(app.wf.status(&app.session).expect("status").is_none());
    }

    /// Types `text` as a scanner does: every key within a few milliseconds, then Enter.
    fn scan_burst(app: &mut App, text: &str) {
        let t0 = std::time::Instant::now();
        for (i, c) in text.chars().enumerate() {
            let at = t0 + std::time::Duration::from_millis(3 * i as u64);
            app.handle_key_at(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE), at);
        }
        key(app, KeyCode::Enter);
    }

    fn codes_of_open_mailing(app: &mut App) -> Vec<String> {
        let m = app.wf.status(&app.session).expect("status").expect("open");
        let token: String = app
            .wf
            .store_mut()
            .read(|tx| {
                Ok(tx.query_row(
                    "SELECT token FROM mailings WHERE id = ?1",
                    [m.mailing],
                    |r| r.get(0),
                )?)
            })
            .expect("token");
        let token = crate::code::MailingToken::from_base36(&token).expect("token");
        (1..=m.sheets)
            .map(|n| {
                crate::code::SheetCode::new(token, m.generation, n)
                    .expect("code")
                    .encode()
            })
            .collect()
    }

    #[test]
    fn a_whole_mailing_by_keys_with_a_hard_stop() {
        let (_d, mut app) = app(Lang::Sv);
        type_text(&mut app, "2026-104037");
        key(&mut app, KeyCode::Enter);
        key(&mut app, KeyCode::Char('n'));
        key(&mut app, KeyCode::Enter); // recipient: the applicant
        key(&mut app, KeyCode::Char(' ')); // attach the first document
        key(&mut app, KeyCode::F(5)); // review
        insta::assert_snapshot!("review_sv_80x24", render(&app, 80, 24).backend());
        key(&mut app, KeyCode::Enter); // print, on the worker thread
        app.wait_for_print();
        assert!(matches!(app.screens.last(), Some(Screen::Verify(_))));
        let codes = codes_of_open_mailing(&mut app);

        // A sheet nobody printed: the hard stop, red, with a bell, and only F9 ends it.
        scan_burst(&mut app, &codes[0]);
        let stray = crate::code::SheetCode::new(crate::code::MailingToken(12345), 1, 1)
            .expect("code")
            .encode();
        scan_burst(&mut app, &stray);
        assert!(app.take_bell());
        let t = render(&app, 80, 24);
        assert_eq!(
            t.backend().buffer()[(10, 10)].bg,
            ratatui::style::Color::Red
        );
        key(&mut app, KeyCode::Esc);
        key(&mut app, KeyCode::Enter);
        assert!(matches!(app.screens.last(), Some(Screen::Verify(v)) if v.hard_stop.is_some()));
        key(&mut app, KeyCode::F(9));

        // The stack is rescanned whole, at scanner speed.
        for code in &codes {
            scan_burst(&mut app, code);
        }
        insta::assert_snapshot!("verify_done_sv_80x24", render(&app, 80, 24).backend());
        key(&mut app, KeyCode::F(2));
        assert!(
            app.wf.status(&app.session).expect("status").is_some(),
            "one F2 only asks"
        );
        key(&mut app, KeyCode::F(2));
        assert!(
            app.wf.status(&app.session).expect("status").is_none(),
            "sealed"
        );
        assert!(matches!(app.screens.last(), Some(Screen::Start(_))));
        let sources: Vec<String> = app
            .wf
            .store_mut()
            .read(|tx| {
                let mut st = tx.prepare("SELECT DISTINCT source FROM scans")?;
                let rows = st.query_map([], |r| r.get(0))?;
                Ok(rows.collect::<rusqlite::Result<_>>()?)
            })
            .expect("sources");
        assert_eq!(sources, ["scanner"]);
    }

    #[test]
    fn reprint_and_void_need_a_reason() {
        let (_d, mut app) = app(Lang::En);
        type_text(&mut app, "2026-104037");
        key(&mut app, KeyCode::Enter);
        key(&mut app, KeyCode::Char('n'));
        key(&mut app, KeyCode::Enter);
        key(&mut app, KeyCode::Char(' '));
        key(&mut app, KeyCode::F(5));
        key(&mut app, KeyCode::Enter);
        app.wait_for_print();
        let first = codes_of_open_mailing(&mut app);
        let screen = render(&app, 80, 24).backend().to_string();
        assert!(
            screen.contains("Collect 2 sheets from the printer"),
            "{screen}"
        );
        scan_burst(&mut app, &first[0]);
        // F6 asks for a reason; an empty one does nothing.
        key(&mut app, KeyCode::F(6));
        key(&mut app, KeyCode::Enter);
        assert!(app.printing.is_none());
        type_text(&mut app, "paper jam");
        insta::assert_snapshot!("reprint_reason_en_80x24", render(&app, 80, 24).backend());
        key(&mut app, KeyCode::Enter);
        app.wait_for_print();
        let m = app.wf.status(&app.session).expect("status").expect("open");
        assert_eq!(m.generation, 2);
        // A sheet of the first print is now stale: a hard stop.
        scan_burst(&mut app, &first[0]);
        assert!(app.take_bell());
        key(&mut app, KeyCode::F(9));
        // Void, with a reason: back to the start, the case unlocked.
        key(&mut app, KeyCode::F(8));
        type_text(&mut app, "wrong recipient");
        key(&mut app, KeyCode::Enter);
        assert!(app.wf.status(&app.session).expect("status").is_none());
        assert!(matches!(app.screens.last(), Some(Screen::Start(_))));
    }

    #[test]
    fn an_open_mailing_is_resumed_from_the_start_screen() {
        let (_d, mut app) = app(Lang::En);
        type_text(&mut app, "2026-104037");
        key(&mut app, KeyCode::Enter);
        key(&mut app, KeyCode::Char('n'));
        key(&mut app, KeyCode::Enter);
        key(&mut app, KeyCode::Esc);
        key(&mut app, KeyCode::Esc);
        // Back at the start: Enter on an empty field resumes the draft.
        key(&mut app, KeyCode::Enter);
        assert!(matches!(app.screens.last(), Some(Screen::Compose(_))));
    }

    /// Snapshots of the screen as it is now, at the smallest size and a larger one.
    fn shots(app: &App, name: &str) {
        let lang = format!("{:?}", app.lang).to_lowercase();
        for (w, h) in [(80, 24), (120, 40)] {
            insta::assert_snapshot!(
                format!("every_{name}_{lang}_{w}x{h}"),
                render(app, w, h).backend()
            );
        }
    }

    /// Opens a case, starts a mailing to its first party, attaches the first document,
    /// prints and waits for the print.
    fn print_first_document(app: &mut App, case: &str) {
        type_text(app, case);
        key(app, KeyCode::Enter);
        key(app, KeyCode::Char('n'));
        key(app, KeyCode::Enter);
        key(app, KeyCode::Char(' '));
        key(app, KeyCode::F(5));
        key(app, KeyCode::Enter);
        app.wait_for_print();
    }

    #[test]
    fn every_screen_in_both_languages_at_two_sizes() {
        for lang in [Lang::Sv, Lang::En] {
            let (_d, mut app) = app(lang);
            shots(&app, "start");
            type_text(&mut app, "2026-104148");
            key(&mut app, KeyCode::Enter);
            shots(&app, "case_protected");
            key(&mut app, KeyCode::Char('n'));
            shots(&app, "compose_recipient");
            key(&mut app, KeyCode::Enter);
            key(&mut app, KeyCode::Char(' '));
            key(&mut app, KeyCode::Down);
            key(&mut app, KeyCode::Char(' '));
            shots(&app, "compose_warning");
            key(&mut app, KeyCode::Char('y'));
            shots(&app, "compose_documents");
            key(&mut app, KeyCode::F(5));
            shots(&app, "review_protected");
            key(&mut app, KeyCode::Enter);
            app.wait_for_print();
            let codes = codes_of_open_mailing(&mut app);
            scan_burst(&mut app, &codes[0]);
            shots(&app, "verify_protected");
            let stray = crate::code::SheetCode::new(crate::code::MailingToken(777), 1, 1)
                .expect("code")
                .encode();
            scan_burst(&mut app, &stray);
            shots(&app, "hard_stop");
            key(&mut app, KeyCode::F(9));
            key(&mut app, KeyCode::F(8));
            type_text(&mut app, "demo");
            shots(&app, "void_reason");
            key(&mut app, KeyCode::Enter);
            key(&mut app, KeyCode::F(1));
            shots(&app, "help");
        }
    }

    /// A second desk over the same database: `account` prints a mailing of `case`; returns
    /// its sheet codes.
    fn printed_elsewhere(dir: &Path, account: &str, case: &str, config: Config) -> Vec<String> {
        let store = Store::open(&dir.join("k.db")).expect("open");
        // A fixed clock: the print's time is on the station's screen.
        let mut wf = Workflow::new(store, config, Lang::Sv, dir.join("outbox"))
            .with_clock(Box::new(|| time::macros::datetime!(2026-11-23 08:30 UTC)));
        let s = wf
            .session(Some(account), "tty-other", SessionKind::Tui)
            .expect("session");
        let detail = wf.show_case(&s, case).expect("case");
        wf.start(&s, case, detail.parties[0].id).expect("start");
        let doc = detail
            .documents
            .iter()
            .find(|d| d.subject == detail.parties[0].id);
        wf.attach(
            &s,
            &[doc.expect("a document about the applicant").id],
            false,
        )
        .expect("attach");
        let plan = wf.prepare_print(&s, None).expect("plan");
        let job = wf.produce(&plan).expect("produce");
        wf.complete_print(&s, &plan, &job).expect("complete");
        (1..=plan.sheets.len() as u32)
            .map(|n| plan.code(n).expect("code").encode())
            .collect()
    }

    #[test]
    fn a_station_opens_an_envelope_by_its_cover_and_seals_it() {
        for lang in [Lang::Sv, Lang::En] {
            let (dir, app) = app(lang);
            let codes =
                printed_elsewhere(dir.path(), "handlaggare2", "2026-104037", Config::default());
            let App { wf, session, .. } = app;
            let mut station = App::station(wf, session).expect("station");
            shots(&station, "station");
            scan_burst(&mut station, &codes[0]);
            assert!(matches!(
                station.screens.last(),
                Some(Screen::Verify(v)) if matches!(v.desk, Desk::Station(_))
            ));
            for code in &codes {
                scan_burst(&mut station, code);
            }
            shots(&station, "station_verified");
            // A reprint or void is the owner's: refused here.
            key(&mut station, KeyCode::F(8));
            let screen = render(&station, 80, 24).backend().to_string();
            assert!(
                screen.contains(&i18n::ui(Ui::StationOwnerOnly, lang)[..20]),
                "{screen}"
            );
            key(&mut station, KeyCode::F(2));
            key(&mut station, KeyCode::F(2));
            assert!(
                matches!(station.screens.last(), Some(Screen::Station(s)) if s.waiting.is_empty())
            );
            // A cover nobody printed is refused on the station screen itself.
            type_text(&mut station, "KV1ZZZZZZZZZZZZZ1010");
            key(&mut station, KeyCode::Enter);
            assert!(
                matches!(station.screens.last(), Some(Screen::Station(s)) if s.message.is_some())
            );
            let state: String = station
                .wf
                .store_mut()
                .read(|tx| {
                    Ok(tx.query_row(
                        "SELECT state FROM mailings WHERE account = 'handlaggare2'",
                        [],
                        |r| r.get(0),
                    )?)
                })
                .expect("state");
            assert_eq!(state, "sealed");
        }
    }

    #[test]
    fn a_cover_scanned_on_the_case_screen_opens_its_envelope_but_hand_keys_do_not() {
        let (dir, mut app) = app(Lang::En);
        let codes = printed_elsewhere(dir.path(), "handlaggare2", "2026-104037", Config::default());
        type_text(&mut app, "2026-104148");
        key(&mut app, KeyCode::Enter);
        // Typed by hand (slowly), the same code does nothing on the case screen.
        let t0 = Instant::now();
        for (i, c) in codes[0].chars().enumerate() {
            let at = t0 + std::time::Duration::from_millis(200 * i as u64);
            app.handle_key_at(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE), at);
        }
        key(&mut app, KeyCode::Enter);
        assert!(matches!(app.screens.last(), Some(Screen::Case(_))));
        // At scanner speed it opens the envelope; after sealing, back to the case.
        scan_burst(&mut app, &codes[0]);
        assert!(matches!(app.screens.last(), Some(Screen::Verify(_))));
        for code in &codes {
            scan_burst(&mut app, code);
        }
        key(&mut app, KeyCode::F(2));
        key(&mut app, KeyCode::F(2));
        assert!(matches!(app.screens.last(), Some(Screen::Case(_))));
        // A scanned sheet that opens nothing says why, without leaving the screen.
        scan_burst(&mut app, &codes[1]);
        let screen = render(&app, 80, 24).backend().to_string();
        assert!(screen.contains("opened no envelope"), "{screen}");
    }

    #[test]
    fn an_upper_case_y_from_a_scanner_never_answers_a_warning() {
        let (_d, mut app) = app(Lang::Sv);
        type_text(&mut app, "2026-104148");
        key(&mut app, KeyCode::Enter);
        key(&mut app, KeyCode::Char('n'));
        key(&mut app, KeyCode::Enter);
        key(&mut app, KeyCode::Down);
        key(&mut app, KeyCode::Char(' '));
        key(&mut app, KeyCode::Char('Y'));
        let m = app.wf.status(&app.session).expect("status").expect("open");
        assert!(m.enclosures.is_empty(), "{:?}", m.enclosures);
    }

    #[test]
    fn with_dual_control_the_printer_is_sent_to_the_station() {
        let dir = tempfile::tempdir().expect("tempdir");
        let db = dir.path().join("k.db");
        std::fs::copy(template(), &db).expect("copy");
        let config = Config {
            dual_control: true,
            ..Config::default()
        };
        let store = Store::open(&db).expect("open");
        let mut wf = Workflow::new(store, config.clone(), Lang::Sv, dir.path().join("outbox"));
        let s = wf
            .session(Some("handlaggare1"), "tty-test", SessionKind::Tui)
            .expect("session");
        let mut app = App::new(wf, s).expect("app");
        print_first_document(&mut app, "2026-104037");
        let codes = codes_of_open_mailing(&mut app);
        let screen = render(&app, 120, 40).backend().to_string();
        assert!(screen.contains("Hämta 2 ark från skrivaren."), "{screen}");
        scan_burst(&mut app, &codes[0]);
        shots(&app, "verify_four_eyes");
        let m = app.wf.status(&app.session).expect("status").expect("open");
        assert_eq!(m.seen, 0, "the printer's own scan does not count");
        // A colleague's station seals it.
        let store = Store::open(&db).expect("open");
        let mut wf2 = Workflow::new(store, config, Lang::Sv, dir.path().join("outbox"));
        let s2 = wf2
            .session(Some("handlaggare2"), "tty-station", SessionKind::Station)
            .expect("session");
        let mut station = App::station(wf2, s2).expect("station");
        for code in std::iter::once(&codes[0]).chain(&codes) {
            scan_burst(&mut station, code);
        }
        key(&mut station, KeyCode::F(2));
        key(&mut station, KeyCode::F(2));
        assert!(app.wf.status(&app.session).expect("status").is_none());
        // The printer's screen follows: back to the start, saying the envelope was sealed.
        app.refresh();
        assert!(matches!(app.screens.last(), Some(Screen::Start(_))));
        let screen = render(&app, 80, 24).backend().to_string();
        assert!(
            screen.contains("Försändelsen FK 2026-104037: försluten"),
            "{screen}"
        );
    }

    #[test]
    fn an_open_mailing_survives_a_restart_and_is_resumed() {
        let (dir, mut app) = app(Lang::Sv);
        print_first_document(&mut app, "2026-104037");
        let codes = codes_of_open_mailing(&mut app);
        scan_burst(&mut app, &codes[0]);
        app.finish().expect("end session");
        // A new program over the same database: the start screen offers the mailing.
        let store = Store::open(&dir.path().join("k.db")).expect("open");
        let mut wf = Workflow::new(
            store,
            Config::default(),
            Lang::Sv,
            dir.path().join("outbox"),
        );
        let s = wf
            .session(Some("handlaggare1"), "tty-test", SessionKind::Tui)
            .expect("session");
        let mut app = App::new(wf, s).expect("app");
        let screen = render(&app, 80, 24).backend().to_string();
        assert!(screen.contains("FK 2026-104037"), "{screen}");
        // Another case cannot be started meanwhile.
        type_text(&mut app, "2026-104148");
        key(&mut app, KeyCode::Enter);
        key(&mut app, KeyCode::Char('n'));
        key(&mut app, KeyCode::Enter);
        assert!(matches!(app.screens.last(), Some(Screen::Compose(c)) if c.message.is_some()));
        key(&mut app, KeyCode::Esc);
        key(&mut app, KeyCode::Esc);
        key(&mut app, KeyCode::Enter);
        let Some(Screen::Verify(v)) = app.screens.last() else {
            panic!("resumed at the verify screen");
        };
        assert_eq!(
            v.mailing.seen_sheets,
            [1],
            "the scan before the restart counts"
        );
        for code in &codes[1..] {
            scan_burst(&mut app, code);
        }
        key(&mut app, KeyCode::F(2));
        key(&mut app, KeyCode::F(2));
        assert!(app.wf.status(&app.session).expect("status").is_none());
    }

    fn click(app: &mut App, x: u16, y: u16) {
        app.handle_mouse(MouseEvent {
            kind: MouseEventKind::Down(MouseButton::Left),
            column: x,
            row: y,
            modifiers: KeyModifiers::NONE,
        });
    }

    #[test]
    fn clicks_select_rows_and_a_second_click_acts() {
        let (_d, mut app) = app(Lang::Sv);
        type_text(&mut app, "2026-104037");
        key(&mut app, KeyCode::Enter);
        key(&mut app, KeyCode::Char('n'));
        render(&app, 80, 24);
        // The list's first row is just inside the border; the recipient is already selected,
        // so one click on it chooses it (and locks the case).
        click(&mut app, 5, 1);
        assert!(app.wf.status(&app.session).expect("status").is_some());
        render(&app, 80, 24);
        click(&mut app, 5, 2);
        let Some(Screen::Compose(c)) = app.screens.last() else {
            panic!("compose");
        };
        assert_eq!(c.selected, 1);
        click(&mut app, 5, 2);
        let m = app.wf.status(&app.session).expect("status").expect("open");
        assert_eq!(
            m.enclosures.len(),
            1,
            "the second click attached the document"
        );
        // A click outside the list, or the wheel past the end, changes nothing harmful.
        click(&mut app, 70, 22);
        for _ in 0..50 {
            app.handle_mouse(MouseEvent {
                kind: MouseEventKind::ScrollDown,
                column: 5,
                row: 5,
                modifiers: KeyModifiers::NONE,
            });
        }
        let m = app.wf.status(&app.session).expect("status").expect("open");
        assert_eq!(m.enclosures.len(), 1);
    }

    /// 2026-11-23 09:30 Swedish time: every desk of the lead tests runs on this clock.
    fn fixed() -> time::OffsetDateTime {
        time::macros::datetime!(2026-11-23 08:30 UTC)
    }

    /// An app for `account` over the database in `dir`, on the fixed clock.
    fn app_at(dir: &Path, account: &str, lang: Lang) -> App {
        let store = Store::open(&dir.join("k.db")).expect("open");
        let mut wf = Workflow::new(store, Config::default(), lang, dir.join("outbox"))
            .with_clock(Box::new(fixed));
        let s = wf
            .session(Some(account), &format!("tty-{account}"), SessionKind::Tui)
            .expect("session");
        App::new(wf, s).expect("app")
    }

    /// handlaggare2 prints a mailing of 2026-104037; handlaggare1 prints one of 2026-104148
    /// (protected applicant) and a sheet of the first turns up in it: a foreign sheet.
    fn a_day_with_a_deviation(dir: &Path) {
        let codes = printed_elsewhere(dir, "handlaggare2", "2026-104037", Config::default());
        let mut h1 = app_at(dir, "handlaggare1", Lang::Sv);
        print_first_document(&mut h1, "2026-104148");
        let own = codes_of_open_mailing(&mut h1);
        scan_burst(&mut h1, &own[0]);
        scan_burst(&mut h1, &codes[1]);
        assert!(h1.take_bell(), "a hard stop");
    }

    #[test]
    fn a_caseworker_never_sees_the_lead_tab() {
        let (_d, mut app) = app(Lang::Sv);
        key(&mut app, KeyCode::Tab);
        let screen = render(&app, 80, 24).backend().to_string();
        assert!(
            !screen.contains("Teamledare") && !screen.contains("Tab"),
            "{screen}"
        );
        key(&mut app, KeyCode::F(1));
        let help = render(&app, 80, 24).backend().to_string();
        assert!(!help.contains("Tab"), "{help}");
        assert!(app.lead.is_none() && !app.on_lead_tab);
    }

    #[test]
    fn the_lead_tab_shows_sessions_a_timeline_and_breaks_a_lock_with_a_reason() {
        for lang in [Lang::Sv, Lang::En] {
            let dir = tempfile::tempdir().expect("tempdir");
            std::fs::copy(template(), dir.path().join("k.db")).expect("copy");
            a_day_with_a_deviation(dir.path());
            let mut lead = app_at(dir.path(), "teamledare1", lang);
            shots(&lead, "lead_casework");
            key(&mut lead, KeyCode::Tab);
            shots(&lead, "lead_sessions");
            let report = lead
                .lead
                .as_ref()
                .and_then(|l| l.report.as_ref())
                .expect("report");
            assert_eq!(report.summary.deviations, 1);
            assert_eq!(report.summary.mailings, 2);
            // The caseworker with the deviation: the second session.
            key(&mut lead, KeyCode::Down);
            key(&mut lead, KeyCode::Enter);
            shots(&lead, "lead_session");
            let screen = render(&lead, 120, 40).backend().to_string();
            let foreign = i18n::deviation_name("foreign", lang);
            assert!(screen.contains(&foreign), "{screen}");
            assert!(
                !screen.contains("Elisabeth"),
                "no name until asked: {screen}"
            );
            // Enter shows the recipient's name (a protected person: still no address).
            key(&mut lead, KeyCode::Enter);
            let screen = render(&lead, 120, 40).backend().to_string();
            assert!(screen.contains("Elisabeth Gustafsson"), "{screen}");
            key(&mut lead, KeyCode::Esc);
            // The open locks; breaking one needs a reason and voids its mailing.
            key(&mut lead, KeyCode::Char('l'));
            shots(&lead, "lead_locks");
            key(&mut lead, KeyCode::Char('b'));
            key(&mut lead, KeyCode::Enter);
            assert!(
                lead.lead.as_ref().is_some_and(|l| l.reason.is_some()),
                "empty reason"
            );
            type_text(&mut lead, "sick leave");
            key(&mut lead, KeyCode::Enter);
            let locks = &lead
                .lead
                .as_ref()
                .and_then(|l| l.report.as_ref())
                .expect("report")
                .locks;
            assert_eq!(locks.len(), 1, "{locks:?}");
            let voided: String = lead
                .wf
                .store_mut()
                .read(|tx| {
                    Ok(tx.query_row(
                        "SELECT close_reason FROM mailings WHERE state = 'voided'",
                        [],
                        |r| r.get(0),
                    )?)
                })
                .expect("voided");
            assert!(voided.contains("sick leave"), "{voided}");
            // Esc back to the sessions, Esc back to casework.
            key(&mut lead, KeyCode::Esc);
            key(&mut lead, KeyCode::Esc);
            assert!(!lead.on_lead_tab);
        }
    }

    #[test]
    fn text_from_the_database_cannot_drive_the_terminal() {
        assert_eq!(
            crate::tui::sanitize("a\u{1b}[2Jb\n"),
            "a\u{fffd}[2Jb\u{fffd}"
        );
    }
}
