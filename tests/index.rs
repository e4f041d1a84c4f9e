//! End-to-end: `zoek index` and what it leaves behind.

mod common;

use std::fs;
use std::path::Path;

use common::{zoek, zoek_in};

fn write(dir: &Path, name: &str, text: &str) {
    let path = dir.join(name);
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, text).unwrap();
}

#[test]
fn summary_counts_articles_passages_and_skips() {
    let run = zoek(&[
        "index",
        "corpus",
        "--index",
        &Path::new(env!("CARGO_TARGET_TMPDIR"))
            .join(format!("summary-{}", std::process::id()))
            .to_string_lossy(),
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr.contains("indexed 15 articles (") && run.stderr.contains("from 12 files"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("MB/s"));
}

#[test]
fn skipped_and_failed_items_are_reported() {
    let tmp = tempfile::tempdir().unwrap();
    let corpus = tmp.path().join("c");
    write(&corpus, "goed.md", "# Kop\n\nTekst over fraude.");
    write(&corpus, "plaatje.png", "PNG");
    write(&corpus, ".verborgen.md", "geheim");
    write(
        &corpus,
        "records.jsonl",
        "{\"title\":\"A\",\"body\":\"Tekst a.\"}\nkapot\n{\"title\":\"C\",\"body\":\"Tekst c.\"}\n",
    );
    fs::write(corpus.join("latin1.txt"), b"caf\xe9").unwrap();
    let run = zoek_in(tmp.path(), &["index", "c", "--index", "idx"], &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stderr.contains("indexed 3 articles"), "{}", run.stderr);
    assert!(
        run.stderr.contains("c/records.jsonl:2: not a JSON article"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("c/latin1.txt: not valid UTF-8"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("skipped 2 files: 1 hidden, 1 not an article format (.png)"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("failed 2 files or records"),
        "{}",
        run.stderr
    );
}

#[test]
fn missing_index_is_exit_2_with_advice() {
    let tmp = tempfile::tempdir().unwrap();
    let run = zoek_in(tmp.path(), &["search", "fraude"], &[]);
    assert_eq!(run.code, 2);
    assert_eq!(
        run.stderr.trim(),
        "zoek: no index at index/; run 'zoek index' first"
    );
}

#[test]
fn missing_corpus_is_exit_2_and_keeps_the_previous_index() {
    let tmp = tempfile::tempdir().unwrap();
    write(&tmp.path().join("c"), "a.md", "# Kop\n\nOver fraude.");
    assert_eq!(
        zoek_in(tmp.path(), &["index", "c", "--index", "idx"], &[]).code,
        0
    );
    let run = zoek_in(tmp.path(), &["index", "nergens", "--index", "idx"], &[]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("corpus folder nergens does not exist"),
        "{}",
        run.stderr
    );
    let search = zoek_in(tmp.path(), &["search", "--index", "idx", "fraude"], &[]);
    assert_eq!(search.code, 0, "previous index still answers");
}

#[test]
fn interrupted_build_leaves_the_live_index_and_is_cleaned_up() {
    let tmp = tempfile::tempdir().unwrap();
    write(&tmp.path().join("c"), "a.md", "# Kop\n\nOver fraude.");
    assert_eq!(
        zoek_in(tmp.path(), &["index", "c", "--index", "idx"], &[]).code,
        0
    );
    // What a killed build leaves: a half-written generation that CURRENT does not name.
    let leftover = tmp.path().join("idx/building-1");
    fs::create_dir_all(&leftover).unwrap();
    fs::write(leftover.join("meta.json"), "{half").unwrap();
    let search = zoek_in(tmp.path(), &["search", "--index", "idx", "fraude"], &[]);
    assert_eq!(search.code, 0, "{}", search.stderr);
    write(
        &tmp.path().join("c"),
        "b.md",
        "# Tweede\n\nOver belastingfraude.",
    );
    assert_eq!(
        zoek_in(tmp.path(), &["index", "c", "--index", "idx"], &[]).code,
        0
    );
    assert!(!leftover.exists(), "leftover removed by the next build");
    let generations = fs::read_dir(tmp.path().join("idx"))
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .file_name()
                .to_string_lossy()
                .starts_with("gen-")
        })
        .count();
    assert_eq!(generations, 1, "old generation removed");
}

#[test]
fn a_second_build_while_one_runs_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    write(&tmp.path().join("c"), "a.md", "# Kop\n\nOver fraude.");
    fs::create_dir_all(tmp.path().join("idx")).unwrap();
    let lock = fs::File::create(tmp.path().join("idx/LOCK")).unwrap();
    lock.lock().unwrap();
    let run = zoek_in(tmp.path(), &["index", "c", "--index", "idx"], &[]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .contains("index is being updated by another process"),
        "{}",
        run.stderr
    );
}

#[test]
fn symlink_loops_are_not_followed() {
    let tmp = tempfile::tempdir().unwrap();
    let corpus = tmp.path().join("c");
    write(&corpus, "a.md", "# Kop\n\nOver fraude.");
    std::os::unix::fs::symlink(&corpus, corpus.join("lus")).unwrap();
    let run = zoek_in(tmp.path(), &["index", "c", "--index", "idx"], &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stderr.contains("symlink loop"), "{}", run.stderr);
    assert!(run.stderr.contains("indexed 1 articles"), "{}", run.stderr);
}
