//! What a browser, a feed reader or a calendar would execute or misread in a built file.
//!
//! HTML goes through html5ever's tokenizer, the one browsers' parsing algorithm, so attribute
//! values arrive entity-decoded (`&#106;avascript:` is `javascript:`) and raw-text elements
//! are skipped the way a browser skips them. A finding is a short description of one piece
//! of active content — a script-capable element, an event-handler attribute, a
//! `javascript:`/`vbscript:`/`data:` URL, a CSS expression — with the tag it was found in.
//! Findings name no file, so the theme's own (a script tag, an icon written as a `data:`
//! URL) can be collected from a clean build and allowed by equality.
//!
//! Standalone on purpose: the fuzz targets in `fuzz/` include this file with `#[path]`.

use std::cell::RefCell;
use std::collections::BTreeSet;

use html5ever::tendril::StrTendril;
use html5ever::tokenizer::states::RawKind;
use html5ever::tokenizer::{
    BufferQueue, CharacterTokens, StartTag, Tag, TagToken, Token, TokenSink, TokenSinkResult,
    Tokenizer,
};

/// Elements that run script, load a document, or change where links and forms go.
const ACTIVE_ELEMENTS: [&str; 14] = [
    "script", "iframe", "frame", "frameset", "object", "embed", "applet", "base", "form", "style",
    "portal", "noscript", "template", "math",
];

/// Attributes whose value is a URL a browser may load or navigate to.
const URL_ATTRIBUTES: [&str; 17] = [
    "href",
    "src",
    "action",
    "formaction",
    "xlink:href",
    "poster",
    "data",
    "background",
    "cite",
    "srcset",
    "ping",
    "lowsrc",
    "dynsrc",
    "manifest",
    "codebase",
    "archive",
    "longdesc",
];

/// Schemes that run code or carry a whole document.
const ACTIVE_SCHEMES: [&str; 3] = ["javascript:", "vbscript:", "data:"];

/// Active content in an HTML document, one description per occurrence.
pub fn html(text: &str) -> Vec<String> {
    /// Findings, and the text of the JSON `<script>` being read, if any.
    struct Sink(RefCell<(Vec<String>, Option<String>)>);
    impl TokenSink for Sink {
        type Handle = ();
        fn process_token(&self, token: Token, _line: u64) -> TokenSinkResult<()> {
            let mut state = self.0.borrow_mut();
            let tag = match token {
                TagToken(tag) => tag,
                CharacterTokens(text) => {
                    if let Some(json) = &mut state.1 {
                        json.push_str(&text);
                    }
                    return TokenSinkResult::Continue;
                }
                _ => return TokenSinkResult::Continue,
            };
            if tag.kind != StartTag {
                // Data in a JSON script must still be JSON where the script ends: a
                // `</script>` inside a value would end it early.
                if &*tag.name == "script"
                    && let Some(json) = state.1.take()
                    && let Err(e) = serde_json::from_str::<serde_json::Value>(&json)
                {
                    state.0.push(format!("JSON script cut short: {e}"));
                }
                return TokenSinkResult::Continue;
            }
            state.0.extend(tag_findings(&tag));
            if &*tag.name == "script"
                && tag.attrs.iter().any(|a| {
                    qualified(a) == "type" && a.value.to_ascii_lowercase().contains("json")
                })
            {
                state.1 = Some(String::new());
            }
            // Switch states the way a browser's tree builder would, so a script's or a
            // style's text is not read as markup (and markup inside a title is).
            match &*tag.name {
                "script" => TokenSinkResult::RawData(RawKind::ScriptData),
                "style" | "xmp" | "iframe" | "noembed" | "noframes" => {
                    TokenSinkResult::RawData(RawKind::Rawtext)
                }
                "textarea" | "title" => TokenSinkResult::RawData(RawKind::Rcdata),
                "plaintext" => TokenSinkResult::Plaintext,
                _ => TokenSinkResult::Continue,
            }
        }
    }
    let input = BufferQueue::default();
    input.push_back(StrTendril::from_slice(text));
    let tokenizer = Tokenizer::new(Sink(RefCell::new((Vec::new(), None))), Default::default());
    let _ = tokenizer.feed(&input);
    tokenizer.end();
    tokenizer.sink.0.take().0
}

