//! The shipped content paraphrases the source documents: no run of 8 or more consecutive
//! words of any seed (`../shared/seeds/`) appears in `content/`. The titles of the
//! sources a page cites (`sources: - {title: …}`) are quoted as published, so they are
//! left out of the comparison; everything else, body and front matter, is compared.

use std::collections::HashSet;

use crate::harness::repo_root;

const RUN: usize = 8;

/// Lowercase words, punctuation removed (apostrophes split words, as in «l'intégration»).
fn words(text: &str) -> Vec<String> {
    text.to_lowercase()
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect()
}

/// A page without the titles of the sources it cites.
fn without_source_titles(text: &str) -> String {
    text.lines()
        .filter(|line| !line.trim_start().starts_with("- {title:"))
        .collect::<Vec<_>>()
        .join("\n")
}

fn files(dir: &std::path::Path, ext: &str, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("readable folder").flatten() {
        let path = entry.path();
        if path.is_dir() {
            files(&path, ext, out);
        } else if path.extension().is_some_and(|e| e == ext) {
            out.push(path);
        }
    }
}

#[test]
fn no_eight_word_run_of_a_seed_is_in_the_content() {
    let seeds_dir = repo_root().join("../shared/seeds");
    assert!(
        seeds_dir.is_dir(),
        "../shared/seeds is missing: clone the repository with shared/ beside it"
    );
    let mut seeds = Vec::new();
    files(&seeds_dir, "txt", &mut seeds);
    assert!(
        seeds.len() >= 5,
        "expected the five seed documents, found {}",
        seeds.len()
    );
    let mut runs: HashSet<Vec<String>> = HashSet::new();
    for seed in &seeds {
        let w = words(&std::fs::read_to_string(seed).expect("seed is text"));
        runs.extend(w.windows(RUN).map(<[String]>::to_vec));
    }
    let mut pages = Vec::new();
    files(&repo_root().join("content"), "md", &mut pages);
    assert!(pages.len() > 40, "the shipped content is missing");
    let mut copied = Vec::new();
    for page in &pages {
        let w = words(&without_source_titles(
            &std::fs::read_to_string(page).expect("page is text"),
        ));
        if let Some(run) = w.windows(RUN).find(|r| runs.contains(*r)) {
            copied.push(format!("{}: \"{}\"", page.display(), run.join(" ")));
        }
    }
    assert!(
        copied.is_empty(),
        "content copies seed sentences:\n{}",
        copied.join("\n")
    );
}
