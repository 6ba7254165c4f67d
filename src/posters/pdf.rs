//! Posters as tagged PDF with krilla: PDF/UA-1 and PDF/A-2a in one file.
//!
//! A poster arrives here as the pieces of [`super::structure`], each parsed
//! by usvg. Every piece is drawn with krilla-svg inside its own marked
//! content: artifacts (backgrounds, rules, crop marks) as `/Artifact`, the
//! rest under the structure element the template gave it, so the structure
//! tree reads the poster in the template's order. Text stays text: krilla
//! embeds subsets of the BIZ UD fonts with a ToUnicode map. The catalog gets
//! `/Lang (ja-JP)`, `/MarkInfo`, `/ViewerPreferences << /DisplayDocTitle true >>`
//! and an outline with one entry per page. krilla writes pages, fonts and
//! objects in the order they are drawn, so the same poster gives the same
//! bytes.

use std::num::NonZeroU16;

use krilla::configure::{Accessibility, Archival, ConfigurationBuilder, ValidationError};
use krilla::destination::XyzDestination;
use krilla::error::KrillaError;
use krilla::geom::{Point, Rect, Size};
use krilla::metadata::{DateTime, Metadata};
use krilla::outline::{Outline, OutlineNode};
use krilla::page::PageSettings;
pub(crate) use krilla::tagging::ArtifactType;
use krilla::tagging::{
    Artifact, BBox, ContentTag, Identifier, ListNumbering, Node, Tag, TagGroup, TagKind, TagTree,
};
use krilla::{Document, SerializeSettings};
use krilla_svg::{SurfaceExt, SvgSettings};
use resvg::usvg;

use super::Sheet;
use super::structure::{Element, Kid, Role};

/// PostScript points per millimetre.
const PT_PER_MM: f32 = 72.0 / 25.4;

/// The language of every poster.
pub const LANGUAGE: &str = "ja-JP";

/// One poster, parsed and ready to be drawn on a page of any document (its
/// own PDF and its prefecture's print pack).
pub struct PageArt {
    pub(crate) pieces: Vec<Drawn>,
    pub(crate) roots: Vec<Element>,
    /// The page's outline entry (the poster's title).
    pub(crate) label: String,
}

/// One piece of a poster.
pub(crate) struct Drawn {
    pub tree: usvg::Tree,
    /// `None`: tagged content; otherwise the kind of artifact.
    pub artifact: Option<ArtifactType>,
}

/// What a PDF says about itself.
pub(crate) struct DocInfo<'a> {
    pub title: &'a str,
    /// The day the file is made (PDF/A asks for a date).
    pub date: jiff::civil::Date,
}

/// A tagged PDF with one page per poster, every page the size of `sheet`.
pub(crate) fn document(
    pages: &[&PageArt],
    sheet: &Sheet,
    info: &DocInfo,
) -> Result<Vec<u8>, String> {
    let configuration = ConfigurationBuilder::new()
        .with_archival_validator(Archival::A2_A)
        .with_accessibility_validator(Accessibility::UA1)
        .finish()
        .map_err(|e| format!("{e:?}"))?;
    let settings = SerializeSettings {
        configuration,
        enable_tagging: true,
        compress_content_streams: true,
        ..Default::default()
    };
    let mut document = Document::new_with(settings);

    let mm = |v: f64| v as f32 * PT_PER_MM;
    let (w, h) = (mm(sheet.sheet_width_mm), mm(sheet.sheet_height_mm));
    let size = Size::from_wh(w, h).ok_or("用紙の大きさが 0 です")?;
    let slug = mm(sheet.slug_mm);
    let outer = mm(sheet.slug_mm + sheet.bleed_mm);
    let bleed = Rect::from_ltrb(slug, slug, w - slug, h - slug);
    let trim = Rect::from_ltrb(outer, outer, w - outer, h - outer);

    let mut tags = TagTree::new();
    let mut outline = Outline::new();
    for (index, art) in pages.iter().enumerate() {
        let settings = PageSettings::new(size)
            .with_bleed_box(bleed)
            .with_trim_box(trim);
        let mut page = document.start_page_with(settings);
        let mut surface = page.surface();
        let mut ids: Vec<Identifier> = Vec::with_capacity(art.pieces.len());
        for piece in &art.pieces {
            let tag = match piece.artifact {
                Some(kind) => ContentTag::Artifact(Artifact::with_kind(kind)),
                None => ContentTag::Other,
            };
            ids.push(surface.start_tagged(tag));
            surface.draw_svg(&piece.tree, size, SvgSettings::default());
            surface.end_tagged();
        }
        surface.finish();
        page.finish();

        let groups = art
            .roots
            .iter()
            .map(|element| Node::Group(group(element, &ids, art, index, w / art.px_width())));
        if pages.len() == 1 {
            tags.children.extend(groups);
        } else {
            // One section per poster in a print pack.
            tags.push(TagGroup::with_children(Tag::Section, groups.collect()));
        }
        outline.push_child(OutlineNode::new(
            art.label.clone(),
            XyzDestination::new(index, Point::from_xy(0.0, 0.0)),
        ));
    }
    document.set_tag_tree(tags);
    document.set_outline(outline);
    let date = info.date;
    document.set_metadata(
        Metadata::new()
            .title(info.title.to_string())
            .language(LANGUAGE.to_string())
            .creator("outreach".to_string())
            .creation_date(
                DateTime::new(date.year() as u16)
                    .month(date.month() as u8)
                    .day(date.day() as u8),
            ),
    );
    document.finish().map_err(describe)
}

