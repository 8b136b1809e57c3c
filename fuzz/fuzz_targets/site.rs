//! The whole build (`passerelle::build`, nothing written) on a small generated site tree:
//! a few files in the sections, at the top of content/ or deeper, in English, French or an
//! unknown language, with front matter assembled from known fields and value shapes around
//! fuzzed text, and a fuzzed body.
//! Properties: no panic; diagnostics at a line ≥ 1; a site that builds under `sanitize`
//! or `escape` has no active content beyond the theme's own, in any file.

#![no_main]

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::LazyLock;
use std::sync::atomic::{AtomicUsize, Ordering};

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use passerelle::BuildOptions;

const DIRS: &[&str] = &[
    "",
    "case-studies/",
    "lessons/",
    "recommendations/",
    "forums/",
    "pages/",
    "nope/",
    "pages/deep/",
];
const NAMES: &[&str] = &["_index", "a", "b", "hub"];
const LANGS: &[&str] = &["", ".fr", ".es"];
const FIELDS: &[&str] = &[
    "title",
    "summary",
    "date",
    "updated",
    "slug",
    "draft",
    "authors",
    "extra",
    "period",
    "partners",
    "sources",
    "status",
    "evidence",
    "issued_by",
    "audiences",
    "starts",
    "ends",
    "location",
    "online",
    "languages",
    "cases",
    "questions",
    "registration",
    "cities",
    "populations",
    "sectors",
    "unknown",
];
/// Value shapes; `S` is replaced by the fuzzed text.
const SHAPES: &[&str] = &[
    "S",
    "\"S\"",
    "[S]",
    "[\"S\", b]",
    "\n  - S\n  - b",
    "2024-03-01",
    "2099-03-12T13:00:00-05:00",
    "{name: S, city: montreal}",
    "[{name: S, sector: community}]",
    "[{title: S, url: \"https://example.org/S\", year: 2021}]",
    "true",
    "[en, fr]",
    "[montreal, S]",
    "[refugees]",
    "[settlement-agencies]",
    "{start: 2020-03, end: 2021-12}",
    "planned",
    "https://example.org/S",
    "[case-studies/a, case-studies/b, lessons/a]",
    "{k: S, n: [S]}",
    "''",
    "",
    "|\n  S\n  x",
];

#[derive(Arbitrary, Debug)]
struct Field {
    name: u8,
    shape: u8,
    text: String,
}

#[derive(Arbitrary, Debug)]
struct File {
    dir: u8,
    name: u8,
    lang: u8,
    fields: Vec<Field>,
    body: String,
    /// The front matter as raw text instead, now and then.
    raw: Option<String>,
}

#[derive(Arbitrary, Debug)]
struct Input {
    policy: bool,
    files: Vec<File>,
}

fn pick<'a>(list: &[&'a str], i: u8) -> &'a str {
    list[usize::from(i) % list.len()]
}

fn render(file: &File) -> (String, String) {
    let rel = format!(
        "content/{}{}{}.md",
        pick(DIRS, file.dir),
        pick(NAMES, file.name),
        pick(LANGS, file.lang)
    );
    let mut text = String::from("---\n");
    if let Some(raw) = &file.raw {
        text.push_str(raw);
        text.push('\n');
    } else {
        for f in file.fields.iter().take(12) {
            let value = pick(SHAPES, f.shape).replace('S', &f.text);
            text.push_str(&format!("{}: {value}\n", pick(FIELDS, f.name)));
        }
    }
    text.push_str("---\n");
    text.push_str(&file.body);
    (rel, text)
}

static COUNTER: AtomicUsize = AtomicUsize::new(0);

/// A fresh folder for one run, in memory when the system has /dev/shm.
fn scratch() -> PathBuf {
    let base = if Path::new("/dev/shm").is_dir() {
        PathBuf::from("/dev/shm")
    } else {
        std::env::temp_dir()
    };
    base.join(format!(
        "passerelle-fuzz-{}-{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    ))
}

fn build(files: &[(String, String)], policy: &str) -> (passerelle::BuildOutcome, usize) {
    let root = scratch();
    let _ = std::fs::remove_dir_all(&root);
    std::fs::create_dir_all(root.join("content")).expect("scratch dir");
    std::fs::write(root.join("site.toml"), common::site_toml(policy)).expect("site.toml");
    let mut max_lines = 0;
    for (rel, text) in files {
        let path = root.join(rel);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("dirs");
        std::fs::write(&path, text).expect("write");
        max_lines = max_lines.max(common::line_count(text));
    }
    let outcome = passerelle::build(&BuildOptions {
        root: root.clone(),
        output: Some(root.join("public")),
        write: false,
        // The search index too: it runs on the fuzzed text (in the scratch folder).
        index: true,
        ..BuildOptions::default()
    });
    let _ = std::fs::remove_dir_all(&root);
    (
        outcome.expect("no I/O failure in a scratch folder"),
        max_lines,
    )
}

/// What the theme itself has in a clean build: allowed.
static BASELINE: LazyLock<BTreeSet<String>> = LazyLock::new(|| {
    let home = "---\ntitle: Home\n---\nHello [a](@/case-studies/a).\n".to_string();
    let files = vec![
        ("content/_index.md".to_string(), home.clone()),
        ("content/_index.fr.md".to_string(), home),
        (
            "content/case-studies/a.md".to_string(),
            "---\ntitle: A\nsummary: S\ndate: 2024-01-01\n---\nBody\n".to_string(),
        ),
        (
            "content/forums/a.md".to_string(),
            "---\ntitle: F\nsummary: S\ndate: 2024-01-01\nstarts: 2099-03-12T13:00:00-05:00\nonline: true\nregistration: https://example.org/r\n---\n".to_string(),
        ),
    ];
    let (outcome, _) = build(&files, "sanitize");
    assert!(!outcome.has_errors(), "{:?}", outcome.diagnostics);
    let tree = to_tree(&outcome);
    common::scan::baseline(&tree)
});

fn to_tree(outcome: &passerelle::BuildOutcome) -> BTreeMap<String, Vec<u8>> {
    outcome
        .files
        .iter()
        .map(|f| (f.path.clone(), f.bytes.to_vec()))
        .collect()
}

fuzz_target!(|input: Input| {
    let mut files: BTreeMap<String, String> = BTreeMap::new();
    for f in input.files.iter().take(10) {
        let (rel, text) = render(f);
        files.insert(rel, text);
    }
    let files: Vec<(String, String)> = files.into_iter().collect();
    let policy = if input.policy { "sanitize" } else { "escape" };
    let baseline = &*BASELINE;
    let (outcome, max_lines) = build(&files, policy);
    // Diagnostics of site-wide checks may point at line 1 of a file; none at 0.
    common::check_positions(&outcome.diagnostics, Some(max_lines.max(1)));
    if !outcome.has_errors() {
        let tree = to_tree(&outcome);
        let found = common::scan::tree(&tree, baseline);
        assert!(found.is_empty(), "active content: {found:#?}");
    }
});
