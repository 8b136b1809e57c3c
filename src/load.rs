//! Load: walk `content/`, name each Markdown file (`NAME.md`, `NAME.LANG.md`) and read it.
//!
//! Output: one [`Page`] per file whose front matter is usable, plus diagnostics. A file's
//! key is its path under content/ without language suffix and `.md`; `_index` files are the
//! home page and section introductions. Files with a BOM or CRLF (or lone CR) line ends are
//! accepted: both are normalized here, so every later offset is an offset of the text the
//! author sees.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::SystemTime;

use rayon::prelude::*;
use walkdir::WalkDir;

use crate::config::SiteConfig;
use crate::diagnostics::{Diagnostic, LineIndex, Pos};
use crate::frontmatter;
use crate::model::{Body, Kind, Page, Role};

pub const CONTENT_DIR: &str = "content";

/// A Markdown file found under content/, named but not yet read.
struct Found {
    /// Relative to the site root.
    path: PathBuf,
    key: String,
    lang: String,
    role: Role,
}

/// Files read by a previous run, reused while their size and modification time are
/// unchanged (what `make` trusts too). Only valid for the config it was filled with.
#[derive(Default)]
pub struct LoadCache {
    files: HashMap<PathBuf, CachedFile>,
}

#[derive(Clone)]
struct CachedFile {
    key: String,
    lang: String,
    stamp: Stamp,
    page: Option<Arc<Page>>,
    diags: Vec<Diagnostic>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
struct Stamp {
    len: u64,
    modified: Option<SystemTime>,
}

impl LoadCache {
    pub fn clear(&mut self) {
        self.files.clear();
    }

