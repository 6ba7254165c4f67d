//! Adoption figures (`data/adoption/<YYYY-MM-DD>[-label].<csv|xlsx>`): how many
//! offices there are and how many use the system, per prefecture and
//! municipality, per snapshot date.
//!
//! The files come from Excel as people make them, so the loader is lenient in
//! what it reads (everything [`crate::data::table`] reads: UTF-8 with or
//! without BOM, CP932, CRLF, `.xlsx`, Japanese or English headers, `7,416`,
//! `７，４１６`, `4.0%`) and strict in what it checks: every problem is reported
//! with file, line, value and the entity of the row, and nothing stops early.
//!
//! - [`file`]: the rules of one file (its columns, how a row names its local
//!   government, counts, the printed rate, the totals row);
//! - `names`: names of local governments as people write them;
//! - this module: which files make which snapshot, and the checks across the
//!   files of one date (an entity in two files, coverage, municipalities that
//!   add up to more than their prefecture).

mod file;
mod names;
#[cfg(test)]
mod tests;

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use jiff::civil::Date;

use crate::data::jis::{Code, CodeKind, MasterList};
use crate::format::thousands;
use crate::problems::{Code as ProblemCode, Location, Problems};

use file::FileData;
use names::NameIndex;

/// The largest count one row may hold. Japan has about 180,000 offices in all,
/// so no real row comes near; with at most 1,789 rows per snapshot, totals stay
/// below 1.8 × 10¹⁰ and cannot overflow, and a count that is a typo (or an
/// attack) is an error on its own line instead of a wrapped national figure.
pub const MAX_COUNT: u64 = 10_000_000;

/// One adoption file, as every figure read from it remembers it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
pub struct Source {
    /// The snapshot date, from the file name.
    pub date: Date,
    /// The file's name in `data/adoption/` (`2023-11-06.csv`).
    pub file: String,
    /// The file's name says `sample` (or サンプル): its figures are illustrative.
    pub illustrative: bool,
}

/// Where one figure comes from: the files it was read from or summed from
/// (all of one snapshot date), in file-name order, never empty. Every page,
/// chart, poster and download that shows the figure marks it illustrative
/// when any of them is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Provenance {
    sources: Vec<Arc<Source>>,
}

impl Provenance {
    /// A figure read from one file.
    pub fn of(source: Arc<Source>) -> Provenance {
        Provenance {
            sources: vec![source],
        }
    }

    /// The snapshot date.
    pub fn date(&self) -> Date {
        self.sources[0].date
    }

    /// The files, in name order.
    pub fn sources(&self) -> &[Arc<Source>] {
        &self.sources
    }

    /// Any of its files is illustrative (sample) data.
    pub fn illustrative(&self) -> bool {
        self.sources.iter().any(|s| s.illustrative)
    }

    /// The provenance of a figure made from both.
    pub fn merged(&self, other: &Provenance) -> Provenance {
        let mut sources = self.sources.clone();
        for s in &other.sources {
            if let Err(at) = sources.binary_search_by(|x| x.file.cmp(&s.file)) {
                sources.insert(at, s.clone());
            }
        }
        Provenance { sources }
    }
}

impl serde::Serialize for Provenance {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.sources.iter().map(|s| s.as_ref()))
    }
}

/// One entity's counts in one snapshot, with where they come from.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Figure {
    pub offices: u64,
    pub using: u64,
    pub provenance: Provenance,
}

impl Figure {
    /// The share of offices using the system (0.0–1.0); `None` when there are no offices.
    pub fn rate(&self) -> Option<f64> {
        if self.offices == 0 {
            None
        } else {
            Some(self.using as f64 / self.offices as f64)
        }
    }

    /// The snapshot date.
    pub fn date(&self) -> Date {
        self.provenance.date()
    }

    /// From illustrative (sample) data.
    pub fn illustrative(&self) -> bool {
        self.provenance.illustrative()
    }

    /// The sum of two figures (from the files of both), `None` when a count
    /// would not fit: totals are never wrapped around.
    pub fn checked_add(&self, other: &Figure) -> Option<Figure> {
        Some(Figure {
            offices: self.offices.checked_add(other.offices)?,
            using: self.using.checked_add(other.using)?,
            provenance: self.provenance.merged(&other.provenance),
        })
    }

    /// The sum of figures, `None` for no figures or when a count would not fit.
    pub fn total<'a>(figures: impl IntoIterator<Item = &'a Figure>) -> Option<Figure> {
        let mut figures = figures.into_iter();
        let first = figures.next()?.clone();
        figures.try_fold(first, |sum, f| sum.checked_add(f))
    }
}

