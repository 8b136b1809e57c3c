//! Write: the rendered files → `public/`, all or nothing.
//!
//! The site is written to a staging folder beside the output folder (same file system),
//! then swapped in with one atomic `rename` exchange, so a reader, a web server or a build
//! killed at any moment sees the old site or the new one, never a mix. A failed build never
//! reaches this module, so the previous `public/` stays byte-identical.

mod scatter;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{Context as _, Result};
use rayon::prelude::*;

/// One file of the built site.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputFile {
    /// Relative to the output folder, with `/` separators (`en/x/index.html`).
    pub path: String,
    /// Shared, so a rebuild that keeps a file does not copy it. An `Arc<Vec>` rather
    /// than an `Arc<[u8]>`, which copies the bytes it is made from: the sitemap of
    /// 50,000 pages is 31 MB, and its copy set the build's peak of memory.
    pub bytes: Arc<Vec<u8>>,
    /// For HTML pages: what the sitemap says about them.
    pub sitemap: Option<SitemapEntry>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SitemapEntry {
    /// Absolute URL.
    pub url: String,
    pub lastmod: Option<String>,
    /// (language, absolute URL) of every version, this one included.
    pub alternates: Vec<(String, String)>,
}

impl OutputFile {
    pub fn new(path: String, bytes: Vec<u8>) -> Self {
        Self {
            path,
            bytes: bytes.into(),
            sitemap: None,
        }
    }

    /// The same file, its bytes already on disk and dropped from memory.
    #[must_use]
    pub fn without_bytes(self) -> Self {
        Self {
            bytes: Arc::from(Vec::new()),
            ..self
        }
    }
}

/// `file`, written to `staging` when there is one; a build that does not `keep` written
/// files then forgets their bytes (its name and sitemap entry are all it needs).
pub fn stream(staging: Option<&Staging>, file: OutputFile, keep: bool) -> Result<OutputFile> {
    let Some(staging) = staging else {
        return Ok(file);
    };
    staging.write(&file)?;
    Ok(if keep { file } else { file.without_bytes() })
}

/// The file every build leaves at the top of its output folder: a later build replaces
/// only a folder that is absent, empty, or marked with it, so a mistyped `--output` never
/// deletes a user's files.
pub const MARKER: &str = ".passerelle-output";
const MARKER_TEXT: &str =
    "This folder is the output of `passerelle build`, which replaces it whole on every build.\n";

/// Folders of the site that an output folder may never be, nor be inside, even with
/// `--force`: replacing them would delete the sources.
const SOURCE_FOLDERS: [&str; 5] = ["content", "static", "templates", "themes", ".passerelle"];

/// Why a build will not write to the output folder it was given: a usage error, not an
/// author mistake, so `main` exits with 2.
#[derive(Debug)]
pub struct Refusal(String);

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Refusal {}

/// Checks that `out` is a folder the build may replace, and returns the real folder to
/// replace: `out` itself, or the folder a symlinked `out` points to (the site is written
/// through the link, which stays). Refused, whatever `force` says: the site root, any
/// folder above it, and anything under its sources. Refused without `force`: a folder
/// that holds files but not the marker of a previous build. Always refused: a file, a
/// link to a file or to nothing.
pub fn claim(root: &Path, out: &Path, force: bool) -> Result<PathBuf, Refusal> {
    let shown = out.display();
    let root_real = root.canonicalize().map_err(|e| {
        Refusal(format!(
            "cannot read the site folder {}: {e}",
            root.display()
        ))
    })?;
    let real = match std::fs::symlink_metadata(out) {
        Ok(meta) if meta.file_type().is_symlink() => match out.canonicalize() {
            Ok(target) if target.is_dir() => target,
            Ok(target) => {
                return Err(Refusal(format!(
                    "the output folder {shown} is a link to a file ({}), not to a folder; \
                     remove the link or choose another folder with --output",
                    target.display()
                )));
            }
            Err(_) => {
                return Err(Refusal(format!(
                    "the output folder {shown} is a link to something that does not exist; \
                     create the folder it points to, or remove the link"
                )));
            }
        },
        Ok(meta) if meta.is_dir() => out
            .canonicalize()
            .map_err(|e| Refusal(format!("cannot read the output folder {shown}: {e}")))?,
        Ok(_) => {
            return Err(Refusal(format!(
                "the output folder {shown} is a file, not a folder; \
                 choose another folder with --output, or move the file away"
            )));
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => absent_path(out)?,
        Err(e) => {
            return Err(Refusal(format!(
                "cannot read the output folder {shown}: {e}"
            )));
        }
    };
    if root_real.starts_with(&real) {
        return Err(Refusal(format!(
            "the output folder {shown} holds the site itself ({}); a build replaces its \
             output folder whole, so it must be a folder of its own, such as public/ \
             (--force does not change this)",
            root_real.display()
        )));
    }
    if let Some(source) = SOURCE_FOLDERS
        .iter()
        .find(|s| real.starts_with(root_real.join(s)))
    {
        return Err(Refusal(format!(
            "the output folder {shown} is inside the site's {source}/ folder; a build \
             replaces its output folder whole, so it must be a folder of its own, such as \
             public/ (--force does not change this)"
        )));
    }
    if force || !real.is_dir() {
        return Ok(real);
    }
    let entries: Vec<String> = std::fs::read_dir(&real)
        .map_err(|e| Refusal(format!("cannot read the output folder {shown}: {e}")))?
        .flatten()
        .map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            if e.file_type().is_ok_and(|t| t.is_dir()) {
                name + "/"
            } else {
                name
            }
        })
        .collect();
    if entries.is_empty() || entries.iter().any(|e| e == MARKER) {
        return Ok(real);
    }
    let mut sample: Vec<&str> = entries.iter().map(String::as_str).collect();
    sample.sort_unstable();
    let more = if sample.len() > 3 { ", …" } else { "" };
    sample.truncate(3);
    Err(Refusal(format!(
        "the output folder {shown} already holds files that Passerelle did not write ({}{more}); \
         a build replaces the whole folder. Choose a new or empty folder with --output, or \
         pass --force to replace it (its files will be deleted)",
        sample.join(", ")
    )))
}

