//! Indexing: the schema, building an index from a corpus, and opening it again.
//!
//! An index folder holds generations: a full build writes a complete tantivy index into a
//! fresh `gen-*` folder and then atomically replaces the `CURRENT` file that names the live
//! one. Later runs update the live generation in place with only the files that changed,
//! through one tantivy commit (atomic too). Either way a build that fails or is killed leaves
//! the last committed state, so searches keep answering. A `LOCK` file keeps two builds apart.

use std::collections::BTreeMap;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use anyhow::{bail, Context, Result};
use indicatif::ProgressBar;
use serde::{Deserialize, Serialize};
use tantivy::schema::{
    Field, IndexRecordOption, Schema, TextFieldIndexing, TextOptions, FAST, INDEXED, STORED, STRING,
};
use tantivy::{Index, IndexReader, IndexWriter, ReloadPolicy, TantivyDocument, Term};

use crate::analysis::{self, Analysis, DutchAnalyzer};
use crate::corpus::{self, Article, Entry, Problem, WalkOptions};
use crate::filter;
use crate::passage;

/// Memory for tantivy's indexing buffers, shared by its threads.
pub const WRITER_HEAP_BYTES: usize = 256 * 1024 * 1024;
/// Segments with more passages than this are not merged further: a full build's segments
/// (each one thread's share of the writer heap, several hundred thousand passages) stay as
/// they are, and only the small segments of incremental updates are merged. A merge reads
/// its segments through memory maps, so merging big ones would make the resident memory of
/// a build grow with the corpus.
pub const MERGE_MAX_DOCS: usize = 100_000;
/// Bumped whenever the schema or the meaning of stored fields changes.
const FORMAT_VERSION: u32 = 3;
const CURRENT_FILE: &str = "CURRENT";
const LOCK_FILE: &str = "LOCK";
const META_FILE: &str = "zoek.json";

/// The fields of a passage document.
#[derive(Clone, Copy, Debug)]
pub struct Fields {
    pub title: Field,
    pub body: Field,
    /// The whole article's title and text, on its article document.
    pub article_title: Field,
    pub article_body: Field,
    /// [`PASSAGE_LEVEL`] or [`ARTICLE_LEVEL`].
    pub level: Field,
    pub article_id: Field,
    /// A 64-bit hash of the article id as a fast field, to group passages by article
    /// without loading stored documents.
    pub article_key: Field,
    /// The corpus file a passage came from (relative path), to remove a file's documents.
    pub file: Field,
    pub date: Field,
    /// The date as the integer `YYYYMMDD` (indexed and fast), for date filters and sorting;
    /// absent when the article has no date.
    pub date_key: Field,
    pub source: Field,
    /// The source as one folded keyword (see [`crate::filter::source_key`]), for filters.
    pub source_key: Field,
    pub url: Field,
    pub path: Field,
    pub line: Field,
    pub ordinal: Field,
}

/// Fast-field names, for the code that reads columns by name.
pub const ARTICLE_KEY: &str = "article_key";
/// The `level` of passage documents and of article documents.
pub const PASSAGE_LEVEL: &str = "p";
pub const ARTICLE_LEVEL: &str = "a";
pub const DATE_KEY: &str = "date_key";
pub const ORDINAL: &str = "ordinal";

