//! The plotters drawing backend every chart draws through, and the accessible SVG it writes.
//!
//! Charts map their data with plotters' coordinate systems (`Cartesian2d`) and draw plotters
//! elements (`Rectangle`, `PathElement`, `Circle`, `Text`, `LineSeries`). [`Canvas`] is the
//! `DrawingBackend` under them: it writes each element straight as an SVG element, measures
//! text with the bundled UD gothic (`Fonts::measure`, so plotters sees the real advances), and
//! adds what plotters has no words for — a class or data attribute, a hatched fill, a dash
//! pattern, a white halo under text — from the [`Paint`] the chart sets around a draw call.
//! [`Sketch::finish`] wraps the body in the root element with the accessible name and
//! description, so no finished SVG is ever edited as a string.
//!
//! Backend coordinates are tenths of a pixel ([`SCALE`]): plotters works in whole backend
//! units, and tenths keep bars, ticks and the target line to scale within 0.1 px.

use std::cell::RefCell;
use std::convert::Infallible;
use std::fmt::Write as _;
use std::rc::Rc;

use plotters::coord::Shift;
use plotters::coord::types::RangedCoordf64;
use plotters::prelude::{Cartesian2d, DrawingArea, IntoDrawingArea, RGBColor, ShapeStyle};
use plotters::style::text_anchor::{HPos, Pos, VPos};
use plotters::style::{FontDesc, FontFamily, FontStyle, TextStyle};
use plotters_backend::{
    BackendColor, BackendCoord, BackendStyle, BackendTextStyle, DrawingBackend, DrawingErrorKind,
};

use crate::fonts::{DEFAULT_FAMILY, Fonts};

/// Backend units per SVG user unit (CSS pixel at scale 1).
pub const SCALE: f64 = 10.0;

/// Text colour on white and on light fills.
pub const INK: &str = "#1A1A1A";
/// Secondary text (tick labels, notes): still 4.5:1 or better on white.
pub const INK_SOFT: &str = "#333333";
/// Non-essential gridlines.
pub const GRID: &str = "#C8C8CB";
pub const WHITE: &str = "#FFFFFF";

/// The font stack written on every chart's root element.
pub const FONT_STACK: &str = "BIZ UDPGothic, 'Hiragino Sans', 'Yu Gothic UI', Meiryo, sans-serif";

/// A length in backend units.
pub fn px(v: f64) -> i32 {
    (v * SCALE).round() as i32
}

/// A backend coordinate from SVG user units.
pub fn at(x: f64, y: f64) -> BackendCoord {
    (px(x), px(y))
}

/// `#RRGGBB` as a plotters colour.
pub fn rgb(hex: &str) -> RGBColor {
    let c = |i: usize| u8::from_str_radix(hex.get(1 + 2 * i..3 + 2 * i).unwrap_or("00"), 16);
    RGBColor(c(0).unwrap_or(0), c(1).unwrap_or(0), c(2).unwrap_or(0))
}

/// A filled shape.
pub fn filled(hex: &str) -> ShapeStyle {
    ShapeStyle {
        color: rgb(hex).into(),
        filled: true,
        stroke_width: 0,
    }
}

/// A stroked line or outline, `width` in pixels.
pub fn stroked(hex: &str, width: f64) -> ShapeStyle {
    ShapeStyle {
        color: rgb(hex).into(),
        filled: false,
        stroke_width: px(width).max(0) as u32,
    }
}

/// Text as the charts set it: the bundled proportional UD gothic.
#[derive(Clone, Copy)]
pub struct Font {
    pub size: f64,
    pub bold: bool,
    pub fill: &'static str,
    pub h: HPos,
    pub v: VPos,
}

impl Font {
    pub fn new(size: f64) -> Font {
        Font {
            size,
            bold: false,
            fill: INK,
            h: HPos::Left,
            v: VPos::Center,
        }
    }
    pub fn bold(mut self) -> Font {
        self.bold = true;
        self
    }
    pub fn fill(mut self, fill: &'static str) -> Font {
        self.fill = fill;
        self
    }
    /// Horizontal anchor: `Left`, `Center` or `Right` of the text at the given x.
    pub fn h(mut self, h: HPos) -> Font {
        self.h = h;
        self
    }
    /// Vertical anchor: `Top`, `Center` or `Bottom` of the em box at the given y.
    pub fn v(mut self, v: VPos) -> Font {
        self.v = v;
        self
    }
    /// The plotters text style (sizes in backend units).
    pub fn style(&self) -> TextStyle<'static> {
        let style = if self.bold {
            FontStyle::Bold
        } else {
            FontStyle::Normal
        };
        let RGBColor(r, g, b) = rgb(self.fill);
        TextStyle {
            font: FontDesc::new(FontFamily::Name(DEFAULT_FAMILY), self.size * SCALE, style),
            color: BackendColor {
                alpha: 1.0,
                rgb: (r, g, b),
            },
            pos: Pos::new(self.h, self.v),
        }
    }
    /// Width in pixels of `text` in this font.
    pub fn measure(&self, fonts: &Fonts, text: &str) -> f64 {
        fonts.measure(text, DEFAULT_FAMILY, self.size, self.bold)
    }
}

