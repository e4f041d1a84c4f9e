//! An index that follows its folder, for a process that searches for a long time (`zoek
//! serve`): after `zoek index` commits an update or publishes a new generation, the next
//! search opens the new state, without a restart; a search that already holds the previous
//! state finishes on it (its files stay mapped, also when a build removes them).
//!
//! Whether the folder changed is read from two small things a build changes on every
//! commit: `CURRENT` (which generation is live) and tantivy's `meta.json` in that generation
//! (replaced by a rename at each commit). Reading them costs a few system calls per search;
//! the new state is opened by [`open`], with its checks, once.

use std::fs;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError, RwLock};

use super::error::IndexError;
use super::open::{open, read_current, ZoekIndex};

/// tantivy's record of a generation's last commit, written anew by each commit.
const TANTIVY_META: &str = "meta.json";

/// The state of an index folder as far as searching is concerned: which generation is live
/// and which commit of it (the identity, size and time of its `meta.json`).
#[derive(Debug, Clone, PartialEq, Eq)]
struct Stamp {
    generation: PathBuf,
    meta: (u64, u64, u64, i64, i64),
}

impl Stamp {
    fn read(dir: &Path) -> Option<Stamp> {
        let generation = read_current(dir).ok()?;
        let m = fs::metadata(generation.join(TANTIVY_META)).ok()?;
        Some(Stamp {
            generation,
            meta: (m.dev(), m.ino(), m.len(), m.mtime(), m.mtime_nsec()),
        })
    }
}

struct Live {
    index: Arc<ZoekIndex>,
    /// The state `index` was opened at.
    stamp: Option<Stamp>,
    /// A state that could not be opened: not tried again until the folder changes again.
    failed: Option<Stamp>,
}

/// An opened index that reopens itself when its folder has a newer commit.
pub struct LiveIndex {
    dir: PathBuf,
    live: RwLock<Live>,
    /// Held by the one caller that opens a new state; the others go on with the previous.
    reopening: Mutex<()>,
}

impl LiveIndex {
    /// Opens the index in `dir` as [`open`] does.
    pub fn open(dir: &Path) -> Result<Self, IndexError> {
        // Read before opening: a commit in between is then seen by the first search.
        let stamp = Stamp::read(dir);
        let index = open(dir)?;
        Ok(LiveIndex {
            dir: dir.to_path_buf(),
            live: RwLock::new(Live {
                index: Arc::new(index),
                stamp,
                failed: None,
            }),
            reopening: Mutex::new(()),
        })
    }

    /// The folder of the index.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The index as last committed. When the folder changed since the state in hand was
    /// opened, the new state is opened first; while another caller opens it, the previous
    /// state is given. When the new state cannot be opened, the previous one is given with
    /// the error (once for each state of the folder that fails).
    pub fn current(&self) -> (Arc<ZoekIndex>, Option<IndexError>) {
        let now = Stamp::read(&self.dir);
        {
            let live = self.live.read().unwrap_or_else(PoisonError::into_inner);
            if now.is_none() || live.stamp == now || live.failed == now {
                return (Arc::clone(&live.index), None);
            }
        }
        let Ok(_reopening) = self.reopening.try_lock() else {
            let live = self.live.read().unwrap_or_else(PoisonError::into_inner);
            return (Arc::clone(&live.index), None);
        };
        let opened = open(&self.dir);
        let mut live = self.live.write().unwrap_or_else(PoisonError::into_inner);
        match opened {
            Ok(index) => {
                live.index = Arc::new(index);
                live.stamp = now;
                live.failed = None;
                (Arc::clone(&live.index), None)
            }
            Err(err) => {
                live.failed = now;
                (Arc::clone(&live.index), Some(err))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::index::build::{build, BuildOptions, Unobserved};

    fn documents(index: &ZoekIndex) -> u64 {
        index.searcher().num_docs()
    }

    #[test]
    fn a_commit_is_seen_and_a_held_state_stays_as_it_was() {
        let dir = tempfile::tempdir().unwrap();
        let corpus = dir.path().join("c");
        let folder = dir.path().join("i");
        fs::create_dir_all(&corpus).unwrap();
        fs::write(corpus.join("a.md"), "# A\n\nOver de dijk.\n").unwrap();
        let options = BuildOptions::default();
        build(&corpus, &folder, &options, &mut Unobserved).unwrap();
        let live = LiveIndex::open(&folder).unwrap();
        let (first, failed) = live.current();
        assert!(failed.is_none());
        let before = documents(&first);
        // Nothing changed: the same state, not opened again.
        assert!(Arc::ptr_eq(&first, &live.current().0));

        fs::write(corpus.join("b.md"), "# B\n\nDe dijkverzwaring.\n").unwrap();
        build(&corpus, &folder, &options, &mut Unobserved).unwrap();
        let (updated, _) = live.current();
        assert!(documents(&updated) > before, "the update is seen");
        assert_eq!(documents(&first), before, "a held state stays as it was");

        let rebuilt = BuildOptions {
            rebuild: true,
            ..BuildOptions::default()
        };
        build(&corpus, &folder, &rebuilt, &mut Unobserved).unwrap();
        let (fresh, _) = live.current();
        assert_ne!(fresh.generation(), updated.generation(), "a new generation");
        assert_eq!(documents(&fresh), documents(&updated));
        assert_eq!(documents(&first), before);
    }
}
