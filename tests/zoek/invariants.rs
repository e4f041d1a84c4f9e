//! The invariants the fuzz targets (`fuzz/`) and the property tests (`properties.rs`)
//! check, written once: each function panics with a message when its stage breaks one.
//!
//! The fuzz targets include this file by path, so keep it free of test-only dependencies.
//! Each fuzz target uses only some of it.
#![allow(dead_code)]

use std::collections::HashMap;
use std::path::Path;

use zoek::analysis::words::Words;
use zoek::analysis::{DutchAnalyzer, TokenKind, MAX_TERM_BYTES, PART_MARK};
use zoek::corpus::passage::{self, MAX_PASSAGE_BYTES};
use zoek::corpus::{self, FileRead};
use zoek::index::{BuildOptions, ZoekIndex};
use zoek::query::{self, MatchMode};
use zoek::search::{self, SearchOptions, View};

/// Tokens of `text`: offsets on character boundaries inside the text, `start < end`,
/// terms non-empty and at most [`MAX_TERM_BYTES`], word positions increasing, positions of
/// the other kinds non-decreasing, and for every term its positions non-decreasing in the
/// order tantivy receives them (its postings writer subtracts consecutive positions).
pub fn check_tokens(analyzer: &DutchAnalyzer, text: &str) {
    let tokens = analyzer.tokens(text);
    let mut last_word: Option<usize> = None;
    let mut last_of_kind: HashMap<&'static str, usize> = HashMap::new();
    let mut last_of_term: HashMap<&str, usize> = HashMap::new();
    for t in &tokens {
        assert!(
            t.start < t.end && t.end <= text.len(),
            "token {t:?} outside {text:?}"
        );
        assert!(
            text.is_char_boundary(t.start) && text.is_char_boundary(t.end),
            "token {t:?} not on character boundaries of {text:?}"
        );
        assert!(!t.term.is_empty(), "empty term {t:?} in {text:?}");
        assert!(t.term.len() <= MAX_TERM_BYTES, "term too long: {t:?}");
        assert_eq!(
            t.term.starts_with(PART_MARK),
            t.kind == TokenKind::CompoundPart,
            "only compound parts start with {PART_MARK}: {t:?}"
        );
        if t.kind == TokenKind::Word {
            assert!(
                last_word.is_none_or(|p| t.position > p),
                "word positions not increasing at {t:?} in {text:?}"
            );
            last_word = Some(t.position);
        } else {
            // Joined words and compound parts stand at the position of a word already seen.
            assert!(
                last_word.is_some_and(|p| t.position <= p),
                "{t:?} before its word in {text:?}"
            );
        }
        let previous = last_of_kind.insert(t.kind.name(), t.position);
        assert!(
            previous.is_none_or(|p| t.position >= p),
            "{} positions decrease at {t:?} in {text:?}",
            t.kind.name()
        );
        let previous = last_of_term.insert(t.term.as_str(), t.position);
        assert!(
            previous.is_none_or(|p| t.position >= p),
            "positions of term {:?} decrease at {t:?} in {text:?}",
            t.term
        );
    }
}

/// `terms_of_line`: one space between terms, none at the ends, when the line has words.
pub fn check_terms_of_line(analyzer: &DutchAnalyzer, line: &str) {
    let terms = analyzer.terms_of_line(line);
    let has_words = analyzer
        .tokens(line)
        .iter()
        .any(|t| t.kind == TokenKind::Word);
    if has_words {
        assert!(
            !terms.is_empty()
                && !terms.starts_with(' ')
                && !terms.ends_with(' ')
                && !terms.contains("  "),
            "terms of {line:?}: {terms:?}"
        );
    }
}

/// Passages: nothing lost (the non-white-space characters of the body, in order), each at
/// most [`MAX_PASSAGE_BYTES`], not empty, white space folded, lines increasing and inside
/// the body.
pub fn check_passages(body: &str) {
    let passages = passage::split(body);
    let newlines = body.bytes().filter(|&b| b == b'\n').count();
    let mut last_line = None;
    for p in &passages {
        assert!(
            p.text.len() <= MAX_PASSAGE_BYTES,
            "passage of {} bytes",
            p.text.len()
        );
        assert!(!p.text.is_empty(), "empty passage from {body:?}");
        assert_eq!(
            p.text,
            p.text.split_whitespace().collect::<Vec<_>>().join(" "),
            "white space not folded"
        );
        assert!(p.line <= newlines, "line {} of {newlines}", p.line);
        assert!(
            last_line.is_none_or(|l| p.line >= l),
            "lines go back at {p:?} in {body:?}"
        );
        last_line = Some(p.line);
    }
    let kept: String = passages
        .iter()
        .flat_map(|p| p.text.chars())
        .filter(|c| !c.is_whitespace())
        .collect();
    let original: String = body.chars().filter(|c| !c.is_whitespace()).collect();
    assert_eq!(kept, original, "text lost or reordered in {body:?}");
    // A search scores a passage by the body's positions within it: cut at white space, the
    // passages hold the body's words in order (unless a run without white space longer
    // than a passage had to be cut).
    if body
        .split_whitespace()
        .all(|run| run.len() <= MAX_PASSAGE_BYTES)
    {
        let words_of = |text: &str| -> Vec<String> {
            Words::new(text)
                .map(|w| text[w.start..w.end].to_string())
                .collect()
        };
        let in_passages: Vec<String> = passages.iter().flat_map(|p| words_of(&p.text)).collect();
        assert_eq!(
            in_passages,
            words_of(body),
            "the passages' words are not the body's in {body:?}"
        );
    }
}

