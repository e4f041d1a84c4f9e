//! Relevance evaluation: queries files, TREC qrels and runs, the metrics and the gate of `zoek eval`.
//!
//! The scores agree with the reference script `trec_score.py` (`shared/eval/trec_score.py`):
//!
//! * every query named in the qrels is scored, a query without results scores 0;
//! * documents are ranked by score descending, ties broken by docid ascending (byte order,
//!   which is Unicode code point order, as Python compares strings); the rank column of a
//!   run file is ignored, as trec_eval does;
//! * a docid retrieved twice keeps its first (best) place, the later copies are dropped;
//! * MRR@10, nDCG@10 (gain `2^grade - 1`, discount `log2(rank + 1)`, ideal from the qrels
//!   grades sorted descending), success@1, success@10 and recall@100, grade > 0 relevant;
//! * the mean divides by the number of queries in the qrels.
//!
//! zoek adds judged@10 (the share of the top 10, out of 10, that the qrels judge at any
//! grade), which `trec_score.py` does not print.
//!
//! A run holds `f32` scores (what the index produces). [`trec_line`] writes them in their
//! shortest exact form, so reading a zoek run back (here or in `trec_score.py`) gives the
//! same order, ties included. A foreign run with more digits than an `f32` holds may tie
//! here where `trec_score.py`, parsing `f64`, does not.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::str::FromStr;

use serde::Serialize;

/// A queries, qrels or run file, a metric or a bound that cannot be read; the message names
/// `origin:line` where there is one.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct EvalError(String);

/// What reading an eval file gives.
pub type Result<T> = std::result::Result<T, EvalError>;

macro_rules! bail {
    ($($arg:tt)*) => {
        return Err(EvalError(format!($($arg)*)))
    };
}

/// One query of a queries file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueryLine {
    pub qid: String,
    pub query: String,
}

/// Parse a queries file: one query a line, either `query` or `qid<TAB>query`.
///
/// A query without a qid (or with an empty one) gets its 1-based line number as qid. Blank
/// lines are skipped but still count for line numbers. A trailing `\r` and the whitespace
/// around qid and query are removed, as is a leading byte order mark. A line with a qid
/// and no query, and a qid with white space in it (TREC files separate fields by white
/// space), are errors that name `origin:line`; each line stands alone, so a caller can run
/// the good ones.
pub fn parse_queries(text: &str, origin: &str) -> Vec<Result<QueryLine>> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let n = i + 1;
        let line = line.strip_suffix('\r').unwrap_or(line);
        let (qid, query) = match line.split_once('\t') {
            Some((qid, query)) => (qid.trim(), query.trim()),
            None => ("", line.trim()),
        };
        if qid.is_empty() && query.is_empty() {
            continue;
        }
        if query.is_empty() {
            out.push(Err(EvalError(format!(
                "{origin}:{n}: query {qid} is empty (expected 'qid<TAB>query')"
            ))));
            continue;
        }
        if qid.contains(char::is_whitespace) {
            out.push(Err(EvalError(format!(
                "{origin}:{n}: the qid '{qid}' holds white space, which TREC files use between fields; write it without"
            ))));
            continue;
        }
        let qid = if qid.is_empty() {
            n.to_string()
        } else {
            qid.to_string()
        };
        out.push(Ok(QueryLine {
            qid,
            query: query.to_string(),
        }));
    }
    out
}

/// Relevance judgements: for each query, docid → grade (grade > 0 is relevant).
#[derive(Debug, Clone, Default)]
pub struct Qrels {
    /// Query ids in the order of their first line in the qrels file.
    order: Vec<String>,
    judged: BTreeMap<String, BTreeMap<String, i32>>,
}

impl Qrels {
    /// The judged query ids, in the order of their first line in the qrels file.
    pub fn query_ids(&self) -> &[String] {
        &self.order
    }

    /// The judgements of one query: docid → grade.
    pub fn judgements(&self, qid: &str) -> Option<&BTreeMap<String, i32>> {
        self.judged.get(qid)
    }

    /// Number of judged queries.
    pub fn len(&self) -> usize {
        self.order.len()
    }

    pub fn is_empty(&self) -> bool {
        self.order.is_empty()
    }
}

