//! The `zoek` command line: parses arguments, runs a pipeline stage, maps the outcome to an
//! exit status (0 found, 1 nothing found, 2 error) as grep does.

use std::io::{self, BufRead, IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::{Args, Parser, Subcommand, ValueEnum};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use zoek::analysis::{Analysis, DutchAnalyzer};
use zoek::article;
use zoek::corpus::WalkOptions;
use zoek::eval::{self, Bound, QueryLine, Run};
use zoek::filter::Filters;
use zoek::index::{self, BuildOptions, ZoekIndex};
use zoek::output;
use zoek::query::{self, MatchMode};
use zoek::search::{self, Outcome, QueryOptions, SearchOptions};

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
    #[arg(long, default_value = "full", value_parser = parse_analysis)]
    analysis: Analysis,
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
    /// How much Dutch analysis to apply: plain, stemmed, stemmed+corrections, full
    #[arg(long, default_value = "full", value_parser = parse_analysis)]
    analysis: Analysis,
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
    #[arg(long, value_name = "NAME")]
    source: Vec<String>,
    /// Order of hits: relevance, date (oldest first) or -date (newest first)
    #[arg(
        long,
        value_name = "ORDER",
        default_value = "relevance",
        allow_hyphen_values = true
    )]
    sort: String,
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
    /// Whether passages need all words of the query or any of them
    #[arg(long = "match", value_enum, default_value_t = Matching::All)]
    matching: Matching,
}

impl QueryArgs {
    fn options(&self) -> Result<QueryOptions> {
        Ok(QueryOptions {
            filters: Filters::parse(self.since.as_deref(), self.until.as_deref(), &self.source)
                .map_err(anyhow::Error::msg)?,
            sort: self.sort.parse().map_err(anyhow::Error::msg)?,
            context: self.context,
            explain: self.explain,
            count_only: self.count,
            suggest: !self.no_suggest,
            matching: self.matching.into(),
        })
    }
}

#[derive(Args)]
struct EvalArgs {
    /// Queries: lines 'query' or 'qid<TAB>query' ('-' = stdin)
    #[arg(long, value_name = "FILE")]
    queries: PathBuf,
    /// TREC qrels: lines 'qid 0 docid grade'
    #[arg(long, value_name = "FILE")]
    qrels: PathBuf,
    #[command(flatten)]
    index: IndexArg,
    /// How many articles to rank per query
    #[arg(long, default_value_t = 100)]
    depth: usize,
    /// Print the scores as JSON
    #[arg(long)]
    json: bool,
    /// Whether results need all words of a query or any of them (headline-style queries)
    #[arg(long = "match", value_enum, default_value_t = Matching::All)]
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
    All,
    Any,
}

impl From<Matching> for MatchMode {
    fn from(matching: Matching) -> Self {
        match matching {
            Matching::All => MatchMode::All,
            Matching::Any => MatchMode::Any,
        }
    }
}

#[derive(Clone, Copy, ValueEnum)]
enum Color {
    Auto,
    Always,
    Never,
}

fn parse_analysis(s: &str) -> Result<Analysis, String> {
    s.parse()
}

fn main() -> ExitCode {
    let cli = Cli::parse();
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
            eprintln!("zoek: {err:#}");
            ExitCode::from(2)
        }
    }
}

fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.downcast_ref::<io::Error>()
        .is_some_and(|e| e.kind() == io::ErrorKind::BrokenPipe)
}

