//! Hostile and broken spreadsheets, made with the builders of [`super::fixtures`].

pub(crate) use super::fixtures::*;
use super::*;

fn read_bytes_as_xlsx(bytes: &[u8]) -> Result<Table, TableError> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.xlsx");
    std::fs::write(&path, bytes).unwrap();
    read(&path)
}

#[test]
fn a_plain_workbook_reads_with_its_sheet_name() {
    let bytes = xlsx_with_cells(
        &[
            ("A1", "code"),
            ("B1", "offices"),
            ("A3", "221007"),
            ("C3", "x"),
        ],
        Some("A1:C3"),
    );
    let table = read_bytes_as_xlsx(&bytes).unwrap();
    assert_eq!(table.source, Source::Sheet("Sheet1".into()));
    let rows: Vec<(usize, Vec<&str>)> = table
        .rows
        .iter()
        .map(|r| (r.line, r.cells.iter().map(String::as_str).collect()))
        .collect();
    assert_eq!(
        rows,
        [(1, vec!["code", "offices"]), (3, vec!["221007", "", "x"])]
    );
}

/// 2 KB with cells at A1 and XFD1048576 asked calamine for a grid of 17
/// billion cells; read cell by cell, it is two rows.
#[test]
fn cells_at_opposite_corners_cost_two_rows() {
    let bytes = xlsx_with_cells(&[("A1", "code"), ("XFD1048576", "x")], None);
    assert!(bytes.len() < 2_048, "{} bytes", bytes.len());
    let started = std::time::Instant::now();
    let table = read_bytes_as_xlsx(&bytes).unwrap();
    assert!(started.elapsed().as_secs() < 5);
    let shape: Vec<(usize, usize)> = table.rows.iter().map(|r| (r.line, r.cells.len())).collect();
    assert_eq!(shape, [(1, 1), (1_048_576, 16_384)]);
    assert_eq!(table.rows[1].cells[16_383], "x");
}

/// Rows are as wide as their last cell, so far cells on many rows add up:
/// past the cell limit, the error names the sheet and the cell.
#[test]
fn far_cells_on_many_rows_are_refused_naming_the_cell() {
    let cells: Vec<String> = (1..=10).map(|r| format!("XFD{r}")).collect();
    let cells: Vec<(&str, &str)> = cells.iter().map(|c| (c.as_str(), "x")).collect();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.xlsx");
    std::fs::write(&path, xlsx_with_cells(&cells, None)).unwrap();
    let limits = Limits {
        max_cells: 100_000,
        ..LIMITS
    };
    let e = read_with(&path, &limits).unwrap_err();
    assert_eq!(
        e,
        TableError::CellsTooFar {
            sheet: "Sheet1".into(),
            cell: "XFD7".into(),
            max: 100_000,
        }
    );
    assert!(e.to_string().contains("シート「Sheet1」のセル XFD7"), "{e}");
    assert!(read(&path).is_ok());
}

#[test]
fn a_declared_range_above_the_limit_is_refused_before_reading() {
    let bytes = xlsx_with_cells(&[("A1", "code")], Some("A1:XFD1048576"));
    let e = read_bytes_as_xlsx(&bytes).unwrap_err();
    assert_eq!(
        e,
        TableError::SheetTooLarge {
            sheet: "Sheet1".into(),
            range: "A1:XFD1048576".into(),
            cells: 16_384 * 1_048_576,
            max: LIMITS.max_cells,
        }
    );
    assert!(e.to_string().contains("17,179,869,184 セル"), "{e}");
}

