//! Loading `data/subsidies/*.yaml`: every file read, every value checked
//! with its own location, every problem of every file reported in one run.

use super::*;

/// Every top-level key, in the order the documentation lists them.
pub(super) const KEYS: [&str; 21] = [
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
pub(super) const WINDOW_KEYS: [&str; 2] = ["start", "end"];
/// Keys whose text may run over several lines (`|` blocks).
pub(super) const MULTILINE_KEYS: [&str; 2] = ["how_to_apply", "contact"];

pub(super) type Text = Option<Spanned<String>>;
pub(super) type List = Option<Spanned<Vec<Spanned<String>>>>;

/// The file as written. Every scalar is read as text so that value problems
/// are reported by [`validate`] with their own location, all at once.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct Raw {
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
pub(super) struct RawWindow {
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
    let paths = match crate::data::folder_files(dir) {
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
pub(super) fn check_combinations(
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

pub(super) fn load_file(
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

pub(super) fn trimmed(v: Spanned<String>) -> Spanned<String> {
    Spanned::new(v.value.trim().to_string(), v.referenced, v.defined)
}

/// Checks values one by one, reporting every problem of the file.
pub(super) struct Checker<'a> {
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

pub(super) fn validate(
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

pub(super) fn is_http_url(s: &str) -> bool {
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

pub(super) fn parse_uint(s: &str) -> Option<u64> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// `0.75` → (75, 100); `1` → (1, 1). At most 6 decimal places.
pub(super) fn parse_decimal(s: &str) -> Option<(u64, u64)> {
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
pub(super) fn parse_yen(s: &str) -> Option<u64> {
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

pub(super) fn gcd(a: u64, b: u64) -> u64 {
    if b == 0 { a } else { gcd(b, a % b) }
}
