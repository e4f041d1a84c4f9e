//! The speed benchmark's Rust side (`bench/speed.sh` drives it): the plain-tantivy ceiling
//! and the in-process and process-level timings.
//!
//! ```sh
//! cargo run --release --example bench -- ceiling-index --corpus DIR --index DIR
//! cargo run --release --example bench -- latency --zoek DIR --ceiling DIR --queries FILE
//! cargo run --release --example bench -- ceiling-search --index DIR (--queries FILE | QUERY)
//! cargo run --release --example bench -- oneshot --runs 21 -- COMMAND ARGS... [--- COMMAND ARGS...]
//! cargo run --release --example bench -- analyze --corpus DIR
//! cargo run --release --example bench -- terms --index DIR
//! cargo run --release --example bench -- deleted-docs --index DIR
//! ```
//!
//! `analyze` times the Dutch analysis alone (one thread, as tantivy's writer threads run it);
//! `terms` lists an index's terms with their frequencies, to check that a change to the
//! analysis changes nothing (two builds of one corpus give the same list whatever their
//! segments).
//!
//! **The ceiling** is what tantivy does with the same passages and nothing of zoek's: the
//! corpus is read and cut into passages by zoek's own reader and splitter (so the documents
//! are identical), and each passage becomes a document with `title` and `body` as tantivy's
//! default `TEXT` fields (default tokenizer, positions, not stored), indexed with the same
//! number of threads and the same writer heap as `zoek index`. Its queries go through
//! tantivy's `QueryParser` over both fields, all words required as zoek does by default,
//! top 10 by BM25, nothing loaded.
//!
//! Every subcommand prints one JSON object on stdout (the shell script reads it); `oneshot`
//! one for each command it times.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

use anyhow::{bail, Context, Result};
use tantivy::collector::TopDocs;
use tantivy::query::QueryParser;
use tantivy::schema::{Schema, TEXT};
use tantivy::{Index, IndexReader, ReloadPolicy, TantivyDocument};
use zoek::corpus::{self, passage, Entry, Limits, WalkOptions};
use zoek::index;
use zoek::index::TextField;
use zoek::search::{self, SearchOptions};

fn usage() -> ! {
    eprintln!(
        "usage: bench ceiling-index --corpus DIR --index DIR [--threads N] [--heap-mb M]\n\
         \x20      bench latency --zoek DIR --ceiling DIR --queries FILE [--runs R] [--limit N]\n\
         \x20      bench ceiling-search --index DIR (--queries FILE | QUERY) [--limit N]\n\
         \x20      bench oneshot [--runs N] -- COMMAND ARGS... [--- COMMAND ARGS...]\n\
         \x20      bench analyze --corpus DIR [--runs N]\n\
         \x20      bench terms --index DIR\n\
         \x20      bench deleted-docs --index DIR"
    );
    std::process::exit(2)
}

/// `--flag value` pairs and the words that are not flags.
struct Flags {
    pairs: Vec<(String, String)>,
    rest: Vec<String>,
}

impl Flags {
    fn parse(args: impl Iterator<Item = String>) -> Result<Flags> {
        let mut flags = Flags {
            pairs: Vec::new(),
            rest: Vec::new(),
        };
        let mut args = args.peekable();
        while let Some(arg) = args.next() {
            if arg == "--" {
                flags.rest.extend(args);
                break;
            }
            if let Some(name) = arg.strip_prefix("--") {
                let value = args
                    .next()
                    .with_context(|| format!("--{name} needs a value"))?;
                flags.pairs.push((name.to_string(), value));
            } else {
                flags.rest.push(arg);
            }
        }
        Ok(flags)
    }

