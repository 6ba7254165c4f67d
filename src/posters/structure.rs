//! The logical structure of a poster, declared in its SVG template, and the
//! split of the filled-in SVG into pieces that are drawn one by one so that
//! each piece lands in the PDF as tagged content (or as an artifact).
//!
//! # How a template declares roles
//! An element with `data-tag="…"` is a structure element of the tagged PDF:
//! `H1`…`H6`, `P`, `Figure`, `Caption`, `Sect`, `Div`, `Part`, `L`, `LI`,
//! `Lbl`, `LBody`, `Note`. A `Figure` needs `data-alt="…"`, its alternative
//! text (write it from the data, e.g. `{{ chart_alt }}`). An element whose
//! descendants carry no `data-tag` is drawn as one piece of content of that
//! structure element: a `<text data-tag="P">` or a `<g data-tag="Figure">`
//! holding a whole chart. A `<g>` with tagged descendants groups them
//! (`Sect`, `L`, `LI`); its other children become artifacts. A `<g>` without
//! `data-tag` but with tagged descendants only passes its attributes
//! (transform, fill, font) on. Everything else (backgrounds, rules, bullets,
//! crop marks) is an artifact, which screen readers skip.
//!
//! Reading order is document order. `<defs>` and `<style>` at the top apply
//! to every piece; `href` references must point into them.

use resvg::usvg::roxmltree;

/// A structure role a template may give with `data-tag`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Role {
    /// Heading level 1..=6.
    H(u16),
    P,
    Figure,
    Caption,
    Sect,
    Div,
    Part,
    L,
    LI,
    Lbl,
    LBody,
    Note,
}

/// The values `data-tag` accepts, for messages.
pub(crate) const ROLE_NAMES: &str =
    "H1〜H6、P、Figure、Caption、Sect、Div、Part、L、LI、Lbl、LBody、Note";

impl Role {
    pub(crate) fn parse(name: &str) -> Option<Role> {
        Some(match name {
            "H1" => Role::H(1),
            "H2" => Role::H(2),
            "H3" => Role::H(3),
            "H4" => Role::H(4),
            "H5" => Role::H(5),
            "H6" => Role::H(6),
            "P" => Role::P,
            "Figure" => Role::Figure,
            "Caption" => Role::Caption,
            "Sect" => Role::Sect,
            "Div" => Role::Div,
            "Part" => Role::Part,
            "L" => Role::L,
            "LI" => Role::LI,
            "Lbl" => Role::Lbl,
            "LBody" => Role::LBody,
            "Note" => Role::Note,
            _ => return None,
        })
    }

    /// Figures are graphics with alternative text; the rest is text.
    pub(crate) fn is_figure(self) -> bool {
        self == Role::Figure
    }
}

/// A structure element: its role, alternative text (figures), the text it
/// holds (a heading's title) and its children in reading order.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Element {
    pub role: Role,
    pub alt: Option<String>,
    pub text: String,
    pub kids: Vec<Kid>,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Kid {
    Element(Element),
    /// The piece of content with this index in [`Split::pieces`].
    Content(usize),
}

/// One piece of the poster as a standalone SVG document: the root element,
/// the shared `<defs>`, the wrapper groups it sits in, and the elements.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Piece {
    pub svg: String,
    /// Drawn as an artifact (not part of the structure).
    pub artifact: bool,
}

/// A poster split into pieces (in drawing order) and its structure.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Split {
    pub pieces: Vec<Piece>,
    pub roots: Vec<Element>,
}

/// Split a filled-in poster SVG. Errors name the line of the SVG and what
/// is wrong, in Japanese.
pub(crate) fn split(svg: &str) -> Result<Split, String> {
    let options = roxmltree::ParsingOptions {
        allow_dtd: true,
        ..Default::default()
    };
    let doc = roxmltree::Document::parse_with_options(svg, options).map_err(|e| e.to_string())?;
    let root = doc.root_element();
    let root_open = open_tag(svg, root).ok_or("svg 要素が空です")?;
    let mut shared = String::new();
    collect_shared(svg, root, &mut shared);
    let mut splitter = Splitter {
        source: svg,
        doc: &doc,
        prefix: format!("{root_open}{shared}"),
        pieces: Vec::new(),
        pending: String::new(),
        pending_wrappers: Vec::new(),
    };
    let mut roots = Vec::new();
    splitter.walk(root, &mut Vec::new(), &mut roots)?;
    splitter.flush();
    let roots = roots
        .into_iter()
        .filter_map(|kid| match kid {
            Kid::Element(element) => Some(element),
            Kid::Content(_) => None,
        })
        .collect();
    Ok(Split {
        pieces: splitter.pieces,
        roots,
    })
}

