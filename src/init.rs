//! `passerelle init [DIR]`: a bilingual starter portal, ready to `serve`.
//!
//! The starter is `assets/starter/`, embedded at compile time: site.toml with its
//! vocabularies, and one example page of each kind in English and French. Dates are the
//! day of `init` (the example forum is a month later, so it shows as upcoming), and each
//! French page records the revision of the English page it translates, so the new site
//! passes `check` with no warning and `report translations` shows every translation
//! current. A folder that holds anything is refused: `init` never overwrites.

use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result, bail};

use crate::model::Date;

macro_rules! embed {
    ($($path:literal),* $(,)?) => {
        &[$(($path, include_str!(concat!("../assets/starter/", $path)))),*]
    };
}

/// Every file of `assets/starter/` (a test checks that none is missing).
pub const STARTER: &[(&str, &str)] = embed![
    "site.toml",
    "content/_index.md",
    "content/_index.fr.md",
    "content/case-studies/_index.md",
    "content/case-studies/_index.fr.md",
    "content/case-studies/example.md",
    "content/case-studies/example.fr.md",
    "content/lessons/_index.md",
    "content/lessons/_index.fr.md",
    "content/lessons/example.md",
    "content/lessons/example.fr.md",
    "content/recommendations/_index.md",
    "content/recommendations/_index.fr.md",
    "content/recommendations/example.md",
    "content/recommendations/example.fr.md",
    "content/forums/_index.md",
    "content/forums/_index.fr.md",
    "content/forums/example.md",
    "content/forums/example.fr.md",
    "content/pages/_index.md",
    "content/pages/_index.fr.md",
    "content/pages/about.md",
    "content/pages/about.fr.md",
];

/// The marker a French starter page has where its source's revision goes.
const REVISION: &str = "@REVISION@";

/// Creates the starter portal in `dir` (created if absent); returns the files written.
pub fn init(dir: &Path) -> Result<Vec<PathBuf>> {
    if dir.exists() {
        let mut entries =
            std::fs::read_dir(dir).with_context(|| format!("cannot read {}", dir.display()))?;
        if !dir.is_dir() {
            bail!(
                "{} is a file; give a folder to create the portal in",
                dir.display()
            );
        }
        if let Some(entry) = entries.next() {
            let name = entry?.file_name();
            bail!(
                "{} is not empty (it holds {}); `passerelle init` creates a portal in a new or \
                 empty folder only, so it never overwrites anything: give another folder, e.g. \
                 `passerelle init my-portal`",
                dir.display(),
                name.to_string_lossy()
            );
        }
    }
    let today = Date::today();
    let forum = today.plus_days(30);
    let fill = |text: &str| {
        text.replace("@TODAY@", &today.to_string())
            .replace("@MONTH@", &today.to_string()[..7])
            .replace("@FORUM@", &forum.to_string())
    };
    let mut written = Vec::new();
    // Sources first, so the translations can record their revisions.
    let (translations, sources): (Vec<_>, Vec<_>) = STARTER
        .iter()
        .partition(|(_, text)| text.contains(REVISION));
    for (rel, text) in sources {
        written.push(write(dir, rel, &fill(text))?);
    }
    let config = crate::config::SiteConfig::load(dir)
        .map_err(|_| anyhow::anyhow!("the starter's site.toml does not load"))?;
    let (loaded, _) = crate::load::load_pages(dir, &config, false, None);
    let (site, _) = crate::resolve::resolve(config, loaded.pages, &loaded.unreadable);
    for (rel, text) in translations {
        let key = rel
            .strip_prefix("content/")
            .and_then(|r| r.split_once('.'))
            .map_or("", |(stem, _)| stem);
        let key = key.trim_end_matches("/_index").trim_end_matches("_index");
        let source = site
            .page(key, &site.config.default_language)
            .with_context(|| format!("the starter has no source page for {rel}"))?;
        let text = fill(text).replace(REVISION, &site.pages[source].revision());
        written.push(write(dir, rel, &text)?);
    }
    Ok(written)
}

fn write(dir: &Path, rel: &str, text: &str) -> Result<PathBuf> {
    let path = dir.join(rel);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)
            .with_context(|| format!("cannot create {}", parent.display()))?;
    }
    std::fs::write(&path, text).with_context(|| format!("cannot write {}", path.display()))?;
    Ok(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A file added to assets/starter/ but not to STARTER would silently not ship.
    #[test]
    fn every_starter_file_is_embedded() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/starter");
        let (files, _) = crate::load::files_under(&dir, &dir);
        for (_, rel) in files {
            let rel = rel.to_string_lossy().replace('\\', "/");
            assert!(
                STARTER.iter().any(|(p, _)| *p == rel),
                "{rel} is not embedded in STARTER"
            );
        }
    }
}
