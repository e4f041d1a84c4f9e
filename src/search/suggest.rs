//! Suggestions ("did you mean: verkiezingsfraude?"): a correction of the query's words taken
//! from the index's own vocabulary, only where it helps.
//!
//! The index holds stems, so a suggestion is found among stems and then shown as the word
//! the archive actually writes: the spelling behind that stem, in articles that hold it,
//! closest to what was typed ([`surface_forms`]), and no further from it than the edits
//! allowed. A word of three letters or more, not a stopword and not a number, is corrected
//! when
//! - its term is in no article, and a term within one or two edits is (`verkiezingsfruade`);
//! - it is a long word (six letters or more) whose term is in one place only (the title or
//!   the body of one article), and a term one edit away is in thirty times as many (a typo
//!   the archive happens to share; a rare short word is more often a name or an
//!   abbreviation);
//! - as typed it occurs nowhere, though it matched other words through their stem, and the
//!   archive writes that stem within those edits, not just with another ending (`Rute`
//!   finds `Rutte` because both stem to `rut`; zoek says so).
//!
//! So a query whose words are all common gets none, whatever it found, and the correction
//! replaces only the word's letters, leaving the rest of the query as typed.

use std::collections::HashMap;

use tantivy::collector::TopDocs;
use tantivy::query::{BooleanQuery, Occur, Query, TermQuery};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{Order, Searcher, TantivyDocument, Term};

use std::ops::Range;

use crate::analysis::{fold, DutchAnalyzer, TokenKind};
use crate::index::{Schema, TextField, ZoekIndex};
use crate::query::vocab::{self, Pattern};
use crate::query::{auto_edits, Node, Text};

/// How many articles are read to find how a term is written; a term in no more articles
/// than this is known completely.
const SAMPLE_ARTICLES: usize = 16;

/// How many neighbours (closest and most frequent first) are looked up for a spelling.
const NEIGHBOURS_READ: usize = 5;

/// A word in no more fields of articles than this (its title and body count apart) is rare
/// enough to be a typo: one place, as a typo the archive shares (3 when every passage
/// repeated its title: a headline's word was in several documents; 1 keeps as few
/// suggestions for headlines as typed, 0.2%, and restores 74.4% of typos, against 0.8% and
/// 74.8% for 3, bench/suggestions.py) ...
const RARE_PLACES: u64 = 1;
/// ... when a term within its edits is in this many times as many.
const MORE_FREQUENT: u64 = 30;

/// A corrected query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suggestion {
    /// The whole query with its words corrected.
    pub query: String,
    /// Each corrected word and its replacement.
    pub replaced: Vec<(String, String)>,
}

