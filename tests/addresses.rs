//! Addresses abroad and the register's small habits, through the real binary (issue 13 §1,
//! §3): a manifest with Finnish, German, Norwegian, Danish and British addresses imports,
//! `case show` tells the country, and the cover read back with `pdftotext` has the postal code
//! as written and the country's Swedish name alone on the last line. What would misdirect a
//! letter is refused at import, naming the field, with nothing imported.

mod common;

use std::path::{Path, PathBuf};

use common::{Env, tool};
use serde_json::{Value, json};

const LEAD: Option<&str> = Some("teamledare1");
const CASEWORKER: Option<&str> = Some("handlaggare1");

/// A personnummer `YYYYMMDD-SSSC` with its Luhn check digit, so the test's people are valid
/// whatever else the number rules check.
fn personnummer(date: &str, serial: &str) -> String {
    let nine = format!("{}{serial}", &date[2..]);
    let sum: u32 = nine
        .bytes()
        .enumerate()
        .map(|(i, b)| {
            let d = u32::from(b - b'0') * if i % 2 == 0 { 2 } else { 1 };
            d / 10 + d % 10
        })
        .sum();
    format!("{date}-{serial}{}", (10 - sum % 10) % 10)
}

fn document() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/import/docs/lakarintyg.pdf")
}

/// A case of team A whose applicant has `address`.
fn case(number: &str, serial: &str, name: &str, address: Value) -> Value {
    json!({
        "case": number, "benefit": "Sjukpenning", "team": "A",
        "parties": [{ "ref": "s", "role": "applicant", "name": name,
                      "id_number": personnummer("19800101", serial), "address": address }],
        "documents": [{ "title": "Beslut om sjukpenning", "kind": "beslut",
                        "date": "2026-11-02", "subject": "s", "file": document() }],
    })
}

fn write_manifest(env: &Env, name: &str, cases: Vec<Value>) -> String {
    let path = env.dir.path().join(format!("{name}.json"));
    std::fs::write(&path, json!({ "cases": cases }).to_string()).expect("manifest");
    path.to_string_lossy().into_owned()
}

/// The text inside the envelope window of the cover (20–100 × 50–78 mm), line by line.
fn window_lines(pdf: &Path) -> Vec<String> {
    let pt = |mm: f64| ((mm / 25.4) * 72.0).round().to_string();
    let out = tool(
        "pdftotext",
        &[
            "-f",
            "1",
            "-l",
            "1",
            "-x",
            &pt(20.0),
            "-y",
            &pt(50.0),
            "-W",
            &pt(80.0),
            "-H",
            &pt(28.0),
            &pdf.to_string_lossy(),
            "-",
        ],
    );
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.contains('\u{c}'))
        .map(str::to_owned)
        .collect()
}

/// Mails the applicant of `number` its document and returns the cover's window lines;
/// voids the mailing after, so the caseworker can mail the next case.
fn print_cover(env: &Env, number: &str) -> Vec<String> {
    let (party, doc) = common::first_party_and_document(env, CASEWORKER, number);
    env.json(CASEWORKER, &["mail", "start", number, "--to", &party], 0);
    env.json(CASEWORKER, &["mail", "attach", &doc], 0);
    let printed = env.json(CASEWORKER, &["mail", "print"], 0);
    let lines = window_lines(Path::new(printed["pdf"].as_str().expect("pdf")));
    env.json(CASEWORKER, &["mail", "void", "--reason", "test"], 0);
    lines
}

fn imported(env: &Env, number: &str) -> bool {
    env.json(LEAD, &["case", "list"], 0)["cases"]
        .as_array()
        .expect("cases")
        .iter()
        .any(|c| c["case"] == number)
}

