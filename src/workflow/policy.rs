//! The team's policies through the workflow: anyone reads their team's, a lead changes
//! them, each change an event in the hash-chained log.

use super::{Operation, Session, Workflow, ctx};
use crate::audit::{self, Event};
use crate::error::{Error, Result};
use crate::policy::{Policy, PolicyKey};
use crate::store::{people, policies};

impl Workflow {
    /// The policies of the user's team, as every desk and station of it enforces them.
    pub fn policy(&mut self, s: &Session) -> Result<Policy> {
        self.run(s, Operation::PolicyShow, |tx, _| {
            policies::of_team(tx, &s.user.team)
        })
    }

    /// A lead sets one policy of their team to `value` as typed; the new policies are
    /// returned. Setting a value it already has changes and logs nothing.
    pub fn set_policy(&mut self, s: &Session, key: &str, value: &str) -> Result<Policy> {
        self.run_staged(
            s,
            Operation::PolicySet,
            |env| {
                PolicyKey::parse(key)
                    .ok_or_else(|| Error::Invalid(crate::i18n::not_a_policy(key, env.lang)))
            },
            |tx, env, key| {
                let before = policies::of_team(tx, &s.user.team)?;
                let after = before.with(key, value).ok_or_else(|| {
                    Error::Invalid(crate::i18n::not_a_policy_value(key, value, env.lang))
                })?;
                if after != before {
                    policies::set(tx, &s.user.team, &after, &s.user.account, &env.stamp)?;
                    audit::append(
                        tx,
                        &ctx(s, None, None),
                        &Event::PolicySet {
                            team: s.user.team.clone(),
                            key: key.as_str().into(),
                            from: before.value(key),
                            to: after.value(key),
                        },
                        &env.stamp,
                    )?;
                }
                Ok(after)
            },
        )
    }

    /// What to tell this user, once, about keys of the desk's kuvert.toml that have moved
    /// to the team's policies: they are not used, and how a lead carries a value over.
    pub fn moved_config_notices(&mut self, s: &Session) -> Result<Vec<String>> {
        let moved: Vec<(PolicyKey, String)> = self
            .config
            .moved_keys()
            .into_iter()
            .map(|(key, value)| (key, value.to_owned()))
            .collect();
        if moved.is_empty() {
            return Ok(Vec::new());
        }
        let now = self.now();
        let lang = self.lang;
        self.store.write(|tx| {
            let mut said = Vec::new();
            for (key, value) in &moved {
                let topic = format!("moved-config-key:{key}");
                if people::first_notice(tx, &s.user.account, &topic, &now)? {
                    said.push(crate::i18n::policy_key_moved(*key, value, lang));
                }
            }
            Ok(said)
        })
    }
}
