//! Building and updating an index: a full build into a fresh generation, or an update of the
//! live generation with only the files (and JSON Lines records) that changed, each as one
//! tantivy commit together with its file list.
//!
//! The index folder's lock is taken before the corpus is walked. An update first checks
//! what it cheaply can (the segment files against the record of the last build, the file
//! list against the committed documents) and rebuilds what is damaged, saying why.
//! Progress and problems are told to a [`BuildObserver`] as they happen; what the build did
//! comes back as a [`BuildReport`]. Neither says how it is shown.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fs;
use std::path::{Path, PathBuf};
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use tantivy::{Index, IndexWriter};

use super::check::{self, Checks, Damage};
use super::disk::{fix_modes, write_synced, CURRENT_FILE, LOCK_FILE, META_FILE};
use super::error::IndexError;
use super::manifest::{self, Failure, FileState, Manifest, RecordState};
use super::open::{
    open_generation_with, publish, read_current, remove_stale, IndexMeta, ZoekIndex, FORMAT_VERSION,
};
use super::purge::{Pending, PurgingMergePolicy};
use super::schema::{article_key, record_key, source_key, Schema};
use crate::analysis::{self, Analysis, DutchAnalyzer};
use crate::corpus::{
    self, passage, Article, ContentHash, Entry, FileRead, Format, Limits, Lines, Problem,
    WalkOptions,
};

/// Memory for tantivy's indexing buffers, shared by its threads (224 MB: a build of a million
/// `.md` files peaked at 602 MB with 256, 542 MB with this, for the same query speed).
pub const WRITER_HEAP_BYTES: usize = 224 * 1024 * 1024;
/// Bytes of index per byte of corpus text (measured: 0.85 for JSON Lines, 0.95 for `.md`
/// files), with a margin: the space a build is said to need when the disk is full.
const INDEX_BYTES_PER_TEXT_BYTE: f64 = 1.2;

/// How bad a problem is: a warning was indexed anyway, an error was not indexed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Severity {
    Warning,
    Error,
}

/// Hears about a build while it runs. Every method has an empty default.
pub trait BuildObserver {
    /// The walk found `files` article files; `bytes` of them will be read in this run.
    fn planned(&mut self, _files: u64, _bytes: u64) {}
    /// This many more of the planned bytes were read.
    fn progress(&mut self, _bytes: u64) {}
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
    /// Before updating, verify every segment file of the index (not only those written to
    /// since the last build) and rebuild when one is damaged.
    pub repair: bool,
    /// What to leave out of the corpus.
    pub walk: WalkOptions,
    /// The largest article and file read.
    pub limits: Limits,
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
    /// The existing index could not be updated (another format, no file list, unreadable).
    Unusable(IndexError),
    /// The existing index is damaged.
    Damaged(Damage),
    /// A new file's or record's own id was taken by an id given in another record.
    IdTaken {
        id: String,
    },
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
    /// New or changed files of which nothing could be indexed.
    pub files_failed: u64,
    /// Articles and passages indexed by this run.
    pub articles: u64,
    pub passages: u64,
    /// Articles with a title and no text, indexed as their title (by this run).
    pub title_only: u64,
    /// Articles whose id another article had, indexed under a new id (by this run).
    pub duplicate_ids: u64,
    /// Bytes of the files this run read.
    pub bytes: u64,
    /// Skipped entries by the kind of reason: each as shown, with its own reason.
    pub skipped: BTreeMap<String, Vec<(String, String)>>,
    /// Records skipped for want of anything to index.
    pub skipped_records: Vec<Problem>,
    /// Files and records that were not indexed.
    pub failures: Vec<Problem>,
    /// Failures of files that did not change since an earlier run, which found them.
    pub unchanged_failures: Vec<Problem>,
    /// Read, but not entirely as written.
    pub warnings: Vec<Problem>,
    pub seconds: f64,
}

impl BuildReport {
    pub fn skipped_count(&self) -> usize {
        self.skipped.values().map(Vec::len).sum()
    }
}

/// How a failed update ends: with an error, or by rebuilding everything.
enum Stop {
    Fail(IndexError),
    Rebuild(RebuildReason),
}

impl From<IndexError> for Stop {
    fn from(err: IndexError) -> Self {
        Stop::Fail(err)
    }
}

impl From<tantivy::TantivyError> for Stop {
    fn from(err: tantivy::TantivyError) -> Self {
        Stop::Fail(err.into())
    }
}

/// Indexes `corpus_dir` into the index folder `dir`: only what changed since the last run,
/// or everything in a fresh generation when there is no usable index or `rebuild` is set.
/// A corpus that is not a folder is refused before the index is touched.
pub fn build(
    corpus_dir: &Path,
    dir: &Path,
    options: &BuildOptions,
    observer: &mut dyn BuildObserver,
) -> Result<BuildReport, IndexError> {
    let started = Instant::now();
    corpus::check_root(corpus_dir)?;
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
    check_current(dir)?;
    let walk = WalkOptions {
        index_folder: Some(dir.to_path_buf()),
        ..options.walk.clone()
    };
    let entries = corpus::walk(corpus_dir, &walk)?;
    let corpus_path = fs::canonicalize(corpus_dir).unwrap_or_else(|_| corpus_dir.to_path_buf());
    let mut run = Run {
        corpus_dir,
        corpus_path,
        dir,
        options,
        entries: &entries,
        observer,
        schema: Schema::new(),
        analyzer: DutchAnalyzer::new(options.analysis),
        needed: 0,
    };
    let mut report = run.go().map_err(|err| run.disk_full(err))?;
    report.seconds = started.elapsed().as_secs_f64();
    Ok(report)
}

