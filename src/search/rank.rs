//! Ranking: the best articles of a query, in a stable order.
//!
//! Articles are ranked by BM25, or by date. Ties are broken by the article key (a fast
//! field), so the order does not depend on how the index happens to be split into segments.

use std::cmp::{Ordering, Reverse};
use std::collections::hash_map::Entry;
use std::collections::{BinaryHeap, HashMap};
use std::sync::atomic::{AtomicU32, Ordering as AtomicOrdering};

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::query::{Bm25StatisticsProvider, Query, Weight};
use tantivy::schema::Field;
use tantivy::{DocAddress, DocId, Score, Searcher, SegmentOrdinal, SegmentReader};

use super::options::SortOrder;
use crate::index::schema::SortKeys;
use crate::index::{Schema, TextField};

/// A ranked article, or a passage of it, with the keys that order ties.
#[derive(Debug, Clone, Copy)]
pub struct Ranked {
    pub score: Score,
    /// The article's date key; read only for an order by date.
    pub date: Option<i64>,
    /// The `article_key` of its article.
    pub article: u64,
    /// The passage's place in its article (0 for an article).
    pub ordinal: u64,
    /// The article's document.
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

/// `address` as a ranked entry, its date read when `dated` (only an order by date needs it).
fn ranked(keys: &SortKeys, score: Score, address: DocAddress, dated: bool) -> Ranked {
    let doc = address.doc_id;
    Ranked {
        score,
        date: if dated { keys.date(doc) } else { None },
        article: keys.article(doc),
        ordinal: 0,
        address,
    }
}

/// The best `limit` articles in `sort` order. When `exact`, the first k of a larger limit
/// are the first k of this one, however the index is split into segments. Memory grows with
/// what is found, never with `limit`.
fn rank_by(
    searcher: &Searcher,
    schema: &Schema,
    query: &dyn Query,
    limit: usize,
    sort: SortOrder,
    exact: bool,
    statistics: &dyn Bm25StatisticsProvider,
) -> tantivy::Result<Vec<Ranked>> {
    if limit == 0 {
        return Ok(Vec::new());
    }
    let docs = searcher.num_docs().max(1) as f32;
    let fields = [
        schema.text_field(TextField::Title),
        schema.text_field(TextField::Body),
    ];
    let mut average_length = Vec::with_capacity(fields.len());
    for field in fields {
        let tokens = searcher.total_num_tokens(field)? as f32;
        average_length.push((field, tokens / docs));
    }
    let best = Best {
        limit,
        sort,
        average_length,
        exact,
        entry: AtomicU32::new(Score::MIN.to_bits()),
    };
    let mut ranked = searcher.search_with_statistics_provider(query, &best, statistics)?;
    ranked.sort_by(order(sort));
    Ok(ranked)
}

/// The best `limit` articles by score, exactly (see [`rank_by`]).
pub fn rank(
    searcher: &Searcher,
    schema: &Schema,
    query: &dyn Query,
    limit: usize,
    sort: SortOrder,
) -> tantivy::Result<Vec<Ranked>> {
    rank_by(searcher, schema, query, limit, sort, true, searcher)
}

/// About the best `limit` articles by score, pruned with tantivy's block bounds
/// as they are: faster, and the same for the same index and query, but a document whose
/// block its segment's statistics underrate can be passed over. For a pool of candidates
/// of a fixed size, which the ranking then reorders. `statistics` are the searcher's, kept
/// for the query's terms.
pub fn pool(
    searcher: &Searcher,
    schema: &Schema,
    query: &dyn Query,
    limit: usize,
    statistics: &dyn Bm25StatisticsProvider,
) -> tantivy::Result<Vec<Ranked>> {
    rank_by(
        searcher,
        schema,
        query,
        limit,
        SortOrder::Relevance,
        false,
        statistics,
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
/// scored with the query's weight. Ranking uses the statistics of the whole index (average
/// length `A_q`), so another document of the block can score higher: the pruning then drops it
/// and top-k is no longer exact. With `ρ = A_s / A_q`, the best term-frequency factor of a
/// block under `A_q` is at most `R` times that of the stored pair, where `R = 1 + k1(1 − b)
/// (1 − ρ)` when `ρ ≤ 1` and `R = ρ` when `ρ > 1` (both follow from the stored pair being
/// the best under `A_s`, with term frequencies ≥ 1). Lowering the pruning threshold by
/// the largest `R` of the query's fields makes the bounds safe, so the search stays exact
/// and keeps most of its pruning (`R` is close to 1 unless a segment's articles are much
/// longer or shorter than the index's).
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
    /// The lowest score that can still enter the best of the segments searched so far (the
    /// bits of a score): a later segment's document must reach it too, so a segment starts
    /// pruned by what the earlier ones found.
    entry: AtomicU32,
}

impl Best {
    /// The lowest score that can still enter, over all segments, once `own` is the
    /// current segment's.
    fn entry_score(&self, own: Option<Score>) -> Score {
        let known = f32::from_bits(self.entry.load(AtomicOrdering::Relaxed));
        match own {
            Some(own) if own > known => {
                // Raised, never lowered, whichever segment's thread gets there first.
                let _ = self.entry.fetch_update(
                    AtomicOrdering::Relaxed,
                    AtomicOrdering::Relaxed,
                    |bits| (f32::from_bits(bits) < own).then_some(own.to_bits()),
                );
                own
            }
            _ => known,
        }
    }
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

/// `address` with the keys that order it by `sort`.
fn keyed(keys: &SortKeys, score: Score, address: DocAddress, sort: SortOrder) -> Keyed {
    Keyed {
        ranked: ranked(keys, score, address, sort != SortOrder::Relevance),
        sort,
    }
}

/// Keeps `item` in `heap` if it is among the best `limit`.
fn push_bounded(heap: &mut BinaryHeap<Keyed>, item: Keyed, limit: usize) {
    if heap.len() < limit {
        heap.push(item);
    } else if heap.peek().is_some_and(|worst| item < *worst) {
        heap.pop();
        heap.push(item);
    }
}

/// One segment's best documents so far.
struct SegmentBest {
    segment: SegmentOrdinal,
    keys: SortKeys,
    limit: usize,
    kept: Kept,
}

/// The documents a segment keeps, in a bounded heap with the worst on top.
enum Kept {
    /// By relevance, by score alone: the article keys are read at the end, for the
    /// documents kept. A key read for each document offered cost a twentieth of a batch of
    /// queries (a cache miss each, in a column of 8 bytes per article). Every document tied
    /// with the lowest score kept stays, so that the keys decide among them at the end.
    Scores(BinaryHeap<Reverse<Scored>>),
    /// In the sort's whole order, the keys read as each document is offered: an order by
    /// date, and one by relevance once the ties outnumber the limit (a query of filters
    /// alone scores every article the same).
    Keyed(BinaryHeap<Keyed>, SortOrder),
}

/// A document by score alone.
#[derive(Clone, Copy)]
struct Scored {
    score: Score,
    doc: DocId,
}

impl PartialEq for Scored {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Scored {}

impl PartialOrd for Scored {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Scored {
    fn cmp(&self, other: &Self) -> Ordering {
        self.score.total_cmp(&other.score)
    }
}

impl SegmentBest {
    /// Keeps the document if it is among the best so far.
    fn offer(&mut self, doc: DocId, score: Score) {
        match &mut self.kept {
            Kept::Scores(heap) => {
                let item = Reverse(Scored { score, doc });
                if heap.len() < self.limit {
                    heap.push(item);
                    return;
                }
                let Some(worst) = heap.peek().map(|w| w.0.score) else {
                    return;
                };
                if score < worst {
                    return;
                }
                // The next worst is a child of the top: when neither ties with the top, the
                // document replaces it in one sift.
                let tied = heap.as_slice()[1..]
                    .iter()
                    .take(2)
                    .any(|c| c.0.score == worst);
                if score > worst && !tied {
                    if let Some(mut top) = heap.peek_mut() {
                        *top = item;
                    }
                    return;
                }
                // Documents tied at the lowest score all go when the others and this one fill
                // the limit without them, else all stay (the keys decide among them at the
                // end). So the heap holds more than the limit only in ties it needs.
                // A document tying the lowest joins them without counting them.
                let lowest = || heap.iter().filter(|c| c.0.score == worst).count();
                if score > worst && heap.len() + 1 - lowest() >= self.limit {
                    if let Some(mut top) = heap.peek_mut() {
                        *top = item;
                    }
                    while heap.peek().is_some_and(|w| w.0.score == worst) {
                        heap.pop();
                    }
                    return;
                }
                heap.push(item);
                if heap.len() > 2 * self.limit {
                    let mut all_keyed = BinaryHeap::with_capacity(self.limit + 1);
                    for Reverse(kept) in std::mem::take(heap) {
                        let address = DocAddress::new(self.segment, kept.doc);
                        let item = keyed(&self.keys, kept.score, address, SortOrder::Relevance);
                        push_bounded(&mut all_keyed, item, self.limit);
                    }
                    self.kept = Kept::Keyed(all_keyed, SortOrder::Relevance);
                }
            }
            Kept::Keyed(heap, sort) => {
                let address = DocAddress::new(self.segment, doc);
                push_bounded(heap, keyed(&self.keys, score, address, *sort), self.limit);
            }
        }
    }

    /// The lowest score that can still enter, once the heap is full.
    fn entry_score(&self) -> Option<Score> {
        match &self.kept {
            Kept::Scores(heap) => (heap.len() >= self.limit)
                .then(|| heap.peek().map(|worst| worst.0.score))
                .flatten(),
            Kept::Keyed(heap, _) => (heap.len() >= self.limit)
                .then(|| heap.peek().map(|worst| worst.ranked.score))
                .flatten(),
        }
    }

    /// The documents kept, best first.
    fn into_best(self) -> Vec<Ranked> {
        match self.kept {
            Kept::Scores(heap) => {
                let mut best: Vec<Ranked> = heap
                    .into_iter()
                    .map(|Reverse(kept)| {
                        let address = DocAddress::new(self.segment, kept.doc);
                        ranked(&self.keys, kept.score, address, false)
                    })
                    .collect();
                best.sort_by(by_relevance);
                best.truncate(self.limit);
                best
            }
            Kept::Keyed(heap, _) => heap
                .into_sorted_vec()
                .into_iter()
                .map(|k| k.ranked)
                .collect(),
        }
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
            kept: match self.sort {
                SortOrder::Relevance => Kept::Scores(BinaryHeap::new()),
                dated => Kept::Keyed(BinaryHeap::new(), dated),
            },
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
            let threshold = |entry: Score| {
                if entry == Score::MIN {
                    entry
                } else {
                    (entry / slack).next_down()
                }
            };
            let start = threshold(self.entry_score(None));
            weight.for_each_pruning(start, reader, &mut |doc, score| {
                if is_alive(doc) {
                    best.offer(doc, score);
                }
                threshold(self.entry_score(best.entry_score()))
            })?;
        } else {
            weight.for_each(reader, &mut |doc, score| {
                if is_alive(doc) {
                    best.offer(doc, score);
                }
            })?;
        }
        Ok(best.into_best())
    }
}

impl SegmentCollector for SegmentBest {
    type Fruit = Vec<Ranked>;

    fn collect(&mut self, doc: DocId, score: Score) {
        self.offer(doc, score);
    }

    fn harvest(self) -> Vec<Ranked> {
        self.into_best()
    }
}

/// How many articles a query matches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Count {
    pub articles: u64,
}

/// How many articles `query` matches.
pub fn count(searcher: &Searcher, query: &dyn Query) -> tantivy::Result<Count> {
    Ok(Count {
        articles: searcher.search(query, &tantivy::collector::Count)? as u64,
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
        Ok(ranked(keys, score, address, true))
    }
}

#[cfg(test)]
mod tests {
    use tantivy::query::{AllQuery, BooleanQuery, Occur};

    use super::*;
    use crate::index::schema::article_key;
    use crate::index::schema::tests::index_of;

    /// The best k of `query`, their article keys, exact and as a pool.
    fn best_keys(
        searcher: &Searcher,
        schema: &Schema,
        query: &dyn Query,
        k: usize,
    ) -> tantivy::Result<[Vec<u64>; 2]> {
        let keys = |exact| -> tantivy::Result<Vec<u64>> {
            let found = rank_by(
                searcher,
                schema,
                query,
                k,
                SortOrder::Relevance,
                exact,
                searcher,
            )?;
            Ok(found.iter().map(|r| r.article).collect())
        };
        Ok([keys(true)?, keys(false)?])
    }

    /// The query that scores every article 1, and 2 those of `lifted`.
    fn lifting(schema: &Schema, lifted: &[&str]) -> BooleanQuery {
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = vec![(Occur::Should, Box::new(AllQuery))];
        for id in lifted {
            clauses.push((Occur::Should, schema.articles_keyed_like(id)));
        }
        BooleanQuery::new(clauses)
    }

    /// In one segment, ten tied articles and then nine lifted ones: the lifted ones push the
    /// tied ones down, and the one of them with the lowest key must still be kept for k = 10.
    #[test]
    fn a_tie_pushed_down_keeps_its_place_by_key() -> tantivy::Result<()> {
        let tied: Vec<String> = (0..10).map(|i| format!("tied-{i}")).collect();
        let lifted: Vec<String> = (0..9).map(|i| format!("lifted-{i}")).collect();
        let batch: Vec<(&str, &str)> = tied
            .iter()
            .chain(&lifted)
            .map(|id| (id.as_str(), "tekst"))
            .collect();
        let (schema, index) = index_of(&[batch])?;
        let searcher = index.reader()?.searcher();
        let lifted: Vec<&str> = lifted.iter().map(String::as_str).collect();
        let query = lifting(&schema, &lifted);
        let sorted = |ids: Vec<&str>| {
            let mut keys: Vec<u64> = ids.into_iter().map(article_key).collect();
            keys.sort();
            keys
        };
        let mut expected = sorted(lifted.clone());
        expected.extend(sorted(tied.iter().map(String::as_str).collect()));
        for k in 1..=20 {
            let want = expected[..k.min(19)].to_vec();
            assert_eq!(
                best_keys(&searcher, &schema, &query, k)?,
                [want.clone(), want],
                "k = {k}"
            );
        }
        Ok(())
    }

    /// Articles that all score the same, but for a few lifted ones, in three segments and
    /// in no order of their keys: the best k are the lifted ones and then the others, ties
    /// in the order of their keys, for k below, at and far past the number of ties (where
    /// the heap turns to reading every key). The lifted articles come spread out, or last in
    /// each segment, after the ties they push out.
    #[test]
    fn ties_are_ordered_by_article_key_for_any_limit() -> tantivy::Result<()> {
        let ids: Vec<String> = (0..300)
            .map(|i| format!("id-{:03}", (i * 7919) % 300))
            .collect();
        let batches: Vec<Vec<(&str, &str)>> = ids
            .chunks(100)
            .map(|chunk| chunk.iter().map(|id| (id.as_str(), "tekst")).collect())
            .collect();
        let (schema, index) = index_of(&batches)?;
        let searcher = index.reader()?.searcher();
        assert_eq!(searcher.segment_readers().len(), 3);
        let spread: Vec<&String> = ids.iter().step_by(7).collect();
        let last: Vec<&String> = ids.chunks(100).flat_map(|chunk| &chunk[90..]).collect();
        for lifted in [spread, last] {
            let ids_lifted: Vec<&str> = lifted.iter().map(|id| id.as_str()).collect();
            let query = lifting(&schema, &ids_lifted);
            let key_order = |ids: Vec<&String>| {
                let mut keys: Vec<u64> = ids.iter().map(|id| article_key(id)).collect();
                keys.sort();
                keys
            };
            let mut expected = key_order(lifted.clone());
            expected.extend(key_order(
                ids.iter().filter(|id| !lifted.contains(id)).collect(),
            ));
            let n = lifted.len();
            for k in [1, 5, 10, n - 1, n, n + 1, n + 2, 50, 100, 299, 300, 400] {
                let want = expected[..k.min(300)].to_vec();
                assert_eq!(
                    best_keys(&searcher, &schema, &query, k)?,
                    [want.clone(), want],
                    "k = {k}"
                );
            }
        }
        Ok(())
    }
}
