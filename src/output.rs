//! The one place that writes the generated site.
//!
//! **Ownership.** outreach writes only into a folder it owns: one that does
//! not exist yet, an empty one, or one holding the record file
//! [`MARKER`] that an earlier build left. The record names the generator, its
//! format version, and every file the generator made there; anything else in
//! the folder belongs to someone else (a council's `.htaccess`, a search
//! engine's verification file, its own folder of documents) and survives
//! every build. [`Target::check`] refuses, before any work starts, a folder
//! without the record, a file, the project itself, a folder that contains
//! the project or lies inside its `content/`, `data/` or `themes/`, a
//! read-only folder and a mount point.
//!
//! **Staging and the swap.** Files go into a hidden folder beside the output
//! folder (`.public.building-PID`); only a complete build is swapped in, so a
//! failed or interrupted build leaves the previous output untouched. At the
//! swap, everything that survives (other sites of a partial build, files the
//! generator did not make) is carried over as hard links, the record is
//! written, and the two folders are exchanged in one step
//! (`renameat2(RENAME_EXCHANGE)` on Linux; two renames elsewhere). The
//! staging folder carries the record from its first moment and is locked
//! while its build runs, so the next build recognises and removes the
//! leftovers of a killed one. A `public` that is a symbolic link is followed:
//! the folder it points to is replaced and the link stays.
//!
//! **Paths.** Every relative path is checked before it is written
//! ([`check_rel`]): nothing absolute, no `..`, no backslash, no drive
//! prefix, no control character. Each directory is created once and each
//! file written once (`O_EXCL`): a second write to one path is an error,
//! never a silent overwrite.
//!
//! **Reuse.** A manifest of the previous output (kept in the project's
//! `.outreach-cache/`, never inside the output) lets a build hard-link every
//! file whose bytes did not change, so unchanged files keep their mtime and
//! uploads with rsync or robocopy stay small, and lets expensive files whose
//! inputs did not change be reused without rendering them again. Size and
//! mtime only say a file may be unchanged (an edit can keep both): a file is
//! trusted only while its inode and status-change time (ctime, which no edit
//! can keep) are the ones noted after the build that made it; where those
//! are unknown, its bytes are read back and compared.

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::fs;
use std::io::{self, Read as _, Write as _};
use std::path::{Component, Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Instant, SystemTime};

/// The record file at the root of every folder outreach makes.
pub const MARKER: &str = ".outreach-output";
/// First word of the record's first line.
const MARKER_MAGIC: &str = "outreach-output";
/// The record's format version; a record of a newer version is refused.
pub const MARKER_FORMAT: u32 = 1;

#[derive(Debug, thiserror::Error)]
pub enum OutputError {
    #[error("{path}: 書き込めません: {source}")]
    Write { path: PathBuf, source: io::Error },
    #[error("{path}: 読めません: {source}")]
    Read { path: PathBuf, source: io::Error },
    #[error("出力フォルダ {path} を置き換えられません: {source}")]
    Swap { path: PathBuf, source: io::Error },
    /// The folder cannot be an output: refused before any work starts.
    #[error("{path} には出力できません: {reason}（対処: {hint}）")]
    Refused {
        path: PathBuf,
        reason: String,
        hint: String,
    },
    /// A path that could leave the output folder (the writer's own check).
    #[error(
        "「{rel}」は出力フォルダの中を指す安全なパスではないため書き込みません（{reason}）（対処: コンテンツのファイル名を、英数字・ハイフン・下線・ピリオドと / だけにしてください）"
    )]
    UnsafePath { rel: String, reason: &'static str },
    /// The build makes a file where a file the generator did not make lies.
    #[error(
        "{path} は outreach が作ったファイルではありませんが、このビルドが同じ場所にファイルを作ります。置き換えずにビルドを中止しました（対処: そのファイルを出力フォルダの外へ移してから、もう一度ビルドしてください）"
    )]
    Foreign { path: PathBuf },
    /// One build wrote the same path twice.
    #[error(
        "{rel} を 1 回のビルドで 2 度書こうとしました（対処: 同じ出力先になるページ（例: guides/a.md と guides/a/index.md）がないか確認してください）"
    )]
    Twice { rel: String },
}

/// Whether the file at `path` holds exactly `bytes`.
fn file_equals(path: &Path, bytes: &[u8]) -> io::Result<bool> {
    let mut file = fs::File::open(path)?;
    let mut buffer = vec![0u8; 1 << 16];
    let mut rest = bytes;
    loop {
        let n = file.read(&mut buffer)?;
        if n == 0 {
            return Ok(rest.is_empty());
        }
        if n > rest.len() || buffer[..n] != rest[..n] {
            return Ok(false);
        }
        rest = &rest[n..];
    }
}

// ---------------------------------------------------------------------------
// Paths inside the output

/// Check that `rel` names a place inside the output folder: a plain relative
/// path of `/`-separated parts. Refused: an empty path, an absolute path, a
/// backslash, a colon (drive prefixes such as `C:` and NTFS streams), a
/// control character (NUL, newline…), an empty part, `.` or `..`, and the
/// record file's own name.
pub fn check_rel(rel: &str) -> Result<(), OutputError> {
    let refuse = |reason: &'static str| {
        Err(OutputError::UnsafePath {
            rel: rel.escape_debug().to_string(),
            reason,
        })
    };
    if rel.is_empty() {
        return refuse("空のパスです");
    }
    if rel.starts_with('/') {
        return refuse("絶対パスです");
    }
    if rel.contains('\\') {
        return refuse("バックスラッシュ（\\）を含んでいます");
    }
    if rel.contains(':') {
        return refuse("コロン（:）を含んでいます。ドライブ名（C:）とみなされることがあります");
    }
    if rel.chars().any(char::is_control) {
        return refuse("制御文字（改行や NUL など）を含んでいます");
    }
    for part in rel.split('/') {
        match part {
            "" => return refuse("空の部分（// や末尾の /）があります"),
            "." | ".." => return refuse("「.」や「..」を含んでいます"),
            _ => {}
        }
    }
    if rel.split('/').next() == Some(MARKER) {
        return refuse("出力フォルダの記録ファイルと同じ名前です");
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// The record: which folder is ours, and which files in it we made

/// What a folder made by outreach is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FolderKind {
    /// The output of `build` or `merge`: the sites.
    Sites,
    /// A scratch folder of `bench` (`--work`, `--hugo-site`), replaced whole.
    Bench,
    /// The zips of `build --zip`: one per site (`m-221007.zip`).
    Zips,
}

