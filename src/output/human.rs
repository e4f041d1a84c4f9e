//! Human output: hits with their passages trimmed and highlighted (colour only on a
//! terminal), context, explanations, counts, articles, tokens, the build summary and query
//! errors with a caret under the place.

use std::io::{self, Write};
use std::ops::Range;

use anstyle::{AnsiColor, Style};
use unicode_width::UnicodeWidthStr;

use super::words::{
    date_key_text, field_name, group_by_name, group_key_text, location, note_text, plural,
    step_name, untitled_heading,
};
use crate::analysis::AnalyzedToken;
use crate::corpus::Problem;
use crate::index::{BuildReport, IndexStats, RebuildReason, Severity};
use crate::search::article::{Article, ArticlePassage};
use crate::search::explain::{Explain, Note, PartKind};
use crate::search::highlight::Step;
use crate::search::suggest::Suggestion;
use crate::search::{Count, Groups, Hit};

/// Longest passage shown in full; longer ones are trimmed around the matches.
pub const SNIPPET_CHARS: usize = 320;

const PATH: Style = AnsiColor::Magenta.on_default();
const LINE: Style = AnsiColor::Green.on_default();
const TITLE: Style = Style::new().bold();
const MATCH: Style = AnsiColor::Red.on_default().bold();
const DIM: Style = Style::new().dimmed();

/// A passage cut down for display, with highlights shifted into it.
#[derive(Debug, PartialEq, Eq)]
pub struct Snippet {
    pub text: String,
    pub highlights: Vec<(usize, usize)>,
}

/// Trims `text` to about `max_chars` characters around its first highlights, at word
/// boundaries, with `…` where text was cut.
pub fn snippet(text: &str, highlights: &[(usize, usize)], max_chars: usize) -> Snippet {
    if text.chars().count() <= max_chars {
        return Snippet {
            text: text.to_string(),
            highlights: highlights.to_vec(),
        };
    }
    let first = highlights.first().map_or(0, |h| h.0);
    // Start a little before the first match, so it is read in context.
    let lead = max_chars / 4;
    let mut start = text[..first]
        .char_indices()
        .rev()
        .nth(lead)
        .map_or(0, |(i, _)| i);
    if start > 0 {
        start = text[start..]
            .find(' ')
            .map_or(start, |space| start + space + 1);
    }
    let mut end = text[start..]
        .char_indices()
        .nth(max_chars)
        .map_or(text.len(), |(i, _)| start + i);
    if end < text.len() {
        end = text[start..end]
            .rfind(' ')
            .map_or(end, |space| start + space);
    }
    let prefix = if start > 0 { "… " } else { "" };
    let suffix = if end < text.len() { " …" } else { "" };
    let shift = prefix.len() as isize - start as isize;
    let highlights = highlights
        .iter()
        .filter(|(s, e)| *s >= start && *e <= end)
        .map(|(s, e)| {
            (
                (*s as isize + shift) as usize,
                (*e as isize + shift) as usize,
            )
        })
        .collect();
    Snippet {
        text: format!("{prefix}{}{suffix}", &text[start..end]),
        highlights,
    }
}

/// Writes `text` with its highlighted ranges in the match style.
fn write_highlighted(
    out: &mut impl Write,
    text: &str,
    highlights: &[(usize, usize)],
) -> io::Result<()> {
    let mut at = 0;
    for &(start, end) in highlights {
        write!(
            out,
            "{}{MATCH}{}{MATCH:#}",
            &text[at..start],
            &text[start..end]
        )?;
        at = end;
    }
    write!(out, "{}", &text[at..])
}

fn write_snippet(
    out: &mut impl Write,
    text: &str,
    highlights: &[(usize, usize)],
) -> io::Result<()> {
    let snippet = snippet(text, highlights, SNIPPET_CHARS);
    write_highlighted(out, &snippet.text, &snippet.highlights)
}

