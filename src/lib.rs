//! Passerelle: a static-site generator for bilingual lessons-learned knowledge portals.
//!
//! [`build`] is the whole pipeline, read top to bottom: load → front matter → resolve →
//! Markdown → templates → feeds → write. Each stage returns its output and the problems it
//! found; problems are collected, never returned early, so one run reports them all. The
//! `Site` is read-only once resolved, and pages render in parallel from it.

pub mod config;
pub mod diagnostics;
pub mod feeds;
pub mod frontmatter;
pub mod i18n;
pub mod lint;
pub mod load;
pub mod markdown;
pub mod model;
pub mod output;
pub mod qr;
pub mod render;
pub mod report;
pub mod resolve;
pub mod scaffold;
pub mod search;
pub mod serve;
pub mod theme;
pub mod watch;

use std::collections::{BTreeMap, HashMap};
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use rayon::prelude::*;

use crate::config::SiteConfig;
use crate::diagnostics::Diagnostic;
use crate::output::OutputFile;

/// What `build` and `check` were asked to do.
#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    pub root: PathBuf,
    /// Overrides `[build] output_dir`; relative paths are relative to the current directory.
    pub output: Option<PathBuf>,
    pub drafts: bool,
    pub base_url: Option<String>,
    /// False for `check`: run every stage, write nothing.
    pub write: bool,
    /// Replace an output folder that holds files Passerelle did not write
    /// ([`output::claim`]); never the site or its sources.
    pub force: bool,
    /// Keep the search index (`.passerelle/index/`) and derive the static search form.
    /// False for `check`, which writes nothing at all.
    pub index: bool,
}

/// Where the search index of the site at `root` lives (not published).
pub fn index_dir(root: &Path) -> PathBuf {
    root.join(".passerelle").join("index")
}

/// The result of a build that could run (author mistakes included).
#[derive(Debug, Default)]
pub struct BuildOutcome {
    /// Sorted by path and position.
    pub diagnostics: Vec<Diagnostic>,
    /// The files of the site, when there was no error.
    pub files: Vec<OutputFile>,
    pub pages: usize,
    pub output_dir: Option<PathBuf>,
    /// Each stage's times, in pipeline order.
    pub timings: Vec<StageTiming>,
    /// Files of the site's `static/` folder: (source on disk, path in the output).
    pub copies: Vec<(PathBuf, String)>,
    /// Set by the fast way of [`Project::build_after`]: `files` then holds only the files
    /// that differ from the previous outcome's (none was added or removed).
    pub patch: bool,
}

impl BuildOutcome {
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }
}

/// What `--timings` shows of one stage.
#[derive(Debug, Clone)]
pub struct StageTiming {
    pub stage: &'static str,
    pub wall: Duration,
    /// CPU time of the whole process (all threads, user + system) during the stage,
    /// where the system tells: against `wall`, how well the stage uses the cores.
    pub cpu: Option<Duration>,
    /// The process's peak memory (bytes) when the stage ended, where the system tells.
    pub peak: Option<u64>,
}

struct Stopwatch {
    last: Instant,
    last_cpu: Option<Duration>,
    timings: Vec<StageTiming>,
}

/// Peak resident memory of this process so far (Linux: VmHWM), for `--timings`.
fn peak_memory() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

/// CPU time of this process so far, all threads (Linux: utime + stime of /proc/self/stat,
/// in the kernel's USER_HZ ticks, 100 per second on every Linux port).
fn cpu_time() -> Option<Duration> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the command name, which is in parentheses and may hold spaces.
    let rest = &stat[stat.rfind(')')? + 2..];
    let fields: Vec<&str> = rest.split(' ').collect();
    let ticks = fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
    Some(Duration::from_millis(ticks * 10))
}

impl Stopwatch {
    fn new() -> Self {
        Self {
            last: Instant::now(),
            last_cpu: cpu_time(),
            timings: Vec::new(),
        }
    }

    fn lap(&mut self, stage: &'static str) {
        let now = Instant::now();
        let cpu = cpu_time();
        self.timings.push(StageTiming {
            stage,
            wall: now - self.last,
            cpu: cpu.zip(self.last_cpu).map(|(c, l)| c.saturating_sub(l)),
            peak: peak_memory(),
        });
        self.last = now;
        self.last_cpu = cpu;
    }
}

