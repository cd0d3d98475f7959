//! `kuvert.toml`: where the database and outbox live, the printer, the sender and forwarding
//! addresses, the verification policy and the language.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::error::{Error, Result};
use crate::i18n::Lang;
use crate::model::{Address, VerifyPolicy};

/// The agency that sends the mail: printed in the sender block and as the return address.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Sender {
    pub name: String,
    pub unit: String,
    pub street: String,
    pub postal_code: String,
    pub city: String,
    #[serde(default)]
    pub phone: Option<String>,
}

impl Default for Sender {
    fn default() -> Self {
        Self {
            name: "Försäkringskassan".into(),
            unit: "Inläsningscentralen".into(),
            street: "Box 1164".into(),
            postal_code: "62122".into(),
            city: "Visby".into(),
            phone: Some("0771-524 524".into()),
        }
    }
}

/// Where mail to persons with protected identity goes (Skatteverket's forwarding service).
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Forwarding {
    pub name: String,
    pub address: Address,
}

impl Default for Forwarding {
    fn default() -> Self {
        Self {
            name: "Skatteverket".into(),
            address: Address {
                care_of: None,
                street: "Box 2820".into(),
                postal_code: "40320".into(),
                city: "Göteborg".into(),
                country: crate::country::Country::SWEDEN,
            },
        }
    }
}

/// The whole configuration; every field has a default, so a missing file is a valid setup.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// The database file; `--db` and `KUVERT_DB` win over it.
    pub db: Option<PathBuf>,
    /// Where print jobs are written (always, printer or not).
    pub outbox: Option<PathBuf>,
    /// Printer command, split like a shell would; `{mailing}` and `{generation}` are filled
    /// in and the PDF path is appended. Example: `lp -d KUVERT -t kuvert-{mailing}`.
    pub printer_command: Option<String>,
    /// Seconds to wait for the printer command before the print counts as failed.
    pub printer_timeout_secs: u64,
    /// The printer's name as shown to the caseworker ("collect N sheets from …").
    pub printer_name: Option<String>,
    pub sender: Sender,
    pub forwarding: Forwarding,
    /// `every-sheet` (default) or `cover-and-document-ends`.
    pub verify: String,
    pub language: Lang,
    /// Four eyes: a printed mailing must be scanned and sealed by someone other than the
    /// person who printed it (at a sealing station); both are in the log.
    pub dual_control: bool,
    /// Where the diagnostic log files go; default `logs/` beside the database.
    pub log_dir: Option<PathBuf>,
    /// `off`, `error`, `warn`, `info` (default), `debug` or `trace`; `KUVERT_LOG` wins.
    pub log_level: String,
    /// Milliseconds a desk waits for another desk's write before "database busy" (exit 3);
    /// `KUVERT_BUSY_TIMEOUT_MS` wins.
    pub busy_timeout_ms: u64,
    /// Who may read and write the files kuvert creates (database, head file, logs, print
    /// jobs): "owner" (mode 0600, default) or "group" (0660; put the data folder in a setgid
    /// directory of the kuvert group so every desk's account shares it).
    pub file_access: String,
    /// The largest import manifest accepted, in MiB.
    pub import_max_manifest_mb: u64,
    /// The largest document file an import accepts, in MiB.
    pub import_max_document_mb: u64,
    /// How the terminal UI tells a barcode scanner's burst from typing (`[scanner]`).
    pub scanner: Scanner,
}

/// The burst rule of the terminal UI (README, "Scanner or hand"). A burst is a run of
/// keystrokes with no pause longer than `max_gap_ms`; it is a scan when it has at least
/// `min_chars` characters and its keystrokes came `mean_gap_ms` apart or closer on average,
/// so one hiccup (a remote session that splits a burst) does not make a scan "keyed".
#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields, default)]
pub struct Scanner {
    /// The pause that ends a burst; keys typed by hand reach the screen after it.
    pub max_gap_ms: u64,
    /// The longest average gap between the keystrokes of a scan.
    pub mean_gap_ms: u64,
    /// The fewest characters of a scan (an EAN-8 has 8, a sheet code 20).
    pub min_chars: usize,
}

impl Default for Scanner {
    fn default() -> Self {
        // Odoo waits at most 150 ms between a scanner's keys, onscan.js asks for 30 ms on
        // average and at least 6 characters; 100 ms keeps typed commands quick.
        Self {
            max_gap_ms: 100,
            mean_gap_ms: 30,
            min_chars: 6,
        }
    }
}