/// Parse TREC qrels: lines `qid 0 docid grade`, whitespace separated, grade an integer.
///
/// The second column (the TREC "iteration") is not checked. Blank lines are skipped. When a
/// query judges the same docid twice, the last line wins (as in `trec_score.py`). Errors
/// name `origin:line`. A file without any judgement is an error.
pub fn parse_qrels(text: &str, origin: &str) -> Result<Qrels> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut qrels = Qrels::default();
    for (i, line) in text.lines().enumerate() {
        let fields: Vec<&str> = line.split_whitespace().collect();
        if fields.is_empty() {
            continue;
        }
        let n = i + 1;
        let [qid, _, docid, grade] = fields[..] else {
            bail!(
                "{origin}:{n}: expected 'qid 0 docid grade', found {} field(s)",
                fields.len()
            );
        };
        let Ok(grade) = grade.parse::<i32>() else {
            bail!("{origin}:{n}: grade '{grade}' is not an integer (expected 'qid 0 docid grade')");
        };
        if !qrels.judged.contains_key(qid) {
            qrels.order.push(qid.to_string());
        }
        qrels
            .judged
            .entry(qid.to_string())
            .or_default()
            .insert(docid.to_string(), grade);
    }
    if qrels.is_empty() {
        bail!("{origin}: no judgements (expected lines 'qid 0 docid grade')");
    }
    Ok(qrels)
}

/// A run: qid → retrieved (docid, score), in any order.
pub type Run = BTreeMap<String, Vec<(String, f32)>>;

/// Parse a TREC run file: lines `qid Q0 docid rank score tag`, whitespace separated.
///
/// Only qid, docid and score are used (the order comes from the scores); the rank must
/// still be a number and the score a finite number. Blank lines are skipped. Errors name
/// `origin:line`.
pub fn parse_run(text: &str, origin: &str) -> Result<Run> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut run = Run::new();
    for (i, line) in text.lines().enumerate() {
        let fields: Vec<&str> = line.split_whitespace().collect();
        if fields.is_empty() {
            continue;
        }
        let n = i + 1;
        let [qid, _, docid, rank, score, _] = fields[..] else {
            bail!(
                "{origin}:{n}: expected 'qid Q0 docid rank score tag', found {} field(s)",
                fields.len()
            );
        };
        if rank.parse::<u64>().is_err() {
            bail!("{origin}:{n}: rank '{rank}' is not a whole number (expected 'qid Q0 docid rank score tag')");
        }
        let score = match score.parse::<f32>() {
            Ok(s) if s.is_finite() => s,
            _ => bail!("{origin}:{n}: score '{score}' is not a finite number (expected 'qid Q0 docid rank score tag')"),
        };
        run.entry(qid.to_string())
            .or_default()
            .push((docid.to_string(), score));
    }
    Ok(run)
}

/// One line of a TREC run: `qid Q0 article_id rank score zoek`.
///
/// The score is written in the shortest form that reads back as the same `f32`, with at
/// least 4 decimals, so ties (and non-ties) survive the round trip.
pub fn trec_line(qid: &str, article_id: &str, rank: usize, score: f32) -> String {
    let mut s = score.to_string();
    if score.is_finite() {
        let decimals = s.split_once('.').map_or(0, |(_, frac)| frac.len());
        if decimals == 0 {
            s.push('.');
        }
        for _ in decimals..4 {
            s.push('0');
        }
    }
    format!("{qid} Q0 {article_id} {rank} {s} zoek")
}

/// The metrics of `zoek eval`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Metric {
    Mrr10,
    Ndcg10,
    Success1,
    Success10,
    Recall100,
    /// The share of the top 10 that the qrels judge (at any grade): how far the other
    /// scores can be trusted, since an unjudged article counts as not relevant.
    Judged10,
}

impl Metric {
    pub const ALL: [Metric; 6] = [
        Metric::Mrr10,
        Metric::Ndcg10,
        Metric::Success1,
        Metric::Success10,
        Metric::Recall100,
        Metric::Judged10,
    ];

    /// The canonical spelling: `mrr@10`, `ndcg@10`, `success@1`, `success@10`, `recall@100`,
    /// `judged@10`.
    pub fn name(self) -> &'static str {
        match self {
            Metric::Mrr10 => "mrr@10",
            Metric::Ndcg10 => "ndcg@10",
            Metric::Success1 => "success@1",
            Metric::Success10 => "success@10",
            Metric::Recall100 => "recall@100",
            Metric::Judged10 => "judged@10",
        }
    }

    /// The column header (and `trec_score.py` key): `MRR@10`, `nDCG@10`, ...
    fn label(self) -> &'static str {
        match self {
            Metric::Mrr10 => "MRR@10",
            Metric::Ndcg10 => "nDCG@10",
            _ => self.name(),
        }
    }
}

fn metric_names() -> String {
    Metric::ALL.map(Metric::name).join(", ")
}

impl fmt::Display for Metric {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Metric {
    type Err = EvalError;

    /// Case-insensitive: `mrr@10`, `nDCG@10`, ...
    fn from_str(s: &str) -> Result<Self> {
        let s = s.trim();
        match Metric::ALL
            .into_iter()
            .find(|m| m.name().eq_ignore_ascii_case(s))
        {
            Some(m) => Ok(m),
            None => bail!("unknown metric '{s}'; expected one of {}", metric_names()),
        }
    }
}

/// The scores of one query (or their mean, with qid `mean`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct QueryScores {
    pub qid: String,
    pub mrr10: f64,
    pub ndcg10: f64,
    pub success1: f64,
    pub success10: f64,
    pub recall100: f64,
    pub judged10: f64,
}

