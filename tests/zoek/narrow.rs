//! End-to-end: filters (`--since`, `--until`, `--source`, `date:`, `source:`) and `--sort`
//! on the bundled corpus (dates over 2019–2021, three articles in March 2019, two without a
//! date; sources Nieuwsbode, Dagblad Zuid, Omroep West, Het Noorderlicht).

use std::collections::BTreeSet;

use crate::common::{json_hits, places, search};
use serde_json::Value;

/// `de` is in every article: a query that reaches the whole corpus.
const EVERYWHERE: &str = "de";

fn dates(hits: &[Value]) -> Vec<Option<String>> {
    hits.iter()
        .map(|h| h["date"].as_str().map(str::to_string))
        .collect()
}

fn articles(hits: &[Value]) -> BTreeSet<String> {
    hits.iter()
        .map(|h| h["article_id"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn since_and_until_a_month_keep_that_month() {
    let all = json_hits(&["-n", "500", EVERYWHERE]);
    assert!(dates(&all)
        .iter()
        .any(|d| d.as_deref() > Some("2019-03-31")));
    let march = json_hits(&[
        "-n", "500", "--since", "2019-03", "--until", "2019-03", EVERYWHERE,
    ]);
    assert!(!march.is_empty());
    for date in dates(&march) {
        let date = date.expect("a date filter leaves out undated articles");
        assert!(date.starts_with("2019-03-"), "{date}");
    }
    assert_eq!(articles(&march).len(), 3, "three articles in March 2019");
    let in_query = json_hits(&["-n", "500", "date:[2019-03-01 TO 2019-03-31] de"]);
    assert_eq!(places(&in_query), places(&march));
    let period = json_hits(&["-n", "500", "date:2019-03 de"]);
    assert_eq!(places(&period), places(&march));
}

#[test]
fn years_and_days_as_bounds() {
    let since = json_hits(&["-n", "500", "--since", "2021", EVERYWHERE]);
    assert!(!since.is_empty());
    assert!(dates(&since)
        .iter()
        .all(|d| d.as_deref().is_some_and(|d| d >= "2021-01-01")));
    let until = json_hits(&["-n", "500", "--until", "2019-03-12", EVERYWHERE]);
    assert!(!until.is_empty());
    assert!(dates(&until)
        .iter()
        .all(|d| d.as_deref().is_some_and(|d| d <= "2019-03-12")));
    let open = json_hits(&["-n", "500", "date:[2021-06 TO *] de"]);
    assert_eq!(
        articles(&open),
        articles(&json_hits(&["-n", "500", "--since", "2021-06", "de"]))
    );
}

#[test]
fn a_date_filter_leaves_out_articles_without_a_date() {
    // Every matching passage, to count them: every word required.
    let all = json_hits(&["--match", "all", "-n", "500", EVERYWHERE]);
    let undated = all.iter().filter(|h| h["date"].is_null()).count();
    assert!(undated > 0, "the corpus has undated articles");
    let dated = json_hits(&["--match", "all", "-n", "500", "--since", "2000", EVERYWHERE]);
    assert_eq!(dated.len(), all.len() - undated);
    // Also when the date filter is negated: NOT 2019 is not "anything without a date".
    let not_2019 = json_hits(&["-n", "500", "de -date:2019"]);
    assert!(!not_2019.is_empty());
    for date in dates(&not_2019) {
        assert!(date.is_some_and(|d| !d.starts_with("2019")));
    }
    // And --explain says so, with how many articles it left out.
    let run = search(&["--match", "all", "--explain", "--since", "2000", EVERYWHERE]);
    assert_eq!(run.code, 0);
    let note = run
        .stdout
        .lines()
        .find(|l| l.contains("without a date"))
        .unwrap_or_else(|| panic!("no note about undated articles:\n{}", run.stdout));
    assert!(
        note.contains("2 articles without a date would otherwise match"),
        "{note}"
    );
}

#[test]
fn source_from_the_command_line_or_the_query() {
    let noorderlicht = json_hits(&["-n", "500", "--source", "Het Noorderlicht", EVERYWHERE]);
    assert!(!noorderlicht.is_empty());
    assert!(noorderlicht
        .iter()
        .all(|h| h["source"] == "Het Noorderlicht"));
    let folded = json_hits(&["-n", "500", "--source", "het-noorderlicht", EVERYWHERE]);
    assert_eq!(places(&folded), places(&noorderlicht));
    let in_query = json_hits(&["-n", "500", "source:\"het noorderlicht\" de"]);
    assert_eq!(places(&in_query), places(&noorderlicht));

    let either = json_hits(&[
        "-n",
        "500",
        "--source",
        "Nieuwsbode",
        "--source",
        "omroep west",
        EVERYWHERE,
    ]);
    let sources: BTreeSet<&str> = either
        .iter()
        .map(|h| h["source"].as_str().unwrap())
        .collect();
    assert_eq!(sources, BTreeSet::from(["Nieuwsbode", "Omroep West"]));
    let or_query = json_hits(&[
        "-n",
        "500",
        "de (source:nieuwsbode OR source:\"omroep west\")",
    ]);
    assert_eq!(articles(&or_query), articles(&either));

    let not_west = json_hits(&["-n", "500", "de -source:\"omroep west\""]);
    assert!(!not_west.is_empty());
    assert!(not_west.iter().all(|h| h["source"] != "Omroep West"));

    let none = search(&["--source", "De Telegraaf", EVERYWHERE]);
    assert_eq!(none.code, 1);
    assert_eq!(none.stdout, "");
}

#[test]
fn beside_a_filter_a_word_is_still_needed_in_every_mode() {
    // `krebs` is only in a Nieuwsbode article: a filter for another source leaves nothing,
    // however the words combine (they would only score beside a required filter).
    for mode in ["ranked", "any", "all"] {
        let count = |args: &[&str]| {
            let mut all = vec!["--match", mode, "--count"];
            all.extend_from_slice(args);
            search(&all)
        };
        let elsewhere = count(&["--source", "het noorderlicht", "krebs"]);
        assert_eq!(elsewhere.code, 1, "{mode}: {}", elsewhere.stdout);
        assert_eq!(elsewhere.stdout.trim(), "0 articles", "{mode}");
        let there = count(&["--source", "nieuwsbode", "krebs"]);
        assert_eq!(there.stdout, count(&["krebs"]).stdout, "{mode}");
    }
    // With another word that the source does hold, its passages are found by that word.
    for mode in ["ranked", "any"] {
        let hits = json_hits(&[
            "--match",
            mode,
            "--source",
            "het noorderlicht",
            "krebs fiets",
        ]);
        assert!(!hits.is_empty(), "{mode}");
        for hit in &hits {
            let text = format!("{} {}", hit["title"], hit["passage"]).to_lowercase();
            assert!(text.contains("fiets"), "{mode}: {hit}");
        }
    }
}

#[test]
fn filters_do_not_change_scores() {
    let plain = json_hits(&["-n", "500", "verkiezingen"]);
    let filtered = json_hits(&[
        "-n",
        "500",
        "--source",
        "Omroep West",
        "--since",
        "2021",
        "verkiezingen",
    ]);
    assert!(!filtered.is_empty() && filtered.len() < plain.len());
    for hit in &filtered {
        let same = plain
            .iter()
            .find(|h| h["article_id"] == hit["article_id"] && h["line"] == hit["line"])
            .expect("a filtered hit is a hit of the plain query");
        assert_eq!(same["score"], hit["score"]);
    }
}

#[test]
fn a_query_of_filters_alone_lists_their_passages() {
    let hits = json_hits(&["-n", "500", "source:nieuwsbode"]);
    assert!(!hits.is_empty());
    assert!(hits.iter().all(|h| h["source"] == "Nieuwsbode"));
}

#[test]
fn bad_dates_and_filters_are_one_line_errors() {
    // Errors in the query add a line with a caret under the place.
    for (args, lines) in [
        (&["--since", "2019-13", "de"][..], 1),
        (&["--until", "2019-02-30", "de"], 1),
        (&["--since", "maart", "de"], 1),
        (&["--since", "2021", "--until", "2019", "de"], 1),
        (&["date:[2021 TO 2019] de"], 2),
        (&["date:[2019-01-01 TO 2019-03-31 de"], 2),
        (&["date:2019-3 de"], 2),
        (&["de source:"], 2),
        (&["--sort", "oldest", "de"], 1),
    ] {
        let run = search(args);
        assert_eq!(run.code, 2, "{args:?}: {}", run.stderr);
        assert_eq!(run.stdout, "");
        assert_eq!(
            run.stderr.lines().count(),
            lines,
            "{args:?}: {}",
            run.stderr
        );
        assert!(run.stderr.starts_with("zoek: "), "{}", run.stderr);
        assert!(!run.stderr.contains("panicked"));
    }
    let month = search(&["--since", "2019-13", "de"]);
    assert!(month.stderr.contains("no month 13"), "{}", month.stderr);
}

#[test]
fn sort_by_date_both_ways_with_undated_last() {
    let oldest = json_hits(&["-n", "500", "--sort", "date", EVERYWHERE]);
    let newest = json_hits(&["-n", "500", "--sort", "-date", EVERYWHERE]);
    // Sorted by date, every word is required, as with `--match all`.
    let relevance = json_hits(&["--match", "all", "-n", "500", EVERYWHERE]);
    assert_eq!(oldest.len(), relevance.len());
    for (hits, newest_first) in [(&oldest, false), (&newest, true)] {
        let ds = dates(hits);
        let dated: Vec<&String> = ds.iter().map_while(|d| d.as_ref()).collect();
        assert!(
            ds[dated.len()..].iter().all(Option::is_none),
            "undated last"
        );
        assert!(dated.len() < ds.len());
        let mut sorted = dated.clone();
        sorted.sort();
        if newest_first {
            sorted.reverse();
        }
        assert_eq!(dated, sorted);
        // Within one date, the better passage first.
        for pair in hits.windows(2) {
            if pair[0]["date"] == pair[1]["date"] {
                assert!(pair[0]["score"].as_f64() >= pair[1]["score"].as_f64());
            }
        }
    }
    assert_ne!(
        dates(&relevance),
        dates(&oldest),
        "relevance is another order"
    );
    // The hyphen-led value works with and without '='.
    assert_eq!(
        places(&json_hits(&["-n", "500", "--sort=-date", EVERYWHERE])),
        places(&newest)
    );
}

#[test]
fn per_article_sorted_by_date() {
    let hits = json_hits(&["-n", "500", "--per-article", "--sort", "-date", EVERYWHERE]);
    assert_eq!(hits.len(), articles(&hits).len(), "one passage per article");
    assert_eq!(hits.len(), 15);
    let first_dates: Vec<String> = dates(&hits).into_iter().flatten().collect();
    assert!(first_dates.windows(2).all(|w| w[0] >= w[1]));
    assert_eq!(hits[0]["date"], "2021-11-03");
}

#[test]
fn ties_are_ordered_the_same_on_every_build() {
    // All articles of a filter-only query score 0: the order is the tie-break alone.
    let first = json_hits(&["-n", "500", "source:\"omroep west\""]);
    let tmp = tempfile::tempdir().unwrap();
    let corpus = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus");
    let index = tmp.path().join("again");
    let built = crate::common::zoek(&[
        "index",
        corpus.to_str().unwrap(),
        "--index",
        index.to_str().unwrap(),
    ]);
    assert_eq!(built.code, 0, "{}", built.stderr);
    let again = crate::common::zoek(&[
        "search",
        "--index",
        index.to_str().unwrap(),
        "-n",
        "500",
        "--json",
        "source:\"omroep west\"",
    ]);
    let again = crate::common::hit_lines(&again.stdout);
    // Each of the source's four articles, by its first passage (no passage holds a word).
    assert_eq!(first.len(), 4, "{first:#?}");
    assert!(first.iter().all(|h| h["ordinal"] == 1), "{first:#?}");
    assert_eq!(places(&first), places(&again));
}
