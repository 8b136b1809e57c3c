//! Markdown rendering of arbitrary text, in English and French (typography), with `@/`
//! links into a small resolved site, under each `raw_html` policy.
//! Properties: no panic; diagnostics at a line ≥ 1 of the file; with `sanitize` and
//! `escape`, no active content (script, handler, javascript:/data: URL) in the HTML.

#![no_main]

mod common;

use std::collections::HashSet;
use std::path::PathBuf;
use std::sync::{Arc, LazyLock};

use libfuzzer_sys::fuzz_target;
use passerelle::model::{Page, Role};
use passerelle::{frontmatter, markdown, resolve};

/// Pages the fuzzed body can link to: `@/case-studies/a` in both languages,
/// `@/pages/en-only` in English only, and the fuzzed page itself (`pages/fuzz`).
const PAGES: &[(&str, &str, &str)] = &[
    (
        "case-studies/a",
        "en",
        "---\ntitle: A\nsummary: S\ndate: 2024-01-01\n---\n## Partners {#partners}\n",
    ),
    (
        "case-studies/a",
        "fr",
        "---\ntitle: A\nsummary: S\ndate: 2024-01-01\nslug: a-fr\n---\n",
    ),
    (
        "pages/en-only",
        "en",
        "---\ntitle: E\nsummary: S\ndate: 2024-01-01\n---\n",
    ),
];

fn page(key: &str, lang: &str, text: &str, config: &passerelle::config::SiteConfig) -> Page {
    let (section, name) = key.split_once('/').expect("section/name");
    let kind = config.section(section).expect("section").kind;
    let role = Role::Page {
        kind,
        section: Some(section.to_string()),
    };
    let suffix = if lang == "en" {
        String::new()
    } else {
        format!(".{lang}")
    };
    let path = PathBuf::from(format!("content/{section}/{name}{suffix}.md"));
    let (parsed, diags) = frontmatter::parse(text, &path, &role, config);
    let p = parsed.unwrap_or_else(|| panic!("fixed page {key}: {diags:?}"));
    Page {
        key: key.to_string(),
        lang: lang.to_string(),
        role,
        path,
        fm: p.fm,
        body: p.body,
        body_line: p.body_line,
        source_hash: 0,
        outline_hash: 0,
    }
}

struct Fixed {
    policy: &'static str,
    config: passerelle::config::SiteConfig,
    pages: Vec<Page>,
    fuzz: Page,
}

static SITES: LazyLock<Vec<Fixed>> = LazyLock::new(|| {
    ["sanitize", "escape", "allow"]
        .into_iter()
        .map(|policy| {
            let config = common::config(policy);
            let pages = PAGES
                .iter()
                .map(|(k, l, t)| page(k, l, t, &config))
                .collect();
            let fuzz = page(
                "pages/fuzz",
                "en",
                "---\ntitle: F\nsummary: S\ndate: 2024-01-01\n---\n",
                &config,
            );
            Fixed {
                policy,
                config,
                pages,
                fuzz,
            }
        })
        .collect()
});

fuzz_target!(|data: &[u8]| {
    let Ok(body) = std::str::from_utf8(data) else {
        return;
    };
    for fixed in SITES.iter() {
        let mut pages: Vec<Arc<Page>> = fixed.pages.iter().cloned().map(Arc::new).collect();
        for lang in ["en", "fr"] {
            let mut p = fixed.fuzz.clone();
            p.lang = lang.to_string();
            p.body = body.to_string();
            p.body_line = 6;
            pages.push(Arc::new(p));
        }
        let (site, _) = resolve::resolve(fixed.config.clone(), pages, &HashSet::new());
        for lang in ["en", "fr"] {
            let id = site.page("pages/fuzz", lang).expect("the fuzzed page");
            let (rendered, diags) = markdown::render(&site.pages[id], &site);
            common::check_positions(&diags, Some(5 + common::line_count(body)));
            if fixed.policy != "allow" {
                let found = common::scan::html(&rendered.html);
                assert!(
                    found.is_empty(),
                    "{} ({lang}) let active content through: {found:#?}\nHTML: {}",
                    fixed.policy,
                    rendered.html
                );
            }
        }
    }
});
