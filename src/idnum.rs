//! Swedish identity numbers: personnummer, samordningsnummer and organisationsnummer.
//!
//! Stored as 12 digits (`YYYYMMDDNNNC` for persons, `16NNNNNNNNNC` for organisations) so that
//! a century is never guessed twice. Accepted only in the forms Skatteverket writes them:
//!
//! | form | example |
//! | --- | --- |
//! | 12 digits | `198112189876` |
//! | 12 digits, `-` before the last four | `19811218-9876` |
//! | 10 digits, `-` (or `+` from the 100th birthday) before the last four | `811218-9876` |
//! | 10 digits | `8112189876` |
//!
//! A space, another mark, a doubled separator or one in another place is refused rather than
//! read: `090527 1474` was once read as born 2009 when the person was born 1909.
//!
//! Organisation numbers follow Bolagsverket: the first digit is the group (1, 2, 3, 5, 6, 7,
//! 8 or 9; there is no group 0 or 4), the third digit is at least 2 (which is what tells them
//! from a date of birth). Skatteverket writes them with 12 digits by putting `16` in front
//! (`165560160680`); kuvert accepts that form, stores every organisation number so, and
//! shows it as the 10 digits `556016-0680`. A 12-digit number is therefore a person's only
//! when it begins with 18, 19 or 20.

use std::fmt;

/// What kind of number a party carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum IdKind {
    /// A person's personnummer.
    Personnummer,
    /// A samordningsnummer: day of birth + 60, for people not registered in Sweden. The
    /// month may be `00` and the day `60` when Skatteverket does not know them.
    Samordningsnummer,
    /// An organisation (employer, care provider).
    Organisationsnummer,
}

/// A validated identity number in its 12-digit form.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct IdNumber {
    digits: String,
    kind: IdKind,
}

/// Why a text is not an identity number; the catalogue (`i18n::id_number_problem`) says
/// each in Swedish and English, with what to do.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdError {
    /// Neither 10 nor 12 digits.
    #[error("expected 10 or 12 digits (YYYYMMDD-NNNN), got {0}")]
    Length(usize),
    /// A letter or other character that is no part of any number.
    #[error("only digits, '-' and '+' are allowed")]
    Characters,
    /// A space or another mark where `-` or `+` belongs (`090527 1474`).
    #[error(
        "{0:?} is not a separator: write '-' (or '+' from the 100th birthday) before the last four digits"
    )]
    Separator(char),
    /// More than one separator (`811218--9876`, `811218-+9876`).
    #[error("only one separator is allowed")]
    SeveralSeparators,
    /// A separator somewhere else than before the last four digits.
    #[error("the separator belongs before the last four digits")]
    SeparatorPlace,
    /// `+` with 12 digits: the century is already written, `+` would contradict or repeat it.
    #[error("'+' is only written with 10 digits; with 12 digits write '-' or nothing")]
    PlusWithCentury,
    /// A 12-digit number beginning with something other than 16, 18, 19 or 20.
    #[error("a 12-digit number begins with 18, 19 or 20 (a person) or 16 (an organisation)")]
    Century12,
    /// The date of birth does not exist.
    #[error("no such date of birth")]
    Date,
    /// Serial number `000`, which Skatteverket never gives.
    #[error("the serial number 000 is never given")]
    Serial,
    /// The Luhn check digit does not match: a digit is wrong or two are swapped.
    #[error("the check digit is wrong (Luhn)")]
    Check,
    /// A 10-digit number whose century would fall before 1800.
    #[error("a 10-digit number without century needs the century to be known; give 12 digits")]
    Century,
    /// An organisation number whose first digit is no group Bolagsverket uses (0 or 4).
    #[error("an organisation number cannot begin with {0} (groups are 1, 2, 3, 5, 6, 7, 8, 9)")]
    Group(u32),
    /// `16` in front of digits that are no organisation number (third digit below 2).
    #[error("16 is written only before an organisation number, whose third digit is 2 or more")]
    NotAnOrganisation,
    /// `+` before an organisation number: it has no age.
    #[error("'+' is written only in the number of a person over 100")]
    PlusOnOrganisation,
}

