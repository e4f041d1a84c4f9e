//! The query lexer: cuts what the user typed into words, phrases, operators, parentheses,
//! field names and date filters, each with the byte range it came from.

use std::ops::Range;

use super::error::{ErrorKind, QueryError};
use super::filter::{self, DateRange};

/// Which fields a clause searches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Scope {
    All,
    Title,
    Body,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Token {
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

/// A token and where it stands in the query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lexeme {
    pub token: Token,
    pub span: Range<usize>,
}

fn is_quote(c: char) -> bool {
    matches!(c, '"' | '“' | '”')
}

fn field_token(name: &str) -> Option<Token> {
    match name {
        "title" => Some(Token::Field(Scope::Title)),
        "body" => Some(Token::Field(Scope::Body)),
        "source" => Some(Token::Source),
        _ => None,
    }
}

/// `date:` followed by `[A TO B]` or a period; `rest` is what follows `date:` in the word,
/// `from` where that starts in `input`, `word` where the word starts. Returns the range and
/// where the lexeme ends.
fn lex_date(
    input: &str,
    word: usize,
    from: usize,
    rest: &str,
) -> Result<(DateRange, usize), QueryError> {
    if rest.starts_with('[') {
        let Some(close) = input[from..].find(']') else {
            return Err(QueryError::new(
                ErrorKind::UnclosedDateRange,
                from..input.len(),
            ));
        };
        let range = DateRange::parse_bracketed(&input[from + 1..from + close])
            .map_err(|e| QueryError::new(e.into(), from..from + close + 1))?;
        return Ok((range, from + close + 1));
    }
    if rest.is_empty() {
        return Err(QueryError::new(ErrorKind::DateNeedsValue, word..from));
    }
    let period = filter::parse_period(rest)
        .map_err(|e| QueryError::new(e.into(), from..from + rest.len()))?;
    Ok((DateRange::period(period), from + rest.len()))
}

/// Cuts `input` into lexemes.
pub fn lex(input: &str) -> Result<Vec<Lexeme>, QueryError> {
    let mut out: Vec<Lexeme> = Vec::new();
    let mut chars = input.char_indices().peekable();
    let push = |out: &mut Vec<Lexeme>, token, span| out.push(Lexeme { token, span });
    while let Some(&(i, c)) = chars.peek() {
        if c.is_whitespace() {
            chars.next();
            continue;
        }
        match c {
            '(' | ')' => {
                chars.next();
                let token = if c == '(' { Token::Open } else { Token::Close };
                push(&mut out, token, i..i + 1);
            }
            '-' | '+' if out.last().map(|l| &l.token) != Some(&Token::Not) => {
                chars.next();
                let followed = chars.peek().is_some_and(|&(_, n)| !n.is_whitespace());
                if c == '-' && followed {
                    push(&mut out, Token::Not, i..i + 1);
                }
            }
            c if is_quote(c) => {
                chars.next();
                let start = i + c.len_utf8();
                let Some((end, q)) = chars.by_ref().find(|&(_, q)| is_quote(q)) else {
                    return Err(QueryError::new(ErrorKind::UnclosedQuote, i..input.len()));
                };
                push(
                    &mut out,
                    Token::Phrase(input[start..end].to_string()),
                    i..end + q.len_utf8(),
                );
            }
            _ => {
                let mut end = input.len();
                while let Some(&(j, w)) = chars.peek() {
                    if w.is_whitespace() || matches!(w, '(' | ')') || is_quote(w) {
                        end = j;
                        break;
                    }
                    chars.next();
                }
                let word = &input[i..end];
                if let Some(path) = url_path(word) {
                    // A pasted link is searched by its path, the article's slug: the scheme,
                    // host and query string say nothing about its subject.
                    if !path.is_empty() {
                        let start = i + (path.as_ptr() as usize - word.as_ptr() as usize);
                        push(
                            &mut out,
                            Token::Word(path.to_string()),
                            start..start + path.len(),
                        );
                    }
                    continue;
                }
                if let Some((name, rest)) = word.split_once(':') {
                    let is_field_like =
                        !name.is_empty() && name.chars().all(|ch| ch.is_alphabetic());
                    let lower = name.to_lowercase();
                    if is_field_like && lower == "date" {
                        let (range, after) = lex_date(input, i, i + name.len() + 1, rest)?;
                        push(&mut out, Token::Date(range), i..after);
                        while chars.peek().is_some_and(|&(j, _)| j < after) {
                            chars.next();
                        }
                        continue;
                    }
                    // Any other `name:` is text: a headline's `Economie:`, a pasted URL,
                    // `Gemeente:raad` (the compiler notes a name close to a field's).
                    if let Some(field) = field_token(&lower).filter(|_| is_field_like) {
                        push(&mut out, field, i..i + name.len() + 1);
                        if !rest.is_empty() {
                            push(
                                &mut out,
                                Token::Word(rest.to_string()),
                                i + name.len() + 1..end,
                            );
                        }
                        continue;
                    }
                }
                let token = match word {
                    "OR" => Token::Or,
                    "AND" => Token::And,
                    "NOT" => Token::Not,
                    _ => Token::Word(word.to_string()),
                };
                push(&mut out, token, i..end);
            }
        }
    }
    Ok(out)
}

/// The path of a link (`https://host/path?query#part` → `path`), or `None` when the word
/// is not a link.
fn url_path(word: &str) -> Option<&str> {
    let (scheme, rest) = word.split_once("://")?;
    if !matches!(scheme.to_ascii_lowercase().as_str(), "http" | "https") {
        return None;
    }
    let path = rest.split_once('/').map_or("", |(_, path)| path);
    let path = path.split(['?', '#']).next().unwrap_or_default();
    Some(path.trim_matches('/'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lexemes_know_where_they_stand() {
        let lexemes = lex("(a OR \"b c\") -d title:e").unwrap();
        let spans: Vec<(Token, Range<usize>)> =
            lexemes.into_iter().map(|l| (l.token, l.span)).collect();
        assert_eq!(
            spans,
            [
                (Token::Open, 0..1),
                (Token::Word("a".into()), 1..2),
                (Token::Or, 3..5),
                (Token::Phrase("b c".into()), 6..11),
                (Token::Close, 11..12),
                (Token::Not, 13..14),
                (Token::Word("d".into()), 14..15),
                (Token::Field(Scope::Title), 16..22),
                (Token::Word("e".into()), 22..23),
            ]
        );
    }

    #[test]
    fn a_link_is_its_path() {
        let tokens = lex("titel:x https://www.nos.nl/a/kabinet-valt?utm=x#r").unwrap();
        assert_eq!(tokens[1].token, Token::Word("a/kabinet-valt".into()));
        assert_eq!(tokens[1].span, 27..41);
        assert_eq!(lex("HTTP://nos.nl/").unwrap(), []);
        assert_eq!(
            lex("nos.nl/a").unwrap()[0].token,
            Token::Word("nos.nl/a".into())
        );
    }

    #[test]
    fn errors_point_at_their_place() {
        let err = lex("a \"open").unwrap_err();
        assert_eq!((err.kind, err.span), (ErrorKind::UnclosedQuote, Some(2..7)));
        let err = lex("x date:2019-13").unwrap_err();
        assert_eq!(err.span, Some(7..14));
    }
}
