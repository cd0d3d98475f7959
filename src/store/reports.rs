//! Queries behind the team leads' logs.

use std::collections::HashMap;

use super::Tx;
use crate::error::Result;
use crate::model::{MailingId, SessionId};

/// A session as listed in a log.
#[derive(Debug, Clone)]
pub struct SessionRow {
    pub id: SessionId,
    pub account: String,
    pub name: String,
    pub terminal: String,
    pub kind: String,
    pub started: String,
    pub ended: Option<String>,
}

/// Which sessions a log covers.
#[derive(Debug, Clone, Default)]
pub struct SessionFilter {
    pub team: String,
    pub session: Option<SessionId>,
    pub account: Option<String>,
    /// Stored timestamps, inclusive lower and exclusive upper bound on the session start.
    pub since: Option<String>,
    pub until: Option<String>,
}

/// The sessions a log covers: `sessions s JOIN users u` under this condition, shared by the
/// log's queries. A session in which nothing was mailed (no event of any mailing: only reads,
/// such as `kuvert log` or `case show`) is left out: the lead's list is of who mailed what.
/// Each optional filter is cast where it is tested for NULL: PostgreSQL cannot tell a
/// parameter's type from `IS NULL` alone.
macro_rules! log_sessions {
    () => {
        "u.team = ?1
       AND (CAST(?2 AS BIGINT) IS NULL OR s.id = ?2)
       AND (CAST(?3 AS TEXT) IS NULL OR s.account = ?3)
       AND (CAST(?4 AS TEXT) IS NULL OR s.started >= ?4)
       AND (CAST(?5 AS TEXT) IS NULL OR s.started < ?5)
       AND EXISTS (SELECT 1 FROM events e
                   WHERE e.session_id = s.id AND e.mailing_id IS NOT NULL)"
    };
}

/// The SQL of `sessions` (its plan is checked in a test).
pub(crate) const SESSIONS_SQL: &str = concat!(
    "SELECT s.id, s.account, u.name, s.terminal, s.kind, s.started, s.ended
     FROM sessions s JOIN users u ON u.account = s.account WHERE ",
    log_sessions!(),
    " ORDER BY s.started, s.id"
);

/// The events of every mailing of the log's sessions, in one query (one a session would cost
/// a round trip each on a server). The flag a scan puts on another (sealed) mailing is no
/// event of the scanning session's own mailings, so it is left out here (the incidents list
/// reads the deviation instead).
pub(crate) const LOG_EVENTS_SQL: &str = concat!(
    "SELECT e.session_id, e.seq, e.time, e.mailing_id, e.kind, e.detail
     FROM sessions s JOIN users u ON u.account = s.account
     JOIN events e ON e.session_id = s.id
     WHERE e.mailing_id IS NOT NULL AND e.kind <> 'sheet_found_elsewhere' AND ",
    log_sessions!(),
    " ORDER BY e.session_id, e.seq"
);

