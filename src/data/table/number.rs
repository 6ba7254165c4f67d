//! Numbers as people type them into spreadsheets: `7416`, `7,416`, `７，４１６`,
//! `7416.0`, `4.0%`, `0.040`, and the Japanese minus signs `▲` and `△`.

use super::text::normalize_width;

/// Why a cell is not a usable number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NumberError {
    Empty,
    Negative,
    NotInteger,
    NotNumber,
    /// Above the largest value the column allows.
    TooLarge {
        max: u64,
    },
}

/// Half-width, trimmed, with the minus signs and separators people type folded
/// to ASCII (`−`, `－`, `▲`, `△` → `-`; `，` → `,`; `．` → `.`).
fn normalize_number(raw: &str) -> String {
    normalize_width(raw)
        .chars()
        .map(|c| match c {
            '\u{2212}' | '\u{2010}' | '\u{2011}' | '\u{2013}' | '▲' | '△' => '-',
            '、' => ',',
            '。' => '.',
            _ => c,
        })
        .collect::<String>()
        .trim_matches(|c: char| c.is_whitespace() || c == '\u{FEFF}')
        .to_string()
}

/// The digits of a number with optional thousands separators (`7,416`):
/// `None` when the grouping is wrong or anything else is there.
fn strip_grouping(s: &str) -> Option<String> {
    if !s.contains(',') {
        return (!s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())).then(|| s.to_string());
    }
    let groups: Vec<&str> = s.split(',').collect();
    let ok = groups.iter().all(|g| g.bytes().all(|b| b.is_ascii_digit()))
        && (1..=3).contains(&groups[0].len())
        && groups[1..].iter().all(|g| g.len() == 3);
    ok.then(|| groups.concat())
}

/// A count as people type it: `7416`, `7,416`, `７，４１６`, ` 297 `, `7416.0`.
pub fn parse_count(raw: &str) -> Result<u64, NumberError> {
    let s = normalize_number(raw);
    if s.is_empty() {
        return Err(NumberError::Empty);
    }
    if let Some(rest) = s.strip_prefix('-') {
        return match parse_count(rest) {
            Ok(0) => Ok(0),
            Ok(_) | Err(NumberError::NotInteger | NumberError::TooLarge { .. }) => {
                Err(NumberError::Negative)
            }
            Err(_) => Err(NumberError::NotNumber),
        };
    }
    let s = s.strip_prefix('+').unwrap_or(&s);
    let (int, frac) = match s.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (s, None),
    };
    let digits = strip_grouping(int).ok_or(NumberError::NotNumber)?;
    if let Some(frac) = frac {
        if frac.is_empty() || !frac.bytes().all(|b| b.is_ascii_digit()) {
            return Err(NumberError::NotNumber);
        }
        if frac.bytes().any(|b| b != b'0') {
            return Err(NumberError::NotInteger);
        }
    }
    digits
        .parse::<u64>()
        .map_err(|_| NumberError::TooLarge { max: u64::MAX })
}

/// [`parse_count`], at most `max`.
pub fn parse_count_up_to(raw: &str, max: u64) -> Result<u64, NumberError> {
    match parse_count(raw) {
        Ok(n) if n > max => Err(NumberError::TooLarge { max }),
        Err(NumberError::TooLarge { .. }) => Err(NumberError::TooLarge { max }),
        other => other,
    }
}

/// A rate as printed: its value in the printed unit, how many decimals were
/// printed, and whether it carried a `%` sign.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PrintedRate {
    pub value: f64,
    pub decimals: u32,
    pub percent_sign: bool,
}

/// A rate as people type it: `4.0%`, `４．０％`, `4.0`, `0.040`.
pub fn parse_rate(raw: &str) -> Result<PrintedRate, NumberError> {
    let s = normalize_number(raw);
    if s.is_empty() {
        return Err(NumberError::Empty);
    }
    let (s, percent_sign) = match s.strip_suffix('%') {
        Some(rest) => (rest.trim_end().to_string(), true),
        None => (s, false),
    };
    if let Some(rest) = s.strip_prefix('-') {
        return match parse_rate(rest) {
            Ok(r) if r.value == 0.0 => Ok(PrintedRate { percent_sign, ..r }),
            Ok(_) => Err(NumberError::Negative),
            Err(_) => Err(NumberError::NotNumber),
        };
    }
    let (int, frac) = match s.split_once('.') {
        Some((i, f)) => (if i.is_empty() { "0" } else { i }, f),
        None => (s.as_str(), ""),
    };
    let int = strip_grouping(int).ok_or(NumberError::NotNumber)?;
    if !frac.bytes().all(|b| b.is_ascii_digit()) {
        return Err(NumberError::NotNumber);
    }
    let value: f64 = format!("{int}.{frac}0")
        .parse()
        .map_err(|_| NumberError::NotNumber)?;
    Ok(PrintedRate {
        value,
        decimals: u32::try_from(frac.len()).unwrap_or(u32::MAX),
        percent_sign,
    })
}

