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

// ---------------------------------------------------------------------------
// Loading

/// Every top-level key, in the order the documentation lists them.
const KEYS: [&str; 21] = [
    "name",
    "provider",
    "administered_by",
    "budget_source",
    "eligible",
    "covers",
    "rate",
    "ceiling_yen",
    "window",
    "how_to_apply",
    "contact",
    "link",
    "confirmed",
    "illustrative",
    "areas",
    "areas_illustrative",
    "ceiling_per",
    "fee_basis",
    "round_down_to",
    "combinable",
    "combinable_with",
];
const WINDOW_KEYS: [&str; 2] = ["start", "end"];
/// Keys whose text may run over several lines (`|` blocks).
const MULTILINE_KEYS: [&str; 2] = ["how_to_apply", "contact"];

type Text = Option<Spanned<String>>;
type List = Option<Spanned<Vec<Spanned<String>>>>;

/// The file as written. Every scalar is read as text so that value problems
/// are reported by [`validate`] with their own location, all at once.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Raw {
    name: Text,
    provider: Text,
    administered_by: Text,
    budget_source: Text,
    eligible: List,
    covers: List,
    rate: Text,
    ceiling_yen: Text,
    window: Option<Spanned<RawWindow>>,
    how_to_apply: Text,
    contact: Text,
    link: Text,
    confirmed: Text,
    illustrative: Text,
    areas: List,
    areas_illustrative: Text,
    ceiling_per: Text,
    fee_basis: Text,
    round_down_to: Text,
    combinable: Text,
    combinable_with: List,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawWindow {
    start: Text,
    end: Text,
}

/// Load every `*.yaml` in `dir`, sorted by provider then id. An absent
/// directory means no programmes. Problems go to `problems`; a file with an
/// error is left out of the result. `fee` (config.yaml's licence fee, when it
/// could be read) tells whether a `fee_basis` can be computed; `combinable_with`
/// is checked across the files.
pub fn load(
    dir: &Path,
    master: &MasterList,
    fee: Option<&LicenceFee>,
    problems: &mut Problems,
) -> Vec<Subsidy> {
    if !dir.exists() {
        return Vec::new();
    }
    let paths = match super::folder_files(dir) {
        Ok(paths) => paths,
        Err(e) => {
            problems.error(
                Code::FileUnreadable,
                Location::file(dir),
                format!("補助金のフォルダ「{}」を読めません: {e}", dir.display()),
                "data/subsidies はフォルダにして、制度ごとに .yaml ファイルを置いてください",
            );
            return Vec::new();
        }
    };

    let mut subsidies = Vec::new();
    let mut ids = std::collections::BTreeSet::new();
    // Every file's combinable_with, whether or not the file has other errors.
    let mut partners: Vec<(PathBuf, String, Vec<Spanned<String>>)> = Vec::new();
    for path in paths {
        match path.extension().and_then(|e| e.to_str()) {
            Some("yaml") => {}
            Some("yml") => {
                problems.warning(
                    Code::FileIgnored,
                    Location::file(&path),
                    format!(
                        "「{}」は拡張子が .yml なので読み込みません",
                        path.file_name().unwrap_or_default().to_string_lossy()
                    ),
                    "補助金のファイルは拡張子を .yaml にしてください",
                );
                continue;
            }
            _ => continue,
        }
        let id = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        ids.insert(id.clone());
        let (loaded, with) = load_file(&path, master, fee, problems);
        if let Some(s) = loaded {
            subsidies.push(s);
        }
        partners.push((path, id, with));
    }
    check_combinations(&subsidies, &partners, &ids, problems);
    subsidies.sort_by(|a, b| (&a.provider, &a.id).cmp(&(&b.provider, &b.id)));
    subsidies
}

/// `combinable_with` names programme files that exist, not the programme
/// itself; naming one that does not allow it back is a warning (the estimate
/// stacks two programmes only when both allow it).
fn check_combinations(
    subsidies: &[Subsidy],
    partners: &[(PathBuf, String, Vec<Spanned<String>>)],
    ids: &std::collections::BTreeSet<String>,
    problems: &mut Problems,
) {
    for (path, own_id, with) in partners {
        for item in with {
            let at = crate::yaml::location(path, 0, item.referenced);
            let id = item.value.as_str();
            if id == own_id {
                problems.error(
                    Code::SubsidyBadCombination,
                    at,
                    format!("combinable_with にこの制度自身（{id}）が書かれています"),
                    "併用できるほかの制度のファイル名（拡張子なし）を書いてください",
                );
            } else if !ids.contains(id) {
                problems.error(
                    Code::SubsidyBadCombination,
                    at,
                    format!("combinable_with の「{id}」という制度のファイル（data/subsidies/{id}.yaml）がありません"),
                    "併用できる制度のファイル名を、拡張子 .yaml を除いて書いてください（例: shizuoka-pref-example）",
                );
            } else if let Some(other) = subsidies.iter().find(|o| o.id == id)
                && !(other.combinable || other.combinable_with.iter().any(|w| w == own_id))
            {
                problems.warning(
                    Code::SubsidyOneSidedCombination,
                    at,
                    format!(
                        "「{}」（{id}.yaml）の側には、この制度との併用が書かれていません。費用の試算では2つを併用しません",
                        other.name
                    ),
                    format!(
                        "両方の要綱が併用を認めているなら、{id}.yaml にも combinable_with: [{}] か combinable: true を書いてください",
                        own_id
                    ),
                );
            }
        }
    }
}

fn load_file(
    path: &Path,
    master: &MasterList,
    fee: Option<&LicenceFee>,
    problems: &mut Problems,
) -> (Option<Subsidy>, Vec<Spanned<String>>) {
    let Some(text) = crate::yaml::read_text(path, problems) else {
        return (None, Vec::new());
    };
    let text = text.as_str();
    if text
        .lines()
        .all(|l| l.trim().is_empty() || l.trim_start().starts_with('#'))
    {
        problems.error(
            Code::SubsidyEmptyFile,
            Location::file(path),
            "ファイルが空です",
            "name、provider などの項目を書いてください（不要なファイルなら削除してください）",
        );
        return (None, Vec::new());
    }
    let schema = crate::yaml::Schema {
        keys: &KEYS,
        nested: &[("window", &WINDOW_KEYS)],
    };
    let parsed =
        crate::yaml::parse_with_keys::<Raw>(text, path, 0, Input::Subsidy, Some(&schema), problems);
    let Some((raw, keys)) = parsed else {
        return (None, Vec::new());
    };
    validate(raw, path, &keys, master, fee, problems)
}

fn trimmed(v: Spanned<String>) -> Spanned<String> {
    Spanned::new(v.value.trim().to_string(), v.referenced, v.defined)
}

/// Checks values one by one, reporting every problem of the file.
struct Checker<'a> {
    path: &'a Path,
    /// Where each key is (for a key written without a value).
    keys: &'a Keys,
    problems: &'a mut Problems,
    ok: bool,
}

