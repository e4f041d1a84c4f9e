//! Query parsing: turns what the user typed into a tantivy query and the terms to highlight.
//!
//! Syntax: words (all required), `OR` between alternatives, `-word` or `NOT word` to
//! exclude, `"an exact phrase"`, `title:word` / `body:"phrase"` for one field, and
//! parentheses. `OR` binds tighter than the implicit AND: `a b OR c` means a AND (b OR c).
//! `word~` / `word~2` match within an edit distance, `verkiez*` matches word beginnings,
//! `date:[2019-03-01 TO 2019-03-31]` / `date:2019-03` and `source:NAME` filter.
//! Every word goes through the index's own Dutch analyzer.

use std::fmt;
use std::ops::Bound;

use tantivy::query::{
    AllQuery, BooleanQuery, BoostQuery, ConstScoreQuery, EmptyQuery, ExistsQuery, Occur,
    PhraseQuery, Query, RangeQuery, TermQuery,
};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::Term;

use crate::analysis::{AnalyzedToken, DutchAnalyzer, PrefixTerms, TokenKind, PART_MARK};
use crate::filter::{self, DateRange, Filter, Filters};
use crate::index::{self, Fields};
use crate::vocab::{ExpandQuery, Pattern};

/// How much more a match in the title weighs than one in the body.
pub const TITLE_BOOST: f32 = 2.0;
/// Weight of a word found as part of a compound (`fraude` in `verkiezingsfraude`) relative
/// to the word itself.
pub const PART_BOOST: f32 = 0.25;
/// Weight of a compound's parts found apart (`fraude` near `verkiezingen` for the query
/// `verkiezingsfraude`) relative to the compound itself.
pub const SPLIT_BOOST: f32 = 0.5;

/// Which documents a query ranks: passages (what zoek prints) or whole articles (for
/// `--per-article`, TREC output and `zoek eval`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Level {
    #[default]
    Passage,
    Article,
}

impl Level {
    /// The `level` field's value on this level's documents.
    pub fn term(self) -> &'static str {
        match self {
            Level::Passage => index::PASSAGE_LEVEL,
            Level::Article => index::ARTICLE_LEVEL,
        }
    }
}

/// Only the documents of `level`, as a clause that adds nothing to the score.
pub fn level_filter(fields: &Fields, level: Level) -> Box<dyn Query> {
    filter_clause(term_query(fields.level, level.term()))
}

/// Whether a passage must contain every word of the query, or any of them (ranked by how
/// many and how rare: natural-language queries such as headlines).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum MatchMode {
    #[default]
    All,
    Any,
}

/// A syntax error, with where it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueryError(pub String);

impl fmt::Display for QueryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for QueryError {}

/// Which fields a clause searches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    All,
    Title,
    Body,
}

/// The largest edit distance of `word~N`.
pub const MAX_EDITS: u8 = 2;

/// The parsed query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Node {
    Word(Scope, String),
    Phrase(Scope, String),
    /// `word~N`: terms within N edits of the word's term; `None` (`word~`) picks N from the
    /// word's length (see [`auto_edits`]).
    Fuzzy(Scope, String, Option<u8>),
    /// `verkiez*`: terms that start with the folded prefix.
    Prefix(Scope, String),
    /// `date:…`, `source:…`; never changes scores.
    Filter(Filter),
    And(Vec<Node>),
    Or(Vec<Node>),
    Not(Box<Node>),
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Lexeme {
    Word(String),
    Phrase(String),
    Field(Scope),
    /// `source:` (its name follows as a word or phrase).
    Source,
    Date(DateRange),
    Open,
    Close,
    Or,
    And,
    Not,
}

fn field_lexeme(name: &str) -> Option<Lexeme> {
    match name {
        "title" => Some(Lexeme::Field(Scope::Title)),
        "body" => Some(Lexeme::Field(Scope::Body)),
        "source" => Some(Lexeme::Source),
        _ => None,
    }
}

/// The edit distance of `word~` without a number: none for words of up to 2 letters, 1 up
/// to 5 letters, 2 beyond (as Elasticsearch's `AUTO`).
pub fn auto_edits(word: &str) -> u8 {
    match word.chars().filter(|c| c.is_alphanumeric()).count() {
        0..=2 => 0,
        3..=5 => 1,
        _ => 2,
    }
}

/// `date:` followed by `[A TO B]` or a period; `rest` is what follows `date:` in the word,
/// `from` where that starts in `input`. Returns the range and where the lexeme ends.
fn lex_date(input: &str, from: usize, rest: &str) -> Result<(DateRange, usize), QueryError> {
    if rest.starts_with('[') {
        let Some(close) = input[from..].find(']') else {
            return Err(QueryError(
                "unclosed '[' in date:[…]; write date:[2019-03-01 TO 2019-03-31]".into(),
            ));
        };
        let range =
            DateRange::parse_bracketed(&input[from + 1..from + close]).map_err(QueryError)?;
        return Ok((range, from + close + 1));
    }
    if rest.is_empty() {
        return Err(QueryError(
            "date: needs a date or a range, e.g. date:2019-03 or date:[2019-03-01 TO 2019-03-31]"
                .into(),
        ));
    }
    let period = filter::parse_period(rest).map_err(QueryError)?;
    Ok((DateRange::period(period), from + rest.len()))
}

