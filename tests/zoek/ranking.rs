//! End-to-end: how the default (ranked) search orders what it finds, on corpora written for
//! each rule: an article with some of the query's words is found and ranks below one with
//! all of them; rare words count for more than common ones; a compound's parts find the
//! words written apart, below the compound itself; passages spread over articles, those
//! without a query word last; `--match all` stays strict.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use serde_json::Value;
use tempfile::TempDir;

use crate::common::{hit_lines, indexed, search_in};

/// The article of each hit, in rank order.
fn articles(index: &Path, args: &[&str]) -> Vec<String> {
    let mut all = vec!["--json"];
    all.extend_from_slice(args);
    hit_lines(&search_in(index, &all).stdout)
        .iter()
        .map(|h| h["article_id"].as_str().unwrap().to_string())
        .collect()
}

fn article(title: &str, paragraphs: &[&str]) -> String {
    format!("# {title}\n\n{}\n", paragraphs.join("\n\n"))
}

/// Articles about other things, so that no query word is in every article.
fn filler(n: usize) -> Vec<(String, String)> {
    (0..n)
        .map(|i| {
            (
                format!("ander-{i}.md"),
                article(
                    "Gemeente",
                    &["De gemeenteraad vergadert volgende week over de begroting."],
                ),
            )
        })
        .collect()
}

fn corpus(articles: &[(&str, String)], fillers: usize) -> (TempDir, PathBuf) {
    let mut files: Vec<(String, String)> = articles
        .iter()
        .map(|(n, c)| (n.to_string(), c.clone()))
        .collect();
    files.extend(filler(fillers));
    indexed(&files)
}

#[test]
fn a_partial_match_is_found_and_ranks_below_a_full_one() {
    let (_tmp, index) = corpus(
        &[
            (
                "fiets.md",
                article("Verkeer", &["De fietsers reden naar huis."]),
            ),
            (
                "beide.md",
                article("Verkeer", &["De fietsers reden door de regen naar huis."]),
            ),
            (
                "regen.md",
                article("Weer", &["Morgen valt er regen in het noorden."]),
            ),
        ],
        6,
    );
    let found = articles(&index, &["fietser regen"]);
    assert_eq!(found.len(), 3, "{found:?}");
    assert_eq!(found[0], "beide.md", "{found:?}");
    // Partial matches exit 0 like full ones; the strict mode wants every word.
    assert_eq!(search_in(&index, &["fietser regen"]).code, 0);
    assert_eq!(
        articles(&index, &["--match", "all", "fietser regen"]),
        ["beide.md"]
    );
    // Nothing with any of the words: exit 1, as grep.
    let none = search_in(&index, &["xylofoon"]);
    assert_eq!((none.code, none.stdout.as_str()), (1, ""));
}

#[test]
fn a_rare_word_counts_for_more_than_a_common_one() {
    let regen = |i: usize| {
        (
            format!("regen-{i}.md"),
            article("Weer", &["Ook vandaag weer regen in het hele land."]),
        )
    };
    let mut files: Vec<(String, String)> = (0..6).map(regen).collect();
    files.push((
        "marathon.md".into(),
        article("Sport", &["De marathon van Rotterdam trok veel lopers."]),
    ));
    files.extend(filler(6));
    let (_tmp, index) = indexed(&files);
    let found = articles(&index, &["regen marathon"]);
    assert_eq!(found[0], "marathon.md", "{found:?}");
    assert_eq!(found.len(), 7);
}

#[test]
fn a_compound_finds_its_parts_written_apart_below_itself() {
    let (_tmp, index) = corpus(
        &[
            (
                "apart.md",
                article(
                    "Onderzoek",
                    &["Justitie onderzoekt fraude bij de verkiezingen in de provincie."],
                ),
            ),
            (
                "samen.md",
                article(
                    "Onderzoek",
                    &["Justitie onderzoekt verkiezingsfraude in de provincie."],
                ),
            ),
        ],
        6,
    );
    assert_eq!(
        articles(&index, &["verkiezingsfraude"]),
        ["samen.md", "apart.md"]
    );
}

