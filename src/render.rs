//! Render: the read-only `Site` and the rendered Markdown → HTML files, in parallel.
//!
//! Tera 2 gets the theme's templates once. Per-language data (site title, menu, UI
//! strings) is built once as tera values and shared by every page (tera values are
//! reference-counted, so no page clones the site). Each page gets a small view model.

use std::collections::HashMap;
use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};

use rayon::prelude::*;
use serde::Serialize;
use tera::{Context, Tera, Value};

use crate::diagnostics::{Diagnostic, Pos};
use crate::i18n::{self, format_date, format_datetime, format_month};
use crate::markdown::{Rendered, french_spacing};
use crate::model::{Kind, Page, Role};
use crate::output::{OutputFile, SitemapEntry};
use crate::resolve::{PageId, Site};
use crate::theme::Theme;

/// Everything a render needs besides the site.
pub struct RenderInput<'a> {
    pub site: &'a Site,
    pub theme: &'a Theme,
    /// Rendered body of each page, by [`PageId`].
    pub bodies: &'a [std::sync::Arc<Rendered>],
    /// Related pages of each forum, found by the search index.
    pub related: &'a HashMap<PageId, Vec<PageId>>,
    /// Today, for "upcoming" forums.
    pub today: crate::model::Date,
    /// Hash of the config and the theme: when it changes, nothing rendered before is reused.
    pub base: u64,
}

/// Files rendered by a previous build, with the fingerprint of what each was made from,
/// and which outputs read which page (for [`render_changed`]).
#[derive(Default)]
pub struct RenderCache {
    outputs: HashMap<String, (u64, OutputFile)>,
    /// The theme's templates, parsed once (the cache is dropped when the theme changes).
    tera: Option<Tera>,
    /// The outputs of the build that filled the cache.
    jobs: Vec<Job>,
    /// By [`PageId`] of that build: the indexes in `jobs` of the outputs whose fingerprint
    /// read the page's source or rendered body.
    readers: Vec<Vec<u32>>,
}

/// Renders every HTML page; a page whose inputs did not change since the build that
/// filled `cache` is reused, not rendered again. Returns the files, the problems and how
/// many pages were actually rendered.
pub fn render_site(
    input: &RenderInput,
    mut cache: Option<&mut RenderCache>,
    sink: Option<&crate::output::Staging>,
) -> (Vec<OutputFile>, Vec<Diagnostic>, usize) {
    let mut diags = Vec::new();
    let tera = match cache.as_ref().and_then(|c| c.tera.clone()) {
        Some(t) => t,
        None => match build_tera(input.theme) {
            Ok(t) => t,
            Err(d) => return (Vec::new(), d, 0),
        },
    };
    let r = Renderer::new(input, tera);
    let jobs = r.jobs();
    let empty = HashMap::new();
    let previous = cache.as_ref().map_or(&empty, |c| &c.outputs);
    let keep = cache.is_some();
    type JobResult = (
        String,
        u64,
        Vec<PageId>,
        Result<OutputFile, Diagnostic>,
        bool,
    );
    let results: Vec<JobResult> = jobs
        .par_iter()
        .map(|job| {
            let mut reads = Vec::new();
            let (key, fp) = r.fingerprint(job, &mut reads);
            if let Some((old, file)) = previous.get(&key)
                && *old == fp
            {
                // Reused, but a new output folder (`watch`) still needs the file.
                let out = match sink.map(|s| s.write(file)) {
                    Some(Err(e)) => Err(Diagnostic::error(
                        file.path.as_str(),
                        Pos::START,
                        format!("{e:#}"),
                    )),
                    _ => Ok(file.clone()),
                };
                return (key, fp, reads, out, false);
            }
            let out = r.run(job).and_then(|file| match sink {
                // Written at once; a one-shot build then forgets the bytes.
                Some(s) => match s.write(&file) {
                    Ok(()) if keep => Ok(file),
                    Ok(()) => Ok(file.without_bytes()),
                    Err(e) => Err(Diagnostic::error(
                        file.path.as_str(),
                        Pos::START,
                        format!("{e:#}"),
                    )),
                },
                None => Ok(file),
            });
            (key, fp, reads, out, true)
        })
        .collect();
    let mut files = Vec::with_capacity(results.len());
    let mut outputs = HashMap::with_capacity(if keep { results.len() } else { 0 });
    let mut readers: Vec<Vec<u32>> =
        vec![Vec::new(); if keep { input.site.pages.len() } else { 0 }];
    let mut rendered = 0;
    for (j, (key, fp, reads, res, fresh)) in results.into_iter().enumerate() {
        rendered += usize::from(fresh);
        if keep {
            for id in reads {
                if readers[id].last() != Some(&(j as u32)) {
                    readers[id].push(j as u32);
                }
            }
        }
        match res {
            Ok(f) => {
                if keep {
                    outputs.insert(key, (fp, f.clone()));
                }
                files.push(f);
            }
            Err(d) => diags.push(d),
        }
    }
    if let Some(cache) = cache.as_mut() {
        cache.outputs = outputs;
        cache.readers = readers;
        cache.tera = Some(r.tera);
        cache.jobs = jobs;
    }
    (files, diags, rendered)
}

/// After an edit that changed only the bodies of `changed` pages (their front matter, and
/// so the site's structure, are as in the build that filled `cache`): renders again the
/// outputs that read those pages, and only them. Returns the files that differ from the
/// cached ones, the problems of the outputs looked at, and how many were rendered.
pub fn render_changed(
    input: &RenderInput,
    cache: &mut RenderCache,
    changed: &[PageId],
) -> (Vec<OutputFile>, Vec<Diagnostic>, usize) {
    let Some(tera) = cache.tera.clone() else {
        return (Vec::new(), Vec::new(), 0);
    };
    let r = Renderer::new(input, tera);
    let mut affected: Vec<u32> = changed
        .iter()
        .flat_map(|&id| cache.readers.get(id).into_iter().flatten().copied())
        .collect();
    affected.sort_unstable();
    affected.dedup();
    let jobs = &cache.jobs;
    let outputs = &cache.outputs;
    let results: Vec<(String, u64, Result<OutputFile, Diagnostic>)> = affected
        .par_iter()
        .filter_map(|&j| {
            let job = &jobs[j as usize];
            let (key, fp) = r.fingerprint(job, &mut Vec::new());
            if outputs.get(&key).is_some_and(|(old, _)| *old == fp) {
                return None;
            }
            Some((key, fp, r.run(job)))
        })
        .collect();
    let mut files = Vec::new();
    let mut diags = Vec::new();
    let rendered = results.len();
    for (key, fp, res) in results {
        match res {
            Ok(f) => {
                cache.outputs.insert(key, (fp, f.clone()));
                files.push(f);
            }
            Err(d) => diags.push(d),
        }
    }
    (files, diags, rendered)
}

