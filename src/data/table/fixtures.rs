//! Spreadsheets for tests, made with the `zip` crate: plain, hostile and
//! broken ones. Used by the library's tests and, through `#[path]`, by the
//! integration tests (so this file uses nothing but `std` and `zip`).

#![allow(dead_code)]

use std::io::{Cursor, Write};

use zip::write::SimpleFileOptions;

const CONTENT_TYPES: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>"#;
const RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#;
const WORKBOOK: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>"#;
const WORKBOOK_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>"#;

/// A worksheet part with these inline-string cells (in the order given) and
/// an optional `<dimension ref>`.
pub fn sheet_xml(cells: &[(&str, &str)], dimension: Option<&str>) -> String {
    let mut rows: Vec<(String, String)> = Vec::new();
    for (cell, text) in cells {
        let row: String = cell.chars().filter(char::is_ascii_digit).collect();
        let c = format!(
            r#"<c r="{cell}" t="inlineStr"><is><t>{}</t></is></c>"#,
            text.replace('&', "&amp;").replace('<', "&lt;")
        );
        match rows.iter_mut().find(|(r, _)| *r == row) {
            Some((_, cs)) => cs.push_str(&c),
            None => rows.push((row, c)),
        }
    }
    let dimension = dimension.map_or(String::new(), |d| format!(r#"<dimension ref="{d}"/>"#));
    let rows: String = rows
        .iter()
        .map(|(r, cs)| format!(r#"<row r="{r}">{cs}</row>"#))
        .collect();
    format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">{dimension}<sheetData>{rows}</sheetData></worksheet>"#
    )
}

/// The parts of a one-sheet workbook (without shared strings unless given).
pub fn workbook_parts(sheet: &str, shared_strings: Option<&str>) -> Vec<(String, Vec<u8>)> {
    let mut parts = vec![
        (
            "[Content_Types].xml".to_string(),
            CONTENT_TYPES.as_bytes().to_vec(),
        ),
        ("_rels/.rels".to_string(), RELS.as_bytes().to_vec()),
        ("xl/workbook.xml".to_string(), WORKBOOK.as_bytes().to_vec()),
        (
            "xl/_rels/workbook.xml.rels".to_string(),
            WORKBOOK_RELS.as_bytes().to_vec(),
        ),
        (
            "xl/worksheets/sheet1.xml".to_string(),
            sheet.as_bytes().to_vec(),
        ),
    ];
    if let Some(sst) = shared_strings {
        parts.push(("xl/sharedStrings.xml".to_string(), sst.as_bytes().to_vec()));
    }
    parts
}

/// A zip of these parts, deflated.
pub fn zip_parts(parts: &[(String, Vec<u8>)]) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .compression_level(Some(6));
    for (name, bytes) in parts {
        zip.start_file(name.as_str(), options).unwrap();
        zip.write_all(bytes).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

/// A whole `.xlsx` with these inline-string cells.
pub fn xlsx_with_cells(cells: &[(&str, &str)], dimension: Option<&str>) -> Vec<u8> {
    zip_parts(&workbook_parts(&sheet_xml(cells, dimension), None))
}

/// A zip whose sheet unpacks to `size` bytes of XML padding, streamed so that
/// the test itself never holds it.
pub fn deflate_bomb(size: u64) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .compression_level(Some(9));
    for (name, bytes) in workbook_parts("", None) {
        if name.ends_with("sheet1.xml") {
            continue;
        }
        zip.start_file(name.as_str(), options).unwrap();
        zip.write_all(&bytes).unwrap();
    }
    zip.start_file(
        "xl/worksheets/sheet1.xml",
        options.large_file(size >= u32::MAX as u64),
    )
    .unwrap();
    zip.write_all(b"<?xml version=\"1.0\"?><worksheet><sheetData>")
        .unwrap();
    let chunk = vec![b' '; 1 << 20];
    let mut left = size;
    while left > 0 {
        let n = left.min(chunk.len() as u64) as usize;
        zip.write_all(&chunk[..n]).unwrap();
        left -= n as u64;
    }
    zip.write_all(b"</sheetData></worksheet>").unwrap();
    zip.finish().unwrap().into_inner()
}
