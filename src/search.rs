//! Ranking and passages: runs a query and turns the best documents into hits with
//! highlighted passages.
//!
//! Passages are ranked by tantivy's BM25 (title boosted), or by date with `--sort`; ties
//! are broken by article and passage order (fast fields), so the order does not depend on
//! how the index happens to be split into segments. With `per_article` whole articles are
//! ranked (by their article documents) and each shows its best passage. Highlights come from re-analyzing the passage with the
//! index's analyzer, so every match through stemming, folding, a hyphen, a typo (`word~`) or
//! a prefix (`verkiez*`) is marked on the original characters. [`run`] is the whole of one
//! query: hits, or only their count, with context, explanations and a suggestion.

use std::cmp::Ordering;
use std::collections::{HashMap, HashSet};
use std::fmt;
use std::str::FromStr;

use anyhow::{anyhow, Result};
use serde::Serialize;
use tantivy::collector::{Collector, SegmentCollector, TopDocs};
use tantivy::columnar::Column;
use tantivy::query::{
    Bm25StatisticsProvider, BooleanQuery, EnableScoring, Occur, Query, TermQuery,
};
use tantivy::schema::{IndexRecordOption, Value};
use tantivy::{
    DocAddress, DocId, Score, Searcher, SegmentOrdinal, SegmentReader, TantivyDocument, Term,
};

use crate::analysis::{fold, DutchAnalyzer, TokenKind};
use crate::article::{self, ContextPassage};
use crate::explain::{self, Explain};
use crate::filter::Filters;
use crate::index::{self, Fields, ZoekIndex};
use crate::query::{self, Compiled, Level, MatchMode, Matcher};
use crate::suggest::{self, Suggestion};
use crate::vocab::Pattern;

/// One ranked passage.
#[derive(Debug, Clone, Serialize)]
pub struct Hit {
    /// The query's id in batch mode.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub qid: Option<String>,
    pub rank: usize,
    pub score: f32,
    pub article_id: String,
    pub title: String,
    pub date: Option<String>,
    pub source: String,
    pub url: String,
    pub path: String,
    pub line: u64,
    pub passage: String,
    /// Byte ranges `[start, end)` of the matches in `passage`.
    pub highlights: Vec<(usize, usize)>,
    /// Place of the passage in its article (0 for the first).
    #[serde(skip)]
    pub ordinal: u64,
    /// Neighbouring passages of the same article, with `--context`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub context: Option<Context>,
    /// Why the passage matched and how its score is made up, with `--explain`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub explain: Option<Explain>,
}

/// The passages around a hit, nearest last in `before` and first in `after`.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Context {
    pub before: Vec<ContextPassage>,
    pub after: Vec<ContextPassage>,
}

/// How many hits, and whether to keep one per article.
#[derive(Debug, Clone, Copy)]
pub struct SearchOptions {
    pub limit: usize,
    /// One hit per article, articles ranked by their whole text.
    pub per_article: bool,
    /// Whether hits carry their passage (else only the article, for TREC output and
    /// `zoek eval`).
    pub passages: bool,
}

/// The order of hits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SortOrder {
    /// Best score first.
    #[default]
    Relevance,
    /// Oldest first; articles without a date last.
    Date,
    /// Newest first; articles without a date last.
    DateDesc,
}

impl FromStr for SortOrder {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "relevance" => Ok(SortOrder::Relevance),
            "date" => Ok(SortOrder::Date),
            "-date" => Ok(SortOrder::DateDesc),
            other => Err(format!(
                "unknown sort order '{other}'; use relevance, date or -date"
            )),
        }
    }
}

impl fmt::Display for SortOrder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            SortOrder::Relevance => "relevance",
            SortOrder::Date => "date",
            SortOrder::DateDesc => "-date",
        })
    }
}

/// How to narrow a query and what to tell about its results (everything but the number of
/// hits and the output format).
#[derive(Debug, Clone)]
pub struct QueryOptions {
    pub filters: Filters,
    pub sort: SortOrder,
    /// Neighbouring passages to show on each side of a hit.
    pub context: usize,
    pub explain: bool,
    /// Only count the matching passages and articles.
    pub count_only: bool,
    /// Suggest a correction when the query finds little.
    pub suggest: bool,
    /// Whether hits need all words of the query or any.
    pub matching: MatchMode,
}