/// Prints one hit for a person to read, after a blank line unless it is the `first`.
pub fn print_hit(out: &mut impl Write, hit: &Hit, first: bool) -> io::Result<()> {
    if !first {
        writeln!(out)?;
    }
    let p = &hit.passage;
    let untitled;
    let heading = if p.article.title.is_empty() {
        untitled = untitled_heading(hit.article_lead.as_deref());
        untitled.as_str()
    } else {
        p.article.title.as_str()
    };
    let mut about = vec![heading];
    if let Some(date) = &p.article.date {
        about.push(date);
    }
    if !p.article.source.is_empty() {
        about.push(&p.article.source);
    }
    writeln!(
        out,
        "{}. {TITLE}{}{TITLE:#}  {DIM}score {:.2}{DIM:#}",
        hit.rank,
        about.join(" · "),
        hit.score
    )?;
    let place = location(&p.article.path, p.line, p.ordinal, p.shared_line);
    let (path, rest) = place.split_at(p.article.path.len());
    writeln!(out, "   {PATH}{path}{PATH:#}{LINE}{rest}{LINE:#}")?;
    match &hit.context {
        None => {
            write!(out, "   ")?;
            write_snippet(out, &p.text, &hit.highlights)?;
            writeln!(out)?;
        }
        Some(context) => {
            // As grep -C: `LINE:` for the hit, `LINE-` (dimmed) for context.
            for passage in &context.before {
                write_context(out, passage)?;
            }
            let mark = line_mark(p.line, p.ordinal, p.shared_line);
            write!(out, "   {LINE}{mark}{LINE:#}: ")?;
            write_snippet(out, &p.text, &hit.highlights)?;
            writeln!(out)?;
            for passage in &context.after {
                write_context(out, passage)?;
            }
        }
    }
    if let Some(explain) = &hit.explain {
        write_explain(out, explain, hit.score)?;
    }
    Ok(())
}

/// A passage's line as `-C` shows it: `LINE`, or `LINE#N` (the N-th passage of the
/// article) when other passages start on the same line.
fn line_mark(line: u64, ordinal: u64, shared_line: bool) -> String {
    if shared_line {
        format!("{line}#{}", ordinal + 1)
    } else {
        line.to_string()
    }
}

fn write_context(out: &mut impl Write, passage: &ArticlePassage) -> io::Result<()> {
    let mark = line_mark(passage.line, passage.ordinal, passage.shared_line);
    write!(out, "   {DIM}{mark}-{DIM:#} {DIM}")?;
    write_snippet(out, &passage.text, &passage.highlights)?;
    writeln!(out, "{DIM:#}")
}

fn write_explain(out: &mut impl Write, explain: &Explain, score: f32) -> io::Result<()> {
    let why: Vec<String> = explain
        .matches
        .iter()
        .map(|m| {
            let step = match m.step {
                Step::Fuzzy(n) => format!("fuzzy, {}", plural(usize::from(n), "edit", "edits")),
                other => step_name(other).to_string(),
            };
            format!(
                "{} → \"{}\" ({}, {step})",
                m.query,
                m.text,
                field_name(m.field)
            )
        })
        .collect();
    if why.is_empty() {
        writeln!(
            out,
            "   {DIM}why:{DIM:#} no query word in this passage or its title"
        )?;
    } else {
        writeln!(out, "   {DIM}why:{DIM:#} {}", why.join("; "))?;
    }
    let factors = explain.parts.iter().any(|p| p.kind == PartKind::Factor);
    let heading = if factors {
        "the sum of these, times the factors below"
    } else {
        "sum of"
    };
    writeln!(out, "   {DIM}score {score:.2} = {heading}:{DIM:#}")?;
    for part in &explain.parts {
        if part.kind == PartKind::Factor {
            writeln!(
                out,
                "{DIM}     ×{:.2}  {}{DIM:#}",
                part.value,
                part.description.as_deref().unwrap_or("factor")
            )?;
            continue;
        }
        let mut line = format!("     {:>5.2}  ", part.value);
        match part.kind {
            PartKind::Term => line.push_str(&format!(
                "{}:{}",
                part.field.as_deref().unwrap_or("?"),
                part.term.as_deref().unwrap_or("?")
            )),
            PartKind::Phrase => line.push_str("phrase"),
            PartKind::Filter => line.push_str("filter (no score)"),
            PartKind::Other | PartKind::Factor => {
                line.push_str(part.description.as_deref().unwrap_or("other"))
            }
        }
        if part.boost != 1.0 {
            line.push_str(&format!("  boost ×{}", part.boost));
        }
        if let (Some(idf), Some(tf)) = (part.idf, part.tf) {
            line.push_str(&format!("  BM25 idf {idf:.2} × tf {tf:.2}"));
            if let (Some(freq), Some(length), Some(avg)) = (part.freq, part.length, part.avg_length)
            {
                line.push_str(&format!(" (freq {freq}, {length} words, avg {avg:.1})"));
            }
        }
        writeln!(out, "{DIM}{line}{DIM:#}")?;
    }
    Ok(())
}