/// The digits of an accepted form, and whether it was written with `+`.
fn read_form(input: &str) -> Result<(String, bool), IdError> {
    let text = input.trim();
    let mut digits = String::with_capacity(12);
    let mut separator: Option<(usize, char)> = None;
    for c in text.chars() {
        if c.is_ascii_digit() {
            digits.push(c);
        } else if c == '-' || c == '+' {
            if separator.is_some() {
                return Err(IdError::SeveralSeparators);
            }
            separator = Some((digits.len(), c));
        } else if c.is_whitespace() || c.is_ascii_punctuation() || c == '\u{2013}' {
            return Err(IdError::Separator(c));
        } else {
            return Err(IdError::Characters);
        }
    }
    let n = digits.len();
    if n != 10 && n != 12 {
        return Err(IdError::Length(n));
    }
    let plus = match separator {
        None => false,
        Some((at, c)) => {
            if at != n - 4 {
                return Err(IdError::SeparatorPlace);
            }
            if c == '+' && n == 12 {
                return Err(IdError::PlusWithCentury);
            }
            c == '+'
        }
    };
    Ok((digits, plus))
}

impl IdNumber {
    /// Parses and validates a personnummer, samordningsnummer or organisationsnummer.
    ///
    /// A 10-digit personnummer is read with the century that puts the birth day on or before
    /// `today` and makes the person younger than 100 (100 or older with `+`), as
    /// Skatteverket writes them: on 2026-12-03, `261231-…` was born in 1926, not in 28 days.
    pub fn parse(input: &str, today: time::Date) -> Result<Self, IdError> {
        let (digits, plus) = read_form(input)?;
        let twelve = if digits.len() == 12 {
            match &digits[..2] {
                "16" => {
                    if digit(&digits, 4) < 2 {
                        return Err(IdError::NotAnOrganisation);
                    }
                    digits
                }
                "18" | "19" | "20" => digits,
                _ => return Err(IdError::Century12),
            }
        } else if digit(&digits, 2) >= 2 {
            // Organisationsnummer: the third digit is at least 2, no date inside.
            if plus {
                return Err(IdError::PlusOnOrganisation);
            }
            format!("16{digits}")
        } else {
            let yy: i32 = digits[..2].parse().map_err(|_| IdError::Characters)?;
            let month = u8::try_from(digit(&digits, 2) * 10 + digit(&digits, 3)).unwrap_or(0);
            // A samordningsnummer's day is the day + 60; 00 and 60 (unknown) count as the
            // earliest day, so they never push a birth into the future.
            let day = digit(&digits, 4) * 10 + digit(&digits, 5);
            let day = u8::try_from(if day >= 60 { day - 60 } else { day }).unwrap_or(0);
            let mut year = (today.year() / 100) * 100 + yy;
            if (year, month, day) > (today.year(), u8::from(today.month()), today.day()) {
                year -= 100;
            }
            if plus {
                year -= 100;
            }
            if year < 1800 {
                return Err(IdError::Century);
            }
            format!("{year:04}{digits}", digits = &digits[2..])
        };
        let kind = if &twelve[..2] == "16" {
            let group = digit(&twelve, 2);
            if group == 0 || group == 4 {
                return Err(IdError::Group(group));
            }
            IdKind::Organisationsnummer
        } else {
            person_kind(&twelve)?
        };
        if !luhn_ok(&twelve[2..]) {
            return Err(IdError::Check);
        }
        Ok(Self {
            digits: twelve,
            kind,
        })
    }

    /// The 12 stored digits.
    pub fn digits(&self) -> &str {
        &self.digits
    }

    /// Whether a person (and which kind of number) or an organisation.
    pub fn kind(&self) -> IdKind {
        self.kind
    }

    /// The form shown in lists: the date part visible, the last four digits hidden
    /// (`19850312-****`); organisation numbers are public and shown whole.
    pub fn masked(&self) -> String {
        match self.kind {
            IdKind::Organisationsnummer => self.to_string(),
            _ => format!("{}-****", &self.digits[..8]),
        }
    }
}

/// A person's 12 digits: personnummer or samordningsnummer, by the day of birth.
fn person_kind(twelve: &str) -> Result<IdKind, IdError> {
    let number = |from: usize| -> u32 { digit(twelve, from) * 10 + digit(twelve, from + 1) };
    let year: i32 = twelve[..4].parse().map_err(|_| IdError::Characters)?;
    let month = number(4);
    let day = number(6);
    if &twelve[8..11] == "000" {
        return Err(IdError::Serial);
    }
    if day >= 60 {
        // Skatteverket writes an unknown month as 00 and an unknown day as 00 + 60.
        let day = day - 60;
        let known = match (month, day) {
            (0, 0) => true,
            (0, d) => d <= 31,
            (m, 0) => (1..=12).contains(&m),
            (m, d) => valid_date(year, m, d),
        };
        if known {
            Ok(IdKind::Samordningsnummer)
        } else {
            Err(IdError::Date)
        }
    } else if valid_date(year, month, day) {
        Ok(IdKind::Personnummer)
    } else {
        Err(IdError::Date)
    }
}

