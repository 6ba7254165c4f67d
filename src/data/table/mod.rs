//! The one table reader behind every CSV and `.xlsx` data file (adoption
//! figures, partner offices, the master list of local governments).
//!
//! What it does for every loader, so that a loader only states the rules of
//! its own data:
//!
//! - reads the file with bounded work ([`LIMITS`]): at most 64 MiB of file and,
//!   for `.xlsx`, of unpacked zip content (declared and actual sizes are both
//!   checked before anything is parsed), and at most 1,000,000 cells; a sheet
//!   whose declared range or cell positions go beyond that is a located error
//!   naming the file, the sheet and the cell;
//! - decodes text in the encodings Excel saves ([`decode`]): UTF-8 with or
//!   without BOM, UTF-16 with BOM, CP932;
//! - finds the header row and maps header aliases to columns, reporting
//!   duplicate and missing columns ([`columns`]);
//! - reads numbers as people type them ([`number`]) and dates as people type
//!   them ([`parse_date`]);
//! - gives every row its location: `file:line` for CSV, `file:row` plus
//!   `シート!セル` in the message for `.xlsx` ([`Table::error`]).

pub mod columns;
mod csv;
pub mod decode;
#[cfg(test)]
pub(crate) mod fixtures;
pub mod number;
#[cfg(test)]
pub(crate) mod tests;
pub mod text;
mod xlsx;

use std::io::Read as _;
use std::path::{Path, PathBuf};

use jiff::civil::Date;

use crate::problems::Problems;

pub use columns::{Column, Header, Required, Schema};
pub use decode::{decode_text, decode_text_checked};
pub use number::{NumberError, PrintedRate, parse_count, parse_rate};
pub use text::{ControlChar, control_char, edit_distance, nearest, normalize_width};

/// How much work one table file may cost.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Bytes of the file itself, and of all its zip entries unpacked (`.xlsx`).
    pub max_bytes: u64,
    /// Cells: of a CSV file, of a sheet's declared range, and of the rows
    /// built from a sheet's cells (each row as wide as its last cell).
    pub max_cells: u64,
    /// Entries of an `.xlsx` zip archive.
    pub max_zip_entries: usize,
}

/// The limits every loader reads with. A real adoption table has about
/// 1,800 rows of 5 columns and the national list of offices using the system
/// about 20,000 rows, so these leave a wide margin while keeping a hostile
/// file to well under a gigabyte of memory.
pub const LIMITS: Limits = Limits {
    max_bytes: 64 * 1024 * 1024,
    max_cells: 1_000_000,
    max_zip_entries: 10_000,
};

/// One row of a table file: its 1-based line (CSV record start or sheet row)
/// and its cells as text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableRow {
    pub line: usize,
    pub cells: Vec<String>,
}

impl TableRow {
    /// The cell at a 0-based column, trimmed (`""` when absent).
    pub fn cell(&self, column: usize) -> &str {
        self.cells
            .get(column)
            .map(|c| c.trim_matches(|ch: char| ch.is_whitespace() || ch == '\u{FEFF}'))
            .unwrap_or("")
    }

    pub fn is_blank(&self) -> bool {
        self.cells.iter().all(|c| c.trim().is_empty())
    }
}

/// Where a table's rows came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    Csv,
    /// The sheet of an `.xlsx` that was read (the first one).
    Sheet(String),
}

/// A table read from a file.
#[derive(Debug, Clone)]
pub struct Table {
    pub path: PathBuf,
    pub source: Source,
    pub rows: Vec<TableRow>,
    /// Set when some bytes could not be decoded (the file is probably in another encoding).
    pub decode_warning: Option<String>,
}

