//! The rules of a mailing (DESIGN §1–2), shared by the command line and the terminal UI.
//!
//! Every operation is one `BEGIN IMMEDIATE` transaction that checks the rules, changes the
//! state and appends its events; a refusal leaves the database as it was. The only exception
//! is printing, which must not hold the write lock while the PDF is rendered and the printer
//! answers: it reserves a print generation in one transaction, renders and prints outside
//! any transaction, and records the completed print in a second one.

use std::path::{Path, PathBuf};

use serde_json::json;
use time::OffsetDateTime;

use crate::audit::{self, EventContext};
use crate::code::{MAX_GENERATION, MAX_SHEET, MailingToken};
use crate::config::Config;
use crate::error::{Error, Refusal, Result};
use crate::i18n::Lang;
use crate::model::*;
use crate::plan::{Delivery, PrintPlan, sheet_layout};
use crate::policy::Policy;
use crate::print::{PrintedJob, Producer};
use crate::store::Tx;
use crate::store::mailings::{MailingRow, NewPrintJob};
use crate::store::{DbKind, Store, cases, mailings, people, policies};
use crate::time_fmt;

mod policy;
mod scan;
mod strays;

pub use crate::case_number::normalise_case_number;
pub use strays::STRAY_SHEET_DAYS;

/// How long a command-line session stays open between two commands at one terminal.
pub const CLI_SESSION_IDLE_MINUTES: i64 = 30;

/// Where the current time comes from (tests inject a fixed clock).
pub type Clock = Box<dyn Fn() -> OffsetDateTime + Send>;

/// The kind of front end a session runs in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionKind {
    Cli,
    Tui,
    Station,
}

impl SessionKind {
    fn as_str(self) -> &'static str {
        match self {
            SessionKind::Cli => "cli",
            SessionKind::Tui => "tui",
            SessionKind::Station => "station",
        }
    }
}

/// Which mailing a scan or a seal acts on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Desk {
    /// The user's own open mailing, at their own desk.
    Own,
    /// A printed mailing of the user's team, opened at a sealing station by its cover sheet.
    Station(MailingId),
}

/// One user at one terminal; every event belongs to one.
#[derive(Debug, Clone)]
pub struct Session {
    pub id: SessionId,
    pub user: User,
}

/// The mailing workflow over one database.
pub struct Workflow {
    store: Store,
    config: Config,
    lang: Lang,
    clock: Clock,
    outbox: PathBuf,
}

impl Workflow {
    /// Opens the workflow over an open store.
    pub fn new(store: Store, config: Config, lang: Lang, outbox: PathBuf) -> Self {
        Self {
            store,
            config,
            lang,
            clock: Box::new(OffsetDateTime::now_utc),
            outbox,
        }
    }

    /// Replaces the clock (tests).
    pub fn with_clock(mut self, clock: Clock) -> Self {
        self.clock = clock;
        self
    }

    /// The language messages are given in.
    pub fn lang(&self) -> Lang {
        self.lang
    }

    /// The configuration in force.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// The store (reports, audits and tests read through it).
    pub fn store_mut(&mut self) -> &mut Store {
        &mut self.store
    }

    /// The outbox folder print jobs are written to.
    pub fn outbox(&self) -> &Path {
        &self.outbox
    }

    /// The current instant by the workflow's clock (fixed in tests).
    pub fn clock_now(&self) -> OffsetDateTime {
        (self.clock)()
    }

    fn now(&self) -> String {
        time_fmt::timestamp((self.clock)())
    }

    /// Starts (or, on the command line, continues) a session for the OS login account, or
    /// for `impersonate` on a demo database.
    pub fn session(
        &mut self,
        impersonate: Option<&str>,
        terminal: &str,
        kind: SessionKind,
    ) -> Result<Session> {
        let account = match impersonate {
            Some(a) => {
                if self.store.kind()? != Some(DbKind::Demo) {
                    return Err(Refusal::ImpersonationRefused.into());
                }
                a.to_owned()
            }
            None => crate::account::os_account()?,
        };
        let now_dt = (self.clock)();
        let now = time_fmt::timestamp(now_dt);
        let idle_since =
            time_fmt::timestamp(now_dt - time::Duration::minutes(CLI_SESSION_IDLE_MINUTES));
        self.store.write(|tx| {
            let user = people::user(tx, &account)?.ok_or_else(|| Refusal::UnknownUser {
                account: account.clone(),
            })?;
            let resumed = match kind {
                SessionKind::Cli => {
                    people::resumable_session(tx, &account, terminal, kind.as_str(), &idle_since)?
                }
                _ => None,
            };
            let id = match resumed {
                Some(id) => {
                    people::reopen_session(tx, id, &now)?;
                    id
                }
                None => {
                    if kind == SessionKind::Cli {
                        people::end_idle_sessions(tx, &account, terminal, kind.as_str())?;
                    }
                    let id = people::start_session(tx, &account, terminal, kind.as_str(), &now)?;
                    audit::append(
                        tx,
                        &EventContext {
                            session: Some(id),
                            account: Some(&account),
                            ..Default::default()
                        },
                        "session_started",
                        json!({ "terminal": terminal, "kind": kind.as_str() }),
                        &now,
                    )?;
                    id
                }
            };
            tracing::info!(session = id, account = %account, kind = kind.as_str(), "session");
            Ok(Session { id, user })
        })
    }

