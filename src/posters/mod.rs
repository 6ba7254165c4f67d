//! Print-ready posters: SVG templates (Tera markup) in the theme's `posters/`
//! folder, filled with a site's figures, turned into a tagged PDF (PDF/UA-1
//! and PDF/A-2a, Japanese fonts embedded, text stays text) and a PNG preview.
//!
//! # Template contract
//! A poster template is one SVG file, `themes/<theme>/posters/<design>.svg`.
//! Its root element must take the sheet size and view box from the context:
//!
//! ```text
//! <svg xmlns="http://www.w3.org/2000/svg" width="{{ page.sheet_width_mm }}mm"
//!      height="{{ page.sheet_height_mm }}mm" viewBox="{{ page.viewbox }}">
//! ```
//!
//! The view box is in millimetres with (0, 0) at the top left of the trim,
//! whatever the bleed. Templates lay out in *design units*: inside
//! `<g transform="scale({{ page.scale }})">` the trim is `page.w` (always 210)
//! by `page.h` (about 297) units, so one layout serves A4, A3, B3 and B2; on
//! A4 one unit is 1 mm, so text for reading is at least 2.5 units (7 pt).
//! `page.x0`, `page.y0`, `page.full_w`, `page.full_h` give the bleed box in
//! design units: backgrounds that touch an edge must cover it. Keep text at
//! least 5 units inside the trim. Crop marks are added by Rust.
//!
//! The PDF is tagged from roles the template declares with `data-tag`
//! (`H1`, `P`, `Figure` with `data-alt`, `Sect`, `L`/`LI`/`LBody`…; see
//! `structure`): reading order is document order, untagged drawing is an
//! artifact, and a template needs at least one role. Alternative texts come from the data: `chart_alt` describes the
//! comparison chart, `qr.alt` the QR code and where it leads.
//!
//! The function `fit_text(text=…, width=…, max=…, bold=true|false,
//! family="BIZ UDPGothic")` returns the largest font size, at most `max`, at
//! which `text` fits in `width` (measured with the bundled fonts),
//! `text_width(text=…, size=…, bold=…, family=…)` the width of a text, and
//! `wrap_text(text=…, width=…, size=…)` the text broken into lines that fit
//! (a URL breaks after `/` or `.`). The QR code (`qr.path`, `qr.size` modules
//! including the quiet zone, `qr.text` the URL, `qr.own` false when it leads
//! to the national site because the site has no URL of its own) is present
//! only when the site or the national site has a URL. `has_local_contact`
//! tells whether the site has any contact field of its own.

mod fontcheck;
mod job;
mod pdf;
pub mod qr;
pub(crate) mod structure;

pub use job::PosterJob;
pub use pdf::PageArt;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;
use resvg::usvg;
use tera::{Context, Kwargs, State, Tera, Value};

use crate::config::{A4, PaperSize};
use crate::templates;

use crate::fonts::{DEFAULT_FAMILY, Fonts};
use crate::problems::{Code, Location, Problems};

/// What a poster says about one site.
#[derive(Debug, Clone, serde::Serialize)]
pub struct PosterInput {
    /// "national" | "prefecture" | "municipality"
    pub site_kind: String,
    /// 静岡市
    pub name: String,
    /// 静岡県静岡市
    pub full_name: String,
    /// The site's office rate, 0–1 (templates: `{{ headline_rate | percent }}`).
    pub headline_rate: Option<f64>,
    /// Offices counted, and offices using the system (`| thousands`).
    pub offices: Option<u64>,
    pub using: Option<u64>,
    /// The snapshot date of the headline (`| date_ja`).
    pub date: Option<jiff::civil::Date>,
    /// Some figure the poster prints is illustrative (sample) data.
    pub illustrative: bool,
    /// The poster's own disclaimer, written from the snapshots of the
    /// figures it prints: 「※このポスターの数値（2025年11月4日時点）は、すべて
    /// 説明用の架空データ（サンプル）です。」 `None` when none is illustrative.
    pub sample_notice: Option<String>,
    /// The comparison chart's reference line, 0–1 (市区町村の目標's share).
    pub target: f64,
    /// Its label: 「市区町村の目標 30%」, or 「利用率30%」 where the bars are
    /// prefecture and national rates, which no office-rate goal is set on.
    pub target_label: String,
    /// The goal this poster's `kpi_text` counts against, defined:
    /// 「市区町村の目標: 事業所の30%が利用」.
    pub goal_text: String,
    /// e.g. 市区町村の目標（30%）まで、あと1,234事業所
    pub kpi_text: Option<String>,
    /// Up to 3 bars.
    pub comparison: Vec<PosterBar>,
    pub helpdesk_name: String,
    pub helpdesk_phone: String,
    pub helpdesk_hours: String,
    pub local_department: Option<String>,
    pub local_phone: Option<String>,
    pub local_email: Option<String>,
    pub local_address: Option<String>,
    pub local_hours: Option<String>,
    /// The site's public URL, the QR code's target.
    pub url: Option<String>,
    /// The national site's URL: the QR code's target when the site has none.
    pub national_url: Option<String>,
    /// The national site's title, named when the QR code leads there.
    pub national_title: String,
}