/// Runs the pipeline once. `Err` only for I/O failures (the output cannot be written, …);
/// every author mistake is a diagnostic in the outcome.
pub fn build(opts: &BuildOptions) -> anyhow::Result<BuildOutcome> {
    Project::one_shot(opts.clone()).build()
}

/// A site built again and again (`serve`, `watch`): what did not change since the last
/// build is reused — parsed files, rendered Markdown, rendered pages — so an edit costs
/// in proportion to what it touches. The result is always that of a clean build.
pub struct Project {
    opts: BuildOptions,
    base: u64,
    load_cache: load::LoadCache,
    bodies: HashMap<(String, String), (std::sync::Arc<markdown::Rendered>, Vec<Diagnostic>)>,
    render_cache: render::RenderCache,
    /// How many pages the last build rendered (the rest were reused).
    pub rendered: usize,
    /// The search index as the last build left it (when `index` is on).
    pub search: Option<std::sync::Arc<search::SearchIndex>>,
    /// Keep what a next build can reuse (`serve`, `watch`). A one-shot build keeps
    /// nothing and streams pages to disk as they are rendered, to stay small in memory.
    incremental: bool,
    /// `serve`: reuse the last search outputs (static form, related pages) instead of
    /// rebuilding them, so edited pages reach the browser first; [`Project::search_stale`]
    /// then says a full build must follow.
    pub defer_search: bool,
    /// The last build reused search outputs that may be out of date.
    pub search_stale: bool,
    search_outputs: Option<SearchOutputs>,
    /// The last good build, kept so an edit of page bodies can patch it
    /// ([`Project::build_after`]). Taken (left `None`) by any build that fails.
    last: Option<LastBuild>,
}

/// What a good build made and read, for [`Project::build_after`].
struct LastBuild {
    site: resolve::Site,
    theme: theme::Theme,
    today: model::Date,
    bodies: Vec<std::sync::Arc<markdown::Rendered>>,
    related: HashMap<resolve::PageId, Vec<resolve::PageId>>,
    files: Vec<OutputFile>,
    /// Output path → position in `files`.
    file_index: HashMap<String, usize>,
    copies: Vec<(PathBuf, String)>,
    /// Every diagnostic but those of the Markdown stage, which are by page in `page_diags`.
    other_diags: Vec<Diagnostic>,
    page_diags: Vec<Vec<Diagnostic>>,
    /// Source path → page.
    by_path: HashMap<PathBuf, resolve::PageId>,
    pages: usize,
}

/// What the search stages produced, kept by key so a later build can reuse it.
struct SearchOutputs {
    files: Vec<OutputFile>,
    related: HashMap<(String, String), Vec<(String, String)>>,
}

impl Project {
    pub fn new(opts: BuildOptions) -> Self {
        Self {
            opts,
            base: 0,
            load_cache: load::LoadCache::default(),
            bodies: HashMap::new(),
            render_cache: render::RenderCache::default(),
            rendered: 0,
            search: None,
            incremental: true,
            defer_search: false,
            search_stale: false,
            search_outputs: None,
            last: None,
        }
    }

    /// A project built once: nothing is kept for a next build.
    pub fn one_shot(opts: BuildOptions) -> Self {
        Self {
            incremental: false,
            ..Self::new(opts)
        }
    }

    pub fn options(&self) -> &BuildOptions {
        &self.opts
    }

