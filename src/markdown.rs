//! Markdown → HTML and plain text, for one page.
//!
//! pulldown-cmark's offset iterator lets `@/KEY` links that name no page be reported at
//! their line. On the way: `@/` links are resolved to the page in the same language (or
//! the other language, marked with `hreflang`), headings get ids, raw HTML is sanitized,
//! escaped or kept as `[markdown] raw_html` says, and French pages get no-break spaces
//! before `; : ! ?` and inside « » — never inside code.

use std::collections::HashSet;
use std::hash::{Hash, Hasher};
use std::sync::LazyLock;

use pulldown_cmark::{CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd};

use crate::config::RawHtml;
use crate::diagnostics::{Diagnostic, LineIndex, Pos};
use crate::model::Page;
use crate::resolve::Site;

/// What the templates and the search index need of a page body.
#[derive(Debug, Clone, Default)]
pub struct Rendered {
    pub html: String,
    /// The text a reader sees, for search and related content.
    pub text: PackedText,
    pub headings: Vec<Heading>,
    /// Keys named by `@/` links, so a later build can tell whether their targets moved.
    pub links: Vec<String>,
    /// What this rendering depends on (see [`fingerprint`]).
    pub fingerprint: u64,
}

/// A page's text, on its way to the search index: from the page's rendering until the
/// index is fed (in serve and watch, until the next edit; a build that keeps nothing sets
/// the bytes aside in a file, see [`crate::spill`]). The text of the whole site is about as
/// large as its Markdown, so what serve and watch keep is LZ4-compressed
/// ([`PackedText::packed`]): prose takes about half the room, for a few milliseconds per
/// thousand pages. What goes to the file stays plain, as [`render`] makes it: compressing it
/// was 1.7 % of a cold build's CPU, for a file that lives in the page cache for seconds.
/// The text's hash is taken when it is made, so that the index can tell an unchanged page
/// without reading the text.
#[derive(Debug, Clone)]
pub struct PackedText {
    /// A byte telling the form ([`PLAIN`] or [`LZ4`]), then the text in that form; nothing
    /// for the empty text.
    bytes: std::sync::Arc<[u8]>,
    text_hash: u64,
}

/// [`PackedText`]'s form: the text's UTF-8 bytes.
const PLAIN: u8 = 0;
/// [`PackedText`]'s form: LZ4, the text's length first.
const LZ4: u8 = 1;

/// The bytes of [`PackedText`] in the [`LZ4`] form of `text`.
fn lz4_form(text: &[u8]) -> std::sync::Arc<[u8]> {
    let mut bytes = vec![LZ4];
    bytes.extend_from_slice(&lz4_flex::compress_prepend_size(text));
    bytes.into()
}

impl Default for PackedText {
    fn default() -> Self {
        PackedText::plain("")
    }
}

impl PackedText {
    /// `text` as it is.
    pub fn plain(text: &str) -> PackedText {
        let mut bytes = Vec::with_capacity(text.len() + 1);
        if !text.is_empty() {
            bytes.push(PLAIN);
            bytes.extend_from_slice(text.as_bytes());
        }
        PackedText {
            bytes: bytes.into(),
            text_hash: crate::text::text_hash(text),
        }
    }

    /// `text` compressed.
    pub fn pack(text: &str) -> PackedText {
        PackedText {
            bytes: lz4_form(text.as_bytes()),
            text_hash: crate::text::text_hash(text),
        }
    }

    /// The same text compressed: from its plain bytes, which are its UTF-8 already.
    pub fn packed(&self) -> PackedText {
        match self.bytes.split_first() {
            Some((&PLAIN, text)) => PackedText {
                bytes: lz4_form(text),
                text_hash: self.text_hash,
            },
            _ => self.clone(),
        }
    }

    /// [`crate::text::text_hash`] of the text.
    pub fn text_hash(&self) -> u64 {
        self.text_hash
    }

