//! The query language, its tantivy queries, and the collector behind
//! `passerelle search`, the `serve` endpoint and related pages.
//!
//! Input: a [`SearchRequest`]. Output: a [`SearchResponse`]. `assets/search.js`
//! implements the same definitions step by step (its functions are named after the
//! ones here); the parity test holds both to it.
//!
//! **Parsing.** The characters `" “ ” « »` open and close phrases (an unclosed one
//! runs to the end). Outside phrases, each word is a clause; inside, a phrase of two
//! or more words is one clause and a phrase of one word is a word clause. Words are
//! cut and normalised per language by the surface analyzer (`analysis`): lowercase,
//! French elision, ASCII folding; the *key* adds the French ending step. The last word
//! is a *prefix* when the query ends with a letter or digit outside a phrase (the user
//! is still typing it) and has at least [`MIN_PREFIX_CHARS`] characters.
//!
//! **Resolution** (per language, against the language's key dictionary, i.e. the keys
//! of its live documents — the same dictionary the static form exports):
//! - a word's terms are `stem(key)` if its key is in the dictionary; a prefix word adds
//!   the terms of every dictionary key starting with its surface form, keeping the
//!   [`MAX_EXPANSIONS`] best by weight (sum of the term's document frequency over the
//!   three fields) descending, then term ascending;
//! - a phrase's terms are `stem(key)` of each word, each key being in the dictionary;
//! - a clause without terms makes the whole query match nothing in that language.
//!
//! **Scoring** (tantivy BM25, statistics from `index::Snapshot`). A word clause is a
//! `BooleanQuery` of `Should` clauses, for each term (ascending) for each field (title,
//! summary, body), `BoostQuery(TermQuery, BOOSTS[field])`; a phrase clause the same with
//! one `PhraseQuery` per field. A language's query nests clauses two by two,
//! `Must(Must(c1, c2), c3)…`, so every intersection adds exactly two scores and the f32
//! sum is `((c1 + c2) + c3)…` whatever order tantivy's cost model picks; a union adds
//! its clauses' scores in clause order starting from 0. The languages are `Should`
//! alternatives (a document matches in its own language only).
//!
//! **Filters and ranking.** Filters and facet counts are applied in the collector, so
//! they never touch scores. Hits are sorted by score descending, then by the
//! (key, lang) rank. An empty query (no clause) matches nothing.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::sync::Arc;

use anyhow::Context;
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::query::{BooleanQuery, BoostQuery, Occur, PhraseQuery, Query, TermQuery};
use tantivy::schema::{Facet, Field, IndexRecordOption, Value};
use tantivy::snippet::SnippetGenerator;
use tantivy::tokenizer::TextAnalyzer;
use tantivy::{DocAddress, DocId, Index, Score, SegmentReader, TantivyDocument, Term};

use super::analysis::{
    LANGS, analyzer_name, singulars, stem_analyzer_name, surface_analyzer_name, surface_to_key,
    tokens,
};
use super::group;
use super::index::{BOOSTS, Snapshot, lang_index};
use super::preanalyzed::{PageAnalyzers, analysed_terms};
use super::synonyms::{Synonyms, rewrite};
use super::{Hit, SearchRequest, SearchResponse};
use crate::text::FastMap;

/// Characters that open or close a phrase.
pub const QUOTES: [char; 5] = ['"', '\u{201c}', '\u{201d}', '\u{ab}', '\u{bb}'];
/// A prefix word shorter than this is matched exactly.
pub const MIN_PREFIX_CHARS: usize = 2;

/// At most this many words are searched. Each word is a clause of the query tree, so an
/// unbounded query was an unbounded tree: 1,000 words overflowed the CLI's stack and 250
/// the server's. Nobody types 32 words into a search box (web search engines stop there).
pub const MAX_QUERY_WORDS: usize = 32;

/// At most this many bytes of query are read, so that no query costs more than a page.
pub const MAX_QUERY_BYTES: usize = 1024;

/// Why a query is refused: too long to search. The message says what to do.
#[derive(Debug)]
pub struct QueryRefused(pub String);

impl std::fmt::Display for QueryRefused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for QueryRefused {}

/// Refuses a query longer than [`MAX_QUERY_BYTES`] or with more than [`MAX_QUERY_WORDS`]
/// words (runs of letters and digits, which bounds the clauses of every language). The
/// static search applies the same two limits (search.js, from meta.json).
pub fn check_query(query: &str) -> Result<(), QueryRefused> {
    let words = query
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .count();
    if words > MAX_QUERY_WORDS {
        return Err(QueryRefused(format!(
            "the query has {words} words; at most {MAX_QUERY_WORDS} are searched: keep the words that matter"
        )));
    }
    if query.len() > MAX_QUERY_BYTES {
        return Err(QueryRefused(format!(
            "the query is {} bytes long; at most {MAX_QUERY_BYTES} are searched: shorten it",
            query.len()
        )));
    }
    Ok(())
}
/// Most terms a prefix word expands to.
pub const MAX_EXPANSIONS: usize = 16;

