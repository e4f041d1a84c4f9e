//! `zoek serve`: the archive over HTTP, for the browsers and tools of a newsroom.
//!
//! Owns the server and nothing of searching: the routes, the limits a request meets (a
//! timeout, no request body, a bounded number of connections and of searches at once), the
//! headers every answer carries, the JSON API ([`api`]: parameters in, the wire types of
//! `output::json` out, so the API and `zoek search --json` are one format) and the search
//! page ([`page`]: HTML made on the server, with its CSS and a little JavaScript compiled into
//! the binary). Searches go through `search::run` as on the command line, on an
//! [`index::LiveIndex`], which follows the commits of `zoek index`. Nothing is read from disk
//! but the index, so no request can reach another file.

mod api;
mod page;
mod params;

use std::net::{SocketAddr, TcpListener};
use std::ops::Range;
use std::path::Path;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use tokio::sync::Semaphore;

use crate::index::{self, LiveIndex, ZoekIndex};
use crate::output::{self, json};
use crate::query::QueryError;
use crate::search::SearchError;

/// How long a request may take, its wait for a turn included. A search still running then
/// finishes in the background (the query limits bound it) and the request answers 503.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);
/// How long a client may take to send the head of a request.
pub const HEADER_TIMEOUT: Duration = Duration::from_secs(10);
/// Connections served at once; more wait to be accepted.
pub const MAX_CONNECTIONS: usize = 256;
/// The largest request body announced: no request needs one.
pub const MAX_BODY_BYTES: u64 = 1024;

/// The policy of every answer: the page's own CSS and script and nothing else, no inline
/// script (what the corpus holds is escaped besides), no framing.
const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; script-src 'self'; style-src 'self'; \
     img-src 'self'; connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

/// A server bound to its address, not yet serving.
pub struct Server {
    listener: TcpListener,
    shared: Arc<Shared>,
}

/// What every request may use.
struct Shared {
    live: LiveIndex,
    /// Searches running at once: about one per core, so a burst waits its turn rather than
    /// slowing every search down.
    searches: Arc<Semaphore>,
    /// The origin whose pages may call the API (CORS), when one was given.
    allow_origin: Option<HeaderValue>,
    /// The sources of the index for the page's filter, with the state they were counted in.
    sources: Mutex<Option<Sources>>,
}

/// The names of the sources of one state of the index.
type Sources = (Arc<ZoekIndex>, Arc<Vec<String>>);

impl Server {
    /// Binds `addr` to serve `live`; `allow_origin` lets that origin's pages call the API.
    pub fn bind(
        live: LiveIndex,
        addr: SocketAddr,
        allow_origin: Option<&str>,
    ) -> std::io::Result<Server> {
        let allow_origin = allow_origin
            .map(HeaderValue::from_str)
            .transpose()
            .map_err(|_| {
                std::io::Error::new(
                    std::io::ErrorKind::InvalidInput,
                    "--allow-origin: not a valid origin",
                )
            })?;
        let listener = TcpListener::bind(addr)?;
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        Ok(Server {
            listener,
            shared: Arc::new(Shared {
                live,
                searches: Arc::new(Semaphore::new(cores * 2)),
                allow_origin,
                sources: Mutex::new(None),
            }),
        })
    }

    /// The address it listens on (the port the system chose for port 0).
    pub fn local_addr(&self) -> std::io::Result<SocketAddr> {
        self.listener.local_addr()
    }

    /// Serves until the process is interrupted (Ctrl-C) or terminated.
    pub fn run(self) -> std::io::Result<()> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()?;
        let served = runtime.block_on(async move {
            self.listener.set_nonblocking(true)?;
            let listener = tokio::net::TcpListener::from_std(self.listener)?;
            let router = router(self.shared);
            tokio::select! {
                () = accept(listener, router) => {}
                () = stopped() => {}
            }
            Ok::<(), std::io::Error>(())
        });
        // A search still running ends with the process.
        runtime.shutdown_timeout(Duration::from_millis(100));
        served
    }
}

