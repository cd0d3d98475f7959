//! Countries of postal addresses: ISO 3166-1 alpha-2 codes and their Swedish names.
//!
//! A letter abroad needs the destination country, in capitals, alone on the last line
//! (PostNord's rule for mail from Sweden). The register sends either the ISO code or the
//! Swedish name; kuvert stores the code and prints the name.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Every ISO 3166-1 country with its Swedish name, sorted by code.
///
/// Generated once from the Unicode CLDR `sv` locale's territory names
/// (unicode-org/cldr-json, `cldr-json/cldr-localenames-full/main/sv/territories.json`,
/// commit 74ce16139e5ecac7982552e3e54a626c2f623aa7), keeping the 249 codes ISO 3166-1
/// assigns (CLDR's regions, `EU`, `UN`, `AC`, `CP`, `DG`, `EA`, `IC`, `TA`, `QO`,
/// `XA`, `XB` and `ZZ` left out), and `XK` Kosovo: not ISO's, but the code the EU, SCB and
/// Skatteverket use for a country Sweden recognises, whose residents the agency pays. Three names are CLDR's short form, since that is what goes
/// on an envelope: `HK` Hongkong, `MO` Macao, `MM` Myanmar.
const COUNTRIES: &[(&str, &str)] = &[
    ("AD", "Andorra"),
    ("AE", "Förenade Arabemiraten"),
    ("AF", "Afghanistan"),
    ("AG", "Antigua och Barbuda"),
    ("AI", "Anguilla"),
    ("AL", "Albanien"),
    ("AM", "Armenien"),
    ("AO", "Angola"),
    ("AQ", "Antarktis"),
    ("AR", "Argentina"),
    ("AS", "Amerikanska Samoa"),
    ("AT", "Österrike"),
    ("AU", "Australien"),
    ("AW", "Aruba"),
    ("AX", "Åland"),
    ("AZ", "Azerbajdzjan"),
    ("BA", "Bosnien och Hercegovina"),
    ("BB", "Barbados"),
    ("BD", "Bangladesh"),
    ("BE", "Belgien"),
    ("BF", "Burkina Faso"),
    ("BG", "Bulgarien"),
    ("BH", "Bahrain"),
    ("BI", "Burundi"),
    ("BJ", "Benin"),
    ("BL", "S:t Barthélemy"),
    ("BM", "Bermuda"),
    ("BN", "Brunei"),
    ("BO", "Bolivia"),
    ("BQ", "Karibiska Nederländerna"),
    ("BR", "Brasilien"),
    ("BS", "Bahamas"),
    ("BT", "Bhutan"),
    ("BV", "Bouvetön"),
    ("BW", "Botswana"),
    ("BY", "Belarus"),
    ("BZ", "Belize"),
    ("CA", "Kanada"),
    ("CC", "Kokosöarna"),
    ("CD", "Kongo-Kinshasa"),
    ("CF", "Centralafrikanska republiken"),
    ("CG", "Kongo-Brazzaville"),
    ("CH", "Schweiz"),
    ("CI", "Elfenbenskusten"),
    ("CK", "Cooköarna"),
    ("CL", "Chile"),
    ("CM", "Kamerun"),
    ("CN", "Kina"),
    ("CO", "Colombia"),
    ("CR", "Costa Rica"),
    ("CU", "Kuba"),
    ("CV", "Kap Verde"),
    ("CW", "Curaçao"),
    ("CX", "Julön"),
    ("CY", "Cypern"),
    ("CZ", "Tjeckien"),
    ("DE", "Tyskland"),
    ("DJ", "Djibouti"),
    ("DK", "Danmark"),
    ("DM", "Dominica"),
    ("DO", "Dominikanska republiken"),
    ("DZ", "Algeriet"),
    ("EC", "Ecuador"),
    ("EE", "Estland"),
    ("EG", "Egypten"),
    ("EH", "Västsahara"),
    ("ER", "Eritrea"),
    ("ES", "Spanien"),
    ("ET", "Etiopien"),
    ("FI", "Finland"),
    ("FJ", "Fiji"),
    ("FK", "Falklandsöarna"),
    ("FM", "Mikronesien"),
    ("FO", "Färöarna"),
    ("FR", "Frankrike"),
    ("GA", "Gabon"),
    ("GB", "Storbritannien"),
    ("GD", "Grenada"),
    ("GE", "Georgien"),
    ("GF", "Franska Guyana"),
    ("GG", "Guernsey"),
    ("GH", "Ghana"),
    ("GI", "Gibraltar"),
    ("GL", "Grönland"),
    ("GM", "Gambia"),
    ("GN", "Guinea"),
    ("GP", "Guadeloupe"),
    ("GQ", "Ekvatorialguinea"),
    ("GR", "Grekland"),
    ("GS", "Sydgeorgien och Sydsandwichöarna"),
    ("GT", "Guatemala"),
    ("GU", "Guam"),
    ("GW", "Guinea-Bissau"),
    ("GY", "Guyana"),
    ("HK", "Hongkong"),
    ("HM", "Heardön och McDonaldöarna"),
    ("HN", "Honduras"),
    ("HR", "Kroatien"),
    ("HT", "Haiti"),
    ("HU", "Ungern"),
    ("ID", "Indonesien"),
    ("IE", "Irland"),
    ("IL", "Israel"),
    ("IM", "Isle of Man"),
    ("IN", "Indien"),
    ("IO", "Brittiska territoriet i Indiska oceanen"),
    ("IQ", "Irak"),
    ("IR", "Iran"),
    ("IS", "Island"),
    ("IT", "Italien"),
    ("JE", "Jersey"),
    ("JM", "Jamaica"),
    ("JO", "Jordanien"),
    ("JP", "Japan"),
    ("KE", "Kenya"),
    ("KG", "Kirgizistan"),
    ("KH", "Kambodja"),
    ("KI", "Kiribati"),
    ("KM", "Komorerna"),
    ("KN", "S:t Kitts och Nevis"),
    ("KP", "Nordkorea"),
    ("KR", "Sydkorea"),
    ("KW", "Kuwait"),
    ("KY", "Caymanöarna"),
    ("KZ", "Kazakstan"),
    ("LA", "Laos"),
    ("LB", "Libanon"),
    ("LC", "S:t Lucia"),
    ("LI", "Liechtenstein"),
    ("LK", "Sri Lanka"),
    ("LR", "Liberia"),
    ("LS", "Lesotho"),
    ("LT", "Litauen"),
    ("LU", "Luxemburg"),
    ("LV", "Lettland"),
    ("LY", "Libyen"),
    ("MA", "Marocko"),
    ("MC", "Monaco"),
    ("MD", "Moldavien"),
    ("ME", "Montenegro"),
    ("MF", "Saint-Martin"),
    ("MG", "Madagaskar"),
    ("MH", "Marshallöarna"),
    ("MK", "Nordmakedonien"),
    ("ML", "Mali"),
    ("MM", "Myanmar"),
    ("MN", "Mongoliet"),
    ("MO", "Macao"),
    ("MP", "Nordmarianerna"),
    ("MQ", "Martinique"),
    ("MR", "Mauretanien"),
    ("MS", "Montserrat"),
    ("MT", "Malta"),
    ("MU", "Mauritius"),
    ("MV", "Maldiverna"),
    ("MW", "Malawi"),
    ("MX", "Mexiko"),
    ("MY", "Malaysia"),
    ("MZ", "Moçambique"),
    ("NA", "Namibia"),
    ("NC", "Nya Kaledonien"),
    ("NE", "Niger"),
    ("NF", "Norfolkön"),
    ("NG", "Nigeria"),
    ("NI", "Nicaragua"),
    ("NL", "Nederländerna"),
    ("NO", "Norge"),
    ("NP", "Nepal"),
    ("NR", "Nauru"),
    ("NU", "Niue"),
    ("NZ", "Nya Zeeland"),
    ("OM", "Oman"),
    ("PA", "Panama"),
    ("PE", "Peru"),
    ("PF", "Franska Polynesien"),
    ("PG", "Papua Nya Guinea"),
    ("PH", "Filippinerna"),
    ("PK", "Pakistan"),
    ("PL", "Polen"),
    ("PM", "S:t Pierre och Miquelon"),
    ("PN", "Pitcairnöarna"),
    ("PR", "Puerto Rico"),
    ("PS", "Palestinska territorierna"),
    ("PT", "Portugal"),
    ("PW", "Palau"),
    ("PY", "Paraguay"),
    ("QA", "Qatar"),
    ("RE", "Réunion"),
    ("RO", "Rumänien"),
    ("RS", "Serbien"),
    ("RU", "Ryssland"),
    ("RW", "Rwanda"),
    ("SA", "Saudiarabien"),
    ("SB", "Salomonöarna"),
    ("SC", "Seychellerna"),
    ("SD", "Sudan"),
    ("SE", "Sverige"),
    ("SG", "Singapore"),
    ("SH", "S:t Helena"),
    ("SI", "Slovenien"),
    ("SJ", "Svalbard och Jan Mayen"),
    ("SK", "Slovakien"),
    ("SL", "Sierra Leone"),
    ("SM", "San Marino"),
    ("SN", "Senegal"),
    ("SO", "Somalia"),
    ("SR", "Surinam"),
    ("SS", "Sydsudan"),
    ("ST", "São Tomé och Príncipe"),
    ("SV", "El Salvador"),
    ("SX", "Sint Maarten"),
    ("SY", "Syrien"),
    ("SZ", "Eswatini"),
    ("TC", "Turks- och Caicosöarna"),
    ("TD", "Tchad"),
    ("TF", "Franska sydterritorierna"),
    ("TG", "Togo"),
    ("TH", "Thailand"),
    ("TJ", "Tadzjikistan"),
    ("TK", "Tokelauöarna"),
    ("TL", "Östtimor"),
    ("TM", "Turkmenistan"),
    ("TN", "Tunisien"),
    ("TO", "Tonga"),
    ("TR", "Turkiet"),
    ("TT", "Trinidad och Tobago"),
    ("TV", "Tuvalu"),
    ("TW", "Taiwan"),
    ("TZ", "Tanzania"),
    ("UA", "Ukraina"),
    ("UG", "Uganda"),
    ("UM", "USA:s yttre öar"),
    ("US", "USA"),
    ("UY", "Uruguay"),
    ("UZ", "Uzbekistan"),
    ("VA", "Vatikanstaten"),
    ("VC", "S:t Vincent och Grenadinerna"),
    ("VE", "Venezuela"),
    ("VG", "Brittiska Jungfruöarna"),
    ("VI", "Amerikanska Jungfruöarna"),
    ("VN", "Vietnam"),
    ("VU", "Vanuatu"),
    ("WF", "Wallis- och Futunaöarna"),
    ("WS", "Samoa"),
    ("XK", "Kosovo"),
    ("YE", "Jemen"),
    ("YT", "Mayotte"),
    ("ZA", "Sydafrika"),
    ("ZM", "Zambia"),
    ("ZW", "Zimbabwe"),
];

