//! Search: one tantivy index answering `passerelle search`, the `serve` endpoint and,
//! through a static form derived from it, the search page of the published site.
//!
//! Input: one [`IndexDoc`] per page and language, produced by the build. Output: a
//! [`SearchIndex`] kept in `.passerelle/index/`, [`SearchResponse`]s, related pages, and
//! the files of `public/search/` ([`SearchIndex::export_static`]).
//!
//! Invariant: the three front ends return the same hits in the same order, the same
//! total and the same facet counts for the same request. That holds because the query
//! language is defined once (see [`query`]), the browser gets every BM25 input tantivy
//! uses (see [`export`]) and the statistics do not depend on how the index was built
//! (see [`index`]). `tests/it/search_parity.rs` checks it by running `assets/search.js`
//! under Node against this module.
//!
//! Modules: [`analysis`] (tokenizer, elision, French endings), [`directory`] (how the
//! index's files are read), [`index`] (schema, the
//! one analyzer-registering function, incremental sync, statistics), [`keys`] (the words
//! of the live documents, kept beside the index), [`query`] (query
//! language, tantivy queries, collector, snippets, related pages), [`export`] (the
//! static form).

pub mod analysis;
mod directory;
pub mod export;
pub mod form_cache;
pub mod group;
pub mod index;
mod keys;
mod preanalyzed;
pub mod query;
pub mod synonyms;

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

/// One page in one language, as the build hands it to the index.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct IndexDoc {
    /// Page key, language-neutral: `case-studies/food-hub`.
    pub key: String,
    /// `en` or `fr`.
    pub lang: String,
    /// `case-study`, `lesson`, `recommendation`, `forum` or `page`.
    pub kind: String,
    /// Site-relative URL path, e.g. `/fr/etudes-de-cas/carrefour/`.
    pub url: String,
    pub title: String,
    pub summary: String,
    /// Plain text of the rendered body (no markup). Shared: the index queues documents
    /// without copying it. Not serialized: the index compares bodies by their hash.
    #[serde(skip)]
    pub body: std::sync::Arc<str>,
    /// `2024-03-12`.
    pub date: String,
    /// (taxonomy, term id), e.g. `("cities", "toronto")`. `kind` and `lang` are added
    /// by the index.
    pub facets: Vec<(String, String)>,
}

/// A query. See [`query`] for the query language.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct SearchRequest {
    pub query: String,
    /// `None`: both languages.
    pub lang: Option<String>,
    /// (taxonomy, term): OR within a taxonomy, AND across taxonomies; `kind` and
    /// `lang` are taxonomies too.
    pub filters: Vec<(String, String)>,
    /// Number of hits returned (the total and the facet counts cover every match).
    pub limit: usize,
    /// The reader's language: each page is shown, and ranked, in it when it can be (see
    /// [`group`]). `None`: no language is preferred.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reader: Option<String>,
}

/// The answer to a [`SearchRequest`]; its JSON is the contract of `passerelle search
/// --json`, of the `serve` endpoint, and of the browser script's `search()`:
///
/// ```json
/// {
///   "query": "refugie",
///   "total": 42,
///   "hits": [
///     { "rank": 1, "key": "case-studies/food-hub", "lang": "fr", "kind": "case-study",
///       "url": "/fr/etudes-de-cas/carrefour/", "title": "…", "summary": "…",
///       "snippet": "… des personnes [réfugiées] à …", "score": 7.3125 }
///   ],
///   "facets": { "cities": { "toronto": 3 }, "kind": { "case-study": 30 },
///               "lang": { "fr": 42 } }
/// }
/// ```
///
/// `total` counts every matching document after filters; `hits` are the best `limit`
/// of them, by score then by (key, lang); `rank` starts at 1. `facets` maps
/// taxonomy → term id → number of matching documents (after filters) that have the
/// term; terms with no match are absent; `kind` and `lang` are included. `snippet` is
/// plain text with the matched words in `[brackets]`. `score` is tantivy's BM25
/// (f32) and equal in the browser.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct SearchResponse {
    pub query: String,
    pub total: usize,
    pub hits: Vec<Hit>,
    pub facets: BTreeMap<String, BTreeMap<String, usize>>,
}

