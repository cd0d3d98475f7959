//! Access (issue 6 item 6): the files kuvert creates are private to their owner, or shared
//! with a group when the config says so; what each role may do is in tests/rules.rs,
//! tests/lead.rs and tests/retention.rs.

mod common;

use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use common::Env;

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .permissions()
        .mode()
        & 0o777
}

fn with_suffix(db: &Path, suffix: &str) -> std::path::PathBuf {
    let mut s = db.as_os_str().to_owned();
    s.push(suffix);
    s.into()
}

/// `kuvert init`, then the first user registers (a write, so the head file and the WAL
/// files exist too); returns the files' modes.
fn init_and_write(env: &Env) -> Vec<(String, u32)> {
    env.json(None, &["init"], 0);
    let account = String::from_utf8(
        std::process::Command::new("id")
            .arg("-un")
            .output()
            .expect("id -un")
            .stdout,
    )
    .expect("utf-8");
    env.json(
        None,
        &[
            "user",
            "add",
            account.trim(),
            "--name",
            "IT",
            "--role",
            "lead",
            "--team",
            "A",
        ],
        0,
    );
    let mut out = vec![("db".to_owned(), mode(&env.db))];
    for suffix in [".head", "-wal", "-shm"] {
        let p = with_suffix(&env.db, suffix);
        if p.exists() {
            out.push((suffix.to_owned(), mode(&p)));
        }
    }
    out.push(("logs/".to_owned(), mode(&env.dir.path().join("logs"))));
    out
}

#[test]
fn files_are_private_to_their_owner_by_default() {
    let env = Env::new();
    let modes = init_and_write(&env);
    assert!(modes.iter().any(|(f, _)| f == ".head"), "{modes:?}");
    for (file, m) in &modes {
        let expected = if file == "logs/" { 0o700 } else { 0o600 };
        assert_eq!(*m, expected, "{file}: {m:o} in {modes:?}");
    }
}

#[test]
fn a_team_can_share_them_through_a_group() {
    let env = Env::new();
    std::fs::write(&env.config, "file_access = \"group\"\n").expect("config");
    let modes = init_and_write(&env);
    for (file, m) in &modes {
        let expected = if file == "logs/" { 0o770 } else { 0o660 };
        assert_eq!(*m, expected, "{file}: {m:o} in {modes:?}");
    }
}

#[test]
fn an_unknown_file_access_is_bad_config() {
    let env = Env::new();
    std::fs::write(&env.config, "file_access = \"everyone\"\n").expect("config");
    let out = env.run(None, &["init"]);
    assert_eq!(out.status.code(), Some(2), "{}", common::stderr(&out));
    assert!(common::stderr(&out).contains("file_access"));
    assert!(!env.db.exists());
}
