//! Partner offices (`data/offices.csv`): offices already using the system,
//! shown on each municipality's page so that offices can find partners.
//!
//! Same reading as the adoption files (any encoding, `.xlsx` too, Japanese or
//! English headers); every problem is reported with file, line and value.
//!
//! Besides the five required columns, a file may give each office's reading
//! (事業所名カナ), address (所在地), phone number (電話番号) and corporate number
//! (法人番号, its check digit verified). The headers of the 自治体標準オープン
//! データセット「介護サービス事業所一覧」 (介護サービス事業所名称, 介護サービス事業所名称_カナ,
//! 実施サービス, 住所, 電話番号, 法人番号, 事業所番号) are understood as well, so a
//! council that already publishes that dataset can add its 利用開始日 column and
//! use the file as it is.

use std::collections::HashMap;
use std::path::Path;

use jiff::civil::Date;

use crate::data::jis::{Code as JisCode, MasterList, resolve_code};
use crate::data::table::{
    Column, Header, Required, Schema, Table, TableRow, nearest, normalize_width, parse_date,
};
use crate::problems::{Code, Problems};

/// One office using the system, for one service type.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Office {
    /// 介護保険事業所番号: 10 characters.
    pub number: String,
    pub name: String,
    pub service_type: String,
    pub municipality_code: JisCode,
    /// The day it started using the system.
    pub since: Date,
    /// true for invented (sample) offices, shown as 架空.
    pub illustrative: bool,
    /// How the name reads (名称_カナ), in kana as written (half-width kana
    /// made full width, spaces kept once).
    pub reading: Option<String>,
    /// Where the office is (所在地), as written.
    pub address: Option<String>,
    /// Its phone number as written (full-width digits made half width):
    /// 10 or 11 digits from a leading 0.
    pub phone: Option<String>,
    /// 法人番号 of the corporation that runs it: 13 digits, check digit verified.
    pub corporate_number: Option<String>,
}

/// The service types an office may list, in display order.
pub const SERVICE_TYPES: &[&str] = &[
    "居宅介護支援",
    "訪問介護",
    "訪問看護",
    "訪問入浴介護",
    "訪問リハビリテーション",
    "通所介護",
    "地域密着型通所介護",
    "通所リハビリテーション",
    "短期入所生活介護",
    "短期入所療養介護",
    "福祉用具貸与",
    "小規模多機能型居宅介護",
    "看護小規模多機能型居宅介護",
    "定期巡回・随時対応型訪問介護看護",
    "認知症対応型通所介護",
    "介護予防支援",
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    Number,
    Name,
    ServiceType,
    Municipality,
    Since,
    Illustrative,
    Reading,
    Address,
    Phone,
    CorporateNumber,
}

const SCHEMA: Schema<Role> = Schema {
    columns: &[
        Column {
            role: Role::Number,
            label: "事業所番号",
            aliases: &[
                "office_number",
                "number",
                "事業所番号",
                "介護保険事業所番号",
            ],
        },
        Column {
            role: Role::Name,
            label: "事業所名",
            aliases: &[
                "name",
                "office_name",
                "事業所名",
                "名称",
                "事業所名称",
                "介護サービス事業所名称",
            ],
        },
        Column {
            role: Role::ServiceType,
            label: "サービス種別",
            aliases: &[
                "service_type",
                "service",
                "サービス種別",
                "サービスの種類",
                "サービス種類",
                "実施サービス",
            ],
        },
        Column {
            role: Role::Municipality,
            label: "市区町村コード",
            aliases: &[
                "municipality_code",
                "code",
                "市区町村コード",
                "団体コード",
                "都道府県コード又は市区町村コード",
                "全国地方公共団体コード",
            ],
        },
        Column {
            role: Role::Since,
            label: "利用開始日",
            aliases: &["since", "利用開始日", "開始日", "利用開始"],
        },
        Column {
            role: Role::Illustrative,
            label: "架空",
            aliases: &["illustrative", "sample", "架空", "サンプル"],
        },
        Column {
            role: Role::Reading,
            label: "事業所名カナ",
            aliases: &[
                "reading",
                "name_kana",
                "kana",
                "事業所名カナ",
                "事業所名かな",
                "事業所名フリガナ",
                "事業所名ふりがな",
                "フリガナ",
                "ふりがな",
                "よみがな",
                "読み",
                "カナ",
                "名称_カナ",
                "名称カナ",
                "介護サービス事業所名称_カナ",
            ],
        },
        Column {
            role: Role::Address,
            label: "所在地",
            aliases: &[
                "address",
                "所在地",
                "住所",
                "事業所所在地",
                "所在地_連結表記",
            ],
        },
        Column {
            role: Role::Phone,
            label: "電話番号",
            aliases: &["phone", "tel", "telephone", "電話番号", "電話"],
        },
        Column {
            role: Role::CorporateNumber,
            label: "法人番号",
            aliases: &["corporate_number", "法人番号"],
        },
    ],
    required: &[
        Required {
            any_of: &[Role::Number],
            label: "事業所番号（office_number）",
        },
        Required {
            any_of: &[Role::Name],
            label: "事業所名（name）",
        },
        Required {
            any_of: &[Role::ServiceType],
            label: "サービス種別（service_type）",
        },
        Required {
            any_of: &[Role::Municipality],
            label: "市区町村コード（municipality_code）",
        },
        Required {
            any_of: &[Role::Since],
            label: "利用開始日（since）",
        },
    ],
    header_hint: "見出しを office_number,name,service_type,municipality_code,since（事業所番号,事業所名,サービス種別,市区町村コード,利用開始日）にしてください。事業所名カナ,所在地,電話番号,法人番号 の列は任意です",
};