struct Splitter<'a, 'input> {
    source: &'a str,
    doc: &'a roxmltree::Document<'input>,
    /// `<svg …>` and the shared definitions.
    prefix: String,
    pieces: Vec<Piece>,
    /// Untagged elements waiting to become one artifact piece …
    pending: String,
    /// … inside these wrappers.
    pending_wrappers: Vec<String>,
}

impl Splitter<'_, '_> {
    fn walk(
        &mut self,
        parent: roxmltree::Node,
        wrappers: &mut Vec<String>,
        out: &mut Vec<Kid>,
    ) -> Result<(), String>
    where
        Self: Sized,
    {
        for node in parent.children().filter(|n| n.is_element()) {
            let name = node.tag_name().name();
            if matches!(name, "defs" | "style" | "title" | "desc" | "metadata") {
                continue;
            }
            let tag = node.attribute("data-tag");
            let tagged_inside = node
                .descendants()
                .skip(1)
                .any(|d| d.has_attribute("data-tag"));
            match (tag, tagged_inside) {
                (None, false) => {
                    if self.pending_wrappers != *wrappers {
                        self.flush();
                        self.pending_wrappers = wrappers.clone();
                    }
                    self.pending.push_str(&self.source[node.range()]);
                }
                (None, true) => {
                    let open = self.wrapper(node)?;
                    wrappers.push(open);
                    self.walk(node, wrappers, out)?;
                    wrappers.pop();
                }
                (Some(tag), _) => {
                    let role = Role::parse(tag).ok_or_else(|| {
                        format!(
                            "{}: data-tag=\"{tag}\" は使えません（使えるのは {ROLE_NAMES}）",
                            self.position(node)
                        )
                    })?;
                    let alt = node
                        .attribute("data-alt")
                        .map(|a| a.trim().to_string())
                        .filter(|a| !a.is_empty());
                    if role.is_figure() && alt.is_none() {
                        return Err(format!(
                            "{}: data-tag=\"Figure\" の要素に代替テキスト（data-alt）がありません",
                            self.position(node)
                        ));
                    }
                    let text = text_of(node);
                    let mut element = Element {
                        role,
                        alt,
                        text,
                        kids: Vec::new(),
                    };
                    if tagged_inside {
                        let open = self.wrapper(node)?;
                        self.flush();
                        wrappers.push(open);
                        self.walk(node, wrappers, &mut element.kids)?;
                        wrappers.pop();
                        self.flush();
                        if element.kids.is_empty() {
                            continue;
                        }
                    } else {
                        if element.text.is_empty() && !draws_graphics(node) {
                            // Nothing to read and nothing to see (a value the site lacks).
                            continue;
                        }
                        if let Role::H(level) = role
                            && element.text.is_empty()
                        {
                            return Err(format!(
                                "{}: 見出し（H{level}）に文字がありません",
                                self.position(node)
                            ));
                        }
                        self.flush();
                        element.kids.push(Kid::Content(self.pieces.len()));
                        let piece = self.document(wrappers, &self.source[node.range()]);
                        self.pieces.push(Piece {
                            svg: piece,
                            artifact: false,
                        });
                    }
                    out.push(Kid::Element(element));
                }
            }
        }
        Ok(())
    }

    /// The start tag of a `<g>` that passes its attributes on to tagged
    /// content inside it.
    fn wrapper(&self, node: roxmltree::Node) -> Result<String, String> {
        if node.tag_name().name() != "g" {
            return Err(format!(
                "{}: data-tag のある要素を入れられるのは g 要素だけです（<{}> の中にあります）",
                self.position(node),
                node.tag_name().name()
            ));
        }
        Ok(open_tag(self.source, node)
            .map(str::to_string)
            .unwrap_or_default())
    }

    fn flush(&mut self) {
        if self.pending.is_empty() {
            return;
        }
        let body = std::mem::take(&mut self.pending);
        let wrappers = std::mem::take(&mut self.pending_wrappers);
        let svg = self.document(&wrappers, &body);
        self.pieces.push(Piece {
            svg,
            artifact: true,
        });
    }