/// Where an output folder that does not exist yet would be: its deepest existing
/// ancestor, resolved, and the rest of the path as written.
fn absent_path(out: &Path) -> Result<PathBuf, Refusal> {
    let absolute = std::path::absolute(out).map_err(|e| {
        Refusal(format!(
            "cannot use {} as output folder: {e}",
            out.display()
        ))
    })?;
    let mut existing = absolute.as_path();
    let mut rest = Vec::new();
    while std::fs::symlink_metadata(existing).is_err() {
        rest.push(existing.file_name());
        existing = existing
            .parent()
            .ok_or_else(|| Refusal(format!("cannot use {} as output folder", out.display())))?;
    }
    let mut real = existing.canonicalize().map_err(|e| {
        Refusal(format!(
            "cannot use {} as output folder: {e}",
            out.display()
        ))
    })?;
    for name in rest.into_iter().rev() {
        // `None` is a `..` (or a `.`) after a folder that does not exist.
        let name = name.ok_or_else(|| {
            Refusal(format!(
                "the output folder {} goes through a folder that does not exist; \
                 write it without `..`",
                out.display()
            ))
        })?;
        real.push(name);
    }
    Ok(real)
}

const STAGING: &str = "staging";
/// Static files up to this size are read whole, to be linked when unchanged; larger ones
/// are always copied.
const MAX_COMPARED: u64 = 16 * 1024 * 1024;
const OLD: &str = "old";
const SCATTER: &str = "scatter";

fn sibling(out: &Path, what: &str, id: &str) -> PathBuf {
    let name = out
        .file_name()
        .map_or_else(|| "public".into(), |n| n.to_string_lossy().into_owned());
    out.with_file_name(format!(".{name}.{what}-{id}"))
}

/// Writes `files` as the new content of `out`, atomically.
pub fn write_site(
    out: &Path,
    spare: Option<&Path>,
    files: &[OutputFile],
    copies: &[(PathBuf, String)],
) -> Result<()> {
    let staging = Staging::create(out, spare)?;
    staging.write_all(files)?;
    staging.copy_all(copies)?;
    staging.commit()
}

/// The folder a new site is written into before it replaces the old one. Dropped without
/// [`Staging::commit`] (a failed build), it is removed and the old site stays as it was.
pub struct Staging {
    out: PathBuf,
    dir: PathBuf,
    id: String,
    committed: bool,
    /// Files of the current site that a new file may be a hard link to; cleared when the
    /// file system refuses links (another device, no hard links).
    reuse: std::sync::atomic::AtomicBool,
    /// The folders made so far, when the staging folder started empty (not `reused`):
    /// then they are all there is, and a file whose folder is not among them is not
    /// tried before its folder is made.
    made: std::sync::Mutex<crate::text::FastSet<PathBuf>>,
    /// Where the site this build replaces is left for the next build to start from (see
    /// [`Staging::prepare`]); `None` keeps nothing.
    spare: Option<PathBuf>,
    /// The staging folder started as the last build's folders: those this build put
    /// nothing in are removed before the swap.
    reused: bool,
    /// Where new folders, and the files of [`Staging::write_scattered`], are made: beside
    /// the staging folder, so that no name of the site can be in the way.
    scatter: scatter::Scatter,
}

impl Staging {
    /// Makes the staging folder for a new `out`, ready to write to ([`Preparing`]).
    pub fn create(out: &Path, spare: Option<&Path>) -> Result<Staging> {
        Staging::prepare(out, spare)?.ready()
    }

