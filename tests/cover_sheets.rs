//! Issue 12 §6: what the forwarding service sees, and what the recipient reads.
//!
//! A protected recipient's first sheet faces Skatteverket through the outer envelope's window:
//! it carries the forwarding address, the sender, the instruction to forward and the code,
//! and nothing about the case. The enclosure list and the sheet count go on sheet 2, inside
//! the inner envelope. An ordinary recipient's cover speaks to the citizen. The enclosures are
//! real LibreOffice Writer PDFs (tests/fixtures/pdf/README.md); the paper is read back with
//! poppler (pdftotext, -bbox) and zbar at 150 dpi, as in tests/paper.rs.

mod common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use common::{Env, printed_codes, scanned_codes, tool};
use kuvert::i18n::{Lang, Paper, paper};
use serde_json::Value;

const CASEWORKER: Option<&str> = Some("handlaggare1");
const CASEWORKER_NAME: &str = "Anna Lindqvist";
const PROTECTED_CASE: &str = "FK 2026-900300";
const PLAIN_CASE: &str = "FK 2026-900301";
const PROTECTED_NAME: &str = "Saga Hemlund";
const PROTECTED_ID: &str = "19900412-1233";
const BENEFIT: &str = "Aktivitetsersättning";
const JOURNAL: &str = "Journalanteckning från vårdcentralen";
const DECISION: &str = "Beslut om aktivitetsersättning";

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/pdf")
        .join(name)
}

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
    let html = String::from_utf8_lossy(&out.stdout).into_owned();
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