    /// Ends a session (quit, closed terminal); an open mailing stays open for the next one.
    pub fn end_session(&mut self, s: &Session) -> Result<()> {
        tracing::info!(session = s.id, account = %s.user.account, "session ended");
        let now = self.now();
        self.store.write(|tx| {
            people::end_session(tx, s.id, &now)?;
            audit::append(tx, &ctx(s, None, None), "session_ended", json!({}), &now)?;
            Ok(())
        })
    }

    /// Ends a command-line session when its command ends, done or refused, so no session
    /// is left open by a command. No event: a CLI session is the run of commands at one
    /// terminal, which the next command there within [`CLI_SESSION_IDLE_MINUTES`] continues,
    /// so its end is always that of its latest command.
    pub fn end_command(&mut self, s: &Session) -> Result<()> {
        let now = self.now();
        self.store.write(|tx| people::end_command(tx, s.id, &now))
    }

    /// The cases of the user's team.
    pub fn list_cases(&mut self, s: &Session) -> Result<Vec<CaseSummary>> {
        self.store.read(|tx| cases::list(tx, &s.user.team))
    }

    /// One case of the user's team with parties, documents and lock.
    fn show_case_checked(&mut self, s: &Session, number: &str) -> Result<CaseDetail> {
        let lang = self.lang;
        self.store.read(|tx| {
            let case = team_case(tx, s, number, lang)?;
            Ok(CaseDetail {
                lock: cases::lock(tx, case.id)?,
                parties: cases::parties(tx, case.id)?,
                documents: cases::documents(tx, case.id)?,
                case: case.number,
                benefit: case.benefit,
                team: case.team,
            })
        })
    }

    /// Locks a case and opens a mailing in draft to one of its parties.
    fn start_checked(
        &mut self,
        s: &Session,
        number: &str,
        recipient: PartyId,
    ) -> Result<MailingStatus> {
        let now = self.now();
        let lang = self.lang;
        let token = MailingToken::random()
            .map_err(|e| Error::Environment(format!("no random numbers from the OS: {e}")))?;
        let id = self.store.write(|tx| {
            people::touch_session(tx, s.id, &now)?;
            if let Some(open) = mailings::open_for(tx, &s.user.account)? {
                return Err(Refusal::OneOpenMailing {
                    case: open.case_no,
                    state: open.state,
                }
                .into());
            }
            let case = team_case(tx, s, number, lang)?;
            if let Some(lock) = cases::lock(tx, case.id)? {
                return Err(Refusal::CaseLocked {
                    case: case.number,
                    holder: format!("{} ({})", lock.name, lock.account),
                    since: time_fmt::display(&lock.since),
                }
                .into());
            }
            let party = cases::party_of_case(tx, case.id, recipient)?.ok_or_else(|| {
                Error::NotFound(match lang {
                    Lang::Sv => format!(
                        "part {recipient} finns inte i ärende {}; se `kuvert case show {}`",
                        case.number, case.number
                    ),
                    Lang::En => format!(
                        "party {recipient} is not a party of case {}; see `kuvert case show {}`",
                        case.number, case.number
                    ),
                })
            })?;
            let id = mailings::insert_with_lock(
                tx,
                case.id,
                &s.user.account,
                s.id,
                party.id,
                &token.to_base36(),
                &now,
            )?;
            audit::append(
                tx,
                &ctx(s, Some(id), Some(&case.number)),
                "mailing_started",
                json!({ "recipient": party.id, "recipient_role": party.role.as_str(),
                        "protected": party.protected }),
                &now,
            )?;
            audit::append(
                tx,
                &ctx(s, Some(id), Some(&case.number)),
                "case_locked",
                json!({}),
                &now,
            )?;
            Ok(id)
        })?;
        self.status_of(id)
    }

