//! One result per page: a page and its translations are one result, shown in the
//! reader's language, ranked so that scores of different languages are never weighed
//! against each other for the same page.
//!
//! Input: the matching documents (after filters) with their BM25 scores (kind weights
//! applied) and facets, and the reader's language. Output: [`Group`]s, best first.
//!
//! **Scoring.** Each language's documents are scored with that language's statistics, so
//! a French score and an English score measure different things: an English word
//! searched in French text is rare there and scores high. A page is therefore ranked by
//! its version in the reader's language whenever that version matches; a page that
//! matches only in other languages ranks by its best score there times
//! [`FOREIGN_WEIGHT`] (without a reader's language, by its best score). With equal evidence the reader's language comes first, and a
//! translation can never outrank its own source for a reader of the source's language:
//! they are one result. Ties: the page's key, ascending.
//!
//! **Shown version.** The reader's version when the page has one that passes the
//! filters (even if only the translation matched: an English reader who types a French
//! word gets the English page), else the best-scoring matching version (ties: the first
//! in `LANGS` order). `also` lists the page's other versions.
//!
//! **Counts.** `total` is the number of pages; a facet's count is the number of pages
//! with at least one matching version that has it, which is what checking that filter
//! leaves.
//!
//! `assets/search.js` (`group`) implements the same steps.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;

use tantivy::schema::Value;
use tantivy::{DocAddress, Score, TantivyDocument};

use super::analysis::LANGS;
use super::index::Snapshot;
use super::{SearchRequest, Version};

/// A match found only in a language other than the reader's counts this much (a power
/// of two, so that the browser's f32 product is exact).
pub const FOREIGN_WEIGHT: Score = 0.5;

/// A page among the results.
pub struct Group {
    /// The page's number (index of its key in [`Snapshot::keys`]).
    pub page: u32,
    pub score: Score,
    /// Its matching version in the reader's language.
    reader: Option<DocAddress>,
    /// Its best matching version in another language, with its score and language.
    other: Option<(Score, u8, DocAddress)>,
    /// Union of its matching versions' facets.
    facets: BTreeSet<Arc<(String, String)>>,
}

/// Groups `hits` (with `facets`, in the same order) by page; best first.
pub fn group(
    snapshot: &Snapshot,
    reader: Option<usize>,
    hits: &[(Score, DocAddress)],
    facets: &[Vec<Arc<(String, String)>>],
) -> Vec<Group> {
    let mut groups: HashMap<u32, Group> = HashMap::new();
    for (i, &(score, address)) in hits.iter().enumerate() {
        let (page, lang) = snapshot.page(address);
        let g = groups.entry(page).or_insert_with(|| Group {
            page,
            score: 0.0,
            reader: None,
            other: None,
            facets: BTreeSet::new(),
        });
        if reader == Some(usize::from(lang)) {
            g.reader = Some(address);
            g.score = score;
        } else if g
            .other
            .is_none_or(|(best, l, _)| score > best || (score == best && lang < l))
        {
            g.other = Some((score, lang, address));
        }
        if let Some(f) = facets.get(i) {
            g.facets.extend(f.iter().cloned());
        }
    }
    let mut out: Vec<Group> = groups.into_values().collect();
    // Without a reader, no language is foreign.
    let weight = if reader.is_some() {
        FOREIGN_WEIGHT
    } else {
        1.0
    };
    for g in &mut out {
        if g.reader.is_none() {
            g.score = g.other.map_or(0.0, |(s, _, _)| s * weight);
        }
    }
    out.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.page.cmp(&b.page)));
    out
}

/// taxonomy → term → number of groups with the facet.
pub fn facet_counts(groups: &[Group]) -> BTreeMap<String, BTreeMap<String, usize>> {
    let mut counts: BTreeMap<String, BTreeMap<String, usize>> = BTreeMap::new();
    for g in groups {
        for f in &g.facets {
            *counts
                .entry(f.0.clone())
                .or_default()
                .entry(f.1.clone())
                .or_insert(0) += 1;
        }
    }
    counts
}

/// The version of the page to show (see the module docs).
pub fn shown(
    snapshot: &Snapshot,
    group: &Group,
    reader: Option<usize>,
    req: &SearchRequest,
) -> anyhow::Result<DocAddress> {
    if let Some(address) = group.reader {
        return Ok(address);
    }
    if let Some(l) = reader {
        let id = format!("{}:{}", LANGS[l], snapshot.keys[group.page as usize]);
        if let Some(&address) = snapshot.by_id.get(&id)
            && passes(snapshot, address, LANGS[l], req)?
        {
            return Ok(address);
        }
    }
    group
        .other
        .map(|(_, _, a)| a)
        .ok_or_else(|| anyhow::anyhow!("a result without a matching version"))
}

/// Whether a document passes a request's language and filters.
fn passes(
    snapshot: &Snapshot,
    address: DocAddress,
    lang: &str,
    req: &SearchRequest,
) -> anyhow::Result<bool> {
    if req.lang.as_deref().is_some_and(|want| want != lang) {
        return Ok(false);
    }
    if req.filters.is_empty() {
        return Ok(true);
    }
    let reader = snapshot
        .searcher
        .segment_reader(address.segment_ord)
        .facet_reader("facets")?;
    let mut has = BTreeSet::new();
    let mut facet = tantivy::schema::Facet::root();
    for ord in reader.facet_ords(address.doc_id) {
        reader.facet_from_ord(ord, &mut facet)?;
        has.insert(facet.to_path_string());
    }
    let mut wanted: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for (taxonomy, term) in &req.filters {
        wanted
            .entry(taxonomy)
            .or_default()
            .push(tantivy::schema::Facet::from_path([taxonomy, term]).to_path_string());
    }
    Ok(wanted
        .values()
        .all(|terms| terms.iter().any(|t| has.contains(t))))
}

/// The page's versions other than the one in `shown_lang`, in `LANGS` order.
pub fn also(snapshot: &Snapshot, page: u32, shown_lang: &str) -> anyhow::Result<Vec<Version>> {
    let key = &snapshot.keys[page as usize];
    let mut out = Vec::new();
    for lang in LANGS {
        if lang == shown_lang {
            continue;
        }
        if let Some(&address) = snapshot.by_id.get(&format!("{lang}:{key}")) {
            let doc: TantivyDocument = snapshot.searcher.doc(address)?;
            let url = doc
                .get_first(snapshot.fields.url)
                .and_then(|v| v.as_str())
                .unwrap_or_default()
                .to_string();
            out.push(Version {
                lang: lang.to_string(),
                url,
            });
        }
    }
    Ok(out)
}
