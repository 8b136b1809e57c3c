//! Text analysis shared by indexing, querying and the static export.
//!
//! Input: text in English or French. Output: tokens, in three stages that are all
//! registered on the tantivy index by `index::register_analyzers`, the one function used
//! both when an index is created and when it is opened (tantivy does not persist
//! custom analyzers):
//!
//! - `pl_LANG_key`: words → *keys*: lowercase, French elision removed, ASCII folding,
//!   and for French the ending normalisation below. A key is what a reader types,
//!   normalised; the static form maps keys to terms so the browser never stems.
//! - `pl_LANG_stem`: one key → its indexed *term* (Snowball stemmer).
//! - `pl_LANG`: both, as used by the content fields; `pl_LANG(text)` equals
//!   `pl_LANG_stem(pl_LANG_key(text))` token by token, which is what lets the
//!   browser replace stemming with a key → term dictionary.
//!
//! The index does not run them on a page itself: `preanalyzed.rs` reads each page once
//! with `pl_LANG_key` and `pl_LANG_stem`, for both the content fields and the keys.
//!
//! Word splitting ([`WordTokenizer`]): a word is a maximal run of alphanumeric
//! characters (`char::is_alphanumeric`, i.e. `[\p{Alphabetic}\p{N}]`). In French, a
//! word from [`ELISIONS`] directly followed by `'` or `’` and a letter is dropped and
//! takes no position, so `l’intégration` is the single token `intégration` and a phrase
//! `"de l'intégration"` is two consecutive positions. `assets/search.js` implements the
//! same rules (function `words`); the parity test checks both on the same inputs.
//!
//! Why the French ending step: measured on tantivy 0.27 (Snowball French), with ASCII
//! folding neither order makes the forms authors and readers type meet (fold then stem:
//! réfugiés → `refug` but réfugiée → `refugie`; stem then fold: réfugiés → `refugi` but
//! refugie → `refug`). After folding we therefore drop one final `s`, then every final
//! `e`, keeping at least three characters: réfugié, réfugiée, réfugiés, réfugiées,
//! refugie all become `refugi` before the stemmer sees them. Golden tests pin the forms
//! that must meet and some that must stay apart.

use crate::i18n::LANGUAGES;
use tantivy::tokenizer::{
    AsciiFoldingFilter, Language, LowerCaser, RawTokenizer, Stemmer, TextAnalyzer,
    TextAnalyzerBuilder, Token, TokenFilter, TokenStream, Tokenizer,
};

/// How many languages the index knows: every language Passerelle can publish in.
pub const LANG_COUNT: usize = LANGUAGES.len();

/// The languages the index knows, in the order used everywhere (schema, export, JS): the
/// codes of [`LANGUAGES`], the one table of languages.
pub const LANGS: [&str; LANG_COUNT] = codes();

const fn codes() -> [&'static str; LANG_COUNT] {
    let mut out = [""; LANG_COUNT];
    let mut i = 0;
    while i < LANG_COUNT {
        out[i] = LANGUAGES[i].code;
        i += 1;
    }
    out
}

/// The table entry of `lang` (English's for a code the index does not know, which config
/// validation has refused already).
fn spec(lang: &str) -> &'static crate::i18n::Language {
    crate::i18n::language(lang).unwrap_or(&LANGUAGES[0])
}

/// The tantivy stemmer of a language of the table.
fn stemmer(lang: &str) -> Language {
    match spec(lang).stemmer {
        crate::i18n::Stemmer::English => Language::English,
        crate::i18n::Stemmer::French => Language::French,
        crate::i18n::Stemmer::Spanish => Language::Spanish,
        crate::i18n::Stemmer::German => Language::German,
        crate::i18n::Stemmer::Italian => Language::Italian,
        crate::i18n::Stemmer::Portuguese => Language::Portuguese,
    }
}

/// The words of `lang` that elide before a vowel (French `l’`, `qu’`…).
pub fn elisions(lang: &str) -> &'static [&'static str] {
    spec(lang).elisions
}

/// Whether `lang` folds feminine and plural endings before stemming (French).
pub fn folds_endings(lang: &str) -> bool {
    spec(lang).fold_endings
}

