//! Any of several weighted terms, scored by the sum of their BM25: the query that gathers a
//! ranked search's candidates, and its top-k search by MaxScore.
//!
//! A headline typed as a query stands for some eighty term clauses (each word, its compound
//! parts, in title and body). tantivy's block-max WAND re-sorts every clause at each article
//! it scores, which made up most of such a query's time. MaxScore (Turtle and Flood, 1995;
//! what Lucene runs for disjunctions since 9.9) orders the clauses once by their bound: the
//! weakest ones, whose bounds together cannot lift an article past the k-th score, are not
//! walked but only looked up in the articles the others find, and an article is dropped as
//! soon as what is left to add cannot lift it. The bounds are BM25's own (a term's weight
//! for any frequency and length), so the top k is exact.
//!
//! Tighter bounds per block (tantivy's block maxima, taken window by window) were tried and
//! left: a pool's 50th score is about what one title match gives, and a clause's best
//! document in a block of 128 scores near its global bound, so no window was ever skipped and
//! the bookkeeping cost more than it saved (0.77 s against 0.73 s of CPU for the 1,462
//! queries of `bench/speed.sh` at 100,000 articles).

use tantivy::fieldnorm::FieldNormReader;
use tantivy::postings::{Postings, SegmentPostings};
use tantivy::query::{
    Bm25Weight, BooleanQuery, BoostQuery, EnableScoring, Explanation, Occur, Query, Scorer,
    TermQuery, Weight,
};
use tantivy::schema::IndexRecordOption;
use tantivy::{DocId, DocSet, Score, SegmentReader, TantivyError, Term, TERMINATED};

/// Articles holding any of the terms, each term's BM25 times its boost summed.
#[derive(Clone, Debug)]
pub struct TermUnion {
    terms: Vec<(Term, Score)>,
}

impl TermUnion {
    /// The union of `terms`, each with its boost.
    pub fn new(terms: Vec<(Term, Score)>) -> TermUnion {
        TermUnion { terms }
    }

    /// The same query as tantivy's boolean of boosted term clauses, for counting (no scores,
    /// no bounds to prune by).
    fn boolean(&self) -> BooleanQuery {
        BooleanQuery::new(
            self.terms
                .iter()
                .map(|(term, boost)| {
                    let clause: Box<dyn Query> =
                        Box::new(TermQuery::new(term.clone(), IndexRecordOption::WithFreqs));
                    let clause = if *boost == 1.0 {
                        clause
                    } else {
                        Box::new(BoostQuery::new(clause, *boost))
                    };
                    (Occur::Should, clause)
                })
                .collect(),
        )
    }
}

impl Query for TermUnion {
    fn weight(&self, enable_scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        let EnableScoring::Enabled {
            statistics_provider,
            ..
        } = enable_scoring
        else {
            // Counting: tantivy's boolean of the same terms, unscored.
            return self.boolean().weight(enable_scoring);
        };
        let mut terms = self
            .terms
            .iter()
            .map(|(term, boost)| {
                // As tantivy's term query weighs one term, so the scores are its.
                let weight =
                    Bm25Weight::for_terms(statistics_provider, std::slice::from_ref(term))?;
                Ok((term.clone(), weight.boost_by(*boost)))
            })
            .collect::<tantivy::Result<Vec<_>>>()?;
        // In the order MaxScore wants its clauses, sorted here once rather than each
        // segment's clauses, which hold their postings' blocks (sorting them moved a
        // kilobyte for each swap: 1.3% of a batch).
        terms.sort_by(|(_, a), (_, b)| a.max_score().total_cmp(&b.max_score()));
        Ok(Box::new(TermUnionWeight { terms }))
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        for (term, _) in &self.terms {
            visitor(term, false);
        }
    }
}

/// Each term with its boosted BM25 weight, weakest bound first.
struct TermUnionWeight {
    terms: Vec<(Term, Bm25Weight)>,
}

impl TermUnionWeight {
    /// The clauses of the terms `segment` holds, their weights times `boost`, weakest bound
    /// first.
    fn clauses(&self, segment: &SegmentReader, boost: Score) -> tantivy::Result<Vec<Clause>> {
        let mut clauses = Vec::with_capacity(self.terms.len());
        for (term, weight) in &self.terms {
            let field = term.field();
            let Some(postings) = segment
                .inverted_index(field)?
                .read_postings(term, IndexRecordOption::WithFreqs)?
            else {
                continue;
            };
            if postings.doc() == TERMINATED {
                continue;
            }
            let weight = if boost == 1.0 {
                weight.clone()
            } else {
                weight.boost_by(boost)
            };
            clauses.push(Clause {
                postings,
                norms: segment.get_fieldnorms_reader(field)?,
                bound: weight.max_score(),
                weight,
            });
        }
        Ok(clauses)
    }
}