/// Every figure of one date, merged from all files of that date.
#[derive(Debug, Clone)]
pub struct Snapshot {
    pub date: Date,
    /// Rows keyed by JIS code (prefecture codes like "220001"), sorted.
    pub prefectures: BTreeMap<Code, Figure>,
    pub municipalities: BTreeMap<Code, Figure>,
    /// The files this snapshot was read from, in name order.
    pub sources: Vec<Arc<Source>>,
}

/// All snapshots of a project.
#[derive(Debug, Clone, Default)]
pub struct Adoption {
    /// ascending by date
    pub snapshots: Vec<Snapshot>,
}

/// Load every file in `dir` (data/adoption). `today` is the build date (for the future-date warning).
pub fn load(dir: &Path, master: &MasterList, today: Date, problems: &mut Problems) -> Adoption {
    let paths = match crate::data::folder_files(dir) {
        Ok(paths) => paths,
        Err(e) => {
            problems.warning(
                ProblemCode::AdoptionFolderUnreadable,
                Location::file(dir),
                format!("利用状況のフォルダを読めません: {e}"),
                "data/adoption/ に 2023-11-06.csv のような日付名のファイルを置いてください",
            );
            return Adoption::default();
        }
    };

    let names = NameIndex::new(master);
    let mut by_date: BTreeMap<Date, Vec<FileData>> = BTreeMap::new();
    for path in paths {
        let file_name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("")
            .to_string();
        if file_name.starts_with('.') || file_name.starts_with('~') || !is_table(&path, problems) {
            continue;
        }
        let Some(date) = file_date(&path, &file_name, today, problems) else {
            continue;
        };
        let source = Arc::new(Source {
            date,
            illustrative: is_illustrative_name(&file_name),
            file: file_name,
        });
        if let Some(data) = file::read(&path, master, &names, source, problems) {
            by_date.entry(date).or_default().push(data);
        }
    }

    let snapshots = by_date
        .into_iter()
        .map(|(date, files)| merge(date, files, master, &names, problems))
        .collect();
    Adoption { snapshots }
}

/// Whether a file in data/adoption is a table to read; other files are
/// skipped, with a word when they look like a mistake.
fn is_table(path: &Path, problems: &mut Problems) -> bool {
    let file_name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    match ext.as_str() {
        "csv" | "xlsx" | "tsv" => true,
        "xls" => {
            problems.error(
                ProblemCode::TableFormat,
                Location::file(path),
                format!("「{file_name}」は古い Excel 形式（.xls）で、読めません"),
                "Excel で「.xlsx」か「CSV UTF-8」の形式で保存し直してください",
            );
            false
        }
        "md" | "txt" => false,
        _ => {
            problems.warning(
                ProblemCode::FileIgnored,
                Location::file(path),
                format!(
                    "「{file_name}」は利用状況のファイル（.csv / .xlsx）ではないので読みません"
                ),
                "不要なら data/adoption/ から移してください",
            );
            false
        }
    }
}

/// A file whose name contains `sample` (or サンプル) holds illustrative figures.
fn is_illustrative_name(file_name: &str) -> bool {
    let lower = file_name.to_lowercase();
    lower.contains("sample") || file_name.contains("サンプル")
}

/// The snapshot date from a file name `<YYYY-MM-DD>[-label].ext`.
fn file_date(path: &Path, file_name: &str, today: Date, problems: &mut Problems) -> Option<Date> {
    let stem = path
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or(file_name);
    let head = stem.get(..10).filter(|h| {
        h.bytes().enumerate().all(|(i, b)| {
            if i == 4 || i == 7 {
                b == b'-'
            } else {
                b.is_ascii_digit()
            }
        }) && stem[10..]
            .chars()
            .next()
            .is_none_or(|c| matches!(c, '-' | '_' | ' ' | '.'))
    });
    let Some(head) = head else {
        problems.error(
            ProblemCode::AdoptionFileName,
            Location::file(path),
            format!("ファイル名「{file_name}」が日付（YYYY-MM-DD）で始まっていません"),
            "集計日を表す名前にしてください（例: 2023-11-06.csv、2023-11-06-市区町村.xlsx）",
        );
        return None;
    };
    let Some(date) = crate::dates::parse_iso(head) else {
        problems.error(
            ProblemCode::AdoptionFileName,
            Location::file(path),
            format!("ファイル名の日付「{head}」は実在しない日付です"),
            "集計日を正しい日付に直してください（例: 2023-11-06）",
        );
        return None;
    };
    if date > today {
        problems.warning(
            ProblemCode::AdoptionFutureDate,
            Location::file(path),
            format!("ファイル名の日付「{head}」が今日（{today}）より先です"),
            "集計日が正しいか確認してください（未来の日付の数値として表示されます）",
        );
    }
    Some(date)
}

