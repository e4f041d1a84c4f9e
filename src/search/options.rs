//! How to run one query: how many results of which kind, filters, order, context,
//! explanations, suggestions and how words combine.

use crate::query::{Filters, MatchMode};

/// What a search gives back.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum View {
    /// The best passages (what `zoek search` prints).
    #[default]
    Passages,
    /// The best articles, ranked by their whole text, each with its best passage.
    ArticlesWithPassage,
    /// The best articles by id alone (TREC output, `zoek eval`).
    Articles,
    /// Only how many articles match.
    Count,
}

/// What matching articles are counted by (`View::Count` with `group_by`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GroupBy {
    Month,
    Year,
    Source,
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

/// How to run one query.
#[derive(Debug, Clone)]
pub struct SearchOptions {
    /// How many hits (or articles).
    pub limit: usize,
    /// How many of the best to pass over first (paging: offset 10 and limit 10 give the
    /// 11th to the 20th); their ranks count on from it. Counts ignore it.
    pub offset: usize,
    pub view: View,
    pub filters: Filters,
    pub sort: SortOrder,
    /// Neighbouring passages to show on each side of a hit.
    pub context: usize,
    pub explain: bool,
    /// Suggest a correction when the query finds little.
    pub suggest: bool,
    /// Whether hits need all words of the query or any.
    pub matching: MatchMode,
    /// With [`View::Count`]: count the matching articles per period or source.
    pub group_by: Option<GroupBy>,
    /// Add the words the best articles share and rank again (ranked queries only).
    pub feedback: bool,
}

impl Default for SearchOptions {
    fn default() -> Self {
        SearchOptions {
            limit: 10,
            offset: 0,
            view: View::Passages,
            filters: Filters::default(),
            sort: SortOrder::Relevance,
            context: 0,
            explain: false,
            suggest: true,
            matching: MatchMode::Ranked,
            group_by: None,
            feedback: false,
        }
    }
}