    pub fn build(&mut self) -> anyhow::Result<BuildOutcome> {
        self.last = None;
        let mut clock = Stopwatch::new();
        let mut outcome = BuildOutcome::default();
        let opts = &self.opts;
        let root = opts.root.as_path();

        let mut config = match SiteConfig::load(root) {
            Ok(c) => c,
            Err(d) => {
                outcome.diagnostics = d;
                return Ok(outcome);
            }
        };
        if let Some(url) = &opts.base_url {
            config.base_url = url.trim_end_matches('/').to_string();
        }
        let drafts = opts.drafts || config.drafts;
        let output_dir = opts
            .output
            .clone()
            .unwrap_or_else(|| root.join(&config.output_dir));
        // Before any work: a folder that is not ours to replace is refused at once.
        let write_dir = if opts.write {
            Some(output::claim(root, &output_dir, opts.force)?)
        } else {
            None
        };
        let (theme, mut diags) = theme::Theme::load(root, &config);
        let today = model::Date::today();
        let base = base_hash(root, &theme, opts, today);
        if base != self.base {
            // Everything depends on the config and the theme.
            self.load_cache.clear();
            self.bodies.clear();
            self.render_cache = render::RenderCache::default();
            self.base = base;
        }
        clock.lap("theme");

        let cache = self.incremental.then_some(&mut self.load_cache);
        let (loaded, d) = load::load_pages(root, &config, drafts, cache);
        diags.extend(d);
        let (copies, d) = site_static_files(root);
        diags.extend(d);
        clock.lap("load + front matter");

        let (mut site, d) = resolve::resolve(config, loaded.pages, &loaded.unreadable);
        diags.extend(d);
        clock.lap("resolve");

        let previous = &self.bodies;
        let rendered: Vec<(std::sync::Arc<markdown::Rendered>, Vec<Diagnostic>)> = site
            .pages
            .par_iter()
            .map(|p| {
                if let Some((body, d)) = previous.get(&(p.key.clone(), p.lang.clone()))
                    && markdown::fingerprint(p, &site, &body.links) == body.fingerprint
                {
                    return (body.clone(), d.clone());
                }
                let (body, d) = markdown::render(p, &site);
                (std::sync::Arc::new(body), d)
            })
            .collect();
        let markdown_diags = diags.len();
        let mut bodies = Vec::with_capacity(rendered.len());
        let mut cache = HashMap::with_capacity(if self.incremental { rendered.len() } else { 0 });
        for (p, (body, mut d)) in site.pages.iter().zip(rendered) {
            if self.incremental {
                diags.extend(d.iter().cloned());
                cache.insert((p.key.clone(), p.lang.clone()), (body.clone(), d));
            } else {
                diags.append(&mut d);
            }
            bodies.push(body);
        }
        self.bodies = cache;
        let markdown_diags = markdown_diags..diags.len();
        if !self.incremental {
            // Nothing reads the Markdown sources after this stage; a one-shot build frees
            // them (a tenth of the peak memory on a large site).
            for page in &mut site.pages {
                if let Some(page) = std::sync::Arc::get_mut(page) {
                    page.body = String::new();
                }
            }
        }
        clock.lap("markdown");

        outcome.pages = site
            .pages
            .iter()
            .filter(|p| matches!(p.role, model::Role::Page { .. }))
            .count();
        if diags.iter().any(Diagnostic::is_error) {
            return Ok(finish(outcome, diags, clock));
        }

        // From here on, the output is streamed into the staging folder as it is made.
        let staging = match &write_dir {
            Some(dir) => Some(output::Staging::create(dir)?),
            None => None,
        };
        let mut files: Vec<OutputFile> = Vec::new();
        let mut related: HashMap<resolve::PageId, Vec<resolve::PageId>> = HashMap::new();
        self.search_stale = false;
        if opts.index && self.defer_search && self.search_outputs.is_some() {
            if let Some(previous) = &self.search_outputs {
                files.extend(previous.files.iter().cloned());
                for ((key, lang), rel) in &previous.related {
                    if let Some(id) = site.page(key, lang) {
                        related.insert(
                            id,
                            rel.iter().filter_map(|(k, l)| site.page(k, l)).collect(),
                        );
                    }
                }
            }
            self.search_stale = true;
            clock.lap("search (reused)");
        } else if opts.index {
            let docs = index_docs(&site, &bodies);
            let index = search::SearchIndex::sync(&index_dir(root), &docs)?;
            drop(docs);
            if !self.incremental {
                // The plain text was for the index only.
                for body in &mut bodies {
                    if let Some(body) = std::sync::Arc::get_mut(body) {
                        body.text = std::sync::Arc::from("");
                    }
                }
            }
            clock.lap("search index");
            related = related_pages(&site, &index);
            clock.lap("related pages");
            for (path, bytes) in index.export_static()? {
                let file = OutputFile::new(
                    format!("search/{}", path.to_string_lossy().replace('\\', "/")),
                    bytes,
                );
                files.push(self.stream(file, staging.as_ref())?);
            }
            clock.lap("static search form");
            self.search = Some(std::sync::Arc::new(index));
            if self.incremental {
                let key_of =
                    |id: resolve::PageId| (site.pages[id].key.clone(), site.pages[id].lang.clone());
                self.search_outputs = Some(SearchOutputs {
                    files: files.clone(),
                    related: related
                        .iter()
                        .map(|(&id, rel)| (key_of(id), rel.iter().map(|&r| key_of(r)).collect()))
                        .collect(),
                });
            }
        }
        let input = render::RenderInput {
            site: &site,
            theme: &theme,
            bodies: &bodies,
            related: &related,
            today,
            base,
        };
        let render_cache = self.incremental.then_some(&mut self.render_cache);
        let (pages, d, rendered) = render::render_site(&input, render_cache, staging.as_ref());
        files.extend(pages);
        self.rendered = rendered;
        diags.extend(d);
        clock.lap("templates");
        if diags.iter().any(Diagnostic::is_error) {
            return Ok(finish(outcome, diags, clock));
        }

        let mut feeds = Vec::new();
        for lang in &site.config.languages {
            feeds.push(feeds::atom(&site, lang, site.config.title.get(lang)));
            feeds.extend(feeds::calendars(&site, lang));
        }
        feeds.push(feeds::sitemap(&files));
        feeds.extend(theme_static_files(&theme, &copies));
        diags.extend(static_collisions(&copies, files.iter().chain(&feeds)));
        if diags.iter().any(Diagnostic::is_error) {
            return Ok(finish(outcome, diags, clock));
        }
        for file in feeds {
            files.push(self.stream(file, staging.as_ref())?);
        }
        clock.lap("feeds");

        if let Some(staging) = staging {
            staging.copy_all(&copies)?;
            staging.commit()?;
            clock.lap("write");
            outcome.output_dir = Some(output_dir);
        }
        if self.incremental && !opts.write {
            let mut other_diags = diags[..markdown_diags.start].to_vec();
            other_diags.extend_from_slice(&diags[markdown_diags.end..]);
            let page_diags = site
                .pages
                .iter()
                .map(|p| {
                    self.bodies
                        .get(&(p.key.clone(), p.lang.clone()))
                        .map(|(_, d)| d.clone())
                        .unwrap_or_default()
                })
                .collect();
            self.last = Some(LastBuild {
                by_path: site
                    .pages
                    .iter()
                    .enumerate()
                    .map(|(id, p)| (p.path.clone(), id))
                    .collect(),
                site,
                theme,
                today,
                bodies,
                related,
                file_index: files
                    .iter()
                    .enumerate()
                    .map(|(i, f)| (f.path.clone(), i))
                    .collect(),
                files: files.clone(),
                copies: copies.clone(),
                other_diags,
                page_diags,
                pages: outcome.pages,
            });
        }
        outcome.copies = copies;
        outcome.files = files;
        Ok(finish(outcome, diags, clock))
    }

