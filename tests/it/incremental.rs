//! Incremental rebuilds (`serve`, `watch`) must give exactly what a clean build gives.
//!
//! Each test builds the good fixture once with a long-lived `Project` (filling its caches),
//! edits the sources, builds again incrementally, and compares every output file, byte for
//! byte, with a fresh `Project` building the same files from nothing. Every scenario runs
//! twice: rebuilding with `build` (what `watch` does), and with `build_after` told which
//! files changed, its outcomes applied one after the other (what `serve` does; a body edit
//! then takes the fast way, which patches the last build).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use passerelle::{BuildOptions, Project};

use crate::harness::TestSite;

fn options(site: &TestSite) -> BuildOptions {
    BuildOptions {
        root: site.root().to_path_buf(),
        write: false,
        ..BuildOptions::default()
    }
}

type Files = BTreeMap<String, Vec<u8>>;

fn files(project: &mut Project) -> Files {
    let outcome = project.build().expect("build runs");
    assert!(!outcome.has_errors(), "{:#?}", outcome.diagnostics);
    outcome
        .files
        .into_iter()
        .map(|f| (f.path, f.bytes.to_vec()))
        .collect()
}

/// Every source file of the site (what the watcher watches), by absolute path.
fn sources(root: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    fn walk(dir: &Path, out: &mut BTreeMap<PathBuf, Vec<u8>>) {
        for entry in std::fs::read_dir(dir).expect("read dir").flatten() {
            let path = entry.path();
            if path.is_dir() {
                walk(&path, out);
            } else {
                out.insert(path.clone(), std::fs::read(&path).expect("read source"));
            }
        }
    }
    let mut out = BTreeMap::new();
    for name in passerelle::watch::SOURCES {
        let path = root.join(name);
        if path.is_dir() {
            walk(&path, &mut out);
        } else if path.is_file() {
            out.insert(path.clone(), std::fs::read(&path).expect("read source"));
        }
    }
    out
}

/// What the watcher would report: the paths added, removed or changed.
fn changed_paths(
    before: &BTreeMap<PathBuf, Vec<u8>>,
    after: &BTreeMap<PathBuf, Vec<u8>>,
) -> Vec<PathBuf> {
    let mut changed: Vec<PathBuf> = after
        .iter()
        .filter(|(path, bytes)| before.get(*path) != Some(*bytes))
        .map(|(path, _)| path.clone())
        .collect();
    changed.extend(before.keys().filter(|p| !after.contains_key(*p)).cloned());
    changed
}

#[derive(Clone, Copy, Debug)]
enum Rebuild {
    /// `Project::build` after each step.
    Full,
    /// `Project::build_after` with the changed paths, outcomes applied like `serve` does.
    Watcher,
}

/// How many pages the last incremental build rendered, how many a clean one does, and
/// whether the last rebuild took the fast way.
struct Counts {
    rendered: usize,
    all: usize,
    patched: bool,
}

/// Applies `edit` between two builds and checks the second equals a clean build, both
/// ways of rebuilding. Returns the counts of each way.
fn incremental_equals_clean(edit: impl Fn(&TestSite) + Clone + 'static) -> [Counts; 2] {
    steps_equal_clean(move || -> Vec<Step> { vec![Box::new(edit.clone())] })
}

type Step = Box<dyn FnOnce(&TestSite)>;

/// Builds after each step (a step may leave errors behind), then compares the last
/// incremental build with a clean one; once per way of rebuilding.
fn steps_equal_clean(steps: impl Fn() -> Vec<Step>) -> [Counts; 2] {
    [
        steps_equal_clean_by(Rebuild::Full, steps()),
        steps_equal_clean_by(Rebuild::Watcher, steps()),
    ]
}

fn steps_equal_clean_by(rebuild: Rebuild, steps: Vec<Step>) -> Counts {
    steps_equal_clean_in("good", rebuild, steps)
}

