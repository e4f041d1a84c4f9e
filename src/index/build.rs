//! Building and updating an index: a full build into a fresh generation, or an update of the
//! live generation with only the files that changed, each as one tantivy commit together
//! with its file list.
//!
//! Progress and problems are told to a [`BuildObserver`] as they happen; what the build did
//! comes back as a [`BuildReport`]. Neither says how it is shown.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use tantivy::{Index, IndexWriter};

use super::error::IndexError;
use super::manifest::{self, FileState, Manifest};
use super::open::{
    open_generation, publish, read_current, remove_stale, write_synced, IndexMeta, ZoekIndex,
    FORMAT_VERSION, LOCK_FILE, META_FILE,
};
use super::schema::{source_key, Schema};
use crate::analysis::{self, Analysis, DutchAnalyzer};
use crate::corpus::{self, passage, Article, Entry, Problem, WalkOptions};

/// Memory for tantivy's indexing buffers, shared by its threads.
pub const WRITER_HEAP_BYTES: usize = 256 * 1024 * 1024;
/// Segments with more passages than this are not merged further: a full build's segments
/// (each one thread's share of the writer heap, several hundred thousand passages) stay as
/// they are, and only the small segments of incremental updates are merged. A merge reads
/// its segments through memory maps, so merging big ones would make the resident memory of
/// a build grow with the corpus.
pub const MERGE_MAX_DOCS: usize = 100_000;

/// How bad a problem is: a warning was indexed anyway, an error was not indexed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Severity {
    Warning,
    Error,
}

/// Hears about a build while it runs. Every method has an empty default.
pub trait BuildObserver {
    /// The walk found this many article files to look at.
    fn files_found(&mut self, _files: u64) {}
    /// One more article file was looked at.
    fn file_done(&mut self) {}
    /// A problem with a file or a record, as soon as it is found.
    fn problem(&mut self, _severity: Severity, _problem: &Problem) {}
}

/// An observer that hears nothing.
pub struct Unobserved;

impl BuildObserver for Unobserved {}

/// Settings of one build.
#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    pub analysis: Analysis,
    /// Rebuild everything even when an index exists.
    pub rebuild: bool,
    /// What to leave out of the corpus.
    pub walk: WalkOptions,
}

/// Why a build rebuilt the whole index although one existed.
#[derive(Debug)]
pub enum RebuildReason {
    AnalysisChanged {
        from: String,
        to: String,
    },
    CorpusChanged {
        from: String,
        to: String,
    },
    /// The existing index could not be updated (damaged, another format, no file list).
    Unusable(IndexError),
}

/// What a build did, for the summary.
#[derive(Debug, Default)]
pub struct BuildReport {
    /// Whether the whole index was rebuilt (else only changed files were processed).
    pub rebuilt: bool,
    /// Why a full rebuild happened when an index existed.
    pub rebuild_reason: Option<RebuildReason>,
    pub files_added: u64,
    pub files_updated: u64,
    pub files_removed: u64,
    pub files_unchanged: u64,
    /// Articles and passages indexed by this run.
    pub articles: u64,
    pub passages: u64,
    /// Bytes of the files this run read.
    pub bytes: u64,
    /// Skipped entries by reason.
    pub skipped: BTreeMap<String, Vec<String>>,
    /// Files and records that were not indexed.
    pub failures: Vec<Problem>,
    /// Read, but not entirely as written.
    pub warnings: Vec<Problem>,
    pub seconds: f64,
}

impl BuildReport {
    pub fn skipped_count(&self) -> usize {
        self.skipped.values().map(Vec::len).sum()
    }
}

