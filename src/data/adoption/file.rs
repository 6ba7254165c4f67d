//! The rules of one adoption file: its columns, how a row names its local
//! government, its counts, its printed rate and its totals row.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::names::{Lookup, NameIndex, is_total_marker, suggestion_hint};
use super::{Figure, MAX_COUNT, Provenance, Source};
use crate::data::jis::{Code, CodeKind, MasterList, resolve_code};
use crate::data::table::number::{NumberError, count_problem, parse_count_up_to};
use crate::data::table::{Column, Header, Required, Schema, Table, TableRow, parse_rate};
use crate::format::thousands;
use crate::problems::Problems;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Role {
    Code,
    PrefCode,
    Name,
    Prefecture,
    Municipality,
    Offices,
    Using,
    Rate,
}

/// Columns that say which local government a row is about.
const IDENTIFIERS: [Role; 5] = [
    Role::Code,
    Role::PrefCode,
    Role::Name,
    Role::Prefecture,
    Role::Municipality,
];

const HEADER_HINT: &str = "見出しを code（団体コード）, name（名称）, offices（事業所数）, using_offices（利用事業所数）にしてください";

pub(super) const SCHEMA: Schema<Role> = Schema {
    columns: &[
        Column {
            role: Role::Code,
            label: "団体コード",
            aliases: &[
                "code",
                "団体コード",
                "市区町村コード",
                "全国地方公共団体コード",
                "地方公共団体コード",
                "jisコード",
                "municipality_code",
                "コード",
            ],
        },
        Column {
            role: Role::PrefCode,
            label: "都道府県コード",
            aliases: &[
                "prefecture_code",
                "都道府県コード",
                "都道府県番号",
                "pref_code",
            ],
        },
        Column {
            role: Role::Name,
            label: "名称",
            aliases: &["name", "名称", "団体名", "自治体名"],
        },
        Column {
            role: Role::Prefecture,
            label: "都道府県",
            aliases: &["prefecture", "都道府県", "都道府県名"],
        },
        Column {
            role: Role::Municipality,
            label: "市区町村名",
            aliases: &[
                "municipality",
                "市区町村名",
                "市区町村",
                "市町村名",
                "市町村",
            ],
        },
        Column {
            role: Role::Offices,
            label: "事業所数",
            aliases: &[
                "offices",
                "事業所数",
                "全事業所数",
                "対象事業所数",
                "office_count",
            ],
        },
        Column {
            role: Role::Using,
            label: "利用事業所数",
            aliases: &[
                "using_offices",
                "using",
                "利用事業所数",
                "導入事業所数",
                "利用中事業所数",
            ],
        },
        Column {
            role: Role::Rate,
            label: "割合",
            aliases: &["rate", "割合", "利用率", "導入率", "利用割合", "using_rate"],
        },
    ],
    required: &[
        Required {
            any_of: &IDENTIFIERS,
            label: "団体コード（code）または名称（name）",
        },
        Required {
            any_of: &[Role::Offices],
            label: "事業所数（offices）",
        },
        Required {
            any_of: &[Role::Using],
            label: "利用事業所数（using_offices）",
        },
    ],
    header_hint: HEADER_HINT,
};

/// One valid data row of a file.
#[derive(Debug, Clone)]
pub(super) struct FileRow {
    pub code: Code,
    pub figure: Figure,
    pub line: usize,
}

#[derive(Debug)]
pub(super) struct FileData {
    pub path: PathBuf,
    pub source: Arc<Source>,
    pub rows: Vec<FileRow>,
}

/// The totals row of a file: its line and counts (absent when empty).
struct Totals {
    line: usize,
    offices: Option<u64>,
    using: Option<u64>,
}

/// Read one file: open the table, map its columns, read every row by the
/// rules below, then check the totals row against the rows.
pub(super) fn read(
    path: &Path,
    master: &MasterList,
    names: &NameIndex<'_>,
    source: Arc<Source>,
    problems: &mut Problems,
) -> Option<FileData> {
    let table = Table::open(path, problems)?;
    if table.is_blank() {
        problems.error(
            path,
            0,
            0,
            "ファイルが空です",
            "見出し行（code,name,offices,using_offices）とデータ行を書いてください",
        );
        return None;
    }
    let header = SCHEMA.header(&table, problems)?;
    let (data_rows, skipped) = header.data_rows(&table, &SCHEMA, problems);
    let mut reader = Rows {
        table: &table,
        header: &header,
        master,
        names,
        rate_percent: rate_in_percent(&header, &data_rows),
        provenance: Provenance::of(source.clone()),
        rows: Vec::new(),
        seen: HashMap::new(),
        totals: None,
        row_errors: skipped,
    };
    for row in data_rows {
        reader.read(row, problems);
    }
    reader.check_totals(problems);
    Some(FileData {
        path: path.to_path_buf(),
        source,
        rows: reader.rows,
    })
}