impl QueryScores {
    fn zero(qid: &str) -> Self {
        QueryScores {
            qid: qid.to_string(),
            mrr10: 0.0,
            ndcg10: 0.0,
            success1: 0.0,
            success10: 0.0,
            recall100: 0.0,
            judged10: 0.0,
        }
    }

    pub fn get(&self, metric: Metric) -> f64 {
        match metric {
            Metric::Mrr10 => self.mrr10,
            Metric::Ndcg10 => self.ndcg10,
            Metric::Success1 => self.success1,
            Metric::Success10 => self.success10,
            Metric::Recall100 => self.recall100,
            Metric::Judged10 => self.judged10,
        }
    }
}

/// The result of [`evaluate`].
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    /// Every query of the qrels: first those of `query_ids` in their order, then the ones
    /// only the qrels name, in qrels order.
    pub queries: Vec<QueryScores>,
    /// The mean over all qrels queries, qid `mean`.
    pub mean: QueryScores,
    pub warnings: Vec<String>,
}

/// Rank a query's results: score descending, ties by docid ascending, duplicates dropped
/// after their first (best) place.
fn ranked(results: &[(String, f32)]) -> Vec<&str> {
    let mut sorted: Vec<(f32, &str)> = results
        .iter()
        // `+ 0.0` turns -0.0 into 0.0 so that they tie, as in Python.
        .map(|(d, s)| (*s + 0.0, d.as_str()))
        .collect();
    sorted.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(b.1)));
    let mut seen = BTreeSet::new();
    sorted
        .into_iter()
        .filter(|&(_, d)| seen.insert(d))
        .map(|(_, d)| d)
        .collect()
}

fn gain(grade: i32) -> f64 {
    2f64.powi(grade) - 1.0
}

fn discount(index: usize) -> f64 {
    ((index + 2) as f64).log2()
}

fn score_query(qid: &str, rel: &BTreeMap<String, i32>, results: &[(String, f32)]) -> QueryScores {
    let ranked = ranked(results);
    let grade = |d: &str| rel.get(d).copied().unwrap_or(0);
    let top10 = &ranked[..ranked.len().min(10)];
    let top100 = &ranked[..ranked.len().min(100)];

    let mrr10 = top10
        .iter()
        .position(|d| grade(d) > 0)
        .map_or(0.0, |i| 1.0 / (i + 1) as f64);
    // Folded from +0.0: an empty `sum` of floats is -0.0, which would print as "-0.0000".
    let dcg: f64 = top10
        .iter()
        .enumerate()
        .map(|(i, d)| gain(grade(d)) / discount(i))
        .fold(0.0, |a, b| a + b);
    let mut ideal: Vec<i32> = rel.values().copied().collect();
    ideal.sort_unstable_by(|a, b| b.cmp(a));
    let idcg: f64 = ideal
        .iter()
        .take(10)
        .enumerate()
        .map(|(i, &g)| gain(g) / discount(i))
        .fold(0.0, |a, b| a + b);
    let nrel = rel.values().filter(|&&g| g > 0).count();
    let found = top100.iter().filter(|d| grade(d) > 0).count();
    QueryScores {
        qid: qid.to_string(),
        mrr10,
        ndcg10: if idcg != 0.0 { dcg / idcg } else { 0.0 },
        success1: if top10.first().is_some_and(|d| grade(d) > 0) {
            1.0
        } else {
            0.0
        },
        success10: if mrr10 > 0.0 { 1.0 } else { 0.0 },
        recall100: if nrel > 0 {
            found as f64 / nrel as f64
        } else {
            0.0
        },
        // Out of 10 even when fewer were found, as in bench/relevance.py.
        judged10: top10.iter().filter(|d| rel.contains_key(**d)).count() as f64 / 10.0,
    }
}

