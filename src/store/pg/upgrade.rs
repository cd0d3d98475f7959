//! A server database of an older kuvert schema brought up to this one, by its owner (IT)
//! with `kuvert init`, in one transaction. A file is brought up to date whenever it is
//! opened (its migrations, store/mod.rs); a desk's login may not change a server's schema,
//! so a desk meets an older server with `ServerSchema`, which tells IT what to run.

use postgres::error::SqlState;

use super::{ROLES, SCHEMA_VERSION, Server};
use crate::error::{Problem, Result};
use crate::store::{DbKind, Store};

/// What `kuvert init` did on a server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Init {
    /// The empty database now holds kuvert's schema and roles.
    Created,
    /// The database held kuvert's schema of version `from`, and now of this version.
    Upgraded { from: i64 },
}

impl Store {
    /// `kuvert init` on a server: creates the schema in an empty database, or upgrades a
    /// kuvert database of an older version; any other database with tables is refused.
    pub fn init_on_server(url: &str, name: String, kind: DbKind, now: &str) -> Result<Init> {
        let mut server = Server::connect(url, name)?;
        if let Some((_, schema)) = server.meta()?
            && schema != SCHEMA_VERSION.to_string()
        {
            return match server.upgrade()? {
                Some(from) => Ok(Init::Upgraded { from }),
                None => Err(Problem::ServerHasTables {
                    server: server.name().to_owned(),
                }
                .into()),
            };
        }
        server.create_schema(kind.as_str(), now)?;
        Ok(Init::Created)
    }
}

/// What makes each version's tables from the one before it: the SQLite migration of the same
/// number, whose SQL both backends read alike, or nothing when only the roles changed (8:
/// row security checks the team once). roles.sql is loaded again after the last step.
const STEPS: &[(i64, &str)] = &[(7, include_str!("../schema_v7.sql")), (8, "")];

impl Server {
    /// Brings the database to `SCHEMA_VERSION`; the version it had, or None when it was
    /// current already. Refused, with nothing changed, for a newer database and for a login
    /// that does not own it.
    pub fn upgrade(&mut self) -> Result<Option<i64>> {
        let name = self.name.clone();
        let mut tx = self.client.transaction()?;
        let found: String = tx
            .query_one("SELECT value FROM meta WHERE key = 'schema'", &[])?
            .try_get(0)?;
        let newer = || Problem::ServerSchema {
            server: name.clone(),
            found: found.clone(),
            wanted: SCHEMA_VERSION,
        };
        let from = found.parse::<i64>().map_err(|_| newer())?;
        if from == SCHEMA_VERSION {
            return Ok(None);
        }
        if from > SCHEMA_VERSION || from < STEPS[0].0 - 1 {
            return Err(newer().into());
        }
        // This version's privileges and row security, whatever the steps changed: roles.sql
        // is safe to run again.
        let steps = STEPS
            .iter()
            .filter(|(to, _)| *to > from)
            .map(|(_, sql)| *sql);
        for sql in steps.chain([ROLES]) {
            tx.batch_execute(sql).map_err(|e| {
                if e.code() == Some(&SqlState::INSUFFICIENT_PRIVILEGE) {
                    Problem::UpgradeNotOwner {
                        server: name.clone(),
                        found: from,
                        wanted: SCHEMA_VERSION,
                    }
                    .into()
                } else {
                    crate::error::Error::from(e)
                }
            })?;
        }
        tx.execute(
            "UPDATE meta SET value = $1 WHERE key = 'schema'",
            &[&SCHEMA_VERSION.to_string()],
        )?;
        tx.commit()?;
        Ok(Some(from))
    }
}
