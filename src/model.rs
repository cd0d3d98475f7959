//! Plain data types shared by the store, the workflow and the front ends.

use serde::{Deserialize, Serialize};

use crate::country::Country;

/// Database row id of a mailing.
pub type MailingId = i64;
/// Database row id of a party of a case.
pub type PartyId = i64;
/// Database row id of a document of a case.
pub type DocumentId = i64;
/// Database row id of a session.
pub type SessionId = i64;

macro_rules! text_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident = $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($(#[$vmeta])* $variant),+ }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The stable text used in the database, JSON and on the command line.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }

            /// Parses the stable text form.
            pub fn parse(s: &str) -> Option<Self> {
                match s { $($text => Some($name::$variant),)+ _ => None }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

text_enum! {
    /// What a user may do: caseworkers mail, leads also read their team's logs and break locks.
    Role { Caseworker = "caseworker", Lead = "lead" }
}

text_enum! {
    /// A party's part in a case.
    PartyRole {
        /// The insured person the case is about (sökande).
        Applicant = "applicant",
        /// Someone acting for the applicant (ombud).
        Representative = "representative",
        Employer = "employer",
        CareProvider = "care_provider",
    }
}

text_enum! {
    /// Where a mailing is in its life (DESIGN §2).
    MailingState {
        /// The case is locked, recipient chosen, documents are being attached.
        Draft = "draft",
        /// A print job exists; its sheets are being scanned back.
        Printed = "printed",
        /// Every required sheet of the current generation was scanned; ready to seal.
        Verified = "verified",
        Sealed = "sealed",
        Voided = "voided",
    }
}

impl MailingState {
    /// Open mailings hold their case's lock and block their caseworker from starting another.
    pub fn is_open(self) -> bool {
        matches!(self, Self::Draft | Self::Printed | Self::Verified)
    }
}

text_enum! {
    /// What one scan at sealing found.
    Verdict {
        /// A sheet of this mailing's current print, not seen before in this round.
        Ok = "ok",
        /// A sheet of this mailing already scanned in this round; harmless.
        Duplicate = "duplicate",
        /// A sheet of another mailing: the stack is mixed. Hard stop.
        Foreign = "foreign",
        /// A sheet of an earlier print of this mailing. Hard stop.
        Stale = "stale",
        /// A well-formed code that no mailing printed. Hard stop.
        Unknown = "unknown",
        /// Not a valid code (misread or mistyped): scan again.
        Mistyped = "mistyped",
    }
}

impl Verdict {
    /// Foreign, stale and unknown sheets are deviations: logged, and the stack is rescanned.
    pub fn is_deviation(self) -> bool {
        matches!(self, Self::Foreign | Self::Stale | Self::Unknown)
    }
}

text_enum! {
    /// How a code reached kuvert, when the front end can tell.
    ScanSource { Scanner = "scanner", Keyed = "keyed", Unspecified = "unspecified" }
}

text_enum! {
    /// Which sheets must be scanned back before sealing (config `verify`).
    VerifyPolicy { EverySheet = "every-sheet", CoverAndDocumentEnds = "cover-and-document-ends" }
}

text_enum! {
    /// What a printed sheet is.
    SheetKind {
        /// Sheet 1: address, enclosure list, the mailing's QR.
        Cover = "cover",
        /// The inner-envelope sheet of a mailing to a protected person.
        Inner = "inner",
        /// A page of an attached document.
        Document = "document",
    }
}

/// A registered user of kuvert.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct User {
    pub account: String,
    pub name: String,
    pub role: Role,
    pub team: String,
}

/// A postal address as printed in the window of the envelope.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Address {
    /// Name line(s) are printed from the party; this is the c/o line, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub care_of: Option<String>,
    pub street: String,
    /// In Sweden five digits, printed as `NNN NN`; abroad as written.
    pub postal_code: String,
    pub city: String,
    /// Sweden unless given: a letter abroad carries its country on the last line.
    #[serde(default)]
    pub country: Country,
}

impl Address {
    /// The lines below the name, in the order the destination's post reads them, no blank
    /// lines: c/o, street, postal code and town, and abroad the country in capitals.
    pub fn lines(&self) -> Vec<String> {
        let mut lines = Vec::with_capacity(4);
        if let Some(co) = self.care_of_name() {
            lines.push(format!("c/o {co}"));
        }
        lines.push(self.street.trim().to_owned());
        lines.push(self.postal_line());
        if !self.country.is_sweden() {
            lines.push(self.country.address_line());
        }
        lines
    }

    /// Whom the letter goes in care of, without a "c/o" the register already wrote; `None`
    /// when empty, so an empty `care_of` prints no line.
    pub fn care_of_name(&self) -> Option<&str> {
        let co = self.care_of.as_deref()?.trim();
        let co = match co.get(..3) {
            Some(prefix) if prefix.eq_ignore_ascii_case("c/o") => co[3..].trim_start(),
            _ => co,
        };
        (!co.is_empty()).then_some(co)
    }

    /// `111 22 STOCKHOLM` in Sweden; abroad the postal code and town as written.
    fn postal_line(&self) -> String {
        let code = self.postal_code.trim();
        let town = self.city.trim();
        if self.country.is_sweden() {
            format!("{} {}", format_postal_code(code), town.to_uppercase())
        } else if code.is_empty() {
            town.to_owned()
        } else if self.country.town_before_postcode() {
            format!("{town} {code}")
        } else {
            format!("{code} {town}")
        }
    }
}

/// A Swedish postal code: five digits, the first 1–9, with or without the space (`123 45`).
pub fn is_swedish_postal_code(code: &str) -> bool {
    let code = code.trim();
    let digits = match code.split_once(' ') {
        Some((first, rest)) if first.len() == 3 => format!("{first}{rest}"),
        Some(_) => return false,
        None => code.to_owned(),
    };
    digits.len() == 5 && digits.bytes().all(|b| b.is_ascii_digit()) && !digits.starts_with('0')
}

/// `12345` → `123 45`; anything else unchanged.
pub fn format_postal_code(code: &str) -> String {
    let digits: String = code.chars().filter(char::is_ascii_digit).collect();
    if digits.len() == 5 {
        format!("{} {}", &digits[..3], &digits[3..])
    } else {
        code.to_owned()
    }
}

/// A case as listed for a caseworker.
#[derive(Debug, Clone, Serialize)]
pub struct CaseSummary {
    pub case: String,
    pub benefit: String,
    pub team: String,
    /// Account holding the case's lock, if any.
    pub locked_by: Option<String>,
}

/// A party of a case. A protected party never carries an address.
#[derive(Debug, Clone, Serialize)]
pub struct Party {
    pub id: PartyId,
    pub role: PartyRole,
    pub name: String,
    /// The 12 stored digits; shown masked.
    #[serde(skip)]
    pub id_number: String,
    /// Masked personnummer or the organisationsnummer.
    pub id_masked: String,
    pub protected: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub address: Option<Address>,
}

/// A document of a case (metadata; the bytes stay in the store until printing).
#[derive(Debug, Clone, Serialize)]
pub struct Document {
    pub id: DocumentId,
    pub title: String,
    pub kind: String,
    pub date: String,
    /// The party the document concerns.
    pub subject: PartyId,
    pub pages: u32,
    pub sha256: String,
}

/// Who holds a case's lock.
#[derive(Debug, Clone, Serialize)]
pub struct LockInfo {
    pub account: String,
    pub name: String,
    pub since: String,
    pub mailing: MailingId,
}

/// A case with everything a caseworker needs to compose a mailing from it.
#[derive(Debug, Clone, Serialize)]
pub struct CaseDetail {
    pub case: String,
    pub benefit: String,
    pub team: String,
    pub lock: Option<LockInfo>,
    pub parties: Vec<Party>,
    pub documents: Vec<Document>,
}

impl CaseDetail {
    /// The party a document of this case concerns.
    pub fn party(&self, id: PartyId) -> Option<&Party> {
        self.parties.iter().find(|p| p.id == id)
    }

    /// The role of the party a document concerns, for "concerns the employer" texts.
    pub fn subject_role(&self, document: DocumentId) -> Option<PartyRole> {
        let d = self.documents.iter().find(|d| d.id == document)?;
        self.party(d.subject).map(|p| p.role)
    }
}

/// One attached document of a mailing.
#[derive(Debug, Clone, Serialize)]
pub struct Enclosure {
    pub document: DocumentId,
    pub title: String,
    pub kind: String,
    pub date: String,
    pub pages: u32,
    pub subject: PartyId,
    /// The caseworker confirmed sending a document about someone other than the recipient.
    pub confirmed_other_subject: bool,
}

/// A mailing as the caseworker sees it.
#[derive(Debug, Clone, Serialize)]
pub struct MailingStatus {
    pub mailing: MailingId,
    pub state: MailingState,
    pub case: String,
    pub recipient: PartyId,
    pub recipient_role: PartyRole,
    pub recipient_protected: bool,
    pub enclosures: Vec<Enclosure>,
    /// Current print generation; 0 before the first print.
    pub generation: u32,
    /// Sheets of the current print, cover included; 0 before printing.
    pub sheets: u32,
    /// Sheets the verification policy requires to be scanned.
    pub required: u32,
    /// Required sheets scanned in the current round.
    pub seen: u32,
    /// Sheet numbers (1-based) scanned in the current round.
    pub seen_sheets: Vec<u32>,
    /// The print job of the current generation.
    pub pdf: Option<String>,
    pub started: String,
}

/// The result of one scan.
#[derive(Debug, Clone, Serialize)]
pub struct ScanOutcome {
    pub verdict: Verdict,
    /// Sheet number of the code, when it is a sheet of this mailing.
    pub sheet: Option<u32>,
    pub seen: u32,
    pub sheets: u32,
    pub required: u32,
    pub state: MailingState,
    /// For a foreign sheet: the case number the sheet belongs to (never a name).
    pub other_case: Option<String>,
    /// For a foreign sheet: the state of the mailing it belongs to, when scanned.
    pub other_state: Option<MailingState>,
    /// A foreign sheet of a mailing already sealed: its envelope went out without this sheet
    /// (or the sheet was copied), a possible personal-data incident for the team lead.
    pub other_sealed: bool,
    /// For a mistyped code: what is wrong with it.
    pub problem: Option<String>,
    /// The print the scan was counted against, and its sheets seen in the round after the
    /// scan: what a screen showing the mailing needs to follow it without reading it again.
    #[serde(skip)]
    pub generation: u32,
    #[serde(skip)]
    pub seen_sheets: Vec<u32>,
}

/// The result of printing.
#[derive(Debug, Clone, Serialize)]
pub struct PrintOutcome {
    pub mailing: MailingId,
    pub state: MailingState,
    pub pdf: String,
    pub sheets: u32,
    pub generation: u32,
    /// The printer's job id (CUPS `request id`), when a printer is configured.
    pub printer_job: Option<String>,
}

/// A printed mailing waiting for its envelope to be verified and sealed (the station's list).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AwaitingSeal {
    pub mailing: MailingId,
    pub case: String,
    pub state: MailingState,
    pub printed_by: String,
    pub printed: String,
    pub sheets: u32,
}

