//! End-to-end: every query answers right and within bounds — exclusions alone are refused,
//! nesting, words, patterns and `-n` are bounded, the forms people paste are searched as
//! text, and `zoek eval` reads its files strictly.

use std::path::Path;

use crate::common::{bundled_index, search, write, zoek, zoek_in, zoek_with_stdin, Run};

/// Indexes `files` into `dir/idx` and returns a runner of `zoek search` on it.
fn small<'a>(dir: &'a Path, files: &[(&str, &str)]) -> impl Fn(&[&str]) -> Run + 'a {
    for (name, text) in files {
        write(&dir.join("c"), name, text);
    }
    let built = zoek_in(dir, &["index", "c", "--index", "idx"], &[]);
    assert_eq!(built.code, 0, "{}", built.stderr);
    move |args: &[&str]| {
        let mut all = vec!["search", "--index", "idx"];
        all.extend_from_slice(args);
        zoek_in(dir, &all, &[])
    }
}

fn assert_refused(run: &Run, message: &str) {
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert_eq!(run.stdout, "");
    assert!(run.stderr.contains(message), "{}", run.stderr);
    assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
}

#[test]
fn a_query_of_exclusions_alone_is_refused_wherever_the_not_stands() {
    for query in [
        "NOT gemeente",
        "(NOT gemeente)",
        "NOT title:gemeente",
        "NOT \"vermeende verkiezingsfraude\"",
        "NOT gemeente*",
    ] {
        let run = search(&["--count", query]);
        assert_refused(&run, "a query needs at least one word that is not excluded");
    }
    for query in ["-gemeente", "-source:nieuwsbode"] {
        assert_refused(&search(&["--", query]), "not excluded");
    }
    // With a word to exclude from, the NOT excludes.
    let all = search(&["--count", "fraude"]);
    let without = search(&["--count", "fraude -belastingfraude"]);
    assert_eq!(all.code, 0);
    assert_ne!(all.stdout, without.stdout);
}

#[test]
fn deep_nesting_is_an_error_not_a_crash_also_in_a_batch_and_in_show() {
    let deep = format!("{}fraude{}", "(".repeat(20_000), ")".repeat(20_000));
    let run = search(&[&deep]);
    assert_refused(&run, "more than 64 levels");
    assert_eq!(run.stderr.lines().count(), 2, "message and caret");
    let batch = zoek_with_stdin(
        &[
            "search",
            "--index",
            bundled_index().to_str().unwrap(),
            "--queries",
            "-",
            "--format",
            "trec",
        ],
        &format!("a\tfraude\nb\t{deep}\nc\tverkiezingen\n"),
    );
    assert_eq!(batch.code, 2, "{}", batch.stderr);
    assert!(batch.stderr.contains("query b:"), "{}", batch.stderr);
    let qids: Vec<&str> = batch
        .stdout
        .lines()
        .filter_map(|l| l.split(' ').next())
        .collect();
    assert!(qids.contains(&"a") && qids.contains(&"c"), "{qids:?}");
    let show = zoek(&[
        "show",
        "--index",
        bundled_index().to_str().unwrap(),
        "archief.jsonl:2",
        "--query",
        &deep,
    ]);
    assert_refused(&show, "more than 64 levels");
}

#[test]
fn a_huge_limit_means_all_matches_and_allocates_nothing_for_it() {
    let counted = search(&["--count", "fraude"]);
    let articles: usize = counted.stdout.split(' ').next().unwrap().parse().unwrap();
    for n in ["3000000000", "18446744073709551615"] {
        let run = search(&["--format", "json", "-n", n, "fraude"]);
        assert_eq!(run.code, 0, "{}", run.stderr);
        let shown: std::collections::BTreeSet<String> = crate::common::hit_lines(&run.stdout)
            .iter()
            .map(|h| h["article_id"].as_str().unwrap().to_string())
            .collect();
        assert_eq!(shown.len(), articles, "-n {n}: every matching article");
        let trec = search(&["--format", "trec", "-n", n, "fraude"]);
        assert_eq!(trec.code, 0, "{}", trec.stderr);
    }
    let context = search(&["-C", "18446744073709551615", "-n", "1", "krebs"]);
    assert_eq!(context.code, 0, "{}", context.stderr);
}

#[test]
fn a_repeated_word_counts_once_and_too_many_words_are_refused() {
    let repeated = vec!["kabinet"; 10_000].join(" ");
    let once = search(&["--count", "kabinet"]);
    let many = search(&["--count", &repeated]);
    assert_eq!(many.code, once.code, "{}", many.stderr);
    assert_eq!(many.stdout, once.stdout);
    let words: Vec<String> = (0..101).map(|i| format!("woord{i}")).collect();
    assert_refused(&search(&[&words.join(" ")]), "more than 100 words");
    let phrase = format!("\"{}\"", vec!["de"; 101].join(" "));
    assert_refused(&search(&[&phrase]), "more than 100 words");
    let fuzzy: Vec<String> = (0..11).map(|i| format!("woord{i}~")).collect();
    assert_refused(&search(&[&fuzzy.join(" OR ")]), "more than 10 fuzzy words");
}

