//! Property tests: the fuzz targets' invariants (`invariants.rs`), checked on a modest
//! number of generated inputs on every `cargo test`, and on every input the fuzzers found a
//! crash with (`fuzz/regressions/`). The long runs are `cargo fuzz` (see fuzz/README.md).

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use proptest::prelude::*;
use zoek::analysis::{Analysis, DutchAnalyzer};
use zoek::index::ZoekIndex;

/// Letters, marks and punctuation that the analyzer and splitter treat specially: Dutch
/// diacritics, apostrophes, hyphens, digit separators, sentence ends, quotes, a combining
/// mark alone (U+0611) and decomposed (U+0301), ligatures, white space of several kinds.
const SPECIAL: &str = "éëïöüÉĲĳßæ'’‘`ʼ-‐‑.,!?…\"”»(«)\u{611}\u{301}\u{345} \t\n\r\u{a0}\u{2003}";

/// Text made of Dutch-ish words, digits and the special characters above.
fn dutchish() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        4 => prop::sample::select(vec![
            "de", "het", "Noord", "Holland", "CDA", "leider", "auto", "s", "zo", "n", "ge", "Zud",
            "verkiezingsfraude", "arbeidsongeschiktheidsverzekeringsmaatschappij", "Café",
            "coördinatie", "1.000", "3,5", "Straße", "ĳs", "presidentsverkiezingen", "Dit",
        ])
        .prop_map(str::to_string),
        3 => prop::sample::select(SPECIAL.chars().collect::<Vec<_>>()).prop_map(String::from),
        1 => "[a-zA-Z0-9]{1,8}",
        1 => any::<char>().prop_map(String::from),
    ];
    prop::collection::vec(piece, 0..40).prop_map(|pieces| pieces.concat())
}

/// Bodies with paragraphs, long sentences and the odd giant word.
fn body() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        6 => dutchish(),
        2 => prop::sample::select(vec!["\n", "\n\n", "\r\n\r\n", " \n \n", ". ", "! Dan ", "… "])
            .prop_map(str::to_string),
        1 => (1usize..60).prop_map(|n| "Dit is een zin van tien woorden lang hier. ".repeat(n)),
        1 => (4000usize..9000).prop_map(|n| "é".repeat(n / 2)),
    ];
    prop::collection::vec(piece, 0..12).prop_map(|pieces| pieces.concat())
}

/// Queries built from the syntax's pieces, so that most of them parse.
fn query_text() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        4 => dutchish(),
        3 => prop::sample::select(vec![
            "OR", "AND", "NOT", "-", "(", ")", "\"", "“", "title:", "body:", "source:", "date:",
            "titel:", "~", "~1", "~2", "~3", "*", "date:2021", "date:2019-13",
            "date:[2019-03-01 TO 2021-06]", "date:[* TO *]", "date:[", "source:\"Omroep West\"",
            "Economie:", "verkiez*", "zud~", "kiezers", "storm", "café", "auto's",
        ])
        .prop_map(str::to_string),
    ];
    prop::collection::vec(piece, 1..10).prop_map(|pieces| pieces.join(" "))
}

fn small_index() -> &'static ZoekIndex {
    static INDEX: OnceLock<ZoekIndex> = OnceLock::new();
    INDEX.get_or_init(|| {
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
            .join(format!("properties-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        crate::invariants::small_index(&dir)
    })
}

fn full() -> &'static DutchAnalyzer {
    static FULL: OnceLock<DutchAnalyzer> = OnceLock::new();
    FULL.get_or_init(|| DutchAnalyzer::new(Analysis::Full))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]

    #[test]
    fn analyzer_tokens_keep_their_invariants(text in prop_oneof![dutchish(), any::<String>()]) {
        for analysis in Analysis::ALL {
            crate::invariants::check_tokens(&DutchAnalyzer::new(analysis), &text);
        }
        crate::invariants::check_terms_of_line(full(), &text);
    }

    #[test]
    fn passages_lose_nothing_and_stay_bounded(text in prop_oneof![body(), any::<String>()]) {
        crate::invariants::check_passages(&text);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]

    #[test]
    fn queries_parse_compile_and_run_or_say_why(input in prop_oneof![query_text(), any::<String>()]) {
        let index = small_index();
        crate::invariants::check_query(index, &input);
        crate::invariants::check_search(index, &input);
    }

    #[test]
    fn readers_give_articles_with_ids_or_problems_with_messages(
        pick in 0..crate::invariants::READER_NAMES.len(),
        content in prop_oneof![
            any::<Vec<u8>>(),
            body().prop_map(String::into_bytes),
            (dutchish(), dutchish(), body()).prop_map(|(key, value, text)| {
                format!("---\ntitle: {value}\n{key}: {value}\ndate: {key}\n---\n# {value}\n{text}")
                    .into_bytes()
            }),
            (dutchish(), body(), any::<i64>()).prop_map(|(title, text, id)| {
                let record = serde_json::json!({"id": id, "title": title, "body": text});
                format!("{record}\n{{\"text\": 1}}\n[{record}, {{}}]\n{record}").into_bytes()
            }),
            (dutchish(), body()).prop_map(|(title, text)| {
                format!("<html><head><title>{title}</title></head><body><article><h1>{title}</h1><p>{text}</p><script>{text}</script></article></body></html>").into_bytes()
            }),
        ],
    ) {
        let name = crate::invariants::READER_NAMES[pick];
        let bytes = if name.ends_with(".jsonl.gz") { gzip(&content) } else { content };
        crate::invariants::check_reader(name, bytes);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn html_of_any_nesting_is_read_whole(ops in prop::collection::vec(any::<u8>(), 0..64)) {
        crate::invariants::check_html_nesting(&ops);
    }
}

