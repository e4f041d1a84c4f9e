//! Finding damage: what can be checked cheaply on every run, and the whole check.
//!
//! tantivy ends every file it writes with a CRC32 of its content. Reading a whole index to
//! verify them costs as much as the index is large, so after each build zoek records the
//! size and modification time of every segment file it committed (`checks.json`); a file
//! whose size or time no longer matches has been written to since, and only that file is
//! verified. `zoek index` does this on every run (and checks the file list against the
//! committed documents), a search does it for the files it is about to use, and
//! [`check_whole`] (`zoek check`, `zoek index --repair`) verifies every file.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use tantivy::index::SegmentComponent;
use tantivy::Index;

use super::disk::save_json;
pub use super::error::Damage;
use super::error::IndexError;
use super::manifest;

/// zoek's record of the segment files of a generation.
pub(super) const CHECKS_FILE: &str = "checks.json";

/// Size and modification time of each segment file when it was last known sound.
#[derive(Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Checks {
    files: BTreeMap<String, (u64, u64)>,
}

/// The segment files of the last commit of `index`, by name.
pub fn segment_files(index: &Index) -> Result<Vec<String>, IndexError> {
    const COMPONENTS: [SegmentComponent; 6] = [
        SegmentComponent::Postings,
        SegmentComponent::Positions,
        SegmentComponent::FastFields,
        SegmentComponent::FieldNorms,
        SegmentComponent::Terms,
        SegmentComponent::Store,
    ];
    let mut files = Vec::new();
    for segment in index.searchable_segment_metas()? {
        for component in COMPONENTS {
            files.push(segment.relative_path(component));
        }
        if segment.has_deletes() {
            files.push(segment.relative_path(SegmentComponent::Delete));
        }
    }
    Ok(files
        .into_iter()
        .map(|p| p.to_string_lossy().into_owned())
        .collect())
}

fn stat(path: &Path) -> Option<(u64, u64)> {
    fs::metadata(path)
        .ok()
        .map(|m| (m.len(), crate::corpus::modified_ns(&m)))
}

impl Checks {
    /// The record of `generation` (empty when there is none or it cannot be read).
    pub fn load(generation: &Path) -> Checks {
        fs::read(generation.join(CHECKS_FILE))
            .ok()
            .and_then(|bytes| serde_json::from_slice(&bytes).ok())
            .unwrap_or_default()
    }

    /// Writes the record (atomically, readable as the other files of the generation).
    pub fn save(&self, generation: &Path) -> std::io::Result<()> {
        save_json(generation, CHECKS_FILE, self)
    }

    /// The files of the record whose size or time changed since, verified against their
    /// checksums (for a search: files not in the record are a build's, and left alone).
    pub fn verify_changed(&self, index: &Index, generation: &Path) -> Result<(), Damage> {
        for (name, known) in &self.files {
            let Some(now) = stat(&generation.join(name)) else {
                continue; // replaced by a later commit; tantivy says if it needs it
            };
            if now != *known && !sound(index, name)? {
                return Err(Damage::Checksum(name.clone()));
            }
        }
        Ok(())
    }

    /// Every segment file of the last commit: there, and (unless its size and time are as
    /// recorded) verified; the record is brought up to date. For `zoek index`.
    pub fn verify_segments(&mut self, index: &Index, generation: &Path) -> Result<(), Damage> {
        let files = segment_files(index).map_err(|e| Damage::Unreadable(e.to_string()))?;
        let mut known = BTreeMap::new();
        for name in files {
            let Some(now) = stat(&generation.join(&name)) else {
                return Err(Damage::Missing(name));
            };
            if self.files.get(&name) != Some(&now) && !sound(index, &name)? {
                return Err(Damage::Checksum(name));
            }
            known.insert(name, now);
        }
        self.files = known;
        Ok(())
    }

    /// Records the segment files of the last commit as they are now.
    pub fn record(index: &Index, generation: &Path) -> Result<Checks, IndexError> {
        let mut files = BTreeMap::new();
        for name in segment_files(index)? {
            if let Some(now) = stat(&generation.join(&name)) {
                files.insert(name, now);
            }
        }
        Ok(Checks { files })
    }
}

/// Whether a segment file matches its checksum (reads all of it); one whose checksum
/// cannot even be read (a damaged footer) does not.
fn sound(index: &Index, name: &str) -> Result<bool, Damage> {
    use tantivy::directory::error::OpenReadError;
    match index.directory().validate_checksum(Path::new(name)) {
        Ok(sound) => Ok(sound),
        Err(OpenReadError::FileDoesNotExist(_)) => Err(Damage::Missing(name.to_string())),
        Err(OpenReadError::IoError { io_error, .. })
            if io_error.kind() != std::io::ErrorKind::PermissionDenied =>
        {
            Ok(false)
        }
        Err(err) => Err(Damage::Unreadable(err.to_string())),
    }
}

/// The file list of the last commit against the documents it committed.
pub fn verify_file_list(docs_listed: u64, docs_indexed: u64) -> Result<(), Damage> {
    if docs_listed == docs_indexed {
        Ok(())
    } else {
        Err(Damage::FileList {
            listed: docs_listed,
            indexed: docs_indexed,
        })
    }
}

/// What the whole check found.
#[derive(Debug)]
pub struct Verdict {
    pub generation: PathBuf,
    pub segments: usize,
    pub files_verified: usize,
    pub bytes_verified: u64,
    pub documents: u64,
    pub corpus_files: usize,
    pub damage: Vec<Damage>,
}

/// Verifies every segment file of the last commit against its checksum (reads them all).
pub fn verify_all(index: &Index, generation: &Path) -> Result<(), Damage> {
    let files = segment_files(index).map_err(|e| Damage::Unreadable(e.to_string()))?;
    for name in files {
        if stat(&generation.join(&name)).is_none() {
            return Err(Damage::Missing(name));
        }
        if !sound(index, &name)? {
            return Err(Damage::Checksum(name));
        }
    }
    Ok(())
}

/// Reads the whole live generation of `index`: every segment file against its checksum,
/// the file list against the committed documents (`None` when the segments cannot be
/// opened to count them). Changes nothing.
pub fn check_whole(
    index: &Index,
    generation: &Path,
    documents: Result<u64, String>,
) -> Result<Verdict, IndexError> {
    let mut verdict = Verdict {
        generation: generation.to_path_buf(),
        segments: index.searchable_segment_metas()?.len(),
        files_verified: 0,
        bytes_verified: 0,
        documents: 0,
        corpus_files: 0,
        damage: Vec::new(),
    };
    for name in segment_files(index)? {
        let path = generation.join(&name);
        let Some((len, _)) = stat(&path) else {
            verdict.damage.push(Damage::Missing(name));
            continue;
        };
        match sound(index, &name) {
            Ok(true) => {
                verdict.files_verified += 1;
                verdict.bytes_verified += len;
            }
            Ok(false) => verdict.damage.push(Damage::Checksum(name)),
            Err(err) => verdict.damage.push(err),
        }
    }
    let documents = match documents {
        Ok(documents) => documents,
        Err(why) => {
            verdict.damage.push(Damage::Unreadable(why));
            return Ok(verdict);
        }
    };
    verdict.documents = documents;
    match manifest::load(generation, index) {
        Ok(list) => {
            verdict.corpus_files = list.len();
            if let Err(damage) = verify_file_list(manifest::docs(&list), documents) {
                verdict.damage.push(damage);
            }
        }
        Err(err) => verdict.damage.push(Damage::Unreadable(err.to_string())),
    }
    Ok(verdict)
}
