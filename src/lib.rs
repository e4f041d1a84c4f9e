//! zoek: search Dutch news from the shell.
//!
//! The crate is a pipeline, one module per stage:
//! [`corpus`] (reading articles) → [`passage`] (cutting them into passages) →
//! [`analysis`] (Dutch analysis) → [`index`] (tantivy index) → [`query`] (query syntax) →
//! [`search`] (ranking, passages, highlights) → [`output`] (human and JSON output).
//! `main.rs` wires the stages to the command line.

pub mod analysis;
pub mod corpus;
pub mod filter;
pub mod index;
pub mod output;
pub mod passage;
pub mod query;
pub mod search;
pub mod vocab;
