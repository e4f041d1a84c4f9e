//! The query parser: lexemes → the syntax tree ([`Node`]).
//!
//! Grammar: `and := or (AND? or)*`, `or := unary (OR unary)*`, `unary := NOT unary |
//! primary`, `primary := word | phrase | field primary | date | source name | ( and )`.
//! `OR` binds tighter than the implicit AND: `a b OR c` means a AND (b OR c).

use std::ops::Range;

use super::error::{ErrorKind, QueryError};
use super::filter::{Filter, Filters};
use super::lex::{lex, Lexeme, Scope, Token};

/// The largest edit distance of `word~N`.
pub const MAX_EDITS: u8 = 2;

/// How deeply parentheses and `NOT`s may nest: far beyond what a person writes, and a
/// bound on the recursion of parsing and compiling whatever is typed.
pub const MAX_NESTING: usize = 64;

/// A word or phrase of the query as typed, where it stands, and which fields it searches.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Text {
    pub scope: Scope,
    pub text: String,
    pub span: Range<usize>,
}

/// The parsed query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Node {
    Word(Text),
    Phrase(Text),
    /// `word~N`: terms within N edits of the word's term; `None` (`word~`) picks N from the
    /// word's length (see [`auto_edits`]).
    Fuzzy(Text, Option<u8>),
    /// `verkiez*`: terms that start with the folded prefix.
    Prefix(Text),
    /// `date:…`, `source:…`; never changes scores. No span when it came from outside the
    /// query (the command line's options).
    Filter(Filter, Option<Range<usize>>),
    And(Vec<Node>),
    Or(Vec<Node>),
    Not(Box<Node>),
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

struct Parser {
    lexemes: Vec<Lexeme>,
    at: usize,
    /// Where the query ends, for errors about what is missing at the end.
    end: usize,
    /// How many parentheses and `NOT`s enclose the lexeme being parsed.
    depth: usize,
}

impl Parser {
    fn peek(&self) -> Option<&Token> {
        self.lexemes.get(self.at).map(|l| &l.token)
    }

    fn next(&mut self) -> Option<Lexeme> {
        let lexeme = self.lexemes.get(self.at).cloned();
        self.at += 1;
        lexeme
    }

    /// The span of the lexeme at `at`, or the end of the query.
    fn span_at(&self, at: usize) -> Range<usize> {
        self.lexemes
            .get(at)
            .map_or(self.end..self.end, |l| l.span.clone())
    }

    fn error(&self, kind: ErrorKind, at: usize) -> QueryError {
        QueryError::new(kind, self.span_at(at))
    }

    /// Parses what `nested` parses one level deeper, refusing to go past [`MAX_NESTING`].
    fn deeper<T>(
        &mut self,
        at: usize,
        nested: impl FnOnce(&mut Self) -> Result<T, QueryError>,
    ) -> Result<T, QueryError> {
        if self.depth >= MAX_NESTING {
            return Err(self.error(ErrorKind::TooDeep(MAX_NESTING), at));
        }
        self.depth += 1;
        let result = nested(self);
        self.depth -= 1;
        result
    }

    /// and := or (AND? or)*
    fn and(&mut self) -> Result<Node, QueryError> {
        let mut items = Vec::new();
        loop {
            match self.peek() {
                None | Some(Token::Close) => break,
                Some(Token::And) => {
                    if items.is_empty() {
                        return Err(self.error(ErrorKind::AndNeedsWordBefore, self.at));
                    }
                    self.next();
                }
                _ => items.push(self.or()?),
            }
        }
        match items.len() {
            0 => Err(self.error(ErrorKind::Empty, self.at)),
            1 => Ok(items.remove(0)),
            _ => Ok(Node::And(items)),
        }
    }

