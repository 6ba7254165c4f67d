//! The trend over snapshots: a line with markers, direct value labels and the target line.

use plotters::element::{Circle, PathElement};
use plotters::series::LineSeries;
use plotters::style::text_anchor::{HPos, VPos};

use super::canvas::{Font, GRID, INK, INK_SOFT, Paint, Sketch, WHITE, stroked};
use super::palette::{BLUE, DARK, RED};
use super::{
    Chart, DataTable, NARROW_MAX_WIDTH, NARROW_WIDTH, RateAxis, Target, TrendPoint, clamp_rate,
    date_ja, pct, points, tenths, tick_label,
};
use crate::fonts::Fonts;

const WIDTH: f64 = NARROW_WIDTH;
const MARGIN: f64 = 12.0;
/// Room at both ends of the time axis for the first and last labels.
const PAD: f64 = 36.0;

/// A placed label's box, to keep labels from overlapping.
#[derive(Debug, Clone, Copy)]
struct Box {
    x0: f64,
    y0: f64,
    x1: f64,
    y1: f64,
}

impl Box {
    /// The em box of a line of text centred on (cx, cy), with a little air around it.
    fn text(cx: f64, cy: f64, w: f64, size: f64) -> Box {
        Box {
            x0: cx - w / 2.0 - 2.0,
            y0: cy - size / 2.0 - 1.0,
            x1: cx + w / 2.0 + 2.0,
            y1: cy + size / 2.0 + 1.0,
        }
    }
    fn hits(&self, other: &Box) -> bool {
        self.x0 < other.x1 && other.x0 < self.x1 && self.y0 < other.y1 && other.y0 < self.y1
    }
}

