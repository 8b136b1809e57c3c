//! Nothing a client does stops `serve` (issue 18, points 6–11): stalled live-reload
//! clients never hold up a rebuild, slow clients cost no thread each, running out of file
//! descriptors is survived, `//host` is never redirected off-site, a static file rewritten
//! while it is served is sent whole, a 10,000-word search is refused, and a non-loopback
//! bind prints a warning. Bounds in the assertions are generous (a loaded 2-core CI
//! machine): they catch a server that blocks or dies, not one that is slow.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{Receiver, channel};
use std::time::{Duration, Instant};

use crate::harness::{BIN, TestSite};
use crate::serve::free_port;

/// A running `passerelle serve`, its log lines arriving on `log`.
struct Server {
    child: Child,
    port: u16,
    log: Receiver<String>,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts serve through `sh -c` (so a test can lower its limits first), and waits for it
/// to say it is serving.
fn start(site: &TestSite, shell_prefix: &str, extra: &[&str]) -> Server {
    let port = free_port();
    let command = format!(
        "{shell_prefix} exec {BIN} serve --port {port} {} --root '{}'",
        extra.join(" "),
        site.root().display()
    );
    let mut child = Command::new("sh")
        .args(["-c", &command])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("serve starts");
    let stderr = child.stderr.take().expect("stderr");
    let (tx, log) = channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines() {
            let Ok(line) = line else { break };
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let server = Server { child, port, log };
    server.wait_log("serving the site at", Duration::from_secs(60));
    server
}

impl Server {
    /// The first log line containing `what` within `limit`; panics otherwise.
    fn wait_log(&self, what: &str, limit: Duration) -> String {
        let deadline = Instant::now() + limit;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.log.recv_timeout(left) {
                Ok(line) if line.contains(what) => return line,
                Ok(_) => {}
                Err(_) => panic!("serve did not log {what:?} within {limit:?}"),
            }
        }
    }

    fn threads(&self) -> usize {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id()))
            .expect("/proc status");
        status
            .lines()
            .find_map(|l| l.strip_prefix("Threads:"))
            .and_then(|n| n.trim().parse().ok())
            .expect("Threads:")
    }
}

/// Sends raw bytes, returns (status, head, body).
fn raw(port: u16, request: &[u8]) -> (u16, String, Vec<u8>) {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(20)))
        .expect("timeout");
    stream.write_all(request).expect("send");
    let mut response = Vec::new();
    let _ = stream.read_to_end(&mut response);
    let split = response
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .unwrap_or(response.len());
    let head = String::from_utf8_lossy(&response[..split]).into_owned();
    let body = response.get(split + 4..).unwrap_or_default().to_vec();
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    (status, head, body)
}

fn get(port: u16, path: &str) -> (u16, String, Vec<u8>) {
    raw(
        port,
        format!("GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n").as_bytes(),
    )
}

const LESSON: &str = "content/lessons/partnerships-last.md";

#[test]
fn issue18_8_stalled_live_reload_clients_never_hold_up_a_rebuild() {
    let site = TestSite::new("good");
    let server = start(&site, "", &[]);
    // Clients that ask for events and never read them, with a small receive buffer.
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_io()
        .build()
        .expect("runtime");
    let stalled: Vec<TcpStream> = (0..20)
        .map(|_| {
            let socket = tokio::net::TcpSocket::new_v4().expect("socket");
            socket.set_recv_buffer_size(4096).expect("SO_RCVBUF");
            let stream = runtime
                .block_on(socket.connect(([127, 0, 0, 1], server.port).into()))
                .expect("connect");
            let mut s = stream.into_std().expect("std stream");
            s.set_nonblocking(false).expect("blocking");
            s.write_all(b"GET /_passerelle/events HTTP/1.1\r\nHost: x\r\n\r\n")
                .expect("send");
            s
        })
        .collect();
    std::thread::sleep(Duration::from_millis(500));
    // Each broken build sends every client the whole report: with a 3 MB line in it, a
    // few builds fill what the kernel buffers for a client that does not read.
    let original = site.read(LESSON);
    let broken = |c: char| {
        original.replace(
            "date: 2022-05-10",
            &format!("date: {}", c.to_string().repeat(3_000_000)),
        )
    };
    let (broken_x, broken_y) = (broken('x'), broken('y'));
    for round in 0..6 {
        site.write(LESSON, if round % 2 == 0 { &broken_x } else { &broken_y });
        let line = server.wait_log("pages rebuilt in", Duration::from_secs(30));
        let ms: f64 = line
            .split("pages rebuilt in ")
            .nth(1)
            .and_then(|r| r.split_whitespace().next())
            .and_then(|n| n.parse().ok())
            .expect("a time");
        assert!(ms < 10_000.0, "round {round}: {line}");
        let (status, _, _) = get(server.port, "/en/");
        assert_eq!(status, 200, "round {round}");
    }
    drop(stalled);
}

