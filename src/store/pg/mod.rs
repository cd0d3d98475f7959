//! The PostgreSQL backend: one server for many offices, the server holding the rules
//! (schema.sql, roles.sql). The store's SQL is the same text as on SQLite; only the
//! placeholders are rewritten (`?N` to `$N`) and values are adapted to the server's types.

use std::cell::RefCell;
use std::collections::HashMap;
use std::error::Error as StdError;
use std::time::Duration;

use bytes::BytesMut;
use postgres::fallible_iterator::FallibleIterator;
use postgres::types::{FromSql, IsNull, ToSql, Type, to_sql_checked};
use postgres::{Client, IsolationLevel, Statement, Transaction};

use super::sql::{self, Bind, Raw, Value};
use crate::error::{Problem, Result};

/// The whole schema, created at `kuvert init` on an empty database.
pub const SCHEMA: &str = include_str!("schema.sql");
/// The group roles and their privileges, run after the schema by its owner.
pub const ROLES: &str = include_str!("roles.sql");

pub mod migrate;
mod upgrade;

pub use upgrade::Init;
pub mod tls;

type BoxError = Box<dyn StdError + Sync + Send>;

/// The server schema's version. Its tables are those of the SQLite migrations up to 7
/// (tests/schema_parity.rs); 8 changed only the row security in roles.sql.
pub const SCHEMA_VERSION: i64 = 8;

/// Whether a `--db` value is a PostgreSQL address (`postgresql://` or `postgres://`).
pub fn is_url(text: &str) -> bool {
    let head = text.get(..13).unwrap_or(text).to_ascii_lowercase();
    head.starts_with("postgresql://") || head.starts_with("postgres://")
}

/// A server address fit for a message: a password written in it, before the host or as the
/// `password=` parameter, becomes `***`.
pub fn without_password(url: &str) -> String {
    let Some((head, query)) = url.split_once('?') else {
        return without_user_password(url);
    };
    let query: Vec<String> = query
        .split('&')
        .map(|pair| match pair.split_once('=') {
            Some((key, _)) if key.eq_ignore_ascii_case("password") => format!("{key}=***"),
            _ => pair.to_owned(),
        })
        .collect();
    format!("{}?{}", without_user_password(head), query.join("&"))
}

fn without_user_password(url: &str) -> String {
    let Some(start) = url.find("://").map(|i| i + 3) else {
        return url.to_owned();
    };
    let end = url[start..]
        .find(['/', '?'])
        .map_or(url.len(), |i| start + i);
    let authority = &url[start..end];
    let Some(at) = authority.rfind('@') else {
        return url.to_owned();
    };
    match authority[..at].split_once(':') {
        Some((user, _)) => format!("{}{user}:***{}", &url[..start], &url[start + at..]),
        None => url.to_owned(),
    }
}

/// A connection to the server, with the statements it has prepared.
pub struct Server {
    client: Client,
    /// `session_user`: the login the server authenticated.
    login: String,
    statements: RefCell<HashMap<String, Statement>>,
    /// The address without its password, for messages.
    name: String,
    lock_timeout: Duration,
}

impl Server {
    /// Connects, with TLS as the URL's sslmode asks (`tls`); a server that cannot be reached
    /// or does not verify is exit 3 naming it (without a password).
    pub fn connect(url: &str, name: String) -> Result<Self> {
        let (url, settings) = tls::split(url, &name)?;
        let mut config: postgres::Config =
            url.parse()
                .map_err(|e: postgres::Error| Problem::BadServerUrl {
                    server: name.clone(),
                    detail: e.to_string(),
                })?;
        // No JIT: kuvert's statements are short, and compiling one costs more than it runs
        // (75–100 ms on a lead's month log, which runs in 40 ms without it).
        let options = match config.get_options() {
            Some(given) => format!("{given} -c jit=off"),
            None => "-c jit=off".to_owned(),
        };
        config
            .application_name("kuvert")
            .options(&options)
            .connect_timeout(Duration::from_secs(10));
        let mut client = tls::connect(&mut config, &settings, &name)?;
        let login = client
            .query_one("SELECT session_user::text", &[])?
            .try_get(0)?;
        Ok(Self {
            client,
            login,
            statements: RefCell::new(HashMap::new()),
            name,
            lock_timeout: super::BUSY_TIMEOUT,
        })
    }

    /// The server's address without its password.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// True once the connection is gone (the server stopped, the network broke): only a new
    /// connection goes on.
    pub fn is_closed(&self) -> bool {
        self.client.is_closed()
    }

    /// One empty round trip: whether an idle connection still reaches the server.
    pub fn ping(&mut self) -> Result<()> {
        self.client.simple_query("")?;
        Ok(())
    }

    /// The login the server authenticated (`session_user`, never changed by SET ROLE).
    pub fn login(&self) -> &str {
        &self.login
    }