/// Score `run` against `qrels`.
///
/// Every query of the qrels is scored (0 when the run has nothing for it) and the mean is
/// over all of them, as `trec_score.py` computes it. `query_ids` are the queries that were
/// asked: one without judgements is not scored and gets a warning; a qrels query not among
/// them gets a warning but still counts (as 0 when the run has no results for it). Run
/// entries of unjudged queries are ignored.
pub fn evaluate(qrels: &Qrels, run: &Run, query_ids: &[String]) -> Report {
    let mut warnings = Vec::new();
    let asked: BTreeSet<&str> = query_ids.iter().map(String::as_str).collect();
    let mut order: Vec<&str> = Vec::new();
    let mut listed = BTreeSet::new();
    for qid in query_ids {
        if !listed.insert(qid.as_str()) {
            warnings.push(format!(
                "query {qid} appears more than once in the queries file; scored once"
            ));
        } else if qrels.judgements(qid).is_some() {
            order.push(qid);
        } else {
            warnings.push(format!(
                "query {qid} has no judgements in the qrels; not scored"
            ));
        }
    }
    for qid in qrels.query_ids() {
        if !asked.contains(qid.as_str()) {
            warnings.push(format!(
                "qrels name query {qid}, which is not in the queries file"
            ));
            order.push(qid);
        }
    }

    let mut scores: BTreeMap<&str, QueryScores> = BTreeMap::new();
    let mut sum = QueryScores::zero("mean");
    // Sum in qrels order, as trec_score.py does, so that the rounding agrees too.
    for qid in qrels.query_ids() {
        let rel = &qrels.judged[qid];
        let results = run.get(qid).map_or(&[][..], Vec::as_slice);
        let s = score_query(qid, rel, results);
        sum.mrr10 += s.mrr10;
        sum.ndcg10 += s.ndcg10;
        sum.success1 += s.success1;
        sum.success10 += s.success10;
        sum.recall100 += s.recall100;
        sum.judged10 += s.judged10;
        scores.insert(qid, s);
    }
    let n = qrels.len();
    let mean = if n == 0 {
        QueryScores::zero("mean")
    } else {
        let n = n as f64;
        QueryScores {
            qid: "mean".to_string(),
            mrr10: sum.mrr10 / n,
            ndcg10: sum.ndcg10 / n,
            success1: sum.success1 / n,
            success10: sum.success10 / n,
            recall100: sum.recall100 / n,
            judged10: sum.judged10 / n,
        }
    };
    let queries = order
        .into_iter()
        .filter_map(|qid| scores.remove(qid))
        .collect();
    Report {
        queries,
        mean,
        warnings,
    }
}

/// A lower bound on a mean metric: `METRIC=VALUE`, e.g. `ndcg@10=0.6`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Bound {
    pub metric: Metric,
    pub min: f64,
}

impl FromStr for Bound {
    type Err = EvalError;

    fn from_str(s: &str) -> Result<Self> {
        let Some((metric, value)) = s.split_once('=') else {
            bail!(
                "expected METRIC=VALUE (e.g. ndcg@10=0.6), found '{s}'; metrics: {}",
                metric_names()
            );
        };
        let metric: Metric = metric.parse()?;
        let min = match value.trim().parse::<f64>() {
            Ok(v) if (0.0..=1.0).contains(&v) => v,
            _ => bail!(
                "expected METRIC=VALUE with VALUE between 0 and 1 (e.g. ndcg@10=0.6), found '{s}'"
            ),
        };
        Ok(Bound { metric, min })
    }
}

impl fmt::Display for Bound {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}={}", self.metric, self.min)
    }
}

/// One message per bound whose mean is below its minimum, e.g.
/// `mrr@10 = 0.512 is below the minimum 0.600`. Values have 3 decimals, more when 3 would
/// print the value and the minimum alike.
pub fn failed_bounds(report: &Report, bounds: &[Bound]) -> Vec<String> {
    bounds
        .iter()
        .filter_map(|b| {
            let value = report.mean.get(b.metric);
            if value >= b.min {
                return None;
            }
            let mut p = 3;
            while p < 12 && format!("{value:.p$}") == format!("{:.p$}", b.min) {
                p += 1;
            }
            Some(format!(
                "{} = {value:.p$} is below the minimum {:.p$}",
                b.metric, b.min
            ))
        })
        .collect()
}

/// A plain-text table: header `qid  MRR@10  nDCG@10  success@1  success@10  recall@100
/// judged@10`,
/// one row per query, then the `mean` row; values with 4 decimals, columns separated by two
/// spaces, qids left-aligned and numbers right-aligned. No trailing spaces; ends with `\n`.
pub fn render_table(report: &Report) -> String {
    let rows: Vec<&QueryScores> = report
        .queries
        .iter()
        .chain(std::iter::once(&report.mean))
        .collect();
    let qid_width = rows
        .iter()
        .map(|r| r.qid.chars().count())
        .chain(std::iter::once("qid".len()))
        .max()
        .unwrap_or(3);
    let mut out = format!("{:<qid_width$}", "qid");
    for m in Metric::ALL {
        out.push_str(&format!("  {:>w$}", m.label(), w = m.label().len().max(6)));
    }
    out.push('\n');
    for r in rows {
        out.push_str(&r.qid);
        out.push_str(&" ".repeat(qid_width - r.qid.chars().count()));
        for m in Metric::ALL {
            out.push_str(&format!("  {:>w$.4}", r.get(m), w = m.label().len().max(6)));
        }
        out.push('\n');
    }
    out
}