fn tag_findings(tag: &Tag) -> Vec<String> {
    let mut found = Vec::new();
    let name = tag.name.to_ascii_lowercase().to_string();
    let shown = show_tag(tag);
    if ACTIVE_ELEMENTS.contains(&name.as_str()) {
        found.push(format!("<{name}> element: {shown}"));
    }
    if name == "meta" && tag.attrs.iter().any(|a| qualified(a) == "http-equiv") {
        found.push(format!("<meta http-equiv>: {shown}"));
    }
    for a in &tag.attrs {
        let attr = qualified(a);
        let value: &str = &a.value;
        if attr.starts_with("on") {
            found.push(format!("event handler `{attr}`: {shown}"));
        }
        if attr == "srcdoc" {
            found.push(format!("`srcdoc` document: {shown}"));
        }
        if attr == "style" && css_is_active(value) {
            found.push(format!("active CSS in `style`: {shown}"));
        }
        if URL_ATTRIBUTES.contains(&attr.as_str()) {
            let urls: Vec<&str> = if attr == "srcset" {
                value.split(',').collect()
            } else {
                vec![value]
            };
            if urls.into_iter().any(url_is_active) {
                found.push(format!("active URL in `{attr}`: {shown}"));
            }
        }
        if name == "meta" && attr == "content" && value.to_ascii_lowercase().contains("url=") {
            found.push(format!("<meta> redirect: {shown}"));
        }
    }
    found
}

fn qualified(a: &html5ever::Attribute) -> String {
    match &a.name.prefix {
        Some(p) => format!("{}:{}", &**p, &*a.name.local).to_ascii_lowercase(),
        None => a.name.local.to_ascii_lowercase().to_string(),
    }
}

fn show_tag(tag: &Tag) -> String {
    let mut s = format!("<{}", &*tag.name);
    for a in &tag.attrs {
        s.push_str(&format!(" {}=\"{}\"", qualified(a), &*a.value));
    }
    s.push('>');
    truncate(&s, 300)
}

fn truncate(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        format!("{}…", s.chars().take(max).collect::<String>())
    }
}

/// Whether a browser would treat `url` as one of [`ACTIVE_SCHEMES`]. As the URL standard
/// parses: leading and trailing C0 controls and spaces go, every tab and newline goes, then
/// the scheme is read (another control character inside it makes the URL relative).
pub fn url_is_active(url: &str) -> bool {
    let c0_or_space = |c: char| c <= ' ';
    let squeezed: String = url
        .trim_matches(c0_or_space)
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .collect::<String>()
        .to_ascii_lowercase();
    ACTIVE_SCHEMES.iter().any(|s| squeezed.starts_with(s))
}

fn css_is_active(css: &str) -> bool {
    let css: String = css
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_ascii_lowercase();
    css.contains("expression(")
        || css.contains("javascript:")
        || css.contains("url(")
        || css.contains("@import")
        || css.contains("behavior:")
}

/// Elements an Atom feed or a sitemap of Passerelle may contain.
const XML_ELEMENTS: [&str; 16] = [
    "feed",
    "title",
    "subtitle",
    "link",
    "id",
    "updated",
    "published",
    "author",
    "name",
    "generator",
    "entry",
    "summary",
    "category",
    "urlset",
    "url",
    "loc",
];

/// Problems of an XML file: not well-formed (by a real parser), an element a feed or a
/// sitemap does not have (an injected `<script>`), a link that is not http(s), a text
/// construct a feed reader would render as HTML, a raw `]]>`.
pub fn xml(text: &str) -> Vec<String> {
    let mut found = Vec::new();
    let doc = match roxmltree::Document::parse(text) {
        Ok(d) => d,
        Err(e) => return vec![format!("not well-formed XML: {e}")],
    };
    if text.contains("]]>") {
        found.push("raw `]]>` (outside any CDATA section)".to_string());
    }
    for node in doc.descendants().filter(roxmltree::Node::is_element) {
        let name = node.tag_name().name();
        if !(XML_ELEMENTS.contains(&name) || name == "lastmod") {
            found.push(format!("unexpected element <{name}>"));
        }
        for a in node.attributes() {
            if a.name().to_ascii_lowercase().starts_with("on") {
                found.push(format!("event handler `{}` on <{name}>", a.name()));
            }
            if a.name() == "href"
                && !(a.value().starts_with("https://") || a.value().starts_with("http://"))
            {
                found.push(format!("non-http(s) link on <{name}>: {}", a.value()));
            }
            if a.name() == "type" && matches!(a.value(), "html" | "xhtml") {
                found.push(format!("<{name} type=\"{}\"> is read as HTML", a.value()));
            }
        }
        if matches!(name, "loc" | "id")
            && let Some(t) = node.text()
            && !(t.starts_with("https://") || t.starts_with("http://"))
        {
            found.push(format!(
                "<{name}> is not an http(s) URL: {}",
                truncate(t, 100)
            ));
        }
    }
    found
}

