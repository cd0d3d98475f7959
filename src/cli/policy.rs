//! `kuvert policy show` and `kuvert policy set`: the team's policies, held by the database.

use serde_json::json;

use kuvert::i18n;

use super::Ctx;

/// Shows the team's policies, or (with a key and value) sets one as a lead.
pub(super) fn cmd_policy(ctx: &Ctx, set: Option<(&str, &str)>) -> anyhow::Result<u8> {
    let mut wf = ctx.workflow()?;
    let s = ctx.session(&mut wf)?;
    let policy = match set {
        Some((key, value)) => wf.set_policy(&s, key, value)?,
        None => wf.policy(&s)?,
    };
    let value = json!({
        "team": s.user.team,
        "dual_control": policy.dual_control,
        "verify": policy.verify.as_str(),
    });
    ctx.report(&value, || {
        i18n::policy_text(&s.user.team, &policy, ctx.lang)
    })?;
    Ok(0)
}