/// A query: parsing and compiling never panic; an error is a non-empty message with a place
/// inside the query; a compiled query builds for every match mode.
pub fn check_query(index: &ZoekIndex, input: &str) {
    let check_error = |e: &query::QueryError| {
        assert!(
            !e.to_string().trim().is_empty(),
            "empty message for {input:?}"
        );
        if let Some(span) = &e.span {
            assert!(
                span.start <= span.end
                    && span.end <= input.len()
                    && input.is_char_boundary(span.start)
                    && input.is_char_boundary(span.end),
                "error place {span:?} outside {input:?}"
            );
        }
    };
    match query::parse(input) {
        Ok(node) => match query::compile(node, index.analyzer()) {
            Ok(compiled) => {
                for mode in [MatchMode::Ranked, MatchMode::All, MatchMode::Any] {
                    compiled.query(index.schema(), mode);
                }
            }
            Err(e) => check_error(&e),
        },
        Err(e) => check_error(&e),
    }
}

/// A query run on an index (hits with explanations and suggestions, then counts): no panic,
/// an error is a message, hits are ranked and their highlights lie inside their passage.
pub fn check_search(index: &ZoekIndex, input: &str) {
    for per_article in [false, true] {
        check_search_with(index, input, per_article);
    }
}

fn check_search_with(index: &ZoekIndex, input: &str, per_article: bool) {
    let view = if per_article {
        View::ArticlesWithPassage
    } else {
        View::Passages
    };
    // A few hits with context, and every hit with the whole article around it: a huge
    // limit and context must cost what is found, never what is asked.
    for (limit, context) in [(5, 1), (usize::MAX, usize::MAX)] {
        let explain = SearchOptions {
            limit,
            view,
            explain: true,
            context,
            ..SearchOptions::default()
        };
        match search::run(index, input, &explain) {
            Ok(outcome) => {
                for (i, hit) in outcome.hits().iter().enumerate() {
                    assert_eq!(hit.rank, i + 1);
                    let text = &hit.passage.text;
                    for &(start, end) in &hit.highlights {
                        assert!(
                            start < end
                                && end <= text.len()
                                && text.is_char_boundary(start)
                                && text.is_char_boundary(end),
                            "highlight {start}..{end} in {text:?} for {input:?}"
                        );
                    }
                }
            }
            Err(e) => assert!(!e.to_string().trim().is_empty()),
        }
    }
    let count = SearchOptions {
        view: View::Count,
        matching: MatchMode::Any,
        ..SearchOptions::default()
    };
    if let Ok(outcome) = search::run(index, input, &count) {
        let search::Found::Count(count) = outcome.found else {
            panic!("a count view gives a count");
        };
        assert!(count.articles <= index.searcher().num_docs());
    }
}

/// The file names the reader target and properties feed, one per format (and a gzipped one
/// whose bytes are given as they are, to exercise the gzip decoder on garbage).
pub const READER_NAMES: [&str; 7] = [
    "2019-03-12-stuk.md",
    "stuk.txt",
    "stukken.jsonl",
    "stuk.json",
    "stuk.html",
    "stukken.jsonl.gz",
    "stuk.json.gz",
];

/// Reading one file: never a panic; articles have a non-empty id, a line inside the file
/// and a passage split that keeps the invariants; problems have messages and their lines lie
/// inside the file.
pub fn check_reader(name: &str, bytes: Vec<u8>) -> FileRead {
    let display = format!("corpus/{name}");
    let read = corpus::parse_file(name, Path::new(&display), &display, bytes);
    for article in &read.articles {
        assert!(!article.id.trim().is_empty(), "article without id");
        assert_eq!(article.path, display);
        assert!(article.line >= 1, "line 0 in {name}");
        check_passages(&article.body);
    }
    for problem in read.failures.iter().chain(&read.warnings) {
        assert!(
            !problem.message.trim().is_empty(),
            "problem without message"
        );
        assert_eq!(problem.path, display);
        assert!(problem.line != Some(0), "line 0: {problem}");
    }
    read
}