/// One result. See [`SearchResponse`].
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Hit {
    pub rank: usize,
    pub key: String,
    pub lang: String,
    pub kind: String,
    pub url: String,
    pub title: String,
    pub summary: String,
    /// Plain text, matched words in `[brackets]`.
    pub snippet: String,
    pub score: f32,
    /// The page's other versions, in `LANGS` order.
    #[serde(default)]
    pub also: Vec<Version>,
}

/// Another language's version of a result's page.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Version {
    pub lang: String,
    pub url: String,
}

/// An index being brought up to date by a build, one page at a time: [`Update::add`]
/// each page, then [`Update::finish`]. Only the pages that changed are indexed again;
/// tantivy indexes them on its own threads while more are added.
pub struct Update {
    dir: PathBuf,
    index: tantivy::Index,
    sync: index::Syncing,
}

impl Update {
    /// Makes `doc` one of the index's documents (two with the same key and language are
    /// an error).
    pub fn add(&mut self, doc: &IndexDoc) -> anyhow::Result<()> {
        self.sync.add(doc)
    }

    /// [`Update::add`] for a document whose body (`doc.body` is not looked at) is read
    /// only if the page changed: `body_hash` is its [`crate::text::text_hash`].
    pub fn add_unread(
        &mut self,
        doc: IndexDoc,
        body_hash: u64,
        body: impl FnOnce() -> anyhow::Result<std::sync::Arc<str>>,
    ) -> anyhow::Result<()> {
        self.sync.add_unread(doc, body_hash, body)
    }

    /// Removes the documents of pages not added, commits, and opens the result.
    /// If that fails, the index is dropped, so that the next build makes it afresh
    /// rather than trip again on what this one left (the pages' text is gone by now, so
    /// this build cannot retry).
    pub fn finish(self) -> anyhow::Result<SearchIndex> {
        let dir = self.dir;
        let index = self.index;
        let finished = self
            .sync
            .finish()
            .and_then(|_| SearchIndex::over(index, &dir));
        if let Err(e) = &finished
            && !index::is_locked(e)
        {
            let _ = index::discard(&dir);
        }
        finished
    }
}

/// `once()` on the index in `dir`, and once more on a new index if it fails: the index
/// is a cache, and one that a killed build left unusable is made again. Not when another
/// process (a `serve` of the same site) is writing it: that one is not ours to drop.
fn remade_if_broken<T>(dir: &Path, once: impl Fn() -> anyhow::Result<T>) -> anyhow::Result<T> {
    match once() {
        Ok(done) => Ok(done),
        Err(e) if index::is_locked(&e) => Err(e),
        Err(first) => {
            index::discard(dir)?;
            once().map_err(|e| e.context(format!("after {first:#}")))
        }
    }
}

/// The site's search index (see the module docs).
pub struct SearchIndex {
    index: tantivy::Index,
    snapshot: index::Snapshot,
    synonyms: synonyms::Synonyms,
    /// The synonym sets as site.toml gives them (part of the form's fingerprint).
    synonym_sets: Vec<Vec<String>>,
    /// Where the static form is kept between builds, if it is.
    form_cache: Option<PathBuf>,
    /// [`form_cache::fingerprint`], computed once.
    fingerprint: std::sync::OnceLock<u64>,
    /// The analyzers of related queries, which read the page's text again: a word met in
    /// an earlier page is not analysed again. The key counts they keep are not read.
    related_analyzers: preanalyzed::PageAnalyzers,
}

impl SearchIndex {
    /// Opens or creates the index in `dir` (the site's `.passerelle/index/`), and makes
    /// it equal to `docs`: only documents whose content changed (hash stored in the
    /// index) are re-indexed, removed ones deleted. Search results and export are those
    /// of a fresh index of the same docs (statistics ignore deleted documents and
    /// segment layout; see [`index`]).
    pub fn sync(dir: &Path, docs: &[IndexDoc]) -> anyhow::Result<SearchIndex> {
        remade_if_broken(dir, || {
            let index = index::open_or_create(dir)?;
            index::sync_docs(&index, dir, docs)?;
            SearchIndex::over(index, dir)
        })
    }

