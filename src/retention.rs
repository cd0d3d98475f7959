//! Retention (`kuvert purge --before DATE`, team leads): the documents' bytes, the
//! recipients' personal fields and the print job files of the team's sealed and voided
//! mailings closed before DATE are removed. What stays is the pseudonymous skeleton (ids,
//! case numbers, states, times, counts) and the event log, whose chain stays valid because
//! events never held personal data. Open mailings are never touched.

use serde::Serialize;

use time::OffsetDateTime;

use crate::audit::{self, Event, EventContext};
use crate::error::{Error, Result};
use crate::i18n::{self, Lang};
use crate::store::Tx;
use crate::store::retention::{self, Removed};

/// What a purge removed (or, with `dry_run`, would remove).
#[derive(Debug, Clone, Serialize)]
pub struct PurgeReport {
    /// The day given; mailings closed before its start (Swedish time) were purged.
    pub before: String,
    pub dry_run: bool,
    #[serde(flatten)]
    pub removed: Removed,
    /// Print job files deleted from the outbox (this run, including ones a crashed run
    /// left); with `dry_run`, the files that would be.
    pub files_deleted: usize,
    /// Print job files already gone (moved or deleted by hand).
    pub files_missing: usize,
    /// Files that could not be deleted; they are tried again next time.
    pub files_failed: Vec<String>,
}

/// The instant a purge cuts at: the start of `before` (`YYYY-MM-DD`, Swedish time), which
/// must not lie in the future.
pub fn cutoff(before: &str, now: OffsetDateTime, lang: Lang) -> Result<OffsetDateTime> {
    let start = crate::time_fmt::parse_day(before)
        .ok_or_else(|| Error::Invalid(format!("--before {}", i18n::not_a_date(before, lang))))?;
    if start > now {
        return Err(Error::Invalid(i18n::purge_in_future(before, lang)));
    }
    Ok(start)
}

/// Purges, in the caller's transaction, the team's closed mailings from before `cutoff`,
/// with the `purged` event (none for a dry run, or when nothing was due). Returns what was
/// removed and how many print job files are left to delete.
pub fn purge(
    tx: &Tx<'_>,
    who: &EventContext<'_>,
    team: &str,
    before: &str,
    cutoff: OffsetDateTime,
    now: &str,
    dry_run: bool,
) -> Result<(Removed, usize)> {
    let cutoff = crate::time_fmt::timestamp(cutoff);
    let due = retention::due(tx, team, &cutoff)?;
    let removed = retention::purge(tx, &due, &cutoff, now)?;
    if !dry_run && removed.mailings > 0 {
        audit::append(
            tx,
            who,
            &Event::Purged {
                before: before.into(),
                mailings: removed.mailings as u64,
                documents: removed.documents as u64,
                blobs: removed.blobs as u64,
                bytes: removed.bytes,
                parties: removed.parties as u64,
            },
            now,
        )?;
    }
    let files = retention::leftover_files(tx, team)?.len();
    Ok((removed, files))
}
