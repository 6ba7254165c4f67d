//! Subsidy programmes (補助金・助成制度): one programme per file in
//! `data/subsidies/*.yaml`. The file stem is the programme's id.
//!
//! # YAML keys / 項目一覧
//!
//! | key | 必須 | 内容 |
//! | --- | --- | --- |
//! | `name` | ○ | 制度名。架空の例は「（架空）」で始める |
//! | `provider` | ○ | `national`（国の制度）、または都道府県・市区町村の6桁の団体コード（`"220001"` のように引用符で囲む） |
//! | `administered_by` | ○ | 実施・窓口となる機関（例: 厚生労働省 / 都道府県） |
//! | `budget_source` | ○ | 財源（例: 地域医療介護総合確保基金（介護生産性向上推進総合事業）、市町村単独予算） |
//! | `eligible` | ○ | 対象事業所の一覧。次の語のいずれか: 居宅介護支援事業所、介護予防支援事業所、地域包括支援センター、サービス事業所。サービス種別を絞るときは「サービス事業所（訪問介護・通所介護）」のように全角括弧で補足する |
//! | `covers` | ○ | 補助対象経費の一覧（例: ライセンス料、介護ソフト、電子証明書、研修）。自由記述だが、ライセンス料の補助額の試算は「ライセンス料」と書かれたものだけが対象 |
//! | `rate` | | 補助率。`3/4`、`0.75`、`75%`、`4分の3` のいずれかの書き方。1（`10/10`）以下 |
//! | `ceiling_yen` | | 上限額（円）。`50000`、`"50,000"`、`5万円` も可 |
//! | `window` | | 受付期間 `{start: 2026-04-01, end: 2026-12-10}`。どちらも省略可 |
//! | `how_to_apply` | ○ | 申請方法 |
//! | `contact` | ○ | 問い合わせ先 |
//! | `link` | | 公式ページの URL（http:// または https:// のみ） |
//! | `confirmed` | ○ | 内容を最後に確認した日（`2025-06-01`）。未来の日付でもよい |
//! | `illustrative` | | サンプル・架空のデータなら `true`（既定は `false`） |
//! | `areas` | | 実施地域を限るときの6桁の団体コードの一覧。国の制度は都道府県または市区町村のコード、都道府県の制度はその都道府県内の市区町村のコード。市区町村の制度には書けない。省くと従来どおり（国は全国、都道府県は管内全域） |
//! | `areas_illustrative` | | `areas` がサンプル・架空の地域指定なら `true`。ページに「サンプル」と示す |
//! | `ceiling_per` | | 上限額の単位: `office`（事業所番号ごと、既定）か `application`（1回の申請ごと） |
//! | `fee_basis` | | 補助の対象額: `tax_included`（税込、既定）か `tax_excluded`（税抜。消費税率は config.yaml の `licence_fee.consumption_tax`） |
//! | `round_down_to` | | 補助額の端数の切り捨て単位（円）。千円未満切り捨てなら `1000` |
//! | `combinable` | | ほかの制度と併用できるなら `true`（既定は `false`） |
//! | `combinable_with` | | 併用できる制度のファイル名（拡張子なし）の一覧 |
//!
//! A programme is stacked with another in the cost estimate only when both
//! allow it (`combinable: true` or the other's id in `combinable_with`);
//! otherwise the estimate takes the programme (or allowed combination) that
//! pays most. See [`estimate`].
//!
//! Dates are strict `YYYY-MM-DD`. Every problem of every file is reported in
//! one [`load`] call; a file whose YAML cannot be read at all (syntax error,
//! unknown key, a list where text is expected) reports that and is skipped, so
//! its remaining field checks appear once the structural problem is fixed.
//! Unknown keys are all reported at once, not only the first.
//!
//! `eligible` decision: the vocabulary is fixed so that pages can group and
//! filter programmes; specific service types go in a full-width parenthesised
//! qualifier after a category (`サービス事業所（訪問介護）`), which is kept
//! verbatim in [`Subsidy::eligible`]. [`eligible_category`] strips it.