/// The words of the query that must or may match (not negated), as typed.
fn positive_words<'n>(node: &'n Node, out: &mut Vec<&'n Text>) {
    match node {
        Node::Word(word) => out.push(word),
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

/// A correction for the query `input` (parsed as `node`), if one is due.
pub fn suggest(
    index: &ZoekIndex,
    searcher: &Searcher,
    input: &str,
    node: &Node,
) -> tantivy::Result<Option<Suggestion>> {
    let schema = index.schema();
    let fields = text_fields(schema);
    let analyzer = index.analyzer();
    let mut leaves = Vec::new();
    positive_words(node, &mut leaves);
    // (byte range in `input`, the word as typed, its replacement)
    let mut replaced: Vec<(Range<usize>, String, String)> = Vec::new();
    for leaf in leaves {
        for token in analyzer.tokens(&leaf.text) {
            if token.kind != TokenKind::Word || token.stopword {
                continue;
            }
            let surface = &leaf.text[token.start..token.end];
            let edits = auto_edits(surface);
            if edits == 0 || !surface.chars().all(char::is_alphabetic) {
                continue;
            }
            let typed = fold::fold(surface);
            let correction = correction(index, searcher, &fields, &token.term, &typed, edits)?;
            let Some(better) = correction else {
                continue;
            };
            let stopword = analyzer.tokens(&better).iter().any(|t| t.stopword);
            if fold::fold(&better) == typed || stopword {
                continue;
            }
            let at = leaf.span.start + token.start..leaf.span.start + token.end;
            replaced.push((at, surface.to_string(), better));
        }
    }
    if replaced.is_empty() {
        return Ok(None);
    }
    let mut query = input.to_string();
    for (at, _, better) in replaced.iter().rev() {
        query.replace_range(at.clone(), better);
    }
    // No control character (a tab pasted into a batch file) reaches the suggestion.
    let query = query
        .split(|c: char| c.is_whitespace() || c.is_control())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    Ok(Some(Suggestion {
        query,
        replaced: replaced.into_iter().map(|(_, w, b)| (w, b)).collect(),
    }))
}

/// The spelling the archive writes for a typed word whose term is `term`, when the word
/// looks mistyped; see the module documentation.
fn correction(
    index: &ZoekIndex,
    searcher: &Searcher,
    fields: &[Field],
    term: &str,
    typed: &str,
    edits: u8,
) -> tantivy::Result<Option<String>> {
    let schema = index.schema();
    let analyzer = index.analyzer();
    // The spelling shown must itself be within the edits of what was typed: two stems a
    // couple of edits apart can be written far apart (`sybin` and `binn`).
    let within = |form: &str, edits: u8| {
        vocab::edit_distance(&fold::fold(form), typed, usize::from(edits)).is_some()
    };
    let neighbour = |at_least: u64, edits: u8| -> tantivy::Result<Option<String>> {
        let pattern = Pattern::Fuzzy {
            term: term.to_string(),
            edits,
        };
        let candidates = vocab::expand(searcher, fields, &pattern)?.unwrap_or_default();
        let candidates = candidates
            .into_iter()
            .filter(|c| c.term != term && c.doc_freq >= at_least)
            .take(NEIGHBOURS_READ);
        for candidate in candidates {
            let forms =
                surface_forms(searcher, schema, analyzer, &candidate.term, SAMPLE_ARTICLES)?;
            if let Some(form) = closest_spelling(forms, typed).filter(|f| within(f, edits)) {
                return Ok(Some(form));
            }
        }
        Ok(None)
    };
    let doc_freq = vocab::doc_freq(searcher, fields, term)?;
    if doc_freq == 0 {
        return neighbour(1, edits);
    }
    // Only a long word (one allowed two edits): a rare short word is more often a name or
    // an abbreviation (`Zwaan`, `Apk`) than a slip on a frequent one.
    if doc_freq <= RARE_PLACES && edits >= 2 {
        if let Some(better) = neighbour(doc_freq.saturating_mul(MORE_FREQUENT), 1)? {
            return Ok(Some(better));
        }
    }
    if doc_freq > SAMPLE_ARTICLES as u64 {
        return Ok(None);
    }
    // Every article with the term is read: is the word ever written as typed?
    let forms = surface_forms(searcher, schema, analyzer, term, SAMPLE_ARTICLES)?;
    if forms.iter().any(|(form, _)| fold::fold(form) == typed) {
        return Ok(None);
    }
    Ok(closest_spelling(forms, typed)
        .filter(|form| !only_ending_differs(&fold::fold(form), typed) && within(form, edits)))
}

/// The title and body fields, where the archive's words are looked up.
fn text_fields(schema: &Schema) -> [Field; 2] {
    [
        schema.text_field(TextField::Title),
        schema.text_field(TextField::Body),
    ]
}

/// The words as written that the analyzer reduces to `term`, with how often each occurs,
/// the most frequent first, looked up in at most `max_docs` articles that hold the term
/// (all of them when there are no more).
/// This is how a stem (`verkiezingsfraud`) becomes a word to show (`verkiezingsfraude`).
pub fn surface_forms(
    searcher: &Searcher,
    schema: &Schema,
    analyzer: &DutchAnalyzer,
    term: &str,
    max_docs: usize,
) -> tantivy::Result<Vec<(String, usize)>> {
    let fields = text_fields(schema);
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
    // A sample in article-hash order: deterministic, and not biased towards the articles
    // that repeat one form most (as a score order would be).
    let sample = searcher.search(
        &query,
        &TopDocs::with_limit(max_docs)
            .order_by_fast_field::<u64>(schema.article_key_column(), Order::Asc),
    )?;
    let mut counts: HashMap<String, usize> = HashMap::new();
    for (_, address) in sample {
        let doc: TantivyDocument = searcher.doc(address)?;
        let article = schema.stored_article(&doc);
        for text in [article.info.title.as_str(), article.body.as_str()] {
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