/// Why a table file could not be read at all. The messages are Japanese, for
/// [`Problems`]; [`TableError::hint`] says what to do and [`TableError::line`]
/// where, when known.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TableError {
    #[error("ファイルを読めません（{0}）")]
    Io(String),
    #[error("ファイルが {} あり、読める上限（{}）を超えています", mib(*.size), mib(*.max))]
    FileTooLarge { size: u64, max: u64 },
    #[error("{line}行目までで {} セルを超え、読める上限を超えています", crate::format::thousands(*.max))]
    TooManyCells { line: usize, max: u64 },
    #[error("{line}行目付近を CSV として読めません: {reason}")]
    Csv { line: usize, reason: String },
    #[error("Excel ファイル（.xlsx）を開けません: {0}")]
    Xlsx(String),
    #[error("Excel ファイルにシートがありません")]
    NoSheet,
    #[error("Excel ファイルの中身が展開すると {what}、読める上限（{}）を超えています", mib(*.max))]
    Unpacked { what: String, max: u64 },
    #[error("Excel ファイルの部品が {count} 個あり、上限（{max} 個）を超えています")]
    TooManyEntries { count: usize, max: usize },
    #[error("シート「{sheet}」の範囲「{range}」は {} セルあり、読める上限（{} セル）を超えています", crate::format::thousands(*.cells), crate::format::thousands(*.max))]
    SheetTooLarge {
        sheet: String,
        range: String,
        cells: u64,
        max: u64,
    },
    #[error("シート「{sheet}」のセル番地「{cell}」は Excel の範囲（A1〜XFD1048576）にありません")]
    BadCell { sheet: String, cell: String },
    #[error("シート「{sheet}」のセル {cell} まで使うと {} セルを超え、読める上限を超えています", crate::format::thousands(*.max))]
    CellsTooFar {
        sheet: String,
        cell: String,
        max: u64,
    },
}

fn mib(bytes: u64) -> String {
    format!("{:.1} MB", bytes as f64 / (1024.0 * 1024.0))
}

impl TableError {
    /// The 1-based line (CSV) or sheet row the error is at, 0 when it is the whole file.
    pub fn line(&self) -> usize {
        match self {
            TableError::TooManyCells { line, .. } | TableError::Csv { line, .. } => *line,
            _ => 0,
        }
    }

    /// What the editor should do.
    pub fn hint(&self) -> &'static str {
        match self {
            TableError::Io(_) => "ファイルの場所と、読み取りの権限を確認してください",
            TableError::FileTooLarge { .. }
            | TableError::TooManyCells { .. }
            | TableError::Unpacked { .. }
            | TableError::TooManyEntries { .. } => {
                "必要な行と列だけを残して保存し直してください（ファイルを分けることもできます）"
            }
            TableError::SheetTooLarge { .. } | TableError::CellsTooFar { .. } => {
                "離れた場所にある不要なセルや、使っていない行・列を削除して保存し直してください"
            }
            TableError::BadCell { .. } | TableError::Xlsx(_) | TableError::NoSheet => {
                "Excel で開き直して「.xlsx」か「CSV UTF-8」で保存し直してください"
            }
            TableError::Csv { .. } => {
                "引用符（\"）の閉じ忘れがないか確認し、Excel で「CSV UTF-8」か「.xlsx」で保存し直してください"
            }
        }
    }

    /// Report this error for the file at `path`.
    pub fn report(&self, path: &Path, problems: &mut Problems) {
        problems.error(path, self.line(), 0, self.to_string(), self.hint());
    }
}

/// An I/O error in Japanese, with the system's own words once.
fn io_reason(e: &std::io::Error) -> String {
    use std::io::ErrorKind as K;
    let what = match e.kind() {
        K::NotFound => "見つかりません",
        K::PermissionDenied => "読み取りの権限がありません",
        K::IsADirectory => "ファイルではなくフォルダです",
        K::InvalidData => "データが壊れています",
        _ => "読み取りに失敗しました",
    };
    format!("{what}: {e}")
}

/// Read a `.csv`/`.tsv`/`.txt` (any encoding [`decode_text`] handles; comma
/// or tab separated) or an `.xlsx`/`.xlsm` (first sheet), within [`LIMITS`].
pub fn read(path: &Path) -> Result<Table, TableError> {
    read_with(path, &LIMITS)
}

/// [`read`] with other limits (tests use small ones).
pub fn read_with(path: &Path, limits: &Limits) -> Result<Table, TableError> {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    let bytes = read_bytes(path, limits.max_bytes)?;
    let (source, rows, decode_warning) = if ext == "xlsx" || ext == "xlsm" {
        let sheet = xlsx::read(bytes, limits)?;
        (Source::Sheet(sheet.name), sheet.rows, None)
    } else {
        let (rows, warning) = csv::read(&bytes, limits)?;
        (Source::Csv, rows, warning)
    };
    Ok(Table {
        path: path.to_path_buf(),
        source,
        rows,
        decode_warning,
    })
}