    /// Starts bringing the index in `dir` up to date a page at a time (see [`Update`]).
    /// An index a killed build left unusable is made again.
    pub fn start(dir: &Path) -> anyhow::Result<Update> {
        remade_if_broken(dir, || {
            let index = index::open_or_create(dir)?;
            let sync = index::Syncing::new(&index, dir)?;
            Ok(Update {
                dir: dir.to_path_buf(),
                index,
                sync,
            })
        })
    }

    /// Opens the index a build left in `dir`, for `passerelle search`.
    pub fn open(dir: &Path) -> anyhow::Result<SearchIndex> {
        SearchIndex::over(index::open_existing(dir)?, dir)
    }

    /// `index`, kept in `dir`, with a snapshot of it, no synonyms and no form cache.
    fn over(index: tantivy::Index, dir: &Path) -> anyhow::Result<SearchIndex> {
        let snapshot = index::Snapshot::new(&index, dir)?;
        Ok(SearchIndex {
            index,
            snapshot,
            synonyms: synonyms::Synonyms::default(),
            synonym_sets: Vec::new(),
            form_cache: None,
            fingerprint: std::sync::OnceLock::new(),
            related_analyzers: preanalyzed::PageAnalyzers::default(),
        })
    }

    /// The index answering with the synonym sets of site.toml (`[search] synonyms`).
    pub fn with_synonyms(mut self, sets: &[Vec<String>]) -> anyhow::Result<SearchIndex> {
        self.synonyms = synonyms::Synonyms::new(&self.index, sets)?;
        self.synonym_sets = sets.to_vec();
        Ok(self)
    }

    /// The index keeping its static form in `path` between builds (see [`form_cache`]).
    pub fn with_form_cache(mut self, path: Option<PathBuf>) -> SearchIndex {
        self.form_cache = path;
        self
    }

    /// Number of live documents.
    pub fn num_docs(&self) -> u64 {
        self.snapshot.num_docs
    }

    /// Answers a request (see [`query`] for the query language).
    pub fn search(&self, req: &SearchRequest) -> anyhow::Result<SearchResponse> {
        query::search(&self.index, &self.snapshot, &self.synonyms, req)
    }

    /// Pages related to `key` in `lang` (a MoreLikeThis equivalent over the page's
    /// own language fields), excluding the page itself and `exclude` keys, best first.
    /// Unknown page: no hits.
    pub fn related(
        &self,
        key: &str,
        lang: &str,
        exclude: &[String],
        limit: usize,
    ) -> anyhow::Result<Vec<Hit>> {
        query::related(
            &self.related_analyzers,
            &self.snapshot,
            key,
            lang,
            exclude,
            limit,
        )
    }

    fn fingerprint(&self) -> anyhow::Result<u64> {
        if let Some(f) = self.fingerprint.get() {
            return Ok(*f);
        }
        let f = form_cache::fingerprint(&self.snapshot, &self.synonym_sets)?;
        Ok(*self.fingerprint.get_or_init(|| f))
    }