/// Accepts connections, each served on a task of its own, at most [`MAX_CONNECTIONS`] at once.
async fn accept(listener: tokio::net::TcpListener, router: Router) {
    let connections = Arc::new(Semaphore::new(MAX_CONNECTIONS));
    loop {
        let Ok(permit) = Arc::clone(&connections).acquire_owned().await else {
            return;
        };
        let stream = match listener.accept().await {
            Ok((stream, _)) => stream,
            // Out of file descriptors, or a connection reset before it was accepted.
            Err(_) => {
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        let service = TowerToHyperService::new(router.clone());
        tokio::spawn(async move {
            let mut http = hyper::server::conn::http1::Builder::new();
            http.timer(TokioTimer::new())
                .header_read_timeout(HEADER_TIMEOUT);
            // A connection that fails (closed by the client, a malformed request) ends alone.
            let _ = http.serve_connection(TokioIo::new(stream), service).await;
            drop(permit);
        });
    }
}

/// Ctrl-C, or a SIGTERM.
async fn stopped() {
    let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()).ok();
    let terminated = async {
        match term.as_mut() {
            Some(term) => {
                term.recv().await;
            }
            None => std::future::pending::<()>().await,
        }
    };
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        () = terminated => {}
    }
}

fn router(shared: Arc<Shared>) -> Router {
    Router::new()
        .route("/", get(page::search))
        .route("/artikel", get(page::article))
        .route("/zoek.css", get(page::css))
        .route("/zoek.js", get(page::js))
        .route("/api/search", get(api::search))
        .route("/api/article", get(api::article))
        .route("/api/suggest", get(api::suggest))
        .route("/api/stats", get(api::stats))
        .route("/api/health", get(api::health))
        .fallback(not_found)
        .layer(middleware::from_fn_with_state(Arc::clone(&shared), guard))
        .with_state(shared)
}

/// Whether a request announces a body over [`MAX_BODY_BYTES`], or one of unknown length.
fn body_too_large(headers: &HeaderMap) -> bool {
    let length = headers
        .get(header::CONTENT_LENGTH)
        .map(|v| v.to_str().ok().and_then(|v| v.parse::<u64>().ok()));
    match length {
        Some(Some(n)) => n > MAX_BODY_BYTES,
        Some(None) => true,
        None => headers.contains_key(header::TRANSFER_ENCODING),
    }
}

/// Around every request: only GET and HEAD, no body, and the headers of every answer.
async fn guard(State(shared): State<Arc<Shared>>, request: Request, next: Next) -> Response {
    let api = request.uri().path().starts_with("/api/");
    let method = request.method().clone();
    let mut response = if method != Method::GET && method != Method::HEAD {
        let mut response = Failure::new(
            StatusCode::METHOD_NOT_ALLOWED,
            format!("{method} is not served: every request is a GET"),
        )
        .json();
        response
            .headers_mut()
            .insert(header::ALLOW, HeaderValue::from_static("GET, HEAD"));
        response
    } else if body_too_large(request.headers()) {
        Failure::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            format!(
                "a request body of more than {MAX_BODY_BYTES} bytes is refused; no request needs one"
            ),
        )
        .json()
    } else {
        next.run(request).await
    };
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CONTENT_SECURITY_POLICY),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    if let (true, Some(origin)) = (api, &shared.allow_origin) {
        headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, origin.clone());
        headers.insert(header::VARY, HeaderValue::from_static("Origin"));
    }
    response
}

async fn not_found(request: Request) -> Response {
    let path = request.uri().path();
    if path.starts_with("/api/") {
        Failure::new(
            StatusCode::NOT_FOUND,
            format!(
                "no endpoint {path}: the API has /api/search, /api/article, /api/suggest, /api/stats and /api/health"
            ),
        )
        .json()
    } else {
        page::not_found()
    }
}

/// Why a request failed: its status and the message (as the command line words it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Failure {
    status: StatusCode,
    message: String,
    /// The place in the query a query error is about.
    span: Option<Range<usize>>,
}

impl Failure {
    fn new(status: StatusCode, message: String) -> Self {
        Failure {
            status,
            message,
            span: None,
        }
    }

    fn bad_request(message: String) -> Self {
        Failure::new(StatusCode::BAD_REQUEST, message)
    }