/// The singular forms a plural `key` may have in `lang`, in the order the language's
/// rules give (see `i18n::Language::plurals`); each keeps at least two characters before
/// its new ending. `assets/search.js` (`singulars`) applies the same rules.
pub fn singulars(lang: &str, key: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for (plural, singular) in spec(lang).plurals {
        if let Some(stem) = key.strip_suffix(plural) {
            let candidate = format!("{stem}{singular}");
            if stem.chars().count() >= 2 && candidate != key && !out.contains(&candidate) {
                out.push(candidate);
            }
        }
    }
    out
}

/// The plural rules of `lang`, for the static search.
pub fn plurals(lang: &str) -> &'static [(&'static str, &'static str)] {
    spec(lang).plurals
}

/// Name of the full analyzer (key then stem) of a language's content fields.
pub fn analyzer_name(lang: &str) -> String {
    format!("pl_{lang}")
}

/// Name of the key analyzer (no stemming) of a language.
pub fn key_analyzer_name(lang: &str) -> String {
    format!("pl_{lang}_key")
}

/// Name of the single-token stemmer of a language.
pub fn stem_analyzer_name(lang: &str) -> String {
    format!("pl_{lang}_stem")
}

/// Name of the surface analyzer (key without the French ending step) of a language:
/// what prefix matching compares, since a prefix is typed before its ending.
pub fn surface_analyzer_name(lang: &str) -> String {
    format!("pl_{lang}_surface")
}

/// The analyzers of a language, registered on the index by `index::register_analyzers`
/// under the names above.
pub struct LangAnalyzers {
    pub full: TextAnalyzer,
    pub key: TextAnalyzer,
    pub stem: TextAnalyzer,
    pub surface: TextAnalyzer,
}

/// Builds the analyzers of `lang`, as the table says: its stemmer, its elisions, and the
/// ending step where it folds endings (French).
pub fn analyzers(lang: &str) -> LangAnalyzers {
    let language = stemmer(lang);
    let words = || WordTokenizer::new(elisions(lang));
    let full = if folds_endings(lang) {
        surface(words())
            .filter(FrenchEndings)
            .filter(CachedStem::new(language))
            .build()
    } else {
        surface(words()).filter(CachedStem::new(language)).build()
    };
    LangAnalyzers {
        full,
        key: keys(words(), lang),
        stem: stem_of_key(language),
        surface: surface(words()).build(),
    }
}

/// The surface forms of the words `tokenizer` gives: lowercase, ASCII-folded.
fn surface<T: Tokenizer>(tokenizer: T) -> TextAnalyzerBuilder<impl Tokenizer> {
    TextAnalyzer::builder(tokenizer)
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
}

/// The keys of the words `tokenizer` gives, in `lang`.
fn keys<T: Tokenizer>(tokenizer: T, lang: &str) -> TextAnalyzer {
    if folds_endings(lang) {
        surface(tokenizer).filter(FrenchEndings).build()
    } else {
        surface(tokenizer).build()
    }
}

/// `pl_LANG_stem`: one key in, its stem out.
fn stem_of_key(language: Language) -> TextAnalyzer {
    TextAnalyzer::builder(RawTokenizer::default())
        .filter(Stemmer::new(language))
        .build()
}

/// `pl_LANG_stem` of `lang`.
pub fn key_stemmer(lang: &str) -> TextAnalyzer {
    stem_of_key(stemmer(lang))
}

/// `pl_LANG_key` of one word, a token of [`WordTokenizer`]: the key filters alone, for
/// whoever splits the words themselves.
pub fn word_to_key(lang: &str) -> TextAnalyzer {
    keys(RawTokenizer::default(), lang)
}

/// The key of a surface form (see the module docs).
pub fn surface_to_key(lang: &str, surface: &str) -> String {
    let mut key = surface.to_string();
    if folds_endings(lang) {
        french_endings(&mut key);
    }
    key
}

/// Runs `analyzer` on `text` and returns (token text, byte range in `text`, position).
pub fn tokens(analyzer: &mut TextAnalyzer, text: &str) -> Vec<Token> {
    let mut out = Vec::new();
    let mut stream = analyzer.token_stream(text);
    while stream.advance() {
        out.push(stream.token().clone());
    }
    out
}

/// Splits text into words (see the module docs), dropping elided words.
#[derive(Clone)]
pub struct WordTokenizer {
    elisions: &'static [&'static str],
    token: Token,
}

impl WordTokenizer {
    /// `elisions`: the words to drop before an apostrophe (French `l’`, `d'`...).
    pub fn new(elisions: &'static [&'static str]) -> Self {
        WordTokenizer {
            elisions,
            token: Token::default(),
        }
    }
}