/// What plotters' styles cannot say, for the elements drawn while it is set.
#[derive(Debug, Clone, Default)]
pub struct Paint {
    class: Option<&'static str>,
    data: Vec<(&'static str, String)>,
    fill: Option<String>,
    stroke: Option<(String, f64)>,
    dash: Option<&'static str>,
    halo: bool,
}

impl Paint {
    pub fn class(class: &'static str) -> Paint {
        Paint {
            class: Some(class),
            ..Paint::default()
        }
    }
    pub fn none() -> Paint {
        Paint::default()
    }
    pub fn data(mut self, name: &'static str, value: impl ToString) -> Paint {
        self.data.push((name, value.to_string()));
        self
    }
    /// Fill a shape with this paint (e.g. a pattern `url(#…)`) instead of the style's colour;
    /// for an outline, fill its inside.
    pub fn fill(mut self, fill: impl Into<String>) -> Paint {
        self.fill = Some(fill.into());
        self
    }
    /// Also stroke a filled shape.
    pub fn stroke(mut self, colour: &str, width: f64) -> Paint {
        self.stroke = Some((colour.to_string(), width));
        self
    }
    pub fn dash(mut self, pattern: &'static str) -> Paint {
        self.dash = Some(pattern);
        self
    }
    /// A white outline under text, so that lines crossing it do not hurt legibility.
    pub fn halo(mut self) -> Paint {
        self.halo = true;
        self
    }
}

/// The SVG being written: body, pattern definitions and the paint in force.
#[derive(Debug, Default)]
struct Doc {
    body: String,
    defs: String,
    paint: Paint,
}

/// The plotters drawing backend that writes SVG elements (see the module documentation).
pub struct Canvas<'f> {
    fonts: &'f Fonts,
    size: (u32, u32),
    doc: Rc<RefCell<Doc>>,
    /// (ascent, descent) of the chart font as fractions of the em.
    metrics: (f64, f64),
}

type Result<T = ()> = std::result::Result<T, DrawingErrorKind<Infallible>>;

/// A coordinate in SVG user units with at most one decimal, without a trailing ".0".
pub fn num(v: f64) -> String {
    let v = if v.is_finite() { v } else { 0.0 };
    let tenths = (v * 10.0).round() as i64;
    if tenths % 10 == 0 {
        format!("{}", tenths / 10)
    } else {
        let sign = if tenths < 0 { "-" } else { "" };
        let a = tenths.abs();
        format!("{sign}{}.{}", a / 10, a % 10)
    }
}

/// A backend length written in user units.
fn unit(v: i32) -> String {
    num(f64::from(v) / SCALE)
}

fn hex(c: BackendColor) -> String {
    format!("#{:02X}{:02X}{:02X}", c.rgb.0, c.rgb.1, c.rgb.2)
}

/// Escape text for an SVG text node or a double-quoted attribute.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            // Control characters are not allowed in XML 1.0.
            c if (c as u32) < 0x20 && c != '\n' && c != '\t' => {}
            c => out.push(c),
        }
    }
    out
}

