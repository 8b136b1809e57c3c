//! Resolve: every check that needs the whole site, then the read-only [`Site`].
//!
//! Input: the config and the loaded pages. Output: the `Site` (URLs, translations,
//! listings, term pages, backlinks), and diagnostics for unknown taxonomy terms, `evidence`
//! and `cases` keys that name no page or a page of the wrong kind, missing translations and
//! URL collisions. Nothing mutates the `Site` after this stage: rendering reads it from
//! many threads at once.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;

use crate::config::{NOT_REPORTED, SiteConfig, TaxonomyRole, TranslationPolicy};
use crate::diagnostics::{Diagnostic, Pos, suggest};
use crate::model::{Kind, Located, Page, Reported, Role};
use crate::text::FastMap;

/// Index of a page in [`Site::pages`].
pub type PageId = usize;

#[derive(Debug)]
pub struct Site {
    pub config: SiteConfig,
    /// Content pages, home pages and section indexes, sorted by (key, lang).
    pub pages: Vec<Arc<Page>>,
    /// URL path of each page (`/en/case-studies/food-hub/`), by [`PageId`].
    pub urls: Vec<String>,
    /// key → the page in each language.
    by_key: HashMap<String, BTreeMap<String, PageId>>,
    /// (section, lang) → content pages, newest first.
    pub section_pages: HashMap<(String, String), Vec<PageId>>,
    /// (taxonomy, term, lang) → pages, newest first.
    pub term_pages: HashMap<(String, String, String), Vec<PageId>>,
    /// key of a cited page → keys of the pages that cite it (evidence, cases), sorted.
    pub cited_by: HashMap<String, Vec<String>>,
    /// Content pages of each language, newest first (feeds, home).
    pub newest: HashMap<String, Vec<PageId>>,
    /// Keys of files that exist but could not be read (already reported).
    pub unreadable: HashSet<String>,
}

/// Where a page stands as a translation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TranslationStatus {
    /// Not a translation (no `translation_of`), or the only version.
    Original,
    /// Records the current revision of its source.
    Current { source: PageId },
    /// Its source changed after it was translated.
    Stale { source: PageId },
}

impl Site {
    /// The version other translations are made from: the default language's, else the
    /// first version that does not itself say it is a translation.
    pub fn source_of(&self, key: &str) -> Option<PageId> {
        let langs = self.by_key.get(key)?;
        langs
            .get(&self.config.default_language)
            .copied()
            .filter(|&id| self.pages[id].fm.translation_of.is_none())
            .or_else(|| {
                langs
                    .values()
                    .copied()
                    .find(|&id| self.pages[id].fm.translation_of.is_none())
            })
    }

    pub fn translation_status(&self, id: PageId) -> TranslationStatus {
        let page = &self.pages[id];
        let Some(recorded) = &page.fm.translation_of else {
            return TranslationStatus::Original;
        };
        match self.source_of(&page.key) {
            Some(source) if source != id => {
                if self.pages[source].revision() == recorded.value {
                    TranslationStatus::Current { source }
                } else {
                    TranslationStatus::Stale { source }
                }
            }
            _ => TranslationStatus::Original,
        }
    }

    pub fn page(&self, key: &str, lang: &str) -> Option<PageId> {
        self.by_key.get(key)?.get(lang).copied()
    }

    /// The page for `key` in `lang`, else in the default language, else in any language.
    pub fn page_or_fallback(&self, key: &str, lang: &str) -> Option<PageId> {
        let langs = self.by_key.get(key)?;
        langs
            .get(lang)
            .or_else(|| langs.get(&self.config.default_language))
            .or_else(|| langs.values().next())
            .copied()
    }

