//! Retention (`kuvert purge --before DATE`, team leads): the documents' bytes, the
//! recipients' personal fields and the print job files of the team's sealed and voided
//! mailings closed before DATE are removed. What stays is the pseudonymous skeleton (ids,
//! case numbers, states, times, counts) and the event log, whose chain stays valid because
//! events never held personal data. Open mailings are never touched.

use serde::Serialize;
use serde_json::json;

use crate::audit::{self, EventContext};
use crate::error::{Error, Refusal, Result};
use crate::model::Role;
use crate::store::Tx;
use crate::store::retention::{self, Removed};
use crate::workflow::{Session, Workflow};

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

/// Purges the lead's team's closed mailings older than `before` (`YYYY-MM-DD`).
pub fn purge(wf: &mut Workflow, s: &Session, before: &str, dry_run: bool) -> Result<PurgeReport> {
    let r = purge_checked(wf, s, before, dry_run);
    wf.logged(s, "purge", r)
}

fn purge_checked(
    wf: &mut Workflow,
    s: &Session,
    before: &str,
    dry_run: bool,
) -> Result<PurgeReport> {
    if s.user.role != Role::Lead {
        return Err(Refusal::LeadOnly {
            what: "kuvert purge".into(),
        }
        .into());
    }
    let start = crate::time_fmt::parse_day(before).ok_or_else(|| {
        Error::Invalid(format!(
            "--before {}",
            crate::i18n::not_a_date(before, wf.lang())
        ))
    })?;
    let now = wf.clock_now();
    if start > now {
        return Err(Error::Invalid(format!(
            "--before {before} is in the future: purge removes only what is already older"
        )));
    }
    let cutoff = crate::time_fmt::timestamp(start);
    let stamp = crate::time_fmt::timestamp(now);
    let team = s.user.team.clone();
    let mut report = PurgeReport {
        before: before.to_owned(),
        dry_run,
        removed: Removed::default(),
        files_deleted: 0,
        files_missing: 0,
        files_failed: Vec::new(),
    };
    let work = |tx: &Tx<'_>| -> Result<(Removed, usize)> {
        let due = retention::due(tx, &team, &cutoff)?;
        let removed = retention::purge(tx, &due, &cutoff, &stamp)?;
        if !dry_run && removed.mailings > 0 {
            audit::append(
                tx,
                &EventContext {
                    session: Some(s.id),
                    account: Some(&s.user.account),
                    ..Default::default()
                },
                "purged",
                json!({ "before": before, "mailings": removed.mailings,
                        "documents": removed.documents, "blobs": removed.blobs,
                        "bytes": removed.bytes, "parties": removed.parties }),
                &stamp,
            )?;
        }
        let files = retention::leftover_files(tx, &team)?.len();
        Ok((removed, files))
    };
    if dry_run {
        // Done in a transaction that is rolled back: the figures, and nothing removed.
        let (removed, files) = wf.store_mut().rehearse(work)?;
        report.removed = removed;
        report.files_deleted = files;
        return Ok(report);
    }
    wf.store_mut().secure_delete()?;
    report.removed = wf.store_mut().write(work)?.0;
    if let Err(e) = wf.store_mut().checkpoint() {
        tracing::warn!("purge: the checkpoint after purging did not complete: {e}");
    }
    // The files after the commit; each one recorded as gone once it is.
    let files = wf
        .store_mut()
        .read(|tx| retention::leftover_files(tx, &team))?;
    for (mailing, generation, path) in files {
        match std::fs::remove_file(&path) {
            Ok(()) => report.files_deleted += 1,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => report.files_missing += 1,
            Err(e) => {
                tracing::error!(
                    mailing,
                    generation,
                    "purge could not delete a print job: {e}"
                );
                report.files_failed.push(path);
                continue;
            }
        }
        wf.store_mut()
            .write(|tx| retention::file_removed(tx, mailing, generation))?;
    }
    Ok(report)
}
