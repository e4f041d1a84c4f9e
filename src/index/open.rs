//! The index folder and opening it: `CURRENT` names the live generation (`gen-*`), which
//! holds the tantivy files, zoek's own record of the build (`zoek.json`), the file list and
//! the record of its segment files (`checks.json`); `LOCK` keeps two builds apart. Opening
//! registers the analyzer the index was built with, needs no write access (a read-only
//! mount, another user's index) and refuses a generation whose segment files were written
//! to since they were recorded.

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::{Deserialize, Serialize};
use tantivy::directory::error::{DeleteError, LockError, OpenReadError, OpenWriteError};
use tantivy::directory::{
    Directory, DirectoryLock, FileHandle, Lock, MmapDirectory, WatchCallback, WatchHandle, WritePtr,
};
use tantivy::{Index, IndexReader, ReloadPolicy, Searcher};

use super::check::{check_whole, Checks, Verdict};
use super::disk::{write_synced, CURRENT_FILE, META_FILE};
use super::error::{no_write_access, IndexError};
use super::schema::Schema;
use crate::analysis::{self, Analysis, DutchAnalyzer};

/// Bumped whenever the schema or the meaning of stored fields changes.
/// 5: hyphenated numbers stay apart. 6: JSON Lines records carry a record key, ids keep
/// every byte of a file name, the file list counts documents and remembers failures.
/// 7: one document per article, its body stored once; passages are cut when shown.
/// 8: article ids in a fast column (read without decompressing the stored article), a
/// record's key a fast field instead of a term.
/// 9: article ids packed into a u64 fast column (a string column scanned its dictionary).
pub(super) const FORMAT_VERSION: u32 = 9;

/// What a build records about itself next to the tantivy files.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct IndexMeta {
    pub format: u32,
    pub analysis: String,
    /// The corpus folder as it was given to the build that made the generation (paths of
    /// articles are shown from it).
    pub corpus: String,
    /// The same folder, canonical: what later runs compare with.
    #[serde(default)]
    pub corpus_path: PathBuf,
}

/// tantivy's memory-mapped directory, whose locks are given up where they cannot be taken
/// for want of write access. A reader takes a lock file while it opens its segments (so
/// that a concurrent commit does not delete them under it); on a read-only mount, or on
/// another user's index, searching goes on without it (and [`open`] retries when a commit
/// came in between).
#[derive(Clone, Debug)]
struct Folder(MmapDirectory);

impl Directory for Folder {
    fn get_file_handle(&self, path: &Path) -> Result<Arc<dyn FileHandle>, OpenReadError> {
        self.0.get_file_handle(path)
    }
    fn delete(&self, path: &Path) -> Result<(), DeleteError> {
        self.0.delete(path)
    }
    fn exists(&self, path: &Path) -> Result<bool, OpenReadError> {
        self.0.exists(path)
    }
    fn open_write(&self, path: &Path) -> Result<WritePtr, OpenWriteError> {
        self.0.open_write(path)
    }
    fn atomic_read(&self, path: &Path) -> Result<Vec<u8>, OpenReadError> {
        self.0.atomic_read(path)
    }
    fn atomic_write(&self, path: &Path, data: &[u8]) -> std::io::Result<()> {
        self.0.atomic_write(path, data)
    }
    fn sync_directory(&self) -> std::io::Result<()> {
        self.0.sync_directory()
    }
    fn watch(&self, callback: WatchCallback) -> tantivy::Result<WatchHandle> {
        self.0.watch(callback)
    }
    fn acquire_lock(&self, lock: &Lock) -> Result<DirectoryLock, LockError> {
        match self.0.acquire_lock(lock) {
            Err(LockError::IoError(err)) if no_write_access(&err) => {
                Ok(DirectoryLock::from(Box::new(())))
            }
            other => other,
        }
    }
}