impl Checker<'_> {
    /// Where a value is in the file.
    fn at<T>(&self, value: &Spanned<T>) -> Location {
        crate::yaml::location(self.path, 0, value.referenced)
    }

    /// Where a top-level `key:` is, when it is written (with or without a value).
    fn key(&self, key: &str) -> Option<Location> {
        let at = self.keys.get(key);
        at.exists().then(|| at.key_location())
    }

    fn error_at(&mut self, code: Code, at: Location, message: String, hint: &str) {
        self.ok = false;
        self.problems.error(code, at, message, hint.to_string());
    }

    fn warning_at(&mut self, code: Code, at: Location, message: String, hint: &str) {
        self.problems.warning(code, at, message, hint.to_string());
    }

    /// A required key that is absent, or written without a value.
    fn missing(&mut self, key: &str, hint: &str) {
        let (message, at) = match self.key(key) {
            Some(at) => (format!("項目「{key}」が空です"), at),
            None => (
                format!("必須の項目「{key}」がありません"),
                Location::file(self.path),
            ),
        };
        self.error_at(Code::SubsidyMissingKey, at, message, hint);
    }

    /// A required text value, trimmed; reports when absent or empty.
    fn required(
        &mut self,
        key: &str,
        value: Option<Spanned<String>>,
        hint: &str,
    ) -> Option<Spanned<String>> {
        match value {
            Some(v) if !v.value.trim().is_empty() => self.clean(key, trimmed(v)),
            Some(v) => {
                let at = self.at(&v);
                self.error_at(
                    Code::SubsidyMissingKey,
                    at,
                    format!("項目「{key}」が空です"),
                    hint,
                );
                None
            }
            None => {
                self.missing(key, hint);
                None
            }
        }
    }

    fn optional(&mut self, key: &str, value: Option<Spanned<String>>) -> Option<Spanned<String>> {
        let value = value.filter(|v| !v.value.trim().is_empty()).map(trimmed)?;
        self.clean(key, value)
    }

    /// A value without control characters (line breaks and tabs are allowed
    /// in the keys written as several lines); reports the first one.
    fn clean(&mut self, key: &str, value: Spanned<String>) -> Option<Spanned<String>> {
        let multiline = MULTILINE_KEYS.contains(&key);
        // Other control characters are reported by the YAML reader for every
        // file; here only line breaks and tabs where one line is expected.
        match control_char(&value.value, multiline).filter(|c| matches!(c.ch, '\t' | '\n' | '\r')) {
            None => Some(value),
            Some(c) => {
                self.error_at(
                    Code::YamlControlCharacter,
                    self.at(&value),
                    c.message(&format!("{key} の値")),
                    ControlChar::HINT,
                );
                None
            }
        }
    }

    fn date(&mut self, key: &str, v: &Spanned<String>) -> Option<Date> {
        let d = parse_iso(&v.value);
        if d.is_none() {
            self.error_at(
                Code::SubsidyBadValue,
                self.at(v),
                format!("{key} の日付「{}」が読み取れません", v.value),
                "2026-04-01 のように 年-月-日（半角、月日は2桁）で、実在する日付を書いてください",
            );
        }
        d
    }

    fn provider(&mut self, v: &Spanned<String>, master: &MasterList) -> Option<Provider> {
        let at = self.at(v);
        let code = v.value.as_str();
        if code == "national" {
            return Some(Provider::National);
        }
        let hint = "national（国の制度）か、都道府県・市区町村の6桁の団体コードを \"221007\" のように引用符で囲んで書いてください";
        let code = match JisCode::parse(code) {
            Ok(code) => code,
            Err(e) => {
                self.error_at(
                    Code::SubsidyBadValue,
                    at,
                    format!("provider の値「{code}」が使えません: {e}"),
                    hint,
                );
                return None;
            }
        };
        let check_master = !master.prefectures.is_empty();
        if code.is_prefecture() {
            if check_master && master.prefecture(&code).is_none() {
                self.error_at(
                    Code::SubsidyBadValue,
                    at,
                    format!("provider の団体コード「{code}」の都道府県が団体コード一覧にありません"),
                    "data/municipalities.csv にある都道府県のコード（例: 静岡県は 220001）を書いてください",
                );
                return None;
            }
            Some(Provider::Prefecture(code))
        } else {
            if check_master && master.municipality(&code).is_none() {
                self.error_at(
                    Code::SubsidyBadValue,
                    at,
                    format!("provider の団体コード「{code}」の市区町村が団体コード一覧にありません"),
                    "data/municipalities.csv にある市区町村のコード（例: 静岡市は 221007）を書いてください。政令市の区ではなく市のコードを使います",
                );
                return None;
            }
            Some(Provider::Municipality(code))
        }
    }

    /// `true` / `false`; absent means `false`.
    fn boolean(&mut self, key: &str, value: Option<Spanned<String>>, hint: &str) -> Option<bool> {
        match self.optional(key, value) {
            None => Some(false),
            Some(v) => match v.value.as_str() {
                "true" => Some(true),
                "false" => Some(false),
                other => {
                    self.error_at(
                        Code::SubsidyBadValue,
                        self.at(&v),
                        format!("{key} の値「{other}」は true か false ではありません"),
                        hint,
                    );
                    None
                }
            },
        }
    }

    /// A list that may be left out; written but empty is an error.
    fn optional_list(
        &mut self,
        key: &str,
        v: Option<Spanned<Vec<Spanned<String>>>>,
        hint: &str,
    ) -> (Vec<Spanned<String>>, Option<Location>) {
        let at = match &v {
            Some(v) => Some(self.at(v)),
            None => self.key(key),
        };
        if at.is_none() {
            return (Vec::new(), None);
        }
        (self.list(key, v, hint), at)
    }

    /// Every code of `areas` is a real code that the provider may name.
    fn areas(
        &mut self,
        items: Vec<Spanned<String>>,
        list_at: Option<Location>,
        provider: Option<&Provider>,
        master: &MasterList,
    ) -> Vec<JisCode> {
        let hint_for = |provider: Option<&Provider>| match provider {
            Some(Provider::Prefecture(_)) => {
                "都道府県の制度の areas には、その都道府県内の市区町村の6桁の団体コードを \"221007\" のように引用符で囲んで書いてください"
            }
            _ => {
                "実施する都道府県または市区町村の6桁の団体コードを \"221007\" のように引用符で囲んで書いてください（data/municipalities.csv にあるもの）"
            }
        };
        if let Some(Provider::Municipality(code)) = provider {
            if let Some(at) = list_at {
                self.error_at(
                    Code::SubsidyAreasNotAllowed,
                    at,
                    format!("市区町村（{code}）の制度には areas を書けません"),
                    "市区町村の制度は、その市区町村のサイトにだけ載ります。areas の行を消してください",
                );
            }
            return Vec::new();
        }
        let check_master = !master.prefectures.is_empty();
        let name_of = |code: &JisCode| -> Option<String> {
            if code.is_prefecture() {
                master.prefecture(code).map(|p| p.name.clone())
            } else {
                master.municipality(code).map(|m| m.name.clone())
            }
        };
        let mut out: Vec<(JisCode, Location)> = Vec::new();
        for item in items {
            let at = self.at(&item);
            let code = match JisCode::parse(&item.value) {
                Ok(code) => code,
                Err(e) => {
                    self.error_at(
                        Code::SubsidyBadValue,
                        at,
                        format!("areas の値「{}」が使えません: {e}", item.value),
                        hint_for(provider),
                    );
                    continue;
                }
            };
            let name = name_of(&code);
            if check_master && name.is_none() {
                let kind = if code.is_prefecture() {
                    "都道府県"
                } else {
                    "市区町村"
                };
                self.error_at(
                    Code::SubsidyBadValue,
                    at,
                    format!("areas の団体コード「{code}」の{kind}が団体コード一覧にありません"),
                    hint_for(provider),
                );
                continue;
            }
            let named = match &name {
                Some(n) => format!("「{code}」（{n}）"),
                None => format!("「{code}」"),
            };
            if let Some(Provider::Prefecture(p)) = provider {
                let pref_name = name_of(p).unwrap_or_else(|| p.to_string());
                if code == *p {
                    self.error_at(
                        Code::SubsidyAreaOutsidePrefecture,
                        at,
                        format!("areas に provider の{pref_name}自身のコード{named}があります"),
                        "管内全域が対象なら areas の行を消してください。一部の市区町村だけが対象なら、その市区町村のコードを書きます",
                    );
                    continue;
                }
                if code.is_prefecture() || !code.same_prefecture(p) {
                    self.error_at(
                        Code::SubsidyAreaOutsidePrefecture,
                        at,
                        format!("areas の{named}は provider の{pref_name}の外です"),
                        hint_for(provider),
                    );
                    continue;
                }
            }
            out.push((code, at));
        }
        // A municipality inside a listed prefecture adds nothing.
        for (code, at) in &out {
            if code.is_prefecture() {
                continue;
            }
            if let Some((pref, _)) = out.iter().find(|(p, _)| p.is_prefecture() && code.is_in(p)) {
                self.warning_at(
                    Code::SubsidyAreaRedundant,
                    at.clone(),
                    format!(
                        "areas の「{code}」（{}）は、同じ areas にある「{pref}」（{}）に含まれています",
                        name_of(code).unwrap_or_default(),
                        name_of(pref).unwrap_or_default()
                    ),
                    "都道府県の全域が対象なら、その中の市区町村の行は消してください",
                );
            }
        }
        let mut codes: Vec<JisCode> = out.into_iter().map(|(c, _)| c).collect();
        codes.sort();
        codes
    }

    fn list(
        &mut self,
        key: &str,
        v: Option<Spanned<Vec<Spanned<String>>>>,
        hint: &str,
    ) -> Vec<Spanned<String>> {
        let Some(list) = v else {
            self.missing(key, hint);
            return Vec::new();
        };
        let at = self.at(&list);
        let had_items = !list.value.is_empty();
        let mut out: Vec<Spanned<String>> = Vec::new();
        for item in list.value {
            let value = item.value.trim().to_string();
            let item_at = self.at(&item);
            if value.is_empty() {
                self.error_at(
                    Code::SubsidyBadValue,
                    item_at,
                    format!("{key} に空の行があります"),
                    hint,
                );
                continue;
            }
            let Some(item) = self.clean(key, Spanned::new(value, item.referenced, item.defined))
            else {
                continue;
            };
            if out.iter().any(|o| o.value == item.value) {
                self.warning_at(
                    Code::SubsidyDuplicateItem,
                    item_at,
                    format!("{key} に「{}」が2回あります", item.value),
                    "重複している行を消してください",
                );
                continue;
            }
            out.push(item);
        }
        if !had_items {
            self.error_at(
                Code::SubsidyMissingKey,
                at,
                format!("項目「{key}」が空です"),
                hint,
            );
        }
        out
    }
}