impl fmt::Display for IdNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.kind {
            IdKind::Organisationsnummer => {
                write!(f, "{}-{}", &self.digits[2..8], &self.digits[8..])
            }
            _ => write!(f, "{}-{}", &self.digits[..8], &self.digits[8..]),
        }
    }
}

/// Masks a stored 12-digit number for display without re-validating it.
pub fn mask_stored(digits: &str) -> String {
    match IdNumber::parse(digits, time::Date::MAX) {
        Ok(id) => id.masked(),
        Err(_) => "********-****".to_owned(),
    }
}

fn digit(s: &str, i: usize) -> u32 {
    s.as_bytes()
        .get(i)
        .map(|b| u32::from(b.saturating_sub(b'0')))
        .unwrap_or(0)
}

/// The Luhn check over the 10 digits `YYMMDDNNNC`.
fn luhn_ok(ten: &str) -> bool {
    luhn_sum(ten).is_multiple_of(10)
}

fn luhn_sum(digits: &str) -> u32 {
    digits
        .bytes()
        .enumerate()
        .map(|(i, b)| {
            let d = u32::from(b - b'0');
            if i % 2 == 0 {
                let x = d * 2;
                if x > 9 { x - 9 } else { x }
            } else {
                d
            }
        })
        .sum()
}

/// The Luhn check digit for the first nine digits of `YYMMDDNNN`; used to make synthetic
/// numbers for demo data and tests.
pub fn luhn_check_digit(nine: &str) -> u32 {
    let padded = format!("{nine}0");
    (10 - luhn_sum(&padded) % 10) % 10
}

fn valid_date(year: i32, month: u32, day: u32) -> bool {
    let Ok(month) = time::Month::try_from(month as u8) else {
        return false;
    };
    day >= 1 && day <= u32::from(month.length(year))
}

#[cfg(test)]
mod tests {
    /// The day these tests read numbers on.
    const TODAY: time::Date = time::macros::date!(2026 - 12 - 03);
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn known_personnummer() {
        // Skatteverket's published test number.
        let id = IdNumber::parse("811218-9876", TODAY).expect("valid");
        assert_eq!(id.digits(), "198112189876");
        assert_eq!(id.kind(), IdKind::Personnummer);
        assert_eq!(id.masked(), "19811218-****");
        assert_eq!(id.to_string(), "19811218-9876");
        assert_eq!(
            IdNumber::parse("19811218-9876", TODAY).map(|i| i.kind()),
            Ok(IdKind::Personnummer)
        );
    }

    /// A birthday later this year is a century ago: on 2026-12-03 a person written
    /// `261231-…` is 99 and was born in 1926; `261203-…` was born today.
    #[test]
    fn century_from_the_day_not_only_the_year() {
        let ten = |nine: &str, sep: char| {
            format!(
                "{}{sep}{}{}",
                &nine[..6],
                &nine[6..],
                luhn_check_digit(nine)
            )
        };
        let born =
            |written: String| IdNumber::parse(&written, TODAY).map(|i| i.digits()[..8].to_owned());
        assert_eq!(born(ten("261231123", '-')), Ok("19261231".to_owned()));
        assert_eq!(born(ten("261204123", '-')), Ok("19261204".to_owned()));
        assert_eq!(born(ten("261203123", '-')), Ok("20261203".to_owned()));
        assert_eq!(born(ten("261231123", '+')), Ok("18261231".to_owned()));
        // A samordningsnummer (day + 60), and one with the day unknown (60).
        assert_eq!(born(ten("261291123", '-')), Ok("19261291".to_owned()));
        assert_eq!(born(ten("261260123", '-')), Ok("20261260".to_owned()));
    }

    #[test]
    fn century_from_plus_and_age() {
        assert_eq!(
            IdNumber::parse("811218+9876", TODAY).map(|i| i.digits().to_owned()),
            Ok("188112189876".to_owned())
        );
    }

    #[test]
    fn samordningsnummer_is_day_plus_sixty() {
        let nine = "701063238";
        let ten = format!("{nine}{}", luhn_check_digit(nine));
        let id = IdNumber::parse(&ten, TODAY).expect("valid samordningsnummer");
        assert_eq!(id.kind(), IdKind::Samordningsnummer);
    }

