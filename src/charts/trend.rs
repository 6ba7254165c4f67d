//! The trend over snapshots: a line with markers, direct value labels and the target line.

use super::palette::{BLUE, DARK, RED};
use super::svg::{Anchor, GRID, INK, INK_SOFT, Style, Svg, measure, num};
use super::{
    Chart, DataTable, RateAxis, TrendPoint, date_ja, finish, pct, pct_target, points, tenths,
    tick_label,
};
use crate::fonts::Fonts;

const WIDTH: f64 = 600.0;
const MARGIN: f64 = 16.0;

/// A placed label's box, to keep labels from overlapping.
#[derive(Debug, Clone, Copy)]
struct Box {
    x0: f64,
    y0: f64,
    x1: f64,
    y1: f64,
}

impl Box {
    fn text(x: f64, baseline: f64, w: f64, size: f64, anchor: Anchor) -> Box {
        let x0 = match anchor {
            Anchor::Start => x,
            Anchor::Middle => x - w / 2.0,
            Anchor::End => x - w,
        };
        Box {
            x0: x0 - 2.0,
            y0: baseline - size,
            x1: x0 + w + 2.0,
            y1: baseline + size * 0.25,
        }
    }
    fn hits(&self, other: &Box) -> bool {
        self.x0 < other.x1 && other.x0 < self.x1 && self.y0 < other.y1 && other.y0 < self.y1
    }
}