    /// The other-language versions of `key` (language → page).
    pub fn translations(&self, key: &str) -> impl Iterator<Item = (&str, PageId)> {
        self.by_key
            .get(key)
            .into_iter()
            .flat_map(|m| m.iter().map(|(l, id)| (l.as_str(), *id)))
    }

    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.by_key.keys().map(String::as_str)
    }

    /// The absolute URL of a URL path of the site (which starts with `config.root`).
    pub fn absolute(&self, path: &str) -> String {
        format!("{}{}", self.config.origin, path)
    }

    /// The output file of a URL path of the site: `/portal/en/x/` → `en/x/index.html`.
    pub fn file_of(&self, url: &str) -> String {
        let rel = url
            .strip_prefix(self.config.root.as_str())
            .unwrap_or_else(|| url.trim_start_matches('/'));
        if rel.is_empty() {
            "index.html".to_string()
        } else if rel.ends_with('/') {
            format!("{rel}index.html")
        } else {
            rel.to_string()
        }
    }

    pub fn home_url(&self, lang: &str) -> String {
        format!("{}{lang}/", self.config.root)
    }

    pub fn section_url(&self, section: &str, lang: &str) -> String {
        match self.config.section(section) {
            Some(s) => format!("{}{lang}/{}/", self.config.root, s.slug.get(lang)),
            None => self.home_url(lang),
        }
    }

    pub fn taxonomy_url(&self, taxonomy: &str, lang: &str) -> String {
        match self.config.taxonomy(taxonomy) {
            Some(t) => format!("{}{lang}/{}/", self.config.root, t.slug.get(lang)),
            None => self.home_url(lang),
        }
    }

    /// The page of a term, at its slug in `lang` (see `config::Term::slug`).
    pub fn term_url(&self, taxonomy: &str, term: &str, lang: &str) -> String {
        let slug = self
            .config
            .taxonomy(taxonomy)
            .and_then(|t| t.term(term))
            .map_or(term, |t| t.slug.get(lang));
        format!("{}{slug}/", self.taxonomy_url(taxonomy, lang))
    }

    pub fn search_url(&self, lang: &str) -> String {
        format!(
            "{}{lang}/{}/",
            self.config.root,
            self.config.search_slug.get(lang)
        )
    }
}

/// Builds the `Site` and reports every cross-page problem. `unreadable` are the (key,
/// language) of files already reported as broken: pointing at them is not a second mistake.
pub fn resolve(
    config: SiteConfig,
    mut pages: Vec<Arc<Page>>,
    unreadable: &HashSet<(String, String)>,
) -> (Site, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    let urls: Vec<String> = pages.iter().map(|p| page_url(&config, p)).collect();

    let mut by_key: HashMap<String, BTreeMap<String, PageId>> = HashMap::new();
    for (id, p) in pages.iter().enumerate() {
        by_key
            .entry(p.key.clone())
            .or_default()
            .insert(p.lang.clone(), id);
    }

    share_practice_fields(&config, &mut pages, &by_key, &mut diags);
    derive_levels(&config, &mut pages, &by_key);
    // The checks only report: the listings are made beside them.
    let (checked, listings) = rayon::join(
        || {
            let mut diags = Vec::new();
            check_terms(&config, &pages, &mut diags);
            let broken_keys: HashSet<&str> = unreadable.iter().map(|(k, _)| k.as_str()).collect();
            check_references(&config, &pages, &by_key, &broken_keys, &mut diags);
            check_translations(&config, &pages, &by_key, unreadable, &mut diags);
            check_collisions(&config, &pages, &urls, &mut diags);
            diags
        },
        || listings(&config, &pages),
    );
    diags.extend(checked);
    let Listings {
        section_pages,
        term_pages,
        newest,
        cited_by,
    } = listings;

    let site = Site {
        config,
        pages,
        urls,
        by_key,
        section_pages,
        term_pages,
        cited_by,
        newest,
        unreadable: unreadable.iter().map(|(k, _)| k.clone()).collect(),
    };
    (site, diags)
}

/// The site's lists of pages (see [`Site`]).
struct Listings {
    section_pages: HashMap<(String, String), Vec<PageId>>,
    term_pages: HashMap<(String, String, String), Vec<PageId>>,
    newest: HashMap<String, Vec<PageId>>,
    cited_by: HashMap<String, Vec<String>>,
}

