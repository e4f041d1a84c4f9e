//! The index's vocabulary: which indexed terms lie within a few edits of a term (`word~`)
//! or start with a prefix (`verkiez*`), and how many documents hold them.
//!
//! [`ExpandQuery`] is how fuzzy and prefix words search: when tantivy asks it for a weight,
//! it looks the pattern up in the term dictionary of every segment and becomes an ordinary
//! BM25 query over the terms it found, so those matches are ranked (tantivy's own fuzzy
//! query gives every match the same score) and can be explained term by term.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};

use tantivy::query::{
    BooleanQuery, BoostQuery, ConstScoreQuery, EmptyQuery, EnableScoring, FuzzyTermQuery, Occur,
    Query, TermQuery, TermSetQuery, Weight,
};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{Searcher, Term};

use crate::analysis::PrefixTerms;

/// Each edit multiplies the weight of a fuzzy match by this, so the word as typed ranks
/// above its neighbours.
pub const FUZZY_EDIT_BOOST: f32 = 0.5;

/// The most index terms one fuzzy word or prefix may stand for; beyond it the word is
/// refused (a prefix of two letters would otherwise search a good part of the
/// dictionary).
pub const MAX_EXPANSIONS: usize = 1_000;

/// The expansions of one pattern that are scored by BM25 (the closest, then the most
/// frequent); any further ones still match, with no score of their own.
pub const MAX_SCORED_EXPANSIONS: usize = 64;

/// What a fuzzy or prefix word matches.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Pattern {
    /// Terms within `edits` edits (insert, delete, substitute, swap two neighbours) of `term`.
    Fuzzy { term: String, edits: u8 },
    /// Terms starting with the prefix, and the prefix read as a whole word.
    Prefix(PrefixTerms),
}

impl Pattern {
    /// The edits between `term` and the pattern when it matches (0 for a prefix).
    pub fn matches(&self, term: &str) -> Option<u8> {
        match self {
            Pattern::Fuzzy {
                term: target,
                edits,
            } => edit_distance(term, target, usize::from(*edits)).map(|d| d as u8),
            Pattern::Prefix(p) => {
                (term.starts_with(p.prefix.as_str()) || term == p.as_word).then_some(0)
            }
        }
    }
}

/// One indexed term a pattern matched.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Expansion {
    pub term: String,
    /// Edits from the pattern's term (0 for prefixes and the term itself).
    pub edits: u8,
    /// Passages that hold the term, over all segments and the fields looked in.
    pub doc_freq: u64,
}

/// Optimal string alignment distance between `a` and `b` in characters (an adjacent swap
/// counts as one edit, as in tantivy's fuzzy automaton), or `None` beyond `max`.
pub fn edit_distance(a: &str, b: &str, max: usize) -> Option<usize> {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    if a.len().abs_diff(b.len()) > max {
        return None;
    }
    let width = b.len() + 1;
    let mut before: Vec<usize> = vec![0; width];
    let mut previous: Vec<usize> = (0..width).collect();
    let mut current: Vec<usize> = vec![0; width];
    for i in 1..=a.len() {
        current[0] = i;
        let mut row_min = current[0];
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut d = (previous[j] + 1)
                .min(current[j - 1] + 1)
                .min(previous[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                d = d.min(before[j - 2] + 1);
            }
            current[j] = d;
            row_min = row_min.min(d);
        }
        if row_min > max {
            return None;
        }
        std::mem::swap(&mut before, &mut previous);
        std::mem::swap(&mut previous, &mut current);
    }
    let distance = previous[b.len()];
    (distance <= max).then_some(distance)
}

