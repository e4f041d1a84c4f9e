//! End-to-end: the command line in the shell — completions and man pages, the index from
//! anywhere (`ZOEK_INDEX`), `zoek show` by a printed `path:line`, help that teaches, one
//! language and one line per message, singular and plural, untitled headings, passages that
//! share a line, `zoek stats`, sources by any of their words, standard input for `analyze`,
//! `--quiet`, the last option winning, `--analysis` on an existing index, Dutch dates, and
//! counts by period or source.

use std::path::Path;

use crate::common::{bundled_index, search, write, zoek, zoek_in, zoek_with_stdin};

const SUBCOMMANDS: [&str; 9] = [
    "index",
    "search",
    "show",
    "stats",
    "serve",
    "analyze",
    "eval",
    "completions",
    "man",
];

/// A corpus `c` with a JSON Lines file whose records share lines, lack titles or ids, and
/// carry Dutch dates and a source of several words; indexed into `idx`.
fn archive(dir: &Path) {
    let corpus = dir.join("c");
    write(
        &corpus,
        "x.jsonl",
        concat!(
            r#"{"body": "De rechter sprak de verdachte vrij van fraude. Het bewijs was te mager.\n\nDe officier overweegt hoger beroep.\n\nDe zaak sleepte drie jaar.", "date": "12 maart 2019", "source": "ud-alpino (newspaper)"}"#,
            "\n",
            r#"{"title": "Tweede stuk", "body": "Over de dijk bij Vlissingen.", "date": "14-03-2019"}"#,
            "\n",
        ),
    );
    write(
        &corpus,
        "y.jsonl",
        r#"{"id": "c/x.jsonl:1", "title": "Een id met een dubbele punt", "body": "Over een lastige naam."}"#,
    );
    write(
        &corpus,
        "stuk.md",
        "---\ntitle: Enkel stuk\ndate: 03-02-2020\n---\n\nEen stuk over de gemeenteraad.\n",
    );
    let run = zoek_in(dir, &["index", "c", "--index", "idx"], &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
}

#[test]
fn completion_scripts_name_every_subcommand() {
    for shell in ["bash", "zsh", "fish", "powershell"] {
        let run = zoek(&["completions", shell]);
        assert_eq!(run.code, 0, "{shell}: {}", run.stderr);
        for command in SUBCOMMANDS {
            assert!(
                run.stdout.contains(command),
                "{shell} completions lack {command}"
            );
        }
        let option = if shell == "fish" {
            "-l index"
        } else {
            "--index"
        };
        assert!(run.stdout.contains(option), "{shell}");
    }
    let bad = zoek(&["completions", "tcsh"]);
    assert_eq!(bad.code, 2);
    assert!(bad.stderr.starts_with("zoek: invalid value 'tcsh'"));
    assert_eq!(bad.stderr.lines().count(), 1, "{}", bad.stderr);
}

#[test]
fn the_man_pages_render() {
    let page = zoek(&["man"]);
    assert_eq!(page.code, 0, "{}", page.stderr);
    assert!(page.stdout.contains(".TH zoek 1"), "{}", page.stdout);
    for section in [".SH NAME", ".SH SYNOPSIS", ".SH SUBCOMMANDS"] {
        assert!(page.stdout.contains(section), "{section}");
    }
    let search = zoek(&["man", "search"]);
    assert!(search.stdout.contains(".TH zoek-search 1"));
    assert!(search.stdout.contains("ZOEK_INDEX"));
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("man1");
    let all = zoek(&["man", "--out", out.to_str().unwrap()]);
    assert_eq!(all.code, 0, "{}", all.stderr);
    for command in SUBCOMMANDS {
        assert!(out.join(format!("zoek-{command}.1")).exists(), "{command}");
    }
    // Where groff is installed, the page must render without complaint.
    if let Ok(render) = std::process::Command::new("groff")
        .args(["-k", "-man", "-Tutf8", "-ww"])
        .arg(out.join("zoek-search.1"))
        .output()
    {
        assert!(render.status.success());
        assert!(String::from_utf8_lossy(&render.stdout).contains("search"));
        assert_eq!(String::from_utf8_lossy(&render.stderr), "");
    }
    assert_eq!(zoek(&["man", "nope"]).code, 2);
}

#[test]
fn zoek_index_names_the_index_from_anywhere() {
    let tmp = tempfile::tempdir().unwrap();
    let index = bundled_index().to_str().unwrap();
    let env = [("ZOEK_INDEX", index)];
    let run = zoek_in(tmp.path(), &["search", "--count", "krebs"], &env);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stdout, "1 article\n");
    // --index wins over the variable.
    let over = zoek_in(tmp.path(), &["search", "--index", "nergens", "krebs"], &env);
    assert_eq!(over.code, 2);
    assert!(
        over.stderr.contains("no index at nergens/"),
        "{}",
        over.stderr
    );
    // zoek index writes where the variable says.
    write(&tmp.path().join("c"), "a.md", "# Kop\n\nOver fraude.\n");
    let target = tmp.path().join("elders");
    let env = [("ZOEK_INDEX", target.to_str().unwrap())];
    assert_eq!(zoek_in(tmp.path(), &["index", "c"], &env).code, 0);
    assert!(target.join("CURRENT").exists());
    let found = zoek_in(tmp.path(), &["search", "--count", "fraude"], &env);
    assert_eq!(found.stdout, "1 article\n");
    // An empty variable counts as none.
    let empty = zoek_in(tmp.path(), &["stats"], &[("ZOEK_INDEX", "")]);
    assert!(
        empty.stderr.contains("no index at index/"),
        "{}",
        empty.stderr
    );
    // Without either, the message says how to name one.
    let none = zoek_in(tmp.path(), &["stats"], &[]);
    assert_eq!(none.code, 2);
    assert!(none.stderr.contains("ZOEK_INDEX"), "{}", none.stderr);
}

