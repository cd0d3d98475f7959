//! The address of a manifest party: checked against the rules of the window and the post
//! before anything is imported (issue 13 §1), then stored with its country as an ISO code.

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::country::Country;
use crate::error::{Error, Result};
use crate::i18n::{self, Lang};
use crate::model::{Address, is_swedish_postal_code};
use crate::pdf::{Fonts, WindowMisfit};

/// The keys an address may have; any other is refused, naming it.
pub const ADDRESS_KEYS: &[&str] = &["care_of", "street", "postal_code", "city", "country"];

/// An address as the register writes it.
#[derive(Debug, Deserialize)]
pub struct ManifestAddress {
    #[serde(default)]
    pub care_of: Option<String>,
    pub street: String,
    pub postal_code: String,
    pub city: String,
    /// ISO 3166-1 alpha-2 or the Swedish name; absent means Sweden.
    #[serde(default)]
    pub country: Option<String>,
    /// Keys the manifest has that an address does not: refused, never silently dropped.
    #[serde(flatten)]
    pub unknown: BTreeMap<String, serde_json::Value>,
}

/// What is wrong with an address (said in the user's language by `i18n::address_problem`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AddressProblem {
    /// A key an address does not have (a misspelling, or data the letter cannot carry).
    UnknownKey,
    /// `country` is neither an ISO code nor a Swedish country name.
    NotACountry(String),
    /// A Swedish address whose postal code is not five digits starting 1–9.
    NotASwedishPostalCode(String),
    /// A foreign postal code with characters no postal code has.
    NotAPostalCode(String),
    /// The town also names a country ("Berlin, Tyskland").
    CountryInTown { town: String, country: Country },
    /// The address does not fit the envelope window.
    Window(WindowMisfit),
}

/// The longest foreign postal code accepted (the longest in use are ten characters).
const MAX_FOREIGN_POSTAL_CODE: usize = 12;

/// Checks one address of a party that is not protected; `at` is the party's path
/// (`cases[0].parties[1]`).
pub(super) fn check(
    errors: &mut Vec<String>,
    at: &str,
    name: &str,
    a: &ManifestAddress,
    fonts: &Fonts,
    lang: Lang,
) {
    let mut say = |field: &str, problem: AddressProblem| {
        errors.push(format!(
            "{at}.address{field}: {}",
            i18n::address_problem(&problem, lang)
        ));
    };
    for key in a.unknown.keys() {
        say(&format!(".{key}"), AddressProblem::UnknownKey);
    }
    let country = match a.country.as_deref() {
        None => Some(Country::SWEDEN),
        Some(text) => Country::parse(text),
    };
    if country.is_none() {
        say(
            ".country",
            AddressProblem::NotACountry(a.country.clone().unwrap_or_default()),
        );
    }
    let code = a.postal_code.trim();
    match country {
        Some(c) if c.is_sweden() && !is_swedish_postal_code(code) => say(
            ".postal_code",
            AddressProblem::NotASwedishPostalCode(a.postal_code.clone()),
        ),
        Some(c)
            if !c.is_sweden()
                && (code.chars().count() > MAX_FOREIGN_POSTAL_CODE
                    || !code
                        .chars()
                        .all(|ch| ch.is_alphanumeric() || ch == ' ' || ch == '-')) =>
        {
            say(
                ".postal_code",
                AddressProblem::NotAPostalCode(a.postal_code.clone()),
            )
        }
        _ => {}
    }
    if let (Some((named, comma)), Some(given)) = (Country::named_at_end_of(&a.city), country) {
        // "Città di San Marino" in San Marino is a town; "Oslo NORGE" sent as Swedish mail,
        // or anything after a comma, is a country in the wrong field.
        if comma || named != given {
            say(
                ".city",
                AddressProblem::CountryInTown {
                    town: a.city.clone(),
                    country: named,
                },
            );
        }
    }
    let before = errors.len();
    super::text_field(errors, &format!("{at}.address.street"), &a.street, 80);
    super::text_field(errors, &format!("{at}.address.city"), &a.city, 60);
    if let Some(co) = a.care_of.as_deref().filter(|co| !co.trim().is_empty()) {
        super::text_field(errors, &format!("{at}.address.care_of"), co, 80);
    }
    // The window only says something about an address whose lines are otherwise right.
    if errors.len() == before
        && let Ok(address) = to_model(a)
        && let Err(misfit) = crate::pdf::window_lines(name, &address, fonts)
    {
        errors.push(format!(
            "{at}.address: {}",
            i18n::address_problem(&AddressProblem::Window(misfit), lang)
        ));
    }
}

/// The address as stored: trimmed, an empty c/o left out, the country as its ISO code.
pub(super) fn to_model(a: &ManifestAddress) -> Result<Address> {
    let country = match a.country.as_deref() {
        None => Country::SWEDEN,
        Some(text) => Country::parse(text)
            .ok_or_else(|| Error::Invalid(format!("address.country: '{text}' is not a country")))?,
    };
    Ok(Address {
        care_of: a
            .care_of
            .as_deref()
            .map(str::trim)
            .filter(|co| !co.is_empty())
            .map(str::to_owned),
        street: a.street.trim().to_owned(),
        postal_code: a.postal_code.trim().to_owned(),
        city: a.city.trim().to_owned(),
        country,
    })
}
