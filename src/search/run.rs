//! Running one query, from what the user typed to what the view asks for.

use std::collections::hash_map::Entry;
use std::collections::{HashMap, HashSet};
use std::ops::ControlFlow;

use tantivy::query::{EnableScoring, Query, Weight};
use tantivy::{Searcher, SegmentOrdinal};

use super::explain::Explain;
use super::options::{SearchOptions, SortOrder, View};
use super::rank::{self, Ranked};
use super::ranked::{self, RankedArticle as RankedArticleScore, Ranking};
use super::results::{Context, Found, Hit, Outcome, RankedArticle};
use super::score::Words;
use super::stored::Articles;
use super::{article, explain, feedback, highlight, suggest, tally};
use crate::index::{ArticleIds, StoredPassage, ZoekIndex};
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

/// How a search's words combine: a search sorted by date wants every word, since ranking
/// by how much of the query an article holds cannot order it.
fn matching(options: &SearchOptions) -> MatchMode {
    match (options.matching, options.sort) {
        (MatchMode::Ranked, SortOrder::Date | SortOrder::DateDesc) => MatchMode::All,
        (mode, _) => mode,
    }
}

/// How many to rank: the page and everything before it. The order never depends on it, so
/// a page is the same hits a longer list holds at its places.
fn ranked_limit(options: &SearchOptions) -> usize {
    options.limit.saturating_add(options.offset)
}

/// Runs one query: parses and compiles `input` once, adds the filters, and returns what
/// `options` asks for.
pub fn run(
    index: &ZoekIndex,
    input: &str,
    options: &SearchOptions,
) -> Result<Outcome, SearchError> {
    let mut hits = Vec::new();
    let mut outcome = run_streamed(index, input, options, &mut |_, hit| {
        hits.push(hit);
        ControlFlow::Continue(())
    })?;
    if let Found::Streamed(_) = outcome.found {
        outcome.found = Found::Hits(hits);
    }
    Ok(outcome)
}

