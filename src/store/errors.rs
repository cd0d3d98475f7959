//! What the database said, kept whole for IT, and the few codes the store reads from it:
//! busy, a violated key, a fault of the disk a person can fix.

use postgres::error::SqlState;

use super::sql::ColumnError;
use crate::error::{Error, StorageFault};

/// What the database said, kept whole for IT; only the store reads its codes.
#[derive(Debug)]
pub struct DatabaseError(pub(super) DbCause);

#[derive(Debug)]
pub(super) enum DbCause {
    Sql(rusqlite::Error),
    Schema(rusqlite_migration::Error),
    Pg(postgres::Error),
    Column(ColumnError),
    /// A query that always gives a row gave none.
    NoRow,
}

impl DatabaseError {
    /// A fault of the disk or file system a person can fix, if it is one.
    pub fn fault(&self) -> Option<StorageFault> {
        if let DbCause::Pg(e) = &self.0 {
            return pg_fault(e);
        }
        let DbCause::Sql(rusqlite::Error::SqliteFailure(e, _)) = &self.0 else {
            return None;
        };
        match e.code {
            rusqlite::ErrorCode::DiskFull => Some(StorageFault::DiskFull),
            rusqlite::ErrorCode::ReadOnly => Some(StorageFault::ReadOnly),
            rusqlite::ErrorCode::CannotOpen => Some(StorageFault::CannotOpen),
            rusqlite::ErrorCode::SystemIoFailure => Some(StorageFault::Io),
            _ => None,
        }
    }

    /// True when another desk held the write lock past the timeout.
    pub fn is_busy(&self) -> bool {
        if let DbCause::Pg(e) = &self.0 {
            return pg_state(e).is_some_and(|s| {
                [
                    SqlState::LOCK_NOT_AVAILABLE,
                    SqlState::T_R_DEADLOCK_DETECTED,
                    SqlState::T_R_SERIALIZATION_FAILURE,
                ]
                .contains(s)
            });
        }
        matches!(&self.0, DbCause::Sql(rusqlite::Error::SqliteFailure(e, _))
            if matches!(e.code, rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked))
    }
}

impl std::fmt::Display for DatabaseError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.0 {
            DbCause::Sql(e) => e.fmt(f),
            DbCause::Schema(e) => e.fmt(f),
            DbCause::Pg(e) => match e.as_db_error() {
                // The server's own words (message, detail, constraint), not only "db error".
                Some(db) => db.fmt(f),
                None => e.fmt(f),
            },
            DbCause::Column(e) => e.fmt(f),
            DbCause::NoRow => f.write_str("the query gave no row"),
        }
    }
}

impl std::error::Error for DatabaseError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match &self.0 {
            DbCause::Sql(e) => Some(e),
            DbCause::Schema(e) => Some(e),
            DbCause::Pg(e) => Some(e),
            DbCause::Column(e) => Some(e),
            DbCause::NoRow => None,
        }
    }
}

impl From<postgres::Error> for Error {
    fn from(e: postgres::Error) -> Self {
        Error::Database(DatabaseError(DbCause::Pg(e)))
    }
}

fn pg_state(e: &postgres::Error) -> Option<&SqlState> {
    e.code()
}

/// A server fault a person can fix: its disk is full, or it is read-only (a standby).
fn pg_fault(e: &postgres::Error) -> Option<StorageFault> {
    match pg_state(e)? {
        s if *s == SqlState::DISK_FULL => Some(StorageFault::DiskFull),
        s if *s == SqlState::READ_ONLY_SQL_TRANSACTION => Some(StorageFault::ReadOnly),
        _ => None,
    }
}

impl From<rusqlite::Error> for Error {
    fn from(e: rusqlite::Error) -> Self {
        Error::Database(DatabaseError(DbCause::Sql(e)))
    }
}

impl From<rusqlite_migration::Error> for Error {
    fn from(e: rusqlite_migration::Error) -> Self {
        Error::Migration(DatabaseError(DbCause::Schema(e)))
    }
}

/// True when the server refused a statement for want of a privilege: a login that is in
/// none of kuvert's group roles, say.
pub(crate) fn is_permission_denied(e: &Error) -> bool {
    matches!(e, Error::Database(DatabaseError(DbCause::Pg(e)))
        if pg_state(e) == Some(&SqlState::INSUFFICIENT_PRIVILEGE))
}

/// True when the connection to the server broke under the operation: closed, an I/O error,
/// or the server shutting down or refusing connections while it starts (SQL states 08xxx,
/// 57P01–57P03).
pub(crate) fn is_connection_lost(e: &Error) -> bool {
    let Error::Database(DatabaseError(DbCause::Pg(e))) = e else {
        return false;
    };
    if e.is_closed() {
        return true;
    }
    match pg_state(e) {
        Some(s) => {
            s.code().starts_with("08")
                || [
                    SqlState::ADMIN_SHUTDOWN,
                    SqlState::CRASH_SHUTDOWN,
                    SqlState::CANNOT_CONNECT_NOW,
                ]
                .contains(s)
        }
        None => std::error::Error::source(e).is_some_and(|c| c.is::<std::io::Error>()),
    }
}

/// True when the error is a violated foreign key: a row that points at nothing, or at a row
/// of another case.
pub(crate) fn is_foreign_key_violation(e: &Error) -> bool {
    if let Error::Database(DatabaseError(DbCause::Pg(e))) = e {
        return pg_state(e) == Some(&SqlState::FOREIGN_KEY_VIOLATION);
    }
    matches!(e, Error::Database(DatabaseError(DbCause::Sql(rusqlite::Error::SqliteFailure(f, _))))
        if f.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_FOREIGNKEY)
}

/// A column holding a value its type does not allow (a country code no country has, say).
pub(in crate::store) fn bad_column(index: usize, wanted: &'static str, found: String) -> Error {
    Error::Database(DatabaseError(DbCause::Column(ColumnError {
        index,
        wanted,
        found,
    })))
}

/// True when the error is a violated UNIQUE constraint or unique index: another desk got
/// there first, or the row exists.
pub(crate) fn is_unique_violation(e: &Error) -> bool {
    if let Error::Database(DatabaseError(DbCause::Pg(e))) = e {
        return pg_state(e) == Some(&SqlState::UNIQUE_VIOLATION);
    }
    matches!(e, Error::Database(DatabaseError(DbCause::Sql(rusqlite::Error::SqliteFailure(f, _))))
        if f.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE
            || f.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_PRIMARYKEY)
}
