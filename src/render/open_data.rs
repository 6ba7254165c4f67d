//! Each site's figures as open data: CSV (UTF-8 with BOM, so Excel opens it
//! correctly; one value per cell, no units or thousands separators) and JSON.

use serde::Serialize;

use crate::data::jis::MasterList;
use crate::data::offices::Office;
use crate::model::{History, Model, Shown, Site, SiteKind, SourceLine};

/// One row: an entity's figures at one snapshot date.
#[derive(Debug, Clone, Serialize)]
pub struct FigureRow {
    pub date: String,
    pub code: String,
    pub name: String,
    pub level: &'static str,
    pub offices: u64,
    pub using_offices: u64,
    /// Share of offices using the system, 0–1, rounded to 4 decimals.
    pub rate: Option<f64>,
    /// Whether the municipality meets its target (municipality rows only).
    pub target_met: Option<bool>,
    /// The row comes from illustrative (sample) data.
    pub illustrative: bool,
    /// The snapshot files it was read or summed from (`data/adoption/`), space-separated.
    pub source_files: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct OpenData {
    pub site_code: String,
    pub site_name: String,
    pub build_date: String,
    pub denominator: String,
    /// Every snapshot file behind the rows, with where it comes from.
    pub sources: Vec<SourceLine>,
    pub licence: String,
    pub licence_url: String,
    pub municipality_target: f64,
    pub prefecture_target: f64,
    pub rows: Vec<FigureRow>,
}

fn level_name(kind: SiteKind) -> &'static str {
    match kind {
        SiteKind::National => "national",
        SiteKind::Prefecture => "prefecture",
        SiteKind::Municipality => "municipality",
    }
}

fn rows_of(model: &Model, site: &Site, history: Option<&History>, out: &mut Vec<FigureRow>) {
    let target = &model.goals.municipal;
    for f in history.map(|h| h.points.as_slice()).unwrap_or_default() {
        out.push(FigureRow {
            date: f.date().to_string(),
            code: site.code.to_string(),
            name: site.name.clone(),
            level: level_name(site.kind),
            offices: f.offices,
            using_offices: f.using,
            rate: f.rate().map(|r| (r * 10_000.0).round() / 10_000.0),
            target_met: (site.kind == SiteKind::Municipality && f.offices > 0)
                .then(|| target.met(f.using, f.offices)),
            illustrative: f.illustrative(),
            source_files: f
                .provenance
                .sources()
                .iter()
                .map(|s| s.file.as_str())
                .collect::<Vec<_>>()
                .join(" "),
        });
    }
}

/// The site's own history, then its children's (prefectures for the nation,
/// municipalities for a prefecture), each in code then date order.
pub fn open_data(model: &Model, site: &Site, build_date: &str) -> OpenData {
    let mut rows = Vec::new();
    let mut shown = Shown::new();
    for s in std::iter::once(site).chain(model.children(site)) {
        let history = model.history(s);
        for f in history.map(|h| h.points.as_slice()).unwrap_or_default() {
            shown.add(s.kind, &f.provenance);
        }
        rows_of(model, s, history, &mut rows);
    }
    OpenData {
        site_code: site.code.to_string(),
        site_name: site.full_name.clone(),
        build_date: build_date.to_string(),
        denominator: model.config.adoption.denominator.clone(),
        sources: shown.lines(&model.config.adoption.sources),
        licence: model.config.open_data.licence.clone(),
        licence_url: model.config.open_data.licence_url.clone(),
        municipality_target: model.config.kpi.municipality_target,
        prefecture_target: model.config.kpi.prefecture_target,
        rows,
    }
}

const BOM: &[u8] = b"\xEF\xBB\xBF";

/// One cell of a published CSV.
///
/// CSV downloads are made for Excel, which runs a cell that begins with `=`,
/// `+`, `-` or `@` (or tab or CR, which it strips first) as a formula. A cell
/// is made safe by what it is, not by how it looks: every number in these
/// files is a count or a rate this program formatted from a number (never
/// text a person typed), so a [`CsvCell::Number`] is written as it is and
/// stays a number for Excel, negative or not; everything else (names, codes,
/// dates, flags) is [`CsvCell::Text`] and gets a leading `'` when it begins
/// with one of those characters, as OWASP's guidance on CSV injection says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CsvCell {
    Text(String),
    Number(String),
}

impl CsvCell {
    pub fn text(s: impl Into<String>) -> CsvCell {
        CsvCell::Text(s.into())
    }

    pub fn number(n: impl ToString) -> CsvCell {
        CsvCell::Number(n.to_string())
    }

    /// The cell as written into the file.
    fn written(&self) -> std::borrow::Cow<'_, str> {
        match self {
            CsvCell::Number(n) => n.into(),
            CsvCell::Text(t) => spreadsheet_safe(t),
        }
    }
}

/// Text that a spreadsheet will not run: a leading `'` when it begins with
/// `=`, `+`, `-`, `@`, tab or CR.
pub fn spreadsheet_safe(text: &str) -> std::borrow::Cow<'_, str> {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}").into()
    } else {
        text.into()
    }
}

/// A CSV for Excel: UTF-8 with BOM, CRLF, the header then the rows.
pub fn csv_bytes(header: &[&str], rows: impl IntoIterator<Item = Vec<CsvCell>>) -> Vec<u8> {
    let mut writer = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(BOM.to_vec());
    writer
        .write_record(
            header
                .iter()
                .map(|h| spreadsheet_safe(h))
                .map(|h| h.into_owned()),
        )
        .expect("writing to memory");
    for row in rows {
        writer
            .write_record(row.iter().map(|c| c.written().into_owned()))
            .expect("writing to memory");
    }
    writer.into_inner().expect("writing to memory")
}