/// A clause of a query, in one language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Clause {
    Word {
        surface: String,
        key: String,
        prefix: bool,
    },
    Phrase(Vec<String>),
    /// A run of words that spells a synonym entry: any of its members matches (see
    /// [`super::synonyms`]). Members are words and phrases.
    Synonyms(Vec<Clause>),
}

/// Splits a query into (text, quoted) segments, and tells whether its last word is a
/// prefix (the query ends with a letter or digit outside a phrase).
pub fn segments(query: &str) -> (Vec<(String, bool)>, bool) {
    let mut out = Vec::new();
    let mut quoted = false;
    let mut current = String::new();
    for c in query.chars() {
        if QUOTES.contains(&c) {
            out.push((std::mem::take(&mut current), quoted));
            quoted = !quoted;
        } else {
            current.push(c);
        }
    }
    out.push((current, quoted));
    let prefix = !quoted && query.chars().last().is_some_and(char::is_alphanumeric);
    out.retain(|(text, _)| !text.trim().is_empty());
    (out, prefix)
}

fn analyze(index: &Index, name: &str, text: &str) -> anyhow::Result<Vec<String>> {
    let mut analyzer: TextAnalyzer = index
        .tokenizers()
        .get(name)
        .with_context(|| format!("analyzer {name} is not registered"))?;
    Ok(tokens(&mut analyzer, text)
        .into_iter()
        .map(|t| t.text)
        .collect())
}

/// The clauses of `query` in `lang`.
pub fn clauses(index: &Index, lang: &str, query: &str) -> anyhow::Result<Vec<Clause>> {
    let (segments, prefix) = segments(query);
    let surface = surface_analyzer_name(lang);
    let mut out = Vec::new();
    let last_segment = segments.len().saturating_sub(1);
    for (s, (text, quoted)) in segments.iter().enumerate() {
        let words = analyze(index, &surface, text)?;
        if *quoted && words.len() > 1 {
            out.push(Clause::Phrase(
                words.iter().map(|w| surface_to_key(lang, w)).collect(),
            ));
            continue;
        }
        let last_word = words.len().saturating_sub(1);
        for (w, word) in words.iter().enumerate() {
            out.push(Clause::Word {
                key: surface_to_key(lang, word),
                prefix: prefix
                    && !quoted
                    && s == last_segment
                    && w == last_word
                    && word.chars().count() >= MIN_PREFIX_CHARS,
                surface: word.clone(),
            });
        }
    }
    Ok(out)
}

/// A clause resolved to index terms: a document matches when it has one of the terms or
/// one of the phrases. A word has terms only, a phrase one phrase, synonyms both.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Resolved {
    /// Ascending, deduplicated.
    pub terms: Vec<String>,
    /// Each the terms of a phrase, in order; no two equal.
    pub phrases: Vec<Vec<String>>,
}

impl Resolved {
    fn is_empty(&self) -> bool {
        self.terms.is_empty() && self.phrases.is_empty()
    }
}

struct Resolver<'a> {
    snapshot: &'a Snapshot,
    l: usize,
    stem: TextAnalyzer,
}

impl Resolver<'_> {
    fn has_key(&self, key: &str) -> bool {
        self.snapshot.has_word_key(self.l, key)
    }

    /// `key` if some page contains it, else its first singular form some page contains
    /// (a plural no page uses finds the singular), else `None`.
    fn known_key(&self, key: &str) -> Option<String> {
        if self.has_key(key) {
            return Some(key.to_string());
        }
        singulars(LANGS[self.l], key)
            .into_iter()
            .find(|singular| self.has_key(singular))
    }

    fn stem(&mut self, key: &str) -> String {
        tokens(&mut self.stem, key)
            .into_iter()
            .next()
            .map(|t| t.text)
            .unwrap_or_default()
    }

    fn weight(&self, term: &str) -> anyhow::Result<u64> {
        let mut weight = 0;
        for field in self.snapshot.fields.text[self.l] {
            weight += self
                .snapshot
                .doc_freq(&Term::from_field_text(field, term))?;
        }
        Ok(weight)
    }

    fn resolve(&mut self, clause: &Clause) -> anyhow::Result<Option<Resolved>> {
        match clause {
            Clause::Word {
                surface,
                key,
                prefix,
            } => {
                let exact = self.known_key(key).map(|k| self.stem(&k));
                let mut others: Vec<(u64, String)> = Vec::new();
                if *prefix {
                    let mut seen: HashSet<String> = exact.iter().cloned().collect();
                    for k in self.snapshot.word_keys_with_prefix(self.l, surface) {
                        let term = self.stem(k);
                        if seen.insert(term.clone()) {
                            others.push((self.weight(&term)?, term));
                        }
                    }
                    others.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
                }
                let room = MAX_EXPANSIONS - usize::from(exact.is_some());
                let mut terms: Vec<String> = exact
                    .into_iter()
                    .chain(others.into_iter().take(room).map(|(_, t)| t))
                    .collect();
                terms.sort();
                Ok((!terms.is_empty()).then_some(Resolved {
                    terms,
                    phrases: Vec::new(),
                }))
            }
            Clause::Phrase(keys) => {
                let mut terms = Vec::new();
                for key in keys {
                    let Some(known) = self.known_key(key) else {
                        return Ok(None);
                    };
                    terms.push(self.stem(&known));
                }
                Ok(Some(Resolved {
                    terms: Vec::new(),
                    phrases: vec![terms],
                }))
            }
            Clause::Synonyms(members) => {
                let mut any = Resolved::default();
                for member in members {
                    let Some(r) = self.resolve(member)? else {
                        continue;
                    };
                    any.terms.extend(r.terms);
                    for phrase in r.phrases {
                        if !any.phrases.contains(&phrase) {
                            any.phrases.push(phrase);
                        }
                    }
                }
                any.terms.sort();
                any.terms.dedup();
                Ok((!any.is_empty()).then_some(any))
            }
        }
    }
}

