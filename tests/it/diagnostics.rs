//! One broken site per diagnostic of issue 2: the good fixture plus one mistake.
//!
//! For each, `build` and `check` both exit 1, the report names the file and the line
//! (`path:LINE:`), shows the offending value and a `help:`, and a `public/` built before the
//! mistake stays byte-identical. The whole report is snapshotted: it is what an author reads.

use crate::harness::{Run, TestSite, diagnostics, errors};

/// A change to one file of the good fixture: replace `from` (which must be there) by `to`.
struct Edit {
    file: &'static str,
    from: &'static str,
    to: &'static str,
}

const fn edit(file: &'static str, from: &'static str, to: &'static str) -> Edit {
    Edit { file, from, to }
}

/// Builds the good fixture, applies the changes, then runs `build` and `check`: both must
/// exit 1 with the same diagnostics and leave `public/` exactly as it was. Returns the
/// build's stderr, redacted.
fn break_good_site(edits: &[Edit], new_files: &[(&str, &[u8])]) -> String {
    let site = TestSite::new("good");
    site.build_ok();
    let before = site.tree("public");
    for e in edits {
        let text = site.read(e.file);
        assert!(
            text.contains(e.from),
            "{} does not contain {:?}: fix the test",
            e.file,
            e.from
        );
        site.write(e.file, text.replacen(e.from, e.to, 1));
    }
    for (path, bytes) in new_files {
        site.write(path, bytes);
    }

    let build = site.build();
    build.assert_code(1);
    assert_unchanged(&site, &before, &build);
    let check = site.check();
    check.assert_code(1);
    assert_unchanged(&site, &before, &check);
    assert_eq!(
        build.diagnostics(),
        check.diagnostics(),
        "build and check disagree"
    );
    assert!(
        build.stderr().contains("nothing was written"),
        "{}",
        build.stderr()
    );
    build.stderr()
}

fn assert_unchanged(
    site: &TestSite,
    before: &std::collections::BTreeMap<String, Vec<u8>>,
    run: &Run,
) {
    let after = site.tree("public");
    let changed: Vec<&String> = before
        .keys()
        .chain(after.keys())
        .filter(|k| before.get(*k) != after.get(*k))
        .collect();
    assert!(
        changed.is_empty(),
        "a failed run changed public/: {changed:?}\n{}",
        run.stderr()
    );
    let strays: Vec<String> = std::fs::read_dir(site.root())
        .expect("read root")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".public"))
        .collect();
    assert!(strays.is_empty(), "left behind: {strays:?}");
}

/// The report has exactly one error; it is at `at` (`path:line:col`), shows `value` and,
/// when given, a help containing `help`.
fn assert_one_error(stderr: &str, at: &str, value: &str, help: Option<&str>) {
    let errors = errors(stderr);
    assert_eq!(errors.len(), 1, "expected one error:\n{stderr}");
    assert_error(&errors[0], at, value, help);
}

fn assert_error(diagnostic: &str, at: &str, value: &str, help: Option<&str>) {
    let first = diagnostic.lines().next().unwrap_or_default();
    assert!(
        first.starts_with(&format!("{at}: error: ")),
        "expected an error at {at}:\n{diagnostic}"
    );
    assert!(
        diagnostic.contains(&format!("\n  value: {value}")),
        "expected `value: {value}`:\n{diagnostic}"
    );
    if let Some(help) = help {
        let line = diagnostic
            .lines()
            .find(|l| l.starts_with("  help: "))
            .unwrap_or_else(|| panic!("no help line:\n{diagnostic}"));
        assert!(
            line.contains(help),
            "expected help with {help:?}:\n{diagnostic}"
        );
    }
}

#[test]
fn yaml_syntax_error() {
    // The classic: an unquoted title with `: ` in it.
    let stderr = break_good_site(
        &[edit(
            "content/lessons/partnerships-last.md",
            "title: Partnerships built",
            "title: Partnerships: built",
        )],
        &[],
    );
    assert_one_error(
        &stderr,
        "content/lessons/partnerships-last.md:2:20",
        "title: Partnerships: built in a crisis can last",
        Some("quote any value that contains `: `"),
    );
    insta::assert_snapshot!(stderr);
}