#[test]
fn issue18_9_a_thousand_slow_clients_cost_no_thread_each() {
    let site = TestSite::new("good");
    let server = start(&site, "ulimit -n 4096 2>/dev/null;", &[]);
    let threads_before = server.threads();
    // Each sends half a request line and stops.
    let slow: Vec<TcpStream> = (0..1000)
        .filter_map(|_| {
            let mut s = TcpStream::connect(("127.0.0.1", server.port)).ok()?;
            s.write_all(b"GET /en/ HT").ok()?;
            Some(s)
        })
        .collect();
    assert!(slow.len() >= 900, "only {} connections", slow.len());
    std::thread::sleep(Duration::from_millis(500));
    let threads = server.threads();
    assert!(
        threads <= threads_before + 8,
        "{threads} threads with 1,000 slow clients (was {threads_before})"
    );
    let (status, _, body) = get(server.port, "/en/");
    assert_eq!(status, 200);
    assert!(String::from_utf8_lossy(&body).contains("<html lang=\"en\""));
}

#[test]
fn issue18_7_running_out_of_descriptors_is_survived() {
    let site = TestSite::new("good");
    let server = start(&site, "ulimit -n 128;", &[]);
    // More idle connections than the server has descriptors: accepts fail (EMFILE).
    let idle: Vec<TcpStream> = (0..300)
        .filter_map(|_| TcpStream::connect(("127.0.0.1", server.port)).ok())
        .collect();
    assert!(idle.len() > 64, "{} connections", idle.len());
    std::thread::sleep(Duration::from_millis(1000));
    drop(idle);
    // Descriptors free again: the port answers (after the back-off, within seconds).
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let (status, _, _) = get(server.port, "/en/");
        if status == 200 {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the port no longer answers: {status}"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
}

#[test]
fn issue18_10_double_slash_paths_are_never_redirected_off_site() {
    let site = TestSite::new("good");
    let server = start(&site, "", &[]);
    for path in [
        "//en",
        "//evil.example/",
        "//evil.example",
        "///en",
        "/%2F/evil.example",
    ] {
        let (status, head, _) = get(server.port, path);
        for line in head.lines() {
            if let Some(location) = line
                .strip_prefix("location: ")
                .or_else(|| line.strip_prefix("Location: "))
            {
                assert!(
                    location.starts_with('/') && !location.starts_with("//"),
                    "{path} → {status} Location: {location}"
                );
            }
        }
    }
    let (status, head, _) = get(server.port, "//en");
    assert_eq!(status, 301, "{head}");
    assert!(
        head.to_ascii_lowercase().contains("location: /en/"),
        "{head}"
    );
}

#[test]
fn issue18_11_a_static_file_rewritten_while_served_is_sent_whole() {
    let site = TestSite::new("good");
    let old = "old ".repeat(40_000);
    let new = "new and longer ".repeat(30_000);
    site.write("static/data.txt", &old);
    let server = start(&site, "", &[]);
    let path = site.path("static/data.txt");
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let writer = {
        let (stop, old, new) = (stop.clone(), old.clone(), new.clone());
        std::thread::spawn(move || {
            let mut flip = false;
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                // Truncate, then write: a reader in between sees part of a file.
                std::fs::write(&path, if flip { &old } else { &new }).expect("rewrite");
                flip = !flip;
                std::thread::sleep(Duration::from_millis(3));
            }
        })
    };
    let mut torn = Vec::new();
    let mut served = 0;
    // Eight seconds of requests, longer if the machine is so busy that fewer than five
    // were answered by then (the check below needs some), thirty at most.
    let start_at = Instant::now();
    let busy = |served: usize| {
        let elapsed = start_at.elapsed();
        elapsed < Duration::from_secs(8) || (served < 5 && elapsed < Duration::from_secs(30))
    };
    while busy(served) {
        let (status, _, body) = get(server.port, "/data.txt");
        if status == 200 {
            served += 1;
            if body != old.as_bytes() && body != new.as_bytes() {
                torn.push(body.len());
            }
        }
    }
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    writer.join().expect("writer");
    assert!(served >= 5, "only {served} responses");
    assert!(
        torn.is_empty(),
        "{} of {served} responses were neither the old file ({} bytes) nor the new ({} bytes): {:?}…",
        torn.len(),
        old.len(),
        new.len(),
        &torn[..torn.len().min(5)]
    );
}