/// The content pages of each section, term and language, newest first, and the pages
/// citing each page. The pages are sorted newest first once and visited in that order,
/// so each list comes out in order; each list is gathered under the pages' own strings
/// and given its owned key once.
fn listings(config: &SiteConfig, pages: &[Arc<Page>]) -> Listings {
    let mut newest_first: Vec<PageId> = (0..pages.len())
        .filter(|&id| matches!(pages[id].role, Role::Page { .. }))
        .collect();
    newest_first.sort_by(|&a, &b| {
        let (pa, pb) = (&pages[a], &pages[b]);
        pb.fm
            .date
            .cmp(&pa.fm.date)
            .then_with(|| pa.key.cmp(&pb.key))
    });
    let mut section_pages: FastMap<(&str, &str), Vec<PageId>> = FastMap::default();
    let mut term_pages: FastMap<(&str, &str, &str), Vec<PageId>> = FastMap::default();
    let mut newest: FastMap<&str, Vec<PageId>> = FastMap::default();
    let mut cited_by: FastMap<&str, Vec<&str>> = FastMap::default();
    for &id in &newest_first {
        let p = &pages[id];
        let Role::Page { section, .. } = &p.role else {
            continue;
        };
        let lang = p.lang.as_str();
        if let Some(section) = section {
            section_pages.entry((section, lang)).or_default().push(id);
        }
        newest.entry(lang).or_default().push(id);
        for (tax, terms) in &p.fm.taxonomies {
            if config.taxonomy(tax).is_none() {
                continue;
            }
            for t in dedup(terms) {
                term_pages.entry((tax, t, lang)).or_default().push(id);
            }
        }
        for cited in p.fm.fields.evidence.iter().chain(&p.fm.fields.cases) {
            let list = cited_by.entry(&cited.value).or_default();
            if !list.contains(&p.key.as_str()) {
                list.push(&p.key);
            }
        }
    }
    let owned = |s: &str| s.to_string();
    Listings {
        section_pages: section_pages
            .into_iter()
            .map(|((section, lang), ids)| ((owned(section), owned(lang)), ids))
            .collect(),
        term_pages: term_pages
            .into_iter()
            .map(|((tax, term, lang), ids)| ((owned(tax), owned(term), owned(lang)), ids))
            .collect(),
        newest: newest
            .into_iter()
            .map(|(lang, ids)| (owned(lang), ids))
            .collect(),
        cited_by: cited_by
            .into_iter()
            .map(|(cited, mut keys)| {
                keys.sort_unstable();
                (owned(cited), keys.into_iter().map(owned).collect())
            })
            .collect(),
    }
}

