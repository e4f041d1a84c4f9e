//! End-to-end: small versions of the hostile corpora and damaged indexes of
//! `bench/hostile.sh` (deep HTML, FIFOs, devices, links out of the corpus, huge records,
//! gzip bombs, damaged segments and file lists, read-only indexes, odd corpus paths, bad
//! bytes, duplicate ids, failing files, JSON Lines updates, the lock, a full disk). Each
//! fails on the zoek before these fixes.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::common::{hit_lines, write, zoek_in, Run};

/// `zoek index c --index idx` in `dir` with `extra` arguments.
fn index(dir: &Path, extra: &[&str]) -> Run {
    let mut args = vec!["index", "c", "--index", "idx"];
    args.extend_from_slice(extra);
    zoek_in(dir, &args, &[])
}

/// The same, which must succeed.
fn indexed(dir: &Path, extra: &[&str]) -> Run {
    let run = index(dir, extra);
    assert_eq!(run.code, 0, "{}", run.stderr);
    run
}

/// The article ids `query` finds in `dir/idx`.
fn found(dir: &Path, query: &str) -> Vec<String> {
    let run = zoek_in(
        dir,
        &["search", "--index", "idx", "--json", "-n", "100", query],
        &[],
    );
    assert!(run.code <= 1, "{}", run.stderr);
    hit_lines(&run.stdout)
        .iter()
        .map(|hit| hit["article_id"].as_str().unwrap().to_string())
        .collect()
}

/// The `files: …` line of a build's summary.
fn files_line(run: &Run) -> &str {
    run.stderr
        .lines()
        .find_map(|l| l.strip_prefix("zoek: files: "))
        .unwrap_or_else(|| panic!("no files line in {}", run.stderr))
}

const OK_ARTICLE: &str = "---\ntitle: Flamingo\n---\n\nEen flamingo staat in de stadsvijver.\n";

