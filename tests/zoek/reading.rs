//! End-to-end: reading results — `--context`, `zoek show`, `--explain` and `--count` on
//! the bundled corpus.

use std::collections::BTreeSet;

use crate::common::{bundled_index, highlighted, json_hits, json_summary, search, zoek};
use serde_json::Value;

const SEED: &str = "2020-11-18-trump-ontslaat-krebs.txt";

fn show(args: &[&str]) -> crate::common::Run {
    let index = bundled_index().to_str().unwrap().to_string();
    let mut all = vec!["show", "--index", index.as_str()];
    all.extend_from_slice(args);
    zoek(&all)
}

fn show_json(id: &str, extra: &[&str]) -> Value {
    let mut args = vec![id, "--json"];
    args.extend_from_slice(extra);
    let run = show(&args);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stdout.lines().count(), 1, "one JSON object");
    serde_json::from_str(&run.stdout).unwrap()
}

fn passages(article: &Value) -> Vec<String> {
    article["passages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["passage"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn show_prints_the_whole_article_in_order() {
    let article = show_json(SEED, &[]);
    assert_eq!(article["article_id"], SEED);
    assert_eq!(article["date"], "2020-11-18");
    assert_eq!(article["source"], "Nieuwsbode");
    assert!(article["title"].as_str().unwrap().contains("Krebs"));
    let text = std::fs::read_to_string(format!("corpus/{SEED}")).unwrap();
    let all = passages(&article);
    assert!(all.len() >= 5);
    // In the order of the file, each where the file has it.
    let mut at = 0;
    for (i, p) in all.iter().enumerate() {
        let found = text[at..].find(p.as_str()).map(|f| f + at);
        assert!(found.is_some(), "passage {i} in file order: {p}");
        at = found.unwrap();
        let line = article["passages"][i]["line"].as_u64().unwrap() as usize;
        assert!(text.lines().nth(line - 1).unwrap().starts_with(&p[..20]));
    }
    let human = show(&[SEED, "--color", "never"]);
    assert_eq!(human.code, 0);
    let mut lines = human.stdout.lines();
    assert_eq!(lines.next(), article["title"].as_str());
    assert!(human.stdout.contains("2020-11-18 · Nieuwsbode"));
    assert!(human.stdout.contains(&all[all.len() - 1]));
}

#[test]
fn show_highlights_a_query_and_reads_json_lines_records() {
    let article = show_json(SEED, &["--query", "verkiezingsfruade~"]);
    let marked: Vec<String> = article["passages"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(highlighted)
        .collect();
    let text = std::fs::read_to_string(format!("corpus/{SEED}")).unwrap();
    let in_file = text.to_lowercase().matches("verkiezingsfraude").count();
    assert!(in_file > 1);
    assert_eq!(marked.len(), in_file, "{marked:?}");
    assert!(marked
        .iter()
        .all(|w| w.to_lowercase() == "verkiezingsfraude"));
    let record = show_json("archief-004", &["--query", "cafe"]);
    assert!(record["date"].is_null());
    let words: Vec<String> = record["passages"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(highlighted)
        .collect();
    assert_eq!(words, ["café"]);
}

#[test]
fn show_of_an_unknown_article_is_an_error() {
    let run = show(&["geen-artikel.md"]);
    assert_eq!(run.code, 2);
    assert_eq!(run.stdout, "");
    assert_eq!(run.stderr.lines().count(), 1);
    assert!(
        run.stderr.contains("no article 'geen-artikel.md'"),
        "{}",
        run.stderr
    );
}

#[test]
fn context_adds_the_neighbouring_passages_of_the_article() {
    let hits = json_hits(&["-C", "1", "\"vermeende verkiezingsfraude\""]);
    assert_eq!(hits.len(), 1);
    let hit = &hits[0];
    let all = passages(&show_json(SEED, &[]));
    let at = all
        .iter()
        .position(|p| p == hit["passage"].as_str().unwrap())
        .unwrap();
    let context = &hit["context"];
    assert_eq!(context["before"].as_array().unwrap().len(), 1);
    assert_eq!(context["after"].as_array().unwrap().len(), 1);
    assert_eq!(context["before"][0]["passage"], all[at - 1].as_str());
    assert_eq!(context["after"][0]["passage"], all[at + 1].as_str());
    assert!(context["before"][0]["line"].as_u64() < hit["line"].as_u64());
    assert!(context["after"][0]["line"].as_u64() > hit["line"].as_u64());

    let wide = json_hits(&["-C", "50", "\"vermeende verkiezingsfraude\""]);
    let context = &wide[0]["context"];
    assert_eq!(
        context["before"].as_array().unwrap().len()
            + context["after"].as_array().unwrap().len()
            + 1,
        all.len(),
        "the whole article at most"
    );
    assert!(json_hits(&["\"vermeende verkiezingsfraude\""])[0]
        .get("context")
        .is_none());
}

#[test]
fn context_is_marked_like_grep_in_human_output() {
    let run = search(&[
        "--color",
        "never",
        "-C",
        "1",
        "\"vermeende verkiezingsfraude\"",
    ]);
    assert_eq!(run.code, 0);
    let hit = &json_hits(&["-C", "1", "\"vermeende verkiezingsfraude\""])[0];
    let line = hit["line"].as_u64().unwrap();
    let before = hit["context"]["before"][0]["line"].as_u64().unwrap();
    let after = hit["context"]["after"][0]["line"].as_u64().unwrap();
    let body: Vec<&str> = run.stdout.lines().skip(2).map(str::trim_start).collect();
    assert!(
        body[0].starts_with(&format!("{before}- ")),
        "{}",
        run.stdout
    );
    assert!(
        body[1].starts_with(&format!("{line}: President")),
        "{}",
        run.stdout
    );
    assert!(body[2].starts_with(&format!("{after}- ")), "{}", run.stdout);
}

#[test]
fn explain_names_the_step_of_every_match() {
    for (query, text, step) in [
        ("verkiezingsfraude", "verkiezingsfraude", "exact"),
        ("verkiezing", "verkiezingen", "stem"),
        ("cafe", "café", "folded"),
        ("cdaleider", "CDA-leider", "hyphen"),
        ("verkiezingsfruade~", "verkiezingsfraude", "fuzzy"),
        ("verkiez*", "verkiezingsfraude", "prefix"),
        ("\"de veiligste\"", "veiligste", "phrase"),
    ] {
        let hits = json_hits(&["-n", "50", "--explain", query]);
        assert!(!hits.is_empty(), "{query}");
        let found = hits.iter().any(|h| {
            h["explain"]["matches"].as_array().unwrap().iter().any(|m| {
                m["text"].as_str().unwrap().to_lowercase() == text.to_lowercase()
                    && m["step"] == step
                    && m["field"] == "body"
            })
        });
        assert!(
            found,
            "{query}: {text} by {step} in {:#?}",
            hits[0]["explain"]["matches"]
        );
    }
    let fuzzy = json_hits(&["--explain", "verkiezingsfruade~"]);
    let m = &fuzzy[0]["explain"]["matches"][0];
    assert_eq!(m["edits"], 1);
    assert_eq!(m["query"], "verkiezingsfruade~2");
}

#[test]
fn explain_parts_add_up_to_the_score_with_their_boosts() {
    for query in [
        "krebs verkiezingsfraude",
        "verkiezingsfruade~",
        "Rutte",
        "fraude",
        "\"de veiligste\"",
    ] {
        for hit in json_hits(&["-n", "20", "--explain", query]) {
            let parts = hit["explain"]["parts"].as_array().unwrap();
            assert!(!parts.is_empty());
            // The parts add up, and the factors (ranked search) multiply the sum.
            let is_factor = |p: &&serde_json::Value| p["kind"] == "factor";
            let sum: f64 = parts
                .iter()
                .filter(|p| !is_factor(p))
                .map(|p| p["value"].as_f64().unwrap())
                .sum();
            let product: f64 = parts
                .iter()
                .filter(is_factor)
                .map(|p| p["value"].as_f64().unwrap())
                .product();
            let score = hit["score"].as_f64().unwrap();
            assert!(
                (sum * product - score).abs() < 1e-3 * score.max(1.0),
                "{query}: {sum} × {product} vs {score}"
            );
            for p in parts {
                if p["kind"] == "term" {
                    let expected = p["boost"].as_f64().unwrap()
                        * p["idf"].as_f64().unwrap()
                        * p["tf"].as_f64().unwrap();
                    assert!(
                        (expected - p["value"].as_f64().unwrap()).abs() < 1e-3,
                        "{p}"
                    );
                }
            }
        }
    }
    let rute = json_hits(&["--explain", "Rutte"]);
    let title = rute[0]["explain"]["parts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["field"] == "title")
        .expect("Rutte is in the title");
    assert_eq!(title["boost"], 2.0);
    assert_eq!(title["term"], "rut");
    let fuzzy = json_hits(&["--explain", "verkiezingsfruade~"]);
    assert_eq!(
        fuzzy[0]["explain"]["parts"][0]["boost"], 0.5,
        "one edit halves"
    );
}

#[test]
fn explain_in_human_output() {
    let run = search(&[
        "--color",
        "never",
        "-n",
        "1",
        "--explain",
        "kamerverkiezing",
    ]);
    assert_eq!(run.code, 0);
    assert!(
        run.stdout
            .contains("why: kamerverkiezing → \"Kamerverkiezingen\" (title, stem)"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("title:kamerverkiezing  boost ×2  BM25 idf"),
        "{}",
        run.stdout
    );
    let notes = search(&["--color", "never", "--explain", "verkiez*"]);
    assert!(
        notes.stdout.starts_with("explain: verkiez* expands to "),
        "{}",
        notes.stdout
    );
}

#[test]
fn count_prints_the_matching_articles() {
    let hits = json_hits(&["-n", "1000", "fraude OR verkiezingen"]);
    let articles: BTreeSet<&str> = hits
        .iter()
        .map(|h| h["article_id"].as_str().unwrap())
        .collect();
    let run = search(&["--count", "fraude OR verkiezingen"]);
    assert_eq!(run.code, 0);
    assert_eq!(run.stdout, format!("{} articles\n", articles.len()));
    assert!(articles.len() > 1 && hits.len() > articles.len());
    let summary = json_summary(&["--count", "fraude OR verkiezingen"]);
    assert_eq!(summary["articles"], articles.len());
    assert!(summary.get("passages").is_none(), "{summary}");
    assert!(
        json_hits(&["--count", "fraude"]).is_empty(),
        "only the count"
    );

    let filtered = search(&[
        "--count",
        "--source",
        "omroep west",
        "fraude OR verkiezingen",
    ]);
    assert_ne!(filtered.stdout, run.stdout);
    let none = search(&["--count", "xylofoonconcertzaal"]);
    assert_eq!(none.code, 1);
    assert_eq!(none.stdout, "0 articles\n");
}
