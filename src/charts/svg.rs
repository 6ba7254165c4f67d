//! A tiny SVG writer: every chart draws through it so that numbers are
//! formatted the same way everywhere (deterministic bytes) and every piece
//! of text is escaped.

use std::fmt::Write as _;

use crate::fonts::{DEFAULT_FAMILY, Fonts};

/// Text colour on white and on light fills.
pub const INK: &str = "#1A1A1A";
/// Secondary text (tick labels, notes): still 4.5:1 or better on white.
pub const INK_SOFT: &str = "#333333";
/// Non-essential gridlines.
pub const GRID: &str = "#C8C8CB";

/// Horizontal anchoring of a text element.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Anchor {
    Start,
    Middle,
    End,
}

impl Anchor {
    fn as_str(self) -> &'static str {
        match self {
            Anchor::Start => "start",
            Anchor::Middle => "middle",
            Anchor::End => "end",
        }
    }
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

/// A coordinate with at most one decimal, without a trailing ".0".
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

/// Text style for [`Svg::text`].
#[derive(Debug, Clone, Copy)]
pub struct Style<'a> {
    pub size: f64,
    pub bold: bool,
    pub fill: &'a str,
    pub anchor: Anchor,
    /// Paint a white outline under the glyphs so lines crossing the text do not hurt legibility.
    pub halo: bool,
}

impl<'a> Style<'a> {
    pub fn new(size: f64) -> Self {
        Style {
            size,
            bold: false,
            fill: INK,
            anchor: Anchor::Start,
            halo: false,
        }
    }
    pub fn bold(mut self) -> Self {
        self.bold = true;
        self
    }
    pub fn fill(mut self, fill: &'a str) -> Self {
        self.fill = fill;
        self
    }
    pub fn anchor(mut self, anchor: Anchor) -> Self {
        self.anchor = anchor;
        self
    }
    pub fn halo(mut self) -> Self {
        self.halo = true;
        self
    }
}

/// Measure text as the charts set it (the bundled proportional UD gothic).
pub fn measure(fonts: &Fonts, text: &str, style: Style<'_>) -> f64 {
    fonts.measure(text, DEFAULT_FAMILY, style.size, style.bold)
}

/// The body of a chart under construction (everything inside `<svg>`).
#[derive(Debug, Default)]
pub struct Svg {
    pub defs: String,
    pub body: String,
}

impl Svg {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn raw(&mut self, s: &str) {
        self.body.push_str(s);
    }

    pub fn rect(&mut self, x: f64, y: f64, w: f64, h: f64, attrs: &str) {
        let _ = write!(
            self.body,
            r#"<rect x="{}" y="{}" width="{}" height="{}" {attrs}/>"#,
            num(x),
            num(y),
            num(w.max(0.0)),
            num(h.max(0.0))
        );
    }

    pub fn line(&mut self, x1: f64, y1: f64, x2: f64, y2: f64, attrs: &str) {
        let _ = write!(
            self.body,
            r#"<line x1="{}" y1="{}" x2="{}" y2="{}" {attrs}/>"#,
            num(x1),
            num(y1),
            num(x2),
            num(y2)
        );
    }

    pub fn circle(&mut self, cx: f64, cy: f64, r: f64, attrs: &str) {
        let _ = write!(
            self.body,
            r#"<circle cx="{}" cy="{}" r="{}" {attrs}/>"#,
            num(cx),
            num(cy),
            num(r)
        );
    }

    /// One line of text; `y` is the baseline.
    pub fn text(&mut self, x: f64, y: f64, text: &str, style: Style<'_>) {
        let _ = write!(
            self.body,
            r#"<text x="{}" y="{}" font-size="{}""#,
            num(x),
            num(y),
            num(style.size)
        );
        if style.bold {
            self.body.push_str(r#" font-weight="bold""#);
        }
        if style.anchor != Anchor::Start {
            let _ = write!(self.body, r#" text-anchor="{}""#, style.anchor.as_str());
        }
        let _ = write!(self.body, r#" fill="{}""#, style.fill);
        if style.halo {
            self.body
                .push_str(r##" stroke="#FFFFFF" stroke-width="3" stroke-linejoin="round" paint-order="stroke""##);
        }
        let _ = write!(self.body, ">{}</text>", escape(text));
    }

    /// A diagonal-stripe fill (for illustrative values) in `colour`, defined once per chart.
    pub fn hatch(&mut self, chart_id: &str, name: &str, colour: &str) -> String {
        let id = format!("{chart_id}-hatch-{name}");
        let _ = write!(
            self.defs,
            r##"<pattern id="{id}" patternUnits="userSpaceOnUse" width="6" height="6" patternTransform="rotate(45)"><rect width="6" height="6" fill="#FFFFFF"/><rect width="3" height="6" fill="{colour}"/></pattern>"##
        );
        format!("url(#{id})")
    }
}

/// Shorten `text` with "…" until it fits `max_width` (measured), keeping at least one character.
pub fn fit(fonts: &Fonts, text: &str, style: Style<'_>, max_width: f64) -> (String, bool) {
    if measure(fonts, text, style) <= max_width {
        return (text.to_string(), false);
    }
    let chars: Vec<char> = text.chars().collect();
    for keep in (1..chars.len()).rev() {
        let candidate: String = chars[..keep].iter().chain(std::iter::once(&'…')).collect();
        if measure(fonts, &candidate, style) <= max_width {
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
pub fn wrap(fonts: &Fonts, text: &str, style: Style<'_>, max_width: f64) -> Vec<String> {
    let chars: Vec<char> = text.chars().collect();
    let width = |a: usize, b: usize| measure(fonts, &chars[a..b].iter().collect::<String>(), style);
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
