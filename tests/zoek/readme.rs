//! The README's transcripts, run: every ```` ```text ```` block that holds `$ ` lines is a
//! shell session on the bundled corpus, and what the binary prints must match what the
//! README shows, so an example can never drift from the program.
//!
//! Each block runs in a fresh folder holding a copy of `corpus/`, an index of it built with
//! `zoek index` (so paths read `corpus/…`), and `tests/` (for the fixtures the examples
//! name). A `$ ` line is run by `sh` with the built `zoek` first on the PATH, standard error
//! merged into standard output; the lines up to the next `$ ` line are its expected output.
//! In expected output, a line `...` stands for any number of lines and `[..]` for any text
//! within a line (timings).

use std::path::Path;
use std::process::Command;

use crate::common::copy_dir;

/// One command of a transcript and what it must print.
struct Step {
    command: String,
    expected: Vec<String>,
    /// 1-based line of the command in the README.
    line: usize,
}

/// The transcripts of `readme`: one list of steps per block.
fn transcripts(readme: &str) -> Vec<Vec<Step>> {
    let mut blocks = Vec::new();
    // The steps of the block being read, and the indentation of its fence (a block in a
    // list item is indented).
    let mut current: Option<(Vec<Step>, usize)> = None;
    for (i, line) in readme.lines().enumerate() {
        let indent = line.len() - line.trim_start().len();
        match (&mut current, line.trim_start()) {
            (None, "```text") => current = Some((Vec::new(), indent)),
            (Some(_), "```") => {
                let (block, _) = current.take().unwrap_or_default();
                if !block.is_empty() {
                    blocks.push(block);
                }
            }
            (Some((steps, fence)), _) => {
                let line = line.get(*fence..).unwrap_or_default();
                if let Some(command) = line.strip_prefix("$ ") {
                    steps.push(Step {
                        command: command.to_string(),
                        expected: Vec::new(),
                        line: i + 1,
                    });
                } else if let Some(step) = steps.last_mut() {
                    step.expected.push(line.to_string());
                }
            }
            (None, _) => {}
        }
    }
    blocks
}

/// Whether `line` matches `pattern`, where `[..]` stands for any text.
fn line_matches(pattern: &str, line: &str) -> bool {
    let mut pieces = pattern.split("[..]");
    let first = pieces.next().unwrap_or_default();
    let Some(mut rest) = line.strip_prefix(first) else {
        return false;
    };
    let pieces: Vec<&str> = pieces.collect();
    for (i, piece) in pieces.iter().enumerate() {
        if i + 1 == pieces.len() {
            return rest.ends_with(piece);
        }
        match rest.find(piece) {
            Some(at) => rest = &rest[at + piece.len()..],
            None => return false,
        }
    }
    rest.is_empty()
}

/// Whether `lines` match `expected`, where a line `...` stands for any number of lines.
fn lines_match(expected: &[String], lines: &[&str]) -> bool {
    match expected.split_first() {
        None => lines.is_empty(),
        Some((first, rest)) if first == "..." => {
            (0..=lines.len()).any(|skip| lines_match(rest, &lines[skip..]))
        }
        Some((first, rest)) => {
            lines.first().is_some_and(|line| line_matches(first, line))
                && lines_match(rest, &lines[1..])
        }
    }
}

fn shell(dir: &Path, command: &str) -> String {
    let bin = Path::new(env!("CARGO_BIN_EXE_zoek")).parent().unwrap();
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let out = Command::new("sh")
        .arg("-c")
        .arg(format!("{{ {command}\n}} 2>&1"))
        .current_dir(dir)
        .env("PATH", path)
        .env_remove("NO_COLOR")
        .env_remove("ZOEK_INDEX")
        .output()
        .expect("run sh");
    String::from_utf8(out.stdout).expect("utf-8 output")
}

#[test]
fn the_transcript_matcher_reads_wildcards() {
    assert!(line_matches(
        "took [..] s ([..] MB/s)",
        "took 0.04 s (1.2 MB/s)"
    ));
    assert!(!line_matches("took [..] s", "took 0.04 ms"));
    assert!(line_matches("exact", "exact"));
    let expected: Vec<String> = ["a", "...", "d"].iter().map(|s| s.to_string()).collect();
    assert!(lines_match(&expected, &["a", "b", "c", "d"]));
    assert!(lines_match(&expected, &["a", "d"]));
    assert!(!lines_match(&expected, &["a", "b"]));
}

#[test]
fn the_readme_transcripts_match_the_binary() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    let blocks = transcripts(&readme);
    assert!(blocks.len() >= 8, "{} transcripts", blocks.len());
    let mut failures = Vec::new();
    for block in &blocks {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        copy_dir(&root.join("corpus"), &dir.join("corpus"));
        std::os::unix::fs::symlink(root.join("tests"), dir.join("tests")).unwrap();
        let built = shell(dir, "zoek index");
        assert!(built.contains("indexed"), "{built}");
        for step in block {
            let output = shell(dir, &step.command);
            let lines: Vec<&str> = output.lines().map(str::trim_end).collect();
            let expected: Vec<String> = step
                .expected
                .iter()
                .map(|l| l.trim_end().to_string())
                .collect();
            if !lines_match(&expected, &lines) {
                failures.push(format!(
                    "README.md:{}: $ {}\n--- the README shows:\n{}\n--- zoek prints:\n{}",
                    step.line,
                    step.command,
                    expected.join("\n"),
                    lines.join("\n")
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
