//! How many municipalities fall in each 5-point rate band, up to the target band.

use plotters::element::{PathElement, Rectangle};
use plotters::style::text_anchor::HPos;

use super::canvas::{Font, GRID, INK, INK_SOFT, Paint, Sketch, filled, stroked};
use super::palette::{BLUE, DARK, GREY};
use super::{
    Chart, DataTable, NARROW_MAX_WIDTH, NARROW_WIDTH, Target, tenths, tenths_str, thousands,
};
use crate::fonts::Fonts;

const WIDTH: f64 = NARROW_WIDTH;
const MARGIN: f64 = 12.0;
const PITCH: f64 = 32.0;
const BAR: f64 = 20.0;
/// Band width in tenths of a percent (5%).
const STEP: i64 = 50;

/// A rate band [from, to) in tenths of a percent; `to == None` is the target band (from and above).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Band {
    pub from: i64,
    pub to: Option<i64>,
}

impl Band {
    fn short(&self) -> String {
        match self.to {
            Some(to) => format!("{}〜{}%", trim(self.from), trim(to)),
            None => format!("{}%以上", trim(self.from)),
        }
    }
    fn long(&self) -> String {
        match self.to {
            Some(to) => format!("{}%以上{}%未満", trim(self.from), trim(to)),
            // The description names the goal this band meets.
            None => format!("{}%以上", trim(self.from)),
        }
    }
}

fn trim(t: i64) -> String {
    if t % 10 == 0 {
        format!("{}", t / 10)
    } else {
        tenths_str(t)
    }
}

/// The bands for a target, and the count of rates in each (a rate counts by its shown value).
pub(crate) fn bands(rates: &[f64], target: f64) -> Vec<(Band, usize)> {
    let target_t = tenths(target).max(1);
    let mut out = Vec::new();
    let mut from = 0;
    while from < target_t {
        let to = (from + STEP).min(target_t);
        out.push((Band { from, to: Some(to) }, 0));
        from = to;
    }
    out.push((
        Band {
            from: target_t,
            to: None,
        },
        0,
    ));
    for &r in rates {
        let t = tenths(r).max(0);
        if let Some((_, count)) = out
            .iter_mut()
            .find(|(b, _)| t >= b.from && b.to.is_none_or(|to| t < to))
        {
            *count += 1;
        }
    }
    out
}