/// Runs one query as [`run`] does, but hands each hit to `each_hit` as soon as it is loaded,
/// with the outcome so far (its notes, warnings and suggestion, and
/// [`Found::Streamed`] with the number of hits to come), so that printing a million hits
/// holds one at a time. `each_hit` stops the search by breaking.
pub fn run_streamed(
    index: &ZoekIndex,
    input: &str,
    options: &SearchOptions,
    each_hit: &mut dyn FnMut(&Outcome, Hit) -> ControlFlow<()>,
) -> Result<Outcome, SearchError> {
    let node = query::with_filters(query::parse(input)?, &options.filters);
    let compiled = query::compile(node, index.analyzer())?;
    let schema = index.schema();
    let searcher = index.searcher();
    compiled.expand(&searcher, schema).map_err(|e| match e {
        ExpandError::Query(e) => SearchError::Query(e),
        ExpandError::Index(e) => SearchError::Index(e),
    })?;
    let matching = matching(options);
    let words = (matching == MatchMode::Ranked)
        .then(|| compiled.ranked_words())
        .flatten();
    // What every view ranks or counts: the articles; what a ranking gathers (and feedback
    // re-reads).
    let query = compiled.query(schema, matching);
    let articles = Articles::new(&searcher, schema);
    let ranking = match (&words, options.view) {
        (Some(words), view) if view != View::Count => {
            let ranking = Ranking::new(&searcher, schema, &articles, Words::new(words))?;
            Some(if options.feedback {
                feedback::with_feedback(&ranking, index.analyzer(), query.as_ref())?
            } else {
                ranking
            })
        }
        _ => None,
    };
    let gathered = match (&ranking, options.view) {
        (_, View::Count) => Gathered::Found(match options.group_by {
            Some(by) => Found::Groups(tally::tally(&searcher, query.as_ref(), by)?),
            None => Found::Count(rank::count(&searcher, query.as_ref())?),
        }),
        (Some(ranking), view) => ranked_search(ranking, query.as_ref(), view, options)?,
        (None, view) => {
            let ranked = rank::rank(
                &searcher,
                schema,
                query.as_ref(),
                ranked_limit(options),
                options.sort,
            )?;
            if view == View::Articles {
                Gathered::Found(Found::Articles(ranked_articles(&searcher, &ranked)?))
            } else {
                let shown = matching_passages(
                    index,
                    &articles,
                    &compiled,
                    &ranked,
                    view == View::ArticlesWithPassage,
                    ranked_limit(options),
                )?;
                let explainer = Explainer::tantivy(&searcher, query.as_ref(), options)?;
                Gathered::Hits(shown, explainer)
            }
        }
    };
    // The hits before the offset are ranked but neither loaded nor given back; a suggestion
    // must find no less than the query, those included.
    let offset = options.offset;
    let (found, to_load, found_articles) = match gathered {
        Gathered::Found(Found::Articles(mut articles)) => {
            let found_articles = articles.len();
            articles.drain(..offset.min(articles.len()));
            (Found::Articles(articles), None, found_articles)
        }
        Gathered::Found(found) => {
            let found_articles = match &found {
                Found::Count(count) => count.articles as usize,
                Found::Groups(groups) => groups.total.articles as usize,
                _ => 0,
            };
            (found, None, found_articles)
        }
        Gathered::Hits(ranked, explainer) => {
            let passed_over = offset.min(ranked.len());
            let found_articles = ranked
                .iter()
                .map(|r| r.article)
                .collect::<HashSet<_>>()
                .len();
            (
                Found::Streamed(ranked.len() - passed_over),
                Some((ranked, explainer, passed_over)),
                found_articles,
            )
        }
    };
    let mut outcome = Outcome {
        found,
        suggestion: None,
        notes: Vec::new(),
        warnings: compiled.warnings.clone(),
    };
    if options.explain {
        outcome.notes = explain::notes(index, &searcher, &compiled, matching)?;
    }
    if options.suggest {
        outcome.suggestion =
            suggest::suggest(index, &searcher, input, &compiled.node)?.filter(|s| {
                // Only a suggestion that finds something, and no less than the query.
                finds_at_least(index, &searcher, &s.query, options, found_articles.max(1))
            });
    }
    if let Some((ranked, explainer, passed_over)) = to_load {
        for (i, ranked) in ranked.iter().enumerate().skip(passed_over) {
            let hit = load_hit(
                index,
                &articles,
                &compiled,
                i + 1,
                ranked,
                &explainer,
                options,
            )?;
            if each_hit(&outcome, hit).is_break() {
                break;
            }
        }
    }
    Ok(outcome)
}

/// What a view found: hits still to load (and how to explain them), or all of it.
enum Gathered<'a> {
    Hits(Vec<Ranked>, Explainer<'a>),
    Found(Found),
}

/// Articles whose passages are read and scored at a time while the strict modes' listing
/// fills up (each article lists every passage that holds a match).
const ARTICLES_AT_A_TIME: usize = 8;