pub fn trend(subject: &str, points_in: &[TrendPoint], target: f64, fonts: &Fonts) -> Chart {
    let id = "chart-trend";
    let title = format!("{subject}の利用率の推移");
    let mut pts: Vec<&TrendPoint> = points_in.iter().collect();
    pts.sort_by_key(|p| p.date);
    let description = describe(subject, &pts, target);

    let mut svg = Svg::new();
    let axis = RateAxis::new(pts.iter().map(|p| p.rate).fold(0.0, f64::max), target);
    let tick_style = Style::new(12.0).fill(INK_SOFT);
    let tick_w = axis
        .ticks
        .iter()
        .map(|&t| measure(fonts, &tick_label(t), tick_style))
        .fold(0.0, f64::max);
    let (x0, x1) = (MARGIN + tick_w + 8.0, WIDTH - MARGIN);
    let (y0, y1) = (24.0, 250.0);
    let ypos = |rate: f64| y1 - (axis.pos(rate, 0.0, 1.0)) * (y1 - y0);

    for &t in &axis.ticks {
        let y = ypos(t);
        let attrs = format!(
            r#"class="tick" data-value="{}" stroke="{GRID}" stroke-width="1""#,
            tenths(t)
        );
        svg.line(x0, y, x1, y, &attrs);
        svg.text(
            x0 - 6.0,
            y + 4.0,
            &tick_label(t),
            tick_style.anchor(Anchor::End),
        );
    }
    svg.line(
        x0,
        y1,
        x1,
        y1,
        &format!(r#"stroke="{DARK}" stroke-width="1.5""#),
    );

    let ty = ypos(target);
    svg.line(
        x0,
        ty,
        x1,
        ty,
        &format!(r#"class="target" stroke="{RED}" stroke-width="2" stroke-dasharray="6 4""#),
    );

    // Point positions, proportional to time, with room at both ends for labels.
    let pad = 56.0;
    let xs: Vec<f64> = match (pts.first(), pts.last()) {
        (Some(first), Some(last)) if pts.len() > 1 && first.date != last.date => {
            let span = (last.date - first.date).get_days() as f64;
            let span = if span > 0.0 { span } else { 1.0 };
            pts.iter()
                .map(|p| {
                    x0 + pad
                        + (p.date - first.date).get_days() as f64 / span * (x1 - x0 - 2.0 * pad)
                })
                .collect()
        }
        _ => pts.iter().map(|_| (x0 + x1) / 2.0).collect(),
    };

    // The line: dashed where it runs to or from an illustrative value.
    for i in 1..pts.len() {
        let dashed = pts[i - 1].illustrative || pts[i].illustrative;
        let dash = if dashed {
            r#" stroke-dasharray="6 4""#
        } else {
            ""
        };
        svg.raw(&format!(
            r#"<path class="line" d="M{} {}L{} {}" fill="none" stroke="{BLUE}" stroke-width="2.5"{dash}/>"#,
            num(xs[i - 1]),
            num(ypos(pts[i - 1].rate)),
            num(xs[i]),
            num(ypos(pts[i].rate))
        ));
    }
    for (i, p) in pts.iter().enumerate() {
        let fill = if p.illustrative { "#FFFFFF" } else { BLUE };
        svg.circle(
            xs[i],
            ypos(p.rate),
            5.5,
            &format!(r#"class="point" fill="{fill}" stroke="{BLUE}" stroke-width="2.5""#),
        );
    }

    // Markers are obstacles for every label.
    let mut placed: Vec<Box> = pts
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let (x, y) = (xs[i], ypos(p.rate));
            Box {
                x0: x - 7.0,
                y0: y - 7.0,
                x1: x + 7.0,
                y1: y + 7.0,
            }
        })
        .collect();

    // The target label: at the right end above the line, else wherever it clears the points.
    let target_style = Style::new(13.0).bold().halo();
    let target_label = format!("目標 {}", pct_target(target));
    let tw = measure(fonts, &target_label, target_style);
    let candidates = [
        (x1 - 4.0, ty - 6.0, Anchor::End),
        (x0 + 4.0, ty - 6.0, Anchor::Start),
        (x1 - 4.0, ty + 17.0, Anchor::End),
        (x0 + 4.0, ty + 17.0, Anchor::Start),
    ];
    let (tx, tby, tanchor) = candidates
        .iter()
        .copied()
        .find(|&(x, y, a)| {
            let b = Box::text(x, y, tw, 13.0, a);
            !placed.iter().any(|o| o.hits(&b))
        })
        .unwrap_or(candidates[0]);
    svg.text(tx, tby, &target_label, target_style.anchor(tanchor));
    placed.push(Box::text(tx, tby, tw, 13.0, tanchor));

    // Labels: the latest first, then the earliest, then the rest; a label that would overlap is left to the table.
    let mut order: Vec<usize> = (0..pts.len()).rev().collect();
    if pts.len() > 1 {
        order.retain(|&i| i != 0);
        order.insert(1, 0);
    }
    let value_style = Style::new(14.0)
        .bold()
        .halo()
        .anchor(Anchor::Middle)
        .fill(BLUE);
    let date_style = Style::new(12.0).fill(INK_SOFT).anchor(Anchor::Middle);
    for &i in &order {
        let p = pts[i];
        let (x, y) = (xs[i], ypos(p.rate));
        let text = pct(p.rate);
        let w = measure(fonts, &text, value_style);
        let cx = x.clamp(x0 + w / 2.0, x1 - w / 2.0);
        for baseline in [y - 12.0, y + 24.0] {
            let b = Box::text(cx, baseline, w, 14.0, Anchor::Middle);
            if !placed.iter().any(|o| o.hits(&b)) && baseline < y1 - 2.0 {
                svg.text(cx, baseline, &text, value_style);
                placed.push(b);
                break;
            }
        }
    }
    // Dates under the axis: every k-th from the latest, with the smallest k that avoids overlaps.
    let date_labels: Vec<(f64, String, Box)> = pts
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let date = date_ja(p.date);
            let dw = measure(fonts, &date, date_style);
            let dx = xs[i].clamp(MARGIN + dw / 2.0, WIDTH - MARGIN - dw / 2.0);
            let b = Box::text(dx, y1 + 20.0, dw + 8.0, 12.0, Anchor::Middle);
            (dx, date, b)
        })
        .collect();
    let n = date_labels.len();
    let shown: Vec<usize> = (1..=n.max(1))
        .map(|k| (0..n).rev().step_by(k).collect::<Vec<usize>>())
        .find(|idx| {
            idx.iter().enumerate().all(|(a, &i)| {
                idx[a + 1..]
                    .iter()
                    .all(|&j| !date_labels[i].2.hits(&date_labels[j].2))
            })
        })
        .unwrap_or_default();
    for i in shown {
        let (dx, date, _) = &date_labels[i];
        svg.text(*dx, y1 + 20.0, date, date_style);
    }
    if pts.is_empty() {
        svg.text(
            (x0 + x1) / 2.0,
            (y0 + y1) / 2.0,
            "データがありません",
            Style::new(16.0).anchor(Anchor::Middle).fill(INK),
        );
    }
    let mut height = y1 + 34.0;
    if pts.iter().any(|p| p.illustrative) {
        svg.text(
            MARGIN,
            height + 8.0,
            "白抜きの点と破線はサンプル（架空）の値です。",
            Style::new(12.0).fill(INK_SOFT),
        );
        height += 22.0;
    }
    height += 6.0;
    let svg = finish(svg, WIDTH, height, id, &title, &description);

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
            columns: vec!["時点".to_string(), "利用率".to_string()],
            rows,
        },
    }
}

fn describe(subject: &str, pts: &[&TrendPoint], target: f64) -> String {
    let (Some(first), Some(last)) = (pts.first(), pts.last()) else {
        return format!("{subject}の利用率の推移のデータはまだありません。");
    };
    let mut out = String::new();
    if pts.len() == 1 {
        out.push_str(&format!(
            "{subject}の利用率は{}時点で{}です。",
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
            "{subject}の利用率は{}の{}から{}の{}へ、{change}（{}時点）。",
            date_ja(first.date),
            pct(first.rate),
            date_ja(last.date),
            pct(last.rate),
            pts.len()
        ));
    }
    let gap = tenths(target) - tenths(last.rate);
    if gap > 0 {
        out.push_str(&format!(
            "目標の{}まではあと{}です。",
            pct_target(target),
            points(gap)
        ));
    } else {
        out.push_str(&format!("目標の{}を達成しています。", pct_target(target)));
    }
    if pts.iter().any(|p| p.illustrative) {
        out.push_str("白抜きの点はサンプル（架空）の値です。");
    }
    out
}