/// One bar of a poster's comparison chart.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct PosterBar {
    pub label: String,
    /// 0–1.
    pub rate: f64,
    pub illustrative: bool,
}

impl PosterInput {
    /// Whether the site has any contact detail of its own.
    pub fn has_local_contact(&self) -> bool {
        [
            &self.local_department,
            &self.local_phone,
            &self.local_email,
            &self.local_address,
            &self.local_hours,
        ]
        .iter()
        .any(|f| f.as_deref().is_some_and(|v| !v.trim().is_empty()))
    }
}

/// Bleed on every side of the trim when printing with marks.
pub const BLEED_MM: f64 = 3.0;
/// Blank sheet around the bleed that holds the crop marks.
pub const SLUG_MM: f64 = 10.0;
/// Width of the trim in template design units.
pub const DESIGN_WIDTH: f64 = 210.0;
/// Height in pixels of the PNG preview (the trimmed poster).
pub const PREVIEW_HEIGHT_PX: u32 = 1240;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PrintOptions {
    /// 3 mm bleed, crop marks (トンボ) outside the trim, TrimBox and BleedBox.
    pub bleed_and_marks: bool,
}

/// One rendered poster.
pub struct Poster {
    /// The filled-in template, crop marks included.
    pub svg: String,
    pub pdf: Vec<u8>,
    /// Preview of the trimmed poster, [`PREVIEW_HEIGHT_PX`] tall.
    pub png: Vec<u8>,
}

#[derive(Debug, thiserror::Error)]
pub enum PosterError {
    #[error("ポスターのデザイン「{design}」がありません（使えるデザイン: {available}）")]
    UnknownDesign { design: String, available: String },
    #[error("ポスターのテンプレート {template}{}: {message}", place(*.line, *.column))]
    Template {
        template: String,
        /// 1-based, when Tera knows it.
        line: Option<usize>,
        column: Option<usize>,
        message: String,
    },
    #[error(
        "ポスターのテンプレート {template} から作った SVG が正しくありません（出力の {line} 行 {column} 列）: {message}"
    )]
    Svg {
        template: String,
        line: u32,
        column: u32,
        message: String,
    },
    #[error(
        "ポスターのテンプレート {template} の大きさが用紙と合いません: ルートの svg 要素は width=\"{{{{ page.sheet_width_mm }}}}mm\" height=\"{{{{ page.sheet_height_mm }}}}mm\" viewBox=\"{{{{ page.viewbox }}}}\" にしてください"
    )]
    PageSize { template: String },
    #[error(
        "ポスターのテンプレート {template} のフォント「{family}」は読み込んだフォントにありません（文字「{text}」）。BIZ UDPGothic か BIZ UDGothic を使ってください"
    )]
    MissingFont {
        template: String,
        family: String,
        text: String,
    },
    #[error("ポスターのテンプレート {template} の文書構造（data-tag）の誤り: {message}")]
    Structure { template: String, message: String },
    #[error("ポスター（{template}）の URL が長すぎて QR コードにできません: {url}")]
    Qr { template: String, url: String },
    #[error("ポスター（{template}）を PDF にできません: {message}")]
    Pdf { template: String, message: String },
    #[error("ポスター（{template}）の PNG を作れません")]
    Png { template: String },
}

/// ` の 3 行 5 列` of a template error, or nothing when Tera gave no line.
fn place(line: Option<usize>, column: Option<usize>) -> String {
    match (line, column) {
        (Some(line), Some(column)) => format!(" の {line} 行 {column} 列"),
        (Some(line), None) => format!(" の {line} 行"),
        (None, _) => String::new(),
    }
}