/// The passages of ranked `articles` that hold a match, the articles in their order and
/// each one's best passages first (scored as the ranked search scores passages when the
/// query is plain words, else by how often its words match); an article none of whose
/// passages holds one (found by its title, or by filters alone) shows its first. One per
/// article with `per_article`; at most `limit`.
fn matching_passages(
    index: &ZoekIndex,
    read: &Articles,
    compiled: &Compiled,
    articles: &[Ranked],
    per_article: bool,
    limit: usize,
) -> tantivy::Result<Vec<Ranked>> {
    let ranking = match compiled.ranked_words() {
        Some(words) => Some(Ranking::new(
            read.searcher(),
            index.schema(),
            read,
            Words::new(&words),
        )?),
        None => None,
    };
    let mut shown = Vec::new();
    for chunk in articles.chunks(ARTICLES_AT_A_TIME) {
        let scored = match &ranking {
            Some(ranking) => ranking.passages_of(
                &chunk
                    .iter()
                    .map(|&ranked| RankedArticleScore {
                        ranked,
                        features: None,
                    })
                    .collect::<Vec<_>>(),
            )?,
            None => {
                let mut scored = HashMap::new();
                for article in chunk {
                    scored.insert(
                        article.article,
                        passages_by_matches(index, read, &compiled.matchers, article)?,
                    );
                }
                scored
            }
        };
        for article in chunk {
            let passages = scored.get(&article.article).map_or(&[][..], Vec::as_slice);
            let with_score = |p: &Ranked| Ranked {
                score: article.score,
                ..*p
            };
            let mut matched: Vec<Ranked> = passages
                .iter()
                .filter(|p| p.score > 0.0)
                .map(with_score)
                .collect();
            if matched.is_empty() {
                matched.extend(passages.iter().min_by_key(|p| p.ordinal).map(with_score));
            }
            if per_article {
                matched.truncate(1);
            }
            shown.extend(matched);
            if shown.len() >= limit {
                shown.truncate(limit);
                return Ok(shown);
            }
        }
    }
    Ok(shown)
}

/// The passages of `article`, scored by how often `matchers` match in each, most first.
fn passages_by_matches(
    index: &ZoekIndex,
    read: &Articles,
    matchers: &[query::Matcher],
    article: &Ranked,
) -> tantivy::Result<Vec<Ranked>> {
    let mut scored: Vec<Ranked> = read
        .passages(article.address)?
        .iter()
        .map(|passage| Ranked {
            score: highlight::highlight(index.analyzer(), matchers, &passage.text).len() as f32,
            ordinal: passage.ordinal,
            ..*article
        })
        .collect();
    scored.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.ordinal.cmp(&b.ordinal)));
    Ok(scored)
}

/// Whether `input` (with the options' filters) matches at least `n` articles.
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
    let query = compiled.query(index.schema(), matching(options));
    rank::count(searcher, query.as_ref()).is_ok_and(|count| count.articles >= n as u64)
}

/// Ranked articles by id, for TREC output and `zoek eval`: ids from their fast column,
/// each segment's opened once.
fn ranked_articles(searcher: &Searcher, ranked: &[Ranked]) -> tantivy::Result<Vec<RankedArticle>> {
    let mut ids: HashMap<SegmentOrdinal, ArticleIds> = HashMap::new();
    ranked
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let segment = r.address.segment_ord;
            let ids = match ids.entry(segment) {
                Entry::Occupied(known) => known.into_mut(),
                Entry::Vacant(new) => {
                    new.insert(ArticleIds::open(searcher.segment_reader(segment))?)
                }
            };
            Ok(RankedArticle {
                rank: i + 1,
                article_id: ids.id(r.address.doc_id),
                score: r.score,
            })
        })
        .collect()
}

/// How many articles the passage view may look through for each passage it shows, past the
/// pool, to find passages that hold a query word.
const FILL_ARTICLES_PER_PASSAGE: usize = 4;

