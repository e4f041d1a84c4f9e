//! End-to-end: `zoek index` and what it leaves behind.

use std::fs;
use std::path::Path;

use crate::common::{write, zoek, zoek_in};

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
        run.stderr.contains("indexed 15 articles (")
            && run
                .stderr
                .contains("files: 12 added, 0 updated, 0 removed, 0 unchanged"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("MB/s"));
}

#[test]
fn missing_index_is_exit_2_with_advice() {
    let tmp = tempfile::tempdir().unwrap();
    let run = zoek_in(tmp.path(), &["search", "fraude"], &[]);
    assert_eq!(run.code, 2);
    assert_eq!(
        run.stderr.trim(),
        "zoek: no index at index/; run 'zoek index' first, or name an index elsewhere with --index DIR or ZOEK_INDEX"
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
    assert!(run.stderr.contains("indexed 1 article"), "{}", run.stderr);
}

fn index(dir: &Path, extra: &[&str]) -> crate::common::Run {
    let mut args = vec!["index", "c", "--index", "idx"];
    args.extend_from_slice(extra);
    let run = zoek_in(dir, &args, &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    run
}

fn found(dir: &Path, query: &str) -> Vec<String> {
    let run = zoek_in(
        dir,
        &["search", "--index", "idx", "--json", "-n", "100", query],
        &[],
    );
    assert!(run.code <= 1, "{}", run.stderr);
    crate::common::hit_lines(&run.stdout)
        .iter()
        .map(|hit| hit["article_id"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn reindexing_processes_only_what_changed() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let corpus = dir.join("c");
    write(&corpus, "a.md", "# Een\n\nOver belastingfraude.");
    write(&corpus, "b.md", "# Twee\n\nOver de storm.");
    write(
        &corpus,
        "r.jsonl",
        "{\"id\":\"r1\",\"title\":\"Drie\",\"body\":\"Over de marathon.\"}\n",
    );
    assert!(index(dir, &[])
        .stderr
        .contains("files: 3 added, 0 updated, 0 removed, 0 unchanged"));

    let again = index(dir, &[]);
    assert!(
        again.stderr.contains("indexed 0 articles"),
        "{}",
        again.stderr
    );
    assert!(again
        .stderr
        .contains("files: 0 added, 0 updated, 0 removed, 3 unchanged"));

    // Same bytes, new mtime: hashed, not re-indexed.
    let a = corpus.join("a.md");
    let later = std::time::SystemTime::now() + std::time::Duration::from_secs(5);
    fs::File::options()
        .write(true)
        .open(&a)
        .unwrap()
        .set_modified(later)
        .unwrap();
    let touched = index(dir, &[]);
    assert!(
        touched
            .stderr
            .contains("files: 0 added, 0 updated, 0 removed, 3 unchanged"),
        "{}",
        touched.stderr
    );

    write(&corpus, "b.md", "# Twee\n\nOver de verkiezingen.");
    write(&corpus, "d.md", "# Vier\n\nOver de marathon en de storm.");
    fs::remove_file(corpus.join("r.jsonl")).unwrap();
    let changed = index(dir, &[]);
    assert!(
        changed.stderr.contains("indexed 2 articles"),
        "{}",
        changed.stderr
    );
    assert!(
        changed
            .stderr
            .contains("files: 1 added, 1 updated, 1 removed, 1 unchanged"),
        "{}",
        changed.stderr
    );
    assert_eq!(
        found(dir, "storm"),
        ["d.md"],
        "b.md's old text and r1 are gone"
    );
    assert_eq!(found(dir, "marathon"), ["d.md"]);
    assert_eq!(found(dir, "verkiezingen"), ["b.md"]);
    assert_eq!(found(dir, "belastingfraude"), ["a.md"]);

    let rebuilt = index(dir, &["--rebuild"]);
    assert!(
        rebuilt
            .stderr
            .contains("files: 3 added, 0 updated, 0 removed, 0 unchanged"),
        "{}",
        rebuilt.stderr
    );
    // Another analysis is a whole new index: asked for with --rebuild, never done unasked.
    let refused = zoek_in(
        dir,
        &["index", "c", "--index", "idx", "--analysis", "plain"],
        &[],
    );
    assert_eq!(refused.code, 2);
    assert!(
        refused
            .stderr
            .contains("add --rebuild to rebuild it with plain"),
        "{}",
        refused.stderr
    );
    let other = index(dir, &["--analysis", "plain", "--rebuild"]);
    assert!(
        other
            .stderr
            .contains("files: 3 added, 0 updated, 0 removed, 0 unchanged"),
        "{}",
        other.stderr
    );
}

#[test]
fn each_article_is_one_document_its_text_analyzed_and_stored_once() {
    use tantivy::schema::document::{Document, TantivyDocument};
    use tantivy::store::Compressor;

    let idx = crate::common::bundled_index();
    let generation = idx.join(fs::read_to_string(idx.join("CURRENT")).unwrap().trim());
    let index = tantivy::Index::open_in_dir(&generation).unwrap();
    let schema = index.schema();
    let searcher = index.reader().unwrap().searcher();
    // The bundled corpus holds 15 articles (73 passages): one document each.
    assert_eq!(searcher.num_docs(), 15);
    // A sentence of the seed is stored once, in its article's document.
    let sentence = "wegens vermeende verkiezingsfraude";
    let mut stored = 0;
    for segment in searcher.segment_readers() {
        let store = segment.get_store_reader(1).unwrap();
        for doc in store.iter::<TantivyDocument>(None) {
            stored += doc.unwrap().to_json(&schema).matches(sentence).count();
        }
    }
    assert_eq!(stored, 1, "stored once");
    // Its words are posted once: the seed's compound is in one document of the body field.
    let body = schema.get_field("body").unwrap();
    let term = tantivy::Term::from_field_text(body, "verkiezingsfraud");
    assert_eq!(searcher.doc_freq(&term).unwrap(), 1);
    // The store is zstd-compressed.
    assert!(matches!(
        index.settings().docstore_compression,
        Compressor::Zstd(_)
    ));
}
