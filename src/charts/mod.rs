//! Accessible charts as inline SVG (and the OGP image as PNG), drawn through plotters.
//!
//! Every chart maps its data with plotters' coordinate systems and draws plotters elements and
//! series onto [`canvas::Canvas`], a drawing backend of the project's own: it writes the SVG
//! elements directly, measures labels with the real advances of the bundled UD gothic
//! (`Fonts::measure`), formats every number the same way (so the same input always gives the
//! same bytes) and escapes every piece of text. [`canvas::Sketch::finish`] adds the accessible
//! name and description, the viewBox and responsive sizing. Placement decisions plotters does
//! not make (which labels fit, where value labels go, shortening long names) stay here.
//!
//! Phones first: a chart's viewBox is about as wide as a phone's content column
//! ([`NARROW_WIDTH`]) and its smallest text is 14 px, so no text is under 12 CSS px at 375 px;
//! charts that need more room (a long ranking, the tile map) are drawn wide for wider screens
//! and give way below [`SMALL_SCREEN_MAX_REM`] to a small-screen form (`small_svg`) or to
//! their table (`small_table`).
//!
//! Accessibility: colours come from the Color Universal Design set and are
//! never the only cue (values are written on the chart, reference lines are
//! labelled, illustrative values are hatched or hollow and footnoted), chart
//! parts keep 3:1 against white and text 4.5:1 against what it sits on.

pub mod canvas;
mod comparison;
mod distribution;
mod hbars;
mod kpi;
mod ogp;
mod ranking;
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

pub use canvas::FONT_STACK;

/// The viewBox width of charts that every screen shows: a phone's content column
/// (375 px less the page's 16 px padding on each side is 343 px) shows them at 95%, so 14 px
/// text stays above 13 px (above 11 px at 320 px).
pub const NARROW_WIDTH: f64 = 360.0;
/// How much wider than its viewBox a narrow chart may grow on a wide screen.
pub const NARROW_MAX_WIDTH: f64 = 420.0;
/// Widest viewport (in rem, as the stylesheet's media query) that shows the small-screen forms
/// (`small_svg`, `small_table`) instead of the wide ones: 46rem = 736 px leaves a 704 px
/// content column, where the widest wide chart (the 756-unit tile map) keeps 13 px text at 12 px.
pub const SMALL_SCREEN_MAX_REM: f64 = 46.0;

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
    /// A shorter form for small screens, shown there instead of `svg` (a long ranking's top
    /// and bottom rows and the site's own place); the full figures stay in `table`.
    pub small_svg: Option<String>,
    /// On small screens `svg` cannot be read (the tile map): the table is shown there instead.
    pub small_table: bool,
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
    /// The prefecture's number, 1 (北海道) to 47 (沖縄県); a tile with
    /// another number is not drawn.
    pub prefecture: u8,
    /// Full name, e.g. 北海道, 東京都.
    pub name: String,
    pub rate: Option<f64>,
    /// A sample (fictional) figure, marked on the tile and in the table.
    pub illustrative: bool,
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
        if contrast(fill, super::canvas::INK) >= contrast(fill, "#FFFFFF") {
            super::canvas::INK
        } else {
            "#FFFFFF"
        }
    }
}

// How charts write numbers: the crate's one `format` module.
pub(crate) use crate::format::{
    percent as pct, target_percent as pct_target, tenths, tenths_text as tenths_str,
};

/// "22.2ポイント" for a difference in tenths of a percent.
pub(crate) fn points(diff_tenths: i64) -> String {
    format!("{}ポイント", tenths_str(diff_tenths.abs()))
}

/// "1,234" for counts.
pub(crate) fn thousands(n: usize) -> String {
    crate::format::thousands(n as u64)
}

/// The reference a chart measures rates against, under the name that says
/// what it is (see `model::Goals`): a goal of the places shown
/// (「市区町村の目標」 for municipal rates, 「都道府県の目標」 for a share of
/// municipalities), or a level with no goal behind it (prefecture and
/// national office rates against the municipal target's 30%), which charts
/// count as 「利用率が30%以上」 and never as a goal met.
#[derive(Debug, Clone, PartialEq)]
pub struct Target {
    /// 0–1.
    pub share: f64,
    /// The goal's name (市区町村の目標), or `None` for a level.
    pub goal: Option<String>,
}

impl Target {
    pub fn goal(name: &str, share: f64) -> Target {
        Target {
            share,
            goal: Some(name.to_string()),
        }
    }

    pub fn level(share: f64) -> Target {
        Target { share, goal: None }
    }

    /// The label of its line: 「市区町村の目標 30%」, or 「30%」 for a level.
    pub fn line_label(&self) -> String {
        match &self.goal {
            Some(name) => format!("{name} {}", pct_target(self.share)),
            None => format!("利用率{}", pct_target(self.share)),
        }
    }

    /// 「市区町村の目標（30%）」, or 「利用率30%」.
    pub fn phrase(&self) -> String {
        match &self.goal {
            Some(name) => format!("{name}（{}）", pct_target(self.share)),
            None => format!("利用率{}", pct_target(self.share)),
        }
    }

    /// A rate, as shown, reaches it.
    pub fn reached(&self, rate: f64) -> bool {
        tenths(rate) >= tenths(self.share)
    }

    /// How many of the places shown reach it: 「市区町村の目標（30%）を達成して
    /// いるのは2市区町村です。」, or for a level 「利用率が30%以上の都道府県は2です。」
    pub fn count_sentence(&self, count: usize, unit: &str) -> String {
        match (&self.goal, count) {
            (Some(_), 0) => format!("{}を達成している{unit}はまだありません。", self.phrase()),
            (Some(_), n) => format!(
                "{}を達成しているのは{}{unit}です。",
                self.phrase(),
                thousands(n)
            ),
            (None, 0) => format!(
                "利用率が{}以上の{unit}はまだありません。",
                pct_target(self.share)
            ),
            (None, n) => format!(
                "利用率が{}以上の{unit}は{}です。",
                pct_target(self.share),
                thousands(n)
            ),
        }
    }

    /// How one rate stands: 「市区町村の目標（30%）まであと7.0ポイントです。」 /
    /// 「市区町村の目標（30%）を達成しています。」 (for a level: 「30%まであと…」 /
    /// 「30%以上です。」).
    pub fn gap_sentence(&self, rate: f64) -> String {
        let gap = tenths(self.share) - tenths(rate);
        match (&self.goal, gap > 0) {
            (Some(_), true) => format!("{}まであと{}です。", self.phrase(), points(gap)),
            (Some(_), false) => format!("{}を達成しています。", self.phrase()),
            (None, true) => format!("{}まであと{}です。", pct_target(self.share), points(gap)),
            (None, false) => format!("{}以上です。", pct_target(self.share)),
        }
    }
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
