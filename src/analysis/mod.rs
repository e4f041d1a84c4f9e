//! Dutch analysis: turns text into the terms zoek indexes, searches and highlights.
//!
//! One pipeline of small stages, each in its own module: [`words`] finds words and their
//! offsets, [`fold`] lower-cases and strips diacritics, [`stem`] reduces inflected forms,
//! [`compound`] finds the parts of compounds, [`stopwords`] marks function words.
//! [`DutchAnalyzer`] composes them; [`DutchTokenizer`] wraps it for tantivy. Indexing, query parsing and highlighting all call the same
//! analyzer, so a word is always reduced the same way wherever it appears.

mod cache;
pub mod compound;
pub mod fold;
pub mod stem;
pub mod stopwords;
pub mod words;

use std::fmt;
use std::str::FromStr;

use tantivy::tokenizer::{Token, TokenStream, Tokenizer};

use compound::Decompounder;
use stem::{DutchStemmer, StemMode};
use words::Words;

/// The name under which the analyzer is registered with every index zoek opens.
pub const ANALYZER_NAME: &str = "dutch";

/// Terms longer than this are cut (at a character boundary) rather than dropped, so very long
/// compounds stay searchable; tantivy's own limit is 65,530 bytes.
pub const MAX_TERM_BYTES: usize = 255;

/// Marks the term of a compound part (`+fraude` for the `fraude` in `verkiezingsfraude`),
/// so a match on a part can weigh less than a match on the whole word. Words never contain it.
pub const PART_MARK: char = '+';

/// Longer words are not compounds but junk (URLs, codes, blobs); splitting them would cost
/// time for nothing. The longest Dutch words in use stay well under this.
const MAX_COMPOUND_BYTES: usize = 64;

/// How much of the Dutch analysis runs; chosen with `zoek index --analysis`. Each variant
/// adds one step to the one before, so the known-item benchmark can price every step.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Analysis {
    /// Words folded to lower case without diacritics; no stemming.
    Plain,
    /// Plain plus rust-stemmers' Dutch stemmer.
    Stemmed,
    /// Stemmed plus zoek's corrections (spelling changes, verb forms, plurals, overrides).
    Corrected,
    /// Corrected plus compound splitting.
    #[default]
    Full,
}

impl Analysis {
    pub const ALL: [Analysis; 4] = [
        Analysis::Plain,
        Analysis::Stemmed,
        Analysis::Corrected,
        Analysis::Full,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Analysis::Plain => "plain",
            Analysis::Stemmed => "stemmed",
            Analysis::Corrected => "stemmed+corrections",
            Analysis::Full => "full",
        }
    }

    fn stem_mode(self) -> StemMode {
        match self {
            Analysis::Plain => StemMode::None,
            Analysis::Stemmed => StemMode::Snowball,
            Analysis::Corrected | Analysis::Full => StemMode::Corrected,
        }
    }

    fn splits_compounds(self) -> bool {
        self == Analysis::Full
    }
}

impl fmt::Display for Analysis {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Analysis {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        Analysis::ALL
            .into_iter()
            .find(|a| a.name() == s)
            .ok_or_else(|| {
                let names: Vec<&str> = Analysis::ALL.iter().map(|a| a.name()).collect();
                format!(
                    "unknown analysis '{s}'; expected one of: {}",
                    names.join(", ")
                )
            })
    }
}

/// What a token stands for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TokenKind {
    /// A word of the text (also each part of a hyphenated word).
    Word,
    /// A hyphenated word written as one (`noordholland` for `Noord-Holland`), at the
    /// position of its first part, so the unhyphenated spelling finds it too.
    Joined,
    /// A part of a compound word (`+fraude` in `verkiezingsfraude`), at the word's position
    /// and with the word's offsets; its term starts with [`PART_MARK`].
    CompoundPart,
}

impl TokenKind {
    pub fn name(self) -> &'static str {
        match self {
            TokenKind::Word => "word",
            TokenKind::Joined => "joined",
            TokenKind::CompoundPart => "compound-part",
        }
    }
}

/// One term produced by the analyzer, with where it came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AnalyzedToken {
    /// The term as indexed.
    pub term: String,
    /// Byte range in the analyzed text.
    pub start: usize,
    pub end: usize,
    pub position: usize,
    pub kind: TokenKind,
    /// Whether the word is a Dutch function word (see [`stopwords`]).
    pub stopword: bool,
}

