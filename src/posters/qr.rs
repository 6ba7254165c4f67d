//! QR codes drawn as one SVG path (never an external image), with error
//! correction M and the 4-module quiet zone the standard asks for.

use qrcode::{Color, EcLevel, QrCode};

/// Modules of white space on every side.
pub const QUIET_ZONE: usize = 4;

/// A QR code ready for a template: `path` draws the dark modules in module
/// units, `size` is the side in modules including the quiet zone, so a
/// template draws a white `size`×`size` square and the path scaled by
/// `side / size`.
#[derive(Debug, Clone, serde::Serialize)]
pub struct QrContext {
    pub path: String,
    pub size: usize,
    /// The encoded text (the site's URL), for printing beside the code.
    pub text: String,
    /// The code leads to the site's own page (not the national site's).
    pub own: bool,
    /// Alternative text for the tagged PDF: what the code is and where it leads.
    pub alt: String,
}

/// Encode `text`; `None` when it is too long for any QR version.
pub fn build(text: &str) -> Option<QrContext> {
    let code = QrCode::with_error_correction_level(text.as_bytes(), EcLevel::M).ok()?;
    let width = code.width();
    let colors = code.to_colors();
    let mut path = String::with_capacity(width * width * 4);
    for y in 0..width {
        let row = &colors[y * width..(y + 1) * width];
        let mut x = 0;
        while x < width {
            if row[x] == Color::Dark {
                let start = x;
                while x < width && row[x] == Color::Dark {
                    x += 1;
                }
                // One rectangle per horizontal run of dark modules.
                path.push_str(&format!(
                    "M{} {}h{}v1h-{}z",
                    start + QUIET_ZONE,
                    y + QUIET_ZONE,
                    x - start,
                    x - start
                ));
            } else {
                x += 1;
            }
        }
    }
    Some(QrContext {
        path,
        size: width + 2 * QUIET_ZONE,
        text: text.to_string(),
        own: true,
        alt: format!("QRコード: {text}"),
    })
}

/// The QR code alone as a grayscale PNG, `scale` pixels per module, quiet
/// zone included: for councils to put on their own flyers.
pub fn png(text: &str, scale: usize) -> Option<Vec<u8>> {
    let code = QrCode::with_error_correction_level(text.as_bytes(), EcLevel::M).ok()?;
    let width = code.width();
    let colors = code.to_colors();
    let side = (width + 2 * QUIET_ZONE) * scale;
    let mut pixels = vec![255u8; side * side];
    for y in 0..width {
        for x in 0..width {
            if colors[y * width + x] == Color::Dark {
                for dy in 0..scale {
                    let row = ((y + QUIET_ZONE) * scale + dy) * side;
                    let start = row + (x + QUIET_ZONE) * scale;
                    pixels[start..start + scale].fill(0);
                }
            }
        }
    }
    let mut out = Vec::new();
    {
        let mut encoder = png::Encoder::new(&mut out, side as u32, side as u32);
        encoder.set_color(png::ColorType::Grayscale);
        encoder.set_depth(png::BitDepth::Eight);
        let mut writer = encoder.write_header().ok()?;
        writer.write_image_data(&pixels).ok()?;
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn png_has_the_quiet_zone_and_a_dark_finder_corner() {
        let bytes = png("https://www.city.shizuoka.example/careplan/", 8).unwrap();
        let decoder = png::Decoder::new(std::io::Cursor::new(bytes));
        let mut reader = decoder.read_info().unwrap();
        let mut buf = vec![0; reader.output_buffer_size()];
        let info = reader.next_frame(&mut buf).unwrap();
        let side = info.width as usize;
        assert_eq!(side % 8, 0);
        assert_eq!(buf[0], 255, "quiet zone is white");
        let corner = QUIET_ZONE * 8 * side + QUIET_ZONE * 8;
        assert_eq!(
            buf[corner], 0,
            "finder pattern starts dark right after the quiet zone"
        );
    }

    #[test]
    fn includes_the_quiet_zone() {
        let qr = build("https://example.jp/").unwrap();
        // Version 2 (25 modules) at level M for 19 bytes, plus 4 on each side.
        assert_eq!(qr.size, 25 + 8);
        assert!(qr.path.starts_with("M4 4h7v1h-7z"), "{}", &qr.path[..20]);
    }
}
