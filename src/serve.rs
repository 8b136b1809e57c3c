//! `serve`: build in memory, serve over HTTP/1.1, rebuild on every change, reload the
//! browser after each good build, and show build errors in the page while there are any.
//!
//! A small blocking server (tiny_http, one thread per request): a local preview needs no
//! async runtime. The site lives in memory and is replaced whole, under a lock held only
//! for the swap, after a complete good build: a request never sees a half-built site.
//! Paths are decoded, normalized and confined to the site; only GET and HEAD are served.

use std::collections::HashMap;
use std::io::Write;
use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, RwLock};
use std::time::Instant;

use anyhow::{Context as _, Result};
use tiny_http::{Header, Method, Request, Response, Server, StatusCode};

use crate::diagnostics;
use crate::{BuildOptions, Project};

const LIVERELOAD_JS: &str = include_str!("../assets/livereload.js");
const LIVERELOAD_PATH: &str = "/_passerelle/livereload.js";
const EVENTS_PATH: &str = "/_passerelle/events";
const SEARCH_PATH: &str = "/_search";
/// How long the sources must stay quiet after an edit before the search pass runs.
const SEARCH_AFTER_QUIET: std::time::Duration = std::time::Duration::from_millis(300);

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
    files: HashMap<String, Arc<[u8]>>,
    copies: HashMap<String, PathBuf>,
    /// The terminal's diagnostics text while the latest build failed.
    errors: Option<String>,
    /// The index of the last good build, for `/_search`.
    index: Option<Arc<crate::search::SearchIndex>>,
    config: Option<Arc<crate::config::SiteConfig>>,
}

type Clients = Arc<Mutex<Vec<Box<dyn Write + Send>>>>;