/// Token stream of [`WordTokenizer`].
pub struct WordTokenStream<'a> {
    text: &'a str,
    cursor: usize,
    elisions: &'static [&'static str],
    token: &'a mut Token,
}

impl Tokenizer for WordTokenizer {
    type TokenStream<'a> = WordTokenStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> WordTokenStream<'a> {
        self.token.reset();
        WordTokenStream {
            text,
            cursor: 0,
            elisions: self.elisions,
            token: &mut self.token,
        }
    }
}

fn is_apostrophe(c: char) -> bool {
    c == '\'' || c == '\u{2019}'
}

/// True when `word` followed by `rest` is an elided word (`l` + `’intégration`).
fn is_elided(word: &str, rest: &str, elisions: &[&str]) -> bool {
    let mut chars = rest.chars();
    let (Some(apostrophe), Some(next)) = (chars.next(), chars.next()) else {
        return false;
    };
    is_apostrophe(apostrophe)
        && next.is_alphanumeric()
        && word.len() <= 6
        && elisions.iter().any(|e| e.eq_ignore_ascii_case(word))
}

impl TokenStream for WordTokenStream<'_> {
    fn advance(&mut self) -> bool {
        loop {
            let rest = &self.text[self.cursor..];
            let Some(start) = rest.find(char::is_alphanumeric) else {
                self.cursor = self.text.len();
                return false;
            };
            let start = self.cursor + start;
            let len = self.text[start..]
                .find(|c: char| !c.is_alphanumeric())
                .unwrap_or(self.text.len() - start);
            let end = start + len;
            self.cursor = end;
            let word = &self.text[start..end];
            if !self.elisions.is_empty() && is_elided(word, &self.text[end..], self.elisions) {
                continue;
            }
            self.token.text.clear();
            self.token.text.push_str(word);
            self.token.offset_from = start;
            self.token.offset_to = end;
            self.token.position = self.token.position.wrapping_add(1);
            return true;
        }
    }

    fn token(&self) -> &Token {
        self.token
    }

    fn token_mut(&mut self) -> &mut Token {
        self.token
    }
}

/// The French ending normalisation on a folded, lowercase word (see the module docs).
pub fn french_endings(word: &mut String) {
    let mut kept = word.chars().count();
    // Like Snowball's own rule for `s`, which folding would otherwise defeat: keep it
    // after a, i, o, u or s (fois, mois, mais, lois, bus).
    if kept > 3
        && word.ends_with('s')
        && !word[..word.len() - 1].ends_with(['a', 'i', 'o', 'u', 's'])
    {
        kept -= 1;
        word.pop();
    }
    while kept > 3 && word.ends_with('e') {
        kept -= 1;
        word.pop();
    }
}

/// Token filter applying [`french_endings`].
#[derive(Clone)]
pub struct FrenchEndings;

impl TokenFilter for FrenchEndings {
    type Tokenizer<T: Tokenizer> = FrenchEndingsFilter<T>;

    fn transform<T: Tokenizer>(self, tokenizer: T) -> FrenchEndingsFilter<T> {
        FrenchEndingsFilter { inner: tokenizer }
    }
}

/// Tokenizer wrapper of [`FrenchEndings`].
#[derive(Clone)]
pub struct FrenchEndingsFilter<T> {
    inner: T,
}

impl<T: Tokenizer> Tokenizer for FrenchEndingsFilter<T> {
    type TokenStream<'a> = FrenchEndingsStream<T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        FrenchEndingsStream {
            tail: self.inner.token_stream(text),
        }
    }
}

/// Token stream of [`FrenchEndings`].
pub struct FrenchEndingsStream<T> {
    tail: T,
}

impl<T: TokenStream> TokenStream for FrenchEndingsStream<T> {
    fn advance(&mut self) -> bool {
        if !self.tail.advance() {
            return false;
        }
        french_endings(&mut self.tail.token_mut().text);
        true
    }

    fn token(&self) -> &Token {
        self.tail.token()
    }

    fn token_mut(&mut self) -> &mut Token {
        self.tail.token_mut()
    }
}

/// The Snowball stemmer with a memory of the words it has stemmed.
///
/// A text repeats its words, and Snowball's suffix tables cost more than a hash lookup.
/// `pl_LANG` analyses whole pages again for related pages and snippets (indexing has a
/// memory of its own, in `preanalyzed.rs`). Each copy of the analyzer keeps its own
/// cache, emptied when it reaches [`STEM_CACHE_WORDS`] so hostile text cannot grow it
/// without bound. The terms are those of `Stemmer` itself: a cached word gives what the
/// stemmer gave it.
#[derive(Clone)]
pub struct CachedStem {
    language: Language,
}

