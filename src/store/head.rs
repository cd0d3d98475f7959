//! The event log's head, kept in a file beside the database (`kuvert.db.head`): the sequence
//! number and hash of the newest event kuvert wrote. Whoever has only the database file can
//! edit an event and re-hash everything after it, or delete the newest events, and the chain
//! inside the database would still look whole; the head file outside it would not match.
//!
//! Written after every committed change, only ever forward, under an exclusive file lock so
//! desks writing at the same moment never move it back. A crash between the commit and this
//! write leaves the head one step behind, which is still a true statement about the log.

use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use crate::error::{Error, Problem, Result};

const MAGIC: &str = "kuvert-audit-head 1";

/// The newest event as recorded outside the database.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Head {
    pub seq: i64,
    pub hash: String,
}

/// The head file of a database: its path with `.head` appended.
pub fn path_for(db: &Path) -> PathBuf {
    let mut p = db.as_os_str().to_owned();
    p.push(".head");
    PathBuf::from(p)
}

fn parse(text: &str) -> Option<Head> {
    let mut lines = text.lines();
    if lines.next()? != MAGIC {
        return None;
    }
    let mut words = lines.next()?.split_whitespace();
    let seq = words.next()?.parse().ok()?;
    let hash = words.next()?.to_owned();
    (hash.len() == 64 && hash.bytes().all(|b| b.is_ascii_hexdigit())).then_some(Head { seq, hash })
}

/// Moves a database's head file along with the database (a build renamed into place).
/// No head file to move is fine: it is written with the next change.
pub fn rename(from_db: &Path, to_db: &Path) -> Result<()> {
    let (from, to) = (path_for(from_db), path_for(to_db));
    match std::fs::rename(&from, &to) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(Error::io(format!("moving {}", from.display()), e)),
    }
}

/// The recorded head; None when there is no head file yet. A file that is there but cannot
/// be read as a head is an error: it was damaged or replaced.
pub fn read(db: &Path) -> Result<Option<Head>> {
    read_file(&path_for(db))
}

/// A head file at any path (a copy kept elsewhere); None when it does not exist.
pub fn read_file(path: &Path) -> Result<Option<Head>> {
    let path = path.to_owned();
    let mut file = match File::open(&path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(Error::io(format!("reading {}", path.display()), e)),
    };
    let io = |e| Error::io(format!("reading {}", path.display()), e);
    file.lock_shared().map_err(io)?;
    let mut text = String::new();
    file.read_to_string(&mut text).map_err(io)?;
    if text.is_empty() {
        // Created by a desk killed before its first write: as good as no head file yet.
        return Ok(None);
    }
    parse(&text).map(Some).ok_or_else(|| {
        Error::from(Problem::NotAHeadFile {
            path: path.to_owned(),
        })
    })
}

/// The text of a head file naming `head`: what `advance` writes and `read_file` reads.
pub fn file_text(head: &Head) -> String {
    format!("{MAGIC}\n{} {}\n", head.seq, head.hash)
}

/// Moves the head forward to `head` (never back).
pub fn advance(db: &Path, head: &Head) -> Result<()> {
    let path = path_for(db);
    let io = |e| Error::io(format!("writing {}", path.display()), e);
    let mut options = OpenOptions::new();
    options.read(true).write(true).create(true).truncate(false);
    // As private as the database, and as shared: every desk that writes the database
    // must be able to move the head.
    let mode = super::file_mode_of(db).unwrap_or(0o600) & 0o660;
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, mode);
    let mut file = options.open(&path).map_err(io)?;
    #[cfg(unix)]
    if file.metadata().map_err(io)?.len() == 0 {
        use std::os::unix::fs::PermissionsExt;
        // Only the creator may change the mode; the umask may have taken group bits.
        let _ = file.set_permissions(std::fs::Permissions::from_mode(mode));
    }
    file.lock().map_err(io)?;
    let mut text = String::new();
    file.read_to_string(&mut text).map_err(io)?;
    if parse(&text).is_some_and(|old| old.seq >= head.seq) {
        return Ok(());
    }
    // Overwrite in place, never empty first: a kill between two steps must leave a whole
    // head. The new text is never shorter than the old (the seq only grows), so after the
    // one small write the file already holds exactly the new head.
    let new = file_text(head);
    file.seek(SeekFrom::Start(0)).map_err(io)?;
    file.write_all(new.as_bytes()).map_err(io)?;
    file.set_len(new.len() as u64).map_err(io)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn head(seq: i64, c: char) -> Head {
        Head {
            seq,
            hash: c.to_string().repeat(64),
        }
    }

    #[test]
    fn the_head_only_moves_forward() {
        let dir = tempfile::tempdir().expect("tempdir");
        let db = dir.path().join("k.db");
        assert_eq!(read(&db).expect("read"), None);
        advance(&db, &head(5, 'a')).expect("advance");
        advance(&db, &head(3, 'b')).expect("older: ignored");
        assert_eq!(read(&db).expect("read"), Some(head(5, 'a')));
        advance(&db, &head(9, 'c')).expect("advance");
        assert_eq!(read(&db).expect("read"), Some(head(9, 'c')));
    }

    #[test]
    fn an_empty_head_file_is_no_head_and_a_longer_one_is_rewritten_whole() {
        let dir = tempfile::tempdir().expect("tempdir");
        let db = dir.path().join("k.db");
        std::fs::write(path_for(&db), "").expect("write");
        assert_eq!(read(&db).expect("read"), None);
        advance(&db, &head(9, 'a')).expect("advance");
        advance(&db, &head(10, 'b')).expect("advance");
        assert_eq!(read(&db).expect("read"), Some(head(10, 'b')));
        let text = std::fs::read_to_string(path_for(&db)).expect("text");
        assert_eq!(text.lines().count(), 2, "{text:?}");
    }

    #[test]
    fn a_damaged_head_file_is_an_error() {
        let dir = tempfile::tempdir().expect("tempdir");
        let db = dir.path().join("k.db");
        std::fs::write(path_for(&db), "hello").expect("write");
        assert!(read(&db).is_err());
    }
}
