//! The 1200×630 OGP image, drawn as SVG and rasterised with resvg and the bundled fonts.

use resvg::usvg;

use plotters::element::Rectangle;
use plotters::style::text_anchor::VPos;

use super::canvas::{Font, INK, INK_SOFT, Paint, Sketch, at, filled, fit, wrap};
use super::palette::BLUE;
use crate::fonts::Fonts;

const WIDTH: f64 = 1200.0;
const HEIGHT: f64 = 630.0;
const MARGIN: f64 = 80.0;

/// Lay `text` out within `max_width`: the largest size from `max` down to `min` that fits on one
/// line, else wrapped at `min` onto at most `max_lines` lines (the last shortened with "…").
fn fit_lines(
    fonts: &Fonts,
    text: &str,
    style: Font,
    min: f64,
    max_width: f64,
    max_lines: usize,
) -> (f64, Vec<String>) {
    let mut s = style;
    while s.size > min {
        if s.measure(fonts, text) <= max_width {
            return (s.size, vec![text.to_string()]);
        }
        s.size -= 2.0;
    }
    s.size = min;
    let mut lines = wrap(fonts, text, s, max_width);
    if lines.len() > max_lines {
        lines.truncate(max_lines);
        let last = lines.pop().unwrap_or_default();
        let (short, _) = fit(fonts, &format!("{last}…"), s, max_width);
        lines.push(short);
    }
    (min, lines)
}

/// The OGP image as SVG (1200×630), before rasterising.
pub(crate) fn ogp_svg(site_name: &str, headline: &str, subline: &str, fonts: &Fonts) -> String {
    let sketch = Sketch::new(fonts, WIDTH, HEIGHT);
    let text_w = WIDTH - 2.0 * MARGIN;
    let band = |y0: f64, y1: f64, colour: &str| {
        sketch.with(Paint::none(), |root| {
            root.draw(&Rectangle::new(
                [at(0.0, y0), at(WIDTH, y1)],
                filled(colour),
            ))
        });
    };
    band(0.0, 24.0, BLUE);
    band(HEIGHT - 96.0, HEIGHT, "#F2F6FF");
    // Lines of text by their baselines.
    let line = |y: f64, text: &str, font: Font| {
        sketch.text(MARGIN, y, text, font.v(VPos::Bottom), Paint::none());
    };
    // The em box's bottom sits below the baseline by the descent; place by baseline as before.
    let descent = fonts.vertical_metrics(crate::fonts::DEFAULT_FAMILY).1;
    let base = |y: f64, size: f64| y + descent * size;

    let mut y = 150.0;
    let (size, lines) = fit_lines(fonts, site_name, Font::new(56.0).bold(), 36.0, text_w, 2);
    for l in &lines {
        line(base(y, size), l, Font::new(size).bold().fill(INK));
        y += size * 1.3;
    }
    y += 40.0;
    let (size, lines) = fit_lines(fonts, headline, Font::new(88.0).bold(), 48.0, text_w, 2);
    y += size * 0.6;
    for l in &lines {
        line(base(y, size), l, Font::new(size).bold().fill(BLUE));
        y += size * 1.2;
    }
    y += 10.0;
    let (size, lines) = fit_lines(fonts, subline, Font::new(40.0), 28.0, text_w, 2);
    for l in &lines {
        if y > HEIGHT - 110.0 {
            break;
        }
        line(base(y, size), l, Font::new(size).fill(INK_SOFT));
        y += size * 1.3;
    }
    line(
        base(HEIGHT - 36.0, 32.0),
        "ケアプランデータ連携システム",
        Font::new(32.0).bold().fill(INK),
    );
    sketch.finish("ogp", site_name, &format!("{headline} {subline}"), WIDTH)
}

/// A 1200×630 PNG for `og:image`.
pub fn ogp_png(site_name: &str, headline: &str, subline: &str, fonts: &Fonts) -> Vec<u8> {
    let svg = ogp_svg(site_name, headline, subline, fonts);
    let options = usvg::Options {
        fontdb: fonts.database(),
        ..Default::default()
    };
    let Ok(tree) = usvg::Tree::from_str(&svg, &options) else {
        return Vec::new();
    };
    let Some(mut pixmap) = resvg::tiny_skia::Pixmap::new(WIDTH as u32, HEIGHT as u32) else {
        return Vec::new();
    };
    pixmap.fill(resvg::tiny_skia::Color::WHITE);
    resvg::render(
        &tree,
        resvg::tiny_skia::Transform::default(),
        &mut pixmap.as_mut(),
    );
    crate::raster::encode_opaque_png(&pixmap, png::Compression::Fast).unwrap_or_default()
}
