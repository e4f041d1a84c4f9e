//! Why an index cannot be opened, built or updated: one error type for the index stage,
//! each message saying what to do.

use std::fmt;
use std::path::{Path, PathBuf};

/// What to do about an index that cannot be opened, when its cause does not say it already:
/// an index of another format is rebuilt by the next `zoek index`.
fn advice(source: &IndexError) -> &'static str {
    match source {
        IndexError::OtherFormat { .. } => "; run 'zoek index' to rebuild it",
        _ => "",
    }
}

/// Why an index cannot be opened, built or updated.
#[derive(Debug, thiserror::Error)]
pub enum IndexError {
    #[error("no index at {}; run 'zoek index' first", Folder(.dir))]
    Missing { dir: PathBuf },
    #[error("{} is damaged ({name}); run 'zoek index' to rebuild", .path.display())]
    DamagedCurrent { path: PathBuf, name: String },
    #[error("{} is a folder with something in it, not the name of a generation; move it away and run 'zoek index' again: {source}", .path.display())]
    CurrentNotAFile {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot open the index at {}: {source}{}", Folder(.dir), advice(.source))]
    Unreadable {
        dir: PathBuf,
        #[source]
        source: Box<IndexError>,
    },
    #[error("the index at {} is damaged: {damage}", Folder(.dir))]
    Damaged { dir: PathBuf, damage: Damage },
    #[error(
        "not enough space on the disk of {} ({} free, this build needs about {}); the index is as it was: free some space and run 'zoek index' again",
        Folder(.dir),
        crate::corpus::byte_size(*.free),
        crate::corpus::byte_size(*.needed)
    )]
    DiskFull {
        dir: PathBuf,
        needed: u64,
        free: u64,
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

impl IndexError {
    /// Whether the error says the index is damaged or unreadable (rather than missing, in
    /// use, or kept from this user): what a rebuild cures.
    pub fn is_damage(&self) -> bool {
        match self {
            IndexError::Damaged { .. }
            | IndexError::DamagedCurrent { .. }
            | IndexError::BadMeta { .. }
            | IndexError::NoFileList
            | IndexError::BadFileList { .. }
            | IndexError::Tantivy(_) => true,
            IndexError::Unreadable { source, .. } => source.is_damage(),
            IndexError::Io { source, .. } => !no_write_access(source),
            _ => false,
        }
    }
}

/// What is wrong with an index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Damage {
    /// A segment file's content does not match its checksum.
    Checksum(String),
    /// A segment file the index needs is not there.
    Missing(String),
    /// The file list and the committed documents disagree.
    FileList { listed: u64, indexed: u64 },
    /// tantivy cannot read the index.
    Unreadable(String),
}

impl std::fmt::Display for Damage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Damage::Checksum(file) => write!(f, "{file} does not match its checksum"),
            Damage::Missing(file) => write!(f, "{file} is missing"),
            Damage::FileList { listed, indexed } => write!(
                f,
                "the file list accounts for {listed} documents, the index holds {indexed}"
            ),
            Damage::Unreadable(why) => write!(f, "tantivy cannot read it ({why})"),
        }
    }
}

/// Whether an error says that this process may not write (or read) here.
pub fn no_write_access(err: &std::io::Error) -> bool {
    matches!(
        err.kind(),
        std::io::ErrorKind::PermissionDenied | std::io::ErrorKind::ReadOnlyFilesystem
    ) || err.raw_os_error() == Some(libc::EROFS)
}

/// A folder as users type it: `index/` rather than `index`.
pub(super) struct Folder<'a>(&'a Path);

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