use std::fmt;
use std::path::{Path, PathBuf};

use jiff::civil::Date;
use serde::Deserialize;
use serde_saphyr::Spanned;

use crate::config::LicenceFee;
use crate::data::jis::{Code as JisCode, MasterList};
use crate::data::table::{ControlChar, control_char, normalize_width};
use crate::dates::parse_iso;
use crate::problems::{Code, Location, Problems};
use crate::yaml::{Input, Keys};

pub mod estimate;
mod load;

pub use load::*;

/// What a programme's ceiling is counted per.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CeilingPer {
    /// Per office number (事業所番号ごと): n office numbers, n ceilings.
    #[default]
    Office,
    /// Per application (1申請ごと): one ceiling however many office numbers.
    Application,
}

impl CeilingPer {
    pub fn label(&self) -> &'static str {
        match self {
            CeilingPer::Office => "1事業所番号あたり",
            CeilingPer::Application => "1申請あたり",
        }
    }
}

/// Which amount of the fee a programme pays on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FeeBasis {
    /// 税込
    #[default]
    TaxIncluded,
    /// 税抜
    TaxExcluded,
}

impl FeeBasis {
    pub fn label(&self) -> &'static str {
        match self {
            FeeBasis::TaxIncluded => "税込",
            FeeBasis::TaxExcluded => "税抜",
        }
    }

    /// The fee per office number on this basis, when it is known.
    pub fn fee_yen(&self, fee: &LicenceFee) -> Option<u64> {
        match self {
            FeeBasis::TaxIncluded => fee.tax_included_yen(),
            FeeBasis::TaxExcluded => fee.tax_excluded_yen(),
        }
    }
}

/// Who funds and runs a programme. Ordered national → prefecture → municipality, then by code.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
pub enum Provider {
    National,
    /// 6-digit prefecture code (`220001`).
    Prefecture(JisCode),
    /// 6-digit municipality code (`221007`).
    Municipality(JisCode),
}

impl Provider {
    /// The 6-digit code, or `None` for a national programme.
    pub fn code(&self) -> Option<&JisCode> {
        match self {
            Provider::National => None,
            Provider::Prefecture(c) | Provider::Municipality(c) => Some(c),
        }
    }

    /// A name for pages: 国, 静岡県, 静岡県静岡市 (the code if it is not in the master list).
    pub fn display_name(&self, master: &MasterList) -> String {
        match self {
            Provider::National => "国".to_string(),
            Provider::Prefecture(c) => master
                .prefecture(c)
                .map_or_else(|| c.to_string(), |p| p.name.clone()),
            Provider::Municipality(c) => match master.municipality(c) {
                Some(m) => {
                    let pref = master
                        .prefecture_of(&m.code)
                        .map(|p| p.name.as_str())
                        .unwrap_or("");
                    format!("{pref}{}", m.name)
                }
                None => c.to_string(),
            },
        }
    }
}

/// A subsidy rate as a reduced fraction (`3/4`); a full subsidy is `1/1`, shown as `10/10`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Rate {
    pub numerator: u32,
    pub denominator: u32,
}

impl Rate {
    pub fn as_f64(&self) -> f64 {
        f64::from(self.numerator) / f64::from(self.denominator)
    }

    /// `3/4`; a full subsidy is written `10/10` as Japanese programmes do.
    pub fn display(&self) -> String {
        if self.numerator == self.denominator {
            "10/10".to_string()
        } else {
            format!("{}/{}", self.numerator, self.denominator)
        }
    }