impl Default for QueryOptions {
    fn default() -> Self {
        QueryOptions {
            filters: Filters::default(),
            sort: SortOrder::Relevance,
            context: 0,
            explain: false,
            count_only: false,
            suggest: true,
            matching: MatchMode::All,
        }
    }
}

/// How many passages, and of how many articles, a query matches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Count {
    pub passages: u64,
    pub articles: u64,
}

/// Everything one query gives.
#[derive(Debug, Clone, Default)]
pub struct Outcome {
    pub hits: Vec<Hit>,
    /// With `count_only`.
    pub count: Option<Count>,
    pub suggestion: Option<Suggestion>,
    /// Remarks about the whole query for `--explain` (e.g. what a date filter left out).
    pub notes: Vec<String>,
}

impl Outcome {
    /// Whether anything matched (exit status 0 rather than 1).
    pub fn found(&self) -> bool {
        match self.count {
            Some(count) => count.passages > 0,
            None => !self.hits.is_empty(),
        }
    }
}

/// Runs one query: parses `input`, adds the filters, and returns the hits (or their count)
/// with what `query_options` asks for.
pub fn run(
    index: &ZoekIndex,
    input: &str,
    options: SearchOptions,
    query_options: &QueryOptions,
) -> Result<Outcome> {
    let invalid = |e: query::QueryError| anyhow!("invalid query: {e}");
    let node = query::with_filters(
        query::parse(input).map_err(invalid)?,
        &query_options.filters,
    );
    let compile = |level| {
        query::compile_node(
            node.clone(),
            query_options.matching,
            level,
            &index.analyzer,
            &index.fields,
        )
        .map_err(invalid)
    };
    let compiled = compile(Level::Passage)?;
    let searcher = index.reader.searcher();
    let passage_stats = LevelStats::new(&searcher, &index.fields, Level::Passage)?;
    let mut outcome = Outcome::default();
    let found = if query_options.count_only {
        let count = count(&searcher, &compiled.query)?;
        outcome.count = Some(count);
        count.passages as usize
    } else if options.per_article {
        // Articles rank by their whole text; each shows its best passage.
        let articles = compile(Level::Article)?;
        let article_stats = LevelStats::new(&searcher, &index.fields, Level::Article)?;
        let ranked = rank(
            &searcher,
            &article_stats,
            &articles.query,
            options.limit,
            query_options.sort,
        )?;
        outcome.hits = if options.passages {
            let best = best_passages(index, &searcher, &compiled, &ranked)?;
            hits(
                index,
                &searcher,
                &passage_stats,
                &compiled,
                &best,
                query_options,
            )?
        } else {
            article_hits(&searcher, &index.fields, &ranked)?
        };
        outcome.hits.len()
    } else {
        let ranked = rank(
            &searcher,
            &passage_stats,
            &compiled.query,
            options.limit,
            query_options.sort,
        )?;
        outcome.hits = hits(
            index,
            &searcher,
            &passage_stats,
            &compiled,
            &ranked,
            query_options,
        )?;
        outcome.hits.len()
    };
    if query_options.explain {
        outcome.notes = explain::notes(index, &searcher, &compiled)?;
    }
    if query_options.suggest {
        // "Few" is what the reader sees: fewer than a handful of hits, unless the limit
        // cut them.
        let few = found < suggest::FEW_HITS && (query_options.count_only || found < options.limit);
        outcome.suggestion = suggest::suggest(index, &searcher, input, &compiled.node, few)?
            .filter(|s| {
                // Only a suggestion that finds something, and no less than the query.
                finds_at_least(index, &searcher, &s.query, query_options, found.max(1))
            });
    }
    Ok(outcome)
}

/// Whether `input` (with `filters`) matches at least `n` passages.
fn finds_at_least(
    index: &ZoekIndex,
    searcher: &Searcher,
    input: &str,
    query_options: &QueryOptions,
    n: usize,
) -> bool {
    let Ok(node) = query::parse(input) else {
        return false;
    };
    let Ok(compiled) = query::compile_node(
        query::with_filters(node, &query_options.filters),
        query_options.matching,
        Level::Passage,
        &index.analyzer,
        &index.fields,
    ) else {
        return false;
    };
    searcher
        .search(&compiled.query, &TopDocs::with_limit(n).order_by_score())
        .is_ok_and(|top| top.len() >= n)
}

