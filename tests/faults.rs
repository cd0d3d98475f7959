//! Environment faults (issue 6 item 4): a full disk, a read-only file system and a missing
//! database folder each give exit 3 with a message naming the cause, and change nothing.
//! The printer's faults (missing command, non-zero exit, hang) are in tests/cli.rs.
//!
//! Full and read-only disks are real: a small tmpfs mounted for the test, which needs root
//! (as CI runs; `scripts/test.sh` is run as root on a fresh machine).

mod common;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

use common::Env;
use serde_json::Value;

const H1: Option<&str> = Some("handlaggare1");

/// A tmpfs mounted on a fresh folder, unmounted when dropped.
struct Tmpfs {
    _dir: tempfile::TempDir,
    path: PathBuf,
}

impl Tmpfs {
    fn mount(size: &str) -> Self {
        let uid = Command::new("id").arg("-u").output().expect("id -u");
        assert_eq!(
            String::from_utf8_lossy(&uid.stdout).trim(),
            "0",
            "the fault tests mount a tmpfs and need root (CI runs as root)"
        );
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("disk");
        std::fs::create_dir(&path).expect("mount point");
        let out = Command::new("mount")
            .args([
                "-t",
                "tmpfs",
                "-o",
                &format!("size={size},mode=0700"),
                "tmpfs",
            ])
            .arg(&path)
            .output()
            .expect("mount");
        assert!(
            out.status.success(),
            "mount tmpfs: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        Self { _dir: dir, path }
    }

    fn remount(&self, how: &str) {
        let out = Command::new("mount")
            .args(["-o", &format!("remount,{how}")])
            .arg(&self.path)
            .output()
            .expect("remount");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(&self.path).status();
    }
}

/// An environment whose database (and so outbox and logs) lives on `disk`.
fn env_on(disk: &Tmpfs) -> Env {
    let template = Env::demo();
    let mut env = Env::new();
    env.db = disk.path.join("kuvert.db");
    std::fs::copy(&template.db, &env.db).expect("copy the demo onto the small disk");
    env
}

/// Fills the disk, leaving about `spare` bytes; returns the filler's path.
fn fill(disk: &Tmpfs, spare: u64) -> PathBuf {
    let filler = disk.path.join("filler");
    let mut f = std::fs::File::create(&filler).expect("filler");
    let chunk = vec![0u8; 64 * 1024];
    while f.write_all(&chunk).is_ok() {}
    let _ = f.flush();
    drop(f);
    // Give back `spare` bytes.
    let len = std::fs::metadata(&filler).expect("filler size").len();
    let f = std::fs::OpenOptions::new()
        .write(true)
        .open(&filler)
        .expect("filler");
    f.set_len(len.saturating_sub(spare)).expect("shrink filler");
    filler
}

fn status(env: &Env) -> Value {
    env.json(H1, &["mail", "status"], 0)
}

fn audit_ok(env: &Env) {
    let audit = env.json(None, &["audit", "verify"], 0);
    assert_eq!(audit["ok"], true, "{audit}");
}

fn integrity(db: &Path) -> String {
    rusqlite::Connection::open(db)
        .expect("open")
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .expect("integrity")
}

/// `mail start` in English, which must fail with exit 3 saying nothing was changed; its
/// message, to check the cause it names.
fn start_is_refused(env: &Env, case: &str, party: i64) -> String {
    let out = env.run(
        H1,
        &[
            "--lang",
            "en",
            "mail",
            "start",
            case,
            "--to",
            &party.to_string(),
        ],
    );
    let err = common::stderr(&out);
    assert_eq!(out.status.code(), Some(3), "{err}");
    assert!(err.contains("Nothing was changed"), "{err}");
    err
}

#[test]
fn a_full_disk_refuses_the_change_and_says_so() {
    let disk = Tmpfs::mount("16m");
    let env = env_on(&disk);
    let (case, party, _) = common::plain_case(&env, H1);
    let events = env.json(None, &["audit", "verify"], 0)["events"].clone();
    let filler = fill(&disk, 0);
    let err = start_is_refused(&env, &case, party);
    assert!(
        err.contains("disk is full") || err.contains("the disk is read-only or full"),
        "names the cause: {err}"
    );
    std::fs::remove_file(&filler).expect("free the disk");
    assert!(status(&env)["mailing"].is_null(), "no mailing was started");
    assert_eq!(integrity(&env.db), "ok");
    let after = env.json(None, &["audit", "verify"], 0);
    assert_eq!(after["ok"], true);
    // Only the session of the status and audit calls above was added, never a mailing.
    assert!(after["events"].as_i64() >= events.as_i64());
}

#[test]
fn a_full_disk_while_printing_keeps_the_draft() {
    let disk = Tmpfs::mount("16m");
    let env = env_on(&disk);
    let (case, party, doc) = common::plain_case(&env, H1);
    env.json(H1, &["mail", "start", &case, "--to", &party.to_string()], 0);
    env.json(H1, &["mail", "attach", &doc.to_string()], 0);
    // Room for the database's small writes, not for a print job.
    let filler = fill(&disk, 96 * 1024);
    let out = env.run(H1, &["--lang", "en", "mail", "print"]);
    let err = common::stderr(&out);
    assert_eq!(out.status.code(), Some(3), "{err}");
    assert!(
        err.to_lowercase().contains("no space left") || err.contains("disk is full"),
        "names the cause: {err}"
    );
    std::fs::remove_file(&filler).expect("free the disk");
    let st = status(&env);
    assert_eq!(st["state"], "draft", "{st}");
    // No half-written print job is left for anyone to pick up.
    let outbox = disk.path.join("outbox");
    if outbox.exists() {
        let left: Vec<_> = std::fs::read_dir(&outbox)
            .expect("outbox")
            .map(|e| e.expect("entry").file_name())
            .collect();
        assert!(
            left.is_empty(),
            "nothing may be left in the outbox: {left:?}"
        );
    }
    assert_eq!(integrity(&env.db), "ok");
    audit_ok(&env);
    // With room again, the same mailing prints.
    let printed = env.json(H1, &["mail", "print"], 0);
    assert_eq!(printed["state"], "printed");
}

#[test]
fn a_read_only_disk_refuses_the_change_and_says_so() {
    let disk = Tmpfs::mount("16m");
    let env = env_on(&disk);
    let (case, party, _) = common::plain_case(&env, H1);
    disk.remount("ro");
    let err = start_is_refused(&env, &case, party);
    assert!(
        err.contains("read-only") || err.contains("cannot be opened"),
        "names the cause: {err}"
    );
    disk.remount("rw");
    assert!(status(&env)["mailing"].is_null());
    assert_eq!(integrity(&env.db), "ok");
    audit_ok(&env);
}

#[test]
fn a_missing_database_folder_says_how_to_make_one() {
    let mut env = Env::new();
    env.db = env.dir.path().join("no-such-folder").join("kuvert.db");
    let out = env.run(H1, &["--lang", "en", "case", "list"]);
    let err = common::stderr(&out);
    assert_eq!(out.status.code(), Some(3), "{err}");
    assert!(err.contains("kuvert init"), "{err}");
    assert!(
        !env.db.parent().expect("parent").exists(),
        "nothing created"
    );
}
