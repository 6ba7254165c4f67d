//! A small lexer for the raw HTML an editor writes inside Markdown: the start and
//! end tags of a fragment with their attributes and byte offsets, so a problem in
//! raw HTML (an image from another server, nesting too deep to sanitize) is
//! reported at its line and column. It only finds; the sanitizer (ammonia) still
//! decides what reaches a page.

/// One start or end tag in a fragment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawTag {
    /// Byte offset of `<` in the fragment.
    pub offset: usize,
    /// Lowercased element name.
    pub name: String,
    pub closing: bool,
    pub attributes: Vec<RawAttribute>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawAttribute {
    /// Byte offset of the attribute name in the fragment.
    pub offset: usize,
    /// Lowercased attribute name.
    pub name: String,
    /// The value with character references decoded, as a browser reads it.
    pub value: String,
}

/// Elements that never have content, so never nest.
pub const VOID: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
    "track", "wbr",
];

/// Elements a browser closes by itself when a sibling starts (`<li>`, `<p>`…):
/// a run of them is a list of siblings, not a nest.
pub const SELF_CLOSING_SIBLINGS: &[&str] = &[
    "p", "li", "dt", "dd", "tr", "td", "th", "option", "optgroup", "rb", "rt", "rtc", "rp",
    "thead", "tbody", "tfoot", "colgroup", "caption",
];

/// Every start and end tag of `html`, in order. Comments, doctypes and
/// processing instructions are skipped.
pub fn tags(html: &str) -> Vec<RawTag> {
    let bytes = html.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while let Some(found) = html[i..].find('<') {
        let start = i + found;
        let rest = &html[start + 1..];
        if let Some(comment) = rest.strip_prefix("!--") {
            i = match comment.find("-->") {
                Some(end) => start + 1 + 3 + end + 3,
                None => html.len(),
            };
            continue;
        }
        if rest.starts_with('!') || rest.starts_with('?') {
            i = rest.find('>').map_or(html.len(), |end| start + 1 + end + 1);
            continue;
        }
        let closing = rest.starts_with('/');
        let name_start = start + 1 + usize::from(closing);
        if !bytes.get(name_start).is_some_and(u8::is_ascii_alphabetic) {
            i = start + 1;
            continue;
        }
        let name_end = html[name_start..]
            .find(|c: char| c.is_ascii_whitespace() || c == '/' || c == '>')
            .map_or(html.len(), |e| name_start + e);
        let name = html[name_start..name_end].to_ascii_lowercase();
        let (found, end) = attributes(html, name_end);
        out.push(RawTag {
            offset: start,
            name,
            closing,
            attributes: if closing { Vec::new() } else { found },
        });
        i = end;
    }
    out
}

/// The attributes from `from` to the end of the tag, and the offset after `>`.
fn attributes(html: &str, from: usize) -> (Vec<RawAttribute>, usize) {
    let bytes = html.as_bytes();
    let mut out = Vec::new();
    let mut i = from;
    loop {
        while i < bytes.len() && (bytes[i].is_ascii_whitespace() || bytes[i] == b'/') {
            i += 1;
        }
        if i >= bytes.len() {
            return (out, i);
        }
        if bytes[i] == b'>' {
            return (out, i + 1);
        }
        let name_start = i;
        i += 1;
        while i < bytes.len()
            && !matches!(bytes[i], b'=' | b'>' | b'/')
            && !bytes[i].is_ascii_whitespace()
        {
            i += 1;
        }
        let name = html[name_start..i].to_ascii_lowercase();
        let mut j = i;
        while j < bytes.len() && bytes[j].is_ascii_whitespace() {
            j += 1;
        }
        let mut value = String::new();
        if j < bytes.len() && bytes[j] == b'=' {
            j += 1;
            while j < bytes.len() && bytes[j].is_ascii_whitespace() {
                j += 1;
            }
            if j < bytes.len() && (bytes[j] == b'"' || bytes[j] == b'\'') {
                let quote = bytes[j] as char;
                let value_start = j + 1;
                let value_end = html[value_start..]
                    .find(quote)
                    .map_or(html.len(), |e| value_start + e);
                value = decode(&html[value_start..value_end]);
                j = (value_end + 1).min(html.len());
            } else {
                let value_start = j;
                while j < bytes.len() && !bytes[j].is_ascii_whitespace() && bytes[j] != b'>' {
                    j += 1;
                }
                value = decode(&html[value_start..j]);
            }
            i = j;
        }
        out.push(RawAttribute {
            offset: name_start,
            name,
            value,
        });
    }
}

