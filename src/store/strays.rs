//! Sheets of a caseworker's sealed mailings that turned up in another envelope.
//!
//! The source of truth is the `sheet_found_elsewhere` event, appended on the sheet's own
//! mailing in the transaction of the scan that found it.

use super::Tx;
use crate::error::Result;
use crate::model::StraySheet;

/// The event kind that flags a mailing whose sheet was found in another envelope.
pub const FOUND_ELSEWHERE: &str = "sheet_found_elsewhere";

/// The SQL of `found_elsewhere` (its plan is checked in a test).
pub(crate) const STRAYS_SQL: &str = "SELECT e.mailing_id, c.number, e.detail, e.time
     FROM mailings m
     JOIN events e ON e.mailing_id = m.id
     JOIN cases c ON c.id = m.case_id
     WHERE m.account = ?1 AND e.kind = 'sheet_found_elsewhere' AND e.time >= ?2
     ORDER BY e.seq";

/// The flagged sheets of `account`'s mailings found at or after `since`, oldest first.
pub fn found_elsewhere(c: &Tx<'_>, account: &str, since: &str) -> Result<Vec<StraySheet>> {
    let mut stmt = c.prepare_cached(STRAYS_SQL)?;
    let rows = stmt.query_map((account, since), |r| {
        Ok((
            r.get::<_, i64>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, String>(3)?,
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (mailing, case, detail, time) = row?;
        let d: serde_json::Value = serde_json::from_str(&detail).unwrap_or_default();
        let num = |k: &str| {
            d.get(k)
                .and_then(serde_json::Value::as_u64)
                .and_then(|n| u32::try_from(n).ok())
                .unwrap_or_default()
        };
        out.push(StraySheet {
            mailing,
            case,
            sheet: num("sheet"),
            generation: num("generation"),
            found_in_mailing: d
                .get("found_in_mailing")
                .and_then(serde_json::Value::as_i64)
                .unwrap_or_default(),
            found_in_case: d
                .get("found_in_case")
                .and_then(serde_json::Value::as_str)
                .unwrap_or_default()
                .to_owned(),
            time,
        });
    }
    Ok(out)
}
