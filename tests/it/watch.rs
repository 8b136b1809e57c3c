//! `passerelle watch`: the same incremental rebuild, written to `public/` atomically.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::harness::{BIN, TestSite};

#[test]
fn watch_rewrites_public_with_every_file_after_an_edit() {
    let site = TestSite::new("good");
    let mut child = Command::new(BIN)
        .args(["watch", "--root"])
        .arg(site.root())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("watch starts");
    let page = site.path("public/en/case-studies/food-hub-montreal-nord/index.html");
    let wait_for = |what: &str, pred: &dyn Fn() -> bool| {
        let deadline = Instant::now() + Duration::from_secs(30);
        while !pred() {
            assert!(Instant::now() < deadline, "timed out waiting for {what}");
            std::thread::sleep(Duration::from_millis(100));
        }
    };
    wait_for("the first build", &|| page.exists());
    let files_before = site.tree("public").len();
    let source = "content/case-studies/food-hub-montreal-nord.md";
    let text = site.read(source);
    site.write(
        source,
        text.replace("Volunteers delivered", "Neighbours delivered"),
    );
    wait_for("the rebuild", &|| {
        std::fs::read_to_string(&page).is_ok_and(|t| t.contains("Neighbours delivered"))
    });
    let _ = child.kill();
    let _ = child.wait();
    // Pages that did not change were reused, and still written to the new public/.
    assert_eq!(site.tree("public").len(), files_before);
    let clean = TestSite::new("good");
    clean.write(source, site.read(source));
    clean.build_ok();
    let (watched, built) = (site.tree("public"), clean.tree("public"));
    for (path, bytes) in &built {
        assert!(
            watched.get(path) == Some(bytes),
            "{path} differs from a clean build"
        );
    }
}
