//! The `zoek` command line: parses arguments, runs a pipeline stage, shows progress on a
//! terminal, and maps the outcome to an exit status (0 found, 1 nothing found, 2 error) as
//! grep does. Errors are one line (a query error adds a line with a caret under the place).

use std::io::{self, BufRead, IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{anyhow, Context, Result};
use clap::{Args, Parser, Subcommand, ValueEnum};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use zoek::analysis::{Analysis, DutchAnalyzer};
use zoek::corpus::{Problem, WalkOptions};
use zoek::eval::{self, Bound, QueryLine, Run};
use zoek::index::{self, BuildObserver, BuildOptions, Severity, ZoekIndex};
use zoek::output::{self, json, trec};
use zoek::query::{self, filter, DateRange, Filters, MatchMode};
use zoek::search::{self, article, Found, Outcome, SearchError, SearchOptions, SortOrder, View};

#[derive(Parser)]
#[command(
    name = "zoek",
    version,
    about = "Search Dutch news from the shell: ranked passages, highlighted, Dutch-aware"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Index a folder of articles (.md, .txt, .html, .json, .jsonl, .json.gz, .jsonl.gz)
    Index(IndexArgs),
    /// Search the index and print the best passages
    Search(SearchArgs),
    /// Score queries against relevance judgements (TREC qrels); a gate for CI
    Eval(EvalArgs),
    /// Print a whole article with its metadata
    Show(ShowArgs),
    /// Show the tokens the Dutch analyzer makes of a text
    Analyze(AnalyzeArgs),
}

#[derive(Args)]
struct ShowArgs {
    /// The article's id (`article_id` in the JSON output)
    article_id: String,
    #[command(flatten)]
    index: IndexArg,
    /// The article as one JSON object
    #[arg(long)]
    json: bool,
    /// Highlight this query's matches
    #[arg(long, value_name = "QUERY")]
    query: Option<String>,
    /// When to colour the output
    #[arg(long, value_enum, default_value_t = Color::Auto)]
    color: Color,
}

#[derive(Args)]
struct AnalyzeArgs {
    /// The text to analyze
    #[arg(required_unless_present = "terms", conflicts_with = "terms")]
    text: Vec<String>,
    /// Read one word per line on stdin; print the normalized form zoek indexes for each
    #[arg(long)]
    terms: bool,
    /// Which analysis variant
    #[arg(long, value_enum, default_value_t = AnalysisArg::Full)]
    analysis: AnalysisArg,
    /// One JSON object per token
    #[arg(long)]
    json: bool,
}

#[derive(Args)]
struct IndexArgs {
    /// Folder of articles
    #[arg(default_value = "corpus")]
    corpus: PathBuf,
    #[command(flatten)]
    index: IndexArg,
    /// How much Dutch analysis to apply
    #[arg(long, value_enum, default_value_t = AnalysisArg::Full)]
    analysis: AnalysisArg,
    /// Rebuild the whole index instead of processing only changed files
    #[arg(long)]
    rebuild: bool,
    /// Leave out files matching a gitignore-style pattern (repeatable)
    #[arg(long, value_name = "GLOB")]
    exclude: Vec<String>,
    /// Write one JSON line per skipped, failed or warned-about item to FILE
    #[arg(long, value_name = "FILE")]
    report: Option<PathBuf>,
    /// Exit 2 after the run if any file or record failed
    #[arg(long)]
    strict: bool,
}

#[derive(Args)]
struct IndexArg {
    /// Folder of the index
    #[arg(long = "index", default_value = "index")]
    dir: PathBuf,
}

#[derive(Args)]
struct SearchArgs {
    /// The query: words (all required), OR, -word, NOT word, "a phrase", title:word
    #[arg(required_unless_present = "queries", conflicts_with = "queries")]
    query: Vec<String>,
    /// Run every query in FILE ('-' = stdin): lines 'query' or 'qid<TAB>query'
    #[arg(long, value_name = "FILE")]
    queries: Option<PathBuf>,
    #[command(flatten)]
    index: IndexArg,
    /// How many passages to print (articles with --per-article or --format trec)
    #[arg(short = 'n', long, default_value_t = 10)]
    limit: usize,
    /// Output format
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
    /// Short for --format json
    #[arg(long, conflicts_with = "format")]
    json: bool,
    /// Only the best passage of each article
    #[arg(long)]
    per_article: bool,
    /// When to colour the output
    #[arg(long, value_enum, default_value_t = Color::Auto)]
    color: Color,
    #[command(flatten)]
    narrow: QueryArgs,
}