/// A token as [`DutchAnalyzer::for_each_token`] lends it: [`AnalyzedToken`] with the term
/// borrowed, so producing it allocates nothing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TokenRef<'a> {
    pub term: &'a str,
    pub start: usize,
    pub end: usize,
    pub position: usize,
    pub kind: TokenKind,
    pub stopword: bool,
}

impl TokenRef<'_> {
    pub fn to_owned(&self) -> AnalyzedToken {
        AnalyzedToken {
            term: self.term.to_string(),
            start: self.start,
            end: self.end,
            position: self.position,
            kind: self.kind,
            stopword: self.stopword,
        }
    }
}

/// Cuts a term beyond [`MAX_TERM_BYTES`] at a character boundary.
fn cut(term: &mut String) {
    if term.len() > MAX_TERM_BYTES {
        let mut at = MAX_TERM_BYTES;
        while !term.is_char_boundary(at) {
            at -= 1;
        }
        term.truncate(at);
    }
}

/// The terms a prefix query compares with; see [`DutchAnalyzer::prefix`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PrefixTerms {
    /// Indexed terms starting with this match.
    pub prefix: String,
    /// The prefix read as a whole word and stemmed; this term matches too.
    pub as_word: String,
}

/// The Dutch analysis pipeline. Cheap to clone.
#[derive(Clone)]
pub struct DutchAnalyzer {
    analysis: Analysis,
    stemmer: DutchStemmer,
    decompounder: Option<Decompounder>,
}

impl DutchAnalyzer {
    pub fn new(analysis: Analysis) -> Self {
        DutchAnalyzer {
            analysis,
            stemmer: DutchStemmer::new(analysis.stem_mode()),
            decompounder: analysis.splits_compounds().then(Decompounder::new),
        }
    }

    pub fn analysis(&self) -> Analysis {
        self.analysis
    }

    pub fn splits_compounds(&self) -> bool {
        self.decompounder.is_some()
    }

    /// The term zoek indexes for one folded word.
    fn term_of(&self, folded: &str) -> String {
        let mut term = if folded.chars().all(char::is_alphabetic) {
            self.stemmer.stem(folded)
        } else {
            folded.to_string()
        };
        cut(&mut term);
        term
    }

    /// The single term zoek indexes for a word (what `zoek analyze --terms` prints).
    pub fn normalize_word(&self, word: &str) -> String {
        self.term_of(&fold::fold(word))
    }

    /// What zoek indexes for one line of text as a single string: the terms of its words
    /// joined by spaces (`auto's` → `auto`, `CDA-leider` → `cda leider`); for
    /// `zoek analyze --terms`.
    pub fn terms_of_line(&self, line: &str) -> String {
        let mut terms = Vec::new();
        self.analyze(line, |t| {
            if t.kind == TokenKind::Word {
                terms.push(t.term);
            }
        });
        if terms.is_empty() {
            fold::fold(line.trim())
        } else {
            terms.join(" ")
        }
    }

    /// The part terms (each starting with [`PART_MARK`]) of a folded compound, when the
    /// analysis splits compounds and the word is one.
    pub fn compound_part_terms(&self, folded: &str) -> Vec<String> {
        if folded.len() > MAX_COMPOUND_BYTES {
            return Vec::new();
        }
        let Some(parts) = self.decompounder.as_ref().and_then(|d| d.split(folded)) else {
            return Vec::new();
        };
        let mut terms: Vec<String> = Vec::with_capacity(parts.len());
        for part in parts {
            let term = format!("{PART_MARK}{}", self.term_of(&part));
            if !terms.contains(&term) {
                terms.push(term);
            }
        }
        terms
    }

    /// The folded words of `text`, unstemmed and joined by single spaces: how zoek compares
    /// names such as sources (`Omroep West`, `omroep-west` and `OMROEP  WEST` give
    /// `omroep west`).
    pub fn keyword(&self, text: &str) -> String {
        let mut key = String::with_capacity(text.len());
        let mut folded = String::new();
        for word in Words::new(text) {
            fold::fold_into(&text[word.start..word.end], &mut folded);
            if folded.is_empty() {
                continue;
            }
            if !key.is_empty() {
                key.push(' ');
            }
            key.push_str(&folded);
        }
        key
    }