    fn document(&self, wrappers: &[String], body: &str) -> String {
        let mut svg = String::with_capacity(self.prefix.len() + body.len() + 64);
        svg.push_str(&self.prefix);
        for open in wrappers {
            svg.push_str(open);
        }
        svg.push_str(body);
        for _ in wrappers {
            svg.push_str("</g>");
        }
        svg.push_str("</svg>");
        svg
    }

    fn position(&self, node: roxmltree::Node) -> String {
        let pos = self.doc.text_pos_at(node.range().start);
        format!("出力の {} 行 {} 列", pos.row, pos.col)
    }
}

/// The start tag of an element with children, as written in the source.
fn open_tag<'a>(source: &'a str, node: roxmltree::Node) -> Option<&'a str> {
    let first = node.first_child()?;
    Some(&source[node.range().start..first.range().start])
}

/// `<defs>` and `<style>` of the root and of wrapper groups: every piece gets them.
fn collect_shared(source: &str, node: roxmltree::Node, out: &mut String) {
    for child in node.children().filter(|n| n.is_element()) {
        match child.tag_name().name() {
            "defs" | "style" => out.push_str(&source[child.range()]),
            "g" if !child.has_attribute("data-tag") => collect_shared(source, child, out),
            _ => {}
        }
    }
}

/// The text an element shows: its `<text>` elements, each trimmed, joined by a space.
fn text_of(node: roxmltree::Node) -> String {
    let mut parts: Vec<String> = Vec::new();
    let texts = node
        .descendants()
        .filter(|d| d.is_element() && d.tag_name().name() == "text");
    for text in texts {
        let mut s = String::new();
        for d in text.descendants().filter(|d| d.is_text()) {
            let inside_meta = d
                .ancestors()
                .any(|a| matches!(a.tag_name().name(), "title" | "desc"));
            if !inside_meta {
                s.push_str(d.text().unwrap_or(""));
            }
        }
        let s = s.split_whitespace().collect::<Vec<_>>().join(" ");
        if !s.is_empty() {
            parts.push(s);
        }
    }
    parts.join(" ")
}

/// Whether an element draws shapes or images (not only text).
fn draws_graphics(node: roxmltree::Node) -> bool {
    node.descendants().any(|d| {
        matches!(
            d.tag_name().name(),
            "path"
                | "rect"
                | "circle"
                | "ellipse"
                | "line"
                | "polyline"
                | "polygon"
                | "image"
                | "use"
        )
    })
}

/// A problem in a template's source: 1-based line and column, and the message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SourceProblem {
    pub line: usize,
    pub column: usize,
    pub message: String,
}

