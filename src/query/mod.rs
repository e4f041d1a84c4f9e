//! Queries: what the user typed → a compiled query ready to search, and the terms to
//! highlight.
//!
//! [`lex`] cuts the text into lexemes with their places, [`parse`] builds the syntax tree
//! ([`Node`]), [`compile`] analyzes its words with the index's own Dutch analyzer into a
//! [`Compiled`] query that builds the tantivy queries a search needs. [`filter`]
//! owns the date and source syntax, [`vocab`] the expansion of fuzzy words and prefixes
//! against the index's term dictionary, [`union`] the weighted union of terms that gathers a
//! ranked search's candidates (searched for its top k by MaxScore). Errors carry where in the query they are.
//!
//! Syntax: words (ranked by default, all required in the strict mode), `OR` between
//! alternatives, `-word` or `NOT word` to exclude, `"an exact phrase"`, `title:word` /
//! `body:"phrase"` for one field, and parentheses. `OR` binds tighter than the implicit AND: `a b OR c` means a AND (b OR c).
//! `word~` / `word~2` match within an edit distance, `verkiez*` matches word beginnings,
//! `date:[2019-03-01 TO 2019-03-31]` / `date:2019-03` and `source:NAME` filter.

pub mod compile;
pub mod error;
pub mod filter;
mod lex;
pub mod parse;
mod union;
pub mod vocab;

pub use compile::{compile, Compiled, MatchMode, Matcher};
pub use error::{ErrorKind, QueryError, QueryWarning};
pub use filter::{DateRange, Filter, Filters};
pub use lex::Scope;
pub use parse::{auto_edits, parse, with_filters, Node, Text};