/// Prints a query's remarks (`--explain`) before its hits.
pub fn print_notes(out: &mut impl Write, notes: &[Note]) -> io::Result<()> {
    for note in notes {
        writeln!(out, "{DIM}explain: {}{DIM:#}", note_text(note))?;
    }
    if !notes.is_empty() {
        writeln!(out)?;
    }
    Ok(())
}

/// Names the query whose hits follow, in batch mode.
pub fn print_query_header(out: &mut impl Write, qid: &str, query: &str) -> io::Result<()> {
    writeln!(out, "{TITLE}query {qid}:{TITLE:#} {query}")
}

/// What the human output says about a suggestion (on stderr, after `zoek: `).
pub fn suggestion_line(suggestion: &Suggestion) -> String {
    format!("did you mean: {}?", suggestion.query)
}

/// A count for a person (and simple scripts): `4 articles`.
pub fn count_text(count: &Count) -> String {
    plural(count.articles as usize, "article", "articles")
}

/// Prints a count for a person (and simple scripts): `4 articles`.
pub fn print_count(out: &mut impl Write, count: &Count) -> io::Result<()> {
    writeln!(out, "{}", count_text(count))
}

/// Prints matching articles per period or source as a table, with the total last.
pub fn print_groups(out: &mut impl Write, groups: &Groups) -> io::Result<()> {
    let keys: Vec<String> = groups
        .groups
        .iter()
        .map(|g| group_key_text(&g.key))
        .collect();
    let heading = group_by_name(groups.by);
    let width = keys
        .iter()
        .map(|k| k.width())
        .chain([heading.len(), "total".len()])
        .max()
        .unwrap_or_default();
    let row = |out: &mut dyn Write, key: &str, articles: &dyn std::fmt::Display| {
        let pad = " ".repeat(width.saturating_sub(key.width()));
        writeln!(out, "{key}{pad}  {articles:>8}")
    };
    row(out, heading, &"articles")?;
    for (group, key) in groups.groups.iter().zip(&keys) {
        row(out, key, &group.articles)?;
    }
    row(out, "total", &groups.total.articles)
}

/// Prints what an index holds (`zoek stats`).
pub fn print_stats(out: &mut impl Write, index: &str, stats: &IndexStats) -> io::Result<()> {
    let dates = match (stats.first_date, stats.last_date) {
        (Some(first), Some(last)) => {
            format!("{} to {}", date_key_text(first), date_key_text(last))
        }
        _ => "none".to_string(),
    };
    let undated = if stats.undated > 0 {
        format!(
            " ({} without a date)",
            plural(stats.undated as usize, "article", "articles")
        )
    } else {
        String::new()
    };
    writeln!(
        out,
        "index     {index} (format {}, {:.2} MB)",
        stats.format,
        stats.bytes as f64 / 1e6
    )?;
    writeln!(out, "corpus    {}", stats.corpus)?;
    writeln!(out, "analysis  {}", stats.analysis)?;
    writeln!(
        out,
        "contents  {}, {} in {}",
        plural(stats.articles as usize, "article", "articles"),
        plural(stats.passages as usize, "passage", "passages"),
        plural(stats.files as usize, "file", "files")
    )?;
    writeln!(out, "dates     {dates}{undated}")?;
    writeln!(
        out,
        "sources   {}",
        plural(
            stats
                .sources
                .iter()
                .filter(|(name, _)| !name.is_empty())
                .count(),
            "source",
            "sources"
        )
    )?;
    let width = stats
        .sources
        .iter()
        .map(|(name, _)| if name.is_empty() { 11 } else { name.width() })
        .max()
        .unwrap_or_default();
    for (name, articles) in &stats.sources {
        let name = if name.is_empty() { "(no source)" } else { name };
        let pad = " ".repeat(width.saturating_sub(name.width()));
        writeln!(out, "  {name}{pad}  {articles:>6}")?;
    }
    Ok(())
}

