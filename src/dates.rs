//! Japanese date helpers: western (2026年4月1日) and era (令和8年4月1日) forms,
//! and a strict `YYYY-MM-DD` parser for data files.
//!
//! Supported eras are 昭和, 平成 and 令和; dates before 昭和 (1926-12-25) are
//! written in the western form only.

use jiff::civil::{Date, date};

/// An era, its initial as written in dates (`R6.4.1`) and the first day of it.
pub struct Era {
    pub name: &'static str,
    pub initial: char,
    pub start: Date,
}

impl Era {
    /// The western year of year `n` of this era: 令和1 → 2019, 平成31 → 2019.
    pub fn western_year(&self, n: i16) -> Option<i16> {
        if n < 1 {
            return None;
        }
        self.start.year().checked_add(n - 1)
    }
}

/// Newest first, so the first era whose start is on or before a date is its era.
pub static ERAS: [Era; 3] = [
    Era {
        name: "令和",
        initial: 'R',
        start: date(2019, 5, 1),
    },
    Era {
        name: "平成",
        initial: 'H',
        start: date(1989, 1, 8),
    },
    Era {
        name: "昭和",
        initial: 'S',
        start: date(1926, 12, 25),
    },
];

/// The era a date written as text starts with, by name (`令和6年…`) or by
/// initial (`R6.4.1`), and the rest of the text.
pub fn split_era(s: &str) -> (Option<&'static Era>, &str) {
    for era in &ERAS {
        if let Some(rest) = s.strip_prefix(era.name).or(s.strip_prefix(era.initial)) {
            return (Some(era), rest);
        }
    }
    (None, s)
}

/// `2026年4月1日`
pub fn format_western(d: Date) -> String {
    format!("{}年{}月{}日", d.year(), d.month(), d.day())
}

/// `令和8年4月1日`; `令和元年5月1日` for the first year of an era;
/// `平成31年4月30日`. Dates before 昭和 fall back to [`format_western`].
pub fn format_era(d: Date) -> String {
    let Some(era) = ERAS.iter().find(|e| e.start <= d) else {
        return format_western(d);
    };
    let year = i32::from(d.year()) - i32::from(era.start.year()) + 1;
    let year = if year == 1 {
        "元".to_string()
    } else {
        year.to_string()
    };
    format!("{}{}年{}月{}日", era.name, year, d.month(), d.day())
}

/// `2026年4月1日（令和8年4月1日）`; only the western form before 昭和.
pub fn format_both(d: Date) -> String {
    let western = format_western(d);
    let era = format_era(d);
    if era == western {
        western
    } else {
        format!("{western}（{era}）")
    }
}

/// Parse `YYYY-MM-DD` strictly: four-digit year, two-digit month and day,
/// ASCII digits only, and a date that exists (no 2025-02-30).
pub fn parse_iso(s: &str) -> Option<Date> {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let digits = |r: std::ops::Range<usize>| -> Option<i32> {
        let part = &b[r];
        if !part.iter().all(u8::is_ascii_digit) {
            return None;
        }
        Some(part.iter().fold(0, |n, &c| n * 10 + i32::from(c - b'0')))
    };
    let year = i16::try_from(digits(0..4)?).ok()?;
    let month = i8::try_from(digits(5..7)?).ok()?;
    let day = i8::try_from(digits(8..10)?).ok()?;
    if year == 0 {
        return None;
    }
    Date::new(year, month, day).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn western_form() {
        assert_eq!(format_western(date(2026, 4, 1)), "2026年4月1日");
        assert_eq!(format_western(date(2025, 12, 31)), "2025年12月31日");
    }

    #[test]
    fn era_boundaries() {
        assert_eq!(format_era(date(2019, 4, 30)), "平成31年4月30日");
        assert_eq!(format_era(date(2019, 5, 1)), "令和元年5月1日");
        assert_eq!(format_era(date(2019, 12, 31)), "令和元年12月31日");
        assert_eq!(format_era(date(2020, 1, 1)), "令和2年1月1日");
        assert_eq!(format_era(date(2026, 4, 1)), "令和8年4月1日");
        assert_eq!(format_era(date(1989, 1, 7)), "昭和64年1月7日");
        assert_eq!(format_era(date(1989, 1, 8)), "平成元年1月8日");
        assert_eq!(format_era(date(1990, 1, 1)), "平成2年1月1日");
        assert_eq!(format_era(date(1926, 12, 25)), "昭和元年12月25日");
        assert_eq!(format_era(date(1927, 1, 1)), "昭和2年1月1日");
    }

    #[test]
    fn before_showa_falls_back_to_western() {
        assert_eq!(format_era(date(1926, 12, 24)), "1926年12月24日");
        assert_eq!(format_both(date(1926, 12, 24)), "1926年12月24日");
    }

    #[test]
    fn both_forms() {
        assert_eq!(
            format_both(date(2026, 4, 1)),
            "2026年4月1日（令和8年4月1日）"
        );
        assert_eq!(
            format_both(date(2019, 5, 1)),
            "2019年5月1日（令和元年5月1日）"
        );
    }

    #[test]
    fn eras_by_name_and_initial() {
        let (era, rest) = split_era("令和6年4月1日");
        assert_eq!((era.map(|e| e.name), rest), (Some("令和"), "6年4月1日"));
        let (era, rest) = split_era("H31.4.30");
        assert_eq!(era.and_then(|e| e.western_year(31)), Some(2019));
        assert_eq!(rest, "31.4.30");
        assert_eq!(split_era("2024-04-01").0.map(|e| e.name), None);
        assert_eq!(ERAS[0].western_year(1), Some(2019));
        assert_eq!(ERAS[0].western_year(0), None);
        assert_eq!(ERAS[2].western_year(i16::MAX), None);
    }

    #[test]
    fn strict_iso_parsing() {
        assert_eq!(parse_iso("2026-04-01"), Some(date(2026, 4, 1)));
        assert_eq!(parse_iso("2024-02-29"), Some(date(2024, 2, 29)));
        for bad in [
            "2026-4-1",
            "2026/04/01",
            "2026-04-01 ",
            " 2026-04-01",
            "2025-02-29",
            "2026-13-01",
            "2026-04-31",
            "2026-00-10",
            "0000-01-01",
            "２０２６-04-01",
            "2026-04-1a",
            "+2026-04-1",
            "20260401",
            "",
        ] {
            assert_eq!(parse_iso(bad), None, "{bad:?} should be rejected");
        }
    }
}