/// The trim, bleed and slug of one sheet, in millimetres, and the template's
/// design units. Passed to templates as `page`.
#[derive(Debug, Clone, serde::Serialize)]
pub(crate) struct Sheet {
    paper: &'static str,
    width_mm: f64,
    height_mm: f64,
    bleed_mm: f64,
    slug_mm: f64,
    sheet_width_mm: f64,
    sheet_height_mm: f64,
    /// `viewBox` of the root element: millimetres, origin at the trim's top left.
    viewbox: String,
    /// Millimetres per design unit.
    scale: f64,
    /// Trim in design units.
    w: f64,
    h: f64,
    /// Bleed in design units, and the bleed box.
    bleed: f64,
    x0: f64,
    y0: f64,
    full_w: f64,
    full_h: f64,
    marks: bool,
}

impl Sheet {
    fn new(size: PaperSize, print: &PrintOptions) -> Sheet {
        let (bleed_mm, slug_mm) = if print.bleed_and_marks {
            (BLEED_MM, SLUG_MM)
        } else {
            (0.0, 0.0)
        };
        let outer = bleed_mm + slug_mm;
        let sheet_width_mm = size.width_mm + 2.0 * outer;
        let sheet_height_mm = size.height_mm + 2.0 * outer;
        let scale = size.width_mm / DESIGN_WIDTH;
        let w = DESIGN_WIDTH;
        let h = round2(size.height_mm / scale);
        let bleed = round2(bleed_mm / scale);
        Sheet {
            paper: size.name,
            width_mm: size.width_mm,
            height_mm: size.height_mm,
            bleed_mm,
            slug_mm,
            sheet_width_mm,
            sheet_height_mm,
            viewbox: format!(
                "{0} {0} {1} {2}",
                0.0 - outer,
                sheet_width_mm,
                sheet_height_mm
            ),
            scale,
            w,
            h,
            bleed,
            x0: -bleed,
            y0: -bleed,
            full_w: w + 2.0 * bleed,
            full_h: h + 2.0 * bleed,
            marks: print.bleed_and_marks,
        }
    }

    /// Crop marks (トンボ) in the view box's millimetres: at each corner an
    /// L at the bleed corner and the trim lines extended, plus centre marks;
    /// all outside the bleed, 0.1 mm black lines.
    fn crop_marks(&self) -> String {
        let (w, h, b) = (self.width_mm, self.height_mm, self.bleed_mm);
        let reach = b + self.slug_mm - 1.0;
        let mut d = String::new();
        let mut line = |x1: f64, y1: f64, x2: f64, y2: f64| {
            d.push_str(&format!("M{x1} {y1}L{x2} {y2}"));
        };
        for (cx, sx) in [(0.0, -1.0), (w, 1.0)] {
            for (cy, sy) in [(0.0, -1.0), (h, 1.0)] {
                // Trim lines, extended outward beyond the bleed.
                line(cx, cy + sy * b, cx, cy + sy * reach);
                line(cx + sx * b, cy, cx + sx * reach, cy);
                // The bleed corner, as an L.
                line(cx + sx * b, cy + sy * b, cx + sx * b, cy + sy * reach);
                line(cx + sx * b, cy + sy * b, cx + sx * reach, cy + sy * b);
            }
        }
        let mid = b + self.slug_mm / 2.0;
        for (cy, sy) in [(0.0, -1.0), (h, 1.0)] {
            line(w / 2.0, cy + sy * b, w / 2.0, cy + sy * reach);
            line(w / 2.0 - 5.0, cy + sy * mid, w / 2.0 + 5.0, cy + sy * mid);
        }
        for (cx, sx) in [(0.0, -1.0), (w, 1.0)] {
            line(cx + sx * b, h / 2.0, cx + sx * reach, h / 2.0);
            line(cx + sx * mid, h / 2.0 - 5.0, cx + sx * mid, h / 2.0 + 5.0);
        }
        format!(
            "<path id=\"crop-marks\" fill=\"none\" stroke=\"#000000\" stroke-width=\"0.1\" d=\"{d}\"/>"
        )
    }
}

fn round2(v: f64) -> f64 {
    (v * 100.0).round() / 100.0
}

/// One bar of the comparison chart, as passed to templates in `bars`.
#[derive(Debug, Clone, serde::Serialize)]
struct Bar {
    label: String,
    /// The rate, 0..1.
    rate: f64,
    /// "7.8%" (「7.8%（サンプル）」 for an illustrative value)
    text: String,
    /// Bar length as a share of the chart's axis (0..1).
    axis: f64,
}

/// The loaded poster templates. `Sync`: render from many threads at once.
pub struct PosterSet {
    dir: PathBuf,
    tera: Tera,
    designs: Vec<String>,
    fonts: Arc<Fonts>,
}

