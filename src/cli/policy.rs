//! `kuvert policy show` and `kuvert policy set`: the team's policies, held by the database.

use serde_json::json;

use kuvert::i18n::Lang;
use kuvert::model::VerifyPolicy;
use kuvert::policy::Policy;

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
    ctx.report(&value, || policy_text(&s.user.team, &policy, ctx.lang))?;
    Ok(0)
}

/// The policies as a caseworker reads them, with the names `policy set` takes.
pub(super) fn policy_text(team: &str, p: &Policy, lang: Lang) -> String {
    let (dual, verify) = match lang {
        Lang::Sv => (
            if p.dual_control {
                "på: den som skrev ut får inte skanna eller försluta, en kollega gör det"
            } else {
                "av"
            },
            match p.verify {
                VerifyPolicy::EverySheet => "varje ark skannas",
                VerifyPolicy::CoverAndDocumentEnds => {
                    "försättsbladet och varje handlings första och sista ark skannas"
                }
            },
        ),
        Lang::En => (
            if p.dual_control {
                "on: whoever printed may not scan or seal; a colleague does"
            } else {
                "off"
            },
            match p.verify {
                VerifyPolicy::EverySheet => "every sheet is scanned",
                VerifyPolicy::CoverAndDocumentEnds => {
                    "the cover and each document's first and last sheet are scanned"
                }
            },
        ),
    };
    let (title, dual_name, verify_name) = match lang {
        Lang::Sv => ("Regler för team", "Dubbelkontroll", "Kontroll"),
        Lang::En => ("Policies of team", "Four eyes", "Verification"),
    };
    format!(
        "{title} {team}:\n  {dual_name} (dual_control = {}): {dual}\n  {verify_name} (verify = {}): {verify}",
        p.dual_control,
        p.verify.as_str()
    )
}
