//! An import manifest: any bytes are parsed or refused, and a parsed one is checked record by
//! record (its document files do not exist here), never a panic.
#![no_main]

use std::path::Path;

use kuvert::import::{Limits, check_manifest, parse_manifest};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(m) = parse_manifest(data) {
        let limits = Limits {
            manifest_bytes: 1 << 20,
            document_bytes: 1 << 20,
        };
        let _ = check_manifest(&m, Path::new("/nonexistent"), time::macros::date!(2026 - 12 - 03), &limits);
    }
});