    /// Reads again the file at `rel` (relative to `root`) after an edit that may have
    /// changed only its body. When it is still a page with the same name, front matter and
    /// problems as the cached one, the cache takes the new version and returns it; `None`
    /// otherwise (a full load must follow).
    pub fn reread(&mut self, root: &Path, rel: &Path, config: &SiteConfig) -> Option<Arc<Page>> {
        let cached = self.files.get(rel)?;
        let old = cached.page.as_ref()?;
        // Stamped before reading: a write racing with the read leaves a stale stamp, which
        // only makes the next full load read the file again.
        // A link turned to point outside the site: the full load reports it.
        resolves_inside(&root.canonicalize().ok()?, &root.join(rel)).ok()?;
        let meta = std::fs::metadata(root.join(rel)).ok()?;
        let stamp = Stamp {
            len: meta.len(),
            modified: meta.modified().ok(),
        };
        let found = name_file(rel, config).ok()?;
        let (page, diags) = read_page(root, found, config, false);
        let page = page?;
        let same_outline = page.key == old.key
            && page.lang == old.lang
            && page.role == old.role
            && page.outline_hash == old.outline_hash
            && page.fm == old.fm
            && page.body_line == old.body_line
            && diags == cached.diags;
        if !same_outline {
            return None;
        }
        let page = Arc::new(page);
        let entry = self.files.get_mut(rel)?;
        entry.stamp = stamp;
        entry.page = Some(Arc::clone(&page));
        Some(page)
    }
}

/// The pages of the site, and the (key, language) of files that exist but could not be read:
/// later stages must not also report those as missing.
pub struct Loaded {
    /// Shared: a page that did not change is the same value from one build to the next.
    pub pages: Vec<Arc<Page>>,
    pub unreadable: HashSet<(String, String)>,
}

/// Reads every page of the site. Pages with problems are left out and reported.
pub fn load_pages(
    root: &Path,
    config: &SiteConfig,
    drafts: bool,
    mut cache: Option<&mut LoadCache>,
) -> (Loaded, Vec<Diagnostic>) {
    let (found, mut diags) = walk_content(root, config);
    let empty = HashMap::new();
    let previous = cache.as_ref().map_or(&empty, |c| &c.files);
    let defer_bodies = cache.is_none();
    let load = |f: Found| load_file(root, config, previous, defer_bodies, f);
    let results: Vec<(PathBuf, CachedFile)> = match readers() {
        Some(pool) => pool.install(|| found.into_par_iter().map(load).collect()),
        None => found.into_par_iter().map(load).collect(),
    };
    let mut pages = Vec::with_capacity(results.len());
    let mut unreadable = HashSet::new();
    let keep = cache.is_some();
    let mut files = HashMap::with_capacity(if keep { results.len() } else { 0 });
    for (path, mut cached) in results {
        if cached.page.is_none() {
            unreadable.insert((cached.key.clone(), cached.lang.clone()));
        }
        // A one-shot build keeps nothing: no copy of every page for a next build.
        let page = if keep {
            cached.page.clone()
        } else {
            cached.page.take()
        };
        if keep {
            diags.extend(cached.diags.iter().cloned());
            files.insert(path, cached);
        } else {
            diags.append(&mut cached.diags);
        }
        if let Some(page) = page
            && (drafts || !page.fm.draft)
        {
            pages.push(page);
        }
    }
    pages.sort_by(|a, b| (&a.key, &a.lang).cmp(&(&b.key, &b.lang)));
    if let Some(cache) = cache.as_mut() {
        cache.files = files;
    }
    (Loaded { pages, unreadable }, diags)
}

/// Reads the page file `f`, or takes the last build's reading of it if the file's size
/// and time did not change. With `defer_body` (a run that keeps nothing), the body is
/// read again when the page is rendered.
fn load_file(
    root: &Path,
    config: &SiteConfig,
    previous: &HashMap<PathBuf, CachedFile>,
    defer_body: bool,
    f: Found,
) -> (PathBuf, CachedFile) {
    let stamp = std::fs::metadata(root.join(&f.path)).ok().map(|m| Stamp {
        len: m.len(),
        modified: m.modified().ok(),
    });
    if let (Some(stamp), Some(hit)) = (stamp, previous.get(&f.path))
        && hit.stamp == stamp
        && stamp.modified.is_some()
    {
        return (f.path.clone(), hit.clone());
    }
    let (path, key, lang) = (f.path.clone(), f.key.clone(), f.lang.clone());
    let (page, diags) = read_page(root, f, config, defer_body);
    let page = page.map(Arc::new);
    let stamp = stamp.unwrap_or(Stamp {
        len: 0,
        modified: None,
    });
    (
        path,
        CachedFile {
            key,
            lang,
            stamp,
            page,
            diags,
        },
    )
}

/// Reading a page waits on the disk whenever the page cache has let the file go, as it
/// has when a site is built again minutes after the last build. More readers than cores
/// keep several reads in flight while the others parse: at 10,000 pages with nothing
/// cached, the load took 1.05 s on the global pool's two threads and 0.53 s on eight.
const READERS: usize = 8;

/// A pool of [`READERS`] threads for the load, or `None` (then the global pool reads).
fn readers() -> Option<rayon::ThreadPool> {
    rayon::ThreadPoolBuilder::new()
        .num_threads(READERS)
        .thread_name(|i| format!("reader-{i}"))
        .build()
        .ok()
}

fn walk_content(root: &Path, config: &SiteConfig) -> (Vec<Found>, Vec<Diagnostic>) {
    let mut found = Vec::new();
    let mut diags = Vec::new();
    let mut problems = Vec::new();
    let content = root.join(CONTENT_DIR);
    if !content.is_dir() {
        diags.push(
            Diagnostic::error(CONTENT_DIR, Pos::START, "the site has no content/ folder")
                .help("create content/_index.md (English home page) and content/_index.fr.md"),
        );
        return (found, diags);
    }
    diags.extend(walk_inside(root, &content, |entry| {
        let name = entry.file_name().to_string_lossy();
        if name.starts_with('.') || !name.ends_with(".md") {
            return;
        }
        let Ok(rel) = entry.path().strip_prefix(root) else {
            return;
        };
        match name_file(rel, config) {
            Ok(f) => found.push(f),
            Err(d) => problems.push(*d),
        }
    }));
    diags.append(&mut problems);
    (found, diags)
}

/// Works out key, language and role from a path like `content/case-studies/x.fr.md`.
fn name_file(rel: &Path, config: &SiteConfig) -> Result<Found, Box<Diagnostic>> {
    let under: Vec<String> = rel
        .strip_prefix(CONTENT_DIR)
        .unwrap_or(rel)
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    let file = under.last().cloned().unwrap_or_default();
    // The name becomes a URL, a calendar UID, a line of a report: a line break or another
    // control character in it can only be a mistake, and would break those lines.
    if under.iter().any(|c| c.chars().any(char::is_control)) {
        return Err(Box::new(
            Diagnostic::error(
                rel,
                Pos::START,
                "the file's name or folder has a control character (a line break, a tab…)",
            )
            .value(format!("{:?}", rel.to_string_lossy()))
            .help("rename it with lowercase letters, digits and hyphens, e.g. `food-hub.md`"),
        ));
    }
    let stem = file.strip_suffix(".md").unwrap_or(&file);
    let (name, lang) = match stem.rsplit_once('.') {
        Some((name, lang)) => {
            if !config.has_language(lang) {
                return Err(Box::new(
                    Diagnostic::error(
                        rel,
                        Pos::START,
                        format!(
                            "the file name says language `{lang}`, which site.toml does not list"
                        ),
                    )
                    .value(&file)
                    .help(format!(
                        "the site's languages are {}; a file in the default language has no suffix (`{name}.md`)",
                        config
                            .languages
                            .iter()
                            .map(|l| format!("`{l}`"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    )),
                ));
            }
            (name.to_string(), lang.to_string())
        }
        None => (stem.to_string(), config.default_language.clone()),
    };
    let dirs = &under[..under.len().saturating_sub(1)];
    let mut key_parts: Vec<&str> = dirs.iter().map(String::as_str).collect();
    let role = if name == "_index" {
        match dirs {
            [] => Role::Home,
            [section] => {
                check_section(rel, section, config)?;
                Role::SectionIndex(section.clone())
            }
            _ => {
                return Err(Box::new(
                    Diagnostic::error(
                        rel,
                        Pos::START,
                        "an `_index` file belongs at the top of content/ or of a section folder",
                    )
                    .value(rel.to_string_lossy())
                    .help("move it up, or rename it to make it a page"),
                ));
            }
        }
    } else {
        key_parts.push(&name);
        match dirs.first() {
            None => Role::Page {
                kind: Kind::Page,
                section: None,
            },
            Some(section) => {
                let kind = check_section(rel, section, config)?;
                Role::Page {
                    kind,
                    section: Some(section.clone()),
                }
            }
        }
    };
    let key = if name == "_index" && dirs.is_empty() {
        String::new()
    } else {
        key_parts.join("/")
    };
    Ok(Found {
        path: rel.to_path_buf(),
        key,
        lang,
        role,
    })
}

fn check_section(rel: &Path, section: &str, config: &SiteConfig) -> Result<Kind, Box<Diagnostic>> {
    config.section(section).map(|s| s.kind).ok_or_else(|| {
        Box::new(
            Diagnostic::error(rel, Pos::START, format!("folder `{section}` is not a section of site.toml"))
                .value(section)
                .help(match crate::diagnostics::closest(section, config.sections.iter().map(|s| s.name.as_str())) {
                    Some(close) => format!("did you mean `{close}`? Otherwise add `[sections.{section}]` with its `kind` and `title` to site.toml"),
                    None => format!("add `[sections.{section}]` with its `kind` and `title` to site.toml"),
                }),
        )
    })
}

/// Reads and parses the page file `f`; with `defer_body`, leaves its body in the file
/// ([`Body::InFile`], read by [`body_text`]).
fn read_page(
    root: &Path,
    f: Found,
    config: &SiteConfig,
    defer_body: bool,
) -> (Option<Page>, Vec<Diagnostic>) {
    let bytes = match read_file(root, &f.path) {
        Ok(b) => b,
        Err(problem) => return (None, vec![problem]),
    };
    let text = match decode(bytes) {
        Ok(t) => t,
        Err((pos, byte)) => {
            return (
                None,
                vec![
                    Diagnostic::error(&f.path, pos, "the file is not valid UTF-8 text")
                        .value(format!("byte 0x{byte:02x}"))
                        .help("save the file with the UTF-8 encoding (most editors: \"Save with encoding\" → UTF-8)"),
                ],
            );
        }
    };
    let source_hash = crate::model::stable_hash(text.as_bytes());
    let (parsed, diags) = frontmatter::parse(&text, &f.path, &f.role, config);
    let page = parsed.map(|p| {
        // The body is the end of the text; what comes before it is the front matter.
        let body_start = text.len().saturating_sub(p.body.len());
        Page {
            outline_hash: crate::model::stable_hash(&text.as_bytes()[..body_start]),
            key: f.key,
            lang: f.lang,
            role: f.role,
            path: f.path,
            fm: p.fm,
            body: if defer_body {
                Body::InFile {
                    start: body_start,
                    text_hash: crate::text::text_hash(&text),
                }
            } else {
                Body::Read(p.body)
            },
            body_line: p.body_line,
            source_hash,
        }
    });
    (page, diags)
}

/// The Markdown of `body`, `page`'s body, read from the page's file when the load left
/// it there. The file must be as it was when loaded: its front matter was read then.
pub fn body_text<'a>(
    root: &Path,
    page: &Page,
    body: &'a Body,
) -> Result<std::borrow::Cow<'a, str>, Diagnostic> {
    let (start, text_hash) = match body {
        Body::Read(text) => return Ok(std::borrow::Cow::Borrowed(text)),
        Body::InFile { start, text_hash } => (*start, *text_hash),
    };
    let changed = || {
        Diagnostic::error(
            &page.path,
            Pos::START,
            "the file changed while the site was being built",
        )
        .help("build again")
    };
    let bytes = read_file(root, &page.path)?;
    let mut text = decode(bytes).map_err(|_| changed())?;
    if crate::text::text_hash(&text) != text_hash || !text.is_char_boundary(start) {
        return Err(changed());
    }
    Ok(std::borrow::Cow::Owned(text.split_off(start)))
}

/// The bytes of the site's file `path`, or the problem, for its author.
fn read_file(root: &Path, path: &Path) -> Result<Vec<u8>, Diagnostic> {
    std::fs::read(root.join(path))
        .map_err(|e| Diagnostic::error(path, Pos::START, format!("cannot read the file: {e}")))
}

/// UTF-8 without BOM and with `\n` line ends; on failure, where the first bad byte is.
pub fn decode(bytes: Vec<u8>) -> Result<String, (Pos, u8)> {
    let text = String::from_utf8(bytes).map_err(|e| {
        let valid = e.utf8_error().valid_up_to();
        let bytes = e.into_bytes();
        let prefix = String::from_utf8_lossy(&bytes[..valid]).into_owned();
        (LineIndex::new(&prefix).pos(&prefix, valid), bytes[valid])
    })?;
    // Once, here, so every later stage sees the same text (see text::source).
    Ok(crate::text::source(text))
}

/// Every file under `dir` (a folder of the site at `root`), as (absolute source, path
/// relative to `dir`), sorted; links are followed only inside the site ([`walk_inside`]).
pub fn files_under(root: &Path, dir: &Path) -> (Vec<(PathBuf, PathBuf)>, Vec<Diagnostic>) {
    let mut files = Vec::new();
    if !dir.is_dir() {
        return (files, Vec::new());
    }
    let diags = walk_inside(root, dir, |entry| {
        if let Ok(rel) = entry.path().strip_prefix(dir) {
            files.push((entry.path().to_path_buf(), rel.to_path_buf()));
        }
    });
    (files, diags)
}

/// Walks `dir`, in name order, and calls `visit` for each file. Symlinks are followed
/// where they resolve inside the site at `root`, so authors may share a file between
/// folders. A link that resolves outside it is an error naming the link and its target,
/// and nothing is read through it: a site must not publish `/etc/passwd` because a link
/// said so. Loops and unreadable entries are errors too; the walk goes on past each.
pub fn walk_inside(
    root: &Path,
    dir: &Path,
    mut visit: impl FnMut(&walkdir::DirEntry),
) -> Vec<Diagnostic> {
    let mut diags = Vec::new();
    let root_real = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    let shown = |path: &Path| path.strip_prefix(root).unwrap_or(path).to_path_buf();
    let mut walk = WalkDir::new(dir)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter();
    while let Some(entry) = walk.next() {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                let path = e.path().map_or_else(|| shown(dir), shown);
                let message = if e.loop_ancestor().is_some() {
                    "this link points back to a folder that contains it (a symlink loop); it is skipped".to_string()
                } else {
                    format!("cannot read: {e}")
                };
                diags.push(
                    Diagnostic::error(path, Pos::START, message)
                        .help("remove the link or fix the file's permissions"),
                );
                continue;
            }
        };
        if entry.path_is_symlink()
            && let Err(target) = resolves_inside(&root_real, entry.path())
        {
            diags.push(
                Diagnostic::error(
                    shown(entry.path()),
                    Pos::START,
                    "this link points outside the site folder; nothing is read through it",
                )
                .value(target.display().to_string())
                .help("copy what it points to into the site, or make the link point inside the site folder"),
            );
            if entry.file_type().is_dir() {
                walk.skip_current_dir();
            }
            continue;
        }
        if entry.file_type().is_file() {
            visit(&entry);
        }
    }
    diags
}