    /// Builds again after the files at `changed` (absolute paths, as the watcher reports
    /// them) changed. When they are pages whose front matter is as before — the usual
    /// edit of a text — only the outputs that read them are made again, from the last
    /// build; anything else is a full (incremental) build. The result is the same either
    /// way; the search index, which the fast way leaves behind, is then marked stale.
    pub fn build_after(&mut self, changed: &[PathBuf]) -> anyhow::Result<BuildOutcome> {
        match self.patch(changed) {
            Some(outcome) => Ok(outcome),
            None => self.build(),
        }
    }

    /// The fast way of [`Project::build_after`]; `None` when it does not apply. Every
    /// cache it touches stays valid for the full build that then follows.
    fn patch(&mut self, changed: &[PathBuf]) -> Option<BuildOutcome> {
        let mut last = self.last.take()?;
        if !self.incremental || self.opts.write || model::Date::today() != last.today {
            return None;
        }
        let mut clock = Stopwatch::new();
        let root = self.opts.root.canonicalize().ok()?;
        let mut edited: Vec<(resolve::PageId, std::sync::Arc<model::Page>)> = Vec::new();
        for path in changed {
            let rel = path.strip_prefix(&root).ok()?;
            let markdown =
                rel.starts_with(load::CONTENT_DIR) && rel.extension().is_some_and(|e| e == "md");
            if !markdown {
                if path.exists() {
                    // site.toml, a template, a static file, a folder…
                    return None;
                }
                // An editor's temporary file, already gone.
                continue;
            }
            let id = *last.by_path.get(rel)?;
            let page = self
                .load_cache
                .reread(&self.opts.root, rel, &last.site.config)?;
            edited.push((id, page));
        }
        if edited.is_empty() {
            return None;
        }
        for (id, page) in &edited {
            last.site.pages[*id] = std::sync::Arc::clone(page);
        }
        clock.lap("load + front matter");

        let site = &last.site;
        let rendered: Vec<(markdown::Rendered, Vec<Diagnostic>)> = edited
            .par_iter()
            .map(|(id, _)| markdown::render(&site.pages[*id], site))
            .collect();
        for ((id, page), (body, d)) in edited.iter().zip(rendered) {
            if d.iter().any(Diagnostic::is_error) {
                return None;
            }
            let body = std::sync::Arc::new(body);
            last.bodies[*id] = std::sync::Arc::clone(&body);
            last.page_diags[*id].clone_from(&d);
            self.bodies
                .insert((page.key.clone(), page.lang.clone()), (body, d));
        }
        clock.lap("markdown");

        let ids: Vec<resolve::PageId> = edited.iter().map(|(id, _)| *id).collect();
        let input = render::RenderInput {
            site: &last.site,
            theme: &last.theme,
            bodies: &last.bodies,
            related: &last.related,
            today: last.today,
            base: self.base,
        };
        let (files, problems, rendered) =
            render::render_changed(&input, &mut self.render_cache, &ids);
        if !problems.is_empty() {
            // The full build reports them.
            return None;
        }
        for file in &files {
            let at = *last.file_index.get(&file.path)?;
            last.files[at] = file.clone();
        }
        self.rendered = rendered;
        clock.lap("templates");

        let mut diags = last.other_diags.clone();
        diags.extend(last.page_diags.iter().flatten().cloned());
        let outcome = BuildOutcome {
            pages: last.pages,
            files,
            patch: true,
            copies: last.copies.clone(),
            ..BuildOutcome::default()
        };
        self.search_stale = self.opts.index;
        self.last = Some(last);
        Some(finish(outcome, diags, clock))
    }
}