/// The trend of `measure` (利用率, or the share of municipalities meeting
/// 市区町村の目標) over snapshots, with the line of the goal that measures the
/// same thing (`None`: no line, e.g. a prefecture's office rate, which no
/// goal is set on).
pub fn trend(
    subject: &str,
    measure: &str,
    points_in: &[TrendPoint],
    goal: Option<&Target>,
    fonts: &Fonts,
) -> Chart {
    let id = if measure == "利用率" {
        "chart-trend".to_string()
    } else {
        format!("chart-trend-{}", super::short_hash(measure))
    };
    let id = id.as_str();
    let title = format!("{subject}の{measure}の推移");
    let mut pts: Vec<&TrendPoint> = points_in.iter().collect();
    pts.sort_by_key(|p| p.date);
    let description = describe(subject, measure, &pts, goal);
    let target = goal.map(|g| g.share);

    let axis = RateAxis::new(
        pts.iter().map(|p| p.rate).fold(0.0, f64::max),
        target.unwrap_or(0.0),
    );
    let tick_font = Font::new(14.0).fill(INK_SOFT).h(HPos::Right);
    let tick_w = axis
        .ticks
        .iter()
        .map(|&t| tick_font.measure(fonts, &tick_label(t)))
        .fold(0.0, f64::max);
    let (x0, x1) = (MARGIN + tick_w + 8.0, WIDTH - MARGIN);
    let (y0, y1) = (20.0, 220.0);
    let any_illustrative = pts.iter().any(|p| p.illustrative);
    let height = y1 + 48.0 + if any_illustrative { 24.0 } else { 0.0 } + 4.0;

    let sketch = Sketch::new(fonts, WIDTH, height);
    // Time runs left to right in days since the first snapshot; rates bottom to top.
    let span = match (pts.first(), pts.last()) {
        (Some(first), Some(last)) => (last.date - first.date).get_days() as f64,
        _ => 0.0,
    };
    let days = |p: &TrendPoint| match pts.first() {
        Some(first) if span > 0.0 => (p.date - first.date).get_days() as f64,
        _ => 0.5,
    };
    let plot = sketch.plot(
        0.0..span.max(1.0),
        0.0..axis.max,
        (x0 + PAD, x1 - PAD),
        (y1, y0),
    );
    let frame = sketch.plot(0.0..1.0, 0.0..axis.max, (x0, x1), (y1, y0));
    let unit = |v: i32| f64::from(v) / super::canvas::SCALE;

    for &t in &axis.ticks {
        let line = PathElement::new(vec![(0.0, t), (1.0, t)], stroked(GRID, 1.0));
        sketch.with(Paint::class("tick").data("value", tenths(t)), |_| {
            frame.draw(&line)
        });
        let (_, y) = frame.map_coordinate(&(0.0, t));
        sketch.text(x0 - 6.0, unit(y), &tick_label(t), tick_font, Paint::none());
    }
    let base = PathElement::new(vec![(0.0, 0.0), (1.0, 0.0)], stroked(DARK, 1.5));
    sketch.with(Paint::none(), |_| frame.draw(&base));
    let ty = target.map(|target| {
        let target_line = PathElement::new(
            vec![
                (0.0, clamp_rate(target).min(axis.max)),
                (1.0, clamp_rate(target).min(axis.max)),
            ],
            stroked(RED, 2.0),
        );
        sketch.with(Paint::class("target").dash("6 4"), |_| {
            frame.draw(&target_line)
        });
        let (_, ty) = frame.map_coordinate(&(0.0, clamp_rate(target).min(axis.max)));
        unit(ty)
    });

    // The line, as plotters series: dashed where it runs to or from an illustrative value.
    let data: Vec<(f64, f64)> = pts
        .iter()
        .map(|p| (days(p), clamp_rate(p.rate).min(axis.max)))
        .collect();
    let mut start = 0;
    while start + 1 < data.len() {
        let dashed = |i: usize| pts[i].illustrative || pts[i + 1].illustrative;
        let mut end = start + 1;
        while end + 1 < data.len() && dashed(end) == dashed(start) {
            end += 1;
        }
        let mut paint = Paint::class("line");
        if dashed(start) {
            paint = paint.dash("6 4");
        }
        let series = LineSeries::new(data[start..=end].iter().copied(), stroked(BLUE, 2.5));
        sketch.with(paint, |_| {
            series
                .into_iter()
                .try_for_each(|element| plot.draw(&element))
        });
        start = end;
    }
    let pixels: Vec<(f64, f64)> = data
        .iter()
        .map(|p| {
            let (x, y) = plot.map_coordinate(p);
            (unit(x), unit(y))
        })
        .collect();
    for (p, &point) in pts.iter().zip(&data) {
        let inside = if p.illustrative { WHITE } else { BLUE };
        let marker = Circle::new(point, super::canvas::px(5.5), stroked(BLUE, 2.5));
        sketch.with(Paint::class("point").fill(inside), |_| plot.draw(&marker));
    }

    // Markers are obstacles for every label.
    let mut placed: Vec<Box> = pixels
        .iter()
        .map(|&(x, y)| Box {
            x0: x - 7.0,
            y0: y - 7.0,
            x1: x + 7.0,
            y1: y + 7.0,
        })
        .collect();

    // The target label: at the right end above the line, else wherever it clears the points.
    if let (Some(goal), Some(ty)) = (goal, ty) {
        let target_font = Font::new(14.0).bold().h(HPos::Center);
        let target_label = goal.line_label();
        let tw = target_font.measure(fonts, &target_label);
        let candidates = [
            (x1 - 4.0 - tw / 2.0, ty - 11.0),
            (x0 + 4.0 + tw / 2.0, ty - 11.0),
            (x1 - 4.0 - tw / 2.0, ty + 11.0),
            (x0 + 4.0 + tw / 2.0, ty + 11.0),
        ];
        let (tx, tcy) = candidates
            .iter()
            .copied()
            .find(|&(x, y)| {
                let b = Box::text(x, y, tw, 14.0);
                y - 7.0 >= 0.0 && !placed.iter().any(|o| o.hits(&b))
            })
            .unwrap_or(candidates[0]);
        sketch.text(tx, tcy, &target_label, target_font, Paint::none().halo());
        placed.push(Box::text(tx, tcy, tw, 14.0));
    }

    // Labels: the latest first, then the earliest, then the rest; a label that would overlap is left to the table.
    let mut order: Vec<usize> = (0..pts.len()).rev().collect();
    if pts.len() > 1 {
        order.retain(|&i| i != 0);
        order.insert(1, 0);
    }
    let value_font = Font::new(15.0).bold().h(HPos::Center).fill(BLUE);
    for &i in &order {
        let p = pts[i];
        let (x, y) = pixels[i];
        let text = pct(p.rate);
        let w = value_font.measure(fonts, &text);
        let cx = x.clamp(x0 + w / 2.0, x1 - w / 2.0);
        for cy in [y - 17.0, y + 17.0] {
            let b = Box::text(cx, cy, w, 15.0);
            if !placed.iter().any(|o| o.hits(&b)) && cy + 8.0 < y1 - 1.0 && cy - 8.0 > 0.0 {
                sketch.text(cx, cy, &text, value_font, Paint::none().halo());
                placed.push(b);
                break;
            }
        }
    }
    // Dates under the axis, the year above the month and day: every k-th from the latest,
    // with the smallest k that avoids overlaps.
    let date_font = Font::new(14.0).fill(INK_SOFT).h(HPos::Center);
    let date_labels: Vec<(f64, String, String, Box)> = pts
        .iter()
        .zip(&pixels)
        .map(|(p, &(x, _))| {
            let year = format!("{}年", p.date.year());
            let day = format!("{}月{}日", p.date.month(), p.date.day());
            let dw = date_font
                .measure(fonts, &year)
                .max(date_font.measure(fonts, &day));
            let dx = x.clamp(MARGIN + dw / 2.0, WIDTH - MARGIN - dw / 2.0);
            let b = Box::text(dx, y1 + 20.0, dw + 8.0, 34.0);
            (dx, year, day, b)
        })
        .collect();
    let n = date_labels.len();
    let shown: Vec<usize> = (1..=n.max(1))
        .map(|k| (0..n).rev().step_by(k).collect::<Vec<usize>>())
        .find(|idx| {
            idx.iter().enumerate().all(|(a, &i)| {
                idx[a + 1..]
                    .iter()
                    .all(|&j| !date_labels[i].3.hits(&date_labels[j].3))
            })
        })
        .unwrap_or_default();
    for i in shown {
        let (dx, year, day, _) = &date_labels[i];
        sketch.text(*dx, y1 + 12.0, year, date_font, Paint::none());
        sketch.text(*dx, y1 + 29.0, day, date_font, Paint::none());
    }
    if pts.is_empty() {
        sketch.text(
            (x0 + x1) / 2.0,
            (y0 + y1) / 2.0,
            "データがありません",
            Font::new(16.0).h(HPos::Center).fill(INK),
            Paint::none(),
        );
    }
    if any_illustrative {
        sketch.text(
            MARGIN,
            y1 + 66.0,
            "白抜きの点と破線はサンプル（架空）の値です。",
            Font::new(14.0).fill(INK_SOFT).v(VPos::Bottom),
            Paint::none(),
        );
    }
    let svg = sketch.finish(id, &title, &description, NARROW_MAX_WIDTH);

    let rows = pts
        .iter()
        .map(|p| {
            let mut rate = pct(p.rate);
            if p.illustrative {
                rate.push_str("（サンプル）");
            }
            vec![date_ja(p.date), rate]
        })
        .collect();
    Chart {
        id: id.to_string(),
        title: title.clone(),
        description,
        svg,
        table: DataTable {
            caption: title,
            columns: vec!["時点".to_string(), measure.to_string()],
            rows,
        },
        small_svg: None,
        small_table: false,
    }
}

