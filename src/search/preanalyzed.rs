//! A page's text analysed once for the index, and the tokenizer that hands the result to
//! tantivy.
//!
//! The index needs two things from every word of a page: its term (`pl_LANG`, key then
//! stem) for the title, summary and body fields, and its key (`pl_LANG_key`) for the
//! language's key dictionary (`keys_LANG`), where only whether a page has the key counts.
//! Letting tantivy run both analyzers read every text twice and fed every occurrence of
//! every key to the dictionary: about a third of the index's time. [`PageAnalyzer`] reads
//! each word once, stems it through a memory of the words it has seen, and keeps each of
//! the page's keys once, remembering in that same memory the last page a word was seen
//! in.
//!
//! tantivy takes pre-analysed text either as `PreTokenizedString`, which it copies token by
//! token, or as text run through a field's tokenizer. The index's text and key fields
//! therefore get a plain string in which [`PageAnalyzer`] wrote the tokens, each followed
//! by a space, and their tokenizer ([`PreAnalyzedTokenizer`], registered as
//! [`PRE_ANALYZED`]) reads them back, numbering their positions from 0 as
//! [`super::analysis::WordTokenizer`] does. Tokens are never allocated one by one. The
//! indexed terms, positions and field lengths are those the analyzers give (tests below);
//! text that must be analysed again (snippets, related pages) is the stored text, run
//! through `pl_LANG`.

use std::sync::{Mutex, PoisonError};

use tantivy::tokenizer::{TextAnalyzer, Token, TokenStream, Tokenizer};

use super::analysis::{LANG_COUNT, LANGS, analyzers, stem_of};
use crate::text::FastMap;

/// Name of [`PreAnalyzedTokenizer`] on the index.
pub const PRE_ANALYZED: &str = "pl_pre_analyzed";

/// Words kept in a [`PageAnalyzer`]'s memory before it is emptied (between pages), so
/// hostile text cannot grow it without bound.
const MEMORY_WORDS: usize = 1 << 16;

/// What [`PageAnalyzer::analyse`] makes of a page, in [`PreAnalyzedTokenizer`]'s form.
#[derive(Debug, Default, PartialEq)]
pub struct Analysed {
    /// The terms of each text given, in order.
    pub terms: Vec<String>,
    /// Every key of those texts, once, in the order first seen.
    pub keys: String,
}

/// Analyses pages of one language for the index, one after the other.
pub struct PageAnalyzer {
    /// `pl_LANG_key`: words to keys.
    key: TextAnalyzer,
    /// `pl_LANG_stem`: one key in, its stem out.
    stemmer: TextAnalyzer,
    memory: FastMap<String, Seen>,
    /// Number of the page being analysed.
    page: u64,
}

/// A key met before: its stem, and the last page it was met in.
struct Seen {
    stem: String,
    page: u64,
}

impl PageAnalyzer {
    /// An analyzer of `lang`, one of [`LANGS`].
    pub fn new(lang: &str) -> PageAnalyzer {
        let analyzers = analyzers(lang);
        PageAnalyzer {
            key: analyzers.key,
            stemmer: analyzers.stem,
            memory: FastMap::default(),
            page: 0,
        }
    }

    /// The terms of each of a page's `texts` and the page's keys.
    pub fn analyse(&mut self, texts: &[&str]) -> Analysed {
        if self.memory.len() >= MEMORY_WORDS {
            self.memory.clear();
        }
        self.page += 1;
        let page = self.page;
        let mut keys = String::new();
        let mut all_terms = Vec::with_capacity(texts.len());
        for text in texts {
            // Terms are shorter than their words, and each has a prefix of a few bytes.
            let mut terms = String::with_capacity(text.len() + text.len() / 4);
            let mut words = self.key.token_stream(text);
            while words.advance() {
                let key = &words.token().text;
                match self.memory.get_mut(key.as_str()) {
                    Some(seen) => {
                        push_token(&mut terms, &seen.stem);
                        if seen.page != page {
                            seen.page = page;
                            push_token(&mut keys, key);
                        }
                    }
                    None => {
                        let stem = stem_of(&mut self.stemmer, key);
                        push_token(&mut terms, &stem);
                        push_token(&mut keys, key);
                        self.memory.insert(key.clone(), Seen { stem, page });
                    }
                }
            }
            all_terms.push(terms);
        }
        Analysed {
            terms: all_terms,
            keys,
        }
    }
}

/// Appends `token` in [`PreAnalyzedTokenizer`]'s form.
fn push_token(out: &mut String, token: &str) {
    debug_assert!(!token.contains(SEPARATOR), "{token:?}");
    out.push_str(token);
    out.push(SEPARATOR);
}

/// Ends every token. No token holds one: a word is made of alphanumeric characters, and
/// lowercasing, ASCII folding (test below), the French endings and stemming put no
/// whitespace into it.
const SEPARATOR: char = ' ';

/// Reads back the tokens [`PageAnalyzer`] wrote (see the module docs); text after the
/// last separator is not a token.
#[derive(Clone, Default)]
pub struct PreAnalyzedTokenizer {
    token: Token,
}

/// Token stream of [`PreAnalyzedTokenizer`].
pub struct PreAnalyzedStream<'a> {
    rest: &'a str,
    token: &'a mut Token,
}

impl Tokenizer for PreAnalyzedTokenizer {
    type TokenStream<'a> = PreAnalyzedStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> PreAnalyzedStream<'a> {
        self.token.reset();
        PreAnalyzedStream {
            rest: text,
            token: &mut self.token,
        }
    }
}

impl TokenStream for PreAnalyzedStream<'_> {
    fn advance(&mut self) -> bool {
        let Some((token, rest)) = self.rest.split_once(SEPARATOR) else {
            return false;
        };
        self.rest = rest;
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

/// The [`PageAnalyzer`]s of the threads that index pages, each taken for one page at a
/// time: a thread's pages share the memory of the words met before.
#[derive(Default)]
pub struct PageAnalyzers {
    idle: [Mutex<Vec<PageAnalyzer>>; LANG_COUNT],
}

impl PageAnalyzers {
    /// [`PageAnalyzer::analyse`] in the language `LANGS[l]`.
    pub fn analyse(&self, l: usize, texts: &[&str]) -> Analysed {
        let idle = &self.idle[l];
        let taken = idle.lock().unwrap_or_else(PoisonError::into_inner).pop();
        let mut analyzer = taken.unwrap_or_else(|| PageAnalyzer::new(LANGS[l]));
        let analysed = analyzer.analyse(texts);
        idle.lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(analyzer);
        analysed
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
                for (text, terms) in TEXTS.iter().zip(&got.terms) {
                    assert_eq!(
                        replayed(terms),
                        analysed(&index, &analyzer_name(lang), text),
                        "{lang}: {text}"
                    );
                }
            }
        }
    }

    #[test]
    fn keeps_each_key_of_a_page_once() {
        let index = Index::create_in_ram(Schema::builder().build());
        register_analyzers(&index);
        let mut pages = PageAnalyzer::new("fr");
        for _ in 0..2 {
            let got = pages.analyse(&TEXTS);
            let keys: Vec<String> = replayed(&got.keys).into_iter().map(|k| k.0).collect();
            let mut expected: Vec<String> = Vec::new();
            for text in TEXTS {
                for (key, _) in analysed(&index, &key_analyzer_name("fr"), text) {
                    if !expected.contains(&key) {
                        expected.push(key);
                    }
                }
            }
            assert_eq!(keys, expected);
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