fn build_tera(theme: &Theme) -> Result<Tera, Vec<Diagnostic>> {
    let mut tera = Tera::new();
    tera.autoescape_on(vec![".html", ".xml"]);
    if let Err(e) = tera.add_raw_templates(
        theme
            .templates
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str())),
    ) {
        return Err(vec![
            Diagnostic::error("templates", Pos::START, format!("a template has an error: {e}"))
                .help("fix the template named above; the built-in theme's templates are in themes/default/templates/"),
        ]);
    }
    Ok(tera)
}

/// One output file to render.
enum Job {
    Landing,
    NotFound,
    Page(PageId),
    /// The printable packet of a forum.
    Packet(PageId),
    Home(String),
    Section {
        section: String,
        lang: String,
        page: usize,
    },
    Taxonomy {
        taxonomy: String,
        lang: String,
    },
    Term {
        taxonomy: String,
        term: String,
        lang: String,
        page: usize,
    },
    Search(String),
}

#[derive(Serialize, Clone)]
struct Link {
    title: String,
    url: String,
    lang: String,
    /// Set when the page is in another language than the one being read.
    hreflang: Option<String>,
    summary: String,
    kind: String,
    kind_label: String,
    date: String,
    date_display: String,
    places: Vec<String>,
    populations: Vec<String>,
    when: Option<String>,
}

#[derive(Serialize)]
struct TermLink {
    id: String,
    label: String,
    url: String,
    count: usize,
}

#[derive(Serialize)]
struct TermGroup {
    name: String,
    title: String,
    terms: Vec<TermLink>,
}

#[derive(Serialize)]
struct Crumb {
    title: String,
    url: String,
}

#[derive(Serialize)]
struct SwitchEntry {
    lang: String,
    name: String,
    url: String,
    /// False when the page has no version in `lang`: `url` then leads to that language's home.
    available: bool,
    message: String,
}

#[derive(Serialize)]
struct Notice {
    lang: String,
    text: String,
    link_text: String,
    url: Option<String>,
    hreflang: Option<String>,
}

#[derive(Serialize)]
struct Alternate {
    lang: String,
    url: String,
}

#[derive(Serialize)]
struct Paginator {
    current: usize,
    total: usize,
    prev: Option<String>,
    next: Option<String>,
    pages: Vec<PagerLink>,
}

/// One entry of a pager: a page number, or (`gap`) the elided run between two of them.
#[derive(Serialize)]
struct PagerLink {
    number: usize,
    url: String,
    current: bool,
    gap: bool,
}

/// Page numbers a pager shows either side of the current one; the first and last are
/// always shown. Listing every page would make each listing page as long as the list of
/// pages, and the whole set of listings quadratic in the size of the site.
const PAGER_WINDOW: usize = 2;

/// The page numbers a pager shows, in order, with `None` for each elided run: the first
/// and last pages, and [`PAGER_WINDOW`] pages either side of `current`. A run of one page
/// is shown rather than elided, since "…" would take as much room as the number.
fn pager_numbers(current: usize, total: usize) -> Vec<Option<usize>> {
    let window = current.saturating_sub(PAGER_WINDOW).max(1)..=(current + PAGER_WINDOW).min(total);
    let mut numbers: Vec<usize> = std::iter::once(1)
        .chain(window)
        .chain(std::iter::once(total))
        .collect();
    numbers.dedup();
    let mut shown = Vec::with_capacity(numbers.len() + 2);
    // Sorted and without duplicates: 1 <= the window <= total.
    for n in numbers {
        match shown.last() {
            Some(&Some(last)) if n == last + 2 => shown.push(Some(last + 1)),
            Some(&Some(last)) if n > last + 2 => shown.push(None),
            _ => {}
        }
        shown.push(Some(n));
    }
    shown
}

struct Renderer<'a> {
    input: &'a RenderInput<'a>,
    site: &'a Site,
    tera: Tera,
    /// Per-language shared values: `L` in templates.
    per_lang: HashMap<String, Value>,
    site_value: Value,
    /// Languages whose forum calendar exists (it shows in every page's footer).
    calendars: Vec<bool>,
}

impl<'a> Renderer<'a> {
    fn new(input: &'a RenderInput<'a>, tera: Tera) -> Self {
        let site = input.site;
        let config = &site.config;
        let mut per_lang = HashMap::new();
        let mut calendars = Vec::new();
        for lang in &config.languages {
            let t = input.theme.strings.get(lang).cloned().unwrap_or_default();
            let nav: Vec<serde_json::Value> = config
                .sections
                .iter()
                .map(|s| serde_json::json!({ "name": s.name, "title": s.title.get(lang), "url": site.section_url(&s.name, lang) }))
                .collect();
            let taxonomies: Vec<serde_json::Value> = config
                .taxonomies
                .iter()
                .map(|t| serde_json::json!({ "name": t.name, "title": t.title.get(lang), "url": site.taxonomy_url(&t.name, lang) }))
                .collect();
            // A calendar file exists only when some forum has a date (see feeds::calendars).
            let has_calendar = site
                .newest
                .get(lang)
                .into_iter()
                .flatten()
                .any(|&id| site.pages[id].fm.fields.starts.is_some());
            calendars.push(has_calendar);
            let forum_section = config.section_of_kind(Kind::Forum).filter(|_| has_calendar);
            let value = serde_json::json!({
                "code": lang,
                "name": i18n::native_name(lang),
                "title": typo(lang, config.title.get(lang), config),
                "description": typo(lang, config.description.get(lang), config),
                "home_url": site.home_url(lang),
                "search_url": site.search_url(lang),
                "feed_url": format!("/{lang}/atom.xml"),
                "calendar_url": forum_section.map(|s| format!("/{lang}/{}/calendar.ics", s.slug.get(lang))),
                "nav": nav,
                "taxonomies": taxonomies,
                "t": t,
            });
            per_lang.insert(lang.clone(), Value::from_serializable(&value));
        }
        let site_value = Value::from_serializable(&serde_json::json!({
            "base_url": config.base_url,
            "default_language": config.default_language,
            "languages": config.languages,
            "extra": config.extra,
        }));
        Renderer {
            input,
            site,
            tera,
            per_lang,
            site_value,
            calendars,
        }
    }

