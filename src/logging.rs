//! Diagnostics for IT: a daily log file in the log folder (`paths::log_dir`: `logs/` beside the
//! database file unless configured), never the caseworker's screen. What is logged are operations, ids, case
//! numbers, rules and timings: never names, personal identity numbers or addresses.

use std::path::Path;

use tracing::level_filters::LevelFilter;

use crate::config::{Config, LogLevel};
use crate::error::{Error, Problem, Result};

/// The environment variable that overrides the configured log level.
pub const LEVEL_ENV: &str = "KUVERT_LOG";

/// The level: `KUVERT_LOG`, else `log_level` in the config (`off`, `error` … `trace`).
pub fn level(config: &Config) -> Result<LevelFilter> {
    let level = match std::env::var(LEVEL_ENV) {
        Ok(text) => LogLevel::parse(&text).map_err(|_| Problem::BadVariable {
            name: LEVEL_ENV.into(),
            value: text.clone(),
        })?,
        Err(_) => config.log_level,
    };
    Ok(match level {
        LogLevel::Off => LevelFilter::OFF,
        LogLevel::Error => LevelFilter::ERROR,
        LogLevel::Warn => LevelFilter::WARN,
        LogLevel::Info => LevelFilter::INFO,
        LogLevel::Debug => LevelFilter::DEBUG,
        LogLevel::Trace => LevelFilter::TRACE,
    })
}

/// Starts writing diagnostics to `kuvert-ACCOUNT.log.YYYY-MM-DD` in `dir` (one file per OS
/// account, so desks sharing a data folder never write into each other's file; the folder
/// is made with `dir_mode` if new). Once per process; later calls do nothing.
pub fn init(dir: &Path, level: LevelFilter, dir_mode: u32) -> Result<()> {
    if level == LevelFilter::OFF {
        return Ok(());
    }
    create_private_dir(dir, dir_mode)?;
    let account = crate::account::os_account().unwrap_or_else(|_| "unknown".into());
    let prefix: String = account
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let appender = tracing_appender::rolling::Builder::new()
        .rotation(tracing_appender::rolling::Rotation::DAILY)
        .filename_prefix(format!("kuvert-{prefix}.log"))
        .build(dir)
        .map_err(|e| {
            Error::from(Problem::LogFolder {
                path: dir.to_owned(),
                cause: e.to_string(),
            })
        })?;
    // Err only if a subscriber is already set (a second call): keep the first.
    let _ = tracing_subscriber::fmt()
        .with_writer(appender)
        .with_ansi(false)
        .with_target(false)
        .with_max_level(level)
        .try_init();
    Ok(())
}

fn create_private_dir(dir: &Path, mode: u32) -> Result<()> {
    if dir.is_dir() {
        return Ok(());
    }
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, mode);
    #[cfg(not(unix))]
    let _ = mode;
    let io = |e| Error::io(format!("creating the log folder {}", dir.display()), e);
    builder.create(dir).map_err(io)?;
    // Exactly the mode asked for: the umask may have taken the group's bits.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(mode)).map_err(io)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_config_level_is_used_unless_kuvert_log_says_otherwise() {
        let c = Config {
            log_level: LogLevel::Warn,
            ..Config::default()
        };
        if std::env::var(LEVEL_ENV).is_err() {
            assert_eq!(level(&c).expect("warn"), LevelFilter::WARN);
            assert_eq!(level(&Config::default()).expect("info"), LevelFilter::INFO);
        }
        let e = LogLevel::parse("loud").expect_err("not a level");
        assert!(e.contains("loud") && e.contains("trace"), "{e}");
    }
}