/// Is the rate column in percent? Clearly so when the header says so, or
/// when any cell carries a % sign or exceeds 1.
fn rate_in_percent(header: &Header<Role>, rows: &[&TableRow]) -> bool {
    header.percent(Role::Rate)
        || header.column(Role::Rate).is_some_and(|c| {
            rows.iter()
                .filter_map(|r| parse_rate(r.cell(c)).ok())
                .any(|r| r.percent_sign || r.value > 1.0)
        })
}

/// The rows of one file, read one by one.
struct Rows<'a> {
    table: &'a Table,
    header: &'a Header<Role>,
    master: &'a MasterList,
    names: &'a NameIndex<'a>,
    rate_percent: bool,
    /// Where every row of this file comes from.
    provenance: Provenance,
    rows: Vec<FileRow>,
    /// The line each entity was first seen on.
    seen: HashMap<Code, usize>,
    totals: Option<Totals>,
    /// A row had a count problem: a totals row cannot be checked.
    row_errors: bool,
}

impl Rows<'_> {
    fn cell<'r>(&self, row: &'r TableRow, role: Role) -> Option<(usize, &'r str)> {
        self.header.column(role).map(|c| (c, row.cell(c)))
    }

    fn column(&self, role: Role) -> usize {
        self.header.column(role).map_or(0, |c| c + 1)
    }

    fn read(&mut self, row: &TableRow, problems: &mut Problems) {
        let line = row.line;
        let is_total = IDENTIFIERS
            .iter()
            .filter_map(|r| self.cell(row, *r))
            .any(|(_, v)| is_total_marker(v));
        let code = if is_total {
            None
        } else {
            self.identify(row, problems)
        };
        // How messages about this row name it.
        let subject = match &code {
            Some(code) => self.names.subject(code),
            None if is_total => "合計行の".to_string(),
            None => String::new(),
        };
        let offices = self.count(row, Role::Offices, is_total, &subject, problems);
        let using = self.count(row, Role::Using, is_total, &subject, problems);
        if !is_total && (offices.is_none() || using.is_none()) {
            self.row_errors = true;
        }
        if is_total && let Some(first) = &self.totals {
            self.table.error(
                problems,
                line,
                0,
                format!("合計行が2つあります（{}行目と{line}行目）", first.line),
                "合計行は1つにしてください",
            );
            return;
        }
        if let (Some(o), Some(u)) = (offices, using)
            && u > o
        {
            let cell = |role| self.cell(row, role).map_or("", |(_, v)| v);
            self.table.error(
                problems,
                line,
                self.column(Role::Using),
                format!(
                    "{subject}利用事業所数「{}」が事業所数「{}」より多くなっています",
                    cell(Role::Using),
                    cell(Role::Offices)
                ),
                "列の取り違えや入力の誤りがないか確認してください",
            );
            if !is_total {
                self.row_errors = true;
                return;
            }
        }
        if let (Some((col, raw)), Some(o), Some(u)) = (self.cell(row, Role::Rate), offices, using) {
            self.check_rate(line, col, raw, o, u, &subject, problems);
        }
        if is_total {
            self.totals = Some(Totals {
                line,
                offices,
                using,
            });
            return;
        }
        let Some(code) = code else {
            return;
        };
        if let Some(first) = self.seen.get(&code) {
            self.table.error(
                problems,
                line,
                0,
                format!(
                    "{}（{code}）の行が2つあります（{first}行目と{line}行目）",
                    self.names.display(&code)
                ),
                "同じ団体の行は1つにしてください（後の行は読み飛ばしました）",
            );
            return;
        }
        self.seen.insert(code, line);
        if let (Some(offices), Some(using)) = (offices, using) {
            self.rows.push(FileRow {
                code,
                figure: Figure {
                    offices,
                    using,
                    provenance: self.provenance.clone(),
                },
                line,
            });
        }
    }

    /// A count cell, at most [`MAX_COUNT`]; an empty one is allowed on the totals row.
    fn count(
        &self,
        row: &TableRow,
        role: Role,
        is_total: bool,
        subject: &str,
        problems: &mut Problems,
    ) -> Option<u64> {
        let (col, raw) = self.cell(row, role)?;
        match parse_count_up_to(raw, MAX_COUNT) {
            Ok(n) => Some(n),
            Err(NumberError::Empty) if is_total => None,
            Err(e) => {
                let (message, hint) = count_problem(SCHEMA.label(role), raw, e);
                self.table.error(
                    problems,
                    row.line,
                    col + 1,
                    format!("{subject}{message}"),
                    hint,
                );
                None
            }
        }
    }

    /// Check a printed rate against using/offices, allowing the rounding of the
    /// printed precision (half a unit of the last printed digit).
    #[allow(clippy::too_many_arguments)]
    fn check_rate(
        &self,
        line: usize,
        col: usize,
        raw: &str,
        offices: u64,
        using: u64,
        subject: &str,
        problems: &mut Problems,
    ) {
        let printed = match parse_rate(raw) {
            Ok(p) => p,
            Err(NumberError::Empty) => return,
            Err(e) => {
                let (message, _) = count_problem("割合", raw, e);
                self.table.error(
                    problems,
                    line,
                    col + 1,
                    format!("{subject}{message}"),
                    "割合は 4.0% や 0.040 のように書くか、空欄にしてください",
                );
                return;
            }
        };
        if offices == 0 {
            return;
        }
        let scale = if self.rate_percent { 100.0 } else { 1.0 };
        let computed = using as f64 / offices as f64 * scale;
        let decimals = printed.decimals.min(12);
        let tolerance = 0.5 * 10f64.powi(-(decimals as i32)) + 1e-9;
        if (computed - printed.value).abs() > tolerance {
            let shown = decimals.max(1) as usize + 1;
            let unit = if self.rate_percent { "%" } else { "" };
            self.table.error(
                problems,
                line,
                col + 1,
                format!(
                    "{subject}割合「{raw}」が 利用事業所数÷事業所数（{}÷{}＝{computed:.shown$}{unit}）と合いません",
                    thousands(using),
                    thousands(offices),
                ),
                "割合を計算し直すか、事業所数・利用事業所数を確認してください（割合の列は省略できます）",
            );
        }
    }

    /// The totals row must equal the sum of the prefecture rows (or of all
    /// rows when there are none), unless some row's counts could not be read.
    fn check_totals(&self, problems: &mut Problems) {
        let Some(totals) = &self.totals else {
            return;
        };
        if self.row_errors {
            return;
        }
        let prefecture_rows: Vec<&Figure> = self
            .rows
            .iter()
            .filter(|r| r.code.kind() == CodeKind::Prefecture)
            .map(|r| &r.figure)
            .collect();
        let summed = if prefecture_rows.is_empty() {
            Figure::total(self.rows.iter().map(|r| &r.figure))
        } else {
            Figure::total(prefecture_rows)
        };
        // Counts are at most MAX_COUNT per row, so a sum always fits.
        let Some(sum) = summed else {
            return;
        };
        let mut diffs = Vec::new();
        if let Some(o) = totals.offices
            && o != sum.offices
        {
            diffs.push(format!(
                "事業所数は合計行が {} ですが、各行の合計は {} です",
                thousands(o),
                thousands(sum.offices)
            ));
        }
        if let Some(u) = totals.using
            && u != sum.using
        {
            diffs.push(format!(
                "利用事業所数は合計行が {} ですが、各行の合計は {} です",
                thousands(u),
                thousands(sum.using)
            ));
        }
        if !diffs.is_empty() {
            self.table.error(
                problems,
                totals.line,
                0,
                format!("合計行が各行の合計と合いません: {}", diffs.join("。")),
                "合計行を計算し直すか、合計行を消してください（合計はこちらで計算します）",
            );
        }
    }

    /// Find which local government a row is about, reporting why not when it can't.
    fn identify(&self, row: &TableRow, problems: &mut Problems) -> Option<Code> {
        let line = row.line;
        let table = self.table;
        let names = self.names;
        let cell = |role: Role| self.cell(row, role);
        let name_cell = cell(Role::Municipality)
            .or(cell(Role::Name))
            .filter(|(_, v)| !v.is_empty());
        let pref_name_cell = cell(Role::Prefecture).filter(|(_, v)| !v.is_empty());

        // 1. By code.
        let code_cell = cell(Role::Code).or(cell(Role::PrefCode));
        if let Some((col, raw)) = code_cell {
            // A 2-digit prefecture code column next to a code column is only a helper.
            if !raw.is_empty() || (cell(Role::Code).is_some() && name_cell.is_none()) {
                let code = match resolve_code(raw, self.master) {
                    Ok(code) => code,
                    Err((message, hint)) => {
                        let message = if raw.is_empty() {
                            "団体コードが空欄です".to_string()
                        } else {
                            message
                        };
                        table.error(problems, line, col + 1, message, hint);
                        return None;
                    }
                };
                // Cross-check names written beside the code.
                for (ncol, name) in [name_cell, pref_name_cell].into_iter().flatten() {
                    let matches = if let Some(p) = names.prefecture(name) {
                        code.is_in(&p)
                    } else {
                        matches!(names.municipality(name, Some(code.prefecture_digits())), Lookup::Found(c) if c == code)
                    };
                    if !matches {
                        table.warning(
                            problems,
                            line,
                            ncol + 1,
                            format!(
                                "団体コード「{raw}」は{}ですが、名称は「{name}」です",
                                names.display(&code)
                            ),
                            "コードと名称のどちらが正しいか確認してください（コードの団体として読み込みました）",
                        );
                        break;
                    }
                }
                return Some(code);
            }
        }

        // 2. By name, within a prefecture when one is given.
        let mut pref_ctx: Option<Code> = None;
        if let Some((col, raw)) = cell(Role::PrefCode).filter(|(_, v)| !v.is_empty()) {
            match resolve_code(raw, self.master) {
                Ok(code) if code.kind() == CodeKind::Prefecture => pref_ctx = Some(code),
                Ok(_) => {
                    table.error(
                        problems,
                        line,
                        col + 1,
                        format!("都道府県コード「{raw}」は都道府県のコードではありません"),
                        "2桁の都道府県番号（例: 22）で書いてください",
                    );
                    return None;
                }
                Err((message, hint)) => {
                    table.error(problems, line, col + 1, message, hint);
                    return None;
                }
            }
        } else if let Some((col, raw)) = pref_name_cell {
            match names.prefecture(raw) {
                Some(code) => pref_ctx = Some(code),
                None => {
                    let near = names.suggest_prefectures(raw);
                    table.error(
                        problems,
                        line,
                        col + 1,
                        format!("都道府県「{raw}」が見つかりません"),
                        suggestion_hint(&near, "都道府県名を正しく書いてください"),
                    );
                    return None;
                }
            }
        }

        let Some((col, name)) = name_cell else {
            if pref_ctx.is_none() {
                let col = [Role::Municipality, Role::Name, Role::Prefecture]
                    .into_iter()
                    .find_map(|r| self.header.column(r))
                    .map_or(0, |c| c + 1);
                table.error(
                    problems,
                    line,
                    col,
                    "団体コードも名称も空欄です",
                    "団体コードか名称を書いてください",
                );
            }
            return pref_ctx;
        };
        if let Some(p) = names.prefecture(name) {
            return Some(p);
        }
        let pref_number = pref_ctx.as_ref().map(|c| c.prefecture_digits());
        match names.municipality(name, pref_number) {
            Lookup::Found(code) => Some(code),
            Lookup::Ambiguous(codes) => {
                let list: Vec<String> = codes
                    .iter()
                    .map(|c| format!("{}（{}）", names.display(c), c))
                    .collect();
                table.error(
                    problems,
                    line,
                    col + 1,
                    format!(
                        "市区町村名「{name}」は全国に{}つあり、どれか決められません: {}",
                        codes.len(),
                        list.join("、")
                    ),
                    "都道府県の列（prefecture / 都道府県）を加えるか、団体コードで書いてください",
                );
                None
            }
            Lookup::NotFound(near) => {
                let within = pref_ctx
                    .as_ref()
                    .map(|c| format!("{}に", names.display(c)))
                    .unwrap_or_default();
                table.error(
                    problems,
                    line,
                    col + 1,
                    format!("名称「{name}」の団体が{within}見つかりません"),
                    suggestion_hint(
                        &near,
                        "団体コード一覧（data/municipalities.csv）の名称で書いてください",
                    ),
                );
                None
            }
        }
    }
}
