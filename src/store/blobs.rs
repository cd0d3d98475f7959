//! Large values (documents' bytes) in and out of SQLite without whole copies: incremental
//! blob I/O on the transaction's connection. A server's values come and go whole.

use super::{Result, Tx, TxInner};

impl Tx<'_> {
    /// The bytes of a large value, read straight from SQLite's pages into one buffer
    /// (incremental blob I/O): `sqlite3_column_blob` would first assemble the whole value
    /// in a buffer of its own, which rusqlite then copies, two copies of a 57 MB scan.
    /// `rowid` names the row; `None` on a server, whose values come whole (and once).
    pub(in crate::store) fn read_blob(
        &self,
        table: &str,
        column: &str,
        rowid: i64,
    ) -> Result<Option<Vec<u8>>> {
        let TxInner::Lite(tx) = &self.0 else {
            return Ok(None);
        };
        let blob = tx.blob_open(rusqlite::MAIN_DB, table, column, rowid, true)?;
        let mut out = vec![0u8; blob.len()];
        blob.read_at_exact(&mut out, 0)?;
        Ok(Some(out))
    }

    /// Writes `bytes` into the value of `table.column` of `rowid`, which a statement made
    /// `zeroblob(len)`, piece by piece: binding them would make SQLite copy them whole
    /// first. False on a server, where the caller binds them.
    pub(in crate::store) fn write_blob(
        &self,
        table: &str,
        column: &str,
        rowid: i64,
        bytes: &[u8],
    ) -> Result<bool> {
        let TxInner::Lite(tx) = &self.0 else {
            return Ok(false);
        };
        let mut blob = tx.blob_open(rusqlite::MAIN_DB, table, column, rowid, false)?;
        blob.write_at(bytes, 0)?;
        Ok(true)
    }
}