/// A ranked passage with the keys that order ties.
#[derive(Debug, Clone, Copy)]
struct Ranked {
    score: Score,
    date: Option<i64>,
    article: u64,
    ordinal: u64,
    address: DocAddress,
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

/// The fast-field columns that order and group passages, per segment.
struct Keys {
    article: Column<u64>,
    ordinal: Column<u64>,
    date: Column<i64>,
}

impl Keys {
    fn open(segment: &SegmentReader) -> tantivy::Result<Keys> {
        let fast = segment.fast_fields();
        Ok(Keys {
            article: fast.u64(index::ARTICLE_KEY)?,
            ordinal: fast.u64(index::ORDINAL)?,
            date: fast.i64(index::DATE_KEY)?,
        })
    }

    fn ranked(&self, score: Score, address: DocAddress) -> Ranked {
        let doc = address.doc_id;
        Ranked {
            score,
            date: self.date.first(doc),
            article: self.article.first(doc).unwrap_or_default(),
            ordinal: self.ordinal.first(doc).unwrap_or_default(),
            address,
        }
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
    pub fn new(searcher: &'a Searcher, fields: &Fields, level: Level) -> tantivy::Result<Self> {
        let docs = searcher.doc_freq(&Term::from_field_text(fields.level, level.term()))?;
        Ok(LevelStats {
            searcher,
            docs: docs.max(1),
        })
    }
}

impl Bm25StatisticsProvider for LevelStats<'_> {
    fn total_num_tokens(&self, field: tantivy::schema::Field) -> tantivy::Result<u64> {
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
fn rank(
    searcher: &Searcher,
    stats: &LevelStats,
    query: &dyn Query,
    limit: usize,
    sort: SortOrder,
) -> Result<Vec<Ranked>> {
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
) -> Result<Vec<Ranked>> {
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
        .collect::<Result<Vec<_>>>()?;
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
    keys: HashMap<SegmentOrdinal, Keys>,
}

impl<'a> SegmentKeys<'a> {
    fn new(searcher: &'a Searcher) -> Self {
        SegmentKeys {
            searcher,
            keys: HashMap::new(),
        }
    }

    fn ranked(&mut self, score: Score, address: DocAddress) -> Result<Ranked> {
        let keys = match self.keys.entry(address.segment_ord) {
            std::collections::hash_map::Entry::Occupied(e) => e.into_mut(),
            std::collections::hash_map::Entry::Vacant(e) => e.insert(Keys::open(
                self.searcher.segment_reader(address.segment_ord),
            )?),
        };
        Ok(keys.ranked(score, address))
    }
}

/// Every matching passage scoring at least `at_least`, with its score and ordering keys
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
    keys: Keys,
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
            keys: Keys::open(reader)?,
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
            let ranked = self.keys.ranked(score, DocAddress::new(self.segment, doc));
            self.found.push(ranked);
        }
    }

    fn harvest(self) -> Vec<Ranked> {
        self.found
    }
}

/// Counts matching passages and their distinct articles (by the `article_key` fast field).
struct CountArticles;

struct SegmentCount {
    articles: Column<u64>,
    passages: u64,
    keys: HashSet<u64>,
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
            articles: reader.fast_fields().u64(index::ARTICLE_KEY)?,
            passages: 0,
            keys: HashSet::new(),
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
        let mut keys = HashSet::new();
        for (n, k) in fruits {
            passages += n;
            keys.extend(k);
        }
        Ok((passages, keys))
    }
}

impl SegmentCollector for SegmentCount {
    type Fruit = (u64, HashSet<u64>);

    fn collect(&mut self, doc: DocId, _: Score) {
        self.passages += 1;
        if let Some(key) = self.articles.first(doc) {
            self.keys.insert(key);
        }
    }

    fn harvest(self) -> (u64, HashSet<u64>) {
        (self.passages, self.keys)
    }
}