/// The file's bytes, refusing more than `max` (checked before reading, and
/// while reading for files whose size is not known in advance).
fn read_bytes(path: &Path, max: u64) -> Result<Vec<u8>, TableError> {
    let file = std::fs::File::open(path).map_err(|e| TableError::Io(io_reason(&e)))?;
    let meta = file.metadata().map_err(|e| TableError::Io(io_reason(&e)))?;
    if meta.is_dir() {
        return Err(TableError::Io("ファイルではなくフォルダです".to_string()));
    }
    if meta.len() > max {
        return Err(TableError::FileTooLarge {
            size: meta.len(),
            max,
        });
    }
    let mut bytes = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0));
    file.take(max + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| TableError::Io(io_reason(&e)))?;
    if bytes.len() as u64 > max {
        return Err(TableError::FileTooLarge {
            size: bytes.len() as u64,
            max,
        });
    }
    Ok(bytes)
}

/// `A`, `Z`, `AA`, … for a 1-based column number.
pub fn column_letters(mut column: u64) -> String {
    let mut letters = Vec::new();
    while column > 0 {
        column -= 1;
        letters.push(b'A' + (column % 26) as u8);
        column /= 26;
    }
    letters.reverse();
    String::from_utf8(letters).expect("ASCII letters")
}

impl Table {
    /// Open a table for a loader, reporting why when it cannot be read and a
    /// warning when its bytes were not cleanly decodable.
    pub fn open(path: &Path, problems: &mut Problems) -> Option<Table> {
        let table = match read(path) {
            Ok(table) => table,
            Err(e) => {
                e.report(path, problems);
                return None;
            }
        };
        if let Some(message) = &table.decode_warning {
            problems.warning(
                path,
                0,
                0,
                message.clone(),
                "UTF-8 か Shift_JIS（CP932）で保存し直してください",
            );
        }
        Some(table)
    }

    /// Whether the file has no non-blank row.
    pub fn is_blank(&self) -> bool {
        self.rows.iter().all(TableRow::is_blank)
    }

    /// Where `line` and 1-based `column` are, for a message: nothing for CSV
    /// (the `file:line:column` prefix says it), `（Sheet1!D5）` for a sheet.
    fn place(&self, line: usize, column: usize) -> String {
        match &self.source {
            Source::Csv => String::new(),
            Source::Sheet(sheet) if line > 0 && column > 0 => {
                format!("（{sheet}!{}{line}）", column_letters(column as u64))
            }
            Source::Sheet(sheet) if line > 0 => format!("（シート「{sheet}」の{line}行目）"),
            Source::Sheet(sheet) => format!("（シート「{sheet}」）"),
        }
    }

    /// Report an error at a row's `line` and 1-based `column` (0 = the whole row).
    pub fn error(
        &self,
        problems: &mut Problems,
        line: usize,
        column: usize,
        message: impl Into<String>,
        hint: impl Into<String>,
    ) {
        let message = message.into() + &self.place(line, column);
        problems.error(&self.path, line, column, message, hint);
    }

    /// Report a warning at a row's `line` and 1-based `column` (0 = the whole row).
    pub fn warning(
        &self,
        problems: &mut Problems,
        line: usize,
        column: usize,
        message: impl Into<String>,
        hint: impl Into<String>,
    ) {
        let message = message.into() + &self.place(line, column);
        problems.warning(&self.path, line, column, message, hint);
    }
}

