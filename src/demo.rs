//! `kuvert demo`: a database of synthetic cases, parties, documents and users, so kuvert can
//! be tried (and tested) without real personal data. Everything is generated from a fixed
//! seed: the same demo every time.

use std::path::{Path, PathBuf};

use crate::audit::{self, Event, EventContext, sha256_hex};
use crate::error::{Error, Problem, Result};
use crate::idnum::luhn_check_digit;
use crate::model::{Address, PartyRole, Role, User};
use crate::pdf::{self, DocumentPage};
use crate::store::Tx;
use crate::store::cases::{self, NewDocument, NewParty};
use crate::store::{DbKind, Store, people};

/// The demo's users (besides the OS account, added as a caseworker of team A).
pub const DEMO_USERS: &[(&str, &str, Role, &str)] = &[
    ("handlaggare1", "Anna Lindqvist", Role::Caseworker, "A"),
    ("handlaggare2", "Björn Svensson", Role::Caseworker, "A"),
    ("handlaggare3", "Cecilia Öberg", Role::Caseworker, "B"),
    ("teamledare1", "Dragan Petrović", Role::Lead, "A"),
];

/// Cases in team A and team B.
pub const CASES_PER_TEAM: [(&str, usize); 2] = [("A", 30), ("B", 14)];

/// Makes sure a demo database exists at `path`; with `reset` it is made anew. Returns true
/// when it was created. A database that is not a demo is never touched.
pub fn ensure_demo_db(path: &Path, reset: bool, os_account: &str) -> Result<bool> {
    if path.exists() {
        let kind = Store::open(path).ok().map(|s| s.kind());
        if kind != Some(DbKind::Demo) {
            return Err(Problem::NotADemo { path: path.into() }.into());
        }
        if !reset {
            return Ok(false);
        }
        for p in sqlite_files(path) {
            match std::fs::remove_file(&p) {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => return Err(Error::io(format!("removing {}", p.display()), e)),
            }
        }
    }
    // Build beside the target and rename, so a failed or interrupted build leaves nothing.
    let tmp = path.with_extension("building");
    for p in sqlite_files(&tmp) {
        let _ = std::fs::remove_file(p);
    }
    let now = crate::time_fmt::timestamp(time::OffsetDateTime::now_utc());
    let built = (|| {
        let mut store = Store::create(&tmp, DbKind::Demo, &now)?;
        populate(&mut store, os_account, &now)?;
        drop(store);
        // The head file first: a database without one is only unchecked, never "broken".
        crate::store::head::rename(&tmp, path)?;
        std::fs::rename(&tmp, path)
            .map_err(|e| Error::io(format!("moving demo into {}", path.display()), e))
    })();
    if built.is_err() {
        for p in sqlite_files(&tmp) {
            let _ = std::fs::remove_file(p);
        }
    }
    built.map(|()| true)
}

/// The database, its WAL files and its audit head file.
fn sqlite_files(path: &Path) -> [PathBuf; 4] {
    let with = |suffix: &str| {
        let mut s = path.as_os_str().to_owned();
        s.push(suffix);
        PathBuf::from(s)
    };
    [
        path.to_owned(),
        with("-wal"),
        with("-shm"),
        crate::store::head::path_for(path),
    ]
}

/// A small deterministic generator (SplitMix64): demo data must be the same on every run.
pub(crate) struct Rng(pub(crate) u64);

impl Rng {
    pub(crate) fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    pub(crate) fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    pub(crate) fn pick<'a>(&mut self, items: &'a [&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
    pub(crate) fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }
}

