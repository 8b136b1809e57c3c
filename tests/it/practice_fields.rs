//! What a case study and a lesson say of a practice (issue 19): outcomes, evidence level,
//! contacts, conditions elsewhere, last review, and a lesson's finding. The `practice`
//! fixture uses every field in both languages; `practice-broken` writes each wrong once.

use crate::harness::{TestSite, errors, main_of};

const CASE_EN: &str = "en/case-studies/food-hub-montreal-nord/index.html";
const CASE_FR: &str = "fr/etudes-de-cas/carrefour-alimentaire-montreal-nord/index.html";

/// The parts of a case-study page that show its practice: the facts panel, then the
/// outcomes, conditions and contacts.
fn practice_parts(html: &str) -> String {
    let main = main_of(html);
    let facts = main
        .find("<aside class=\"facts\"")
        .and_then(|start| {
            let end = main[start..].find("</aside>")? + start + "</aside>".len();
            Some(&main[start..end])
        })
        .unwrap_or_default();
    let sections = main
        .find("<section class=\"outcomes\"")
        .map(|start| {
            let end = main[start..]
                .find("<section class=\"backlinks\"")
                .map_or(main.len(), |i| start + i);
            &main[start..end]
        })
        .unwrap_or_default();
    format!("{facts}\n{}", sections.trim_end())
}

#[test]
fn issue19_a_case_study_shows_its_practice_in_both_languages() {
    let site = TestSite::new("practice");
    site.build_ok();
    let en = site.public(CASE_EN);
    let fr = site.public(CASE_FR);
    insta::assert_snapshot!("practice_en", practice_parts(&en));
    insta::assert_snapshot!("practice_fr", practice_parts(&fr));
    // The review date is not the page's date.
    assert!(
        en.contains("Last reviewed <time datetime=\"2026-12-05\">December 5, 2026</time>"),
        "{}",
        main_of(&en)
    );
    // The translation takes the level, the review date and the contacts from its source,
    // and has its own outcomes and conditions.
    assert!(
        fr.contains(
            "Dernière révision\u{a0}: <time datetime=\"2026-12-05\">5 décembre 2026</time>"
        ),
        "{}",
        main_of(&fr)
    );
    for part in [
        "Niveau de preuve",
        "Évalué",
        "1 200 paniers en avril",
        "Une banque alimentaire qui a des bénévoles",
        "mailto:info@example.org",
    ] {
        assert!(fr.contains(part), "{part} in {}", main_of(&fr));
    }
}

#[test]
fn issue19_what_the_source_does_not_report_is_shown_as_such() {
    let site = TestSite::new("practice");
    site.build_ok();
    let page = site.public("en/case-studies/vaccination-ambassadors-toronto/index.html");
    let main = main_of(&page);
    // `not-reported` (evidence level, outcomes) and an absent field (transferability).
    assert_eq!(
        main.matches("Not reported in the source").count(),
        3,
        "{main}"
    );
    assert!(!main.contains("class=\"contacts\""), "{main}");
}

#[test]
fn issue19_a_translation_without_its_own_texts_shows_the_sources_in_their_language() {
    let site = TestSite::new("practice");
    let fr = "content/case-studies/food-hub-montreal-nord.fr.md";
    let text = site.read(fr);
    let start = text.find("outcomes:").expect("outcomes in the fixture");
    let end = text.find("\n---\n").expect("front matter");
    site.write(fr, format!("{}{}", &text[..start], &text[end + 1..]));
    site.build_ok();
    let main = site.public(CASE_FR);
    let main = main_of(&main);
    assert!(
        main.contains(
            "<h2 id=\"outcomes-heading\">Résultats <span class=\"badge\">en anglais</span></h2>"
        ) && main.contains("<p class=\"outcome-what\" lang=\"en\">Families who could not go out"),
        "{main}"
    );
    assert!(
        main.contains("<p lang=\"en\">A food bank with volunteers"),
        "{main}"
    );
}

#[test]
fn issue19_lessons_say_what_worked_and_on_what_evidence() {
    let site = TestSite::new("practice");
    site.build_ok();
    let derived = site.public("en/lessons/partnerships-last/index.html");
    let derived = main_of(&derived);
    assert!(
        derived.contains("<dt>Finding</dt><dd><span class=\"status finding-worked\">What worked</span>")
            && derived.contains(
                "<span class=\"badge evidence-badge\">Evaluated</span> <span class=\"level-derived\">(derived from its case studies)</span>"
            ),
        "{derived}"
    );
    let fr = site.public("fr/lecons/partnerships-last/index.html");
    let fr = main_of(&fr);
    assert!(
        fr.contains("Ce qui a fonctionné") && fr.contains("(déduit de ses études de cas)"),
        "{fr}"
    );
    let declared = site.public("en/lessons/ambassadors-alone/index.html");
    let declared = main_of(&declared);
    assert!(
        declared.contains("What did not work")
            && declared.contains("<span class=\"badge evidence-badge\">Reported</span>")
            && !declared.contains("derived from"),
        "{declared}"
    );
}