    /// Starts the staging folder for a new `out`. With `spare`, the staging folder starts
    /// as the site the last build replaced and left there, whose files are removed while
    /// the build goes on ([`Preparing::ready`] waits for that), and the site this build
    /// replaces is left there in turn: a rebuild makes and removes no folder for the pages
    /// that stay, and replacing the site is one rename. On ext4 without a journal, a folder
    /// made minutes after thousands were removed costs a scan of every inode they freed in
    /// its block group; at 10,000 pages (15,655 folders) that was a tenth of a rebuild's
    /// CPU, and removing the old site's files and folders 0.8 s at the end of each build.
    pub fn prepare(out: &Path, spare: Option<&Path>) -> Result<Preparing> {
        let parent = out
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        std::fs::create_dir_all(parent)
            .with_context(|| format!("cannot create {}", parent.display()))?;
        remove_stale(out);
        let id = std::process::id().to_string();
        let dir = sibling(out, STAGING, &id);
        if dir.exists() {
            std::fs::remove_dir_all(&dir)
                .with_context(|| format!("cannot remove {}", dir.display()))?;
        }
        let reused = spare.is_some_and(|spare| take_spare(spare, &dir));
        if !reused {
            std::fs::create_dir(&dir)
                .with_context(|| format!("cannot create {}", dir.display()))?;
        }
        let emptying = reused.then(|| {
            let dir = dir.clone();
            std::thread::spawn(move || remove_files_of_site(&dir))
        });
        let staging = Staging {
            scatter: scatter::Scatter::new(sibling(out, SCATTER, &id)),
            reuse: std::sync::atomic::AtomicBool::new(out.is_dir()),
            out: out.to_path_buf(),
            dir,
            id,
            committed: false,
            made: std::sync::Mutex::default(),
            spare: spare.map(Path::to_path_buf),
            reused,
        };
        Ok(Preparing {
            staging: Some(staging),
            emptying,
        })
    }

    /// Writes one file now (the build streams pages here as they are rendered, so they
    /// need not all be held in memory).
    pub fn write(&self, file: &OutputFile) -> Result<()> {
        let path = self.dir.join(&file.path);
        self.put(&file.path, &path, &file.bytes)
            .with_context(|| format!("cannot write {}", path.display()))
    }

    /// Renames the folder `from` of the staging folder to `to` (both relative to it).
    pub fn rename(&self, from: &str, to: &str) -> Result<()> {
        let (from, to) = (self.dir.join(from), self.dir.join(to));
        let renamed = match std::fs::rename(&from, &to) {
            // A folder kept from the last build, with empty folders in it, is in the way.
            Err(_) if self.reused && to.is_dir() => {
                remove_empty_folders(&to).and_then(|()| std::fs::rename(&from, &to))
            }
            renamed => renamed,
        };
        renamed.with_context(|| format!("cannot rename {} to {}", from.display(), to.display()))
    }

    /// Writes the file `rel` as `fill` makes it, never whole in memory: for large files
    /// nothing else reads (the sitemap). Its folder must exist.
    pub fn write_streamed(
        &self,
        rel: &str,
        fill: impl FnOnce(&mut std::io::BufWriter<std::fs::File>) -> std::io::Result<()>,
    ) -> Result<()> {
        let path = self.dir.join(rel);
        let writing = || -> std::io::Result<()> {
            let mut out = std::io::BufWriter::with_capacity(256 * 1024, create_new(&path)?);
            fill(&mut out)?;
            out.into_inner()
                .map_err(std::io::IntoInnerError::into_error)?;
            Ok(())
        };
        writing().with_context(|| format!("cannot write {}", path.display()))
    }

    /// Puts `bytes` at `path` (`rel` in the site), making its folder if there is none
    /// yet. In the folders of the last site (`reused`), the file comes first and the
    /// folder only when it is missing: most files go to a folder that exists, and asking
    /// first would cost every file a system call. In an empty staging folder, the folders
    /// made so far tell: most files are a page's own `index.html`, whose folder is new.
    fn put(&self, rel: &str, path: &Path, bytes: &[u8]) -> std::io::Result<()> {
        self.put_with(rel, path, bytes, write_new)
    }