/// A translation takes from the version it translates what does not depend on the language
/// (`evidence_level`, `finding`, `reviewed`, `contacts`) when it does not write it;
/// `evidence_level` and `finding` are facts about the practice, so a translation that
/// writes another value is an error. Texts (`outcomes`, `transferability`) are each
/// language's own: the page of a translation that lacks them shows its source's (see
/// the views).
fn share_practice_fields(
    config: &SiteConfig,
    pages: &mut [Arc<Page>],
    by_key: &HashMap<String, BTreeMap<String, PageId>>,
    diags: &mut Vec<Diagnostic>,
) {
    for langs in by_key.values() {
        let Some(&source) = langs.get(&config.default_language) else {
            continue;
        };
        if !matches!(pages[source].kind(), Some(Kind::CaseStudy | Kind::Lesson)) {
            continue;
        }
        let from = Arc::clone(&pages[source]);
        let theirs = &from.fm.fields;
        for &id in langs.values().filter(|&&id| id != source) {
            if pages[id].kind() != from.kind() {
                continue;
            }
            let language = crate::i18n::language_name_in(&from.lang, crate::i18n::MESSAGES);
            let mut differs = |field: &str, ours: &Located<String>, theirs: &str| {
                if ours.value != theirs {
                    diags.push(
                        Diagnostic::error(
                            &pages[id].path,
                            ours.pos,
                            format!("`{field}` differs from the {language} version's, `{theirs}`"),
                        )
                        .value(&ours.value)
                        .help(format!(
                            "a translation takes `{field}` from {}: remove the line, or write the same value in both",
                            from.path.to_string_lossy().replace('\\', "/")
                        )),
                    );
                }
            };
            let ours = &pages[id].fm.fields;
            if let (Some(Reported::Given(o)), Some(t)) =
                (&ours.evidence_level, &theirs.evidence_level)
            {
                let t = match t {
                    Reported::Given(t) => t.value.as_str(),
                    Reported::NotReported => NOT_REPORTED,
                };
                differs("evidence_level", o, t);
            }
            if let (Some(o), Some(t)) = (&ours.finding, &theirs.finding) {
                differs("finding", o, &t.value);
            }
            let needs = ours.evidence_level.is_none() && theirs.evidence_level.is_some()
                || ours.finding.is_none() && theirs.finding.is_some()
                || ours.reviewed.is_none() && theirs.reviewed.is_some()
                || ours.contacts.is_empty() && !theirs.contacts.is_empty();
            if !needs {
                continue;
            }
            let fields = &mut Arc::make_mut(&mut pages[id]).fm.fields;
            if fields.evidence_level.is_none() {
                fields.evidence_level.clone_from(&theirs.evidence_level);
            }
            if fields.finding.is_none() {
                fields.finding.clone_from(&theirs.finding);
            }
            if fields.reviewed.is_none() {
                fields.reviewed = theirs.reviewed;
            }
            if fields.contacts.is_empty() {
                fields.contacts.clone_from(&theirs.contacts);
            }
        }
    }
}

/// A lesson that declares no evidence level rests on its case studies: it takes the
/// strongest level among them (site.toml lists the levels strongest first).
fn derive_levels(
    config: &SiteConfig,
    pages: &mut [Arc<Page>],
    by_key: &HashMap<String, BTreeMap<String, PageId>>,
) {
    if config.evidence_levels.is_empty() {
        return;
    }
    for id in 0..pages.len() {
        let p = &pages[id];
        if p.kind() != Some(Kind::Lesson) || p.fm.fields.evidence_level.is_some() {
            continue;
        }
        let strongest =
            p.fm.fields
                .evidence
                .iter()
                .filter_map(|k| {
                    let langs = by_key.get(&k.value)?;
                    let case = langs
                        .get(&p.lang)
                        .or_else(|| langs.get(&config.default_language))
                        .or_else(|| langs.values().next())?;
                    let case = &pages[*case];
                    if case.kind() != Some(Kind::CaseStudy) {
                        return None;
                    }
                    let (level, _) = case.fm.fields.level()?;
                    config.evidence_level(level)
                })
                .min_by_key(|(rank, _)| *rank)
                .map(|(_, level)| level.id.clone());
        if strongest.is_some() {
            Arc::make_mut(&mut pages[id]).fm.fields.derived_level = strongest;
        }
    }
}

fn dedup(terms: &[Located<String>]) -> Vec<&String> {
    let mut out: Vec<&String> = Vec::new();
    for t in terms {
        if !out.contains(&&t.value) {
            out.push(&t.value);
        }
    }
    out
}

fn page_url(config: &SiteConfig, page: &Page) -> String {
    let lang = &page.lang;
    match &page.role {
        Role::Home => format!("{}{lang}/", config.root),
        Role::SectionIndex(section) => {
            let slug = config
                .section(section)
                .map_or(section.as_str(), |s| s.slug.get(lang));
            format!("{}{lang}/{slug}/", config.root)
        }
        Role::Page { section, .. } => {
            let mut parts: Vec<&str> = page.key.split('/').collect();
            let name = parts.pop().unwrap_or_default();
            let slug = page.fm.slug.as_ref().map_or(name, |s| s.value.as_str());
            let mut url = format!("{}{lang}/", config.root);
            if let Some(section) = section {
                let section_slug = config
                    .section(section)
                    .map_or(section.as_str(), |s| s.slug.get(lang));
                url.push_str(section_slug);
                url.push('/');
                // Sub-folders of a section keep their names in the URL.
                for dir in parts.iter().skip(1) {
                    url.push_str(dir);
                    url.push('/');
                }
            }
            url.push_str(slug);
            url.push('/');
            url
        }
    }
}

