//! The paper: what comes out of the printer is checked with the tools a real office has
//! (poppler's pdftotext and pdftoppm, zbar): the address sits in the envelope window, the
//! postal sorting zone is empty, Swedish letters survive, a protected person's mail carries no
//! address of theirs.

mod common;

use std::path::Path;

use common::{Env, pdf_text, printed_codes, scanned_codes, tool};
use serde_json::Value;

const CASEWORKER: Option<&str> = Some("handlaggare1");

/// One word of `pdftotext -bbox`, in millimetres from the top-left corner.
#[derive(Debug, Clone)]
struct Word {
    text: String,
    x_min: f64,
    y_min: f64,
    x_max: f64,
    y_max: f64,
}

fn words_of_page(pdf: &Path, page: u32) -> Vec<Word> {
    let p = page.to_string();
    let out = tool(
        "pdftotext",
        &["-bbox", "-f", &p, "-l", &p, &pdf.to_string_lossy(), "-"],
    );
    let html = String::from_utf8_lossy(&out.stdout);
    let attr = |tag: &str, name: &str| -> f64 {
        let key = format!("{name}=\"");
        let start = tag.find(&key).expect("attribute") + key.len();
        let end = start + tag[start..].find('"').expect("quote");
        tag[start..end].parse::<f64>().expect("number") * 25.4 / 72.0
    };
    html.split("<word ")
        .skip(1)
        .map(|chunk| {
            let (tag, rest) = chunk.split_once('>').expect("tag");
            let text = rest.split("</word>").next().unwrap_or_default();
            Word {
                text: text
                    .replace("&amp;", "&")
                    .replace("&lt;", "<")
                    .replace("&gt;", ">"),
                x_min: attr(tag, "xMin"),
                y_min: attr(tag, "yMin"),
                x_max: attr(tag, "xMax"),
                y_max: attr(tag, "yMax"),
            }
        })
        .collect()
}

/// Starts, attaches one document about the recipient and prints; returns the print JSON and
/// the recipient party JSON.
fn print_to(env: &Env, want_protected: bool) -> (Value, Value) {
    let list = env.json(CASEWORKER, &["case", "list"], 0);
    for c in list["cases"].as_array().expect("cases") {
        let number = c["case"].as_str().expect("case");
        let show = env.json(CASEWORKER, &["case", "show", number], 0);
        let Some(party) = show["parties"]
            .as_array()
            .expect("parties")
            .iter()
            .find(|p| p["role"] == "applicant" && p["protected"] == want_protected)
            .cloned()
        else {
            continue;
        };
        let id = party["id"].as_i64().expect("id");
        let Some(doc) = show["documents"]
            .as_array()
            .expect("documents")
            .iter()
            .find(|d| d["subject"].as_i64() == Some(id))
        else {
            continue;
        };
        env.json(
            CASEWORKER,
            &["mail", "start", number, "--to", &id.to_string()],
            0,
        );
        env.json(
            CASEWORKER,
            &[
                "mail",
                "attach",
                &doc["id"].as_i64().expect("doc").to_string(),
            ],
            0,
        );
        return (env.json(CASEWORKER, &["mail", "print"], 0), party);
    }
    panic!("no suitable case in the demo");
}

on_both!(the_address_is_inside_the_window_band);
fn the_address_is_inside_the_window_band(env: &Env) {
    let (printed, party) = print_to(env, false);
    let pdf = Path::new(printed["pdf"].as_str().expect("pdf")).to_owned();
    let words = words_of_page(&pdf, 1);
    let address = &party["address"];
    let mut expected: Vec<String> = party["name"]
        .as_str()
        .expect("name")
        .split_whitespace()
        .map(str::to_owned)
        .collect();
    expected.extend(
        address["street"]
            .as_str()
            .expect("street")
            .split_whitespace()
            .map(str::to_owned),
    );
    expected.push(address["city"].as_str().expect("city").to_uppercase());
    for w in &expected {
        let found: Vec<&Word> = words.iter().filter(|x| &x.text == w).collect();
        assert!(!found.is_empty(), "{w} is printed on the cover: {words:?}");
        // At least one occurrence is in the window; none of the address block's are outside.
        assert!(
            found
                .iter()
                .any(|x| x.x_min >= 20.0 && x.x_max <= 100.0 && x.y_min >= 50.0 && x.y_max <= 78.0),
            "{w} is outside the window band 20–100 × 50–78 mm: {found:?}"
        );
    }
    // Nothing else inside the window band except the address lines.
    for w in words
        .iter()
        .filter(|x| x.x_min < 100.0 && x.x_max > 20.0 && x.y_max > 50.0 && x.y_min < 78.0)
    {
        let postal = w.text.chars().all(|c| c.is_ascii_digit());
        assert!(
            expected.contains(&w.text) || postal || w.text == "c/o",
            "unexpected word in the window: {w:?}"
        );
    }
}

