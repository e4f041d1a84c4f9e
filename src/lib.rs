//! zoek: search Dutch news from the shell.
//!
//! The crate is a pipeline, one folder per stage, each using only the stages before it:
//! [`corpus`] (reading articles and cutting them into passages) → [`index`] (the schema,
//! building and opening the tantivy index) → [`query`] (lexing, parsing and compiling what
//! the user typed) → [`search`] (ranking, highlighting, articles, explanations,
//! suggestions) → [`output`] (human, JSON Lines and TREC output). [`analysis`], the Dutch
//! analyzer, lies under all of them; [`eval`] (relevance metrics and TREC files for
//! `zoek eval`) stands beside them. [`serve`] puts the stages behind HTTP (`zoek serve`: a
//! JSON API and a search page); `main.rs` wires them to the command line.

pub mod analysis;
pub mod corpus;
pub mod eval;
pub mod index;
pub mod output;
pub mod query;
pub mod search;
pub mod serve;