fn check_terms(config: &SiteConfig, pages: &[Arc<Page>], diags: &mut Vec<Diagnostic>) {
    let unknown = |tax: Option<&crate::config::TaxonomyConfig>,
                   term: &Located<String>,
                   path: &std::path::Path| {
        let tax = tax?;
        let tax_name = &tax.name;
        if tax.term(&term.value).is_some() {
            return None;
        }
        Some(
            Diagnostic::error(
                path,
                term.pos,
                format!(
                    "`{}` is not a term of the `{tax_name}` vocabulary",
                    term.value
                ),
            )
            .value(&term.value)
            .help(format!(
                "{} (or add `{}` to [taxonomies.{tax_name}.terms] in site.toml)",
                suggest(
                    &term.value,
                    tax.terms.iter().map(|t| t.id.as_str()),
                    "terms"
                ),
                term.value
            )),
        )
    };
    for p in pages {
        for (tax, terms) in &p.fm.taxonomies {
            let tax = config.taxonomy(tax);
            diags.extend(terms.iter().filter_map(|t| unknown(tax, t, &p.path)));
        }
        for partner in &p.fm.fields.partners {
            if let Some(sector) = &partner.sector {
                diags.extend(unknown(
                    config.taxonomy_for(TaxonomyRole::Sector),
                    sector,
                    &p.path,
                ));
            }
        }
        if let Some(city) = p.fm.fields.location.as_ref().and_then(|l| l.city.as_ref()) {
            diags.extend(unknown(
                config.taxonomy_for(TaxonomyRole::Place),
                city,
                &p.path,
            ));
        }
    }
}

fn check_references(
    config: &SiteConfig,
    pages: &[Arc<Page>],
    by_key: &HashMap<String, BTreeMap<String, PageId>>,
    broken_keys: &HashSet<&str>,
    diags: &mut Vec<Diagnostic>,
) {
    let case_keys: Vec<&str> = {
        let mut v: Vec<&str> = pages
            .iter()
            .filter(|p| p.kind() == Some(Kind::CaseStudy))
            .map(|p| p.key.as_str())
            .collect();
        v.dedup();
        v
    };
    let case_section = config
        .section_of_kind(Kind::CaseStudy)
        .map_or("case-studies", |s| s.name.as_str());
    for p in pages {
        let fields = [
            ("evidence", &p.fm.fields.evidence),
            ("cases", &p.fm.fields.cases),
        ];
        for (field, keys) in fields {
            for k in keys {
                let key = k
                    .value
                    .trim_start_matches("@/")
                    .trim_end_matches(".md")
                    .trim_matches('/');
                match by_key.get(key).and_then(|m| m.values().next()) {
                    None if broken_keys.contains(key) => {}
                    None => diags.push(
                        Diagnostic::error(&p.path, k.pos, format!("`{field}` names a page that does not exist"))
                            .value(&k.value)
                            .help(match crate::diagnostics::closest(key, case_keys.iter().copied()) {
                                Some(close) => format!("did you mean `{close}`?"),
                                None => format!("a key is a case study's path under content/ without `.md`, e.g. `{case_section}/NAME`"),
                            }),
                    ),
                    // A recommendation may rest on lessons as well as on case studies.
                    Some(&id)
                        if !(pages[id].kind() == Some(Kind::CaseStudy)
                            || field == "evidence"
                                && p.kind() == Some(Kind::Recommendation)
                                && pages[id].kind() == Some(Kind::Lesson)) =>
                    {
                        let wanted = if field == "evidence" && p.kind() == Some(Kind::Recommendation) {
                            "case studies or lessons"
                        } else {
                            "case studies"
                        };
                        diags.push(
                            Diagnostic::error(
                                &p.path,
                                k.pos,
                                format!(
                                    "`{field}` must name {wanted}, but this is a {}",
                                    pages[id].kind().map_or("section index", Kind::as_str)
                                ),
                            )
                            .value(&k.value)
                            .help(format!("name a case study, e.g. `{}`", case_keys.first().copied().unwrap_or("case-studies/NAME"))),
                        );
                    }
                    Some(_) if key != k.value => diags.push(
                        Diagnostic::error(&p.path, k.pos, format!("`{field}` keys are written without `@/`, `.md` or slashes around them"))
                            .value(&k.value)
                            .help(format!("write `{key}`")),
                    ),
                    Some(_) => {}
                }
            }
        }
    }
}

