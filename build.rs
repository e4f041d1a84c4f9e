//! Builds the hash table of the compound splitter's lexicon at compile time, so a process
//! that splits one query word does not first parse 49,000 words (about 4 ms, half of a
//! one-shot search): the table is part of the binary and only the pages a lookup touches
//! are read. See `src/analysis/compound.rs` (`Lexicon`), which reads it with the same hash:
//! both include `src/analysis/fx_hash.rs`.

use std::path::Path;

#[path = "src/analysis/fx_hash.rs"]
mod fx_hash;

use fx_hash::fx_hash;

fn main() {
    let source = "src/analysis/data/lexicon.txt";
    println!("cargo:rerun-if-changed={source}");
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-changed=src/analysis/fx_hash.rs");
    let text = std::fs::read_to_string(source).expect("lexicon.txt");
    // Role bits as in compound.rs: 1 = may begin (modifier), 2 = may end (head), 0 = never a part.
    let mut words: Vec<(usize, usize, u8)> = Vec::new();
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let content = line.strip_suffix('\n').unwrap_or(line);
        let content = content.strip_suffix('\r').unwrap_or(content);
        let (start, word, role) = if let Some(w) = content.strip_prefix('=') {
            (offset + 1, w, 0)
        } else if let Some(w) = content.strip_prefix('-') {
            (offset + 1, w, 2)
        } else if let Some(w) = content.strip_suffix('-') {
            (offset, w, 1)
        } else {
            (offset, content, 3)
        };
        if !word.is_empty() {
            assert!(word.len() < 256, "lexicon word too long: {word}");
            words.push((start, word.len(), role));
        }
        offset += line.len();
    }
    let slots = (words.len() * 2).next_power_of_two();
    let mut table = vec![0u64; slots];
    for &(start, len, role) in &words {
        let word = &text.as_bytes()[start..start + len];
        let mut i = fx_hash(word) as usize & (slots - 1);
        loop {
            let slot = table[i];
            let (s, l) = (
                (slot & 0xffff_ffff) as usize,
                ((slot >> 32) & 0xff) as usize,
            );
            if l == 0 {
                table[i] = start as u64 | (len as u64) << 32 | u64::from(role) << 40;
                break;
            }
            if &text.as_bytes()[s..s + l] == word {
                // A later line wins, as it did in a map.
                table[i] = start as u64 | (len as u64) << 32 | u64::from(role) << 40;
                break;
            }
            i = (i + 1) & (slots - 1);
        }
    }
    let bytes: Vec<u8> = table.iter().flat_map(|s| s.to_le_bytes()).collect();
    let out = std::env::var("OUT_DIR").expect("OUT_DIR");
    std::fs::write(Path::new(&out).join("lexicon.table"), bytes).expect("write lexicon.table");
}