on_both!(the_sorting_zone_is_empty_and_swedish_letters_survive);
fn the_sorting_zone_is_empty_and_swedish_letters_survive(env: &Env) {
    let (printed, _) = print_to(env, false);
    let pdf = Path::new(printed["pdf"].as_str().expect("pdf")).to_owned();
    for w in words_of_page(&pdf, 1) {
        assert!(
            !(w.x_max > 60.0 && w.y_max > 267.0),
            "text in the postal sorting zone (bottom-right 150 × 30 mm): {w:?}"
        );
    }
    // Render the zone alone and check every pixel is white.
    let work = tempfile::tempdir().expect("tempdir");
    let out = work.path().join("zone");
    let px = |mm: f64| ((mm / 25.4) * 100.0).round() as i64;
    tool(
        "pdftoppm",
        &[
            "-r",
            "100",
            "-gray",
            "-f",
            "1",
            "-l",
            "1",
            "-x",
            &px(60.0).to_string(),
            "-y",
            &px(267.0).to_string(),
            "-W",
            &px(150.0).to_string(),
            "-H",
            &px(30.0).to_string(),
            "-singlefile",
            &pdf.to_string_lossy(),
            &out.to_string_lossy(),
        ],
    );
    let pgm = std::fs::read(work.path().join("zone.pgm")).expect("pgm");
    // P5 header: magic, width, height, maxval, then one byte a pixel.
    let mut fields = 0;
    let mut i = 0;
    while fields < 4 {
        while pgm[i].is_ascii_whitespace() {
            i += 1;
        }
        while !pgm[i].is_ascii_whitespace() {
            i += 1;
        }
        fields += 1;
    }
    let pixels = &pgm[i + 1..];
    assert!(!pixels.is_empty());
    let dark = pixels.iter().filter(|p| **p < 250).count();
    assert_eq!(dark, 0, "{dark} non-white pixels in the sorting zone");

    let text = pdf_text(&pdf);
    for word in [
        "Följebrev",
        "innehåller",
        "Försäkringskassan",
        "Ärende",
        "Handläggare",
    ] {
        assert!(text.contains(word), "{word} extracts from the PDF");
    }
}

on_both!(a_protected_recipient_gets_forwarding_and_an_inner_sheet);
fn a_protected_recipient_gets_forwarding_and_an_inner_sheet(env: &Env) {
    let (printed, party) = print_to(env, true);
    assert!(party.get("address").is_none(), "no address key: {party}");
    let pdf = Path::new(printed["pdf"].as_str().expect("pdf")).to_owned();
    let sheets = printed["sheets"].as_u64().expect("sheets") as usize;
    let codes = printed_codes(&pdf);
    assert_eq!(codes.len(), sheets);
    let cover = words_of_page(&pdf, 1);
    let in_window =
        |w: &Word| w.x_min >= 20.0 && w.x_max <= 100.0 && w.y_min >= 50.0 && w.y_max <= 78.0;
    let window: Vec<&str> = cover
        .iter()
        .filter(|w| in_window(w))
        .map(|w| w.text.as_str())
        .collect();
    assert_eq!(
        window,
        ["Skatteverket", "Box", "2820", "403", "20", "GÖTEBORG"]
    );
    // The inner sheet: the personnummer in the window, nothing else of the person.
    let inner = words_of_page(&pdf, 2);
    let inner_window: Vec<&str> = inner
        .iter()
        .filter(|w| in_window(w))
        .map(|w| w.text.as_str())
        .collect();
    assert_eq!(inner_window.len(), 2, "{inner_window:?}");
    assert_eq!(inner_window[0], "Personnummer");
    let masked = party["id_masked"].as_str().expect("masked");
    assert!(
        inner_window[1].starts_with(&masked[..9]),
        "{inner_window:?} vs {masked}"
    );
    let text = pdf_text(&pdf);
    for name_part in party["name"].as_str().expect("name").split_whitespace() {
        let cover_text: String = cover.iter().map(|w| w.text.clone() + " ").collect();
        let inner_text: String = inner.iter().map(|w| w.text.clone() + " ").collect();
        assert!(!cover_text.contains(name_part), "{name_part} on the cover");
        assert!(
            !inner_text.contains(name_part),
            "{name_part} on the inner sheet"
        );
    }
    assert!(text.contains("Vidarebefordra det oöppnat"));
    // Both front sheets decode at 150 dpi.
    let work = tempfile::tempdir().expect("tempdir");
    let scanned = scanned_codes(&pdf, work.path());
    assert_eq!(scanned[0], vec![codes[0].clone()]);
    assert_eq!(scanned[1], vec![codes[1].clone()]);
}

