//! Corpus reading: walks a folder and turns its files into articles.
//!
//! Owns the file formats and the bookkeeping that every file and record ends as indexed,
//! skipped or failed, with a reason ([`article`]). [`walk`] finds the files (sorted, ignore
//! files respected), [`read`] opens one, [`decode`] turns its bytes into text, and one module
//! per [`format`] makes articles: [`text`] (`.md`/`.txt` with front matter), [`json`]
//! (`.jsonl`, `.json`, also gzipped), [`html`] (`.html`/`.htm`). [`passage`] cuts an
//! article's body into the passages that are indexed and shown.

pub mod article;
pub mod decode;
pub mod format;
pub mod html;
pub mod json;
pub mod passage;
pub mod read;
pub mod text;
pub mod walk;

pub use article::{
    checked_date, month_named, parse_date, Article, CorpusError, FileRead, Problem, Skip,
};
pub use format::{format_of, Format};
pub use read::{fnv1a, open, parse_file, read_bytes, OpenFile, FNV_START, STREAM_BYTES};
pub use walk::{article_id, walk, Entry, WalkOptions};
