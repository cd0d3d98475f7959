//! Sheet-code decoding: any bytes as text decode to a code or a reason; a code decodes only
//! from its own spelling.
#![no_main]

use kuvert::code::SheetCode;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    if let Ok(code) = SheetCode::decode(&text) {
        assert_eq!(code.encode(), text.trim().to_ascii_uppercase());
    }
});
