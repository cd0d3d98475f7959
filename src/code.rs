//! Sheet codes: the text a barcode scanner reads back from every printed sheet.
//!
//! Layout (20 characters, `A–Z0–9` only, so that any keyboard layout a scanner emulates types
//! it right and a version-1 QR holds it in alphanumeric mode):
//!
//! ```text
//! KV1 TTTTTTTTTTTTT G SS C
//! │   │             │ │  └ check character (Damm, order 36) over everything before it
//! │   │             │ └ sheet number, base 36 (1..=1295)
//! │   │             └ print generation, base 36 (1..=35)
//! │   └ mailing token: a random u64 in base 36 (unguessable, no personal data)
//! └ version prefix
//! ```

use std::fmt;

/// Version prefix of every code kuvert prints.
pub const PREFIX: &str = "KV1";
/// Length of a complete code.
pub const CODE_LEN: usize = 20;
const TOKEN_LEN: usize = 13;
/// Highest print generation a code can carry (one base-36 character).
pub const MAX_GENERATION: u32 = 35;
/// Highest sheet number a code can carry (two base-36 characters).
pub const MAX_SHEET: u32 = 36 * 36 - 1;

const ALPHABET: &[u8; 36] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";

/// The random part of a mailing's codes. 64 bits from the OS: a code can be neither guessed
/// nor enumerated from another one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct MailingToken(pub u64);

impl MailingToken {
    /// A fresh token from the operating system's random source.
    pub fn random() -> Result<Self, getrandom::Error> {
        let mut bytes = [0u8; 8];
        getrandom::fill(&mut bytes)?;
        Ok(Self(u64::from_le_bytes(bytes)))
    }

    /// The fixed-width base-36 form stored in the database and printed in codes.
    pub fn to_base36(self) -> String {
        let mut out = [b'0'; TOKEN_LEN];
        let mut v = self.0;
        for slot in out.iter_mut().rev() {
            *slot = ALPHABET[(v % 36) as usize];
            v /= 36;
        }
        out.iter().map(|&b| b as char).collect()
    }

    /// Parses the 13-character form; `None` if it is not base 36 or does not fit 64 bits.
    pub fn from_base36(s: &str) -> Option<Self> {
        if s.len() != TOKEN_LEN {
            return None;
        }
        let mut v: u64 = 0;
        for c in s.chars() {
            let d = digit_value(c)? as u64;
            v = v.checked_mul(36)?.checked_add(d)?;
        }
        Some(Self(v))
    }
}

/// One sheet of one print generation of one mailing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct SheetCode {
    pub token: MailingToken,
    pub generation: u32,
    pub sheet: u32,
}

/// What is kept of a scanned line, whatever a scanner or a hand typed: trimmed, without
/// control characters, at most 40 characters, upper case. Bounded, so no input can grow the
/// log; the verdict still comes from decoding the line as typed.
pub fn normalise_scan(input: &str) -> String {
    input
        .trim()
        .chars()
        .filter(|c| !c.is_control())
        .take(40)
        .collect::<String>()
        .to_uppercase()
}

/// True when a scanned text is meant as a kuvert code at all (it starts with the code's
/// `KV`), however misread; false for another system's barcode (an EAN, a parcel label), which
/// is "not a kuvert code" rather than "misread".
pub fn is_kuvert_code(input: &str) -> bool {
    normalise_scan(input).starts_with("KV")
}

/// True when a text holds something that looks like a sheet code (a word of at least ten
/// letters and digits starting with `KV1`): a reason typed into a prompt must never be one,
/// since that is a scanner's burst that landed in the wrong field.
pub fn contains_sheet_code(text: &str) -> bool {
    text.split(|c: char| !c.is_ascii_alphanumeric())
        .any(|w| w.len() >= 10 && w.to_ascii_uppercase().starts_with(PREFIX))
}

/// Why a scanned text is not a valid code. All of these are reported to the caseworker as
/// "mistyped": the text was mangled on the way, it is not evidence of a foreign sheet.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CodeError {
    #[error("a sheet code has {CODE_LEN} characters, this has {0}")]
    Length(usize),
    #[error("a sheet code has only the letters A–Z and digits 0–9")]
    Characters,
    #[error("a sheet code starts with {PREFIX}")]
    Prefix,
    #[error("the check character does not match: the code was misread or mistyped")]
    Check,
    #[error("the code's numbers are out of range")]
    Range,
}

impl SheetCode {
    /// Builds a code; `None` when generation or sheet do not fit the code's fields.
    pub fn new(token: MailingToken, generation: u32, sheet: u32) -> Option<Self> {
        ((1..=MAX_GENERATION).contains(&generation) && (1..=MAX_SHEET).contains(&sheet)).then_some(
            Self {
                token,
                generation,
                sheet,
            },
        )
    }