    /// or := unary (OR unary)*
    fn or(&mut self) -> Result<Node, QueryError> {
        let mut items = vec![self.unary()?];
        while self.peek() == Some(&Token::Or) {
            let or = self.at;
            self.next();
            match self.peek() {
                None | Some(Token::Close) | Some(Token::Or) | Some(Token::And) => {
                    return Err(self.error(ErrorKind::OrNeedsWordAfter, or))
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
        if self.peek() == Some(&Token::Not) {
            let not = self.at;
            self.next();
            if self.peek().is_none() {
                return Err(self.error(ErrorKind::NotNeedsWord, not));
            }
            let inner = self.deeper(not, Self::unary)?;
            if matches!(inner, Node::Not(_)) {
                return Err(self.error(ErrorKind::DoubleNegation, not));
            }
            return Ok(Node::Not(Box::new(inner)));
        }
        self.primary(Scope::All)
    }

    fn primary(&mut self, scope: Scope) -> Result<Node, QueryError> {
        let at = self.at;
        let Some(Lexeme { token, span }) = self.next() else {
            return Err(self.error(ErrorKind::WordMissing, at));
        };
        let text = |text: String| Text {
            scope,
            text,
            span: span.clone(),
        };
        match token {
            Token::Word(w) => word_node(text(w)),
            Token::Phrase(p) => Ok(Node::Phrase(text(p))),
            Token::Date(range) if scope == Scope::All => {
                Ok(Node::Filter(Filter::Date(range), Some(span)))
            }
            Token::Source if scope == Scope::All => match self.next() {
                Some(Lexeme {
                    token: Token::Word(name) | Token::Phrase(name),
                    span: name_span,
                }) if !name.trim().is_empty() => Ok(Node::Filter(
                    Filter::Source(name),
                    Some(span.start..name_span.end),
                )),
                _ => Err(QueryError::new(ErrorKind::SourceNeedsName, span)),
            },
            Token::Date(_) | Token::Source => {
                Err(QueryError::new(ErrorKind::FilterInsideField, span))
            }
            Token::Field(inner) if scope == Scope::All => match self.peek() {
                Some(Token::Word(_)) | Some(Token::Phrase(_)) | Some(Token::Open) => {
                    self.primary(inner)
                }
                _ => Err(QueryError::new(ErrorKind::FieldNeedsWord, span)),
            },
            Token::Open => {
                let inner = self.deeper(at, Self::and)?;
                if self.peek() != Some(&Token::Close) {
                    return Err(QueryError::new(ErrorKind::UnclosedParen, span));
                }
                self.next();
                Ok(if scope == Scope::All {
                    inner
                } else {
                    rescope(inner, scope)
                })
            }
            Token::Close => Err(QueryError::new(ErrorKind::UnmatchedParen, span)),
            Token::Or => Err(QueryError::new(ErrorKind::OrNeedsWordBefore, span)),
            Token::And | Token::Not | Token::Field(_) => {
                Err(QueryError::new(ErrorKind::WordMissing, span))
            }
        }
    }
}

/// A word, or a fuzzy (`word~`, `word~2`) or prefix (`verkiez*`) pattern.
fn word_node(word: Text) -> Result<Node, QueryError> {
    let error = |kind| Err(QueryError::new(kind, word.span.clone()));
    // `gemeente^2` (another engine's weight) would otherwise search `gemeente 2`.
    if let Some((before, weight)) = word.text.rsplit_once('^') {
        if !before.is_empty() && weight.chars().all(|c| c.is_ascii_digit() || c == '.') {
            return error(ErrorKind::Boost(format!("^{weight}")));
        }
    }
    if let Some(stem) = word.text.strip_suffix('*') {
        if stem.is_empty() || stem.ends_with('*') || stem.ends_with('~') {
            return error(ErrorKind::BadPrefix(word.text.clone()));
        }
        let text = stem.to_string();
        return Ok(Node::Prefix(Text { text, ..word }));
    }
    // `~` makes a fuzzy word only at the end or before a number; elsewhere (a pasted URL's
    // `~a1b2`) it is text.
    let fuzzy = word
        .text
        .rsplit_once('~')
        .filter(|(_, edits)| edits.chars().all(|c| c.is_ascii_digit()));
    if let Some((stem, edits)) = fuzzy {
        if stem.is_empty() {
            return error(ErrorKind::TildeWithoutWord(word.text.clone()));
        }
        let edits = match edits {
            "" => None,
            n => match n.parse::<u8>() {
                Ok(n) if n <= MAX_EDITS => Some(n),
                _ => return error(ErrorKind::BadEdits(word.text.clone())),
            },
        };
        let text = stem.to_string();
        return Ok(Node::Fuzzy(Text { text, ..word }, edits));
    }
    Ok(Node::Word(word))
}

fn rescope(node: Node, scope: Scope) -> Node {
    let with = |t: Text| Text { scope, ..t };
    match node {
        Node::Word(t) => Node::Word(with(t)),
        Node::Phrase(t) => Node::Phrase(with(t)),
        Node::Fuzzy(t, n) => Node::Fuzzy(with(t), n),
        Node::Prefix(t) => Node::Prefix(with(t)),
        Node::Filter(..) => node,
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
        end: input.len(),
        depth: 0,
    };
    if parser.lexemes.is_empty() {
        return Err(QueryError::new(ErrorKind::Empty, 0..input.len()));
    }
    let node = parser.and()?;
    if parser.at < parser.lexemes.len() {
        return Err(parser.error(ErrorKind::UnmatchedParen, parser.at));
    }
    Ok(node)
}

/// `node` narrowed by filters from outside the query: every filter is required; several
/// sources are alternatives.
pub fn with_filters(node: Node, filters: &Filters) -> Node {
    if filters.is_empty() {
        return node;
    }
    let mut items = match node {
        Node::And(items) => items,
        other => vec![other],
    };
    if let Some(range) = filters.date {
        items.push(Node::Filter(Filter::Date(range), None));
    }
    let mut sources: Vec<Node> = filters
        .sources
        .iter()
        .map(|s| Node::Filter(Filter::Source(s.clone()), None))
        .collect();
    match sources.len() {
        0 => {}
        1 => items.append(&mut sources),
        _ => items.push(Node::Or(sources)),
    }
    Node::And(items)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// The tree as an S-expression, without spans: `(and trump (or b c))`.
    pub(crate) fn shape(node: &Node) -> String {
        let scoped = |t: &Text, what: String| match t.scope {
            Scope::All => what,
            Scope::Title => format!("title:{what}"),
            Scope::Body => format!("body:{what}"),
        };
        let list = |name: &str, items: &[Node]| {
            let inner: Vec<String> = items.iter().map(shape).collect();
            format!("({name} {})", inner.join(" "))
        };
        match node {
            Node::Word(t) => scoped(t, t.text.clone()),
            Node::Phrase(t) => scoped(t, format!("\"{}\"", t.text)),
            Node::Fuzzy(t, n) => scoped(
                t,
                format!(
                    "{}~{}",
                    t.text,
                    n.map(|n| n.to_string()).unwrap_or_default()
                ),
            ),
            Node::Prefix(t) => scoped(t, format!("{}*", t.text)),
            Node::Filter(f, _) => format!("[{f}]"),
            Node::And(items) => list("and", items),
            Node::Or(items) => list("or", items),
            Node::Not(inner) => format!("(not {})", shape(inner)),
        }
    }

    fn parsed(input: &str) -> String {
        shape(&parse(input).unwrap())
    }

    #[test]
    fn words_are_all_required_and_or_binds_tighter() {
        assert_eq!(parsed("trump krebs"), "(and trump krebs)");
        assert_eq!(parsed("a b OR c"), "(and a (or b c))");
        assert_eq!(parsed("a AND b"), "(and a b)");
    }

    #[test]
    fn negation_phrases_fields_and_groups() {
        assert_eq!(
            parsed("-twitter NOT fraude \"de veiligste\" title:krebs (a OR b)"),
            "(and (not twitter) (not fraude) \"de veiligste\" title:krebs (or a b))"
        );
        assert_eq!(
            parsed("title:\"hoogste functionaris\""),
            "title:\"hoogste functionaris\""
        );
        assert_eq!(parsed("body:(a OR -b)"), "(or body:a (not body:b))");
    }

    #[test]
    fn hyphens_inside_words_times_and_headline_colons_are_text() {
        assert_eq!(
            parsed("https://www.ad.nl/kabinet-valt~a1b2c3/?x=1"),
            "kabinet-valt~a1b2c3"
        );
        assert_eq!(parsed("CDA-leider"), "CDA-leider");
        assert_eq!(parsed("10:30"), "10:30");
        assert_eq!(parsed("VVD: geen steun"), "(and VVD: geen steun)");
    }

    #[test]
    fn fuzzy_words_and_prefixes() {
        assert_eq!(
            parsed("verkiezingsfruade~ Rute~1 krebs~2 verkiez*"),
            "(and verkiezingsfruade~ Rute~1 krebs~2 verkiez*)"
        );
        assert_eq!(parsed("title:verkiez*"), "title:verkiez*");
        assert_eq!(auto_edits("Rute"), 1);
        assert_eq!(auto_edits("verkiezingsfruade"), 2);
        assert_eq!(auto_edits("de"), 0);
    }

    #[test]
    fn date_and_source_filters() {
        assert_eq!(
            parsed("fraude date:[2019-03-01 TO 2019-03-31]"),
            "(and fraude [date 2019-03-01 to 2019-03-31])"
        );
        assert_eq!(parsed("date:2019-03"), "[date 2019-03-01 to 2019-03-31]");
        assert_eq!(parsed("date:[2019-03 TO *]"), "[date 2019-03-01 to *]");
        assert_eq!(
            parsed("source:\"Omroep West\" OR source:nieuwsbode -source:x"),
            "(and (or [source 'Omroep West'] [source 'nieuwsbode']) (not [source 'x']))"
        );
    }

    #[test]
    fn leaves_know_where_they_stand() {
        let Node::And(items) = parse("a \"b c\" title:d~ source:x").unwrap() else {
            panic!("an and");
        };
        let spans: Vec<Range<usize>> = items
            .iter()
            .map(|n| match n {
                Node::Word(t) | Node::Phrase(t) | Node::Fuzzy(t, _) | Node::Prefix(t) => {
                    t.span.clone()
                }
                Node::Filter(_, span) => span.clone().unwrap(),
                _ => panic!("a leaf"),
            })
            .collect();
        assert_eq!(spans, [0..1, 2..7, 14..16, 17..25]);
    }

    #[test]
    fn nesting_is_bounded_without_overflowing_the_stack() {
        let deep = format!("{}x{}", "(".repeat(20_000), ")".repeat(20_000));
        let err = parse(&deep).unwrap_err();
        assert_eq!(err.kind, ErrorKind::TooDeep(MAX_NESTING));
        assert_eq!(
            err.span,
            Some(MAX_NESTING..MAX_NESTING + 1),
            "the first '(' too many"
        );
        let nots = format!("a {}b", "NOT (".repeat(10_000));
        assert_eq!(
            parse(&nots).unwrap_err().kind,
            ErrorKind::TooDeep(MAX_NESTING)
        );
        let fine = format!("{}x{}", "(".repeat(MAX_NESTING), ")".repeat(MAX_NESTING));
        assert_eq!(shape(&parse(&fine).unwrap()), "x");
    }

    #[test]
    fn filters_from_outside_join_the_query() {
        let filters = Filters {
            date: None,
            sources: vec!["a".into(), "b".into()],
        };
        assert_eq!(
            shape(&with_filters(parse("x y").unwrap(), &filters)),
            "(and x y (or [source 'a'] [source 'b']))"
        );
        assert_eq!(
            shape(&with_filters(parse("x").unwrap(), &Filters::default())),
            "x"
        );
    }

    #[test]
    fn syntax_errors_are_messages_with_a_place() {
        for (input, expected, span) in [
            ("\"open phrase", "unclosed quote", 0..12),
            ("(a b", "unclosed '('", 0..1),
            ("a)", "unmatched ')'", 1..2),
            ("a OR", "OR needs a word after it", 2..4),
            ("OR a", "OR needs a word before it", 0..2),
            ("gemeente^2", "'^' are not supported", 0..10),
            ("x title:y^", "'^' are not supported", 8..10),
            ("", "empty query", 0..0),
            ("NOT", "NOT needs a word", 0..3),
            ("title:", "a field name needs a word", 0..6),
            ("verkiezing~3", "0, 1 or 2", 0..12),
            ("~", "'~' follows a word", 0..1),
            ("*", "a prefix needs letters", 0..1),
            ("a**", "a prefix needs letters", 0..3),
            ("date:[2019 TO", "unclosed '['", 5..13),
            ("date:[2019 2020]", "TO 2019-03-31", 5..16),
            ("date:2019-13", "no month 13", 5..12),
            ("date:", "date: needs a date", 0..5),
            ("x source:", "source: needs a name", 2..9),
            ("title: date:2019", "a field name needs a word", 0..6),
            ("AND a", "AND needs a word before it", 0..3),
            ("NOT NOT x", "excluded twice", 0..3),
            ("a -(-b)", "excluded twice", 2..3),
        ] {
            let err = parse(input).unwrap_err();
            assert!(err.to_string().contains(expected), "{input:?} gave {err}");
            assert_eq!(err.span, Some(span), "{input:?}: {err}");
        }
    }
}
