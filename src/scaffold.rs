//! `passerelle new KIND NAME [--lang LANG]`: a new page, or a translation to write.
//!
//! Every field the author must fill holds a `TODO` placeholder that the build rejects
//! (see `model::PLACEHOLDER`), so a half-written page can be saved and previewed
//! but never published. A translation starts from its source's structure: same dates,
//! vocabularies and references, each text to translate marked, and `translation_of` set
//! to the source's revision, so it is current as soon as it is written.

use std::fmt::Write as _;

use anyhow::Context as _;
use std::path::PathBuf;

use crate::config::{SiteConfig, TaxonomyRole, is_slug};
use crate::model::Kind;
use crate::resolve::Site;

/// Creates the file; returns its path relative to the root.
pub fn new_page(
    site: &Site,
    root: &std::path::Path,
    kind: Kind,
    name: &str,
    lang: Option<&str>,
) -> anyhow::Result<PathBuf> {
    let config = &site.config;
    if !is_slug(name) {
        anyhow::bail!(
            "`{name}` cannot be a file name: use lowercase letters, digits and hyphens, e.g. `{}`",
            crate::text::slugify(name)
        );
    }
    let section = config
        .section_of_kind(kind)
        .with_context(|| format!("site.toml has no section of kind `{kind}`: add one, e.g. [sections.NAME] kind = \"{kind}\""))?;
    let lang = lang.unwrap_or(&config.default_language);
    if !config.has_language(lang) {
        anyhow::bail!(
            "`{lang}` is not one of the site's languages ({})",
            config.languages.join(", ")
        );
    }
    let key = format!("{}/{name}", section.name);
    let file = if lang == config.default_language {
        format!("content/{key}.md")
    } else {
        format!("content/{key}.{lang}.md")
    };
    let path = root.join(&file);
    if path.exists() {
        anyhow::bail!("{file} already exists");
    }
    let text = if lang == config.default_language {
        blank(config, site, kind)
    } else {
        let source = site
            .source_of(&key)
            .with_context(|| format!("there is no page `{key}` to translate: create it first with `passerelle new {kind} {name}`"))?;
        translation(site, root, source, lang)?
    };
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).with_context(|| parent.display().to_string())?;
    }
    std::fs::write(&path, text).with_context(|| format!("cannot write {file}"))?;
    Ok(PathBuf::from(file))
}

fn terms_comment(config: &SiteConfig, taxonomy: &str) -> String {
    config.taxonomy(taxonomy).map_or_else(String::new, |t| {
        let ids: Vec<&str> = t.terms.iter().map(|x| x.id.as_str()).collect();
        format!("  # one or more of: {}", ids.join(", "))
    })
}

fn blank(config: &SiteConfig, site: &Site, kind: Kind) -> String {
    let mut fm = String::from("---\n");
    fm.push_str("title: \"TODO: the title of the page\"\n");
    fm.push_str(
        "summary: \"TODO: one or two plain sentences, shown in listings and search results\"\n",
    );
    fm.push_str("date: \"TODO: the publication date, e.g. 2026-03-12\"\n");
    let cases: Vec<&str> = {
        let mut v: Vec<&str> = site
            .pages
            .iter()
            .filter(|p| p.kind() == Some(Kind::CaseStudy))
            .map(|p| p.key.as_str())
            .collect();
        v.dedup();
        v
    };
    let cases_comment = if cases.is_empty() {
        String::new()
    } else {
        format!(
            "  # e.g. {}",
            cases.iter().take(5).copied().collect::<Vec<_>>().join(", ")
        )
    };
    match kind {
        Kind::CaseStudy => {
            fm.push_str("period: {start: \"TODO: first month, e.g. 2020-03\"}  # add `end: 2021-12` if it ended\n");
            fm.push_str("status: \"TODO: active or ended\"\n");
            fm.push_str("partners:\n  - {name: \"TODO: partner organization\", sector: \"TODO: a sector\"}\n");
            fm.push_str("sources:\n  - {title: \"TODO: the document this case study draws on\", year: 2026}\n");
            // What a practitioner acts on (issue 19): asked for, never guessed.
            let levels: Vec<&str> = config
                .evidence_levels
                .iter()
                .map(|l| l.id.as_str())
                .collect();
            if !levels.is_empty() {
                let _ = writeln!(
                    fm,
                    "evidence_level: \"TODO: {} or not-reported\"",
                    levels.join(", ")
                );
            }
            fm.push_str("outcomes:\n  - {what: \"TODO: what changed, as the source says it\", source: \"TODO: the source that says it\"}  # or `outcomes: not-reported`\n");
            fm.push_str(
                "transferability: \"TODO: what the practice needs elsewhere, or not-reported\"\n",
            );
            fm.push_str("# contacts: [{organization: \"…\", email: \"…\"}]  # only as the sources publish them\n");
        }
        Kind::Lesson => {
            let _ = writeln!(
                fm,
                "evidence: [\"TODO: the case studies this lesson is drawn from\"]{cases_comment}"
            );
            fm.push_str("# finding: worked  # or did-not-work, when the sources say which\n");
        }
        Kind::Recommendation => {
            let _ = writeln!(
                fm,
                "evidence: [\"TODO: the case studies behind this recommendation\"]{cases_comment}"
            );
            fm.push_str("status: \"TODO: proposed, endorsed, in-progress or implemented\"\n");
            fm.push_str("issued_by: \"TODO: who makes this recommendation\"\n");
            if config.taxonomy_for(TaxonomyRole::Audience).is_none() {
                fm.push_str("audiences: [\"TODO: to whom it is addressed\"]\n");
            }
        }
        Kind::Forum => {
            fm.push_str("starts: \"TODO: date, time and UTC offset, e.g. 2026-03-12T13:00:00-05:00\"  # or `status: planned` if no date is set\n");
            fm.push_str("location: {name: \"TODO: the place\", city: \"TODO: a city\"}  # or `online: true`\n");
            let _ = writeln!(fm, "languages: [{}]", config.languages.join(", "));
            let _ = writeln!(
                fm,
                "cases: [\"TODO: the case studies to discuss\"]{cases_comment}"
            );
            fm.push_str("questions:\n  - \"TODO: a question for the discussion\"\n");
        }
        Kind::Page => {}
    }
    if kind != Kind::Page {
        for t in &config.taxonomies {
            if kind != Kind::Recommendation && t.role == Some(TaxonomyRole::Audience) {
                continue;
            }
            let _ = writeln!(
                fm,
                "{}: [\"TODO: {}\"]{}",
                t.name,
                t.title.get(&config.default_language).to_lowercase(),
                terms_comment(config, &t.name)
            );
        }
    }
    fm.push_str(
        "---\n\n## TODO: the first section's heading\n\nTODO: the text of the page, in Markdown.\n",
    );
    fm
}