/// `Ok` when `path`, links resolved, is inside `root_real` (itself resolved); otherwise
/// where it leads.
pub fn resolves_inside(root_real: &Path, path: &Path) -> Result<(), PathBuf> {
    match path.canonicalize() {
        Ok(real) if real.starts_with(root_real) => Ok(()),
        Ok(real) => Err(real),
        Err(_) => Err(std::fs::read_link(path).unwrap_or_else(|_| path.to_path_buf())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config() -> SiteConfig {
        SiteConfig::parse(
            r#"
title = "T"
base_url = "https://example.org"
default_language = "en"
languages = ["en", "fr"]
[sections.case-studies]
kind = "case-study"
title = "Case studies"
"#,
        )
        .expect("config")
    }

    #[test]
    fn a_deferred_body_is_read_when_rendered_and_a_changed_file_is_reported() {
        let site = tempfile::tempdir().expect("temp dir");
        let rel = Path::new("content/about.md");
        std::fs::create_dir_all(site.path().join("content")).expect("content");
        let source = "---\r\ntitle: About\r\nsummary: What it is.\r\ndate: 2024-01-10\r\n---\r\nCafe\u{301} and more.\r\n";
        std::fs::write(site.path().join(rel), source).expect("write");
        let c = config();
        let read = |defer| {
            let found = name_file(rel, &c).expect("name");
            let (page, diags) = read_page(site.path(), found, &c, defer);
            assert!(diags.is_empty(), "{diags:?}");
            page.expect("page")
        };
        let kept = read(false);
        let deferred = read(true);
        assert!(matches!(deferred.body, Body::InFile { .. }));
        let now = body_text(site.path(), &deferred, &deferred.body).expect("body");
        // The same text as a body read at once: line ends and composed accents included.
        assert_eq!(
            now,
            body_text(site.path(), &kept, &kept.body).expect("body")
        );
        assert_eq!(now, "Caf\u{e9} and more.\n");

        std::fs::write(site.path().join(rel), source.replace("more", "less")).expect("edit");
        let changed = body_text(site.path(), &deferred, &deferred.body).expect_err("changed");
        assert!(changed.message.contains("changed"), "{changed:?}");
    }

    #[test]
    fn names_keys_languages_and_roles() {
        let c = config();
        let f = name_file(Path::new("content/case-studies/food-hub.fr.md"), &c).expect("ok");
        assert_eq!(
            (f.key.as_str(), f.lang.as_str()),
            ("case-studies/food-hub", "fr")
        );
        assert_eq!(
            f.role,
            Role::Page {
                kind: Kind::CaseStudy,
                section: Some("case-studies".into())
            }
        );
        let f = name_file(Path::new("content/_index.md"), &c).expect("ok");
        assert_eq!((f.key.as_str(), f.role), ("", Role::Home));
        let f = name_file(Path::new("content/case-studies/_index.fr.md"), &c).expect("ok");
        assert_eq!(f.role, Role::SectionIndex("case-studies".into()));
        let f = name_file(Path::new("content/about.md"), &c).expect("ok");
        assert_eq!(
            f.role,
            Role::Page {
                kind: Kind::Page,
                section: None
            }
        );
    }

    #[test]
    fn refuses_unknown_language_and_section() {
        let c = config();
        let e = name_file(Path::new("content/case-studies/x.es.md"), &c)
            .err()
            .expect("error");
        assert!(e.message.contains("language `es`"));
        let e = name_file(Path::new("content/case-study/x.md"), &c)
            .err()
            .expect("error");
        assert!(
            e.help
                .as_deref()
                .unwrap_or("")
                .contains("did you mean `case-studies`")
        );
    }

    #[test]
    fn refuses_control_characters_in_names() {
        let c = config();
        let e = name_file(Path::new("content/case-studies/x\r\nBEGIN:VEVENT.md"), &c)
            .err()
            .expect("error");
        assert!(e.message.contains("control character"), "{e}");
    }

    #[test]
    fn decode_strips_bom_and_crlf_and_locates_bad_bytes() {
        assert_eq!(
            decode(b"\xef\xbb\xbfa\r\nb".to_vec()),
            Ok("a\nb".to_string())
        );
        assert_eq!(decode(b"ok\nab\xffc".to_vec()), Err((Pos::new(2, 3), 0xff)));
        assert_eq!(decode(b"a\rb\r\nc".to_vec()), Ok("a\nb\nc".to_string()));
    }
}
