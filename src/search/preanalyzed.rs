//! A page's text analysed once for the index, and the tokenizer that hands the result to
//! tantivy.
//!
//! The index needs two things from every word of a page: its term (`pl_LANG`, key then
//! stem) for the title, summary and body fields, and its key (`pl_LANG_key`) for the
//! language's key dictionary ([`super::keys`]), where only how many pages have the key
//! counts. [`PageAnalyzer`] reads each word once and looks it up, as written, in a memory
//! of the words it has met: only a new word is lowercased, folded and stemmed. The memory
//! also counts the pages of each key, remembering the last page a key was met in.
//!
//! tantivy takes pre-analysed text either as `PreTokenizedString`, which it copies token by
//! token, or as text run through a field's tokenizer. The index's text and key fields
//! therefore get a plain string in which [`PageAnalyzer`] wrote the tokens, each followed
//! by a space, and their tokenizer ([`PreAnalyzedTokenizer`], registered as
//! [`PRE_ANALYZED`]) reads them back, numbering their positions from 0 as
//! [`super::analysis::WordTokenizer`] does. Tokens are never allocated one by one. The
//! indexed terms, positions and field lengths are those the analyzers give (tests below);
//! text that must be analysed again is the stored text, run through `pl_LANG` for
//! snippets and through a [`PageAnalyzer`] of its own for related pages.

use std::sync::{Mutex, PoisonError};

use tantivy::tokenizer::{TextAnalyzer, Token, TokenStream, Tokenizer};

use super::analysis::{
    LANG_COUNT, LANGS, WordTokenizer, elisions, key_stemmer, stem_of, word_to_key,
};
use super::keys::KeyCounts;
use crate::text::FastMap;

/// Name of [`PreAnalyzedTokenizer`] on the index.
pub const PRE_ANALYZED: &str = "pl_pre_analyzed";

/// Words kept in a [`PageAnalyzer`]'s memory before it is emptied (between pages), so
/// hostile text cannot grow it without bound.
const MEMORY_WORDS: usize = 1 << 16;

/// Analyses pages of one language for the index, one after the other.
pub struct PageAnalyzer {
    /// Splits the text into words, as `pl_LANG_key` does.
    words: WordTokenizer,
    /// `pl_LANG_key` of one word.
    key: TextAnalyzer,
    /// `pl_LANG_stem`: one key in, its stem out.
    stemmer: TextAnalyzer,
    /// Each word met, as written, and where its key is in `seen`: a word met again is
    /// neither lowercased, folded nor stemmed again.
    memory: FastMap<String, u32>,
    /// Each key met, and where it is in `seen`.
    keys: FastMap<String, u32>,
    /// What is known of each key of `keys`.
    seen: Vec<Seen>,
    /// Words kept in `memory` before it is emptied.
    memory_words: usize,
    /// The pages of each key `memory` forgot when it was emptied.
    forgotten: FastMap<String, u32>,
    /// Number of the page being analysed.
    page: u64,
}

/// A key met before: its stem, the last page it was met in, and the number of pages it
/// was met in since it was remembered.
struct Seen {
    stem: String,
    page: u64,
    pages: u32,
}

impl PageAnalyzer {
    /// An analyzer of `lang`, one of [`LANGS`].
    pub fn new(lang: &str) -> PageAnalyzer {
        PageAnalyzer {
            words: WordTokenizer::new(elisions(lang)),
            key: word_to_key(lang),
            stemmer: key_stemmer(lang),
            memory: FastMap::default(),
            keys: FastMap::default(),
            seen: Vec::new(),
            memory_words: MEMORY_WORDS,
            forgotten: FastMap::default(),
            page: 0,
        }
    }

    /// The terms of each of a page's `texts`, in [`PreAnalyzedTokenizer`]'s form. The
    /// page's keys are counted ([`PageAnalyzer::into_key_counts`]).
    pub fn analyse(&mut self, texts: &[&str]) -> Vec<String> {
        if self.memory.len() >= self.memory_words {
            self.forget();
        }
        self.page += 1;
        let page = self.page;
        let mut all_terms = Vec::with_capacity(texts.len());
        for text in texts {
            // Terms are shorter than their words, and each has a prefix of a few bytes.
            let mut terms = String::with_capacity(text.len() + text.len() / 4);
            let mut words = self.words.token_stream(text);
            while words.advance() {
                let word = &words.token().text;
                let at = match self.memory.get(word.as_str()) {
                    Some(&at) => at,
                    None => {
                        let at = remember_key(
                            &mut self.key,
                            &mut self.stemmer,
                            &mut self.keys,
                            &mut self.seen,
                            word,
                        );
                        self.memory.insert(word.clone(), at);
                        at
                    }
                };
                let seen = &mut self.seen[at as usize];
                push_token(&mut terms, &seen.stem);
                if seen.page != page {
                    seen.page = page;
                    seen.pages += 1;
                }
            }
            all_terms.push(terms);
        }
        all_terms
    }

