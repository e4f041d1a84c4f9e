//! Explanations (`--explain`): why a passage matched and how its score is made up.
//!
//! The words come from re-analyzing the passage and its title with the query's matchers
//! (the same code that highlights), so each match says through which analysis step it was
//! made: exact, folded, stem, hyphen, phrase, fuzzy or prefix. The score comes from
//! tantivy's own explanation of the BM25 computation, flattened into one part per term
//! with its boosts (title, fuzzy edits), idf and term frequency. Notes about the whole
//! query tell what its filters did and what its fuzzy and prefix words expanded to.

use std::collections::HashSet;

use anyhow::Result;
use serde::Serialize;
use serde_json::Value;
use tantivy::query::{Explanation, Weight};
use tantivy::schema::Schema;
use tantivy::{DocAddress, Searcher};

use crate::analysis::DutchAnalyzer;
use crate::filter::Filter;
use crate::index::ZoekIndex;
use crate::query::{self, Compiled, Matcher, Node};
use crate::search::{self, token_matches, Hit, Step};
use crate::vocab::{self, Pattern};

/// How many index terms a note lists for one fuzzy or prefix word.
const SHOWN_EXPANSIONS: usize = 8;

/// Why one hit matched.
#[derive(Debug, Clone, Serialize)]
pub struct Explain {
    /// The query's words and the words of the passage (or title) they matched.
    pub matches: Vec<WordMatch>,
    /// The score, one part per scored term or phrase; the parts add up to the score.
    pub parts: Vec<ScorePart>,
    /// tantivy's explanation tree, unchanged.
    pub tree: Value,
}

/// A query word and a word of the hit it matched.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WordMatch {
    /// As in the query: `verkiezing`, `verkiezingsfruade~2`, `verkiez*`, `"a phrase"`.
    pub query: String,
    /// `title` or `body`.
    pub field: &'static str,
    /// As written in the hit.
    pub text: String,
    /// `exact`, `folded`, `stem`, `hyphen`, `phrase`, `fuzzy` or `prefix`.
    pub step: &'static str,
    /// Edits of a fuzzy match.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub edits: Option<u8>,
}

/// One scored part of a hit's score.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ScorePart {
    /// What it adds to the score (boosts included).
    pub value: f32,
    /// `term`, `phrase`, `filter` (scores 0) or `other`.
    pub kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// The indexed term (a stem).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub term: Option<String>,
    /// The product of the boosts above it (title ×2, ×0.5 per fuzzy edit).
    pub boost: f32,
    /// BM25: inverse document frequency, and the term-frequency factor (k1+1)·tf/(tf+…):
    /// `value = boost × idf × tf`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub idf: Option<f32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tf: Option<f32>,
    /// Occurrences in the field, the field's length in words and the average length.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub freq: Option<f32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub length: Option<f32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub avg_length: Option<f32>,
    /// tantivy's description, for parts that are neither terms nor phrases.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

/// How a matcher reads in an explanation.
fn query_word(matcher: &Matcher) -> String {
    match matcher {
        Matcher::Term { word, .. } => word.clone(),
        Matcher::Phrase { text, .. } => format!("\"{text}\""),
        Matcher::Fuzzy { word, edits, .. } => format!("{word}~{edits}"),
        Matcher::Prefix { word, .. } => format!("{word}*"),
        Matcher::Part { word, .. } => word.clone(),
    }
}

fn word_matches(
    analyzer: &DutchAnalyzer,
    matchers: &[Matcher],
    text: &str,
    field: &'static str,
    out: &mut Vec<WordMatch>,
) {
    for m in token_matches(analyzer, matchers, text) {
        let found = WordMatch {
            query: query_word(&matchers[m.matcher]),
            field,
            text: text[m.start..m.end].to_string(),
            step: m.step.name(),
            edits: match m.step {
                Step::Fuzzy(n) => Some(n),
                _ => None,
            },
        };
        if !out.contains(&found) {
            out.push(found);
        }
    }
}

/// Explains one hit, with the query's weight (made once for all hits).
pub fn explain(
    searcher: &Searcher,
    weight: &dyn Weight,
    address: DocAddress,
    analyzer: &DutchAnalyzer,
    compiled: &Compiled,
    hit: &Hit,
) -> Result<Explain> {
    let mut matches = Vec::new();
    word_matches(
        analyzer,
        &compiled.title_matchers,
        &hit.title,
        "title",
        &mut matches,
    );
    word_matches(
        analyzer,
        &compiled.matchers,
        &hit.passage,
        "body",
        &mut matches,
    );
    let explanation: Explanation =
        weight.explain(searcher.segment_reader(address.segment_ord), address.doc_id)?;
    let tree = serde_json::to_value(&explanation)?;
    let mut parts = Vec::new();
    flatten(&tree, 1.0, searcher.schema(), &mut parts);
    Ok(Explain {
        matches,
        parts,
        tree,
    })
}

fn number(node: &Value) -> f32 {
    node["value"].as_f64().unwrap_or_default() as f32
}

fn description(node: &Value) -> &str {
    node["description"].as_str().unwrap_or_default()
}

fn details(node: &Value) -> &[Value] {
    node["details"].as_array().map_or(&[], Vec::as_slice)
}

