//! Incremental builds (`serve`, `watch`): everything one build keeps for the next.
//!
//! The pipeline in lib.rs is the same for every build; a [`Caches`] feeds it. A one-shot
//! build's caches are off: they keep nothing, so the pipeline streams pages to disk and
//! drops what it no longer needs. Kept caches are only valid for the configuration,
//! theme, options and day they were filled with: [`Caches::start`] drops them otherwise.
//!
//! What is reused is decided by the dependency data each stage records, never by a list
//! kept by hand: a file by its size and time stamp, a rendered body by its fingerprint
//! ([`markdown::fingerprint`]), an output by the hash of its view and the pages that view
//! read ([`render::RenderCache`]). An edit that changes only the bodies of known pages
//! keeps the last build's structure (its resolved `Site`): the pipeline then redoes the
//! pages edited and the outputs whose views read them ([`Caches::body_edit`]).

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::diagnostics::Diagnostic;
use crate::load::{self, LoadCache};
use crate::markdown::{self, Rendered};
use crate::model::{Date, Page};
use crate::output::OutputFile;
use crate::render::RenderCache;
use crate::resolve::{PageId, Site};

/// What a rendered body is cached as: the body and the problems found rendering it.
pub type Body = (Arc<Rendered>, Vec<Diagnostic>);

/// Related pages of each forum, found by the search index.
pub type Related = HashMap<PageId, Vec<PageId>>;

/// The caches of a [`crate::Project`].
#[derive(Default)]
pub struct Caches {
    on: bool,
    /// What the caches were filled under: site.toml, the theme, the options, the day.
    base: u64,
    load: LoadCache,
    bodies: HashMap<(String, String), Body>,
    render: RenderCache,
    search: Option<SearchOutputs>,
    last: Option<LastBuild>,
}

/// What the search stages produced, by page key, so a later build can reuse it.
pub struct SearchOutputs {
    pub files: Vec<OutputFile>,
    related: HashMap<(String, String), Vec<(String, String)>>,
}

/// What a good build made and read: the structure a body edit keeps.
pub struct LastBuild {
    pub site: Site,
    pub today: Date,
    pub bodies: Vec<Arc<Rendered>>,
    pub related: Related,
    pub copies: Vec<(PathBuf, String)>,
    /// Every diagnostic but those of the Markdown stage, which are by page in `page_diags`.
    pub other_diags: Vec<Diagnostic>,
    pub page_diags: Vec<Vec<Diagnostic>>,
    pub pages: usize,
}

/// An edit of page bodies only, read again: the last build with the edited pages in.
pub struct BodyEdit {
    pub last: LastBuild,
    pub edited: Vec<PageId>,
}

impl Caches {
    /// Caches that keep what a next build can reuse.
    pub fn kept() -> Self {
        Self {
            on: true,
            ..Self::default()
        }
    }

    /// Whether anything is kept (`serve`, `watch`), or the build is one-shot.
    pub fn keeps(&self) -> bool {
        self.on
    }

    /// Starts a build under `base`: caches filled under another one are dropped. The last
    /// build's structure is taken: only a build that succeeds puts it back.
    pub fn start(&mut self, base: u64) -> Option<LastBuild> {
        if base != self.base {
            *self = Self {
                on: self.on,
                base,
                ..Self::default()
            };
        }
        self.last.take()
    }

    /// What the caches were filled under.
    pub fn base(&self) -> u64 {
        self.base
    }

    pub fn load(&mut self) -> Option<&mut LoadCache> {
        self.on.then_some(&mut self.load)
    }

    pub fn render(&mut self) -> Option<&mut RenderCache> {
        self.on.then_some(&mut self.render)
    }

    /// The rendered body of `page` from an earlier build, if its fingerprint still holds.
    pub fn body(&self, page: &Page, site: &Site) -> Option<Body> {
        let (body, diags) = self.bodies.get(&(page.key.clone(), page.lang.clone()))?;
        (markdown::fingerprint(page, site, &body.links) == body.fingerprint)
            .then(|| (Arc::clone(body), diags.clone()))
    }

    /// Keeps the bodies of this build (only theirs: those of deleted pages go).
    pub fn keep_bodies(
        &mut self,
        site: &Site,
        bodies: &[Arc<Rendered>],
        diags: &[Vec<Diagnostic>],
    ) {
        if !self.on {
            return;
        }
        self.bodies = site
            .pages
            .iter()
            .zip(bodies.iter().zip(diags))
            .map(|(p, (b, d))| ((p.key.clone(), p.lang.clone()), (Arc::clone(b), d.clone())))
            .collect();
    }

    /// Replaces the kept bodies of some pages.
    pub fn keep_body(&mut self, page: &Page, body: Body) {
        if self.on {
            self.bodies
                .insert((page.key.clone(), page.lang.clone()), body);
        }
    }

    /// The search outputs of the last build that made them, mapped onto `site`.
    pub fn search_outputs(&self, site: &Site) -> Option<(Vec<OutputFile>, Related)> {
        let kept = self.search.as_ref()?;
        let related = kept
            .related
            .iter()
            .filter_map(|((key, lang), rel)| {
                let id = site.page(key, lang)?;
                Some((
                    id,
                    rel.iter().filter_map(|(k, l)| site.page(k, l)).collect(),
                ))
            })
            .collect();
        Some((kept.files.clone(), related))
    }

    pub fn keep_search_outputs(&mut self, site: &Site, files: &[OutputFile], related: &Related) {
        if !self.on {
            return;
        }
        let key_of = |id: PageId| (site.pages[id].key.clone(), site.pages[id].lang.clone());
        self.search = Some(SearchOutputs {
            files: files.to_vec(),
            related: related
                .iter()
                .map(|(&id, rel)| (key_of(id), rel.iter().map(|&r| key_of(r)).collect()))
                .collect(),
        });
    }

    pub fn keep_last(&mut self, last: LastBuild) {
        if self.on {
            self.last = Some(last);
        }
    }

    /// When the files at `changed` (absolute paths, as the watcher reports them) are pages
    /// of `last` whose front matter is as before (the usual edit of a text): `last` with
    /// those pages read again. `None` for any other change (site.toml, a template, a
    /// static file, a new or deleted page, front matter): the whole pipeline runs.
    pub fn body_edit(
        &mut self,
        root: &Path,
        changed: &[PathBuf],
        last: Option<LastBuild>,
    ) -> Option<BodyEdit> {
        let mut last = last.filter(|l| l.today == Date::today())?;
        let root_real = root.canonicalize().ok()?;
        let mut edited = Vec::new();
        for path in changed {
            let rel = path.strip_prefix(&root_real).ok()?;
            let markdown =
                rel.starts_with(load::CONTENT_DIR) && rel.extension().is_some_and(|e| e == "md");
            if !markdown {
                if path.exists() {
                    return None;
                }
                // An editor's temporary file, already gone.
                continue;
            }
            let id = last.site.pages.iter().position(|p| p.path == rel)?;
            let mut page = self.load.reread(root, rel, &last.site.config)?;
            // Its front matter is as it was: keep what resolve added to it (the fields a
            // translation takes from its source, a lesson's derived evidence level).
            std::sync::Arc::make_mut(&mut page)
                .fm
                .clone_from(&last.site.pages[id].fm);
            last.site.pages[id] = page;
            edited.push(id);
        }
        (!edited.is_empty()).then_some(BodyEdit { last, edited })
    }
}