/// The schema of a zoek index: one document per passage, which search ranks and prints,
/// and one per article (`level` `a`, fields `article_title`/`article_body`, nothing stored
/// but its id), which ranks whole articles for `--per-article`, TREC output and `zoek eval`.
pub fn schema() -> (Schema, Fields) {
    let mut builder = Schema::builder();
    let indexing = TextFieldIndexing::default()
        .set_tokenizer(analysis::ANALYZER_NAME)
        .set_index_option(IndexRecordOption::WithFreqsAndPositions);
    let text = TextOptions::default()
        .set_stored()
        .set_indexing_options(indexing.clone());
    let unstored = TextOptions::default().set_indexing_options(indexing);
    let fields = Fields {
        title: builder.add_text_field("title", text.clone()),
        body: builder.add_text_field("body", text),
        article_title: builder.add_text_field("article_title", unstored.clone()),
        article_body: builder.add_text_field("article_body", unstored),
        level: builder.add_text_field("level", STRING),
        article_id: builder.add_text_field("article_id", STRING | STORED),
        file: builder.add_text_field("file", STRING),
        article_key: builder.add_u64_field(ARTICLE_KEY, INDEXED | FAST),
        date: builder.add_text_field("date", STORED),
        date_key: builder.add_i64_field(DATE_KEY, INDEXED | FAST),
        source: builder.add_text_field("source", STORED),
        source_key: builder.add_text_field("source_key", STRING),
        url: builder.add_text_field("url", STORED),
        path: builder.add_text_field("path", STORED),
        line: builder.add_u64_field("line", STORED),
        ordinal: builder.add_u64_field(ORDINAL, STORED | INDEXED | FAST),
    };
    (builder.build(), fields)
}

/// FNV-1a: a stable 64-bit hash of an article id (std's hasher may change between releases).
pub fn article_key(id: &str) -> u64 {
    content_hash(id.as_bytes())
}

/// What a build records about itself next to the tantivy files.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct IndexMeta {
    pub format: u32,
    pub analysis: String,
    pub corpus: String,
}

/// An opened index, with the analyzer it was built with registered.
pub struct ZoekIndex {
    pub index: Index,
    pub reader: IndexReader,
    pub fields: Fields,
    pub analyzer: DutchAnalyzer,
    pub meta: IndexMeta,
}

fn no_index(dir: &Path) -> anyhow::Error {
    anyhow::anyhow!("no index at {}; run 'zoek index' first", display_dir(dir))
}

/// `index/` rather than `index`, as users type it.
fn display_dir(dir: &Path) -> String {
    let shown = dir.display().to_string();
    if shown.ends_with('/') {
        shown
    } else {
        format!("{shown}/")
    }
}

fn read_current(dir: &Path) -> Result<PathBuf> {
    let current = fs::read_to_string(dir.join(CURRENT_FILE)).map_err(|_| no_index(dir))?;
    let name = current.trim();
    if !name.starts_with("gen-") || name.contains(['/', '\\']) {
        bail!(
            "{} is damaged (names '{name}'); run 'zoek index' to rebuild",
            dir.join(CURRENT_FILE).display()
        );
    }
    Ok(dir.join(name))
}

/// Opens the live generation of the index in `dir`.
pub fn open(dir: &Path) -> Result<ZoekIndex> {
    // A build may replace the generation between reading CURRENT and opening it; the
    // second look then finds the new one.
    let mut attempt = 0;
    loop {
        let generation = read_current(dir)?;
        match open_generation(&generation) {
            Ok(index) => return Ok(index),
            Err(err) if attempt < 2 && read_current(dir).ok().as_ref() != Some(&generation) => {
                attempt += 1;
                let _ = err;
            }
            Err(err) => {
                return Err(err.context(format!(
                    "cannot open the index at {}; run 'zoek index' to rebuild it",
                    display_dir(dir)
                )))
            }
        }
    }
}

fn open_generation(generation: &Path) -> Result<ZoekIndex> {
    let meta_path = generation.join(META_FILE);
    let meta: IndexMeta = serde_json::from_slice(
        &fs::read(&meta_path).with_context(|| format!("cannot read {}", meta_path.display()))?,
    )
    .with_context(|| format!("{} is not valid", meta_path.display()))?;
    if meta.format != FORMAT_VERSION {
        bail!(
            "the index was built by another version of zoek (format {}, this zoek reads {})",
            meta.format,
            FORMAT_VERSION
        );
    }
    let analysis: Analysis = meta.analysis.parse().map_err(anyhow::Error::msg)?;
    let index = Index::open_in_dir(generation)?;
    let analyzer = DutchAnalyzer::new(analysis);
    analysis::register(&index, &analyzer);
    let (_, fields) = schema();
    let reader = index
        .reader_builder()
        .reload_policy(ReloadPolicy::Manual)
        .try_into()?;
    Ok(ZoekIndex {
        index,
        reader,
        fields,
        analyzer,
        meta,
    })
}