/// The report as pretty-printed JSON: `{"type": "eval", "queries": [...], "mean": {...},
/// "warnings": [...]}`
/// with the fields of [`QueryScores`] (`qid`, `mrr10`, `ndcg10`, `success1`, `success10`,
/// `recall100`, `judged10`), unrounded. No trailing newline.
pub fn render_json(report: &Report) -> String {
    #[derive(Serialize)]
    struct Tagged<'a> {
        r#type: &'static str,
        #[serde(flatten)]
        report: &'a Report,
    }
    serde_json::to_string_pretty(&Tagged {
        r#type: "eval",
        report,
    })
    .expect("a report always serialises")
}

#[cfg(test)]
mod tests {
    use super::*;

    const QRELS: &str = include_str!("../tests/fixtures/eval/qrels.txt");
    const RUN: &str = include_str!("../tests/fixtures/eval/run.trec");
    const EXPECTED: &str = include_str!("../tests/fixtures/eval/expected.txt");

    /// The metrics `trec_score.py` prints, in its order (it has no judged@10).
    const TREC_SCORE: [Metric; 5] = [
        Metric::Mrr10,
        Metric::Ndcg10,
        Metric::Success1,
        Metric::Success10,
        Metric::Recall100,
    ];

    /// The means in the one-line format of `trec_score.py`:
    /// `MRR@10 0.6250 nDCG@10 0.5799 success@1 0.5000 success@10 0.7500 recall@100 0.7500 queries 4`.
    /// `queries` is the number of qrels queries (the denominator of the mean).
    fn summary_line(report: &Report, qrels: &Qrels) -> String {
        let mut out: Vec<String> = TREC_SCORE
            .iter()
            .map(|&m| format!("{} {:.4}", m.label(), report.mean.get(m)))
            .collect();
        out.push(format!("queries {}", qrels.len()));
        out.join(" ")
    }

    fn ids(ids: &[&str]) -> Vec<String> {
        ids.iter().map(|s| s.to_string()).collect()
    }

    fn close(actual: f64, expected: f64, what: &str) {
        assert!(
            (actual - expected).abs() < 1e-4,
            "{what}: got {actual}, expected {expected}"
        );
    }

    fn check(s: &QueryScores, mrr: f64, ndcg: f64, s1: f64, s10: f64, r100: f64) {
        close(s.mrr10, mrr, &format!("{} mrr@10", s.qid));
        close(s.ndcg10, ndcg, &format!("{} ndcg@10", s.qid));
        close(s.success1, s1, &format!("{} success@1", s.qid));
        close(s.success10, s10, &format!("{} success@10", s.qid));
        close(s.recall100, r100, &format!("{} recall@100", s.qid));
    }

    fn fixture_report() -> (Qrels, Report) {
        let qrels = parse_qrels(QRELS, "qrels.txt").unwrap();
        let run = parse_run(RUN, "run.trec").unwrap();
        let report = evaluate(&qrels, &run, &ids(&["q1", "q2", "q3", "q4"]));
        (qrels, report)
    }