/// How many passages and articles `query` matches.
pub fn count(searcher: &Searcher, query: &dyn Query) -> Result<Count> {
    let (passages, articles) = searcher.search(query, &CountArticles)?;
    Ok(Count {
        passages,
        articles: articles.len() as u64,
    })
}
/// For each ranked article document, its best passage under `compiled` (the passage-level
/// query), keeping the article's score and rank. An article can match as a whole without
/// any one passage holding all its words: then the passage with most of them is shown, or
/// else its first passage.
fn best_passages(
    index: &ZoekIndex,
    searcher: &Searcher,
    compiled: &Compiled,
    articles: &[Ranked],
) -> Result<Vec<Ranked>> {
    let fields = &index.fields;
    let loose = query::compile_node(
        compiled.node.clone(),
        MatchMode::Any,
        Level::Passage,
        &index.analyzer,
        fields,
    )
    .ok();
    let term =
        |term: Term| -> Box<dyn Query> { Box::new(TermQuery::new(term, IndexRecordOption::Basic)) };
    let mut keys = SegmentKeys::new(searcher);
    let mut best = Vec::with_capacity(articles.len());
    for article in articles {
        let of_article = || term(Term::from_field_u64(fields.article_key, article.article));
        let first_passage = BooleanQuery::new(vec![
            (Occur::Must, of_article()),
            (Occur::Must, term(Term::from_field_u64(fields.ordinal, 0))),
            (Occur::Must, query::level_filter(fields, Level::Passage)),
        ]);
        let mut found = None;
        for query in [Some(&compiled.query), loose.as_ref().map(|l| &l.query)]
            .into_iter()
            .flatten()
        {
            let within = BooleanQuery::new(vec![
                (Occur::Must, query.box_clone()),
                (Occur::Must, of_article()),
            ]);
            found = top_one(searcher, &within)?;
            if found.is_some() {
                break;
            }
        }
        if found.is_none() {
            found = top_one(searcher, &first_passage)?;
        }
        if let Some(address) = found {
            best.push(keys.ranked(article.score, address)?);
        }
    }
    Ok(best)
}

/// The best-scoring document of `query`.
fn top_one(searcher: &Searcher, query: &dyn Query) -> Result<Option<DocAddress>> {
    let top = searcher.search(query, &TopDocs::with_limit(1).order_by_score())?;
    Ok(top.first().map(|(_, address)| *address))
}

/// Hits that name only their article, for TREC output and `zoek eval`.
fn article_hits(searcher: &Searcher, fields: &Fields, ranked: &[Ranked]) -> Result<Vec<Hit>> {
    ranked
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let doc: TantivyDocument = searcher.doc(r.address)?;
            Ok(Hit {
                qid: None,
                rank: i + 1,
                score: r.score,
                article_id: text_of(&doc, fields.article_id),
                title: String::new(),
                date: None,
                source: String::new(),
                url: String::new(),
                path: String::new(),
                line: 0,
                passage: String::new(),
                highlights: Vec::new(),
                ordinal: 0,
                context: None,
                explain: None,
            })
        })
        .collect()
}

fn hits(
    index: &ZoekIndex,
    searcher: &Searcher,
    stats: &LevelStats,
    compiled: &Compiled,
    ranked: &[Ranked],
    options: &QueryOptions,
) -> Result<Vec<Hit>> {
    let weight = if options.explain {
        Some(
            compiled
                .query
                .weight(EnableScoring::enabled_from_statistics_provider(
                    stats, searcher,
                ))?,
        )
    } else {
        None
    };
    let mut hits = Vec::with_capacity(ranked.len());
    for (i, r) in ranked.iter().enumerate() {
        let doc: TantivyDocument = searcher.doc(r.address)?;
        let mut hit = hit(
            &doc,
            &index.fields,
            &index.analyzer,
            &compiled.matchers,
            i + 1,
            r.score,
        );
        hit.ordinal = r.ordinal;
        if options.context > 0 {
            let (before, after) = article::neighbours(
                searcher,
                &index.fields,
                &index.analyzer,
                &compiled.matchers,
                &hit.article_id,
                hit.ordinal,
                options.context as u64,
            )?;
            hit.context = Some(Context { before, after });
        }
        if let Some(weight) = &weight {
            hit.explain = Some(explain::explain(
                searcher,
                weight.as_ref(),
                r.address,
                &index.analyzer,
                compiled,
                &hit,
            )?);
        }
        hits.push(hit);
    }
    Ok(hits)
}

fn text_of(doc: &TantivyDocument, field: tantivy::schema::Field) -> String {
    doc.get_first(field)
        .and_then(|v| v.as_str())
        .unwrap_or_default()
        .to_string()
}

