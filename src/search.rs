//! Ranking and passages: runs a compiled query and turns the best documents into hits with
//! highlighted passages.
//!
//! Passages are ranked by tantivy's BM25 (title boosted). With `per_article` only the best
//! passage of each article is kept. Highlights come from re-analyzing the passage with the
//! index's analyzer, so every match through stemming, folding or a hyphen is marked on the
//! original characters.

use std::collections::{HashMap, HashSet};

use anyhow::Result;
use serde::Serialize;
use tantivy::collector::TopDocs;
use tantivy::schema::Value;
use tantivy::{DocAddress, Searcher, TantivyDocument};

use crate::analysis::DutchAnalyzer;
use crate::index::{Fields, ZoekIndex};
use crate::query::{Compiled, Matcher};

/// One ranked passage.
#[derive(Debug, Clone, Serialize)]
pub struct Hit {
    /// The query's id in batch mode.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub qid: Option<String>,
    pub rank: usize,
    pub score: f32,
    pub article_id: String,
    pub title: String,
    pub date: Option<String>,
    pub source: String,
    pub url: String,
    pub path: String,
    pub line: u64,
    pub passage: String,
    /// Byte ranges `[start, end)` of the matches in `passage`.
    pub highlights: Vec<(usize, usize)>,
}

/// How many hits, and whether to keep one per article.
#[derive(Debug, Clone, Copy)]
pub struct SearchOptions {
    pub limit: usize,
    pub per_article: bool,
}

/// Runs `compiled` and returns the top hits, best first.
pub fn search(index: &ZoekIndex, compiled: &Compiled, options: SearchOptions) -> Result<Vec<Hit>> {
    let searcher = index.reader.searcher();
    let ranked = top_passages(&searcher, compiled, options)?;
    ranked
        .into_iter()
        .enumerate()
        .map(|(i, (score, address))| {
            let doc: TantivyDocument = searcher.doc(address)?;
            Ok(hit(
                &doc,
                &index.fields,
                &index.analyzer,
                &compiled.matchers,
                i + 1,
                score,
            ))
        })
        .collect()
}

/// The best passages by score (ties by document order), at most one per article when asked.
fn top_passages(
    searcher: &Searcher,
    compiled: &Compiled,
    options: SearchOptions,
) -> Result<Vec<(f32, DocAddress)>> {
    if options.limit == 0 {
        return Ok(Vec::new());
    }
    let mut fetch = if options.per_article {
        options.limit.saturating_mul(4).max(64)
    } else {
        options.limit
    };
    loop {
        let mut top = searcher.search(
            &compiled.query,
            &TopDocs::with_limit(fetch).order_by_score(),
        )?;
        top.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        let exhausted = top.len() < fetch;
        if !options.per_article {
            return Ok(top);
        }
        let mut keys: HashMap<u32, tantivy::columnar::Column<u64>> = HashMap::new();
        let mut seen = HashSet::new();
        let mut best = Vec::new();
        for (score, address) in top {
            let column = match keys.entry(address.segment_ord) {
                std::collections::hash_map::Entry::Occupied(e) => e.into_mut(),
                std::collections::hash_map::Entry::Vacant(e) => e.insert(
                    searcher
                        .segment_reader(address.segment_ord)
                        .fast_fields()
                        .u64("article_key")?,
                ),
            };
            let key = column.first(address.doc_id).unwrap_or_default();
            if seen.insert(key) {
                best.push((score, address));
                if best.len() == options.limit {
                    return Ok(best);
                }
            }
        }
        if exhausted {
            return Ok(best);
        }
        fetch = fetch.saturating_mul(4);
    }
}

fn text_of(doc: &TantivyDocument, field: tantivy::schema::Field) -> String {
    doc.get_first(field)
        .and_then(|v| v.as_str())
        .unwrap_or_default()
        .to_string()
}

fn hit(
    doc: &TantivyDocument,
    fields: &Fields,
    analyzer: &DutchAnalyzer,
    matchers: &[Matcher],
    rank: usize,
    score: f32,
) -> Hit {
    let passage = text_of(doc, fields.body);
    let highlights = highlight(analyzer, matchers, &passage);
    let date = text_of(doc, fields.date);
    Hit {
        qid: None,
        rank,
        score,
        article_id: text_of(doc, fields.article_id),
        title: text_of(doc, fields.title),
        date: (!date.is_empty()).then_some(date),
        source: text_of(doc, fields.source),
        url: text_of(doc, fields.url),
        path: text_of(doc, fields.path),
        line: doc
            .get_first(fields.line)
            .and_then(|v| v.as_u64())
            .unwrap_or_default(),
        passage,
        highlights,
    }
}

/// Byte ranges of `text` that the query matches, sorted and merged.
pub fn highlight(
    analyzer: &DutchAnalyzer,
    matchers: &[Matcher],
    text: &str,
) -> Vec<(usize, usize)> {
    if matchers.is_empty() {
        return Vec::new();
    }
    let tokens = analyzer.tokens(text);
    let terms: HashSet<&str> = matchers
        .iter()
        .filter_map(|m| match m {
            Matcher::Term(t) => Some(t.as_str()),
            Matcher::Phrase(_) => None,
        })
        .collect();
    let mut ranges: Vec<(usize, usize)> = tokens
        .iter()
        .filter(|t| terms.contains(t.term.as_str()))
        .map(|t| (t.start, t.end))
        .collect();
    let mut at_position: HashMap<(usize, &str), (usize, usize)> = HashMap::new();
    for t in &tokens {
        at_position
            .entry((t.position, t.term.as_str()))
            .or_insert((t.start, t.end));
    }
    for matcher in matchers {
        let Matcher::Phrase(sequence) = matcher else {
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
            if let Some(spans) = spans {
                ranges.extend(spans);
            }
        }
    }
    ranges.sort_unstable();
    let mut merged: Vec<(usize, usize)> = Vec::new();
    for (start, end) in ranges {
        match merged.last_mut() {
            Some(last) if start <= last.1 => last.1 = last.1.max(end),
            _ => merged.push((start, end)),
        }
    }
    merged
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::Analysis;

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
            Matcher::Term(analyzer.normalize_word("verkiezing")),
            Matcher::Term(analyzer.normalize_word("cafe")),
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
        let matchers = vec![Matcher::Phrase(sequence)];
        let text = "de man zei: de veiligste ooit";
        assert_eq!(
            marked(text, &highlight(&analyzer, &matchers, text)),
            "de man zei: [de] [veiligste] ooit"
        );
    }

    #[test]
    fn hyphenated_whole_is_one_highlight() {
        let analyzer = DutchAnalyzer::new(Analysis::Stemmed);
        let matchers = vec![Matcher::Term(analyzer.normalize_word("cdaleider"))];
        let text = "De CDA-leider sprak.";
        assert_eq!(
            marked(text, &highlight(&analyzer, &matchers, text)),
            "De [CDA-leider] sprak."
        );
    }
}
