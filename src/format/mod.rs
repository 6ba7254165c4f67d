//! How numbers and dates are written, the same on every page, chart, poster,
//! message and file: the one place that turns a typed value into text.
//!
//! Loading (messages about data), the model and rendering all use it, so it
//! sits at the crate root and depends on no stage. Templates reach the same
//! functions through the Tera filters [`register_filters`] adds to every Tera
//! the theme and the posters use:
//!
//! | filter | input | output |
//! | --- | --- | --- |
//! | `thousands` | a whole number | `7,416` |
//! | `percent` | a share 0–1 (none: `—`) | `4.0%` (one decimal) |
//! | `target_percent` | a share 0–1 | `30%`, `37.5%` (no needless decimal) |
//! | `date_ja` | a date `YYYY-MM-DD` | `2023年11月6日` |
//! | `date_era` | a date `YYYY-MM-DD` | `2026年4月1日（令和8年4月1日）` |

pub mod file_label;

use tera::{Kwargs, State, Tera, Value};

pub use crate::dates::{format_both as date_era, format_western as date_ja};

/// `7416` → `7,416`.
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A share in tenths of a percent, rounded half away from zero (0.078 → 78):
/// the precision every page, chart and poster shows, so a rate compared
/// with a target or another rate is compared as it is shown.
pub fn tenths(share: f64) -> i64 {
    if share.is_finite() {
        (share * 1000.0).round() as i64
    } else {
        0
    }
}

/// Tenths of a percent as text: `78` → `7.8`, `-5` → `-0.5`.
pub fn tenths_text(t: i64) -> String {
    let sign = if t < 0 { "-" } else { "" };
    format!("{sign}{}.{}", t.abs() / 10, t.abs() % 10)
}

/// A share as a percentage with one decimal: `0.04` → `4.0%`.
pub fn percent(share: f64) -> String {
    format!("{}%", tenths_text(tenths(share)))
}

/// A target such as 0.3 → `30%` (no decimal when whole, `37.5%` otherwise).
pub fn target_percent(share: f64) -> String {
    let t = tenths(share);
    if t % 10 == 0 {
        format!("{}%", t / 10)
    } else {
        format!("{}%", tenths_text(t))
    }
}

/// A date as templates receive it (`YYYY-MM-DD`, as jiff serializes it).
fn date_arg(value: &str, filter: &str) -> tera::TeraResult<jiff::civil::Date> {
    crate::dates::parse_iso(value).ok_or_else(|| {
        tera::Error::message(format!(
            "{filter} には YYYY-MM-DD の日付を渡してください（「{value}」）"
        ))
    })
}

fn share_arg(value: &Value, filter: &str) -> tera::TeraResult<Option<f64>> {
    if value.is_none() {
        return Ok(None);
    }
    value.as_f64().map(Some).ok_or_else(|| {
        tera::Error::message(format!(
            "{filter} には 0〜1 の割合を渡してください（{value}）"
        ))
    })
}

/// Add the filters above to a Tera (pages and posters alike).
pub fn register_filters(tera: &mut Tera) {
    tera.register_filter(
        "thousands",
        |value: &Value, _: Kwargs, _: &State| -> tera::TeraResult<String> {
            value
                .as_i128()
                .and_then(|n| u64::try_from(n).ok())
                .map(thousands)
                .ok_or_else(|| {
                    tera::Error::message(format!(
                        "thousands には 0 以上の整数を渡してください（{value}）"
                    ))
                })
        },
    );
    tera.register_filter(
        "percent",
        |value: &Value, _: Kwargs, _: &State| -> tera::TeraResult<String> {
            Ok(share_arg(value, "percent")?.map_or_else(|| "—".to_string(), percent))
        },
    );
    tera.register_filter(
        "target_percent",
        |value: &Value, _: Kwargs, _: &State| -> tera::TeraResult<String> {
            Ok(share_arg(value, "target_percent")?.map_or_else(String::new, target_percent))
        },
    );
    tera.register_filter(
        "date_ja",
        |value: &str, _: Kwargs, _: &State| -> tera::TeraResult<String> {
            Ok(date_ja(date_arg(value, "date_ja")?))
        },
    );
    tera.register_filter(
        "date_era",
        |value: &str, _: Kwargs, _: &State| -> tera::TeraResult<String> {
            Ok(date_era(date_arg(value, "date_era")?))
        },
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(7416), "7,416");
        assert_eq!(thousands(181566), "181,566");
        assert_eq!(thousands(1234567), "1,234,567");
        assert_eq!(percent(297.0 / 7416.0), "4.0%");
        assert_eq!(percent(0.3), "30.0%");
        assert_eq!(percent(0.0), "0.0%");
        assert_eq!(target_percent(0.3), "30%");
        assert_eq!(target_percent(0.5), "50%");
        assert_eq!(target_percent(0.375), "37.5%");
        assert_eq!(tenths_text(-5), "-0.5");
    }

    #[test]
    fn templates_format_through_the_same_functions() {
        let mut tera = Tera::default();
        register_filters(&mut tera);
        tera.add_raw_template(
            "t",
            "{{ n | thousands }} {{ r | percent }} {{ none | percent }} {{ t | target_percent }} {{ d | date_ja }} {{ d | date_era }}",
        )
        .unwrap();
        let context = tera::Context::from_serialize(&serde_json::json!({
            "n": 185873, "r": 0.15, "none": null, "t": 0.3, "d": "2026-04-01",
        }))
        .unwrap();
        assert_eq!(
            tera.render("t", &context).unwrap(),
            "185,873 15.0% — 30% 2026年4月1日 2026年4月1日（令和8年4月1日）"
        );
        tera.add_raw_template("bad", "{{ d | date_ja }}").unwrap();
        let bad = tera::Context::from_serialize(&serde_json::json!({ "d": "令和8年" })).unwrap();
        assert!(tera.render("bad", &bad).is_err());
    }
}