/// One search document per content page and language.
fn index_docs(
    site: &resolve::Site,
    bodies: &[std::sync::Arc<markdown::Rendered>],
) -> Vec<search::IndexDoc> {
    site.pages
        .iter()
        .enumerate()
        .filter_map(|(id, p)| {
            let kind = p.kind()?;
            let facets = p
                .fm
                .taxonomies
                .iter()
                .filter(|(tax, _)| site.config.taxonomy(tax).is_some())
                .flat_map(|(tax, terms)| terms.iter().map(move |t| (tax.clone(), t.value.clone())))
                .collect();
            Some(search::IndexDoc {
                key: p.key.clone(),
                lang: p.lang.clone(),
                kind: kind.as_str().to_string(),
                url: site.urls[id].clone(),
                title: p.fm.title.clone(),
                summary: p.fm.summary.clone(),
                body: bodies[id].text.clone(),
                date: p.fm.date.map(|d| d.to_string()).unwrap_or_default(),
                facets,
            })
        })
        .collect()
}

/// How many related pages a forum lists.
const RELATED: usize = 5;

/// For each forum: pages of its language related to it, found by the search index
/// (beyond the cases it already lists).
fn related_pages(
    site: &resolve::Site,
    index: &search::SearchIndex,
) -> HashMap<resolve::PageId, Vec<resolve::PageId>> {
    site.pages
        .par_iter()
        .enumerate()
        .filter(|(_, p)| p.kind() == Some(model::Kind::Forum))
        .map(|(id, p)| {
            let mut exclude: Vec<String> =
                p.fm.fields.cases.iter().map(|c| c.value.clone()).collect();
            exclude.push(p.key.clone());
            let hits = index
                .related(&p.key, &p.lang, &exclude, RELATED)
                .unwrap_or_default();
            let ids = hits
                .iter()
                .filter_map(|h| site.page(&h.key, &h.lang))
                .collect();
            (id, ids)
        })
        .collect()
}