fn lex(input: &str) -> Result<Vec<Lexeme>, QueryError> {
    let mut out = Vec::new();
    let mut chars = input.char_indices().peekable();
    while let Some(&(i, c)) = chars.peek() {
        if c.is_whitespace() {
            chars.next();
            continue;
        }
        match c {
            '(' => {
                chars.next();
                out.push(Lexeme::Open);
            }
            ')' => {
                chars.next();
                out.push(Lexeme::Close);
            }
            '-' | '+' if out.last() != Some(&Lexeme::Not) => {
                chars.next();
                let followed = chars.peek().is_some_and(|&(_, n)| !n.is_whitespace());
                if c == '-' && followed {
                    out.push(Lexeme::Not);
                }
            }
            '"' | '“' | '”' => {
                chars.next();
                let start = i + c.len_utf8();
                let mut end = None;
                for (j, q) in chars.by_ref() {
                    if matches!(q, '"' | '“' | '”') {
                        end = Some(j);
                        break;
                    }
                }
                let Some(end) = end else {
                    return Err(QueryError(format!(
                        "unclosed quote at character {} of the query; close the phrase with '\"'",
                        input[..i].chars().count() + 1
                    )));
                };
                out.push(Lexeme::Phrase(input[start..end].to_string()));
            }
            _ => {
                let mut end = input.len();
                while let Some(&(j, w)) = chars.peek() {
                    if w.is_whitespace() || matches!(w, '(' | ')' | '"' | '“' | '”') {
                        end = j;
                        break;
                    }
                    chars.next();
                }
                let word = &input[i..end];
                if let Some((name, rest)) = word.split_once(':') {
                    let is_field_like =
                        !name.is_empty() && name.chars().all(|ch| ch.is_alphabetic());
                    let lower = name.to_lowercase();
                    if is_field_like && lower == "date" {
                        let (range, after) = lex_date(input, i + name.len() + 1, rest)?;
                        out.push(Lexeme::Date(range));
                        while chars.peek().is_some_and(|&(j, _)| j < after) {
                            chars.next();
                        }
                        continue;
                    }
                    let field = field_lexeme(&lower).filter(|_| is_field_like);
                    // `Economie: ...` (a colon ending a word, as in headlines) is text;
                    // `titel:fraude` is a mistyped field.
                    if is_field_like && field.is_none() && !rest.is_empty() {
                        return Err(QueryError(format!(
                            "unknown field '{name}' in '{word}'; fields are title, body, date and source"
                        )));
                    }
                    if let Some(field) = field {
                        out.push(field);
                        if !rest.is_empty() {
                            out.push(Lexeme::Word(rest.to_string()));
                        }
                        continue;
                    }
                }
                out.push(match word {
                    "OR" => Lexeme::Or,
                    "AND" => Lexeme::And,
                    "NOT" => Lexeme::Not,
                    _ => Lexeme::Word(word.to_string()),
                });
            }
        }
    }
    Ok(out)
}

struct Parser {
    lexemes: Vec<Lexeme>,
    at: usize,
}

impl Parser {
    fn peek(&self) -> Option<&Lexeme> {
        self.lexemes.get(self.at)
    }

    fn next(&mut self) -> Option<Lexeme> {
        let lexeme = self.lexemes.get(self.at).cloned();
        self.at += 1;
        lexeme
    }

    /// and := or (AND? or)*
    fn and(&mut self) -> Result<Node, QueryError> {
        let mut items = Vec::new();
        loop {
            match self.peek() {
                None | Some(Lexeme::Close) => break,
                Some(Lexeme::And) => {
                    self.next();
                    if items.is_empty() {
                        return Err(QueryError("AND needs a word before it".into()));
                    }
                    continue;
                }
                _ => items.push(self.or()?),
            }
        }
        match items.len() {
            0 => Err(QueryError("empty query".into())),
            1 => Ok(items.pop().unwrap_or(Node::And(Vec::new()))),
            _ => Ok(Node::And(items)),
        }
    }

    /// or := unary (OR unary)*
    fn or(&mut self) -> Result<Node, QueryError> {
        let mut items = vec![self.unary()?];
        while self.peek() == Some(&Lexeme::Or) {
            self.next();
            match self.peek() {
                None | Some(Lexeme::Close) | Some(Lexeme::Or) | Some(Lexeme::And) => {
                    return Err(QueryError("OR needs a word after it".into()))
                }
                _ => items.push(self.unary()?),
            }
        }
        Ok(if items.len() == 1 {
            items.remove(0)
        } else {
            Node::Or(items)
        })
    }

