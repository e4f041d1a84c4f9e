//! HTML articles saved from news sites: the text of `<article>` (else `<main>`, else
//! `<body>`) without scripts, styles, navigation, headers, footers, asides and forms; block
//! elements become paragraphs. Title from `<h1>`, `og:title` or `<title>`; date from
//! `article:published_time` and similar meta tags or `<time datetime>`; url from `og:url`
//! or the canonical link; source from `og:site_name`.

use scraper::{ElementRef, Html, Node, Selector};

use super::article::{checked_date, Article, FileRead, Problem};

/// Elements whose text is never article text.
const DROPPED: [&str; 12] = [
    "script", "style", "nav", "header", "footer", "aside", "form", "noscript", "template", "svg",
    "button", "iframe",
];

/// Elements that end a paragraph.
const BLOCKS: [&str; 18] = [
    "p",
    "div",
    "section",
    "article",
    "main",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "li",
    "ul",
    "ol",
    "blockquote",
    "pre",
    "figcaption",
    "br",
];

fn selector(css: &str) -> Selector {
    Selector::parse(css).expect("zoek's own selectors are valid CSS")
}

fn first_attr(document: &Html, css: &str, attr: &str) -> Option<String> {
    document
        .select(&selector(css))
        .filter_map(|e| e.value().attr(attr))
        .map(|v| v.trim().to_string())
        .find(|v| !v.is_empty())
}