/// A sheet of one of the user's sealed mailings that turned up in another envelope: the owner
/// is told (start screen, `mail status`), since their envelope went out without it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StraySheet {
    /// The user's own mailing the sheet belongs to.
    pub mailing: MailingId,
    /// Its case number.
    pub case: String,
    /// The sheet's number (1 = cover sheet) and print generation.
    pub sheet: u32,
    pub generation: u32,
    /// The mailing and case in whose stack the sheet was scanned.
    pub found_in_mailing: MailingId,
    pub found_in_case: String,
    /// When it was scanned there (stored UTC timestamp).
    pub time: String,
}

/// What registering a user did to the server's logins.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LoginGrant {
    /// A database file: the user is the operating system's account, nothing to grant.
    NotOnServer,
    /// The login is a member of `group` now; `created` when kuvert created the login.
    Granted { group: String, created: bool },
    /// This connection may not do it: the statement IT must run, ready to paste.
    ForIt { statement: String },
}

#[cfg(test)]
mod tests {
    use super::*;

    fn address(postal_code: &str, city: &str, country: &str) -> Address {
        Address {
            care_of: None,
            street: "Gatan 1".into(),
            postal_code: postal_code.into(),
            city: city.into(),
            country: Country::parse(country).expect("a country"),
        }
    }