    fn jobs(&self) -> Vec<Job> {
        let site = self.site;
        let config = &site.config;
        let mut jobs = vec![Job::Landing, Job::NotFound];
        for (id, p) in site.pages.iter().enumerate() {
            if matches!(p.role, Role::Page { .. }) {
                jobs.push(Job::Page(id));
            }
            if p.kind() == Some(Kind::Forum) {
                jobs.push(Job::Packet(id));
            }
        }
        for lang in &config.languages {
            jobs.push(Job::Home(lang.clone()));
            jobs.push(Job::Search(lang.clone()));
            for s in &config.sections {
                let count = site
                    .section_pages
                    .get(&(s.name.clone(), lang.clone()))
                    .map_or(0, Vec::len);
                for page in 1..=count.div_ceil(s.paginate).max(1) {
                    jobs.push(Job::Section {
                        section: s.name.clone(),
                        lang: lang.clone(),
                        page,
                    });
                }
            }
            for t in &config.taxonomies {
                jobs.push(Job::Taxonomy {
                    taxonomy: t.name.clone(),
                    lang: lang.clone(),
                });
                for term in &t.terms {
                    let count = self.term_ids(&t.name, &term.id, lang).len();
                    for page in 1..=count.div_ceil(TERM_PAGE_SIZE).max(1) {
                        jobs.push(Job::Term {
                            taxonomy: t.name.clone(),
                            term: term.id.clone(),
                            lang: lang.clone(),
                            page,
                        });
                    }
                }
            }
        }
        jobs
    }

    /// The output path of `job` and a hash of everything it reads. Whatever a template can
    /// show must be covered here, or an incremental build would differ from a clean one
    /// (the `incremental` tests compare them byte for byte). The pages whose revision or
    /// rendered body it read are added to `reads`: [`render_changed`] relies on them.
    fn fingerprint(&self, job: &Job, reads: &mut Vec<PageId>) -> (String, u64) {
        let site = self.site;
        let mut h = DefaultHasher::new();
        self.input.base.hash(&mut h);
        self.calendars.hash(&mut h);
        // A card shows the front matter only (see `link`), so an edit of a page's body
        // does not make every listing of the page again.
        let card = |h: &mut DefaultHasher, id: PageId| {
            site.pages[id].outline_hash.hash(h);
            site.urls[id].hash(h);
        };
        let section_ids = |section: &str, lang: &str| -> &[PageId] {
            site.section_pages
                .get(&(section.to_string(), lang.to_string()))
                .map_or(&[], Vec::as_slice)
        };
        let key = match job {
            Job::Landing => "index.html".to_string(),
            Job::NotFound => "404.html".to_string(),
            Job::Search(lang) => url_to_file(&site.search_url(lang)),
            Job::Home(lang) => {
                if let Some(id) = site.page("", lang) {
                    card(&mut h, id);
                    self.input.bodies[id].fingerprint.hash(&mut h);
                    reads.push(id);
                }
                for s in &site.config.sections {
                    if let Some(id) = site.page(&s.name, lang) {
                        card(&mut h, id);
                    }
                    let ids = section_ids(&s.name, lang);
                    ids.len().hash(&mut h);
                    ids.iter().take(3).for_each(|&id| card(&mut h, id));
                }
                self.upcoming_forums(lang)
                    .into_iter()
                    .for_each(|id| card(&mut h, id));
                url_to_file(&site.home_url(lang))
            }
            Job::Section {
                section,
                lang,
                page,
            } => {
                let per_page = site.config.section(section).map_or(20, |s| s.paginate);
                if let Some(id) = site.page(section, lang) {
                    card(&mut h, id);
                    self.input.bodies[id].fingerprint.hash(&mut h);
                    reads.push(id);
                }
                for l in &site.config.languages {
                    section_ids(section, l).len().hash(&mut h);
                }
                let ids = section_ids(section, lang);
                ids.iter()
                    .any(|&id| site.pages[id].fm.fields.starts.is_some())
                    .hash(&mut h);
                ids.iter()
                    .skip((page - 1) * per_page)
                    .take(per_page)
                    .for_each(|&id| card(&mut h, id));
                let base = site.section_url(section, lang);
                url_to_file(&if *page == 1 {
                    base
                } else {
                    format!("{base}page/{page}/")
                })
            }
            Job::Taxonomy { taxonomy, lang } => {
                if let Some(t) = site.config.taxonomy(taxonomy) {
                    t.terms.iter().for_each(|term| {
                        self.term_ids(taxonomy, &term.id, lang).len().hash(&mut h)
                    });
                }
                url_to_file(&site.taxonomy_url(taxonomy, lang))
            }
            Job::Term {
                taxonomy,
                term,
                lang,
                page,
            } => {
                for l in &site.config.languages {
                    self.term_ids(taxonomy, term, l).len().hash(&mut h);
                }
                let ids = self.term_ids(taxonomy, term, lang);
                ids.iter()
                    .skip((page - 1) * TERM_PAGE_SIZE)
                    .take(TERM_PAGE_SIZE)
                    .for_each(|&id| card(&mut h, id));
                let base = site.term_url(taxonomy, term, lang);
                url_to_file(&if *page == 1 {
                    base
                } else {
                    format!("{base}page/{page}/")
                })
            }
            Job::Page(id) | Job::Packet(id) => {
                let p = &site.pages[*id];
                let packet = matches!(job, Job::Packet(_));
                packet.hash(&mut h);
                card(&mut h, *id);
                self.input.bodies[*id].fingerprint.hash(&mut h);
                reads.push(*id);
                for (l, tid) in site.translations(&p.key) {
                    // The source's revision decides whether this translation is stale.
                    (l, &site.urls[tid], site.pages[tid].source_hash).hash(&mut h);
                    reads.push(tid);
                }
                let f = &p.fm.fields;
                for k in f.evidence.iter().chain(&f.cases) {
                    match site.page_or_fallback(&k.value, &p.lang) {
                        Some(rid) => card(&mut h, rid),
                        None => 0u8.hash(&mut h),
                    }
                }
                for key in site.cited_by.get(&p.key).into_iter().flatten() {
                    if let Some(cid) = site.page_or_fallback(key, &p.lang) {
                        card(&mut h, cid);
                    }
                }
                for &rid in self.input.related.get(id).into_iter().flatten() {
                    card(&mut h, rid);
                }
                if packet {
                    // The packet lists what was drawn from each case.
                    for k in &f.cases {
                        let Some(cid) = site.page_or_fallback(&k.value, &p.lang) else {
                            continue;
                        };
                        for key in site
                            .cited_by
                            .get(&site.pages[cid].key)
                            .into_iter()
                            .flatten()
                        {
                            if let Some(rid) = site.page_or_fallback(key, &p.lang) {
                                card(&mut h, rid);
                            }
                        }
                    }
                    url_to_file(&format!("{}packet/", site.urls[*id]))
                } else {
                    url_to_file(&site.urls[*id])
                }
            }
        };
        (key, h.finish())
    }

