//! `config.yaml` at the project root: site-wide settings that change over
//! time (fees, thresholds, hosting) live here, never in code.

use std::path::Path;

use jiff::civil::Date;
use serde::Deserialize;
use serde_saphyr::Spanned;

use crate::problems::{Code, Location, Problems};
use crate::yaml::{Cursor, Input, Keys};

/// A date as written in `config.yaml`, with its place in the file, before
/// [`Config::read`] reads it. Every date of a [`Config`] (`D`) is a
/// [`Date`]: one that cannot be read is a problem of `check`, at its line and
/// column, never a surprise when pages are made.
pub type Written = Spanned<String>;

#[derive(Debug, Clone, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields, bound(deserialize = "D: Deserialize<'de>"))]
pub struct Config<D = Date> {
    /// Title of the national site; prefecture and municipality sites prefix their name.
    pub title: String,
    /// Who publishes the national site (shown in the footer).
    pub publisher: String,
    #[serde(default = "default_theme")]
    pub theme: String,
    pub helpdesk: Helpdesk,
    pub kpi: Kpi,
    pub licence_fee: LicenceFee<D>,
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
    pub accessibility: Option<AccessibilityPolicy<D>>,
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
#[serde(deny_unknown_fields, bound(deserialize = "D: Deserialize<'de>"))]
pub struct AccessibilityPolicy<D = Date> {
    /// 目標とする適合レベル: `A` or `AA`.
    pub target_level: Spanned<String>,
    /// 方針を定めた日 (YYYY-MM-DD).
    pub policy_date: D,
    /// 目標を達成する期限 (YYYY-MM-DD).
    pub target_date: D,
    /// 方針を改めた日 (YYYY-MM-DD), when it was revised.
    #[serde(default)]
    pub revised: Option<D>,
    /// 追加して達成を目指す達成基準, in words (e.g. WCAG 2.1's additions).
    #[serde(default)]
    pub additional: Option<String>,
}

impl<D> AccessibilityPolicy<D> {
    /// The target level; AA when it cannot be read (reported by `check`).
    pub fn level(&self) -> Level {
        Level::parse(&self.target_level.value).unwrap_or(Level::AA)
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
    }
}

impl AccessibilityPolicy<Written> {
    /// The policy with its dates read; `None` when one cannot be (reported).
    /// A target or revision date before the policy's own date is reported too.
    fn dated(self, dates: &mut Dates) -> Option<AccessibilityPolicy> {
        let policy_date = dates.read("accessibility.policy_date", &self.policy_date);
        let target_date = dates.read("accessibility.target_date", &self.target_date);
        let revised = self
            .revised
            .as_ref()
            .map(|r| dates.read("accessibility.revised", r));
        if let Some(set) = policy_date {
            for (key, what, written, date) in [
                (
                    "target_date",
                    "目標を達成する期限",
                    Some(&self.target_date),
                    target_date,
                ),
                (
                    "revised",
                    "方針を改めた日",
                    self.revised.as_ref(),
                    revised.flatten(),
                ),
            ] {
                if let (Some(written), Some(date)) = (written, date)
                    && date < set
                {
                    dates.problems.error(
                        Code::ConfigBadValue,
                        dates.location(written),
                        format!(
                            "accessibility.{key}（{what}、{date}）が方針を定めた日（policy_date、{set}）より前です"
                        ),
                        "日付を確かめてください",
                    );
                }
            }
        }
        Some(AccessibilityPolicy {
            target_level: self.target_level,
            policy_date: policy_date?,
            target_date: target_date?,
            revised: revised.map_or(Some(None), |r| r.map(Some))?,
            additional: self.additional,
        })
    }
}

/// Reads the dates of `config.yaml`, reporting each that cannot be read at
/// its value's line and column.
struct Dates<'a> {
    file: &'a Path,
    problems: &'a mut Problems,
}