/// The resolved clauses of `query` in `lang`, or `None` when it cannot match there.
pub fn resolve(
    index: &Index,
    snapshot: &Snapshot,
    synonyms: &Synonyms,
    lang: &str,
    query: &str,
) -> anyhow::Result<Option<Vec<Resolved>>> {
    let l = lang_index(lang).with_context(|| format!("unknown language {lang}"))?;
    let mut resolver = Resolver {
        snapshot,
        l,
        stem: index
            .tokenizers()
            .get(&stem_analyzer_name(lang))
            .context("stemmer not registered")?,
    };
    let mut out = Vec::new();
    for clause in rewrite(lang, synonyms.sets(l), clauses(index, lang, query)?) {
        match resolver.resolve(&clause)? {
            Some(r) => out.push(r),
            None => return Ok(None),
        }
    }
    Ok((!out.is_empty()).then_some(out))
}

fn boosted(query: Box<dyn Query>, boost: f32) -> Box<dyn Query> {
    Box::new(BoostQuery::new(query, boost))
}

fn clause_query(fields: [Field; 3], clause: &Resolved) -> Box<dyn Query> {
    let mut should: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    for term in &clause.terms {
        for (field, boost) in fields.iter().zip(BOOSTS) {
            let q = TermQuery::new(
                Term::from_field_text(*field, term),
                IndexRecordOption::WithFreqs,
            );
            should.push((Occur::Should, boosted(Box::new(q), boost)));
        }
    }
    for terms in &clause.phrases {
        for (field, boost) in fields.iter().zip(BOOSTS) {
            let q = PhraseQuery::new(
                terms
                    .iter()
                    .map(|t| Term::from_field_text(*field, t))
                    .collect(),
            );
            should.push((Occur::Should, boosted(Box::new(q), boost)));
        }
    }
    Box::new(BooleanQuery::new(should))
}

/// The tantivy query of resolved clauses in one language (see the module docs).
pub fn language_query(fields: [Field; 3], clauses: &[Resolved]) -> Option<Box<dyn Query>> {
    let mut iter = clauses.iter();
    let mut acc = clause_query(fields, iter.next()?);
    for clause in iter {
        acc = Box::new(BooleanQuery::new(vec![
            (Occur::Must, acc),
            (Occur::Must, clause_query(fields, clause)),
        ]));
    }
    Some(acc)
}

/// The languages a request searches, in [`LANGS`] order.
fn request_langs(req: &SearchRequest) -> Vec<&'static str> {
    LANGS
        .iter()
        .copied()
        .filter(|l| req.lang.as_deref().is_none_or(|want| want == *l))
        .collect()
}

/// Every live match of `query` with its score and facets, after `filters`.
struct MatchCollector {
    /// Per taxonomy, the accepted facets.
    filters: Vec<Vec<Facet>>,
    /// Count facets (a search) or not (related pages: reading every match's facets
    /// would dominate the build).
    count: bool,
}

struct SegmentMatches {
    segment: u32,
    facets: tantivy::fastfield::FacetReader,
    count: bool,
    /// Facet ords of weighted kinds in this segment, with their weight.
    weights: Vec<(u64, Score)>,
    /// Per filtered taxonomy, the accepted facet ords of this segment.
    filters: Vec<HashSet<u64>>,
    hits: Vec<(Score, DocAddress)>,
    /// When counting, the facet ords of each hit, in `hits` order.
    hit_facets: Vec<Vec<u64>>,
}

impl SegmentMatches {
    /// The kind weight of `doc` (1 for kinds without one).
    fn weight_of(&self, doc: DocId) -> Score {
        if self.weights.is_empty() {
            return 1.0;
        }
        for ord in self.facets.facet_ords(doc) {
            if let Some((_, w)) = self.weights.iter().find(|(o, _)| *o == ord) {
                return *w;
            }
        }
        1.0
    }
}

struct Matches {
    hits: Vec<(Score, DocAddress)>,
    /// When counting, the facets (taxonomy, term) of each hit, in `hits` order.
    facets: Vec<Vec<Arc<(String, String)>>>,
}

