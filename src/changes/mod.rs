//! `outreach changes --against DIR`: what publishing the project now would
//! change, site by site, for the department's approval (起案・決裁).
//!
//! The project is built with the same [`crate::build::build`] as `outreach
//! build`, into a temporary folder, and compared with a published copy: an
//! output folder (the last `public/`, a server's copy of the whole tree) or
//! one site's folder (with `--only CODE`). For each site it finds
//!
//! - pages added, removed and changed, with a diff of the **visible text**
//!   (not the HTML): a change of markup alone is no change;
//! - figures that changed, read from the site's open-data CSV files
//!   (`data/adoption-<code>.csv` and the others), cell by cell;
//! - posters whose previews changed, with both previews side by side;
//! - any other file added, removed or changed.
//!
//! A text change found on many pages (a date in every footer) is reported
//! once, with the pages it is on. [`report`] turns the result into the
//! printed summary, a printable HTML report and a CSV.

pub mod report;
pub mod text;

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::path::{Path, PathBuf};

use jiff::civil::Date;
use similar::{Algorithm, DiffTag};

use crate::build::{BuildCache, BuildError, BuildOptions, BuiltSite, Selection, build};
use crate::output::{MARKER, Record, site_of};
use text::page_text;

/// A text change found on at least this many pages is reported once.
pub const COMMON_FROM: usize = 3;
/// At most this many changed lines are kept per page (the rest are counted).
const MAX_LINES_PER_PAGE: usize = 400;
/// At most this many changed rows are kept per CSV file.
const MAX_ROWS_PER_FILE: usize = 500;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Kind {
    Added,
    Removed,
    Changed,
}

impl Kind {
    pub fn word(self) -> &'static str {
        match self {
            Kind::Added => "追加",
            Kind::Removed => "削除",
            Kind::Changed => "変更",
        }
    }
}

/// One line of a diff.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Line {
    Same(String),
    Removed(String),
    Added(String),
}

/// Lines that changed together, with a line of context around them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hunk {
    pub lines: Vec<Line>,
}

impl Hunk {
    /// What changed, without the context: the same change on two pages has
    /// the same key.
    fn key(&self) -> Vec<Line> {
        self.lines
            .iter()
            .filter(|l| !matches!(l, Line::Same(_)))
            .cloned()
            .collect()
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageChange {
    /// The page's path in its site (`faq.html`).
    pub path: String,
    pub kind: Kind,
    /// The page's title (the new one, or the removed page's).
    pub title: String,
    pub hunks: Vec<Hunk>,
    /// Changed lines left out of `hunks` (a very long page).
    pub omitted_lines: usize,
    /// Hunks moved to [`Changes::common`] (the same change on many pages).
    pub common_hunks: usize,
}

/// A cell of an open-data CSV that changed, or a row added or removed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FigureChange {
    /// The CSV's path in its site (`data/adoption-221007.csv`).
    pub file: String,
    pub kind: Kind,
    /// The row, by its key columns (`2023-11-06 静岡市（221007）`).
    pub row: String,
    /// The column's header (empty for a row added or removed).
    pub column: String,
    pub old: String,
    pub new: String,
}

/// A poster whose preview changed (PNG previews compared; each PDF holds the
/// same drawing, dated by its build).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PosterChange {
    pub path: String,
    pub kind: Kind,
    pub old_png: Option<Vec<u8>>,
    pub new_png: Option<Vec<u8>>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileChange {
    pub path: String,
    pub kind: Kind,
}

/// Everything that changes on one site.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SiteChanges {
    pub site: BuiltSite,
    /// The site is not in the published copy at all (every file is new).
    pub new_site: bool,
    pub pages: Vec<PageChange>,
    pub figures: Vec<FigureChange>,
    /// CSV rows whose changes were left out (a very large file).
    pub omitted_figures: usize,
    pub posters: Vec<PosterChange>,
    pub files: Vec<FileChange>,
}

impl SiteChanges {
    pub fn is_empty(&self) -> bool {
        !self.new_site
            && self.pages.is_empty()
            && self.figures.is_empty()
            && self.posters.is_empty()
            && self.files.is_empty()
    }
}

/// A text change found on [`COMMON_FROM`] or more pages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommonChange {
    pub lines: Vec<Line>,
    /// `(site code, page path)` of every page it is on.
    pub pages: Vec<(String, String)>,
}

