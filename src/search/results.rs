//! What a search gives back: hits (ranked passages with highlights, context and
//! explanations), ranked articles, or a count; with a suggestion and notes.

use super::article::ArticlePassage;
use super::explain::{Explain, Note};
use super::rank::Count;
use super::suggest::Suggestion;
use super::tally::Groups;
use crate::index::StoredPassage;
use crate::query::QueryWarning;

/// One ranked passage.
#[derive(Debug, Clone)]
pub struct Hit {
    /// 1 for the best.
    pub rank: usize,
    pub score: f32,
    pub passage: StoredPassage,
    /// Byte ranges `[start, end)` of the matches in the passage's text.
    pub highlights: Vec<(usize, usize)>,
    /// Neighbouring passages of the same article, when asked for.
    pub context: Option<Context>,
    /// Why the passage matched and how its score is made up, when asked for.
    pub explain: Option<Explain>,
    /// The text of the article's first passage when the article has no title, for a
    /// heading (display only: nothing of it is indexed as a title).
    pub article_lead: Option<String>,
}

/// The passages around a hit, nearest last in `before` and first in `after`.
#[derive(Debug, Clone, Default)]
pub struct Context {
    pub before: Vec<ArticlePassage>,
    pub after: Vec<ArticlePassage>,
}

/// One ranked article, by id.
#[derive(Debug, Clone, PartialEq)]
pub struct RankedArticle {
    pub rank: usize,
    pub article_id: String,
    pub score: f32,
}

/// The results of one query, as the view asked.
#[derive(Debug, Clone)]
pub enum Found {
    Hits(Vec<Hit>),
    /// This many hits, handed out one at a time by [`run_streamed`](super::run_streamed).
    Streamed(usize),
    Articles(Vec<RankedArticle>),
    Count(Count),
    /// Matching articles counted by period or source.
    Groups(Groups),
}

/// Everything one query gives.
#[derive(Debug, Clone)]
pub struct Outcome {
    pub found: Found,
    pub suggestion: Option<Suggestion>,
    /// Remarks about the whole query, when explanations are asked for.
    pub notes: Vec<Note>,
    /// Parts of the query that were searched, but perhaps not as meant.
    pub warnings: Vec<QueryWarning>,
}

impl Outcome {
    /// How many hits or articles it found (matching articles for a count).
    pub fn len(&self) -> usize {
        match &self.found {
            Found::Hits(hits) => hits.len(),
            Found::Streamed(hits) => *hits,
            Found::Articles(articles) => articles.len(),
            Found::Count(count) => count.articles as usize,
            Found::Groups(groups) => groups.total.articles as usize,
        }
    }

    /// Whether nothing matched (exit status 1 rather than 0).
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The hits, when the view has them.
    pub fn hits(&self) -> &[Hit] {
        match &self.found {
            Found::Hits(hits) => hits,
            _ => &[],
        }
    }
}
