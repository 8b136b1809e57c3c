//! Nothing a user types deletes their files, and nothing outside the site is published
//! (issue 18, points 1–5). Each test names the point it covers.
//!
//! The output folder is the build's to replace only when it is absent, empty or marked by
//! a previous build; the site, the folders above it and its sources never are. Links are
//! followed only inside the site. A static file never replaces a generated one.

use std::collections::BTreeMap;
use std::path::Path;

use crate::harness::{TestSite, errors, run_in, tree};

/// Every file and folder name under `dir`, to prove a refused build left nothing behind
/// (no staging folder, no file moved aside).
fn names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .expect("read dir")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

fn sources(site: &TestSite) -> (BTreeMap<String, Vec<u8>>, String) {
    (site.tree("content"), site.read("site.toml"))
}

fn set_output_dir(site: &TestSite, value: &str) {
    let config = site
        .read("site.toml")
        .replace("[build]\n", &format!("[build]\noutput_dir = {value:?}\n"));
    site.write("site.toml", config);
}

#[test]
fn issue18_1_output_never_the_site_its_sources_or_a_folder_above() {
    let site = TestSite::new("good");
    let before = sources(&site);
    let root = site.root().to_str().expect("UTF-8").to_string();
    let parent = site
        .root()
        .parent()
        .expect("parent")
        .to_str()
        .expect("UTF-8")
        .to_string();
    let content = format!("{root}/content");
    let lessons = format!("{root}/content/lessons");
    for output in [root.as_str(), ".", &content, &lessons, &parent, "/"] {
        for force in [false, true] {
            let mut args = vec!["build", "--output", output];
            if force {
                args.push("--force");
            }
            let run = site.run(&args);
            run.assert_code(2);
            let stderr = run.stderr();
            assert!(
                stderr.contains("must be a folder of its own"),
                "--output {output}: {stderr}"
            );
            assert_eq!(
                sources(&site),
                before,
                "--output {output} changed the sources"
            );
            assert!(!site.path("public").exists());
        }
    }
    assert!(
        names(site.root()).iter().all(|n| !n.contains("staging")),
        "{:?}",
        names(site.root())
    );
}

#[test]
fn issue18_1_output_dir_in_site_toml_is_checked_the_same_way() {
    for value in [".", "", "..", "content", "static/out"] {
        let site = TestSite::new("good");
        set_output_dir(&site, value);
        let before = sources(&site);
        let run = site.build();
        run.assert_code(2);
        assert!(
            run.stderr().contains("must be a folder of its own"),
            "output_dir = {value:?}: {}",
            run.stderr()
        );
        assert_eq!(sources(&site), before, "output_dir = {value:?}");
        // Beside the site, only its own: other tests build in the same temp folder.
        let site_name = site.root().file_name().expect("name").to_string_lossy();
        let leftovers: Vec<String> = names(site.root())
            .into_iter()
            .filter(|n| n.contains("staging"))
            .chain(
                names(site.root().parent().expect("parent"))
                    .into_iter()
                    .filter(|n| n.contains(site_name.as_ref()) && n.contains("staging")),
            )
            .collect();
        assert!(
            leftovers.is_empty(),
            "output_dir = {value:?}: {leftovers:?}"
        );
    }
}

#[test]
fn issue18_1_an_unrelated_folder_is_refused_unless_forced() {
    let site = TestSite::new("good");
    let elsewhere = tempfile::tempdir().expect("temp dir");
    let thesis = elsewhere.path().join("thesis.tex");
    std::fs::write(&thesis, "\\documentclass{article}").expect("write");
    let out = elsewhere.path().to_str().expect("UTF-8");

    let run = site.run(&["build", "--output", out]);
    run.assert_code(2);
    let stderr = run.stderr();
    assert!(stderr.contains("thesis.tex"), "{stderr}");
    assert!(stderr.contains("--force"), "{stderr}");
    assert_eq!(names(elsewhere.path()), ["thesis.tex"]);

    site.run(&["build", "--output", out, "--force"])
        .assert_code(0);
    assert!(!thesis.exists());
    assert!(elsewhere.path().join("en/index.html").is_file());
    // Now marked as ours: a second build needs no --force.
    site.run(&["build", "--output", out]).assert_code(0);
}

#[test]
fn issue18_1_an_empty_or_previous_output_is_replaced() {
    let site = TestSite::new("good");
    std::fs::create_dir(site.path("public")).expect("mkdir");
    site.build_ok();
    assert!(site.path("public/.passerelle-output").is_file());
    site.write("public/stale.html", "left by an older build");
    site.build_ok();
    assert!(!site.path("public/stale.html").exists());
    assert!(site.path("public/en/index.html").is_file());
}