#[test]
fn issue18_6_a_ten_thousand_word_search_is_refused_and_serve_stays_up() {
    let site = TestSite::new("good");
    let server = start(&site, "", &[]);
    let query = vec!["food"; 10_000].join("+");
    let (status, _, body) = get(
        server.port,
        &format!("/_search?q={}", &query[..query.len().min(3000)]),
    );
    assert_eq!(status, 400, "{}", String::from_utf8_lossy(&body));
    assert!(String::from_utf8_lossy(&body).contains("at most 32 are searched"));
    let (status, _, _) = get(server.port, &format!("/_search?q={query}"));
    assert!(status == 414 || status == 431 || status == 400, "{status}");
    let (status, _, body) = get(server.port, "/_search?q=food");
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&body));
}

#[test]
fn issue18_a_non_loopback_bind_prints_a_warning() {
    let site = TestSite::new("good");
    let port = free_port();
    let mut child = Command::new(BIN)
        .args([
            "serve",
            "--bind",
            "0.0.0.0",
            "--port",
            &port.to_string(),
            "--root",
        ])
        .arg(site.root())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("serve starts");
    let stderr = child.stderr.take().expect("stderr");
    let mut seen = Vec::new();
    for line in BufReader::new(stderr).lines() {
        let Ok(line) = line else { break };
        let serving = line.contains("serving the site at");
        seen.push(line);
        if serving {
            break;
        }
    }
    let _ = child.kill();
    let _ = child.wait();
    assert!(
        seen.iter()
            .any(|l| l.starts_with("warning: serving on 0.0.0.0")),
        "{seen:#?}"
    );
}

#[test]
fn issue21_serve_keeps_the_path_of_base_url() {
    let site = TestSite::new("good");
    let config = site.read("site.toml").replace(
        "base_url = \"https://example.org\"",
        "base_url = \"https://example.org/portal\"",
    );
    site.write("site.toml", config);
    let server = start(&site, "", &[]);
    let (status, _, body) = get(server.port, "/portal/en/");
    assert_eq!(status, 200);
    let body = String::from_utf8_lossy(&body);
    assert!(
        body.contains("src=\"/portal/_passerelle/livereload.js\""),
        "{body}"
    );
    assert!(body.contains("href=\"/portal/style.css\""));
    let (status, _, script) = get(server.port, "/portal/_passerelle/livereload.js");
    assert_eq!(status, 200);
    assert!(String::from_utf8_lossy(&script).contains("\"/portal/_passerelle/events\""));
    assert_eq!(get(server.port, "/en/").0, 404);
    let (status, head, _) = get(server.port, "/portal");
    assert_eq!(status, 301);
    assert!(
        head.to_ascii_lowercase().contains("location: /portal/"),
        "{head}"
    );
    let (status, _, _) = get(server.port, "/portal/_search?q=food");
    assert_eq!(status, 200);
}

/// Editing a file of `static/` reloads the page once the file has settled, and the new
/// bytes are served (a style sheet is part of what the reader sees).
#[test]
fn issue18_11_an_edited_static_file_is_served_and_reloads_the_page() {
    let site = TestSite::new("good");
    site.write("static/extra.css", "body { color: black }");
    std::thread::sleep(Duration::from_millis(300));
    let server = start(&site, "", &[]);
    let mut events = TcpStream::connect(("127.0.0.1", server.port)).expect("connect");
    events
        .write_all(b"GET /_passerelle/events HTTP/1.1\r\nHost: x\r\n\r\n")
        .expect("send");
    events
        .set_read_timeout(Some(Duration::from_secs(20)))
        .expect("timeout");
    std::thread::sleep(Duration::from_millis(300));
    site.write("static/extra.css", "body { color: navy }");
    let mut reader = BufReader::new(events);
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 {
            panic!("the event stream ended without a reload");
        }
        if line.starts_with("event: reload") {
            break;
        }
        assert!(Instant::now() < deadline, "no reload after the static edit");
    }
    let (status, _, body) = get(server.port, "/extra.css");
    assert_eq!(status, 200);
    assert_eq!(String::from_utf8_lossy(&body), "body { color: navy }");
}

#[test]
fn issue20_serve_search_answers_in_the_readers_language() {
    let site = TestSite::new("good");
    let server = start(&site, "", &[]);
    let langs = |path: &str| {
        let (status, _, body) = get(server.port, path);
        assert_eq!(status, 200, "{}", String::from_utf8_lossy(&body));
        let json: serde_json::Value = serde_json::from_slice(&body).expect("JSON");
        let hits = json["hits"].as_array().expect("hits").clone();
        assert!(!hits.is_empty(), "{path} finds something");
        hits.iter()
            .map(|h| h["lang"].as_str().unwrap_or("").to_string())
            .collect::<Vec<_>>()
    };
    // Without `reader`, the site's default language; each page once.
    assert!(langs("/_search?q=food").iter().all(|l| l == "en"));
    assert!(langs("/_search?q=food&reader=fr").iter().all(|l| l == "fr"));
    let (status, _, _) = get(server.port, "/_search?q=food&reader=xx");
    assert_eq!(status, 400, "an unknown reader language is refused");
}
