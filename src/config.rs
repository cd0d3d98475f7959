//! `kuvert.toml`: what belongs to one desk: where the database and outbox live, the
//! printer, the sender and forwarding addresses, the language, the diagnostics. The team's
//! policies (four eyes, which sheets are scanned) are not here: they live in the database
//! (`kuvert policy`), since the person they check must not be able to switch them off.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::error::{Error, Problem, Result};
use crate::i18n::Lang;
use crate::model::Address;
use crate::policy::PolicyKey;

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
    /// Moved to the team's policies (`kuvert policy set verify …`): read only to say so,
    /// and never used.
    #[serde(rename = "verify")]
    pub moved_verify: Option<Moved>,
    pub language: Lang,
    /// Moved to the team's policies (`kuvert policy set dual_control …`): read only to say
    /// so, and never used, so a desk cannot switch four eyes off.
    #[serde(rename = "dual_control")]
    pub moved_dual_control: Option<Moved>,
    /// Where the diagnostic log files go; default `logs/` beside the database.
    pub log_dir: Option<PathBuf>,
    /// How much goes into the diagnostic log; `KUVERT_LOG` wins.
    pub log_level: LogLevel,
    /// Milliseconds a desk waits for another desk's write before "database busy" (exit 3);
    /// `KUVERT_BUSY_TIMEOUT_MS` wins.
    pub busy_timeout_ms: u64,
    /// Who may read and write the files kuvert creates (database, head file, logs, print
    /// jobs).
    pub file_access: FileAccess,
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
            moved_verify: None,
            language: Lang::Sv,
            moved_dual_control: None,
            log_dir: None,
            log_level: LogLevel::Info,
            busy_timeout_ms: 10_000,
            file_access: FileAccess::Owner,
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
        Self::parse(&text).map_err(|detail| {
            Error::from(Problem::BadConfig {
                path: path.to_owned(),
                detail,
            })
        })
    }

    /// Parses config text and checks its values.
    pub fn parse(text: &str) -> std::result::Result<Self, String> {
        let config: Config = toml::from_str(text).map_err(|e| e.to_string())?;
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
    pub fn file_mode(&self) -> u32 {
        match self.file_access {
            FileAccess::Owner => 0o600,
            FileAccess::Group => 0o660,
        }
    }

    /// The team policies this file still names, with the value it gives them: they have
    /// moved to the database, and kuvert says so (`i18n::policy_key_moved`).
    pub fn moved_keys(&self) -> Vec<(PolicyKey, &str)> {
        [
            (PolicyKey::DualControl, &self.moved_dual_control),
            (PolicyKey::Verify, &self.moved_verify),
        ]
        .into_iter()
        .filter_map(|(key, value)| value.as_ref().map(|v| (key, v.0.as_str())))
        .collect()
    }
}

/// A value under a key that has moved out of the desk's config, kept as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Moved(pub String);

impl<'de> Deserialize<'de> for Moved {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        Ok(Moved(match toml::Value::deserialize(d)? {
            toml::Value::String(s) => s,
            toml::Value::Boolean(b) => b.to_string(),
            toml::Value::Integer(i) => i.to_string(),
            other => format!("{other:?}"),
        }))
    }
}

/// A choice among fixed words, parsed by one function for the config file and the
/// environment alike.
macro_rules! choice {
    ($(#[$meta:meta])* $name:ident ($key:literal) { $($(#[$vmeta:meta])* $variant:ident = $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
        #[serde(try_from = "String")]
        pub enum $name { $($(#[$vmeta])* $variant),+ }

        impl $name {
            /// The word as written in kuvert.toml.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }

            /// Parses the word (any case, surrounding spaces ignored); the error names the
            /// words that are allowed.
            pub fn parse(text: &str) -> std::result::Result<Self, String> {
                match text.trim().to_ascii_lowercase().as_str() {
                    $($text => Ok($name::$variant),)+
                    _ => Err(format!(
                        "{} = \"{}\" is not known; use one of: {}",
                        $key,
                        text,
                        [$($text),+].join(", ")
                    )),
                }
            }
        }

        impl TryFrom<String> for $name {
            type Error = String;
            fn try_from(text: String) -> std::result::Result<Self, String> {
                Self::parse(&text)
            }
        }
    };
}

choice! {
    /// Who may read and write the files kuvert creates.
    FileAccess ("file_access") {
        /// Mode 0600 (the default).
        Owner = "owner",
        /// Mode 0660: put the data folder in a setgid directory of the kuvert group so
        /// every desk's account shares it.
        Group = "group",
    }
}

choice! {
    /// How much goes into the diagnostic log.
    LogLevel ("log_level") {
        Off = "off",
        Error = "error",
        Warn = "warn",
        Info = "info",
        Debug = "debug",
        Trace = "trace",
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
            log_level = "Debug"
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
        assert_eq!(c.sender.unit, "Sjukpenning Göteborg");
        assert_eq!(c.log_level, LogLevel::Debug);
        // The policies have moved to the database: named, never used.
        assert_eq!(
            c.moved_keys(),
            [
                (PolicyKey::DualControl, "true"),
                (PolicyKey::Verify, "cover-and-document-ends")
            ]
        );
    }

    #[test]
    fn bad_values_are_named() {
        let e = Config::parse("log_level = \"loud\"").expect_err("bad level");
        assert!(e.contains("off, error, warn, info, debug, trace"), "{e}");
        let e = Config::parse("printer = \"x\"").expect_err("unknown key");
        assert!(e.contains("printer"), "{e}");
        let e = Config::parse("printer_command = \"lp 'unclosed\"").expect_err("bad quoting");
        assert!(e.contains("printer_command"), "{e}");
        let e = Config::parse("file_access = \"world\"").expect_err("bad access");
        assert!(e.contains("owner, group"), "{e}");
        assert_eq!(Config::default().file_mode(), 0o600);
        let group = Config::parse("file_access = \"group\"").expect("group");
        assert_eq!(group.file_mode(), 0o660);
    }
}
