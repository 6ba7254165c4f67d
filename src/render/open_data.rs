//! Each site's figures as open data: CSV (UTF-8 with BOM, so Excel opens it
//! correctly; one value per cell, no units or thousands separators) and JSON.

use serde::Serialize;

use crate::data::offices::Office;
use crate::model::{History, Model, Site, SiteKind, meets};

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
    pub illustrative: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct OpenData {
    pub site_code: String,
    pub site_name: String,
    pub build_date: String,
    pub denominator: String,
    pub source: String,
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
    let target = model.config.municipality_target_ppm();
    for (date, f) in history.map(|h| h.points.as_slice()).unwrap_or_default() {
        out.push(FigureRow {
            date: date.to_string(),
            code: site.code.clone(),
            name: site.name.clone(),
            level: level_name(site.kind),
            offices: f.offices,
            using_offices: f.using,
            rate: f.rate().map(|r| (r * 10_000.0).round() / 10_000.0),
            target_met: (site.kind == SiteKind::Municipality && f.offices > 0)
                .then(|| meets(f.using, f.offices, target)),
            illustrative: f.illustrative,
        });
    }
}

/// The site's own history, then its children's (prefectures for the nation,
/// municipalities for a prefecture), each in code then date order.
pub fn open_data(model: &Model, site: &Site, build_date: &str) -> OpenData {
    let mut rows = Vec::new();
    rows_of(model, site, model.history(site), &mut rows);
    let children = model.sites.iter().filter(|s| match site.kind {
        SiteKind::National => s.kind == SiteKind::Prefecture,
        SiteKind::Prefecture => {
            s.kind == SiteKind::Municipality
                && s.prefecture_code.as_deref() == Some(site.code.as_str())
        }
        SiteKind::Municipality => false,
    });
    for child in children {
        rows_of(model, child, model.history(child), &mut rows);
    }
    OpenData {
        site_code: site.code.clone(),
        site_name: site.full_name.clone(),
        build_date: build_date.to_string(),
        denominator: model.config.adoption.denominator.clone(),
        source: model.config.adoption.source.clone(),
        licence: model.config.open_data.licence.clone(),
        licence_url: model.config.open_data.licence_url.clone(),
        municipality_target: model.config.kpi.municipality_target,
        prefecture_target: model.config.kpi.prefecture_target,
        rows,
    }
}

const BOM: &[u8] = b"\xEF\xBB\xBF";

/// A CSV file: UTF-8 with BOM (so Excel opens it correctly), CRLF line ends.
pub(crate) fn csv_bytes(header: &[&str], rows: impl Iterator<Item = Vec<String>>) -> Vec<u8> {
    let mut writer = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(BOM.to_vec());
    writer.write_record(header).expect("writing to memory");
    for row in rows {
        writer.write_record(&row).expect("writing to memory");
    }
    writer.into_inner().expect("writing to memory")
}

fn flag(b: Option<bool>) -> String {
    match b {
        Some(true) => "true".into(),
        Some(false) => "false".into(),
        None => String::new(),
    }
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
        ],
        data.rows.iter().map(|r| {
            vec![
                r.date.clone(),
                r.code.clone(),
                r.name.clone(),
                r.level.to_string(),
                r.offices.to_string(),
                r.using_offices.to_string(),
                r.rate.map(|x| format!("{x:.4}")).unwrap_or_default(),
                flag(r.target_met),
                r.illustrative.to_string(),
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
            "サービス種別",
            "市区町村コード",
            "利用開始日",
            "架空データ",
        ],
        offices.iter().map(|o| {
            vec![
                o.number.clone(),
                o.name.clone(),
                o.service_type.clone(),
                o.municipality_code.clone(),
                o.since.to_string(),
                o.illustrative.to_string(),
            ]
        }),
    )
}
