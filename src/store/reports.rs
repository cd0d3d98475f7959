//! Queries behind the team leads' logs.

use rusqlite::Connection;

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

/// Sessions of a team's users, oldest first.
pub fn sessions(c: &Connection, f: &SessionFilter) -> Result<Vec<SessionRow>> {
    let mut stmt = c.prepare_cached(
        "SELECT s.id, s.account, u.name, s.terminal, s.kind, s.started, s.ended
         FROM sessions s JOIN users u ON u.account = s.account
         WHERE u.team = ?1
           AND (?2 IS NULL OR s.id = ?2)
           AND (?3 IS NULL OR s.account = ?3)
           AND (?4 IS NULL OR s.started >= ?4)
           AND (?5 IS NULL OR s.started < ?5)
         ORDER BY s.started, s.id",
    )?;
    let rows = stmt.query_map(
        rusqlite::params![f.team, f.session, f.account, f.since, f.until],
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
    )?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// One event of a session, for the log.
#[derive(Debug, Clone)]
pub struct LogEvent {
    pub seq: i64,
    pub time: String,
    pub mailing: Option<MailingId>,
    pub kind: String,
    pub detail: String,
}

/// The events of a session that concern a mailing, in order.
pub fn mailing_events_of_session(c: &Connection, session: SessionId) -> Result<Vec<LogEvent>> {
    let mut stmt = c.prepare_cached(
        "SELECT seq, time, mailing_id, kind, detail FROM events
         WHERE session_id = ?1 AND mailing_id IS NOT NULL ORDER BY seq",
    )?;
    let rows = stmt.query_map([session], |r| {
        Ok(LogEvent {
            seq: r.get(0)?,
            time: r.get(1)?,
            mailing: r.get(2)?,
            kind: r.get(3)?,
            detail: r.get(4)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Current facts of a mailing for the log: case number, state, sheets of the current print,
/// recipient role.
pub fn mailing_facts(c: &Connection, id: MailingId) -> Result<(String, String, u32, String)> {
    Ok(c.prepare_cached(
        "SELECT c.number, m.state,
                coalesce((SELECT p.sheets FROM print_jobs p
                          WHERE p.mailing_id = m.id AND p.generation = m.generation), 0),
                r.role
         FROM mailings m JOIN cases c ON c.id = m.case_id JOIN parties r ON r.id = m.recipient_id
         WHERE m.id = ?1",
    )?
    .query_row([id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?)
}
