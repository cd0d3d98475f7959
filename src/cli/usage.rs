//! The command line parsed in the user's language: `--help`, `<cmd> --help` and clap's usage
//! errors in Swedish by default, in English with `--lang en` (or the config's language).
//!
//! clap speaks only English, so for Swedish the `Command` built from the derive gets the
//! texts of `i18n::cli` (about, argument help, value names, headings, the help and version
//! flags), and clap's error kinds are worded anew from their context. The language has to be
//! known before parsing, so it is read from a light pre-scan of argv (`--lang`), then
//! `KUVERT_LANG`, then the config file's `language`, else Swedish.

use std::ffi::OsString;

use clap::error::{ContextKind, ContextValue, ErrorKind};
use clap::{Arg, ArgAction, Command, CommandFactory, FromArgMatches};
use kuvert::i18n::{self, Lang, Usage, UsageError};

use super::Args;

/// Parses the process arguments; on help, version or a usage error prints it and gives the
/// exit code instead (0 for help and version, 2 for bad usage).
pub fn parse() -> Result<Args, u8> {
    let argv: Vec<OsString> = std::env::args_os().collect();
    let lang = early_lang(&argv);
    let argv = match lang {
        Lang::Sv => help_subcommand(argv),
        Lang::En => argv,
    };
    command(lang)
        .try_get_matches_from(argv)
        .and_then(|m| Args::from_arg_matches(&m))
        .map_err(|e| report(&e, lang))
}

/// The language to parse in, before parsing: `--lang`, `KUVERT_LANG`, the config's
/// `language` (`--config`, `KUVERT_CONFIG` or the default file), else Swedish.
pub fn early_lang(argv: &[OsString]) -> Lang {
    let flag = |name: &str| -> Option<String> {
        let mut it = argv.iter().skip(1).filter_map(|a| a.to_str());
        while let Some(a) = it.next() {
            if a == "--" {
                break;
            }
            if a == name {
                return it.next().map(str::to_owned);
            }
            if let Some(v) = a.strip_prefix(name).and_then(|r| r.strip_prefix('=')) {
                return Some(v.to_owned());
            }
        }
        None
    };
    if let Some(lang) = flag("--lang").and_then(|l| Lang::parse(&l)) {
        return lang;
    }
    if let Some(lang) = std::env::var("KUVERT_LANG")
        .ok()
        .and_then(|l| Lang::parse(&l))
    {
        return lang;
    }
    let config = flag("--config")
        .map(std::path::PathBuf::from)
        .or_else(|| std::env::var_os("KUVERT_CONFIG").map(std::path::PathBuf::from));
    // A config that cannot be read is reported by the run itself; here it only means Swedish.
    kuvert::paths::load_config(config.as_deref())
        .map(|c| c.language)
        .unwrap_or_default()
}

/// `kuvert help mail start` is `kuvert mail start --help` (clap's own `help` subcommand
/// would describe itself in English).
fn help_subcommand(mut argv: Vec<OsString>) -> Vec<OsString> {
    let mut i = 1;
    while i < argv.len() {
        match argv[i].to_str() {
            Some("--db" | "--config" | "--lang") => i += 2,
            Some(a) if a.starts_with('-') => i += 1,
            Some("help") => {
                argv.remove(i);
                argv.push("--help".into());
                break;
            }
            _ => break,
        }
    }
    argv
}

/// The command line's `Command` in a language (English is the derive's as it is).
pub fn command(lang: Lang) -> Command {
    let cmd = Args::command();
    match lang {
        Lang::En => cmd,
        Lang::Sv => {
            let cmd = cmd
                .disable_version_flag(true)
                .arg(
                    Arg::new("version")
                        .short('V')
                        .long("version")
                        .action(ArgAction::Version)
                        .help(i18n::usage(Usage::Version, lang))
                        .help_heading(i18n::usage(Usage::Options, lang)),
                )
                .mut_arg("lang", |a| {
                    a.value_parser(|s: &str| {
                        Lang::parse(s).ok_or_else(|| i18n::not_a_language(s, Lang::Sv))
                    })
                })
                .disable_help_subcommand(true)
                .arg(
                    Arg::new("help")
                        .short('h')
                        .long("help")
                        .global(true)
                        .action(ArgAction::Help)
                        .help(i18n::usage(Usage::Help, lang))
                        .help_heading(i18n::usage(Usage::Options, lang)),
                );
            swedish(cmd, "")
        }
    }
}

/// Puts the Swedish texts on a command and its subcommands, recursively.
fn swedish(mut cmd: Command, path: &str) -> Command {
    let lang = Lang::Sv;
    if let Some(about) = i18n::command_about_sv(path) {
        cmd = cmd.about(about);
    }
    let ids: Vec<String> = cmd
        .get_arguments()
        .map(|a| a.get_id().to_string())
        .filter(|id| id != "help" && id != "version")
        .collect();
    for id in ids {
        cmd = cmd.mut_arg(&id, |mut a| {
            let heading = if a.is_positional() {
                Usage::Arguments
            } else {
                Usage::Options
            };
            a = a.help_heading(i18n::usage(heading, lang));
            if let Some((help, value_name)) = i18n::arg_help_sv(path, &id) {
                a = a.help(help);
                if let Some(v) = value_name {
                    a = a.value_name(v);
                }
            }
            a
        });
    }
    cmd = cmd
        .disable_help_flag(true)
        .subcommand_help_heading(i18n::usage(Usage::Commands, lang))
        .subcommand_value_name("KOMMANDO")
        .help_template(
            "{before-help}{about-with-newline}\nAnvändning: {usage}\n\n{all-args}{after-help}",
        );
    let names: Vec<String> = cmd
        .get_subcommands()
        .map(|s| s.get_name().to_owned())
        .collect();
    for name in names {
        let sub = if path.is_empty() {
            name.clone()
        } else {
            format!("{path} {name}")
        };
        cmd = cmd.mut_subcommand(&name, |c| swedish(c, &sub));
    }
    cmd
}