fn describe(subject: &str, measure: &str, pts: &[&TrendPoint], goal: Option<&Target>) -> String {
    let (Some(first), Some(last)) = (pts.first(), pts.last()) else {
        return format!("{subject}の{measure}の推移のデータはまだありません。");
    };
    let mut out = String::new();
    if pts.len() == 1 {
        out.push_str(&format!(
            "{subject}の{measure}は{}時点で{}です。",
            date_ja(first.date),
            pct(first.rate)
        ));
    } else {
        let d = tenths(last.rate) - tenths(first.rate);
        let change = match d.cmp(&0) {
            std::cmp::Ordering::Greater => format!("{}上がりました", points(d)),
            std::cmp::Ordering::Less => format!("{}下がりました", points(d)),
            std::cmp::Ordering::Equal => "変わっていません".to_string(),
        };
        out.push_str(&format!(
            "{subject}の{measure}は{}の{}から{}の{}へ、{change}（{}時点）。",
            date_ja(first.date),
            pct(first.rate),
            date_ja(last.date),
            pct(last.rate),
            pts.len()
        ));
    }
    if let Some(goal) = goal {
        out.push_str(&goal.gap_sentence(last.rate));
    }
    if pts.iter().any(|p| p.illustrative) {
        out.push_str("白抜きの点はサンプル（架空）の値です。");
    }
    out
}
