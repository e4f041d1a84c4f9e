//! Deleted text leaves the disk: the merge policy of every build, which rewrites a segment
//! without its deleted documents once they are a tenth of it or have stayed through
//! [`PURGE_AFTER_UPDATES`] updates, and the record of how long each segment has held them.
//!
//! Why: tantivy only marks a replaced or removed document as deleted; its text stays in the
//! segment's files until a merge rewrites them. A full build's segments are too big for the
//! usual size-tiered merges ([`MERGE_MAX_DOCS`]), so without this a takedown (a file removed
//! or changed) would leave its text on disk until `--rebuild`, and churn would grow the index.

use std::collections::{BTreeMap, HashSet};
use std::fs;
use std::path::Path;

use tantivy::index::SegmentId;
use tantivy::indexer::{LogMergePolicy, MergeCandidate, MergePolicy};
use tantivy::{Index, SegmentMeta};

use super::disk::save_json;
use super::error::IndexError;

/// Segments with more passages than this are not merged with others: a full build's
/// segments (each one thread's share of the writer heap, several hundred thousand passages)
/// stay as they are, and only the small segments of incremental updates are merged. A merge
/// reads its segments through memory maps, so merging big ones together would make the
/// resident memory of a build grow with the corpus. Purging rewrites one segment at a time.
pub const MERGE_MAX_DOCS: usize = 100_000;
/// A segment whose deleted documents have stayed through this many updates is rewritten
/// without them by the next update that commits: the bound on how long removed text stays
/// on disk.
pub const PURGE_AFTER_UPDATES: u32 = 3;
/// A segment whose deleted documents are at least this share of it is rewritten at once,
/// so churn cannot grow the index by more than about this share.
pub const PURGE_DELETED_SHARE: f32 = 0.1;

/// zoek's record, per segment id, of how many committing updates its deleted documents
/// have stayed through.
const PENDING_FILE: &str = "deleted.json";

/// Updates each segment's deleted documents have stayed through, by segment id.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Pending(BTreeMap<String, u32>);

impl Pending {
    pub fn load(generation: &Path) -> Pending {
        let map = fs::read(generation.join(PENDING_FILE))
            .ok()
            .and_then(|bytes| serde_json::from_slice(&bytes).ok())
            .unwrap_or_default();
        Pending(map)
    }

    /// After an update that committed: every segment that still holds deleted documents
    /// has held them through one more update.
    pub fn after_update(&self, index: &Index) -> Result<Pending, IndexError> {
        let mut next = BTreeMap::new();
        for meta in index.searchable_segment_metas()? {
            if meta.has_deletes() {
                let id = meta.id().uuid_string();
                let updates = self.0.get(&id).copied().unwrap_or(0) + 1;
                next.insert(id, updates);
            }
        }
        Ok(Pending(next))
    }

    pub fn save(&self, generation: &Path) -> Result<(), IndexError> {
        save_json(generation, PENDING_FILE, &self.0).map_err(|source| IndexError::Io {
            action: "write",
            path: generation.join(PENDING_FILE),
            source,
        })
    }

    /// Whether a segment's deleted documents are due to leave the disk in this update.
    fn due(&self, meta: &SegmentMeta) -> bool {
        if !meta.has_deletes() {
            return false;
        }
        let share = meta.num_deleted_docs() as f32 / meta.max_doc().max(1) as f32;
        let updates = self.0.get(&meta.id().uuid_string()).copied().unwrap_or(0) + 1;
        share >= PURGE_DELETED_SHARE || updates >= PURGE_AFTER_UPDATES
    }
}

/// tantivy's size-tiered merges for the small segments, and a rewrite of each segment whose
/// deleted documents are due to go.
#[derive(Debug)]
pub struct PurgingMergePolicy {
    tiers: LogMergePolicy,
    pending: Pending,
}

impl PurgingMergePolicy {
    pub fn new(pending: Pending) -> PurgingMergePolicy {
        let mut tiers = LogMergePolicy::default();
        tiers.set_max_docs_before_merge(MERGE_MAX_DOCS);
        PurgingMergePolicy { tiers, pending }
    }
}

impl MergePolicy for PurgingMergePolicy {
    fn compute_merge_candidates(&self, segments: &[SegmentMeta]) -> Vec<MergeCandidate> {
        let mut candidates = self.tiers.compute_merge_candidates(segments);
        let merged: HashSet<SegmentId> = candidates.iter().flat_map(|c| c.0.clone()).collect();
        candidates.extend(
            segments
                .iter()
                .filter(|meta| !merged.contains(&meta.id()) && self.pending.due(meta))
                .map(|meta| MergeCandidate(vec![meta.id()])),
        );
        candidates
    }
}
