//! `zoek serve` over a real loopback socket: the built binary serves an index, and plain
//! HTTP requests (written by hand, so nothing between the test and the server interprets
//! them) check that the API answers what the command line prints for the same request, its
//! errors, the page without JavaScript, escaping of hostile text, the limits of what it
//! serves, and that an update is searched without a restart.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::common::{bundled_index, indexed, write, zoek, zoek_in};

/// A running `zoek serve`, ended when dropped.
pub struct Served {
    child: Child,
    /// `127.0.0.1:PORT`.
    pub addr: String,
    /// What it said on stderr.
    pub log: Arc<Mutex<String>>,
}

impl Served {
    /// Serves `index` on a free loopback port; `extra` arguments come after (and win).
    pub fn start(index: &Path, extra: &[&str]) -> Served {
        let mut child = Command::new(env!("CARGO_BIN_EXE_zoek"))
            .args(["serve", "--index", index.to_str().unwrap()])
            .args(["--bind", "127.0.0.1:0"])
            .args(extra)
            .env_remove("ZOEK_INDEX")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start zoek serve");
        let mut lines = BufReader::new(child.stderr.take().unwrap());
        let log = Arc::new(Mutex::new(String::new()));
        let addr = loop {
            let mut line = String::new();
            if lines.read_line(&mut line).unwrap() == 0 {
                let _ = child.kill();
                panic!("zoek serve ended: {}", log.lock().unwrap());
            }
            log.lock().unwrap().push_str(&line);
            if let Some((_, rest)) = line.split_once(" at http://") {
                break rest.split('/').next().unwrap().to_string();
            }
        };
        // Keep reading, so that the server never waits on a full pipe.
        let kept = Arc::clone(&log);
        std::thread::spawn(move || {
            for line in lines.lines().map_while(Result::ok) {
                kept.lock().unwrap().push_str(&(line + "\n"));
            }
        });
        Served { child, addr, log }
    }

    pub fn get(&self, path: &str) -> Response {
        request(&self.addr, "GET", path, &[])
    }

    /// The JSON lines of a GET that must answer 200.
    pub fn lines(&self, path: &str) -> Vec<serde_json::Value> {
        let response = self.get(path);
        assert_eq!(response.status, 200, "{path}: {}", response.body);
        response.lines()
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub struct Response {
    pub status: u16,
    headers: Vec<(String, String)>,
    pub body: String,
}

impl Response {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn lines(&self) -> Vec<serde_json::Value> {
        self.body
            .lines()
            .map(|l| serde_json::from_str(l).expect("each line is JSON"))
            .collect()
    }

    pub fn json(&self) -> serde_json::Value {
        let lines = self.lines();
        assert_eq!(lines.len(), 1, "one JSON line: {}", self.body);
        lines.into_iter().next().unwrap()
    }
}

/// One HTTP/1.1 request on a connection of its own.
pub fn request(addr: &str, method: &str, path: &str, headers: &[(&str, &str)]) -> Response {
    let mut stream = TcpStream::connect(addr).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(60)))
        .unwrap();
    let mut head = format!("{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n");
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes()).unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).expect("read the answer");
    let text = String::from_utf8(raw).expect("utf-8 answer");
    let (head, body) = text.split_once("\r\n\r\n").expect("a head and a body");
    let mut head_lines = head.lines();
    let status = head_lines
        .next()
        .and_then(|l| l.split(' ').nth(1))
        .and_then(|s| s.parse().ok())
        .expect("a status line");
    let headers: Vec<(String, String)> = head_lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_string(), v.trim().to_string()))
        .collect();
    assert!(
        !headers
            .iter()
            .any(|(n, v)| n.eq_ignore_ascii_case("transfer-encoding") && v.contains("chunked")),
        "answers have a length"
    );
    Response {
        status,
        headers,
        body: body.to_string(),
    }
}

