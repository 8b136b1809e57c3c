//! A crawl of a built `public/`: every internal link and asset resolves to a file, every
//! `hreflang` alternate exists, every page has `<html lang>`, and `sitemap.xml` lists every
//! HTML page but 404.html. Run on the good fixture and on the shipped site at the repo root.
//!
//! Sites are built with `--base-url https://crawl.test`, so absolute links to the site itself
//! are recognized (and the override is exercised); other http(s) and `mailto:` links are not
//! followed. The shipped site is crawled a second time published under a path
//! (`https://crawl.test/portal/`): every link must then stay under `/portal/` (issue 21).

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use crate::harness::{TestSite, repo_root, run_in, tree};

const BASE: &str = "https://crawl.test";

/// Every problem the crawl finds in `public`, published at the path `root` (`/`,
/// `/portal/`) of [`BASE`], one line each.
fn crawl(public: &Path, root: &str, languages: &[&str]) -> Vec<String> {
    let files = tree(public);
    let mut problems = Vec::new();
    let html: BTreeMap<&String, String> = files
        .iter()
        .filter(|(path, _)| path.ends_with(".html"))
        .map(|(path, bytes)| (path, String::from_utf8_lossy(bytes).into_owned()))
        .collect();
    assert!(html.len() > 10, "crawled only {} pages", html.len());

    for (page, text) in &html {
        match attribute(text, "<html", "lang") {
            Some(lang) if languages.contains(&lang.as_str()) => {}
            other => problems.push(format!("{page}: <html lang> is {other:?}")),
        }
        for (name, value) in link_attributes(text) {
            if let Some(problem) = check_link(&files, &html, root, page, &value) {
                problems.push(format!("{page}: {name}=\"{value}\": {problem}"));
            }
        }
        for tag in tags(text, "<link") {
            if !tag.contains("hreflang=") {
                continue;
            }
            let href = attr_value(tag, "href").unwrap_or_default();
            if !href.starts_with(BASE) {
                problems.push(format!("{page}: hreflang alternate {href} is not absolute"));
            } else if let Some(problem) = check_link(&files, &html, root, page, &href) {
                problems.push(format!("{page}: hreflang alternate {href}: {problem}"));
            }
        }
    }

    // The sitemap lists every page once, and only pages that exist.
    let sitemap =
        String::from_utf8_lossy(files.get("sitemap.xml").expect("sitemap.xml")).into_owned();
    let mut listed = BTreeSet::new();
    for loc in between_all(&sitemap, "<loc>", "</loc>") {
        match url_to_file(loc, root) {
            Some(file) if files.contains_key(&file) => {
                if !listed.insert(file.clone()) {
                    problems.push(format!("sitemap.xml lists {loc} twice"));
                }
            }
            _ => problems.push(format!("sitemap.xml lists {loc}, which is not in public/")),
        }
    }
    for tag in tags(&sitemap, "<xhtml:link") {
        let href = attr_value(tag, "href").unwrap_or_default();
        if !url_to_file(&href, root).is_some_and(|f| files.contains_key(&f)) {
            problems.push(format!("sitemap.xml alternate {href} is not in public/"));
        }
    }
    for page in html.keys() {
        if page.as_str() != "404.html" && !listed.contains(page.as_str()) {
            problems.push(format!("sitemap.xml does not list {page}"));
        }
    }
    if listed.contains("404.html") {
        problems.push("sitemap.xml lists 404.html".into());
    }
    problems
}

