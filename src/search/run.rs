//! Running one query, from what the user typed to what the view asks for.

use tantivy::query::{EnableScoring, Query};
use tantivy::{Searcher, TantivyDocument};

use super::options::{SearchOptions, View};
use super::rank::{self, LevelStats, Ranked};
use super::results::{Context, Found, Hit, Outcome, RankedArticle};
use super::{article, explain, highlight, suggest};
use crate::index::{Level, ZoekIndex};
use crate::query::compile::ExpandError;
use crate::query::{self, Compiled, MatchMode, QueryError};

/// Why a query could not run.
#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    #[error("invalid query: {0}")]
    Query(#[from] QueryError),
    #[error(transparent)]
    Index(#[from] tantivy::TantivyError),
}

/// Runs one query: parses and compiles `input` once, adds the filters, and returns what
/// `options` asks for.
pub fn run(
    index: &ZoekIndex,
    input: &str,
    options: &SearchOptions,
) -> Result<Outcome, SearchError> {
    let node = query::with_filters(query::parse(input)?, &options.filters);
    let compiled = query::compile(node, index.analyzer())?;
    let schema = index.schema();
    let searcher = index.searcher();
    let levels: &[Level] = match options.view {
        View::Passages | View::Count => &[Level::Passage],
        View::ArticlesWithPassage | View::Articles => &[Level::Passage, Level::Article],
    };
    for &level in levels {
        compiled
            .expand(&searcher, schema, level)
            .map_err(|e| match e {
                ExpandError::Query(e) => SearchError::Query(e),
                ExpandError::Index(e) => SearchError::Index(e),
            })?;
    }
    let passages = compiled.query(schema, Level::Passage, options.matching);
    let found = match options.view {
        View::Count => Found::Count(rank::count(&searcher, passages.as_ref())?),
        View::Passages => {
            let ranked = rank::rank(
                &searcher,
                schema,
                Level::Passage,
                passages.as_ref(),
                options.limit,
                options.sort,
            )?;
            Found::Hits(hits(
                index, &searcher, &compiled, &passages, &ranked, options,
            )?)
        }
        View::ArticlesWithPassage | View::Articles => {
            // Articles rank by their whole text.
            let articles = compiled.query(schema, Level::Article, options.matching);
            let ranked = rank::rank(
                &searcher,
                schema,
                Level::Article,
                articles.as_ref(),
                options.limit,
                options.sort,
            )?;
            if options.view == View::Articles {
                Found::Articles(ranked_articles(&searcher, index, &ranked)?)
            } else {
                // Each shows its best passage: one that holds the words as the query asks,
                // else the one with most of them, else its first.
                let mut queries = vec![passages.box_clone()];
                if options.matching != MatchMode::Any {
                    queries.push(compiled.query(schema, Level::Passage, MatchMode::Any));
                }
                let best = rank::best_passages(&searcher, schema, &queries, &ranked)?;
                Found::Hits(hits(
                    index, &searcher, &compiled, &passages, &best, options,
                )?)
            }
        }
    };
    let mut outcome = Outcome {
        found,
        suggestion: None,
        notes: Vec::new(),
        warnings: compiled.warnings.clone(),
    };
    if options.explain {
        outcome.notes = explain::notes(index, &searcher, &compiled, options.matching)?;
    }
    if options.suggest {
        // "Few" is what the reader sees: fewer than a handful of hits, unless the limit
        // cut them.
        let found = outcome.len();
        let few =
            found < suggest::FEW_HITS && (options.view == View::Count || found < options.limit);
        outcome.suggestion = suggest::suggest(index, &searcher, input, &compiled.node, few)?
            .filter(|s| {
                // Only a suggestion that finds something, and no less than the query.
                finds_at_least(index, &searcher, &s.query, options, found.max(1))
            });
    }
    Ok(outcome)
}

/// Whether `input` (with the options' filters) matches at least `n` passages.
fn finds_at_least(
    index: &ZoekIndex,
    searcher: &Searcher,
    input: &str,
    options: &SearchOptions,
    n: usize,
) -> bool {
    let Ok(node) = query::parse(input) else {
        return false;
    };
    let Ok(compiled) = query::compile(
        query::with_filters(node, &options.filters),
        index.analyzer(),
    ) else {
        return false;
    };
    let query = compiled.query(index.schema(), Level::Passage, options.matching);
    rank::count(searcher, query.as_ref()).is_ok_and(|count| count.passages >= n as u64)
}

/// Ranked articles by id, for TREC output and `zoek eval`.
fn ranked_articles(
    searcher: &Searcher,
    index: &ZoekIndex,
    ranked: &[Ranked],
) -> tantivy::Result<Vec<RankedArticle>> {
    ranked
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let doc: TantivyDocument = searcher.doc(r.address)?;
            Ok(RankedArticle {
                rank: i + 1,
                article_id: index.schema().article_id(&doc),
                score: r.score,
            })
        })
        .collect()
}

/// The ranked passages loaded, highlighted, and given context and explanations as asked;
/// `query` is the passage-level query they were ranked (or chosen) by.
fn hits(
    index: &ZoekIndex,
    searcher: &Searcher,
    compiled: &Compiled,
    query: &dyn Query,
    ranked: &[Ranked],
    options: &SearchOptions,
) -> tantivy::Result<Vec<Hit>> {
    let weight = if options.explain {
        let stats = LevelStats::new(searcher, index.schema(), Level::Passage)?;
        Some(
            query.weight(EnableScoring::enabled_from_statistics_provider(
                &stats, searcher,
            ))?,
        )
    } else {
        None
    };
    let mut hits = Vec::with_capacity(ranked.len());
    for (i, r) in ranked.iter().enumerate() {
        let doc: TantivyDocument = searcher.doc(r.address)?;
        let passage = index.schema().stored_passage(&doc);
        let highlights = highlight::highlight(index.analyzer(), &compiled.matchers, &passage.text);
        let context = if options.context > 0 {
            let (before, after) = article::neighbours(
                index,
                searcher,
                &compiled.matchers,
                &passage.article_id,
                passage.ordinal,
                options.context as u64,
            )?;
            Some(Context { before, after })
        } else {
            None
        };
        let explain = match &weight {
            Some(weight) => Some(explain::explain(
                index,
                searcher,
                weight.as_ref(),
                r.address,
                compiled,
                &passage,
            )?),
            None => None,
        };
        hits.push(Hit {
            rank: i + 1,
            score: r.score,
            passage,
            highlights,
            context,
            explain,
        });
    }
    Ok(hits)
}
