//! Single files outside the output: caches, reports the user names
//! (`changes --report FILE.html`) and new project files (`outreach new`).

use super::*;

/// Write a file atomically (temp file + rename), for caches.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> io::Result<()> {
    if let Some(parent) = path.parent().filter(|p| !p.is_dir()) {
        fs::create_dir_all(parent)?;
    }
    let tmp = path.with_extension(format!("tmp-{}", std::process::id()));
    fs::write(&tmp, bytes)?;
    fs::rename(&tmp, path)
}

// ---------------------------------------------------------------------------
// Reports the user names (`changes --report FILE.html`)

/// Check that `path` may take a report: a new file, or one an earlier report
/// wrote (its bytes begin with `marker`), outside the project's inputs.
/// Nothing is written.
pub fn check_report_path(path: &Path, marker: &[u8], project: &Path) -> Result<(), OutputError> {
    let real = real_path(path).map_err(|source| OutputError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    if let Ok(project) = fs::canonicalize(project) {
        for inputs in ["content", "data", "themes", ".outreach-cache"] {
            if real.starts_with(project.join(inputs)) {
                return Err(refused(
                    path,
                    format!("プロジェクトの入力を置く {inputs}/ の中です"),
                    "報告書はプロジェクトの外か、プロジェクトの直下（例: --report changes.html）に出してください",
                ));
            }
        }
    }
    match fs::symlink_metadata(&real) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
        Err(source) => Err(OutputError::Read { path: real, source }),
        Ok(meta) if !meta.is_file() => Err(refused(
            path,
            "ファイルではありません（フォルダなどです）",
            "新しいファイルの名前を指定してください（例: --report changes.html）",
        )),
        Ok(_) => {
            let mut head = vec![0u8; marker.len()];
            let same = fs::File::open(&real)
                .and_then(|mut f| f.read_exact(&mut head))
                .is_ok()
                && head == marker;
            if same {
                Ok(())
            } else {
                Err(refused(
                    path,
                    "outreach が書いた報告書ではないファイルがあります。上書きすると消えてしまうため書き込みません",
                    "別の名前を指定するか、そのファイルを移してからもう一度実行してください",
                ))
            }
        }
    }
}

/// Write a report checked by [`check_report_path`]: into a temporary file
/// beside it, then renamed over it, so a reader never sees half a report.
pub fn write_report(path: &Path, bytes: &[u8]) -> Result<(), OutputError> {
    let real = real_path(path).map_err(|source| OutputError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    write_atomic(&real, bytes).map_err(|source| OutputError::Write { path: real, source })
}

// ---------------------------------------------------------------------------
// New project files (`outreach new`)

/// Create new files under `dir` (made when missing), e.g. a new project or a
/// site's example pages. Every path is checked ([`check_rel`]) and none may
/// exist yet, all checked before the first is written, so nothing is ever
/// overwritten; if one cannot be written, the files made before it are
/// removed again.
pub fn create_files(dir: &Path, files: &[(String, Vec<u8>)]) -> Result<(), OutputError> {
    for (rel, _) in files {
        check_rel(rel)?;
        let path = dir.join(rel);
        if fs::symlink_metadata(&path).is_ok() {
            return Err(refused(
                &path,
                "すでにあります。上書きすると今の内容が消えてしまうため、何も書き込みません",
                "そのファイルを別の名前に変えるか、別のフォルダを指定してください",
            ));
        }
    }
    let mut made: Vec<PathBuf> = Vec::new();
    for (rel, bytes) in files {
        let path = dir.join(rel);
        let written = path
            .parent()
            .map_or(Ok(()), fs::create_dir_all)
            .and_then(|()| {
                let mut file = fs::OpenOptions::new()
                    .write(true)
                    .create_new(true)
                    .open(&path)?;
                made.push(path.clone());
                file.write_all(bytes)
            });
        if let Err(source) = written {
            for file in made.iter().rev() {
                let _ = fs::remove_file(file);
            }
            return Err(OutputError::Write { path, source });
        }
    }
    Ok(())
}

/// Replace a project file that outreach changes on request (`data/sites.yaml`
/// gets a new site's entry): written whole into a temporary file beside it
/// and renamed over it, so the file is never half written.
pub fn replace_file(path: &Path, bytes: &[u8]) -> Result<(), OutputError> {
    write_atomic(path, bytes).map_err(|source| OutputError::Write {
        path: path.to_path_buf(),
        source,
    })
}
