//! The passage splitter on arbitrary text: nothing lost, passages bounded, lines inside the
//! body (see `tests/zoek/invariants.rs`).
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "../../tests/zoek/invariants.rs"]
mod invariants;

fuzz_target!(|data: &[u8]| {
    invariants::check_passages(&String::from_utf8_lossy(data));
});
