//! HTML articles saved from news sites: the text of `<article>` (else `<main>`, else
//! `<body>`) without scripts, styles, navigation, headers, footers, asides and forms; block
//! elements become paragraphs. Title from `<h1>`, `og:title` or `<title>`; date from
//! `article:published_time` and similar meta tags or `<time datetime>`; url from `og:url`
//! or the canonical link; source from `og:site_name`.

use scraper::{ElementRef, Html, Node, Selector};

use super::article::{checked_date, Article, FileRead};

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

/// Collects paragraphs from `element`'s subtree, skipping dropped elements.
fn paragraphs(element: ElementRef, title: &str, out: &mut Vec<String>, current: &mut String) {
    for child in element.children() {
        match child.value() {
            Node::Text(text) => {
                current.push_str(text);
                current.push(' ');
            }
            Node::Element(e) => {
                let name = e.name();
                if DROPPED.contains(&name) {
                    continue;
                }
                let Some(child) = ElementRef::wrap(child) else {
                    continue;
                };
                let block = BLOCKS.contains(&name);
                if block {
                    flush(current, title, out);
                }
                paragraphs(child, title, out, current);
                if block {
                    flush(current, title, out);
                }
            }
            _ => {}
        }
    }
}

fn flush(current: &mut String, title: &str, out: &mut Vec<String>) {
    let paragraph = current.split_whitespace().collect::<Vec<_>>().join(" ");
    current.clear();
    if !paragraph.is_empty() && paragraph != title {
        out.push(paragraph);
    }
}

/// Reads one HTML page as one article.
pub fn read(id: &str, display: &str, text: &str, read: &mut FileRead) {
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
    let mut current = String::new();
    paragraphs(root, &title, &mut found, &mut current);
    flush(&mut current, &title, &mut found);
    read.articles.push(Article {
        id: id.to_string(),
        title,
        date,
        source,
        url,
        path: display.to_string(),
        line: 1,
        body_has_lines: false,
        body: found.join("\n\n"),
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
}
