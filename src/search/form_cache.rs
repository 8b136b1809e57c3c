//! The static search form of the last build, kept beside the index
//! (`.passerelle/search-form.bin`), so a build whose pages did not change does not
//! export it again (0.8 s at 10,000 pages).
//!
//! Input: the form's files and a fingerprint of everything the export reads. Output: the
//! same files, when the fingerprint matches. The fingerprint covers every live document
//! (its id and the content hash the index stores), the synonym sets, the layout's
//! version and constants, the browser script, and the running executable (its size and
//! modification time), so a new build of Passerelle never reuses an old form. The cache
//! is only ever a copy: unreadable, truncated or stale, it is ignored and written again.

use std::path::{Path, PathBuf};

use anyhow::Context;

use super::export::{CHUNK_DOCS, FORMAT, NORM_SHARD, SEARCH_JS};
use super::index::{Snapshot, fnv1a};

const MAGIC: &[u8; 8] = b"PSFORM02";

/// Where the form is kept for the index in `index_dir` (`.passerelle/index`).
pub fn path_for(index_dir: &Path) -> Option<PathBuf> {
    Some(index_dir.parent()?.join("search-form.bin"))
}

/// The fingerprint of the form `snapshot` and `synonyms` export to.
pub fn fingerprint(snapshot: &Snapshot, synonyms: &[Vec<String>]) -> anyhow::Result<u64> {
    let mut bytes: Vec<u8> = Vec::new();
    bytes.extend_from_slice(MAGIC);
    bytes.extend_from_slice(&FORMAT.to_le_bytes());
    bytes.extend_from_slice(format!("{CHUNK_DOCS}/{NORM_SHARD}").as_bytes());
    bytes.extend_from_slice(SEARCH_JS.as_bytes());
    bytes.extend_from_slice(serde_json::to_string(synonyms)?.as_bytes());
    if let Ok(meta) = std::env::current_exe().and_then(std::fs::metadata) {
        bytes.extend_from_slice(&meta.len().to_le_bytes());
        if let Ok(since) = meta
            .modified()
            .map(|m| m.duration_since(std::time::UNIX_EPOCH))
        {
            bytes.extend_from_slice(&since.unwrap_or_default().as_nanos().to_le_bytes());
        }
    }
    let mut ids: Vec<(&String, &tantivy::DocAddress)> = snapshot.by_id.iter().collect();
    ids.sort();
    let readers = snapshot.searcher.segment_readers();
    let mut columns = Vec::with_capacity(readers.len());
    for segment in readers {
        columns.push(segment.fast_fields().u64("hash")?);
    }
    for (id, address) in ids {
        let hash = columns[address.segment_ord as usize]
            .first(address.doc_id)
            .context("a document without its hash")?;
        bytes.extend_from_slice(id.as_bytes());
        bytes.extend_from_slice(&hash.to_le_bytes());
    }
    Ok(fnv1a(&bytes))
}

/// What an entry of the file is: the end, then the generation; a file of the generation
/// folder; a file at the top of `public/search/`.
const END: u8 = 0;
const IN_GENERATION: u8 = 1;
const AT_TOP: u8 = 2;

/// The kept form, if it was made for `fingerprint`: the files at the top first (as
/// [`super::SearchIndex::export_static`] gives them), then those of the generation folder.
pub fn read(path: &Path, fingerprint: u64) -> Option<super::export::Files> {
    use std::io::Read as _;
    // Read file by file, not whole: the form and a copy of it would be in memory at once.
    let file = std::fs::File::open(path).ok()?;
    // A damaged length must not reserve more than the file could hold.
    let size = file.metadata().ok()?.len();
    let mut input = std::io::BufReader::new(file);
    let mut take = |n: usize| -> Option<Vec<u8>> {
        if n as u64 > size {
            return None;
        }
        let mut bytes = Vec::new();
        bytes.try_reserve_exact(n).ok()?;
        (&mut input).take(n as u64).read_to_end(&mut bytes).ok()?;
        (bytes.len() == n).then_some(bytes)
    };
    let u64_of = |b: Vec<u8>| b.try_into().ok().map(u64::from_le_bytes);
    if take(MAGIC.len())? != MAGIC || u64_of(take(8)?)? != fingerprint {
        return None;
    }
    let mut entries = Vec::new();
    loop {
        let kind = *take(1)?.first()?;
        let len = usize::try_from(u64_of(take(8)?)?).ok()?;
        let name = String::from_utf8(take(len)?).ok()?;
        if kind == END {
            let generation = PathBuf::from(name);
            // Nothing after the end.
            if take(1).is_some() {
                return None;
            }
            let (top, in_generation): (Vec<_>, Vec<_>) = entries
                .into_iter()
                .partition(|(kind, _, _)| *kind == AT_TOP);
            let top = top
                .into_iter()
                .map(|(_, name, data)| (PathBuf::from(name), data));
            let in_generation = in_generation
                .into_iter()
                .map(|(_, name, data)| (generation.join(name), data));
            return Some(top.chain(in_generation).collect());
        }
        if kind != IN_GENERATION && kind != AT_TOP {
            return None;
        }
        let len = usize::try_from(u64_of(take(8)?)?).ok()?;
        entries.push((kind, name, take(len)?));
    }
}

