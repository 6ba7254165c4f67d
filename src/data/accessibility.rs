//! Accessibility test records (`data/accessibility/<YYYY-MM-DD>[-label].yaml`):
//! what a JIS X 8341-3:2016 test found, criterion by criterion, on the pages of
//! the sites it names. The date in the file name is the 表明日 (the day the
//! results are declared). Each site's results page is written from the newest
//! record that names the site; a site that no record names gets no results page.
//!
//! # YAML keys / 項目一覧
//!
//! | key | 必須 | 内容 |
//! | --- | --- | --- |
//! | `tester` | ○ | 試験実施者 |
//! | `period` | ○ | 試験実施期間 `{start: 2026-11-20, end: 2026-11-29}`。`end` は表明日（ファイル名の日付）以前 |
//! | `method` | ○ | 試験対象のウェブページを選択した方法（JIS X 8341-3:2016 附属書JB の JB.1.2 のどれによったか） |
//! | `technologies` | ○ | 依存したウェブコンテンツ技術の一覧（例: `[HTML, CSS, JavaScript, SVG]`） |
//! | `tools` | | 試験に使ったツールの一覧 |
//! | `plan` | | 今後の対応方針。不適合・未確認の達成基準があるとき、これがないと「一部準拠」と表記できない（「配慮」になる） |
//! | `sites` | ○ | 試験したサイトの団体コード（全国サイトは `"000000"`）と、そのサイトで試験したページ（サイトのフォルダからの位置、`guides/flow.html`）の一覧 |
//! | `criteria` | ○ | WCAG 2.0 のレベル A・AA の 38 の達成基準すべての結果。`1.1.1: {result: 適合, note: 確認したこと}`。`result` は 適合 / 不適合 / 適用なし / 未確認 |
//!
//! Every problem of every file is reported in one [`load`] call, at the file,
//! line and column of the value.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use jiff::civil::Date;
use serde::Deserialize;
use serde_saphyr::Spanned;

use crate::config::Level;
use crate::data::jis::{MasterList, validate_code};
use crate::data::table::{ControlChar, control_char};
use crate::dates::parse_iso;
use crate::problems::{Code, Location, Problems};
use crate::yaml::{Input, Keys};

/// One success criterion of JIS X 8341-3:2016 (the same as WCAG 2.0's).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Criterion {
    pub number: &'static str,
    /// Its name as JIS X 8341-3:2016 gives it (達成基準の名称).
    pub name: &'static str,
    pub level: Level,
}

const fn c(number: &'static str, name: &'static str, level: Level) -> Criterion {
    Criterion {
        number,
        name,
        level,
    }
}

/// Every Level A and AA success criterion of JIS X 8341-3:2016 (25 A, 13 AA),
/// in the standard's order.
pub const CRITERIA: [Criterion; 38] = [
    c("1.1.1", "非テキストコンテンツ", Level::A),
    c("1.2.1", "音声だけ及び映像だけ（収録済み）", Level::A),
    c("1.2.2", "キャプション（収録済み）", Level::A),
    c(
        "1.2.3",
        "音声解説、又はメディアに対する代替（収録済み）",
        Level::A,
    ),
    c("1.2.4", "キャプション（ライブ）", Level::AA),
    c("1.2.5", "音声解説（収録済み）", Level::AA),
    c("1.3.1", "情報及び関係性", Level::A),
    c("1.3.2", "意味のある順序", Level::A),
    c("1.3.3", "感覚的な特徴", Level::A),
    c("1.4.1", "色の使用", Level::A),
    c("1.4.2", "音声の制御", Level::A),
    c("1.4.3", "コントラスト（最低限レベル）", Level::AA),
    c("1.4.4", "テキストのサイズ変更", Level::AA),
    c("1.4.5", "文字画像", Level::AA),
    c("2.1.1", "キーボード", Level::A),
    c("2.1.2", "キーボードトラップなし", Level::A),
    c("2.2.1", "タイミング調整可能", Level::A),
    c("2.2.2", "一時停止、停止及び非表示", Level::A),
    c(
        "2.3.1",
        "3回のせん（閃）光、又はしきい（閾）値以下",
        Level::A,
    ),
    c("2.4.1", "ブロックスキップ", Level::A),
    c("2.4.2", "ページタイトル", Level::A),
    c("2.4.3", "フォーカス順序", Level::A),
    c("2.4.4", "リンクの目的（コンテキスト内）", Level::A),
    c("2.4.5", "複数の手段", Level::AA),
    c("2.4.6", "見出し及びラベル", Level::AA),
    c("2.4.7", "フォーカスの可視化", Level::AA),
    c("3.1.1", "ページの言語", Level::A),
    c("3.1.2", "一部分の言語", Level::AA),
    c("3.2.1", "フォーカス時", Level::A),
    c("3.2.2", "入力時", Level::A),
    c("3.2.3", "一貫したナビゲーション", Level::AA),
    c("3.2.4", "一貫した識別性", Level::AA),
    c("3.3.1", "エラーの特定", Level::A),
    c("3.3.2", "ラベル又は説明", Level::A),
    c("3.3.3", "エラー修正の提案", Level::AA),
    c("3.3.4", "エラー回避（法的、金融及びデータ）", Level::AA),
    c("4.1.1", "構文解析", Level::A),
    c(
        "4.1.2",
        "名前（name）、役割（role）及び値（value）",
        Level::A,
    ),
];

