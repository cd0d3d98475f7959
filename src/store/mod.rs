//! SQLite storage. All SQL of kuvert lives below this module, so another backend can be added
//! without touching the workflow.
//!
//! Every write is one `BEGIN IMMEDIATE` transaction: the write lock is taken at the start, so
//! two desks never both read "case free" and then both lock it.

mod blobs;
pub mod cases;
pub mod events;
pub mod head;
mod lite;
pub mod logins;
pub mod mailings;
pub mod people;
pub mod pg;
pub mod policies;
mod reader;
pub mod reports;
pub mod retention;
pub mod scale;
pub mod sql;
pub mod strays;

use std::path::{Path, PathBuf};
use std::sync::LazyLock;
use std::time::Duration;

use rusqlite::types::ValueRef;
use rusqlite::{Connection, Transaction, TransactionBehavior};
use rusqlite_migration::{M, Migrations};

use crate::error::{Error, Problem, Refusal, Result};
use lite::create_private_file;
pub use lite::file_mode_of;
use sql::{Bind, Column, Raw};

mod errors;
pub use errors::DatabaseError;
use errors::DbCause;
pub(in crate::store) use errors::bad_column;
pub(crate) use errors::{
    is_connection_lost, is_foreign_key_violation, is_permission_denied, is_unique_violation,
};

/// How long a desk waits for another desk's write before giving up with "database busy".
pub const BUSY_TIMEOUT: Duration = Duration::from_secs(10);
/// A server connection idle this long is tried before it is used.
const IDLE_PROBE: Duration = Duration::from_secs(2);

static MIGRATIONS: LazyLock<Migrations<'static>> = LazyLock::new(|| {
    Migrations::new(vec![
        M::up(include_str!("schema_v1.sql")),
        M::up(include_str!("schema_v2.sql")),
        M::up(include_str!("schema_v3.sql")),
        M::up(include_str!("schema_v4.sql")),
        M::up(include_str!("schema_v5.sql")),
        M::up(include_str!("schema_v6.sql")),
        M::up(include_str!("schema_v7.sql")),
    ])
});

/// What a database is for; `KUVERT_USER` is honoured only on demo databases.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DbKind {
    Demo,
    Production,
}

impl DbKind {
    fn as_str(self) -> &'static str {
        match self {
            DbKind::Demo => "demo",
            DbKind::Production => "production",
        }
    }

    fn parse(text: &str) -> Option<Self> {
        match text {
            "demo" => Some(DbKind::Demo),
            "production" => Some(DbKind::Production),
            _ => None,
        }
    }
}

/// How a store reaches its database.
enum Conn {
    /// A SQLite file on this host.
    Lite(Connection),
    /// A PostgreSQL server.
    Pg(Box<pg::Server>),
}

/// An open kuvert database.
pub struct Store {
    conn: Conn,
    path: PathBuf,
    kind: DbKind,
    /// A server's address as given (password and all), to connect again after it was lost.
    url: Option<String>,
    /// How long a write waits for another desk; kept for a new connection.
    busy_timeout: Duration,
    /// True from a lost connection until a new one is made.
    lost: bool,
    /// When the connection was last used (an idle one is tried before a step).
    last_used: std::time::Instant,
    /// The newest event this store put in the head file (saves rewriting it needlessly).
    head_written: i64,
}

/// Where a database is: a SQLite file on this host, or a PostgreSQL server. A server address
/// is never taken for a file name (that would create a folder called `postgresql:`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Location {
    File(PathBuf),
    /// `url` is what the client connects with; `name` is it without a password, for messages.
    Server {
        url: String,
        name: String,
    },
}

impl Location {
    /// A `--db` value: a PostgreSQL URL, or else a file.
    pub fn parse(text: &Path) -> Self {
        match text.to_str().filter(|t| pg::is_url(t)) {
            Some(url) => Location::Server {
                url: url.to_owned(),
                name: pg::without_password(url),
            },
            None => Location::File(text.to_owned()),
        }
    }