/// Runs zoek with a deadline; `None` if it had to be killed.
fn zoek_within(dir: &Path, args: &[&str], limit: Duration) -> Option<Run> {
    let mut child = Command::new(env!("CARGO_BIN_EXE_zoek"))
        .current_dir(dir)
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run zoek");
    let started = Instant::now();
    while started.elapsed() < limit {
        if child.try_wait().unwrap().is_some() {
            let out = child.wait_with_output().unwrap();
            return Some(Run {
                code: out.status.code().unwrap_or(-1),
                stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
                stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
            });
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let _ = child.kill();
    let _ = child.wait();
    None
}

fn mkfifo(path: &Path) -> bool {
    Command::new("mkfifo")
        .arg(path)
        .status()
        .is_ok_and(|s| s.success())
}

#[test]
fn deeply_nested_html_is_indexed_and_named() {
    let tmp = tempfile::tempdir().unwrap();
    let c = tmp.path().join("c");
    write(&c, "ok.md", OK_ARTICLE);
    let text = "<p>De gemeenteraad vergaderde over de begroting.</p>";
    for (name, open, n) in [
        ("span", "<span>", 60_000),
        ("table", "<table><tr><td>", 20_000),
        ("div", "<div>", 100_000),
    ] {
        let page = format!(
            "<html><head><title>Diep</title></head><body><article>{}{text}</article></body></html>",
            open.repeat(n)
        );
        write(&c, &format!("diep-{name}.html"), page);
    }
    let attributes: Vec<String> = (0..200_000).map(|i| format!("a{i}=\"{i}\"")).collect();
    write(
        &c,
        "attrs.html",
        format!(
            "<html><body><p {}>De raad vergaderde over de haven.</p></body></html>",
            attributes.join(" ")
        ),
    );
    let run = zoek_within(
        tmp.path(),
        &["index", "c", "--index", "idx"],
        Duration::from_secs(30),
    )
    .expect("indexing deep HTML ends");
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(!run.stderr.contains("overflow"), "{}", run.stderr);
    assert!(
        run.stderr.contains("c/diep-div.html: HTML: 99")
            && run.stderr.contains("were flattened (their text is kept)"),
        "the file is named: {}",
        run.stderr
    );
    let mut ids = found(tmp.path(), "begroting");
    ids.sort();
    assert_eq!(ids, ["diep-div.html", "diep-span.html", "diep-table.html"]);
    assert_eq!(found(tmp.path(), "haven"), ["attrs.html"]);
}

#[test]
fn fifos_and_devices_are_skipped_without_blocking() {
    let tmp = tempfile::tempdir().unwrap();
    let c = tmp.path().join("c");
    write(&c, "ok.md", OK_ARTICLE);
    std::os::unix::fs::symlink("/dev/zero", c.join("zero.txt")).unwrap();
    let fifo = mkfifo(&c.join("pipe.md"));
    let run = zoek_within(
        tmp.path(),
        &["index", "c", "--index", "idx", "--follow-outside"],
        Duration::from_secs(20),
    )
    .expect("a FIFO or a device in the corpus does not block indexing");
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("1 not a regular file (character device)"),
        "{}",
        run.stderr
    );
    if fifo {
        assert!(
            run.stderr.contains("1 not a regular file (FIFO)"),
            "{}",
            run.stderr
        );
    }
    assert!(run.stderr.contains("indexed 1 article"), "{}", run.stderr);
    // A second run is not refused as busy: the first one ended.
    let again = index(tmp.path(), &[]);
    assert_eq!(again.code, 0, "{}", again.stderr);
}

#[test]
fn links_out_of_the_corpus_are_not_followed_unless_asked() {
    let tmp = tempfile::tempdir().unwrap();
    let c = tmp.path().join("c");
    write(&c, "ok.md", OK_ARTICLE);
    write(
        tmp.path(),
        "geheim/passwd.txt",
        "root:x:0:0:wachtwoordbestand",
    );
    write(
        tmp.path(),
        "geheim/map/notitie.md",
        "# Notitie\n\nEen geheime notitie.",
    );
    std::os::unix::fs::symlink(tmp.path().join("geheim/passwd.txt"), c.join("passwd.txt")).unwrap();
    std::os::unix::fs::symlink(tmp.path().join("geheim/map"), c.join("etc-link.md")).unwrap();
    let report = tmp.path().join("report.jsonl");
    let run = indexed(tmp.path(), &["--report", report.to_str().unwrap()]);
    assert!(
        run.stderr.contains("2 a link out of the corpus"),
        "the summary says what was skipped: {}",
        run.stderr
    );
    assert!(found(tmp.path(), "wachtwoordbestand").is_empty());
    assert!(found(tmp.path(), "notitie").is_empty());
    let skipped = fs::read_to_string(&report).unwrap();
    assert_eq!(
        skipped
            .lines()
            .filter(|l| l.contains("a link out of the corpus"))
            .count(),
        2,
        "{skipped}"
    );
    // Asked to, zoek follows them.
    indexed(tmp.path(), &["--follow-outside"]);
    assert_eq!(found(tmp.path(), "wachtwoordbestand"), ["passwd.txt"]);
    assert_eq!(found(tmp.path(), "notitie"), ["etc-link.md/notitie.md"]);
}

#[test]
fn records_and_files_over_their_cap_fail_alone_with_name_and_cap() {
    let tmp = tempfile::tempdir().unwrap();
    let c = tmp.path().join("c");
    write(&c, "ok.md", OK_ARTICLE);
    let big = "woord ".repeat(400_000); // 2.4 MB
    write(
        &c,
        "groot.jsonl",
        format!(
            "{{\"id\":\"klein\",\"body\":\"Een kleine haven.\"}}\n{{\"id\":\"groot\",\"body\":\"{big}\"}}\n"
        ),
    );
    write(&c, "groot.md", format!("# Groot\n\n{big}"));
    write(
        &c,
        "lijst.json",
        format!("[{{\"body\":\"Een dijk.\"}}, {{\"body\":\"{big}\"}}]"),
    );
    let run = indexed(tmp.path(), &["--max-record-mb", "1", "--max-file-mb", "2"]);
    let err = &run.stderr;
    assert!(
        err.contains("c/groot.jsonl:2: record of more than 1 MB is over the record cap of 1 MB; not indexed (raise the cap with --max-record-mb)"),
        "{err}"
    );
    assert!(
        err.contains("c/groot.md: article file of more than 1 MB is over the record cap of 1 MB"),
        "{err}"
    );
    assert!(
        err.contains("c/lijst.json: file of more than 2 MB is over the file cap of 2 MB; not indexed (raise the cap with --max-file-mb)"),
        "{err}"
    );
    assert_eq!(found(tmp.path(), "haven"), ["klein"]);
    assert_eq!(found(tmp.path(), "flamingo"), ["ok.md"]);
}

#[test]
fn a_gzip_bomb_is_streamed_failed_and_not_read_again() {
    let tmp = tempfile::tempdir().unwrap();
    let c = tmp.path().join("c");
    write(&c, "ok.md", OK_ARTICLE);
    // 200 MB of spaces in 200 KB: streamed a line at a time, the one line is read through.
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    let block = vec![b' '; 1 << 20];
    for _ in 0..200 {
        gz.write_all(&block).unwrap();
    }
    write(&c, "bom.jsonl.gz", gz.finish().unwrap());
    let run = indexed(tmp.path(), &[]);
    assert!(
        run.stderr
            .contains("c/bom.jsonl.gz: empty file; nothing to index"),
        "{}",
        run.stderr
    );
    assert_eq!(
        files_line(&run),
        "1 added, 0 updated, 0 removed, 0 unchanged, 1 failed"
    );
    let again = indexed(tmp.path(), &[]);
    assert_eq!(
        files_line(&again),
        "0 added, 0 updated, 0 removed, 2 unchanged"
    );
    assert!(
        again.stderr.contains("1 file or record still failing"),
        "{}",
        again.stderr
    );
}

/// Overwrites `len` bytes in the middle of `path` with other bytes.
fn damage(path: &Path, len: usize) {
    let mut bytes = fs::read(path).unwrap();
    let start = bytes.len() / 3;
    let end = (start + len).min(bytes.len() - 200);
    for (i, b) in bytes[start..end].iter_mut().enumerate() {
        *b = (i as u8).wrapping_mul(37) ^ 0xa5;
    }
    fs::write(path, bytes).unwrap();
}

/// The biggest file with extension `ext` of the live generation.
fn segment_file(idx: &Path, ext: &str) -> PathBuf {
    let generation = idx.join(fs::read_to_string(idx.join("CURRENT")).unwrap().trim());
    fs::read_dir(&generation)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == ext))
        .max_by_key(|p| fs::metadata(p).unwrap().len())
        .unwrap()
}

