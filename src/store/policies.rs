//! The teams' policies (schema v5).

use super::Tx;
use super::sql::Bind;
use crate::error::{Error, Problem, Result};
use crate::model::VerifyPolicy;
use crate::policy::Policy;

/// The policies of `team`; the defaults when its lead has set none.
pub fn of_team(c: &Tx<'_>, team: &str) -> Result<Policy> {
    read(
        c,
        "SELECT team, dual_control, verify FROM policies WHERE team = ?1",
        &team,
    )
}

/// The policies of the team a case belongs to, in one read: what a scan or a seal at the
/// owner's desk applies to that case's mailing.
pub fn of_case(c: &Tx<'_>, case_id: i64) -> Result<Policy> {
    read(
        c,
        "SELECT p.team, p.dual_control, p.verify FROM cases c JOIN policies p ON p.team = c.team
         WHERE c.id = ?1",
        &case_id,
    )
}

/// One team's stored policies (team, dual_control, verify) by `sql`; the defaults for none.
fn read(c: &Tx<'_>, sql: &str, key: &dyn Bind) -> Result<Policy> {
    let row: Option<(String, bool, String)> =
        c.row(sql, &[key], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
    let Some((team, dual_control, verify)) = row else {
        return Ok(Policy::default());
    };
    let verify = VerifyPolicy::parse(&verify).ok_or_else(|| {
        Error::from(Problem::UnknownPolicyValue {
            team,
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
