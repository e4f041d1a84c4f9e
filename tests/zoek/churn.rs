//! End-to-end: text that an update replaced or removed leaves the index's files, deleted
//! documents included, within the bound the README states; and churn does not grow the index.

use std::fs;
use std::path::Path;

use tantivy::schema::document::{Document, TantivyDocument};
use tantivy::schema::FieldType;
use tantivy::Index;

use crate::common::{write, zoek_in};
use zoek::index::purge::PURGE_AFTER_UPDATES;

/// A word no analysis changes, so that its index term is itself.
const PLANTED: &str = "xyzzyq";

fn update(dir: &Path) {
    let run = zoek_in(dir, &["index", "c", "--index", "idx"], &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
}

/// Whether `word` is anywhere in the live generation: in a term dictionary of any text field
/// of any segment, or in any stored document, deleted ones included.
fn on_disk(dir: &Path, word: &str) -> bool {
    let idx = dir.join("idx");
    let generation = idx.join(fs::read_to_string(idx.join("CURRENT")).unwrap().trim());
    let index = Index::open_in_dir(&generation).unwrap();
    let schema = index.schema();
    let searcher = index.reader().unwrap().searcher();
    for segment in searcher.segment_readers() {
        for (field, entry) in schema.fields() {
            if !matches!(entry.field_type(), FieldType::Str(_)) || !entry.is_indexed() {
                continue;
            }
            let inverted = segment.inverted_index(field).unwrap();
            let mut terms = inverted.terms().stream().unwrap();
            while terms.advance() {
                if String::from_utf8_lossy(terms.key()).contains(word) {
                    return true;
                }
            }
        }
        let store = segment.get_store_reader(1).unwrap();
        for doc in store.iter::<TantivyDocument>(None) {
            if doc.unwrap().to_json(&schema).contains(word) {
                return true;
            }
        }
    }
    false
}

#[test]
fn a_replaced_share_of_a_segment_leaves_the_disk_in_the_same_update() {
    let tmp = tempfile::tempdir().unwrap();
    let c = tmp.path().join("c");
    write(
        &c,
        "a.md",
        format!("# Kop\n\nHet woord {PLANTED} staat hier.\n"),
    );
    write(&c, "b.md", "# Ander\n\nOver de haven.\n");
    update(tmp.path());
    assert!(on_disk(tmp.path(), PLANTED));
    write(&c, "a.md", "# Kop\n\nHet woord staat hier niet meer.\n");
    update(tmp.path());
    assert!(!on_disk(tmp.path(), PLANTED));
}

#[test]
fn a_small_deletion_leaves_the_disk_within_the_bound_of_updates() {
    let tmp = tempfile::tempdir().unwrap();
    let c = tmp.path().join("c");
    // One file among 40: its documents are far below the share that is purged at once.
    write(
        &c,
        "a.md",
        format!("# Kop\n\nHet woord {PLANTED} staat hier.\n"),
    );
    for i in 0..39 {
        write(
            &c,
            &format!("f{i}.md"),
            format!("# Stuk {i}\n\nOver de haven.\n"),
        );
    }
    update(tmp.path());
    fs::remove_file(c.join("a.md")).unwrap();
    update(tmp.path());
    // Every later update commits something (a new file), and counts.
    for i in 1..PURGE_AFTER_UPDATES {
        assert!(
            on_disk(tmp.path(), PLANTED),
            "gone before the bound, update {i}"
        );
        write(&c, &format!("nieuw{i}.md"), "# Nieuw\n\nOver de dijk.\n");
        update(tmp.path());
    }
    assert!(!on_disk(tmp.path(), PLANTED));
}