#[test]
fn issue18_2_a_symlinked_output_is_written_through_and_the_link_stays() {
    let site = TestSite::new("good");
    let deploy = tempfile::tempdir().expect("temp dir");
    let target = deploy.path().join("www");
    std::fs::create_dir(&target).expect("mkdir");
    std::fs::create_dir(target.join("keep")).expect("mkdir");
    std::fs::write(target.join("keep/notes.txt"), "mine").expect("write");
    std::os::unix::fs::symlink(&target, site.path("public")).expect("symlink");

    // Not ours: refused, and nothing removed through the link.
    site.build().assert_code(2);
    assert_eq!(
        std::fs::read_to_string(target.join("keep/notes.txt")).expect("kept"),
        "mine"
    );
    assert!(
        std::fs::symlink_metadata(site.path("public"))
            .expect("link")
            .file_type()
            .is_symlink()
    );

    // Empty: the target gets the site, twice, and the link stays a link.
    std::fs::remove_dir_all(target.join("keep")).expect("empty it");
    site.build_ok();
    site.build_ok();
    assert!(
        std::fs::symlink_metadata(site.path("public"))
            .expect("link")
            .file_type()
            .is_symlink()
    );
    assert!(target.join("en/index.html").is_file());
    assert!(site.public("en/index.html").contains("<main"));
    assert!(
        names(deploy.path()) == ["www"],
        "left beside the target: {:?}",
        names(deploy.path())
    );
}

#[test]
fn issue18_3_a_file_as_output_is_refused_and_not_moved() {
    let site = TestSite::new("good");
    site.write("notes.txt", "my notes");
    let before = names(site.root());
    let run = site.run(&["build", "--output", "notes.txt"]);
    run.assert_code(2);
    assert!(run.stderr().contains("is a file"), "{}", run.stderr());
    assert_eq!(site.read("notes.txt"), "my notes");
    assert_eq!(names(site.root()), before);
}

#[test]
fn issue18_4_links_outside_the_site_are_errors_and_nothing_is_read() {
    let site = TestSite::new("good");
    let outside = tempfile::tempdir().expect("temp dir");
    let secret = outside.path().join("passwd");
    std::fs::write(&secret, "root:x:0:0:SECRET_LINE\n").expect("write");
    let secret_md = outside.path().join("page.md");
    std::fs::write(&secret_md, "root:x:0:0:SECRET_MD\n").expect("write");
    std::fs::create_dir_all(site.path("static")).expect("mkdir");
    std::os::unix::fs::symlink(&secret, site.path("static/p.txt")).expect("symlink");
    std::os::unix::fs::symlink(&secret_md, site.path("content/lessons/stolen.md"))
        .expect("symlink");
    std::os::unix::fs::symlink(outside.path(), site.path("static/shared")).expect("symlink");

    let run = site.build();
    run.assert_code(1);
    let stderr = run.stderr();
    assert!(!stderr.contains("SECRET"), "{stderr}");
    let errors = errors(&stderr);
    for link in ["static/p.txt", "content/lessons/stolen.md", "static/shared"] {
        let error = errors
            .iter()
            .find(|e| e.starts_with(link))
            .unwrap_or_else(|| panic!("no error for {link}: {stderr}"));
        assert!(error.contains("outside the site"), "{error}");
        assert!(
            error.contains(outside.path().to_str().expect("UTF-8")),
            "the target is named: {error}"
        );
    }
    assert!(!site.path("public").exists());
}

#[test]
fn issue18_4_links_inside_the_site_are_followed() {
    let site = TestSite::new("good");
    site.write("assets/logo.txt", "LOGO");
    std::fs::create_dir_all(site.path("static")).expect("mkdir");
    std::os::unix::fs::symlink("../assets/logo.txt", site.path("static/logo.txt"))
        .expect("symlink");
    site.build_ok();
    assert_eq!(site.public("logo.txt"), "LOGO");
}

#[test]
fn issue18_5_a_static_file_never_replaces_a_generated_one() {
    let site = TestSite::new("good");
    site.write("static/en/index.html", "<p>not the home page</p>");
    site.write("static/sitemap.xml", "<urlset/>");
    let run = site.build();
    run.assert_code(1);
    let errors = errors(&run.stderr());
    for path in ["en/index.html", "sitemap.xml"] {
        assert!(
            errors
                .iter()
                .any(|e| e.starts_with(&format!("static/{path}:"))
                    && e.contains(&format!("`{path}`"))),
            "{path}: {errors:?}"
        );
    }
    assert!(!site.path("public").exists());
}

#[test]
fn issue18_1_relative_output_is_relative_to_the_current_folder() {
    let site = TestSite::new("good");
    let cwd = tempfile::tempdir().expect("temp dir");
    let root = site.root().to_str().expect("UTF-8");
    run_in(
        cwd.path(),
        &["build", "--root", root, "--output", "out"],
        site.root(),
    )
    .assert_code(0);
    assert!(cwd.path().join("out/en/index.html").is_file());
    assert_eq!(tree(&site.path("content")), sources(&site).0);
}