    /// The hash alone, once the bytes are kept elsewhere ([`PackedText::as_bytes`]):
    /// what is left unpacks to nothing.
    pub fn without_bytes(&self) -> PackedText {
        PackedText {
            bytes: std::sync::Arc::default(),
            text_hash: self.text_hash,
        }
    }

    /// The text. Only [`PackedText::plain`] and [`PackedText::pack`] make the bytes, so
    /// they always unpack to UTF-8; were they damaged anyway, the text would come out empty.
    pub fn unpack(&self) -> String {
        PackedText::unpack_bytes(&self.bytes).unwrap_or_default()
    }

    /// The bytes, to be kept elsewhere ([`crate::spill`]).
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// The text of bytes [`PackedText::as_bytes`] gave; `None` if they were damaged since.
    pub fn unpack_bytes(bytes: &[u8]) -> Option<String> {
        let bytes = match bytes.split_first() {
            None => return Some(String::new()),
            Some((&PLAIN, text)) => text.to_vec(),
            Some((&LZ4, packed)) => lz4_flex::decompress_size_prepended(packed).ok()?,
            Some(_) => return None,
        };
        String::from_utf8(bytes).ok()
    }
}

/// Hash of everything a page's rendered body depends on: its source, the site's Markdown
/// settings and where each of its `@/` links leads. Equal fingerprints, equal output.
pub fn fingerprint(page: &Page, site: &Site, links: &[String]) -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    page.source_hash.hash(&mut h);
    page.lang.hash(&mut h);
    page.body_line.hash(&mut h);
    site.config.french_typography.hash(&mut h);
    (site.config.raw_html as u8).hash(&mut h);
    for key in links {
        key.hash(&mut h);
        match site.page_or_fallback(key, &page.lang) {
            Some(id) => (&site.urls[id], &site.pages[id].lang).hash(&mut h),
            None => 0u8.hash(&mut h),
        }
    }
    h.finish()
}

#[derive(Debug, Clone)]
pub struct Heading {
    pub level: u8,
    pub text: String,
    pub id: String,
    pub pos: Pos,
}

const NBSP: char = '\u{a0}';
const NARROW_NBSP: char = '\u{202f}';

fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_HEADING_ATTRIBUTES
}

