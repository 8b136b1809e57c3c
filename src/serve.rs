//! `serve`: build in memory, serve over HTTP/1.1, rebuild on every change, reload the
//! browser after each good build, and show build errors in the page while there are any.
//!
//! The site lives in memory (static files too, read whole and checked to be stable, so a
//! file is served old or new, never half-written) and is replaced whole, under a lock held
//! only for the swap, after a complete good build: a request never sees a half-built site.
//! Paths are decoded, normalized and confined to the site; only GET and HEAD are served.
//!
//! The server is hyper on a two-thread tokio runtime, because a preview server must stay
//! up whatever a client does: a connection is a task, not a thread, so slow or stalled
//! clients cost memory, bounded by [`MAX_CONNECTIONS`], never threads; request headers
//! must arrive within [`HEADER_TIMEOUT`]; a failed accept (no file descriptor left) is
//! retried with a back-off instead of ending the accept loop. Reload events go through a
//! broadcast channel that never blocks the rebuild loop: a client that falls
//! [`EVENTS_BUFFER`] events behind is dropped, and the browser's `EventSource` reconnects.
//! The rebuild loop itself stays on the calling thread, synchronous, as `watch` is.

use std::collections::HashMap;
use std::convert::Infallible;
use std::io::Write;
use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant, SystemTime};

use anyhow::{Context as _, Result};
use http_body_util::combinators::BoxBody;
use http_body_util::{BodyExt as _, Full, StreamBody};
use hyper::body::{Bytes, Frame, Incoming};
use hyper::header::{self, HeaderValue};
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::sync::{Semaphore, broadcast};
use tokio_stream::StreamExt as _;
use tokio_stream::wrappers::BroadcastStream;

use crate::diagnostics;
use crate::{BuildOptions, Project};

const LIVERELOAD_JS: &str = include_str!("../assets/livereload.js");
/// Paths of the server's own endpoints, under the site's path.
const LIVERELOAD_PATH: &str = "_passerelle/livereload.js";
const EVENTS_PATH: &str = "_passerelle/events";
const SEARCH_PATH: &str = "_search";
/// How long the sources must stay quiet after an edit before the search pass runs.
const SEARCH_AFTER_QUIET: Duration = Duration::from_millis(300);
/// Open connections at most; past it, a new one is closed at once. A connection costs a
/// task and its buffers, so a thousand slow clients cost megabytes, not threads.
const MAX_CONNECTIONS: usize = 1024;
/// A client must send its request headers within this time, or is disconnected.
const HEADER_TIMEOUT: Duration = Duration::from_secs(10);
/// Live-reload clients at most, each holding one connection.
const MAX_LISTENERS: usize = 128;
/// Events a live-reload client may fall behind before it is dropped.
const EVENTS_BUFFER: usize = 16;
/// How long a static file must have been left alone before it is read (see
/// [`read_copies`]).
const SETTLED: Duration = Duration::from_millis(200);
/// Longest query string `/_search` reads.
const MAX_QUERY_STRING: usize = 4096;

pub struct ServeOptions {
    pub root: PathBuf,
    pub bind: IpAddr,
    pub port: u16,
    pub poll: bool,
    pub drafts: bool,
}

/// The site as the server shows it: the last good build, and the current errors if any.
#[derive(Default)]
struct Live {
    files: HashMap<String, Arc<Vec<u8>>>,
    /// Files of `static/`, read whole: output path → (source, its stamp, bytes).
    copies: HashMap<String, (PathBuf, Stamp, Arc<Vec<u8>>)>,
    /// The terminal's diagnostics text while the latest build failed.
    errors: Option<String>,
    /// The index of the last good build, for `/_search`.
    index: Option<Arc<crate::search::SearchIndex>>,
    config: Option<Arc<crate::config::SiteConfig>>,
}

/// Size and modification time of a file: equal before and after a read, the read was
/// not torn by a writer.
#[derive(Clone, Copy, PartialEq, Eq)]
struct Stamp {
    len: u64,
    modified: Option<SystemTime>,
}

/// One server-sent event.
#[derive(Clone)]
struct Event(Bytes);

impl Event {
    fn new(name: &str, data: &str) -> Self {
        Event(Bytes::from(format!("event: {name}\ndata: {data}\n\n")))
    }
}

