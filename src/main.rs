//! The `zoek` command line: parses arguments, runs a pipeline stage, shows progress on a
//! terminal, and maps the outcome to an exit status (0 found, 1 nothing found, 2 error) as
//! grep does. Errors are one line (a query error adds a line with a caret under the place).

use std::io::{self, BufRead, IsTerminal, Read, Write};
use std::ops::ControlFlow;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{anyhow, Context, Result};
use clap::{Args, CommandFactory, Parser, Subcommand, ValueEnum, ValueHint};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use zoek::analysis::{Analysis, DutchAnalyzer};
use zoek::corpus::{Cap, Limits, Problem, WalkOptions};
use zoek::eval::{self, Bound, QueryLine, Run};
use zoek::index::{self, BuildObserver, BuildOptions, LiveIndex, Severity, ZoekIndex};
use zoek::output::{self, json, trec, tsv};
use zoek::query::{self, filter, DateRange, Filters, MatchMode};
use zoek::search::{
    self, article, Found, GroupBy, Hit, Outcome, SearchError, SearchOptions, SortOrder, View,
};

/// What `zoek --help` adds after the commands.
const ZOEK_HELP: &str = "\
Start:
  zoek index                      index the articles in corpus/ into index/
  zoek search verkiezingsfraude   the best passages
  zoek show PATH:LINE             the whole article of a hit, as search printed it
  zoek stats                      what the index holds
  zoek serve                      a search page and a JSON API at http://127.0.0.1:8700/
  zoek check                      whether the index is sound (reads all of it)

Each command has its own help: zoek search --help teaches the query syntax.

Environment:
  ZOEK_INDEX  the index folder when --index is not given (--index wins; else index/)
  NO_COLOR    no colour unless --color always

Exit status: 0 found, 1 nothing found, 2 an error (one line on stderr, starting 'zoek:').";

/// What `zoek search --help` adds after the options: the query syntax, the exit status,
/// the environment and worked examples.
const SEARCH_HELP: &str = "\
Query syntax (every word goes through the Dutch analysis of the text):
  trump krebs                   either word; articles with both first
  brexit OR europa              either word; OR binds tighter than the implicit AND
  -twitter, NOT twitter         leave out what has the word (put -- before a query
                                that starts with -: zoek search -- -trump fraude)
  \"vorige week\"                 the exact phrase
  title:krebs, body:\"een week\"  one field only
  (brexit OR europa) handel     grouping
  verkiezingsfruade~, Rute~1    within 1 or 2 edits of the word (typos)
  verkiez*                      words that start with verkiez
  date:2019-03                  articles dated in a year, month or day
  date:[2019-03-01 TO 2019-06]  ... or a range (* for an open end)
  source:nieuwsbode             articles of a source, named by any of its words
  source:\"omroep west\"          ... or several of them together

Dates (here, --since, --until) are YYYY-MM-DD, YYYY-MM or YYYY; in the Dutch way
too: 12-03-2019, 12 maart 2019, maart 2019.

Exit status:
  0  something matched   1  nothing matched   2  an error (one line on stderr;
  a query that does not parse adds a line with a caret under the place)

Environment:
  ZOEK_INDEX  the index folder when --index is not given
  NO_COLOR    no colour unless --color always

Examples:
  The 10 best passages:
    zoek search verkiezingsfraude
  Three articles about fraud, none about Trump (-- before a word with a -):
    zoek search -n 3 --per-article fraude -- -trump
  This year's passages about the budget, newest first:
    zoek search 'begroting date:2024' --sort -date
  Each hit with the passages around it:
    zoek search -C 1 '\"vermeende verkiezingsfraude\"'
  Matching articles per year, for a spreadsheet:
    zoek search --count --by year --format tsv fraude
  The files of the hits, from the JSON Lines:
    zoek search --json krebs | jq -r 'select(.type == \"hit\") | .path'
  The whole article of a hit, as search printed its place:
    zoek show corpus/2020-11-18-trump-ontslaat-krebs.txt:23";

/// What `-h` adds (the long help has the rest).
const MORE_HELP: &str =
    "The query syntax, exit status, environment and examples: zoek search --help";