    #[test]
    fn fixture_matches_hand_computed_values() {
        let (qrels, report) = fixture_report();
        assert!(report.warnings.is_empty(), "{:?}", report.warnings);
        let q: Vec<&str> = report.queries.iter().map(|s| s.qid.as_str()).collect();
        assert_eq!(q, ["q1", "q2", "q3", "q4"]);
        let l3 = 3f64.log2(); // 1.5849625

        // q1: nos-101 (grade 1) rank 1, nos-150 (grade 0) rank 2, nos-102 (grade 2) rank 3.
        // MRR = 1/1. DCG = (2^1-1)/log2(2) + 0/log2(3) + (2^2-1)/log2(4) = 1 + 3/2 = 2.5.
        // Ideal grades [2, 1, 0]: IDCG = 3/log2(2) + 1/log2(3) + 0 = 3 + 0.6309298 = 3.6309298.
        // nDCG = (1/log2(2) + 3/log2(4)) / (3/1 + 1/log2(3)) = 2.5 / 3.6309298 = 0.6885289.
        // Both relevant docs found: recall 2/2.
        let ndcg1 = (1.0 / 1.0 + 3.0 / 2.0) / (3.0 / 1.0 + 1.0 / l3);
        close(ndcg1, 0.6885289, "q1 ndcg arithmetic");
        check(&report.queries[0], 1.0, ndcg1, 1.0, 1.0, 1.0);

        // q2: the relevant nrc-201 is not retrieved: everything 0.
        check(&report.queries[1], 0.0, 0.0, 0.0, 0.0, 0.0);

        // q3: ad-301b and ad-301a both score 6.0; the tie goes to the smaller docid ad-301a
        // (relevant), although the run file ranks ad-301b first. DCG = 1/log2(2) = 1,
        // IDCG = 1 (grades [1, 0]). Tie broken the other way would give MRR 1/2.
        check(&report.queries[2], 1.0, 1.0, 1.0, 1.0, 1.0);

        // q4: vk-401 at 4.0 and again at 3.5 (duplicate dropped), then vk-402 (relevant)
        // at 3.0: rank 2, not 3. MRR = 1/2, DCG = 1/log2(3) = 0.6309298, IDCG = 1.
        let ndcg4 = 1.0 / l3;
        close(ndcg4, 0.6309298, "q4 ndcg arithmetic");
        check(&report.queries[3], 0.5, ndcg4, 0.0, 1.0, 1.0);

        // Means over the 4 qrels queries:
        // MRR (1 + 0 + 1 + 0.5)/4 = 0.625; nDCG (0.6885289 + 0 + 1 + 0.6309298)/4 = 0.5798647;
        // success@1 (1+0+1+0)/4 = 0.5; success@10 3/4; recall@100 3/4.
        assert_eq!(report.mean.qid, "mean");
        check(&report.mean, 0.625, 0.5798647, 0.5, 0.75, 0.75);

        // judged@10, out of 10: q1 3 judged (nos-199 is not), q2 none, q3 2 (ad-301b is
        // not), q4 1 (vk-402; vk-401 and vk-403 are not).
        let judged: Vec<f64> = report.queries.iter().map(|q| q.judged10).collect();
        assert_eq!(judged, [0.3, 0.0, 0.2, 0.1]);
        close(report.mean.judged10, 0.15, "mean judged@10");

        // Same line as `trec_score.py qrels.txt run.trec` (kept in expected.txt).
        assert_eq!(summary_line(&report, &qrels), EXPECTED.trim_end());
        let expected: Vec<&str> = EXPECTED.split_whitespace().collect();
        for (i, m) in TREC_SCORE.iter().enumerate() {
            let v: f64 = expected[2 * i + 1].parse().unwrap();
            close(report.mean.get(*m), v, m.name());
        }
    }

    #[test]
    fn cutoffs_at_10_and_100() {
        let qrels = parse_qrels("a 0 rel 1\na 0 far 1\n", "q").unwrap();
        let mut results: Vec<(String, f32)> = (0..150)
            .map(|i| (format!("d{i:03}"), 1000.0 - i as f32))
            .collect();
        results[10].0 = "rel".into(); // rank 11
        results[120].0 = "far".into(); // rank 121
        let run = Run::from([("a".to_string(), results)]);
        let r = evaluate(&qrels, &run, &ids(&["a"]));
        // Nothing relevant in the top 10; 1 of 2 relevant in the top 100.
        check(&r.queries[0], 0.0, 0.0, 0.0, 0.0, 0.5);
    }

    #[test]
    fn query_without_results_scores_zero_and_all_grade_zero_is_not_nan() {
        let qrels = parse_qrels("a 0 x 1\nb 0 y 0\n", "q").unwrap();
        let run = Run::from([("b".to_string(), vec![("y".to_string(), 1.0)])]);
        let r = evaluate(&qrels, &run, &ids(&["a", "b"]));
        check(&r.queries[0], 0.0, 0.0, 0.0, 0.0, 0.0);
        check(&r.queries[1], 0.0, 0.0, 0.0, 0.0, 0.0);
        check(&r.mean, 0.0, 0.0, 0.0, 0.0, 0.0);
    }

    #[test]
    fn duplicate_docids_keep_best_place() {
        let qrels = parse_qrels("a 0 r 1\n", "q").unwrap();
        // In file order the duplicate of "x" comes after "r", but its best copy (5.0) ranks
        // first: x, r. Dropping the 0.5 copy must not move r.
        let run = parse_run(
            "a Q0 x 3 0.5 t\na Q0 r 2 2.0 t\na Q0 x 1 5.0 t\na Q0 y 4 4.0 t\n",
            "run",
        )
        .unwrap();
        let r = evaluate(&qrels, &run, &ids(&["a"]));
        // Ranking: x (5.0), y (4.0), r (2.0) -> r at rank 3; without dedup by best copy
        // (e.g. keeping x at 0.5) r would be at rank 2.
        close(r.queries[0].mrr10, 1.0 / 3.0, "mrr");
        close(r.queries[0].ndcg10, 0.5, "ndcg = 1/log2(4)");
        // Duplicates of a relevant doc count once for recall.
        let run = parse_run("a Q0 r 1 2.0 t\na Q0 r 2 1.0 t\n", "run").unwrap();
        let qrels = parse_qrels("a 0 r 1\na 0 s 1\n", "q").unwrap();
        let r = evaluate(&qrels, &run, &ids(&["a"]));
        close(r.queries[0].recall100, 0.5, "recall");
        // DCG 1, IDCG 1 + 1/log2(3): a duplicate must not add gain.
        close(r.queries[0].ndcg10, 1.0 / (1.0 + 1.0 / 3f64.log2()), "ndcg");
    }