    /// Empties the memory, keeping how many pages had each key.
    fn forget(&mut self) {
        self.memory.clear();
        for (key, at) in self.keys.drain() {
            *self.forgotten.entry(key).or_insert(0) += self.seen[at as usize].pages;
        }
        self.seen.clear();
    }

    /// For each key of the pages analysed, the number of those pages that have it.
    pub fn into_key_counts(self) -> FastMap<String, u32> {
        let mut counts = self.forgotten;
        counts.reserve(self.keys.len());
        for (key, at) in self.keys {
            *counts.entry(key).or_insert(0) += self.seen[at as usize].pages;
        }
        counts
    }
}

/// Where the key of `word`, a word never met before, is in `seen`: the key is found
/// (another word can have it: `Intégration`, `integration`) or stemmed and added.
fn remember_key(
    key_of_word: &mut TextAnalyzer,
    stemmer: &mut TextAnalyzer,
    keys: &mut FastMap<String, u32>,
    seen: &mut Vec<Seen>,
    word: &str,
) -> u32 {
    let mut stream = key_of_word.token_stream(word);
    let key = if stream.advance() {
        &stream.token().text
    } else {
        word
    };
    if let Some(&at) = keys.get(key) {
        return at;
    }
    let at = u32::try_from(seen.len()).expect("a memory of fewer words than u32::MAX");
    seen.push(Seen {
        stem: stem_of(stemmer, key),
        page: 0,
        pages: 0,
    });
    keys.insert(key.to_string(), at);
    at
}

/// Appends `token` in [`PreAnalyzedTokenizer`]'s form.
fn push_token(out: &mut String, token: &str) {
    debug_assert!(!token.contains(SEPARATOR), "{token:?}");
    out.push_str(token);
    out.push(SEPARATOR);
}

/// The terms of a text as [`PageAnalyzer::analyse`] gives it: each ends with
/// [`SEPARATOR`], and text after the last one is not a term. [`PreAnalyzedTokenizer`]
/// reads them so.
pub fn analysed_terms(analysed: &str) -> AnalysedTerms<'_> {
    AnalysedTerms { rest: analysed }
}

/// Iterator of [`analysed_terms`].
pub struct AnalysedTerms<'a> {
    rest: &'a str,
}

impl<'a> Iterator for AnalysedTerms<'a> {
    type Item = &'a str;

    fn next(&mut self) -> Option<&'a str> {
        // Terms are a few bytes long: a plain loop reaches the separator before
        // `split_once`'s searcher (memchr) is set up: 2 % of a cold build's CPU.
        let end = self.rest.bytes().position(|b| b == SEPARATOR as u8)?;
        let (term, rest) = (&self.rest[..end], &self.rest[end + 1..]);
        self.rest = rest;
        Some(term)
    }
}

/// Ends every token. No token holds one: a word is made of alphanumeric characters, and
/// lowercasing, ASCII folding (test below), the French endings and stemming put no
/// whitespace into it. ASCII, so its byte is never part of another character.
const SEPARATOR: char = ' ';
const _: () = assert!(SEPARATOR.is_ascii());

/// Reads back the tokens [`PageAnalyzer`] wrote (see the module docs); text after the
/// last separator is not a token.
#[derive(Clone, Default)]
pub struct PreAnalyzedTokenizer {
    token: Token,
}

/// Token stream of [`PreAnalyzedTokenizer`].
pub struct PreAnalyzedStream<'a> {
    terms: AnalysedTerms<'a>,
    token: &'a mut Token,
}

impl Tokenizer for PreAnalyzedTokenizer {
    type TokenStream<'a> = PreAnalyzedStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> PreAnalyzedStream<'a> {
        self.token.reset();
        PreAnalyzedStream {
            terms: analysed_terms(text),
            token: &mut self.token,
        }
    }
}

impl TokenStream for PreAnalyzedStream<'_> {
    fn advance(&mut self) -> bool {
        let Some(token) = self.terms.next() else {
            return false;
        };
        self.token.text.clear();
        self.token.text.push_str(token);
        self.token.position = self.token.position.wrapping_add(1);
        true
    }

    fn token(&self) -> &Token {
        self.token
    }

    fn token_mut(&mut self) -> &mut Token {
        self.token
    }
}

/// The [`PageAnalyzer`]s of the threads that index pages (or analyse them again, for
/// related pages), each taken for one page at a time: a thread's pages share the memory
/// of the words met before.
#[derive(Default)]
pub struct PageAnalyzers {
    idle: [Mutex<Vec<PageAnalyzer>>; LANG_COUNT],
}

impl PageAnalyzers {
    /// [`PageAnalyzer::analyse`] in the language `LANGS[l]`.
    pub fn analyse(&self, l: usize, texts: &[&str]) -> Vec<String> {
        let idle = &self.idle[l];
        let taken = idle.lock().unwrap_or_else(PoisonError::into_inner).pop();
        let mut analyzer = taken.unwrap_or_else(|| PageAnalyzer::new(LANGS[l]));
        let analysed = analyzer.analyse(texts);
        idle.lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(analyzer);
        analysed
    }