    fn get(&self, name: &str) -> Option<&str> {
        self.pairs
            .iter()
            .rev()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    fn path(&self, name: &str) -> Result<PathBuf> {
        self.get(name)
            .map(PathBuf::from)
            .with_context(|| format!("--{name} is required"))
    }

    fn number(&self, name: &str, default: usize) -> Result<usize> {
        match self.get(name) {
            Some(v) => v
                .parse()
                .with_context(|| format!("--{name}: not a number: {v}")),
            None => Ok(default),
        }
    }
}

fn main() -> Result<()> {
    let mut args = std::env::args().skip(1);
    let command = args.next().unwrap_or_else(|| usage());
    let flags = Flags::parse(args)?;
    match command.as_str() {
        "ceiling-index" => ceiling_index(&flags),
        "latency" => latency(&flags),
        "ceiling-search" => ceiling_search(&flags),
        "oneshot" => oneshot(&flags),
        "analyze" => analyze(&flags),
        "terms" => terms(&flags),
        "deleted-docs" => deleted_docs(&flags),
        _ => usage(),
    }
}

/// The analysis alone, as tantivy runs it at indexing: every passage's title and body through
/// zoek's tokenizer on one thread, corpus read and split beforehand (not timed); the median
/// of `runs` passes in seconds, and tokens per pass.
/// The article files of a corpus folder in the order the index walks them: path, id and
/// display form.
fn article_files(
    corpus_dir: &Path,
) -> Result<impl Iterator<Item = (PathBuf, String, String)> + '_> {
    let entries = corpus::walk(corpus_dir, &WalkOptions::default())?;
    Ok(entries.into_iter().filter_map(move |entry| match entry {
        Entry::Article { relative, .. } => {
            let path = corpus_dir.join(&relative);
            let display = path.display().to_string();
            Some((path, corpus::article_id(&relative), display))
        }
        _ => None,
    }))
}

fn analyze(flags: &Flags) -> Result<()> {
    use tantivy::tokenizer::{TokenStream, Tokenizer};
    use zoek::analysis::{Analysis, DutchAnalyzer, DutchTokenizer};
    let corpus_dir = flags.path("corpus")?;
    let runs = flags.number("runs", 3)?;
    let mut texts = Vec::new();
    for (path, id, display) in article_files(&corpus_dir)? {
        corpus::read_file(&path, &id, &display, Limits::default(), |article| {
            for p in passage::split(&article.body) {
                texts.push(article.title.clone());
                texts.push(p.text);
            }
        });
    }
    let mut times = Vec::new();
    let mut tokens = 0u64;
    for _ in 0..runs {
        // A fresh tokenizer on a fresh thread each pass: the per-thread memo starts empty.
        let texts = &texts;
        let (seconds, n) = std::thread::scope(|scope| {
            scope
                .spawn(|| {
                    let mut tokenizer = DutchTokenizer::new(DutchAnalyzer::new(Analysis::Full));
                    let started = Instant::now();
                    let mut n = 0u64;
                    for text in texts {
                        let mut stream = tokenizer.token_stream(text);
                        while stream.advance() {
                            n += stream.token().text.len() as u64 + 1;
                        }
                    }
                    (started.elapsed().as_secs_f64(), n)
                })
                .join()
                .expect("analysis thread")
        });
        times.push(seconds);
        tokens = n;
    }
    println!(
        "{}",
        serde_json::json!({"texts": texts.len(), "token_bytes": tokens, "seconds": median(times)})
    );
    Ok(())
}

/// Every term of zoek's `title` and `body` with its document frequency and total term
/// frequency over all segments, sorted: two indexes of the same corpus must give the same
/// list whatever their segments (to check that a change to the analysis changes nothing).
/// The deleted documents the live generation's segments still hold (bench/churn.sh): their
/// text is on disk until a merge rewrites the segment. Prints the bare number.
fn deleted_docs(flags: &Flags) -> Result<()> {
    let zoek = index::open(&flags.path("index")?)?;
    let deleted: u32 = zoek
        .searcher()
        .segment_readers()
        .iter()
        .map(|segment| segment.num_deleted_docs())
        .sum();
    println!("{deleted}");
    Ok(())
}

