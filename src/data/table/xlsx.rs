//! `.xlsx` files: checked before calamine reads them, then read cell by cell.
//!
//! A spreadsheet is a zip of XML files, and both layers can ask for far more
//! work than the file's size suggests: a 2 MB deflate bomb unpacks to 2 GB, a
//! 2 KB sheet with one cell at A1 and one at XFD1048576 asks for a grid of
//! 17 billion cells, a shared-string table can announce billions of entries.
//! So before calamine sees the file, [`scan`] goes through the zip once,
//! streaming: the number of entries, each entry's declared and actual
//! unpacked size against the budget in [`Limits`], the shared-string count,
//! and every cell reference (`dimension`, `row`, `c` inside `sheetData`) for
//! being a real Excel position (A1 to XFD1048576, ranges in order). Then
//! [`read_first_sheet`] streams the first sheet's cells (calamine's cell
//! reader, not its dense `Range`), checking the declared range and the rows it
//! builds against the cell limit and naming the sheet and cell that break it.

use std::collections::BTreeMap;
use std::io::{BufReader, Cursor, Read};

use calamine::{DataRef, Reader, Xlsx};
use quick_xml::events::Event;

use super::{Limits, TableError, TableRow, column_letters};
use crate::format::thousands;

/// Excel's largest sheet: 1,048,576 rows, 16,384 columns (XFD).
const MAX_ROW: u64 = 1_048_576;
const MAX_COLUMN: u64 = 16_384;

/// The first sheet of a workbook.
pub(super) struct Sheet {
    pub name: String,
    pub rows: Vec<TableRow>,
}

pub(super) fn read(bytes: Vec<u8>, limits: &Limits) -> Result<Sheet, TableError> {
    scan(&bytes, limits)?;
    // The scan removes every input known to upset the reader; should another
    // one exist, it is this file's error, not the end of the run.
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        read_first_sheet(bytes, limits)
    }))
    .unwrap_or_else(|_| {
        Err(TableError::Xlsx(
            "ファイルの中身が壊れています（読み取り中に処理を中断しました）".into(),
        ))
    })
}

fn zip_error(e: zip::result::ZipError) -> TableError {
    TableError::Xlsx(e.to_string())
}

/// A reader that yields at most `left` bytes and fails when there are more.
struct Bounded<R> {
    inner: R,
    left: u64,
    read: u64,
    over: bool,
}

impl<R: Read> Read for Bounded<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.left == 0 {
            let mut probe = [0u8; 1];
            return match self.inner.read(&mut probe)? {
                0 => Ok(0),
                _ => {
                    self.over = true;
                    Err(std::io::Error::other("unpacked size over the limit"))
                }
            };
        }
        let want = buf
            .len()
            .min(usize::try_from(self.left).unwrap_or(usize::MAX));
        let n = self.inner.read(&mut buf[..want])?;
        self.left -= n as u64;
        self.read += n as u64;
        Ok(n)
    }
}

/// Check the archive's entries, sizes, shared strings and cell references.
fn scan(bytes: &[u8], limits: &Limits) -> Result<(), TableError> {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| {
        TableError::Xlsx(format!(
            "中身が .xlsx の形（zip）になっていません。パスワード付きのファイルや、古い形式（.xls）の名前だけを変えたファイルは読めません（{e}）"
        ))
    })?;
    if archive.len() > limits.max_zip_entries {
        return Err(TableError::TooManyEntries {
            count: archive.len(),
            max: limits.max_zip_entries,
        });
    }
    let mut declared = 0u64;
    for i in 0..archive.len() {
        let entry = archive.by_index_raw(i).map_err(zip_error)?;
        declared = declared.saturating_add(entry.size());
    }
    if declared > limits.max_bytes {
        return Err(TableError::Unpacked {
            what: format!("{} になると書かれており", mib_text(declared)),
            max: limits.max_bytes,
        });
    }
    let mut budget = limits.max_bytes;
    for i in 0..archive.len() {
        let entry = archive.by_index(i).map_err(zip_error)?;
        let name = entry.name().map_err(zip_error)?.to_ascii_lowercase();
        let size = entry.size();
        let mut reader = Bounded {
            inner: entry,
            left: size.min(budget),
            read: 0,
            over: false,
        };
        let result = if name.ends_with("sharedstrings.xml") {
            check_shared_strings(&mut reader, limits)
        } else if name.ends_with(".xml") {
            check_cell_references(&mut reader, &name)
        } else {
            Ok(())
        };
        // Whatever the checks did not read still counts.
        let drained = std::io::copy(&mut reader, &mut std::io::sink());
        if reader.over {
            return Err(TableError::Unpacked {
                what: format!("書かれた大きさ（{}）より大きくなり", mib_text(size)),
                max: limits.max_bytes,
            });
        }
        result?;
        drained.map_err(|e| TableError::Xlsx(e.to_string()))?;
        budget = budget.saturating_sub(reader.read);
    }
    Ok(())
}

