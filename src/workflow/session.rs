//! Sessions and users: who is at the terminal, and who may register whom.

use super::{CLI_SESSION_IDLE_MINUTES, Operation, Session, SessionKind, Workflow, ctx};
use crate::audit::{self, Event, EventContext};
use crate::error::{Error, Refusal, Result};
use crate::i18n::Lang;
use crate::model::*;
use crate::store::logins;
use crate::store::{DbKind, Tx, people};
use crate::time_fmt;

impl Workflow {
    /// Starts (or, on the command line, continues) a session for the user at this desk: the
    /// login a server authenticated, else the OS login account, else `impersonate` on a
    /// demo database file.
    pub fn session(
        &mut self,
        impersonate: Option<&str>,
        terminal: &str,
        kind: SessionKind,
    ) -> Result<Session> {
        let account = match (self.store.login(), impersonate) {
            (Some(login), Some(_)) => {
                return Err(Refusal::ImpersonationOnServer {
                    login: login.to_owned(),
                }
                .into());
            }
            (Some(login), None) => login.to_owned(),
            (None, Some(a)) => {
                if self.store.kind() != DbKind::Demo {
                    return Err(Refusal::ImpersonationRefused.into());
                }
                a.to_owned()
            }
            (None, None) => crate::account::os_account()?,
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
                        &Event::SessionStarted {
                            terminal: terminal.into(),
                            kind: kind.as_str().into(),
                        },
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
            audit::append(tx, &ctx(s, None, None), &Event::SessionEnded {}, &now)?;
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

    /// Registers a user: a lead may, and so may the first user of an empty database (who
    /// has no session yet, so `actor` is `None`). On a server the login gets its group role
    /// in the same transaction, or the answer says what IT must run.
    pub fn add_user(&mut self, actor: Option<&Session>, user: &User) -> Result<LoginGrant> {
        let lang = self.lang;
        validate_account(&user.account, lang)?;
        if user.name.trim().is_empty() || user.team.trim().is_empty() {
            return Err(Error::Invalid(
                crate::i18n::user_needs_name_and_team(lang).to_owned(),
            ));
        }
        match actor {
            Some(lead) => self.run(lead, Operation::AddUser, |tx, env| {
                register(tx, Some(lead), user, &env.stamp)
            }),
            None => {
                let now = self.now();
                self.store.write(|tx| {
                    // Someone registered first meanwhile: from now on only a lead may.
                    if people::user_count(tx)? > 0 {
                        return Err(Refusal::LeadOnly {
                            what: "kuvert user add".into(),
                        }
                        .into());
                    }
                    register(tx, None, user, &now)
                })
            }
        }
    }

    /// Whether the database has any user yet (the first may register without a session).
    pub fn has_users(&mut self) -> Result<bool> {
        self.store.read(|tx| Ok(people::user_count(tx)? > 0))
    }
}

fn validate_account(account: &str, lang: Lang) -> Result<()> {
    let ok = !account.is_empty()
        && account.len() <= 64
        && account
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '@'));
    if ok {
        Ok(())
    } else {
        Err(Error::Invalid(crate::i18n::not_an_account(account, lang)))
    }
}

/// The user's row, their login's group role and the event, in the caller's transaction.
fn register(tx: &Tx<'_>, actor: Option<&Session>, user: &User, now: &str) -> Result<LoginGrant> {
    people::add_user(tx, user, now)?;
    let grant = logins::grant(tx, &user.account, user.role)?;
    audit::append(
        tx,
        &EventContext {
            session: actor.map(|a| a.id),
            account: actor.map(|a| a.user.account.as_str()),
            ..Default::default()
        },
        &Event::UserAdded {
            account: user.account.clone(),
            role: user.role.as_str().into(),
            team: user.team.clone(),
        },
        now,
    )?;
    Ok(grant)
}
