//! Identity numbers and case numbers as the import and lookup explain them: what is wrong
//! and which forms are accepted, so a caseworker can correct the register's file.

use super::Lang;
use crate::case_number::CaseNumberError;
use crate::idnum::IdError;

/// The forms an identity number may be written in, said once for every refusal.
fn forms(lang: Lang) -> &'static str {
    lang.pick(
        "Skriv numret som 12 siffror (198112189876 eller 19811218-9876) eller 10 siffror (811218-9876, 811218+9876 från 100 år, eller 8112189876).",
        "Write the number as 12 digits (198112189876 or 19811218-9876) or 10 digits (811218-9876, 811218+9876 from age 100, or 8112189876).",
    )
}

/// Why `id_number` of a manifest party is refused, and what to write instead.
pub fn id_number_problem(e: &IdError, lang: Lang) -> String {
    use IdError::*;
    let why = match (e, lang) {
        (Length(n), Lang::Sv) => format!("numret har {n} siffror, det ska ha 10 eller 12."),
        (Length(n), Lang::En) => format!("the number has {n} digits; it needs 10 or 12."),
        (Characters, _) => lang
            .pick(
                "numret får bara innehålla siffror och ett bindestreck eller plustecken.",
                "the number may contain only digits and one hyphen or plus sign.",
            )
            .to_owned(),
        (Separator(' '), _) => lang
            .pick(
                "mellanslag är inget skiljetecken i ett personnummer; med mellanslag går det inte att veta om personen är över 100 år.",
                "a space is no separator in an identity number; with a space it cannot be known whether the person is over 100.",
            )
            .to_owned(),
        (Separator(c), Lang::Sv) => format!("”{c}” är inget skiljetecken i ett personnummer."),
        (Separator(c), Lang::En) => format!("\"{c}\" is no separator in an identity number."),
        (SeveralSeparators, _) => lang
            .pick(
                "numret har mer än ett skiljetecken.",
                "the number has more than one separator.",
            )
            .to_owned(),
        (SeparatorPlace, _) => lang
            .pick(
                "skiljetecknet ska stå före de fyra sista siffrorna.",
                "the separator belongs before the last four digits.",
            )
            .to_owned(),
        (PlusWithCentury, _) => lang
            .pick(
                "plustecken skrivs bara med 10 siffror; med 12 siffror står århundradet redan i numret.",
                "a plus sign is written only with 10 digits; with 12 digits the century is already there.",
            )
            .to_owned(),
        (Century12, _) => lang
            .pick(
                "ett 12-siffrigt nummer börjar med 18, 19 eller 20 (en person) eller 16 (en organisation).",
                "a 12-digit number begins with 18, 19 or 20 (a person) or 16 (an organisation).",
            )
            .to_owned(),
        (Date, _) => lang
            .pick(
                "födelsedatumet finns inte (ett samordningsnummer får ha månad 00 och dag 60 när de är okända).",
                "there is no such date of birth (a samordningsnummer may have month 00 and day 60 when they are unknown).",
            )
            .to_owned(),
        (Serial, _) => lang
            .pick(
                "födelsenumret 000 delas aldrig ut; kontrollera numret i registret.",
                "the serial number 000 is never given; check the number in the register.",
            )
            .to_owned(),
        (Check, _) => lang
            .pick(
                "kontrollsiffran stämmer inte: en siffra är fel eller två har bytt plats.",
                "the check digit does not match: a digit is wrong or two are swapped.",
            )
            .to_owned(),
        (Century, _) => lang
            .pick(
                "århundradet går inte att avgöra; skriv numret med 12 siffror.",
                "the century cannot be told; write the number with 12 digits.",
            )
            .to_owned(),
        (Group(g), Lang::Sv) => format!(
            "ett organisationsnummer kan inte börja med {g} (Bolagsverkets grupper är 1, 2, 3, 5, 6, 7, 8 och 9); kontrollera numret."
        ),
        (Group(g), Lang::En) => format!(
            "an organisation number cannot begin with {g} (Bolagsverket's groups are 1, 2, 3, 5, 6, 7, 8 and 9); check the number."
        ),
        (NotAnOrganisation, _) => lang
            .pick(
                "16 skrivs bara före ett organisationsnummer, och där är den tredje siffran 2 eller mer; skriv en persons nummer med 18, 19 eller 20 först.",
                "16 is written only before an organisation number, whose third digit is 2 or more; write a person's number with 18, 19 or 20 first.",
            )
            .to_owned(),
        (PlusOnOrganisation, _) => lang
            .pick(
                "plustecken skrivs bara i numret för en person över 100 år, aldrig i ett organisationsnummer.",
                "a plus sign is written only for a person over 100, never in an organisation number.",
            )
            .to_owned(),
    };
    format!("{why} {}", forms(lang))
}

/// The manifest's applicant is an organisation.
pub fn applicant_needs_person(lang: Lang) -> &'static str {
    lang.pick(
        "en sökande ska ha ett personnummer eller samordningsnummer, inte ett organisationsnummer.",
        "an applicant needs a personnummer or samordningsnummer, not an organisation number.",
    )
}

/// The manifest marks an organisation as having protected identity.
pub fn only_person_protected(lang: Lang) -> &'static str {
    lang.pick(
        "bara en person kan ha skyddad identitet.",
        "only a person can have protected identity.",
    )
}

/// Why a manifest's `case` is refused, with the form to write.
pub fn case_number_problem(e: &CaseNumberError, lang: Lang) -> String {
    match (e, lang) {
        (CaseNumberError::Form(t), Lang::Sv) => format!(
            "”{t}” är inget ärendenummer. Skriv det som FK 2026-123456: bokstäverna för registret (1–4, utan dem blir det FK), ett år och ett löpnummer."
        ),
        (CaseNumberError::Form(t), Lang::En) => format!(
            "\"{t}\" is not a case number. Write it as FK 2026-123456: the register's letters (1–4; without them it is FK), a year and a serial number."
        ),
    }
}

/// A typed case number that matches no case; a bare number is read as the agency's own.
pub fn case_not_found(number: &str, bare: bool, lang: Lang) -> String {
    match (bare, lang) {
        (false, Lang::Sv) => format!("ärende {number} finns inte: kontrollera numret"),
        (false, Lang::En) => format!("case {number} does not exist: check the number"),
        (true, Lang::Sv) => format!(
            "ärende {number} finns inte: kontrollera numret. Ett nummer utan bokstäver läses som ett FK-ärende; skriv bokstäverna om ärendet har andra (t.ex. HT 2026-123456)."
        ),
        (true, Lang::En) => format!(
            "case {number} does not exist: check the number. A number without letters is read as an FK case; type the letters if the case has others (e.g. HT 2026-123456)."
        ),
    }
}
