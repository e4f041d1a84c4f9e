//! Explanations (`--explain`): why a passage matched and how its score is made up.
//!
//! The words come from re-analyzing the passage and its title with the query's matchers
//! (the same code that highlights), so each match says through which analysis step it was
//! made: exact, folded, stem, hyphen, phrase, fuzzy or prefix. The score comes from
//! tantivy's own explanation of the BM25 computation, flattened into one part per term
//! with its boosts (title, fuzzy edits), idf and term frequency. Notes about the whole
//! query tell what its filters did and what its fuzzy and prefix words expanded to. All of
//! it is data; `output` words it.

use std::collections::HashSet;

use serde_json::Value;
use tantivy::query::{Explanation, Weight};
use tantivy::schema::Field;
use tantivy::{DocAddress, Searcher};

use super::highlight::{token_matches, Step};
use super::rank::{self, Count};
use crate::analysis::DutchAnalyzer;
use crate::index::{Schema, StoredPassage, TextField, ZoekIndex};
use crate::query::vocab::{self, Expansion};
use crate::query::{Compiled, Filter, MatchMode, Matcher, Node};

/// How many index terms a note lists for one fuzzy or prefix word.
pub const SHOWN_EXPANSIONS: usize = 8;

/// Why one hit matched.
#[derive(Debug, Clone)]
pub struct Explain {
    /// The query's words and the words of the passage (or title) they matched.
    pub matches: Vec<WordMatch>,
    /// The score, one part per scored term or phrase; the parts add up to the score.
    pub parts: Vec<ScorePart>,
    /// tantivy's explanation tree, unchanged.
    pub tree: Value,
}

/// A query word and a word of the hit it matched.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WordMatch {
    /// As in the query: `verkiezing`, `verkiezingsfruade~2`, `verkiez*`, `"a phrase"`.
    pub query: String,
    pub field: TextField,
    /// As written in the hit.
    pub text: String,
    pub step: Step,
}

/// What a scored part of a hit's score is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PartKind {
    Term,
    Phrase,
    /// A filter clause: scores 0.
    Filter,
    /// A factor the sum of the other parts is multiplied by (ranked search).
    Factor,
    #[default]
    Other,
}

/// One scored part of a hit's score.
#[derive(Debug, Clone, Default)]
pub struct ScorePart {
    /// What it adds to the score (boosts included).
    pub value: f32,
    pub kind: PartKind,
    /// The index field.
    pub field: Option<String>,
    /// The indexed term (a stem).
    pub term: Option<String>,
    /// The product of the boosts above it (title ×2, ×0.5 per fuzzy edit).
    pub boost: f32,
    /// BM25: inverse document frequency, and the term-frequency factor (k1+1)·tf/(tf+…):
    /// `value = boost × idf × tf`.
    pub idf: Option<f32>,
    pub tf: Option<f32>,
    /// Occurrences in the field, the field's length in words and the average length.
    pub freq: Option<f32>,
    pub length: Option<f32>,
    pub avg_length: Option<f32>,
    /// tantivy's description, for parts that are neither terms nor phrases.
    pub description: Option<String>,
}

/// A remark about a whole query.
#[derive(Debug, Clone, PartialEq)]
pub enum Note {
    /// A filter of the query.
    Filter(Filter),
    /// What the query's date filter left out: passages (of articles) without a date that
    /// would otherwise match.
    UndatedLeftOut(Count),
    /// What a fuzzy or prefix word expanded to: the first few index terms of `total`
    /// (`None`: more than [`vocab::MAX_EXPANSIONS`]).
    Expansion {
        word: String,
        total: Option<usize>,
        shown: Vec<Expansion>,
    },
}

/// How a matcher reads in an explanation.
pub fn query_word(matcher: &Matcher) -> String {
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
    field: TextField,
    out: &mut Vec<WordMatch>,
) {
    for m in token_matches(analyzer, matchers, text) {
        let found = WordMatch {
            query: query_word(&matchers[m.matcher]),
            field,
            text: text[m.start..m.end].to_string(),
            step: m.step,
        };
        if !out.contains(&found) {
            out.push(found);
        }
    }
}

/// Which query words a hit's passage and title hold, and through which analysis step.
fn matches(index: &ZoekIndex, compiled: &Compiled, passage: &StoredPassage) -> Vec<WordMatch> {
    let analyzer = index.analyzer();
    let mut matches = Vec::new();
    word_matches(
        analyzer,
        &compiled.title_matchers,
        &passage.article.title,
        TextField::Title,
        &mut matches,
    );
    word_matches(
        analyzer,
        &compiled.matchers,
        &passage.text,
        TextField::Body,
        &mut matches,
    );
    matches
}