/// What a build did, for the summary.
#[derive(Debug, Default)]
pub struct BuildReport {
    /// Whether the whole index was rebuilt (else only changed files were processed).
    pub rebuilt: bool,
    /// Why a full rebuild happened when an index existed.
    pub rebuild_reason: Option<String>,
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

    /// The summary printed after a build, one line per fact.
    pub fn summary(&self) -> Vec<String> {
        let mb = self.bytes as f64 / 1e6;
        let mut lines = Vec::new();
        if let Some(reason) = &self.rebuild_reason {
            lines.push(format!("rebuilt the whole index: {reason}"));
        }
        lines.push(format!(
            "indexed {} articles ({} passages), {:.2} MB in {:.2} s ({:.1} MB/s)",
            self.articles,
            self.passages,
            mb,
            self.seconds,
            mb / self.seconds.max(1e-9)
        ));
        lines.push(format!(
            "files: {} added, {} updated, {} removed, {} unchanged",
            self.files_added, self.files_updated, self.files_removed, self.files_unchanged
        ));
        if !self.skipped.is_empty() {
            let reasons: Vec<String> = self
                .skipped
                .iter()
                .map(|(why, items)| format!("{} {why}", items.len()))
                .collect();
            lines.push(format!(
                "skipped {} files: {}",
                self.skipped_count(),
                reasons.join(", ")
            ));
        }
        if !self.failures.is_empty() {
            lines.push(format!(
                "failed {} files or records (not indexed; see the messages above)",
                self.failures.len()
            ));
        }
        if !self.warnings.is_empty() {
            lines.push(format!("{} warnings (see above)", self.warnings.len()));
        }
        lines
    }
}

/// How bad a problem is: a warning was indexed anyway, an error was not indexed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Severity {
    Warning,
    Error,
}

impl std::fmt::Display for Severity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Severity::Warning => "warning",
            Severity::Error => "error",
        })
    }
}

/// Receives each problem as soon as it is found.
pub type ProblemSink = Box<dyn FnMut(Severity, &Problem)>;

/// Settings of one build.
pub struct BuildOptions {
    pub analysis: Analysis,
    /// Rebuild everything even when an index exists.
    pub rebuild: bool,
    /// What to leave out of the corpus.
    pub walk: WalkOptions,
    pub on_problem: ProblemSink,
    pub progress: ProgressBar,
}

/// What the index knows about one corpus file, to tell whether it changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
struct FileState {
    size: u64,
    mtime_ns: u64,
    hash: u64,
}

/// Every indexed file by its corpus-relative path. Saved next to the tantivy files and
/// named in the commit's payload, so it always describes exactly the committed documents.
type Manifest = BTreeMap<String, FileState>;

fn load_manifest(generation: &Path, index: &Index) -> Result<Manifest> {
    let name = index
        .load_metas()?
        .payload
        .ok_or_else(|| anyhow::anyhow!("the index records no file list"))?;
    let bytes = fs::read(generation.join(&name))
        .with_context(|| format!("cannot read the index's file list {name}"))?;
    Ok(serde_json::from_slice(&bytes)?)
}