/// A `CURRENT` that is a folder holding something is not ours to remove: say so before
/// building anything.
fn check_current(dir: &Path) -> Result<(), IndexError> {
    let current = dir.join(CURRENT_FILE);
    if fs::symlink_metadata(&current).is_ok_and(|m| m.is_dir()) {
        if let Err(source) = fs::read_dir(&current).and_then(|mut entries| match entries.next() {
            None => Ok(()),
            Some(_) => Err(std::io::Error::other("the folder is not empty")),
        }) {
            return Err(IndexError::CurrentNotAFile {
                path: current,
                source,
            });
        }
    }
    Ok(())
}

/// One run of `zoek index`.
struct Run<'a> {
    corpus_dir: &'a Path,
    corpus_path: PathBuf,
    dir: &'a Path,
    options: &'a BuildOptions,
    entries: &'a [Entry],
    observer: &'a mut dyn BuildObserver,
    schema: Schema,
    analyzer: DutchAnalyzer,
    /// What the run is estimated to write, for the disk-full message.
    needed: u64,
}

impl Run<'_> {
    fn go(&mut self) -> Result<BuildReport, IndexError> {
        let existing = match read_current(self.dir) {
            Ok(generation) if !self.options.rebuild => Ok(Some(generation)),
            Ok(_) | Err(IndexError::Missing { .. }) => Ok(None),
            Err(err) => Err(err),
        };
        let reason = match existing {
            Ok(Some(generation)) => match self.reusable(&generation) {
                Ok(live) => match self.update(&generation, live) {
                    Ok(report) => return Ok(report),
                    Err(Stop::Fail(err)) => return Err(err),
                    Err(Stop::Rebuild(reason)) => Some(reason),
                },
                Err(reason) => Some(reason),
            },
            Ok(None) => None,
            Err(err) => Some(RebuildReason::Unusable(err)),
        };
        let mut report = self.new_generation()?;
        report.rebuild_reason = reason;
        Ok(report)
    }

    /// The live generation with its file list, when an update can continue it; else why not.
    fn reusable(&self, generation: &Path) -> Result<Live, RebuildReason> {
        // Segment files written to since the last build are verified before they are opened.
        // (With --repair every one of them.)
        let open = open_generation_with(generation, |index| {
            let verified = if self.options.repair {
                check::verify_all(index, generation)
            } else {
                Checks::load(generation).verify_segments(index, generation)
            };
            verified.map_err(|damage| IndexError::Damaged {
                dir: self.dir.to_path_buf(),
                damage,
            })
        })
        .map_err(|err| match err {
            IndexError::Damaged { damage, .. } => RebuildReason::Damaged(damage),
            // Segments that do not open are damaged too.
            IndexError::Tantivy(err) => RebuildReason::Damaged(Damage::Unreadable(err.to_string())),
            other => RebuildReason::Unusable(other),
        })?;
        let analysis = self.options.analysis;
        if open.meta().analysis != analysis.name() {
            return Err(RebuildReason::AnalysisChanged {
                from: open.meta().analysis.clone(),
                to: analysis.name().to_string(),
            });
        }
        if open.meta().corpus_path != self.corpus_path {
            let typed = self.corpus_dir.display().to_string();
            // The same name typed for another folder (a copy, a move) is told by its path.
            let (from, to) = if open.meta().corpus == typed {
                (
                    open.meta().corpus_path.display().to_string(),
                    self.corpus_path.display().to_string(),
                )
            } else {
                (open.meta().corpus.clone(), typed)
            };
            return Err(RebuildReason::CorpusChanged { from, to });
        }
        let old = manifest::load(generation, open.tantivy()).map_err(RebuildReason::Unusable)?;
        let indexed = open.searcher().num_docs();
        check::verify_file_list(manifest::docs(&old), indexed).map_err(RebuildReason::Damaged)?;
        Ok(Live { open, old })
    }

    /// Updates the live generation with what changed.
    fn update(&mut self, generation: &Path, live: Live) -> Result<BuildReport, Stop> {
        let Live { open, old } = live;
        // What an earlier run wrote and never committed (a file list, segment files) goes.
        let live_list = manifest::live_name(open.tantivy())?;
        manifest::remove_old(generation, &live_list);
        let display_root = PathBuf::from(&open.meta().corpus);
        let pending = Pending::load(generation);
        let committed = open.tantivy().load_metas()?.opstamp;
        let mut writer = open_writer(open.tantivy(), pending.clone(), corpus_bytes(self.entries))?;
        let _ = writer.garbage_collect_files().wait();
        let result = self.index_entries(&mut writer, generation, old, display_root, true);
        let report = match result {
            Ok(report) => report,
            Err(stop) => {
                // Nothing was committed; what was written is removed now or by the next run.
                drop(writer);
                if let Ok(writer) = open_writer(open.tantivy(), pending, corpus_bytes(self.entries))
                {
                    let _ = writer.garbage_collect_files().wait();
                }
                return Err(stop);
            }
        };
        writer.wait_merging_threads()?;
        if open.tantivy().load_metas()?.opstamp != committed {
            pending.after_update(open.tantivy())?.save(generation)?;
        }
        self.finish(open.tantivy(), generation)?;
        if let Some(live) = generation.file_name() {
            remove_stale(self.dir, &live.to_string_lossy());
        }
        Ok(report)
    }

    /// Records the segment files as they are after a build, and makes the files tantivy
    /// wrote only for its owner readable like the rest.
    fn finish(&self, index: &Index, generation: &Path) -> Result<(), IndexError> {
        let checks = Checks::record(index, generation)?;
        if checks == Checks::load(generation) {
            return Ok(()); // nothing was committed: nothing to record (an unchanged update)
        }
        fix_modes(generation);
        checks.save(generation).map_err(|source| IndexError::Io {
            action: "write",
            path: generation.join(check::CHECKS_FILE),
            source,
        })
    }

    /// Builds a complete new generation and makes it the live one.
    fn new_generation(&mut self) -> Result<BuildReport, IndexError> {
        let dir = self.dir;
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
                .settings(self.schema.settings())
                .create_in_dir(&building)?;
            let analysis = self.options.analysis;
            analysis::register(&index, &self.analyzer);
            let meta = IndexMeta {
                format: FORMAT_VERSION,
                analysis: analysis.name().to_string(),
                corpus: self.corpus_dir.display().to_string(),
                corpus_path: self.corpus_path.clone(),
            };
            let meta = serde_json::to_string_pretty(&meta).map_err(|e| io(e.into()))?;
            write_synced(&building.join(META_FILE), meta.as_bytes()).map_err(io)?;
            let mut writer = open_writer(&index, Pending::default(), corpus_bytes(self.entries))?;
            let display_root = self.corpus_dir.to_path_buf();
            let mut report = self
                .index_entries(&mut writer, &building, Manifest::new(), display_root, false)
                .map_err(|stop| match stop {
                    Stop::Fail(err) => err,
                    Stop::Rebuild(_) => unreachable!("a full build does not restart"),
                })?;
            writer.wait_merging_threads()?;
            self.finish(&index, &building)?;
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

    /// Indexes the files of the walk that differ from `old`, removes the documents of files
    /// (and records) that changed or disappeared, and commits together with the new file
    /// list. `display_root` is the corpus folder as paths are shown from.
    fn index_entries(
        &mut self,
        writer: &mut IndexWriter,
        generation: &Path,
        old: Manifest,
        display_root: PathBuf,
        update: bool,
    ) -> Result<BuildReport, Stop> {
        let first_build = old.is_empty();
        let (files, bytes) = self.plan(&old);
        self.needed = (bytes as f64 * INDEX_BYTES_PER_TEXT_BYTE) as u64;
        self.observer.planned(files, bytes);
        let taken = if update {
            self.claimed_ids(&old)
        } else {
            HashSet::new()
        };
        let mut pass = Pass {
            writer,
            old,
            manifest: Manifest::new(),
            report: BuildReport::default(),
            changed: false,
            taken,
            update,
            display_root,
        };
        let entries = self.entries;
        for entry in entries {
            match entry {
                Entry::Article {
                    relative,
                    size,
                    mtime_ns,
                } => self.article_file(&mut pass, relative, *size, *mtime_ns)?,
                Entry::Skipped { display, why } => {
                    pass.report
                        .skipped
                        .entry(why.kind())
                        .or_default()
                        .push((display.clone(), why.to_string()));
                }
                Entry::Failed(problem) => self.failed(&mut pass.report, problem.clone()),
            }
        }
        let gone = std::mem::take(&mut pass.old);
        for (id, state) in gone {
            pass.report.files_removed += 1;
            if state.docs > 0 {
                pass.writer.delete_term(self.schema.file_term(&id));
            }
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

    /// How many article files the walk found, and the bytes of those this run will read.
    fn plan(&self, old: &Manifest) -> (u64, u64) {
        let (mut files, mut bytes) = (0, 0);
        for entry in self.entries {
            if let Entry::Article {
                relative,
                size,
                mtime_ns,
            } = entry
            {
                files += 1;
                let known = old
                    .get(&corpus::article_id(relative))
                    .is_some_and(|state| state.same_stat(*size, *mtime_ns));
                if !known {
                    bytes += size;
                }
            }
        }
        (files, bytes)
    }

    /// The ids taken from records that the files of the old list still hold (a file that is
    /// gone frees its ids for the file it was perhaps renamed to).
    fn claimed_ids(&self, old: &Manifest) -> HashSet<u64> {
        let mut taken = HashSet::new();
        for (id, state) in old {
            let mut claimed = state.claimed_ids().peekable();
            if claimed.peek().is_some()
                && self
                    .corpus_dir
                    .join(corpus::walk::relative_path(id))
                    .is_file()
            {
                taken.extend(claimed);
            }
        }
        taken
    }

    /// One walked article file: left alone when unchanged, else (re)indexed.
    fn article_file(
        &mut self,
        pass: &mut Pass,
        relative: &Path,
        size: u64,
        mtime_ns: u64,
    ) -> Result<(), Stop> {
        let id = corpus::article_id(relative);
        let display = pass.display_root.join(relative).display().to_string();
        let before = pass.old.remove(&id);
        if let Some(state) = before.as_ref().filter(|b| b.same_stat(size, mtime_ns)) {
            let state = state.clone();
            unchanged(pass, id, state, &display);
            return Ok(());
        }
        let path = self.corpus_dir.join(relative);
        let stat = Stat { size, mtime_ns };
        match corpus::format_of(relative) {
            Ok((Format::JsonLines, _)) => match before {
                Some(state) if !state.records().is_empty() => {
                    self.changed_lines(pass, id, &path, &display, state, stat)
                }
                before => self.new_lines(pass, id, &path, &display, before, stat),
            },
            _ => self.whole_file(pass, id, &path, &display, before, stat),
        }
    }

    /// A file read whole: new, changed, or touched but unchanged.
    fn whole_file(
        &mut self,
        pass: &mut Pass,
        id: String,
        path: &Path,
        display: &str,
        before: Option<FileState>,
        stat: Stat,
    ) -> Result<(), Stop> {
        let limits = self.options.limits;
        let file = corpus::open(path, display, limits);
        self.observer.progress(stat.size);
        let file = match file {
            Ok(file) => file,
            Err(problem) => {
                self.failed_whole(pass, id, before, stat, 0, problem);
                return Ok(());
            }
        };
        let hash = file.hash();
        if let Some(state) = before.as_ref().filter(|b| b.hash == hash) {
            // Touched but not changed: nothing to re-index, only the new time to keep.
            let mut state = state.clone();
            (state.size, state.mtime_ns) = (stat.size, stat.mtime_ns);
            pass.changed = true;
            unchanged(pass, id, state, display);
            return Ok(());
        }
        if let Some(before) = &before {
            forget_file(pass, &self.schema, &id, before);
        }
        pass.changed = true;
        pass.report.bytes += file.len();
        let (schema, analyzer) = (&self.schema, &self.analyzer);
        let (mut docs, mut ids, mut articles) = (0, Vec::new(), 0u64);
        let mut notes = Vec::new();
        let mut error = None;
        let reserved = Reserved(self.corpus_dir);
        let read = file.parse(&id, display, limits, |mut article| {
            if error.is_some() {
                return;
            }
            let claimed = match claim(pass, &reserved, &mut article, display, &mut notes) {
                Ok(claimed) => claimed,
                Err(stop) => {
                    error = Some(stop);
                    return;
                }
            };
            match add_article(schema, analyzer, pass.writer, &id, &article, None) {
                Ok(passages) => {
                    pass.report.passages += passages;
                    docs += 1;
                    articles += 1;
                    ids.extend(claimed);
                }
                Err(err) => error = Some(Stop::Fail(err)),
            }
        });
        if let Some(stop) = error {
            return Err(stop);
        }
        pass.report.articles += articles;
        let failed_whole = articles == 0 && !read.failures.is_empty();
        let failures = self.absorb(pass, read, notes);
        if failed_whole {
            pass.report.files_failed += 1;
        } else if before.is_some_and(|b| b.docs > 0) {
            pass.report.files_updated += 1;
        } else {
            pass.report.files_added += 1;
        }
        pass.manifest.insert(
            id,
            FileState::new(stat.size, stat.mtime_ns, hash, docs).with(ids, Vec::new(), failures),
        );
        Ok(())
    }

    /// Tells the problems of a read to the observer and the report, counts its skips and
    /// title-only articles; returns its failures to remember.
    fn absorb(&mut self, pass: &mut Pass, read: FileRead, notes: Vec<Problem>) -> Vec<Failure> {
        pass.report.title_only += read.title_only;
        for problem in read.warnings.into_iter().chain(notes) {
            self.observer.problem(Severity::Warning, &problem);
            pass.report.warnings.push(problem);
        }
        pass.report.skipped_records.extend(read.skipped);
        let mut remembered = Vec::new();
        for problem in read.failures {
            remembered.push(Failure {
                line: problem.line,
                message: problem.message.clone(),
            });
            self.failed(&mut pass.report, problem);
        }
        remembered
    }

    /// A file of which nothing could be read: its old documents go, its failure is
    /// remembered until it changes.
    fn failed_whole(
        &mut self,
        pass: &mut Pass,
        id: String,
        before: Option<FileState>,
        stat: Stat,
        hash: u64,
        problem: Problem,
    ) {
        if let Some(before) = &before {
            forget_file(pass, &self.schema, &id, before);
        }
        pass.changed = true;
        pass.report.files_failed += 1;
        let failure = Failure {
            line: problem.line,
            message: problem.message.clone(),
        };
        self.failed(&mut pass.report, problem);
        pass.manifest.insert(
            id,
            FileState::new(stat.size, stat.mtime_ns, hash, 0).with(
                Vec::new(),
                Vec::new(),
                vec![failure],
            ),
        );
    }

    /// A JSON Lines file read for the first time (or after failing whole): every record.
    fn new_lines(
        &mut self,
        pass: &mut Pass,
        id: String,
        path: &Path,
        display: &str,
        before: Option<FileState>,
        stat: Stat,
    ) -> Result<(), Stop> {
        let mut lines = match Lines::open(path, display, self.options.limits) {
            Ok(lines) => lines,
            Err(problem) => {
                self.observer.progress(stat.size);
                self.failed_whole(pass, id, before, stat, 0, problem);
                return Ok(());
            }
        };
        if let Some(before) = &before {
            if before.docs > 0 {
                pass.writer.delete_term(self.schema.file_term(&id));
            }
        }
        pass.changed = true;
        let mut read = Records::default();
        let mut reported = 0;
        let stopped = loop {
            let line = match lines.next_line() {
                Ok(Some(line)) => line,
                Ok(None) => break None,
                Err(problem) => break Some(problem),
            };
            self.index_record(pass, &id, display, &line, &mut read)?;
            let raw = lines.raw_bytes();
            self.observer.progress(raw - reported);
            reported = raw;
        };
        self.observer.progress(stat.size.saturating_sub(reported));
        pass.report.bytes += lines.raw_bytes();
        if let Some(note) = lines.take_note() {
            read.notes.push(note);
        }
        if let Some(problem) = stopped {
            read.problems.failures.push(problem);
        } else if lines.records() == 0 {
            self.failed_whole(pass, id, None, stat, 0, corpus::lines::empty(display));
            return Ok(());
        }
        let existed = before.is_some_and(|b| b.docs > 0);
        self.finish_lines(pass, id, existed, stat, read, Vec::new());
        Ok(())
    }

    /// A JSON Lines file read before that changed: a first pass hashes its lines, records
    /// that are as they were stay, those that are gone are deleted, and a second pass
    /// indexes only the new ones.
    fn changed_lines(
        &mut self,
        pass: &mut Pass,
        id: String,
        path: &Path,
        display: &str,
        before: FileState,
        stat: Stat,
    ) -> Result<(), Stop> {
        let limits = self.options.limits;
        // Each line's number and hash, and where it starts in the file (if it can be found
        // there again).
        let mut offsets = HashMap::new();
        let scanned = (|| {
            let mut lines = Lines::open(path, display, limits)?;
            let mut found = Vec::new();
            while let Some(line) = lines.next_line()? {
                found.push((line.number as u64, line.hash));
                if let Some(offset) = line.offset {
                    offsets.insert(line.number as u64, offset);
                }
            }
            Ok::<_, Problem>(found)
        })();
        self.observer.progress(stat.size);
        let scanned = match scanned {
            Ok(scanned) if !scanned.is_empty() => scanned,
            Ok(_) => {
                let problem = corpus::lines::empty(display);
                self.failed_whole(pass, id, Some(before), stat, 0, problem);
                return Ok(());
            }
            Err(problem) => {
                self.failed_whole(pass, id, Some(before), stat, 0, problem);
                return Ok(());
            }
        };
        if lines_hash(scanned.iter().copied()) == before.hash {
            let mut state = before;
            (state.size, state.mtime_ns) = (stat.size, stat.mtime_ns);
            pass.changed = true;
            unchanged(pass, id, state, display);
            return Ok(());
        }
        pass.changed = true;
        let now: HashSet<(u64, u64)> = scanned.iter().copied().collect();
        let (kept, gone): (Vec<RecordState>, Vec<RecordState>) = before
            .records()
            .iter()
            .partition(|r| now.contains(&(r.line(), r.hash())));
        if kept.is_empty() {
            if before.docs > 0 {
                pass.writer.delete_term(self.schema.file_term(&id));
            }
        } else {
            let keys: HashSet<u64> = gone
                .iter()
                .filter(|r| r.docs() > 0)
                .map(|r| record_key(&id, r.line(), r.hash()))
                .collect();
            if !keys.is_empty() {
                pass.writer.delete_query(self.schema.records_keyed(keys))?;
            }
        }
        for record in &gone {
            pass.taken.remove(&record.id());
        }
        let kept_lines: HashSet<u64> = kept.iter().map(RecordState::line).collect();
        // Failures of records that stay are unchanged failures.
        let kept_failures: Vec<Failure> = before
            .failures()
            .iter()
            .filter(|f| f.line.is_some_and(|l| kept_lines.contains(&(l as u64))))
            .cloned()
            .collect();
        for failure in &kept_failures {
            pass.report.unchanged_failures.push(Problem::new(
                display,
                failure.line,
                failure.message.clone(),
            ));
        }
        let wanted: HashSet<u64> = scanned
            .iter()
            .map(|(line, _)| *line)
            .filter(|line| !kept_lines.contains(line))
            .collect();
        let mut read = Records {
            records: kept,
            ..Records::default()
        };
        if let Some(&first) = wanted.iter().min() {
            // Appended records are read from where they start.
            let reopened = match offsets.get(&first) {
                Some(&offset) => Lines::open_at(path, display, limits, offset, first as usize),
                None => Lines::open(path, display, limits),
            };
            let mut lines = match reopened {
                Ok(lines) => lines,
                Err(problem) => {
                    // Gone between the passes: what was deleted stays deleted.
                    read.problems.failures.push(problem);
                    self.finish_lines(pass, id, true, stat, read, kept_failures);
                    return Ok(());
                }
            };
            loop {
                match lines.next_line() {
                    Ok(Some(line)) if wanted.contains(&(line.number as u64)) => {
                        self.index_record(pass, &id, display, &line, &mut read)?;
                    }
                    Ok(Some(_)) => {}
                    Ok(None) => break,
                    Err(problem) => {
                        read.problems.failures.push(problem);
                        break;
                    }
                }
            }
            pass.report.bytes += lines.raw_bytes() - offsets.get(&first).copied().unwrap_or(0);
        }
        self.finish_lines(pass, id, true, stat, read, kept_failures);
        Ok(())
    }

    /// Indexes one record of a JSON Lines file.
    fn index_record(
        &self,
        pass: &mut Pass,
        file_id: &str,
        display: &str,
        line: &corpus::lines::Line,
        into: &mut Records,
    ) -> Result<(), Stop> {
        let mut read = FileRead::default();
        corpus::lines::read_record(file_id, display, line, self.options.limits, &mut read);
        let (mut docs, mut id) = (0, 0);
        let reserved = Reserved(self.corpus_dir);
        for mut article in read.articles.drain(..) {
            let claimed = claim(pass, &reserved, &mut article, display, &mut into.notes)?;
            let record = record_key(file_id, line.number as u64, line.hash);
            let passages = add_article(
                &self.schema,
                &self.analyzer,
                pass.writer,
                file_id,
                &article,
                Some(record),
            )?;
            pass.report.passages += passages;
            pass.report.articles += 1;
            into.articles += 1;
            docs += 1;
            id = claimed.unwrap_or(0);
        }
        into.records
            .push(RecordState(line.number as u64, line.hash, docs, id));
        into.problems.failures.append(&mut read.failures);
        into.problems.warnings.append(&mut read.warnings);
        into.problems.skipped.append(&mut read.skipped);
        into.problems.title_only += read.title_only;
        Ok(())
    }

    /// The new state of a JSON Lines file after its records were read.
    fn finish_lines(
        &mut self,
        pass: &mut Pass,
        id: String,
        existed: bool,
        stat: Stat,
        read: Records,
        mut failures: Vec<Failure>,
    ) {
        let Records {
            mut records,
            articles,
            problems,
            notes,
        } = read;
        let failed_whole =
            articles == 0 && !problems.failures.is_empty() && records.iter().all(|r| r.docs() == 0);
        failures.extend(self.absorb(pass, problems, notes));
        records.sort_by_key(RecordState::line);
        if failed_whole {
            pass.report.files_failed += 1;
        } else if existed {
            pass.report.files_updated += 1;
        } else {
            pass.report.files_added += 1;
        }
        let hash = lines_hash(records.iter().map(|r| (r.line(), r.hash())));
        let docs = records.iter().map(RecordState::docs).sum();
        pass.manifest.insert(
            id,
            FileState::new(stat.size, stat.mtime_ns, hash, docs).with(
                Vec::new(),
                records,
                failures,
            ),
        );
    }

    fn failed(&mut self, report: &mut BuildReport, problem: Problem) {
        self.observer.problem(Severity::Error, &problem);
        report.failures.push(problem);
    }

    /// An error of a build, as a full disk when it is one.
    fn disk_full(&self, err: IndexError) -> IndexError {
        let free = fs4::available_space(self.dir).unwrap_or(u64::MAX);
        let says_full = error_chain_has_enospc(&err);
        let writer_died =
            matches!(&err, IndexError::Tantivy(_)) || matches!(&err, IndexError::Io { .. });
        let needed = self.needed.max(1 << 20);
        if says_full || (writer_died && free < needed) {
            IndexError::DiskFull {
                dir: self.dir.to_path_buf(),
                needed,
                free: free.min(needed),
            }
        } else {
            err
        }
    }
}

/// Whether an error comes from a full disk (ENOSPC, or a quota).
fn error_chain_has_enospc(err: &IndexError) -> bool {
    let mut cause: Option<&(dyn std::error::Error + 'static)> = Some(err);
    while let Some(e) = cause {
        if let Some(io) = e.downcast_ref::<std::io::Error>() {
            if matches!(io.raw_os_error(), Some(libc::ENOSPC) | Some(libc::EDQUOT))
                || io.kind() == std::io::ErrorKind::StorageFull
            {
                return true;
            }
        }
        if e.to_string().contains("No space left on device") {
            return true;
        }
        cause = e.source();
    }
    false
}

/// The live generation, open for an update.
struct Live {
    open: ZoekIndex,
    old: Manifest,
}

/// Size and modification time of a walked file.
#[derive(Clone, Copy)]
struct Stat {
    size: u64,
    mtime_ns: u64,
}

/// What reading the records of a JSON Lines file gave.
#[derive(Default)]
struct Records {
    records: Vec<RecordState>,
    articles: u64,
    problems: FileRead,
    notes: Vec<Problem>,
}

/// The hash of a JSON Lines file: of its records' lines and hashes.
fn lines_hash(lines: impl Iterator<Item = (u64, u64)>) -> u64 {
    let mut hash = ContentHash::new();
    for (line, record) in lines {
        hash.update(&line.to_le_bytes());
        hash.update(&record.to_le_bytes());
    }
    hash.finish()
}

/// Its documents deleted and its ids given back: what a changed file was before.
fn forget_file(pass: &mut Pass, schema: &Schema, id: &str, before: &FileState) {
    if before.docs > 0 {
        pass.writer.delete_term(schema.file_term(id));
    }
    for key in before.claimed_ids() {
        pass.taken.remove(&key);
    }
}

/// A file left as it is: its remembered failures are reported as unchanged.
fn unchanged(pass: &mut Pass, id: String, state: FileState, display: &str) {
    for failure in state.failures() {
        pass.report.unchanged_failures.push(Problem::new(
            display,
            failure.line,
            failure.message.clone(),
        ));
    }
    pass.report.files_unchanged += 1;
    pass.manifest.insert(id, state);
}

/// The ids the corpus's own paths give (`file`, `file.jsonl:LINE`, `file.json#N`): an id
/// from a record may not take one of them, so an automatic id never clashes.
struct Reserved<'a>(&'a Path);

impl Reserved<'_> {
    fn contains(&self, id: &str) -> bool {
        let whole = |path: &str| {
            matches!(
                corpus::format_of(Path::new(path)),
                Ok((Format::Text | Format::Html | Format::Json, _))
            )
        };
        let numbered = |sep: char, format: Format| {
            id.rsplit_once(sep).filter(|(path, n)| {
                !n.is_empty()
                    && n.bytes().all(|b| b.is_ascii_digit())
                    && corpus::format_of(Path::new(path)).is_ok_and(|(f, _)| f == format)
            })
        };
        let path = if whole(id) {
            Some(id)
        } else if let Some((path, _)) = numbered(':', Format::JsonLines) {
            Some(path)
        } else {
            numbered('#', Format::Json).map(|(path, _)| path)
        };
        path.is_some_and(|p| self.0.join(corpus::walk::relative_path(p)).is_file())
    }
}

/// Gives an article its id: an id from a record that another article has (or that is the
/// automatic id of a corpus file) is renamed `id~2`, `id~3` …, with a warning; in an
/// update, an automatic id that a record's id took already means a rebuild. Returns the
/// `article_key` of an id taken from the record.
fn claim(
    pass: &mut Pass,
    reserved: &Reserved,
    article: &mut Article,
    display: &str,
    notes: &mut Vec<Problem>,
) -> Result<Option<u64>, Stop> {
    if !article.explicit_id {
        if pass.update && pass.taken.contains(&article_key(&article.id)) {
            return Err(Stop::Rebuild(RebuildReason::IdTaken {
                id: article.id.clone(),
            }));
        }
        return Ok(None);
    }
    let wanted = article.id.clone();
    let mut candidate = wanted.clone();
    let mut n = 1;
    loop {
        let key = article_key(&candidate);
        if !pass.taken.contains(&key) && !reserved.contains(&candidate) {
            pass.taken.insert(key);
            if n > 1 {
                pass.report.duplicate_ids += 1;
                notes.push(Problem::new(
                    display,
                    Some(article.line),
                    format!(
                        "duplicate id '{wanted}': another article has it; indexed as '{candidate}'"
                    ),
                ));
                article.id = candidate;
            }
            return Ok(Some(key));
        }
        n += 1;
        candidate = format!("{wanted}~{n}");
    }
}

/// Adds the document of one article from corpus file `file`; returns how many passages it
/// makes.
fn add_article(
    schema: &Schema,
    analyzer: &DutchAnalyzer,
    writer: &IndexWriter,
    file: &str,
    article: &Article,
    record: Option<u64>,
) -> Result<u64, IndexError> {
    // An article whose body makes no passage shows its title as one (see
    // `StoredArticle::passages`).
    let passages = passage::count(&article.body).max(1) as u64;
    let key = source_key(analyzer, &article.source);
    writer.add_document(schema.article_document(article, passages, file, &key, record))?;
    Ok(passages)
}

/// Corpus bytes worth one more indexing thread.
const BYTES_PER_THREAD: u64 = 1 << 20;

/// How many threads tantivy indexes a corpus of `bytes` with (they run the analysis): one
/// per core, at most 4, and one per [`BYTES_PER_THREAD`]: each thread writes segments of its
/// own, and a small corpus dealt out over threads would make segments of a few documents
/// (whose deleted share then purges them at once).
pub fn indexing_threads(bytes: u64) -> usize {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    cores
        .min(4)
        .min(usize::try_from(1 + bytes / BYTES_PER_THREAD).unwrap_or(usize::MAX))
}

/// The bytes of the corpus files of a walk.
fn corpus_bytes(entries: &[Entry]) -> u64 {
    entries
        .iter()
        .map(|entry| match entry {
            Entry::Article { size, .. } => *size,
            _ => 0,
        })
        .sum()
}

fn open_writer(index: &Index, pending: Pending, bytes: u64) -> Result<IndexWriter, IndexError> {
    let writer = index.writer_with_num_threads(indexing_threads(bytes), WRITER_HEAP_BYTES)?;
    writer.set_merge_policy(Box::new(PurgingMergePolicy::new(pending)));
    Ok(writer)
}

fn now_stamp() -> u128 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or_default()
}

