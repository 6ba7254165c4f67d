//! CSV and tab-separated text files.

use super::{Limits, TableError, TableRow, decode::decode_text_checked};

/// The rows of a CSV (or, when the first line has tabs and no commas, TSV)
/// file, and a warning when some bytes could not be decoded.
pub(super) fn read(
    bytes: &[u8],
    limits: &Limits,
) -> Result<(Vec<TableRow>, Option<String>), TableError> {
    let (text, encoding, had_errors) = decode_text_checked(bytes);
    let decode_warning = had_errors.then(|| {
        format!(
            "文字コードを {} と判断しましたが、読めない文字がありました（文字化けの可能性があります）",
            encoding.name()
        )
    });
    let first_line = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
    let delimiter = if first_line.contains('\t') && !first_line.contains(',') {
        b'\t'
    } else {
        b','
    };
    let mut reader = ::csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(text.as_bytes());
    let mut rows = Vec::new();
    let mut cells = 0u64;
    let mut lines = LineCounter::default();
    let mut record = ::csv::StringRecord::new();
    loop {
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                let line = e
                    .position()
                    .map_or(0, |p| lines.line_at(text.as_bytes(), p.byte() as usize));
                return Err(TableError::Csv {
                    line,
                    reason: e.to_string(),
                });
            }
        }
        let line = record
            .position()
            .map_or(0, |p| lines.line_at(text.as_bytes(), p.byte() as usize));
        cells += record.len() as u64;
        if cells > limits.max_cells {
            return Err(TableError::TooManyCells {
                line,
                max: limits.max_cells,
            });
        }
        rows.push(TableRow {
            line,
            cells: record.iter().map(str::to_string).collect(),
        });
    }
    Ok((rows, decode_warning))
}

/// The 1-based line of a record starting at a byte offset. The csv crate's
/// own line numbers do not count line breaks inside quoted cells, and a record
/// after a CRLF can start at its LF, so lines are counted here, forwards only.
#[derive(Default)]
struct LineCounter {
    offset: usize,
    /// Line breaks before `offset`.
    breaks: usize,
}

impl LineCounter {
    fn line_at(&mut self, text: &[u8], offset: usize) -> usize {
        let mut start = offset.min(text.len());
        while start < text.len() && matches!(text[start], b'\r' | b'\n') {
            start += 1;
        }
        if start >= self.offset {
            self.breaks += text[self.offset..start]
                .iter()
                .filter(|b| **b == b'\n')
                .count();
            self.offset = start;
        }
        self.breaks + 1
    }
}

#[cfg(test)]
mod tests {
    use super::super::LIMITS;
    use super::*;

    #[test]
    fn rows_with_their_lines_and_tabs() {
        let (rows, warning) = read(b"a,b\r\n\"x\ny\",2\n\n3,4\n", &LIMITS).unwrap();
        assert_eq!(warning, None);
        let lines: Vec<usize> = rows.iter().map(|r| r.line).collect();
        assert_eq!(lines, [1, 2, 5]);
        assert_eq!(rows[1].cells, ["x\ny", "2"]);
        let (rows, _) = read(b"a\tb\n1\t2\n", &LIMITS).unwrap();
        assert_eq!(rows[1].cells, ["1", "2"]);
        // CRLF, as Excel writes it, counts one line per break.
        let (rows, _) = read(b"a,b\r\n1,2\r\n\r\n3,4\r\n", &LIMITS).unwrap();
        let lines: Vec<usize> = rows.iter().map(|r| r.line).collect();
        assert_eq!(lines, [1, 2, 4]);
    }

    #[test]
    fn too_many_cells_is_an_error_at_its_line() {
        let limits = Limits {
            max_cells: 10,
            ..LIMITS
        };
        let e = read("a,b,c\n".repeat(4).as_bytes(), &limits).unwrap_err();
        assert_eq!(e, TableError::TooManyCells { line: 4, max: 10 });
        let e = read(",".repeat(20).as_bytes(), &limits).unwrap_err();
        assert_eq!(e, TableError::TooManyCells { line: 1, max: 10 });
    }

    #[test]
    fn undecodable_bytes_warn() {
        let (_, warning) = read(b"a,b\n\xff\xfe\xfd,1\n", &LIMITS).unwrap();
        assert!(warning.is_some());
    }
}
