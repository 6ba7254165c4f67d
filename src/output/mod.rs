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
//!
//! Where each part lives: `target.rs` (which folders may be written),
//! `record.rs` (the record file), `staging.rs` (the staging folder, what a
//! build replaces, the swap), `manifest.rs` (the manifest of reusable files),
//! `leftovers.rs` (what killed builds left), `zips.rs` (`build --zip`),
//! `merge.rs` (`outreach merge`) and `files.rs` (single files outside the
//! output: caches, reports, new projects).

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::fs;
use std::io::{self, Read as _, Write as _};
use std::path::{Component, Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Instant, SystemTime};

mod files;
mod leftovers;
mod manifest;
mod merge;
mod record;
mod staging;
mod target;
mod zips;

pub use files::*;
use leftovers::*;
pub use manifest::*;
pub use merge::*;
pub use record::*;
pub use staging::*;
pub use target::*;
pub use zips::*;

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

#[cfg(test)]
mod tests;
