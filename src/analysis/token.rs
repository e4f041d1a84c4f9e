//! What the analyzer produces: tokens with their terms, kinds, positions and the byte
//! offsets of the original text, and the limits on terms.

/// Terms longer than this are cut (at a character boundary) rather than dropped, so very long
/// compounds stay searchable; tantivy's own limit is 65,530 bytes.
pub const MAX_TERM_BYTES: usize = 255;

/// Marks the term of a compound part (`+fraude` for the `fraude` in `verkiezingsfraude`),
/// so a match on a part can weigh less than a match on the whole word. Words never contain it.
pub const PART_MARK: char = '+';

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
pub(super) fn cut(term: &mut String) {
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
