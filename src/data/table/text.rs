//! Text as people type it into spreadsheets: full-width and half-width forms,
//! invisible characters, near misses.

/// Full-width ASCII (`ＡＢＣ１２３，％`) to half-width, the ideographic and the
/// no-break space to a space, half-width katakana (`ｺｰﾄﾞ`) to full width.
/// Everything else is kept.
pub fn normalize_width(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\u{FF01}'..='\u{FF5E}' => out.push(char::from_u32(c as u32 - 0xFEE0).unwrap_or(c)),
            '\u{3000}' | '\u{00A0}' => out.push(' '),
            // Half-width katakana (団体ｺｰﾄﾞ): to full width, joining a following
            // (han)dakuten mark onto its kana.
            '\u{FF9E}' | '\u{FF9F}' => match out.chars().last().and_then(|prev| voiced(prev, c)) {
                Some(v) => {
                    out.pop();
                    out.push(v);
                }
                None => out.push(if c == '\u{FF9E}' { '゛' } else { '゜' }),
            },
            '\u{FF61}'..='\u{FF9D}' => out.push(HALF_WIDTH_KANA[(c as u32 - 0xFF61) as usize]),
            _ => out.push(c),
        }
    }
    out
}

/// A full-width kana with a half-width (han)dakuten mark joined on: カ+ﾞ → ガ.
fn voiced(prev: char, mark: char) -> Option<char> {
    if mark == '\u{FF9E}' {
        if prev == 'ウ' {
            return Some('ヴ');
        }
        "カキクケコサシスセソタチツテトハヒフヘホ"
            .contains(prev)
            .then(|| char::from_u32(prev as u32 + 1))
            .flatten()
    } else {
        "ハヒフヘホ"
            .contains(prev)
            .then(|| char::from_u32(prev as u32 + 2))
            .flatten()
    }
}

/// Full-width forms of U+FF61..=U+FF9D, in order.
const HALF_WIDTH_KANA: [char; 61] = [
    '。', '「', '」', '、', '・', 'ヲ', 'ァ', 'ィ', 'ゥ', 'ェ', 'ォ', 'ャ', 'ュ', 'ョ', 'ッ', 'ー',
    'ア', 'イ', 'ウ', 'エ', 'オ', 'カ', 'キ', 'ク', 'ケ', 'コ', 'サ', 'シ', 'ス', 'セ', 'ソ', 'タ',
    'チ', 'ツ', 'テ', 'ト', 'ナ', 'ニ', 'ヌ', 'ネ', 'ノ', 'ハ', 'ヒ', 'フ', 'ヘ', 'ホ', 'マ', 'ミ',
    'ム', 'メ', 'モ', 'ヤ', 'ユ', 'ヨ', 'ラ', 'リ', 'ル', 'レ', 'ロ', 'ワ', 'ン',
];

/// An invisible character that has no place in a data value, found in one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ControlChar {
    pub ch: char,
    /// 1-based position among the value's characters.
    pub position: usize,
}

impl ControlChar {
    /// `U+0008`
    pub fn code(&self) -> String {
        format!("U+{:04X}", u32::from(self.ch))
    }

    /// The message for a value of `what` (e.g. 「事業所名」) that holds it.
    pub fn message(&self, what: &str) -> String {
        format!(
            "{what}に制御文字（{}、{}文字目）が入っています",
            self.code(),
            self.position
        )
    }

    /// What to do about it.
    pub const HINT: &'static str = "目に見えない文字です。その値を打ち直すか、コピー元の書式を取り除いて貼り付け直してください";
}

/// The first control character in `value`, ignoring leading and trailing
/// white space: C0 controls (in a `multiline` value tab and line feed are
/// allowed), DEL, C1 controls and U+FFFE/U+FFFF. They cannot be shown, break
/// XML (feeds, SVG posters) and often come from copying out of other software.
pub fn control_char(value: &str, multiline: bool) -> Option<ControlChar> {
    let trimmed = value.trim();
    let leading = value[..value.len() - value.trim_start().len()]
        .chars()
        .count();
    trimmed.chars().enumerate().find_map(|(i, ch)| {
        let allowed = multiline && matches!(ch, '\t' | '\n');
        let bad = ch.is_control() || ch == '\u{FFFE}' || ch == '\u{FFFF}';
        (bad && !allowed).then_some(ControlChar {
            ch,
            position: leading + i + 1,
        })
    })
}

/// Levenshtein distance over characters.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, ca) in a.iter().enumerate() {
        cur[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

/// The longest query [`nearest`] compares: suggestions are for typos in names,
/// and a long value would make the comparison slow (it is quadratic).
const NEAREST_MAX_CHARS: usize = 64;

/// The `n` candidates nearest to `query` by edit distance (ties in input order),
/// only those that share at least one character or are within distance 2.
pub fn nearest<'a>(
    query: &str,
    candidates: impl IntoIterator<Item = &'a str>,
    n: usize,
) -> Vec<&'a str> {
    if query.chars().count() > NEAREST_MAX_CHARS {
        return Vec::new();
    }
    let mut scored: Vec<(usize, usize, &str)> = candidates
        .into_iter()
        .enumerate()
        .map(|(i, c)| (edit_distance(query, c), i, c))
        .filter(|(d, _, c)| *d <= 2 || c.chars().any(|ch| query.contains(ch)))
        .collect();
    scored.sort();
    let mut out: Vec<&str> = Vec::new();
    for (_, _, c) in scored {
        if !out.contains(&c) {
            out.push(c);
        }
        if out.len() == n {
            break;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn half_width_katakana_becomes_full_width() {
        assert_eq!(normalize_width("団体ｺｰﾄﾞ"), "団体コード");
        assert_eq!(normalize_width("ﾊﾟｿｺﾝ ｳﾞｧ"), "パソコン ヴァ");
        assert_eq!(normalize_width("ﾞ"), "゛");
        assert_eq!(normalize_width("７，４１６　％"), "7,416 %");
    }

    #[test]
    fn control_characters_are_found_with_their_position() {
        assert_eq!(control_char("介護保険課", false), None);
        let c = control_char("介護\u{8}保険課", false).unwrap();
        assert_eq!((c.ch, c.position, c.code()), ('\u{8}', 3, "U+0008".into()));
        assert!(c.message("department").contains("U+0008、3文字目"));
        // Surrounding white space is not the value's.
        assert_eq!(control_char("\t介護\r\n", false), None);
        assert_eq!(control_char("  a\u{7f}", false).unwrap().position, 4);
        // Inside a value, line breaks only where several lines are allowed.
        assert!(control_char("a\nb", false).is_some());
        assert_eq!(control_char("a\nb\tc", true), None);
        assert!(control_char("a\rb", true).is_some());
        for bad in [
            '\u{0}', '\u{1b}', '\u{85}', '\u{9f}', '\u{FFFF}', '\u{FFFE}',
        ] {
            assert!(control_char(&format!("a{bad}b"), true).is_some(), "{bad:?}");
        }
    }

    #[test]
    fn nearest_names() {
        assert_eq!(edit_distance("静岡し", "静岡市"), 1);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(
            nearest("静岡し", ["浜松市", "静岡市", "静岡県"], 1),
            ["静岡市"]
        );
        assert!(nearest(&"x".repeat(10_000), ["x"], 1).is_empty());
    }
}