#[test]
fn passages_spread_over_articles_and_those_without_a_word_come_last() {
    let long: Vec<String> = (0..8)
        .map(|i| format!("Alinea {i} gaat over de fiets en nog eens de fiets."))
        .collect();
    let long: Vec<&str> = long.iter().map(String::as_str).collect();
    let mut files = vec![("lang.md".to_string(), article("Fietsen", &long))];
    for i in 0..5 {
        files.push((
            format!("kort-{i}.md"),
            article(
                "Verkeer",
                &["Een fiets stond tegen de muur van het station."],
            ),
        ));
    }
    // A title with the word over a text without it: a match, shown after all the others.
    files.push((
        "titel.md".into(),
        article("Fiets", &["Hierover niets meer in de tekst zelf."]),
    ));
    files.extend(filler(4));
    let (_tmp, index) = indexed(&files);

    let hits = hit_lines(&search_in(&index, &["--json", "-n", "5", "fiets"]).stdout);
    let mut per_article: HashMap<&str, usize> = HashMap::new();
    for hit in &hits {
        *per_article
            .entry(hit["article_id"].as_str().unwrap())
            .or_default() += 1;
    }
    assert_eq!(hits.len(), 5);
    assert!(per_article.values().all(|&n| n <= 2), "{per_article:?}");
    assert!(per_article.len() >= 4, "{per_article:?}");

    // With room for everything: every passage with the word, then the one without.
    let all = hit_lines(&search_in(&index, &["--json", "-n", "100", "fiets"]).stdout);
    let has_word = |h: &Value| h["passage"].as_str().unwrap().contains("fiets");
    assert_eq!(
        all.len(),
        8 + 5 + 1,
        "every passage is shown when there is room"
    );
    assert!(all[..13].iter().all(has_word));
    assert_eq!(all[13]["article_id"], "titel.md");
}

#[test]
fn a_hyphenated_words_parts_found_apart_are_shown_and_one_part_counts_less() {
    let (_tmp, index) = corpus(
        &[
            (
                "apart.md",
                article("Politiek", &["Het kabinet kan deze week nog vallen."]),
            ),
            (
                "een.md",
                article("Politiek", &["Het kabinet vergadert over de begroting."]),
            ),
        ],
        4,
    );
    assert_eq!(
        articles(&index, &["--per-article", "kabinet-valt"]),
        ["apart.md", "een.md"]
    );
    let run = search_in(&index, &["--json", "-n", "1", "kabinet-valt"]);
    let hits = hit_lines(&run.stdout);
    assert_eq!(crate::common::highlighted(&hits[0]), ["kabinet", "vallen"]);
}

#[test]
fn a_pasted_link_is_searched_by_its_path() {
    let (_tmp, index) = corpus(
        &[
            (
                "stikstof.md",
                article("Politiek", &["Het kabinet valt over de stikstofregels."]),
            ),
            (
                "handleiding.md",
                article(
                    "Handleiding",
                    &["Typ https://www.ad.nl in het venster en kies nl als taal."],
                ),
            ),
        ],
        4,
    );
    let link =
        "https://www.ad.nl/politiek/kabinet-valt-over-stikstofregels~a1b2c3/?utm_source=x#reacties";
    assert_eq!(articles(&index, &["--per-article", link]), ["stikstof.md"]);
}

#[test]
fn feedback_raises_an_article_that_shares_the_best_articles_words() {
    let about = "De fiscus onderzoekt fraude met btw door een netwerk van brievenbusfirma's.";
    let (_tmp, index) = corpus(
        &[
            ("a1.md", article("Fraude bij btw", &[about])),
            ("a2.md", article("Fraude met btw", &[about])),
            ("a3.md", article("Btw-fraude", &[about])),
            (
                "gedeeld.md",
                article(
                    "Rechtszaak",
                    &["De rechter hoorde de fiscus over btw en brievenbusfirma's van een netwerk, en over fraude."],
                ),
            ),
            (
                "ander.md",
                article("Voetbal", &["De club vreest fraude met kaartjes."]),
            ),
        ],
        6,
    );
    let plain = articles(&index, &["--per-article", "fraude"]);
    let fed = articles(&index, &["--per-article", "--feedback", "fraude"]);
    let place = |list: &[String], id: &str| list.iter().position(|a| a == id).unwrap();
    assert!(
        place(&plain, "ander.md") < place(&plain, "gedeeld.md"),
        "without feedback the short article ranks first: {plain:?}"
    );
    assert!(
        place(&fed, "gedeeld.md") < place(&fed, "ander.md"),
        "feedback raises the one that shares the best articles' words: {fed:?}"
    );
}
