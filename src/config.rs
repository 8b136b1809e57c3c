//! `site.toml` → [`SiteConfig`]: languages, sections, taxonomies (controlled vocabularies).
//!
//! Raw, then typed: serde reads the file into `Raw*` structs that reject unknown keys, then
//! [`SiteConfig::from_raw`] checks what serde cannot (every localized text has every
//! language, kinds exist, slugs are URL-safe) and reports each problem with its line and
//! column in site.toml.

use std::collections::BTreeMap;
use std::fmt;
use std::marker::PhantomData;
use std::path::Path;

use serde::Deserialize;
use serde::de::{self, Deserializer, MapAccess, Visitor};
use toml::Spanned;

use crate::diagnostics::{Diagnostic, LineIndex, Pos, suggest};
use crate::model::Kind;

pub const CONFIG_FILE: &str = "site.toml";

/// Text in every language of the site (`{ en = "...", fr = "..." }`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Localized(pub BTreeMap<String, String>);

impl Localized {
    /// The text in `lang`; validation guarantees every language is present.
    pub fn get(&self, lang: &str) -> &str {
        self.0.get(lang).map_or("", String::as_str)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TranslationPolicy {
    Warn,
    Require,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RawHtml {
    Sanitize,
    Escape,
    Allow,
}

#[derive(Debug, Clone)]
pub struct SectionConfig {
    /// The folder name under content/.
    pub name: String,
    pub kind: Kind,
    pub title: Localized,
    pub slug: Localized,
    pub paginate: usize,
}

#[derive(Debug, Clone)]
pub struct Term {
    pub id: String,
    pub label: Localized,
    /// Its URL segment in each language: the id in the default language (what authors
    /// write), the label's slug in the others (`/fr/secteurs/universitaire/`).
    pub slug: Localized,
}

#[derive(Debug, Clone)]
pub struct TaxonomyConfig {
    pub name: String,
    pub title: Localized,
    pub slug: Localized,
    pub terms: Vec<Term>,
    /// What the vocabulary is used for beyond filing pages (`role = "place"`).
    pub role: Option<TaxonomyRole>,
}

/// What a vocabulary does besides filing pages, declared in site.toml so that no
/// taxonomy name is known to the code: each role is played by one taxonomy at most.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TaxonomyRole {
    /// Its terms are shown on cards (`places`), name a forum's `location.city`, and give
    /// the city of a calendar event.
    Place,
    /// Its terms are shown on cards (`populations`).
    Population,
    /// Its terms name a case-study partner's `sector`.
    Sector,
    /// A recommendation must name at least one of its terms.
    Audience,
}

impl TaxonomyRole {
    pub const ALL: [TaxonomyRole; 4] = [
        TaxonomyRole::Place,
        TaxonomyRole::Population,
        TaxonomyRole::Sector,
        TaxonomyRole::Audience,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            TaxonomyRole::Place => "place",
            TaxonomyRole::Population => "population",
            TaxonomyRole::Sector => "sector",
            TaxonomyRole::Audience => "audience",
        }
    }
}

/// One level of the evidence vocabulary (`[evidence_levels.NAME]`): how well the sources
/// support what a case study reports.
#[derive(Debug, Clone)]
pub struct EvidenceLevel {
    pub id: String,
    pub label: Localized,
    /// What the level means, shown on the page that explains the method.
    pub definition: Localized,
}

/// The value an author writes where the source does not say (`evidence_level`,
/// `outcomes`, `transferability`): it is shown as such, never filled in.
pub const NOT_REPORTED: &str = "not-reported";

impl TaxonomyConfig {
    pub fn term(&self, id: &str) -> Option<&Term> {
        self.terms.iter().find(|t| t.id == id)
    }
}

#[derive(Debug, Clone)]
pub struct SiteConfig {
    pub title: Localized,
    pub description: Localized,
    /// Where the site is published, without a trailing slash; may carry a path
    /// (`https://example.org/portal`). Set with [`SiteConfig::set_base_url`].
    pub base_url: String,
    /// Scheme and host of `base_url` (`https://example.org`).
    pub origin: String,
    /// The path of `base_url` with both slashes (`/`, `/portal/`): every URL the site
    /// writes starts with it.
    pub root: String,
    pub default_language: String,
    pub languages: Vec<String>,
    pub theme: String,
    pub output_dir: String,
    pub drafts: bool,
    pub translations: TranslationPolicy,
    pub raw_html: RawHtml,
    pub french_typography: bool,
    pub sections: Vec<SectionConfig>,
    pub taxonomies: Vec<TaxonomyConfig>,
    /// Localized slug of the search page (`search` / `recherche`).
    pub search_slug: Localized,
    /// Sets of words and names that mean the same in every language, for search
    /// (`[search] synonyms`): acronyms and their expansions.
    pub synonyms: Vec<Vec<String>>,
    /// The evidence levels, strongest first (the order of site.toml); empty when the site
    /// declares none.
    pub evidence_levels: Vec<EvidenceLevel>,
    pub extra: serde_json::Value,
}

impl SiteConfig {
    /// Sets where the site is published (site.toml, or `--base-url`, or `serve`'s address).
    pub fn set_base_url(&mut self, url: &str) {
        let url = url.trim_end_matches('/');
        let host_start = url.find("://").map_or(0, |i| i + 3);
        let (origin, path) = match url[host_start..].find('/') {
            Some(i) => url.split_at(host_start + i),
            None => (url, ""),
        };
        self.base_url = url.to_string();
        self.origin = origin.to_string();
        self.root = format!("{path}/");
    }