fn mib_text(bytes: u64) -> String {
    super::mib(bytes)
}

/// An XML reader set up as calamine sets up its own, so that both read the
/// same elements.
fn xml_reader<R: Read>(reader: R) -> quick_xml::Reader<BufReader<R>> {
    let mut xml = quick_xml::Reader::from_reader(BufReader::new(reader));
    let config = xml.config_mut();
    config.check_end_names = false;
    config.check_comments = false;
    config.trim_text(false);
    xml
}

fn broken_xml(e: quick_xml::Error) -> TableError {
    TableError::Xlsx(format!("ファイルの中の XML が壊れています: {e}"))
}

/// The shared-string table may not announce more strings than the cell limit
/// (calamine reserves room for all of them at once).
fn check_shared_strings(reader: impl Read, limits: &Limits) -> Result<(), TableError> {
    let mut xml = xml_reader(reader);
    let mut buf = Vec::new();
    loop {
        buf.clear();
        match xml.read_event_into(&mut buf) {
            Ok(Event::Start(e) | Event::Empty(e)) if e.local_name().as_ref() == "sst" => {
                for key in ["uniqueCount", "count"] {
                    let Ok(Some(attr)) = e.try_get_attribute(key) else {
                        continue;
                    };
                    let count = attr.value.trim().parse::<u64>().ok();
                    match count {
                        Some(n) if n <= limits.max_cells => {}
                        // A count calamine cannot parse is ignored by it too.
                        None => {}
                        Some(n) => {
                            return Err(TableError::Xlsx(format!(
                                "共有文字列が {} 個あると書かれており、上限（{} 個）を超えています",
                                thousands(n),
                                thousands(limits.max_cells)
                            )));
                        }
                    }
                }
                return Ok(());
            }
            Ok(Event::Eof) => return Ok(()),
            Err(e) => return Err(broken_xml(e)),
            Ok(_) => {}
        }
    }
}

/// Every `dimension ref`, `row r` and `c r` of a worksheet must be a real
/// Excel position, and a range must run forwards.
fn check_cell_references(reader: impl Read, entry: &str) -> Result<(), TableError> {
    let mut xml = xml_reader(reader);
    let mut buf = Vec::new();
    let mut in_sheet_data = false;
    let bad = |cell: &str| TableError::BadCell {
        sheet: entry.to_string(),
        cell: cell.chars().take(40).collect(),
    };
    loop {
        buf.clear();
        let e = match xml.read_event_into(&mut buf) {
            Ok(Event::Start(e) | Event::Empty(e)) => e,
            Ok(Event::End(e)) if e.local_name().as_ref() == "sheetData" => {
                in_sheet_data = false;
                continue;
            }
            Ok(Event::Eof) => return Ok(()),
            Err(e) => return Err(broken_xml(e)),
            Ok(_) => continue,
        };
        let (key, check): (&str, fn(&[u8]) -> bool) = match e.local_name().as_ref() {
            "sheetData" => {
                in_sheet_data = true;
                continue;
            }
            "dimension" if !in_sheet_data => ("ref", valid_range),
            "row" if in_sheet_data => ("r", |v| parse_row(v).is_some()),
            "c" if in_sheet_data => ("r", |v| parse_cell(v).is_some()),
            _ => continue,
        };
        if let Ok(Some(attr)) = e.try_get_attribute(key)
            && !check(attr.value.as_bytes())
        {
            return Err(bad(&attr.value));
        }
    }
}

/// `12` → 12, within 1..=1,048,576.
fn parse_row(v: &[u8]) -> Option<u64> {
    if v.is_empty() || v.len() > 7 || !v.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let row = v.iter().fold(0u64, |n, d| n * 10 + u64::from(d - b'0'));
    (1..=MAX_ROW).contains(&row).then_some(row)
}

/// `D5` → (5, 4): 1-based row and column, within A1..=XFD1048576.
fn parse_cell(v: &[u8]) -> Option<(u64, u64)> {
    let letters = v.iter().take_while(|b| b.is_ascii_alphabetic()).count();
    if letters == 0 || letters > 3 {
        return None;
    }
    let column = v[..letters].iter().fold(0u64, |n, b| {
        n * 26 + u64::from(b.to_ascii_uppercase() - b'A') + 1
    });
    let row = parse_row(&v[letters..])?;
    (column <= MAX_COLUMN).then_some((row, column))
}

/// `A1:D5` or `A1`, in order.
fn valid_range(v: &[u8]) -> bool {
    let mut parts = v.split(|b| *b == b':');
    let Some(start) = parts.next().and_then(parse_cell) else {
        return false;
    };
    match (parts.next().map(parse_cell), parts.next()) {
        (None, None) => true,
        (Some(Some(end)), None) => start.0 <= end.0 && start.1 <= end.1,
        _ => false,
    }
}