/// Indexes `corpus` into the index folder `dir`: only what changed since the last run, or
/// everything in a fresh generation when there is no usable index or `rebuild` is set.
pub fn build(corpus_dir: &Path, dir: &Path, mut options: BuildOptions) -> Result<BuildReport> {
    let started = Instant::now();
    let entries = corpus::walk(corpus_dir, &options.walk)?;
    fs::create_dir_all(dir)
        .with_context(|| format!("cannot create the index folder {}", dir.display()))?;
    let lock = fs::File::create(dir.join(LOCK_FILE))
        .with_context(|| format!("cannot write in the index folder {}", dir.display()))?;
    if lock.try_lock().is_err() {
        bail!(
            "index is being updated by another process ({}); try again when it has finished",
            display_dir(dir)
        );
    }
    let corpus_name = corpus_dir.display().to_string();
    let existing = match read_current(dir) {
        Ok(generation) if !options.rebuild => Some(generation),
        _ => None,
    };
    let reusable = existing.map(|generation| {
        let reason = match open_generation(&generation) {
            Ok(open) if open.meta.analysis != options.analysis.name() => Err(format!(
                "the analysis changed from {} to {}",
                open.meta.analysis,
                options.analysis.name()
            )),
            Ok(open) if open.meta.corpus != corpus_name => Err(format!(
                "the corpus folder changed from {} to {corpus_name}",
                open.meta.corpus
            )),
            Ok(open) => match load_manifest(&generation, &open.index) {
                Ok(manifest) => Ok((open, manifest)),
                Err(err) => Err(format!("{err:#}")),
            },
            Err(err) => Err(format!("{err:#}")),
        };
        (generation, reason)
    });
    let mut report = match reusable {
        Some((generation, Ok((open, manifest)))) => {
            let mut writer = open_writer(&open.index)?;
            let report = index_entries(
                corpus_dir,
                entries,
                &mut writer,
                &generation,
                manifest,
                &mut options,
            )?;
            writer.wait_merging_threads()?;
            if let Some(live) = generation.file_name() {
                remove_stale(dir, &live.to_string_lossy());
            }
            report
        }
        other => {
            let rebuild_reason = match other {
                Some((_, Err(reason))) => Some(reason),
                _ => None,
            };
            let mut report = build_generation(corpus_dir, entries, dir, &mut options)?;
            report.rebuild_reason = rebuild_reason;
            report
        }
    };
    report.seconds = started.elapsed().as_secs_f64();
    Ok(report)
}

/// How many threads tantivy indexes with (they run the analysis): one per core, at most 4.
pub fn indexing_threads() -> usize {
    std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
        .min(4)
}

fn open_writer(index: &Index) -> Result<IndexWriter> {
    let writer = index.writer_with_num_threads(indexing_threads(), WRITER_HEAP_BYTES)?;
    let mut policy = tantivy::indexer::LogMergePolicy::default();
    policy.set_max_docs_before_merge(MERGE_MAX_DOCS);
    writer.set_merge_policy(Box::new(policy));
    Ok(writer)
}