impl Doc {
    /// ` class="…" data-…="…"` of the paint in force.
    fn tags(&mut self) {
        if let Some(class) = self.paint.class {
            let _ = write!(self.body, r#" class="{class}""#);
        }
        for (name, value) in &self.paint.data {
            let _ = write!(self.body, r#" data-{name}="{}""#, escape(value));
        }
    }

    fn stroke(&mut self, colour: &str, width: u32) {
        let _ = write!(
            self.body,
            r#" stroke="{colour}" stroke-width="{}""#,
            unit(width as i32)
        );
        if let Some(dash) = self.paint.dash {
            let _ = write!(self.body, r#" stroke-dasharray="{dash}""#);
        }
    }

    /// Fill (and stroke) of a shape drawn with `style`.
    fn paint_shape(&mut self, style: &impl BackendStyle, fill: bool) {
        if fill {
            let colour = self
                .paint
                .fill
                .clone()
                .unwrap_or_else(|| hex(style.color()));
            let _ = write!(self.body, r#" fill="{colour}""#);
            if let Some((colour, width)) = self.paint.stroke.clone() {
                self.stroke(&colour, px(width) as u32);
            }
        } else {
            let inside = self
                .paint
                .fill
                .clone()
                .unwrap_or_else(|| "none".to_string());
            let _ = write!(self.body, r#" fill="{inside}""#);
            self.stroke(&hex(style.color()), style.stroke_width());
        }
    }
}

impl DrawingBackend for Canvas<'_> {
    type ErrorType = Infallible;

    fn get_size(&self) -> (u32, u32) {
        self.size
    }

    fn ensure_prepared(&mut self) -> Result {
        Ok(())
    }

    fn present(&mut self) -> Result {
        Ok(())
    }

    fn draw_pixel(&mut self, point: BackendCoord, color: BackendColor) -> Result {
        self.draw_rect(point, (point.0 + 1, point.1 + 1), &color, true)
    }

    fn draw_line<S: BackendStyle>(
        &mut self,
        from: BackendCoord,
        to: BackendCoord,
        style: &S,
    ) -> Result {
        self.draw_path([from, to], style)
    }

    fn draw_rect<S: BackendStyle>(
        &mut self,
        upper_left: BackendCoord,
        bottom_right: BackendCoord,
        style: &S,
        fill: bool,
    ) -> Result {
        if style.color().alpha == 0.0 {
            return Ok(());
        }
        let mut doc = self.doc.borrow_mut();
        let _ = write!(
            doc.body,
            r#"<rect x="{}" y="{}" width="{}" height="{}""#,
            unit(upper_left.0),
            unit(upper_left.1),
            unit((bottom_right.0 - upper_left.0).max(0)),
            unit((bottom_right.1 - upper_left.1).max(0)),
        );
        doc.tags();
        doc.paint_shape(style, fill);
        doc.body.push_str("/>");
        Ok(())
    }

    fn draw_path<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        path: I,
        style: &S,
    ) -> Result {
        if style.color().alpha == 0.0 {
            return Ok(());
        }
        let points: Vec<BackendCoord> = path.into_iter().collect();
        let mut doc = self.doc.borrow_mut();
        if let [a, b] = points[..] {
            let _ = write!(
                doc.body,
                r#"<line x1="{}" y1="{}" x2="{}" y2="{}""#,
                unit(a.0),
                unit(a.1),
                unit(b.0),
                unit(b.1)
            );
        } else {
            let mut d = String::new();
            for (i, p) in points.iter().enumerate() {
                let _ = write!(
                    d,
                    "{}{} {}",
                    if i == 0 { 'M' } else { 'L' },
                    unit(p.0),
                    unit(p.1)
                );
            }
            let _ = write!(doc.body, r#"<path d="{d}" fill="none""#);
        }
        doc.tags();
        doc.stroke(&hex(style.color()), style.stroke_width());
        doc.body.push_str("/>");
        Ok(())
    }

    fn draw_circle<S: BackendStyle>(
        &mut self,
        center: BackendCoord,
        radius: u32,
        style: &S,
        fill: bool,
    ) -> Result {
        let mut doc = self.doc.borrow_mut();
        let _ = write!(
            doc.body,
            r#"<circle cx="{}" cy="{}" r="{}""#,
            unit(center.0),
            unit(center.1),
            unit(radius as i32)
        );
        doc.tags();
        doc.paint_shape(style, fill);
        doc.body.push_str("/>");
        Ok(())
    }

    fn fill_polygon<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        vert: I,
        style: &S,
    ) -> Result {
        let mut doc = self.doc.borrow_mut();
        let mut d = String::new();
        for (i, p) in vert.into_iter().enumerate() {
            let _ = write!(
                d,
                "{}{} {}",
                if i == 0 { 'M' } else { 'L' },
                unit(p.0),
                unit(p.1)
            );
        }
        let _ = write!(doc.body, r#"<path d="{d}Z""#);
        doc.tags();
        doc.paint_shape(style, true);
        doc.body.push_str("/>");
        Ok(())
    }

    fn draw_text<T: BackendTextStyle>(
        &mut self,
        text: &str,
        style: &T,
        pos: BackendCoord,
    ) -> Result {
        let size = style.size();
        let (ascent, descent) = self.metrics;
        // The baseline from the anchor's place on the em box.
        let baseline = match style.anchor().v_pos {
            VPos::Top => f64::from(pos.1) + ascent * size,
            VPos::Center => f64::from(pos.1) + (ascent - descent) / 2.0 * size,
            VPos::Bottom => f64::from(pos.1) - descent * size,
        };
        let mut doc = self.doc.borrow_mut();
        let _ = write!(
            doc.body,
            r#"<text x="{}" y="{}" font-size="{}""#,
            unit(pos.0),
            num(baseline / SCALE),
            num(size / SCALE)
        );
        if matches!(style.style(), FontStyle::Bold) {
            doc.body.push_str(r#" font-weight="bold""#);
        }
        match style.anchor().h_pos {
            HPos::Left => {}
            HPos::Center => doc.body.push_str(r#" text-anchor="middle""#),
            HPos::Right => doc.body.push_str(r#" text-anchor="end""#),
        }
        doc.tags();
        let _ = write!(doc.body, r#" fill="{}""#, hex(style.color()));
        if doc.paint.halo {
            doc.body.push_str(
                r##" stroke="#FFFFFF" stroke-width="3" stroke-linejoin="round" paint-order="stroke""##,
            );
        }
        let _ = write!(doc.body, ">{}</text>", escape(text));
        Ok(())
    }

    fn estimate_text_size<T: BackendTextStyle>(&self, text: &str, style: &T) -> Result<(u32, u32)> {
        let bold = matches!(style.style(), FontStyle::Bold);
        let family = match style.family() {
            FontFamily::Name(name) => name,
            _ => DEFAULT_FAMILY,
        };
        let width = self.fonts.measure(text, family, style.size(), bold);
        Ok((width.ceil() as u32, style.size().ceil() as u32))
    }
}

/// A chart being drawn: the plotters root area over a [`Canvas`], in SVG user units.
pub struct Sketch<'f> {
    pub root: DrawingArea<Canvas<'f>, Shift>,
    doc: Rc<RefCell<Doc>>,
    pub fonts: &'f Fonts,
    pub width: f64,
    pub height: f64,
}

/// A plotters area mapping (x, y) data to backend coordinates.
pub type Plot<'f> = DrawingArea<Canvas<'f>, Cartesian2d<RangedCoordf64, RangedCoordf64>>;

impl<'f> Sketch<'f> {
    /// A blank `width` × `height` chart on white.
    pub fn new(fonts: &'f Fonts, width: f64, height: f64) -> Sketch<'f> {
        let doc = Rc::new(RefCell::new(Doc::default()));
        let canvas = Canvas {
            fonts,
            size: (px(width).max(1) as u32, px(height).max(1) as u32),
            doc: doc.clone(),
            metrics: fonts.vertical_metrics(DEFAULT_FAMILY),
        };
        let sketch = Sketch {
            root: canvas.into_drawing_area(),
            doc,
            fonts,
            width,
            height,
        };
        sketch.with(Paint::none(), |root| {
            root.draw(&plotters::element::Rectangle::new(
                [(0, 0), at(width, height)],
                filled(WHITE),
            ))
        });
        sketch
    }

    /// A plotters coordinate system: `x` data mapped onto pixels `left..right`, `y` onto
    /// `top..bottom` (give `y` as `max..min`-style pixels by swapping top and bottom).
    pub fn plot(
        &self,
        x: std::ops::Range<f64>,
        y: std::ops::Range<f64>,
        pixels_x: (f64, f64),
        pixels_y: (f64, f64),
    ) -> Plot<'f> {
        self.root
            .apply_coord_spec(Cartesian2d::<RangedCoordf64, RangedCoordf64>::new(
                x,
                y,
                (
                    px(pixels_x.0)..px(pixels_x.1),
                    px(pixels_y.0)..px(pixels_y.1),
                ),
            ))
    }

    /// Draw with `paint` in force. Drawing on this backend cannot fail: a plotters error would
    /// be a bug in the chart, so it is left out of the output rather than passed on.
    pub fn with<T, E: std::fmt::Debug>(
        &self,
        paint: Paint,
        draw: impl FnOnce(&DrawingArea<Canvas<'f>, Shift>) -> std::result::Result<T, E>,
    ) -> Option<T> {
        let previous = std::mem::replace(&mut self.doc.borrow_mut().paint, paint);
        let result = draw(&self.root);
        self.doc.borrow_mut().paint = previous;
        debug_assert!(result.is_ok(), "{:?}", result.as_ref().err());
        result.ok()
    }

    /// Text at (x, y) in user units.
    pub fn text(&self, x: f64, y: f64, text: &str, font: Font, paint: Paint) {
        self.with(paint, |root| {
            root.draw(&plotters::element::Text::new(text, at(x, y), font.style()))
        });
    }

    /// Open a group (`<g>`) with a tooltip title; close it with [`Sketch::end_group`].
    pub fn group(&self, paint: &Paint, title: Option<&str>) {
        let mut doc = self.doc.borrow_mut();
        doc.body.push_str("<g");
        let previous = std::mem::replace(&mut doc.paint, paint.clone());
        doc.tags();
        doc.paint = previous;
        doc.body.push('>');
        if let Some(title) = title {
            let _ = write!(doc.body, "<title>{}</title>", escape(title));
        }
    }

    pub fn end_group(&self) {
        self.doc.borrow_mut().body.push_str("</g>");
    }

    /// A diagonal-stripe fill (for illustrative values) in `colour`, defined once per chart.
    pub fn hatch(&self, chart_id: &str, name: &str, colour: &str) -> String {
        let id = format!("{chart_id}-hatch-{name}");
        let _ = write!(
            self.doc.borrow_mut().defs,
            r##"<pattern id="{id}" patternUnits="userSpaceOnUse" width="6" height="6" patternTransform="rotate(45)"><rect width="6" height="6" fill="#FFFFFF"/><rect width="3" height="6" fill="{colour}"/></pattern>"##
        );
        format!("url(#{id})")
    }

    /// The complete accessible `<svg>`: shown at most `max_width` CSS pixels wide, scaled down
    /// with the page below that.
    pub fn finish(self, id: &str, title: &str, desc: &str, max_width: f64) -> String {
        let Sketch {
            root,
            doc,
            width,
            height,
            ..
        } = self;
        drop(root);
        let doc = Rc::try_unwrap(doc)
            .map(RefCell::into_inner)
            .unwrap_or_else(|rc| std::mem::take(&mut rc.borrow_mut()));
        let id = escape(id);
        let mut out = String::with_capacity(doc.body.len() + doc.defs.len() + 800);
        let _ = write!(
            out,
            r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" width="100%" preserveAspectRatio="xMidYMid meet" style="max-width:{max}px;height:auto" role="img" aria-labelledby="{id}-title {id}-desc" font-family="{font}">"#,
            w = num(width),
            h = num(height),
            max = num(max_width),
            font = escape(FONT_STACK),
        );
        let _ = write!(
            out,
            r#"<title id="{id}-title">{}</title><desc id="{id}-desc">{}</desc>"#,
            escape(title),
            escape(desc)
        );
        if !doc.defs.is_empty() {
            let _ = write!(out, "<defs>{}</defs>", doc.defs);
        }
        out.push_str(&doc.body);
        out.push_str("</svg>");
        out
    }
}

/// Shorten `text` with "…" until it fits `max_width` (measured), keeping at least one character.
pub fn fit(fonts: &Fonts, text: &str, font: Font, max_width: f64) -> (String, bool) {
    if font.measure(fonts, text) <= max_width {
        return (text.to_string(), false);
    }
    let chars: Vec<char> = text.chars().collect();
    for keep in (1..chars.len()).rev() {
        let candidate: String = chars[..keep].iter().chain(std::iter::once(&'…')).collect();
        if font.measure(fonts, &candidate) <= max_width {
            return (candidate, true);
        }
    }
    (format!("{}…", chars.first().copied().unwrap_or(' ')), true)
}

/// Characters that may not begin a line (Japanese line-breaking rules, simplified).
const NO_LINE_START: &str =
    "、。，．・：；？！ー）」』】〕｝〉》%％ぁぃぅぇぉっゃゅょァィゥェォッャュョ";

/// Break `text` into lines no wider than `max_width` (measured): at a space when there is one
/// late enough in the line, otherwise between characters, never starting a line with a closing mark.
pub fn wrap(fonts: &Fonts, text: &str, font: Font, max_width: f64) -> Vec<String> {
    let chars: Vec<char> = text.chars().collect();
    let width = |a: usize, b: usize| font.measure(fonts, &chars[a..b].iter().collect::<String>());
    let mut lines = Vec::new();
    let mut start = 0;
    while start < chars.len() {
        let mut end = start + 1;
        while end < chars.len() && width(start, end + 1) <= max_width {
            end += 1;
        }
        if end < chars.len() {
            if let Some(space) = chars[start..end].iter().rposition(|c| *c == ' ')
                && space > 0
                && width(start, start + space) >= max_width * 0.5
            {
                end = start + space;
            }
            // Push a character down rather than start the next line with a closing mark.
            while end > start + 1 && NO_LINE_START.contains(chars[end]) {
                end -= 1;
            }
        }
        let line: String = chars[start..end].iter().collect();
        lines.push(line.trim().to_string());
        start = end;
        while start < chars.len() && chars[start] == ' ' {
            start += 1;
        }
    }
    lines
}