/// What the request handlers share with the rebuild loop.
struct Shared {
    live: RwLock<Live>,
    events: broadcast::Sender<Event>,
    listeners: Arc<Semaphore>,
    /// The path the site is served under (`/`, `/portal/`), as in its base_url.
    root: String,
}

type Body = BoxBody<Bytes, Infallible>;

pub fn serve(opts: &ServeOptions, log: &mut dyn Write) -> Result<()> {
    let listener = bind(opts)?;
    let addr = listener.local_addr().context("the listening address")?;
    if !opts.bind.is_loopback() {
        let _ = writeln!(
            log,
            "warning: serving on {}, where other machines can reach it: serve shows drafts and build errors and asks for no password; use it on a network you trust, or leave --bind at 127.0.0.1",
            opts.bind
        );
    }
    // The site keeps the path of its base_url, so links work as they will when published.
    let root =
        crate::config::SiteConfig::load(&opts.root).map_or_else(|_| "/".to_string(), |c| c.root);
    let mut project = Project::new(BuildOptions {
        root: opts.root.clone(),
        drafts: opts.drafts,
        base_url: Some(format!("http://{addr}{root}")),
        write: false,
        index: true,
        ..BuildOptions::default()
    });
    let shared = Arc::new(Shared {
        live: RwLock::new(Live::default()),
        events: broadcast::channel(EVENTS_BUFFER).0,
        listeners: Arc::new(Semaphore::new(MAX_LISTENERS)),
        root,
    });
    rebuild(&mut project, &shared, log, None)?;
    let _ = writeln!(
        log,
        "serving the site at http://{addr}{} (Ctrl-C to stop)",
        shared.root
    );

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .max_blocking_threads(4)
        .thread_name("passerelle-serve")
        .enable_io()
        .enable_time()
        .build()
        .context("cannot start the server's runtime")?;
    runtime.spawn(accept_loop(listener, Arc::clone(&shared)));

    let mut watcher = crate::watch::SourceWatcher::new(&opts.root, opts.poll)?;
    // Edited pages first, with the search outputs of the last build; then, once the
    // sources have been quiet for a moment (so a run of saves is not held up behind it),
    // the search index, related pages and static search form, with a second reload only
    // if they changed a page.
    let mut search_due: Option<Instant> = None;
    loop {
        let wait = search_due.map(|_| SEARCH_AFTER_QUIET);
        let changed = match watcher.next_change_within(wait) {
            crate::watch::Change::Paths(changed) => changed,
            crate::watch::Change::Quiet => {
                let started = search_due.take().unwrap_or_else(Instant::now);
                rebuild(&mut project, &shared, log, None)?;
                let _ = writeln!(
                    log,
                    "  search updated in {:.0} ms",
                    started.elapsed().as_secs_f64() * 1000.0
                );
                continue;
            }
            crate::watch::Change::Stopped => return Ok(()),
        };
        let started = Instant::now();
        let _ = writeln!(log, "change: {}", describe(&changed, &opts.root));
        let search_stale = rebuild(&mut project, &shared, log, Some(&changed))?;
        let _ = writeln!(
            log,
            "  pages rebuilt in {:.0} ms",
            started.elapsed().as_secs_f64() * 1000.0
        );
        if search_stale {
            search_due.get_or_insert(started);
        }
    }
}

fn describe(changed: &[PathBuf], root: &Path) -> String {
    let root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    let names: Vec<String> = changed
        .iter()
        .take(3)
        .map(|p| diagnostics::display_path(p.strip_prefix(&root).unwrap_or(p)))
        .collect();
    if changed.len() > 3 {
        format!("{} and {} more", names.join(", "), changed.len() - 3)
    } else {
        names.join(", ")
    }
}

/// Binds, or says the port is taken and which one is free.
fn bind(opts: &ServeOptions) -> Result<std::net::TcpListener> {
    let at = SocketAddr::new(opts.bind, opts.port);
    match std::net::TcpListener::bind(at) {
        Ok(listener) => {
            listener
                .set_nonblocking(true)
                .context("cannot make the socket non-blocking")?;
            Ok(listener)
        }
        Err(e) if e.kind() == std::io::ErrorKind::AddrInUse => {
            let free = (opts.port.saturating_add(1)..opts.port.saturating_add(50))
                .find(|p| std::net::TcpListener::bind(SocketAddr::new(opts.bind, *p)).is_ok());
            let hint = free.map_or_else(String::new, |p| format!("; try --port {p}"));
            anyhow::bail!(
                "port {} on {} is already in use{hint}",
                opts.port,
                opts.bind
            )
        }
        Err(e) => Err(e).with_context(|| format!("cannot listen on {}:{}", opts.bind, opts.port)),
    }
}

