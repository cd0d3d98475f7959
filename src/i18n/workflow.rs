//! The workflow's answers to input that names nothing or the wrong thing (exit 2): not rules
//! refused, which are in `errors.rs`, but mistakes a caseworker corrects and tries again.

use super::Lang;

/// A party number that is not a party of the case a mailing is being started for.
pub fn party_not_in_case(party: i64, case: &str, lang: Lang) -> String {
    match lang {
        Lang::Sv => {
            format!("part {party} finns inte i ärende {case}; se `kuvert case show {case}`")
        }
        Lang::En => {
            format!("party {party} is not a party of case {case}; see `kuvert case show {case}`")
        }
    }
}

/// A new recipient who is not a party of the draft's case.
pub fn party_not_in_mailing_case(party: i64, case: &str, lang: Lang) -> String {
    match lang {
        Lang::Sv => format!("part {party} finns inte i ärende {case}"),
        Lang::En => format!("party {party} is not a party of case {case}"),
    }
}

pub fn no_such_document(document: i64, lang: Lang) -> String {
    match lang {
        Lang::Sv => format!("handling {document} finns inte"),
        Lang::En => format!("document {document} does not exist"),
    }
}

pub fn not_attached(document: i64, lang: Lang) -> String {
    match lang {
        Lang::Sv => format!("handling {document} är inte bifogad"),
        Lang::En => format!("document {document} is not attached"),
    }
}

pub fn no_document_given(lang: Lang) -> &'static str {
    lang.pick(
        "ange minst ett handlings-id",
        "give at least one document id",
    )
}

/// More sheets than a sheet code can number.
pub fn too_many_sheets(max: u32, sheets: usize, lang: Lang) -> String {
    match lang {
        Lang::Sv => format!(
            "ett utskriftsjobb rymmer högst {max} ark; det här skulle få {sheets}. Dela upp handlingarna på flera försändelser."
        ),
        Lang::En => {
            format!("a print job holds at most {max} sheets; this one would have {sheets}")
        }
    }
}

/// A cover scanned at a sealing station whose code cannot be read.
pub fn cover_unreadable(problem: &str, lang: Lang) -> String {
    match lang {
        Lang::Sv => format!("koden går inte att läsa ({problem}): skanna försättsbladet igen"),
        Lang::En => format!("the code cannot be read ({problem}): scan the cover sheet again"),
    }
}

/// A well-formed code that no mailing of this database has.
pub fn unknown_cover(lang: Lang) -> &'static str {
    lang.pick(
        "ingen försändelse har den här koden: arket kommer inte från kuvert i den här databasen",
        "no mailing has this code: the sheet was not printed by kuvert with this database",
    )
}

pub fn no_code_given(lang: Lang) -> &'static str {
    lang.pick(
        "ingen kod angiven: skanna ett ark eller skriv dess kod",
        "no code given: scan a sheet or type its code",
    )
}

/// A purge date that has not come yet.
pub fn purge_in_future(before: &str, lang: Lang) -> String {
    match lang {
        Lang::Sv => format!(
            "--before {before} ligger i framtiden: rensningen tar bara bort det som redan är äldre"
        ),
        Lang::En => {
            format!("--before {before} is in the future: purge removes only what is already older")
        }
    }
}

pub fn reason_required(lang: Lang) -> &'static str {
    lang.pick(
        "ett skäl krävs (--reason \"…\")",
        "a reason is required (--reason \"…\")",
    )
}

pub fn reason_too_long(max: usize, lang: Lang) -> String {
    match lang {
        Lang::Sv => format!("skälet får vara högst {max} tecken på en rad"),
        Lang::En => format!("the reason must be at most {max} characters on one line"),
    }
}

/// A scanner's burst that landed in a reason prompt.
pub fn reason_is_a_code(lang: Lang) -> &'static str {
    lang.pick(
        "skälet ser ut som en arkkod (en skanning i fel fält): skriv skälet med ord",
        "the reason looks like a sheet code (a scan in the wrong field): write the reason in words",
    )
}

/// An account name kuvert cannot take as a login name.
pub fn not_an_account(account: &str, lang: Lang) -> String {
    match lang {
        Lang::Sv => format!(
            "'{account}' är inget kontonamn: ange inloggningsnamnet (bokstäver a–z, siffror, . _ - @)"
        ),
        Lang::En => format!(
            "'{account}' is not an account name: use the login name (letters, digits, . _ - @)"
        ),
    }
}

pub fn user_needs_name_and_team(lang: Lang) -> &'static str {
    lang.pick(
        "namn och team får inte vara tomma: ange --name och --team",
        "name and team must not be empty: give --name and --team",
    )
}
