//! The command line's grammar: every command, argument and typed choice, as clap reads it.
//! What each command does is `cli.rs`'s.

use std::path::PathBuf;

use clap::builder::{PossibleValuesParser, TypedValueParser};
use clap::{Parser, Subcommand, ValueEnum};

use kuvert::i18n::Lang;
use kuvert::model::Role;

use super::usage;

/// kuvert — the right papers in the right envelope.
#[derive(Debug, Parser)]
#[command(name = "kuvert", version, about, long_about = None)]
pub struct Args {
    /// Database file (default: the platform data folder), or a PostgreSQL address
    /// (postgresql://…).
    #[arg(long, global = true, env = "KUVERT_DB", value_name = "PATH")]
    pub(super) db: Option<PathBuf>,
    /// Config file, kuvert.toml (default: the platform config folder).
    #[arg(long, global = true, env = "KUVERT_CONFIG", value_name = "PATH")]
    pub(super) config: Option<PathBuf>,
    /// Language of messages: sv (default) or en.
    #[arg(long, global = true, value_name = "sv|en", value_parser = parse_lang)]
    pub(super) lang: Option<Lang>,
    /// Print one JSON object on stdout; messages go to stderr.
    #[arg(long, global = true)]
    pub(super) json: bool,
    #[command(subcommand)]
    pub(super) command: Option<Command>,
}

fn parse_lang(s: &str) -> Result<Lang, String> {
    Lang::parse(s).ok_or_else(|| format!("'{s}' is not a language: use sv or en"))
}

#[derive(Debug, Subcommand)]
pub(super) enum Command {
    /// The terminal UI (also what `kuvert` alone opens).
    Tui,
    /// A sealing station: scan the cover sheet of a printed envelope of your team, then its
    /// sheets, then seal (full-screen scan view for a sealing desk).
    Station,
    /// Create (or reuse) the demo database with synthetic cases and users, and print its path.
    Demo {
        /// Throw the demo database away and make it anew.
        #[arg(long)]
        reset: bool,
        /// Do not open the terminal UI afterwards.
        #[arg(long)]
        no_tui: bool,
        /// Instead of the demo, an agency-scale database for benchmarks: `large` is 100,000
        /// cases, 500,000 documents, 200,000 mailings, over 2,000,000 events (give --db).
        #[arg(long, value_enum)]
        scale: Option<ScaleArg>,
    },
    /// Create an empty production database (on a server: the schema and the group roles, as
    /// the database's owner).
    Init,
    /// Import cases, parties and documents from a JSON manifest (all or nothing).
    Import {
        /// The manifest; document files are read relative to it.
        file: PathBuf,
    },
    /// Manage users.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// Look up cases of your team.
    Case {
        #[command(subcommand)]
        command: CaseCommand,
    },
    /// The one mailing you work on: start, attach, print, scan, seal.
    Mail {
        #[command(subcommand)]
        command: MailCommand,
    },
    /// Team leads: case locks.
    Lock {
        #[command(subcommand)]
        command: LockCommand,
    },
    /// Team leads: per-session mailing log of your team.
    Log {
        /// Only this session.
        #[arg(long)]
        session: Option<i64>,
        /// Only this caseworker's sessions.
        #[arg(long, value_name = "ACCOUNT")]
        user: Option<String>,
        /// Sessions started on or after this day (YYYY-MM-DD).
        #[arg(long, value_name = "DATE")]
        since: Option<String>,
        /// Sessions started on or before this day (YYYY-MM-DD).
        #[arg(long, value_name = "DATE")]
        until: Option<String>,
        /// Output format; `pdf` is a printable report (needs --out).
        #[arg(long, value_enum, default_value_t = LogFormat::Table)]
        format: LogFormat,
        /// Where the PDF report is written (with --format pdf).
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
    },
    /// Retention (team leads): remove the documents, recipients' personal data and print
    /// job files of the team's sealed and voided mailings closed before DATE.
    Purge {
        /// Mailings closed before this day (YYYY-MM-DD, Swedish time) are purged.
        #[arg(long, value_name = "DATE")]
        before: String,
        /// Report what would be removed, and remove nothing.
        #[arg(long)]
        dry_run: bool,
    },
    /// The team's policies: four eyes and which sheets are scanned back.
    Policy {
        #[command(subcommand)]
        command: PolicyCommand,
    },
    /// The tamper-evident event log.
    Audit {
        #[command(subcommand)]
        command: AuditCommand,
    },
    /// IT: copy the --db SQLite database into an empty PostgreSQL database, every row and the
    /// chain unchanged, the users' logins given their group roles; all or nothing.
    Migrate {
        /// The empty PostgreSQL database, connected to as its owner (postgresql://…).
        #[arg(long, value_name = "URL")]
        to: String,
    },
}

