//! `config.yaml` at the project root: site-wide settings that change over
//! time (fees, thresholds, hosting) live here, never in code.

use std::path::Path;

use serde::Deserialize;

use crate::problems::{Code, Location, Problems};
use crate::yaml::{Cursor, Input, Keys};

#[derive(Debug, Clone, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// Title of the national site; prefecture and municipality sites prefix their name.
    pub title: String,
    /// Who publishes the national site (shown in the footer).
    pub publisher: String,
    #[serde(default = "default_theme")]
    pub theme: String,
    pub helpdesk: Helpdesk,
    pub kpi: Kpi,
    pub licence_fee: LicenceFee,
    pub adoption: AdoptionNotes,
    #[serde(default)]
    pub hosting: Hosting,
    #[serde(default)]
    pub subsidies: SubsidySettings,
    #[serde(default)]
    pub posters: PosterSettings,
    #[serde(default)]
    pub open_data: OpenDataSettings,
    /// The accessibility policy every site publishes.
    #[serde(default)]
    pub accessibility: Option<AccessibilityPolicy>,
}

/// A conformance level of JIS X 8341-3:2016 (WCAG 2.0). AAA is not recorded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
pub enum Level {
    A,
    AA,
}

impl Level {
    pub fn label(self) -> &'static str {
        match self {
            Level::A => "A",
            Level::AA => "AA",
        }
    }

    pub fn parse(text: &str) -> Option<Level> {
        match text.trim() {
            "A" | "Ａ" => Some(Level::A),
            "AA" | "ＡＡ" => Some(Level::AA),
            _ => None,
        }
    }
}

/// The web accessibility policy (ウェブアクセシビリティ方針) of every site, with
/// the items WAIC's policy guideline (ウェブアクセシビリティ方針策定ガイドライン)
/// asks for that are the same on every site: the target level, the date the
/// policy was set and the date the target is to be met. Scope, exceptions and
/// contact are each site's own, and the degree of conformance is derived from
/// the test records (`data/accessibility/`), never written here.
#[derive(Debug, Clone, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct AccessibilityPolicy {
    /// 目標とする適合レベル: `A` or `AA`.
    pub target_level: serde_saphyr::Spanned<String>,
    /// 方針を定めた日 (YYYY-MM-DD).
    pub policy_date: serde_saphyr::Spanned<String>,
    /// 目標を達成する期限 (YYYY-MM-DD).
    pub target_date: serde_saphyr::Spanned<String>,
    /// 方針を改めた日 (YYYY-MM-DD), when it was revised.
    #[serde(default)]
    pub revised: Option<serde_saphyr::Spanned<String>>,
    /// 追加して達成を目指す達成基準, in words (e.g. WCAG 2.1's additions).
    #[serde(default)]
    pub additional: Option<String>,
}

impl AccessibilityPolicy {
    /// The target level; AA when it cannot be read (reported by `check`).
    pub fn level(&self) -> Level {
        Level::parse(&self.target_level.value).unwrap_or(Level::AA)
    }

    pub fn policy_date(&self) -> Option<jiff::civil::Date> {
        crate::dates::parse_iso(self.policy_date.value.trim())
    }

    pub fn target_date(&self) -> Option<jiff::civil::Date> {
        crate::dates::parse_iso(self.target_date.value.trim())
    }

    pub fn revised(&self) -> Option<jiff::civil::Date> {
        crate::dates::parse_iso(self.revised.as_ref()?.value.trim())
    }