/// Load `data/offices.csv` (absent → no offices). Sorted by municipality
/// code, service type (in [`SERVICE_TYPES`] order) and office number.
pub fn load(path: &Path, master: &MasterList, problems: &mut Problems) -> Vec<Office> {
    load_as_of(path, master, None, problems)
}

/// [`load`], also warning about offices whose start date is after `today`
/// (the build date): they would be listed as using the system too early.
pub fn load_as_of(
    path: &Path,
    master: &MasterList,
    today: Option<Date>,
    problems: &mut Problems,
) -> Vec<Office> {
    if !path.exists() {
        return Vec::new();
    }
    let Some(table) = Table::open(path, problems) else {
        return Vec::new();
    };
    if table.is_blank() {
        return Vec::new();
    }
    let Some(header) = SCHEMA.header(&table, problems) else {
        return Vec::new();
    };
    let (rows, _) = header.data_rows(&table, &SCHEMA, problems);
    let column = |role| header.column(role).map(|c| c + 1);
    let mut offices = Vec::new();
    let mut seen: HashMap<(String, String), usize> = HashMap::new();
    for row in rows {
        let Some(office) = read_row(row, &header, &table, master, problems) else {
            continue;
        };
        if let Some(today) = today
            && office.since > today
        {
            table.warning(
                problems,
                Code::OfficesFutureStart,
                row.line,
                column(Role::Since),
                format!(
                    "事業所「{}」の利用開始日 {} が基準日 {today} より後です",
                    office.name, office.since
                ),
                "利用開始日を確認してください。開始前の事業所も一覧に載ります",
            );
        }
        let key = (office.number.clone(), office.service_type.clone());
        if let Some(first) = seen.get(&key) {
            table.error(
                problems,
                Code::OfficesDuplicateRow,
                row.line,
                column(Role::Number),
                format!(
                    "事業所番号「{}」の「{}」が2回あります（{}行目と{}行目）",
                    office.number, office.service_type, first, row.line
                ),
                "同じ事業所・同じサービス種別の行は1つにしてください（後の行は読み飛ばしました）",
            );
            continue;
        }
        seen.insert(key, row.line);
        offices.push(office);
    }
    offices.sort_by(|a, b| {
        (
            &a.municipality_code,
            service_rank(&a.service_type),
            &a.number,
        )
            .cmp(&(
                &b.municipality_code,
                service_rank(&b.service_type),
                &b.number,
            ))
    });
    offices
}

fn service_rank(service: &str) -> usize {
    SERVICE_TYPES
        .iter()
        .position(|s| *s == service)
        .unwrap_or(SERVICE_TYPES.len())
}