const STEM_CACHE_WORDS: usize = 1 << 16;

impl CachedStem {
    pub fn new(language: Language) -> Self {
        Self { language }
    }
}

impl TokenFilter for CachedStem {
    type Tokenizer<T: Tokenizer> = CachedStemFilter<T>;

    fn transform<T: Tokenizer>(self, tokenizer: T) -> CachedStemFilter<T> {
        CachedStemFilter {
            inner: tokenizer,
            stemmer: stem_of_key(self.language),
            cache: StemCache::default(),
        }
    }
}

/// Tokenizer wrapper of [`CachedStem`].
#[derive(Clone)]
pub struct CachedStemFilter<T> {
    inner: T,
    /// One word in, its stem out.
    stemmer: TextAnalyzer,
    cache: StemCache,
}

/// Words to their stems. Every word of every page is looked up here, and hashing was
/// most of the lookup with std's SipHash.
type StemCache = crate::text::FastMap<String, String>;

impl<T: Tokenizer> Tokenizer for CachedStemFilter<T> {
    type TokenStream<'a> = CachedStemStream<'a, T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        CachedStemStream {
            tail: self.inner.token_stream(text),
            stemmer: &mut self.stemmer,
            cache: &mut self.cache,
        }
    }
}

/// The stem of one `word` by `stemmer` (`pl_LANG_stem`); the word itself if it gives none.
pub(super) fn stem_of(stemmer: &mut TextAnalyzer, word: &str) -> String {
    let mut stream = stemmer.token_stream(word);
    if stream.advance() {
        stream.token().text.clone()
    } else {
        word.to_string()
    }
}

/// Token stream of [`CachedStem`].
pub struct CachedStemStream<'a, T> {
    tail: T,
    stemmer: &'a mut TextAnalyzer,
    cache: &'a mut StemCache,
}