    /// [`Staging::put`], a new file made by `write`: into a folder that exists, or
    /// `NotFound`.
    fn put_with(
        &self,
        rel: &str,
        path: &Path,
        bytes: &[u8],
        write: impl Fn(&Path, &[u8]) -> std::io::Result<()>,
    ) -> std::io::Result<()> {
        if !self.reused
            && let Some(parent) = path.parent()
            && !self.has_made(parent)
        {
            self.make_dir(parent)?;
        }
        let put_in_folder = || {
            if self.linked_unchanged(rel, path, bytes)? {
                return Ok(());
            }
            write(path, bytes)
        };
        match put_in_folder() {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                if let Some(parent) = path.parent() {
                    self.make_dir(parent)?;
                }
                put_in_folder()
            }
            done => done,
        }
    }

    /// Whether `path` (`rel` in the site) could be made a hard link to the file the
    /// current site has there with the same `bytes`. On a rebuild most files do not
    /// change, and a link costs the file system no new inode, nor the removal of the old
    /// site a freed one — on ext4, allocating inodes right after freeing thousands is what
    /// a rebuild of 10,000 pages spent most of its time on. Linking never changes the
    /// current site, so the swap stays all or nothing. A missing folder is an error
    /// (`NotFound`), for the caller to make it and come back.
    fn linked_unchanged(&self, rel: &str, path: &Path, bytes: &[u8]) -> std::io::Result<bool> {
        use std::sync::atomic::Ordering::Relaxed;
        if !self.reuse.load(Relaxed) {
            return Ok(false);
        }
        let current = self.out.join(rel);
        let same = std::fs::symlink_metadata(&current)
            .is_ok_and(|m| m.is_file() && m.len() == bytes.len() as u64)
            && std::fs::read(&current).is_ok_and(|old| old == bytes);
        if same {
            match std::fs::hard_link(&current, path) {
                Ok(()) => return Ok(true),
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Err(e),
                // Another device, or no hard links here: write every file from now on.
                Err(_) => self.reuse.store(false, Relaxed),
            }
        }
        Ok(false)
    }

    /// Writes one of the thousands of files of a single folder (the search form's data):
    /// each is made in a scatter folder and moved into place ([`scatter`]). Made in their
    /// folder, the 4,435 files of 10,000 pages took their inodes in the two block groups
    /// the previous site's copies had just left, and spent 80 % of the search form's time
    /// there.
    pub fn write_scattered(&self, file: &OutputFile) -> Result<()> {
        let path = self.dir.join(&file.path);
        self.put_with(&file.path, &path, &file.bytes, |path, bytes| {
            self.scatter.write_file(path, bytes)
        })
        .with_context(|| format!("cannot write {}", path.display()))
    }

    /// Creates `dir`, a folder of the staging folder, and its missing parents, each made
    /// in a scatter folder and moved into place ([`scatter`]).
    fn make_dir(&self, dir: &Path) -> std::io::Result<()> {
        match self.scatter.make_dir(dir) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let parent = dir.parent().filter(|p| p.starts_with(&self.dir));
                let Some(parent) = parent else { return Err(e) };
                self.make_dir(parent)?;
                made_or_there(dir, self.scatter.make_dir(dir))
            }
            made => made_or_there(dir, made),
        }?;
        if !self.reused {
            self.lock_made().insert(dir.to_path_buf());
        }
        Ok(())
    }

    fn has_made(&self, dir: &Path) -> bool {
        dir == self.dir || self.lock_made().contains(dir)
    }

    fn lock_made(&self) -> std::sync::MutexGuard<'_, crate::text::FastSet<PathBuf>> {
        self.made
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    pub fn write_all(&self, files: &[OutputFile]) -> Result<()> {
        files.par_iter().try_for_each(|f| self.write(f))
    }

    pub fn copy_all(&self, copies: &[(PathBuf, String)]) -> Result<()> {
        copies.par_iter().try_for_each(|(src, dest)| {
            let path = self.dir.join(dest);
            let failed = || format!("cannot copy {} to {}", src.display(), path.display());
            let len = std::fs::metadata(src).with_context(failed)?.len();
            if len <= MAX_COMPARED {
                let bytes = std::fs::read(src).with_context(failed)?;
                return self.put(dest, &path, &bytes).with_context(failed);
            }
            if let Some(parent) = path.parent() {
                self.make_dir(parent).with_context(failed)?;
            }
            match std::fs::remove_file(&path) {
                Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e),
                _ => std::fs::copy(src, &path).map(|_| ()),
            }
            .with_context(failed)
        })
    }

    /// Swaps the staged site in.
    pub fn commit(mut self) -> Result<()> {
        if self.reused {
            prune_folders(&self.dir).with_context(|| {
                format!("cannot remove empty folders from {}", self.dir.display())
            })?;
        }
        self.committed = true;
        swap_in(&self.dir, &self.out, &self.id, self.spare.as_deref())
    }
}

/// A staging folder made of the site the last build replaced, whose files are still
/// being removed ([`Staging::prepare`]).
pub struct Preparing {
    /// `None` once handed out by [`Preparing::ready`].
    staging: Option<Staging>,
    emptying: Option<std::thread::JoinHandle<std::io::Result<()>>>,
}

impl Preparing {
    /// The staging folder, once it holds no file of the last site.
    pub fn ready(mut self) -> Result<Staging> {
        self.wait()?;
        let staging = self
            .staging
            .take()
            .context("the staging folder was handed out twice")?;
        let marker = staging.dir.join(MARKER);
        write_new(&marker, MARKER_TEXT.as_bytes())
            .with_context(|| format!("cannot write {}", marker.display()))?;
        Ok(staging)
    }

    fn wait(&mut self) -> Result<()> {
        let Some(emptying) = self.emptying.take() else {
            return Ok(());
        };
        let dir = self.staging.as_ref().map(|s| s.dir.display().to_string());
        let failed = || format!("cannot empty {}", dir.unwrap_or_default());
        match emptying.join() {
            Ok(emptied) => emptied.with_context(failed),
            Err(_) => Err(anyhow::anyhow!(
                "the thread emptying the staging folder died"
            )),
        }
    }
}

