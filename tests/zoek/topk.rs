//! Top-k is exact: the first k results of `-n k` are the first k of `-n k+1`, at the level
//! of passages and of articles, for any query, on an index of several segments whose
//! average lengths differ (each commit of a known batch is a segment of its own), where
//! tantivy's block-max pruning, bounded with each segment's own statistics, would skip
//! documents that score higher under the level's statistics zoek ranks with.

use std::path::Path;
use std::sync::OnceLock;

use proptest::prelude::*;
use zoek::analysis::Analysis;
use zoek::index::{build::Unobserved, BuildOptions, ZoekIndex};
use zoek::query::MatchMode;
use zoek::search::{self, Found, SearchOptions, View};

/// Words of the generated articles: function words (long posting lists, the case that
/// broke) and a few content words.
const WORDS: [&str; 16] = [
    "de", "het", "een", "van", "en", "in", "op", "met", "gemeente", "raad", "kabinet", "storm",
    "fraude", "school", "fiets", "haven",
];

/// A deterministic stream of numbers (a linear congruential generator).
struct Numbers(u64);

impl Numbers {
    fn next(&mut self, below: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        ((self.0 >> 33) % below as u64) as usize
    }

    fn text(&mut self, words: usize) -> String {
        (0..words)
            .map(|_| WORDS[self.next(WORDS.len())])
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// Writes batch `batch` of articles: short ones in some batches, long ones in others, so
/// that the segments' average lengths differ a lot.
fn write_batch(corpus: &Path, batch: usize, numbers: &mut Numbers) {
    let (articles, paragraphs, words) = match batch % 3 {
        0 => (300, 1, 6),
        1 => (40, 6, 90),
        _ => (120, 2, 25),
    };
    for i in 0..articles {
        let body: Vec<String> = (0..paragraphs)
            .map(|_| {
                let length = 1 + numbers.next(words);
                numbers.text(length)
            })
            .collect();
        let title_length = 1 + numbers.next(6);
        let title = numbers.text(title_length);
        let text = format!("# {title}\n\n{}\n", body.join("\n\n"));
        std::fs::write(corpus.join(format!("b{batch}-{i:03}.md")), text).unwrap();
    }
}

/// Builds one batch in this process. A process that another test starts at that moment
/// holds a copy of the build's LOCK until it runs `zoek` (fork, then exec), so a build that
/// finds the index locked tries again.
fn build_batch(corpus: &std::path::Path, index: &std::path::Path, options: &BuildOptions) {
    for attempt in 0.. {
        match zoek::index::build(corpus, index, options, &mut Unobserved) {
            Ok(_) => return,
            Err(zoek::index::IndexError::Locked { .. }) if attempt < 50 => {
                std::thread::sleep(std::time::Duration::from_millis(20));
            }
            Err(err) => panic!("build a batch: {err}"),
        }
    }
}

/// The index, built by one commit per batch.
fn index() -> &'static ZoekIndex {
    static INDEX: OnceLock<(tempfile::TempDir, ZoekIndex)> = OnceLock::new();
    &INDEX
        .get_or_init(|| {
            let dir = tempfile::tempdir().unwrap();
            let corpus = dir.path().join("corpus");
            let index = dir.path().join("index");
            std::fs::create_dir_all(&corpus).unwrap();
            let mut numbers = Numbers(7);
            for batch in 0..6 {
                write_batch(&corpus, batch, &mut numbers);
                // Without compound parts a word is one term per field, so a query is a
                // plain union or intersection of terms: what tantivy prunes by block.
                let options = BuildOptions {
                    analysis: Analysis::Stemmed,
                    ..BuildOptions::default()
                };
                build_batch(&corpus, &index, &options);
            }
            let opened = zoek::index::open(&index).unwrap();
            assert!(
                opened.searcher().segment_readers().len() >= 4,
                "several segments"
            );
            (dir, opened)
        })
        .1
}

/// (id, score) of the top `limit` results of `query` in `view`.
fn top_in(index: &ZoekIndex, query: &str, view: View, limit: usize) -> Vec<(String, u32)> {
    // BM25 alone (every word required), where tantivy's block-max pruning decides what is
    // in the top k.
    let options = SearchOptions {
        limit,
        view,
        suggest: false,
        matching: MatchMode::All,
        ..SearchOptions::default()
    };
    let outcome = search::run(index, query, &options).expect("the query runs");
    match outcome.found {
        Found::Hits(hits) => hits
            .into_iter()
            .map(|h| {
                (
                    format!("{}#{}", h.passage.article.article_id, h.passage.ordinal),
                    h.score.to_bits(),
                )
            })
            .collect(),
        Found::Articles(articles) => articles
            .into_iter()
            .map(|a| (a.article_id, a.score.to_bits()))
            .collect(),
        Found::Count(_) | Found::Groups(_) | Found::Streamed(_) => {
            unreachable!("no count asked, and run() loads every hit")
        }
    }
}

fn assert_prefix(query: &str, view: View, k: usize) {
    assert_prefix_in(index(), query, view, k);
}

/// The top k of `query` are the first k of its top k + 1 and of all its matches (a limit
/// above the number of matches ranks every match, with nothing to prune).
fn assert_prefix_in(index: &ZoekIndex, query: &str, view: View, k: usize) {
    let smaller = top_in(index, query, view, k);
    let larger = top_in(index, query, view, k + 1);
    let all = top_in(index, query, view, ALL);
    assert_eq!(
        smaller,
        larger[..smaller.len().min(larger.len())],
        "{query:?} {view:?}: top {k} is not the start of top {}",
        k + 1
    );
    assert_eq!(
        smaller,
        all[..smaller.len().min(all.len())],
        "{query:?} {view:?}: top {k} is not the start of all matches"
    );
}

/// More than any test index holds.
const ALL: usize = 100_000;

/// The case block-max pruning gets wrong: in a segment of short articles, whose average
/// length is far below the level's, a long article that says `de` sixty times stands in a
/// block of articles of three words, so the block's stored best pair is a three-word
/// article's: under the segment's statistics it scores higher, under the level's the long
/// article does. Once the one-word articles of the first block have set the bar above the
/// stored pair's score, pruning that trusted the stored bound would skip the long article,
/// which must rank first.
#[test]
fn a_long_article_among_short_ones_is_not_pruned_away() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = dir.path().join("corpus");
    let index = dir.path().join("index");
    std::fs::create_dir_all(&corpus).unwrap();
    let options = BuildOptions {
        analysis: Analysis::Stemmed,
        ..BuildOptions::default()
    };
    let write = |name: String, title: &str, body: &str| {
        std::fs::write(corpus.join(name), format!("# {title}\n\n{body}\n")).unwrap();
    };
    // First commit: long articles without the word, so that articles are long on average.
    for i in 0..50 {
        write(
            format!("a-lang-{i:02}.md"),
            "Kaal",
            &"haven school fiets storm raad ".repeat(80),
        );
    }
    zoek::index::build(&corpus, &index, &options, &mut Unobserved).unwrap();
    // Second commit: one-word articles first, then three-word ones around the long one.
    for i in 0..40 {
        write(format!("b-een-{i:03}.md"), "Kort de", "de");
    }
    for i in 0..400 {
        write(format!("c-drie-{i:03}.md"), "Kort de", "haven de school");
        write(format!("e-drie-{i:03}.md"), "Kort de", "haven de school");
    }
    write(
        "d-lang.md".into(),
        "Lang de",
        &"de haven school fiets storm ".repeat(60),
    );
    zoek::index::build(&corpus, &index, &options, &mut Unobserved).unwrap();
    let index = zoek::index::open(&index).unwrap();
    let all = top_in(&index, "de", View::Articles, ALL);
    assert_eq!(all[0].0, "d-lang.md", "the long article scores best");
    for k in 1..=20 {
        assert_prefix_in(&index, "de", View::Articles, k);
    }
}

#[test]
fn top_k_of_function_words_is_a_prefix_of_top_k_plus_one() {
    for query in ["de", "het", "de het", "een van", "de OR gemeente"] {
        for view in [View::Passages, View::Articles] {
            for k in 1..=40 {
                assert_prefix(query, view, k);
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn top_k_is_exact_for_any_query(
        words in proptest::collection::vec(0..WORDS.len(), 1..4),
        any in any::<bool>(),
        k in 1usize..60,
        articles in any::<bool>(),
    ) {
        let words: Vec<&str> = words.into_iter().map(|i| WORDS[i]).collect();
        let query = words.join(if any { " OR " } else { " " });
        let view = if articles { View::Articles } else { View::Passages };
        assert_prefix(&query, view, k);
    }
}