/// The terms of `fields` that `pattern` matches, closest first, then the most frequent,
/// then alphabetically; `None` when there are more than [`MAX_EXPANSIONS`] (the walk of
/// the dictionary stops there).
pub fn expand(
    searcher: &Searcher,
    fields: &[Field],
    pattern: &Pattern,
) -> tantivy::Result<Option<Vec<Expansion>>> {
    let mut found: BTreeMap<String, u64> = BTreeMap::new();
    // The automaton matches term text whatever the field; it is built once.
    let automaton = match (pattern, fields.first()) {
        (Pattern::Fuzzy { term, edits }, Some(&field)) => Some(
            FuzzyTermQuery::new(Term::from_field_text(field, term), *edits, true).automaton()?,
        ),
        _ => None,
    };
    for segment in searcher.segment_readers() {
        for &field in fields {
            let inverted = segment.inverted_index(field)?;
            let terms = inverted.terms();
            match pattern {
                Pattern::Fuzzy { .. } => {
                    let Some(automaton) = &automaton else {
                        continue;
                    };
                    let mut stream = terms.search(automaton).into_stream()?;
                    while stream.advance() {
                        if let Ok(key) = std::str::from_utf8(stream.key()) {
                            *found.entry(key.to_string()).or_default() +=
                                u64::from(stream.value().doc_freq);
                        }
                        if found.len() > MAX_EXPANSIONS {
                            return Ok(None);
                        }
                    }
                }
                Pattern::Prefix(p) => {
                    let mut stream = terms.range().ge(p.prefix.as_bytes()).into_stream()?;
                    while stream.advance() {
                        if !stream.key().starts_with(p.prefix.as_bytes()) {
                            break;
                        }
                        if let Ok(key) = std::str::from_utf8(stream.key()) {
                            *found.entry(key.to_string()).or_default() +=
                                u64::from(stream.value().doc_freq);
                        }
                        if found.len() > MAX_EXPANSIONS {
                            return Ok(None);
                        }
                    }
                    if !p.as_word.starts_with(p.prefix.as_str()) {
                        if let Some(info) = terms.get(p.as_word.as_bytes())? {
                            *found.entry(p.as_word.clone()).or_default() +=
                                u64::from(info.doc_freq);
                        }
                    }
                }
            }
        }
    }
    let mut expansions: Vec<Expansion> = found
        .into_iter()
        .map(|(term, doc_freq)| Expansion {
            // The automaton and the distance agree; the fallback only guards the order.
            edits: pattern.matches(&term).unwrap_or(u8::MAX),
            term,
            doc_freq,
        })
        .collect();
    expansions.sort_by(|a, b| {
        a.edits
            .cmp(&b.edits)
            .then(b.doc_freq.cmp(&a.doc_freq))
            .then(a.term.cmp(&b.term))
    });
    Ok(Some(expansions))
}

/// Documents holding `term` in any of `fields`.
pub fn doc_freq(searcher: &Searcher, fields: &[Field], term: &str) -> tantivy::Result<u64> {
    let mut total = 0;
    for &field in fields {
        total += searcher.doc_freq(&Term::from_field_text(field, term))?;
    }
    Ok(total)
}

/// The expansions of one pattern, per searcher generation and field: shared by every query
/// built from one compiled query, so ranking, explaining and counting look the dictionary
/// up once.
pub type ExpansionCache = Arc<Mutex<HashMap<(u64, Field), Arc<Vec<Expansion>>>>>;

/// The expansions of `pattern` in `field` of the searcher's index, from `cache` when they
/// were looked up before; `None` when there are too many.
pub fn expansions(
    searcher: &Searcher,
    field: Field,
    pattern: &Pattern,
    cache: &ExpansionCache,
) -> tantivy::Result<Option<Arc<Vec<Expansion>>>> {
    let key = (searcher.generation().generation_id(), field);
    let mut cache = cache
        .lock()
        .map_err(|_| tantivy::TantivyError::InternalError("expansion cache".into()))?;
    if let Some(expansions) = cache.get(&key) {
        return Ok(Some(expansions.clone()));
    }
    let Some(expansions) = expand(searcher, &[field], pattern)? else {
        return Ok(None);
    };
    let expansions = Arc::new(expansions);
    cache.insert(key, expansions.clone());
    Ok(Some(expansions))
}