impl Drop for Preparing {
    /// The staging folder is removed (by its own drop) only once nothing empties it.
    fn drop(&mut self) {
        let _ = self.wait();
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }
}

/// `made`, the outcome of creating `dir`, with a folder that was there already (made by
/// another worker) as success.
fn made_or_there(dir: &Path, made: std::io::Result<()>) -> std::io::Result<()> {
    match made {
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists && dir.is_dir() => Ok(()),
        other => other,
    }
}

/// Creates `path` with `bytes` ([`create_new`]).
fn write_new(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write as _;
    create_new(path)?.write_all(bytes)
}

/// Creates the file `path`, empty. Never opens an existing file for writing: a file of
/// the staging folder may be a hard link into the current site, which must stay as it is;
/// one that is there is removed first.
fn create_new(path: &Path) -> std::io::Result<std::fs::File> {
    let create = || {
        std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(path)
    };
    match create() {
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            if path.symlink_metadata()?.is_dir() {
                // A folder of the site kept from the last build (see `Staging::prepare`),
                // where this build puts a file.
                remove_empty_folders(path)?;
            } else {
                std::fs::remove_file(path)?;
            }
            create()
        }
        other => other,
    }
}

/// Replaces `out` by `staging` in one step where the system allows it.
fn swap_in(staging: &Path, out: &Path, id: &str, spare: Option<&Path>) -> Result<()> {
    if out.exists() {
        #[cfg(target_os = "linux")]
        {
            use rustix::fs::{CWD, RenameFlags, renameat_with};
            if renameat_with(CWD, staging, CWD, out, RenameFlags::EXCHANGE).is_ok() {
                // `staging` now holds the old site.
                return retire(staging, spare).with_context(|| {
                    format!("cannot remove the previous site at {}", staging.display())
                });
            }
        }
        // Elsewhere: two renames; `remove_stale` restores the old site if we die in between.
        let old = sibling(out, OLD, id);
        std::fs::rename(out, &old)
            .with_context(|| format!("cannot move {} aside", out.display()))?;
        std::fs::rename(staging, out)
            .with_context(|| format!("cannot move the new site to {}", out.display()))?;
        retire(&old, spare).with_context(|| format!("cannot remove {}", old.display()))
    } else {
        std::fs::rename(staging, out)
            .with_context(|| format!("cannot move the new site to {}", out.display()))
    }
}

/// Moves the replaced site at `old` to `spare`, for the next build to start from
/// ([`Staging::prepare`]), or removes it.
fn retire(old: &Path, spare: Option<&Path>) -> std::io::Result<()> {
    if let Some(spare) = spare
        && std::fs::symlink_metadata(spare).is_err()
        && std::fs::rename(old, spare).is_ok()
    {
        return Ok(());
    }
    remove_tree(old)
}

/// Removes every file (and link) of the site at `dir`, keeping its folders: the
/// subtrees two levels down a few at once, then the two levels above them. Nothing is
/// followed through a link: a link is a file here, and removed.
fn remove_files_of_site(dir: &Path) -> std::io::Result<()> {
    share_out(&two_levels_down(dir)?, remove_files_in)?;
    each_of_top_two_levels(dir, |path, is_folder| {
        if is_folder {
            Ok(())
        } else {
            std::fs::remove_file(path)
        }
    })
}

/// Calls `visit` with each entry of the first two levels of `dir` and whether it is a
/// folder (not through a link), a folder's entries before the folder: what is left of a
/// site once [`share_out`] has worked through [`two_levels_down`].
fn each_of_top_two_levels(
    dir: &Path,
    mut visit: impl FnMut(&Path, bool) -> std::io::Result<()>,
) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let is_folder = entry.file_type()?.is_dir();
        if is_folder {
            for inner in std::fs::read_dir(entry.path())? {
                let inner = inner?;
                visit(&inner.path(), inner.file_type()?.is_dir())?;
            }
        }
        visit(&entry.path(), is_folder)?;
    }
    Ok(())
}

/// Moves the site kept at `spare` to `dir`, if one is there; whether it was.
fn take_spare(spare: &Path, dir: &Path) -> bool {
    std::fs::symlink_metadata(spare).is_ok_and(|m| m.is_dir())
        && std::fs::rename(spare, dir).is_ok()
}

/// Removes a folder and everything in it, several subfolders at once: removing a site of
/// thousands of folders is bound by the file system's per-entry work, not by the CPU, and
/// runs about twice as fast with a few removals in flight (measured on ext4, 10,000 pages).
fn remove_tree(dir: &Path) -> std::io::Result<()> {
    // What fails here is reported by the final removal below.
    let _ = share_out(&two_levels_down(dir)?, |part: &Path| {
        std::fs::remove_dir_all(part)
    });
    std::fs::remove_dir_all(dir)
}