/// Builds a complete new generation and makes it the live one.
fn build_generation(
    corpus_dir: &Path,
    entries: Vec<Entry>,
    dir: &Path,
    options: &mut BuildOptions,
) -> Result<BuildReport> {
    let stamp = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or_default();
    let building = dir.join(format!("building-{stamp}"));
    let generation = format!("gen-{stamp}");
    let result = (|| {
        fs::create_dir_all(&building)?;
        let (schema, _) = schema();
        let index = Index::builder().schema(schema).create_in_dir(&building)?;
        analysis::register(&index, &DutchAnalyzer::new(options.analysis));
        let meta = IndexMeta {
            format: FORMAT_VERSION,
            analysis: options.analysis.name().to_string(),
            corpus: corpus_dir.display().to_string(),
        };
        write_synced(
            &building.join(META_FILE),
            serde_json::to_string_pretty(&meta)?.as_bytes(),
        )?;
        let mut writer = open_writer(&index)?;
        let mut report = index_entries(
            corpus_dir,
            entries,
            &mut writer,
            &building,
            Manifest::new(),
            options,
        )?;
        writer.wait_merging_threads()?;
        report.rebuilt = true;
        fs::rename(&building, dir.join(&generation))?;
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

fn modified_ns(metadata: &fs::Metadata) -> u64 {
    metadata
        .modified()
        .ok()
        .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_nanos() as u64)
}

/// Indexes the files of `entries` that differ from `old`, removes the documents of files
/// that changed or disappeared, and commits together with the new file list.
fn index_entries(
    corpus_dir: &Path,
    entries: Vec<Entry>,
    writer: &mut IndexWriter,
    generation: &Path,
    mut old: Manifest,
    options: &mut BuildOptions,
) -> Result<BuildReport> {
    let (_, fields) = schema();
    let analyzer = DutchAnalyzer::new(options.analysis);
    let mut report = BuildReport::default();
    let mut manifest = Manifest::new();
    let mut changed = false;
    let first_build = old.is_empty();
    let files = entries
        .iter()
        .filter(|e| matches!(e, Entry::Article { .. }))
        .count();
    options.progress.set_length(files as u64);
    for entry in entries {
        match entry {
            Entry::Article { relative } => {
                options.progress.inc(1);
                let path = corpus_dir.join(&relative);
                let id = corpus::article_id(&relative);
                // What is left of `old` after the walk are the files that are gone.
                let before = old.remove(&id);
                let metadata = fs::metadata(&path).ok();
                let (size, mtime_ns) = metadata
                    .as_ref()
                    .map_or((0, 0), |m| (m.len(), modified_ns(m)));
                if let Some(state) = before {
                    if state.size == size && state.mtime_ns == mtime_ns {
                        manifest.insert(id, state);
                        report.files_unchanged += 1;
                        continue;
                    }
                }
                let display = &path.display().to_string();
                let file = match corpus::open(&path, display) {
                    Ok(file) => file,
                    Err(problem) => {
                        (options.on_problem)(Severity::Error, &problem);
                        report.failures.push(problem);
                        if before.is_some() {
                            writer.delete_term(Term::from_field_text(fields.file, &id));
                            changed = true;
                        }
                        continue;
                    }
                };
                let hash = file.hash();
                let state = FileState {
                    size,
                    mtime_ns,
                    hash,
                };
                if before.is_some_and(|b| b.hash == hash) {
                    // Touched but not changed: nothing to re-index.
                    manifest.insert(id, state);
                    report.files_unchanged += 1;
                    changed = true;
                    continue;
                }
                if before.is_some() {
                    writer.delete_term(Term::from_field_text(fields.file, &id));
                    report.files_updated += 1;
                } else {
                    report.files_added += 1;
                }
                changed = true;
                report.bytes += file.len();
                // Articles are indexed as they are read (a big JSON Lines file is streamed).
                let (mut articles, mut error) = (0, None);
                let read = file.parse(&id, &path, display, |article| {
                    if error.is_none() {
                        match add_article(writer, &fields, &analyzer, &id, &article) {
                            Ok(passages) => {
                                report.passages += passages;
                                articles += 1;
                            }
                            Err(err) => error = Some(err),
                        }
                    }
                });
                if let Some(err) = error {
                    return Err(err);
                }
                report.articles += articles;
                for problem in &read.warnings {
                    (options.on_problem)(Severity::Warning, problem);
                }
                for problem in &read.failures {
                    (options.on_problem)(Severity::Error, problem);
                }
                if read.failures.is_empty() || articles > 0 {
                    manifest.insert(id, state);
                }
                report.warnings.extend(read.warnings);
                report.failures.extend(read.failures);
            }
            Entry::Skipped { display, why } => {
                report
                    .skipped
                    .entry(why.to_string())
                    .or_default()
                    .push(display);
            }
            Entry::Failed(problem) => {
                (options.on_problem)(Severity::Error, &problem);
                report.failures.push(problem);
            }
        }
    }
    for id in old.keys() {
        report.files_removed += 1;
        writer.delete_term(Term::from_field_text(fields.file, id));
        changed = true;
    }
    options.progress.finish_and_clear();
    if changed || first_build {
        let stamp = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or_default();
        let name = format!("files-{stamp}.json");
        // Written as it is serialized: the list of a million files is ~90 MB of JSON.
        let mut file = std::io::BufWriter::new(fs::File::create(generation.join(&name))?);
        serde_json::to_writer(&mut file, &manifest)?;
        file.into_inner().map_err(|e| e.into_error())?.sync_all()?;
        let mut commit = writer.prepare_commit()?;
        commit.set_payload(&name);
        commit.commit()?;
        remove_old_manifests(generation, &name);
    }
    Ok(report)
}

/// FNV-1a over bytes (the same as a file's content hash, [`corpus::fnv1a`]).
fn content_hash(bytes: &[u8]) -> u64 {
    corpus::fnv1a(corpus::FNV_START, bytes)
}

/// Removes file lists of earlier commits.
fn remove_old_manifests(generation: &Path, live: &str) {
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

/// Adds the passages of one article from corpus file `file`; returns how many.
fn add_article(
    writer: &IndexWriter,
    fields: &Fields,
    analyzer: &DutchAnalyzer,
    file: &str,
    article: &Article,
) -> Result<u64> {
    let mut passages = passage::split(&article.body);
    if passages.is_empty() {
        // Keep the article findable by its title even without a body.
        passages.push(passage::Passage {
            text: String::new(),
            line: 0,
        });
    }
    let key = article_key(&article.id);
    let date = article.date.map(|d| d.to_string()).unwrap_or_default();
    let source_key = filter::source_key(analyzer, &article.source);
    for (ordinal, p) in passages.iter().enumerate() {
        let line = if article.body_has_lines {
            article.line + p.line
        } else {
            article.line
        };
        let mut doc = TantivyDocument::default();
        doc.add_text(fields.title, &article.title);
        doc.add_text(fields.body, &p.text);
        add_article_keys(&mut doc, fields, file, article, key, &source_key);
        if !date.is_empty() {
            doc.add_text(fields.date, &date);
        }
        doc.add_text(fields.source, &article.source);
        doc.add_text(fields.url, &article.url);
        doc.add_text(fields.path, &article.path);
        doc.add_u64(fields.line, line as u64);
        doc.add_u64(fields.ordinal, ordinal as u64);
        doc.add_text(fields.level, PASSAGE_LEVEL);
        writer.add_document(doc)?;
    }
    let mut doc = TantivyDocument::default();
    doc.add_text(fields.level, ARTICLE_LEVEL);
    doc.add_text(fields.article_title, &article.title);
    doc.add_text(fields.article_body, &article.body);
    add_article_keys(&mut doc, fields, file, article, key, &source_key);
    doc.add_u64(fields.ordinal, 0);
    writer.add_document(doc)?;
    Ok(passages.len() as u64)
}

/// The fields every document of an article carries: what finds, filters and removes it.
fn add_article_keys(
    doc: &mut TantivyDocument,
    fields: &Fields,
    file: &str,
    article: &Article,
    key: u64,
    source_key: &str,
) {
    doc.add_text(fields.article_id, &article.id);
    doc.add_u64(fields.article_key, key);
    doc.add_text(fields.file, file);
    if let Some(day) = article.date {
        doc.add_i64(fields.date_key, filter::date_key(day));
    }
    if !source_key.is_empty() {
        doc.add_text(fields.source_key, source_key);
    }
}

fn write_synced(path: &Path, bytes: &[u8]) -> Result<()> {
    let mut file = fs::File::create(path)?;
    file.write_all(bytes)?;
    file.sync_all()?;
    Ok(())
}

/// Points CURRENT at `generation` with an atomic rename.
fn publish(dir: &Path, generation: &str) -> Result<()> {
    let tmp = dir.join(format!("{CURRENT_FILE}.tmp"));
    write_synced(&tmp, format!("{generation}\n").as_bytes())?;
    fs::rename(&tmp, dir.join(CURRENT_FILE))?;
    if let Ok(d) = fs::File::open(dir) {
        let _ = d.sync_all();
    }
    Ok(())
}

/// Removes generations other than the live one and leftovers of interrupted builds.
fn remove_stale(dir: &Path, live: &str) {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn article_key_is_stable() {
        assert_eq!(article_key(""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(article_key("a"), 0xaf63_dc4c_8601_ec8c);
        assert_ne!(article_key("x1"), article_key("x2"));
    }
}
