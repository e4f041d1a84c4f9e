//! The search page: HTML made on the server, so that searching works without JavaScript,
//! with its labels in Dutch for the newsroom. Every text from the corpus and from the
//! request is escaped ([`escape`]), so a title such as `<script>` or `<img onerror>` shows
//! as text. The CSS and the little JavaScript (more results in place, `/` to the search
//! box) are compiled into the binary.

use std::fmt::Write as _;
use std::sync::Arc;

use axum::extract::{RawQuery, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};

use super::api::find_article;
use super::params::{self, Search, Strict};
use super::{blocking, Failure, Shared};
use crate::output::words::lead_words;
use crate::output::{snippet, SNIPPET_CHARS};
use crate::search::article::Article;
use crate::search::{self, Hit, Outcome, SearchError};

const CSS: &str = include_str!("zoek.css");
const JS: &str = include_str!("zoek.js");

pub(super) async fn css() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        CSS,
    )
        .into_response()
}

pub(super) async fn js() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        JS,
    )
        .into_response()
}

fn html(status: StatusCode, body: String) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        body,
    )
        .into_response()
}

pub(super) fn not_found() -> Response {
    html(
        StatusCode::NOT_FOUND,
        layout(
            "Niet gevonden – zoek",
            "<h1>Deze pagina bestaat niet</h1>\n<p><a href=\"/\">Naar de zoekpagina</a></p>\n",
        ),
    )
}

/// A failure as a page: what went wrong, and the way back.
fn failure_page(failure: &Failure) -> Response {
    let heading = match failure.status {
        StatusCode::NOT_FOUND => "Niet gevonden",
        StatusCode::BAD_REQUEST => "Dat kan zo niet",
        _ => "Er ging iets mis",
    };
    html(
        failure.status,
        layout(
            &format!("{heading} – zoek"),
            &format!(
                "<h1>{heading}</h1>\n<p class=\"error\" role=\"alert\">{}</p>\n<p><a href=\"/\">Naar de zoekpagina</a></p>\n",
                escape(&failure.message)
            ),
        ),
    )
}

/// Text made safe for HTML, in content and in quoted attribute values.
pub(super) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// `text` escaped, with its highlights (byte ranges, in order) in `<mark>`.
fn marked(text: &str, highlights: &[(usize, usize)]) -> String {
    let mut out = String::new();
    let mut at = 0;
    for &(start, end) in highlights {
        let usable = at <= start
            && start < end
            && end <= text.len()
            && text.is_char_boundary(start)
            && text.is_char_boundary(end);
        if !usable {
            continue;
        }
        out.push_str(&escape(&text[at..start]));
        out.push_str("<mark>");
        out.push_str(&escape(&text[start..end]));
        out.push_str("</mark>");
        at = end;
    }
    out.push_str(&escape(&text[at..]));
    out
}

/// A link: `path` with the query string of `pairs`, escaped for an attribute.
fn href(path: &str, pairs: &[(&str, &str)]) -> String {
    let mut query = form_urlencoded::Serializer::new(String::new());
    for (name, value) in pairs {
        query.append_pair(name, value);
    }
    escape(&format!("{path}?{}", query.finish()))
}

/// The parameters of a search as the page's links carry them (the query, the form's
/// values, a page further on); `query` replaces the one asked.
fn search_pairs<'a>(
    search: &'a Search,
    query: &'a str,
    offset: &'a str,
) -> Vec<(&'a str, &'a str)> {
    let mut pairs = vec![("q", query)];
    for (name, value) in [
        ("n", search.n.as_str()),
        ("since", search.since.as_str()),
        ("until", search.until.as_str()),
    ] {
        if !value.is_empty() {
            pairs.push((name, value));
        }
    }
    for source in &search.sources {
        pairs.push(("source", source.as_str()));
    }
    if search.sort != "relevance" {
        pairs.push(("sort", search.sort.as_str()));
    }
    if offset != "0" {
        pairs.push(("offset", offset));
    }
    pairs
}

const MONTHS: [&str; 12] = [
    "januari",
    "februari",
    "maart",
    "april",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
];