const FIRST_NAMES: &[&str] = &[
    "Maria",
    "Erik",
    "Karin",
    "Lars",
    "Elisabeth",
    "Anders",
    "Eva",
    "Johan",
    "Kristina",
    "Per",
    "Ingrid",
    "Mikael",
    "Lena",
    "Karl",
    "Sara",
    "Nils",
    "Emma",
    "Mohammed",
    "Fatima",
    "Ali",
    "Åsa",
    "Örjan",
    "Märta",
    "Göran",
    "Linnéa",
    "Björn",
    "Sofia",
    "Ahmed",
    "Zeynep",
    "Jukka",
    "Helena",
    "Oskar",
    "Ebba",
    "Gustav",
    "Aino",
    "Dragana",
];
const SURNAMES: &[&str] = &[
    "Andersson",
    "Johansson",
    "Karlsson",
    "Nilsson",
    "Eriksson",
    "Larsson",
    "Olsson",
    "Persson",
    "Svensson",
    "Gustafsson",
    "Pettersson",
    "Jonsson",
    "Jansson",
    "Hansson",
    "Bengtsson",
    "Jönsson",
    "Lindberg",
    "Jakobsson",
    "Magnusson",
    "Lindström",
    "Olofsson",
    "Lindqvist",
    "Lindgren",
    "Berg",
    "Axelsson",
    "Bergström",
    "Lundberg",
    "Åberg",
    "Öhman",
    "Hussein",
    "Mohammadi",
    "Korhonen",
    "Yilmaz",
    "Nowak",
];
const STREETS: &[&str] = &[
    "Storgatan",
    "Kyrkogatan",
    "Drottninggatan",
    "Skolgatan",
    "Järnvägsgatan",
    "Ringvägen",
    "Björkvägen",
    "Åsgatan",
    "Östra Långgatan",
    "Västra Vägen",
    "Sjövägen",
    "Tallstigen",
    "Kungsgatan",
    "Fabriksgatan",
    "Hagagatan",
    "Ängsvägen",
];
const CITIES: &[(&str, &str)] = &[
    ("11122", "Stockholm"),
    ("41301", "Göteborg"),
    ("21119", "Malmö"),
    ("75320", "Uppsala"),
    ("58222", "Linköping"),
    ("70210", "Örebro"),
    ("90326", "Umeå"),
    ("97231", "Luleå"),
    ("55318", "Jönköping"),
    ("80311", "Gävle"),
    ("65224", "Karlstad"),
    ("35230", "Växjö"),
];
const BENEFITS: &[&str] = &[
    "Sjukpenning",
    "Sjukersättning",
    "Aktivitetsersättning",
    "Assistansersättning",
    "Omvårdnadsbidrag",
    "Arbetsskadeersättning",
    "Rehabiliteringsersättning",
    "Bostadstillägg",
];
const EMPLOYERS: &[&str] = &[
    "Nordisk Logistik AB",
    "Byggmästarna i Norr AB",
    "Café Kanelbullen HB",
    "Skärgårdens Vård och Omsorg AB",
    "Verkstadsindustri Öst AB",
    "Stadsbudet Ekonomisk förening",
    "Lärarhuset Skolor AB",
];
const CARE_PROVIDERS: &[&str] = &[
    "Vårdcentralen Söder",
    "Capio Närsjukvård",
    "Psykiatriska mottagningen Väst",
    "Ortopedkliniken, Universitetssjukhuset",
    "Smärtcentrum Norrland",
    "Rehabiliteringsmottagningen Centrum",
];
const LAW_FIRMS: &[&str] = &["Advokatfirman Lind & Ek", "Juristbyrån Rättvisa AB"];

/// What kinds of document a case gets, and whom each concerns.
#[derive(Clone, Copy)]
enum Concerns {
    Applicant,
    Representative,
    Employer,
    CareProvider,
}

const DOCUMENT_KINDS: &[(&str, &str, Concerns)] = &[
    (
        "läkarintyg",
        "Läkarintyg för sjukpenning",
        Concerns::Applicant,
    ),
    (
        "journalanteckning",
        "Journalanteckning",
        Concerns::Applicant,
    ),
    (
        "kommuniceringsbrev",
        "Kommunicering inför beslut",
        Concerns::Applicant,
    ),
    ("beslut", "Beslut", Concerns::Applicant),
    (
        "utredning",
        "Utredning om arbetsförmåga",
        Concerns::Applicant,
    ),
    ("fullmakt", "Fullmakt för ombud", Concerns::Representative),
    (
        "arbetsgivarintyg",
        "Arbetsgivarens redogörelse",
        Concerns::Employer,
    ),
    (
        "yttrande",
        "Yttrande från vårdgivare",
        Concerns::CareProvider,
    ),
];

struct DemoParty {
    id: i64,
    role: PartyRole,
    name: String,
}

pub(crate) fn person_number(rng: &mut Rng, samordning: bool) -> String {
    let year = 1950 + rng.below(55) as u32;
    let month = 1 + rng.below(12) as u32;
    let day = 1 + rng.below(28) as u32 + if samordning { 60 } else { 0 };
    // Skatteverket never gives serial 000; 1 instead keeps every other demo number as it was.
    let serial = rng.below(1000).max(1);
    let nine = format!("{:02}{month:02}{day:02}{serial:03}", year % 100);
    format!("{}{nine}{}", year / 100, luhn_check_digit(&nine))
}

