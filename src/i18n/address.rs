//! What an import says about an address it refuses (issue 13 §1): the field is named by the
//! caller; this says what is wrong and what to do.

use super::Lang;
use crate::import::AddressProblem;
use crate::pdf::{MAX_ADDRESS_LINES, WindowMisfit};

/// One refused address field, in the user's language.
pub fn address_problem(problem: &AddressProblem, lang: Lang) -> String {
    match (problem, lang) {
        (AddressProblem::UnknownKey, Lang::Sv) => {
            "okänd uppgift i en adress. En adress har care_of, street, postal_code, city och \
             country; ta bort nyckeln eller rätta stavningen."
                .to_owned()
        }
        (AddressProblem::UnknownKey, Lang::En) => {
            "an address has no such key. An address has care_of, street, postal_code, city and \
             country; remove the key or correct its spelling."
                .to_owned()
        }
        (AddressProblem::NotACountry(text), Lang::Sv) => format!(
            "'{text}' är inget land. Ange landskoden enligt ISO 3166-1 (t.ex. DE) eller \
             landets svenska namn (t.ex. Tyskland); utelämna fältet för Sverige."
        ),
        (AddressProblem::NotACountry(text), Lang::En) => format!(
            "'{text}' is not a country. Give its ISO 3166-1 code (e.g. DE) or its Swedish \
             name (e.g. Tyskland); leave the field out for Sweden."
        ),
        (AddressProblem::NotASwedishPostalCode(code), Lang::Sv) => format!(
            "'{code}' är inget svenskt postnummer (fem siffror, den första 1–9, t.ex. 111 22). \
             Ligger adressen i ett annat land, ange landet i country."
        ),
        (AddressProblem::NotASwedishPostalCode(code), Lang::En) => format!(
            "'{code}' is not a Swedish postal code (five digits, the first 1–9, e.g. 111 22). \
             If the address is in another country, give it in country."
        ),
        (AddressProblem::NotAPostalCode(code), Lang::Sv) => format!(
            "'{code}' är inget postnummer (bokstäver, siffror, mellanslag och bindestreck, högst \
             12 tecken). Skriv postnumret som mottagarens land skriver det."
        ),
        (AddressProblem::NotAPostalCode(code), Lang::En) => format!(
            "'{code}' is not a postal code (letters, digits, spaces and hyphens, at most 12). \
             Write it as the recipient's country writes it."
        ),
        (AddressProblem::CountryInTown { town, country }, Lang::Sv) => format!(
            "'{town}' innehåller ett land ({}). Skriv bara orten här och landet i country \
             (\"country\": \"{}\").",
            country.swedish_name(),
            country.code()
        ),
        (AddressProblem::CountryInTown { town, country }, Lang::En) => format!(
            "'{town}' contains a country ({}). Put only the town here and the country in \
             country (\"country\": \"{}\").",
            country.swedish_name(),
            country.code()
        ),
        (AddressProblem::Window(WindowMisfit::TooManyLines(n)), Lang::Sv) => format!(
            "adressen blir {n} rader men kuvertfönstret rymmer {MAX_ADDRESS_LINES} (namn, c/o, \
             gatuadress, postnummer och ort, land). Korta den i ärenderegistret."
        ),
        (AddressProblem::Window(WindowMisfit::TooManyLines(n)), Lang::En) => format!(
            "the address needs {n} lines but the envelope window holds {MAX_ADDRESS_LINES} \
             (name, c/o, street, postal code and town, country). Shorten it in the case register."
        ),
        (AddressProblem::Window(WindowMisfit::TooWide(line)), Lang::Sv) => {
            format!("raden \"{line}\" är för bred för kuvertfönstret. Korta den i ärenderegistret.")
        }
        (AddressProblem::Window(WindowMisfit::TooWide(line)), Lang::En) => format!(
            "the line \"{line}\" is wider than the envelope window. Shorten it in the case register."
        ),
    }
}
