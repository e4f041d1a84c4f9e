//! End-to-end: batch queries, TREC output and `zoek eval` on the bundled corpus.

use std::fs;

use crate::common::{bundled_index, zoek};

const SEED: &str = "2020-11-18-trump-ontslaat-krebs.txt";
const TAX: &str = "2020-02-10-ondernemer-veroordeeld-belastingfraude.md";

fn write_temp(name: &str, text: &str) -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    fs::write(&path, text).unwrap();
    let path = path.to_string_lossy().into_owned();
    (dir, path)
}

fn batch(queries: &str, extra: &[&str]) -> crate::common::Run {
    let (_dir, path) = write_temp("queries.tsv", queries);
    let index = bundled_index().to_str().unwrap();
    let mut args = vec!["search", "--index", index, "--queries", &path];
    args.extend_from_slice(extra);
    zoek(&args)
}

#[test]
fn batch_json_hits_carry_their_qid() {
    let run = batch(
        "seed\tverkiezingsfraude\nbelastingfraude\n",
        &["--json", "-n", "2"],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let qids = crate::common::qids(&run.stdout);
    assert_eq!(
        qids,
        ["seed", "seed", "2", "2"],
        "a query without qid gets its line number"
    );
}

#[test]
fn a_bad_query_fails_alone_with_exit_2() {
    let run = batch(
        "1\tverkiezingsfraude\n2\t\"open phrase\n3\tbelastingfraude\n",
        &["--json"],
    );
    assert_eq!(run.code, 2);
    assert_eq!(
        run.stderr.trim_end(),
        "zoek: query 2: invalid query '\"open phrase': unclosed quote; close the phrase with '\"'\n                              ^^^^^^^^^^^^"
    );
    let qids = crate::common::qids(&run.stdout);
    assert!(
        qids.contains(&"1".to_string()) && qids.contains(&"3".to_string()),
        "{qids:?}"
    );
}

#[test]
fn batch_reads_stdin_and_exits_1_when_nothing_matches() {
    let index = bundled_index().to_str().unwrap();
    let run = crate::common::zoek_with_stdin(
        &["search", "--index", index, "--queries", "-"],
        "xylofoonzaal\nqwertyuiop\n",
    );
    assert_eq!(run.code, 1);
    assert_eq!(
        run.stdout.matches("query ").count(),
        2,
        "a header per query: {}",
        run.stdout
    );
}

#[test]
fn trec_output_has_one_line_per_article() {
    let run = batch("7\tfraude\n", &["--format", "trec", "-n", "100"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let lines: Vec<Vec<&str>> = run.stdout.lines().map(|l| l.split(' ').collect()).collect();
    assert!(lines.len() >= 2);
    let mut articles = Vec::new();
    let mut last_score = f64::INFINITY;
    for (i, fields) in lines.iter().enumerate() {
        assert_eq!(fields.len(), 6, "{fields:?}");
        assert_eq!(fields[0], "7");
        assert_eq!(fields[1], "Q0");
        assert_eq!(fields[3], (i + 1).to_string());
        let score: f64 = fields[4].parse().unwrap();
        assert!(score <= last_score);
        last_score = score;
        assert_eq!(fields[5], "zoek");
        articles.push(fields[2]);
    }
    let n = articles.len();
    articles.sort();
    articles.dedup();
    assert_eq!(articles.len(), n, "one line per article");
    assert!(articles.contains(&SEED) && articles.contains(&TAX));
}

fn eval(queries: &str, qrels: &str, extra: &[&str]) -> crate::common::Run {
    let (_q, queries) = write_temp("queries.tsv", queries);
    let (_r, qrels) = write_temp("qrels.txt", qrels);
    let index = bundled_index().to_str().unwrap();
    let mut args = vec![
        "eval",
        "--index",
        index,
        "--queries",
        &queries,
        "--qrels",
        &qrels,
    ];
    args.extend_from_slice(extra);
    zoek(&args)
}

const QUERIES: &str = "1\tverkiezingsfraude\n2\tbelastingfraude\n";
fn qrels() -> String {
    format!("1 0 {SEED} 1\n2 0 {TAX} 1\n")
}

#[test]
fn eval_prints_a_table_and_passes_its_gate() {
    let run = eval(
        QUERIES,
        &qrels(),
        &["--min", "mrr@10=0.9", "--min", "success@1=1"],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let mean = run
        .stdout
        .lines()
        .find(|l| l.starts_with("mean"))
        .expect("a mean row");
    let values: Vec<f64> = mean
        .split_whitespace()
        .skip(1)
        .map(|v| v.parse().unwrap())
        .collect();
    // Every metric perfect; judged@10: one judged article in each top 10.
    assert_eq!(values, [1.0, 1.0, 1.0, 1.0, 1.0, 0.1], "{}", run.stdout);
}

#[test]
fn eval_gate_fails_with_exit_1_and_names_the_metric() {
    let qrels = format!("1 0 {TAX} 1\n2 0 {TAX} 1\n");
    let run = eval(QUERIES, &qrels, &["--min", "success@1=0.75"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("success@1 = 0.500 is below the minimum 0.750"),
        "{}",
        run.stderr
    );
}

#[test]
fn eval_json_has_per_query_and_mean() {
    let run = eval(QUERIES, &qrels(), &["--json"]);
    assert_eq!(run.code, 0);
    let report: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(report["queries"].as_array().unwrap().len(), 2);
    assert_eq!(report["mean"]["mrr10"], 1.0);
}

#[test]
fn eval_errors_exit_2_and_unknown_queries_warn() {
    let missing = zoek(&[
        "eval",
        "--index",
        bundled_index().to_str().unwrap(),
        "--queries",
        "/nonexistent/q.tsv",
        "--qrels",
        "/nonexistent/r.txt",
    ]);
    assert_eq!(missing.code, 2);
    assert!(
        missing
            .stderr
            .contains("cannot read queries file /nonexistent/q.tsv"),
        "{}",
        missing.stderr
    );

    let bad_qrels = eval(QUERIES, "1 0 only-three\n", &[]);
    assert_eq!(bad_qrels.code, 2);
    assert!(
        bad_qrels.stderr.contains("qrels.txt:1:"),
        "{}",
        bad_qrels.stderr
    );

    let unknown = eval(QUERIES, &format!("{}99 0 x 1\n", qrels()), &[]);
    assert!(unknown.stderr.contains("99"), "{}", unknown.stderr);
    assert!(unknown.stderr.contains("warning"), "{}", unknown.stderr);

    let bad_bound = eval(QUERIES, &qrels(), &["--min", "precision=0.5"]);
    assert_eq!(bad_bound.code, 2, "{}", bad_bound.stderr);
}