fn read_row(
    row: &TableRow,
    header: &Header<Role>,
    table: &Table,
    master: &MasterList,
    problems: &mut Problems,
) -> Option<Office> {
    let line = row.line;
    let mut ok = true;
    let mut get = |role: Role, problems: &mut Problems| -> Option<(usize, String)> {
        let col = header.column(role)?;
        let value = row.cell(col).to_string();
        if value.is_empty() && role.optional() {
            return None;
        }
        if value.is_empty() {
            table.error(
                problems,
                Code::OfficesBadValue,
                line,
                Some(col + 1),
                format!("{}が空欄です", SCHEMA.label(role)),
                format!("{}を書いてください", SCHEMA.label(role)),
            );
            ok = false;
            return None;
        }
        Some((col, value))
    };
    let number = get(Role::Number, problems);
    let name = get(Role::Name, problems);
    let service = get(Role::ServiceType, problems);
    let municipality = get(Role::Municipality, problems);
    let since = get(Role::Since, problems);
    let illustrative = get(Role::Illustrative, problems);
    let reading = get(Role::Reading, problems);
    let address = get(Role::Address, problems);
    let phone = get(Role::Phone, problems);
    let corporate = get(Role::CorporateNumber, problems);

    let number = number.and_then(|(col, raw)| match check_office_number(&raw) {
        Ok(number) => {
            if let Some(expected) = office_check_digit(&number[..9])
                && number.as_bytes()[9] != expected
            {
                table.warning(
                    problems,
                    Code::OfficesCheckDigit,
                    line,
                    Some(col + 1),
                    format!(
                        "事業所番号「{raw}」の検証番号（10桁目）が計算と合いません（計算では「{}」）",
                        expected as char
                    ),
                    "事業所番号の写し間違いがないか、指定通知などで確認してください",
                );
            }
            Some(number)
        }
        Err(p) => {
            table.error(problems, p.code, line, Some(col + 1), p.message, p.hint);
            None
        }
    });

    let service = service.and_then(|(col, raw)| {
        let key: String = normalize_width(&raw)
            .chars()
            .filter(|c| !c.is_whitespace())
            .map(|c| if c == '･' || c == '.' { '・' } else { c })
            .collect();
        if let Some(s) = SERVICE_TYPES.iter().find(|s| **s == key) {
            return Some(s.to_string());
        }
        let near = nearest(&key, SERVICE_TYPES.iter().copied(), 1);
        let hint = match near.first() {
            Some(n) => format!(
                "「{n}」ではありませんか。サービス種別は {} のどれかで書いてください",
                SERVICE_TYPES.join("・")
            ),
            None => format!(
                "サービス種別は {} のどれかで書いてください",
                SERVICE_TYPES.join("・")
            ),
        };
        table.error(
            problems,
            Code::OfficesBadValue,
            line,
            Some(col + 1),
            format!("サービス種別「{raw}」は使えません"),
            hint,
        );
        None
    });

    let municipality = municipality.and_then(|(col, raw)| match resolve_code(&raw, master) {
        Ok(code) if master.municipality(&code).is_some() => Some(code),
        Ok(code) => {
            table.error(
                problems,
                Code::OfficesUnknownMunicipality,
                line,
                Some(col + 1),
                format!(
                    "市区町村コード「{raw}」は都道府県（{}）のコードです",
                    master.prefecture(&code).map_or("", |p| p.name.as_str())
                ),
                "事業所の所在地の市区町村コード（6桁）を書いてください",
            );
            None
        }
        Err(e) => {
            table.error(
                problems,
                Code::OfficesUnknownMunicipality,
                line,
                Some(col + 1),
                e.to_string(),
                e.hint(),
            );
            None
        }
    });

    let since = since.and_then(|(col, raw)| match parse_date(&raw) {
        Some(d) => Some(d),
        None => {
            table.error(
                problems,
                Code::OfficesBadValue,
                line,
                Some(col + 1),
                format!("利用開始日「{raw}」は日付として読めません"),
                "2024-04-01 や 2024/4/1、2024年4月1日 のように実在する日付で書いてください",
            );
            None
        }
    });

    let illustrative = match illustrative {
        None => Some(false),
        Some((col, raw)) => match parse_bool(&raw) {
            Some(b) => Some(b),
            None => {
                table.error(
                    problems,
                    Code::OfficesBadValue,
                    line,
                    Some(col + 1),
                    format!("架空の列の値「{raw}」は はい／いいえ として読めません"),
                    "架空（サンプル）の事業所なら true、実在なら false か空欄にしてください",
                );
                None
            }
        },
    };

    let mut report = |col: usize, p: CellProblem| {
        table.error(problems, p.code, line, Some(col + 1), p.message, p.hint);
    };
    let reading = match reading.map(|(col, raw)| check_reading(&raw).map_err(|e| (col, e))) {
        None => Some(None),
        Some(Ok(r)) => Some(Some(r)),
        Some(Err((col, p))) => {
            report(col, p);
            None
        }
    };
    let phone = match phone.map(|(col, raw)| check_phone(&raw).map_err(|e| (col, e))) {
        None => Some(None),
        Some(Ok(p)) => Some(Some(p)),
        Some(Err((col, p))) => {
            report(col, p);
            None
        }
    };
    let corporate_number =
        match corporate.map(|(col, raw)| check_corporate_number(&raw).map_err(|e| (col, e))) {
            None => Some(None),
            Some(Ok(n)) => Some(Some(n)),
            Some(Err((col, p))) => {
                report(col, p);
                None
            }
        };
    let address = match address {
        None => Some(None),
        Some((col, raw)) => match check_address(&raw, municipality.as_ref(), master) {
            Ok(a) => Some(Some(a)),
            Err(p) => {
                report(col, p);
                None
            }
        },
    };

    if !ok {
        return None;
    }
    Some(Office {
        number: number?,
        name: name?.1,
        service_type: service?,
        municipality_code: municipality?,
        since: since?,
        illustrative: illustrative?,
        reading: reading?,
        address: address?,
        phone: phone?,
        corporate_number: corporate_number?,
    })
}

impl Role {
    /// A column that may be left out, or blank on a row.
    fn optional(self) -> bool {
        matches!(
            self,
            Role::Illustrative
                | Role::Reading
                | Role::Address
                | Role::Phone
                | Role::CorporateNumber
        )
    }
}

/// The longest reading, address or phone number a cell may hold: far more
/// than any real one, so that a pasted paragraph is caught.
const MAX_TEXT_CHARS: usize = 120;

/// What is wrong with one cell: its kind, message and hint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CellProblem {
    pub code: Code,
    pub message: String,
    pub hint: String,
}

impl CellProblem {
    fn new(code: Code, message: String, hint: impl Into<String>) -> CellProblem {
        CellProblem {
            code,
            message,
            hint: hint.into(),
        }
    }
}

