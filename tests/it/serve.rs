//! `passerelle serve` through real HTTP: edits show up, reload events are sent only after
//! good builds, errors overlay the last good site, and paths cannot leave the site.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{Receiver, channel};
use std::time::{Duration, Instant};

use crate::harness::{BIN, TestSite};

struct Server {
    child: Child,
    port: u16,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub(crate) fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .expect("bind")
        .local_addr()
        .expect("addr")
        .port()
}

fn start(site: &TestSite) -> Server {
    let port = free_port();
    let child = Command::new(BIN)
        .args(["serve", "--port", &port.to_string(), "--root"])
        .arg(site.root())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("serve starts");
    let server = Server { child, port };
    let deadline = Instant::now() + Duration::from_secs(30);
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "serve did not start listening");
        std::thread::sleep(Duration::from_millis(50));
    }
    server
}

/// Sends raw bytes, returns (status, body).
fn raw(port: u16, request: &[u8]) -> (u16, String) {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .expect("timeout");
    stream.write_all(request).expect("send");
    let mut response = Vec::new();
    let _ = stream.read_to_end(&mut response);
    let text = String::from_utf8_lossy(&response).into_owned();
    let status = text
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let body = text
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_string())
        .unwrap_or_default();
    (status, body)
}

fn get(port: u16, path: &str) -> (u16, String) {
    raw(
        port,
        format!("GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n").as_bytes(),
    )
}

/// Events of the server-sent-events stream, one `event:` name per item.
fn events(port: u16) -> Receiver<String> {
    let (tx, rx) = channel();
    let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    stream
        .write_all(b"GET /_passerelle/events HTTP/1.1\r\nHost: localhost\r\n\r\n")
        .expect("send");
    std::thread::spawn(move || {
        for line in BufReader::new(stream).lines() {
            let Ok(line) = line else { break };
            if let Some(name) = line.strip_prefix("event: ")
                && tx.send(name.to_string()).is_err()
            {
                break;
            }
        }
    });
    rx
}

fn wait_for(port: u16, path: &str, what: &str, pred: impl Fn(&str) -> bool) -> String {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let (_, body) = get(port, path);
        if pred(&body) {
            return body;
        }
        assert!(
            Instant::now() < deadline,
            "timed out waiting for {what}; last body:\n{body}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

const PAGE: &str = "/en/case-studies/food-hub-montreal-nord/";
const SOURCE: &str = "content/case-studies/food-hub-montreal-nord.md";

#[test]
fn edit_reload_break_overlay_fix() {
    let site = TestSite::new("good");
    let server = start(&site);
    let port = server.port;
    let (status, body) = get(port, PAGE);
    assert_eq!(status, 200);
    assert!(
        body.contains("/_passerelle/livereload.js"),
        "live reload script injected"
    );
    let events = events(port);
    std::thread::sleep(Duration::from_millis(200));

    let original = site.read(SOURCE);
    site.write(
        SOURCE,
        original.replace("Volunteers delivered", "Neighbours delivered"),
    );
    assert_eq!(
        events.recv_timeout(Duration::from_secs(20)).as_deref(),
        Ok("reload")
    );
    let (_, body) = get(port, PAGE);
    assert!(
        body.contains("Neighbours delivered"),
        "the new text is served"
    );
    // The search pass that follows may reload once more if related pages changed.
    std::thread::sleep(Duration::from_millis(1500));
    while let Ok(event) = events.try_recv() {
        assert_eq!(event, "reload");
    }

    site.write(
        SOURCE,
        original.replace("date: 2021-06-15", "date: 2021-06-31"),
    );
    assert_eq!(
        events.recv_timeout(Duration::from_secs(20)).as_deref(),
        Ok("errors")
    );
    // A rebuild may catch the file half-written; the overlay settles on the author's error.
    let body = wait_for(port, PAGE, "the overlay with the file and line", |b| {
        b.contains("passerelle-errors")
            && b.contains("content/case-studies/food-hub-montreal-nord.md:4:7")
    });
    assert!(
        body.contains("Neighbours delivered"),
        "the last good site stays underneath"
    );

    site.write(SOURCE, &original);
    // Errors may be reported again (a rebuild catching the file half-written) before the
    // good build's reload.
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        match events.recv_timeout(deadline.saturating_duration_since(Instant::now())) {
            Ok(event) if event == "reload" => break,
            Ok(event) => assert_eq!(event, "errors"),
            Err(e) => panic!("no reload after the fix: {e}"),
        }
    }
    let (_, body) = get(port, PAGE);
    assert!(!body.contains("passerelle-errors"), "the overlay is gone");
    assert!(body.contains("Volunteers delivered"));
}

#[test]
fn traversal_and_malformed_requests() {
    let site = TestSite::new("good");
    std::fs::write(site.root().join("secret.txt"), "do not serve").expect("write");
    let server = start(&site);
    let port = server.port;
    for path in [
        "/../secret.txt",
        "/%2e%2e/secret.txt",
        "/%2E%2E%2Fsecret.txt",
        "/en/..%2f..%2fsecret.txt",
        "/..%5csecret.txt",
        "/en\\..\\..\\secret.txt",
        "/%00",
    ] {
        let (status, body) = get(port, path);
        assert_eq!(status, 404, "{path}");
        assert!(!body.contains("do not serve"), "{path}");
    }
    let (status, _) = raw(
        port,
        b"POST /en/ HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
    );
    assert_eq!(status, 405);
    let (status, _) = raw(port, b"GARBAGE\r\n\r\n");
    assert_eq!(status, 400);
    let (status, _) = raw(
        port,
        b"GET /en/ HTTP/9.9\r\nHost: x\r\nConnection: close\r\n\r\n",
    );
    assert!(status == 400 || status == 505, "bad version: {status}");
    // Still serving after all that.
    let (status, body) = get(port, "/en/");
    assert_eq!(status, 200);
    assert!(body.contains("<html lang=\"en\""));
    let (status, _) = raw(
        port,
        b"HEAD /en/ HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    );
    assert_eq!(status, 200);
}

#[test]
fn a_taken_port_is_reported_with_a_free_one() {
    let site = TestSite::new("good");
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    let output = Command::new(BIN)
        .args(["serve", "--port", &port.to_string(), "--root"])
        .arg(site.root())
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("already in use") && stderr.contains("try --port"),
        "{stderr}"
    );
}
