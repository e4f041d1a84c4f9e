//! Counts for researchers (`--count --by`): the articles a query matches per month, year
//! or source, from the fast fields of the matching articles, so a trend or a comparison of
//! sources needs no script.

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

/// How many matching articles fall in one group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group {
    pub key: GroupKey,
    pub articles: u64,
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

/// Counts the articles `query` matches, grouped `by`.
pub fn tally(searcher: &Searcher, query: &dyn Query, by: GroupBy) -> tantivy::Result<Groups> {
    let counts = searcher.search(query, &Matching { by })?;
    let total = Count {
        articles: counts.values().sum(),
    };
    let mut groups: Vec<Group> = counts
        .into_iter()
        .map(|(key, articles)| Group { key, articles })
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

/// Counts the matching articles by group, from their fast fields.
struct Matching {
    by: GroupBy,
}

struct SegmentMatching {
    by: GroupBy,
    keys: GroupKeys,
    /// Per period, or per source number in the segment (`None`: no source).
    periods: HashMap<GroupKey, u64>,
    sources: HashMap<Option<u64>, u64>,
}

impl Collector for Matching {
    type Fruit = HashMap<GroupKey, u64>;
    type Child = SegmentMatching;

    fn for_segment(
        &self,
        _: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<SegmentMatching> {
        Ok(SegmentMatching {
            by: self.by,
            keys: GroupKeys::open(reader)?,
            periods: HashMap::new(),
            sources: HashMap::new(),
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(
        &self,
        fruits: Vec<HashMap<GroupKey, u64>>,
    ) -> tantivy::Result<HashMap<GroupKey, u64>> {
        let mut all: HashMap<GroupKey, u64> = HashMap::new();
        for (key, n) in fruits.into_iter().flatten() {
            *all.entry(key).or_default() += n;
        }
        Ok(all)
    }
}

impl SegmentCollector for SegmentMatching {
    type Fruit = HashMap<GroupKey, u64>;

    fn collect(&mut self, doc: DocId, _: Score) {
        match self.by {
            GroupBy::Source => *self.sources.entry(self.keys.source(doc)).or_default() += 1,
            GroupBy::Month | GroupBy::Year => {
                let key = match self.keys.date(doc) {
                    None => GroupKey::Undated,
                    Some(day) => GroupKey::Period {
                        year: (day / 10_000) as i32,
                        month: (self.by == GroupBy::Month).then_some((day / 100 % 100) as u8),
                    },
                };
                *self.periods.entry(key).or_default() += 1;
            }
        }
    }

    fn harvest(self) -> HashMap<GroupKey, u64> {
        let mut counts = self.periods;
        for (source, n) in self.sources {
            let key = match source.map(|ord| self.keys.source_name(ord)) {
                Some(name) if !name.is_empty() => GroupKey::Source(name),
                _ => GroupKey::NoSource,
            };
            *counts.entry(key).or_default() += n;
        }
        counts
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn period(year: i32, month: Option<u8>, articles: u64) -> Group {
        Group {
            key: GroupKey::Period { year, month },
            articles,
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
