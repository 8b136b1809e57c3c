//! The static form of the index: what `assets/search.js` loads on a plain static host.
//!
//! Input: a [`Snapshot`] of the index. Output: files relative to `public/search/`:
//!
//! ```text
//! meta.json            entry point (fixed name): statistics, constants, shard boundaries
//! search.js            the browser script (assets/search.js)
//! GEN/facets.bin       every language's pages and facets, loaded when the search box
//!                      gets focus
//! GEN/LANG/nK.bin      fieldnorm ids of NORM_SHARD documents, fetched for the
//!                      documents a query matches
//! GEN/LANG/dN.bin      key dictionary shards: key → (term id, weight = the term's
//!                      document frequency summed over the three fields)
//! GEN/LANG/tN.bin      postings shards: per term, per field: doc ids and term freqs
//! GEN/LANG/pN.bin      positions shards, fetched for phrase queries only
//! GEN/LANG/mN.bin      document metadata (key, url, title, summary, date, kind, the
//!                      page's other versions as [lang, url]),
//!                      CHUNK_DOCS documents per file
//! ```
//!
//! `GEN` is a hash of every data file, so a rebuild that changes anything gets new
//! URLs and a browser never mixes shards of two builds; `meta.json` names it. Each
//! `.bin` is raw deflate (decompressed with `DecompressionStream`), so the transfer stays
//! small on hosts that do not compress binary types. Everything is sorted and hashed
//! with FNV-1a: the same documents give byte-identical files.
//!
//! Binary layout (`varint` = unsigned LEB128):
//! - `nK.bin`: the fieldnorm id bytes of local documents `K·NORM_SHARD` onwards (`s` of
//!   them, `NORM_SHARD` but in the last shard), field-major: `s` title, `s` summary,
//!   `s` body. A query fetches the shards of the documents it matches: a language that
//!   matches a few pages costs a few shards, not the table of every page.
//! - `facets.bin`: for each language of `meta.languages` (those with pages, in `LANGS`
//!   order) (`n` = `meta.langs.L.count`): `n` varints, the page of each document (the
//!   number of its key among the `meta.pages` keys of the site, ascending; a page and
//!   its translations share it), the first absolute, then differences (mostly 1). A
//!   document of a later language is *paired* with the first language's document of the
//!   same page, if any. Then, for each facet of `meta.facets`
//!   except `lang` ones, a bitmap of `ceil(n/8)` bytes (bit `i % 8` of byte `i / 8`:
//!   document `i` has the facet), XOR the paired document's bit for languages after
//!   the first: a translation has its source's terms, so its bits are mostly 0 and a
//!   search over both languages fetches the facets of about one.
//! - `dN.bin`: entries in key order: shared prefix length with the previous key (bytes,
//!   0 for a shard's first), suffix length, suffix UTF-8 bytes, term id, weight.
//! - `tN.bin`: for each term of the shard's range, for each field: `df`, then `df` doc
//!   id deltas (first absolute), then `df` term frequencies.
//! - `pN.bin`: for each term of the range, the byte length of its block, then the
//!   block: for each field, each posting, `tf` position deltas (first absolute).
//!
//! `langs.L.postings` and `langs.L.positions` give the first term id of each `tN.bin` and
//! `pN.bin` shard, each as the difference from the one before (the first absolute).
//!
//! Statistics: `meta.docs` is the number of live documents (both languages),
//! `langs.L.tokens[f]` the sum of live documents' quantised fieldnorms, `df` is the
//! length of a posting list. `meta.idf` maps the document frequencies whose f32 IDF the
//! browser (`Math.fround(Math.log(…))`, correctly rounded) would get wrong to the
//! number of ulps to add: tantivy's `f32::ln` (the platform's `logf`) is not always
//! correctly rounded.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::PathBuf;

use anyhow::Context;
use flate2::{Compress, Compression, FlushCompress, Status};
use rayon::prelude::*;
use serde_json::json;
use tantivy::schema::{Facet, IndexRecordOption, Value};
use tantivy::{DocAddress, DocSet, Index, TERMINATED, TantivyDocument, Term};

