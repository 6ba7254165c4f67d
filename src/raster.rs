//! PNG encoding for the images outreach renders (OGP images, poster
//! previews): opaque, so RGB without alpha, a quarter fewer bytes to
//! compress than tiny-skia's RGBA encoder.

/// Encode an opaque pixmap as an 8-bit RGB PNG.
pub fn encode_opaque_png(
    pixmap: &resvg::tiny_skia::Pixmap,
    compression: png::Compression,
) -> Result<Vec<u8>, png::EncodingError> {
    let rgb: Vec<u8> = pixmap
        .data()
        .chunks_exact(4)
        .flat_map(|px| [px[0], px[1], px[2]])
        .collect();
    let mut out = Vec::new();
    {
        let mut encoder = png::Encoder::new(&mut out, pixmap.width(), pixmap.height());
        encoder.set_color(png::ColorType::Rgb);
        encoder.set_depth(png::BitDepth::Eight);
        encoder.set_compression(compression);
        let mut writer = encoder.write_header()?;
        writer.write_image_data(&rgb)?;
    }
    Ok(out)
}

/// An SVG drawn as an opaque PNG on white.
#[derive(Debug, Clone)]
pub struct Raster {
    pub png: Vec<u8>,
    /// The drawing's own size in CSS pixels (its viewBox), before `scale`.
    pub width: u32,
    pub height: u32,
}

/// Draw `svg` with resvg and the bundled fonts at `scale` times its own size
/// (2 for sharp images on phones' high-density screens), on white, as a PNG.
/// `None` when the SVG cannot be read.
pub fn svg_png(svg: &str, fonts: &crate::fonts::Fonts, scale: f32) -> Option<Raster> {
    use resvg::{tiny_skia, usvg};
    let options = usvg::Options {
        font_family: crate::fonts::DEFAULT_FAMILY.to_string(),
        languages: vec!["ja".to_string()],
        fontdb: fonts.database(),
        ..Default::default()
    };
    let tree = usvg::Tree::from_str(svg, &options).ok()?;
    let size = tree.size();
    let (width, height) = (size.width().ceil() as u32, size.height().ceil() as u32);
    let mut pixmap = tiny_skia::Pixmap::new(
        (width as f32 * scale).ceil() as u32,
        (height as f32 * scale).ceil() as u32,
    )?;
    pixmap.fill(tiny_skia::Color::WHITE);
    resvg::render(
        &tree,
        tiny_skia::Transform::from_scale(scale, scale),
        &mut pixmap.as_mut(),
    );
    // Default, not Best: measured on 静岡県's 36 sites (109 chart images),
    // Best took 11.7 s CPU for 2.95 MB and Default 2.7 s for 3.32 MB; a few
    // KB more per image is not worth quadrupling the cost of a full build.
    let png = encode_opaque_png(&pixmap, png::Compression::Default).ok()?;
    Some(Raster { png, width, height })
}
