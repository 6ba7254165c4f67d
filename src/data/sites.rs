//! Per-site settings (`data/sites.yaml`): the local department's contact
//! details and the URL where the council will host its site.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use serde::Deserialize;
use serde::de::IgnoredAny;
use serde_saphyr::Spanned;

use crate::data::jis::{MasterList, validate_code};
use crate::data::table::{ControlChar, control_char};
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
    let places = Places::of(&text);
    for (code, settings) in &map {
        let place = places.get(code);
        let line = place.map_or(0, |p| p.line);
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
        for (key, value) in settings.texts() {
            // Other control characters are reported by the YAML reader for
            // every file; a one-line value must also have no line break or tab.
            if let Some(c) = value
                .and_then(|v| control_char(v, false))
                .filter(|c| matches!(c.ch, '\t' | '\n' | '\r'))
            {
                let (line, column) = place.and_then(|p| p.value(key)).unwrap_or((line, 0));
                problems.error(
                    path,
                    line,
                    column,
                    c.message(&format!("{code} の {key} ")),
                    ControlChar::HINT,
                );
            }
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

/// Where each site's entry and values are written in the file (1-based line
/// and column), read with serde-saphyr's spans.
struct Places(HashMap<String, Place>);

struct Place {
    line: usize,
    values: HashMap<String, (usize, usize)>,
}

impl Places {
    fn of(text: &str) -> Places {
        let spanned: HashMap<Spanned<String>, HashMap<String, Spanned<IgnoredAny>>> =
            serde_saphyr::from_str(text).unwrap_or_default();
        let at = |s: &serde_saphyr::Location| {
            (
                usize::try_from(s.line()).unwrap_or(0),
                usize::try_from(s.column()).unwrap_or(0),
            )
        };
        Places(
            spanned
                .into_iter()
                .map(|(code, values)| {
                    let place = Place {
                        line: at(&code.referenced).0,
                        values: values
                            .into_iter()
                            .map(|(key, value)| (key, at(&value.referenced)))
                            .collect(),
                    };
                    (code.value, place)
                })
                .collect(),
        )
    }

    fn get(&self, code: &str) -> Option<&Place> {
        self.0.get(code)
    }
}

impl Place {
    fn value(&self, key: &str) -> Option<(usize, usize)> {
        self.values.get(key).copied()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::problems::Severity;

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
        let at: Vec<(usize, usize, Severity)> = found
            .iter()
            .map(|p| (p.line, p.column, p.severity))
            .collect();
        assert_eq!(
            at,
            [(3, 15, Severity::Error), (6, 12, Severity::Error)],
            "{found:#?}"
        );
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
        assert_eq!((found[0].line, found[0].column), (3, 1));
    }
}