/// `illustrative`: some of the rates are samples (fictional), which the chart, its description
/// and its table say.
pub fn distribution(
    subject: &str,
    rates: &[f64],
    illustrative: bool,
    target: &Target,
    fonts: &Fonts,
) -> Chart {
    let id = "chart-distribution";
    let title = format!("{subject}の市区町村の利用率の分布");
    let bands = bands(rates, target.share);
    let mut description = describe(subject, rates.len(), &bands, target);
    let sample_note = "サンプル（架空）の値を含む集計です。";
    if illustrative {
        description.push_str(sample_note);
    }

    // One horizontal bar per band, lowest band at the top: the band on the left, the count
    // at the end of the bar, a count axis underneath.
    let max_count = bands.iter().map(|(_, c)| *c).max().unwrap_or(0);
    let step = [1usize, 2, 5, 10, 20, 50, 100, 200, 500, 1000]
        .into_iter()
        .find(|s| max_count.div_ceil(*s) <= 4)
        .unwrap_or(2000);
    let x_max = (max_count.div_ceil(step)).max(1) * step;
    let label_font = Font::new(14.0);
    let count_font = Font::new(15.0).bold();
    let tick_font = Font::new(14.0).fill(INK_SOFT).h(HPos::Center);
    let labels: Vec<String> = bands.iter().map(|(b, _)| b.short()).collect();
    let label_w = labels
        .iter()
        .map(|l| label_font.bold().measure(fonts, l))
        .fold(0.0, f64::max);
    let count_w = count_font.measure(fonts, &thousands(x_max));
    let tick_half = tick_font.measure(fonts, &thousands(x_max)) / 2.0;
    let x0 = MARGIN + label_w + 8.0;
    let x1 = WIDTH - MARGIN - (count_w + 6.0).max(tick_half);
    let y0 = 34.0;
    let y1 = y0 + bands.len() as f64 * PITCH;
    let height = y1 + 32.0 + if illustrative { 22.0 } else { 0.0 };

    let sketch = Sketch::new(fonts, WIDTH, height);
    sketch.text(
        MARGIN,
        16.0,
        "利用率の区分ごとの市区町村数",
        Font::new(14.0).fill(INK_SOFT),
        Paint::none(),
    );
    let n = bands.len() as f64;
    let plot = sketch.plot(0.0..x_max as f64, 0.0..n, (x0, x1), (y0, y1));
    let unit = |v: i32| f64::from(v) / super::canvas::SCALE;
    let mut c = 0;
    while c <= x_max {
        let line = PathElement::new(vec![(c as f64, 0.0), (c as f64, n)], stroked(GRID, 1.0));
        sketch.with(Paint::class("tick").data("count", c), |_| plot.draw(&line));
        let (x, _) = plot.map_coordinate(&(c as f64, n));
        sketch.text(unit(x), y1 + 14.0, &thousands(c), tick_font, Paint::none());
        c += step;
    }
    let band_gap = (1.0 - BAR / PITCH) / 2.0;
    for (i, ((band, count), label)) in bands.iter().zip(&labels).enumerate() {
        let top = i as f64;
        let is_target = band.to.is_none();
        let fill = if is_target { BLUE } else { GREY };
        let bar = Rectangle::new(
            [(0.0, top + band_gap), (*count as f64, top + 1.0 - band_gap)],
            filled(fill),
        );
        sketch.with(Paint::class("bar").data("count", count), |_| {
            plot.draw(&bar)
        });
        let (end, mid) = plot.map_coordinate(&(*count as f64, top + 0.5));
        let font = if is_target {
            label_font.bold()
        } else {
            label_font
        };
        sketch.text(MARGIN, unit(mid), label, font, Paint::none());
        sketch.text(
            unit(end) + 6.0,
            unit(mid),
            &thousands(*count),
            count_font.fill(if is_target { BLUE } else { INK }),
            Paint::none().halo(),
        );
    }
    let axis = PathElement::new(vec![(0.0, 0.0), (0.0, n)], stroked(DARK, 1.5));
    sketch.with(Paint::none(), |_| plot.draw(&axis));
    if illustrative {
        sketch.text(
            MARGIN,
            y1 + 38.0,
            sample_note,
            Font::new(14.0).fill(INK_SOFT),
            Paint::none(),
        );
    }
    let svg = sketch.finish(id, &title, &description, NARROW_MAX_WIDTH);

    let rows = bands
        .iter()
        .map(|(b, c)| vec![b.long(), thousands(*c)])
        .collect();
    Chart {
        id: id.to_string(),
        title: title.clone(),
        description,
        svg,
        table: DataTable {
            caption: if illustrative {
                format!("{title}（サンプル（架空）の値を含む）")
            } else {
                title
            },
            columns: vec!["利用率".to_string(), "市区町村数".to_string()],
            rows,
        },
        small_svg: None,
        small_table: false,
    }
}

fn describe(subject: &str, n: usize, bands: &[(Band, usize)], target: &Target) -> String {
    if n == 0 {
        return format!("{subject}の市区町村の利用率のデータはまだありません。");
    }
    let mut out = format!("{subject}の{}市区町村を利用率で分けると、", thousands(n));
    let most = bands.iter().map(|(_, c)| *c).max().unwrap_or(0);
    let top: Vec<String> = bands
        .iter()
        .filter(|(_, c)| *c == most)
        .map(|(b, _)| b.long())
        .collect();
    let each = if top.len() > 1 { "各" } else { "" };
    out.push_str(&format!(
        "最も多いのは{}で{each}{}市区町村です。",
        top.join("と"),
        thousands(most)
    ));
    let met = bands
        .iter()
        .filter(|(b, _)| b.to.is_none())
        .map(|(_, c)| *c)
        .sum::<usize>();
    out.push_str(&target.count_sentence(met, "市区町村"));
    let detail: Vec<String> = bands
        .iter()
        .map(|(b, c)| format!("{}が{}", b.short(), thousands(*c)))
        .collect();
    out.push_str(&format!("内訳は{}です。", detail.join("、")));
    out
}