impl Weight for TermUnionWeight {
    /// Every document of the union, in order (beside filters, and to explain).
    fn scorer(&self, segment: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        Ok(Box::new(Union::new(self.clauses(segment, boost)?)))
    }

    fn explain(&self, segment: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        let mut union = Union::new(self.clauses(segment, 1.0)?);
        if union.seek(doc) != doc {
            return Err(TantivyError::InvalidArgument(format!(
                "document {doc} holds none of the terms"
            )));
        }
        let mut explanation = Explanation::new("sum of the terms' BM25", union.score());
        for clause in union.clauses.iter().filter(|clause| clause.doc() == doc) {
            explanation.add_detail(
                clause
                    .weight
                    .explain(clause.norms.fieldnorm_id(doc), clause.postings.term_freq()),
            );
        }
        Ok(explanation)
    }

    fn for_each_pruning(
        &self,
        threshold: Score,
        segment: &SegmentReader,
        callback: &mut dyn FnMut(DocId, Score) -> Score,
    ) -> tantivy::Result<()> {
        max_score(self.clauses(segment, 1.0)?, threshold, callback);
        Ok(())
    }
}

/// One term's postings in a segment, scored.
struct Clause {
    postings: SegmentPostings,
    norms: FieldNormReader,
    weight: Bm25Weight,
    /// No article scores more on this term.
    bound: Score,
}

impl Clause {
    fn doc(&self) -> DocId {
        self.postings.doc()
    }

    fn score(&self) -> Score {
        let doc = self.postings.doc();
        self.weight
            .score(self.norms.fieldnorm_id(doc), self.postings.term_freq())
    }
}

/// The clauses as one scorer, unpruned: each document any of them holds, scored by the sum.
struct Union {
    clauses: Vec<Clause>,
    doc: DocId,
}

impl Union {
    fn new(clauses: Vec<Clause>) -> Union {
        let doc = clauses.iter().map(Clause::doc).min().unwrap_or(TERMINATED);
        Union { clauses, doc }
    }

    /// Moves to the lowest document of the clauses.
    fn settle(&mut self) -> DocId {
        self.doc = self
            .clauses
            .iter()
            .map(Clause::doc)
            .min()
            .unwrap_or(TERMINATED);
        self.doc
    }
}

impl DocSet for Union {
    fn advance(&mut self) -> DocId {
        for clause in &mut self.clauses {
            if clause.doc() == self.doc {
                clause.postings.advance();
            }
        }
        self.settle()
    }

    fn seek(&mut self, target: DocId) -> DocId {
        for clause in &mut self.clauses {
            if clause.doc() < target {
                clause.postings.seek(target);
            }
        }
        self.settle()
    }

    fn doc(&self) -> DocId {
        self.doc
    }

    fn size_hint(&self) -> u32 {
        self.clauses.iter().map(|c| c.postings.size_hint()).sum()
    }
}

impl Scorer for Union {
    fn score(&mut self) -> Score {
        let doc = self.doc;
        self.clauses
            .iter()
            .filter(|clause| clause.doc() == doc)
            .map(Clause::score)
            .sum()
    }
}

/// Documents are scored a window at a time: each essential clause adds its scores of the
/// window into buckets, one clause after the other (no choosing, document by document, which
/// clause stands lowest), and the window's documents are then completed in order.
const WINDOW: usize = 4096;