    fn unary(&mut self) -> Result<Node, QueryError> {
        if self.peek() == Some(&Lexeme::Not) {
            self.next();
            if self.peek().is_none() {
                return Err(QueryError("NOT needs a word after it".into()));
            }
            return Ok(Node::Not(Box::new(self.unary()?)));
        }
        self.primary(Scope::All)
    }

    fn primary(&mut self, scope: Scope) -> Result<Node, QueryError> {
        match self.next() {
            Some(Lexeme::Word(w)) => word_node(scope, w),
            Some(Lexeme::Phrase(p)) => Ok(Node::Phrase(scope, p)),
            Some(Lexeme::Date(range)) if scope == Scope::All => {
                Ok(Node::Filter(Filter::Date(range)))
            }
            Some(Lexeme::Source) if scope == Scope::All => match self.next() {
                Some(Lexeme::Word(name)) | Some(Lexeme::Phrase(name))
                    if !name.trim().is_empty() =>
                {
                    Ok(Node::Filter(Filter::Source(name)))
                }
                _ => Err(QueryError(
                    "source: needs a name, e.g. source:nieuwsbode or source:\"Omroep West\"".into(),
                )),
            },
            Some(Lexeme::Date(_)) | Some(Lexeme::Source) => Err(QueryError(
                "date: and source: cannot stand inside title: or body:".into(),
            )),
            Some(Lexeme::Field(inner)) if scope == Scope::All => match self.peek() {
                Some(Lexeme::Word(_)) | Some(Lexeme::Phrase(_)) | Some(Lexeme::Open) => {
                    self.primary(inner)
                }
                _ => Err(QueryError(
                    "a field name needs a word or phrase after ':'".into(),
                )),
            },
            Some(Lexeme::Open) => {
                let inner = self.and()?;
                if self.next() != Some(Lexeme::Close) {
                    return Err(QueryError("unclosed '('; add ')'".into()));
                }
                Ok(if scope == Scope::All {
                    inner
                } else {
                    rescope(inner, scope)
                })
            }
            Some(Lexeme::Close) => Err(QueryError("unmatched ')'".into())),
            Some(Lexeme::Or) => Err(QueryError("OR needs a word before it".into())),
            Some(Lexeme::And) | Some(Lexeme::Not) | Some(Lexeme::Field(_)) | None => {
                Err(QueryError("a word is missing".into()))
            }
        }
    }
}

/// A word, or a fuzzy (`word~`, `word~2`) or prefix (`verkiez*`) pattern.
fn word_node(scope: Scope, word: String) -> Result<Node, QueryError> {
    if let Some(stem) = word.strip_suffix('*') {
        if stem.is_empty() || stem.ends_with('*') || stem.ends_with('~') {
            return Err(QueryError(format!(
                "'{word}': a prefix needs letters before one '*', e.g. verkiez*"
            )));
        }
        return Ok(Node::Prefix(scope, stem.to_string()));
    }
    if let Some((stem, edits)) = word.rsplit_once('~') {
        if stem.is_empty() {
            return Err(QueryError(format!(
                "'{word}': '~' follows a word, e.g. verkiezing~ or verkiezing~2"
            )));
        }
        let edits = match edits {
            "" => None,
            n => match n.parse::<u8>() {
                Ok(n) if n <= MAX_EDITS => Some(n),
                _ => {
                    return Err(QueryError(format!(
                        "'{word}': the edit distance after '~' is 0, 1 or 2"
                    )))
                }
            },
        };
        return Ok(Node::Fuzzy(scope, stem.to_string(), edits));
    }
    Ok(Node::Word(scope, word))
}

fn rescope(node: Node, scope: Scope) -> Node {
    match node {
        Node::Word(_, w) => Node::Word(scope, w),
        Node::Phrase(_, p) => Node::Phrase(scope, p),
        Node::Fuzzy(_, w, n) => Node::Fuzzy(scope, w, n),
        Node::Prefix(_, w) => Node::Prefix(scope, w),
        Node::Filter(f) => Node::Filter(f),
        Node::And(items) => Node::And(items.into_iter().map(|n| rescope(n, scope)).collect()),
        Node::Or(items) => Node::Or(items.into_iter().map(|n| rescope(n, scope)).collect()),
        Node::Not(inner) => Node::Not(Box::new(rescope(*inner, scope))),
    }
}

/// Parses the query syntax.
pub fn parse(input: &str) -> Result<Node, QueryError> {
    let mut parser = Parser {
        lexemes: lex(input)?,
        at: 0,
    };
    if parser.lexemes.is_empty() {
        return Err(QueryError("empty query".into()));
    }
    let node = parser.and()?;
    if parser.at < parser.lexemes.len() {
        return Err(QueryError("unmatched ')'".into()));
    }
    Ok(node)
}