fn check_translations(
    config: &SiteConfig,
    pages: &[Arc<Page>],
    by_key: &HashMap<String, BTreeMap<String, PageId>>,
    unreadable: &HashSet<(String, String)>,
    diags: &mut Vec<Diagnostic>,
) {
    for (key, langs) in by_key {
        let Some(&source) = langs
            .get(&config.default_language)
            .or_else(|| langs.values().next())
        else {
            continue;
        };
        let source = &pages[source];
        for lang in &config.languages {
            if langs.contains_key(lang) || unreadable.contains(&(key.clone(), lang.clone())) {
                continue;
            }
            let expected = translation_path(source, lang, &config.default_language);
            let message = format!(
                "no {} version of this page",
                crate::i18n::language_name_in(lang, crate::i18n::MESSAGES)
            );
            let help = format!("create {} (a translation of this file)", expected);
            let _ = key;
            diags.push(match config.translations {
                TranslationPolicy::Require => {
                    Diagnostic::error(&source.path, Pos::START, message).help(help)
                }
                TranslationPolicy::Warn => {
                    Diagnostic::warning(&source.path, Pos::START, message).help(help)
                }
            });
        }
    }
}

/// The file an author creates to translate `page` into `lang`.
pub fn translation_path(page: &Page, lang: &str, default_language: &str) -> String {
    let path = page.path.to_string_lossy().replace('\\', "/");
    let stem = path.strip_suffix(".md").unwrap_or(&path);
    let stem = stem
        .strip_suffix(&format!(".{}", page.lang))
        .unwrap_or(stem);
    if lang == default_language {
        format!("{stem}.md")
    } else {
        format!("{stem}.{lang}.md")
    }
}

