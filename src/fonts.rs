//! The bundled fonts, loaded once per build and shared by charts (text
//! measurement), OGP images and posters (PNG and PDF). Only the theme's
//! fonts are loaded, never the system's, so output is the same everywhere.

use std::path::Path;
use std::sync::Arc;

use resvg::usvg::fontdb;

use crate::problems::{Code, Location, Problems};

/// Font data and a font database ready for usvg.
pub struct Fonts {
    db: Arc<fontdb::Database>,
    /// (family, bold, file bytes) of every loaded face, for measuring text.
    faces: Vec<(String, bool, Arc<Vec<u8>>)>,
    /// Hash of every loaded font file: output rendered with other fonts is never reused.
    pub fingerprint: u64,
}

/// The family used for body text in charts when a template names none.
pub const DEFAULT_FAMILY: &str = "BIZ UDPGothic";

impl Fonts {
    /// Load every `.ttf`/`.otf` in `dir` (the theme's `fonts/`).
    pub fn load(dir: &Path, problems: &mut Problems) -> Fonts {
        let mut db = fontdb::Database::new();
        let mut faces = Vec::new();
        let mut paths: Vec<_> = std::fs::read_dir(dir)
            .map(|rd| rd.filter_map(|e| e.ok().map(|e| e.path())).collect())
            .unwrap_or_default();
        paths.sort();
        for path in paths {
            let is_font = path
                .extension()
                .is_some_and(|e| e.eq_ignore_ascii_case("ttf") || e.eq_ignore_ascii_case("otf"));
            if !is_font {
                continue;
            }
            let bytes = match std::fs::read(&path) {
                Ok(b) => Arc::new(b),
                Err(e) => {
                    problems.error(
                        Code::FileUnreadable,
                        Location::file(&path),
                        format!("フォントを読めません: {e}"),
                        "ファイルの権限を確認してください",
                    );
                    continue;
                }
            };
            let Ok(face) = ttf_parser::Face::parse(&bytes, 0) else {
                problems.error(
                    Code::FontInvalid,
                    Location::file(&path),
                    "フォントとして読めません",
                    "TrueType か OpenType のフォントファイルを置いてください",
                );
                continue;
            };
            let family = face
                .names()
                .into_iter()
                .filter(|n| n.name_id == ttf_parser::name_id::FAMILY && n.is_unicode())
                .find_map(|n| n.to_string())
                .unwrap_or_default();
            let bold = face.is_bold();
            faces.push((family, bold, bytes.clone()));
            db.load_font_source(fontdb::Source::Binary(bytes));
        }
        if faces.is_empty() {
            problems.error(
                Code::FontMissing,
                Location::file(dir),
                "フォントが1つもありません",
                "テーマの fonts フォルダに BIZ UDPGothic などのフォントを置いてください",
            );
        }
        // Generic families resolve to the bundled UD gothic, not to a system font.
        if let Some((family, _, _)) = faces
            .iter()
            .find(|(f, _, _)| f == DEFAULT_FAMILY)
            .or(faces.first())
        {
            db.set_sans_serif_family(family.clone());
            db.set_serif_family(family.clone());
            db.set_monospace_family(family.clone());
        }
        let mut hasher = twox_hash::XxHash3_64::with_seed(0);
        for (_, _, bytes) in &faces {
            std::hash::Hasher::write(&mut hasher, bytes);
        }
        Fonts {
            db: Arc::new(db),
            fingerprint: std::hash::Hasher::finish(&hasher),
            faces,
        }
    }

    pub fn database(&self) -> Arc<fontdb::Database> {
        self.db.clone()
    }

    /// Whether a family name (as written in an SVG `font-family`) resolves to a loaded face.
    pub fn has_family(&self, family: &str) -> bool {
        let family = family.trim().trim_matches(['"', '\'']);
        matches!(family, "sans-serif" | "serif" | "monospace")
            || self.faces.iter().any(|(f, _, _)| f == family)
    }

    pub fn families(&self) -> Vec<String> {
        let mut families: Vec<String> = self.faces.iter().map(|(f, _, _)| f.clone()).collect();
        families.sort();
        families.dedup();
        families
    }

    /// Width in pixels of `text` set in `family` at `size` px, from the font's advances.
    pub fn measure(&self, text: &str, family: &str, size: f64, bold: bool) -> f64 {
        let face = self
            .faces
            .iter()
            .find(|(f, b, _)| f == family && *b == bold)
            .or_else(|| self.faces.iter().find(|(f, _, _)| f == family))
            .or_else(|| self.faces.first());
        let Some((_, _, bytes)) = face else {
            // No fonts loaded (already reported): assume full-width glyphs.
            return text.chars().count() as f64 * size;
        };
        let face = ttf_parser::Face::parse(bytes, 0).expect("parsed when loaded");
        let units = f64::from(face.units_per_em());
        let advance: f64 = text
            .chars()
            .map(|c| {
                face.glyph_index(c)
                    .and_then(|g| face.glyph_hor_advance(g))
                    .map(f64::from)
                    .unwrap_or(units)
            })
            .sum();
        advance / units * size
    }

    /// Ascent and descent of `family` (regular) as fractions of the em, both positive: where
    /// the baseline sits in a line of text. (0.88, 0.12) when no font is loaded.
    pub fn vertical_metrics(&self, family: &str) -> (f64, f64) {
        let face = self
            .faces
            .iter()
            .find(|(f, b, _)| f == family && !*b)
            .or_else(|| self.faces.first());
        let Some(face) = face.and_then(|(_, _, bytes)| ttf_parser::Face::parse(bytes, 0).ok())
        else {
            return (0.88, 0.12);
        };
        let units = f64::from(face.units_per_em());
        (
            f64::from(face.ascender()) / units,
            -f64::from(face.descender()) / units,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fonts() -> Fonts {
        let mut problems = Problems::new();
        let fonts = Fonts::load(
            &Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default/fonts"),
            &mut problems,
        );
        assert!(problems.is_empty(), "{:?}", problems.sorted());
        fonts
    }

    #[test]
    fn loads_the_bundled_ud_gothic_families() {
        let fonts = fonts();
        assert_eq!(fonts.families(), vec!["BIZ UDGothic", "BIZ UDPGothic"]);
        assert!(fonts.has_family("BIZ UDPGothic"));
        assert!(fonts.has_family("'BIZ UDGothic'"));
        assert!(!fonts.has_family("Arial"));
    }

    #[test]
    fn measures_proportional_text_with_real_advances() {
        let fonts = fonts();
        // Fixed-width UD Gothic: every kanji is one em.
        let fixed = fonts.measure("静岡市", "BIZ UDGothic", 10.0, false);
        assert!((fixed - 30.0).abs() < 0.01, "{fixed}");
        // Proportional: "1" is narrower than a kanji, and "いちき串木野市" is wider than "静岡市".
        let one = fonts.measure("1", "BIZ UDPGothic", 10.0, false);
        assert!(one < 8.0, "{one}");
        assert!(
            fonts.measure("いちき串木野市", "BIZ UDPGothic", 10.0, false)
                > fonts.measure("静岡市", "BIZ UDPGothic", 10.0, false)
        );
    }
}
