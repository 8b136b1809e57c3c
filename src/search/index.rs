//! The tantivy index: schema, analyzer registration, incremental sync, and the
//! scoring statistics every consumer (CLI, serve, static export) shares.
//!
//! Input: the build's [`IndexDoc`]s (one per page and language). Output: an on-disk
//! index under `.passerelle/index/` and a [`Snapshot`] (one searcher plus the
//! statistics and tie-break ranks derived from it).
//!
//! Invariants:
//! - [`register_analyzers`] is the only place analyzers are registered; it runs when
//!   an index is created and every time one is opened (tantivy does not store them).
//! - A document's identity is `LANG:KEY`; a content hash stored beside it decides
//!   whether `sync` re-indexes it.
//! - Scores depend only on the live documents, never on segment layout or deleted
//!   documents, so an incrementally synced index answers exactly like a fresh one:
//!   BM25 statistics come from [`Snapshot`] (documents = live documents, tokens of a
//!   field = sum of the live documents' fieldnorms as tantivy quantises them,
//!   document frequency = live documents containing the term), and ties are broken by
//!   the rank of (key, lang), not by doc id. The static export writes the same
//!   statistics for the browser. (key, lang) rather than url: within a language the
//!   order is the key order, so a page and its translations sit at the same place in
//!   every language's tables, which lets the export share their facets.

use std::collections::{BTreeMap, HashMap};
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Condvar, Mutex, OnceLock, PoisonError};

use anyhow::{Context, bail};
use tantivy::fieldnorm::FieldNormReader;
use tantivy::query::Bm25StatisticsProvider;
use tantivy::schema::document::{Document, ReferenceValue, ReferenceValueLeaf, Value};
use tantivy::schema::{
    FAST, Facet, FacetOptions, Field, IndexRecordOption, STORED, STRING, Schema, TextFieldIndexing,
    TextOptions,
};
use tantivy::{DocAddress, DocSet, Index, IndexReader, IndexWriter, ReloadPolicy, Searcher, Term};

use super::IndexDoc;
use super::analysis::{
    LANG_COUNT, LANGS, analyzer_name, analyzers, key_analyzer_name, stem_analyzer_name,
    surface_analyzer_name,
};
use super::keys::KeyCounts;
use super::preanalyzed::{PRE_ANALYZED, PageAnalyzers, PreAnalyzedTokenizer};

/// Bumped whenever the schema or the analysis changes: an index written by another
/// version is rebuilt from scratch.
pub const SCHEMA_VERSION: &str = "passerelle-search-7";
const VERSION_FILE: &str = "passerelle-index-version";

/// The per-language text fields, in scoring order.
pub const TEXT_FIELDS: [&str; 3] = ["title", "summary", "body"];
/// Field boosts, in [`TEXT_FIELDS`] order. Defined once; exported for the browser.
pub const BOOSTS: [f32; 3] = [3.0, 2.0, 1.0];

const WRITER_MEMORY_PER_THREAD: usize = 32_000_000;
/// Segments of about the same size that are merged together ([`new_writer`]).
const MIN_SEGMENTS_TO_MERGE: usize = 32;

/// A page's score is multiplied by its kind's weight (1 when not listed). Case studies
/// are the portal's evidence: someone searching for an initiative's name wants the case
/// study that describes it before the lessons and recommendations drawn from it. Plain
/// pages (about, methodology, glossary) describe the portal and name everything in it, so
/// they come after the content they describe unless they are what was asked for (their
/// title: `glossary`, `méthodologie`). Defined once; exported for the browser, which
/// applies it the same way (one f32 product after the clauses are summed).
pub const KIND_WEIGHTS: [(&str, f32); 2] = [("case-study", 1.2), ("page", 0.8)];

/// Registers every analyzer of the index. Called when writing and when opening.
pub fn register_analyzers(index: &Index) {
    let manager = index.tokenizers();
    for lang in LANGS {
        let a = analyzers(lang);
        manager.register(&analyzer_name(lang), a.full);
        manager.register(&key_analyzer_name(lang), a.key);
        manager.register(&stem_analyzer_name(lang), a.stem);
        manager.register(&surface_analyzer_name(lang), a.surface);
    }
    manager.register(PRE_ANALYZED, PreAnalyzedTokenizer::default());
}