impl PosterSet {
    /// Load every `*.svg` in `theme_dir/posters/` as a Tera template (design
    /// name = file stem). Takes the build's shared fonts (`Arc<Fonts>`), used
    /// for measuring text and for usvg. Syntax errors and font families that
    /// no loaded font provides are collected in `problems` with the template
    /// and line; any such error gives `None`.
    pub fn load(theme_dir: &Path, fonts: Arc<Fonts>, problems: &mut Problems) -> Option<PosterSet> {
        let dir = theme_dir.join("posters");
        let errors_before = problems.error_count();
        let mut paths: Vec<PathBuf> = match std::fs::read_dir(&dir) {
            Ok(rd) => rd
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| {
                    p.is_file() && p.extension().is_some_and(|e| e.eq_ignore_ascii_case("svg"))
                })
                .collect(),
            Err(_) => {
                problems.error(
                    Code::PosterNoTemplates,
                    Location::file(&dir),
                    "ポスターのテンプレートフォルダがありません",
                    "テーマに posters フォルダを作り、SVG のポスターテンプレート（standard.svg など）を置いてください",
                );
                return None;
            }
        };
        paths.sort();

        let mut sources: Vec<(String, String)> = Vec::new();
        for path in &paths {
            let name = path
                .file_name()
                .expect("a file")
                .to_string_lossy()
                .into_owned();
            let text = match std::fs::read_to_string(path) {
                Ok(text) => text,
                Err(e) => {
                    problems.error(
                        Code::FileUnreadable,
                        Location::file(path),
                        format!("ポスターのテンプレートを読めません: {e}"),
                        "UTF-8 で保存してください",
                    );
                    continue;
                }
            };
            for found in fontcheck::unknown_families(&text, &fonts) {
                problems.error(
                    Code::PosterUnknownFont,
                    Location::at(path, found.line, found.column),
                    format!(
                        "フォント「{}」は読み込んだフォントにありません（このままでは文字が別のフォントになるか、消えます）",
                        found.family
                    ),
                    format!(
                        "font-family には {} のどれかを書いてください（太字は font-weight=\"bold\"）",
                        fonts.families().join("、")
                    ),
                );
            }
            for found in structure::check_source(&text) {
                problems.error(
                    Code::PosterStructure,
                    Location::at(path, found.line, found.column),
                    found.message,
                    format!(
                        "data-tag には {} のどれかを、Figure には data-alt（図の内容を文章で）も書いてください",
                        structure::ROLE_NAMES
                    ),
                );
            }
            sources.push((name, text));
        }
        if sources.is_empty() && problems.error_count() == errors_before {
            problems.error(
                Code::PosterNoTemplates,
                Location::file(&dir),
                "ポスターのテンプレート（.svg）が1つもありません",
                "standard.svg などのポスターテンプレートを置いてください",
            );
        }

