//! What `build` prints besides diagnostics (issue 21): a progress line on a terminal once a
//! build has run for a second (here from the start: no build of a test is sure to last a
//! second), nothing extra when stderr is not a terminal, and errors only with `--quiet`.

use std::process::Command;

use crate::harness::{BIN, TestSite, errors};

#[test]
fn issue21_a_long_build_on_a_terminal_shows_its_stage_and_pages_done() {
    let site = TestSite::empty();
    let corpus = site.path("corpus");
    let gen_corpus = crate::harness::repo_root().join("../shared/bench/gen-corpus");
    let status = Command::new(&gen_corpus)
        .args(["--pairs", "1000", "--out"])
        .arg(&corpus)
        .output()
        .expect("run ../shared/bench/gen-corpus");
    assert!(status.status.success(), "gen-corpus failed");
    // `script` gives the build a terminal and records what it wrote there.
    let typescript = site.path("typescript");
    let command = format!(
        "{BIN} build --root {} --output {}",
        corpus.display(),
        site.path("out").display()
    );
    let run = Command::new("script")
        .env("PASSERELLE_PROGRESS_AFTER_MS", "0")
        .args(["-qec", &command])
        .arg(&typescript)
        .output()
        .expect("run script (util-linux)");
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stdout)
    );
    let shown = std::fs::read_to_string(&typescript).expect("typescript");
    let counted = |stage: &str| shown.contains(&format!("\r\x1b[2K{stage}: "));
    assert!(
        counted("Markdown") || counted("templates"),
        "no progress line with the pages done: {shown:?}"
    );
    assert!(shown.contains("\r\x1b[2K"), "the line is redrawn in place");
    assert!(shown.contains("built 2000 pages"), "{shown:?}");

    // The same build with stderr to a pipe: only the summary.
    let piped = Command::new(BIN)
        .args(["build", "--root"])
        .arg(&corpus)
        .arg("--output")
        .arg(site.path("out"))
        .output()
        .expect("run passerelle");
    let stderr = String::from_utf8_lossy(&piped.stderr);
    assert!(
        !stderr.contains('\r') && !stderr.contains("templates:"),
        "{stderr:?}"
    );
}

#[test]
fn issue21_quiet_prints_errors_only() {
    let site = TestSite::new("good");
    // The good fixture has one warning (a page without its French version).
    let run = site.run(&["build", "--quiet"]);
    run.assert_code(0);
    assert_eq!(run.stderr(), "");
    site.write(
        "content/lessons/partnerships-last.md",
        site.read("content/lessons/partnerships-last.md")
            .replace("date: 2022-05-10", "date: 2022-13-10"),
    );
    let run = site.run(&["check", "--quiet"]);
    run.assert_code(1);
    assert_eq!(run.diagnostics().len(), 1, "{}", run.stderr());
    assert_eq!(errors(&run.stderr()).len(), 1);
}