    /// Attaches documents of the locked case, all or none. A document about someone other
    /// than the recipient needs `confirm_other_subject`, and that confirmation is logged.
    fn attach_checked(
        &mut self,
        s: &Session,
        documents: &[DocumentId],
        confirm_other_subject: bool,
    ) -> Result<MailingStatus> {
        if documents.is_empty() {
            return Err(Error::Invalid(self.pick(
                "ange minst ett handlings-id",
                "give at least one document id",
            )));
        }
        let now = self.now();
        let lang = self.lang;
        let id = self.store.write(|tx| {
            people::touch_session(tx, s.id, &now)?;
            let m = open_mailing(tx, s)?;
            if m.state != MailingState::Draft {
                return Err(Refusal::AlreadyPrinted.into());
            }
            for &doc_id in documents {
                let (doc, case_id) = cases::document(tx, doc_id)?.ok_or_else(|| {
                    Error::NotFound(match lang {
                        Lang::Sv => format!("handling {doc_id} finns inte"),
                        Lang::En => format!("document {doc_id} does not exist"),
                    })
                })?;
                if case_id != m.case_id {
                    return Err(Refusal::DocumentOfOtherCase {
                        document: doc_id,
                        case: m.case_no.clone(),
                    }
                    .into());
                }
                if doc.sha256.is_empty() {
                    return Err(Refusal::DocumentPurged { document: doc_id }.into());
                }
                let other_subject = doc.subject != m.recipient;
                if other_subject && !confirm_other_subject {
                    let subject_role = cases::party(tx, doc.subject)?
                        .map(|p| p.role.as_str().to_owned())
                        .unwrap_or_default();
                    return Err(Refusal::OtherSubject {
                        document: doc_id,
                        title: doc.title,
                        subject_role,
                    }
                    .into());
                }
                mailings::attach(tx, m.id, m.case_id, doc_id, other_subject)?;
                audit::append(
                    tx,
                    &ctx(s, Some(m.id), Some(&m.case_no)),
                    "document_attached",
                    json!({ "document": doc_id, "pages": doc.pages, "subject": doc.subject,
                            "other_subject_confirmed": other_subject }),
                    &now,
                )?;
            }
            Ok(m.id)
        })?;
        self.status_of(id)
    }

    /// Removes documents from the draft, all or none.
    fn detach_checked(&mut self, s: &Session, documents: &[DocumentId]) -> Result<MailingStatus> {
        if documents.is_empty() {
            return Err(Error::Invalid(self.pick(
                "ange minst ett handlings-id",
                "give at least one document id",
            )));
        }
        let now = self.now();
        let lang = self.lang;
        let id = self.store.write(|tx| {
            people::touch_session(tx, s.id, &now)?;
            let m = open_mailing(tx, s)?;
            if m.state != MailingState::Draft {
                return Err(Refusal::AlreadyPrinted.into());
            }
            for &doc_id in documents {
                if !mailings::detach(tx, m.id, doc_id)? {
                    return Err(Error::Invalid(match lang {
                        Lang::Sv => format!("handling {doc_id} är inte bifogad"),
                        Lang::En => format!("document {doc_id} is not attached"),
                    }));
                }
                audit::append(
                    tx,
                    &ctx(s, Some(m.id), Some(&m.case_no)),
                    "document_detached",
                    json!({ "document": doc_id }),
                    &now,
                )?;
            }
            Ok(m.id)
        })?;
        self.status_of(id)
    }

    /// Gives the draft another recipient of its case, before anything is printed; the
    /// documents that do not concern the new recipient are removed. Returns the draft and
    /// how many documents were removed.
    pub fn change_recipient(
        &mut self,
        s: &Session,
        recipient: PartyId,
    ) -> Result<(MailingStatus, usize)> {
        let r = self.change_recipient_checked(s, recipient);
        self.logged(s, "change_recipient", r)
    }

    fn change_recipient_checked(
        &mut self,
        s: &Session,
        recipient: PartyId,
    ) -> Result<(MailingStatus, usize)> {
        let now = self.now();
        let lang = self.lang;
        let (id, removed) = self.store.write(|tx| {
            people::touch_session(tx, s.id, &now)?;
            let m = open_mailing(tx, s)?;
            if m.state != MailingState::Draft {
                return Err(Refusal::AlreadyPrinted.into());
            }
            let party = cases::party_of_case(tx, m.case_id, recipient)?.ok_or_else(|| {
                Error::NotFound(match lang {
                    Lang::Sv => format!("part {recipient} finns inte i ärende {}", m.case_no),
                    Lang::En => format!("party {recipient} is not a party of case {}", m.case_no),
                })
            })?;
            let removed = mailings::change_recipient(tx, m.id, party.id)?;
            audit::append(
                tx,
                &ctx(s, Some(m.id), Some(&m.case_no)),
                "recipient_changed",
                json!({ "from": m.recipient, "to": party.id, "recipient_role": party.role.as_str(),
                        "protected": party.protected, "documents_removed": removed }),
                &now,
            )?;
            Ok((m.id, removed))
        })?;
        Ok((self.status_of(id)?, removed))
    }

