//! The folders outreach may write, checked before any work starts: the
//! output of `build` and `merge`, and the work folder of `bench`.

use super::*;

/// A folder outreach may write: checked by [`Target::check`].
#[derive(Debug)]
pub struct Target {
    /// The real folder (absolute, symbolic links followed) that is replaced.
    pub dir: PathBuf,
    /// The folder's record: `None` when the folder does not exist yet; an
    /// empty record for an empty folder.
    pub record: Option<Record>,
    /// The record file's bytes as they are now (to keep it when unchanged).
    pub(super) record_bytes: Option<Vec<u8>>,
    pub(super) kind: FolderKind,
}

/// The hint for every refusal that a new folder solves.
pub(super) const NEW_FOLDER_HINT: &str =
    "プロジェクトの外か、プロジェクトの中の新しいフォルダ（例: --out public）を指定してください";

impl Target {
    /// Decide whether outreach may write `out` (a folder of `kind`) for the
    /// project at `project`. Nothing is written; a leftover of an interrupted
    /// swap (on systems without an atomic exchange) is put back first.
    pub fn check(
        out: &Path,
        kind: FolderKind,
        project: Option<&Path>,
    ) -> Result<Target, OutputError> {
        if out.as_os_str().is_empty() {
            return Err(refused(out, "出力先が空です", NEW_FOLDER_HINT));
        }
        let dir = real_path(out).map_err(|source| OutputError::Read {
            path: out.to_path_buf(),
            source,
        })?;
        if dir.parent().is_none() {
            return Err(refused(
                out,
                "ファイルシステムの最上位（/）です",
                NEW_FOLDER_HINT,
            ));
        }
        if let Some(project) = project {
            let project = fs::canonicalize(project).map_err(|source| OutputError::Read {
                path: project.to_path_buf(),
                source,
            })?;
            if dir == project {
                return Err(refused(
                    out,
                    "プロジェクトのフォルダそのものです（config.yaml、content/、data/、themes/ が消えてしまいます）",
                    NEW_FOLDER_HINT,
                ));
            }
            if project.starts_with(&dir) {
                return Err(refused(
                    out,
                    format!(
                        "プロジェクトのフォルダ {} を中に含んでいます",
                        project.display()
                    ),
                    NEW_FOLDER_HINT,
                ));
            }
            for inputs in ["content", "data", "themes", ".outreach-cache"] {
                if dir.starts_with(project.join(inputs)) {
                    return Err(refused(
                        out,
                        format!("プロジェクトの入力を置く {inputs}/ の中です"),
                        NEW_FOLDER_HINT,
                    ));
                }
            }
        }
        restore_interrupted_swap(&dir);
        let meta = match fs::metadata(&dir) {
            Ok(meta) => meta,
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                check_parent_writable(out, &dir)?;
                return Ok(Target {
                    dir,
                    record: None,
                    record_bytes: None,
                    kind,
                });
            }
            Err(source) => {
                return Err(OutputError::Read {
                    path: out.to_path_buf(),
                    source,
                });
            }
        };
        if !meta.is_dir() {
            return Err(refused(
                out,
                "フォルダではなくファイルです",
                "出力先には新しいフォルダの名前を指定してください（例: --out public）",
            ));
        }
        let (record, record_bytes) = match Record::read(&dir)? {
            Some((record, bytes)) => (record, Some(bytes)),
            None => {
                let mut entries = fs::read_dir(&dir).map_err(|source| OutputError::Read {
                    path: dir.clone(),
                    source,
                })?;
                if entries.next().is_some() {
                    return Err(refused(
                        out,
                        format!(
                            "outreach が作ったフォルダではありません（記録ファイル {MARKER} がなく、空でもありません）。中のファイルを消さないよう書き込みません"
                        ),
                        "新しいフォルダの名前か空のフォルダを指定してください。以前の outreach で作った出力なら、名前を変えて残すか、要らなければ自分で削除してから作り直してください",
                    ));
                }
                (Record::new(kind), None)
            }
        };
        if record.kind != kind {
            let (reason, hint) = match (record.kind, kind) {
                (FolderKind::Bench, _) => (
                    "outreach bench の作業用フォルダです",
                    "サイトの出力や zip には別のフォルダを指定してください",
                ),
                (FolderKind::Zips, _) => (
                    "outreach build --zip の zip の出力フォルダです",
                    "サイトの出力や bench には別のフォルダを指定してください",
                ),
                (FolderKind::Sites, FolderKind::Zips) => (
                    "outreach build のサイトの出力フォルダです",
                    "--zip にはサイトの出力（--out）とは別のフォルダを指定してください（例: --zip zips）",
                ),
                (FolderKind::Sites, _) => (
                    "outreach build のサイトの出力フォルダです（bench は作業用フォルダの中身をすべて作り直すため使えません）",
                    "bench の --work や --hugo-site には別の新しいフォルダを指定してください",
                ),
            };
            return Err(refused(out, reason, hint));
        }
        if is_read_only(&dir, &meta) {
            return Err(refused(
                out,
                "読み取り専用のフォルダです",
                "書き込みを許可する（chmod u+w）か、別のフォルダを指定してください",
            ));
        }
        check_parent_writable(out, &dir)?;
        if is_mount_point(&dir, &meta) {
            return Err(refused(
                out,
                "別のファイルシステムの接続点（マウントポイント）です。outreach は出力フォルダを丸ごと入れ替えるため、接続点そのものには出力できません",
                format!(
                    "その中のフォルダ（例: {}）を指定してください",
                    dir.join("careplan").display()
                ),
            ));
        }
        Ok(Target {
            dir,
            record: Some(record),
            record_bytes,
            kind,
        })
    }
}