/// Merge the files of one date into a snapshot, checking duplicates across
/// files, coverage, and that municipalities add up to their prefecture.
fn merge(
    date: Date,
    files: Vec<FileData>,
    master: &MasterList,
    names: &NameIndex<'_>,
    problems: &mut Problems,
) -> Snapshot {
    let mut snapshot = Snapshot {
        date,
        prefectures: BTreeMap::new(),
        municipalities: BTreeMap::new(),
        sources: files.iter().map(|f| f.source.clone()).collect(),
    };
    snapshot.sources.sort_by(|a, b| a.file.cmp(&b.file));
    let mut origin: HashMap<Code, (PathBuf, usize)> = HashMap::new();
    // The file with the most rows of each level, for the coverage warnings.
    let mut level_file: [Option<(usize, PathBuf)>; 2] = [None, None];
    for file in &files {
        let mut counts = [0usize; 2];
        for row in &file.rows {
            if let Some((other, other_line)) = origin.get(&row.code)
                && other != &file.path
            {
                problems.error(
                    ProblemCode::AdoptionDuplicateRow,
                    Location::line(&file.path, row.line),
                    format!(
                        "{}（{}）は同じ日付の別のファイル「{}」の{}行目にもあります",
                        names.display(&row.code),
                        row.code,
                        other.file_name().and_then(|n| n.to_str()).unwrap_or(""),
                        other_line
                    ),
                    "同じ日付の団体は1つのファイルにだけ書いてください（この行は読み飛ばしました）",
                );
                continue;
            }
            origin.insert(row.code, (file.path.clone(), row.line));
            let level = usize::from(row.code.kind() != CodeKind::Prefecture);
            counts[level] += 1;
            if level == 0 {
                snapshot.prefectures.insert(row.code, row.figure.clone());
            } else {
                snapshot.municipalities.insert(row.code, row.figure.clone());
            }
        }
        for level in 0..2 {
            if counts[level] > level_file[level].as_ref().map_or(0, |(n, _)| *n) {
                level_file[level] = Some((counts[level], file.path.clone()));
            }
        }
    }

    // Coverage: one warning per level.
    let missing_prefectures: Vec<String> = master
        .prefectures
        .iter()
        .filter(|p| !snapshot.prefectures.contains_key(&p.code))
        .map(|p| p.name.clone())
        .collect();
    let missing_municipalities: Vec<String> = master
        .municipalities
        .iter()
        .filter(|m| !snapshot.municipalities.contains_key(&m.code))
        .map(|m| names.display(&m.code))
        .collect();
    for (level, missing, what) in [
        (0, missing_prefectures, "都道府県"),
        (1, missing_municipalities, "市区町村"),
    ] {
        let Some((_, file)) = &level_file[level] else {
            continue;
        };
        if missing.is_empty() {
            continue;
        }
        let examples: Vec<&str> = missing.iter().take(5).map(String::as_str).collect();
        let more = if missing.len() > 5 { "ほか" } else { "" };
        problems.warning(
            ProblemCode::AdoptionMissingRows,
            Location::file(file),
            format!(
                "{date} の{what}のデータに {} 団体がありません（{}{more}）",
                thousands(missing.len() as u64),
                examples.join("、")
            ),
            format!(
                "抜けている{what}の行を加えてください。加えない団体のページには {date} の数値が出ません"
            ),
        );
    }

    // Municipalities must add up to their prefecture.
    for (code, figure) in &snapshot.prefectures {
        let number = code.prefecture_digits();
        let total = master.municipalities_of(number).count();
        let found: Vec<&Figure> = master
            .municipalities_of(number)
            .filter_map(|m| snapshot.municipalities.get(&m.code))
            .collect();
        let present = found.len();
        // No sum when there is nothing to add (or, with counts bounded by
        // MAX_COUNT, never: a sum that does not fit).
        let Some(Figure { offices, using, .. }) = Figure::total(found) else {
            continue;
        };
        let complete = present == total;
        let bad = if complete {
            offices != figure.offices || using != figure.using
        } else {
            offices > figure.offices || using > figure.using
        };
        if bad {
            let Some((file, line)) = origin.get(code) else {
                continue;
            };
            let scope = if complete {
                "市区町村の行の合計"
            } else {
                "一部の市区町村の行の合計だけで"
            };
            problems.warning(
                ProblemCode::AdoptionPrefectureSumMismatch,
                Location::line(file, *line),
                format!(
                    "{}の行は 事業所数 {}・利用 {} ですが、{}は 事業所数 {}・利用 {} です",
                    names.display(code),
                    thousands(figure.offices),
                    thousands(figure.using),
                    scope,
                    thousands(offices),
                    thousands(using)
                ),
                "都道府県の行と市区町村の行が同じ集計のものか確認してください",
            );
        }
    }
    snapshot
}
