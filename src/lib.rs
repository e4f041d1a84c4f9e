//! zoek: search Dutch news from the shell.
//!
//! The crate is a pipeline, one module per stage:
//! [`corpus`] (reading articles) → [`passage`] (cutting them into passages) →
//! [`analysis`] (Dutch analysis) → [`index`] (tantivy index) → [`query`] (query syntax, with
//! [`filter`] for dates and sources and [`vocab`] for fuzzy and prefix words) →
//! [`search`] (ranking, passages, highlights; [`article`] for context, [`explain`] for
//! `--explain`, [`suggest`] for corrections) → [`output`] (human, JSON and TREC output).
//! [`eval`] scores runs against relevance judgements for `zoek eval`.
//! `main.rs` wires the stages to the command line.

pub mod analysis;
pub mod article;
pub mod corpus;
pub mod eval;
pub mod explain;
pub mod filter;
pub mod index;
pub mod output;
pub mod passage;
pub mod query;
pub mod search;
pub mod suggest;
pub mod vocab;
