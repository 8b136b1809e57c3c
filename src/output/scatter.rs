//! Where the staging folder's new files and folders are made before they are moved into
//! place.
//!
//! ext4 takes a new inode in the block group of its folder. Without a journal, it skips
//! every inode of that group freed in the last minutes, one by one, and starts over for
//! each inode it takes: a site written right after the previous one was removed lands in
//! the groups the old one just left, and pays for every inode it freed there. Folders
//! marked `chattr +T` (`FS_TOPDIR_FL`) have their subfolders placed in the group with the
//! fewest folders, starting from a hash of the name: away from the old site, but ext4
//! then looks at every group for each folder (a tenth of a cold build's CPU at 10,000
//! pages), and a page's folder, under the same name, went back to the group its old copy
//! had just left. So each thread makes its files and folders in folders of its own,
//! [`PER_FOLDER`] to a folder, named anew by each build under one marked folder, and
//! renames them into place: ext4 places them beside their scatter folder, where no more
//! than a folder's worth of the old site's inodes can be in the way. Placing everything
//! under a few scattered folders instead (a folder this build made holding its
//! subfolders in place) was faster in most builds, but ext4 chose the groups the last
//! build had just left often enough to double a build's system time.

use std::path::{Path, PathBuf};
use std::sync::{Mutex, PoisonError};

/// How many files and folders are made in one scatter folder: each scatter folder costs
/// ext4 a look at every block group, and each of its entries the freed inodes of its
/// group. At 10,000 pages, cold builds in a row (sys time, median of 8): 2.8 s with 16,
/// 3.5 s with 32, 3.6 s with 64, 4.0 s with 128; 8 and 4 were no better than 16.
pub(super) const PER_FOLDER: usize = 16;

pub(super) struct Scatter {
    root: PathBuf,
    /// Makes this build's folder names its own, so that their hashes start ext4's search
    /// elsewhere than the last build's.
    salt: u32,
    root_made: Mutex<bool>,
    /// One per thread of rayon's pool, and one for the other threads: two threads never
    /// wait on each other's folder.
    lanes: Box<[Mutex<Lane>]>,
    /// Scatter folders whose files were all moved out, for folders made later to take.
    emptied: Mutex<Vec<PathBuf>>,
}

struct Lane {
    number: usize,
    /// How many scatter folders the lane has made: their numbers name them.
    made: usize,
    /// The lane's current scatter folder, and how many entries were made in it. Each
    /// entry is moved out before the lane is let go, so a full folder is empty.
    folder: Option<(PathBuf, usize)>,
}

impl Scatter {
    /// Scatter folders under `root`, made when first needed and removed on drop.
    pub(super) fn new(root: PathBuf) -> Self {
        let salt = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        Scatter {
            root,
            salt,
            root_made: Mutex::new(false),
            lanes: (0..=rayon::current_num_threads())
                .map(|number| {
                    Mutex::new(Lane {
                        number,
                        made: 0,
                        folder: None,
                    })
                })
                .collect(),
            emptied: Mutex::default(),
        }
    }

    #[cfg(test)]
    pub(super) fn root(&self) -> &Path {
        &self.root
    }

    /// Makes the folder `dir`, whose parent exists; `AlreadyExists` if it is there. An
    /// emptied scatter folder, alone in its block group's share, becomes `dir` itself:
    /// removing it would cost the file system as much as making it.
    pub(super) fn make_dir(&self, dir: &Path) -> std::io::Result<()> {
        let mut lane = self.lane();
        self.retire_if_full(&mut lane);
        // Taken apart from the `if let`, whose lock would last through its block.
        let emptied = self.lock_emptied().pop();
        if let Some(folder) = emptied {
            match rename_new(&folder, dir) {
                Ok(()) => return Ok(()),
                Err(e) => {
                    self.lock_emptied().push(folder);
                    if is_about_dir(&e) {
                        return Err(e);
                    }
                }
            }
        }
        let made = self.next_path(&mut lane)?;
        std::fs::create_dir(&made)?;
        match rename_new(&made, dir) {
            Ok(()) => Ok(()),
            Err(e) => {
                let _ = std::fs::remove_dir(&made);
                if is_about_dir(&e) {
                    return Err(e);
                }
                // A file system that cannot rename without replacing: made in place.
                std::fs::create_dir(dir)
            }
        }
    }

    /// Makes the file `path` with `bytes`, replacing a file there; its folder exists.
    pub(super) fn write_file(&self, path: &Path, bytes: &[u8]) -> std::io::Result<()> {
        let mut lane = self.lane();
        let made = self.next_path(&mut lane)?;
        super::write_new(&made, bytes)?;
        std::fs::rename(&made, path).or_else(|_| {
            // A folder in the way, say: made in place, where that is handled.
            let _ = std::fs::remove_file(&made);
            super::write_new(path, bytes)
        })
    }

    /// The calling thread's lane, held until its entry is moved into place.
    fn lane(&self) -> std::sync::MutexGuard<'_, Lane> {
        let lane_no = rayon::current_thread_index().map_or(0, |i| i + 1) % self.lanes.len();
        self.lanes[lane_no]
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    fn lock_emptied(&self) -> std::sync::MutexGuard<'_, Vec<PathBuf>> {
        self.emptied.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Puts `lane`'s folder with the emptied ones if it is full.
    fn retire_if_full(&self, lane: &mut Lane) {
        if matches!(lane.folder, Some((_, PER_FOLDER)))
            && let Some((full, _)) = lane.folder.take()
        {
            self.lock_emptied().push(full);
        }
    }

