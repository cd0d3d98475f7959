//! The key table: one table per screen state, and each row both matches keys and labels them,
//! so the footer and the help can never say something the keys do not do. The rows for
//! typing and for a scanner's burst are rows like the others.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::style::Style;
use ratatui::text::{Line, Span};

use super::action::{Action, Cmd};
use super::input::Input;
use crate::i18n::{Lang, Ui, ui};

/// A key (or a way of giving input) a row listens to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Key {
    /// A key without Ctrl or Alt.
    Code(KeyCode),
    /// Ctrl and a letter.
    Ctrl(char),
    /// Any character typed by hand (a text field).
    Typed,
    /// A scanner's burst (see `input`).
    Scanner,
    /// A mouse click on a list row.
    Click,
    /// Any other key: answers a question with no.
    Other,
}

use Key::{Code, Ctrl};

/// A character key.
const fn ch(c: char) -> Key {
    Code(KeyCode::Char(c))
}

impl Key {
    fn matches(self, key: &KeyEvent) -> bool {
        let plain = !key
            .modifiers
            .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT);
        match self {
            Code(code) => plain && key.code == code,
            Ctrl(c) => {
                key.modifiers.contains(KeyModifiers::CONTROL)
                    && matches!(key.code, KeyCode::Char(k) if k.eq_ignore_ascii_case(&c))
            }
            Key::Typed => plain && matches!(key.code, KeyCode::Char(c) if !c.is_control()),
            Key::Other => true,
            Key::Scanner | Key::Click => false,
        }
    }

    /// The key's name as the footer and help show it.
    fn name(self, lang: Lang) -> String {
        match self {
            Code(KeyCode::Char(' ')) => ui(Ui::KeySpace, lang).into(),
            Code(KeyCode::Char(c)) => c.to_string(),
            Code(KeyCode::Up) => "↑".into(),
            Code(KeyCode::Down) => "↓".into(),
            Code(KeyCode::Enter) => "Enter".into(),
            Code(KeyCode::Esc) => "Esc".into(),
            Code(KeyCode::Tab) => "Tab".into(),
            Code(KeyCode::Backspace) => "⌫".into(),
            Code(KeyCode::PageUp) => "PgUp".into(),
            Code(KeyCode::PageDown) => "PgDn".into(),
            Code(KeyCode::F(n)) => format!("F{n}"),
            Code(other) => format!("{other:?}"),
            Ctrl(c) => format!("Ctrl-{}", c.to_ascii_uppercase()),
            Key::Typed => ui(Ui::KeyTyped, lang).into(),
            Key::Scanner => ui(Ui::KeyScanner, lang).into(),
            Key::Click => ui(Ui::KeyClick, lang).into(),
            Key::Other => ui(Ui::KeyOther, lang).into(),
        }
    }

    fn is_arrow(self) -> bool {
        matches!(self, Code(KeyCode::Up | KeyCode::Down))
    }

    fn is_char(self) -> bool {
        matches!(self, Code(KeyCode::Char(c)) if c != ' ')
    }
}

/// One row of a key table: its keys, each with its command, and what the row does.
#[derive(Debug, Clone, Copy)]
pub struct Binding {
    pub keys: &'static [(Key, Cmd)],
    pub help: Ui,
    /// Shown in the footer (the help lists every row).
    pub footer: bool,
}

const fn row(keys: &'static [(Key, Cmd)], help: Ui, footer: bool) -> Binding {
    Binding { keys, help, footer }
}

impl Binding {
    /// The keys as shown: arrows run together, letters by "/", the rest by spaces.
    pub fn label(&self, lang: Lang) -> String {
        let mut out = String::new();
        let mut prev: Option<Key> = None;
        for &(k, _) in self.keys {
            if let Some(p) = prev {
                out.push_str(match () {
                    _ if p.is_arrow() && k.is_arrow() => "",
                    _ if p.is_char() && k.is_char() => "/",
                    _ => " ",
                });
            }
            out.push_str(&k.name(lang));
            prev = Some(k);
        }
        out
    }