/// Renders `body`, the Markdown of `page` (its `body`, unless a build has taken it out).
/// Links to unknown keys are reported at their line of the file.
pub fn render(page: &Page, body: &str, site: &Site) -> (Rendered, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    let lines = LineIndex::new(body);
    let at = |offset: usize| {
        let p = lines.pos(body, offset);
        Pos::new(p.line + page.body_line - 1, p.col)
    };
    let french = site.config.french_typography
        && crate::i18n::language(&page.lang).is_some_and(|l| l.french_spacing);
    let policy = site.config.raw_html;

    let mut events: Vec<Event> = Vec::new();
    let mut has_raw_html = false;
    let mut heading_starts = Vec::new();
    let mut code_depth = 0usize;
    let mut handwritten_links: Vec<bool> = Vec::new();
    let mut links: Vec<String> = Vec::new();
    let mut linter = crate::lint::Linter::default();
    // For the sanitizer's check: where raw HTML starts, and the author's words with where
    // they start (not an image's alt text, which is no text of the page).
    let mut raw_html_at: Vec<usize> = Vec::new();
    let mut text_events: Vec<(usize, usize)> = Vec::new();
    let mut image_depth = 0usize;
    for (event, range) in merge_text(Parser::new_ext(body, options()).into_offset_iter()) {
        linter.observe(&page.path, &event, || at(range.start));
        match &event {
            Event::Start(Tag::Image { .. }) => image_depth += 1,
            Event::End(TagEnd::Image) => image_depth = image_depth.saturating_sub(1),
            Event::Html(_) | Event::InlineHtml(_) => raw_html_at.push(range.start),
            Event::Text(_) | Event::Code(_) if image_depth == 0 => {
                text_events.push((events.len(), range.start));
            }
            _ => {}
        }
        let event = match event {
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                if let Some(target) = dest_url.strip_prefix("@/") {
                    links.push(link_key(target).to_string());
                }
                let (dest, hreflang) =
                    resolve_link(&dest_url, page, site, at(range.start), &mut diags);
                handwritten_links.push(hreflang.is_some());
                match hreflang {
                    Some(lang) => {
                        // pulldown-cmark's writer has no hreflang, so this one tag is written by hand.
                        let title_attr = if title.is_empty() {
                            String::new()
                        } else {
                            format!(" title=\"{}\"", crate::text::escape_html(&title))
                        };
                        Event::InlineHtml(CowStr::from(format!(
                            "<a href=\"{}\" hreflang=\"{lang}\"{title_attr}>",
                            crate::text::escape_html(&dest)
                        )))
                    }
                    None => Event::Start(Tag::Link {
                        link_type,
                        dest_url: CowStr::from(dest),
                        title,
                        id,
                    }),
                }
            }
            Event::End(TagEnd::Link) => {
                // A hand-written `<a>` needs a hand-written `</a>`.
                if handwritten_links.pop().unwrap_or(false) {
                    Event::InlineHtml(CowStr::Borrowed("</a>"))
                } else {
                    event
                }
            }
            Event::Start(Tag::Image {
                link_type,
                dest_url,
                title,
                id,
            }) => Event::Start(Tag::Image {
                link_type,
                dest_url: CowStr::from(safe_url(&dest_url, policy)),
                title,
                id,
            }),
            Event::Start(Tag::Heading {
                level, id, classes, ..
            }) => {
                heading_starts.push((events.len(), at(range.start)));
                // `{#id .class}` is kept; other `{key=value}` attributes could carry an
                // event handler past the sanitizer, which only runs on raw HTML.
                let classes = classes
                    .into_iter()
                    .filter(|c| {
                        c.chars()
                            .all(|ch| ch.is_alphanumeric() || ch == '-' || ch == '_')
                    })
                    .collect();
                Event::Start(Tag::Heading {
                    level,
                    id,
                    classes,
                    attrs: Vec::new(),
                })
            }
            Event::Start(Tag::CodeBlock(_)) => {
                code_depth += 1;
                event
            }
            Event::End(TagEnd::CodeBlock) => {
                code_depth = code_depth.saturating_sub(1);
                event
            }
            Event::Text(text) if french && code_depth == 0 => {
                Event::Text(CowStr::from(french_spacing(&text)))
            }
            Event::Html(html) | Event::InlineHtml(html) => {
                has_raw_html = true;
                match policy {
                    RawHtml::Escape => Event::Text(html),
                    RawHtml::Sanitize | RawHtml::Allow => Event::Html(html),
                }
            }
            other => other,
        };
        events.push(event);
    }

    let headings = name_headings(&mut events, &heading_starts);
    let text = plain_text(&events);
    let words: Vec<(String, usize)> = if policy == RawHtml::Sanitize && has_raw_html {
        text_events
            .iter()
            .filter_map(|&(i, offset)| match events.get(i)? {
                Event::Text(t) | Event::Code(t) => Some((t.clone(), offset)),
                _ => None,
            })
            .flat_map(|(t, offset)| {
                t.split(|c: char| !c.is_alphanumeric())
                    .filter(|w| !w.is_empty())
                    .map(|w| (w.to_string(), offset))
                    .collect::<Vec<_>>()
            })
            .collect()
    } else {
        Vec::new()
    };
    let mut html = String::with_capacity(body.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut html, events.into_iter());
    if policy == RawHtml::Sanitize && has_raw_html {
        html = SANITIZER.clean(&html).to_string();
        if let Some((word, offset)) = first_lost_word(&words, &html) {
            // The raw HTML just before the lost text is what swallowed it.
            let culprit = raw_html_at
                .iter()
                .rev()
                .find(|&&h| h <= offset)
                .copied()
                .unwrap_or(offset);
            diags.push(
                Diagnostic::warning(
                    &page.path,
                    at(culprit),
                    "the raw HTML here makes the sanitizer drop the text that follows it",
                )
                .value(format!("first word dropped: {word}"))
                .help("close every element you open in raw HTML (an unclosed <style>, <script>, <textarea> or <title> swallows the rest of the page), or write it in Markdown"),
            );
        }
    }
    // Every page's HTML is held until the templates run: no spare capacity.
    html.shrink_to_fit();
    links.sort();
    links.dedup();
    diags.extend(linter.finish());
    let fingerprint = fingerprint(page, site, &links);
    (
        Rendered {
            html,
            text: PackedText::plain(&text),
            headings,
            links,
            fingerprint,
        },
        diags,
    )
}