/// What to highlight in a passage, and how a passage's word matched (for `--explain`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Matcher {
    /// Tokens with this term; `word` is the query word it came from.
    Term { term: String, word: String },
    /// A sequence of terms that must stand together, at these relative positions; `text`
    /// is the query's phrase.
    Phrase {
        sequence: Vec<(usize, String)>,
        text: String,
    },
    /// Tokens whose term is within `edits` edits of `term`.
    Fuzzy {
        term: String,
        word: String,
        edits: u8,
    },
    /// Tokens whose term starts with the prefix (or is the prefix read as a word).
    Prefix { terms: PrefixTerms, word: String },
    /// Tokens with this term, reached through compound splitting: the query word inside a
    /// compound (`+fraud` for `fraude`) or a part of a compound query word.
    Part { term: String, word: String },
}

/// A query ready to run.
pub struct Compiled {
    pub query: Box<dyn Query>,
    /// What to highlight in a passage's body.
    pub matchers: Vec<Matcher>,
    /// What matches in the title (for `--explain`).
    pub title_matchers: Vec<Matcher>,
    /// The parsed query, filters included.
    pub node: Node,
    /// Whether a date filter takes part (so articles without a date are left out).
    pub has_date_filter: bool,
    /// How its words combine.
    pub mode: MatchMode,
}

struct Compiler<'a> {
    analyzer: &'a DutchAnalyzer,
    fields: &'a Fields,
    /// Drop stopwords from free-text clauses (false when the query has nothing else).
    drop_stopwords: bool,
    /// How the words of a query combine: Must (all required) or Should (any, ranked).
    positive_occur: Occur,
    /// Which fields the words search.
    level: Level,
    /// Compile date filters as if they passed every article (for counting what a date
    /// filter left out).
    neutral_dates: bool,
    matchers: Vec<Matcher>,
    title_matchers: Vec<Matcher>,
}

/// Parses and compiles `input` against an index's fields and analyzer.
pub fn compile(
    input: &str,
    mode: MatchMode,
    analyzer: &DutchAnalyzer,
    fields: &Fields,
) -> Result<Compiled, QueryError> {
    compile_node(parse(input)?, mode, Level::Passage, analyzer, fields)
}

/// `node` narrowed by the command line's filters: every filter is required; several
/// `--source`s are alternatives.
pub fn with_filters(node: Node, filters: &Filters) -> Node {
    if filters.is_empty() {
        return node;
    }
    let mut items = match node {
        Node::And(items) => items,
        other => vec![other],
    };
    if let Some(range) = filters.date {
        items.push(Node::Filter(Filter::Date(range)));
    }
    let mut sources: Vec<Node> = filters
        .sources
        .iter()
        .map(|s| Node::Filter(Filter::Source(s.clone())))
        .collect();
    match sources.len() {
        0 => {}
        1 => items.append(&mut sources),
        _ => items.push(Node::Or(sources)),
    }
    Node::And(items)
}

/// Compiles a parsed query.
pub fn compile_node(
    node: Node,
    mode: MatchMode,
    level: Level,
    analyzer: &DutchAnalyzer,
    fields: &Fields,
) -> Result<Compiled, QueryError> {
    let mut compiler = Compiler::new(&node, mode, analyzer, fields, false);
    compiler.level = level;
    let mut query = compiler
        .node(&node, true)?
        .ok_or_else(|| QueryError("the query has no searchable words".into()))?;
    if !has_text(&node) {
        // Filters alone hold for both kinds of document; keep the level asked for.
        query = Box::new(BooleanQuery::new(vec![
            (Occur::Must, query),
            (Occur::Must, level_filter(fields, level)),
        ]));
    }
    if loose_date_filter(&node, true) {
        // A date filter under NOT or OR must still leave out articles without a date.
        query = Box::new(BooleanQuery::new(vec![
            (Occur::Must, query),
            (Occur::Must, filter_clause(has_date())),
        ]));
    }
    Ok(Compiled {
        query,
        matchers: compiler.matchers,
        title_matchers: compiler.title_matchers,
        has_date_filter: has_date_filter(&node),
        node,
        mode,
    })
}

/// The passages without a date that the query would match if its date filters let
/// undated articles through; `None` when it has no date filter.
pub fn undated_probe(
    node: &Node,
    mode: MatchMode,
    analyzer: &DutchAnalyzer,
    fields: &Fields,
) -> Result<Option<Box<dyn Query>>, QueryError> {
    if !has_date_filter(node) {
        return Ok(None);
    }
    let mut compiler = Compiler::new(node, mode, analyzer, fields, true);
    Ok(compiler.node(node, true)?.map(|query| -> Box<dyn Query> {
        Box::new(BooleanQuery::new(vec![
            (Occur::Must, query),
            (Occur::MustNot, has_date()),
        ]))
    }))
}