impl Collector for MatchCollector {
    type Fruit = Matches;
    type Child = SegmentMatchesHarvest;

    fn for_segment(
        &self,
        segment_local_id: u32,
        segment: &SegmentReader,
    ) -> tantivy::Result<SegmentMatchesHarvest> {
        let facets = segment.facet_reader("facets")?;
        let mut filters = Vec::new();
        for group in &self.filters {
            let mut ords = HashSet::new();
            for facet in group {
                if let Some(ord) = facets.facet_dict().term_ord(facet.encoded_str())? {
                    ords.insert(ord);
                }
            }
            filters.push(ords);
        }
        let mut weights = Vec::new();
        for (kind, weight) in super::index::KIND_WEIGHTS {
            let facet = Facet::from_path(["kind", kind]);
            if let Some(ord) = facets.facet_dict().term_ord(facet.encoded_str())? {
                weights.push((ord, weight));
            }
        }
        Ok(SegmentMatchesHarvest(SegmentMatches {
            segment: segment_local_id,
            facets,
            count: self.count,
            weights,
            filters,
            hits: Vec::new(),
            hit_facets: Vec::new(),
        }))
    }

    fn requires_scoring(&self) -> bool {
        true
    }

    fn merge_fruits(&self, fruits: Vec<Matches>) -> tantivy::Result<Matches> {
        let mut all = Matches {
            hits: Vec::new(),
            facets: Vec::new(),
        };
        for fruit in fruits {
            all.hits.extend(fruit.hits);
            all.facets.extend(fruit.facets);
        }
        Ok(all)
    }
}

struct SegmentMatchesHarvest(SegmentMatches);

impl SegmentCollector for SegmentMatchesHarvest {
    type Fruit = Matches;

    fn collect(&mut self, doc: DocId, score: Score) {
        let m = &mut self.0;
        let score = score * m.weight_of(doc);
        if !m.count && m.filters.is_empty() {
            m.hits.push((score, DocAddress::new(m.segment, doc)));
            return;
        }
        let ords: Vec<u64> = m.facets.facet_ords(doc).collect();
        if !m
            .filters
            .iter()
            .all(|accepted| ords.iter().any(|o| accepted.contains(o)))
        {
            return;
        }
        if m.count {
            m.hit_facets.push(ords);
        }
        m.hits.push((score, DocAddress::new(m.segment, doc)));
    }

    fn harvest(self) -> Matches {
        let m = self.0;
        let mut names: HashMap<u64, Option<Arc<(String, String)>>> = HashMap::new();
        let facets = m
            .hit_facets
            .iter()
            .map(|ords| {
                ords.iter()
                    .filter_map(|ord| {
                        names
                            .entry(*ord)
                            .or_insert_with(|| facet_name(&m.facets, *ord).map(Arc::new))
                            .clone()
                    })
                    .collect()
            })
            .collect();
        Matches {
            hits: m.hits,
            facets,
        }
    }
}

/// The (taxonomy, term) of a facet ord of a segment.
fn facet_name(reader: &tantivy::fastfield::FacetReader, ord: u64) -> Option<(String, String)> {
    let mut facet = Facet::root();
    reader.facet_from_ord(ord, &mut facet).ok()?;
    match facet.to_path().as_slice() {
        [taxonomy, term] => Some(((*taxonomy).to_string(), (*term).to_string())),
        _ => None,
    }
}

fn filter_groups(filters: &[(String, String)]) -> Vec<Vec<Facet>> {
    let mut groups: BTreeMap<&str, Vec<Facet>> = BTreeMap::new();
    for (taxonomy, term) in filters {
        groups
            .entry(taxonomy.as_str())
            .or_default()
            .push(Facet::from_path([taxonomy.as_str(), term.as_str()]));
    }
    groups.into_values().collect()
}

fn sort_hits(snapshot: &Snapshot, hits: &mut [(Score, DocAddress)]) {
    hits.sort_by(|a, b| hit_order(snapshot, a, b));
}

/// Best score first, then (key, lang) rank: a total order, as ranks are unique.
fn hit_order(
    snapshot: &Snapshot,
    a: &(Score, DocAddress),
    b: &(Score, DocAddress),
) -> std::cmp::Ordering {
    b.0.total_cmp(&a.0)
        .then_with(|| snapshot.rank(a.1).cmp(&snapshot.rank(b.1)))
}

fn stored(doc: &TantivyDocument, field: Field) -> String {
    doc.get_first(field)
        .and_then(|v| v.as_str())
        .unwrap_or_default()
        .to_string()
}

/// Plain text of a snippet with its highlighted ranges in `[brackets]`, and `…` where
/// it cuts the text.
fn bracketed(snippet: &tantivy::snippet::Snippet, full_len: usize) -> String {
    let text = snippet.fragment();
    let mut out = String::new();
    if snippet.fragment_range().start > 0 {
        out.push('…');
    }
    let mut from = 0;
    for range in snippet.highlighted() {
        out.push_str(&text[from..range.start]);
        out.push('[');
        out.push_str(&text[range.clone()]);
        out.push(']');
        from = range.end;
    }
    out.push_str(text[from..].trim_end());
    if snippet.fragment_range().end < full_len {
        out.push('…');
    }
    out
}