/// Prints the analyzer's tokens of `text` as a table.
pub fn print_tokens(out: &mut impl Write, text: &str, tokens: &[AnalyzedToken]) -> io::Result<()> {
    writeln!(
        out,
        "{:>4}  {:>9}  {:<13}  {:<24}  text",
        "pos", "bytes", "kind", "term"
    )?;
    for t in tokens {
        let stop = if t.stopword { "  (stopword)" } else { "" };
        writeln!(
            out,
            "{:>4}  {:>9}  {:<13}  {:<24}  {}{stop}",
            t.position,
            format!("{}..{}", t.start, t.end),
            t.kind.name(),
            t.term,
            &text[t.start..t.end]
        )?;
    }
    Ok(())
}

/// Prints a whole article (`zoek show`) for a person: metadata, then its passages.
pub fn print_article(out: &mut impl Write, article: &Article) -> io::Result<()> {
    let heading = if article.info.title.is_empty() {
        untitled_heading(
            article
                .passages
                .iter()
                .find(|p| !p.text.is_empty())
                .map(|p| p.text.as_str()),
        )
    } else {
        article.info.title.clone()
    };
    writeln!(out, "{TITLE}{heading}{TITLE:#}")?;
    let mut about: Vec<&str> = Vec::new();
    if let Some(date) = &article.info.date {
        about.push(date);
    }
    if !article.info.source.is_empty() {
        about.push(&article.info.source);
    }
    if !article.info.url.is_empty() {
        about.push(&article.info.url);
    }
    if !about.is_empty() {
        writeln!(out, "{}", about.join(" · "))?;
    }
    // Where the article starts, as `zoek show` takes it back.
    let line = article
        .passages
        .first()
        .map(|p| format!("{LINE}:{}{LINE:#}", p.line))
        .unwrap_or_default();
    writeln!(
        out,
        "{PATH}{}{PATH:#}{line}  {DIM}id {}{DIM:#}",
        article.info.path, article.info.article_id
    )?;
    for passage in &article.passages {
        writeln!(out)?;
        write_highlighted(out, &passage.text, &passage.highlights)?;
        writeln!(out)?;
    }
    Ok(())
}

/// A problem found while indexing, as one line: `warning: path:line: message`.
pub fn problem_line(severity: Severity, problem: &Problem) -> String {
    let severity = match severity {
        Severity::Warning => "warning",
        Severity::Error => "error",
    };
    format!("{severity}: {problem}")
}