/// A corpus of `n` articles that mention "gemeente".
fn small_corpus(c: &Path, n: usize) {
    let record = |i: usize| {
        format!(
            "{{\"id\":\"a{i}\",\"title\":\"Stuk {i}\",\"body\":\"De gemeente vergaderde over de haven en de dijk, stuk {i}.\\n\\nDaarna sprak de raad over school {i} en de trein.\"}}\n"
        )
    };
    write(
        c,
        "deel-1.jsonl",
        (0..n / 2).map(record).collect::<String>(),
    );
    write(
        c,
        "deel-2.jsonl",
        (n / 2..n).map(record).collect::<String>(),
    );
}

fn count(dir: &Path, query: &str) -> Run {
    zoek_in(dir, &["search", "--index", "idx", "--count", query], &[])
}

#[test]
fn a_damaged_segment_is_reported_by_search_and_rebuilt_by_the_next_index() {
    for ext in ["fast", "store", "fieldnorm"] {
        let tmp = tempfile::tempdir().unwrap();
        small_corpus(&tmp.path().join("c"), 300);
        indexed(tmp.path(), &[]);
        let before = count(tmp.path(), "gemeente");
        assert_eq!(before.code, 0);
        damage(&segment_file(&tmp.path().join("idx"), ext), 4096);
        let search = count(tmp.path(), "gemeente");
        assert_eq!(search.code, 2, "{ext}: {}", search.stdout);
        assert_eq!(search.stderr.lines().count(), 1, "{}", search.stderr);
        assert!(
            search.stderr.contains("is damaged")
                && search.stderr.ends_with("run 'zoek index --rebuild'\n"),
            "{}",
            search.stderr
        );
        let check = zoek_in(tmp.path(), &["check", "--index", "idx"], &[]);
        assert_eq!(check.code, 1, "{}", check.stdout);
        assert!(
            check.stdout.starts_with("idx/: damaged\n"),
            "{}",
            check.stdout
        );
        assert!(check
            .stdout
            .contains(&format!(".{ext} does not match its checksum")));
        let again = indexed(tmp.path(), &[]);
        assert!(
            again
                .stderr
                .contains("rebuilt the whole index: the index was damaged: ")
                && again
                    .stderr
                    .contains(&format!(".{ext} does not match its checksum")),
            "{}",
            again.stderr
        );
        assert_eq!(count(tmp.path(), "gemeente").stdout, before.stdout);
        let sound = zoek_in(tmp.path(), &["check", "--index", "idx"], &[]);
        assert_eq!(sound.code, 0, "{}", sound.stdout);
        assert!(
            sound.stdout.starts_with("idx/: sound\n"),
            "{}",
            sound.stdout
        );
    }
}

#[test]
fn damage_that_keeps_the_file_time_never_panics_and_repair_finds_it() {
    for ext in ["idx", "term", "pos", "store"] {
        let tmp = tempfile::tempdir().unwrap();
        small_corpus(&tmp.path().join("c"), 300);
        indexed(tmp.path(), &[]);
        let victim = segment_file(&tmp.path().join("idx"), ext);
        let modified = fs::metadata(&victim).unwrap().modified().unwrap();
        damage(&victim, 8192);
        fs::File::options()
            .write(true)
            .open(&victim)
            .unwrap()
            .set_modified(modified)
            .unwrap();
        for query in ["gemeente", "\"de haven\"", "trein", "school OR dijk"] {
            let run = zoek_in(
                tmp.path(),
                &["search", "--index", "idx", "--json", "-n", "50", query],
                &[],
            );
            assert!(!run.stderr.contains("panicked"), "{ext}: {}", run.stderr);
            assert!(run.code <= 2);
            if run.code == 2 {
                assert_eq!(run.stderr.lines().count(), 1, "{}", run.stderr);
                assert!(
                    run.stderr.contains("run 'zoek index --rebuild'"),
                    "{}",
                    run.stderr
                );
            }
        }
        let repaired = indexed(tmp.path(), &["--repair"]);
        assert!(
            repaired
                .stderr
                .contains(&format!(".{ext} does not match its checksum")),
            "{ext}: {}",
            repaired.stderr
        );
        assert_eq!(count(tmp.path(), "gemeente").code, 0);
    }
}

