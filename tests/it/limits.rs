//! Limits (issue 9): inputs far beyond a real site's — a 10 MB front matter, a 50 MB Markdown
//! file, 10,000 files in one section, nesting 10,000 levels deep, a symlink loop, a file that
//! disappears — end with success or a clear diagnostic (exit 0 or 1), never a hang, a panic
//! (exit 101) or a crash (killed by a signal, e.g. a stack overflow).
//!
//! Big inputs are generated here, in the test's temp folder. Each run has a time limit; the
//! whole module runs in well under two minutes with the debug binary.

use std::io::Read as _;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::harness::{BIN, TestSite, errors, redact};

/// What one bounded run did.
struct Limited {
    code: Option<i32>,
    stderr: String,
    took: Duration,
}

/// Runs `passerelle ARGS --root ROOT`; kills it and fails the test after `limit`.
fn run_limited(site: &TestSite, args: &[&str], limit: Duration) -> Limited {
    let mut cmd = Command::new(BIN);
    cmd.args(args)
        .arg("--root")
        .arg(site.root())
        .current_dir(site.root())
        .env_clear()
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    if let Some(path) = std::env::var_os("PATH") {
        cmd.env("PATH", path);
    }
    let start = Instant::now();
    let mut child = cmd.spawn().expect("start passerelle");
    let mut pipe = child.stderr.take().expect("stderr pipe");
    let reader = std::thread::spawn(move || {
        let mut buf = Vec::new();
        let _ = pipe.read_to_end(&mut buf);
        buf
    });
    let status = loop {
        if let Some(status) = child.try_wait().expect("poll passerelle") {
            break status;
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            panic!(
                "`passerelle {}` still running after {limit:?}: a hang",
                args.join(" ")
            );
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let took = start.elapsed();
    let stderr = String::from_utf8_lossy(&reader.join().expect("stderr reader")).into_owned();
    Limited {
        code: status.code(),
        stderr: redact(&stderr, site.root()),
        took,
    }
}

impl Limited {
    /// Exit 0 or 1, no panic, no crash; returns self for more checks.
    fn assert_clean_end(&self, what: &str) -> &Self {
        let head: String = self.stderr.chars().take(3000).collect();
        assert!(
            !self.stderr.contains("panicked") && !self.stderr.contains("overflowed its stack"),
            "{what}: the build crashed after {:?}:\n{head}",
            self.took
        );
        assert!(
            matches!(self.code, Some(0 | 1)),
            "{what}: exit {:?} (None = killed by a signal) after {:?}:\n{head}",
            self.code,
            self.took
        );
        assert!(
            self.code == Some(0) || !self.errors().is_empty(),
            "{what}: exit 1 without a diagnostic:\n{head}"
        );
        eprintln!(
            "{what}: exit {:?} in {:.1} s",
            self.code,
            self.took.as_secs_f64()
        );
        self
    }

    fn errors(&self) -> Vec<String> {
        errors(&self.stderr)
    }
}

const LIMIT: Duration = Duration::from_secs(90);

fn small_site() -> TestSite {
    let site = TestSite::empty();
    site.write(
        "site.toml",
        r#"title = "Limits"
base_url = "https://example.org"
default_language = "en"
languages = ["en", "fr"]
[build]
translations = "warn"
[sections.case-studies]
kind = "case-study"
title = "Case studies"
[sections.pages]
kind = "page"
title = "Pages"
"#,
    );
    site.write("content/_index.md", "---\ntitle: Home\n---\nHello.\n");
    site.write(
        "content/_index.fr.md",
        "---\ntitle: Accueil\n---\nBonjour.\n",
    );
    site
}

fn page_head(title: &str) -> String {
    format!("---\ntitle: {title}\nsummary: S\ndate: 2024-03-01\n")
}

#[test]
fn a_front_matter_of_10_mb_builds() {
    let site = small_site();
    // 150,000 fields of ~70 bytes under `extra`.
    let mut text = page_head("Big front matter");
    text.push_str("extra:\n");
    let mut i = 0;
    while text.len() < 10 << 20 {
        text.push_str(&format!(
            "  field_{i:06}: \"a value of about seventy bytes, with « French » text\"\n"
        ));
        i += 1;
    }
    text.push_str("---\n\nBody.\n");
    site.write("content/pages/big.md", &text);
    let run = run_limited(&site, &["build"], LIMIT);
    run.assert_clean_end("10 MB front matter");
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(
        site.public("en/pages/big/index.html")
            .contains("Big front matter")
    );
}

#[test]
fn a_mistake_at_the_end_of_a_10_mb_front_matter_is_reported_at_its_line() {
    let site = small_site();
    let mut text = page_head("Big front matter");
    text.push_str("authors:\n");
    let mut lines = 5;
    while text.len() < 10 << 20 {
        text.push_str("  - An author with a rather long name, Jr.\n");
        lines += 1;
    }
    text.push_str("cities: [unclosed\n---\n");
    site.write("content/pages/big.md", &text);
    let run = run_limited(&site, &["build"], LIMIT);
    run.assert_clean_end("10 MB front matter with a YAML error");
    assert_eq!(run.code, Some(1));
    let errs = run.errors();
    assert!(
        errs.iter().any(|e| e.starts_with("content/pages/big.md:")
            && e.contains("not valid YAML")
            && e.split(':').nth(1).and_then(|l| l.parse::<usize>().ok()) >= Some(lines)),
        "{errs:#?}"
    );
}

#[test]
fn a_never_closed_10_mb_front_matter_is_reported() {
    let site = small_site();
    let mut text = page_head("Never closed");
    while text.len() < 10 << 20 {
        text.push_str("# a comment line that goes on, and on, and on, and on\n");
    }
    site.write("content/pages/open.md", &text);
    let run = run_limited(&site, &["build"], LIMIT);
    run.assert_clean_end("unclosed 10 MB front matter");
    assert_eq!(run.code, Some(1));
    assert!(
        run.errors().iter().any(|e| e.contains("never closed")),
        "{}",
        run.stderr
    );
}

/// 50 MB with a release binary (`cargo test --release`); 10 MB with the debug one, whose
/// Markdown and search indexing take about 35 s of CPU for 50 MB (`PASSERELLE_LIMITS_MB`
/// sets the size).
fn markdown_mb() -> usize {
    std::env::var("PASSERELLE_LIMITS_MB")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(if cfg!(debug_assertions) { 10 } else { 50 })
}

#[test]
fn a_50_mb_markdown_file_builds() {
    let site = small_site();
    let size = markdown_mb() << 20;
    let mut text = page_head("Huge page");
    text.push_str("---\n\n");
    let paragraph = "Une phrase en français : avec « guillemets », des *emphases*, du **gras**, \
        [le rapport annuel](https://example.org/a) et [la page voisine](@/pages/other) ; puis ? \
        et ! English words too, `code`, and an autolink <https://example.org/b>.\n\n";
    let mut n = 0;
    while text.len() < size {
        if n % 200 == 0 {
            text.push_str(&format!("## Section {n}\n\n- item\n- item\n\n> quote\n\n"));
        }
        text.push_str(paragraph);
        n += 1;
    }
    site.write("content/pages/huge.fr.md", &text);
    site.write("content/pages/other.fr.md", page_head("Other") + "---\n");
    let run = run_limited(&site, &["build"], LIMIT);
    run.assert_clean_end(&format!("{} MB Markdown", markdown_mb()));
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let html = std::fs::metadata(site.path("public/fr/pages/huge/index.html"))
        .expect("the huge page was written");
    assert!(html.len() > size as u64);
}

#[test]
fn ten_thousand_files_in_one_section_build() {
    let site = small_site();
    let dir = site.path("content/case-studies");
    std::fs::create_dir_all(&dir).expect("section dir");
    for i in 0..10_000 {
        std::fs::write(
            dir.join(format!("case-{i:05}.md")),
            format!(
                "---\ntitle: Case {i}\nsummary: Case number {i}.\ndate: 2024-03-01\n---\n\nBody of case {i}, see [the next](@/case-studies/case-{:05}).\n",
                (i + 1) % 10_000
            ),
        )
        .expect("write case");
    }
    let run = run_limited(&site, &["build"], LIMIT);
    run.assert_clean_end("10,000 files in one section");
    assert_eq!(
        run.code,
        Some(0),
        "{}",
        run.stderr.chars().take(2000).collect::<String>()
    );
    assert!(
        site.path("public/en/case-studies/case-09999/index.html")
            .is_file()
    );
}

#[test]
fn nesting_10000_levels_deep_ends_cleanly() {
    let site = small_site();
    let depth = 10_000;
    let bodies = [
        ("quotes", "> ".repeat(depth) + "deep quote\n"),
        ("bullets", "- ".repeat(depth) + "deep item\n"),
        ("ordered", "1. ".repeat(depth) + "deep item\n"),
        ("mixed", "> - 1. ".repeat(depth / 3) + "deep\n"),
        (
            "indented",
            (0..2_000)
                .map(|i| format!("{}- level {i}\n", "  ".repeat(i)))
                .collect::<String>(),
        ),
        (
            "brackets",
            "[".repeat(depth) + "x" + &"]".repeat(depth) + "\n",
        ),
        ("links", "[a](".repeat(depth) + &")".repeat(depth) + "\n"),
        (
            "emphasis",
            "*_".repeat(depth) + "x" + &"_*".repeat(depth) + "\n",
        ),
        (
            "raw-html",
            "<div>".repeat(depth) + "deep" + &"</div>".repeat(depth) + "\n",
        ),
        (
            "raw-inline",
            "x ".to_string() + &"<span>".repeat(depth) + "deep" + &"</span>".repeat(depth) + "\n",
        ),
    ];
    for (name, body) in &bodies {
        site.write(
            &format!("content/pages/{name}.md"),
            page_head(name) + "---\n\n" + body,
        );
    }
    // Every stage sees them: the build succeeds, so templates, search and feeds run too.
    let run = run_limited(&site, &["build"], LIMIT);
    run.assert_clean_end("10,000 levels of nesting");
    let head: String = run.stderr.chars().take(3000).collect();
    assert_eq!(run.code, Some(0), "{head}");
    assert!(site.path("public/en/pages/quotes/index.html").is_file());
}

#[test]
fn yaml_nested_10000_levels_deep_is_refused_at_its_line() {
    let site = small_site();
    let depth = 10_000;
    site.write(
        "content/pages/yaml.md",
        page_head("yaml") + "extra: " + &"[".repeat(depth) + &"]".repeat(depth) + "\n---\n",
    );
    site.write(
        "content/pages/map.md",
        page_head("map") + "extra: " + &"{k: ".repeat(depth) + "v" + &"}".repeat(depth) + "\n---\n",
    );
    let run = run_limited(&site, &["build"], LIMIT);
    run.assert_clean_end("10,000 levels of YAML");
    assert_eq!(run.code, Some(1));
    let errs = run.errors();
    assert_eq!(errs.len(), 2, "{errs:#?}");
    assert!(errs[0].starts_with("content/pages/map.md:5:"), "{errs:#?}");
    assert!(errs[1].starts_with("content/pages/yaml.md:5:"), "{errs:#?}");
}

#[cfg(unix)]
#[test]
fn a_symlink_loop_under_content_is_reported() {
    use std::os::unix::fs::symlink;
    let site = small_site();
    site.write("content/pages/real.md", page_head("Real") + "---\n");
    // A folder link back to an ancestor, a file link to itself, and a two-link cycle.
    symlink("..", site.path("content/pages/loop")).expect("symlink");
    symlink("self.md", site.path("content/pages/self.md")).expect("symlink");
    symlink("b.md", site.path("content/pages/a.md")).expect("symlink");
    symlink("a.md", site.path("content/pages/b.md")).expect("symlink");
    let run = run_limited(&site, &["build"], LIMIT);
    run.assert_clean_end("symlink loop");
    assert_eq!(run.code, Some(1));
    let errs = run.errors();
    for name in ["loop", "self.md", "a.md", "b.md"] {
        assert!(
            errs.iter()
                .any(|e| e.starts_with(&format!("content/pages/{name}:1:1: error:"))),
            "nothing about content/pages/{name}: {errs:#?}"
        );
    }
    assert!(
        errs.iter()
            .any(|e| e.starts_with("content/pages/loop:") && e.contains("symlink loop")),
        "{errs:#?}"
    );
    assert!(!site.path("public").exists());
}

#[cfg(unix)]
#[test]
fn a_file_gone_before_it_is_read_is_reported() {
    // A link to a file that is gone: the walker finds the name, the file is not there.
    use std::os::unix::fs::symlink;
    let site = small_site();
    site.write("content/pages/kept.md", page_head("Kept") + "---\n");
    site.write("content/pages/gone-target.md", page_head("Gone") + "---\n");
    symlink("gone-target.md", site.path("content/pages/gone.md")).expect("symlink");
    site.remove("content/pages/gone-target.md");
    // The same in static/, which is copied as is.
    std::fs::create_dir_all(site.path("static")).expect("static dir");
    symlink("nowhere.css", site.path("static/gone.css")).expect("symlink");
    let run = run_limited(&site, &["build"], LIMIT);
    run.assert_clean_end("dangling symlink");
    assert_eq!(run.code, Some(1));
    let errs = run.errors();
    assert!(
        errs.iter()
            .any(|e| e.starts_with("content/pages/gone.md:1:1: error:")),
        "{errs:#?}"
    );
    // Content errors stop the build before static/ is read: once they are fixed, the
    // static file is reported.
    site.remove("content/pages/gone.md");
    let run = run_limited(&site, &["build"], LIMIT);
    run.assert_clean_end("dangling symlink in static/");
    assert_eq!(run.code, Some(1));
    let errs = run.errors();
    assert!(
        errs.iter().any(|e| e.contains("static/gone.css")),
        "{errs:#?}"
    );
}

/// Files (and a folder) appear and disappear while builds run: whichever moment each build
/// sees, it ends with success or a diagnostic. Not deterministic by nature, so it runs
/// many builds against a fast flapper; the link test above pins the deterministic case.
#[test]
fn files_disappearing_during_builds_end_cleanly() {
    let site = small_site();
    for i in 0..200 {
        site.write(
            &format!("content/pages/p{i:03}.md"),
            page_head(&format!("P{i}")) + "---\nText.\n",
        );
    }
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let flapper = {
        let stop = stop.clone();
        let root = site.root().to_path_buf();
        std::thread::spawn(move || flap(&root, &stop))
    };
    let mut codes = Vec::new();
    let mut seen = std::collections::BTreeSet::new();
    for _ in 0..12 {
        let run = run_limited(&site, &["build"], LIMIT);
        run.assert_clean_end("files disappearing");
        codes.push(run.code);
        for e in run.errors() {
            // `path:line:col: error: message` → the message.
            let first = e.lines().next().unwrap_or("").to_string();
            seen.insert(
                first
                    .split(": error: ")
                    .nth(1)
                    .unwrap_or(&first)
                    .to_string(),
            );
        }
    }
    eprintln!("files disappearing: diagnostics seen: {seen:#?}");
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let flips = flapper.join().expect("flapper");
    eprintln!("files disappearing: {flips} flips, exits {codes:?}");
}

fn flap(root: &Path, stop: &std::sync::atomic::AtomicBool) -> usize {
    let mut flips = 0;
    let file = root.join("content/pages/flapping.md");
    let dir = root.join("content/pages/flapdir");
    let text = page_head("Flapping") + "---\nHere and gone.\n";
    while !stop.load(std::sync::atomic::Ordering::Relaxed) {
        let _ = std::fs::write(&file, &text);
        let _ = std::fs::create_dir_all(&dir);
        let _ = std::fs::write(dir.join("inner.md"), &text);
        std::thread::sleep(Duration::from_micros(300));
        let _ = std::fs::remove_file(&file);
        let _ = std::fs::remove_dir_all(&dir);
        // Truncated: read while being rewritten, a file may have no front matter yet.
        let _ = std::fs::write(root.join("content/pages/p000.md"), "");
        let _ = std::fs::write(
            root.join("content/pages/p000.md"),
            page_head("P0") + "---\nText.\n",
        );
        std::thread::sleep(Duration::from_micros(300));
        flips += 1;
    }
    flips
}
