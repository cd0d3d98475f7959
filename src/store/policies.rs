//! The teams' policies (schema v5).

use super::Tx;
use crate::error::{Error, Problem, Result};
use crate::model::VerifyPolicy;
use crate::policy::Policy;

/// The policies of `team`; the defaults when its lead has set none.
pub fn of_team(c: &Tx<'_>, team: &str) -> Result<Policy> {
    let row: Option<(bool, String)> = c.row(
        "SELECT dual_control, verify FROM policies WHERE team = ?1",
        &[&team],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    let Some((dual_control, verify)) = row else {
        return Ok(Policy::default());
    };
    let verify = VerifyPolicy::parse(&verify).ok_or_else(|| {
        Error::from(Problem::UnknownPolicyValue {
            team: team.to_owned(),
            value: verify.clone(),
        })
    })?;
    Ok(Policy {
        dual_control,
        verify,
    })
}

/// Stores the policies of `team`, as set by `account` at `now`.
pub fn set(c: &Tx<'_>, team: &str, policy: &Policy, account: &str, now: &str) -> Result<()> {
    c.run(
        "INSERT INTO policies(team, dual_control, verify, changed, changed_by)
         VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT(team) DO UPDATE SET dual_control = excluded.dual_control,
             verify = excluded.verify, changed = excluded.changed,
             changed_by = excluded.changed_by",
        &[
            &team,
            &policy.dual_control,
            &policy.verify.as_str(),
            &now,
            &account,
        ],
    )?;
    Ok(())
}
