//! The analyzer as a tantivy tokenizer, and its registration with an index.

use tantivy::tokenizer::{Token, TokenStream, Tokenizer};

use super::analyzer::DutchAnalyzer;

/// The name under which the analyzer is registered with every index zoek opens.
pub const ANALYZER_NAME: &str = "dutch";

/// How many token buffers a [`DutchTokenizer`] keeps between texts (a passage has at most
/// a few hundred tokens).
const KEPT_TOKENS: usize = 4096;

/// The analyzer as a tantivy tokenizer, registered as [`ANALYZER_NAME`].
#[derive(Clone)]
pub struct DutchTokenizer {
    analyzer: DutchAnalyzer,
    /// Tokens of the last text; their term buffers are reused for the next one, so a text
    /// costs no allocation once the buffer has grown to the longest text.
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

/// Tokens of one text, produced up front into the tokenizer's reused buffer.
pub struct DutchTokenStream<'a> {
    tokens: &'a mut [Token],
    next: usize,
}

impl Tokenizer for DutchTokenizer {
    type TokenStream<'a> = DutchTokenStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> DutchTokenStream<'a> {
        // A huge text (a title of megabytes) must not keep its tokens' memory for good.
        if self.tokens.len() > KEPT_TOKENS {
            self.tokens.truncate(KEPT_TOKENS);
            self.tokens.shrink_to_fit();
        }
        let tokens = &mut self.tokens;
        let mut n = 0;
        self.analyzer.for_each_token(text, |t| {
            if n == tokens.len() {
                tokens.push(Token::default());
            }
            let token = &mut tokens[n];
            token.offset_from = t.start;
            token.offset_to = t.end;
            token.position = t.position;
            token.position_length = 1;
            token.text.clear();
            token.text.push_str(t.term);
            n += 1;
        });
        DutchTokenStream {
            tokens: &mut self.tokens[..n],
            next: 0,
        }
    }
}

impl TokenStream for DutchTokenStream<'_> {
    fn advance(&mut self) -> bool {
        self.next += 1;
        self.next <= self.tokens.len()
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
}
