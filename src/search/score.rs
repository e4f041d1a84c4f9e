//! The ranked score: how much of a query an article or a passage holds, and where.
//!
//! A document's score is the sum over the query's words of BM25 in the title (×2) and the
//! body, with each word standing for its own term, its term inside larger compounds (×0.25)
//! and, for a compound query word, its parts (×0.6 all together; the head or the whole
//! modifier alone ×0.4); plus the proximity of different query words in the body
//! (Büttcher, Clarke & Lushman 2006). It is then multiplied by how much of the query's
//! weight the document holds (each word weighs its idf; a word found only through a part
//! counts half), how much of it one 40-word stretch of the body holds, and how much of it
//! stands in the title or the first 60 words. BM25 uses k1 = 1.2, b = 1 and idf to the
//! power 0.8. Measured choice by choice on the known-item task and the development topics:
//! `bench/relevance-variants.md`.

use std::collections::HashMap;

use tantivy::postings::{Postings, TermInfo};
use tantivy::query::Bm25StatisticsProvider;
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{DocAddress, DocId, DocSet, Searcher, SegmentOrdinal, Term, TERMINATED};

use super::explain::{PartKind, ScorePart};
use crate::index::{Schema, StoredPassage, TextField};
use crate::query::compile::{RankedWord, ALONE_BOOST, PART_BOOST, TITLE_BOOST};

const K1: f32 = 1.2;
/// Full length normalization: a long article that holds a query word as often as a short one
/// is less about it (b 0.85 -> 1 raised both evaluation sets a little).
const B: f32 = 1.0;
/// idf is raised to this power: rare words count, but one rare word does not drown the
/// rest of a long query.
const IDF_POWER: f32 = 0.8;
/// Weight of a compound query word's parts found together (`fraude` near `verkiezingen` for
/// `verkiezingsfraude`), and of a hyphenated word's words found apart.
const SPLIT_WEIGHT: f32 = 0.6;
const HYPHEN_SPLIT_WEIGHT: f32 = 0.5;
/// How much a word found only through its head or modifier counts towards coverage.
const ALONE_DEGREE: f32 = 0.5;
/// Weight of the strongest feedback term, against 1 for a query word.
const FEEDBACK_WEIGHT: f32 = 0.2;
/// Weight of the proximity of different query words.
const PROXIMITY_WEIGHT: f32 = 1.0;
/// The stretch of body words whose coverage counts, and the lead of an article.
const WINDOW_WORDS: u32 = 40;
const LEAD_WORDS: u32 = 60;
/// The three factors: `coverage^0.5`, `max(window, 0.05)^0.5`, `(0.5 + 0.5·lead)^0.6`.
const COVERAGE_POWER: f32 = 0.5;
const WINDOW_FLOOR: f32 = 0.05;
const WINDOW_POWER: f32 = 0.5;
const LEAD_FLOOR: f32 = 0.5;
const LEAD_POWER: f32 = 0.6;

/// A query word, its terms as indices into [`Words::terms`].
#[derive(Debug, Clone)]
struct Word {
    own: Vec<usize>,
    inside: Option<usize>,
    parts: Vec<(usize, Option<usize>)>,
    hyphenated: bool,
}

impl Word {
    /// Every term that stands for the word.
    fn terms(&self) -> impl Iterator<Item = usize> + '_ {
        self.own.iter().copied().chain(self.inside).chain(
            self.parts
                .iter()
                .flat_map(|&(p, q)| std::iter::once(p).chain(q)),
        )
    }
}

/// The words of a ranked query and the distinct terms they stand for.
#[derive(Debug, Clone)]
pub struct Words {
    pub terms: Vec<String>,
    words: Vec<Word>,
    /// Terms added by feedback (`--feedback`), with weights relative to the best (1.0):
    /// they add to the score, not to what the query covers.
    expansion: Vec<(usize, f32)>,
}

impl Words {
    pub fn new(ranked: &[RankedWord]) -> Words {
        let mut terms: Vec<String> = Vec::new();
        let mut index = |term: &str| term_index(&mut terms, term);
        let words = ranked
            .iter()
            .map(|w| Word {
                own: w.own.iter().map(|t| index(t)).collect(),
                inside: w.inside.as_deref().map(&mut index),
                parts: w
                    .parts
                    .iter()
                    .map(|(p, q)| (index(p), q.as_deref().map(&mut index)))
                    .collect(),
                hyphenated: w.hyphenated,
            })
            .collect();
        Words {
            terms,
            words,
            expansion: Vec::new(),
        }
    }