    pub fn section(&self, name: &str) -> Option<&SectionConfig> {
        self.sections.iter().find(|s| s.name == name)
    }

    /// The taxonomy that plays `role`, if one does.
    pub fn taxonomy_for(&self, role: TaxonomyRole) -> Option<&TaxonomyConfig> {
        self.taxonomies.iter().find(|t| t.role == Some(role))
    }

    /// The evidence level `id`, with its rank (0 is the strongest).
    pub fn evidence_level(&self, id: &str) -> Option<(usize, &EvidenceLevel)> {
        self.evidence_levels
            .iter()
            .enumerate()
            .find(|(_, l)| l.id == id)
    }

    pub fn taxonomy(&self, name: &str) -> Option<&TaxonomyConfig> {
        self.taxonomies.iter().find(|t| t.name == name)
    }

    pub fn section_of_kind(&self, kind: Kind) -> Option<&SectionConfig> {
        self.sections.iter().find(|s| s.kind == kind)
    }

    pub fn has_language(&self, lang: &str) -> bool {
        self.languages.iter().any(|l| l == lang)
    }

    /// Reads and checks `site.toml`. `Err` carries every problem found.
    pub fn load(root: &Path) -> Result<SiteConfig, Vec<Diagnostic>> {
        let path = root.join(CONFIG_FILE);
        let text = match std::fs::read(&path) {
            Ok(bytes) => match String::from_utf8(bytes) {
                Ok(t) => t,
                Err(e) => {
                    let valid = e.utf8_error().valid_up_to();
                    let bytes = e.into_bytes();
                    let prefix = String::from_utf8_lossy(&bytes[..valid]);
                    let pos = LineIndex::new(&prefix).pos(&prefix, valid);
                    return Err(vec![
                        Diagnostic::error(CONFIG_FILE, pos, "site.toml is not valid UTF-8")
                            .help("save the file as UTF-8"),
                    ]);
                }
            },
            Err(e) => {
                return Err(vec![
                    Diagnostic::error(
                        CONFIG_FILE,
                        Pos::START,
                        format!("cannot read site.toml: {e}"),
                    )
                    .help("run passerelle in the site's folder, or pass --root DIR"),
                ]);
            }
        };
        Self::parse(&text)
    }

    pub fn parse(text: &str) -> Result<SiteConfig, Vec<Diagnostic>> {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let lines = LineIndex::new(text);
        let raw: RawConfig = toml::from_str(text).map_err(|e| {
            let mut pos = e
                .span()
                .map_or(Pos::START, |span| lines.pos(text, span.start));
            // A missing `]`, `}` or `"` is noticed on the next line; the author's mistake is
            // at the end of the last line that has text.
            while pos.line > 1 && pos.col == 1 && line_of(text, &lines, pos.line).trim().is_empty()
            {
                pos = Pos::new(pos.line - 1, 1);
            }
            let message = plain_serde(e.message().trim());
            let help = unknown_key_help(&message).or_else(|| syntax_help(&message));
            vec![
                Diagnostic::error(CONFIG_FILE, pos, format!("invalid site.toml: {message}"))
                    .value(line_of(text, &lines, pos.line).trim().to_string())
                    .help_opt(help),
            ]
        })?;
        Self::from_raw(raw, text, &lines)
    }