fn steps_equal_clean_in(fixture: &str, rebuild: Rebuild, steps: Vec<Step>) -> Counts {
    let site = TestSite::new(fixture);
    let mut project = Project::new(options(&site));
    let mut served = files(&mut project);
    let mut patched = false;
    for step in steps {
        let before = sources(site.root());
        step(&site);
        let changed = changed_paths(&before, &sources(site.root()));
        let outcome = match rebuild {
            Rebuild::Full => project.build(),
            Rebuild::Watcher => project.build_after(&changed),
        }
        .expect("build runs");
        patched = outcome.patch;
        // Like `serve`: a build with errors leaves the last good site in place.
        if !outcome.has_errors() {
            if !outcome.patch {
                served.clear();
            }
            served.extend(
                outcome
                    .files
                    .into_iter()
                    .map(|f| (f.path, f.bytes.to_vec())),
            );
        }
    }
    let rendered = project.rendered();
    let mut clean_project = Project::new(options(&site));
    let clean = files(&mut clean_project);
    let served_paths: Vec<&String> = served.keys().collect();
    let clean_paths: Vec<&String> = clean.keys().collect();
    assert_eq!(
        served_paths, clean_paths,
        "{rebuild:?}: the two builds write different files"
    );
    for (path, bytes) in &clean {
        assert!(
            served[path] == *bytes,
            "{rebuild:?}: {path} differs after an incremental build:\n--- incremental\n{}\n--- clean\n{}",
            String::from_utf8_lossy(&served[path]),
            String::from_utf8_lossy(bytes)
        );
    }
    Counts {
        rendered,
        all: clean_project.rendered(),
        patched,
    }
}

fn replace(site: &TestSite, rel: &str, from: &str, to: &str) {
    let text = site.read(rel);
    assert!(text.contains(from), "{rel} does not contain {from:?}");
    site.write(rel, text.replacen(from, to, 1));
}

const FOOD_HUB: &str = "content/case-studies/food-hub-montreal-nord.md";

#[test]
fn edited_body() {
    let [full, watcher] = incremental_equals_clean(|s| {
        replace(
            s,
            FOOD_HUB,
            "Volunteers delivered",
            "Neighbours and volunteers delivered",
        )
    });
    assert!(
        full.rendered < full.all / 2,
        "an edited body re-rendered {} of {} pages",
        full.rendered,
        full.all
    );
    // Only the page: its translation records no revision, so nothing it shows changed, and
    // listings show only front matter.
    assert!(watcher.patched, "a body edit should patch the last build");
    assert_eq!(watcher.rendered, 1);
}

#[test]
fn issue19_an_edited_body_keeps_what_resolve_added_to_the_front_matter() {
    // A translation's evidence level comes from its source, a lesson's from its case
    // studies: the fast way keeps them.
    let edit = |s: &TestSite| {
        replace(
            s,
            "content/case-studies/food-hub-montreal-nord.fr.md",
            "Les bénévoles ont livré",
            "Les voisins ont livré",
        );
        replace(
            s,
            "content/lessons/partnerships-last.md",
            "outlives the pressure",
            "survives the pressure",
        );
    };
    let watcher = steps_equal_clean_in("practice", Rebuild::Watcher, vec![Box::new(edit)]);
    assert!(watcher.patched, "a body edit should patch the last build");
}

#[test]
fn edited_body_of_a_tracked_source_marks_its_translation_stale() {
    let [_, watcher] = steps_equal_clean(|| -> Vec<Step> {
        vec![
            Box::new(|s: &TestSite| {
                crate::harness::run_in(
                    s.root(),
                    &[
                        "mark-current",
                        "content/case-studies/food-hub-montreal-nord.fr.md",
                    ],
                    s.root(),
                )
                .assert_code(0);
            }),
            Box::new(|s: &TestSite| {
                replace(
                    s,
                    FOOD_HUB,
                    "Volunteers delivered",
                    "Neighbours and volunteers delivered",
                );
            }),
        ]
    });
    // The page, and its translation, which now says it may be behind.
    assert!(watcher.patched, "a body edit should patch the last build");
    assert_eq!(watcher.rendered, 2);
}

#[test]
fn edited_bodies_of_a_page_and_a_home_page() {
    let [_, watcher] = incremental_equals_clean(|s| {
        replace(
            s,
            FOOD_HUB,
            "Volunteers delivered",
            "Neighbours and volunteers delivered",
        );
        let home = s.read("content/_index.md");
        s.write("content/_index.md", format!("{home}\nOne more line.\n"));
    });
    assert!(watcher.patched);
}

#[test]
fn edited_front_matter_comment_takes_the_full_way() {
    let [_, watcher] = incremental_equals_clean(|s| {
        replace(s, FOOD_HUB, "title:", "# reviewed\ntitle:");
    });
    assert!(!watcher.patched);
}

