//! End-to-end: `zoek search` on the bundled corpus.

use crate::common::{highlighted, highlighted_words, json_hits, search};

const SEED: &str = "2020-11-18-trump-ontslaat-krebs.txt";

#[test]
fn verkiezingsfraude_lists_the_seed_passages_with_the_word_first() {
    let hits = json_hits(&["verkiezingsfraude"]);
    // The seed, the one article with the word, leads with its two best passages, which hold
    // it; the passages after it come from other articles, which all have their turn before
    // the seed shows more.
    for hit in &hits[..2] {
        assert!(hit["path"].as_str().unwrap().ends_with(SEED), "{hit}");
        assert_eq!(hit["date"], "2020-11-18");
        assert!(
            hit["passage"]
                .as_str()
                .unwrap()
                .contains("verkiezingsfraude"),
            "{hit}"
        );
    }
    let from_seed = |h: &serde_json::Value| h["path"].as_str().unwrap().ends_with(SEED);
    let others_end = hits.iter().rposition(|h| !from_seed(h)).unwrap();
    assert!(others_end >= 2, "{hits:#?}");
    for (i, hit) in hits.iter().enumerate().skip(2) {
        assert!(!from_seed(hit) || i > others_end, "{hits:#?}");
    }
    // Every passage of the seed with the word, when all are asked for.
    let all = json_hits(&["--match", "all", "verkiezingsfraude"]);
    let with_word = all
        .iter()
        .take_while(|h| h["passage"].as_str().unwrap().contains("verkiezingsfraude"))
        .count();
    assert!(
        with_word >= 3,
        "seed has 4 passages with the word: {all:#?}"
    );
    let run = search(&["verkiezingsfraude"]);
    assert_eq!(run.code, 0);
    assert!(
        run.stdout.starts_with("1. Trump ontslaat hoogste"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains(&format!("{SEED}:")), "path:line shown");
}

#[test]
fn no_hits_exits_1_with_empty_stdout() {
    let run = search(&["xylofoonconcertzaal"]);
    assert_eq!(run.code, 1);
    assert_eq!(run.stdout, "");
}

#[test]
fn json_fields_and_highlights_cover_the_matched_words() {
    let hits = json_hits(&["verkiezingsfraude"]);
    assert!(!hits.is_empty());
    for (i, hit) in hits.iter().enumerate() {
        for field in [
            "rank",
            "score",
            "article_id",
            "title",
            "date",
            "source",
            "url",
            "path",
            "line",
            "passage",
            "highlights",
        ] {
            assert!(hit.get(field).is_some(), "hit lacks {field}: {hit}");
        }
        assert_eq!(hit["rank"], i + 1);
        assert!(hit["line"].as_u64().unwrap() >= 1);
        let marked = highlighted(hit);
        assert!(!marked.is_empty(), "every hit has a highlight: {hit}");
        let passage = hit["passage"].as_str().unwrap();
        let occurrences = passage.matches("verkiezingsfraude").count();
        let covered = marked.iter().filter(|m| *m == "verkiezingsfraude").count();
        assert_eq!(covered, occurrences, "each occurrence highlighted: {hit}");
    }
}

#[test]
fn line_numbers_point_at_the_passage_in_the_file() {
    let hits = json_hits(&["\"vermeende verkiezingsfraude\""]);
    assert_eq!(hits.len(), 1);
    let path = hits[0]["path"].as_str().unwrap();
    let line = hits[0]["line"].as_u64().unwrap() as usize;
    let text = std::fs::read_to_string(path).unwrap();
    let at_line = text.lines().nth(line - 1).unwrap();
    assert!(
        at_line.starts_with("President Donald Trump heeft dinsdag"),
        "{at_line}"
    );
}

#[test]
fn stemming_finds_other_inflections() {
    let hits = json_hits(&["verkiezing"]);
    let words: Vec<String> = hits.iter().flat_map(highlighted).collect();
    assert!(words.iter().any(|w| w == "verkiezingen"), "{words:?}");
}

#[test]
fn diacritics_fold_both_ways_and_highlight_original_characters() {
    for (query, original) in [
        ("cafe", "café"),
        ("geinteresseerd", "geïnteresseerd"),
        ("ruine", "ruïne"),
        ("reünie", "reünie"),
        ("coordinatie", "coördinatie"),
        ("een", "één"),
    ] {
        let words = highlighted_words(&["--match", "all", "-n", "50", query]);
        assert!(
            words.iter().any(|w| w.to_lowercase() == original),
            "{query} should highlight {original}: {words:?}"
        );
    }
}

#[test]
fn phrase_with_stopwords_matches_exactly() {
    let hits = json_hits(&["\"de veiligste in de geschiedenis\""]);
    assert_eq!(hits.len(), 1, "{hits:#?}");
    assert!(hits[0]["path"].as_str().unwrap().ends_with(SEED));
    assert_eq!(
        highlighted(&hits[0]),
        ["de", "veiligste", "in", "de", "geschiedenis"]
    );
    assert!(json_hits(&["\"veiligste de in geschiedenis\""]).is_empty());
}

#[test]
fn hyphenated_words_match_as_a_whole_and_by_part() {
    let whole = json_hits(&["Noord-Holland"]);
    assert!(!whole.is_empty());
    assert!(highlighted(&whole[0]).iter().any(|w| w == "Noord-Holland"));
    assert!(highlighted_words(&["holland"])
        .iter()
        .any(|w| w == "Noord-Holland" || w == "Holland"));
    let joined = highlighted_words(&["cdaleider"]);
    assert!(joined.iter().any(|w| w == "CDA-leider"), "{joined:?}");
}

#[test]
fn apostrophes() {
    let words = highlighted_words(&["auto"]);
    assert!(
        words.iter().any(|w| w == "auto"),
        "auto's matches auto: {words:?}"
    );
    assert!(highlighted_words(&["'s-Hertogenbosch"])
        .iter()
        .any(|w| w.contains("Hertogenbosch")));
}

#[test]
fn long_compounds_are_searchable() {
    let hits = json_hits(&["arbeidsongeschiktheidsverzekeringsmaatschappij"]);
    assert!(!hits.is_empty());
}

#[test]
fn or_not_and_title_queries() {
    let either = json_hits(&["-n", "100", "belastingfraude OR marathon"]);
    let paths: Vec<&str> = either.iter().map(|h| h["path"].as_str().unwrap()).collect();
    assert!(paths.iter().any(|p| p.contains("belastingfraude")));
    assert!(paths.iter().any(|p| p.contains("marathon")));

    let all_fraude = json_hits(&["-n", "100", "fraude"]);
    // A word starting with '-' comes after `--`, as with grep.
    let without_trump = json_hits(&["-n", "100", "--", "fraude", "-trump"]);
    assert!(without_trump.len() < all_fraude.len());
    assert!(without_trump.iter().all(|h| !h["passage"]
        .as_str()
        .unwrap()
        .to_lowercase()
        .contains("trump")));
    let with_not = json_hits(&["-n", "100", "fraude NOT trump"]);
    assert_eq!(with_not.len(), without_trump.len());

    let title = json_hits(&["-n", "100", "title:krebs"]);
    assert!(!title.is_empty());
    assert!(title
        .iter()
        .all(|h| h["title"].as_str().unwrap().contains("Krebs")));
}

#[test]
fn per_article_keeps_the_best_passage_of_each_article() {
    let all = json_hits(&["-n", "100", "verkiezingen"]);
    let per = json_hits(&["-n", "100", "--per-article", "verkiezingen"]);
    let mut ids: Vec<&str> = per
        .iter()
        .map(|h| h["article_id"].as_str().unwrap())
        .collect();
    let n = ids.len();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), n, "one passage per article");
    assert!(per.len() < all.len());
    assert_eq!(
        per[0]["passage"], all[0]["passage"],
        "the best passage leads"
    );
}