    fn validate(&self, at: Cursor, problems: &mut Problems) {
        if Level::parse(&self.target_level.value).is_none() {
            problems.error(
                Code::ConfigBadValue,
                at.get("target_level").value_location(),
                format!(
                    "accessibility.target_level の「{}」は適合レベルではありません",
                    self.target_level.value
                ),
                "A か AA を書いてください（JIS X 8341-3:2016 の適合レベル。公的機関は AA が求められています）",
            );
        }
        let mut dates = Vec::new();
        for (key, value) in [
            ("policy_date", Some(&self.policy_date)),
            ("target_date", Some(&self.target_date)),
            ("revised", self.revised.as_ref()),
        ] {
            let Some(value) = value else { continue };
            let location = at.get(key).value_location();
            match crate::dates::parse_iso(value.value.trim()) {
                Some(d) => dates.push((key, d, location)),
                None => problems.error(
                    Code::ConfigBadValue,
                    location,
                    format!("accessibility.{key} の日付「{}」を読めません", value.value),
                    "2026-04-01 のように 年-月-日（半角、月日は2桁）で、実在する日付を書いてください",
                ),
            }
        }
        let date_of = |key: &str| dates.iter().find(|d| d.0 == key).map(|d| d.1);
        if let Some(set) = date_of("policy_date") {
            for (key, date, location) in &dates {
                if *key != "policy_date" && *date < set {
                    let what = if *key == "target_date" {
                        "目標を達成する期限"
                    } else {
                        "方針を改めた日"
                    };
                    problems.error(
                        Code::ConfigBadValue,
                        location.clone(),
                        format!(
                            "accessibility.{key}（{what}、{date}）が方針を定めた日（policy_date、{set}）より前です"
                        ),
                        "日付を確かめてください",
                    );
                }
            }
        }
    }
}

/// The terms under which each site's figures are published.
#[derive(Debug, Clone, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct OpenDataSettings {
    /// Licence name shown on the downloads page and in the JSON.
    #[serde(default = "default_licence")]
    pub licence: String,
    /// Where the licence text is published.
    #[serde(default = "default_licence_url")]
    pub licence_url: String,
}

fn default_licence() -> String {
    "クリエイティブ・コモンズ 表示 4.0 国際（CC BY 4.0）".to_string()
}

fn default_licence_url() -> String {
    "https://creativecommons.org/licenses/by/4.0/deed.ja".to_string()
}

impl Default for OpenDataSettings {
    fn default() -> Self {
        Self {
            licence: default_licence(),
            licence_url: default_licence_url(),
        }
    }
}

/// Which posters every site gets.
#[derive(Debug, Clone, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct PosterSettings {
    /// Designs (file stems in the theme's posters/); empty = every design.
    /// Each keeps its place in config.yaml, so an unknown one is reported there.
    #[serde(default)]
    pub designs: Vec<serde_saphyr::Spanned<String>>,
    /// Paper sizes: A4, A3, B3, B2.
    #[serde(default = "default_sizes")]
    pub sizes: Vec<String>,
    /// 3 mm bleed and crop marks (トンボ) for print shops.
    #[serde(default)]
    pub print_marks: bool,
}

fn default_sizes() -> Vec<String> {
    vec!["A4".to_string(), "A3".to_string()]
}

impl Default for PosterSettings {
    fn default() -> Self {
        Self {
            designs: Vec::new(),
            sizes: default_sizes(),
            print_marks: false,
        }
    }
}

impl PosterSettings {
    /// The paper sizes named (an unknown name was reported when loading).
    pub fn paper_sizes(&self) -> Vec<PaperSize> {
        self.sizes.iter().filter_map(|s| paper_size(s)).collect()
    }
}

/// A trimmed paper size, portrait: the sizes `posters.sizes` may name.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct PaperSize {
    pub name: &'static str,
    pub width_mm: f64,
    pub height_mm: f64,
}

pub const A4: PaperSize = PaperSize {
    name: "A4",
    width_mm: 210.0,
    height_mm: 297.0,
};
pub const A3: PaperSize = PaperSize {
    name: "A3",
    width_mm: 297.0,
    height_mm: 420.0,
};
/// JIS B3.
pub const B3: PaperSize = PaperSize {
    name: "B3",
    width_mm: 364.0,
    height_mm: 515.0,
};
/// JIS B2.
pub const B2: PaperSize = PaperSize {
    name: "B2",
    width_mm: 515.0,
    height_mm: 728.0,
};

