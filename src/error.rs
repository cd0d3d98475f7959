//! The library's errors. Each kind maps to one exit code of the command-line contract, and
//! every refusal names the rule that refused, so a caseworker knows why and what to do.

use std::path::PathBuf;

use crate::model::MailingState;

/// A rule of DESIGN §1–2 refused the operation (exit 1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    OneOpenMailing {
        case: String,
        state: MailingState,
    },
    CaseLocked {
        case: String,
        holder: String,
        since: String,
    },
    OtherTeam {
        case: String,
        team: String,
        yours: String,
    },
    DocumentOfOtherCase {
        document: i64,
        case: String,
    },
    OtherSubject {
        document: i64,
        title: String,
        subject_role: String,
    },
    DocumentPurged {
        document: i64,
    },
    NothingAttached,
    NotVerified {
        seen: u32,
        required: u32,
    },
    NotPrinted,
    AlreadyPrinted,
    ReprintNeedsReason,
    TooManyPrints {
        max: u32,
    },
    LeadOnly {
        what: String,
    },
    NotLocked {
        case: String,
    },
    UnknownUser {
        account: String,
    },
    ImpersonationRefused,
    /// `migrate` of a database whose chain does not verify: it would carry the break over.
    ChainBroken {
        seq: i64,
    },
    /// `KUVERT_USER` on a server, where the user is the login the server authenticated.
    ImpersonationOnServer {
        login: String,
    },
    /// Dual control: the person who printed a mailing may not verify or seal it.
    FourEyes {
        case: String,
    },
    /// A cover sheet scanned at a sealing station whose mailing is not waiting to be sealed.
    NotAwaitingSeal {
        case: String,
        state: MailingState,
    },
    /// A cover sheet of an earlier print of a mailing that has been printed again since.
    StaleCover {
        case: String,
        generation: u32,
        current: u32,
    },
}

impl Refusal {
    /// The rule's stable name and the ids it concerns, for the event log: no names, no
    /// titles, no personal data.
    pub fn detail(&self) -> serde_json::Value {
        use Refusal::*;
        use serde_json::json;
        match self {
            OneOpenMailing { case, .. } => json!({ "rule": "one_open_mailing", "open_case": case }),
            CaseLocked { case, .. } => json!({ "rule": "case_locked", "case": case }),
            OtherTeam { case, team, .. } => {
                json!({ "rule": "other_team", "case": case, "team": team })
            }
            DocumentOfOtherCase { document, case } => {
                json!({ "rule": "document_of_other_case", "document": document, "case": case })
            }
            OtherSubject {
                document,
                subject_role,
                ..
            } => {
                json!({ "rule": "other_subject", "document": document, "subject_role": subject_role })
            }
            DocumentPurged { document } => {
                json!({ "rule": "document_purged", "document": document })
            }
            NothingAttached => json!({ "rule": "nothing_attached" }),
            NotVerified { seen, required } => {
                json!({ "rule": "not_verified", "seen": seen, "required": required })
            }
            NotPrinted => json!({ "rule": "not_printed" }),
            AlreadyPrinted => json!({ "rule": "already_printed" }),
            ReprintNeedsReason => json!({ "rule": "reprint_needs_reason" }),
            TooManyPrints { max } => json!({ "rule": "too_many_prints", "max": max }),
            LeadOnly { what } => json!({ "rule": "lead_only", "what": what }),
            NotLocked { case } => json!({ "rule": "not_locked", "case": case }),
            UnknownUser { .. } => json!({ "rule": "unknown_user" }),
            ChainBroken { seq } => json!({ "rule": "chain_broken", "seq": seq }),
            ImpersonationRefused | ImpersonationOnServer { .. } => {
                json!({ "rule": "impersonation_refused" })
            }
            FourEyes { case } => json!({ "rule": "four_eyes", "case": case }),
            NotAwaitingSeal { case, state } => {
                json!({ "rule": "not_awaiting_seal", "case": case, "state": state.as_str() })
            }
            StaleCover {
                case,
                generation,
                current,
            } => json!({ "rule": "stale_cover", "case": case, "generation": generation,
                         "current": current }),
        }
    }
}

// Display (English, for the diagnostic log) lives with the words, at the edge.
impl std::error::Error for Refusal {}