    /// What a prefix query (`verkiez*`) compares terms with: the folded text, unstemmed
    /// (a word's beginning is not a word to stem), with hyphenated parts written together as
    /// in the joined token; and the term the prefix would have as a whole word, so that
    /// `rutte*` also finds `Rutte`, indexed under its stem.
    pub fn prefix(&self, text: &str) -> Option<PrefixTerms> {
        let words: Vec<String> = Words::new(text)
            .map(|w| fold::fold(&text[w.start..w.end]))
            .filter(|w| !w.is_empty())
            .collect();
        let mut folded = match words.len() {
            0 => return None,
            1 => words.into_iter().next().unwrap_or_default(),
            _ => words
                .iter()
                .flat_map(|w| w.chars())
                .filter(|c| c.is_alphanumeric())
                .collect(),
        };
        let as_word = self.term_of(&folded);
        cut(&mut folded);
        Some(PrefixTerms {
            prefix: folded,
            as_word,
        })
    }

    /// The single term a query word searches: its joined form when hyphenated
    /// (`CDA-leider` → `cdaleider`), else its one analyzed word; `None` when `text` holds
    /// no word or several separate ones.
    pub fn single_term(&self, text: &str) -> Option<String> {
        let tokens = self.tokens(text);
        if let Some(joined) = tokens.iter().find(|t| t.kind == TokenKind::Joined) {
            let whole = tokens
                .iter()
                .filter(|t| t.kind == TokenKind::Word)
                .all(|t| t.start >= joined.start && t.end <= joined.end);
            return whole.then(|| joined.term.clone());
        }
        let mut words = tokens.iter().filter(|t| t.kind == TokenKind::Word);
        match (words.next(), words.next()) {
            (Some(one), None) => Some(one.term.clone()),
            _ => None,
        }
    }

    /// Calls `sink` with every token of `text`, in order of position.
    pub fn analyze(&self, text: &str, mut sink: impl FnMut(AnalyzedToken)) {
        self.for_each_token(text, |t| sink(t.to_owned()));
    }

    /// Calls `sink` with every token of `text`, in order of position, lending the terms:
    /// the indexing path, which allocates nothing per token. Each word's term, compound parts
    /// and stopword flag come from a per-thread memo (see [`cache`]).
    pub fn for_each_token(&self, text: &str, mut sink: impl FnMut(TokenRef<'_>)) {
        cache::with(|mut cache| {
            let mut folded = String::new();
            let mut joined = String::new();
            let mut joined_start = None;
            let mut joined_position = 0;
            // Terms of the group's words after its first: tantivy wants each term's positions
            // in increasing order, so a joined term equal to one of them (`ge-Zud` joins to
            // `gezud`, stemmed `zud`) is left out; that word already indexes it.
            let mut later_terms: Vec<String> = Vec::new();
            let mut uncached;
            for (position, word) in Words::new(text).enumerate() {
                fold::fold_into(&text[word.start..word.end], &mut folded);
                let in_group = joined_start.is_some() || word.hyphen_after;
                if in_group {
                    if joined_start.is_none() {
                        joined_start = Some(word.start);
                        joined_position = position;
                        joined.clear();
                        later_terms.clear();
                    }
                    joined.extend(folded.chars().filter(|c| c.is_alphanumeric()));
                }
                // A "word" of combining marks only (U+0611) folds to nothing: it has no term.
                if !folded.is_empty() {
                    let compute = || {
                        (
                            self.term_of(&folded),
                            self.compound_part_terms(&folded),
                            stopwords::is_stopword(&folded),
                        )
                    };
                    let analyzed = match cache.as_deref_mut() {
                        Some(cache) if folded.len() <= cache::MAX_WORD_BYTES => {
                            cache.get_or_insert(self.analysis, &folded, compute)
                        }
                        _ => {
                            let (term, parts, stopword) = compute();
                            uncached = (term, parts.concat());
                            cache::WordAnalysis::new(&uncached.0, &uncached.1, stopword)
                        }
                    };
                    if in_group && position > joined_position {
                        later_terms.push(analyzed.term.to_owned());
                    }
                    sink(TokenRef {
                        term: analyzed.term,
                        start: word.start,
                        end: word.end,
                        position,
                        kind: TokenKind::Word,
                        stopword: analyzed.stopword,
                    });
                    for term in analyzed.parts() {
                        sink(TokenRef {
                            term,
                            start: word.start,
                            end: word.end,
                            position,
                            kind: TokenKind::CompoundPart,
                            stopword: false,
                        });
                    }
                }
                if in_group && !word.hyphen_after {
                    let start = joined_start.take().unwrap_or(word.start);
                    let term = self.term_of(&joined);
                    if !term.is_empty() && !later_terms.contains(&term) {
                        sink(TokenRef {
                            term: &term,
                            start,
                            end: word.end,
                            position: joined_position,
                            kind: TokenKind::Joined,
                            stopword: false,
                        });
                    }
                }
            }
        })
    }

    /// All tokens of `text`.
    pub fn tokens(&self, text: &str) -> Vec<AnalyzedToken> {
        let mut tokens = Vec::new();
        self.analyze(text, |t| tokens.push(t));
        tokens
    }
}

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

