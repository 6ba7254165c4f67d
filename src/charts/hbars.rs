//! Horizontal rate bars with labelled reference lines, shared by the
//! comparison chart and the ranking.

use plotters::element::{PathElement, Rectangle};
use plotters::style::text_anchor::{HPos, VPos};

use super::canvas::{Font, GRID, INK, INK_SOFT, Paint, Sketch, WHITE, filled, fit, stroked};
use super::palette::{BLUE, DARK, GREY, RED};
use super::{RateAxis, clamp_rate, pct, tick_label};
use crate::fonts::Fonts;

const MARGIN: f64 = 12.0;
/// Background of the site's own row.
const HIGHLIGHT: &str = "#EAF4FF";
/// Height of one reference-line label row above the bars.
const REF_ROW: f64 = 22.0;
/// Height of the gap row that stands for rows left out ([`Row::gap_above`]), in rows.
const GAP: f64 = 0.8;

pub(crate) struct Row {
    pub rank: Option<usize>,
    pub label: String,
    pub rate: f64,
    pub emphasis: bool,
    pub illustrative: bool,
    /// Rows were left out above this one (a small-screen excerpt): a "…" row marks the gap.
    pub gap_above: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RefKind {
    Target,
    Own,
    National,
}

pub(crate) struct RefLine {
    pub label: String,
    pub rate: f64,
    pub kind: RefKind,
}

impl RefKind {
    fn line(self) -> (&'static str, f64, &'static str) {
        match self {
            RefKind::Target => (RED, 2.0, "6 4"),
            RefKind::Own => (BLUE, 2.0, "2 3"),
            RefKind::National => (DARK, 1.5, "8 3 2 3"),
        }
    }
    fn class(self) -> &'static str {
        match self {
            RefKind::Target => "target",
            RefKind::Own => "ref-own",
            RefKind::National => "ref-national",
        }
    }
}

pub(crate) struct Layout {
    /// The viewBox width.
    pub width: f64,
    pub font: f64,
    pub pitch: f64,
    pub bar: f64,
    /// Widest a name may be before it is shortened with "…".
    pub label_cap: f64,
    /// Repeat the axis labels above the bars (long rankings).
    pub axis_top: bool,
}