/// Accepts connections for ever. A failed accept (out of file descriptors, a connection
/// reset before it was accepted) waits a little longer each time, then tries again: the
/// port keeps answering as soon as descriptors are free.
async fn accept_loop(listener: std::net::TcpListener, shared: Arc<Shared>) {
    let Ok(listener) = tokio::net::TcpListener::from_std(listener) else {
        return;
    };
    let connections = Arc::new(Semaphore::new(MAX_CONNECTIONS));
    let mut backoff = Duration::from_millis(5);
    loop {
        let stream = match listener.accept().await {
            Ok((stream, _)) => {
                backoff = Duration::from_millis(5);
                stream
            }
            Err(_) => {
                tokio::time::sleep(backoff).await;
                backoff = (backoff * 2).min(Duration::from_secs(1));
                continue;
            }
        };
        // Past the limit the connection is closed at once (dropped).
        let Ok(permit) = Arc::clone(&connections).try_acquire_owned() else {
            continue;
        };
        let shared = Arc::clone(&shared);
        tokio::spawn(async move {
            let service = hyper::service::service_fn(move |request| {
                let shared = Arc::clone(&shared);
                async move { Ok::<_, Infallible>(handle(request, &shared).await) }
            });
            let _ = hyper::server::conn::http1::Builder::new()
                .timer(TokioTimer::new())
                .header_read_timeout(HEADER_TIMEOUT)
                .serve_connection(TokioIo::new(stream), service)
                .await;
            drop(permit);
        });
    }
}

/// Builds; on success swaps the new site in and tells browsers to reload, on failure keeps
/// the last good site and tells browsers to show the errors. True when the search outputs
/// are the last build's and a full build must follow.
fn rebuild(
    project: &mut Project,
    shared: &Shared,
    log: &mut dyn Write,
    changed: Option<&[PathBuf]>,
) -> Result<bool> {
    let outcome = match changed {
        Some(changed) => project.build_after(changed)?,
        None => project.build()?,
    };
    let report = diagnostics::report(&outcome.diagnostics, &project.options().root);
    let _ = write!(log, "{report}");
    if outcome.has_errors() {
        if let Ok(mut l) = shared.live.write() {
            l.errors = Some(report.clone());
        }
        broadcast(
            shared,
            "errors",
            &serde_json::Value::String(report.clone()).to_string(),
        );
        return Ok(false);
    }
    if outcome.patch {
        // Only pages changed, and the errors were already cleared: update them in place.
        let mut changed = false;
        if let Ok(mut l) = shared.live.write() {
            for file in outcome.files {
                changed |= l
                    .files
                    .get(&file.path)
                    .is_none_or(|old| old[..] != file.bytes[..]);
                l.files.insert(file.path, file.bytes);
            }
        }
        if changed {
            broadcast(shared, "reload", "{}");
        }
        log_build(project, &outcome.timings, outcome.pages, log);
        return Ok(outcome.search_stale);
    }
    let index = project.search_index().cloned();
    let config = project.config().cloned();
    let files: HashMap<String, Arc<Vec<u8>>> = outcome
        .files
        .into_iter()
        .map(|f| (f.path, f.bytes))
        .collect();
    // No page changed (e.g. the search pass after an edit only renewed the search form,
    // which the search page fetches afresh): no reload.
    let unchanged = shared.live.read().is_ok_and(|l| {
        let page = |path: &String| !path.starts_with("search/");
        l.errors.is_none()
            && l.files.keys().filter(|p| page(p)).count()
                == files.keys().filter(|p| page(p)).count()
            && files
                .iter()
                .filter(|(path, _)| page(path))
                .all(|(path, bytes)| {
                    // Reused pages are the very same bytes: compare pointers before contents.
                    l.files
                        .get(path)
                        .is_some_and(|old| Arc::ptr_eq(old, bytes) || old[..] == bytes[..])
                })
    });
    let previous = shared
        .live
        .read()
        .map(|l| l.copies.clone())
        .unwrap_or_default();
    let copies = read_copies(outcome.copies, &previous);
    // A static file that changed (the same bytes are the very same Arc) reloads the page
    // too: a style sheet or an image is part of what the reader sees.
    let static_changed = copies.len() != previous.len()
        || copies.iter().any(|(dest, (_, _, bytes))| {
            previous
                .get(dest)
                .is_none_or(|(_, _, old)| !Arc::ptr_eq(old, bytes))
        });
    let unchanged = unchanged && !static_changed;
    if let Ok(mut l) = shared.live.write() {
        *l = Live {
            files,
            copies,
            errors: None,
            index,
            config,
        };
    }
    if !unchanged {
        broadcast(shared, "reload", "{}");
    }
    log_build(project, &outcome.timings, outcome.pages, log);
    Ok(outcome.search_stale)
}

