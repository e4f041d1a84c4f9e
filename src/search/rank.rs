//! Ranking: the best documents of a query at one level, in a stable order, and each
//! article's best passage.
//!
//! Documents are ranked by BM25 with statistics of their own level ([`LevelStats`]), or by
//! date. Ties are broken by article and passage order (fast fields), so the order does not
//! depend on how the index happens to be split into segments.

use std::cmp::Ordering;
use std::collections::hash_map::Entry;
use std::collections::{BinaryHeap, HashMap, HashSet};

use tantivy::collector::{Collector, SegmentCollector, TopDocs};
use tantivy::query::{Bm25StatisticsProvider, BooleanQuery, Occur, Query, Weight};
use tantivy::schema::Field;
use tantivy::{DocAddress, DocId, Score, Searcher, SegmentOrdinal, SegmentReader, Term};

use super::options::SortOrder;
use crate::index::schema::SortKeys;
use crate::index::{Level, Schema, TextField};

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

/// Best score first; ties by article, then by place in the article.
pub fn by_relevance(a: &Ranked, b: &Ranked) -> Ordering {
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
    /// Documents of the level.
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

/// The best `limit` documents of `level` in `sort` order. When `exact`, the first k of a
/// larger limit are the first k of this one, however the index is split into segments.
/// Memory grows with what is found, never with `limit`.
fn rank_by(
    searcher: &Searcher,
    schema: &Schema,
    level: Level,
    query: &dyn Query,
    limit: usize,
    sort: SortOrder,
    exact: bool,
) -> tantivy::Result<Vec<Ranked>> {
    if limit == 0 {
        return Ok(Vec::new());
    }
    let stats = LevelStats::new(searcher, schema, level)?;
    let fields = [
        schema.text_field(level, TextField::Title),
        schema.text_field(level, TextField::Body),
    ];
    let mut average_length = Vec::with_capacity(fields.len());
    for field in fields {
        let tokens = stats.total_num_tokens(field)? as f32;
        average_length.push((field, tokens / stats.docs as f32));
    }
    let best = Best {
        limit,
        sort,
        average_length,
        exact,
    };
    let mut ranked = searcher.search_with_statistics_provider(query, &best, &stats)?;
    ranked.sort_by(order(sort));
    Ok(ranked)
}

/// The best `limit` documents of `level` by score, exactly (see [`rank_by`]).
pub fn rank(
    searcher: &Searcher,
    schema: &Schema,
    level: Level,
    query: &dyn Query,
    limit: usize,
    sort: SortOrder,
) -> tantivy::Result<Vec<Ranked>> {
    rank_by(searcher, schema, level, query, limit, sort, true)
}

/// About the best `limit` documents of `level` by score, pruned with tantivy's block bounds
/// as they are: faster, and the same for the same index and query, but a document whose
/// block its segment's statistics underrate can be passed over. For a pool of candidates
/// of a fixed size, which the ranking then reorders.
pub fn pool(
    searcher: &Searcher,
    schema: &Schema,
    level: Level,
    query: &dyn Query,
    limit: usize,
) -> tantivy::Result<Vec<Ranked>> {
    rank_by(
        searcher,
        schema,
        level,
        query,
        limit,
        SortOrder::Relevance,
        false,
    )
}

/// The order of `sort`: better first, ties by article and passage order.
fn order(sort: SortOrder) -> impl Fn(&Ranked, &Ranked) -> Ordering {
    move |a, b| match sort {
        SortOrder::Relevance => by_relevance(a, b),
        SortOrder::Date => by_date(false)(a, b),
        SortOrder::DateDesc => by_date(true)(a, b),
    }
}

/// BM25's `k1 × (1 − b)` with tantivy's constants (k1 = 1.2, b = 0.75).
const K1_TIMES_ONE_MINUS_B: f32 = 1.2 * (1.0 - 0.75);

/// How far tantivy's block-max bounds can fall short of the true best score of a block in
/// `segment`, as a factor ≥ 1, for a query scored with `average_length` per field.
///
/// tantivy stores, for each block of postings, the (length, frequency) pair that scores
/// best under the segment's own average length `A_s`, and bounds the block by that pair
/// scored with the query's weight. Ranking uses the level's own statistics (average length
/// `A_q`), so another document of the block can score higher: the pruning then drops it
/// and top-k is no longer exact. With `ρ = A_s / A_q`, the best term-frequency factor of a
/// block under `A_q` is at most `R` times that of the stored pair, where `R = 1 + k1(1 − b)
/// (1 − ρ)` when `ρ ≤ 1` and `R = ρ` when `ρ > 1` (both follow from the stored pair being
/// the best under `A_s`, with term frequencies ≥ 1). Lowering the pruning threshold by
/// the largest `R` of the query's fields makes the bounds safe, so the search stays exact
/// and keeps most of its pruning (`R` is about 1.05 for passages and 1.26 for articles in
/// an index holding both).
fn bound_shortfall(segment: &SegmentReader, average_length: &[(Field, f32)]) -> f32 {
    let docs = segment.max_doc().max(1) as f32;
    let mut worst: f32 = 1.0;
    for &(field, query_average) in average_length {
        let tokens = segment
            .inverted_index(field)
            .map_or(0, |inverted| inverted.total_num_tokens()) as f32;
        let rho = if query_average > 0.0 {
            (tokens / docs) / query_average
        } else {
            1.0
        };
        let shortfall = if rho <= 1.0 {
            1.0 + K1_TIMES_ONE_MINUS_B * (1.0 - rho)
        } else {
            rho
        };
        worst = worst.max(shortfall);
    }
    worst
}

/// Collects the best `limit` documents in `sort` order, per segment in a bounded heap.
struct Best {
    limit: usize,
    sort: SortOrder,
    /// The query's average length of each scored field.
    average_length: Vec<(Field, f32)>,
    /// Whether block bounds are made safe (see [`bound_shortfall`]).
    exact: bool,
}

/// A ranked document ordered as its sort says, so that a max-heap holds the worst on top.
struct Keyed {
    ranked: Ranked,
    sort: SortOrder,
}

impl PartialEq for Keyed {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Keyed {}

impl PartialOrd for Keyed {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Keyed {
    fn cmp(&self, other: &Self) -> Ordering {
        order(self.sort)(&self.ranked, &other.ranked)
    }
}

struct SegmentBest {
    segment: SegmentOrdinal,
    keys: SortKeys,
    limit: usize,
    sort: SortOrder,
    heap: BinaryHeap<Keyed>,
}

impl SegmentBest {
    /// Keeps the document if it is among the best so far.
    fn offer(&mut self, doc: DocId, score: Score) {
        let item = Keyed {
            ranked: ranked(&self.keys, score, DocAddress::new(self.segment, doc)),
            sort: self.sort,
        };
        if self.heap.len() < self.limit {
            self.heap.push(item);
        } else if self.heap.peek().is_some_and(|worst| item < *worst) {
            self.heap.pop();
            self.heap.push(item);
        }
    }

    /// The lowest score that can still enter, once the heap is full.
    fn entry_score(&self) -> Option<Score> {
        (self.heap.len() >= self.limit)
            .then(|| self.heap.peek().map(|worst| worst.ranked.score))
            .flatten()
    }
}

impl Collector for Best {
    type Fruit = Vec<Ranked>;
    type Child = SegmentBest;

    fn for_segment(
        &self,
        segment: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<SegmentBest> {
        Ok(SegmentBest {
            segment,
            keys: SortKeys::open(reader)?,
            limit: self.limit,
            sort: self.sort,
            heap: BinaryHeap::new(),
        })
    }

    fn requires_scoring(&self) -> bool {
        true
    }

    fn merge_fruits(&self, fruits: Vec<Vec<Ranked>>) -> tantivy::Result<Vec<Ranked>> {
        let mut all: Vec<Ranked> = fruits.into_iter().flatten().collect();
        all.sort_by(order(self.sort));
        all.truncate(self.limit);
        Ok(all)
    }

    fn collect_segment(
        &self,
        weight: &dyn Weight,
        segment: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<Vec<Ranked>> {
        let mut best = self.for_segment(segment, reader)?;
        let alive = reader.alive_bitset();
        let is_alive = |doc: DocId| alive.is_none_or(|bits| bits.is_alive(doc));
        if self.sort == SortOrder::Relevance {
            // Pruned by score, with thresholds lowered so that no document that can enter
            // is skipped; a tie with the last kept score enters (`next_down`) so that the
            // tie-break decides.
            let slack = if self.exact {
                bound_shortfall(reader, &self.average_length)
            } else {
                1.0
            };
            weight.for_each_pruning(Score::MIN, reader, &mut |doc, score| {
                if is_alive(doc) {
                    best.offer(doc, score);
                }
                best.entry_score()
                    .map_or(Score::MIN, |entry| (entry / slack).next_down())
            })?;
        } else {
            weight.for_each(reader, &mut |doc, score| {
                if is_alive(doc) {
                    best.offer(doc, score);
                }
            })?;
        }
        Ok(best.heap.into_iter().map(|k| k.ranked).collect())
    }
}

impl SegmentCollector for SegmentBest {
    type Fruit = Vec<Ranked>;

    fn collect(&mut self, doc: DocId, score: Score) {
        self.offer(doc, score);
    }

    fn harvest(self) -> Vec<Ranked> {
        self.heap.into_iter().map(|k| k.ranked).collect()
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

/// Each segment's ordering keys, opened when a document of the segment is first ranked.
pub struct SegmentKeys<'a> {
    searcher: &'a Searcher,
    keys: HashMap<SegmentOrdinal, SortKeys>,
}

impl<'a> SegmentKeys<'a> {
    pub fn new(searcher: &'a Searcher) -> Self {
        SegmentKeys {
            searcher,
            keys: HashMap::new(),
        }
    }

    /// The document at `address` as a ranked entry with `score`.
    pub fn ranked(&mut self, score: Score, address: DocAddress) -> tantivy::Result<Ranked> {
        let keys = match self.keys.entry(address.segment_ord) {
            Entry::Occupied(e) => e.into_mut(),
            Entry::Vacant(e) => e.insert(SortKeys::open(
                self.searcher.segment_reader(address.segment_ord),
            )?),
        };
        Ok(ranked(keys, score, address))
    }
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