#[test]
fn impossible_cell_references_are_refused() {
    for (cell, dimension) in [
        ("A1", Some("B2:A1")),
        ("A1", Some("A1:A0")),
        ("A4294967297", None),
        ("XFE1", None),
        ("AAAAAAAAAAAAAAAAAAAA1", None),
    ] {
        let bytes = xlsx_with_cells(&[(cell, "x")], dimension);
        let e = read_bytes_as_xlsx(&bytes).unwrap_err();
        assert!(
            matches!(e, TableError::BadCell { .. }),
            "{cell} {dimension:?}: {e}"
        );
    }
    // A row number past Excel's last row, on the row element.
    let sheet =
        sheet_xml(&[("A1", "x")], None).replace(r#"<row r="1">"#, r#"<row r="99999999999">"#);
    let e = read_bytes_as_xlsx(&zip_parts(&workbook_parts(&sheet, None))).unwrap_err();
    assert!(matches!(e, TableError::BadCell { .. }), "{e}");
}

#[test]
fn a_shared_string_table_announcing_billions_is_refused() {
    let sst = r#"<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="4000000000" uniqueCount="4000000000"><si><t>a</t></si></sst>"#;
    let sheet = r#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c></row></sheetData></worksheet>"#;
    let bytes = zip_parts(&workbook_parts(sheet, Some(sst)));
    let e = read_bytes_as_xlsx(&bytes).unwrap_err();
    assert!(e.to_string().contains("4,000,000,000"), "{e}");
    // A sensible table reads.
    let sst = sst.replace("4000000000", "1");
    let table = read_bytes_as_xlsx(&zip_parts(&workbook_parts(sheet, Some(&sst)))).unwrap();
    assert_eq!(table.rows[0].cells, ["a"]);
}

/// A 2 MB file that unpacks to 2 GB costs neither 2 GB nor long.
#[test]
fn a_deflate_bomb_is_refused_by_its_declared_size() {
    let bomb = deflate_bomb(2 * 1024 * 1024 * 1024);
    assert!(bomb.len() < 2_500_000, "{} bytes", bomb.len());
    let started = std::time::Instant::now();
    let e = read_bytes_as_xlsx(&bomb).unwrap_err();
    assert!(started.elapsed().as_secs() < 5, "{:?}", started.elapsed());
    assert!(matches!(e, TableError::Unpacked { .. }), "{e}");
    assert!(e.to_string().contains("2048.0 MB"), "{e}");
    // The memory it costs is measured on the whole program in tests/data.rs.
}

/// The same bomb with its sizes rewritten to claim 1 KB: the actual size is
/// counted while unpacking, and unpacking stops at the claim.
#[test]
fn a_deflate_bomb_that_lies_about_its_size_is_stopped_while_unpacking() {
    let mut bomb = deflate_bomb(256 * 1024 * 1024);
    let name = b"xl/worksheets/sheet1.xml";
    let mut patched = 0;
    for i in 0..bomb.len().saturating_sub(46) {
        let (signature, size_at, name_at) = match &bomb[i..i + 4] {
            [0x50, 0x4b, 0x03, 0x04] => ("local", i + 22, i + 30),
            [0x50, 0x4b, 0x01, 0x02] => ("central", i + 24, i + 46),
            _ => continue,
        };
        let _ = signature;
        if bomb.get(name_at..name_at + name.len()) == Some(name) {
            bomb[size_at..size_at + 4].copy_from_slice(&1024u32.to_le_bytes());
            patched += 1;
        }
    }
    assert_eq!(patched, 2);
    let started = std::time::Instant::now();
    let e = read_bytes_as_xlsx(&bomb).unwrap_err();
    assert!(started.elapsed().as_secs() < 5, "{:?}", started.elapsed());
    assert!(
        matches!(e, TableError::Unpacked { .. } | TableError::Xlsx(_)),
        "{e}"
    );
}

#[test]
fn too_many_zip_entries_are_refused() {
    let limits = Limits {
        max_zip_entries: 5,
        ..LIMITS
    };
    let mut parts = workbook_parts(&sheet_xml(&[("A1", "x")], None), None);
    parts.push(("docProps/app.xml".into(), b"<a/>".to_vec()));
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.xlsx");
    std::fs::write(&path, zip_parts(&parts)).unwrap();
    let e = read_with(&path, &limits).unwrap_err();
    assert_eq!(e, TableError::TooManyEntries { count: 6, max: 5 });
}

#[test]
fn not_a_zip_is_an_error_not_a_crash() {
    for bytes in [&b""[..], b"PK\x03\x04", b"code,offices\n1,2\n", &[0u8; 100]] {
        let e = read_bytes_as_xlsx(bytes).unwrap_err();
        assert!(matches!(e, TableError::Xlsx(_)), "{e}");
        assert!(e.to_string().contains("パスワード付き"), "{e}");
        assert!(!e.hint().is_empty());
    }
}
