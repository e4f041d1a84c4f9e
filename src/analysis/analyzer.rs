//! The Dutch analyzer: composes the stages (words, folding, stemming, compounds,
//! stopwords) into the tokens of a text, through the per-thread memo.

use super::cache;
use super::compound::Decompounder;
use super::fold;
use super::stem::DutchStemmer;
use super::stopwords;
use super::token::{cut, AnalyzedToken, PrefixTerms, TokenKind, TokenRef, PART_MARK};
use super::variant::Analysis;
use super::words::Words;

/// Longer words are not compounds but junk (URLs, codes, blobs); splitting them would cost
/// time for nothing. The longest Dutch words in use stay well under this.
const MAX_COMPOUND_BYTES: usize = 64;

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
    /// and stopword flag come from a per-thread memo (see [`cache`]). Returns how many
    /// positions the text took (its words), so that a text analyzed in pieces cut at white
    /// space gets the positions it would get whole.
    pub fn for_each_token(&self, text: &str, mut sink: impl FnMut(TokenRef<'_>)) -> usize {
        cache::with(|mut cache| {
            let mut words = 0;
            let mut folded = String::new();
            let mut joined = String::new();
            let mut joined_start = None;
            let mut joined_position = 0;
            // Terms of the group's words after its first: tantivy wants each term's positions
            // in increasing order, so a joined term equal to one of them (`ge-Zud` joins to
            // `gezud`, stemmed `zud`) is left out; that word already indexes it.
            let mut later_terms: Vec<String> = Vec::new();
            // Digits on both sides of a hyphen (`1-0`, `2019-2020`) are two numbers, not one
            // the text never wrote: such a group has no joined term.
            let mut numbers_apart = false;
            let mut ends_in_digit = false;
            let mut uncached;
            for (position, word) in Words::new(text).enumerate() {
                words = position + 1;
                fold::fold_into(&text[word.start..word.end], &mut folded);
                let in_group = joined_start.is_some() || word.hyphen_after;
                if in_group {
                    let starts_with_digit = folded.starts_with(|c: char| c.is_ascii_digit());
                    if joined_start.is_some() && ends_in_digit && starts_with_digit {
                        numbers_apart = true;
                    }
                    ends_in_digit = folded.ends_with(|c: char| c.is_ascii_digit());
                    if joined_start.is_none() {
                        numbers_apart = false;
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
                    if !term.is_empty() && !numbers_apart && !later_terms.contains(&term) {
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
            words
        })
    }

    /// All tokens of `text`.
    pub fn tokens(&self, text: &str) -> Vec<AnalyzedToken> {
        let mut tokens = Vec::new();
        self.analyze(text, |t| tokens.push(t));
        tokens
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::MAX_TERM_BYTES;

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
    fn numbers_joined_by_a_hyphen_stay_apart() {
        use TokenKind::*;
        assert_eq!(
            terms(Analysis::Plain, "1-0 2019-2020"),
            vec![
                ("1".into(), 0, Word),
                ("0".into(), 1, Word),
                ("2019".into(), 2, Word),
                ("2020".into(), 3, Word),
            ]
        );
        // A word and a number still join: covid19 finds COVID-19.
        assert_eq!(
            terms(Analysis::Plain, "COVID-19"),
            vec![
                ("covid".into(), 0, Word),
                ("19".into(), 1, Word),
                ("covid19".into(), 0, Joined),
            ]
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
}
