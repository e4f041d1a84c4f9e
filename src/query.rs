//! Query parsing: turns what the user typed into a tantivy query and the terms to highlight.
//!
//! Syntax: words (all required), `OR` between alternatives, `-word` or `NOT word` to
//! exclude, `"an exact phrase"`, `title:word` / `body:"phrase"` for one field, and
//! parentheses. `OR` binds tighter than the implicit AND: `a b OR c` means a AND (b OR c).
//! Every word goes through the index's own Dutch analyzer.

use std::fmt;

use tantivy::query::{BooleanQuery, BoostQuery, Occur, PhraseQuery, Query, TermQuery};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::Term;

use crate::analysis::{AnalyzedToken, DutchAnalyzer, TokenKind, PART_MARK};
use crate::index::Fields;

/// How much more a match in the title weighs than one in the body.
pub const TITLE_BOOST: f32 = 2.0;
/// Weight of a word found as part of a compound (`fraude` in `verkiezingsfraude`) relative
/// to the word itself.
pub const PART_BOOST: f32 = 0.5;
/// Weight of a compound's parts found apart (`fraude` near `verkiezingen` for the query
/// `verkiezingsfraude`) relative to the compound itself.
pub const SPLIT_BOOST: f32 = 0.3;

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

/// The parsed query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Node {
    Word(Scope, String),
    Phrase(Scope, String),
    And(Vec<Node>),
    Or(Vec<Node>),
    Not(Box<Node>),
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Lexeme {
    Word(String),
    Phrase(String),
    Field(Scope),
    Open,
    Close,
    Or,
    And,
    Not,
}

fn scope_of(name: &str) -> Option<Scope> {
    match name {
        "title" => Some(Scope::Title),
        "body" => Some(Scope::Body),
        _ => None,
    }
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
                    let scope = scope_of(&name.to_lowercase());
                    // `Economie: ...` (a colon ending a word, as in headlines) is text;
                    // `titel:fraude` is a mistyped field.
                    if is_field_like && scope.is_none() && !rest.is_empty() {
                        return Err(QueryError(format!(
                            "unknown field '{name}' in '{word}'; fields are title and body"
                        )));
                    }
                    if let Some(scope) = scope.filter(|_| is_field_like) {
                        out.push(Lexeme::Field(scope));
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
            Some(Lexeme::Word(w)) => Ok(Node::Word(scope, w)),
            Some(Lexeme::Phrase(p)) => Ok(Node::Phrase(scope, p)),
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

fn rescope(node: Node, scope: Scope) -> Node {
    match node {
        Node::Word(_, w) => Node::Word(scope, w),
        Node::Phrase(_, p) => Node::Phrase(scope, p),
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

/// What to highlight in a passage: single terms, or sequences that must stand together.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Matcher {
    Term(String),
    Phrase(Vec<(usize, String)>),
}

/// A query ready to run.
pub struct Compiled {
    pub query: Box<dyn Query>,
    pub matchers: Vec<Matcher>,
}

struct Compiler<'a> {
    analyzer: &'a DutchAnalyzer,
    fields: &'a Fields,
    /// Drop stopwords from free-text clauses (false when the query has nothing else).
    drop_stopwords: bool,
    /// How the words of a query combine: Must (all required) or Should (any, ranked).
    positive_occur: Occur,
    matchers: Vec<Matcher>,
}

/// Parses and compiles `input` against an index's fields and analyzer.
pub fn compile(
    input: &str,
    mode: MatchMode,
    analyzer: &DutchAnalyzer,
    fields: &Fields,
) -> Result<Compiled, QueryError> {
    let node = parse(input)?;
    let mut compiler = Compiler {
        analyzer,
        fields,
        drop_stopwords: has_content_word(&node, analyzer),
        positive_occur: match mode {
            MatchMode::All => Occur::Must,
            MatchMode::Any => Occur::Should,
        },
        matchers: Vec::new(),
    };
    let query = compiler
        .node(&node, true)?
        .ok_or_else(|| QueryError("the query has no searchable words".into()))?;
    Ok(Compiled {
        query,
        matchers: compiler.matchers,
    })
}

/// Whether a positive part of the query has a word that is not a stopword.
fn has_content_word(node: &Node, analyzer: &DutchAnalyzer) -> bool {
    match node {
        Node::Word(_, w) | Node::Phrase(_, w) => analyzer
            .tokens(w)
            .iter()
            .any(|t| t.kind == TokenKind::Word && !t.stopword),
        Node::And(items) | Node::Or(items) => items.iter().any(|n| has_content_word(n, analyzer)),
        Node::Not(_) => false,
    }
}

impl Compiler<'_> {
    fn fields_of(&self, scope: Scope) -> Vec<(Field, f32)> {
        match scope {
            Scope::All => vec![(self.fields.title, TITLE_BOOST), (self.fields.body, 1.0)],
            Scope::Title => vec![(self.fields.title, TITLE_BOOST)],
            Scope::Body => vec![(self.fields.body, 1.0)],
        }
    }

    /// The query for `node`; `None` when it has nothing to search (only stopwords).
    fn node(&mut self, node: &Node, positive: bool) -> Result<Option<Box<dyn Query>>, QueryError> {
        match node {
            Node::Word(scope, word) => Ok(self.text(*scope, word, false, positive)),
            Node::Phrase(scope, phrase) => Ok(self.text(*scope, phrase, true, positive)),
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
        if positive && scope != Scope::Title {
            self.matchers.push(if sequence.len() == 1 {
                Matcher::Term(sequence[0].1.clone())
            } else {
                Matcher::Phrase(sequence.clone())
            });
            if let Some(joined) = joined {
                self.matchers.push(Matcher::Term(joined.to_string()));
            }
        }
        let compound =
            (!phrase && sequence.len() == 1 && self.analyzer.splits_compounds()).then(|| {
                self.compound_terms(&tokens, &sequence[0].1, positive && scope != Scope::Title)
            });
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
        highlight: bool,
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
        if highlight {
            self.matchers.push(Matcher::Term(inside.clone()));
            for (plain, part) in &parts {
                self.matchers.push(Matcher::Term(plain.clone()));
                self.matchers.push(Matcher::Term(part.clone()));
            }
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
        ] {
            let err = parse(input).unwrap_err();
            assert!(err.0.contains(expected), "{input:?} gave {err}");
        }
    }
}