impl FolderKind {
    fn word(self) -> &'static str {
        match self {
            FolderKind::Sites => "sites",
            FolderKind::Bench => "bench",
            FolderKind::Zips => "zips",
        }
    }

    fn from_word(word: &str) -> Option<FolderKind> {
        match word {
            "sites" => Some(FolderKind::Sites),
            "bench" => Some(FolderKind::Bench),
            "zips" => Some(FolderKind::Zips),
            _ => None,
        }
    }
}

/// The record file: the generator, the format version, the folder's kind and
/// (for sites) every file the generator made in the folder, sorted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    pub kind: FolderKind,
    pub files: BTreeSet<String>,
}

impl Record {
    pub fn new(kind: FolderKind) -> Record {
        Record {
            kind,
            files: BTreeSet::new(),
        }
    }

    pub fn to_text(&self) -> String {
        let mut out = format!("{MARKER_MAGIC} {MARKER_FORMAT} {}\n", self.kind.word());
        let about = match self.kind {
            FolderKind::Sites => {
                "# このフォルダは outreach（ケアプランデータ連携システムの普及サイトを作るプログラム）の出力フォルダです。\n\
                 # outreach は、このファイルがあるフォルダにだけ書き込みます。ビルドのたびに、下の一覧にあるファイル\n\
                 # （outreach が作ったもの）を作り直し、一覧にないファイルやフォルダ（.htaccess、サイト確認用の\n\
                 # ファイル、独自のフォルダなど）はそのまま残します。一部のサイトだけのビルドは、ほかのサイトを残します。\n\
                 # このファイルを消したり書き換えたりしないでください。消すと、次のビルドはこのフォルダへの書き込みを断ります。\n"
            }
            FolderKind::Bench => {
                "# このフォルダは outreach bench の作業用フォルダです。bench を実行するたびに、中身をすべて作り直します。\n\
                 # 残したいファイルを置かないでください。\n"
            }
            FolderKind::Zips => {
                "# このフォルダは outreach build --zip の出力フォルダです（サイトごとの zip ファイル）。\n\
                 # outreach は、このファイルがあるフォルダにだけ書き込み、ビルドしたサイトの zip だけを作り直します。\n\
                 # 下の一覧にないファイルはそのまま残します。このファイルを消したり書き換えたりしないでください。\n"
            }
        };
        out.push_str(about);
        out.push('\n');
        for file in &self.files {
            out.push_str(file);
            out.push('\n');
        }
        out
    }

    /// Read a record. `Err` says why it is not one this outreach can use.
    pub fn parse(text: &str) -> Result<Record, RecordError> {
        let mut lines = text.lines().map(|l| l.strip_suffix('\r').unwrap_or(l));
        let header = lines.next().unwrap_or_default();
        let mut words = header.split_whitespace();
        if words.next() != Some(MARKER_MAGIC) {
            return Err(RecordError::Broken("1行目が outreach の記録ではありません"));
        }
        let version: u32 = words
            .next()
            .and_then(|v| v.parse().ok())
            .ok_or(RecordError::Broken("形式の番号がありません"))?;
        if version > MARKER_FORMAT {
            return Err(RecordError::Newer(version));
        }
        let kind = words
            .next()
            .and_then(FolderKind::from_word)
            .ok_or(RecordError::Broken("フォルダの種類がありません"))?;
        // Comment lines, then one blank line, then one file per line.
        for line in lines.by_ref() {
            if line.is_empty() {
                break;
            }
            if !line.starts_with('#') {
                return Err(RecordError::Broken("説明の行のあとに空行がありません"));
            }
        }
        let mut files = BTreeSet::new();
        for line in lines {
            check_rel(line).map_err(|_| RecordError::Broken("一覧に安全でないパスがあります"))?;
            files.insert(line.to_string());
        }
        Ok(Record { kind, files })
    }