fn progress_bar() -> ProgressBar {
    if !io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
    bar.set_style(
        ProgressStyle::with_template("{spinner} indexing {pos}/{len} files {wide_bar} {eta}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    bar
}

fn run_index(args: IndexArgs) -> Result<ExitCode> {
    let progress = progress_bar();
    let printer = progress.clone();
    let options = BuildOptions {
        analysis: args.analysis,
        rebuild: args.rebuild,
        walk: WalkOptions {
            exclude: args.exclude,
        },
        on_problem: Box::new(move |severity, problem| {
            printer.suspend(|| eprintln!("zoek: {severity}: {problem}"));
        }),
        progress,
    };
    let report = index::build(&args.corpus, &args.index.dir, options)?;
    for line in report.summary() {
        eprintln!("zoek: {line}");
    }
    if let Some(path) = &args.report {
        let mut file = io::BufWriter::new(
            std::fs::File::create(path)
                .with_context(|| format!("cannot write the report {}", path.display()))?,
        );
        output::write_build_report(&mut file, &report)?;
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
fn read_queries(path: &Path) -> Result<Vec<QueryLine>> {
    let text = if path == Path::new("-") {
        let mut text = String::new();
        io::stdin()
            .read_to_string(&mut text)
            .context("cannot read queries from stdin")?;
        text
    } else {
        std::fs::read_to_string(path)
            .with_context(|| format!("cannot read queries file {}", path.display()))?
    };
    Ok(eval::parse_queries(&text))
}

/// Runs one query; a query the parser rejects is an error that names it.
fn run_query(
    index: &ZoekIndex,
    line: &QueryLine,
    options: SearchOptions,
    query_options: &QueryOptions,
) -> Result<Outcome> {
    let mut outcome = search::run(index, &line.query, options, query_options)?;
    for hit in &mut outcome.hits {
        hit.qid = Some(line.qid.clone());
    }
    Ok(outcome)
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
        None => vec![QueryLine {
            qid: "1".to_string(),
            query: args.query.join(" "),
        }],
    };
    let query_options = args.narrow.options()?;
    let index = index::open(&args.index.dir)?;
    let options = SearchOptions {
        limit: args.limit,
        per_article: args.per_article || format == Format::Trec,
        passages: format != Format::Trec,
    };
    let mut out = anstream::AutoStream::new(io::stdout().lock(), color_choice(args.color));
    let mut failed = false;
    let mut found = false;
    for line in &lines {
        let mut outcome = match run_query(&index, line, options, &query_options) {
            Ok(outcome) => outcome,
            Err(err) if batch => {
                eprintln!("zoek: query {}: {err:#}", line.qid);
                failed = true;
                continue;
            }
            Err(err) => return Err(err),
        };
        if !batch {
            outcome.hits.iter_mut().for_each(|h| h.qid = None);
        }
        found |= outcome.found();
        let qid = batch.then_some(line.qid.as_str());
        if let (Some(suggestion), Format::Human) = (&outcome.suggestion, format) {
            let prefix = qid.map(|q| format!("query {q}: ")).unwrap_or_default();
            eprintln!("{prefix}{}", output::suggestion_line(suggestion));
        }
        // Written per query, so a long batch streams.
        let mut buffer = Vec::new();
        match format {
            Format::Human => {
                if batch {
                    output::print_query_header(&mut buffer, &line.qid, &line.query)?;
                }
                output::print_notes(&mut buffer, &outcome.notes)?;
                output::print_count(&mut buffer, &outcome)?;
                output::print_human(&mut buffer, &outcome.hits)?;
            }
            Format::Json => {
                output::print_json(&mut buffer, &outcome.hits)?;
                output::print_json_summary(&mut buffer, qid, &line.query, &outcome)?;
            }
            Format::Trec => output::print_trec(&mut buffer, &line.qid, &outcome.hits)?,
        }
        out.write_all(&buffer)?;
    }
    out.flush()?;
    Ok(ExitCode::from(match (failed, found) {
        (true, _) => 2,
        (false, true) => 0,
        (false, false) => 1,
    }))
}

fn run_eval(args: EvalArgs) -> Result<ExitCode> {
    let lines = read_queries(&args.queries)?;
    let qrels_text = std::fs::read_to_string(&args.qrels)
        .with_context(|| format!("cannot read qrels file {}", args.qrels.display()))?;
    let qrels = eval::parse_qrels(&qrels_text, &args.qrels.display().to_string())?;
    let index = index::open(&args.index.dir)?;
    let options = SearchOptions {
        limit: args.depth,
        per_article: true,
        passages: false,
    };
    let query_options = QueryOptions {
        suggest: false,
        matching: args.matching.into(),
        ..QueryOptions::default()
    };
    let mut run = Run::new();
    let mut failed = false;
    for line in &lines {
        match run_query(&index, line, options, &query_options) {
            Ok(outcome) => {
                run.insert(
                    line.qid.clone(),
                    outcome
                        .hits
                        .into_iter()
                        .map(|h| (h.article_id, h.score))
                        .collect(),
                );
            }
            Err(err) => {
                eprintln!("zoek: query {}: {err:#}", line.qid);
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
    let analyzer = DutchAnalyzer::new(args.analysis);
    let mut out = io::BufWriter::new(io::stdout().lock());
    if args.terms {
        for line in io::stdin().lock().lines() {
            let line = line.context("cannot read words from stdin")?;
            writeln!(out, "{}", analyzer.terms_of_line(&line))?;
        }
    } else {
        let text = args.text.join(" ");
        output::print_tokens(&mut out, &text, &analyzer.tokens(&text), args.json)?;
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

fn run_show(args: ShowArgs) -> Result<ExitCode> {
    let index = index::open(&args.index.dir)?;
    let matchers = match &args.query {
        Some(text) => {
            query::compile(text, MatchMode::All, &index.analyzer, &index.fields)
                .map_err(|e| anyhow::anyhow!("invalid query: {e}"))?
                .matchers
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
        output::print_article_json(&mut buffer, &article)?;
    } else {
        output::print_article(&mut buffer, &article)?;
    }
    let mut out = anstream::AutoStream::new(io::stdout().lock(), color_choice(args.color));
    out.write_all(&buffer)?;
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}