#[test]
fn addresses_abroad_import_show_their_country_and_print_it_last() {
    let env = Env::demo();
    // (case, serial, name, address, country code stored, the window's last two lines)
    let abroad = [
        (
            "FK 2026-900301",
            "123",
            "Aino Virtanen",
            json!({ "street": "Mannerheimintie 1 A 5", "postal_code": "00100",
                    "city": "Helsinki", "country": "FI" }),
            "FI",
            ["00100 Helsinki", "FINLAND"],
        ),
        (
            "FK 2026-900302",
            "234",
            "Jonas Müller",
            json!({ "street": "Unter den Linden 5", "postal_code": "10117",
                    "city": "Berlin", "country": "Tyskland" }),
            "DE",
            ["10117 Berlin", "TYSKLAND"],
        ),
        (
            "FK 2026-900303",
            "345",
            "Kari Nordmann",
            json!({ "street": "Karl Johans gate 22", "postal_code": "0150",
                    "city": "Oslo", "country": "NORGE" }),
            "NO",
            ["0150 Oslo", "NORGE"],
        ),
        (
            "FK 2026-900304",
            "456",
            "Mette Jensen",
            json!({ "street": "Nørrebrogade 10", "postal_code": "2200",
                    "city": "København N", "country": "dk" }),
            "DK",
            ["2200 København N", "DANMARK"],
        ),
        (
            "FK 2026-900305",
            "567",
            "Oliver Smith",
            json!({ "street": "10 Downing Street", "postal_code": "SW1A 2AA",
                    "city": "London", "country": "Storbritannien" }),
            "GB",
            ["London SW1A 2AA", "STORBRITANNIEN"],
        ),
    ];
    let cases = abroad
        .iter()
        .map(|(n, serial, name, a, ..)| case(n, serial, name, a.clone()))
        .collect();
    let path = write_manifest(&env, "abroad", cases);
    env.json(LEAD, &["import", &path], 0);
    for (number, _, name, address, code, last) in &abroad {
        let show = env.json(CASEWORKER, &["case", "show", number], 0);
        let shown = &show["parties"][0]["address"];
        assert_eq!(shown["country"], *code, "{number}: {show}");
        assert_eq!(shown["postal_code"], address["postal_code"], "{number}");
        // The human `case show` names the country too.
        let text = env.fails(CASEWORKER, &["case", "show", number], 0);
        let text =
            text + &String::from_utf8_lossy(&env.run(CASEWORKER, &["case", "show", number]).stdout);
        assert!(text.contains(last[1]), "{number}: {text}");

        let lines = print_cover(&env, number);
        assert_eq!(
            lines.first().map(String::as_str),
            Some(*name),
            "{number}: {lines:?}"
        );
        assert_eq!(lines[lines.len() - 2..], *last, "{number}: {lines:?}");
    }
    // A Swedish address still prints the Swedish way, with no country line.
    let path = write_manifest(
        &env,
        "home",
        vec![case(
            "FK 2026-900306",
            "678",
            "Märta Åkesson",
            json!({ "street": "Ängsvägen 7", "postal_code": "58330", "city": "Linköping",
                    "country": "Sverige" }),
        )],
    );
    env.json(LEAD, &["import", &path], 0);
    let show = env.json(CASEWORKER, &["case", "show", "FK 2026-900306"], 0);
    assert_eq!(show["parties"][0]["address"]["country"], "SE");
    assert_eq!(
        print_cover(&env, "FK 2026-900306"),
        ["Märta Åkesson", "Ängsvägen 7", "583 30 LINKÖPING"]
    );
}