/// Check the `data-tag` attributes of a template's source (before Tera
/// runs): unknown roles, and figures without `data-alt`. Values written with
/// Tera markup are checked when the poster is made.
pub(crate) fn check_source(source: &str) -> Vec<SourceProblem> {
    let mut found = Vec::new();
    let needle = "data-tag=";
    let mut from = 0;
    while let Some(pos) = source[from..].find(needle) {
        let start = from + pos;
        from = start + needle.len();
        let rest = &source[from..];
        let Some(quote) = rest.chars().next().filter(|c| *c == '"' || *c == '\'') else {
            continue;
        };
        let value = &rest[1..];
        let value = &value[..value.find(quote).unwrap_or(value.len())];
        if value.contains("{{") || value.contains("{%") {
            continue;
        }
        let (line, column) = super::fontcheck::line_col(source, start);
        let Some(role) = Role::parse(value) else {
            found.push(SourceProblem {
                line,
                column,
                message: format!("data-tag=\"{value}\" は使えません（使えるのは {ROLE_NAMES}）"),
            });
            continue;
        };
        if role.is_figure() {
            // The start tag around the attribute.
            let tag_start = source[..start].rfind('<').unwrap_or(0);
            let tag_end = source[start..]
                .find('>')
                .map_or(source.len(), |p| start + p);
            if !source[tag_start..tag_end].contains("data-alt=") {
                found.push(SourceProblem {
                    line,
                    column,
                    message: "data-tag=\"Figure\" の要素に代替テキスト（data-alt）がありません"
                        .to_string(),
                });
            }
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    const SVG: &str = concat!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"10mm\" height=\"10mm\" viewBox=\"0 0 10 10\">",
        "<title>t</title><defs><linearGradient id=\"g\"/></defs>",
        "<g transform=\"scale(2)\">",
        "<rect width=\"10\" height=\"10\" fill=\"#fff\"/>",
        "<rect width=\"10\" height=\"2\" fill=\"#00f\"/>",
        "<g data-tag=\"H1\"><text>静岡市</text> <text>介護事業所のみなさまへ</text></g>",
        "<g data-tag=\"Sect\"><rect width=\"1\" height=\"1\"/>",
        "<text data-tag=\"P\">利用率 7.8%</text>",
        "<g data-tag=\"Figure\" data-alt=\"横棒グラフ\"><rect width=\"3\" height=\"1\"/><text>静岡市</text></g>",
        "<text data-tag=\"P\"></text>",
        "</g>",
        "</g></svg>"
    );

    #[test]
    fn splits_into_artifacts_and_tagged_pieces_in_reading_order() {
        let split = split(SVG).unwrap();
        let kinds: Vec<bool> = split.pieces.iter().map(|p| p.artifact).collect();
        // Backgrounds; H1; the Sect's own rect; P; Figure. The empty P is left out.
        assert_eq!(kinds, vec![true, false, true, false, false]);
        for piece in &split.pieces {
            assert!(piece.svg.starts_with("<svg xmlns="), "{}", piece.svg);
            assert!(
                piece
                    .svg
                    .contains("<defs><linearGradient id=\"g\"/></defs>")
            );
            assert!(piece.svg.contains("<g transform=\"scale(2)\">"));
            assert!(piece.svg.ends_with("</svg>"));
            assert!(!piece.svg.contains("<title>"));
        }
        assert!(split.pieces[0].svg.contains("fill=\"#00f\""));
        assert!(split.pieces[3].svg.contains("利用率 7.8%"));
        assert!(!split.pieces[3].svg.contains("横棒グラフ"));

        assert_eq!(split.roots.len(), 2);
        let h1 = &split.roots[0];
        assert_eq!(h1.role, Role::H(1));
        assert_eq!(h1.text, "静岡市 介護事業所のみなさまへ");
        assert_eq!(h1.kids, vec![Kid::Content(1)], "a leaf holds its content");
        let sect = &split.roots[1];
        assert_eq!(sect.role, Role::Sect);
        let kids: Vec<&Element> = sect
            .kids
            .iter()
            .map(|k| match k {
                Kid::Element(e) => e,
                Kid::Content(_) => panic!("a Sect's own drawing is an artifact"),
            })
            .collect();
        assert_eq!(kids[0].role, Role::P);
        assert_eq!(kids[0].kids, vec![Kid::Content(3)]);
        assert_eq!(kids[1].role, Role::Figure);
        assert_eq!(kids[1].alt.as_deref(), Some("横棒グラフ"));
        assert_eq!(kids[1].kids, vec![Kid::Content(4)]);
        assert_eq!(kids.len(), 2);
    }

    #[test]
    fn a_figure_without_alt_or_an_unknown_role_is_an_error_with_its_line() {
        let no_alt = SVG.replace(" data-alt=\"横棒グラフ\"", "");
        let e = split(&no_alt).unwrap_err();
        assert!(e.contains("data-alt") && e.contains("1 行"), "{e}");
        let unknown = SVG.replace("data-tag=\"Sect\"", "data-tag=\"Section\"");
        let e = split(&unknown).unwrap_err();
        assert!(e.contains("Section"), "{e}");
        let in_text = SVG.replace(
            "<text data-tag=\"P\">利用率 7.8%</text>",
            "<text>a<tspan data-tag=\"P\">b</tspan></text>",
        );
        let e = split(&in_text).unwrap_err();
        assert!(e.contains("g 要素だけ"), "{e}");
    }

    #[test]
    fn source_check_finds_unknown_roles_and_figures_without_alt() {
        let source = "<svg>\n<g data-tag=\"Figure\">\n</g>\n  <text data-tag=\"Para\">x</text>\n<g data-tag=\"Figure\" data-alt=\"{{ chart_alt }}\"></g><text data-tag=\"{{ role }}\">y</text></svg>";
        let found = check_source(source);
        let lines: Vec<(usize, usize)> = found.iter().map(|p| (p.line, p.column)).collect();
        assert_eq!(lines, vec![(2, 4), (4, 9)]);
        assert!(found[0].message.contains("data-alt"));
        assert!(found[1].message.contains("Para"));
    }
}
