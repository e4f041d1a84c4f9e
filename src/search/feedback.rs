//! Pseudo-relevance feedback (`--feedback`): words that the best articles of a ranked query
//! share, added to it with a small weight, and the same candidates scored again.
//!
//! RM3-style: each of the first [`FEEDBACK_ARTICLES`] articles' text is analyzed with the
//! index's analyzer; a word's weight is its share of the article times the article's score
//! relative to the best, summed over the articles; the [`POOL`] most probable words that
//! are not the query's and that more than one article holds are weighted by idf, and the
//! best [`TERMS`] join the query with weights relative to the best one. Measured on both
//! evaluation sets it raised the dev topics (nDCG@10 0.7786 -> 0.7882) and left the pasted
//! headlines within noise (MRR@10 0.7825 -> 0.7797), at 1.6 times the median latency
//! (bench/relevance-variants.md, rows 131-133): an option, not the default.

use std::collections::{HashMap, HashSet};

use tantivy::query::Query;
use tantivy::Term;

use super::ranked::{RankedArticle, Ranking, POOL as POOL_ARTICLES};
use crate::analysis::{DutchAnalyzer, TokenKind};
use crate::index::TextField;

/// The best articles whose words are taken.
const FEEDBACK_ARTICLES: usize = 5;
/// The most probable words that are weighed by idf.
const POOL: usize = 50;
/// The words added to the query.
const TERMS: usize = 10;
/// A word shorter than this, a stopword or one with a digit is never added.
const MIN_CHARS: usize = 3;

/// `ranking` with the words that the best articles for `candidates` share added; it ranks
/// the same candidates (the pool is gathered by the query's own terms).
pub fn with_feedback<'a>(
    ranking: &Ranking<'a>,
    analyzer: &DutchAnalyzer,
    candidates: &dyn Query,
) -> tantivy::Result<Ranking<'a>> {
    let first = ranking.articles(candidates, POOL_ARTICLES)?;
    let expansion = expansion(ranking, analyzer, &first)?;
    Ranking::new(
        ranking.searcher,
        ranking.schema,
        ranking.articles,
        ranking.words.expanded(&expansion),
    )
}

/// The expansion words of a ranked query, best first, with weights relative to the best
/// (1.0): from the first articles of `articles`, the ranking's own order.
fn expansion(
    ranking: &Ranking,
    analyzer: &DutchAnalyzer,
    articles: &[RankedArticle],
) -> tantivy::Result<Vec<(String, f32)>> {
    let top = &articles[..articles.len().min(FEEDBACK_ARTICLES)];
    let Some(best) = top.first().map(|a| a.ranked.score.max(f32::MIN_POSITIVE)) else {
        return Ok(Vec::new());
    };
    let query_terms: HashSet<&str> = ranking.words.terms.iter().map(String::as_str).collect();
    let mut model: HashMap<String, f32> = HashMap::new();
    for article in top {
        let passages = ranking.articles.passages(article.ranked.address)?;
        let mut counts: HashMap<String, f32> = HashMap::new();
        let mut words = 0.0f32;
        for token in passages.iter().flat_map(|p| analyzer.tokens(&p.text)) {
            if token.kind != TokenKind::Word {
                continue;
            }
            words += 1.0;
            let kept = !token.stopword
                && token.term.chars().count() >= MIN_CHARS
                && !token.term.chars().any(char::is_numeric);
            if kept {
                *counts.entry(token.term).or_default() += 1.0;
            }
        }
        let weight = article.ranked.score / best;
        for (term, count) in counts {
            *model.entry(term).or_default() += weight * count / words.max(1.0);
        }
    }
    let mut model: Vec<(String, f32)> = model.into_iter().collect();
    model.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    model.truncate(POOL);
    let searcher = ranking.searcher;
    let schema = ranking.schema;
    let body = schema.text_field(TextField::Body);
    let articles_in_index = searcher.num_docs().max(1) as f32;
    let mut weighed = Vec::new();
    for (term, probability) in model {
        if query_terms.contains(term.as_str()) {
            continue;
        }
        let df = searcher.doc_freq(&Term::from_field_text(body, &term))? as f32;
        if df < 2.0 {
            continue;
        }
        let idf = ((articles_in_index - df + 0.5) / (df + 0.5)).ln_1p();
        weighed.push((term, probability * idf));
    }
    weighed.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    weighed.truncate(TERMS);
    let strongest = weighed.first().map_or(1.0, |w| w.1.max(f32::MIN_POSITIVE));
    Ok(weighed
        .into_iter()
        .map(|(term, weight)| (term, weight / strongest))
        .collect())
}
