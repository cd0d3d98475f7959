//! The event log: append-only (SQLite triggers) and hash-chained (SHA-256), so that an event
//! changed or removed behind kuvert's back is found by `kuvert audit verify`.
//!
//! Each event's hash covers the previous hash and the event's canonical bytes: a JSON array of
//! its fields in a fixed order, the detail as stored. Details carry ids, codes and case
//! numbers, never names, personnummer or addresses, so the chain survives retention purges.

use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::error::Result;
use crate::model::{MailingId, SessionId};
use crate::store::events::{self, EventRef, EventRow};
use crate::store::head::Head;
use crate::store::{Store, Tx};

mod event;
mod verify;

pub use event::{Event, Print};

/// The `prev_hash` of the first event.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// Who and what an event is about.
#[derive(Debug, Clone, Default)]
pub struct EventContext<'a> {
    pub session: Option<SessionId>,
    pub account: Option<&'a str>,
    pub mailing: Option<MailingId>,
    pub case_no: Option<&'a str>,
}

/// Appends one event in the caller's transaction and returns its sequence number.
pub fn append(c: &Tx<'_>, ctx: &EventContext<'_>, event: &Event, now: &str) -> Result<i64> {
    let (kind, detail) = event.to_stored();
    let (prev_seq, prev_hash) = events::head(c)?.unwrap_or((0, GENESIS.to_owned()));
    let mut row = EventRow {
        seq: prev_seq + 1,
        time: now.to_owned(),
        session: ctx.session,
        account: ctx.account.map(str::to_owned),
        mailing: ctx.mailing,
        case_no: ctx.case_no.map(str::to_owned),
        kind,
        detail,
        prev_hash,
        hash: String::new(),
    };
    row.hash = hash_of(&row);
    events::insert(c, &row)?;
    Ok(row.seq)
}

/// The hash an event must carry.
pub fn hash_of(e: &EventRow) -> String {
    let mut bytes = Vec::with_capacity(256);
    write_hashed(&e.as_ref(), &mut bytes);
    hex(&Sha256::digest(bytes))
}

/// Appends the bytes an event's hash covers: the previous event's hash, a newline, and the
/// event's canonical JSON (seq, time, session, account, mailing, case number, kind,
/// detail). Public so the benchmark can hash the same bytes with no database (issue 16).
pub fn write_hashed(e: &EventRef<'_>, bytes: &mut Vec<u8>) {
    #[derive(Serialize)]
    struct Canonical<'a>(
        i64,
        &'a str,
        Option<SessionId>,
        Option<&'a str>,
        Option<MailingId>,
        Option<&'a str>,
        &'a str,
        &'a str,
    );
    let canonical = Canonical(
        e.seq, e.time, e.session, e.account, e.mailing, e.case_no, e.kind, e.detail,
    );
    bytes.extend_from_slice(e.prev_hash.as_bytes());
    bytes.push(b'\n');
    // Serialising a tuple of plain values cannot fail; an empty JSON would only weaken
    // (never falsely pass) the chain, and the prev_hash link still binds the event.
    let _ = serde_json::to_writer(bytes, &canonical);
}

/// Lower-case hex of bytes.
pub fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(DIGITS[(b >> 4) as usize] as char);
        s.push(DIGITS[(b & 15) as usize] as char);
    }
    s
}

/// SHA-256 of bytes, in hex (document contents, print jobs).
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

/// What `kuvert audit verify` found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuditReport {
    /// True when every link holds.
    pub ok: bool,
    /// Events checked (up to and including the broken one).
    pub events: i64,
    /// The first event whose link or hash is wrong.
    pub broken_at: Option<i64>,
    /// What is wrong there.
    pub problem: Option<String>,
    /// The head file's event the log was checked against; None when there is no head file
    /// (then deleted newest events or a re-hashed log cannot be detected).
    pub head: Option<i64>,
}

