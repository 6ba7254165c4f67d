//! Text files in the encodings Japanese offices save them in.

use encoding_rs::Encoding;

/// Decode a text file's bytes: a BOM decides first (UTF-8, UTF-16), then valid
/// UTF-8 is taken as such, else the encoding is detected with chardetng (with a
/// Japanese bias; `Shift_JIS` in encoding_rs is Windows-31J, i.e. CP932).
pub fn decode_text(bytes: &[u8]) -> String {
    decode_text_checked(bytes).0
}

/// Like [`decode_text`], also saying which encoding was used and whether some
/// bytes could not be decoded (replaced by U+FFFD).
pub fn decode_text_checked(bytes: &[u8]) -> (String, &'static Encoding, bool) {
    if let Some((encoding, bom_len)) = Encoding::for_bom(bytes) {
        let (text, had_errors) = encoding.decode_without_bom_handling(&bytes[bom_len..]);
        return (text.into_owned(), encoding, had_errors);
    }
    if let Ok(text) = std::str::from_utf8(bytes) {
        return (text.to_string(), encoding_rs::UTF_8, false);
    }
    let mut detector = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    detector.feed(bytes, true);
    let guess = detector.guess(Some(b"jp"), chardetng::Utf8Detection::Allow);
    let (text, had_errors) = guess.decode_without_bom_handling(bytes);
    if had_errors && guess != encoding_rs::SHIFT_JIS {
        let (sjis, sjis_errors) = encoding_rs::SHIFT_JIS.decode_without_bom_handling(bytes);
        if !sjis_errors {
            return (sjis.into_owned(), encoding_rs::SHIFT_JIS, false);
        }
    }
    (text.into_owned(), guess, had_errors)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn boms_plain_utf8_and_cp932() {
        assert_eq!(decode_text("静岡".as_bytes()), "静岡");
        assert_eq!(decode_text(b"\xEF\xBB\xBFabc"), "abc");
        assert_eq!(decode_text(&[0xFF, 0xFE, b'a', 0, b'b', 0]), "ab");
        let text = "団体コード,名称,事業所数,利用事業所数\r\n221007,静岡市,１，２００,100\r\n";
        let (bytes, _, unmappable) = encoding_rs::SHIFT_JIS.encode(text);
        assert!(!unmappable);
        let (decoded, encoding, errors) = decode_text_checked(&bytes);
        assert_eq!(
            (decoded.as_str(), encoding, errors),
            (text, encoding_rs::SHIFT_JIS, false)
        );
    }
}