pub(crate) fn org_number(rng: &mut Rng, prefix: &str) -> String {
    let rest = format!(
        "{prefix}{:0width$}",
        rng.below(10usize.pow(9 - prefix.len() as u32)),
        width = 9 - prefix.len()
    );
    format!("16{rest}{}", luhn_check_digit(&rest))
}

pub(crate) fn address(rng: &mut Rng) -> Address {
    let (postal_code, city) = CITIES[rng.below(CITIES.len())];
    Address {
        care_of: None,
        street: format!("{} {}", rng.pick(STREETS), 1 + rng.below(60)),
        postal_code: postal_code.into(),
        city: city.into(),
        country: crate::country::Country::SWEDEN,
    }
}

pub(crate) fn person_name(rng: &mut Rng) -> String {
    format!("{} {}", rng.pick(FIRST_NAMES), rng.pick(SURNAMES))
}

fn populate(store: &mut Store, os_account: &str, now: &str) -> Result<()> {
    let font = pdf::Fonts::load()?;
    store.write(|tx| {
        for (account, name, role, team) in DEMO_USERS {
            people::add_user(
                tx,
                &User {
                    account: (*account).into(),
                    name: (*name).into(),
                    role: *role,
                    team: (*team).into(),
                },
                now,
            )?;
        }
        if !DEMO_USERS.iter().any(|u| u.0 == os_account) {
            people::add_user(
                tx,
                &User {
                    account: os_account.into(),
                    name: format!("{os_account} (demo)"),
                    role: Role::Caseworker,
                    team: "A".into(),
                },
                now,
            )?;
        }
        let mut rng = Rng(0x6B75_7665_7274);
        let mut serial = 0;
        let mut protected_left = 4;
        let mut documents = 0;
        for (team, count) in CASES_PER_TEAM {
            for n in 0..count {
                serial += 1;
                let number = format!("FK 2026-{}", 104_000 + serial * 37);
                let benefit = rng.pick(BENEFITS);
                let case_id = cases::insert_case(tx, &number, benefit, team)?;
                // Every tenth case or so has an applicant with protected identity.
                let protected = protected_left > 0 && (n % 10 == 3);
                if protected {
                    protected_left -= 1;
                }
                let parties = demo_parties(tx, &mut rng, case_id, protected, serial)?;
                let kinds = 2 + rng.below(5);
                for k in 0..kinds {
                    let (kind, title, concerns) = pick_kind(&mut rng, &parties, k);
                    let subject = parties
                        .iter()
                        .find(|p| p.role == concerns_role(concerns))
                        .unwrap_or(&parties[0]);
                    let date = format!("2026-{:02}-{:02}", 1 + rng.below(10), 1 + rng.below(28));
                    let pages = 1 + rng.below(4) as u32;
                    let bytes = pdf::generate_document(
                        &font,
                        &DocumentPage {
                            title,
                            kind,
                            case_no: &number,
                            date: &date,
                            concerns: &subject.name,
                            body: &demo_body(&mut rng, kind),
                        },
                        pages,
                    )?;
                    cases::insert_document(
                        tx,
                        case_id,
                        &NewDocument {
                            title,
                            kind,
                            date: &date,
                            subject: subject.id,
                            pages,
                            sha256: &sha256_hex(&bytes),
                            bytes: &bytes,
                        },
                    )?;
                    documents += 1;
                }
            }
        }
        audit::append(
            tx,
            &EventContext::default(),
            &Event::DemoCreated {
                cases: serial as u64,
                documents: documents as u64,
            },
            now,
        )?;
        Ok(())
    })
}

fn concerns_role(c: Concerns) -> PartyRole {
    match c {
        Concerns::Applicant => PartyRole::Applicant,
        Concerns::Representative => PartyRole::Representative,
        Concerns::Employer => PartyRole::Employer,
        Concerns::CareProvider => PartyRole::CareProvider,
    }
}