/// Properties an iCalendar file of Passerelle may have.
const ICS_PROPERTIES: [&str; 16] = [
    "BEGIN",
    "END",
    "VERSION",
    "PRODID",
    "CALSCALE",
    "METHOD",
    "X-WR-CALNAME",
    "UID",
    "DTSTAMP",
    "DTSTART",
    "DTEND",
    "SUMMARY",
    "DESCRIPTION",
    "LOCATION",
    "URL",
    "STATUS",
];

const ICS_TEXT_PROPERTIES: [&str; 4] = ["SUMMARY", "DESCRIPTION", "LOCATION", "X-WR-CALNAME"];

/// Problems of an iCalendar file (RFC 5545): a line ended otherwise than by CRLF, a
/// property that was not written by Passerelle (a line broken by a newline in a value),
/// an unbalanced BEGIN/END, a TEXT value with an unescaped `,` `;` or `\`.
/// Also returns how many events the file has.
pub fn ics(text: &str) -> (Vec<String>, usize) {
    let mut found = Vec::new();
    let bytes = text.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        let bad = match b {
            b'\n' => i == 0 || bytes[i - 1] != b'\r',
            b'\r' => bytes.get(i + 1) != Some(&b'\n'),
            _ => false,
        };
        if bad {
            found.push(format!("bare CR or LF at byte {i}"));
        }
    }
    if !text.ends_with("\r\n") {
        found.push("the last line does not end with CRLF".to_string());
    }
    let unfolded = text.replace("\r\n ", "").replace("\r\n\t", "");
    let mut stack: Vec<&str> = Vec::new();
    let mut events = 0;
    for line in unfolded.split("\r\n").filter(|l| !l.is_empty()) {
        let Some(end) = line.find([':', ';']) else {
            found.push(format!("not a property line: {}", truncate(line, 100)));
            continue;
        };
        let (name, value) = (&line[..end], &line[end + 1..]);
        if !ICS_PROPERTIES.contains(&name) {
            found.push(format!(
                "unknown property `{name}`: {}",
                truncate(line, 100)
            ));
        }
        if name == "BEGIN" {
            events += usize::from(value == "VEVENT");
            stack.push(value);
        } else if name == "END" && stack.pop() != Some(value) {
            found.push(format!("END:{value} closes nothing open"));
        }
        if ICS_TEXT_PROPERTIES.contains(&name) {
            let mut chars = value.chars();
            while let Some(c) = chars.next() {
                let escaped = c == '\\';
                if escaped && !matches!(chars.next(), Some('\\' | ';' | ',' | 'n' | 'N')) {
                    found.push(format!("bad escape in {name}"));
                } else if c == ',' || c == ';' {
                    found.push(format!("unescaped `{c}` in {name}"));
                }
            }
        }
    }
    if !stack.is_empty() {
        found.push(format!("never closed: {stack:?}"));
    }
    (found, events)
}

/// Findings for one output file, chosen by its extension; files of other kinds (CSS, the
/// search index's data) are the caller's business.
pub fn file(path: &str, bytes: &[u8]) -> Vec<String> {
    let Ok(text) = std::str::from_utf8(bytes) else {
        return if path.ends_with(".html") || path.ends_with(".xml") || path.ends_with(".ics") {
            vec!["not UTF-8".to_string()]
        } else {
            Vec::new()
        };
    };
    if path.ends_with(".html") {
        html(text)
    } else if path.ends_with(".xml") {
        xml(text)
    } else if path.ends_with(".ics") {
        ics(text).0
    } else if path.ends_with(".json") {
        match serde_json::from_str::<serde_json::Value>(text) {
            Ok(_) => Vec::new(),
            Err(e) => vec![format!("not valid JSON: {e}")],
        }
    } else {
        Vec::new()
    }
}