use super::analysis::{LANGS, elisions, folds_endings, plurals, stem_analyzer_name, tokens};
use super::group::FOREIGN_WEIGHT;
use super::index::{BOOSTS, KIND_WEIGHTS, Snapshot, TEXT_FIELDS, fnv1a};
use super::query::{MAX_EXPANSIONS, MAX_QUERY_BYTES, MAX_QUERY_WORDS, MIN_PREFIX_CHARS, QUOTES};
use super::synonyms::Synonyms;

/// Version of the layout above; `search.js` refuses another.
pub const FORMAT: u32 = 5;
/// Documents per metadata file: showing 10 results fetches about 10 small files.
pub const CHUNK_DOCS: usize = 3;
/// Documents per fieldnorm shard: a word of a few pages fetches a few shards.
pub const NORM_SHARD: usize = 512;
const DICT_SHARD_BYTES: usize = 1024;
const TERM_SHARD_BYTES: usize = 4 * 1024;
const POS_SHARD_BYTES: usize = 48 * 1024;

/// The browser script, written beside the data.
pub const SEARCH_JS: &str = include_str!("../../assets/search.js");

const K1: f32 = 1.2;
const B: f32 = 0.75;

fn varint(out: &mut Vec<u8>, mut v: u64) {
    loop {
        let byte = (v & 0x7f) as u8;
        v >>= 7;
        if v == 0 {
            out.push(byte);
            return;
        }
        out.push(byte | 0x80);
    }
}

/// tantivy's IDF, written as in `tantivy::query::bm25` so it rounds the same way.
fn tantivy_idf(doc_freq: u64, doc_count: u64) -> f32 {
    let x = ((doc_count - doc_freq) as f32 + 0.5) / (doc_freq as f32 + 0.5);
    (1.0 + x).ln()
}