/// `2020-11-18` as the newsroom writes it: `18 november 2020`.
fn dutch_date(date: &str) -> String {
    let parts: Vec<&str> = date.split('-').collect();
    let (Some(year), Some(month), Some(day)) = (
        parts.first(),
        parts.get(1).and_then(|m| m.parse::<usize>().ok()),
        parts.get(2).and_then(|d| d.parse::<u32>().ok()),
    ) else {
        return date.to_string();
    };
    match MONTHS.get(month.wrapping_sub(1)) {
        Some(name) => format!("{day} {name} {year}"),
        None => date.to_string(),
    }
}

/// The date and source of an article, as a line under its title.
fn meta(date: Option<&str>, source: &str, url: Option<&str>) -> String {
    let mut parts = Vec::new();
    if let Some(date) = date {
        parts.push(format!(
            "<time datetime=\"{}\">{}</time>",
            escape(date),
            escape(&dutch_date(date))
        ));
    }
    if !source.is_empty() {
        parts.push(format!("<span class=\"source\">{}</span>", escape(source)));
    }
    // Only a web address is a link: a `javascript:` url from the corpus stays text.
    if let Some(url) = url.filter(|u| u.starts_with("https://") || u.starts_with("http://")) {
        parts.push(format!(
            "<a class=\"original\" href=\"{}\" rel=\"noopener noreferrer nofollow\">origineel artikel</a>",
            escape(url)
        ));
    }
    parts.join(" · ")
}

/// An article's heading: its title, else its first words marked as no title.
fn heading(title: &str, lead: Option<&str>) -> String {
    if !title.is_empty() {
        return title.to_string();
    }
    match lead {
        Some(text) => format!("(zonder titel) {}", lead_words(text)),
        None => "(zonder titel)".to_string(),
    }
}

fn layout(title: &str, main: &str) -> String {
    format!(
        r#"<!doctype html>
<html lang="nl">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{}</title>
<link rel="stylesheet" href="/zoek.css">
<script src="/zoek.js" defer></script>
</head>
<body>
<header class="top"><a class="logo" href="/">zoek</a> <span class="tagline">in het nieuwsarchief</span></header>
<main>
{main}</main>
</body>
</html>
"#,
        escape(title)
    )
}

/// The search form, filled with what was asked.
fn form(out: &mut String, search: &Search, sources: &[String]) {
    let autofocus = if search.query.is_empty() {
        " autofocus"
    } else {
        ""
    };
    let _ = write!(
        out,
        r#"<form class="search" role="search" method="get" action="/">
<div class="box">
<label for="q">Zoekvraag</label>
<input id="q" name="q" type="search" value="{}" placeholder="bijvoorbeeld verkiezingsfraude" autocomplete="off" spellcheck="false"{autofocus}>
<button type="submit">Zoeken</button>
</div>
<fieldset class="filters">
<legend>Verfijnen</legend>
<div class="field"><label for="since">Vanaf</label><input id="since" name="since" value="{}" placeholder="2019-03-01"></div>
<div class="field"><label for="until">Tot en met</label><input id="until" name="until" value="{}" placeholder="maart 2021"></div>
<div class="field"><label for="source">Bron</label><select id="source" name="source">
<option value="">Alle bronnen</option>
"#,
        escape(&search.query),
        escape(&search.since),
        escape(&search.until),
    );
    let chosen = search.sources.first().map(String::as_str).unwrap_or("");
    let mut listed = false;
    for name in sources {
        let selected = if name == chosen {
            listed = true;
            " selected"
        } else {
            ""
        };
        let _ = writeln!(
            out,
            "<option value=\"{0}\"{selected}>{0}</option>",
            escape(name)
        );
    }
    if !chosen.is_empty() && !listed {
        // A source named by one of its words (as source: takes it) stays chosen.
        let _ = writeln!(
            out,
            "<option value=\"{0}\" selected>{0}</option>",
            escape(chosen)
        );
    }
    out.push_str(
        "</select></div>\n<div class=\"field\"><label for=\"sort\">Volgorde</label><select id=\"sort\" name=\"sort\">\n",
    );
    for (value, label) in [
        ("relevance", "Beste eerst"),
        ("-date", "Nieuwste eerst"),
        ("date", "Oudste eerst"),
    ] {
        let selected = if search.sort == value {
            " selected"
        } else {
            ""
        };
        let _ = writeln!(out, "<option value=\"{value}\"{selected}>{label}</option>");
    }
    out.push_str("</select></div>\n</fieldset>\n</form>\n");
}

