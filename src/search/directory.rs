//! The index's folder as tantivy sees it: tantivy's memory-mapped directory, except that
//! the document stores (`.store`: each page's stored fields, its body among them) are
//! read block by block into memory that is given back once the block is decoded.
//!
//! Why: a build reads every page's stored fields twice (related pages, the static
//! form). Through a map, each page of the store it touched stays in the process's
//! resident memory until the index is closed: 35 MB of the peak at 10,000 pages, 160 MB
//! at 50,000. Read with `pread`, a block is a short-lived buffer, and the file's pages
//! stay where they belong, in the system's file cache. Reads larger than
//! [`MAPPED_FROM`] (tantivy stacks a whole store when it merges segments) still go
//! through the map: copying them would cost memory instead of saving it.

use std::fs::File;
use std::io;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use tantivy::HasLen;
use tantivy::directory::error::{
    DeleteError, LockError, OpenDirectoryError, OpenReadError, OpenWriteError,
};
use tantivy::directory::{
    Directory, DirectoryLock, FileHandle, Lock, MmapDirectory, OwnedBytes, WatchCallback,
    WatchHandle, WritePtr,
};

/// Reads of at least this many bytes go through the map.
const MAPPED_FROM: usize = 1 << 20;

/// See the module docs.
#[derive(Clone, Debug)]
pub struct IndexDirectory {
    mapped: MmapDirectory,
    root: PathBuf,
}

impl IndexDirectory {
    pub fn open(root: &Path) -> Result<IndexDirectory, OpenDirectoryError> {
        Ok(IndexDirectory {
            mapped: MmapDirectory::open(root)?,
            root: root.to_path_buf(),
        })
    }
}

impl Directory for IndexDirectory {
    fn get_file_handle(&self, path: &Path) -> Result<Arc<dyn FileHandle>, OpenReadError> {
        let mapped = self.mapped.get_file_handle(path)?;
        if path.extension().is_none_or(|ext| ext != "store") {
            return Ok(mapped);
        }
        let full = self.root.join(path);
        let file = File::open(&full).map_err(|e| OpenReadError::wrap_io_error(e, full))?;
        Ok(Arc::new(StoreFile { file, mapped }))
    }

    fn delete(&self, path: &Path) -> Result<(), DeleteError> {
        self.mapped.delete(path)
    }

    fn exists(&self, path: &Path) -> Result<bool, OpenReadError> {
        self.mapped.exists(path)
    }

    fn open_write(&self, path: &Path) -> Result<WritePtr, OpenWriteError> {
        self.mapped.open_write(path)
    }

    fn atomic_read(&self, path: &Path) -> Result<Vec<u8>, OpenReadError> {
        self.mapped.atomic_read(path)
    }

    fn atomic_write(&self, path: &Path, data: &[u8]) -> io::Result<()> {
        self.mapped.atomic_write(path, data)
    }

    fn sync_directory(&self) -> io::Result<()> {
        self.mapped.sync_directory()
    }

    fn acquire_lock(&self, lock: &Lock) -> Result<DirectoryLock, LockError> {
        self.mapped.acquire_lock(lock)
    }

    fn watch(&self, watch_callback: WatchCallback) -> tantivy::Result<WatchHandle> {
        self.mapped.watch(watch_callback)
    }
}

/// A document store: small reads copied out of the file, large ones from its map.
#[derive(Debug)]
struct StoreFile {
    file: File,
    mapped: Arc<dyn FileHandle>,
}

impl HasLen for StoreFile {
    fn len(&self) -> usize {
        self.mapped.len()
    }
}

impl FileHandle for StoreFile {
    fn read_bytes(&self, range: Range<usize>) -> io::Result<OwnedBytes> {
        if range.len() >= MAPPED_FROM || range.end > self.len() {
            return self.mapped.read_bytes(range);
        }
        let mut buffer = vec![0; range.len()];
        read_at(&self.file, &mut buffer, range.start as u64)?;
        Ok(OwnedBytes::new(buffer))
    }
}

#[cfg(unix)]
fn read_at(file: &File, buffer: &mut [u8], offset: u64) -> io::Result<()> {
    std::os::unix::fs::FileExt::read_exact_at(file, buffer, offset)
}

#[cfg(windows)]
fn read_at(file: &File, mut buffer: &mut [u8], mut offset: u64) -> io::Result<()> {
    while !buffer.is_empty() {
        match std::os::windows::fs::FileExt::seek_read(file, buffer, offset) {
            Ok(0) => return Err(io::ErrorKind::UnexpectedEof.into()),
            Ok(n) => {
                buffer = &mut buffer[n..];
                offset += n as u64;
            }
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // Tests: a panic is the failure report.
mod tests {
    use super::*;

    #[test]
    fn a_store_reads_the_same_bytes_small_or_large_and_other_files_are_mapped() {
        let dir = tempfile::tempdir().unwrap();
        let bytes: Vec<u8> = (0..MAPPED_FROM + 4096).map(|i| (i % 251) as u8).collect();
        std::fs::write(dir.path().join("a.store"), &bytes).unwrap();
        std::fs::write(dir.path().join("a.idx"), &bytes).unwrap();
        let directory = IndexDirectory::open(dir.path()).unwrap();
        let store = directory.get_file_handle(Path::new("a.store")).unwrap();
        assert!(format!("{store:?}").starts_with("StoreFile"), "{store:?}");
        assert_eq!(store.len(), bytes.len());
        for range in [0..0, 0..1, 7..4103, 100..MAPPED_FROM + 100, 0..bytes.len()] {
            let read = store.read_bytes(range.clone()).unwrap();
            assert_eq!(read.as_slice(), &bytes[range.clone()], "{range:?}");
        }
        let other = directory.get_file_handle(Path::new("a.idx")).unwrap();
        assert!(!format!("{other:?}").starts_with("StoreFile"), "{other:?}");
        assert!(matches!(
            directory.get_file_handle(Path::new("b.store")),
            Err(OpenReadError::FileDoesNotExist(_))
        ));
    }
}