        let mut tera = templates::engine(&[".svg"]);
        register_functions(&mut tera, fonts.clone());
        templates::compile(&mut tera, &mut sources, |p| {
            problems.error(
                Code::PosterTemplate,
                Location::new(dir.join(&p.template), p.line, p.column),
                format!("ポスターの{}", p.message),
                p.hint,
            )
        });
        if problems.error_count() > errors_before {
            return None;
        }
        let mut designs: Vec<String> = sources
            .iter()
            .map(|(n, _)| n.strip_suffix(".svg").unwrap_or(n).to_string())
            .collect();
        designs.sort();
        Some(PosterSet {
            dir,
            tera,
            designs,
            fonts,
        })
    }

    /// The design names (template file stems), sorted.
    pub fn designs(&self) -> Vec<String> {
        self.designs.clone()
    }

    /// One poster: the filled-in SVG, its PDF and a PNG preview. `date` is
    /// the day the PDF is made (its CreationDate).
    pub fn render(
        &self,
        design: &str,
        input: &PosterInput,
        size: PaperSize,
        print: &PrintOptions,
        date: jiff::civil::Date,
    ) -> Result<Poster, PosterError> {
        let sheet = Sheet::new(size, print);
        let mut svg = self.render_svg(design, input, &sheet)?;
        let art = self.page_art(design, input, &svg, &sheet)?;
        let pdf = self.single_pdf(&art, input, size, print, date)?;
        let png = self.preview(design, &art, &sheet)?;
        if sheet.marks {
            let end = svg.rfind("</svg>").unwrap_or(svg.len());
            svg.insert_str(end, &sheet.crop_marks());
        }
        Ok(Poster { svg, pdf, png })
    }

    /// One PDF with one poster per page, in the order given (a prefecture's
    /// print pack, `prefecture` names it in the title). Pages are parsed in
    /// parallel.
    pub fn print_pack(
        &self,
        design: &str,
        inputs: &[PosterInput],
        size: PaperSize,
        print: &PrintOptions,
        prefecture: &str,
        date: jiff::civil::Date,
    ) -> Result<Vec<u8>, PosterError> {
        let pages = inputs
            .par_iter()
            .map(|input| self.render_page(design, input, size, print))
            .collect::<Result<Vec<_>, _>>()?;
        let pages: Vec<&PageArt> = pages.iter().collect();
        self.pack_pdf(&pages, size, print, prefecture, date)
    }

    fn template_path(&self, design: &str) -> String {
        self.dir.join(format!("{design}.svg")).display().to_string()
    }

    /// The filled-in template (without crop marks).
    fn render_svg(
        &self,
        design: &str,
        input: &PosterInput,
        sheet: &Sheet,
    ) -> Result<String, PosterError> {
        if !self.designs.iter().any(|d| d == design) {
            return Err(PosterError::UnknownDesign {
                design: design.to_string(),
                available: self.designs.join("、"),
            });
        }
        let mut context =
            Context::from_serialize(input).map_err(|e| self.template_error(design, &e))?;
        context.insert("page", sheet);
        context.insert("design", design);

        let target = Some(input.target).filter(|t| *t > 0.0);
        let bars_max = input.comparison.iter().map(|b| b.rate).fold(0.0, f64::max);
        let headline = input.headline_rate;
        // Axis up to the next 10% above the target and every bar.
        let top = bars_max
            .max(target.unwrap_or(0.0))
            .max(headline.unwrap_or(0.0));
        let axis_max = ((top * 10.0 + 1e-9).floor() + 1.0).min(10.0) / 10.0;
        let bars: Vec<Bar> = input
            .comparison
            .iter()
            .take(3)
            .map(|b| {
                let rate = b.rate.clamp(0.0, 1.0);
                Bar {
                    label: b.label.clone(),
                    rate,
                    text: format!(
                        "{}{}",
                        crate::format::percent(rate),
                        if b.illustrative {
                            "（サンプル）"
                        } else {
                            ""
                        }
                    ),
                    axis: round4(rate / axis_max),
                }
            })
            .collect();
        context.insert("chart_alt", &chart_alt(input, &bars));
        context.insert("bars", &bars);
        context.insert("axis_max_text", &format!("{}%", (axis_max * 100.0).round()));
        context.insert("target_axis", &target.map(|t| round4(t / axis_max)));
        context.insert("headline_axis", &headline.map(|h| round4(h / axis_max)));
        context.insert("has_local_contact", &input.has_local_contact());
        let qr = match qr_target(input) {
            Some((url, own)) => {
                let mut qr = qr::build(url).ok_or_else(|| PosterError::Qr {
                    template: self.template_path(design),
                    url: url.to_string(),
                })?;
                qr.own = own;
                qr.alt = if own {
                    format!("QRコード: {}のウェブサイト {url}", input.name)
                } else {
                    format!("QRコード: 全国のサイト（{}）{url}", input.national_title)
                };
                Some(qr)
            }
            None => None,
        };
        context.insert("qr", &qr);

        self.tera
            .render(&format!("{design}.svg"), &context)
            .map_err(|e| self.template_error(design, &e))
    }

    fn template_error(&self, design: &str, error: &tera::Error) -> PosterError {
        let found = templates::locate(error);
        let template = if found.template.is_empty() {
            self.template_path(design)
        } else {
            self.dir.join(found.template).display().to_string()
        };
        PosterError::Template {
            template,
            line: found.line,
            column: found.column,
            message: found.message,
        }
    }

    /// Split a filled-in poster into its tagged pieces and parse each with
    /// usvg; crop marks become one more piece (an artifact).
    fn page_art(
        &self,
        design: &str,
        input: &PosterInput,
        svg: &str,
        sheet: &Sheet,
    ) -> Result<PageArt, PosterError> {
        let split = structure::split(svg).map_err(|message| PosterError::Structure {
            template: self.template_path(design),
            message,
        })?;
        let options = self.usvg_options();
        let mut pieces = Vec::with_capacity(split.pieces.len() + 1);
        for piece in &split.pieces {
            let tree = self.parse(design, &piece.svg, sheet, &options)?;
            let artifact = piece.artifact.then_some(pdf::ArtifactType::Layout);
            pieces.push(pdf::Drawn { tree, artifact });
        }
        if sheet.marks {
            let svg = format!(
                "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{}mm\" height=\"{}mm\" viewBox=\"{}\">{}</svg>",
                sheet.sheet_width_mm,
                sheet.sheet_height_mm,
                sheet.viewbox,
                sheet.crop_marks()
            );
            let tree = self.parse(design, &svg, sheet, &options)?;
            pieces.push(pdf::Drawn {
                tree,
                artifact: Some(pdf::ArtifactType::Page),
            });
        }
        if pieces.is_empty() {
            return Err(PosterError::PageSize {
                template: self.template_path(design),
            });
        }
        if split.roots.is_empty() {
            // Nothing to read: a tagged PDF needs at least one structure element.
            return Err(PosterError::Structure {
                template: self.template_path(design),
                message: format!(
                    "読み上げる部分がありません。見出しや文章の要素に data-tag（{}）を書いてください",
                    structure::ROLE_NAMES
                ),
            });
        }
        Ok(PageArt {
            pieces,
            roots: split.roots,
            label: input.full_name.clone(),
        })
    }

    /// How usvg reads posters: the bundled fonts, Japanese, no files or URLs.
    fn usvg_options(&self) -> usvg::Options<'static> {
        let mut options = usvg::Options {
            font_family: DEFAULT_FAMILY.to_string(),
            languages: vec!["ja".to_string()],
            fontdb: self.fonts.database(),
            ..Default::default()
        };
        // Posters never load files or URLs: only `data:` images are allowed.
        options.image_href_resolver.resolve_string = Box::new(|_, _| None);
        options
    }

    fn parse(
        &self,
        design: &str,
        svg: &str,
        sheet: &Sheet,
        options: &usvg::Options,
    ) -> Result<usvg::Tree, PosterError> {
        let tree = usvg::Tree::from_str(svg, options).map_err(|e| {
            let (line, column) = match &e {
                usvg::Error::ParsingFailed(x) => (x.pos().row, x.pos().col),
                _ => (0, 0),
            };
            PosterError::Svg {
                template: self.template_path(design),
                line,
                column,
                message: e.to_string(),
            }
        })?;
        // The root must be the sheet (usvg sizes are px at 96 dpi).
        let px = |mm: f64| (mm * 96.0 / 25.4) as f32;
        let size = tree.size();
        if (size.width() - px(sheet.sheet_width_mm)).abs() > 1.0
            || (size.height() - px(sheet.sheet_height_mm)).abs() > 1.0
        {
            return Err(PosterError::PageSize {
                template: self.template_path(design),
            });
        }
        if let Some((family, text)) = fontcheck::unknown_families_in_tree(&tree, &self.fonts) {
            return Err(PosterError::MissingFont {
                template: self.template_path(design),
                family,
                text,
            });
        }
        Ok(tree)
    }

    /// Only the PDF of one poster (the preview is per design, see [`Self::preview_png`]).
    pub fn render_pdf(
        &self,
        design: &str,
        input: &PosterInput,
        size: PaperSize,
        print: &PrintOptions,
        date: jiff::civil::Date,
    ) -> Result<Vec<u8>, PosterError> {
        let art = self.render_page(design, input, size, print)?;
        self.single_pdf(&art, input, size, print, date)
    }

    /// One poster parsed for PDF, to be placed on its own page
    /// ([`Self::single_pdf`]) and on a print pack page ([`Self::pack_pdf`])
    /// without filling in and parsing it twice.
    pub fn render_page(
        &self,
        design: &str,
        input: &PosterInput,
        size: PaperSize,
        print: &PrintOptions,
    ) -> Result<PageArt, PosterError> {
        let sheet = Sheet::new(size, print);
        let svg = self.render_svg(design, input, &sheet)?;
        self.page_art(design, input, &svg, &sheet)
    }

    /// The tagged PDF of one poster page from [`Self::render_page`].
    pub fn single_pdf(
        &self,
        page: &PageArt,
        input: &PosterInput,
        size: PaperSize,
        print: &PrintOptions,
        date: jiff::civil::Date,
    ) -> Result<Vec<u8>, PosterError> {
        let info = pdf::DocInfo {
            title: &title(input, size),
            date,
        };
        pdf::document(&[page], &Sheet::new(size, print), &info).map_err(|message| {
            PosterError::Pdf {
                template: input.full_name.clone(),
                message,
            }
        })
    }

    /// A print pack from pages rendered with [`Self::render_page`], in order:
    /// one outline entry per municipality, the prefecture in the title.
    pub fn pack_pdf(
        &self,
        pages: &[&PageArt],
        size: PaperSize,
        print: &PrintOptions,
        prefecture: &str,
        date: jiff::civil::Date,
    ) -> Result<Vec<u8>, PosterError> {
        let title = format!(
            "{prefecture} 市区町村別ポスター ケアプランデータ連携システム（{}・{}枚）",
            size.name,
            pages.len()
        );
        let info = pdf::DocInfo {
            title: &title,
            date,
        };
        pdf::document(pages, &Sheet::new(size, print), &info).map_err(|message| PosterError::Pdf {
            template: title.clone(),
            message,
        })
    }

    /// The PNG preview of a design. Every paper size shares the A-series
    /// proportions and the same layout, so one preview serves them all.
    pub fn preview_png(&self, design: &str, input: &PosterInput) -> Result<Vec<u8>, PosterError> {
        let sheet = Sheet::new(A4, &PrintOptions::default());
        let svg = self.render_svg(design, input, &sheet)?;
        let art = self.page_art(design, input, &svg, &sheet)?;
        self.preview(design, &art, &sheet)
    }

    /// The trimmed poster (no bleed, no marks) as a PNG: the pieces drawn in order.
    fn preview(&self, design: &str, art: &PageArt, sheet: &Sheet) -> Result<Vec<u8>, PosterError> {
        let png_error = || PosterError::Png {
            template: self.template_path(design),
        };
        let px_per_mm = f64::from(PREVIEW_HEIGHT_PX) / sheet.height_mm;
        let width = (sheet.width_mm * px_per_mm).round() as u32;
        let mut pixmap =
            resvg::tiny_skia::Pixmap::new(width, PREVIEW_HEIGHT_PX).ok_or_else(png_error)?;
        pixmap.fill(resvg::tiny_skia::Color::WHITE);
        let scale = (px_per_mm * 25.4 / 96.0) as f32;
        let offset = (-(sheet.bleed_mm + sheet.slug_mm) * px_per_mm) as f32;
        let transform =
            resvg::tiny_skia::Transform::from_row(scale, 0.0, 0.0, scale, offset, offset);
        for piece in &art.pieces {
            if piece.artifact != Some(pdf::ArtifactType::Page) {
                resvg::render(&piece.tree, transform, &mut pixmap.as_mut());
            }
        }
        crate::raster::encode_opaque_png(&pixmap, png::Compression::Default)
            .map_err(|_| png_error())
    }
}

