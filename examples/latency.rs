//! Latency of one query in its variants (plain, date filter, source filter, fuzzy, prefix,
//! a misspelling that triggers a suggestion), measured in-process through `search::run`,
//! the whole of one query: parsing, compiling, expanding, ranking, loading and
//! highlighting the hits, suggesting.
//!
//! ```sh
//! cargo run --release --example latency -- --index /tmp/s100k/index --runs 31
//! ```
//!
//! Prints the median (and min/max) of each variant in milliseconds and its ratio to the plain
//! query. Options (defaults fit the synthetic corpus of `synth.py`): `--query`, `--since`,
//! `--until`, `--source`, `--fuzzy`, `--prefix`, `--typo`, `--limit`.

use std::path::PathBuf;
use std::time::Instant;

use anyhow::{bail, Context, Result};
use zoek::index;
use zoek::query::{filter, DateRange, Filters};
use zoek::search::{self, SearchOptions};

struct Args {
    index: PathBuf,
    runs: usize,
    limit: usize,
    query: String,
    since: String,
    until: String,
    source: String,
    fuzzy: String,
    prefix: String,
    typo: String,
}

fn args() -> Result<Args> {
    let mut args = Args {
        index: PathBuf::from("index"),
        runs: 31,
        limit: 10,
        query: "gemeente".into(),
        since: "2019".into(),
        until: "2019".into(),
        source: "synth:dpgmedia2019".into(),
        fuzzy: "gemeemte~".into(),
        prefix: "gemeent*".into(),
        typo: "gemeemte".into(),
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let value = it.next().with_context(|| format!("{flag} needs a value"))?;
        match flag.as_str() {
            "--index" => args.index = value.into(),
            "--runs" => args.runs = value.parse()?,
            "--limit" => args.limit = value.parse()?,
            "--query" => args.query = value,
            "--since" => args.since = value,
            "--until" => args.until = value,
            "--source" => args.source = value,
            "--fuzzy" => args.fuzzy = value,
            "--prefix" => args.prefix = value,
            "--typo" => args.typo = value,
            other => bail!("unknown option {other}"),
        }
    }
    Ok(args)
}

fn main() -> Result<()> {
    let args = args()?;
    let index = index::open(&args.index)?;
    let plain = SearchOptions {
        limit: args.limit,
        ..SearchOptions::default()
    };
    let dated = SearchOptions {
        filters: Filters {
            date: DateRange::between(
                Some(filter::parse_period(&args.since)?),
                Some(filter::parse_period(&args.until)?),
            )?,
            sources: Vec::new(),
        },
        ..plain.clone()
    };
    let sourced = SearchOptions {
        filters: Filters {
            date: None,
            sources: vec![args.source.clone()],
        },
        ..plain.clone()
    };
    let since_until = format!("--since {} --until {}", args.since, args.until);
    let source = format!("--source {}", args.source);
    let variants: Vec<(&str, String, &SearchOptions)> = vec![
        ("plain", args.query.clone(), &plain),
        (
            "date filter",
            format!("{} {since_until}", args.query),
            &dated,
        ),
        (
            "source filter",
            format!("{} {source}", args.query),
            &sourced,
        ),
        ("fuzzy", args.fuzzy.clone(), &plain),
        ("prefix", args.prefix.clone(), &plain),
        ("suggestion", args.typo.clone(), &plain),
    ];
    println!(
        "{} passages; {} runs each, -n {}",
        index.searcher().num_docs(),
        args.runs,
        args.limit
    );
    println!(
        "{:<14} {:<50} {:>6} {:>9} {:>9} {:>9} {:>7}",
        "variant", "query", "hits", "median ms", "min ms", "max ms", "ratio"
    );
    let mut plain_median = None;
    for (name, shown, options) in variants {
        let text = shown.split(" --").next().unwrap_or_default().to_string();
        // One run to warm the page cache, not counted.
        let first = search::run(&index, &text, options)?;
        let mut times = Vec::with_capacity(args.runs);
        for _ in 0..args.runs {
            let started = Instant::now();
            let outcome = search::run(&index, &text, options)?;
            times.push(started.elapsed().as_secs_f64() * 1000.0);
            std::hint::black_box(outcome);
        }
        times.sort_by(f64::total_cmp);
        let median = times[times.len() / 2];
        let ratio = median / *plain_median.get_or_insert(median);
        let note = first
            .suggestion
            .as_ref()
            .map(|s| format!("  → did you mean: {}?", s.query))
            .unwrap_or_default();
        println!(
            "{name:<14} {shown:<50} {:>6} {median:>9.2} {:>9.2} {:>9.2} {ratio:>6.2}x{note}",
            first.len(),
            times[0],
            times[times.len() - 1],
        );
    }
    Ok(())
}
