//! Regressions found while fuzzing (`fuzz/`, see its README): each test is named after what
//! the input broke, and runs the real binary on a small input that broke it.

use crate::harness::{TestSite, errors};

fn site_with(rel: &str, text: &str) -> TestSite {
    let site = TestSite::empty();
    site.write(
        "site.toml",
        r#"title = "Fuzzed"
base_url = "https://example.org"
default_language = "en"
languages = ["en", "fr"]
[sections.case-studies]
kind = "case-study"
title = "Case studies"
[sections.forums]
kind = "forum"
title = "Forums"
"#,
    );
    site.write("content/_index.md", "---\ntitle: Home\n---\n");
    site.write("content/_index.fr.md", "---\ntitle: Accueil\n---\n");
    site.write(rel, text);
    site
}

/// The "keep only the date part" help cut the value at byte 10, inside a character when
/// the value starts with wide spaces (U+3000 is three bytes): a panic (exit 101). Found
/// reading the code the front-matter target exercises, before its first run.
#[test]
fn date_given_as_a_datetime_after_wide_spaces_is_a_diagnostic_not_a_panic() {
    let site = site_with(
        "content/case-studies/d.md",
        "---\ntitle: Case\nsummary: S\ndate: \"\\u3000\\u3000\\u3000\\u30002024-03-01T10:00:00Z\"\n---\n\nBody.\n",
    );
    let run = site.build();
    run.assert_code(1);
    let errs = errors(&run.stderr());
    assert_eq!(errs.len(), 1, "{errs:#?}");
    assert!(
        errs[0].starts_with("content/case-studies/d.md:4:")
            && errs[0].contains("`date` is not a valid date")
            && errs[0].contains("`date: 2024-03-01`"),
        "{}",
        errs[0]
    );
}

/// YAML breaks lines at a lone CR (and NEL, U+2028, U+2029) too; its error lines counted
/// those, so a YAML mistake was reported at a line the file does not have (line 89 of a
/// 14-line file). Lone CRs are now line ends everywhere, and YAML errors are placed from
/// their byte offset.
#[test]
fn yaml_error_after_lone_carriage_returns_is_reported_at_a_line_of_the_file() {
    let site = site_with(
        "content/case-studies/cr.md",
        "---\ntitle: \"one\r\r\r\r\r\r\r\r\r\rtwo\"\n}\nsummary: S\n---\n",
    );
    let run = site.build();
    run.assert_code(1);
    let errs = errors(&run.stderr());
    assert_eq!(errs.len(), 1, "{errs:#?}");
    // With each lone CR a line end, `}` is on line 13.
    assert!(
        errs[0]
            .starts_with("content/case-studies/cr.md:13:1: error: front matter is not valid YAML")
            && errs[0].contains("value: }"),
        "{}",
        errs[0]
    );
}

#[test]
fn yaml_error_after_unicode_line_separators_is_reported_at_its_line() {
    let site = site_with(
        "content/case-studies/ls.md",
        "---\ntitle: \"one\u{2028}two\u{2029}three\u{85}four\"\n}\nsummary: S\n---\n",
    );
    let run = site.build();
    run.assert_code(1);
    let errs = errors(&run.stderr());
    assert_eq!(errs.len(), 1, "{errs:#?}");
    assert!(
        errs[0]
            .starts_with("content/case-studies/ls.md:3:1: error: front matter is not valid YAML")
            && errs[0].contains("value: }"),
        "{}",
        errs[0]
    );
}
