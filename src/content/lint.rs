//! Japanese public-web lint: characters that display differently (or not at
//! all) on other systems, and full-width alphanumerics, reported as warnings.

use std::path::Path;

use crate::problems::{Code, Location, Problems};

/// What is wrong with one character, if anything.
fn classify(c: char) -> Option<(&'static str, &'static str)> {
    match c {
        '\u{FF61}'..='\u{FF9F}' => Some(("半角カナ", "全角カナで書いてください")),
        '\u{2460}'..='\u{2473}' | '\u{3251}'..='\u{325F}' => {
            Some(("丸数字（機種依存文字）", "(1) や 1. のように書いてください"))
        }
        '\u{2160}'..='\u{217F}' => Some((
            "ローマ数字（機種依存文字）",
            "I, II のように英字で書いてください",
        )),
        '\u{3231}' | '\u{3232}' | '\u{3239}' | '\u{32A4}'..='\u{32A8}' => Some((
            "括弧付き文字（機種依存文字）",
            "（株）のように書いてください",
        )),
        '\u{3300}'..='\u{33FF}' => Some((
            "組文字（機種依存文字）",
            "「平成」「センチ」のように書いてください",
        )),
        '\u{FF10}'..='\u{FF19}' | '\u{FF21}'..='\u{FF3A}' | '\u{FF41}'..='\u{FF5A}' => {
            Some(("全角英数字", "半角の英数字で書いてください"))
        }
        _ => None,
    }
}

/// Warn about each offending character (first per line and kind), with line and column.
pub fn check(path: &Path, text: &str, problems: &mut Problems) {
    for (i, line) in text.lines().enumerate() {
        let mut seen: Vec<&str> = Vec::new();
        for (col, c) in line.chars().enumerate() {
            if let Some((what, hint)) = classify(c)
                && !seen.contains(&what)
            {
                seen.push(what);
                problems.warning(
                    Code::LintCharacter,
                    Location::at(path, i + 1, col + 1),
                    format!("{what}「{c}」があります"),
                    hint,
                );
            }
        }
        if let Some(col) = space_inside_word(line) {
            problems.warning(
                Code::LintWordSpacing,
                Location::at(path, i + 1, col),
                "日本語の単語の間に空白があります（読み上げソフトで単語が分かれます）",
                "見た目を揃える目的の空白は消してください",
            );
        }
    }
}

fn is_japanese(c: char) -> bool {
    matches!(c, '\u{3040}'..='\u{30FF}' | '\u{4E00}'..='\u{9FFF}')
}

/// 1-based column of a space used to spread out a short Japanese word
/// (「氏　名」「東 京 都」): both neighbouring tokens are one or two Japanese
/// characters. Spaces between longer phrases (「第1表 居宅サービス計画書」) are fine.
fn space_inside_word(line: &str) -> Option<usize> {
    let chars: Vec<char> = line.chars().collect();
    let is_space = |c: char| matches!(c, ' ' | '\u{3000}');
    let token_len = |range: &mut dyn Iterator<Item = usize>| -> Option<usize> {
        let mut n = 0;
        for i in range {
            let c = chars[i];
            if is_japanese(c) {
                n += 1;
            } else if c.is_alphanumeric() {
                // 「第1表」: part of a longer token, not a spread-out word.
                return None;
            } else {
                break;
            }
        }
        (1..=2).contains(&n).then_some(n)
    };
    (1..chars.len().saturating_sub(1)).find_map(|i| {
        if !is_space(chars[i]) {
            return None;
        }
        token_len(&mut (0..i).rev())?;
        token_len(&mut (i + 1..chars.len()))?;
        Some(i + 1)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reports_each_kind_with_its_column() {
        let mut problems = Problems::new();
        check(
            Path::new("a.md"),
            "ok\nｶﾅ と ①、㈱、ＡＢＣ\n",
            &mut problems,
        );
        let found: Vec<(Code, Location)> = problems
            .sorted()
            .into_iter()
            .map(|p| (p.code, p.location))
            .collect();
        let at = |c| (Code::LintCharacter, Location::at("a.md", 2, c));
        assert_eq!(found, vec![at(1), at(6), at(8), at(10)]);
    }

    #[test]
    fn clean_text_passes() {
        let mut problems = Problems::new();
        let text = "ケアプランデータ連携システム 2025年 ABC\n- 第1表 居宅サービス計画書\n";
        check(Path::new("a.md"), text, &mut problems);
        assert!(problems.is_empty(), "{:?}", problems.sorted());
    }

    #[test]
    fn spaces_spreading_a_short_word_are_reported() {
        let mut problems = Problems::new();
        check(Path::new("a.md"), "氏　名: 東 京 都\n", &mut problems);
        let found: Vec<(Code, Location)> = problems
            .sorted()
            .into_iter()
            .map(|p| (p.code, p.location))
            .collect();
        assert_eq!(
            found,
            vec![(Code::LintWordSpacing, Location::at("a.md", 1, 2))]
        );
    }
}
