//! End-to-end: typos and word beginnings — fuzzy words (`word~`, `word~2`), prefixes
//! (`verkiez*`) and suggestions ("did you mean: …?") on the bundled corpus.

use std::collections::BTreeSet;

use crate::common::{
    bundled_index, highlighted, highlighted_words, indexed, json_hits, json_summary, places,
    search, search_in, zoek_with_stdin,
};

#[test]
fn a_fuzzy_word_finds_the_spelling_within_its_edits() {
    assert!(json_hits(&["verkiezingsfruade"]).is_empty());
    assert!(json_hits(&["verkiezingsfruade~0"]).is_empty());
    // A fuzzy word wants every word, as operators do: compare with the word so searched.
    let exact = json_hits(&["--match", "all", "-n", "50", "verkiezingsfraude"]);
    for query in [
        "verkiezingsfruade~",
        "verkiezingsfruade~1",
        "verkiezingsfruade~2",
    ] {
        let fuzzy = json_hits(&["-n", "50", query]);
        // The exact word's own passages (the exact query also finds its compound parts).
        let with_word: Vec<_> = exact
            .iter()
            .filter(|h| h["passage"].as_str().unwrap().contains("verkiezingsfraude"))
            .cloned()
            .collect();
        let mut a = places(&fuzzy);
        let mut b = places(&with_word);
        a.sort();
        b.sort();
        assert_eq!(a, b, "{query}");
        for hit in &fuzzy {
            let words = highlighted(hit);
            assert!(!words.is_empty(), "{query}: fuzzy matches are highlighted");
            assert!(
                words
                    .iter()
                    .all(|w| w.to_lowercase() == "verkiezingsfraude"),
                "{words:?}"
            );
        }
    }
    // Two edits reach further than one.
    assert!(json_hits(&["verkiezingsfrauuude~1"]).is_empty());
    assert!(!json_hits(&["verkiezingsfrauuude~2"]).is_empty());
}

#[test]
fn the_word_as_typed_ranks_above_its_neighbours() {
    // `krebs~` also reaches other terms; passages with Krebs itself come first.
    let hits = json_hits(&["-n", "50", "body:krebs~2"]);
    let words: Vec<Vec<String>> = hits.iter().map(highlighted).collect();
    let first_other = words
        .iter()
        .position(|w| !w.iter().any(|x| x == "Krebs"))
        .unwrap_or(words.len());
    assert!(first_other > 0);
    assert!(
        words[first_other..]
            .iter()
            .all(|w| !w.iter().any(|x| x == "Krebs")),
        "{words:?}"
    );
}