/// Everything that can go wrong in the library. Its words are the catalogue's
/// (translated at the edge); here are only the facts.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A rule refused (exit 1).
    Refused(#[from] Refusal),
    /// Something named does not exist (exit 2).
    NotFound(String),
    /// The caller's input is wrong (exit 2).
    Invalid(String),
    /// No open mailing to act on (exit 2).
    NoOpenMailing,
    /// The database failed (exit 3).
    Database(#[source] DatabaseError),
    /// A schema migration failed (exit 3).
    Migration(#[source] DatabaseError),
    /// A file could not be read or written (exit 3).
    Io {
        context: String,
        #[source]
        source: std::io::Error,
    },
    /// The printer did not take the job; the mailing stays as it was (exit 3).
    Printer(String),
    /// A PDF could not be made (exit 3).
    Pdf(String),
    /// Anything else about the environment (exit 3).
    Environment(String),
    /// A fact about the files or the database a person can act on (exit 2 or 3).
    Problem(Problem),
}

/// What is wrong with the files, the database or the machine, as facts the catalogue words
/// (`i18n::problem`): the layers that find them know no language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// `--db` names no file (exit 3).
    NoDatabase { path: PathBuf },
    /// The file is not a kuvert database (exit 3).
    NotADatabase { path: PathBuf },
    /// `kuvert init` on a file that exists (exit 2).
    DatabaseExists { path: PathBuf },
    /// `kuvert demo` on a database that is not a demo (exit 2).
    NotADemo { path: PathBuf },
    /// The scale database is only made anew (exit 2).
    ScaleDatabaseExists { path: PathBuf },
    /// An imported case number the database already has (exit 2).
    CaseExists { number: String },
    /// A document attached twice (exit 2).
    AlreadyAttached { document: i64 },
    /// `user add` of a registered account (exit 2).
    AccountTaken { account: String },
    /// A policy value this version does not know, written by another (exit 3).
    UnknownPolicyValue { team: String, value: String },
    /// A head file that cannot be read as one (exit 3).
    NotAHeadFile { path: PathBuf },
    /// `audit verify --head FILE` with no such file (exit 2).
    NoHeadFile { path: PathBuf },
    /// The diagnostic log's folder cannot be written (exit 3).
    LogFolder { path: PathBuf, cause: String },
    /// The OS does not say who is logged in (exit 3).
    NoOsAccount { cause: String },
    /// A config file kuvert cannot use; `detail` is the parser's or the check's (exit 2).
    BadConfig { path: PathBuf, detail: String },
    /// An environment variable (`KUVERT_LOG`, `KUVERT_BUSY_TIMEOUT_MS`) kuvert cannot use
    /// (exit 2).
    BadVariable { name: String, value: String },
    /// `--out` names no file, or a file in a folder that does not exist (exit 2).
    BadOut { out: PathBuf },
    /// `kuvert demo` given a PostgreSQL server: the demo is a file on this host; `server` has
    /// no password in it (exit 2).
    DemoOnServer { server: String },
    /// A PostgreSQL address that cannot be read as one; `server` has no password (exit 2).
    BadServerUrl { server: String, detail: String },
    /// A PostgreSQL server that cannot be reached or refuses the login (exit 3).
    NoServer { server: String, detail: String },
    /// A TLS parameter of the address that kuvert (as libpq) cannot use, e.g. `sslmode=allow`
    /// or `sslrootcert=system` with a mode weaker than verify-full (exit 2).
    BadTlsParameter {
        server: String,
        key: String,
        value: String,
    },
    /// `sslmode=verify-ca|verify-full` with no root certificate to verify against: none
    /// named and libpq's default file `path` missing (exit 2).
    NoRootCert { server: String, path: PathBuf },
    /// A certificate or key file the address names (or libpq's default one) that cannot be
    /// read or holds no certificate or key; `why` is the reader's words (exit 2).
    TlsFile {
        server: String,
        file: PathBuf,
        why: String,
    },
    /// The server's certificate does not verify; never a fallback to plaintext (exit 3).
    ServerCertRefused { server: String, fault: CertFault },
    /// TLS is required and the server offers none (exit 3).
    ServerWithoutTls { server: String },
    /// The server wants a client certificate, or refused the one given (exit 3).
    ClientCertRefused { server: String, detail: String },
    /// `kuvert init` on a server database that already has tables (exit 2).
    ServerHasTables { server: String },
    /// `migrate` from a database that is not a file (exit 2).
    MigrateFromServer { server: String },
    /// `migrate --to` something that is not a PostgreSQL address (exit 2).
    MigrateToFile { to: String },
    /// `user add` of an account that is a group role on the server, not a login (exit 2).
    NotALogin { account: String },
    /// The connection to the server broke under an operation (exit 3).
    ConnectionLost { server: String },
    /// A server database without kuvert's schema (exit 3).
    NotKuvertServer { server: String },
    /// A server database of another schema version than this kuvert's (exit 3).
    ServerSchema {
        server: String,
        found: String,
        wanted: i64,
    },
    /// `init` on a server database of an older schema, by a login that does not own it
    /// (exit 3: IT's to do).
    UpgradeNotOwner {
        server: String,
        found: i64,
        wanted: i64,
    },
}

/// Why the server's certificate was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CertFault {
    /// Not signed by any root kuvert trusts (sslrootcert).
    UnknownCa,
    /// Signed, but for other names than the host kuvert connected to.
    WrongHost { expected: String, presented: String },
    /// Expired, not yet valid, not for a server…: rustls' words.
    Other(String),
}