fn validate(
    raw: Raw,
    path: &Path,
    keys: &Keys,
    master: &MasterList,
    fee: Option<&LicenceFee>,
    problems: &mut Problems,
) -> (Option<Subsidy>, Vec<Spanned<String>>) {
    let mut c = Checker {
        path,
        keys,
        problems,
        ok: true,
    };
    let id = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    if !id
        .chars()
        .all(|ch| ch.is_ascii_lowercase() || ch.is_ascii_digit() || ch == '-' || ch == '_')
    {
        c.warning_at(
            Code::SubsidyFileName,
            Location::file(path),
            format!("ファイル名「{id}」に半角英小文字・数字・ハイフン以外の文字があります"),
            "ファイル名はページのアドレスに使われます。shizuoka-city-license.yaml のような名前にしてください",
        );
    }

    let name = c.required("name", raw.name, "name: の後に制度名を書いてください");
    let provider = c
        .required(
            "provider",
            raw.provider,
            "provider: national か、\"221007\" のような団体コードを書いてください",
        )
        .and_then(|v| c.provider(&v, master));
    let administered_by = c.required(
        "administered_by",
        raw.administered_by,
        "administered_by: の後に実施機関（例: 静岡市 介護保険課）を書いてください",
    );
    let budget_source = c.required(
        "budget_source",
        raw.budget_source,
        "budget_source: の後に財源（例: 市町村単独予算）を書いてください",
    );

    let eligible_hint = "eligible: の次の行から「  - 居宅介護支援事業所」のように書いてください。使える語: 居宅介護支援事業所、介護予防支援事業所、地域包括支援センター、サービス事業所";
    let eligible_items = c.list("eligible", raw.eligible, eligible_hint);
    let mut eligible = Vec::new();
    for item in eligible_items {
        let category = eligible_category(&item.value);
        let qualifier_ok = match item.value.strip_prefix(category) {
            Some("") => true,
            Some(rest) => {
                rest.starts_with('（') && rest.ends_with('）') && rest.chars().count() > 2
            }
            None => false,
        };
        if ELIGIBLE_CATEGORIES.contains(&category) && qualifier_ok {
            eligible.push(item.value);
        } else {
            c.error_at(
                Code::SubsidyBadValue,
                c.at(&item),
                format!("eligible の「{}」は使える語ではありません", item.value),
                "居宅介護支援事業所、介護予防支援事業所、地域包括支援センター、サービス事業所 のいずれかを書いてください。サービス種別は「サービス事業所（訪問介護）」のように全角括弧で補足します",
            );
        }
    }

    let covers_items = c.list(
        "covers",
        raw.covers,
        "covers: の次の行から「  - ライセンス料」のように補助対象経費を書いてください",
    );
    let mut covers = Vec::new();
    for item in covers_items {
        let v = &item.value;
        if v != LICENCE_FEE && (v.contains("ライセンス") || v.contains("利用料")) {
            c.warning_at(
                Code::SubsidyCoversWording,
                c.at(&item),
                format!("covers の「{v}」はライセンス料の補助額の試算に使われません"),
                "ケアプランデータ連携システムのライセンス料が対象なら「ライセンス料」と書いてください",
            );
        }
        covers.push(item.value);
    }

    let rate = c.optional("rate", raw.rate).and_then(|v| {
        let at = c.at(&v);
        let hint = "補助率は 3/4、0.75、75% のように、0より大きく1以下で書いてください";
        match Rate::parse(&v.value) {
            Ok(r) if r.numerator == 0 => {
                c.error_at(
                    Code::SubsidyBadValue,
                    at,
                    format!("補助率「{}」が0です", v.value),
                    hint,
                );
                None
            }
            Ok(r) if r.numerator > r.denominator => {
                c.error_at(
                    Code::SubsidyBadValue,
                    at,
                    format!("補助率「{}」が1を超えています", v.value),
                    hint,
                );
                None
            }
            Ok(r) => Some(r),
            Err(e) => {
                c.error_at(
                    Code::SubsidyBadValue,
                    at,
                    format!("{e}: 「{}」", v.value),
                    hint,
                );
                None
            }
        }
    });

    let ceiling_yen = c.optional("ceiling_yen", raw.ceiling_yen).and_then(|v| match parse_yen(&v.value) {
        Some(0) => {
            c.error_at(
                Code::SubsidyBadValue,
                c.at(&v),
                format!("上限額「{}」が0円です", v.value),
                "上限がないなら ceiling_yen の行を消してください",
            );
            None
        }
        Some(n) => Some(n),
        None => {
            c.error_at(
                Code::SubsidyBadValue,
                c.at(&v),
                format!("上限額「{}」が読み取れません", v.value),
                "ceiling_yen: 50000 のように円単位の整数で書いてください（\"50,000\" や 5万円 も可）",
            );
            None
        }
    });

    let (mut window_start, mut window_end) = (None, None);
    if let Some(window) = raw.window {
        let start = c.optional("start", window.value.start);
        let end = c.optional("end", window.value.end);
        window_start = start.as_ref().and_then(|v| c.date("window の start", v));
        window_end = end.as_ref().and_then(|v| c.date("window の end", v));
        if let (Some(s), Some(e), Some(end)) = (window_start, window_end, &end)
            && e < s
        {
            c.error_at(
                Code::SubsidyWindowOrder,
                c.at(end),
                format!(
                    "受付終了日「{}」が受付開始日「{}」より前です",
                    end.value,
                    start.as_ref().map_or("", |v| v.value.as_str())
                ),
                "window の start と end を確認してください",
            );
            window_end = None;
        }
    }

    let how_to_apply = c.required(
        "how_to_apply",
        raw.how_to_apply,
        "how_to_apply: の後に申請方法を書いてください（不明なら「詳細は募集要項を確認してください」）",
    );
    let contact = c.required(
        "contact",
        raw.contact,
        "contact: の後に問い合わせ先を書いてください",
    );

    let link = c.optional("link", raw.link).and_then(|v| {
        if is_http_url(&v.value) {
            Some(v.value)
        } else {
            c.error_at(
                Code::SubsidyBadValue,
                c.at(&v),
                format!("link の「{}」は http:// または https:// で始まる URL ではありません", v.value),
                "公式ページの URL を https://… の形で書いてください。なければ link の行を消してください",
            );
            None
        }
    });

    let confirmed = c
        .required(
            "confirmed",
            raw.confirmed,
            "confirmed: 2025-06-01 のように内容を確認した日を書いてください",
        )
        .and_then(|v| c.date("confirmed", &v));

    let illustrative = c.boolean(
        "illustrative",
        raw.illustrative,
        "架空・サンプルのデータなら true、実在の制度なら false を書いてください",
    );

    let (area_items, areas_at) = c.optional_list(
        "areas",
        raw.areas,
        "areas: の次の行から「  - \"221007\"」のように、実施地域の6桁の団体コードを書いてください。全域なら areas の行を消します",
    );
    let has_areas = areas_at.is_some();
    let areas = c.areas(area_items, areas_at, provider.as_ref(), master);
    let areas_illustrative = c.boolean(
        "areas_illustrative",
        raw.areas_illustrative,
        "areas がサンプル・架空の地域指定なら true を書いてください",
    );
    if areas_illustrative == Some(true) && !has_areas {
        c.warning_at(
            Code::SubsidyIneffectiveKey,
            c.key("areas_illustrative")
                .unwrap_or_else(|| Location::file(path)),
            "areas_illustrative がありますが areas がありません".to_string(),
            "実施地域を限らないなら areas_illustrative の行を消してください",
        );
    }

    let ceiling_per = match c.optional("ceiling_per", raw.ceiling_per) {
        None => Some(CeilingPer::Office),
        Some(v) => match v.value.as_str() {
            "office" => Some(CeilingPer::Office),
            "application" => Some(CeilingPer::Application),
            other => {
                c.error_at(
                    Code::SubsidyBadValue,
                    c.at(&v),
                    format!("ceiling_per の値「{other}」は office か application ではありません"),
                    "上限額が事業所番号ごとなら office、1回の申請ごとなら application を書いてください",
                );
                None
            }
        },
    };
    if ceiling_per == Some(CeilingPer::Application) && ceiling_yen.is_none() {
        c.warning_at(
            Code::SubsidyIneffectiveKey,
            c.key("ceiling_per").unwrap_or_else(|| Location::file(path)),
            "ceiling_per がありますが上限額（ceiling_yen）がありません".to_string(),
            "上限額があるなら ceiling_yen を書き、なければ ceiling_per の行を消してください",
        );
    }

    let fee_basis = match c.optional("fee_basis", raw.fee_basis) {
        None => Some(FeeBasis::TaxIncluded),
        Some(v) => {
            let basis = match v.value.as_str() {
                "tax_included" => Some(FeeBasis::TaxIncluded),
                "tax_excluded" => Some(FeeBasis::TaxExcluded),
                other => {
                    c.error_at(
                        Code::SubsidyBadValue,
                        c.at(&v),
                        format!("fee_basis の値「{other}」は tax_excluded か tax_included ではありません"),
                        "税抜の額に補助するなら tax_excluded、税込の額なら tax_included を書いてください",
                    );
                    None
                }
            };
            if let (Some(basis), Some(fee)) = (basis, fee)
                && basis.fee_yen(fee).is_none()
            {
                c.error_at(
                    Code::SubsidyNeedsTaxRate,
                    c.at(&v),
                    format!(
                        "fee_basis: {} の額を計算するには消費税率が要りますが、config.yaml の licence_fee に consumption_tax がありません",
                        v.value
                    ),
                    "config.yaml の licence_fee に「consumption_tax: {percent: 10, as_of: 2025-04-01}」のように消費税率と確認日を書いてください",
                );
            }
            basis
        }
    };

    let round_down_to = c.optional("round_down_to", raw.round_down_to).and_then(|v| match parse_yen(&v.value) {
        Some(n) if n > 0 => Some(n),
        _ => {
            c.error_at(
                Code::SubsidyBadValue,
                c.at(&v),
                format!("端数の切り捨て単位「{}」が読み取れません", v.value),
                "千円未満切り捨てなら round_down_to: 1000 のように、1以上の円単位の整数で書いてください",
            );
            None
        }
    });

    let combinable = c.boolean(
        "combinable",
        raw.combinable,
        "ほかの制度と併用できるなら true、できないなら false を書いてください（併用できる制度を限るなら combinable_with）",
    );
    let (partners, _) = c.optional_list(
        "combinable_with",
        raw.combinable_with,
        "combinable_with: の次の行から「  - shizuoka-pref-example」のように、併用できる制度のファイル名（拡張子なし）を書いてください",
    );

    if let (Some(name), Some(illustrative)) = (&name, illustrative) {
        let labelled = name.value.starts_with("（架空）");
        if illustrative && !labelled {
            c.warning_at(
                Code::SubsidyIllustrativeLabel,
                c.at(name),
                format!(
                    "架空の制度（illustrative: true）の名前「{}」が「（架空）」で始まっていません",
                    name.value
                ),
                "実在の制度と誤解されないよう、名前を「（架空）」で始めてください",
            );
        } else if !illustrative && labelled {
            c.warning_at(
                Code::SubsidyIllustrativeLabel,
                c.at(name),
                format!("名前「{}」は「（架空）」で始まっていますが illustrative が true ではありません", name.value),
                "架空の制度なら illustrative: true を書いてください",
            );
        }
    }

    if !c.ok {
        return (None, partners);
    }
    let combinable_with = partners.iter().map(|p| p.value.clone()).collect();
    let subsidy = (|| {
        Some(Subsidy {
            id,
            name: name?.value,
            provider: provider?,
            administered_by: administered_by?.value,
            budget_source: budget_source?.value,
            eligible,
            covers,
            rate,
            ceiling_yen,
            window_start,
            window_end,
            how_to_apply: how_to_apply?.value,
            contact: contact?.value,
            link,
            confirmed: confirmed?,
            illustrative: illustrative?,
            areas,
            areas_illustrative: areas_illustrative?,
            ceiling_per: ceiling_per?,
            fee_basis: fee_basis?,
            round_down_to,
            combinable: combinable?,
            combinable_with,
            source: path.to_path_buf(),
        })
    })();
    (subsidy, partners)
}

