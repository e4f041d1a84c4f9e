//! The JSON output: zoek's wire format, one JSON object per line, each tagged with its
//! `"type"`.
//!
//! These types are the public interface that scripts read, kept apart from the library's
//! own structs so that a change inside zoek cannot change the format by accident. The format
//! is versioned ([`FORMAT_VERSION`], stated in every summary line and in the README): a
//! change is additive (a new field or a new type); a rename or removal raises the version.

use std::io::{self, Write};

use serde::Serialize;

use super::words::{
    date_key_text, field_name, group_by_name, group_key_value, note_text, step_name,
};
use crate::analysis::AnalyzedToken;
use crate::index::{ArticleInfo, BuildReport, IndexStats};
use crate::search::article::{Article, ArticlePassage};
use crate::search::explain::{Explain, PartKind};
use crate::search::highlight::Step;
use crate::search::{Found, Hit, Outcome};

/// The version of the JSON output format. 2: counts and groups give `articles` only (a
/// count of matching passages is gone with the passage documents).
pub const FORMAT_VERSION: u32 = 2;

/// One line of output.
#[derive(Serialize)]
#[serde(tag = "type", rename_all = "lowercase")]
enum Line<'a> {
    Hit(HitLine<'a>),
    Summary(SummaryLine<'a>),
    Article(ArticleLine<'a>),
    Token(TokenLine<'a>),
    File(FileLine<'a>),
    Group(GroupLine<'a>),
    Stats(StatsLine<'a>),
    Error(ErrorLine<'a>),
    Health(HealthLine<'a>),
}

/// Why a request to `zoek serve` failed (its HTTP status says what kind of failure).
#[derive(Serialize)]
struct ErrorLine<'a> {
    version: u32,
    /// The message the command line gives for the same mistake, without `zoek: `.
    message: &'a str,
    /// The byte range of the query the message is about, when it is about one place.
    #[serde(skip_serializing_if = "Option::is_none")]
    span: Option<(usize, usize)>,
}

/// `zoek serve` is up, and which generation of the index it searches.
#[derive(Serialize)]
struct HealthLine<'a> {
    version: u32,
    status: &'static str,
    generation: &'a str,
}

#[derive(Serialize)]
struct GroupLine<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    qid: Option<&'a str>,
    by: &'static str,
    /// `YYYY`, `YYYY-MM` or the source; null for the articles without a date or source.
    key: Option<String>,
    articles: u64,
}

#[derive(Serialize)]
struct StatsLine<'a> {
    version: u32,
    index: &'a str,
    corpus: &'a str,
    format: u32,
    analysis: &'a str,
    bytes: u64,
    articles: u64,
    passages: u64,
    files: u64,
    first_date: Option<String>,
    last_date: Option<String>,
    undated: u64,
    sources: Vec<SourceJson<'a>>,
}

#[derive(Serialize)]
struct SourceJson<'a> {
    /// `""` for the articles without a source.
    name: &'a str,
    articles: u64,
}

/// What a hit and an article line say of the article, in this order.
#[derive(Serialize)]
struct ArticleFields<'a> {
    article_id: &'a str,
    title: &'a str,
    date: Option<&'a str>,
    source: &'a str,
    url: &'a str,
    path: &'a str,
}

impl<'a> ArticleFields<'a> {
    fn of(info: &'a ArticleInfo) -> Self {
        ArticleFields {
            article_id: &info.article_id,
            title: &info.title,
            date: info.date.as_deref(),
            source: &info.source,
            url: &info.url,
            path: &info.path,
        }
    }
}

#[derive(Serialize)]
struct HitLine<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    qid: Option<&'a str>,
    rank: usize,
    score: f32,
    #[serde(flatten)]
    article: ArticleFields<'a>,
    line: u64,
    /// The passage's place in its article, 1 for the first.
    ordinal: u64,
    passage: &'a str,
    highlights: &'a [(usize, usize)],
    #[serde(skip_serializing_if = "Option::is_none")]
    context: Option<ContextJson<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    explain: Option<ExplainJson<'a>>,
}

#[derive(Serialize)]
struct ContextJson<'a> {
    before: Vec<PassageJson<'a>>,
    after: Vec<PassageJson<'a>>,
}

#[derive(Serialize)]
struct PassageJson<'a> {
    line: u64,
    ordinal: u64,
    passage: &'a str,
    highlights: &'a [(usize, usize)],
}

impl<'a> PassageJson<'a> {
    fn list(passages: &'a [ArticlePassage]) -> Vec<Self> {
        passages
            .iter()
            .map(|p| PassageJson {
                line: p.line,
                ordinal: p.ordinal + 1,
                passage: &p.text,
                highlights: &p.highlights,
            })
            .collect()
    }
}

#[derive(Serialize)]
struct ExplainJson<'a> {
    matches: Vec<MatchJson<'a>>,
    parts: Vec<PartJson<'a>>,
    tree: &'a serde_json::Value,
}

