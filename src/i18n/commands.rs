//! The command line's answers in words: the headings and sentences of the commands' text
//! output (JSON output has none).

use super::{Lang, Ui, ui};
use crate::model::{LoginGrant, VerifyPolicy};
use crate::policy::Policy;

/// Headings and labels of the commands' text output.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Label {
    Case,
    Benefit,
    Team,
    LockedBy,
    Parties,
    Documents,
    AttachedTo,
    Mailing,
    /// "case" inside a line, after the mailing's number.
    CaseInLine,
    SheetsScanned,
    Imported,
}

/// The catalogue entry of a label.
pub fn label(l: Label, lang: Lang) -> &'static str {
    match l {
        // The same words as the terminal's, from one place.
        Label::Case => ui(Ui::Case, lang),
        Label::Benefit => lang.pick("Förmån", "Benefit"),
        Label::Team => lang.pick("Team", "Team"),
        Label::LockedBy => ui(Ui::LockedBy, lang),
        Label::Parties => ui(Ui::Parties, lang),
        Label::Documents => ui(Ui::Documents, lang),
        Label::AttachedTo => lang.pick("Bifogat i försändelse", "Attached to mailing"),
        Label::Mailing => lang.pick("Försändelse", "Mailing"),
        Label::CaseInLine => lang.pick("ärende", "case"),
        Label::SheetsScanned => lang.pick("Skannade ark", "Sheets scanned"),
        Label::Imported => lang.pick(
            "Importerat (ärenden / parter / handlingar):",
            "Imported (cases / parties / documents):",
        ),
    }
}

/// `kuvert demo` without a terminal to draw in: how to go on from a script.
pub fn demo_try_hint(db: &std::path::Path, lang: Lang) -> String {
    match lang {
        Lang::Sv => format!(
            "Prova: export KUVERT_DB={} && kuvert case list",
            db.display()
        ),
        Lang::En => format!("Try: export KUVERT_DB={} && kuvert case list", db.display()),
    }
}

/// `kuvert init` done: what IT does next.
/// What `user add` did to the server's logins; nothing to say on a database file.
pub fn login_grant(account: &str, grant: &LoginGrant, lang: Lang) -> Option<String> {
    Some(match (grant, lang) {
        (LoginGrant::NotOnServer, _) => return None,
        (
            LoginGrant::Granted {
                group,
                created: true,
            },
            Lang::Sv,
        ) => {
            format!("Inloggningen {account} är skapad på servern och har fått rollen {group}.")
        }
        (
            LoginGrant::Granted {
                group,
                created: true,
            },
            Lang::En,
        ) => {
            format!("The login {account} was created on the server and given the role {group}.")
        }
        (LoginGrant::Granted { group, .. }, Lang::Sv) => {
            format!("Inloggningen {account} har fått rollen {group} på servern.")
        }
        (LoginGrant::Granted { group, .. }, Lang::En) => {
            format!("The login {account} was given the role {group} on the server.")
        }
        (LoginGrant::ForIt { statement }, Lang::Sv) => format!(
            "{account} är registrerad, men din inloggning får inte ge roller på servern, så {account} kommer inte in ännu. Be IT köra:\n  {statement}"
        ),
        (LoginGrant::ForIt { statement }, Lang::En) => format!(
            "{account} is registered, but your login may not grant roles on the server, so {account} cannot connect yet. Ask IT to run:\n  {statement}"
        ),
    })
}

/// What `migrate` copied: rows, the chain's length, and how to check it on the server.
pub fn migrated(server: &str, rows: u64, events: i64, lang: Lang) -> String {
    match lang {
        Lang::Sv => format!(
            "Kopierade {rows} rader till {server}; händelseloggen följde med oförändrad, till och med händelse {events}. Kontrollera med: kuvert --db ADRESS audit verify"
        ),
        Lang::En => format!(
            "Copied {rows} rows to {server}; the event log came along unchanged, up to event {events}. Check with: kuvert --db URL audit verify"
        ),
    }
}

pub fn database_created(db: &impl std::fmt::Display, lang: Lang) -> String {
    match lang {
        Lang::Sv => format!(
            "Databas skapad: {db}\nRegistrera den första teamledaren: kuvert user add KONTO --name \"Namn\" --role lead --team TEAM"
        ),
        Lang::En => format!(
            "Database created: {db}\nRegister the first team lead: kuvert user add ACCOUNT --name \"Name\" --role lead --team TEAM"
        ),
    }
}

/// What `kuvert init` says after it brought a server database up to this kuvert's schema.
pub fn database_upgraded(db: &impl std::fmt::Display, from: i64, to: i64, lang: Lang) -> String {
    match lang {
        Lang::Sv => format!(
            "Databasen {db} är uppgraderad från schemaversion {from} till {to}; inget annat har ändrats, och alla kan ansluta igen"
        ),
        Lang::En => format!(
            "The database {db} is upgraded from schema version {from} to {to}; nothing else changed, and everyone can connect again"
        ),
    }
}

/// The policies as a caseworker reads them, with the names `policy set` takes.
pub fn policy_text(team: &str, p: &Policy, lang: Lang) -> String {
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