/// A paper size by name ("A4", "a3", "B2", …).
pub fn paper_size(name: &str) -> Option<PaperSize> {
    [A4, A3, B3, B2]
        .into_iter()
        .find(|p| p.name.eq_ignore_ascii_case(name.trim()))
}

fn default_theme() -> String {
    "default".to_string()
}

#[derive(Debug, Clone, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct Helpdesk {
    pub name: String,
    pub phone: String,
    pub hours: String,
    #[serde(default)]
    pub url: Option<String>,
}

/// KPI thresholds as shares (0.30 = 30%).
#[derive(Debug, Clone, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct Kpi {
    /// A municipality meets its target when this share of its offices use the system.
    pub municipality_target: f64,
    /// A prefecture meets its target when this share of its municipalities meet theirs.
    pub prefecture_target: f64,
}

#[derive(Debug, Clone, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct LicenceFee {
    /// Yen per office number per year.
    pub yen_per_year: u64,
    pub tax_included: bool,
    /// The date the fee was confirmed.
    pub as_of: String,
    /// Where the figure comes from.
    pub note: String,
    /// The consumption tax rate, for programmes that pay on the tax-exclusive
    /// fee (or the tax-inclusive one when the fee above is tax-exclusive).
    #[serde(default)]
    pub consumption_tax: Option<ConsumptionTax>,
    #[serde(default)]
    pub campaigns: Vec<Campaign>,
}

/// 消費税率 with the date it was confirmed.
#[derive(Debug, Clone, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct ConsumptionTax {
    /// Whole percent (10 = 10%).
    pub percent: u32,
    /// The date the rate was confirmed.
    pub as_of: String,
}

impl LicenceFee {
    /// The fee per office number per year with tax, when it is known (the fee
    /// is given with tax, or the tax rate is configured): tax-exclusive fee +
    /// the tax on it rounded down.
    pub fn tax_included_yen(&self) -> Option<u64> {
        if self.tax_included {
            return Some(self.yen_per_year);
        }
        let percent = u64::from(self.consumption_tax.as_ref()?.percent);
        Some(self.yen_per_year + self.yen_per_year * percent / 100)
    }

    /// The fee per office number per year without tax, when it is known: the
    /// tax-inclusive fee ÷ (1 + rate), rounded to the nearest yen (21,000円 at
    /// 10% → 19,091円).
    pub fn tax_excluded_yen(&self) -> Option<u64> {
        if !self.tax_included {
            return Some(self.yen_per_year);
        }
        let percent = u64::from(self.consumption_tax.as_ref()?.percent);
        let den = 100 + percent;
        Some((self.yen_per_year * 100 * 2 + den) / (2 * den))
    }
}

#[derive(Debug, Clone, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct Campaign {
    pub name: String,
    pub from: String,
    #[serde(default)]
    pub until: Option<String>,
    pub note: String,
    /// The campaign makes the first year's licence fee free for an office that
    /// starts using the system while it runs: the cost estimate then shows the
    /// first year with the campaign as a row of its own. Without it the
    /// campaign is only announced.
    #[serde(default)]
    pub first_year_free: bool,
}

/// What the adoption figures count, shown beside every figure.
#[derive(Debug, Clone, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct AdoptionNotes {
    /// Which offices the denominator counts.
    pub denominator: String,
    /// Where each snapshot file's figures come from, by file name in
    /// `data/adoption/` (`2023-11-06.csv: 国民健康保険中央会が…示した表`).
    /// Pages, posters and downloads cite the files behind the figures they
    /// show; which figures are illustrative follows from the file names
    /// (`sample`), never from this text.
    #[serde(default)]
    pub sources: std::collections::BTreeMap<String, String>,
}

