//! Adoption snapshots: `data/adoption/<YYYY-MM-DD>[-label].csv`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::data::jis::MasterList;
use crate::problems::Problems;

/// One entity's counts in one snapshot.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Figure {
    pub offices: u64,
    pub using: u64,
    /// true when the row came from an illustrative (sample) file
    pub illustrative: bool,
}

impl Figure {
    pub fn rate(&self) -> Option<f64> {
        (self.offices > 0).then(|| self.using as f64 / self.offices as f64)
    }
}

#[derive(Debug, Clone)]
pub struct Snapshot {
    pub date: jiff::civil::Date,
    pub prefectures: BTreeMap<String, Figure>,
    pub municipalities: BTreeMap<String, Figure>,
    pub sources: Vec<PathBuf>,
}

#[derive(Debug, Clone, Default)]
pub struct Adoption {
    pub snapshots: Vec<Snapshot>,
}

pub fn load(
    dir: &Path,
    master: &MasterList,
    _today: jiff::civil::Date,
    problems: &mut Problems,
) -> Adoption {
    let mut by_date: BTreeMap<jiff::civil::Date, Snapshot> = BTreeMap::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Adoption::default();
    };
    let mut files: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "csv"))
        .collect();
    files.sort();
    for path in files {
        let stem = path.file_stem().unwrap().to_string_lossy().to_string();
        let Some(date) = stem
            .get(..10)
            .and_then(|s| s.parse::<jiff::civil::Date>().ok())
        else {
            problems.error(
                &path,
                0,
                0,
                "ファイル名が日付で始まっていません",
                "YYYY-MM-DD.csv の形にしてください",
            );
            continue;
        };
        let illustrative = stem.contains("sample");
        let snapshot = by_date.entry(date).or_insert_with(|| Snapshot {
            date,
            prefectures: BTreeMap::new(),
            municipalities: BTreeMap::new(),
            sources: Vec::new(),
        });
        snapshot.sources.push(path.clone());
        let Ok(mut reader) = csv::Reader::from_path(&path) else {
            problems.error(&path, 0, 0, "ファイルを読めません", "");
            continue;
        };
        let headers = reader.headers().cloned().unwrap_or_default();
        let col = |names: &[&str]| headers.iter().position(|h| names.contains(&h));
        let code_col = col(&["code", "prefecture_code"]);
        let offices_col = col(&["offices"]);
        let using_col = col(&["using_offices"]);
        for record in reader.records().flatten() {
            let line = record.position().map(|p| p.line() as usize).unwrap_or(0);
            let get = |c: Option<usize>| c.and_then(|c| record.get(c)).unwrap_or("").trim();
            let mut code = get(code_col).to_string();
            if code.len() == 2 {
                code = master
                    .prefecture_by_number(&code)
                    .map(|p| p.code.clone())
                    .unwrap_or(code);
            }
            let (Ok(offices), Ok(using)) = (get(offices_col).parse(), get(using_col).parse())
            else {
                problems.error(&path, line, 0, "数値を読めません", "");
                continue;
            };
            let figure = Figure {
                offices,
                using,
                illustrative,
            };
            if master.prefecture(&code).is_some() {
                snapshot.prefectures.insert(code, figure);
            } else if master.municipality(&code).is_some() {
                snapshot.municipalities.insert(code, figure);
            } else {
                problems.error(&path, line, 1, format!("不明な団体コード「{code}」"), "");
            }
        }
    }
    Adoption {
        snapshots: by_date.into_values().collect(),
    }
}
