//! The index folder and opening it: `CURRENT` names the live generation (`gen-*`), which
//! holds the tantivy files, zoek's own record of the build (`zoek.json`) and the file list;
//! `LOCK` keeps two builds apart. Opening registers the analyzer the index was built with.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use tantivy::{Index, IndexReader, ReloadPolicy, Searcher};

use super::error::IndexError;
use super::schema::Schema;
use crate::analysis::{self, Analysis, DutchAnalyzer};

/// Bumped whenever the schema or the meaning of stored fields changes.
pub(super) const FORMAT_VERSION: u32 = 5;
pub(super) const CURRENT_FILE: &str = "CURRENT";
pub(super) const LOCK_FILE: &str = "LOCK";
pub(super) const META_FILE: &str = "zoek.json";

/// What a build records about itself next to the tantivy files.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct IndexMeta {
    pub format: u32,
    pub analysis: String,
    pub corpus: String,
}

/// An opened index, with the analyzer it was built with registered.
pub struct ZoekIndex {
    index: Index,
    reader: IndexReader,
    schema: Schema,
    analyzer: DutchAnalyzer,
    meta: IndexMeta,
    /// The generation folder (`gen-*`) the index was opened from.
    generation: PathBuf,
}

impl ZoekIndex {
    /// The tantivy index, for the build that updates it.
    pub(super) fn tantivy(&self) -> &Index {
        &self.index
    }

    /// A searcher on the last commit the reader has seen.
    pub fn searcher(&self) -> Searcher {
        self.reader.searcher()
    }

    pub fn schema(&self) -> &Schema {
        &self.schema
    }

    /// The analyzer the index was built with.
    pub fn analyzer(&self) -> &DutchAnalyzer {
        &self.analyzer
    }

    pub fn meta(&self) -> &IndexMeta {
        &self.meta
    }

    /// The generation folder (`gen-*`) the index was opened from.
    pub fn generation(&self) -> &Path {
        &self.generation
    }

    /// The version of the index format this zoek reads and writes.
    pub fn format_version() -> u32 {
        FORMAT_VERSION
    }
}

pub(super) fn read_current(dir: &Path) -> Result<PathBuf, IndexError> {
    let current = fs::read_to_string(dir.join(CURRENT_FILE)).map_err(|_| IndexError::Missing {
        dir: dir.to_path_buf(),
    })?;
    let name = current.trim();
    if !name.starts_with("gen-") || name.contains(['/', '\\']) {
        return Err(IndexError::DamagedCurrent {
            path: dir.join(CURRENT_FILE),
            name: name.to_string(),
        });
    }
    Ok(dir.join(name))
}

/// Opens the live generation of the index in `dir`.
pub fn open(dir: &Path) -> Result<ZoekIndex, IndexError> {
    // A build may replace the generation between reading CURRENT and opening it; the
    // second look then finds the new one.
    let mut attempt = 0;
    loop {
        let generation = read_current(dir)?;
        match open_generation(&generation) {
            Ok(index) => return Ok(index),
            Err(_) if attempt < 2 && read_current(dir).ok().as_ref() != Some(&generation) => {
                attempt += 1;
            }
            Err(err) => {
                return Err(IndexError::Unreadable {
                    dir: dir.to_path_buf(),
                    source: Box::new(err),
                })
            }
        }
    }
}

/// What the live generation of the index in `dir` records about its build, read without
/// opening the index (so also when it has another format); `None` when there is none.
pub fn recorded_meta(dir: &Path) -> Option<IndexMeta> {
    let bytes = fs::read(read_current(dir).ok()?.join(META_FILE)).ok()?;
    serde_json::from_slice(&bytes).ok()
}

pub(super) fn open_generation(generation: &Path) -> Result<ZoekIndex, IndexError> {
    let meta_path = generation.join(META_FILE);
    let bytes = fs::read(&meta_path).map_err(|source| IndexError::Io {
        action: "read",
        path: meta_path.clone(),
        source,
    })?;
    let meta: IndexMeta = serde_json::from_slice(&bytes).map_err(|source| IndexError::BadMeta {
        path: meta_path,
        source,
    })?;
    if meta.format != FORMAT_VERSION {
        return Err(IndexError::OtherFormat {
            found: meta.format,
            expected: FORMAT_VERSION,
        });
    }
    let analysis: Analysis = meta.analysis.parse().map_err(IndexError::UnknownAnalysis)?;
    let index = Index::open_in_dir(generation)?;
    let analyzer = DutchAnalyzer::new(analysis);
    analysis::register(&index, &analyzer);
    let reader = index
        .reader_builder()
        .reload_policy(ReloadPolicy::Manual)
        .try_into()?;
    Ok(ZoekIndex {
        index,
        reader,
        schema: Schema::new(),
        analyzer,
        meta,
        generation: generation.to_path_buf(),
    })
}

pub(super) fn write_synced(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut file = fs::File::create(path)?;
    file.write_all(bytes)?;
    file.sync_all()
}

/// Points CURRENT at `generation` with an atomic rename.
pub(super) fn publish(dir: &Path, generation: &str) -> Result<(), IndexError> {
    let tmp = dir.join(format!("{CURRENT_FILE}.tmp"));
    let io = |source| IndexError::Io {
        action: "write",
        path: dir.join(CURRENT_FILE),
        source,
    };
    write_synced(&tmp, format!("{generation}\n").as_bytes()).map_err(io)?;
    fs::rename(&tmp, dir.join(CURRENT_FILE)).map_err(io)?;
    if let Ok(d) = fs::File::open(dir) {
        let _ = d.sync_all();
    }
    Ok(())
}

/// Removes generations other than the live one and leftovers of interrupted builds.
pub(super) fn remove_stale(dir: &Path, live: &str) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if (name.starts_with("gen-") || name.starts_with("building-")) && name != live {
            let _ = fs::remove_dir_all(entry.path());
        }
    }
}
