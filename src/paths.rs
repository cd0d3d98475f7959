//! Where kuvert keeps its files: flags and environment first, then `kuvert.toml`, then the
//! platform folders (`~/.local/share/kuvert`, `~/.config/kuvert` on Linux).

use std::path::{Path, PathBuf};

use directories::ProjectDirs;

use crate::config::Config;
use crate::error::{Error, Problem, Result};

/// File name of the production database in the data folder.
pub const DB_FILE: &str = "kuvert.db";
/// File name of the demo database in the data folder.
pub const DEMO_DB_FILE: &str = "kuvert-demo.db";

fn dirs() -> Result<ProjectDirs> {
    ProjectDirs::from("se", "", "kuvert").ok_or_else(|| {
        Error::Environment(
            "no home folder: give --db and --config (or KUVERT_DB, KUVERT_CONFIG)".into(),
        )
    })
}

/// The config file and whether it was named explicitly (then it must exist).
pub fn config_path(flag: Option<&Path>) -> Result<(PathBuf, bool)> {
    match flag {
        Some(p) => Ok((p.to_owned(), true)),
        None => Ok((dirs()?.config_dir().join("kuvert.toml"), false)),
    }
}

/// Loads the config: an explicit path must exist, the default one may be absent.
pub fn load_config(flag: Option<&Path>) -> Result<Config> {
    let (path, explicit) = config_path(flag)?;
    if !explicit && !path.exists() {
        return Ok(Config::default());
    }
    Config::load(&path)
}

/// The database: `--db`/`KUVERT_DB`, else `db` in the config, else the data folder. A
/// PostgreSQL address is never taken for a file name (it would create a folder called
/// `postgresql:`); this version cannot connect to a server yet and says so.
pub fn db_path(flag: Option<&Path>, config: &Config, demo: bool) -> Result<PathBuf> {
    let chosen = match (flag, &config.db) {
        (Some(p), _) => p.to_owned(),
        (None, Some(p)) if !demo => p.clone(),
        _ => {
            return Ok(dirs()?
                .data_dir()
                .join(if demo { DEMO_DB_FILE } else { DB_FILE }));
        }
    };
    if let Some(url) = chosen.to_str().filter(|t| is_server_url(t)) {
        return Err(Problem::ServerNotYet {
            server: without_password(url),
        }
        .into());
    }
    Ok(chosen)
}

pub use crate::store::pg::is_url as is_server_url;

/// A server address fit for a message: a password written in it becomes `***`.
fn without_password(url: &str) -> String {
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

/// The outbox: `outbox` in the config, else `outbox/` beside the database.
pub fn outbox(config: &Config, db: &Path) -> PathBuf {
    config.outbox.clone().unwrap_or_else(|| {
        db.parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or_else(|| Path::new("."))
            .join("outbox")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn server_addresses_are_never_file_names() {
        for url in [
            "postgresql:///kuvert?host=/run/postgresql",
            "POSTGRES://db.example/kuvert",
        ] {
            assert!(is_server_url(url), "{url}");
            let e = db_path(Some(Path::new(url)), &Config::default(), false).expect_err("refused");
            assert_eq!(e.exit_code(), 3);
        }
        for file in ["postgresql.db", "/srv/kuvert/kuvert.db", "postgres"] {
            assert!(!is_server_url(file), "{file}");
        }
        let config = Config {
            db: Some(PathBuf::from("postgresql://db/kuvert")),
            ..Config::default()
        };
        assert!(
            db_path(None, &config, false).is_err(),
            "the config's db too"
        );
    }

    #[test]
    fn a_password_never_reaches_a_message() {
        assert_eq!(
            without_password("postgresql://anna:hemligt@db.fk.se:5432/kuvert?sslmode=require"),
            "postgresql://anna:***@db.fk.se:5432/kuvert?sslmode=require"
        );
        assert_eq!(
            without_password("postgresql:///kuvert?host=/run/postgresql&user=anna"),
            "postgresql:///kuvert?host=/run/postgresql&user=anna"
        );
        assert_eq!(
            without_password("postgresql://anna@db/k"),
            "postgresql://anna@db/k"
        );
    }
}
