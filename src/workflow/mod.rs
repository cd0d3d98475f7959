//! The rules of a mailing (DESIGN §1–2), shared by the command line and the terminal UI.
//!
//! Every operation goes through [`Workflow::run`]: the role check, one transaction that checks
//! the rules, changes the state and appends its events, and the logging of the outcome; a
//! refusal leaves the database as it was and is logged in a transaction of its own. The
//! only exception is printing, which must not hold the write lock while the PDF is rendered
//! and the printer answers: it reserves a print generation in one transaction, renders and
//! prints outside any transaction, and records the completed print in a second one.
//!
//! The rules live by topic: `session`, `compose`, `print`, `scan`, `seal`, `lead`, `policy`,
//! `import`, `retention` and `report`, each an `impl Workflow`.

use std::path::{Path, PathBuf};

use serde_json::json;
use time::OffsetDateTime;

use crate::audit::{self, Event, EventContext};
use crate::config::Config;
use crate::error::{Error, Refusal, Result};
use crate::i18n::Lang;
use crate::model::*;
use crate::policy::Policy;
use crate::store::mailings::MailingRow;
use crate::store::{Store, Tx, cases, mailings, people, policies};
use crate::time_fmt;

mod compose;
mod import;
mod lead;
mod policy;
mod print;
mod report;
mod retention;
mod scan;
mod seal;
mod session;
mod strays;
pub mod verdict;

pub use crate::case_number::normalise_case_number;
pub use strays::STRAY_SHEET_DAYS;

/// How long a command-line session stays open between two commands at one terminal.
pub const CLI_SESSION_IDLE_MINUTES: i64 = 30;

/// The longest reason (void, reprint, lock break) anyone may give, at a prompt or a command.
pub const MAX_REASON_CHARS: usize = 500;

/// Where the current time comes from (tests inject a fixed clock).
pub type Clock = Box<dyn Fn() -> OffsetDateTime + Send>;

/// The kind of front end a session runs in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionKind {
    Cli,
    Tui,
    Station,
}

impl SessionKind {
    fn as_str(self) -> &'static str {
        match self {
            SessionKind::Cli => "cli",
            SessionKind::Tui => "tui",
            SessionKind::Station => "station",
        }
    }
}

/// Which mailing a scan or a seal acts on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Desk {
    /// The user's own open mailing, at their own desk.
    Own,
    /// A printed mailing of the user's team, opened at a sealing station by its cover sheet.
    Station(MailingId),
}

/// One user at one terminal; every event belongs to one.
#[derive(Debug, Clone)]
pub struct Session {
    pub id: SessionId,
    pub user: User,
}

/// The mailing workflow over one database.
pub struct Workflow {
    store: Store,
    config: Config,
    lang: Lang,
    clock: Clock,
    outbox: PathBuf,
}

/// The operations a session performs, each checked, run and logged the same way by
/// [`Workflow::run`]. The names are the ones the event log and the diagnostic log carry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Operation {
    ShowCase,
    Start,
    Attach,
    Detach,
    ChangeRecipient,
    Review,
    Print,
    Scan,
    OpenAtStation,
    Seal,
    Void,
    LockBreak,
    PolicyShow,
    PolicySet,
    Import,
    Purge { dry_run: bool },
    Log,
    AddUser,
}

/// How an operation holds the database.
enum Mode {
    /// A snapshot, no write lock.
    Read,
    /// One write transaction, committed.
    Write,
    /// A write transaction rolled back: what it would do (a dry run).
    Rehearse,
}

impl Operation {
    fn name(self) -> &'static str {
        use Operation::*;
        match self {
            ShowCase => "show_case",
            Start => "start",
            Attach => "attach",
            Detach => "detach",
            ChangeRecipient => "change_recipient",
            Review => "review",
            Print => "print",
            Scan => "scan",
            OpenAtStation => "open_at_station",
            Seal => "seal",
            Void => "void",
            LockBreak => "lock_break",
            PolicyShow => "policy_show",
            PolicySet => "policy_set",
            Import => "import",
            Purge { .. } => "purge",
            Log => "log",
            AddUser => "add_user",
        }
    }

    /// The command a caseworker is refused, for the operations only a team lead may do.
    fn lead_only(self) -> Option<&'static str> {
        use Operation::*;
        match self {
            LockBreak => Some("kuvert lock break"),
            PolicySet => Some("kuvert policy set"),
            Import => Some("kuvert import"),
            Purge { .. } => Some("kuvert purge"),
            Log => Some("kuvert log"),
            AddUser => Some("kuvert user add"),
            _ => None,
        }
    }

    fn mode(self) -> Mode {
        use Operation::*;
        match self {
            ShowCase | Review | PolicyShow | Log => Mode::Read,
            Purge { dry_run: true } => Mode::Rehearse,
            _ => Mode::Write,
        }
    }
}