/// Where each kind of site will be hosted; `{code}` is replaced by the site's code.
#[derive(Debug, Clone, Default, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct Hosting {
    #[serde(default)]
    pub national: Option<String>,
    #[serde(default)]
    pub prefecture: Option<String>,
    #[serde(default)]
    pub municipality: Option<String>,
}

#[derive(Debug, Clone, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct SubsidySettings {
    /// An open programme whose window ends within this many days is 締切間近.
    #[serde(default = "default_closing_soon")]
    pub closing_soon_days: i64,
}

impl Default for SubsidySettings {
    fn default() -> Self {
        Self {
            closing_soon_days: default_closing_soon(),
        }
    }
}

fn default_closing_soon() -> i64 {
    14
}

impl Config {
    pub fn load(path: &Path, problems: &mut Problems) -> Option<Config> {
        Config::read(path, problems).map(|(config, _)| config)
    }

    /// [`Config::load`], and where each key is in the file (for problems
    /// found later that are about a key, e.g. the hosting URLs).
    pub fn read(path: &Path, problems: &mut Problems) -> Option<(Config, Keys)> {
        let text = match std::fs::read_to_string(path) {
            Ok(t) => t,
            Err(e) => {
                problems.error(
                    Code::ConfigMissing,
                    Location::file(path),
                    format!("設定ファイルを読めません: {e}"),
                    "プロジェクトの直下に config.yaml を置いてください（outreach new で雛形を作れます）",
                );
                return None;
            }
        };
        let (config, keys) =
            crate::yaml::parse_with_keys::<Config>(&text, path, 0, Input::Config, None, problems)?;
        config.validate(&keys, problems);
        Some((config, keys))
    }

    fn validate(&self, keys: &Keys, problems: &mut Problems) {
        let mut bad = |at: Cursor, message: String, hint: &str| {
            problems.error(Code::ConfigBadValue, at.value_location(), message, hint);
        };
        for (key, value) in [
            ("municipality_target", self.kpi.municipality_target),
            ("prefecture_target", self.kpi.prefecture_target),
        ] {
            if !(value > 0.0 && value <= 1.0) {
                bad(
                    keys.get("kpi").get(key),
                    format!("{key} の値 {value} は 0 より大きく 1 以下の割合である必要があります"),
                    "30% なら 0.30 のように書いてください",
                );
            }
        }
        let fee = keys.get("licence_fee");
        if crate::dates::parse_iso(&self.licence_fee.as_of).is_none() {
            bad(
                fee.get("as_of"),
                format!("as_of の日付「{}」を読めません", self.licence_fee.as_of),
                "YYYY-MM-DD の形で書いてください",
            );
        }
        if let Some(tax) = &self.licence_fee.consumption_tax {
            let at = fee.get("consumption_tax");
            if tax.percent > 100 {
                bad(
                    at.get("percent"),
                    format!("消費税率 {}% は 100% を超えています", tax.percent),
                    "10% なら percent: 10 のように整数で書いてください",
                );
            }
            if crate::dates::parse_iso(&tax.as_of).is_none() {
                bad(
                    at.get("as_of"),
                    format!("消費税率の as_of の日付「{}」を読めません", tax.as_of),
                    "YYYY-MM-DD の形で書いてください",
                );
            }
        }
        for (i, campaign) in self.licence_fee.campaigns.iter().enumerate() {
            let at = fee.get("campaigns").item(i);
            let dates = [
                ("from", Some(&campaign.from)),
                ("until", campaign.until.as_ref()),
            ];
            for (key, date) in dates {
                if let Some(date) = date
                    && crate::dates::parse_iso(date).is_none()
                {
                    bad(
                        at.get(key),
                        format!(
                            "キャンペーン「{}」の日付「{date}」を読めません",
                            campaign.name
                        ),
                        "YYYY-MM-DD の形で書いてください",
                    );
                }
            }
        }
        for (i, size) in self.posters.sizes.iter().enumerate() {
            if paper_size(size).is_none() {
                bad(
                    keys.get("posters").get("sizes").item(i),
                    format!("ポスターの用紙サイズ「{size}」は使えません"),
                    "A4、A3、B3、B2 のどれかを書いてください",
                );
            }
        }
        for (key, pattern) in [
            ("national", &self.hosting.national),
            ("prefecture", &self.hosting.prefecture),
            ("municipality", &self.hosting.municipality),
        ] {
            if let Some(url) = pattern
                && !(url.starts_with("https://") || url.starts_with("http://"))
            {
                bad(
                    keys.get("hosting").get(key),
                    format!("公開先 URL「{url}」が http:// か https:// で始まっていません"),
                    "例: https://www.city.example.lg.jp/careplan/{code}/",
                );
            }
        }
        let policy = keys.get("accessibility");
        match &self.accessibility {
            Some(accessibility) => accessibility.validate(policy, problems),
            None => problems.warning(
                Code::ConfigNoAccessibilityPolicy,
                Location::file(keys.file()),
                "ウェブアクセシビリティ方針の項目（accessibility）がありません。各サイトの方針のページに、方針を定めた日と目標の期限を書けません",
                "config.yaml に accessibility: の下に target_level: AA、policy_date: 方針を定めた日、target_date: 目標を達成する期限 を書いてください",
            ),
        }
    }

