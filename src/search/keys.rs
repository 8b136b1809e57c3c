//! The key dictionary: for each language, every key (a word as `pl_LANG_key` gives it)
//! some live document has, with the number of live documents that have it. A query finds
//! its words, their singulars and their prefixes in it ([`super::query`]); the static form
//! exports it ([`super::export`]).
//!
//! Input: the dictionary of the index's last commit, the keys of the pages a build
//! indexes (counted by [`super::preanalyzed::PageAnalyzer`] as it analyses them) and the
//! documents it deletes. Output: `keys.json` beside the index, and the live keys of each
//! [`super::index::Snapshot`].
//!
//! Why not a tantivy field: indexed as one, with a posting per page and key, the
//! dictionary cost about as much as the postings of all the text fields (a second of CPU
//! at 10,000 pages), to tell one thing a count tells as well: whether a live document has
//! the key.
//!
//! Invariants:
//! - A dictionary belongs to one commit: its file is named after the commit's opstamp,
//!   which tantivy's merges keep. A build writes it once the commit is prepared and
//!   before it is made, and removes the last commit's once it is made, so a build killed
//!   at any point leaves the dictionary of the commit the index is at.
//! - A deleted document's keys are those its stored title, summary and body give through
//!   the same analyzer: the analysis is a function of [`super::index::SCHEMA_VERSION`], and
//!   those fields are stored as they were indexed.

use std::fs;
use std::path::Path;

use anyhow::{Context, bail};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use tantivy::schema::document::Value;
use tantivy::tokenizer::TokenStream;
use tantivy::{DocAddress, Searcher, TantivyDocument};

use super::analysis::{LANG_COUNT, LANGS, analyzers};
use super::index::{Fields, lang_index};
use crate::text::{FastMap, FastSet};

/// The dictionary of commit N is `keys-N.json`, in the index's folder.
const FILE_PREFIX: &str = "keys-";

fn file_name(opstamp: u64) -> String {
    format!("{FILE_PREFIX}{opstamp}.json")
}

/// Per language (in [`LANGS`] order), key -> number of documents that have it.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct KeyCounts(pub [FastMap<String, u32>; LANG_COUNT]);

/// What a dictionary's file holds.
#[derive(Serialize, Deserialize)]
struct KeyFile {
    opstamp: u64,
    /// Per language, (key, count), ascending: the same dictionary gives the same file.
    keys: Vec<Vec<(String, u32)>>,
}

impl KeyCounts {
    /// Adds `other`'s counts to these.
    pub fn add(&mut self, other: KeyCounts) {
        for (l, theirs) in other.0.into_iter().enumerate() {
            self.add_language(l, theirs);
        }
    }

    /// Adds the counts of keys of the language `LANGS[l]`.
    pub fn add_language(&mut self, l: usize, counts: FastMap<String, u32>) {
        let mine = &mut self.0[l];
        if mine.is_empty() {
            *mine = counts;
            return;
        }
        for (key, count) in counts {
            *mine.entry(key).or_insert(0) += count;
        }
    }

    /// Takes `other`'s counts away, forgetting the keys no document has any more. Fails
    /// if `other` counts a key more often than these do: then the dictionary is not the
    /// index's.
    pub fn subtract(&mut self, other: &KeyCounts) -> anyhow::Result<()> {
        for (l, (mine, theirs)) in self.0.iter_mut().zip(&other.0).enumerate() {
            for (key, count) in theirs {
                let Some(left) = mine.get_mut(key).filter(|n| **n >= *count) else {
                    bail!(
                        "search index: the key dictionary does not match the index ({} key {key:?})",
                        LANGS[l]
                    );
                };
                *left -= count;
                if *left == 0 {
                    mine.remove(key);
                }
            }
        }
        Ok(())
    }

    /// The keys of each language, ascending.
    pub fn into_sorted_keys(self) -> [Vec<String>; LANG_COUNT] {
        self.0.map(|counts| {
            let mut keys: Vec<String> = counts.into_keys().collect();
            keys.sort_unstable();
            keys
        })
    }