/// What an operation's steps may use besides the transaction: one instant for all of it,
/// the language and the configuration.
struct Env<'a> {
    now: OffsetDateTime,
    /// `now` as stored.
    stamp: String,
    lang: Lang,
    config: &'a Config,
}

impl Workflow {
    /// Opens the workflow over an open store.
    pub fn new(store: Store, config: Config, lang: Lang, outbox: PathBuf) -> Self {
        Self {
            store,
            config,
            lang,
            clock: Box::new(OffsetDateTime::now_utc),
            outbox,
        }
    }

    /// Replaces the clock (tests).
    pub fn with_clock(mut self, clock: Clock) -> Self {
        self.clock = clock;
        self
    }

    /// The language messages are given in.
    pub fn lang(&self) -> Lang {
        self.lang
    }

    /// True while the database server cannot be reached (the desk shows it, and keeps its
    /// work until the connection is back).
    pub fn connection_lost(&self) -> bool {
        self.store.connection_lost()
    }

    /// Tries to connect to the server again after the connection was lost.
    pub fn reconnect(&mut self) -> Result<()> {
        self.store.reconnect()
    }

    /// The configuration in force.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// The outbox folder print jobs are written to.
    pub fn outbox(&self) -> &Path {
        &self.outbox
    }

    /// The current instant by the workflow's clock (fixed in tests).
    pub fn clock_now(&self) -> OffsetDateTime {
        (self.clock)()
    }

    fn now(&self) -> String {
        time_fmt::timestamp((self.clock)())
    }

    /// Runs one operation: the role check, then `body` in the operation's transaction (a
    /// write first records that the session is active), then the log of its outcome.
    fn run<T>(
        &mut self,
        s: &Session,
        op: Operation,
        body: impl FnOnce(&Tx<'_>, &Env<'_>) -> Result<T>,
    ) -> Result<T> {
        self.run_staged(s, op, |_| Ok(()), |tx, env, ()| body(tx, env))
    }

    /// [`Self::run`] with a step before the transaction, for the work that must not hold
    /// the write lock (reading and checking files, rules that need no database); a refusal
    /// there is logged like any other.
    fn run_staged<P, T>(
        &mut self,
        s: &Session,
        op: Operation,
        prepare: impl FnOnce(&Env<'_>) -> Result<P>,
        body: impl FnOnce(&Tx<'_>, &Env<'_>, P) -> Result<T>,
    ) -> Result<T> {
        let result = 'op: {
            if let Some(what) = op.lead_only()
                && s.user.role != Role::Lead
            {
                break 'op Err(Refusal::LeadOnly { what: what.into() }.into());
            }
            let now = (self.clock)();
            let env = Env {
                now,
                stamp: time_fmt::timestamp(now),
                lang: self.lang,
                config: &self.config,
            };
            let prepared = match prepare(&env) {
                Ok(p) => p,
                Err(e) => break 'op Err(e),
            };
            let store = &mut self.store;
            match op.mode() {
                Mode::Read => store.read(|tx| body(tx, &env, prepared)),
                Mode::Write => store.write(|tx| {
                    people::touch_session(tx, s.id, &env.stamp)?;
                    body(tx, &env, prepared)
                }),
                Mode::Rehearse => store.rehearse(|tx| body(tx, &env, prepared)),
            }
        };
        self.logged(s, op, result)
    }

    /// [`Self::run`] for an operation that needs a reason (void, lock break): the reason
    /// rule first, its refusal logged like any other, and `body` gets the reason trimmed.
    fn run_with_reason<T>(
        &mut self,
        s: &Session,
        op: Operation,
        reason: &str,
        body: impl FnOnce(&Tx<'_>, &Env<'_>, &str) -> Result<T>,
    ) -> Result<T> {
        let reason = reason.trim();
        let checked = self.check_reason(reason);
        self.run_staged(s, op, |_| checked, |tx, env, ()| body(tx, env, reason))
    }

    /// Every refusal is logged (DESIGN §1), in a transaction of its own after the refused
    /// one rolled back: the rule's name and ids, never names or titles.
    fn logged<T>(&mut self, s: &Session, op: Operation, result: Result<T>) -> Result<T> {
        let operation = op.name();
        // The diagnostic log: ids and rule names only (issue 6: no personal data in logs).
        match &result {
            Ok(_) => tracing::info!(session = s.id, account = %s.user.account, operation, "done"),
            Err(Error::Refused(r)) => tracing::info!(
                session = s.id,
                account = %s.user.account,
                operation,
                rule = %r.detail()["rule"],
                "refused"
            ),
            // The machine's faults (exit 3) with their cause, for IT; the user's mistakes
            // by kind only, since their messages may quote what was typed.
            Err(e) if e.exit_code() == 3 => tracing::error!(
                session = s.id,
                account = %s.user.account,
                operation,
                kind = e.kind_name(),
                "failed: {e}"
            ),
            Err(e) => tracing::info!(
                session = s.id,
                account = %s.user.account,
                operation,
                kind = e.kind_name(),
                "not done"
            ),
        }
        if let Err(Error::Refused(refusal)) = &result {
            let now = self.now();
            let mut detail = refusal.detail();
            detail["operation"] = json!(operation);
            let case = detail
                .get("case")
                .and_then(|c| c.as_str())
                .map(str::to_owned);
            let logged = self.store.write(|tx| {
                let event = Event::Refused(match detail {
                    serde_json::Value::Object(map) => map,
                    _ => serde_json::Map::new(),
                });
                audit::append(tx, &ctx(s, None, case.as_deref()), &event, &now)?;
                Ok(())
            });
            if let Err(e) = logged {
                // The caseworker must still hear why they were refused.
                tracing::warn!("could not log a refusal: {e}");
            }
        }
        result
    }

