//! Hostile content cannot inject anything into any output file (issue 9, "Injection").
//!
//! One site puts a script, an event handler, `javascript:` and `data:` URLs, a `"><script>`
//! and a `</script>` breakout, `]]>` and CR/LF into every field an author controls — front
//! matter of every kind, `_index` text, site.toml labels — and every Markdown construct
//! that can carry a URL or raw HTML. With the default `raw_html = "sanitize"` it must build,
//! and [`scan`](crate::scan) must find nothing active in any file (HTML, Atom, sitemap,
//! `.ics`, search data) that a clean build of the same site does not also have (the theme's
//! own script tags, search form and `data:` icon). Each field's marker must reach some
//! output, so a field the theme stops showing is noticed rather than silently "safe".
//!
//! URLs an author gives for registration and sources must be http(s): the others are
//! refused with a diagnostic at their line.

use std::collections::{BTreeMap, BTreeSet};

use crate::harness::{TestSite, errors};
use crate::scan;

/// The attack string for one field: every vector at once, and a marker to find it by.
fn attack(field: &str) -> String {
    format!(
        "MARK_{field} <script>alert('{field}')</script><img src=x onerror=alert(1)> \
         javascript:alert(1) data:text/html,<script>alert(2)</script> \"><script>alert(3)</script> \
         '><svg onload=alert(4)> </script><script>alert(5)</script> ]]> --> <!-- <![CDATA[ x \
         \r\nBEGIN:VEVENT\r\nX-INJECTED:{field}\nSUMMARY:injected; a, b\\ \r \
         &#x3C;script&#x3E; &lt;b&gt; {{{{ page }}}} « guillemets » ?"
    )
}

/// A harmless value with the same marker, for the clean build.
fn plain(field: &str) -> String {
    format!("MARK_{field} plain words")
}

/// A URL `is_http_url` accepts that still tries to leave its attribute and carries a
/// `javascript:` further on.
fn attack_url(field: &str) -> String {
    format!("https://example.org/r?q='onmouseover='alert(1)'&u=javascript:alert(1)&m=MARK_{field}")
}

fn plain_url(field: &str) -> String {
    format!("https://example.org/r?m=MARK_{field}")
}

/// Markdown with raw HTML: goes through the sanitizer.
const RAW_BODY: &str = r#"Body MARK_body_raw of the page.

<script>alert('raw')</script>

<img src=x onerror=alert(1) alt="x">

<p onclick="alert(1)" style="background:url(javascript:alert(1))">styled</p>
<a href="javascript:alert(1)">raw js link</a> <a href="JaVaScRiPt&#58;alert(1)">entity</a> <a href="&#x6A;avascript:alert(1)">hex</a>
<iframe src="data:text/html,<script>alert(1)</script>"></iframe>
<svg><script>alert(1)</script><a xlink:href="javascript:alert(1)">svg</a></svg>
<math><mtext><table><mglyph><style><img src=x onerror=alert(1) alt="x"></style></mglyph></table></mtext></math>
<form action="javascript:alert(1)"><button formaction="javascript:alert(1)">x</button></form>
<object data="javascript:alert(1)"></object><embed src="javascript:alert(1)">
<base href="javascript:alert(1)//">
<meta http-equiv="refresh" content="0;url=javascript:alert(1)">
<noscript><p title="</noscript><img src=x onerror=alert(1) alt=x>"></noscript>
<style>@import 'javascript:alert(1)';</style>
<img srcset="x 1x, javascript:alert(1) 2x" src="/ok.png" alt="ok">
<div><iframe srcdoc="<script>alert(1)</script>"></iframe></div>
</script><script>alert('breakout')</script>
]]> --> <!-- 

A line with a bare CR here:X-INJECTED:1 and a heading with attributes below.

## Sanitized heading {#h onclick=alert(1) style=background:url(javascript:alert(1))}

[js link](javascript:alert(1)) [raw-page link](data:text/html,<script>alert(1)</script>)