/// A few small articles of the formats zoek reads, written for these checks.
const SMALL_CORPUS: [(&str, &str); 4] = [
    (
        "2021-03-17-verkiezingen.md",
        "---\ntitle: Kiezers gaan naar de stembus\nsource: Omroep West\n---\n\nDe Tweede Kamerverkiezingen trokken veel kiezers. In Noord-Holland stonden rijen.\n\nDe CDA-leider sprak van een \"feest van de democratie\".\n\nEen verzonnen woord als ge-Zud brak ooit de index.\n",
    ),
    (
        "2020-02-09-storm.txt",
        "# Storm raast over Zeeland\n\nBomen vielen om in Middelburg. De brandweer rukte uit.\n\nIn 's-Hertogenbosch bleef het rustig; zo'n storm komt eens per jaar.\n",
    ),
    (
        "kort.jsonl",
        "{\"id\":\"k1\",\"title\":\"Café gaat weer open\",\"date\":\"2021-06-12\",\"source\":\"Nieuwsbode\",\"body\":\"Het café in de ruïne opent zaterdag. Één reünie volgt.\"}\n{\"title\":\"Fraude bij verkiezingen\",\"body\":\"Verkiezingsfraude werd niet gevonden, zei de commissie.\"}\n",
    ),
    (
        "pagina.html",
        "<html><head><title>Auto's in de stad</title><meta property=\"og:site_name\" content=\"Het Noorderlicht\"></head><body><article><h1>Auto's in de stad</h1><p>De gemeente weert auto's uit het centrum.</p></article></body></html>",
    ),
];

/// Indexes [`SMALL_CORPUS`] into `dir` (a fresh folder) and opens it.
pub fn small_index(dir: &Path) -> ZoekIndex {
    let corpus = dir.join("corpus");
    std::fs::create_dir_all(&corpus).expect("corpus folder");
    for (name, text) in SMALL_CORPUS {
        std::fs::write(corpus.join(name), text).expect("write article");
    }
    let index = dir.join("index");
    let options = BuildOptions {
        rebuild: true,
        ..BuildOptions::default()
    };
    let report = zoek::index::build(
        &corpus,
        &index,
        &options,
        &mut zoek::index::build::Unobserved,
    )
    .expect("build the small index");
    assert!(
        report.failures.is_empty() && report.warnings.is_empty(),
        "small corpus: {:?} {:?}",
        report.failures,
        report.warnings
    );
    zoek::index::open(&index).expect("open the small index")
}

/// The pieces [`html_of_ops`] builds a page from: elements that keep their text (no
/// script, style or navigation, which the reader drops on purpose), some closing others
/// implicitly, some void, some with attributes.
const HTML_PIECES: [&str; 24] = [
    "<div>",
    "</div>",
    "<span>",
    "</span>",
    "<p>",
    "</p>",
    "<table>",
    "<tr>",
    "<td>",
    "</td>",
    "</table>",
    "<ul>",
    "<li>",
    "</ul>",
    "<b>",
    "</i>",
    "<section class=\"a\" id=b>",
    "<br>",
    "<img src=x alt=\"a>b\">",
    "<blockquote>",
    "<a href='/x' title=\"t\">",
    "</a>",
    "<font size=2>",
    "</section>",
];

/// Words the page's text is made of, each findable as itself.
const HTML_WORDS: [&str; 8] = [
    "gemeente",
    "raad",
    "begroting",
    "dijk",
    "storm",
    "haven",
    "school",
    "trein",
];

/// An HTML page nested as `ops` say: each byte is a piece (an element of
/// [`HTML_PIECES`], a word of [`HTML_WORDS`], or a run of 1,000 opening `<div>`s or `<span>`s
/// to go deep fast), with a last word after it all. Returns the page and the words in it.
pub fn html_of_ops(ops: &[u8]) -> (String, Vec<&'static str>) {
    let mut page = String::from("<html><head><title>Diep</title></head><body><article>");
    let mut words = Vec::new();
    for &op in ops {
        match op % 40 {
            n @ 0..=23 => page.push_str(HTML_PIECES[usize::from(n)]),
            n @ 24..=31 => {
                let word = HTML_WORDS[usize::from(n - 24)];
                page.push_str(word);
                page.push(' ');
                words.push(word);
            }
            32..=35 => page.push_str(&"<div>".repeat(1000)),
            36..=37 => page.push_str(&"<span>".repeat(1000)),
            _ => page.push_str(&"<table><tr><td>".repeat(300)),
        }
    }
    page.push_str("<p>slotzin</p></article></body></html>");
    words.push("slotzin");
    (page, words)
}

/// An HTML page of any nesting: read without a panic or a stack overflow, as one article
/// that keeps every word of its text (elements too deep are flattened, never their text).
pub fn check_html_nesting(ops: &[u8]) {
    let (page, words) = html_of_ops(ops);
    let read = check_reader("stuk.html", page.clone().into_bytes());
    assert_eq!(read.articles.len(), 1, "one article from {page:.200}");
    let body = &read.articles[0].body;
    for word in words {
        assert!(
            body.split_whitespace().any(|w| w == word),
            "'{word}' lost from a page of {} bytes: {body:.300}",
            page.len()
        );
    }
}
