//! What an index holds (`zoek stats`): articles, passages and files, the dates and sources
//! of the articles, the analysis it was built with, and its size on disk. Counted from the
//! fast fields of the article documents, never from stored text.

use std::collections::HashMap;
use std::fs;
use std::path::Path;

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::query::AllQuery;
use tantivy::{DocId, Score, SegmentOrdinal, SegmentReader};

use super::error::IndexError;
use super::manifest;
use super::open::ZoekIndex;
use super::schema::GroupKeys;

/// What an index holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndexStats {
    pub articles: u64,
    pub passages: u64,
    /// Corpus files with indexed articles.
    pub files: u64,
    /// The first and last day any article is dated (`date_key` values, `YYYYMMDD`).
    pub first_date: Option<i64>,
    pub last_date: Option<i64>,
    /// Articles without a date.
    pub undated: u64,
    /// Articles per source as written, most first (then by name); the empty name counts the
    /// articles without a source.
    pub sources: Vec<(String, u64)>,
    /// The analysis variant the index was built with.
    pub analysis: String,
    /// The index format version.
    pub format: u32,
    /// The corpus folder the index was built from, as given then.
    pub corpus: String,
    /// Bytes of the live generation's files.
    pub bytes: u64,
}

/// Counts what `index` holds.
pub fn stats(index: &ZoekIndex) -> Result<IndexStats, IndexError> {
    let searcher = index.searcher();
    let articles = searcher.search(&AllQuery, &ArticleTally)?;
    // Files with indexed articles (the file list also remembers files that failed).
    let files = manifest::load(index.generation(), index.tantivy())?
        .values()
        .filter(|state| state.docs > 0)
        .count() as u64;
    let mut sources: Vec<(String, u64)> = articles.sources.into_iter().collect();
    sources.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    Ok(IndexStats {
        articles: articles.count,
        passages: articles.passages,
        files,
        first_date: articles.first,
        last_date: articles.last,
        undated: articles.undated,
        sources,
        analysis: index.meta().analysis.clone(),
        format: index.meta().format,
        corpus: index.meta().corpus.clone(),
        bytes: folder_bytes(index.generation()),
    })
}

/// The bytes of the files in `dir` and below.
fn folder_bytes(dir: &Path) -> u64 {
    let Ok(entries) = fs::read_dir(dir) else {
        return 0;
    };
    entries
        .flatten()
        .map(|entry| match entry.metadata() {
            Ok(m) if m.is_dir() => folder_bytes(&entry.path()),
            Ok(m) => m.len(),
            Err(_) => 0,
        })
        .sum()
}

/// Counts articles: how many, their passages, their dates' extremes, and how many per
/// source.
struct ArticleTally;

#[derive(Default)]
struct Tally {
    count: u64,
    passages: u64,
    undated: u64,
    first: Option<i64>,
    last: Option<i64>,
    sources: HashMap<String, u64>,
}

impl Tally {
    fn add(&mut self, other: Tally) {
        self.count += other.count;
        self.passages += other.passages;
        self.undated += other.undated;
        self.first = self.first.into_iter().chain(other.first).min();
        self.last = self.last.into_iter().chain(other.last).max();
        for (name, n) in other.sources {
            *self.sources.entry(name).or_default() += n;
        }
    }
}

struct SegmentTally {
    keys: GroupKeys,
    tally: Tally,
    /// Articles per source number of the segment (names are looked up once, at the end).
    by_source: HashMap<Option<u64>, u64>,
}

impl Collector for ArticleTally {
    type Fruit = Tally;
    type Child = SegmentTally;

    fn for_segment(
        &self,
        _: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<SegmentTally> {
        Ok(SegmentTally {
            keys: GroupKeys::open(reader)?,
            tally: Tally::default(),
            by_source: HashMap::new(),
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<Tally>) -> tantivy::Result<Tally> {
        let mut all = Tally::default();
        for fruit in fruits {
            all.add(fruit);
        }
        Ok(all)
    }
}

impl SegmentCollector for SegmentTally {
    type Fruit = Tally;

    fn collect(&mut self, doc: DocId, _: Score) {
        let tally = &mut self.tally;
        tally.count += 1;
        tally.passages += self.keys.passages(doc);
        match self.keys.date(doc) {
            Some(day) => {
                tally.first = Some(tally.first.map_or(day, |d| d.min(day)));
                tally.last = Some(tally.last.map_or(day, |d| d.max(day)));
            }
            None => tally.undated += 1,
        }
        *self.by_source.entry(self.keys.source(doc)).or_default() += 1;
    }

    fn harvest(mut self) -> Tally {
        for (ord, n) in self.by_source {
            let name = ord.map(|o| self.keys.source_name(o)).unwrap_or_default();
            *self.tally.sources.entry(name).or_default() += n;
        }
        self.tally
    }
}