/// One result: the article's title (a link to it, at the passage), date and source, and
/// the passage with its matches marked.
fn hit(out: &mut String, search: &Search, hit: &Hit) {
    let p = &hit.passage;
    let ordinal = (p.ordinal + 1).to_string();
    let offset = search.options.offset.to_string();
    let mut pairs = vec![("id", p.article.article_id.as_str())];
    pairs.extend(search_pairs(search, &search.query, &offset));
    let link = format!("{}#p{ordinal}", href("/artikel", &pairs));
    let shown = snippet(&p.text, &hit.highlights, SNIPPET_CHARS);
    let _ = write!(
        out,
        "<li class=\"hit\">\n<h2><a href=\"{link}\">{}</a></h2>\n<p class=\"meta\">{}</p>\n<p class=\"passage\">{}</p>\n</li>\n",
        escape(&heading(&p.article.title, hit.article_lead.as_deref())),
        meta(p.article.date.as_deref(), &p.article.source, None),
        marked(&shown.text, &shown.highlights),
    );
}

/// What a search found, under the form.
fn results(out: &mut String, search: &Search, outcome: &Outcome, page: usize) {
    let offset = search.options.offset;
    if let Some(suggestion) = &outcome.suggestion {
        let link = href("/", &search_pairs(search, &suggestion.query, "0"));
        let _ = writeln!(
            out,
            "<p class=\"suggestion\">Bedoelde u: <a href=\"{link}\">{}</a>?</p>",
            escape(&suggestion.query)
        );
    }
    let hits = outcome.hits();
    let shown = &hits[..hits.len().min(page)];
    let query = escape(&search.query);
    if shown.is_empty() {
        let text = if offset == 0 {
            format!("Niets gevonden voor ‘{query}’.")
        } else {
            format!("Geen verdere resultaten voor ‘{query}’.")
        };
        let _ = writeln!(out, "<p class=\"status\" role=\"status\">{text}</p>");
        return;
    }
    let _ = writeln!(
        out,
        "<p class=\"status\" role=\"status\">Resultaten {}–{} voor ‘{query}’</p>\n<ol class=\"results\" start=\"{}\">",
        offset + 1,
        offset + shown.len(),
        offset + 1
    );
    for h in shown {
        hit(out, search, h);
    }
    out.push_str("</ol>\n");
    if hits.len() > page {
        let next = (offset + page).to_string();
        let link = href("/", &search_pairs(search, &search.query, &next));
        let _ = writeln!(
            out,
            "<p class=\"more-wrap\"><a class=\"more\" rel=\"next\" href=\"{link}\">Meer resultaten</a></p>"
        );
    }
}

/// `/`: the search page; with `q`, its results.
pub(super) async fn search(State(shared): State<Arc<Shared>>, RawQuery(raw): RawQuery) -> Response {
    let form_values = params::form(raw.as_deref());
    let asked = params::search(raw.as_deref(), Strict::No);
    let result = blocking(&shared, move |shared, index| {
        let sources = shared.sources(index)?;
        let mut main = String::new();
        let (status, title) = match asked {
            Err(failure) => {
                form(&mut main, &form_values, &sources);
                let _ = writeln!(
                    main,
                    "<p class=\"error\" role=\"alert\">{}</p>",
                    escape(&failure.message)
                );
                (failure.status, "zoek".to_string())
            }
            Ok(search) if search.query.trim().is_empty() => {
                form(&mut main, &search, &sources);
                (StatusCode::OK, "zoek".to_string())
            }
            Ok(mut search) => {
                form(&mut main, &search, &sources);
                // One more than a page (n, 10 unless asked) says whether there are more.
                let page = search.options.limit;
                search.options.limit = page + 1;
                let status = match search::run(index, &search.query, &search.options) {
                    Ok(outcome) => {
                        results(&mut main, &search, &outcome, page);
                        StatusCode::OK
                    }
                    Err(SearchError::Query(err)) => {
                        let failure = Failure::query(&search.query, &err);
                        let _ = writeln!(
                            main,
                            "<p class=\"error\" role=\"alert\">{}</p>",
                            escape(&failure.message)
                        );
                        failure.status
                    }
                    Err(err) => return Err(Failure::search(shared.live.dir(), "", err)),
                };
                (status, format!("{} – zoek", search.query))
            }
        };
        Ok((status, layout(&title, &main)))
    })
    .await;
    match result {
        Ok((status, body)) => html(status, body),
        Err(failure) => failure_page(&failure),
    }
}