/// Narrowing and reading results: filters, order, context, explanations, counts and
/// suggestions (one group, flattened into `search`).
#[derive(Args)]
struct QueryArgs {
    /// Only articles dated on or after DATE (YYYY-MM-DD, YYYY-MM or YYYY)
    #[arg(long, value_name = "DATE")]
    since: Option<String>,
    /// Only articles dated on or before DATE (a month or year counts to its end)
    #[arg(long, value_name = "DATE")]
    until: Option<String>,
    /// Only articles from this source (repeat for any of several)
    #[arg(long, value_name = "NAME", value_parser = non_empty)]
    source: Vec<String>,
    /// Order of hits
    #[arg(
        long,
        value_enum,
        value_name = "ORDER",
        default_value_t = Sort::Relevance,
        allow_hyphen_values = true
    )]
    sort: Sort,
    /// Show N neighbouring passages of the article around each hit
    #[arg(short = 'C', long, value_name = "N", default_value_t = 0)]
    context: usize,
    /// Show why each hit matched and how its score is made up
    #[arg(long)]
    explain: bool,
    /// Print only how many passages (and articles) match
    #[arg(long)]
    count: bool,
    /// Do not suggest corrections when the query finds little
    #[arg(long)]
    no_suggest: bool,
    /// How the words of the query combine
    #[arg(long = "match", value_enum, default_value_t = Matching::Ranked)]
    matching: Matching,
}

/// A period option's value, with the option named in its error.
fn period(option: &str, value: Option<&str>) -> Result<Option<filter::Period>> {
    value
        .map(filter::parse_period)
        .transpose()
        .map_err(|e| anyhow!("{option}: {e}"))
}

impl QueryArgs {
    fn filters(&self) -> Result<Filters> {
        let since = period("--since", self.since.as_deref())?;
        let until = period("--until", self.until.as_deref())?;
        Ok(Filters {
            date: DateRange::between(since, until)?,
            sources: self.source.clone(),
        })
    }
}

fn at_least_one(value: &str) -> Result<usize, String> {
    match value.parse::<usize>() {
        Ok(0) => Err("must be at least 1".to_string()),
        Ok(n) => Ok(n),
        Err(e) => Err(e.to_string()),
    }
}

fn non_empty(value: &str) -> Result<String, String> {
    if value.trim().is_empty() {
        Err("needs a name".to_string())
    } else {
        Ok(value.to_string())
    }
}

#[derive(Args)]
struct EvalArgs {
    /// Queries: lines 'query' or 'qid<TAB>query' ('-' = stdin)
    #[arg(long, value_name = "FILE")]
    queries: PathBuf,
    /// TREC qrels: lines 'qid 0 docid grade' ('-' = stdin)
    #[arg(long, value_name = "FILE")]
    qrels: PathBuf,
    #[command(flatten)]
    index: IndexArg,
    /// How many articles to rank per query
    #[arg(long, default_value_t = 100, value_parser = at_least_one)]
    depth: usize,
    /// Print the scores as JSON
    #[arg(long)]
    json: bool,
    /// How the words of a query combine
    #[arg(long = "match", value_enum, default_value_t = Matching::Ranked)]
    matching: Matching,
    /// Fail (exit 1) when a mean is below VALUE, e.g. --min ndcg@10=0.6 (repeatable)
    #[arg(long = "min", value_name = "METRIC=VALUE")]
    bounds: Vec<Bound>,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    Human,
    Json,
    /// 'qid Q0 article_id rank score zoek', one article per line
    Trec,
}

#[derive(Clone, Copy, ValueEnum)]
enum Matching {
    /// Any word finds an article; those holding more of the query, its rare words, close
    /// together and early rank first (phrases, OR, fuzzy words and prefixes: all)
    Ranked,
    /// Every word is required
    All,
    /// Any word finds a passage, ranked by BM25 alone
    Any,
}

impl From<Matching> for MatchMode {
    fn from(matching: Matching) -> Self {
        match matching {
            Matching::Ranked => MatchMode::Ranked,
            Matching::All => MatchMode::All,
            Matching::Any => MatchMode::Any,
        }
    }
}

#[derive(Clone, Copy, ValueEnum)]
enum Sort {
    /// Best score first
    Relevance,
    /// Oldest first
    Date,
    /// Newest first
    #[value(name = "-date")]
    DateDesc,
}

impl From<Sort> for SortOrder {
    fn from(sort: Sort) -> Self {
        match sort {
            Sort::Relevance => SortOrder::Relevance,
            Sort::Date => SortOrder::Date,
            Sort::DateDesc => SortOrder::DateDesc,
        }
    }
}