#[test]
fn limit_caps_the_number_of_hits() {
    assert_eq!(json_hits(&["-n", "2", "verkiezingen"]).len(), 2);
}

#[test]
fn malformed_query_is_a_one_line_error_with_a_caret_and_exit_2() {
    for (query, place) in [
        ("\"open", "\"open"),
        ("(fraude", "("),
        ("fraude OR", "OR"),
        ("gemeente^2", "gemeente^2"),
    ] {
        let run = search(&[query]);
        assert_eq!(run.code, 2, "{query}");
        assert_eq!(run.stdout, "");
        let lines: Vec<&str> = run.stderr.lines().collect();
        assert_eq!(lines.len(), 2, "{}", run.stderr);
        let prefix = format!("zoek: invalid query '{query}': ");
        assert!(lines[0].starts_with(&prefix), "{}", run.stderr);
        // The carets stand under the place, inside the quoted query.
        let at = lines[1].find('^').unwrap();
        let width = lines[1].trim().len();
        assert_eq!(&lines[0][at..at + width], place, "{}", run.stderr);
    }
}

#[test]
fn colour_only_when_asked_or_on_a_terminal() {
    let piped = search(&["fraude"]);
    assert!(!piped.stdout.contains('\u{1b}'), "no colour into a pipe");
    let forced = search(&["--color", "always", "fraude"]);
    assert!(
        forced.stdout.contains("\u{1b}["),
        "colour with --color always"
    );
    let index = crate::common::bundled_index().to_str().unwrap().to_string();
    let no_color = crate::common::zoek_in(
        std::path::Path::new("."),
        &["search", "--index", &index, "--color", "never", "fraude"],
        &[("CLICOLOR_FORCE", "1")],
    );
    assert!(!no_color.stdout.contains('\u{1b}'));
    let env_no_color = crate::common::zoek_in(
        std::path::Path::new("."),
        &["search", "--index", &index, "fraude"],
        &[("NO_COLOR", "1"), ("CLICOLOR_FORCE", "1")],
    );
    assert!(
        !env_no_color.stdout.contains('\u{1b}'),
        "NO_COLOR respected"
    );
}

#[test]
fn a_page_of_hits_is_their_places_in_a_longer_list() {
    for view in [&[][..], &["--per-article"][..], &["--sort", "date"][..]] {
        let hits = |extra: &[&str]| {
            let mut args = vec!["de"];
            args.extend_from_slice(view);
            args.extend_from_slice(extra);
            json_hits(&args)
        };
        let all = hits(&["-n", "6"]);
        assert_eq!(all.len(), 6, "{view:?}");
        let page = hits(&["-n", "3", "--offset", "2"]);
        assert_eq!(page, all[2..5], "{view:?}");
        assert_eq!(page[0]["rank"], 3);
        assert!(hits(&["--offset", "1000"]).is_empty());
    }
}
