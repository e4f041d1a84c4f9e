//! The index: its schema ([`schema`]), its file list ([`manifest`]), building it from a
//! corpus ([`build`]), opening the live generation for searching ([`open`]) and following
//! it as builds commit ([`live`]), what it holds ([`stats`]), and the query that finds the
//! documents of changed JSON Lines records ([`keyed`]).
//!
//! An index folder holds generations: a full build writes a complete tantivy index into a
//! fresh `gen-*` folder and then atomically replaces the `CURRENT` file that names the live
//! one. Later runs update the live generation in place with only the files that changed,
//! through one tantivy commit (atomic too). Either way a build that fails or is killed leaves
//! the last committed state, so searches keep answering. A `LOCK` file keeps two builds apart.

pub mod build;
pub mod check;
mod disk;
pub mod error;
mod keyed;
pub mod live;
pub mod manifest;
pub mod open;
pub mod purge;
pub mod schema;
pub mod stats;

pub use build::{build, BuildObserver, BuildOptions, BuildReport, RebuildReason, Severity};
pub use error::IndexError;
pub use live::LiveIndex;
pub use open::{open, recorded_meta, IndexMeta, ZoekIndex};
pub use schema::{ArticleIds, ArticleInfo, Schema, StoredArticle, StoredPassage, TextField};
pub use stats::{stats, IndexStats};