    /// The same words with `expansion` terms added (feedback).
    pub fn expanded(&self, expansion: &[(String, f32)]) -> Words {
        let mut words = self.clone();
        for (term, weight) in expansion {
            let index = term_index(&mut words.terms, term);
            words.expansion.push((index, *weight));
        }
        words
    }
}

/// Where `term` stands in `terms`, added at the end when it is new.
fn term_index(terms: &mut Vec<String>, term: &str) -> usize {
    match terms.iter().position(|t| t == term) {
        Some(i) => i,
        None => {
            terms.push(term.to_string());
            terms.len() - 1
        }
    }
}

/// BM25 statistics of the query's terms over the articles (or, for passages, over the
/// articles with the passages' own average length).
#[derive(Clone)]
pub struct Stats {
    /// Per field (title, body), per term.
    idf: [Vec<f32>; 2],
    average_length: [f32; 2],
}

const FIELDS: [TextField; 2] = [TextField::Title, TextField::Body];

impl Stats {
    /// The statistics of the terms of `infos`, looked up for the same words.
    pub fn new(searcher: &Searcher, schema: &Schema, infos: &TermInfos) -> tantivy::Result<Stats> {
        let docs = searcher.num_docs().max(1) as f32;
        let mut idf = [Vec::new(), Vec::new()];
        let mut average_length = [1.0; 2];
        for (i, which) in FIELDS.into_iter().enumerate() {
            let field = schema.text_field(which);
            average_length[i] = (searcher.total_num_tokens(field)? as f32 / docs).max(1.0);
            for &df in &infos.doc_freq[i] {
                let df = df as f32;
                let plain = ((docs - df + 0.5) / (df + 0.5)).ln_1p().max(0.0);
                idf[i].push(plain.powf(IDF_POWER));
            }
        }
        Ok(Stats {
            idf,
            average_length,
        })
    }

    /// The statistics that score the passages of one article: a word weighs what it weighs
    /// in the index, and a passage's length counts against the article's average passage
    /// (as a highlighter scores passages within the document it shows).
    pub fn for_passages(&self, passages: &[StoredPassage]) -> Stats {
        let words: u32 = passages.iter().map(|p| p.words.len() as u32).sum();
        Stats {
            idf: self.idf.clone(),
            average_length: [
                self.average_length[0],
                (words as f32 / passages.len().max(1) as f32).max(1.0),
            ],
        }
    }
}

/// Each term of a ranked query's words in the title's and the body's dictionary of every
/// segment, looked up once for a search: BM25's statistics, the candidates' weights (as the
/// statistics they are searched with) and the features of the pool all read them, where each
/// looked every term up in every segment again (a tenth of a batch of queries).
pub struct TermInfos<'a> {
    searcher: &'a Searcher,
    fields: [Field; 2],
    /// Where each term stands in the words' terms.
    index: HashMap<String, usize>,
    /// By segment, field and term.
    infos: Vec<[Vec<Option<TermInfo>>; 2]>,
    /// By field and term, over the whole index (deleted articles included, as tantivy counts).
    doc_freq: [Vec<u64>; 2],
}

impl<'a> TermInfos<'a> {
    pub fn new(searcher: &'a Searcher, schema: &Schema, words: &Words) -> tantivy::Result<Self> {
        let fields = FIELDS.map(|which| schema.text_field(which));
        let mut doc_freq = [vec![0; words.terms.len()], vec![0; words.terms.len()]];
        let mut infos = Vec::with_capacity(searcher.segment_readers().len());
        for segment in searcher.segment_readers() {
            let mut of_segment: [Vec<Option<TermInfo>>; 2] = Default::default();
            for (f, &field) in fields.iter().enumerate() {
                let inverted = segment.inverted_index(field)?;
                for (t, text) in words.terms.iter().enumerate() {
                    let info = inverted.get_term_info(&Term::from_field_text(field, text))?;
                    doc_freq[f][t] += info.as_ref().map_or(0, |info| u64::from(info.doc_freq));
                    of_segment[f].push(info);
                }
            }
            infos.push(of_segment);
        }
        let index = words
            .terms
            .iter()
            .enumerate()
            .map(|(t, text)| (text.clone(), t))
            .collect();
        Ok(TermInfos {
            searcher,
            fields,
            index,
            infos,
            doc_freq,
        })
    }