/// Opens the tantivy index in `generation`.
pub(super) fn open_tantivy(generation: &Path) -> Result<Index, IndexError> {
    let directory = MmapDirectory::open(generation).map_err(|e| IndexError::Tantivy(e.into()))?;
    Ok(Index::open(Folder(directory))?)
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
    let path = dir.join(CURRENT_FILE);
    let current = match fs::read_to_string(&path) {
        Ok(text) => text,
        Err(_) if fs::symlink_metadata(&path).is_err() => {
            return Err(IndexError::Missing {
                dir: dir.to_path_buf(),
            })
        }
        Err(err) => {
            let kind = fs::symlink_metadata(&path)
                .map(|m| crate::corpus::walk::kind_of(&m.file_type()))
                .unwrap_or("file");
            return Err(if no_write_access(&err) {
                IndexError::Io {
                    action: "read",
                    path,
                    source: err,
                }
            } else {
                IndexError::DamagedCurrent {
                    path,
                    name: format!("a {kind}, not a file"),
                }
            });
        }
    };
    let name = current.trim();
    if !name.starts_with("gen-") || name.contains(['/', '\\']) {
        return Err(IndexError::DamagedCurrent {
            path,
            name: format!("names '{name}'"),
        });
    }
    Ok(dir.join(name))
}

/// Opens the live generation of the index in `dir` for searching: no write access needed;
/// segment files written to since the build recorded them are verified first.
pub fn open(dir: &Path) -> Result<ZoekIndex, IndexError> {
    // A build may replace the generation, or commit and remove files, between reading
    // CURRENT and opening it; a second look then finds the new state.
    let mut attempt = 0;
    loop {
        let generation = read_current(dir)?;
        let opened = open_generation_with(&generation, |index| {
            Checks::load(&generation)
                .verify_changed(index, &generation)
                .map_err(|damage| IndexError::Damaged {
                    dir: dir.to_path_buf(),
                    damage,
                })
        });
        match opened {
            Ok(index) => return Ok(index),
            Err(err @ IndexError::Damaged { .. }) => return Err(err),
            Err(_) if attempt < 2 => {
                attempt += 1;
                std::thread::sleep(std::time::Duration::from_millis(20));
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

/// Opens a generation, running `check` on the tantivy index before its segments are opened
/// (a damaged segment file may not open at all).
pub(super) fn open_generation_with(
    generation: &Path,
    check: impl FnOnce(&Index) -> Result<(), IndexError>,
) -> Result<ZoekIndex, IndexError> {
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
    let index = open_tantivy(generation)?;
    check(&index)?;
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

/// Points CURRENT at `generation` with an atomic rename.
pub(super) fn publish(dir: &Path, generation: &str) -> Result<(), IndexError> {
    let tmp = dir.join(format!("{CURRENT_FILE}.tmp"));
    // A CURRENT that is an empty folder (nothing of anyone's) gives way.
    let current = dir.join(CURRENT_FILE);
    if fs::symlink_metadata(&current).is_ok_and(|m| m.is_dir()) {
        fs::remove_dir(&current).map_err(|source| IndexError::CurrentNotAFile {
            path: current.clone(),
            source,
        })?;
    }
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

/// `zoek check`: opens the live generation of the index in `dir` (without writing) and
/// reads all of it; segments that cannot even be opened are damage, not an error.
pub fn check(dir: &Path) -> Result<Verdict, IndexError> {
    let generation = read_current(dir)?;
    let mut tantivy = None;
    let opened = open_generation_with(&generation, |index| {
        tantivy = Some(index.clone());
        Ok(())
    });
    let documents = match &opened {
        Ok(open) => Ok(open.searcher().num_docs()),
        Err(err) => Err(err.to_string()),
    };
    match (opened, tantivy) {
        (Ok(open), _) => check_whole(open.tantivy(), &generation, documents),
        (Err(_), Some(index)) => check_whole(&index, &generation, documents),
        (Err(err), None) => Err(err),
    }
}
