//! The accessibility lint, one fixture per rule: the good site plus one page body with the
//! mistake, reported at its line with the right severity.

use crate::harness::TestSite;

const PAGE: &str = "content/pages/methodology.md";

/// Replaces the body of the methodology page and builds; returns (exit code, stderr).
fn build_with_body(body: &str) -> (Option<i32>, String) {
    let site = TestSite::new("good");
    let text = site.read(PAGE);
    let end = text[3..].find("\n---\n").expect("front matter") + 3 + 5;
    site.write(PAGE, format!("{}\n{body}", &text[..end]));
    let run = site.build();
    (run.code, run.stderr())
}

fn body_line(line_in_body: usize) -> usize {
    let site = TestSite::new("good");
    let text = site.read(PAGE);
    let front = text[3..].find("\n---\n").expect("front matter") + 3 + 5;
    // The closing `---`, then the blank line written before the body.
    text[..front].lines().count() + 2 + line_in_body
}

#[test]
fn image_without_alt_text_is_an_error() {
    let (code, stderr) = build_with_body("Intro.\n\n![](map.png)\n");
    assert_eq!(code, Some(1));
    assert!(
        stderr.contains(&format!(
            "{PAGE}:{}:1: error: this image has no alternative text",
            body_line(2)
        )),
        "{stderr}"
    );
}

#[test]
fn empty_link_is_an_error() {
    let (code, stderr) = build_with_body("See [](https://example.org/report).\n");
    assert_eq!(code, Some(1));
    assert!(
        stderr.contains(&format!(
            "{PAGE}:{}:5: error: this link has no text",
            body_line(0)
        )),
        "{stderr}"
    );
}

#[test]
fn skipped_heading_level_is_a_warning() {
    let (code, stderr) = build_with_body("## Context\n\n#### Details\n");
    assert_eq!(code, Some(0));
    assert!(
        stderr.contains(&format!(
            "{PAGE}:{}:1: warning: heading level 4 follows level 2",
            body_line(2)
        )),
        "{stderr}"
    );
}

#[test]
fn second_h1_is_a_warning() {
    let (code, stderr) = build_with_body("# Methodology again\n\nText.\n");
    assert_eq!(code, Some(0));
    assert!(
        stderr.contains(&format!(
            "{PAGE}:{}:1: warning: a second level-1 heading",
            body_line(0)
        )),
        "{stderr}"
    );
}

#[test]
fn vague_link_text_is_a_warning_in_both_languages() {
    let (code, stderr) = build_with_body(
        "The report is [here](https://example.org/r).\n\nLe rapport est [ici](https://example.org/r).\n",
    );
    assert_eq!(code, Some(0));
    assert_eq!(
        stderr
            .matches("warning: this link's text does not say where it leads")
            .count(),
        2,
        "{stderr}"
    );
}

#[test]
fn table_without_header_row_is_a_warning() {
    let (code, stderr) = build_with_body("|   |   |\n|---|---|\n| 1 | 2 |\n");
    assert_eq!(code, Some(0));
    assert!(
        stderr.contains(&format!(
            "{PAGE}:{}:1: warning: this table has no header row",
            body_line(0)
        )),
        "{stderr}"
    );
}

#[test]
fn the_shipped_portal_is_lint_clean() {
    let run = crate::harness::run_in(
        &crate::harness::repo_root(),
        &["check"],
        &crate::harness::repo_root(),
    );
    run.assert_code(0);
    assert!(!run.stderr().contains("warning"), "{}", run.stderr());
}
