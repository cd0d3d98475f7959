//! Sealing: a verified mailing is sealed and its case released, or the mailing is voided;
//! and what a mailing's state is at any moment.

use super::{Desk, Operation, Session, Workflow, ctx, desk_mailing, open_mailing};
use crate::audit::{self, Event, EventContext};
use crate::error::{Error, Refusal, Result};
use crate::model::*;
use crate::store::mailings::{self, PrintSheets};
use crate::store::{Tx, cases};

impl Workflow {
    /// Seals the user's verified mailing and releases its case.
    pub fn seal(&mut self, s: &Session) -> Result<MailingStatus> {
        self.seal_at(s, Desk::Own)
    }

    /// Seals the verified mailing at the desk (own or station) and releases its case.
    pub fn seal_at(&mut self, s: &Session, desk: Desk) -> Result<MailingStatus> {
        let id = self.run(s, Operation::Seal, |tx, env| {
            let now = &env.stamp;
            let (m, policy) = desk_mailing(tx, s, desk)?;
            let dual = policy.dual_control;
            if m.state != MailingState::Verified {
                let print = mailings::print_sheets(tx, &m)?.unwrap_or_default();
                return Err(Refusal::NotVerified {
                    seen: print.seen_required(None),
                    required: print.required_count(),
                }
                .into());
            }
            mailings::set_state(tx, m.id, MailingState::Sealed, now, None)?;
            let c = ctx(s, Some(m.id), Some(&m.case_no));
            audit::append(
                tx,
                &c,
                &Event::Sealed {
                    generation: m.generation,
                    printed_by: m.printed_by.clone(),
                    started_by: m.account.clone(),
                    dual_control: dual,
                },
                now,
            )?;
            audit::append(tx, &c, &Event::CaseUnlocked {}, now)?;
            Ok(m.id)
        })?;
        self.status_of(id)
    }

    /// Voids the open mailing (reason required) and releases its case.
    pub fn void(&mut self, s: &Session, reason: &str) -> Result<MailingStatus> {
        let id = self.run_with_reason(s, Operation::Void, reason, |tx, env, reason| {
            let now = &env.stamp;
            let m = open_mailing(tx, s)?;
            let voided = Event::Voided {
                reason: reason.into(),
                from_state: Some(m.state.as_str().into()),
                lock_broken: None,
            };
            let c = ctx(s, Some(m.id), Some(&m.case_no));
            void_mailing(tx, &c, m.id, reason, &voided, now)?;
            Ok(m.id)
        })?;
        self.status_of(id)
    }

    /// The team's printed mailings whose envelopes wait to be verified and sealed, oldest
    /// print first.
    pub fn awaiting_seal(&mut self, s: &Session) -> Result<Vec<AwaitingSeal>> {
        self.store
            .read(|tx| mailings::awaiting_seal(tx, &s.user.team))
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
            let print = mailings::print_sheets(tx, &m)?;
            Ok(MailingStatus {
                mailing: m.id,
                state: m.state,
                case: m.case_no.clone(),
                recipient: recipient.id,
                recipient_role: recipient.role,
                recipient_protected: recipient.protected,
                enclosures: mailings::enclosures(tx, m.id)?,
                generation: m.generation,
                sheets: print.as_ref().map_or(0, |p| p.sheets),
                required: print.as_ref().map_or(0, PrintSheets::required_count),
                seen: print.as_ref().map_or(0, |p| p.seen_required(None)),
                pdf: print.as_ref().map(|p| p.pdf_path.clone()),
                seen_sheets: print.map(|p| p.seen).unwrap_or_default(),
                started: m.started,
            })
        })
    }
}

/// Voids a mailing and releases its case, in the caller's transaction: the state with the
/// reason as stored, the `voided` event, and the unlock.
pub(super) fn void_mailing(
    tx: &Tx<'_>,
    c: &EventContext<'_>,
    id: MailingId,
    stored_reason: &str,
    voided: &Event,
    now: &str,
) -> Result<()> {
    mailings::set_state(tx, id, MailingState::Voided, now, Some(stored_reason))?;
    audit::append(tx, c, voided, now)?;
    audit::append(tx, c, &Event::CaseUnlocked {}, now)?;
    Ok(())
}