impl Problem {
    fn exit_code(&self) -> i32 {
        use Problem::*;
        match self {
            DatabaseExists { .. }
            | NotADemo { .. }
            | ScaleDatabaseExists { .. }
            | CaseExists { .. }
            | AlreadyAttached { .. }
            | AccountTaken { .. }
            | NoHeadFile { .. }
            | BadConfig { .. }
            | BadVariable { .. }
            | BadOut { .. }
            | BadServerUrl { .. }
            | BadTlsParameter { .. }
            | NoRootCert { .. }
            | TlsFile { .. }
            | DemoOnServer { .. }
            | NotALogin { .. }
            | MigrateFromServer { .. }
            | MigrateToFile { .. }
            | ServerHasTables { .. } => 2,
            NoDatabase { .. }
            | NotADatabase { .. }
            | UnknownPolicyValue { .. }
            | NotAHeadFile { .. }
            | LogFolder { .. }
            | NoOsAccount { .. }
            | NotKuvertServer { .. }
            | ConnectionLost { .. }
            | ServerSchema { .. }
            | UpgradeNotOwner { .. }
            | NoServer { .. }
            | ServerCertRefused { .. }
            | ServerWithoutTls { .. }
            | ClientCertRefused { .. } => 3,
        }
    }
}

impl From<Problem> for Error {
    fn from(p: Problem) -> Self {
        Error::Problem(p)
    }
}

/// What the database said; only the store reads its codes (`store::DatabaseError`).
pub use crate::store::DatabaseError;

/// A fault of the disk or file system under the database, which a person can fix.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StorageFault {
    DiskFull,
    ReadOnly,
    CannotOpen,
    Io,
}

/// Shorthand used throughout the library.
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// The exit code of shared/contract.md.
    pub fn exit_code(&self) -> i32 {
        match self {
            Error::Refused(_) => 1,
            Error::NotFound(_) | Error::Invalid(_) | Error::NoOpenMailing => 2,
            Error::Database(_)
            | Error::Migration(_)
            | Error::Io { .. }
            | Error::Printer(_)
            | Error::Pdf(_)
            | Error::Environment(_) => 3,
            Error::Problem(p) => p.exit_code(),
        }
    }

    /// A stable name of the kind, for the diagnostic log (messages may quote user input).
    pub fn kind_name(&self) -> &'static str {
        match self {
            Error::Refused(_) => "refused",
            Error::NotFound(_) => "not_found",
            Error::Invalid(_) => "invalid",
            Error::NoOpenMailing => "no_open_mailing",
            Error::Database(_) => "database",
            Error::Migration(_) => "migration",
            Error::Io { .. } => "io",
            Error::Printer(_) => "printer",
            Error::Pdf(_) => "pdf",
            Error::Environment(_) => "environment",
            Error::Problem(_) => "problem",
        }
    }

    /// What the storage said, when it is one of the machine's faults a person can fix.
    pub fn storage_fault(&self) -> Option<StorageFault> {
        match self {
            Error::Database(e) => e.fault(),
            _ => None,
        }
    }

    /// Attaches what was being done to an I/O error.
    pub fn io(context: impl Into<String>, source: std::io::Error) -> Self {
        Error::Io {
            context: context.into(),
            source,
        }
    }

    /// True when the database stayed busy past the timeout (another desk held the write lock).
    pub fn is_busy(&self) -> bool {
        matches!(self, Error::Database(e) if e.is_busy())
    }
}