/// Handles on the schema's fields.
#[derive(Clone, Copy)]
pub struct Fields {
    pub id: Field,
    pub hash: Field,
    pub key: Field,
    pub lang: Field,
    pub kind: Field,
    pub url: Field,
    pub title: Field,
    pub summary: Field,
    /// The body's text, stored for snippets and related pages.
    pub body: Field,
    pub date: Field,
    pub order: Field,
    pub facets: Field,
    /// `text[lang][field]`: the terms of title, summary, body of each language in
    /// [`LANGS`] order (indexed only; their text is stored in `title`, `summary`, `body`).
    pub text: [[Field; 3]; LANG_COUNT],
}

/// Name of the tantivy field for a text field of a language, e.g. `body_fr`.
pub fn text_field_name(field: &str, lang: &str) -> String {
    format!("{field}_{lang}")
}

/// Builds the schema.
pub fn schema() -> Schema {
    let mut b = Schema::builder();
    b.add_text_field("id", STRING | FAST | STORED);
    b.add_u64_field("hash", FAST);
    for name in [
        "key", "lang", "kind", "url", "title", "summary", "body", "date",
    ] {
        b.add_text_field(name, STORED);
    }
    // Tie-break key: key and lang joined by NUL; read from its column, never indexed.
    b.add_text_field("order", TextOptions::default().set_fast("raw"));
    b.add_facet_field("facets", FacetOptions::default());
    // The text fields are given the page's text as `PageAnalyzer` analysed it (`pl_LANG`),
    // in the form `PRE_ANALYZED` reads. The keys (`pl_LANG_key`) go to `super::keys`.
    for lang in LANGS {
        for field in TEXT_FIELDS {
            let indexing = TextFieldIndexing::default()
                .set_tokenizer(PRE_ANALYZED)
                .set_index_option(IndexRecordOption::WithFreqsAndPositions);
            b.add_text_field(
                &text_field_name(field, lang),
                TextOptions::default().set_indexing_options(indexing),
            );
        }
    }
    b.build()
}

impl Fields {
    pub fn new(schema: &Schema) -> anyhow::Result<Fields> {
        let f = |name: &str| {
            schema
                .get_field(name)
                .with_context(|| format!("search index has no field {name}"))
        };
        let mut text = [[f("id")?; 3]; LANG_COUNT];
        for (l, lang) in LANGS.iter().enumerate() {
            for (i, field) in TEXT_FIELDS.iter().enumerate() {
                text[l][i] = f(&text_field_name(field, lang))?;
            }
        }
        Ok(Fields {
            id: f("id")?,
            hash: f("hash")?,
            key: f("key")?,
            lang: f("lang")?,
            kind: f("kind")?,
            url: f("url")?,
            title: f("title")?,
            summary: f("summary")?,
            body: f("body")?,
            date: f("date")?,
            order: f("order")?,
            facets: f("facets")?,
            text,
        })
    }
}

/// Index of a language in [`LANGS`].
pub fn lang_index(lang: &str) -> Option<usize> {
    LANGS.iter().position(|l| *l == lang)
}