    #[test]
    fn swedish_postal_codes_are_five_digits_not_starting_with_zero() {
        for ok in ["11122", "111 22", "98132", " 123 45 "] {
            assert!(is_swedish_postal_code(ok), "{ok}");
        }
        for bad in [
            "01234",
            "012 34",
            "1234",
            "123456",
            "12 345",
            "1 2 3 4 5",
            "SE-11122",
            "",
        ] {
            assert!(!is_swedish_postal_code(bad), "{bad}");
        }
    }

    #[test]
    fn a_foreign_address_is_printed_as_written_with_its_country_last() {
        let lines = |a: Address| a.lines()[1..].to_vec();
        assert_eq!(
            lines(address("11122", "Stockholm", "SE")),
            ["111 22 STOCKHOLM"]
        );
        assert_eq!(
            lines(address("00100", "Helsinki", "FI")),
            ["00100 Helsinki", "FINLAND"]
        );
        assert_eq!(
            lines(address("10117", "Berlin", "Tyskland")),
            ["10117 Berlin", "TYSKLAND"]
        );
        assert_eq!(lines(address("0150", "Oslo", "NO")), ["0150 Oslo", "NORGE"]);
        assert_eq!(
            lines(address("SW1A 1AA", "London", "GB")),
            ["London SW1A 1AA", "STORBRITANNIEN"]
        );
        assert_eq!(lines(address("", "Dublin 2", "IE")), ["Dublin 2", "IRLAND"]);
    }

    #[test]
    fn care_of_is_printed_once_and_not_when_empty() {
        let mut a = address("11122", "Stockholm", "SE");
        for (given, shown) in [
            ("Svensson", Some("Svensson")),
            ("c/o Svensson", Some("Svensson")),
            ("C/O Svensson", Some("Svensson")),
            ("c/oSvensson", Some("Svensson")),
            ("", None),
            ("   ", None),
            ("c/o", None),
        ] {
            a.care_of = Some(given.into());
            assert_eq!(a.care_of_name(), shown, "{given:?}");
            let co_lines = a.lines().iter().filter(|l| l.starts_with("c/o")).count();
            assert_eq!(co_lines, usize::from(shown.is_some()), "{given:?}");
        }
        a.care_of = Some("c/o Svensson".into());
        assert_eq!(a.lines()[0], "c/o Svensson");
    }
}