    /// The dictionary of the commit `opstamp` of the index in `dir`. An index never
    /// committed (opstamp 0) has an empty one.
    pub fn read(dir: &Path, opstamp: u64) -> anyhow::Result<KeyCounts> {
        let path = dir.join(file_name(opstamp));
        // Only `passerelle search` shows these: a build makes a broken index again.
        let broken = || {
            format!(
                "the search index's word list {} is missing or damaged (run `passerelle build` again)",
                path.display()
            )
        };
        let bytes = match fs::read(&path) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && opstamp == 0 => {
                return Ok(KeyCounts::default());
            }
            read => read.with_context(broken)?,
        };
        let file: KeyFile = serde_json::from_slice(&bytes).with_context(broken)?;
        if file.opstamp != opstamp || file.keys.len() != LANG_COUNT {
            bail!(broken());
        }
        let mut counts = KeyCounts::default();
        for (mine, keys) in counts.0.iter_mut().zip(file.keys) {
            *mine = keys.into_iter().collect();
        }
        Ok(counts)
    }

    /// Writes the dictionary of the commit `opstamp` into `dir`, in one step: there is
    /// a whole file or none.
    pub fn write(&self, dir: &Path, opstamp: u64) -> anyhow::Result<()> {
        let keys = self
            .0
            .iter()
            .map(|counts| {
                let mut keys: Vec<(String, u32)> =
                    counts.iter().map(|(k, n)| (k.clone(), *n)).collect();
                keys.sort_unstable();
                keys
            })
            .collect();
        let bytes = serde_json::to_vec(&KeyFile { opstamp, keys })?;
        let path = dir.join(file_name(opstamp));
        let mut partial = path.clone().into_os_string();
        partial.push(format!(".partial-{}", std::process::id()));
        fs::write(&partial, bytes).with_context(|| format!("writing {}", path.display()))?;
        fs::rename(&partial, &path).with_context(|| format!("writing {}", path.display()))
    }

    /// Removes from `dir` the dictionaries of every commit but `opstamp`, and what a
    /// killed build left of one.
    pub fn remove_others(dir: &Path, opstamp: u64) -> anyhow::Result<()> {
        let keep = file_name(opstamp);
        let entries = fs::read_dir(dir).with_context(|| format!("reading {}", dir.display()))?;
        for entry in entries {
            let entry = entry.with_context(|| format!("reading {}", dir.display()))?;
            let name = entry.file_name();
            let name = name.to_string_lossy();
            if name.starts_with(FILE_PREFIX) && name != keep {
                fs::remove_file(entry.path())
                    .with_context(|| format!("removing {}", entry.path().display()))?;
            }
        }
        Ok(())
    }
}

/// The keys of the stored documents at `addresses`, each document counted once per key.
pub fn keys_of_documents(
    searcher: &Searcher,
    fields: &Fields,
    addresses: &[DocAddress],
) -> anyhow::Result<KeyCounts> {
    addresses
        .par_iter()
        .map_init(
            || LANGS.map(|lang| analyzers(lang).key),
            |key_analyzers, address| -> anyhow::Result<KeyCounts> {
                let doc: TantivyDocument = searcher.doc(*address)?;
                let text = |field| {
                    doc.get_first(field)
                        .and_then(|v| v.as_str())
                        .unwrap_or_default()
                };
                let l = lang_index(text(fields.lang))
                    .context("search index: a document of no known language")?;
                let mut keys: FastSet<String> = FastSet::default();
                for field in [fields.title, fields.summary, fields.body] {
                    let mut words = key_analyzers[l].token_stream(text(field));
                    while words.advance() {
                        keys.insert(words.token().text.clone());
                    }
                }
                let mut counts = KeyCounts::default();
                counts.add_language(l, keys.into_iter().map(|k| (k, 1)).collect());
                Ok(counts)
            },
        )
        .try_reduce(KeyCounts::default, |mut a, b| {
            a.add(b);
            Ok(a)
        })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // Tests: a panic is the failure report.
mod tests {
    use super::*;

    fn counts(en: &[(&str, u32)]) -> KeyCounts {
        let mut counts = KeyCounts::default();
        counts.0[0] = en.iter().map(|(k, n)| (k.to_string(), *n)).collect();
        counts
    }

    #[test]
    fn a_key_no_document_has_any_more_leaves_the_dictionary() {
        let mut dictionary = counts(&[("refugee", 2), ("housing", 1)]);
        dictionary.add(counts(&[("refugee", 1), ("food", 1)]));
        assert_eq!(
            dictionary,
            counts(&[("refugee", 3), ("housing", 1), ("food", 1)])
        );
        dictionary
            .subtract(&counts(&[("refugee", 2), ("housing", 1)]))
            .unwrap();
        assert_eq!(dictionary, counts(&[("refugee", 1), ("food", 1)]));
        assert_eq!(dictionary.into_sorted_keys()[0], ["food", "refugee"]);
    }

    #[test]
    fn taking_away_what_the_dictionary_does_not_count_is_an_error() {
        let mut dictionary = counts(&[("refugee", 1)]);
        assert!(dictionary.subtract(&counts(&[("refugee", 2)])).is_err());
        assert!(dictionary.subtract(&counts(&[("housing", 1)])).is_err());
    }

    #[test]
    fn a_dictionary_is_read_only_for_its_commit() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(
            KeyCounts::read(dir.path(), 0).unwrap(),
            KeyCounts::default()
        );
        let dictionary = counts(&[("refugee", 2), ("housing", 1)]);
        dictionary.write(dir.path(), 4).unwrap();
        dictionary.write(dir.path(), 5).unwrap();
        assert_eq!(KeyCounts::read(dir.path(), 5).unwrap(), dictionary);
        assert!(KeyCounts::read(dir.path(), 6).is_err());
        // Another commit's file under this commit's name.
        fs::copy(dir.path().join(file_name(4)), dir.path().join(file_name(6))).unwrap();
        assert!(KeyCounts::read(dir.path(), 6).is_err());
        fs::write(dir.path().join("keys-7.json.partial-1"), "{").unwrap();
        fs::write(dir.path().join("meta.json"), "{}").unwrap();
        KeyCounts::remove_others(dir.path(), 5).unwrap();
        let mut left: Vec<String> = fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        left.sort();
        assert_eq!(left, ["keys-5.json", "meta.json"]);
    }
}