/// The message and hint for a count column (`what`, e.g. 事業所数) whose cell
/// `raw` could not be read.
pub fn count_problem(what: &str, raw: &str, err: NumberError) -> (String, String) {
    match err {
        NumberError::Empty => (
            format!("{what}が空欄です"),
            format!("{what}を数字で書いてください（0 のときも 0 と書きます）"),
        ),
        NumberError::Negative => (
            format!("{what}「{raw}」がマイナスです"),
            format!("{what}は 0 以上の整数で書いてください"),
        ),
        NumberError::NotInteger => (
            format!("{what}「{raw}」が整数ではありません"),
            format!("{what}は事業所の数なので整数で書いてください"),
        ),
        NumberError::NotNumber => (
            format!("{what}「{raw}」は数として読めません"),
            format!("{what}は 7416 や 7,416 のように数字だけで書いてください"),
        ),
        NumberError::TooLarge { max } => (
            format!(
                "{what}「{raw}」が大きすぎます（1行に書ける上限は {}）",
                crate::format::thousands(max)
            ),
            format!("{what}の桁や列の取り違えがないか確認してください"),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn counts_as_people_type_them() {
        for (raw, n) in [
            ("7416", 7416),
            ("7,416", 7416),
            ("７，４１６", 7416),
            (" 297 ", 297),
            ("\u{3000}２９７\u{3000}", 297),
            ("181,566", 181_566),
            ("7416.0", 7416),
            ("0", 0),
            ("+12", 12),
        ] {
            assert_eq!(parse_count(raw), Ok(n), "{raw}");
        }
        assert_eq!(parse_count(""), Err(NumberError::Empty));
        assert_eq!(parse_count("  "), Err(NumberError::Empty));
        assert_eq!(parse_count("-5"), Err(NumberError::Negative));
        assert_eq!(parse_count("－５"), Err(NumberError::Negative));
        assert_eq!(parse_count("▲3"), Err(NumberError::Negative));
        assert_eq!(parse_count("12.5"), Err(NumberError::NotInteger));
        assert_eq!(parse_count("abc"), Err(NumberError::NotNumber));
        assert_eq!(parse_count("74,16"), Err(NumberError::NotNumber));
        assert_eq!(parse_count("7,4160"), Err(NumberError::NotNumber));
        assert_eq!(parse_count("4.0%"), Err(NumberError::NotNumber));
        assert_eq!(
            parse_count("99999999999999999999"),
            Err(NumberError::TooLarge { max: u64::MAX })
        );
        assert_eq!(
            parse_count("-99999999999999999999"),
            Err(NumberError::Negative)
        );
    }

    #[test]
    fn counts_have_a_ceiling() {
        assert_eq!(parse_count_up_to("10,000,000", 10_000_000), Ok(10_000_000));
        assert_eq!(
            parse_count_up_to("10000001", 10_000_000),
            Err(NumberError::TooLarge { max: 10_000_000 })
        );
        assert_eq!(
            parse_count_up_to("10000000000000000000000", 10_000_000),
            Err(NumberError::TooLarge { max: 10_000_000 })
        );
        let (message, _) = count_problem(
            "事業所数",
            "10000000000000000000",
            NumberError::TooLarge { max: 10_000_000 },
        );
        assert!(message.contains("10,000,000"), "{message}");
    }

    #[test]
    fn rates_as_people_type_them() {
        let r = parse_rate("4.0%").unwrap();
        assert_eq!((r.value, r.decimals, r.percent_sign), (4.0, 1, true));
        let r = parse_rate("４．０％").unwrap();
        assert_eq!((r.value, r.decimals, r.percent_sign), (4.0, 1, true));
        let r = parse_rate("0.040").unwrap();
        assert_eq!((r.value, r.decimals, r.percent_sign), (0.04, 3, false));
        let r = parse_rate(" 4 % ").unwrap();
        assert_eq!((r.value, r.decimals, r.percent_sign), (4.0, 0, true));
        assert_eq!(parse_rate(".5").unwrap().value, 0.5);
        assert_eq!(parse_rate("-1%"), Err(NumberError::Negative));
        assert_eq!(parse_rate("4.0.1"), Err(NumberError::NotNumber));
    }

    fn full_width(s: &str) -> String {
        s.chars()
            .map(|c| match c {
                '0'..='9' | ',' | '.' | '%' => char::from_u32(c as u32 + 0xFEE0).unwrap(),
                _ => c,
            })
            .collect()
    }

    proptest! {
        #[test]
        fn any_formatted_count_parses_back(
            n in 0u64..1_000_000_000_000u64,
            commas in any::<bool>(),
            wide in any::<bool>(),
            left in 0usize..3,
            right in 0usize..3,
            ideographic in any::<bool>(),
        ) {
            let mut s = if commas { crate::format::thousands(n) } else { n.to_string() };
            if wide {
                s = full_width(&s);
            }
            let pad = if ideographic { "\u{3000}" } else { " " };
            let s = format!("{}{s}{}", pad.repeat(left), pad.repeat(right));
            prop_assert_eq!(parse_count(&s), Ok(n));
        }

        #[test]
        fn any_formatted_rate_parses_back(
            tenths in 0u32..10_000,
            percent in any::<bool>(),
            wide in any::<bool>(),
            left in 0usize..3,
        ) {
            let mut s = format!("{}.{}", tenths / 10, tenths % 10);
            if percent {
                s.push('%');
            }
            if wide {
                s = full_width(&s);
            }
            let s = format!("{}{s} ", " ".repeat(left));
            let r = parse_rate(&s).unwrap();
            prop_assert!((r.value - f64::from(tenths) / 10.0).abs() < 1e-9);
            prop_assert_eq!(r.decimals, 1);
            prop_assert_eq!(r.percent_sign, percent);
        }

        #[test]
        fn grouped_thousands_round_trip(n in any::<u64>()) {
            prop_assert_eq!(parse_count(&crate::format::thousands(n)), Ok(n));
        }
    }
}
