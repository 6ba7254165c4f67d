//! Columns by their headers: a loader states its columns once (a [`Schema`]
//! of roles with their header aliases) and gets the header row found, every
//! column mapped, duplicates and missing columns reported, and clean data rows.

use super::text::{control_char, normalize_width};
use super::{Table, TableRow};
use crate::problems::{Code, Problems};

/// One column a loader reads: the role it plays and the headers that name it.
#[derive(Debug)]
pub struct Column<R: 'static> {
    pub role: R,
    /// The Japanese name used in messages (事業所数).
    pub label: &'static str,
    /// Header texts that mean this column, as reduced by [`header_key`]
    /// (lower case, half width, no spaces, no `%` marker).
    pub aliases: &'static [&'static str],
}

/// Columns that must be there: one of `any_of`, described as `label`.
#[derive(Debug)]
pub struct Required<R: 'static> {
    pub any_of: &'static [R],
    pub label: &'static str,
}

/// Every column a kind of file may have, and what the header should look like.
#[derive(Debug)]
pub struct Schema<R: 'static> {
    pub columns: &'static [Column<R>],
    pub required: &'static [Required<R>],
    /// The hint for a header that is missing or incomplete.
    pub header_hint: &'static str,
}

/// A header cell reduced for matching: half-width, lowercase, no spaces, no
/// `(%)` marker. The bool says whether the header marked a percent column.
pub fn header_key(header: &str) -> (String, bool) {
    let mut key: String = normalize_width(header)
        .trim_matches('\u{FEFF}')
        .to_lowercase()
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    let percent = key.contains('%');
    for marker in ["(%)", "[%]", "%"] {
        key = key.replace(marker, "");
    }
    (key, percent)
}

/// How many non-blank rows at the top may come before the header (titles, notes).
const HEADER_SEARCH_ROWS: usize = 10;

/// How many header cells a message quotes.
const HEADER_CELLS_SHOWN: usize = 12;

impl<R: Copy + Eq> Schema<R> {
    /// The role a header cell names, if any.
    pub fn role_of(&self, header: &str) -> Option<R> {
        let (key, _) = header_key(header);
        self.columns
            .iter()
            .find(|c| c.aliases.contains(&key.as_str()))
            .map(|c| c.role)
    }

    /// The Japanese label of a role.
    pub fn label(&self, role: R) -> &'static str {
        self.columns
            .iter()
            .find(|c| c.role == role)
            .map_or("", |c| c.label)
    }

    /// Find and read the header: the first of the first ten non-blank rows
    /// that names at least two known columns. Reports a missing header,
    /// duplicate columns (the first one is used) and missing required columns
    /// (then `None`). A blank table is the caller's to judge: `None`, no report.
    pub fn header(&self, table: &Table, problems: &mut Problems) -> Option<Header<R>> {
        let index = table
            .rows
            .iter()
            .enumerate()
            .filter(|(_, r)| !r.is_blank())
            .take(HEADER_SEARCH_ROWS)
            .find(|(_, r)| r.cells.iter().filter(|c| self.role_of(c).is_some()).count() >= 2)
            .map(|(i, _)| i);
        let Some(index) = index else {
            let first = table.rows.iter().find(|r| !r.is_blank())?;
            table.error(
                problems,
                Code::TableNoHeader,
                first.line,
                None,
                format!(
                    "見出し行が見つかりません（最初の行: {}）",
                    shown_cells(first)
                ),
                self.header_hint,
            );
            return None;
        };
        let row = &table.rows[index];
        let mut header = Header {
            index,
            line: row.line,
            columns: Vec::new(),
        };
        for (i, cell) in row.cells.iter().enumerate() {
            let Some(role) = self.role_of(cell) else {
                continue;
            };
            if let Some(first) = header.column(role) {
                table.error(
                    problems,
                    Code::TableDuplicateColumn,
                    row.line,
                    Some(i + 1),
                    format!(
                        "「{}」の列が2つあります（{}列目と{}列目）",
                        self.label(role),
                        first + 1,
                        i + 1
                    ),
                    "どちらか一方の見出しを消すか直してください",
                );
                continue;
            }
            header.columns.push(HeaderColumn {
                index: i,
                role,
                percent: header_key(cell).1,
            });
        }
        let missing: Vec<&str> = self
            .required
            .iter()
            .filter(|r| !r.any_of.iter().any(|role| header.has(*role)))
            .map(|r| r.label)
            .collect();
        if !missing.is_empty() {
            table.error(
                problems,
                Code::TableMissingColumn,
                row.line,
                None,
                format!(
                    "見出し行に {} の列がありません（見出し: {}）",
                    missing.join("、"),
                    shown_cells(row)
                ),
                self.header_hint,
            );
            return None;
        }
        Some(header)
    }
}

/// `a, b, c` of a row's first cells, for a message.
fn shown_cells(row: &TableRow) -> String {
    let mut shown: Vec<&str> = row
        .cells
        .iter()
        .take(HEADER_CELLS_SHOWN)
        .map(|c| c.trim())
        .collect();
    if row.cells.len() > HEADER_CELLS_SHOWN {
        shown.push("…");
    }
    shown.join(", ")
}

#[derive(Debug, Clone, Copy)]
struct HeaderColumn<R> {
    /// 0-based column
    index: usize,
    role: R,
    percent: bool,
}

/// The header row of a table and the columns it maps.
#[derive(Debug, Clone)]
pub struct Header<R> {
    /// Index of the header row in [`Table::rows`].
    pub index: usize,
    pub line: usize,
    columns: Vec<HeaderColumn<R>>,
}

impl<R: Copy + Eq> Header<R> {
    /// The 0-based column of a role.
    pub fn column(&self, role: R) -> Option<usize> {
        self.columns
            .iter()
            .find(|c| c.role == role)
            .map(|c| c.index)
    }