/// Reads the files of `static/` whole, so each is served as it was when read. A file that
/// did not change since `previous` is not read again. A file is read only once it has not
/// changed for [`SETTLED`] (a writer truncates, then writes: in between, the file is empty
/// or short but looks complete), and only if its size and time did not change during the
/// read. A changed file that has not settled keeps its previous bytes, at once: the search
/// pass that follows every change reads it again. A new one is waited for a little, then
/// left out until the next change.
fn read_copies(
    copies: Vec<(PathBuf, String)>,
    previous: &HashMap<String, (PathBuf, Stamp, Arc<Vec<u8>>)>,
) -> HashMap<String, (PathBuf, Stamp, Arc<Vec<u8>>)> {
    let stamp = |src: &Path| {
        std::fs::metadata(src).ok().map(|m| Stamp {
            len: m.len(),
            modified: m.modified().ok(),
        })
    };
    let mut out = HashMap::with_capacity(copies.len());
    for (src, dest) in copies {
        let kept = previous
            .get(&dest)
            .filter(|(old_src, _, _)| *old_src == src);
        let mut read = None;
        for attempt in 0..5 {
            let Some(before) = stamp(&src) else { break };
            if let Some((_, old_stamp, bytes)) = kept
                && *old_stamp == before
            {
                read = Some((before, Arc::clone(bytes)));
                break;
            }
            let settled = before.modified.is_none_or(|m| {
                SystemTime::now()
                    .duration_since(m)
                    .is_ok_and(|age| age >= SETTLED)
            });
            if settled
                && let Ok(bytes) = std::fs::read(&src)
                && stamp(&src) == Some(before)
                && bytes.len() as u64 == before.len
            {
                read = Some((before, Arc::new(bytes)));
                break;
            }
            if kept.is_some() {
                break;
            }
            std::thread::sleep(SETTLED.max(Duration::from_millis(10 << attempt)));
        }
        match (read, kept) {
            (Some((stamp, bytes)), _) => {
                out.insert(dest, (src, stamp, bytes));
            }
            (None, Some(old)) => {
                out.insert(dest, old.clone());
            }
            (None, None) => {}
        }
    }
    out
}

fn log_build(project: &Project, timings: &[crate::StageTiming], pages: usize, log: &mut dyn Write) {
    let stages: Vec<String> = timings
        .iter()
        .filter(|t| t.wall.as_millis() > 0)
        .map(|t| format!("{} {} ms", t.stage, t.wall.as_millis()))
        .collect();
    let _ = writeln!(
        log,
        "built {} pages ({} rendered): {}",
        pages,
        project.rendered(),
        stages.join(", ")
    );
}

/// Tells every live-reload client; never waits for any of them.
fn broadcast(shared: &Shared, event: &str, data: &str) {
    // An error only means that no browser listens.
    let _ = shared.events.send(Event::new(event, data));
}

