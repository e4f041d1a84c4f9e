//! The file list: what the index knows about each corpus file (size, modification time,
//! content hash, how many documents it holds, the ids it claimed, and for JSON Lines each
//! record), so an update reads only what changed, a file that failed is not read again
//! until it changes, and the list can be checked against the committed documents.
//!
//! Each commit writes a new list (`files-*.json`) and names it in the commit's payload, so
//! the list always describes exactly the committed documents; lists of earlier commits (and
//! of commits that never happened) are removed.

use std::collections::BTreeMap;
use std::fs;
use std::io::BufWriter;
use std::path::Path;

use serde::{Deserialize, Serialize};
use tantivy::Index;

use super::error::IndexError;

/// What the index knows about one corpus file, to tell whether it changed. Most files need
/// only the first four fields; what JSON files and failures need more of is boxed, so the
/// list of a million `.md` files stays small in memory.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(from = "StateFields", into = "StateFields")]
pub struct FileState {
    pub size: u64,
    pub mtime_ns: u64,
    /// Content hash ([`crate::corpus::ContentHash`]; for JSON Lines, of its records).
    pub hash: u64,
    /// Documents of the file in the index (each passage, and one per article).
    pub docs: u64,
    more: Option<Box<More>>,
}

/// What only some files have.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct More {
    ids: Vec<u64>,
    records: Vec<RecordState>,
    failures: Vec<Failure>,
}

/// [`FileState`] as it is written: the boxed fields only where there are any.
#[derive(Serialize, Deserialize)]
struct StateFields {
    size: u64,
    mtime_ns: u64,
    hash: u64,
    #[serde(default)]
    docs: u64,
    /// The `article_key`s of the ids its articles took from the corpus (JSON `id` fields,
    /// perhaps renamed as duplicates), which no other article may take. For JSON Lines
    /// they are in `records`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    ids: Vec<u64>,
    /// JSON Lines: each non-blank line as last read, so that an update re-indexes only the
    /// records that changed.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    records: Vec<RecordState>,
    /// What failed in the file (the whole file, or some records): reported again as
    /// unchanged until the file changes, without reading it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    failures: Vec<Failure>,
}

impl From<StateFields> for FileState {
    fn from(f: StateFields) -> Self {
        FileState::new(f.size, f.mtime_ns, f.hash, f.docs).with(f.ids, f.records, f.failures)
    }
}

impl From<FileState> for StateFields {
    fn from(state: FileState) -> Self {
        let more = state.more.map(|m| *m).unwrap_or_default();
        StateFields {
            size: state.size,
            mtime_ns: state.mtime_ns,
            hash: state.hash,
            docs: state.docs,
            ids: more.ids,
            records: more.records,
            failures: more.failures,
        }
    }
}

impl FileState {
    pub fn new(size: u64, mtime_ns: u64, hash: u64, docs: u64) -> Self {
        FileState {
            size,
            mtime_ns,
            hash,
            docs,
            more: None,
        }
    }

    /// With the ids taken from records, the JSON Lines records and the failures.
    pub fn with(
        mut self,
        ids: Vec<u64>,
        records: Vec<RecordState>,
        failures: Vec<Failure>,
    ) -> Self {
        self.more = (!ids.is_empty() || !records.is_empty() || !failures.is_empty()).then(|| {
            Box::new(More {
                ids,
                records,
                failures,
            })
        });
        self
    }

    /// Whether the file looks untouched: same size and modification time.
    pub fn same_stat(&self, size: u64, mtime_ns: u64) -> bool {
        self.size == size && self.mtime_ns == mtime_ns
    }

    /// The `article_key`s of ids its articles took from records (JSON files).
    pub fn ids(&self) -> &[u64] {
        self.more.as_ref().map_or(&[], |m| &m.ids)
    }

    /// A JSON Lines file's records as last read.
    pub fn records(&self) -> &[RecordState] {
        self.more.as_ref().map_or(&[], |m| &m.records)
    }

    /// What failed in the file when it was last read.
    pub fn failures(&self) -> &[Failure] {
        self.more.as_ref().map_or(&[], |m| &m.failures)
    }

    /// The explicit ids the file's articles hold, by `article_key`.
    pub fn claimed_ids(&self) -> impl Iterator<Item = u64> + '_ {
        self.ids()
            .iter()
            .copied()
            .chain(self.records().iter().map(|r| r.id()).filter(|&id| id != 0))
    }
}

/// One non-blank line of a JSON Lines file: `[line, hash, docs, id]`, where `docs` is 0
/// for a record that failed or was skipped, and `id` the `article_key` of an id taken from
/// the record (0 for the automatic `file:LINE`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordState(pub u64, pub u64, pub u64, pub u64);

impl RecordState {
    pub fn line(&self) -> u64 {
        self.0
    }
    pub fn hash(&self) -> u64 {
        self.1
    }
    pub fn docs(&self) -> u64 {
        self.2
    }
    pub fn id(&self) -> u64 {
        self.3
    }
}

/// A remembered failure: the line of the record (none for the whole file) and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Failure {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    pub message: String,
}

/// Every walked article file by its id (its corpus-relative path).
pub type Manifest = BTreeMap<String, FileState>;

/// The name of the file list of the last commit of `index`.
pub fn live_name(index: &Index) -> Result<String, IndexError> {
    index.load_metas()?.payload.ok_or(IndexError::NoFileList)
}

/// The file list named in the last commit of the index in `generation`.
pub fn load(generation: &Path, index: &Index) -> Result<Manifest, IndexError> {
    let path = generation.join(live_name(index)?);
    let bytes = fs::read(&path).map_err(|source| IndexError::Io {
        action: "read the index's file list",
        path: path.clone(),
        source,
    })?;
    serde_json::from_slice(&bytes).map_err(|source| IndexError::BadFileList { path, source })
}

/// Documents the file list accounts for.
pub fn docs(manifest: &Manifest) -> u64 {
    manifest.values().map(|state| state.docs).sum()
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

/// Removes the file lists other than `live` (of earlier commits, or of a run that failed
/// before its commit).
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_plain_file_costs_a_few_fields_and_records_are_arrays() {
        let mut manifest = Manifest::new();
        manifest.insert("a.md".into(), FileState::new(3, 7, 42, 2));
        manifest.insert(
            "b.jsonl".into(),
            FileState::default().with(
                Vec::new(),
                vec![RecordState(1, 9, 2, 0), RecordState(3, 8, 0, 0)],
                vec![Failure {
                    line: Some(3),
                    message: "kapot".into(),
                }],
            ),
        );
        let json = serde_json::to_string(&manifest).unwrap();
        assert_eq!(
            json,
            r#"{"a.md":{"size":3,"mtime_ns":7,"hash":42,"docs":2},"b.jsonl":{"size":0,"mtime_ns":0,"hash":0,"docs":0,"records":[[1,9,2,0],[3,8,0,0]],"failures":[{"line":3,"message":"kapot"}]}}"#
        );
        let back: Manifest = serde_json::from_str(&json).unwrap();
        assert_eq!(back, manifest);
        assert_eq!(docs(&manifest), 2);
    }
}