#[derive(Parser)]
#[command(
    name = "zoek",
    version,
    about = "Search Dutch news from the shell: ranked passages, highlighted, Dutch-aware",
    after_long_help = ZOEK_HELP,
    // An option given twice counts as last given, as in most tools.
    args_override_self = true
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
    #[command(after_help = MORE_HELP, after_long_help = SEARCH_HELP)]
    Search(SearchArgs),
    /// Print a whole article: by its id, or at a path:line as search prints it
    Show(ShowArgs),
    /// What the index holds: articles, passages, files, dates, sources, analysis, size
    Stats(StatsArgs),
    /// Read the whole index and say whether it is sound (changes nothing)
    Check(CheckArgs),
    /// Serve a search page and a JSON API over HTTP (on this machine only, unless
    /// --allow-remote)
    #[command(after_long_help = SERVE_HELP)]
    Serve(ServeArgs),
    /// Show the tokens the Dutch analyzer makes of a text
    Analyze(AnalyzeArgs),
    /// Score queries against relevance judgements (TREC qrels); a gate for CI
    Eval(EvalArgs),
    /// Print a shell completion script (bash, zsh, fish, powershell, elvish)
    #[command(after_long_help = COMPLETIONS_HELP)]
    Completions(CompletionsArgs),
    /// Print the man page (roff), or write all pages to a folder
    #[command(after_long_help = MAN_HELP)]
    Man(ManArgs),
}

const COMPLETIONS_HELP: &str = "\
Install:
  bash:        zoek completions bash > ~/.local/share/bash-completion/completions/zoek
  zsh:         zoek completions zsh > ~/.zfunc/_zoek   (with fpath+=~/.zfunc in ~/.zshrc)
  fish:        zoek completions fish > ~/.config/fish/completions/zoek.fish
  powershell:  zoek completions powershell >> $PROFILE";

const MAN_HELP: &str = "\
Install:
  mkdir -p ~/.local/share/man/man1 && zoek man --out ~/.local/share/man/man1
  man zoek-search";