    /// Renders the print job, writes it to the outbox and sends it to the printer. A reprint
    /// (a print after a completed one) needs a reason and makes the earlier print stale.
    pub fn print(&mut self, s: &Session, reason: Option<&str>) -> Result<PrintOutcome> {
        let plan = self.prepare_print(s, reason)?;
        let printed = match self.produce(&plan) {
            Ok(p) => p,
            Err(e) => {
                self.print_failed(s, &plan, &e)?;
                return Err(e);
            }
        };
        self.complete_print(s, &plan, &printed)
    }

    /// Step 1 of printing: checks the rules and reserves a new generation.
    fn prepare_print_checked(&mut self, s: &Session, reason: Option<&str>) -> Result<PrintPlan> {
        let reason = reason.map(str::trim).filter(|r| !r.is_empty());
        if let Some(r) = reason {
            self.check_reason(r)?;
        }
        let now_dt = (self.clock)();
        let now = time_fmt::timestamp(now_dt);
        let forwarding = self.config.forwarding.clone();
        self.store.write(|tx| {
            people::touch_session(tx, s.id, &now)?;
            let m = open_mailing(tx, s)?;
            let policy = policies::of_team(tx, &cases::by_id(tx, m.case_id)?.team)?.verify;
            // A completed earlier print needs a reason to be replaced; a retry after a
            // failed print does not (its codes are stale all the same).
            if m.generation > 0 && reason.is_none() {
                return Err(Refusal::ReprintNeedsReason.into());
            }
            if m.issued >= MAX_GENERATION {
                return Err(Refusal::TooManyPrints {
                    max: MAX_GENERATION,
                }
                .into());
            }
            let enclosures = mailings::enclosures(tx, m.id)?;
            if enclosures.is_empty() {
                return Err(Refusal::NothingAttached.into());
            }
            let mut documents = Vec::with_capacity(enclosures.len());
            for e in &enclosures {
                documents.push(cases::document_bytes(tx, e.document)?.ok_or(
                    Refusal::DocumentPurged {
                        document: e.document,
                    },
                )?);
            }
            let case = cases::by_id(tx, m.case_id)?;
            let recipient = cases::party(tx, m.recipient)?
                .ok_or_else(|| Error::NotFound(format!("party {}", m.recipient)))?;
            let delivery = match (&recipient.address, recipient.protected) {
                (Some(address), false) => Delivery::Direct {
                    name: recipient.name.clone(),
                    address: address.clone(),
                },
                _ => Delivery::Forwarded {
                    service: forwarding.name.clone(),
                    address: forwarding.address.clone(),
                    recipient_id_number: recipient.id_number.clone(),
                },
            };
            let sheets = sheet_layout(
                &enclosures,
                matches!(delivery, Delivery::Forwarded { .. }),
                policy,
            );
            if sheets.len() as u32 > MAX_SHEET {
                return Err(Error::Invalid(format!(
                    "a print job holds at most {MAX_SHEET} sheets; this one would have {}",
                    sheets.len()
                )));
            }
            let generation = mailings::reserve_generation(tx, m.id)?;
            audit::append(
                tx,
                &ctx(s, Some(m.id), Some(&m.case_no)),
                "print_started",
                json!({ "generation": generation, "sheets": sheets.len(), "reason": reason }),
                &now,
            )?;
            let token = MailingToken::from_base36(&m.token)
                .ok_or_else(|| Error::Environment(format!("mailing {} has a bad token", m.id)))?;
            Ok(PrintPlan {
                mailing: m.id,
                case_no: m.case_no,
                benefit: case.benefit,
                generation,
                token,
                reason: reason.map(str::to_owned),
                delivery,
                recipient_role: recipient.role,
                caseworker: s.user.name.clone(),
                date: time_fmt::date(now_dt),
                enclosures,
                documents,
                sheets,
            })
        })
    }

    /// Step 2 of printing (no database): the PDF, the outbox file, the printer.
    pub fn produce(&self, plan: &PrintPlan) -> Result<PrintedJob> {
        self.producer().produce(plan)
    }

    /// What step 2 needs, detached from the database, for a worker thread (the terminal UI
    /// must not freeze while the printer answers).
    pub fn producer(&self) -> Producer {
        Producer::new(self.config.clone(), self.outbox.clone())
    }