/// pulldown-cmark splits text at some punctuation; typography needs whole runs.
fn merge_text<'a>(
    iter: impl Iterator<Item = (Event<'a>, std::ops::Range<usize>)>,
) -> impl Iterator<Item = (Event<'a>, std::ops::Range<usize>)> {
    let mut iter = iter.peekable();
    std::iter::from_fn(move || {
        let (event, mut range) = iter.next()?;
        let Event::Text(first) = event else {
            return Some((event, range));
        };
        let mut text: Option<String> = None;
        while let Some((Event::Text(next), next_range)) = iter.peek() {
            text.get_or_insert_with(|| first.to_string()).push_str(next);
            range.end = next_range.end;
            iter.next();
        }
        Some((Event::Text(text.map_or(first, CowStr::from)), range))
    })
}

/// Resolves `@/KEY#anchor`; other URLs pass through the scheme filter.
/// Returns the URL and, for a page in another language, that language.
fn resolve_link(
    dest: &str,
    page: &Page,
    site: &Site,
    pos: Pos,
    diags: &mut Vec<Diagnostic>,
) -> (String, Option<String>) {
    let Some(target) = dest.strip_prefix("@/") else {
        return (safe_url(dest, site.config.raw_html), None);
    };
    let anchor = target.split_once('#').map(|(_, a)| a);
    let key = link_key(target);
    let fragment = anchor.map(|a| format!("#{a}")).unwrap_or_default();
    if let Some(id) = site.page(key, &page.lang) {
        return (format!("{}{fragment}", site.urls[id]), None);
    }
    if let Some(id) = site.page_or_fallback(key, &page.lang) {
        let lang = site.pages[id].lang.clone();
        return (format!("{}{fragment}", site.urls[id]), Some(lang));
    }
    if site.unreadable.contains(key) {
        // That file's own mistake is reported; a link to it is not a second one.
        return ("#".to_string(), None);
    }
    let mut keys: Vec<&str> = site.keys().filter(|k| !k.is_empty()).collect();
    keys.sort_unstable();
    diags.push(
        Diagnostic::error(&page.path, pos, "this link names a page that does not exist")
            .value(dest)
            .help(match crate::diagnostics::closest(key, keys.iter().copied()) {
                Some(close) => format!("did you mean `@/{close}`?"),
                None => "a link key is the page's path under content/ without `.md`, e.g. `@/case-studies/NAME`".to_string(),
            }),
    );
    ("#".to_string(), None)
}

/// The page key of an `@/` link target (`case-studies/x#partners` → `case-studies/x`).
fn link_key(target: &str) -> &str {
    let key = target.split_once('#').map_or(target, |(k, _)| k);
    key.trim_end_matches(".md").trim_end_matches('/')
}