impl<T: TokenStream> TokenStream for CachedStemStream<'_, T> {
    fn advance(&mut self) -> bool {
        if !self.tail.advance() {
            return false;
        }
        let word = &mut self.tail.token_mut().text;
        if let Some(stem) = self.cache.get(word.as_str()) {
            word.clone_from(stem);
            return true;
        }
        let stem = stem_of(self.stemmer, word);
        if self.cache.len() >= STEM_CACHE_WORDS {
            self.cache.clear();
        }
        self.cache
            .insert(std::mem::replace(word, stem.clone()), stem);
        true
    }

    fn token(&self) -> &Token {
        self.tail.token()
    }

    fn token_mut(&mut self) -> &mut Token {
        self.tail.token_mut()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::index::register_analyzers;
    use tantivy::Index;
    use tantivy::schema::Schema;

    fn index() -> Index {
        let index = Index::create_in_ram(Schema::builder().build());
        register_analyzers(&index);
        index
    }

    fn run(index: &Index, name: &str, text: &str) -> Vec<String> {
        let mut analyzer = index.tokenizers().get(name).expect("registered");
        tokens(&mut analyzer, text)
            .into_iter()
            .map(|t| t.text)
            .collect()
    }

    #[test]
    fn the_stem_cache_gives_what_the_stemmer_gives() {
        let text = "Les réfugiées et les réfugiés ; housing, houses, housed. \
                    L’intégration des familles, intégrations, familles housing";
        fn ending_in<F: TokenFilter>(lang: &str, stem: F) -> TextAnalyzer {
            TextAnalyzer::builder(WordTokenizer::new(elisions(lang)))
                .filter(LowerCaser)
                .filter(AsciiFoldingFilter)
                .filter(FrenchEndings)
                .filter(stem)
                .build()
        }
        for (lang, language) in [("en", Language::English), ("fr", Language::French)] {
            let mut plain = ending_in(lang, Stemmer::new(language));
            let mut cached = ending_in(lang, CachedStem::new(language));
            let expected = tokens(&mut plain, text);
            // Twice: the second time every word comes from the cache.
            for _ in 0..2 {
                assert_eq!(tokens(&mut cached, text), expected, "{lang}");
            }
        }
    }

    fn term(index: &Index, lang: &str, word: &str) -> String {
        let terms = run(index, &analyzer_name(lang), word);
        assert_eq!(terms.len(), 1, "{word}: {terms:?}");
        terms[0].clone()
    }

    #[test]
    fn french_forms_meet() {
        let index = index();
        let groups: &[&[&str]] = &[
            &[
                "réfugié",
                "réfugiée",
                "réfugiés",
                "réfugiées",
                "refugie",
                "Réfugiés",
                "REFUGIEES",
            ],
            &["intégration", "integration", "Intégrations"],
            &[
                "immigrant",
                "immigrante",
                "immigrantes",
                "immigrants",
                "Immigrante",
            ],
            &["personne", "personnes", "Personnes"],
            &["logement", "logements"],
            &["santé", "sante", "Santé"],
        ];
        for group in groups {
            let first = term(&index, "fr", group[0]);
            for w in &group[1..] {
                assert_eq!(term(&index, "fr", w), first, "{w} vs {}", group[0]);
            }
        }
    }

    #[test]
    fn french_forms_stay_apart() {
        let index = index();
        let apart: &[&[&str]] = &[
            &["santé", "sans", "sain"],
            &["été", "et"],
            &["fois", "foi"],
            &["mois", "moi"],
            &["mais", "mai"],
            &["lois", "loi"],
            &["personne", "personnel"],
        ];
        for group in apart {
            let terms: Vec<String> = group.iter().map(|w| term(&index, "fr", w)).collect();
            let mut unique = terms.clone();
            unique.sort();
            unique.dedup();
            assert_eq!(unique.len(), terms.len(), "{group:?} -> {terms:?}");
        }
    }

    #[test]
    fn elision_both_apostrophes() {
        let index = index();
        let fr = analyzer_name("fr");
        assert_eq!(
            run(&index, &fr, "l’intégration"),
            run(&index, &fr, "intégration")
        );
        assert_eq!(
            run(&index, &fr, "L'intégration"),
            run(&index, &fr, "intégration")
        );
        assert_eq!(
            run(
                &index,
                &fr,
                "qu'elle jusqu’ici d'abord n'a s'est c'est m'a t'a j'ai"
            ),
            run(&index, &fr, "elle ici abord a est est a a ai")
        );
        // Not an elision: no letter after the apostrophe, or not an elided word.
        assert_eq!(
            run(&index, &fr, "l' aujourd'hui"),
            vec!["l", "aujourd", "hui"]
        );
        // English keeps every word.
        assert_eq!(
            run(&index, "pl_en_key", "l'integration"),
            vec!["l", "integration"]
        );
    }

    #[test]
    fn elided_words_take_no_position() {
        let index = index();
        let mut analyzer = index.tokenizers().get("pl_fr").expect("registered");
        let positions: Vec<usize> = tokens(&mut analyzer, "de l’intégration des réfugiés")
            .iter()
            .map(|t| t.position)
            .collect();
        assert_eq!(positions, vec![0, 1, 2, 3]);
    }

    #[test]
    fn full_is_stem_of_key() {
        let index = index();
        for lang in LANGS {
            let text = "Les réfugiés d’Ottawa ont intégré l’œuvre; refugees' housing Crises 2024";
            let keys = run(&index, &key_analyzer_name(lang), text);
            let stems: Vec<String> = keys
                .iter()
                .flat_map(|k| run(&index, &stem_analyzer_name(lang), k))
                .collect();
            assert_eq!(stems, run(&index, &analyzer_name(lang), text));
        }
    }

    #[test]
    fn english_forms_meet() {
        let index = index();
        for group in [
            &["refugee", "refugees", "Refugees"][..],
            &["vaccination", "vaccinations"],
            &["housing", "Housing"],
        ] {
            let first = term(&index, "en", group[0]);
            for w in &group[1..] {
                assert_eq!(term(&index, "en", w), first);
            }
        }
    }

    #[test]
    fn endings_golden() {
        for (input, out) in [
            ("refugiees", "refugi"),
            ("refugiee", "refugi"),
            ("refugies", "refugi"),
            ("refugie", "refugi"),
            ("immigrantes", "immigrant"),
            ("ete", "ete"),
            ("des", "des"),
            ("tables", "tabl"),
            ("fois", "fois"),
            ("bus", "bus"),
            ("sees", "see"),
            ("creee", "cre"),
            ("crees", "cre"),
        ] {
            let mut w = input.to_string();
            french_endings(&mut w);
            assert_eq!(w, out, "{input}");
        }
    }
}