/// Why `value`, found in `page`, does not resolve; `None` when it does or is not ours.
fn check_link(
    files: &BTreeMap<String, Vec<u8>>,
    html: &BTreeMap<&String, String>,
    root: &str,
    page: &str,
    value: &str,
) -> Option<String> {
    let value = value.replace("&amp;", "&");
    let lower = value.to_ascii_lowercase();
    let local = match value.strip_prefix(BASE) {
        Some(rest) => rest.to_string(),
        None if lower.starts_with("http://")
            || lower.starts_with("https://")
            || lower.starts_with("mailto:")
            || lower.starts_with("//") =>
        {
            return None;
        }
        None => value.clone(),
    };
    let (path, fragment) = match local.split_once('#') {
        Some((p, f)) => (p.to_string(), Some(f.to_string())),
        None => (local.clone(), None),
    };
    let path = path.split('?').next().unwrap_or_default().to_string();
    let file = if path.is_empty() {
        page.to_string()
    } else if path.starts_with('/') {
        match path.strip_prefix(root) {
            Some(abs) => resolve(abs),
            None => return Some(format!("leaves the site's path {root}")),
        }
    } else {
        let dir = page.rsplit_once('/').map_or("", |(d, _)| d);
        resolve(&normalize(&format!("{dir}/{path}")))
    };
    if !files.contains_key(&file) {
        return Some(format!("no file {file}"));
    }
    match fragment.as_deref() {
        None | Some("") => None,
        Some(id) => {
            let target = html.iter().find(|(p, _)| p.as_str() == file)?.1;
            let found = target.contains(&format!("id=\"{id}\""))
                || target.contains(&format!("name=\"{id}\""));
            (!found).then(|| format!("{file} has no id=\"{id}\""))
        }
    }
}

/// `x/` → `x/index.html`; a path naming a folder gets its index too.
fn resolve(path: &str) -> String {
    if path.is_empty() || path.ends_with('/') {
        format!("{path}index.html")
    } else {
        path.to_string()
    }
}

fn normalize(path: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "." | "" => {}
            ".." => {
                parts.pop();
            }
            p => parts.push(p),
        }
    }
    let mut out = parts.join("/");
    if path.ends_with('/') {
        out.push('/');
    }
    out
}

/// The file of `public/` an absolute URL of the site names.
fn url_to_file(url: &str, root: &str) -> Option<String> {
    let rest = url.strip_prefix(BASE)?;
    Some(resolve(rest.strip_prefix(root)?))
}

/// Values of `href` and `src` attributes anywhere in `html`.
fn link_attributes(html: &str) -> Vec<(&'static str, String)> {
    let mut out = Vec::new();
    for name in ["href", "src"] {
        for quote in ['"', '\''] {
            let needle = format!(" {name}={quote}");
            let mut rest = html;
            while let Some(i) = rest.find(&needle) {
                rest = &rest[i + needle.len()..];
                let end = rest.find(quote).unwrap_or(rest.len());
                out.push((name, rest[..end].to_string()));
                rest = &rest[end..];
            }
        }
    }
    out
}

/// Every tag that starts with `open` (`<link`), up to its `>`.
fn tags<'a>(text: &'a str, open: &str) -> Vec<&'a str> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(i) = rest.find(open) {
        rest = &rest[i..];
        let end = rest.find('>').unwrap_or(rest.len());
        out.push(&rest[..end]);
        rest = &rest[end..];
    }
    out
}

fn attr_value(tag: &str, name: &str) -> Option<String> {
    let needle = format!(" {name}=\"");
    let start = tag.find(&needle)? + needle.len();
    let end = tag[start..].find('"')? + start;
    Some(tag[start..end].to_string())
}

/// The value of attribute `name` on the first tag that starts with `open`.
fn attribute(text: &str, open: &str, name: &str) -> Option<String> {
    tags(text, open).first().and_then(|t| attr_value(t, name))
}

fn between_all<'a>(text: &'a str, open: &str, close: &str) -> Vec<&'a str> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(i) = rest.find(open) {
        rest = &rest[i + open.len()..];
        let end = rest.find(close).unwrap_or(rest.len());
        out.push(&rest[..end]);
        rest = &rest[end..];
    }
    out
}

