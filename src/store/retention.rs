//! The queries of retention (`kuvert purge`): which closed mailings are old enough, and the
//! removal of their print jobs, document bytes and recipients' personal fields.

use super::Tx;
use crate::error::Result;
use crate::model::MailingId;

/// The team's sealed and voided mailings closed before `before` and not purged yet.
pub fn due(c: &Tx<'_>, team: &str, before: &str) -> Result<Vec<MailingId>> {
    let mut st = c.prepare_cached(
        "SELECT m.id FROM mailings m JOIN cases c ON c.id = m.case_id
         WHERE c.team = ?1 AND m.state IN ('sealed', 'voided') AND m.closed < ?2
           AND m.purged IS NULL
         ORDER BY m.id",
    )?;
    Ok(st
        .query_map((team, before), |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?)
}

/// Print job files of the team's purged mailings still to be deleted from the outbox (the
/// files go after the database change commits, so a crash in between is finished next time).
pub fn leftover_files(c: &Tx<'_>, team: &str) -> Result<Vec<(MailingId, u32, String)>> {
    let mut st = c.prepare_cached(
        "SELECT p.mailing_id, p.generation, p.pdf_path
         FROM print_jobs p JOIN mailings m ON m.id = p.mailing_id JOIN cases c ON c.id = m.case_id
         WHERE c.team = ?1 AND m.purged IS NOT NULL AND p.pdf_path <> ''
         ORDER BY p.mailing_id, p.generation",
    )?;
    Ok(st
        .query_map([team], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<rusqlite::Result<_>>()?)
}

/// Records that a print job's file is gone from the outbox.
pub fn file_removed(c: &Tx<'_>, mailing: MailingId, generation: u32) -> Result<()> {
    c.execute(
        "UPDATE print_jobs SET pdf_path = '' WHERE mailing_id = ?1 AND generation = ?2",
        (mailing, generation),
    )?;
    Ok(())
}

/// What one purge removed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct Removed {
    pub mailings: usize,
    pub documents: usize,
    pub blobs: usize,
    pub bytes: i64,
    pub parties: usize,
}

/// Purges the given mailings in the caller's transaction. A document's bytes go only when no
/// open or newer mailing has it attached; a recipient's name, number and address only when
/// no open or newer mailing is addressed to them. The event log is not touched. Deleted
/// content is overwritten with zeros (`secure_delete`), so purged personal data does not
/// linger in the file's free pages.
pub fn purge(c: &Tx<'_>, ids: &[MailingId], before: &str, now: &str) -> Result<Removed> {
    let mut removed = Removed::default();
    c.execute_batch("PRAGMA secure_delete = ON;")?;
    c.execute_batch(
        "CREATE TEMP TABLE IF NOT EXISTS purging (id INTEGER PRIMARY KEY);
         DELETE FROM purging;",
    )?;
    let mut insert = c.prepare_cached("INSERT INTO purging(id) VALUES (?1)")?;
    for id in ids {
        insert.execute([id])?;
    }
    // A mailing that still needs its data: open, or closed on or after the date.
    const KEEPS: &str = "(k.state IN ('draft', 'printed', 'verified') OR k.closed >= ?1)";
    removed.documents = c.execute(
        &format!(
            "UPDATE documents SET sha256 = NULL
             WHERE sha256 IS NOT NULL
               AND id IN (SELECT document_id FROM mailing_documents
                          WHERE mailing_id IN (SELECT id FROM purging))
               AND NOT EXISTS (SELECT 1 FROM mailing_documents d JOIN mailings k
                                 ON k.id = d.mailing_id
                               WHERE d.document_id = documents.id AND {KEEPS})"
        ),
        [before],
    )?;
    let (blobs, bytes): (i64, i64) = c.query_row(
        "SELECT count(*), coalesce(sum(length(bytes)), 0) FROM blobs
         WHERE sha256 NOT IN (SELECT sha256 FROM documents WHERE sha256 IS NOT NULL)",
        [],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    c.execute(
        "DELETE FROM blobs
         WHERE sha256 NOT IN (SELECT sha256 FROM documents WHERE sha256 IS NOT NULL)",
        [],
    )?;
    removed.blobs = usize::try_from(blobs).unwrap_or_default();
    removed.bytes = bytes;
    removed.parties = c.execute(
        &format!(
            "UPDATE parties SET name = '(gallrad)', id_number = '000000000000', care_of = NULL,
                    street = CASE WHEN protected = 1 THEN NULL ELSE '' END,
                    postal_code = CASE WHEN protected = 1 THEN NULL ELSE '' END,
                    city = CASE WHEN protected = 1 THEN NULL ELSE '' END,
                    country = NULL
             WHERE name <> '(gallrad)'
               AND id IN (SELECT recipient_id FROM mailings WHERE id IN (SELECT id FROM purging))
               AND NOT EXISTS (SELECT 1 FROM mailings k
                               WHERE k.recipient_id = parties.id AND {KEEPS})"
        ),
        [before],
    )?;
    removed.mailings = c.execute(
        "UPDATE mailings SET purged = ?1 WHERE id IN (SELECT id FROM purging)",
        [now],
    )?;
    c.execute("DELETE FROM purging", [])?;
    Ok(removed)
}