fn terms(flags: &Flags) -> Result<()> {
    use std::collections::BTreeMap;
    let zoek = index::open(&flags.path("index")?)?;
    let searcher = zoek.searcher();
    let mut all: BTreeMap<(u32, Vec<u8>), (u64, u64)> = BTreeMap::new();
    let schema = zoek.schema();
    for (f, field) in [
        schema.text_field(TextField::Title),
        schema.text_field(TextField::Body),
    ]
    .into_iter()
    .enumerate()
    {
        for segment in searcher.segment_readers() {
            let inverted = segment.inverted_index(field)?;
            let mut stream = inverted.terms().stream()?;
            while stream.advance() {
                let info = stream.value();
                let entry = all.entry((f as u32, stream.key().to_vec())).or_default();
                entry.0 += u64::from(info.doc_freq);
                let mut postings = inverted.read_postings_from_terminfo(
                    info,
                    tantivy::schema::IndexRecordOption::WithFreqs,
                )?;
                {
                    use tantivy::postings::Postings;
                    use tantivy::DocSet;
                    while postings.doc() != tantivy::TERMINATED {
                        entry.1 += u64::from(postings.term_freq());
                        postings.advance();
                    }
                }
            }
        }
    }
    let mut out = String::new();
    for ((f, term), (df, tf)) in all {
        use std::fmt::Write;
        let _ = writeln!(out, "{f}\t{}\t{df}\t{tf}", String::from_utf8_lossy(&term));
    }
    print!("{out}");
    Ok(())
}

/// Peak resident memory of this process so far, in kB (Linux; 0 elsewhere).
fn peak_rss_kb() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .and_then(|v| v.split_whitespace().next()?.parse().ok())
        })
        .unwrap_or(0)
}

fn ceiling_schema() -> (Schema, tantivy::schema::Field, tantivy::schema::Field) {
    let mut builder = Schema::builder();
    let title = builder.add_text_field("title", TEXT);
    let body = builder.add_text_field("body", TEXT);
    (builder.build(), title, body)
}

/// Builds the plain-tantivy index of the corpus's passages.
fn ceiling_index(flags: &Flags) -> Result<()> {
    let corpus_dir = flags.path("corpus")?;
    let dir = flags.path("index")?;
    let threads = flags.number("threads", index::build::indexing_threads(u64::MAX))?;
    let heap = flags.number("heap-mb", index::build::WRITER_HEAP_BYTES >> 20)? << 20;
    let started = Instant::now();
    if dir.exists() {
        std::fs::remove_dir_all(&dir)?;
    }
    std::fs::create_dir_all(&dir)?;
    let (schema, title, body) = ceiling_schema();
    let index = Index::create_in_dir(&dir, schema)?;
    let mut writer = index.writer_with_num_threads::<TantivyDocument>(threads, heap)?;
    let (mut articles, mut passages, mut bytes) = (0u64, 0u64, 0u64);
    for (path, id, display) in article_files(&corpus_dir)? {
        let mut failed = None;
        let read = corpus::read_file(&path, &id, &display, Limits::default(), |article| {
            articles += 1;
            let mut split = passage::split(&article.body);
            if split.is_empty() {
                split.push(passage::Passage {
                    text: String::new(),
                    line: 0,
                });
            }
            for p in split {
                let mut doc = TantivyDocument::default();
                doc.add_text(title, &article.title);
                doc.add_text(body, &p.text);
                if let Err(err) = writer.add_document(doc) {
                    failed = Some(err);
                }
                passages += 1;
            }
        });
        if let Some(err) = failed {
            return Err(err.into());
        }
        if let Some(problem) = read.failures.first().filter(|_| read.bytes == 0) {
            bail!("{problem}");
        }
        bytes += std::fs::metadata(&path)?.len();
    }
    writer.commit()?;
    writer.wait_merging_threads()?;
    println!(
        "{}",
        serde_json::json!({
            "seconds": started.elapsed().as_secs_f64(),
            "articles": articles,
            "passages": passages,
            "bytes": bytes,
            "threads": threads,
            "heap_mb": heap >> 20,
            "peak_rss_kb": peak_rss_kb(),
        })
    );
    Ok(())
}

