//! Tab-separated output (`--format tsv`), for spreadsheets, R and `cut`: a header line, then
//! one row per hit, per count or per group. Tabs and line breaks inside a value become
//! spaces; a missing value is empty. In batch mode the first column is the query's id.

use std::io::{self, Write};

use super::words::{group_by_name, group_key_value};
use crate::search::{Count, Groups, Hit};

/// A value made safe for a TSV cell.
fn cell(value: &str) -> String {
    value.replace(['\t', '\n', '\r'], " ")
}

fn row(out: &mut impl Write, qid: Option<&str>, cells: &[String]) -> io::Result<()> {
    let mut line = String::new();
    if let Some(qid) = qid {
        line.push_str(&cell(qid));
        line.push('\t');
    }
    line.push_str(&cells.join("\t"));
    writeln!(out, "{line}")
}

fn header(out: &mut impl Write, qid: Option<&str>, names: &[&str]) -> io::Result<()> {
    let cells: Vec<String> = names.iter().map(|n| n.to_string()).collect();
    row(out, qid.map(|_| "qid"), &cells)
}

/// Prints the header of hit rows: `rank score article_id date source path line ordinal
/// title passage`.
pub fn print_hits_header(out: &mut impl Write, qid: Option<&str>) -> io::Result<()> {
    header(
        out,
        qid,
        &[
            "rank",
            "score",
            "article_id",
            "date",
            "source",
            "path",
            "line",
            "ordinal",
            "title",
            "passage",
        ],
    )
}

/// Prints one hit as a row under [`print_hits_header`] (`ordinal` 1 for an article's first
/// passage).
pub fn print_hit(out: &mut impl Write, qid: Option<&str>, hit: &Hit) -> io::Result<()> {
    let p = &hit.passage;
    row(
        out,
        qid,
        &[
            hit.rank.to_string(),
            format!("{:.4}", hit.score),
            cell(&p.article.article_id),
            p.article.date.clone().unwrap_or_default(),
            cell(&p.article.source),
            cell(&p.article.path),
            p.line.to_string(),
            (p.ordinal + 1).to_string(),
            cell(&p.article.title),
            cell(&p.text),
        ],
    )
}

/// Prints a count: `articles`.
pub fn print_count(
    out: &mut impl Write,
    qid: Option<&str>,
    count: &Count,
    with_header: bool,
) -> io::Result<()> {
    if with_header {
        header(out, qid, &["articles"])?;
    }
    row(out, qid, &[count.articles.to_string()])
}

/// Prints groups: `month|year|source articles`, an empty key for the articles
/// without a date or source; no total row (sum the column).
pub fn print_groups(
    out: &mut impl Write,
    qid: Option<&str>,
    groups: &Groups,
    with_header: bool,
) -> io::Result<()> {
    if with_header {
        header(out, qid, &[group_by_name(groups.by), "articles"])?;
    }
    for group in &groups.groups {
        row(
            out,
            qid,
            &[
                cell(&group_key_value(&group.key).unwrap_or_default()),
                group.articles.to_string(),
            ],
        )?;
    }
    Ok(())
}