/// Drops `javascript:`, `vbscript:` and `data:` URLs unless raw HTML is explicitly allowed.
fn safe_url(url: &str, policy: RawHtml) -> String {
    if policy == RawHtml::Allow {
        return url.to_string();
    }
    let scheme: String = url
        .chars()
        .filter(|c| !c.is_whitespace() && !c.is_control())
        .take_while(|&c| c != ':' && c != '/' && c != '?' && c != '#')
        .collect::<String>()
        .to_ascii_lowercase();
    let has_scheme = url.contains(':') && !url.starts_with('/') && !url.starts_with('#');
    if has_scheme && matches!(scheme.as_str(), "javascript" | "vbscript" | "data" | "file") {
        "#".to_string()
    } else {
        url.to_string()
    }
}

/// Gives every heading an id (its `{#id}` if the author wrote one), unique in the page.
fn name_headings(events: &mut [Event], starts: &[(usize, Pos)]) -> Vec<Heading> {
    let mut used: HashSet<String> = HashSet::new();
    let mut headings = Vec::with_capacity(starts.len());
    for &(start, pos) in starts {
        let mut text = String::new();
        for e in &events[start + 1..] {
            match e {
                Event::End(TagEnd::Heading(_)) => break,
                Event::Text(t) | Event::Code(t) => text.push_str(t),
                _ => {}
            }
        }
        if let Event::Start(Tag::Heading { level, id, .. }) = &mut events[start] {
            let base = match id {
                Some(given) => given.to_string(),
                None => {
                    let s = crate::text::slugify(&text);
                    if s.is_empty() {
                        "section".to_string()
                    } else {
                        s
                    }
                }
            };
            let mut unique = base.clone();
            let mut n = 1;
            while !used.insert(unique.clone()) {
                n += 1;
                unique = format!("{base}-{n}");
            }
            *id = Some(CowStr::from(unique.clone()));
            headings.push(Heading {
                level: heading_level(*level),
                text: text.trim().to_string(),
                id: unique,
                pos,
            });
        }
    }
    headings
}

fn heading_level(level: HeadingLevel) -> u8 {
    match level {
        HeadingLevel::H1 => 1,
        HeadingLevel::H2 => 2,
        HeadingLevel::H3 => 3,
        HeadingLevel::H4 => 4,
        HeadingLevel::H5 => 5,
        HeadingLevel::H6 => 6,
    }
}

fn plain_text(events: &[Event]) -> String {
    let mut text = String::new();
    for e in events {
        match e {
            Event::Text(t) | Event::Code(t) => text.push_str(t),
            Event::SoftBreak | Event::HardBreak => text.push(' '),
            Event::End(
                TagEnd::Paragraph
                | TagEnd::Heading(_)
                | TagEnd::Item
                | TagEnd::TableCell
                | TagEnd::CodeBlock
                | TagEnd::BlockQuote(_),
            ) if !text.ends_with(' ') => {
                text.push(' ');
            }
            _ => {}
        }
    }
    text.trim_end().to_string()
}

