//! `passerelle new`: a page full of placeholders fails the build until every one is replaced.

use crate::harness::TestSite;

/// Replaces each line `key: …TODO…` with a valid one; panics if a placeholder is left.
fn fill(text: &str, values: &[(&str, &str)]) -> String {
    let mut out = String::new();
    for line in text.lines() {
        let key = line.split(':').next().unwrap_or("").trim();
        let replacement = values
            .iter()
            .find(|(k, _)| *k == key && line.contains("TODO"));
        match replacement {
            Some((_, value)) => out.push_str(value),
            None if line.trim_start().starts_with("- {name: \"TODO") => {
                out.push_str("  - {name: Food bank, sector: community}")
            }
            None if line.trim_start().starts_with("- {title: \"TODO") => {
                out.push_str("  - {title: Annual report, year: 2021}")
            }
            None if line.trim_start().starts_with("- {what: \"TODO") => {
                out.push_str("  - {what: 300 visits, source: Annual report}")
            }
            None if line.starts_with("## TODO") => out.push_str("## What was done"),
            None if line.starts_with("TODO") => out.push_str("Neighbours delivered food."),
            None => out.push_str(line),
        }
        out.push('\n');
    }
    assert!(!out.contains("TODO"), "a placeholder is left:\n{out}");
    out
}

#[test]
fn a_new_case_study_fails_until_its_placeholders_are_replaced() {
    let site = TestSite::new("good");
    let run = site.run(&["new", "case-study", "mobile-clinic"]);
    run.assert_code(0);
    let file = "content/case-studies/mobile-clinic.md";
    let run = site.build();
    run.assert_code(1);
    let errors = run.diagnostics();
    assert!(
        errors
            .iter()
            .all(|e| e.starts_with(file) || e.contains("warning")),
        "{errors:#?}"
    );
    assert!(
        errors
            .iter()
            .any(|e| e.contains("`title` still holds a placeholder")),
        "{errors:#?}"
    );

    let text = site.read(file);
    site.write(
        file,
        fill(
            &text,
            &[
                ("title", "title: A mobile clinic"),
                (
                    "summary",
                    "summary: A clinic on wheels visited the neighbourhoods.",
                ),
                ("date", "date: 2024-02-01"),
                ("period", "period: {start: 2021-03}"),
                ("status", "status: active"),
                ("transferability", "transferability: not-reported"),
                ("cities", "cities: [toronto]"),
                ("provinces", "provinces: [ontario]"),
                ("populations", "populations: [refugees]"),
                ("sectors", "sectors: [public]"),
                ("themes", "themes: [health]"),
                ("actions", "actions: [service-provision]"),
            ],
        ),
    );
    // The front matter is done; the body still says TODO.
    let filled = site.read(file);
    site.write(
        file,
        filled.replace("## What was done", "## TODO: a heading"),
    );
    let run = site.build();
    run.assert_code(1);
    assert!(
        run.stderr().contains("placeholder text left in the page"),
        "{}",
        run.stderr()
    );
    site.write(file, filled);
    let run = site.build();
    run.assert_code(0);
    assert!(
        site.public("en/case-studies/mobile-clinic/index.html")
            .contains("A mobile clinic")
    );
}

#[test]
fn a_new_translation_keeps_the_structure_and_records_its_source() {
    let site = TestSite::new("good");
    site.run(&[
        "new",
        "case-study",
        "vaccination-ambassadors-toronto",
        "--lang",
        "fr",
    ])
    .assert_code(0);
    let file = "content/case-studies/vaccination-ambassadors-toronto.fr.md";
    let text = site.read(file);
    assert!(
        text.contains("title: \"TODO: translate «Vaccination ambassadors in Toronto»\""),
        "{text}"
    );
    assert!(
        text.contains("cities: [toronto]") && text.contains("translation_of: "),
        "{text}"
    );
    site.build().assert_code(1);
    let filled = fill(
        &text,
        &[
            ("title", "title: Ambassadeurs de la vaccination à Toronto"),
            (
                "summary",
                "summary: Des résidents répondaient aux questions sur les vaccins.",
            ),
            ("slug", "slug: ambassadeurs-vaccination-toronto"),
        ],
    );
    site.write(file, filled);
    site.build_ok();
    assert!(
        site.public("fr/etudes-de-cas/ambassadeurs-vaccination-toronto/index.html")
            .contains("Ambassadeurs")
    );
    let report = site.run(&["report", "translations"]);
    assert!(
        report
            .stdout
            .contains("vaccination-ambassadors-toronto.fr.md")
            && report.stdout.contains("up to date"),
        "{}",
        report.stdout
    );
}

#[test]
fn new_refuses_to_overwrite_and_bad_names() {
    // Usage errors, not content errors (issue 23: one exit code per channel): exit 2.
    let site = TestSite::new("good");
    site.run(&["new", "case-study", "food-hub-montreal-nord"])
        .assert_code(2);
    site.run(&["new", "case-study", "Food Hub"]).assert_code(2);
    site.run(&["new", "lesson", "nothing-here", "--lang", "fr"])
        .assert_code(2);
    site.run(&["new", "podcast", "x"]).assert_code(2);
}