/// The comparison of a build with a published copy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Changes {
    pub build_date: Date,
    pub against: PathBuf,
    /// Sites compared, and those with any change (in code order).
    pub compared: usize,
    pub sites: Vec<SiteChanges>,
    pub common: Vec<CommonChange>,
}

impl Changes {
    pub fn is_empty(&self) -> bool {
        self.sites.is_empty() && self.common.is_empty()
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ChangesError {
    #[error("入力に {} 件のエラーがあるため、比べられません", .0.error_count())]
    Problems(crate::problems::Problems),
    #[error(transparent)]
    Output(#[from] crate::output::OutputError),
    #[error(
        "{path} がありません（対処: 公開中のサイトのコピーか、前回の public/ フォルダを --against に指定してください）"
    )]
    NoCopy { path: PathBuf },
    #[error(
        "{path} は1つのサイトのフォルダです（m/ や p/ がありません）。比べるサイトを --only で1つ指定してください（例: --only 221007）"
    )]
    OneSiteNeeded { path: PathBuf },
    #[error("一時フォルダを作れません: {0}")]
    Temp(std::io::Error),
}

impl From<BuildError> for ChangesError {
    fn from(e: BuildError) -> Self {
        match e {
            BuildError::Problems(p) => ChangesError::Problems(p),
            BuildError::Output(e) => ChangesError::Output(e),
        }
    }
}

/// What to compare.
#[derive(Debug, Clone)]
pub struct ChangesOptions {
    pub project: PathBuf,
    pub against: PathBuf,
    pub selection: Selection,
    pub build_date: Date,
    pub posters: bool,
    pub progress: bool,
}

/// Build the project into a temporary folder and compare it with the
/// published copy.
pub fn run(options: &ChangesOptions) -> Result<Changes, ChangesError> {
    if !options.against.is_dir() {
        return Err(ChangesError::NoCopy {
            path: options.against.clone(),
        });
    }
    let temp = tempfile::Builder::new()
        .prefix("outreach-changes-")
        .tempdir()
        .map_err(ChangesError::Temp)?;
    let out = std::fs::canonicalize(temp.path())
        .map_err(ChangesError::Temp)?
        .join("site");
    let built = build(&BuildOptions {
        project: options.project.clone(),
        out: out.clone(),
        selection: options.selection.clone(),
        build_date: options.build_date,
        progress: options.progress,
        posters: options.posters,
        ogp_images: true,
        print_marks: None,
    });
    let _ = std::fs::remove_file(BuildCache::new(&options.project, &out).path());
    let report = built?;
    let one_site = !is_tree(&options.against);
    if one_site && report.built.len() != 1 {
        return Err(ChangesError::OneSiteNeeded {
            path: options.against.clone(),
        });
    }
    let new_files = files_by_site(&out, &report.all_site_dirs)?;
    let old_files = if one_site {
        let mut only = BTreeMap::new();
        only.insert(report.built[0].dir.clone(), walk_site(&options.against));
        only
    } else {
        old_files_by_site(&options.against, &report.all_site_dirs)
    };
    let empty = BTreeMap::new();
    let mut sites = Vec::new();
    for site in &report.built {
        let new_root = if site.dir.is_empty() {
            out.clone()
        } else {
            out.join(&site.dir)
        };
        let old_root = if one_site || site.dir.is_empty() {
            options.against.clone()
        } else {
            options.against.join(&site.dir)
        };
        let new = new_files.get(&site.dir).unwrap_or(&empty);
        let old = old_files.get(&site.dir).unwrap_or(&empty);
        sites.push(compare_site(site, &old_root, old, &new_root, new));
    }
    let compared = sites.len();
    let common = extract_common(&mut sites);
    sites.retain(|s| !s.is_empty());
    Ok(Changes {
        build_date: options.build_date,
        against: options.against.clone(),
        compared,
        sites,
        common,
    })
}

/// Whether `dir` holds a whole output (the national site's root with `m/`
/// and `p/`, or an outreach output folder), rather than one site's folder.
fn is_tree(dir: &Path) -> bool {
    dir.join(MARKER).is_file() || dir.join("m").is_dir() || dir.join("p").is_dir()
}

/// Files of each site in a folder outreach made (its record lists them),
/// by path inside the site.
fn files_by_site(
    out: &Path,
    all: &HashSet<String>,
) -> Result<BTreeMap<String, BTreeMap<String, ()>>, ChangesError> {
    let mut by_site: BTreeMap<String, BTreeMap<String, ()>> = BTreeMap::new();
    if let Some((record, _)) = Record::read(out)? {
        for rel in &record.files {
            let site = site_of(rel, all);
            let inner = inner_path(rel, site);
            by_site
                .entry(site.to_string())
                .or_default()
                .insert(inner.to_string(), ());
        }
    }
    Ok(by_site)
}

