//! The article readers on arbitrary bytes, for each format: the first byte picks the file
//! name (`.md`, `.txt`, `.jsonl`, `.json`, `.html`, `.jsonl.gz` — gzipped here so the JSON
//! reader is reached — and `.json.gz` given the raw bytes); never a panic, every article has
//! an id, every problem a message.
#![no_main]

use std::io::Write;

use libfuzzer_sys::fuzz_target;

#[path = "../../tests/zoek/invariants.rs"]
mod invariants;

fuzz_target!(|data: &[u8]| {
    let Some((&pick, content)) = data.split_first() else {
        return;
    };
    let names = invariants::READER_NAMES;
    let name = names[usize::from(pick) % names.len()];
    let bytes = if name == "stukken.jsonl.gz" {
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        gz.write_all(content).expect("gzip in memory");
        gz.finish().expect("gzip in memory")
    } else {
        content.to_vec()
    };
    invariants::check_reader(name, bytes);
});
