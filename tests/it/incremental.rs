//! Incremental rebuilds (`serve`, `watch`) must give exactly what a clean build gives.
//!
//! Each test builds the good fixture once with a long-lived `Project` (filling its caches),
//! edits the sources, builds again incrementally, and compares every output file, byte for
//! byte, with a fresh `Project` building the same files from nothing.

use std::collections::BTreeMap;

use passerelle::{BuildOptions, Project};

use crate::harness::TestSite;

fn options(site: &TestSite) -> BuildOptions {
    BuildOptions {
        root: site.root().to_path_buf(),
        write: false,
        ..BuildOptions::default()
    }
}

fn files(project: &mut Project) -> BTreeMap<String, Vec<u8>> {
    let outcome = project.build().expect("build runs");
    assert!(!outcome.has_errors(), "{:#?}", outcome.diagnostics);
    outcome
        .files
        .into_iter()
        .map(|f| (f.path, f.bytes.to_vec()))
        .collect()
}

/// Applies `edit` between two builds and checks the second equals a clean build.
/// Returns how many pages the incremental build rendered, and how many a clean one does.
fn incremental_equals_clean(edit: impl FnOnce(&TestSite) + 'static) -> (usize, usize) {
    steps_equal_clean(vec![Box::new(edit)])
}

type Step = Box<dyn FnOnce(&TestSite)>;

/// Builds after each step (a step may leave errors behind), then compares the last
/// incremental build with a clean one.
fn steps_equal_clean(steps: Vec<Step>) -> (usize, usize) {
    let site = TestSite::new("good");
    let mut project = Project::new(options(&site));
    files(&mut project);
    let last = steps.len() - 1;
    for (i, step) in steps.into_iter().enumerate() {
        step(&site);
        if i < last {
            project.build().expect("build runs");
        }
    }
    let incremental = files(&mut project);
    let rendered = project.rendered;
    let mut clean_project = Project::new(options(&site));
    let clean = files(&mut clean_project);
    let incremental_paths: Vec<&String> = incremental.keys().collect();
    let clean_paths: Vec<&String> = clean.keys().collect();
    assert_eq!(
        incremental_paths, clean_paths,
        "the two builds write different files"
    );
    for (path, bytes) in &clean {
        assert!(
            incremental[path] == *bytes,
            "{path} differs after an incremental build:\n--- incremental\n{}\n--- clean\n{}",
            String::from_utf8_lossy(&incremental[path]),
            String::from_utf8_lossy(bytes)
        );
    }
    (rendered, clean_project.rendered)
}

fn replace(site: &TestSite, rel: &str, from: &str, to: &str) {
    let text = site.read(rel);
    assert!(text.contains(from), "{rel} does not contain {from:?}");
    site.write(rel, text.replacen(from, to, 1));
}

const FOOD_HUB: &str = "content/case-studies/food-hub-montreal-nord.md";

#[test]
fn edited_body() {
    let (rendered, all) = incremental_equals_clean(|s| {
        replace(
            s,
            FOOD_HUB,
            "Volunteers delivered",
            "Neighbours and volunteers delivered",
        )
    });
    assert!(
        rendered < all / 2,
        "an edited body re-rendered {rendered} of {all} pages"
    );
}

#[test]
fn changed_title() {
    incremental_equals_clean(|s| {
        replace(
            s,
            FOOD_HUB,
            "title: A food hub in Montréal-Nord",
            "title: The Montréal-Nord food hub",
        )
    });
}

#[test]
fn changed_date_moves_the_page_in_listings() {
    incremental_equals_clean(|s| replace(s, FOOD_HUB, "date: 2021-06-15", "date: 2019-01-02"));
}

#[test]
fn added_page() {
    incremental_equals_clean(add_mobile_clinic);
}

const MOBILE_CLINIC: &str = "content/case-studies/mobile-clinic.md";

fn add_mobile_clinic(s: &TestSite) {
    s.write(
        MOBILE_CLINIC,
        "---\ntitle: A mobile clinic\nsummary: A clinic on wheels.\ndate: 2023-02-01\ncities: [toronto]\npopulations: [refugees]\n---\n\nSee [the hub](@/case-studies/food-hub-montreal-nord).\n",
    );
}

#[test]
fn deleted_page() {
    steps_equal_clean(vec![
        Box::new(add_mobile_clinic),
        Box::new(|s: &TestSite| {
            s.remove(MOBILE_CLINIC);
        }),
    ]);
}

#[test]
fn renamed_slug() {
    incremental_equals_clean(|s| {
        replace(
            s,
            "content/case-studies/food-hub-montreal-nord.fr.md",
            "slug: carrefour-alimentaire-montreal-nord",
            "slug: carrefour-montreal-nord",
        );
    });
}

#[test]
fn changed_taxonomy_term() {
    incremental_equals_clean(|s| replace(s, FOOD_HUB, "cities: [montreal]", "cities: [toronto]"));
}

#[test]
fn added_translation() {
    incremental_equals_clean(|s| {
        s.write(
            "content/case-studies/vaccination-ambassadors-toronto.fr.md",
            "---\ntitle: Ambassadeurs de la vaccination à Toronto\nsummary: Des résidents répondaient aux questions sur les vaccins.\ndate: 2022-03-01\nslug: ambassadeurs-vaccination-toronto\ncities: [toronto]\npopulations: [temporary-migrants]\n---\n\nTraduction.\n",
        );
    });
}

#[test]
fn changed_template_rebuilds_everything() {
    let (rendered, all) = incremental_equals_clean(|s| {
        s.write("templates/page.html", "{% extends \"base.html\" %}{% block main %}<h1>{{ page.title }}</h1>{% endblock main %}");
    });
    assert_eq!(rendered, all);
}

#[test]
fn fixing_an_error_gives_the_clean_site() {
    steps_equal_clean(vec![
        Box::new(|s: &TestSite| replace(s, FOOD_HUB, "date: 2021-06-15", "date: 2021-06-31")),
        Box::new(|s: &TestSite| replace(s, FOOD_HUB, "date: 2021-06-31", "date: 2021-06-15")),
    ]);
}

#[test]
fn deleting_a_cited_page_then_restoring_it() {
    let original = std::cell::RefCell::new(String::new());
    let original = std::rc::Rc::new(original);
    let saved = std::rc::Rc::clone(&original);
    steps_equal_clean(vec![
        Box::new(move |s: &TestSite| {
            *saved.borrow_mut() = s.read("content/case-studies/vaccination-ambassadors-toronto.md");
            s.remove("content/case-studies/vaccination-ambassadors-toronto.md");
        }),
        Box::new(move |s: &TestSite| {
            s.write(
                "content/case-studies/vaccination-ambassadors-toronto.md",
                original.borrow().as_str(),
            );
        }),
    ]);
}
