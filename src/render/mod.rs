//! Render: the read-only `Site` and the rendered Markdown → HTML files, in parallel.
//!
//! Tera 2 gets the theme's templates once. Per-language data (site title, menu, UI
//! strings) is built once as tera values, the globals `L` and `site`, shared by every
//! page. Each output gets a typed view ([`views`]), which is both what its template reads
//! and what decides whether a kept output is still good: a build that keeps a cache (serve,
//! watch) hashes each view and renders again only the outputs whose view changed.

pub mod views;

use std::collections::HashMap;
use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};
use std::sync::{Arc, OnceLock};

use rayon::prelude::*;
use tera::{Context, Tera, Value};

use crate::diagnostics::{Diagnostic, Pos};
use crate::i18n;
use crate::markdown::{Rendered, french_spacing};
use crate::model::{Kind, Role};
use crate::output::{OutputFile, SitemapEntry};
use crate::resolve::{PageId, Site};
use crate::theme::Theme;
use views::{Job, Link, Output, Views};

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
    /// Counts the outputs made, for a progress line.
    pub progress: Option<&'a crate::progress::Progress>,
}

/// Files rendered by a previous build, with the hash of the view each was made from, and
/// which outputs read which page (for [`render_changed`]).
#[derive(Default)]
pub struct RenderCache {
    outputs: HashMap<String, (u64, OutputFile)>,
    /// The theme's templates, parsed once (the cache is dropped when the theme changes).
    tera: Option<Tera>,
    /// The outputs of the build that filled the cache.
    jobs: Vec<Job>,
    /// By [`PageId`] of that build: the indexes in `jobs` of the outputs whose view read
    /// the page's text (see [`views::Views`]).
    readers: Vec<Vec<u32>>,
}

/// What one job gave.
struct Made {
    /// Output path and view hash; `None` when the view could not be built.
    key: Option<(String, u64)>,
    reads: Vec<PageId>,
    file: Result<OutputFile, Diagnostic>,
    /// Rendered now, not reused.
    fresh: bool,
}

/// Renders every HTML page; with a `cache`, a page whose view did not change since the
/// build that filled it is reused, not rendered again. Returns the files, the problems
/// and how many pages were actually rendered.
/// `Err` only when a file cannot be written: an I/O failure, not an author's mistake.
pub fn render_site(
    input: &RenderInput,
    cache: Option<&mut RenderCache>,
    sink: Option<&crate::output::Staging>,
) -> anyhow::Result<(Vec<OutputFile>, Vec<Diagnostic>, usize)> {
    let tera = match cache.as_ref().and_then(|c| c.tera.clone()) {
        Some(t) => t,
        None => match parse_templates(input.theme) {
            Ok(t) => t.0,
            Err(d) => return Ok((Vec::new(), d, 0)),
        },
    };
    render_jobs(input, tera, cache, sink, |_| true)
}

/// A part of the site's outputs, for a build that keeps nothing ([`render_part`]); the
/// rest, each content page's own outputs, are written by a [`PageWriter`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    /// The outputs that list pages (home pages, sections, taxonomies and their terms),
    /// and the landing, search and not-found pages.
    Listings,
    /// The outputs that list related pages, found by the search index (a forum's page
    /// and its packet).
    Related,
}

/// [`render_site`] for the outputs of `part` only, with templates already parsed and
/// keeping nothing.
pub fn render_part(
    input: &RenderInput,
    templates: &Templates,
    sink: Option<&crate::output::Staging>,
    part: Part,
) -> anyhow::Result<(Vec<OutputFile>, Vec<Diagnostic>, usize)> {
    let site = input.site;
    render_jobs(input, templates.0.clone(), None, sink, |job| match job {
        Job::Page(id) | Job::Packet(id) => part == Part::Related && site.pages[*id].lists_related(),
        _ => part == Part::Listings,
    })
}

