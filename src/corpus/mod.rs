//! Corpus reading: walks a folder and turns its files into articles.
//!
//! Owns the file formats and the bookkeeping that every file and record ends as indexed,
//! skipped or failed, with a reason ([`article`]). [`walk`] finds the files (sorted, ignore
//! files respected, only regular files), [`file`] opens one (regular files only) and hashes it, [`read`] reads it whole within its cap, [`lines`] streams
//! a JSON Lines file a record at a time, [`decode`] turns bytes into text, and one module
//! per [`format`] makes articles: [`text`] (`.md`/`.txt` with front matter), [`json`]
//! (`.jsonl`, `.json`, also gzipped), [`html`] (`.html`/`.htm`). [`passage`] cuts an
//! article's body into the passages that are indexed and shown.

pub mod article;
pub mod decode;
pub mod file;
pub mod format;
pub mod html;
pub mod json;
pub mod lines;
pub mod passage;
pub mod read;
pub mod text;
pub mod walk;

pub use article::{
    byte_size, checked_date, month_named, parse_date, Article, Cap, CorpusError, FileRead, Limits,
    Problem, Skip,
};
pub use file::{fnv1a, ContentHash, FNV_START};
pub use format::{format_of, Format};
pub use lines::Lines;
pub use read::{open, parse_file, read_file, OpenFile};
pub use walk::{article_id, check_root, modified_ns, walk, Entry, WalkOptions};
