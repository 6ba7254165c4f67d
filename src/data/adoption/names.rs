//! Names of local governments as they appear in adoption tables: `静岡県`,
//! `静岡`, `静岡県静岡市`, `鶴ケ島市`/`鶴ヶ島市`, and the totals row (合計).

use std::collections::HashMap;

use crate::data::jis::{Code, MasterList};
use crate::data::table::{nearest, normalize_width};

/// A name reduced for matching: half-width, no spaces, `ヶ`/`ヵ`/`ケ` folded.
fn name_key(name: &str) -> String {
    normalize_width(name)
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '\u{FEFF}')
        .map(|c| match c {
            'ヶ' | 'ヵ' | 'ｹ' => 'ケ',
            _ => c,
        })
        .collect::<String>()
        .to_lowercase()
}

const TOTAL_MARKERS: &[&str] = &[
    "合計",
    "計",
    "総計",
    "総数",
    "全国",
    "全国計",
    "全国合計",
    "total",
    "sum",
    "合計値",
];

/// Whether a name cell marks the totals row.
pub(super) fn is_total_marker(cell: &str) -> bool {
    let key = name_key(cell);
    TOTAL_MARKERS.contains(&key.as_str())
}

/// Outcome of looking a municipality name up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Lookup {
    Found(Code),
    Ambiguous(Vec<Code>),
    NotFound(Vec<String>),
}

/// Name lookups over the master list.
pub(crate) struct NameIndex<'a> {
    master: &'a MasterList,
    prefectures: HashMap<String, Code>,
    municipalities: HashMap<String, Vec<Code>>,
}

impl<'a> NameIndex<'a> {
    pub(crate) fn new(master: &'a MasterList) -> Self {
        let mut prefectures = HashMap::new();
        for p in &master.prefectures {
            let key = name_key(&p.name);
            prefectures.insert(key.clone(), p.code);
            if key != "北海道" {
                for suffix in ['都', '道', '府', '県'] {
                    if let Some(short) = key.strip_suffix(suffix) {
                        prefectures.insert(short.to_string(), p.code);
                    }
                }
            }
        }
        let mut municipalities: HashMap<String, Vec<Code>> = HashMap::new();
        for m in &master.municipalities {
            municipalities
                .entry(name_key(&m.name))
                .or_default()
                .push(m.code);
        }
        NameIndex {
            master,
            prefectures,
            municipalities,
        }
    }

    /// A prefecture by its name, full (`静岡県`) or short (`静岡`, `東京`).
    pub(crate) fn prefecture(&self, name: &str) -> Option<Code> {
        self.prefectures.get(&name_key(name)).copied()
    }

    /// A municipality by name, optionally within one prefecture (2-digit number).
    /// `静岡県静岡市` style names with the prefecture in front are understood.
    pub(crate) fn municipality(&self, name: &str, prefecture_number: Option<&str>) -> Lookup {
        let key = name_key(name);
        let in_pref = |code: &Code| prefecture_number.is_none_or(|p| code.prefecture_digits() == p);
        if let Some(codes) = self.municipalities.get(&key) {
            let codes: Vec<Code> = codes.iter().filter(|c| in_pref(c)).copied().collect();
            match codes.len() {
                0 => {}
                1 => return Lookup::Found(codes[0]),
                _ => return Lookup::Ambiguous(codes),
            }
        }
        for p in &self.master.prefectures {
            let pkey = name_key(&p.name);
            if let Some(rest) = key.strip_prefix(&pkey)
                && !rest.is_empty()
                && prefecture_number.is_none_or(|n| n == p.number())
                && let Some(codes) = self.municipalities.get(rest)
                && let Some(code) = codes.iter().find(|c| c.is_in(&p.code))
            {
                return Lookup::Found(*code);
            }
        }
        let candidates: Vec<String> = self
            .master
            .municipalities
            .iter()
            .filter(|m| prefecture_number.is_none_or(|p| m.prefecture_number() == p))
            .map(|m| m.name.clone())
            .collect();
        let near = nearest(&key, candidates.iter().map(String::as_str), 3);
        let mut out: Vec<String> = Vec::new();
        for n in near {
            let codes = &self.municipalities[&name_key(n)];
            for code in codes.iter().filter(|c| in_pref(c)) {
                out.push(self.display(code));
            }
        }
        out.truncate(3);
        Lookup::NotFound(out)
    }

    /// The nearest prefecture names to an unknown one.
    pub(crate) fn suggest_prefectures(&self, name: &str) -> Vec<String> {
        let key = name_key(name);
        nearest(
            &key,
            self.master.prefectures.iter().map(|p| p.name.as_str()),
            3,
        )
        .into_iter()
        .map(str::to_string)
        .collect()
    }

    /// `札幌市（北海道）` / `北海道`.
    pub(crate) fn display(&self, code: &str) -> String {
        if let Some(m) = self.master.municipality(code) {
            let pref = self
                .master
                .prefecture_of(&m.code)
                .map(|p| p.name.as_str())
                .unwrap_or("");
            format!("{}（{}）", m.name, pref)
        } else if let Some(p) = self.master.prefecture(code) {
            p.name.clone()
        } else {
            code.to_string()
        }
    }

    /// How a row names its entity in a message: `大阪府（270008）の`.
    pub(crate) fn subject(&self, code: &str) -> String {
        format!("{}（{code}）の", self.display(code))
    }
}

/// 「静岡市」、「静岡県」のどれかではありませんか。… or just the fallback.
pub(super) fn suggestion_hint(near: &[String], fallback: &str) -> String {
    if near.is_empty() {
        fallback.to_string()
    } else {
        format!(
            "{}のどれかではありませんか。{fallback}",
            near.iter()
                .map(|n| format!("「{n}」"))
                .collect::<Vec<_>>()
                .join("、")
        )
    }
}