    /// The database's kind and schema version from its meta table; `None` when it has no
    /// kuvert schema.
    pub fn meta(&mut self) -> Result<Option<(String, String)>> {
        let found = self.client.query_one(
            "SELECT to_regclass('public.meta') IS NOT NULL, \
                    to_regclass('public.audit_head') IS NOT NULL",
            &[],
        )?;
        if !(found.try_get::<_, bool>(0)? && found.try_get::<_, bool>(1)?) {
            return Ok(None);
        }
        let row = self.client.query_one(
            "SELECT (SELECT value FROM meta WHERE key = 'kind'), \
                    (SELECT value FROM meta WHERE key = 'schema')",
            &[],
        )?;
        let kind: Option<String> = row.try_get(0)?;
        let schema: Option<String> = row.try_get(1)?;
        Ok(kind.zip(schema))
    }

    /// How long a write waits for another desk's lock before "database busy".
    pub fn set_lock_timeout(&mut self, timeout: Duration) {
        self.lock_timeout = timeout;
    }

    /// A write transaction: READ COMMITTED, and the head row of the chain locked by its
    /// first statement, so writes are serialised as BEGIN IMMEDIATE serialises them on
    /// SQLite, and each sees the newest event.
    pub fn write(&mut self) -> Result<PgTx<'_>> {
        let ms = self.lock_timeout.as_millis().max(1);
        let tx = self
            .client
            .build_transaction()
            .isolation_level(IsolationLevel::ReadCommitted)
            .start()?;
        let tx = PgTx::new(tx, &self.statements);
        // One round trip: the wait, then the head row locked, and what it says.
        let answer = tx.tx.borrow_mut().simple_query(&format!(
            "SET LOCAL lock_timeout = {ms}; SELECT seq, hash FROM audit_head WHERE id = 1 FOR UPDATE"
        ))?;
        let head = answer.iter().find_map(|m| match m {
            postgres::SimpleQueryMessage::Row(r) => {
                let seq = r.get(0)?.parse().ok()?;
                Some((seq, r.get(1)?.to_owned()))
            }
            _ => None,
        });
        *tx.head.borrow_mut() = head;
        Ok(tx)
    }

    /// A read transaction: one consistent snapshot, no locks.
    pub fn read(&mut self) -> Result<PgTx<'_>> {
        let tx = self
            .client
            .build_transaction()
            .isolation_level(IsolationLevel::RepeatableRead)
            .read_only(true)
            .start()?;
        Ok(PgTx::new(tx, &self.statements))
    }

    /// Creates the schema, the group roles and the database's kind in one transaction: all
    /// of it, or nothing.
    pub fn create_schema(&mut self, kind: &str, now: &str) -> Result<()> {
        let tx = self.fresh()?;
        tx.run(
            "INSERT INTO meta(key, value) VALUES ('kind', ?1), ('created', ?2), ('schema', ?3)",
            &[&kind, &now, &SCHEMA_VERSION.to_string()],
        )?;
        tx.commit()
    }

    /// A transaction that has loaded the schema and the group roles into this database, which
    /// must have no tables yet: the start of `init` and of `migrate`.
    pub(in crate::store) fn fresh(&mut self) -> Result<PgTx<'_>> {
        let tables: i64 = self
            .client
            .query_one(
                "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'",
                &[],
            )?
            .try_get(0)?;
        if tables != 0 {
            return Err(Problem::ServerHasTables {
                server: self.name.clone(),
            }
            .into());
        }
        let tx = PgTx::new(self.client.transaction()?, &self.statements);
        tx.batch(SCHEMA)?;
        tx.batch(ROLES)?;
        Ok(tx)
    }
}

/// One transaction on the server.
pub struct PgTx<'c> {
    tx: RefCell<Transaction<'c>>,
    statements: &'c RefCell<HashMap<String, Statement>>,
    /// In a write: the head row as locked by its first statement, and as this transaction's
    /// appends moved it (seq 0 is the empty chain), so an append needs no query for it.
    head: RefCell<Option<(i64, String)>>,
}

impl<'c> PgTx<'c> {
    fn new(tx: Transaction<'c>, statements: &'c RefCell<HashMap<String, Statement>>) -> Self {
        Self {
            tx: RefCell::new(tx),
            statements,
            head: RefCell::new(None),
        }
    }

    fn statement(&self, sql: &str) -> Result<Statement> {
        if let Some(st) = self.statements.borrow().get(sql) {
            return Ok(st.clone());
        }
        let st = self.tx.borrow_mut().prepare(&dollar_placeholders(sql))?;
        self.statements
            .borrow_mut()
            .insert(sql.to_owned(), st.clone());
        Ok(st)
    }

    /// Streams the rows of a query to `f` until it returns false. The rows arrive while the
    /// query runs, so `f` must not use the transaction (no store function's `f` does).
    pub(in crate::store) fn each(
        &self,
        sql: &str,
        params: &[&dyn Bind],
        mut f: impl FnMut(&postgres::Row) -> Result<bool>,
    ) -> Result<()> {
        let st = self.statement(sql)?;
        let values: Vec<Value<'_>> = sql::values(params).collect();
        let mut tx = self.tx.borrow_mut();
        let mut rows = tx.query_raw(&st, values.iter())?;
        while let Some(row) = rows.next()? {
            if !f(&row)? {
                break;
            }
        }
        Ok(())
    }