/// The summary printed after a build, one line per fact.
pub fn build_summary(report: &BuildReport) -> Vec<String> {
    let mb = report.bytes as f64 / 1e6;
    let mut lines = Vec::new();
    if let Some(reason) = &report.rebuild_reason {
        let why = match reason {
            RebuildReason::AnalysisChanged { from, to } => {
                format!("the analysis changed from {from} to {to}")
            }
            RebuildReason::CorpusChanged { from, to } => {
                format!("the corpus folder changed from {from} to {to}")
            }
            RebuildReason::Unusable(err) => err.to_string(),
            RebuildReason::Damaged(damage) => format!("the index was damaged: {damage}"),
            RebuildReason::IdTaken { id } => format!(
                "the id '{id}' of a new article was the id of a record elsewhere; ids are given out again"
            ),
        };
        lines.push(format!("rebuilt the whole index: {why}"));
    }
    lines.push(format!(
        "indexed {} ({}), {:.2} MB in {:.2} s ({:.1} MB/s)",
        plural(report.articles as usize, "article", "articles"),
        plural(report.passages as usize, "passage", "passages"),
        mb,
        report.seconds,
        mb / report.seconds.max(1e-9)
    ));
    let failed = if report.files_failed > 0 {
        format!(", {} failed", report.files_failed)
    } else {
        String::new()
    };
    lines.push(format!(
        "files: {} added, {} updated, {} removed, {} unchanged{failed}",
        report.files_added, report.files_updated, report.files_removed, report.files_unchanged
    ));
    if !report.skipped.is_empty() {
        let reasons: Vec<String> = report
            .skipped
            .iter()
            .map(|(why, items)| format!("{} {why}", items.len()))
            .collect();
        lines.push(format!(
            "skipped {}: {}",
            plural(report.skipped_count(), "file", "files"),
            reasons.join(", ")
        ));
    }
    if !report.skipped_records.is_empty() {
        lines.push(format!(
            "skipped {} with neither a title nor text",
            plural(report.skipped_records.len(), "record", "records")
        ));
    }
    if report.title_only > 0 {
        lines.push(format!(
            "{} a title and no text; each is indexed as its title",
            plural(report.title_only as usize, "article has", "articles have")
        ));
    }
    if report.duplicate_ids > 0 {
        lines.push(format!(
            "{}: those articles are indexed under new ids (see the warnings)",
            plural(
                report.duplicate_ids as usize,
                "duplicate id",
                "duplicate ids"
            )
        ));
    }
    if !report.failures.is_empty() {
        lines.push(format!(
            "failed {} (not indexed; see the messages above)",
            plural(report.failures.len(), "file or record", "files or records")
        ));
    }
    if !report.unchanged_failures.is_empty() {
        lines.push(format!(
            "{} still failing, unchanged since an earlier run found them (not read again)",
            plural(
                report.unchanged_failures.len(),
                "file or record",
                "files or records"
            )
        ));
    }
    if !report.warnings.is_empty() {
        lines.push(format!(
            "{} (see above)",
            plural(report.warnings.len(), "warning", "warnings")
        ));
    }
    lines
}

/// What `zoek check` found, one line per fact: the verdict first.
pub fn check_lines(dir: &std::path::Path, verdict: &crate::index::check::Verdict) -> Vec<String> {
    let mut shown = dir.display().to_string();
    if !shown.ends_with('/') {
        shown.push('/');
    }
    let mut lines = Vec::new();
    if verdict.damage.is_empty() {
        lines.push(format!("{shown}: sound"));
    } else {
        lines.push(format!("{shown}: damaged"));
        for damage in &verdict.damage {
            lines.push(format!("  {damage}"));
        }
    }
    let generation = verdict
        .generation
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    lines.push(format!(
        "  {generation}: {} segments, {} files ({:.1} MB) match their checksums",
        verdict.segments,
        verdict.files_verified,
        verdict.bytes_verified as f64 / 1e6
    ));
    lines.push(format!(
        "  {} documents from {} corpus files in the file list",
        verdict.documents, verdict.corpus_files
    ));
    lines
}

/// The most of a query shown under an error, in characters on each side of the place.
const ERROR_CONTEXT_CHARS: usize = 30;

/// A query error for a person: `{prefix}invalid query '{query}': {message}`, then a line
/// with carets under the place in the query. A long query is shown around the place, with
/// `…` where it was cut.
pub fn query_error(prefix: &str, query: &str, message: &str, span: Option<Range<usize>>) -> String {
    let Some(span) = span.filter(|s| s.start <= s.end && s.end <= query.len()) else {
        return format!("{prefix}invalid query '{query}': {message}");
    };
    let span = span.start..span.end.max(span.start);
    // The shown part: whole when short, else the place with some context on each side.
    let start = query[..span.start]
        .char_indices()
        .rev()
        .nth(ERROR_CONTEXT_CHARS)
        .map_or(0, |(i, _)| i);
    let end = query[span.end..]
        .char_indices()
        .nth(ERROR_CONTEXT_CHARS.max(span.len().min(ERROR_CONTEXT_CHARS)))
        .map_or(query.len(), |(i, _)| span.end + i);
    let shown_end = span.end.min(end);
    let lead = if start > 0 { "…" } else { "" };
    let tail = if end < query.len() { "…" } else { "" };
    let head = format!("{prefix}invalid query '{lead}");
    let before = &query[start..span.start];
    let marked = &query[span.start..shown_end];
    let indent = head.width() + before.width();
    let carets = marked.width().clamp(1, ERROR_CONTEXT_CHARS * 2);
    format!(
        "{head}{}{tail}': {message}\n{}{}",
        &query[start..end],
        " ".repeat(indent),
        "^".repeat(carets)
    )
}