on_both!(every_swedish_letter_of_the_address_extracts_as_printed);
fn every_swedish_letter_of_the_address_extracts_as_printed(env: &Env) {
    let docs =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/import/docs/lakarintyg.pdf");
    let manifest = serde_json::json!({ "cases": [{
        "case": "FK 2026-900200", "benefit": "Föräldrapenning", "team": "A",
        "parties": [{ "ref": "s", "role": "applicant", "name": "Renée Åkesson-Öberg",
                      "id_number": "19811218-9876",
                      "address": { "care_of": "Märta Ärlig", "street": "Åsgatan 12 B",
                                   "postal_code": "72215", "city": "Västerås" } }],
        "documents": [{ "title": "Beslut om föräldrapenning", "kind": "beslut",
                        "date": "2026-11-02", "subject": "s", "file": docs }] }] });
    let path = env.dir.path().join("m.json");
    std::fs::write(&path, manifest.to_string()).expect("manifest");
    env.json(Some("teamledare1"), &["import", &path.to_string_lossy()], 0);
    let (party, doc) = common::first_party_and_document(env, CASEWORKER, "FK 2026-900200");
    env.json(
        CASEWORKER,
        &["mail", "start", "FK 2026-900200", "--to", &party],
        0,
    );
    env.json(CASEWORKER, &["mail", "attach", &doc], 0);
    let printed = env.json(CASEWORKER, &["mail", "print"], 0);
    let pdf = Path::new(printed["pdf"].as_str().expect("pdf")).to_owned();
    let window: Vec<String> = words_of_page(&pdf, 1)
        .into_iter()
        .filter(|w| w.x_min >= 20.0 && w.x_max <= 100.0 && w.y_min >= 50.0 && w.y_max <= 78.0)
        .map(|w| w.text)
        .collect();
    assert_eq!(
        window.join(" "),
        "Renée Åkesson-Öberg c/o Märta Ärlig Åsgatan 12 B 722 15 VÄSTERÅS"
    );
    assert!(pdf_text(&pdf).contains("Beslut om föräldrapenning"));
}

on_both!(an_address_abroad_fills_the_window_with_its_country_on_the_last_line);
fn an_address_abroad_fills_the_window_with_its_country_on_the_last_line(env: &Env) {
    let docs =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/import/docs/lakarintyg.pdf");
    let manifest = serde_json::json!({ "cases": [{
        "case": "FK 2026-900210", "benefit": "Sjukpenning", "team": "A",
        "parties": [{ "ref": "s", "role": "applicant", "name": "Jonas Müller",
                      "id_number": "19811218-9876",
                      "address": { "care_of": "c/o Weiß", "street": "Unter den Linden 5",
                                   "postal_code": "10117", "city": "Berlin",
                                   "country": "Tyskland" } }],
        "documents": [{ "title": "Beslut om sjukpenning", "kind": "beslut",
                        "date": "2026-11-02", "subject": "s", "file": docs }] }] });
    let path = env.dir.path().join("m.json");
    std::fs::write(&path, manifest.to_string()).expect("manifest");
    env.json(Some("teamledare1"), &["import", &path.to_string_lossy()], 0);
    let (party, doc) = common::first_party_and_document(env, CASEWORKER, "FK 2026-900210");
    env.json(
        CASEWORKER,
        &["mail", "start", "FK 2026-900210", "--to", &party],
        0,
    );
    env.json(CASEWORKER, &["mail", "attach", &doc], 0);
    let printed = env.json(CASEWORKER, &["mail", "print"], 0);
    let pdf = Path::new(printed["pdf"].as_str().expect("pdf")).to_owned();
    let window: Vec<Word> = words_of_page(&pdf, 1)
        .into_iter()
        .filter(|w| w.x_min >= 20.0 && w.x_max <= 100.0 && w.y_min >= 50.0 && w.y_max <= 78.0)
        .collect();
    let text: Vec<&str> = window.iter().map(|w| w.text.as_str()).collect();
    assert_eq!(
        text.join(" "),
        "Jonas Müller c/o Weiß Unter den Linden 5 10117 Berlin TYSKLAND"
    );
    // The country alone on the lowest line of the window.
    let country = window.last().expect("words");
    assert!(
        window[..window.len() - 1]
            .iter()
            .all(|w| w.y_max < country.y_min),
        "{window:?}"
    );
}