    /// The threshold in parts per million, so KPI comparisons are exact integers.
    pub fn municipality_target_ppm(&self) -> u64 {
        (self.kpi.municipality_target * 1_000_000.0).round() as u64
    }

    pub fn prefecture_target_ppm(&self) -> u64 {
        (self.kpi.prefecture_target * 1_000_000.0).round() as u64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fee(yen: u64, tax_included: bool, percent: Option<u32>) -> LicenceFee {
        LicenceFee {
            yen_per_year: yen,
            tax_included,
            as_of: "2025-04-01".into(),
            note: String::new(),
            consumption_tax: percent.map(|percent| ConsumptionTax {
                percent,
                as_of: "2025-04-01".into(),
            }),
            campaigns: Vec::new(),
        }
    }

    #[test]
    fn the_fee_with_and_without_tax() {
        // 21,000円 with tax at 10%: 19,090.9… → 19,091円 without.
        let with = fee(21_000, true, Some(10));
        assert_eq!(with.tax_included_yen(), Some(21_000));
        assert_eq!(with.tax_excluded_yen(), Some(19_091));
        assert_eq!(fee(11_000, true, Some(10)).tax_excluded_yen(), Some(10_000));
        assert_eq!(fee(10_800, true, Some(8)).tax_excluded_yen(), Some(10_000));
        // A tax-exclusive fee: the tax is added and rounded down.
        let without = fee(19_091, false, Some(10));
        assert_eq!(without.tax_excluded_yen(), Some(19_091));
        assert_eq!(without.tax_included_yen(), Some(21_000));
        // Without a rate only the stated amount is known.
        assert_eq!(fee(21_000, true, None).tax_excluded_yen(), None);
        assert_eq!(fee(19_091, false, None).tax_included_yen(), None);
    }

    #[test]
    fn a_bad_tax_rate_is_reported_at_its_line() {
        let text = std::fs::read_to_string(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("config.yaml"),
        )
        .unwrap()
        .replace("    percent: 10\n", "    percent: 110\n");
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.yaml");
        std::fs::write(&path, &text).unwrap();
        let mut problems = Problems::new();
        assert!(Config::load(&path, &mut problems).is_some());
        let all = problems.sorted();
        assert_eq!(all.len(), 1, "{all:#?}");
        let line = text.lines().position(|l| l == "    percent: 110").unwrap() + 1;
        assert_eq!(all[0].code, Code::ConfigBadValue);
        assert_eq!(all[0].location, Location::at(&path, line, 14));
        assert!(all[0].message.contains("110%"));
    }
}