/// The folders two levels down in `dir` (`en/case-studies`, `fr/lecons`…): enough to
/// share a site's folders out between a few workers.
fn two_levels_down(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut parts = Vec::new();
    for entry in std::fs::read_dir(dir)?.flatten() {
        let path = entry.path();
        if entry.file_type().is_ok_and(|t| t.is_dir()) {
            for inner in std::fs::read_dir(&path)?.flatten() {
                if inner.file_type().is_ok_and(|t| t.is_dir()) {
                    parts.push(inner.path());
                }
            }
        }
    }
    Ok(parts)
}

/// Runs `work` on every folder of `parts`, four at a time; the first failure, if any.
fn share_out(
    parts: &[PathBuf],
    work: impl Fn(&Path) -> std::io::Result<()> + Sync,
) -> std::io::Result<()> {
    const WORKERS: usize = 4;
    let next = std::sync::atomic::AtomicUsize::new(0);
    let failures = std::sync::Mutex::new(Vec::new());
    std::thread::scope(|scope| {
        for _ in 0..WORKERS.min(parts.len()) {
            scope.spawn(|| {
                loop {
                    let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    let Some(part) = parts.get(i) else { break };
                    if let Err(e) = work(part) {
                        failures
                            .lock()
                            .unwrap_or_else(std::sync::PoisonError::into_inner)
                            .push(e);
                    }
                }
            });
        }
    });
    let failures = failures
        .into_inner()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    failures.into_iter().next().map_or(Ok(()), Err)
}

/// Removes every file (and link) under `dir`, keeping the folders.
fn remove_files_in(dir: &Path) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        if entry.file_type()?.is_dir() {
            remove_files_in(&entry.path())?;
        } else {
            std::fs::remove_file(entry.path())?;
        }
    }
    Ok(())
}

/// Removes the folders under `dir` that hold no file, at any depth; keeps `dir`.
fn remove_empty_folders_in(dir: &Path) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        if entry.file_type()?.is_dir() {
            let path = entry.path();
            remove_empty_folders_in(&path)?;
            remove_if_empty(&path)?;
        }
    }
    Ok(())
}

/// Removes `dir` and the folders in it, which must hold no file.
fn remove_empty_folders(dir: &Path) -> std::io::Result<()> {
    remove_empty_folders_in(dir)?;
    std::fs::remove_dir(dir)
}

/// Removes `dir` if it is empty; a folder with something in it stays.
fn remove_if_empty(dir: &Path) -> std::io::Result<()> {
    match std::fs::remove_dir(dir) {
        Err(e) if e.kind() == std::io::ErrorKind::DirectoryNotEmpty => Ok(()),
        other => other,
    }
}

/// Removes the folders of the site being staged at `dir` that hold no file: the
/// subtrees two levels down a few at once, then the two levels above them.
fn prune_folders(dir: &Path) -> std::io::Result<()> {
    share_out(&two_levels_down(dir)?, |part| {
        remove_empty_folders_in(part)?;
        remove_if_empty(part)
    })?;
    each_of_top_two_levels(dir, |path, is_folder| {
        if is_folder {
            remove_if_empty(path)
        } else {
            Ok(())
        }
    })
}

/// Cleans up after builds that were killed: their staging folders, and an old site left
/// aside when the new one never arrived.
pub fn remove_stale(out: &Path) {
    let Some(parent) = out.parent().map(|p| {
        if p.as_os_str().is_empty() {
            Path::new(".")
        } else {
            p
        }
    }) else {
        return;
    };
    let Some(name) = out.file_name().map(|n| n.to_string_lossy().into_owned()) else {
        return;
    };
    let Ok(entries) = std::fs::read_dir(parent) else {
        return;
    };
    for entry in entries.flatten() {
        let file = entry.file_name().to_string_lossy().into_owned();
        let Some(rest) = file.strip_prefix(&format!(".{name}.")) else {
            continue;
        };
        let Some((what, pid)) = rest.split_once('-') else {
            continue;
        };
        if pid_alive(pid) && pid != std::process::id().to_string() {
            continue;
        }
        let path = entry.path();
        if what == OLD && !out.exists() {
            let _ = std::fs::rename(&path, out);
        } else if what == STAGING || what == OLD || what == SCATTER {
            let _ = std::fs::remove_dir_all(&path);
        }
    }
}

