//! `passerelle init` starts a portal that builds at once; a folder without site.toml is a
//! usage error that points to it (issue 21).

use crate::harness::{TestSite, run_in};

#[test]
fn issue21_init_makes_a_bilingual_portal_that_checks_with_no_warning() {
    let site = TestSite::empty();
    let dir = site.path("portal");
    let dir_arg = dir.to_str().expect("UTF-8");
    run_in(site.root(), &["init", dir_arg], site.root()).assert_code(0);
    let check = run_in(&dir, &["check"], &dir);
    check.assert_code(0);
    assert!(check.diagnostics().is_empty(), "{}", check.stderr());
    let report = run_in(&dir, &["report", "translations", "--json"], &dir);
    report.assert_code(0);
    let json: serde_json::Value = serde_json::from_str(&report.stdout).expect("JSON report");
    // Every translated page is current; section and home texts cannot record a revision.
    for entry in json.as_array().expect("a list") {
        assert_eq!(entry["missing"], serde_json::json!([]), "{entry}");
        for version in entry["versions"].as_array().expect("versions") {
            let status = version["status"].as_str().unwrap_or_default();
            let index = version["file"]
                .as_str()
                .unwrap_or_default()
                .contains("_index");
            assert!(
                status == "source" || status == "current" || (index && status == "untracked"),
                "{version}"
            );
        }
    }
    for kind in ["case-studies", "lessons", "recommendations", "forums"] {
        assert!(
            dir.join(format!("content/{kind}/example.md")).is_file(),
            "{kind}"
        );
        let fr = std::fs::read_to_string(dir.join(format!("content/{kind}/example.fr.md")))
            .expect("French example");
        assert!(fr.contains("translation_of: "), "{kind}: {fr}");
    }
    run_in(&dir, &["build"], &dir).assert_code(0);
    assert!(dir.join("public/fr/index.html").is_file());
}

#[test]
fn issue21_init_refuses_a_folder_that_holds_anything() {
    let site = TestSite::empty();
    site.write("notes.txt", "mine");
    let run = run_in(site.root(), &["init"], site.root());
    run.assert_code(2);
    assert!(run.stderr().contains("not empty"), "{}", run.stderr());
    assert_eq!(site.read("notes.txt"), "mine");
    assert!(!site.path("site.toml").exists());
}

#[test]
fn issue21_a_folder_without_site_toml_is_a_usage_error_that_suggests_init() {
    let site = TestSite::empty();
    for command in [&["build"][..], &["check"], &["report", "translations"]] {
        let run = run_in(site.root(), command, site.root());
        run.assert_code(2);
        assert!(
            run.stderr().contains("passerelle init"),
            "{command:?}: {}",
            run.stderr()
        );
    }
}
