//! Where kuvert keeps its files: flags and environment first, then `kuvert.toml`, then the
//! platform folders (`~/.local/share/kuvert`, `~/.config/kuvert` on Linux).

use std::path::{Path, PathBuf};

use directories::ProjectDirs;

use crate::config::Config;
use crate::error::{Error, Problem, Result};
use crate::store::Location;

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

/// The database: `--db`/`KUVERT_DB`, else `db` in the config, else the data folder.
pub fn database(flag: Option<&Path>, config: &Config) -> Result<Location> {
    Ok(match flag.or(config.db.as_deref()) {
        Some(p) => Location::parse(p),
        None => Location::File(dirs()?.data_dir().join(DB_FILE)),
    })
}

/// The demo database: `--db`/`KUVERT_DB`, else the data folder (never the config's `db`,
/// which is the office's). Always a file on this host: a server is refused.
pub fn demo_database(flag: Option<&Path>) -> Result<PathBuf> {
    match flag.map(Location::parse) {
        Some(Location::File(path)) => Ok(path),
        Some(Location::Server { name, .. }) => Err(Problem::DemoOnServer { server: name }.into()),
        None => Ok(dirs()?.data_dir().join(DEMO_DB_FILE)),
    }
}

pub use crate::store::pg::is_url as is_server_url;

/// The folder this desk keeps its own files in (outbox, diagnostic log) unless the config
/// names them: beside a database file, or the data folder when the database is on a server.
pub fn desk_folder(db: &Location) -> Result<PathBuf> {
    Ok(match db {
        Location::File(path) => path
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or_else(|| Path::new("."))
            .to_owned(),
        Location::Server { .. } => dirs()?.data_dir().to_owned(),
    })
}

/// The outbox: `outbox` in the config, else `outbox/` in the desk's folder.
pub fn outbox(config: &Config, db: &Location) -> Result<PathBuf> {
    match &config.outbox {
        Some(dir) => Ok(dir.clone()),
        None => Ok(desk_folder(db)?.join("outbox")),
    }
}

/// The diagnostic log's folder: `log_dir` in the config, else `logs/` in the desk's folder.
pub fn log_dir(config: &Config, db: &Location) -> Result<PathBuf> {
    match &config.log_dir {
        Some(dir) => Ok(dir.clone()),
        None => Ok(desk_folder(db)?.join("logs")),
    }
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
            let at = database(Some(Path::new(url)), &Config::default()).expect("server");
            assert!(matches!(at, Location::Server { .. }), "{at:?}");
            let e = demo_database(Some(Path::new(url))).expect_err("demo");
            assert_eq!(e.exit_code(), 2, "the demo is a file");
        }
        for file in ["postgresql.db", "/srv/kuvert/kuvert.db", "postgres"] {
            assert!(!is_server_url(file), "{file}");
            let at = database(Some(Path::new(file)), &Config::default()).expect("file");
            assert_eq!(at, Location::File(PathBuf::from(file)));
        }
        let config = Config {
            db: Some(PathBuf::from("postgresql://anna:hemligt@db/kuvert")),
            ..Config::default()
        };
        let Location::Server { url, name } = database(None, &config).expect("server") else {
            panic!("the config's db is a server too");
        };
        assert_eq!(url, "postgresql://anna:hemligt@db/kuvert");
        assert_eq!(name, "postgresql://anna:***@db/kuvert");
    }

    #[test]
    fn a_desk_on_a_server_keeps_its_files_in_its_own_data_folder() {
        let config = Config::default();
        let file = Location::File(PathBuf::from("/srv/k/kuvert.db"));
        assert_eq!(
            outbox(&config, &file).expect("outbox"),
            Path::new("/srv/k/outbox")
        );
        assert_eq!(
            log_dir(&config, &file).expect("logs"),
            Path::new("/srv/k/logs")
        );
        let bare = Location::File(PathBuf::from("kuvert.db"));
        assert_eq!(log_dir(&config, &bare).expect("logs"), Path::new("./logs"));
        let server = Location::parse(Path::new("postgresql:///kuvert?host=/tmp"));
        let data = dirs().expect("home").data_dir().to_owned();
        assert_eq!(
            outbox(&config, &server).expect("outbox"),
            data.join("outbox")
        );
        assert_eq!(log_dir(&config, &server).expect("logs"), data.join("logs"));
        let named = Config {
            outbox: Some(PathBuf::from("/var/spool/kuvert")),
            log_dir: Some(PathBuf::from("/var/log/kuvert")),
            ..Config::default()
        };
        assert_eq!(
            outbox(&named, &server).expect("outbox"),
            Path::new("/var/spool/kuvert")
        );
        assert_eq!(
            log_dir(&named, &server).expect("logs"),
            Path::new("/var/log/kuvert")
        );
    }

    #[test]
    fn a_password_never_reaches_a_message() {
        use crate::store::pg::without_password;
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