    fn term_ids(&self, taxonomy: &str, term: &str, lang: &str) -> &[PageId] {
        self.site
            .term_pages
            .get(&(taxonomy.to_string(), term.to_string(), lang.to_string()))
            .map_or(&[], Vec::as_slice)
    }

    fn run(&self, job: &Job) -> Result<OutputFile, Diagnostic> {
        match job {
            Job::Landing => self.landing(),
            Job::NotFound => self.not_found(),
            Job::Page(id) => self.page(*id, false),
            Job::Packet(id) => self.page(*id, true),
            Job::Home(lang) => self.home(lang),
            Job::Search(lang) => self.search(lang),
            Job::Section {
                section,
                lang,
                page,
            } => self.section(section, lang, *page),
            Job::Taxonomy { taxonomy, lang } => self.taxonomy(taxonomy, lang),
            Job::Term {
                taxonomy,
                term,
                lang,
                page,
            } => self.term(taxonomy, term, lang, *page),
        }
    }

    /// The context every page template gets.
    fn base_context(&self, lang: &str, url: &str, title: &str, description: &str) -> Context {
        let mut ctx = Context::new();
        ctx.insert("lang", lang);
        ctx.insert_value(
            "L",
            self.per_lang.get(lang).cloned().unwrap_or_else(Value::none),
        );
        ctx.insert_value("site", self.site_value.clone());
        ctx.insert("path", url);
        ctx.insert("canonical", &self.site.absolute(url));
        ctx.insert("doc_title", title);
        ctx.insert("description", description);
        ctx.insert("notices", &Vec::<Notice>::new());
        ctx
    }

    /// What a reader should know about this version of a page: a translation that may be
    /// behind its source, or versions that do not exist. Each notice is written in the
    /// language of the reader it is for.
    fn notices(&self, id: PageId) -> Vec<Notice> {
        let site = self.site;
        let p = &site.pages[id];
        let mut notices = Vec::new();
        if let crate::resolve::TranslationStatus::Stale { source } = site.translation_status(id) {
            let from = &site.pages[source].lang;
            notices.push(Notice {
                lang: p.lang.clone(),
                text: self.t(&p.lang, &format!("stale_from_{from}")),
                link_text: self.t(&p.lang, &format!("read_in_{from}")),
                url: Some(site.urls[source].clone()),
                hreflang: Some(from.clone()),
            });
        }
        for other in &site.config.languages {
            if site.page(&p.key, other).is_none() {
                // Said to this page's reader, and to the reader who wanted the other
                // language, in that language.
                notices.push(Notice {
                    lang: p.lang.clone(),
                    text: self.t(&p.lang, &format!("only_in_{}", p.lang)),
                    link_text: String::new(),
                    url: None,
                    hreflang: None,
                });
                notices.push(Notice {
                    lang: other.clone(),
                    text: self.t(other, &format!("only_in_{}", p.lang)),
                    link_text: String::new(),
                    url: None,
                    hreflang: None,
                });
            }
        }
        notices
    }

    fn write(
        &self,
        template: &str,
        ctx: &Context,
        url: &str,
        versions: &[(String, String)],
        lastmod: Option<String>,
    ) -> Result<OutputFile, Diagnostic> {
        let html = self.tera.render(template, ctx).map_err(|e| {
            Diagnostic::error(
                format!("templates/{template}"),
                Pos::START,
                format!("the template failed for {url}: {e}"),
            )
            .help("fix the template, or remove your override to use the built-in one")
        })?;
        let mut file = OutputFile::new(url_to_file(url), html.into_bytes());
        file.sitemap = Some(SitemapEntry {
            url: self.site.absolute(url),
            lastmod,
            alternates: versions
                .iter()
                .map(|(l, u)| (l.clone(), self.site.absolute(u)))
                .collect(),
        });
        Ok(file)
    }

    /// The language switch and hreflang alternates for a page whose versions are `versions`.
    fn switch(
        &self,
        lang: &str,
        versions: &[(String, String)],
    ) -> (Vec<SwitchEntry>, Vec<Alternate>) {
        let t = self.input.theme.strings.get(lang);
        let mut entries = Vec::new();
        for other in &self.site.config.languages {
            if other == lang {
                continue;
            }
            let theirs = self.input.theme.strings.get(other);
            match versions.iter().find(|(l, _)| l == other) {
                Some((_, url)) => entries.push(SwitchEntry {
                    lang: other.clone(),
                    name: i18n::native_name(other).to_string(),
                    url: url.clone(),
                    available: true,
                    message: String::new(),
                }),
                None => entries.push(SwitchEntry {
                    lang: other.clone(),
                    name: i18n::native_name(other).to_string(),
                    url: self.site.home_url(other),
                    available: false,
                    // Said in the other language, to the reader who wanted it.
                    message: theirs
                        .and_then(|s| s.get("no_translation"))
                        .cloned()
                        .unwrap_or_default(),
                }),
            }
        }
        let _ = t;
        let alternates = versions
            .iter()
            .map(|(l, url)| Alternate {
                lang: l.clone(),
                url: self.site.absolute(url),
            })
            .collect();
        (entries, alternates)
    }

    /// Versions of a generated page that exists in every language (listings, home...).
    fn all_languages(&self, url_of: impl Fn(&str) -> String) -> Vec<(String, String)> {
        self.site
            .config
            .languages
            .iter()
            .map(|l| (l.clone(), url_of(l)))
            .collect()
    }

    fn link(&self, id: PageId, reader: &str) -> Link {
        let site = self.site;
        let p = &site.pages[id];
        let lang = &p.lang;
        let labels = |tax: &str| -> Vec<String> {
            let Some(t) = site.config.taxonomy(tax) else {
                return Vec::new();
            };
            p.fm.taxonomies
                .get(tax)
                .into_iter()
                .flatten()
                .filter_map(|term| t.term(&term.value).map(|x| x.label.get(reader).to_string()))
                .collect()
        };
        let kind = p.kind();
        Link {
            title: typo(lang, &p.fm.title, &site.config),
            url: site.urls[id].clone(),
            lang: lang.clone(),
            hreflang: (lang != reader).then(|| lang.clone()),
            summary: typo(lang, &p.fm.summary, &site.config),
            kind: kind.map_or("", Kind::as_str).to_string(),
            kind_label: kind
                .map(|k| self.t(reader, &format!("kind_{}", k.as_str().replace('-', "_"))))
                .unwrap_or_default(),
            date: p.fm.date.map(|d| d.to_string()).unwrap_or_default(),
            date_display: p
                .fm
                .date
                .map(|d| format_date(d, reader))
                .unwrap_or_default(),
            places: labels("cities"),
            populations: labels("populations"),
            when: p.fm.fields.starts.map(|s| format_datetime(&s, reader)),
        }
    }