/// The state of [`Run::index_entries`] while it goes through the walk.
struct Pass<'w> {
    writer: &'w mut IndexWriter,
    /// What is left of the old file list: after the walk, the files that are gone.
    old: Manifest,
    manifest: Manifest,
    report: BuildReport,
    /// Whether the commit changes anything.
    changed: bool,
    /// The `article_key`s of the ids taken from records, in the index or claimed so far.
    taken: HashSet<u64>,
    /// Whether this is an update of a live generation (else a full build).
    update: bool,
    /// The corpus folder as paths are shown from.
    display_root: PathBuf,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Counts what the observer heard.
    #[derive(Default)]
    struct Heard {
        files: u64,
        planned: u64,
        read: u64,
        problems: Vec<String>,
    }

    impl BuildObserver for Heard {
        fn planned(&mut self, files: u64, bytes: u64) {
            self.files = files;
            self.planned = bytes;
        }
        fn progress(&mut self, bytes: u64) {
            self.read += bytes;
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
        // A file that fails whole is counted as failed, and remembered.
        assert_eq!(
            (
                first.files_added,
                first.files_failed,
                first.articles,
                first.passages
            ),
            (2, 1, 2, 3)
        );
        let corpus_bytes = ["a.md", "b.md", "kapot.json"]
            .iter()
            .map(|f| fs::metadata(corpus.join(f)).unwrap().len())
            .sum::<u64>();
        assert_eq!(
            (heard.files, heard.planned, heard.read),
            (3, corpus_bytes, corpus_bytes)
        );
        assert_eq!(heard.problems.len(), 1, "{:?}", heard.problems);
        assert_eq!(first.failures.len(), 1);

        // Unchanged, the failed file is not read again but reported as it was.
        let mut heard = Heard::default();
        let again = run(&corpus, &index, &mut heard);
        assert_eq!((again.files_unchanged, again.files_failed), (3, 0));
        assert!(again.failures.is_empty());
        assert_eq!(again.unchanged_failures.len(), 1);
        assert_eq!((heard.planned, heard.read), (0, 0));

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
            (1, 1, 1, 1),
        );
        assert_eq!(second.articles, 2);
        let third = run(&corpus, &index, &mut Heard::default());
        assert_eq!((third.files_unchanged, third.articles), (3, 0));
        fs::remove_file(corpus.join("c.md")).unwrap();
        let fourth = run(&corpus, &index, &mut Heard::default());
        assert_eq!((fourth.files_removed, fourth.files_unchanged), (1, 2));
    }

    #[test]
    fn json_lines_updates_read_only_the_records_that_changed() {
        let dir = tempfile::tempdir().unwrap();
        let corpus = dir.path().join("c");
        let index = dir.path().join("i");
        fs::create_dir_all(&corpus).unwrap();
        let record = |i: usize, word: &str| {
            format!("{{\"id\":\"r{i}\",\"title\":\"Stuk {i}\",\"body\":\"Over {word}.\"}}\n")
        };
        let mut text: String = (0..50).map(|i| record(i, "de haven")).collect();
        fs::write(corpus.join("a.jsonl"), &text).unwrap();
        assert_eq!(run(&corpus, &index, &mut Heard::default()).articles, 50);
        // One record appended: one article read.
        text.push_str(&record(50, "de dijk"));
        fs::write(corpus.join("a.jsonl"), &text).unwrap();
        let appended = run(&corpus, &index, &mut Heard::default());
        assert_eq!((appended.articles, appended.files_updated), (1, 1));
        // One record changed in place (same id): that record alone, and its id stays.
        let text = text.replace(&record(7, "de haven"), &record(7, "het strand"));
        fs::write(corpus.join("a.jsonl"), &text).unwrap();
        let changed = run(&corpus, &index, &mut Heard::default());
        assert_eq!(changed.articles, 1);
        assert!(changed.warnings.is_empty(), "{:?}", changed.warnings);
        let open = super::super::open(&index).unwrap();
        let searcher = open.searcher();
        assert_eq!(searcher.num_docs(), 51, "one document per article");
        // Touched only: nothing read.
        std::thread::sleep(std::time::Duration::from_millis(20));
        fs::write(corpus.join("a.jsonl"), &text).unwrap();
        let touched = run(&corpus, &index, &mut Heard::default());
        assert_eq!((touched.articles, touched.files_unchanged), (0, 1));
    }
}
