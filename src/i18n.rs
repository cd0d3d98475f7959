//! The text catalogue: every sentence a caseworker reads, in Swedish (default) and English.
//!
//! Keeping all of it here means a translation is checked in one place and a screen or command
//! never grows a stray English string.

use crate::model::{MailingState, PartyRole, Verdict};

mod address;
mod cli;
mod commands;
mod errors;
mod ids;
mod paper;
mod report;
mod ui;
mod workflow;

pub use address::address_problem;
pub use cli::{
    Usage, UsageError, arg_help_sv, command_about_sv, did_you_mean, hidden_layers_unreadable,
    not_a_date, not_a_language, not_a_policy, not_a_policy_value, policy_key_moved,
    unprintable_field, usage, usage_error_sv,
};
pub use cli::{
    and_more_errors, document_not_read, document_too_large, document_unreadable,
    documents_repaired, manifest_has_errors,
};
pub use commands::{
    Label, database_created, database_upgraded, demo_try_hint, label, login_grant, migrated,
    policy_text,
};
pub use errors::{database_busy, describe, no_open_mailing, refusal, storage_fault};
pub use ids::{
    applicant_needs_person, case_not_found, case_number_problem, id_number_problem,
    only_person_protected,
};
pub use paper::{Paper, paper};
pub use report::{
    LogTableWords, Rep, deviation_in_log, deviation_name, event_text, log_table_words, rep,
};
pub use ui::{Ui, ui};
pub use workflow::*;

/// The language of the user interface.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    /// Swedish: the caseworkers' language and the default.
    #[default]
    Sv,
    En,
}

impl Lang {
    /// Parses `sv` or `en`.
    pub fn parse(s: &str) -> Option<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "sv" | "sv_se" | "swedish" | "svenska" => Some(Lang::Sv),
            "en" | "en_gb" | "en_us" | "english" => Some(Lang::En),
            _ => None,
        }
    }

    pub fn pick(self, sv: &'static str, en: &'static str) -> &'static str {
        match self {
            Lang::Sv => sv,
            Lang::En => en,
        }
    }
}

/// A mailing state in words.
pub fn state_text(state: MailingState, lang: Lang) -> &'static str {
    match state {
        MailingState::Draft => lang.pick("utkast", "draft"),
        MailingState::Printed => lang.pick("utskriven", "printed"),
        MailingState::Verified => lang.pick("kontrollerad", "verified"),
        MailingState::Sealed => lang.pick("försluten", "sealed"),
        MailingState::Voided => lang.pick("makulerad", "voided"),
    }
}

/// A party role in words.
pub fn role_text(role: PartyRole, lang: Lang) -> &'static str {
    match role {
        PartyRole::Applicant => lang.pick("sökande", "applicant"),
        PartyRole::Representative => lang.pick("ombud", "representative"),
        PartyRole::Employer => lang.pick("arbetsgivare", "employer"),
        PartyRole::CareProvider => lang.pick("vårdgivare", "care provider"),
    }
}

pub fn role_text_str(role: &str, lang: Lang) -> String {
    PartyRole::parse(role)
        .map(|r| role_text(r, lang).to_owned())
        .unwrap_or_else(|| role.to_owned())
}

/// What a scan verdict means for the caseworker holding the stack.
pub fn verdict_text(verdict: Verdict, other_case: Option<&str>, lang: Lang) -> String {
    let other = other_case.unwrap_or("?");
    match (verdict, lang) {
        (Verdict::Ok, _) => lang.pick("OK", "OK").to_owned(),
        (Verdict::Duplicate, _) => lang
            .pick("Redan skannat (ingen åtgärd).", "Already scanned (nothing to do).")
            .to_owned(),
        (Verdict::Foreign, Lang::Sv) => format!(
            "STOPP: arket hör till en annan försändelse (ärende {other}). Lägg det åt sidan och skanna om hela bunten."
        ),
        (Verdict::Foreign, Lang::En) => format!(
            "STOP: this sheet belongs to another mailing (case {other}). Set it aside and rescan the whole stack."
        ),
        (Verdict::Stale, _) => lang
            .pick(
                "STOPP: arket är från en tidigare utskrift av försändelsen. Kassera den gamla utskriften och skanna om hela bunten.",
                "STOP: this sheet is from an earlier print of this mailing. Discard the old print and rescan the whole stack.",
            )
            .to_owned(),
        (Verdict::Unknown, _) => lang
            .pick(
                "STOPP: okänd kod, ingen försändelse har skrivit ut detta ark. Lägg det åt sidan och skanna om hela bunten.",
                "STOP: unknown code, no mailing printed this sheet. Set it aside and rescan the whole stack.",
            )
            .to_owned(),
        (Verdict::Mistyped, _) => lang
            .pick(
                "Felläst kod: skanna arket igen (eller skriv koden noggrant).",
                "Misread code: scan the sheet again (or type the code carefully).",
            )
            .to_owned(),
    }
}