/// Decode character references (`&#58;`, `&#x3a;`, `&colon;`…) as a browser
/// does in an attribute value. Named references cover the characters that
/// shape a URL; an unknown one stays as written.
pub fn decode(value: &str) -> String {
    if !value.contains('&') {
        return value.to_string();
    }
    let mut out = String::with_capacity(value.len());
    let mut rest = value;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        let (decoded, used) = reference(rest);
        match decoded {
            Some(c) => {
                out.push(c);
                rest = &rest[used..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// The character a reference at the start of `s` stands for, and its length.
fn reference(s: &str) -> (Option<char>, usize) {
    let body = &s[1..];
    if let Some(num) = body.strip_prefix('#') {
        let (digits, radix, skip) = match num.strip_prefix(['x', 'X']) {
            Some(hex) => (hex, 16, 3),
            None => (num, 10, 2),
        };
        let len = digits
            .find(|c: char| !c.is_digit(radix))
            .unwrap_or(digits.len());
        if len == 0 {
            return (None, 0);
        }
        let code = u32::from_str_radix(&digits[..len.min(8)], radix).unwrap_or(0xFFFD);
        let c = char::from_u32(code)
            .filter(|&c| c != '\0')
            .unwrap_or('\u{FFFD}');
        let semicolon = usize::from(digits[len..].starts_with(';'));
        return (Some(c), skip + len + semicolon);
    }
    const NAMED: &[(&str, char)] = &[
        ("amp", '&'),
        ("lt", '<'),
        ("gt", '>'),
        ("quot", '"'),
        ("apos", '\''),
        ("colon", ':'),
        ("sol", '/'),
        ("bsol", '\\'),
        ("period", '.'),
        ("Tab", '\t'),
        ("NewLine", '\n'),
        ("lpar", '('),
        ("rpar", ')'),
        ("num", '#'),
        ("percnt", '%'),
        ("quest", '?'),
        ("commat", '@'),
        ("equals", '='),
        ("comma", ','),
        ("lowbar", '_'),
        ("hyphen", '-'),
        ("nbsp", '\u{a0}'),
    ];
    for (name, c) in NAMED {
        if let Some(after) = body.strip_prefix(name) {
            let semicolon = usize::from(after.starts_with(';'));
            return (Some(*c), 1 + name.len() + semicolon);
        }
    }
    (None, 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_tags_attributes_and_offsets() {
        let html =
            "a <IMG alt='x > y' SRC=\"https&#58;//e.jp/a.png\"/> <!-- <img src=no> --></div>";
        let found = tags(html);
        assert_eq!(found.len(), 2, "{found:?}");
        assert_eq!(found[0].offset, 2);
        assert_eq!(found[0].name, "img");
        assert_eq!(found[0].attributes[0].value, "x > y");
        let src = &found[0].attributes[1];
        assert_eq!(
            (src.name.as_str(), src.value.as_str()),
            ("src", "https://e.jp/a.png")
        );
        assert_eq!(&html[src.offset..src.offset + 3], "SRC");
        assert!(found[1].closing && found[1].name == "div");
    }

    #[test]
    fn unquoted_values_and_references() {
        let found =
            tags("<video poster=//e.jp/p.jpg controls><source srcset=&#x2f;&#x2F;e.jp/a.webp>");
        assert_eq!(found[0].attributes[0].value, "//e.jp/p.jpg");
        assert_eq!(found[0].attributes[1].name, "controls");
        assert_eq!(found[1].attributes[0].value, "//e.jp/a.webp");
        assert_eq!(
            decode("a&amp;b&colon;&unknown;&#0;"),
            "a&b:&unknown;\u{FFFD}"
        );
        // Text that only looks like a tag start is text.
        assert!(tags("1 < 2 and 3 <= 4").is_empty());
    }
}
