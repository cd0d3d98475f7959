//! Everything a key can ask for, and the one key table that handles keys and writes the
//! footer and the help screen, so they never disagree.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use crate::i18n::Ui;

/// What the caseworker asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Leave the current screen; on the start screen, quit.
    Back,
    /// Quit kuvert now; an open mailing stays open for the next session.
    Quit,
    /// Show or hide the list of keys.
    Help,
    /// Move the selection up.
    Up,
    /// Move the selection down.
    Down,
    /// Confirm what is typed or selected (open the case).
    Confirm,
    /// One typed character for the input field (case numbers, scanned codes).
    Type(char),
    /// Delete the last typed character.
    Erase,
    /// Lock this case and start composing a mailing from it.
    NewMailing,
    /// Attach the selected document, or remove it if attached.
    Toggle,
    /// Yes to the warning on screen (a document about someone else).
    Yes,
    /// Go on to the next step (compose → review).
    Next,
    /// Seal the verified mailing (asks for confirmation first).
    Seal,
    /// Acknowledge a hard stop: the stray sheet is set aside, the stack is rescanned.
    Acknowledge,
    /// Print the mailing again (reason required); the old print becomes stale.
    Reprint,
    /// Void the mailing (reason required); the case is unlocked.
    Void,
    /// Switch between casework and the team-lead view (leads only).
    SwitchTab,
    /// Team-lead view: the next period (today, 7 days, 30 days, all).
    Period,
    /// Team-lead view: the next caseworker to filter by (or all).
    User,
    /// Team-lead view: the open locks of the team.
    Locks,
    /// Team-lead view: break the selected lock (reason required).
    BreakLock,
}

/// Which keys a screen listens to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyContext {
    /// A screen with a text field: letters and digits are typed, not commands.
    Typing,
    /// A screen for reading and moving: letters are commands.
    Browsing,
    /// Composing a mailing: choose the recipient, tick documents.
    Compose,
    /// The summary before printing.
    Review,
    /// Scanning at sealing: everything typed is a code (a scanner is a keyboard).
    Verify,
    /// The team-lead view.
    Lead,
}

/// One row of the key table.
#[derive(Debug, Clone, Copy)]
pub struct Binding {
    /// The keys as shown to the caseworker.
    pub keys: &'static str,
    pub action: Action,
    pub help: Ui,
    /// Shown in the footer (the help screen lists every row).
    pub footer: bool,
}

/// Builds a key-table row (keeps the tables one row a line).
const fn row(keys: &'static str, action: Action, help: Ui, footer: bool) -> Binding {
    Binding {
        keys,
        action,
        help,
        footer,
    }
}

// Rows shared by several screens.
const MOVE: Binding = row("↑↓ j/k", Action::Down, Ui::KeyMove, true);
const HELP: Binding = row("?", Action::Help, Ui::KeyHelp, true);
const BACK: Binding = row("q Esc", Action::Back, Ui::KeyBack, true);
const QUIT: Binding = row("Ctrl-C", Action::Quit, Ui::KeyQuit, true);

/// Leads only: the footer and help drop this row for everyone else.
const TAB: Binding = row("Tab", Action::SwitchTab, Ui::KeyTab, true);

const TYPING: &[Binding] = &[
    row("Enter", Action::Confirm, Ui::KeyOpen, true),
    row("⌫", Action::Erase, Ui::KeyErase, false),
    row("F1", Action::Help, Ui::KeyHelp, true),
    row("Esc", Action::Back, Ui::KeyBack, true),
    TAB,
    QUIT,
];

const BROWSING: &[Binding] = &[
    MOVE,
    row("Mus/Mouse", Action::Down, Ui::KeyClickSelect, false),
    row("n", Action::NewMailing, Ui::KeyNew, true),
    HELP,
    BACK,
    TAB,
    QUIT,
];

const LEAD: &[Binding] = &[
    MOVE,
    row("Enter", Action::Confirm, Ui::KeyOpen, true),
    row("d", Action::Period, Ui::KeyPeriod, true),
    row("u", Action::User, Ui::KeyUser, true),
    row("l", Action::Locks, Ui::KeyLocks, true),
    row("b", Action::BreakLock, Ui::KeyBreakLock, false),
    HELP,
    BACK,
    TAB,
    QUIT,
];