    #[test]
    fn warnings_for_unknown_qids() {
        let qrels = parse_qrels("1 0 a 1\n99 0 b 1\n", "q").unwrap();
        let run = Run::from([
            ("1".to_string(), vec![("a".to_string(), 1.0)]),
            ("99".to_string(), vec![("b".to_string(), 1.0)]),
        ]);
        let r = evaluate(&qrels, &run, &ids(&["1", "7"]));
        assert_eq!(
            r.warnings,
            [
                "query 7 has no judgements in the qrels; not scored",
                "qrels name query 99, which is not in the queries file",
            ]
        );
        // 7 is not scored; 99 still counts, so the mean is over 2 queries.
        let q: Vec<&str> = r.queries.iter().map(|s| s.qid.as_str()).collect();
        assert_eq!(q, ["1", "99"]);
        close(r.mean.mrr10, 1.0, "mean mrr");
        // A qrels query that is not asked and not in the run counts as 0.
        let r = evaluate(&qrels, &Run::new(), &ids(&["1"]));
        assert_eq!(r.warnings.len(), 1);
        close(r.mean.mrr10, 0.0, "mean mrr of empty run");
        assert_eq!(r.queries.len(), 2);
    }

    #[test]
    fn parse_queries_with_and_without_qid() {
        let q: Vec<QueryLine> = parse_queries(
            "\u{feff}kabinet valt\r\n\n  \nq7\tstikstof boeren\r\n\t woningnood \n",
            "q.tsv",
        )
        .into_iter()
        .collect::<Result<_>>()
        .unwrap();
        assert_eq!(
            q,
            [
                QueryLine {
                    qid: "1".into(),
                    query: "kabinet valt".into()
                },
                QueryLine {
                    qid: "q7".into(),
                    query: "stikstof boeren".into()
                },
                QueryLine {
                    qid: "5".into(),
                    query: "woningnood".into()
                },
            ]
        );
    }

    #[test]
    fn empty_queries_and_qids_with_white_space_are_errors_on_their_line() {
        let q = parse_queries("a\tkabinet\nq2\t\nq 3\tstikstof\nq4\tboeren\n", "q.tsv");
        let shown: Vec<String> = q
            .iter()
            .map(|r| match r {
                Ok(line) => line.qid.clone(),
                Err(e) => e.to_string(),
            })
            .collect();
        assert_eq!(
            shown,
            [
                "a",
                "q.tsv:2: query q2 is empty (expected 'qid<TAB>query')",
                "q.tsv:3: the qid 'q 3' holds white space, which TREC files use between fields; write it without",
                "q4"
            ]
        );
    }

    #[test]
    fn no_negative_zero() {
        let qrels = parse_qrels("q 0 a 1\n", "qrels.txt").unwrap();
        let report = evaluate(&qrels, &Run::new(), &ids(&["q"]));
        assert!(
            report.mean.ndcg10.is_sign_positive(),
            "{}",
            report.mean.ndcg10
        );
        assert!(
            !render_table(&report).contains("-0"),
            "{}",
            render_table(&report)
        );
        assert!(!render_json(&report).contains("-0"));
    }

    #[test]
    fn parse_qrels_errors_name_line() {
        let e = parse_qrels("1 0 a 1\n\n1 0 b\n", "qrels.txt").unwrap_err();
        assert_eq!(
            e.to_string(),
            "qrels.txt:3: expected 'qid 0 docid grade', found 3 field(s)"
        );
        let e = parse_qrels("1 0 a 1\n1 0 b high\n", "qrels.txt").unwrap_err();
        assert!(
            e.to_string()
                .starts_with("qrels.txt:2: grade 'high' is not an integer"),
            "{e}"
        );
        let e = parse_qrels("1 Q0 a 1 2.5 tag\n", "qrels.txt").unwrap_err();
        assert!(e.to_string().starts_with("qrels.txt:1: expected"), "{e}");
        assert!(parse_qrels("\n\n", "empty.txt")
            .unwrap_err()
            .to_string()
            .starts_with("empty.txt: no judgements"));
        // Last judgement of a docid wins; first-seen qid order is kept.
        let q = parse_qrels("b 0 x 1\na 0 y 2\nb 0 x 0\n", "q").unwrap();
        assert_eq!(q.query_ids(), ["b", "a"]);
        assert_eq!(q.judgements("b").unwrap()["x"], 0);
    }