#[test]
fn show_takes_the_path_and_line_search_prints() {
    let run = search(&["-n", "1", "--color", "never", "verkiezingsfraude"]);
    assert_eq!(run.code, 0);
    // The bundled index was built from the corpus's absolute path.
    let place = run.stdout.lines().nth(1).unwrap().trim().to_string();
    assert!(
        place.ends_with("corpus/2020-11-18-trump-ontslaat-krebs.txt:23"),
        "{place}"
    );
    let file = place.trim_end_matches(":23");
    let index = bundled_index().to_str().unwrap();
    let shown = zoek(&["show", "--index", index, "--json", &place]);
    assert_eq!(shown.code, 0, "{}", shown.stderr);
    let article: serde_json::Value = serde_json::from_str(&shown.stdout).unwrap();
    assert_eq!(article["article_id"], "2020-11-18-trump-ontslaat-krebs.txt");
    // A line inside a passage belongs to that passage's article; the file alone, too.
    for other in [format!("{file}:24"), file.to_string()] {
        let shown = zoek(&["show", "--index", index, "--json", &other]);
        assert_eq!(shown.code, 0, "{other}: {}", shown.stderr);
    }
    // The human output of show states the path:line it takes back.
    let human = zoek(&["show", "--index", index, "--color", "never", &place]);
    assert!(
        human.stdout.contains(&format!("{file}:7  id ")),
        "{}",
        human.stdout
    );
    let missing = zoek(&["show", "--index", index, "corpus/nergens.txt:3"]);
    assert_eq!(missing.code, 2);
    assert!(missing.stderr.contains("path:line"), "{}", missing.stderr);
}