/// Quotes `text` for the translator, in the target language's quotation marks.
fn quoted(text: &str, lang: &str) -> String {
    let words: Vec<&str> = text.split_whitespace().collect();
    let excerpt = if words.len() > 12 {
        format!("{}…", words[..12].join(" "))
    } else {
        words.join(" ")
    };
    let excerpt = excerpt.replace('"', "'");
    let (open, close) = crate::i18n::language(lang).map_or(("“", "”"), |l| l.quotes);
    format!("{open}{excerpt}{close}")
}

fn translation(
    site: &Site,
    root: &std::path::Path,
    source: usize,
    lang: &str,
) -> anyhow::Result<String> {
    let page = &site.pages[source];
    let text = std::fs::read_to_string(root.join(&page.path))
        .with_context(|| page.path.display().to_string())?;
    let text = text.trim_start_matches('\u{feff}').replace("\r\n", "\n");
    let mut out = String::from("---\n");
    let mut lines = text.lines();
    lines.next();
    let mut in_questions = false;
    for line in lines.by_ref() {
        if line.trim_end() == "---" {
            break;
        }
        let key = line.split(':').next().unwrap_or("").trim();
        let top_level = !line.starts_with([' ', '\t', '-']);
        if top_level {
            in_questions = key == "questions";
        }
        match key {
            "title" | "summary" if top_level => {
                let value = line
                    .split_once(':')
                    .map_or("", |(_, v)| v.trim().trim_matches('"'));
                let _ = writeln!(out, "{key}: \"TODO: translate {}\"", quoted(value, lang));
            }
            "slug" | "updated" | "translation_of" if top_level => {}
            _ if in_questions && line.trim_start().starts_with('-') => {
                let value = line
                    .trim_start()
                    .trim_start_matches('-')
                    .trim()
                    .trim_matches('"');
                let _ = writeln!(out, "  - \"TODO: translate {}\"", quoted(value, lang));
            }
            _ => {
                out.push_str(line);
                out.push('\n');
            }
        }
    }
    let _ = writeln!(
        out,
        "slug: \"TODO: the page's address in this language, e.g. {}\"",
        crate::text::slugify(&page.fm.title)
    );
    // Quoted: a revision such as `0364472e95` is a number to YAML.
    let _ = writeln!(out, "translation_of: \"{}\"", page.revision());
    out.push_str("---\n");
    // The body: same headings and blocks, each marked for translation.
    let body: Vec<&str> = lines.collect();
    let mut in_code = false;
    for block in body.join("\n").split("\n\n") {
        let block = block.trim_matches('\n');
        if block.is_empty() {
            continue;
        }
        out.push('\n');
        if block.starts_with("```") || in_code {
            in_code = block.matches("```").count() % 2 == 1 && !in_code
                || (in_code && block.matches("```").count() % 2 == 0);
            out.push_str(block);
            out.push('\n');
        } else if let Some(rest) = block.strip_prefix('#') {
            let hashes = 1 + rest.chars().take_while(|&c| c == '#').count();
            let heading = block.trim_start_matches('#').trim();
            // An explicit id (`{#why-it-works}`) stays: links from other pages use it.
            let (heading, attrs) = match heading.rfind(" {") {
                Some(i) if heading.ends_with('}') => (&heading[..i], &heading[i..]),
                _ => (heading, ""),
            };
            let _ = writeln!(
                out,
                "{} TODO: translate {}{attrs}",
                "#".repeat(hashes),
                quoted(heading, lang)
            );
        } else {
            let _ = writeln!(
                out,
                "TODO: translate the block that begins {}",
                quoted(block, lang)
            );
        }
    }
    Ok(out)
}
