//! Helpers for the end-to-end tests: run the built `zoek` binary and read its output.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

/// Writes `contents` to `dir/name`, making the folders on the way.
pub fn write(dir: &Path, name: &str, contents: impl AsRef<[u8]>) {
    let path = dir.join(name);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, contents).unwrap();
}

pub fn zoek(args: &[&str]) -> Run {
    zoek_in(Path::new(env!("CARGO_MANIFEST_DIR")), args, &[])
}

pub fn zoek_in(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Run {
    let mut command = Command::new(env!("CARGO_BIN_EXE_zoek"));
    command
        .current_dir(dir)
        .args(args)
        .env_remove("NO_COLOR")
        .env_remove("ZOEK_INDEX");
    for (key, value) in env {
        command.env(key, value);
    }
    let Output {
        status,
        stdout,
        stderr,
    } = command.output().expect("run zoek");
    Run {
        code: status.code().unwrap_or(-1),
        stdout: String::from_utf8(stdout).expect("utf-8 stdout"),
        stderr: String::from_utf8(stderr).expect("utf-8 stderr"),
    }
}

/// The bundled corpus, indexed once per test binary.
pub fn bundled_index() -> &'static Path {
    static INDEX: OnceLock<PathBuf> = OnceLock::new();
    INDEX.get_or_init(|| {
        let index = Path::new(env!("CARGO_TARGET_TMPDIR"))
            .join(format!("bundled-index-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&index);
        let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus");
        let run = zoek(&[
            "index",
            corpus.to_str().unwrap(),
            "--index",
            index.to_str().unwrap(),
        ]);
        assert_eq!(
            run.code, 0,
            "indexing the bundled corpus failed: {}",
            run.stderr
        );
        index
    })
}

/// `zoek search` on the bundled index.
pub fn search(args: &[&str]) -> Run {
    let index = bundled_index().to_str().unwrap().to_string();
    let mut all = vec!["search", "--index", index.as_str()];
    all.extend_from_slice(args);
    zoek(&all)
}

/// All JSON lines of a search: hits, and the query's summary line (no `rank`) if any.
pub fn json_lines(args: &[&str]) -> Vec<serde_json::Value> {
    let mut all = vec!["--json"];
    all.extend_from_slice(args);
    let run = search(&all);
    assert!(run.code <= 1, "search failed: {}", run.stderr);
    run.stdout
        .lines()
        .map(|l| serde_json::from_str(l).expect("each line is JSON"))
        .collect()
}

/// The JSON hits of a search.
pub fn json_hits(args: &[&str]) -> Vec<serde_json::Value> {
    json_lines(args)
        .into_iter()
        .filter(|line| line["type"] == "hit")
        .collect()
}

/// The hit lines of JSON output.
pub fn hit_lines(stdout: &str) -> Vec<serde_json::Value> {
    stdout
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).expect("each line is JSON"))
        .filter(|line| line["type"] == "hit")
        .collect()
}

/// The summary line of a JSON search (version, count, suggestion, notes): one, and last.
pub fn json_summary(args: &[&str]) -> serde_json::Value {
    let lines = json_lines(args);
    let summaries: Vec<&serde_json::Value> =
        lines.iter().filter(|l| l["type"] == "summary").collect();
    assert_eq!(summaries.len(), 1, "one summary: {lines:#?}");
    assert!(
        std::ptr::eq(summaries[0], lines.last().unwrap()),
        "the summary comes last"
    );
    summaries[0].clone()
}

/// The highlighted parts of a JSON hit's passage.
/// The highlighted words of every hit of a JSON search, in rank order.
pub fn highlighted_words(args: &[&str]) -> Vec<String> {
    json_hits(args).iter().flat_map(highlighted).collect()
}

pub fn highlighted(hit: &serde_json::Value) -> Vec<String> {
    let passage = hit["passage"].as_str().unwrap();
    hit["highlights"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let start = r[0].as_u64().unwrap() as usize;
            let end = r[1].as_u64().unwrap() as usize;
            passage[start..end].to_string()
        })
        .collect()
}

/// Runs `zoek` with `input` on stdin.
pub fn zoek_with_stdin(args: &[&str], input: &str) -> Run {
    zoek_with_stdin_in(Path::new(env!("CARGO_MANIFEST_DIR")), args, input)
}

/// Runs `zoek` in `dir` with `input` on stdin.
pub fn zoek_with_stdin_in(dir: &Path, args: &[&str], input: &str) -> Run {
    use std::io::Write;
    use std::process::Stdio;
    let mut child = Command::new(env!("CARGO_BIN_EXE_zoek"))
        .current_dir(dir)
        .args(args)
        .env_remove("ZOEK_INDEX")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run zoek");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(input.as_bytes())
        .expect("write stdin");
    let out = child.wait_with_output().expect("wait for zoek");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8(out.stdout).expect("utf-8 stdout"),
        stderr: String::from_utf8(out.stderr).expect("utf-8 stderr"),
    }
}

/// The `qid` of each JSON hit line.
pub fn qids(stdout: &str) -> Vec<String> {
    stdout
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).expect("JSON line"))
        .filter(|line| line["type"] == "hit")
        .map(|l| l["qid"].as_str().expect("a qid").to_string())
        .collect()
}

/// Where hits stand: (article id, line).
pub fn places(hits: &[serde_json::Value]) -> Vec<(String, u64)> {
    hits.iter()
        .map(|h| {
            (
                h["article_id"].as_str().unwrap().to_string(),
                h["line"].as_u64().unwrap(),
            )
        })
        .collect()
}

/// Indexes `files` (name, contents) written to a fresh folder; the index is `<folder>/i`.
pub fn indexed(files: &[(String, String)]) -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let corpus = tmp.path().join("c");
    for (name, contents) in files {
        write(&corpus, name, contents);
    }
    let index = tmp.path().join("i");
    let run = zoek_in(tmp.path(), &["index", "c", "--index", "i"], &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    (tmp, index)
}

/// `zoek search` on the index `index` with `args`.
pub fn search_in(index: &Path, args: &[&str]) -> Run {
    let mut all = vec!["search", "--index", index.to_str().unwrap()];
    all.extend_from_slice(args);
    zoek_in(index.parent().unwrap(), &all, &[])
}

/// Copies the folder `from` to `to`, with everything in it.
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}
