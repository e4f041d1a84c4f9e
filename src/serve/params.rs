//! The parameters of a request, read from its query string into what the library takes.
//! The API reads them strictly (an unknown name is an error, so a typo is not silently
//! ignored); the page passes over names it does not know. An empty value counts as not
//! given, as an HTML form sends a field left empty.

use super::Failure;
use crate::query::{filter, DateRange, Filters, MatchMode};
use crate::search::{SearchOptions, SortOrder, View};

/// The most hits one request may ask for.
pub const MAX_N: usize = 1000;
/// The most hits a request may pass over (a page costs what comes before it).
pub const MAX_OFFSET: usize = 10_000;
/// The most passages of context on each side of a hit.
pub const MAX_CONTEXT: usize = 10;

/// The names of a search's parameters, as the API's errors list them.
const SEARCH_NAMES: &str =
    "q, n, offset, since, until, source, sort, per_article, context, feedback";

/// A search as asked: the query and how to run it, and the form's values as given (for the
/// page, which fills its form with them and builds its links from them).
#[derive(Debug, Clone, Default)]
pub struct Search {
    pub query: String,
    pub options: SearchOptions,
    /// `n` as given (empty when not).
    pub n: String,
    pub since: String,
    pub until: String,
    pub sources: Vec<String>,
    /// `relevance`, `date` or `-date`.
    pub sort: String,
    pub per_article: bool,
}

/// An article as asked: its id (or `path:line`), and a query whose matches to highlight.
#[derive(Debug, Clone, Default)]
pub struct ArticleRequest {
    pub id: String,
    pub query: Option<String>,
}

/// Whether unknown names are errors.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Strict {
    /// The API: an unknown name is an error.
    Yes,
    /// The page: unknown names are passed over.
    No,
}

fn pairs(raw: Option<&str>) -> Vec<(String, String)> {
    form_urlencoded::parse(raw.unwrap_or_default().as_bytes())
        .into_owned()
        .collect()
}

fn bad(message: String) -> Failure {
    Failure::bad_request(message)
}

fn unknown(name: &str, names: &str) -> Failure {
    bad(format!(
        "unknown parameter '{name}'; the parameters are {names}"
    ))
}

fn number(name: &str, value: &str, least: usize, most: usize) -> Result<usize, Failure> {
    value
        .parse::<usize>()
        .ok()
        .filter(|n| (least..=most).contains(n))
        .ok_or_else(|| {
            bad(format!(
                "{name}: '{value}' is not a number from {least} to {most}"
            ))
        })
}

fn period(name: &str, value: &str) -> Result<Option<filter::Period>, Failure> {
    if value.trim().is_empty() {
        return Ok(None);
    }
    filter::parse_period(value.trim())
        .map(Some)
        .map_err(|e| bad(format!("{name}: {e}")))
}

/// A search's parameters. `q` may be missing only where `Strict::No` (the page without a
/// query is the empty search page; its query is then empty).
pub fn search(raw: Option<&str>, strict: Strict) -> Result<Search, Failure> {
    let mut search = Search {
        options: SearchOptions {
            matching: MatchMode::Ranked,
            ..SearchOptions::default()
        },
        sort: "relevance".to_string(),
        ..Search::default()
    };
    let mut query = None;
    for (name, value) in pairs(raw) {
        match name.as_str() {
            "q" => query = Some(value),
            "n" => {
                search.options.limit = number("n", &value, 1, MAX_N)?;
                search.n = value;
            }
            "offset" => search.options.offset = number("offset", &value, 0, MAX_OFFSET)?,
            "since" => search.since = value,
            "until" => search.until = value,
            "source" if value.trim().is_empty() => {}
            "source" => search.sources.push(value),
            "sort" => {
                search.options.sort = match value.as_str() {
                    "relevance" | "" => SortOrder::Relevance,
                    "date" => SortOrder::Date,
                    "-date" => SortOrder::DateDesc,
                    _ => {
                        return Err(bad(format!(
                            "sort: '{value}' is not relevance, date or -date"
                        )))
                    }
                };
                search.sort = if value.is_empty() {
                    "relevance".to_string()
                } else {
                    value
                };
            }
            "per_article" => search.per_article = flag("per_article", &value)?,
            "feedback" => search.options.feedback = flag("feedback", &value)?,
            "context" => search.options.context = number("context", &value, 0, MAX_CONTEXT)?,
            _ if strict == Strict::Yes => return Err(unknown(&name, SEARCH_NAMES)),
            _ => {}
        }
    }
    search.query = match query {
        Some(q) => q,
        None if strict == Strict::Yes => {
            return Err(bad(
                "the query is missing: give it as q (/api/search?q=verkiezingsfraude)".to_string(),
            ))
        }
        None => String::new(),
    };
    search.options.view = if search.per_article {
        View::ArticlesWithPassage
    } else {
        View::Passages
    };
    let since = period("since", &search.since)?;
    let until = period("until", &search.until)?;
    search.options.filters = Filters {
        date: DateRange::between(since, until).map_err(|e| bad(e.to_string()))?,
        sources: search.sources.clone(),
    };
    Ok(search)
}