    /// True when some key of the row gives `cmd`.
    pub fn gives(&self, cmd: Cmd) -> bool {
        self.keys.iter().any(|&(_, c)| c == cmd)
    }
}

/// The action an input asks for under a table, if any: the first row that matches wins.
pub fn lookup(table: &[Binding], input: &Input) -> Option<Action> {
    let pairs = || table.iter().flat_map(|b| b.keys.iter().copied());
    match input {
        Input::Scan(text) => pairs()
            .any(|(k, _)| k == Key::Scanner)
            .then(|| Action::Scan(text.clone())),
        Input::Key(key) => {
            pairs()
                .find(|(k, _)| k.matches(key))
                .map(|(_, cmd)| match (cmd, key.code) {
                    (Cmd::Type, KeyCode::Char(c)) => Action::Type(c),
                    (cmd, _) => Action::Do(cmd),
                })
        }
    }
}

/// The footer: the rows marked for it, on at most two lines of `width`; the help key is
/// always kept, so a narrow window never hides the way to the rest.
pub fn footer(table: &[Binding], lang: Lang, width: u16) -> Vec<Line<'static>> {
    let width = usize::from(width);
    let cost = |b: &Binding| b.label(lang).chars().count() + ui(b.help, lang).chars().count() + 4;
    let shown: Vec<&Binding> = table.iter().filter(|b| b.footer).collect();
    let help = shown
        .iter()
        .find(|b| b.gives(Cmd::Help))
        .map_or(0, |b| cost(b));
    let mut lines: Vec<(Vec<Span<'static>>, usize)> = vec![(Vec::new(), 0)];
    for b in shown {
        let c = cost(b);
        let last = lines.len() == 2;
        let room = width.saturating_sub(if last && !b.gives(Cmd::Help) { help } else { 0 });
        if lines.last().is_some_and(|(_, used)| used + c > room) {
            if last {
                if !b.gives(Cmd::Help) {
                    continue;
                }
            } else {
                lines.push((Vec::new(), 0));
            }
        }
        if let Some((spans, used)) = lines.last_mut() {
            spans.push(Span::styled(
                format!(" {} ", b.label(lang)),
                Style::new().reversed(),
            ));
            spans.push(Span::raw(format!(" {}  ", ui(b.help, lang))));
            *used += c;
        }
    }
    lines
        .into_iter()
        .filter(|(spans, _)| !spans.is_empty())
        .map(|(spans, _)| Line::from(spans))
        .collect()
}

// Rows shared by several tables.
const QUIT: Binding = row(&[(Ctrl('c'), Cmd::Quit)], Ui::KeyQuit, false);
const MOVE: Binding = row(
    &[
        (Code(KeyCode::Up), Cmd::Up),
        (Code(KeyCode::Down), Cmd::Down),
        (ch('k'), Cmd::Up),
        (ch('j'), Cmd::Down),
    ],
    Ui::KeyMove,
    false,
);
const CLICK: Binding = row(&[(Key::Click, Cmd::Confirm)], Ui::KeyClickChoose, false);
/// Where letters are commands: `?` too.
const HELP: Binding = row(
    &[(Code(KeyCode::F(1)), Cmd::Help), (ch('?'), Cmd::Help)],
    Ui::KeyHelp,
    true,
);
/// Where letters are typed.
const HELP_F1: Binding = row(&[(Code(KeyCode::F(1)), Cmd::Help)], Ui::KeyHelp, true);
const BACK: Binding = row(
    &[(Code(KeyCode::Esc), Cmd::Back), (ch('q'), Cmd::Back)],
    Ui::KeyBack,
    true,
);
const ESC_BACK: Binding = row(&[(Code(KeyCode::Esc), Cmd::Back)], Ui::KeyBack, true);
/// Leads only: the app drops this row for everyone else.
pub const TAB: Binding = row(&[(Code(KeyCode::Tab), Cmd::SwitchTab)], Ui::KeyTab, true);
const ERASE: Binding = row(
    &[(Code(KeyCode::Backspace), Cmd::Erase)],
    Ui::KeyErase,
    false,
);
const SCAN_COVER: Binding = row(&[(Key::Scanner, Cmd::Scan)], Ui::KeyScanCover, false);
const YES_NO: [Binding; 2] = [
    row(
        &[(ch('j'), Cmd::Yes), (ch('y'), Cmd::Yes)],
        Ui::KeyYes,
        true,
    ),
    row(&[(Key::Other, Cmd::No)], Ui::KeyNo, true),
];