/// The current facts of every mailing the log's sessions worked on, in one query.
pub(crate) const LOG_MAILINGS_SQL: &str = concat!(
    "SELECT m.id, c.number, m.state,
            coalesce((SELECT p.sheets FROM print_jobs p
                      WHERE p.mailing_id = m.id AND p.generation = m.generation), 0),
            r.role
     FROM mailings m JOIN cases c ON c.id = m.case_id JOIN parties r ON r.id = m.recipient_id
     WHERE m.id IN (SELECT e.mailing_id
                    FROM sessions s JOIN users u ON u.account = s.account
                    JOIN events e ON e.session_id = s.id
                    WHERE e.mailing_id IS NOT NULL AND ",
    log_sessions!(),
    ")"
);

/// Sessions of a team's users, oldest first.
pub fn sessions(c: &Tx<'_>, f: &SessionFilter) -> Result<Vec<SessionRow>> {
    c.rows(
        SESSIONS_SQL,
        &[&f.team, &f.session, &f.account, &f.since, &f.until],
        |r| {
            Ok(SessionRow {
                id: r.get(0)?,
                account: r.get(1)?,
                name: r.get(2)?,
                terminal: r.get(3)?,
                kind: r.get(4)?,
                started: r.get(5)?,
                ended: r.get(6)?,
            })
        },
    )
}

/// One event of a session, for the log.
#[derive(Debug, Clone)]
pub struct LogEvent {
    pub session: SessionId,
    pub seq: i64,
    pub time: String,
    pub mailing: Option<MailingId>,
    pub kind: String,
    pub detail: String,
}

/// The mailing events of every session of the log, by session, oldest first.
pub fn log_events(c: &Tx<'_>, f: &SessionFilter) -> Result<HashMap<SessionId, Vec<LogEvent>>> {
    let mut out: HashMap<SessionId, Vec<LogEvent>> = HashMap::new();
    c.each(
        LOG_EVENTS_SQL,
        &[&f.team, &f.session, &f.account, &f.since, &f.until],
        |r| {
            let e = LogEvent {
                session: r.get(0)?,
                seq: r.get(1)?,
                time: r.get(2)?,
                mailing: r.get(3)?,
                kind: r.get(4)?,
                detail: r.get(5)?,
            };
            out.entry(e.session).or_default().push(e);
            Ok(true)
        },
    )?;
    Ok(out)
}

/// A mailing's current facts for the log: case number, state, sheets of the current print,
/// recipient role.
pub type MailingFacts = (String, String, u32, String);

/// The current facts of every mailing of the log's sessions.
pub fn log_mailings(c: &Tx<'_>, f: &SessionFilter) -> Result<HashMap<MailingId, MailingFacts>> {
    let mut out = HashMap::new();
    c.each(
        LOG_MAILINGS_SQL,
        &[&f.team, &f.session, &f.account, &f.since, &f.until],
        |r| {
            out.insert(r.get(0)?, (r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?));
            Ok(true)
        },
    )?;
    Ok(out)
}

/// Current facts of a mailing for the log: case number, state, sheets of the current print,
/// recipient role.
pub fn mailing_facts(c: &Tx<'_>, id: MailingId) -> Result<(String, String, u32, String)> {
    c.one(
        "SELECT c.number, m.state,
                coalesce((SELECT p.sheets FROM print_jobs p
                          WHERE p.mailing_id = m.id AND p.generation = m.generation), 0),
                r.role
         FROM mailings m JOIN cases c ON c.id = m.case_id JOIN parties r ON r.id = m.recipient_id
         WHERE m.id = ?1",
        &[&id],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
    )
}

/// A lock held on a case of a team, for the lead's list of open locks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LockRow {
    pub case: String,
    pub account: String,
    pub name: String,
    pub mailing: MailingId,
    pub state: String,
    pub since: String,
}

/// Every lock on a team's cases, oldest first.
pub fn team_locks(c: &Tx<'_>, team: &str) -> Result<Vec<LockRow>> {
    c.rows(
        "SELECT c.number, l.account, u.name, l.mailing_id, m.state, l.since
         FROM case_locks l
         JOIN cases c ON c.id = l.case_id
         JOIN users u ON u.account = l.account
         JOIN mailings m ON m.id = l.mailing_id
         WHERE c.team = ?1
         ORDER BY l.since, c.number",
        &[&team],
        |r| {
            Ok(LockRow {
                case: r.get(0)?,
                account: r.get(1)?,
                name: r.get(2)?,
                mailing: r.get(3)?,
                state: r.get(4)?,
                since: r.get(5)?,
            })
        },
    )
}

/// A mailing's current state, print generation and close time (None if it does not exist).
pub fn mailing_state(c: &Tx<'_>, id: MailingId) -> Result<Option<(String, u32, Option<String>)>> {
    c.row(
        "SELECT state, generation, closed FROM mailings WHERE id = ?1",
        &[&id],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
    )
}

/// Whether a sheet of a mailing's print was scanned OK after a moment (so its envelope was
/// checked again after a stray sheet of it turned up elsewhere).
pub fn sheet_scanned_ok_after(
    c: &Tx<'_>,
    id: MailingId,
    generation: u32,
    sheet: u32,
    after: &str,
) -> Result<bool> {
    c.one(
        "SELECT count(*) FROM scans
         WHERE mailing_id = ?1 AND generation = ?2 AND sheet = ?3 AND verdict = 'ok'
           AND time > ?4",
        &[&id, &generation, &sheet, &after],
        |r| Ok(r.get::<i64>(0)? > 0),
    )
}

/// Whose mailing a sheet came from: the caseworker who started it, and its case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MailingOwner {
    pub mailing: MailingId,
    pub account: String,
    pub name: String,
    pub case: String,
}

/// The owner of a mailing, if it exists.
pub fn mailing_owner(c: &Tx<'_>, id: MailingId) -> Result<Option<MailingOwner>> {
    c.row(
        "SELECT m.id, m.account, u.name, c.number
         FROM mailings m JOIN users u ON u.account = m.account JOIN cases c ON c.id = m.case_id
         WHERE m.id = ?1",
        &[&id],
        |r| {
            Ok(MailingOwner {
                mailing: r.get(0)?,
                account: r.get(1)?,
                name: r.get(2)?,
                case: r.get(3)?,
            })
        },
    )
}

/// The mailing a sheet code's token belongs to (for a deviation recorded without it).
pub fn mailing_of_token(c: &Tx<'_>, token: &str) -> Result<Option<MailingId>> {
    c.row("SELECT id FROM mailings WHERE token = ?1", &[&token], |r| {
        r.get(0)
    })
}