#[derive(Clone, Copy, ValueEnum)]
enum AnalysisArg {
    /// Folded words, no stemming
    Plain,
    /// Plus the Snowball Dutch stemmer
    Stemmed,
    /// Plus zoek's corrections of the stemmer
    #[value(name = "stemmed+corrections")]
    Corrected,
    /// Plus compound splitting
    Full,
}

impl From<AnalysisArg> for Analysis {
    fn from(analysis: AnalysisArg) -> Self {
        match analysis {
            AnalysisArg::Plain => Analysis::Plain,
            AnalysisArg::Stemmed => Analysis::Stemmed,
            AnalysisArg::Corrected => Analysis::Corrected,
            AnalysisArg::Full => Analysis::Full,
        }
    }
}

#[derive(Clone, Copy, ValueEnum)]
enum Color {
    Auto,
    Always,
    Never,
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(err) if !err.use_stderr() => err.exit(),
        Err(err) => {
            eprintln!("zoek: {}", argument_error(&err));
            return ExitCode::from(2);
        }
    };
    let outcome = match cli.command {
        Command::Index(args) => run_index(args),
        Command::Search(args) => run_search(args),
        Command::Eval(args) => run_eval(args),
        Command::Show(args) => run_show(args),
        Command::Analyze(args) => run_analyze(args),
    };
    match outcome {
        Ok(code) => code,
        Err(err) if is_broken_pipe(&err) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("zoek: {}", message(&err));
            ExitCode::from(2)
        }
    }
}

/// clap's error in one line: its message, then its hints (`possible values: …`, `tip: …`),
/// without the usage and help pointers, which `--help` gives.
fn argument_error(err: &clap::Error) -> String {
    let text = err.render().to_string();
    let parts: Vec<String> = text
        .lines()
        .map(|line| line.trim().trim_start_matches("error: ").to_string())
        .filter(|line| {
            !line.is_empty()
                && !line.starts_with("Usage:")
                && !line.starts_with("For more information")
        })
        .map(|line| {
            line.trim_start_matches('[')
                .trim_end_matches(']')
                .to_string()
        })
        .collect();
    let mut line = String::new();
    for part in parts {
        if !line.is_empty() {
            line.push_str(if line.ends_with(':') { " " } else { "; " });
        }
        line.push_str(&part);
    }
    line
}

/// An error and its causes in one line, each cause once (typed errors already name their
/// source in their own message).
fn message(err: &anyhow::Error) -> String {
    let mut line = String::new();
    for cause in err.chain() {
        let text = cause.to_string();
        if line.contains(&text) {
            continue;
        }
        if !line.is_empty() {
            line.push_str(": ");
        }
        line.push_str(&text);
    }
    line
}

fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.downcast_ref::<io::Error>()
        .is_some_and(|e| e.kind() == io::ErrorKind::BrokenPipe)
}

/// Shows a build's progress on a terminal and its problems as they come.
struct Progress {
    bar: ProgressBar,
}

impl Progress {
    fn new() -> Self {
        if !io::stderr().is_terminal() {
            return Progress {
                bar: ProgressBar::hidden(),
            };
        }
        let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
        bar.set_style(
            ProgressStyle::with_template("{spinner} indexing {pos}/{len} files {wide_bar} {eta}")
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        Progress { bar }
    }
}

impl BuildObserver for Progress {
    fn files_found(&mut self, files: u64) {
        self.bar.set_length(files);
    }

    fn file_done(&mut self) {
        self.bar.inc(1);
    }

