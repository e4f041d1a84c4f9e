//! The Dutch analyzer on arbitrary text: token invariants (see `tests/zoek/invariants.rs`).
#![no_main]

use std::sync::LazyLock;

use libfuzzer_sys::fuzz_target;
use zoek::analysis::{Analysis, DutchAnalyzer};

#[path = "../../tests/zoek/invariants.rs"]
mod invariants;

static FULL: LazyLock<DutchAnalyzer> = LazyLock::new(|| DutchAnalyzer::new(Analysis::Full));
static STEMMED: LazyLock<DutchAnalyzer> = LazyLock::new(|| DutchAnalyzer::new(Analysis::Stemmed));

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    invariants::check_tokens(&FULL, &text);
    invariants::check_tokens(&STEMMED, &text);
    invariants::check_terms_of_line(&FULL, &text);
});