fn text_of(element: ElementRef) -> String {
    element
        .text()
        .collect::<Vec<_>>()
        .join(" ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

fn first_text(document: &Html, css: &str) -> Option<String> {
    document
        .select(&selector(css))
        .map(text_of)
        .find(|t| !t.is_empty())
}

/// Collects paragraphs from `root`'s subtree, leaving out dropped elements. The tree is
/// walked without recursion (parent and sibling links), so any depth of nesting costs only
/// time linear in the number of nodes.
fn paragraphs(root: ElementRef, title: &str, out: &mut Vec<String>) {
    let mut current = String::new();
    let block = |node: &Node| {
        node.as_element()
            .is_some_and(|e| BLOCKS.contains(&e.name()))
    };
    let mut next = root.first_child();
    while let Some(node) = next {
        let mut descend = false;
        match node.value() {
            Node::Text(text) => {
                current.push_str(text);
                current.push(' ');
            }
            Node::Element(e) if !DROPPED.contains(&e.name()) => {
                if block(node.value()) {
                    flush(&mut current, title, out);
                }
                descend = true;
            }
            _ => {}
        }
        if descend {
            if let Some(child) = node.first_child() {
                next = Some(child);
                continue;
            }
        }
        // Leaving `node` (and every ancestor whose last child it is) until a next sibling.
        let mut leaving = node;
        loop {
            if (leaving != node || descend) && block(leaving.value()) {
                flush(&mut current, title, out);
            }
            if let Some(sibling) = leaving.next_sibling() {
                next = Some(sibling);
                break;
            }
            match leaving.parent() {
                Some(parent) if parent != *root => leaving = parent,
                _ => {
                    next = None;
                    break;
                }
            }
        }
    }
    flush(&mut current, title, out);
}

fn flush(current: &mut String, title: &str, out: &mut Vec<String>) {
    let paragraph = current.split_whitespace().collect::<Vec<_>>().join(" ");
    current.clear();
    if !paragraph.is_empty() && paragraph != title {
        out.push(paragraph);
    }
}

/// Deeper nesting than this is flattened before parsing: the HTML5 tree builder checks
/// scopes by scanning the stack of open elements, so its time grows with the square of the
/// depth (100,000 nested `<div>`s took 15 s). News pages nest a few dozen deep.
pub const MAX_DEPTH: usize = 512;
/// More attributes on one tag than this are dropped before parsing: the tokenizer looks
/// for a duplicate among a tag's attributes for each new one (quadratic as well).
pub const MAX_ATTRIBUTES: usize = 256;

/// Elements that never hold others (their start tag opens nothing).
const VOID: [&str; 14] = [
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
    "track", "wbr",
];
/// Elements whose content is text up to their end tag.
const RAW_TEXT: [&str; 9] = [
    "script", "style", "textarea", "title", "xmp", "iframe", "noembed", "noframes", "noscript",
];
/// For elements that a start tag of the same name closes (`<p>` ends an open `<p>`), the
/// elements that stop the search for it (a `<li>` inside a nested `<ul>` does not end the
/// outer list's item), after the HTML5 tree builder's scopes.
fn sibling_scope(name: &str) -> Option<&'static [&'static str]> {
    const CELL: &[&str] = &["table", "template", "html"];
    Some(match name {
        "p" => &["table", "td", "th", "button", "caption", "template", "html"],
        "li" => &["ul", "ol", "table", "td", "th", "template", "html"],
        "dt" | "dd" => &["dl", "table", "td", "th", "template", "html"],
        "td" | "th" | "tr" | "tbody" | "thead" | "tfoot" => CELL,
        "option" => &["select", "datalist"],
        _ => return None,
    })
}

/// A page with pathological nesting or attribute counts made parseable in linear time: tags
/// deeper than [`MAX_DEPTH`] and attributes past [`MAX_ATTRIBUTES`] are left out (their
/// text is kept), with a note saying so. `None` (the usual case) when the page is within
/// bounds. One pass over the bytes, tracking the open elements as a tree builder would,
/// approximately (implicit end tags of `p`, `li`, table cells and the like are followed).
pub fn tame(text: &str) -> Option<(String, String)> {
    let bytes = text.as_bytes();
    let mut out: Option<String> = None;
    // Bytes of `text` up to `copied` are in `out` (when there is one).
    let mut copied = 0;
    let mut open = OpenElements::default();
    let (mut too_deep, mut dropped_ends, mut too_many_attributes) = (0usize, 0usize, 0usize);
    let mut at = 0;
    while let Some(offset) = memchr(b'<', &bytes[at..]) {
        let lt = at + offset;
        at = lt + 1;
        let rest = &bytes[lt + 1..];
        match rest.first() {
            Some(b'!') => {
                at = if rest.starts_with(b"!--") {
                    find(bytes, lt + 4, b"-->").map_or(bytes.len(), |e| e + 3)
                } else {
                    find(bytes, lt, b">").map_or(bytes.len(), |e| e + 1)
                };
                continue;
            }
            Some(b'?') => {
                at = find(bytes, lt, b">").map_or(bytes.len(), |e| e + 1);
                continue;
            }
            _ => {}
        }
        let end_tag = rest.first() == Some(&b'/');
        let name_start = lt + 1 + usize::from(end_tag);
        let name_len = bytes[name_start..]
            .iter()
            .take_while(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b':' | b'_'))
            .count();
        if name_len == 0 || !bytes[name_start].is_ascii_alphabetic() {
            continue; // a '<' of text
        }
        let name = text[name_start..name_start + name_len].to_ascii_lowercase();
        let (tag_end, attributes, cut) = scan_tag(bytes, name_start + name_len);
        at = tag_end;
        let mut drop = false;
        if end_tag {
            // The innermost open elements are the ones left out, if any.
            if dropped_ends > 0 {
                dropped_ends -= 1;
                drop = true;
            } else {
                open.close(&name);
            }
        } else {
            // Start tags that end open elements: a `<p>`, `<li>`, `<td>` … ends one of its
            // own name nearby (and what is inside it), a block ends an open `<p>`.
            if let Some(scope) = sibling_scope(&name) {
                open.close_in_scope(&name, scope);
            }
            if (BLOCKS.contains(&name.as_str()) || name == "table") && open.top() == Some("p") {
                open.close("p");
            }
            let self_closing = open.foreign > 0 && bytes[..tag_end].ends_with(b"/>");
            let void = self_closing || VOID.contains(&name.as_str());
            if open.depth() >= MAX_DEPTH && !void {
                too_deep += 1;
                dropped_ends += 1;
                drop = true;
            } else if attributes > MAX_ATTRIBUTES {
                too_many_attributes += 1;
                let out = out.get_or_insert_with(String::new);
                out.push_str(&text[copied..cut]);
                out.push('>');
                copied = tag_end;
            }
            if RAW_TEXT.contains(&name.as_str()) {
                let close = format!("</{name}");
                at = find_ignore_case(bytes, tag_end, close.as_bytes()).unwrap_or(bytes.len());
            } else if !void && !drop {
                open.push(name);
            }
        }
        if drop {
            let out = out.get_or_insert_with(String::new);
            out.push_str(&text[copied..lt]);
            out.push(' ');
            copied = tag_end;
        }
    }
    let mut out = out?;
    out.push_str(&text[copied..]);
    let mut notes = Vec::new();
    if too_deep > 0 {
        notes.push(format!(
            "{too_deep} elements nested deeper than {MAX_DEPTH} were flattened (their text is kept)"
        ));
    }
    if too_many_attributes > 0 {
        notes.push(format!(
            "attributes past the first {MAX_ATTRIBUTES} of {too_many_attributes} tags were left out"
        ));
    }
    Some((out, format!("HTML: {}", notes.join("; "))))
}

