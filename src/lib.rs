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
pub mod incremental;
pub mod init;
pub mod lint;
pub mod load;
pub mod markdown;
pub mod model;
pub mod output;
pub mod progress;
pub mod qr;
pub mod render;
pub mod report;
pub mod resolve;
pub mod scaffold;
pub mod search;
pub mod serve;
pub mod spill;
pub mod text;
pub mod theme;
pub mod watch;

use std::collections::{BTreeMap, HashMap};
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::Context as _;
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

/// Where a build leaves the site it replaced, for the next build to empty and write into
/// (see `output::Staging::prepare`).
fn spare_folders(root: &Path) -> PathBuf {
    root.join(".passerelle").join("output-folders")
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
    /// The search outputs (index, related pages, static form) are the last build's and
    /// may be out of date: a [`Project::build`] renews them.
    pub search_stale: bool,
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

    /// A stage that ran on a thread of its own, beside the ones timed since: its wall
    /// time only.
    fn beside(&mut self, stage: &'static str, wall: Duration) {
        self.timings.push(StageTiming {
            stage,
            wall,
            cpu: None,
            peak: None,
        });
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
    /// The configuration of the last build that could read site.toml.
    config: Option<std::sync::Arc<SiteConfig>>,
    caches: incremental::Caches,
    /// How many pages the last build rendered (the rest were reused).
    rendered: usize,
    /// The search index as the last build left it (when `index` is on).
    search: Option<std::sync::Arc<search::SearchIndex>>,
    /// Where the pipeline counts what it has done, for whoever shows it.
    progress: std::sync::Arc<progress::Progress>,
    /// The process ends once this project has built ([`Project::ending_the_process`]).
    ends_process: bool,
}

/// Which part of the site a build makes again.
enum Scope {
    /// Everything (outputs whose view did not change are still reused).
    All,
    /// Only what reads these pages, whose bodies alone changed: the last build's structure
    /// stays.
    Bodies(Vec<resolve::PageId>),
}

impl Project {
    pub fn new(opts: BuildOptions) -> Self {
        Self {
            opts,
            config: None,
            caches: incremental::Caches::kept(),
            rendered: 0,
            search: None,
            progress: std::sync::Arc::default(),
            ends_process: false,
        }
    }

    /// What the pipeline has done so far, updated as it runs (see [`progress::Progress`]).
    pub fn progress(&self) -> std::sync::Arc<progress::Progress> {
        std::sync::Arc::clone(&self.progress)
    }

    /// A project built once: nothing is kept for a next build.
    pub fn one_shot(opts: BuildOptions) -> Self {
        Self {
            caches: incremental::Caches::default(),
            ..Self::new(opts)
        }
    }

    /// Marks the build as the last work of the process (`passerelle build`): what the
    /// build held is left for the system to take back with the process, at once, rather
    /// than freed allocation by allocation on one core after the site is written (about
    /// 40 ms at 10,000 pages). The caller leaves the project and its outcome too.
    pub fn ending_the_process(mut self) -> Self {
        self.ends_process = true;
        self
    }

    pub fn options(&self) -> &BuildOptions {
        &self.opts
    }

    /// The site's configuration as the last build read it (`None` before a build, or if
    /// site.toml never could be read).
    pub fn config(&self) -> Option<&std::sync::Arc<SiteConfig>> {
        self.config.as_ref()
    }

    /// How many pages the last build rendered (the rest were reused).
    pub fn rendered(&self) -> usize {
        self.rendered
    }

    /// The search index of the last build that made one.
    pub fn search_index(&self) -> Option<&std::sync::Arc<search::SearchIndex>> {
        self.search.as_ref()
    }

    /// The context each template got in the last build, by template (see
    /// [`render::template_contexts`]); `None` unless the last build succeeded, kept its
    /// caches and wrote nothing.
    pub fn template_contexts(&mut self) -> Option<Vec<(String, serde_json::Value)>> {
        let last = self.caches.start(self.caches.base())?;
        let (theme, _) = theme::Theme::load(&self.opts.root, &last.site.config);
        let input = render::RenderInput {
            site: &last.site,
            theme: &theme,
            bodies: &last.bodies,
            related: &last.related,
            today: last.today,
            base: self.caches.base(),
            progress: None,
        };
        let contexts = render::template_contexts(&input);
        self.caches.keep_last(last);
        Some(contexts)
    }

    /// Builds everything.
    pub fn build(&mut self) -> anyhow::Result<BuildOutcome> {
        self.run(None)
    }

    /// Builds again after the files at `changed` (absolute paths, as the watcher reports
    /// them) changed, pages first: an edit of page bodies redoes only what reads them
    /// (`patch` in the outcome), and the search outputs of the last build are reused
    /// (`search_stale` in the outcome: a [`Project::build`] must follow to renew them).
    pub fn build_after(&mut self, changed: &[PathBuf]) -> anyhow::Result<BuildOutcome> {
        self.run(Some(changed))
    }

    /// The pipeline, read top to bottom. Each stage adds the problems it finds; a stage
    /// runs only when no error came before it that would make its work meaningless.
    #[allow(clippy::too_many_lines)]
    fn run(&mut self, changed: Option<&[PathBuf]>) -> anyhow::Result<BuildOutcome> {
        let mut clock = Stopwatch::new();
        let opts = self.opts.clone();
        let root = opts.root.as_path();
        let mut outcome = BuildOutcome::default();

        // Configuration and theme: what every output depends on.
        let mut config = match SiteConfig::load(root) {
            Ok(c) => c,
            Err(d) => {
                self.caches.start(0);
                outcome.diagnostics = d;
                return Ok(outcome);
            }
        };
        if let Some(url) = &opts.base_url {
            config.set_base_url(url);
        }
        self.config = Some(std::sync::Arc::new(config.clone()));
        let drafts = opts.drafts || config.drafts;
        let output_dir = opts
            .output
            .clone()
            .unwrap_or_else(|| root.join(&config.output_dir));
        // Before any work: a folder that is not ours to replace is refused at once. The
        // staging folder is started now: made of the last replaced site, it is emptied
        // while the pages load.
        let write_dir = if opts.write {
            Some(output::claim(root, &output_dir, opts.force)?)
        } else {
            None
        };
        let preparing = match &write_dir {
            Some(dir) => Some(output::Staging::prepare(dir, Some(&spare_folders(root)))?),
            None => None,
        };
        self.progress.stage("loading", 0);
        let (theme, mut diags) = theme::Theme::load(root, &config);
        let today = model::Date::today();
        let base = base_hash(root, &theme, &opts, today)?;
        let last = self.caches.start(base);
        clock.lap("theme");

        // Load and resolve, or keep the last build's structure for an edit of bodies.
        let edit = match changed {
            Some(changed) if !opts.write => self.caches.body_edit(root, changed, last),
            _ => None,
        };
        let (site, scope, copies, mut bodies, mut page_diags, last_related);
        match edit {
            Some(edit) => {
                let last = edit.last;
                diags = last.other_diags;
                site = last.site;
                copies = last.copies;
                bodies = last.bodies;
                page_diags = last.page_diags;
                last_related = Some(last.related);
                outcome.pages = last.pages;
                scope = Scope::Bodies(edit.edited);
                clock.lap("load + front matter");
            }
            None => {
                let (loaded, d) = load::load_pages(root, &config, drafts, self.caches.load());
                diags.extend(d);
                let (c, d) = site_static_files(root);
                diags.extend(d);
                copies = c;
                clock.lap("load + front matter");
                let (s, d) = resolve::resolve(config, loaded.pages, &loaded.unreadable);
                diags.extend(d);
                site = s;
                bodies = Vec::new();
                page_diags = Vec::new();
                last_related = None;
                outcome.pages = site
                    .pages
                    .iter()
                    .filter(|p| matches!(p.role, model::Role::Page { .. }))
                    .count();
                scope = Scope::All;
                clock.lap("resolve");
            }
        }

        // Markdown: every page, or the edited ones; the others are kept by fingerprint.
        let ids: Vec<resolve::PageId> = match &scope {
            Scope::All => (0..site.pages.len()).collect(),
            Scope::Bodies(edited) => edited.clone(),
        };
        self.progress.stage("Markdown", ids.len());
        // The templates, parsed once. A build that keeps nothing writes each content
        // page's outputs as soon as its Markdown is rendered, and the listings after the
        // Markdown: no page's HTML is kept beyond its own outputs, so the site's HTML and
        // the search index are never in memory together. The outputs that list related
        // pages wait for the index.
        let rendering = if self.caches.keeps() {
            Rendering::Cached
        } else {
            match render::parse_templates(&theme) {
                Ok(templates) => Rendering::Split(Box::new(templates)),
                Err(d) => {
                    diags.extend(d);
                    Rendering::Broken
                }
            }
        };
        // The output is streamed into the staging folder as it is made; it goes away
        // unless the build succeeds.
        let staging = match preparing {
            Some(preparing) => Some(std::sync::Arc::new(preparing.ready()?)),
            None => None,
        };
        let no_related = HashMap::new();
        let writer_input = render::RenderInput {
            site: &site,
            theme: &theme,
            bodies: &[],
            related: &no_related,
            today,
            base,
            progress: None,
        };
        let writer = match &rendering {
            Rendering::Split(templates) => Some(render::PageWriter::new(
                &writer_input,
                templates,
                staging.as_deref(),
            )),
            _ => None,
        };

        // A build that keeps nothing sets each page's text aside for the search index in a
        // file, not in memory (see spill.rs).
        let spill = match &rendering {
            Rendering::Split(_) if opts.index => {
                let dir = index_dir(root);
                let dir = dir.parent().unwrap_or(root);
                Some(spill::Spill::new(dir).with_context(|| {
                    format!("cannot make a temporary file in {}", dir.display())
                })?)
            }
            _ => None,
        };
        let RenderedBodies {
            fresh,
            spots,
            mut files,
            template_diags,
        } = self.render_bodies(&site, &ids, writer.as_ref(), spill.as_ref())?;
        drop(writer);
        let mut rendered = files.len();
        match &scope {
            Scope::All => {
                (bodies, page_diags) = fresh.into_iter().unzip();
                self.caches.keep_bodies(&site, &bodies, &page_diags);
            }
            Scope::Bodies(edited) => {
                for (&id, (body, d)) in edited.iter().zip(fresh) {
                    if d.iter().any(Diagnostic::is_error) {
                        // New problems: the whole pipeline reports them in their context.
                        return self.run(None);
                    }
                    self.caches
                        .keep_body(&site.pages[id], (body.clone(), d.clone()));
                    bodies[id] = body;
                    page_diags[id] = d;
                }
            }
        }
        clock.lap(if matches!(rendering, Rendering::Split(_)) {
            "markdown + pages"
        } else {
            "markdown"
        });
        let has_errors = |other: &[Diagnostic], pages: &[Vec<Diagnostic>]| {
            other
                .iter()
                .chain(pages.iter().flatten())
                .any(Diagnostic::is_error)
        };
        if has_errors(&diags, &page_diags) {
            // The pages' template problems are not reported: they may follow from these.
            diags.extend(page_diags.into_iter().flatten());
            return Ok(finish(outcome, diags, clock));
        }
        diags.extend(template_diags);
        let mut related = last_related.unwrap_or_default();

        if let Rendering::Split(templates) = &rendering {
            let input = render::RenderInput {
                site: &site,
                theme: &theme,
                bodies: &bodies,
                related: &no_related,
                today,
                base,
                progress: Some(&self.progress),
            };
            let part = render::Part::Listings;
            let (pages, d, n) = render::render_part(&input, templates, staging.as_deref(), part)?;
            files.extend(pages);
            diags.extend(d);
            rendered += n;
            clock.lap("templates");
        }

        // Search: the index, related pages and the static search form; reused from the
        // last build when pages go first (`build_after`).
        let reuse_search = match scope {
            Scope::Bodies(_) => Some(None),
            Scope::All if changed.is_some() => self.caches.search_outputs(&site).map(Some),
            Scope::All => None,
        };
        let mut form: Option<SearchForm> = None;
        match reuse_search {
            _ if !opts.index => {}
            Some(kept) => {
                if let Some((kept_files, kept_related)) = kept {
                    files.extend(kept_files);
                    related = kept_related;
                }
                outcome.search_stale = true;
                clock.lap("search (reused)");
            }
            None => {
                self.progress.stage("search index", 0);
                let spilled = match spill {
                    Some(spill) => Some((spill.into_reader()?, spots)),
                    None => None,
                };
                let index = self
                    .index(root, &site, &bodies, spilled)?
                    .with_synonyms(&site.config.synonyms)?
                    .with_form_cache(search::form_cache::path_for(&index_dir(root)));
                clock.lap("search index");
                let index = std::sync::Arc::new(index);
                // Most of the static form's time is spent writing its thousands of files,
                // which leaves a core idle: it is made beside the related pages and the
                // templates that follow.
                form = Some(SearchForm::spawn(
                    std::sync::Arc::clone(&index),
                    staging.clone(),
                    self.caches.keeps(),
                )?);
                self.progress.stage("related pages", 0);
                related = related_pages(&site, &index)?;
                clock.lap("related pages");
                self.search = Some(index);
            }
        }

        // Templates: every output whose view changed, or those that read edited pages.
        let input = render::RenderInput {
            site: &site,
            theme: &theme,
            bodies: &bodies,
            related: &related,
            today,
            base,
            progress: Some(&self.progress),
        };
        let (pages, d, n) = match (&rendering, &scope, self.caches.render()) {
            (Rendering::Broken, _, _) => (Vec::new(), Vec::new(), 0),
            (Rendering::Split(templates), _, _) => {
                let part = render::Part::Related;
                render::render_part(&input, templates, staging.as_deref(), part)?
            }
            (Rendering::Cached, Scope::Bodies(edited), Some(cache)) => {
                render::render_changed(&input, cache, edited)
            }
            (Rendering::Cached, _, cache) => {
                render::render_site(&input, cache, staging.as_deref())?
            }
        };
        if matches!(scope, Scope::Bodies(_)) && !d.is_empty() {
            return self.run(None);
        }
        files.extend(pages);
        self.rendered = rendered + n;
        diags.extend(d);
        clock.lap(match rendering {
            Rendering::Split(_) => "templates, related",
            _ => "templates",
        });

        // Feeds, the sitemap and static files. They read front matter only, which an edit
        // of bodies keeps: such an edit reuses them with the rest of the structure.
        if let Scope::All = scope {
            self.progress.stage("feeds", 0);
            if has_errors(&diags, &[]) {
                diags.extend(page_diags.into_iter().flatten());
                return Ok(finish(outcome, diags, clock));
            }
            // Made while the search form is finished beside them: they read the front
            // matter, and the sitemap lists pages, none of the form's files.
            let feeds =
                self.make_feeds(&site, &theme, &copies, today, staging.as_deref(), &files)?;
            clock.lap("feeds");
            if let Some(form) = form.take() {
                let (form_files, took) = form.wait()?;
                clock.lap("search form, waiting");
                clock.beside("search form, alongside", took);
                self.caches
                    .keep_search_outputs(&site, &form_files, &related);
                files.extend(form_files);
            }
            let collisions = self.write_feeds(feeds, &copies, staging.as_deref(), &mut files)?;
            diags.extend(collisions);
            if has_errors(&diags, &[]) {
                diags.extend(page_diags.into_iter().flatten());
                return Ok(finish(outcome, diags, clock));
            }
        }

        drop(form);
        if let Some(staging) = staging {
            let staging = std::sync::Arc::into_inner(staging)
                .context("the staging folder is still being written to")?;
            self.progress.stage("writing", 0);
            staging.copy_all(&copies)?;
            staging.commit()?;
            clock.lap("write");
            outcome.output_dir = Some(output_dir);
        }
        outcome.patch = matches!(scope, Scope::Bodies(_));
        outcome.copies.clone_from(&copies);
        outcome.files = files;
        let mut all_diags = diags.clone();
        all_diags.extend(page_diags.iter().flatten().cloned());
        if self.ends_process {
            std::mem::forget((site, theme, bodies, related, copies, diags, page_diags));
        } else if !opts.write {
            self.caches.keep_last(incremental::LastBuild {
                site,
                today,
                bodies,
                related,
                copies,
                other_diags: diags,
                page_diags,
                pages: outcome.pages,
            });
        }
        Ok(finish(outcome, all_diags, clock))
    }
}

/// The static search form, made and written on a thread of its own while the build goes
/// on; waited for when dropped, so that no file is written after the build returns.
struct SearchForm {
    thread: Option<std::thread::JoinHandle<anyhow::Result<FormFiles>>>,
}

/// The static search form's files, and how long it took to make and write them.
type FormFiles = (Vec<OutputFile>, Duration);

impl SearchForm {
    /// Exports `index` and writes the files to `staging` if any; a build that does not
    /// `keep` them then forgets their bytes.
    fn spawn(
        index: std::sync::Arc<search::SearchIndex>,
        staging: Option<std::sync::Arc<output::Staging>>,
        keep: bool,
    ) -> anyhow::Result<SearchForm> {
        // Named, so that a profile tells its time from the rest of the build's.
        let thread = std::thread::Builder::new()
            .name("search-form".into())
            .spawn(move || {
                let started = Instant::now();
                let files = match staging.as_deref() {
                    Some(staging) if !keep => write_form(&index, staging)?,
                    _ => {
                        let mut files = Vec::new();
                        for file in search_files(index.export_static()?) {
                            files.push(output::stream(staging.as_deref(), file, keep)?);
                        }
                        files
                    }
                };
                Ok((files, started.elapsed()))
            })?;
        Ok(SearchForm {
            thread: Some(thread),
        })
    }

    fn wait(mut self) -> anyhow::Result<FormFiles> {
        let thread = self
            .thread
            .take()
            .context("the search form was already taken")?;
        thread
            .join()
            .map_err(|_| anyhow::anyhow!("the search form's thread panicked"))?
    }
}

impl Drop for SearchForm {
    fn drop(&mut self) {
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// The form's files as outputs, from their paths under `public/search/`.
fn search_files(files: search::export::Files) -> impl Iterator<Item = OutputFile> {
    files.into_iter().map(|(path, bytes)| {
        let path = format!("search/{}", path.to_string_lossy().replace('\\', "/"));
        OutputFile::new(path, bytes)
    })
}

/// Writes the static form of `index` to `staging` as it is made: the data files under a
/// provisional folder, renamed to their generation at the end. Returns the files written,
/// without their bytes.
fn write_form(
    index: &search::SearchIndex,
    staging: &output::Staging,
) -> anyhow::Result<Vec<OutputFile>> {
    const PROVISIONAL: &str = "search/.being-written";
    let mut written = Vec::new();
    let form = index.export_streamed(&mut |path, bytes| {
        let file = OutputFile::new(format!("{PROVISIONAL}/{path}"), bytes);
        staging.write_scattered(&file)?;
        written.push(path);
        Ok(())
    })?;
    let (generation, top) = match form {
        search::Form::Kept(files) => {
            // A rebuild that changed nothing the form reads: written where the current site
            // has them, which lets the staging folder link the unchanged files.
            return search_files(files)
                .map(|file| output::stream(Some(staging), file, false))
                .collect();
        }
        search::Form::Made { generation, top } => (generation, top),
    };
    if !written.is_empty() {
        staging.rename(PROVISIONAL, &format!("search/{generation}"))?;
    }
    let mut files: Vec<OutputFile> = written
        .into_iter()
        .map(|path| OutputFile::new(format!("search/{generation}/{path}"), Vec::new()))
        .collect();
    for file in search_files(top) {
        files.push(output::stream(Some(staging), file, false)?);
    }
    Ok(files)
}

/// The feeds, calendars, theme files and sitemap of a build, made before they are
/// written ([`Project::make_feeds`]).
struct Feeds {
    files: Vec<OutputFile>,
    /// The streamed sitemap's name, when it went to its file as it was made.
    sitemap_name: Option<OutputFile>,
}

/// How a build renders its templates.
enum Rendering {
    /// Keeping a cache (serve, watch): every output after the search index, those whose
    /// view did not change reused.
    Cached,
    /// Keeping nothing: in two parts around the search index ([`render::Part`]).
    Split(Box<render::Templates>),
    /// The templates do not parse (reported): nothing to render.
    Broken,
}

/// The search document of page `id`, whose text is `text`; `None` but for a content
/// page.
fn index_doc(site: &resolve::Site, id: resolve::PageId) -> Option<search::IndexDoc> {
    let p = &site.pages[id];
    let kind = p.kind()?;
    let mut facets: Vec<(String, String)> =
        p.fm.taxonomies
            .iter()
            .filter(|(tax, _)| site.config.taxonomy(tax).is_some())
            .flat_map(|(tax, terms)| terms.iter().map(move |t| (tax.clone(), t.value.clone())))
            .collect();
    // No taxonomy can be named `evidence`: it is a front-matter field.
    if let Some((level, _)) = p.fm.fields.level() {
        facets.push((search::EVIDENCE_FACET.to_string(), level.to_string()));
    }
    Some(search::IndexDoc {
        key: p.key.clone(),
        lang: p.lang.clone(),
        kind: kind.as_str().to_string(),
        url: site.urls[id].clone(),
        title: p.fm.title.clone(),
        summary: p.fm.summary.clone(),
        body: std::sync::Arc::default(),
        date: p.fm.date.map(|d| d.to_string()).unwrap_or_default(),
        facets,
    })
}

/// How many related pages a forum lists.
const RELATED: usize = 5;

/// For each forum: pages of its language related to it, found by the search index
/// (beyond the cases it already lists).
fn related_pages(
    site: &resolve::Site,
    index: &search::SearchIndex,
) -> anyhow::Result<HashMap<resolve::PageId, Vec<resolve::PageId>>> {
    let forums: Vec<resolve::PageId> = (0..site.pages.len())
        .filter(|&id| site.pages[id].lists_related())
        .collect();
    let asks: Vec<(String, String, Vec<String>)> = forums
        .iter()
        .map(|&id| {
            let p = &site.pages[id];
            let mut exclude: Vec<String> =
                p.fm.fields.cases.iter().map(|c| c.value.clone()).collect();
            exclude.push(p.key.clone());
            (p.key.clone(), p.lang.clone(), exclude)
        })
        .collect();
    let answers = index.related_many(&asks, RELATED)?;
    Ok(forums
        .into_iter()
        .zip(answers)
        .map(|(id, hits)| {
            let ids = hits
                .iter()
                .filter_map(|(key, lang)| site.page(key, lang))
                .collect();
            (id, ids)
        })
        .collect())
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

/// What the Markdown stage makes of the pages it renders, in the order they were asked.
struct RenderedBodies {
    /// Each page's rendered body and the problems of its Markdown.
    fresh: Vec<incremental::Body>,
    /// Where each page's text was set aside for the search index, if it was.
    spots: Vec<Option<spill::Spot>>,
    /// The pages' own outputs, written as they were rendered.
    files: Vec<OutputFile>,
    /// The problems of those outputs' templates.
    template_diags: Vec<Diagnostic>,
}

impl Project {
    /// The Markdown of the pages `ids` rendered, or kept from the last build. A build
    /// that keeps nothing reads each body from its file here (model::Body::InFile), so
    /// that the site's Markdown is never all in memory, writes the page's outputs
    /// (`writer`) and sets its text aside for the search index (`spill`) as soon as it is
    /// rendered; serve and watch, which keep their caches, keep the text in memory.
    fn render_bodies(
        &self,
        site: &resolve::Site,
        ids: &[resolve::PageId],
        writer: Option<&render::PageWriter>,
        spill: Option<&spill::Spill>,
    ) -> anyhow::Result<RenderedBodies> {
        let root = self.opts.root.as_path();
        let keeps_text = self.caches.keeps();
        type Made = (
            incremental::Body,
            Option<spill::Spot>,
            Vec<OutputFile>,
            Vec<Diagnostic>,
        );
        let made: Vec<Made> = ids
            .par_iter()
            .map(|&id| {
                let page = &site.pages[id];
                let mut body = self.caches.body(page, site).unwrap_or_else(|| {
                    let (mut body, d) = match load::body_text(root, page, &page.body) {
                        Ok(markdown) => markdown::render(page, &markdown, site),
                        Err(problem) => (markdown::render(page, "", site).0, vec![problem]),
                    };
                    if keeps_text {
                        body.text = body.text.packed();
                    }
                    (std::sync::Arc::new(body), d)
                });
                let spot = match spill {
                    Some(spill) if page.kind().is_some() => {
                        Some(spill.put(body.0.text.as_bytes())?)
                    }
                    _ => None,
                };
                let written = match writer {
                    Some(writer) => writer.write(id, &body.0)?,
                    None => None,
                };
                // Its outputs are written and its text set aside: nothing reads either
                // again from here.
                if written.is_some()
                    && let Some(rendered) = std::sync::Arc::get_mut(&mut body.0)
                {
                    rendered.html = String::new();
                    rendered.text = rendered.text.without_bytes();
                }
                self.progress.advance();
                let (pages, page_template_diags) = written.unwrap_or_default();
                Ok((body, spot, pages, page_template_diags))
            })
            .collect::<anyhow::Result<_>>()?;
        let mut out = RenderedBodies {
            fresh: Vec::with_capacity(made.len()),
            spots: Vec::with_capacity(made.len()),
            files: Vec::new(),
            template_diags: Vec::new(),
        };
        for (body, spot, pages, d) in made {
            out.fresh.push(body);
            out.spots.push(spot);
            out.files.extend(pages);
            out.template_diags.extend(d);
        }
        Ok(out)
    }

    /// The feeds, calendars and theme files of the site, and the sitemap of `files`
    /// (streamed to its file by a build that keeps nothing).
    fn make_feeds(
        &self,
        site: &resolve::Site,
        theme: &theme::Theme,
        copies: &[(PathBuf, String)],
        today: model::Date,
        staging: Option<&output::Staging>,
        files: &[OutputFile],
    ) -> anyhow::Result<Feeds> {
        let mut made = Vec::new();
        for lang in &site.config.languages {
            made.push(feeds::atom(site, lang, site.config.title.get(lang)));
            made.extend(feeds::calendars(site, lang, today));
        }
        // A build that keeps nothing streams the sitemap to its file; its name counts for
        // collisions all the same.
        let streamed_sitemap = staging.filter(|_| !self.caches.keeps());
        let sitemap_name =
            streamed_sitemap.map(|_| OutputFile::new(feeds::SITEMAP.into(), Vec::new()));
        if let Some(staging) = streamed_sitemap {
            staging.write_streamed(feeds::SITEMAP, |out| feeds::write_sitemap(out, files))?;
        } else {
            made.push(feeds::sitemap(files));
        }
        made.extend(theme_static_files(theme, copies));
        Ok(Feeds {
            files: made,
            sitemap_name,
        })
    }

    /// Adds `feeds` to `files` (streamed to `staging`), unless a static file of the site or
    /// theme would take the place of an output (`copies` against all of them): then it
    /// returns those errors and writes nothing more (a sitemap already streamed goes with
    /// the failed build's staging folder).
    fn write_feeds(
        &self,
        feeds: Feeds,
        copies: &[(PathBuf, String)],
        staging: Option<&output::Staging>,
        files: &mut Vec<OutputFile>,
    ) -> anyhow::Result<Vec<Diagnostic>> {
        let generated = files.iter().chain(&feeds.files).chain(&feeds.sitemap_name);
        let collisions = static_collisions(copies, generated);
        if collisions.iter().any(Diagnostic::is_error) {
            return Ok(collisions);
        }
        files.extend(feeds.sitemap_name);
        for file in feeds.files {
            files.push(output::stream(staging, file, self.caches.keeps())?);
        }
        Ok(collisions)
    }

    /// The search index of the site, brought up to date with every page's text: from
    /// `bodies`, or from the file a build that keeps nothing set it aside in.
    fn index(
        &self,
        root: &Path,
        site: &resolve::Site,
        bodies: &[std::sync::Arc<markdown::Rendered>],
        mut spilled: Option<(spill::Spilled, Vec<Option<spill::Spot>>)>,
    ) -> anyhow::Result<search::SearchIndex> {
        let mut update = search::SearchIndex::start(&index_dir(root))?;
        for (id, body) in bodies.iter().enumerate() {
            let Some(doc) = index_doc(site, id) else {
                continue;
            };
            let text = || -> anyhow::Result<std::sync::Arc<str>> {
                let text = match &mut spilled {
                    None => body.text.unpack(),
                    Some((file, spots)) => match spots.get(id).copied().flatten() {
                        None => String::new(),
                        Some(spot) => markdown::PackedText::unpack_bytes(&file.get(spot)?)
                            .context("a page's text came back damaged from its temporary file")?,
                    },
                };
                Ok(text.into())
            };
            update.add_unread(doc, body.text.text_hash(), text)?;
        }
        update.finish()
    }
}

/// Hash of what every output depends on: site.toml, the theme, the options, the day.
fn base_hash(
    root: &Path,
    theme: &theme::Theme,
    opts: &BuildOptions,
    today: model::Date,
) -> anyhow::Result<u64> {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    let config = root.join(config::CONFIG_FILE);
    std::fs::read(&config)
        .with_context(|| format!("cannot read {}", config.display()))?
        .hash(&mut h);
    theme.templates.hash(&mut h);
    theme.strings.hash(&mut h);
    (&opts.base_url, opts.drafts).hash(&mut h);
    today.hash(&mut h);
    Ok(h.finish())
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