/// The start screen: the case-number field.
pub const START: &[Binding] = &[
    row(
        &[(Code(KeyCode::Enter), Cmd::Confirm)],
        Ui::KeyOpenCase,
        true,
    ),
    row(&[(Key::Typed, Cmd::Type)], Ui::KeyTypeCase, false),
    ERASE,
    SCAN_COVER,
    HELP_F1,
    row(&[(Code(KeyCode::Esc), Cmd::Back)], Ui::KeyQuitAsk, true),
    TAB,
    QUIT,
];

/// "Quit kuvert?" on the start or station screen.
pub const ASK_QUIT: &[Binding] = &[
    QUIT,
    SCAN_COVER,
    row(
        &[(ch('j'), Cmd::Yes), (ch('y'), Cmd::Yes)],
        Ui::KeyQuit,
        true,
    ),
    row(&[(Key::Other, Cmd::No)], Ui::KeyStay, true),
];

/// A case: its parties and documents.
pub const CASE: &[Binding] = &[
    MOVE,
    row(&[(ch('n'), Cmd::NewMailing)], Ui::KeyNew, true),
    SCAN_COVER,
    HELP,
    BACK,
    TAB,
    QUIT,
];

/// Composing: choosing the recipient.
pub const RECIPIENT: &[Binding] = &[
    MOVE,
    row(&[(Code(KeyCode::Enter), Cmd::Confirm)], Ui::KeyChoose, true),
    CLICK,
    SCAN_COVER,
    HELP,
    BACK,
    QUIT,
];

/// Composing: ticking documents of the draft.
pub const DOCUMENTS: &[Binding] = &[
    MOVE,
    row(&[(Code(KeyCode::F(5)), Cmd::Next)], Ui::KeyReview, true),
    row(
        &[(ch(' '), Cmd::Toggle), (Code(KeyCode::Enter), Cmd::Toggle)],
        Ui::KeyToggle,
        true,
    ),
    row(
        &[(Code(KeyCode::F(3)), Cmd::ChangeRecipient)],
        Ui::KeyChangeRecipient,
        true,
    ),
    row(&[(Code(KeyCode::F(8)), Cmd::Void)], Ui::KeyVoidDraft, true),
    CLICK,
    SCAN_COVER,
    HELP,
    BACK,
    QUIT,
];

/// Composing: a document about someone else waits for yes or no.
pub const WARNING: &[Binding] = &[QUIT, SCAN_COVER, YES_NO[0], YES_NO[1]];

/// The summary before printing.
pub const REVIEW: &[Binding] = &[
    row(&[(Code(KeyCode::Enter), Cmd::Confirm)], Ui::KeyPrint, true),
    row(&[(Code(KeyCode::F(8)), Cmd::Void)], Ui::KeyVoidDraft, true),
    SCAN_COVER,
    HELP,
    BACK,
    QUIT,
];

/// While the print job is being made.
pub const PRINTING: &[Binding] = &[
    row(&[(Key::Scanner, Cmd::Scan)], Ui::KeyScanWait, false),
    HELP,
    QUIT,
];

/// Scanning at one's own desk.
pub const VERIFY: &[Binding] = &[
    row(&[(Key::Scanner, Cmd::Scan)], Ui::KeyScanSheet, false),
    row(&[(Key::Typed, Cmd::Type)], Ui::KeyTypeCode, false),
    row(&[(Code(KeyCode::Enter), Cmd::Confirm)], Ui::KeyScan, false),
    ERASE,
    row(&[(Code(KeyCode::F(2)), Cmd::Seal)], Ui::KeySeal, true),
    row(&[(Code(KeyCode::F(6)), Cmd::Reprint)], Ui::KeyReprint, true),
    row(&[(Code(KeyCode::F(8)), Cmd::Void)], Ui::KeyVoid, true),
    HELP_F1,
    ESC_BACK,
    QUIT,
];