#[test]
fn issue21_a_duplicate_key_points_at_its_second_line() {
    let stderr = break_good_site(
        &[edit(
            "content/lessons/partnerships-last.md",
            "date: 2022-05-10\n",
            "date: 2022-05-10\nsummary: Said twice.\n",
        )],
        &[],
    );
    assert_one_error(
        &stderr,
        "content/lessons/partnerships-last.md:5:1",
        "summary: Said twice.",
        Some("`summary` is set twice"),
    );
    assert!(stderr.contains("5 | summary: Said twice."), "{stderr}");
}

#[test]
fn issue21_aliases_that_expand_too_far_point_at_the_first_alias() {
    let stderr = break_good_site(
        &[edit(
            "content/lessons/partnerships-last.md",
            "date: 2022-05-10\n",
            "date: 2022-05-10\nextra:\n  a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n  \
             b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n  c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\n  \
             d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n  e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]\n  \
             f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]\n  g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]\n",
        )],
        &[],
    );
    assert_one_error(
        &stderr,
        "content/lessons/partnerships-last.md:7:10",
        "b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]",
        Some("aliases"),
    );
}

#[test]
fn unclosed_front_matter() {
    let stderr = break_good_site(
        &[edit(
            "content/pages/methodology.md",
            "date: 2024-01-10\n---\n",
            "date: 2024-01-10\n",
        )],
        &[],
    );
    assert_one_error(
        &stderr,
        "content/pages/methodology.md:1:1",
        "---",
        Some("add a line `---`"),
    );
    insta::assert_snapshot!(stderr);
}

#[test]
fn required_field_missing_is_reported_at_the_opening_line() {
    let stderr = break_good_site(
        &[edit(
            "content/recommendations/fund-food-hubs.md",
            "summary: Funders should keep the hubs that worked open after the crisis.\n",
            "",
        )],
        &[],
    );
    let errors = errors(&stderr);
    assert_eq!(errors.len(), 1, "{stderr}");
    assert!(
        errors[0].starts_with(
            "content/recommendations/fund-food-hubs.md:1:1: error: required field `summary` is missing"
        ),
        "{stderr}"
    );
    assert!(errors[0].contains("\n  help: add `summary: "), "{stderr}");
    insta::assert_snapshot!(stderr);
}

#[test]
fn unknown_field_suggests_the_closest() {
    let stderr = break_good_site(
        &[edit(
            "content/forums/cross-learning-forum.md",
            "registration:",
            "registation:",
        )],
        &[],
    );
    assert_one_error(
        &stderr,
        "content/forums/cross-learning-forum.md:13:1",
        "registation",
        Some("did you mean `registration`?"),
    );
    insta::assert_snapshot!(stderr);
}

#[test]
fn wrong_type_a_string_where_a_list_is_expected() {
    let stderr = break_good_site(
        &[edit(
            "content/lessons/partnerships-last.fr.md",
            "themes: [food-security]",
            "themes: food-security",
        )],
        &[],
    );
    assert_one_error(
        &stderr,
        "content/lessons/partnerships-last.fr.md:6:1",
        "food-security",
        Some("`themes: [food-security]`"),
    );
    insta::assert_snapshot!(stderr);
}

#[test]
fn invalid_date() {
    let stderr = break_good_site(
        &[edit(
            "content/pages/methodology.fr.md",
            "date: 2024-01-10",
            "date: 2024-02-30",
        )],
        &[],
    );
    assert_one_error(
        &stderr,
        "content/pages/methodology.fr.md:4:7",
        "2024-02-30",
        Some("2026-03-12"),
    );
    insta::assert_snapshot!(stderr);
}

#[test]
fn forum_starts_without_offset() {
    let stderr = break_good_site(
        &[edit(
            "content/forums/cross-learning-forum.md",
            "starts: 2099-03-12T13:00:00-05:00",
            "starts: 2099-03-12T13:00:00",
        )],
        &[],
    );
    assert_one_error(
        &stderr,
        "content/forums/cross-learning-forum.md:5:9",
        "2099-03-12T13:00:00",
        Some("2099-03-12T13:00:00-05:00"),
    );
    insta::assert_snapshot!(stderr);
}