fn round4(v: f64) -> f64 {
    (v * 10_000.0).round() / 10_000.0
}

fn title(input: &PosterInput, size: PaperSize) -> String {
    format!(
        "{} ケアプランデータ連携システムのご案内（ポスター {}）",
        input.full_name, size.name
    )
}

/// Where the QR code points: the site's own URL, or else the national
/// site's (`false`: not the site's own).
fn qr_target(input: &PosterInput) -> Option<(&str, bool)> {
    match (&input.url, &input.national_url) {
        (Some(url), _) => Some((url.as_str(), true)),
        (None, Some(url)) => Some((url.as_str(), false)),
        (None, None) => None,
    }
}

/// The comparison chart in words, from the same figures as its bars.
fn chart_alt(input: &PosterInput, bars: &[Bar]) -> String {
    let mut alt = String::from("利用率の比較（横棒グラフ）");
    if let Some(date) = input.date {
        alt.push_str(&format!("、{}時点", crate::format::date_ja(date)));
    }
    alt.push_str(": ");
    let values: Vec<String> = bars
        .iter()
        .map(|b| format!("{} {}", b.label, b.text))
        .collect();
    alt.push_str(&values.join("、"));
    alt.push_str(&format!("。破線は{}。", input.target_label));
    if let Some(notice) = &input.sample_notice {
        alt.push_str(notice);
    }
    alt
}