    /// Parse `3/4`, `0.75`, `75%`, `4分の3` (full-width digits allowed).
    /// The result is reduced; it may still be above 1 or zero (checked by the caller).
    pub fn parse(text: &str) -> Result<Rate, RateError> {
        let t = normalize_width(text.trim());
        let (num, den) = if let Some((a, b)) = t.split_once('/') {
            let num: u64 = parse_uint(a.trim()).ok_or(RateError::Syntax)?;
            let den: u64 = parse_uint(b.trim()).ok_or(RateError::Syntax)?;
            (num, den)
        } else if let Some((den, num)) = t.split_once("分の") {
            let den: u64 = parse_uint(den.trim()).ok_or(RateError::Syntax)?;
            let num: u64 = parse_uint(num.trim()).ok_or(RateError::Syntax)?;
            (num, den)
        } else if let Some(p) = t.strip_suffix('%') {
            let (num, den) = parse_decimal(p.trim()).ok_or(RateError::Syntax)?;
            (num, den.checked_mul(100).ok_or(RateError::Syntax)?)
        } else {
            parse_decimal(&t).ok_or(RateError::Syntax)?
        };
        if den == 0 {
            return Err(RateError::ZeroDenominator);
        }
        // den > 0, so the gcd is at least 1.
        let g = gcd(num, den).max(1);
        let (num, den) = (num / g, den / g);
        let numerator = u32::try_from(num).map_err(|_| RateError::Syntax)?;
        let denominator = u32::try_from(den).map_err(|_| RateError::Syntax)?;
        Ok(Rate {
            numerator,
            denominator,
        })
    }
}

impl fmt::Display for Rate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.display())
    }
}

/// Why a rate could not be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum RateError {
    #[error("補助率の書き方が読み取れません")]
    Syntax,
    #[error("補助率の分母が0です")]
    ZeroDenominator,
}

/// Where a programme stands on a given day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
pub enum Status {
    /// 受付前
    Upcoming,
    /// 受付中
    Open,
    /// 締切間近
    ClosingSoon,
    /// 受付終了
    Closed,
}

impl Status {
    pub fn label(&self) -> &'static str {
        match self {
            Status::Upcoming => "受付前",
            Status::Open => "受付中",
            Status::ClosingSoon => "締切間近",
            Status::Closed => "受付終了",
        }
    }
}

/// One subsidy programme, validated.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Subsidy {
    /// The file stem.
    pub id: String,
    pub name: String,
    pub provider: Provider,
    pub administered_by: String,
    pub budget_source: String,
    /// Categories from [`ELIGIBLE_CATEGORIES`], optionally with a `（…）` qualifier.
    pub eligible: Vec<String>,
    pub covers: Vec<String>,
    pub rate: Option<Rate>,
    pub ceiling_yen: Option<u64>,
    #[serde(serialize_with = "ser_opt_date")]
    pub window_start: Option<Date>,
    #[serde(serialize_with = "ser_opt_date")]
    pub window_end: Option<Date>,
    pub how_to_apply: String,
    pub contact: String,
    /// http(s) only.
    pub link: Option<String>,
    /// The date the record was last confirmed.
    #[serde(serialize_with = "ser_date")]
    pub confirmed: Date,
    pub illustrative: bool,
    /// 6-digit codes the programme is limited to, in code order; empty = no limit.
    pub areas: Vec<JisCode>,
    /// The `areas` are an illustrative choice (サンプル).
    pub areas_illustrative: bool,
    pub ceiling_per: CeilingPer,
    pub fee_basis: FeeBasis,
    /// Round the amount down to a multiple of this many yen (1000 = 千円未満切り捨て).
    pub round_down_to: Option<u64>,
    /// Combinable with any programme that allows it too.
    pub combinable: bool,
    /// Ids of programmes it may be combined with.
    pub combinable_with: Vec<String>,
    pub source: PathBuf,
}

/// The `covers` entry that the cost estimate looks for.
pub const LICENCE_FEE: &str = "ライセンス料";

/// The fixed vocabulary of `eligible`.
pub const ELIGIBLE_CATEGORIES: [&str; 4] = [
    "居宅介護支援事業所",
    "介護予防支援事業所",
    "地域包括支援センター",
    "サービス事業所",
];