const COMPOSE: &[Binding] = &[
    MOVE,
    row("Enter", Action::Confirm, Ui::KeyChoose, true),
    row("Mus/Mouse", Action::Confirm, Ui::KeyClickChoose, false),
    row("Space", Action::Toggle, Ui::KeyToggle, true),
    row("y", Action::Yes, Ui::KeyYes, false),
    row("F5", Action::Next, Ui::KeyReview, true),
    HELP,
    BACK,
    QUIT,
];

const REVIEW: &[Binding] = &[
    row("Enter", Action::Confirm, Ui::KeyPrint, true),
    HELP,
    BACK,
    QUIT,
];

const VERIFY: &[Binding] = &[
    row("Enter", Action::Confirm, Ui::KeyScan, true),
    row("F2", Action::Seal, Ui::KeySeal, true),
    row("F9", Action::Acknowledge, Ui::KeyAcknowledge, true),
    row("⌫", Action::Erase, Ui::KeyErase, false),
    row("F6", Action::Reprint, Ui::KeyReprint, false),
    row("F8", Action::Void, Ui::KeyVoid, false),
    row("F1", Action::Help, Ui::KeyHelp, true),
    row("Esc", Action::Back, Ui::KeyBack, true),
    QUIT,
];

/// The key table of a context.
pub fn bindings(context: KeyContext) -> &'static [Binding] {
    match context {
        KeyContext::Typing => TYPING,
        KeyContext::Browsing => BROWSING,
        KeyContext::Compose => COMPOSE,
        KeyContext::Review => REVIEW,
        KeyContext::Verify => VERIFY,
        KeyContext::Lead => LEAD,
    }
}

/// Contexts with a list to move in.
fn lists(context: KeyContext) -> bool {
    matches!(
        context,
        KeyContext::Browsing | KeyContext::Compose | KeyContext::Lead
    )
}

