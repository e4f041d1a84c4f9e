//! Output: prints hits for people (colour only on a terminal) or as JSON Lines for scripts.
//!
//! Printing is kept apart from searching, as in ripgrep: the search stage hands over
//! [`Hit`]s with byte-range highlights (and context, explanations, counts, suggestions),
//! and this module decides how they look. `zoek show` prints an [`Article`].

use std::io::{self, Write};

use anstyle::{AnsiColor, Style};
use serde_json::json;

use crate::analysis::AnalyzedToken;
use crate::article::{Article, ContextPassage};
use crate::explain::Explain;
use crate::index::BuildReport;
use crate::search::{Hit, Outcome};
use crate::suggest::Suggestion;

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

/// Prints hits for a person to read.
pub fn print_human(out: &mut impl Write, hits: &[Hit]) -> io::Result<()> {
    for (i, hit) in hits.iter().enumerate() {
        if i > 0 {
            writeln!(out)?;
        }
        let mut about = vec![hit.title.as_str()];
        if let Some(date) = &hit.date {
            about.push(date);
        }
        if !hit.source.is_empty() {
            about.push(&hit.source);
        }
        writeln!(
            out,
            "{}. {TITLE}{}{TITLE:#}  {DIM}score {:.2}{DIM:#}",
            hit.rank,
            about.join(" · "),
            hit.score
        )?;
        writeln!(
            out,
            "   {PATH}{}{PATH:#}:{LINE}{}{LINE:#}",
            hit.path, hit.line
        )?;
        match &hit.context {
            None => {
                let snippet = snippet(&hit.passage, &hit.highlights, SNIPPET_CHARS);
                write!(out, "   ")?;
                write_highlighted(out, &snippet.text, &snippet.highlights)?;
                writeln!(out)?;
            }
            Some(context) => {
                // As grep -C: `LINE:` for the hit, `LINE-` (dimmed) for context.
                for passage in &context.before {
                    write_context(out, passage)?;
                }
                let snippet = snippet(&hit.passage, &hit.highlights, SNIPPET_CHARS);
                write!(out, "   {LINE}{}{LINE:#}: ", hit.line)?;
                write_highlighted(out, &snippet.text, &snippet.highlights)?;
                writeln!(out)?;
                for passage in &context.after {
                    write_context(out, passage)?;
                }
            }
        }
        if let Some(explain) = &hit.explain {
            write_explain(out, explain, hit.score)?;
        }
    }
    Ok(())
}

fn write_context(out: &mut impl Write, passage: &ContextPassage) -> io::Result<()> {
    let snippet = snippet(&passage.passage, &passage.highlights, SNIPPET_CHARS);
    write!(out, "   {DIM}{}-{DIM:#} {DIM}", passage.line)?;
    write_highlighted(out, &snippet.text, &snippet.highlights)?;
    writeln!(out, "{DIM:#}")
}

