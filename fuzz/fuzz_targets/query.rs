//! The query parser and compiler on arbitrary input, then the query run on a small index
//! (hits, explanations, suggestions, counts): never a panic, errors are messages.
#![no_main]

use std::sync::LazyLock;

use libfuzzer_sys::fuzz_target;
use zoek::index::ZoekIndex;

#[path = "../../tests/zoek/invariants.rs"]
mod invariants;

static INDEX: LazyLock<ZoekIndex> = LazyLock::new(|| {
    let dir = std::env::temp_dir().join(format!("zoek-fuzz-query-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    invariants::small_index(&dir)
});

fuzz_target!(|data: &[u8]| {
    let input = String::from_utf8_lossy(data);
    invariants::check_query(&INDEX, &input);
    invariants::check_search(&INDEX, &input);
});