async fn handle(request: Request<Incoming>, shared: &Shared) -> Response<Body> {
    let method = request.method().clone();
    if method != Method::GET && method != Method::HEAD {
        let mut response = text(StatusCode::METHOD_NOT_ALLOWED, "method not allowed\n");
        response
            .headers_mut()
            .insert(header::ALLOW, HeaderValue::from_static("GET, HEAD"));
        return response;
    }
    let head = method == Method::HEAD;
    let path = request.uri().path();
    let Some(rel) = path.strip_prefix(shared.root.as_str()) else {
        // `/portal` for a site served at `/portal/`: the site's own root.
        if path == shared.root.trim_end_matches('/') {
            return redirect(&shared.root);
        }
        return not_found(shared, head);
    };
    match rel {
        EVENTS_PATH => subscribe(shared),
        SEARCH_PATH => {
            let query = request.uri().query().unwrap_or("").to_string();
            let (status, body) = search_endpoint(&query, shared).await;
            respond(
                status,
                "application/json; charset=utf-8",
                body.into_bytes(),
                head,
            )
        }
        LIVERELOAD_PATH => respond(
            StatusCode::OK,
            "application/javascript; charset=utf-8",
            LIVERELOAD_JS
                .replace(
                    "/_passerelle/events",
                    &format!("{}{EVENTS_PATH}", shared.root),
                )
                .into_bytes(),
            head,
        ),
        _ => serve_file(&format!("/{rel}"), shared, head),
    }
}

fn serve_file(path: &str, shared: &Shared, head: bool) -> Response<Body> {
    let Some(file) = normalize(path) else {
        return not_found(shared, head);
    };
    let (bytes, errors, folder) = {
        let Ok(l) = shared.live.read() else {
            return not_found(shared, head);
        };
        let found = l
            .files
            .get(&file)
            .or_else(|| l.copies.get(&file).map(|(_, _, bytes)| bytes))
            .cloned();
        let folder = l.files.contains_key(&format!("{file}/index.html"));
        (found, l.errors.clone(), folder)
    };
    match bytes {
        Some(bytes) => {
            let ctype = content_type(&file);
            let body = if ctype.starts_with("text/html") {
                inject(&bytes, errors.as_deref(), &shared.root)
            } else {
                bytes.to_vec()
            };
            respond(StatusCode::OK, ctype, body, head)
        }
        // `/en/x` for a folder: on to `/en/x/`, as static hosts do. The location is
        // rebuilt from the normalized path, so `//host` can never become a redirect to
        // another site.
        None if folder && !path.ends_with('/') => redirect(&format!("{}{file}/", shared.root)),
        None => not_found(shared, head),
    }
}

fn redirect(location: &str) -> Response<Body> {
    let mut response = text(StatusCode::MOVED_PERMANENTLY, "");
    if let Ok(value) = HeaderValue::from_str(location) {
        response.headers_mut().insert(header::LOCATION, value);
    }
    response
}

fn not_found(shared: &Shared, head: bool) -> Response<Body> {
    let (page, errors) = match shared.live.read() {
        Ok(l) => (l.files.get("404.html").cloned(), l.errors.clone()),
        Err(_) => (None, None),
    };
    let page = page.map_or_else(
        || b"<!DOCTYPE html><title>Not found</title><p>Not found</p>".to_vec(),
        |p| p.to_vec(),
    );
    let body = inject(&page, errors.as_deref(), &shared.root);
    respond(
        StatusCode::NOT_FOUND,
        "text/html; charset=utf-8",
        body,
        head,
    )
}

fn text(status: StatusCode, body: &'static str) -> Response<Body> {
    respond(
        status,
        "text/plain; charset=utf-8",
        body.as_bytes().to_vec(),
        false,
    )
}

/// A whole response: its length is known, so a client gets it all or sees it cut.
fn respond(status: StatusCode, ctype: &str, body: Vec<u8>, head: bool) -> Response<Body> {
    let len = body.len();
    let body = if head { Vec::new() } else { body };
    let mut response = Response::new(Full::new(Bytes::from(body)).boxed());
    *response.status_mut() = status;
    let headers = response.headers_mut();
    if let Ok(value) = HeaderValue::from_str(ctype) {
        headers.insert(header::CONTENT_TYPE, value);
    }
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    if head {
        headers.insert(header::CONTENT_LENGTH, HeaderValue::from(len));
    }
    response
}

