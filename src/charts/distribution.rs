//! How many municipalities fall in each 5-point rate band, up to the target band.

use super::palette::{BLUE, DARK, GREY};
use super::svg::{Anchor, GRID, INK, INK_SOFT, Style, Svg, measure};
use super::{Chart, DataTable, finish, pct_target, tenths, tenths_str, thousands};
use crate::fonts::Fonts;

const WIDTH: f64 = 600.0;
const MARGIN: f64 = 16.0;
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
            None => format!("{}%以上（目標達成）", trim(self.from)),
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

pub fn distribution(subject: &str, rates: &[f64], target: f64, fonts: &Fonts) -> Chart {
    let id = "chart-distribution";
    let title = format!("{subject}の市区町村の利用率の分布");
    let bands = bands(rates, target);
    let description = describe(subject, rates.len(), &bands, target);

    let mut svg = Svg::new();
    let max_count = bands.iter().map(|(_, c)| *c).max().unwrap_or(0);
    let step = [1usize, 2, 5, 10, 20, 50, 100, 200, 500, 1000]
        .into_iter()
        .find(|s| max_count.div_ceil(*s) <= 6)
        .unwrap_or(2000);
    let y_max = (max_count.div_ceil(step)).max(1) * step;
    let tick_style = Style::new(12.0).fill(INK_SOFT);
    let tick_w = measure(fonts, &thousands(y_max), tick_style);
    let (x0, x1) = (MARGIN + tick_w + 8.0, WIDTH - MARGIN);
    let (y0, y1) = (44.0, 250.0);
    let ypos = |c: usize| y1 - c as f64 / y_max as f64 * (y1 - y0);

    svg.text(MARGIN, 20.0, "（市区町村数）", tick_style);
    let mut c = 0;
    while c <= y_max {
        let y = ypos(c);
        svg.line(
            x0,
            y,
            x1,
            y,
            &format!(r#"stroke="{GRID}" stroke-width="1""#),
        );
        svg.text(
            x0 - 6.0,
            y + 4.0,
            &thousands(c),
            tick_style.anchor(Anchor::End),
        );
        c += step;
    }

    let slot = (x1 - x0) / bands.len() as f64;
    let bar_w = (slot * 0.62).min(72.0);
    let count_style = Style::new(14.0).bold().anchor(Anchor::Middle);
    let label_style = Style::new(12.0).fill(INK).anchor(Anchor::Middle);
    for (i, (band, count)) in bands.iter().enumerate() {
        let cx = x0 + slot * (i as f64 + 0.5);
        let top = ypos(*count);
        let is_target = band.to.is_none();
        let fill = if is_target { BLUE } else { GREY };
        let attrs = format!(r#"class="bar" data-count="{count}" fill="{fill}""#);
        svg.rect(cx - bar_w / 2.0, top, bar_w, y1 - top, &attrs);
        svg.text(
            cx,
            top - 6.0,
            &thousands(*count),
            count_style.fill(if is_target { BLUE } else { INK }),
        );
        // Band labels under the axis; shrink only if a slot is too narrow (never below 12px).
        let short = band.short();
        let mut style = label_style;
        while style.size > 12.0 && measure(fonts, &short, style) > slot - 4.0 {
            style.size -= 1.0;
        }
        svg.text(cx, y1 + 18.0, &short, style);
        if is_target {
            svg.text(cx, y1 + 34.0, "（目標）", label_style.bold());
        }
    }
    svg.line(
        x0,
        y1,
        x1,
        y1,
        &format!(r#"stroke="{DARK}" stroke-width="1.5""#),
    );
    let height = y1 + 48.0;
    let svg = finish(svg, WIDTH, height, id, &title, &description);

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
            caption: title,
            columns: vec!["利用率".to_string(), "市区町村数".to_string()],
            rows,
        },
    }
}

fn describe(subject: &str, n: usize, bands: &[(Band, usize)], target: f64) -> String {
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
    if met == 0 {
        out.push_str(&format!(
            "目標の{}に達している市区町村はまだありません。",
            pct_target(target)
        ));
    } else {
        out.push_str(&format!(
            "目標の{}に達しているのは{}市区町村です。",
            pct_target(target),
            thousands(met)
        ));
    }
    let detail: Vec<String> = bands
        .iter()
        .map(|(b, c)| format!("{}が{}", b.short(), thousands(*c)))
        .collect();
    out.push_str(&format!("内訳は{}です。", detail.join("、")));
    out
}