    /// The keys of the pages analysed so far, each counted once per page. Called once
    /// every page is analysed: an analyzer at work is not counted.
    pub fn take_key_counts(&self) -> KeyCounts {
        let mut counts = KeyCounts::default();
        for (l, idle) in self.idle.iter().enumerate() {
            let analyzers =
                std::mem::take(&mut *idle.lock().unwrap_or_else(PoisonError::into_inner));
            for analyzer in analyzers {
                counts.add_language(l, analyzer.into_key_counts());
            }
        }
        counts
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::analysis::{analyzer_name, key_analyzer_name, tokens};
    use crate::search::index::register_analyzers;
    use tantivy::Index;
    use tantivy::schema::Schema;

    const TEXTS: [&str; 4] = [
        "Les réfugiées et les réfugiés ; l’intégration des familles, L'INTÉGRATION, intégrations",
        "Refugees' housing: houses, housed, HOUSING; ½ ⑴ İstanbul ǆ 2024-03-12",
        "",
        "de l’intégration des réfugiés d’Ottawa qu'elle aujourd'hui l' œuvre",
    ];

    fn replayed(text: &str) -> Vec<(String, usize)> {
        let mut tokenizer = PreAnalyzedTokenizer::default();
        let mut stream = tokenizer.token_stream(text);
        let mut out = Vec::new();
        while stream.advance() {
            out.push((stream.token().text.clone(), stream.token().position));
        }
        out
    }

    fn analysed(index: &Index, name: &str, text: &str) -> Vec<(String, usize)> {
        let mut analyzer = index.tokenizers().get(name).expect("registered");
        tokens(&mut analyzer, text)
            .into_iter()
            .map(|t| (t.text, t.position))
            .collect()
    }

    #[test]
    fn replays_the_terms_and_positions_the_analyzer_gives() {
        let index = Index::create_in_ram(Schema::builder().build());
        register_analyzers(&index);
        for lang in LANGS {
            let mut pages = PageAnalyzer::new(lang);
            // Twice: the second time every word comes from the memory.
            for _ in 0..2 {
                let got = pages.analyse(&TEXTS);
                for (text, terms) in TEXTS.iter().zip(&got) {
                    assert_eq!(
                        replayed(terms),
                        analysed(&index, &analyzer_name(lang), text),
                        "{lang}: {text}"
                    );
                }
            }
        }
    }

    /// Each key of `texts` as the key analyzer gives it, with the number of `texts` (one
    /// page each) that have it.
    fn expected_counts(index: &Index, texts: &[&str]) -> FastMap<String, u32> {
        let mut counts = FastMap::default();
        for text in texts {
            let mut keys: Vec<String> = analysed(index, &key_analyzer_name("fr"), text)
                .into_iter()
                .map(|(key, _)| key)
                .collect();
            keys.sort();
            keys.dedup();
            for key in keys {
                *counts.entry(key).or_insert(0) += 1;
            }
        }
        counts
    }

    #[test]
    fn counts_the_pages_of_each_key_once_per_page() {
        let index = Index::create_in_ram(Schema::builder().build());
        register_analyzers(&index);
        // With room for every word, and with a memory emptied between most pages.
        for memory_words in [MEMORY_WORDS, 3] {
            let mut pages = PageAnalyzer::new("fr");
            pages.memory_words = memory_words;
            for text in TEXTS.iter().chain(&TEXTS) {
                pages.analyse(&[text, text]);
            }
            let twice: Vec<&str> = TEXTS.iter().chain(&TEXTS).copied().collect();
            assert_eq!(
                pages.into_key_counts(),
                expected_counts(&index, &twice),
                "memory of {memory_words} words"
            );
        }
    }

    #[test]
    fn reads_tokens_up_to_the_last_separator() {
        let tokens = |text| -> Vec<String> { replayed(text).into_iter().map(|t| t.0).collect() };
        assert_eq!(tokens("refug integr "), ["refug", "integr"]);
        assert_eq!(tokens("refug integr"), ["refug"]);
        assert!(tokens("").is_empty());
    }

    #[test]
    fn no_word_becomes_a_token_with_a_separator() {
        let every_word: String = (0..=char::MAX as u32)
            .filter_map(char::from_u32)
            .filter(|c| c.is_alphanumeric())
            .flat_map(|c| [c, ' '])
            .collect();
        let index = Index::create_in_ram(Schema::builder().build());
        register_analyzers(&index);
        for lang in LANGS {
            for name in [analyzer_name(lang), key_analyzer_name(lang)] {
                for (token, _) in analysed(&index, &name, &every_word) {
                    assert!(!token.contains(SEPARATOR), "{name}: {token:?}");
                }
            }
        }
    }
}
