//! `kuvert migrate --to URL`: an office's SQLite file copied into an empty PostgreSQL
//! database, in one transaction on the server: the schema, the roles, every row with its id,
//! the chain byte for byte, the identity counters moved past the copied ids, the head row set
//! to the last event, and each user's login given its group role. Any failure leaves the
//! server database as empty as it was.

use std::collections::BTreeMap;

use postgres::binary_copy::BinaryCopyInWriter;
use postgres::types::{ToSql, Type};
use rusqlite::OptionalExtension;
use rusqlite::types::ValueRef;
use serde::Serialize;

use super::{SCHEMA_VERSION, Server};
use crate::error::Result;
use crate::model::LoginGrant;
use crate::store::sql::Value;
use crate::store::{Store, Tx, TxInner, bad_column, events, logins, people};

/// Every table of the SQLite schema, each after the tables its foreign keys point at. The
/// server's own `audit_head` is set from the chain at the end.
pub const TABLES: [&str; 16] = [
    "meta",
    "teams",
    "users",
    "sessions",
    "cases",
    "parties",
    "blobs",
    "documents",
    "mailings",
    "case_locks",
    "mailing_documents",
    "print_jobs",
    "sheets",
    "scans",
    "events",
    "policies",
];

/// What a migration copied, for the person who ran it and for the check after.
#[derive(Debug, Clone, Serialize)]
pub struct Migrated {
    /// The server database, without a password.
    pub server: String,
    /// Rows copied, per table.
    pub rows: BTreeMap<&'static str, u64>,
    /// The newest event on both sides (`audit verify` gives the same there as here).
    pub head: Option<crate::store::head::Head>,
    /// Each user's login on the server: granted, or what IT must run.
    pub users: Vec<MigratedUser>,
}

/// A user carried over, and what became of their login.
#[derive(Debug, Clone, Serialize)]
pub struct MigratedUser {
    pub account: String,
    pub login: LoginGrant,
}

/// Copies the SQLite database `source` into the empty database at `url` (connected as its
/// owner); `name` is the address without its password.
pub fn to_server(source: &mut Store, url: &str, name: String) -> Result<Migrated> {
    let mut server = Server::connect(url, name)?;
    // One snapshot of the file for the whole copy, so desks still working are either in it
    // entirely or not at all.
    let lite = source.lite()?;
    let snapshot = lite.unchecked_transaction()?;
    let pg = server.fresh()?;
    let mut rows = BTreeMap::new();
    for table in TABLES {
        rows.insert(table, copy_table(&snapshot, &pg, table)?);
    }
    pg.batch(AFTER_COPY)?;
    pg.run(
        "INSERT INTO meta(key, value) VALUES ('schema', ?1) \
         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        &[&SCHEMA_VERSION.to_string()],
    )?;
    let tx = Tx(TxInner::Pg(pg));
    let mut users = Vec::new();
    for user in people::users(&tx)? {
        users.push(MigratedUser {
            login: logins::grant(&tx, &user.account, user.role)?,
            account: user.account,
        });
    }
    let head = events::head(&tx)?.map(|(seq, hash)| crate::store::head::Head { seq, hash });
    let copied: Option<(i64, String)> = snapshot
        .query_row(
            "SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    if copied != head.as_ref().map(|h| (h.seq, h.hash.clone())) {
        return Err(crate::error::Error::Environment(format!(
            "the copied chain ends at {head:?}, the file's at {copied:?}; nothing was copied"
        )));
    }
    tx.commit()?;
    Ok(Migrated {
        server: server.name().to_owned(),
        rows,
        head,
        users,
    })
}

/// After the rows: identity counters past the copied ids (the next mailing must not reuse
/// one), and the head row at the last event.
const AFTER_COPY: &str = "
DO $$
DECLARE
    c record;
BEGIN
    FOR c IN SELECT table_name, column_name FROM information_schema.columns
             WHERE table_schema = 'public' AND is_identity = 'YES' LOOP
        EXECUTE format(
            'SELECT setval(pg_get_serial_sequence(%L, %L), coalesce(max(%I), 0) + 1, false) FROM %I',
            c.table_name, c.column_name, c.column_name, c.table_name);
    END LOOP;
END
$$;
UPDATE audit_head SET (seq, hash) = (SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1)
WHERE id = 1 AND EXISTS (SELECT 1 FROM events);
";

/// Streams one table from the file to the server with COPY (binary): the values as SQLite
/// holds them, bound to the server's column types as every other statement binds them.
fn copy_table(lite: &rusqlite::Connection, pg: &super::PgTx<'_>, table: &str) -> Result<u64> {
    let mut select = lite.prepare(&format!("SELECT * FROM {table}"))?;
    let columns: Vec<String> = select
        .column_names()
        .iter()
        .map(|c| format!("\"{c}\""))
        .collect();
    let list = columns.join(", ");
    let mut tx = pg.tx.borrow_mut();
    let types: Vec<Type> = tx
        .prepare(&format!("SELECT {list} FROM {table} LIMIT 0"))?
        .columns()
        .iter()
        .map(|c| c.type_().clone())
        .collect();
    let writer = tx.copy_in(&format!("COPY {table} ({list}) FROM STDIN (FORMAT binary)"))?;
    let mut copy = BinaryCopyInWriter::new(writer, &types);
    let mut rows = select.query([])?;
    while let Some(row) = rows.next()? {
        let mut values = Vec::with_capacity(columns.len());
        for i in 0..columns.len() {
            values.push(match row.get_ref(i)? {
                ValueRef::Null => Value::Null,
                ValueRef::Integer(n) => Value::Int(n),
                ValueRef::Text(t) => Value::Text(
                    std::str::from_utf8(t)
                        .map_err(|_| bad_column(i, "text", format!("bytes in {table}")))?,
                ),
                ValueRef::Blob(b) => Value::Blob(b),
                ValueRef::Real(r) => {
                    return Err(bad_column(i, "an integer", format!("the real {r}")));
                }
            });
        }
        let refs: Vec<&(dyn ToSql + Sync)> =
            values.iter().map(|v| v as &(dyn ToSql + Sync)).collect();
        copy.write(&refs)?;
    }
    Ok(copy.finish()?)
}
