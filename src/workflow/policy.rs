//! The team's policies through the workflow: anyone reads their team's, a lead changes
//! them, each change an event in the hash-chained log.

use serde_json::json;

use super::{Session, Workflow, ctx};
use crate::audit;
use crate::error::{Error, Refusal, Result};
use crate::model::Role;
use crate::policy::{Policy, PolicyKey};
use crate::store::{people, policies};

impl Workflow {
    /// The policies of the user's team, as every desk and station of it enforces them.
    pub fn policy(&mut self, s: &Session) -> Result<Policy> {
        let team = s.user.team.clone();
        let r = self.store.read(|tx| policies::of_team(tx, &team));
        self.logged(s, "policy_show", r)
    }

    /// A lead sets one policy of their team to `value` as typed; the new policies are
    /// returned. Setting a value it already has changes and logs nothing.
    pub fn set_policy(&mut self, s: &Session, key: &str, value: &str) -> Result<Policy> {
        let r = self.set_policy_checked(s, key, value);
        self.logged(s, "policy_set", r)
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

    fn set_policy_checked(&mut self, s: &Session, key: &str, value: &str) -> Result<Policy> {
        if s.user.role != Role::Lead {
            return Err(Refusal::LeadOnly {
                what: "kuvert policy set".into(),
            }
            .into());
        }
        let lang = self.lang;
        let key = PolicyKey::parse(key)
            .ok_or_else(|| Error::Invalid(crate::i18n::not_a_policy(key, lang)))?;
        let now = self.now();
        self.store.write(|tx| {
            people::touch_session(tx, s.id, &now)?;
            let before = policies::of_team(tx, &s.user.team)?;
            let after = before
                .with(key, value)
                .ok_or_else(|| Error::Invalid(crate::i18n::not_a_policy_value(key, value, lang)))?;
            if after != before {
                policies::set(tx, &s.user.team, &after, &s.user.account, &now)?;
                audit::append(
                    tx,
                    &ctx(s, None, None),
                    "policy_set",
                    json!({ "team": s.user.team, "key": key.as_str(),
                            "from": before.value(key), "to": after.value(key) }),
                    &now,
                )?;
            }
            Ok(after)
        })
    }
}