/// Draw the bars on a new sketch `layout.width` wide and as tall as the rows need.
pub(crate) fn draw<'f>(
    id: &str,
    rows: &[Row],
    refs: &[RefLine],
    target: f64,
    layout: &Layout,
    fonts: &'f Fonts,
) -> Sketch<'f> {
    let font = layout.font;
    let width = layout.width;
    let plain = Font::new(font);
    let label_font = plain.bold();
    let tick_font = Font::new(14.0).fill(INK_SOFT).h(HPos::Center);
    let ref_font = Font::new(14.0).bold().h(HPos::Center);

    let rank_w = rows
        .iter()
        .filter_map(|r| r.rank)
        .map(|r| plain.measure(fonts, &format!("{r}位")))
        .fold(0.0, f64::max);
    let name_w = rows
        .iter()
        .map(|r| label_font.measure(fonts, &r.label))
        .fold(0.0, f64::max)
        .min(layout.label_cap);
    let value_w = rows
        .iter()
        .map(|r| label_font.measure(fonts, &pct(r.rate)))
        .fold(label_font.measure(fonts, "0.0%"), f64::max);
    let x_rank = MARGIN + rank_w;
    let x_label = if rank_w > 0.0 { x_rank + 6.0 } else { MARGIN };
    let x0 = x_label + name_w + 8.0;
    let x1 = width - MARGIN - value_w - 8.0;

    let max_rate = rows
        .iter()
        .map(|r| r.rate)
        .chain(refs.iter().map(|r| r.rate))
        .fold(0.0, f64::max);
    let axis = RateAxis::new(max_rate, target);

    // Rows in row units (one per row, less for a gap), mapped by plotters onto y0..y1.
    let mut tops = Vec::with_capacity(rows.len());
    let mut units = 0.0;
    for row in rows {
        if row.gap_above {
            units += GAP;
        }
        tops.push(units);
        units += 1.0;
    }
    let mut y0 = 8.0 + refs.len() as f64 * REF_ROW + 6.0;
    if layout.axis_top {
        y0 += 20.0;
    }
    let y1 = y0 + units * layout.pitch;
    let any_illustrative = rows.iter().any(|r| r.illustrative);
    let height = y1 + 30.0 + if any_illustrative { 24.0 } else { 0.0 } + 4.0;

    let sketch = Sketch::new(fonts, width, height);
    let plot = sketch.plot(0.0..axis.max, 0.0..units.max(1.0), (x0, x1), (y0, y1));
    let band = (1.0 - layout.bar / layout.pitch) / 2.0;

    // The site's own row stands out on a tinted band (besides its bold name and blue bar).
    for (row, top) in rows.iter().zip(&tops) {
        if row.emphasis {
            let (_, a) = plot.map_coordinate(&(0.0, *top));
            let (_, b) = plot.map_coordinate(&(0.0, top + 1.0));
            sketch.with(Paint::none(), |root| {
                root.draw(&Rectangle::new(
                    [(0, a), (super::canvas::px(width), b)],
                    filled(HIGHLIGHT),
                ))
            });
        }
    }

    // Gridlines at the ticks.
    for &t in &axis.ticks {
        let line = PathElement::new(vec![(t, 0.0), (t, units)], stroked(GRID, 1.0));
        sketch.with(Paint::class("tick").data("value", super::tenths(t)), |_| {
            plot.draw(&line)
        });
    }

    // Bars.
    let hatch_blue = any_illustrative.then(|| sketch.hatch(id, "blue", BLUE));
    let hatch_grey = any_illustrative.then(|| sketch.hatch(id, "grey", GREY));
    for (row, top) in rows.iter().zip(&tops) {
        let colour = if row.emphasis { BLUE } else { GREY };
        let mut paint = Paint::class("bar").stroke(colour, 1.0);
        if row.illustrative {
            let hatch = if row.emphasis {
                &hatch_blue
            } else {
                &hatch_grey
            };
            paint = paint.fill(hatch.clone().unwrap_or_default());
        }
        let rate = clamp_rate(row.rate).min(axis.max);
        let bar = Rectangle::new(
            [(0.0, top + band), (rate, top + 1.0 - band)],
            filled(colour),
        );
        sketch.with(paint, |_| plot.draw(&bar));
    }
    // The 0% axis.
    let axis_line = PathElement::new(vec![(0.0, 0.0), (0.0, units)], stroked(DARK, 1.5));
    sketch.with(Paint::none(), |_| plot.draw(&axis_line));

    // Reference lines, each with its label in its own row above the bars.
    for (j, r) in refs.iter().enumerate() {
        let row_bottom = 8.0 + (j as f64 + 1.0) * REF_ROW;
        let (x, _) = plot.map_coordinate(&(clamp_rate(r.rate).min(axis.max), 0.0));
        let (colour, stroke_w, dash) = r.kind.line();
        let (_, bottom) = plot.map_coordinate(&(0.0, units));
        let line = PathElement::new(
            vec![(x, super::canvas::px(row_bottom + 1.0)), (x, bottom)],
            stroked(colour, stroke_w),
        );
        sketch.with(Paint::class(r.kind.class()).dash(dash), |root| {
            root.draw(&line)
        });
        let x = f64::from(x) / super::canvas::SCALE;
        let w = ref_font.measure(fonts, &r.label);
        let cx = x.clamp(MARGIN + w / 2.0, width - MARGIN - w / 2.0);
        let fill = if r.kind == RefKind::Own { BLUE } else { INK };
        // A white plate hides the lines of the rows above that run behind this label.
        let plate = Rectangle::new(
            [
                super::canvas::at(cx - w / 2.0 - 3.0, row_bottom - 20.0),
                super::canvas::at(cx + w / 2.0 + 3.0, row_bottom - 1.0),
            ],
            filled(WHITE),
        );
        sketch.with(Paint::none(), |root| root.draw(&plate));
        sketch.text(
            cx,
            row_bottom - 10.5,
            &r.label,
            ref_font.fill(fill),
            Paint::none().halo(),
        );
    }

    // Tick labels under the bars (and above them for long rankings), over the
    // reference lines; on a narrow drawing every other (or third…) label, so
    // that no two labels touch ("10%20%30%").
    let tick_x = |t: f64| f64::from(plot.map_coordinate(&(t, 0.0)).0) / super::canvas::SCALE;
    let widest = axis
        .ticks
        .iter()
        .map(|&t| tick_font.measure(fonts, &tick_label(t)))
        .fold(0.0, f64::max);
    let spacing = match axis.ticks.as_slice() {
        [a, b, ..] => tick_x(*b) - tick_x(*a),
        _ => f64::INFINITY,
    };
    let every = ((widest + 8.0) / spacing).ceil().max(1.0) as usize;
    for &t in axis.ticks.iter().step_by(every) {
        let (x, _) = plot.map_coordinate(&(t, 0.0));
        let x = f64::from(x) / super::canvas::SCALE;
        let label = tick_label(t);
        sketch.text(x, y1 + 14.0, &label, tick_font, Paint::none().halo());
        if layout.axis_top {
            sketch.text(x, y0 - 11.0, &label, tick_font, Paint::none().halo());
        }
    }

    // Ranks, names and values.
    for (row, top) in rows.iter().zip(&tops) {
        let (_, mid) = plot.map_coordinate(&(0.0, top + 0.5));
        let mid = f64::from(mid) / super::canvas::SCALE;
        if row.gap_above {
            let (_, gap_mid) = plot.map_coordinate(&(0.0, top - GAP / 2.0));
            let gap_mid = f64::from(gap_mid) / super::canvas::SCALE;
            sketch.text(
                x_label,
                gap_mid,
                "…",
                Font::new(14.0).fill(INK_SOFT),
                Paint::none(),
            );
        }
        if let Some(rank) = row.rank {
            sketch.text(
                x_rank,
                mid,
                &format!("{rank}位"),
                plain.h(HPos::Right).fill(INK_SOFT),
                Paint::none(),
            );
        }
        let style = if row.emphasis { label_font } else { plain };
        let (shown, cut) = fit(fonts, &row.label, style, layout.label_cap);
        if cut {
            sketch.group(&Paint::none(), Some(&row.label));
        }
        sketch.text(x_label, mid, &shown, style, Paint::none());
        if cut {
            sketch.end_group();
        }
        let (end, _) = plot.map_coordinate(&(clamp_rate(row.rate).min(axis.max), 0.0));
        let end = f64::from(end) / super::canvas::SCALE;
        // A plate in the row's background colour keeps reference lines from running through the value.
        let text = pct(clamp_rate(row.rate));
        let plate_colour = if row.emphasis { HIGHLIGHT } else { WHITE };
        let tw = label_font.measure(fonts, &text);
        let plate = Rectangle::new(
            [
                super::canvas::at(end + 3.0, mid - font * 0.7),
                super::canvas::at(end + 9.0 + tw, mid + font * 0.7),
            ],
            filled(plate_colour),
        );
        sketch.with(Paint::none(), |root| root.draw(&plate));
        let fill = if row.emphasis { BLUE } else { INK };
        sketch.text(
            end + 6.0,
            mid,
            &text,
            label_font.fill(fill),
            Paint::none().halo(),
        );
    }

    if any_illustrative {
        sketch.text(
            MARGIN,
            y1 + 42.0,
            "斜線の棒はサンプル（架空）の値です。",
            Font::new(14.0).fill(INK_SOFT).v(VPos::Bottom),
            Paint::none(),
        );
    }
    sketch
}