/// FNV-1a, 64 bits: stable across Rust versions and platforms (unlike `DefaultHasher`),
/// which matters for a hash stored on disk and for file names of the static form.
pub fn fnv1a(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

/// What the index keeps to tell whether `doc` changed: its fields (all but the body,
/// which serde skips) and `body_hash`, the [`crate::text::text_hash`] of its body.
fn doc_hash(doc: &IndexDoc, body_hash: u64) -> anyhow::Result<u64> {
    let mut bytes = serde_json::to_vec(doc)?;
    bytes.extend_from_slice(&body_hash.to_le_bytes());
    bytes.extend_from_slice(SCHEMA_VERSION.as_bytes());
    Ok(fnv1a(&bytes))
}

fn doc_id(lang: &str, key: &str) -> String {
    format!("{lang}:{key}")
}

/// The facets of a document: its taxonomy terms plus `kind` and `lang`, sorted, deduplicated.
pub fn doc_facets(doc: &IndexDoc) -> Vec<(String, String)> {
    let mut facets = doc.facets.clone();
    facets.push(("kind".to_string(), doc.kind.clone()));
    facets.push(("lang".to_string(), doc.lang.clone()));
    facets.sort();
    facets.dedup();
    facets
}

/// A page as tantivy indexes it: boxed, because tantivy's queue of documents reserves room
/// for 40,000 of them whatever the site (four per slot of its 10,000), which unboxed took
/// 33 MB.
struct PageDocument(Box<PageToIndex>);

/// The body is shared with its [`IndexDoc`], not copied, while the document waits for an
/// indexing thread; the thread that takes it analyses its text ([`PageAnalyzers`]) the
/// first time tantivy reads it. The document holds its place in the [`Backlog`] until
/// tantivy drops it, indexed.
struct PageToIndex {
    page: IndexDoc,
    /// The page's language, in [`LANGS`].
    l: usize,
    hash: u64,
    fields: Fields,
    analyzers: Arc<PageAnalyzers>,
    pieces: OnceLock<Vec<(Field, Piece)>>,
    _place: Queued,
}

/// How many documents may wait for tantivy's indexing threads. tantivy's own queue takes
/// up to 10,000, and a build feeds pages faster than they are indexed: at 50,000 pages
/// that queue held a fifth of the site's text. A few dozen keep both threads busy.
const BACKLOG: usize = 64;

/// The documents handed to tantivy and not yet indexed.
#[derive(Default)]
struct Backlog {
    waiting: Mutex<usize>,
    indexed: Condvar,
}

impl Backlog {
    /// A place in the backlog, once one is free.
    fn enter(self: &Arc<Self>) -> Queued {
        let mut waiting = self.waiting.lock().unwrap_or_else(PoisonError::into_inner);
        while *waiting >= BACKLOG {
            waiting = self
                .indexed
                .wait(waiting)
                .unwrap_or_else(PoisonError::into_inner);
        }
        *waiting += 1;
        Queued(Arc::clone(self))
    }
}

/// A document's place in the [`Backlog`], given back when the document is dropped:
/// indexed, or thrown away with a writer that stopped.
struct Queued(Arc<Backlog>);

impl Drop for Queued {
    fn drop(&mut self) {
        let mut waiting = self
            .0
            .waiting
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        *waiting -= 1;
        // Not at every document: the feeder then wakes once per half backlog.
        if *waiting == BACKLOG / 2 {
            self.0.indexed.notify_one();
        }
    }
}

#[derive(Debug)]
enum Piece {
    Shared(Arc<str>),
    Owned(String),
    U64(u64),
    Facet(Facet),
}

/// What tantivy reads from a [`Piece`].
#[derive(Debug, Clone, Copy)]
struct PieceValue<'a>(&'a Piece);

impl<'a> Value<'a> for PieceValue<'a> {
    type ArrayIter = std::iter::Empty<Self>;
    type ObjectIter = std::iter::Empty<(&'a str, Self)>;

    fn as_value(&self) -> ReferenceValue<'a, Self> {
        ReferenceValue::Leaf(match self.0 {
            Piece::Shared(text) => ReferenceValueLeaf::Str(text),
            Piece::Owned(text) => ReferenceValueLeaf::Str(text),
            Piece::U64(n) => ReferenceValueLeaf::U64(*n),
            Piece::Facet(facet) => ReferenceValueLeaf::Facet(facet.encoded_str()),
        })
    }
}

type PieceIter<'a> = std::iter::Map<
    std::slice::Iter<'a, (Field, Piece)>,
    fn(&'a (Field, Piece)) -> (Field, PieceValue<'a>),
>;

impl Document for PageDocument {
    type Value<'a> = PieceValue<'a>;
    type FieldsValuesIter<'a> = PieceIter<'a>;

    fn iter_fields_and_values(&self) -> PieceIter<'_> {
        fn pair(entry: &(Field, Piece)) -> (Field, PieceValue<'_>) {
            (entry.0, PieceValue(&entry.1))
        }
        let page = &self.0;
        page.pieces.get_or_init(|| page.pieces()).iter().map(pair)
    }
}

impl PageToIndex {
    fn pieces(&self) -> Vec<(Field, Piece)> {
        let (doc, fields) = (&self.page, &self.fields);
        let owned = |field: Field, text: &str| (field, Piece::Owned(text.to_string()));
        let mut d = vec![
            (fields.id, Piece::Owned(doc_id(&doc.lang, &doc.key))),
            (fields.hash, Piece::U64(self.hash)),
            owned(fields.key, &doc.key),
            owned(fields.lang, &doc.lang),
            owned(fields.kind, &doc.kind),
            owned(fields.url, &doc.url),
            owned(fields.title, &doc.title),
            owned(fields.summary, &doc.summary),
            (fields.body, Piece::Shared(doc.body.clone())),
            owned(fields.date, &doc.date),
            (
                fields.order,
                Piece::Owned(format!("{}\u{0}{}", doc.key, doc.lang)),
            ),
        ];
        for (taxonomy, term) in doc_facets(doc) {
            d.push((
                fields.facets,
                Piece::Facet(Facet::from_path([taxonomy, term])),
            ));
        }
        let terms = self
            .analyzers
            .analyse(self.l, &[&doc.title, &doc.summary, &doc.body]);
        for (field, terms) in fields.text[self.l].into_iter().zip(terms) {
            d.push((field, Piece::Owned(terms)));
        }
        d
    }
}