/// The elements [`tame`] takes to be open, innermost last.
#[derive(Default)]
struct OpenElements {
    names: Vec<String>,
    /// How many of them are `svg` or `math`, inside which `<x/>` closes itself.
    foreign: usize,
}

impl OpenElements {
    fn depth(&self) -> usize {
        self.names.len()
    }

    fn top(&self) -> Option<&str> {
        self.names.last().map(String::as_str)
    }

    fn push(&mut self, name: String) {
        self.foreign += usize::from(matches!(name.as_str(), "svg" | "math"));
        self.names.push(name);
    }

    /// An end tag: closes the nearest open element of that name and those inside it, as
    /// long as it is near the top (a stray end tag closes nothing).
    fn close(&mut self, name: &str) {
        self.close_near(name, 64);
    }

    /// Closes the nearest open element of that name among the `near` innermost ones.
    fn close_near(&mut self, name: &str, near: usize) {
        let Some(from_top) = self.names.iter().rev().take(near).position(|n| n == name) else {
            return;
        };
        self.pop(from_top);
    }

    /// Closes the nearest open element of that name unless one of `scope` (or eight other
    /// elements) stands in between.
    fn close_in_scope(&mut self, name: &str, scope: &[&str]) {
        for (from_top, open) in self.names.iter().rev().take(8).enumerate() {
            if open == name {
                self.pop(from_top);
                return;
            }
            if scope.contains(&open.as_str()) {
                return;
            }
        }
    }

    /// Closes the innermost `from_top + 1` elements.
    fn pop(&mut self, from_top: usize) {
        for closed in self.names.drain(self.names.len() - 1 - from_top..) {
            self.foreign -= usize::from(matches!(closed.as_str(), "svg" | "math"));
        }
    }
}

/// The rest of a tag from just after its name: where it ends (after its `>`), how many
/// attributes it has, and where a copy that keeps only the first [`MAX_ATTRIBUTES`] of
/// them can stop. Attribute values in quotes may hold `>`.
fn scan_tag(bytes: &[u8], mut at: usize) -> (usize, usize, usize) {
    let mut attributes = 0;
    let mut cut = at;
    loop {
        while at < bytes.len() && (bytes[at].is_ascii_whitespace() || bytes[at] == b'/') {
            at += 1;
        }
        match bytes.get(at) {
            None => return (bytes.len(), attributes, cut.min(bytes.len())),
            Some(b'>') => {
                if attributes <= MAX_ATTRIBUTES {
                    cut = at;
                }
                return (at + 1, attributes, cut);
            }
            _ => {}
        }
        // An attribute: a name, then perhaps `=` and a value.
        while at < bytes.len()
            && !matches!(bytes[at], b'>' | b'=' | b'/')
            && !bytes[at].is_ascii_whitespace()
        {
            at += 1;
        }
        while at < bytes.len() && bytes[at].is_ascii_whitespace() {
            at += 1;
        }
        if bytes.get(at) == Some(&b'=') {
            at += 1;
            while at < bytes.len() && bytes[at].is_ascii_whitespace() {
                at += 1;
            }
            match bytes.get(at) {
                Some(&quote @ (b'"' | b'\'')) => {
                    at = memchr(quote, &bytes[at + 1..]).map_or(bytes.len(), |e| at + 1 + e + 1);
                }
                _ => {
                    while at < bytes.len() && bytes[at] != b'>' && !bytes[at].is_ascii_whitespace()
                    {
                        at += 1;
                    }
                }
            }
        }
        attributes += 1;
        if attributes == MAX_ATTRIBUTES {
            cut = at;
        }
    }
}