/// What tantivy's `SnippetGenerator::create` makes, with the language's analyzer: the
/// field's own tokenizer reads pre-analysed text only (see `preanalyzed.rs`).
fn snippets_of(
    index: &Index,
    snapshot: &Snapshot,
    query: &dyn Query,
    field: Field,
    lang: &str,
) -> anyhow::Result<SnippetGenerator> {
    let mut terms: BTreeSet<&Term> = BTreeSet::new();
    query.query_terms(&mut |term, _| {
        if term.field() == field {
            terms.insert(term);
        }
    });
    let mut weights = BTreeMap::new();
    for term in terms {
        let value = term.value();
        let Some(text) = value.as_str() else {
            continue;
        };
        let doc_freq = snapshot.searcher.doc_freq(term)?;
        if doc_freq > 0 {
            weights.insert(text.to_string(), 1.0 / (1.0 + doc_freq as Score));
        }
    }
    let analyzer = index
        .tokenizers()
        .get(&analyzer_name(lang))
        .context("analyzer not registered")?;
    Ok(SnippetGenerator::new(
        weights,
        analyzer,
        field,
        SNIPPET_CHARS,
    ))
}

/// Longest snippet shown, in characters.
const SNIPPET_CHARS: usize = 180;

fn hit(
    snapshot: &Snapshot,
    rank: usize,
    score: Score,
    address: DocAddress,
    snippets: &HashMap<String, Vec<SnippetGenerator>>,
) -> anyhow::Result<Hit> {
    let f = &snapshot.fields;
    let doc: TantivyDocument = snapshot.searcher.doc(address)?;
    let lang = stored(&doc, f.lang);
    let summary = stored(&doc, f.summary);
    let mut snippet = String::new();
    if let Some(generators) = snippets.get(&lang) {
        // Body first, then summary: the first that shows a match.
        let texts = [stored(&doc, f.body), summary.clone()];
        for (generator, text) in generators.iter().zip(&texts) {
            let s = generator.snippet(text);
            if !s.highlighted().is_empty() {
                snippet = bracketed(&s, text.len());
                break;
            }
        }
    }
    if snippet.is_empty() {
        snippet.clone_from(&summary);
    }
    Ok(Hit {
        rank,
        key: stored(&doc, f.key),
        lang,
        kind: stored(&doc, f.kind),
        url: stored(&doc, f.url),
        title: stored(&doc, f.title),
        summary,
        snippet,
        score,
        also: Vec::new(),
    })
}

/// Answers a request; see the module docs for the semantics.
pub fn search(
    index: &Index,
    snapshot: &Snapshot,
    synonyms: &Synonyms,
    req: &SearchRequest,
) -> anyhow::Result<SearchResponse> {
    check_query(&req.query)?;
    // Indexed text is composed (NFC, at load); so must a query typed decomposed be.
    let composed;
    let req = match crate::text::nfc(&req.query) {
        std::borrow::Cow::Borrowed(_) => req,
        std::borrow::Cow::Owned(query) => {
            composed = SearchRequest {
                query,
                ..req.clone()
            };
            &composed
        }
    };
    let mut per_lang: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    let mut snippets: HashMap<String, Vec<SnippetGenerator>> = HashMap::new();
    for lang in request_langs(req) {
        let l = lang_index(lang).context("language")?;
        let Some(resolved) = resolve(index, snapshot, synonyms, lang, &req.query)? else {
            continue;
        };
        let Some(query) = language_query(snapshot.fields.text[l], &resolved) else {
            continue;
        };
        let mut generators = Vec::new();
        for field in [snapshot.fields.text[l][2], snapshot.fields.text[l][1]] {
            generators.push(snippets_of(index, snapshot, &*query, field, lang)?);
        }
        snippets.insert(lang.to_string(), generators);
        per_lang.push((Occur::Should, query));
    }
    let mut response = SearchResponse {
        query: req.query.clone(),
        total: 0,
        hits: Vec::new(),
        facets: BTreeMap::new(),
    };
    if per_lang.is_empty() {
        return Ok(response);
    }
    let query: Box<dyn Query> = if per_lang.len() == 1 {
        per_lang.pop().map(|(_, q)| q).context("one query")?
    } else {
        Box::new(BooleanQuery::new(per_lang))
    };
    let collector = MatchCollector {
        filters: filter_groups(&req.filters),
        count: true,
    };
    let matches = snapshot
        .searcher
        .search_with_statistics_provider(&*query, &collector, snapshot)?;
    let reader = req.reader.as_deref().and_then(lang_index);
    let groups = group::group(snapshot, reader, &matches.hits, &matches.facets);
    response.total = groups.len();
    response.facets = group::facet_counts(&groups);
    for (i, g) in groups.iter().take(req.limit).enumerate() {
        let address = group::shown(snapshot, g, reader, req)?;
        let mut h = hit(snapshot, i + 1, g.score, address, &snippets)?;
        h.also = group::also(snapshot, g.page, &h.lang)?;
        response.hits.push(h);
    }
    Ok(response)
}