impl Default for Config {
    fn default() -> Self {
        Self {
            db: None,
            outbox: None,
            printer_command: None,
            printer_timeout_secs: 60,
            printer_name: None,
            sender: Sender::default(),
            forwarding: Forwarding::default(),
            verify: VerifyPolicy::EverySheet.as_str().into(),
            language: Lang::Sv,
            dual_control: false,
            log_dir: None,
            log_level: "info".into(),
            busy_timeout_ms: 10_000,
            file_access: "owner".into(),
            import_max_manifest_mb: 16,
            import_max_document_mb: 64,
            scanner: Scanner::default(),
        }
    }
}

impl Config {
    /// Reads a config file. A missing file at an explicitly given path is an error; the
    /// caller decides whether the default path may be absent.
    pub fn load(path: &Path) -> Result<Self> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| Error::io(format!("reading config {}", path.display()), e))?;
        Self::parse(&text).map_err(|e| Error::Invalid(format!("config {}: {e}", path.display())))
    }

    /// Parses config text and checks its values.
    pub fn parse(text: &str) -> std::result::Result<Self, String> {
        let config: Config = toml::from_str(text).map_err(|e| e.to_string())?;
        config.verify_policy()?;
        config.file_mode()?;
        let sc = config.scanner;
        if sc.max_gap_ms == 0 || sc.max_gap_ms > 1000 || sc.mean_gap_ms > sc.max_gap_ms {
            return Err(format!(
                "[scanner] max_gap_ms = {} and mean_gap_ms = {}: use 1 to 1000 ms, mean no longer than max",
                sc.max_gap_ms, sc.mean_gap_ms
            ));
        }
        if sc.min_chars < 2 {
            return Err("[scanner] min_chars must be at least 2".into());
        }
        if let Some(cmd) = &config.printer_command {
            let words = shell_words::split(cmd).map_err(|e| format!("printer_command: {e}"))?;
            if words.is_empty() {
                return Err(
                    "printer_command is empty; remove it to print to the outbox only".into(),
                );
            }
        }
        Ok(config)
    }

    /// The mode of the files kuvert creates, from `file_access`.
    pub fn file_mode(&self) -> std::result::Result<u32, String> {
        match self.file_access.as_str() {
            "owner" => Ok(0o600),
            "group" => Ok(0o660),
            other => Err(format!(
                "file_access = \"{other}\" is not known; use \"owner\" (0600) or \"group\" (0660)"
            )),
        }
    }

    /// The verification policy named by `verify`.
    pub fn verify_policy(&self) -> std::result::Result<VerifyPolicy, String> {
        VerifyPolicy::parse(&self.verify).ok_or_else(|| {
            format!(
                "verify = \"{}\" is not a policy; use \"every-sheet\" or \"cover-and-document-ends\"",
                self.verify
            )
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_file_is_all_defaults() {
        assert_eq!(Config::parse(""), Ok(Config::default()));
    }

    #[test]
    fn full_file() {
        let c = Config::parse(
            r#"
            db = "/srv/kuvert/kuvert.db"
            outbox = "/srv/kuvert/outbox"
            printer_command = "lp -d KUVERT -t kuvert-{mailing}"
            verify = "cover-and-document-ends"
            language = "en"
            dual_control = true
            [sender]
            name = "Försäkringskassan"
            unit = "Sjukpenning Göteborg"
            street = "Box 1"
            postal_code = "40010"
            city = "Göteborg"
            [forwarding]
            name = "Skatteverket"
            address = { street = "Box 2820", postal_code = "40320", city = "Göteborg" }
            "#,
        )
        .expect("valid config");
        assert_eq!(c.language, Lang::En);
        assert_eq!(c.verify_policy(), Ok(VerifyPolicy::CoverAndDocumentEnds));
        assert_eq!(c.sender.unit, "Sjukpenning Göteborg");
        assert!(c.dual_control);
    }

    #[test]
    fn bad_values_are_named() {
        let e = Config::parse("verify = \"some\"").expect_err("bad policy");
        assert!(e.contains("every-sheet"), "{e}");
        let e = Config::parse("printer = \"x\"").expect_err("unknown key");
        assert!(e.contains("printer"), "{e}");
        let e = Config::parse("printer_command = \"lp 'unclosed\"").expect_err("bad quoting");
        assert!(e.contains("printer_command"), "{e}");
        let e = Config::parse("file_access = \"world\"").expect_err("bad access");
        assert!(e.contains("owner"), "{e}");
        assert_eq!(Config::default().file_mode(), Ok(0o600));
    }
}
