//! Printing a mailing in three steps, so the write lock is never held while the PDF is made
//! and the printer answers: reserve a generation, produce the job, record it.

use super::{Operation, Session, Workflow, ctx, open_mailing};
use crate::audit::{self, Event, Print};
use crate::code::{MAX_GENERATION, MAX_SHEET, MailingToken};
use crate::error::{Error, Refusal, Result};
use crate::i18n;
use crate::model::*;
use crate::plan::{Delivery, PrintPlan, sheet_layout};
use crate::print::{PrintedJob, Producer};
use crate::store::mailings::NewPrintJob;
use crate::store::{Tx, cases, mailings, policies};
use crate::time_fmt;

impl Workflow {
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

    /// Whether the draft may go on to review and print: the rule print applies, checked
    /// (and a refusal logged) before the caseworker is shown the print preview.
    pub fn review(&mut self, s: &Session) -> Result<()> {
        self.run(s, Operation::Review, |tx, _| {
            let m = open_mailing(tx, s)?;
            enclosures_to_print(tx, m.id).map(drop)
        })
    }

    /// Step 1 of printing: checks the rules and reserves a new generation.
    pub fn prepare_print(&mut self, s: &Session, reason: Option<&str>) -> Result<PrintPlan> {
        let reason = reason.map(str::trim).filter(|r| !r.is_empty());
        let checked = reason.map(|r| self.check_reason(r)).transpose();
        self.run_staged(
            s,
            Operation::Print,
            |_| checked,
            |tx, env, _| {
                let forwarding = &env.config.forwarding;
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
                let enclosures = enclosures_to_print(tx, m.id)?;
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
                    return Err(Error::Invalid(i18n::too_many_sheets(
                        MAX_SHEET,
                        sheets.len(),
                        env.lang,
                    )));
                }
                let generation = mailings::reserve_generation(tx, m.id)?;
                audit::append(
                    tx,
                    &ctx(s, Some(m.id), Some(&m.case_no)),
                    &Event::PrintStarted {
                        generation,
                        sheets: sheets.len() as u64,
                        reason: reason.map(str::to_owned),
                    },
                    &env.stamp,
                )?;
                let token = MailingToken::from_base36(&m.token).ok_or_else(|| {
                    Error::Environment(format!("mailing {} has a bad token", m.id))
                })?;
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
                    date: time_fmt::date(env.now),
                    enclosures,
                    documents,
                    sheets,
                })
            },
        )
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
                &{
                    let print = Print {
                        generation: plan.generation,
                        sheets: plan.sheets.len() as u64,
                        pdf_sha256: printed.sha256.clone(),
                        printer_job: printed.printer_job.clone(),
                        reason: plan.reason.clone(),
                    };
                    if m.generation > 0 {
                        Event::Reprinted(print)
                    } else {
                        Event::Printed(print)
                    }
                },
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
                &Event::PrintFailed {
                    generation: plan.generation,
                    error: message,
                },
                &now,
            )?;
            Ok(())
        })
    }
}

/// A mailing's enclosures, refusing a mailing with nothing attached.
fn enclosures_to_print(tx: &Tx<'_>, mailing: MailingId) -> Result<Vec<Enclosure>> {
    let enclosures = mailings::enclosures(tx, mailing)?;
    if enclosures.is_empty() {
        return Err(Refusal::NothingAttached.into());
    }
    Ok(enclosures)
}
