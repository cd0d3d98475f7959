//! What only the SQLite backend needs: binding kuvert's values, and the database file
//! created with its permissions before anything is written to it.

use std::path::Path;

use rusqlite::types::ValueRef;
use rusqlite::{Connection, OpenFlags, OptionalExtension};

use super::DbKind;
use super::sql::Value;
use crate::error::{Error, Result};

impl rusqlite::ToSql for Value<'_> {
    fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
        Ok(rusqlite::types::ToSqlOutput::Borrowed(match *self {
            Value::Null => ValueRef::Null,
            Value::Int(i) => ValueRef::Integer(i),
            Value::Text(t) => ValueRef::Text(t.as_bytes()),
            Value::Blob(b) => ValueRef::Blob(b),
        }))
    }
}

/// A connection to an existing file (never creating one), as every store opens it.
pub(super) fn open_existing(path: &Path) -> Result<Connection> {
    Ok(Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_URI
            | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?)
}

/// What the file's meta table says it is; `None` for a file kuvert did not create.
pub(super) fn kind(conn: &Connection) -> Result<Option<DbKind>> {
    let has_meta: bool = conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'meta')",
        [],
        |r| r.get(0),
    )?;
    if !has_meta {
        return Ok(None);
    }
    let kind: Option<String> = conn
        .query_row("SELECT value FROM meta WHERE key = 'kind'", [], |r| {
            r.get(0)
        })
        .optional()?;
    Ok(kind.as_deref().and_then(DbKind::parse))
}

/// Creates an empty file with exactly `mode` (whatever the umask), so personal data is never
/// written into a file others can read.
pub(super) fn create_private_file(path: &Path, mode: u32) -> Result<()> {
    let io = |e| Error::io(format!("creating {}", path.display()), e);
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
        options.mode(mode);
        options.open(path).map_err(io)?;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).map_err(io)?;
    }
    #[cfg(not(unix))]
    {
        let _ = mode;
        options.open(path).map_err(io)?;
    }
    Ok(())
}

/// The permission bits of a file (the head file and logs follow the database's).
#[cfg(unix)]
pub fn file_mode_of(path: &Path) -> Option<u32> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path)
        .ok()
        .map(|m| m.permissions().mode() & 0o777)
}

#[cfg(not(unix))]
pub fn file_mode_of(_path: &Path) -> Option<u32> {
    None
}
