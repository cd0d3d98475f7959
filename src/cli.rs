//! The command line of shared/contract.md: a thin layer over the workflow.

use std::io::Write;
use std::path::{Path, PathBuf};

use serde::Serialize;
use serde_json::json;

use kuvert::config::Config;
use kuvert::error::Problem;
use kuvert::i18n::{self, Label, Lang, Text};
use kuvert::model::{LoginGrant, Role, ScanSource, User, Verdict};
use kuvert::store::{DbKind, Location, Store};
use kuvert::workflow::{Session, SessionKind, Workflow};
use kuvert::{Error, demo, paths, report, time_fmt};

mod args;
mod policy;
mod text;
mod usage;

pub use args::Args;
use args::{
    AuditCommand, CaseCommand, Command, LockCommand, LogFormat, MailCommand, PolicyCommand,
    ScaleArg, UserCommand,
};

/// Exit code and message for an error that escaped `run`.
pub fn describe(e: &anyhow::Error, lang: Lang) -> (u8, String) {
    if let Some(l) = e.downcast_ref::<Localized>() {
        return (l.code as u8, l.text.clone());
    }
    match e.downcast_ref::<Error>() {
        Some(k) => (k.exit_code() as u8, i18n::describe(k, lang)),
        None => (3, format!("{e:#}")),
    }
}

struct Ctx {
    args_db: Option<PathBuf>,
    config: Config,
    lang: Lang,
    json: bool,
    /// The sessions this command started or continued, ended when it ends.
    sessions: std::cell::RefCell<Vec<Session>>,
}

impl Ctx {
    /// The database this command works on.
    fn database(&self) -> anyhow::Result<Location> {
        Ok(paths::database(self.args_db.as_deref(), &self.config)?)
    }

    /// The demo database: always a file on this host.
    fn demo_file(&self) -> anyhow::Result<PathBuf> {
        Ok(paths::demo_database(self.args_db.as_deref())?)
    }

    fn workflow(&self) -> anyhow::Result<Workflow> {
        let db = self.database()?;
        let wf = self.workflow_at(&db)?;
        // Only once the database is there: a mistyped path must not leave a logs folder.
        let dir_mode = if self.config.file_mode() == 0o660 {
            0o770
        } else {
            0o700
        };
        // Diagnostics matter less than the caseworker's work: a log folder that cannot be
        // written is said once, and kuvert goes on.
        if let Err(e) = paths::log_dir(&self.config, &db).and_then(|dir| {
            kuvert::logging::init(&dir, kuvert::logging::level(&self.config)?, dir_mode)
        }) {
            eprintln!("kuvert: {}", i18n::describe(&e, self.lang));
        }
        Ok(wf)
    }

    /// The workflow on the database at `db`, with this desk's outbox.
    fn workflow_at(&self, db: &Location) -> anyhow::Result<Workflow> {
        let mut store = db.open()?;
        store.set_busy_timeout(self.busy_timeout()?)?;
        let outbox = paths::outbox(&self.config, db)?;
        Ok(Workflow::new(store, self.config.clone(), self.lang, outbox))
    }

    /// `KUVERT_BUSY_TIMEOUT_MS`, else `busy_timeout_ms` in the config.
    fn busy_timeout(&self) -> anyhow::Result<std::time::Duration> {
        let ms = match std::env::var("KUVERT_BUSY_TIMEOUT_MS") {
            Ok(v) => v.trim().parse::<u64>().map_err(|_| {
                Error::from(Problem::BadVariable {
                    name: "KUVERT_BUSY_TIMEOUT_MS".into(),
                    value: v.clone(),
                })
            })?,
            Err(_) => self.config.busy_timeout_ms,
        };
        Ok(std::time::Duration::from_millis(ms))
    }

    fn session(&self, wf: &mut Workflow) -> anyhow::Result<Session> {
        let impersonate = std::env::var("KUVERT_USER").ok().filter(|u| !u.is_empty());
        let s = wf.session(impersonate.as_deref(), &terminal_name(), SessionKind::Cli)?;
        self.sessions.borrow_mut().push(s.clone());
        for notice in wf.moved_config_notices(&s)? {
            eprintln!("kuvert: {notice}");
        }
        Ok(s)
    }

    /// Ends the command's sessions, whatever its result: no command leaves one open. A
    /// failure here is only logged; the command's own outcome is what the user hears.
    fn end_sessions(&self) {
        let sessions = self.sessions.take();
        if sessions.is_empty() {
            return;
        }
        let ended = self.database().and_then(|db| {
            let mut wf = self.workflow_at(&db)?;
            for s in &sessions {
                wf.end_command(s)?;
            }
            Ok(())
        });
        if let Err(e) = ended {
            tracing::warn!("could not end the command's session: {e:#}");
        }
    }