    /// Term `t`'s entry in field `f` of segment `segment`, when it is there.
    fn get(&self, segment: SegmentOrdinal, f: usize, t: usize) -> Option<&TermInfo> {
        self.infos.get(segment as usize)?[f].get(t)?.as_ref()
    }
}

/// The searcher's statistics, the words' document frequencies from their entries.
impl Bm25StatisticsProvider for TermInfos<'_> {
    fn total_num_tokens(&self, field: Field) -> tantivy::Result<u64> {
        self.searcher.total_num_tokens(field)
    }

    fn total_num_docs(&self) -> tantivy::Result<u64> {
        self.searcher.total_num_docs()
    }

    fn doc_freq(&self, term: &Term) -> tantivy::Result<u64> {
        let f = self.fields.iter().position(|&field| field == term.field());
        let t = term.value().as_str().and_then(|text| self.index.get(text));
        match (f, t) {
            (Some(f), Some(&t)) => Ok(self.doc_freq[f][t]),
            _ => self.searcher.doc_freq(term),
        }
    }
}

/// What one document holds of the query's terms.
#[derive(Debug, Clone)]
pub struct Features {
    pub address: DocAddress,
    /// Term frequency per field (title, body) per term.
    tf: [Vec<u32>; 2],
    /// Field lengths in words.
    length: [u32; 2],
    /// Positions of each term in the body.
    positions: Vec<Vec<u32>>,
}

impl Features {
    /// What `passage` of this article holds: the title's words, and the body's within the
    /// passage's words (positions counted from the passage's start).
    pub fn of_passage(&self, passage: &StoredPassage) -> Features {
        let words = &passage.words;
        let mut tf = self.tf.clone();
        // A term's positions are in order: the passage's are one slice of them.
        let positions: Vec<Vec<u32>> = self
            .positions
            .iter()
            .map(|all| {
                let from = all.partition_point(|&p| p < words.start);
                let to = all.partition_point(|&p| p < words.end);
                all[from..to].iter().map(|p| p - words.start).collect()
            })
            .collect();
        for (t, within) in positions.iter().enumerate() {
            tf[1][t] = within.len() as u32;
        }
        Features {
            address: self.address,
            tf,
            length: [self.length[0], words.len() as u32],
            positions,
        }
    }
}

/// Reads the features of articles `docs` from the postings of their fields, the terms found
/// through `infos` (looked up for the same `words`).
pub fn features(
    searcher: &Searcher,
    schema: &Schema,
    words: &Words,
    infos: &TermInfos,
    docs: &[DocAddress],
) -> tantivy::Result<Vec<Features>> {
    let terms = words.terms.len();
    let mut out: Vec<Features> = docs
        .iter()
        .map(|&address| Features {
            address,
            tf: [vec![0; terms], vec![0; terms]],
            length: [0; 2],
            positions: vec![Vec::new(); terms],
        })
        .collect();
    let mut by_segment: HashMap<u32, Vec<(DocId, usize)>> = HashMap::new();
    for (i, address) in docs.iter().enumerate() {
        by_segment
            .entry(address.segment_ord)
            .or_default()
            .push((address.doc_id, i));
    }
    let mut positions = Vec::new();
    for (segment, mut list) in by_segment {
        list.sort_unstable();
        let reader = searcher.segment_reader(segment);
        for (f, which) in FIELDS.into_iter().enumerate() {
            let field = schema.text_field(which);
            let norms = reader.get_fieldnorms_reader(field)?;
            for &(doc, i) in &list {
                out[i].length[f] = norms.fieldnorm(doc);
            }
            let inverted = reader.inverted_index(field)?;
            let body = which == TextField::Body;
            let option = if body {
                IndexRecordOption::WithFreqsAndPositions
            } else {
                IndexRecordOption::WithFreqs
            };
            for t in 0..words.terms.len() {
                let Some(info) = infos.get(segment, f, t) else {
                    continue;
                };
                let mut postings = inverted.read_postings_from_terminfo(info, option)?;
                for &(doc, i) in &list {
                    let mut at = postings.doc();
                    if at < doc {
                        at = postings.seek(doc);
                    }
                    if at == TERMINATED {
                        break;
                    }
                    if at == doc {
                        out[i].tf[f][t] = postings.term_freq();
                        if body {
                            positions.clear();
                            postings.positions(&mut positions);
                            out[i].positions[t] = positions.clone();
                        }
                    }
                }
            }
        }
    }
    Ok(out)
}

