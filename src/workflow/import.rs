//! Import through the workflow: a team lead's manifest, checked before the transaction and
//! written in one, refused and logged like every other operation.

use std::path::Path;

use super::{Operation, Session, Workflow, ctx};
use crate::error::Result;
use crate::import::{self, ImportSummary, Limits};

impl Workflow {
    /// Reads, validates and imports a manifest in one transaction (team leads). Identity
    /// numbers are judged against today by the workflow's clock.
    pub fn import(&mut self, s: &Session, file: &Path) -> Result<ImportSummary> {
        self.run_staged(
            s,
            Operation::Import,
            |env| {
                let limits = Limits::from_config(env.config);
                let today = crate::time_fmt::swedish(env.now).date();
                import::check(file, &limits, today, env.lang)
            },
            |tx, env, checked| import::write(tx, &ctx(s, None, None), &checked, &env.stamp),
        )
    }
}