/// Other Swedish names the registers write: CLDR's variants (`-alt-variant`, `-alt-short`)
/// and the names Regeringskansliet uses in its country list.
const OTHER_NAMES: &[(&str, &str)] = &[
    ("CD", "Demokratiska republiken Kongo"),
    ("CG", "Republiken Kongo"),
    ("CI", "Côte d’Ivoire"),
    ("CI", "Côte d'Ivoire"),
    ("GB", "Förenade kungariket"),
    ("GB", "Storbritannien och Nordirland"),
    ("HK", "Hongkong SAR"),
    ("IO", "Chagosöarna"),
    ("MM", "Myanmar (Burma)"),
    ("MM", "Burma"),
    ("MO", "Macao SAR"),
    ("NZ", "Aotearoa Nya Zeeland"),
    ("PS", "Palestina"),
    ("TL", "Timor-Leste"),
    ("US", "Förenta staterna"),
    ("US", "Amerikas förenta stater"),
];

/// Countries whose post writes the town before the postcode (`LONDON SW1A 1AA`), as their
/// postal services ask; everywhere else the postcode comes first (`0150 Oslo`).
const TOWN_BEFORE_POSTCODE: &[&str] = &["AU", "CA", "GB", "IE", "US"];

/// A country of an address, by its ISO 3166-1 alpha-2 code. Sweden when none is given.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Country {
    code: &'static str,
    name: &'static str,
}