    fn from_raw(
        mut raw: RawConfig,
        text: &str,
        lines: &LineIndex,
    ) -> Result<SiteConfig, Vec<Diagnostic>> {
        let mut diags = Vec::new();
        let at = |span: std::ops::Range<usize>| lines.pos(text, span.start);

        let languages: Vec<String> = raw.languages.iter().map(|l| l.get_ref().clone()).collect();
        let supported: Vec<&str> = crate::i18n::LANGUAGES.iter().map(|l| l.code).collect();
        for l in &raw.languages {
            if !is_language_code(l.get_ref()) {
                diags.push(
                    Diagnostic::error(
                        CONFIG_FILE,
                        at(l.span()),
                        "a language must be a lowercase ISO 639-1 code",
                    )
                    .value(l.get_ref())
                    .help("write it as `en`, `fr`, …"),
                );
            } else if crate::i18n::language(l.get_ref()).is_none() {
                // Dates, typography and a search analyzer are needed for each language.
                diags.push(
                    Diagnostic::error(
                        CONFIG_FILE,
                        at(l.span()),
                        "Passerelle cannot publish in this language yet",
                    )
                    .value(l.get_ref())
                    .help(format!(
                        "the languages it can publish in: {}",
                        supported.join(", ")
                    )),
                );
            }
        }
        if languages.is_empty() {
            diags.push(
                Diagnostic::error(CONFIG_FILE, Pos::START, "site.toml lists no language")
                    .help("add `languages = [\"en\", \"fr\"]`"),
            );
        }
        let default_language = raw.default_language.get_ref().clone();
        if !languages.contains(&default_language) {
            diags.push(
                Diagnostic::error(
                    CONFIG_FILE,
                    at(raw.default_language.span()),
                    "default_language is not one of `languages`",
                )
                .value(&default_language)
                .help(suggest(
                    &default_language,
                    languages.iter().map(String::as_str),
                    "languages",
                )),
            );
        }

        let localized = |value: Spanned<RawLocalized>, what: &str, diags: &mut Vec<Diagnostic>| {
            let pos = at(value.span());
            let map = match value.into_inner() {
                RawLocalized::Same(s) => languages.iter().map(|l| (l.clone(), s.clone())).collect(),
                RawLocalized::PerLanguage(map) => map,
            };
            for lang in &languages {
                if !map.contains_key(lang) {
                    diags.push(
                        Diagnostic::error(
                            CONFIG_FILE,
                            pos,
                            format!("{what} has no text in `{lang}`"),
                        )
                        .help(format!("add `{lang} = \"…\"` to it")),
                    );
                }
            }
            for lang in map.keys() {
                if !languages.contains(lang) {
                    diags.push(
                        Diagnostic::error(
                            CONFIG_FILE,
                            pos,
                            format!("{what} has text in `{lang}`, which is not in `languages`"),
                        )
                        .value(lang)
                        .help(suggest(
                            lang,
                            languages.iter().map(String::as_str),
                            "languages",
                        )),
                    );
                }
            }
            Localized(map)
        };

        let title = localized(raw.title, "title", &mut diags);
        let description = match raw.description {
            Some(d) => localized(d, "description", &mut diags),
            None => title.clone(),
        };

        let base_url = raw.base_url.get_ref().trim_end_matches('/').to_string();
        if !(base_url.starts_with("https://") || base_url.starts_with("http://")) {
            diags.push(
                Diagnostic::error(
                    CONFIG_FILE,
                    at(raw.base_url.span()),
                    "base_url must be an absolute http(s) URL",
                )
                .value(raw.base_url.get_ref())
                .help("write it as `https://example.org`"),
            );
        }

        let build = raw.build.unwrap_or_default();
        let translations = match build.translations.as_ref().map(|t| t.get_ref().as_str()) {
            None | Some("warn") => TranslationPolicy::Warn,
            Some("require") => TranslationPolicy::Require,
            Some(other) => {
                let span = build.translations.as_ref().map_or(0..0, Spanned::span);
                diags.push(
                    Diagnostic::error(
                        CONFIG_FILE,
                        at(span),
                        "build.translations must be \"warn\" or \"require\"",
                    )
                    .value(other)
                    .help(suggest(other, ["warn", "require"], "values")),
                );
                TranslationPolicy::Warn
            }
        };
        let markdown = raw.markdown.unwrap_or_default();
        let raw_html = match markdown.raw_html.as_ref().map(|t| t.get_ref().as_str()) {
            None | Some("sanitize") => RawHtml::Sanitize,
            Some("escape") => RawHtml::Escape,
            Some("allow") => RawHtml::Allow,
            Some(other) => {
                let span = markdown.raw_html.as_ref().map_or(0..0, Spanned::span);
                diags.push(
                    Diagnostic::error(
                        CONFIG_FILE,
                        at(span),
                        "markdown.raw_html must be \"sanitize\", \"escape\" or \"allow\"",
                    )
                    .value(other)
                    .help(suggest(
                        other,
                        ["sanitize", "escape", "allow"],
                        "values",
                    )),
                );
                RawHtml::Sanitize
            }
        };

        let mut sections = Vec::new();
        for (name, section) in raw.sections.0 {
            let name_pos = at(name.span());
            let name = name.into_inner();
            if !is_slug(&name) {
                diags.push(
                    Diagnostic::error(CONFIG_FILE, name_pos, "a section name must be a folder name of lowercase letters, digits and hyphens")
                        .value(&name),
                );
            }
            let kind_text = section.kind.get_ref();
            let kind = Kind::parse(kind_text).unwrap_or_else(|| {
                diags.push(
                    Diagnostic::error(
                        CONFIG_FILE,
                        at(section.kind.span()),
                        format!("section `{name}` has an unknown kind"),
                    )
                    .value(kind_text)
                    .help(suggest(
                        kind_text,
                        Kind::ALL.iter().map(|k| k.as_str()),
                        "kinds",
                    )),
                );
                Kind::Page
            });
            let title = localized(section.title, &format!("sections.{name}.title"), &mut diags);
            let slug = match section.slug {
                Some(s) => localized(s, &format!("sections.{name}.slug"), &mut diags),
                None => Localized(
                    languages
                        .iter()
                        .map(|l| (l.clone(), name.clone()))
                        .collect(),
                ),
            };
            check_slugs(
                &slug,
                &format!("sections.{name}.slug"),
                name_pos,
                &mut diags,
            );
            sections.push(SectionConfig {
                name,
                kind,
                title,
                slug,
                paginate: section.paginate.unwrap_or(20).max(1),
            });
        }

        let mut taxonomies = Vec::new();
        for (name, tax) in raw.taxonomies.0 {
            let name_pos = at(name.span());
            let name = name.into_inner();
            if is_reserved_field(&name) {
                diags.push(
                    Diagnostic::error(
                        CONFIG_FILE,
                        name_pos,
                        "this taxonomy name is already a front-matter field",
                    )
                    .value(&name)
                    .help("rename the taxonomy"),
                );
            } else if !is_field_name(&name) {
                // It is a front-matter field, and templates use it in ids and attribute
                // names (`data-t-NAME`), where a space or a quote would start an attribute.
                diags.push(
                    Diagnostic::error(
                        CONFIG_FILE,
                        name_pos,
                        "a taxonomy name must be lowercase letters, digits, hyphens and underscores, starting with a letter",
                    )
                    .value(&name)
                    .help("rename the taxonomy, e.g. `[taxonomies.themes]`"),
                );
            }
            let title = localized(tax.title, &format!("taxonomies.{name}.title"), &mut diags);
            let slug = match tax.slug {
                Some(s) => localized(s, &format!("taxonomies.{name}.slug"), &mut diags),
                None => Localized(
                    languages
                        .iter()
                        .map(|l| (l.clone(), name.clone()))
                        .collect(),
                ),
            };
            check_slugs(
                &slug,
                &format!("taxonomies.{name}.slug"),
                name_pos,
                &mut diags,
            );
            let mut terms = Vec::new();
            for (id, label) in tax.terms.0 {
                let id_pos = at(id.span());
                let id = id.into_inner();
                if !is_slug(&id) {
                    diags.push(
                        Diagnostic::error(CONFIG_FILE, id_pos, "a term id must be lowercase letters, digits and hyphens (it is used in URLs)")
                            .value(&id),
                    );
                }
                let label = localized(label, &format!("taxonomies.{name}.terms.{id}"), &mut diags);
                let slug = Localized(
                    languages
                        .iter()
                        .map(|l| {
                            let slug = crate::text::slug_of_at_most(label.get(l), 64);
                            let slug = if *l == default_language || slug.is_empty() {
                                id.clone()
                            } else {
                                slug
                            };
                            (l.clone(), slug)
                        })
                        .collect(),
                );
                // Two terms whose labels make the same slug would share a page.
                for l in &languages {
                    if let Some(other) = terms.iter().find(|t: &&Term| t.slug.get(l) == slug.get(l))
                    {
                        diags.push(
                            Diagnostic::error(
                                CONFIG_FILE,
                                id_pos,
                                format!(
                                    "terms `{}` and `{id}` of `{name}` would have the same address in `{l}`",
                                    other.id
                                ),
                            )
                            .value(slug.get(l))
                            .help("give one of them another label in that language"),
                        );
                    }
                }
                terms.push(Term { id, label, slug });
            }
            let role = tax.role.and_then(|role| {
                let found = TaxonomyRole::ALL
                    .into_iter()
                    .find(|r| r.as_str() == role.get_ref());
                let pos = at(role.span());
                match found {
                    Some(r)
                        if taxonomies
                            .iter()
                            .any(|t: &TaxonomyConfig| t.role == Some(r)) =>
                    {
                        diags.push(
                            Diagnostic::error(
                                CONFIG_FILE,
                                pos,
                                format!("another taxonomy already plays the role `{}`", r.as_str()),
                            )
                            .value(role.get_ref())
                            .help("give each role to one taxonomy only"),
                        );
                        None
                    }
                    Some(r) => Some(r),
                    None => {
                        let names = TaxonomyRole::ALL.map(TaxonomyRole::as_str);
                        diags.push(
                            Diagnostic::error(CONFIG_FILE, pos, "unknown taxonomy role")
                                .value(role.get_ref())
                                .help(format!(
                                    "{} (the roles: {})",
                                    crate::diagnostics::suggest(role.get_ref(), names, "roles"),
                                    names.join(", ")
                                )),
                        );
                        None
                    }
                }
            });
            taxonomies.push(TaxonomyConfig {
                name,
                title,
                slug,
                terms,
                role,
            });
        }

        let synonyms = synonym_sets(
            raw.search.as_mut().and_then(|s| s.synonyms.take()),
            &at,
            &mut diags,
        );
        let mut evidence_levels = Vec::new();
        for (id, level) in raw.evidence_levels.0 {
            let id_pos = at(id.span());
            let id = id.into_inner();
            if id == NOT_REPORTED {
                diags.push(
                    Diagnostic::error(
                        CONFIG_FILE,
                        id_pos,
                        format!("`{NOT_REPORTED}` is what pages write when the source gives no level: it cannot be a level"),
                    )
                    .value(&id)
                    .help("remove this level: a page shows `not-reported` as \"Not reported in the source\""),
                );
            } else if !is_slug(&id) {
                diags.push(
                    Diagnostic::error(
                        CONFIG_FILE,
                        id_pos,
                        "an evidence level must be lowercase letters, digits and hyphens",
                    )
                    .value(&id)
                    .help(format!(
                        "write it as `[evidence_levels.{}]`",
                        crate::text::slugify(&id)
                    )),
                );
            }
            let label = localized(
                level.label,
                &format!("evidence_levels.{id}.label"),
                &mut diags,
            );
            let definition = localized(
                level.definition,
                &format!("evidence_levels.{id}.definition"),
                &mut diags,
            );
            evidence_levels.push(EvidenceLevel {
                id,
                label,
                definition,
            });
        }

        let search_slug = match raw.search.and_then(|s| s.slug) {
            Some(s) => localized(s, "search.slug", &mut diags),
            None => Localized(
                languages
                    .iter()
                    .map(|l| {
                        (
                            l.clone(),
                            if l == "fr" { "recherche" } else { "search" }.to_string(),
                        )
                    })
                    .collect(),
            ),
        };

        let extra = match raw.extra.map(serde_json::to_value).transpose() {
            Ok(extra) => extra.unwrap_or_else(|| serde_json::Value::Object(serde_json::Map::new())),
            Err(e) => {
                diags.push(
                    Diagnostic::error(
                        CONFIG_FILE,
                        Pos::START,
                        format!("[extra] cannot be given to templates: {e}"),
                    )
                    .help("use strings, numbers, booleans, lists and tables in [extra]"),
                );
                serde_json::Value::Null
            }
        };

        if diags.is_empty() {
            let mut config = SiteConfig {
                title,
                description,
                origin: base_url.clone(),
                root: "/".to_string(),
                base_url,
                default_language,
                languages,
                theme: raw.theme.unwrap_or_else(|| "default".to_string()),
                output_dir: build.output_dir.unwrap_or_else(|| "public".to_string()),
                drafts: build.drafts.unwrap_or(false),
                translations,
                raw_html,
                french_typography: markdown.french_typography.unwrap_or(true),
                sections,
                taxonomies,
                search_slug,
                synonyms,
                evidence_levels,
                extra,
            };
            let base_url = config.base_url.clone();
            config.set_base_url(&base_url);
            Ok(config)
        } else {
            Err(diags)
        }
    }
}

/// Front-matter fields a taxonomy may not shadow.
pub fn is_reserved_field(name: &str) -> bool {
    crate::model::COMMON_FIELDS.contains(&name)
        || crate::model::KIND_FIELDS
            .iter()
            .any(|(_, f)| f.contains(&name))
}

fn check_slugs(slug: &Localized, what: &str, pos: Pos, diags: &mut Vec<Diagnostic>) {
    for value in slug.0.values() {
        if !is_slug(value) {
            diags.push(
                Diagnostic::error(
                    CONFIG_FILE,
                    pos,
                    format!("{what} must be lowercase letters, digits and hyphens"),
                )
                .value(value),
            );
        }
    }
}

/// A taxonomy name: a front-matter field name, safe in an id or an attribute name.
fn is_field_name(s: &str) -> bool {
    s.starts_with(|c: char| c.is_ascii_lowercase())
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
}

pub fn is_slug(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !s.starts_with('-')
        && !s.ends_with('-')
}

fn is_language_code(s: &str) -> bool {
    s.len() == 2 && s.bytes().all(|b| b.is_ascii_lowercase())
}

const TOP_KEYS: [&str; 12] = [
    "title",
    "description",
    "base_url",
    "default_language",
    "languages",
    "theme",
    "build",
    "markdown",
    "sections",
    "taxonomies",
    "search",
    "evidence_levels",
];

fn line_of<'t>(text: &'t str, lines: &LineIndex, line: usize) -> &'t str {
    let start = lines.line_start(line).unwrap_or(0).min(text.len());
    let end = text[start..].find('\n').map_or(text.len(), |i| start + i);
    &text[start..end]
}

