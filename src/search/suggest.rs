//! Suggestions ("bedoelde u: verkiezingsfraude?"): a correction of the query's words taken
//! from the index's own vocabulary, shown when a query finds little.
//!
//! The index holds stems, so a suggestion is found among stems and then shown as the word
//! the archive actually writes: the most frequent spelling behind that stem in passages that
//! hold it ([`surface_forms`]). A word is corrected when
//! - its term is in no passage, and a term within a few edits is (`verkiezingsfruade`);
//! - as typed it occurs nowhere, though it matched other words through their stem, and the
//!   archive writes that stem differently, not just with another ending (`Rute` finds
//!   `Rutte` because both stem to `rut`; zoek says so);
//! - the query found little and a term one edit away is in ten times as many passages.

use std::collections::HashMap;

use tantivy::collector::TopDocs;
use tantivy::query::{BooleanQuery, Occur, Query, TermQuery};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{Order, Searcher, TantivyDocument, Term};

use crate::analysis::{fold, DutchAnalyzer};
use crate::index::{Level, Schema, TextField, ZoekIndex};
use crate::query::vocab::{self, Pattern};
use crate::query::{auto_edits, Node};

/// Fewer hits than this is "little".
pub const FEW_HITS: usize = 3;

/// How many passages are read to find how a term is written; a term in no more passages
/// than this is known completely.
const SAMPLE_PASSAGES: usize = 16;

/// How much more frequent a neighbouring term must be to replace a word that does occur.
const MORE_FREQUENT: u64 = 10;

/// A corrected query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suggestion {
    /// The whole query with its words corrected.
    pub query: String,
    /// Each corrected word and its replacement.
    pub replaced: Vec<(String, String)>,
}

/// The words of the query that must or may match (not negated), as typed.
fn positive_words(node: &Node, out: &mut Vec<String>) {
    match node {
        Node::Word(word) => out.push(word.text.clone()),
        Node::And(items) | Node::Or(items) => items.iter().for_each(|n| positive_words(n, out)),
        _ => {}
    }
}

/// Whether one spelling is the other with an ending added: then they are forms of one word
/// (`stemhokje`, `stemhokjes`), not a misspelling.
fn only_ending_differs(a: &str, b: &str) -> bool {
    a.starts_with(b) || b.starts_with(a)
}

/// Of the spellings behind one stem (most frequent first), the one closest to what was
/// typed (folded): `gemeemte` → `gemeente` rather than the more frequent `gemeenten`.
fn closest_spelling(forms: Vec<(String, usize)>, typed: &str) -> Option<String> {
    let far = typed.chars().count() + 8;
    forms
        .into_iter()
        .enumerate()
        .min_by_key(|(rank, (form, _))| {
            let distance = vocab::edit_distance(&fold::fold(form), typed, far).unwrap_or(far + 1);
            (distance, *rank)
        })
        .map(|(_, (form, _))| form)
}

/// `input` with the first stand-alone occurrence of `word` replaced.
fn replace_word(input: &str, word: &str, by: &str) -> String {
    let boundary = |c: Option<char>| c.is_none_or(|c| c.is_whitespace() || "():\"-".contains(c));
    let mut from = 0;
    while let Some(found) = input[from..].find(word) {
        let start = from + found;
        let end = start + word.len();
        if boundary(input[..start].chars().next_back()) && boundary(input[end..].chars().next()) {
            return format!("{}{by}{}", &input[..start], &input[end..]);
        }
        from = end;
    }
    input.to_string()
}

/// A correction for the query `input` (parsed as `node`), if one is due; `few` tells
/// whether the query found little.
pub fn suggest(
    index: &ZoekIndex,
    searcher: &Searcher,
    input: &str,
    node: &Node,
    few: bool,
) -> tantivy::Result<Option<Suggestion>> {
    let schema = index.schema();
    let fields = passage_fields(schema);
    let analyzer = index.analyzer();
    let mut words = Vec::new();
    positive_words(node, &mut words);
    let mut replaced: Vec<(String, String)> = Vec::new();
    for word in words {
        let Some(term) = analyzer.single_term(&word) else {
            continue;
        };
        let edits = auto_edits(&word);
        let numeric = word.chars().any(|c| c.is_ascii_digit());
        if edits == 0 || numeric || analyzer.tokens(&word).iter().any(|t| t.stopword) {
            continue;
        }
        let typed = fold::fold(&word);
        let doc_freq = vocab::doc_freq(searcher, &fields, &term)?;
        let spelled = |term: &str| -> tantivy::Result<Option<String>> {
            let forms = surface_forms(searcher, schema, analyzer, term, SAMPLE_PASSAGES)?;
            Ok(closest_spelling(forms, &typed))
        };
        let neighbour = |min_doc_freq: u64, max_edits: u8| -> tantivy::Result<Option<String>> {
            let pattern = Pattern::Fuzzy {
                term: term.clone(),
                edits: max_edits,
            };
            let best = vocab::expand(searcher, &fields, &pattern)?
                .unwrap_or_default()
                .into_iter()
                .find(|e| e.term != term && e.doc_freq >= min_doc_freq);
            match best {
                Some(e) => spelled(&e.term),
                None => Ok(None),
            }
        };
        let correction = if doc_freq == 0 {
            neighbour(1, edits)?
        } else if doc_freq <= SAMPLE_PASSAGES as u64 {
            // Every passage with the term is read: is the word ever written as typed?
            let forms = surface_forms(searcher, schema, analyzer, &term, SAMPLE_PASSAGES)?;
            let typed_occurs = forms.iter().any(|(form, _)| fold::fold(form) == typed);
            match closest_spelling(forms, &typed) {
                Some(form) if !typed_occurs && !only_ending_differs(&fold::fold(&form), &typed) => {
                    Some(form)
                }
                _ if few => neighbour(doc_freq.saturating_mul(MORE_FREQUENT), 1)?,
                _ => None,
            }
        } else if few {
            neighbour(doc_freq.saturating_mul(MORE_FREQUENT), 1)?
        } else {
            None
        };
        if let Some(better) = correction {
            if fold::fold(&better) != typed {
                replaced.push((word.clone(), better));
            }
        }
    }
    if replaced.is_empty() {
        return Ok(None);
    }
    let mut query = input.to_string();
    for (word, better) in &replaced {
        query = replace_word(&query, word, better);
    }
    Ok(Some(Suggestion { query, replaced }))
}