/// Most terms of a related-pages query.
const RELATED_TERMS: usize = 25;

/// The matches that can be among the best `limit` (kind weights applied), each with the
/// score [`MatchCollector`] would give it, `skip` left out.
///
/// Every forum asks for its related pages over the whole index, so collecting every
/// match made the stage quadratic in the size of the site. This collector lets tantivy
/// skip the blocks of postings that cannot reach the `limit`-th best score so far
/// (block-WAND). Block-WAND adds a document's term scores in an order that depends on
/// how the postings were traversed, which can move an f32 sum by a few ulps and so would
/// make a clean and an incremental build disagree on near ties; so pruning keeps a
/// margin, and the documents it keeps are scored again by the plain union scorer, which
/// adds in clause order.
struct BestMatchesCollector {
    limit: usize,
    skip: HashSet<DocAddress>,
}

/// Relative slack of the pruning threshold: far above the rounding of a sum of a few
/// dozen f32 terms, far below the gaps between scores that matter.
const PRUNING_SLACK: Score = 1e-4;

impl Collector for BestMatchesCollector {
    type Fruit = Matches;
    type Child = SegmentMatchesHarvest;

    fn for_segment(
        &self,
        segment_local_id: u32,
        segment: &SegmentReader,
    ) -> tantivy::Result<SegmentMatchesHarvest> {
        MatchCollector {
            filters: Vec::new(),
            count: false,
        }
        .for_segment(segment_local_id, segment)
    }

    fn requires_scoring(&self) -> bool {
        true
    }

    fn merge_fruits(&self, fruits: Vec<Matches>) -> tantivy::Result<Matches> {
        Ok(Matches {
            hits: fruits.into_iter().flat_map(|f| f.hits).collect(),
            facets: Vec::new(),
        })
    }

    fn collect_segment(
        &self,
        weight: &dyn tantivy::query::Weight,
        segment_ord: u32,
        reader: &SegmentReader,
    ) -> tantivy::Result<Self::Fruit> {
        let kinds = self.for_segment(segment_ord, reader)?.0;
        let max_weight = kinds.weights.iter().map(|w| w.1).fold(1.0, Score::max);
        let alive = reader.alive_bitset();
        // The best `limit` weighted scores so far, smallest first.
        let mut best: std::collections::BinaryHeap<std::cmp::Reverse<OrderedScore>> =
            std::collections::BinaryHeap::new();
        let mut candidates: Vec<DocId> = Vec::new();
        let floor = |best: &std::collections::BinaryHeap<std::cmp::Reverse<OrderedScore>>| {
            match best.peek() {
                Some(min) if best.len() >= self.limit => {
                    min.0.0 / max_weight * (1.0 - PRUNING_SLACK)
                }
                _ => 0.0,
            }
        };
        if self.limit > 0 {
            weight.for_each_pruning(0.0, reader, &mut |doc, score| {
                if alive.is_some_and(|a| a.is_deleted(doc))
                    || self.skip.contains(&DocAddress::new(segment_ord, doc))
                {
                    return floor(&best);
                }
                let weighted = score * kinds.weight_of(doc);
                if best.len() < self.limit {
                    best.push(std::cmp::Reverse(OrderedScore(weighted)));
                } else if best.peek().is_some_and(|min| weighted > min.0.0) {
                    best.pop();
                    best.push(std::cmp::Reverse(OrderedScore(weighted)));
                }
                candidates.push(doc);
                floor(&best)
            })?;
        }
        // Candidates come in document order, which is what seeking needs.
        let keep = floor(&best) * max_weight;
        let mut scorer = weight.scorer(reader, 1.0)?;
        let mut hits = Vec::new();
        for doc in candidates {
            if scorer.doc() > doc || scorer.seek(doc) != doc {
                continue;
            }
            let weighted = scorer.score() * kinds.weight_of(doc);
            if weighted >= keep {
                hits.push((weighted, DocAddress::new(segment_ord, doc)));
            }
        }
        Ok(Matches {
            hits,
            facets: Vec::new(),
        })
    }
}

/// An f32 score ordered by `total_cmp`, for the heap of the best scores.
#[derive(PartialEq)]
struct OrderedScore(Score);

impl Eq for OrderedScore {}

impl PartialOrd for OrderedScore {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for OrderedScore {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.0.total_cmp(&other.0)
    }
}

/// Pages related to `key` in `lang`: a MoreLikeThis over the page's own fields,
/// made deterministic (tantivy's `MoreLikeThis` orders equal-scoring terms by hash map
/// iteration, which would make builds differ).
pub fn related(
    analyzers: &PageAnalyzers,
    snapshot: &Snapshot,
    key: &str,
    lang: &str,
    exclude: &[String],
    limit: usize,
) -> anyhow::Result<Vec<Hit>> {
    let hits = best_related(analyzers, snapshot, key, lang, exclude, limit)?;
    shown_hits(snapshot, &hits)
}

