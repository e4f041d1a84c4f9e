//! End-to-end: what zoek does with Dutch beyond a stemmer — compounds, corrected
//! conflation — and `zoek analyze`.

use crate::common::{highlighted, highlighted_words, json_hits, zoek};

const SEED: &str = "2020-11-18-trump-ontslaat-krebs.txt";

// These tests check matching, so they list every matching passage: `--match all`.

#[test]
fn a_compound_head_finds_the_compound() {
    let hits = json_hits(&["--match", "all", "-n", "50", "fraude"]);
    let seed_compounds: Vec<&serde_json::Value> = hits
        .iter()
        .filter(|h| h["path"].as_str().unwrap().ends_with(SEED))
        .filter(|h| highlighted(h).iter().any(|w| w == "verkiezingsfraude"))
        .collect();
    assert_eq!(
        seed_compounds.len(),
        3,
        "the seed's verkiezingsfraude passages: {hits:#?}"
    );
    let words: Vec<String> = hits.iter().flat_map(highlighted).collect();
    assert!(words.iter().any(|w| w == "belastingfraude"), "{words:?}");
    // A passage with the word itself ranks above one that only has it inside a compound.
    let first_compound_only = hits
        .iter()
        .position(|h| highlighted(h).iter().all(|w| w != "fraude"))
        .unwrap();
    let last_with_word = hits
        .iter()
        .rposition(|h| {
            h["passage"].as_str().unwrap().contains(" fraude")
                && highlighted(h).iter().any(|w| w == "fraude")
        })
        .unwrap();
    assert!(last_with_word < first_compound_only || first_compound_only > 0);
}

#[test]
fn a_compound_query_also_finds_its_parts_ranked_below_the_compound() {
    let hits = json_hits(&["--match", "all", "-n", "50", "verkiezingsfraude"]);
    let has_compound =
        |h: &serde_json::Value| h["passage"].as_str().unwrap().contains("verkiezingsfraude");
    let compound: Vec<usize> = (0..hits.len())
        .filter(|&i| has_compound(&hits[i]))
        .collect();
    let parts_only: Vec<usize> = (0..hits.len())
        .filter(|&i| !has_compound(&hits[i]))
        .collect();
    assert_eq!(compound, [0, 1, 2], "the compound's passages lead");
    // The seed's first paragraph: fraude … presidentsverkiezingen.
    let first_paragraph = parts_only
        .iter()
        .map(|&i| &hits[i])
        .find(|h| h["path"].as_str().unwrap().ends_with(SEED) && h["line"] == 7)
        .expect("the seed's first paragraph is found through the parts");
    let words = highlighted(first_paragraph);
    assert!(words.contains(&"fraude".to_string()), "{words:?}");
    assert!(
        words.contains(&"presidentsverkiezingen".to_string()),
        "{words:?}"
    );
}

#[test]
fn corrected_conflation_joins_forms_snowball_misses() {
    for (query, form) in [
        ("huis", "huizen"),
        ("brief", "brieven"),
        ("liep", "lopen"),
        ("ministerie", "ministeries"),
    ] {
        let words = highlighted_words(&["-n", "50", query]);
        assert!(
            words.iter().any(|w| w.to_lowercase() == form),
            "{query} should find {form}: {words:?}"
        );
    }
}

#[test]
fn every_word_is_required_in_the_article_not_one_passage() {
    // No single passage of the seed holds both words; the article as a whole does, and
    // shows each passage that holds one.
    let hits = json_hits(&["--match", "all", "--per-article", "reuters pennsylvania"]);
    assert_eq!(hits.len(), 1, "{hits:#?}");
    assert!(hits[0]["path"].as_str().unwrap().ends_with(SEED));
    assert!(
        !highlighted(&hits[0]).is_empty(),
        "its best passage is shown"
    );
    let passages = json_hits(&["--match", "all", "reuters pennsylvania"]);
    let words: Vec<Vec<String>> = passages.iter().map(highlighted).collect();
    assert!(
        passages
            .iter()
            .all(|h| h["path"].as_str().unwrap().ends_with(SEED)),
        "{passages:#?}"
    );
    for word in ["Reuters", "Pennsylvania"] {
        assert!(
            words.iter().any(|w| w.iter().any(|w| w == word)),
            "{word}: {words:?}"
        );
    }
}

#[test]
fn analyze_shows_tokens_and_terms() {
    let run = zoek(&["analyze", "--json", "De CDA-leider over verkiezingsfraude"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let tokens: Vec<serde_json::Value> = run
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let kinds: Vec<(&str, &str)> = tokens
        .iter()
        .map(|t| (t["term"].as_str().unwrap(), t["kind"].as_str().unwrap()))
        .collect();
    assert!(kinds.contains(&("cdaleider", "joined")), "{kinds:?}");
    assert!(kinds.contains(&("+fraud", "compound-part")), "{kinds:?}");
    assert!(
        kinds.contains(&("+verkiezing", "compound-part")),
        "{kinds:?}"
    );
    let part = tokens
        .iter()
        .find(|t| t["kind"] == "compound-part")
        .unwrap();
    assert_eq!(
        part["text"], "verkiezingsfraude",
        "parts point at the whole word"
    );

    let out = crate::common::zoek_with_stdin(
        &["analyze", "--terms"],
        "huizen\nhuis\nauto's\nGeïnteresseerd\ngeinteresseerd\n",
    )
    .stdout;
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 5, "one line per word");
    assert_eq!(lines[0], lines[1], "huizen and huis conflate");
    assert_eq!(lines[2], "auto");
    assert_eq!(lines[3], lines[4], "diacritics and case fold");
}