    #[test]
    fn parse_run_errors_and_round_trip() {
        let e = parse_run("1 Q0 a 1 2.0 zoek\n1 Q0 b 2 zoek\n", "run.trec").unwrap_err();
        assert_eq!(
            e.to_string(),
            "run.trec:2: expected 'qid Q0 docid rank score tag', found 5 field(s)"
        );
        let e = parse_run("1 Q0 a 1 high zoek\n", "run.trec").unwrap_err();
        assert!(e.to_string().starts_with("run.trec:1: score 'high'"), "{e}");
        let e = parse_run("1 Q0 a 1 NaN zoek\n", "run.trec").unwrap_err();
        assert!(e.to_string().starts_with("run.trec:1: score 'NaN'"), "{e}");

        assert_eq!(
            trec_line("3", "nos-1", 1, 12.5),
            "3 Q0 nos-1 1 12.5000 zoek"
        );
        assert_eq!(trec_line("3", "nos-1", 2, 7.0), "3 Q0 nos-1 2 7.0000 zoek");
        let precise = 12.345_678_f32;
        let line = trec_line("3", "nos-1", 3, precise);
        assert_eq!(line, "3 Q0 nos-1 3 12.345678 zoek");
        let run = parse_run(&line, "x").unwrap();
        assert_eq!(run["3"], [("nos-1".to_string(), precise)]);
    }

    #[test]
    fn metric_names_parse() {
        for m in Metric::ALL {
            assert_eq!(m.name().parse::<Metric>().unwrap(), m);
            assert_eq!(m.name().to_uppercase().parse::<Metric>().unwrap(), m);
        }
        assert_eq!("nDCG@10".parse::<Metric>().unwrap(), Metric::Ndcg10);
        let e = "map".parse::<Metric>().unwrap_err().to_string();
        assert_eq!(
            e,
            "unknown metric 'map'; expected one of mrr@10, ndcg@10, success@1, success@10, recall@100, judged@10"
        );
        assert!("ndcg@5".parse::<Metric>().is_err());
    }

    #[test]
    fn bounds_parse() {
        let b: Bound = "ndcg@10=0.6".parse().unwrap();
        assert_eq!(
            b,
            Bound {
                metric: Metric::Ndcg10,
                min: 0.6
            }
        );
        assert_eq!("MRR@10=1".parse::<Bound>().unwrap().metric, Metric::Mrr10);
        let e = "ndcg@10".parse::<Bound>().unwrap_err().to_string();
        assert!(e.contains("expected METRIC=VALUE"), "{e}");
        assert!(
            e.contains("mrr@10, ndcg@10, success@1, success@10, recall@100, judged@10"),
            "{e}"
        );
        let e = "ndcg@10=hoog".parse::<Bound>().unwrap_err().to_string();
        assert!(e.contains("between 0 and 1"), "{e}");
        assert!("ndcg@10=1.5".parse::<Bound>().is_err());
        let e = "p@10=0.5".parse::<Bound>().unwrap_err().to_string();
        assert!(e.contains("unknown metric 'p@10'"), "{e}");
    }

    #[test]
    fn failed_bounds_one_pass_one_fail() {
        let (_, report) = fixture_report();
        // Means: mrr@10 0.625, ndcg@10 0.5798647.
        let bounds = [
            "mrr@10=0.6".parse().unwrap(),
            "ndcg@10=0.7".parse().unwrap(),
            "success@1=0.5".parse().unwrap(), // equal passes
        ];
        assert_eq!(
            failed_bounds(&report, &bounds),
            ["ndcg@10 = 0.580 is below the minimum 0.700"]
        );
        // A value that would print like the bound gets more decimals.
        let close_bound = ["ndcg@10=0.5799".parse().unwrap()];
        assert_eq!(
            failed_bounds(&report, &close_bound),
            ["ndcg@10 = 0.57986 is below the minimum 0.57990"]
        );
    }

    #[test]
    fn table_and_json() {
        let (_, report) = fixture_report();
        let table = render_table(&report);
        let lines: Vec<&str> = table.lines().collect();
        assert_eq!(
            lines[0],
            "qid   MRR@10  nDCG@10  success@1  success@10  recall@100  judged@10"
        );
        assert_eq!(
            lines[1],
            "q1    1.0000   0.6885     1.0000      1.0000      1.0000     0.3000"
        );
        assert_eq!(
            lines[5],
            "mean  0.6250   0.5799     0.5000      0.7500      0.7500     0.1500"
        );
        assert_eq!(lines.len(), 6);
        assert!(lines.iter().all(|l| l.len() == lines[0].len()));

        let json: serde_json::Value = serde_json::from_str(&render_json(&report)).unwrap();
        assert_eq!(json["queries"][3]["qid"], "q4");
        assert_eq!(json["queries"][3]["mrr10"], 0.5);
        assert_eq!(json["mean"]["qid"], "mean");
        assert_eq!(json["mean"]["success10"], 0.75);
        assert!(json["warnings"].as_array().unwrap().is_empty());
    }
}
