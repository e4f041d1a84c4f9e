//! The `zoek` command line: parses arguments, runs a pipeline stage, maps the outcome to an
//! exit status (0 found, 1 nothing found, 2 error) as grep does.

use std::io::{self, IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Result;
use clap::{Args, Parser, Subcommand, ValueEnum};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use zoek::analysis::Analysis;
use zoek::article;
use zoek::filter::Filters;
use zoek::index::{self, BuildOptions};
use zoek::output;
use zoek::query;
use zoek::search::{self, QueryOptions, SearchOptions};

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
    /// Index a folder of articles (.md, .txt, .jsonl)
    Index {
        /// Folder of articles
        #[arg(default_value = "corpus")]
        corpus: PathBuf,
        /// Folder of the index
        #[arg(long, default_value = "index")]
        index: PathBuf,
        /// How much Dutch analysis to apply (plain: no stemming)
        #[arg(long, default_value = "stemmed", value_parser = parse_analysis)]
        analysis: Analysis,
    },
    /// Search the index and print the best passages
    Search {
        /// The query: words (all required), OR, -word, NOT word, "a phrase", title:word
        #[arg(required = true)]
        query: Vec<String>,
        /// Folder of the index
        #[arg(long, default_value = "index")]
        index: PathBuf,
        /// How many passages to print
        #[arg(short = 'n', long, default_value_t = 10)]
        limit: usize,
        /// One JSON object per hit per line
        #[arg(long)]
        json: bool,
        /// Only the best passage of each article
        #[arg(long)]
        per_article: bool,
        /// When to colour the output
        #[arg(long, value_enum, default_value_t = Color::Auto)]
        color: Color,
        #[command(flatten)]
        narrow: QueryArgs,
    },
    /// Print a whole article with its metadata
    Show {
        /// The article's id (`article_id` in the JSON output)
        article_id: String,
        /// Folder of the index
        #[arg(long, default_value = "index")]
        index: PathBuf,
        /// The article as one JSON object
        #[arg(long)]
        json: bool,
        /// Highlight this query's matches
        #[arg(long, value_name = "QUERY")]
        query: Option<String>,
        /// When to colour the output
        #[arg(long, value_enum, default_value_t = Color::Auto)]
        color: Color,
    },
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
        })
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
    match run(cli) {
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

fn run(cli: Cli) -> Result<ExitCode> {
    match cli.command {
        Command::Index {
            corpus,
            index,
            analysis,
        } => run_index(corpus, index, analysis),
        Command::Search {
            query,
            index,
            limit,
            json,
            per_article,
            color,
            narrow,
        } => run_search(
            &query.join(" "),
            index,
            SearchOptions { limit, per_article },
            narrow.options()?,
            json,
            color,
        ),
        Command::Show {
            article_id,
            index,
            json,
            query,
            color,
        } => run_show(&article_id, index, query.as_deref(), json, color),
    }
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

fn run_index(corpus: PathBuf, index_dir: PathBuf, analysis: Analysis) -> Result<ExitCode> {
    let progress = progress_bar();
    let printer = progress.clone();
    let report = index::build(
        &corpus,
        &index_dir,
        BuildOptions {
            analysis,
            on_problem: Box::new(move |kind, problem| {
                printer.suspend(|| eprintln!("zoek: {kind}: {problem}"));
            }),
            progress,
        },
    )?;
    for line in report.summary() {
        eprintln!("zoek: {line}");
    }
    Ok(ExitCode::SUCCESS)
}

fn run_search(
    query_text: &str,
    index_dir: PathBuf,
    options: SearchOptions,
    narrow: QueryOptions,
    json: bool,
    color: Color,
) -> Result<ExitCode> {
    let index = index::open(&index_dir)?;
    let outcome = search::run(&index, query_text, options, &narrow)?;
    if let (Some(suggestion), false) = (&outcome.suggestion, json) {
        eprintln!("{}", output::suggestion_line(suggestion));
    }
    let stdout = io::stdout().lock();
    if json {
        let mut out = io::BufWriter::new(stdout);
        output::print_json(&mut out, &outcome.hits)?;
        output::print_json_summary(&mut out, query_text, &outcome)?;
        out.flush()?;
    } else {
        // Styled into a buffer, then written once through the stream that keeps or strips
        // the styles.
        let mut styled = Vec::new();
        output::print_notes(&mut styled, &outcome.notes)?;
        output::print_count(&mut styled, &outcome)?;
        output::print_human(&mut styled, &outcome.hits)?;
        write_styled(stdout, &styled, color)?;
    }
    Ok(if outcome.found() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

fn write_styled(stdout: io::StdoutLock<'static>, styled: &[u8], color: Color) -> Result<()> {
    let choice = match color {
        Color::Auto => anstream::AutoStream::choice(&io::stdout()),
        Color::Always => anstream::ColorChoice::Always,
        Color::Never => anstream::ColorChoice::Never,
    };
    let mut out = anstream::AutoStream::new(stdout, choice);
    out.write_all(styled)?;
    out.flush()?;
    Ok(())
}

fn run_show(
    article_id: &str,
    index_dir: PathBuf,
    query_text: Option<&str>,
    json: bool,
    color: Color,
) -> Result<ExitCode> {
    let index = index::open(&index_dir)?;
    let matchers = match query_text {
        Some(text) => {
            query::compile(text, &index.analyzer, &index.fields)
                .map_err(|e| anyhow::anyhow!("invalid query: {e}"))?
                .matchers
        }
        None => Vec::new(),
    };
    let Some(article) = article::load(&index, article_id, &matchers)? else {
        anyhow::bail!(
            "no article '{article_id}' in the index; ids are in the search output (article_id)"
        );
    };
    let stdout = io::stdout().lock();
    if json {
        let mut out = io::BufWriter::new(stdout);
        output::print_article_json(&mut out, &article)?;
        out.flush()?;
    } else {
        let mut styled = Vec::new();
        output::print_article(&mut styled, &article)?;
        write_styled(stdout, &styled, color)?;
    }
    Ok(ExitCode::SUCCESS)
}