    #[test]
    fn organisationsnummer() {
        // Försäkringskassan's own organisation number.
        let id = IdNumber::parse("202100-5521", TODAY).expect("valid");
        assert_eq!(id.kind(), IdKind::Organisationsnummer);
        assert_eq!(id.masked(), "202100-5521");
        assert_eq!(id.digits(), "162021005521");
    }

    #[test]
    fn errors_are_specific() {
        assert_eq!(IdNumber::parse("811218-9875", TODAY), Err(IdError::Check));
        assert_eq!(IdNumber::parse("8112189", TODAY), Err(IdError::Length(7)));
        assert_eq!(
            IdNumber::parse("81121a-9876", TODAY),
            Err(IdError::Characters)
        );
        // 31 February, with a correct Luhn digit.
        let nine = "810231123";
        let ten = format!("{nine}{}", luhn_check_digit(nine));
        assert_eq!(IdNumber::parse(&ten, TODAY), Err(IdError::Date));
    }

    #[test]
    fn unknown_month_or_day_of_a_samordningsnummer_is_accepted() {
        for (n, digits) in [
            ("191500722390", "191500722390"),
            ("193100602394", "193100602394"),
            ("19171160-2399", "191711602399"),
            ("150072+2390", "191500722390"),
        ] {
            let id = IdNumber::parse(n, TODAY).expect(n);
            assert_eq!(id.kind(), IdKind::Samordningsnummer, "{n}");
            assert_eq!(id.digits(), digits, "{n}");
        }
        // An unknown month does not make day 32 (92) possible, nor month 13.
        for nine in ["150092239", "151360239"] {
            let twelve = format!("19{nine}{}", luhn_check_digit(nine));
            assert_eq!(
                IdNumber::parse(&twelve, TODAY),
                Err(IdError::Date),
                "{twelve}"
            );
        }
        // A personnummer (day below 60) still needs a whole date.
        let nine = "150012239";
        let twelve = format!("19{nine}{}", luhn_check_digit(nine));
        assert_eq!(IdNumber::parse(&twelve, TODAY), Err(IdError::Date));
    }

    #[test]
    fn serial_000_is_refused() {
        assert_eq!(IdNumber::parse("201509160006", TODAY), Err(IdError::Serial));
        assert_eq!(IdNumber::parse("150916-0006", TODAY), Err(IdError::Serial));
    }

    #[test]
    fn only_the_standard_forms_are_accepted() {
        for ok in [
            "198112189876",
            "19811218-9876",
            "811218-9876",
            "8112189876",
            "811218+9876",
            " 811218-9876 ",
        ] {
            assert!(IdNumber::parse(ok, TODAY).is_ok(), "{ok}");
        }
        for (bad, why) in [
            ("090527 1474", IdError::Separator(' ')),
            ("811218/9876", IdError::Separator('/')),
            ("811218.9876", IdError::Separator('.')),
            ("811218\u{2013}9876", IdError::Separator('\u{2013}')),
            ("811218--9876", IdError::SeveralSeparators),
            ("811218-+9876", IdError::SeveralSeparators),
            ("8112-18-9876", IdError::SeveralSeparators),
            ("81121-89876", IdError::SeparatorPlace),
            ("1981-12189876", IdError::SeparatorPlace),
            ("8112189876-", IdError::SeparatorPlace),
            ("19811218+9876", IdError::PlusWithCentury),
            ("811218_9876", IdError::Separator('_')),
            ("81121a-9876", IdError::Characters),
        ] {
            assert_eq!(IdNumber::parse(bad, TODAY), Err(why), "{bad}");
        }
    }

    #[test]
    fn a_space_never_changes_the_century() {
        // The example: born 1909; once read with a space as 2009.
        assert_eq!(
            IdNumber::parse("090527 1474", TODAY),
            Err(IdError::Separator(' '))
        );
    }

    #[test]
    fn organisation_group_and_third_digit() {
        assert_eq!(IdNumber::parse("0560160681", TODAY), Err(IdError::Group(0)));
        let rest = "456016068";
        let ten = format!("{rest}{}", luhn_check_digit(rest));
        assert_eq!(IdNumber::parse(&ten, TODAY), Err(IdError::Group(4)));
        assert_eq!(
            IdNumber::parse(&format!("16{ten}"), TODAY),
            Err(IdError::Group(4))
        );
        // 16 before a date is neither an organisation nor a person.
        assert_eq!(
            IdNumber::parse("168112189876", TODAY),
            Err(IdError::NotAnOrganisation)
        );
        assert_eq!(
            IdNumber::parse("178112189876", TODAY),
            Err(IdError::Century12)
        );
        assert_eq!(
            IdNumber::parse("556016+0680", TODAY),
            Err(IdError::PlusOnOrganisation)
        );
    }

