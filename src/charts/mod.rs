//! Accessible charts as inline SVG (and the OGP image as PNG).
//!
//! Every chart is written directly as SVG through [`svg::Svg`] rather than
//! through plotters: labels are laid out with the real advances of the
//! bundled UD gothic (`Fonts::measure`), which plotters cannot do, and the
//! writer formats every number the same way so the same input always gives
//! the same bytes. Every chart passes through [`finish`], which adds the
//! accessible name and description, the viewBox and responsive sizing.
//!
//! Accessibility: colours come from the Color Universal Design set and are
//! never the only cue (values are written on the chart, reference lines are
//! labelled, illustrative values are hatched or hollow and footnoted), chart
//! parts keep 3:1 against white and text 4.5:1 against what it sits on.

mod comparison;
mod distribution;
mod hbars;
mod kpi;
mod ogp;
mod ranking;
pub mod svg;
mod tile_map;
mod trend;

#[cfg(test)]
mod tests;

pub use comparison::comparison;
pub use distribution::distribution;
pub use kpi::kpi_progress;
pub use ogp::ogp_png;
pub use ranking::ranking;
pub use tile_map::{TILE_LAYOUT, tile_map};
pub use trend::trend;

use std::fmt::Write as _;

use svg::{Svg, escape, num};

/// The font stack written on every chart's root element.
pub const FONT_STACK: &str = "BIZ UDPGothic, 'Hiragino Sans', 'Yu Gothic UI', Meiryo, sans-serif";

/// The numbers behind a chart, for an HTML table beside it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct DataTable {
    pub caption: String,
    pub columns: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

/// One rendered chart.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Chart {
    /// Stable id, unique within a page (used for aria ids).
    pub id: String,
    pub title: String,
    /// Full Japanese sentences written from the data.
    pub description: String,
    /// A complete inline `<svg>…</svg>`.
    pub svg: String,
    pub table: DataTable,
}

/// One bar: a place and its adoption rate (0..1).
#[derive(Debug, Clone)]
pub struct RateBar {
    pub label: String,
    pub rate: f64,
    /// The site itself.
    pub emphasis: bool,
    /// A sample (fictional) figure, drawn hatched and footnoted.
    pub illustrative: bool,
}

/// One snapshot in a trend.
#[derive(Debug, Clone)]
pub struct TrendPoint {
    pub date: jiff::civil::Date,
    pub rate: f64,
    pub illustrative: bool,
}

/// One prefecture on the tile map.
#[derive(Debug, Clone)]
pub struct Tile {
    /// 6-digit code with check digit, e.g. "010006".
    pub prefecture_code: String,
    /// Full name, e.g. 北海道, 東京都.
    pub name: String,
    pub rate: Option<f64>,
}

/// The Color Universal Design colours used by the charts, and contrast helpers.
pub mod palette {
    /// CUD blue: the site itself, the trend line. 5.4:1 on white.
    pub const BLUE: &str = "#005AFF";
    /// CUD red: the target line. 3.4:1 on white (graphics only, never text).
    pub const RED: &str = "#FF4B00";
    /// CUD grey: other places. 3.2:1 on white (graphics only).
    pub const GREY: &str = "#84919E";
    /// CUD dark grey: the national reference line, axes.
    pub const DARK: &str = "#333333";
    /// Tile-map bands, light to dark (lightness carries the order, so it survives any colour vision).
    pub const BANDS: [&str; 6] = [
        "#EAF4FF", "#BFE4FF", "#8FC6FF", "#4DA0FF", "#005AFF", "#00349A",
    ];
    /// Fill of a tile without data.
    pub const NO_DATA: &str = "#FFFFFF";

    fn channel(hex: &str, i: usize) -> f64 {
        let v = u8::from_str_radix(&hex[1 + 2 * i..3 + 2 * i], 16).unwrap_or(0);
        let c = f64::from(v) / 255.0;
        if c <= 0.04045 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        }
    }

    /// WCAG relative luminance of a `#RRGGBB` colour.
    pub fn luminance(hex: &str) -> f64 {
        0.2126 * channel(hex, 0) + 0.7152 * channel(hex, 1) + 0.0722 * channel(hex, 2)
    }

    /// WCAG contrast ratio between two `#RRGGBB` colours.
    pub fn contrast(a: &str, b: &str) -> f64 {
        let (la, lb) = (luminance(a), luminance(b));
        (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
    }

    /// The text colour (near-black or white) with the better contrast on `fill`.
    pub fn text_on(fill: &str) -> &'static str {
        if contrast(fill, super::svg::INK) >= contrast(fill, "#FFFFFF") {
            super::svg::INK
        } else {
            "#FFFFFF"
        }
    }
}

