//! Ranking: the best documents of a query at one level, in a stable order, and each
//! article's best passage.
//!
//! Documents are ranked by BM25 with statistics of their own level ([`LevelStats`]), or by
//! date. Ties are broken by article and passage order (fast fields), so the order does not
//! depend on how the index happens to be split into segments.

use std::cmp::Ordering;
use std::collections::hash_map::Entry;
use std::collections::{HashMap, HashSet};

use tantivy::collector::{Collector, SegmentCollector, TopDocs};
use tantivy::query::{Bm25StatisticsProvider, BooleanQuery, Occur, Query};
use tantivy::schema::Field;
use tantivy::{DocAddress, DocId, Score, Searcher, SegmentOrdinal, SegmentReader, Term};

use super::options::SortOrder;
use crate::index::schema::SortKeys;
use crate::index::{Level, Schema};

/// How many passages, and of how many articles, a query matches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Count {
    pub passages: u64,
    pub articles: u64,
}

/// A ranked document with the keys that order ties.
#[derive(Debug, Clone, Copy)]
pub struct Ranked {
    pub score: Score,
    pub date: Option<i64>,
    /// The `article_key` of its article.
    pub article: u64,
    pub ordinal: u64,
    pub address: DocAddress,
}

fn by_relevance(a: &Ranked, b: &Ranked) -> Ordering {
    b.score
        .total_cmp(&a.score)
        .then(a.article.cmp(&b.article))
        .then(a.ordinal.cmp(&b.ordinal))
}

fn by_date(newest_first: bool) -> impl Fn(&Ranked, &Ranked) -> Ordering {
    move |a, b| {
        let dates = match (a.date, b.date) {
            (Some(x), Some(y)) if newest_first => y.cmp(&x),
            (Some(x), Some(y)) => x.cmp(&y),
            (Some(_), None) => Ordering::Less,
            (None, Some(_)) => Ordering::Greater,
            (None, None) => Ordering::Equal,
        };
        dates.then_with(|| by_relevance(a, b))
    }
}

fn ranked(keys: &SortKeys, score: Score, address: DocAddress) -> Ranked {
    let doc = address.doc_id;
    Ranked {
        score,
        date: keys.date(doc),
        article: keys.article(doc),
        ordinal: keys.ordinal(doc),
        address,
    }
}

/// BM25 statistics of one level of documents. Passages and articles share one index, and
/// tantivy's own statistics count every document: the average length of `article_body`
/// would be divided over passages that do not have it, and every article would look long.
pub struct LevelStats<'a> {
    searcher: &'a Searcher,
    docs: u64,
}

impl<'a> LevelStats<'a> {
    pub fn new(searcher: &'a Searcher, schema: &Schema, level: Level) -> tantivy::Result<Self> {
        let docs = searcher.doc_freq(&schema.level_term(level))?;
        Ok(LevelStats {
            searcher,
            docs: docs.max(1),
        })
    }
}

impl Bm25StatisticsProvider for LevelStats<'_> {
    fn total_num_tokens(&self, field: Field) -> tantivy::Result<u64> {
        self.searcher.total_num_tokens(field)
    }

    fn total_num_docs(&self) -> tantivy::Result<u64> {
        Ok(self.docs)
    }

    fn doc_freq(&self, term: &Term) -> tantivy::Result<u64> {
        self.searcher.doc_freq(term)
    }
}

/// The best `limit` documents in `sort` order.
pub fn rank(
    searcher: &Searcher,
    stats: &LevelStats,
    query: &dyn Query,
    limit: usize,
    sort: SortOrder,
) -> tantivy::Result<Vec<Ranked>> {
    if limit == 0 {
        return Ok(Vec::new());
    }
    let mut ranked = match sort {
        SortOrder::Relevance => top_by_score(searcher, stats, query, limit)?,
        SortOrder::Date | SortOrder::DateDesc => {
            let mut all =
                searcher.search_with_statistics_provider(query, &Matches::all(), stats)?;
            all.sort_by(by_date(sort == SortOrder::DateDesc));
            all
        }
    };
    ranked.truncate(limit);
    Ok(ranked)
}

/// Top documents by score, best first (at least `limit` of them when there are). tantivy's
/// top-k collector breaks ties by document address, so the top `limit + 1` are complete only
/// when the last fetched score is below the last kept one: then no document left behind ties
/// with a kept one, and the tie-break by article and ordinal decides. Otherwise every
/// document scoring at least the last kept one is collected.
fn top_by_score(
    searcher: &Searcher,
    stats: &LevelStats,
    query: &dyn Query,
    limit: usize,
) -> tantivy::Result<Vec<Ranked>> {
    let top = searcher.search_with_statistics_provider(
        query,
        &TopDocs::with_limit(limit.saturating_add(1)).order_by_score(),
        stats,
    )?;
    let exhausted = top.len() <= limit;
    let last_fetched = top.iter().map(|t| t.0).fold(f32::INFINITY, f32::min);
    let mut keys = SegmentKeys::new(searcher);
    let mut ranked = top
        .into_iter()
        .map(|(score, address)| keys.ranked(score, address))
        .collect::<tantivy::Result<Vec<_>>>()?;
    ranked.sort_by(by_relevance);
    ranked.truncate(limit);
    let complete =
        ranked.len() == limit && ranked.last().is_some_and(|last| last_fetched < last.score);
    if exhausted || complete {
        return Ok(ranked);
    }
    let at_least = ranked.last().map_or(f32::NEG_INFINITY, |r| r.score);
    let mut tied = searcher.search_with_statistics_provider(query, &Matches { at_least }, stats)?;
    tied.sort_by(by_relevance);
    Ok(tied)
}