pub fn serve(opts: &ServeOptions, log: &mut dyn Write) -> Result<()> {
    let server = bind(opts)?;
    let addr = server
        .server_addr()
        .to_ip()
        .map_or_else(|| format!("{}:{}", opts.bind, opts.port), |a| a.to_string());
    let mut project = Project::new(BuildOptions {
        root: opts.root.clone(),
        drafts: opts.drafts,
        base_url: Some(format!("http://{addr}")),
        write: false,
        index: true,
        ..BuildOptions::default()
    });
    let live = Arc::new(RwLock::new(Live::default()));
    let clients: Clients = Arc::new(Mutex::new(Vec::new()));
    rebuild(&mut project, &live, &clients, log, None)?;
    let _ = writeln!(log, "serving the site at http://{addr}/ (Ctrl-C to stop)");

    let server = Arc::new(server);
    {
        let live = Arc::clone(&live);
        let clients = Arc::clone(&clients);
        let server = Arc::clone(&server);
        std::thread::spawn(move || {
            for request in server.incoming_requests() {
                let live = Arc::clone(&live);
                let clients = Arc::clone(&clients);
                std::thread::spawn(move || handle(request, &live, &clients));
            }
        });
    }

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
                rebuild(&mut project, &live, &clients, log, None)?;
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
        let search_stale = rebuild(&mut project, &live, &clients, log, Some(&changed))?;
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
fn bind(opts: &ServeOptions) -> Result<Server> {
    match Server::http(SocketAddr::new(opts.bind, opts.port)) {
        Ok(s) => Ok(s),
        Err(e) => {
            let taken = std::net::TcpListener::bind(SocketAddr::new(opts.bind, opts.port)).is_err();
            if taken {
                let free = (opts.port.saturating_add(1)..opts.port.saturating_add(50))
                    .find(|p| std::net::TcpListener::bind(SocketAddr::new(opts.bind, *p)).is_ok());
                let hint = free.map_or_else(String::new, |p| format!("; try --port {p}"));
                anyhow::bail!(
                    "port {} on {} is already in use{hint}",
                    opts.port,
                    opts.bind
                )
            }
            Err(anyhow::anyhow!("{e}"))
                .with_context(|| format!("cannot listen on {}:{}", opts.bind, opts.port))
        }
    }
}

/// Builds; on success swaps the new site in and tells browsers to reload, on failure keeps
/// the last good site and tells browsers to show the errors. True when the search outputs
/// are the last build's and a full build must follow.
fn rebuild(
    project: &mut Project,
    live: &RwLock<Live>,
    clients: &Clients,
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
        if let Ok(mut l) = live.write() {
            l.errors = Some(report.clone());
        }
        broadcast(
            clients,
            "errors",
            &serde_json::to_string(&report).unwrap_or_default(),
        );
        return Ok(false);
    }
    if outcome.patch {
        // Only pages changed, and the errors were already cleared: update them in place.
        let mut changed = false;
        if let Ok(mut l) = live.write() {
            for file in outcome.files {
                changed |= l
                    .files
                    .get(&file.path)
                    .is_none_or(|old| old[..] != file.bytes[..]);
                l.files.insert(file.path, file.bytes);
            }
        }
        if changed {
            broadcast(clients, "reload", "{}");
        }
        log_build(project, &outcome.timings, outcome.pages, log);
        return Ok(outcome.search_stale);
    }
    let index = project.search_index().cloned();
    let config = project.config().cloned();
    let files: HashMap<String, Arc<[u8]>> = outcome
        .files
        .into_iter()
        .map(|f| (f.path, f.bytes))
        .collect();
    // No page changed (e.g. the search pass after an edit only renewed the search form,
    // which the search page fetches afresh): no reload.
    let unchanged = live.read().is_ok_and(|l| {
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
    let copies: HashMap<String, PathBuf> = outcome
        .copies
        .into_iter()
        .map(|(src, dest)| (dest, src))
        .collect();
    if let Ok(mut l) = live.write() {
        *l = Live {
            files,
            copies,
            errors: None,
            index,
            config,
        };
    }
    if !unchanged {
        broadcast(clients, "reload", "{}");
    }
    log_build(project, &outcome.timings, outcome.pages, log);
    Ok(outcome.search_stale)
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

fn broadcast(clients: &Clients, event: &str, data: &str) {
    if let Ok(mut list) = clients.lock() {
        let message = format!("event: {event}\ndata: {data}\n\n");
        list.retain_mut(|w| {
            w.write_all(message.as_bytes())
                .and_then(|()| w.flush())
                .is_ok()
        });
    }
}

/// Adds a header; a value that is not valid header text is left out rather than sent.
fn with_header<R: std::io::Read>(response: Response<R>, name: &str, value: &str) -> Response<R> {
    match Header::from_bytes(name.as_bytes(), value.as_bytes()) {
        Ok(h) => response.with_header(h),
        Err(()) => response,
    }
}

fn handle(request: Request, live: &RwLock<Live>, clients: &Clients) {
    let method = request.method().clone();
    if method != Method::Get && method != Method::Head {
        let response = with_header(
            Response::from_string("method not allowed\n").with_status_code(405),
            "Allow",
            "GET, HEAD",
        );
        let _ = request.respond(response);
        return;
    }
    let url = request.url().to_string();
    let path = url.split(['?', '#']).next().unwrap_or("/").to_string();
    if path == EVENTS_PATH {
        return subscribe(request, live, clients);
    }
    if path == SEARCH_PATH {
        let query = url.split_once('?').map_or("", |(_, q)| q);
        let (status, body) = search_endpoint(query, live);
        return respond(
            request,
            status,
            "application/json; charset=utf-8",
            body.into_bytes(),
            method == Method::Head,
        );
    }
    if path == LIVERELOAD_PATH {
        return respond(
            request,
            200,
            "application/javascript; charset=utf-8",
            LIVERELOAD_JS.as_bytes().to_vec(),
            method == Method::Head,
        );
    }
    let Some(file) = normalize(&path) else {
        return not_found(request, live, method == Method::Head);
    };
    let (bytes, errors) = {
        let Ok(l) = live.read() else { return };
        let found = l
            .files
            .get(&file)
            .map(|b| b.to_vec())
            .or_else(|| l.copies.get(&file).and_then(|src| std::fs::read(src).ok()));
        (found, l.errors.clone())
    };
    match bytes {
        Some(bytes) => {
            let ctype = content_type(&file);
            let body = if ctype.starts_with("text/html") {
                inject(bytes, errors.as_deref())
            } else {
                bytes
            };
            respond(request, 200, ctype, body, method == Method::Head);
        }
        None => {
            // `/en/x` for a folder: send the browser to `/en/x/`, as static hosts do.
            let folder = format!("{file}/index.html");
            let exists = live.read().is_ok_and(|l| l.files.contains_key(&folder));
            if exists && !path.ends_with('/') {
                let response = with_header(
                    Response::empty(StatusCode(301)),
                    "Location",
                    &format!("{path}/"),
                );
                let _ = request.respond(response);
            } else {
                not_found(request, live, method == Method::Head);
            }
        }
    }
}

fn not_found(request: Request, live: &RwLock<Live>, head: bool) {
    let (page, errors) = match live.read() {
        Ok(l) => (
            l.files.get("404.html").map(|b| b.to_vec()),
            l.errors.clone(),
        ),
        Err(_) => (None, None),
    };
    let body = inject(
        page.unwrap_or_else(|| b"<!DOCTYPE html><title>Not found</title><p>Not found</p>".to_vec()),
        errors.as_deref(),
    );
    respond(request, 404, "text/html; charset=utf-8", body, head);
}

fn respond(request: Request, status: u16, ctype: &str, body: Vec<u8>, head: bool) {
    let len = body.len();
    let response =
        Response::from_data(if head { Vec::new() } else { body }).with_status_code(status);
    let response = with_header(
        with_header(response, "Content-Type", ctype),
        "Cache-Control",
        "no-store",
    );
    let response = if head {
        with_header(response, "Content-Length", &len.to_string())
    } else {
        response
    };
    let _ = request.respond(response);
}

/// `/_search?q=…&lang=en|fr|all&filter=TAXONOMY=TERM&limit=N`: the same JSON as
/// `passerelle search --json`, from the index of the last good build.
fn search_endpoint(query: &str, live: &RwLock<Live>) -> (u16, String) {
    let error =
        |status: u16, message: &str| (status, serde_json::json!({ "error": message }).to_string());
    let mut request = crate::search::SearchRequest {
        limit: 10,
        ..Default::default()
    };
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
        let Some(value) = percent_decode(&value.replace('+', " ")) else {
            return error(400, "malformed query string");
        };
        match name {
            "q" => request.query = value,
            "lang" if value == "all" || value.is_empty() => request.lang = None,
            "lang" => request.lang = Some(value),
            "limit" => match value.parse() {
                Ok(n) => request.limit = n,
                Err(_) => return error(400, "limit must be a number"),
            },
            "filter" => match value.split_once('=') {
                Some((t, term)) => request.filters.push((t.to_string(), term.to_string())),
                None => return error(400, "filter takes TAXONOMY=TERM"),
            },
            _ => {}
        }
    }
    let (index, config) = match live.read() {
        Ok(l) => (l.index.clone(), l.config.clone()),
        Err(_) => (None, None),
    };
    if let Some(config) = config {
        for (t, term) in &request.filters {
            if let Err(message) = crate::search::check_filter(&config, t, term) {
                return error(400, &message);
            }
        }
    }
    let Some(index) = index else {
        return error(503, "the search index is not ready");
    };
    match index.search(&request) {
        Ok(response) => (
            200,
            serde_json::to_string_pretty(&response).unwrap_or_default() + "\n",
        ),
        Err(e) => error(500, &format!("{e:#}")),
    }
}

/// Keeps the connection open as a server-sent-events stream.
fn subscribe(request: Request, live: &RwLock<Live>, clients: &Clients) {
    let mut writer = request.into_writer();
    let head = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-store\r\nConnection: keep-alive\r\n\r\n";
    if writer
        .write_all(head.as_bytes())
        .and_then(|()| writer.flush())
        .is_err()
    {
        return;
    }
    // A page opened while the site has errors must show them at once.
    if let Some(errors) = live.read().ok().and_then(|l| l.errors.clone()) {
        let message = format!(
            "event: errors\ndata: {}\n\n",
            serde_json::to_string(&errors).unwrap_or_default()
        );
        if writer
            .write_all(message.as_bytes())
            .and_then(|()| writer.flush())
            .is_err()
        {
            return;
        }
    }
    if let Ok(mut list) = clients.lock() {
        list.push(writer);
    }
}

/// Adds the live-reload script, and the error overlay while the build has errors.
fn inject(html: Vec<u8>, errors: Option<&str>) -> Vec<u8> {
    let mut extra = format!("<script src=\"{LIVERELOAD_PATH}\"></script>");
    if let Some(errors) = errors {
        extra.push_str(&overlay(errors));
    }
    let text = String::from_utf8_lossy(&html);
    match text.rfind("</body>") {
        Some(i) => format!("{}{extra}{}", &text[..i], &text[i..]).into_bytes(),
        None => format!("{text}{extra}").into_bytes(),
    }
}

/// The error overlay, with inline styles so no theme can hide or restyle it.
pub fn overlay(errors: &str) -> String {
    format!(
        "<div id=\"passerelle-errors\" role=\"alert\" style=\"position:fixed;inset:0;z-index:2147483647;overflow:auto;background:rgba(20,20,20,.94);color:#fff;font:14px/1.5 ui-monospace,Menlo,Consolas,monospace;padding:24px\"><p style=\"font-weight:700;font-size:16px;color:#ffb4a8;margin:0 0 12px\">passerelle: the site has errors; showing the last good build underneath</p><pre style=\"white-space:pre-wrap;margin:0\">{}</pre></div>",
        crate::markdown::escape_html(errors)
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

fn percent_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = s.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
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
            "/%zz",
        ] {
            assert_eq!(normalize(bad), None, "{bad}");
        }
    }
}
