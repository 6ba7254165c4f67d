//! Zips of the sites (`build --zip`): one deterministic zip per site folder.

use super::*;

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
pub(super) fn stored_as_is(rel: &str) -> bool {
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