#[derive(Args)]
struct ShowArgs {
    /// The article: its id (`article_id` in JSON output), or a PATH:LINE as search prints
    /// it (an exact id wins when the text is both)
    #[arg(value_name = "ID|PATH:LINE", required = true, num_args = 1..)]
    article: Vec<String>,
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
struct StatsArgs {
    #[command(flatten)]
    index: IndexArg,
    /// As one JSON object
    #[arg(long)]
    json: bool,
}

const SERVE_HELP: &str = "\
The page:  http://127.0.0.1:8700/
The API:   /api/search?q=…  /api/article?id=…  /api/suggest?q=…  /api/stats  /api/health
           (the JSON of zoek search --json, zoek show --json and zoek stats --json)

Searches see what 'zoek index' commits without a restart. There is no authentication:
to serve beyond this machine, put a reverse proxy with authentication in front of it
(the README says how).";

#[derive(Args)]
struct ServeArgs {
    #[command(flatten)]
    index: IndexArg,
    /// The address and port to listen on (port 0: any free port)
    #[arg(long, value_name = "ADDR:PORT", default_value = "127.0.0.1:8700")]
    bind: std::net::SocketAddr,
    /// Listen on an address other than loopback: the archive is then open to that network,
    /// without authentication
    #[arg(long)]
    allow_remote: bool,
    /// Let pages of this origin call the API from a browser (CORS), e.g.
    /// https://redactie.example.nl
    #[arg(long, value_name = "ORIGIN")]
    allow_origin: Option<String>,
}

#[derive(Args)]
struct CheckArgs {
    #[command(flatten)]
    index: IndexArg,
}

#[derive(Args)]
struct CompletionsArgs {
    /// The shell
    #[arg(value_enum)]
    shell: clap_complete::Shell,
}

#[derive(Args)]
struct ManArgs {
    /// The page of this command (zoek-search(1) for 'search'); else zoek(1)
    command: Option<String>,
    /// Write every page (zoek.1, zoek-search.1, …) into this folder instead
    #[arg(long, value_name = "DIR", value_hint = ValueHint::DirPath, conflicts_with = "command")]
    out: Option<PathBuf>,
}

#[derive(Args)]
struct AnalyzeArgs {
    /// The text to analyze (read from standard input when none is given)
    #[arg(conflicts_with = "terms")]
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
    #[arg(default_value = "corpus", value_hint = ValueHint::DirPath)]
    corpus: PathBuf,
    #[command(flatten)]
    index: IndexArg,
    /// How much Dutch analysis to apply (a new index: full; an existing one keeps its own,
    /// and another needs --rebuild)
    #[arg(long, value_enum)]
    analysis: Option<AnalysisArg>,
    /// Rebuild the whole index instead of processing only changed files
    #[arg(long)]
    rebuild: bool,
    /// Leave out files matching a gitignore-style pattern (repeatable)
    #[arg(long, value_name = "GLOB")]
    exclude: Vec<String>,
    /// Write one JSON line per skipped, failed or warned-about item to FILE
    #[arg(long, value_name = "FILE", value_hint = ValueHint::FilePath)]
    report: Option<PathBuf>,
    /// Exit 2 after the run if any file or record failed (now or, unchanged, before)
    #[arg(long)]
    strict: bool,
    /// Follow links whose target lies outside the corpus folder (skipped by default)
    #[arg(long)]
    follow_outside: bool,
    /// The largest article read, in MB: a JSON record or a .md/.txt/.html file
    #[arg(long, value_name = "MB", default_value_t = 16, value_parser = clap::value_parser!(u64).range(1..))]
    max_record_mb: u64,
    /// The largest .json file read (it is parsed whole), in MB after decompression
    #[arg(long, value_name = "MB", default_value_t = 256, value_parser = clap::value_parser!(u64).range(1..))]
    max_file_mb: u64,
    /// First verify every file of the index against its checksum; rebuild if one is damaged
    #[arg(long)]
    repair: bool,
    /// No progress, summary or warnings; only errors
    #[arg(short, long)]
    quiet: bool,
}

#[derive(Args)]
struct IndexArg {
    /// Folder of the index [default: $ZOEK_INDEX, else index]
    #[arg(long = "index", value_name = "DIR", value_hint = ValueHint::DirPath)]
    dir: Option<PathBuf>,
}

/// The variable that names the index when `--index` does not.
const INDEX_VARIABLE: &str = "ZOEK_INDEX";

impl IndexArg {
    /// The index folder: `--index`, else `ZOEK_INDEX` (when set and not empty), else
    /// `index`.
    fn path(&self) -> PathBuf {
        self.named().unwrap_or_else(|| PathBuf::from("index"))
    }

    /// The index folder `--index` or `ZOEK_INDEX` names, if any.
    fn named(&self) -> Option<PathBuf> {
        self.dir.clone().or_else(|| {
            std::env::var_os(INDEX_VARIABLE)
                .filter(|v| !v.is_empty())
                .map(PathBuf::from)
        })
    }

    /// Opens the index, saying how to name another one when none was named, and what to
    /// do about a damaged one.
    fn open(&self) -> Result<ZoekIndex> {
        index::open(&self.path()).map_err(|err| self.open_error(err))
    }

    /// Opens the index to follow its commits (`zoek serve`), with [`Self::open`]'s errors.
    fn open_live(&self) -> Result<LiveIndex> {
        LiveIndex::open(&self.path()).map_err(|err| self.open_error(err))
    }