fn has_date() -> Box<dyn Query> {
    Box::new(ExistsQuery::new(index::DATE_KEY.to_string(), false))
}

fn has_date_filter(node: &Node) -> bool {
    match node {
        Node::Filter(Filter::Date(_)) => true,
        Node::And(items) | Node::Or(items) => items.iter().any(has_date_filter),
        Node::Not(inner) => has_date_filter(inner),
        _ => false,
    }
}

/// Whether a date filter stands where it does not by itself require a date (under NOT,
/// or as an OR alternative).
fn loose_date_filter(node: &Node, required: bool) -> bool {
    match node {
        Node::Filter(Filter::Date(_)) => !required,
        Node::And(items) => items.iter().any(|n| loose_date_filter(n, required)),
        Node::Or(items) => items.iter().any(|n| loose_date_filter(n, false)),
        Node::Not(inner) => loose_date_filter(inner, false),
        _ => false,
    }
}

/// Whether the query searches any text (else it is filters only).
fn has_text(node: &Node) -> bool {
    match node {
        Node::Filter(_) | Node::Not(_) => false,
        Node::And(items) | Node::Or(items) => items.iter().any(has_text),
        _ => true,
    }
}

/// Whether a positive part of the query has a word that is not a stopword.
fn has_content_word(node: &Node, analyzer: &DutchAnalyzer) -> bool {
    match node {
        Node::Word(_, w) | Node::Phrase(_, w) => analyzer
            .tokens(w)
            .iter()
            .any(|t| t.kind == TokenKind::Word && !t.stopword),
        Node::Fuzzy(..) | Node::Prefix(..) => true,
        Node::Filter(_) => false,
        Node::And(items) | Node::Or(items) => items.iter().any(|n| has_content_word(n, analyzer)),
        Node::Not(_) => false,
    }
}

/// A filter as a clause that restricts without scoring.
fn filter_clause(query: Box<dyn Query>) -> Box<dyn Query> {
    Box::new(ConstScoreQuery::new(query, 0.0))
}

impl<'a> Compiler<'a> {
    fn new(
        node: &Node,
        mode: MatchMode,
        analyzer: &'a DutchAnalyzer,
        fields: &'a Fields,
        neutral_dates: bool,
    ) -> Self {
        Compiler {
            analyzer,
            fields,
            drop_stopwords: has_content_word(node, analyzer),
            positive_occur: match mode {
                MatchMode::All => Occur::Must,
                MatchMode::Any => Occur::Should,
            },
            level: Level::Passage,
            neutral_dates,
            matchers: Vec::new(),
            title_matchers: Vec::new(),
        }
    }

    fn fields_of(&self, scope: Scope) -> Vec<(Field, f32)> {
        let (title, body) = match self.level {
            Level::Passage => (self.fields.title, self.fields.body),
            Level::Article => (self.fields.article_title, self.fields.article_body),
        };
        match scope {
            Scope::All => vec![(title, TITLE_BOOST), (body, 1.0)],
            Scope::Title => vec![(title, TITLE_BOOST)],
            Scope::Body => vec![(body, 1.0)],
        }
    }

    fn add_matcher(&mut self, scope: Scope, positive: bool, matcher: Matcher) {
        if !positive {
            return;
        }
        if scope != Scope::Body {
            self.title_matchers.push(matcher.clone());
        }
        if scope != Scope::Title {
            self.matchers.push(matcher);
        }
    }

    /// The query for `node`; `None` when it has nothing to search (only stopwords).
    fn node(&mut self, node: &Node, positive: bool) -> Result<Option<Box<dyn Query>>, QueryError> {
        match node {
            Node::Word(scope, word) => Ok(self.text(*scope, word, false, positive)),
            Node::Phrase(scope, phrase) => Ok(self.text(*scope, phrase, true, positive)),
            Node::Fuzzy(scope, word, edits) => self.fuzzy(*scope, word, *edits, positive).map(Some),
            Node::Prefix(scope, word) => self.prefix(*scope, word, positive).map(Some),
            Node::Filter(filter) => self.filter(filter, positive).map(Some),
            Node::Not(inner) => self.node(inner, false),
            Node::Or(items) => {
                let mut clauses = Vec::new();
                for item in items {
                    if let Node::Not(_) = item {
                        return Err(QueryError(
                            "a negated word cannot be an OR alternative".into(),
                        ));
                    }
                    if let Some(q) = self.node(item, positive)? {
                        clauses.push((Occur::Should, q));
                    }
                }
                Ok(combine(clauses))
            }
            Node::And(items) => {
                let mut clauses = Vec::new();
                for item in items {
                    let (occur, inner_positive) = match item {
                        Node::Not(_) => (Occur::MustNot, false),
                        _ => (self.positive_occur, positive),
                    };
                    if let Some(q) = self.node(item, inner_positive)? {
                        clauses.push((occur, q));
                    }
                }
                if !clauses.is_empty() && clauses.iter().all(|(o, _)| *o == Occur::MustNot) {
                    return Err(QueryError(
                        "a query needs at least one word that is not excluded".into(),
                    ));
                }
                Ok(combine(clauses))
            }
        }
    }