impl Default for Country {
    fn default() -> Self {
        Self::SWEDEN
    }
}

impl Country {
    /// Sweden: an address without a country is Swedish.
    pub const SWEDEN: Country = Country {
        code: "SE",
        name: "Sverige",
    };

    /// The country of a stored alpha-2 code (`"DE"`); `None` for a code ISO does not assign.
    pub fn from_code(code: &str) -> Option<Self> {
        COUNTRIES
            .binary_search_by(|(c, _)| (*c).cmp(code))
            .ok()
            .map(Self::at)
    }

    fn at(i: usize) -> Self {
        let (code, name) = COUNTRIES[i];
        Self { code, name }
    }

    /// What a register may write: an alpha-2 code or a Swedish name, in either case
    /// (`"de"`, `"TYSKLAND"`, `"Förenta staterna"`).
    pub fn parse(text: &str) -> Option<Self> {
        let text = text.trim();
        if text.len() == 2 && text.chars().all(|c| c.is_ascii_alphabetic()) {
            return Self::from_code(&text.to_ascii_uppercase());
        }
        Self::by_name(text)
    }

    /// The country of a Swedish name exactly (ignoring case), not a code.
    fn by_name(name: &str) -> Option<Self> {
        let wanted = name.trim().to_lowercase();
        COUNTRIES
            .iter()
            .chain(OTHER_NAMES)
            .find(|(_, n)| n.to_lowercase() == wanted)
            .and_then(|(code, _)| Self::from_code(code))
    }