    /// A new path in `lane`'s scatter folder, a new one if it is full.
    fn next_path(&self, lane: &mut Lane) -> std::io::Result<PathBuf> {
        self.retire_if_full(lane);
        let (folder, entries) = match lane.folder.take() {
            Some(current) => current,
            None => {
                self.make_root()?;
                let folder = self
                    .root
                    .join(format!("{:x}-{}-{}", self.salt, lane.number, lane.made));
                std::fs::create_dir(&folder)?;
                lane.made += 1;
                (folder, 0)
            }
        };
        let path = folder.join(entries.to_string());
        lane.folder = Some((folder, entries + 1));
        Ok(path)
    }

    fn make_root(&self) -> std::io::Result<()> {
        let mut made = self
            .root_made
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if !*made {
            match std::fs::create_dir(&self.root) {
                // Left by a build of the same process number that died; never a link.
                Err(e)
                    if e.kind() == std::io::ErrorKind::AlreadyExists
                        && std::fs::symlink_metadata(&self.root).is_ok_and(|m| m.is_dir()) => {}
                made => made?,
            }
            spread_subfolders(&self.root);
            *made = true;
        }
        Ok(())
    }
}

impl Drop for Scatter {
    /// Only empty folders are left by then; `remove_stale` takes them if this fails.
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.root);
    }
}

/// Whether `e`, from a rename to a folder, says that the folder is there already or that
/// its parent is not: the caller's to handle, not the file system's way of renaming.
fn is_about_dir(e: &std::io::Error) -> bool {
    matches!(
        e.kind(),
        std::io::ErrorKind::AlreadyExists | std::io::ErrorKind::NotFound
    )
}

/// Renames `from` to `to`, which must not exist (`AlreadyExists`).
#[cfg(target_os = "linux")]
fn rename_new(from: &Path, to: &Path) -> std::io::Result<()> {
    use rustix::fs::{CWD, RenameFlags, renameat_with};
    Ok(renameat_with(CWD, from, CWD, to, RenameFlags::NOREPLACE)?)
}

#[cfg(not(target_os = "linux"))]
fn rename_new(from: &Path, to: &Path) -> std::io::Result<()> {
    if std::fs::symlink_metadata(to).is_ok() {
        return Err(std::io::ErrorKind::AlreadyExists.into());
    }
    std::fs::rename(from, to)
}

/// Asks ext4 to place the subfolders of `dir` in block groups of their own (the
/// `FS_TOPDIR_FL` hint of `chattr +T`, which its Orlov allocator reads), rather than
/// beside `dir`. Other file systems refuse or ignore the flag, which changes nothing else.
#[cfg(target_os = "linux")]
pub(super) fn spread_subfolders(dir: &Path) {
    use rustix::fs::{IFlags, Mode, OFlags, ioctl_getflags, ioctl_setflags, open};
    let Ok(fd) = open(
        dir,
        OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC,
        Mode::empty(),
    ) else {
        return;
    };
    if let Ok(flags) = ioctl_getflags(&fd) {
        let _ = ioctl_setflags(&fd, flags | IFlags::TOPDIR);
    }
}

#[cfg(not(target_os = "linux"))]
pub(super) fn spread_subfolders(_dir: &Path) {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_emptied_folder_that_cannot_be_renamed_stays_for_the_next() {
        use std::io::ErrorKind::{AlreadyExists, NotFound};
        let tmp = tempfile::tempdir().expect("temp dir");
        let scatter = std::sync::Arc::new(Scatter::new(tmp.path().join("scatter")));
        let site = tmp.path().join("site");
        std::fs::create_dir_all(site.join("taken")).expect("site");
        // The first scatter folder fills up and is emptied; the second is started.
        for i in 0..=PER_FOLDER {
            scatter
                .write_file(&site.join(format!("f{i}")), b"x")
                .expect("file");
        }
        let (tx, rx) = std::sync::mpsc::channel();
        let (s, site_too) = (std::sync::Arc::clone(&scatter), site.clone());
        std::thread::spawn(move || {
            let kind = |made: std::io::Result<()>| made.map_err(|e| e.kind());
            let taken = kind(s.make_dir(&site_too.join("taken")));
            let orphan = kind(s.make_dir(&site_too.join("no/parent")));
            let new = kind(s.make_dir(&site_too.join("new")));
            let _ = tx.send((taken, orphan, new));
        });
        let made = rx
            .recv_timeout(std::time::Duration::from_secs(20))
            .expect("make_dir returns");
        assert_eq!(made, (Err(AlreadyExists), Err(NotFound), Ok(())));
        assert!(site.join("new").is_dir());
        assert_eq!(
            tree_len(&scatter.root),
            1,
            "the emptied folder became `new`"
        );
    }

    fn tree_len(dir: &Path) -> usize {
        std::fs::read_dir(dir).expect("read").count()
    }

    #[cfg(unix)]
    #[test]
    fn a_link_in_place_of_the_scatter_folder_is_never_written_through() {
        let tmp = tempfile::tempdir().expect("temp dir");
        let elsewhere = tmp.path().join("elsewhere");
        std::fs::create_dir(&elsewhere).expect("elsewhere");
        let root = tmp.path().join("scatter");
        std::os::unix::fs::symlink(&elsewhere, &root).expect("link");
        let scatter = Scatter::new(root.clone());
        let made = scatter.make_dir(&tmp.path().join("page"));
        assert_eq!(
            made.map_err(|e| e.kind()),
            Err(std::io::ErrorKind::AlreadyExists)
        );
        assert_eq!(std::fs::read_dir(&elsewhere).expect("read").count(), 0);
        drop(scatter);
        assert!(elsewhere.is_dir(), "the link's target stays");
    }
}
