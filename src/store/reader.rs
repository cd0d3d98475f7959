//! More connections to the same database, beside a store's own: `audit verify` checks
//! stretches of the event chain side by side, one per core, each on a connection of its own.

use super::{Conn, Store};
use crate::error::{Error, Result};

impl Store {
    /// Another connection to this database, to read beside this one. On a file it only
    /// reads (`query_only`); on a server it is the same login, checked like the first.
    pub fn reader(&self) -> Result<Store> {
        match &self.conn {
            Conn::Lite(_) => {
                let conn = super::lite::open_existing(&self.path)?;
                conn.busy_timeout(self.busy_timeout)?;
                conn.pragma_update(None, "query_only", true)?;
                Ok(Store::over(
                    Conn::Lite(conn),
                    self.path.clone(),
                    self.kind,
                    None,
                ))
            }
            Conn::Pg(server) => {
                let url = self.url.as_deref().ok_or_else(|| {
                    Error::Environment(format!("no address to connect to {}", server.name()))
                })?;
                Store::connect(url, server.name().to_owned())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::store::{DbKind, Store};

    #[test]
    fn a_reader_sees_the_same_file_and_cannot_write_it() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("a.db");
        let store = Store::create(&path, DbKind::Demo, "2026-01-01T00:00:00.000Z").expect("db");
        let mut reader = store.reader().expect("reader");
        assert_eq!(reader.path(), path.as_path());
        let kind: String = reader
            .read(|tx| {
                Ok(tx.sql_for_tests().query_row(
                    "SELECT value FROM meta WHERE key = 'kind'",
                    [],
                    |r| r.get(0),
                )?)
            })
            .expect("read");
        assert_eq!(kind, "demo");
        let wrote = reader.read(|tx| {
            Ok(tx
                .sql_for_tests()
                .execute("DELETE FROM meta WHERE key = 'kind'", [])?)
        });
        assert!(wrote.is_err(), "a reader must not write");
    }
}