    /// [`SearchIndex::related`] of many pages at once, in parallel: for each
    /// (key, lang, exclude), the (key, lang) of its related pages. With a form cache, the
    /// answers of the last build are kept beside it and reused while the index and the
    /// question are the same.
    pub fn related_many(
        &self,
        asks: &[(String, String, Vec<String>)],
        limit: usize,
    ) -> anyhow::Result<Vec<Vec<(String, String)>>> {
        use rayon::prelude::*;
        let ask_key = |(key, lang, exclude): &(String, String, Vec<String>)| {
            format!("{lang}:{key}:{limit}:{}", exclude.join(","))
        };
        let path = self
            .form_cache
            .as_ref()
            .map(|p| p.with_file_name("related.json"));
        let fingerprint = match &path {
            Some(_) => Some(self.fingerprint()?),
            None => None,
        };
        let kept: BTreeMap<String, Vec<(String, String)>> = match (&path, fingerprint) {
            (Some(p), Some(f)) => std::fs::read(p)
                .ok()
                .and_then(|b| serde_json::from_slice::<RelatedCache>(&b).ok())
                .filter(|c| c.fingerprint == f)
                .map(|c| c.answers)
                .unwrap_or_default(),
            _ => BTreeMap::new(),
        };
        let answers: Vec<Vec<(String, String)>> = asks
            .par_iter()
            .map(|ask| match kept.get(&ask_key(ask)) {
                Some(hit) => Ok(hit.clone()),
                None => query::related_pages(
                    &self.related_analyzers,
                    &self.snapshot,
                    &ask.0,
                    &ask.1,
                    &ask.2,
                    limit,
                ),
            })
            .collect::<anyhow::Result<_>>()?;
        if let (Some(p), Some(fingerprint)) = (&path, fingerprint) {
            let cache = RelatedCache {
                fingerprint,
                answers: asks
                    .iter()
                    .map(ask_key)
                    .zip(answers.iter().cloned())
                    .collect(),
            };
            if cache.answers != kept {
                // Only a copy: answers that cannot be kept are computed again next time.
                let _ = serde_json::to_vec(&cache).map(|b| std::fs::write(p, b));
            }
        }
        Ok(answers)
    }

    /// The static search form: (path relative to `public/search/`, bytes), `meta.json`
    /// and the script first. Deterministic for the same docs; the kept copy when nothing
    /// it reads changed.
    pub fn export_static(&self) -> anyhow::Result<export::Files> {
        let mut data = Vec::new();
        let form = self.export_streamed(&mut |path, bytes| {
            data.push((path, bytes));
            Ok(())
        })?;
        Ok(match form {
            Form::Kept(files) => files,
            Form::Made {
                generation,
                mut top,
            } => {
                let folder = PathBuf::from(generation);
                top.extend(
                    data.into_iter()
                        .map(|(path, bytes)| (folder.join(path), bytes)),
                );
                top
            }
        })
    }

    /// [`SearchIndex::export_static`] for a build that writes the form and keeps
    /// nothing: each data file goes to `write` (path in the generation folder, bytes)
    /// as soon as it is made, so the form is never whole in memory; so does the copy
    /// kept for the next build.
    pub fn export_streamed(&self, write: &mut export::Sink) -> anyhow::Result<Form> {
        let mut keep = None;
        if let Some(cache) = &self.form_cache {
            let fingerprint = self.fingerprint()?;
            if let Some(files) = form_cache::read(cache, fingerprint) {
                return Ok(Form::Kept(files));
            }
            keep = form_cache::Writer::create(cache, fingerprint).ok();
        }
        let (generation, top) = export::export_to(
            &self.index,
            &self.snapshot,
            &self.synonyms,
            &mut |path, bytes| {
                // Only a copy: a form that cannot be kept is made again next time.
                if keep
                    .as_mut()
                    .is_some_and(|kept| kept.in_generation(&path, &bytes).is_err())
                {
                    keep = None;
                }
                write(path, bytes)
            },
        )?;
        if let Some(mut kept) = keep {
            let at_top = top
                .iter()
                .try_for_each(|(name, data)| kept.at_top(&name.to_string_lossy(), data));
            if at_top.is_ok() {
                let _ = kept.finish(&generation);
            }
        }
        Ok(Form::Made { generation, top })
    }
}

/// The static form as [`SearchIndex::export_streamed`] gives it.
pub enum Form {
    /// The kept copy, whole (paths under `public/search/`): nothing it reads changed.
    Kept(export::Files),
    /// Made: its data files went to the writer, for the folder `generation`; these are
    /// the files beside that folder (`meta.json`, the script).
    Made {
        generation: String,
        top: export::Files,
    },
}

/// The related pages of the last build (see [`SearchIndex::related_many`]).
#[derive(Serialize, Deserialize)]
struct RelatedCache {
    fingerprint: u64,
    answers: BTreeMap<String, Vec<(String, String)>>,
}