/// What a scan's outcome means: [`verdict_text`], except that a sheet of a mailing already
/// sealed is said to be a possible personal-data incident for the team lead.
pub fn scan_text(out: &crate::model::ScanOutcome, lang: Lang) -> String {
    let other = out.other_case.as_deref().unwrap_or("?");
    match (out.verdict, out.other_sealed, lang) {
        (Verdict::Foreign, true, Lang::Sv) => format!(
            "STOPP: arket hör till en försändelse i ärende {other} som redan är försluten. Det kan vara en personuppgiftsincident: lägg arket åt sidan och meddela din teamledare. Skanna sedan om hela bunten."
        ),
        (Verdict::Foreign, true, Lang::En) => format!(
            "STOP: this sheet belongs to a mailing of case {other} that is already sealed. This may be a personal-data incident: set the sheet aside and tell your team lead. Then rescan the whole stack."
        ),
        _ => verdict_text(out.verdict, out.other_case.as_deref(), lang),
    }
}

/// Tells the owner that a sheet of their sealed mailing was found in another envelope.
pub fn stray_text(stray: &crate::model::StraySheet, lang: Lang) -> String {
    let time = crate::time_fmt::display(&stray.time);
    match lang {
        Lang::Sv => format!(
            "Ark {} av din försändelse {} (ärende {}) hittades {time} i kuvertet till ärende {}, efter att din försändelse förslutits. Kontakta din teamledare.",
            stray.sheet, stray.mailing, stray.case, stray.found_in_case
        ),
        Lang::En => format!(
            "Sheet {} of your mailing {} (case {}) was found on {time} in the envelope of case {}, after yours was sealed. Contact your team lead.",
            stray.sheet, stray.mailing, stray.case, stray.found_in_case
        ),
    }
}

/// Why a scanned text is not a sheet code, in words.
pub fn code_problem(e: &crate::code::CodeError, lang: Lang) -> String {
    use crate::code::CodeError::*;
    match (e, lang) {
        (Length(n), Lang::Sv) => format!("en arkkod har 20 tecken, detta har {n}"),
        (Length(n), Lang::En) => format!("a sheet code has 20 characters, this has {n}"),
        (Characters, _) => lang
            .pick(
                "en arkkod har bara bokstäverna A–Z och siffrorna 0–9",
                "a sheet code has only the letters A–Z and digits 0–9",
            )
            .to_owned(),
        (Prefix, _) => lang
            .pick("en arkkod börjar med KV1", "a sheet code starts with KV1")
            .to_owned(),
        (Check, _) => lang
            .pick(
                "kontrolltecknet stämmer inte: koden lästes eller skrevs fel",
                "the check character does not match: the code was misread or mistyped",
            )
            .to_owned(),
        (Range, _) => lang
            .pick(
                "kodens nummer är utanför sitt intervall",
                "the code's numbers are out of range",
            )
            .to_owned(),
    }
}

/// Fixed sentences of the command line and screens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Text {
    /// Printed after `mail start`.
    Started,
    /// Printed after printing: what to do with the paper.
    CollectSheets,
    /// Printed after the last required sheet is scanned.
    ReadyToSeal,
    /// Printed after sealing.
    Sealed,
    /// Printed after voiding.
    Voided,
    /// `mail status` with nothing open.
    NoMailing,
    /// The lock break was done.
    LockBroken,
    /// Shown when the recipient has protected identity.
    ProtectedSteps,
    /// Shown instead of a protected party's address.
    AddressHidden,
    /// `kuvert demo` without a terminal UI yet.
    DemoReady,
    /// The audit chain is intact.
    AuditOk,
    /// The audit chain is broken.
    AuditBroken,
    AuditNoHead,
    AuditEmpty,
    PurgeDone,
    PurgeWould,
}