/// The first documents of a case concern the applicant; later ones may concern another
/// party, when the case has one.
fn pick_kind(
    rng: &mut Rng,
    parties: &[DemoParty],
    k: usize,
) -> (&'static str, &'static str, Concerns) {
    loop {
        let (kind, title, concerns) = DOCUMENT_KINDS[rng.below(DOCUMENT_KINDS.len())];
        let role = concerns_role(concerns);
        let applicable =
            role == PartyRole::Applicant || (k >= 1 && parties.iter().any(|p| p.role == role));
        if applicable {
            return (kind, title, concerns);
        }
    }
}

fn demo_parties(
    tx: &Tx<'_>,
    rng: &mut Rng,
    case_id: i64,
    protected: bool,
    serial: usize,
) -> Result<Vec<DemoParty>> {
    let mut out = Vec::new();
    let mut add = |role,
                   name: String,
                   id_number: String,
                   protected: bool,
                   address: Option<Address>|
     -> Result<()> {
        let id = cases::insert_party(
            tx,
            case_id,
            &NewParty {
                role,
                name: &name,
                id_number: &id_number,
                protected,
                address: address.as_ref(),
            },
        )?;
        out.push(DemoParty { id, role, name });
        Ok(())
    };
    let applicant = person_name(rng);
    let samordning = serial.is_multiple_of(13);
    let pnr = person_number(rng, samordning);
    let addr = (!protected).then(|| address(rng));
    add(PartyRole::Applicant, applicant, pnr, protected, addr)?;
    if rng.chance(45) {
        if rng.chance(30) {
            let firm = rng.pick(LAW_FIRMS).to_owned();
            let org = org_number(rng, "5569");
            let a = address(rng);
            add(PartyRole::Representative, firm, org, false, Some(a))?;
        } else {
            let name = person_name(rng);
            let pnr = person_number(rng, false);
            let a = address(rng);
            add(PartyRole::Representative, name, pnr, false, Some(a))?;
        }
    }
    if rng.chance(60) {
        let name = rng.pick(EMPLOYERS).to_owned();
        let org = org_number(rng, "556");
        let mut a = address(rng);
        a.care_of = Some("Personalavdelningen".into());
        add(PartyRole::Employer, name, org, false, Some(a))?;
    }
    if rng.chance(70) {
        let name = rng.pick(CARE_PROVIDERS).to_owned();
        let org = org_number(rng, "2321");
        let a = address(rng);
        add(PartyRole::CareProvider, name, org, false, Some(a))?;
    }
    Ok(out)
}

fn demo_body(rng: &mut Rng, kind: &str) -> Vec<String> {
    const SENTENCES: &[&str] = &[
        "Patienten har sedan länge besvär från ländryggen med utstrålning i vänster ben.",
        "Arbetsförmågan bedöms vara nedsatt med hälften i nuvarande arbete.",
        "Behandling med sjukgymnastik pågår, med viss förbättring över tid.",
        "Försäkringskassan har tagit del av underlaget och avser att fatta beslut.",
        "Du har rätt att lämna synpunkter innan beslutet fattas.",
        "Arbetsgivaren har undersökt möjligheterna till anpassning av arbetsuppgifterna.",
        "Vid återbesöket rapporterades fortsatt trötthet och sömnsvårigheter.",
        "Bedömningen grundar sig på undersökning och tidigare journalanteckningar.",
        "Den försäkrade har deltagit i avstämningsmöte tillsammans med arbetsgivaren.",
        "Sammantaget görs bedömningen att rehabilitering bör fortsätta i ytterligare tre månader.",
    ];
    let mut body = vec![format!(
        "SYNTETISK DEMOHANDLING ({kind}) – innehåller inga verkliga personuppgifter."
    )];
    for _ in 0..(6 + rng.below(6)) {
        body.push(rng.pick(SENTENCES).to_owned());
    }
    body
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::idnum::IdNumber;

    #[test]
    fn generated_numbers_are_valid() {
        let mut rng = Rng(1);
        for _ in 0..200 {
            assert!(
                IdNumber::parse(
                    &person_number(&mut rng, false),
                    time::macros::date!(2026 - 12 - 03)
                )
                .is_ok()
            );
            assert!(
                IdNumber::parse(
                    &person_number(&mut rng, true),
                    time::macros::date!(2026 - 12 - 03)
                )
                .is_ok()
            );
            let org = org_number(&mut rng, "556");
            assert_eq!(
                IdNumber::parse(&org, time::macros::date!(2026 - 12 - 03)).map(|i| i.kind()),
                Ok(crate::idnum::IdKind::Organisationsnummer),
                "{org}"
            );
        }
    }
}
