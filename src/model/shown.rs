//! What one page, poster or image shows, by where its figures come from, and
//! the disclaimers written from that: which snapshots (dates), of which
//! level (全国 / 都道府県 / 市区町村), are illustrative (sample) data, and
//! which file each of the others comes from. No template says which data are
//! real; it prints what this says.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use jiff::civil::Date;

use super::SiteKind;
use crate::data::adoption::{Provenance, Source};
use crate::format::date_ja;

/// The figures one page (or poster) shows, by their provenance.
#[derive(Debug, Clone, Default)]
pub struct Shown {
    /// (date, level of the place the figure is about, the file it comes from).
    items: BTreeSet<(Date, SiteKind, Arc<Source>)>,
}

/// One file behind a page's figures, as the page lists it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct SourceLine {
    /// `2023-11-06`
    pub date: Date,
    /// `2023-11-06.csv`
    pub file: String,
    pub illustrative: bool,
    /// Where the file comes from (`adoption.sources` in config.yaml), if said.
    pub citation: Option<String>,
    /// The whole line: 「2023年11月6日時点: 2023-11-06.csv（…）」.
    pub text: String,
}

fn level_name(level: SiteKind) -> &'static str {
    match level {
        SiteKind::National => "全国",
        SiteKind::Prefecture => "都道府県",
        SiteKind::Municipality => "市区町村",
    }
}

impl Shown {
    pub fn new() -> Shown {
        Shown::default()
    }

    /// A figure about a place of `level` is shown.
    pub fn add(&mut self, level: SiteKind, provenance: &Provenance) {
        for source in provenance.sources() {
            self.items.insert((source.date, level, source.clone()));
        }
    }

