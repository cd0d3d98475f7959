//! A scanned line: keys with arbitrary timing into the burst, then what is stored and the
//! decoding; bounded and clean whatever came in.
#![no_main]

use std::time::{Duration, Instant};

use kuvert::code::{SheetCode, normalise_scan};
use kuvert::tui::burst::Burst;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let mut burst = Burst::default();
    let mut at = Instant::now();
    for (i, c) in text.chars().enumerate() {
        // The gaps come from the input too: a scanner's few milliseconds or a hand's pause.
        at += Duration::from_millis(u64::from(data.get(i).copied().unwrap_or(0) % 64));
        burst.push_in_burst(c, at);
    }
    let (line, _) = burst.take();
    assert!(line.chars().count() <= 64);
    let stored = normalise_scan(&line);
    assert!(stored.chars().count() <= 120);
    assert!(!stored.chars().any(char::is_control));
    let _ = SheetCode::decode(&line);
});