/// CLI text output: rank, title, language, kind, URL, a highlighted snippet, then
/// facet counts. With `color`, matched words are bold yellow instead of `[bracketed]`.
/// Checks a `--filter` (or `filter=`) against the site's vocabularies, so a typo is
/// reported with the closest term instead of silently matching nothing.
/// The facet group of the evidence levels (`evidence/documented`).
pub const EVIDENCE_FACET: &str = "evidence";

pub fn check_filter(
    config: &crate::config::SiteConfig,
    taxonomy: &str,
    term: &str,
) -> anyhow::Result<()> {
    use crate::diagnostics::suggest;
    let known_kinds = crate::model::Kind::ALL.map(crate::model::Kind::as_str);
    match taxonomy {
        "kind" if known_kinds.contains(&term) => Ok(()),
        "kind" => Err(anyhow::anyhow!(
            "`{term}` is not a kind of page; {}",
            suggest(term, known_kinds, "kinds")
        )),
        "lang" if config.has_language(term) => Ok(()),
        "lang" => Err(anyhow::anyhow!(
            "`{term}` is not a language of the site; {}",
            suggest(
                term,
                config.languages.iter().map(String::as_str),
                "languages"
            )
        )),
        EVIDENCE_FACET if config.evidence_level(term).is_some() => Ok(()),
        EVIDENCE_FACET => Err(anyhow::anyhow!(
            "`{term}` is not an evidence level of the site; {}",
            suggest(
                term,
                config.evidence_levels.iter().map(|l| l.id.as_str()),
                "evidence levels"
            )
        )),
        _ => match config.taxonomy(taxonomy) {
            None => {
                let names: Vec<&str> = config
                    .taxonomies
                    .iter()
                    .map(|t| t.name.as_str())
                    .chain(["kind", "lang", EVIDENCE_FACET])
                    .collect();
                Err(anyhow::anyhow!(
                    "`{taxonomy}` is not a taxonomy of the site; {}",
                    suggest(taxonomy, names.iter().copied(), "taxonomies")
                ))
            }
            Some(t) if t.term(term).is_none() => Err(anyhow::anyhow!(
                "`{term}` is not a term of `{taxonomy}`; {}",
                suggest(term, t.terms.iter().map(|x| x.id.as_str()), "terms")
            )),
            Some(_) => Ok(()),
        },
    }
}

pub fn render_human(
    resp: &SearchResponse,
    out: &mut impl Write,
    color: bool,
) -> std::io::Result<()> {
    let (bold, dim, reset) = if color {
        ("\x1b[1m", "\x1b[2m", "\x1b[0m")
    } else {
        ("", "", "")
    };
    if resp.hits.is_empty() {
        writeln!(out, "No results for {:?}.", resp.query)?;
    } else {
        writeln!(
            out,
            "{} result{} for {:?}{}",
            resp.total,
            if resp.total == 1 { "" } else { "s" },
            resp.query,
            if resp.hits.len() < resp.total {
                format!(", showing {}", resp.hits.len())
            } else {
                String::new()
            }
        )?;
    }
    for hit in &resp.hits {
        writeln!(out)?;
        writeln!(
            out,
            "{:>3}. {bold}{}{reset}  [{}] {}",
            hit.rank, hit.title, hit.lang, hit.kind
        )?;
        writeln!(out, "     {dim}{}{reset}", hit.url)?;
        if !hit.snippet.is_empty() {
            let snippet = if color {
                hit.snippet
                    .replace('[', "\x1b[1;33m")
                    .replace(']', "\x1b[0m")
            } else {
                hit.snippet.clone()
            };
            writeln!(out, "     {snippet}")?;
        }
    }
    if !resp.facets.is_empty() {
        writeln!(out)?;
        for (taxonomy, terms) in &resp.facets {
            let mut terms: Vec<(&String, &usize)> = terms.iter().collect();
            terms.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
            let list: Vec<String> = terms.iter().map(|(t, n)| format!("{t} {n}")).collect();
            writeln!(out, "{bold}{taxonomy}{reset}: {}", list.join(", "))?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests;
