//! What the caseworker asks for (`Action`, from the key table and the scanner) and what a
//! screen answers (`Effect`, carried out by the app).

use super::screens::Screen;

/// A command a key gives; the key table (`keys`) names one per row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cmd {
    /// Leave the current screen or prompt.
    Back,
    /// Quit kuvert now; an open mailing stays open for the next session.
    Quit,
    /// Show the list of keys.
    Help,
    /// Move the selection up.
    Up,
    /// Move the selection down.
    Down,
    /// Confirm what is typed or selected.
    Confirm,
    /// Delete the last typed character.
    Erase,
    /// Lock this case and start composing a mailing from it.
    NewMailing,
    /// Attach the selected document, or remove it if attached.
    Toggle,
    /// Yes to the question on screen.
    Yes,
    /// No to the question on screen.
    No,
    /// Go on to the next step (compose → review).
    Next,
    /// Choose another recipient for the draft (nothing is printed).
    ChangeRecipient,
    /// Seal the verified mailing (asks first).
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
    /// Scroll the timeline of the selected mailing (lead view).
    ScrollUp,
    /// Scroll the timeline of the selected mailing (lead view).
    ScrollDown,
    /// A character typed by hand into a field (the table's "typing" row).
    Type,
    /// A scanner's burst (the table's "scanner" row).
    Scan,
}

/// One thing asked of a screen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// A command from the key table.
    Do(Cmd),
    /// A character typed by hand into a field.
    Type(char),
    /// A scanner's burst: the text it typed.
    Scan(String),
}

/// What a screen asks the app to do after an action.
pub enum Effect {
    None,
    /// Open a screen on top.
    Push(Box<dyn Screen>),
    /// Replace this screen.
    Replace(Box<dyn Screen>),
    /// Close this screen; the notice, if any, is shown on the one below.
    Pop(Option<String>),
    /// Back to the first screen (after a seal or void at one's own desk), with a notice.
    Home(Option<String>),
    /// Print the open mailing on the worker thread (a reason for a reprint).
    Print(Option<String>),
    /// Open the envelope whose cover sheet this code is, for checking (the cover counts as
    /// scanned, as it came).
    OpenCover(String, crate::model::ScanSource),
    /// Show a message in the notice bar.
    Notice(String),
    /// Ring the terminal bell (a hard stop must be heard).
    Bell,
    /// Switch between casework and the lead view.
    SwitchTab,
    /// Quit kuvert.
    Quit,
}

impl std::fmt::Debug for Effect {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Effect::None => write!(f, "None"),
            Effect::Push(s) => write!(f, "Push({:?})", s.kind()),
            Effect::Replace(s) => write!(f, "Replace({:?})", s.kind()),
            Effect::Pop(n) => write!(f, "Pop({n:?})"),
            Effect::Home(n) => write!(f, "Home({n:?})"),
            Effect::Print(r) => write!(f, "Print({r:?})"),
            Effect::OpenCover(c, s) => write!(f, "OpenCover({c}, {s:?})"),
            Effect::Notice(n) => write!(f, "Notice({n})"),
            Effect::Bell => write!(f, "Bell"),
            Effect::SwitchTab => write!(f, "SwitchTab"),
            Effect::Quit => write!(f, "Quit"),
        }
    }
}