    pub(in crate::store) fn run(&self, sql: &str, params: &[&dyn Bind]) -> Result<u64> {
        let st = self.statement(sql)?;
        let values: Vec<Value<'_>> = sql::values(params).collect();
        let refs: Vec<&(dyn ToSql + Sync)> =
            values.iter().map(|v| v as &(dyn ToSql + Sync)).collect();
        Ok(self.tx.borrow_mut().execute(&st, &refs)?)
    }

    /// The chain's head as this write transaction holds it (None in a read).
    pub(in crate::store) fn head(&self) -> Option<(i64, String)> {
        self.head.borrow().clone()
    }

    /// The head moved by an append of this transaction.
    pub(in crate::store) fn moved_head(&self, seq: i64, hash: &str) {
        if let Some(h) = self.head.borrow_mut().as_mut() {
            *h = (seq, hash.to_owned());
        }
    }

    pub(in crate::store) fn batch(&self, sql: &str) -> Result<()> {
        self.tx.borrow_mut().batch_execute(sql)?;
        Ok(())
    }

    pub(in crate::store) fn commit(self) -> Result<()> {
        self.tx.into_inner().commit()?;
        Ok(())
    }

    pub(in crate::store) fn rollback(self) -> Result<()> {
        self.tx.into_inner().rollback()?;
        Ok(())
    }
}

/// Rewrites SQLite's `?N` placeholders as PostgreSQL's `$N`, leaving quoted text alone.
pub(crate) fn dollar_placeholders(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len());
    let mut quote: Option<char> = None;
    for c in sql.chars() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '\'' | '"') => quote = Some(c),
            (None, '?') => {
                out.push('$');
                continue;
            }
            _ => {}
        }
        out.push(c);
    }
    out
}

impl ToSql for Value<'_> {
    fn to_sql(&self, ty: &Type, out: &mut BytesMut) -> Result<IsNull, BoxError> {
        match *self {
            Value::Null => Ok(IsNull::Yes),
            Value::Int(i) => match *ty {
                Type::INT8 => i.to_sql(ty, out),
                Type::INT4 => i32::try_from(i)?.to_sql(ty, out),
                Type::INT2 => i16::try_from(i)?.to_sql(ty, out),
                Type::BOOL => (i != 0).to_sql(ty, out),
                _ => Err(format!("an integer cannot be bound as {ty}").into()),
            },
            Value::Text(t) => t.to_sql(ty, out),
            Value::Blob(b) => b.to_sql(ty, out),
        }
    }

    fn accepts(_: &Type) -> bool {
        true
    }

    to_sql_checked!();
}

impl<'a> FromSql<'a> for Raw<'a> {
    fn from_sql(ty: &Type, raw: &'a [u8]) -> Result<Self, BoxError> {
        Ok(match *ty {
            Type::INT8 => Raw::Int(i64::from_sql(ty, raw)?),
            Type::INT4 => Raw::Int(i32::from_sql(ty, raw)?.into()),
            Type::INT2 => Raw::Int(i16::from_sql(ty, raw)?.into()),
            Type::BOOL => Raw::Int(bool::from_sql(ty, raw)?.into()),
            Type::FLOAT8 => Raw::Real(f64::from_sql(ty, raw)?),
            Type::BYTEA => Raw::Blob(<&[u8]>::from_sql(ty, raw)?),
            _ => Raw::Text(<&str>::from_sql(ty, raw)?),
        })
    }

    fn from_sql_null(_: &Type) -> Result<Self, BoxError> {
        Ok(Raw::Null)
    }

    fn accepts(_: &Type) -> bool {
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_become_dollars_outside_quotes() {
        assert_eq!(
            dollar_placeholders("SELECT '?1', \"a?\" FROM t WHERE a = ?1 AND b = ?12"),
            "SELECT '?1', \"a?\" FROM t WHERE a = $1 AND b = $12"
        );
    }

    #[test]
    fn a_password_parameter_is_hidden_too() {
        assert_eq!(
            without_password("postgresql://db/k?user=anna&password=hemligt&sslmode=require"),
            "postgresql://db/k?user=anna&password=***&sslmode=require"
        );
        assert_eq!(
            without_password("postgresql://anna:ab@db/k?password=x"),
            "postgresql://anna:***@db/k?password=***"
        );
    }

    #[test]
    fn server_addresses_are_told_from_files() {
        for url in ["postgresql:///kuvert?host=/run/pg", "POSTGRES://h/db"] {
            assert!(is_url(url), "{url}");
        }
        for file in ["kuvert.db", "postgresql.db", "./postgresql://x"] {
            assert!(!is_url(file), "{file}");
        }
    }
}