fn pid_alive(pid: &str) -> bool {
    cfg!(target_os = "linux") && Path::new("/proc").join(pid).exists()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folders_are_made_with_their_parents_in_spread_scatter_folders_then_moved() {
        let tmp = tempfile::tempdir().expect("temp dir");
        let staging = Staging::create(&tmp.path().join("public"), None).expect("staging");
        let paths = ["en/lessons/trust/index.html", "en/lessons/trust/qr.svg"];
        for path in paths {
            let file = OutputFile::new(path.into(), path.as_bytes().to_vec());
            staging.write(&file).expect("write");
        }
        let site = staging.dir.clone();
        assert_eq!(
            std::fs::read(site.join("en/lessons/trust/qr.svg")).expect("read"),
            b"en/lessons/trust/qr.svg"
        );
        // Three folders were made in one scatter folder, which is left empty.
        let scatter = staging.scatter.root().to_path_buf();
        let left = tree(&scatter);
        assert_eq!(left.len(), 1, "{left:?}");
        assert!(left[0].ends_with("-0/"), "{left:?}");
        #[cfg(target_os = "linux")]
        {
            use rustix::fs::{IFlags, Mode, OFlags, ioctl_getflags, open};
            let flags = |p: &Path| {
                let fd = open(p, OFlags::RDONLY | OFlags::DIRECTORY, Mode::empty()).ok()?;
                ioctl_getflags(&fd).ok()
            };
            let marked = |p: &Path| flags(p).map(|f| f.contains(IFlags::TOPDIR));
            // Only where the file system keeps the flag (ext4, as on the CI machine).
            let probe = tmp.path().join("probe");
            std::fs::create_dir(&probe).expect("probe");
            scatter::spread_subfolders(&probe);
            if marked(&probe) == Some(true) {
                assert_eq!(marked(&scatter), Some(true));
                for dir in ["", "en", "en/lessons", "en/lessons/trust"] {
                    assert_eq!(marked(&site.join(dir)), Some(false), "{dir:?}");
                }
            }
        }
        staging.commit().expect("commit");
        assert!(!scatter.exists());
    }

    #[test]
    fn emptied_scatter_folders_become_folders_of_the_site() {
        let tmp = tempfile::tempdir().expect("temp dir");
        let staging = Staging::create(&tmp.path().join("public"), None).expect("staging");
        let pages = 2 * (scatter::PER_FOLDER + 1) + 6;
        for i in 0..pages {
            let file = OutputFile::new(format!("p{i}/index.html"), i.to_string().into());
            staging.write(&file).expect("write");
        }
        // Two scatter folders were filled and became folders of the site; the third
        // holds nothing.
        let left = tree(staging.scatter.root());
        assert_eq!(left.len(), 1, "{left:?}");
        assert!(left[0].ends_with("-2/"), "{left:?}");
        let site = tree(&staging.dir);
        assert_eq!(site.len(), 1 + 2 * pages, "{site:?}");
        for i in 0..pages {
            let page = staging.dir.join(format!("p{i}"));
            assert_eq!(tree(&page), ["index.html"], "p{i}");
            let text = std::fs::read_to_string(page.join("index.html")).expect("read");
            assert_eq!(text, i.to_string());
        }
    }

    /// The names in `dir`, as read.
    fn names_in(dir: &Path) -> Vec<std::ffi::OsString> {
        std::fs::read_dir(dir)
            .expect("dir")
            .flatten()
            .map(|e| e.file_name())
            .collect()
    }

    /// Every path under `dir`, folders ending in `/`, sorted.
    fn tree(dir: &Path) -> Vec<String> {
        let mut paths: Vec<String> = walkdir::WalkDir::new(dir)
            .min_depth(1)
            .into_iter()
            .flatten()
            .map(|e| {
                let rel = e.path().strip_prefix(dir).expect("inside").display();
                if e.file_type().is_dir() {
                    format!("{rel}/")
                } else {
                    rel.to_string()
                }
            })
            .collect();
        paths.sort();
        paths
    }

    #[cfg(unix)]
    #[test]
    fn a_rebuild_writes_into_the_folders_of_the_site_it_replaced_last_time() {
        use std::os::unix::fs::MetadataExt as _;
        let tmp = tempfile::tempdir().expect("temp dir");
        let out = tmp.path().join("public");
        let spare = tmp.path().join("spare");
        let build = |paths: &[&str], form: Option<&str>| {
            let staging = Staging::create(&out, Some(&spare)).expect("staging");
            for path in paths {
                let file = OutputFile::new(path.to_string(), path.as_bytes().to_vec());
                staging.write(&file).expect("write");
            }
            if let Some(generation) = form {
                let file = OutputFile::new("search/.next/en/t0.bin".into(), b"t0".to_vec());
                staging.write(&file).expect("write");
                staging.rename("search/.next", generation).expect("rename");
            }
            staging.commit().expect("commit");
        };
        let first = ["a/index.html", "b/c/index.html"];
        build(&first, Some("search/g1"));
        assert!(!spare.exists(), "the first build replaced no site");
        build(&first, Some("search/g1"));
        let first_site = [
            ".passerelle-output",
            "a/",
            "a/index.html",
            "b/",
            "b/c/",
            "b/c/index.html",
            "search/",
            "search/g1/",
            "search/g1/en/",
            "search/g1/en/t0.bin",
        ];
        assert_eq!(tree(&spare), first_site, "the replaced site is kept");
        let kept = std::fs::metadata(spare.join("a")).expect("a").ino();

        // `b` becomes a file, `b/c/` goes, the search form gets the name it had.
        build(&["a/index.html", "b", "d/index.html"], Some("search/g1"));
        assert_eq!(
            tree(&out),
            [
                ".passerelle-output",
                "a/",
                "a/index.html",
                "b",
                "d/",
                "d/index.html",
                "search/",
                "search/g1/",
                "search/g1/en/",
                "search/g1/en/t0.bin",
            ]
        );
        assert_eq!(std::fs::metadata(out.join("a")).expect("a").ino(), kept);
        assert_eq!(tree(&spare), first_site, "the site replaced this time");

        // A failed build, ready or not, leaves the site and takes the kept one with it.
        drop(Staging::prepare(&out, Some(&spare)).expect("prepare"));
        assert!(!spare.exists());
        build(&["a/index.html"], None);
        drop(Staging::create(&out, Some(&spare)).expect("staging"));
        assert!(!spare.exists());
        assert_eq!(tree(&out), [".passerelle-output", "a/", "a/index.html"]);
        assert_eq!(names_in(tmp.path()), ["public"]);
    }

    #[cfg(unix)]
    #[test]
    fn files_written_scattered_end_in_their_folder_and_the_scatter_goes() {
        use std::os::unix::fs::MetadataExt as _;
        let tmp = tempfile::tempdir().expect("temp dir");
        let out = tmp.path().join("public");
        let names: Vec<String> = (0..2 * scatter::PER_FOLDER + 1)
            .map(|i| format!("t{i}.bin"))
            .collect();
        let build = |commit: bool, version: &str| -> Vec<String> {
            let staging = Staging::create(&out, None).expect("staging");
            for name in &names {
                let bytes = format!("{name}{version}").into();
                let file = OutputFile::new(format!("search/g/en/{name}"), bytes);
                staging.write_scattered(&file).expect("write");
            }
            let scatter = tree(staging.scatter.root());
            if commit {
                staging.commit().expect("commit");
            }
            scatter
        };
        // 33 files and 3 folders (`search/`, `g/`, `en/`), 16 to a scatter folder.
        let made = build(true, "");
        assert_eq!(made.len(), 3, "{made:?}");
        assert!(made.iter().all(|f| f.ends_with('/')), "{made:?}");
        let mut expected = vec![".passerelle-output", "search/", "search/g/", "search/g/en/"];
        let mut files: Vec<String> = names.iter().map(|n| format!("search/g/en/{n}")).collect();
        files.sort();
        expected.extend(files.iter().map(String::as_str));
        expected.sort_unstable();
        assert_eq!(tree(&out), expected);
        let ino = |name: &str| std::fs::metadata(out.join(name)).expect("file").ino();
        let first = ino("search/g/en/t7.bin");
        assert_eq!(
            std::fs::read(out.join("search/g/en/t7.bin")).expect("read"),
            b"t7.bin"
        );

        // An unchanged file is linked, not made again; a failed build leaves nothing.
        assert_eq!(build(true, "").len(), 1, "the folders only");
        assert_eq!(ino("search/g/en/t7.bin"), first);
        assert_eq!(build(false, " changed").len(), 3);
        assert_eq!(names_in(tmp.path()), ["public"]);
    }

    #[test]
    fn a_rebuild_in_the_last_sites_folders_scatters_only_its_files() {
        let tmp = tempfile::tempdir().expect("temp dir");
        let out = tmp.path().join("public");
        let spare = tmp.path().join("spare");
        let build = |version: &str| -> usize {
            let staging = Staging::create(&out, Some(&spare)).expect("staging");
            for i in 0..scatter::PER_FOLDER {
                let bytes = format!("{i}{version}").into();
                let file = OutputFile::new(format!("search/g/en/t{i}.bin"), bytes);
                staging.write_scattered(&file).expect("write");
            }
            let scatter_folders = tree(staging.scatter.root()).len();
            staging.commit().expect("commit");
            scatter_folders
        };
        build("a");
        build("a");
        // The third starts from the first one's folders: its folders are there, and each
        // of its changed files takes one entry of a scatter folder.
        assert!(spare.join("search/g/en").is_dir());
        assert_eq!(build("b"), 1);
        let t3 = std::fs::read_to_string(out.join("search/g/en/t3.bin")).expect("read");
        assert_eq!(t3, "3b");
    }

    #[test]
    fn swaps_and_leaves_nothing_behind() {
        let dir = std::env::temp_dir().join(format!("passerelle-output-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let out = dir.join("public");
        let files = vec![OutputFile::new("a/index.html".into(), b"one".to_vec())];
        write_site(&out, None, &files, &[]).expect("first");
        let files = vec![OutputFile::new("b.txt".into(), b"two".to_vec())];
        write_site(&out, None, &files, &[]).expect("second");
        assert!(!out.join("a").exists());
        assert_eq!(std::fs::read(out.join("b.txt")).expect("read"), b"two");
        let leftovers = names_in(&dir);
        assert_eq!(leftovers.len(), 1, "{leftovers:?}");
        let _ = std::fs::remove_dir_all(&dir);
    }
}