    fn terms(analysis: Analysis, text: &str) -> Vec<(String, usize, TokenKind)> {
        DutchAnalyzer::new(analysis)
            .tokens(text)
            .into_iter()
            .map(|t| (t.term, t.position, t.kind))
            .collect()
    }

    fn words(analysis: Analysis, text: &str) -> Vec<String> {
        terms(analysis, text)
            .into_iter()
            .filter(|t| t.2 == TokenKind::Word)
            .map(|t| t.0)
            .collect()
    }

    #[test]
    fn apostrophe_forms() {
        assert_eq!(
            words(Analysis::Plain, "auto's baby's zo'n 's-Hertogenbosch"),
            ["auto", "baby", "zo'n", "'s", "hertogenbosch"]
        );
    }

    #[test]
    fn hyphenated_word_gives_parts_and_joined_whole() {
        use TokenKind::*;
        assert_eq!(
            terms(Analysis::Plain, "de CDA-leider"),
            vec![
                ("de".into(), 0, Word),
                ("cda".into(), 1, Word),
                ("leider".into(), 2, Word),
                ("cdaleider".into(), 1, Joined),
            ]
        );
        assert_eq!(
            words(Analysis::Plain, "Noord-Holland e-mail"),
            ["noord", "holland", "e", "mail"]
        );
    }

    #[test]
    fn joined_term_equal_to_a_later_part_is_left_out() {
        // Found by fuzzing (fuzz/README.md): `gezud` stems to `zud`, the term of the second
        // part; the joined token at position 0 after `zud` at 1 made tantivy's postings writer
        // subtract positions with overflow (a panic in debug builds, corrupt positions in
        // release ones).
        use TokenKind::*;
        for text in ["ge-Zud", "zud ge-Zud"] {
            let tokens = DutchAnalyzer::new(Analysis::Full).tokens(text);
            assert!(tokens.iter().all(|t| t.kind != Joined), "{tokens:?}");
        }
        assert_eq!(
            terms(Analysis::Full, "ge-Zud"),
            vec![("ge".into(), 0, Word), ("zud".into(), 1, Word)]
        );
    }

    #[test]
    fn a_word_of_combining_marks_only_has_no_term() {
        // Found by fuzzing: U+0611 is alphabetic, so a word, but folding drops it whole;
        // it gave an empty term (matching every such mark in the archive).
        let analyzer = DutchAnalyzer::new(Analysis::Full);
        let text = "De \u{611} ge-\u{611}-Zud";
        let tokens = analyzer.tokens(text);
        assert!(tokens.iter().all(|t| !t.term.is_empty()), "{tokens:?}");
        let words: Vec<(&str, usize)> = tokens
            .iter()
            .map(|t| (t.term.as_str(), t.position))
            .collect();
        assert_eq!(words, [("de", 0), ("ge", 2), ("zud", 4)]);
        assert_eq!(analyzer.keyword("Omroep \u{611} West"), "omroep west");
        assert_eq!(analyzer.prefix("\u{611}"), None);
        assert_eq!(analyzer.single_term("\u{611}"), None);
    }

    #[test]
    fn folds_diacritics_and_keeps_original_offsets() {
        let text = "Één geïnteresseerd café";
        let tokens = DutchAnalyzer::new(Analysis::Plain).tokens(text);
        let pairs: Vec<(&str, &str)> = tokens
            .iter()
            .map(|t| (t.term.as_str(), &text[t.start..t.end]))
            .collect();
        assert_eq!(
            pairs,
            [
                ("een", "Één"),
                ("geinteresseerd", "geïnteresseerd"),
                ("cafe", "café")
            ]
        );
    }

    #[test]
    fn stems_dutch_inflection() {
        let analyzer = DutchAnalyzer::new(Analysis::Stemmed);
        assert_eq!(
            analyzer.normalize_word("verkiezing"),
            analyzer.normalize_word("verkiezingen")
        );
        assert_eq!(
            analyzer.normalize_word("coördinatie"),
            analyzer.normalize_word("coordinatie")
        );
        let plain = DutchAnalyzer::new(Analysis::Plain);
        assert_ne!(
            plain.normalize_word("verkiezing"),
            plain.normalize_word("verkiezingen")
        );
    }

