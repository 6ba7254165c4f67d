//! The staging folder a build writes into, what it replaces of the previous
//! output, and the swap that puts it in place.

use super::*;

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

    pub(super) fn commit_with(
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
pub(super) fn is_in_the_way(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::AlreadyExists | io::ErrorKind::NotADirectory
    )
}

/// Put the folder `new` in the place of `out`, atomically where the system
/// allows; afterwards `new` holds the previous output (if there was one).
pub(super) fn swap(new: &Path, out: &Path) -> io::Result<()> {
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
pub(super) fn swap_by_renames(new: &Path, out: &Path) -> io::Result<()> {
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