fn is_http_url(s: &str) -> bool {
    let lower = s.to_ascii_lowercase();
    let rest = lower
        .strip_prefix("https://")
        .or_else(|| lower.strip_prefix("http://"));
    match rest {
        Some(rest) => {
            let host = rest.split(['/', '?', '#']).next().unwrap_or("");
            !host.is_empty()
                && !s.chars().any(|c| {
                    c.is_whitespace() || c.is_control() || c == '"' || c == '<' || c == '>'
                })
        }
        None => false,
    }
}

fn parse_uint(s: &str) -> Option<u64> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// `0.75` → (75, 100); `1` → (1, 1). At most 6 decimal places.
fn parse_decimal(s: &str) -> Option<(u64, u64)> {
    let (int, frac) = s.split_once('.').unwrap_or((s, ""));
    if int.is_empty() && frac.is_empty() {
        return None;
    }
    if !int.bytes().all(|b| b.is_ascii_digit()) || !frac.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    if frac.len() > 6 || int.len() > 9 {
        return None;
    }
    let den = 10u64.pow(u32::try_from(frac.len()).ok()?);
    let int: u64 = if int.is_empty() { 0 } else { int.parse().ok()? };
    let frac: u64 = if frac.is_empty() {
        0
    } else {
        frac.parse().ok()?
    };
    Some((int * den + frac, den))
}