#[test]
fn show_prefers_an_exact_id_to_a_path_and_line() {
    let tmp = tempfile::tempdir().unwrap();
    archive(tmp.path());
    let show = |what: &str| {
        let run = zoek_in(tmp.path(), &["show", "--index", "idx", "--json", what], &[]);
        assert_eq!(run.code, 0, "{what}: {}", run.stderr);
        let article: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
        article["article_id"].as_str().unwrap().to_string()
    };
    // `c/x.jsonl:1` is both a record's id (in y.jsonl) and a path:line (x.jsonl, line 1).
    assert_eq!(show("c/x.jsonl:1"), "c/x.jsonl:1");
    assert_eq!(show("c/x.jsonl:2"), "x.jsonl:2");
    assert_eq!(show("x.jsonl:1"), "x.jsonl:1");
    // The place as search prints it where passages share a line, pasted whole.
    let pasted = zoek_in(
        tmp.path(),
        &[
            "show",
            "--index",
            "idx",
            "--json",
            "c/x.jsonl:1,",
            "passage",
            "2",
        ],
        &[],
    );
    assert!(
        pasted.stdout.contains(r#""article_id":"x.jsonl:1""#),
        "{}",
        pasted.stderr
    );
}

#[test]
fn search_help_teaches_and_h_stays_short() {
    let long = zoek(&["search", "--help"]);
    for needed in [
        "date:2019-03",
        "source:nieuwsbode",
        "verkiezingsfruade~",
        "verkiez*",
        "(brexit OR europa)",
        "Exit status:",
        "ZOEK_INDEX",
        "Examples:",
        "zoek show corpus/",
    ] {
        assert!(long.stdout.contains(needed), "--help lacks {needed}");
    }
    let short = zoek(&["search", "-h"]);
    assert!(!short.stdout.contains("Examples:"));
    assert!(short.stdout.lines().count() < long.stdout.lines().count() / 2);
    assert!(zoek(&["--help"]).stdout.contains("ZOEK_INDEX"));
}

#[test]
fn every_message_is_one_english_line_with_the_prefix() {
    for args in [
        vec![],
        vec!["serch", "x"],
        vec!["search"],
        vec!["search", "--sort", "bogus", "x"],
        vec!["search", "--limit", "x", "y"],
        vec!["index", "--analysis", "heel"],
    ] {
        let run = zoek(&args);
        assert_eq!(run.code, 2, "{args:?}");
        assert!(run.stderr.starts_with("zoek: "), "{args:?}: {}", run.stderr);
        assert_eq!(run.stderr.lines().count(), 1, "{args:?}: {}", run.stderr);
        assert!(!run.stderr.contains("error:"), "{}", run.stderr);
    }
    let suggestion = search(&["verkiezingsfruade"]);
    assert_eq!(
        suggestion.stderr,
        "zoek: did you mean: verkiezingsfraude?\n"
    );
}

#[test]
fn one_is_singular() {
    let tmp = tempfile::tempdir().unwrap();
    write(
        &tmp.path().join("c"),
        "a.md",
        "---\ntitle: Kop\nkleur: rood\n---\n\nOver fraude.\n",
    );
    write(&tmp.path().join("c"), "kapot.json", "{niet");
    let run = zoek_in(tmp.path(), &["index", "c", "--index", "idx"], &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    for line in [
        "indexed 1 article (1 passage)",
        "failed 1 file or record (",
        "1 warning (see above)",
    ] {
        assert!(run.stderr.contains(line), "{line}: {}", run.stderr);
    }
    let count = zoek_in(
        tmp.path(),
        &["search", "--index", "idx", "--count", "fraude"],
        &[],
    );
    assert_eq!(count.stdout, "1 article\n");
    // Quiet: only the error (a failure an earlier run found is reported again on every run).
    let quiet = zoek_in(tmp.path(), &["index", "c", "--index", "idx", "-q"], &[]);
    assert_eq!(quiet.code, 0);
    assert_eq!(quiet.stderr.lines().count(), 1, "{}", quiet.stderr);
    assert!(
        quiet.stderr.starts_with("zoek: error: c/kapot.json"),
        "{}",
        quiet.stderr
    );
}

#[test]
fn untitled_records_are_headed_by_their_first_words() {
    let tmp = tempfile::tempdir().unwrap();
    archive(tmp.path());
    let run = zoek_in(
        tmp.path(),
        &["search", "--index", "idx", "--color", "never", "beroep"],
        &[],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.starts_with(
            "1. (untitled) De rechter sprak de verdachte vrij van fraude. Het bewijs … · 2019-03-12 · ud-alpino (newspaper)"
        ),
        "{}",
        run.stdout
    );
    // For display only: the title stays empty in JSON, and the words are no title.
    let json = zoek_in(
        tmp.path(),
        &["search", "--index", "idx", "--json", "beroep"],
        &[],
    );
    assert!(json.stdout.contains(r#""title":"""#), "{}", json.stdout);
    let by_title = zoek_in(
        tmp.path(),
        &["search", "--index", "idx", "--count", "title:rechter"],
        &[],
    );
    assert_eq!(by_title.code, 1);
}

#[test]
fn passages_that_share_a_line_are_told_apart() {
    let tmp = tempfile::tempdir().unwrap();
    archive(tmp.path());
    let run = zoek_in(
        tmp.path(),
        &[
            "search", "--index", "idx", "--color", "never", "-C", "1", "beroep",
        ],
        &[],
    );
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(lines[1].trim(), "c/x.jsonl:1, passage 2", "{}", run.stdout);
    assert!(
        lines[2].trim().starts_with("1#1- De rechter"),
        "{}",
        run.stdout
    );
    assert!(
        lines[3].trim().starts_with("1#2: De officier"),
        "{}",
        run.stdout
    );
    assert!(
        lines[4].trim().starts_with("1#3- De zaak"),
        "{}",
        run.stdout
    );
    // A line of its own needs no ordinal.
    let single = zoek_in(
        tmp.path(),
        &[
            "search",
            "--index",
            "idx",
            "--color",
            "never",
            "gemeenteraad",
        ],
        &[],
    );
    assert_eq!(single.stdout.lines().nth(1).unwrap().trim(), "c/stuk.md:6");
    let json = zoek_in(
        tmp.path(),
        &["search", "--index", "idx", "--json", "-C", "1", "beroep"],
        &[],
    );
    let hit: serde_json::Value = serde_json::from_str(json.stdout.lines().next().unwrap()).unwrap();
    assert_eq!(
        (hit["line"].as_u64(), hit["ordinal"].as_u64()),
        (Some(1), Some(2))
    );
    assert_eq!(hit["context"]["before"][0]["ordinal"], 1);
}

#[test]
fn stats_of_the_bundled_corpus() {
    let index = bundled_index().to_str().unwrap();
    let run = zoek(&["stats", "--index", index, "--json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let stats: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(stats["type"], "stats");
    assert_eq!(stats["articles"], 15);
    assert_eq!(stats["passages"], 73);
    assert_eq!(stats["files"], 12);
    assert_eq!(stats["first_date"], "2019-03-12");
    assert_eq!(stats["last_date"], "2021-11-03");
    assert_eq!(stats["undated"], 2);
    assert_eq!(stats["analysis"], "full");
    assert!(stats["bytes"].as_u64().unwrap() > 10_000);
    let sources: Vec<(String, u64)> = stats["sources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["name"].as_str().unwrap().to_string(),
                s["articles"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        sources,
        [
            ("Omroep West".to_string(), 4),
            ("Dagblad Zuid".to_string(), 3),
            ("Het Noorderlicht".to_string(), 3),
            ("Nieuwsbode".to_string(), 3),
            (String::new(), 2),
        ]
    );
    let human = zoek(&["stats", "--index", index]);
    assert!(human
        .stdout
        .contains("contents  15 articles, 73 passages in 12 files"));
}

#[test]
fn a_source_is_found_by_any_of_its_words() {
    let tmp = tempfile::tempdir().unwrap();
    archive(tmp.path());
    let count = |args: &[&str]| {
        let mut all = vec!["search", "--index", "idx", "--count"];
        all.extend_from_slice(args);
        zoek_in(tmp.path(), &all, &[]).stdout
    };
    for query in [
        "source:ud-alpino",
        "source:newspaper",
        "source:alpino",
        "source:\"ud-alpino (newspaper)\"",
    ] {
        assert_eq!(count(&[query]), "1 article\n", "{query}");
    }
    assert_eq!(
        count(&["--match", "all", "--source", "Alpino", "beroep"]),
        "1 article\n"
    );
    assert_eq!(count(&["source:alpino-ud"]), "0 articles\n");
    assert_eq!(search(&["--count", "source:west"]).stdout, "4 articles\n");
    // A filter beside a word under OR finds passages, never the articles' own documents.
    let either = search(&["--json", "-n", "100", "source:west OR krebs"]);
    assert!(!either.stdout.contains(r#""line":0"#), "{}", either.stdout);
    assert_eq!(
        search(&["--count", "source:west OR krebs"]).stdout,
        "5 articles\n"
    );
}

#[test]
fn analyze_reads_standard_input() {
    let run = zoek_with_stdin(&["analyze"], "de huizen");
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("huis"), "{}", run.stdout);
    let json = zoek_with_stdin(&["analyze", "--json"], "huizen\n");
    assert_eq!(json.stdout.lines().count(), 1, "{}", json.stdout);
}

#[test]
fn quiet_answers_with_the_exit_status_alone() {
    let found = search(&["-q", "fraude"]);
    assert_eq!(
        (found.code, found.stdout.as_str(), found.stderr.as_str()),
        (0, "", "")
    );
    let none = search(&["--quiet", "verkiezingsfruade"]);
    assert_eq!(
        (none.code, none.stdout.as_str(), none.stderr.as_str()),
        (1, "", "")
    );
}

#[test]
fn the_last_option_wins_and_json_never_conflicts() {
    let newest = search(&["--json", "--sort", "date", "--sort", "-date", "fraude"]);
    let dates: Vec<String> = newest
        .stdout
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
        .filter(|l| l["type"] == "hit")
        .map(|l| l["date"].as_str().unwrap_or_default().to_string())
        .collect();
    let mut sorted = dates.clone();
    sorted.sort_by(|a, b| b.cmp(a));
    assert_eq!(dates, sorted);
    let both = search(&["--json", "--format", "json", "-n", "1", "krebs"]);
    assert_eq!(both.code, 0, "{}", both.stderr);
    assert_eq!(both.stdout.lines().count(), 2);
    let trec = search(&["--json", "--format", "trec", "-n", "1", "krebs"]);
    assert!(trec.stdout.ends_with(" zoek\n"), "{}", trec.stdout);
    let json = search(&["--format", "trec", "--json", "-n", "1", "krebs"]);
    assert!(json.stdout.starts_with("{"), "{}", json.stdout);
}

#[test]
fn another_analysis_asks_for_a_rebuild() {
    let tmp = tempfile::tempdir().unwrap();
    write(&tmp.path().join("c"), "a.md", "# Kop\n\nOver de huizen.\n");
    let index = |extra: &[&str]| {
        let mut args = vec!["index", "c", "--index", "idx"];
        args.extend_from_slice(extra);
        zoek_in(tmp.path(), &args, &[])
    };
    let analysis = || {
        let run = zoek_in(tmp.path(), &["stats", "--index", "idx", "--json"], &[]);
        let stats: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
        stats["analysis"].as_str().unwrap().to_string()
    };
    assert_eq!(index(&["--analysis", "plain"]).code, 0);
    // Without --analysis the index keeps its own.
    let update = index(&[]);
    assert_eq!(update.code, 0, "{}", update.stderr);
    assert!(!update.stderr.contains("rebuilt"), "{}", update.stderr);
    assert_eq!(analysis(), "plain");
    // Another one is refused without --rebuild, and the index is left as it was.
    let refused = index(&["--analysis", "full"]);
    assert_eq!(refused.code, 2);
    assert_eq!(
        refused.stderr,
        "zoek: the index at idx/ was built with the plain analysis; add --rebuild to rebuild it with full (or leave out --analysis to keep plain)\n"
    );
    assert_eq!(analysis(), "plain");
    assert_eq!(index(&["--analysis", "full", "--rebuild"]).code, 0);
    assert_eq!(analysis(), "full");
    assert_eq!(index(&["--rebuild"]).code, 0);
    assert_eq!(analysis(), "full");
}

#[test]
fn dutch_dates_are_read_in_front_matter_and_json() {
    let tmp = tempfile::tempdir().unwrap();
    archive(tmp.path());
    let run = zoek_in(tmp.path(), &["index", "c", "--index", "idx"], &[]);
    assert!(!run.stderr.contains("warning"), "{}", run.stderr);
    let dates = zoek_in(
        tmp.path(),
        &[
            "search",
            "--index",
            "idx",
            "--json",
            "--sort",
            "date",
            "source:alpino OR dijk OR gemeenteraad",
        ],
        &[],
    );
    let found: Vec<String> = dates
        .stdout
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
        .filter(|l| l["type"] == "hit")
        .map(|l| l["date"].as_str().unwrap().to_string())
        .collect();
    assert!(found.contains(&"2019-03-12".to_string()), "{found:?}");
    assert!(found.contains(&"2019-03-14".to_string()), "{found:?}");
    assert!(found.contains(&"2020-02-03".to_string()), "{found:?}");
    // And in filters.
    for since in ["13-03-2019", "13 maart 2019"] {
        let run = zoek_in(
            tmp.path(),
            &[
                "search",
                "--index",
                "idx",
                "--count",
                "--since",
                since,
                "--until",
                "maart 2019",
                "dijk OR beroep",
            ],
            &[],
        );
        assert_eq!(run.stdout, "1 article\n", "{since}: {}", run.stderr);
    }
}

#[test]
fn counts_by_period_and_source() {
    let by = |by: &str, format: &str| {
        search(&["--by", by, "--format", format, "fraude OR verkiezingen"])
    };
    let years = by("year", "human");
    assert_eq!(years.code, 0, "{}", years.stderr);
    assert_eq!(
        years.stdout,
        "year   articles\n2019          1\n2020          2\n2021          1\ntotal         4\n"
    );
    assert_eq!(
        by("source", "tsv").stdout,
        "source\tarticles\nNieuwsbode\t2\nDagblad Zuid\t1\nOmroep West\t1\n"
    );
    let months = by("month", "json");
    let lines: Vec<serde_json::Value> = months
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let groups: Vec<&serde_json::Value> = lines.iter().filter(|l| l["type"] == "group").collect();
    // Every month from the first to the last, those without matches as 0.
    assert_eq!(groups.first().unwrap()["key"], "2019-03");
    assert_eq!(groups.last().unwrap()["key"], "2021-03");
    assert_eq!(groups.len(), 25);
    let total: u64 = groups.iter().map(|g| g["articles"].as_u64().unwrap()).sum();
    let summary = lines.last().unwrap();
    assert_eq!(
        (summary["type"].as_str(), summary["articles"].as_u64()),
        (Some("summary"), Some(total))
    );
    // Nothing found is exit 1, as with --count.
    assert_eq!(search(&["--by", "year", "qwertyuiop"]).code, 1);
}

#[test]
fn the_release_binary_is_small() {
    // Only a release build is the binary people install.
    if cfg!(debug_assertions) {
        return;
    }
    let size = std::fs::metadata(env!("CARGO_BIN_EXE_zoek")).unwrap().len();
    assert!(size < 20_000_000, "{size} bytes");
}