#[test]
fn unknown_taxonomy_term_suggests_the_closest() {
    let stderr = break_good_site(
        &[edit(
            "content/recommendations/fund-food-hubs.md",
            "audiences: [municipalities,",
            "audiences: [municipalites,",
        )],
        &[],
    );
    assert_one_error(
        &stderr,
        "content/recommendations/fund-food-hubs.md:5:13",
        "municipalites",
        Some("did you mean `municipalities`?"),
    );
    insta::assert_snapshot!(stderr);
}

#[test]
fn evidence_key_that_names_no_page() {
    let stderr = break_good_site(
        &[edit(
            "content/lessons/partnerships-last.md",
            "evidence: [case-studies/food-hub-montreal-nord]",
            "evidence: [case-studies/food-hub-montreal]",
        )],
        &[],
    );
    assert_one_error(
        &stderr,
        "content/lessons/partnerships-last.md:5:12",
        "case-studies/food-hub-montreal",
        Some("did you mean `case-studies/food-hub-montreal-nord`?"),
    );
    insta::assert_snapshot!(stderr);
}

#[test]
fn cases_key_that_names_a_page_of_the_wrong_kind() {
    let stderr = break_good_site(
        &[edit(
            "content/forums/cross-learning-forum.fr.md",
            "cases: [case-studies/food-hub-montreal-nord,",
            "cases: [lessons/partnerships-last,",
        )],
        &[],
    );
    assert_one_error(
        &stderr,
        "content/forums/cross-learning-forum.fr.md:10:9",
        "lessons/partnerships-last",
        Some("case-studies/"),
    );
    assert!(stderr.contains("but this is a lesson"), "{stderr}");
    insta::assert_snapshot!(stderr);
}

#[test]
fn key_link_to_an_unknown_page_is_reported_at_its_body_line() {
    let stderr = break_good_site(
        &[edit(
            "content/case-studies/food-hub-montreal-nord.fr.md",
            "(@/case-studies/vaccination-ambassadors-toronto)",
            "(@/case-studies/vaccination-ambassador-toronto)",
        )],
        &[],
    );
    assert_one_error(
        &stderr,
        "content/case-studies/food-hub-montreal-nord.fr.md:21:51",
        "@/case-studies/vaccination-ambassador-toronto",
        Some("did you mean `@/case-studies/vaccination-ambassadors-toronto`?"),
    );
    insta::assert_snapshot!(stderr);
}

#[test]
fn file_name_with_a_language_site_toml_does_not_list() {
    let site_copy = TestSite::new("good");
    let spanish = site_copy.read("content/pages/methodology.fr.md");
    let stderr = break_good_site(
        &[],
        &[("content/pages/methodology.es.md", spanish.as_bytes())],
    );
    assert_one_error(
        &stderr,
        "content/pages/methodology.es.md:1:1",
        "methodology.es.md",
        Some("a file in the default language has no suffix (`methodology.md`)"),
    );
    insta::assert_snapshot!(stderr);
}

#[test]
fn two_pages_with_the_same_url() {
    let stderr = break_good_site(
        &[edit(
            "content/case-studies/vaccination-ambassadors-toronto.md",
            "date: 2022-03-01\n",
            "date: 2022-03-01\nslug: food-hub-montreal-nord\n",
        )],
        &[],
    );
    assert_one_error(
        &stderr,
        "content/case-studies/vaccination-ambassadors-toronto.md:5:7",
        "/en/case-studies/food-hub-montreal-nord/",
        Some("content/case-studies/food-hub-montreal-nord.md"),
    );
    insta::assert_snapshot!(stderr);
}

#[test]
fn file_that_is_not_utf8() {
    // "Café" in Latin-1, on line 7 of the file, after "We made it up, for the " (23 characters).
    let stderr = break_good_site(
        &[],
        &[(
            "content/pages/methodology.md",
            b"---\ntitle: Methodology\nsummary: How the fixture content was gathered.\ndate: 2024-01-10\n---\n\nWe made it up, for the Caf\xe9.\n",
        )],
    );
    assert_one_error(
        &stderr,
        "content/pages/methodology.md:7:27",
        "byte 0xe9",
        Some("UTF-8"),
    );
    insta::assert_snapshot!(stderr);
}

