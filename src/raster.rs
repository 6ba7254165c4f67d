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
