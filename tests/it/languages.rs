//! A site in English and Spanish, with vocabularies of its own (issue 23): languages come
//! from one table (dates, typography, search analyzer), vocabularies play the roles
//! site.toml gives them, and nothing in Passerelle is tied to English and French.

use crate::harness::{TestSite, errors};

fn search(site: &TestSite, args: &[&str]) -> serde_json::Value {
    let mut all = vec!["search"];
    all.extend_from_slice(args);
    all.push("--json");
    let run = site.run(&all);
    run.assert_code(0);
    serde_json::from_str(&run.stdout).expect("JSON")
}

fn keys(response: &serde_json::Value) -> Vec<String> {
    response["hits"]
        .as_array()
        .expect("hits")
        .iter()
        .map(|h| {
            format!(
                "{}@{}",
                h["key"].as_str().unwrap_or(""),
                h["lang"].as_str().unwrap_or("")
            )
        })
        .collect()
}

#[test]
fn issue23_an_english_and_spanish_site_builds_and_searches() {
    let site = TestSite::new("es");
    let run = site.build();
    run.assert_code(0);
    assert!(errors(&run.stderr()).is_empty(), "{}", run.stderr());

    let case = site.public("es/casos/clinicas-moviles/index.html");
    assert!(case.contains("<html lang=\"es\""));
    assert!(case.contains("12 de marzo de 2024"), "a Spanish date");
    assert!(
        case.contains("mayo de 2022 – octubre de 2023"),
        "a Spanish period"
    );
    assert!(
        case.contains("Clínica"),
        "the partner's sector, from the vocabulary with that role"
    );
    let home = site.public("en/index.html");
    assert!(home.contains("Leer en español"), "the language switch");
    assert!(
        home.contains("Andes"),
        "places on cards come from the vocabulary with the role"
    );

    // The Spanish analyzer: accents folded, the singular finds the plural.
    let hits = keys(&search(&site, &["trabajador", "--lang", "es"]));
    assert!(
        hits.contains(&"cases/mobile-clinics@es".to_string()),
        "{hits:?}"
    );
    let mut hits = keys(&search(&site, &["clinica enfermeras ", "--lang", "es"]));
    hits.sort();
    assert_eq!(hits, ["cases/mobile-clinics@es"]);
    let mut hits = keys(&search(&site, &["sindicato", "--reader", "es"]));
    hits.sort();
    assert_eq!(
        hits,
        ["cases/mobile-clinics@es", "lessons/trust-travels@es"]
    );
    // A reader of the default language gets the same pages in English (issue 20).
    let mut hits = keys(&search(&site, &["sindicato"]));
    hits.sort();
    assert_eq!(
        hits,
        ["cases/mobile-clinics@en", "lessons/trust-travels@en"]
    );
    let hits = keys(&search(&site, &["nurse", "--lang", "en"]));
    assert_eq!(hits, ["cases/mobile-clinics@en"]);
    // The static search form knows the site's languages only.
    let meta = site.public("search/meta.json");
    assert!(meta.contains("\"languages\":[\"en\",\"es\"]"), "{meta}");
}

#[test]
fn issue23_a_language_passerelle_cannot_publish_in_is_refused_with_the_list() {
    let site = TestSite::new("es");
    let config = site.read("site.toml").replace(
        "languages = [\"en\", \"es\"]",
        "languages = [\"en\", \"es\", \"zh\"]",
    );
    site.write("site.toml", config);
    let run = site.check();
    run.assert_code(1);
    let errors = errors(&run.stderr());
    assert!(
        errors.iter().any(|e| e.starts_with("site.toml:")
            && e.contains("cannot publish in this language")
            && e.contains("value: zh")
            && e.contains("en, fr, es, de, it, pt")),
        "{errors:#?}"
    );
}

/// Term pages have the address of their label in each language (issue 19): the French
/// page of `sectors/community` is `/fr/secteurs/communautaire/`, its language switch and
/// hreflang lead to the English term page and back, and the sitemap says the same.
#[test]
fn issue19_term_pages_have_localized_addresses() {
    let site = TestSite::new("good");
    site.build_ok();
    let fr = site.public("fr/secteurs/communautaire/index.html");
    assert!(fr.contains("hreflang=\"en\" href=\"https://example.org/en/sectors/community/\""));
    assert!(!site.path("public/fr/secteurs/community").exists());
    let en = site.public("en/sectors/community/index.html");
    assert!(
        en.contains("href=\"/fr/secteurs/communautaire/\""),
        "the switch"
    );
    let sitemap = site.public("sitemap.xml");
    assert!(sitemap.contains("https://example.org/fr/secteurs/communautaire/"));
    // A card's term links too.
    let case = site.public("fr/etudes-de-cas/carrefour-alimentaire-montreal-nord/index.html");
    assert!(
        case.contains("/fr/secteurs/communautaire/"),
        "the partner's sector link"
    );
}