/// The text of one page (`pdftotext -layout`), every run of white space one space.
fn page_text(pdf: &Path, page: u32) -> String {
    let p = page.to_string();
    let out = tool(
        "pdftotext",
        &["-layout", "-f", &p, "-l", &p, &pdf.to_string_lossy(), "-"],
    );
    String::from_utf8_lossy(&out.stdout)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

fn in_window(w: &Word) -> bool {
    w.x_min >= 20.0 && w.x_max <= 100.0 && w.y_min >= 50.0 && w.y_max <= 78.0
}

/// Imports the two cases of this file (a protected applicant and an ordinary one, each with
/// a one-page journal note and a two-page decision) and prints a mailing of `case` to its
/// applicant with both documents; returns the print JSON.
fn print_case(env: &Env, case: &str) -> Value {
    let journal = fixture("lo-journalanteckning.pdf");
    let decision = fixture("lo-beslut-2-sidor.pdf");
    let documents = |subject: &str| {
        serde_json::json!([
            { "title": JOURNAL, "kind": "journalanteckning", "date": "2026-10-14",
              "subject": subject, "file": journal },
            { "title": DECISION, "kind": "beslut", "date": "2026-11-02",
              "subject": subject, "file": decision },
        ])
    };
    let manifest = serde_json::json!({ "cases": [
        { "case": PROTECTED_CASE, "benefit": BENEFIT, "team": "A",
          "parties": [{ "ref": "s", "role": "applicant", "name": PROTECTED_NAME,
                        "id_number": PROTECTED_ID, "protected": true }],
          "documents": documents("s") },
        { "case": PLAIN_CASE, "benefit": BENEFIT, "team": "A",
          "parties": [{ "ref": "s", "role": "applicant", "name": "Erik Ödmark",
                        "id_number": "19850617-4567",
                        "address": { "street": "Kvarngatan 3", "postal_code": "41301",
                                     "city": "Göteborg" } }],
          "documents": documents("s") },
    ] });
    let path = env.dir.path().join("cover-manifest.json");
    std::fs::write(&path, manifest.to_string()).expect("manifest");
    env.json(Some("teamledare1"), &["import", &path.to_string_lossy()], 0);
    let show = env.json(CASEWORKER, &["case", "show", case], 0);
    let party = show["parties"][0]["id"]
        .as_i64()
        .expect("party")
        .to_string();
    env.json(CASEWORKER, &["mail", "start", case, "--to", &party], 0);
    for title in [JOURNAL, DECISION] {
        let id = show["documents"]
            .as_array()
            .expect("documents")
            .iter()
            .find(|d| d["title"] == title)
            .and_then(|d| d["id"].as_i64())
            .expect("the imported document")
            .to_string();
        env.json(CASEWORKER, &["mail", "attach", &id], 0);
    }
    env.json(CASEWORKER, &["mail", "print"], 0)
}

/// Sheet 1 of a protected recipient's job carries only the forwarding address, the sender,
/// the instruction to forward and the code: every word on it is one of those, and none of
/// the benefit, the titles, the kinds, the case number, the caseworker, the person's name or
/// personnummer, nor the sheet count is there. Its code still decodes at 150 dpi.
#[test]
fn the_forwarding_sheet_tells_the_forwarding_service_nothing_about_the_case() {
    let env = Env::demo();
    let printed = print_case(&env, PROTECTED_CASE);
    let pdf = PathBuf::from(printed["pdf"].as_str().expect("pdf"));
    let sheets = printed["sheets"].as_u64().expect("sheets");
    assert_eq!(
        sheets, 5,
        "two front sheets, one journal page, two decision pages"
    );
    let codes = printed_codes(&pdf);

    let words = words_of_page(&pdf, 1);
    let window: Vec<&str> = words
        .iter()
        .filter(|w| in_window(w))
        .map(|w| w.text.as_str())
        .collect();
    assert_eq!(
        window,
        ["Skatteverket", "Box", "2820", "403", "20", "GÖTEBORG"]
    );

    let text = page_text(&pdf, 1);
    let lower = text.to_lowercase();
    let digits: String = PROTECTED_ID.chars().filter(char::is_ascii_digit).collect();
    for secret in [
        BENEFIT,
        JOURNAL,
        DECISION,
        "journalanteckning",
        "beslut",
        "2026-900300",
        PROTECTED_NAME.split(' ').next().unwrap_or_default(),
        "Hemlund",
        PROTECTED_ID,
        &digits,
        &digits[2..],
        CASEWORKER_NAME,
        "Inläsningscentralen",
        "innehåller",
        "ark",
        &format!("/{sheets}"),
    ] {
        assert!(
            !lower.contains(&secret.to_lowercase()),
            "{secret:?} is on the sheet the forwarding service reads: {text}"
        );
    }

    // Nothing but the allowed parts: the forwarding address, the sender and its return
    // address, the instruction to forward, the code.
    let mut allowed: BTreeSet<String> = BTreeSet::new();
    let mut allow = |s: &str| {
        for w in s.split_whitespace() {
            allowed.insert(w.trim_matches(|c: char| ",.:;".contains(c)).to_owned());
        }
    };
    for s in [
        "Skatteverket Box 2820 403 20 GÖTEBORG",
        "Försäkringskassan, Box 1164, 621 22 VISBY",
        paper(Paper::ForwardTitle, Lang::Sv),
        paper(Paper::ForwardInstruction, Lang::Sv),
        paper(Paper::ForwardReturn, Lang::Sv),
        &codes[0],
    ] {
        allow(s);
    }
    for w in &words {
        let bare = w.text.trim_matches(|c: char| ",.:;".contains(c));
        assert!(
            allowed.contains(bare),
            "{:?} at ({:.0}, {:.0}) mm is not part of what the forwarding sheet may carry: {text}",
            w.text,
            w.x_min,
            w.y_min
        );
    }
    assert!(text.contains("Vidarebefordra det oöppnat"), "{text}");
    assert!(
        text.contains("returnera det oöppnat till avsändaren"),
        "{text}"
    );

    let work = tempfile::tempdir().expect("tempdir");
    let scanned = scanned_codes(&pdf, work.path());
    assert_eq!(scanned[0], vec![codes[0].clone()], "sheet 1 decodes");
    assert_eq!(scanned[1], vec![codes[1].clone()], "sheet 2 decodes");
}

/// Sheet 2, inside the inner envelope, shows the personnummer in its window and nothing
/// else there; below, it is the recipient's letter: the case, the count of sheets and every
/// enclosure with its sheets.
#[test]
fn the_inner_sheet_carries_the_enclosures_and_the_count() {
    let env = Env::demo();
    let printed = print_case(&env, PROTECTED_CASE);
    let pdf = PathBuf::from(printed["pdf"].as_str().expect("pdf"));
    let inner = words_of_page(&pdf, 2);
    let window: Vec<&str> = inner
        .iter()
        .filter(|w| in_window(w))
        .map(|w| w.text.as_str())
        .collect();
    assert_eq!(window, ["Personnummer", PROTECTED_ID]);
    let text = page_text(&pdf, 2);
    for part in [
        "Detta kuvert innehåller 5 ark:",
        &format!("1. {JOURNAL} (journalanteckning), 2026-10-14, 1 s., ark 3"),
        &format!("2. {DECISION} (beslut), 2026-11-02, 2 s., ark 4–5"),
        &format!("Ärende {PROTECTED_CASE}"),
        "ark 2/5",
    ] {
        assert!(text.contains(part), "{part:?} on the inner sheet: {text}");
    }
    assert!(
        !text.contains(PROTECTED_NAME) && !text.contains("Hemlund"),
        "no name on the inner sheet: {text}"
    );
}

/// The ordinary cover is a letter to the citizen: who sends it, the case number, the date,
/// "Detta kuvert innehåller N ark" with the enclosures, and whom to call. The staff's
/// instruction is one small line marked for staff; the address stays in the window.
#[test]
fn the_ordinary_cover_speaks_to_the_recipient() {
    let env = Env::demo();
    let printed = print_case(&env, PLAIN_CASE);
    let pdf = PathBuf::from(printed["pdf"].as_str().expect("pdf"));
    assert_eq!(printed["sheets"].as_u64(), Some(4));
    let words = words_of_page(&pdf, 1);
    let window: Vec<&str> = words
        .iter()
        .filter(|w| in_window(w))
        .map(|w| w.text.as_str())
        .collect();
    assert_eq!(
        window,
        ["Erik", "Ödmark", "Kvarngatan", "3", "413", "01", "GÖTEBORG"]
    );
    let text = page_text(&pdf, 1);
    for part in [
        "Försäkringskassan",
        "Följebrev",
        &format!("Här får du handlingar från oss i ärende {PLAIN_CASE} om aktivitetsersättning."),
        &format!("Ärende {PLAIN_CASE}"),
        &format!("Handläggare {CASEWORKER_NAME}"),
        "Detta kuvert innehåller 4 ark:",
        &format!("1. {JOURNAL} (journalanteckning), 2026-10-14, 1 s., ark 2"),
        &format!("2. {DECISION} (beslut), 2026-11-02, 2 s., ark 3–4"),
        &format!(
            "Har du frågor? Ring Försäkringskassan på 0771-524 524 och uppge ärendenummer {PLAIN_CASE}."
        ),
    ] {
        assert!(text.contains(part), "{part:?} on the cover: {text}");
    }
    // The date of the letter.
    let date = text
        .split("Datum ")
        .nth(1)
        .and_then(|rest| rest.get(..10))
        .unwrap_or_default();
    assert!(
        date.len() == 10 && date.chars().filter(|c| *c == '-').count() == 2,
        "a date after Datum: {text}"
    );
    // Staff instructions: only in one small line that says it is for staff.
    let staff = text.find("För personalen:").expect("a line for staff");
    let scan = text.find("skanna varje ark").expect("the scan instruction");
    assert!(
        scan > staff,
        "the scan instruction is in the staff line: {text}"
    );
    assert!(!text.contains("Skanna varje ark"), "{text}");
    assert!(!text.contains("lägg det åt sidan"), "{text}");
    let staff_words: Vec<&Word> = words
        .iter()
        .skip_while(|w| w.text != "personalen:")
        .collect();
    assert!(!staff_words.is_empty());
    for w in &staff_words {
        assert!(
            w.y_max - w.y_min < 3.2,
            "the staff line is small print: {w:?}"
        );
        assert!(
            w.y_max < 267.0 || w.x_max <= 60.0,
            "the staff line stays out of the postal sorting zone: {w:?}"
        );
    }
    let work = tempfile::tempdir().expect("tempdir");
    let codes = printed_codes(&pdf);
    let scanned = scanned_codes(&pdf, work.path());
    assert_eq!(scanned[0], vec![codes[0].clone()], "the cover decodes");
}
