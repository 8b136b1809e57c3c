//! Pages' text on its way from the Markdown stage to the search index, kept in a file
//! rather than in memory.
//!
//! A build that keeps nothing renders every page before it feeds the index (the index's
//! threads would otherwise compete with rendering for the cores), so the text of the
//! whole site waits in between: even compressed, it was 180 MB of the build's memory at
//! 50,000 pages. Written to an unnamed file instead, it waits in the page cache, which the
//! system may write out and reclaim; the file disappears with the build, however it ends.
//! The text goes there plain (about twice the compressed size): compressing it cost more
//! CPU than writing and reading it back.
//!
//! Input: the text of each page ([`crate::markdown::PackedText::as_bytes`]), from the
//! Markdown stage's threads, in any order. Output: the same bytes, by [`Spot`].

use std::fs::File;
use std::io::{BufWriter, Read as _, Seek as _, SeekFrom, Write as _};
use std::path::Path;
use std::sync::{Mutex, PoisonError};

/// Where a page's bytes are in the spill file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Spot {
    at: u64,
    len: usize,
}

/// The spill file while the Markdown stage writes to it; shared by its threads.
pub struct Spill {
    file: Mutex<Appending>,
}

struct Appending {
    out: BufWriter<File>,
    len: u64,
}

impl Spill {
    /// A new spill file in `dir` (on the site's disk, not in a RAM-backed /tmp), which
    /// has no name: nothing is left behind, even by a build that is killed.
    pub fn new(dir: &Path) -> std::io::Result<Spill> {
        std::fs::create_dir_all(dir)?;
        let file = tempfile::tempfile_in(dir)?;
        Ok(Spill {
            file: Mutex::new(Appending {
                out: BufWriter::with_capacity(256 * 1024, file),
                len: 0,
            }),
        })
    }

    /// Appends `bytes`; returns where they are.
    pub fn put(&self, bytes: &[u8]) -> std::io::Result<Spot> {
        let mut file = self.file.lock().unwrap_or_else(PoisonError::into_inner);
        file.out.write_all(bytes)?;
        let spot = Spot {
            at: file.len,
            len: bytes.len(),
        };
        file.len += bytes.len() as u64;
        Ok(spot)
    }

    /// The file, written: from now on, only read.
    pub fn into_reader(self) -> std::io::Result<Spilled> {
        let appending = self
            .file
            .into_inner()
            .unwrap_or_else(PoisonError::into_inner);
        let file = appending
            .out
            .into_inner()
            .map_err(std::io::IntoInnerError::into_error)?;
        Ok(Spilled { file })
    }
}

/// The spill file, read back.
pub struct Spilled {
    file: File,
}

impl Spilled {
    /// The bytes put at `spot`.
    pub fn get(&mut self, spot: Spot) -> std::io::Result<Vec<u8>> {
        let mut bytes = vec![0; spot.len];
        self.file.seek(SeekFrom::Start(spot.at))?;
        self.file.read_exact(&mut bytes)?;
        Ok(bytes)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // Tests: a panic is the failure report.
mod tests {
    use super::*;
    use rayon::prelude::*;

    #[test]
    fn bytes_put_from_many_threads_come_back_by_their_spot() {
        let dir = tempfile::tempdir().unwrap();
        let spill = Spill::new(&dir.path().join("cache")).unwrap();
        let pages: Vec<Vec<u8>> = (0..2_000u32)
            .map(|i| i.to_string().repeat(i as usize % 300).into_bytes())
            .collect();
        let spots: Vec<Spot> = pages.par_iter().map(|p| spill.put(p).unwrap()).collect();
        let mut spilled = spill.into_reader().unwrap();
        for (page, spot) in pages.iter().zip(spots).rev() {
            assert_eq!(&spilled.get(spot).unwrap(), page);
        }
        // Unnamed: the folder it was made in stays empty.
        let left: Vec<_> = std::fs::read_dir(dir.path().join("cache"))
            .unwrap()
            .collect();
        assert!(left.is_empty(), "{left:?}");
    }
}
