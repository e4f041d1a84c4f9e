//! The analyzer as a tantivy tokenizer, and its registration with an index.

use tantivy::tokenizer::{Token, TokenStream, Tokenizer};

use super::analyzer::DutchAnalyzer;

/// The name under which the analyzer is registered with every index zoek opens.
pub const ANALYZER_NAME: &str = "dutch";

/// How many token buffers a [`DutchTokenizer`] keeps between texts (a passage has at most
/// a few hundred tokens).
const KEPT_TOKENS: usize = 4096;

/// A text longer than this is analyzed a piece at a time, each piece ending at white space
/// (no word, hyphenated group or clitic spans white space, so the tokens are those of the
/// whole text): an article of megabytes never holds millions of tokens at once.
const PIECE_BYTES: usize = 64 * 1024;

/// The analyzer as a tantivy tokenizer, registered as [`ANALYZER_NAME`].
#[derive(Clone)]
pub struct DutchTokenizer {
    analyzer: DutchAnalyzer,
    /// Tokens of the last piece of text; their term buffers are reused for the next one, so
    /// a text costs no allocation once the buffer has grown to the longest piece.
    tokens: Vec<Token>,
}

impl DutchTokenizer {
    pub fn new(analyzer: DutchAnalyzer) -> Self {
        DutchTokenizer {
            analyzer,
            tokens: Vec::new(),
        }
    }
}

/// Tokens of one text, produced a piece of text at a time into the tokenizer's reused
/// buffer.
pub struct DutchTokenStream<'a> {
    analyzer: &'a DutchAnalyzer,
    text: &'a str,
    /// Where the next piece of `text` starts.
    rest: usize,
    /// Positions (words) of the pieces before the current one.
    words_before: usize,
    tokens: &'a mut Vec<Token>,
    /// Tokens of the current piece, and the one handed out last (1-based).
    len: usize,
    next: usize,
}

impl DutchTokenStream<'_> {
    /// Analyzes the next piece of text into the buffer; false at the end of the text.
    fn fill(&mut self) -> bool {
        while self.rest < self.text.len() {
            let start = self.rest;
            let end = piece_end(self.text, start);
            self.rest = end;
            let (tokens, offset, before) = (&mut *self.tokens, start, self.words_before);
            let mut n = 0;
            let words = self.analyzer.for_each_token(&self.text[start..end], |t| {
                if n == tokens.len() {
                    tokens.push(Token::default());
                }
                let token = &mut tokens[n];
                token.offset_from = offset + t.start;
                token.offset_to = offset + t.end;
                token.position = before + t.position;
                token.position_length = 1;
                token.text.clear();
                token.text.push_str(t.term);
                n += 1;
            });
            self.words_before += words;
            self.len = n;
            self.next = 0;
            if n > 0 {
                return true;
            }
        }
        false
    }
}

/// Where the piece of `text` that starts at `start` ends: after the last ASCII white space
/// within [`PIECE_BYTES`], or at the first one after (a word longer than a piece stays
/// whole), or at the end of the text.
fn piece_end(text: &str, start: usize) -> usize {
    let bytes = text.as_bytes();
    if bytes.len() - start <= PIECE_BYTES {
        return bytes.len();
    }
    let limit = start + PIECE_BYTES;
    let space = |b: &u8| b.is_ascii_whitespace();
    match bytes[start..limit].iter().rposition(space) {
        Some(at) if at > 0 => start + at + 1,
        _ => bytes[limit..]
            .iter()
            .position(space)
            .map_or(bytes.len(), |at| limit + at + 1),
    }
}

impl Tokenizer for DutchTokenizer {
    type TokenStream<'a> = DutchTokenStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> DutchTokenStream<'a> {
        // A huge piece of text must not keep its tokens' memory for good.
        if self.tokens.len() > KEPT_TOKENS {
            self.tokens.truncate(KEPT_TOKENS);
            self.tokens.shrink_to_fit();
        }
        DutchTokenStream {
            analyzer: &self.analyzer,
            text,
            rest: 0,
            words_before: 0,
            tokens: &mut self.tokens,
            len: 0,
            next: 0,
        }
    }
}

impl TokenStream for DutchTokenStream<'_> {
    fn advance(&mut self) -> bool {
        if self.next < self.len {
            self.next += 1;
            return true;
        }
        if self.fill() {
            self.next = 1;
            return true;
        }
        false
    }

    fn token(&self) -> &Token {
        &self.tokens[self.next - 1]
    }

    fn token_mut(&mut self) -> &mut Token {
        &mut self.tokens[self.next - 1]
    }
}

/// Registers the analyzer under [`ANALYZER_NAME`]; tantivy does not persist tokenizers, so
/// this runs every time an index is created or opened.
pub fn register(index: &tantivy::Index, analyzer: &DutchAnalyzer) {
    index.tokenizers().register(
        ANALYZER_NAME,
        tantivy::tokenizer::TextAnalyzer::from(DutchTokenizer::new(analyzer.clone())),
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::Analysis;

    #[test]
    fn tantivy_tokenizer_matches_the_analyzer() {
        let analyzer = DutchAnalyzer::new(Analysis::Stemmed);
        let mut tokenizer = DutchTokenizer::new(analyzer.clone());
        let text = "De presidentsverkiezingen in Noord-Holland";
        let mut stream = tokenizer.token_stream(text);
        let mut seen = Vec::new();
        while let Some(t) = stream.next() {
            seen.push((t.text.clone(), t.position, t.offset_from, t.offset_to));
        }
        let expected: Vec<_> = analyzer
            .tokens(text)
            .into_iter()
            .map(|t| (t.term, t.position, t.start, t.end))
            .collect();
        assert_eq!(seen, expected);
    }

    #[test]
    fn a_long_text_is_tokenized_in_pieces_as_it_would_be_whole() {
        let analyzer = DutchAnalyzer::new(Analysis::Full);
        let mut text = String::new();
        let mut i = 0;
        while text.len() < 3 * PIECE_BYTES {
            text.push_str(&format!(
                "De CDA-leider sprak in 's-Hertogenbosch over verkiezingsfraude {i}.\n\nauto's en zo'n "
            ));
            i += 1;
        }
        text.push_str(&"x".repeat(2 * PIECE_BYTES));
        text.push_str(" slot");
        let mut tokenizer = DutchTokenizer::new(analyzer.clone());
        let mut stream = tokenizer.token_stream(&text);
        let mut seen = Vec::new();
        while let Some(t) = stream.next() {
            seen.push((t.text.clone(), t.position, t.offset_from, t.offset_to));
        }
        let expected: Vec<_> = analyzer
            .tokens(&text)
            .into_iter()
            .map(|t| (t.term, t.position, t.start, t.end))
            .collect();
        assert_eq!(seen.len(), expected.len());
        assert!(seen == expected, "pieces differ from the whole");
        assert!(
            tokenizer.tokens.len() < 20_000,
            "only a piece's tokens are held"
        );
    }
}
