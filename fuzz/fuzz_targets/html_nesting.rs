//! HTML of any nesting depth and attribute count, built from the input's bytes (elements,
//! words, runs of a thousand nested elements): the reader never overflows its stack or
//! panics, and every word of the page's text is in the article (`check_html_nesting`).
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "../../tests/zoek/invariants.rs"]
mod invariants;

fuzz_target!(|data: &[u8]| {
    invariants::check_html_nesting(data);
});