impl Dates<'_> {
    fn location(&self, written: &Written) -> Location {
        crate::yaml::location(self.file, 0, written.referenced)
    }

    /// The date of `key` (named in the message as the editor finds it).
    fn read(&mut self, key: &str, written: &Written) -> Option<Date> {
        let date = crate::dates::parse_iso(written.value.trim());
        if date.is_none() {
            self.problems.error(
                Code::ConfigBadValue,
                self.location(written),
                format!("{key} の日付「{}」を読めません", written.value),
                "2026-04-01 のように 年-月-日（半角、月日は2桁）で、実在する日付を書いてください",
            );
        }
        date
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
#[serde(deny_unknown_fields, bound(deserialize = "D: Deserialize<'de>"))]
pub struct LicenceFee<D = Date> {
    /// Yen per office number per year.
    pub yen_per_year: u64,
    pub tax_included: bool,
    /// The date the fee was confirmed.
    pub as_of: D,
    /// Where the figure comes from.
    pub note: String,
    /// The consumption tax rate, for programmes that pay on the tax-exclusive
    /// fee (or the tax-inclusive one when the fee above is tax-exclusive).
    #[serde(default)]
    pub consumption_tax: Option<ConsumptionTax<D>>,
    #[serde(default)]
    pub campaigns: Vec<Campaign<D>>,
}

/// 消費税率 with the date it was confirmed.
#[derive(Debug, Clone, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields, bound(deserialize = "D: Deserialize<'de>"))]
pub struct ConsumptionTax<D = Date> {
    /// Whole percent (10 = 10%).
    pub percent: u32,
    /// The date the rate was confirmed.
    pub as_of: D,
}

impl LicenceFee<Written> {
    /// The fee with its dates read; `None` when one cannot be (reported).
    fn dated(self, dates: &mut Dates) -> Option<LicenceFee> {
        let as_of = dates.read("licence_fee.as_of", &self.as_of);
        let tax = self.consumption_tax.map(|tax| {
            let as_of = dates.read("licence_fee.consumption_tax.as_of", &tax.as_of);
            as_of.map(|as_of| ConsumptionTax {
                percent: tax.percent,
                as_of,
            })
        });
        let campaigns: Vec<Option<Campaign>> = self
            .campaigns
            .into_iter()
            .map(|c| {
                let key = format!("キャンペーン「{}」の", c.name);
                let from = dates.read(&format!("{key} from"), &c.from);
                let until = c
                    .until
                    .as_ref()
                    .map(|u| dates.read(&format!("{key} until"), u));
                Some(Campaign {
                    from: from?,
                    until: until.map_or(Some(None), |u| u.map(Some))?,
                    name: c.name,
                    note: c.note,
                    first_year_free: c.first_year_free,
                })
            })
            .collect();
        Some(LicenceFee {
            yen_per_year: self.yen_per_year,
            tax_included: self.tax_included,
            as_of: as_of?,
            note: self.note,
            consumption_tax: tax.map_or(Some(None), |t| t.map(Some))?,
            campaigns: campaigns.into_iter().collect::<Option<_>>()?,
        })
    }
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
#[serde(deny_unknown_fields, bound(deserialize = "D: Deserialize<'de>"))]
pub struct Campaign<D = Date> {
    pub name: String,
    pub from: D,
    #[serde(default)]
    pub until: Option<D>,
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
        let (config, keys) = crate::yaml::parse_with_keys::<Config<Written>>(
            &text,
            path,
            0,
            Input::Config,
            None,
            problems,
        )?;
        config.validate(&keys, problems);
        let config = config.dated(path, problems)?;
        Some((config, keys))
    }

    /// The threshold in parts per million, so KPI comparisons are exact integers.
    pub fn municipality_target_ppm(&self) -> u64 {
        (self.kpi.municipality_target * 1_000_000.0).round() as u64
    }

    pub fn prefecture_target_ppm(&self) -> u64 {
        (self.kpi.prefecture_target * 1_000_000.0).round() as u64
    }
}

impl Config<Written> {
    /// The config with every date read. Every date that cannot be read is
    /// reported; then there is no config (as when a value has the wrong type).
    fn dated(self, file: &Path, problems: &mut Problems) -> Option<Config> {
        let mut dates = Dates { file, problems };
        let licence_fee = self.licence_fee.dated(&mut dates);
        let accessibility = self.accessibility.map(|a| a.dated(&mut dates));
        Some(Config {
            title: self.title,
            publisher: self.publisher,
            theme: self.theme,
            helpdesk: self.helpdesk,
            kpi: self.kpi,
            licence_fee: licence_fee?,
            adoption: self.adoption,
            hosting: self.hosting,
            subsidies: self.subsidies,
            posters: self.posters,
            open_data: self.open_data,
            accessibility: accessibility.map_or(Some(None), |a| a.map(Some))?,
        })
    }

    /// Each key of `adoption.sources` names a file of `data/adoption/` (beside
    /// this file): one that does not (a typo, a renamed file) cites nothing,
    /// and the file it meant is shown without its source. A warning at the key.
    fn check_adoption_sources(&self, keys: &Keys, problems: &mut Problems) {
        if self.adoption.sources.is_empty() {
            return;
        }
        let dir = keys
            .file()
            .parent()
            .unwrap_or(Path::new(""))
            .join("data/adoption");
        // An unreadable folder is reported by the adoption loader.
        let Ok(entries) = std::fs::read_dir(&dir) else {
            return;
        };
        let mut files: Vec<String> = entries
            .filter_map(|e| e.ok())
            .filter(|e| e.path().is_file())
            .filter_map(|e| e.file_name().into_string().ok())
            .filter(|name| !name.starts_with('.'))
            .collect();
        files.sort();
        let sources = keys.get("adoption").get("sources");
        for name in self.adoption.sources.keys() {
            if files.contains(name) {
                continue;
            }
            let uncited: Vec<&str> = files
                .iter()
                .map(String::as_str)
                .filter(|f| !self.adoption.sources.contains_key(*f))
                .collect();
            let hint = if uncited.is_empty() {
                "data/adoption/ のファイル名のとおりに書くか、使わない出典なら行を消してください"
                    .to_string()
            } else {
                format!(
                    "data/adoption/ のファイル名のとおりに書いてください（出典の書かれていないファイル: {}）",
                    uncited.join("、")
                )
            };
            problems.warning(
                Code::ConfigUnknownAdoptionSource,
                sources.get(name).key_location(),
                format!(
                    "adoption.sources の「{name}」は data/adoption/ にないファイルです。この出典はどの数値にも表示されません"
                ),
                hint,
            );
        }
    }

    /// Checks of the values as written (the dates are read by [`Config::dated`]).
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
        if let Some(tax) = &self.licence_fee.consumption_tax {
            let at = fee.get("consumption_tax");
            if tax.percent > 100 {
                bad(
                    at.get("percent"),
                    format!("消費税率 {}% は 100% を超えています", tax.percent),
                    "10% なら percent: 10 のように整数で書いてください",
                );
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
        self.check_adoption_sources(keys, problems);
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
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fee(yen: u64, tax_included: bool, percent: Option<u32>) -> LicenceFee {
        LicenceFee {
            yen_per_year: yen,
            tax_included,
            as_of: jiff::civil::date(2025, 4, 1),
            note: String::new(),
            consumption_tax: percent.map(|percent| ConsumptionTax {
                percent,
                as_of: jiff::civil::date(2025, 4, 1),
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
    fn dates_are_read_when_the_file_is() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("config.yaml");
        let mut problems = Problems::new();
        let config = Config::load(&path, &mut problems).expect("the sample config loads");
        assert!(problems.is_empty(), "{:?}", problems.sorted());
        assert_eq!(config.licence_fee.as_of, jiff::civil::date(2025, 4, 1));
        let campaign = &config.licence_fee.campaigns[0];
        assert_eq!(campaign.from, jiff::civil::date(2025, 6, 1));
        let policy = config.accessibility.as_ref().unwrap();
        assert_eq!(policy.policy_date, jiff::civil::date(2026, 4, 1));
        // Templates get them as the text they were written as.
        let json = serde_json::to_value(&config.licence_fee).unwrap();
        assert_eq!(json["as_of"], "2025-04-01");
        assert_eq!(json["campaigns"][0]["from"], "2025-06-01");
    }

    #[test]
    fn every_unreadable_date_is_reported_at_its_value_in_one_run() {
        let text = std::fs::read_to_string(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("config.yaml"),
        )
        .unwrap();
        let broken = [
            ("\n  as_of: 2025-04-01\n", "\n  as_of: 2025-02-30\n"),
            ("\n    as_of: 2025-04-01\n", "\n    as_of: 2025/4/1\n"),
            (
                "\n      from: 2025-06-01\n",
                "\n      from: 令和7年6月1日\n",
            ),
            (
                "\n  target_date: 2027-03-31\n",
                "\n  target_date: 2027-3-31\n",
            ),
        ];
        let mut text = text;
        for (good, bad) in broken {
            assert_eq!(text.matches(good).count(), 1, "{good}");
            text = text.replace(good, bad);
        }
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.yaml");
        std::fs::write(&path, &text).unwrap();
        let mut problems = Problems::new();
        assert!(Config::load(&path, &mut problems).is_none());
        let found: Vec<(Code, Location)> = problems
            .sorted()
            .iter()
            .map(|p| (p.code, p.location.clone()))
            .collect();
        let at = |bad: &str| {
            let bad = bad.trim_matches('\n');
            let line = text.lines().position(|l| l == bad).unwrap() + 1;
            let column = bad.find(": ").unwrap() + 3;
            (Code::ConfigBadValue, Location::at(&path, line, column))
        };
        let mut expected: Vec<_> = broken.iter().map(|(_, bad)| at(bad)).collect();
        expected.sort_by_key(|(_, l)| l.line_number());
        assert_eq!(found, expected);
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