    /// The rule for every reason (void, reprint, lock break): present, one line, in words.
    pub fn check_reason(&self, reason: &str) -> Result<()> {
        let lang = self.lang;
        if reason.is_empty() {
            return Err(Error::Invalid(
                crate::i18n::reason_required(lang).to_owned(),
            ));
        }
        if reason.chars().count() > MAX_REASON_CHARS || reason.chars().any(char::is_control) {
            return Err(Error::Invalid(crate::i18n::reason_too_long(
                MAX_REASON_CHARS,
                lang,
            )));
        }
        // A scanner's burst that landed in a reason prompt must not become the reason.
        if crate::code::contains_sheet_code(reason) {
            return Err(Error::Invalid(
                crate::i18n::reason_is_a_code(lang).to_owned(),
            ));
        }
        Ok(())
    }
}

fn ctx<'a>(
    s: &'a Session,
    mailing: Option<MailingId>,
    case_no: Option<&'a str>,
) -> EventContext<'a> {
    EventContext {
        session: Some(s.id),
        account: Some(&s.user.account),
        mailing,
        case_no,
    }
}

fn open_mailing(c: &Tx<'_>, s: &Session) -> Result<MailingRow> {
    mailings::open_for(c, &s.user.account)?.ok_or(Error::NoOpenMailing)
}

/// The mailing a scan or seal acts on, with the team's dual-control policy applied at both
/// desks; the policy is read in the same transaction as the act it allows.
fn desk_mailing(c: &Tx<'_>, s: &Session, desk: Desk) -> Result<(MailingRow, Policy)> {
    let (m, policy) = match desk {
        Desk::Own => {
            let m = open_mailing(c, s)?;
            let policy = policies::of_case(c, m.case_id)?;
            (m, policy)
        }
        Desk::Station(id) => {
            let (m, team) = station_mailing(c, s, id)?;
            (m, policies::of_team(c, &team)?)
        }
    };
    if policy.dual_control && m.printed_by.as_deref() == Some(s.user.account.as_str()) {
        return Err(Refusal::FourEyes { case: m.case_no }.into());
    }
    Ok((m, policy))
}

/// A mailing someone may verify at a station, with its case's team: printed and of their
/// team (the four-eyes rule is `desk_mailing`'s). Checked again in every transaction, since the owner may
/// reprint or void it meanwhile.
fn station_mailing(c: &Tx<'_>, s: &Session, id: MailingId) -> Result<(MailingRow, String)> {
    let m = mailings::by_id(c, id)?.ok_or(Error::NoOpenMailing)?;
    let case = cases::by_id(c, m.case_id)?;
    same_team(s, &case)?;
    if !matches!(m.state, MailingState::Printed | MailingState::Verified) {
        return Err(Refusal::NotAwaitingSeal {
            case: m.case_no,
            state: m.state,
        }
        .into());
    }
    Ok((m, case.team))
}

/// The rule that a caseworker acts only on their own team's cases.
fn same_team(s: &Session, case: &cases::CaseRow) -> Result<()> {
    if case.team == s.user.team {
        return Ok(());
    }
    Err(other_team(s, &case.number, &case.team))
}

pub(super) fn other_team(s: &Session, case: &str, team: &str) -> Error {
    Refusal::OtherTeam {
        case: case.to_owned(),
        team: team.to_owned(),
        yours: s.user.team.clone(),
    }
    .into()
}

/// A case by number, only within the user's team.
fn team_case(c: &Tx<'_>, s: &Session, number: &str, lang: Lang) -> Result<cases::CaseRow> {
    let bare = crate::case_number::is_bare(number);
    let number = normalise_case_number(number);
    let Some(case) = cases::by_number(c, &number)? else {
        // On a server row security hides another team's case: it is refused as such there
        // too, not reported missing.
        return Err(match cases::team_of(c, &number)? {
            Some(team) => other_team(s, &number, &team),
            None => Error::NotFound(crate::i18n::case_not_found(&number, bare, lang)),
        });
    };
    same_team(s, &case)?;
    Ok(case)
}

#[cfg(test)]
impl Workflow {
    /// The store under the workflow, for unit tests that inspect what an operation wrote.
    pub(crate) fn store_for_tests(&mut self) -> &mut Store {
        &mut self.store
    }
}