/// A document's ranked score, and whether its body matched at all.
#[derive(Debug, Clone, Copy, Default)]
pub struct Scored {
    pub score: f32,
    pub body: bool,
}

/// Scores articles, or the passages of one, for one query.
pub struct Scorer<'a> {
    pub words: &'a Words,
    pub stats: &'a Stats,
}

/// Where the parts of an explanation go, when one is asked for.
type Parts<'p> = Option<&'p mut Vec<ScorePart>>;

impl Scorer<'_> {
    pub fn score(&self, doc: &Features) -> Scored {
        self.score_explained(doc, None)
    }

    /// The score and its parts: BM25 per term and field, proximity, then the factors.
    pub fn explain(&self, doc: &Features) -> Vec<ScorePart> {
        let mut parts = Vec::new();
        self.score_explained(doc, Some(&mut parts));
        parts
    }

    fn bm25(
        &self,
        doc: &Features,
        field: usize,
        term: usize,
        weight: f32,
        parts: &mut Parts,
    ) -> f32 {
        let tf = doc.tf[field][term] as f32;
        if tf == 0.0 || weight == 0.0 {
            return 0.0;
        }
        let length = doc.length[field] as f32;
        let average = self.stats.average_length[field];
        let norm = K1 * (1.0 - B + B * length / average);
        let tf_factor = tf * (K1 + 1.0) / (tf + norm);
        let idf = self.stats.idf[field][term];
        let value = weight * idf * tf_factor;
        if let Some(parts) = parts {
            parts.push(ScorePart {
                value,
                kind: PartKind::Term,
                // As the query names fields (an article's and a passage's title alike).
                field: Some(["title", "body"][field].to_string()),
                term: Some(self.words.terms[term].clone()),
                boost: weight,
                idf: Some(idf),
                tf: Some(tf_factor),
                freq: Some(tf),
                length: Some(length),
                avg_length: Some(average),
                description: None,
            });
        }
        value
    }

    /// A word's score in one field (weighted by `field_weight`) and how fully it matched:
    /// 1 through its own term, its term inside a compound or all its parts; half through
    /// its head or modifier alone.
    fn word(
        &self,
        doc: &Features,
        field: usize,
        field_weight: f32,
        word: &Word,
        parts: &mut Parts,
    ) -> (f32, f32) {
        let mut own = 0.0;
        for &t in &word.own {
            own += self.bm25(doc, field, t, field_weight, parts);
        }
        let inside = word.inside.map_or(0.0, |t| {
            self.bm25(doc, field, t, field_weight * PART_BOOST, parts)
        });
        let mut degree: f32 = if own > 0.0 || inside > 0.0 { 1.0 } else { 0.0 };
        let mut split = 0.0;
        if !word.parts.is_empty() {
            let present: Vec<bool> = word
                .parts
                .iter()
                .map(|&(p, q)| doc.tf[field][p] > 0 || q.is_some_and(|q| doc.tf[field][q] > 0))
                .collect();
            let last = present.len() - 1;
            let all = present.iter().all(|&p| p);
            // A modifier of several parts (voet + bal of voetbalrellen) counts only whole.
            let modifier_whole = present[..last].iter().all(|&p| p);
            for (i, &(p, q)) in word.parts.iter().enumerate() {
                let weight = if all {
                    if word.hyphenated {
                        HYPHEN_SPLIT_WEIGHT
                    } else {
                        SPLIT_WEIGHT
                    }
                } else if !present[i] || (!word.hyphenated && i < last && !modifier_whole) {
                    0.0
                } else {
                    ALONE_BOOST
                };
                let weight = weight * field_weight;
                split += self.bm25(doc, field, p, weight, parts);
                if let Some(q) = q {
                    split += self.bm25(doc, field, q, weight, parts);
                }
            }
            if all {
                degree = 1.0;
            } else if split > 0.0 {
                // Some words of a hyphenated word (or a pasted URL) count by their share.
                let share = if word.hyphenated {
                    present.iter().filter(|&&p| p).count() as f32 / present.len() as f32
                } else {
                    1.0
                };
                degree = degree.max(ALONE_DEGREE * share);
            }
        }
        let score = own + inside + split;
        (score, if score > 0.0 { degree } else { 0.0 })
    }

    /// A word's weight for coverage: the idf of its own term in the body (of its rarest
    /// part when it has no own term).
    fn weight(&self, word: &Word) -> f32 {
        let idf = &self.stats.idf[1];
        let own = word.own.iter().map(|&t| idf[t]).fold(0.0, f32::max);
        if own > 0.0 {
            own
        } else {
            word.parts.iter().map(|&(p, _)| idf[p]).fold(0.0, f32::max)
        }
    }

    fn score_explained(&self, doc: &Features, mut parts: Parts) -> Scored {
        let words = &self.words.words;
        let weights: Vec<f32> = words.iter().map(|w| self.weight(w)).collect();
        let total_weight: f32 = weights.iter().sum();
        let mut total = 0.0;
        let mut matched = 0.0;
        let mut body = false;
        for (word, &weight) in words.iter().zip(&weights) {
            let (title, title_degree) = self.word(doc, 0, TITLE_BOOST, word, &mut parts);
            let (in_body, body_degree) = self.word(doc, 1, 1.0, word, &mut parts);
            body |= in_body > 0.0;
            total += title + in_body;
            matched += weight * title_degree.max(body_degree);
        }
        for &(term, weight) in &self.words.expansion {
            let weight = FEEDBACK_WEIGHT * weight;
            total += self.bm25(doc, 0, term, weight * TITLE_BOOST, &mut parts);
            total += self.bm25(doc, 1, term, weight, &mut parts);
        }
        let proximity = PROXIMITY_WEIGHT * self.proximity(doc, &weights);
        if proximity > 0.0 {
            total += proximity;
            if let Some(parts) = parts.as_deref_mut() {
                parts.push(ScorePart {
                    value: proximity,
                    kind: PartKind::Other,
                    boost: PROXIMITY_WEIGHT,
                    description: Some("proximity of different query words in the body".into()),
                    ..ScorePart::default()
                });
            }
        }
        if total_weight <= 0.0 {
            return Scored { score: 0.0, body };
        }
        let coverage = matched / total_weight;
        let window = self.window(doc, &weights) / total_weight;
        let lead = self.lead(doc, &weights) / total_weight;
        let factors = [
            (
                coverage.powf(COVERAGE_POWER),
                format!("coverage: {:.0}% of the query's weight", 100.0 * coverage),
            ),
            (
                window.max(WINDOW_FLOOR).powf(WINDOW_POWER),
                format!(
                    "window: {:.0}% of it within {WINDOW_WORDS} words",
                    100.0 * window
                ),
            ),
            (
                (LEAD_FLOOR + (1.0 - LEAD_FLOOR) * lead).powf(LEAD_POWER),
                format!(
                    "lead: {:.0}% of it in the title or the first {LEAD_WORDS} words",
                    100.0 * lead
                ),
            ),
        ];
        for (factor, description) in factors {
            total *= factor;
            if let Some(parts) = parts.as_deref_mut() {
                parts.push(ScorePart {
                    value: factor,
                    kind: PartKind::Factor,
                    boost: 1.0,
                    description: Some(description),
                    ..ScorePart::default()
                });
            }
        }
        Scored { score: total, body }
    }

    /// The body positions of every term of each word: (position, word).
    fn occurrences(&self, doc: &Features) -> Vec<(u32, usize)> {
        let mut occurrences: Vec<(u32, usize)> = Vec::new();
        for (w, word) in self.words.words.iter().enumerate() {
            for t in word.terms() {
                occurrences.extend(doc.positions[t].iter().map(|&p| (p, w)));
            }
        }
        occurrences.sort_unstable();
        occurrences.dedup();
        occurrences
    }

    /// Büttcher, Clarke & Lushman (2006): neighbouring occurrences of different query words
    /// add the other word's weight over their distance squared to each, saturated like
    /// BM25's term frequency.
    fn proximity(&self, doc: &Features, weights: &[f32]) -> f32 {
        let occurrences = self.occurrences(doc);
        let mut accumulated = vec![0.0f32; weights.len()];
        for pair in occurrences.windows(2) {
            let ((p1, w1), (p2, w2)) = (pair[0], pair[1]);
            if w1 == w2 || p1 == p2 {
                continue;
            }
            let distance = (p2 - p1) as f32;
            accumulated[w1] += weights[w2] / (distance * distance);
            accumulated[w2] += weights[w1] / (distance * distance);
        }
        let norm = K1 * (1.0 - B + B * doc.length[1] as f32 / self.stats.average_length[1]);
        accumulated
            .iter()
            .zip(weights)
            .map(|(a, w)| w.min(1.0) * a * (K1 + 1.0) / (a + norm))
            .sum()
    }

    /// Whether word `w` is in the title by one of its own terms.
    fn in_title(&self, doc: &Features, w: usize) -> bool {
        self.words.words[w].own.iter().any(|&t| doc.tf[0][t] > 0)
    }

    /// The largest weight of distinct query words within one stretch of
    /// [`WINDOW_WORDS`] body words; words in the title count in every stretch.
    fn window(&self, doc: &Features, weights: &[f32]) -> f32 {
        let occurrences = self.occurrences(doc);
        let in_title: Vec<bool> = (0..weights.len()).map(|w| self.in_title(doc, w)).collect();
        let mut current: f32 = (0..weights.len())
            .filter(|&w| in_title[w])
            .map(|w| weights[w])
            .sum();
        let mut best = current;
        let mut count = vec![0u32; weights.len()];
        let mut low = 0;
        for high in 0..occurrences.len() {
            let (position, w) = occurrences[high];
            if count[w] == 0 && !in_title[w] {
                current += weights[w];
            }
            count[w] += 1;
            while occurrences[low].0 + WINDOW_WORDS <= position {
                let gone = occurrences[low].1;
                count[gone] -= 1;
                if count[gone] == 0 && !in_title[gone] {
                    current -= weights[gone];
                }
                low += 1;
            }
            best = best.max(current);
        }
        best
    }

    /// The weight of the query words in the title or the first [`LEAD_WORDS`] body words.
    fn lead(&self, doc: &Features, weights: &[f32]) -> f32 {
        self.words
            .words
            .iter()
            .enumerate()
            .filter(|(w, word)| {
                self.in_title(doc, *w)
                    || word
                        .terms()
                        .any(|t| doc.positions[t].first().is_some_and(|&p| p < LEAD_WORDS))
            })
            .map(|(w, _)| weights[w])
            .sum()
    }
}

