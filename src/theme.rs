//! The theme: templates, static files and UI strings, built-in and overridden by the site.
//!
//! The `default` theme is compiled into the binary, so a site needs no `themes/` folder.
//! A site's `themes/NAME/` and then its `templates/` override it file by file, by name;
//! i18n files override it key by key.

use std::collections::BTreeMap;
use std::path::Path;

use crate::config::SiteConfig;
use crate::diagnostics::{Diagnostic, Pos};
use crate::i18n::{Strings, parse_strings};
use crate::load::files_under;

macro_rules! embed {
    ($($path:literal),* $(,)?) => {
        &[$(($path, include_bytes!(concat!("../themes/default/", $path)))),*]
    };
}

/// Every file of `themes/default/`, embedded at compile time.
pub const DEFAULT_THEME: &[(&str, &[u8])] = embed![
    "templates/base.html",
    "templates/card.html",
    "templates/page-parts.html",
    "templates/evidence.html",
    "templates/pager.html",
    "templates/landing.html",
    "templates/home.html",
    "templates/section.html",
    "templates/case-study.html",
    "templates/lesson.html",
    "templates/recommendation.html",
    "templates/forum.html",
    "templates/page.html",
    "templates/taxonomy.html",
    "templates/term.html",
    "templates/search.html",
    "templates/404.html",
    "templates/packet.html",
    "static/style.css",
    "static/favicon.svg",
    "static/icons.svg",
    "i18n/en.toml",
    "i18n/fr.toml",
    "i18n/es.toml",
];

pub struct Theme {
    /// Template name (`base.html`) → source.
    pub templates: BTreeMap<String, String>,
    /// Path under public/ → bytes.
    pub static_files: BTreeMap<String, Vec<u8>>,
    /// Language → UI strings.
    pub strings: BTreeMap<String, Strings>,
}

impl Theme {
    pub fn load(root: &Path, config: &SiteConfig) -> (Theme, Vec<Diagnostic>) {
        let mut diags = Vec::new();
        let mut templates = BTreeMap::new();
        let mut static_files = BTreeMap::new();
        let mut i18n_sources: BTreeMap<String, Vec<(String, String)>> = BTreeMap::new();

        let mut add = |rel: &str, bytes: Vec<u8>, origin: String, diags: &mut Vec<Diagnostic>| {
            if let Some(name) = rel.strip_prefix("templates/") {
                match String::from_utf8(bytes) {
                    Ok(t) => {
                        templates.insert(name.to_string(), t);
                    }
                    Err(_) => diags.push(Diagnostic::error(
                        origin,
                        Pos::START,
                        "a template must be UTF-8 text",
                    )),
                }
            } else if let Some(name) = rel.strip_prefix("static/") {
                static_files.insert(name.to_string(), bytes);
            } else if let Some(name) = rel.strip_prefix("i18n/")
                && let Some(lang) = name.strip_suffix(".toml")
            {
                i18n_sources
                    .entry(lang.to_string())
                    .or_default()
                    .push((origin, String::from_utf8_lossy(&bytes).into_owned()));
            }
        };

        if config.theme == "default" {
            for (rel, bytes) in DEFAULT_THEME {
                add(
                    rel,
                    bytes.to_vec(),
                    format!("(built-in theme)/{rel}"),
                    &mut diags,
                );
            }
        }
        let theme_dir = root.join("themes").join(&config.theme);
        if config.theme != "default" && !theme_dir.is_dir() {
            diags.push(
                Diagnostic::error(
                    "site.toml",
                    Pos::START,
                    format!("theme `{}` not found", config.theme),
                )
                .value(&config.theme)
                .help(format!(
                    "create themes/{}/ or use the built-in `default` theme",
                    config.theme
                )),
            );
        }
        let (files, d) = files_under(root, &theme_dir);
        diags.extend(d);
        for (abs, rel) in files {
            let rel = rel.to_string_lossy().replace('\\', "/");
            match std::fs::read(&abs) {
                Ok(bytes) => add(
                    &rel,
                    bytes,
                    format!("themes/{}/{rel}", config.theme),
                    &mut diags,
                ),
                Err(e) => diags.push(Diagnostic::error(
                    format!("themes/{}/{rel}", config.theme),
                    Pos::START,
                    format!("cannot read: {e}"),
                )),
            }
        }
        let (files, d) = files_under(root, &root.join("templates"));
        diags.extend(d);
        for (abs, rel) in files {
            let rel = rel.to_string_lossy().replace('\\', "/");
            match std::fs::read(&abs) {
                Ok(bytes) => add(
                    &format!("templates/{rel}"),
                    bytes,
                    format!("templates/{rel}"),
                    &mut diags,
                ),
                Err(e) => diags.push(Diagnostic::error(
                    format!("templates/{rel}"),
                    Pos::START,
                    format!("cannot read: {e}"),
                )),
            }
        }

        let mut strings = BTreeMap::new();
        for lang in &config.languages {
            let mut merged = Strings::new();
            let sources = i18n_sources.get(lang);
            if sources.is_none() {
                diags.push(
                    Diagnostic::error(
                        "site.toml",
                        Pos::START,
                        format!("the theme has no strings for language `{lang}`"),
                    )
                    .help(format!(
                        "add themes/{}/i18n/{lang}.toml (copy i18n/en.toml of the built-in theme)",
                        config.theme
                    )),
                );
            }
            for (origin, text) in sources.into_iter().flatten() {
                match parse_strings(text) {
                    Ok(s) => merged.extend(s),
                    Err(e) => diags.push(Diagnostic::error(
                        origin.as_str(),
                        Pos::START,
                        format!("invalid theme strings: {e}"),
                    )),
                }
            }
            strings.insert(lang.clone(), merged);
        }
        // Every language must have every key the default language has, or a page would
        // silently show English in the middle of French.
        if let Some(reference) = strings.get(&config.default_language) {
            for (lang, s) in &strings {
                for key in reference.keys() {
                    if !s.contains_key(key) {
                        diags.push(
                            Diagnostic::error(
                                format!("themes/{}/i18n/{lang}.toml", config.theme),
                                Pos::START,
                                format!("the theme string `{key}` has no `{lang}` text"),
                            )
                            .help(format!("add `{key} = \"…\"`")),
                        );
                    }
                }
            }
        }
        (
            Theme {
                templates,
                static_files,
                strings,
            },
            diags,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A file added to themes/default/ but not to DEFAULT_THEME would silently not ship.
    #[test]
    fn every_default_theme_file_is_embedded() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default");
        let (files, _) = files_under(&dir, &dir);
        for (_, rel) in files {
            let rel = rel.to_string_lossy().replace('\\', "/");
            assert!(
                DEFAULT_THEME.iter().any(|(p, _)| *p == rel),
                "{rel} is not embedded in DEFAULT_THEME"
            );
        }
    }
}
