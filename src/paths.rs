//! Where kuvert keeps its files: flags and environment first, then `kuvert.toml`, then the
//! platform folders (`~/.local/share/kuvert`, `~/.config/kuvert` on Linux).

use std::path::{Path, PathBuf};

use directories::ProjectDirs;

use crate::config::Config;
use crate::error::{Error, Result};

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
pub fn db_path(flag: Option<&Path>, config: &Config, demo: bool) -> Result<PathBuf> {
    if let Some(p) = flag {
        return Ok(p.to_owned());
    }
    if !demo && let Some(p) = &config.db {
        return Ok(p.clone());
    }
    Ok(dirs()?
        .data_dir()
        .join(if demo { DEMO_DB_FILE } else { DB_FILE }))
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
