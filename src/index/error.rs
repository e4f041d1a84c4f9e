//! Why an index cannot be opened, built or updated: one error type for the index stage,
//! each message saying what to do.

use std::fmt;
use std::path::{Path, PathBuf};

/// Why an index cannot be opened, built or updated.
#[derive(Debug, thiserror::Error)]
pub enum IndexError {
    #[error("no index at {}; run 'zoek index' first", Folder(.dir))]
    Missing { dir: PathBuf },
    #[error("{} is damaged (names '{name}'); run 'zoek index' to rebuild", .path.display())]
    DamagedCurrent { path: PathBuf, name: String },
    #[error("cannot open the index at {}; run 'zoek index' to rebuild it: {source}", Folder(.dir))]
    Unreadable {
        dir: PathBuf,
        #[source]
        source: Box<IndexError>,
    },
    #[error("{} is not valid: {source}", .path.display())]
    BadMeta {
        path: PathBuf,
        #[source]
        source: serde_json::Error,
    },
    #[error(
        "the index was built by another version of zoek (format {found}, this zoek reads {expected})"
    )]
    OtherFormat { found: u32, expected: u32 },
    #[error("{0}")]
    UnknownAnalysis(String),
    #[error("the index records no file list")]
    NoFileList,
    #[error("{} is not valid: {source}", .path.display())]
    BadFileList {
        path: PathBuf,
        #[source]
        source: serde_json::Error,
    },
    #[error("index is being updated by another process ({}); try again when it has finished", Folder(.dir))]
    Locked { dir: PathBuf },
    #[error("cannot {action} {}: {source}", .path.display())]
    Io {
        action: &'static str,
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error(transparent)]
    Corpus(#[from] crate::corpus::CorpusError),
    #[error(transparent)]
    Tantivy(#[from] tantivy::TantivyError),
}

/// A folder as users type it: `index/` rather than `index`.
struct Folder<'a>(&'a Path);

impl fmt::Display for Folder<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let shown = self.0.display().to_string();
        if shown.ends_with('/') {
            f.write_str(&shown)
        } else {
            write!(f, "{shown}/")
        }
    }
}
