//! The team lead's logs and report through the workflow: read in one snapshot, and refused
//! and logged like every other operation.

use super::{Operation, Session, Workflow};
use crate::error::Result;
use crate::report::{self, Incident, LeadReport, LogQuery, OpenLock, SessionEntry};

impl Workflow {
    /// The per-session log of the lead's own team.
    pub fn session_log(&mut self, s: &Session, q: &LogQuery) -> Result<Vec<SessionEntry>> {
        self.run_staged(
            s,
            Operation::Log,
            |env| report::filter(&s.user.team, q, env.lang),
            |tx, _, filter| report::session_log(tx, &filter),
        )
    }

    /// The foreign and stale sheets of a log, each assessed.
    pub fn incidents(&mut self, s: &Session, log: &[SessionEntry]) -> Result<Vec<Incident>> {
        self.run(s, Operation::Log, |tx, _| report::incidents(tx, log))
    }

    /// The locks on the lead's team's cases, oldest first.
    pub fn open_locks(&mut self, s: &Session) -> Result<Vec<OpenLock>> {
        self.run(s, Operation::Log, |tx, env| {
            report::open_locks(tx, &s.user.team, env.now)
        })
    }

    /// Everything the lead's report shows for a period, from one snapshot.
    pub fn lead_report(&mut self, s: &Session, q: &LogQuery) -> Result<LeadReport> {
        self.run_staged(
            s,
            Operation::Log,
            |env| report::filter(&s.user.team, q, env.lang),
            |tx, env, filter| report::lead_report(tx, &filter, q, &s.user.account, env.now),
        )
    }
}
