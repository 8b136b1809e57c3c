//! One way to run `passerelle` in tests: copy a fixture site into a fresh temp folder, run the
//! real binary on it with a clean environment, and read back its exit code, output and files.
//!
//! Paths of the temp folder are redacted to `[ROOT]` and build times to `[TIME]`, so stderr
//! can be snapshotted. Every test gets its own folder: tests run in parallel and leave nothing.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

pub const BIN: &str = env!("CARGO_BIN_EXE_passerelle");

/// `tests/fixtures/` of this repository.
pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// The repository root, which holds the shipped site (`site.toml`, `content/`).
pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A site folder of its own, deleted when dropped.
pub struct TestSite {
    _dir: tempfile::TempDir,
    root: PathBuf,
}

impl TestSite {
    /// A copy of `tests/fixtures/NAME`.
    pub fn new(fixture: &str) -> Self {
        let site = Self::empty();
        let from = fixtures().join(fixture);
        assert!(from.is_dir(), "no fixture at {}", from.display());
        copy_dir(&from, &site.root);
        site
    }

    pub fn empty() -> Self {
        let dir = tempfile::Builder::new()
            .prefix("passerelle-it-")
            .tempdir()
            .expect("temp dir");
        // Canonical, so the redaction matches what the binary prints.
        let root = dir.path().canonicalize().expect("canonical temp dir");
        Self { _dir: dir, root }
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    pub fn path(&self, rel: &str) -> PathBuf {
        self.root.join(rel)
    }

    /// Writes `bytes` to `rel` (creating folders), replacing what was there.
    pub fn write(&self, rel: &str, bytes: impl AsRef<[u8]>) -> &Self {
        let path = self.path(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("create dirs");
        }
        std::fs::write(&path, bytes).expect("write fixture file");
        self
    }

    pub fn remove(&self, rel: &str) -> &Self {
        std::fs::remove_file(self.path(rel)).expect("remove fixture file");
        self
    }

    /// A file of the site as text.
    pub fn read(&self, rel: &str) -> String {
        let path = self.path(rel);
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()))
    }

    /// A file of `public/` as text.
    pub fn public(&self, rel: &str) -> String {
        self.read(&format!("public/{rel}"))
    }

    /// Runs `passerelle ARGS --root ROOT` in the site folder.
    pub fn run(&self, args: &[&str]) -> Run {
        let mut all: Vec<&str> = args.to_vec();
        let root = self.root.to_str().expect("UTF-8 temp path");
        all.extend(["--root", root]);
        run_in(&self.root, &all, &self.root)
    }

    pub fn build(&self) -> Run {
        self.run(&["build"])
    }

    pub fn check(&self) -> Run {
        self.run(&["check"])
    }

    /// Builds and insists on success; returns the run for its warnings.
    pub fn build_ok(&self) -> Run {
        let run = self.build();
        run.assert_code(0);
        run
    }

    /// Every file under `rel` (path relative to it → bytes), to compare before and after.
    pub fn tree(&self, rel: &str) -> BTreeMap<String, Vec<u8>> {
        tree(&self.path(rel))
    }
}

/// Runs the binary in `cwd` with only `PATH` from the environment; `redact` becomes `[ROOT]`.
pub fn run_in(cwd: &Path, args: &[&str], redact: &Path) -> Run {
    let mut cmd = Command::new(BIN);
    cmd.args(args).current_dir(cwd).env_clear();
    if let Some(path) = std::env::var_os("PATH") {
        cmd.env("PATH", path);
    }
    let out = cmd.output().expect("run passerelle");
    Run {
        code: out.status.code(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        raw_stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        root: redact.to_path_buf(),
        args: args.iter().map(|a| (*a).to_string()).collect(),
    }
}

/// What one run of the binary did.
pub struct Run {
    /// `None` if killed by a signal.
    pub code: Option<i32>,
    pub stdout: String,
    raw_stderr: String,
    root: PathBuf,
    args: Vec<String>,
}

impl Run {
    /// stderr with the site folder as `[ROOT]` and durations as `[TIME]`.
    pub fn stderr(&self) -> String {
        redact(&self.raw_stderr, &self.root)
    }

    pub fn assert_code(&self, code: i32) -> &Self {
        assert_eq!(
            self.code,
            Some(code),
            "`passerelle {}` exited with {:?}, expected {code}; stderr:\n{}",
            self.args.join(" "),
            self.code,
            self.stderr()
        );
        self
    }

    /// The diagnostics printed (every `path:line:col: severity: …` block).
    pub fn diagnostics(&self) -> Vec<String> {
        diagnostics(&self.stderr())
    }
}

/// The diagnostics of a report that are errors (not warnings).
pub fn errors(stderr: &str) -> Vec<String> {
    diagnostics(stderr)
        .into_iter()
        .filter(|d| d.lines().next().is_some_and(|l| l.contains(": error: ")))
        .collect()
}

/// Splits a report into its diagnostics: blocks separated by blank lines whose first line is
/// `path:line:col: severity: message`.
pub fn diagnostics(stderr: &str) -> Vec<String> {
    stderr
        .split("\n\n")
        .map(|b| b.trim_matches('\n'))
        .filter(|b| {
            b.lines()
                .next()
                .is_some_and(|l| l.contains(": error: ") || l.contains(": warning: "))
        })
        .map(str::to_string)
        .collect()
}

pub fn redact(text: &str, root: &Path) -> String {
    let mut out = text.to_string();
    let root = root.to_string_lossy();
    if !root.is_empty() {
        out = out.replace(root.as_ref(), "[ROOT]");
    }
    redact_seconds(&out)
}

/// `in 0.12 s` → `in [TIME] s`.
fn redact_seconds(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find(" in ") {
        let (head, tail) = rest.split_at(i + 4);
        out.push_str(head);
        let number_len = tail
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(tail.len());
        if number_len > 0 && tail[number_len..].starts_with(" s") {
            out.push_str("[TIME]");
            rest = &tail[number_len..];
        } else {
            rest = tail;
        }
    }
    out.push_str(rest);
    out
}

/// Every file under `dir`, by path relative to it with `/` separators.
pub fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut files = BTreeMap::new();
    collect(dir, dir, &mut files);
    files
}

fn collect(base: &Path, dir: &Path, files: &mut BTreeMap<String, Vec<u8>>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries {
        let path = entry.expect("dir entry").path();
        if path.is_dir() {
            collect(base, &path, files);
        } else {
            let rel = path
                .strip_prefix(base)
                .expect("under base")
                .to_string_lossy()
                .replace('\\', "/");
            files.insert(rel, std::fs::read(&path).expect("read file"));
        }
    }
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("create dir");
    for entry in std::fs::read_dir(from).expect("read fixture dir") {
        let entry = entry.expect("dir entry");
        let dest = to.join(entry.file_name());
        if entry.file_type().expect("file type").is_dir() {
            copy_dir(&entry.path(), &dest);
        } else {
            std::fs::copy(entry.path(), &dest).expect("copy fixture file");
        }
    }
}

/// `<main …>…</main>` of a page, both tags included.
pub fn main_of(html: &str) -> &str {
    let start = html.find("<main").expect("page has <main>");
    let end = html[start..].find("</main>").expect("page has </main>") + start;
    &html[start..end + "</main>".len()]
}