/// Writes the outputs of a content page as soon as its Markdown is rendered, for a build
/// that keeps nothing: each page's HTML is then let go of at once, and the site's HTML
/// is never in memory as a whole. Not for the pages that list related pages, which wait
/// for the search index ([`Part::Related`]).
pub struct PageWriter<'a> {
    r: Renderer<'a>,
    sink: Option<&'a crate::output::Staging>,
}

impl<'a> PageWriter<'a> {
    /// `input.bodies` needs only the bodies that listings read (home pages' and
    /// sections'); a content page's own comes with it to [`PageWriter::write`].
    pub fn new(
        input: &'a RenderInput<'a>,
        templates: &Templates,
        sink: Option<&'a crate::output::Staging>,
    ) -> Self {
        Self {
            r: Renderer::new(input, templates.0.clone()),
            sink,
        }
    }

    /// Writes the outputs of page `id`, whose rendered body is `body`; returns them
    /// (without their bytes when written) and their problems. `None` for a page whose
    /// body is read later: a section's or home page's (by the listings), or one that
    /// lists related pages.
    pub fn write(
        &self,
        id: PageId,
        body: &Rendered,
    ) -> anyhow::Result<Option<(Vec<OutputFile>, Vec<Diagnostic>)>> {
        let page = &self.r.site.pages[id];
        if !matches!(page.role, Role::Page { .. }) || page.lists_related() {
            return Ok(None);
        }
        let mut files = Vec::new();
        let mut diags = Vec::new();
        for job in self.r.page_jobs(id) {
            let made =
                self.r
                    .make_from(Views::with_body(&self.r, id, body), &job, false, |_, _| {
                        None
                    });
            match made.file {
                Ok(file) => files.push(crate::output::stream(self.sink, file, false)?),
                Err(d) => diags.push(d),
            }
        }
        Ok(Some((files, diags)))
    }
}