/// Opens the index in `dir`, creating it (or recreating it, if written by another
/// schema version) when needed.
pub fn open_or_create(dir: &Path) -> anyhow::Result<Index> {
    let version_path = dir.join(VERSION_FILE);
    let version = fs::read_to_string(&version_path).ok();
    sweep_discarded(dir);
    if version.as_deref() != Some(SCHEMA_VERSION) {
        if version.is_some() {
            // Ours, from another version: safe to drop, it is a cache.
            discard(dir)?;
        } else if dir.exists()
            && fs::read_dir(dir)
                .with_context(|| format!("reading {}", dir.display()))?
                .next()
                .is_some()
        {
            bail!(
                "{} is not empty and is not a Passerelle search index; remove it or choose another directory",
                dir.display()
            );
        }
        fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
        // The mark first: a build killed while creating the index then leaves a folder
        // known as ours, which the next build drops (below), not one it must refuse.
        fs::write(&version_path, SCHEMA_VERSION)
            .with_context(|| format!("writing {}", version_path.display()))?;
        let index = directory(dir)
            .and_then(|d| {
                if Index::exists(&d)? {
                    return Err(tantivy::TantivyError::IndexAlreadyExists);
                }
                Index::create(d, schema(), tantivy::IndexSettings::default())
            })
            .with_context(|| format!("creating the search index in {}", dir.display()))?;
        register_analyzers(&index);
        return Ok(index);
    }
    match open_existing(dir) {
        Ok(index) => Ok(index),
        // Ours but unreadable (an interrupted first build, a crash): it is only a cache.
        Err(_) => {
            discard(dir)?;
            open_or_create(dir)
        }
    }
}

/// Whether `e` says another process holds the index's writer lock.
pub fn is_locked(e: &anyhow::Error) -> bool {
    e.chain().any(|cause| {
        matches!(
            cause.downcast_ref::<tantivy::TantivyError>(),
            Some(tantivy::TantivyError::LockFailure(..))
        )
    })
}

/// Removes the index in `dir` (ours: it has our version file), so the next
/// [`open_or_create`] starts afresh. The folder is first renamed aside, in one step: a
/// build killed while removing it (files go in no set order, the version mark among
/// them) must not leave a folder without the mark, which the next build would refuse.
pub fn discard(dir: &Path) -> anyhow::Result<()> {
    if !dir.join(VERSION_FILE).exists() {
        return Ok(());
    }
    let aside = discarded(dir);
    fs::rename(dir, &aside).with_context(|| format!("moving {} aside", dir.display()))?;
    fs::remove_dir_all(&aside).with_context(|| format!("removing {}", aside.display()))
}

/// Where [`discard`] moves an index before removing it: a name of its own per process.
fn discarded(dir: &Path) -> std::path::PathBuf {
    let mut name = dir.file_name().unwrap_or_default().to_os_string();
    name.push(format!(".discarded-{}", std::process::id()));
    dir.with_file_name(name)
}

/// Removes what a build killed while discarding an index left beside it.
fn sweep_discarded(dir: &Path) {
    let (Some(parent), Some(name)) = (dir.parent(), dir.file_name()) else {
        return;
    };
    let prefix = format!("{}.discarded-", name.to_string_lossy());
    for entry in fs::read_dir(parent).into_iter().flatten().flatten() {
        if entry.file_name().to_string_lossy().starts_with(&prefix) {
            let _ = fs::remove_dir_all(entry.path());
        }
    }
}

