//! A scanned line: keys with arbitrary timing through the input pipeline, then what is stored
//! and the decoding; bounded and clean whatever came in, and nothing held once time passes.
#![no_main]

use std::time::{Duration, Instant};

use kuvert::code::{SheetCode, normalise_scan};
use kuvert::tui::input::{Input, Pipeline};
use libfuzzer_sys::fuzz_target;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let mut input = Pipeline::default();
    let mut at = Instant::now();
    let mut out = Vec::new();
    for (i, c) in text.chars().enumerate() {
        // The gaps come from the input too: a scanner's few milliseconds or a hand's pause.
        let b = data.get(i).copied().unwrap_or(0);
        at += Duration::from_millis(u64::from(b % 64));
        let key = if c == '\n' { KeyCode::Enter } else { KeyCode::Char(c) };
        out.extend(input.key(KeyEvent::new(key, KeyModifiers::NONE), at));
    }
    out.extend(input.tick(at + Duration::from_secs(1)));
    assert!(input.held_text().is_empty());
    for i in out {
        if let Input::Scan(line) = i {
            assert!(line.chars().count() <= 64);
            let stored = normalise_scan(&line);
            assert!(stored.chars().count() <= 120);
            assert!(!stored.chars().any(char::is_control));
            let _ = SheetCode::decode(&line);
        }
    }
});
