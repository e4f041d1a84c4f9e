//! The JSON API: each endpoint answers with the lines `zoek search --json`, `zoek show
//! --json` and `zoek stats --json` print for the same request (one format, one set of field
//! names), and with an `error` line and a matching status when it cannot.
//!
//! | endpoint | answers |
//! |---|---|
//! | `/api/search?q=…` | `hit` lines and the `summary` line (JSON Lines) |
//! | `/api/article?id=…` | one `article` line, or 404 |
//! | `/api/suggest?q=…` | the `summary` line of a count, with its `suggestion` |
//! | `/api/stats` | one `stats` line |
//! | `/api/health` | one `health` line |

use std::sync::Arc;

use axum::extract::{RawQuery, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};

use super::params::{self, Strict};
use super::{blocking, Failure, Shared, JSON, JSON_LINES};
use crate::index::{self, ZoekIndex};
use crate::output::{self, json};
use crate::query::{self, Matcher};
use crate::search;
use crate::search::article::{find, Article};

/// What an endpoint answers: its body and content type, or why not.
fn answer(result: Result<Vec<u8>, Failure>, content_type: &'static str) -> Response {
    match result {
        Ok(body) => (StatusCode::OK, [(header::CONTENT_TYPE, content_type)], body).into_response(),
        Err(failure) => failure.json(),
    }
}

/// The matchers that highlight `text`'s matches, or why it is no query.
fn matchers(index: &ZoekIndex, text: &str) -> Result<Vec<Matcher>, Failure> {
    query::parse(text)
        .and_then(|node| query::compile(node, index.analyzer()))
        .map(|compiled| compiled.matchers)
        .map_err(|err| Failure::query(text, &err))
}

/// The article `id` names (an id or a `path:line`), highlighted with `query`; 404 when
/// there is none.
pub(super) fn find_article(
    shared: &Shared,
    index: &ZoekIndex,
    id: &str,
    query: Option<&str>,
) -> Result<Article, Failure> {
    let matchers = match query {
        Some(text) => matchers(index, text)?,
        None => Vec::new(),
    };
    match find(index, id, &matchers) {
        Ok(Some((article, _))) => Ok(article),
        Ok(None) => Err(Failure::new(StatusCode::NOT_FOUND, output::no_article(id))),
        Err(err) => Err(Failure::damaged(shared.live.dir(), &err.to_string())),
    }
}

/// A search run off the async threads, as the JSON Lines `zoek search --json` prints.
async fn outcome_lines(shared: &Arc<Shared>, request: params::Search) -> Result<Vec<u8>, Failure> {
    blocking(shared, move |shared, index| {
        let outcome = search::run(index, &request.query, &request.options)
            .map_err(|err| Failure::search(shared.live.dir(), &request.query, err))?;
        let mut body = Vec::new();
        json::print_outcome(&mut body, None, &request.query, &outcome).expect("writing to memory");
        Ok(body)
    })
    .await
}

pub(super) async fn search(State(shared): State<Arc<Shared>>, RawQuery(raw): RawQuery) -> Response {
    let request = match params::search(raw.as_deref(), Strict::Yes) {
        Ok(request) => request,
        Err(failure) => return failure.json(),
    };
    answer(outcome_lines(&shared, request).await, JSON_LINES)
}

pub(super) async fn suggest(
    State(shared): State<Arc<Shared>>,
    RawQuery(raw): RawQuery,
) -> Response {
    let request = match params::suggest(raw.as_deref()) {
        Ok(request) => request,
        Err(failure) => return failure.json(),
    };
    answer(outcome_lines(&shared, request).await, JSON)
}

pub(super) async fn article(
    State(shared): State<Arc<Shared>>,
    RawQuery(raw): RawQuery,
) -> Response {
    let request = match params::article(raw.as_deref(), Strict::Yes) {
        Ok(request) => request,
        Err(failure) => return failure.json(),
    };
    let result = blocking(&shared, move |shared, index| {
        let article = find_article(shared, index, &request.id, request.query.as_deref())?;
        let mut body = Vec::new();
        json::print_article(&mut body, &article).expect("writing to memory");
        Ok(body)
    })
    .await;
    answer(result, JSON)
}

pub(super) async fn stats(State(shared): State<Arc<Shared>>, RawQuery(raw): RawQuery) -> Response {
    if let Some(failure) = no_parameters(raw.as_deref()) {
        return failure.json();
    }
    let result = blocking(&shared, |shared, index| {
        let stats = index::stats(index).map_err(Failure::index)?;
        let mut body = Vec::new();
        json::print_stats(&mut body, &shared.live.dir().display().to_string(), &stats)
            .expect("writing to memory");
        Ok(body)
    })
    .await;
    answer(result, JSON)
}

pub(super) async fn health(State(shared): State<Arc<Shared>>, RawQuery(raw): RawQuery) -> Response {
    if let Some(failure) = no_parameters(raw.as_deref()) {
        return failure.json();
    }
    let result = blocking(&shared, |_, index| {
        let generation = index
            .generation()
            .file_name()
            .map(|name| name.to_string_lossy().into_owned())
            .unwrap_or_default();
        let mut body = Vec::new();
        json::print_health(&mut body, &generation).expect("writing to memory");
        Ok(body)
    })
    .await;
    answer(result, JSON)
}

/// An endpoint without parameters refuses any.
fn no_parameters(raw: Option<&str>) -> Option<Failure> {
    form_urlencoded::parse(raw.unwrap_or_default().as_bytes())
        .next()
        .map(|(name, _)| {
            Failure::bad_request(format!(
                "unknown parameter '{name}'; this endpoint has none"
            ))
        })
}