/// Opens an existing index, failing if it is missing or of another version.
pub fn open_existing(dir: &Path) -> anyhow::Result<Index> {
    let version_path = dir.join(VERSION_FILE);
    let version = fs::read_to_string(&version_path).with_context(|| {
        format!(
            "no search index in {} (run `passerelle build` first)",
            dir.display()
        )
    })?;
    if version != SCHEMA_VERSION {
        bail!(
            "the search index in {} was written by another version of Passerelle (run `passerelle build` again)",
            dir.display()
        );
    }
    let index = directory(dir)
        .and_then(Index::open)
        .with_context(|| format!("opening the search index in {}", dir.display()))?;
    register_analyzers(&index);
    Ok(index)
}

/// The folder `dir` as the index reads and writes it ([`super::directory`]).
fn directory(dir: &Path) -> tantivy::Result<super::directory::IndexDirectory> {
    Ok(super::directory::IndexDirectory::open(dir)?)
}

/// Brings an index to hold exactly the documents given to [`Syncing::add`], one at a time,
/// re-indexing only those that changed; [`Syncing::finish`] removes the others and commits.
/// A build hands over each page's text as it goes, so that tantivy lets go of the text
/// once the page is indexed.
pub struct Syncing {
    index: Index,
    /// The index's folder, where its key dictionary is kept.
    dir: PathBuf,
    fields: Fields,
    /// The index as the sync found it: the stored text of the documents it deletes gives
    /// their keys.
    searcher: Searcher,
    /// The key dictionary of the index as the sync found it.
    keys: KeyCounts,
    /// id -> (hash, addresses) of the documents in the index. A duplicate id can only
    /// come from a crash between delete and commit; re-indexing it repairs that.
    existing: HashMap<String, (u64, Vec<DocAddress>)>,
    /// The documents deleted so far.
    deleted: Vec<DocAddress>,
    /// The ids given so far.
    wanted: std::collections::HashSet<String>,
    /// Made at the first change: a build that changes nothing starts no indexing thread.
    writer: Option<IndexWriter<PageDocument>>,
    backlog: Arc<Backlog>,
    /// Shared by the indexing threads.
    analyzers: Arc<PageAnalyzers>,
    added: usize,
}

impl Syncing {
    /// Starts syncing `index`, kept in `dir`.
    pub fn new(index: &Index, dir: &Path) -> anyhow::Result<Syncing> {
        let fields = Fields::new(&index.schema())?;
        // Read now, though only a commit needs it: an index without its dictionary is
        // found here, where the build can still make it again (the text is gone by the
        // commit).
        let keys = KeyCounts::read(dir, index.load_metas()?.opstamp)?;
        let reader = manual_reader(index)?;
        let searcher = reader.searcher();
        let mut existing: HashMap<String, (u64, Vec<DocAddress>)> = HashMap::new();
        for (s, segment) in searcher.segment_readers().iter().enumerate() {
            let ids = segment
                .fast_fields()
                .str("id")?
                .context("search index: missing id column")?;
            let hashes = segment.fast_fields().u64("hash")?;
            let mut id = String::new();
            for doc in segment.doc_ids_alive() {
                let Some(ord) = ids.term_ords(doc).next() else {
                    continue;
                };
                ids.ord_to_str(ord, &mut id)?;
                let hash = hashes.first(doc).unwrap_or(0);
                let entry = existing.entry(id.clone()).or_insert((hash, Vec::new()));
                entry.1.push(DocAddress::new(s as u32, doc));
            }
        }
        Ok(Syncing {
            index: index.clone(),
            dir: dir.to_path_buf(),
            fields,
            searcher,
            keys,
            existing,
            deleted: Vec::new(),
            wanted: std::collections::HashSet::new(),
            writer: None,
            backlog: Arc::default(),
            analyzers: Arc::default(),
            added: 0,
        })
    }

    /// Makes `doc` one of the index's documents.
    pub fn add(&mut self, doc: &IndexDoc) -> anyhow::Result<()> {
        let body = doc.body.clone();
        let body_hash = crate::text::text_hash(&body);
        self.add_unread(doc.clone(), body_hash, || Ok(body))
    }