fn hit(
    doc: &TantivyDocument,
    fields: &Fields,
    analyzer: &DutchAnalyzer,
    matchers: &[Matcher],
    rank: usize,
    score: f32,
) -> Hit {
    let passage = text_of(doc, fields.body);
    let highlights = highlight(analyzer, matchers, &passage);
    let date = text_of(doc, fields.date);
    Hit {
        qid: None,
        rank,
        score,
        article_id: text_of(doc, fields.article_id),
        title: text_of(doc, fields.title),
        date: (!date.is_empty()).then_some(date),
        source: text_of(doc, fields.source),
        url: text_of(doc, fields.url),
        path: text_of(doc, fields.path),
        line: doc
            .get_first(fields.line)
            .and_then(|v| v.as_u64())
            .unwrap_or_default(),
        passage,
        highlights,
        ordinal: doc
            .get_first(fields.ordinal)
            .and_then(|v| v.as_u64())
            .unwrap_or_default(),
        context: None,
        explain: None,
    }
}

/// Through which analysis step a word of the text matched a word of the query.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// Written exactly as in the query.
    Exact,
    /// The same after folding case and diacritics (`cafe` → `Café`).
    Folded,
    /// The same stem (`verkiezing` → `verkiezingen`).
    Stem,
    /// Written with or without a hyphen (`cdaleider` → `CDA-leider`).
    Hyphen,
    /// Part of a phrase that stands together.
    Phrase,
    /// Within this many edits (`verkiezingsfruade~` → `verkiezingsfraude`).
    Fuzzy(u8),
    /// Starts with the prefix (`verkiez*` → `verkiezingen`).
    Prefix,
    /// Through compound splitting (`fraude` → `verkiezingsfraude`, `verkiezingsfraude` →
    /// `fraude`).
    CompoundPart,
}

impl Step {
    pub fn name(self) -> &'static str {
        match self {
            Step::Exact => "exact",
            Step::Folded => "folded",
            Step::Stem => "stem",
            Step::Hyphen => "hyphen",
            Step::Phrase => "phrase",
            Step::Fuzzy(_) => "fuzzy",
            Step::Prefix => "prefix",
            Step::CompoundPart => "compound part",
        }
    }
}

impl fmt::Display for Step {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Step::Fuzzy(1) => f.write_str("fuzzy, 1 edit"),
            Step::Fuzzy(n) => write!(f, "fuzzy, {n} edits"),
            Step::Folded => f.write_str("folded case/diacritics"),
            other => f.write_str(other.name()),
        }
    }
}

/// One word of a text that a matcher matched.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenMatch {
    pub start: usize,
    pub end: usize,
    /// Index into the matchers.
    pub matcher: usize,
    pub step: Step,
}

/// How a word as written in the text relates to the query word its term matched.
fn word_step(surface: &str, word: &str, kind: TokenKind) -> Step {
    if surface == word {
        Step::Exact
    } else if fold::fold(surface) == fold::fold(word) {
        Step::Folded
    } else if kind == TokenKind::Joined || word.contains(['-', '‐', '‑']) {
        Step::Hyphen
    } else {
        Step::Stem
    }
}