#[test]
fn a_file_list_that_lost_entries_is_found_and_rebuilt() {
    let tmp = tempfile::tempdir().unwrap();
    small_corpus(&tmp.path().join("c"), 100);
    indexed(tmp.path(), &[]);
    let before = count(tmp.path(), "gemeente").stdout;
    let idx = tmp.path().join("idx");
    let generation = idx.join(fs::read_to_string(idx.join("CURRENT")).unwrap().trim());
    let list = fs::read_dir(&generation)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| {
            p.file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with("files-")
        })
        .unwrap();
    let mut files: serde_json::Map<String, serde_json::Value> =
        serde_json::from_slice(&fs::read(&list).unwrap()).unwrap();
    files.remove("deel-2.jsonl");
    fs::write(&list, serde_json::to_vec(&files).unwrap()).unwrap();
    let run = indexed(tmp.path(), &[]);
    assert!(
        run.stderr
            .contains("rebuilt the whole index: the index was damaged: the file list accounts for"),
        "{}",
        run.stderr
    );
    assert_eq!(
        count(tmp.path(), "gemeente").stdout,
        before,
        "no duplicates"
    );
}

#[test]
fn index_files_are_as_readable_as_zoeks_own_and_a_read_only_index_answers() {
    use std::os::unix::fs::PermissionsExt;
    let tmp = tempfile::tempdir().unwrap();
    small_corpus(&tmp.path().join("c"), 50);
    indexed(tmp.path(), &[]);
    write(&tmp.path().join("c"), "nieuw.md", OK_ARTICLE);
    indexed(tmp.path(), &[]);
    let idx = tmp.path().join("idx");
    let generation = idx.join(fs::read_to_string(idx.join("CURRENT")).unwrap().trim());
    let mode = |name: &str| {
        fs::metadata(generation.join(name))
            .unwrap()
            .permissions()
            .mode()
    };
    for name in ["meta.json", ".managed.json", "checks.json"] {
        assert_eq!(mode(name), mode("zoek.json"), "{name}");
    }
    // Without write access: permissions (not as root), else a read-only bind mount.
    let root = fs::read_to_string("/proc/self/status").is_ok_and(|s| {
        s.lines()
            .any(|l| l.starts_with("Uid:") && l.contains("\t0\t"))
    });
    if !root {
        Command::new("chmod")
            .args(["-R", "a-w"])
            .arg(&idx)
            .status()
            .unwrap();
        let run = count(tmp.path(), "gemeente");
        Command::new("chmod")
            .args(["-R", "u+w"])
            .arg(&idx)
            .status()
            .unwrap();
        assert_eq!(run.code, 0, "{}", run.stderr);
        return;
    }
    let mount = tmp.path().join("ro");
    fs::create_dir_all(&mount).unwrap();
    let bound = Command::new("mount")
        .arg("--bind")
        .arg(&idx)
        .arg(&mount)
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !bound {
        println!("no bind mount here: the read-only search is left to bench/hostile.sh");
        return;
    }
    let remounted = Command::new("mount")
        .args(["-o", "remount,bind,ro"])
        .arg(&mount)
        .status()
        .is_ok_and(|s| s.success());
    let run = zoek_in(
        tmp.path(),
        &["search", "--index", "ro", "--count", "gemeente"],
        &[],
    );
    let check = zoek_in(tmp.path(), &["check", "--index", "ro"], &[]);
    Command::new("umount").arg(&mount).status().unwrap();
    assert!(remounted, "remount read-only");
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(check.code, 0, "{}", check.stdout);
}

#[test]
fn current_as_a_folder_is_one_line_for_search_and_repaired_by_index() {
    let tmp = tempfile::tempdir().unwrap();
    small_corpus(&tmp.path().join("c"), 20);
    indexed(tmp.path(), &[]);
    let current = tmp.path().join("idx/CURRENT");
    fs::remove_file(&current).unwrap();
    fs::create_dir(&current).unwrap();
    let search = count(tmp.path(), "gemeente");
    assert_eq!(search.code, 2);
    assert_eq!(
        search.stderr,
        "zoek: idx/CURRENT is damaged (a folder, not a file); run 'zoek index' to rebuild\n"
    );
    // A folder with something in it is not zoek's to remove: one line, the index untouched.
    write(&current, "notities.txt", "van iemand");
    let refused = index(tmp.path(), &[]);
    assert_eq!(refused.code, 2);
    assert_eq!(refused.stderr.lines().count(), 1, "{}", refused.stderr);
    assert!(
        refused.stderr.contains("idx/CURRENT is a folder"),
        "{}",
        refused.stderr
    );
    fs::remove_file(current.join("notities.txt")).unwrap();
    let repaired = indexed(tmp.path(), &[]);
    assert!(
        repaired
            .stderr
            .contains("rebuilt the whole index: idx/CURRENT is damaged"),
        "{}",
        repaired.stderr
    );
    assert_eq!(count(tmp.path(), "gemeente").code, 0);
}