Footnote[^x].

[^x]: <script>alert('footnote')</script> [fn link](javascript:alert(1))
"#;

/// Markdown without raw HTML: links and images only meet the URL filter, not the sanitizer.
const MD_BODY: &str = r#"Body MARK_body_md of the page, Markdown only.

[js link](javascript:alert(1)) [upper](JAVASCRIPT:alert(1) "title") [tab](java&#x09;script:alert(1))
[entity](&#106;avascript:alert(1)) [colon](javascript&colon;alert(1)) [vb](vbscript:msgbox(1))
[data](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==) [spaces]( javascript:alert(1) )
[newline](<java
script:alert(1)>) [nul](java&#0;script:alert(1)) [file](file:///etc/passwd)
[quote title](https://example.org "\"><script>alert(1)</script>")
![img](javascript:alert(1)) ![svg](data:image/svg+xml,<svg/onload=alert(1)>) ![alt "><script>](/x.png)
<javascript:alert(1)> <data:text/html,alert(1)> <vbscript:x> <JAVASCRIPT:alert(1)>

[reference][r1] ![reference image][r2] [collapsed][] [shortcut]

[r1]: javascript:alert(1)
[r2]: data:text/html,<script>alert(1)</script> "t"
[collapsed]: JavaScript:alert(1)
[shortcut]: &#x6A;avascript:alert(1)

[cross-language link](@/pages/english-only#"><script>alert(1)</script>)
[same-language link](@/case-studies/hostile#"onmouseover="alert(1))
[to a page](@/pages/hostile "\"><script>alert(1)</script>")

Footnote[^y] « entre guillemets » : oui ?

[^y]: [fn link](javascript:alert(1)) ]]> --> <!--

| a | b |
|---|---|
| `<script>alert(1)</script>` | [t](javascript:alert(1)) |

`<script>alert('code')</script>`

    <script>alert('indented')</script>

```html
</script><script>alert('fenced')</script>
```

## Heading MARK_heading {#x"onclick="alert(1) .y"z}
"#;

const BENIGN_BODY: &str = "Body MARK_body_raw MARK_body_md of the page.\n\n[a link](https://example.org) and [another page](@/pages/hostile).\n\n## Heading MARK_heading\n";

/// Every author-controlled field of the site, with the value to give it.
struct Values {
    hostile: bool,
}

impl Values {
    fn text(&self, field: &str) -> String {
        if self.hostile {
            attack(field)
        } else {
            plain(field)
        }
    }

    /// As a YAML (and TOML) double-quoted string: JSON strings are both.
    fn q(&self, field: &str) -> String {
        json(&self.text(field))
    }

    fn url(&self, field: &str) -> String {
        json(&if self.hostile {
            attack_url(field)
        } else {
            plain_url(field)
        })
    }

    fn body(&self, raw: bool) -> &'static str {
        match (self.hostile, raw) {
            (false, _) => BENIGN_BODY,
            (true, true) => RAW_BODY,
            (true, false) => MD_BODY,
        }
    }
}

fn json(s: &str) -> String {
    serde_json::to_string(s).expect("a string serializes")
}

/// Fields whose marker must reach at least one output file.
const RENDERED_FIELDS: &[&str] = &[
    "site_title",
    "site_description",
    "section_title",
    "taxonomy_title",
    "term_label",
    "home_title",
    // Not "home_summary": the theme shows a home page's summary nowhere.
    "section_index_title",
    "section_index_summary",
    "title",
    "summary",
    "authors",
    "partner_name",
    "partner_sector",
    "source_title",
    "source_url",
    "issued_by",
    "location_name",
    "question",
    "registration",
    "body_raw",
    "body_md",
    "heading",
];

fn site_toml(v: &Values) -> String {
    let q = |f: &str| v.q(f);
    format!(
        r#"title = {{ en = {t}, fr = {t} }}
description = {{ en = {d}, fr = {d} }}
base_url = "https://example.org"
default_language = "en"
languages = ["en", "fr"]

[markdown]
raw_html = "sanitize"
french_typography = true

[sections.case-studies]
kind = "case-study"
title = {{ en = {s}, fr = {s} }}
slug = {{ en = "case-studies", fr = "etudes-de-cas" }}

[sections.lessons]
kind = "lesson"
title = {s}

[sections.recommendations]
kind = "recommendation"
title = {s}

[sections.forums]
kind = "forum"
title = {s}

[sections.pages]
kind = "page"
title = {s}

[taxonomies.cities]
role = "place"
title = {{ en = {x}, fr = {x} }}
[taxonomies.cities.terms]
montreal = {{ en = {l}, fr = {l} }}

[taxonomies.audiences]
role = "audience"
title = {x}
[taxonomies.audiences.terms]
settlement-agencies = {l}

[extra]
analytics = {e}
"#,
        t = q("site_title"),
        d = q("site_description"),
        s = q("section_title"),
        x = q("taxonomy_title"),
        l = q("term_label"),
        e = q("site_extra"),
    )
}

/// Front matter common to every kind, then the kind's own lines.
fn page(v: &Values, kind_lines: &str, raw_body: bool) -> String {
    format!(
        "---\ntitle: {title}\nsummary: {summary}\ndate: 2024-03-01\nauthors: [{author}, \"javascript:alert(1)\"]\nextra:\n  note: {extra}\n  nested: {{list: [{extra}]}}\n{kind_lines}---\n\n{body}",
        title = v.q("title"),
        summary = v.q("summary"),
        author = v.q("authors"),
        extra = v.q("extra"),
        body = v.body(raw_body),
    )
}

fn index(v: &Values, prefix: &str, raw_body: bool) -> String {
    format!(
        "---\ntitle: {}\nsummary: {}\nextra: {{note: {}}}\n---\n\n{}",
        v.q(&format!("{prefix}_title")),
        v.q(&format!("{prefix}_summary")),
        v.q("extra"),
        v.body(raw_body),
    )
}

/// Writes the whole site with hostile or plain values.
fn write_site(site: &TestSite, hostile: bool) {
    let v = Values { hostile };
    site.write("site.toml", site_toml(&v));
    for lang in ["", ".fr"] {
        site.write(&format!("content/_index{lang}.md"), index(&v, "home", true));
        for (i, section) in [
            "case-studies",
            "lessons",
            "recommendations",
            "forums",
            "pages",
        ]
        .iter()
        .enumerate()
        {
            site.write(
                &format!("content/{section}/_index{lang}.md"),
                index(&v, "section_index", i % 2 == 0),
            );
        }
        let case = format!(
            "period: {{start: 2020-03, end: 2021-12}}\nstatus: ended\npartners:\n  - {{name: {}, sector: {}}}\n  - {}\nsources:\n  - {{title: {}, url: {}, year: 2021}}\ncities: [montreal]\n",
            v.q("partner_name"),
            v.q("partner_sector"),
            v.q("partner_name"),
            v.q("source_title"),
            v.url("source_url"),
        );
        site.write(
            &format!("content/case-studies/hostile{lang}.md"),
            page(&v, &case, true),
        );
        let lesson = format!(
            "evidence: [case-studies/hostile]\nsources:\n  - {{title: {}, url: {}}}\n",
            v.q("source_title"),
            v.url("source_url"),
        );
        site.write(
            &format!("content/lessons/hostile{lang}.md"),
            page(&v, &lesson, false),
        );
        let rec = format!(
            "evidence: [case-studies/hostile]\naudiences: [settlement-agencies]\nstatus: endorsed\nissued_by: {}\nsources:\n  - {{title: {}, url: {}}}\n",
            v.q("issued_by"),
            v.q("source_title"),
            v.url("source_url"),
        );
        site.write(
            &format!("content/recommendations/hostile{lang}.md"),
            page(&v, &rec, false),
        );
        let forum = format!(
            "starts: 2099-03-12T13:00:00-05:00\nends: 2099-03-12T16:30:00-05:00\nlocation: {{name: {}, city: montreal}}\nlanguages: [en, fr]\ncases: [case-studies/hostile]\nquestions:\n  - {}\n  - {}\nregistration: {}\ncities: [montreal]\n",
            v.q("location_name"),
            v.q("question"),
            v.q("question"),
            v.url("registration"),
        );
        site.write(
            &format!("content/forums/hostile{lang}.md"),
            page(&v, &forum, true),
        );
        site.write(
            &format!("content/pages/hostile{lang}.md"),
            page(&v, "", false),
        );
    }
    // A page in one language, so French links to it are written by hand with `hreflang`.
    site.write("content/pages/english-only.md", page(&v, "", true));
}

/// Builds the site (must succeed) and returns `public/`.
fn build(hostile: bool) -> BTreeMap<String, Vec<u8>> {
    let site = TestSite::empty();
    write_site(&site, hostile);
    site.build_ok();
    site.tree("public")
}

/// What the theme itself puts in a clean build; checked to be only that, so the allow-list
/// cannot hide an injection.
fn theme_baseline() -> BTreeSet<String> {
    clean_build().1
}

/// The clean build's files, and what the theme itself puts in them.
fn clean_build() -> (BTreeMap<String, Vec<u8>>, BTreeSet<String>) {
    let clean = build(false);
    let baseline = scan::baseline(&clean);
    let theme_own = [
        "<script> element: <script src=\"/search/search.js\" defer=\"\">",
        // The search page reserves its first screen for results before they arrive (issue 20).
        "<script> element: <script data-search-reserve=\"\">",
        // Its labels, as JSON that `scan` checks is still whole where the script ends.
        "<script> element: <script type=\"application/json\" data-search-labels=\"\">",
        "<form> element: <form",
        "<noscript> element: <noscript>",
        "active URL in `href`: <link rel=\"icon\" href=\"data:image/svg+xml,",
    ];
    for f in &baseline {
        assert!(
            theme_own.iter().any(|t| f.starts_with(t)),
            "a clean build already has active content the theme does not explain: {f}"
        );
    }
    (clean, baseline)
}

/// Every row of the search form's metadata chunks (`search/*/LANG/mN.bin`, deflated JSON),
/// each checked to be JSON.
fn search_rows(files: &BTreeMap<String, Vec<u8>>) -> Vec<serde_json::Value> {
    use std::io::Read as _;
    let mut rows = Vec::new();
    for (path, bytes) in files {
        let name = path.rsplit('/').next().unwrap_or("");
        if !(path.starts_with("search/") && name.starts_with('m') && name.ends_with(".bin")) {
            continue;
        }
        let mut json = String::new();
        flate2::read::DeflateDecoder::new(bytes.as_slice())
            .read_to_string(&mut json)
            .unwrap_or_else(|e| panic!("{path} is not deflated text: {e}"));
        let value: serde_json::Value =
            serde_json::from_str(&json).unwrap_or_else(|e| panic!("{path} is not JSON: {e}"));
        rows.extend(value.as_array().cloned().unwrap_or_default());
    }
    assert!(!rows.is_empty(), "no search metadata found under search/");
    rows
}

fn unfolded(path: &str, bytes: &[u8]) -> String {
    let text = String::from_utf8_lossy(bytes);
    if path.ends_with(".ics") {
        text.replace("\r\n ", "")
    } else {
        text.into_owned()
    }
}

#[test]
fn hostile_fields_inject_nothing_into_any_output_format() {
    let (clean, baseline) = clean_build();
    let files = build(true);

    // Every format is there, so every format was checked.
    for (what, found) in [
        (
            "HTML pages",
            files.keys().filter(|p| p.ends_with(".html")).count(),
        ),
        (
            "Atom feeds",
            files.keys().filter(|p| p.ends_with("atom.xml")).count(),
        ),
        ("a sitemap", usize::from(files.contains_key("sitemap.xml"))),
        (
            "calendars",
            files.keys().filter(|p| p.ends_with(".ics")).count(),
        ),
    ] {
        assert!(found > 0, "the hostile build has no {what}");
    }

    let findings = scan::tree(&files, &baseline);
    assert!(
        findings.is_empty(),
        "{} injections got through:\n{}",
        findings.len(),
        findings.join("\n")
    );

    // The static search form: its metadata rows (deflated JSON) hold the hostile titles as
    // data, and the URLs that search.js turns into links are the site's own paths.
    let rows = search_rows(&files);
    assert!(
        rows.iter().any(|r| r.to_string().contains("MARK_title")),
        "the search index has none of the hostile titles"
    );
    for row in &rows {
        let url = row.get(1).and_then(serde_json::Value::as_str).unwrap_or("");
        assert!(
            url.starts_with('/') && !scan::url_is_active(url),
            "search row with URL {url:?}: {row}"
        );
    }

    // Scripts and styles are the theme's, whatever the content.
    for (path, bytes) in files
        .iter()
        .filter(|(p, _)| p.ends_with(".js") || p.ends_with(".css"))
    {
        assert!(
            clean.get(path) == Some(bytes),
            "{path} differs from the clean build's"
        );
    }

    // Each calendar has exactly the forum's event: no VEVENT smuggled in through a value.
    for (path, bytes) in files.iter().filter(|(p, _)| p.ends_with(".ics")) {
        let (_, events) = scan::ics(&String::from_utf8_lossy(bytes));
        assert_eq!(events, 1, "{path} has {events} events");
    }

    // The hostile text did reach the output (escaped): the checks above were not vacuous.
    let all: Vec<String> = files.iter().map(|(p, b)| unfolded(p, b)).collect();
    let missing: Vec<&&str> = RENDERED_FIELDS
        .iter()
        .filter(|f| !all.iter().any(|text| text.contains(&format!("MARK_{f}"))))
        .collect();
    assert!(missing.is_empty(), "fields shown nowhere: {missing:?}");
    for format in [
        "en/atom.xml",
        "en/forums/calendar.ics",
        "en/forums/hostile/event.ics",
    ] {
        let text = unfolded(format, &files[format]);
        assert!(text.contains("MARK_title"), "{format} lost the title");
    }
}

#[test]
fn a_clean_build_of_the_hostile_site_shape_has_only_the_themes_active_content() {
    // Guards the allow-list itself (see `theme_baseline`).
    let baseline = theme_baseline();
    assert!(!baseline.is_empty());
}

/// A forum file with `registration: URL`.
fn forum_with_registration(url: &str) -> String {
    format!(
        "---\ntitle: Forum\nsummary: S\ndate: 2024-03-01\nstarts: 2099-03-12T13:00:00-05:00\nonline: true\nregistration: {}\n---\n\nBody.\n",
        json(url)
    )
}

fn case_with_source(url: &str) -> String {
    format!(
        "---\ntitle: Case\nsummary: S\ndate: 2024-03-01\nsources:\n  - {{title: Report, url: {}, year: 2021}}\n---\n\nBody.\n",
        json(url)
    )
}

/// URLs that are not http(s), or that would leave their attribute.
const BAD_URLS: &[&str] = &[
    "javascript:alert(1)",
    " javascript:alert(1)",
    "JAVASCRIPT:alert(1)",
    "java\tscript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "vbscript:msgbox(1)",
    "file:///etc/passwd",
    "//evil.example/x",
    "/relative/path",
    "https://example.org/\"><script>alert(1)</script>",
    "https://example.org/\" onmouseover=\"alert(1)",
    "https://example.org/a\nb",
    "https://example.org/a\r\nX-INJECTED:1",
    "https://",
    "http:/example.org",
    "mailto:someone@example.org",
];

#[test]
fn registration_and_source_urls_must_be_http_or_https() {
    let site = TestSite::empty();
    site.write("site.toml", base_toml());
    site.write("content/_index.md", "---\ntitle: Home\n---\n");
    site.write("content/_index.fr.md", "---\ntitle: Accueil\n---\n");
    for (i, url) in BAD_URLS.iter().enumerate() {
        site.write(
            &format!("content/forums/f{i:02}.md"),
            forum_with_registration(url),
        );
        site.write(
            &format!("content/case-studies/c{i:02}.md"),
            case_with_source(url),
        );
    }
    let run = site.build();
    run.assert_code(1);
    let errs = errors(&run.stderr());
    for (i, url) in BAD_URLS.iter().enumerate() {
        // At the value's line, or its field's when YAML escapes hide the value's text.
        for (file, lines, message) in [
            (
                format!("content/forums/f{i:02}.md"),
                [7, 7],
                "`registration` must be an http(s) address",
            ),
            (
                format!("content/case-studies/c{i:02}.md"),
                [5, 6],
                "a source `url` must be an http(s) address",
            ),
        ] {
            let here: Vec<&String> = errs
                .iter()
                .filter(|d| d.starts_with(&format!("{file}:")))
                .collect();
            assert!(
                here.len() == 1
                    && lines
                        .iter()
                        .any(|l| here[0].starts_with(&format!("{file}:{l}:")))
                    && here[0].contains(message),
                "{url:?} in {file}: expected one error at line {lines:?} saying {message:?}, got {here:#?}"
            );
        }
    }
    assert!(
        !site.path("public").exists(),
        "a failed build wrote public/"
    );
}

#[test]
fn good_http_urls_are_accepted() {
    let site = TestSite::empty();
    site.write("site.toml", base_toml());
    site.write("content/_index.md", "---\ntitle: Home\n---\n");
    site.write("content/_index.fr.md", "---\ntitle: Accueil\n---\n");
    for (i, url) in [
        "https://example.org/register",
        "http://example.org/a?b=c&d=e#f",
        "HTTPS://EXAMPLE.ORG/X",
    ]
    .iter()
    .enumerate()
    {
        site.write(
            &format!("content/forums/f{i}.md"),
            forum_with_registration(url),
        );
        site.write(
            &format!("content/case-studies/c{i}.md"),
            case_with_source(url),
        );
    }
    site.build_ok();
}

fn base_toml() -> &'static str {
    r#"title = "Hostile"
base_url = "https://example.org"
default_language = "en"
languages = ["en", "fr"]
[sections.case-studies]
kind = "case-study"
title = "Case studies"
[sections.forums]
kind = "forum"
title = "Forums"
[sections.pages]
kind = "page"
title = "Pages"
[taxonomies.cities]
role = "place"
title = "Cities"
[taxonomies.cities.terms]
montreal = "Montreal"
"#
}

#[test]
fn hostile_slugs_and_terms_are_refused() {
    let site = TestSite::empty();
    site.write("site.toml", base_toml());
    site.write("content/_index.md", "---\ntitle: Home\n---\n");
    site.write("content/_index.fr.md", "---\ntitle: Accueil\n---\n");
    let values = [
        "\"><script>alert(1)</script>",
        "javascript:alert(1)",
        "../../etc",
        "a/b",
        "x\r\ny",
    ];
    for (i, v) in values.iter().enumerate() {
        site.write(
            &format!("content/pages/s{i}.md"),
            format!(
                "---\ntitle: T\nsummary: S\ndate: 2024-03-01\nslug: {}\n---\n",
                json(v)
            ),
        );
        site.write(
            &format!("content/pages/t{i}.md"),
            format!(
                "---\ntitle: T\nsummary: S\ndate: 2024-03-01\ncities: [{}]\n---\n",
                json(v)
            ),
        );
    }
    let run = site.build();
    run.assert_code(1);
    let errs = errors(&run.stderr());
    for (i, value) in values.iter().enumerate() {
        for (file, what) in [
            (format!("s{i}"), "a slug may only contain"),
            (format!("t{i}"), "cities"),
        ] {
            assert!(
                errs.iter()
                    .any(|d| d.starts_with(&format!("content/pages/{file}.md:5:"))
                        && d.contains(what)),
                "no error for {value:?} in {file}: {errs:#?}"
            );
        }
    }
}

/// A file's name is the default slug of its page: one that is not a slug must not put
/// markup into a page, a feed or a calendar.
#[test]
fn hostile_file_names_inject_nothing() {
    let site = TestSite::empty();
    site.write("site.toml", base_toml());
    site.write("content/_index.md", "---\ntitle: Home\n---\n");
    site.write("content/_index.fr.md", "---\ntitle: Accueil\n---\n");
    for name in [
        "\"><svg onload=alert(1)>",
        "javascript:alert(1)",
        "a b'c]]>",
    ] {
        site.write(&format!("content/forums/{name}.md"), FORUM);
    }
    site.build_ok();
    let files = site.tree("public");
    let findings = scan::tree(&files, &theme_baseline());
    assert!(findings.is_empty(), "{}", findings.join("\n"));
}

const FORUM: &str = "---\ntitle: F\nsummary: S\ndate: 2024-03-01\nstarts: 2099-03-12T13:00:00-05:00\nonline: true\n---\n";

/// A line break in a file name became a line break in the calendar's UID line, which then
/// started an event of its own (found by `hostile_file_names_inject_nothing`).
#[test]
fn file_names_with_line_breaks_are_refused() {
    let site = TestSite::empty();
    site.write("site.toml", base_toml());
    site.write("content/_index.md", "---\ntitle: Home\n---\n");
    site.write("content/_index.fr.md", "---\ntitle: Accueil\n---\n");
    site.write("content/forums/x\r\nBEGIN:VEVENT.md", FORUM);
    site.write("content/forums/tab\there.md", FORUM);
    let run = site.build();
    run.assert_code(1);
    // Each at its file, whose name is printed with the line break escaped.
    let errs = errors(&run.stderr());
    assert_eq!(errs.len(), 2, "{errs:#?}");
    assert!(
        errs[0].starts_with("content/forums/tab\\u{9}here.md:1:1: error:")
            && errs[1].starts_with("content/forums/x\\u{d}\\u{a}BEGIN:VEVENT.md:1:1: error:")
            && errs.iter().all(|e| e.contains("has a control character")),
        "{errs:#?}"
    );
}

/// `# Title {onclick=…}`: pulldown-cmark's heading attributes (ENABLE_HEADING_ATTRIBUTES)
/// passed any `key=value` into the tag, and a page without raw HTML never meets the
/// sanitizer; only `{#id .class}` is kept now.
#[test]
fn heading_attributes_cannot_add_event_handlers() {
    let site = TestSite::empty();
    site.write("site.toml", base_toml());
    site.write("content/_index.md", "---\ntitle: Home\n---\n");
    site.write("content/_index.fr.md", "---\ntitle: Accueil\n---\n");
    site.write(
        "content/pages/heading.md",
        "---\ntitle: T\nsummary: S\ndate: 2024-03-01\n---\n\n# Hello {onclick=alert(1) style=background:url(javascript:alert(1))}\n\n## World {#w onmouseover=alert(2) .c}\n",
    );
    site.build_ok();
    let html = site.public("en/pages/heading/index.html");
    let findings = scan::html(&html);
    assert!(findings.is_empty(), "{}", findings.join("\n"));
}

/// Diagnostics go to a terminal (and to `serve`'s error page): a value, a field name or a
/// file name was printed with its control characters, so a line break in a value forged a
/// diagnostic line of its own and an ESC sequence reached the terminal.
#[test]
fn diagnostics_cannot_forge_lines_or_send_terminal_escapes() {
    let site = TestSite::empty();
    site.write("site.toml", base_toml());
    site.write("content/_index.md", "---\ntitle: Home\n---\n");
    site.write("content/_index.fr.md", "---\ntitle: Accueil\n---\n");
    site.write(
        "content/forums/f.md",
        format!(
            "---\ntitle: F\nsummary: S\ndate: 2024-03-01\nonline: true\nstarts: 2099-03-12T13:00:00-05:00\nregistration: {}\n{}: 1\n---\n",
            json("javascript:x\ncontent/forged.md:1:1: error: forged"),
            json("evil\u{1b}[2Jfield"),
        ),
    );
    let run = site.build();
    run.assert_code(1);
    let stderr = run.stderr();
    assert!(
        !stderr.contains('\u{1b}'),
        "an ESC reached the terminal:\n{stderr:?}"
    );
    assert!(
        !stderr.lines().any(|l| l.starts_with("content/forged.md")),
        "a value forged a diagnostic line:\n{stderr}"
    );
}

/// A taxonomy name is written into the search page as an attribute name (`data-t-NAME`):
/// with a space in it, `[taxonomies."x onmouseover=alert(1) y"]` (and a `slug` of its own,
/// so the slug check did not catch it) put an event handler on the search form.
#[test]
fn taxonomy_and_section_names_that_are_not_identifiers_are_refused() {
    let site = TestSite::empty();
    site.write(
        "site.toml",
        r#"title = "T"
base_url = "https://example.org"
default_language = "en"
languages = ["en", "fr"]
[sections."a onclick=alert(1) b"]
kind = "page"
title = "P"
slug = "p"
[taxonomies."x onmouseover=alert(1) y"]
title = "T"
slug = "t"
[taxonomies."x onmouseover=alert(1) y".terms]
a = "A"
"#,
    );
    site.write("content/_index.md", "---\ntitle: Home\n---\n");
    site.write("content/_index.fr.md", "---\ntitle: Accueil\n---\n");
    let run = site.build();
    run.assert_code(1);
    let errs = errors(&run.stderr());
    assert!(
        errs.iter()
            .any(|e| e.starts_with("site.toml:5:") && e.contains("section name")),
        "{errs:#?}"
    );
    assert!(
        errs.iter()
            .any(|e| e.starts_with("site.toml:9:") && e.contains("taxonomy name")),
        "{errs:#?}"
    );
    assert!(!site.path("public").exists());
}

/// An unclosed raw `<style>` (here in the mXSS shape of issue 18) made the sanitizer drop
/// the whole rest of the page without a word. It is now a warning at the raw HTML's line,
/// naming the first word lost.
#[test]
fn issue18_12_sanitize_never_drops_author_text_silently() {
    let site = TestSite::new("good");
    let path = "content/lessons/partnerships-last.md";
    let text = site.read(path);
    site.write(
        path,
        format!(
            "{text}\nA paragraph before.\n\n<math><mtext><table><mglyph><style>\n\nThe rest of the page, which the reader must not lose.\n"
        ),
    );
    let run = site.build();
    run.assert_code(0);
    let warning = run
        .diagnostics()
        .into_iter()
        .find(|d| d.contains("drop the text that follows"))
        .unwrap_or_else(|| panic!("no warning:\n{}", run.stderr()));
    let line = text.lines().count() + 4;
    assert!(
        warning.starts_with(&format!("{path}:{line}:29: warning:")),
        "{warning}"
    );
    assert!(warning.contains("first word dropped: The"), "{warning}");
    // It points at the `<style>` that swallowed the rest. Raw HTML that closes what it
    // opens costs no warning, scripts included.
    let clean = TestSite::new("good");
    clean.write(
        path,
        format!("{text}\n<script>alert(1)</script>\n\n<p onclick=\"x()\">kept</p>\n\nAfter.\n"),
    );
    let run = clean.build();
    run.assert_code(0);
    assert!(!run.stderr().contains("drop the text"), "{}", run.stderr());
}
