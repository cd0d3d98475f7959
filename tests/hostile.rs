//! Hostile input (issue 6 item 5), as property tests that run in CI: the same three entry
//! points the fuzz targets in `fuzz/` hammer for longer (code decoding, a scanned line,
//! a manifest). None may panic; what they keep is bounded; a damaged manifest is refused
//! naming the record and field.

use std::path::Path;
use std::time::{Duration, Instant};

use kuvert::code::{SheetCode, normalise_scan};
use kuvert::import::{Limits, check_manifest, parse_manifest};
use kuvert::tui::input::{Input, Pipeline};
use proptest::prelude::*;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use serde_json::{Value, json};

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    /// Any text decodes to a code or to a reason, never a panic; a code decodes only from
    /// its own spelling (case and surrounding blanks aside).
    #[test]
    fn decoding_any_text_is_total(text in any::<String>()) {
        if let Ok(code) = SheetCode::decode(&text) {
            prop_assert_eq!(code.encode(), text.trim().to_ascii_uppercase());
        }
    }

    /// Near-codes (the code alphabet, about the right length) too.
    #[test]
    fn decoding_near_codes_is_total(text in "[A-Z0-9a-z ]{15,25}") {
        if let Ok(code) = SheetCode::decode(&text) {
            prop_assert_eq!(code.encode(), text.trim().to_ascii_uppercase());
        }
    }

    /// A scanned line, whatever the keys and their timing (Enter among them): every burst
    /// is bounded, what is stored is bounded and free of control characters, decoding never
    /// panics, and once time passes nothing stays held.
    #[test]
    fn a_scanned_line_is_bounded_and_clean(
        keys in proptest::collection::vec((any::<char>(), 0u64..200, any::<bool>()), 0..300)
    ) {
        let mut input = Pipeline::default();
        let mut at = Instant::now();
        let mut out = Vec::new();
        for (c, gap, enter) in &keys {
            at += Duration::from_millis(*gap);
            let key = if *enter { KeyCode::Enter } else { KeyCode::Char(*c) };
            out.extend(input.key(KeyEvent::new(key, KeyModifiers::NONE), at));
        }
        out.extend(input.tick(at + Duration::from_secs(1)));
        prop_assert!(input.held_text().is_empty());
        for i in out {
            if let Input::Scan(text) = i {
                prop_assert!(text.chars().count() <= 64);
                let stored = normalise_scan(&text);
                prop_assert!(stored.chars().count() <= 3 * 40, "{}", stored);
                prop_assert!(!stored.chars().any(char::is_control));
                let _ = SheetCode::decode(&text);
            }
        }
    }

}

proptest! {
    // Each case reads and parses the example's PDFs: fewer cases, same reach.
    #![proptest_config(ProptestConfig::with_cases(300))]

    /// Any bytes as a manifest: parsed or refused with a reason, never a panic.
    #[test]
    fn any_bytes_as_a_manifest(bytes in proptest::collection::vec(any::<u8>(), 0..2000)) {
        if let Ok(m) = parse_manifest(&bytes) {
            let _ = check_manifest(&m, Path::new("/nonexistent"), time::macros::date!(2026 - 12 - 03), &limits());
        }
    }

    /// A well-formed manifest with one field damaged is refused, naming that record and
    /// field; never a panic.
    #[test]
    fn a_damaged_field_is_named(
        which in 0usize..9,
        bad in prop_oneof![
            Just(String::new()),
            "[\\x00-\\x1f]{1,3}".prop_map(|c| format!("ok{c}ok")),
            "\\PC{300,320}",
            Just("19790313-1239".to_owned()),
            Just("not a date".to_owned()),
            Just("../../etc/passwd".to_owned()),
        ]
    ) {
        let (mut value, base) = example();
        let (field, pointer) = FIELDS[which];
        *value.pointer_mut(pointer).expect("pointer") = json!(bad);
        let bytes = serde_json::to_vec(&value).expect("json");
        let m = parse_manifest(&bytes).expect("still a manifest");
        match check_manifest(&m, &base, time::macros::date!(2026 - 12 - 03), &limits()) {
            Ok(_) => {
                // Only a value that is valid for that field may pass (e.g. a long text
                // where long texts are allowed).
                prop_assert!(
                    !bad.is_empty() && !bad.chars().any(char::is_control),
                    "{} = {:?} passed", field, bad
                );
            }
            Err(e) => {
                let text = e.to_string();
                prop_assert!(text.contains(field), "{} not named in: {}", field, text);
            }
        }
    }
}

/// The record-and-field names an error must carry, and where they are in the example.
const FIELDS: [(&str, &str); 9] = [
    ("cases[0].case", "/cases/0/case"),
    ("cases[0].benefit", "/cases/0/benefit"),
    ("cases[0].team", "/cases/0/team"),
    ("cases[0].parties[0].name", "/cases/0/parties/0/name"),
    (
        "cases[0].parties[0].id_number",
        "/cases/0/parties/0/id_number",
    ),
    (
        "cases[0].parties[0].address",
        "/cases/0/parties/0/address/street",
    ),
    ("cases[0].documents[0].title", "/cases/0/documents/0/title"),
    ("cases[0].documents[0].date", "/cases/0/documents/0/date"),
    ("cases[0].documents[0].file", "/cases/0/documents/0/file"),
];

fn limits() -> Limits {
    Limits {
        manifest_bytes: 1 << 20,
        document_bytes: 1 << 22,
    }
}

/// The example manifest of tests/fixtures/import and the folder its files are in.
fn example() -> (Value, std::path::PathBuf) {
    let base = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/import");
    let text = std::fs::read_to_string(base.join("manifest.json")).expect("example manifest");
    (serde_json::from_str(&text).expect("json"), base)
}

#[test]
fn the_example_passes_the_check() {
    let (value, base) = example();
    let m = parse_manifest(&serde_json::to_vec(&value).expect("json")).expect("parse");
    let summary =
        check_manifest(&m, &base, time::macros::date!(2026 - 12 - 03), &limits()).expect("valid");
    assert_eq!(
        (summary.cases, summary.parties, summary.documents),
        (2, 3, 3)
    );
}