/// Indexes `corpus_dir` into the index folder `dir`: only what changed since the last run,
/// or everything in a fresh generation when there is no usable index or `rebuild` is set.
pub fn build(
    corpus_dir: &Path,
    dir: &Path,
    options: &BuildOptions,
    observer: &mut dyn BuildObserver,
) -> Result<BuildReport, IndexError> {
    let started = Instant::now();
    let entries = corpus::walk(corpus_dir, &options.walk)?;
    fs::create_dir_all(dir).map_err(|source| IndexError::Io {
        action: "create the index folder",
        path: dir.to_path_buf(),
        source,
    })?;
    let lock = fs::File::create(dir.join(LOCK_FILE)).map_err(|source| IndexError::Io {
        action: "write in the index folder",
        path: dir.to_path_buf(),
        source,
    })?;
    if lock.try_lock().is_err() {
        return Err(IndexError::Locked {
            dir: dir.to_path_buf(),
        });
    }
    let corpus_name = corpus_dir.display().to_string();
    let existing = match read_current(dir) {
        Ok(generation) if !options.rebuild => Some(generation),
        _ => None,
    };
    let mut build = Build {
        corpus_dir,
        schema: Schema::new(),
        analyzer: DutchAnalyzer::new(options.analysis),
        observer,
    };
    let mut report = match existing.map(|g| reusable(&g, options.analysis, &corpus_name)) {
        Some(Ok((generation, open, old))) => {
            let mut writer = open_writer(open.tantivy())?;
            let report = build.index_entries(entries, &mut writer, &generation, old)?;
            writer.wait_merging_threads()?;
            if let Some(live) = generation.file_name() {
                remove_stale(dir, &live.to_string_lossy());
            }
            report
        }
        other => {
            let mut report = build.new_generation(entries, dir, options.analysis)?;
            report.rebuild_reason = match other {
                Some(Err(reason)) => Some(reason),
                _ => None,
            };
            report
        }
    };
    report.seconds = started.elapsed().as_secs_f64();
    Ok(report)
}

/// The live generation with its file list, when an update can continue it; else why not.
fn reusable(
    generation: &Path,
    analysis: Analysis,
    corpus_name: &str,
) -> Result<(PathBuf, ZoekIndex, Manifest), RebuildReason> {
    let open = open_generation(generation).map_err(RebuildReason::Unusable)?;
    if open.meta().analysis != analysis.name() {
        return Err(RebuildReason::AnalysisChanged {
            from: open.meta().analysis.clone(),
            to: analysis.name().to_string(),
        });
    }
    if open.meta().corpus != corpus_name {
        return Err(RebuildReason::CorpusChanged {
            from: open.meta().corpus.clone(),
            to: corpus_name.to_string(),
        });
    }
    let old = manifest::load(generation, open.tantivy()).map_err(RebuildReason::Unusable)?;
    Ok((generation.to_path_buf(), open, old))
}

/// How many threads tantivy indexes with (they run the analysis): one per core, at most 4.
pub fn indexing_threads() -> usize {
    std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
        .min(4)
}

fn open_writer(index: &Index) -> Result<IndexWriter, IndexError> {
    let writer = index.writer_with_num_threads(indexing_threads(), WRITER_HEAP_BYTES)?;
    let mut policy = tantivy::indexer::LogMergePolicy::default();
    policy.set_max_docs_before_merge(MERGE_MAX_DOCS);
    writer.set_merge_policy(Box::new(policy));
    Ok(writer)
}

fn now_stamp() -> u128 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or_default()
}

/// What one walked article file is to the index.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Change {
    /// Indexed before with these bytes (perhaps touched since).
    Unchanged,
    Added,
    Updated,
}

/// Whether a file indexed before as `before` changed, now that its content hash is known.
fn change(before: Option<FileState>, hash: u64) -> Change {
    match before {
        None => Change::Added,
        Some(b) if b.hash == hash => Change::Unchanged,
        Some(_) => Change::Updated,
    }
}

/// One build: the corpus, the schema and analyzer of the index, and who hears about it.
struct Build<'a> {
    corpus_dir: &'a Path,
    schema: Schema,
    analyzer: DutchAnalyzer,
    observer: &'a mut dyn BuildObserver,
}

/// The state of [`Build::index_entries`] while it goes through the walk.
struct Pass<'w> {
    writer: &'w mut IndexWriter,
    /// What is left of the old file list: after the walk, the files that are gone.
    old: Manifest,
    manifest: Manifest,
    report: BuildReport,
    /// Whether the commit changes anything.
    changed: bool,
}