    fn open_error(&self, err: index::IndexError) -> anyhow::Error {
        match err {
            index::IndexError::Missing { .. } if self.named().is_none() => {
                anyhow!("{err}, or name an index elsewhere with --index DIR or ZOEK_INDEX")
            }
            other => index_error(other),
        }
    }
}

#[derive(Args)]
struct SearchArgs {
    /// The query: words (the more of them an article holds, the better), OR, -word,
    /// NOT word, "a phrase", field:word, word~, prefix*, date:…, source:… (zoek search
    /// --help shows each)
    #[arg(required_unless_present = "queries", conflicts_with = "queries")]
    query: Vec<String>,
    /// Run every query in FILE ('-' = stdin): lines 'query' or 'qid<TAB>query'
    #[arg(long, value_name = "FILE", value_hint = ValueHint::FilePath)]
    queries: Option<PathBuf>,
    #[command(flatten)]
    index: IndexArg,
    /// How many passages to print (articles with --per-article or --format trec)
    #[arg(short = 'n', long, default_value_t = 10)]
    limit: usize,
    /// Pass over the N best first: --offset 10 -n 10 prints the 11th to the 20th (paging)
    #[arg(long, value_name = "N", default_value_t = 0)]
    offset: usize,
    /// Output format (the last of --format and --json counts)
    #[arg(long, value_enum, default_value_t = Format::Human, overrides_with = "json")]
    format: Format,
    /// Short for --format json
    #[arg(long, overrides_with = "format")]
    json: bool,
    /// Only the best passage of each article
    #[arg(long)]
    per_article: bool,
    /// Print nothing; the exit status says whether anything matched
    #[arg(short, long)]
    quiet: bool,
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
    /// Only articles dated on or after DATE (YYYY-MM-DD, YYYY-MM, YYYY, 12-03-2019,
    /// 12 maart 2019, maart 2019)
    #[arg(long, value_name = "DATE")]
    since: Option<String>,
    /// Only articles dated on or before DATE (a month or year counts to its end)
    #[arg(long, value_name = "DATE")]
    until: Option<String>,
    /// Only articles from this source, named by any of its words (repeat for any of several)
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
    /// Print only how many articles match
    #[arg(long)]
    count: bool,
    /// Count the matching articles per month, year or source (implies --count)
    #[arg(long, value_enum, value_name = "PERIOD|source")]
    by: Option<By>,
    /// Do not suggest corrections when the query finds little
    #[arg(long)]
    no_suggest: bool,
    /// How the words of the query combine
    #[arg(long = "match", value_enum, default_value_t = Matching::Ranked)]
    matching: Matching,
    /// Add the words that the best articles share to the query and rank again (pseudo-
    /// relevance feedback; about 1.6 times slower; plain words in the default match only)
    #[arg(long)]
    feedback: bool,
}

#[derive(Clone, Copy, ValueEnum)]
enum By {
    Month,
    Year,
    Source,
}

impl From<By> for GroupBy {
    fn from(by: By) -> Self {
        match by {
            By::Month => GroupBy::Month,
            By::Year => GroupBy::Year,
            By::Source => GroupBy::Source,
        }
    }
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
    /// Rank with pseudo-relevance feedback, as 'zoek search --feedback'
    #[arg(long)]
    feedback: bool,
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
    /// Tab-separated, with a header line
    Tsv,
}

#[derive(Clone, Copy, ValueEnum)]
enum Matching {
    /// Any word finds an article; those holding more of the query, its rare words, close
    /// together and early rank first (phrases, OR, fuzzy words and prefixes: all)
    Ranked,
    /// Every word is required in the article, ranked by BM25 alone; every passage with a
    /// match is listed
    All,
    /// Any word finds an article, ranked by BM25 alone; every passage with a match is listed
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
        Err(err)
            if err.kind() == clap::error::ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand =>
        {
            let commands: Vec<String> = Cli::command()
                .get_subcommands()
                .map(|c| c.get_name().to_string())
                .collect();
            eprintln!(
                "zoek: a command is needed: {} (zoek --help says more)",
                commands.join(", ")
            );
            return ExitCode::from(2);
        }
        Err(err) => {
            eprintln!("zoek: {}", argument_error(&err));
            return ExitCode::from(2);
        }
    };
    let outcome = match cli.command {
        Command::Index(args) => run_index(args),
        // A panic inside tantivy (a damaged segment file) ends as one line.
        Command::Search(args) => {
            let dir = args.index.path();
            guarded(&dir, || run_search(args))
        }
        Command::Eval(args) => {
            let dir = args.index.path();
            guarded(&dir, || run_eval(args))
        }
        Command::Show(args) => {
            let dir = args.index.path();
            guarded(&dir, || run_show(args))
        }
        Command::Stats(args) => {
            let dir = args.index.path();
            guarded(&dir, || run_stats(args))
        }
        Command::Check(args) => {
            let dir = args.index.path();
            guarded(&dir, || run_check(args))
        }
        Command::Serve(args) => run_serve(args),
        Command::Analyze(args) => run_analyze(args),
        Command::Completions(args) => run_completions(args),
        Command::Man(args) => run_man(args),
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

/// Shows a build's progress on a terminal (bytes read, with the rate and the time left) and
/// its problems as they come (only errors when quiet).
struct Progress {
    bar: ProgressBar,
    quiet: bool,
}

impl Progress {
    fn new(quiet: bool) -> Self {
        if quiet || !io::stderr().is_terminal() {
            return Progress {
                bar: ProgressBar::hidden(),
                quiet,
            };
        }
        let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
        bar.set_style(
            ProgressStyle::with_template(
                "{spinner} indexing {bytes}/{total_bytes} {wide_bar} {bytes_per_sec} {eta}",
            )
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        bar.enable_steady_tick(std::time::Duration::from_millis(200));
        Progress { bar, quiet }
    }
}

impl BuildObserver for Progress {
    fn planned(&mut self, _files: u64, bytes: u64) {
        self.bar.set_length(bytes);
    }

    fn progress(&mut self, bytes: u64) {
        self.bar.inc(bytes);
    }

    fn problem(&mut self, severity: Severity, problem: &Problem) {
        if self.quiet && severity == Severity::Warning {
            return;
        }
        let mut line = output::problem_line(severity, problem);
        match problem.cap {
            Some(Cap::Record) => line.push_str(" (raise the cap with --max-record-mb)"),
            Some(Cap::File) => line.push_str(" (raise the cap with --max-file-mb)"),
            None => {}
        }
        self.bar.suspend(|| eprintln!("zoek: {line}"));
    }
}

/// The analysis a build uses: the one asked for, else the existing index's own, else
/// `full`. Another than the index's needs `--rebuild`: a different analysis means a whole
/// new index, which is not done unasked.
fn build_analysis(args: &IndexArgs, dir: &Path) -> Result<Analysis> {
    let recorded =
        index::recorded_meta(dir).and_then(|meta| meta.analysis.parse::<Analysis>().ok());
    match (args.analysis.map(Analysis::from), recorded) {
        (Some(asked), Some(has)) if asked != has && !args.rebuild => anyhow::bail!(
            "the index at {}/ was built with the {} analysis; add --rebuild to rebuild it with {} (or leave out --analysis to keep {})",
            dir.display().to_string().trim_end_matches('/'),
            has.name(),
            asked.name(),
            has.name()
        ),
        (Some(asked), _) => Ok(asked),
        (None, Some(has)) => Ok(has),
        (None, None) => Ok(Analysis::Full),
    }
}

fn run_index(args: IndexArgs) -> Result<ExitCode> {
    let dir = args.index.path();
    let options = BuildOptions {
        analysis: build_analysis(&args, &dir)?,
        rebuild: args.rebuild,
        repair: args.repair,
        walk: WalkOptions {
            exclude: args.exclude,
            follow_outside: args.follow_outside,
            index_folder: None,
        },
        limits: Limits {
            record_bytes: args.max_record_mb.saturating_mul(1 << 20),
            file_bytes: args.max_file_mb.saturating_mul(1 << 20),
        },
    };
    let mut progress = Progress::new(args.quiet);
    let report =
        index::build(&args.corpus, &dir, &options, &mut progress).map_err(|err| match err {
            index::IndexError::Corpus(zoek::corpus::CorpusError::BadPattern { .. }) => {
                anyhow!("--exclude: {err}")
            }
            other => other.into(),
        });
    progress.bar.finish_and_clear();
    let report = report?;
    // A failure remembered from an earlier run is an error still: said on every run, quiet
    // or not, like the failures read this time.
    for problem in &report.unchanged_failures {
        eprintln!(
            "zoek: {} (unchanged since an earlier run)",
            output::problem_line(Severity::Error, problem)
        );
    }
    if !args.quiet {
        for line in output::build_summary(&report) {
            eprintln!("zoek: {line}");
        }
    }
    if let Some(path) = &args.report {
        let mut file = io::BufWriter::new(
            std::fs::File::create(path)
                .with_context(|| format!("cannot write the report {}", path.display()))?,
        );
        json::print_build_report(&mut file, &report)?;
        file.flush()?;
    }
    // Failures an earlier run found in files that did not change count too.
    let failed = report.failures.len() + report.unchanged_failures.len();
    Ok(if args.strict && failed > 0 {
        eprintln!(
            "zoek: --strict: {} failed",
            match failed {
                1 => "1 file or record".to_string(),
                n => format!("{n} files or records"),
            }
        );
        ExitCode::from(2)
    } else {
        ExitCode::SUCCESS
    })
}

/// `zoek check`: the whole index read, the verdict printed; exit 1 when it is damaged.
fn run_check(args: CheckArgs) -> Result<ExitCode> {
    let dir = args.index.path();
    let verdict = index::open::check(&dir).map_err(index_error)?;
    let mut out = io::stdout().lock();
    for line in output::check_lines(&dir, &verdict) {
        writeln!(out, "{line}")?;
    }
    if !verdict.damage.is_empty() {
        writeln!(
            out,
            "  'zoek index --repair' (or --rebuild) builds it again from the corpus"
        )?;
    }
    out.flush()?;
    Ok(if verdict.damage.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// An index error as shown: one that a rebuild cures says to run it.
fn index_error(err: index::IndexError) -> anyhow::Error {
    let damage = err.is_damage();
    let text = message(&anyhow::Error::from(err));
    if damage && !text.contains("'zoek index") {
        anyhow!("{text}; run 'zoek index --rebuild'")
    } else {
        anyhow!("{text}")
    }
}

/// Runs `work` on the index in `dir` so that a panic inside tantivy (a damaged segment
/// file) ends as one line saying what to do rather than a backtrace.
fn guarded<T>(dir: &Path, work: impl FnOnce() -> Result<T>) -> Result<T> {
    use std::sync::{Arc, Mutex};
    let caught: Arc<Mutex<Option<String>>> = Arc::default();
    let hook_caught = Arc::clone(&caught);
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let text = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "a panic".to_string());
        if let Ok(mut slot) = hook_caught.lock() {
            slot.get_or_insert(text);
        }
    }));
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(work));
    std::panic::set_hook(previous);
    match outcome {
        Ok(result) => result,
        Err(_) => {
            let why = caught
                .lock()
                .ok()
                .and_then(|mut slot| slot.take())
                .unwrap_or_else(|| "a panic".to_string());
            Err(damaged(dir, &why))
        }
    }
}