    /// The alpha-2 code, as stored and in JSON.
    pub fn code(self) -> &'static str {
        self.code
    }

    /// The Swedish name (`Tyskland`), for screens.
    pub fn swedish_name(self) -> &'static str {
        self.name
    }

    /// The last line of a foreign address: the Swedish name in capitals (`TYSKLAND`).
    pub fn address_line(self) -> String {
        self.name.to_uppercase()
    }

    /// Mail to Sweden is domestic: Swedish postal codes, no country line.
    pub fn is_sweden(self) -> bool {
        self == Self::SWEDEN
    }

    /// The destination's post writes the town before the postcode.
    pub fn town_before_postcode(self) -> bool {
        TOWN_BEFORE_POSTCODE.contains(&self.code)
    }

    /// A country's Swedish name typed at the end of a town (`"Berlin, Tyskland"`,
    /// `"Oslo NORGE"`): the country belongs in its own field, or the letter is sorted as
    /// Swedish mail. Returns the country named and whether a comma set it off. A town that
    /// is only a country's name (`Singapore`, `Luxemburg`) is not one.
    pub fn named_at_end_of(town: &str) -> Option<(Country, bool)> {
        let town = town.trim();
        // After a comma the whole rest is the candidate ("Newark, New Jersey" is a state).
        if let Some((before, after)) = town.rsplit_once(',')
            && !before.trim().is_empty()
        {
            return Self::by_name(after).map(|country| (country, true));
        }
        let words: Vec<&str> = town.split_whitespace().collect();
        // The longest ending first: "Papua Nya Guinea" before "Guinea".
        (1..words.len().min(5))
            .rev()
            .find_map(|n| Self::by_name(&words[words.len() - n..].join(" ")))
            .map(|country| (country, false))
    }
}

impl std::fmt::Display for Country {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.code)
    }
}

impl Serialize for Country {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.code)
    }
}

impl<'de> Deserialize<'de> for Country {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        Self::parse(&text).ok_or_else(|| {
            serde::de::Error::custom(format!(
                "'{text}' is not a country (an ISO 3166-1 code such as DE, or the Swedish name)"
            ))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_is_iso_3166_1_sorted_by_code() {
        assert_eq!(
            COUNTRIES.len(),
            250,
            "ISO 3166-1's 249 alpha-2 codes and XK"
        );
        assert!(COUNTRIES.windows(2).all(|w| w[0].0 < w[1].0));
        assert!(
            COUNTRIES
                .iter()
                .all(|(c, _)| c.len() == 2 && c.chars().all(|c| c.is_ascii_uppercase()))
        );
        assert!(
            OTHER_NAMES
                .iter()
                .all(|(c, _)| Country::from_code(c).is_some())
        );
    }

    #[test]
    fn codes_and_swedish_names_in_either_case() {
        for (text, code) in [
            ("XK", "XK"),
            ("Kosovo", "XK"),
            ("DE", "DE"),
            ("de", "DE"),
            ("Tyskland", "DE"),
            ("TYSKLAND", "DE"),
            ("norge", "NO"),
            ("Danmark", "DK"),
            ("FINLAND", "FI"),
            ("Storbritannien", "GB"),
            ("NEDERLÄNDERNA", "NL"),
            ("nederländerna", "NL"),
            ("USA", "US"),
            ("FÖRENTA STATERNA", "US"),
            ("Sverige", "SE"),
            ("se", "SE"),
            (" Österrike ", "AT"),
        ] {
            assert_eq!(
                Country::parse(text).map(Country::code),
                Some(code),
                "{text}"
            );
        }
        for text in ["", "XX", "UK", "EU", "Germany", "Atlantis", "T"] {
            assert_eq!(Country::parse(text), None, "{text}");
        }
    }

    #[test]
    fn the_printed_name_is_swedish_in_capitals() {
        let line = |c: &str| Country::from_code(c).map(Country::address_line);
        assert_eq!(line("DE").as_deref(), Some("TYSKLAND"));
        assert_eq!(line("AT").as_deref(), Some("ÖSTERRIKE"));
        assert_eq!(line("GB").as_deref(), Some("STORBRITANNIEN"));
        assert_eq!(line("HK").as_deref(), Some("HONGKONG"));
    }

    #[test]
    fn a_country_typed_into_the_town_is_found() {
        let found = |t: &str| Country::named_at_end_of(t).map(|(c, comma)| (c.code(), comma));
        assert_eq!(found("Berlin, Tyskland"), Some(("DE", true)));
        assert_eq!(found("Oslo NORGE"), Some(("NO", false)));
        assert_eq!(found("Port Moresby Papua Nya Guinea"), Some(("PG", false)));
        assert_eq!(found("Stockholm"), None);
        assert_eq!(found("Singapore"), None);
        assert_eq!(found("San Marino"), None);
        assert_eq!(found("Newark, New Jersey"), None);
    }
}