    /// Prints the JSON object, or the human text, of a result.
    fn report<T: Serialize>(
        &self,
        value: &T,
        human: impl FnOnce() -> String,
    ) -> anyhow::Result<()> {
        if self.json {
            let mut out = std::io::stdout().lock();
            serde_json::to_writer(&mut out, value)?;
            writeln!(out)?;
        } else {
            let text = human();
            if !text.is_empty() {
                println!("{text}");
            }
        }
        Ok(())
    }
}

/// Runs a parsed command; the returned number is the exit code.
pub fn run(args: Args) -> anyhow::Result<u8> {
    let flag_lang = args.lang;
    let config = paths::load_config(args.config.as_deref())?;
    let lang = flag_lang
        .or_else(|| {
            std::env::var("KUVERT_LANG")
                .ok()
                .and_then(|l| Lang::parse(&l))
        })
        .unwrap_or(config.language);
    let ctx = Ctx {
        args_db: args.db,
        config,
        lang,
        json: args.json,
        sessions: Default::default(),
    };
    let result = dispatch(&ctx, args.command.unwrap_or(Command::Tui));
    ctx.end_sessions();
    // Errors are worded in the language of the config too, not only of the flag.
    result.map_err(|e| match e.downcast::<Error>() {
        Ok(k) => anyhow::Error::new(Localized {
            code: k.exit_code(),
            text: i18n::describe(&k, lang),
        }),
        Err(other) => other,
    })
}

/// An error already worded for the user.
#[derive(Debug, thiserror::Error)]
#[error("{text}")]
struct Localized {
    code: i32,
    text: String,
}

/// Writes the lead's PDF report atomically (temp file + rename), readable by its owner only;
/// the folder must exist.
fn write_report(out: &Path, bytes: &[u8]) -> anyhow::Result<PathBuf> {
    let dir = out
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or_else(|| Path::new("."));
    let name = out.file_name().and_then(|n| n.to_str()).ok_or_else(|| {
        Error::from(Problem::BadOut {
            out: out.to_owned(),
        })
    })?;
    if !dir.is_dir() {
        return Err(Error::from(Problem::BadOut {
            out: out.to_owned(),
        })
        .into());
    }
    Ok(kuvert::print::write_atomically(dir, name, bytes)?)
}

