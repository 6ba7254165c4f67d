//! The JIS X 0402 master list of local governments (全国地方公共団体コード),
//! and [`Code`], the type every code is held in once it has been read.
//!
//! A code keeps its leading zero (`011002`): it is six ASCII digits, never a
//! number.

use std::collections::BTreeMap;
use std::path::Path;

use crate::data::table::{self, Column, Required, Schema, normalize_width};
use crate::problems::{Code as ProblemCode, Problems};

/// The check digit of a 5-digit JIS body: (11 − Σ(6..2 × digit) mod 11) mod 10.
pub fn check_digit(body: &str) -> Option<u8> {
    let digits: Vec<u32> = body
        .chars()
        .map(|c| c.to_digit(10))
        .collect::<Option<_>>()?;
    if digits.len() != 5 {
        return None;
    }
    let sum: u32 = digits.iter().zip([6, 5, 4, 3, 2]).map(|(d, w)| d * w).sum();
    Some(((11 - sum % 11) % 10) as u8)
}

/// Why a 6-digit code is not a valid JIS X 0402 code.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CodeError {
    #[error("団体コード「{0}」は6桁の数字ではありません")]
    Shape(String),
    #[error("団体コード「{code}」の検査数字（6桁目）が違います。正しくは「{expected}」です")]
    CheckDigit { code: String, expected: String },
}

/// Validate a 6-digit code's shape and check digit.
pub fn validate_code(code: &str) -> Result<(), CodeError> {
    Code::parse(code).map(|_| ())
}

/// What a code names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum CodeKind {
    /// `000000`, the code outreach gives the national site (not a JIS code).
    National,
    /// `PP0000` + check digit.
    Prefecture,
    Municipality,
}

/// The national site's code.
pub const NATIONAL_CODE: &str = "000000";

/// A JIS X 0402 code whose check digit was verified when it was made, or the
/// national site's `000000`. It is six ASCII digits, so it reads as a `&str`
/// (`&code` where a `&str` is wanted) and sorts as its text does.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Code([u8; 6]);

impl Code {
    /// The national site's code, `000000`.
    pub const NATIONAL: Code = Code(*b"000000");

    /// A 6-digit code with a correct check digit (`000000` is not one: see
    /// [`Code::NATIONAL`]).
    pub fn parse(text: &str) -> Result<Code, CodeError> {
        let bytes: [u8; 6] = text
            .as_bytes()
            .try_into()
            .ok()
            .filter(|b: &[u8; 6]| b.iter().all(u8::is_ascii_digit))
            .ok_or_else(|| CodeError::Shape(text.to_string()))?;
        let expected = check_digit(&text[..5]).expect("five ascii digits");
        if bytes[5] - b'0' != expected {
            return Err(CodeError::CheckDigit {
                code: text.to_string(),
                expected: format!("{}{}", &text[..5], expected),
            });
        }
        Ok(Code(bytes))
    }

    /// The code of prefecture `number` (1–47): `22` → `220001`.
    pub fn of_prefecture(number: u8) -> Option<Code> {
        if !(1..=47).contains(&number) {
            return None;
        }
        let body = format!("{number:02}000");
        let check = check_digit(&body)?;
        Code::parse(&format!("{body}{check}")).ok()
    }

    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.0).expect("a code is ASCII digits")
    }

    pub fn kind(&self) -> CodeKind {
        if *self == Code::NATIONAL {
            CodeKind::National
        } else if &self.0[2..5] == b"000" {
            CodeKind::Prefecture
        } else {
            CodeKind::Municipality
        }
    }

    /// The prefecture number, 1–47 (`None` for the nation).
    pub fn prefecture_number(&self) -> Option<u8> {
        let n = (self.0[0] - b'0') * 10 + (self.0[1] - b'0');
        (n > 0).then_some(n)
    }

    /// The first two digits, `"22"` (`"00"` for the nation).
    pub fn prefecture_digits(&self) -> &str {
        &self.as_str()[..2]
    }

    /// The code of the prefecture this code lies in (a prefecture's own code
    /// for a prefecture; `None` for the nation).
    pub fn prefecture(&self) -> Option<Code> {
        Code::of_prefecture(self.prefecture_number()?)
    }

    /// Whether this code lies in prefecture `prefecture` (a prefecture lies in itself).
    pub fn is_in(&self, prefecture: &Code) -> bool {
        self.kind() != CodeKind::National && self.0[..2] == prefecture.0[..2]
    }

    /// Whether this is a prefecture's code (`PP000C`).
    pub fn is_prefecture(&self) -> bool {
        self.kind() == CodeKind::Prefecture
    }

    /// Whether both codes lie in the same prefecture (never for the nation).
    pub fn same_prefecture(&self, other: &Code) -> bool {
        self.prefecture_number().is_some() && self.0[..2] == other.0[..2]
    }
}