/// [`related`]'s pages as (key, lang), read from the snapshot's tables rather than from
/// each hit's stored document (its whole text): what a build lists beside a forum.
pub fn related_pages(
    analyzers: &PageAnalyzers,
    snapshot: &Snapshot,
    key: &str,
    lang: &str,
    exclude: &[String],
    limit: usize,
) -> anyhow::Result<Vec<(String, String)>> {
    let hits = best_related(analyzers, snapshot, key, lang, exclude, limit)?;
    Ok(hits
        .iter()
        .map(|&(_, address)| {
            let (page, l) = snapshot.page(address);
            (
                snapshot.keys[page as usize].clone(),
                LANGS[l as usize].to_string(),
            )
        })
        .collect())
}

/// The best `limit` documents related to `key` in `lang`, in order (see [`related`]).
fn best_related(
    analyzers: &PageAnalyzers,
    snapshot: &Snapshot,
    key: &str,
    lang: &str,
    exclude: &[String],
    limit: usize,
) -> anyhow::Result<Vec<(Score, DocAddress)>> {
    let Some((query, skip)) = related_query(analyzers, snapshot, key, lang, exclude)? else {
        return Ok(Vec::new());
    };
    let mut hits = snapshot
        .searcher
        .search_with_statistics_provider(&query, &BestMatchesCollector { limit, skip }, snapshot)?
        .hits;
    keep_best(snapshot, &mut hits, limit);
    Ok(hits)
}

/// Keeps the best `limit` of `hits`, in order.
fn keep_best(snapshot: &Snapshot, hits: &mut Vec<(Score, DocAddress)>, limit: usize) {
    // Only the best `limit` are shown: select them, then sort those.
    if hits.len() > limit {
        if limit > 0 {
            hits.select_nth_unstable_by(limit - 1, |a, b| hit_order(snapshot, a, b));
        }
        hits.truncate(limit);
    }
    sort_hits(snapshot, hits);
}

/// The best `limit` of `hits`, in order, as shown.
#[cfg(test)]
fn best_hits(
    snapshot: &Snapshot,
    mut hits: Vec<(Score, DocAddress)>,
    limit: usize,
) -> anyhow::Result<Vec<Hit>> {
    keep_best(snapshot, &mut hits, limit);
    shown_hits(snapshot, &hits)
}

/// `hits`, already the best in order, as shown (without snippets).
fn shown_hits(snapshot: &Snapshot, hits: &[(Score, DocAddress)]) -> anyhow::Result<Vec<Hit>> {
    let no_snippets = HashMap::new();
    hits.iter()
        .enumerate()
        .map(|(i, (score, a))| hit(snapshot, i + 1, *score, *a, &no_snippets))
        .collect()
}

/// The MoreLikeThis query of `key` in `lang`, and the documents it must not return (the
/// page itself and `exclude`). `None` when the page is not indexed or has no term that
/// tells it apart.
fn related_query(
    analyzers: &PageAnalyzers,
    snapshot: &Snapshot,
    key: &str,
    lang: &str,
    exclude: &[String],
) -> anyhow::Result<Option<(BooleanQuery, HashSet<DocAddress>)>> {
    let Some(l) = lang_index(lang) else {
        return Ok(None);
    };
    let Some(&address) = snapshot.by_id.get(&format!("{lang}:{key}")) else {
        return Ok(None);
    };
    let f = &snapshot.fields;
    let doc: TantivyDocument = snapshot.searcher.doc(address)?;
    let texts = [
        stored(&doc, f.title),
        stored(&doc, f.summary),
        stored(&doc, f.body),
    ];
    let n = snapshot.num_docs;
    let mut scored: Vec<(f32, usize, String)> = Vec::new();
    let analysed = analyzers.analyse(l, &texts.each_ref().map(String::as_str));
    for (i, terms) in analysed.iter().enumerate() {
        // The order they are scored in does not matter (see `order` below).
        let mut tf: FastMap<&str, u32> = FastMap::default();
        for term in analysed_terms(terms) {
            *tf.entry(term).or_insert(0) += 1;
        }
        for (term, count) in tf {
            let df = snapshot.doc_freq(&Term::from_field_text(f.text[l][i], term))?;
            // Words of this page only, or of most pages, say nothing about relatedness.
            if df < 2 || df * 2 > n {
                continue;
            }
            let idf = (1.0 + ((n - df) as f32 + 0.5) / (df as f32 + 0.5)).ln();
            scored.push((count as f32 * idf * BOOSTS[i], i, term.to_string()));
        }
    }
    // A total order (no two entries share field and term): the best few, selected then
    // sorted, are those a sort of all would put first.
    let order = |a: &(f32, usize, String), b: &(f32, usize, String)| {
        b.0.total_cmp(&a.0)
            .then(a.1.cmp(&b.1))
            .then_with(|| a.2.cmp(&b.2))
    };
    if scored.len() > RELATED_TERMS {
        scored.select_nth_unstable_by(RELATED_TERMS - 1, order);
        scored.truncate(RELATED_TERMS);
    }
    scored.sort_by(order);
    let Some(best) = scored.first().map(|s| s.0) else {
        return Ok(None);
    };
    let should: Vec<(Occur, Box<dyn Query>)> = scored
        .iter()
        .map(|(score, i, term)| {
            let q = TermQuery::new(
                Term::from_field_text(f.text[l][*i], term),
                IndexRecordOption::WithFreqs,
            );
            (Occur::Should, boosted(Box::new(q), score / best))
        })
        .collect();
    let query = BooleanQuery::new(should);
    let mut skip: HashSet<DocAddress> = HashSet::from([address]);
    for k in exclude {
        if let Some(a) = snapshot.by_id.get(&format!("{lang}:{k}")) {
            skip.insert(*a);
        }
    }
    Ok(Some((query, skip)))
}