/// Explains one hit of a search with every word required (or `--match any`), from
/// tantivy's own explanation with the query's weight (made once for all hits).
pub fn explain(
    index: &ZoekIndex,
    searcher: &Searcher,
    weight: &dyn Weight,
    address: DocAddress,
    compiled: &Compiled,
    passage: &StoredPassage,
) -> tantivy::Result<Explain> {
    let explanation: Explanation =
        weight.explain(searcher.segment_reader(address.segment_ord), address.doc_id)?;
    let tree = serde_json::to_value(&explanation)
        .map_err(|e| tantivy::TantivyError::InternalError(e.to_string()))?;
    let mut parts = Vec::new();
    flatten(&tree, 1.0, index.schema(), &mut parts);
    Ok(Explain {
        matches: matches(index, compiled, passage),
        parts,
        tree,
    })
}

/// Explains one hit of a ranked search: the parts of its article's ranked score, with a
/// tree of the same shape as tantivy's explanations.
pub fn explain_ranked(
    index: &ZoekIndex,
    compiled: &Compiled,
    passage: &StoredPassage,
    score: f32,
    parts: Vec<ScorePart>,
) -> Explain {
    let details: Vec<Value> = parts
        .iter()
        .map(|p| {
            let what = match (&p.field, &p.term, &p.description) {
                (Some(field), Some(term), _) => format!("{field}:{term} × {}", p.boost),
                (_, _, Some(description)) => description.clone(),
                _ => String::new(),
            };
            serde_json::json!({ "value": p.value, "description": what })
        })
        .collect();
    let tree = serde_json::json!({
        "value": score,
        "description": "ranked score of the article: the sum of the term parts and proximity, times the factors",
        "details": details,
    });
    Explain {
        matches: matches(index, compiled, passage),
        parts,
        tree,
    }
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
        .field_name(Field::from_field_id(id.parse().ok()?))
        .to_string();
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
        part.kind = PartKind::Term;
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
        part.kind = PartKind::Phrase;
        if let Some(inner) = detail(node, "TermQuery") {
            bm25(inner, &mut part);
        }
    } else if what == "Const" {
        part.kind = PartKind::Filter;
    } else if !details(node).is_empty() {
        for child in details(node) {
            flatten(child, boost, schema, parts);
        }
        return;
    } else {
        part.description = Some(what.to_string());
    }
    parts.push(part);
}

fn filters(node: &Node, out: &mut Vec<Filter>) {
    match node {
        Node::Filter(f, _) if !out.contains(f) => out.push(f.clone()),
        Node::And(items) | Node::Or(items) => items.iter().for_each(|n| filters(n, out)),
        Node::Not(inner) => filters(inner, out),
        _ => {}
    }
}

/// Remarks about the whole query: its filters, what the date filter left out, and the
/// index terms its fuzzy and prefix words expanded to.
pub fn notes(
    index: &ZoekIndex,
    searcher: &Searcher,
    compiled: &Compiled,
    mode: MatchMode,
) -> tantivy::Result<Vec<Note>> {
    let mut found = Vec::new();
    filters(&compiled.node, &mut found);
    let mut notes: Vec<Note> = found.into_iter().map(Note::Filter).collect();
    if let Some(probe) = compiled.undated_probe(index.schema(), mode) {
        notes.push(Note::UndatedLeftOut(rank::count(searcher, probe.as_ref())?));
    }
    let schema = index.schema();
    let fields = [
        schema.text_field(TextField::Title),
        schema.text_field(TextField::Body),
    ];
    let mut seen = HashSet::new();
    for matcher in compiled.matchers.iter().chain(&compiled.title_matchers) {
        let Some(pattern) = matcher.pattern() else {
            continue;
        };
        let word = query_word(matcher);
        if !seen.insert(word.clone()) {
            continue;
        }
        let expansions = vocab::expand(searcher, &fields, &pattern)?;
        notes.push(Note::Expansion {
            word,
            total: expansions.as_ref().map(Vec::len),
            shown: expansions
                .unwrap_or_default()
                .into_iter()
                .take(SHOWN_EXPANSIONS)
                .collect(),
        });
    }
    Ok(notes)
}