impl std::ops::Deref for Code {
    type Target = str;
    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl std::borrow::Borrow<str> for Code {
    fn borrow(&self) -> &str {
        self.as_str()
    }
}

impl AsRef<str> for Code {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

impl std::fmt::Display for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::fmt::Debug for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Code({})", self.as_str())
    }
}

impl PartialEq<str> for Code {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for Code {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl PartialEq<String> for Code {
    fn eq(&self, other: &String) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<Code> for String {
    fn eq(&self, other: &Code) -> bool {
        self == other.as_str()
    }
}

impl PartialEq<Code> for &str {
    fn eq(&self, other: &Code) -> bool {
        *self == other.as_str()
    }
}

impl serde::Serialize for Code {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl From<Code> for String {
    fn from(code: Code) -> String {
        code.as_str().to_string()
    }
}

/// A prefecture.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prefecture {
    pub code: Code,
    pub name: String,
    pub kana: String,
}

impl Prefecture {
    /// The 2-digit number, `"22"`.
    pub fn number(&self) -> &str {
        self.code.prefecture_digits()
    }
}

/// A municipality (市区町村), belonging to one prefecture.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Municipality {
    pub code: Code,
    pub name: String,
    pub kana: String,
}

impl Municipality {
    /// Its prefecture's 2-digit number, `"22"`.
    pub fn prefecture_number(&self) -> &str {
        self.code.prefecture_digits()
    }
}

/// Every prefecture and municipality, in code order.
#[derive(Debug, Clone, Default)]
pub struct MasterList {
    pub prefectures: Vec<Prefecture>,
    pub municipalities: Vec<Municipality>,
    prefecture_index: BTreeMap<Code, usize>,
    municipality_index: BTreeMap<Code, usize>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    Code,
    PrefectureCode,
    Prefecture,
    Name,
    Kana,
}

const SCHEMA: Schema<Role> = Schema {
    columns: &[
        Column {
            role: Role::Code,
            label: "団体コード",
            aliases: &["code", "団体コード"],
        },
        Column {
            role: Role::PrefectureCode,
            label: "都道府県コード",
            aliases: &["prefecture_code", "都道府県コード"],
        },
        Column {
            role: Role::Prefecture,
            label: "都道府県名",
            aliases: &["prefecture", "都道府県名"],
        },
        Column {
            role: Role::Name,
            label: "名称",
            aliases: &["name", "名称", "団体名"],
        },
        Column {
            role: Role::Kana,
            label: "よみがな",
            aliases: &["kana", "よみがな", "ふりがな"],
        },
    ],
    required: &[
        Required {
            any_of: &[Role::Code],
            label: "code",
        },
        Required {
            any_of: &[Role::PrefectureCode],
            label: "prefecture_code",
        },
        Required {
            any_of: &[Role::Name],
            label: "name",
        },
        Required {
            any_of: &[Role::Kana],
            label: "kana",
        },
    ],
    header_hint: "列は code,prefecture_code,prefecture,name,kana の5つです",
};

impl MasterList {
    /// Load `municipalities.csv` (code, prefecture_code, prefecture, name, kana),
    /// reporting every bad row rather than stopping at the first.
    pub fn load(path: &Path, problems: &mut Problems) -> MasterList {
        let mut list = MasterList::default();
        let table = match table::read(path) {
            Ok(table) => table,
            Err(e) => {
                problems.error(
                    e.code(),
                    e.location(path),
                    format!("団体コード一覧を読めません: {e}"),
                    "data/municipalities.csv を置いてください（全国地方公共団体コードの一覧）",
                );
                return list;
            }
        };
        let Some(header) = SCHEMA.header(&table, problems) else {
            return list;
        };
        let (rows, _) = header.data_rows(&table, &SCHEMA, problems);
        let column = |role| header.column(role).expect("required column");
        for row in rows {
            let line = row.line;
            let text = row.cell(column(Role::Code));
            let prefecture_code = row.cell(column(Role::PrefectureCode));
            let code = match Code::parse(text) {
                Ok(code) => code,
                Err(e) => {
                    table.error(
                        problems,
                        ProblemCode::MunicipalitiesBadCode,
                        line,
                        Some(column(Role::Code) + 1),
                        e.to_string(),
                        "団体コードを確認してください",
                    );
                    continue;
                }
            };
            if code.prefecture_digits() != prefecture_code {
                table.error(
                    problems,
                    ProblemCode::MunicipalitiesBadCode,
                    line,
                    Some(column(Role::Code) + 1),
                    format!(
                        "団体コード「{code}」の上2桁が都道府県コード「{prefecture_code}」と一致しません"
                    ),
                    "prefecture_code 列を確認してください",
                );
                continue;
            }
            let name = row.cell(column(Role::Name)).to_string();
            let kana = row.cell(column(Role::Kana)).to_string();
            if code.kind() == CodeKind::Prefecture {
                list.prefectures.push(Prefecture { code, name, kana });
            } else {
                list.municipalities.push(Municipality { code, name, kana });
            }
        }
        list.prefectures.sort_by_key(|p| p.code);
        list.municipalities.sort_by_key(|m| m.code);
        list.reindex();
        list
    }

