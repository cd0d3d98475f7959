//! Identity numbers and case numbers as the registers send them (issue 13 §2 and the case
//! number of §3), through the real binary: `kuvert import`, `case show`, `mail start` with
//! the number as typed, and the printed cover read back with `pdftotext`.
//!
//! The identity numbers are Skatteverket's published test numbers and public organisation
//! numbers (tests/fixtures/idnum/README.md says where each comes from).

mod common;

use common::{Env, fixture_manifest, import_snapshot as snapshot, pdf_text};
use serde_json::{Value, json};

const CASEWORKER: Option<&str> = Some("handlaggare1");
const LEAD: Option<&str> = Some("teamledare1");

/// A manifest of one case `case` with `parties` (each `(ref, role, id_number)`, the first
/// the applicant that the one document concerns).
fn manifest(env: &Env, name: &str, case: &str, parties: &[(&str, &str, &str)]) -> String {
    let path = fixture_manifest(env, name, case, &["lo-journalanteckning.pdf"]);
    let text = std::fs::read_to_string(&path).expect("manifest");
    let mut value: Value = serde_json::from_str(&text).expect("json");
    value["cases"][0]["parties"] = parties
        .iter()
        .map(|(reference, role, id)| {
            json!({
                "ref": reference, "role": role, "name": format!("Part {reference}"),
                "id_number": id,
                "address": { "street": "Storgatan 1", "postal_code": "111 22", "city": "Stockholm" }
            })
        })
        .collect();
    value["cases"][0]["documents"][0]["subject"] = json!(parties[0].0);
    std::fs::write(&path, serde_json::to_string_pretty(&value).expect("json")).expect("write");
    path.to_string_lossy().into_owned()
}

fn masked_ids(show: &Value) -> Vec<String> {
    show["parties"]
        .as_array()
        .expect("parties")
        .iter()
        .map(|p| p["id_masked"].as_str().expect("id_masked").to_owned())
        .collect()
}