fn render_jobs(
    input: &RenderInput,
    tera: Tera,
    mut cache: Option<&mut RenderCache>,
    sink: Option<&crate::output::Staging>,
    select: impl Fn(&Job) -> bool,
) -> anyhow::Result<(Vec<OutputFile>, Vec<Diagnostic>, usize)> {
    let mut diags = Vec::new();
    let r = Renderer::new(input, tera);
    let mut jobs = r.jobs();
    jobs.retain(|job| select(job));
    let empty = HashMap::new();
    let previous = cache.as_ref().map_or(&empty, |c| &c.outputs);
    let keep = cache.is_some();
    if let Some(p) = input.progress {
        p.stage("templates", jobs.len());
    }
    let results: Vec<Made> = jobs
        .par_iter()
        .map(|job| -> anyhow::Result<Made> {
            if let Some(p) = input.progress {
                p.advance();
            }
            let mut made = r.make(job, keep, |path, hash| {
                previous
                    .get(path)
                    .filter(|(old, _)| *old == hash)
                    .map(|(_, file)| file.clone())
            });
            // Written at once; a one-shot build then forgets the bytes.
            made.file = match made.file {
                Ok(file) => Ok(crate::output::stream(sink, file, keep)?),
                Err(d) => Err(d),
            };
            Ok(made)
        })
        .collect::<anyhow::Result<_>>()?;
    let mut files = Vec::with_capacity(results.len());
    let mut outputs = HashMap::with_capacity(if keep { results.len() } else { 0 });
    let mut readers: Vec<Vec<u32>> =
        vec![Vec::new(); if keep { input.site.pages.len() } else { 0 }];
    let mut rendered = 0;
    for (j, made) in results.into_iter().enumerate() {
        rendered += usize::from(made.fresh);
        if keep {
            for id in made.reads {
                readers[id].push(j as u32);
            }
        }
        match made.file {
            Ok(f) => {
                if let Some((path, hash)) = made.key.filter(|_| keep) {
                    outputs.insert(path, (hash, f.clone()));
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
    Ok((files, diags, rendered))
}

/// After an edit that changed only the bodies of `changed` pages (their front matter, and
/// so the site's structure, are as in the build that filled `cache`): builds again the
/// views of the outputs that read those pages, and renders those whose view changed.
/// Returns the files that differ from the cached ones, the problems of the outputs looked
/// at, and how many were rendered.
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
    let results: Vec<Made> = affected
        .par_iter()
        .map(|&j| {
            r.make(&jobs[j as usize], true, |path, hash| {
                outputs
                    .get(path)
                    .filter(|(old, _)| *old == hash)
                    .map(|(_, file)| file.clone())
            })
        })
        .filter(|made| made.fresh || made.file.is_err())
        .collect();
    let mut files = Vec::new();
    let mut diags = Vec::new();
    let rendered = results.len();
    for made in results {
        match made.file {
            Ok(f) => {
                if let Some((path, hash)) = made.key {
                    cache.outputs.insert(path, (hash, f.clone()));
                }
                files.push(f);
            }
            Err(d) => diags.push(d),
        }
    }
    (files, diags, rendered)
}

/// The context of every output, as JSON, with its template's name: what docs/templates.md
/// documents for theme authors (a test keeps the two in step).
pub fn template_contexts(input: &RenderInput) -> Vec<(String, serde_json::Value)> {
    let r = Renderer::new(input, Tera::new());
    r.jobs()
        .iter()
        .filter_map(|job| {
            let output = Views::new(&r).output(job).ok()?;
            let context = serde_json::to_value(&output.document).ok()?;
            Some((output.template, context))
        })
        .collect()
}

/// The theme's templates, parsed.
pub struct Templates(Tera);

/// What tera's own escaper writes (`& < > " '`), a run of text at a time: tera's writes
/// each byte through `dyn Write`, which was 2.6 % of a cold build's CPU. The `fast_escape`
/// feature would leave `'` as it is.
fn escape(text: &str, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    let bytes = text.as_bytes();
    let mut written = 0;
    for (at, byte) in bytes.iter().enumerate() {
        let entity: &[u8] = match byte {
            b'&' => b"&amp;",
            b'<' => b"&lt;",
            b'>' => b"&gt;",
            b'"' => b"&quot;",
            b'\'' => b"&#39;",
            _ => continue,
        };
        out.write_all(&bytes[written..at])?;
        out.write_all(entity)?;
        written = at + 1;
    }
    out.write_all(&bytes[written..])
}

/// Parses the theme's templates; an error names the template at fault.
pub fn parse_templates(theme: &Theme) -> Result<Templates, Vec<Diagnostic>> {
    let mut tera = Tera::new();
    tera.autoescape_on(vec![".html", ".xml"]);
    tera.set_escape_fn(escape);
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
    Ok(Templates(tera))
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

/// What every output of one build shares: the site, the parsed templates and the globals.
pub struct Renderer<'a> {
    input: &'a RenderInput<'a>,
    site: &'a Site,
    tera: Tera,
    /// Per-language shared values: `L` in templates.
    per_lang: HashMap<String, Value>,
    /// `site` in templates.
    site_value: Value,
    /// Hash of the config, the theme and the globals: part of every output's hash.
    globals: u64,
    /// Each page as a card for a reader of each language, in `config.languages` order:
    /// `cards[page * languages + reader]`, made when first shown.
    cards: Vec<OnceLock<Arc<Link>>>,
}

impl<'a> Renderer<'a> {
    fn new(input: &'a RenderInput<'a>, tera: Tera) -> Self {
        let site = input.site;
        let config = &site.config;
        let mut per_lang = HashMap::new();
        let mut globals = DefaultHasher::new();
        input.base.hash(&mut globals);
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
            // A calendar file exists only when some forum is to come (see feeds::calendars).
            let has_calendar = !crate::feeds::upcoming_forums(site, lang, input.today).is_empty();
            let forum_section = config.section_of_kind(Kind::Forum).filter(|_| has_calendar);
            let value = serde_json::json!({
                "code": lang,
                "name": i18n::native_name(lang),
                "title": typo(lang, config.title.get(lang), config),
                "description": typo(lang, config.description.get(lang), config),
                "home_url": site.home_url(lang),
                "search_url": site.search_url(lang),
                "feed_url": format!("{}{lang}/atom.xml", config.root),
                "calendar_url": forum_section.map(|s| format!("{}{lang}/{}/calendar.ics", config.root, s.slug.get(lang))),
                "nav": nav,
                "taxonomies": taxonomies,
                "t": t,
            });
            hash_serialized(&mut globals, &value);
            per_lang.insert(lang.clone(), Value::from_serializable(&value));
        }
        let site_json = serde_json::json!({
            "base_url": config.base_url,
            "root": config.root,
            "default_language": config.default_language,
            "languages": config.languages,
            "extra": config.extra,
        });
        hash_serialized(&mut globals, &site_json);
        Renderer {
            input,
            site,
            tera,
            per_lang,
            site_value: Value::from_serializable(&site_json),
            globals: globals.finish(),
            cards: (0..site.pages.len() * config.languages.len())
                .map(|_| OnceLock::new())
                .collect(),
        }
    }

    /// The card of page `id` for a reader of `reader`, made by `make` the first time.
    fn card(&self, id: PageId, reader: &str, make: impl FnOnce() -> Link) -> Arc<Link> {
        let languages = &self.site.config.languages;
        let Some(r) = languages.iter().position(|l| l == reader) else {
            return Arc::new(make());
        };
        let slot = &self.cards[id * languages.len() + r];
        Arc::clone(slot.get_or_init(|| Arc::new(make())))
    }

    fn jobs(&self) -> Vec<Job> {
        let site = self.site;
        let config = &site.config;
        let mut jobs = vec![Job::Landing, Job::NotFound];
        for id in 0..site.pages.len() {
            jobs.extend(self.page_jobs(id));
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

    /// The outputs of page `id` itself: a content page's, and a forum's packet.
    fn page_jobs(&self, id: PageId) -> Vec<Job> {
        let p = &self.site.pages[id];
        let mut jobs = Vec::new();
        if matches!(p.role, Role::Page { .. }) {
            jobs.push(Job::Page(id));
        }
        if p.kind() == Some(Kind::Forum) {
            jobs.push(Job::Packet(id));
        }
        jobs
    }

    /// Builds the view of `job`; with `hashed`, hashes it and takes the file `kept` gives
    /// for its path and hash, if any, instead of rendering it again.
    fn make(
        &self,
        job: &Job,
        hashed: bool,
        kept: impl Fn(&str, u64) -> Option<OutputFile>,
    ) -> Made {
        self.make_from(Views::new(self), job, hashed, kept)
    }

    /// [`Renderer::make`] with the given views.
    fn make_from(
        &self,
        views: Views,
        job: &Job,
        hashed: bool,
        kept: impl Fn(&str, u64) -> Option<OutputFile>,
    ) -> Made {
        let output = views.output(job);
        let reads = views.into_reads();
        let output = match output {
            Ok(o) => o,
            Err(d) => {
                return Made {
                    key: None,
                    reads,
                    file: Err(d),
                    fresh: true,
                };
            }
        };
        let path = self.site.file_of(&output.url);
        let hash = hashed.then(|| self.hash(&output)).flatten();
        if let Some(file) = hash.and_then(|h| kept(&path, h)) {
            return Made {
                key: hash.map(|h| (path, h)),
                reads,
                file: Ok(file),
                fresh: false,
            };
        }
        Made {
            key: hash.map(|h| (path, h)),
            reads,
            file: self.render(output),
            fresh: true,
        }
    }

    /// Everything the file made from `output` depends on: the view, the template's name
    /// and the sitemap data, and the globals.
    /// `None` if the view cannot be serialized: the output is then never reused.
    fn hash(&self, output: &Output) -> Option<u64> {
        let mut h = DefaultHasher::new();
        self.globals.hash(&mut h);
        hash_serialized(&mut h, output).then(|| h.finish())
    }

    fn render(&self, output: Output) -> Result<OutputFile, Diagnostic> {
        let failed = |e: &dyn std::fmt::Display| {
            Diagnostic::error(
                format!("templates/{}", output.template),
                Pos::START,
                format!("the template failed for {}: {e}", output.url),
            )
            .help("fix the template, or remove your override to use the built-in one")
        };
        let mut ctx = Context::from_serialize(&output.document).map_err(|e| failed(&e))?;
        let lang = &output.document.chrome.lang;
        ctx.insert_value(
            "L",
            self.per_lang.get(lang).cloned().unwrap_or_else(Value::none),
        );
        ctx.insert_value("site", self.site_value.clone());
        // Into bytes, as the file takes them: `Tera::render` would check that its output
        // is UTF-8, which it is by construction.
        let mut html = Vec::with_capacity(PAGE_BYTES);
        self.tera
            .render_to(&output.template, &ctx, &mut html)
            .map_err(|e| failed(&e))?;
        let mut file = OutputFile::new(self.site.file_of(&output.url), html);
        if output.in_sitemap {
            file.sitemap = Some(SitemapEntry {
                url: self.site.absolute(&output.url),
                lastmod: output.lastmod,
                alternates: output
                    .versions
                    .iter()
                    .map(|(l, u)| (l.clone(), self.site.absolute(u)))
                    .collect(),
            });
        }
        Ok(file)
    }

    fn term_ids(&self, taxonomy: &str, term: &str, lang: &str) -> &'a [PageId] {
        self.site
            .term_pages
            .get(&(taxonomy.to_string(), term.to_string(), lang.to_string()))
            .map_or(&[], Vec::as_slice)
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
}

/// Feeds the JSON form of `value` to `h` as it is written, without holding it; false if
/// it cannot be serialized.
fn hash_serialized(h: &mut DefaultHasher, value: &impl serde::Serialize) -> bool {
    struct Feed<'h>(&'h mut DefaultHasher);
    impl std::io::Write for Feed<'_> {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.write(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    serde_json::to_writer(Feed(h), value).is_ok()
}

const TERM_PAGE_SIZE: usize = 20;

/// Room made for a page's HTML before it is rendered: nine in ten pages of a generated
/// site of 10,000 (`bench/gen-corpus`) take 11 to 15 kB with the shipped theme, and
/// grow their buffer no more.
const PAGE_BYTES: usize = 16 * 1024;

/// French typography for front-matter text on French pages (Markdown gets it in markdown.rs).
fn typo(lang: &str, text: &str, config: &crate::config::SiteConfig) -> String {
    if config.french_typography && crate::i18n::language(lang).is_some_and(|l| l.french_spacing) {
        french_spacing(text)
    } else {
        text.to_string()
    }
}

/// JSON to put inside `<script type="application/json">`: `<`, `>` and `&` escaped, so no
/// label can close the script element.
fn script_json(value: &serde_json::Value) -> String {
    value
        .to_string()
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
}

#[cfg(test)]
mod tests {
    use super::{escape, pager_numbers};

    #[test]
    fn escapes_as_tera_does() {
        let alphabet = "a é&<>\"'’«\u{0}";
        for text in crate::text::samples::texts(alphabet, 0..=29, 200, 0x853c_49e6) {
            let (mut ours, mut teras) = (Vec::new(), Vec::new());
            escape(&text, &mut ours).expect("into a Vec");
            tera::escape_html(&text, &mut teras).expect("into a Vec");
            assert_eq!(ours, teras, "{text:?}");
        }
    }

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
