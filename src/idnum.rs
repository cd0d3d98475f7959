//! Swedish identity numbers: personnummer, samordningsnummer and organisationsnummer.
//!
//! Stored as 12 digits (`YYYYMMDDNNNC` for persons, `16NNNNNNNNNC` for organisations) so that
//! a century is never guessed; accepted as typed with or without century, `-` or `+`.

use std::fmt;

/// What kind of number a party carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum IdKind {
    /// A person's personnummer.
    Personnummer,
    /// A samordningsnummer: day of birth + 60, for people not registered in Sweden.
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

/// Why a text is not an identity number.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdError {
    #[error("expected 10 or 12 digits (YYYYMMDD-NNNN), got {0}")]
    Length(usize),
    #[error("only digits, '-' and '+' are allowed")]
    Characters,
    #[error("no such date of birth")]
    Date,
    #[error("the check digit is wrong (Luhn)")]
    Check,
    #[error("a 10-digit number without century needs the century to be known; give 12 digits")]
    Century,
}

impl IdNumber {
    /// Parses and validates a personnummer, samordningsnummer or organisationsnummer.
    ///
    /// A 10-digit personnummer is read with the century that makes the person at most 100
    /// years old on `today_year` (or older than 100 with `+`), as Skatteverket writes them.
    pub fn parse(input: &str, today_year: i32) -> Result<Self, IdError> {
        let trimmed = input.trim();
        if !trimmed
            .chars()
            .all(|c| c.is_ascii_digit() || c == '-' || c == '+' || c == ' ')
        {
            return Err(IdError::Characters);
        }
        let plus = trimmed.contains('+');
        let digits: String = trimmed.chars().filter(char::is_ascii_digit).collect();
        let twelve = match digits.len() {
            12 => digits,
            10 => {
                let third = digit(&digits, 2);
                if third >= 2 {
                    // Organisationsnummer: the third digit is at least 2, no date inside.
                    format!("16{digits}")
                } else {
                    let yy: i32 = digits[..2].parse().map_err(|_| IdError::Characters)?;
                    let mut year = (today_year / 100) * 100 + yy;
                    if year > today_year {
                        year -= 100;
                    }
                    if plus {
                        year -= 100;
                    }
                    if year < 1800 {
                        return Err(IdError::Century);
                    }
                    format!("{year:04}{}", &digits[2..])
                }
            }
            n => return Err(IdError::Length(n)),
        };
        if !luhn_ok(&twelve[2..]) {
            return Err(IdError::Check);
        }
        let kind = if &twelve[..2] == "16" && digit(&twelve, 4) >= 2 {
            IdKind::Organisationsnummer
        } else {
            let year: i32 = twelve[..4].parse().map_err(|_| IdError::Characters)?;
            let month: u32 = twelve[4..6].parse().map_err(|_| IdError::Characters)?;
            let mut day: u32 = twelve[6..8].parse().map_err(|_| IdError::Characters)?;
            let kind = if day > 60 {
                day -= 60;
                IdKind::Samordningsnummer
            } else {
                IdKind::Personnummer
            };
            if !valid_date(year, month, day) {
                return Err(IdError::Date);
            }
            kind
        };
        Ok(Self {
            digits: twelve,
            kind,
        })
    }

    /// The 12 stored digits.
    pub fn digits(&self) -> &str {
        &self.digits
    }

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
    match IdNumber::parse(digits, 9999) {
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
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn known_personnummer() {
        // Skatteverket's published test number.
        let id = IdNumber::parse("811218-9876", 2026).expect("valid");
        assert_eq!(id.digits(), "198112189876");
        assert_eq!(id.kind(), IdKind::Personnummer);
        assert_eq!(id.masked(), "19811218-****");
        assert_eq!(id.to_string(), "19811218-9876");
        assert_eq!(
            IdNumber::parse("19811218-9876", 2026).map(|i| i.kind()),
            Ok(IdKind::Personnummer)
        );
    }

    #[test]
    fn century_from_plus_and_age() {
        assert_eq!(
            IdNumber::parse("811218+9876", 2026).map(|i| i.digits().to_owned()),
            Ok("188112189876".to_owned())
        );
    }

    #[test]
    fn samordningsnummer_is_day_plus_sixty() {
        let nine = "701063238";
        let ten = format!("{nine}{}", luhn_check_digit(nine));
        let id = IdNumber::parse(&ten, 2026).expect("valid samordningsnummer");
        assert_eq!(id.kind(), IdKind::Samordningsnummer);
    }

    #[test]
    fn organisationsnummer() {
        // Försäkringskassan's own organisation number.
        let id = IdNumber::parse("202100-5521", 2026).expect("valid");
        assert_eq!(id.kind(), IdKind::Organisationsnummer);
        assert_eq!(id.masked(), "202100-5521");
        assert_eq!(id.digits(), "162021005521");
    }

    #[test]
    fn errors_are_specific() {
        assert_eq!(IdNumber::parse("811218-9875", 2026), Err(IdError::Check));
        assert_eq!(IdNumber::parse("8112189", 2026), Err(IdError::Length(7)));
        assert_eq!(
            IdNumber::parse("81121a-9876", 2026),
            Err(IdError::Characters)
        );
        // 31 February, with a correct Luhn digit.
        let nine = "810231123";
        let ten = format!("{nine}{}", luhn_check_digit(nine));
        assert_eq!(IdNumber::parse(&ten, 2026), Err(IdError::Date));
    }

    proptest! {
        #[test]
        fn generated_numbers_validate_and_one_digit_off_does_not(
            year in 1900i32..2025, month in 1u32..=12, day in 1u32..=28, serial in 0u32..1000, pos in 0usize..10, delta in 1u32..10
        ) {
            let nine = format!("{:02}{month:02}{day:02}{serial:03}", year % 100);
            let ten = format!("{nine}{}", luhn_check_digit(&nine));
            let twelve = format!("{}{}", year / 100, ten);
            let id = IdNumber::parse(&twelve, 2026).expect("generated number is valid");
            prop_assert_eq!(id.digits(), twelve.as_str());
            let mut bytes = ten.into_bytes();
            bytes[pos] = b'0' + ((u32::from(bytes[pos] - b'0') + delta) % 10) as u8;
            let typo = format!("{}{}", year / 100, String::from_utf8(bytes).expect("ascii"));
            prop_assert!(IdNumber::parse(&typo, 2026).is_err());
        }
    }
}
