//! A KPI progress gauge (bullet bar): the current share against its target.

use plotters::element::{PathElement, Rectangle};
use plotters::style::text_anchor::{HPos, VPos};

use super::canvas::{Font, INK, INK_SOFT, Paint, Sketch, filled, stroked, wrap};
use super::palette::{BLUE, DARK, GREY, RED};
use super::{
    Chart, DataTable, NARROW_MAX_WIDTH, NARROW_WIDTH, RateAxis, Target, clamp_rate, pct,
    pct_target, points, short_hash, tenths, tick_label,
};
use crate::fonts::Fonts;

const WIDTH: f64 = NARROW_WIDTH;
const MARGIN: f64 = 12.0;
const BAR_H: f64 = 30.0;

pub fn kpi_progress(
    subject: &str,
    label: &str,
    current: f64,
    goal: &Target,
    detail: &str,
    illustrative: bool,
    fonts: &Fonts,
) -> Chart {
    let id = format!("chart-kpi-{}", short_hash(label));
    let goal_name = goal.goal.as_deref().unwrap_or("目標");
    let title = format!("{subject}の{label}と{goal_name}");
    let mut description = describe(subject, label, current, goal, detail);
    let target = goal.share;
    // A value from (or computed from) sample figures: the bar is hatched and footnoted.
    let sample_note = "斜線の棒はサンプル（架空）の値です。";
    if illustrative {
        description.push_str(sample_note);
    }
    let axis = RateAxis::new(current, target);
    let (x0, x1) = (MARGIN, WIDTH - MARGIN);

    // Layout first (plotters needs the size): the headline, the gauge, what is left to do.
    let label_font = Font::new(18.0).bold().v(VPos::Bottom);
    let value_font = Font::new(36.0).bold().fill(BLUE).v(VPos::Bottom);
    let value = pct(current);
    let label_w = label_font.measure(fonts, label);
    let value_w = value_font.measure(fonts, &value);
    let label_lines = if MARGIN + label_w + 12.0 + value_w > WIDTH - MARGIN {
        // A long label gets its own line(s) above the figure.
        wrap(fonts, label, label_font, WIDTH - 2.0 * MARGIN)
    } else {
        Vec::new()
    };
    let headline_bottom = 12.0 + label_lines.len() as f64 * 24.0 + 40.0;
    let marker_y = headline_bottom + 20.0;
    let bar_top = marker_y + 12.0;
    let tick_y = bar_top + BAR_H + 18.0;
    let gap = tenths(target) - tenths(current);
    let mut remaining = if gap > 0 {
        format!("{goal_name}まであと{}", points(gap))
    } else {
        format!("{goal_name}を達成しています")
    };
    if !detail.is_empty() {
        remaining.push_str(&format!("（{detail}）"));
    }
    let remaining_font = Font::new(16.0).bold().fill(INK).v(VPos::Bottom);
    let remaining_lines = wrap(fonts, &remaining, remaining_font, WIDTH - 2.0 * MARGIN);
    let height = tick_y
        + 14.0
        + remaining_lines.len() as f64 * 24.0
        + if illustrative { 24.0 } else { 0.0 }
        + 12.0;

    let sketch = Sketch::new(fonts, WIDTH, height);
    // Headline: the label and the current value.
    let mut y = 12.0;
    for line in &label_lines {
        y += 24.0;
        sketch.text(MARGIN, y, line, label_font, Paint::none());
    }
    if label_lines.is_empty() {
        sketch.text(
            MARGIN,
            headline_bottom - 4.0,
            label,
            label_font,
            Paint::none(),
        );
        sketch.text(
            MARGIN + label_w + 12.0,
            headline_bottom,
            &value,
            value_font,
            Paint::none(),
        );
    } else {
        sketch.text(MARGIN, headline_bottom, &value, value_font, Paint::none());
    }

    // The gauge through plotters: a track to the axis maximum, the current value filled,
    // the target marked.
    let plot = sketch.plot(
        0.0..axis.max,
        0.0..1.0,
        (x0, x1),
        (bar_top, bar_top + BAR_H),
    );
    let track = Rectangle::new([(0.0, 0.0), (axis.max, 1.0)], filled("#F2F2F2"));
    sketch.with(Paint::class("track").stroke(GREY, 1.0), |_| {
        plot.draw(&track)
    });
    let bar = Rectangle::new(
        [(0.0, 0.0), (clamp_rate(current).min(axis.max), 1.0)],
        filled(BLUE),
    );
    let mut paint = Paint::class("bar");
    if illustrative {
        paint = paint
            .fill(sketch.hatch(&id, "blue", BLUE))
            .stroke(BLUE, 1.0);
    }
    sketch.with(paint, |_| plot.draw(&bar));
    let target_x = clamp_rate(target).min(axis.max);
    let (tx, _) = plot.map_coordinate(&(target_x, 0.0));
    let marker = PathElement::new(
        vec![
            (tx, super::canvas::px(bar_top - 8.0)),
            (tx, super::canvas::px(bar_top + BAR_H + 8.0)),
        ],
        stroked(RED, 3.0),
    );
    sketch.with(Paint::class("target"), |root| root.draw(&marker));
    let marker_font = Font::new(14.0).bold().h(HPos::Center);
    let marker_label = goal.line_label();
    let mw = marker_font.measure(fonts, &marker_label);
    let mx =
        (f64::from(tx) / super::canvas::SCALE).clamp(MARGIN + mw / 2.0, WIDTH - MARGIN - mw / 2.0);
    sketch.text(
        mx,
        marker_y,
        &marker_label,
        marker_font,
        Paint::none().halo(),
    );

    // Ticks under the gauge.
    let tick_font = Font::new(14.0).fill(INK_SOFT).h(HPos::Center);
    for &t in &axis.ticks {
        let (x, y) = plot.map_coordinate(&(t, 1.0));
        let tick = PathElement::new(
            vec![(x, y), (x, y + super::canvas::px(5.0))],
            stroked(DARK, 1.0),
        );
        sketch.with(Paint::class("tick").data("value", tenths(t)), |root| {
            root.draw(&tick)
        });
        let label = tick_label(t);
        let w = tick_font.measure(fonts, &label);
        let cx =
            (f64::from(x) / super::canvas::SCALE).clamp(MARGIN + w / 2.0, WIDTH - MARGIN - w / 2.0);
        sketch.text(cx, tick_y, &label, tick_font, Paint::none());
    }

    // What is left to do.
    let mut y = tick_y + 14.0;
    for line in &remaining_lines {
        y += 24.0;
        sketch.text(MARGIN, y, line, remaining_font, Paint::none());
    }

    if illustrative {
        sketch.text(
            MARGIN,
            y + 24.0,
            sample_note,
            Font::new(14.0).fill(INK_SOFT).v(VPos::Bottom),
            Paint::none(),
        );
    }
    let svg = sketch.finish(&id, &title, &description, NARROW_MAX_WIDTH);
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
                goal_name.to_string(),
                format!("{goal_name}まで"),
                "補足".to_string(),
            ],
            rows: vec![vec![
                label.to_string(),
                if illustrative {
                    format!("{}（サンプル）", pct(current))
                } else {
                    pct(current)
                },
                pct_target(target),
                to_target,
                detail.to_string(),
            ]],
        },
        small_svg: None,
        small_table: false,
    }
}

fn describe(subject: &str, label: &str, current: f64, goal: &Target, detail: &str) -> String {
    let gap = tenths(goal.share) - tenths(current);
    let detail = if detail.is_empty() {
        String::new()
    } else {
        format!("（{detail}）")
    };
    if gap > 0 {
        format!(
            "{subject}の{label}は{}で、{}まであと{}{detail}です。",
            pct(current),
            goal.phrase(),
            points(gap)
        )
    } else {
        format!(
            "{subject}の{label}は{}で、{}を達成しています{detail}。",
            pct(current),
            goal.phrase()
        )
    }
}