impl PageArt {
    /// Width of the pieces' view port in usvg pixels (all pieces share the root element).
    fn px_width(&self) -> f32 {
        self.pieces.first().map_or(1.0, |p| p.tree.size().width())
    }
}

/// The structure element of `element`, with the identifiers of its content.
fn group(
    element: &Element,
    ids: &[Identifier],
    art: &PageArt,
    page: usize,
    scale: f32,
) -> TagGroup {
    let tag: TagKind = match element.role {
        Role::H(level) => Tag::Hn(
            NonZeroU16::new(level).expect("levels 1 to 6"),
            Some(element.text.clone()),
        )
        .into(),
        Role::P => Tag::P.into(),
        Role::Figure => {
            // The figure's box on the page, in points from the top left.
            let bbox = element.kids.iter().find_map(|k| match k {
                Kid::Content(i) => {
                    let b = art.pieces[*i].tree.root().abs_stroke_bounding_box();
                    Rect::from_ltrb(
                        b.left() * scale,
                        b.top() * scale,
                        b.right() * scale,
                        b.bottom() * scale,
                    )
                }
                Kid::Element(_) => None,
            });
            Tag::Figure(element.alt.clone())
                .with_bbox(bbox.map(|r| BBox::new(page, r)))
                .into()
        }
        Role::Caption => Tag::Caption.into(),
        Role::Sect => Tag::Section.into(),
        Role::Div => Tag::Div.into(),
        Role::Part => Tag::Part.into(),
        Role::L => Tag::L(ListNumbering::None).into(),
        Role::LI => Tag::LI.into(),
        Role::Lbl => Tag::Lbl.into(),
        Role::LBody => Tag::LBody.into(),
        Role::Note => Tag::Note.into(),
    };
    let children = element
        .kids
        .iter()
        .map(|kid| match kid {
            Kid::Element(e) => Node::Group(group(e, ids, art, page, scale)),
            Kid::Content(i) => Node::Leaf(ids[*i]),
        })
        .collect();
    TagGroup::with_children(tag, children)
}

/// A krilla error in words a template author can act on.
fn describe(error: KrillaError) -> String {
    match error {
        KrillaError::Validation(errors) => {
            let mut messages: Vec<String> = errors
                .iter()
                .map(|(e, _)| match e {
                    ValidationError::ContainsNotDefGlyph(_, _, text) => format!(
                        "文字「{text}」がフォントにありません（data/sites.yaml などに書いた文字を、フォントにある字に置き換えてください）"
                    ),
                    ValidationError::MissingAltText(_) => {
                        "図（Figure）に代替テキストがありません".to_string()
                    }
                    ValidationError::MissingHeadingTitle => "見出しに文字がありません".to_string(),
                    ValidationError::UnicodePrivateArea(_, _, c, _) => {
                        format!("私用領域の文字（U+{:04X}）は使えません", u32::from(*c))
                    }
                    other => format!("{other:?}"),
                })
                .collect();
            messages.dedup();
            format!(
                "PDF/UA・PDF/A の条件を満たしません: {}",
                messages.join("、")
            )
        }
        other => format!("{other:?}"),
    }
}