fn check_collisions(
    config: &SiteConfig,
    pages: &[Arc<Page>],
    urls: &[String],
    diags: &mut Vec<Diagnostic>,
) {
    let mut reserved: HashMap<String, String> = HashMap::new();
    for lang in &config.languages {
        reserved.insert(
            format!("{}{lang}/{}/", config.root, config.search_slug.get(lang)),
            "the search page".into(),
        );
        for t in &config.taxonomies {
            reserved.insert(
                format!("{}{lang}/{}/", config.root, t.slug.get(lang)),
                format!("the `{}` taxonomy page", t.name),
            );
        }
        for s in &config.sections {
            reserved.insert(
                format!("{}{lang}/{}/page/", config.root, s.slug.get(lang)),
                format!("the pages of the `{}` listing", s.name),
            );
        }
    }
    let mut seen: HashMap<&str, PageId> = HashMap::new();
    for (id, p) in pages.iter().enumerate() {
        let url = urls[id].as_str();
        if matches!(p.role, Role::Page { .. })
            && let Some(what) = reserved.get(url)
        {
            diags.push(
                Diagnostic::error(
                    &p.path,
                    p.fm.slug.as_ref().map_or(Pos::START, |s| s.pos),
                    format!("this page's URL {url} is already {what}"),
                )
                .value(url)
                .help("give the page another `slug`, or rename the file"),
            );
            continue;
        }
        if let Some(&other) = seen.get(url) {
            diags.push(
                Diagnostic::error(
                    &p.path,
                    p.fm.slug.as_ref().map_or(Pos::START, |s| s.pos),
                    format!("two pages would be written to {url}"),
                )
                .value(url)
                .help(format!(
                    "{} has the same URL; give one of them another `slug` or file name",
                    pages[other].path.to_string_lossy()
                )),
            );
        } else {
            seen.insert(url, id);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::FrontMatter;

    fn page(key: &str, lang: &str, kind: Kind, slug: Option<&str>) -> Page {
        let section = key.split('/').next().map(str::to_string);
        Page {
            key: key.into(),
            lang: lang.into(),
            role: Role::Page { kind, section },
            path: format!(
                "content/{key}{}.md",
                if lang == "en" {
                    String::new()
                } else {
                    format!(".{lang}")
                }
            )
            .into(),
            fm: FrontMatter {
                title: "T".into(),
                summary: "S".into(),
                date: None,
                updated: None,
                slug: slug.map(|s| Located::new(s.to_string(), Pos::new(4, 7))),
                draft: false,
                authors: vec![],
                extra: serde_json::Value::Null,
                translation_of: None,
                taxonomies: BTreeMap::new(),
                fields: Default::default(),
            },
            body: crate::model::Body::default(),
            body_line: 1,
            source_hash: 0,
            outline_hash: 0,
        }
    }

    fn config() -> SiteConfig {
        SiteConfig::parse(
            r#"
title = "T"
base_url = "https://example.org"
default_language = "en"
languages = ["en", "fr"]
[sections.case-studies]
kind = "case-study"
title = "Case studies"
slug = { en = "case-studies", fr = "etudes-de-cas" }
[sections.lessons]
kind = "lesson"
title = "Lessons"
"#,
        )
        .expect("config")
    }

    #[test]
    fn urls_use_localized_slugs() {
        let c = config();
        let p = page(
            "case-studies/food-hub",
            "fr",
            Kind::CaseStudy,
            Some("carrefour"),
        );
        assert_eq!(page_url(&c, &p), "/fr/etudes-de-cas/carrefour/");
        let p = page("case-studies/food-hub", "en", Kind::CaseStudy, None);
        assert_eq!(page_url(&c, &p), "/en/case-studies/food-hub/");
    }

    #[test]
    fn evidence_must_exist_and_be_a_case_study() {
        let mut lesson = page("lessons/l", "en", Kind::Lesson, None);
        lesson.fm.fields.evidence = vec![
            Located::new("case-studies/food-hb".into(), Pos::new(5, 12)),
            Located::new("lessons/l".into(), Pos::new(6, 12)),
        ];
        let pages = vec![
            page("case-studies/food-hub", "en", Kind::CaseStudy, None),
            lesson,
        ];
        let pages = pages.into_iter().map(Arc::new).collect();
        let (_, diags) = resolve(config(), pages, &HashSet::new());
        let errors: Vec<String> = diags
            .iter()
            .filter(|d| d.is_error())
            .map(ToString::to_string)
            .collect();
        assert!(
            errors
                .iter()
                .any(|e| e.contains("5:12") && e.contains("did you mean `case-studies/food-hub`")),
            "{errors:#?}"
        );
        assert!(
            errors
                .iter()
                .any(|e| e.contains("6:12") && e.contains("but this is a lesson")),
            "{errors:#?}"
        );
    }

    #[test]
    fn collisions_and_missing_translations() {
        let pages = vec![
            page("case-studies/a", "en", Kind::CaseStudy, Some("same")),
            page("case-studies/b", "en", Kind::CaseStudy, Some("same")),
        ];
        let pages = pages.into_iter().map(Arc::new).collect();
        let (_, diags) = resolve(config(), pages, &HashSet::new());
        assert!(diags.iter().any(|d| {
            d.is_error()
                && d.message
                    .contains("two pages would be written to /en/case-studies/same/")
        }));
        let warnings: Vec<_> = diags.iter().filter(|d| !d.is_error()).collect();
        assert_eq!(warnings.len(), 2);
        assert!(warnings[0].help.as_deref().unwrap_or("").contains(".fr.md"));
    }
}
