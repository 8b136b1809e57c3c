//! What the fuzz targets share: a site.toml with every kind and a few vocabularies, and the
//! properties every target checks (no diagnostic at line 0, no active content in output).

#![allow(dead_code)]

use passerelle::config::SiteConfig;
use passerelle::diagnostics::Diagnostic;

#[path = "../../tests/it/scan.rs"]
pub mod scan;

pub const SITE_TOML: &str = r#"title = { en = "Fuzz portal", fr = "Portail de fuzz" }
description = { en = "Fuzzed", fr = "Fuzzé" }
base_url = "https://example.org"
default_language = "en"
languages = ["en", "fr"]

[markdown]
raw_html = "RAW_HTML"
french_typography = true

[sections.case-studies]
kind = "case-study"
title = { en = "Case studies", fr = "Études de cas" }
slug = { en = "case-studies", fr = "etudes-de-cas" }
paginate = 2

[sections.lessons]
kind = "lesson"
title = "Lessons"

[sections.recommendations]
kind = "recommendation"
title = "Recommendations"

[sections.forums]
kind = "forum"
title = "Forums"

[sections.pages]
kind = "page"
title = { en = "About", fr = "À propos" }
slug = { en = "about", fr = "a-propos" }

[taxonomies.cities]
title = { en = "Cities", fr = "Villes" }
[taxonomies.cities.terms]
montreal = { en = "Montreal", fr = "Montréal" }
toronto = "Toronto"

[taxonomies.populations]
title = "Populations"
[taxonomies.populations.terms]
refugees = { en = "Refugees", fr = "Personnes réfugiées" }

[taxonomies.sectors]
title = "Sectors"
[taxonomies.sectors.terms]
community = "Community"
public = "Public"

[taxonomies.audiences]
title = "Audiences"
[taxonomies.audiences.terms]
settlement-agencies = "Settlement agencies"
"#;

pub fn site_toml(raw_html: &str) -> String {
    SITE_TOML.replace("RAW_HTML", raw_html)
}

pub fn config(raw_html: &str) -> SiteConfig {
    SiteConfig::parse(&site_toml(raw_html)).expect("the fuzz site.toml is valid")
}

/// Every diagnostic has a position an editor can jump to: line and column from 1, and a
/// line that exists in its file (`lines` is the file's line count, when known).
pub fn check_positions(diags: &[Diagnostic], lines: Option<usize>) {
    for d in diags {
        assert!(d.line >= 1 && d.col >= 1, "position below 1: {d}");
        if let Some(n) = lines {
            assert!(d.line <= n + 1, "line {} of a {n}-line file: {d}", d.line);
        }
    }
}

/// Lines of `text` as an editor counts them (and the loader: a lone CR ends a line too).
pub fn line_count(text: &str) -> usize {
    text.replace("\r\n", "\n").split(['\n', '\r']).count()
}
