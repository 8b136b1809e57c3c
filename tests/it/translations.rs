//! Translation parity: `report translations`, `mark-current`, and the policies for a
//! missing translation.

use crate::harness::TestSite;

const SOURCE: &str = "content/case-studies/food-hub-montreal-nord.md";
const TRANSLATION: &str = "content/case-studies/food-hub-montreal-nord.fr.md";

fn status_of(site: &TestSite, file: &str) -> String {
    let run = site.run(&["report", "translations", "--json"]);
    run.assert_code(0);
    let json: serde_json::Value = serde_json::from_str(&run.stdout).expect("report is JSON");
    for key in json.as_array().expect("a list of keys") {
        for v in key["versions"].as_array().expect("versions") {
            if v["file"] == file {
                return v["status"].as_str().unwrap_or_default().to_string();
            }
        }
    }
    panic!("{file} is not in the report:\n{}", run.stdout);
}

#[test]
fn stale_after_the_source_changes_and_current_after_marking() {
    let site = TestSite::new("good");
    assert_eq!(status_of(&site, SOURCE), "source");
    assert_eq!(status_of(&site, TRANSLATION), "untracked");

    site.run(&["mark-current", TRANSLATION]).assert_code(0);
    // Quoted: a revision like `0364472e95` would be a number to YAML (issue 19).
    assert!(site.read(TRANSLATION).contains("translation_of: \""));
    assert_eq!(status_of(&site, TRANSLATION), "current");
    site.build_ok();

    let text = site.read(SOURCE);
    site.write(
        SOURCE,
        text.replace("Volunteers delivered", "Neighbours delivered"),
    );
    assert_eq!(status_of(&site, TRANSLATION), "stale");
    let report = site.run(&["report", "translations"]);
    assert!(
        report.stdout.contains("STALE")
            && report.stdout.contains(
                "passerelle mark-current content/case-studies/food-hub-montreal-nord.fr.md"
            ),
        "{}",
        report.stdout
    );

    site.run(&["mark-current", TRANSLATION]).assert_code(0);
    assert_eq!(status_of(&site, TRANSLATION), "current");
}

#[test]
fn marking_the_source_is_refused_with_the_right_file() {
    let site = TestSite::new("good");
    let run = site.run(&["mark-current", SOURCE]);
    run.assert_code(2); // a usage error, not a content error
    assert!(
        run.stderr().contains("is the source page") && run.stderr().contains(TRANSLATION),
        "{}",
        run.stderr()
    );
}

#[test]
fn report_lists_missing_translations_with_the_file_to_create() {
    let site = TestSite::new("good");
    let run = site.run(&["report", "translations", "--json"]);
    run.assert_code(0);
    let json: serde_json::Value = serde_json::from_str(&run.stdout).expect("JSON");
    let vaccination = json
        .as_array()
        .expect("list")
        .iter()
        .find(|k| k["key"] == "case-studies/vaccination-ambassadors-toronto")
        .expect("the English-only case study");
    assert_eq!(vaccination["missing"][0]["lang"], "fr");
    assert_eq!(
        vaccination["missing"][0]["create"],
        "content/case-studies/vaccination-ambassadors-toronto.fr.md"
    );
    assert_eq!(vaccination["versions"].as_array().map(Vec::len), Some(1));
}

#[test]
fn a_missing_translation_warns_or_fails_as_site_toml_says() {
    let site = TestSite::new("good");
    let run = site.build();
    run.assert_code(0);
    assert!(
        run.stderr()
            .contains("warning: no French version of this page"),
        "{}",
        run.stderr()
    );
    let config = site.read("site.toml");
    site.write(
        "site.toml",
        config.replace("translations = \"warn\"", "translations = \"require\""),
    );
    let run = site.build();
    run.assert_code(1);
    assert!(
        run.stderr().contains("content/case-studies/vaccination-ambassadors-toronto.md:1:1: error: no French version of this page")
            && run.stderr().contains("create content/case-studies/vaccination-ambassadors-toronto.fr.md"),
        "{}",
        run.stderr()
    );
}

#[test]
fn the_site_shows_stale_and_missing_translations() {
    let site = TestSite::new("good");
    site.run(&["mark-current", TRANSLATION]).assert_code(0);
    site.build_ok();
    let french = "fr/etudes-de-cas/carrefour-alimentaire-montreal-nord/index.html";
    assert!(
        !site.public(french).contains("class=\"notice\""),
        "a current translation has no notice"
    );

    let text = site.read(SOURCE);
    site.write(
        SOURCE,
        text.replace("Volunteers delivered", "Neighbours delivered"),
    );
    site.build_ok();
    let page = site.public(french);
    assert!(
        page.contains("Cette traduction pourrait ne pas refléter la dernière version anglaise.")
            && page
                .contains("<a href=\"/en/case-studies/food-hub-montreal-nord/\" hreflang=\"en\">"),
        "{page}"
    );

    let english_only = site.public("en/case-studies/vaccination-ambassadors-toronto/index.html");
    assert!(english_only.contains("This page is available in English only."));
    assert!(
        english_only
            .contains("<p class=\"notice\" lang=\"fr\">Cette page n’existe qu’en anglais.</p>")
    );
}