#[cfg(test)]
mod tests {
    use tantivy::query::Bm25StatisticsProvider;

    use super::*;
    use crate::index::schema::tests::index_of;

    /// The entries looked up once give the document frequencies and the postings that
    /// looking each term up in the searcher gives, in an index of several segments, for
    /// terms some segments lack; a term outside the words is asked of the searcher.
    #[test]
    fn term_infos_equal_the_searchers_own_lookups() -> tantivy::Result<()> {
        let batches = vec![
            vec![("a", "fraude in de gemeente"), ("b", "de raad")],
            vec![("c", "fraude fraude"), ("d", "storm")],
            vec![("e", "niets hiervan")],
        ];
        let (schema, index) = index_of(&batches)?;
        let searcher = index.reader()?.searcher();
        let analyzer = crate::analysis::DutchAnalyzer::new(crate::analysis::Analysis::Stemmed);
        let terms: Vec<String> = ["fraude", "gemeente", "storm", "afwezig"]
            .iter()
            .map(|w| analyzer.normalize_word(w))
            .collect();
        let words = Words {
            terms: terms.clone(),
            words: Vec::new(),
            expansion: Vec::new(),
        };
        let infos = TermInfos::new(&searcher, &schema, &words)?;
        let body = schema.text_field(TextField::Body);
        for field in [schema.text_field(TextField::Title), body] {
            for text in terms.iter().map(String::as_str).chain(["raad"]) {
                let term = Term::from_field_text(field, text);
                assert_eq!(
                    Bm25StatisticsProvider::doc_freq(&infos, &term)?,
                    searcher.doc_freq(&term)?,
                    "{text}"
                );
            }
        }
        let docs: Vec<DocAddress> = searcher
            .segment_readers()
            .iter()
            .enumerate()
            .flat_map(|(s, r)| (0..r.max_doc()).map(move |d| DocAddress::new(s as u32, d)))
            .collect();
        let read = features(&searcher, &schema, &words, &infos, &docs)?;
        for (address, features) in docs.iter().zip(&read) {
            let reader = searcher.segment_reader(address.segment_ord);
            for (t, text) in terms.iter().enumerate() {
                let term = Term::from_field_text(body, text);
                let postings = reader
                    .inverted_index(body)?
                    .read_postings(&term, IndexRecordOption::WithFreqsAndPositions)?;
                let tf = postings.map_or(0, |mut p| {
                    if p.seek(address.doc_id) == address.doc_id {
                        p.term_freq()
                    } else {
                        0
                    }
                });
                assert_eq!(features.tf[1][t], tf, "{text} in {address:?}");
            }
        }
        assert!(read.iter().any(|f| f.tf[1][0] == 2), "fraude twice in c");
        Ok(())
    }
}