/// `/_search?q=…&lang=en|fr|all&filter=TAXONOMY=TERM&limit=N`: the same JSON as
/// `passerelle search --json`, from the index of the last good build. The query runs on
/// the runtime's blocking pool: a search takes CPU, which must not stall the connections.
async fn search_endpoint(query: &str, shared: &Shared) -> (StatusCode, String) {
    let error = |status: StatusCode, message: &str| {
        (status, serde_json::json!({ "error": message }).to_string())
    };
    if query.len() > MAX_QUERY_STRING {
        return error(StatusCode::URI_TOO_LONG, "the query string is too long");
    }
    let mut request = crate::search::SearchRequest {
        limit: 10,
        ..Default::default()
    };
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
        let Some(value) = percent_decode(&value.replace('+', " ")) else {
            return error(StatusCode::BAD_REQUEST, "malformed query string");
        };
        match name {
            "q" => request.query = value,
            "lang" if value == "all" || value.is_empty() => request.lang = None,
            "lang" => request.lang = Some(value),
            "reader" if !value.is_empty() => request.reader = Some(value),
            "limit" => match value.parse() {
                Ok(n) => request.limit = n,
                Err(_) => return error(StatusCode::BAD_REQUEST, "limit must be a number"),
            },
            "filter" => match value.split_once('=') {
                Some((t, term)) => request.filters.push((t.to_string(), term.to_string())),
                None => return error(StatusCode::BAD_REQUEST, "filter takes TAXONOMY=TERM"),
            },
            _ => {}
        }
    }
    let (index, config) = match shared.live.read() {
        Ok(l) => (l.index.clone(), l.config.clone()),
        Err(_) => (None, None),
    };
    if let Some(config) = config {
        // The reader's language: the site's default unless the request names one.
        if let Some(reader) = request.reader.as_ref().filter(|r| !config.has_language(r)) {
            return error(
                StatusCode::BAD_REQUEST,
                &format!("`{reader}` is not a language of this site"),
            );
        }
        request
            .reader
            .get_or_insert_with(|| config.default_language.clone());
        for (t, term) in &request.filters {
            if let Err(message) = crate::search::check_filter(&config, t, term) {
                return error(StatusCode::BAD_REQUEST, &message.to_string());
            }
        }
    }
    let Some(index) = index else {
        return error(
            StatusCode::SERVICE_UNAVAILABLE,
            "the search index is not ready",
        );
    };
    match tokio::task::spawn_blocking(move || index.search(&request)).await {
        Ok(Ok(response)) => match serde_json::to_string_pretty(&response) {
            Ok(json) => (StatusCode::OK, json + "\n"),
            Err(e) => error(StatusCode::INTERNAL_SERVER_ERROR, &e.to_string()),
        },
        // Too long to search: the client's mistake, said as search() says it.
        Ok(Err(e)) if e.is::<crate::search::query::QueryRefused>() => {
            error(StatusCode::BAD_REQUEST, &e.to_string())
        }
        Ok(Err(e)) => error(StatusCode::INTERNAL_SERVER_ERROR, &format!("{e:#}")),
        Err(_) => error(StatusCode::INTERNAL_SERVER_ERROR, "the search failed"),
    }
}