/// The title and body fields of passages, where the archive's words are looked up.
fn passage_fields(schema: &Schema) -> [Field; 2] {
    [
        schema.text_field(Level::Passage, TextField::Title),
        schema.text_field(Level::Passage, TextField::Body),
    ]
}

/// The words as written that the analyzer reduces to `term`, with how often each occurs,
/// the most frequent first, looked up in at most `max_docs` passages that hold the term
/// (all of them when there are no more).
/// This is how a stem (`verkiezingsfraud`) becomes a word to show (`verkiezingsfraude`).
pub fn surface_forms(
    searcher: &Searcher,
    schema: &Schema,
    analyzer: &DutchAnalyzer,
    term: &str,
    max_docs: usize,
) -> tantivy::Result<Vec<(String, usize)>> {
    let fields = passage_fields(schema);
    let query = BooleanQuery::new(
        fields
            .into_iter()
            .map(|field| -> (Occur, Box<dyn Query>) {
                (
                    Occur::Should,
                    Box::new(TermQuery::new(
                        Term::from_field_text(field, term),
                        IndexRecordOption::Basic,
                    )),
                )
            })
            .collect(),
    );
    // A sample in article-hash order: deterministic, and not biased towards the passages
    // that repeat one form most (as a score order would be).
    let sample = searcher.search(
        &query,
        &TopDocs::with_limit(max_docs)
            .order_by_fast_field::<u64>(schema.article_key_column(), Order::Asc),
    )?;
    let mut counts: HashMap<String, usize> = HashMap::new();
    for (_, address) in sample {
        let doc: TantivyDocument = searcher.doc(address)?;
        let passage = schema.stored_passage(&doc);
        for text in [passage.title.as_str(), passage.text.as_str()] {
            analyzer.analyze(text, |token| {
                if token.term == term {
                    *counts
                        .entry(text[token.start..token.end].to_string())
                        .or_default() += 1;
                }
            });
        }
    }
    let mut forms: Vec<(String, usize)> = counts.into_iter().collect();
    // Most frequent first; among equals the lower-case spelling, then alphabetical.
    forms.sort_by(|a, b| {
        b.1.cmp(&a.1)
            .then_with(|| {
                let upper = |s: &str| s.chars().next().is_some_and(char::is_uppercase);
                upper(&a.0).cmp(&upper(&b.0))
            })
            .then_with(|| a.0.cmp(&b.0))
    });
    Ok(forms)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_whole_words_only() {
        assert_eq!(
            replace_word("Rute rutebaan", "Rute", "Rutte"),
            "Rutte rutebaan"
        );
        assert_eq!(replace_word("ruteX Rute", "Rute", "Rutte"), "ruteX Rutte");
        assert_eq!(replace_word("title:Rute", "Rute", "Rutte"), "title:Rutte");
        assert_eq!(replace_word("(a OR Rute)", "Rute", "Rutte"), "(a OR Rutte)");
        assert_eq!(replace_word("abc", "Rute", "Rutte"), "abc");
    }

    #[test]
    fn the_spelling_closest_to_the_typed_word_wins() {
        let forms = vec![("gemeenten".to_string(), 9), ("gemeente".to_string(), 4)];
        assert_eq!(
            closest_spelling(forms, "gemeemte").as_deref(),
            Some("gemeente")
        );
        let forms = vec![("Rutte".to_string(), 4), ("rutten".to_string(), 1)];
        assert_eq!(closest_spelling(forms, "rute").as_deref(), Some("Rutte"));
        assert_eq!(closest_spelling(Vec::new(), "rute"), None);
    }

    #[test]
    fn other_endings_are_not_misspellings() {
        assert!(only_ending_differs("stemhokjes", "stemhokje"));
        assert!(only_ending_differs("verkiezing", "verkiezingen"));
        assert!(!only_ending_differs("rute", "rutte"));
    }
}