/// Walks the chain, then holds it against the head recorded outside the database: the
/// newest events must still be there, with the hash they had when written.
/// `helpers` are more connections to the same database, each to walk a stretch of the
/// chain on a thread of its own (none: one walk here).
pub fn verify_with_head(
    c: &Tx<'_>,
    head: Option<&Head>,
    helpers: &mut [Store],
) -> Result<AuditReport> {
    let mut report = verify::verify_on(c, helpers)?;
    let Some(head) = head else {
        return Ok(report);
    };
    report.head = Some(head.seq);
    if !report.ok {
        return Ok(report);
    }
    let newest = events::head(c)?.map_or(0, |(seq, _)| seq);
    let problem = if newest < head.seq {
        Some((
            newest + 1,
            format!(
                "events {} to {} are missing: the recorded head names event {}",
                newest + 1,
                head.seq,
                head.seq
            ),
        ))
    } else if events::hash_at(c, head.seq)?.as_deref() != Some(head.hash.as_str()) {
        Some((
            head.seq,
            format!(
                "the log was rewritten: event {} no longer has the hash the recorded head gives",
                head.seq
            ),
        ))
    } else {
        None
    };
    if let Some((seq, text)) = problem {
        report.ok = false;
        report.broken_at = Some(seq);
        report.problem = Some(text);
    }
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::{DbKind, Store};

    fn store() -> (tempfile::TempDir, Store) {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = Store::create(
            &dir.path().join("a.db"),
            DbKind::Demo,
            "2026-01-01T00:00:00.000Z",
        )
        .expect("create");
        (dir, store)
    }

    #[test]
    fn chain_verifies_and_detects_an_edit() {
        let (_dir, mut store) = store();
        store
            .write(|tx| {
                for i in 0..5 {
                    append(
                        tx,
                        &EventContext::default(),
                        &Event::DocumentDetached { document: i },
                        "2026-01-01T00:00:00.000Z",
                    )?;
                }
                Ok(())
            })
            .expect("append");
        let report = store
            .read(|tx| verify_with_head(tx, None, &mut []))
            .expect("verify");
        assert!(report.ok);
        assert_eq!(report.events, 5);
        // Edit event 3 behind kuvert's back: drop the trigger first, as an attacker would.
        store
            .write(|tx| {
                tx.sql_for_tests().execute_batch(
                    "DROP TRIGGER events_no_update;
                     UPDATE events SET detail = '{\"document\":99}' WHERE seq = 3;",
                )?;
                Ok(())
            })
            .expect("tamper");
        let report = store
            .read(|tx| verify_with_head(tx, None, &mut []))
            .expect("verify");
        assert!(!report.ok);
        assert_eq!(report.broken_at, Some(3));
    }

    /// The chain's bytes never change: databases in use depend on them. The expected hashes
    /// were computed outside kuvert (Python's hashlib over prev_hash, a newline and the
    /// compact JSON array).
    #[test]
    fn an_events_hash_is_the_same_bytes_as_ever() {
        let event = |seq,
                     session,
                     account: Option<&str>,
                     mailing,
                     case_no: Option<&str>,
                     kind: &str,
                     detail: &str| EventRow {
            seq,
            time: "2026-12-04T09:30:00Z".into(),
            session,
            account: account.map(Into::into),
            mailing,
            case_no: case_no.map(Into::into),
            kind: kind.into(),
            detail: detail.into(),
            prev_hash: GENESIS.into(),
            hash: String::new(),
        };
        let scanned = event(
            7,
            Some(3),
            Some("handlaggare1"),
            Some(12),
            Some("FK 2026-104037"),
            "scanned",
            r#"{"sheet":1,"verdict":"ok"}"#,
        );
        assert_eq!(
            hash_of(&scanned),
            "fcb9df3cfcf8e394329512c2c718b2f8df9afbf6940813b55af69ae54efcd3ca"
        );
        let started = event(
            1,
            None,
            None,
            None,
            None,
            "session_started",
            r#"{"kind":"tui","terminal":"tty-å"}"#,
        );
        assert_eq!(
            hash_of(&started),
            "56c29b19c55f5886c6943c481e52573fa6be5adf8e52d5a9957fe3ebbbab9625"
        );
    }

    #[test]
    fn hex_is_lowercase() {
        assert_eq!(hex(&[0, 15, 255]), "000fff");
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