/// A ranked search of plain words: the view's articles, or passages of them.
fn ranked_search<'a>(
    ranking: &'a Ranking<'a>,
    candidates: &dyn Query,
    view: View,
    options: &SearchOptions,
) -> tantivy::Result<Gathered<'a>> {
    let searcher = ranking.searcher;
    if view == View::Articles {
        let articles = ranking.articles(candidates, ranked_limit(options))?;
        let ranked: Vec<Ranked> = articles.iter().map(|a| a.ranked).collect();
        return Ok(Gathered::Found(Found::Articles(ranked_articles(
            searcher, &ranked,
        )?)));
    }
    let per_article = view == View::ArticlesWithPassage;
    // Passages come from as many articles as it takes to fill the limit with passages that
    // hold a query word, up to a bound (the pool, or four articles a passage): a query whose
    // words stand in few bodies would otherwise score the passages of every article it
    // found. Articles of none come after them.
    let limit = ranked_limit(options);
    let bound = limit
        .saturating_mul(FILL_ARTICLES_PER_PASSAGE)
        .max(ranked::POOL);
    let mut wanted = limit;
    let (articles, shown) = loop {
        let articles = ranking.articles(candidates, wanted)?;
        let shown = ranking.passages(&articles, limit, per_article)?;
        let exhausted = articles.len() < wanted || wanted >= bound;
        if shown.complete || exhausted || per_article {
            break (articles, shown.passages);
        }
        wanted = wanted.saturating_mul(2).min(bound);
    };
    let explainer = if options.explain {
        Explainer::Ranked {
            ranking,
            articles: articles
                .into_iter()
                .map(|a| (a.ranked.article, a))
                .collect(),
        }
    } else {
        Explainer::Nothing
    };
    Ok(Gathered::Hits(shown, explainer))
}

/// How the hits of a search are explained, when they are.
enum Explainer<'a> {
    Nothing,
    /// With tantivy's explanation of the query's weight.
    Tantivy(Box<dyn Weight>),
    /// With the ranked score of each hit's article.
    Ranked {
        ranking: &'a Ranking<'a>,
        articles: HashMap<u64, RankedArticleScore>,
    },
}

impl Explainer<'_> {
    /// For hits of `query`, when explanations are asked for.
    fn tantivy(
        searcher: &Searcher,
        query: &dyn Query,
        options: &SearchOptions,
    ) -> tantivy::Result<Self> {
        if !options.explain {
            return Ok(Explainer::Nothing);
        }
        Ok(Explainer::Tantivy(
            query.weight(EnableScoring::enabled_from_searcher(searcher))?,
        ))
    }

    fn explain(
        &self,
        index: &ZoekIndex,
        searcher: &Searcher,
        compiled: &Compiled,
        ranked: &Ranked,
        passage: &StoredPassage,
    ) -> tantivy::Result<Option<Explain>> {
        Ok(match self {
            Explainer::Nothing => None,
            Explainer::Tantivy(weight) => Some(explain::explain(
                index,
                searcher,
                weight.as_ref(),
                ranked.address,
                compiled,
                passage,
            )?),
            Explainer::Ranked { ranking, articles } => match articles.get(&ranked.article) {
                Some(article) => Some(explain::explain_ranked(
                    index,
                    compiled,
                    passage,
                    ranked.score,
                    ranking.explain(article)?,
                )),
                None => None,
            },
        })
    }
}

/// One ranked article's passage loaded, highlighted, and given context and explanations as
/// asked.
fn load_hit(
    index: &ZoekIndex,
    read: &Articles,
    compiled: &Compiled,
    rank: usize,
    ranked: &Ranked,
    explainer: &Explainer,
    options: &SearchOptions,
) -> tantivy::Result<Hit> {
    let passages = read.passages(ranked.address)?;
    let analyzer = index.analyzer();
    let ordinal = (ranked.ordinal as usize).min(passages.len() - 1);
    let context = (options.context > 0).then(|| {
        let (before, after) = article::neighbours(
            analyzer,
            &compiled.matchers,
            &passages,
            ordinal,
            options.context,
        );
        Context { before, after }
    });
    let article_lead = passages
        .first()
        .filter(|first| first.article.title.is_empty() && !first.text.is_empty())
        .map(|first| first.text.clone());
    let passage = passages[ordinal].clone();
    let highlights = highlight::highlight(analyzer, &compiled.matchers, &passage.text);
    let explain = explainer.explain(index, read.searcher(), compiled, ranked, &passage)?;
    Ok(Hit {
        rank,
        score: ranked.score,
        passage,
        highlights,
        context,
        explain,
        article_lead,
    })
}