    /// Skatteverket's published test numbers (tests/fixtures/idnum, sources in its README):
    /// every one accepted, as 12, 12 with `-`, and 10 digits with the separator a reader
    /// needs in 2026, all giving back the same 12 digits and kind.
    #[test]
    fn published_test_numbers_are_accepted_in_every_form() {
        let files = [
            (
                include_str!("../tests/fixtures/idnum/testpersonnummer.csv"),
                IdKind::Personnummer,
            ),
            (
                include_str!("../tests/fixtures/idnum/testsamordningsnummer.csv"),
                IdKind::Samordningsnummer,
            ),
            (
                include_str!("../tests/fixtures/idnum/partial-dates.csv"),
                IdKind::Samordningsnummer,
            ),
        ];
        let mut seen = 0;
        for (text, kind) in files {
            for line in text.lines().skip(1) {
                let twelve = line.split(',').next().unwrap_or_default();
                let year: i32 = twelve[..4].parse().expect("year");
                let sep = if year <= 1926 { '+' } else { '-' };
                let forms = [
                    twelve.to_owned(),
                    format!("{}-{}", &twelve[..8], &twelve[8..]),
                    format!("{}{sep}{}", &twelve[2..8], &twelve[8..]),
                ];
                for form in forms {
                    let id =
                        IdNumber::parse(&form, TODAY).unwrap_or_else(|e| panic!("{form}: {e}"));
                    assert_eq!(id.digits(), twelve, "{form}");
                    assert_eq!(id.kind(), kind, "{form}");
                }
                seen += 1;
            }
        }
        assert!(seen > 250, "{seen} numbers");
    }

    #[test]
    fn published_forms_give_the_right_century() {
        let text = include_str!("../tests/fixtures/idnum/forms.csv");
        for line in text.lines().skip(1) {
            let (written, twelve) = line.split_once(',').expect("two columns");
            let id = IdNumber::parse(written, TODAY).unwrap_or_else(|e| panic!("{written}: {e}"));
            assert_eq!(id.digits(), twelve, "{written}");
            assert_eq!(id.kind(), IdKind::Personnummer, "{written}");
        }
    }

    #[test]
    fn published_organisation_numbers_are_accepted() {
        let text = include_str!("../tests/fixtures/idnum/organisationsnummer.csv");
        for line in text.lines().skip(1) {
            let mut cols = line.split(',');
            let (written, twelve) = (cols.next().expect("number"), cols.next().expect("digits"));
            let id = IdNumber::parse(written, TODAY).unwrap_or_else(|e| panic!("{written}: {e}"));
            assert_eq!(id.digits(), twelve, "{written}");
            assert_eq!(id.kind(), IdKind::Organisationsnummer, "{written}");
            assert_eq!(
                id.to_string(),
                format!("{}-{}", &twelve[2..8], &twelve[8..])
            );
        }
        // The published invalid ones (a check digit off).
        for bad in ["5560160681", "165560160681", "5561034250"] {
            assert_eq!(IdNumber::parse(bad, TODAY), Err(IdError::Check), "{bad}");
        }
    }

    proptest! {
        #[test]
        fn generated_numbers_validate_and_one_digit_off_does_not(
            year in 1900i32..2025, month in 1u32..=12, day in 1u32..=28, serial in 1u32..1000, pos in 0usize..10, delta in 1u32..10
        ) {
            let nine = format!("{:02}{month:02}{day:02}{serial:03}", year % 100);
            let ten = format!("{nine}{}", luhn_check_digit(&nine));
            let twelve = format!("{}{}", year / 100, ten);
            let id = IdNumber::parse(&twelve, TODAY).expect("generated number is valid");
            prop_assert_eq!(id.digits(), twelve.as_str());
            let mut bytes = ten.into_bytes();
            bytes[pos] = b'0' + ((u32::from(bytes[pos] - b'0') + delta) % 10) as u8;
            let typo = format!("{}{}", year / 100, String::from_utf8(bytes).expect("ascii"));
            prop_assert!(IdNumber::parse(&typo, TODAY).is_err());
        }
    }
}
