//! The queries of retention (`kuvert purge`): which closed mailings are old enough, and the
//! removal of their print jobs, document bytes and recipients' personal fields.

use super::Tx;
use crate::error::Result;
use crate::model::MailingId;

/// The team's sealed and voided mailings closed before `before` and not purged yet.
pub fn due(c: &Tx<'_>, team: &str, before: &str) -> Result<Vec<MailingId>> {
    c.rows(
        "SELECT m.id FROM mailings m JOIN cases c ON c.id = m.case_id
         WHERE c.team = ?1 AND m.state IN ('sealed', 'voided') AND m.closed < ?2
           AND m.purged IS NULL
         ORDER BY m.id",
        &[&team, &before],
        |r| r.get(0),
    )
}

/// Print job files of the team's purged mailings still to be deleted from the outbox (the
/// files go after the database change commits, so a crash in between is finished next time).
pub fn leftover_files(c: &Tx<'_>, team: &str) -> Result<Vec<(MailingId, u32, String)>> {
    c.rows(
        "SELECT p.mailing_id, p.generation, p.pdf_path
         FROM print_jobs p JOIN mailings m ON m.id = p.mailing_id JOIN cases c ON c.id = m.case_id
         WHERE c.team = ?1 AND m.purged IS NOT NULL AND p.pdf_path <> ''
         ORDER BY p.mailing_id, p.generation",
        &[&team],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
    )
}

/// Records that a print job's file is gone from the outbox.
pub fn file_removed(c: &Tx<'_>, mailing: MailingId, generation: u32) -> Result<()> {
    c.run(
        "UPDATE print_jobs SET pdf_path = '' WHERE mailing_id = ?1 AND generation = ?2",
        &[&mailing, &generation],
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
/// content is overwritten where the backend can (`Tx::zero_deleted_content`), so purged
/// personal data does not linger in the file's free pages.
pub fn purge(c: &Tx<'_>, ids: &[MailingId], before: &str, now: &str) -> Result<Removed> {
    let mut removed = Removed::default();
    c.zero_deleted_content()?;
    // A mailing that still needs its data: open, or closed on or after the date.
    const KEEPS: &str = "(k.state IN ('draft', 'printed', 'verified') OR k.closed >= ?1)";
    let documents = format!(
        "UPDATE documents SET sha256 = NULL
         WHERE sha256 IS NOT NULL
           AND id IN (SELECT document_id FROM mailing_documents WHERE mailing_id = ?2)
           AND NOT EXISTS (SELECT 1 FROM mailing_documents d JOIN mailings k
                             ON k.id = d.mailing_id
                           WHERE d.document_id = documents.id AND {KEEPS})"
    );
    let parties = format!(
        "UPDATE parties SET name = '(gallrad)', id_number = '000000000000', care_of = NULL,
                street = CASE WHEN protected = 1 THEN NULL ELSE '' END,
                postal_code = CASE WHEN protected = 1 THEN NULL ELSE '' END,
                city = CASE WHEN protected = 1 THEN NULL ELSE '' END,
                country = NULL
         WHERE name <> '(gallrad)'
           AND id = (SELECT recipient_id FROM mailings WHERE id = ?2)
           AND NOT EXISTS (SELECT 1 FROM mailings k
                           WHERE k.recipient_id = parties.id AND {KEEPS})"
    );
    for id in ids {
        removed.documents += c.run(&documents, &[&before, id])? as usize;
        removed.parties += c.run(&parties, &[&before, id])? as usize;
        removed.mailings += c.run(
            "UPDATE mailings SET purged = ?1 WHERE id = ?2 AND purged IS NULL",
            &[&now, id],
        )? as usize;
    }
    let (blobs, bytes): (i64, i64) = if c.on_server() {
        // Bytes no document names belong to no team, so row security shows them to no lead:
        // the server removes them with its owner's rights (roles.sql).
        c.one("SELECT blobs, bytes FROM kuvert_purge_blobs()", &[], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })?
    } else {
        let counted = c.one(
            "SELECT count(*), coalesce(sum(length(bytes)), 0) FROM blobs
             WHERE sha256 NOT IN (SELECT sha256 FROM documents WHERE sha256 IS NOT NULL)",
            &[],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        c.run(
            "DELETE FROM blobs
             WHERE sha256 NOT IN (SELECT sha256 FROM documents WHERE sha256 IS NOT NULL)",
            &[],
        )?;
        counted
    };
    removed.blobs = usize::try_from(blobs).unwrap_or_default();
    removed.bytes = bytes;
    Ok(removed)
}
