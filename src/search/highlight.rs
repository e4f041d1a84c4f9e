//! Highlighting: which words of a text a query matched, and through which analysis step.
//!
//! The text is analyzed again with the index's analyzer and each token's term compared with
//! the query's matchers, so every match through stemming, folding, a hyphen, a compound
//! part, a typo (`word~`) or a prefix (`verkiez*`) is found, at the byte offsets of the
//! original characters. Hits, context passages, whole articles and explanations all
//! highlight through here.

use std::collections::HashMap;

use crate::analysis::{fold, DutchAnalyzer, TokenKind};
use crate::query::vocab::Pattern;
use crate::query::Matcher;

/// Through which analysis step a word of the text matched a word of the query.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// Written exactly as in the query.
    Exact,
    /// The same after folding case and diacritics (`cafe` → `Café`).
    Folded,
    /// The same stem (`verkiezing` → `verkiezingen`).
    Stem,
    /// Written with or without a hyphen (`cdaleider` → `CDA-leider`).
    Hyphen,
    /// Part of a phrase that stands together.
    Phrase,
    /// Within this many edits (`verkiezingsfruade~` → `verkiezingsfraude`).
    Fuzzy(u8),
    /// Starts with the prefix (`verkiez*` → `verkiezingen`).
    Prefix,
    /// Through compound splitting (`fraude` → `verkiezingsfraude`, `verkiezingsfraude` →
    /// `fraude`).
    CompoundPart,
}

/// One word of a text that a matcher matched.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenMatch {
    pub start: usize,
    pub end: usize,
    /// Index into the matchers.
    pub matcher: usize,
    pub step: Step,
}

/// How a word as written in the text relates to the query word its term matched.
fn word_step(surface: &str, word: &str, kind: TokenKind) -> Step {
    if surface == word {
        Step::Exact
    } else if fold::fold(surface) == fold::fold(word) {
        Step::Folded
    } else if kind == TokenKind::Joined || word.contains(['-', '‐', '‑']) {
        Step::Hyphen
    } else {
        Step::Stem
    }
}

/// Every word of `text` that one of `matchers` matches, in text order.
pub fn token_matches(
    analyzer: &DutchAnalyzer,
    matchers: &[Matcher],
    text: &str,
) -> Vec<TokenMatch> {
    if matchers.is_empty() {
        return Vec::new();
    }
    let tokens = analyzer.tokens(text);
    let mut found = Vec::new();
    let patterns: Vec<Option<Pattern>> = matchers.iter().map(Matcher::pattern).collect();
    for t in &tokens {
        for (i, matcher) in matchers.iter().enumerate() {
            let surface = &text[t.start..t.end];
            let step = match matcher {
                Matcher::Term { term, word } if *term == t.term => {
                    Some(word_step(surface, word, t.kind))
                }
                Matcher::Fuzzy { term, word, .. } if *term == t.term => {
                    Some(word_step(surface, word, t.kind))
                }
                Matcher::Fuzzy { .. } => patterns[i]
                    .as_ref()
                    .and_then(|p| p.matches(&t.term))
                    .map(Step::Fuzzy),
                Matcher::Prefix { .. } => patterns[i]
                    .as_ref()
                    .and_then(|p| p.matches(&t.term))
                    .map(|_| Step::Prefix),
                Matcher::Part { term, .. } if *term == t.term => Some(Step::CompoundPart),
                _ => None,
            };
            if let Some(step) = step {
                found.push(TokenMatch {
                    start: t.start,
                    end: t.end,
                    matcher: i,
                    step,
                });
            }
        }
    }
    if !matchers.iter().any(|m| matches!(m, Matcher::Phrase { .. })) {
        found.sort_by_key(|m| (m.start, m.end, m.matcher));
        return found;
    }
    let mut at_position: HashMap<(usize, &str), (usize, usize)> = HashMap::new();
    for t in &tokens {
        at_position
            .entry((t.position, t.term.as_str()))
            .or_insert((t.start, t.end));
    }
    for (i, matcher) in matchers.iter().enumerate() {
        let Matcher::Phrase { sequence, .. } = matcher else {
            continue;
        };
        for t in &tokens {
            if t.term != sequence[0].1 {
                continue;
            }
            let spans: Option<Vec<(usize, usize)>> = sequence
                .iter()
                .map(|(offset, term)| {
                    at_position
                        .get(&(t.position + offset, term.as_str()))
                        .copied()
                })
                .collect();
            for (start, end) in spans.into_iter().flatten() {
                found.push(TokenMatch {
                    start,
                    end,
                    matcher: i,
                    step: Step::Phrase,
                });
            }
        }
    }
    found.sort_by_key(|m| (m.start, m.end, m.matcher));
    found
}

/// Byte ranges of `text` that the query matches, sorted and merged.
pub fn highlight(
    analyzer: &DutchAnalyzer,
    matchers: &[Matcher],
    text: &str,
) -> Vec<(usize, usize)> {
    let mut merged: Vec<(usize, usize)> = Vec::new();
    for m in token_matches(analyzer, matchers, text) {
        match merged.last_mut() {
            Some(last) if m.start <= last.1 => last.1 = last.1.max(m.end),
            _ => merged.push((m.start, m.end)),
        }
    }
    merged
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::Analysis;

    fn term_matcher(analyzer: &DutchAnalyzer, word: &str) -> Matcher {
        Matcher::Term {
            term: analyzer.normalize_word(word),
            word: word.to_string(),
        }
    }

    fn marked(text: &str, ranges: &[(usize, usize)]) -> String {
        let mut out = String::new();
        let mut at = 0;
        for &(s, e) in ranges {
            out.push_str(&text[at..s]);
            out.push('[');
            out.push_str(&text[s..e]);
            out.push(']');
            at = e;
        }
        out.push_str(&text[at..]);
        out
    }

    #[test]
    fn highlights_stemmed_and_folded_matches_on_original_characters() {
        let analyzer = DutchAnalyzer::new(Analysis::Stemmed);
        let matchers = vec![
            term_matcher(&analyzer, "verkiezing"),
            term_matcher(&analyzer, "cafe"),
        ];
        let text = "Na de verkiezingen in het Café.";
        assert_eq!(
            marked(text, &highlight(&analyzer, &matchers, text)),
            "Na de [verkiezingen] in het [Café]."
        );
    }

    #[test]
    fn phrases_are_highlighted_only_where_they_stand_together() {
        let analyzer = DutchAnalyzer::new(Analysis::Stemmed);
        let sequence = ["de", "veiligste"]
            .iter()
            .enumerate()
            .map(|(i, w)| (i, analyzer.normalize_word(w)))
            .collect();
        let matchers = vec![Matcher::Phrase {
            sequence,
            text: "de veiligste".into(),
        }];
        let text = "de man zei: de veiligste ooit";
        assert_eq!(
            marked(text, &highlight(&analyzer, &matchers, text)),
            "de man zei: [de] [veiligste] ooit"
        );
    }

    #[test]
    fn hyphenated_whole_is_one_highlight() {
        let analyzer = DutchAnalyzer::new(Analysis::Stemmed);
        let matchers = vec![term_matcher(&analyzer, "cdaleider")];
        let text = "De CDA-leider sprak.";
        assert_eq!(
            marked(text, &highlight(&analyzer, &matchers, text)),
            "De [CDA-leider] sprak."
        );
    }
}