    /// [`Syncing::add`] for a document whose body is read (`body()`) only if the index
    /// does not have the document as it is: `body_hash` ([`crate::text::text_hash`])
    /// stands for the body, and `doc.body` is not looked at. A rebuild then reads back
    /// the text of the pages that changed only.
    pub fn add_unread(
        &mut self,
        mut doc: IndexDoc,
        body_hash: u64,
        body: impl FnOnce() -> anyhow::Result<Arc<str>>,
    ) -> anyhow::Result<()> {
        let Some(l) = lang_index(&doc.lang) else {
            bail!(
                "search: page {} has language {:?}; the index knows {:?}",
                doc.key,
                doc.lang,
                LANGS
            );
        };
        let id = doc_id(&doc.lang, &doc.key);
        if !self.wanted.insert(id.clone()) {
            bail!("search: page {} in {} is indexed twice", doc.key, doc.lang);
        }
        let hash = doc_hash(&doc, body_hash)?;
        let old = self.existing.get(&id);
        if let Some((h, addresses)) = old
            && *h == hash
            && addresses.len() == 1
        {
            return Ok(());
        }
        let writer = match &mut self.writer {
            Some(w) => w,
            None => self.writer.insert(new_writer(&self.index)?),
        };
        if let Some((_, addresses)) = old {
            writer.delete_term(Term::from_field_text(self.fields.id, &id));
            self.deleted.extend_from_slice(addresses);
        }
        doc.body = body()?;
        let place = self.backlog.enter();
        writer.add_document(PageDocument(Box::new(PageToIndex {
            page: doc,
            l,
            hash,
            fields: self.fields,
            analyzers: Arc::clone(&self.analyzers),
            pieces: OnceLock::new(),
            _place: place,
        })))?;
        self.added += 1;
        Ok(())
    }

    /// Removes the documents not given to [`Syncing::add`], commits, and writes the key
    /// dictionary of the commit. Returns the number of documents added and deleted.
    pub fn finish(mut self) -> anyhow::Result<(usize, usize)> {
        let to_delete: Vec<(&String, &Vec<DocAddress>)> = self
            .existing
            .iter()
            .filter(|(id, _)| !self.wanted.contains(*id))
            .map(|(id, (_, addresses))| (id, addresses))
            .collect();
        if self.writer.is_none() && to_delete.is_empty() {
            return Ok((0, 0));
        }
        let mut writer = match self.writer {
            Some(w) => w,
            None => new_writer(&self.index)?,
        };
        for (id, addresses) in &to_delete {
            writer.delete_term(Term::from_field_text(self.fields.id, id));
            self.deleted.extend_from_slice(addresses);
        }
        let removed = to_delete.len();
        self.keys.subtract(&super::keys::keys_of_documents(
            &self.searcher,
            &self.fields,
            &self.deleted,
        )?)?;
        // Once prepared, every page is indexed, and so analysed: its keys are counted.
        let prepared = writer.prepare_commit()?;
        self.keys.add(self.analyzers.take_key_counts());
        self.keys.write(&self.dir, prepared.opstamp())?;
        let opstamp = prepared.commit()?;
        KeyCounts::remove_others(&self.dir, opstamp)?;
        writer.wait_merging_threads()?;
        Ok((self.added, removed))
    }
}

fn new_writer(index: &Index) -> anyhow::Result<IndexWriter<PageDocument>> {
    let threads = std::thread::available_parallelism()
        .map(usize::from)
        .unwrap_or(1)
        .min(4);
    // 32 MB per indexing thread: enough for large segments on 10,000 pages, while the
    // whole build stays within a few hundred MB.
    let writer: IndexWriter<PageDocument> =
        index.writer_with_num_threads(threads, WRITER_MEMORY_PER_THREAD * threads)?;
    let mut merges = tantivy::indexer::LogMergePolicy::default();
    // Each indexing thread writes a segment per 32 MB of postings: about 10 of 5,000
    // documents at 50,000 pages. tantivy's default policy merges them from 8 on, and a
    // merge maps every merged segment's document store whole (130 MB at 50,000 pages,
    // the build's peak of memory) for a layout that no score depends on (see the module
    // documentation). Only a long run of rebuilds piles up that many segments; segments
    // mostly of deleted documents (edited pages) are merged away whatever their number.
    merges.set_min_num_segments(MIN_SEGMENTS_TO_MERGE);
    merges.set_del_docs_ratio_before_merge(0.5);
    writer.set_merge_policy(Box::new(merges));
    // tantivy removes files no commit refers to only after a commit of its own. A build
    // killed mid-commit leaves some, under the very names this writer's commit will give
    // its files (same segments, same operation numbers): remove them before writing.
    writer
        .garbage_collect_files()
        .wait()
        .context("search index: removing what an interrupted build left")?;
    Ok(writer)
}