fn memchr(needle: u8, haystack: &[u8]) -> Option<usize> {
    haystack.iter().position(|b| *b == needle)
}

/// Where `needle` starts in `bytes` at or after `from`.
fn find(bytes: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    bytes
        .get(from..)?
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|p| from + p)
}

fn find_ignore_case(bytes: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    bytes
        .get(from..)?
        .windows(needle.len())
        .position(|w| w.eq_ignore_ascii_case(needle))
        .map(|p| from + p)
}

/// Reads one HTML page as one article.
pub fn read(id: &str, display: &str, text: &str, read: &mut FileRead) {
    let tamed = tame(text);
    if let Some((_, note)) = &tamed {
        read.warnings
            .push(Problem::new(display, None, note.clone()));
    }
    let text = tamed.as_ref().map_or(text, |(t, _)| t.as_str());
    let document = Html::parse_document(text);
    let title = first_text(&document, "article h1, main h1, h1")
        .or_else(|| first_attr(&document, r#"meta[property="og:title"]"#, "content"))
        .or_else(|| first_text(&document, "title"))
        .unwrap_or_default();
    let date_value = first_attr(
        &document,
        r#"meta[property="article:published_time"], meta[name="article:published_time"], meta[itemprop="datePublished"], meta[name="date"], meta[name="pubdate"], meta[name="DC.date"]"#,
        "content",
    )
    .or_else(|| first_attr(&document, "time[datetime]", "datetime"));
    let date = date_value.and_then(|v| checked_date(&v, display, None, &mut read.warnings));
    let url = first_attr(&document, r#"meta[property="og:url"]"#, "content")
        .or_else(|| first_attr(&document, r#"link[rel="canonical"]"#, "href"))
        .unwrap_or_default();
    let source =
        first_attr(&document, r#"meta[property="og:site_name"]"#, "content").unwrap_or_default();
    let root = ["article", "main", "body"]
        .iter()
        .find_map(|css| document.select(&selector(css)).next())
        .unwrap_or_else(|| document.root_element());
    let mut found = Vec::new();
    paragraphs(root, &title, &mut found);
    read.push(Article {
        id: id.to_string(),
        title,
        date,
        source,
        url,
        path: display.to_string(),
        line: 1,
        body_has_lines: false,
        body: found.join("\n\n"),
        explicit_id: false,
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::corpus::parse_date;

    const PAGE: &str = r#"<!doctype html>
<html><head>
<title>Storm raast over Zeeland | Omroep West</title>
<meta property="og:title" content="Storm raast over Zeeland">
<meta property="og:url" content="https://omroepwest.example/storm">
<meta property="og:site_name" content="Omroep West">
<meta property="article:published_time" content="2020-02-09T18:30:00+01:00">
<style>p { color: red }</style>
<script>var tracking = "verkiezingsfraude";</script>
</head><body>
<header><nav><a href="/">Home</a> <a href="/sport">Sport</a></nav></header>
<article>
<h1>Storm raast over <em>Zeeland</em></h1>
<p>De storm heeft in de nacht <b>grote schade</b> aangericht.</p>
<p>Bomen vielen om in Middelburg.<br>De brandweer rukte uit.</p>
<aside>Lees ook: iets anders</aside>
<ul><li>Eerste punt</li><li>Tweede punt</li></ul>
</article>
<footer>© Omroep West</footer>
</body></html>"#;

    #[test]
    fn extracts_article_text_and_metadata() {
        let mut out = FileRead::default();
        read("storm.html", "c/storm.html", PAGE, &mut out);
        let a = &out.articles[0];
        assert_eq!(a.title, "Storm raast over Zeeland");
        assert_eq!(a.date, parse_date("2020-02-09"));
        assert_eq!(a.url, "https://omroepwest.example/storm");
        assert_eq!(a.source, "Omroep West");
        assert_eq!(
            a.body,
            "De storm heeft in de nacht grote schade aangericht.\n\nBomen vielen om in Middelburg.\n\nDe brandweer rukte uit.\n\nEerste punt\n\nTweede punt"
        );
        assert!(
            !a.body.contains("tracking")
                && !a.body.contains("Home")
                && !a.body.contains("Lees ook")
        );
        assert!(out.warnings.is_empty());
    }

    #[test]
    fn falls_back_to_title_tag_and_time_element() {
        let mut out = FileRead::default();
        let page = "<html><head><title>Kop</title></head><body><time datetime=\"2019-03-12\">12 maart</time><p>Tekst.</p></body></html>";
        read("a.htm", "a.htm", page, &mut out);
        let a = &out.articles[0];
        assert_eq!(a.title, "Kop");
        assert_eq!(a.date, parse_date("2019-03-12"));
        assert!(a.body.ends_with("Tekst."), "{}", a.body);
    }

    fn body_of(page: &str) -> (String, Vec<String>) {
        let mut out = FileRead::default();
        read("a.html", "c/a.html", page, &mut out);
        let warnings = out.warnings.iter().map(|w| w.to_string()).collect();
        (out.articles.remove(0).body, warnings)
    }

    #[test]
    fn deep_nesting_is_read_without_recursion_in_linear_time() {
        let text = "<p>De gemeenteraad vergaderde.</p>";
        for (open, n) in [
            ("<span>", 60_000),
            ("<table><tr><td>", 20_000),
            ("<div>", 100_000),
        ] {
            let page = format!(
                "<html><body><article>{}{text}</article></body></html>",
                open.repeat(n)
            );
            let started = std::time::Instant::now();
            let (body, warnings) = body_of(&page);
            assert_eq!(body, "De gemeenteraad vergaderde.", "{open}");
            assert!(
                warnings[0].contains("nested deeper than 512 were flattened"),
                "{warnings:?}"
            );
            assert!(
                started.elapsed().as_secs() < 5,
                "{open} × {n}: {:?}",
                started.elapsed()
            );
        }
    }

    #[test]
    fn thousands_of_attributes_are_cut_in_linear_time() {
        let attributes: Vec<String> = (0..200_000).map(|i| format!("a{i}=\"{i}\"")).collect();
        let page = format!(
            "<html><body><p {}>De raad vergaderde.</p><p>Daarna niet.</p></body></html>",
            attributes.join(" ")
        );
        let started = std::time::Instant::now();
        let (body, warnings) = body_of(&page);
        assert_eq!(body, "De raad vergaderde.\n\nDaarna niet.");
        assert!(
            warnings[0].contains("attributes past the first 256"),
            "{warnings:?}"
        );
        assert!(started.elapsed().as_secs() < 5, "{:?}", started.elapsed());
    }

    #[test]
    fn ordinary_pages_are_not_rewritten() {
        assert!(tame(PAGE).is_none());
        // Unclosed paragraphs and list items, comments, scripts with tags in them, svg
        // paths that close themselves: none of it deepens past the bound.
        let mut page = String::from("<html><body><svg>");
        page.push_str(&"<path d=\"M0\"/>".repeat(2000));
        page.push_str("</svg><ul>");
        for i in 0..2000 {
            page.push_str(&format!(
                "<li>punt {i}<p>alinea <!-- <div><div> --><script>'<div>'</script>"
            ));
        }
        page.push_str("</ul></body></html>");
        assert!(tame(&page).is_none());
    }

    #[test]
    fn well_formed_deep_nesting_keeps_its_text_and_what_follows() {
        let page = format!(
            "<html><body><div><p>Voor.</p>{}<p>Diep.</p>{}<p>Na.</p></div></body></html>",
            "<div>".repeat(2000),
            "</div>".repeat(2000)
        );
        let (body, _) = body_of(&page);
        assert_eq!(body, "Voor.\n\nDiep.\n\nNa.");
    }
}