/// `text` for a query string.
pub fn enc(text: &str) -> String {
    form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

/// HTML's `&amp;` in a link taken from a page, back to `&`.
pub fn unescape_link(link: &str) -> String {
    link.replace("&amp;", "&")
}

/// The link that follows the first `opening` (which ends where the link starts) in a page.
fn link_after(body: &str, opening: &str) -> Option<String> {
    let rest = body.split(opening).nth(1)?;
    rest.split('"').next().map(unescape_link)
}

#[test]
fn the_api_answers_what_the_command_line_prints() {
    let index = bundled_index();
    let served = Served::start(index, &[]);
    let cases: [(&str, &[&str]); 6] = [
        ("q=verkiezingsfraude&n=3", &["-n", "3", "verkiezingsfraude"]),
        (
            "q=fraude&since=2020-01&until=2020-06",
            &["--since", "2020-01", "--until", "2020-06", "fraude"],
        ),
        (
            "q=verkiezingen&source=omroep+west&sort=-date",
            &["--source", "omroep west", "--sort", "-date", "verkiezingen"],
        ),
        (
            "q=fraude&per_article=true&context=1&n=2",
            &["--per-article", "-C", "1", "-n", "2", "fraude"],
        ),
        (
            "q=fraude&offset=2&n=2",
            &["--offset", "2", "-n", "2", "fraude"],
        ),
        ("q=zzzzqqq", &["zzzzqqq"]),
    ];
    for (query, args) in cases {
        let response = served.get(&format!("/api/search?{query}"));
        assert_eq!(response.status, 200, "{query}: {}", response.body);
        assert_eq!(
            response.header("content-type"),
            Some("application/x-ndjson")
        );
        let mut cli = vec!["search", "--json", "--index", index.to_str().unwrap()];
        cli.extend_from_slice(args);
        let run = zoek(&cli);
        assert!(run.code <= 1, "{}", run.stderr);
        assert_eq!(response.body, run.stdout, "{query}");
    }
}

#[test]
fn errors_are_json_with_the_command_lines_message_and_status() {
    let index = bundled_index();
    let served = Served::start(index, &[]);
    let path = index.to_str().unwrap();

    let response = served.get(&format!("/api/search?q={}", enc("fraude OR")));
    assert_eq!(response.status, 400);
    let error = response.json();
    assert_eq!(error["type"], "error");
    let cli = zoek(&["search", "--index", path, "fraude OR"]);
    let first = cli.stderr.lines().next().unwrap();
    assert_eq!(
        Some(first),
        error["message"]
            .as_str()
            .map(|m| format!("zoek: {m}"))
            .as_deref()
    );
    assert_eq!(error["span"], serde_json::json!([7, 9]));

    let response = served.get("/api/article?id=nergens");
    assert_eq!(response.status, 404);
    let cli = zoek(&["show", "--index", path, "nergens"]);
    assert_eq!(
        cli.stderr.trim_end(),
        format!("zoek: {}", response.json()["message"].as_str().unwrap())
    );

    for (query, start) in [
        ("q=a&since=2019-13", "since: invalid date '2019-13'"),
        ("q=a&n=0", "n: '0' is not a number from 1 to 1000"),
        ("q=a&colour=red", "unknown parameter 'colour'"),
        ("n=3", "the query is missing"),
    ] {
        let response = served.get(&format!("/api/search?{query}"));
        assert_eq!(response.status, 400, "{query}");
        let message = response.json()["message"].as_str().unwrap().to_string();
        assert!(message.starts_with(start), "{query}: {message}");
    }
    let response = served.get("/api/nothing");
    assert_eq!(response.status, 404);
    assert!(response.json()["message"]
        .as_str()
        .unwrap()
        .starts_with("no endpoint /api/nothing"));
}

#[test]
fn articles_suggestions_stats_and_health() {
    let index = bundled_index();
    let served = Served::start(index, &[]);
    let path = index.to_str().unwrap();

    let id = "2020-11-18-trump-ontslaat-krebs.txt";
    let response = served.get(&format!("/api/article?id={}&q=krebs", enc(id)));
    assert_eq!(response.status, 200);
    let cli = zoek(&["show", "--index", path, "--json", "--query", "krebs", id]);
    assert_eq!(response.body, cli.stdout);
    assert!(response.body.contains("\"highlights\":[["));
    // A place as search prints it names the article too.
    let hit = &served.lines("/api/search?q=krebs&n=1")[0];
    let place = format!("{}:{}", hit["path"].as_str().unwrap(), hit["line"]);
    let by_place = served.get(&format!("/api/article?id={}", enc(&place)));
    assert_eq!(by_place.json()["article_id"], id, "{place}");

    let suggestion = served.get("/api/suggest?q=verkiezingsfruade").json();
    assert_eq!(suggestion["type"], "summary");
    assert_eq!(suggestion["suggestion"], "verkiezingsfraude");
    assert_eq!(suggestion["articles"], 0);
    let none = served.get("/api/suggest?q=verkiezingsfraude").json();
    assert!(none.get("suggestion").is_none(), "{none}");
    assert!(none["articles"].as_u64().unwrap() > 0);

    let stats = served.get("/api/stats");
    assert_eq!(stats.status, 200);
    let cli = zoek(&["stats", "--index", path, "--json"]);
    assert_eq!(stats.body, cli.stdout);

    let health = served.get("/api/health").json();
    assert_eq!(health["type"], "health");
    assert_eq!(health["status"], "ok");
    assert!(health["generation"].as_str().unwrap().starts_with("gen-"));
    assert_eq!(served.get("/api/health?x=1").status, 400);
}

#[test]
fn the_page_searches_without_javascript() {
    let served = Served::start(bundled_index(), &[]);
    let home = served.get("/");
    assert_eq!(home.status, 200);
    assert_eq!(
        home.header("content-type"),
        Some("text/html; charset=utf-8")
    );
    assert!(home
        .body
        .contains("<form class=\"search\" role=\"search\" method=\"get\" action=\"/\">"));
    assert!(home
        .body
        .contains("<option value=\"Nieuwsbode\">Nieuwsbode</option>"));

    let page = served.get("/?q=verkiezingsfraude");
    assert_eq!(page.status, 200);
    assert!(
        page.body.contains("<mark>verkiezingsfraude</mark>"),
        "{}",
        page.body
    );
    assert!(page
        .body
        .contains("<time datetime=\"2020-11-18\">18 november 2020</time>"));
    // The first result links to its article at the passage; the article page has it all.
    let link = link_after(&page.body, "<h2><a href=\"").expect("a result link");
    assert!(link.starts_with("/artikel?id="), "{link}");
    let (link, anchor) = link.split_once('#').unwrap();
    let article = served.get(link);
    assert_eq!(article.status, 200);
    assert!(article
        .body
        .contains("<h1>Trump ontslaat hoogste cyberveiligheidsfunctionaris Chris Krebs</h1>"));
    assert!(article.body.contains(&format!("id=\"{anchor}\"")));
    assert!(article.body.contains("<mark>verkiezingsfraude</mark>"));
    assert!(article.body.contains("← Terug naar de resultaten"));

    // Filters, sort, paging and the suggestion are links and form fields.
    let filtered = served.get("/?q=fraude&since=2020-01&until=2020-06&sort=-date");
    assert!(filtered
        .body
        .contains("Autohandelaar uit Oss veroordeeld voor belastingfraude"));
    assert!(!filtered.body.contains("Trump ontslaat"));
    assert!(filtered.body.contains("<option value=\"-date\" selected>"));
    let paged = served.get("/?q=de&n=2");
    assert!(paged.body.contains("Resultaten 1–2"));
    let more = link_after(&paged.body, "class=\"more\" rel=\"next\" href=\"")
        .expect("a link to more results");
    let next = served.get(&more);
    assert!(next.body.contains("Resultaten 3–4"), "{more}");
    assert!(next.body.contains("<ol class=\"results\" start=\"3\">"));
    let typo = served.get("/?q=verkiezingsfruade");
    assert!(typo
        .body
        .contains("Bedoelde u: <a href=\"/?q=verkiezingsfraude\">verkiezingsfraude</a>?"));
    let bad = served.get(&format!("/?q={}", enc("fraude OR")));
    assert_eq!(bad.status, 400);
    assert!(bad.body.contains("OR needs a word after it"));
    assert!(served
        .get("/?q=a&since=2019-13")
        .body
        .contains("since: invalid date"));

    let css = served.get("/zoek.css");
    assert_eq!(css.header("content-type"), Some("text/css; charset=utf-8"));
    let js = served.get("/zoek.js");
    assert_eq!(
        js.header("content-type"),
        Some("text/javascript; charset=utf-8")
    );
}

/// An article whose title, body and url try to run script.
pub const HOSTILE: &str = "---\ntitle: <script>window.pwned=1</script><img src=x onerror=\"window.pwned=2\">\ndate: 2021-05-05\nsource: <b>Bron</b>\nurl: javascript:window.pwned=3\n---\n\nEen kwaadaardig stuk <script>window.pwned=4</script> over <img src=x onerror=\"window.pwned=5\"> niets.\n";

#[test]
fn hostile_text_is_shown_as_text() {
    let (_tmp, index) = indexed(&[("kwaad.md".to_string(), HOSTILE.to_string())]);
    let served = Served::start(&index, &[]);
    let page = served.get("/?q=kwaadaardig");
    assert_eq!(page.status, 200);
    let article = served.get("/artikel?id=kwaad.md&q=kwaadaardig");
    assert_eq!(article.status, 200);
    for body in [&page.body, &article.body] {
        assert!(body.contains(
            "&lt;script&gt;window.pwned=1&lt;/script&gt;&lt;img src=x onerror=&quot;window.pwned=2&quot;&gt;"
        ), "{body}");
        assert!(!body.contains("<script>window"), "{body}");
        assert!(!body.contains("<img"), "{body}");
        assert!(!body.contains("href=\"javascript:"), "{body}");
        assert!(body.contains("&lt;b&gt;Bron&lt;/b&gt;"));
    }
    assert!(page
        .header("content-security-policy")
        .unwrap()
        .contains("script-src 'self'"));
    // The API gives the text as it is: escaping is the page's business.
    let hits = served.lines("/api/search?q=kwaadaardig");
    assert!(hits[0]["title"].as_str().unwrap().starts_with("<script>"));
}

#[test]
fn only_gets_of_what_it_makes() {
    let served = Served::start(bundled_index(), &[]);
    let post = request(&served.addr, "POST", "/api/search?q=a", &[]);
    assert_eq!(post.status, 405);
    assert_eq!(post.header("allow"), Some("GET, HEAD"));
    assert_eq!(post.json()["type"], "error");
    let big = request(
        &served.addr,
        "GET",
        "/api/search?q=a",
        &[("Content-Length", "100000")],
    );
    assert_eq!(big.status, 413);
    for path in [
        "/../Cargo.toml",
        "/zoek.css/../../Cargo.toml",
        "/%2e%2e/%2e%2e/Cargo.toml",
        "/index/CURRENT",
        "/corpus/archief.jsonl",
    ] {
        let response = served.get(path);
        assert_eq!(response.status, 404, "{path}");
        assert!(!response.body.contains("[package]"), "{path}");
    }
    let api = served.get("/api/health");
    assert_eq!(api.header("access-control-allow-origin"), None);
    assert_eq!(api.header("x-content-type-options"), Some("nosniff"));

    let origin = "https://redactie.example.nl";
    let cors = Served::start(bundled_index(), &["--allow-origin", origin]);
    assert_eq!(
        cors.get("/api/health")
            .header("access-control-allow-origin"),
        Some(origin)
    );
    assert_eq!(cors.get("/").header("access-control-allow-origin"), None);
}

#[test]
fn another_address_than_loopback_needs_a_flag_and_is_warned_about() {
    let index = bundled_index().to_str().unwrap();
    let refused = zoek(&["serve", "--index", index, "--bind", "0.0.0.0:0"]);
    assert_eq!(refused.code, 2);
    assert!(
        refused
            .stderr
            .starts_with("zoek: --bind 0.0.0.0:0: not a loopback address; add --allow-remote"),
        "{}",
        refused.stderr
    );
    let served = Served::start(bundled_index(), &["--bind", "0.0.0.0:0", "--allow-remote"]);
    assert!(
        served
            .log
            .lock()
            .unwrap()
            .contains("anyone who reaches this machine on that network can read the whole archive"),
        "{}",
        served.log.lock().unwrap()
    );
    let missing = zoek(&["serve", "--index", "/nonexistent/zoek-index"]);
    assert_eq!(missing.code, 2);
    assert!(
        missing.stderr.starts_with("zoek: no index at"),
        "{}",
        missing.stderr
    );
}

#[test]
fn an_update_is_searched_without_a_restart() {
    let (tmp, index) = indexed(&[(
        "eerste.md".to_string(),
        "# Eerste stuk\n\nOver de dijk.\n".to_string(),
    )]);
    let served = Served::start(&index, &[]);
    let hits = |word: &str| {
        served
            .lines(&format!("/api/search?q={word}"))
            .into_iter()
            .filter(|l| l["type"] == "hit")
            .count()
    };
    let generation = || served.get("/api/health").json()["generation"].clone();
    assert_eq!(hits("brug"), 0);
    let before = generation();

    write(
        &tmp.path().join("c"),
        "tweede.md",
        "# Tweede stuk\n\nDe brug gaat open.\n",
    );
    let run = zoek_in(tmp.path(), &["index", "c", "--index", "i"], &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(hits("brug"), 1, "an update in place");
    assert_eq!(generation(), before);

    let run = zoek_in(
        tmp.path(),
        &["index", "c", "--index", "i", "--rebuild"],
        &[],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_ne!(generation(), before, "a new generation");
    assert_eq!(hits("brug"), 1);
    assert_eq!(hits("stuk"), 2);
}