/// Text measurement for templates, with the bundled fonts.
fn register_functions(tera: &mut Tera, fonts: Arc<Fonts>) {
    fn text_arg(kwargs: &Kwargs) -> tera::TeraResult<String> {
        Ok(match kwargs.get::<&Value>("text")? {
            None => String::new(),
            Some(v) if v.is_none() => String::new(),
            Some(v) => match v.as_str() {
                Some(s) => s.to_string(),
                None => v.to_string(),
            },
        })
    }
    fn number_arg(kwargs: &Kwargs, key: &str) -> tera::TeraResult<Option<f64>> {
        match kwargs.get::<&Value>(key)? {
            None => Ok(None),
            Some(v) => v.as_f64().map(Some).ok_or_else(|| {
                tera::Error::message(format!("{key} には数を渡してください（{v}）"))
            }),
        }
    }
    fn style_args(kwargs: &Kwargs) -> tera::TeraResult<(bool, String)> {
        let bold = kwargs.get::<bool>("bold")?.unwrap_or(false);
        let family = kwargs
            .get::<&str>("family")?
            .unwrap_or(DEFAULT_FAMILY)
            .to_string();
        Ok((bold, family))
    }

    let measure = fonts.clone();
    tera.register_function(
        "fit_text",
        move |kwargs: Kwargs, _: &State| -> tera::TeraResult<f64> {
            let text = text_arg(&kwargs)?;
            let width = number_arg(&kwargs, "width")?.ok_or_else(|| {
                tera::Error::message("fit_text には width（文字を収める幅）が必要です")
            })?;
            let max = number_arg(&kwargs, "max")?.ok_or_else(|| {
                tera::Error::message("fit_text には max（最大の文字サイズ）が必要です")
            })?;
            let (bold, family) = style_args(&kwargs)?;
            let at_one = measure.measure(&text, &family, 1.0, bold);
            let size = if at_one > 0.0 {
                (width / at_one).min(max)
            } else {
                max
            };
            // Round down so the text never grows past its box.
            Ok((size * 100.0).floor() / 100.0)
        },
    );
    let measure = fonts.clone();
    tera.register_function(
        "text_width",
        move |kwargs: Kwargs, _: &State| -> tera::TeraResult<f64> {
            let text = text_arg(&kwargs)?;
            let size = number_arg(&kwargs, "size")?.ok_or_else(|| {
                tera::Error::message("text_width には size（文字サイズ）が必要です")
            })?;
            let (bold, family) = style_args(&kwargs)?;
            Ok(round2(measure.measure(&text, &family, size, bold)))
        },
    );
    tera.register_function(
        "wrap_text",
        move |kwargs: Kwargs, _: &State| -> tera::TeraResult<Vec<String>> {
            let text = text_arg(&kwargs)?;
            let width = number_arg(&kwargs, "width")?
                .ok_or_else(|| tera::Error::message("wrap_text には width（行の幅）が必要です"))?;
            let size = number_arg(&kwargs, "size")?.ok_or_else(|| {
                tera::Error::message("wrap_text には size（文字サイズ）が必要です")
            })?;
            let (bold, family) = style_args(&kwargs)?;
            Ok(wrap(&text, width, |s| {
                fonts.measure(s, &family, size, bold)
            }))
        },
    );
}