fn flag(b: Option<bool>) -> CsvCell {
    CsvCell::text(match b {
        Some(true) => "true",
        Some(false) => "false",
        None => "",
    })
}

pub fn adoption_csv(data: &OpenData) -> Vec<u8> {
    csv_bytes(
        &[
            "時点",
            "団体コード",
            "団体名",
            "区分",
            "事業所数",
            "利用事業所数",
            "利用率",
            "目標達成",
            "架空データ",
            "出典ファイル",
        ],
        data.rows.iter().map(|r| {
            vec![
                CsvCell::text(&r.date),
                CsvCell::text(&r.code),
                CsvCell::text(&r.name),
                CsvCell::text(r.level),
                CsvCell::number(r.offices),
                CsvCell::number(r.using_offices),
                CsvCell::Number(r.rate.map(|x| format!("{x:.4}")).unwrap_or_default()),
                flag(r.target_met),
                CsvCell::text(r.illustrative.to_string()),
                CsvCell::text(&r.source_files),
            ]
        }),
    )
}

pub fn adoption_json(data: &OpenData) -> Vec<u8> {
    let mut bytes = serde_json::to_vec_pretty(data).expect("open data serializes");
    bytes.push(b'\n');
    bytes
}

pub fn offices_csv(offices: &[&Office]) -> Vec<u8> {
    csv_bytes(
        &[
            "事業所番号",
            "事業所名",
            "事業所名カナ",
            "サービス種別",
            "市区町村コード",
            "所在地",
            "電話番号",
            "法人番号",
            "利用開始日",
            "架空データ",
        ],
        offices.iter().map(|o| {
            vec![
                CsvCell::text(&o.number),
                CsvCell::text(&o.name),
                CsvCell::text(o.reading.as_deref().unwrap_or("")),
                CsvCell::text(&o.service_type),
                CsvCell::text(o.municipality_code),
                CsvCell::text(o.address.as_deref().unwrap_or("")),
                CsvCell::text(o.phone.as_deref().unwrap_or("")),
                CsvCell::text(o.corporate_number.as_deref().unwrap_or("")),
                CsvCell::text(o.since.to_string()),
                CsvCell::text(o.illustrative.to_string()),
            ]
        }),
    )
}

/// The columns of the 自治体標準オープンデータセット「介護サービス事業所一覧」
/// that this list can fill, in the standard's order: the standard's item
/// names, so that the file goes into the tools made for that dataset.
/// 緯度, 経度, 内線番号, FAX番号, 法人の名称, 利用可能曜日 and the rest have no
/// source here and are left out rather than published empty.
pub const STANDARD_OFFICE_COLUMNS: &[&str] = &[
    "都道府県コード又は市区町村コード",
    "NO",
    "都道府県名",
    "市区町村名",
    "介護サービス事業所名称",
    "介護サービス事業所名称_カナ",
    "実施サービス",
    "住所",
    "電話番号",
    "法人番号",
    "事業所番号",
    "備考",
];

/// The offices with the column names of the 自治体標準オープンデータセット
/// 「介護サービス事業所一覧」 ([`STANDARD_OFFICE_COLUMNS`]). The standard has no
/// item for the day an office started using the system, nor for sample data,
/// so 備考 says both (「ケアプランデータ連携システム利用開始日 2024-04-01」,
/// 「架空（サンプル）のデータです」). The code is the office's municipality's.
pub fn offices_standard_csv(offices: &[&Office], master: &MasterList) -> Vec<u8> {
    csv_bytes(
        STANDARD_OFFICE_COLUMNS,
        offices.iter().enumerate().map(|(i, o)| {
            let municipality = master.municipality(&o.municipality_code);
            let prefecture = municipality.and_then(|m| master.prefecture_of(&m.code));
            let mut note = format!("ケアプランデータ連携システム利用開始日 {}", o.since);
            if o.illustrative {
                note.push_str("。架空（サンプル）のデータです");
            }
            vec![
                CsvCell::text(o.municipality_code),
                CsvCell::number(i + 1),
                CsvCell::text(prefecture.map_or("", |p| p.name.as_str())),
                CsvCell::text(municipality.map_or("", |m| m.name.as_str())),
                CsvCell::text(&o.name),
                CsvCell::text(o.reading.as_deref().unwrap_or("")),
                CsvCell::text(&o.service_type),
                CsvCell::text(o.address.as_deref().unwrap_or("")),
                CsvCell::text(o.phone.as_deref().unwrap_or("")),
                CsvCell::text(o.corporate_number.as_deref().unwrap_or("")),
                CsvCell::text(&o.number),
                CsvCell::text(note),
            ]
        }),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_that_excel_would_run_gets_a_quote_numbers_stay_numbers() {
        for lead in ['=', '+', '-', '@', '\t', '\r'] {
            let name = format!("{lead}HYPERLINK(\"http://x\")");
            assert_eq!(spreadsheet_safe(&name), format!("'{name}"), "{lead:?}");
        }
        for plain in ["静岡市", "221007", "2023-11-06", "", "a=b", " =1", "'x"] {
            assert_eq!(spreadsheet_safe(plain), plain);
        }
        let bytes = csv_bytes(
            &["名前", "数"],
            [
                vec![CsvCell::text("=1+1"), CsvCell::number(-5)],
                vec![CsvCell::text("-5"), CsvCell::Number("0.0400".into())],
                vec![CsvCell::text("\tcmd"), CsvCell::text("@SUM(A1)")],
            ],
        );
        let text = std::str::from_utf8(&bytes[BOM.len()..]).unwrap();
        assert_eq!(
            text,
            "名前,数\r\n'=1+1,-5\r\n'-5,0.0400\r\n'\tcmd,'@SUM(A1)\r\n"
        );
    }
}