    fn filter(&mut self, filter: &Filter, positive: bool) -> Result<Box<dyn Query>, QueryError> {
        let query: Box<dyn Query> = match filter {
            Filter::Date(_) if self.neutral_dates => {
                if positive {
                    Box::new(AllQuery)
                } else {
                    Box::new(EmptyQuery)
                }
            }
            Filter::Date(range) => match range.key_bounds() {
                (Bound::Unbounded, Bound::Unbounded) => has_date(),
                (from, to) => {
                    let term =
                        |b: Bound<i64>| b.map(|v| Term::from_field_i64(self.fields.date_key, v));
                    Box::new(RangeQuery::new(term(from), term(to)))
                }
            },
            Filter::Source(name) => {
                let key = filter::source_key(self.analyzer, name);
                if key.is_empty() {
                    return Err(QueryError(format!(
                        "source '{name}' has no letters or digits"
                    )));
                }
                Box::new(TermQuery::new(
                    Term::from_field_text(self.fields.source_key, &key),
                    IndexRecordOption::Basic,
                ))
            }
        };
        Ok(filter_clause(query))
    }

    fn fuzzy(
        &mut self,
        scope: Scope,
        word: &str,
        edits: Option<u8>,
        positive: bool,
    ) -> Result<Box<dyn Query>, QueryError> {
        let term = self
            .analyzer
            .single_term(word)
            .ok_or_else(|| QueryError(format!("'{word}~': '~' applies to one word")))?;
        let edits = edits.unwrap_or_else(|| auto_edits(word));
        self.add_matcher(
            scope,
            positive,
            Matcher::Fuzzy {
                term: term.clone(),
                word: word.to_string(),
                edits,
            },
        );
        let pattern = Pattern::Fuzzy { term, edits };
        Ok(self.per_field(scope, |field| {
            Box::new(ExpandQuery::new(field, pattern.clone()))
        }))
    }

    fn prefix(
        &mut self,
        scope: Scope,
        word: &str,
        positive: bool,
    ) -> Result<Box<dyn Query>, QueryError> {
        let terms = self
            .analyzer
            .prefix(word)
            .ok_or_else(|| QueryError(format!("'{word}*': a prefix needs a letter or digit")))?;
        self.add_matcher(
            scope,
            positive,
            Matcher::Prefix {
                terms: terms.clone(),
                word: word.to_string(),
            },
        );
        let pattern = Pattern::Prefix(terms);
        Ok(self.per_field(scope, |field| {
            Box::new(ExpandQuery::new(field, pattern.clone()))
        }))
    }

    /// One query per field of `scope`, boosted, as alternatives.
    fn per_field(&self, scope: Scope, make: impl Fn(Field) -> Box<dyn Query>) -> Box<dyn Query> {
        let clauses = self
            .fields_of(scope)
            .into_iter()
            .map(|(field, boost)| (Occur::Should, boosted(make(field), boost)))
            .collect();
        combine(clauses).unwrap_or_else(|| Box::new(EmptyQuery))
    }

