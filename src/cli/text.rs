//! The command line's human text: case lists and details, enclosures, the mailing status.

use serde_json::json;

use kuvert::i18n::{self, Label, Lang, Text};
use kuvert::model::{CaseSummary, StraySheet};
use kuvert::store::pg::migrate::Migrated;
use kuvert::time_fmt;
use kuvert::workflow::{Session, Workflow};

use super::Ctx;

/// `kuvert case list` as a table under column headers.
pub(super) fn case_list_text(cases: &[CaseSummary], lang: Lang) -> String {
    let [case, benefit, team, locked] =
        [Label::Case, Label::Benefit, Label::Team, Label::LockedBy].map(|l| i18n::label(l, lang));
    let mut out = format!("{case:<16} {benefit:<28} {team:<6} {locked}\n");
    for c in cases {
        out.push_str(&format!(
            "{:<16} {:<28} {:<6} {}\n",
            c.case,
            c.benefit,
            c.team,
            c.locked_by.as_deref().unwrap_or("")
        ));
    }
    out.trim_end().to_owned()
}

/// `kuvert mail status`: the open mailing, if any, and the sheets of the user's sealed
/// mailings found in another envelope (`strays` in JSON; each a line of its own in text).
pub(super) fn report_status(ctx: &Ctx, wf: &mut Workflow, s: &Session) -> anyhow::Result<()> {
    let lang = ctx.lang;
    let strays = wf.stray_sheets(s)?;
    let with_strays = |mut t: String| {
        for stray in &strays {
            t.push_str("\n! ");
            t.push_str(&i18n::stray_text(stray, lang));
        }
        t
    };
    match wf.status(s)? {
        Some(st) => {
            let mut value = serde_json::to_value(&st)?;
            value["strays"] = strays_json(&strays)?;
            ctx.report(&value, || with_strays(status_text(&st, lang)))
        }
        None => ctx.report(
            &json!({ "mailing": null, "state": null, "case": null, "sheets": 0, "seen": 0,
                     "strays": strays_json(&strays)? }),
            || with_strays(i18n::text(Text::NoMailing, lang).to_owned()),
        ),
    }
}

fn strays_json(strays: &[StraySheet]) -> anyhow::Result<serde_json::Value> {
    Ok(serde_json::to_value(strays)?)
}

pub(super) fn case_text(d: &kuvert::model::CaseDetail, lang: Lang) -> String {
    let mut out = format!("{}  {}  team {}\n", d.case, d.benefit, d.team);
    if let Some(l) = &d.lock {
        out.push_str(&format!(
            "{} {} ({}) {}\n",
            i18n::label(Label::LockedBy, lang),
            l.name,
            l.account,
            time_fmt::display(&l.since)
        ));
    }
    out.push_str(&format!("\n{}\n", i18n::label(Label::Parties, lang)));
    for p in &d.parties {
        let address = match &p.address {
            Some(a) => a.lines().join(", "),
            None => i18n::text(Text::AddressHidden, lang).to_owned(),
        };
        out.push_str(&format!(
            "  {:>5}  {:<13} {:<28} {:<14} {address}\n",
            p.id,
            i18n::role_text(p.role, lang),
            p.name,
            p.id_masked
        ));
    }
    out.push_str(&format!("\n{}\n", i18n::label(Label::Documents, lang)));
    for doc in &d.documents {
        let subject = d
            .party(doc.subject)
            .map(|p| format!("{} ({})", p.name, i18n::role_text(p.role, lang)))
            .unwrap_or_default();
        out.push_str(&format!(
            "  {:>5}  {}  {:<34} {:<20} {:>2} s.  {subject}\n",
            doc.id, doc.date, doc.title, doc.kind, doc.pages
        ));
    }
    out.trim_end().to_owned()
}

pub(super) fn enclosure_text(st: &kuvert::model::MailingStatus, lang: Lang) -> String {
    let mut out = format!(
        "{} {} ({}):",
        i18n::label(Label::AttachedTo, lang),
        st.mailing,
        st.case
    );
    for e in &st.enclosures {
        out.push_str(&format!(
            "\n  {:>5}  {}  {} ({} s.)",
            e.document, e.date, e.title, e.pages
        ));
    }
    out
}

fn status_text(st: &kuvert::model::MailingStatus, lang: Lang) -> String {
    let mut out = format!(
        "{} {}  {} {}  {}\n",
        i18n::label(Label::Mailing, lang),
        st.mailing,
        i18n::label(Label::CaseInLine, lang),
        st.case,
        i18n::state_text(st.state, lang)
    );
    if st.generation > 0 {
        out.push_str(&format!(
            "{}: {}/{}  ({})\n",
            i18n::label(Label::SheetsScanned, lang),
            st.seen,
            st.required,
            st.pdf.as_deref().unwrap_or("")
        ));
    }
    out.push_str(&enclosure_text(st, lang));
    out
}

/// `kuvert migrate`: what was copied, then each user's login on the server.
pub(super) fn migrated_text(done: &Migrated, lang: Lang) -> String {
    let rows = done.rows.values().sum();
    let events = done.head.as_ref().map_or(0, |h| h.seq);
    let mut out = i18n::migrated(&done.server, rows, events, lang);
    for user in &done.users {
        if let Some(said) = i18n::login_grant(&user.account, &user.login, lang) {
            out.push('\n');
            out.push_str(&said);
        }
    }
    out
}
