//! The one place that writes the generated site. Files go into a staging
//! folder beside the output folder; only a complete build is swapped in, so
//! a failed or interrupted build leaves the previous output untouched.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
pub enum OutputError {
    #[error("{path}: 書き込めません: {source}")]
    Write { path: PathBuf, source: io::Error },
    #[error("出力フォルダ {path} を置き換えられません: {source}")]
    Swap { path: PathBuf, source: io::Error },
}

/// A build in progress: a hidden folder beside the output folder.
pub struct Staging {
    dir: PathBuf,
    out: PathBuf,
    committed: bool,
}

impl Staging {
    /// Start a build that will replace `out`.
    pub fn new(out: &Path) -> Result<Staging, OutputError> {
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
        })
    }

    /// Write one file (path relative to the output root). Safe to call from many threads.
    pub fn write(&self, rel: &str, bytes: &[u8]) -> Result<(), OutputError> {
        let path = self.dir.join(rel);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).map_err(|source| OutputError::Write {
                path: parent.to_path_buf(),
                source,
            })?;
        }
        fs::write(&path, bytes).map_err(|source| OutputError::Write { path, source })
    }

    /// Swap the finished build in place of the output folder.
    pub fn commit(mut self) -> Result<(), OutputError> {
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
        Ok(())
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed {
            let _ = fs::remove_dir_all(&self.dir);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dropped_staging_leaves_previous_output() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        fs::create_dir_all(&out).unwrap();
        fs::write(out.join("index.html"), "old").unwrap();
        {
            let staging = Staging::new(&out).unwrap();
            staging.write("index.html", b"new").unwrap();
        }
        assert_eq!(fs::read_to_string(out.join("index.html")).unwrap(), "old");
        assert_eq!(fs::read_dir(tmp.path()).unwrap().count(), 1);

        let staging = Staging::new(&out).unwrap();
        staging.write("a/b.html", b"new").unwrap();
        staging.commit().unwrap();
        assert!(!out.join("index.html").exists());
        assert_eq!(fs::read_to_string(out.join("a/b.html")).unwrap(), "new");
        assert_eq!(fs::read_dir(tmp.path()).unwrap().count(), 1);
    }
}

/// Combine the outputs of sharded builds into `out` (replaced atomically). The
/// same path in two inputs must hold the same bytes.
pub fn merge(inputs: &[PathBuf], out: &Path) -> Result<u64, MergeError> {
    let staging = Staging::new(out)?;
    let mut seen: std::collections::BTreeMap<String, PathBuf> = std::collections::BTreeMap::new();
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
            staging.write(&rel, &bytes)?;
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
