//! The JIS X 0402 master list of local governments (全国地方公共団体コード).
//!
//! Codes are strings everywhere: `011002` must keep its leading zero.

use std::collections::BTreeMap;
use std::path::Path;

use crate::problems::Problems;

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
    if code.len() != 6 || !code.bytes().all(|b| b.is_ascii_digit()) {
        return Err(CodeError::Shape(code.to_string()));
    }
    let expected = check_digit(&code[..5]).expect("five ascii digits");
    if code.as_bytes()[5] - b'0' != expected {
        return Err(CodeError::CheckDigit {
            code: code.to_string(),
            expected: format!("{}{}", &code[..5], expected),
        });
    }
    Ok(())
}

/// A prefecture: `code` is the 6-digit `PP0000`+check code, `number` the 2-digit `PP`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prefecture {
    pub code: String,
    pub number: String,
    pub name: String,
    pub kana: String,
}

/// A municipality (市区町村), belonging to one prefecture.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Municipality {
    pub code: String,
    pub prefecture_number: String,
    pub name: String,
    pub kana: String,
}

/// Every prefecture and municipality, in code order.
#[derive(Debug, Clone, Default)]
pub struct MasterList {
    pub prefectures: Vec<Prefecture>,
    pub municipalities: Vec<Municipality>,
    prefecture_index: BTreeMap<String, usize>,
    municipality_index: BTreeMap<String, usize>,
}

#[derive(serde::Deserialize)]
struct Row {
    code: String,
    prefecture_code: String,
    #[allow(dead_code)]
    prefecture: String,
    name: String,
    kana: String,
}

impl MasterList {
    /// Load `municipalities.csv` (code, prefecture_code, prefecture, name, kana),
    /// reporting every bad row rather than stopping at the first.
    pub fn load(path: &Path, problems: &mut Problems) -> MasterList {
        let mut list = MasterList::default();
        let mut reader = match csv::Reader::from_path(path) {
            Ok(r) => r,
            Err(e) => {
                problems.error(
                    path,
                    0,
                    0,
                    format!("団体コード一覧を読めません: {e}"),
                    "data/municipalities.csv を置いてください（全国地方公共団体コードの一覧）",
                );
                return list;
            }
        };
        let headers = match reader.headers() {
            Ok(h) => h.clone(),
            Err(e) => {
                problems.error(
                    path,
                    1,
                    0,
                    format!("見出し行を読めません: {e}"),
                    "UTF-8 の CSV で保存してください",
                );
                return list;
            }
        };
        for record in reader.records() {
            let (row, line) = match record.and_then(|r| {
                let line = r.position().map(|p| p.line() as usize).unwrap_or(0);
                r.deserialize::<Row>(Some(&headers)).map(|row| (row, line))
            }) {
                Ok(ok) => ok,
                Err(e) => {
                    let line = e.position().map(|p| p.line() as usize).unwrap_or(0);
                    problems.error(
                        path,
                        line,
                        0,
                        format!("行を読めません: {e}"),
                        "列は code,prefecture_code,prefecture,name,kana の5つです",
                    );
                    continue;
                }
            };
            if let Err(e) = validate_code(&row.code) {
                problems.error(path, line, 1, e.to_string(), "団体コードを確認してください");
                continue;
            }
            if row.code[..2] != row.prefecture_code {
                problems.error(
                    path,
                    line,
                    1,
                    format!(
                        "団体コード「{}」の上2桁が都道府県コード「{}」と一致しません",
                        row.code, row.prefecture_code
                    ),
                    "prefecture_code 列を確認してください",
                );
                continue;
            }
            if &row.code[2..5] == "000" {
                list.prefecture_index
                    .insert(row.code.clone(), list.prefectures.len());
                list.prefectures.push(Prefecture {
                    code: row.code,
                    number: row.prefecture_code,
                    name: row.name,
                    kana: row.kana,
                });
            } else {
                list.municipality_index
                    .insert(row.code.clone(), list.municipalities.len());
                list.municipalities.push(Municipality {
                    code: row.code,
                    prefecture_number: row.prefecture_code,
                    name: row.name,
                    kana: row.kana,
                });
            }
        }
        list.prefectures.sort_by(|a, b| a.code.cmp(&b.code));
        list.municipalities.sort_by(|a, b| a.code.cmp(&b.code));
        list.reindex();
        list
    }

    fn reindex(&mut self) {
        self.prefecture_index = self
            .prefectures
            .iter()
            .enumerate()
            .map(|(i, p)| (p.code.clone(), i))
            .collect();
        self.municipality_index = self
            .municipalities
            .iter()
            .enumerate()
            .map(|(i, m)| (m.code.clone(), i))
            .collect();
    }

    pub fn prefecture(&self, code: &str) -> Option<&Prefecture> {
        self.prefecture_index
            .get(code)
            .map(|&i| &self.prefectures[i])
    }

    /// A prefecture by its 2-digit number (`"22"`).
    pub fn prefecture_by_number(&self, number: &str) -> Option<&Prefecture> {
        self.prefectures.iter().find(|p| p.number == number)
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
            .filter(move |m| m.prefecture_number == prefecture_number)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