#[test]
fn a_prefix_or_fuzzy_word_for_too_many_index_words_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let body: Vec<String> = (0..1_200).map(|i| format!("vaak{i:04}x")).collect();
    let search = small(
        tmp.path(),
        &[("veel.md", &format!("# Veel\n\n{}\n", body.join(" ")))],
    );
    assert_refused(&search(&["vaak*"]), "stands for more than 1000 words");
    assert_eq!(search(&["vaak000*"]).code, 0, "ten words is fine");
}

#[test]
fn the_forms_people_paste_are_searched_as_text() {
    let tmp = tempfile::tempdir().unwrap();
    let search = small(
        tmp.path(),
        &[
            (
                "uitslag.md",
                "# Uitslag\n\nDe thuisploeg won met 1-0 van de bezoekers.\n",
            ),
            (
                "score.md",
                "# Perfecte score\n\nDe jury gaf een 10 aan de kandidaat.\n",
            ),
            (
                "link.md",
                "# Bron\n\nZie https://nos.nl/artikel/123 en de gemeente raad.\n",
            ),
            (
                "ad.md",
                "# Kabinet\n\nVia https://www.ad.nl/kabinet-valt~a1b2c3/ gelezen.\n",
            ),
        ],
    );
    let ids = |run: &Run| -> Vec<String> {
        crate::common::hit_lines(&run.stdout)
            .iter()
            .map(|h| h["article_id"].as_str().unwrap().to_string())
            .collect()
    };
    // Digits joined by a hyphen are not one number.
    assert_eq!(ids(&search(&["--json", "1-0"])), ["uitslag.md"]);
    assert_eq!(ids(&search(&["--json", "10"])), ["score.md"]);
    // Another engine's weight is an error, not an empty result.
    assert_refused(
        &search(&["gemeente^2"]),
        "weights with '^' are not supported",
    );
    // A pasted URL and `word:word` are text; a name close to a field's gets a note.
    assert_eq!(
        ids(&search(&["--json", "https://nos.nl/artikel/123"])),
        ["link.md"]
    );
    assert_eq!(ids(&search(&["--json", "Gemeente:raad"])), ["link.md"]);
    assert_eq!(
        ids(&search(&[
            "--json",
            "https://www.ad.nl/kabinet-valt~a1b2c3/"
        ])),
        ["ad.md"]
    );
    let titel = search(&["titel:perfecte"]);
    assert!(
        titel
            .stderr
            .contains("note: 'titel:' is not a field, so 'titel:perfecte' was searched as text; did you mean title:?"),
        "{}",
        titel.stderr
    );
    // Lower-case `or` is a word: with every word required, both are wanted.
    assert_eq!(ids(&search(&["--json", "jury OR thuisploeg"])).len(), 2);
    assert_eq!(search(&["--match", "all", "jury or thuisploeg"]).code, 1);
}

/// `zoek eval` on the bundled index with `queries` and `qrels` written to files.
fn eval(queries: &str, qrels: &str, extra: &[&str]) -> Run {
    let tmp = tempfile::tempdir().unwrap();
    write(tmp.path(), "q.tsv", queries);
    write(tmp.path(), "r.txt", qrels);
    let index = bundled_index().to_str().unwrap().to_string();
    let mut args = vec![
        "eval",
        "--index",
        &index,
        "--queries",
        "q.tsv",
        "--qrels",
        "r.txt",
    ];
    args.extend_from_slice(extra);
    zoek_in(tmp.path(), &args, &[])
}

#[test]
fn eval_reads_its_files_strictly_and_prints_no_negative_zero() {
    let qrels = "a 0 2020-11-18-trump-ontslaat-krebs.txt 1\n";
    let nothing = eval("a\tzzzonbekendzzz\n", qrels, &["--json"]);
    assert_eq!(nothing.code, 0, "{}", nothing.stderr);
    assert!(!nothing.stdout.contains("-0"), "{}", nothing.stdout);
    let table = eval("a\tzzzonbekendzzz\n", qrels, &[]);
    assert!(!table.stdout.contains("-0"), "{}", table.stdout);

    let depth = eval("a\tkrebs\n", qrels, &["--depth", "0"]);
    assert_eq!(depth.code, 2);
    assert!(depth.stderr.starts_with("zoek: ") && depth.stderr.lines().count() == 1);

    let spaced = eval("a\tkrebs\nq 2\tfraude\n", qrels, &[]);
    assert_eq!(spaced.code, 2);
    assert!(
        spaced
            .stderr
            .contains("q.tsv:2: the qid 'q 2' holds white space"),
        "{}",
        spaced.stderr
    );
    let empty = eval("a\tkrebs\nq2\t\n", qrels, &[]);
    assert_eq!(empty.code, 2);
    assert!(
        empty.stderr.contains("q.tsv:2: query q2 is empty"),
        "{}",
        empty.stderr
    );

    let tmp = tempfile::tempdir().unwrap();
    write(tmp.path(), "q.tsv", "a\tkrebs\n");
    let index = bundled_index().to_str().unwrap().to_string();
    let stdin = crate::common::zoek_with_stdin_in(
        tmp.path(),
        &[
            "eval",
            "--index",
            &index,
            "--queries",
            "q.tsv",
            "--qrels",
            "-",
        ],
        qrels,
    );
    assert_eq!(stdin.code, 0, "{}", stdin.stderr);
    assert!(stdin.stdout.contains("mean  1.0000"), "{}", stdin.stdout);
}