/// The HTML nesting target's seeds and crash inputs, through its invariant.
#[test]
fn html_nesting_seeds_and_regressions_keep_their_text() {
    let mut ran = 0;
    for dir in ["../seeds", "."] {
        for (path, bytes) in regressions(&format!("{dir}/html_nesting")) {
            println!("html_nesting: {}", path.display());
            crate::invariants::check_html_nesting(&bytes);
            ran += 1;
        }
    }
    assert!(ran >= 5, "the seeds are there ({ran})");
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    encoder.write_all(bytes).expect("gzip in memory");
    encoder.finish().expect("gzip in memory")
}

/// The inputs of `fuzz/regressions/TARGET/`.
fn regressions(target: &str) -> Vec<(PathBuf, Vec<u8>)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fuzz/regressions")
        .join(target);
    let mut found: Vec<(PathBuf, Vec<u8>)> = std::fs::read_dir(&dir)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.is_file())
                .map(|p| {
                    let bytes = std::fs::read(&p).expect("read a regression input");
                    (p, bytes)
                })
                .collect()
        })
        .unwrap_or_default();
    found.sort();
    found
}

/// Every input a fuzzer crashed on, run the way its target runs it.
#[test]
fn fuzz_crash_inputs_stay_fixed() {
    let mut ran = 0;
    for (path, bytes) in regressions("analyzer") {
        let text = String::from_utf8_lossy(&bytes);
        println!("analyzer: {}", path.display());
        for analysis in Analysis::ALL {
            crate::invariants::check_tokens(&DutchAnalyzer::new(analysis), &text);
        }
        crate::invariants::check_terms_of_line(full(), &text);
        ran += 1;
    }
    for (path, bytes) in regressions("passages") {
        println!("passages: {}", path.display());
        crate::invariants::check_passages(&String::from_utf8_lossy(&bytes));
        ran += 1;
    }
    for (path, bytes) in regressions("query") {
        println!("query: {}", path.display());
        let index = small_index();
        let input = String::from_utf8_lossy(&bytes);
        crate::invariants::check_query(index, &input);
        crate::invariants::check_search(index, &input);
        ran += 1;
    }
    for (path, bytes) in regressions("readers") {
        println!("readers: {}", path.display());
        let Some((&pick, content)) = bytes.split_first() else {
            continue;
        };
        let name = crate::invariants::READER_NAMES
            [usize::from(pick) % crate::invariants::READER_NAMES.len()];
        let content = if name.ends_with(".jsonl.gz") {
            gzip(content)
        } else {
            content.to_vec()
        };
        crate::invariants::check_reader(name, content);
        ran += 1;
    }
    assert!(ran >= 2, "the regression inputs are there");
}

/// The small index holds an article with `ge-Zud`, whose joined term once came after the
/// same term at a later position and made tantivy's postings writer overflow.
#[test]
fn the_small_index_builds_and_finds_the_fuzzed_word() {
    let index = small_index();
    crate::invariants::check_search(index, "ge-Zud");
    crate::invariants::check_search(index, "\"verzonnen woord als ge-Zud\"");
    let outcome = zoek::search::run(
        index,
        "\"ge-Zud brak\"",
        &zoek::search::SearchOptions::default(),
    )
    .expect("the phrase runs");
    assert_eq!(
        outcome.hits().len(),
        1,
        "the phrase is found where it stands"
    );
}
