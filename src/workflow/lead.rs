//! What only a team lead does at the desk: break a lock; the audit of the event log; and
//! IT's move of an office's file onto a server.

use std::path::Path;

use super::{Operation, Session, Workflow, ctx, team_case};
use crate::audit::{self, Event};
use crate::error::{Error, Problem, Refusal, Result};
use crate::model::*;
use crate::store::pg::migrate::Migrated;
use crate::store::{cases, mailings};

/// At most this many connections walk the chain side by side (a server has its limits).
const MAX_CHAIN_READERS: usize = 8;

impl Workflow {
    /// A lead breaks the lock on a case of their team; the holding mailing is voided.
    pub fn break_lock(&mut self, s: &Session, number: &str, reason: &str) -> Result<MailingStatus> {
        let id = self.run_with_reason(s, Operation::LockBreak, reason, |tx, env, reason| {
            let now = &env.stamp;
            let case = team_case(tx, s, number, env.lang)?;
            let lock = cases::lock(tx, case.id)?.ok_or_else(|| Refusal::NotLocked {
                case: case.number.clone(),
            })?;
            let m = mailings::by_id(tx, lock.mailing)?.ok_or(Error::NoOpenMailing)?;
            let why = format!("lock broken by {}: {reason}", s.user.account);
            let c = ctx(s, Some(m.id), Some(&m.case_no));
            audit::append(
                tx,
                &c,
                &Event::LockBroken {
                    reason: reason.into(),
                    holder: lock.account.clone(),
                    from_state: m.state.as_str().into(),
                },
                now,
            )?;
            // Part of the lock break, which is the override: not counted a second time.
            let voided = Event::Voided {
                reason: why.clone(),
                from_state: None,
                lock_broken: Some(true),
            };
            super::seal::void_mailing(tx, &c, m.id, &why, &voided, now)?;
            Ok(m.id)
        })?;
        self.status_of(id)
    }

    /// Checks the event log against a head file kept elsewhere (a copy shipped off the
    /// machine): it must still hold the event the copy names, with the same hash.
    pub fn audit_verify_against(&mut self, head_file: &Path) -> Result<audit::AuditReport> {
        let head =
            crate::store::head::read_file(head_file)?.ok_or_else(|| Problem::NoHeadFile {
                path: head_file.to_owned(),
            })?;
        let mut helpers = self.chain_readers();
        self.store
            .read(|tx| audit::verify_with_head(tx, Some(&head), &mut helpers))
    }

    /// A connection more for each core but this one, so the chain is checked on every core;
    /// fewer when the database takes no more (the walk then has fewer stretches, no error).
    fn chain_readers(&self) -> Vec<crate::store::Store> {
        let cores = std::thread::available_parallelism().map_or(1, usize::from);
        let mut readers = Vec::new();
        for _ in 1..cores.min(MAX_CHAIN_READERS) {
            match self.store.reader() {
                Ok(reader) => readers.push(reader),
                Err(e) => {
                    tracing::warn!("audit verify on {} connections: {e}", readers.len() + 1);
                    break;
                }
            }
        }
        readers
    }

    /// The newest event in the database itself (not the head file): what a copy kept
    /// elsewhere should say. None while the log is empty.
    pub fn audit_head(&mut self) -> Result<Option<crate::store::head::Head>> {
        let newest = self.store.read(crate::store::events::head)?;
        Ok(newest.map(|(seq, hash)| crate::store::head::Head { seq, hash }))
    }

    /// Checks the event log's hash chain, and against the recorded head: the file beside a
    /// database file, the head row on a server.
    pub fn audit_verify(&mut self) -> Result<audit::AuditReport> {
        // The head file first: every event it names was committed before the snapshot below.
        let file = match self.store.on_server() {
            true => None,
            false => crate::store::head::read(self.store.path())?,
        };
        let mut helpers = self.chain_readers();
        self.store.read(|tx| {
            let row = crate::store::events::head_row(tx)?;
            let head = file.or(row.map(|(seq, hash)| crate::store::head::Head { seq, hash }));
            audit::verify_with_head(tx, head.as_ref(), &mut helpers)
        })
    }
}

impl Workflow {
    /// Copies this SQLite database into the empty PostgreSQL database at `url` (IT, as its
    /// owner): only a chain that verifies is carried over, so the server starts from a log
    /// that is whole. `name` is the address without its password.
    pub fn migrate_to(&mut self, url: &str, name: String) -> Result<Migrated> {
        let report = self.audit_verify()?;
        if !report.ok {
            return Err(Refusal::ChainBroken {
                seq: report.broken_at.unwrap_or(0),
            }
            .into());
        }
        crate::store::pg::migrate::to_server(&mut self.store, url, name)
    }
}