#[test]
fn a_corpus_that_is_not_a_folder_is_refused_before_the_index_is_touched() {
    let tmp = tempfile::tempdir().unwrap();
    small_corpus(&tmp.path().join("c"), 20);
    indexed(tmp.path(), &[]);
    let before = count(tmp.path(), "gemeente").stdout;
    for corpus in ["c/deel-1.jsonl", "/dev/null"] {
        let run = zoek_in(tmp.path(), &["index", corpus, "--index", "idx"], &[]);
        assert_eq!(run.code, 2, "{corpus}: {}", run.stderr);
        assert_eq!(
            run.stderr,
            format!(
                "zoek: corpus {corpus} is not a folder; give the folder of articles to index\n"
            )
        );
        assert_eq!(count(tmp.path(), "gemeente").stdout, before);
    }
}

#[test]
fn the_corpus_folder_is_compared_canonically() {
    let tmp = tempfile::tempdir().unwrap();
    small_corpus(&tmp.path().join("c"), 20);
    indexed(tmp.path(), &[]);
    let absolute = tmp.path().join("c").display().to_string();
    for form in ["./c", "c/", absolute.as_str()] {
        let run = zoek_in(tmp.path(), &["index", form, "--index", "idx"], &[]);
        assert_eq!(run.code, 0, "{}", run.stderr);
        assert!(!run.stderr.contains("rebuilt"), "{form}: {}", run.stderr);
        assert_eq!(
            files_line(&run),
            "0 added, 0 updated, 0 removed, 2 unchanged"
        );
    }
    // A new file read through another spelling is shown from the folder as first given.
    write(&tmp.path().join("c"), "nieuw.md", OK_ARTICLE);
    let run = zoek_in(tmp.path(), &["index", &absolute, "--index", "idx"], &[]);
    assert_eq!(
        files_line(&run),
        "1 added, 0 updated, 0 removed, 2 unchanged"
    );
    let hits = zoek_in(
        tmp.path(),
        &["search", "--index", "idx", "--json", "flamingo"],
        &[],
    );
    assert_eq!(hit_lines(&hits.stdout)[0]["path"], "c/nieuw.md");
}

#[test]
fn an_index_inside_the_corpus_is_never_indexed() {
    let tmp = tempfile::tempdir().unwrap();
    let c = tmp.path().join("c");
    small_corpus(&c, 20);
    let first = zoek_in(&c, &["index", ".", "--index", "idx"], &[]);
    assert_eq!(first.code, 0, "{}", first.stderr);
    assert!(
        first.stderr.contains("1 the index folder"),
        "{}",
        first.stderr
    );
    let second = zoek_in(&c, &["index", ".", "--index", "idx", "--strict"], &[]);
    assert_eq!(second.code, 0, "{}", second.stderr);
    assert_eq!(
        files_line(&second),
        "0 added, 0 updated, 0 removed, 2 unchanged"
    );
}

#[test]
fn one_latin1_line_is_decoded_alone() {
    let tmp = tempfile::tempdir().unwrap();
    let mut text = Vec::new();
    text.extend_from_slice(b"{\"id\": \"n1\", \"body\": \"De kerstmarkt opent vrijdag.\"}\n");
    text.extend_from_slice(b"{\"id\": \"n2\", \"body\": \"Het caf\xe9 aan de haven.\"}\n");
    text.extend_from_slice("{\"id\": \"n3\", \"body\": \"Het koor zingt Noël.\"}\n".as_bytes());
    write(&tmp.path().join("c"), "news.jsonl", text);
    let run = indexed(tmp.path(), &[]);
    assert!(
        run.stderr
            .contains("c/news.jsonl:2: not UTF-8; line decoded as Windows-1252 (Latin-1)"),
        "{}",
        run.stderr
    );
    assert_eq!(found(tmp.path(), "Noël"), ["n3"]);
    assert_eq!(found(tmp.path(), "café"), ["n2"]);
}

fn show(dir: &Path, id: &str) -> serde_json::Value {
    let run = zoek_in(dir, &["show", "--index", "idx", "--json", id], &[]);
    assert_eq!(run.code, 0, "{id}: {}", run.stderr);
    serde_json::from_str(&run.stdout).unwrap()
}