fn read_queries(path: &Path) -> Result<Vec<String>> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read queries {}", path.display()))?;
    let origin = path.display().to_string();
    zoek::eval::parse_queries(&text, &origin)
        .into_iter()
        .map(|q| q.map(|q| q.query).map_err(anyhow::Error::from))
        .collect()
}

/// The ceiling opened for searching.
struct Ceiling {
    reader: IndexReader,
    parser: QueryParser,
}

impl Ceiling {
    fn open(dir: &Path) -> Result<Ceiling> {
        let index = Index::open_in_dir(dir)?;
        let schema = index.schema();
        let fields = vec![schema.get_field("title")?, schema.get_field("body")?];
        let mut parser = QueryParser::for_index(&index, fields);
        parser.set_conjunction_by_default();
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        Ok(Ceiling { reader, parser })
    }

    /// The top `limit` documents: (score, segment, doc).
    fn search(&self, query: &str, limit: usize) -> Result<Vec<(f32, u32, u32)>> {
        let (query, _) = self.parser.parse_query_lenient(query);
        let searcher = self.reader.searcher();
        let top = searcher.search(&query, &TopDocs::with_limit(limit).order_by_score())?;
        Ok(top
            .into_iter()
            .map(|(score, a)| (score, a.segment_ord, a.doc_id))
            .collect())
    }
}

/// Percentile `p` (0–100) of sorted `xs`, nearest rank.
fn percentile(xs: &[f64], p: f64) -> f64 {
    if xs.is_empty() {
        return f64::NAN;
    }
    let rank = ((p / 100.0) * xs.len() as f64).ceil() as usize;
    xs[rank.clamp(1, xs.len()) - 1]
}

fn median(mut xs: Vec<f64>) -> f64 {
    xs.sort_by(f64::total_cmp);
    if xs.is_empty() {
        f64::NAN
    } else {
        xs[xs.len() / 2]
    }
}

/// In-process latency of every query, zoek (the whole of `search::run`: parse, rank, load
/// and highlight the hits, suggest) and the ceiling (parse, rank), interleaved query by query
/// so both see the same machine. Per run, the p50/p95/p99 over the queries; printed: the
/// median of each over the runs.
fn latency(flags: &Flags) -> Result<()> {
    let queries = read_queries(&flags.path("queries")?)?;
    let runs = flags.number("runs", 5)?;
    let limit = flags.number("limit", 10)?;
    let opened = Instant::now();
    let zoek = index::open(&flags.path("zoek")?)?;
    let zoek_open_ms = opened.elapsed().as_secs_f64() * 1e3;
    let opened = Instant::now();
    let ceiling = Ceiling::open(&flags.path("ceiling")?)?;
    let ceiling_open_ms = opened.elapsed().as_secs_f64() * 1e3;
    let options = SearchOptions {
        limit,
        ..SearchOptions::default()
    };
    // One pass to warm the page cache and caches, not counted; queries zoek rejects are left
    // out of both.
    let mut kept = Vec::new();
    let mut rejected = 0;
    for q in &queries {
        match search::run(&zoek, q, &options) {
            Ok(_) => {
                ceiling.search(q, limit)?;
                kept.push(q.as_str());
            }
            Err(_) => rejected += 1,
        }
    }
    let mut per_run: [Vec<Vec<f64>>; 2] = [Vec::new(), Vec::new()];
    let mut totals: [Vec<f64>; 2] = [Vec::new(), Vec::new()];
    // Each query's best time over the runs, to name the slowest (what p99 is made of).
    let mut best = vec![f64::MAX; kept.len()];
    for _ in 0..runs {
        let mut times = [Vec::new(), Vec::new()];
        for (i, q) in kept.iter().enumerate() {
            let started = Instant::now();
            std::hint::black_box(search::run(&zoek, q, &options)?);
            let ms = started.elapsed().as_secs_f64() * 1e3;
            best[i] = best[i].min(ms);
            times[0].push(ms);
            let started = Instant::now();
            std::hint::black_box(ceiling.search(q, limit)?);
            times[1].push(started.elapsed().as_secs_f64() * 1e3);
        }
        for (i, mut t) in times.into_iter().enumerate() {
            totals[i].push(t.iter().sum());
            t.sort_by(f64::total_cmp);
            per_run[i].push(t);
        }
    }
    let mut order: Vec<usize> = (0..kept.len()).collect();
    order.sort_by(|&a, &b| best[b].total_cmp(&best[a]));
    let slowest: Vec<serde_json::Value> = order
        .iter()
        .take(5)
        .map(|&i| serde_json::json!({"query": kept[i], "ms": best[i]}))
        .collect();
    let stats = |i: usize| {
        let pick = |p: f64| median(per_run[i].iter().map(|t| percentile(t, p)).collect());
        serde_json::json!({
            "p50_ms": pick(50.0),
            "p95_ms": pick(95.0),
            "p99_ms": pick(99.0),
            "max_ms": pick(100.0),
            "total_ms": median(totals[i].clone()),
        })
    };
    println!(
        "{}",
        serde_json::json!({
            "queries": kept.len(),
            "rejected": rejected,
            "runs": runs,
            "articles": zoek.searcher().num_docs(),
            "zoek": stats(0),
            "ceiling": stats(1),
            "zoek_open_ms": zoek_open_ms,
            "ceiling_open_ms": ceiling_open_ms,
            "zoek_slowest": slowest,
        })
    );
    Ok(())
}

