//! `passerelle report translations` and `passerelle mark-current`: translation parity.
//!
//! A translation records the revision of the page it was translated from
//! (`translation_of: 1a2b3c4d5e`, the first digits of a stable hash of the source file).
//! When the source changes, its revision changes and the translation is stale until a
//! translator updates it and runs `passerelle mark-current FILE`, which writes the new
//! revision into FILE: one step, no hash to copy by hand.

use std::fmt::Write as _;
use std::path::Path;

use anyhow::Context as _;

use serde::Serialize;

use crate::diagnostics::display_path;
use crate::resolve::{Site, TranslationStatus, translation_path};

#[derive(Serialize)]
pub struct KeyReport {
    pub key: String,
    pub versions: Vec<VersionReport>,
    pub missing: Vec<Missing>,
}

#[derive(Serialize)]
pub struct VersionReport {
    pub lang: String,
    pub file: String,
    /// `source`, `current`, `stale` or `untracked` (a translation that records no revision).
    pub status: &'static str,
    pub date: Option<String>,
    pub updated: Option<String>,
    pub revision: String,
    pub translation_of: Option<String>,
    /// For a stale translation: the source file and its last date.
    pub source_file: Option<String>,
    pub source_updated: Option<String>,
}

#[derive(Serialize)]
pub struct Missing {
    pub lang: String,
    pub create: String,
}

pub fn translations(site: &Site) -> Vec<KeyReport> {
    let mut keys: Vec<&str> = site.keys().collect();
    keys.sort_unstable();
    keys.into_iter()
        .map(|key| {
            let source = site.source_of(key);
            let mut versions = Vec::new();
            let mut present = Vec::new();
            for (lang, id) in site.translations(key) {
                present.push(lang.to_string());
                let p = &site.pages[id];
                let (status, src) = match site.translation_status(id) {
                    TranslationStatus::Stale { source } => ("stale", Some(source)),
                    TranslationStatus::Current { source } => ("current", Some(source)),
                    TranslationStatus::Original if Some(id) == source => ("source", None),
                    TranslationStatus::Original => ("untracked", source),
                };
                let src = src.map(|s| &site.pages[s]);
                versions.push(VersionReport {
                    lang: lang.to_string(),
                    file: display_path(&p.path),
                    status,
                    date: p.fm.date.map(|d| d.to_string()),
                    updated: p.fm.updated.map(|d| d.to_string()),
                    revision: p.revision(),
                    translation_of: p.fm.translation_of.as_ref().map(|t| t.value.clone()),
                    source_file: src
                        .filter(|_| status != "current")
                        .map(|s| display_path(&s.path)),
                    source_updated: src
                        .filter(|_| status != "current")
                        .and_then(|s| s.fm.updated.max(s.fm.date))
                        .map(|d| d.to_string()),
                });
            }
            let missing = site
                .config
                .languages
                .iter()
                .filter(|l| !present.contains(l))
                .filter_map(|l| {
                    let from = &site.pages
                        [source.or_else(|| site.translations(key).next().map(|(_, id)| id))?];
                    Some(Missing {
                        lang: l.clone(),
                        create: translation_path(from, l, &site.config.default_language),
                    })
                })
                .collect();
            KeyReport {
                key: if key.is_empty() {
                    "(home)".to_string()
                } else {
                    key.to_string()
                },
                versions,
                missing,
            }
        })
        .collect()
}

/// The report as an author reads it.
pub fn render_text(reports: &[KeyReport]) -> String {
    let mut out = String::new();
    let (mut stale, mut missing, mut untracked) = (0, 0, 0);
    for r in reports {
        let _ = writeln!(out, "{}", r.key);
        for v in &r.versions {
            let detail = match v.status {
                "source" => format!("source, revision {}", v.revision),
                "current" => "translation, up to date".to_string(),
                "stale" => {
                    stale += 1;
                    format!(
                        "STALE: {} changed{} since this translation; update it, then run `passerelle mark-current {}`",
                        v.source_file.as_deref().unwrap_or("the source"),
                        v.source_updated
                            .as_deref()
                            .map(|d| format!(" (last dated {d})"))
                            .unwrap_or_default(),
                        v.file
                    )
                }
                _ => {
                    untracked += 1;
                    format!(
                        "translation, not tracked: run `passerelle mark-current {}` once it matches its source",
                        v.file
                    )
                }
            };
            let dates = match (&v.date, &v.updated) {
                (Some(d), Some(u)) => format!("{d}, updated {u}"),
                (Some(d), None) => d.clone(),
                _ => String::new(),
            };
            let _ = writeln!(out, "  {}  {}  [{}]  {detail}", v.lang, v.file, dates);
        }
        for m in &r.missing {
            missing += 1;
            let _ = writeln!(out, "  {}  MISSING: create {}", m.lang, m.create);
        }
    }
    let _ = writeln!(
        out,
        "\n{} pages: {stale} stale, {missing} missing, {untracked} not tracked",
        reports.len()
    );
    out
}