/// The action of a key press in a context, if any.
pub fn action_for(key: KeyEvent, context: KeyContext) -> Option<Action> {
    if key.modifiers.contains(KeyModifiers::CONTROL) {
        return matches!(key.code, KeyCode::Char('c') | KeyCode::Char('C')).then_some(Action::Quit);
    }
    let common = match key.code {
        KeyCode::Esc => Some(Action::Back),
        KeyCode::Enter if context != KeyContext::Browsing => Some(Action::Confirm),
        KeyCode::Up if lists(context) => Some(Action::Up),
        KeyCode::Down if lists(context) => Some(Action::Down),
        KeyCode::F(1) => Some(Action::Help),
        KeyCode::F(2) if context == KeyContext::Verify => Some(Action::Seal),
        KeyCode::F(9) if context == KeyContext::Verify => Some(Action::Acknowledge),
        KeyCode::F(6) if context == KeyContext::Verify => Some(Action::Reprint),
        KeyCode::F(8) if context == KeyContext::Verify => Some(Action::Void),
        KeyCode::F(5) if context == KeyContext::Compose => Some(Action::Next),
        // Never while scanning or composing: a stray Tab must not hide a mailing in progress.
        KeyCode::Tab
            if matches!(
                context,
                KeyContext::Typing | KeyContext::Browsing | KeyContext::Lead
            ) =>
        {
            Some(Action::SwitchTab)
        }
        _ => None,
    };
    if common.is_some() {
        return common;
    }
    match (context, key.code) {
        (KeyContext::Typing | KeyContext::Verify, KeyCode::Backspace) => Some(Action::Erase),
        (KeyContext::Typing | KeyContext::Verify, KeyCode::Char(c)) if !c.is_control() => {
            Some(Action::Type(c))
        }
        (KeyContext::Browsing, KeyCode::Char('n')) => Some(Action::NewMailing),
        (KeyContext::Lead, KeyCode::Char('d')) => Some(Action::Period),
        (KeyContext::Lead, KeyCode::Char('u')) => Some(Action::User),
        (KeyContext::Lead, KeyCode::Char('l')) => Some(Action::Locks),
        (KeyContext::Lead, KeyCode::Char('b')) => Some(Action::BreakLock),
        (KeyContext::Compose, KeyCode::Char(' ')) => Some(Action::Toggle),
        // Lower case only: a scanner types upper case, and must never answer a warning.
        (KeyContext::Compose, KeyCode::Char('y')) => Some(Action::Yes),
        (_, KeyCode::Char('q')) => Some(Action::Back),
        (_, KeyCode::Char('?')) => Some(Action::Help),
        (_, KeyCode::Char('k')) if lists(context) => Some(Action::Up),
        (_, KeyCode::Char('j')) if lists(context) => Some(Action::Down),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(code: KeyCode) -> KeyEvent {
        KeyEvent::new(code, KeyModifiers::NONE)
    }

    #[test]
    fn ctrl_c_always_quits() {
        let ctrl_c = KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL);
        for ctx in [KeyContext::Typing, KeyContext::Browsing] {
            assert_eq!(action_for(ctrl_c, ctx), Some(Action::Quit));
        }
    }

    #[test]
    fn letters_type_in_a_field_and_command_elsewhere() {
        assert_eq!(
            action_for(key(KeyCode::Char('q')), KeyContext::Typing),
            Some(Action::Type('q'))
        );
        assert_eq!(
            action_for(key(KeyCode::Char('q')), KeyContext::Browsing),
            Some(Action::Back)
        );
        assert_eq!(
            action_for(key(KeyCode::Char('j')), KeyContext::Browsing),
            Some(Action::Down)
        );
    }

    /// The help lists every command a key can give on a screen (typed characters and
    /// the moves' Up twin aside), so it never hides one.
    #[test]
    fn every_command_a_key_gives_is_in_the_table() {
        let codes = [
            KeyCode::Esc,
            KeyCode::Enter,
            KeyCode::Up,
            KeyCode::Down,
            KeyCode::Backspace,
            KeyCode::F(1),
            KeyCode::F(2),
            KeyCode::F(5),
            KeyCode::F(6),
            KeyCode::F(8),
            KeyCode::F(9),
            KeyCode::Char('q'),
            KeyCode::Char('?'),
            KeyCode::Char('j'),
            KeyCode::Char('k'),
            KeyCode::Char('n'),
            KeyCode::Char(' '),
            KeyCode::Char('y'),
            KeyCode::Char('d'),
            KeyCode::Char('u'),
            KeyCode::Char('l'),
            KeyCode::Char('b'),
            KeyCode::Tab,
        ];
        for ctx in [
            KeyContext::Typing,
            KeyContext::Browsing,
            KeyContext::Compose,
            KeyContext::Review,
            KeyContext::Verify,
            KeyContext::Lead,
        ] {
            for code in codes {
                let Some(action) = action_for(key(code), ctx) else {
                    continue;
                };
                let listed = match action {
                    Action::Type(_) => true,
                    Action::Up => bindings(ctx).iter().any(|b| b.action == Action::Down),
                    a => bindings(ctx).iter().any(|b| b.action == a),
                };
                assert!(
                    listed,
                    "{code:?} gives {action:?} in {ctx:?} but the help does not say so"
                );
            }
        }
    }

    #[test]
    fn every_footer_action_is_reachable_by_a_key() {
        for ctx in [
            KeyContext::Typing,
            KeyContext::Browsing,
            KeyContext::Compose,
            KeyContext::Lead,
        ] {
            for b in bindings(ctx) {
                let reachable = [
                    KeyCode::Esc,
                    KeyCode::Enter,
                    KeyCode::Up,
                    KeyCode::Down,
                    KeyCode::F(1),
                    KeyCode::Backspace,
                    KeyCode::Char('q'),
                    KeyCode::Char('?'),
                    KeyCode::Char('j'),
                    KeyCode::Char('n'),
                    KeyCode::Char(' '),
                    KeyCode::Char('y'),
                    KeyCode::F(2),
                    KeyCode::F(5),
                    KeyCode::F(9),
                    KeyCode::F(6),
                    KeyCode::F(8),
                    KeyCode::Char('d'),
                    KeyCode::Char('u'),
                    KeyCode::Char('l'),
                    KeyCode::Char('b'),
                    KeyCode::Tab,
                ]
                .into_iter()
                .any(|k| action_for(key(k), ctx) == Some(b.action))
                    || b.action == Action::Quit;
                assert!(reachable, "{:?} in {ctx:?}", b.action);
            }
        }
    }
}
