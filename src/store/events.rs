//! The event table: rows are only ever inserted (triggers refuse UPDATE and DELETE).

use super::{Row, Tx};
use crate::error::Result;
use crate::model::{MailingId, SessionId};

/// One stored event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventRow {
    pub seq: i64,
    pub time: String,
    pub session: Option<SessionId>,
    pub account: Option<String>,
    pub mailing: Option<MailingId>,
    pub case_no: Option<String>,
    pub kind: String,
    /// Canonical JSON (sorted keys, no personal data).
    pub detail: String,
    pub prev_hash: String,
    pub hash: String,
}

/// A stored event as its row holds it, uncopied: what the audit hashes, millions at a time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EventRef<'a> {
    pub seq: i64,
    pub time: &'a str,
    pub session: Option<SessionId>,
    pub account: Option<&'a str>,
    pub mailing: Option<MailingId>,
    pub case_no: Option<&'a str>,
    pub kind: &'a str,
    pub detail: &'a str,
    pub prev_hash: &'a str,
    pub hash: &'a str,
}

impl EventRow {
    /// The event as the audit reads it.
    pub fn as_ref(&self) -> EventRef<'_> {
        EventRef {
            seq: self.seq,
            time: &self.time,
            session: self.session,
            account: self.account.as_deref(),
            mailing: self.mailing,
            case_no: self.case_no.as_deref(),
            kind: &self.kind,
            detail: &self.detail,
            prev_hash: &self.prev_hash,
            hash: &self.hash,
        }
    }
}

const EVENT_COLUMNS: &str =
    "seq, time, session_id, account, mailing_id, case_no, kind, detail, prev_hash, hash";

fn event_row(r: &Row<'_>) -> Result<EventRow> {
    Ok(EventRow {
        seq: r.get(0)?,
        time: r.get(1)?,
        session: r.get(2)?,
        account: r.get(3)?,
        mailing: r.get(4)?,
        case_no: r.get(5)?,
        kind: r.get(6)?,
        detail: r.get(7)?,
        prev_hash: r.get(8)?,
        hash: r.get(9)?,
    })
}

/// The newest event's sequence number and hash: the head of the chain. A write on a server
/// has it already, from the head row it locked.
pub fn head(c: &Tx<'_>) -> Result<Option<(i64, String)>> {
    if let Some((seq, hash)) = c.locked_head() {
        return Ok((seq > 0).then_some((seq, hash)));
    }
    c.row(
        "SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1",
        &[],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )
}

/// The hash of one event, if it exists.
pub fn hash_at(c: &Tx<'_>, seq: i64) -> Result<Option<String>> {
    c.row("SELECT hash FROM events WHERE seq = ?1", &[&seq], |r| {
        r.get(0)
    })
}

/// Appends an event whose hash the caller computed. On a server the head row every write
/// locked first moves with the chain in the same statement (on SQLite the head file follows
/// after the commit).
pub fn insert(c: &Tx<'_>, e: &EventRow) -> Result<()> {
    let insert = format!(
        "INSERT INTO events({EVENT_COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)"
    );
    let sql = if c.on_server() {
        format!(
            "WITH e AS ({insert} RETURNING seq, hash)
             UPDATE audit_head SET seq = e.seq, hash = e.hash FROM e WHERE audit_head.id = 1"
        )
    } else {
        insert
    };
    c.run(
        &sql,
        &[
            &e.seq,
            &e.time,
            &e.session,
            &e.account,
            &e.mailing,
            &e.case_no,
            &e.kind,
            &e.detail,
            &e.prev_hash,
            &e.hash,
        ],
    )?;
    c.moved_head(e.seq, &e.hash);
    Ok(())
}

/// The head row a server keeps beside the chain, moved by every append in its transaction
/// (`None` on a file, whose head is a file beside it, and while the chain is empty).
pub fn head_row(c: &Tx<'_>) -> Result<Option<(i64, String)>> {
    if !c.on_server() {
        return Ok(None);
    }
    let (seq, hash): (i64, String) =
        c.one("SELECT seq, hash FROM audit_head WHERE id = 1", &[], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })?;
    Ok((seq > 0).then_some((seq, hash)))
}

/// Walks every event in order; `f` returns false to stop early.
pub fn for_each(c: &Tx<'_>, mut f: impl FnMut(EventRow) -> bool) -> Result<()> {
    c.each(
        &format!("SELECT {EVENT_COLUMNS} FROM events ORDER BY seq"),
        &[],
        |r| Ok(f(event_row(r)?)),
    )
}

/// Walks the events with `after < seq <= upto` in order, uncopied; `f` returns false to
/// stop early. Stretches of the chain are walked side by side, each on its own connection.
pub fn walk(
    c: &Tx<'_>,
    after: i64,
    upto: i64,
    mut f: impl FnMut(&EventRef<'_>) -> bool,
) -> Result<()> {
    c.each(
        &format!("SELECT {EVENT_COLUMNS} FROM events WHERE seq > ?1 AND seq <= ?2 ORDER BY seq"),
        &[&after, &upto],
        |r| {
            Ok(f(&EventRef {
                seq: r.get(0)?,
                time: r.str(1)?,
                session: r.get(2)?,
                account: r.text(3)?,
                mailing: r.get(4)?,
                case_no: r.text(5)?,
                kind: r.str(6)?,
                detail: r.str(7)?,
                prev_hash: r.str(8)?,
                hash: r.str(9)?,
            }))
        },
    )
}

/// The events of one mailing, oldest first.
pub fn of_mailing(c: &Tx<'_>, mailing: MailingId) -> Result<Vec<EventRow>> {
    c.rows(
        &format!("SELECT {EVENT_COLUMNS} FROM events WHERE mailing_id = ?1 ORDER BY seq"),
        &[&mailing],
        event_row,
    )
}