/// Prints help, version or a usage error in the language; returns the exit code.
fn report(e: &clap::Error, lang: Lang) -> u8 {
    let code = if e.use_stderr() { 2 } else { 0 };
    let help = matches!(
        e.kind(),
        ErrorKind::DisplayHelp
            | ErrorKind::DisplayVersion
            | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
    );
    if lang == Lang::En {
        let _ = e.print();
    } else if help {
        let text = swedish_words(&e.render().to_string());
        if e.use_stderr() {
            eprint!("{text}");
        } else {
            print!("{text}");
        }
    } else {
        eprint!("{}", swedish_error(e));
    }
    code
}

/// A usage error worded in Swedish from clap's context: what is wrong, a suggestion, the
/// usage line and where to read more.
fn swedish_error(e: &clap::Error) -> String {
    let lang = Lang::Sv;
    let text = |k: ContextKind| -> String {
        match e.get(k) {
            Some(ContextValue::String(s)) => s.clone(),
            Some(ContextValue::Strings(v)) => v.join(", "),
            Some(ContextValue::StyledStr(s)) => s.to_string(),
            Some(ContextValue::Number(n)) => n.to_string(),
            _ => String::new(),
        }
    };
    let list = |k: ContextKind| -> Vec<String> {
        match e.get(k) {
            Some(ContextValue::String(s)) => vec![s.clone()],
            Some(ContextValue::Strings(v)) => v.clone(),
            _ => Vec::new(),
        }
    };
    let arg = text(ContextKind::InvalidArg);
    let value = text(ContextKind::InvalidValue);
    let what = match e.kind() {
        ErrorKind::UnknownArgument => UsageError::UnknownArgument(arg),
        ErrorKind::InvalidSubcommand => {
            UsageError::UnknownCommand(text(ContextKind::InvalidSubcommand))
        }
        ErrorKind::MissingRequiredArgument => {
            UsageError::MissingArguments(list(ContextKind::InvalidArg))
        }
        ErrorKind::MissingSubcommand => UsageError::MissingCommand,
        ErrorKind::InvalidValue => UsageError::InvalidValue {
            value,
            arg,
            valid: list(ContextKind::ValidValue),
        },
        ErrorKind::ValueValidation => {
            let source = std::error::Error::source(e);
            if source.is_some_and(|s| s.downcast_ref::<std::num::ParseIntError>().is_some()) {
                UsageError::NotANumber { value, arg }
            } else {
                UsageError::BadValue {
                    value,
                    arg,
                    reason: source.map(|s| s.to_string()).unwrap_or_default(),
                }
            }
        }
        ErrorKind::ArgumentConflict => UsageError::Conflict {
            arg,
            prior: text(ContextKind::PriorArg),
        },
        ErrorKind::TooManyValues => UsageError::TooManyValues { value, arg },
        _ => UsageError::Other,
    };
    let mut out = format!(
        "{}: {}\n",
        i18n::usage(Usage::Error, lang),
        i18n::usage_error_sv(&what)
    );
    let suggested = [ContextKind::SuggestedArg, ContextKind::SuggestedSubcommand]
        .into_iter()
        .map(text)
        .find(|s| !s.is_empty());
    if let Some(s) = suggested {
        out.push_str(&format!(
            "\n  {}: {}\n",
            i18n::usage(Usage::Tip, lang),
            i18n::did_you_mean(&s, lang)
        ));
    }
    let usage = swedish_words(&text(ContextKind::Usage));
    if !usage.is_empty() {
        out.push_str(&format!("\n{usage}\n"));
    }
    // The command the usage line is for, to name its own --help.
    let program: Vec<&str> = usage
        .split_whitespace()
        .skip(1)
        .take_while(|w| !w.starts_with(['[', '<', '-']))
        .collect();
    let program = if program.is_empty() {
        "kuvert".to_owned()
    } else {
        program.join(" ")
    };
    out.push_str(&format!(
        "\n{}\n",
        i18n::fill(i18n::usage(Usage::MoreInfo, lang), &[&program])
    ));
    out
}

/// The few words clap writes itself, with no setting to change them.
fn swedish_words(text: &str) -> String {
    text.replace("Usage:", i18n::usage(Usage::Usage, Lang::Sv))
        .replace("[OPTIONS]", "[FLAGGOR]")
        .replace("[default: ", "[standard: ")
        .replace("[possible values: ", "[möjliga värden: ")
        .replace("[env: ", "[miljövariabel: ")
}