#[test]
fn crawl_of_the_good_fixture_finds_no_broken_link() {
    let site = TestSite::new("good");
    site.run(&["build", "--base-url", BASE]).assert_code(0);
    let problems = crawl(&site.path("public"), "/", &["en", "fr"]);
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// Both in one test: two builds of the repository root at once would share its index.
#[test]
fn crawl_of_the_shipped_site_finds_no_broken_link_at_the_root_or_under_a_path_issue21() {
    crawl_shipped_site("/");
    crawl_shipped_site("/portal/");
}

fn crawl_shipped_site(path: &str) {
    let base = format!("{BASE}{path}");
    let root = repo_root();
    let out = tempfile::Builder::new()
        .prefix("passerelle-crawl-")
        .tempdir()
        .expect("temp dir");
    let public = out.path().join("public");
    let public_arg = public.to_str().expect("UTF-8 temp path");
    let root_arg = root.to_str().expect("UTF-8 repo path");
    let run = run_in(
        out.path(),
        &[
            "build",
            "--root",
            root_arg,
            "--output",
            public_arg,
            "--base-url",
            &base,
        ],
        out.path(),
    );
    assert_eq!(
        run.code,
        Some(0),
        "the shipped site at the repository root does not build (site.toml, content/), so it \
         cannot be crawled; fix the content or the build:\n{}",
        run.stderr()
    );
    let problems = crawl(&public, path, &["en", "fr"]);
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn crawl_catches_what_it_should() {
    // The crawler itself: a site with a broken link, a missing lang and an unlisted page.
    let dir = tempfile::tempdir().expect("temp dir");
    let public = dir.path();
    let pages: [(&str, &str); 12] = [
        (
            "index.html",
            "<html lang=\"en\"><a href=\"/en/\">x</a></html>",
        ),
        ("404.html", "<html lang=\"en\"></html>"),
        (
            "en/index.html",
            "<html lang=\"en\"><a href=\"/en/nowhere/\">x</a><a href=\"#top\">t</a></html>",
        ),
        (
            "en/a/index.html",
            "<html><img src=\"../missing.png\"></html>",
        ),
        (
            "en/b/index.html",
            "<html lang=\"en\"><link rel=\"alternate\" hreflang=\"fr\" href=\"https://crawl.test/fr/b/\"></html>",
        ),
        (
            "en/c/index.html",
            "<html lang=\"en\"><a href=\"/en/a/#nope\">x</a><a href=\"https://elsewhere.test/x\">x</a><a href=\"mailto:a@b.c\">m</a></html>",
        ),
        ("en/d/index.html", "<html lang=\"en\"></html>"),
        ("en/e/index.html", "<html lang=\"en\"></html>"),
        ("en/f/index.html", "<html lang=\"en\"></html>"),
        ("en/g/index.html", "<html lang=\"en\"></html>"),
        ("en/h/index.html", "<html lang=\"en\"></html>"),
        (
            "sitemap.xml",
            "<urlset><url><loc>https://crawl.test/</loc></url><url><loc>https://crawl.test/en/</loc></url><url><loc>https://crawl.test/en/gone/</loc></url></urlset>",
        ),
    ];
    for (path, text) in pages {
        let file = public.join(path);
        std::fs::create_dir_all(file.parent().expect("parent")).expect("mkdir");
        std::fs::write(file, text).expect("write");
    }
    let problems = crawl(public, "/", &["en", "fr"]).join("\n");
    for expected in [
        "en/index.html: href=\"/en/nowhere/\": no file en/nowhere/index.html",
        "en/index.html: href=\"#top\": en/index.html has no id=\"top\"",
        "en/a/index.html: <html lang> is None",
        "en/a/index.html: src=\"../missing.png\": no file en/missing.png",
        "en/b/index.html: hreflang alternate https://crawl.test/fr/b/: no file fr/b/index.html",
        "en/c/index.html: href=\"/en/a/#nope\": en/a/index.html has no id=\"nope\"",
        "sitemap.xml lists https://crawl.test/en/gone/, which is not in public/",
        "sitemap.xml does not list en/d/index.html",
    ] {
        assert!(
            problems.contains(expected),
            "missed {expected:?} in:\n{problems}"
        );
    }
    assert!(
        !problems.contains("elsewhere") && !problems.contains("mailto"),
        "{problems}"
    );
    assert!(!problems.contains("does not list 404.html"), "{problems}");
}