/// Writes the current revision of `file`'s source into its front matter.
/// Returns the revision, or a message for the author.
pub fn mark_current(site: &Site, root: &Path, file: &Path) -> anyhow::Result<String> {
    let abs = if file.is_absolute() {
        file.to_path_buf()
    } else {
        std::env::current_dir()
            .context("the current folder")?
            .join(file)
    };
    let abs = abs
        .canonicalize()
        .with_context(|| file.display().to_string())?;
    let root = root
        .canonicalize()
        .with_context(|| root.display().to_string())?;
    let rel = abs.strip_prefix(&root).map_err(|_| {
        anyhow::anyhow!(
            "{} is not in the site at {}",
            file.display(),
            root.display()
        )
    })?;
    let Some(id) = site.pages.iter().position(|p| p.path == rel) else {
        anyhow::bail!(
            "{} is not a page of the site (or it has errors: run `passerelle check`)",
            display_path(rel)
        );
    };
    let page = &site.pages[id];
    if site.source_of(&page.key) == Some(id) {
        let others: Vec<String> = site
            .translations(&page.key)
            .filter(|&(_, other)| other != id)
            .map(|(_, other)| display_path(&site.pages[other].path))
            .collect();
        anyhow::bail!(match others.first() {
            Some(first) => format!(
                "{} is the source page; mark its translations instead, e.g. `passerelle mark-current {first}`",
                display_path(rel)
            ),
            None => format!(
                "{} is the only version of its page; there is no translation to mark",
                display_path(rel)
            ),
        });
    }
    let source = site
        .translations(&page.key)
        .filter(|&(_, other)| other != id)
        .map(|(_, other)| other)
        .find(|&other| {
            Some(other) == site.source_of(&page.key)
                || site.pages[other].lang == site.config.default_language
        });
    let Some(source) = source else {
        anyhow::bail!(
            "{} has no other version to be a translation of",
            display_path(rel)
        );
    };
    let revision = site.pages[source].revision();
    let text = std::fs::read_to_string(&abs).with_context(|| file.display().to_string())?;
    // Quoted: a revision such as `0364472e95` or `1234567890` is a number to YAML.
    let updated = set_front_matter_field(&text, "translation_of", &format!("\"{revision}\""))
        .with_context(|| format!("{} has no front matter", display_path(rel)))?;
    std::fs::write(&abs, updated).with_context(|| file.display().to_string())?;
    Ok(revision)
}

/// Sets `field: value` in the front matter of `text`, keeping every other line as it was.
fn set_front_matter_field(text: &str, field: &str, value: &str) -> Option<String> {
    let newline = if text.contains("\r\n") { "\r\n" } else { "\n" };
    let mut lines: Vec<&str> = text.split_inclusive('\n').collect();
    let opening = lines.first()?.trim_start_matches('\u{feff}').trim_end();
    if opening != "---" {
        return None;
    }
    let closing = lines.iter().skip(1).position(|l| l.trim_end() == "---")? + 1;
    let new_line = format!("{field}: {value}{newline}");
    let prefix = format!("{field}:");
    match lines[1..closing]
        .iter()
        .position(|l| l.starts_with(&prefix))
    {
        Some(i) => lines[i + 1] = &new_line,
        None => lines.insert(closing, &new_line),
    }
    Some(lines.concat())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sets_or_replaces_the_field() {
        let text = "---\ntitle: T\n---\nBody\n";
        assert_eq!(
            set_front_matter_field(text, "translation_of", "abc").as_deref(),
            Some("---\ntitle: T\ntranslation_of: abc\n---\nBody\n")
        );
        let text = "---\r\ntranslation_of: old\r\ntitle: T\r\n---\r\n";
        assert_eq!(
            set_front_matter_field(text, "translation_of", "new").as_deref(),
            Some("---\r\ntranslation_of: new\r\ntitle: T\r\n---\r\n")
        );
        assert_eq!(set_front_matter_field("no front matter", "x", "y"), None);
    }
}
