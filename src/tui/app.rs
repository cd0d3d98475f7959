//! The application: a stack of screens over one workflow and one session. Keys become
//! actions (the key table), actions change state (here), drawing reads state (the screens).

use ratatui::Frame;
use ratatui::crossterm::event::KeyEvent;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Style, Stylize};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph, Row, Table, Wrap};

use super::action::{self, Action, KeyContext};
use super::screens::case::CaseScreen;
use super::screens::compose::{ComposeScreen, Stage};
use super::screens::start::{StartScreen, Who};
use crate::error::Result;
use crate::i18n::{self, Lang, Ui};
use crate::model::MailingStatus;
use crate::workflow::{Session, Workflow};

/// The smallest terminal kuvert draws in.
pub const MIN_SIZE: (u16, u16) = (80, 24);

/// One screen on the stack.
#[derive(Debug)]
pub enum Screen {
    Start(StartScreen),
    Case(CaseScreen),
    Compose(ComposeScreen),
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
}

impl App {
    /// Starts on the start screen with the user's open mailing, if one survived.
    pub fn new(mut wf: Workflow, session: Session) -> Result<Self> {
        let open = wf.status(&session)?;
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
        })
    }

    /// True once the caseworker asked to quit.
    pub fn quitting(&self) -> bool {
        self.quit
    }

    /// Ends the session (quit, closed terminal); an open mailing stays open.
    pub fn finish(mut self) -> Result<()> {
        self.wf.end_session(&self.session)
    }

    fn context(&self) -> KeyContext {
        match self.screens.last() {
            Some(Screen::Start(_)) | None => KeyContext::Typing,
            Some(Screen::Case(_)) => KeyContext::Browsing,
            Some(Screen::Compose(_)) => KeyContext::Compose,
        }
    }

    /// Handles one key press.
    pub fn handle_key(&mut self, key: KeyEvent) {
        match action::action_for(key, self.context()) {
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
                Action::Confirm if !start.input.trim().is_empty() => {
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
                let leave = compose_action(&mut self.wf, &self.session, compose, action, lang);
                if leave {
                    self.screens.pop();
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
        let [body, footer] =
            Layout::vertical([Constraint::Min(0), Constraint::Length(1)]).areas(area);
        match self.screens.last() {
            Some(Screen::Start(s)) => s.draw(frame, body, &self.who, self.open.as_ref(), self.lang),
            Some(Screen::Case(s)) => s.draw(frame, body, self.lang),
            Some(Screen::Compose(s)) => s.draw(frame, body, self.lang),
            None => {}
        }
        self.draw_footer(frame, footer);
        if self.help {
            self.draw_help(frame, area);
        }
    }

    fn draw_footer(&self, frame: &mut Frame, area: Rect) {
        let mut spans = Vec::new();
        for b in action::bindings(self.context()).iter().filter(|b| b.footer) {
            spans.push(Span::styled(
                format!(" {} ", b.keys),
                Style::new().reversed(),
            ));
            spans.push(Span::raw(format!(" {}  ", i18n::ui(b.help, self.lang))));
        }
        frame.render_widget(Paragraph::new(Line::from(spans)), area);
    }

    fn draw_help(&self, frame: &mut Frame, area: Rect) {
        let rows: Vec<Row> = action::bindings(self.context())
            .iter()
            .map(|b| {
                Row::new(vec![
                    b.keys.to_owned(),
                    i18n::ui(b.help, self.lang).to_owned(),
                ])
            })
            .collect();
        let height = rows.len() as u16 + 2;
        let popup = area.centered(Constraint::Length(40), Constraint::Length(height));
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
    use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

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

    #[test]
    fn start_screen_in_both_languages_and_sizes() {
        for lang in [Lang::Sv, Lang::En] {
            let (_d, app) = app(lang);
            for (w, h) in [(80, 24), (120, 40)] {
                let name = format!("start_{lang:?}_{w}x{h}").to_lowercase();
                insta::assert_snapshot!(name, render(&app, w, h).backend());
            }
        }
    }

    #[test]
    fn a_protected_party_shows_no_address() {
        for lang in [Lang::Sv, Lang::En] {
            let (_d, mut app) = app(lang);
            type_text(&mut app, "2026-104148");
            key(&mut app, KeyCode::Enter);
            let t = render(&app, 120, 40);
            let screen = t.backend().to_string();
            let hidden = i18n::text(i18n::Text::AddressHidden, lang);
            assert!(screen.contains(hidden), "{screen}");
            insta::assert_snapshot!(
                format!("case_protected_{lang:?}").to_lowercase(),
                t.backend()
            );
            let small = render(&app, 80, 24);
            insta::assert_snapshot!(
                format!("case_protected_{lang:?}_80x24").to_lowercase(),
                small.backend()
            );
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
        let t = render(&app, 80, 24);
        insta::assert_snapshot!("help_start_en", t.backend());
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
            let warned = render(&app, 120, 40);
            let screen = warned.backend().to_string();
            assert!(
                screen.contains(if lang == Lang::Sv {
                    "VARNING"
                } else {
                    "WARNING"
                }),
                "{screen}"
            );
            insta::assert_snapshot!(
                format!("compose_warning_{lang:?}").to_lowercase(),
                warned.backend()
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

    #[test]
    fn text_from_the_database_cannot_drive_the_terminal() {
        assert_eq!(
            crate::tui::sanitize("a\u{1b}[2Jb\n"),
            "a\u{fffd}[2Jb\u{fffd}"
        );
    }
}