/// Every word of `text` that one of `matchers` matches, in text order.
pub fn token_matches(
    analyzer: &DutchAnalyzer,
    matchers: &[Matcher],
    text: &str,
) -> Vec<TokenMatch> {
    if matchers.is_empty() {
        return Vec::new();
    }
    let tokens = analyzer.tokens(text);
    let mut found = Vec::new();
    let patterns: Vec<Option<Pattern>> = matchers
        .iter()
        .map(|m| match m {
            Matcher::Fuzzy { term, edits, .. } => Some(Pattern::Fuzzy {
                term: term.clone(),
                edits: *edits,
            }),
            Matcher::Prefix { terms, .. } => Some(Pattern::Prefix(terms.clone())),
            _ => None,
        })
        .collect();
    for t in &tokens {
        for (i, matcher) in matchers.iter().enumerate() {
            let surface = &text[t.start..t.end];
            let step = match matcher {
                Matcher::Term { term, word } if *term == t.term => {
                    Some(word_step(surface, word, t.kind))
                }
                Matcher::Fuzzy { term, word, .. } if *term == t.term => {
                    Some(word_step(surface, word, t.kind))
                }
                Matcher::Fuzzy { .. } => patterns[i]
                    .as_ref()
                    .and_then(|p| p.matches(&t.term))
                    .map(Step::Fuzzy),
                Matcher::Prefix { .. } => patterns[i]
                    .as_ref()
                    .and_then(|p| p.matches(&t.term))
                    .map(|_| Step::Prefix),
                Matcher::Part { term, .. } if *term == t.term => Some(Step::CompoundPart),
                _ => None,
            };
            if let Some(step) = step {
                found.push(TokenMatch {
                    start: t.start,
                    end: t.end,
                    matcher: i,
                    step,
                });
            }
        }
    }
    if !matchers.iter().any(|m| matches!(m, Matcher::Phrase { .. })) {
        found.sort_by_key(|m| (m.start, m.end, m.matcher));
        return found;
    }
    let mut at_position: HashMap<(usize, &str), (usize, usize)> = HashMap::new();
    for t in &tokens {
        at_position
            .entry((t.position, t.term.as_str()))
            .or_insert((t.start, t.end));
    }
    for (i, matcher) in matchers.iter().enumerate() {
        let Matcher::Phrase { sequence, .. } = matcher else {
            continue;
        };
        for t in &tokens {
            if t.term != sequence[0].1 {
                continue;
            }
            let spans: Option<Vec<(usize, usize)>> = sequence
                .iter()
                .map(|(offset, term)| {
                    at_position
                        .get(&(t.position + offset, term.as_str()))
                        .copied()
                })
                .collect();
            for (start, end) in spans.into_iter().flatten() {
                found.push(TokenMatch {
                    start,
                    end,
                    matcher: i,
                    step: Step::Phrase,
                });
            }
        }
    }
    found.sort_by_key(|m| (m.start, m.end, m.matcher));
    found
}

/// Byte ranges of `text` that the query matches, sorted and merged.
pub fn highlight(
    analyzer: &DutchAnalyzer,
    matchers: &[Matcher],
    text: &str,
) -> Vec<(usize, usize)> {
    let mut merged: Vec<(usize, usize)> = Vec::new();
    for m in token_matches(analyzer, matchers, text) {
        match merged.last_mut() {
            Some(last) if m.start <= last.1 => last.1 = last.1.max(m.end),
            _ => merged.push((m.start, m.end)),
        }
    }
    merged
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::Analysis;

    fn term_matcher(analyzer: &DutchAnalyzer, word: &str) -> Matcher {
        Matcher::Term {
            term: analyzer.normalize_word(word),
            word: word.to_string(),
        }
    }

    fn marked(text: &str, ranges: &[(usize, usize)]) -> String {
        let mut out = String::new();
        let mut at = 0;
        for &(s, e) in ranges {
            out.push_str(&text[at..s]);
            out.push('[');
            out.push_str(&text[s..e]);
            out.push(']');
            at = e;
        }
        out.push_str(&text[at..]);
        out
    }

    #[test]
    fn highlights_stemmed_and_folded_matches_on_original_characters() {
        let analyzer = DutchAnalyzer::new(Analysis::Stemmed);
        let matchers = vec![
            term_matcher(&analyzer, "verkiezing"),
            term_matcher(&analyzer, "cafe"),
        ];
        let text = "Na de verkiezingen in het Café.";
        assert_eq!(
            marked(text, &highlight(&analyzer, &matchers, text)),
            "Na de [verkiezingen] in het [Café]."
        );
    }

    #[test]
    fn phrases_are_highlighted_only_where_they_stand_together() {
        let analyzer = DutchAnalyzer::new(Analysis::Stemmed);
        let sequence = ["de", "veiligste"]
            .iter()
            .enumerate()
            .map(|(i, w)| (i, analyzer.normalize_word(w)))
            .collect();
        let matchers = vec![Matcher::Phrase {
            sequence,
            text: "de veiligste".into(),
        }];
        let text = "de man zei: de veiligste ooit";
        assert_eq!(
            marked(text, &highlight(&analyzer, &matchers, text)),
            "de man zei: [de] [veiligste] ooit"
        );
    }

    #[test]
    fn hyphenated_whole_is_one_highlight() {
        let analyzer = DutchAnalyzer::new(Analysis::Stemmed);
        let matchers = vec![term_matcher(&analyzer, "cdaleider")];
        let text = "De CDA-leider sprak.";
        assert_eq!(
            marked(text, &highlight(&analyzer, &matchers, text)),
            "De [CDA-leider] sprak."
        );
    }
}
