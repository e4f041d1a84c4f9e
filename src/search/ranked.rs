//! Ranked search, the default: every article that holds a word of the query is found, and
//! the best ones are ranked by [`score`](super::score), which rewards holding all of the
//! query, its rare words, close together and early.
//!
//! Articles are gathered by BM25 over every term of the query (any word, or any part of a
//! compound word, finds one); a pool of the first [`POOL`] of them is scored again and
//! reordered, and any further ones follow in their BM25 order, with scores scaled under the
//! last rescored one. The pool does not depend on the limit, so neither does the order: the
//! first k results of a larger limit are the first k of a smaller one. Passages are chosen within the
//! ranked articles: the best few of the first articles, one of each after them, so a first
//! screen covers many articles; a passage that holds no query word comes after every
//! passage that does.

use std::cell::{OnceCell, RefCell};
use std::collections::HashMap;

use tantivy::query::Query;
use tantivy::{DocAddress, Searcher};

use super::explain::ScorePart;
use super::options::SortOrder;
use super::rank::{self, Ranked};
use super::score::{self, Features, Scorer, Stats, TermInfos, Words};
use super::stored::Articles;
use crate::index::Schema;

/// How many candidates are scored again and reordered (from 20 to 1,000 the relevance
/// figures did not move; bench/relevance-variants.md).
pub const POOL: usize = 50;
/// The first articles of the passage view may show this many passages; the rest one.
const TOP_ARTICLES: usize = 3;
const PASSAGES_OF_TOP_ARTICLES: usize = 2;

/// One ranked article: its rank entry (score, keys, address) and, when it was rescored,
/// what it holds of the query.
#[derive(Clone)]
pub struct RankedArticle {
    pub ranked: Ranked,
    pub features: Option<Features>,
}

/// The passages a view shows, and whether passages with a query word filled it (else more
/// articles could still give some, which would come before those without).
pub struct Shown {
    pub passages: Vec<Ranked>,
    pub complete: bool,
}

/// The query's words with their statistics, and the query that gathers candidates.
pub struct Ranking<'a> {
    pub searcher: &'a Searcher,
    pub schema: &'a Schema,
    /// Where the articles' passages are read.
    pub articles: &'a Articles<'a>,
    pub words: Words,
    /// The words' terms in each segment, looked up once.
    infos: TermInfos<'a>,
    stats: Stats,
    /// The pool and its rescored articles, made once: a passage view that asks for more
    /// articles asks for them from the same candidates (a ranking ranks one query).
    pool: OnceCell<(Vec<Ranked>, Vec<RankedArticle>)>,
    /// The scored passages of each article, by article key, as the passage view reaches it.
    scored_passages: RefCell<HashMap<u64, Vec<Ranked>>>,
}

impl<'a> Ranking<'a> {
    pub fn new(
        searcher: &'a Searcher,
        schema: &'a Schema,
        articles: &'a Articles<'a>,
        words: Words,
    ) -> tantivy::Result<Self> {
        let infos = TermInfos::new(searcher, schema, &words)?;
        let stats = Stats::new(searcher, schema, &infos)?;
        Ok(Ranking {
            searcher,
            schema,
            articles,
            words,
            infos,
            stats,
            pool: OnceCell::new(),
            scored_passages: RefCell::default(),
        })
    }