/// What the test found for one criterion (試験結果).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum Outcome {
    /// 適合: tested and met.
    Met,
    /// 不適合: tested and not met.
    NotMet,
    /// 適用なし: the pages hold nothing the criterion is about.
    NotApplicable,
    /// 未確認: not (fully) tested, e.g. it needs a person and none checked it.
    Unverified,
}

impl Outcome {
    pub const WORDS: [(&'static str, Outcome); 4] = [
        ("適合", Outcome::Met),
        ("不適合", Outcome::NotMet),
        ("適用なし", Outcome::NotApplicable),
        ("未確認", Outcome::Unverified),
    ];

    pub fn label(self) -> &'static str {
        Self::WORDS
            .iter()
            .find(|(_, o)| *o == self)
            .map(|(w, _)| *w)
            .unwrap_or_default()
    }

    /// Whether the criterion applies to the pages (適用).
    pub fn applies(self) -> bool {
        self != Outcome::NotApplicable
    }

    /// Whether the criterion is known to be satisfied (met, or nothing to meet).
    pub fn satisfied(self) -> bool {
        matches!(self, Outcome::Met | Outcome::NotApplicable)
    }
}

/// One criterion's result in a record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CriterionResult {
    pub criterion: Criterion,
    pub outcome: Outcome,
    /// What was checked, or why it is not applicable (注記).
    pub note: Option<String>,
}

/// One test record: the 表明日 and what was tested on which sites' pages.
#[derive(Debug, Clone)]
pub struct Record {
    /// The file it came from, relative to the project (`data/accessibility/2026-11-29.yaml`).
    pub file: String,
    /// 表明日: the date in the file name.
    pub date: Date,
    pub tester: String,
    pub period: (Date, Date),
    pub method: String,
    pub technologies: Vec<String>,
    pub tools: Vec<String>,
    pub plan: Option<String>,
    /// Tested pages by site code (site-relative paths, in the file's order).
    pub sites: BTreeMap<String, Vec<String>>,
    /// Every criterion of [`CRITERIA`], in that order.
    pub results: Vec<CriterionResult>,
}

/// All usable records, oldest first.
#[derive(Debug, Clone, Default)]
pub struct Records {
    pub records: Vec<Record>,
}

impl Records {
    /// The record a site publishes: the newest one that names the site.
    pub fn for_site(&self, code: &str) -> Option<&Record> {
        self.records
            .iter()
            .rev()
            .find(|r| r.sites.contains_key(code))
    }
}

type Text = Option<Spanned<String>>;
type List = Option<Spanned<Vec<Spanned<String>>>>;
/// `sites:` as written: code → tested pages.
type RawSites = Option<Spanned<HashMap<Spanned<String>, Spanned<Vec<Spanned<String>>>>>>;
/// Where each site code was written in a record (line, column).
type CodePlaces = HashMap<String, Location>;

