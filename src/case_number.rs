//! Case numbers: the one rule for how a case number is written, used both when a manifest
//! is imported and when a caseworker types or scans a number to open a case.
//!
//! A case number is the register's letters, a year and a serial: `FK 2026-123456`. The
//! agency's own cases are `FK`, but registers also send cases with other letters
//! (`HT 2026-999999`); those keep their letters, since they are a different case from
//! `FK 2026-999999` and the caseworker reads them off the file as they are.
//!
//! - Stored form: letters in capitals, one space, `YYYY-N…` (`FK 2026-123456`).
//! - Typed or imported, the letters may be lower case and the space may be missing
//!   (`fk2026-123456`).
//! - A number without letters (`2026-123456`) is the agency's own: `FK 2026-123456`. It
//!   never opens a case with other letters, even when that is the only one with those
//!   digits: which case a number opens must not depend on which other cases exist.
//! - Anything else is refused at import, with the form to write, so that every stored case
//!   can be typed back and found.

use std::fmt;

/// The letters of the agency's own case numbers, assumed when none are written.
pub const AGENCY_PREFIX: &str = "FK";

/// A case number in its stored form.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CaseNumber(String);

/// Why a text is not a case number.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CaseNumberError {
    /// Not letters, a year and a serial (`FK 2026-123456`).
    #[error("'{0}' is not a case number (write it as FK 2026-123456)")]
    Form(String),
}

impl CaseNumber {
    /// Reads a case number as imported, typed or scanned.
    pub fn parse(input: &str) -> Result<Self, CaseNumberError> {
        let text = input.trim();
        let refuse = || CaseNumberError::Form(text.to_owned());
        let digits_at = text
            .find(|c: char| !c.is_ascii_alphabetic())
            .unwrap_or(text.len());
        let letters = &text[..digits_at];
        let rest = text[digits_at..].trim_start_matches(' ');
        if letters.len() > 4 {
            return Err(refuse());
        }
        let (year, serial) = rest.split_once('-').ok_or_else(refuse)?;
        let all_digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
        if year.len() != 4 || !all_digits(year) || serial.len() > 10 || !all_digits(serial) {
            return Err(refuse());
        }
        let prefix = if letters.is_empty() {
            AGENCY_PREFIX.to_owned()
        } else {
            letters.to_ascii_uppercase()
        };
        Ok(Self(format!("{prefix} {year}-{serial}")))
    }

    /// The stored form, `FK 2026-123456`.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for CaseNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// True when a typed number has no letters, so that it was read as the agency's own.
pub fn is_bare(input: &str) -> bool {
    input.trim().starts_with(|c: char| c.is_ascii_digit())
}

/// Case numbers are typed in many ways (`fk 2026-123456`, `2026-123456`): the stored form
/// to look up, or the text as typed when it is no case number (it then matches nothing).
pub fn normalise_case_number(input: &str) -> String {
    match CaseNumber::parse(input) {
        Ok(n) => n.0,
        Err(_) => input.trim().to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn case_numbers_are_normalised() {
        assert_eq!(normalise_case_number("2026-123456"), "FK 2026-123456");
        assert_eq!(normalise_case_number(" fk 2026-123456 "), "FK 2026-123456");
        assert_eq!(normalise_case_number("FK2026-123456"), "FK 2026-123456");
        assert_eq!(normalise_case_number("whatever"), "whatever");
    }

    #[test]
    fn other_letters_are_kept() {
        assert_eq!(normalise_case_number("HT 2026-999999"), "HT 2026-999999");
        assert_eq!(normalise_case_number("ht2026-999999"), "HT 2026-999999");
        assert_eq!(normalise_case_number("Dnr 2026-1"), "DNR 2026-1");
    }

    #[test]
    fn what_is_no_case_number_is_refused() {
        for bad in [
            "",
            "FK",
            "FK 26-123456",
            "FK 2026/123456",
            "FK 2026-",
            "FK 2026-12345678901",
            "FKABC 2026-1",
            "Å 2026-1",
            "FK  2026-123456x",
            "-2026-1",
            "FK 2026-12-3",
        ] {
            assert!(CaseNumber::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn a_bare_number_is_the_agencys() {
        assert!(is_bare("2026-999999"));
        assert!(!is_bare("HT 2026-999999"));
        assert_eq!(
            CaseNumber::parse("2026-999999").map(|n| n.to_string()),
            Ok("FK 2026-999999".to_owned())
        );
    }
}
