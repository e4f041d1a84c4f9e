//! The query compiler: the syntax tree → a [`Compiled`] query.
//!
//! Compiling analyzes every word once, with the index's own Dutch analyzer, into a plan: the
//! terms, phrases, compound parts, fuzzy and prefix patterns and filter keys of the query,
//! and the matchers that highlight them. From the plan, [`Compiled::query`] builds the
//! tantivy query for either way of combining words, without
//! analyzing anything again; a search builds the queries it needs from one compile.

use std::ops::Bound;

use tantivy::query::{
    AllQuery, BooleanQuery, BoostQuery, EmptyQuery, Occur, PhraseQuery, Query, TermQuery,
};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{Searcher, Term};

use super::error::{ErrorKind, QueryError, QueryWarning};
use super::filter::{DateRange, Filter};
use super::lex::Scope;
use super::parse::{auto_edits, Node, Text};
use super::union::TermUnion;
use super::vocab::{self, expansions, ExpandQuery, ExpansionCache, Pattern, MAX_EXPANSIONS};
use crate::analysis::{AnalyzedToken, DutchAnalyzer, PrefixTerms, TokenKind, PART_MARK};
use crate::index::schema::{filter_clause, source_key};
use crate::index::{Schema, TextField};

/// How much more a match in the title weighs than one in the body.
pub const TITLE_BOOST: f32 = 2.0;
/// Weight of a word found as part of a compound (`fraude` in `verkiezingsfraude`) relative
/// to the word itself.
pub const PART_BOOST: f32 = 0.25;
/// Weight of a compound's parts found apart (`fraude` near `verkiezingen` for the query
/// `verkiezingsfraude`) relative to the compound itself.
pub const SPLIT_BOOST: f32 = 0.5;

/// The most words a query may hold, after a repeated word is counted once (each word of a
/// phrase or hyphenated word counts): far beyond a pasted headline, and a bound on the
/// cost of a query, which grows with its words.
pub const MAX_QUERY_WORDS: usize = 100;

/// The most fuzzy words and prefixes in one query: each walks the term dictionary.
pub const MAX_PATTERNS: usize = 10;

/// Weight of a compound query word's head or modifier found without the rest of it
/// (`klassiekers` for `wielerklassiekers`) in the query that gathers ranked candidates.
pub const ALONE_BOOST: f32 = 0.4;

/// How the words of a query combine.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum MatchMode {
    /// Any word (or part of a compound word) finds a document, and search ranks the
    /// documents by how much of the query they hold and where (the default). A query of
    /// operators (phrases, OR, fuzzy words, prefixes, fields) is searched as `All`.
    #[default]
    Ranked,
    /// Every word is required (in the article: title and body together).
    All,
    /// Any word finds a document; BM25 alone orders them.
    Any,
}

/// A word of a query searched as [`MatchMode::Ranked`]: the terms that stand for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RankedWord {
    /// The word's own terms: its stem, or a hyphenated word's parts written together.
    pub own: Vec<String>,
    /// The word inside a larger compound (`+fraud` for `fraude`).
    pub inside: Option<String>,
    /// The word's parts, the head last: a compound's (plain term, part term), or a
    /// hyphenated word's words (plain term only).
    pub parts: Vec<(String, Option<String>)>,
    pub hyphenated: bool,
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

impl Matcher {
    /// The fuzzy or prefix pattern of the matcher, when it has one.
    pub fn pattern(&self) -> Option<Pattern> {
        match self {
            Matcher::Fuzzy { term, edits, .. } => Some(Pattern::Fuzzy {
                term: term.clone(),
                edits: *edits,
            }),
            Matcher::Prefix { terms, .. } => Some(Pattern::Prefix(terms.clone())),
            _ => None,
        }
    }
}

/// A single word's compound terms: the word as a part of larger compounds (`+fraud`), and,
/// when the word is itself a compound, each part as a word and as a part term.
#[derive(Debug, Clone)]
struct Compound {
    inside: String,
    parts: Vec<(String, String)>,
}

/// A query with its words analyzed: what [`Compiled::query`] turns into tantivy queries.
#[derive(Debug, Clone)]
enum Plan {
    /// A word (one term, or hyphenated parts in sequence) or a phrase.
    Text {
        scope: Scope,
        sequence: Vec<(usize, String)>,
        joined: Option<String>,
        compound: Option<Compound>,
        phrase: bool,
        /// Each word of the sequence is a stopword (kept only when the query has nothing
        /// else).
        stopwords: Vec<bool>,
        /// Words written together without a hyphen between them (`ad.nl/kabinet`, a pasted
        /// URL): the ranked match takes them as words of their own.
        loose: bool,
    },
    /// A fuzzy word or a prefix, expanded against the index when searched.
    Expand {
        scope: Scope,
        pattern: Pattern,
        cache: ExpansionCache,
        /// As typed, and where, for the error when it stands for too many terms.
        word: String,
        span: std::ops::Range<usize>,
    },
    /// `positive` is false under a negation (a neutral date filter then passes nothing).
    Date {
        range: DateRange,
        positive: bool,
    },
    /// A source key.
    Source(String),
    /// Items, each required (or optional, by the match mode) or excluded.
    And(Vec<(Presence, Plan)>),
    Or(Vec<Plan>),
}

