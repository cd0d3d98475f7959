//! The application: a stack of screens over one workflow and one session. Input goes through
//! one pipeline (keys → burst detector → the top screen's key table → action); the screen
//! acts and answers with an effect, which the app carries out.

use std::cell::Cell;
use std::sync::mpsc::{Receiver, TryRecvError};
use std::time::{Duration, Instant};

use ratatui::Frame;
use ratatui::crossterm::event::{KeyEvent, MouseButton, MouseEvent, MouseEventKind};

use super::action::{Action, Cmd, Effect};
use super::ctx::Ctx;
use super::input::{Input, Pipeline};
use super::keys::{self, Binding};
use super::sanitize;
use super::screens::lead::LeadScreen;
use super::screens::start::StartScreen;
use super::screens::station::StationScreen;
use super::screens::verify::VerifyScreen;
use super::screens::{Kind, Screen};
use crate::error::Result;
use crate::i18n::{self, Ui};
use crate::plan::PrintPlan;
use crate::print::PrintedJob;
use crate::workflow::{Desk, Session, Workflow};

/// The smallest terminal kuvert draws in.
pub const MIN_SIZE: (u16, u16) = (80, 24);

/// How often screens read again what other desks changed.
const REFRESH: Duration = Duration::from_secs(3);

/// A print job being made on a worker thread.
struct PendingPrint {
    plan: PrintPlan,
    result: Receiver<Result<PrintedJob>>,
}

/// The whole UI state.
pub struct App {
    ctx: Ctx,
    screens: Vec<Box<dyn Screen>>,
    /// The lead tab while casework is shown, so it keeps its place.
    parked_lead: Option<Box<dyn Screen>>,
    input: Pipeline,
    help: bool,
    /// A message for the screen on top (a seal's confirmation, a scan that opened nothing).
    notice: Option<String>,
    printing: Option<PendingPrint>,
    bell: bool,
    quit: bool,
    refreshed: Instant,
    /// The size of the last frame drawn: input is not acted on unseen.
    size: Cell<(u16, u16)>,
}

impl App {
    /// Starts on the start screen with the user's open mailing, if one survived.
    pub fn new(wf: Workflow, session: Session) -> Result<Self> {
        Ok(Self::with_root(Ctx::new(wf, session, false), |ctx| {
            Box::new(StartScreen::new(ctx))
        }))
    }

    /// A sealing station (`kuvert station`): scan a cover sheet of the team's printed
    /// envelopes, verify, seal, next.
    pub fn station(wf: Workflow, session: Session) -> Result<Self> {
        Ok(Self::with_root(Ctx::new(wf, session, true), |ctx| {
            Box::new(StationScreen::new(ctx))
        }))
    }

    fn with_root(mut ctx: Ctx, root: impl FnOnce(&mut Ctx) -> Box<dyn Screen>) -> Self {
        let rule = ctx.wf.config().scanner.into();
        // Said once per user, on the first screen: a desk config key that no longer counts.
        let moved = ctx
            .wf
            .moved_config_notices(&ctx.session)
            .unwrap_or_default();
        let first = root(&mut ctx);
        Self {
            ctx,
            screens: vec![first],
            parked_lead: None,
            input: Pipeline::new(rule),
            help: false,
            notice: (!moved.is_empty()).then(|| moved.join(" ")),
            printing: None,
            bell: false,
            quit: false,
            refreshed: Instant::now(),
            size: Cell::new(MIN_SIZE),
        }
    }

    /// True once the caseworker asked to quit.
    pub fn quitting(&self) -> bool {
        self.quit
    }

    /// Ends the session (quit, closed terminal); an open mailing stays open.
    pub fn finish(mut self) -> Result<()> {
        self.ctx.wf.end_session(&self.ctx.session)
    }

    /// True once after a hard stop: the event loop rings the terminal bell.
    pub fn take_bell(&mut self) -> bool {
        std::mem::take(&mut self.bell)
    }

    /// Which screen is on top.
    pub fn kind(&self) -> Kind {
        self.top().kind()
    }

    /// The screen on top.
    pub fn top(&self) -> &dyn Screen {
        self.screens.last().map(|s| s.as_ref()).unwrap_or_else(|| {
            // The stack is never empty: `Pop` keeps the first screen.
            unreachable!("the screen stack is empty")
        })
    }

    /// The context the screens work in.
    pub fn ctx(&self) -> &Ctx {
        &self.ctx
    }

    /// The workflow and session, for tests that look behind the screen.
    pub fn ctx_mut(&mut self) -> &mut Ctx {
        &mut self.ctx
    }

    /// When the event loop must call `tick` at the latest (held keys to judge).
    pub fn deadline(&self) -> Option<Instant> {
        self.input.deadline()
    }

    /// The window's size changed.
    pub fn resize(&mut self, width: u16, height: u16) {
        self.size.set((width, height));
    }

    fn too_small(&self) -> bool {
        let (w, h) = self.size.get();
        w < MIN_SIZE.0 || h < MIN_SIZE.1
    }