/// French spacing: a no-break space before `; ! ?` (narrow) and `:` (full), and inside « ».
/// Only ordinary spaces already there are replaced before `; : ! ?` (so `10:30` and URLs stay
/// intact); « » get their spaces even when the author left them out.
pub fn french_spacing(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    // Text between the characters the rules act on is copied as it is, in one piece: a
    // space matters only before `; : ! ? »`, so the scan stops at those, at `«` and at
    // the apostrophe, never at each word.
    let mut copied_to = 0;
    let mut from = 0;
    while let Some(at) = next_spacing_rule(text, from) {
        let c = text[at..].chars().next().unwrap_or_default();
        from = at + c.len_utf8();
        out.push_str(&text[copied_to..at]);
        // A space just copied before `c` (not one a `«` swallowed) takes the rule's place.
        let space_before = text[copied_to..at]
            .chars()
            .next_back()
            .filter(|&space| matches!(space, ' ' | NBSP | NARROW_NBSP));
        copied_to = from;
        let mut replace_space = |by: char| {
            if let Some(space) = space_before {
                out.truncate(out.len() - space.len_utf8());
                out.push(by);
            }
        };
        match c {
            ';' | '!' | '?' => {
                replace_space(NARROW_NBSP);
                out.push(c);
            }
            ':' => {
                replace_space(NBSP);
                out.push(c);
            }
            '«' => {
                out.push('«');
                out.push(NBSP);
                // Swallow the author's own spaces after «.
                let spaces = text[from..]
                    .find(|space| !matches!(space, ' ' | NBSP | NARROW_NBSP))
                    .unwrap_or(text.len() - from);
                from += spaces;
                copied_to = from;
            }
            '»' => {
                replace_space(NBSP);
                if !out.ends_with(NBSP) && !out.ends_with(NARROW_NBSP) && !out.is_empty() {
                    out.push(NBSP);
                }
                out.push('»');
            }
            // An apostrophe typed straight after a letter (`l'intégration`): the
            // typographic one. Only text comes here, never a URL, an attribute or code.
            _ if out.chars().next_back().is_some_and(char::is_alphabetic) => {
                out.push('\u{2019}');
            }
            _ => out.push(c),
        }
    }
    out.push_str(&text[copied_to..]);
    out
}

/// Where the next character [`french_spacing`]'s rules act on (`; : ! ? ' « »`) is in
/// `text`, from byte `from` on. A byte scan: « and » are the UTF-8 bytes C2 AB and C2 BB.
fn next_spacing_rule(text: &str, from: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut at = from;
    loop {
        at += bytes
            .get(at..)?
            .iter()
            .position(|b| matches!(b, b';' | b':' | b'!' | b'?' | b'\'' | 0xC2))?;
        if bytes[at] != 0xC2 || matches!(bytes.get(at + 1), Some(0xAB | 0xBB)) {
            return Some(at);
        }
        at += 1;
    }
}

/// The first of the author's `words` (in order, with where each starts) that the sanitized
/// `html` no longer shows, in that order: ammonia removes script and style content by
/// design, and an element the author left open can make it remove far more. Words are
/// looked for as substrings, since adjacent elements run together in the text.
fn first_lost_word<'a>(words: &'a [(String, usize)], html: &str) -> Option<(&'a str, usize)> {
    let text = TEXT_ONLY.clean(html).to_string();
    let mut rest = text.as_str();
    words
        .iter()
        .find(|(w, _)| match rest.find(w.as_str()) {
            Some(i) => {
                rest = &rest[i + w.len()..];
                false
            }
            None => true,
        })
        .map(|(w, offset)| (w.as_str(), *offset))
}

/// Keeps only the text of HTML (what a reader sees), for [`first_lost_word`].
static TEXT_ONLY: LazyLock<ammonia::Builder<'static>> = LazyLock::new(|| {
    let mut b = ammonia::Builder::default();
    b.tags(std::collections::HashSet::new());
    b
});