#[test]
fn issue19_listings_show_the_evidence_level_as_a_badge() {
    let site = TestSite::new("practice");
    site.build_ok();
    let lessons = site.public("en/lessons/index.html");
    assert!(
        lessons.contains("<span class=\"finding\">What worked</span> · <span class=\"badge evidence-badge\">Evidence level: Evaluated</span>"),
        "{}",
        main_of(&lessons)
    );
    let term = site.public("fr/themes/securite-alimentaire/index.html");
    assert!(
        term.contains("<span class=\"badge evidence-badge\">Niveau de preuve\u{a0}: Évalué</span>"),
        "{}",
        main_of(&term)
    );
}

#[test]
fn issue19_the_methodology_page_defines_the_levels() {
    let site = TestSite::new("practice");
    site.build_ok();
    let en = site.public("en/about/methodology/index.html");
    assert!(
        en.contains("<div id=\"evidence-documented\"><dt><span class=\"badge evidence-badge\">Documented</span></dt><dd>Described in a research report or a case study.</dd></div>"),
        "{}",
        main_of(&en)
    );
    let fr = site.public("fr/a-propos/methodologie/index.html");
    assert!(
        fr.contains("<h2 id=\"evidence-levels-heading\">Niveaux de preuve</h2>")
            && fr.contains("Affirmé par des participants")
            && fr.contains("Non précisé dans la source"),
        "{}",
        main_of(&fr)
    );
}

#[test]
fn issue19_the_evidence_level_is_a_search_facet_labelled_in_both_languages() {
    let site = TestSite::new("practice");
    site.build_ok();
    let run = site.run(&[
        "search",
        "partnerships",
        "--filter",
        "evidence=evaluated",
        "--json",
    ]);
    run.assert_code(0);
    let json: serde_json::Value = serde_json::from_str(&run.stdout).expect("JSON");
    assert_eq!(
        json["hits"][0]["key"], "lessons/partnerships-last",
        "{json}"
    );
    assert_eq!(json["facets"]["evidence"]["evaluated"], 1, "{json}");
    let run = site.run(&["search", "food", "--filter", "evidence=evaluted"]);
    run.assert_code(2);
    assert!(
        run.stderr().contains("did you mean `evaluated`?"),
        "{}",
        run.stderr()
    );
    let en = site.public("en/search/index.html");
    assert!(
        en.contains("data-t-evidence=\"Evidence level\"")
            && en.contains("\"evidence/evaluated\":\"Evaluated\""),
        "{en}"
    );
    let fr = site.public("fr/recherche/index.html");
    assert!(
        fr.contains("data-t-evidence=\"Niveau de preuve\"")
            && fr.contains("\"evidence/evaluated\":\"Évalué\""),
        "{fr}"
    );
}

#[test]
fn issue19_mistakes_in_practice_fields_are_errors_at_their_place() {
    let site = TestSite::new("practice-broken");
    let run = site.build();
    run.assert_code(1);
    let errors = errors(&run.stderr());
    let expect = [
        "vaccination-ambassadors-toronto.md:15:17: error: unknown evidence level",
        "did you mean `documented`?",
        "vaccination-ambassadors-toronto.md:16:1: error: `outcomes` should be a list of outcomes",
        "broken-contacts.md:7:14: error: an outcome needs a `what`",
        "broken-contacts.md:8:1: error: `transferability` should be text",
        "broken-contacts.md:10:38: error: a contact `email` is not an email address",
        "broken-contacts.md:11:12: error: a contact needs an `email` or a `url`",
        "broken-contacts.md:12:32: error: a contact `url` must be an http(s) address",
        "broken-contacts.md:5:11: error: `reviewed` is not a valid date",
        "food-hub-montreal-nord.fr.md:16:17: error: `evidence_level` differs from the English version's, `evaluated`",
        "partnerships-last.md:10:10: error: a lesson's `finding` is `worked` or `did-not-work`",
        "did you mean `worked`?",
    ];
    for e in expect {
        assert!(errors.iter().any(|x| x.contains(e)), "{e}\n{errors:#?}");
    }
    assert_eq!(errors.len(), 10, "{errors:#?}");
    insta::assert_snapshot!(run.stderr());
}

#[test]
fn issue19_an_empty_value_asks_for_not_reported() {
    let site = TestSite::new("practice");
    let file = "content/case-studies/vaccination-ambassadors-toronto.md";
    let text = site
        .read(file)
        .replace("outcomes: not-reported", "outcomes:");
    site.write(file, text);
    let run = site.build();
    run.assert_code(1);
    let errors = errors(&run.stderr());
    assert!(
        errors.iter().any(|e| e.contains("`outcomes` is empty")
            && e.contains("write `outcomes: not-reported` when the source does not say")),
        "{errors:#?}"
    );
}

#[test]
fn issue19_a_level_needs_the_vocabulary_of_site_toml() {
    let site = TestSite::new("good");
    let file = "content/case-studies/food-hub-montreal-nord.md";
    let text = site.read(file).replace(
        "status: ended\n",
        "status: ended\nevidence_level: evaluated\n",
    );
    site.write(file, text);
    let run = site.build();
    run.assert_code(1);
    let errors = errors(&run.stderr());
    assert!(
        errors.iter().any(|e| e.contains("unknown evidence level")
            && e.contains(
                "site.toml declares no evidence level: add `[evidence_levels.evaluated]`"
            )),
        "{errors:#?}"
    );
}