/// Break `text` into lines no wider than `width` (as `measure` says),
/// preferring to break after `/`, `.`, `-`, `?`, `&`, `=`, `_` or a space,
/// as a URL or a name is best broken; a line that still overflows is broken
/// between characters. Every character is kept, in order.
fn wrap(text: &str, width: f64, measure: impl Fn(&str) -> f64) -> Vec<String> {
    let mut lines = Vec::new();
    let mut rest = text.trim();
    while !rest.is_empty() {
        if measure(rest) <= width {
            lines.push(rest.to_string());
            break;
        }
        // The longest prefix that fits (at least one character).
        let ends: Vec<usize> = rest.char_indices().map(|(i, c)| i + c.len_utf8()).collect();
        let fit = ends
            .iter()
            .copied()
            .take_while(|end| measure(&rest[..*end]) <= width)
            .last()
            .unwrap_or(ends[0]);
        let soft = rest[..fit]
            .char_indices()
            .filter(|(_, c)| matches!(c, '/' | '.' | '-' | '?' | '&' | '=' | '_' | ' '))
            .map(|(i, c)| i + c.len_utf8())
            .rfind(|end| *end < rest.len());
        let cut = soft.unwrap_or(fit);
        lines.push(rest[..cut].trim_end().to_string());
        rest = rest[cut..].trim_start();
    }
    lines
}

/// A file name stem for a poster, e.g. `poster-standard-a4` or `poster-simple-a3-print`.
pub fn file_stem(design: &str, size: PaperSize, print: &PrintOptions) -> String {
    let mut stem = format!("poster-{design}-{}", size.name.to_ascii_lowercase());
    if print.bleed_and_marks {
        stem.push_str("-print");
    }
    stem
}

#[allow(dead_code)]
fn assert_sync() {
    fn is_sync<T: Sync + Send>() {}
    is_sync::<PosterSet>();
}

#[cfg(test)]
mod tests;