/// Wrap a chart body into the complete accessible `<svg>` element. Every chart goes through here.
pub fn finish(body: Svg, width: f64, height: f64, id: &str, title: &str, desc: &str) -> String {
    let id = escape(id);
    let mut out = String::with_capacity(body.body.len() + body.defs.len() + 800);
    let _ = write!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" width="100%" preserveAspectRatio="xMidYMid meet" style="max-width:{w}px;height:auto" role="img" aria-labelledby="{id}-title {id}-desc" font-family="{font}">"#,
        w = num(width),
        h = num(height),
        font = escape(FONT_STACK),
    );
    let _ = write!(
        out,
        r#"<title id="{id}-title">{}</title><desc id="{id}-desc">{}</desc>"#,
        escape(title),
        escape(desc)
    );
    if !body.defs.is_empty() {
        let _ = write!(out, "<defs>{}</defs>", body.defs);
    }
    let _ = write!(
        out,
        r##"<rect width="{}" height="{}" fill="#FFFFFF"/>"##,
        num(width),
        num(height)
    );
    out.push_str(&body.body);
    out.push_str("</svg>");
    out
}

/// A rate in tenths of a percent (0.078 → 78), the precision every chart shows.
pub(crate) fn tenths(rate: f64) -> i64 {
    if rate.is_finite() {
        (rate * 1000.0).round() as i64
    } else {
        0
    }
}

/// A rate shown with one decimal: "7.8%".
pub(crate) fn pct(rate: f64) -> String {
    format!("{}%", tenths_str(tenths(rate)))
}

/// A target shown without a needless decimal: "30%", "32.5%".
pub(crate) fn pct_target(rate: f64) -> String {
    let t = tenths(rate);
    if t % 10 == 0 {
        format!("{}%", t / 10)
    } else {
        format!("{}%", tenths_str(t))
    }
}

pub(crate) fn tenths_str(t: i64) -> String {
    let sign = if t < 0 { "-" } else { "" };
    format!("{sign}{}.{}", t.abs() / 10, t.abs() % 10)
}

/// "22.2ポイント" for a difference in tenths of a percent.
pub(crate) fn points(diff_tenths: i64) -> String {
    format!("{}ポイント", tenths_str(diff_tenths.abs()))
}

/// "1,234" for counts.
pub(crate) fn thousands(n: usize) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A rate made safe for drawing: finite and within 0..1.
pub(crate) fn clamp_rate(rate: f64) -> f64 {
    if rate.is_finite() {
        rate.clamp(0.0, 1.0)
    } else {
        0.0
    }
}

/// "2023年11月6日".
pub(crate) fn date_ja(date: jiff::civil::Date) -> String {
    format!("{}年{}月{}日", date.year(), date.month(), date.day())
}

/// A rate axis from 0 to a round maximum above both the data and the target, with its ticks.
pub(crate) struct RateAxis {
    pub max: f64,
    pub ticks: Vec<f64>,
}

impl RateAxis {
    pub fn new(max_value: f64, target: f64) -> RateAxis {
        let top = clamp_rate(max_value).max(clamp_rate(target)).max(0.01);
        let step = if top <= 0.1 {
            0.02
        } else if top <= 0.5 {
            0.05
        } else {
            0.1
        };
        // Leave one step of room above the highest value (for the target label), but stay within 100%.
        let max = (((top / step) + 1e-9).floor() + 1.0) * step;
        let max = max.min(1.0);
        let tick_step = if max <= 0.12 {
            0.02
        } else if max <= 0.25 {
            0.05
        } else if max <= 0.6 {
            0.1
        } else {
            0.2
        };
        let n = ((max / tick_step) + 1e-9).floor() as usize;
        let ticks = (0..=n).map(|i| i as f64 * tick_step).collect();
        RateAxis { max, ticks }
    }

    /// Position of `rate` between `from` (0%) and `to` (the axis maximum).
    pub fn pos(&self, rate: f64, from: f64, to: f64) -> f64 {
        from + clamp_rate(rate).min(self.max) / self.max * (to - from)
    }
}

/// Tick label: "0%", "10%", "2%".
pub(crate) fn tick_label(v: f64) -> String {
    pct_target(v)
}

/// A short stable hash for ids derived from Japanese labels.
pub(crate) fn short_hash(text: &str) -> String {
    let mut h: u32 = 0x811c_9dc5;
    for b in text.bytes() {
        h ^= u32::from(b);
        h = h.wrapping_mul(0x0100_0193);
    }
    format!("{h:08x}")
}

/// Whether every label names a prefecture (so counts read "都道府県" rather than "市区町村").
pub(crate) fn unit_for(labels: &[&str]) -> &'static str {
    let all_prefectures = !labels.is_empty()
        && labels
            .iter()
            .all(|l| l.ends_with('県') || l.ends_with('都') || l.ends_with('府') || *l == "北海道");
    if all_prefectures {
        "都道府県"
    } else {
        "市区町村"
    }
}