/// serde's type names, said the way an author would.
fn plain_serde(message: &str) -> String {
    message
        .replace("expected usize", "expected a whole number")
        .replace("expected u64", "expected a whole number")
        .replace("expected i64", "expected a whole number")
        .replace("expected a boolean", "expected true or false")
        .replace("a sequence", "a list")
        .replace("expected a map", "expected a table")
}

fn syntax_help(message: &str) -> Option<String> {
    if message.contains("invalid type") {
        Some("check the value's type: text in quotes, numbers without, lists in [ ]".to_string())
    } else if message.contains("string")
        || message.contains("comma")
        || message.contains("expected")
    {
        Some(
            "check quotes, commas and closing brackets on this line and the one before".to_string(),
        )
    } else {
        None
    }
}

/// toml says "unknown field `x`, expected one of ..."; turn that into a suggestion.
fn unknown_key_help(message: &str) -> Option<String> {
    let rest = message.strip_prefix("unknown field `")?;
    let (wrong, expected) = rest.split_once('`')?;
    let known: Vec<&str> = expected.split('`').skip(1).step_by(2).collect();
    let known = if known.is_empty() {
        TOP_KEYS.to_vec()
    } else {
        known
    };
    Some(suggest(wrong, known.iter().copied(), "keys"))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    title: Spanned<RawLocalized>,
    description: Option<Spanned<RawLocalized>>,
    base_url: Spanned<String>,
    default_language: Spanned<String>,
    languages: Vec<Spanned<String>>,
    theme: Option<String>,
    build: Option<RawBuild>,
    markdown: Option<RawMarkdown>,
    #[serde(default)]
    sections: Ordered<RawSection>,
    #[serde(default)]
    taxonomies: Ordered<RawTaxonomy>,
    search: Option<RawSearch>,
    #[serde(default)]
    evidence_levels: Ordered<RawEvidenceLevel>,
    extra: Option<toml::Table>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEvidenceLevel {
    label: Spanned<RawLocalized>,
    definition: Spanned<RawLocalized>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawBuild {
    output_dir: Option<String>,
    drafts: Option<bool>,
    translations: Option<Spanned<String>>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawMarkdown {
    raw_html: Option<Spanned<String>>,
    french_typography: Option<bool>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSection {
    kind: Spanned<String>,
    title: Spanned<RawLocalized>,
    slug: Option<Spanned<RawLocalized>>,
    paginate: Option<usize>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTaxonomy {
    title: Spanned<RawLocalized>,
    slug: Option<Spanned<RawLocalized>>,
    role: Option<Spanned<String>>,
    #[serde(default)]
    terms: Ordered<Spanned<RawLocalized>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSearch {
    slug: Option<Spanned<RawLocalized>>,
    synonyms: Option<Vec<Spanned<Vec<Spanned<String>>>>>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum RawLocalized {
    Same(String),
    PerLanguage(BTreeMap<String, String>),
}

/// A TOML table read in the order it was written (sections appear in the menu in that order).
/// `[search] synonyms`, checked: each set has two entries or more, each with a word,
/// and no entry is in two sets (a query word could not tell which set it means).
fn synonym_sets(
    raw: Option<Vec<Spanned<Vec<Spanned<String>>>>>,
    at: &dyn Fn(std::ops::Range<usize>) -> Pos,
    diags: &mut Vec<Diagnostic>,
) -> Vec<Vec<String>> {
    let mut sets = Vec::new();
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    for set in raw.unwrap_or_default() {
        let pos = at(set.span());
        let mut entries = Vec::new();
        for entry in set.into_inner() {
            let span = entry.span();
            let entry = entry.into_inner();
            let folded = entry.trim().to_lowercase();
            if !entry.chars().any(char::is_alphanumeric) {
                diags.push(
                    Diagnostic::error(CONFIG_FILE, at(span), "a synonym has no word")
                        .value(&entry)
                        .help("write a word, a name or an acronym, or remove the entry"),
                );
            } else if let Some(line) = seen.get(&folded) {
                diags.push(
                    Diagnostic::error(
                        CONFIG_FILE,
                        at(span),
                        format!("this synonym is already in the set on line {line}"),
                    )
                    .value(&entry)
                    .help("merge the two sets, or remove one of the entries"),
                );
            } else {
                seen.insert(folded, pos.line);
                entries.push(entry);
            }
        }
        if entries.len() < 2 {
            diags.push(
                Diagnostic::error(CONFIG_FILE, pos, "a synonym set needs two entries or more")
                    .value(entries.join(", "))
                    .help("list the words that mean the same, e.g. [\"LIP\", \"Local Immigration Partnership\"]"),
            );
        } else {
            sets.push(entries);
        }
    }
    sets
}

struct Ordered<V>(Vec<(Spanned<String>, V)>);

impl<V> Default for Ordered<V> {
    fn default() -> Self {
        Ordered(Vec::new())
    }
}

impl<'de, V: Deserialize<'de>> Deserialize<'de> for Ordered<V> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct OrderedVisitor<V>(PhantomData<V>);
        impl<'de, V: Deserialize<'de>> Visitor<'de> for OrderedVisitor<V> {
            type Value = Ordered<V>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a table")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut entries: Vec<(Spanned<String>, V)> = Vec::new();
                while let Some((k, v)) = map.next_entry::<Spanned<String>, V>()? {
                    if entries.iter().any(|(e, _)| e.get_ref() == k.get_ref()) {
                        return Err(de::Error::custom(format!(
                            "duplicate key `{}`",
                            k.get_ref()
                        )));
                    }
                    entries.push((k, v));
                }
                Ok(Ordered(entries))
            }
        }
        deserializer.deserialize_map(OrderedVisitor(PhantomData))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MINIMAL: &str = r#"
title = { en = "Portal", fr = "Portail" }
base_url = "https://example.org/"
default_language = "en"
languages = ["en", "fr"]

[sections.case-studies]
kind = "case-study"
title = { en = "Case studies", fr = "Études de cas" }
slug = { en = "case-studies", fr = "etudes-de-cas" }

[sections.lessons]
kind = "lesson"
title = { en = "Lessons", fr = "Leçons" }

[taxonomies.cities]
title = { en = "Cities", fr = "Villes" }
[taxonomies.cities.terms]
toronto = "Toronto"
montreal = { en = "Montreal", fr = "Montréal" }
"#;

    #[test]
    fn taxonomy_roles_are_declared_checked_and_unique() {
        let with = |roles: &str| {
            MINIMAL.replace(
                "[taxonomies.cities]\n",
                &format!("[taxonomies.cities]\n{roles}"),
            )
        };
        let c = SiteConfig::parse(&with("role = \"place\"\n")).expect("valid");
        assert_eq!(
            c.taxonomy_for(TaxonomyRole::Place).map(|t| t.name.as_str()),
            Some("cities")
        );
        assert!(c.taxonomy_for(TaxonomyRole::Sector).is_none());
        let d = SiteConfig::parse(&with("role = \"plaec\"\n")).expect_err("unknown role");
        assert!(d[0].message.contains("unknown taxonomy role"), "{d:?}");
        assert!(
            d[0].help.as_deref().is_some_and(|h| h.contains("`place`")),
            "{d:?}"
        );
        let twice = format!(
            "{}\n[taxonomies.towns]\nrole = \"place\"\ntitle = {{ en = \"Towns\", fr = \"Villes\" }}\n",
            with("role = \"place\"\n")
        );
        let d = SiteConfig::parse(&twice).expect_err("a role twice");
        assert!(
            d[0].message.contains("already plays the role `place`"),
            "{d:?}"
        );
    }

    #[test]
    fn evidence_levels_keep_their_order_and_not_reported_is_no_level() {
        let levels = "\n[evidence_levels.evaluated]\nlabel = { en = \"Evaluated\", fr = \"Évalué\" }\ndefinition = \"D\"\n[evidence_levels.reported]\nlabel = \"Reported\"\ndefinition = { en = \"Said\" }\n";
        let errs = SiteConfig::parse(&format!("{MINIMAL}{levels}")).expect_err("no fr definition");
        assert!(
            errs[0]
                .message
                .contains("evidence_levels.reported.definition has no text in `fr`"),
            "{errs:?}"
        );
        let c = SiteConfig::parse(&format!(
            "{MINIMAL}{}",
            levels.replace("{ en = \"Said\" }", "\"Said\"")
        ))
        .expect("valid");
        assert_eq!(c.evidence_level("reported").map(|(rank, _)| rank), Some(1));
        assert_eq!(
            c.evidence_level("evaluated")
                .map(|(_, l)| l.label.get("fr")),
            Some("Évalué")
        );
        let errs = SiteConfig::parse(&format!(
            "{MINIMAL}\n[evidence_levels.not-reported]\nlabel = \"N\"\ndefinition = \"N\"\n"
        ))
        .expect_err("reserved");
        assert!(errs[0].message.contains("cannot be a level"), "{errs:?}");
    }

    #[test]
    fn keeps_order_and_fills_defaults() {
        let c = SiteConfig::parse(MINIMAL).expect("valid");
        assert_eq!(c.base_url, "https://example.org");
        let names: Vec<_> = c.sections.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(names, ["case-studies", "lessons"]);
        assert_eq!(c.sections[1].slug.get("fr"), "lessons");
        let cities = c.taxonomy("cities").expect("cities");
        assert_eq!(cities.terms[0].label.get("fr"), "Toronto");
        assert_eq!(cities.terms[1].label.get("fr"), "Montréal");
        assert_eq!(c.search_slug.get("fr"), "recherche");
    }

    #[test]
    fn reports_position_of_unknown_key_with_suggestion() {
        let text = MINIMAL.replace("languages = [", "langages = [");
        let errs = SiteConfig::parse(&text).expect_err("invalid");
        assert_eq!(errs[0].line, 5);
        assert!(
            errs[0].help.as_deref().unwrap_or("").contains("languages"),
            "{errs:?}"
        );
    }

    #[test]
    fn reports_missing_language_and_bad_kind() {
        let text = MINIMAL
            .replace("kind = \"lesson\"", "kind = \"lessons\"")
            .replace(
                "title = { en = \"Cities\", fr = \"Villes\" }",
                "title = { en = \"Cities\" }",
            );
        let errs = SiteConfig::parse(&text).expect_err("invalid");
        let messages: Vec<_> = errs.iter().map(ToString::to_string).collect();
        assert!(
            messages
                .iter()
                .any(|m| m.contains("unknown kind") && m.contains("did you mean `lesson`")),
            "{messages:?}"
        );
        assert!(
            messages
                .iter()
                .any(|m| m.contains("taxonomies.cities.title has no text in `fr`")),
            "{messages:?}"
        );
    }
}
