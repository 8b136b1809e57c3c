//! The relevance suite (issue 20): the queries of `tests/search/relevance/queries.toml`,
//! judged by hand on the shipped portal, each asked by a reader of English and a reader
//! of French. The portal is built by the real binary into a temp folder; each query goes
//! to the index of that build (what `passerelle search --reader` and `serve` answer) and
//! to `assets/search.js` under Node over the static form the build wrote. Both must give
//! the same response (the parity test's comparison), and the judged page must come
//! first. The mean reciprocal rank is printed
//! (`cargo test --test it relevance -- --nocapture`).

#![allow(clippy::unwrap_used)] // Tests: a panic is the failure report.

use std::path::Path;

use passerelle::search::{SearchIndex, SearchRequest};
use serde::Deserialize;

use crate::harness::{TestSite, repo_root};
use crate::search_parity::{compare, run_node};

#[derive(Deserialize)]
struct Suite {
    query: Vec<Judged>,
}

#[derive(Deserialize)]
struct Judged {
    q: String,
    /// The first result for either reader, unless `en` or `fr` says otherwise.
    first: Option<String>,
    en: Option<String>,
    fr: Option<String>,
    why: String,
}

impl Judged {
    fn expected(&self, reader: &str) -> &str {
        let own = if reader == "en" { &self.en } else { &self.fr };
        own.as_deref()
            .or(self.first.as_deref())
            .unwrap_or_else(|| panic!("{:?} names no first result for {reader}", self.q))
    }
}

fn copy_shipped_portal(to: &Path) {
    let root = repo_root();
    std::fs::copy(root.join("site.toml"), to.join("site.toml")).unwrap();
    for entry in walkdir::WalkDir::new(root.join("content")) {
        let entry = entry.unwrap();
        let rel = entry.path().strip_prefix(&root).unwrap();
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(to.join(rel)).unwrap();
        } else {
            std::fs::copy(entry.path(), to.join(rel)).unwrap();
        }
    }
}

#[test]
fn judged_queries_put_the_judged_page_first_for_both_readers_issue20() {
    let text =
        std::fs::read_to_string(repo_root().join("tests/search/relevance/queries.toml")).unwrap();
    let suite: Suite = toml::from_str(&text).unwrap();
    assert!(suite.query.len() >= 30, "the suite has at least 30 queries");

    let site = TestSite::empty();
    copy_shipped_portal(site.root());
    site.build_ok();
    let config = passerelle::config::SiteConfig::load(site.root()).unwrap();
    let index = SearchIndex::open(&passerelle::index_dir(site.root()))
        .unwrap()
        .with_synonyms(&config.synonyms)
        .unwrap();

    let mut asked = Vec::new();
    for judged in &suite.query {
        for reader in ["en", "fr"] {
            asked.push((
                judged,
                reader,
                SearchRequest {
                    query: judged.q.clone(),
                    lang: None,
                    filters: Vec::new(),
                    limit: 10,
                    reader: Some(reader.to_string()),
                },
            ));
        }
    }
    let requests: Vec<&SearchRequest> = asked.iter().map(|(_, _, r)| r).collect();
    let js = run_node(
        &site.path("public/search"),
        &serde_json::json!({ "requests": requests }),
        site.root(),
    );

    let mut failures = Vec::new();
    let mut reciprocal = 0.0;
    for (i, (judged, reader, request)) in asked.iter().enumerate() {
        let response = index.search(request).unwrap();
        let expected = judged.expected(reader);
        let rank = response
            .hits
            .iter()
            .find(|h| h.key == expected)
            .map(|h| h.rank);
        reciprocal += rank.map_or(0.0, |r| 1.0 / r as f64);
        let diffs = compare(&response, &js["responses"][i]);
        if !diffs.is_empty() {
            failures.push(format!(
                "{:?} ({reader}): the static search differs: {}",
                judged.q,
                diffs.join("; ")
            ));
        }
        if rank != Some(1) {
            let got: Vec<String> = response
                .hits
                .iter()
                .take(3)
                .map(|h| format!("{}:{}", h.lang, h.key))
                .collect();
            failures.push(format!(
                "{:?} ({reader}; {}): expected {expected} first, found it at {rank:?}; first three: {got:?}",
                judged.q, judged.why
            ));
        }
        // The page is shown in the reader's language (every shipped page has both).
        if let Some(first) = response.hits.first()
            && first.lang != *reader
        {
            failures.push(format!(
                "{:?} ({reader}): first result shown in {}",
                judged.q, first.lang
            ));
        }
    }
    let mrr = reciprocal / asked.len() as f64;
    eprintln!(
        "relevance: {} queries × 2 readers, mean reciprocal rank {mrr:.3}",
        suite.query.len()
    );
    assert!(
        failures.is_empty(),
        "mean reciprocal rank {mrr:.3}; {} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn synonym_sets_are_checked_with_their_line_issue20() {
    let site = TestSite::new("good");
    let config = site.read("site.toml");
    site.write(
        "site.toml",
        format!(
            "{config}\n[search]\nsynonyms = [\n  [\"LIP\", \"Local Immigration Partnership\"],\n  [\"PLI\"],\n  [\"lip\", \"?!\", \"partenariat local\"],\n]\n"
        ),
    );
    let run = site.check();
    run.assert_code(1);
    let errors = crate::harness::errors(&run.stderr());
    let line = config.lines().count() + 3;
    let expect = [
        format!(
            "site.toml:{}:3: error: a synonym set needs two entries or more",
            line + 2
        ),
        format!(
            "site.toml:{}:4: error: this synonym is already in the set on line {}",
            line + 3,
            line + 1
        ),
        format!("site.toml:{}:11: error: a synonym has no word", line + 3),
    ];
    for e in &expect {
        assert!(
            errors.iter().any(|got| got.starts_with(e.as_str())),
            "expected {e:?} in {errors:#?}"
        );
    }
    // A good set builds, and `passerelle search` applies it.
    site.write(
        "site.toml",
        format!("{config}\n[search]\nsynonyms = [[\"ARI\", \"Allies in Refugee Integration\"]]\n"),
    );
    site.build_ok();
}