fn inner_path<'a>(rel: &'a str, site: &str) -> &'a str {
    if site.is_empty() {
        rel
    } else {
        rel.strip_prefix(site)
            .and_then(|r| r.strip_prefix('/'))
            .unwrap_or(rel)
    }
}

/// The published copy's files by site: the files its record lists when it
/// has one (so a council's own `.htaccess` is not taken for a page), else
/// every file that is not hidden.
fn old_files_by_site(
    against: &Path,
    all: &HashSet<String>,
) -> BTreeMap<String, BTreeMap<String, ()>> {
    if let Ok(Some((record, _))) = Record::read(against) {
        let mut by_site: BTreeMap<String, BTreeMap<String, ()>> = BTreeMap::new();
        for rel in &record.files {
            if against.join(rel).is_file() {
                let site = site_of(rel, all);
                by_site
                    .entry(site.to_string())
                    .or_default()
                    .insert(inner_path(rel, site).to_string(), ());
            }
        }
        return by_site;
    }
    let mut by_site: BTreeMap<String, BTreeMap<String, ()>> = BTreeMap::new();
    for (rel, ()) in walk_site(against) {
        let site = site_of(&rel, all);
        by_site
            .entry(site.to_string())
            .or_default()
            .insert(inner_path(&rel, site).to_string(), ());
    }
    by_site
}

/// Every file under `root` that is not hidden, by relative path (`/`).
fn walk_site(root: &Path) -> BTreeMap<String, ()> {
    let mut files = BTreeMap::new();
    let walk = walkdir::WalkDir::new(root)
        .min_depth(1)
        .follow_links(false)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| !e.file_name().to_string_lossy().starts_with('.'));
    for entry in walk.flatten() {
        if !entry.file_type().is_file() {
            continue;
        }
        let Ok(rel) = entry.path().strip_prefix(root) else {
            continue;
        };
        let parts: Option<Vec<&str>> = rel.components().map(|c| c.as_os_str().to_str()).collect();
        if let Some(parts) = parts {
            files.insert(parts.join("/"), ());
        }
    }
    files
}

/// What a file of a site is compared as.
#[derive(Debug, PartialEq, Eq)]
enum FileRole {
    Page,
    PosterPreview,
    Figures,
    /// Compared through another file (a poster's PDF through its preview,
    /// a JSON through its CSV).
    Covered,
    Other,
}

fn role(path: &str, present: &dyn Fn(&str) -> bool) -> FileRole {
    let stem_with = |ext: &str| {
        path.rsplit_once('.')
            .map(|(stem, _)| format!("{stem}.{ext}"))
            .is_some_and(|p| present(&p))
    };
    if path.ends_with(".html") {
        FileRole::Page
    } else if path.starts_with("posters/") && path.ends_with(".png") {
        FileRole::PosterPreview
    } else if path.starts_with("posters/") && path.ends_with(".pdf") && stem_with("png") {
        FileRole::Covered
    } else if path.starts_with("data/") && path.ends_with(".csv") {
        FileRole::Figures
    } else if path.starts_with("data/") && path.ends_with(".json") && stem_with("csv") {
        FileRole::Covered
    } else {
        FileRole::Other
    }
}