    /// A word or phrase: one term, or the analyzed words in sequence.
    fn text(
        &mut self,
        scope: Scope,
        text: &str,
        phrase: bool,
        positive: bool,
    ) -> Option<Box<dyn Query>> {
        let tokens = self.analyzer.tokens(text);
        let words: Vec<&AnalyzedToken> = tokens
            .iter()
            .filter(|t| t.kind == TokenKind::Word)
            .collect();
        if words.is_empty() || (!phrase && self.drop_stopwords && words.iter().all(|t| t.stopword))
        {
            return None;
        }
        let first = words[0].position;
        let sequence: Vec<(usize, String)> = words
            .iter()
            .map(|t| (t.position - first, t.term.clone()))
            .collect();
        let joined: Option<&str> = (!phrase && words.len() > 1)
            .then(|| {
                tokens
                    .iter()
                    .find(|t| t.kind == TokenKind::Joined)
                    .map(|t| t.term.as_str())
            })
            .flatten();
        let matcher = if sequence.len() == 1 {
            Matcher::Term {
                term: sequence[0].1.clone(),
                word: text[words[0].start..words[0].end].to_string(),
            }
        } else {
            Matcher::Phrase {
                sequence: sequence.clone(),
                text: text.to_string(),
            }
        };
        self.add_matcher(scope, positive, matcher);
        if let Some(joined) = joined {
            self.add_matcher(
                scope,
                positive,
                Matcher::Term {
                    term: joined.to_string(),
                    word: text.to_string(),
                },
            );
        }
        let compound = (!phrase && sequence.len() == 1 && self.analyzer.splits_compounds())
            .then(|| self.compound_terms(&tokens, &sequence[0].1, text, scope, positive));
        let mut per_field: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        for (field, boost) in self.fields_of(scope) {
            let mut alternatives: Vec<(Occur, Box<dyn Query>)> =
                vec![(Occur::Should, sequence_query(field, &sequence))];
            if let Some(joined) = joined {
                alternatives.push((Occur::Should, term_query(field, joined)));
            }
            if let Some((inside, parts)) = &compound {
                alternatives.push((
                    Occur::Should,
                    boosted(term_query(field, inside), PART_BOOST),
                ));
                if !parts.is_empty() {
                    let all_parts = parts
                        .iter()
                        .map(|(plain, part)| {
                            let either = vec![
                                (Occur::Should, term_query(field, plain)),
                                (Occur::Should, term_query(field, part)),
                            ];
                            (Occur::Must, combine(either).expect("two alternatives"))
                        })
                        .collect();
                    let all_parts = combine(all_parts).expect("parts present");
                    alternatives.push((Occur::Should, boosted(all_parts, SPLIT_BOOST)));
                }
            }
            let query = combine(alternatives).expect("one alternative at least");
            per_field.push((Occur::Should, boosted(query, boost)));
        }
        combine(per_field)
    }

    /// For a single word under compound analysis: its term as a compound part (`+fraude`),
    /// and, when the word is itself a compound, each part as a word and as a part term.
    fn compound_terms(
        &mut self,
        tokens: &[AnalyzedToken],
        term: &str,
        word: &str,
        scope: Scope,
        positive: bool,
    ) -> (String, Vec<(String, String)>) {
        let inside = format!("{PART_MARK}{term}");
        let parts: Vec<(String, String)> = tokens
            .iter()
            .filter(|t| t.kind == TokenKind::CompoundPart)
            .map(|t| {
                (
                    t.term.trim_start_matches(PART_MARK).to_string(),
                    t.term.clone(),
                )
            })
            .collect();
        let part = |term: &String| Matcher::Part {
            term: term.clone(),
            word: word.to_string(),
        };
        self.add_matcher(scope, positive, part(&inside));
        for (plain, inside_other) in &parts {
            self.add_matcher(scope, positive, part(plain));
            self.add_matcher(scope, positive, part(inside_other));
        }
        (inside, parts)
    }
}

fn term_query(field: Field, term: &str) -> Box<dyn Query> {
    Box::new(TermQuery::new(
        Term::from_field_text(field, term),
        IndexRecordOption::WithFreqs,
    ))
}

fn sequence_query(field: Field, sequence: &[(usize, String)]) -> Box<dyn Query> {
    if sequence.len() == 1 {
        return term_query(field, &sequence[0].1);
    }
    let terms = sequence
        .iter()
        .map(|(offset, term)| (*offset, Term::from_field_text(field, term)))
        .collect();
    Box::new(PhraseQuery::new_with_offset(terms))
}

fn boosted(query: Box<dyn Query>, boost: f32) -> Box<dyn Query> {
    if boost == 1.0 {
        query
    } else {
        Box::new(BoostQuery::new(query, boost))
    }
}