/// A fuzzy or prefix word in one field, expanded against the searcher it runs on.
#[derive(Debug, Clone)]
pub struct ExpandQuery {
    field: Field,
    pattern: Pattern,
    cache: ExpansionCache,
}

impl ExpandQuery {
    pub fn new(field: Field, pattern: Pattern, cache: ExpansionCache) -> Self {
        ExpandQuery {
            field,
            pattern,
            cache,
        }
    }

    fn expansions(&self, searcher: &Searcher) -> tantivy::Result<Arc<Vec<Expansion>>> {
        expansions(searcher, self.field, &self.pattern, &self.cache)?.ok_or_else(|| {
            tantivy::TantivyError::InvalidArgument(format!(
                "a fuzzy word or prefix stands for more than {MAX_EXPANSIONS} index terms"
            ))
        })
    }

    /// The query the expansion stands for: the closest and most frequent terms scored by
    /// BM25 (weighed down by [`FUZZY_EDIT_BOOST`] per edit), the rest matched unscored.
    fn rewrite(&self, expansions: &[Expansion]) -> Box<dyn Query> {
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        for expansion in expansions.iter().take(MAX_SCORED_EXPANSIONS) {
            let query: Box<dyn Query> = Box::new(TermQuery::new(
                Term::from_field_text(self.field, &expansion.term),
                IndexRecordOption::WithFreqs,
            ));
            let boost = FUZZY_EDIT_BOOST.powi(i32::from(expansion.edits));
            clauses.push((
                Occur::Should,
                if expansion.edits == 0 {
                    query
                } else {
                    Box::new(BoostQuery::new(query, boost))
                },
            ));
        }
        if expansions.len() > MAX_SCORED_EXPANSIONS {
            let rest = expansions[MAX_SCORED_EXPANSIONS..]
                .iter()
                .map(|e| Term::from_field_text(self.field, &e.term));
            clauses.push((
                Occur::Should,
                Box::new(ConstScoreQuery::new(Box::new(TermSetQuery::new(rest)), 0.0)),
            ));
        }
        match clauses.len() {
            0 => Box::new(EmptyQuery),
            1 => clauses.remove(0).1,
            _ => Box::new(BooleanQuery::new(clauses)),
        }
    }
}

impl Query for ExpandQuery {
    fn weight(&self, enable_scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        let searcher = enable_scoring.searcher().ok_or_else(|| {
            tantivy::TantivyError::InvalidArgument(
                "a fuzzy or prefix word needs a searcher to expand".into(),
            )
        })?;
        let expansions = self.expansions(searcher)?;
        self.rewrite(&expansions).weight(enable_scoring)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edit_distance_counts_swaps_as_one() {
        assert_eq!(
            edit_distance("verkiezingsfruad", "verkiezingsfraud", 2),
            Some(1)
        );
        assert_eq!(edit_distance("rut", "rut", 0), Some(0));
        assert_eq!(edit_distance("kreb", "krebs", 1), Some(1));
        assert_eq!(edit_distance("kreb", "krab", 1), Some(1));
        assert_eq!(edit_distance("abc", "xyz", 2), None);
        assert_eq!(edit_distance("abcd", "a", 2), None);
        assert_eq!(
            edit_distance("café", "cafe", 1),
            Some(1),
            "characters, not bytes"
        );
    }

    #[test]
    fn patterns_match_like_the_query_expands() {
        let fuzzy = Pattern::Fuzzy {
            term: "verkiezingsfruad".into(),
            edits: 1,
        };
        assert_eq!(fuzzy.matches("verkiezingsfraud"), Some(1));
        assert_eq!(fuzzy.matches("verkiezingsfruad"), Some(0));
        assert_eq!(fuzzy.matches("verkiez"), None);
        let prefix = Pattern::Prefix(PrefixTerms {
            prefix: "rutte".into(),
            as_word: "rut".into(),
        });
        assert_eq!(prefix.matches("rut"), Some(0));
        assert_eq!(prefix.matches("ruttes"), Some(0));
        assert_eq!(prefix.matches("ru"), None);
    }
}