fn too_long(what: &str, raw: &str) -> Option<CellProblem> {
    let n = raw.chars().count();
    (n > MAX_TEXT_CHARS).then(|| {
        CellProblem::new(
            Code::OfficesBadValue,
            format!("{what}が{n}文字あり、長すぎます（{MAX_TEXT_CHARS}文字まで）"),
            format!("{what}の列には{what}だけを書いてください"),
        )
    })
}

/// A reading (事業所名カナ): kana, as the open-data standard asks (カタカナ, or
/// ひらがな), with the long-vowel mark, spaces, the middle dot, ASCII letters
/// and digits and the brackets of a corporate type (（福）). Half-width kana
/// is made full width; runs of spaces become one. `Err` names the first
/// character that is not one of these.
pub fn check_reading(raw: &str) -> Result<String, CellProblem> {
    if let Some(problem) = too_long("事業所名カナ", raw) {
        return Err(problem);
    }
    let text = normalize_width(raw);
    let allowed = |c: char| {
        matches!(c, '\u{3041}'..='\u{3096}' | '\u{309D}'..='\u{309F}' | '\u{30A1}'..='\u{30FF}')
            || c.is_ascii_alphanumeric()
            || c == ' '
            || "()（）・.,&'-‐ー".contains(c)
    };
    if let Some(bad) = text.chars().find(|c| !allowed(*c)) {
        return Err(CellProblem::new(
            Code::OfficesBadValue,
            format!("事業所名カナ「{raw}」に、かな以外の文字「{bad}」があります"),
            "事業所名の読み方をカタカナ（またはひらがな）で書いてください（例: サクラキョタクカイゴシエンジギョウショ）",
        ));
    }
    Ok(text
        .split(' ')
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" "))
}

/// A phone number: digits with hyphens, brackets or spaces between them, 10
/// or 11 digits from a leading 0 (市外局番 included), full width accepted.
/// Kept as written, in half width.
pub fn check_phone(raw: &str) -> Result<String, CellProblem> {
    if let Some(problem) = too_long("電話番号", raw) {
        return Err(problem);
    }
    let text = normalize_width(raw).trim().to_string();
    let hint = "市外局番から 054-221-1234 のように数字とハイフンで書いてください（内線は書かないでください）";
    let separator = |c: char| matches!(c, '-' | '‐' | '−' | 'ー' | '(' | ')' | ' ');
    if let Some(bad) = text.chars().find(|c| !c.is_ascii_digit() && !separator(*c)) {
        return Err(CellProblem::new(
            Code::OfficesBadValue,
            format!("電話番号「{raw}」に数字と区切り以外の文字「{bad}」があります"),
            hint,
        ));
    }
    let digits: String = text.chars().filter(char::is_ascii_digit).collect();
    if !digits.starts_with('0') || !(10..=11).contains(&digits.len()) {
        return Err(CellProblem::new(
            Code::OfficesBadValue,
            format!(
                "電話番号「{raw}」は市外局番から10桁か11桁の番号になっていません（数字が{}桁）",
                digits.len()
            ),
            hint,
        ));
    }
    Ok(text)
}

/// A 法人番号: 13 digits whose first is the check digit of the other twelve
/// (法人番号の指定等に関する省令 第2条). Full width, hyphens and spaces are accepted.
pub fn check_corporate_number(raw: &str) -> Result<String, CellProblem> {
    let digits: String = normalize_width(raw)
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .collect();
    if digits.len() != 13 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        let hint = if digits.len() == 12 && digits.bytes().all(|b| b.is_ascii_digit()) {
            "12桁しかありません。法人番号は先頭の検査用数字を含めて13桁です（Excel で先頭の 0 が消えていないかも確かめてください）"
        } else {
            "法人番号は13桁の数字です。国税庁の法人番号公表サイトで確かめてください"
        };
        return Err(CellProblem::new(
            Code::OfficesBadValue,
            format!("法人番号「{raw}」の形が違います（13桁の数字ではありません）"),
            hint,
        ));
    }
    let expected = corporate_check_digit(&digits[1..]).expect("12 ASCII digits");
    if digits.as_bytes()[0] != expected {
        return Err(CellProblem::new(
            Code::OfficesCorporateCheckDigit,
            format!(
                "法人番号「{raw}」の検査用数字（先頭の桁）が合いません（残りの12桁からは「{}」になります）",
                expected as char
            ),
            "写し間違いがないか、国税庁の法人番号公表サイトで確かめてください",
        ));
    }
    Ok(digits)
}

/// The check digit of a 法人番号 from its other 12 digits (the 会社法人等番号
/// or the number assigned by the 国税庁長官): 9 − (Σ Pn × Qn mod 9), where Pn
/// is the n-th digit counted from the right and Qn is 1 for odd n, 2 for even n.
pub fn corporate_check_digit(body: &str) -> Option<u8> {
    if body.len() != 12 || !body.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let sum: u32 = body
        .bytes()
        .rev()
        .enumerate()
        .map(|(i, b)| u32::from(b - b'0') * if i % 2 == 0 { 1 } else { 2 })
        .sum();
    Some(b'0' + (9 - sum % 9) as u8)
}