    /// Step 3 of printing: the print exists, on paper or in the outbox; make it current.
    pub fn complete_print(
        &mut self,
        s: &Session,
        plan: &PrintPlan,
        printed: &PrintedJob,
    ) -> Result<PrintOutcome> {
        let now = self.now();
        let pdf_path = printed.path.to_string_lossy().into_owned();
        self.store.write(|tx| {
            let m = open_mailing(tx, s)?;
            if m.id != plan.mailing || m.issued != plan.generation {
                return Err(Error::Environment(
                    "the mailing changed while it was printing; print again".into(),
                ));
            }
            mailings::record_print(
                tx,
                m.id,
                &NewPrintJob {
                    generation: plan.generation,
                    pdf_path: &pdf_path,
                    pdf_sha256: &printed.sha256,
                    printer_job: printed.printer_job.as_deref(),
                    reason: plan.reason.as_deref(),
                    session: s.id,
                    account: &s.user.account,
                    sheets: &plan.sheets,
                },
                &now,
            )?;
            audit::append(
                tx,
                &ctx(s, Some(m.id), Some(&m.case_no)),
                if m.generation > 0 {
                    "reprinted"
                } else {
                    "printed"
                },
                json!({ "generation": plan.generation, "sheets": plan.sheets.len(),
                        "pdf_sha256": printed.sha256, "printer_job": printed.printer_job,
                        "reason": plan.reason }),
                &now,
            )?;
            Ok(PrintOutcome {
                mailing: m.id,
                state: MailingState::Printed,
                pdf: pdf_path.clone(),
                sheets: plan.sheets.len() as u32,
                generation: plan.generation,
                printer_job: printed.printer_job.clone(),
            })
        })
    }

    /// Records a failed print: the mailing stays as it was, its reserved codes are stale.
    pub fn print_failed(&mut self, s: &Session, plan: &PrintPlan, error: &Error) -> Result<()> {
        let now = self.now();
        let message = error.to_string();
        self.store.write(|tx| {
            audit::append(
                tx,
                &ctx(s, Some(plan.mailing), Some(&plan.case_no)),
                "print_failed",
                json!({ "generation": plan.generation, "error": message }),
                &now,
            )?;
            Ok(())
        })
    }

    /// Seals a verified mailing and releases its case.
    fn seal_checked(&mut self, s: &Session, desk: Desk) -> Result<MailingStatus> {
        let now = self.now();
        let id = self.store.write(|tx| {
            people::touch_session(tx, s.id, &now)?;
            let (m, policy) = desk_mailing(tx, s, desk)?;
            let dual = policy.dual_control;
            if m.state != MailingState::Verified {
                let (_, required, _) = mailings::print_summary(tx, m.id, m.generation)?
                    .unwrap_or((0, 0, String::new()));
                let seen = if m.generation > 0 {
                    mailings::seen_required(tx, &m)?
                } else {
                    0
                };
                return Err(Refusal::NotVerified { seen, required }.into());
            }
            mailings::set_state(tx, m.id, MailingState::Sealed, &now, None)?;
            let c = ctx(s, Some(m.id), Some(&m.case_no));
            audit::append(
                tx,
                &c,
                "sealed",
                json!({ "generation": m.generation, "printed_by": m.printed_by,
                        "started_by": m.account, "dual_control": dual }),
                &now,
            )?;
            audit::append(tx, &c, "case_unlocked", json!({}), &now)?;
            Ok(m.id)
        })?;
        self.status_of(id)
    }

    /// Voids the open mailing (reason required) and releases its case.
    fn void_checked(&mut self, s: &Session, reason: &str) -> Result<MailingStatus> {
        let reason = reason.trim();
        self.check_reason(reason)?;
        let now = self.now();
        let id = self.store.write(|tx| {
            people::touch_session(tx, s.id, &now)?;
            let m = open_mailing(tx, s)?;
            mailings::set_state(tx, m.id, MailingState::Voided, &now, Some(reason))?;
            let c = ctx(s, Some(m.id), Some(&m.case_no));
            audit::append(
                tx,
                &c,
                "voided",
                json!({ "reason": reason, "from_state": m.state.as_str() }),
                &now,
            )?;
            audit::append(tx, &c, "case_unlocked", json!({}), &now)?;
            Ok(m.id)
        })?;
        self.status_of(id)
    }

    /// A lead breaks the lock on a case of their team; the holding mailing is voided.
    fn break_lock_checked(
        &mut self,
        s: &Session,
        number: &str,
        reason: &str,
    ) -> Result<MailingStatus> {
        let reason = reason.trim();
        if s.user.role != Role::Lead {
            return Err(Refusal::LeadOnly {
                what: "kuvert lock break".into(),
            }
            .into());
        }
        self.check_reason(reason)?;
        let now = self.now();
        let lang = self.lang;
        let id = self.store.write(|tx| {
            people::touch_session(tx, s.id, &now)?;
            let case = team_case(tx, s, number, lang)?;
            let lock = cases::lock(tx, case.id)?.ok_or_else(|| Refusal::NotLocked {
                case: case.number.clone(),
            })?;
            let m = mailings::by_id(tx, lock.mailing)?.ok_or(Error::NoOpenMailing)?;
            let why = format!("lock broken by {}: {reason}", s.user.account);
            mailings::set_state(tx, m.id, MailingState::Voided, &now, Some(&why))?;
            let c = ctx(s, Some(m.id), Some(&m.case_no));
            audit::append(
                tx,
                &c,
                "lock_broken",
                json!({ "reason": reason, "holder": lock.account, "from_state": m.state.as_str() }),
                &now,
            )?;
            // Part of the lock break, which is the override: not counted a second time.
            audit::append(
                tx,
                &c,
                "voided",
                json!({ "reason": why, "lock_broken": true }),
                &now,
            )?;
            audit::append(tx, &c, "case_unlocked", json!({}), &now)?;
            Ok(m.id)
        })?;
        self.status_of(id)
    }