    fn scorer(&self) -> Scorer<'_> {
        Scorer {
            words: &self.words,
            stats: &self.stats,
        }
    }

    /// The best `limit` articles of `candidates` (an article-level query): the pool
    /// reordered by score, then the other candidates in their BM25 order.
    pub fn articles(
        &self,
        candidates: &dyn Query,
        limit: usize,
    ) -> tantivy::Result<Vec<RankedArticle>> {
        let (pool, rescored) = match self.pool.get() {
            Some(made) => made,
            None => {
                let made = self.rescored_pool(candidates)?;
                self.pool.get_or_init(|| made)
            }
        };
        if rescored.len() >= limit || pool.len() < POOL {
            return Ok(rescored.iter().take(limit).cloned().collect());
        }
        let mut ranked = rescored.clone();
        // The rest, in their exact BM25 order without the pool, under the last rescored
        // score: the same order whatever the limit.
        let in_pool: std::collections::HashSet<u64> = pool.iter().map(|r| r.article).collect();
        let wanted = limit - ranked.len();
        let rest: Vec<Ranked> = rank::rank(
            self.searcher,
            self.schema,
            candidates,
            wanted.saturating_add(pool.len()),
            SortOrder::Relevance,
        )?
        .into_iter()
        .filter(|r| !in_pool.contains(&r.article))
        .take(wanted)
        .collect();
        let floor = ranked.last().map_or(1.0, |a| a.ranked.score);
        let top = rest.first().map_or(1.0, |r| r.score.max(f32::MIN_POSITIVE));
        let scale = floor / top * (1.0 - 1.0 / 1024.0);
        ranked.extend(rest.into_iter().map(|r| RankedArticle {
            ranked: Ranked {
                score: r.score * scale,
                ..r
            },
            features: None,
        }));
        Ok(ranked)
    }

    /// The first [`POOL`] candidates by BM25, and those of them the ranked score keeps,
    /// best first.
    fn rescored_pool(
        &self,
        candidates: &dyn Query,
    ) -> tantivy::Result<(Vec<Ranked>, Vec<RankedArticle>)> {
        let pool = rank::pool(self.searcher, self.schema, candidates, POOL, &self.infos)?;
        let addresses: Vec<DocAddress> = pool.iter().map(|r| r.address).collect();
        let features = self.features_of(&addresses)?;
        let scorer = self.scorer();
        let mut ranked: Vec<RankedArticle> = pool
            .iter()
            .zip(features)
            .filter_map(|(r, features)| {
                let score = scorer.score(&features).score;
                (score > 0.0).then_some(RankedArticle {
                    ranked: Ranked { score, ..*r },
                    features: Some(features),
                })
            })
            .collect();
        ranked.sort_by(|a, b| rank::by_relevance(&a.ranked, &b.ranked));
        Ok((pool, ranked))
    }

    /// What the articles at `addresses` hold of the query, in their order.
    fn features_of(&self, addresses: &[DocAddress]) -> tantivy::Result<Vec<Features>> {
        score::features(
            self.searcher,
            self.schema,
            &self.words,
            &self.infos,
            addresses,
        )
    }

    /// The score of `article` explained, part by part.
    pub fn explain(&self, article: &RankedArticle) -> tantivy::Result<Vec<ScorePart>> {
        Ok(self.scorer().explain(&self.features(article)?))
    }

    /// What `article` holds of the query (read again when it was not rescored).
    fn features(&self, article: &RankedArticle) -> tantivy::Result<Features> {
        Ok(match &article.features {
            Some(features) => features.clone(),
            None => self.features_of(&[article.ranked.address])?.remove(0),
        })
    }

    /// The scored passages of `articles`, best first within each article (each article's
    /// scored once, however often the passage view asks); a passage without a query word in
    /// it scores 0.
    pub fn passages_of(
        &self,
        articles: &[RankedArticle],
    ) -> tantivy::Result<HashMap<u64, Vec<Ranked>>> {
        let known = self.scored_passages.borrow();
        let new: Vec<&RankedArticle> = articles
            .iter()
            .filter(|a| !known.contains_key(&a.ranked.article))
            .collect();
        drop(known);
        if !new.is_empty() {
            let scored = self.score_passages_of(&new)?;
            let mut known = self.scored_passages.borrow_mut();
            for article in new {
                let key = article.ranked.article;
                known.insert(key, scored.get(&key).cloned().unwrap_or_default());
            }
        }
        let known = self.scored_passages.borrow();
        Ok(articles
            .iter()
            .filter_map(|a| {
                let key = a.ranked.article;
                known.get(&key).map(|passages| (key, passages.clone()))
            })
            .collect())
    }

    /// Each of `articles`' passages scored with the article's words that stand in it, best
    /// first within each article, by article key.
    fn score_passages_of(
        &self,
        articles: &[&RankedArticle],
    ) -> tantivy::Result<HashMap<u64, Vec<Ranked>>> {
        // The features of the articles that were not rescored, read together.
        let unread: Vec<DocAddress> = articles
            .iter()
            .filter(|a| a.features.is_none())
            .map(|a| a.ranked.address)
            .collect();
        // In the order asked for, one for each article without features.
        let mut read = self.features_of(&unread)?.into_iter();
        let mut by_article = HashMap::new();
        for article in articles {
            let features = match &article.features {
                Some(features) => features.clone(),
                None => match read.next() {
                    Some(features) => features,
                    None => continue,
                },
            };
            let passages = self.articles.passages(article.ranked.address)?;
            let stats = self.stats.for_passages(&passages);
            let scorer = Scorer {
                words: &self.words,
                stats: &stats,
            };
            let mut scored: Vec<Ranked> = passages
                .iter()
                .map(|passage| {
                    let scored = scorer.score(&features.of_passage(passage));
                    Ranked {
                        score: if scored.body { scored.score } else { 0.0 },
                        ordinal: passage.ordinal,
                        ..article.ranked
                    }
                })
                .collect();
            scored.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.ordinal.cmp(&b.ordinal)));
            by_article.insert(article.ranked.article, scored);
        }
        Ok(by_article)
    }

    /// The passages to show for ranked `articles`, up to `limit`, each with its article's
    /// score: one per article with `per_article`, else the best few of the first articles
    /// and one of each after them; then, when the articles run out before the limit, their
    /// other passages; every passage without a query word after those with one.
    pub fn passages(
        &self,
        articles: &[RankedArticle],
        limit: usize,
        per_article: bool,
    ) -> tantivy::Result<Shown> {
        let mut shown = Vec::new();
        // Passages past an article's share, shown only when every article has had its turn.
        let mut more = Vec::new();
        let mut without_words = Vec::new();
        let share = |rank: usize| {
            if !per_article && rank < TOP_ARTICLES {
                PASSAGES_OF_TOP_ARTICLES
            } else {
                1
            }
        };
        let mut from = 0;
        while from < articles.len() && shown.len() < limit {
            // As many articles as fill the view if each gives its share: an article's text is
            // read and cut to score its passages, so none is read that the view does not need
            // unless one falls short.
            let mut to = from;
            let mut expected = shown.len();
            while to < articles.len() && expected < limit {
                expected += share(to);
                to += 1;
            }
            let chunk = &articles[from..to];
            let scored = self.passages_of(chunk)?;
            for (i, article) in chunk.iter().enumerate() {
                let rank = from + i;
                let passages = scored
                    .get(&article.ranked.article)
                    .map_or(&[][..], Vec::as_slice);
                let with_score = |p: &Ranked| Ranked {
                    score: article.ranked.score,
                    ..*p
                };
                let matched: Vec<&Ranked> = passages.iter().filter(|p| p.score > 0.0).collect();
                let first = passages.iter().min_by_key(|p| p.ordinal);
                if matched.is_empty() {
                    if let Some(first) = first {
                        if per_article {
                            shown.push(with_score(first));
                        } else {
                            without_words.push(with_score(first));
                        }
                    }
                    continue;
                }
                let mut matched = matched.into_iter().map(with_score);
                shown.extend(matched.by_ref().take(share(rank)));
                if !per_article {
                    more.extend(matched);
                }
            }
            from = to;
        }
        let complete = shown.len() >= limit;
        shown.extend(more);
        shown.extend(without_words);
        shown.truncate(limit);
        Ok(Shown {
            passages: shown,
            complete,
        })
    }
}