    /// The printed (and QR-encoded) text of the code.
    pub fn encode(&self) -> String {
        let mut body = String::with_capacity(CODE_LEN);
        body.push_str(PREFIX);
        body.push_str(&self.token.to_base36());
        body.push(ALPHABET[self.generation as usize] as char);
        body.push(ALPHABET[(self.sheet / 36) as usize] as char);
        body.push(ALPHABET[(self.sheet % 36) as usize] as char);
        body.push(check_char(&body));
        body
    }

    /// Reads a code as a scanner or a caseworker typed it: surrounding whitespace and letter
    /// case (Caps Lock, a scanner on another layout) do not matter.
    pub fn decode(input: &str) -> Result<Self, CodeError> {
        let text = input.trim().to_ascii_uppercase();
        let chars = text.chars().count();
        if chars != CODE_LEN {
            return Err(CodeError::Length(chars));
        }
        if !text
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
        {
            return Err(CodeError::Characters);
        }
        // The check comes before the field checks, so that a typo anywhere (prefix included)
        // is reported as a misread code rather than as some other defect.
        let (body, check) = text.split_at(CODE_LEN - 1);
        if !check.starts_with(check_char(body)) {
            return Err(CodeError::Check);
        }
        if !body.starts_with(PREFIX) {
            return Err(CodeError::Prefix);
        }
        let token = MailingToken::from_base36(&body[3..3 + TOKEN_LEN]).ok_or(CodeError::Range)?;
        let mut digits = body[3 + TOKEN_LEN..].chars().filter_map(digit_value);
        let (Some(g), Some(s1), Some(s2)) = (digits.next(), digits.next(), digits.next()) else {
            return Err(CodeError::Characters);
        };
        Self::new(token, g, s1 * 36 + s2).ok_or(CodeError::Range)
    }
}

impl fmt::Display for SheetCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.encode())
    }
}

fn digit_value(c: char) -> Option<u32> {
    c.to_digit(36)
}

/// The check character: a Damm check over a totally anti-symmetric quasigroup of order 36,
/// so that *every* single substitution and *every* transposition of neighbours is caught
/// (ISO 7064 MOD 37-36, the usual choice, misses some transpositions; its pure cousin needs a
/// 37th symbol that a scanner on another keyboard layout might mistype).
///
/// The quasigroup is the direct product of two with zero diagonal: `x∘y = α·(x+y)` over
/// GF(4) (α a generator) and `x∘y = y−x` over Z/9. Each is totally anti-symmetric
/// (`(c∘x)∘y = (c∘y)∘x ⇒ x = y`), and so is their product. A character `v` is the pair
/// `(v / 9, v % 9)`; the check is the interim value, since `c∘c = 0`.
fn check_char(body: &str) -> char {
    let interim = body
        .chars()
        .fold(0, |interim, c| step(interim, digit_value(c).unwrap_or(0)));
    ALPHABET[interim as usize] as char
}

