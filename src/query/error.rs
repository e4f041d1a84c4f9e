//! Query errors: what is wrong, and where in the query it is (so the command line can put a
//! caret under the place).

use std::fmt;
use std::ops::Range;

use super::filter::DateError;

/// A query that cannot be searched: what is wrong ([`ErrorKind`]) and the byte range of the
/// query it concerns (none for a filter that came from outside the query text).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueryError {
    pub kind: ErrorKind,
    pub span: Option<Range<usize>>,
}

impl QueryError {
    pub fn new(kind: ErrorKind, span: Range<usize>) -> Self {
        QueryError {
            kind,
            span: Some(span),
        }
    }
}

impl fmt::Display for QueryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.kind.fmt(f)
    }
}

impl std::error::Error for QueryError {}

/// What is wrong with a query; the message says how to write it instead.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ErrorKind {
    #[error("empty query")]
    Empty,
    #[error("unclosed quote; close the phrase with '\"'")]
    UnclosedQuote,
    #[error("unclosed '[' in date:[…]; write date:[2019-03-01 TO 2019-03-31]")]
    UnclosedDateRange,
    #[error("date: needs a date or a range, e.g. date:2019-03 or date:[2019-03-01 TO 2019-03-31]")]
    DateNeedsValue,
    #[error(transparent)]
    Date(#[from] DateError),
    #[error("AND needs a word before it")]
    AndNeedsWordBefore,
    #[error("OR needs a word before it")]
    OrNeedsWordBefore,
    #[error("OR needs a word after it")]
    OrNeedsWordAfter,
    #[error("NOT needs a word after it")]
    NotNeedsWord,
    #[error("source: needs a name, e.g. source:nieuwsbode or source:\"Omroep West\"")]
    SourceNeedsName,
    #[error("date: and source: cannot stand inside title: or body:")]
    FilterInsideField,
    #[error("a field name needs a word or phrase after ':'")]
    FieldNeedsWord,
    #[error("unclosed '('; add ')'")]
    UnclosedParen,
    #[error("unmatched ')'")]
    UnmatchedParen,
    #[error("a word is missing")]
    WordMissing,
    #[error("more than {0} levels of parentheses and NOT; simplify the query")]
    TooDeep(usize),
    #[error("a word cannot be excluded twice; remove one NOT or '-'")]
    DoubleNegation,
    #[error("'{0}': a prefix needs letters before one '*', e.g. verkiez*")]
    BadPrefix(String),
    #[error("'{0}': '~' follows a word, e.g. verkiezing~ or verkiezing~2")]
    TildeWithoutWord(String),
    #[error("'{0}': the edit distance after '~' is 0, 1 or 2")]
    BadEdits(String),
    #[error("weights with '^' are not supported; remove '{0}'")]
    Boost(String),
    #[error("the query has more than {0} words (a repeated word counts once); shorten it")]
    TooManyWords(usize),
    #[error("the query has more than {0} fuzzy words and prefixes; use fewer")]
    TooManyPatterns(usize),
    #[error("'{word}' stands for more than {max} words of the index; make it more specific")]
    TooManyExpansions { word: String, max: usize },
    #[error("a negated word cannot be an OR alternative")]
    NegatedAlternative,
    #[error("a query needs at least one word that is not excluded")]
    OnlyExcluded,
    #[error("the query has no searchable words")]
    NoSearchableWords,
    #[error("'{0}~': '~' applies to one word")]
    FuzzyNeedsOneWord(String),
    #[error("'{0}*': a prefix needs a letter or digit")]
    PrefixNeedsLetter(String),
    #[error("source '{0}' has no letters or digits")]
    SourceWithoutLetters(String),
}

/// Something in a query that was searched, but perhaps not as meant.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum QueryWarning {
    #[error("'{name}:' is not a field, so '{word}' was searched as text; did you mean {field}:?")]
    NotAField {
        name: String,
        word: String,
        field: &'static str,
    },
}
