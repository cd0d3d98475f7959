//! Composing a mailing: find the case, lock it with a draft to one of its parties, attach only
//! that case's documents, change the recipient before anything is printed.

use super::{Operation, Session, Workflow, ctx, open_mailing, team_case};
use crate::audit::{self, Event};
use crate::code::MailingToken;
use crate::error::{Error, Refusal, Result};
use crate::i18n;
use crate::model::*;
use crate::store::mailings::MailingRow;
use crate::store::{Tx, cases, mailings};
use crate::time_fmt;

impl Workflow {
    /// The cases of the user's team.
    pub fn list_cases(&mut self, s: &Session) -> Result<Vec<CaseSummary>> {
        self.store.read(|tx| cases::list(tx, &s.user.team))
    }

    /// One case of the user's team with parties, documents and lock.
    pub fn show_case(&mut self, s: &Session, number: &str) -> Result<CaseDetail> {
        self.run(s, Operation::ShowCase, |tx, env| {
            let case = team_case(tx, s, number, env.lang)?;
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
    pub fn start(
        &mut self,
        s: &Session,
        number: &str,
        recipient: PartyId,
    ) -> Result<MailingStatus> {
        let id = self.run_staged(
            s,
            Operation::Start,
            |_| {
                MailingToken::random()
                    .map_err(|e| Error::Environment(format!("no random numbers from the OS: {e}")))
            },
            |tx, env, token| {
                if let Some(open) = mailings::open_for(tx, &s.user.account)? {
                    return Err(Refusal::OneOpenMailing {
                        case: open.case_no,
                        state: open.state,
                    }
                    .into());
                }
                let case = team_case(tx, s, number, env.lang)?;
                if let Some(lock) = cases::lock(tx, case.id)? {
                    return Err(Refusal::CaseLocked {
                        case: case.number,
                        holder: format!("{} ({})", lock.name, lock.account),
                        since: time_fmt::display(&lock.since),
                    }
                    .into());
                }
                let party = cases::party_of_case(tx, case.id, recipient)?.ok_or_else(|| {
                    Error::NotFound(i18n::party_not_in_case(recipient, &case.number, env.lang))
                })?;
                let id = mailings::insert_with_lock(
                    tx,
                    case.id,
                    &s.user.account,
                    s.id,
                    party.id,
                    &token.to_base36(),
                    &env.stamp,
                )?;
                let c = ctx(s, Some(id), Some(&case.number));
                audit::append(
                    tx,
                    &c,
                    &Event::MailingStarted {
                        recipient: party.id,
                        recipient_role: party.role.as_str().into(),
                        protected: Some(party.protected),
                    },
                    &env.stamp,
                )?;
                audit::append(tx, &c, &Event::CaseLocked {}, &env.stamp)?;
                Ok(id)
            },
        )?;
        self.status_of(id)
    }

    /// Attaches documents of the locked case, all or none. A document about someone other
    /// than the recipient needs `confirm_other_subject`, and that confirmation is logged.
    pub fn attach(
        &mut self,
        s: &Session,
        documents: &[DocumentId],
        confirm_other_subject: bool,
    ) -> Result<MailingStatus> {
        let id = self.run_staged(
            s,
            Operation::Attach,
            |env| some_documents(documents, env.lang),
            |tx, env, ()| {
                let m = open_draft(tx, s)?;
                for &doc_id in documents {
                    let Some((doc, case_id)) = cases::document(tx, doc_id)? else {
                        // On a server row security hides another team's document: it is
                        // refused as another case's there too, not reported missing.
                        return Err(match cases::case_of_document(tx, doc_id)? {
                            Some(_) => Refusal::DocumentOfOtherCase {
                                document: doc_id,
                                case: m.case_no.clone(),
                            }
                            .into(),
                            None => Error::NotFound(i18n::no_such_document(doc_id, env.lang)),
                        });
                    };
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
                        &Event::DocumentAttached {
                            document: doc_id,
                            pages: doc.pages,
                            subject: doc.subject,
                            other_subject_confirmed: other_subject,
                        },
                        &env.stamp,
                    )?;
                }
                Ok(m.id)
            },
        )?;
        self.status_of(id)
    }

    /// Removes documents from the draft, all or none.
    pub fn detach(&mut self, s: &Session, documents: &[DocumentId]) -> Result<MailingStatus> {
        let id = self.run_staged(
            s,
            Operation::Detach,
            |env| some_documents(documents, env.lang),
            |tx, env, ()| {
                let m = open_draft(tx, s)?;
                for &doc_id in documents {
                    if !mailings::detach(tx, m.id, doc_id)? {
                        return Err(Error::Invalid(i18n::not_attached(doc_id, env.lang)));
                    }
                    audit::append(
                        tx,
                        &ctx(s, Some(m.id), Some(&m.case_no)),
                        &Event::DocumentDetached { document: doc_id },
                        &env.stamp,
                    )?;
                }
                Ok(m.id)
            },
        )?;
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
        let (id, removed) = self.run(s, Operation::ChangeRecipient, |tx, env| {
            let m = open_draft(tx, s)?;
            let party = cases::party_of_case(tx, m.case_id, recipient)?.ok_or_else(|| {
                Error::NotFound(i18n::party_not_in_mailing_case(
                    recipient, &m.case_no, env.lang,
                ))
            })?;
            let removed = mailings::change_recipient(tx, m.id, party.id)?;
            audit::append(
                tx,
                &ctx(s, Some(m.id), Some(&m.case_no)),
                &Event::RecipientChanged {
                    from: m.recipient,
                    to: party.id,
                    recipient_role: party.role.as_str().into(),
                    protected: party.protected,
                    documents_removed: removed as u64,
                },
                &env.stamp,
            )?;
            Ok((m.id, removed))
        })?;
        Ok((self.status_of(id)?, removed))
    }
}

/// The user's open mailing, which must still be a draft: once printed, what is in the
/// envelope and to whom it goes is fixed (a reprint or a void changes it).
fn open_draft(tx: &Tx<'_>, s: &Session) -> Result<MailingRow> {
    let m = open_mailing(tx, s)?;
    if m.state != MailingState::Draft {
        return Err(Refusal::AlreadyPrinted.into());
    }
    Ok(m)
}

/// Attaching or removing nothing is a mistake, not an empty success.
fn some_documents(documents: &[DocumentId], lang: crate::i18n::Lang) -> Result<()> {
    if documents.is_empty() {
        return Err(Error::Invalid(i18n::no_document_given(lang).to_owned()));
    }
    Ok(())
}
