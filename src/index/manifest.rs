//! The file list: what the index knows about each corpus file it holds (size, modification
//! time, content hash), so an update reads only what changed.
//!
//! Each commit writes a new list (`files-*.json`) and names it in the commit's payload, so
//! the list always describes exactly the committed documents; lists of earlier commits are
//! removed after the commit.

use std::collections::BTreeMap;
use std::fs;
use std::io::BufWriter;
use std::path::Path;
use std::time::UNIX_EPOCH;

use serde::{Deserialize, Serialize};
use tantivy::Index;

use super::error::IndexError;

/// What the index knows about one corpus file, to tell whether it changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileState {
    pub size: u64,
    pub mtime_ns: u64,
    pub hash: u64,
}

impl FileState {
    /// Whether the file looks untouched: same size and modification time.
    pub fn same_stat(&self, size: u64, mtime_ns: u64) -> bool {
        self.size == size && self.mtime_ns == mtime_ns
    }
}

/// Every indexed file by its corpus-relative path.
pub type Manifest = BTreeMap<String, FileState>;

/// The modification time of a file in nanoseconds since the epoch (0 when unknown).
pub fn modified_ns(metadata: &fs::Metadata) -> u64 {
    metadata
        .modified()
        .ok()
        .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_nanos() as u64)
}

/// The file list named in the last commit of the index in `generation`.
pub fn load(generation: &Path, index: &Index) -> Result<Manifest, IndexError> {
    let name = index.load_metas()?.payload.ok_or(IndexError::NoFileList)?;
    let path = generation.join(&name);
    let bytes = fs::read(&path).map_err(|source| IndexError::Io {
        action: "read the index's file list",
        path: path.clone(),
        source,
    })?;
    serde_json::from_slice(&bytes).map_err(|source| IndexError::BadFileList { path, source })
}

/// Writes `manifest` into `generation` under a new name, synced, and returns the name.
pub fn save(generation: &Path, manifest: &Manifest, stamp: u128) -> Result<String, IndexError> {
    let name = format!("files-{stamp}.json");
    let path = generation.join(&name);
    let io = |source| IndexError::Io {
        action: "write the file list",
        path: path.clone(),
        source,
    };
    // Written as it is serialized: the list of a million files is ~90 MB of JSON.
    let mut file = BufWriter::new(fs::File::create(&path).map_err(io)?);
    serde_json::to_writer(&mut file, manifest).map_err(|e| io(e.into()))?;
    file.into_inner()
        .map_err(|e| io(e.into_error()))?
        .sync_all()
        .map_err(io)?;
    Ok(name)
}

/// Removes the file lists of earlier commits.
pub fn remove_old(generation: &Path, live: &str) {
    let Ok(entries) = fs::read_dir(generation) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with("files-") && name.ends_with(".json") && name != live {
            let _ = fs::remove_file(entry.path());
        }
    }
}
