//! Retention through the workflow: a team lead's purge, its transaction (or, for a dry run,
//! a rehearsal rolled back), then the print job files once the purge is committed.

use super::{Operation, Session, Workflow, ctx};
use crate::error::Result;
use crate::retention::{self, PurgeReport};
use crate::store;

impl Workflow {
    /// Purges the lead's team's closed mailings older than `before` (`YYYY-MM-DD`).
    pub fn purge(&mut self, s: &Session, before: &str, dry_run: bool) -> Result<PurgeReport> {
        let team = s.user.team.clone();
        let (removed, files) = self.run_staged(
            s,
            Operation::Purge { dry_run },
            |env| retention::cutoff(before, env.now, env.lang),
            |tx, env, cutoff| {
                let who = ctx(s, None, None);
                retention::purge(tx, &who, &team, before, cutoff, &env.stamp, dry_run)
            },
        )?;
        let mut report = PurgeReport {
            before: before.to_owned(),
            dry_run,
            removed,
            files_deleted: 0,
            files_missing: 0,
            files_failed: Vec::new(),
        };
        if dry_run {
            report.files_deleted = files;
            return Ok(report);
        }
        // Pages secure_delete zeroed replace the old ones in the file too.
        if let Err(e) = self.store.checkpoint() {
            tracing::warn!("purge: the checkpoint after purging did not complete: {e}");
        }
        // The files after the commit; each one recorded as gone once it is.
        let files = self
            .store
            .read(|tx| store::retention::leftover_files(tx, &team))?;
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
            self.store
                .write(|tx| store::retention::file_removed(tx, mailing, generation))?;
        }
        Ok(report)
    }
}