/// The ceiling as a process: one query or a file of them, results on stdout.
fn ceiling_search(flags: &Flags) -> Result<()> {
    let ceiling = Ceiling::open(&flags.path("index")?)?;
    let limit = flags.number("limit", 10)?;
    let queries = match flags.get("queries") {
        Some(file) => read_queries(Path::new(file))?,
        None if !flags.rest.is_empty() => vec![flags.rest.join(" ")],
        None => usage(),
    };
    let mut out = String::new();
    for (i, q) in queries.iter().enumerate() {
        for (rank, (score, segment, doc)) in ceiling.search(q, limit)?.into_iter().enumerate() {
            use std::fmt::Write;
            let _ = writeln!(
                out,
                "{} Q0 {segment}/{doc} {} {score} ceiling",
                i + 1,
                rank + 1
            );
        }
    }
    print!("{out}");
    Ok(())
}

/// Wall time of whole processes (start, work, exit), stdout discarded: for each command (the
/// commands separated by `---`), the median of `runs` after one warm-up run, printed as one
/// JSON line per command. The commands take turns, run by run (in turned order every other
/// run), so a machine that slows down meanwhile slows them alike.
fn oneshot(flags: &Flags) -> Result<()> {
    let runs = flags.number("runs", 21)?;
    let commands: Vec<&[String]> = flags.rest.split(|arg| arg == "---").collect();
    if commands.iter().any(|command| command.is_empty()) {
        usage()
    }
    let run = |command: &[String]| -> Result<f64> {
        let (program, args) = command.split_first().unwrap_or_else(|| usage());
        let started = Instant::now();
        let status = Command::new(program)
            .args(args)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .with_context(|| format!("cannot run {program}"))?;
        let ms = started.elapsed().as_secs_f64() * 1e3;
        if !matches!(status.code(), Some(0) | Some(1)) {
            bail!("{program} failed: {status}");
        }
        Ok(ms)
    };
    let mut times = vec![Vec::with_capacity(runs); commands.len()];
    for command in &commands {
        run(command)?;
    }
    for i in 0..runs {
        let mut order: Vec<usize> = (0..commands.len()).collect();
        if i % 2 == 1 {
            order.reverse();
        }
        for c in order {
            times[c].push(run(commands[c])?);
        }
    }
    for mut times in times {
        times.sort_by(f64::total_cmp);
        println!(
            "{}",
            serde_json::json!({
                "runs": runs,
                "median_ms": median(times.clone()),
                "min_ms": times[0],
                "max_ms": times[times.len() - 1],
            })
        );
    }
    Ok(())
}