fn compare_site(
    site: &BuiltSite,
    old_root: &Path,
    old: &BTreeMap<String, ()>,
    new_root: &Path,
    new: &BTreeMap<String, ()>,
) -> SiteChanges {
    let mut changes = SiteChanges {
        site: site.clone(),
        new_site: old.is_empty() && !new.is_empty(),
        pages: Vec::new(),
        figures: Vec::new(),
        omitted_figures: 0,
        posters: Vec::new(),
        files: Vec::new(),
    };
    if changes.new_site {
        return changes;
    }
    let paths: BTreeSet<&String> = old.keys().chain(new.keys()).collect();
    let present = |p: &str| old.contains_key(p) || new.contains_key(p);
    for path in paths {
        let old_bytes = old
            .contains_key(path)
            .then(|| std::fs::read(old_root.join(path)).ok())
            .flatten();
        let new_bytes = new
            .contains_key(path)
            .then(|| std::fs::read(new_root.join(path)).ok())
            .flatten();
        let kind = match (&old_bytes, &new_bytes) {
            (None, None) => continue,
            (None, Some(_)) => Kind::Added,
            (Some(_), None) => Kind::Removed,
            (Some(a), Some(b)) if a == b => continue,
            (Some(_), Some(_)) => Kind::Changed,
        };
        match role(path, &present) {
            FileRole::Page => {
                let old_text = old_bytes
                    .as_deref()
                    .map(|b| page_text(&String::from_utf8_lossy(b)));
                let new_text = new_bytes
                    .as_deref()
                    .map(|b| page_text(&String::from_utf8_lossy(b)));
                if let Some(page) = compare_page(path, kind, old_text, new_text) {
                    changes.pages.push(page);
                }
            }
            FileRole::PosterPreview => changes.posters.push(PosterChange {
                path: path.clone(),
                kind,
                old_png: old_bytes,
                new_png: new_bytes,
            }),
            FileRole::Figures => {
                let (rows, omitted) = compare_csv(path, old_bytes.as_deref(), new_bytes.as_deref());
                changes.figures.extend(rows);
                changes.omitted_figures += omitted;
            }
            FileRole::Covered => {}
            FileRole::Other => changes.files.push(FileChange {
                path: path.clone(),
                kind,
            }),
        }
    }
    changes
}

/// The visible-text diff of one page; `None` when only markup changed.
fn compare_page(
    path: &str,
    kind: Kind,
    old: Option<text::PageText>,
    new: Option<text::PageText>,
) -> Option<PageChange> {
    let title = new
        .as_ref()
        .or(old.as_ref())
        .map(|t| t.title.clone())
        .unwrap_or_default();
    let old_lines = old.map(with_title).unwrap_or_default();
    let new_lines = new.map(with_title).unwrap_or_default();
    if kind == Kind::Changed && old_lines == new_lines {
        return None;
    }
    let (hunks, omitted_lines) = diff_lines(&old_lines, &new_lines);
    Some(PageChange {
        path: path.to_string(),
        kind,
        title,
        hunks,
        omitted_lines,
        common_hunks: 0,
    })
}

/// The title is part of what a reader sees (the tab, search results).
fn with_title(text: text::PageText) -> Vec<String> {
    let mut lines = Vec::with_capacity(text.lines.len() + 1);
    if !text.title.is_empty() {
        lines.push(format!("（ページの題名）{}", text.title));
    }
    lines.extend(text.lines);
    lines
}

/// Line diff with one line of context, in hunks.
fn diff_lines(old: &[String], new: &[String]) -> (Vec<Hunk>, usize) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(2);
    let ops = similar::capture_diff_slices_deadline(Algorithm::Patience, old, new, Some(deadline));
    let mut hunks = Vec::new();
    let mut kept = 0usize;
    let mut omitted = 0usize;
    for group in similar::group_diff_ops(ops, 1) {
        let mut lines = Vec::new();
        for op in group {
            let (tag, old_range, new_range) = op.as_tag_tuple();
            match tag {
                DiffTag::Equal => lines.extend(old[old_range].iter().cloned().map(Line::Same)),
                DiffTag::Delete | DiffTag::Insert | DiffTag::Replace => {
                    lines.extend(old[old_range].iter().cloned().map(Line::Removed));
                    lines.extend(new[new_range].iter().cloned().map(Line::Added));
                }
            }
        }
        let changed = lines.iter().filter(|l| !matches!(l, Line::Same(_))).count();
        if kept + changed > MAX_LINES_PER_PAGE {
            omitted += changed;
            continue;
        }
        kept += changed;
        hunks.push(Hunk { lines });
    }
    (hunks, omitted)
}

/// Rows of a CSV file: the header and the rows, the BOM removed.
fn read_csv(bytes: &[u8]) -> Option<(Vec<String>, Vec<Vec<String>>)> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(true)
        .from_reader(bytes);
    let header: Vec<String> = reader.headers().ok()?.iter().map(str::to_string).collect();
    let rows = reader
        .records()
        .filter_map(Result::ok)
        .map(|r| r.iter().map(str::to_string).collect())
        .collect();
    Some((header, rows))
}