/// A committed index that cannot be read: it is damaged, and a rebuild cures it. The cause
/// is cut to its first 160 characters of one line, so the message stays one line.
pub fn damaged_index(dir: &std::path::Path, why: &str) -> String {
    let why: String = why
        .lines()
        .next()
        .unwrap_or_default()
        .chars()
        .take(160)
        .collect();
    format!(
        "the index at {} cannot be read; it is damaged ({why}); run 'zoek index --rebuild'",
        shown_folder(dir)
    )
}

/// A folder as users type it: `index/`.
pub fn shown_folder(dir: &std::path::Path) -> String {
    let shown = dir.display().to_string();
    if shown.ends_with('/') {
        shown
    } else {
        format!("{shown}/")
    }
}

/// An article reference (an id or a `path:line`) that names no article of the index.
pub fn no_article(reference: &str) -> String {
    format!(
        "no article '{reference}' in the index: give an article id (article_id in JSON output) or a path:line as search prints it"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_passages_are_whole() {
        let s = snippet("kort stuk", &[(0, 4)], 50);
        assert_eq!(s.text, "kort stuk");
        assert_eq!(s.highlights, [(0, 4)]);
    }

    #[test]
    fn long_passages_are_trimmed_around_the_match() {
        let text = format!("{} fraude {}", "woord ".repeat(100), "eind ".repeat(100));
        let at = text.find("fraude").unwrap();
        let s = snippet(&text, &[(at, at + 6)], 80);
        assert!(s.text.starts_with("… "), "{}", s.text);
        assert!(s.text.ends_with(" …"));
        assert!(s.text.chars().count() <= 80 + 4);
        let (hs, he) = s.highlights[0];
        assert_eq!(&s.text[hs..he], "fraude");
    }

    #[test]
    fn plain_output_has_no_escape_codes_when_styles_are_stripped() {
        let hit = Hit {
            rank: 1,
            score: 1.5,
            passage: crate::index::StoredPassage {
                article: std::sync::Arc::new(crate::index::ArticleInfo {
                    article_id: "a".into(),
                    title: "Titel".into(),
                    date: Some("2020-11-18".into()),
                    source: "Bron".into(),
                    path: "corpus/a.md".into(),
                    ..Default::default()
                }),
                line: 7,
                text: "over fraude".into(),
                ..Default::default()
            },
            highlights: vec![(5, 11)],
            context: None,
            explain: None,
            article_lead: None,
        };
        let mut raw = Vec::new();
        print_hit(&mut raw, &hit, true).unwrap();
        let mut plain = anstream::StripStream::new(Vec::new());
        plain.write_all(&raw).unwrap();
        let text = String::from_utf8(plain.into_inner()).unwrap();
        assert_eq!(
            text,
            "1. Titel · 2020-11-18 · Bron  score 1.50\n   corpus/a.md:7\n   over fraude\n"
        );
        assert!(
            String::from_utf8(raw).unwrap().contains("\u{1b}["),
            "styled when raw"
        );
    }

    #[test]
    fn query_errors_put_a_caret_under_the_place() {
        assert_eq!(
            query_error("zoek: ", "a OR", "OR needs a word after it", Some(2..4)),
            "zoek: invalid query 'a OR': OR needs a word after it\n                       ^^"
        );
        assert_eq!(
            query_error("", "één titel:x", "unknown field", Some(6..11)),
            "invalid query 'één titel:x': unknown field\n                   ^^^^^"
        );
        let long = format!("{}titel:x{}", "a ".repeat(100), " b".repeat(100));
        let shown = query_error("", &long, "unknown field", Some(200..205));
        let (first, carets) = shown.split_once('\n').unwrap();
        assert!(first.starts_with("invalid query '…"), "{first}");
        assert!(first.contains("…': unknown field"), "{first}");
        let at = carets.find('^').unwrap();
        assert_eq!(
            &first[first.char_indices().nth(at).unwrap().0..][..5],
            "titel"
        );
        assert_eq!(
            query_error("", "x", "no place", None),
            "invalid query 'x': no place"
        );
    }
}