impl Plan {
    /// Whether the plan is a filter, or alternatives of filters only.
    fn is_filter(&self) -> bool {
        match self {
            Plan::Date { .. } | Plan::Source(_) => true,
            Plan::Or(alternatives) => alternatives.iter().all(Plan::is_filter),
            _ => false,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Presence {
    Wanted,
    Excluded,
}

/// A query ready to run.
#[derive(Debug)]
pub struct Compiled {
    /// The parsed query, filters included.
    pub node: Node,
    plan: Plan,
    /// What to highlight in a passage's body.
    pub matchers: Vec<Matcher>,
    /// What matches in the title (for `--explain`).
    pub title_matchers: Vec<Matcher>,
    /// Parts of the query that were searched, but perhaps not as meant.
    pub warnings: Vec<QueryWarning>,
    has_date_filter: bool,
    loose_date_filter: bool,
}

/// The names of the fields a query can name before a colon.
const FIELD_NAMES: [&str; 4] = ["title", "body", "date", "source"];

/// Words written as `name:rest` with a name a letter or two from a field's
/// (`titel:fraude`): searched as text, which is worth saying.
fn near_fields(node: &Node, out: &mut Vec<QueryWarning>) {
    match node {
        Node::Word(t) => {
            let Some((name, _)) = t.text.split_once(':') else {
                return;
            };
            if name.is_empty() || !name.chars().all(char::is_alphabetic) {
                return;
            }
            let lower = name.to_lowercase();
            if let Some(field) = FIELD_NAMES
                .into_iter()
                .find(|f| vocab::edit_distance(&lower, f, 2).is_some())
            {
                out.push(QueryWarning::NotAField {
                    name: name.to_string(),
                    word: t.text.clone(),
                    field,
                });
            }
        }
        Node::And(items) | Node::Or(items) => items.iter().for_each(|n| near_fields(n, out)),
        Node::Not(inner) => near_fields(inner, out),
        _ => {}
    }
}

/// Compiles a parsed query with the index's analyzer.
pub fn compile(node: Node, analyzer: &DutchAnalyzer) -> Result<Compiled, QueryError> {
    let mut planner = Planner {
        analyzer,
        drop_stopwords: has_content_word(&node, analyzer),
        matchers: Vec::new(),
        title_matchers: Vec::new(),
        words: 0,
        patterns: 0,
    };
    let plan = planner
        .node(&node, true)?
        .ok_or_else(|| QueryError::new(ErrorKind::NoSearchableWords, whole_span(&node)))?;
    let mut warnings = Vec::new();
    near_fields(&node, &mut warnings);
    Ok(Compiled {
        warnings,
        has_date_filter: has_date_filter(&node),
        loose_date_filter: loose_date_filter(&node, true),
        matchers: planner.matchers,
        title_matchers: planner.title_matchers,
        plan,
        node,
    })
}

impl Compiled {
    /// The tantivy query over the articles, its words combined by `mode`: for
    /// [`MatchMode::Ranked`], the candidates of its ranked words (every term that stands for
    /// one), or every word required when it has operators.
    pub fn query(&self, schema: &Schema, mode: MatchMode) -> Box<dyn Query> {
        let builder = Builder {
            schema,
            mode,
            neutral_dates: false,
        };
        self.build(builder)
    }

    /// The query of `builder`'s mode (see [`query`](Self::query)).
    fn build(&self, mut builder: Builder) -> Box<dyn Query> {
        if builder.mode == MatchMode::Ranked {
            match self.ranked_words() {
                Some(words) => return self.candidates_of(&builder, &words),
                None => builder.mode = MatchMode::All,
            }
        }
        let schema = builder.schema;
        let mut query = builder.build(&self.plan);
        if self.loose_date_filter && !builder.neutral_dates {
            // A date filter under NOT or OR must still leave out articles without a date.
            query = all_of(vec![query, filter_clause(schema.has_date())]);
        }
        query
    }

    /// The articles without a date that the query would match if its date filters let
    /// undated articles through; `None` when it has no date filter.
    pub fn undated_probe(&self, schema: &Schema, mode: MatchMode) -> Option<Box<dyn Query>> {
        if !self.has_date_filter {
            return None;
        }
        let builder = Builder {
            schema,
            mode,
            neutral_dates: true,
        };
        Some(Box::new(BooleanQuery::new(vec![
            (Occur::Must, self.build(builder)),
            (Occur::MustNot, schema.has_date()),
        ])))
    }

    /// Whether a date filter takes part (so articles without a date are left out).
    pub fn has_date_filter(&self) -> bool {
        self.has_date_filter
    }

    /// The query that gathers the candidates of a ranked search: any term of `words` in the
    /// title or the body, each as one weighted term clause (so that tantivy can prune by
    /// block), required filters (built by `builder`), excluded words.
    fn candidates_of(&self, builder: &Builder, words: &[RankedWord]) -> Box<dyn Query> {
        let schema = builder.schema;
        let mut terms: Vec<(&str, f32)> = Vec::new();
        for word in words {
            for own in &word.own {
                terms.push((own, 1.0));
            }
            if let Some(inside) = &word.inside {
                terms.push((inside, PART_BOOST));
            }
            for (plain, part) in &word.parts {
                // A hyphenated word's words find it; a compound's head or modifier alone, less.
                let weight = if word.hyphenated { 1.0 } else { ALONE_BOOST };
                terms.push((plain, weight));
                if let Some(part) = part {
                    terms.push((part, weight));
                }
            }
        }
        let mut seen = std::collections::HashSet::new();
        let mut any: Vec<(Term, f32)> = Vec::new();
        for (term, weight) in terms {
            if !seen.insert(term) {
                continue;
            }
            for (field, boost) in builder.fields_of(Scope::All) {
                any.push((Term::from_field_text(field, term), weight * boost));
            }
        }
        let mut clauses: Vec<(Occur, Box<dyn Query>)> =
            vec![(Occur::Must, Box::new(TermUnion::new(any)))];
        let items: Vec<&(Presence, Plan)> = match &self.plan {
            Plan::And(items) => items.iter().collect(),
            _ => Vec::new(),
        };
        for (presence, plan) in items {
            match presence {
                Presence::Excluded => clauses.push((Occur::MustNot, builder.build(plan))),
                Presence::Wanted if plan.is_filter() => {
                    clauses.push((Occur::Must, builder.build(plan)))
                }
                Presence::Wanted => {}
            }
        }
        if self.loose_date_filter && !builder.neutral_dates {
            clauses.push((Occur::Must, filter_clause(schema.has_date())));
        }
        combine(clauses)
    }

    /// The words of a query that [`MatchMode::Ranked`] ranks: words of all fields,
    /// filters and exclusions only; `None` for a query with phrases, `OR` between words,
    /// fuzzy words, prefixes or one field, which is searched with every word required.
    pub fn ranked_words(&self) -> Option<Vec<RankedWord>> {
        let items: Vec<(Presence, &Plan)> = match &self.plan {
            Plan::And(items) => items.iter().map(|(p, plan)| (*p, plan)).collect(),
            other => vec![(Presence::Wanted, other)],
        };
        let mut words = Vec::new();
        for (presence, plan) in items {
            match (presence, plan) {
                (Presence::Excluded, _) => {}
                (_, plan) if plan.is_filter() => {}
                (
                    _,
                    Plan::Text {
                        scope: Scope::All,
                        sequence,
                        phrase: false,
                        stopwords,
                        loose: true,
                        ..
                    },
                ) => words.extend(
                    sequence
                        .iter()
                        .zip(stopwords)
                        .filter(|(_, &stop)| !stop)
                        .map(|(word, _)| {
                            ranked_word(std::slice::from_ref(word), &None, &None, &[])
                        }),
                ),
                (
                    _,
                    Plan::Text {
                        scope: Scope::All,
                        sequence,
                        joined,
                        compound,
                        phrase: false,
                        stopwords,
                        loose: false,
                    },
                ) => words.push(ranked_word(sequence, joined, compound, stopwords)),
                _ => return None,
            }
        }
        (!words.is_empty()).then_some(words)
    }

    /// Looks the query's fuzzy words and prefixes up in the index, once for every query
    /// built from this one; refuses one that stands for more than [`MAX_EXPANSIONS`] index
    /// terms.
    pub fn expand(&self, searcher: &Searcher, schema: &Schema) -> Result<(), ExpandError> {
        let mut plans = vec![&self.plan];
        while let Some(plan) = plans.pop() {
            match plan {
                Plan::And(items) => plans.extend(items.iter().map(|(_, p)| p)),
                Plan::Or(items) => plans.extend(items),
                Plan::Expand {
                    scope,
                    pattern,
                    cache,
                    word,
                    span,
                } => {
                    for field in [TextField::Title, TextField::Body] {
                        let wanted = match field {
                            TextField::Title => *scope != Scope::Body,
                            TextField::Body => *scope != Scope::Title,
                        };
                        let field = schema.text_field(field);
                        if wanted && expansions(searcher, field, pattern, cache)?.is_none() {
                            return Err(ExpandError::Query(QueryError::new(
                                ErrorKind::TooManyExpansions {
                                    word: word.clone(),
                                    max: MAX_EXPANSIONS,
                                },
                                span.clone(),
                            )));
                        }
                    }
                }
                Plan::Text { .. } | Plan::Date { .. } | Plan::Source(_) => {}
            }
        }
        Ok(())
    }
}

/// Why a query's fuzzy words and prefixes could not be looked up.
#[derive(Debug, thiserror::Error)]
pub enum ExpandError {
    #[error(transparent)]
    Query(QueryError),
    #[error(transparent)]
    Index(#[from] tantivy::TantivyError),
}

/// What [`MatchMode::Ranked`] ranks of one word's plan.
fn ranked_word(
    sequence: &[(usize, String)],
    joined: &Option<String>,
    compound: &Option<Compound>,
    stopwords: &[bool],
) -> RankedWord {
    if sequence.len() == 1 {
        let (inside, parts) = match compound {
            Some(c) => (
                Some(c.inside.clone()),
                c.parts
                    .iter()
                    .map(|(plain, part)| (plain.clone(), Some(part.clone())))
                    .collect(),
            ),
            None => (None, Vec::new()),
        };
        return RankedWord {
            own: vec![sequence[0].1.clone()],
            inside,
            parts,
            hyphenated: false,
        };
    }
    RankedWord {
        own: joined.iter().cloned().collect(),
        inside: None,
        parts: sequence
            .iter()
            .zip(stopwords)
            .filter(|(_, &stop)| !stop)
            .map(|((_, term), _)| (term.clone(), None))
            .collect(),
        hyphenated: true,
    }
}

fn all_of(queries: Vec<Box<dyn Query>>) -> Box<dyn Query> {
    Box::new(BooleanQuery::new(
        queries.into_iter().map(|q| (Occur::Must, q)).collect(),
    ))
}

/// The span of the whole of `node`, for errors about all of it.
fn whole_span(node: &Node) -> std::ops::Range<usize> {
    let mut spans = Vec::new();
    leaf_spans(node, &mut spans);
    let start = spans.iter().map(|s| s.start).min().unwrap_or(0);
    let end = spans.iter().map(|s| s.end).max().unwrap_or(0);
    start..end
}

fn leaf_spans(node: &Node, out: &mut Vec<std::ops::Range<usize>>) {
    match node {
        Node::Word(t) | Node::Phrase(t) | Node::Fuzzy(t, _) | Node::Prefix(t) => {
            out.push(t.span.clone())
        }
        Node::Filter(_, span) => out.extend(span.clone()),
        Node::And(items) | Node::Or(items) => items.iter().for_each(|n| leaf_spans(n, out)),
        Node::Not(inner) => leaf_spans(inner, out),
    }
}

fn has_date_filter(node: &Node) -> bool {
    match node {
        Node::Filter(Filter::Date(_), _) => true,
        Node::And(items) | Node::Or(items) => items.iter().any(has_date_filter),
        Node::Not(inner) => has_date_filter(inner),
        _ => false,
    }
}

/// Whether a date filter stands where it does not by itself require a date (under NOT,
/// or as an OR alternative).
fn loose_date_filter(node: &Node, required: bool) -> bool {
    match node {
        Node::Filter(Filter::Date(_), _) => !required,
        Node::And(items) => items.iter().any(|n| loose_date_filter(n, required)),
        Node::Or(items) => items.iter().any(|n| loose_date_filter(n, false)),
        Node::Not(inner) => loose_date_filter(inner, false),
        _ => false,
    }
}

/// Whether a positive part of the query has a word that is not a stopword.
fn has_content_word(node: &Node, analyzer: &DutchAnalyzer) -> bool {
    match node {
        Node::Word(t) | Node::Phrase(t) => analyzer
            .tokens(&t.text)
            .iter()
            .any(|t| t.kind == TokenKind::Word && !t.stopword),
        Node::Fuzzy(..) | Node::Prefix(..) => true,
        Node::Filter(..) | Node::Not(_) => false,
        Node::And(items) | Node::Or(items) => items.iter().any(|n| has_content_word(n, analyzer)),
    }
}

/// Turns the syntax tree into a [`Plan`], analyzing each word once and collecting the
/// matchers.
struct Planner<'a> {
    analyzer: &'a DutchAnalyzer,
    /// Drop stopwords from free-text clauses (false when the query has nothing else).
    drop_stopwords: bool,
    matchers: Vec<Matcher>,
    title_matchers: Vec<Matcher>,
    /// Words and fuzzy or prefix patterns planned so far, against the bounds.
    words: usize,
    patterns: usize,
}

/// What makes two items of one list the same, so that a repeated one counts once.
#[derive(PartialEq, Eq, Hash)]
enum Same<'a> {
    Leaf(u8, Scope, &'a str, Option<u8>),
    Filter(&'a Filter),
}

fn same(node: &Node) -> Option<Same<'_>> {
    Some(match node {
        Node::Word(t) => Same::Leaf(0, t.scope, &t.text, None),
        Node::Phrase(t) => Same::Leaf(1, t.scope, &t.text, None),
        Node::Fuzzy(t, edits) => Same::Leaf(2, t.scope, &t.text, *edits),
        Node::Prefix(t) => Same::Leaf(3, t.scope, &t.text, None),
        Node::Filter(f, _) => Same::Filter(f),
        Node::Not(inner) => {
            return same(inner).map(|s| match s {
                Same::Leaf(kind, scope, text, edits) => Same::Leaf(kind + 4, scope, text, edits),
                other => other,
            })
        }
        Node::And(_) | Node::Or(_) => return None,
    })
}

/// The items of a list without repeats (`kabinet kabinet` is `kabinet`).
fn distinct(items: &[Node]) -> Vec<&Node> {
    let mut seen = std::collections::HashSet::new();
    items
        .iter()
        .filter(|item| same(item).is_none_or(|key| seen.insert(key)))
        .collect()
}

impl Planner<'_> {
    /// Counts `n` more words, refusing to pass [`MAX_QUERY_WORDS`].
    fn count_words(&mut self, n: usize, span: &std::ops::Range<usize>) -> Result<(), QueryError> {
        self.words += n;
        if self.words > MAX_QUERY_WORDS {
            return Err(QueryError::new(
                ErrorKind::TooManyWords(MAX_QUERY_WORDS),
                span.clone(),
            ));
        }
        Ok(())
    }

    /// Counts one more fuzzy or prefix pattern, refusing to pass [`MAX_PATTERNS`].
    fn count_pattern(&mut self, span: &std::ops::Range<usize>) -> Result<(), QueryError> {
        self.patterns += 1;
        if self.patterns > MAX_PATTERNS {
            return Err(QueryError::new(
                ErrorKind::TooManyPatterns(MAX_PATTERNS),
                span.clone(),
            ));
        }
        Ok(())
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

    /// The plan for `node`; `None` when it has nothing to search (only stopwords).
    fn node(&mut self, node: &Node, positive: bool) -> Result<Option<Plan>, QueryError> {
        match node {
            Node::Word(t) => self.text(t, false, positive),
            Node::Phrase(t) => self.text(t, true, positive),
            Node::Fuzzy(t, edits) => self.fuzzy(t, *edits, positive).map(Some),
            Node::Prefix(t) => self.prefix(t, positive).map(Some),
            Node::Filter(filter, span) => self.filter(filter, span, positive).map(Some),
            // A NOT stands in a list of wanted words (the `And` below); alone, or alone in
            // parentheses, it would exclude from nothing.
            Node::Not(_) => Err(QueryError::new(ErrorKind::OnlyExcluded, whole_span(node))),
            Node::Or(items) => {
                let mut alternatives = Vec::new();
                for item in distinct(items) {
                    if let Node::Not(_) = item {
                        return Err(QueryError::new(
                            ErrorKind::NegatedAlternative,
                            whole_span(item),
                        ));
                    }
                    alternatives.extend(self.node(item, positive)?);
                }
                Ok((!alternatives.is_empty()).then_some(Plan::Or(alternatives)))
            }
            Node::And(items) => {
                let mut clauses = Vec::new();
                for item in distinct(items) {
                    let (presence, plan) = match item {
                        Node::Not(inner) => (Presence::Excluded, self.node(inner, false)?),
                        _ => (Presence::Wanted, self.node(item, positive)?),
                    };
                    if let Some(plan) = plan {
                        clauses.push((presence, plan));
                    }
                }
                if !clauses.is_empty() && clauses.iter().all(|(p, _)| *p == Presence::Excluded) {
                    return Err(QueryError::new(ErrorKind::OnlyExcluded, whole_span(node)));
                }
                Ok((!clauses.is_empty()).then_some(Plan::And(clauses)))
            }
        }
    }

    fn filter(
        &mut self,
        filter: &Filter,
        span: &Option<std::ops::Range<usize>>,
        positive: bool,
    ) -> Result<Plan, QueryError> {
        Ok(match filter {
            Filter::Date(range) => Plan::Date {
                range: *range,
                positive,
            },
            Filter::Source(name) => {
                let key = source_key(self.analyzer, name);
                if key.is_empty() {
                    return Err(QueryError {
                        kind: ErrorKind::SourceWithoutLetters(name.clone()),
                        span: span.clone(),
                    });
                }
                Plan::Source(key)
            }
        })
    }

    fn fuzzy(
        &mut self,
        word: &Text,
        edits: Option<u8>,
        positive: bool,
    ) -> Result<Plan, QueryError> {
        self.count_pattern(&word.span)?;
        let term = self.analyzer.single_term(&word.text).ok_or_else(|| {
            QueryError::new(
                ErrorKind::FuzzyNeedsOneWord(word.text.clone()),
                word.span.clone(),
            )
        })?;
        let edits = edits.unwrap_or_else(|| auto_edits(&word.text));
        self.add_matcher(
            word.scope,
            positive,
            Matcher::Fuzzy {
                term: term.clone(),
                word: word.text.clone(),
                edits,
            },
        );
        Ok(Plan::Expand {
            scope: word.scope,
            pattern: Pattern::Fuzzy { term, edits },
            cache: ExpansionCache::default(),
            word: format!("{}~{edits}", word.text),
            span: word.span.clone(),
        })
    }

    fn prefix(&mut self, word: &Text, positive: bool) -> Result<Plan, QueryError> {
        self.count_pattern(&word.span)?;
        let terms = self.analyzer.prefix(&word.text).ok_or_else(|| {
            QueryError::new(
                ErrorKind::PrefixNeedsLetter(word.text.clone()),
                word.span.clone(),
            )
        })?;
        self.add_matcher(
            word.scope,
            positive,
            Matcher::Prefix {
                terms: terms.clone(),
                word: word.text.clone(),
            },
        );
        Ok(Plan::Expand {
            scope: word.scope,
            pattern: Pattern::Prefix(terms),
            cache: ExpansionCache::default(),
            word: format!("{}*", word.text),
            span: word.span.clone(),
        })
    }

    /// A word or phrase: one term, or the analyzed words in sequence.
    fn text(
        &mut self,
        text: &Text,
        phrase: bool,
        positive: bool,
    ) -> Result<Option<Plan>, QueryError> {
        let scope = text.scope;
        // A text too long to be a query's is refused before it is analyzed.
        if text.text.len() > MAX_QUERY_WORDS * crate::analysis::MAX_TERM_BYTES {
            return Err(QueryError::new(
                ErrorKind::TooManyWords(MAX_QUERY_WORDS),
                text.span.clone(),
            ));
        }
        let tokens = self.analyzer.tokens(&text.text);
        let words: Vec<&AnalyzedToken> = tokens
            .iter()
            .filter(|t| t.kind == TokenKind::Word)
            .collect();
        if words.is_empty() || (!phrase && self.drop_stopwords && words.iter().all(|t| t.stopword))
        {
            return Ok(None);
        }
        self.count_words(words.len(), &text.span)?;
        let first = words[0].position;
        let sequence: Vec<(usize, String)> = words
            .iter()
            .map(|t| (t.position - first, t.term.clone()))
            .collect();
        let loose = !phrase
            && words.windows(2).any(|pair| {
                !text.text[pair[0].end..pair[1].start]
                    .chars()
                    .all(|c| matches!(c, '-' | '‐' | '‑'))
            });
        let joined: Option<String> = (!phrase && !loose && words.len() > 1)
            .then(|| {
                tokens
                    .iter()
                    .find(|t| t.kind == TokenKind::Joined)
                    .map(|t| t.term.clone())
            })
            .flatten();
        let matcher = if sequence.len() == 1 {
            Matcher::Term {
                term: sequence[0].1.clone(),
                word: text.text[words[0].start..words[0].end].to_string(),
            }
        } else {
            Matcher::Phrase {
                sequence: sequence.clone(),
                text: text.text.clone(),
            }
        };
        self.add_matcher(scope, positive, matcher);
        if let Some(joined) = &joined {
            self.add_matcher(
                scope,
                positive,
                Matcher::Term {
                    term: joined.clone(),
                    word: text.text.clone(),
                },
            );
        }
        // A hyphenated word's words, and words written together without a hyphen, are found
        // apart too (the ranked match counts them), so they are shown apart: `kabinet-valt`
        // highlights "kabinet" and "vallen" anywhere.
        if !phrase && sequence.len() > 1 {
            for word in words.iter().filter(|t| !t.stopword) {
                let written = if loose {
                    &text.text[word.start..word.end]
                } else {
                    &text.text
                };
                self.add_matcher(
                    scope,
                    positive,
                    Matcher::Term {
                        term: word.term.clone(),
                        word: written.to_string(),
                    },
                );
            }
        }
        let compound = (!phrase && sequence.len() == 1 && self.analyzer.splits_compounds())
            .then(|| self.compound(&tokens, &sequence[0].1, &text.text, scope, positive));
        Ok(Some(Plan::Text {
            scope,
            loose,
            stopwords: words.iter().map(|t| t.stopword).collect(),
            sequence,
            joined,
            compound,
            phrase,
        }))
    }

    /// For a single word under compound analysis: its term as a compound part (`+fraude`),
    /// and, when the word is itself a compound, each part as a word and as a part term.
    fn compound(
        &mut self,
        tokens: &[AnalyzedToken],
        term: &str,
        word: &str,
        scope: Scope,
        positive: bool,
    ) -> Compound {
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
        Compound { inside, parts }
    }
}

/// Builds tantivy queries from a plan for one match mode.
struct Builder<'a> {
    schema: &'a Schema,
    mode: MatchMode,
    /// Compile date filters as if they passed every article (for counting what a date
    /// filter left out).
    neutral_dates: bool,
}

impl Builder<'_> {
    fn fields_of(&self, scope: Scope) -> Vec<(Field, f32)> {
        let title = self.schema.text_field(TextField::Title);
        let body = self.schema.text_field(TextField::Body);
        match scope {
            Scope::All => vec![(title, TITLE_BOOST), (body, 1.0)],
            Scope::Title => vec![(title, TITLE_BOOST)],
            Scope::Body => vec![(body, 1.0)],
        }
    }

    fn build(&self, plan: &Plan) -> Box<dyn Query> {
        match plan {
            Plan::Text {
                scope,
                sequence,
                joined,
                compound,
                ..
            } => self.text(*scope, sequence, joined.as_deref(), compound.as_ref()),
            Plan::Expand {
                scope,
                pattern,
                cache,
                ..
            } => self.per_field(*scope, |field| {
                Box::new(ExpandQuery::new(field, pattern.clone(), cache.clone()))
            }),
            Plan::Date { range, positive } => filter_clause(if self.neutral_dates {
                if *positive {
                    Box::new(AllQuery)
                } else {
                    Box::new(EmptyQuery)
                }
            } else {
                let (from, to): (Bound<i64>, Bound<i64>) = range.key_bounds();
                self.schema.date_range(from, to)
            }),
            Plan::Source(key) => filter_clause(self.schema.source(key)),
            Plan::Or(alternatives) => combine(
                alternatives
                    .iter()
                    .map(|p| (Occur::Should, self.build(p)))
                    .collect(),
            ),
            Plan::And(items) => {
                let mut clauses = Vec::new();
                let mut any_of = Vec::new();
                for (presence, p) in items {
                    match presence {
                        // A filter narrows whatever the words do.
                        Presence::Wanted if p.is_filter() => {
                            clauses.push((Occur::Must, self.build(p)))
                        }
                        Presence::Wanted if self.mode == MatchMode::All => {
                            clauses.push((Occur::Must, self.build(p)))
                        }
                        Presence::Wanted => any_of.push((Occur::Should, self.build(p))),
                        Presence::Excluded => clauses.push((Occur::MustNot, self.build(p))),
                    }
                }
                // Beside a required filter, optional words would only score: one of them
                // must match.
                if !any_of.is_empty() {
                    clauses.push((Occur::Must, combine(any_of)));
                }
                combine(clauses)
            }
        }
    }

    /// One query per field of `scope`, boosted, as alternatives.
    fn per_field(&self, scope: Scope, make: impl Fn(Field) -> Box<dyn Query>) -> Box<dyn Query> {
        combine(
            self.fields_of(scope)
                .into_iter()
                .map(|(field, boost)| (Occur::Should, boosted(make(field), boost)))
                .collect(),
        )
    }

    fn text(
        &self,
        scope: Scope,
        sequence: &[(usize, String)],
        joined: Option<&str>,
        compound: Option<&Compound>,
    ) -> Box<dyn Query> {
        self.per_field(scope, |field| {
            let mut alternatives: Vec<(Occur, Box<dyn Query>)> =
                vec![(Occur::Should, sequence_query(field, sequence))];
            if let Some(joined) = joined {
                alternatives.push((Occur::Should, term_query(field, joined)));
            }
            if let Some(Compound { inside, parts }) = compound {
                alternatives.push((
                    Occur::Should,
                    boosted(term_query(field, inside), PART_BOOST),
                ));
                let either = |plain: &str, part: &str| {
                    combine(vec![
                        (Occur::Should, term_query(field, plain)),
                        (Occur::Should, term_query(field, part)),
                    ])
                };
                if !parts.is_empty() {
                    let all_parts = parts
                        .iter()
                        .map(|(plain, part)| (Occur::Must, either(plain, part)))
                        .collect();
                    alternatives.push((Occur::Should, boosted(combine(all_parts), SPLIT_BOOST)));
                }
            }
            combine(alternatives)
        })
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

/// One clause stays itself; several become a boolean query. Plans never hold an empty
/// list, so neither does a built query.
fn combine(mut clauses: Vec<(Occur, Box<dyn Query>)>) -> Box<dyn Query> {
    match clauses.len() {
        0 => Box::new(EmptyQuery),
        1 if clauses[0].0 != Occur::MustNot => clauses.remove(0).1,
        _ => Box::new(BooleanQuery::new(clauses)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::Analysis;
    use crate::query::parse::parse;

    fn compiled(input: &str) -> Result<Compiled, QueryError> {
        compile(parse(input).unwrap(), &DutchAnalyzer::new(Analysis::Full))
    }

    #[test]
    fn date_filters_that_need_a_date_of_their_own() {
        assert!(!compiled("x date:2019").unwrap().loose_date_filter);
        for loose in [
            "x -date:2019",
            "x OR date:2019",
            "x (date:2019 OR date:2021)",
        ] {
            assert!(compiled(loose).unwrap().loose_date_filter, "{loose}");
        }
    }

    #[test]
    fn stopwords_are_dropped_unless_they_are_all_there_is() {
        let with_content = compiled("de verkiezingen").unwrap();
        assert_eq!(
            with_content.matchers.len(),
            2,
            "verkiezingen and +verkiezing"
        );
        let only = compiled("de").unwrap();
        assert_eq!(
            only.matchers,
            [
                Matcher::Term {
                    term: "de".into(),
                    word: "de".into()
                },
                Matcher::Part {
                    term: "+de".into(),
                    word: "de".into()
                }
            ]
        );
    }

    #[test]
    fn title_and_body_matchers_follow_the_scope() {
        let c = compiled("title:krebs body:fraude").unwrap();
        let words = |ms: &[Matcher]| -> Vec<String> {
            ms.iter()
                .filter_map(|m| match m {
                    Matcher::Term { word, .. } => Some(word.clone()),
                    _ => None,
                })
                .collect()
        };
        assert_eq!(words(&c.title_matchers), ["krebs"]);
        assert_eq!(words(&c.matchers), ["fraude"]);
    }

    #[test]
    fn a_query_of_exclusions_alone_is_refused_wherever_the_not_stands() {
        for query in [
            "NOT gemeente",
            "-gemeente",
            "(NOT gemeente)",
            "NOT title:gemeente",
            "NOT \"de gemeente\"",
            "NOT gemeente*",
            "-source:dpgmedia2019",
            "NOT a NOT b",
            "title:(NOT gemeente)",
            "((-gemeente))",
        ] {
            assert_eq!(
                compiled(query).unwrap_err().kind,
                ErrorKind::OnlyExcluded,
                "{query}"
            );
        }
        assert!(compiled("raad -gemeente").is_ok());
        assert!(compiled("raad (NOT gemeente)").is_ok());
    }

    #[test]
    fn a_repeated_word_counts_once_and_words_are_bounded() {
        let repeated = vec!["kabinet"; 10_000].join(" ");
        let c = compiled(&repeated).unwrap();
        assert_eq!(
            c.matchers.len(),
            2,
            "kabinet and +kabinet: {:?}",
            c.matchers
        );
        let many: Vec<String> = (0..=MAX_QUERY_WORDS).map(|i| format!("w{i}")).collect();
        let err = compiled(&many.join(" ")).unwrap_err();
        assert_eq!(err.kind, ErrorKind::TooManyWords(MAX_QUERY_WORDS));
        let phrase = format!("\"{}\"", vec!["de"; MAX_QUERY_WORDS + 1].join(" "));
        assert_eq!(
            compiled(&phrase).unwrap_err().kind,
            ErrorKind::TooManyWords(MAX_QUERY_WORDS)
        );
        let hyphens = vec!["1"; 5_000].join("-");
        assert_eq!(
            compiled(&hyphens).unwrap_err().kind,
            ErrorKind::TooManyWords(MAX_QUERY_WORDS)
        );
        let fuzzy: Vec<String> = (0..=MAX_PATTERNS).map(|i| format!("woord{i}~")).collect();
        assert_eq!(
            compiled(&fuzzy.join(" OR ")).unwrap_err().kind,
            ErrorKind::TooManyPatterns(MAX_PATTERNS)
        );
    }

    #[test]
    fn a_name_close_to_a_field_is_searched_as_text_with_a_warning() {
        let c = compiled("titel:fraude https://nos.nl/x Gemeente:raad").unwrap();
        assert_eq!(
            c.warnings,
            [QueryWarning::NotAField {
                name: "titel".into(),
                word: "titel:fraude".into(),
                field: "title"
            }]
        );
        assert!(c
            .matchers
            .iter()
            .any(|m| matches!(m, Matcher::Phrase { text, .. } if text == "Gemeente:raad")));
    }

    #[test]
    fn compile_errors_point_at_their_place() {
        let err = compiled("a (NOT b OR c)").unwrap_err();
        assert_eq!(
            (err.kind, err.span),
            (ErrorKind::NegatedAlternative, Some(7..8))
        );
        let err = compiled("-a -b").unwrap_err();
        assert_eq!((err.kind, err.span), (ErrorKind::OnlyExcluded, Some(1..5)));
        let err = compiled("fraude krebs/trump~").unwrap_err();
        assert_eq!(
            (err.kind, err.span),
            (
                ErrorKind::FuzzyNeedsOneWord("krebs/trump".into()),
                Some(7..19)
            )
        );
        let err = compiled("fraude source:!!").unwrap_err();
        assert_eq!(
            (err.kind, err.span),
            (ErrorKind::SourceWithoutLetters("!!".into()), Some(7..16))
        );
    }
}