    fn problem(&mut self, severity: Severity, problem: &Problem) {
        self.bar
            .suspend(|| eprintln!("zoek: {}", output::problem_line(severity, problem)));
    }
}

fn run_index(args: IndexArgs) -> Result<ExitCode> {
    let options = BuildOptions {
        analysis: args.analysis.into(),
        rebuild: args.rebuild,
        walk: WalkOptions {
            exclude: args.exclude,
        },
    };
    let mut progress = Progress::new();
    let report = index::build(&args.corpus, &args.index.dir, &options, &mut progress).map_err(
        |err| match err {
            index::IndexError::Corpus(zoek::corpus::CorpusError::BadPattern { .. }) => {
                anyhow!("--exclude: {err}")
            }
            other => other.into(),
        },
    );
    progress.bar.finish_and_clear();
    let report = report?;
    for line in output::build_summary(&report) {
        eprintln!("zoek: {line}");
    }
    if let Some(path) = &args.report {
        let mut file = io::BufWriter::new(
            std::fs::File::create(path)
                .with_context(|| format!("cannot write the report {}", path.display()))?,
        );
        json::print_build_report(&mut file, &report)?;
        file.flush()?;
    }
    Ok(if args.strict && !report.failures.is_empty() {
        eprintln!(
            "zoek: --strict: {} files or records failed",
            report.failures.len()
        );
        ExitCode::from(2)
    } else {
        ExitCode::SUCCESS
    })
}

/// Reads a queries file, or stdin for `-`.
/// A queries or qrels file, or stdin for `-`, with the name its errors give it.
fn read_text(path: &Path, what: &str) -> Result<(String, String)> {
    if path == Path::new("-") {
        let mut text = String::new();
        io::stdin()
            .read_to_string(&mut text)
            .with_context(|| format!("cannot read {what} from stdin"))?;
        Ok((text, "<stdin>".to_string()))
    } else {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read {what} file {}", path.display()))?;
        Ok((text, path.display().to_string()))
    }
}

/// The lines of a queries file (or stdin for `-`), each a query or why it is not one.
fn read_queries(path: &Path) -> Result<Vec<eval::Result<QueryLine>>> {
    let (text, origin) = read_text(path, "queries")?;
    Ok(eval::parse_queries(&text, &origin))
}

/// A search error as it is shown after `prefix`: a query error names the query and puts a
/// caret under the place.
fn search_error(prefix: &str, query: &str, err: &SearchError) -> String {
    match err {
        SearchError::Query(e) => output::query_error(prefix, query, &e.to_string(), e.span.clone()),
        other => format!("{prefix}{other}"),
    }
}

fn color_choice(color: Color) -> anstream::ColorChoice {
    match color {
        Color::Auto => anstream::AutoStream::choice(&io::stdout()),
        Color::Always => anstream::ColorChoice::Always,
        Color::Never => anstream::ColorChoice::Never,
    }
}

fn run_search(args: SearchArgs) -> Result<ExitCode> {
    let format = if args.json { Format::Json } else { args.format };
    let batch = args.queries.is_some();
    let lines = match &args.queries {
        Some(path) => read_queries(path)?,
        None => vec![Ok(QueryLine {
            qid: "1".to_string(),
            query: args.query.join(" "),
        })],
    };
    let narrow = &args.narrow;
    let view = if narrow.count {
        View::Count
    } else if format == Format::Trec {
        View::Articles
    } else if args.per_article {
        View::ArticlesWithPassage
    } else {
        View::Passages
    };
    let options = SearchOptions {
        limit: args.limit,
        view,
        filters: narrow.filters()?,
        sort: narrow.sort.into(),
        context: narrow.context,
        explain: narrow.explain,
        suggest: !narrow.no_suggest,
        matching: narrow.matching.into(),
    };
    let index = index::open(&args.index.dir)?;
    let mut out = anstream::AutoStream::new(io::stdout().lock(), color_choice(args.color));
    let mut failed = false;
    let mut found = false;
    for line in &lines {
        // A line that is no query fails alone; the others run.
        let line = match line {
            Ok(line) => line,
            Err(err) => {
                eprintln!("zoek: {err}");
                failed = true;
                continue;
            }
        };
        let outcome = match search::run(&index, &line.query, &options) {
            Ok(outcome) => outcome,
            Err(err) if batch => {
                let prefix = format!("zoek: query {}: ", line.qid);
                eprintln!("{}", search_error(&prefix, &line.query, &err));
                failed = true;
                continue;
            }
            Err(err) => {
                eprintln!("{}", search_error("zoek: ", &line.query, &err));
                return Ok(ExitCode::from(2));
            }
        };
        found |= !outcome.is_empty();
        let qid = batch.then_some(line.qid.as_str());
        let prefix = qid.map(|q| format!("query {q}: ")).unwrap_or_default();
        for warning in &outcome.warnings {
            eprintln!("zoek: {prefix}note: {warning}");
        }
        if let (Some(suggestion), Format::Human) = (&outcome.suggestion, format) {
            eprintln!("{prefix}{}", output::suggestion_line(suggestion));
        }
        // Written per query, so a long batch streams.
        let mut buffer = Vec::new();
        print_outcome(&mut buffer, format, qid, line, &outcome)?;
        out.write_all(&buffer)?;
    }
    out.flush()?;
    Ok(ExitCode::from(match (failed, found) {
        (true, _) => 2,
        (false, true) => 0,
        (false, false) => 1,
    }))
}

fn print_outcome(
    out: &mut Vec<u8>,
    format: Format,
    qid: Option<&str>,
    line: &QueryLine,
    outcome: &Outcome,
) -> io::Result<()> {
    match format {
        Format::Human => {
            if let Some(qid) = qid {
                output::print_query_header(out, qid, &line.query)?;
            }
            output::print_notes(out, &outcome.notes)?;
            match &outcome.found {
                Found::Hits(hits) => output::print_hits(out, hits),
                Found::Count(count) => output::print_count(out, count),
                Found::Articles(_) => Ok(()),
            }
        }
        Format::Json => json::print_outcome(out, qid, &line.query, outcome),
        Format::Trec => match &outcome.found {
            Found::Articles(articles) => trec::print_run(out, &line.qid, articles),
            Found::Count(count) => output::print_count(out, count),
            Found::Hits(_) => Ok(()),
        },
    }
}

fn run_eval(args: EvalArgs) -> Result<ExitCode> {
    if args.queries == Path::new("-") && args.qrels == Path::new("-") {
        anyhow::bail!("--queries and --qrels cannot both be read from standard input ('-')");
    }
    let mut lines = Vec::new();
    let mut malformed = false;
    for line in read_queries(&args.queries)? {
        match line {
            Ok(line) => lines.push(line),
            Err(err) => {
                eprintln!("zoek: {err}");
                malformed = true;
            }
        }
    }
    if malformed {
        return Ok(ExitCode::from(2));
    }
    let (qrels_text, origin) = read_text(&args.qrels, "qrels")?;
    let qrels = eval::parse_qrels(&qrels_text, &origin)?;
    let index = index::open(&args.index.dir)?;
    let options = SearchOptions {
        limit: args.depth,
        view: View::Articles,
        suggest: false,
        matching: args.matching.into(),
        ..SearchOptions::default()
    };
    let mut run = Run::new();
    let mut failed = false;
    for line in &lines {
        match search::run(&index, &line.query, &options) {
            Ok(Outcome {
                found: Found::Articles(articles),
                ..
            }) => {
                run.insert(
                    line.qid.clone(),
                    articles
                        .into_iter()
                        .map(|a| (a.article_id, a.score))
                        .collect(),
                );
            }
            Ok(_) => unreachable!("an article view gives articles"),
            Err(err) => {
                let prefix = format!("zoek: query {}: ", line.qid);
                eprintln!("{}", search_error(&prefix, &line.query, &err));
                failed = true;
            }
        }
    }
    let ids: Vec<String> = lines.iter().map(|l| l.qid.clone()).collect();
    let report = eval::evaluate(&qrels, &run, &ids);
    for warning in &report.warnings {
        eprintln!("zoek: warning: {warning}");
    }
    let mut stdout = io::stdout().lock();
    if args.json {
        writeln!(stdout, "{}", eval::render_json(&report))?;
    } else {
        write!(stdout, "{}", eval::render_table(&report))?;
    }
    stdout.flush()?;
    if failed {
        return Ok(ExitCode::from(2));
    }
    let below = eval::failed_bounds(&report, &args.bounds);
    for message in &below {
        eprintln!("zoek: gate failed: {message}");
    }
    Ok(if below.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

fn run_analyze(args: AnalyzeArgs) -> Result<ExitCode> {
    let analyzer = DutchAnalyzer::new(args.analysis.into());
    let mut out = io::BufWriter::new(io::stdout().lock());
    if args.terms {
        for line in io::stdin().lock().lines() {
            let line = line.context("cannot read words from stdin")?;
            writeln!(out, "{}", analyzer.terms_of_line(&line))?;
        }
    } else {
        let text = args.text.join(" ");
        let tokens = analyzer.tokens(&text);
        if args.json {
            json::print_tokens(&mut out, &text, &tokens)?;
        } else {
            output::print_tokens(&mut out, &text, &tokens)?;
        }
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

fn run_show(args: ShowArgs) -> Result<ExitCode> {
    let index: ZoekIndex = index::open(&args.index.dir)?;
    let matchers = match &args.query {
        Some(text) => {
            match query::parse(text).and_then(|node| query::compile(node, index.analyzer())) {
                Ok(compiled) => compiled.matchers,
                Err(err) => {
                    eprintln!("{}", search_error("zoek: ", text, &err.into()));
                    return Ok(ExitCode::from(2));
                }
            }
        }
        None => Vec::new(),
    };
    let Some(article) = article::load(&index, &args.article_id, &matchers)? else {
        anyhow::bail!(
            "no article '{}' in the index; ids are in the search output (article_id)",
            args.article_id
        );
    };
    let mut buffer = Vec::new();
    if args.json {
        json::print_article(&mut buffer, &article)?;
    } else {
        output::print_article(&mut buffer, &article)?;
    }
    let mut out = anstream::AutoStream::new(io::stdout().lock(), color_choice(args.color));
    out.write_all(&buffer)?;
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}
