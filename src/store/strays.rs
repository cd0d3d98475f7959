//! Sheets of a caseworker's sealed mailings that turned up in another envelope.
//!
//! The source of truth is the `sheet_found_elsewhere` event, appended on the sheet's own
//! mailing in the transaction of the scan that found it.

use super::Tx;
use crate::error::Result;
use crate::model::MailingId;

/// The SQL of `found_elsewhere` (its plan is checked in a test).
pub(crate) const STRAYS_SQL: &str = "SELECT e.mailing_id, c.number, e.detail, e.time
     FROM mailings m
     JOIN events e ON e.mailing_id = m.id
     JOIN cases c ON c.id = m.case_id
     WHERE m.account = ?1 AND e.kind = 'sheet_found_elsewhere' AND e.time >= ?2
     ORDER BY e.seq";

/// A `sheet_found_elsewhere` event as stored, with its mailing's case number.
pub struct FoundElsewhereRow {
    pub mailing: MailingId,
    pub case: String,
    /// The event's detail text (the workflow reads it as an `audit::Event`).
    pub detail: String,
    pub time: String,
}

/// The flagged events of `account`'s mailings at or after `since`, oldest first.
pub fn found_elsewhere(c: &Tx<'_>, account: &str, since: &str) -> Result<Vec<FoundElsewhereRow>> {
    c.rows(STRAYS_SQL, &[&account, &since], |r| {
        Ok(FoundElsewhereRow {
            mailing: r.get(0)?,
            case: r.get(1)?,
            detail: r.get(2)?,
            time: r.get(3)?,
        })
    })
}