/// Scanning at a sealing station: reprint and void are the owner's.
pub const VERIFY_STATION: &[Binding] = &[
    row(&[(Key::Scanner, Cmd::Scan)], Ui::KeyScanSheet, false),
    row(&[(Key::Typed, Cmd::Type)], Ui::KeyTypeCode, false),
    row(&[(Code(KeyCode::Enter), Cmd::Confirm)], Ui::KeyScan, true),
    ERASE,
    row(&[(Code(KeyCode::F(2)), Cmd::Seal)], Ui::KeySeal, true),
    HELP_F1,
    ESC_BACK,
    QUIT,
];

/// F2 was pressed once: F2 again seals, anything else does not.
pub const CONFIRM_SEAL: &[Binding] = &[
    QUIT,
    row(&[(Key::Scanner, Cmd::Scan)], Ui::KeyScanSheet, false),
    row(&[(Code(KeyCode::F(2)), Cmd::Seal)], Ui::KeySealNow, true),
    row(&[(Key::Other, Cmd::No)], Ui::KeyNo, true),
];

/// A hard stop: only F9 ends it; scans wait.
pub const HARD_STOP: &[Binding] = &[
    row(
        &[(Code(KeyCode::F(9)), Cmd::Acknowledge)],
        Ui::KeyAcknowledge,
        true,
    ),
    row(&[(Key::Scanner, Cmd::Scan)], Ui::KeyScanAfterStop, false),
    QUIT,
];

/// A reason being typed (reprint, void, lock break): a scan never completes it.
pub const REASON: &[Binding] = &[
    row(&[(Key::Typed, Cmd::Type)], Ui::KeyTypeReason, false),
    row(
        &[(Code(KeyCode::Enter), Cmd::Confirm)],
        Ui::KeyCarryOut,
        true,
    ),
    ERASE,
    row(&[(Key::Scanner, Cmd::Scan)], Ui::KeyScanInReason, false),
    row(&[(Code(KeyCode::Esc), Cmd::Back)], Ui::KeyCancel, true),
    QUIT,
];

/// The sealing station's cover field.
pub const STATION: &[Binding] = &[
    row(&[(Key::Scanner, Cmd::Scan)], Ui::KeyScanCover, false),
    row(&[(Key::Typed, Cmd::Type)], Ui::KeyTypeCode, false),
    row(
        &[(Code(KeyCode::Enter), Cmd::Confirm)],
        Ui::KeyOpenEnvelope,
        true,
    ),
    ERASE,
    HELP_F1,
    row(&[(Code(KeyCode::Esc), Cmd::Back)], Ui::KeyQuitAsk, true),
    QUIT,
];

const LEAD_COMMON: [Binding; 3] = [
    row(&[(ch('d'), Cmd::Period)], Ui::KeyPeriod, true),
    row(&[(ch('u'), Cmd::User)], Ui::KeyUser, true),
    row(&[(ch('l'), Cmd::Locks)], Ui::KeyLocks, true),
];

/// The lead tab: sessions.
pub const LEAD: &[Binding] = &[
    MOVE,
    row(&[(Code(KeyCode::Enter), Cmd::Confirm)], Ui::KeyOpen, true),
    LEAD_COMMON[0],
    LEAD_COMMON[1],
    LEAD_COMMON[2],
    row(&[(Key::Click, Cmd::Confirm)], Ui::KeyClickChoose, false),
    SCAN_COVER,
    HELP,
    BACK,
    TAB,
    QUIT,
];

