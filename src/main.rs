//! The `zoek` command line: parses arguments, runs a pipeline stage, maps the outcome to an
//! exit status (0 found, 1 nothing found, 2 error) as grep does.

use std::io::{self, IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Result;
use clap::{Parser, Subcommand, ValueEnum};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use zoek::analysis::Analysis;
use zoek::index::{self, BuildOptions};
use zoek::output;
use zoek::query;
use zoek::search::{self, SearchOptions};

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
    },
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
        } => run_search(
            &query.join(" "),
            index,
            SearchOptions { limit, per_article },
            json,
            color,
        ),
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
    json: bool,
    color: Color,
) -> Result<ExitCode> {
    let index = index::open(&index_dir)?;
    let compiled = query::compile(query_text, &index.analyzer, &index.fields)
        .map_err(|e| anyhow::anyhow!("invalid query: {e}"))?;
    let hits = search::search(&index, &compiled, options)?;
    let stdout = io::stdout().lock();
    if json {
        let mut out = io::BufWriter::new(stdout);
        output::print_json(&mut out, &hits)?;
        out.flush()?;
    } else {
        let choice = match color {
            Color::Auto => anstream::AutoStream::choice(&io::stdout()),
            Color::Always => anstream::ColorChoice::Always,
            Color::Never => anstream::ColorChoice::Never,
        };
        // Styled into a buffer, then written once through the stream that keeps or strips
        // the styles.
        let mut styled = Vec::new();
        output::print_human(&mut styled, &hits)?;
        let mut out = anstream::AutoStream::new(stdout, choice);
        out.write_all(&styled)?;
        out.flush()?;
    }
    Ok(if hits.is_empty() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