#[derive(Serialize)]
struct MatchJson<'a> {
    query: &'a str,
    field: &'static str,
    text: &'a str,
    step: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    edits: Option<u8>,
}

#[derive(Serialize)]
struct PartJson<'a> {
    value: f32,
    kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    field: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    term: Option<&'a str>,
    boost: f32,
    #[serde(skip_serializing_if = "Option::is_none")]
    idf: Option<f32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    tf: Option<f32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    freq: Option<f32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    length: Option<f32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    avg_length: Option<f32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<&'a str>,
}

fn kind_name(kind: PartKind) -> &'static str {
    match kind {
        PartKind::Term => "term",
        PartKind::Phrase => "phrase",
        PartKind::Filter => "filter",
        PartKind::Factor => "factor",
        PartKind::Other => "other",
    }
}

impl<'a> ExplainJson<'a> {
    fn of(explain: &'a Explain) -> Self {
        ExplainJson {
            matches: explain
                .matches
                .iter()
                .map(|m| MatchJson {
                    query: &m.query,
                    field: field_name(m.field),
                    text: &m.text,
                    step: step_name(m.step),
                    edits: match m.step {
                        Step::Fuzzy(n) => Some(n),
                        _ => None,
                    },
                })
                .collect(),
            parts: explain
                .parts
                .iter()
                .map(|p| PartJson {
                    value: p.value,
                    kind: kind_name(p.kind),
                    field: p.field.as_deref(),
                    term: p.term.as_deref(),
                    boost: p.boost,
                    idf: p.idf,
                    tf: p.tf,
                    freq: p.freq,
                    length: p.length,
                    avg_length: p.avg_length,
                    description: p.description.as_deref(),
                })
                .collect(),
            tree: &explain.tree,
        }
    }
}

impl<'a> HitLine<'a> {
    fn of(hit: &'a Hit, qid: Option<&'a str>) -> Self {
        let p = &hit.passage;
        HitLine {
            qid,
            rank: hit.rank,
            score: hit.score,
            article: ArticleFields::of(&p.article),
            line: p.line,
            ordinal: p.ordinal + 1,
            passage: &p.text,
            highlights: &hit.highlights,
            context: hit.context.as_ref().map(|c| ContextJson {
                before: PassageJson::list(&c.before),
                after: PassageJson::list(&c.after),
            }),
            explain: hit.explain.as_ref().map(ExplainJson::of),
        }
    }
}

#[derive(Serialize)]
struct SummaryLine<'a> {
    version: u32,
    query: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    qid: Option<&'a str>,
    /// Hits printed (not with a count).
    #[serde(skip_serializing_if = "Option::is_none")]
    hits: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    articles: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    suggestion: Option<&'a str>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    notes: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    warnings: Vec<String>,
}

#[derive(Serialize)]
struct ArticleLine<'a> {
    #[serde(flatten)]
    article: ArticleFields<'a>,
    passages: Vec<PassageJson<'a>>,
}

#[derive(Serialize)]
struct TokenLine<'a> {
    term: &'a str,
    text: &'a str,
    position: usize,
    start: usize,
    end: usize,
    kind: &'static str,
    stopword: bool,
}

#[derive(Serialize)]
struct FileLine<'a> {
    status: &'static str,
    path: &'a str,
    line: Option<usize>,
    reason: &'a str,
    /// A failure an earlier run found, of a file that did not change since.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    unchanged: bool,
}

fn write_line(out: &mut impl Write, line: &Line) -> io::Result<()> {
    serde_json::to_writer(&mut *out, line)?;
    writeln!(out)
}

/// Prints one hit as a line.
pub fn print_hit(out: &mut impl Write, qid: Option<&str>, hit: &Hit) -> io::Result<()> {
    write_line(out, &Line::Hit(HitLine::of(hit, qid)))
}

/// Prints a query's hits (those it holds; streamed ones were printed by [`print_hit`]), one
/// line each, then its summary line.
pub fn print_outcome(
    out: &mut impl Write,
    qid: Option<&str>,
    query: &str,
    outcome: &Outcome,
) -> io::Result<()> {
    for hit in outcome.hits() {
        print_hit(out, qid, hit)?;
    }
    if let Found::Groups(groups) = &outcome.found {
        for group in &groups.groups {
            write_line(
                out,
                &Line::Group(GroupLine {
                    qid,
                    by: group_by_name(groups.by),
                    key: group_key_value(&group.key),
                    articles: group.articles,
                }),
            )?;
        }
    }
    let (hits, count) = match &outcome.found {
        Found::Count(count) => (None, Some(count)),
        Found::Groups(groups) => (None, Some(&groups.total)),
        _ => (Some(outcome.len()), None),
    };
    let summary = SummaryLine {
        version: FORMAT_VERSION,
        query,
        qid,
        hits,
        articles: count.map(|c| c.articles),
        suggestion: outcome.suggestion.as_ref().map(|s| s.query.as_str()),
        notes: outcome.notes.iter().map(note_text).collect(),
        warnings: outcome.warnings.iter().map(|w| w.to_string()).collect(),
    };
    write_line(out, &Line::Summary(summary))
}

