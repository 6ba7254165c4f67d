//! The one place that writes the generated site.
//!
//! Files go into a staging folder beside the output folder; only a complete
//! build is swapped in, so a failed or interrupted build leaves the previous
//! output untouched. A manifest of the previous output (kept in the project's
//! `.outreach-cache/`, never inside the output) lets a build hard-link every
//! file whose bytes did not change, so unchanged files keep their mtime and
//! uploads with rsync or robocopy stay small, and lets expensive files whose
//! inputs did not change be reused without rendering them again.

use std::collections::BTreeMap;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::SystemTime;

#[derive(Debug, thiserror::Error)]
pub enum OutputError {
    #[error("{path}: 書き込めません: {source}")]
    Write { path: PathBuf, source: io::Error },
    #[error("出力フォルダ {path} を置き換えられません: {source}")]
    Swap { path: PathBuf, source: io::Error },
}

/// A stable 64-bit hash (xxh3) of bytes.
pub fn hash_bytes(bytes: &[u8]) -> u64 {
    twox_hash::XxHash3_64::oneshot(bytes)
}

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
    /// Hash of the inputs the file was rendered from, when the renderer gave one.
    pub key: Option<u64>,
}

const MANIFEST_HEADER: &str = "outreach-manifest 1";

impl Manifest {
    /// Serialize as text lines; the first line names the format and the generator.
    pub fn to_text(&self, generator: u64) -> String {
        let mut out = format!("{MANIFEST_HEADER} {generator:016x}\n");
        for (path, e) in &self.entries {
            let key = e
                .key
                .map(|k| format!("{k:016x}"))
                .unwrap_or_else(|| "-".into());
            out.push_str(&format!(
                "{:016x}\t{}\t{}\t{key}\t{path}\n",
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
        let Some(rest) = header.strip_prefix(MANIFEST_HEADER) else {
            return Err("形式が違います".into());
        };
        let stale = u64::from_str_radix(rest.trim(), 16).map_err(|_| "見出し行が壊れています")?
            != generator;
        let mut entries = BTreeMap::new();
        for (i, line) in lines.enumerate() {
            let bad = || format!("{}行目が壊れています", i + 2);
            let mut parts = line.splitn(5, '\t');
            let mut next = || parts.next().ok_or_else(bad);
            let hash = u64::from_str_radix(next()?, 16).map_err(|_| bad())?;
            let size = next()?.parse().map_err(|_| bad())?;
            let mtime = next()?.parse().map_err(|_| bad())?;
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
                    key: if stale { None } else { key },
                },
            );
        }
        Ok(Manifest { entries })
    }
}

fn mtime_nanos(meta: &fs::Metadata) -> u128 {
    meta.modified()
        .ok()
        .and_then(|t| t.duration_since(SystemTime::UNIX_EPOCH).ok())
        .map(|d| d.as_nanos())
        .unwrap_or(0)
}

/// Counts of what a build did with each file.
#[derive(Debug, Default)]
pub struct WriteStats {
    /// Files written with new bytes.
    pub written: AtomicU64,
    /// Files whose bytes matched the previous output: hard-linked, mtime kept.
    pub unchanged: AtomicU64,
    /// Files reused by input key without rendering.
    pub reused: AtomicU64,
    pub bytes: AtomicU64,
}

/// A build in progress: a hidden folder beside the output folder.
pub struct Staging {
    dir: PathBuf,
    out: PathBuf,
    committed: bool,
    previous: Manifest,
    manifest: Mutex<BTreeMap<String, ManifestEntry>>,
    pub stats: WriteStats,
}

impl Staging {
    /// Start a build that will replace `out`; `previous` describes what `out` holds now.
    pub fn new(out: &Path, previous: Option<Manifest>) -> Result<Staging, OutputError> {
        let parent = out
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        let name = out
            .file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_else(|| "public".into());
        fs::create_dir_all(parent).map_err(|source| OutputError::Write {
            path: parent.to_path_buf(),
            source,
        })?;
        let dir = parent.join(format!(".{name}.building-{}", std::process::id()));
        if dir.exists() {
            let _ = fs::remove_dir_all(&dir);
        }
        fs::create_dir_all(&dir).map_err(|source| OutputError::Write {
            path: dir.clone(),
            source,
        })?;
        Ok(Staging {
            dir,
            out: out.to_path_buf(),
            committed: false,
            previous: if out.exists() {
                previous.unwrap_or_default()
            } else {
                Manifest::default()
            },
            manifest: Mutex::new(BTreeMap::new()),
            stats: WriteStats::default(),
        })
    }