    /// One case of the user's team with parties, documents and lock.
    pub fn show_case(&mut self, s: &Session, number: &str) -> Result<CaseDetail> {
        let r = self.show_case_checked(s, number);
        self.logged(s, "show_case", r)
    }

    /// Locks a case and opens a mailing in draft to one of its parties.
    pub fn start(
        &mut self,
        s: &Session,
        number: &str,
        recipient: PartyId,
    ) -> Result<MailingStatus> {
        let r = self.start_checked(s, number, recipient);
        self.logged(s, "start", r)
    }

    /// Attaches documents of the locked case, all or none. A document about someone other
    /// than the recipient needs `confirm_other_subject`, and that confirmation is logged.
    pub fn attach(
        &mut self,
        s: &Session,
        documents: &[DocumentId],
        confirm_other_subject: bool,
    ) -> Result<MailingStatus> {
        let r = self.attach_checked(s, documents, confirm_other_subject);
        self.logged(s, "attach", r)
    }

    /// Removes documents from the draft, all or none.
    pub fn detach(&mut self, s: &Session, documents: &[DocumentId]) -> Result<MailingStatus> {
        let r = self.detach_checked(s, documents);
        self.logged(s, "detach", r)
    }

    /// Step 1 of printing: checks the rules and reserves a new generation.
    pub fn prepare_print(&mut self, s: &Session, reason: Option<&str>) -> Result<PrintPlan> {
        let r = self.prepare_print_checked(s, reason);
        self.logged(s, "print", r)
    }

    /// One scan at sealing, checked against the user's open mailing.
    pub fn scan(&mut self, s: &Session, input: &str, source: ScanSource) -> Result<ScanOutcome> {
        self.scan_at(s, Desk::Own, input, source)
    }

    /// One scan at sealing, checked against the mailing at the desk (own or station).
    pub fn scan_at(
        &mut self,
        s: &Session,
        desk: Desk,
        input: &str,
        source: ScanSource,
    ) -> Result<ScanOutcome> {
        let r = self.scan_checked(s, desk, input, source);
        self.logged(s, "scan", r)
    }

    /// Seals the user's verified mailing and releases its case.
    pub fn seal(&mut self, s: &Session) -> Result<MailingStatus> {
        self.seal_at(s, Desk::Own)
    }

    /// Seals the verified mailing at the desk (own or station) and releases its case.
    pub fn seal_at(&mut self, s: &Session, desk: Desk) -> Result<MailingStatus> {
        let r = self.seal_checked(s, desk);
        self.logged(s, "seal", r)
    }

    /// Opens a printed mailing of the user's team for sealing by a sheet code of its current
    /// print (the cover sheet), as at a sealing station; then `scan_at`/`seal_at` with
    /// `Desk::Station`. With `dual_control`, the person who printed it is refused. The sheet
    /// scanned counts as scanned (source unspecified; see [`Self::open_at_station_from`]).
    pub fn open_at_station(&mut self, s: &Session, code: &str) -> Result<MailingStatus> {
        self.open_at_station_from(s, code, ScanSource::Unspecified)
    }

    /// [`Self::open_at_station`] with how the code came in (scanner or keyed), recorded with
    /// the scan of the opening sheet, so a station never scans its cover twice.
    pub fn open_at_station_from(
        &mut self,
        s: &Session,
        code: &str,
        source: ScanSource,
    ) -> Result<MailingStatus> {
        let r = self.open_at_station_checked(s, code, source);
        self.logged(s, "open_at_station", r)
    }

    /// The team's printed mailings whose envelopes wait to be verified and sealed, oldest
    /// print first.
    pub fn awaiting_seal(&mut self, s: &Session) -> Result<Vec<AwaitingSeal>> {
        self.store
            .read(|tx| mailings::awaiting_seal(tx, &s.user.team))
    }

    /// Voids the open mailing (reason required) and releases its case.
    pub fn void(&mut self, s: &Session, reason: &str) -> Result<MailingStatus> {
        let r = self.void_checked(s, reason);
        self.logged(s, "void", r)
    }

    /// A lead breaks the lock on a case of their team; the holding mailing is voided.
    pub fn break_lock(&mut self, s: &Session, number: &str, reason: &str) -> Result<MailingStatus> {
        let r = self.break_lock_checked(s, number, reason);
        self.logged(s, "lock_break", r)
    }