    /// A search that failed: the query (400, with the place) or the index (500).
    fn search(dir: &Path, query: &str, err: SearchError) -> Self {
        match err {
            SearchError::Query(e) => Failure::query(query, &e),
            SearchError::Index(e) => Failure::damaged(dir, &e.to_string()),
        }
    }

    /// A query that does not parse: the first line of the command line's message (the
    /// second puts a caret under the place, which `span` gives).
    fn query(query: &str, err: &QueryError) -> Self {
        let text = output::query_error("", query, &err.to_string(), err.span.clone());
        Failure {
            status: StatusCode::BAD_REQUEST,
            message: text.lines().next().unwrap_or_default().to_string(),
            span: err.span.clone(),
        }
    }

    fn damaged(dir: &Path, why: &str) -> Self {
        Failure::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            output::damaged_index(dir, why),
        )
    }

    fn index(err: index::IndexError) -> Self {
        Failure::new(StatusCode::INTERNAL_SERVER_ERROR, err.to_string())
    }

    fn timeout() -> Self {
        Failure::new(
            StatusCode::SERVICE_UNAVAILABLE,
            format!(
                "no answer within {} s (the server is busy, or the search is too costly); try again",
                REQUEST_TIMEOUT.as_secs()
            ),
        )
    }

    /// As a JSON error line.
    fn json(&self) -> Response {
        let mut body = Vec::new();
        json::print_error(&mut body, &self.message, self.span.clone()).expect("writing to memory");
        (self.status, [(header::CONTENT_TYPE, JSON)], body).into_response()
    }
}

const JSON: &str = "application/json";
const JSON_LINES: &str = "application/x-ndjson";

impl Shared {
    /// The index as last committed; a newer state that cannot be opened is said on stderr,
    /// and the previous state answers.
    fn index(&self) -> Arc<ZoekIndex> {
        let (index, failed) = self.live.current();
        if let Some(err) = failed {
            eprintln!(
                "zoek: the index changed, but its new state cannot be opened; serving the previous one: {err}"
            );
        }
        index
    }

    /// The names of the index's sources, counted once for each state of the index.
    fn sources(&self, index: &Arc<ZoekIndex>) -> Result<Arc<Vec<String>>, Failure> {
        let mut cached = self.sources.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some((of, names)) = cached.as_ref() {
            if Arc::ptr_eq(of, index) {
                return Ok(Arc::clone(names));
            }
        }
        let stats = index::stats(index).map_err(Failure::index)?;
        let names: Arc<Vec<String>> = Arc::new(
            stats
                .sources
                .into_iter()
                .map(|(name, _)| name)
                .filter(|name| !name.is_empty())
                .collect(),
        );
        *cached = Some((Arc::clone(index), Arc::clone(&names)));
        Ok(names)
    }
}

/// Runs `work` on the index as last committed, on a thread that may block, with at most
/// `searches` at once, within [`REQUEST_TIMEOUT`]. A panic (a damaged segment file inside
/// tantivy) is a 500 that says so.
async fn blocking<T: Send + 'static>(
    shared: &Arc<Shared>,
    work: impl FnOnce(&Shared, &Arc<ZoekIndex>) -> Result<T, Failure> + Send + 'static,
) -> Result<T, Failure> {
    let shared = Arc::clone(shared);
    let job = async move {
        let Ok(permit) = Arc::clone(&shared.searches).acquire_owned().await else {
            return Err(Failure::timeout());
        };
        let worker = Arc::clone(&shared);
        let joined = tokio::task::spawn_blocking(move || {
            let _permit = permit;
            let index = worker.index();
            work(&worker, &index)
        })
        .await;
        match joined {
            Ok(result) => result,
            Err(err) => {
                let why = match err.try_into_panic() {
                    Ok(payload) => payload
                        .downcast_ref::<&str>()
                        .map(|s| s.to_string())
                        .or_else(|| payload.downcast_ref::<String>().cloned())
                        .unwrap_or_else(|| "a panic".to_string()),
                    Err(_) => "the search was cancelled".to_string(),
                };
                Err(Failure::damaged(shared.live.dir(), &why))
            }
        }
    };
    tokio::time::timeout(REQUEST_TIMEOUT, job)
        .await
        .unwrap_or_else(|_| Err(Failure::timeout()))
}
