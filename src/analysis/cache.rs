//! A bounded memo of what the analysis makes of one folded word, one per thread.
//!
//! Stemming and compound splitting cost far more than finding and folding words, and news
//! text repeats its words (a title is analyzed again with every passage of its article). So
//! the term, the compound part terms and the stopword flag of each folded word are kept in a
//! per-thread memo, one per analysis variant, which is emptied when it reaches
//! [`MAX_WORDS`] entries: its memory stays bounded (a few MB per thread and variant)
//! whatever the corpus. The memo is only a shortcut: an entry holds exactly what
//! [`DutchAnalyzer`](super::DutchAnalyzer) computes for the word.
//!
//! Layout, for few cache misses per token: a compact hash table of small slots that point
//! into one text buffer holding, per word, the word, its term and its part terms one after
//! the other (`verkiezingsfraudeverkiezingsfraud+verkiezing+fraud`: terms never contain
//! [`PART_MARK`], parts start with it), so a hit reads one slot and one stretch of text.

use std::cell::RefCell;

use hashbrown::HashTable;

use super::fx_hash::fx_hash;
use super::token::PART_MARK;
use super::variant::Analysis;

/// Entries per thread and analysis variant before the memo starts again empty.
pub const MAX_WORDS: usize = 1 << 17;
/// Longer words are analyzed every time (they are rare: long compounds, codes, junk).
pub const MAX_WORD_BYTES: usize = 48;

/// Where a word and its analysis stand in the memo's text: the word, its term, its part
/// terms, one after the other (12 bytes, so the table of a full memo is about 3 MB).
#[derive(Clone, Copy)]
struct Slot {
    start: u32,
    word_len: u8,
    term_len: u8,
    parts_len: u16,
    stopword: bool,
}

impl Slot {
    fn word<'a>(&self, text: &'a str) -> &'a str {
        let start = self.start as usize;
        &text[start..start + self.word_len as usize]
    }
}

/// One analysis variant's memo.
#[derive(Default)]
struct Memo {
    slots: HashTable<Slot>,
    text: String,
}

fn hash(word: &str) -> u64 {
    fx_hash(word.as_bytes())
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
        let hash = hash(folded);
        let text = &memo.text;
        let found = memo.slots.find(hash, |s| s.word(text) == folded).copied();
        let slot = match found {
            Some(slot) => slot,
            None => {
                if memo.slots.len() >= MAX_WORDS {
                    memo.slots.clear();
                    memo.text.clear();
                }
                let (term, parts, stopword) = compute();
                let parts_len: usize = parts.iter().map(|p| p.as_ref().len()).sum();
                debug_assert!(folded.len() <= MAX_WORD_BYTES && term.len() <= u8::MAX as usize);
                let slot = Slot {
                    start: memo.text.len() as u32,
                    word_len: folded.len() as u8,
                    term_len: term.len() as u8,
                    parts_len: parts_len as u16,
                    stopword,
                };
                memo.text.push_str(folded);
                memo.text.push_str(&term);
                for part in &parts {
                    memo.text.push_str(part.as_ref());
                }
                let text = &memo.text;
                memo.slots
                    .insert_unique(hash, slot, |s| self::hash(s.word(text)));
                slot
            }
        };
        let term_start = slot.start as usize + slot.word_len as usize;
        let parts_start = term_start + slot.term_len as usize;
        WordAnalysis {
            term: &memo.text[term_start..parts_start],
            parts: &memo.text[parts_start..parts_start + slot.parts_len as usize],
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