    fn t(&self, lang: &str, key: &str) -> String {
        self.input
            .theme
            .strings
            .get(lang)
            .and_then(|s| s.get(key))
            .cloned()
            .unwrap_or_else(|| key.to_string())
    }

    fn landing(&self) -> Result<OutputFile, Diagnostic> {
        let config = &self.site.config;
        let lang = config.default_language.as_str();
        let languages: Vec<serde_json::Value> = config
            .languages
            .iter()
            .map(|l| {
                serde_json::json!({
                    "code": l,
                    "name": i18n::native_name(l),
                    "title": typo(l, config.title.get(l), config),
                    "description": typo(l, config.description.get(l), config),
                    "url": self.site.home_url(l),
                    "enter": self.t(l, "landing_enter"),
                })
            })
            .collect();
        let title = config
            .languages
            .iter()
            .map(|l| config.title.get(l))
            .collect::<Vec<_>>()
            .join(" | ");
        let mut ctx = self.base_context(lang, "/", &title, config.description.get(lang));
        ctx.insert("languages", &languages);
        let homes = self.all_languages(|l| self.site.home_url(l));
        let (_, alternates) = self.switch(lang, &homes);
        ctx.insert("alternates", &alternates);
        ctx.insert("switch", &Vec::<SwitchEntry>::new());
        ctx.insert("breadcrumbs", &Vec::<Crumb>::new());
        self.write("landing.html", &ctx, "/", &[], None)
    }

    fn not_found(&self) -> Result<OutputFile, Diagnostic> {
        let config = &self.site.config;
        let lang = config.default_language.as_str();
        let languages: Vec<serde_json::Value> = config
            .languages
            .iter()
            .map(|l| {
                serde_json::json!({
                    "code": l,
                    "title": self.t(l, "not_found_title"),
                    "text": self.t(l, "not_found_text"),
                    "home": self.t(l, "not_found_home"),
                    "search": self.t(l, "search"),
                    "home_url": self.site.home_url(l),
                    "search_url": self.site.search_url(l),
                })
            })
            .collect();
        let mut ctx = self.base_context(lang, "/404.html", &self.t(lang, "not_found_title"), "");
        ctx.insert("languages", &languages);
        ctx.insert("alternates", &Vec::<Alternate>::new());
        ctx.insert("switch", &Vec::<SwitchEntry>::new());
        ctx.insert("breadcrumbs", &Vec::<Crumb>::new());
        let html = self.tera.render("404.html", &ctx).map_err(|e| {
            Diagnostic::error(
                "templates/404.html",
                Pos::START,
                format!("the template failed: {e}"),
            )
        })?;
        Ok(OutputFile::new("404.html".into(), html.into_bytes()))
    }

    fn home(&self, lang: &str) -> Result<OutputFile, Diagnostic> {
        let site = self.site;
        let config = &site.config;
        let url = site.home_url(lang);
        let home = site.page("", lang);
        let title = home.map_or_else(
            || config.title.get(lang).to_string(),
            |id| site.pages[id].fm.title.clone(),
        );
        let content = home
            .map(|id| self.input.bodies[id].html.clone())
            .unwrap_or_default();
        let sections: Vec<serde_json::Value> = config
            .sections
            .iter()
            .map(|s| {
                let ids = site.section_pages.get(&(s.name.clone(), lang.to_string())).map_or(&[][..], Vec::as_slice);
                let recent: Vec<Link> = ids.iter().take(3).map(|&id| self.link(id, lang)).collect();
                let intro = site.page(&s.name, lang).map(|id| typo(lang, &site.pages[id].fm.summary, config)).unwrap_or_default();
                serde_json::json!({ "name": s.name, "title": s.title.get(lang), "url": site.section_url(&s.name, lang), "count": ids.len(), "recent": recent, "summary": intro })
            })
            .collect();
        let upcoming: Vec<Link> = self
            .upcoming_forums(lang)
            .into_iter()
            .map(|id| self.link(id, lang))
            .collect();
        let mut ctx = self.base_context(
            lang,
            &url,
            &typo(lang, &title, config),
            config.description.get(lang),
        );
        ctx.insert("title", &typo(lang, &title, config));
        ctx.insert("content", &content);
        ctx.insert("sections", &sections);
        ctx.insert("upcoming", &upcoming);
        let versions = self.all_languages(|l| site.home_url(l));
        self.insert_nav(&mut ctx, lang, &versions, Vec::new());
        self.write("home.html", &ctx, &url, &versions, None)
    }

    /// Forums of `lang` that have not started yet, soonest first.
    fn upcoming_forums(&self, lang: &str) -> Vec<PageId> {
        let today = self.input.today;
        let mut ids: Vec<PageId> = self
            .site
            .newest
            .get(lang)
            .into_iter()
            .flatten()
            .copied()
            .filter(|&id| {
                let p = &self.site.pages[id];
                p.kind() == Some(Kind::Forum) && p.fm.fields.starts.is_some_and(|s| s.date >= today)
            })
            .collect();
        ids.sort_by_key(|&id| self.site.pages[id].fm.fields.starts.map(|s| s.timestamp()));
        ids
    }

    fn insert_nav(
        &self,
        ctx: &mut Context,
        lang: &str,
        versions: &[(String, String)],
        breadcrumbs: Vec<Crumb>,
    ) {
        let (switch, alternates) = self.switch(lang, versions);
        ctx.insert("switch", &switch);
        ctx.insert("alternates", &alternates);
        ctx.insert("breadcrumbs", &breadcrumbs);
    }

    fn home_crumb(&self, lang: &str) -> Crumb {
        Crumb {
            title: self.t(lang, "home"),
            url: self.site.home_url(lang),
        }
    }

    fn search(&self, lang: &str) -> Result<OutputFile, Diagnostic> {
        let url = self.site.search_url(lang);
        let title = self.t(lang, "search");
        let mut ctx = self.base_context(lang, &url, &title, &self.t(lang, "search_description"));
        ctx.insert("title", &title);
        // Labels of every facet term, and of each filter group, for search.js.
        let config = &self.site.config;
        let mut labels = serde_json::Map::new();
        let mut groups = vec![
            serde_json::json!({ "name": "kind", "title": self.t(lang, "search_kind") }),
            serde_json::json!({ "name": "lang", "title": self.t(lang, "search_lang") }),
        ];
        for kind in Kind::ALL {
            let label = self.t(lang, &format!("kind_{}", kind.as_str().replace('-', "_")));
            labels.insert(format!("kind/{}", kind.as_str()), label.into());
        }
        for l in &config.languages {
            labels.insert(format!("lang/{l}"), i18n::native_name(l).into());
        }
        for t in &config.taxonomies {
            groups.push(serde_json::json!({ "name": t.name, "title": t.title.get(lang) }));
            for term in &t.terms {
                labels.insert(
                    format!("{}/{}", t.name, term.id),
                    term.label.get(lang).into(),
                );
            }
        }
        ctx.insert("search_groups", &groups);
        ctx.insert(
            "search_labels_json",
            &script_json(&serde_json::Value::Object(labels)),
        );
        let crumbs = vec![self.home_crumb(lang)];
        let versions = self.all_languages(|l| self.site.search_url(l));
        self.insert_nav(&mut ctx, lang, &versions, crumbs);
        self.write("search.html", &ctx, &url, &versions, None)
    }