/// Text of a cell as a person would read it.
fn cell_text(value: &DataRef<'_>) -> String {
    match value {
        DataRef::Int(n) => n.to_string(),
        DataRef::Float(f) => format_float(*f),
        DataRef::String(s) | DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => s.clone(),
        DataRef::SharedString(s) => (*s).to_string(),
        DataRef::Bool(b) => if *b { "TRUE" } else { "FALSE" }.to_string(),
        DataRef::DateTime(dt) => {
            let (y, m, d, ..) = dt.to_ymd_hms_milli();
            format!("{y:04}-{m:02}-{d:02}")
        }
        DataRef::Error(e) => format!("#{e}"),
        DataRef::Empty => String::new(),
    }
}

/// A float from a spreadsheet as a person would read it (`7416`, `0.04`).
pub(super) fn format_float(f: f64) -> String {
    if f.fract() == 0.0 && f.abs() < 1e15 {
        format!("{f:.0}")
    } else {
        // Shortest representation that round-trips, after removing binary noise.
        let rounded = format!("{f:.12}");
        let trimmed = rounded.trim_end_matches('0').trim_end_matches('.');
        trimmed.to_string()
    }
}

/// Stream the first sheet's cells into rows (blank rows left out).
fn read_first_sheet(bytes: Vec<u8>, limits: &Limits) -> Result<Sheet, TableError> {
    let mut workbook =
        Xlsx::new(Cursor::new(bytes)).map_err(|e| TableError::Xlsx(e.to_string()))?;
    let name = workbook
        .sheet_names()
        .first()
        .cloned()
        .ok_or(TableError::NoSheet)?;
    let mut cells = workbook
        .worksheet_cells_reader(&name)
        .map_err(|e| TableError::Xlsx(format!("最初のシート「{name}」を読めません: {e}")))?;
    let dimensions = cells.dimensions();
    if dimensions.len() > limits.max_cells {
        let (start, end) = (dimensions.start, dimensions.end);
        return Err(TableError::SheetTooLarge {
            sheet: name,
            range: format!(
                "{}{}:{}{}",
                column_letters(u64::from(start.1) + 1),
                start.0 + 1,
                column_letters(u64::from(end.1) + 1),
                end.0 + 1
            ),
            cells: dimensions.len(),
            max: limits.max_cells,
        });
    }
    // Rows by 0-based index, each with its cells by 0-based column; `width`
    // is what the rows will hold once every row is as wide as its last cell.
    let mut rows: BTreeMap<u32, BTreeMap<u32, String>> = BTreeMap::new();
    let mut width = 0u64;
    while let Some(cell) = cells
        .next_cell()
        .map_err(|e| TableError::Xlsx(format!("シート「{name}」を読めません: {e}")))?
    {
        let text = cell_text(cell.get_value());
        if text.is_empty() {
            continue;
        }
        let (row, column) = cell.get_position();
        let row_cells = rows.entry(row).or_default();
        let before = row_cells
            .keys()
            .next_back()
            .map_or(0, |c| u64::from(*c) + 1);
        let after = before.max(u64::from(column) + 1);
        width += after - before;
        if width > limits.max_cells {
            return Err(TableError::CellsTooFar {
                sheet: name,
                cell: format!("{}{}", column_letters(u64::from(column) + 1), row + 1),
                max: limits.max_cells,
            });
        }
        row_cells.insert(column, text);
    }
    let rows = rows
        .into_iter()
        .map(|(row, by_column)| {
            let len = by_column.keys().next_back().map_or(0, |c| *c as usize + 1);
            let mut cells = vec![String::new(); len];
            for (column, text) in by_column {
                cells[column as usize] = text;
            }
            TableRow {
                line: row as usize + 1,
                cells,
            }
        })
        .collect();
    Ok(Sheet { name, rows })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cell_references() {
        assert_eq!(parse_cell(b"A1"), Some((1, 1)));
        assert_eq!(parse_cell(b"xfd1048576"), Some((1_048_576, 16_384)));
        assert_eq!(parse_cell(b"XFE1"), None);
        assert_eq!(parse_cell(b"A1048577"), None);
        assert_eq!(parse_cell(b"A0"), None);
        assert_eq!(parse_cell(b"A99999999999999999999"), None);
        assert_eq!(parse_cell(b"AAAA1"), None);
        assert_eq!(parse_cell(b"1"), None);
        assert_eq!(parse_cell(b"A1B"), None);
        assert!(valid_range(b"A1:XFD1048576"));
        assert!(valid_range(b"B2"));
        assert!(!valid_range(b"B2:A1"));
        assert!(!valid_range(b"A1:B2:C3"));
        assert!(!valid_range(b""));
    }

    #[test]
    fn floats_as_people_read_them() {
        assert_eq!(format_float(7416.0), "7416");
        assert_eq!(format_float(0.0833333333333), "0.083333333333");
    }
}