/// An address (所在地), kept as written. When it begins with a prefecture's
/// name, that must be the prefecture of the office's municipality code.
fn check_address(
    raw: &str,
    municipality: Option<&JisCode>,
    master: &MasterList,
) -> Result<String, CellProblem> {
    if let Some(problem) = too_long("所在地", raw) {
        return Err(problem);
    }
    let text = normalize_width(raw).trim().to_string();
    let named = master
        .prefectures
        .iter()
        .find(|p| text.starts_with(p.name.as_str()));
    if let (Some(named), Some(code)) = (named, municipality)
        && !named.code.same_prefecture(code)
    {
        let own = master
            .municipality(code)
            .and_then(|m| master.prefecture_of(&m.code))
            .map_or(String::new(), |p| p.name.clone());
        return Err(CellProblem::new(
            Code::OfficesAddressMismatch,
            format!(
                "所在地「{raw}」は{}の住所ですが、市区町村コード {code} は{own}の団体です",
                named.name
            ),
            "所在地か市区町村コードのどちらかを直してください",
        ));
    }
    Ok(text)
}

/// An office number: exactly 10 characters, digits except that the third may
/// be a letter (介護予防・日常生活支援総合事業 offices use `A` etc.). Full-width
/// input is accepted and letters are upper-cased.
pub fn check_office_number(raw: &str) -> Result<String, CellProblem> {
    let s: String = normalize_width(raw)
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .collect::<String>()
        .to_ascii_uppercase();
    let chars: Vec<char> = s.chars().collect();
    let shape = chars.len() == 10
        && chars
            .iter()
            .enumerate()
            .all(|(i, c)| c.is_ascii_digit() || (i == 2 && c.is_ascii_uppercase()));
    if shape {
        return Ok(s);
    }
    let hint = if chars.len() == 9 && chars.iter().all(|c| c.is_ascii_digit()) {
        format!(
            "9桁しかありません。Excel で先頭の 0 が消えていませんか（「0{s}」）。事業所番号は10桁です"
        )
    } else {
        format!(
            "事業所番号は10桁で、3桁目（英字のこともあります）以外は数字です（今は{}文字）",
            chars.len()
        )
    };
    Err(CellProblem::new(
        Code::OfficesBadNumber,
        format!("事業所番号「{raw}」の形が違います"),
        hint,
    ))
}

/// The check digit (検証番号) of a 介護保険事業所番号, from its first 9 characters.
///
/// Assumption, documented because the rule is not in a statute: the ministry's
/// material on 総合事業 office numbers (「介護予防・日常生活支援総合事業における
/// 事業所番号の考え方について」) describes it as modulus 10, weights 2-1, split
/// (分割) method, extended for letters: a letter in the third position reads as a
/// number, A=10, B=11, … Z=32 skipping I, O and Q; from the rightmost of the 9
/// characters the weights are 2, 1, 2, 1, …; a two-digit product counts as the
/// sum of its digits; the check digit is (10 − sum mod 10) mod 10. Because this
/// is reconstructed from secondary material, a mismatch is only a warning.
/// Returns `None` when a character has no value (I, O, Q).
pub fn office_check_digit(body: &str) -> Option<u8> {
    let mut sum = 0u32;
    for (i, c) in body.chars().rev().enumerate() {
        let value = match c {
            '0'..='9' => c as u32 - '0' as u32,
            'A'..='Z' if !matches!(c, 'I' | 'O' | 'Q') => {
                let skipped = ['I', 'O', 'Q'].iter().filter(|s| **s < c).count() as u32;
                10 + (c as u32 - 'A' as u32) - skipped
            }
            _ => return None,
        };
        let weight = if i % 2 == 0 { 2 } else { 1 };
        let product = value * weight;
        sum += product
            .to_string()
            .bytes()
            .map(|b| (b - b'0') as u32)
            .sum::<u32>();
    }
    Some(b'0' + ((10 - sum % 10) % 10) as u8)
}