    fn paginate(
        &self,
        base: &str,
        total_items: usize,
        per_page: usize,
        current: usize,
    ) -> (Paginator, String) {
        let total = total_items.div_ceil(per_page).max(1);
        let url_of = |n: usize| {
            if n == 1 {
                base.to_string()
            } else {
                format!("{base}page/{n}/")
            }
        };
        let paginator = Paginator {
            current,
            total,
            prev: (current > 1).then(|| url_of(current - 1)),
            next: (current < total).then(|| url_of(current + 1)),
            pages: pager_numbers(current, total)
                .into_iter()
                .map(|n| match n {
                    Some(n) => PagerLink {
                        number: n,
                        url: url_of(n),
                        current: n == current,
                        gap: false,
                    },
                    None => PagerLink {
                        number: 0,
                        url: String::new(),
                        current: false,
                        gap: true,
                    },
                })
                .collect(),
        };
        (paginator, url_of(current))
    }

    fn section(&self, section: &str, lang: &str, page: usize) -> Result<OutputFile, Diagnostic> {
        let site = self.site;
        let config = &site.config;
        let Some(s) = config.section(section) else {
            return Err(Diagnostic::error(
                "site.toml",
                Pos::START,
                format!("unknown section {section}"),
            ));
        };
        let ids = site
            .section_pages
            .get(&(section.to_string(), lang.to_string()))
            .map_or(&[][..], Vec::as_slice);
        let base = site.section_url(section, lang);
        let (paginator, url) = self.paginate(&base, ids.len(), s.paginate, page);
        let pages: Vec<Link> = ids
            .iter()
            .skip((page - 1) * s.paginate)
            .take(s.paginate)
            .map(|&id| self.link(id, lang))
            .collect();
        let index = site.page(section, lang);
        let content = index
            .map(|id| self.input.bodies[id].html.clone())
            .unwrap_or_default();
        let title = index.map_or_else(
            || s.title.get(lang).to_string(),
            |id| site.pages[id].fm.title.clone(),
        );
        let summary = index
            .map(|id| site.pages[id].fm.summary.clone())
            .unwrap_or_default();
        let mut doc_title = typo(lang, &title, config);
        if page > 1 {
            doc_title = format!("{doc_title} ({} {page})", self.t(lang, "page"));
        }
        let mut ctx = self.base_context(lang, &url, &doc_title, &summary);
        ctx.insert("title", &typo(lang, &title, config));
        ctx.insert("kind", s.kind.as_str());
        ctx.insert("content", if page == 1 { content.as_str() } else { "" });
        ctx.insert("pages", &pages);
        ctx.insert("paginator", &paginator);
        let has_calendar = ids
            .iter()
            .any(|&id| site.pages[id].fm.fields.starts.is_some());
        ctx.insert(
            "calendar_url",
            &(s.kind == Kind::Forum && has_calendar).then(|| format!("{base}calendar.ics")),
        );
        let versions = self.all_languages(|l| {
            // The other language's listing may have fewer pages; its first page always exists.
            let count = site
                .section_pages
                .get(&(section.to_string(), l.to_string()))
                .map_or(0, Vec::len);
            let other = site.section_url(section, l);
            if page <= count.div_ceil(s.paginate).max(1) && page > 1 {
                format!("{other}page/{page}/")
            } else {
                other
            }
        });
        self.insert_nav(&mut ctx, lang, &versions, vec![self.home_crumb(lang)]);
        self.write("section.html", &ctx, &url, &versions, None)
    }

    fn taxonomy(&self, taxonomy: &str, lang: &str) -> Result<OutputFile, Diagnostic> {
        let site = self.site;
        let Some(t) = site.config.taxonomy(taxonomy) else {
            return Err(Diagnostic::error(
                "site.toml",
                Pos::START,
                format!("unknown taxonomy {taxonomy}"),
            ));
        };
        let url = site.taxonomy_url(taxonomy, lang);
        let terms: Vec<TermLink> = t
            .terms
            .iter()
            .map(|term| TermLink {
                id: term.id.clone(),
                label: term.label.get(lang).to_string(),
                url: site.term_url(taxonomy, &term.id, lang),
                count: self.term_ids(taxonomy, &term.id, lang).len(),
            })
            .collect();
        let title = t.title.get(lang);
        let mut ctx = self.base_context(lang, &url, title, "");
        ctx.insert("title", title);
        ctx.insert("terms", &terms);
        ctx.insert(
            "taxonomy",
            &serde_json::json!({ "name": t.name, "title": title, "url": url }),
        );
        let versions = self.all_languages(|l| site.taxonomy_url(taxonomy, l));
        self.insert_nav(&mut ctx, lang, &versions, vec![self.home_crumb(lang)]);
        self.write("taxonomy.html", &ctx, &url, &versions, None)
    }

    fn term(
        &self,
        taxonomy: &str,
        term: &str,
        lang: &str,
        page: usize,
    ) -> Result<OutputFile, Diagnostic> {
        let site = self.site;
        let Some(t) = site.config.taxonomy(taxonomy) else {
            return Err(Diagnostic::error(
                "site.toml",
                Pos::START,
                format!("unknown taxonomy {taxonomy}"),
            ));
        };
        let label = t.term(term).map_or(term, |x| x.label.get(lang));
        let ids = self.term_ids(taxonomy, term, lang);
        let base = site.term_url(taxonomy, term, lang);
        let (paginator, url) = self.paginate(&base, ids.len(), TERM_PAGE_SIZE, page);
        let pages: Vec<Link> = ids
            .iter()
            .skip((page - 1) * TERM_PAGE_SIZE)
            .take(TERM_PAGE_SIZE)
            .map(|&id| self.link(id, lang))
            .collect();
        let doc_title = format!("{label} · {}", t.title.get(lang));
        let mut ctx = self.base_context(lang, &url, &doc_title, "");
        ctx.insert("title", label);
        ctx.insert("pages", &pages);
        ctx.insert("paginator", &paginator);
        ctx.insert("taxonomy", &serde_json::json!({ "name": t.name, "title": t.title.get(lang), "url": site.taxonomy_url(taxonomy, lang) }));
        let versions = self.all_languages(|l| {
            let other = site.term_url(taxonomy, term, l);
            let count = self.term_ids(taxonomy, term, l).len();
            if page > 1 && page <= count.div_ceil(TERM_PAGE_SIZE) {
                format!("{other}page/{page}/")
            } else {
                other
            }
        });
        let crumbs = vec![
            self.home_crumb(lang),
            Crumb {
                title: t.title.get(lang).to_string(),
                url: site.taxonomy_url(taxonomy, lang),
            },
        ];
        self.insert_nav(&mut ctx, lang, &versions, crumbs);
        self.write("term.html", &ctx, &url, &versions, None)
    }