/// The category of an `eligible` entry: `サービス事業所（訪問介護）` → `サービス事業所`.
pub fn eligible_category(entry: &str) -> &str {
    entry.split_once('（').map_or(entry, |(c, _)| c)
}

impl Subsidy {
    /// Status on `today`. `ClosingSoon` when open and the end is at most
    /// `closing_soon_days` days after today (the last day itself counts as open).
    /// Without a start the programme counts as already open; without an end it
    /// never closes. Use [`Subsidy::has_window`] to tell "no dates known" apart.
    pub fn status(&self, today: Date, closing_soon_days: i64) -> Status {
        if let Some(start) = self.window_start
            && today < start
        {
            return Status::Upcoming;
        }
        if let Some(end) = self.window_end {
            if today > end {
                return Status::Closed;
            }
            let days_left = today
                .until(end)
                .map(|span| i64::from(span.get_days()))
                .unwrap_or(i64::MAX);
            if days_left <= closing_soon_days {
                return Status::ClosingSoon;
            }
        }
        Status::Open
    }

    /// Whether an application window (start or end) is known at all.
    pub fn has_window(&self) -> bool {
        self.window_start.is_some() || self.window_end.is_some()
    }

    /// Whether this programme applies to a site. Without `areas`, national
    /// programmes apply to every site; a prefecture's to its own site and its
    /// municipalities' sites; a municipality's only to that municipality's site.
    /// With `areas`, a national programme applies to the national site (which
    /// lists its areas), to the site of each prefecture that has an area and to
    /// each municipality listed or inside a listed prefecture; a prefecture's
    /// programme to its own site and its listed municipalities. The national
    /// site (`None`, `None`) sees national programmes only. For a municipality
    /// site the prefecture may be omitted: it is taken from the municipality code.
    pub fn applies_to(
        &self,
        site_prefecture: Option<&JisCode>,
        site_municipality: Option<&JisCode>,
    ) -> bool {
        let site = site_prefecture.or(site_municipality);
        match &self.provider {
            Provider::National => {
                if self.areas.is_empty() {
                    return true;
                }
                match (site, site_municipality) {
                    (None, _) => true,
                    (Some(_), Some(m)) => self
                        .areas
                        .iter()
                        .any(|a| a == m || (a.is_prefecture() && a.same_prefecture(m))),
                    (Some(site), None) => self.areas.iter().any(|a| a.same_prefecture(site)),
                }
            }
            Provider::Prefecture(p) => {
                site.is_some_and(|site| site.same_prefecture(p))
                    && site_municipality
                        .is_none_or(|m| self.areas.is_empty() || self.areas.contains(m))
            }
            Provider::Municipality(m) => site_municipality == Some(m),
        }
    }

    /// Whether this programme, by its own rules, lets `other` pay towards the
    /// same expense too.
    pub fn allows(&self, other: &Subsidy) -> bool {
        self.combinable || self.combinable_with.contains(&other.id)
    }

    /// Whether the two programmes may be stacked: each allows the other.
    pub fn stacks_with(&self, other: &Subsidy) -> bool {
        self.allows(other) && other.allows(self)
    }

    /// Whether what a reader sees of this programme rests on sample data: the
    /// programme itself or the areas it is shown for.
    pub fn shown_as_sample(&self) -> bool {
        self.illustrative || (self.areas_illustrative && !self.areas.is_empty())
    }

    /// Whether the programme pays towards the licence fee.
    pub fn covers_licence_fee(&self) -> bool {
        self.covers.iter().any(|c| c == LICENCE_FEE)
    }
}

fn ser_date<S: serde::Serializer>(d: &Date, s: S) -> Result<S::Ok, S::Error> {
    s.collect_str(d)
}

fn ser_opt_date<S: serde::Serializer>(d: &Option<Date>, s: S) -> Result<S::Ok, S::Error> {
    match d {
        Some(d) => s.collect_str(d),
        None => s.serialize_none(),
    }
}

#[cfg(test)]
mod tests;