/// Makes the index hold exactly `docs`, re-indexing only changed documents.
/// Returns the number of documents added and deleted.
pub fn sync_docs(index: &Index, dir: &Path, docs: &[IndexDoc]) -> anyhow::Result<(usize, usize)> {
    let mut sync = Syncing::new(index, dir)?;
    for doc in docs {
        sync.add(doc)?;
    }
    sync.finish()
}

/// Every term of a string column, by term ordinal, read in one pass: looking up each
/// document's term decoded its block of the dictionary from the block's start every time
/// (most of a snapshot's time, on one core, between indexing and the related pages).
fn column_terms(column: &tantivy::columnar::StrColumn) -> anyhow::Result<Vec<String>> {
    let dictionary = column.dictionary();
    let mut terms = Vec::with_capacity(dictionary.num_terms());
    let mut stream = dictionary.stream()?;
    while stream.advance() {
        terms.push(String::from_utf8(stream.key().to_vec())?);
    }
    Ok(terms)
}

/// A reader that reloads only when told: the snapshot must not change under a query.
pub fn manual_reader(index: &Index) -> anyhow::Result<IndexReader> {
    Ok(index
        .reader_builder()
        .reload_policy(ReloadPolicy::Manual)
        .try_into()?)
}

/// One searcher and everything derived from it that scoring and export need.
pub struct Snapshot {
    pub searcher: Searcher,
    pub fields: Fields,
    /// Live documents, both languages.
    pub num_docs: u64,
    /// Sum of the live documents' quantised fieldnorms, per text field.
    pub total_tokens: HashMap<Field, u64>,
    /// Per segment, per doc id: rank of the doc in (key, lang) order; `u32::MAX`
    /// for deleted docs.
    pub ranks: Vec<Vec<u32>>,
    /// `LANG:KEY` -> address.
    pub by_id: HashMap<String, DocAddress>,
    /// Per segment, per doc id: the page (index of its key in [`Snapshot::keys`]) and the
    /// language (index in `LANGS`) of the doc; a page and its translations share the
    /// page. `u32::MAX` for deleted docs.
    pub pages: Vec<Vec<(u32, u8)>>,
    /// Keys of the live documents, ascending, deduplicated: a page's number.
    pub keys: Vec<String>,
    /// Per language, the keys of its words some live document has, ascending
    /// ([`super::keys`]).
    pub word_keys: [Vec<String>; LANG_COUNT],
}

impl Snapshot {
    /// The index kept in `dir` as it is now.
    pub fn new(index: &Index, dir: &Path) -> anyhow::Result<Snapshot> {
        let fields = Fields::new(&index.schema())?;
        let opstamp = index.load_metas()?.opstamp;
        let searcher = manual_reader(index)?.searcher();
        let word_keys = KeyCounts::read(dir, opstamp)?.into_sorted_keys();
        let mut total_tokens: HashMap<Field, u64> = HashMap::new();
        let mut num_docs = 0u64;
        let mut orders: BTreeMap<String, DocAddress> = BTreeMap::new();
        let mut by_id = HashMap::new();
        let mut ranks = Vec::new();
        let mut pages = Vec::new();
        for (s, segment) in searcher.segment_readers().iter().enumerate() {
            let readers: Vec<(Field, FieldNormReader)> = fields
                .text
                .iter()
                .flatten()
                .map(|f| Ok((*f, segment.get_fieldnorms_reader(*f)?)))
                .collect::<anyhow::Result<_>>()?;
            let order = segment
                .fast_fields()
                .str("order")?
                .context("search index: missing order column")?;
            let ids = segment
                .fast_fields()
                .str("id")?
                .context("search index: missing id column")?;
            let (order_terms, id_terms) = (column_terms(&order)?, column_terms(&ids)?);
            let term = |terms: &[String], ord: u64| {
                usize::try_from(ord)
                    .ok()
                    .and_then(|ord| terms.get(ord))
                    .cloned()
                    .context("search index: a column's term is not in its dictionary")
            };
            for doc in segment.doc_ids_alive() {
                num_docs += 1;
                for (field, reader) in &readers {
                    *total_tokens.entry(*field).or_insert(0) +=
                        u64::from(FieldNormReader::id_to_fieldnorm(reader.fieldnorm_id(doc)));
                }
                let address = DocAddress::new(s as u32, doc);
                if let Some(ord) = order.term_ords(doc).next() {
                    orders.insert(term(&order_terms, ord)?, address);
                }
                if let Some(ord) = ids.term_ords(doc).next() {
                    by_id.insert(term(&id_terms, ord)?, address);
                }
            }
            ranks.push(vec![u32::MAX; segment.max_doc() as usize]);
            pages.push(vec![(u32::MAX, 0); segment.max_doc() as usize]);
        }
        let mut keys: Vec<String> = Vec::new();
        for (rank, (order, address)) in orders.iter().enumerate() {
            let (key, lang) = order.split_once('\u{0}').unwrap_or((order, ""));
            if keys.last().is_none_or(|last| last != key) {
                keys.push(key.to_string());
            }
            let (s, d) = (address.segment_ord as usize, address.doc_id as usize);
            ranks[s][d] = rank as u32;
            let l = lang_index(lang).unwrap_or(0) as u8;
            pages[s][d] = ((keys.len() - 1) as u32, l);
        }
        Ok(Snapshot {
            searcher,
            fields,
            num_docs,
            total_tokens,
            ranks,
            by_id,
            pages,
            keys,
            word_keys,
        })
    }