/// `/artikel?id=…`: a whole article, the query's matches marked; the passage of the hit is
/// the link's target (`#pN`), marked by the CSS and scrolled to.
pub(super) async fn article(
    State(shared): State<Arc<Shared>>,
    RawQuery(raw): RawQuery,
) -> Response {
    let back = params::form(raw.as_deref());
    let asked = params::article(raw.as_deref(), Strict::No);
    let result = blocking(&shared, move |shared, index| {
        let request = asked?;
        let article = find_article(shared, index, &request.id, request.query.as_deref())?;
        Ok(article_page(&article, &back))
    })
    .await;
    match result {
        Ok(body) => html(StatusCode::OK, body),
        Err(failure) => failure_page(&failure),
    }
}

fn article_page(article: &Article, back: &Search) -> String {
    let mut main = String::new();
    if back.query.is_empty() {
        main.push_str("<p class=\"back\"><a href=\"/\">← Zoeken</a></p>\n");
    } else {
        let offset = back.options.offset.to_string();
        let _ = writeln!(
            main,
            "<p class=\"back\"><a href=\"{}\">← Terug naar de resultaten</a></p>",
            href("/", &search_pairs(back, &back.query, &offset))
        );
    }
    let lead = article.passages.first().map(|p| p.text.as_str());
    let title = heading(&article.info.title, lead);
    let _ = write!(
        main,
        "<article class=\"article\">\n<h1>{}</h1>\n<p class=\"meta\">{}</p>\n",
        escape(&title),
        meta(
            article.info.date.as_deref(),
            &article.info.source,
            Some(&article.info.url)
        ),
    );
    for p in &article.passages {
        let _ = writeln!(
            main,
            "<p class=\"passage\" id=\"p{}\">{}</p>",
            p.ordinal + 1,
            marked(&p.text, &p.highlights)
        );
    }
    main.push_str("</article>\n");
    layout(&format!("{title} – zoek"), &main)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::SortOrder;

    #[test]
    fn corpus_text_is_escaped() {
        assert_eq!(
            escape(r#"<img src=x onerror="alert('x')">&"#),
            "&lt;img src=x onerror=&quot;alert(&#39;x&#39;)&quot;&gt;&amp;"
        );
        assert_eq!(
            marked("a <b> fraude", &[(6, 12)]),
            "a &lt;b&gt; <mark>fraude</mark>"
        );
        // Ranges that overlap, run past the text or split a character are left out.
        assert_eq!(marked("één", &[(0, 1), (0, 2), (1, 9)]), "<mark>é</mark>én");
        assert_eq!(
            meta(None, "", Some("javascript:alert(1)")),
            "",
            "only web addresses are links"
        );
    }

    #[test]
    fn dates_are_written_in_dutch() {
        assert_eq!(dutch_date("2020-11-18"), "18 november 2020");
        assert_eq!(dutch_date("2021-03-07"), "7 maart 2021");
        assert_eq!(dutch_date("nonsense"), "nonsense");
    }

    #[test]
    fn links_carry_the_search() {
        let search = params::search(
            Some("q=a%26b&since=2019&source=Omroep+West&sort=-date"),
            Strict::No,
        )
        .unwrap();
        assert_eq!(search.options.sort, SortOrder::DateDesc);
        assert_eq!(
            href("/", &search_pairs(&search, &search.query, "10")),
            "/?q=a%26b&amp;since=2019&amp;source=Omroep+West&amp;sort=-date&amp;offset=10"
        );
    }
}