fn dispatch(ctx: &Ctx, command: Command) -> anyhow::Result<u8> {
    match command {
        Command::Tui => {
            let mut wf = ctx.workflow()?;
            let impersonate = std::env::var("KUVERT_USER").ok().filter(|u| !u.is_empty());
            let session = wf.session(impersonate.as_deref(), &terminal_name(), SessionKind::Tui)?;
            kuvert::tui::run(kuvert::tui::App::new(wf, session)?)?;
            Ok(0)
        }
        Command::Station => {
            let mut wf = ctx.workflow()?;
            let impersonate = std::env::var("KUVERT_USER").ok().filter(|u| !u.is_empty());
            let session = wf.session(
                impersonate.as_deref(),
                &terminal_name(),
                SessionKind::Station,
            )?;
            kuvert::tui::run(kuvert::tui::App::station(wf, session)?)?;
            Ok(0)
        }
        Command::Demo {
            scale: Some(scale), ..
        } => {
            let db = ctx.demo_file()?;
            let size = match scale {
                ScaleArg::Small => kuvert::scale::Scale::SMALL,
                ScaleArg::Large => kuvert::scale::Scale::LARGE,
            };
            let made = kuvert::scale::build(&db, size, 2026)?;
            ctx.report(&made, || {
                format!(
                    "{}: {} cases, {} documents ({} distinct), {} sessions, {} mailings, {} scans, {} events; {:.0} s, {} MB",
                    db.display(),
                    made.cases,
                    made.documents,
                    made.blobs,
                    made.sessions,
                    made.mailings,
                    made.scans,
                    made.events,
                    made.seconds,
                    made.bytes / 1_000_000
                )
            })?;
            Ok(0)
        }
        Command::Demo { reset, no_tui, .. } => cmd_demo(ctx, reset, no_tui),
        Command::Init => cmd_init(ctx),
        Command::Import { file } => cmd_import(ctx, &file),
        Command::User {
            command:
                UserCommand::Add {
                    account,
                    name,
                    role,
                    team,
                },
        } => cmd_user_add(ctx, account, name, role, team),
        Command::Case { command } => cmd_case(ctx, command),
        Command::Mail { command } => cmd_mail(ctx, command),
        Command::Lock {
            command: LockCommand::Break { case, reason },
        } => {
            let mut wf = ctx.workflow()?;
            let s = ctx.session(&mut wf)?;
            let status = wf.break_lock(&s, &case, &reason)?;
            ctx.report(&status, || {
                i18n::fill(
                    i18n::text(Text::LockBroken, ctx.lang),
                    &[&status.case, &status.mailing],
                )
            })?;
            Ok(0)
        }
        Command::Log {
            session,
            user,
            since,
            until,
            format,
            out,
        } => {
            let out = match (format, out) {
                (LogFormat::Pdf, Some(out)) => Some(out),
                (LogFormat::Pdf, None) => {
                    return Err(Error::Invalid(
                        i18n::ui(i18n::Ui::PdfNeedsOut, ctx.lang).to_owned(),
                    )
                    .into());
                }
                (_, Some(_)) => {
                    return Err(Error::Invalid(
                        i18n::ui(i18n::Ui::OutNeedsPdf, ctx.lang).to_owned(),
                    )
                    .into());
                }
                (_, None) => None,
            };
            let mut wf = ctx.workflow()?;
            let s = ctx.session(&mut wf)?;
            let query = report::LogQuery {
                session,
                user,
                since,
                until,
            };
            if let Some(out) = out {
                let r = wf.lead_report(&s, &query)?;
                let bytes = kuvert::pdf::render_lead_report(&r, ctx.lang)?;
                let path = write_report(&out, &bytes)?;
                ctx.report(
                    &serde_json::json!({ "pdf": path, "sessions": r.sessions.len(),
                                         "incidents": r.incidents.len() }),
                    || path.display().to_string(),
                )?;
                return Ok(0);
            }
            let log = wf.session_log(&s, &query)?;
            let json = ctx.json || format == LogFormat::Json;
            if json {
                println!("{}", serde_json::to_string(&log)?);
            } else if format == LogFormat::Csv {
                print!("{}", report::to_csv(&log)?);
            } else {
                print!("{}", report::to_table(&log, ctx.lang));
            }
            Ok(0)
        }
        Command::Purge { before, dry_run } => {
            let mut wf = ctx.workflow()?;
            let s = ctx.session(&mut wf)?;
            let r = wf.purge(&s, &before, dry_run)?;
            ctx.report(&r, || {
                let mut text = i18n::fill(
                    i18n::text(
                        if r.dry_run {
                            Text::PurgeWould
                        } else {
                            Text::PurgeDone
                        },
                        ctx.lang,
                    ),
                    &[
                        &r.removed.mailings,
                        &r.before,
                        &r.removed.documents,
                        &r.removed.bytes,
                        &r.removed.parties,
                        &r.files_deleted,
                    ],
                );
                for f in &r.files_failed {
                    text.push_str(&format!("\n! {f}"));
                }
                text
            })?;
            Ok(if r.files_failed.is_empty() { 0 } else { 3 })
        }
        Command::Policy {
            command: PolicyCommand::Show,
        } => policy::cmd_policy(ctx, None),
        Command::Policy {
            command: PolicyCommand::Set { key, value },
        } => policy::cmd_policy(ctx, Some((&key, &value))),
        Command::Audit {
            command: AuditCommand::Verify { head },
        } => {
            let mut wf = ctx.workflow()?;
            let report = match head {
                Some(file) => wf.audit_verify_against(&file)?,
                None => wf.audit_verify()?,
            };
            if report.ok && report.head.is_none() && report.events > 0 {
                eprintln!("kuvert: {}", i18n::text(Text::AuditNoHead, ctx.lang));
            }
            ctx.report(&report, || match report.broken_at {
                None => i18n::fill(i18n::text(Text::AuditOk, ctx.lang), &[&report.events]),
                Some(seq) => format!(
                    "{} {}",
                    i18n::fill(
                        i18n::text(Text::AuditBroken, ctx.lang),
                        &[&seq, &(report.events - 1)]
                    ),
                    report.problem.clone().unwrap_or_default()
                ),
            })?;
            Ok(if report.ok { 0 } else { 1 })
        }
        Command::Migrate { to } => cmd_migrate(ctx, &to),
        Command::Audit {
            command: AuditCommand::Head,
        } => {
            let head = ctx.workflow()?.audit_head()?;
            if ctx.json {
                let (seq, hash) = head.map_or((0, None), |h| (h.seq, Some(h.hash)));
                ctx.report(&json!({ "seq": seq, "hash": hash }), String::new)?;
            } else {
                match head {
                    Some(h) => print!("{}", kuvert::store::head::file_text(&h)),
                    None => eprintln!("kuvert: {}", i18n::text(Text::AuditEmpty, ctx.lang)),
                }
            }
            Ok(0)
        }
    }
}