    /// Read the record of `dir`: `Ok(None)` when there is none.
    pub fn read(dir: &Path) -> Result<Option<(Record, Vec<u8>)>, OutputError> {
        let path = dir.join(MARKER);
        match fs::symlink_metadata(&path) {
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
            Err(source) => return Err(OutputError::Read { path, source }),
            Ok(meta) if !meta.is_file() => {
                return Err(refused(
                    dir,
                    format!("{MARKER} がファイルではありません"),
                    "outreach が作ったフォルダではありません。別の新しいフォルダを指定してください",
                ));
            }
            Ok(_) => {}
        }
        let bytes = fs::read(&path).map_err(|source| OutputError::Read {
            path: path.clone(),
            source,
        })?;
        let text = String::from_utf8_lossy(&bytes);
        match Record::parse(&text) {
            Ok(record) => Ok(Some((record, bytes))),
            Err(RecordError::Newer(v)) => Err(refused(
                dir,
                format!("新しい版の outreach（記録の形式 {v}）が作ったフォルダです"),
                "新しい版の outreach でビルドしてください",
            )),
            Err(RecordError::Broken(why)) => Err(refused(
                dir,
                format!("記録ファイル {MARKER} が壊れています（{why}）"),
                "どのファイルを outreach が作ったのか分からないため書き込みません。新しいフォルダを指定するか、このフォルダを自分で片付けてから使ってください",
            )),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RecordError {
    Broken(&'static str),
    Newer(u32),
}

fn refused(path: &Path, reason: impl Into<String>, hint: impl Into<String>) -> OutputError {
    OutputError::Refused {
        path: path.to_path_buf(),
        reason: reason.into(),
        hint: hint.into(),
    }
}

// ---------------------------------------------------------------------------
// The target folder, checked before any work starts

/// A folder outreach may write: checked by [`Target::check`].
#[derive(Debug)]
pub struct Target {
    /// The real folder (absolute, symbolic links followed) that is replaced.
    pub dir: PathBuf,
    /// The folder's record: `None` when the folder does not exist yet; an
    /// empty record for an empty folder.
    pub record: Option<Record>,
    /// The record file's bytes as they are now (to keep it when unchanged).
    record_bytes: Option<Vec<u8>>,
    kind: FolderKind,
}

/// The hint for every refusal that a new folder solves.
const NEW_FOLDER_HINT: &str =
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
fn real_path(out: &Path) -> io::Result<PathBuf> {
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
fn canonical_prefix(path: &Path) -> PathBuf {
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
fn is_read_only(dir: &Path, meta: &fs::Metadata) -> bool {
    use std::os::unix::fs::PermissionsExt;
    // The owner's write bit says what the user meant (root may write anyway).
    meta.permissions().mode() & 0o200 == 0
        || rustix::fs::access(dir, rustix::fs::Access::WRITE_OK).is_err()
}

#[cfg(not(unix))]
fn is_read_only(_dir: &Path, meta: &fs::Metadata) -> bool {
    meta.permissions().readonly()
}

#[cfg(unix)]
fn is_mount_point(dir: &Path, meta: &fs::Metadata) -> bool {
    use std::os::unix::fs::MetadataExt;
    dir.parent()
        .and_then(|p| fs::metadata(p).ok())
        .is_some_and(|parent| parent.dev() != meta.dev())
}

#[cfg(not(unix))]
fn is_mount_point(_dir: &Path, _meta: &fs::Metadata) -> bool {
    false
}

/// The staging folder is made beside the output: its parent must take it.
fn check_parent_writable(out: &Path, dir: &Path) -> Result<(), OutputError> {
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
// Leftovers of interrupted builds

fn staging_name(out_name: &str, pid: u32) -> String {
    format!(".{out_name}.building-{pid}")
}

fn previous_name(out_name: &str, pid: u32) -> String {
    format!(".{out_name}.previous-{pid}")
}

/// `(pid, is_previous)` if `name` is one of ours for the output `out_name`.
fn leftover_of(name: &str, out_name: &str) -> Option<(u32, bool)> {
    let rest = name.strip_prefix('.')?.strip_prefix(out_name)?;
    let (rest, previous) = if let Some(r) = rest.strip_prefix(".building-") {
        (r, false)
    } else {
        (rest.strip_prefix(".previous-")?, true)
    };
    // `.building-PID.old`: the old output of the two-rename swap of earlier versions.
    let digits = rest.strip_suffix(".old").unwrap_or(rest);
    (!digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()))
        .then(|| digits.parse().ok().map(|pid| (pid, previous)))
        .flatten()
}

#[cfg(unix)]
fn process_alive(pid: u32) -> bool {
    match i32::try_from(pid)
        .ok()
        .and_then(rustix::process::Pid::from_raw)
    {
        Some(pid) => !matches!(
            rustix::process::test_kill_process(pid),
            Err(rustix::io::Errno::SRCH)
        ),
        None => false,
    }
}

#[cfg(not(unix))]
fn process_alive(_pid: u32) -> bool {
    true
}

/// Whether nobody holds the lock of a staging folder (its build is over).
fn unlocked(dir: &Path, pid: u32) -> bool {
    match fs::File::open(dir).map(|f| f.try_lock()) {
        Ok(Ok(())) => true,
        Ok(Err(fs::TryLockError::WouldBlock)) => false,
        // No locks on this file system: go by the process id.
        _ => !process_alive(pid),
    }
}

/// Leftovers of interrupted builds beside the output folder `dir`: folders
/// carrying the record whose build is over are removed; others are returned
/// (a staging folder of an earlier outreach has no record: it is named to
/// the user, never deleted).
fn remove_leftovers(dir: &Path) -> Vec<PathBuf> {
    let (Some(parent), Some(name)) = (dir.parent(), dir.file_name()) else {
        return Vec::new();
    };
    let name = name.to_string_lossy();
    let Ok(entries) = fs::read_dir(parent) else {
        return Vec::new();
    };
    let mut kept = Vec::new();
    for entry in entries.flatten() {
        let file_name = entry.file_name();
        let Some((pid, previous)) = leftover_of(&file_name.to_string_lossy(), &name) else {
            continue;
        };
        let path = entry.path();
        if !entry.file_type().is_ok_and(|t| t.is_dir()) {
            continue;
        }
        if !matches!(Record::read(&path), Ok(Some(_))) {
            kept.push(path);
            continue;
        }
        let over = if previous {
            !process_alive(pid)
        } else {
            unlocked(&path, pid)
        };
        if over {
            let _ = fs::remove_dir_all(&path);
        }
    }
    kept.sort();
    kept
}

/// After a kill between the two renames of the fallback swap, the output is
/// missing and its previous version waits beside it: put it back.
fn restore_interrupted_swap(dir: &Path) {
    if fs::symlink_metadata(dir).is_ok() {
        return;
    }
    let (Some(parent), Some(name)) = (dir.parent(), dir.file_name()) else {
        return;
    };
    let name = name.to_string_lossy();
    let Ok(entries) = fs::read_dir(parent) else {
        return;
    };
    let mut candidates: Vec<PathBuf> = entries
        .flatten()
        .filter(|e| {
            leftover_of(&e.file_name().to_string_lossy(), &name)
                .is_some_and(|(pid, previous)| previous && !process_alive(pid))
        })
        .map(|e| e.path())
        .filter(|p| matches!(Record::read(p), Ok(Some(_))))
        .collect();
    candidates.sort();
    if let [only] = candidates.as_slice() {
        let _ = fs::rename(only, dir);
    }
}

// ---------------------------------------------------------------------------
// The manifest kept in the project's cache

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

const MANIFEST_HEADER: &str = "outreach-manifest";
const MANIFEST_FORMAT: u32 = 2;

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
fn change_id(meta: &fs::Metadata) -> Option<(u64, u128)> {
    use std::os::unix::fs::MetadataExt;
    let secs = u128::try_from(meta.ctime()).ok()?;
    let nanos = u128::try_from(meta.ctime_nsec()).ok()?;
    Some((meta.ino(), secs * 1_000_000_000 + nanos))
}

#[cfg(not(unix))]
fn change_id(_meta: &fs::Metadata) -> Option<(u64, u128)> {
    None
}

/// Note each file's inode and change time once the output is in place (the
/// swap and the removal of the previous output change them for linked files).
fn note_change_times(out: &Path, entries: &mut BTreeMap<String, ManifestEntry>) {
    use rayon::prelude::*;
    entries.par_iter_mut().for_each(|(rel, entry)| {
        entry.changed = fs::symlink_metadata(out.join(rel))
            .ok()
            .filter(|m| m.is_file() && m.len() == entry.size && mtime_nanos(m) == entry.mtime)
            .and_then(|m| change_id(&m));
    });
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
    /// Directories created in the staging folder.
    pub dirs: AtomicU64,
    /// Files of the previous output read back before they were trusted, their
    /// bytes, and the time it took (nanoseconds, summed over threads).
    pub verified: AtomicU64,
    pub verified_bytes: AtomicU64,
    pub verify_nanos: AtomicU64,
}

/// What happens at the swap to what the output holds now.
#[derive(Debug, Clone, Default)]
pub struct CarryStats {
    /// Files the generator made for sites outside this build, kept.
    pub other_sites: u64,
    /// Files and links the generator did not make, kept.
    pub foreign: u64,
    /// Folders the generator did not make, made again with their permissions.
    pub foreign_dirs: u64,
    /// Time to carry over what survives (walking the previous output).
    pub carry_time: std::time::Duration,
    /// Time to note every file's change time in the finished output.
    pub change_times: std::time::Duration,
}

// ---------------------------------------------------------------------------
// What a build replaces

/// Which of the generator's previous files a build replaces. The others are
/// carried over into the new output as they are.
#[derive(Debug, Clone)]
pub enum Scope {
    /// Every file the generator made before (a full build, a merge).
    Everything,
    /// The files of these sites (folders relative to the output root, `""`
    /// for the national site at the root). A file belongs to the site whose
    /// folder is the longest one containing it, among `all` sites' folders.
    Sites {
        all: HashSet<String>,
        selected: HashSet<String>,
    },
    /// Exactly these files (paths relative to the output root), e.g. the zips
    /// of the sites a partial build made.
    Files(HashSet<String>),
}

impl Scope {
    /// Whether the previous file at `rel` belongs to what this build makes.
    pub fn replaces(&self, rel: &str) -> bool {
        match self {
            Scope::Everything => true,
            Scope::Sites { all, selected } => selected.contains(site_of(rel, all)),
            Scope::Files(files) => files.contains(rel),
        }
    }
}

/// The folder of the site a file belongs to: the longest of the sites'
/// folders `all` that holds `rel` (`""`, the national site at the root, when
/// none does).
pub fn site_of<'a>(rel: &'a str, all: &HashSet<String>) -> &'a str {
    rel.match_indices('/')
        .map(|(i, _)| &rel[..i])
        .rev()
        .find(|dir| all.contains(*dir))
        .unwrap_or("")
}

// ---------------------------------------------------------------------------
// Staging

/// A build in progress: a hidden, locked folder beside the output folder.
pub struct Staging {
    dir: PathBuf,
    out: PathBuf,
    kind: FolderKind,
    /// The output's record now (`None`: it does not exist yet).
    record: Option<Record>,
    record_bytes: Option<Vec<u8>>,
    committed: bool,
    previous: Manifest,
    manifest: Mutex<BTreeMap<String, ManifestEntry>>,
    /// Directories made in the staging folder (relative), so each is made once.
    dirs: Mutex<HashSet<PathBuf>>,
    /// Held while the build runs: a locked staging folder is not a leftover.
    _lock: Option<fs::File>,
    /// Leftovers beside the output that outreach did not remove (no record).
    pub kept_leftovers: Vec<PathBuf>,
    pub stats: WriteStats,
}

impl Staging {
    /// Start a build that will replace the checked `target`; `previous`
    /// describes what the target holds now (from the cache). Removes the
    /// leftovers of interrupted builds beside it.
    pub fn new(target: &Target, previous: Option<Manifest>) -> Result<Staging, OutputError> {
        let parent = target.dir.parent().expect("checked: not the root");
        let name = target
            .dir
            .file_name()
            .expect("checked: not the root")
            .to_string_lossy()
            .to_string();
        if !parent.is_dir() {
            fs::create_dir_all(parent).map_err(|source| OutputError::Write {
                path: parent.to_path_buf(),
                source,
            })?;
        }
        let kept_leftovers = remove_leftovers(&target.dir);
        let dir = parent.join(staging_name(&name, std::process::id()));
        if let Err(source) = fs::create_dir(&dir) {
            return Err(OutputError::Write { path: dir, source });
        }
        let lock = fs::File::open(&dir).ok().filter(|f| f.try_lock().is_ok());
        let staging = Staging {
            dir,
            out: target.dir.clone(),
            kind: target.kind,
            record: target.record.clone(),
            record_bytes: target.record_bytes.clone(),
            committed: false,
            previous: match &target.record {
                Some(_) => previous.unwrap_or_default(),
                None => Manifest::default(),
            },
            manifest: Mutex::new(BTreeMap::new()),
            dirs: Mutex::new(HashSet::from([PathBuf::new()])),
            _lock: lock,
            kept_leftovers,
            stats: WriteStats::default(),
        };
        // The record goes in first: a killed build's folder is recognised by it.
        let placeholder = Record::new(staging.kind).to_text();
        if let Err(source) = fs::write(staging.dir.join(MARKER), placeholder) {
            return Err(OutputError::Write {
                path: staging.dir.join(MARKER),
                source,
            });
        }
        Ok(staging)
    }

    /// The hidden folder this build writes into.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The previous output's file at `rel`, if the generator made it and it
    /// is still the file the manifest describes. Size and mtime can be kept
    /// by an edit (same length, `touch -r`, a coarse clock), so the file's
    /// inode and change time must be the ones noted after the previous build;
    /// where those are unknown, its bytes are read back (`read_back`).
    fn previous_file(
        &self,
        rel: &str,
        read_back: impl FnOnce(&Path, &ManifestEntry) -> io::Result<bool>,
    ) -> Option<(PathBuf, ManifestEntry)> {
        let entry = *self.previous.entries.get(rel)?;
        if !self.record.as_ref()?.files.contains(rel) {
            return None;
        }
        let path = self.out.join(rel);
        let meta = fs::symlink_metadata(&path).ok()?;
        if !(meta.is_file() && meta.len() == entry.size && mtime_nanos(&meta) == entry.mtime) {
            return None;
        }
        let same = match (entry.changed, change_id(&meta)) {
            (Some(then), Some(now)) => then == now,
            _ => self.verified(|| read_back(&path, &entry), entry.size),
        };
        same.then_some((path, entry))
    }

    /// Read a previous file back before trusting it.
    fn verified(&self, check: impl FnOnce() -> io::Result<bool>, size: u64) -> bool {
        let started = Instant::now();
        let ok = check().unwrap_or(false);
        let stats = &self.stats;
        stats
            .verify_nanos
            .fetch_add(started.elapsed().as_nanos() as u64, Ordering::Relaxed);
        stats.verified.fetch_add(1, Ordering::Relaxed);
        stats.verified_bytes.fetch_add(size, Ordering::Relaxed);
        ok
    }

    /// Make the folder `rel` (relative to the staging folder) and its
    /// parents, each once.
    fn ensure_dir(&self, rel: &Path) -> Result<(), OutputError> {
        let mut made = self.dirs.lock().expect("no panics while holding the lock");
        if made.contains(rel) {
            return Ok(());
        }
        let mut missing: Vec<&Path> = rel.ancestors().take_while(|a| !made.contains(*a)).collect();
        missing.reverse();
        for dir in missing {
            let path = self.dir.join(dir);
            if let Err(source) = fs::create_dir(&path) {
                return Err(OutputError::Write { path, source });
            }
            self.stats.dirs.fetch_add(1, Ordering::Relaxed);
            made.insert(dir.to_path_buf());
        }
        Ok(())
    }

    fn ensure_parent(&self, rel: &Path) -> Result<(), OutputError> {
        match rel.parent() {
            Some(parent) => self.ensure_dir(parent),
            None => Ok(()),
        }
    }

    /// Carry the previous output's file at `rel` over unchanged (hard link).
    fn link_previous(
        &self,
        rel: &str,
        old: &Path,
        mut entry: ManifestEntry,
        key: Option<u64>,
    ) -> bool {
        if self.ensure_parent(Path::new(rel)).is_err()
            || fs::hard_link(old, self.dir.join(rel)).is_err()
        {
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
    /// (`key`) and its bytes are the ones recorded. Returns false when the
    /// caller must render it.
    pub fn reuse(&self, rel: &str, key: u64) -> bool {
        if check_rel(rel).is_err() {
            return false;
        }
        let read_back = |old: &Path, entry: &ManifestEntry| {
            Ok(entry.key == Some(key)
                && crate::fingerprint::of_file(old)? == (entry.hash, entry.size))
        };
        match self.previous_file(rel, read_back) {
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

    /// The size of the file this build has written or reused at `rel` (a
    /// page that links to a reused file names its size without reading it).
    pub fn size_of(&self, rel: &str) -> Option<u64> {
        self.manifest
            .lock()
            .expect("no panics while holding the lock")
            .get(rel)
            .map(|entry| entry.size)
    }

    /// Write one file (path relative to the output root). Safe from many threads.
    pub fn write(&self, rel: &str, bytes: &[u8], key: Option<u64>) -> Result<(), OutputError> {
        check_rel(rel)?;
        let hash = crate::fingerprint::of(bytes);
        let read_back =
            |old: &Path, entry: &ManifestEntry| Ok(entry.hash == hash && file_equals(old, bytes)?);
        if let Some((old, entry)) = self.previous_file(rel, read_back)
            && entry.hash == hash
            && entry.size == bytes.len() as u64
            && self.link_previous(rel, &old, entry, key)
        {
            self.stats.unchanged.fetch_add(1, Ordering::Relaxed);
            return Ok(());
        }
        let path = self.dir.join(rel);
        self.ensure_parent(Path::new(rel))?;
        // A new file, never an existing one: never writes through a hard link
        // to the previous output, and a second write of one path is an error.
        let mut file = fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
            .map_err(|source| {
                if source.kind() == io::ErrorKind::AlreadyExists {
                    OutputError::Twice {
                        rel: rel.to_string(),
                    }
                } else {
                    OutputError::Write {
                        path: path.clone(),
                        source,
                    }
                }
            })?;
        let written = file.write_all(bytes).and_then(|()| file.metadata());
        let meta = written.map_err(|source| OutputError::Write {
            path: path.clone(),
            source,
        })?;
        self.manifest
            .lock()
            .expect("no panics while holding the lock")
            .insert(
                rel.to_string(),
                ManifestEntry {
                    hash,
                    size: bytes.len() as u64,
                    mtime: mtime_nanos(&meta),
                    changed: None,
                    key,
                },
            );
        self.stats.written.fetch_add(1, Ordering::Relaxed);
        self.stats
            .bytes
            .fetch_add(bytes.len() as u64, Ordering::Relaxed);
        Ok(())
    }

    /// Carry over what survives this build: the generator's files outside
    /// `scope` and everything the generator did not make. Returns the
    /// carried generator files.
    fn carry_over(
        &self,
        scope: &Scope,
        stats: &mut CarryStats,
    ) -> Result<Vec<String>, OutputError> {
        let Some(record) = &self.record else {
            return Ok(Vec::new());
        };
        // Folders that hold (or held) a file the generator made.
        let mut generated_dirs: HashSet<&str> = HashSet::new();
        for file in &record.files {
            for (i, _) in file.match_indices('/') {
                generated_dirs.insert(&file[..i]);
            }
        }
        let mut carried = Vec::new();
        let mut conflicts = Vec::new();
        let mut foreign_dirs: Vec<(PathBuf, fs::Permissions)> = Vec::new();
        let walk = walkdir::WalkDir::new(&self.out)
            .min_depth(1)
            .follow_links(false)
            .sort_by_file_name();
        for entry in walk {
            let entry = entry.map_err(|e| OutputError::Read {
                path: e.path().unwrap_or(&self.out).to_path_buf(),
                source: e.into(),
            })?;
            let rel_path = entry
                .path()
                .strip_prefix(&self.out)
                .expect("walkdir stays inside its root")
                .to_path_buf();
            // The name as the record writes it ('/' between parts); a name
            // that is not UTF-8 is never one the generator made.
            let rel = rel_path
                .components()
                .map(|c| c.as_os_str().to_str())
                .collect::<Option<Vec<&str>>>()
                .map(|parts| parts.join("/"));
            if rel.as_deref() == Some(MARKER) {
                continue;
            }
            if entry.file_type().is_dir() {
                if rel.as_deref().is_some_and(|r| generated_dirs.contains(r)) {
                    continue;
                }
                // A folder the generator did not make: made again (its files
                // follow as links), with its permissions set at the end.
                match self.ensure_dir(&rel_path) {
                    Ok(()) => {}
                    Err(OutputError::Write { source, .. }) if is_in_the_way(&source) => {
                        conflicts.push(entry.path().to_path_buf());
                        continue;
                    }
                    Err(e) => return Err(e),
                }
                if let Ok(meta) = entry.metadata() {
                    foreign_dirs.push((rel_path, meta.permissions()));
                }
                stats.foreign_dirs += 1;
                continue;
            }
            let generated = rel.as_deref().filter(|r| record.files.contains(*r));
            if let Some(rel) = generated
                && scope.replaces(rel)
            {
                continue;
            }
            match self.ensure_parent(&rel_path) {
                Ok(()) => {}
                Err(OutputError::Write { source, .. }) if is_in_the_way(&source) => {
                    conflicts.push(entry.path().to_path_buf());
                    continue;
                }
                Err(e) => return Err(e),
            }
            match fs::hard_link(entry.path(), self.dir.join(&rel_path)) {
                Ok(()) => {}
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
                    // This build made a file there. A file of someone else
                    // with exactly those bytes is taken over (e.g. shard
                    // folders copied together); any other is not replaced.
                    let same = entry.file_type().is_file()
                        && fs::read(entry.path()).ok() == fs::read(self.dir.join(&rel_path)).ok();
                    if generated.is_none() && !same {
                        conflicts.push(entry.path().to_path_buf());
                    }
                    continue;
                }
                Err(source) => {
                    return Err(OutputError::Write {
                        path: self.dir.join(&rel_path),
                        source,
                    });
                }
            }
            match generated {
                Some(rel) => {
                    stats.other_sites += 1;
                    carried.push(rel.to_string());
                }
                None => stats.foreign += 1,
            }
        }
        if let Some(first) = conflicts.into_iter().next() {
            return Err(OutputError::Foreign { path: first });
        }
        for (rel, permissions) in foreign_dirs.into_iter().rev() {
            let _ = fs::set_permissions(self.dir.join(rel), permissions);
        }
        Ok(carried)
    }

    /// Write the record of the finished output (or keep the present one when
    /// it did not change).
    fn write_record(&self, record: &Record) -> Result<(), OutputError> {
        let text = record.to_text();
        let path = self.dir.join(MARKER);
        let write = |source| OutputError::Write {
            path: path.clone(),
            source,
        };
        if self.record_bytes.as_deref() == Some(text.as_bytes()) {
            fs::remove_file(&path).map_err(write)?;
            if fs::hard_link(self.out.join(MARKER), &path).is_ok() {
                return Ok(());
            }
        }
        fs::write(&path, text).map_err(write)
    }

    /// Swap the finished build in place of the output folder, carrying over
    /// what survives it (see [`Scope`]); returns the new manifest.
    pub fn commit(self, scope: &Scope) -> Result<(Manifest, CarryStats), OutputError> {
        self.commit_with(scope, swap)
    }

    fn commit_with(
        mut self,
        scope: &Scope,
        swap: fn(&Path, &Path) -> io::Result<()>,
    ) -> Result<(Manifest, CarryStats), OutputError> {
        let mut stats = CarryStats::default();
        let started = Instant::now();
        let carried = self.carry_over(scope, &mut stats)?;
        stats.carry_time = started.elapsed();
        let mut entries = std::mem::take(
            &mut *self
                .manifest
                .lock()
                .expect("no panics while holding the lock"),
        );
        let mut record = Record::new(self.kind);
        record.files.extend(entries.keys().cloned());
        for rel in carried {
            if let Some(entry) = self.previous.entries.get(&rel) {
                entries.insert(rel.clone(), *entry);
            }
            record.files.insert(rel);
        }
        self.write_record(&record)?;
        swap(&self.dir, &self.out).map_err(|source| OutputError::Swap {
            path: self.out.clone(),
            source,
        })?;
        self.committed = true;
        // The staging path now holds the previous output (or nothing).
        if fs::symlink_metadata(&self.dir).is_ok() {
            let _ = fs::remove_dir_all(&self.dir);
        }
        let started = Instant::now();
        note_change_times(&self.out, &mut entries);
        stats.change_times = started.elapsed();
        Ok((Manifest { entries }, stats))
    }
}

/// A file or folder of the new output is where a folder or file should go.
fn is_in_the_way(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::AlreadyExists | io::ErrorKind::NotADirectory
    )
}

/// Put the folder `new` in the place of `out`, atomically where the system
/// allows; afterwards `new` holds the previous output (if there was one).
fn swap(new: &Path, out: &Path) -> io::Result<()> {
    if fs::symlink_metadata(out).is_err() {
        return fs::rename(new, out);
    }
    #[cfg(target_os = "linux")]
    {
        use rustix::fs::{CWD, RenameFlags, renameat_with};
        use rustix::io::Errno;
        match renameat_with(CWD, new, CWD, out, RenameFlags::EXCHANGE) {
            Ok(()) => return Ok(()),
            // File systems without the exchange say so with EINVAL (ENOSYS
            // on old kernels): fall back to two renames.
            Err(e) if e == Errno::INVAL || e == Errno::NOSYS => {}
            Err(e) => return Err(e.into()),
        }
    }
    swap_by_renames(new, out)
}

/// The swap without an atomic exchange: the previous output steps aside under
/// a name the next build recognises, and is put back if the second rename
/// fails (or, after a kill between the two, by the next build).
fn swap_by_renames(new: &Path, out: &Path) -> io::Result<()> {
    let name = out
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default();
    let aside = out.with_file_name(previous_name(&name, std::process::id()));
    fs::rename(out, &aside)?;
    if let Err(e) = fs::rename(new, out) {
        let _ = fs::rename(&aside, out);
        return Err(e);
    }
    fs::rename(&aside, new)
}

/// Rendering hands its files to the staging folder.
impl crate::render::Sink for Staging {
    type Error = OutputError;

    fn reuse(&self, rel: &str, inputs: u64) -> bool {
        Staging::reuse(self, rel, inputs)
    }

    fn write(&self, rel: &str, bytes: &[u8], inputs: Option<u64>) -> Result<(), OutputError> {
        Staging::write(self, rel, bytes, inputs)
    }

    fn size_of(&self, rel: &str) -> Option<u64> {
        Staging::size_of(self, rel)
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
    if let Some(parent) = path.parent().filter(|p| !p.is_dir()) {
        fs::create_dir_all(parent)?;
    }
    let tmp = path.with_extension(format!("tmp-{}", std::process::id()));
    fs::write(&tmp, bytes)?;
    fs::rename(&tmp, path)
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

// ---------------------------------------------------------------------------
// Zips of the sites (`build --zip`)

/// One site's zip: the site's folder in the output (`""` for the national
/// site at the root, `m/221007`) and the zip's name (`m-221007.zip`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SiteZip {
    pub dir: String,
    pub name: String,
}

impl SiteZip {
    /// The zip of the site whose folder is `dir`: `m/221007` → `m-221007.zip`,
    /// the national site (`""`) → `national.zip`.
    pub fn for_site_dir(dir: &str) -> SiteZip {
        let name = if dir.is_empty() {
            "national.zip".to_string()
        } else {
            format!("{}.zip", dir.replace('/', "-"))
        };
        SiteZip {
            dir: dir.to_string(),
            name,
        }
    }
}

/// What [`write_zips`] made.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct ZipReport {
    pub zips: u64,
    /// Files put into the zips, and the zips' size in bytes.
    pub files: u64,
    pub bytes: u64,
}

/// Check the folder for `build --zip` before anything is built: the same
/// rules as an output folder (new, empty, or one an earlier `--zip` made),
/// and it may neither lie inside the sites' output `out` nor hold it.
pub fn check_zip_folder(zip_dir: &Path, out: &Path, project: &Path) -> Result<Target, OutputError> {
    let target = Target::check(zip_dir, FolderKind::Zips, Some(project))?;
    let out_real = real_path(out).map_err(|source| OutputError::Read {
        path: out.to_path_buf(),
        source,
    })?;
    if target.dir.starts_with(&out_real) || out_real.starts_with(&target.dir) {
        return Err(refused(
            zip_dir,
            format!(
                "サイトの出力フォルダ {} と重なっています（zip がサイトの中に入ってしまいます）",
                out.display()
            ),
            "--zip には --out の外の別のフォルダを指定してください（例: --out public --zip zips）",
        ));
    }
    Ok(target)
}

/// Files that are stored as they are: already compressed.
fn stored_as_is(rel: &str) -> bool {
    let ext = rel
        .rsplit('.')
        .next()
        .unwrap_or_default()
        .to_ascii_lowercase();
    matches!(
        ext.as_str(),
        "png" | "jpg" | "jpeg" | "gif" | "webp" | "pdf" | "zip" | "xlsx" | "woff" | "woff2"
    )
}

/// The zip of one site, in memory: every file outreach made in the site's
/// folder (`files`, relative to the output), by path, each stored under its
/// path inside the site's folder, so that unzipping gives exactly the folder.
/// Every entry has the same time stamp (`date` at 00:00), Unix permissions
/// 0644 and no extra fields, and entries are sorted: the same files give the
/// same bytes.
pub fn zip_site(
    out: &Path,
    site_dir: &str,
    files: &[&str],
    date: (u16, u8, u8),
) -> Result<Vec<u8>, OutputError> {
    use zip::write::SimpleFileOptions;
    let zip_error = |e: zip::result::ZipError| OutputError::Write {
        path: out.join(site_dir),
        source: io::Error::other(e.to_string()),
    };
    let stamp =
        zip::DateTime::from_date_and_time(date.0, date.1, date.2, 0, 0, 0).unwrap_or_default();
    let options = SimpleFileOptions::default()
        .system(zip::System::Unix)
        .last_modified_time(stamp)
        .unix_permissions(0o644);
    let mut sorted: Vec<&str> = files.to_vec();
    sorted.sort_unstable();
    sorted.dedup();
    let mut writer = zip::ZipWriter::new(io::Cursor::new(Vec::new()));
    for rel in sorted {
        check_rel(rel)?;
        let inner = if site_dir.is_empty() {
            rel
        } else {
            rel.strip_prefix(site_dir)
                .and_then(|r| r.strip_prefix('/'))
                .ok_or_else(|| OutputError::UnsafePath {
                    rel: rel.to_string(),
                    reason: "サイトのフォルダの外のファイルです",
                })?
        };
        let path = out.join(rel);
        let meta = fs::symlink_metadata(&path).map_err(|source| OutputError::Read {
            path: path.clone(),
            source,
        })?;
        if !meta.is_file() {
            return Err(OutputError::Read {
                path,
                source: io::Error::other("通常のファイルではありません"),
            });
        }
        let bytes = fs::read(&path).map_err(|source| OutputError::Read {
            path: path.clone(),
            source,
        })?;
        let method = if stored_as_is(rel) {
            zip::CompressionMethod::Stored
        } else {
            zip::CompressionMethod::Deflated
        };
        writer
            .start_file(inner, options.compression_method(method))
            .map_err(zip_error)?;
        writer
            .write_all(&bytes)
            .map_err(|source| OutputError::Write {
                path: out.join(site_dir),
                source,
            })?;
    }
    Ok(writer.finish().map_err(zip_error)?.into_inner())
}

/// Write one zip per site of `zips` into the checked zip folder `target`,
/// from the finished output `out` (its record says which files outreach made
/// and so go into a zip; a council's own files such as `.htaccess` do not).
/// `all_sites` holds every site's folder, so a site's zip leaves out the
/// folders of the sites inside it (the national site's `m/`, `p/`). A
/// `partial` build replaces only its sites' zips and keeps the others; a full
/// build replaces every zip an earlier one made. Files in the folder that
/// outreach did not make are kept, as in the sites' output.
pub fn write_zips(
    target: &Target,
    out: &Path,
    zips: &[SiteZip],
    all_sites: &HashSet<String>,
    date: (u16, u8, u8),
    partial: bool,
    progress: bool,
) -> Result<ZipReport, OutputError> {
    use rayon::prelude::*;
    let bar = crate::progress::Progress::new(
        if progress {
            crate::progress::Mode::detect()
        } else {
            crate::progress::Mode::Off
        },
        zips.len() as u64,
        "zip",
    );
    let out = real_path(out).map_err(|source| OutputError::Read {
        path: out.to_path_buf(),
        source,
    })?;
    let Some((record, _)) = Record::read(&out)? else {
        return Err(refused(
            &out,
            "outreach の出力フォルダではありません",
            "先に build でサイトを作ってください",
        ));
    };
    let mut by_site: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for rel in &record.files {
        by_site
            .entry(site_of(rel, all_sites))
            .or_default()
            .push(rel);
    }
    let staging = Staging::new(target, None)?;
    let report = Mutex::new(ZipReport::default());
    zips.par_iter().try_for_each(|zip| {
        check_rel(&zip.name)?;
        let files = by_site.get(zip.dir.as_str()).map_or(&[][..], Vec::as_slice);
        let bytes = zip_site(&out, &zip.dir, files, date)?;
        staging.write(&zip.name, &bytes, None)?;
        let mut report = report.lock().expect("no panics while holding the lock");
        report.zips += 1;
        report.files += files.len() as u64;
        report.bytes += bytes.len() as u64;
        bar.inc();
        Ok::<(), OutputError>(())
    })?;
    bar.finish();
    let scope = if partial {
        Scope::Files(zips.iter().map(|z| z.name.clone()).collect())
    } else {
        Scope::Everything
    };
    staging.commit(&scope)?;
    Ok(report
        .into_inner()
        .expect("no panics while holding the lock"))
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

// ---------------------------------------------------------------------------
// Merging shards

/// Combine the outputs of sharded builds into `out` (replaced atomically,
/// keeping the files in `out` the generator did not make). The same path in
/// two inputs must hold the same bytes.
pub fn merge(inputs: &[PathBuf], out: &Path) -> Result<u64, MergeError> {
    let target = Target::check(out, FolderKind::Sites, None)?;
    let mut records = Vec::new();
    for input in inputs {
        let real = fs::canonicalize(input).map_err(|e| MergeError::Read {
            path: input.clone(),
            message: e.to_string(),
        })?;
        if real.starts_with(&target.dir) || target.dir.starts_with(&real) {
            return Err(OutputError::Refused {
                path: out.to_path_buf(),
                reason: format!("まとめる元のフォルダ {} と重なっています", input.display()),
                hint: "まとめた結果は、分割した出力とは別の新しいフォルダに出してください".into(),
            }
            .into());
        }
        match Record::read(&real)? {
            Some((record, _)) if record.kind == FolderKind::Sites => records.push((input, record)),
            _ => {
                return Err(MergeError::NotAnOutput {
                    path: input.clone(),
                });
            }
        }
    }
    let staging = Staging::new(&target, None)?;
    let mut seen: BTreeMap<&str, &Path> = BTreeMap::new();
    let mut files = 0;
    for (input, record) in &records {
        for rel in &record.files {
            let path = input.join(rel);
            let bytes = fs::read(&path).map_err(|e| MergeError::Read {
                path: path.clone(),
                message: e.to_string(),
            })?;
            if let Some(first) = seen.get(rel.as_str()) {
                if fs::read(first.join(rel)).ok().as_deref() != Some(bytes.as_slice()) {
                    return Err(MergeError::Conflict {
                        rel: rel.clone(),
                        first: first.join(rel),
                        second: path,
                    });
                }
                continue;
            }
            staging.write(rel, &bytes, None)?;
            seen.insert(rel, input);
            files += 1;
        }
    }
    staging.commit(&Scope::Everything)?;
    Ok(files)
}

#[derive(Debug, thiserror::Error)]
pub enum MergeError {
    #[error("{path}: 読めません: {message}")]
    Read { path: PathBuf, message: String },
    #[error(
        "{path} は outreach build の出力フォルダではありません（記録ファイル {MARKER} がありません）（対処: build --shard I/N --out で作ったフォルダを指定してください）"
    )]
    NotAnOutput { path: PathBuf },
    #[error(
        "{rel} が {first} と {second} で異なります（対処: 同じ入力と --date で作った分割どうしか確認してください）"
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
mod tests;