#[test]
fn error_in_site_toml_has_its_line_and_column() {
    let stderr = break_good_site(
        &[edit(
            "site.toml",
            "slug = { en = \"lessons\", fr = \"lecons\" }",
            "slugs = { en = \"lessons\", fr = \"lecons\" }",
        )],
        &[],
    );
    assert_one_error(
        &stderr,
        "site.toml:24:1",
        "slugs",
        Some("did you mean `slug`?"),
    );
    insta::assert_snapshot!(stderr);
}

#[test]
fn toml_syntax_error_in_site_toml() {
    let stderr = break_good_site(
        &[edit(
            "site.toml",
            "base_url = \"https://example.org\"",
            "base_url = \"https://example.org",
        )],
        &[],
    );
    let errors = diagnostics(&stderr);
    assert_eq!(errors.len(), 1, "{stderr}");
    assert!(errors[0].starts_with("site.toml:5:32: error: "), "{stderr}");
    insta::assert_snapshot!(stderr);
}

#[test]
fn five_mistakes_in_three_files_are_reported_in_one_run() {
    let stderr = break_good_site(
        &[
            // Two front-matter mistakes in the lesson.
            edit(
                "content/lessons/partnerships-last.md",
                "date: 2022-05-10",
                "date: 2022-13-10\nautors: [Ada]",
            ),
            // Two cross-page mistakes in the recommendation.
            edit(
                "content/recommendations/fund-food-hubs.md",
                "audiences: [municipalities,",
                "audiences: [municipalites,",
            ),
            edit(
                "content/recommendations/fund-food-hubs.md",
                "evidence: [case-studies/food-hub-montreal-nord,",
                "evidence: [case-studies/food-hub,",
            ),
            // One Markdown mistake in the French case study.
            edit(
                "content/case-studies/food-hub-montreal-nord.fr.md",
                "(@/case-studies/vaccination-ambassadors-toronto)",
                "(@/case-studies/nowhere)",
            ),
        ],
        &[],
    );
    let errors = errors(&stderr);
    let firsts: Vec<&str> = errors
        .iter()
        .map(|e| e.lines().next().unwrap_or_default())
        .collect();
    assert_eq!(errors.len(), 5, "{stderr}");
    for at in [
        "content/case-studies/food-hub-montreal-nord.fr.md:21:",
        "content/lessons/partnerships-last.md:4:",
        "content/lessons/partnerships-last.md:5:",
        "content/recommendations/fund-food-hubs.md:5:",
        "content/recommendations/fund-food-hubs.md:6:",
    ] {
        assert!(
            firsts.iter().any(|f| f.starts_with(at)),
            "no error at {at}:\n{stderr}"
        );
    }
    // Sorted by path, then line.
    let mut sorted = firsts.clone();
    sorted.sort_by_key(|f| {
        let mut parts = f.splitn(3, ':');
        let path = parts.next().unwrap_or_default().to_string();
        let line: usize = parts.next().and_then(|l| l.parse().ok()).unwrap_or(0);
        (path, line)
    });
    assert_eq!(firsts, sorted, "diagnostics are not sorted");
    assert!(stderr.contains("5 errors"), "{stderr}");
    insta::assert_snapshot!(stderr);
}

// One mistake, one diagnostic: a page whose front matter has a mistake still exists, so the
// pages that cite it, link to it or translate it must not be reported too.

#[test]
fn a_page_with_a_mistake_is_not_also_a_missing_translation() {
    let stderr = break_good_site(
        &[edit(
            "content/lessons/partnerships-last.md",
            "title: Partnerships built",
            "title: Partnerships: built",
        )],
        &[],
    );
    assert!(
        !stderr.contains("no English version"),
        "the English file exists (with a mistake); asking the author to create it misleads:\n{stderr}"
    );
}

#[test]
fn a_cited_page_with_a_mistake_is_one_error_not_one_per_citation() {
    // The English-only case study is cited by the recommendation and the forum (both
    // languages) and linked from the French case study.
    let stderr = break_good_site(
        &[edit(
            "content/case-studies/vaccination-ambassadors-toronto.md",
            "date: 2022-03-01",
            "date: 2022-03-32",
        )],
        &[],
    );
    assert_one_error(
        &stderr,
        "content/case-studies/vaccination-ambassadors-toronto.md:4:7",
        "2022-03-32",
        Some("2026-03-12"),
    );
}