/// Cell by cell: rows matched by their key (時点 and 団体コード for the
/// figures, else the first column).
fn compare_csv(path: &str, old: Option<&[u8]>, new: Option<&[u8]>) -> (Vec<FigureChange>, usize) {
    let (old_header, old_rows) = old.and_then(read_csv).unwrap_or_default();
    let (new_header, new_rows) = new.and_then(read_csv).unwrap_or_default();
    let header = if new_header.is_empty() {
        &old_header
    } else {
        &new_header
    };
    let key_columns: Vec<usize> =
        if header.len() > 1 && header[0] == "時点" && header[1] == "団体コード" {
            vec![0, 1]
        } else {
            vec![0]
        };
    let name_column = header.iter().position(|h| h == "団体名" || h == "事業所名");
    let key_of = |row: &Vec<String>| -> Vec<String> {
        key_columns
            .iter()
            .map(|&i| row.get(i).cloned().unwrap_or_default())
            .collect()
    };
    let label = |row: &Vec<String>| -> String {
        let key = key_of(row).join(" ");
        match name_column
            .and_then(|i| row.get(i))
            .filter(|n| !n.is_empty())
        {
            Some(name) => format!("{key}（{name}）"),
            None => key,
        }
    };
    let index = |header: &Vec<String>,
                 rows: Vec<Vec<String>>|
     -> BTreeMap<Vec<String>, BTreeMap<String, String>> {
        rows.into_iter()
            .map(|row| {
                let cells = header
                    .iter()
                    .cloned()
                    .zip(row.iter().cloned())
                    .collect::<BTreeMap<_, _>>();
                (key_of(&row), cells)
            })
            .collect()
    };
    let labels: BTreeMap<Vec<String>, String> = old_rows
        .iter()
        .chain(new_rows.iter())
        .map(|r| (key_of(r), label(r)))
        .collect();
    let old_index = index(&old_header, old_rows);
    let new_index = index(&new_header, new_rows);
    let keys: BTreeSet<&Vec<String>> = old_index.keys().chain(new_index.keys()).collect();
    let mut changes = Vec::new();
    let summary = |cells: &BTreeMap<String, String>, header: &Vec<String>| -> String {
        header
            .iter()
            .skip(key_columns.len())
            .filter_map(|h| {
                cells
                    .get(h)
                    .filter(|v| !v.is_empty())
                    .map(|v| format!("{h}: {v}"))
            })
            .collect::<Vec<_>>()
            .join("、")
    };
    for key in keys {
        let row = labels.get(key).cloned().unwrap_or_default();
        match (old_index.get(key), new_index.get(key)) {
            (None, Some(cells)) => changes.push(FigureChange {
                file: path.to_string(),
                kind: Kind::Added,
                row,
                column: String::new(),
                old: String::new(),
                new: summary(cells, &new_header),
            }),
            (Some(cells), None) => changes.push(FigureChange {
                file: path.to_string(),
                kind: Kind::Removed,
                row,
                column: String::new(),
                old: summary(cells, &old_header),
                new: String::new(),
            }),
            (Some(a), Some(b)) => {
                for column in header.iter().skip(key_columns.len()) {
                    let (x, y) = (
                        a.get(column).cloned().unwrap_or_default(),
                        b.get(column).cloned().unwrap_or_default(),
                    );
                    if x != y {
                        changes.push(FigureChange {
                            file: path.to_string(),
                            kind: Kind::Changed,
                            row: row.clone(),
                            column: column.clone(),
                            old: x,
                            new: y,
                        });
                    }
                }
            }
            (None, None) => {}
        }
    }
    let omitted = changes.len().saturating_sub(MAX_ROWS_PER_FILE);
    changes.truncate(MAX_ROWS_PER_FILE);
    (changes, omitted)
}