    fn reindex(&mut self) {
        self.prefecture_index = self
            .prefectures
            .iter()
            .enumerate()
            .map(|(i, p)| (p.code, i))
            .collect();
        self.municipality_index = self
            .municipalities
            .iter()
            .enumerate()
            .map(|(i, m)| (m.code, i))
            .collect();
    }

    pub fn prefecture(&self, code: &str) -> Option<&Prefecture> {
        self.prefecture_index
            .get(code)
            .map(|&i| &self.prefectures[i])
    }

    /// A prefecture by its 2-digit number (`"22"`).
    pub fn prefecture_by_number(&self, number: &str) -> Option<&Prefecture> {
        self.prefectures.iter().find(|p| p.number() == number)
    }

    /// The prefecture a code lies in (a prefecture's own for a prefecture).
    pub fn prefecture_of(&self, code: &Code) -> Option<&Prefecture> {
        self.prefecture(&code.prefecture()?)
    }

    pub fn municipality(&self, code: &str) -> Option<&Municipality> {
        self.municipality_index
            .get(code)
            .map(|&i| &self.municipalities[i])
    }

    /// Municipalities of one prefecture (by 2-digit number), in code order.
    pub fn municipalities_of<'a>(
        &'a self,
        prefecture_number: &'a str,
    ) -> impl Iterator<Item = &'a Municipality> + 'a {
        self.municipalities
            .iter()
            .filter(move |m| m.prefecture_number() == prefecture_number)
    }
}

/// The shipped master list (`data/municipalities.csv`), loaded once, for tests.
#[cfg(test)]
pub(crate) fn shipped() -> &'static MasterList {
    static MASTER: std::sync::OnceLock<MasterList> = std::sync::OnceLock::new();
    MASTER.get_or_init(|| {
        let mut problems = Problems::new();
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/municipalities.csv");
        let list = MasterList::load(&path, &mut problems);
        assert!(problems.is_empty(), "{:?}", problems.sorted());
        list
    })
}

/// Why a code cell names no local government. The message names the value;
/// [`ResolveError::hint`] says what to do.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ResolveError {
    #[error("団体コード「{0}」は数字ではありません")]
    NotDigits(String),
    #[error("都道府県番号「{0}」はありません")]
    NoPrefecture(String),
    #[error("団体コード「{0}」は5桁で、どの団体のコードか分かりません")]
    FiveDigits(String),
    #[error(transparent)]
    Code(#[from] CodeError),
    #[error("団体コード「{0}」は団体コード一覧（data/municipalities.csv）にありません")]
    NotListed(String),
    #[error("団体コード「{0}」は6桁ではありません")]
    Length(String),
}