    /// One key press at `at` (the event loop passes now; tests pass a scanner's timing).
    pub fn key(&mut self, key: KeyEvent, at: Instant) {
        let inputs = self.input.key(key, at);
        self.ctx.held = self.input.held_text();
        for i in inputs {
            self.input_one(i);
        }
    }

    /// Time passes: held keys are judged, a finished print picked up, screens refreshed.
    pub fn tick(&mut self, now: Instant) {
        let inputs = self.input.tick(now);
        self.ctx.held = self.input.held_text();
        for i in inputs {
            self.input_one(i);
        }
        if self.refreshed.elapsed() >= REFRESH {
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

    /// The key table in force: the top screen's, less the tab key for those without tabs.
    pub fn table(&self) -> Vec<Binding> {
        let tab = self.ctx.has_lead_tab();
        self.top()
            .keys()
            .iter()
            .filter(|b| tab || !b.gives(Cmd::SwitchTab))
            .copied()
            .collect()
    }

    fn input_one(&mut self, input: Input) {
        if self.help {
            // Any key closes the help; a scan is a scan even then.
            self.help = false;
            if matches!(input, Input::Key(_)) {
                return;
            }
        }
        let Some(action) = keys::lookup(&self.table(), &input) else {
            return;
        };
        if self.too_small() && !self.top().stopped() && action != Action::Do(Cmd::Quit) {
            // Nothing happens unseen: a scan is refused out loud, keys wait for room.
            if let Action::Scan(_) = action {
                self.notice = Some(self.ctx.t(Ui::ScanTooSmall).to_owned());
                self.bell = true;
            }
            return;
        }
        self.notice = None;
        match action {
            Action::Do(Cmd::Quit) => self.quit = true,
            Action::Do(Cmd::Help) => self.help = true,
            Action::Do(Cmd::SwitchTab) => self.apply(Effect::SwitchTab),
            action => {
                let effect = self.on_top(|s, ctx| s.update(action, ctx));
                self.apply(effect);
            }
        }
    }

    /// Runs `f` on the screen on top with the context.
    fn on_top<R>(&mut self, f: impl FnOnce(&mut dyn Screen, &mut Ctx) -> R) -> R {
        let last = self.screens.len() - 1;
        f(self.screens[last].as_mut(), &mut self.ctx)
    }

    fn top_mut(&mut self) -> &mut Box<dyn Screen> {
        let last = self.screens.len() - 1;
        &mut self.screens[last]
    }

    /// Carries out what a screen asked for.
    fn apply(&mut self, effect: Effect) {
        match effect {
            Effect::None => {}
            Effect::Push(s) => self.screens.push(s),
            Effect::Replace(s) => *self.top_mut() = s,
            Effect::Pop(notice) => {
                if self.screens.len() > 1 {
                    self.screens.pop();
                }
                self.came_back(notice);
            }
            Effect::Home(notice) => {
                self.screens.truncate(1);
                self.came_back(notice);
            }
            Effect::Print(reason) => {
                if let Err(e) = self.start_print(reason.as_deref()) {
                    let text = self.ctx.error(&e);
                    self.top_mut().print_failed(text);
                }
            }
            Effect::OpenCover(code, source) => self.open_cover(&code, source),
            Effect::Notice(text) => self.notice = Some(text),
            Effect::Bell => self.bell = true,
            Effect::SwitchTab => self.switch_tab(),
            Effect::Quit => self.quit = true,
        }
    }

    /// A screen is on top again: it reads what changed meanwhile.
    fn came_back(&mut self, notice: Option<String>) {
        let effect = self.on_top(|s, ctx| s.refresh(ctx));
        self.apply(effect);
        if notice.is_some() {
            self.notice = notice;
        }
    }

    fn switch_tab(&mut self) {
        if self.kind() == Kind::Lead {
            self.parked_lead = self.screens.pop();
            self.came_back(None);
        } else if self.ctx.has_lead_tab() {
            let lead = match self.parked_lead.take() {
                Some(l) => l,
                None => Box::new(LeadScreen::new(&mut self.ctx)),
            };
            self.screens.push(lead);
        }
    }

    /// Reads again what other desks may have changed; while the server cannot be reached,
    /// tries to connect again first (the screens keep what they show meanwhile).
    pub fn refresh(&mut self) {
        self.refreshed = Instant::now();
        if self.ctx.wf.connection_lost() && self.ctx.wf.reconnect().is_err() {
            return;
        }
        let effect = self.on_top(|s, ctx| s.refresh(ctx));
        self.apply(effect);
    }

    /// A scanned (or typed) cover sheet: opens its envelope for verification, from any
    /// screen. The caseworker's own mailing opens at their own desk.
    fn open_cover(&mut self, code: &str, source: crate::model::ScanSource) {
        if !crate::code::is_kuvert_code(code) {
            self.notice = Some(self.ctx.t(Ui::NotKuvertCode).to_owned());
            return;
        }
        let ctx = &mut self.ctx;
        let opened = ctx.wf.status(&ctx.session).and_then(|own| {
            let m = ctx.wf.open_at_station_from(&ctx.session, code, source)?;
            Ok((own.map(|o| o.mailing), m))
        });
        match opened {
            Ok((own, m)) => {
                if self.top().checking() == Some(m.mailing) {
                    return;
                }
                let desk = if own == Some(m.mailing) {
                    Desk::Own
                } else {
                    Desk::Station(m.mailing)
                };
                if self.kind() == Kind::Lead {
                    self.parked_lead = self.screens.pop();
                }
                let screen = VerifyScreen::new(m, desk, &mut self.ctx);
                self.screens.push(Box::new(screen));
            }
            Err(e) => {
                let text = i18n::fill(self.ctx.t(Ui::NotACover), &[&self.ctx.error(&e)]);
                self.notice = Some(text);
            }
        }
    }

    fn start_print(&mut self, reason: Option<&str>) -> Result<()> {
        if self.printing.is_some() {
            return Ok(());
        }
        let plan = self.ctx.wf.prepare_print(&self.ctx.session, reason)?;
        let producer = self.ctx.wf.producer();
        let (tx, rx) = std::sync::mpsc::channel();
        let worker_plan = plan.clone();
        std::thread::spawn(move || {
            let _ = tx.send(producer.produce(&worker_plan));
        });
        self.printing = Some(PendingPrint { plan, result: rx });
        Ok(())
    }

    /// Waits for the print job being made (tests, and a closing terminal).
    pub fn wait_for_print(&mut self, timeout: Duration) {
        if let Some(p) = &self.printing {
            let result = match p.result.recv_timeout(timeout) {
                Ok(r) => r,
                Err(_) => return,
            };
            self.finish_print(result);
        }
    }

    fn finish_print(&mut self, result: Result<PrintedJob>) {
        let Some(p) = self.printing.take() else {
            return;
        };
        let ctx = &mut self.ctx;
        let outcome = match result {
            Ok(job) => ctx.wf.complete_print(&ctx.session, &p.plan, &job),
            Err(e) => {
                let _ = ctx.wf.print_failed(&ctx.session, &p.plan, &e);
                Err(e)
            }
        };
        let status = outcome.and_then(|o| Ok((ctx.wf.status_of(o.mailing)?, o)));
        match status {
            Ok((m, o)) => {
                let collect = collect_text(ctx, &o, p.plan.reason.is_some());
                let screen = VerifyScreen::printed(m, collect, ctx);
                if matches!(self.kind(), Kind::Review | Kind::Verify) {
                    *self.top_mut() = Box::new(screen);
                } else {
                    self.screens.push(Box::new(screen));
                }
            }
            Err(e) => {
                let text = self.ctx.error(&e);
                self.top_mut().print_failed(text);
            }
        }
    }

    /// Handles a mouse event: a click on a list row selects it, a click on the selected row
    /// acts on it as Enter does; the wheel moves the selection.
    pub fn mouse(&mut self, event: MouseEvent) {
        if self.help {
            if matches!(event.kind, MouseEventKind::Down(_)) {
                self.help = false;
            }
            return;
        }
        if self.too_small() {
            return;
        }
        let action = match event.kind {
            MouseEventKind::ScrollUp => Some(Action::Do(Cmd::Up)),
            MouseEventKind::ScrollDown => Some(Action::Do(Cmd::Down)),
            MouseEventKind::Down(MouseButton::Left) => {
                self.top_mut().click(event.column, event.row)
            }
            _ => None,
        };
        // Only what the screen's key table offers: the wheel never scrolls a prompt.
        let offered = |a: &Action| match a {
            Action::Do(cmd) => self.table().iter().any(|b| b.gives(*cmd)),
            _ => false,
        };
        if let Some(a) = action.filter(offered) {
            let effect = self.on_top(|s, ctx| s.update(a, ctx));
            self.apply(effect);
        }
    }

    /// Draws the whole UI; reads state only.
    pub fn draw(&self, frame: &mut Frame) {
        let area = frame.area();
        self.size.set((area.width, area.height));
        super::chrome::draw(self, frame, area);
    }

    pub(super) fn parts(&self) -> super::chrome::Parts<'_> {
        super::chrome::Parts {
            ctx: &self.ctx,
            top: self.top(),
            table: self.table(),
            notice: self.notice.as_deref(),
            help: self.help,
            too_small: self.too_small(),
        }
    }
}

/// Where the sheets are after a print: the printer, or the file when there is none; for a
/// reprint also what to do with the old sheets.
fn collect_text(ctx: &Ctx, o: &crate::model::PrintOutcome, reprint: bool) -> String {
    let config = ctx.wf.config();
    let mut text = if config.printer_command.is_some() {
        let printer = config
            .printer_name
            .clone()
            .unwrap_or_else(|| ctx.t(Ui::ThePrinter).to_owned());
        i18n::fill(
            ctx.t(Ui::CollectFrom),
            &[&o.sheets, &sanitize(&printer), &o.pdf],
        )
    } else {
        i18n::fill(ctx.t(Ui::NoPrinterFile), &[&o.pdf, &o.sheets])
    };
    if reprint {
        text.push(' ');
        text.push_str(ctx.t(Ui::OldPrintStale));
    }
    text
}