/// The values of the page's form as given, unchecked (to fill the form again when they
/// hold a mistake, and to take them along to an article and back).
pub fn form(raw: Option<&str>) -> Search {
    let mut form = Search {
        sort: "relevance".to_string(),
        ..Search::default()
    };
    for (name, value) in pairs(raw) {
        match name.as_str() {
            "q" => form.query = value,
            "n" => form.n = value,
            "since" => form.since = value,
            "until" => form.until = value,
            "source" if !value.trim().is_empty() => form.sources.push(value),
            "sort" if !value.is_empty() => form.sort = value,
            "offset" => form.options.offset = value.parse().unwrap_or(0).min(MAX_OFFSET),
            _ => {}
        }
    }
    form
}

/// A suggestion's parameters: the query and its filters; the search counts what it finds.
pub fn suggest(raw: Option<&str>) -> Result<Search, Failure> {
    for (name, _) in pairs(raw) {
        if !matches!(name.as_str(), "q" | "since" | "until" | "source") {
            return Err(unknown(&name, "q, since, until, source"));
        }
    }
    let mut search = search(raw, Strict::Yes)?;
    search.options.view = View::Count;
    Ok(search)
}

/// An article's parameters: `id`, and `q` to highlight.
pub fn article(raw: Option<&str>, strict: Strict) -> Result<ArticleRequest, Failure> {
    let mut request = ArticleRequest::default();
    let mut id = None;
    for (name, value) in pairs(raw) {
        match name.as_str() {
            "id" => id = Some(value),
            "q" if value.trim().is_empty() => request.query = None,
            "q" => request.query = Some(value),
            _ if strict == Strict::Yes => return Err(unknown(&name, "id, q")),
            _ => {}
        }
    }
    request.id = id.filter(|id| !id.is_empty()).ok_or_else(|| {
        bad("the article is missing: give its id as id (/api/article?id=ID)".to_string())
    })?;
    Ok(request)
}

/// A yes-or-no parameter (`true`, `1`, `on`; `false`, `0`, empty).
fn flag(name: &str, value: &str) -> Result<bool, Failure> {
    match value {
        "true" | "1" | "on" => Ok(true),
        "false" | "0" | "" => Ok(false),
        _ => Err(bad(format!("{name}: '{value}' is not true or false"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_search_reads_every_option() {
        let s = search(
            Some("q=fraude+trump&n=5&offset=10&since=2019&until=maart+2021&source=west&source=&sort=-date&per_article=true&context=2&feedback=1"),
            Strict::Yes,
        )
        .unwrap();
        assert_eq!(s.query, "fraude trump");
        assert_eq!(s.options.limit, 5);
        assert_eq!(s.options.offset, 10);
        assert_eq!(s.options.sort, SortOrder::DateDesc);
        assert_eq!(s.options.view, View::ArticlesWithPassage);
        assert_eq!(s.options.context, 2);
        assert_eq!(s.options.filters.sources, ["west"]);
        let date = s.options.filters.date.unwrap();
        assert_eq!(date.from.unwrap().to_string(), "2019-01-01");
        assert_eq!(date.to.unwrap().to_string(), "2021-03-31");
        assert_eq!(s.options.matching, MatchMode::Ranked);
        assert!(s.options.feedback);
    }

    #[test]
    fn mistakes_are_named() {
        let message = |raw: &str| search(Some(raw), Strict::Yes).unwrap_err().message;
        assert!(message("q=a&colour=red").starts_with("unknown parameter 'colour'"));
        assert_eq!(message("q=a&n=0"), "n: '0' is not a number from 1 to 1000");
        assert_eq!(
            message("q=a&n=1001"),
            "n: '1001' is not a number from 1 to 1000"
        );
        assert!(message("q=a&since=2019-13").starts_with("since: invalid date '2019-13'"));
        assert!(message("q=a&since=2021&until=2020").starts_with("empty date range"));
        assert!(message("n=3").starts_with("the query is missing"));
        assert_eq!(
            message("q=a&sort=newest"),
            "sort: 'newest' is not relevance, date or -date"
        );
        // The page passes over what it does not know and has an empty query without q.
        let page = search(Some("utm_source=x"), Strict::No).unwrap();
        assert_eq!(page.query, "");
        assert!(suggest(Some("q=a&n=3")).is_err());
        assert!(article(Some("q=a"), Strict::Yes).is_err());
        assert_eq!(article(Some("id=x&q="), Strict::Yes).unwrap().query, None);
    }
}
