//! The manifest of a build's files, kept in the project's cache: what
//! the next build may keep or reuse.

use super::*;

/// What the previous build wrote: path → (content hash, size, mtime, input key).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Manifest {
    pub entries: BTreeMap<String, ManifestEntry>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ManifestEntry {
    pub hash: u64,
    pub size: u64,
    /// Modification time in nanoseconds since the epoch, to notice hand edits.
    pub mtime: u128,
    /// Inode and status-change time (ctime, ns) of the file in the finished
    /// output; `None` where unknown (another system, an older manifest).
    /// No edit can keep the change time: while it is the same, the file is
    /// the one the build made.
    pub changed: Option<(u64, u128)>,
    /// Hash of the inputs the file was rendered from, when the renderer gave one.
    pub key: Option<u64>,
}

pub(super) const MANIFEST_HEADER: &str = "outreach-manifest";
pub(super) const MANIFEST_FORMAT: u32 = 2;

impl Manifest {
    /// Serialize as text lines; the first line names the format and the generator.
    pub fn to_text(&self, generator: u64) -> String {
        let mut out = format!("{MANIFEST_HEADER} {MANIFEST_FORMAT} {generator:016x}\n");
        for (path, e) in &self.entries {
            let key = e
                .key
                .map(|k| format!("{k:016x}"))
                .unwrap_or_else(|| "-".into());
            let changed = e
                .changed
                .map(|(ino, ctime)| format!("{ino}:{ctime}"))
                .unwrap_or_else(|| "-".into());
            out.push_str(&format!(
                "{:016x}\t{}\t{}\t{changed}\t{key}\t{path}\n",
                e.hash, e.size, e.mtime
            ));
        }
        out
    }

    /// Parse a manifest written for `generator`. A manifest from another
    /// generator is stale: its input keys cannot be trusted.
    pub fn parse(text: &str, generator: u64) -> Result<Manifest, String> {
        let mut lines = text.lines();
        let header = lines.next().ok_or("空のファイルです")?;
        let mut words = header
            .strip_prefix(MANIFEST_HEADER)
            .ok_or("形式が違います")?
            .split_whitespace();
        // Format 1 had no change times: its files are read back before use.
        let format: u32 = match words.next().map(str::parse) {
            Some(Ok(f @ (1 | MANIFEST_FORMAT))) => f,
            _ => return Err("形式が違います".into()),
        };
        let stale = words
            .next()
            .and_then(|g| u64::from_str_radix(g, 16).ok())
            .ok_or("見出し行が壊れています")?
            != generator;
        let mut entries = BTreeMap::new();
        for (i, line) in lines.enumerate() {
            let bad = || format!("{}行目が壊れています", i + 2);
            let mut parts = line.splitn(if format == 1 { 5 } else { 6 }, '\t');
            let mut next = || parts.next().ok_or_else(bad);
            let hash = u64::from_str_radix(next()?, 16).map_err(|_| bad())?;
            let size = next()?.parse().map_err(|_| bad())?;
            let mtime = next()?.parse().map_err(|_| bad())?;
            let changed = match if format == 1 { "-" } else { next()? } {
                "-" => None,
                c => {
                    let (ino, ctime) = c.split_once(':').ok_or_else(bad)?;
                    Some((
                        ino.parse().map_err(|_| bad())?,
                        ctime.parse().map_err(|_| bad())?,
                    ))
                }
            };
            let key = match next()? {
                "-" => None,
                k => Some(u64::from_str_radix(k, 16).map_err(|_| bad())?),
            };
            let path = next()?.to_string();
            // Keys from another generator (another outreach binary) are dropped;
            // content hashes stay valid.
            entries.insert(
                path,
                ManifestEntry {
                    hash,
                    size,
                    mtime,
                    changed,
                    key: if stale { None } else { key },
                },
            );
        }
        Ok(Manifest { entries })
    }
}

/// The inode and status-change time of a file, where the system has them.
#[cfg(unix)]
pub(super) fn change_id(meta: &fs::Metadata) -> Option<(u64, u128)> {
    use std::os::unix::fs::MetadataExt;
    let secs = u128::try_from(meta.ctime()).ok()?;
    let nanos = u128::try_from(meta.ctime_nsec()).ok()?;
    Some((meta.ino(), secs * 1_000_000_000 + nanos))
}

#[cfg(not(unix))]
pub(super) fn change_id(_meta: &fs::Metadata) -> Option<(u64, u128)> {
    None
}

/// Note each file's inode and change time once the output is in place (the
/// swap and the removal of the previous output change them for linked files).
pub(super) fn note_change_times(out: &Path, entries: &mut BTreeMap<String, ManifestEntry>) {
    use rayon::prelude::*;
    entries.par_iter_mut().for_each(|(rel, entry)| {
        entry.changed = fs::symlink_metadata(out.join(rel))
            .ok()
            .filter(|m| m.is_file() && m.len() == entry.size && mtime_nanos(m) == entry.mtime)
            .and_then(|m| change_id(&m));
    });
}

pub(super) fn mtime_nanos(meta: &fs::Metadata) -> u128 {
    meta.modified()
        .ok()
        .and_then(|t| t.duration_since(SystemTime::UNIX_EPOCH).ok())
        .map(|d| d.as_nanos())
        .unwrap_or(0)
}