fn cmd_demo(ctx: &Ctx, reset: bool, no_tui: bool) -> anyhow::Result<u8> {
    let db = ctx.demo_file()?;
    let created = demo::ensure_demo_db(&db, reset, &kuvert::account::os_account()?)?;
    if ctx.json {
        ctx.report(&json!({ "db": db, "created": created }), String::new)?;
    } else {
        println!("{}", db.display());
        eprintln!(
            "{}",
            i18n::fill(i18n::text(Text::DemoReady, ctx.lang), &[&db.display()])
        );
        use std::io::IsTerminal;
        let interactive = std::io::stdin().is_terminal() && std::io::stdout().is_terminal();
        if !no_tui && interactive {
            let mut wf = ctx.workflow_at(&Location::File(db))?;
            let impersonate = std::env::var("KUVERT_USER").ok().filter(|u| !u.is_empty());
            let session = wf.session(impersonate.as_deref(), &terminal_name(), SessionKind::Tui)?;
            kuvert::tui::run(kuvert::tui::App::new(wf, session)?)?;
        } else if !no_tui {
            // No terminal to draw in (a script, a pipe): say how to go on instead.
            eprintln!("{}", i18n::demo_try_hint(&db, ctx.lang));
        }
    }
    Ok(0)
}

fn cmd_init(ctx: &Ctx) -> anyhow::Result<u8> {
    let db = ctx.database()?;
    let now = time_fmt::timestamp(time::OffsetDateTime::now_utc());
    match &db {
        Location::File(path) => {
            Store::create_with_mode(path, DbKind::Production, &now, ctx.config.file_mode())?;
        }
        Location::Server { url, name } => {
            let init = Store::init_on_server(url, name.clone(), DbKind::Production, &now)?;
            if let kuvert::store::pg::Init::Upgraded { from } = init {
                let to = kuvert::store::pg::SCHEMA_VERSION;
                ctx.report(
                    &json!({ "db": db.to_string(), "upgraded": { "from": from, "to": to } }),
                    || i18n::database_upgraded(&db, from, to, ctx.lang),
                )?;
                return Ok(0);
            }
        }
    }
    ctx.report(&json!({ "db": db.to_string() }), || {
        i18n::database_created(&db, ctx.lang)
    })?;
    Ok(0)
}

fn cmd_migrate(ctx: &Ctx, to: &str) -> anyhow::Result<u8> {
    if let Location::Server { name, .. } = ctx.database()? {
        return Err(Error::from(Problem::MigrateFromServer { server: name }).into());
    }
    let Location::Server { url, name } = Location::parse(Path::new(to)) else {
        return Err(Error::from(Problem::MigrateToFile { to: to.to_owned() }).into());
    };
    let done = ctx.workflow()?.migrate_to(&url, name)?;
    ctx.report(&done, || text::migrated_text(&done, ctx.lang))?;
    Ok(0)
}

fn cmd_import(ctx: &Ctx, file: &Path) -> anyhow::Result<u8> {
    let mut wf = ctx.workflow()?;
    let s = ctx.session(&mut wf)?;
    let summary = wf.import(&s, file)?;
    ctx.report(&summary, || {
        let mut text = format!(
            "{} {} / {} / {}",
            i18n::label(Label::Imported, ctx.lang),
            summary.cases,
            summary.parties,
            summary.documents
        );
        if summary.repaired > 0 {
            text.push('\n');
            text.push_str(&i18n::documents_repaired(summary.repaired, ctx.lang));
        }
        text
    })?;
    Ok(0)
}

fn cmd_user_add(
    ctx: &Ctx,
    account: String,
    name: String,
    role: Role,
    team: String,
) -> anyhow::Result<u8> {
    let mut wf = ctx.workflow()?;
    let actor = if wf.has_users()? {
        Some(ctx.session(&mut wf)?)
    } else {
        None
    };
    let user = User {
        account,
        name,
        role,
        team,
    };
    let grant = wf.add_user(actor.as_ref(), &user)?;
    let mut answer = serde_json::to_value(&user)?;
    if grant != LoginGrant::NotOnServer {
        answer["login"] = serde_json::to_value(&grant)?;
    }
    ctx.report(&answer, || {
        let mut text = format!("{} ({}, {})", user.account, user.role, user.team);
        if let Some(said) = i18n::login_grant(&user.account, &grant, ctx.lang) {
            text.push('\n');
            text.push_str(&said);
        }
        text
    })?;
    Ok(0)
}