    /// Whether some live document of `LANGS[l]` has the word key `key`.
    pub fn has_word_key(&self, l: usize, key: &str) -> bool {
        self.word_keys[l]
            .binary_search_by(|k| k.as_str().cmp(key))
            .is_ok()
    }

    /// The word keys of `LANGS[l]`'s live documents that start with `prefix`, ascending.
    pub fn word_keys_with_prefix(&self, l: usize, prefix: &str) -> &[String] {
        let keys = &self.word_keys[l];
        let start = keys.partition_point(|k| k.as_str() < prefix);
        let len = keys[start..].partition_point(|k| k.starts_with(prefix));
        &keys[start..start + len]
    }

    /// Live documents containing `term`.
    pub fn doc_freq(&self, term: &Term) -> tantivy::Result<u64> {
        let mut total = 0u64;
        for segment in self.searcher.segment_readers() {
            let inverted = segment.inverted_index(term.field())?;
            match segment.alive_bitset() {
                None => total += u64::from(inverted.doc_freq(term)?),
                Some(alive) => {
                    if let Some(mut postings) =
                        inverted.read_postings(term, IndexRecordOption::Basic)?
                    {
                        total += u64::from(postings.count(alive));
                    }
                }
            }
        }
        Ok(total)
    }

    /// The page (key number) and language (index in `LANGS`) of a document.
    pub fn page(&self, address: DocAddress) -> (u32, u8) {
        self.pages[address.segment_ord as usize][address.doc_id as usize]
    }

    /// Rank of a document in (key, lang) order.
    pub fn rank(&self, address: DocAddress) -> u32 {
        self.ranks[address.segment_ord as usize][address.doc_id as usize]
    }
}

impl Bm25StatisticsProvider for Snapshot {
    fn total_num_tokens(&self, field: Field) -> tantivy::Result<u64> {
        Ok(self.total_tokens.get(&field).copied().unwrap_or(0))
    }

    fn total_num_docs(&self) -> tantivy::Result<u64> {
        Ok(self.num_docs)
    }

    fn doc_freq(&self, term: &Term) -> tantivy::Result<u64> {
        Snapshot::doc_freq(self, term)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_document_takes_a_pointer_in_tantivys_queue() {
        assert_eq!(
            std::mem::size_of::<PageDocument>(),
            std::mem::size_of::<usize>()
        );
    }

    #[test]
    fn the_backlog_holds_back_the_feeder_until_half_of_it_is_indexed() {
        let backlog = Arc::new(Backlog::default());
        let mut queued: Vec<Queued> = (0..BACKLOG).map(|_| backlog.enter()).collect();
        let (entered, waited) = std::sync::mpsc::channel();
        let feeder = {
            let backlog = Arc::clone(&backlog);
            std::thread::spawn(move || {
                let place = backlog.enter();
                entered.send(()).expect("the test waits for the feeder");
                place
            })
        };
        // Full: the next document waits.
        let wait = std::time::Duration::from_millis(100);
        assert!(waited.recv_timeout(wait).is_err());
        queued.truncate(BACKLOG / 2 + 1);
        assert!(waited.recv_timeout(wait).is_err());
        queued.pop();
        waited
            .recv_timeout(std::time::Duration::from_secs(10))
            .expect("the feeder goes on once half the backlog is indexed");
        drop(feeder.join().expect("the feeder does not panic"));
        drop(queued);
        assert_eq!(*backlog.waiting.lock().expect("not poisoned"), 0);
    }
}
