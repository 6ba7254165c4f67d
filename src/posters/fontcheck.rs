//! Font families named in a poster template, checked against the loaded
//! fonts. usvg quietly substitutes (or drops) text whose family is missing, so
//! a typo in `font-family` would otherwise only show up on the printed poster.

use resvg::usvg;

use crate::fonts::Fonts;

/// A `font-family` value found in a template's source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct FamilyUse {
    /// 1-based line and column of the `font-family` name.
    pub line: usize,
    pub column: usize,
    pub family: String,
}

/// Every family in every `font-family` attribute, `style` attribute and
/// `<style>` rule of `source` that no loaded font provides. Values written
/// with Tera markup (`{{ … }}`) cannot be checked here; the rendered SVG is
/// checked again by [`unknown_families_in_tree`].
pub(crate) fn unknown_families(source: &str, fonts: &Fonts) -> Vec<FamilyUse> {
    let mut found = Vec::new();
    let needle = "font-family";
    let mut from = 0;
    while let Some(pos) = source[from..].find(needle) {
        let start = from + pos;
        from = start + needle.len();
        let rest = &source[from..];
        let trimmed = rest.trim_start();
        let Some(sep) = trimmed.chars().next() else {
            break;
        };
        let after_sep = &trimmed[sep.len_utf8()..];
        let value = match sep {
            // Attribute: font-family="…" or font-family='…'.
            '=' => {
                let value = after_sep.trim_start();
                let Some(quote) = value.chars().next().filter(|c| *c == '"' || *c == '\'') else {
                    continue;
                };
                let inner = &value[1..];
                let end = inner.find(quote).unwrap_or(inner.len());
                &inner[..end]
            }
            // CSS: font-family: …; (in a style attribute or a <style> element).
            ':' => {
                let end = after_sep
                    .find([';', '"', '}', '<', '\n'])
                    .unwrap_or(after_sep.len());
                &after_sep[..end]
            }
            _ => continue,
        };
        if value.contains("{{") || value.contains("{%") {
            continue;
        }
        let (line, column) = line_col(source, start);
        for family in value.split(',') {
            let family = family.trim().trim_matches(['"', '\'']).trim();
            if family.is_empty() || family.eq_ignore_ascii_case("inherit") {
                continue;
            }
            if !fonts.has_family(family) {
                found.push(FamilyUse {
                    line,
                    column,
                    family: family.to_string(),
                });
            }
        }
    }
    found
}

/// 1-based line and column (in characters) of a byte offset.
pub(crate) fn line_col(source: &str, offset: usize) -> (usize, usize) {
    let before = &source[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |p| p + 1);
    (line, before[line_start..].chars().count() + 1)
}

/// The first text in a parsed SVG whose font family no loaded font provides:
/// (family, the text).
pub(crate) fn unknown_families_in_tree(
    tree: &usvg::Tree,
    fonts: &Fonts,
) -> Option<(String, String)> {
    fn walk(group: &usvg::Group, fonts: &Fonts) -> Option<(String, String)> {
        for node in group.children() {
            match node {
                usvg::Node::Group(g) => {
                    if let Some(found) = walk(g, fonts) {
                        return Some(found);
                    }
                }
                usvg::Node::Text(text) => {
                    for chunk in text.chunks() {
                        for span in chunk.spans() {
                            for family in span.font().families() {
                                let ok = match family {
                                    usvg::FontFamily::Named(name) => fonts.has_family(name),
                                    usvg::FontFamily::SansSerif
                                    | usvg::FontFamily::Serif
                                    | usvg::FontFamily::Monospace => true,
                                    usvg::FontFamily::Cursive | usvg::FontFamily::Fantasy => false,
                                };
                                if !ok {
                                    return Some((family.to_string(), chunk.text().to_string()));
                                }
                            }
                        }
                    }
                }
                usvg::Node::Path(_) | usvg::Node::Image(_) => {}
            }
        }
        None
    }
    walk(tree.root(), fonts)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_line_and_column_of_unknown_families() {
        let mut problems = crate::problems::Problems::new();
        let fonts = Fonts::load(
            &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default/fonts"),
            &mut problems,
        );
        let source = "<svg>\n<text font-family=\"BIZ UDPGothic\">a</text>\n  <text font-family='Arial, sans-serif'>b</text>\n<text style=\"font-weight:bold; font-family: 'Meiryo'\">c</text>\n<style>text { font-family: BIZ UDGothic, Comic Sans }</style>\n<text font-family=\"{{ family }}\">d</text></svg>";
        let found = unknown_families(source, &fonts);
        let names: Vec<_> = found.iter().map(|f| (f.line, f.family.as_str())).collect();
        assert_eq!(names, vec![(3, "Arial"), (4, "Meiryo"), (5, "Comic Sans")]);
        assert_eq!(found[0].column, 9);
    }
}