    /// Opens the database there: a file is brought up to date, a server is checked to hold
    /// kuvert's schema of this version.
    pub fn open(&self) -> Result<Store> {
        match self {
            Location::File(path) => Store::open(path),
            Location::Server { url, name } => Store::connect(url, name.clone()),
        }
    }
}

impl std::fmt::Display for Location {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Location::File(path) => path.display().fmt(f),
            Location::Server { name, .. } => f.write_str(name),
        }
    }
}

impl Store {
    /// Opens an existing database and brings its schema up to date.
    pub fn open(path: &Path) -> Result<Self> {
        if !path.exists() {
            return Err(Problem::NoDatabase { path: path.into() }.into());
        }
        let conn = lite::open_existing(path)?;
        let kind = lite::kind(&conn)?.ok_or_else(|| Problem::NotADatabase { path: path.into() })?;
        let mut store = Self::configure(conn, path, kind)?;
        store.migrate()?;
        Ok(store)
    }

    /// Creates a new database of the given kind, readable by its owner only. Refuses to
    /// touch an existing file.
    pub fn create(path: &Path, kind: DbKind, now: &str) -> Result<Self> {
        Self::create_with_mode(path, kind, now, 0o600)
    }

    /// Creates a new database with the given file mode (0600, or 0660 for a team sharing it
    /// through a group). The file exists with that mode before anything is written to it.
    pub fn create_with_mode(path: &Path, kind: DbKind, now: &str, mode: u32) -> Result<Self> {
        if path.exists() {
            return Err(Problem::DatabaseExists { path: path.into() }.into());
        }
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)
                .map_err(|e| Error::io(format!("creating folder {}", dir.display()), e))?;
        }
        create_private_file(path, mode)?;
        let conn = Connection::open(path)?;
        let mut store = Self::configure(conn, path, kind)?;
        store.migrate()?;
        store.lite()?.execute(
            "INSERT INTO meta(key, value) VALUES ('kind', ?1), ('created', ?2)",
            (kind.as_str(), now),
        )?;
        Ok(store)
    }

    /// Connects to a PostgreSQL database kuvert created, of the schema version this kuvert
    /// knows: there are no migrations on a server yet, so another version is refused.
    pub fn connect(url: &str, name: String) -> Result<Self> {
        let (server, kind) = Self::checked_server(url, name)?;
        Ok(Self::over(
            Conn::Pg(Box::new(server)),
            PathBuf::new(),
            kind,
            Some(url),
        ))
    }

    /// A connection to a server database kuvert created, and its kind.
    fn checked_server(url: &str, name: String) -> Result<(pg::Server, DbKind)> {
        let mut server = pg::Server::connect(url, name)?;
        let refused = |server: &pg::Server| -> Error {
            Problem::NotKuvertServer {
                server: server.name().to_owned(),
            }
            .into()
        };
        // A login in none of kuvert's groups may not read meta: it is no user of kuvert.
        let meta = server.meta().map_err(|e| match is_permission_denied(&e) {
            true => Refusal::UnknownUser {
                account: server.login().to_owned(),
            }
            .into(),
            false => e,
        })?;
        let (kind, schema) = meta.ok_or_else(|| refused(&server))?;
        let kind = DbKind::parse(&kind).ok_or_else(|| refused(&server))?;
        if schema != pg::SCHEMA_VERSION.to_string() {
            return Err(Problem::ServerSchema {
                server: server.name().to_owned(),
                found: schema,
                wanted: pg::SCHEMA_VERSION,
            }
            .into());
        }
        Ok((server, kind))
    }

    fn over(conn: Conn, path: PathBuf, kind: DbKind, url: Option<&str>) -> Self {
        Self {
            conn,
            path,
            kind,
            url: url.map(str::to_owned),
            busy_timeout: BUSY_TIMEOUT,
            lost: false,
            last_used: std::time::Instant::now(),
            head_written: 0,
        }
    }

    /// True while the connection to the server is lost: the last operation failed for it,
    /// and no new connection has been made since (the desk says so, and keeps its work).
    pub fn connection_lost(&self) -> bool {
        self.lost
    }

    /// Connects again when the connection was lost; Ok once there is a connection. A
    /// connection idle for a while is tried first, so a server restarted meanwhile costs the
    /// desk nothing but a new connection, not a failed step.
    pub fn reconnect(&mut self) -> Result<()> {
        let idle = std::mem::replace(&mut self.last_used, std::time::Instant::now()).elapsed();
        let (Conn::Pg(server), Some(url)) = (&mut self.conn, &self.url) else {
            return Ok(());
        };
        if !self.lost && !server.is_closed() {
            if idle < IDLE_PROBE {
                return Ok(());
            }
            match server.ping() {
                Ok(()) => return Ok(()),
                Err(e) if is_connection_lost(&e) => {}
                Err(e) => return Err(e),
            }
        }
        let (mut again, _) = Self::checked_server(url, server.name().to_owned())?;
        again.set_lock_timeout(self.busy_timeout);
        self.conn = Conn::Pg(Box::new(again));
        self.lost = false;
        Ok(())
    }

    /// Notes a lost connection, and says it as one: the desk connects again at its next
    /// step, and what was not committed is not saved.
    fn noting_loss<T>(&mut self, result: Result<T>) -> Result<T> {
        match result {
            Err(e) if is_connection_lost(&e) => {
                self.lost = true;
                let server = match &self.conn {
                    Conn::Pg(s) => s.name().to_owned(),
                    Conn::Lite(_) => String::new(),
                };
                Err(Problem::ConnectionLost { server }.into())
            }
            Err(e @ Error::Problem(Problem::NoServer { .. })) => {
                self.lost = true;
                Err(e)
            }
            other => other,
        }
    }

    /// Whether the database is on a PostgreSQL server (whose head is a row, not a file).
    pub fn on_server(&self) -> bool {
        matches!(self.conn, Conn::Pg(_))
    }

    /// The login the server authenticated, which is who the user is there; `None` on a file,
    /// where the operating system's account is.
    pub fn login(&self) -> Option<&str> {
        match &self.conn {
            Conn::Lite(_) => None,
            Conn::Pg(server) => Some(server.login()),
        }
    }

    /// The SQLite connection; a PostgreSQL store has none.
    fn lite(&self) -> Result<&Connection> {
        match &self.conn {
            Conn::Lite(c) => Ok(c),
            Conn::Pg(_) => Err(Error::Environment(
                "this needs a SQLite database file, not a server".into(),
            )),
        }
    }

    fn configure(conn: Connection, path: &Path, kind: DbKind) -> Result<Self> {
        conn.busy_timeout(BUSY_TIMEOUT)?;
        conn.pragma_update(None, "foreign_keys", true)?;
        // WAL lets the team's desks read while one writes; NORMAL is durable in WAL mode
        // except for the last transactions on power loss, never corrupting.
        conn.pragma_update_and_check(None, "journal_mode", "WAL", |_| Ok(()))?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        Ok(Self::over(Conn::Lite(conn), path.to_owned(), kind, None))
    }

    fn migrate(&mut self) -> Result<()> {
        if let Conn::Lite(c) = &mut self.conn {
            MIGRATIONS.to_latest(c)?;
        }
        Ok(())
    }

    /// How long to wait for another desk's write before "database busy" (default
    /// `BUSY_TIMEOUT`; `busy_timeout_ms` in the config).
    pub fn set_busy_timeout(&mut self, timeout: Duration) -> Result<()> {
        self.busy_timeout = timeout;
        match &mut self.conn {
            Conn::Lite(c) => c.busy_timeout(timeout)?,
            Conn::Pg(server) => server.set_lock_timeout(timeout),
        }
        Ok(())
    }

    /// The file this store was opened from.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Demo or production.
    pub fn kind(&self) -> DbKind {
        self.kind
    }

    /// Runs `f` in one write transaction: all of it happens, or none of it. Afterwards the
    /// head file follows the event log (see `head`).
    pub fn write<T>(&mut self, f: impl FnOnce(&Tx<'_>) -> Result<T>) -> Result<T> {
        let done = self.reconnect().and_then(|()| self.write_once(f));
        self.noting_loss(done)
    }

    fn write_once<T>(&mut self, f: impl FnOnce(&Tx<'_>) -> Result<T>) -> Result<T> {
        let tx = self.begin(true)?;
        let value = f(&tx)?;
        // On a server the head row moved with the chain, in this transaction; a file has
        // its head file beside it.
        let newest = if tx.on_server() {
            None
        } else {
            events::head(&tx)?
        };
        tx.commit()?;
        if let Some((seq, hash)) = newest
            && seq > self.head_written
        {
            // The change is committed whatever happens here; a head that could not be
            // written only weakens the truncation check, and IT hears of it in the log.
            match head::advance(&self.path, &head::Head { seq, hash }) {
                Ok(()) => self.head_written = seq,
                Err(e) => tracing::error!("the audit head file was not updated: {e}"),
            }
        }
        Ok(value)
    }

    /// Switches to bulk loading (no journal: only for a file no desk uses yet).
    pub fn bulk_begin(&self) -> Result<()> {
        scale::begin_bulk(self.lite()?)
    }

    /// Back to the journal and settings every desk uses, with fresh statistics.
    pub fn bulk_end(&self) -> Result<()> {
        scale::end_bulk(self.lite()?)
    }

    /// Runs `f` as a write transaction and rolls it back: what it would do, done to nothing
    /// (a dry run).
    pub fn rehearse<T>(&mut self, f: impl FnOnce(&Tx<'_>) -> Result<T>) -> Result<T> {
        let done = self.reconnect().and_then(|()| self.undone(true, f));
        self.noting_loss(done)
    }

    /// Runs `f` in one read transaction: a consistent snapshot, no write lock.
    pub fn read<T>(&mut self, f: impl FnOnce(&Tx<'_>) -> Result<T>) -> Result<T> {
        let done = self.reconnect().and_then(|()| self.undone(false, f));
        self.noting_loss(done)
    }

    /// `f` in a transaction that is rolled back.
    fn undone<T>(&mut self, write: bool, f: impl FnOnce(&Tx<'_>) -> Result<T>) -> Result<T> {
        let tx = self.begin(write)?;
        let value = f(&tx)?;
        tx.rollback()?;
        Ok(value)
    }

    /// A write transaction (the write lock taken by its first statement) or a read one.
    fn begin(&mut self, write: bool) -> Result<Tx<'_>> {
        Ok(Tx(match &mut self.conn {
            Conn::Lite(c) => TxInner::Lite(c.transaction_with_behavior(if write {
                TransactionBehavior::Immediate
            } else {
                TransactionBehavior::Deferred
            })?),
            Conn::Pg(server) => TxInner::Pg(if write {
                server.write()?
            } else {
                server.read()?
            }),
        }))
    }

    /// Copies the write-ahead log into the database file and empties it, so pages that
    /// secure_delete zeroed replace the old ones in the file too. Best effort: a desk
    /// reading at the same moment leaves the rest for the next checkpoint.
    pub fn checkpoint(&self) -> Result<()> {
        let Conn::Lite(conn) = &self.conn else {
            // The server writes its own files; VACUUM FULL is IT's (see the README).
            return Ok(());
        };
        conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
        Ok(())
    }

    /// `PRAGMA integrity_check`: "ok" or SQLite's list of problems.
    pub fn integrity_check(&self) -> Result<String> {
        Ok(self
            .lite()?
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))?)
    }
}

/// One open transaction. The workflow hands it to the store's typed functions and never sees
/// the SQL behind it, so a second backend can stand behind the same functions.
pub struct Tx<'c>(TxInner<'c>);

