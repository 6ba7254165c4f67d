//! Per-site settings (`data/sites.yaml`): the local department's contact
//! details and the URL where the council will host its site.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;

use crate::data::jis::{MasterList, validate_code};
use crate::data::table::{ControlChar, control_char};
use crate::problems::{Code, Problems};
use crate::yaml::Input;

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
    let Some((map, keys)) = crate::yaml::parse_with_keys::<BTreeMap<String, SiteSettings>>(
        &text,
        path,
        0,
        Input::Sites,
        None,
        problems,
    ) else {
        return BTreeMap::new();
    };
    for (code, settings) in &map {
        let entry = keys.get(code);
        if let Err(e) = validate_code(code) {
            problems.error(
                Code::SitesUnknownSite,
                entry.key_location(),
                e.to_string(),
                "6桁の団体コードを引用符で囲んで書いてください（例: \"221007\"）",
            );
        } else if master.prefecture(code).is_none() && master.municipality(code).is_none() {
            problems.error(
                Code::SitesUnknownSite,
                entry.key_location(),
                format!("団体コード「{code}」は団体コード一覧にありません"),
                "data/municipalities.csv にある団体コードを使ってください",
            );
        }
        for (key, value) in settings.texts() {
            // Other control characters are reported by the YAML reader for
            // every file; a one-line value must also have no line break or tab.
            if let Some(c) = value
                .and_then(|v| control_char(v, false))
                .filter(|c| matches!(c.ch, '\t' | '\n' | '\r'))
            {
                problems.error(
                    Code::YamlControlCharacter,
                    entry.get(key).value_location(),
                    c.message(&format!("{code} の {key} ")),
                    ControlChar::HINT,
                );
            }
        }
        if let Some(url) = &settings.url
            && !(url.starts_with("https://") || url.starts_with("http://"))
        {
            problems.error(
                Code::SitesBadUrl,
                entry.get("url").value_location(),
                format!("url「{url}」が http:// か https:// で始まっていません"),
                "公開先の完全な URL を書いてください",
            );
        }
    }
    map
}

impl SiteSettings {
    /// The text values by key, for checks that apply to all of them.
    fn texts(&self) -> [(&'static str, Option<&str>); 6] {
        [
            ("department", self.department.as_deref()),
            ("phone", self.phone.as_deref()),
            ("email", self.email.as_deref()),
            ("address", self.address.as_deref()),
            ("hours", self.hours.as_deref()),
            ("url", self.url.as_deref()),
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::problems::{Location, Severity};

    #[test]
    fn control_characters_are_errors_at_their_value() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sites.yaml");
        std::fs::write(
            &path,
            "# 設定\n\"221007\":\n  department: \"介護\\t保険課\"\n  phone: 054-000-0001\n\"220001\":\n  address: \"静岡市\\r葵区\"\n  hours: 平日\n",
        )
        .unwrap();
        let mut problems = Problems::new();
        let settings = load(&path, crate::data::jis::shipped(), &mut problems);
        assert_eq!(settings.len(), 2);
        let found = problems.sorted();
        let at: Vec<(Code, Location, Severity)> = found
            .iter()
            .map(|p| (p.code, p.location.clone(), p.severity))
            .collect();
        let control = |line, column| {
            (
                Code::YamlControlCharacter,
                Location::at(&path, line, column),
                Severity::Error,
            )
        };
        assert_eq!(at, [control(3, 15), control(6, 12)], "{found:#?}");
        assert!(
            found[0]
                .message
                .contains("221007 の department に制御文字（U+0009、3文字目）"),
            "{}",
            found[0]
        );
        assert!(
            found[1]
                .message
                .contains("220001 の address に制御文字（U+000D"),
            "{}",
            found[1]
        );
    }

    #[test]
    fn unknown_codes_are_named_on_their_line() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sites.yaml");
        std::fs::write(&path, "\"221007\":\n  phone: x\n\"221008\":\n  phone: y\n").unwrap();
        let mut problems = Problems::new();
        load(&path, crate::data::jis::shipped(), &mut problems);
        let found = problems.sorted();
        assert_eq!(found.len(), 1, "{found:#?}");
        assert_eq!(found[0].code, Code::SitesUnknownSite);
        assert_eq!(found[0].location, Location::at(&path, 3, 1));
    }
}