    /// Every refusal is logged (DESIGN §1), in a transaction of its own after the refused
    /// one rolled back: the rule's name and ids, never names or titles.
    /// Public for the operations outside the workflow (the lead's reports), so their
    /// refusals are logged the same way.
    pub fn logged<T>(&mut self, s: &Session, operation: &str, result: Result<T>) -> Result<T> {
        // The diagnostic log: ids and rule names only (issue 6: no personal data in logs).
        match &result {
            Ok(_) => tracing::info!(session = s.id, account = %s.user.account, operation, "done"),
            Err(Error::Refused(r)) => tracing::info!(
                session = s.id,
                account = %s.user.account,
                operation,
                rule = %r.detail()["rule"],
                "refused"
            ),
            // The machine's faults (exit 3) with their cause, for IT; the user's mistakes
            // by kind only, since their messages may quote what was typed.
            Err(e) if e.exit_code() == 3 => tracing::error!(
                session = s.id,
                account = %s.user.account,
                operation,
                kind = e.kind_name(),
                "failed: {e}"
            ),
            Err(e) => tracing::info!(
                session = s.id,
                account = %s.user.account,
                operation,
                kind = e.kind_name(),
                "not done"
            ),
        }
        if let Err(Error::Refused(refusal)) = &result {
            let now = self.now();
            let mut detail = refusal.detail();
            detail["operation"] = json!(operation);
            let case = detail
                .get("case")
                .and_then(|c| c.as_str())
                .map(str::to_owned);
            let logged = self.store.write(|tx| {
                audit::append(tx, &ctx(s, None, case.as_deref()), "refused", detail, &now)?;
                Ok(())
            });
            if let Err(e) = logged {
                // The caseworker must still hear why they were refused.
                tracing::warn!("could not log a refusal: {e}");
            }
        }
        result
    }

    /// The user's open mailing, if any.
    pub fn status(&mut self, s: &Session) -> Result<Option<MailingStatus>> {
        let open = self
            .store
            .read(|tx| mailings::open_for(tx, &s.user.account))?;
        open.map(|m| self.status_of(m.id)).transpose()
    }

    /// A mailing's status by id.
    pub fn status_of(&mut self, id: MailingId) -> Result<MailingStatus> {
        self.store.read(|tx| {
            let m = mailings::by_id(tx, id)?.ok_or(Error::NoOpenMailing)?;
            let recipient = cases::party(tx, m.recipient)?
                .ok_or_else(|| Error::NotFound(format!("party {}", m.recipient)))?;
            let summary = if m.generation > 0 {
                mailings::print_summary(tx, m.id, m.generation)?
            } else {
                None
            };
            let (sheets, required, pdf) = match summary {
                Some((s, r, p)) => (s, r, Some(p)),
                None => (0, 0, None),
            };
            let (seen, seen_sheets) = if m.generation > 0 {
                (
                    mailings::seen_required(tx, &m)?,
                    mailings::seen_sheets(tx, &m)?,
                )
            } else {
                (0, Vec::new())
            };
            Ok(MailingStatus {
                mailing: m.id,
                state: m.state,
                case: m.case_no.clone(),
                recipient: recipient.id,
                recipient_role: recipient.role,
                recipient_protected: recipient.protected,
                enclosures: mailings::enclosures(tx, m.id)?,
                generation: m.generation,
                sheets,
                required,
                seen,
                seen_sheets,
                pdf,
                started: m.started,
            })
        })
    }

    /// Registers a user: a lead may, and so may the first user of an empty database.
    pub fn add_user(&mut self, actor: Option<&Session>, user: &User) -> Result<()> {
        validate_account(&user.account)?;
        if user.name.trim().is_empty() || user.team.trim().is_empty() {
            return Err(Error::Invalid("name and team must not be empty".into()));
        }
        let now = self.now();
        self.store.write(|tx| {
            let first = people::user_count(tx)? == 0;
            match actor {
                Some(a) if a.user.role == Role::Lead => {}
                None if first => {}
                _ => {
                    return Err(Refusal::LeadOnly {
                        what: "kuvert user add".into(),
                    }
                    .into());
                }
            }
            people::add_user(tx, user, &now)?;
            audit::append(
                tx,
                &EventContext {
                    session: actor.map(|a| a.id),
                    account: actor.map(|a| a.user.account.as_str()),
                    ..Default::default()
                },
                "user_added",
                json!({ "account": user.account, "role": user.role.as_str(), "team": user.team }),
                &now,
            )?;
            Ok(())
        })
    }

    /// Whether the database has any user yet (the first may register without a session).
    pub fn has_users(&mut self) -> Result<bool> {
        self.store.read(|tx| Ok(people::user_count(tx)? > 0))
    }