static SANITIZER: LazyLock<ammonia::Builder<'static>> = LazyLock::new(|| {
    let mut b = ammonia::Builder::default();
    b.add_generic_attributes(["id", "class", "dir"])
        .add_tag_attributes("a", ["hreflang"])
        .add_tag_attributes("ol", ["start"])
        .add_tag_attributes("td", ["colspan", "rowspan"])
        .add_tag_attributes("th", ["colspan", "rowspan", "scope"])
        .link_rel(None);
    b
});

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn packed_text_unpacks_to_itself() {
        let text = "Réfugiés « accueillis » : l’aide alimentaire. ".repeat(200);
        let plain = PackedText::plain(&text);
        let packed = plain.packed();
        assert!(
            packed.bytes.len() < text.len() / 4,
            "{} bytes",
            packed.bytes.len()
        );
        for form in [&plain, &packed, &PackedText::pack(&text), &packed.packed()] {
            assert_eq!(form.unpack(), text);
            assert_eq!(
                PackedText::unpack_bytes(form.as_bytes()).as_deref(),
                Some(text.as_str())
            );
            assert_eq!(form.text_hash(), crate::text::text_hash(&text));
            assert_eq!(form.without_bytes().text_hash(), form.text_hash());
        }
        for empty in [
            PackedText::plain(""),
            PackedText::pack(""),
            PackedText::default(),
        ] {
            assert_eq!(empty.unpack(), "");
        }
        assert_eq!(PackedText::unpack_bytes(&[7, b'a']), None);
    }

    #[test]
    fn french_spacing_rules() {
        assert_eq!(french_spacing("Pourquoi ?"), "Pourquoi\u{202f}?");
        assert_eq!(french_spacing("Note : voir"), "Note\u{a0}: voir");
        assert_eq!(french_spacing("«réfugiés»"), "«\u{a0}réfugiés\u{a0}»");
        assert_eq!(french_spacing("« réfugiés »"), "«\u{a0}réfugiés\u{a0}»");
        assert_eq!(
            french_spacing("l'intégration d'aujourd'hui"),
            "l’intégration d’aujourd’hui"
        );
        assert_eq!(french_spacing("un 'mot'"), "un 'mot’");
        // No space, no change: times and URLs stay as written.
        assert_eq!(
            french_spacing("à 10:30 sur https://x.org"),
            "à 10:30 sur https://x.org"
        );
        assert_eq!(french_spacing("Oui ; non !"), "Oui\u{202f}; non\u{202f}!");
    }

    /// The rules as first written, a character at a time: what [`french_spacing`] must
    /// still give.
    fn french_spacing_char_by_char(text: &str) -> String {
        let chars: Vec<char> = text.chars().collect();
        let mut out = String::new();
        let mut i = 0;
        while i < chars.len() {
            let c = chars[i];
            match c {
                ' ' | NBSP | NARROW_NBSP => match chars.get(i + 1).copied() {
                    Some(';' | '!' | '?') => out.push(NARROW_NBSP),
                    Some(':') | Some('»') => out.push(NBSP),
                    _ if out.ends_with('«') => {}
                    _ => out.push(c),
                },
                '«' => {
                    out.push('«');
                    out.push(NBSP);
                    while matches!(chars.get(i + 1), Some(' ' | &NBSP | &NARROW_NBSP)) {
                        i += 1;
                    }
                }
                '»' => {
                    if !out.ends_with(NBSP) && !out.ends_with(NARROW_NBSP) && !out.is_empty() {
                        out.push(NBSP);
                    }
                    out.push('»');
                }
                '\'' if out.chars().next_back().is_some_and(char::is_alphabetic) => {
                    out.push('\u{2019}');
                }
                c => out.push(c),
            }
            i += 1;
        }
        out
    }

    #[test]
    fn french_spacing_gives_what_the_rules_give_on_any_text() {
        let alphabet = "a é1 ;:!?«»'\u{a0}\u{202f}.";
        for text in crate::text::samples::texts(alphabet, 0..=39, 500, 0x2545_f491) {
            assert_eq!(
                french_spacing(&text),
                french_spacing_char_by_char(&text),
                "{text:?}"
            );
        }
    }

    #[test]
    fn unsafe_schemes_are_dropped() {
        assert_eq!(safe_url("javascript:alert(1)", RawHtml::Sanitize), "#");
        assert_eq!(safe_url(" JavaScript:alert(1)", RawHtml::Escape), "#");
        assert_eq!(safe_url("java\tscript:alert(1)", RawHtml::Sanitize), "#");
        assert_eq!(safe_url("data:text/html,x", RawHtml::Sanitize), "#");
        assert_eq!(
            safe_url("https://example.org/a:b", RawHtml::Sanitize),
            "https://example.org/a:b"
        );
        assert_eq!(safe_url("/en/x/#a:b", RawHtml::Sanitize), "/en/x/#a:b");
    }
}
