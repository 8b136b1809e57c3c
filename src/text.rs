//! Text helpers every stage shares: Unicode normalization, slugs, escaping and hashing.
//! Each is the library that does it right, behind one function, so that no stage
//! hand-rolls its own and the stages need not import each other for them.

use std::borrow::Cow;

use unicode_normalization::{IsNormalized, UnicodeNormalization as _, is_nfc_quick};

/// `text` in Unicode normalization form C. Text copied from a PDF or typed on macOS often
/// comes decomposed (`e` + U+0301 for `é`): it looks the same but would match nothing
/// typed the usual way, in search, slugs or vocabularies. Applied once, when a file is
/// loaded; cheap for text already in NFC (the quick check answers for almost all).
pub fn nfc(text: &str) -> Cow<'_, str> {
    if surely_nfc(text) {
        Cow::Borrowed(text)
    } else {
        Cow::Owned(text.nfc().collect())
    }
}

/// The quick check of NFC, `is_nfc_quick(text) == Yes`, on only the characters that can
/// fail it. Every character below U+0300 passes it and resets its ordering of combining
/// marks (class 0), so each run of characters from U+0300 up is checked alone; the byte
/// scan between runs takes a third of the check's time on every character (which was
/// 1.5 % of a cold build). In UTF-8, a byte from 0xCC up begins a character from U+0300
/// up.
fn surely_nfc(text: &str) -> bool {
    let bytes = text.as_bytes();
    let mut at = 0;
    while let Some(skipped) = position_from_0xcc(&bytes[at..]) {
        let run = &text[at + skipped..];
        let len = run
            .char_indices()
            .find(|&(_, c)| c < '\u{300}')
            .map_or(run.len(), |(end, _)| end);
        if is_nfc_quick(run[..len].chars()) != IsNormalized::Yes {
            return false;
        }
        at += skipped + len;
    }
    true
}

/// Where the first byte from 0xCC up is. Sixteen bytes are tested at a time, without
/// stopping at the first (which the compiler turns into a few vector instructions): most
/// text has none, and the byte-by-byte search was most of the quick check's time.
fn position_from_0xcc(bytes: &[u8]) -> Option<usize> {
    const CHUNK: usize = 16;
    let mut at = 0;
    while let Some(chunk) = bytes.get(at..at + CHUNK) {
        if chunk.iter().fold(false, |found, &b| found | (b >= 0xCC)) {
            break;
        }
        at += CHUNK;
    }
    bytes[at..].iter().position(|&b| b >= 0xCC).map(|i| at + i)
}

/// A source file's text as every stage reads it: without a byte-order mark, composed
/// ([`nfc`]), and with `\n` for every line end (a lone CR, classic Mac line ends, is a
/// line break too, for YAML, Markdown and editors alike), so every line and column count
/// agrees — the loader's and the one under a diagnostic's caret.
pub fn source(text: String) -> String {
    let text = text
        .strip_prefix('\u{feff}')
        .map(str::to_string)
        .unwrap_or(text);
    let text = match nfc(&text) {
        Cow::Owned(composed) => composed,
        Cow::Borrowed(_) => text,
    };
    if text.contains('\r') {
        text.replace("\r\n", "\n").replace('\r', "\n")
    } else {
        text
    }
}

/// A URL-safe slug: transliterated to ASCII (`Straße` → `strasse`, `Łódź` → `lodz`,
/// `Œuvre` → `oeuvre`), lowercase, runs of anything else turned into one hyphen.
pub fn slugify(s: &str) -> String {
    let ascii = deunicode::deunicode(s);
    let mut out = String::with_capacity(ascii.len());
    for c in ascii.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    while out.ends_with('-') {
        out.pop();
    }
    out
}

/// [`slugify`], cut at a hyphen so that it stays a usable file name and a readable URL
/// however long the text is.
pub fn slug_of_at_most(s: &str, max: usize) -> String {
    let slug = slugify(s);
    if slug.len() <= max {
        return slug;
    }
    let cut = slug[..max].rfind('-').unwrap_or(max);
    slug[..cut].to_string()
}

/// `s` escaped for HTML or XML text and double-quoted attributes (`& < > "`), by
/// pulldown-cmark's escaper, the one that writes the pages' Markdown.
pub fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    // Writing to a String cannot fail.
    let _ = pulldown_cmark_escape::escape_html(&mut out, s);
    out
}

