//! Synonyms and acronyms that hold across languages (`[search] synonyms` in site.toml):
//! `LIP = Local Immigration Partnership = PLI = partenariat local en matière
//! d'immigration`. Applied at query time, in every language, by the three front ends.
//!
//! Input: the sets of site.toml. Output: each set's entries as keys, per language (what
//! `assets/search.js` gets in `meta.langs.L.synonyms`), and [`rewrite`], which turns a
//! run of query words that spells an entry into one clause matching any entry of its set.
//!
//! **Matching.** At each word of the query (outside phrases), the longest entry of any
//! set whose keys equal the next words wins (the first set on a tie); a word matches an
//! entry's key when its key is that key or one of its singular forms is
//! (`analysis::singulars`), so `LIPs` matches an entry `LIP`. The run becomes a
//! [`Clause::Synonyms`] of the typed words (one word keeps its prefix flag; several are a
//! phrase) followed by every entry of the set (one key: a word; several: a phrase).

use anyhow::Context;
use tantivy::Index;

use super::analysis::{LANGS, singulars, surface_analyzer_name, surface_to_key, tokens};
use super::query::Clause;

/// Per language (in `LANGS` order), per set, per entry: the entry's keys.
#[derive(Debug, Clone, Default)]
pub struct Synonyms {
    per_lang: Vec<Vec<Vec<Vec<String>>>>,
}

impl Synonyms {
    /// The sets of site.toml, analysed as each language analyses a query. An entry
    /// without a word in a language (punctuation only) is left out there.
    pub fn new(index: &Index, sets: &[Vec<String>]) -> anyhow::Result<Synonyms> {
        let mut per_lang = Vec::new();
        for lang in LANGS {
            let mut analyzer = index
                .tokenizers()
                .get(&surface_analyzer_name(lang))
                .context("surface analyzer not registered")?;
            let lang_sets = sets
                .iter()
                .map(|set| {
                    set.iter()
                        .map(|entry| {
                            tokens(&mut analyzer, entry)
                                .into_iter()
                                .map(|t| surface_to_key(lang, &t.text))
                                .collect::<Vec<String>>()
                        })
                        .filter(|keys| !keys.is_empty())
                        .collect::<Vec<_>>()
                })
                .filter(|set| set.len() > 1)
                .collect();
            per_lang.push(lang_sets);
        }
        Ok(Synonyms { per_lang })
    }

    /// The sets of the language at `l` (index in `LANGS`).
    pub fn sets(&self, l: usize) -> &[Vec<Vec<String>>] {
        self.per_lang.get(l).map_or(&[], Vec::as_slice)
    }
}

/// Whether a clause is a word whose key is `key`, or a plural of it.
fn spells(lang: &str, clause: &Clause, key: &str) -> bool {
    match clause {
        Clause::Word { key: typed, .. } => {
            typed == key || singulars(lang, typed).iter().any(|s| s == key)
        }
        _ => false,
    }
}

/// The clauses of a query with each run of words that spells a synonym entry replaced
/// by a [`Clause::Synonyms`] (see the module docs).
pub fn rewrite(lang: &str, sets: &[Vec<Vec<String>>], clauses: Vec<Clause>) -> Vec<Clause> {
    if sets.is_empty() {
        return clauses;
    }
    let mut out = Vec::new();
    let mut i = 0;
    while i < clauses.len() {
        let mut best: Option<(usize, usize)> = None;
        for (s, set) in sets.iter().enumerate() {
            for entry in set {
                let n = entry.len();
                if i + n > clauses.len() || best.is_some_and(|(len, _)| len >= n) {
                    continue;
                }
                if entry
                    .iter()
                    .zip(&clauses[i..i + n])
                    .all(|(key, clause)| spells(lang, clause, key))
                {
                    best = Some((n, s));
                }
            }
        }
        let Some((n, s)) = best else {
            out.push(clauses[i].clone());
            i += 1;
            continue;
        };
        let typed = if n == 1 {
            clauses[i].clone()
        } else {
            Clause::Phrase(
                clauses[i..i + n]
                    .iter()
                    .filter_map(|c| match c {
                        Clause::Word { key, .. } => Some(key.clone()),
                        _ => None,
                    })
                    .collect(),
            )
        };
        let mut members = vec![typed];
        for entry in &sets[s] {
            members.push(match entry.as_slice() {
                [key] => Clause::Word {
                    surface: key.clone(),
                    key: key.clone(),
                    prefix: false,
                },
                keys => Clause::Phrase(keys.to_vec()),
            });
        }
        out.push(Clause::Synonyms(members));
        i += n;
    }
    out
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // Tests: a panic is the failure report.
mod tests {
    use super::*;
    use crate::search::index::{register_analyzers, schema};
    use crate::search::query::clauses;

    fn word(key: &str, prefix: bool) -> Clause {
        Clause::Word {
            surface: key.to_string(),
            key: key.to_string(),
            prefix,
        }
    }

    fn phrase(keys: &[&str]) -> Clause {
        Clause::Phrase(keys.iter().map(|k| k.to_string()).collect())
    }

    #[test]
    fn longest_entry_wins_and_plurals_match() {
        let index = Index::create_in_ram(schema());
        register_analyzers(&index);
        let sets = vec![vec![
            "LIP".to_string(),
            "Local Immigration Partnership".to_string(),
            "PLI".to_string(),
        ]];
        let synonyms = Synonyms::new(&index, &sets).unwrap();
        let en = synonyms.sets(0);
        let rewritten = rewrite(
            "en",
            en,
            clauses(&index, "en", "local immigration partnerships funding").unwrap(),
        );
        assert_eq!(
            rewritten,
            vec![
                Clause::Synonyms(vec![
                    phrase(&["local", "immigration", "partnerships"]),
                    word("lip", false),
                    phrase(&["local", "immigration", "partnership"]),
                    word("pli", false),
                ]),
                word("funding", true),
            ]
        );
        // One typed word keeps its prefix flag; a word of no entry is left alone.
        let rewritten = rewrite("en", en, clauses(&index, "en", "local pli").unwrap());
        assert_eq!(rewritten[0], word("local", false));
        assert_eq!(
            rewritten[1],
            Clause::Synonyms(vec![
                word("pli", true),
                word("lip", false),
                phrase(&["local", "immigration", "partnership"]),
                word("pli", false),
            ])
        );
    }
}
