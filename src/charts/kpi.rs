//! A KPI progress gauge (bullet bar): the current share against its target.

use super::palette::{BLUE, DARK, GREY, RED};
use super::svg::{Anchor, INK, INK_SOFT, Style, Svg, measure, wrap};
use super::{
    Chart, DataTable, RateAxis, finish, pct, pct_target, points, short_hash, tenths, tick_label,
};
use crate::fonts::Fonts;

const WIDTH: f64 = 560.0;
const MARGIN: f64 = 16.0;

pub fn kpi_progress(
    subject: &str,
    label: &str,
    current: f64,
    target: f64,
    detail: &str,
    fonts: &Fonts,
) -> Chart {
    let id = format!("chart-kpi-{}", short_hash(label));
    let title = format!("{subject}の{label}と目標");
    let description = describe(subject, label, current, target, detail);

    let mut svg = Svg::new();
    let axis = RateAxis::new(current, target);
    let (x0, x1) = (MARGIN, WIDTH - MARGIN);

    // Headline: the label and the current value, with the target on the right.
    let label_style = Style::new(18.0).bold();
    let value_style = Style::new(36.0).bold().fill(BLUE);
    let label_w = measure(fonts, label, label_style);
    let value = pct(current);
    let value_w = measure(fonts, &value, value_style);
    let mut y = 48.0;
    if MARGIN + label_w + 12.0 + value_w > WIDTH - MARGIN {
        // A long label gets its own line(s) above the figures.
        for line in wrap(fonts, label, label_style, WIDTH - 2.0 * MARGIN) {
            svg.text(MARGIN, y - 14.0, &line, label_style);
            y += 24.0;
        }
        svg.text(MARGIN, y, &value, value_style);
    } else {
        svg.text(MARGIN, y, label, label_style);
        svg.text(MARGIN + label_w + 12.0, y, &value, value_style);
    }

    // The gauge: a track to the axis maximum, the current value filled, the target marked.
    let marker_label_y = y + 30.0;
    let bar_top = marker_label_y + 10.0;
    let bar_h = 30.0;
    let track = format!(r##"class="track" fill="#F2F2F2" stroke="{GREY}" stroke-width="1""##);
    svg.rect(x0, bar_top, x1 - x0, bar_h, &track);
    let cur_x = axis.pos(current, x0, x1);
    svg.rect(
        x0,
        bar_top,
        cur_x - x0,
        bar_h,
        &format!(r#"class="bar" fill="{BLUE}""#),
    );
    let tx = axis.pos(target, x0, x1);
    svg.line(
        tx,
        bar_top - 8.0,
        tx,
        bar_top + bar_h + 8.0,
        &format!(r#"class="target" stroke="{RED}" stroke-width="3""#),
    );
    let marker_style = Style::new(13.0).bold().halo();
    let marker = format!("目標 {}", pct_target(target));
    let mw = measure(fonts, &marker, marker_style);
    let mx = tx.clamp(MARGIN + mw / 2.0, WIDTH - MARGIN - mw / 2.0);
    svg.text(
        mx,
        marker_label_y,
        &marker,
        marker_style.anchor(Anchor::Middle),
    );

    // Ticks under the gauge.
    let tick_style = Style::new(12.0).fill(INK_SOFT);
    let tick_y = bar_top + bar_h + 22.0;
    for &t in &axis.ticks {
        let x = axis.pos(t, x0, x1);
        svg.line(
            x,
            bar_top + bar_h,
            x,
            bar_top + bar_h + 5.0,
            &format!(
                r#"class="tick" data-value="{}" stroke="{DARK}" stroke-width="1""#,
                tenths(t)
            ),
        );
        let label = tick_label(t);
        let w = measure(fonts, &label, tick_style);
        let cx = x.clamp(MARGIN + w / 2.0, WIDTH - MARGIN - w / 2.0);
        svg.text(cx, tick_y, &label, tick_style.anchor(Anchor::Middle));
    }

    // What is left to do.
    let gap = tenths(target) - tenths(current);
    let mut remaining = if gap > 0 {
        format!("目標まであと{}", points(gap))
    } else {
        "目標を達成しています".to_string()
    };
    if !detail.is_empty() {
        remaining.push_str(&format!("（{detail}）"));
    }
    let mut height = tick_y + 12.0;
    for line in wrap(
        fonts,
        &remaining,
        Style::new(16.0).bold(),
        WIDTH - 2.0 * MARGIN,
    ) {
        height += 24.0;
        svg.text(MARGIN, height, &line, Style::new(16.0).bold().fill(INK));
    }
    height += 14.0;

    let svg = finish(svg, WIDTH, height, &id, &title, &description);
    let to_target = if gap > 0 {
        format!("あと{}", points(gap))
    } else {
        "達成".to_string()
    };
    Chart {
        id,
        title: title.clone(),
        description,
        svg,
        table: DataTable {
            caption: title,
            columns: vec![
                "指標".to_string(),
                "現在".to_string(),
                "目標".to_string(),
                "目標まで".to_string(),
                "補足".to_string(),
            ],
            rows: vec![vec![
                label.to_string(),
                pct(current),
                pct_target(target),
                to_target,
                detail.to_string(),
            ]],
        },
    }
}

fn describe(subject: &str, label: &str, current: f64, target: f64, detail: &str) -> String {
    let gap = tenths(target) - tenths(current);
    let detail = if detail.is_empty() {
        String::new()
    } else {
        format!("（{detail}）")
    };
    if gap > 0 {
        format!(
            "{subject}の{label}は{}で、目標の{}まであと{}{detail}です。",
            pct(current),
            pct_target(target),
            points(gap)
        )
    } else {
        format!(
            "{subject}の{label}は{}で、目標の{}を達成しています{detail}。",
            pct(current),
            pct_target(target)
        )
    }
}