#[test]
fn body_edit_that_breaks_a_link_reports_it() {
    let site = TestSite::new("good");
    let mut project = Project::new(options(&site));
    files(&mut project);
    let before = sources(site.root());
    let text = site.read(FOOD_HUB);
    site.write(
        FOOD_HUB,
        format!("{text}\nSee [nothing](@/case-studies/nowhere).\n"),
    );
    let changed = changed_paths(&before, &sources(site.root()));
    let outcome = project.build_after(&changed).expect("build runs");
    assert!(outcome.has_errors(), "{:#?}", outcome.diagnostics);
    assert!(!outcome.patch);
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
    steps_equal_clean(|| {
        vec![
            Box::new(add_mobile_clinic),
            Box::new(|s: &TestSite| {
                s.remove(MOBILE_CLINIC);
            }),
        ]
    });
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
    let counts = incremental_equals_clean(|s| {
        s.write("templates/page.html", "{% extends \"base.html\" %}{% block main %}<h1>{{ page.title }}</h1>{% endblock main %}");
    });
    for c in counts {
        assert_eq!(c.rendered, c.all);
    }
}

#[test]
fn fixing_an_error_gives_the_clean_site() {
    steps_equal_clean(|| {
        vec![
            Box::new(|s: &TestSite| replace(s, FOOD_HUB, "date: 2021-06-15", "date: 2021-06-31")),
            Box::new(|s: &TestSite| replace(s, FOOD_HUB, "date: 2021-06-31", "date: 2021-06-15")),
        ]
    });
}

#[test]
fn fixing_a_broken_link_in_a_body_gives_the_clean_site() {
    steps_equal_clean(|| {
        vec![
            Box::new(|s: &TestSite| {
                replace(
                    s,
                    FOOD_HUB,
                    "Volunteers delivered",
                    "[Volunteers](@/nowhere) delivered",
                )
            }),
            Box::new(|s: &TestSite| {
                replace(
                    s,
                    FOOD_HUB,
                    "[Volunteers](@/nowhere) delivered",
                    "Volunteers delivered",
                )
            }),
        ]
    });
}

#[test]
fn deleting_a_cited_page_then_restoring_it() {
    steps_equal_clean(|| {
        let original = std::rc::Rc::new(std::cell::RefCell::new(String::new()));
        let saved = std::rc::Rc::clone(&original);
        vec![
            Box::new(move |s: &TestSite| {
                *saved.borrow_mut() =
                    s.read("content/case-studies/vaccination-ambassadors-toronto.md");
                s.remove("content/case-studies/vaccination-ambassadors-toronto.md");
            }),
            Box::new(move |s: &TestSite| {
                s.write(
                    "content/case-studies/vaccination-ambassadors-toronto.md",
                    original.borrow().as_str(),
                );
            }),
        ]
    });
}

/// The sources of `site` (site.toml, content/) copied into a new folder without the
/// `.passerelle/` a build keeps.
fn fresh_copy(site: &TestSite) -> TestSite {
    let fresh = TestSite::empty();
    for (path, bytes) in sources(site.root()) {
        let rel = path.strip_prefix(site.root()).expect("under the site");
        fresh.write(&rel.to_string_lossy(), bytes);
    }
    fresh
}

#[test]
fn the_kept_search_form_and_related_pages_equal_a_fresh_build_issue22() {
    let options = |site: &TestSite| BuildOptions {
        index: true,
        ..options(site)
    };
    let site = TestSite::new("good");
    files(&mut Project::new(options(&site)));
    assert!(site.path(".passerelle/search-form.bin").is_file());
    assert!(site.path(".passerelle/related.json").is_file());
    let check = |what: &str| {
        // A new process would start like this: nothing in memory, the kept copies on disk.
        let kept = files(&mut Project::new(options(&site)));
        let fresh_site = fresh_copy(&site);
        let fresh = files(&mut Project::new(options(&fresh_site)));
        assert_eq!(
            kept.keys().collect::<Vec<_>>(),
            fresh.keys().collect::<Vec<_>>(),
            "{what}: other files"
        );
        for (path, bytes) in &fresh {
            assert!(
                kept[path] == *bytes,
                "{what}: {path} differs from a fresh build"
            );
        }
    };
    check("nothing changed");
    // A change the index sees: the kept form and related pages are stale.
    replace(
        &site,
        FOOD_HUB,
        "Volunteers delivered",
        "Interpreters delivered",
    );
    check("a body changed");
    // A change of what a forum's related pages leave out, which the index does not see.
    replace(
        &site,
        "content/forums/cross-learning-forum.md",
        "cases: [case-studies/food-hub-montreal-nord, case-studies/vaccination-ambassadors-toronto]",
        "cases: [case-studies/food-hub-montreal-nord]",
    );
    check("a forum's cases changed");
}