#[test]
fn duplicate_ids_are_reported_and_kept_apart_and_deletions_are_exact() {
    use std::os::unix::ffi::OsStrExt;
    let tmp = tempfile::tempdir().unwrap();
    let c = tmp.path().join("c");
    write(
        &c,
        "dup.jsonl",
        "{\"id\": \"dup-1\", \"title\": \"Eerste\", \"body\": \"Een appelflap.\"}\n{\"id\": \"dup-1\", \"title\": \"Tweede\", \"body\": \"Een bitterbal.\"}\n",
    );
    write(
        &c,
        "los.json",
        "{\"id\": \"dup-1\", \"title\": \"Derde\", \"body\": \"Een kroket.\"}",
    );
    write(
        &c,
        "a.jsonl",
        "{\"id\": \"a.jsonl:2\", \"title\": \"Zebra\", \"body\": \"Een zebra.\"}\n{\"title\": \"Giraffe\", \"body\": \"Een giraffe.\"}\n",
    );
    let name =
        |b: u8| std::ffi::OsStr::from_bytes(&[b'b', b'a', b'd', b, b'.', b'm', b'd']).to_owned();
    fs::write(c.join(name(0xff)), "# Krokodil\n\nEen krokodil.").unwrap();
    fs::write(c.join(name(0xfe)), "# Nijlpaard\n\nEen nijlpaard.").unwrap();
    let run = indexed(tmp.path(), &[]);
    assert!(
        run.stderr.contains(
            "c/dup.jsonl:2: duplicate id 'dup-1': another article has it; indexed as 'dup-1~2'"
        ),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("indexed as 'dup-1~3'"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("c/a.jsonl:1: duplicate id 'a.jsonl:2'"),
        "an automatic id is never taken: {}",
        run.stderr
    );
    assert!(run.stderr.contains("3 duplicate ids"), "{}", run.stderr);
    assert_eq!(found(tmp.path(), "appelflap"), ["dup-1"]);
    assert_eq!(found(tmp.path(), "bitterbal"), ["dup-1~2"]);
    assert_eq!(found(tmp.path(), "kroket"), ["dup-1~3"]);
    assert_eq!(found(tmp.path(), "giraffe"), ["a.jsonl:2"]);
    assert_eq!(found(tmp.path(), "zebra"), ["a.jsonl:2~2"]);
    assert_eq!(found(tmp.path(), "krokodil"), ["bad\\xFF.md"]);
    assert_eq!(found(tmp.path(), "nijlpaard"), ["bad\\xFE.md"]);
    assert_eq!(
        show(tmp.path(), "dup-1")["passages"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    assert_eq!(show(tmp.path(), "bad\\xFF.md")["title"], "Krokodil");
    // An unchanged run renames nothing again; deleting one file removes only its text.
    fs::remove_file(c.join(name(0xfe))).unwrap();
    let after = indexed(tmp.path(), &[]);
    assert_eq!(
        files_line(&after),
        "0 added, 0 updated, 1 removed, 4 unchanged"
    );
    assert!(found(tmp.path(), "nijlpaard").is_empty());
    assert_eq!(found(tmp.path(), "krokodil"), ["bad\\xFF.md"]);
    // Editing the record that holds an id keeps its id.
    write(
        &c,
        "dup.jsonl",
        "{\"id\": \"dup-1\", \"title\": \"Eerste\", \"body\": \"Een appelbol.\"}\n{\"id\": \"dup-1\", \"title\": \"Tweede\", \"body\": \"Een bitterbal.\"}\n",
    );
    let edited = indexed(tmp.path(), &[]);
    assert!(!edited.stderr.contains("duplicate"), "{}", edited.stderr);
    assert_eq!(found(tmp.path(), "appelbol"), ["dup-1"]);
    assert_eq!(found(tmp.path(), "bitterbal"), ["dup-1~2"]);
}

#[test]
fn an_automatic_id_taken_by_an_earlier_record_rebuilds() {
    let tmp = tempfile::tempdir().unwrap();
    let c = tmp.path().join("c");
    write(
        &c,
        "r.jsonl",
        "{\"id\": \"later.md\", \"body\": \"Een zebra.\"}\n",
    );
    indexed(tmp.path(), &[]);
    assert_eq!(found(tmp.path(), "zebra"), ["later.md"]);
    write(&c, "later.md", "# Later\n\nEen giraffe.");
    let run = indexed(tmp.path(), &[]);
    assert!(
        run.stderr
            .contains("rebuilt the whole index: the id 'later.md' of a new article"),
        "{}",
        run.stderr
    );
    assert_eq!(found(tmp.path(), "giraffe"), ["later.md"]);
    assert_eq!(found(tmp.path(), "zebra"), ["later.md~2"]);
}

#[test]
fn failing_files_are_remembered_until_they_change() {
    let tmp = tempfile::tempdir().unwrap();
    let c = tmp.path().join("c");
    write(&c, "ok.md", OK_ARTICLE);
    write(&c, "leeg.md", "");
    write(&c, "binair.txt", b"MZ\x90\x00\x03\x00\x00\x00");
    write(&c, "allemaal-kapot.jsonl", "{kapot\nook kapot\n");
    let report = tmp.path().join("report.jsonl");
    let first = indexed(tmp.path(), &[]);
    assert_eq!(
        files_line(&first),
        "1 added, 0 updated, 0 removed, 0 unchanged, 3 failed"
    );
    let second = index(
        tmp.path(),
        &["--strict", "--report", report.to_str().unwrap()],
    );
    assert_eq!(second.code, 2, "still failing: {}", second.stderr);
    assert_eq!(
        files_line(&second),
        "0 added, 0 updated, 0 removed, 4 unchanged"
    );
    assert!(
        second
            .stderr
            .contains("4 files or records still failing, unchanged"),
        "{}",
        second.stderr
    );
    let lines: Vec<serde_json::Value> = fs::read_to_string(&report)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 4, "{lines:?}");
    assert!(lines
        .iter()
        .all(|l| l["status"] == "failed" && l["unchanged"] == true));
    // Fixed, the file is read again.
    write(&c, "leeg.md", "# Niet meer leeg\n\nEen otter.");
    let third = indexed(tmp.path(), &[]);
    assert_eq!(
        files_line(&third),
        "1 added, 0 updated, 0 removed, 3 unchanged"
    );
    assert_eq!(found(tmp.path(), "otter"), ["leeg.md"]);
}

#[test]
fn title_only_records_are_their_title_and_bad_dates_keep_the_record() {
    let tmp = tempfile::tempdir().unwrap();
    let mut text = String::new();
    for i in 0..5 {
        text.push_str(&format!(
            "{{\"id\": \"t{i}\", \"title\": \"Zeehonden gespot bij pier {i}\", \"body\": \"\"}}\n"
        ));
    }
    text.push_str("{\"id\": \"niets\", \"title\": \" \", \"body\": \"\"}\n");
    text.push_str("{\"id\": \"int\", \"title\": \"Walvis\", \"date\": 20190312, \"body\": \"Een walvis strandde.\"}\n");
    write(&tmp.path().join("c"), "titels.jsonl", text);
    let run = indexed(tmp.path(), &[]);
    assert!(!run.stderr.contains("failed"), "{}", run.stderr);
    assert!(
        run.stderr.contains("5 articles have a title and no text"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("skipped 1 record with neither a title nor text"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains(
            "c/titels.jsonl:7: date 20190312 is not YYYY-MM-DD, DD-MM-YYYY or D maand YYYY; article indexed without a date"
        ),
        "{}",
        run.stderr
    );
    assert_eq!(found(tmp.path(), "walvis"), ["int"]);
    let hits = zoek_in(
        tmp.path(),
        &[
            "search",
            "--index",
            "idx",
            "--json",
            "-n",
            "10",
            "zeehonden",
        ],
        &[],
    );
    let hits = hit_lines(&hits.stdout);
    assert_eq!(hits.len(), 5);
    for hit in &hits {
        assert!(
            hit["passage"]
                .as_str()
                .unwrap()
                .starts_with("Zeehonden gespot"),
            "never a blank passage: {hit}"
        );
    }
}

#[test]
fn json_lines_updates_reindex_only_the_records_that_changed() {
    let tmp = tempfile::tempdir().unwrap();
    let c = tmp.path().join("c");
    let record = |i: usize, body: &str| {
        format!("{{\"id\": \"r{i}\", \"title\": \"Stuk {i}\", \"body\": \"{body}\"}}\n")
    };
    let mut text: String = (0..200).map(|i| record(i, "Over de haven.")).collect();
    write(&c, "archief.jsonl", &text);
    indexed(tmp.path(), &[]);
    text.push_str(&record(200, "Over de otter."));
    write(&c, "archief.jsonl", &text);
    let appended = indexed(tmp.path(), &[]);
    assert!(
        appended.stderr.contains("indexed 1 article"),
        "{}",
        appended.stderr
    );
    assert_eq!(found(tmp.path(), "otter"), ["r200"]);
    let text = text.replacen(&record(3, "Over de haven."), "", 1);
    write(&c, "archief.jsonl", &text);
    let removed = indexed(tmp.path(), &[]);
    // The records after the removed line moved up a line: they are read again.
    assert!(
        removed.stderr.contains("indexed 197 articles"),
        "{}",
        removed.stderr
    );
    assert!(found(tmp.path(), "r3").is_empty());
    assert_eq!(count(tmp.path(), "haven").stdout, "199 articles\n");
}

#[test]
fn the_lock_is_taken_before_the_walk() {
    let tmp = tempfile::tempdir().unwrap();
    write(&tmp.path().join("c"), "a.md", OK_ARTICLE);
    fs::create_dir_all(tmp.path().join("idx")).unwrap();
    let lock = fs::File::create(tmp.path().join("idx/LOCK")).unwrap();
    lock.lock().unwrap();
    // The walk would refuse this pattern; the lock is refused first.
    let run = index(tmp.path(), &["--exclude", "a{b"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .contains("index is being updated by another process"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_full_disk_is_one_line_and_the_next_run_cleans_up() {
    let root = fs::read_to_string("/proc/self/status").is_ok_and(|s| {
        s.lines()
            .any(|l| l.starts_with("Uid:") && l.contains("\t0\t"))
    });
    if !root {
        println!("mounting a small file system needs root: left out");
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let idx = tmp.path().join("idx");
    fs::create_dir_all(&idx).unwrap();
    let mounted = Command::new("mount")
        .args(["-t", "tmpfs", "-o", "size=1m", "tmpfs"])
        .arg(&idx)
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !mounted {
        println!("tmpfs cannot be mounted here: left out");
        return;
    }
    let unmount = || {
        Command::new("umount").arg(&idx).status().unwrap();
    };
    let result = std::panic::catch_unwind(|| {
        let c = tmp.path().join("c");
        small_corpus(&c, 20);
        indexed(tmp.path(), &[]);
        let before = count(tmp.path(), "gemeente").stdout;
        // Far more text than 1 MB of index holds.
        let mut lines = String::new();
        for i in 0..20000 {
            lines.push_str(&format!(
                "{{\"id\":\"x{i}\",\"body\":\"De wethouder {i} sprak met bewoners over parkeren, verkeer, groen en nieuwe woningen in wijk {}.\"}}\n",
                i * 7919 % 10007
            ));
        }
        write(&c, "veel.jsonl", &lines);
        let full = index(tmp.path(), &[]);
        assert_eq!(full.code, 2, "{}", full.stderr);
        assert_eq!(full.stderr.lines().count(), 1, "{}", full.stderr);
        assert!(
            full.stderr
                .starts_with("zoek: not enough space on the disk of idx/ (")
                && full.stderr.contains("this build needs about")
                && full.stderr.contains("the index is as it was"),
            "{}",
            full.stderr
        );
        assert_eq!(count(tmp.path(), "gemeente").stdout, before, "as it was");
        // Space freed: the next run completes, and nothing of the failed run is left.
        Command::new("mount")
            .args(["-o", "remount,size=64m"])
            .arg(&idx)
            .status()
            .unwrap();
        let done = indexed(tmp.path(), &[]);
        assert!(
            done.stderr.contains("indexed 20000 articles"),
            "{}",
            done.stderr
        );
        let generation = idx.join(fs::read_to_string(idx.join("CURRENT")).unwrap().trim());
        let names: Vec<String> = fs::read_dir(&generation)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(
            names.iter().filter(|n| n.starts_with("files-")).count(),
            1,
            "{names:?}"
        );
        let check = zoek_in(tmp.path(), &["check", "--index", "idx"], &[]);
        assert_eq!(check.code, 0, "{}", check.stdout);
        let meta: serde_json::Value =
            serde_json::from_slice(&fs::read(generation.join("meta.json")).unwrap()).unwrap();
        let live: Vec<String> = meta["segments"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["segment_id"].as_str().unwrap().replace('-', ""))
            .collect();
        for name in &names {
            let id = name.split('.').next().unwrap();
            if id.len() == 32 && id.bytes().all(|b| b.is_ascii_hexdigit()) {
                assert!(live.iter().any(|l| l == id), "orphaned {name}: {names:?}");
            }
        }
    });
    unmount();
    if let Err(panic) = result {
        std::panic::resume_unwind(panic);
    }
}

#[test]
fn a_copied_index_names_both_corpus_folders_when_it_rebuilds() {
    let tmp = tempfile::tempdir().unwrap();
    let first = tmp.path().join("eerste");
    write(&first.join("c"), "a.md", "# Kop\n\nOver de haven.\n");
    indexed(&first, &[]);
    let second = tmp.path().join("tweede");
    let copied = Command::new("cp")
        .args(["-a", first.to_str().unwrap(), second.to_str().unwrap()])
        .status()
        .unwrap();
    assert!(copied.success());
    let run = indexed(&second, &[]);
    let from = first.join("c").canonicalize().unwrap();
    let to = second.join("c").canonicalize().unwrap();
    assert!(
        run.stderr.contains(&format!(
            "rebuilt the whole index: the corpus folder changed from {} to {}",
            from.display(),
            to.display()
        )),
        "{}",
        run.stderr
    );
}
