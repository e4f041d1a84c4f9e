//! End-to-end: HTML, JSON, gzipped JSON, ignore files and `--exclude`.

use std::io::Write;
use std::path::Path;

use crate::common::{write, zoek_in};

fn gzip(text: &str) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    encoder.write_all(text.as_bytes()).unwrap();
    encoder.finish().unwrap()
}

fn hits(dir: &Path, query: &str) -> Vec<serde_json::Value> {
    let run = zoek_in(
        dir,
        &["search", "--index", "idx", "--json", "-n", "50", query],
        &[],
    );
    assert!(run.code <= 1, "{}", run.stderr);
    crate::common::hit_lines(&run.stdout)
}

#[test]
fn html_json_and_gzip_articles_are_read() {
    let tmp = tempfile::tempdir().unwrap();
    let c = tmp.path().join("c");
    write(
        &c,
        "pagina.html",
        br#"<html><head><meta property="og:title" content="Dijk breekt"><meta property="og:url" content="https://x.example/dijk">
<meta property="article:published_time" content="2021-02-03T10:00:00Z"><script>var zoekwoord = "trackingcode";</script></head>
<body><nav>Menu Sport Cultuur</nav><article><p>De dijk bij Tiel is gebroken.</p></article></body></html>"#,
    );
    write(
        &c,
        "een.json",
        "{\"id\":\"j1\",\"title\":\"Eén object\",\"body\":\"Over de haven van Rotterdam.\"}"
            .as_bytes(),
    );
    write(
        &c,
        "lijst.json",
        b"[{\"title\":\"Eerste\",\"body\":\"Over treinen.\"},{\"title\":\"Tweede\",\"body\":\"Over treinen en bussen.\"}]",
    );
    write(
        &c,
        "oud.jsonl.gz",
        gzip("{\"id\":\"g1\",\"title\":\"Ingepakt\",\"body\":\"Over de storm.\"}\n"),
    );
    write(
        &c,
        "los.json.gz",
        gzip("{\"title\":\"Ook ingepakt\",\"body\":\"Over de storm in Zeeland.\"}"),
    );
    let run = zoek_in(tmp.path(), &["index", "c", "--index", "idx"], &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stderr.contains("indexed 6 articles"), "{}", run.stderr);

    let dijk = hits(tmp.path(), "dijk");
    assert_eq!(dijk.len(), 1);
    assert_eq!(dijk[0]["title"], "Dijk breekt");
    assert_eq!(dijk[0]["date"], "2021-02-03");
    assert_eq!(dijk[0]["url"], "https://x.example/dijk");
    assert!(
        hits(tmp.path(), "trackingcode").is_empty(),
        "scripts are not text"
    );
    assert!(
        hits(tmp.path(), "cultuur").is_empty(),
        "navigation is not text"
    );

    assert_eq!(hits(tmp.path(), "haven")[0]["article_id"], "j1");
    let ids: Vec<String> = hits(tmp.path(), "treinen")
        .iter()
        .map(|h| h["article_id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(ids.len(), 2);
    assert!(ids.contains(&"lijst.json#1".to_string()) && ids.contains(&"lijst.json#2".to_string()));
    assert_eq!(hits(tmp.path(), "storm").len(), 2, "both gzipped files");
}

#[test]
fn ignore_files_and_excludes_leave_files_out() {
    let tmp = tempfile::tempdir().unwrap();
    let c = tmp.path().join("c");
    write(&c, "a.md", b"# A\n\nOver kaas.");
    write(&c, "concept/b.md", b"# B\n\nOver kaas.");
    write(&c, "c.md", b"# C\n\nOver kaas.");
    write(&c, "sub/d.md", b"# D\n\nOver kaas.");
    write(&c, ".zoekignore", b"concept/\n");
    write(&c, "sub/.gitignore", b"d.md\n");
    let run = zoek_in(
        tmp.path(),
        &["index", "c", "--index", "idx", "--exclude", "c.md"],
        &[],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let ids: Vec<String> = hits(tmp.path(), "kaas")
        .iter()
        .map(|h| h["article_id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(ids, ["a.md"]);
    assert!(
        run.stderr.contains("ignored by exclude pattern c.md"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("ignored by .zoekignore (concept/)"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("ignored by .gitignore (d.md)"),
        "{}",
        run.stderr
    );
}
