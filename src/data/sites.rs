//! Per-site settings (`data/sites.yaml`): the local department's contact
//! details and the URL where the council will host its site.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;

use crate::data::jis::{MasterList, validate_code};
use crate::problems::Problems;

#[derive(Debug, Clone, Default, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct SiteSettings {
    /// The department that answers questions (e.g. 介護保険課).
    #[serde(default)]
    pub department: Option<String>,
    #[serde(default)]
    pub phone: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub address: Option<String>,
    #[serde(default)]
    pub hours: Option<String>,
    /// Where this site will be hosted; overrides the hosting pattern in config.yaml.
    #[serde(default)]
    pub url: Option<String>,
    /// The contact details are sample data, not a real office.
    #[serde(default)]
    pub illustrative: bool,
}

/// Settings by 6-digit code; sites without an entry get defaults.
pub fn load(
    path: &Path,
    master: &MasterList,
    problems: &mut Problems,
) -> BTreeMap<String, SiteSettings> {
    let Ok(text) = std::fs::read_to_string(path) else {
        return BTreeMap::new();
    };
    let Some(map) =
        crate::yaml::parse::<BTreeMap<String, SiteSettings>>(&text, path, 0, None, problems)
    else {
        return BTreeMap::new();
    };
    for (code, settings) in &map {
        let line = text
            .lines()
            .position(|l| {
                l.trim_start()
                    .trim_start_matches(['"', '\''])
                    .starts_with(code.as_str())
            })
            .map(|i| i + 1)
            .unwrap_or(0);
        if let Err(e) = validate_code(code) {
            problems.error(
                path,
                line,
                1,
                e.to_string(),
                "6桁の団体コードを引用符で囲んで書いてください（例: \"221007\"）",
            );
        } else if master.prefecture(code).is_none() && master.municipality(code).is_none() {
            problems.error(
                path,
                line,
                1,
                format!("団体コード「{code}」は団体コード一覧にありません"),
                "data/municipalities.csv にある団体コードを使ってください",
            );
        }
        if let Some(url) = &settings.url
            && !(url.starts_with("https://") || url.starts_with("http://"))
        {
            problems.error(
                path,
                line,
                0,
                format!("url「{url}」が http:// か https:// で始まっていません"),
                "公開先の完全な URL を書いてください",
            );
        }
    }
    map
}