    /// The previous output's file at `rel`, if it is still what the manifest says.
    fn previous_file(&self, rel: &str) -> Option<(PathBuf, ManifestEntry)> {
        let entry = *self.previous.entries.get(rel)?;
        let path = self.out.join(rel);
        let meta = fs::metadata(&path).ok()?;
        (meta.len() == entry.size && mtime_nanos(&meta) == entry.mtime).then_some((path, entry))
    }

    fn ensure_parent(&self, path: &Path) -> Result<(), OutputError> {
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).map_err(|source| OutputError::Write {
                path: parent.to_path_buf(),
                source,
            })?;
        }
        Ok(())
    }

    /// Carry the previous output's file at `rel` over unchanged (hard link).
    fn link_previous(
        &self,
        rel: &str,
        old: &Path,
        mut entry: ManifestEntry,
        key: Option<u64>,
    ) -> bool {
        let path = self.dir.join(rel);
        if self.ensure_parent(&path).is_err() || fs::hard_link(old, &path).is_err() {
            return false;
        }
        entry.key = key.or(entry.key);
        self.manifest
            .lock()
            .expect("no panics while holding the lock")
            .insert(rel.to_string(), entry);
        true
    }

    /// Reuse the previous file at `rel` if it was rendered from the same inputs
    /// (`key`). Returns false when the caller must render it.
    pub fn reuse(&self, rel: &str, key: u64) -> bool {
        match self.previous_file(rel) {
            Some((old, entry)) if entry.key == Some(key) => {
                let linked = self.link_previous(rel, &old, entry, Some(key));
                if linked {
                    self.stats.reused.fetch_add(1, Ordering::Relaxed);
                }
                linked
            }
            _ => false,
        }
    }

    /// Write one file (path relative to the output root). Safe from many threads.
    pub fn write(&self, rel: &str, bytes: &[u8], key: Option<u64>) -> Result<(), OutputError> {
        let hash = hash_bytes(bytes);
        if let Some((old, entry)) = self.previous_file(rel)
            && entry.hash == hash
            && entry.size == bytes.len() as u64
            && self.link_previous(rel, &old, entry, key)
        {
            self.stats.unchanged.fetch_add(1, Ordering::Relaxed);
            return Ok(());
        }
        let path = self.dir.join(rel);
        self.ensure_parent(&path)?;
        // The path may already be a hard link to the previous output (a file
        // reused earlier in this build): replace the link, never write through it.
        let _ = fs::remove_file(&path);
        fs::write(&path, bytes).map_err(|source| OutputError::Write {
            path: path.clone(),
            source,
        })?;
        let mtime = fs::metadata(&path).map(|m| mtime_nanos(&m)).unwrap_or(0);
        self.manifest
            .lock()
            .expect("no panics while holding the lock")
            .insert(
                rel.to_string(),
                ManifestEntry {
                    hash,
                    size: bytes.len() as u64,
                    mtime,
                    key,
                },
            );
        self.stats.written.fetch_add(1, Ordering::Relaxed);
        self.stats
            .bytes
            .fetch_add(bytes.len() as u64, Ordering::Relaxed);
        Ok(())
    }

    /// Swap the finished build in place of the output folder; returns the new manifest.
    pub fn commit(mut self) -> Result<Manifest, OutputError> {
        let swap = |source| OutputError::Swap {
            path: self.out.clone(),
            source,
        };
        let old = self.dir.with_file_name(format!(
            "{}.old",
            self.dir
                .file_name()
                .expect("staging has a name")
                .to_string_lossy()
        ));
        if self.out.exists() {
            fs::rename(&self.out, &old).map_err(swap)?;
        }
        if let Err(e) = fs::rename(&self.dir, &self.out) {
            // Put the previous output back before reporting.
            if old.exists() {
                let _ = fs::rename(&old, &self.out);
            }
            return Err(swap(e));
        }
        self.committed = true;
        if old.exists() {
            let _ = fs::remove_dir_all(&old);
        }
        let entries = std::mem::take(
            &mut *self
                .manifest
                .lock()
                .expect("no panics while holding the lock"),
        );
        Ok(Manifest { entries })
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed {
            let _ = fs::remove_dir_all(&self.dir);
        }
    }
}

/// Write a file atomically (temp file + rename), for caches.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> io::Result<()> {
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent)?;
    }
    let tmp = path.with_extension(format!("tmp-{}", std::process::id()));
    fs::write(&tmp, bytes)?;
    fs::rename(&tmp, path)
}