/// What went wrong reading a committed index: it is damaged.
fn damaged(dir: &Path, why: &str) -> anyhow::Error {
    anyhow!(output::damaged_index(dir, why))
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
    let quiet = args.quiet;
    let batch = args.queries.is_some();
    let lines = match &args.queries {
        Some(path) => read_queries(path)?,
        None => vec![Ok(QueryLine {
            qid: "1".to_string(),
            query: args.query.join(" "),
        })],
    };
    let narrow = &args.narrow;
    let view = if narrow.count || narrow.by.is_some() {
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
        offset: args.offset,
        view,
        filters: narrow.filters()?,
        sort: narrow.sort.into(),
        context: narrow.context,
        explain: narrow.explain,
        // TREC and TSV lines have no place for a suggestion: none is looked for.
        suggest: !narrow.no_suggest && matches!(format, Format::Human | Format::Json),
        matching: narrow.matching.into(),
        group_by: narrow.by.map(GroupBy::from),
        feedback: narrow.feedback,
    };
    let index = args.index.open()?;
    // On a terminal each line goes out as it is printed; elsewhere in blocks (a write for
    // every line was a tenth of a one-shot search's system calls), flushed as each query
    // ends, so that a query's lines stay in order with the notes and errors on stderr.
    let stdout = io::stdout();
    let sink: Box<dyn Write> = if stdout.is_terminal() {
        Box::new(stdout.lock())
    } else {
        Box::new(io::BufWriter::new(stdout.lock()))
    };
    let mut out = anstream::AutoStream::new(sink, color_choice(args.color));
    let mut failed = false;
    let mut found = false;
    let mut header = true;
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
        let qid = batch.then_some(line.qid.as_str());
        // Hits are printed as they are loaded, so a huge -n holds one at a time; what comes
        // before them (stderr lines, a batch header, notes) is printed with the first.
        let mut printer = QueryPrinter {
            format,
            qid,
            line,
            header,
            started: false,
            hits: 0,
            error: None,
        };
        let searched = search::run_streamed(&index, &line.query, &options, &mut |outcome, hit| {
            if quiet {
                // The exit status needs no more than the first.
                return ControlFlow::Break(());
            }
            match printer.hit(&mut out, outcome, &hit) {
                Ok(()) => ControlFlow::Continue(()),
                Err(err) => {
                    printer.error = Some(err);
                    ControlFlow::Break(())
                }
            }
        });
        if let Some(err) = printer.error.take() {
            return Err(err.into());
        }
        let outcome = match searched {
            Ok(outcome) => outcome,
            Err(SearchError::Index(err)) => {
                out.flush()?;
                return Err(damaged(&args.index.path(), &err.to_string()));
            }
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
        if quiet {
            continue;
        }
        printer.finish(&mut out, &outcome)?;
        out.flush()?;
        header = false;
    }
    out.flush()?;
    Ok(ExitCode::from(match (failed, found) {
        (true, _) => 2,
        (false, true) => 0,
        (false, false) => 1,
    }))
}

