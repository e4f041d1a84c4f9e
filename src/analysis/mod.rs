//! Dutch analysis: turns text into the terms zoek indexes, searches and highlights.
//!
//! One pipeline of small stages, each in its own module: [`words`] finds words and their
//! offsets, [`fold`] lower-cases and strips diacritics, [`stem`] reduces inflected forms,
//! [`compound`] finds the parts of compounds, [`stopwords`] marks function words.
//! [`DutchAnalyzer`] ([`analyzer`]) composes them, through a per-thread memo ([`cache`]);
//! [`DutchTokenizer`] ([`tokenizer`]) wraps it for tantivy. [`token`] holds what they
//! produce, [`variant`] how much of the analysis runs. Indexing, query parsing and
//! highlighting all call the same analyzer, so a word is always reduced the same way
//! wherever it appears.

pub mod analyzer;
mod cache;
pub mod compound;
pub mod fold;
mod fx_hash;
pub mod stem;
pub mod stopwords;
pub mod token;
pub mod tokenizer;
pub mod variant;
pub mod words;

pub use analyzer::DutchAnalyzer;
pub use token::{AnalyzedToken, PrefixTerms, TokenKind, TokenRef, MAX_TERM_BYTES, PART_MARK};
pub use tokenizer::{register, DutchTokenizer, ANALYZER_NAME};
pub use variant::Analysis;
