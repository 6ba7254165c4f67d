//! Horizontal rate bars with labelled reference lines, shared by the
//! comparison chart and the ranking.

use std::fmt::Write as _;

use super::palette::{BLUE, DARK, GREY, RED};
use super::svg::{Anchor, GRID, INK, INK_SOFT, Style, Svg, escape, fit, measure};
use super::{RateAxis, clamp_rate, pct, tick_label};
use crate::fonts::Fonts;

const MARGIN: f64 = 16.0;
/// Background of the site's own row.
const HIGHLIGHT: &str = "#EAF4FF";

pub(crate) struct Row {
    pub rank: Option<usize>,
    pub label: String,
    pub rate: f64,
    pub emphasis: bool,
    pub illustrative: bool,
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
    fn stroke(self) -> String {
        match self {
            RefKind::Target => format!(r#"stroke="{RED}" stroke-width="2" stroke-dasharray="6 4""#),
            RefKind::Own => format!(r#"stroke="{BLUE}" stroke-width="2" stroke-dasharray="2 3""#),
            RefKind::National => {
                format!(r#"stroke="{DARK}" stroke-width="1.5" stroke-dasharray="8 3 2 3""#)
            }
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

/// Draw the bars; returns the body and the height (the width is `layout.width`).
pub(crate) fn draw(
    id: &str,
    rows: &[Row],
    refs: &[RefLine],
    target: f64,
    layout: &Layout,
    fonts: &Fonts,
) -> (Svg, f64) {
    let mut svg = Svg::new();
    let font = layout.font;
    let width = layout.width;
    let label_style = Style::new(font).bold();
    let value_style = Style::new(font).bold().halo();
    let tick_style = Style::new(12.0).fill(INK_SOFT);
    let ref_style = Style::new(13.0).bold().halo();

    let rank_w = rows
        .iter()
        .filter_map(|r| r.rank)
        .map(|r| measure(fonts, &format!("{r}位"), Style::new(font)))
        .fold(0.0, f64::max);
    let name_w = rows
        .iter()
        .map(|r| measure(fonts, &r.label, label_style))
        .fold(0.0, f64::max)
        .min(layout.label_cap);
    let value_w = rows
        .iter()
        .map(|r| measure(fonts, &pct(r.rate), value_style))
        .fold(measure(fonts, "0.0%", value_style), f64::max);
    let x_rank = MARGIN + rank_w;
    let x_label = if rank_w > 0.0 { x_rank + 8.0 } else { MARGIN };
    let x0 = x_label + name_w + 10.0;
    let x1 = width - MARGIN - value_w - 8.0;

    let max_rate = rows
        .iter()
        .map(|r| r.rate)
        .chain(refs.iter().map(|r| r.rate))
        .fold(0.0, f64::max);
    let axis = RateAxis::new(max_rate, target);

    let ref_row = 20.0;
    let mut y0 = 8.0 + refs.len() as f64 * ref_row + 6.0;
    if layout.axis_top {
        y0 += 18.0;
    }
    let y1 = y0 + rows.len() as f64 * layout.pitch;

    // The site's own row stands out on a tinted band (besides its bold name and blue bar).
    for (i, row) in rows.iter().enumerate() {
        if row.emphasis {
            let top = y0 + i as f64 * layout.pitch;
            svg.rect(
                0.0,
                top,
                width,
                layout.pitch,
                &format!(r#"fill="{HIGHLIGHT}""#),
            );
        }
    }

    // Gridlines.
    for &t in &axis.ticks {
        let x = axis.pos(t, x0, x1);
        let attrs = format!(
            r#"class="tick" data-value="{}" stroke="{GRID}" stroke-width="1""#,
            super::tenths(t)
        );
        svg.line(x, y0, x, y1, &attrs);
    }

    // Bars.
    let any_illustrative = rows.iter().any(|r| r.illustrative);
    let hatch_blue = any_illustrative.then(|| svg.hatch(id, "blue", BLUE));
    let hatch_grey = any_illustrative.then(|| svg.hatch(id, "grey", GREY));
    for (i, row) in rows.iter().enumerate() {
        let top = y0 + i as f64 * layout.pitch;
        let colour = if row.emphasis { BLUE } else { GREY };
        let fill = match (row.illustrative, row.emphasis) {
            (true, true) => hatch_blue.clone().unwrap_or_default(),
            (true, false) => hatch_grey.clone().unwrap_or_default(),
            (false, _) => colour.to_string(),
        };
        let bar_top = top + (layout.pitch - layout.bar) / 2.0;
        let w = axis.pos(row.rate, x0, x1) - x0;
        svg.rect(
            x0,
            bar_top,
            w,
            layout.bar,
            &format!(r#"class="bar" fill="{fill}" stroke="{colour}" stroke-width="1""#),
        );
    }
    // The 0% axis.
    svg.line(
        x0,
        y0,
        x0,
        y1,
        &format!(r#"stroke="{DARK}" stroke-width="1.5""#),
    );

    // Reference lines, each with its label in its own row above the bars.
    for (j, r) in refs.iter().enumerate() {
        let x = axis.pos(r.rate, x0, x1);
        let row_bottom = 8.0 + (j as f64 + 1.0) * ref_row;
        let attrs = format!(r#"class="{}" {}"#, r.kind.class(), r.kind.stroke());
        svg.line(x, row_bottom + 1.0, x, y1, &attrs);
        let w = measure(fonts, &r.label, ref_style);
        let cx = x.clamp(MARGIN + w / 2.0, width - MARGIN - w / 2.0);
        let fill = if r.kind == RefKind::Own { BLUE } else { INK };
        // A white plate hides the lines of the rows above that run behind this label.
        svg.rect(
            cx - w / 2.0 - 3.0,
            row_bottom - 19.0,
            w + 6.0,
            17.0,
            r##"fill="#FFFFFF""##,
        );
        svg.text(
            cx,
            row_bottom - 6.0,
            &r.label,
            ref_style.anchor(Anchor::Middle).fill(fill),
        );
    }

    // Tick labels, over the reference lines.
    for &t in &axis.ticks {
        let x = axis.pos(t, x0, x1);
        let label = tick_label(t);
        svg.text(
            x,
            y1 + 16.0,
            &label,
            tick_style.anchor(Anchor::Middle).halo(),
        );
        if layout.axis_top {
            svg.text(
                x,
                y0 - 6.0,
                &label,
                tick_style.anchor(Anchor::Middle).halo(),
            );
        }
    }

    // Ranks, names and values.
    for (i, row) in rows.iter().enumerate() {
        let mid = y0 + (i as f64 + 0.5) * layout.pitch;
        let base = mid + font * 0.36;
        if let Some(rank) = row.rank {
            svg.text(
                x_rank,
                base,
                &format!("{rank}位"),
                Style::new(font).anchor(Anchor::End).fill(INK_SOFT),
            );
        }
        let style = if row.emphasis {
            label_style
        } else {
            Style::new(font)
        };
        let (shown, cut) = fit(fonts, &row.label, style, layout.label_cap);
        if cut {
            let _ = write!(svg.body, "<g><title>{}</title>", escape(&row.label));
        }
        svg.text(x_label, base, &shown, style);
        if cut {
            svg.raw("</g>");
        }
        let end = axis.pos(row.rate, x0, x1);
        // A plate in the row's background colour keeps reference lines from running through the value.
        let text = pct(clamp_rate(row.rate));
        let plate = if row.emphasis { HIGHLIGHT } else { "#FFFFFF" };
        let tw = measure(fonts, &text, value_style);
        svg.rect(
            end + 3.0,
            mid - font * 0.7,
            tw + 6.0,
            font * 1.4,
            &format!(r#"fill="{plate}""#),
        );
        let fill = if row.emphasis { BLUE } else { INK };
        svg.text(end + 6.0, base, &text, value_style.fill(fill));
    }

    let mut height = y1 + 28.0;
    if any_illustrative {
        let note = "斜線の棒はサンプル（架空）の値です。";
        svg.text(MARGIN, height + 14.0, note, Style::new(12.0).fill(INK_SOFT));
        height += 24.0;
    }
    (svg, height + 4.0)
}