const KEYS: [&str; 8] = [
    "tester",
    "period",
    "method",
    "technologies",
    "tools",
    "plan",
    "sites",
    "criteria",
];
const PERIOD_KEYS: [&str; 2] = ["start", "end"];
/// Keys whose text may run over several lines (`|` blocks).
const MULTILINE_KEYS: [&str; 3] = ["method", "plan", "note"];

/// The file as written; every value is checked in [`validate`].
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Raw {
    tester: Text,
    period: Option<Spanned<RawPeriod>>,
    method: Text,
    technologies: List,
    tools: List,
    plan: Text,
    sites: RawSites,
    criteria: Option<Spanned<HashMap<Spanned<String>, Spanned<RawCriterion>>>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPeriod {
    start: Text,
    end: Text,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCriterion {
    result: Text,
    note: Text,
}

/// The date a record file is named after: `2026-11-29.yaml` or `2026-11-29-label.yaml`.
fn file_date(name: &str) -> Option<Date> {
    let stem = name.strip_suffix(".yaml")?;
    let date = parse_iso(stem.get(..10)?)?;
    let rest = &stem[10..];
    (rest.is_empty() || (rest.starts_with('-') && rest.len() > 1)).then_some(date)
}

/// Read every record in `dir` (absent: no records). A record dated after
/// `build_date` is not used yet (warning). Problems go to `problems`; a file
/// with an error is left out.
pub fn load(dir: &Path, master: &MasterList, build_date: Date, problems: &mut Problems) -> Records {
    if !dir.exists() {
        return Records::default();
    }
    let paths = match super::folder_files(dir) {
        Ok(paths) => paths,
        Err(e) => {
            problems.error(
                Code::FileUnreadable,
                Location::file(dir),
                format!("アクセシビリティ試験の記録のフォルダを読めません: {e}"),
                "data/accessibility はフォルダにして、試験ごとに YYYY-MM-DD.yaml のファイルを置いてください",
            );
            return Records::default();
        }
    };
    let mut records: Vec<(Record, PathBuf, CodePlaces)> = Vec::new();
    for path in paths {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        if !(name.ends_with(".yaml") || name.ends_with(".yml")) {
            continue;
        }
        let Some(date) = file_date(&name) else {
            problems.error(
                Code::AccessibilityFileName,
                Location::file(&path),
                format!("ファイル名「{name}」から表明日を読めません"),
                "表明日（結果を公開する日）をファイル名にしてください（例: 2026-11-29.yaml、2026-11-29-shizuoka.yaml）。拡張子は .yaml です",
            );
            continue;
        };
        let Some((record, code_places)) = load_file(&path, &name, date, master, problems) else {
            continue;
        };
        if date > build_date {
            problems.warning(
                Code::AccessibilityFutureDate,
                Location::file(&path),
                format!(
                    "表明日 {date} が作成日 {build_date} より後なので、この記録はまだ使いません"
                ),
                "表明日になってから作り直すか、ファイル名の日付を確かめてください",
            );
            continue;
        }
        records.push((record, path, code_places));
    }
    records.sort_by(|a, b| (a.0.date, &a.1).cmp(&(b.0.date, &b.1)));
    // Two records of the same day for one site: which one is declared is unclear.
    let mut seen: BTreeMap<(Date, String), PathBuf> = BTreeMap::new();
    let mut out = Vec::new();
    for (record, path, places) in records {
        let mut clash = false;
        for code in record.sites.keys() {
            if let Some(other) = seen.get(&(record.date, code.clone())) {
                clash = true;
                let location = places
                    .get(code)
                    .cloned()
                    .unwrap_or_else(|| Location::file(&path));
                problems.error(
                    Code::AccessibilityDuplicateRecord,
                    location,
                    format!(
                        "団体コード {code} のサイトには、同じ表明日 {} の記録「{}」もあります",
                        record.date,
                        other.file_name().unwrap_or_default().to_string_lossy()
                    ),
                    "1つのサイトの1日の試験結果は1つのファイルにまとめてください",
                );
            } else {
                seen.insert((record.date, code.clone()), path.clone());
            }
        }
        if !clash {
            out.push(record);
        }
    }
    Records { records: out }
}

fn load_file(
    path: &Path,
    name: &str,
    date: Date,
    master: &MasterList,
    problems: &mut Problems,
) -> Option<(Record, CodePlaces)> {
    if name.ends_with(".yml") {
        problems.error(
            Code::AccessibilityFileName,
            Location::file(path),
            format!("「{name}」は拡張子が .yml です"),
            "試験の記録のファイルは拡張子を .yaml にしてください",
        );
        return None;
    }
    let text = crate::yaml::read_text(path, problems)?;
    let text = text.as_str();
    let schema = crate::yaml::Schema {
        keys: &KEYS,
        nested: &[("period", &PERIOD_KEYS)],
    };
    let (raw, keys) = crate::yaml::parse_with_keys::<Raw>(
        text,
        path,
        0,
        Input::Accessibility,
        Some(&schema),
        problems,
    )?;
    let mut checker = Checker {
        path,
        keys: &keys,
        problems,
        ok: true,
    };
    checker.validate(raw, name, date, master)
}

struct Checker<'a> {
    path: &'a Path,
    /// Where each key is, for a value that is missing or empty.
    keys: &'a Keys,
    problems: &'a mut Problems,
    ok: bool,
}

impl Checker<'_> {
    fn error(&mut self, code: Code, at: Location, message: String, hint: &str) {
        self.ok = false;
        self.problems.error(code, at, message, hint.to_string());
    }

    /// Where a value is.
    fn loc<T>(&self, s: &Spanned<T>) -> Location {
        crate::yaml::location(self.path, 0, s.referenced)
    }

    /// Where a top-level `key:` is (the whole file when it is not there).
    fn key_at(&self, key: &str) -> Location {
        self.keys.get(key).key_location()
    }

    /// A text value without line breaks or tabs (unless its key may have
    /// several lines), trimmed; `None` when empty.
    fn text(&mut self, key: &str, value: Spanned<String>) -> Option<String> {
        let trimmed = value.value.trim();
        if trimmed.is_empty() {
            return None;
        }
        let multiline = MULTILINE_KEYS.contains(&key);
        if let Some(c) =
            control_char(trimmed, multiline).filter(|c| matches!(c.ch, '\t' | '\n' | '\r'))
        {
            self.error(
                Code::YamlControlCharacter,
                self.loc(&value),
                c.message(&format!("{key} の値")),
                ControlChar::HINT,
            );
            return None;
        }
        Some(trimmed.to_string())
    }

    fn required(&mut self, key: &str, value: Text, hint: &str) -> Option<String> {
        let at = value.as_ref().map(|v| self.loc(v));
        match value.and_then(|v| self.text(key, v)) {
            Some(t) => Some(t),
            None => {
                let (at, message) = match at {
                    Some(at) => (at, format!("項目「{key}」が空です")),
                    None if self.keys.get(key).exists() => {
                        (self.key_at(key), format!("項目「{key}」が空です"))
                    }
                    None => (
                        Location::file(self.path),
                        format!("必須の項目「{key}」がありません"),
                    ),
                };
                self.error(Code::AccessibilityMissingKey, at, message, hint);
                None
            }
        }
    }

    fn list(&mut self, key: &str, value: List) -> Vec<String> {
        let Some(list) = value else {
            return Vec::new();
        };
        list.value
            .into_iter()
            .filter_map(|v| self.text(key, v))
            .collect()
    }

    fn date(&mut self, key: &str, value: Text) -> Option<Date> {
        let value = value?;
        let date = parse_iso(value.value.trim());
        if date.is_none() {
            self.error(
                Code::AccessibilityBadValue,
                self.loc(&value),
                format!("{key} の日付「{}」を読めません", value.value.trim()),
                "2026-11-29 のように 年-月-日（半角、月日は2桁）で、実在する日付を書いてください",
            );
        }
        date
    }

    fn validate(
        &mut self,
        raw: Raw,
        name: &str,
        date: Date,
        master: &MasterList,
    ) -> Option<(Record, CodePlaces)> {
        let tester = self.required(
            "tester",
            raw.tester,
            "試験をした人や組織を書いてください（例: ○○市 介護保険課、委託先の名前）",
        );
        let method = self.required(
            "method",
            raw.method,
            "試験したページをどう選んだかを書いてください（例: JIS X 8341-3:2016 附属書JB の JB.1.2 a) ウェブページ一式の全てのページ）",
        );
        let period = self.period(raw.period, date);
        let technologies_at = raw.technologies.as_ref().map(|t| self.loc(t));
        let technologies = self.list("technologies", raw.technologies);
        if technologies.is_empty() {
            let at = technologies_at.unwrap_or_else(|| self.key_at("technologies"));
            self.error(
                Code::AccessibilityMissingKey,
                at,
                "依存したウェブコンテンツ技術（technologies）がありません".to_string(),
                "例: technologies: [HTML, CSS, JavaScript, SVG]",
            );
        }
        let tools = self.list("tools", raw.tools);
        let plan = raw.plan.and_then(|p| self.text("plan", p));
        let (sites, places) = self.sites(raw.sites, master);
        let results = self.criteria(raw.criteria);
        if let Some(results) = &results {
            let unmet = results.iter().filter(|r| !r.outcome.satisfied()).count();
            if unmet > 0 && plan.is_none() {
                let at = self.keys.get("criteria").key_location();
                self.problems.warning(
                    Code::AccessibilityNoPlan,
                    Location::new(self.path, at.line_number(), None),
                    format!(
                        "不適合・未確認の達成基準が {unmet} ありますが、今後の対応方針（plan）がありません。このため試験結果のページは「一部準拠」ではなく「配慮」と表記します"
                    ),
                    "plan: に、満たしていない・確認していない達成基準をいつまでにどう確かめ直すかを書いてください",
                );
            }
        }
        let record = Record {
            file: format!("data/accessibility/{name}"),
            date,
            tester: tester?,
            period: period?,
            method: method?,
            technologies,
            tools,
            plan,
            sites: sites?,
            results: results?,
        };
        self.ok.then_some((record, places))
    }

    fn period(&mut self, raw: Option<Spanned<RawPeriod>>, declared: Date) -> Option<(Date, Date)> {
        let hint = "period: {start: 2026-11-20, end: 2026-11-29} のように、試験を始めた日と終えた日を書いてください";
        let Some(raw) = raw else {
            let at = self.key_at("period");
            self.error(
                Code::AccessibilityMissingKey,
                at,
                "試験実施期間（period）がありません".to_string(),
                hint,
            );
            return None;
        };
        let at = self.loc(&raw);
        let start_at = raw.value.start.as_ref().map_or(at.clone(), |s| self.loc(s));
        let end_at = raw.value.end.as_ref().map_or(at.clone(), |e| self.loc(e));
        if raw.value.start.is_none() || raw.value.end.is_none() {
            self.error(
                Code::AccessibilityMissingKey,
                at,
                "試験実施期間（period）には start と end の両方が必要です".to_string(),
                hint,
            );
        }
        let start = self.date("period.start", raw.value.start);
        let end = self.date("period.end", raw.value.end);
        let (start, end) = (start?, end?);
        if end < start {
            self.error(
                Code::AccessibilityDateOrder,
                start_at,
                format!("試験実施期間の start（{start}）が end（{end}）より後です"),
                hint,
            );
            return None;
        }
        if end > declared {
            self.error(
                Code::AccessibilityDateOrder,
                end_at,
                format!(
                    "試験を終えた日（{end}）が表明日（ファイル名の日付 {declared}）より後です"
                ),
                "結果は試験を終えてから表明します。ファイル名を表明する日にするか、end を確かめてください",
            );
            return None;
        }
        Some((start, end))
    }

    fn sites(
        &mut self,
        raw: RawSites,
        master: &MasterList,
    ) -> (Option<BTreeMap<String, Vec<String>>>, CodePlaces) {
        let mut places = HashMap::new();
        let Some(raw) = raw else {
            let at = self.key_at("sites");
            self.error(
                Code::AccessibilityMissingKey,
                at,
                "試験したサイト（sites）がありません".to_string(),
                "sites: の下に \"221007\": [index.html, faq.html] のように、団体コードと試験したページを書いてください",
            );
            return (None, places);
        };
        let sites_at = self.loc(&raw);
        let mut entries: Vec<_> = raw.value.into_iter().collect();
        entries.sort_by_key(|(code, _)| self.loc(code));
        if entries.is_empty() {
            self.error(
                Code::AccessibilityMissingKey,
                sites_at,
                "試験したサイト（sites）が空です".to_string(),
                "sites: の下に \"221007\": [index.html, faq.html] のように書いてください",
            );
            return (None, places);
        }
        let mut sites = BTreeMap::new();
        for (code, pages) in entries {
            let at = self.loc(&code);
            let code_text = code.value.trim().to_string();
            let known = code_text == crate::data::jis::NATIONAL_CODE
                || master.prefecture(&code_text).is_some()
                || master.municipality(&code_text).is_some();
            if code_text != crate::data::jis::NATIONAL_CODE
                && let Err(e) = validate_code(&code_text)
            {
                self.error(
                    Code::AccessibilityBadValue,
                    at,
                    format!("sites の{e}"),
                    "6桁の団体コードを \"221007\" のように引用符で囲んで書いてください（全国サイトは \"000000\"）",
                );
                continue;
            }
            if !known {
                self.error(
                    Code::AccessibilityBadValue,
                    at,
                    format!("sites の団体コード「{code_text}」は団体コード一覧にありません"),
                    "data/municipalities.csv にある団体コードを書いてください（全国サイトは \"000000\"）",
                );
                continue;
            }
            places.insert(code_text.clone(), at.clone());
            let mut list: Vec<String> = Vec::new();
            if pages.value.is_empty() {
                let pages_at = self.loc(&pages);
                self.error(
                    Code::AccessibilityMissingKey,
                    pages_at,
                    format!("団体コード {code_text} のサイトで試験したページがありません"),
                    "試験したページを [index.html, faq.html] のように、サイトのフォルダからの位置で書いてください",
                );
            }
            for page in pages.value {
                let at = self.loc(&page);
                let Some(path) = self.text("sites のページ", page) else {
                    continue;
                };
                if let Some(why) = page_path_problem(&path) {
                    self.error(
                        Code::AccessibilityBadValue,
                        at,
                        format!("試験したページ「{path}」は{why}"),
                        "サイトのフォルダからの位置で、guides/flow.html のように書いてください（先頭の / や ../、URL は書けません）",
                    );
                } else if list.contains(&path) {
                    self.error(
                        Code::AccessibilityBadValue,
                        at,
                        format!("試験したページ「{path}」が2回書かれています"),
                        "1回だけ書いてください",
                    );
                } else {
                    list.push(path);
                }
            }
            sites.insert(code_text, list);
        }
        (Some(sites), places)
    }

    fn criteria(
        &mut self,
        raw: Option<Spanned<HashMap<Spanned<String>, Spanned<RawCriterion>>>>,
    ) -> Option<Vec<CriterionResult>> {
        let words = Outcome::WORDS
            .iter()
            .map(|(w, _)| *w)
            .collect::<Vec<_>>()
            .join(" / ");
        let Some(raw) = raw else {
            let at = self.key_at("criteria");
            self.error(
                Code::AccessibilityMissingKey,
                at,
                "達成基準ごとの結果（criteria）がありません".to_string(),
                "criteria: の下に 1.1.1: {result: 適合} のように、レベル A・AA の 38 の達成基準すべての結果を書いてください",
            );
            return None;
        };
        let criteria_at = self.key_at("criteria");
        let mut found: BTreeMap<&'static str, CriterionResult> = BTreeMap::new();
        // Criteria written with a bad result: reported already, not missing.
        let mut broken: Vec<&'static str> = Vec::new();
        let mut entries: Vec<_> = raw.value.into_iter().collect();
        entries.sort_by_key(|(number, _)| self.loc(number));
        for (number, entry) in entries {
            let at = self.loc(&number);
            let key = number.value.trim();
            let Some(criterion) = CRITERIA.iter().find(|c| c.number == key) else {
                self.error(
                    Code::AccessibilityBadValue,
                    at,
                    format!("「{key}」は JIS X 8341-3:2016 のレベル A・AA の達成基準の番号ではありません"),
                    "1.1.1 から 4.1.2 までの、レベル A と AA の達成基準の番号を書いてください（レベル AAA は記録しません）",
                );
                continue;
            };
            let entry_at = self.loc(&entry);
            let RawCriterion { result, note } = entry.value;
            let note = note.and_then(|n| self.text("note", n));
            let Some(result) = result else {
                broken.push(criterion.number);
                self.error(
                    Code::AccessibilityMissingKey,
                    entry_at,
                    format!("達成基準 {key} の結果（result）がありません"),
                    &format!("result: に {words} のどれかを書いてください"),
                );
                continue;
            };
            let word = result.value.trim();
            let Some(outcome) = Outcome::WORDS
                .iter()
                .find(|(w, _)| *w == word)
                .map(|(_, o)| *o)
            else {
                broken.push(criterion.number);
                let result_at = self.loc(&result);
                self.error(
                    Code::AccessibilityBadValue,
                    result_at,
                    format!("達成基準 {key} の結果「{word}」は使えません"),
                    &format!("{words} のどれかを書いてください"),
                );
                continue;
            };
            found.insert(
                criterion.number,
                CriterionResult {
                    criterion: *criterion,
                    outcome,
                    note,
                },
            );
        }
        let missing: Vec<&str> = CRITERIA
            .iter()
            .map(|c| c.number)
            .filter(|n| !found.contains_key(n) && !broken.contains(n))
            .collect();
        if !missing.is_empty() {
            self.error(
                Code::AccessibilityMissingCriteria,
                criteria_at,
                format!(
                    "達成基準 {} の結果がありません（レベル A・AA の 38 すべてが必要です）",
                    missing.join("、")
                ),
                "試験していない達成基準は result: 未確認 と書いてください。その結果、ページは「準拠」とは表記しません",
            );
        }
        (missing.is_empty() && broken.is_empty()).then(|| {
            CRITERIA
                .iter()
                .filter_map(|c| found.remove(c.number))
                .collect()
        })
    }
}