enum TxInner<'c> {
    Lite(Transaction<'c>),
    Pg(pg::PgTx<'c>),
}

/// What the store's functions call on a transaction; private to the store. The SQL is
/// portable (`?N` placeholders, `RETURNING`, `ON CONFLICT`), so each function has one text.
impl Tx<'_> {
    /// Every row of a query, each made into a `T` by `f`.
    pub(in crate::store) fn rows<T>(
        &self,
        sql: &str,
        params: &[&dyn Bind],
        mut f: impl FnMut(&Row<'_>) -> Result<T>,
    ) -> Result<Vec<T>> {
        let mut out = Vec::new();
        self.each(sql, params, |r| {
            out.push(f(r)?);
            Ok(true)
        })?;
        Ok(out)
    }

    /// Walks the rows of a query without collecting them; `f` returns false to stop.
    pub(in crate::store) fn each(
        &self,
        sql: &str,
        params: &[&dyn Bind],
        mut f: impl FnMut(&Row<'_>) -> Result<bool>,
    ) -> Result<()> {
        match &self.0 {
            TxInner::Lite(tx) => {
                let mut stmt = tx.prepare_cached(sql)?;
                let mut rows = stmt.query(rusqlite::params_from_iter(sql::values(params)))?;
                while let Some(r) = rows.next()? {
                    if !f(&Row(RowInner::Lite(r)))? {
                        break;
                    }
                }
                Ok(())
            }
            TxInner::Pg(tx) => tx.each(sql, params, |r| f(&Row(RowInner::Pg(r)))),
        }
    }

    /// The first row of a query, if there is one.
    pub(in crate::store) fn row<T>(
        &self,
        sql: &str,
        params: &[&dyn Bind],
        f: impl FnOnce(&Row<'_>) -> Result<T>,
    ) -> Result<Option<T>> {
        let mut f = Some(f);
        let mut out = None;
        self.each(sql, params, |r| {
            if let Some(f) = f.take() {
                out = Some(f(r)?);
            }
            Ok(false)
        })?;
        Ok(out)
    }

    /// The one row a query always gives (a count, an id `RETURNING` gave back).
    pub(in crate::store) fn one<T>(
        &self,
        sql: &str,
        params: &[&dyn Bind],
        f: impl FnOnce(&Row<'_>) -> Result<T>,
    ) -> Result<T> {
        self.row(sql, params, f)?
            .ok_or_else(|| Error::Database(DatabaseError(DbCause::NoRow)))
    }

    /// Runs one statement; the number of rows it changed.
    pub(in crate::store) fn run(&self, sql: &str, params: &[&dyn Bind]) -> Result<u64> {
        match &self.0 {
            TxInner::Lite(tx) => {
                let n = tx
                    .prepare_cached(sql)?
                    .execute(rusqlite::params_from_iter(sql::values(params)))?;
                Ok(n as u64)
            }
            TxInner::Pg(tx) => tx.run(sql, params),
        }
    }

    /// `run` for a statement whose failure the caller answers and then goes on in the same
    /// transaction: PostgreSQL aborts a transaction at its first error, so there the
    /// statement runs under a savepoint that a failure rolls back to (SQLite keeps going).
    pub(in crate::store) fn run_or_go_on(&self, sql: &str, params: &[&dyn Bind]) -> Result<u64> {
        let TxInner::Pg(tx) = &self.0 else {
            return self.run(sql, params);
        };
        tx.batch("SAVEPOINT go_on")?;
        match tx.run(sql, params) {
            Ok(n) => {
                tx.batch("RELEASE SAVEPOINT go_on")?;
                Ok(n)
            }
            Err(e) => {
                tx.batch("ROLLBACK TO SAVEPOINT go_on; RELEASE SAVEPOINT go_on")?;
                Err(e)
            }
        }
    }

    /// The chain's head as a write on a server locked it (and its appends moved it); None on
    /// a file and in a read.
    pub(in crate::store) fn locked_head(&self) -> Option<(i64, String)> {
        match &self.0 {
            TxInner::Pg(tx) => tx.head(),
            TxInner::Lite(_) => None,
        }
    }

    /// Notes an append's new head in a write on a server.
    pub(in crate::store) fn moved_head(&self, seq: i64, hash: &str) {
        if let TxInner::Pg(tx) = &self.0 {
            tx.moved_head(seq, hash);
        }
    }

    /// Whether this transaction is on a PostgreSQL server (where the head row of the chain
    /// is kept in the database).
    pub(in crate::store) fn on_server(&self) -> bool {
        matches!(self.0, TxInner::Pg(_))
    }

    fn commit(self) -> Result<()> {
        match self.0 {
            TxInner::Lite(tx) => tx.commit()?,
            TxInner::Pg(tx) => tx.commit()?,
        }
        Ok(())
    }

    fn rollback(self) -> Result<()> {
        match self.0 {
            TxInner::Lite(tx) => tx.rollback()?,
            TxInner::Pg(tx) => tx.rollback()?,
        }
        Ok(())
    }

    /// From here on in this connection, deleted rows' bytes are overwritten with zeros
    /// (SQLite's `secure_delete`), so purged personal data leaves no trace in free pages.
    /// On PostgreSQL freed bytes leave the files only at VACUUM FULL (IT's, see README).
    pub(in crate::store) fn zero_deleted_content(&self) -> Result<()> {
        if let TxInner::Lite(tx) = &self.0 {
            tx.execute_batch("PRAGMA secure_delete = ON;")?;
        }
        Ok(())
    }

    /// The SQLite connection itself, for tests that inspect or damage the database as an
    /// auditor or an attacker would.
    #[cfg(test)]
    pub(crate) fn sql_for_tests(&self) -> &Connection {
        match &self.0 {
            TxInner::Lite(tx) => tx,
            TxInner::Pg(_) => panic!("sql_for_tests is for SQLite stores"),
        }
    }

    /// A transaction over a connection a store test set up by hand.
    #[cfg(test)]
    pub(in crate::store) fn over(tx: Transaction<'_>) -> Tx<'_> {
        Tx(TxInner::Lite(tx))
    }
}

/// One row of a query's result.
pub struct Row<'r>(RowInner<'r>);

enum RowInner<'r> {
    Lite(&'r rusqlite::Row<'r>),
    Pg(&'r postgres::Row),
}

impl Row<'_> {
    /// Column `index` as a `T`; a column holding something else is a damaged database.
    pub fn get<T: Column>(&self, index: usize) -> Result<T> {
        let raw = self.raw(index)?;
        sql::column(index, raw).map_err(|e| Error::Database(DatabaseError(DbCause::Column(e))))
    }

    /// Text column `index` as it is in the row, uncopied (`None` for NULL).
    pub fn text(&self, index: usize) -> Result<Option<&str>> {
        let raw = self.raw(index)?;
        sql::text(index, raw).map_err(|e| Error::Database(DatabaseError(DbCause::Column(e))))
    }

    /// Text column `index`, uncopied; NULL is a damaged database, as for `get::<String>`.
    pub fn str(&self, index: usize) -> Result<&str> {
        match self.text(index)? {
            Some(s) => Ok(s),
            None => self.get::<String>(index).map(|_| ""),
        }
    }

    fn raw(&self, index: usize) -> Result<Raw<'_>> {
        Ok(match self.0 {
            RowInner::Lite(row) => match row.get_ref(index)? {
                ValueRef::Null => Raw::Null,
                ValueRef::Integer(i) => Raw::Int(i),
                ValueRef::Real(r) => Raw::Real(r),
                ValueRef::Text(t) => Raw::Text(std::str::from_utf8(t).map_err(|e| {
                    rusqlite::Error::FromSqlConversionFailure(
                        index,
                        rusqlite::types::Type::Text,
                        e.into(),
                    )
                })?),
                ValueRef::Blob(b) => Raw::Blob(b),
            },
            RowInner::Pg(row) => row.try_get(index)?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The plan SQLite chooses for a query, one line per step.
    fn plan(c: &Connection, sql: &str) -> Vec<String> {
        let mut st = c
            .prepare(&format!("EXPLAIN QUERY PLAN {sql}"))
            .expect("explain");
        let n = st.parameter_count();
        let params: Vec<rusqlite::types::Value> = (0..n).map(|_| 1i64.into()).collect();
        st.query_map(rusqlite::params_from_iter(params), |r| {
            r.get::<_, String>(3)
        })
        .expect("plan")
        .collect::<rusqlite::Result<_>>()
        .expect("rows")
    }

    /// The scan path and the lead's log find their rows through indexes, never by reading a
    /// whole big table (issue 7: a scan's verdict in under 2 ms on 2,000,000 events).
    #[test]
    fn the_hot_queries_use_indexes() {
        let dir = tempfile::tempdir().expect("tempdir");
        let db = dir.path().join("scale.db");
        crate::scale::build(&db, crate::scale::Scale::SMALL, 1).expect("build");
        let store = Store::open(&db).expect("open");
        // What each may read whole: only the users table (a few hundred rows at most).
        let queries: [(&str, String, &[&str]); 6] = [
            ("scan: mailing by token", mailings::by_token_sql(), &[]),
            (
                "scan: the print's sheets, required and seen",
                mailings::PRINT_SHEETS_SQL.to_owned(),
                &[],
            ),
            (
                "log: sessions of a team",
                reports::SESSIONS_SQL.to_owned(),
                &["SCAN u"],
            ),
            (
                "log: events of the sessions",
                reports::LOG_EVENTS_SQL.to_owned(),
                &["SCAN u"],
            ),
            (
                "log: mailings of the sessions",
                reports::LOG_MAILINGS_SQL.to_owned(),
                &["SCAN u"],
            ),
            (
                "start: sheets of mine found elsewhere",
                strays::STRAYS_SQL.to_owned(),
                &["SCAN e USING INDEX events_found_elsewhere"],
            ),
        ];
        // Not through all events by mailing: every event of every mailing ever sent.
        let strays = plan(store.lite().expect("a SQLite store"), strays::STRAYS_SQL);
        assert!(strays[0].contains("events_found_elsewhere"), "{strays:?}");
        for (what, sql, allowed) in queries {
            let steps = plan(store.lite().expect("a SQLite store"), &sql);
            for step in &steps {
                assert!(
                    !step.starts_with("SCAN ") || allowed.contains(&step.as_str()),
                    "{what} reads a whole table ({step}): {steps:?}"
                );
            }
            assert!(
                steps.iter().any(|s| s.contains("USING")),
                "{what} uses no index: {steps:?}"
            );
        }
    }

    #[test]
    fn migrations_are_valid() {
        assert!(MIGRATIONS.validate().is_ok());
    }

    #[test]
    fn create_then_open_and_refuse_overwrite() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("k.db");
        Store::create(&path, DbKind::Production, "2026-01-01T00:00:00.000Z").expect("create");
        let store = Store::open(&path).expect("open");
        assert_eq!(store.kind(), DbKind::Production);
        assert_eq!(store.integrity_check().expect("check"), "ok");
        assert!(Store::create(&path, DbKind::Demo, "x").is_err());
    }

    #[test]
    fn missing_and_foreign_files_are_refused() {
        let dir = tempfile::tempdir().expect("tempdir");
        let missing = Store::open(&dir.path().join("none.db"))
            .err()
            .expect("missing");
        assert_eq!(missing.exit_code(), 3);
        let other = dir.path().join("other.db");
        Connection::open(&other)
            .and_then(|c| c.execute_batch("CREATE TABLE t(x)"))
            .expect("other db");
        assert!(Store::open(&other).is_err());
    }
}