/// Combine the outputs of sharded builds into `out` (replaced atomically). The
/// same path in two inputs must hold the same bytes.
pub fn merge(inputs: &[PathBuf], out: &Path) -> Result<u64, MergeError> {
    let staging = Staging::new(out, None)?;
    let mut seen: BTreeMap<String, PathBuf> = BTreeMap::new();
    let mut files = 0;
    for input in inputs {
        for entry in walkdir::WalkDir::new(input).sort_by_file_name() {
            let entry = entry.map_err(|e| MergeError::Read {
                path: input.clone(),
                message: e.to_string(),
            })?;
            if !entry.file_type().is_file() {
                continue;
            }
            let rel = entry
                .path()
                .strip_prefix(input)
                .expect("walkdir stays inside its root")
                .to_string_lossy()
                .replace('\\', "/");
            let bytes = fs::read(entry.path()).map_err(|e| MergeError::Read {
                path: entry.path().to_path_buf(),
                message: e.to_string(),
            })?;
            if let Some(first) = seen.get(&rel) {
                if fs::read(first).ok().as_deref() != Some(bytes.as_slice()) {
                    return Err(MergeError::Conflict {
                        rel,
                        first: first.clone(),
                        second: entry.path().to_path_buf(),
                    });
                }
                continue;
            }
            staging.write(&rel, &bytes, None)?;
            seen.insert(rel, entry.path().to_path_buf());
            files += 1;
        }
    }
    staging.commit()?;
    Ok(files)
}

#[derive(Debug, thiserror::Error)]
pub enum MergeError {
    #[error("{path}: 読めません: {message}")]
    Read { path: PathBuf, message: String },
    #[error(
        "{rel} が {first} と {second} で異なります。同じ入力と --date で作った分割どうしか確認してください"
    )]
    Conflict {
        rel: String,
        first: PathBuf,
        second: PathBuf,
    },
    #[error(transparent)]
    Output(#[from] OutputError),
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::MetadataExt;

    #[test]
    fn dropped_staging_leaves_previous_output() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        fs::create_dir_all(&out).unwrap();
        fs::write(out.join("index.html"), "old").unwrap();
        {
            let staging = Staging::new(&out, None).unwrap();
            staging.write("index.html", b"new", None).unwrap();
        }
        assert_eq!(fs::read_to_string(out.join("index.html")).unwrap(), "old");
        assert_eq!(fs::read_dir(tmp.path()).unwrap().count(), 1);

        let staging = Staging::new(&out, None).unwrap();
        staging.write("a/b.html", b"new", None).unwrap();
        staging.commit().unwrap();
        assert!(!out.join("index.html").exists());
        assert_eq!(fs::read_to_string(out.join("a/b.html")).unwrap(), "new");
        assert_eq!(fs::read_dir(tmp.path()).unwrap().count(), 1);
    }

    #[test]
    fn unchanged_files_keep_their_inode_and_keys_allow_reuse() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        let staging = Staging::new(&out, None).unwrap();
        staging.write("same.html", b"same", Some(1)).unwrap();
        staging.write("changed.html", b"before", None).unwrap();
        let manifest = staging.commit().unwrap();
        let inode = |p: &str| fs::metadata(out.join(p)).unwrap().ino();
        let (same, changed) = (inode("same.html"), inode("changed.html"));

        let text = manifest.to_text(7);
        assert_eq!(Manifest::parse(&text, 7).unwrap(), manifest);
        let staging = Staging::new(&out, Some(Manifest::parse(&text, 7).unwrap())).unwrap();
        assert!(staging.reuse("same.html", 1));
        assert!(!staging.reuse("changed.html", 1), "no key recorded");
        staging.write("changed.html", b"after", None).unwrap();
        let manifest = staging.commit().unwrap();
        assert_eq!(inode("same.html"), same, "reused file is the same file");
        assert_ne!(inode("changed.html"), changed);
        assert_eq!(
            fs::read_to_string(out.join("changed.html")).unwrap(),
            "after"
        );
        assert_eq!(manifest.entries["same.html"].key, Some(1));

        // A manifest from another generator keeps hashes but drops keys.
        let stale = Manifest::parse(&manifest.to_text(7), 8).unwrap();
        assert_eq!(stale.entries["same.html"].key, None);
        assert!(Manifest::parse("garbage", 7).is_err());
        assert!(Manifest::parse(&format!("{MANIFEST_HEADER} 7\nzz\t1\n"), 7).is_err());
    }

    #[test]
    fn a_hand_edited_output_file_is_not_trusted() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        let staging = Staging::new(&out, None).unwrap();
        staging.write("page.html", b"generated", Some(5)).unwrap();
        let manifest = staging.commit().unwrap();
        fs::write(out.join("page.html"), b"edited by hand!").unwrap();
        let staging = Staging::new(&out, Some(manifest)).unwrap();
        assert!(!staging.reuse("page.html", 5));
    }
}