/// `50000`, `50,000`, `50,000円`, `5万円`, `5万` → yen.
fn parse_yen(s: &str) -> Option<u64> {
    let t = normalize_width(s.trim());
    let t = t.strip_suffix('円').unwrap_or(&t).trim();
    let (t, factor) = match t.strip_suffix('万') {
        Some(t) => (t.trim(), 10_000u64),
        None => (t, 1),
    };
    let digits: String = t.chars().filter(|&c| c != ',').collect();
    if t.starts_with(',') || t.ends_with(',') {
        return None;
    }
    parse_uint(&digits)?.checked_mul(factor)
}

fn gcd(a: u64, b: u64) -> u64 {
    if b == 0 { a } else { gcd(b, a % b) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::problems::{Problem, Severity, with_code};
    use jiff::civil::date;

    fn root() -> &'static Path {
        Path::new(env!("CARGO_MANIFEST_DIR"))
    }

    fn master() -> MasterList {
        let mut problems = Problems::new();
        let m = MasterList::load(&root().join("data/municipalities.csv"), &mut problems);
        assert!(problems.is_empty());
        m
    }

    fn subsidy(provider: Provider, start: Option<Date>, end: Option<Date>) -> Subsidy {
        Subsidy {
            id: "test".into(),
            name: "（架空）テスト".into(),
            provider,
            administered_by: "テスト市".into(),
            budget_source: "市町村単独予算".into(),
            eligible: vec!["居宅介護支援事業所".into()],
            covers: vec![LICENCE_FEE.into()],
            rate: Some(Rate {
                numerator: 3,
                denominator: 4,
            }),
            ceiling_yen: Some(50_000),
            window_start: start,
            window_end: end,
            how_to_apply: "申請".into(),
            contact: "テスト市".into(),
            link: None,
            confirmed: date(2026, 4, 1),
            illustrative: true,
            areas: Vec::new(),
            areas_illustrative: false,
            ceiling_per: CeilingPer::Office,
            fee_basis: FeeBasis::TaxIncluded,
            round_down_to: None,
            combinable: false,
            combinable_with: Vec::new(),
            source: PathBuf::from("test.yaml"),
        }
    }

    /// The sample project's licence fee (21,000円 with tax, 10%).
    fn fee() -> LicenceFee {
        let mut problems = Problems::new();
        let config = crate::config::Config::load(&root().join("config.yaml"), &mut problems)
            .expect("the sample config loads");
        config.licence_fee
    }

    fn shipped() -> Vec<Subsidy> {
        let mut problems = Problems::new();
        let list = load(
            &root().join("data/subsidies"),
            &master(),
            Some(&fee()),
            &mut problems,
        );
        assert!(problems.is_empty(), "{:#?}", problems.sorted());
        list
    }

    fn by_id<'a>(list: &'a [Subsidy], id: &str) -> &'a Subsidy {
        list.iter().find(|s| s.id == id).unwrap()
    }

    // --- status -----------------------------------------------------------

    #[test]
    fn status_at_each_boundary() {
        let s = subsidy(
            Provider::National,
            Some(date(2026, 4, 1)),
            Some(date(2026, 12, 10)),
        );
        // closing_soon_days = -1: never "closing soon", so the plain open/closed edges show.
        assert_eq!(s.status(date(2026, 3, 31), -1), Status::Upcoming);
        assert_eq!(s.status(date(2026, 4, 1), -1), Status::Open);
        assert_eq!(s.status(date(2026, 12, 10), -1), Status::Open);
        assert_eq!(s.status(date(2026, 12, 11), -1), Status::Closed);
        // With a 14-day warning the last day is closing soon.
        assert_eq!(s.status(date(2026, 3, 31), 14), Status::Upcoming);
        assert_eq!(s.status(date(2026, 4, 1), 14), Status::Open);
        assert_eq!(s.status(date(2026, 12, 10), 14), Status::ClosingSoon);
        assert_eq!(s.status(date(2026, 12, 11), 14), Status::Closed);
        assert_eq!(s.status(date(2030, 1, 1), 14), Status::Closed);
        assert_eq!(s.status(date(2000, 1, 1), 14), Status::Upcoming);
    }

    #[test]
    fn closing_soon_boundary_is_exactly_n_days() {
        let s = subsidy(
            Provider::National,
            Some(date(2026, 4, 1)),
            Some(date(2026, 12, 10)),
        );
        // 14 days before the end: closing soon; 15 days before: open.
        assert_eq!(s.status(date(2026, 11, 26), 14), Status::ClosingSoon);
        assert_eq!(s.status(date(2026, 11, 25), 14), Status::Open);
        // Across months: the distance is counted in days, not months.
        assert_eq!(s.status(date(2026, 5, 1), 30), Status::Open);
        assert_eq!(s.status(date(2026, 11, 10), 30), Status::ClosingSoon);
        assert_eq!(s.status(date(2026, 11, 9), 30), Status::Open);
        // 0 days: only the last day.
        assert_eq!(s.status(date(2026, 12, 10), 0), Status::ClosingSoon);
        assert_eq!(s.status(date(2026, 12, 9), 0), Status::Open);
        // Closing soon never applies before the start.
        let short = subsidy(
            Provider::National,
            Some(date(2026, 4, 1)),
            Some(date(2026, 4, 5)),
        );
        assert_eq!(short.status(date(2026, 3, 31), 14), Status::Upcoming);
        assert_eq!(short.status(date(2026, 4, 1), 14), Status::ClosingSoon);
    }

    #[test]
    fn status_with_open_ended_windows() {
        let none = subsidy(Provider::National, None, None);
        assert_eq!(none.status(date(2026, 1, 1), 14), Status::Open);
        assert!(!none.has_window());
        let start_only = subsidy(Provider::National, Some(date(2026, 4, 1)), None);
        assert_eq!(start_only.status(date(2026, 3, 31), 14), Status::Upcoming);
        assert_eq!(start_only.status(date(2099, 1, 1), 14), Status::Open);
        assert!(start_only.has_window());
        let end_only = subsidy(Provider::National, None, Some(date(2026, 4, 1)));
        assert_eq!(end_only.status(date(2000, 1, 1), 14), Status::Open);
        assert_eq!(end_only.status(date(2026, 3, 20), 14), Status::ClosingSoon);
        assert_eq!(end_only.status(date(2026, 4, 2), 14), Status::Closed);
    }

    #[test]
    fn status_labels() {
        assert_eq!(Status::Upcoming.label(), "受付前");
        assert_eq!(Status::Open.label(), "受付中");
        assert_eq!(Status::ClosingSoon.label(), "締切間近");
        assert_eq!(Status::Closed.label(), "受付終了");
    }

    #[test]
    fn shipped_samples_cover_every_status_on_2026_11_29() {
        let list = shipped();
        let today = date(2026, 11, 29);
        let status = |id: &str| by_id(&list, id).status(today, 14);
        assert_eq!(status("shizuoka-city-licence"), Status::ClosingSoon);
        assert_eq!(status("shizuoka-pref-example"), Status::Open);
        assert_eq!(status("hamamatsu-city-example"), Status::Upcoming);
        assert_eq!(status("hokkaido-example"), Status::Closed);
    }

    // --- selection --------------------------------------------------------

    #[test]
    fn each_site_sees_its_own_programmes() {
        let list = shipped();
        let ids = |pref: Option<&str>, muni: Option<&str>| -> Vec<&str> {
            let code = |c: &str| JisCode::parse(c).unwrap();
            let (pref, muni) = (pref.map(code), muni.map(code));
            list.iter()
                .filter(|s| s.applies_to(pref.as_ref(), muni.as_ref()))
                .map(|s| s.id.as_str())
                .collect()
        };
        let everywhere = ["national-ict", "national-productivity-fund"];
        let with_model = [
            "national-ict",
            "national-model-region",
            "national-productivity-fund",
        ];
        // 静岡市: national (the model region lists it) + 静岡県's (its areas list it) + 静岡市's.
        let mut shizuoka_city = with_model.to_vec();
        shizuoka_city.extend(["shizuoka-pref-example", "shizuoka-city-licence"]);
        assert_eq!(ids(Some("220001"), Some("221007")), shizuoka_city);
        // The prefecture may be left out for a municipality site.
        assert_eq!(ids(None, Some("221007")), shizuoka_city);
        // 浜松市 is a model region but not in 静岡県's areas; never 静岡市's.
        let mut hamamatsu = with_model.to_vec();
        hamamatsu.push("hamamatsu-city-example");
        assert_eq!(ids(Some("220001"), Some("221309")), hamamatsu);
        // 沼津市 is in 静岡県's areas, not a model region.
        let mut numazu = everywhere.to_vec();
        numazu.push("shizuoka-pref-example");
        assert_eq!(ids(Some("220001"), Some("222038")), numazu);
        // 静岡県's site: national (it has model-region municipalities) + its own, not its municipalities'.
        let mut shizuoka_pref = with_model.to_vec();
        shizuoka_pref.push("shizuoka-pref-example");
        assert_eq!(ids(Some("220001"), None), shizuoka_pref);
        // 福島県 is a model region as a whole: every municipality in it, and its own site.
        assert_eq!(ids(Some("070009"), Some("072010")), with_model.to_vec());
        assert_eq!(ids(Some("070009"), None), with_model.to_vec());
        // 札幌市 (北海道) sees 北海道's, not 静岡's, and no model region.
        let mut sapporo = everywhere.to_vec();
        sapporo.push("hokkaido-example");
        assert_eq!(ids(Some("010006"), Some("011002")), sapporo);
        assert_eq!(ids(Some("010006"), None), sapporo);
        // The national site sees every national programme (the model region with its areas).
        assert_eq!(ids(None, None), with_model.to_vec());
    }

    // --- licence fee ------------------------------------------------------

    #[test]
    fn shipped_programmes_pay_on_their_own_basis_and_ceiling() {
        use estimate::Plan;
        let list = shipped();
        let fee = fee();
        assert_eq!(fee.tax_included_yen(), Some(21_000));
        assert_eq!(fee.tax_excluded_yen(), Some(19_091));
        let alone = |id: &str, n: u64| {
            let s = by_id(&list, id);
            Plan::new(&[s], &fee).outcome(n, false).paid[0]
        };
        // 静岡県: 3/4 of the tax-exclusive 19,091円, 千円未満切り捨て, 50,000円 per application.
        let pref = by_id(&list, "shizuoka-pref-example");
        assert_eq!(pref.fee_basis, FeeBasis::TaxExcluded);
        assert_eq!(pref.ceiling_per, CeilingPer::Application);
        assert_eq!(pref.round_down_to, Some(1_000));
        assert_eq!(alone("shizuoka-pref-example", 1), Some(14_000));
        assert_eq!(alone("shizuoka-pref-example", 3), Some(42_000)); // 57,273 × 3/4 = 42,954
        assert_eq!(alone("shizuoka-pref-example", 4), Some(50_000)); // one ceiling
        // 静岡市: half of the fee with tax, 10,000円 per office number.
        assert_eq!(alone("shizuoka-city-licence", 1), Some(10_000));
        assert_eq!(alone("shizuoka-city-licence", 4), Some(40_000));
        // 浜松市: 1/2, 10,500円 per office number.
        assert_eq!(alone("hamamatsu-city-example", 2), Some(21_000));
        // The two Shizuoka programmes allow each other; national ones say nothing.
        let city = by_id(&list, "shizuoka-city-licence");
        assert!(pref.stacks_with(city) && city.stacks_with(pref));
        assert!(!pref.stacks_with(by_id(&list, "hamamatsu-city-example")));
        // A programme that does not cover the licence fee, or has no rate, is not in a plan.
        assert!(
            Plan::new(&[by_id(&list, "national-ict")], &fee)
                .programmes
                .is_empty()
        );
        let mut no_rate = subsidy(Provider::National, None, None);
        no_rate.rate = None;
        assert!(Plan::new(&[&no_rate], &fee).programmes.is_empty());
    }

    // --- rates and amounts ---------------------------------------------------

    #[test]
    fn rates_in_every_accepted_form() {
        let r = |n, d| Rate {
            numerator: n,
            denominator: d,
        };
        assert_eq!(Rate::parse("3/4"), Ok(r(3, 4)));
        assert_eq!(Rate::parse(" 3 / 4 "), Ok(r(3, 4)));
        assert_eq!(Rate::parse("0.75"), Ok(r(3, 4)));
        assert_eq!(Rate::parse("75%"), Ok(r(3, 4)));
        assert_eq!(Rate::parse("４分の３"), Ok(r(3, 4)));
        assert_eq!(Rate::parse("３／４"), Ok(r(3, 4)));
        assert_eq!(Rate::parse("66.5%"), Ok(r(133, 200)));
        assert_eq!(Rate::parse("10/10"), Ok(r(1, 1)));
        assert_eq!(Rate::parse("1"), Ok(r(1, 1)));
        assert_eq!(Rate::parse("100%"), Ok(r(1, 1)));
        assert_eq!(Rate::parse("5/4"), Ok(r(5, 4))); // rejected later, by the loader
        assert_eq!(Rate::parse("1/0"), Err(RateError::ZeroDenominator));
        for bad in [
            "",
            "abc",
            "-1/2",
            "1/2/3",
            "3/",
            "/4",
            "0.1234567",
            "75 %%",
            ".",
        ] {
            assert_eq!(Rate::parse(bad), Err(RateError::Syntax), "{bad:?}");
        }
        assert_eq!(r(3, 4).display(), "3/4");
        assert_eq!(r(1, 1).display(), "10/10");
        assert_eq!(r(2, 3).to_string(), "2/3");
        assert!((r(3, 4).as_f64() - 0.75).abs() < 1e-12);
    }

    #[test]
    fn yen_amounts() {
        assert_eq!(parse_yen("50000"), Some(50_000));
        assert_eq!(parse_yen("50,000"), Some(50_000));
        assert_eq!(parse_yen("５０，０００円"), Some(50_000));
        assert_eq!(parse_yen("5万円"), Some(50_000));
        assert_eq!(parse_yen("5万"), Some(50_000));
        for bad in ["", "abc", "-5", "5.5", ",5", "5,", "円"] {
            assert_eq!(parse_yen(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn links_must_be_http() {
        assert!(is_http_url("https://www.mhlw.go.jp/"));
        assert!(is_http_url("http://example.com/a?b=c"));
        assert!(is_http_url("HTTPS://EXAMPLE.COM"));
        for bad in [
            "javascript:alert(1)",
            "ftp://example.com",
            "https://",
            "https:///path",
            "www.example.com",
            "https://example.com/a b",
            "mailto:a@example.com",
        ] {
            assert!(!is_http_url(bad), "{bad:?}");
        }
    }

    // --- loading ----------------------------------------------------------

    #[test]
    fn shipped_samples_load_cleanly_and_are_labelled() {
        let list = shipped();
        assert_eq!(list.len(), 7);
        // Sorted by provider (national, prefecture, municipality), then id.
        let order: Vec<&str> = list.iter().map(|s| s.id.as_str()).collect();
        assert_eq!(
            order,
            [
                "national-ict",
                "national-model-region",
                "national-productivity-fund",
                "hokkaido-example",
                "shizuoka-pref-example",
                "shizuoka-city-licence",
                "hamamatsu-city-example",
            ]
        );
        for s in &list {
            assert_eq!(s.illustrative, s.name.starts_with("（架空）"), "{}", s.id);
            if s.provider == Provider::National {
                // Real programmes: no invented figures.
                assert!(!s.illustrative);
                assert_eq!((s.rate, s.ceiling_yen), (None, None), "{}", s.id);
                assert!(!s.has_window(), "{}", s.id);
                assert!(
                    s.how_to_apply
                        .contains("詳細は都道府県の募集要項を確認してください")
                );
            } else {
                assert!(s.illustrative, "{}", s.id);
            }
        }
        let city = by_id(&list, "shizuoka-city-licence");
        assert_eq!(
            city.provider,
            Provider::Municipality(JisCode::parse("221007").unwrap())
        );
        assert_eq!(city.rate.map(|r| r.display()), Some("1/2".into()));
        assert_eq!(city.ceiling_yen, Some(10_000));
        assert_eq!(city.combinable_with, ["shizuoka-pref-example"]);
        // Areas: the real national model programme with illustrative areas, and 静岡県's.
        let model = by_id(&list, "national-model-region");
        assert!(!model.illustrative && model.areas_illustrative && model.shown_as_sample());
        assert_eq!(model.areas, ["070009", "221007", "221309", "272116"]);
        let pref = by_id(&list, "shizuoka-pref-example");
        assert_eq!(pref.areas, ["221007", "222038", "222101"]);
        assert!(pref.areas_illustrative);
        assert!(!by_id(&list, "national-ict").shown_as_sample());
        assert_eq!(city.window_start, Some(date(2026, 4, 1)));
        assert_eq!(city.window_end, Some(date(2026, 12, 10)));
        assert!(
            city.source
                .ends_with("data/subsidies/shizuoka-city-licence.yaml")
        );
        let m = master();
        assert_eq!(city.provider.display_name(&m), "静岡県静岡市");
        assert_eq!(
            by_id(&list, "hokkaido-example").provider.display_name(&m),
            "北海道"
        );
        assert_eq!(Provider::National.display_name(&m), "国");
    }

    #[test]
    fn control_characters_in_text_are_errors_at_their_value() {
        let dir = tempfile::tempdir().unwrap();
        let yaml = "name: \"（架空）制御\\t文字\"\nprovider: \"221007\"\nadministered_by: 静岡市\nbudget_source: 市町村単独予算\neligible:\n  - 居宅介護支援事業所\ncovers:\n  - \"ライセンス料\\n[2J\"\nhow_to_apply: |\n  申請書を\n  \t提出します。\ncontact: \"静岡市\\r介護保険課\"\nconfirmed: 2025-06-01\nillustrative: true\n";
        std::fs::write(dir.path().join("x.yaml"), yaml).unwrap();
        let mut problems = Problems::new();
        let list = load(dir.path(), &master(), None, &mut problems);
        assert!(list.is_empty());
        let all = problems.sorted();
        let lines: Vec<(Option<usize>, &str)> = all
            .iter()
            .map(|p| {
                let key = p.message.split(' ').next().unwrap_or("");
                (p.location.line_number(), key)
            })
            .collect();
        // name (tab), the covers item (LF) and contact (CR) are errors; the
        // line break and tab of the multi-line how_to_apply are not.
        assert_eq!(
            lines,
            [
                (Some(1), "name"),
                (Some(8), "covers"),
                (Some(12), "contact")
            ],
            "{all:#?}"
        );
        assert!(all[0].message.contains("U+0009"), "{}", all[0]);
        assert!(all[1].message.contains("U+000A"), "{}", all[1]);
        assert_eq!(all[1].location.column_number(), Some(5));
        assert!(all.iter().all(|p| p.severity == Severity::Error));
        assert_eq!(with_code(&all, Code::YamlControlCharacter).len(), 3);
    }

    #[test]
    fn absent_directory_is_empty() {
        let mut problems = Problems::new();
        let list = load(
            &root().join("tests/fixtures/subsidies/nothing-here"),
            &master(),
            Some(&fee()),
            &mut problems,
        );
        assert!(list.is_empty());
        assert!(problems.is_empty());
    }

    #[test]
    fn defaults_and_flow_lists() {
        let mut problems = Problems::new();
        let list = load(
            &root().join("tests/fixtures/subsidies/valid"),
            &master(),
            Some(&fee()),
            &mut problems,
        );
        assert!(problems.is_empty(), "{:#?}", problems.sorted());
        assert_eq!(list.len(), 1);
        let s = &list[0];
        assert_eq!(s.id, "national");
        assert!(!s.illustrative);
        assert_eq!(s.eligible, ["居宅介護支援事業所", "サービス事業所"]);
        assert_eq!(s.link, None);
        assert_eq!(s.confirmed, date(2025, 6, 1));
    }

    #[test]
    fn serialises_dates_as_iso_strings() {
        let s = subsidy(
            Provider::Prefecture(JisCode::parse("220001").unwrap()),
            Some(date(2026, 4, 1)),
            None,
        );
        let json = serde_json::to_value(&s).unwrap();
        assert_eq!(json["window_start"], "2026-04-01");
        assert_eq!(json["window_end"], serde_json::Value::Null);
        assert_eq!(json["confirmed"], "2026-04-01");
        assert_eq!(json["provider"]["Prefecture"], "220001");
        assert_eq!(json["rate"]["numerator"], 3);
    }

    /// The one problem reported for `file` at `line` (`None`: the whole file).
    fn found<'a>(problems: &'a [Problem], file: &str, line: Option<usize>) -> &'a Problem {
        let found: Vec<&Problem> = problems
            .iter()
            .filter(|p| {
                p.location
                    .path()
                    .unwrap()
                    .file_name()
                    .is_some_and(|n| n == file)
                    && p.location.line_number() == line
            })
            .collect();
        assert_eq!(found.len(), 1, "{file}:{line:?}: {problems:#?}");
        found[0]
    }

    /// The one problem reported for `file` at `line`.
    fn at<'a>(problems: &'a [Problem], file: &str, line: usize) -> &'a Problem {
        found(problems, file, Some(line))
    }

    /// The one problem reported for `file` as a whole.
    fn whole<'a>(problems: &'a [Problem], file: &str) -> &'a Problem {
        found(problems, file, None)
    }

    fn column(p: &Problem) -> Option<usize> {
        p.location.column_number()
    }

    #[test]
    fn schema_errors_from_every_file_in_one_load() {
        let mut problems = Problems::new();
        let list = load(
            &root().join("tests/fixtures/subsidies/errors"),
            &master(),
            Some(&fee()),
            &mut problems,
        );
        let all = problems.sorted();

        // Only the correct file is loaded; the others are reported, not dropped silently.
        let ids: Vec<&str> = list.iter().map(|s| s.id.as_str()).collect();
        assert_eq!(ids, ["ok"]);
        let ok = &list[0];
        assert_eq!(ok.rate.map(|r| r.display()), Some("3/4".into()));
        assert_eq!(ok.ceiling_yen, Some(50_000));
        assert_eq!(ok.eligible[1], "サービス事業所（訪問介護）");
        assert_eq!(
            ok.confirmed,
            date(2030, 1, 1),
            "a future confirmed date is fine"
        );

        // Unknown keys: every one of them, with line and column, and the allowed keys.
        let p = at(&all, "unknown-key.yaml", 4);
        assert_eq!(p.code, Code::SubsidyUnknownKey);
        assert_eq!((column(p), p.severity), (Some(1), Severity::Error));
        assert!(
            p.message
                .starts_with("不明な項目「budget」があります。使える項目: name, provider"),
            "{}",
            p.message
        );
        assert!(p.message.contains("budget_source"));
        let p = at(&all, "unknown-key.yaml", 15);
        assert_eq!((p.code, column(p)), (Code::SubsidyUnknownKey, Some(3)));
        assert!(
            p.message
                .contains("window の中に不明な項目「until」があります。使える項目: start, end"),
            "{}",
            p.message
        );

        // End before start: at the line of `end`.
        let p = at(&all, "end-before-start.yaml", 11);
        assert_eq!((p.code, column(p)), (Code::SubsidyWindowOrder, Some(8)));
        assert!(
            p.message.contains("2026-11-01") && p.message.contains("2026-12-01"),
            "{}",
            p.message
        );
        assert!(p.message.contains("より前"));

        // Unknown code (valid check digit, not in the master list) and a wrong check digit.
        let p = at(&all, "unknown-code.yaml", 2);
        assert_eq!(p.code, Code::SubsidyBadValue);
        assert!(
            p.message.contains("「229997」") && p.message.contains("団体コード一覧にありません"),
            "{}",
            p.message
        );
        let p = at(&all, "wrong-check-digit.yaml", 2);
        assert_eq!(p.code, Code::SubsidyBadValue);
        assert!(
            p.message.contains("221008") && p.message.contains("検査数字"),
            "{}",
            p.message
        );
        assert!(p.message.contains("正しくは「221007」"));

        // Rate above 1.
        let p = at(&all, "rate-over-one.yaml", 9);
        assert_eq!((p.code, column(p)), (Code::SubsidyBadValue, Some(7)));
        assert!(p.message.contains("「5/4」"), "{}", p.message);

        // A scalar where a list is needed names the key.
        let p = at(&all, "wrong-type.yaml", 5);
        assert_eq!(p.code, Code::YamlWrongType);
        assert!(
            p.message.contains("項目「eligible」の値の形が違います"),
            "{}",
            p.message
        );

        // Broken YAML: in Japanese, where the parser stopped, with a hint for the quote left open.
        let p = at(&all, "syntax.yaml", 2);
        assert_eq!(p.code, Code::YamlSyntax);
        assert!(p.message.contains("引用符"), "{}", p.message);
        assert!(p.hint.contains("閉じ忘れ"), "{}", p.hint);

        // An empty file is one problem, not one per missing key.
        let p = whole(&all, "empty.yaml");
        assert_eq!(p.code, Code::SubsidyEmptyFile);

        // One file with many value problems reports all of them.
        let many: Vec<&Problem> = all
            .iter()
            .filter(|p| p.location.path().unwrap().ends_with("many-problems.yaml"))
            .collect();
        assert_eq!(many.len(), 9, "{many:#?}");
        let codes: Vec<(Option<usize>, Code)> = many
            .iter()
            .map(|p| (p.location.line_number(), p.code))
            .collect();
        assert_eq!(
            codes,
            [
                (None, Code::SubsidyMissingKey),
                (Some(6), Code::SubsidyBadValue),
                (Some(9), Code::SubsidyBadValue),
                (Some(10), Code::SubsidyBadValue),
                (Some(12), Code::SubsidyBadValue),
                (Some(13), Code::SubsidyBadValue),
                (Some(15), Code::SubsidyMissingKey),
                (Some(16), Code::SubsidyBadValue),
                (Some(17), Code::SubsidyBadValue),
            ]
        );
        assert!(
            whole(&all, "many-problems.yaml")
                .message
                .contains("「name」")
        );
        assert!(
            at(&all, "many-problems.yaml", 6)
                .message
                .contains("「ケアマネ事業所」")
        );
        assert!(
            at(&all, "many-problems.yaml", 9)
                .message
                .contains("分母が0")
        );
        assert!(
            at(&all, "many-problems.yaml", 10)
                .message
                .contains("「たくさん」")
        );
        assert!(
            at(&all, "many-problems.yaml", 12)
                .message
                .contains("「2026/04/01」")
        );
        assert!(
            at(&all, "many-problems.yaml", 13)
                .message
                .contains("javascript:alert(1)")
        );
        assert!(
            at(&all, "many-problems.yaml", 15)
                .message
                .contains("「contact」")
        );
        assert!(
            at(&all, "many-problems.yaml", 16)
                .message
                .contains("「2026-02-30」")
        );
        assert!(
            at(&all, "many-problems.yaml", 17)
                .message
                .contains("「はい」")
        );

        // .yml is not read, but the editor is told; other files are ignored.
        let p = whole(&all, "ignored.yml");
        assert_eq!((p.code, p.severity), (Code::FileIgnored, Severity::Warning));
        let in_file = |name: &str| {
            all.iter()
                .any(|p| p.location.path().unwrap().ends_with(name))
        };
        assert!(!in_file("README.txt"));
        assert!(!in_file("ok.yaml"));

        // Every problem carries a hint.
        assert!(all.iter().all(|p| !p.hint.is_empty()));
        assert_eq!(problems.warning_count(), 1);
        assert_eq!(problems.error_count(), all.len() - 1);
    }

    #[test]
    fn labelling_mismatch_is_a_warning() {
        let dir = tempfile::tempdir().unwrap();
        let body = |name: &str, illustrative: &str| {
            format!(
                "name: {name}\nprovider: national\nadministered_by: 国\nbudget_source: 補正予算\n\
                 eligible: [サービス事業所]\ncovers: [ライセンス利用料]\nhow_to_apply: 申請\n\
                 contact: 窓口\nconfirmed: 2025-06-01\nillustrative: {illustrative}\n"
            )
        };
        std::fs::write(dir.path().join("a.yaml"), body("実在風の名前", "true")).unwrap();
        std::fs::write(dir.path().join("b.yaml"), body("（架空）名前", "false")).unwrap();
        let mut problems = Problems::new();
        let list = load(dir.path(), &master(), Some(&fee()), &mut problems);
        assert_eq!(list.len(), 2, "warnings do not drop the programme");
        let all = problems.sorted();
        assert!(!problems.has_errors(), "{all:#?}");
        // Per file: the label mismatch on line 1 and the licence-fee wording on line 6.
        let a = at(&all, "a.yaml", 1);
        assert_eq!(a.code, Code::SubsidyIllustrativeLabel);
        assert!(
            a.message.contains("「（架空）」で始まっていません"),
            "{}",
            a.message
        );
        let b = at(&all, "b.yaml", 1);
        assert_eq!(b.code, Code::SubsidyIllustrativeLabel);
        assert!(
            b.message.contains("illustrative が true ではありません"),
            "{}",
            b.message
        );
        let covers = at(&all, "a.yaml", 6);
        assert_eq!(covers.code, Code::SubsidyCoversWording);
        assert!(covers.message.contains("「ライセンス利用料」"));
        assert_eq!(all.len(), 4);
    }
}