/// A date as people type it: `2024-04-01`, `2024/4/1`, `2024.4.1`,
/// `2024年4月1日`, `令和6年4月1日` / `R6.4.1`, `平成31年4月1日` / `H31.4.1`,
/// `令和元年`, full-width digits, and Excel's `2024-04-01T00:00:00`. Eras come
/// from [`crate::dates`].
pub fn parse_date(raw: &str) -> Option<Date> {
    let s: String = normalize_width(raw)
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    // Excel may write a time after the date.
    let s = s.split(['T', ' ']).next().unwrap_or("");
    let (era, rest) = crate::dates::split_era(s);
    let rest = rest.replacen('元', "1", 1);
    let parts: Vec<&str> = rest
        .split(['-', '/', '.', '年', '月', '日'])
        .filter(|p| !p.is_empty())
        .collect();
    if parts.len() != 3 || !parts.iter().all(|p| p.bytes().all(|b| b.is_ascii_digit())) {
        return None;
    }
    let year = match era {
        Some(era) if parts[0].len() <= 2 => era.western_year(parts[0].parse().ok()?)?,
        Some(_) => return None,
        None if parts[0].len() == 4 => parts[0].parse().ok()?,
        None => return None,
    };
    if parts[1].len() > 2 || parts[2].len() > 2 {
        return None;
    }
    Date::new(year, parts[1].parse().ok()?, parts[2].parse().ok()?).ok()
}

#[cfg(test)]
mod unit_tests {
    use super::*;

    fn date(y: i16, m: i8, d: i8) -> Date {
        Date::new(y, m, d).unwrap()
    }

    #[test]
    fn dates_as_people_type_them() {
        assert_eq!(parse_date("2024-04-01"), Some(date(2024, 4, 1)));
        assert_eq!(parse_date("2024/4/1"), Some(date(2024, 4, 1)));
        assert_eq!(parse_date("２０２４年４月１日"), Some(date(2024, 4, 1)));
        assert_eq!(parse_date("令和元年5月1日"), Some(date(2019, 5, 1)));
        assert_eq!(parse_date("R6.4.1"), Some(date(2024, 4, 1)));
        assert_eq!(parse_date("H31.4.30"), Some(date(2019, 4, 30)));
        assert_eq!(parse_date("平成31年4月30日"), Some(date(2019, 4, 30)));
        assert_eq!(parse_date("昭和64年1月7日"), Some(date(1989, 1, 7)));
        assert_eq!(parse_date("2024-04-01T00:00:00"), Some(date(2024, 4, 1)));
        assert_eq!(parse_date("2024-02-30"), None);
        assert_eq!(parse_date("24-04-01"), None);
        assert_eq!(parse_date("R2024.4.1"), None);
        assert_eq!(parse_date("2024-004-01"), None);
        assert_eq!(parse_date("soon"), None);
        assert_eq!(parse_date("令和99999999999年1月1日"), None);
    }

    #[test]
    fn column_letters_as_excel_writes_them() {
        assert_eq!(column_letters(1), "A");
        assert_eq!(column_letters(26), "Z");
        assert_eq!(column_letters(27), "AA");
        assert_eq!(column_letters(16_384), "XFD");
    }

    #[test]
    fn files_above_the_limit_are_refused_before_reading() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("big.csv");
        std::fs::write(&path, "a,b\n".repeat(1000)).unwrap();
        let limits = Limits {
            max_bytes: 100,
            ..LIMITS
        };
        let e = read_with(&path, &limits).unwrap_err();
        assert!(
            matches!(e, TableError::FileTooLarge { size: 4000, .. }),
            "{e}"
        );
        let e = read(dir.path()).unwrap_err();
        assert_eq!(e, TableError::Io("ファイルではなくフォルダです".into()));
        let e = read(&dir.path().join("absent.csv")).unwrap_err();
        let message = e.to_string();
        assert!(
            message.starts_with("ファイルを読めません（見つかりません: "),
            "{message}"
        );
        assert_eq!(message.matches("os error").count(), 1, "{message}");
    }

    #[test]
    fn sheet_rows_name_their_cell_in_messages() {
        let table = Table {
            path: PathBuf::from("a.xlsx"),
            source: Source::Sheet("利用状況".into()),
            rows: Vec::new(),
            decode_warning: None,
        };
        let mut problems = Problems::new();
        table.error(&mut problems, 5, 4, "x", "");
        table.warning(&mut problems, 6, 0, "y", "");
        let found = problems.sorted();
        assert_eq!(found[0].message, "x（利用状況!D5）");
        assert_eq!((found[0].line, found[0].column), (5, 4));
        assert_eq!(found[1].message, "y（シート「利用状況」の6行目）");
    }
}
