//! Leftovers of interrupted builds: staging folders of killed builds, and a
//! swap that stopped halfway.

use super::*;

pub(super) fn staging_name(out_name: &str, pid: u32) -> String {
    format!(".{out_name}.building-{pid}")
}

pub(super) fn previous_name(out_name: &str, pid: u32) -> String {
    format!(".{out_name}.previous-{pid}")
}

/// `(pid, is_previous)` if `name` is one of ours for the output `out_name`.
pub(super) fn leftover_of(name: &str, out_name: &str) -> Option<(u32, bool)> {
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
pub(super) fn process_alive(pid: u32) -> bool {
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
pub(super) fn process_alive(_pid: u32) -> bool {
    true
}

/// Whether nobody holds the lock of a staging folder (its build is over).
pub(super) fn unlocked(dir: &Path, pid: u32) -> bool {
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
pub(super) fn remove_leftovers(dir: &Path) -> Vec<PathBuf> {
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
pub(super) fn restore_interrupted_swap(dir: &Path) {
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