/// Calls `callback` with every document whose summed score exceeds the threshold, the
/// threshold being what `callback` last returned (at first `threshold`). The clauses come
/// weakest bound first.
fn max_score(
    mut clauses: Vec<Clause>,
    mut threshold: Score,
    callback: &mut dyn FnMut(DocId, Score) -> Score,
) {
    debug_assert!(clauses.is_sorted_by(|a, b| a.bound <= b.bound));
    // bounds_below[i]: the most clauses[..i] can add together.
    let mut bounds_below = Vec::with_capacity(clauses.len() + 1);
    let mut sum: Score = 0.0;
    bounds_below.push(sum);
    for clause in &clauses {
        sum += clause.bound;
        bounds_below.push(sum);
    }
    // Clauses before the first essential one cannot lift a document past the threshold by
    // themselves: they are only looked up.
    let first_essential = |threshold: Score| {
        bounds_below
            .partition_point(|&b| b <= threshold)
            .saturating_sub(1)
    };
    let mut scores = vec![0.0 as Score; WINDOW];
    let mut found = [0u64; WINDOW / 64];
    // Every document before it has been seen.
    let mut next: DocId = 0;
    loop {
        // The partition holds for the whole window: the essential clauses' scores are in
        // the buckets, the others are looked up (a threshold raised meanwhile only prunes).
        let essential = first_essential(threshold);
        if essential == clauses.len() {
            break;
        }
        let mut start = TERMINATED;
        for clause in &mut clauses[essential..] {
            if clause.doc() < next {
                clause.postings.seek(next);
            }
            start = start.min(clause.doc());
        }
        if start == TERMINATED {
            break;
        }
        let end = start.saturating_add(WINDOW as DocId);
        for clause in &mut clauses[essential..] {
            while clause.doc() < end {
                let slot = (clause.doc() - start) as usize;
                scores[slot] += clause.score();
                found[slot / 64] |= 1 << (slot % 64);
                clause.postings.advance();
            }
        }
        for (word_at, bits) in found.iter_mut().enumerate() {
            let mut word = std::mem::take(bits);
            while word != 0 {
                let slot = word_at * 64 + word.trailing_zeros() as usize;
                word &= word - 1;
                let doc = start + slot as DocId;
                let mut score = std::mem::take(&mut scores[slot]);
                let mut can_enter = true;
                for i in (0..essential).rev() {
                    if score + bounds_below[i + 1] <= threshold {
                        can_enter = false;
                        break;
                    }
                    let clause = &mut clauses[i];
                    if clause.doc() < doc {
                        clause.postings.seek(doc);
                    }
                    if clause.doc() == doc {
                        score += clause.score();
                    }
                }
                if can_enter && score > threshold {
                    threshold = callback(doc, score);
                }
            }
        }
        next = end;
    }
}

#[cfg(test)]
mod tests {
    use tantivy::collector::TopDocs;
    use tantivy::schema::{Schema, TEXT};
    use tantivy::{doc, Index, IndexWriter};

    use super::*;

