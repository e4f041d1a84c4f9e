//! Counts for researchers (`--count --by`): the articles (and passages) a query matches per
//! month, year or source, from the fast fields of the matching passages, so a trend or a
//! comparison of sources needs no script.

use std::collections::HashMap;

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::query::Query;
use tantivy::{DocId, Score, Searcher, SegmentOrdinal, SegmentReader};

use super::options::GroupBy;
use super::rank::Count;
use crate::index::schema::GroupKeys;

/// One group of matching articles.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum GroupKey {
    /// A year, or a month of a year (1 to 12).
    Period { year: i32, month: Option<u8> },
    /// Articles without a date (counted by period).
    Undated,
    /// A source as written.
    Source(String),
    /// Articles without a source.
    NoSource,
}

/// How many matching articles, and matching passages of them, fall in one group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group {
    pub key: GroupKey,
    pub articles: u64,
    pub passages: u64,
}

/// A query's matches counted by period or source, with the totals.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Groups {
    pub by: GroupBy,
    /// Periods in order, every period from the first to the last (those without matches
    /// count 0), then the undated; sources by articles, most first, then by name, then the
    /// articles without a source.
    pub groups: Vec<Group>,
    pub total: Count,
}

/// Counts the articles and passages `query` matches, grouped `by`.
pub fn tally(searcher: &Searcher, query: &dyn Query, by: GroupBy) -> tantivy::Result<Groups> {
    let seen = searcher.search(query, &Matching)?;
    let mut counts: HashMap<GroupKey, (u64, u64)> = HashMap::new();
    let mut total = Count {
        passages: 0,
        articles: 0,
    };
    for article in seen.into_values() {
        total.articles += 1;
        total.passages += article.passages;
        let key = match by {
            GroupBy::Source if article.source.is_empty() => GroupKey::NoSource,
            GroupBy::Source => GroupKey::Source(article.source),
            GroupBy::Month | GroupBy::Year => match article.date {
                None => GroupKey::Undated,
                Some(day) => GroupKey::Period {
                    year: (day / 10_000) as i32,
                    month: (by == GroupBy::Month).then_some((day / 100 % 100) as u8),
                },
            },
        };
        let entry = counts.entry(key).or_default();
        entry.0 += 1;
        entry.1 += article.passages;
    }
    let mut groups: Vec<Group> = counts
        .into_iter()
        .map(|(key, (articles, passages))| Group {
            key,
            articles,
            passages,
        })
        .collect();
    match by {
        GroupBy::Source => groups.sort_by(|a, b| {
            let no_source = |g: &Group| g.key == GroupKey::NoSource;
            no_source(a)
                .cmp(&no_source(b))
                .then(b.articles.cmp(&a.articles))
                .then_with(|| a.key.cmp(&b.key))
        }),
        GroupBy::Month | GroupBy::Year => {
            groups.sort_by(|a, b| a.key.cmp(&b.key));
            groups = with_empty_periods(groups);
        }
    }
    Ok(Groups { by, groups, total })
}

/// The periods from the first to the last, those missing counted 0 (a trend is read from
/// every period), then the other groups as they were.
fn with_empty_periods(groups: Vec<Group>) -> Vec<Group> {
    let mut out: Vec<Group> = Vec::with_capacity(groups.len());
    for group in groups {
        if let (
            Some(Group {
                key:
                    GroupKey::Period {
                        year: y0,
                        month: m0,
                    },
                ..
            }),
            GroupKey::Period { year, month },
        ) = (out.last(), &group.key)
        {
            let mut next = following(*y0, *m0);
            let mut guard = 0;
            while next < (*year, *month) && guard < 100_000 {
                out.push(Group {
                    key: GroupKey::Period {
                        year: next.0,
                        month: next.1,
                    },
                    articles: 0,
                    passages: 0,
                });
                next = following(next.0, next.1);
                guard += 1;
            }
        }
        out.push(group);
    }
    out
}

/// The period after a year or month.
fn following(year: i32, month: Option<u8>) -> (i32, Option<u8>) {
    match month {
        None => (year + 1, None),
        Some(12) => (year + 1, Some(1)),
        Some(m) => (year, Some(m + 1)),
    }
}

/// A matching article: its date key, its source and how many of its passages match.
#[derive(Debug, Default)]
struct Seen {
    date: Option<i64>,
    source: String,
    passages: u64,
}

/// Collects the matching articles by `article_key` (an article's passages may lie in
/// several segments).
struct Matching;

struct SegmentMatching {
    keys: GroupKeys,
    /// Per article: date, source number in the segment, passages.
    seen: HashMap<u64, (Option<i64>, Option<u64>, u64)>,
}

impl Collector for Matching {
    type Fruit = HashMap<u64, Seen>;
    type Child = SegmentMatching;

    fn for_segment(
        &self,
        _: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<SegmentMatching> {
        Ok(SegmentMatching {
            keys: GroupKeys::open(reader)?,
            seen: HashMap::new(),
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<HashMap<u64, Seen>>) -> tantivy::Result<HashMap<u64, Seen>> {
        let mut all: HashMap<u64, Seen> = HashMap::new();
        for fruit in fruits {
            for (key, seen) in fruit {
                let entry = all.entry(key).or_default();
                entry.passages += seen.passages;
                entry.date = entry.date.or(seen.date);
                if entry.source.is_empty() {
                    entry.source = seen.source;
                }
            }
        }
        Ok(all)
    }
}

impl SegmentCollector for SegmentMatching {
    type Fruit = HashMap<u64, Seen>;

    fn collect(&mut self, doc: DocId, _: Score) {
        let keys = &self.keys;
        self.seen
            .entry(keys.article(doc))
            .or_insert_with(|| (keys.date(doc), keys.source(doc), 0))
            .2 += 1;
    }

    fn harvest(self) -> HashMap<u64, Seen> {
        let mut names: HashMap<u64, String> = HashMap::new();
        self.seen
            .into_iter()
            .map(|(article, (date, source, passages))| {
                let source = source
                    .map(|ord| {
                        names
                            .entry(ord)
                            .or_insert_with(|| self.keys.source_name(ord))
                            .clone()
                    })
                    .unwrap_or_default();
                (
                    article,
                    Seen {
                        date,
                        source,
                        passages,
                    },
                )
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn period(year: i32, month: Option<u8>, articles: u64) -> Group {
        Group {
            key: GroupKey::Period { year, month },
            articles,
            passages: articles,
        }
    }

    #[test]
    fn periods_without_matches_count_zero() {
        let filled = with_empty_periods(vec![
            period(2019, Some(11), 1),
            period(2020, Some(2), 2),
            Group {
                key: GroupKey::Undated,
                articles: 1,
                passages: 1,
            },
        ]);
        let shown: Vec<(GroupKey, u64)> = filled.into_iter().map(|g| (g.key, g.articles)).collect();
        let month = |year, m| GroupKey::Period {
            year,
            month: Some(m),
        };
        assert_eq!(
            shown,
            vec![
                (month(2019, 11), 1),
                (month(2019, 12), 0),
                (month(2020, 1), 0),
                (month(2020, 2), 2),
                (GroupKey::Undated, 1),
            ]
        );
        let years = with_empty_periods(vec![period(2018, None, 1), period(2020, None, 1)]);
        assert_eq!(years.len(), 3);
        assert_eq!(years[1], period(2019, None, 0));
    }
}