/// How big a database `kuvert demo --scale` makes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(super) enum ScaleArg {
    Small,
    Large,
}

/// How `kuvert log` writes the sessions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(super) enum LogFormat {
    Table,
    Csv,
    Json,
    // A printable report (needs --out); no doc comment, so --help stays in one language.
    Pdf,
}

/// `--role`: the words and the parse are the model's own, so the command line cannot
/// accept a role the database would not.
fn role_word() -> impl TypedValueParser<Value = Role> {
    PossibleValuesParser::new(Role::ALL.iter().map(|r| r.as_str()))
        .try_map(|word| Role::parse(&word).ok_or("not a role"))
}

#[derive(Debug, Subcommand)]
pub(super) enum UserCommand {
    /// Register a user (team leads; or the first user of an empty database). On a server the
    /// login gets its group role.
    Add {
        /// The login name: the OS account's, or the server's for a PostgreSQL database.
        account: String,
        #[arg(long)]
        name: String,
        #[arg(long, value_parser = role_word())]
        role: Role,
        #[arg(long)]
        team: String,
    },
}

#[derive(Debug, Subcommand)]
pub(super) enum CaseCommand {
    /// The cases of your team and who holds their locks.
    List,
    /// One case: parties and documents with their ids.
    Show {
        /// Case number, e.g. "FK 2026-100001" (or just 2026-100001).
        case: String,
    },
}

#[derive(Debug, Subcommand)]
pub(super) enum MailCommand {
    /// Lock a case and open a mailing to one of its parties.
    Start {
        case: String,
        /// The recipient's party id (see `kuvert case show`).
        #[arg(long = "to", value_name = "PARTY_ID")]
        to: i64,
    },
    /// Attach documents of the locked case.
    Attach {
        #[arg(required = true, value_name = "DOC_ID")]
        documents: Vec<i64>,
        /// Send documents that concern someone other than the recipient (logged).
        #[arg(long)]
        confirm_other_subject: bool,
    },
    /// Remove attached documents.
    Detach {
        #[arg(required = true, value_name = "DOC_ID")]
        documents: Vec<i64>,
    },
    /// Make the print job (cover sheet + stamped documents) and send it to the printer.
    Print {
        /// Why a reprint is needed (required for every print after the first).
        #[arg(long)]
        reason: Option<String>,
    },
    /// Check one scanned sheet against your open mailing.
    Scan {
        /// The sheet code as read by the scanner or typed.
        code: Option<String>,
        /// The code was typed by hand, not scanned.
        #[arg(long, conflicts_with = "scanner")]
        keyed: bool,
        /// The code came from a barcode scanner.
        #[arg(long)]
        scanner: bool,
    },
    /// Seal the verified mailing: it is closed and the case unlocked.
    Seal,
    /// Void the open mailing (reason required); the case is unlocked.
    Void {
        #[arg(long)]
        reason: String,
    },
    /// Your open mailing, if any.
    Status,
}

#[derive(Debug, Subcommand)]
pub(super) enum LockCommand {
    /// Break the lock on a case (team leads; reason required); its mailing is voided.
    Break {
        case: String,
        #[arg(long)]
        reason: String,
    },
}

#[derive(Debug, Subcommand)]
pub(super) enum PolicyCommand {
    /// Your team's policies (anyone may read them).
    Show,
    /// Change one policy of your team (team leads); the change is an event in the log.
    Set {
        /// The policy: dual_control or verify.
        key: String,
        /// The new value: true/false for dual_control, every-sheet or
        /// cover-and-document-ends for verify.
        value: String,
    },
}

#[derive(Debug, Subcommand)]
pub(super) enum AuditCommand {
    /// Check the event log's hash chain from the first event to the last, and against the
    /// recorded head: the head file beside a database file, the head row on a server (or a
    /// copy kept elsewhere, with --head).
    Verify {
        /// A head file kept elsewhere (e.g. shipped off the machine) to check against.
        #[arg(long, value_name = "FILE")]
        head: Option<PathBuf>,
    },
    /// Print the newest event's seq and hash, as a head file (`kuvert audit head > copy`),
    /// for keeping a copy off the machine and checking later with `audit verify --head`.
    Head,
}

impl Args {
    /// Parses the process arguments in the user's language; on help, version or bad usage
    /// it has printed that and gives the exit code (0 or 2).
    pub fn parse_args() -> Result<Self, u8> {
        usage::parse()
    }

    /// The language asked for on the command line (before the config is read).
    pub fn lang(&self) -> Lang {
        self.lang
            .or_else(|| {
                std::env::var("KUVERT_LANG")
                    .ok()
                    .and_then(|l| Lang::parse(&l))
            })
            .unwrap_or_default()
    }
}