/// Why a tested page's path cannot name a page of the site, if it cannot.
fn page_path_problem(path: &str) -> Option<&'static str> {
    if path.contains("://") || path.starts_with("//") {
        return Some(" URL ではなく、サイトのフォルダからの位置で書きます");
    }
    if path.starts_with('/') || path.contains('\\') {
        return Some("サイトのフォルダからの位置ではありません");
    }
    if path
        .split('/')
        .any(|part| part.is_empty() || part == "." || part == "..")
    {
        return Some("サイトのフォルダの外か、空の部分を指しています");
    }
    if path
        .chars()
        .any(|c| c.is_whitespace() || matches!(c, '#' | '?' | '%' | ':'))
    {
        return Some("ページの位置に使えない文字を含んでいます");
    }
    if !path.ends_with(".html") {
        return Some("ページ（.html）ではありません");
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_has_the_38_criteria_of_levels_a_and_aa_once_each() {
        assert_eq!(CRITERIA.iter().filter(|c| c.level == Level::A).count(), 25);
        assert_eq!(CRITERIA.iter().filter(|c| c.level == Level::AA).count(), 13);
        let mut numbers: Vec<&str> = CRITERIA.iter().map(|c| c.number).collect();
        numbers.dedup();
        assert_eq!(numbers.len(), 38);
    }

    #[test]
    fn file_names_give_the_declaration_date() {
        assert_eq!(
            file_date("2026-11-29.yaml"),
            Some("2026-11-29".parse().unwrap())
        );
        assert_eq!(
            file_date("2026-11-29-shizuoka.yaml"),
            Some("2026-11-29".parse().unwrap())
        );
        assert_eq!(file_date("2026-11-29-.yaml"), None);
        assert_eq!(file_date("2026-02-30.yaml"), None);
        assert_eq!(file_date("results.yaml"), None);
    }
}