    pub fn has(&self, role: R) -> bool {
        self.column(role).is_some()
    }

    /// Whether the role's header marked a percent column (`利用率(%)`).
    pub fn percent(&self, role: R) -> bool {
        self.columns.iter().any(|c| c.role == role && c.percent)
    }

    /// The non-blank rows after the header whose mapped cells hold no control
    /// character; each such cell is reported as an error (at most once per
    /// row) and its row left out. The bool is true when a row was left out.
    pub fn data_rows<'t>(
        &self,
        table: &'t Table,
        schema: &Schema<R>,
        problems: &mut Problems,
    ) -> (Vec<&'t TableRow>, bool) {
        let mut rows = Vec::new();
        let mut skipped = false;
        for row in table.rows[self.index + 1..]
            .iter()
            .filter(|r| !r.is_blank())
        {
            let bad = self
                .columns
                .iter()
                .find_map(|c| control_char(row.cell(c.index), false).map(|ch| (c, ch)));
            match bad {
                Some((c, ch)) => {
                    table.error(
                        problems,
                        Code::TableControlCharacter,
                        row.line,
                        Some(c.index + 1),
                        ch.message(&format!("{}の値", schema.label(c.role))),
                        format!("{}（この行は読み飛ばしました）", super::ControlChar::HINT),
                    );
                    skipped = true;
                }
                None => rows.push(row),
            }
        }
        (rows, skipped)
    }
}

#[cfg(test)]
mod tests {
    use super::super::Source;
    use super::*;
    use crate::problems::Location;
    use std::path::PathBuf;

    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    enum Role {
        Id,
        Label,
        Amount,
    }

    const SCHEMA: Schema<Role> = Schema {
        columns: &[
            Column {
                role: Role::Id,
                label: "番号",
                aliases: &["id", "番号"],
            },
            Column {
                role: Role::Label,
                label: "名前",
                aliases: &["label", "名前"],
            },
            Column {
                role: Role::Amount,
                label: "金額",
                aliases: &["amount", "金額"],
            },
        ],
        required: &[
            Required {
                any_of: &[Role::Id, Role::Label],
                label: "番号（id）または名前（label）",
            },
            Required {
                any_of: &[Role::Amount],
                label: "金額（amount）",
            },
        ],
        header_hint: "見出しを id, amount にしてください",
    };

    fn table(rows: &[&[&str]]) -> Table {
        Table {
            path: PathBuf::from("t.csv"),
            source: Source::Csv,
            rows: rows
                .iter()
                .enumerate()
                .map(|(i, cells)| TableRow {
                    line: i + 1,
                    cells: cells.iter().map(|c| c.to_string()).collect(),
                })
                .collect(),
            decode_warning: None,
        }
    }

    #[test]
    fn header_below_a_title_with_aliases_and_percent() {
        let t = table(&[&["一覧"], &[], &["ﾒﾓ", "番号", "金額(%)"], &["1", "2", "3"]]);
        let mut problems = Problems::new();
        let h = SCHEMA.header(&t, &mut problems).unwrap();
        assert!(problems.is_empty(), "{:?}", problems.sorted());
        assert_eq!((h.index, h.line), (2, 3));
        assert_eq!(h.column(Role::Id), Some(1));
        assert!(h.percent(Role::Amount));
        assert!(!h.has(Role::Label));
    }

    #[test]
    fn duplicate_and_missing_columns_are_reported() {
        let t = table(&[&["id", "番号", "名前"]]);
        let mut problems = Problems::new();
        assert!(SCHEMA.header(&t, &mut problems).is_none());
        let found = problems.sorted();
        assert_eq!(found.len(), 2, "{found:?}");
        assert_eq!(found[0].code, Code::TableMissingColumn);
        assert_eq!(found[0].location, Location::line("t.csv", 1));
        assert!(found[0].message.contains("金額（amount） の列がありません"));
        assert_eq!(found[1].code, Code::TableDuplicateColumn);
        assert_eq!(found[1].location, Location::at("t.csv", 1, 2));
        assert!(found[1].message.contains("「番号」の列が2つ"));
        let t = table(&[&["x", "y"], &["1", "2"]]);
        let mut problems = Problems::new();
        assert!(SCHEMA.header(&t, &mut problems).is_none());
        assert_eq!(problems.sorted()[0].code, Code::TableNoHeader);
        assert!(
            problems.sorted()[0]
                .message
                .contains("見出し行が見つかりません（最初の行: x, y）")
        );
        let wide: Vec<&str> = vec!["z"; 20_000];
        let t = table(&[&wide]);
        let mut problems = Problems::new();
        assert!(SCHEMA.header(&t, &mut problems).is_none());
        assert!(problems.sorted()[0].message.ends_with("z, …）"));
    }

    #[test]
    fn rows_with_control_characters_are_left_out() {
        let t = table(&[
            &["id", "amount", "memo"],
            &["1", "2\u{8}", ""],
            &["3", "4", "\u{7}"],
        ]);
        let mut problems = Problems::new();
        let h = SCHEMA.header(&t, &mut problems).unwrap();
        let (rows, skipped) = h.data_rows(&t, &SCHEMA, &mut problems);
        assert!(skipped);
        // An unmapped column may hold anything.
        assert_eq!(rows.iter().map(|r| r.line).collect::<Vec<_>>(), [3]);
        let e = &problems.sorted()[0];
        assert_eq!(e.code, Code::TableControlCharacter);
        assert_eq!(e.location, Location::at("t.csv", 2, 2));
        assert!(e.message.contains("金額の値に制御文字（U+0008"), "{e}");
    }
}