#[test]
fn what_would_misdirect_a_letter_is_refused_at_import() {
    let env = Env::demo();
    // Three name lines in the window; with c/o, street, postal line and country that is seven.
    let long = "Anna-Karin Maria Elisabeth Charlotta Lindqvist-Öberg af Ekenstierna \
                von Wachtmeister-Gyllenstierna";
    // (what, address, name, the field named, words of the Swedish advice)
    let refused = [
        (
            "unknown key",
            json!({ "street": "Storgatan 1", "postal_code": "11122", "city": "Stockholm",
                    "zip": "11122" }),
            "Eva Ek",
            "cases[0].parties[0].address.zip",
            "okänd uppgift",
        ),
        (
            "country in the town",
            json!({ "street": "Unter den Linden 5", "postal_code": "10117",
                    "city": "Berlin, Tyskland" }),
            "Eva Ek",
            "cases[0].parties[0].address.city",
            "landet i country",
        ),
        (
            "country after the town",
            json!({ "street": "Karl Johans gate 22", "postal_code": "0150",
                    "city": "Oslo NORGE" }),
            "Eva Ek",
            "cases[0].parties[0].address.city",
            "\"country\": \"NO\"",
        ),
        (
            "Swedish code starting with 0",
            json!({ "street": "Storgatan 1", "postal_code": "01234", "city": "Stockholm" }),
            "Eva Ek",
            "cases[0].parties[0].address.postal_code",
            "den första 1–9",
        ),
        (
            "not a country",
            json!({ "street": "Storgatan 1", "postal_code": "11122", "city": "Stockholm",
                    "country": "Atlantis" }),
            "Eva Ek",
            "cases[0].parties[0].address.country",
            "ISO 3166-1",
        ),
        (
            "too many lines",
            json!({ "care_of": "Personalavdelningen", "street": "Unter den Linden 5",
                    "postal_code": "10117", "city": "Berlin", "country": "DE" }),
            long,
            "cases[0].parties[0].address:",
            "kuvertfönstret rymmer 6",
        ),
    ];
    for (i, (what, address, name, field, advice)) in refused.into_iter().enumerate() {
        let number = format!("FK 2026-90040{i}");
        let path = write_manifest(
            &env,
            &format!("bad{i}"),
            vec![case(&number, "789", name, address)],
        );
        let err = env.fails(LEAD, &["import", &path], 2);
        assert!(err.contains(field), "{what}: expected {field} in: {err}");
        assert!(
            err.contains(advice),
            "{what}: expected '{advice}' in: {err}"
        );
        assert!(!imported(&env, &number), "{what}: the case was imported");
    }
    // In English when the desk speaks English.
    let path = write_manifest(
        &env,
        "bad-en",
        vec![case(
            "FK 2026-900410",
            "789",
            "Eva Ek",
            json!({ "street": "Storgatan 1", "postal_code": "11122", "city": "Stockholm",
                    "zipcode": "1" }),
        )],
    );
    let err = env.fails(LEAD, &["--lang", "en", "import", &path], 2);
    assert!(
        err.contains("cases[0].parties[0].address.zipcode: an address has no such key"),
        "{err}"
    );
}

#[test]
fn an_empty_care_of_prints_no_line_and_a_written_c_o_prints_once() {
    let env = Env::demo();
    let path = write_manifest(
        &env,
        "care-of",
        vec![
            case(
                "FK 2026-900501",
                "111",
                "Eva Ek",
                json!({ "care_of": "  ", "street": "Storgatan 1", "postal_code": "11122",
                        "city": "Stockholm" }),
            ),
            case(
                "FK 2026-900502",
                "222",
                "Eva Ek",
                json!({ "care_of": "C/O Svensson", "street": "Storgatan 1",
                        "postal_code": "11122", "city": "Stockholm" }),
            ),
            case(
                "FK 2026-900503",
                "333",
                "Eva Ek",
                json!({ "care_of": "c/oSvensson", "street": "Storgatan 1",
                        "postal_code": "11122", "city": "Stockholm" }),
            ),
        ],
    );
    env.json(LEAD, &["import", &path], 0);
    assert_eq!(
        print_cover(&env, "FK 2026-900501"),
        ["Eva Ek", "Storgatan 1", "111 22 STOCKHOLM"]
    );
    for number in ["FK 2026-900502", "FK 2026-900503"] {
        assert_eq!(
            print_cover(&env, number),
            ["Eva Ek", "c/o Svensson", "Storgatan 1", "111 22 STOCKHOLM"],
            "{number}"
        );
    }
}
