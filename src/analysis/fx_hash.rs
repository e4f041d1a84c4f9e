//! The Fx hash (rustc's), over bytes: fast on short keys, and the keys are our own words, so
//! no hash flooding. The one implementation behind the analysis memo, the compound lexicon's
//! table at run time, and `build.rs`, which builds that table at compile time (it includes
//! this file), so both ends always hash alike.

const SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;

/// The Fx hash of `bytes`, eight bytes at a time (little-endian, the tail zero-padded).
pub fn fx_hash(bytes: &[u8]) -> u64 {
    let mut hash = 0u64;
    let mut add = |word: u64| hash = (hash.rotate_left(5) ^ word).wrapping_mul(SEED);
    let mut chunks = bytes.chunks_exact(8);
    for chunk in &mut chunks {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        add(u64::from_le_bytes(word));
    }
    let rest = chunks.remainder();
    if !rest.is_empty() {
        let mut last = [0u8; 8];
        last[..rest.len()].copy_from_slice(rest);
        add(u64::from_le_bytes(last));
    }
    hash
}