/// The lead tab: one session's mailings and the selected one's timeline.
pub const LEAD_SESSION: &[Binding] = &[
    MOVE,
    row(
        &[(Code(KeyCode::Enter), Cmd::Confirm)],
        Ui::KeyShowName,
        true,
    ),
    row(
        &[
            (Code(KeyCode::PageUp), Cmd::ScrollUp),
            (Code(KeyCode::PageDown), Cmd::ScrollDown),
        ],
        Ui::KeyScrollTimeline,
        true,
    ),
    LEAD_COMMON[0],
    LEAD_COMMON[1],
    LEAD_COMMON[2],
    SCAN_COVER,
    HELP,
    BACK,
    TAB,
    QUIT,
];

/// The lead tab: open locks.
pub const LEAD_LOCKS: &[Binding] = &[
    MOVE,
    row(&[(ch('b'), Cmd::BreakLock)], Ui::KeyBreakLock, true),
    LEAD_COMMON[0],
    LEAD_COMMON[1],
    SCAN_COVER,
    HELP,
    BACK,
    TAB,
    QUIT,
];

/// Every table, for the tests that hold them to their promises.
pub const ALL: &[&[Binding]] = &[
    START,
    ASK_QUIT,
    CASE,
    RECIPIENT,
    DOCUMENTS,
    WARNING,
    REVIEW,
    PRINTING,
    VERIFY,
    VERIFY_STATION,
    CONFIRM_SEAL,
    HARD_STOP,
    REASON,
    STATION,
    LEAD,
    LEAD_SESSION,
    LEAD_LOCKS,
];

#[cfg(test)]
mod tests {
    use super::*;

    fn key(code: KeyCode) -> Input {
        Input::Key(KeyEvent::new(code, KeyModifiers::NONE))
    }

    #[test]
    fn ctrl_c_quits_under_every_table() {
        let ctrl_c = Input::Key(KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL));
        for table in ALL {
            assert_eq!(lookup(table, &ctrl_c), Some(Action::Do(Cmd::Quit)));
        }
    }

    #[test]
    fn a_burst_is_a_scan_under_every_table() {
        for table in ALL {
            assert_eq!(
                lookup(table, &Input::Scan("kv1abc".into())),
                Some(Action::Scan("kv1abc".into()))
            );
        }
    }

    #[test]
    fn letters_type_in_a_field_and_command_elsewhere() {
        assert_eq!(
            lookup(START, &key(KeyCode::Char('q'))),
            Some(Action::Type('q'))
        );
        assert_eq!(
            lookup(CASE, &key(KeyCode::Char('q'))),
            Some(Action::Do(Cmd::Back))
        );
        assert_eq!(
            lookup(CASE, &key(KeyCode::Char('j'))),
            Some(Action::Do(Cmd::Down))
        );
        assert_eq!(lookup(REVIEW, &key(KeyCode::Char('j'))), None);
        assert_eq!(
            lookup(WARNING, &key(KeyCode::Char('j'))),
            Some(Action::Do(Cmd::Yes))
        );
        assert_eq!(
            lookup(WARNING, &key(KeyCode::Char('Y'))),
            Some(Action::Do(Cmd::No)),
            "upper case never answers yes"
        );
    }

    #[test]
    fn labels_say_the_keys() {
        assert_eq!(MOVE.label(Lang::Sv), "↑↓ k/j");
        assert_eq!(BACK.label(Lang::En), "Esc q");
        assert_eq!(YES_NO[0].label(Lang::Sv), "j/y");
    }

    /// The verify footer keeps F6 and F8 at 80 columns, in both languages.
    #[test]
    fn the_verify_footer_fits_reprint_and_void() {
        for lang in [Lang::Sv, Lang::En] {
            let lines = footer(VERIFY, lang, 80);
            assert!(lines.len() <= 2);
            let text: String = lines
                .iter()
                .flat_map(|l| l.spans.iter().map(|s| s.content.to_string()))
                .collect();
            for k in ["F2", "F6", "F8", "F1", "Esc"] {
                assert!(text.contains(k), "{k} in {text}");
            }
            for l in &lines {
                assert!(l.width() <= 80, "{l:?}");
            }
        }
    }
}