/// One clause stays itself; several become a boolean query.
fn combine(mut clauses: Vec<(Occur, Box<dyn Query>)>) -> Option<Box<dyn Query>> {
    match clauses.len() {
        0 => None,
        1 if clauses[0].0 != Occur::MustNot => Some(clauses.remove(0).1),
        _ => Some(Box::new(BooleanQuery::new(clauses))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn w(s: &str) -> Node {
        Node::Word(Scope::All, s.into())
    }

    #[test]
    fn words_are_all_required() {
        assert_eq!(
            parse("trump krebs").unwrap(),
            Node::And(vec![w("trump"), w("krebs")])
        );
    }

    #[test]
    fn or_binds_tighter_than_and() {
        assert_eq!(
            parse("a b OR c").unwrap(),
            Node::And(vec![w("a"), Node::Or(vec![w("b"), w("c")])])
        );
    }

    #[test]
    fn negation_phrases_fields_and_groups() {
        assert_eq!(
            parse("-twitter NOT fraude \"de veiligste\" title:krebs (a OR b)").unwrap(),
            Node::And(vec![
                Node::Not(Box::new(w("twitter"))),
                Node::Not(Box::new(w("fraude"))),
                Node::Phrase(Scope::All, "de veiligste".into()),
                Node::Word(Scope::Title, "krebs".into()),
                Node::Or(vec![w("a"), w("b")]),
            ])
        );
        assert_eq!(
            parse("title:\"hoogste functionaris\"").unwrap(),
            Node::Phrase(Scope::Title, "hoogste functionaris".into())
        );
    }

    #[test]
    fn hyphens_inside_words_times_and_headline_colons_are_text() {
        assert_eq!(parse("CDA-leider").unwrap(), w("CDA-leider"));
        assert_eq!(parse("10:30").unwrap(), w("10:30"));
        assert_eq!(
            parse("VVD: geen steun").unwrap(),
            Node::And(vec![w("VVD:"), w("geen"), w("steun")])
        );
    }

    #[test]
    fn fuzzy_words_and_prefixes() {
        assert_eq!(
            parse("verkiezingsfruade~ Rute~1 krebs~2 verkiez*").unwrap(),
            Node::And(vec![
                Node::Fuzzy(Scope::All, "verkiezingsfruade".into(), None),
                Node::Fuzzy(Scope::All, "Rute".into(), Some(1)),
                Node::Fuzzy(Scope::All, "krebs".into(), Some(2)),
                Node::Prefix(Scope::All, "verkiez".into()),
            ])
        );
        assert_eq!(
            parse("title:verkiez*").unwrap(),
            Node::Prefix(Scope::Title, "verkiez".into())
        );
        assert_eq!(auto_edits("Rute"), 1);
        assert_eq!(auto_edits("verkiezingsfruade"), 2);
        assert_eq!(auto_edits("de"), 0);
    }

    #[test]
    fn date_and_source_filters() {
        use time::macros::date;
        let march = DateRange {
            from: Some(date!(2019 - 03 - 01)),
            to: Some(date!(2019 - 03 - 31)),
        };
        assert_eq!(
            parse("fraude date:[2019-03-01 TO 2019-03-31]").unwrap(),
            Node::And(vec![w("fraude"), Node::Filter(Filter::Date(march))])
        );
        assert_eq!(
            parse("date:2019-03").unwrap(),
            Node::Filter(Filter::Date(march))
        );
        assert_eq!(
            parse("date:[2019-03 TO *]").unwrap(),
            Node::Filter(Filter::Date(DateRange {
                from: Some(date!(2019 - 03 - 01)),
                to: None
            }))
        );
        assert_eq!(
            parse("source:\"Omroep West\" OR source:nieuwsbode -source:x").unwrap(),
            Node::And(vec![
                Node::Or(vec![
                    Node::Filter(Filter::Source("Omroep West".into())),
                    Node::Filter(Filter::Source("nieuwsbode".into())),
                ]),
                Node::Not(Box::new(Node::Filter(Filter::Source("x".into())))),
            ])
        );
    }

    #[test]
    fn command_line_filters_join_the_query() {
        let filters = Filters {
            date: None,
            sources: vec!["a".into(), "b".into()],
        };
        assert_eq!(
            with_filters(parse("x y").unwrap(), &filters),
            Node::And(vec![
                w("x"),
                w("y"),
                Node::Or(vec![
                    Node::Filter(Filter::Source("a".into())),
                    Node::Filter(Filter::Source("b".into())),
                ]),
            ])
        );
        assert_eq!(with_filters(w("x"), &Filters::default()), w("x"));
    }

    #[test]
    fn date_filters_that_need_a_date_of_their_own() {
        let required = parse("x date:2019").unwrap();
        assert!(!loose_date_filter(&required, true));
        for loose in [
            "x -date:2019",
            "x OR date:2019",
            "x (date:2019 OR date:2021)",
        ] {
            assert!(loose_date_filter(&parse(loose).unwrap(), true), "{loose}");
        }
    }

    #[test]
    fn syntax_errors_are_messages() {
        for (input, expected) in [
            ("\"open phrase", "unclosed quote"),
            ("(a b", "unclosed '('"),
            ("a)", "unmatched ')'"),
            ("a OR", "OR needs a word after it"),
            ("OR a", "OR needs a word before it"),
            ("titel:x", "unknown field 'titel'"),
            ("", "empty query"),
            ("NOT", "NOT needs a word"),
            ("title:", "a field name needs a word"),
            ("verkiezing~3", "0, 1 or 2"),
            ("~", "'~' follows a word"),
            ("*", "a prefix needs letters"),
            ("a**", "a prefix needs letters"),
            ("date:[2019 TO", "unclosed '['"),
            ("date:[2019 2020]", "TO 2019-03-31"),
            ("date:2019-13", "no month 13"),
            ("date:", "date: needs a date"),
            ("x source:", "source: needs a name"),
            ("title: date:2019", "a field name needs a word"),
        ] {
            let err = parse(input).unwrap_err();
            assert!(err.0.contains(expected), "{input:?} gave {err}");
        }
    }
}
