//! Searching: runs one query and turns the best articles into hits with highlighted
//! passages, or into ranked articles, or into a count.
//!
//! [`run()`] is the whole of one query: it parses and compiles it once, ranks articles
//! ([`ranked`] by default, [`rank`] by BM25 or date), reads the articles it shows once
//! ([`stored`]) and chooses their passages, highlights the hits ([`highlight`]), adds context
//! passages ([`article`]), explanations ([`explain`]) and a suggestion ([`suggest`]) when
//! asked; [`tally`] counts matching articles by period or source. What to give back is in
//! [`options`], what comes back in [`results`]. Nothing here decides how results look;
//! `output` does.

pub mod article;
pub mod explain;
pub mod feedback;
pub mod highlight;
pub mod options;
pub mod rank;
pub mod ranked;
pub mod results;
pub mod run;
pub mod score;
pub mod stored;
pub mod suggest;
pub mod tally;

pub use options::{GroupBy, SearchOptions, SortOrder, View};
pub use rank::Count;
pub use results::{Context, Found, Hit, Outcome, RankedArticle};
pub use run::{run, run_streamed, SearchError};
pub use tally::{Group, GroupKey, Groups};
