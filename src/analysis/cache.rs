//! A bounded memo of what the analysis makes of one folded word, one per thread.
//!
//! Stemming and compound splitting cost far more than finding and folding words, and news
//! text repeats its words (a title is analyzed again with every passage of its article). So
//! the term, the compound part terms and the stopword flag of each folded word are kept in a
//! per-thread memo, one per analysis variant, which is emptied when it reaches
//! [`MAX_WORDS`] entries: its memory stays bounded (about 10 MB per thread and variant)
//! whatever the corpus. The memo is only a shortcut: an entry holds exactly what
//! [`DutchAnalyzer`](super::DutchAnalyzer) computes for the word.
//!
//! Layout, for few cache misses per token: the word is stored inline in the hash table (no
//! pointer to follow to compare it), and the table points into one text buffer that holds,
//! per word, its term followed by its part terms (`verkiezingsfraud+verkiezing+fraud`:
//! terms never contain [`PART_MARK`], parts start with it).

use std::cell::RefCell;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hash, Hasher};

use super::compound::FxHasher;
use super::{Analysis, PART_MARK};

/// Entries per thread and analysis variant before the memo starts again empty.
pub const MAX_WORDS: usize = 1 << 17;
/// Longer words are analyzed every time (they are rare: long compounds, codes, junk).
pub const MAX_WORD_BYTES: usize = KEY_BYTES;
const KEY_BYTES: usize = 31;

/// A folded word of at most [`KEY_BYTES`] bytes, stored inline.
#[derive(Clone, Copy, PartialEq, Eq)]
struct Key {
    len: u8,
    bytes: [u8; KEY_BYTES],
}

impl Key {
    fn new(word: &str) -> Key {
        let mut bytes = [0; KEY_BYTES];
        bytes[..word.len()].copy_from_slice(word.as_bytes());
        Key {
            len: word.len() as u8,
            bytes,
        }
    }
}

impl Hash for Key {
    fn hash<H: Hasher>(&self, state: &mut H) {
        state.write(&self.bytes[..self.len as usize]);
    }
}

/// Where a word's analysis stands in the memo's text.
#[derive(Clone, Copy)]
struct Slot {
    start: u32,
    term_end: u32,
    end: u32,
    stopword: bool,
}

/// One analysis variant's memo.
#[derive(Default)]
struct Memo {
    slots: HashMap<Key, Slot, BuildHasherDefault<FxHasher>>,
    text: String,
}

/// The analysis of one word as the memo lends it.
pub struct WordAnalysis<'a> {
    pub term: &'a str,
    /// The compound part terms, each starting with [`PART_MARK`], written together.
    parts: &'a str,
    pub stopword: bool,
}

impl<'a> WordAnalysis<'a> {
    /// A word's analysis from its term, its part terms written together, and its flag.
    pub fn new(term: &'a str, parts: &'a str, stopword: bool) -> Self {
        WordAnalysis {
            term,
            parts,
            stopword,
        }
    }

    /// The compound part terms, each starting with [`PART_MARK`].
    pub fn parts(&self) -> Parts<'a> {
        Parts(self.parts)
    }
}

/// The part terms of `+verkiezing+fraud`: `+verkiezing`, `+fraud`.
pub struct Parts<'a>(&'a str);

impl<'a> Iterator for Parts<'a> {
    type Item = &'a str;

    fn next(&mut self) -> Option<&'a str> {
        if self.0.is_empty() {
            return None;
        }
        let end = self.0[1..].find(PART_MARK).map_or(self.0.len(), |i| i + 1);
        let (part, rest) = self.0.split_at(end);
        self.0 = rest;
        Some(part)
    }
}

/// The memo of one thread: one per analysis variant.
#[derive(Default)]
pub struct WordCache {
    memos: [Memo; Analysis::ALL.len()],
}

impl WordCache {
    /// The analysis of `folded` (at most [`MAX_WORD_BYTES`] long) under `analysis`, from the
    /// memo, or computed by `compute` as (term, part terms, stopword) and remembered.
    pub fn get_or_insert<P: AsRef<str>>(
        &mut self,
        analysis: Analysis,
        folded: &str,
        compute: impl FnOnce() -> (String, Vec<P>, bool),
    ) -> WordAnalysis<'_> {
        let memo = &mut self.memos[analysis as usize];
        let key = Key::new(folded);
        let slot = match memo.slots.get(&key) {
            Some(&slot) => slot,
            None => {
                if memo.slots.len() >= MAX_WORDS {
                    memo.slots.clear();
                    memo.text.clear();
                }
                let (term, parts, stopword) = compute();
                let start = memo.text.len() as u32;
                memo.text.push_str(&term);
                let term_end = memo.text.len() as u32;
                for part in &parts {
                    memo.text.push_str(part.as_ref());
                }
                let slot = Slot {
                    start,
                    term_end,
                    end: memo.text.len() as u32,
                    stopword,
                };
                memo.slots.insert(key, slot);
                slot
            }
        };
        WordAnalysis {
            term: &memo.text[slot.start as usize..slot.term_end as usize],
            parts: &memo.text[slot.term_end as usize..slot.end as usize],
            stopword: slot.stopword,
        }
    }
}

thread_local! {
    static CACHE: RefCell<WordCache> = RefCell::new(WordCache::default());
}

/// Runs `f` with this thread's memo, or with none when it is already in use further up the
/// stack (an analysis started from inside another one's token sink) or gone (the thread is
/// ending).
pub fn with<R>(f: impl FnOnce(Option<&mut WordCache>) -> R) -> R {
    let mut f = Some(f);
    let result = CACHE.try_with(|cell| match cell.try_borrow_mut() {
        Ok(mut cache) => (f.take().expect("called once"))(Some(&mut cache)),
        Err(_) => (f.take().expect("called once"))(None),
    });
    match result {
        Ok(r) => r,
        Err(_) => (f.take().expect("called once"))(None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remembers_terms_parts_and_stopwords() {
        let mut cache = WordCache::default();
        let mut calls = 0;
        for _ in 0..2 {
            let got = cache.get_or_insert(Analysis::Full, "verkiezingsfraude", || {
                calls += 1;
                (
                    "verkiezingsfraud".into(),
                    vec!["+verkiezing", "+fraud"],
                    false,
                )
            });
            assert_eq!(got.term, "verkiezingsfraud");
            assert_eq!(got.parts().collect::<Vec<_>>(), ["+verkiezing", "+fraud"]);
            assert!(!got.stopword);
        }
        assert_eq!(calls, 1);
        let de = cache.get_or_insert(Analysis::Full, "de", || {
            ("de".into(), Vec::<&str>::new(), true)
        });
        assert_eq!((de.term, de.parts().count(), de.stopword), ("de", 0, true));
        // Another variant has its own memo.
        let plain = cache.get_or_insert(Analysis::Plain, "verkiezingsfraude", || {
            ("verkiezingsfraude".into(), Vec::<&str>::new(), false)
        });
        assert_eq!(plain.term, "verkiezingsfraude");
    }

    #[test]
    fn starts_again_when_full() {
        let mut cache = WordCache::default();
        for i in 0..MAX_WORDS + 10 {
            let word = format!("w{i}");
            let got = cache.get_or_insert(Analysis::Plain, &word, || {
                (word.clone(), Vec::<&str>::new(), false)
            });
            assert_eq!(got.term, word);
        }
        assert!(cache.memos[Analysis::Plain as usize].slots.len() <= MAX_WORDS);
    }
}
