//! Watch: file-system events on the site's sources → one debounced "rebuild now".
//!
//! Only the sources are watched (site.toml, content/, static/, templates/, themes/), never
//! the output folder, whose thousands of folders are replaced by every build. Editors save
//! in bursts (temporary file, rename, chmod), so events are gathered until the tree has
//! been quiet for a moment. `--poll` scans instead, for file systems without events
//! (network shares, some containers).

use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::{Duration, Instant};

use anyhow::{Context as _, Result};
use notify::event::{AccessKind, AccessMode, ModifyKind, RenameMode};
use notify::{EventKind, RecursiveMode};

/// Folders (and the one file) whose changes trigger a rebuild.
pub const SOURCES: [&str; 5] = ["site.toml", "content", "static", "templates", "themes"];

/// How long the tree must stay quiet before a burst of events counts as one change.
const QUIET: Duration = Duration::from_millis(30);
/// Once a file is complete (closed after writing, or renamed into place), the rest of an
/// editor's save follows within a millisecond or two: a shorter wait, so an edit reaches the
/// browser sooner.
const SETTLE: Duration = Duration::from_millis(4);
/// A change is never held back longer than this, even if events keep coming.
const MAX_WAIT: Duration = Duration::from_millis(500);

/// What [`SourceWatcher::next_change_within`] saw.
pub enum Change {
    /// These sources changed (the burst is over).
    Paths(Vec<PathBuf>),
    /// Nothing changed in the time given.
    Quiet,
    /// The watcher stopped.
    Stopped,
}

pub struct SourceWatcher {
    root: PathBuf,
    watcher: Box<dyn notify::Watcher + Send>,
    events: Receiver<notify::Result<notify::Event>>,
    watched: Vec<PathBuf>,
}

impl SourceWatcher {
    pub fn new(root: &Path, poll: bool) -> Result<Self> {
        let (tx, events) = channel();
        let watcher: Box<dyn notify::Watcher + Send> = if poll {
            let config = notify::Config::default().with_poll_interval(Duration::from_millis(250));
            Box::new(
                notify::PollWatcher::new(tx, config).context("cannot start the polling watcher")?,
            )
        } else {
            Box::new(
                notify::recommended_watcher(tx)
                    .context("cannot watch the file system (try --poll)")?,
            )
        };
        let root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
        let mut w = Self {
            root,
            watcher,
            events,
            watched: Vec::new(),
        };
        w.watch_sources()?;
        Ok(w)
    }

    /// Watches the root (to see source folders appear) and each source folder that exists.
    fn watch_sources(&mut self) -> Result<()> {
        if !self.watched.contains(&self.root) {
            self.watcher
                .watch(&self.root, RecursiveMode::NonRecursive)
                .with_context(|| format!("cannot watch {}", self.root.display()))?;
            self.watched.push(self.root.clone());
        }
        for name in SOURCES.iter().skip(1) {
            let dir = self.root.join(name);
            if dir.is_dir() && !self.watched.contains(&dir) {
                self.watcher
                    .watch(&dir, RecursiveMode::Recursive)
                    .with_context(|| format!("cannot watch {}", dir.display()))?;
                self.watched.push(dir);
            }
        }
        Ok(())
    }

    fn relevant(&self, path: &Path) -> bool {
        let Ok(rel) = path.strip_prefix(&self.root) else {
            return false;
        };
        let mut parts = rel.components();
        let Some(first) = parts.next() else {
            return false;
        };
        let first = first.as_os_str().to_string_lossy();
        if !SOURCES.contains(&first.as_ref()) {
            return false;
        }
        // Editors' temporary files: vim's 4913 and .swp, emacs's #x# and x~, .DS_Store.
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        !(name.starts_with('.')
            || name.ends_with('~')
            || name.starts_with('#')
            || name == "4913"
            || name.ends_with(".swp"))
    }

    /// Blocks until a source changes, then returns the changed paths once the burst is over.
    /// `None` when the watcher stopped.
    pub fn next_change(&mut self) -> Option<Vec<PathBuf>> {
        match self.next_change_within(None) {
            Change::Paths(paths) => Some(paths),
            Change::Quiet | Change::Stopped => None,
        }
    }

    /// Like [`SourceWatcher::next_change`], but waits at most `wait` for a change to begin.
    pub fn next_change_within(&mut self, wait: Option<Duration>) -> Change {
        let mut changed: Vec<PathBuf> = Vec::new();
        let mut first_at: Option<Instant> = None;
        let mut complete = false;
        loop {
            let quiet = if complete { SETTLE } else { QUIET };
            let timeout = match first_at {
                None => wait.unwrap_or(Duration::from_secs(3600)),
                Some(t) => quiet.min(MAX_WAIT.saturating_sub(t.elapsed())),
            };
            match self.events.recv_timeout(timeout) {
                Ok(Ok(event)) => {
                    let done = matches!(
                        event.kind,
                        EventKind::Access(AccessKind::Close(AccessMode::Write))
                            | EventKind::Modify(ModifyKind::Name(
                                RenameMode::To | RenameMode::Both
                            ))
                    );
                    if matches!(event.kind, EventKind::Access(_)) && !done {
                        continue;
                    }
                    let mut relevant = false;
                    for p in event.paths {
                        if self.relevant(&p) {
                            relevant = true;
                            if !changed.contains(&p) {
                                changed.push(p);
                                first_at.get_or_insert_with(Instant::now);
                            }
                        }
                    }
                    complete |= done && relevant;
                }
                Ok(Err(_)) => {}
                Err(RecvTimeoutError::Timeout) => {
                    if first_at.is_some() {
                        // A source folder may have just been created.
                        let _ = self.watch_sources();
                        return Change::Paths(changed);
                    }
                    if wait.is_some() {
                        return Change::Quiet;
                    }
                }
                Err(RecvTimeoutError::Disconnected) => return Change::Stopped,
            }
        }
    }
}