/// Move text changes found on [`COMMON_FROM`] or more pages out of the
/// pages into common changes; a page left with nothing else is dropped
/// (it is listed under the common change).
fn extract_common(sites: &mut [SiteChanges]) -> Vec<CommonChange> {
    let mut seen: BTreeMap<Vec<Line>, Vec<(String, String)>> = BTreeMap::new();
    for site in sites.iter() {
        for page in site.pages.iter().filter(|p| p.kind == Kind::Changed) {
            let mut keys: Vec<Vec<Line>> = page.hunks.iter().map(Hunk::key).collect();
            keys.sort();
            keys.dedup();
            for key in keys {
                seen.entry(key)
                    .or_default()
                    .push((site.site.code.clone(), page.path.clone()));
            }
        }
    }
    seen.retain(|_, pages| pages.len() >= COMMON_FROM);
    if seen.is_empty() {
        return Vec::new();
    }
    for site in sites.iter_mut() {
        for page in site.pages.iter_mut().filter(|p| p.kind == Kind::Changed) {
            let before = page.hunks.len();
            page.hunks.retain(|h| !seen.contains_key(&h.key()));
            page.common_hunks = before - page.hunks.len();
        }
        site.pages
            .retain(|p| !(p.kind == Kind::Changed && p.hunks.is_empty() && p.omitted_lines == 0));
    }
    let mut common: Vec<CommonChange> = seen
        .into_iter()
        .map(|(lines, pages)| CommonChange { lines, pages })
        .collect();
    common.sort_by(|a, b| {
        b.pages
            .len()
            .cmp(&a.pages.len())
            .then(a.lines.cmp(&b.lines))
    });
    common
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_diff_into_hunks_with_context() {
        let old: Vec<String> = ["a", "b", "c", "d", "e"].map(String::from).to_vec();
        let new: Vec<String> = ["a", "b", "C", "d", "e", "f"].map(String::from).to_vec();
        let (hunks, omitted) = diff_lines(&old, &new);
        assert_eq!(omitted, 0);
        assert_eq!(
            hunks,
            vec![Hunk {
                lines: vec![
                    Line::Same("b".into()),
                    Line::Removed("c".into()),
                    Line::Added("C".into()),
                    Line::Same("d".into()),
                    Line::Same("e".into()),
                    Line::Added("f".into()),
                ]
            }]
        );
    }

    #[test]
    fn figures_are_compared_cell_by_cell_by_date_and_code() {
        let old = "\u{feff}時点,団体コード,団体名,事業所数,利用事業所数\r\n2023-11-06,221007,静岡市,100,5\r\n2022-11-01,221007,静岡市,90,1\r\n";
        let new = "\u{feff}時点,団体コード,団体名,事業所数,利用事業所数\r\n2023-11-06,221007,静岡市,100,7\r\n2024-11-05,221007,静岡市,110,9\r\n";
        let (changes, omitted) = compare_csv(
            "data/adoption-221007.csv",
            Some(old.as_bytes()),
            Some(new.as_bytes()),
        );
        assert_eq!(omitted, 0);
        let seen: Vec<(Kind, &str, &str, &str, &str)> = changes
            .iter()
            .map(|c| {
                (
                    c.kind,
                    c.row.as_str(),
                    c.column.as_str(),
                    c.old.as_str(),
                    c.new.as_str(),
                )
            })
            .collect();
        assert_eq!(
            seen,
            vec![
                (
                    Kind::Removed,
                    "2022-11-01 221007（静岡市）",
                    "",
                    "団体名: 静岡市、事業所数: 90、利用事業所数: 1",
                    ""
                ),
                (
                    Kind::Changed,
                    "2023-11-06 221007（静岡市）",
                    "利用事業所数",
                    "5",
                    "7"
                ),
                (
                    Kind::Added,
                    "2024-11-05 221007（静岡市）",
                    "",
                    "",
                    "団体名: 静岡市、事業所数: 110、利用事業所数: 9"
                ),
            ]
        );
    }

    #[test]
    fn a_change_on_many_pages_is_reported_once() {
        let hunk = |a: &str, b: &str| Hunk {
            lines: vec![Line::Removed(a.into()), Line::Added(b.into())],
        };
        let page = |path: &str, hunks: Vec<Hunk>| PageChange {
            path: path.into(),
            kind: Kind::Changed,
            title: String::new(),
            hunks,
            omitted_lines: 0,
            common_hunks: 0,
        };
        let date = || hunk("2026年11月1日 現在", "2026年11月29日 現在");
        let mut sites = vec![SiteChanges {
            site: BuiltSite {
                code: "221007".into(),
                full_name: "静岡県静岡市".into(),
                dir: "m/221007".into(),
            },
            new_site: false,
            pages: vec![
                page("index.html", vec![date()]),
                page("faq.html", vec![date(), hunk("古い答え", "新しい答え")]),
                page("contact.html", vec![date()]),
            ],
            figures: Vec::new(),
            omitted_figures: 0,
            posters: Vec::new(),
            files: Vec::new(),
        }];
        let common = extract_common(&mut sites);
        assert_eq!(common.len(), 1);
        assert_eq!(common[0].pages.len(), 3);
        let left: Vec<&str> = sites[0].pages.iter().map(|p| p.path.as_str()).collect();
        assert_eq!(left, vec!["faq.html"]);
        assert_eq!(
            sites[0].pages[0].hunks,
            vec![hunk("古い答え", "新しい答え")]
        );
        assert_eq!(sites[0].pages[0].common_hunks, 1);
    }
}