/// Prints a whole article as one line.
pub fn print_article(out: &mut impl Write, article: &Article) -> io::Result<()> {
    write_line(
        out,
        &Line::Article(ArticleLine {
            article: ArticleFields::of(&article.info),
            passages: PassageJson::list(&article.passages),
        }),
    )
}

/// Prints what an index holds (`zoek stats --json`) as one line.
pub fn print_stats(out: &mut impl Write, index: &str, stats: &IndexStats) -> io::Result<()> {
    write_line(
        out,
        &Line::Stats(StatsLine {
            version: FORMAT_VERSION,
            index,
            corpus: &stats.corpus,
            format: stats.format,
            analysis: &stats.analysis,
            bytes: stats.bytes,
            articles: stats.articles,
            passages: stats.passages,
            files: stats.files,
            first_date: stats.first_date.map(date_key_text),
            last_date: stats.last_date.map(date_key_text),
            undated: stats.undated,
            sources: stats
                .sources
                .iter()
                .map(|(name, articles)| SourceJson {
                    name,
                    articles: *articles,
                })
                .collect(),
        }),
    )
}

/// Prints an error of `zoek serve` as one line.
pub fn print_error(
    out: &mut impl Write,
    message: &str,
    span: Option<std::ops::Range<usize>>,
) -> io::Result<()> {
    write_line(
        out,
        &Line::Error(ErrorLine {
            version: FORMAT_VERSION,
            message,
            span: span.map(|s| (s.start, s.end)),
        }),
    )
}

/// Prints `zoek serve`'s health check as one line: up, searching `generation`.
pub fn print_health(out: &mut impl Write, generation: &str) -> io::Result<()> {
    write_line(
        out,
        &Line::Health(HealthLine {
            version: FORMAT_VERSION,
            status: "ok",
            generation,
        }),
    )
}

/// Prints the analyzer's tokens of `text`, one line each.
pub fn print_tokens(out: &mut impl Write, text: &str, tokens: &[AnalyzedToken]) -> io::Result<()> {
    for t in tokens {
        write_line(
            out,
            &Line::Token(TokenLine {
                term: &t.term,
                text: &text[t.start..t.end],
                position: t.position,
                start: t.start,
                end: t.end,
                kind: t.kind.name(),
                stopword: t.stopword,
            }),
        )?;
    }
    Ok(())
}

/// Writes the items of a build that were not simply indexed, one line each:
/// `{"type": "file", "status": "skipped"|"failed"|"warning", "path", "line", "reason"}`.
pub fn print_build_report(out: &mut impl Write, report: &BuildReport) -> io::Result<()> {
    let mut line = |status, path: &str, number: Option<usize>, reason: &str, unchanged| {
        write_line(
            out,
            &Line::File(FileLine {
                status,
                path,
                line: number,
                reason,
                unchanged,
            }),
        )
    };
    for skipped in report.skipped.values() {
        for (path, reason) in skipped {
            line("skipped", path, None, reason, false)?;
        }
    }
    for (status, problems, unchanged) in [
        ("skipped", &report.skipped_records, false),
        ("failed", &report.failures, false),
        ("failed", &report.unchanged_failures, true),
        ("warning", &report.warnings, false),
    ] {
        for problem in problems {
            line(
                status,
                &problem.path,
                problem.line,
                &problem.message,
                unchanged,
            )?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::index::StoredPassage;

    #[test]
    fn every_line_has_its_type_and_the_summary_its_version() {
        let hit = Hit {
            rank: 1,
            score: 1.5,
            passage: StoredPassage {
                article: std::sync::Arc::new(ArticleInfo {
                    article_id: "a".into(),
                    title: "Titel".into(),
                    ..ArticleInfo::default()
                }),
                text: "over fraude".into(),
                ..StoredPassage::default()
            },
            highlights: vec![(5, 11)],
            context: None,
            explain: None,
            article_lead: None,
        };
        let outcome = Outcome {
            found: Found::Hits(vec![hit]),
            suggestion: None,
            notes: Vec::new(),
            warnings: Vec::new(),
        };
        let mut out = Vec::new();
        print_outcome(&mut out, Some("q1"), "fraude", &outcome).unwrap();
        let lines: Vec<serde_json::Value> = String::from_utf8(out)
            .unwrap()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(lines[0]["type"], "hit");
        assert_eq!(lines[0]["qid"], "q1");
        assert_eq!(lines[0]["highlights"], serde_json::json!([[5, 11]]));
        assert_eq!(lines[1]["type"], "summary");
        assert_eq!(lines[1]["version"], FORMAT_VERSION);
        assert_eq!(lines[1]["hits"], 1);
    }
}