fn detail<'a>(node: &'a Value, starts: &str) -> Option<&'a Value> {
    details(node)
        .iter()
        .find(|d| description(d).starts_with(starts))
}

/// `Term=Term(field=1, type=Str, "verkiez")` → (`body`, `verkiez`).
fn term_of(context: &str, schema: &Schema) -> Option<(String, String)> {
    let rest = context.strip_prefix("Term=Term(field=")?;
    let (id, rest) = rest.split_once(',')?;
    let field = schema
        .fields()
        .find(|(f, _)| f.field_id().to_string() == id)
        .map(|(_, entry)| entry.name().to_string())?;
    let value = rest.split_once(", ")?.1.strip_suffix(')')?;
    let term = serde_json::from_str::<String>(value).unwrap_or_else(|_| value.to_string());
    Some((field, term))
}

/// Fills `part` with the BM25 factors of a `TermQuery, product of...` node.
fn bm25(node: &Value, part: &mut ScorePart) {
    let idf = detail(node, "idf").map(number);
    let k1_plus_1 = detail(node, "(K1+1)").map_or(1.0, number);
    if let Some(tf) = detail(node, "freq / (freq") {
        part.tf = Some(number(tf) * k1_plus_1);
        part.freq = detail(tf, "freq,").map(number);
        part.length = detail(tf, "dl,").map(number);
        part.avg_length = detail(tf, "avgdl").map(number);
    }
    part.idf = idf;
}

fn flatten(node: &Value, boost: f32, schema: &Schema, parts: &mut Vec<ScorePart>) {
    let what = description(node);
    if let Some(factor) = what
        .strip_prefix("Boost x")
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|f| f.parse::<f32>().ok())
    {
        for child in details(node) {
            flatten(child, boost * factor, schema, parts);
        }
        return;
    }
    let mut part = ScorePart {
        value: number(node) * boost,
        boost,
        ..ScorePart::default()
    };
    if what.starts_with("TermQuery") {
        part.kind = "term";
        if let Some((field, term)) = node["context"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .find_map(|c| term_of(c, schema))
        {
            part.field = Some(field);
            part.term = Some(term);
        }
        bm25(node, &mut part);
    } else if what == "Phrase Scorer" {
        part.kind = "phrase";
        if let Some(inner) = detail(node, "TermQuery") {
            bm25(inner, &mut part);
        }
    } else if what == "Const" {
        part.kind = "filter";
    } else if !details(node).is_empty() {
        for child in details(node) {
            flatten(child, boost, schema, parts);
        }
        return;
    } else {
        part.kind = "other";
        part.description = Some(what.to_string());
    }
    parts.push(part);
}

fn filters(node: &Node, out: &mut Vec<Filter>) {
    match node {
        Node::Filter(f) if !out.contains(f) => out.push(f.clone()),
        Node::And(items) | Node::Or(items) => items.iter().for_each(|n| filters(n, out)),
        Node::Not(inner) => filters(inner, out),
        _ => {}
    }
}

/// Remarks about the whole query: its filters, what the date filter left out, and the
/// index terms its fuzzy and prefix words expanded to.
pub fn notes(index: &ZoekIndex, searcher: &Searcher, compiled: &Compiled) -> Result<Vec<String>> {
    let mut notes = Vec::new();
    let mut found = Vec::new();
    filters(&compiled.node, &mut found);
    for filter in &found {
        notes.push(format!("filter: {filter}"));
    }
    if let Some(probe) = query::undated_probe(
        &compiled.node,
        compiled.mode,
        &index.analyzer,
        &index.fields,
    )
    .map_err(|e| anyhow::anyhow!("invalid query: {e}"))?
    {
        let left_out = search::count(searcher, probe.as_ref())?;
        notes.push(format!(
            "articles without a date are excluded by the date filter: {} passages of {} articles without a date would otherwise match",
            left_out.passages, left_out.articles
        ));
    }
    let mut seen = HashSet::new();
    for matcher in compiled.matchers.iter().chain(&compiled.title_matchers) {
        let pattern = match matcher {
            Matcher::Fuzzy { term, edits, .. } => Pattern::Fuzzy {
                term: term.clone(),
                edits: *edits,
            },
            Matcher::Prefix { terms, .. } => Pattern::Prefix(terms.clone()),
            _ => continue,
        };
        let word = query_word(matcher);
        if !seen.insert(word.clone()) {
            continue;
        }
        let expansions =
            vocab::expand(searcher, &[index.fields.title, index.fields.body], &pattern)?;
        let shown: Vec<String> = expansions
            .iter()
            .take(SHOWN_EXPANSIONS)
            .map(|e| match e.edits {
                0 => format!("{} ({})", e.term, e.doc_freq),
                n => format!(
                    "{} ({}, {n} edit{})",
                    e.term,
                    e.doc_freq,
                    if n == 1 { "" } else { "s" }
                ),
            })
            .collect();
        let more = expansions.len().saturating_sub(SHOWN_EXPANSIONS);
        notes.push(format!(
            "{word} expands to {} index term{}: {}{}",
            expansions.len(),
            if expansions.len() == 1 { "" } else { "s" },
            if shown.is_empty() {
                "none".to_string()
            } else {
                shown.join(", ")
            },
            if more > 0 {
                format!(", … {more} more")
            } else {
                String::new()
            }
        ));
    }
    Ok(notes)
}