impl Build<'_> {
    /// Builds a complete new generation and makes it the live one.
    fn new_generation(
        &mut self,
        entries: Vec<Entry>,
        dir: &Path,
        analysis: Analysis,
    ) -> Result<BuildReport, IndexError> {
        let stamp = now_stamp();
        let building = dir.join(format!("building-{stamp}"));
        let generation = format!("gen-{stamp}");
        let result = (|| {
            let io = |source| IndexError::Io {
                action: "write",
                path: building.clone(),
                source,
            };
            fs::create_dir_all(&building).map_err(io)?;
            let index = Index::builder()
                .schema(self.schema.tantivy().clone())
                .create_in_dir(&building)?;
            analysis::register(&index, &self.analyzer);
            let meta = IndexMeta {
                format: FORMAT_VERSION,
                analysis: analysis.name().to_string(),
                corpus: self.corpus_dir.display().to_string(),
            };
            let meta = serde_json::to_string_pretty(&meta).map_err(|e| io(e.into()))?;
            write_synced(&building.join(META_FILE), meta.as_bytes()).map_err(io)?;
            let mut writer = open_writer(&index)?;
            let mut report =
                self.index_entries(entries, &mut writer, &building, Manifest::new())?;
            writer.wait_merging_threads()?;
            report.rebuilt = true;
            fs::rename(&building, dir.join(&generation)).map_err(io)?;
            Ok(report)
        })();
        match result {
            Ok(report) => {
                publish(dir, &generation)?;
                remove_stale(dir, &generation);
                Ok(report)
            }
            Err(err) => {
                let _ = fs::remove_dir_all(&building);
                Err(err)
            }
        }
    }

    /// Indexes the files of `entries` that differ from `old`, removes the documents of files
    /// that changed or disappeared, and commits together with the new file list.
    fn index_entries(
        &mut self,
        entries: Vec<Entry>,
        writer: &mut IndexWriter,
        generation: &Path,
        old: Manifest,
    ) -> Result<BuildReport, IndexError> {
        let first_build = old.is_empty();
        let files = entries
            .iter()
            .filter(|e| matches!(e, Entry::Article { .. }))
            .count();
        self.observer.files_found(files as u64);
        let mut pass = Pass {
            writer,
            old,
            manifest: Manifest::new(),
            report: BuildReport::default(),
            changed: false,
        };
        for entry in entries {
            match entry {
                Entry::Article { relative } => {
                    self.article_file(&mut pass, &relative)?;
                    self.observer.file_done();
                }
                Entry::Skipped { display, why } => {
                    pass.report
                        .skipped
                        .entry(why.to_string())
                        .or_default()
                        .push(display);
                }
                Entry::Failed(problem) => self.failed(&mut pass.report, problem),
            }
        }
        let gone: Vec<String> = std::mem::take(&mut pass.old).into_keys().collect();
        for id in gone {
            pass.report.files_removed += 1;
            pass.writer.delete_term(self.schema.file_term(&id));
            pass.changed = true;
        }
        if pass.changed || first_build {
            let name = manifest::save(generation, &pass.manifest, now_stamp())?;
            let mut commit = pass.writer.prepare_commit()?;
            commit.set_payload(&name);
            commit.commit()?;
            manifest::remove_old(generation, &name);
        }
        Ok(pass.report)
    }

    /// One walked article file: left alone when unchanged, else (re)indexed.
    fn article_file(&mut self, pass: &mut Pass, relative: &Path) -> Result<(), IndexError> {
        let path = self.corpus_dir.join(relative);
        let id = corpus::article_id(relative);
        let before = pass.old.remove(&id);
        let (size, mtime_ns) = fs::metadata(&path)
            .ok()
            .map_or((0, 0), |m| (m.len(), manifest::modified_ns(&m)));
        if let Some(state) = before.filter(|b| b.same_stat(size, mtime_ns)) {
            pass.manifest.insert(id, state);
            pass.report.files_unchanged += 1;
            return Ok(());
        }
        let display = path.display().to_string();
        let file = match corpus::open(&path, &display) {
            Ok(file) => file,
            Err(problem) => {
                self.failed(&mut pass.report, problem);
                if before.is_some() {
                    pass.writer.delete_term(self.schema.file_term(&id));
                    pass.changed = true;
                }
                return Ok(());
            }
        };
        let state = FileState {
            size,
            mtime_ns,
            hash: file.hash(),
        };
        pass.changed = true;
        match change(before, state.hash) {
            Change::Unchanged => {
                // Touched but not changed: nothing to re-index, only the new time to keep.
                pass.manifest.insert(id, state);
                pass.report.files_unchanged += 1;
                return Ok(());
            }
            Change::Updated => {
                pass.writer.delete_term(self.schema.file_term(&id));
                pass.report.files_updated += 1;
            }
            Change::Added => pass.report.files_added += 1,
        }
        pass.report.bytes += file.len();
        // Articles are indexed as they are read (a big JSON Lines file is streamed).
        let (mut articles, mut error) = (0, None);
        let read = file.parse(&id, &path, &display, |article| {
            if error.is_none() {
                match self.add_article(pass.writer, &id, &article) {
                    Ok(passages) => {
                        pass.report.passages += passages;
                        articles += 1;
                    }
                    Err(err) => error = Some(err),
                }
            }
        });
        if let Some(err) = error {
            return Err(err);
        }
        pass.report.articles += articles;
        for problem in read.warnings {
            self.observer.problem(Severity::Warning, &problem);
            pass.report.warnings.push(problem);
        }
        let failed_whole = !read.failures.is_empty() && articles == 0;
        for problem in read.failures {
            self.failed(&mut pass.report, problem);
        }
        if !failed_whole {
            pass.manifest.insert(id, state);
        }
        Ok(())
    }

    fn failed(&mut self, report: &mut BuildReport, problem: Problem) {
        self.observer.problem(Severity::Error, &problem);
        report.failures.push(problem);
    }

    /// Adds the documents of one article from corpus file `file`; returns its passages.
    fn add_article(
        &self,
        writer: &IndexWriter,
        file: &str,
        article: &Article,
    ) -> Result<u64, IndexError> {
        let mut passages = passage::split(&article.body);
        if passages.is_empty() {
            // Keep the article findable by its title even without a body.
            passages.push(passage::Passage {
                text: String::new(),
                line: 0,
            });
        }
        let key = source_key(&self.analyzer, &article.source);
        for doc in self
            .schema
            .article_documents(article, &passages, file, &key)
        {
            writer.add_document(doc)?;
        }
        Ok(passages.len() as u64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_changes_when_its_hash_does() {
        let state = FileState {
            size: 3,
            mtime_ns: 7,
            hash: 42,
        };
        assert_eq!(change(None, 42), Change::Added);
        assert_eq!(change(Some(state), 42), Change::Unchanged);
        assert_eq!(change(Some(state), 43), Change::Updated);
        assert!(state.same_stat(3, 7));
        assert!(!state.same_stat(3, 8));
    }

    /// Counts what the observer heard.
    #[derive(Default)]
    struct Heard {
        files: u64,
        done: u64,
        problems: Vec<String>,
    }

    impl BuildObserver for Heard {
        fn files_found(&mut self, files: u64) {
            self.files = files;
        }
        fn file_done(&mut self) {
            self.done += 1;
        }
        fn problem(&mut self, _: Severity, problem: &Problem) {
            self.problems.push(problem.to_string());
        }
    }

    fn run(corpus: &Path, index: &Path, heard: &mut Heard) -> BuildReport {
        build(corpus, index, &BuildOptions::default(), heard).expect("build")
    }

    #[test]
    fn updates_read_only_what_changed_and_remove_what_is_gone() {
        let dir = tempfile::tempdir().unwrap();
        let corpus = dir.path().join("c");
        let index = dir.path().join("i");
        fs::create_dir_all(&corpus).unwrap();
        let write = |name: &str, text: &str| fs::write(corpus.join(name), text).unwrap();
        write("a.md", "# A\n\nEen stuk over fraude.\n");
        write(
            "b.md",
            "# B\n\nEen stuk over verkiezingen.\n\nTweede alinea.\n",
        );
        write("kapot.json", "{niet");
        let mut heard = Heard::default();
        let first = run(&corpus, &index, &mut heard);
        assert!(first.rebuilt);
        // A file that fails whole still counts as added (and is read again next time).
        assert_eq!(
            (first.files_added, first.articles, first.passages),
            (3, 2, 3)
        );
        assert_eq!((heard.files, heard.done), (3, 3));
        assert_eq!(heard.problems.len(), 1, "{:?}", heard.problems);
        assert_eq!(first.failures.len(), 1);

        // Same bytes, new time: unchanged. New text: updated. Gone: removed. New: added.
        let a = fs::read(corpus.join("a.md")).unwrap();
        std::thread::sleep(std::time::Duration::from_millis(20));
        fs::write(corpus.join("a.md"), &a).unwrap();
        write("b.md", "# B\n\nAnders nu.\n");
        fs::remove_file(corpus.join("kapot.json")).unwrap();
        write("c.md", "# C\n\nNieuw.\n");
        let second = run(&corpus, &index, &mut Heard::default());
        assert!(!second.rebuilt);
        assert_eq!(
            (
                second.files_added,
                second.files_updated,
                second.files_removed,
                second.files_unchanged
            ),
            (1, 1, 0, 1),
            "a failed file is not in the list, so its removal is not counted"
        );
        assert_eq!(second.articles, 2);
        let third = run(&corpus, &index, &mut Heard::default());
        assert_eq!((third.files_unchanged, third.articles), (3, 0));
        fs::remove_file(corpus.join("c.md")).unwrap();
        let fourth = run(&corpus, &index, &mut Heard::default());
        assert_eq!((fourth.files_removed, fourth.files_unchanged), (1, 2));
    }
}