    #[test]
    fn marks_stopwords_but_keeps_their_positions() {
        let tokens =
            DutchAnalyzer::new(Analysis::Stemmed).tokens("de veiligste in de geschiedenis");
        let flags: Vec<(usize, bool)> = tokens.iter().map(|t| (t.position, t.stopword)).collect();
        assert_eq!(
            flags,
            [(0, true), (1, false), (2, true), (3, true), (4, false)]
        );
    }

    #[test]
    fn keeps_long_compounds() {
        let word = "arbeidsongeschiktheidsverzekeringsmaatschappij";
        assert!(word.len() >= 40);
        let tokens = DutchAnalyzer::new(Analysis::Plain).tokens(word);
        assert_eq!(tokens.len(), 1);
        assert_eq!(tokens[0].term, word);
    }

    #[test]
    fn cuts_absurdly_long_terms_at_a_char_boundary() {
        let word = "é".repeat(200);
        let term = DutchAnalyzer::new(Analysis::Plain).normalize_word(&word);
        assert_eq!(term, "e".repeat(200));
        let word = "ä".repeat(300) + "x";
        let tokens = DutchAnalyzer::new(Analysis::Plain).tokens(&word);
        assert!(tokens[0].term.len() <= MAX_TERM_BYTES);
    }

    #[test]
    fn keyword_folds_and_normalises_separators() {
        let analyzer = DutchAnalyzer::new(Analysis::Stemmed);
        for name in [
            "Omroep West",
            "omroep-west",
            "  OMROEP   West ",
            "Omróep_West",
        ] {
            assert_eq!(analyzer.keyword(name), "omroep west", "{name}");
        }
        assert_eq!(analyzer.keyword(""), "");
    }

    #[test]
    fn prefixes_are_folded_but_not_stemmed() {
        let analyzer = DutchAnalyzer::new(Analysis::Stemmed);
        for text in ["verkiez", "Verkiez", "verkïez", "VERKIEZ"] {
            assert_eq!(analyzer.prefix(text).unwrap().prefix, "verkiez", "{text}");
        }
        let rutte = analyzer.prefix("Rutte").unwrap();
        assert_eq!(rutte.prefix, "rutte");
        assert_eq!(rutte.as_word, analyzer.normalize_word("Rutte"));
        assert_eq!(analyzer.prefix("Noord-Hol").unwrap().prefix, "noordhol");
        assert_eq!(analyzer.prefix("--"), None);
    }

    #[test]
    fn single_term_of_a_query_word() {
        let analyzer = DutchAnalyzer::new(Analysis::Stemmed);
        assert_eq!(
            analyzer.single_term("Verkiezingen").as_deref(),
            Some(analyzer.normalize_word("verkiezing").as_str())
        );
        assert_eq!(
            analyzer.single_term("CDA-leider").as_deref(),
            Some("cdaleider")
        );
        assert_eq!(analyzer.single_term("10:30"), None);
        assert_eq!(analyzer.single_term("..."), None);
    }

    #[test]
    fn memo_gives_what_the_stages_compute() {
        // Twice, so the second pass reads the per-thread memo; the long compound is past the
        // memo's word length and is computed every time.
        let text = "De gemeenteraadsverkiezingen en verkiezingsfraude: \
                    arbeidsongeschiktheidsverzekeringsmaatschappijen, de CDA-leider, auto's";
        let analyzer = DutchAnalyzer::new(Analysis::Full);
        for _ in 0..2 {
            let tokens = analyzer.tokens(text);
            for word in tokens.iter().filter(|t| t.kind == TokenKind::Word) {
                let folded = fold::fold(&text[word.start..word.end]);
                assert_eq!(word.term, analyzer.normalize_word(&folded));
                assert_eq!(word.stopword, stopwords::is_stopword(&folded));
                let parts: Vec<&str> = tokens
                    .iter()
                    .filter(|t| t.kind == TokenKind::CompoundPart && t.start == word.start)
                    .map(|t| t.term.as_str())
                    .collect();
                assert_eq!(parts, analyzer.compound_part_terms(&folded), "{folded}");
            }
            assert!(tokens
                .iter()
                .any(|t| t.kind == TokenKind::CompoundPart
                    && t.start == text.find("arbeids").unwrap()));
        }
    }

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