/// The absolute path of `out` with every symbolic link followed (also a
/// dangling last link, whose target is created); parts that do not exist yet
/// are applied by name.
pub(super) fn real_path(out: &Path) -> io::Result<PathBuf> {
    let mut path = std::path::absolute(out)?;
    for _ in 0..40 {
        match fs::canonicalize(&path) {
            Ok(real) => return Ok(real),
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                if fs::symlink_metadata(&path).is_ok_and(|m| m.file_type().is_symlink()) {
                    let link = fs::read_link(&path)?;
                    path = match path.parent() {
                        Some(parent) if link.is_relative() => parent.join(link),
                        _ => link,
                    };
                    continue;
                }
                return Ok(canonical_prefix(&path));
            }
            Err(e) => return Err(e),
        }
    }
    Err(io::Error::other(
        "シンボリックリンクが多すぎます（循環しています）",
    ))
}

/// The deepest existing ancestor of `path`, canonicalised, with the rest of
/// `path` applied by name (`..` removes a part).
pub(super) fn canonical_prefix(path: &Path) -> PathBuf {
    let parts: Vec<Component> = path.components().collect();
    for i in (0..parts.len()).rev() {
        let prefix: PathBuf = parts[..i].iter().collect();
        if let Ok(mut base) = fs::canonicalize(&prefix) {
            for part in &parts[i..] {
                match part {
                    Component::Normal(name) => base.push(name),
                    Component::ParentDir => {
                        base.pop();
                    }
                    _ => {}
                }
            }
            return base;
        }
    }
    path.to_path_buf()
}

#[cfg(unix)]
pub(super) fn is_read_only(dir: &Path, meta: &fs::Metadata) -> bool {
    use std::os::unix::fs::PermissionsExt;
    // The owner's write bit says what the user meant (root may write anyway).
    meta.permissions().mode() & 0o200 == 0
        || rustix::fs::access(dir, rustix::fs::Access::WRITE_OK).is_err()
}

#[cfg(not(unix))]
pub(super) fn is_read_only(_dir: &Path, meta: &fs::Metadata) -> bool {
    meta.permissions().readonly()
}

#[cfg(unix)]
pub(super) fn is_mount_point(dir: &Path, meta: &fs::Metadata) -> bool {
    use std::os::unix::fs::MetadataExt;
    dir.parent()
        .and_then(|p| fs::metadata(p).ok())
        .is_some_and(|parent| parent.dev() != meta.dev())
}

#[cfg(not(unix))]
pub(super) fn is_mount_point(_dir: &Path, _meta: &fs::Metadata) -> bool {
    false
}

/// The staging folder is made beside the output: its parent must take it.
pub(super) fn check_parent_writable(out: &Path, dir: &Path) -> Result<(), OutputError> {
    // The nearest existing ancestor is where missing folders will be made.
    let mut parent = dir.parent();
    while let Some(p) = parent {
        match fs::metadata(p) {
            Ok(meta) => {
                if is_read_only(p, &meta) {
                    return Err(refused(
                        out,
                        format!(
                            "{} に書き込めません。outreach はこの中に作業用のフォルダを作り、出来上がったら出力フォルダと入れ替えます",
                            p.display()
                        ),
                        "書き込めるフォルダの中に出力してください。Web サーバーの公開フォルダへ出すなら、その中のフォルダ（例: /var/www/html/careplan）を指すリンクを --out にしてください",
                    ));
                }
                return Ok(());
            }
            Err(_) => parent = p.parent(),
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// A folder for `bench`

/// Make `dir` a bench folder: new, empty, or made by an earlier bench (then
/// emptied). Refused like an output: a foreign folder, a file, the project.
pub fn claim_bench_folder(dir: &Path, project: &Path) -> Result<PathBuf, OutputError> {
    let target = Target::check(dir, FolderKind::Bench, Some(project))?;
    Ok(target.dir)
}

/// Empty the checked bench folder `dir` and write its record.
pub fn reset_bench_folder(dir: &Path) -> Result<(), OutputError> {
    let write = |source| OutputError::Write {
        path: dir.to_path_buf(),
        source,
    };
    if dir.exists() {
        // Checked by `claim_bench_folder`: ours or empty.
        for entry in fs::read_dir(dir).map_err(write)? {
            let path = entry.map_err(write)?.path();
            if path.is_dir() && !path.is_symlink() {
                fs::remove_dir_all(&path).map_err(write)?;
            } else {
                fs::remove_file(&path).map_err(write)?;
            }
        }
    }
    fs::create_dir_all(dir).map_err(write)?;
    fs::write(dir.join(MARKER), Record::new(FolderKind::Bench).to_text()).map_err(write)
}