impl ResolveError {
    /// What the editor should do.
    pub fn hint(&self) -> &'static str {
        match self {
            ResolveError::NotDigits(_) | ResolveError::Length(_) => {
                "6桁の団体コード（例: 221007）か、2桁の都道府県番号（例: 22）で書いてください"
            }
            ResolveError::NoPrefecture(_) => "都道府県番号は 01（北海道）から 47（沖縄県）です",
            ResolveError::FiveDigits(_) => {
                "検査数字を含む6桁で書いてください。Excel で先頭の 0 が消えていないかも確認してください"
            }
            ResolveError::Code(CodeError::CheckDigit { .. }) => {
                "団体コードの6桁目（検査数字）を直してください"
            }
            ResolveError::Code(CodeError::Shape(_)) => "団体コードを確認してください",
            ResolveError::NotListed(_) => {
                "合併で無くなった団体や政令市の区のコードではないか確認し、一覧にあるコードで書いてください"
            }
        }
    }
}

/// Resolve a code cell: 6-digit JIS codes, 2-digit (or Excel-shortened 1-digit)
/// prefecture numbers, 5-digit codes that lost their leading zero in Excel or
/// were written without their check digit.
pub fn resolve_code(raw: &str, master: &MasterList) -> Result<Code, ResolveError> {
    let s: String = normalize_width(raw)
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    let known = |c: &str| master.prefecture(c).is_some() || master.municipality(c).is_some();
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return Err(ResolveError::NotDigits(raw.to_string()));
    }
    match s.len() {
        1 | 2 => {
            let number = format!("{s:0>2}");
            match master.prefecture_by_number(&number) {
                Some(p) => Ok(p.code),
                None => Err(ResolveError::NoPrefecture(raw.to_string())),
            }
        }
        5 => {
            if let Ok(padded) = Code::parse(&format!("0{s}"))
                && known(&padded)
            {
                return Ok(padded);
            }
            if let Some(cd) = check_digit(&s)
                && let Ok(full) = Code::parse(&format!("{s}{cd}"))
                && known(&full)
            {
                return Ok(full);
            }
            Err(ResolveError::FiveDigits(raw.to_string()))
        }
        6 => match Code::parse(&s) {
            Err(e) => Err(e.into()),
            Ok(code) if known(&code) => Ok(code),
            Ok(_) => Err(ResolveError::NotListed(s)),
        },
        _ => Err(ResolveError::Length(raw.to_string())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::problems::Location;

    #[test]
    fn check_digits_of_known_codes() {
        assert_eq!(check_digit("01100"), Some(2)); // 札幌市 011002
        assert_eq!(check_digit("22000"), Some(1)); // 静岡県 220001
        assert_eq!(check_digit("13101"), Some(6)); // 千代田区 131016
        assert!(validate_code("221007").is_ok());
        assert!(validate_code("011002").is_ok());
    }

    #[test]
    fn wrong_check_digit_names_the_right_code() {
        let err = validate_code("221008").unwrap_err();
        assert_eq!(
            err,
            CodeError::CheckDigit {
                code: "221008".into(),
                expected: "221007".into()
            }
        );
        assert!(err.to_string().contains("221007"));
        assert!(matches!(validate_code("22100"), Err(CodeError::Shape(_))));
        assert!(matches!(validate_code("22100a"), Err(CodeError::Shape(_))));
    }

    #[test]
    fn codes_as_people_type_them() {
        let mut problems = Problems::new();
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/municipalities.csv");
        let master = MasterList::load(&path, &mut problems);
        let resolved = |raw| resolve_code(raw, &master).map(String::from);
        assert_eq!(resolved("1"), Ok("010006".to_string()));
        assert_eq!(resolved("11002"), Ok("011002".to_string()));
        assert_eq!(resolved("22100"), Ok("221007".to_string()));
        assert_eq!(resolved("２２１００７"), Ok("221007".to_string()));
        assert!(resolve_code("48", &master).is_err());
        let e = resolve_code("221008", &master).unwrap_err();
        assert!(e.to_string().contains("221007"), "{e}");
        assert!(e.hint().contains("検査数字"), "{e}");
    }

    #[test]
    fn bad_rows_are_reported_with_their_line() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("municipalities.csv");
        std::fs::write(
            &path,
            "code,prefecture_code,prefecture,name,kana\n010006,01,北海道,北海道,ホッカイドウ\n011003,01,北海道,札幌市,サッポロシ\n011002,02,北海道,札幌市,サッポロシ\n012025,01,北海道,函館\u{8}市,ハコダテシ\n",
        )
        .unwrap();
        let mut problems = Problems::new();
        let list = MasterList::load(&path, &mut problems);
        let found = problems.sorted();
        let at: Vec<(ProblemCode, Location)> =
            found.iter().map(|p| (p.code, p.location.clone())).collect();
        assert_eq!(
            at,
            [
                (
                    ProblemCode::MunicipalitiesBadCode,
                    Location::at(&path, 3, 1)
                ),
                (
                    ProblemCode::MunicipalitiesBadCode,
                    Location::at(&path, 4, 1)
                ),
                (
                    ProblemCode::TableControlCharacter,
                    Location::at(&path, 5, 4)
                ),
            ],
            "{found:#?}"
        );
        assert!(found[2].message.contains("U+0008"));
        assert_eq!(list.prefectures.len(), 1);
        assert!(list.municipalities.is_empty());
    }

    #[test]
    fn every_code_in_the_shipped_master_list_is_valid() {
        let mut problems = Problems::new();
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/municipalities.csv");
        let list = MasterList::load(&path, &mut problems);
        assert!(problems.is_empty(), "{:?}", problems.sorted());
        assert_eq!(list.prefectures.len(), 47);
        assert_eq!(list.municipalities.len(), 1741);
        assert_eq!(list.municipality("011002").unwrap().name, "札幌市");
        assert_eq!(list.municipalities_of("22").count(), 35);
    }

    #[test]
    fn a_code_knows_its_kind_and_prefecture() {
        let shizuoka = Code::parse("221007").unwrap();
        assert_eq!(shizuoka.kind(), CodeKind::Municipality);
        assert_eq!(shizuoka.prefecture_number(), Some(22));
        assert_eq!(shizuoka.prefecture_digits(), "22");
        assert_eq!(shizuoka.prefecture(), Some(Code::parse("220001").unwrap()));
        assert_eq!(Code::of_prefecture(1).unwrap(), "010006");
        assert_eq!(Code::of_prefecture(47).unwrap(), "470007");
        assert_eq!(Code::of_prefecture(48), None);
        let prefecture = Code::parse("220001").unwrap();
        assert_eq!(prefecture.kind(), CodeKind::Prefecture);
        assert_eq!(prefecture.prefecture(), Some(prefecture));
        assert!(shizuoka.is_in(&prefecture) && prefecture.is_in(&prefecture));
        assert!(!Code::parse("011002").unwrap().is_in(&prefecture));
        assert_eq!(Code::NATIONAL.kind(), CodeKind::National);
        assert_eq!(Code::NATIONAL.prefecture(), None);
        assert!(!Code::NATIONAL.is_in(&prefecture));
        assert!(prefecture.is_prefecture() && !shizuoka.is_prefecture());
        assert!(!Code::NATIONAL.is_prefecture());
        let hamamatsu = Code::parse("221309").unwrap();
        assert!(shizuoka.same_prefecture(&hamamatsu) && hamamatsu.same_prefecture(&prefecture));
        assert!(!shizuoka.same_prefecture(&Code::parse("011002").unwrap()));
        assert!(!Code::NATIONAL.same_prefecture(&Code::NATIONAL));
        // Made only from six digits with their check digit.
        assert!(Code::parse("000000").is_err());
        assert!(Code::parse("２２１００７").is_err());
        assert!(Code::parse("22100７").is_err());
        // Reads as its text, sorts as its text, serializes as its text.
        let text: &str = &shizuoka;
        assert_eq!(text, "221007");
        assert!(Code::parse("011002").unwrap() < shizuoka);
        assert_eq!(serde_json::to_string(&shizuoka).unwrap(), "\"221007\"");
    }
}