    #[allow(clippy::too_many_lines)]
    /// A content page, or (`packet`) the printable packet of a forum.
    fn page(&self, id: PageId, packet: bool) -> Result<OutputFile, Diagnostic> {
        let site = self.site;
        let config = &site.config;
        let p: &Page = &site.pages[id];
        let lang = p.lang.as_str();
        let url = &site.urls[id];
        let Some(kind) = p.kind() else {
            return Err(Diagnostic::error(&p.path, Pos::START, "not a content page"));
        };
        let body = &self.input.bodies[id];
        let title = typo(lang, &p.fm.title, config);
        let summary = typo(lang, &p.fm.summary, config);

        let term_groups: Vec<TermGroup> = config
            .taxonomies
            .iter()
            .filter_map(|t| {
                let terms = p.fm.taxonomies.get(&t.name)?;
                let links: Vec<TermLink> = terms
                    .iter()
                    .filter_map(|term| t.term(&term.value))
                    .map(|term| TermLink {
                        id: term.id.clone(),
                        label: term.label.get(lang).to_string(),
                        url: site.term_url(&t.name, &term.id, lang),
                        count: 0,
                    })
                    .collect();
                (!links.is_empty()).then(|| TermGroup {
                    name: t.name.clone(),
                    title: t.title.get(lang).to_string(),
                    terms: links,
                })
            })
            .collect();
        let term_label = |tax: &str, id: &str| -> Option<(String, String)> {
            let t = config.taxonomy(tax)?;
            let term = t.term(id)?;
            Some((
                term.label.get(lang).to_string(),
                site.term_url(tax, id, lang),
            ))
        };
        let f = &p.fm.fields;
        let refs = |keys: &[crate::model::Located<String>]| -> Vec<Link> {
            keys.iter()
                .filter_map(|k| site.page_or_fallback(&k.value, lang))
                .map(|rid| self.link(rid, lang))
                .collect()
        };
        let mut cited: HashMap<&str, Vec<Link>> = HashMap::new();
        for key in site.cited_by.get(&p.key).into_iter().flatten() {
            if let Some(cid) = site.page_or_fallback(key, lang) {
                let kind = site.pages[cid].kind().map_or("page", Kind::as_str);
                cited.entry(kind).or_default().push(self.link(cid, lang));
            }
        }
        let cases: Vec<serde_json::Value> = f
            .cases
            .iter()
            .filter_map(|k| site.page_or_fallback(&k.value, lang))
            .map(|cid| {
                let case = &site.pages[cid];
                serde_json::json!({
                    "link": self.link(cid, lang),
                    "partners": case.fm.fields.partners.iter().map(|x| x.name.clone()).collect::<Vec<_>>(),
                    "period": case.fm.fields.period.as_ref().map(|per| self.period_display(per, is_ended(case), lang)),
                })
            })
            .collect();
        let related: Vec<Link> = self
            .input
            .related
            .get(&id)
            .into_iter()
            .flatten()
            .map(|&rid| self.link(rid, lang))
            .collect();
        let status = f.status.as_ref().map(|s| {
            serde_json::json!({ "id": s.value, "label": self.t(lang, &format!("status_{}", s.value.replace('-', "_"))) })
        });
        let forum = (kind == Kind::Forum).then(|| {
            let location = f.location.as_ref().map(|l| {
                let city = l.city.as_ref().and_then(|c| term_label("cities", &c.value));
                serde_json::json!({
                    "name": l.name,
                    "city": city.as_ref().map(|c| &c.0),
                    "city_url": city.as_ref().map(|c| &c.1),
                })
            });
            serde_json::json!({
                "starts": f.starts.map(|s| s.to_rfc3339()),
                "starts_display": f.starts.map(|s| format_datetime(&s, lang)),
                "ends": f.ends.map(|s| s.to_rfc3339()),
                "ends_display": f.ends.map(|s| format_datetime(&s, lang)),
                "online": f.online,
                "location": location,
                "languages": f.languages.iter().map(|l| i18n::language_name_in(&l.value, lang)).collect::<Vec<_>>(),
                "questions": f.questions.iter().map(|q| typo(lang, q, config)).collect::<Vec<_>>(),
                "registration": f.registration,
                "upcoming": f.starts.is_some_and(|s| s.date >= self.input.today),
                "ics_url": format!("{url}event.ics"),
            })
        });
        let view = serde_json::json!({
            "key": p.key,
            "kind": kind.as_str(),
            "kind_label": self.t(lang, &format!("kind_{}", kind.as_str().replace('-', "_"))),
            "title": title,
            "summary": summary,
            "content": body.html,
            "date": p.fm.date.map(|d| d.to_string()),
            "date_display": p.fm.date.map(|d| format_date(d, lang)),
            "updated": p.fm.updated.map(|d| d.to_string()),
            "updated_display": p.fm.updated.map(|d| format_date(d, lang)),
            "authors": p.fm.authors,
            "url": url,
            "terms": term_groups,
            "period": f.period.as_ref().map(|per| self.period_display(per, is_ended(p), lang)),
            "partners": f.partners.iter().map(|x| {
                let sector = x.sector.as_ref().map(|s| term_label("sectors", &s.value).unwrap_or_else(|| (s.value.clone(), String::new())));
                serde_json::json!({ "name": x.name, "sector": sector.as_ref().map(|s| &s.0), "sector_url": sector.as_ref().map(|s| &s.1).filter(|u| !u.is_empty()) })
            }).collect::<Vec<_>>(),
            "sources": f.sources.iter().map(|s| serde_json::json!({ "title": s.title, "url": s.url, "year": s.year })).collect::<Vec<_>>(),
            "status": status,
            "issued_by": f.issued_by,
            "evidence": refs(&f.evidence),
            "cited_by": {
                "lessons": cited.remove("lesson").unwrap_or_default(),
                "recommendations": cited.remove("recommendation").unwrap_or_default(),
                "forums": cited.remove("forum").unwrap_or_default(),
            },
            "cases": cases,
            "related": related,
            "forum": forum,
            "extra": p.fm.extra,
        });
        let mut ctx = self.base_context(lang, url, &title, &summary);
        ctx.insert("page", &view);
        ctx.insert("notices", &self.notices(id));
        let mut versions: Vec<(String, String)> = site
            .translations(&p.key)
            .map(|(l, tid)| (l.to_string(), site.urls[tid].clone()))
            .collect();
        let mut crumbs = vec![self.home_crumb(lang)];
        if let Role::Page {
            section: Some(section),
            ..
        } = &p.role
            && let Some(s) = config.section(section)
        {
            crumbs.push(Crumb {
                title: s.title.get(lang).to_string(),
                url: site.section_url(section, lang),
            });
        }
        let lastmod = p.fm.updated.max(p.fm.date).map(|d| d.to_string());
        if packet {
            crumbs.push(Crumb {
                title: title.clone(),
                url: url.clone(),
            });
            for v in &mut versions {
                v.1.push_str("packet/");
            }
            let packet_url = format!("{url}packet/");
            ctx.insert("packet", &self.packet_view(id));
            ctx.insert("path", &packet_url);
            ctx.insert("canonical", &site.absolute(&packet_url));
            ctx.insert(
                "doc_title",
                &format!("{} · {title}", self.t(lang, "packet")),
            );
            self.insert_nav(&mut ctx, lang, &versions, crumbs);
            return self.write("packet.html", &ctx, &packet_url, &versions, lastmod);
        }
        self.insert_nav(&mut ctx, lang, &versions, crumbs);
        self.write(
            &format!("{}.html", kind.as_str()),
            &ctx,
            url,
            &versions,
            lastmod,
        )
    }