/// The script as published: without its opening comment block, comment lines, blank
/// lines and indentation (a quarter of its gzip size, on every first query). Lines are
/// kept whole, so no statement changes; the readable source is `assets/search.js`.
fn published_script(source: &str) -> String {
    let body = match (source.find("/*"), source.find("*/")) {
        (Some(0), Some(end)) => &source[end + 2..],
        _ => source,
    };
    let mut out = String::from("// Passerelle search; the readable source is assets/search.js.\n");
    for line in body.lines().map(str::trim) {
        if !line.is_empty() && !line.starts_with("//") {
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}

/// What the browser computes: the same f32 operations, the logarithm in f64.
fn browser_idf(doc_freq: u64, doc_count: u64) -> f32 {
    let x = ((doc_count - doc_freq) as f32 + 0.5) / (doc_freq as f32 + 0.5);
    f64::from(1.0f32 + x).ln() as f32
}

/// Level 6, not 9: on the 10,000-page form, 9 took 2.6 times as long for 0.3 % fewer bytes.
#[cfg(test)]
fn deflate(bytes: &[u8]) -> anyhow::Result<Vec<u8>> {
    use std::io::Write as _;
    let mut encoder = flate2::write::DeflateEncoder::new(Vec::new(), Compression::default());
    encoder.write_all(bytes)?;
    Ok(encoder.finish()?)
}

/// [`deflate`] with a state made once per thread and reset for each file: a new state for
/// each of the form's thousands of small files cost more than compressing them (the
/// export took 1.7 s instead of 0.8 s at 10,000 pages). Same bytes as `DeflateEncoder`.
/// Raw deflate rather than gzip: gzip's header and checksum add 18 bytes to each of the
/// twenty-odd files of a first query, and the browser's `DecompressionStream` reads both.
fn deflate_with(deflate: &mut Compress, bytes: &[u8]) -> anyhow::Result<Vec<u8>> {
    deflate.reset();
    let mut out = Vec::with_capacity(bytes.len() / 2 + 64);
    loop {
        let read = usize::try_from(deflate.total_in())?;
        if out.len() == out.capacity() {
            out.reserve(bytes.len() / 4 + 64);
        }
        let status = deflate.compress_vec(&bytes[read..], &mut out, FlushCompress::Finish)?;
        if status == Status::StreamEnd {
            break;
        }
    }
    Ok(out)
}

fn new_deflate() -> Compress {
    Compress::new(Compression::default(), false)
}

/// A document's row of `mN.bin`: key, url, title, summary, date, kind, and the page's
/// other versions as (lang, url) in `LANGS` order.
type MetaRow = (
    String,
    String,
    String,
    String,
    String,
    String,
    Vec<(String, String)>,
);

struct ExportDoc {
    rank: u32,
    /// The page's number, shared with its translations (`Snapshot::page`).
    page: u32,
    l: usize,
    address: DocAddress,
    meta: MetaRow,
    norms: [u8; 3],
    /// Its facets, as their places in the site's sorted list of (taxonomy, term):
    /// ascending. Numbers rather than strings: a page has several, and the site's pages
    /// all wait here until the export is done.
    facets: Vec<u32>,
}

struct Posting {
    doc: u32,
    positions: Vec<u32>,
}

/// A data file's place in the form's order, which the generation hash follows:
/// (0 for `facets.bin`, else 1 + the language's place in `meta.languages`; the file's
/// kind, in `ndtpm` order; its number).
type Place = (usize, usize, usize);

/// Files of the form by their paths under `public/search/`.
pub type Files = Vec<(PathBuf, Vec<u8>)>;

/// Where the form's data files go as they are made, in an order of their own: their
/// path in the generation folder, their bytes.
pub type Sink<'a> = dyn FnMut(String, Vec<u8>) -> anyhow::Result<()> + 'a;

/// Hands each data file to the sink, and remembers what the generation hash needs of
/// it: a form is written as it is made, not held whole until its name is known.
struct Emitter<'a, 's> {
    sink: &'a mut Sink<'s>,
    emitted: Vec<(Place, String, u64)>,
}

impl Emitter<'_, '_> {
    fn emit(&mut self, place: Place, path: String, bytes: Vec<u8>) -> anyhow::Result<()> {
        self.emitted.push((place, path.clone(), fnv1a(&bytes)));
        (self.sink)(path, bytes)
    }

    /// Files of one kind of a language's, numbered from 0 in order.
    fn emit_all(
        &mut self,
        group: usize,
        kind: char,
        first: usize,
        files: Vec<(String, Vec<u8>)>,
    ) -> anyhow::Result<()> {
        let kind_place = KINDS.find(kind).context("unknown kind of file")?;
        for (i, (path, bytes)) in (first..).zip(files) {
            self.emit((group, kind_place, i), path, bytes)?;
        }
        Ok(())
    }

    /// The generation: a hash of every file's path and bytes, in the form's order.
    fn generation(mut self) -> String {
        self.emitted.sort_by_key(|(place, _, _)| *place);
        let mut generation = Vec::new();
        for (_, path, hash) in &self.emitted {
            generation.extend_from_slice(path.as_bytes());
            generation.extend_from_slice(&hash.to_le_bytes());
        }
        format!("{:016x}", fnv1a(&generation))
    }
}

/// The kinds of a language's files, in the form's order.
const KINDS: &str = "ndtpm";

/// One language's statistics and shard boundaries, for `meta.json`.
struct LangData {
    meta: serde_json::Value,
}

/// A facet of the form: (taxonomy, term).
type FacetName = (String, String);

/// The live documents in rank order, and the facets they have, sorted.
fn read_docs(snapshot: &Snapshot) -> anyhow::Result<(Vec<ExportDoc>, Vec<FacetName>)> {
    let f = &snapshot.fields;
    let text = |doc: &TantivyDocument, field| {
        doc.get_first(field)
            .and_then(|v| v.as_str())
            .unwrap_or_default()
            .to_string()
    };
    let mut docs = Vec::new();
    // Facets numbered as first met; renumbered in sorted order below.
    let mut met: HashMap<FacetName, u32> = HashMap::new();
    for (s, segment) in snapshot.searcher.segment_readers().iter().enumerate() {
        // A segment's facet ordinal -> the facet's number, if it is a (taxonomy, term).
        let mut numbers: HashMap<u64, Option<u32>> = HashMap::new();
        let store = segment.get_store_reader(64)?;
        let facet_reader = segment.facet_reader("facets")?;
        let mut norm_readers = Vec::new();
        for fields in &f.text {
            let mut readers = Vec::new();
            for field in fields {
                readers.push(segment.get_fieldnorms_reader(*field)?);
            }
            norm_readers.push(readers);
        }
        let mut facet = Facet::root();
        for doc in segment.doc_ids_alive() {
            let stored: TantivyDocument = store.get(doc)?;
            let lang = text(&stored, f.lang);
            let l = LANGS
                .iter()
                .position(|x| *x == lang)
                .context("document in an unknown language")?;
            let mut norms = [0u8; 3];
            for (i, reader) in norm_readers[l].iter().enumerate() {
                norms[i] = reader.fieldnorm_id(doc);
            }
            let mut facets = Vec::new();
            for ord in facet_reader.facet_ords(doc) {
                let number = match numbers.get(&ord) {
                    Some(number) => *number,
                    None => {
                        facet_reader.facet_from_ord(ord, &mut facet)?;
                        let number = match facet.to_path().as_slice() {
                            [taxonomy, term] => {
                                let next = met.len() as u32;
                                let name = ((*taxonomy).to_string(), (*term).to_string());
                                Some(*met.entry(name).or_insert(next))
                            }
                            _ => None,
                        };
                        numbers.insert(ord, number);
                        number
                    }
                };
                facets.extend(number);
            }
            let address = DocAddress::new(s as u32, doc);
            docs.push(ExportDoc {
                rank: snapshot.rank(address),
                page: snapshot.page(address).0,
                l,
                address,
                meta: (
                    text(&stored, f.key),
                    text(&stored, f.url),
                    text(&stored, f.title),
                    text(&stored, f.summary),
                    text(&stored, f.date),
                    text(&stored, f.kind),
                    Vec::new(),
                ),
                norms,
                facets,
            });
        }
    }
    let mut names: Vec<(FacetName, u32)> = met.into_iter().collect();
    names.sort();
    let mut place = vec![0u32; names.len()];
    for (i, (_, first_met)) in names.iter().enumerate() {
        place[*first_met as usize] = i as u32;
    }
    for d in &mut docs {
        for f in &mut d.facets {
            *f = place[*f as usize];
        }
        d.facets.sort_unstable();
        d.facets.dedup();
    }
    let facets = names.into_iter().map(|(name, _)| name).collect();
    docs.sort_by_key(|d| d.rank);
    // Ranks are in (key, lang) order: a page's versions are neighbours.
    let mut start = 0;
    while start < docs.len() {
        let page = docs[start].page;
        let end = start + docs[start..].iter().take_while(|d| d.page == page).count();
        let mut versions: Vec<(usize, String, String)> = docs[start..end]
            .iter()
            .map(|d| (d.l, LANGS[d.l].to_string(), d.meta.1.clone()))
            .collect();
        versions.sort();
        for d in &mut docs[start..end] {
            d.meta.6 = versions
                .iter()
                .filter(|(l, _, _)| *l != d.l)
                .map(|(_, lang, url)| (lang.clone(), url.clone()))
                .collect();
        }
        start = end;
    }
    Ok((docs, facets))
}

/// Cuts serialised items, as they come, into shards of about `target` bytes, and
/// remembers the index of each shard's first item.
struct Sharder {
    target: usize,
    current: Vec<u8>,
    items: usize,
    starts: Vec<usize>,
    /// Shards cut and not yet taken.
    full: Vec<Vec<u8>>,
}

impl Sharder {
    fn new(target: usize) -> Sharder {
        Sharder {
            target,
            current: Vec::new(),
            items: 0,
            starts: Vec::new(),
            full: Vec::new(),
        }
    }

    fn push(&mut self, item: &[u8]) {
        if self.current.is_empty() {
            self.starts.push(self.items);
        }
        self.items += 1;
        self.current.extend_from_slice(item);
        if self.current.len() >= self.target {
            self.full.push(std::mem::take(&mut self.current));
        }
    }

    /// The shards cut since the last call; with `last`, the one begun too.
    fn take(&mut self, last: bool) -> Vec<Vec<u8>> {
        if last && !self.current.is_empty() {
            self.full.push(std::mem::take(&mut self.current));
        }
        std::mem::take(&mut self.full)
    }
}

/// Each file deflated ([`deflate_with`]), on every core, in the same order.
fn deflate_all(files: Vec<(String, Vec<u8>)>) -> anyhow::Result<Vec<(String, Vec<u8>)>> {
    files
        .into_par_iter()
        .map_init(new_deflate, |deflate, (path, bytes)| {
            Ok((path, deflate_with(deflate, &bytes)?))
        })
        .collect()
}

/// Terms whose postings are read, encoded and cut into shards at a time: the encoded
/// postings of all a language's terms at once were the export's peak of memory.
const TERMS_PER_BATCH: usize = 1024;

fn export_lang(
    index: &Index,
    snapshot: &Snapshot,
    synonyms: &Synonyms,
    out: &mut Emitter,
    group: usize,
    l: usize,
    docs: &[&ExportDoc],
) -> anyhow::Result<LangData> {
    let lang = LANGS[l];
    let fields = snapshot.fields.text[l];
    // Each document's local id by segment and doc id, looked up for every posting (a hash
    // map's lookups were a tenth of the export's time).
    let mut local: Vec<Vec<Option<u32>>> = snapshot
        .searcher
        .segment_readers()
        .iter()
        .map(|segment| vec![None; segment.max_doc() as usize])
        .collect();
    for (i, d) in docs.iter().enumerate() {
        let slot = local
            .get_mut(d.address.segment_ord as usize)
            .and_then(|segment| segment.get_mut(d.address.doc_id as usize))
            .context("an exported document outside the index")?;
        *slot = Some(u32::try_from(i)?);
    }

    // Keys and their terms.
    let mut stemmer = index
        .tokenizers()
        .get(&stem_analyzer_name(lang))
        .context("stemmer not registered")?;
    let keys = &snapshot.word_keys[l];
    let key_terms: Vec<String> = keys
        .iter()
        .map(|k| {
            tokens(&mut stemmer, k)
                .into_iter()
                .next()
                .map(|t| t.text)
                .unwrap_or_default()
        })
        .collect();
    let terms: Vec<String> = key_terms
        .iter()
        .cloned()
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let term_id: HashMap<&str, u64> = terms
        .iter()
        .enumerate()
        .map(|(i, t)| (t.as_str(), i as u64))
        .collect();

    // Postings of every term in every field, live documents only, by local id,
    // serialised as soon as they are read (the decoded lists of all terms at once would
    // take several times the memory of the files), cut into shards and compressed a
    // batch of terms at a time.
    let encode = |term: &String| -> anyhow::Result<(Vec<u8>, Vec<u8>, u64)> {
        let mut t = Vec::new();
        let mut p = Vec::new();
        let mut weight = 0u64;
        let mut list: Vec<Posting> = Vec::new();
        for field in &fields {
            list.clear();
            let term = Term::from_field_text(*field, term);
            for (s, segment) in snapshot.searcher.segment_readers().iter().enumerate() {
                let inverted = segment.inverted_index(*field)?;
                let Some(mut postings) =
                    inverted.read_postings(&term, IndexRecordOption::WithFreqsAndPositions)?
                else {
                    continue;
                };
                let alive = segment.alive_bitset();
                while postings.doc() != TERMINATED {
                    let doc = postings.doc();
                    let exported = local[s].get(doc as usize).copied().flatten();
                    if let Some(d) = exported.filter(|_| alive.is_none_or(|a| a.is_alive(doc))) {
                        // Each its own list, of exactly its size: one list for all of a
                        // common term's grows by doubling, and at 50,000 pages that
                        // raised the build's peak of memory.
                        let mut positions = Vec::new();
                        tantivy::postings::Postings::positions(&mut postings, &mut positions);
                        list.push(Posting { doc: d, positions });
                    }
                    postings.advance();
                }
            }
            list.sort_by_key(|p| p.doc);
            weight += list.len() as u64;
            varint(&mut t, list.len() as u64);
            let mut prev = 0u32;
            for (j, posting) in list.iter().enumerate() {
                let delta = if j == 0 {
                    posting.doc
                } else {
                    posting.doc - prev
                };
                varint(&mut t, u64::from(delta));
                prev = posting.doc;
            }
            for posting in &list {
                varint(&mut t, posting.positions.len() as u64);
                let mut last = 0u32;
                for (k, pos) in posting.positions.iter().enumerate() {
                    varint(&mut p, u64::from(if k == 0 { *pos } else { pos - last }));
                    last = *pos;
                }
            }
        }
        // Length first, so the browser can skip to one term without the others' tfs.
        let mut block = Vec::with_capacity(p.len() + 4);
        varint(&mut block, p.len() as u64);
        block.extend_from_slice(&p);
        Ok((t, block, weight))
    };
    let mut weights = Vec::with_capacity(terms.len());
    let mut term_sharder = Sharder::new(TERM_SHARD_BYTES);
    let mut pos_sharder = Sharder::new(POS_SHARD_BYTES);
    let (mut term_files, mut pos_files) = (0, 0);
    let batches = terms.chunks(TERMS_PER_BATCH);
    let last = batches.len().saturating_sub(1);
    for (b, batch) in batches.enumerate() {
        let encoded: Vec<(Vec<u8>, Vec<u8>, u64)> = batch
            .par_iter()
            .map(encode)
            .collect::<anyhow::Result<_>>()?;
        for (t, block, weight) in encoded {
            term_sharder.push(&t);
            pos_sharder.push(&block);
            weights.push(weight);
        }
        for (sharder, files, kind) in [
            (&mut term_sharder, &mut term_files, 't'),
            (&mut pos_sharder, &mut pos_files, 'p'),
        ] {
            let shards = sharder.take(b == last);
            let first = *files;
            *files += shards.len();
            let named = (first..)
                .zip(shards)
                .map(|(i, shard)| (format!("{lang}/{kind}{i}.bin"), shard))
                .collect();
            out.emit_all(group, kind, first, deflate_all(named)?)?;
        }
    }

    // Dictionary entries, front-coded within a shard.
    let mut dict_shards: Vec<Vec<u8>> = Vec::new();
    let mut dict_firsts: Vec<String> = Vec::new();
    let mut current = Vec::new();
    let mut prev: &[u8] = &[];
    for (key, term) in keys.iter().zip(&key_terms) {
        if current.is_empty() {
            dict_firsts.push(key.clone());
            prev = &[];
        }
        let bytes = key.as_bytes();
        let shared = bytes.iter().zip(prev).take_while(|(a, b)| a == b).count();
        varint(&mut current, shared as u64);
        varint(&mut current, (bytes.len() - shared) as u64);
        current.extend_from_slice(&bytes[shared..]);
        let id = term_id[term.as_str()];
        varint(&mut current, id);
        varint(&mut current, weights[id as usize]);
        prev = bytes;
        if current.len() >= DICT_SHARD_BYTES {
            dict_shards.push(std::mem::take(&mut current));
        }
    }
    if !current.is_empty() {
        dict_shards.push(current);
    }

    let mut norm_files = Vec::new();
    for (k, chunk) in docs.chunks(NORM_SHARD).enumerate() {
        let mut norms = Vec::with_capacity(3 * chunk.len());
        for f in 0..3 {
            norms.extend(chunk.iter().map(|d| d.norms[f]));
        }
        norm_files.push((format!("{lang}/n{k}.bin"), norms));
    }
    out.emit_all(group, 'n', 0, deflate_all(norm_files)?)?;
    let dict_files = (0..)
        .zip(dict_shards)
        .map(|(i, s)| (format!("{lang}/d{i}.bin"), s))
        .collect();
    out.emit_all(group, 'd', 0, deflate_all(dict_files)?)?;

    let tokens: Vec<u64> = fields
        .iter()
        .map(|f| snapshot.total_tokens.get(f).copied().unwrap_or(0))
        .collect();
    let meta = json!({
        "count": docs.len(),
        // How the browser cuts and folds this language's words (analysis.rs).
        "elisions": elisions(lang),
        "endings": folds_endings(lang),
        "plurals": plurals(lang),
        "synonyms": synonyms.sets(l),
        "tokens": tokens,
        "terms": terms.len(),
        "dict": dict_firsts,
        // First term of each shard, as differences (a third fewer bytes on every first
        // query than the absolute ids).
        "postings": differences(&term_sharder.starts),
        "positions": differences(&pos_sharder.starts),
    });
    Ok(LangData { meta })
}

/// The `mN.bin` files of language `l`, whose documents, in local id order, are `docs`.
fn meta_files(l: usize, docs: &[&ExportDoc]) -> anyhow::Result<Vec<(String, Vec<u8>)>> {
    let lang = LANGS[l];
    let mut metas = Vec::new();
    for (i, chunk) in docs.chunks(CHUNK_DOCS).enumerate() {
        let rows: Vec<_> = chunk.iter().map(|d| &d.meta).collect();
        metas.push((format!("{lang}/m{i}.bin"), serde_json::to_vec(&rows)?));
    }
    deflate_all(metas)
}

/// Each of `ascending` less the one before it (the first as it is).
fn differences(ascending: &[usize]) -> Vec<usize> {
    let mut last = 0;
    ascending
        .iter()
        .map(|&n| {
            let d = n - last;
            last = n;
            d
        })
        .collect()
}

/// `facets.bin` (see the module docs). `by_lang[l]` is language `l`'s documents by local
/// id, which is key order.
/// `facets` is the sorted list the documents' facet numbers point into.
fn facet_table(by_lang: &[Vec<&ExportDoc>], facets: &[FacetName]) -> Vec<u8> {
    let mut out = Vec::new();
    let first: HashMap<u32, &ExportDoc> = by_lang
        .first()
        .map(|docs| docs.iter().map(|d| (d.page, *d)).collect())
        .unwrap_or_default();
    for (l, docs) in by_lang.iter().enumerate() {
        // Pages ascend with local ids: deltas, mostly 1.
        let mut previous = 0u32;
        for (i, d) in docs.iter().enumerate() {
            varint(
                &mut out,
                u64::from(if i == 0 { d.page } else { d.page - previous }),
            );
            previous = d.page;
        }
        let paired: Vec<Option<&ExportDoc>> = if l == 0 {
            vec![None; docs.len()]
        } else {
            docs.iter().map(|d| first.get(&d.page).copied()).collect()
        };
        // One bitmap per facet (random facets compress better this way than as
        // per-document lists); `lang` facets are implied by the table.
        for (facet, _) in (0u32..).zip(facets).filter(|(_, f)| f.0 != "lang") {
            let mut bits = vec![0u8; docs.len().div_ceil(8)];
            for (i, (d, pair)) in docs.iter().zip(&paired).enumerate() {
                let has = |d: &ExportDoc| d.facets.binary_search(&facet).is_ok();
                if has(d) != pair.is_some_and(has) {
                    bits[i / 8] |= 1 << (i % 8);
                }
            }
            out.extend_from_slice(&bits);
        }
    }
    out
}

/// Makes the static form (see the module docs), handing each data file to `sink` as
/// soon as it is made (their folder is the generation, known at the end). Returns the
/// generation and the files beside its folder (`meta.json`, the script), by their paths
/// under `public/search/`.
pub fn export_to(
    index: &Index,
    snapshot: &Snapshot,
    synonyms: &Synonyms,
    sink: &mut Sink,
) -> anyhow::Result<(String, Files)> {
    let mut out = Emitter {
        sink,
        emitted: Vec::new(),
    };
    let (mut docs, facets) = read_docs(snapshot)?;
    // The languages the site has pages in, in LANGS order: the browser loads only these.
    let in_lang = |docs: &[ExportDoc], l: usize| -> Vec<usize> {
        (0..docs.len()).filter(|&i| docs[i].l == l).collect()
    };
    let present_langs: Vec<usize> = (0..LANGS.len())
        .filter(|&l| docs.iter().any(|d| d.l == l))
        .collect();
    // The metadata files first: the documents' metadata, the largest part of them, can
    // then go before the postings are read.
    for (group, &l) in (1..).zip(&present_langs) {
        let of_lang: Vec<&ExportDoc> = in_lang(&docs, l).into_iter().map(|i| &docs[i]).collect();
        out.emit_all(group, 'm', 0, meta_files(l, &of_lang)?)?;
    }
    for d in &mut docs {
        d.meta = MetaRow::default();
    }
    let present: Vec<(usize, Vec<&ExportDoc>)> = present_langs
        .iter()
        .map(|&l| (l, in_lang(&docs, l).into_iter().map(|i| &docs[i]).collect()))
        .collect();
    let by_lang: Vec<Vec<&ExportDoc>> = present.iter().map(|(_, d)| d.clone()).collect();
    let languages: Vec<&str> = present.iter().map(|(l, _)| LANGS[*l]).collect();
    let table = facet_table(&by_lang, &facets);
    out.emit(
        (0, 0, 0),
        "facets.bin".to_string(),
        deflate_with(&mut new_deflate(), &table)?,
    )?;
    let mut langs = serde_json::Map::new();
    for (group, (l, docs)) in (1..).zip(&present) {
        let lang = LANGS[*l];
        let data = export_lang(index, snapshot, synonyms, &mut out, group, *l, docs)?;
        langs.insert((*lang).to_string(), data.meta);
    }
    let generation = out.generation();

    let n = snapshot.num_docs;
    let idf_overrides: BTreeMap<String, i64> = (1..=n)
        .filter_map(|df| {
            let ulps =
                i64::from(tantivy_idf(df, n).to_bits()) - i64::from(browser_idf(df, n).to_bits());
            (ulps != 0).then(|| (df.to_string(), ulps))
        })
        .collect();
    let meta = json!({
        "format": FORMAT,
        "base": format!("{generation}/"),
        "docs": n,
        "pages": snapshot.keys.len(),
        "foreignWeight": FOREIGN_WEIGHT,
        "k1": K1,
        "b": B,
        "fields": TEXT_FIELDS,
        "boosts": BOOSTS,
        "kindWeights": KIND_WEIGHTS.iter().map(|(k, w)| (k.to_string(), *w)).collect::<std::collections::BTreeMap<String, f32>>(),
        "chunk": CHUNK_DOCS,
        "normShard": NORM_SHARD,
        "maxExpansions": MAX_EXPANSIONS,
        "minPrefix": MIN_PREFIX_CHARS,
        "maxWords": MAX_QUERY_WORDS,
        "maxBytes": MAX_QUERY_BYTES,
        "quotes": QUOTES.iter().collect::<String>(),
        "facets": facets.iter().map(|(a, b)| [a, b]).collect::<Vec<_>>(),
        "idf": idf_overrides,
        "languages": languages,
        "langs": langs,
    });
    let top = vec![
        (PathBuf::from("meta.json"), serde_json::to_vec(&meta)?),
        (
            PathBuf::from("search.js"),
            published_script(SEARCH_JS).into_bytes(),
        ),
    ];
    Ok((generation, top))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // Tests: a panic is the failure report.
mod tests {
    use super::*;

    #[test]
    fn the_published_script_keeps_every_statement() {
        let script = published_script(SEARCH_JS);
        assert!(script.len() < SEARCH_JS.len() * 3 / 4, "{}", script.len());
        // Every line of code is there, whole and in order.
        let code: Vec<&str> = SEARCH_JS
            .lines()
            .map(str::trim)
            .skip_while(|l| !l.starts_with("(function"))
            .filter(|l| !l.is_empty() && !l.starts_with("//"))
            .collect();
        assert_eq!(script.lines().skip(1).collect::<Vec<_>>(), code);
    }

    #[test]
    fn a_reused_deflate_state_gives_deflate_encoders_bytes() {
        let mut state = new_deflate();
        let big: Vec<u8> = (0..200_000u32)
            .flat_map(|i| (i % 251).to_le_bytes())
            .collect();
        for bytes in [&b""[..], b"a", b"hello hello hello hello", &big[..]] {
            assert_eq!(
                deflate_with(&mut state, bytes).unwrap(),
                deflate(bytes).unwrap(),
                "{} bytes",
                bytes.len()
            );
        }
    }

    #[test]
    fn varint_is_leb128() {
        let mut out = Vec::new();
        for v in [0u64, 1, 127, 128, 300, 16_384] {
            varint(&mut out, v);
        }
        assert_eq!(out, vec![0, 1, 127, 0x80, 1, 0xac, 2, 0x80, 0x80, 1]);
    }

    #[test]
    fn shards_cut_at_item_boundaries() {
        let mut sharder = Sharder::new(8);
        sharder.push(&[1; 5]);
        sharder.push(&[2; 5]);
        sharder.push(&[3; 20]);
        // Taken as they are cut: the first two; then the last, begun, at the end.
        let first = sharder.take(false);
        sharder.push(&[4; 1]);
        assert_eq!(first.iter().map(Vec::len).collect::<Vec<_>>(), vec![10, 20]);
        assert_eq!(sharder.take(true), vec![vec![4]]);
        assert!(sharder.take(true).is_empty());
        assert_eq!(sharder.starts, vec![0, 2, 3]);
    }

    #[test]
    fn idf_overrides_are_rare() {
        let n = 10_000;
        let differing = (1..=n)
            .filter(|df| tantivy_idf(*df, n).to_bits() != browser_idf(*df, n).to_bits())
            .count();
        assert!(differing < 200, "{differing}");
    }
}