/// The catalogue entry for a fixed sentence; `{}` marks are filled by [`fill`].
pub fn text(t: Text, lang: Lang) -> &'static str {
    match t {
        Text::Started => lang.pick(
            "Försändelse {} startad i ärende {} (utkast). Ärendet är låst för dig.",
            "Mailing {} started for case {} (draft). The case is locked for you.",
        ),
        Text::CollectSheets => lang.pick(
            "Hämta {} ark. Utskriften: {}. Skanna varje ark innan du försluter.",
            "Collect {} sheets. Print job: {}. Scan every sheet before sealing.",
        ),
        Text::ReadyToSeal => lang.pick(
            "Alla ark skannade: försändelsen kan förslutas (kuvert mail seal).",
            "All sheets scanned: the mailing can be sealed (kuvert mail seal).",
        ),
        Text::Sealed => lang.pick(
            "Försändelse {} försluten. Ärendet är upplåst.",
            "Mailing {} sealed. The case is unlocked.",
        ),
        Text::Voided => lang.pick(
            "Försändelse {} makulerad. Ärendet är upplåst; förstör utskriften.",
            "Mailing {} voided. The case is unlocked; destroy the printout.",
        ),
        Text::NoMailing => lang.pick(
            "Ingen öppen försändelse.",
            "No open mailing.",
        ),
        Text::LockBroken => lang.pick(
            "Låset på {} är brutet och försändelse {} makulerad.",
            "The lock on {} is broken and mailing {} voided.",
        ),
        Text::ProtectedSteps => lang.pick(
            "Skyddad identitet: adressen visas inte. Lägg handlingarna och innerarket i ett inre kuvert, förslut det och lägg det i ett yttre kuvert till Skatteverkets förmedlingstjänst (adressen står på försättsbladet).",
            "Protected identity: the address is never shown. Put the documents and the inner sheet in an inner envelope, seal it, and put it in an outer envelope to the Swedish Tax Agency's forwarding service (the address is on the cover sheet).",
        ),
        Text::AddressHidden => lang.pick(
            "skyddad identitet — adress visas inte",
            "protected identity — address not shown",
        ),
        Text::DemoReady => lang.pick(
            "Demodatabasen finns i {}",
            "The demo database is at {}",
        ),
        Text::AuditOk => lang.pick(
            "Händelseloggen är obruten: {} händelser kontrollerade.",
            "The event log is intact: {} events checked.",
        ),
        Text::AuditBroken => lang.pick(
            "Händelseloggen är BRUTEN vid händelse {} ({} händelser kontrollerade före).",
            "The event log is BROKEN at event {} ({} events checked before it).",
        ),
        Text::PurgeDone => lang.pick(
            "Gallrat {} försändelser avslutade före {}: {} handlingars innehåll ({} byte), {} mottagares personuppgifter, {} utskriftsfiler.",
            "Purged {} mailings closed before {}: the contents of {} documents ({} bytes), the personal data of {} recipients, {} print job files.",
        ),
        Text::PurgeWould => lang.pick(
            "Provkörning, inget borttaget: {} försändelser avslutade före {} skulle gallras: {} handlingars innehåll ({} byte), {} mottagares personuppgifter, {} utskriftsfiler.",
            "Dry run, nothing removed: {} mailings closed before {} would be purged: the contents of {} documents ({} bytes), the personal data of {} recipients, {} print job files.",
        ),
        Text::AuditEmpty => lang.pick(
            "händelseloggen är tom: det finns inget huvud att spara ännu.",
            "the event log is empty: there is no head to keep yet.",
        ),
        Text::AuditNoHead => lang.pick(
            "varning: ingen huvudfil (.head) bredvid databasen, så borttagna eller omräknade sista händelser kan inte upptäckas. Den skrivs vid nästa ändring.",
            "warning: no head file (.head) beside the database, so deleted or re-hashed newest events cannot be detected. It is written with the next change.",
        ),
    }
}

/// A rate (0–1) as a percentage with one decimal, the decimal mark of the language.
pub fn percent(rate: f64, lang: Lang) -> String {
    let text = format!("{:.1} %", rate * 100.0);
    match lang {
        Lang::Sv => text.replace('.', ","),
        Lang::En => text,
    }
}

/// Fills the `{}` marks of a catalogue entry in order.
pub fn fill(template: &str, args: &[&dyn std::fmt::Display]) -> String {
    let mut out = String::with_capacity(template.len() + 16);
    let mut args = args.iter();
    let mut rest = template;
    while let Some(i) = rest.find("{}") {
        out.push_str(&rest[..i]);
        if let Some(a) = args.next() {
            out.push_str(&a.to_string());
        }
        rest = &rest[i + 2..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fill_replaces_in_order() {
        assert_eq!(fill("{} av {}", &[&3, &"sju"]), "3 av sju");
        assert_eq!(fill("inga", &[&1]), "inga");
    }

    #[test]
    fn lang_parse() {
        assert_eq!(Lang::parse("SV"), Some(Lang::Sv));
        assert_eq!(Lang::parse("en"), Some(Lang::En));
        assert_eq!(Lang::parse("de"), None);
    }
}
