//! Crash safety: `kill -9` during `zoek index` at several moments leaves an index that opens
//! and answers, and the next run completes the work.

use std::fs;
use std::path::Path;
use std::process::{Command, Stdio};
use std::thread::sleep;
use std::time::Duration;

use crate::common::zoek_in;

/// Writes `files` articles of generated Dutch-looking text; every file mentions `marker`.
fn write_corpus(dir: &Path, files: usize, marker: &str) {
    let words = [
        "verkiezing",
        "gemeente",
        "storm",
        "rechter",
        "fiets",
        "minister",
        "school",
        "haven",
        "zorg",
        "woning",
        "kabinet",
        "provincie",
        "water",
        "dijk",
        "trein",
    ];
    fs::create_dir_all(dir).unwrap();
    for f in 0..files {
        let mut text = format!("# Artikel {f} over {marker}\n\n");
        for p in 0..30 {
            for w in 0..60 {
                text.push_str(words[(f * 7 + p * 3 + w) % words.len()]);
                text.push(if w % 12 == 11 { '.' } else { ' ' });
            }
            text.push_str(&format!(" {marker}{p}.\n\n"));
        }
        fs::write(dir.join(format!("{marker}-{f:04}.md")), text).unwrap();
    }
}

fn hits(dir: &Path, query: &str) -> usize {
    let run = zoek_in(
        dir,
        &[
            "search",
            "--index",
            "idx",
            "--json",
            "-n",
            "1000",
            "--per-article",
            query,
        ],
        &[],
    );
    assert!(
        run.code <= 1,
        "search must answer after a crash: {}",
        run.stderr
    );
    crate::common::hit_lines(&run.stdout).len()
}

#[test]
fn kill_9_during_indexing_never_breaks_the_index() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    write_corpus(&dir.join("c"), 60, "eerste");
    assert_eq!(zoek_in(dir, &["index", "c", "--index", "idx"], &[]).code, 0);
    assert_eq!(hits(dir, "eerste"), 60);

    write_corpus(&dir.join("c"), 800, "tweede");
    let mut killed_mid_run = 0;
    for (round, delay_ms) in [5u64, 40, 120, 300, 700].into_iter().enumerate() {
        let rebuild = round % 2 == 1;
        let mut args = vec!["index", "c", "--index", "idx"];
        if rebuild {
            args.push("--rebuild");
        }
        let mut child = Command::new(env!("CARGO_BIN_EXE_zoek"))
            .current_dir(dir)
            .args(&args)
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        sleep(Duration::from_millis(delay_ms));
        if child.try_wait().unwrap().is_none() {
            killed_mid_run += 1;
        }
        let _ = child.kill(); // SIGKILL
        let _ = child.wait();
        // The old state or the new one, never a broken one.
        assert_eq!(
            hits(dir, "eerste"),
            60,
            "round {round}: the first articles stay"
        );
        let second = hits(dir, "tweede");
        assert!(
            second == 0 || second == 800,
            "round {round}: all or nothing, got {second}"
        );
    }
    assert!(
        killed_mid_run >= 3,
        "only {killed_mid_run} kills hit a running build"
    );
    let finish = zoek_in(dir, &["index", "c", "--index", "idx"], &[]);
    assert_eq!(finish.code, 0, "{}", finish.stderr);
    assert_eq!(hits(dir, "tweede"), 800, "the next run completes the work");
    assert_eq!(hits(dir, "eerste"), 60);
}