/// A server-sent-events stream of the reload and error events. It ends when the client
/// falls too far behind; with too many listeners already, the answer is 503 (the browser's
/// `EventSource` tries again later).
fn subscribe(shared: &Shared) -> Response<Body> {
    let Ok(permit) = Arc::clone(&shared.listeners).try_acquire_owned() else {
        return text(
            StatusCode::SERVICE_UNAVAILABLE,
            "too many live-reload clients\n",
        );
    };
    // A page opened while the site has errors must show them at once.
    let first = shared
        .live
        .read()
        .ok()
        .and_then(|l| l.errors.clone())
        .map(|errors| Event::new("errors", &serde_json::Value::String(errors).to_string()));
    let events = BroadcastStream::new(shared.events.subscribe()).map_while(Result::ok);
    let stream = tokio_stream::iter(first)
        .chain(events)
        .map(move |Event(bytes)| {
            // The permit lives as long as the stream: one listener fewer when it ends.
            let _ = &permit;
            Ok::<_, Infallible>(Frame::data(bytes))
        });
    let mut response = Response::new(StreamBody::new(stream).boxed());
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/event-stream"),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// Adds the live-reload script, and the error overlay while the build has errors.
fn inject(html: &[u8], errors: Option<&str>, root: &str) -> Vec<u8> {
    let mut extra = format!("<script src=\"{root}{LIVERELOAD_PATH}\"></script>");
    if let Some(errors) = errors {
        extra.push_str(&overlay(errors));
    }
    let text = String::from_utf8_lossy(html);
    match text.rfind("</body>") {
        Some(i) => format!("{}{extra}{}", &text[..i], &text[i..]).into_bytes(),
        None => format!("{text}{extra}").into_bytes(),
    }
}

/// The error overlay, with inline styles so no theme can hide or restyle it.
pub fn overlay(errors: &str) -> String {
    format!(
        "<div id=\"passerelle-errors\" role=\"alert\" style=\"position:fixed;inset:0;z-index:2147483647;overflow:auto;background:rgba(20,20,20,.94);color:#fff;font:14px/1.5 ui-monospace,Menlo,Consolas,monospace;padding:24px\"><p style=\"font-weight:700;font-size:16px;color:#ffb4a8;margin:0 0 12px\">passerelle: the site has errors; showing the last good build underneath</p><pre style=\"white-space:pre-wrap;margin:0\">{}</pre></div>",
        crate::text::escape_html(errors)
    )
}

/// `/en/x/` → `en/x/index.html`; `None` for anything that tries to leave the site.
pub fn normalize(path: &str) -> Option<String> {
    let decoded = percent_decode(path)?;
    if !decoded.starts_with('/') || decoded.contains('\\') || decoded.contains('\0') {
        return None;
    }
    let mut parts = Vec::new();
    for segment in decoded.split('/') {
        match segment {
            "" => {}
            "." | ".." => return None,
            s if s.contains(':') => return None,
            s => parts.push(s),
        }
    }
    let mut file = parts.join("/");
    if file.is_empty() {
        file = "index.html".into();
    } else if decoded.ends_with('/') {
        file.push_str("/index.html");
    }
    Some(file)
}

/// `%XX` escapes decoded; `None` when the result is not UTF-8. An invalid escape (`%zz`)
/// stays as written, as browsers leave it.
fn percent_decode(s: &str) -> Option<String> {
    percent_encoding::percent_decode_str(s)
        .decode_utf8()
        .ok()
        .map(std::borrow::Cow::into_owned)
}

fn content_type(file: &str) -> &'static str {
    match Path::new(file)
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
    {
        "html" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "application/javascript; charset=utf-8",
        "json" => "application/json",
        "xml" => "application/xml; charset=utf-8",
        "ics" => "text/calendar; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "ico" => "image/x-icon",
        "txt" => "text/plain; charset=utf-8",
        "pdf" => "application/pdf",
        "woff2" => "font/woff2",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_confined_to_the_site() {
        assert_eq!(normalize("/").as_deref(), Some("index.html"));
        assert_eq!(normalize("/en/x/").as_deref(), Some("en/x/index.html"));
        assert_eq!(normalize("/style.css").as_deref(), Some("style.css"));
        assert_eq!(
            normalize("/fr/%C3%A9t%C3%A9/").as_deref(),
            Some("fr/été/index.html")
        );
        for bad in [
            "/../etc/passwd",
            "/%2e%2e/etc/passwd",
            "/%2E%2E%2Fsecret",
            "/a/..%5c..%5cwin.ini",
            "/a\\b",
            "//etc/passwd/..",
            "/C:/x",
            "/%00",
            "/%ff",
        ] {
            assert_eq!(normalize(bad), None, "{bad}");
        }
    }

    #[test]
    fn a_file_that_keeps_changing_keeps_its_old_bytes() {
        let dir = tempfile::tempdir().expect("temp dir");
        let src = dir.path().join("a.txt");
        std::fs::write(&src, "old").expect("write");
        let first = read_copies(vec![(src.clone(), "a.txt".into())], &HashMap::new());
        assert_eq!(&first["a.txt"].2[..], b"old");
        // Unchanged: the very same bytes, not read again.
        let again = read_copies(vec![(src.clone(), "a.txt".into())], &first);
        assert!(Arc::ptr_eq(&first["a.txt"].2, &again["a.txt"].2));
        std::fs::write(&src, "new and longer").expect("write");
        // Just written: it may still be being written, so the old bytes stay for now…
        let fresh = read_copies(vec![(src.clone(), "a.txt".into())], &first);
        assert_eq!(&fresh["a.txt"].2[..], b"old");
        // …and once it has settled, the new ones are read.
        std::thread::sleep(SETTLED);
        let changed = read_copies(vec![(src, "a.txt".into())], &first);
        assert_eq!(&changed["a.txt"].2[..], b"new and longer");
    }
}