fn write_explain(out: &mut impl Write, explain: &Explain, score: f32) -> io::Result<()> {
    let why: Vec<String> = explain
        .matches
        .iter()
        .map(|m| {
            let step = match m.edits {
                Some(1) => "fuzzy, 1 edit".to_string(),
                Some(n) => format!("fuzzy, {n} edits"),
                None => m.step.to_string(),
            };
            format!("{} → \"{}\" ({}, {step})", m.query, m.text, m.field)
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
    writeln!(out, "   {DIM}score {score:.2} = sum of:{DIM:#}")?;
    for part in &explain.parts {
        let mut line = format!("     {:>5.2}  ", part.value);
        match part.kind {
            "term" => line.push_str(&format!(
                "{}:{}",
                part.field.as_deref().unwrap_or("?"),
                part.term.as_deref().unwrap_or("?")
            )),
            "phrase" => line.push_str("phrase"),
            "filter" => line.push_str("filter (no score)"),
            _ => line.push_str(part.description.as_deref().unwrap_or("other")),
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
pub fn print_notes(out: &mut impl Write, notes: &[String]) -> io::Result<()> {
    for note in notes {
        writeln!(out, "{DIM}explain: {note}{DIM:#}")?;
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

/// Prints TREC run lines (`qid Q0 article_id rank score zoek`), one per hit.
pub fn print_trec(out: &mut impl Write, qid: &str, hits: &[Hit]) -> io::Result<()> {
    for hit in hits {
        writeln!(
            out,
            "{}",
            crate::eval::trec_line(qid, &hit.article_id, hit.rank, hit.score)
        )?;
    }
    Ok(())
}

/// What the human output says about a suggestion (on stderr).
pub fn suggestion_line(suggestion: &Suggestion) -> String {
    format!("bedoelde u: {}?", suggestion.query)
}

/// Prints `--count` for a person (and simple scripts): `12 passages in 4 articles`.
pub fn print_count(out: &mut impl Write, outcome: &Outcome) -> io::Result<()> {
    if let Some(count) = outcome.count {
        writeln!(
            out,
            "{} passages in {} articles",
            count.passages, count.articles
        )?;
    }
    Ok(())
}

/// Prints the analyzer's tokens of `text`: a table, or one JSON object per token.
pub fn print_tokens(
    out: &mut impl Write,
    text: &str,
    tokens: &[AnalyzedToken],
    json: bool,
) -> io::Result<()> {
    if !json {
        writeln!(
            out,
            "{:>4}  {:>9}  {:<13}  {:<24}  text",
            "pos", "bytes", "kind", "term"
        )?;
    }
    for t in tokens {
        let original = &text[t.start..t.end];
        if json {
            let value = serde_json::json!({
                "term": t.term,
                "text": original,
                "position": t.position,
                "start": t.start,
                "end": t.end,
                "kind": t.kind.name(),
                "stopword": t.stopword,
            });
            writeln!(out, "{value}")?;
        } else {
            let stop = if t.stopword { "  (stopword)" } else { "" };
            writeln!(
                out,
                "{:>4}  {:>9}  {:<13}  {:<24}  {original}{stop}",
                t.position,
                format!("{}..{}", t.start, t.end),
                t.kind.name(),
                t.term
            )?;
        }
    }
    Ok(())
}

/// Writes the items of a build that were not simply indexed, one JSON object per line:
/// `{"status": "skipped"|"failed"|"warning", "path", "line", "reason"}`.
pub fn write_build_report(out: &mut impl Write, report: &BuildReport) -> io::Result<()> {
    let mut line = |status: &str, path: &str, number: Option<usize>, reason: &str| {
        let value = serde_json::json!({
            "status": status,
            "path": path,
            "line": number,
            "reason": reason,
        });
        writeln!(out, "{value}")
    };
    for (reason, paths) in &report.skipped {
        for path in paths {
            line("skipped", path, None, reason)?;
        }
    }
    for problem in &report.failures {
        line("failed", &problem.path, problem.line, &problem.message)?;
    }
    for problem in &report.warnings {
        line("warning", &problem.path, problem.line, &problem.message)?;
    }
    Ok(())
}

/// Prints one JSON object per hit per line.
pub fn print_json(out: &mut impl Write, hits: &[Hit]) -> io::Result<()> {
    for hit in hits {
        serde_json::to_writer(&mut *out, hit)?;
        writeln!(out)?;
    }
    Ok(())
}

/// After the hits, one JSON object about the whole query when there is something to say:
/// its count (`--count`), a suggestion, or notes (`--explain`). It has `query` and no
/// `rank`, which tells it from a hit.
pub fn print_json_summary(
    out: &mut impl Write,
    qid: Option<&str>,
    query: &str,
    outcome: &Outcome,
) -> io::Result<()> {
    if outcome.count.is_none() && outcome.suggestion.is_none() && outcome.notes.is_empty() {
        return Ok(());
    }
    let mut summary = json!({ "query": query });
    if let Some(qid) = qid {
        summary["qid"] = json!(qid);
    }
    if let Some(count) = outcome.count {
        summary["passages"] = json!(count.passages);
        summary["articles"] = json!(count.articles);
    }
    if let Some(suggestion) = &outcome.suggestion {
        summary["suggestion"] = json!(suggestion.query);
    }
    if !outcome.notes.is_empty() {
        summary["notes"] = json!(outcome.notes);
    }
    serde_json::to_writer(&mut *out, &summary)?;
    writeln!(out)
}

/// Prints a whole article (`zoek show`) for a person: metadata, then its passages.
pub fn print_article(out: &mut impl Write, article: &Article) -> io::Result<()> {
    writeln!(out, "{TITLE}{}{TITLE:#}", article.title)?;
    let mut about: Vec<&str> = Vec::new();
    if let Some(date) = &article.date {
        about.push(date);
    }
    if !article.source.is_empty() {
        about.push(&article.source);
    }
    if !article.url.is_empty() {
        about.push(&article.url);
    }
    if !about.is_empty() {
        writeln!(out, "{}", about.join(" · "))?;
    }
    writeln!(
        out,
        "{PATH}{}{PATH:#}  {DIM}id {}{DIM:#}",
        article.path, article.article_id
    )?;
    for passage in &article.passages {
        writeln!(out)?;
        write_highlighted(out, &passage.passage, &passage.highlights)?;
        writeln!(out)?;
    }
    Ok(())
}

/// Prints a whole article as one JSON object.
pub fn print_article_json(out: &mut impl Write, article: &Article) -> io::Result<()> {
    serde_json::to_writer(&mut *out, article)?;
    writeln!(out)
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
            qid: None,
            rank: 1,
            score: 1.5,
            article_id: "a".into(),
            title: "Titel".into(),
            date: Some("2020-11-18".into()),
            source: "Bron".into(),
            url: String::new(),
            path: "corpus/a.md".into(),
            line: 7,
            passage: "over fraude".into(),
            highlights: vec![(5, 11)],
            ordinal: 0,
            context: None,
            explain: None,
        };
        let mut raw = Vec::new();
        print_human(&mut raw, &[hit]).unwrap();
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
}