    /// What a printed forum packet adds to the forum page: the QR code of the page, and for
    /// each case, what was drawn from it.
    fn packet_view(&self, id: PageId) -> serde_json::Value {
        let site = self.site;
        let p = &site.pages[id];
        let lang = p.lang.as_str();
        let page_url = site.absolute(&site.urls[id]);
        let qr = crate::qr::svg(
            &page_url,
            &format!(
                "{}{}{page_url}",
                self.t(lang, "qr_label"),
                self.t(lang, "colon")
            ),
        );
        let cases: Vec<serde_json::Value> = p
            .fm
            .fields
            .cases
            .iter()
            .filter_map(|k| site.page_or_fallback(&k.value, lang))
            .map(|cid| {
                let case = &site.pages[cid];
                let mut lessons = Vec::new();
                let mut recommendations = Vec::new();
                for key in site.cited_by.get(&case.key).into_iter().flatten() {
                    if let Some(rid) = site.page_or_fallback(key, lang) {
                        match site.pages[rid].kind() {
                            Some(Kind::Lesson) => lessons.push(self.link(rid, lang)),
                            Some(Kind::Recommendation) => recommendations.push(self.link(rid, lang)),
                            _ => {}
                        }
                    }
                }
                let sector_label = |s: &crate::model::Located<String>| {
                    site.config
                        .taxonomy("sectors")
                        .and_then(|t| t.term(&s.value))
                        .map_or_else(|| s.value.clone(), |t| t.label.get(lang).to_string())
                };
                serde_json::json!({
                    "link": self.link(cid, lang),
                    "partners": case.fm.fields.partners.iter().map(|x| serde_json::json!({
                        "name": x.name,
                        "sector": x.sector.as_ref().map(sector_label),
                    })).collect::<Vec<_>>(),
                    "period": case.fm.fields.period.as_ref().map(|per| self.period_display(per, is_ended(case), lang)),
                    "lessons": lessons,
                    "recommendations": recommendations,
                })
            })
            .collect();
        serde_json::json!({ "qr": qr, "page_url": page_url, "cases": cases })
    }

    fn period_display(
        &self,
        period: &crate::model::Period,
        ended: bool,
        lang: &str,
    ) -> serde_json::Value {
        let start = format_month(period.start, lang);
        let end = period.end.map(|e| format_month(e, lang));
        let display = match &end {
            Some(e) => format!("{start} – {e}"),
            // An ended initiative with no known end date did not run "since" its start.
            None if ended => format!("{} {start}", self.t(lang, "period_from")),
            None => format!("{} {start}", self.t(lang, "period_since")),
        };
        serde_json::json!({ "start": period.start.to_string(), "end": period.end.map(|e| e.to_string()), "display": display })
    }
}

const TERM_PAGE_SIZE: usize = 20;

fn is_ended(p: &Page) -> bool {
    p.fm.fields
        .status
        .as_ref()
        .is_some_and(|s| s.value == "ended")
}

/// French typography for front-matter text on French pages (Markdown gets it in markdown.rs).
fn typo(lang: &str, text: &str, config: &crate::config::SiteConfig) -> String {
    if lang == "fr" && config.french_typography {
        french_spacing(text)
    } else {
        text.to_string()
    }
}

/// JSON to put inside `<script type="application/json">`: `<`, `>` and `&` escaped, so no
/// label can close the script element.
fn script_json(value: &serde_json::Value) -> String {
    serde_json::to_string(value)
        .unwrap_or_default()
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
}

/// `/en/x/` → `en/x/index.html`.
pub fn url_to_file(url: &str) -> String {
    let trimmed = url.trim_start_matches('/');
    if trimmed.is_empty() {
        "index.html".to_string()
    } else if trimmed.ends_with('/') {
        format!("{trimmed}index.html")
    } else {
        trimmed.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::pager_numbers;

    fn shown(current: usize, total: usize) -> String {
        pager_numbers(current, total)
            .iter()
            .map(|n| n.map_or("…".to_string(), |n| n.to_string()))
            .collect::<Vec<_>>()
            .join(" ")
    }

    #[test]
    fn a_pager_shows_the_ends_and_a_window_around_the_current_page() {
        assert_eq!(shown(1, 1), "1");
        assert_eq!(shown(1, 2), "1 2");
        assert_eq!(shown(1, 7), "1 2 3 … 7");
        assert_eq!(shown(4, 7), "1 2 3 4 5 6 7");
        assert_eq!(shown(5, 10), "1 2 3 4 5 6 7 … 10");
        assert_eq!(shown(50, 700), "1 … 48 49 50 51 52 … 700");
        assert_eq!(shown(700, 700), "1 … 698 699 700");
    }

    #[test]
    fn a_pager_elides_no_single_page() {
        // 1 … 3 would hide only page 2: showing it takes no more room.
        assert_eq!(shown(5, 5), "1 2 3 4 5");
        assert_eq!(shown(6, 6), "1 … 4 5 6");
    }
}