/// Findings of `files` (path → bytes) that are not in `allowed`, as `path: finding`.
pub fn tree<'a>(
    files: impl IntoIterator<Item = (&'a String, &'a Vec<u8>)>,
    allowed: &BTreeSet<String>,
) -> Vec<String> {
    let mut out = Vec::new();
    for (path, bytes) in files {
        for f in file(path, bytes) {
            if !allowed.contains(&f) {
                out.push(format!("{path}: {f}"));
            }
        }
    }
    out
}

/// Every finding of `files`, without paths: what a clean build of the theme already has.
pub fn baseline<'a>(
    files: impl IntoIterator<Item = (&'a String, &'a Vec<u8>)>,
) -> BTreeSet<String> {
    files
        .into_iter()
        .flat_map(|(path, bytes)| file(path, bytes))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_what_a_browser_would_run() {
        let page = r#"<p>ok &lt;script&gt;</p><title><script>x</title>
<img src=x onerror=alert(1)><a href="&#106;ava&#x09;script&colon;alert(1)">a</a>
<script>document.write("<img src=x onerror=1>")</script><iframe src="data:text/html,x"><b onclick=x></iframe>
<div style="background:url(javascript:alert(1))"></div><svg><a xlink:href="javascript:1">s</a></svg>"#;
        let found = html(page);
        let kinds: Vec<&str> = found
            .iter()
            .map(|f| f.split(':').next().unwrap_or(""))
            .collect();
        assert_eq!(
            kinds,
            [
                "event handler `onerror`",
                "active URL in `href`",
                "<script> element",
                "<iframe> element",
                "active URL in `src`",
                "active CSS in `style`",
                "active URL in `xlink",
            ],
            "{found:#?}"
        );
    }

    #[test]
    fn urls_are_read_the_way_browsers_read_them() {
        for active in [
            "javascript:x",
            " \u{1}JavaScript:x",
            "java\tscr\nipt:x",
            "data:text/html,x",
            "VBScript:x",
        ] {
            assert!(url_is_active(active), "{active:?}");
        }
        for inert in [
            "javascrip\u{19}t:x",
            "/javascript:x",
            "https://x.org/?javascript:x",
            "#data:x",
        ] {
            assert!(!url_is_active(inert), "{inert:?}");
        }
    }

    #[test]
    fn clean_markup_has_no_findings() {
        let page = r#"<!doctype html><html lang="en"><head><title>a &lt;script&gt;</title></head>
<body><a href="https://example.org/?q=javascript:x">javascript:alert(1)</a>
<img src="/x.png" alt="onerror=alert(1)"><p title="&quot;><script>">text</p></body></html>"#;
        assert_eq!(html(page), Vec::<String>::new());
    }

    #[test]
    fn a_json_script_cut_short_is_found() {
        let page = r#"<script type="application/json">{"a": "</script><b>"}</script>"#;
        let found = html(page);
        assert!(
            found.iter().any(|f| f.starts_with("JSON script cut short")),
            "{found:?}"
        );
        let whole = r#"<script type="application/json">{"a": "\u003c/script>"}</script>"#;
        assert_eq!(html(whole).len(), 1, "only the script element itself");
    }

    #[test]
    fn ics_lines_and_escapes() {
        let good = "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nSUMMARY:a\\, b\\; c\\n\r\n d\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
        assert_eq!(ics(good), (Vec::new(), 1));
        let bad = "BEGIN:VCALENDAR\r\nSUMMARY:a\nX-EVIL:1\r\nEND:VCALENDAR\r\n";
        let (found, _) = ics(bad);
        assert!(
            found.iter().any(|f| f.starts_with("bare CR or LF")),
            "{found:?}"
        );
    }

    #[test]
    fn xml_needs_a_real_parse() {
        assert!(xml("<feed><title>a</feed>")[0].starts_with("not well-formed"));
        let found = xml("<feed><script>x</script><link href=\"javascript:x\"/></feed>");
        assert_eq!(found.len(), 2, "{found:?}");
    }
}