/// Runs the pipeline up to the resolved `Site` (for reports and commands that edit
/// content). `None` when site.toml itself is broken.
pub fn load_site(opts: &BuildOptions) -> (Option<resolve::Site>, Vec<Diagnostic>) {
    let root = opts.root.as_path();
    let config = match SiteConfig::load(root) {
        Ok(c) => c,
        Err(d) => return (None, d),
    };
    let drafts = opts.drafts || config.drafts;
    let (loaded, mut diags) = load::load_pages(root, &config, drafts, None);
    let (site, d) = resolve::resolve(config, loaded.pages, &loaded.unreadable);
    diags.extend(d);
    diagnostics::sort(&mut diags);
    (Some(site), diags)
}

impl Project {
    /// Writes `file` to the staging folder when there is one; a one-shot build then keeps
    /// only its name (and sitemap entry), not its bytes.
    fn stream(
        &self,
        file: OutputFile,
        staging: Option<&output::Staging>,
    ) -> anyhow::Result<OutputFile> {
        match staging {
            Some(s) => {
                s.write(&file)?;
                Ok(if self.incremental {
                    file
                } else {
                    file.without_bytes()
                })
            }
            None => Ok(file),
        }
    }
}

/// Hash of what every output depends on: site.toml, the theme, the options, the day.
fn base_hash(root: &Path, theme: &theme::Theme, opts: &BuildOptions, today: model::Date) -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    std::fs::read(root.join(config::CONFIG_FILE))
        .unwrap_or_default()
        .hash(&mut h);
    theme.templates.hash(&mut h);
    theme.strings.hash(&mut h);
    (&opts.base_url, opts.drafts).hash(&mut h);
    today.hash(&mut h);
    h.finish()
}

fn finish(mut outcome: BuildOutcome, mut diags: Vec<Diagnostic>, clock: Stopwatch) -> BuildOutcome {
    diagnostics::sort(&mut diags);
    outcome.diagnostics = diags;
    outcome.timings = clock.timings;
    outcome
}

/// The site's `static/` folder: (source on disk, path in the output) of each file.
fn site_static_files(root: &Path) -> (Vec<(PathBuf, String)>, Vec<Diagnostic>) {
    let (files, diags) = load::files_under(root, &root.join("static"));
    let copies = files
        .into_iter()
        .map(|(abs, rel)| (abs, rel.to_string_lossy().replace('\\', "/")))
        .collect();
    (copies, diags)
}

/// The theme's static files, but those the site's `static/` overrides by name.
fn theme_static_files(theme: &theme::Theme, copies: &[(PathBuf, String)]) -> Vec<OutputFile> {
    let overridden: BTreeMap<&str, ()> = copies.iter().map(|(_, r)| (r.as_str(), ())).collect();
    theme
        .static_files
        .iter()
        .filter(|(path, _)| !overridden.contains_key(path.as_str()))
        .map(|(path, bytes)| OutputFile::new(path.clone(), bytes.clone()))
        .collect()
}

/// A file of `static/` at the path of a generated file (a page, a feed, the search form)
/// would silently replace it: each is an error naming both.
fn static_collisions<'a>(
    copies: &[(PathBuf, String)],
    generated: impl Iterator<Item = &'a OutputFile>,
) -> Vec<Diagnostic> {
    let copied: HashMap<&str, &Path> = copies
        .iter()
        .map(|(src, rel)| (rel.as_str(), src.as_path()))
        .collect();
    let mut clashes: Vec<&str> = generated
        .map(|f| f.path.as_str())
        .chain([output::MARKER])
        .filter(|path| copied.contains_key(path))
        .collect();
    clashes.sort_unstable();
    clashes
        .into_iter()
        .map(|path| {
            Diagnostic::error(
                format!("static/{path}"),
                diagnostics::Pos::START,
                format!("this file has the path of a file the build generates, `{path}`, and would replace it"),
            )
            .value(path)
            .help("rename or move the static file: static files add to the site, they never replace its pages, feeds or search files")
        })
        .collect()
}