#[test]
fn samordningsnummer_with_unknown_month_or_day_import_and_show_masked() {
    let env = Env::demo();
    let path = manifest(
        &env,
        "partial",
        "FK 2026-900501",
        &[
            ("sokande", "applicant", "191500722390"),
            ("ombud", "representative", "19310060-2394"),
            ("ombud2", "representative", "171160+2399"),
            ("arbetsgivare", "employer", "556016-0680"),
            ("vardgivare", "care_provider", "165561034249"),
        ],
    );
    env.json(LEAD, &["import", &path], 0);
    let show = env.json(LEAD, &["case", "show", "FK 2026-900501"], 0);
    assert_eq!(
        masked_ids(&show),
        [
            "19150072-****",
            "19310060-****",
            "19171160-****",
            "556016-0680",
            "556103-4249"
        ]
    );
    let out = env.run(LEAD, &["case", "show", "FK 2026-900501"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("19150072-****"), "{text}");
    assert!(
        !text.contains("2390"),
        "the last four digits are shown: {text}"
    );
}

#[test]
fn a_space_in_a_number_is_refused_naming_the_field_and_the_forms() {
    let env = Env::demo();
    let before = snapshot(&env);
    // Born 1909: with a space the century cannot be told (it was once stored as 2009).
    let path = manifest(
        &env,
        "space",
        "FK 2026-900502",
        &[("sokande", "applicant", "090527 1474")],
    );
    let err = env.fails(LEAD, &["import", &path], 2);
    assert!(err.contains("inget importerades"), "{err}");
    assert!(
        err.contains("cases[0].parties[0].id_number: mellanslag är inget skiljetecken"),
        "{err}"
    );
    assert!(
        err.contains("12 siffror (198112189876 eller 19811218-9876)"),
        "the accepted forms are not named: {err}"
    );
    assert_eq!(snapshot(&env), before, "the database changed");

    let err = env.fails(LEAD, &["--lang", "en", "import", &path], 2);
    assert!(
        err.contains("cases[0].parties[0].id_number: a space is no separator"),
        "{err}"
    );
    // The same number written as Skatteverket writes it imports, as 1909.
    let path = manifest(
        &env,
        "plus",
        "FK 2026-900502",
        &[("sokande", "applicant", "090527+1474")],
    );
    env.json(LEAD, &["import", &path], 0);
    let show = env.json(LEAD, &["case", "show", "FK 2026-900502"], 0);
    assert_eq!(masked_ids(&show), ["19090527-****"]);
}

#[test]
fn other_forms_serial_000_and_organisation_group_0_are_refused() {
    let env = Env::demo();
    let before = snapshot(&env);
    let path = manifest(
        &env,
        "refused",
        "FK 2026-900503",
        &[
            ("sokande", "applicant", "201509160006"),
            ("arbetsgivare", "employer", "0560160681"),
            ("ombud", "representative", "811218--9876"),
            ("ombud2", "representative", "811218/9876"),
            ("ombud3", "representative", "19811218+9876"),
        ],
    );
    let err = env.fails(LEAD, &["import", &path], 2);
    for expected in [
        "cases[0].parties[0].id_number: födelsenumret 000 delas aldrig ut",
        "cases[0].parties[1].id_number: ett organisationsnummer kan inte börja med 0",
        "cases[0].parties[2].id_number: numret har mer än ett skiljetecken",
        "cases[0].parties[3].id_number: ”/” är inget skiljetecken",
        "cases[0].parties[4].id_number: plustecken skrivs bara med 10 siffror",
    ] {
        assert!(err.contains(expected), "{expected} not in {err}");
    }
    assert!(err.contains("manifestet har 5 fel"), "{err}");
    assert_eq!(snapshot(&env), before, "the database changed");
}

#[test]
fn a_case_keeps_its_letters_and_opens_as_typed() {
    let env = Env::demo();
    let path = manifest(
        &env,
        "ht",
        "HT 2026-999999",
        &[("sokande", "applicant", "19811218-9876")],
    );
    env.json(LEAD, &["import", &path], 0);
    let list = env.json(CASEWORKER, &["case", "list"], 0);
    assert!(
        list["cases"]
            .as_array()
            .expect("cases")
            .iter()
            .any(|c| c["case"] == "HT 2026-999999"),
        "{list}"
    );
    for typed in ["HT 2026-999999", "ht2026-999999", " ht 2026-999999 "] {
        let show = env.json(CASEWORKER, &["case", "show", typed], 0);
        assert_eq!(show["case"], "HT 2026-999999", "{typed}");
    }
    // A bare number is the agency's own FK case, never the HT one.
    let err = env.fails(CASEWORKER, &["case", "show", "2026-999999"], 2);
    assert!(err.contains("ärende FK 2026-999999 finns inte"), "{err}");
    assert!(err.contains("skriv bokstäverna"), "{err}");

    // Lock it by mailing from it with the number as typed, print, and read the cover.
    let (party, doc) = common::first_party_and_document(&env, CASEWORKER, "ht2026-999999");
    let started = env.json(
        CASEWORKER,
        &["mail", "start", "ht 2026-999999", "--to", &party],
        0,
    );
    assert_eq!(started["case"], "HT 2026-999999");
    let locked = env.json(LEAD, &["case", "list"], 0);
    let row = locked["cases"]
        .as_array()
        .expect("cases")
        .iter()
        .find(|c| c["case"] == "HT 2026-999999")
        .expect("listed")
        .clone();
    assert_eq!(row["locked_by"], "handlaggare1");
    env.json(CASEWORKER, &["mail", "attach", &doc], 0);
    let printed = env.json(CASEWORKER, &["mail", "print"], 0);
    let pdf = printed["pdf"].as_str().expect("pdf");
    let text = pdf_text(std::path::Path::new(pdf));
    let cover = text.split('\u{c}').next().unwrap_or_default();
    assert!(cover.contains("HT 2026-999999"), "{cover}");
}

#[test]
fn case_numbers_are_stored_as_they_are_looked_up() {
    let env = Env::demo();
    let path = manifest(
        &env,
        "bare",
        "2026-999996",
        &[("sokande", "applicant", "19811218-9876")],
    );
    env.json(LEAD, &["import", &path], 0);
    let show = env.json(LEAD, &["case", "show", "FK 2026-999996"], 0);
    assert_eq!(show["case"], "FK 2026-999996");
    let show = env.json(LEAD, &["case", "show", "2026-999996"], 0);
    assert_eq!(show["case"], "FK 2026-999996");

    // `fk2026-999996` is the same case, so importing it again is refused as a duplicate.
    let path = manifest(
        &env,
        "again",
        "fk2026-999996",
        &[("sokande", "applicant", "19811218-9876")],
    );
    let err = env.fails(LEAD, &["import", &path], 2);
    assert!(err.contains("FK 2026-999996"), "{err}");
}

#[test]
fn what_is_no_case_number_is_refused_at_import_with_the_form() {
    let env = Env::demo();
    let before = snapshot(&env);
    let path = manifest(
        &env,
        "nocase",
        "Ärende 17",
        &[("sokande", "applicant", "19811218-9876")],
    );
    let err = env.fails(LEAD, &["import", &path], 2);
    assert!(
        err.contains(
            "cases[0].case: ”Ärende 17” är inget ärendenummer. Skriv det som FK 2026-123456"
        ),
        "{err}"
    );
    assert_eq!(snapshot(&env), before, "the database changed");
}