/// [`escape_html`] for XML 1.0 (feeds, sitemap), which also forbids most control
/// characters: they can only come from a broken file, and are left out.
pub fn escape_xml(s: &str) -> String {
    if s.chars().any(forbidden_in_xml) {
        let kept: String = s.chars().filter(|&c| !forbidden_in_xml(c)).collect();
        escape_html(&kept)
    } else {
        escape_html(s)
    }
}

fn forbidden_in_xml(c: char) -> bool {
    (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r')
}

/// A map for hot lookups of short keys, such as every word of the site: foldhash is
/// several times faster than std's SipHash there and, seeded at random per map, still
/// keeps crafted text from making the keys collide.
pub type FastMap<K, V> = std::collections::HashMap<K, V, foldhash::fast::RandomState>;

/// The set of [`FastMap`].
pub type FastSet<T> = std::collections::HashSet<T, foldhash::fast::RandomState>;

/// A hash of `text` that stays the same from one run to the next, to tell whether a
/// page's text changed since the last build. Fast, and not for anything an attacker
/// could gain by making two texts collide.
pub fn text_hash(text: &str) -> u64 {
    use std::hash::BuildHasher as _;
    foldhash::fast::FixedState::default().hash_one(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_transliterated() {
        assert_eq!(slugify("Straße"), "strasse");
        assert_eq!(slugify("Łódź"), "lodz");
        assert_eq!(slugify("Œuvre"), "oeuvre");
        assert_eq!(slugify("Straße, Łódź, Œuvre"), "strasse-lodz-oeuvre");
        assert_eq!(
            slugify("Études de cas à Montréal!"),
            "etudes-de-cas-a-montreal"
        );
        assert_eq!(slugify("  « L’intégration »  "), "l-integration");
        assert_eq!(
            slug_of_at_most("Organismes d'établissement", 64),
            "organismes-d-etablissement"
        );
        assert_eq!(
            slug_of_at_most("Organismes d'établissement", 15),
            "organismes-d"
        );
    }

    #[test]
    fn decomposed_text_is_composed() {
        let nfd = "ze\u{301}bulonne\u{301}s";
        assert_eq!(nfc(nfd), "zébulonnés");
        assert!(matches!(nfc("déjà composé"), Cow::Borrowed(_)));
    }

    #[test]
    fn the_quick_check_on_runs_answers_as_on_the_whole_text() {
        // Below U+0300 and above, combining marks of several classes (acute 230, cedilla
        // 202, dot below 220), a character NFC never keeps (U+0340) and one it may
        // compose with the one before (U+0B3E).
        let alphabet = "aeé’« »\u{2d8}\u{2ff}\u{300}\u{301}\u{327}\u{323}\u{340}\u{b3e}\u{b47}ℌ한";
        for text in samples::texts(alphabet, 0..=6, 4000, 0x2545_f491_4f6c_dd1d) {
            assert_eq!(
                surely_nfc(&text),
                is_nfc_quick(text.chars()) == IsNormalized::Yes,
                "{text:?}"
            );
        }
    }

    #[test]
    fn the_search_by_chunks_finds_the_first_byte_the_plain_search_finds() {
        // Mostly characters below U+0300, so the first from it up falls in any chunk.
        let alphabet = "aaaaaaaaaaaaaaaaé ’\u{301}";
        for text in samples::texts(alphabet, 0..=70, 300, 0x9e37_79b9_7f4a_7c15) {
            let bytes = text.as_bytes();
            assert_eq!(
                position_from_0xcc(bytes),
                bytes.iter().position(|&b| b >= 0xCC),
                "{text:?}"
            );
        }
    }

    #[test]
    fn escaping_is_html_and_xml_safe() {
        assert_eq!(escape_html("a < b & \"c\""), "a &lt; b &amp; &quot;c&quot;");
        assert_eq!(escape_xml("a\u{1}b & c\n"), "ab &amp; c\n");
    }
}

/// Texts for tests that compare two ways of doing one thing on many inputs.
#[cfg(test)]
pub mod samples {
    /// `per_length` texts of each length of `lengths`, of the characters of `alphabet`,
    /// the same at every run (xorshift from `seed`).
    pub fn texts(
        alphabet: &str,
        lengths: std::ops::RangeInclusive<usize>,
        per_length: usize,
        mut seed: u64,
    ) -> Vec<String> {
        let chars: Vec<char> = alphabet.chars().collect();
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            chars[(seed % chars.len() as u64) as usize]
        };
        let mut out = Vec::new();
        for len in lengths {
            for _ in 0..per_length {
                out.push((0..len).map(|_| next()).collect());
            }
        }
        out
    }
}