/// `interim ∘ v` in the quasigroup above.
fn step(interim: u32, v: u32) -> u32 {
    const TIMES_ALPHA: [u32; 4] = [0, 2, 3, 1]; // multiplication by α in GF(4) = {0, 1, α, α+1}
    let r4 = TIMES_ALPHA[((interim / 9) ^ (v / 9)) as usize];
    let r9 = (v % 9 + 9 - interim % 9) % 9;
    9 * r4 + r9
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn code(token: u64, generation: u32, sheet: u32) -> SheetCode {
        SheetCode::new(MailingToken(token), generation, sheet).expect("valid fields")
    }

    #[test]
    fn layout_is_twenty_alphanumerics_with_prefix() {
        let text = code(u64::MAX, 35, MAX_SHEET).encode();
        assert_eq!(text.len(), CODE_LEN);
        assert!(text.starts_with("KV1"));
        assert!(
            text.bytes()
                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
        );
        assert_eq!(code(0, 1, 1).encode()[3..16], *"0000000000000");
    }

    #[test]
    fn decoding_ignores_case_and_whitespace() {
        let c = code(0x1234_5678_9abc_def0, 2, 7);
        let typed = format!("  {}\t\n", c.encode().to_lowercase());
        assert_eq!(SheetCode::decode(&typed), Ok(c));
    }

    #[test]
    fn malformed_input_is_named() {
        assert_eq!(SheetCode::decode(""), Err(CodeError::Length(0)));
        assert_eq!(
            SheetCode::decode("KV1-000000000000011X"),
            Err(CodeError::Characters)
        );
        assert_eq!(SheetCode::decode("ÅÄÖ"), Err(CodeError::Length(3)));
        // A well-formed check over a wrong prefix is still refused.
        let mut body = String::from("XX1000000000000011");
        body.push('1');
        let full = format!("{body}{}", check_char(&body));
        assert_eq!(SheetCode::decode(&full), Err(CodeError::Prefix));
    }

    #[test]
    fn fields_out_of_range_are_refused() {
        assert!(SheetCode::new(MailingToken(1), 0, 1).is_none());
        assert!(SheetCode::new(MailingToken(1), 36, 1).is_none());
        assert!(SheetCode::new(MailingToken(1), 1, 0).is_none());
        // A token of 13 Z's does not fit 64 bits.
        let body = format!("KV1{}101", "Z".repeat(13));
        let full = format!("{body}{}", check_char(&body));
        assert_eq!(SheetCode::decode(&full), Err(CodeError::Range));
    }

    #[test]
    fn the_quasigroup_is_totally_anti_symmetric_with_zero_diagonal() {
        for x in 0..36 {
            assert_eq!(step(x, x), 0);
            let row: std::collections::HashSet<u32> = (0..36).map(|y| step(x, y)).collect();
            let col: std::collections::HashSet<u32> = (0..36).map(|y| step(y, x)).collect();
            assert_eq!((row.len(), col.len()), (36, 36), "a Latin square");
        }
        for c in 0..36 {
            for x in 0..36 {
                for y in 0..36 {
                    if x != y {
                        assert_ne!(step(step(c, x), y), step(step(c, y), x), "{c} {x} {y}");
                    }
                }
            }
        }
    }

    proptest! {
        #[test]
        fn round_trip(token in any::<u64>(), generation in 1..=MAX_GENERATION, sheet in 1..=MAX_SHEET) {
            let c = code(token, generation, sheet);
            prop_assert_eq!(SheetCode::decode(&c.encode()), Ok(c));
        }

        #[test]
        fn every_substitution_is_detected(token in any::<u64>(), generation in 1..=MAX_GENERATION,
                                          sheet in 1..=MAX_SHEET, pos in 0..CODE_LEN, with in 0usize..36) {
            let text = code(token, generation, sheet).encode();
            let mut bytes = text.clone().into_bytes();
            prop_assume!(bytes[pos] != ALPHABET[with]);
            bytes[pos] = ALPHABET[with];
            let typo = String::from_utf8(bytes).expect("ascii");
            prop_assert!(SheetCode::decode(&typo).is_err(), "{} → {} accepted", text, typo);
        }

        #[test]
        fn every_adjacent_transposition_is_detected(token in any::<u64>(), generation in 1..=MAX_GENERATION,
                                                    sheet in 1..=MAX_SHEET, pos in 0..CODE_LEN - 1) {
            let text = code(token, generation, sheet).encode();
            let mut bytes = text.clone().into_bytes();
            prop_assume!(bytes[pos] != bytes[pos + 1]);
            bytes.swap(pos, pos + 1);
            let typo = String::from_utf8(bytes).expect("ascii");
            prop_assert!(SheetCode::decode(&typo).is_err(), "{} → {} accepted", text, typo);
        }
    }

    /// The property tests sample; this walks every substitution and transposition of a few
    /// codes exhaustively.
    #[test]
    fn exhaustive_single_errors_on_sample_codes() {
        for c in [
            code(0, 1, 1),
            code(u64::MAX, 35, MAX_SHEET),
            code(0xDEAD_BEEF, 3, 42),
        ] {
            let text = c.encode().into_bytes();
            for pos in 0..CODE_LEN {
                for &with in ALPHABET {
                    if with == text[pos] {
                        continue;
                    }
                    let mut typo = text.clone();
                    typo[pos] = with;
                    let typo = String::from_utf8(typo).expect("ascii");
                    assert!(SheetCode::decode(&typo).is_err(), "{typo}");
                }
                if pos + 1 < CODE_LEN && text[pos] != text[pos + 1] {
                    let mut typo = text.clone();
                    typo.swap(pos, pos + 1);
                    let typo = String::from_utf8(typo).expect("ascii");
                    assert!(SheetCode::decode(&typo).is_err(), "{typo}");
                }
            }
        }
    }

    #[test]
    fn kuvert_codes_and_other_barcodes_are_told_apart() {
        assert!(is_kuvert_code(" kv10000000000000111z\n"));
        assert!(is_kuvert_code("KV1"));
        assert!(!is_kuvert_code("4006381333931"), "an EAN-13");
        assert!(!is_kuvert_code("(00)340123450000000000"), "a parcel label");
        assert!(contains_sheet_code("MAKULERAD: KV10HUO45PSNQYBE2022"));
        assert!(contains_sheet_code("kv10huo45psnqybe2022"));
        assert!(!contains_sheet_code("fel mottagare, se KV-rutinen"));
        assert!(!contains_sheet_code("papperstrassel"));
    }
}