    /// Checks the event log against a head file kept elsewhere (a copy shipped off the
    /// machine): it must still hold the event the copy names, with the same hash.
    pub fn audit_verify_against(&mut self, head_file: &Path) -> Result<audit::AuditReport> {
        let head = crate::store::head::read_file(head_file)?
            .ok_or_else(|| Error::Invalid(format!("{}: no such head file", head_file.display())))?;
        self.store
            .read(|tx| audit::verify_with_head(tx, Some(&head)))
    }

    /// Checks the event log's hash chain, and against the head file beside the database.
    pub fn audit_verify(&mut self) -> Result<audit::AuditReport> {
        // The head first: every event it names was committed before the snapshot below.
        let head = crate::store::head::read(self.store.path())?;
        self.store
            .read(|tx| audit::verify_with_head(tx, head.as_ref()))
    }

    /// The rule for every reason (void, reprint, lock break): present, one line, in words.
    pub fn check_reason(&self, reason: &str) -> Result<()> {
        if reason.is_empty() {
            return Err(Error::Invalid(self.pick(
                "ett skäl krävs (--reason \"…\")",
                "a reason is required (--reason \"…\")",
            )));
        }
        if reason.chars().count() > 500 || reason.chars().any(char::is_control) {
            return Err(Error::Invalid(self.pick(
                "skälet får vara högst 500 tecken på en rad",
                "the reason must be at most 500 characters on one line",
            )));
        }
        // A scanner's burst that landed in a reason prompt must not become the reason.
        if crate::code::contains_sheet_code(reason) {
            return Err(Error::Invalid(self.pick(
                "skälet ser ut som en arkkod (en skanning i fel fält): skriv skälet med ord",
                "the reason looks like a sheet code (a scan in the wrong field): write the reason in words",
            )));
        }
        Ok(())
    }

    fn pick(&self, sv: &str, en: &str) -> String {
        match self.lang {
            Lang::Sv => sv.to_owned(),
            Lang::En => en.to_owned(),
        }
    }
}

fn ctx<'a>(
    s: &'a Session,
    mailing: Option<MailingId>,
    case_no: Option<&'a str>,
) -> EventContext<'a> {
    EventContext {
        session: Some(s.id),
        account: Some(&s.user.account),
        mailing,
        case_no,
    }
}

fn open_mailing(c: &Tx<'_>, s: &Session) -> Result<MailingRow> {
    mailings::open_for(c, &s.user.account)?.ok_or(Error::NoOpenMailing)
}

/// The mailing a scan or seal acts on, with the team's dual-control policy applied at both
/// desks; the policy is read in the same transaction as the act it allows.
fn desk_mailing(c: &Tx<'_>, s: &Session, desk: Desk) -> Result<(MailingRow, Policy)> {
    let m = match desk {
        Desk::Own => open_mailing(c, s)?,
        Desk::Station(id) => station_mailing(c, s, id)?,
    };
    let policy = policies::of_team(c, &cases::by_id(c, m.case_id)?.team)?;
    if policy.dual_control && m.printed_by.as_deref() == Some(s.user.account.as_str()) {
        return Err(Refusal::FourEyes { case: m.case_no }.into());
    }
    Ok((m, policy))
}

/// A mailing someone may verify at a station: printed and of their team (the four-eyes
/// rule is `desk_mailing`'s). Checked again in every transaction, since the owner may
/// reprint or void it meanwhile.
fn station_mailing(c: &Tx<'_>, s: &Session, id: MailingId) -> Result<MailingRow> {
    let m = mailings::by_id(c, id)?.ok_or(Error::NoOpenMailing)?;
    let case = cases::by_id(c, m.case_id)?;
    if case.team != s.user.team {
        return Err(Refusal::OtherTeam {
            case: case.number,
            team: case.team,
            yours: s.user.team.clone(),
        }
        .into());
    }
    if !matches!(m.state, MailingState::Printed | MailingState::Verified) {
        return Err(Refusal::NotAwaitingSeal {
            case: m.case_no,
            state: m.state,
        }
        .into());
    }
    Ok(m)
}

/// A case by number, only within the user's team.
fn team_case(c: &Tx<'_>, s: &Session, number: &str, lang: Lang) -> Result<cases::CaseRow> {
    let bare = crate::case_number::is_bare(number);
    let number = normalise_case_number(number);
    let case = cases::by_number(c, &number)?
        .ok_or_else(|| Error::NotFound(crate::i18n::case_not_found(&number, bare, lang)))?;
    if case.team != s.user.team {
        return Err(Refusal::OtherTeam {
            case: case.number,
            team: case.team,
            yours: s.user.team.clone(),
        }
        .into());
    }
    Ok(case)
}

fn validate_account(account: &str) -> Result<()> {
    let ok = !account.is_empty()
        && account.len() <= 64
        && account
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '@'));
    if ok {
        Ok(())
    } else {
        Err(Error::Invalid(format!(
            "'{account}' is not an account name: use the login name (letters, digits, . _ - @)"
        )))
    }
}