/// Writes a kept form file by file, as the export makes them; the file takes its name
/// only at [`Writer::finish`], so a form cut short is never read back.
pub struct Writer {
    out: std::io::BufWriter<std::fs::File>,
    tmp: PathBuf,
    path: PathBuf,
}

impl Writer {
    pub fn create(path: &Path, fingerprint: u64) -> anyhow::Result<Writer> {
        use std::io::Write as _;
        let tmp = path.with_extension("bin.tmp");
        let file =
            std::fs::File::create(&tmp).with_context(|| format!("writing {}", tmp.display()))?;
        let mut out = std::io::BufWriter::new(file);
        out.write_all(MAGIC)?;
        out.write_all(&fingerprint.to_le_bytes())?;
        Ok(Writer {
            out,
            tmp,
            path: path.to_path_buf(),
        })
    }

    fn entry(&mut self, kind: u8, name: &str, data: Option<&[u8]>) -> std::io::Result<()> {
        use std::io::Write as _;
        self.out.write_all(&[kind])?;
        self.out.write_all(&(name.len() as u64).to_le_bytes())?;
        self.out.write_all(name.as_bytes())?;
        if let Some(data) = data {
            self.out.write_all(&(data.len() as u64).to_le_bytes())?;
            self.out.write_all(data)?;
        }
        Ok(())
    }

    /// A file of the generation folder, by its path in it.
    pub fn in_generation(&mut self, name: &str, data: &[u8]) -> std::io::Result<()> {
        self.entry(IN_GENERATION, name, Some(data))
    }

    /// A file by its whole path under `public/search/`.
    pub fn at_top(&mut self, name: &str, data: &[u8]) -> std::io::Result<()> {
        self.entry(AT_TOP, name, Some(data))
    }

    /// Ends the file with the generation folder's name, and gives it its name.
    pub fn finish(mut self, generation: &str) -> anyhow::Result<()> {
        self.entry(END, generation, None)?;
        self.out
            .into_inner()
            .map_err(std::io::IntoInnerError::into_error)
            .with_context(|| format!("writing {}", self.tmp.display()))?;
        std::fs::rename(&self.tmp, &self.path)
            .with_context(|| format!("renaming {}", self.tmp.display()))
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // Tests: a panic is the failure report.
mod tests {
    use super::*;

    #[test]
    fn a_kept_form_reads_back_for_its_fingerprint_only() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("search-form.bin");
        let files = vec![
            (PathBuf::from("meta.json"), b"{}".to_vec()),
            (PathBuf::from("abc/en/n0.bin"), vec![0, 1, 2, 255]),
        ];
        let mut writer = Writer::create(&path, 42).unwrap();
        writer.in_generation("en/n0.bin", &files[1].1).unwrap();
        writer.at_top("meta.json", &files[0].1).unwrap();
        writer.finish("abc").unwrap();
        assert_eq!(read(&path, 42), Some(files));
        assert_eq!(read(&path, 43), None);
        // Truncated: ignored.
        let bytes = std::fs::read(&path).unwrap();
        std::fs::write(&path, &bytes[..bytes.len() - 1]).unwrap();
        assert_eq!(read(&path, 42), None);
        // Followed by anything: ignored too.
        std::fs::write(&path, [&bytes[..], b"x"].concat()).unwrap();
        assert_eq!(read(&path, 42), None);
    }

    #[test]
    fn a_form_kept_as_it_is_made_reads_back_under_its_generation() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("search-form.bin");
        let mut writer = Writer::create(&path, 7).unwrap();
        writer.in_generation("en/t0.bin", &[1, 2]).unwrap();
        writer.in_generation("facets.bin", &[]).unwrap();
        // Cut short: nothing is kept.
        drop(writer);
        assert!(!path.exists());
        let mut writer = Writer::create(&path, 7).unwrap();
        writer.in_generation("en/t0.bin", &[1, 2]).unwrap();
        writer.at_top("meta.json", b"{}").unwrap();
        writer.finish("0123abcd").unwrap();
        assert_eq!(
            read(&path, 7),
            Some(vec![
                (PathBuf::from("meta.json"), b"{}".to_vec()),
                (PathBuf::from("0123abcd/en/t0.bin"), vec![1, 2]),
            ])
        );
    }
}