    /// A small index of generated texts over a few words of very different frequencies.
    fn index() -> (Index, tantivy::schema::Field, tantivy::schema::Field) {
        let mut schema = Schema::builder();
        let title = schema.add_text_field("title", TEXT);
        let body = schema.add_text_field("body", TEXT);
        let index = Index::create_in_ram(schema.build());
        let mut writer: IndexWriter = index.writer_with_num_threads(1, 15_000_000).unwrap();
        let words = ["a", "b", "c", "d", "e", "f", "g", "h"];
        // A fixed pseudo-random sequence: no dependency for a test of arithmetic.
        let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = |n: u64| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state % n
        };
        // Segments of several windows each, so that the clauses' partition changes.
        for _ in 0..20_000 {
            let mut text = |most: u64| {
                (0..1 + next(most))
                    .map(|_| {
                        // Word i is about twice as rare as word i - 1.
                        let pick = next(255).leading_zeros() as usize - 56;
                        words[pick.min(words.len() - 1)]
                    })
                    .collect::<Vec<_>>()
                    .join(" ")
            };
            let (t, b) = (text(4), text(40));
            writer.add_document(doc!(title => t, body => b)).unwrap();
            if next(6_000) == 0 {
                writer.commit().unwrap();
            }
        }
        writer.commit().unwrap();
        (index, title, body)
    }

    /// A weak term that is only looked up (its bound is below the threshold) still lifts the
    /// one document that holds it above all the others.
    #[test]
    fn a_term_only_looked_up_still_lifts_a_document() {
        let mut schema = Schema::builder();
        let body = schema.add_text_field("body", TEXT);
        let index = Index::create_in_ram(schema.build());
        let mut writer: IndexWriter = index.writer_with_num_threads(1, 15_000_000).unwrap();
        // Half the documents hold the strong term, which then outweighs the weak one's bound;
        // the document with both stands past the first window, where the partition is made.
        for i in 0..10_000 {
            let text = match i {
                9_000 => "strong weak",
                i if i % 2 == 0 => "strong other",
                _ => "other other",
            };
            writer.add_document(doc!(body => text)).unwrap();
        }
        writer.commit().unwrap();
        let searcher = index.reader().unwrap().searcher();
        let union = TermUnion::new(vec![
            (Term::from_field_text(body, "strong"), 1.0),
            (Term::from_field_text(body, "weak"), 0.01),
        ]);
        let top = searcher
            .search(&union, &TopDocs::with_limit(1).order_by_score())
            .unwrap();
        assert_eq!(top[0].1.doc_id, 9_000, "{top:?}");
    }

    fn scoring(searcher: &tantivy::Searcher) -> EnableScoring<'_> {
        EnableScoring::enabled_from_searcher(searcher)
    }

    /// Every document `weight` matches with its score, best first.
    fn every_score(
        searcher: &tantivy::Searcher,
        weight: tantivy::Result<Box<dyn Weight>>,
    ) -> Vec<(Score, tantivy::DocAddress)> {
        let weight = weight.unwrap();
        let mut all = Vec::new();
        for (ord, reader) in searcher.segment_readers().iter().enumerate() {
            weight
                .for_each(reader, &mut |doc, score| {
                    all.push((score, tantivy::DocAddress::new(ord as u32, doc)))
                })
                .unwrap();
        }
        all.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        all
    }

    /// Unpruned (beside a filter), the union finds what tantivy's boolean of the same terms
    /// finds, with the same scores.
    #[test]
    fn the_unpruned_union_is_tantivys_boolean() {
        let (index, title, body) = index();
        let searcher = index.reader().unwrap().searcher();
        let union = TermUnion::new(vec![
            (Term::from_field_text(title, "c"), 2.0),
            (Term::from_field_text(body, "c"), 1.0),
            (Term::from_field_text(body, "g"), 0.25),
            (Term::from_field_text(body, "h"), 0.4),
        ]);
        // In document order: scores summed in another order may differ in the last bit.
        let by_address = |mut all: Vec<(Score, tantivy::DocAddress)>| {
            all.sort_by_key(|&(_, address)| address);
            all
        };
        let ours = by_address(every_score(&searcher, union.weight(scoring(&searcher))));
        let tantivys = by_address(every_score(
            &searcher,
            union.boolean().weight(scoring(&searcher)),
        ));
        assert!(!ours.is_empty());
        assert_eq!(ours.len(), tantivys.len());
        for ((a, x), (b, y)) in ours.iter().zip(&tantivys) {
            assert_eq!(x, y);
            assert!(
                (a - b).abs() <= 1e-4 * b.abs().max(1.0),
                "{x:?}: {a} against {b}"
            );
        }
    }

    #[test]
    fn the_top_k_is_tantivys_exhaustive_top_k() {
        let (index, title, body) = index();
        let searcher = index.reader().unwrap().searcher();
        assert!(searcher.segment_readers().len() > 1, "several segments");
        let boosts = [1.0, 0.25, 0.4, 2.0];
        for words in [
            &["a"][..],
            &["a", "h"],
            &["b", "c", "g"],
            &["a", "b", "c", "d", "e", "f", "g", "h"],
        ] {
            let terms: Vec<(Term, Score)> = words
                .iter()
                .enumerate()
                .flat_map(|(i, w)| {
                    let boost = boosts[i % boosts.len()];
                    [
                        (Term::from_field_text(title, w), boost * 2.0),
                        (Term::from_field_text(body, w), boost),
                    ]
                })
                .collect();
            let union = TermUnion::new(terms);
            for k in [1, 10, 50] {
                let pruned = searcher
                    .search(&union, &TopDocs::with_limit(k).order_by_score())
                    .unwrap();
                // Every matching document scored by tantivy's own union, none pruned.
                let all = every_score(&searcher, union.boolean().weight(scoring(&searcher)));
                assert!(all.len() > k, "{words:?}: more matches than k");
                // The k-th score decides; documents tied with it may stand either way.
                let kth = all[k - 1].0;
                let near = |a: Score, b: Score| (a - b).abs() <= 1e-4 * a.abs().max(1.0);
                assert!(near(pruned[k - 1].0, kth), "{words:?} k={k}");
                for (score, address) in &pruned {
                    let exhaustive = all.iter().find(|(_, a)| a == address).unwrap().0;
                    assert!(near(*score, exhaustive), "{words:?} k={k}: score");
                }
                for (score, address) in all.iter().filter(|(s, _)| *s > kth + 1e-3) {
                    assert!(
                        pruned.iter().any(|(_, a)| a == address),
                        "{words:?} k={k}: {address:?} ({score}) missing"
                    );
                }
            }
        }
    }
}
