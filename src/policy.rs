//! The team's policies: the rules a team lead chooses for their team (four eyes, which
//! sheets are scanned back). They protect the citizen, so they live in the database and are
//! changed only by a lead (`kuvert policy set`), never by a desk's own `kuvert.toml`.

use crate::model::VerifyPolicy;

/// One team's policies, as every desk and station of the team enforces them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Policy {
    /// Four eyes: whoever printed a mailing may not scan or seal it; a colleague does, at a
    /// sealing station, and both are in the log.
    pub dual_control: bool,
    /// Which sheets must be scanned back before sealing.
    pub verify: VerifyPolicy,
}

impl Default for Policy {
    /// A team whose lead has set nothing: every sheet scanned, no four eyes.
    fn default() -> Self {
        Self {
            dual_control: false,
            verify: VerifyPolicy::EverySheet,
        }
    }
}

/// A policy a lead may change, by the name used on the command line and in the log.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PolicyKey {
    DualControl,
    Verify,
}

impl PolicyKey {
    pub const ALL: &'static [PolicyKey] = &[PolicyKey::DualControl, PolicyKey::Verify];

    /// The name on the command line, in JSON and in the log.
    pub fn as_str(self) -> &'static str {
        match self {
            PolicyKey::DualControl => "dual_control",
            PolicyKey::Verify => "verify",
        }
    }

    /// Parses a key as typed (`dual_control`, also `dual-control`).
    pub fn parse(text: &str) -> Option<Self> {
        match text.trim().to_ascii_lowercase().replace('-', "_").as_str() {
            "dual_control" => Some(PolicyKey::DualControl),
            "verify" => Some(PolicyKey::Verify),
            _ => None,
        }
    }

    /// The values the key takes, for a refusal that says what to type.
    pub fn values(self) -> &'static str {
        match self {
            PolicyKey::DualControl => "true, false",
            PolicyKey::Verify => "every-sheet, cover-and-document-ends",
        }
    }
}

impl std::fmt::Display for PolicyKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Policy {
    /// The policy with `key` set to `value` as typed; `None` when the value is not one the
    /// key takes. Booleans are `true`/`false` (also `on`/`off`, `ja`/`nej`, `1`/`0`).
    pub fn with(self, key: PolicyKey, value: &str) -> Option<Self> {
        let value = value.trim().to_ascii_lowercase();
        let mut next = self;
        match key {
            PolicyKey::DualControl => {
                next.dual_control = match value.as_str() {
                    "true" | "on" | "ja" | "yes" | "1" => true,
                    "false" | "off" | "nej" | "no" | "0" => false,
                    _ => return None,
                }
            }
            PolicyKey::Verify => next.verify = VerifyPolicy::parse(&value)?,
        }
        Some(next)
    }

    /// The value of `key`, as the log and `policy show` write it.
    pub fn value(self, key: PolicyKey) -> serde_json::Value {
        match key {
            PolicyKey::DualControl => serde_json::Value::Bool(self.dual_control),
            PolicyKey::Verify => serde_json::Value::from(self.verify.as_str()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_parsed_as_typed_and_nothing_else() {
        let p = Policy::default();
        assert!(
            p.with(PolicyKey::DualControl, " TRUE ")
                .expect("true")
                .dual_control
        );
        assert!(
            p.with(PolicyKey::DualControl, "ja")
                .expect("ja")
                .dual_control
        );
        assert!(
            !p.with(PolicyKey::DualControl, "off")
                .expect("off")
                .dual_control
        );
        assert_eq!(p.with(PolicyKey::DualControl, "maybe"), None);
        assert_eq!(
            p.with(PolicyKey::Verify, "cover-and-document-ends")
                .expect("verify")
                .verify,
            VerifyPolicy::CoverAndDocumentEnds
        );
        assert_eq!(p.with(PolicyKey::Verify, "some"), None);
        assert_eq!(
            PolicyKey::parse("Dual-Control"),
            Some(PolicyKey::DualControl)
        );
        assert_eq!(PolicyKey::parse("printer"), None);
        for key in PolicyKey::ALL {
            assert_eq!(PolicyKey::parse(key.as_str()), Some(*key));
        }
    }
}