#[test]
fn too_many_edits_is_an_error() {
    let run = search(&["verkiezing~3"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("0, 1 or 2"), "{}", run.stderr);
    assert_eq!(search(&["~"]).code, 2);
    assert_eq!(search(&["*"]).code, 2);
}

#[test]
fn a_prefix_is_folded_like_the_text() {
    let hits = json_hits(&["-n", "100", "verkiez*"]);
    let articles: BTreeSet<&str> = hits
        .iter()
        .map(|h| h["article_id"].as_str().unwrap())
        .collect();
    assert!(
        articles.contains("2020-11-18-trump-ontslaat-krebs.txt")
            && articles.contains("2021-03-17-vvd-van-rutte-wint-verkiezingen.md"),
        "{articles:?}"
    );
    for spelling in ["Verkiez*", "VERKIEZ*", "verkïez*"] {
        assert_eq!(
            places(&json_hits(&["-n", "100", spelling])),
            places(&hits),
            "{spelling}"
        );
    }
    let words: BTreeSet<String> = hits.iter().flat_map(highlighted).collect();
    for expected in [
        "verkiezingsfraude",
        "verkiezingen",
        "verkiezing",
        "verkiezingsdag",
    ] {
        assert!(words.contains(expected), "{expected} in {words:?}");
    }
    assert!(
        words
            .iter()
            .all(|w| w.to_lowercase().starts_with("verkiez")),
        "{words:?}"
    );
    // A prefix that is a whole word also finds that word under its stem.
    let rutte = highlighted_words(&["rutte*"]);
    assert!(rutte.iter().any(|w| w == "Rutte"), "{rutte:?}");
    assert!(json_hits(&["xylofoon*"]).is_empty());
}

#[test]
fn fuzzy_and_prefix_combine_with_words_and_filters() {
    let hits = json_hits(&["-n", "100", "--source", "nieuwsbode", "trump verkiez*"]);
    assert!(!hits.is_empty());
    assert!(hits.iter().all(|h| h["source"] == "Nieuwsbode"));
    let none = json_hits(&["-n", "100", "--since", "2021", "verkiezingsfruade~"]);
    assert!(none.is_empty(), "verkiezingsfraude is only in 2020");
}

#[test]
fn a_misspelling_gets_a_suggestion_on_stderr() {
    let run = search(&["verkiezingsfruade"]);
    assert_eq!(run.code, 1);
    assert_eq!(run.stdout, "");
    assert_eq!(run.stderr.trim(), "zoek: did you mean: verkiezingsfraude?");
    let both = search(&["trump verkiezingsfruade"]);
    assert_eq!(
        both.stderr.trim(),
        "zoek: did you mean: trump verkiezingsfraude?"
    );
    let quiet = search(&["--no-suggest", "verkiezingsfruade"]);
    assert_eq!(quiet.code, 1);
    assert_eq!(quiet.stderr, "");
}

#[test]
fn a_misspelled_name_is_corrected_to_the_archive_spelling() {
    // The archive never writes "Rute" (stem `ruut`); zoek says how it does write the
    // name it most likely means (a word, not the stem `rut`).
    let run = search(&["Rute"]);
    assert_eq!(run.code, 1);
    assert_eq!(run.stderr.trim(), "zoek: did you mean: Rutte?");
}

#[test]
fn the_suggestion_is_a_json_field() {
    let summary = json_summary(&["verkiezingsfruade"]);
    assert_eq!(summary["suggestion"], "verkiezingsfraude");
    assert_eq!(summary["query"], "verkiezingsfruade");
    let rute = json_summary(&["Rute"]);
    assert_eq!(rute["suggestion"], "Rutte");
    assert!(json_summary(&["--no-suggest", "verkiezingsfruade"])
        .get("suggestion")
        .is_none());
    assert!(search(&["--json", "verkiezingsfruade"]).stderr.is_empty());
}

#[test]
fn well_spelled_queries_get_no_suggestion() {
    for query in [
        "verkiezingsfraude",
        "verkiezing",
        "verkiezingen",
        "Rutte",
        "stemhokje",
        "\"vermeende verkiezingsfraude\"",
        "xylofoonconcertzaal",
    ] {
        let run = search(&[query]);
        assert_eq!(run.stderr, "", "{query}");
        assert!(
            json_summary(&[query]).get("suggestion").is_none(),
            "{query}"
        );
    }
}

/// A corpus where `frequent` is in forty articles and `rare` in one.
fn frequent_and_rare(frequent: &str, rare: &str) -> (tempfile::TempDir, std::path::PathBuf) {
    let mut files: Vec<(String, String)> = (0..40)
        .map(|i| {
            (
                format!("f{i}.md"),
                format!("# Nieuws {i}\n\nHet was {frequent} vandaag, over de hele stad.\n"),
            )
        })
        .collect();
    files.push((
        "r.md".into(),
        format!("# Dier\n\nEen {rare} in de gracht.\n"),
    ));
    indexed(&files)
}

fn suggestion_in(index: &std::path::Path, query: &str) -> Option<String> {
    let out = search_in(index, &["--json", query]).stdout;
    let summary: serde_json::Value = serde_json::from_str(out.lines().last().unwrap()).unwrap();
    summary["suggestion"].as_str().map(str::to_string)
}

#[test]
fn a_rare_word_is_corrected_only_when_long_and_far_rarer_than_a_neighbour() {
    // A short rare word is more often a name than a slip: `Zwaan` stays, beside `zwaar`.
    let (_tmp, index) = frequent_and_rare("zwaar", "zwaan");
    assert_eq!(suggestion_in(&index, "zwaan"), None);
    assert_eq!(suggestion_in(&index, "zwar"), Some("zwaar".into()));
    // A long word in one article, one edit from a word in forty: a typo the archive shares.
    let (_tmp, index) = frequent_and_rare("verkiezingsfraude", "verkiezingsfruade");
    assert_eq!(
        suggestion_in(&index, "verkiezingsfruade"),
        Some("verkiezingsfraude".into())
    );
}

#[test]
fn a_suggestion_replaces_only_the_misspelled_word_and_never_with_a_stopword() {
    // Only the letters of the word are replaced: `Mark` stays as typed.
    assert_eq!(json_summary(&["Mark Rute"])["suggestion"], "Mark Rutte");
    // `ovre` is one edit from the stopword `over`, which is no correction.
    let (_tmp, index) = frequent_and_rare("druk", "kat");
    assert_eq!(suggestion_in(&index, "ovre druk"), None);
    // A tab inside a batch query never reaches the suggestion.
    let bundled = bundled_index().to_str().unwrap();
    let run = zoek_with_stdin(
        &["search", "--index", bundled, "--queries", "-", "--json"],
        "1\tverkiezingsfruade\tstemhokje\n",
    );
    let summary = run.stdout.lines().last().unwrap();
    let summary: serde_json::Value = serde_json::from_str(summary).unwrap();
    assert_eq!(summary["suggestion"], "verkiezingsfraude stemhokje");
}