/// [`related`] the slow way, every match collected and sorted: what the pruning
/// collector must agree with.
#[cfg(test)]
pub fn related_exhaustive(
    analyzers: &PageAnalyzers,
    snapshot: &Snapshot,
    key: &str,
    lang: &str,
    exclude: &[String],
    limit: usize,
) -> anyhow::Result<Vec<Hit>> {
    let Some((query, skip)) = related_query(analyzers, snapshot, key, lang, exclude)? else {
        return Ok(Vec::new());
    };
    let collector = MatchCollector {
        filters: Vec::new(),
        count: false,
    };
    let mut matches = snapshot
        .searcher
        .search_with_statistics_provider(&query, &collector, snapshot)?;
    matches.hits.retain(|(_, a)| !skip.contains(a));
    best_hits(snapshot, matches.hits, limit)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // Tests: a panic is the failure report.
mod tests {
    use super::*;
    use crate::search::index::{register_analyzers, schema};

    fn word(surface: &str, key: &str, prefix: bool) -> Clause {
        Clause::Word {
            surface: surface.to_string(),
            key: key.to_string(),
            prefix,
        }
    }

    #[test]
    fn clauses_per_language() {
        let index = Index::create_in_ram(schema());
        register_analyzers(&index);
        assert_eq!(
            clauses(&index, "fr", "L’intégration des Réfugiées").unwrap(),
            vec![
                word("integration", "integration", false),
                word("des", "des", false),
                word("refugiees", "refugi", true),
            ]
        );
        // English keeps the elided word and does not normalise endings.
        assert_eq!(
            clauses(&index, "en", "l'integration refugees ").unwrap(),
            vec![
                word("l", "l", false),
                word("integration", "integration", false),
                word("refugees", "refugees", false),
            ]
        );
        assert_eq!(
            clauses(&index, "fr", "«santé publique» d’asile x").unwrap(),
            vec![
                Clause::Phrase(vec!["sant".to_string(), "publiqu".to_string()]),
                word("asile", "asil", false),
                // Too short to be a prefix.
                word("x", "x", false),
            ]
        );
        // A one-word phrase is an exact word; an unclosed phrase runs to the end.
        assert_eq!(
            clauses(&index, "en", "\"housing\" \"food secur").unwrap(),
            vec![
                word("housing", "housing", false),
                Clause::Phrase(vec!["food".to_string(), "secur".to_string()]),
            ]
        );
        assert!(clauses(&index, "en", " ?! ").unwrap().is_empty());
    }

    #[test]
    fn queries_past_a_limit_are_refused() {
        assert!(check_query(&vec!["a"; MAX_QUERY_WORDS].join(" ")).is_ok());
        assert!(check_query(&vec!["a"; MAX_QUERY_WORDS + 1].join(" ")).is_err());
        assert!(check_query(&vec!["a"; MAX_QUERY_WORDS + 1].join("-")).is_err());
        assert!(check_query(&"a".repeat(MAX_QUERY_BYTES)).is_ok());
        assert!(check_query(&"a".repeat(MAX_QUERY_BYTES + 1)).is_err());
        assert!(check_query("").is_ok());
    }

    #[test]
    fn segments_and_prefix() {
        let (s, p) = segments("refugee");
        assert_eq!(s, vec![("refugee".to_string(), false)]);
        assert!(p);
        let (_, p) = segments("refugee ");
        assert!(!p);
        let (s, p) = segments("\"intentional connection\" toronto");
        assert_eq!(
            s,
            vec![
                ("intentional connection".to_string(), true),
                (" toronto".to_string(), false)
            ]
        );
        assert!(p);
        let (s, p) = segments("«l’intégration des réfugiés");
        assert_eq!(s, vec![("l’intégration des réfugiés".to_string(), true)]);
        assert!(!p);
        let (s, p) = segments("“a b” ");
        assert_eq!(s, vec![("a b".to_string(), true)]);
        assert!(!p);
        assert_eq!(segments("  ").0, vec![]);
    }
}