fn cmd_case(ctx: &Ctx, command: CaseCommand) -> anyhow::Result<u8> {
    let mut wf = ctx.workflow()?;
    let s = ctx.session(&mut wf)?;
    match command {
        CaseCommand::List => {
            let cases = wf.list_cases(&s)?;
            ctx.report(&json!({ "cases": cases }), || {
                text::case_list_text(&cases, ctx.lang)
            })?;
        }
        CaseCommand::Show { case } => {
            let detail = wf.show_case(&s, &case)?;
            ctx.report(&detail, || text::case_text(&detail, ctx.lang))?;
        }
    }
    Ok(0)
}

fn cmd_mail(ctx: &Ctx, command: MailCommand) -> anyhow::Result<u8> {
    let mut wf = ctx.workflow()?;
    let s = ctx.session(&mut wf)?;
    let lang = ctx.lang;
    match command {
        MailCommand::Start { case, to } => {
            let st = wf.start(&s, &case, to)?;
            ctx.report(&st, || {
                let mut t = i18n::fill(i18n::text(Text::Started, lang), &[&st.mailing, &st.case]);
                if st.recipient_protected {
                    t.push('\n');
                    t.push_str(i18n::text(Text::ProtectedSteps, lang));
                }
                t
            })?;
        }
        MailCommand::Attach {
            documents,
            confirm_other_subject,
        } => {
            let st = wf.attach(&s, &documents, confirm_other_subject)?;
            ctx.report(&st, || text::enclosure_text(&st, lang))?;
        }
        MailCommand::Detach { documents } => {
            let st = wf.detach(&s, &documents)?;
            ctx.report(&st, || text::enclosure_text(&st, lang))?;
        }
        MailCommand::Print { reason } => {
            let out = wf.print(&s, reason.as_deref())?;
            ctx.report(&out, || {
                let mut t = i18n::fill(
                    i18n::text(Text::CollectSheets, lang),
                    &[&out.sheets, &out.pdf],
                );
                if let Some(job) = &out.printer_job {
                    t.push_str(&format!(" ({job})"));
                }
                t
            })?;
        }
        MailCommand::Scan {
            code,
            keyed,
            scanner,
        } => {
            let code = code.unwrap_or_default();
            let source = if keyed {
                ScanSource::Keyed
            } else if scanner {
                ScanSource::Scanner
            } else {
                ScanSource::Unspecified
            };
            let out = wf.scan(&s, &code, source)?;
            ctx.report(&out, || {
                let mut t = i18n::scan_text(&out, lang);
                if let Some(p) = &out.problem {
                    t.push_str(&format!(" ({p})"));
                }
                t.push_str(&format!("  [{}/{}]", out.seen, out.required));
                if out.state == kuvert::model::MailingState::Verified && out.verdict == Verdict::Ok
                {
                    t.push('\n');
                    t.push_str(i18n::text(Text::ReadyToSeal, lang));
                }
                t
            })?;
            if out.verdict.is_deviation() && !ctx.json {
                // The terminal bell: a hard stop must be heard, not only read.
                eprint!("\x07");
            }
            return Ok(match out.verdict {
                Verdict::Ok | Verdict::Duplicate => 0,
                _ => 1,
            });
        }
        MailCommand::Seal => {
            let st = wf.seal(&s)?;
            ctx.report(&st, || {
                i18n::fill(i18n::text(Text::Sealed, lang), &[&st.mailing])
            })?;
        }
        MailCommand::Void { reason } => {
            let st = wf.void(&s, &reason)?;
            ctx.report(&st, || {
                i18n::fill(i18n::text(Text::Voided, lang), &[&st.mailing])
            })?;
        }
        MailCommand::Status => text::report_status(ctx, &mut wf, &s)?,
    }
    Ok(0)
}

/// The terminal the command runs at: its tty, so that two windows are two sessions.
fn terminal_name() -> String {
    std::fs::read_link("/proc/self/fd/0")
        .ok()
        .map(|p| p.to_string_lossy().into_owned())
        .filter(|p| p.starts_with("/dev/pts/") || p.starts_with("/dev/tty"))
        .unwrap_or_else(|| "no-tty".to_owned())
}