/// Each segment's ordering keys, opened when a document of the segment is first ranked.
struct SegmentKeys<'a> {
    searcher: &'a Searcher,
    keys: HashMap<SegmentOrdinal, SortKeys>,
}

impl<'a> SegmentKeys<'a> {
    fn new(searcher: &'a Searcher) -> Self {
        SegmentKeys {
            searcher,
            keys: HashMap::new(),
        }
    }

    fn ranked(&mut self, score: Score, address: DocAddress) -> tantivy::Result<Ranked> {
        let keys = match self.keys.entry(address.segment_ord) {
            Entry::Occupied(e) => e.into_mut(),
            Entry::Vacant(e) => e.insert(SortKeys::open(
                self.searcher.segment_reader(address.segment_ord),
            )?),
        };
        Ok(ranked(keys, score, address))
    }
}

/// Every matching document scoring at least `at_least`, with its score and ordering keys
/// (all of them for sorting by date, where no top-k shortcut applies).
struct Matches {
    at_least: Score,
}

impl Matches {
    fn all() -> Self {
        Matches {
            at_least: f32::NEG_INFINITY,
        }
    }
}

struct SegmentMatches {
    segment: SegmentOrdinal,
    keys: SortKeys,
    at_least: Score,
    found: Vec<Ranked>,
}

impl Collector for Matches {
    type Fruit = Vec<Ranked>;
    type Child = SegmentMatches;

    fn for_segment(
        &self,
        segment: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<SegmentMatches> {
        Ok(SegmentMatches {
            segment,
            keys: SortKeys::open(reader)?,
            at_least: self.at_least,
            found: Vec::new(),
        })
    }

    fn requires_scoring(&self) -> bool {
        true
    }

    fn merge_fruits(&self, fruits: Vec<Vec<Ranked>>) -> tantivy::Result<Vec<Ranked>> {
        Ok(fruits.into_iter().flatten().collect())
    }
}

impl SegmentCollector for SegmentMatches {
    type Fruit = Vec<Ranked>;

    fn collect(&mut self, doc: DocId, score: Score) {
        if score >= self.at_least {
            let address = DocAddress::new(self.segment, doc);
            self.found.push(ranked(&self.keys, score, address));
        }
    }

    fn harvest(self) -> Vec<Ranked> {
        self.found
    }
}

/// Counts matching documents and their distinct articles (by the `article_key` fast field).
struct CountArticles;

struct SegmentCount {
    keys: SortKeys,
    passages: u64,
    articles: HashSet<u64>,
}

impl Collector for CountArticles {
    type Fruit = (u64, HashSet<u64>);
    type Child = SegmentCount;

    fn for_segment(
        &self,
        _: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<SegmentCount> {
        Ok(SegmentCount {
            keys: SortKeys::open(reader)?,
            passages: 0,
            articles: HashSet::new(),
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(
        &self,
        fruits: Vec<(u64, HashSet<u64>)>,
    ) -> tantivy::Result<(u64, HashSet<u64>)> {
        let mut passages = 0;
        let mut articles = HashSet::new();
        for (n, keys) in fruits {
            passages += n;
            articles.extend(keys);
        }
        Ok((passages, articles))
    }
}

impl SegmentCollector for SegmentCount {
    type Fruit = (u64, HashSet<u64>);

    fn collect(&mut self, doc: DocId, _: Score) {
        self.passages += 1;
        self.articles.insert(self.keys.article(doc));
    }

    fn harvest(self) -> (u64, HashSet<u64>) {
        (self.passages, self.articles)
    }
}

/// How many passages and articles `query` matches.
pub fn count(searcher: &Searcher, query: &dyn Query) -> tantivy::Result<Count> {
    let (passages, articles) = searcher.search(query, &CountArticles)?;
    Ok(Count {
        passages,
        articles: articles.len() as u64,
    })
}

/// For each ranked article, its best passage under the first of `queries` (passage-level
/// queries, strictest first) that matches a passage of it, else its first passage; each
/// keeps the article's score and rank.
pub fn best_passages(
    searcher: &Searcher,
    schema: &Schema,
    queries: &[Box<dyn Query>],
    articles: &[Ranked],
) -> tantivy::Result<Vec<Ranked>> {
    let mut keys = SegmentKeys::new(searcher);
    let mut best = Vec::with_capacity(articles.len());
    for article in articles {
        let mut found = None;
        for query in queries {
            let within = BooleanQuery::new(vec![
                (Occur::Must, query.box_clone()),
                (Occur::Must, schema.of_article(article.article)),
            ]);
            found = top_one(searcher, &within)?;
            if found.is_some() {
                break;
            }
        }
        if found.is_none() {
            found = top_one(searcher, schema.first_passage(article.article).as_ref())?;
        }
        if let Some(address) = found {
            best.push(keys.ranked(article.score, address)?);
        }
    }
    Ok(best)
}

/// The best-scoring document of `query`.
fn top_one(searcher: &Searcher, query: &dyn Query) -> tantivy::Result<Option<DocAddress>> {
    let top = searcher.search(query, &TopDocs::with_limit(1).order_by_score())?;
    Ok(top.first().map(|(_, address)| *address))
}