/// Prints one query's outcome: what comes before its hits, each hit as it is loaded, then
/// what follows them.
struct QueryPrinter<'a> {
    format: Format,
    qid: Option<&'a str>,
    line: &'a QueryLine,
    /// Whether this is the first query (a TSV header is printed once).
    header: bool,
    started: bool,
    hits: usize,
    error: Option<io::Error>,
}

impl QueryPrinter<'_> {
    /// Notes on stderr, the batch header, the notes and the TSV header, once.
    fn start(&mut self, out: &mut impl Write, outcome: &Outcome) -> io::Result<()> {
        if std::mem::replace(&mut self.started, true) {
            return Ok(());
        }
        let prefix = self.qid.map(|q| format!("query {q}: ")).unwrap_or_default();
        for warning in &outcome.warnings {
            eprintln!("zoek: {prefix}note: {warning}");
        }
        if let (Some(suggestion), Format::Human) = (&outcome.suggestion, self.format) {
            eprintln!("zoek: {prefix}{}", output::suggestion_line(suggestion));
        }
        match self.format {
            Format::Human => {
                if let Some(qid) = self.qid {
                    output::print_query_header(out, qid, &self.line.query)?;
                }
                output::print_notes(out, &outcome.notes)
            }
            Format::Tsv if self.header && matches!(outcome.found, Found::Streamed(_)) => {
                tsv::print_hits_header(out, self.qid)
            }
            Format::Tsv | Format::Json | Format::Trec => Ok(()),
        }
    }

    fn hit(&mut self, out: &mut impl Write, outcome: &Outcome, hit: &Hit) -> io::Result<()> {
        self.start(out, outcome)?;
        let first = self.hits == 0;
        self.hits += 1;
        match self.format {
            Format::Human => output::print_hit(out, hit, first),
            Format::Json => json::print_hit(out, self.qid, hit),
            Format::Tsv => tsv::print_hit(out, self.qid, hit),
            Format::Trec => Ok(()),
        }
    }

    /// What follows the hits: counts, groups, a TREC run, the JSON summary line.
    fn finish(&mut self, out: &mut impl Write, outcome: &Outcome) -> io::Result<()> {
        self.start(out, outcome)?;
        let (qid, header) = (self.qid, self.header);
        match self.format {
            Format::Human => match &outcome.found {
                Found::Count(count) => output::print_count(out, count),
                Found::Groups(groups) => output::print_groups(out, groups),
                Found::Hits(_) | Found::Streamed(_) | Found::Articles(_) => Ok(()),
            },
            Format::Json => json::print_outcome(out, qid, &self.line.query, outcome),
            Format::Trec => match &outcome.found {
                Found::Articles(articles) => trec::print_run(out, &self.line.qid, articles),
                Found::Count(count) => output::print_count(out, count),
                Found::Groups(groups) => output::print_groups(out, groups),
                Found::Hits(_) | Found::Streamed(_) => Ok(()),
            },
            Format::Tsv => match &outcome.found {
                Found::Count(count) => tsv::print_count(out, qid, count, header),
                Found::Groups(groups) => tsv::print_groups(out, qid, groups, header),
                Found::Hits(_) | Found::Streamed(_) | Found::Articles(_) => Ok(()),
            },
        }
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
    let index = args.index.open()?;
    let options = SearchOptions {
        limit: args.depth,
        view: View::Articles,
        suggest: false,
        matching: args.matching.into(),
        feedback: args.feedback,
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
            Err(SearchError::Index(err)) => {
                return Err(damaged(&args.index.path(), &err.to_string()))
            }
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
        let text = if args.text.is_empty() {
            if io::stdin().is_terminal() {
                anyhow::bail!("no text to analyze: give it as arguments or on standard input");
            }
            let mut text = String::new();
            io::stdin()
                .read_to_string(&mut text)
                .context("cannot read the text from stdin")?;
            text
        } else {
            args.text.join(" ")
        };
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
    let index: ZoekIndex = args.index.open()?;
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
    // The words of a pasted place (`path:line, passage 3`) arrive as several arguments.
    let reference = args.article.join(" ");
    let found = article::find(&index, &reference, &matchers)
        .map_err(|err| damaged(&args.index.path(), &err.to_string()))?;
    let Some((article, _)) = found else {
        anyhow::bail!(output::no_article(&reference));
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

fn run_stats(args: StatsArgs) -> Result<ExitCode> {
    let index = args.index.open()?;
    let stats = index::stats(&index)?;
    let shown = args.index.path().display().to_string();
    let mut out = io::BufWriter::new(io::stdout().lock());
    if args.json {
        json::print_stats(&mut out, &shown, &stats)?;
    } else {
        output::print_stats(&mut out, &shown, &stats)?;
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

fn run_serve(args: ServeArgs) -> Result<ExitCode> {
    let remote = !args.bind.ip().is_loopback();
    if remote && !args.allow_remote {
        anyhow::bail!(
            "--bind {}: not a loopback address; add --allow-remote to open the archive to that network (there is no authentication: put a reverse proxy with authentication in front, README \"Serving\")",
            args.bind
        );
    }
    let live = args.index.open_live()?;
    let server = zoek::serve::Server::bind(live, args.bind, args.allow_origin.as_deref())
        .with_context(|| format!("cannot listen on {}", args.bind))?;
    let addr = server.local_addr()?;
    if remote {
        eprintln!(
            "zoek: warning: listening on {addr}: anyone who reaches this machine on that network can read the whole archive (there is no authentication; put a reverse proxy with authentication in front)"
        );
    }
    eprintln!(
        "zoek: serving {} at http://{addr}/ (Ctrl-C stops)",
        output::shown_folder(&args.index.path())
    );
    server.run()?;
    Ok(ExitCode::SUCCESS)
}

fn run_completions(args: CompletionsArgs) -> Result<ExitCode> {
    // Into a buffer first: clap_complete panics when its writer fails (a closed pipe).
    let mut buffer = Vec::new();
    clap_complete::generate(args.shell, &mut Cli::command(), "zoek", &mut buffer);
    let mut out = io::stdout().lock();
    out.write_all(&buffer)?;
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

fn run_man(args: ManArgs) -> Result<ExitCode> {
    let command = Cli::command();
    if let Some(dir) = &args.out {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
        clap_mangen::generate_to(command, dir)
            .with_context(|| format!("cannot write the man pages into {}", dir.display()))?;
        return Ok(ExitCode::SUCCESS);
    }
    let page = match &args.command {
        None => command,
        Some(name) => {
            let mut command = command;
            command.build();
            let Some(sub) = command.find_subcommand(name) else {
                anyhow::bail!(
                    "no command '{name}': the commands are {}",
                    command
                        .get_subcommands()
                        .map(|c| c.get_name())
                        .filter(|n| *n != "help")
                        .collect::<Vec<_>>()
                        .join(", ")
                );
            };
            // clap names commands with static strings; this process prints one page and ends.
            let name: &'static str = Box::leak(format!("zoek-{}", sub.get_name()).into_boxed_str());
            sub.clone().name(name).version(env!("CARGO_PKG_VERSION"))
        }
    };
    let mut buffer = Vec::new();
    clap_mangen::Man::new(page).render(&mut buffer)?;
    let mut out = io::stdout().lock();
    out.write_all(&buffer)?;
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}