fn parse_bool(raw: &str) -> Option<bool> {
    let key = normalize_width(raw).trim().to_lowercase();
    match key.as_str() {
        "" | "false" | "0" | "no" | "n" | "いいえ" | "×" | "実在" => Some(false),
        "true" | "1" | "yes" | "y" | "はい" | "○" | "〇" | "●" | "✓" | "架空" | "サンプル" => {
            Some(true)
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_start_date_after_the_build_date_is_a_warning_on_its_line() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("offices.csv");
        std::fs::write(
            &path,
            "office_number,name,service_type,municipality_code,since\n2271009017,a,居宅介護支援,221007,2024-04-01\n2271009025,b,通所介護,221007,2027-01-01\n",
        )
        .unwrap();
        let mut problems = Problems::new();
        let today: Date = "2026-11-29".parse().unwrap();
        let offices = load_as_of(&path, master(), Some(today), &mut problems);
        assert_eq!(offices.len(), 2, "the office still loads");
        let found = problems.sorted();
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].code, Code::OfficesFutureStart);
        assert_eq!(
            found[0].location,
            crate::problems::Location::at(&path, 3, 5)
        );
        assert_eq!(found[0].severity, Severity::Warning);
        assert!(found[0].message.contains("2027-01-01"));
    }

    use super::*;
    use crate::problems::{Problem, Severity};
    use std::path::PathBuf;

    fn root() -> PathBuf {
        PathBuf::from(env!("CARGO_MANIFEST_DIR"))
    }

    fn master() -> &'static MasterList {
        crate::data::jis::shipped()
    }

    fn load_path(path: &Path) -> (Vec<Office>, Vec<Problem>) {
        let mut problems = Problems::new();
        let offices = load(path, master(), &mut problems);
        (offices, problems.sorted())
    }

    fn fixture(name: &str) -> (Vec<Office>, Vec<Problem>) {
        load_path(&root().join("tests/fixtures/offices").join(name))
    }

    fn run(text: &[u8]) -> (Vec<Office>, Vec<Problem>) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("offices.csv");
        std::fs::write(&path, text).unwrap();
        load_path(&path)
    }

    fn find<'a>(problems: &'a [Problem], needles: &[&str]) -> &'a Problem {
        crate::problems::find_one(problems, needles)
    }

    /// A problem's code, line and column.
    fn at(p: &Problem) -> (Code, Option<usize>, Option<usize>) {
        (p.code, p.location.line_number(), p.location.column_number())
    }

    fn date(y: i16, m: i8, d: i8) -> Date {
        Date::new(y, m, d).unwrap()
    }

    #[test]
    fn absent_file_is_no_offices() {
        let (offices, problems) = load_path(&root().join("tests/fixtures/offices/none.csv"));
        assert!(offices.is_empty() && problems.is_empty());
    }

    #[test]
    fn shipped_sample_offices_load_cleanly() {
        let (offices, problems) = load_path(&root().join("data/offices.csv"));
        assert!(problems.is_empty(), "{problems:#?}");
        assert!(
            offices
                .iter()
                .all(|o| o.illustrative && o.name.contains("架空"))
        );
        for code in ["221007", "221309", "011002"] {
            let n = offices
                .iter()
                .filter(|o| o.municipality_code == code)
                .count();
            assert!((1..=12).contains(&n), "{code}: {n}");
        }
    }

    #[test]
    fn valid_file_is_read_and_sorted() {
        let (offices, problems) = fixture("valid/offices.csv");
        assert!(problems.is_empty(), "{problems:#?}");
        let keys: Vec<(&str, &str, &str)> = offices
            .iter()
            .map(|o| {
                (
                    o.municipality_code.as_str(),
                    o.service_type.as_str(),
                    o.number.as_str(),
                )
            })
            .collect();
        assert_eq!(
            keys,
            vec![
                ("131016", "通所介護", "13A1234569"),
                ("221007", "居宅介護支援", "2271009017"),
                ("221007", "訪問介護", "2271009025"),
                ("221007", "介護予防支援", "2271009017"),
                ("221309", "訪問看護", "2271309029"),
            ]
        );
        assert_eq!(offices[0].since, date(2024, 4, 1)); // R6.4.1
        assert!(!offices[0].illustrative);
        assert_eq!(offices[1].since, date(2024, 4, 1)); // 2024年4月1日
        assert_eq!(offices[2].since, date(2024, 6, 1)); // 2024/6/1
        assert!(!offices[3].illustrative); // empty cell
        assert!(offices[4].illustrative);
        assert_eq!(offices[4].name, "（架空）ひまわり訪問看護ステーション");
    }

    #[test]
    fn cp932_japanese_headers() {
        let bytes = std::fs::read(root().join("tests/fixtures/offices/cp932/offices.csv")).unwrap();
        assert!(std::str::from_utf8(&bytes).is_err());
        let (offices, problems) = fixture("cp932/offices.csv");
        assert!(problems.is_empty(), "{problems:#?}");
        assert_eq!(offices.len(), 2);
        assert_eq!(offices[0].name, "（架空）さくら居宅介護支援事業所");
        assert_eq!(offices[1].since, date(2024, 5, 1)); // 令和6年5月1日
        assert!(offices.iter().all(|o| o.illustrative));
    }

    #[test]
    fn xlsx_offices() {
        let (offices, problems) = fixture("xlsx/offices.xlsx");
        assert!(problems.is_empty(), "{problems:#?}");
        assert_eq!(offices.len(), 1);
        assert_eq!(offices[0].municipality_code, "011002"); // 11002 in the sheet
        assert_eq!(offices[0].number, "0171009012");
    }

    #[test]
    fn every_error_with_line_and_value() {
        let (offices, problems) = fixture("errors/offices.csv");
        let found: Vec<_> = problems.iter().map(at).collect();
        let (bad, unknown) = (Code::OfficesBadValue, Code::OfficesUnknownMunicipality);
        assert_eq!(
            found,
            [
                (Code::OfficesDuplicateRow, Some(3), Some(1)),
                (Code::OfficesBadNumber, Some(4), Some(1)),
                (bad, Some(5), Some(3)),
                (unknown, Some(6), Some(4)),
                (unknown, Some(7), Some(4)),
                (bad, Some(8), Some(5)),
                (Code::OfficesCheckDigit, Some(9), Some(1)),
                (bad, Some(10), Some(1)),
                (unknown, Some(11), Some(4)),
                (bad, Some(11), Some(6)),
            ],
            "{problems:#?}"
        );
        // Each names the value of its row.
        let e = find(&problems, &["2271009017", "居宅介護支援", "2行目と3行目"]);
        assert_eq!(e.severity, Severity::Error);
        let e = find(&problems, &["「227100901」"]);
        assert!(e.hint.contains("0227100901"), "{e}");
        let e = find(&problems, &["「訪門介護」"]);
        assert!(e.hint.starts_with("「訪問介護」"), "{e}");
        find(&problems, &["229997"]);
        find(&problems, &["220001"]);
        find(&problems, &["「2024-02-30」"]);
        let w = find(&problems, &["「2271009010」", "「7」"]);
        assert_eq!(w.severity, Severity::Warning);
        find(&problems, &["221008", "221007"]);
        find(&problems, &["「maybe」"]);
        assert_eq!(
            problems
                .iter()
                .filter(|p| p.severity == Severity::Error)
                .count(),
            9,
            "{problems:#?}"
        );
        // Kept: line 2 and the check-digit warning row (line 9).
        assert_eq!(offices.len(), 2);
    }

    #[test]
    fn missing_columns_are_named() {
        let (offices, problems) = run("事業所番号,事業所名\n2271009017,x\n".as_bytes());
        assert!(offices.is_empty());
        let e = find(&problems, &["サービス種別", "市区町村コード", "利用開始日"]);
        assert_eq!(at(e), (Code::TableMissingColumn, Some(1), None));
    }

    #[test]
    fn office_numbers() {
        assert_eq!(check_office_number("2271009017"), Ok("2271009017".into()));
        assert_eq!(
            check_office_number("２２７１００９０１７"),
            Ok("2271009017".into())
        );
        assert_eq!(check_office_number("13a1234569"), Ok("13A1234569".into()));
        assert!(check_office_number("1A71009017").is_err()); // letter only in the third place
        assert!(check_office_number("22710090171").is_err());
        assert_eq!(office_check_digit("227100901"), Some(b'7'));
        assert_eq!(office_check_digit("13A123456"), Some(b'9'));
        assert_eq!(office_check_digit("13I123456"), None);
        // A=10, B=11 … H=17, J=18 (I skipped) … Z=32.
        assert_ne!(
            office_check_digit("13A123456"),
            office_check_digit("13B123456")
        );
        // J is 18 (I skipped): 18×2=36 → 3+6=9, the same as a 9 (9×2=18 → 1+8).
        assert_eq!(
            office_check_digit("13J123456"),
            office_check_digit("139123456")
        );
        // Z is 32 (I, O, Q skipped): 32×2=64 → 6+4=10, the same as a 0.
        assert_eq!(
            office_check_digit("13Z123456"),
            office_check_digit("130123456")
        );
    }

    #[test]
    fn control_characters_in_an_office_name_are_errors_on_their_line() {
        let (offices, problems) = run(
            "office_number,name,service_type,municipality_code,since\n2271009017,さくら\u{8}居宅,居宅介護支援,221007,2024-04-01\n2271009025,=1+1 事業所,訪問介護,221007,2024-04-01\n"
                .as_bytes(),
        );
        let e = find(&problems, &["U+0008"]);
        assert_eq!(at(e), (Code::TableControlCharacter, Some(2), Some(2)));
        assert_eq!(e.severity, Severity::Error);
        assert_eq!(problems.len(), 1, "{problems:#?}");
        // A name that looks like a formula is a name: the CSV download escapes it.
        assert_eq!(offices.len(), 1);
        assert_eq!(offices[0].name, "=1+1 事業所");
    }

    #[test]
    fn a_title_row_above_the_header_is_skipped() {
        let (offices, problems) = run(
            "利用事業所一覧（2024年4月）\noffice_number,name,service_type,municipality_code,since\n2271009017,a,居宅介護支援,221007,R6.4.1\n"
                .as_bytes(),
        );
        assert!(problems.is_empty(), "{problems:#?}");
        assert_eq!(offices[0].since, date(2024, 4, 1));
    }

    #[test]
    fn the_open_data_standard_headers_and_the_optional_columns_are_read() {
        let (offices, problems) = fixture("standard/offices.csv");
        assert!(problems.is_empty(), "{problems:#?}");
        assert_eq!(offices.len(), 2);
        let sakura = &offices[0];
        assert_eq!(sakura.name, "（架空）さくら居宅介護支援事業所");
        assert_eq!(
            sakura.reading.as_deref(),
            Some("サクラキョタクカイゴシエンジギョウショ")
        );
        assert_eq!(
            sakura.address.as_deref(),
            Some("静岡県静岡市葵区架空町1-2-3")
        );
        assert_eq!(sakura.phone.as_deref(), Some("054-000-0101"));
        assert_eq!(sakura.corporate_number.as_deref(), Some("1180301018771"));
        assert!(sakura.illustrative);
        // Blank optional cells are no value; a reading keeps one space between words.
        let aoba = &offices[1];
        assert_eq!(
            aoba.reading.as_deref(),
            Some("あおば へるぱー すてーしょん")
        );
        assert_eq!(
            (&aoba.address, &aoba.phone, &aoba.corporate_number),
            (&None, &None, &None)
        );
        // Files without the optional columns still load.
        let (offices, problems) = fixture("valid/offices.csv");
        assert!(problems.is_empty(), "{problems:#?}");
        assert!(
            offices
                .iter()
                .all(|o| o.reading.is_none() && o.phone.is_none())
        );
    }

    #[test]
    fn optional_columns_are_checked_on_their_cell() {
        let (offices, problems) = fixture("column_errors/offices.csv");
        let e = find(&problems, &["事業所名カナ「さくら居宅」", "「居」"]);
        assert_eq!(at(e), (Code::OfficesBadValue, Some(2), Some(3)));
        assert_eq!(e.severity, Severity::Error);
        assert!(e.hint.contains("カタカナ"), "{e}");
        let e = find(
            &problems,
            &["所在地「東京都千代田区架空町1」", "東京都", "静岡県"],
        );
        assert_eq!(at(e), (Code::OfficesAddressMismatch, Some(3), Some(6)));
        let e = find(&problems, &["電話番号「054-000」", "6桁"]);
        assert_eq!(at(e), (Code::OfficesBadValue, Some(4), Some(7)));
        let e = find(&problems, &["電話番号「054-000-0104 内線12」", "「内」"]);
        assert_eq!(at(e), (Code::OfficesBadValue, Some(5), Some(7)));
        assert!(e.hint.contains("内線は書かないで"), "{e}");
        let e = find(
            &problems,
            &["法人番号「2180301018771」", "検査用数字", "「1」"],
        );
        assert_eq!(at(e), (Code::OfficesCorporateCheckDigit, Some(6), Some(8)));
        assert_eq!(e.severity, Severity::Error);
        let e = find(&problems, &["法人番号「180301018771」"]);
        assert_eq!(at(e), (Code::OfficesBadValue, Some(7), Some(8)));
        assert!(e.hint.contains("12桁しかありません"), "{e}");
        assert_eq!(problems.len(), 6, "{problems:#?}");
        assert!(offices.is_empty());
    }

    #[test]
    fn corporate_numbers_carry_their_check_digit() {
        // トヨタ自動車株式会社, as published by the 国税庁.
        assert_eq!(corporate_check_digit("180301018771"), Some(b'1'));
        assert_eq!(
            check_corporate_number("１－１８０３－０１－０１８７７１"),
            Ok("1180301018771".into())
        );
        for body in ["000000000000", "999999999999", "123456789012"] {
            let check = corporate_check_digit(body).unwrap();
            assert!((b'1'..=b'9').contains(&check), "{body}");
            let number = format!("{}{body}", check as char);
            assert_eq!(check_corporate_number(&number), Ok(number.clone()));
            // Any other first digit is refused.
            for other in (b'0'..=b'9').filter(|d| *d != check) {
                let wrong = format!("{}{body}", other as char);
                assert!(check_corporate_number(&wrong).is_err(), "{wrong}");
            }
        }
        assert_eq!(corporate_check_digit("12345"), None);
        assert!(check_corporate_number("118030101877a").is_err());
    }

    #[test]
    fn phones_and_readings_as_people_write_them() {
        for ok in [
            "054-221-1234",
            "0120-584-708",
            "090-1234-5678",
            "(054)221-1234",
            "０５４－２２１－１２３４",
        ] {
            assert!(check_phone(ok).is_ok(), "{ok}");
        }
        assert_eq!(
            check_phone("０５４－２２１－１２３４").unwrap(),
            "054-221-1234"
        );
        for bad in [
            "221-1234",
            "54-221-1234",
            "054-221-1234-5678",
            "TEL 054-221-1234",
        ] {
            assert!(check_phone(bad).is_err(), "{bad}");
        }
        assert_eq!(check_reading("ｶ)ｻｸﾗ  ｹｱ").unwrap(), "カ)サクラ ケア");
        assert!(check_reading("（ﾌｸ）ｻｸﾗｶｲ").is_ok());
        assert!(check_reading("サクラ介護").is_err());
        assert!(
            check_reading(&"ア".repeat(121))
                .unwrap_err()
                .message
                .contains("長すぎます")
        );
    }

    #[test]
    fn service_types_in_order() {
        assert_eq!(SERVICE_TYPES.len(), 16);
        assert_eq!(service_rank("居宅介護支援"), 0);
        assert_eq!(service_rank("介護予防支援"), 15);
        let (offices, problems) = run(
            "office_number,name,service_type,municipality_code,since\n2271009017,x,定期巡回･随時対応型訪問介護看護,221007,2024-04-01\n"
                .as_bytes(),
        );
        assert!(problems.is_empty(), "{problems:#?}");
        assert_eq!(offices[0].service_type, "定期巡回・随時対応型訪問介護看護");
    }
}