    /// Everything another page or poster shows, too.
    pub fn extend(&mut self, other: &Shown) {
        self.items.extend(other.items.iter().cloned());
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// Some figure shown is illustrative.
    pub fn any_illustrative(&self) -> bool {
        self.items.iter().any(|(_, _, s)| s.illustrative)
    }

    /// Every figure shown is illustrative (and there is one).
    pub fn all_illustrative(&self) -> bool {
        !self.items.is_empty() && self.items.iter().all(|(_, _, s)| s.illustrative)
    }

    /// The dates and levels shown from illustrative (`true`) or other files,
    /// each date's levels in order.
    fn by_date(&self, illustrative: bool) -> BTreeMap<Date, BTreeSet<SiteKind>> {
        let mut out: BTreeMap<Date, BTreeSet<SiteKind>> = BTreeMap::new();
        for (date, level, source) in &self.items {
            if source.illustrative == illustrative {
                out.entry(*date).or_default().insert(*level);
            }
        }
        out
    }

    /// 「2024年11月5日時点と2025年11月4日時点の数値」, naming the levels of a
    /// date only where that date also has figures of the other kind
    /// (「2023年11月6日時点の市区町村の数値」).
    fn phrase(&self, illustrative: bool) -> Option<String> {
        let mine = self.by_date(illustrative);
        let other = self.by_date(!illustrative);
        if mine.is_empty() {
            return None;
        }
        let parts: Vec<String> = mine
            .iter()
            .map(|(date, levels)| {
                if other.contains_key(date) {
                    let names: Vec<&str> = levels.iter().map(|l| level_name(*l)).collect();
                    format!("{}時点の{}", date_ja(*date), names.join("・"))
                } else {
                    format!("{}時点", date_ja(*date))
                }
            })
            .collect();
        Some(format!("{}の数値", parts.join("と")))
    }

    /// The disclaimer for a page or poster (`subject`: このページ / このポスター),
    /// `None` when nothing it shows is illustrative:
    /// 「このページの2024年11月5日時点と2025年11月4日時点の数値は、説明用の架空データ（サンプル）です。」
    pub fn sample_notice(&self, subject: &str) -> Option<String> {
        let phrase = self.phrase(true)?;
        Some(if self.all_illustrative() {
            let dates: Vec<String> = self
                .by_date(true)
                .keys()
                .map(|d| format!("{}時点", date_ja(*d)))
                .collect();
            format!(
                "{subject}の数値（{}）は、すべて説明用の架空データ（サンプル）です。",
                dates.join("と")
            )
        } else {
            format!("{subject}の{phrase}は、説明用の架空データ（サンプル）です。")
        })
    }

    /// Where the other figures come from, when some are illustrative (so the
    /// reader can tell them apart): 「2023年11月6日時点の数値は 2023-11-06.csv
    /// （出典）によります。」 `None` when nothing shown is illustrative or
    /// nothing else is shown.
    pub fn real_notice(&self, citations: &BTreeMap<String, String>) -> Option<String> {
        if !self.any_illustrative() {
            return None;
        }
        let phrase = self.phrase(false)?;
        let files: Vec<String> = self
            .lines(citations)
            .into_iter()
            .filter(|l| !l.illustrative)
            .map(|l| match &l.citation {
                Some(c) => format!("{}（{c}）", l.file),
                None => l.file,
            })
            .collect();
        Some(format!("{phrase}は、{}によります。", files.join("、")))
    }

    /// Every file behind the figures shown, by date then name.
    pub fn lines(&self, citations: &BTreeMap<String, String>) -> Vec<SourceLine> {
        let files: BTreeSet<&Arc<Source>> = self.items.iter().map(|(_, _, s)| s).collect();
        let mut files: Vec<&Arc<Source>> = files.into_iter().collect();
        files.sort_by(|a, b| (a.date, &a.file).cmp(&(b.date, &b.file)));
        files
            .into_iter()
            .map(|s| {
                let citation = citations.get(&s.file).cloned();
                let what = match (&citation, s.illustrative) {
                    (_, true) => "説明用の架空データ（サンプル）".to_string(),
                    (Some(c), false) => c.clone(),
                    (None, false) => "出典の記載なし".to_string(),
                };
                SourceLine {
                    date: s.date,
                    file: s.file.clone(),
                    illustrative: s.illustrative,
                    text: format!("{}時点: {}（{what}）", date_ja(s.date), s.file),
                    citation,
                }
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn provenance(file: &str, date: Date, illustrative: bool) -> Provenance {
        Provenance::of(Arc::new(Source {
            date,
            file: file.to_string(),
            illustrative,
        }))
    }

    #[test]
    fn notices_name_the_sample_snapshots_and_where_the_rest_comes_from() {
        let d2023 = jiff::civil::date(2023, 11, 6);
        let d2025 = jiff::civil::date(2025, 11, 4);
        let real = provenance("2023-11-06.csv", d2023, false);
        let municipal_2023 = provenance("2023-11-06-m-sample.csv", d2023, true);
        let sample_2025 = provenance("2025-11-04-sample.csv", d2025, true);
        let citations: BTreeMap<String, String> =
            [("2023-11-06.csv".to_string(), "国の表".to_string())].into();

        let mut shown = Shown::new();
        shown.add(SiteKind::Prefecture, &real);
        assert_eq!(shown.sample_notice("このページ"), None);
        assert_eq!(shown.real_notice(&citations), None);

        shown.add(SiteKind::Municipality, &municipal_2023);
        shown.add(SiteKind::Prefecture, &sample_2025);
        shown.add(SiteKind::Municipality, &sample_2025);
        assert_eq!(
            shown.sample_notice("このページ").unwrap(),
            "このページの2023年11月6日時点の市区町村と2025年11月4日時点の数値は、説明用の架空データ（サンプル）です。"
        );
        assert_eq!(
            shown.real_notice(&citations).unwrap(),
            "2023年11月6日時点の都道府県の数値は、2023-11-06.csv（国の表）によります。"
        );
        let lines = shown.lines(&citations);
        assert_eq!(lines.len(), 3);
        assert_eq!(
            lines[0].text,
            "2023年11月6日時点: 2023-11-06-m-sample.csv（説明用の架空データ（サンプル））"
        );

        let mut poster = Shown::new();
        poster.add(SiteKind::National, &sample_2025);
        assert!(poster.all_illustrative());
        assert_eq!(
            poster.sample_notice("このポスター").unwrap(),
            "このポスターの数値（2025年11月4日時点）は、すべて説明用の架空データ（サンプル）です。"
        );
    }
}
