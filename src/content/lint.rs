//! Japanese public-web lint, reported as warnings with file, line and
//! column: characters that display differently (or not at all) on other
//! systems, full-width alphanumerics, and the writing rules of a public
//! body's pages (link text that says nothing on its own such as 「こちら」,
//! images without alternative text, heading levels that skip, links to news
//! past its `expires`).

use std::path::Path;

use pulldown_cmark::{Event, HeadingLevel, Options, Parser, Tag, TagEnd};

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

/// Words that make a link's text say nothing about where it leads.
const VAGUE_LINK_WORDS: &[&str] = &["こちら", "ここ", "クリック", "click here"];

/// A link's text is vague when, without spaces and punctuation, it is at most
/// this many characters and has one of [`VAGUE_LINK_WORDS`] (「詳しくはこちら」,
/// 「ここをクリック」; 「申込書（PDF）」 or 「ここから始める導入の手順」 are fine).
const VAGUE_LINK_MAX_CHARS: usize = 8;

/// An `@/` link in a page's body, where it is written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContentLink {
    /// The target after `@/`, without a `#fragment` (`news/campaign.md`).
    pub target: String,
    pub line: usize,
    pub column: usize,
}

/// 1-based line and column (in characters) of byte `offset` of `body`, whose
/// first line is line `body_line` of the file.
fn place(body: &str, body_line: usize, offset: usize) -> (usize, usize) {
    let before = &body[..offset.min(body.len())];
    let line = body_line + before.matches('\n').count();
    let start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, before[start..].chars().count() + 1)
}

fn is_vague_link_text(text: &str) -> bool {
    let bare: String = text
        .chars()
        .filter(|c| {
            !c.is_whitespace()
                && !c.is_ascii_punctuation()
                && !"、。「」『』！？・→＞>".contains(*c)
        })
        .collect::<String>()
        .to_lowercase();
    bare.chars().count() <= VAGUE_LINK_MAX_CHARS
        && VAGUE_LINK_WORDS
            .iter()
            .any(|w| bare.contains(&w.replace(' ', "")))
}

/// An `<img>` in raw HTML without an `alt` attribute (an empty `alt=""` is a
/// deliberate "decoration only" and passes).
fn raw_img_without_alt(html: &str) -> Option<usize> {
    let lower = html.to_ascii_lowercase();
    let mut from = 0;
    while let Some(i) = lower[from..].find("<img") {
        let start = from + i;
        let end = lower[start..].find('>').map_or(lower.len(), |e| start + e);
        let tag = &lower[start..end];
        let has_alt = tag
            .split(|c: char| c.is_whitespace() || c == '/')
            .any(|attr| attr == "alt" || attr.starts_with("alt="));
        if !has_alt {
            return Some(start);
        }
        from = end;
    }
    None
}

/// Check a page's Markdown `body` (line `body_line` of `path` is its first
/// line) for the writing rules of public pages, and return its `@/` links so
/// that links to expired news can be found once every file is loaded.
/// The page's title is its `<h1>`, so the body's headings begin at `##`.
pub fn check_body(
    path: &Path,
    body: &str,
    body_line: usize,
    problems: &mut Problems,
) -> Vec<ContentLink> {
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_FOOTNOTES;
    let mut links = Vec::new();
    // The open link or image: (is image, where it starts, its text so far).
    let mut open: Vec<(bool, usize, String)> = Vec::new();
    let mut level = 1usize;
    for (event, range) in Parser::new_ext(body, options).into_offset_iter() {
        match event {
            Event::Start(Tag::Heading { level: h, .. }) => {
                let h = heading_number(h);
                if h > level + 1 {
                    let (line, column) = place(body, body_line, range.start);
                    let hint = if level == 1 {
                        "ページの題名が見出し1です。本文の最初の見出しは ## （見出し2）にしてください".to_string()
                    } else {
                        format!(
                            "見出しは1段ずつ下げてください（ここは {} の見出し{}）",
                            "#".repeat(level + 1),
                            level + 1
                        )
                    };
                    problems.warning(
                        Code::LintHeadingLevel,
                        Location::at(path, line, column),
                        format!(
                            "見出しの階層が飛んでいます（見出し{level}の次が見出し{h}）。読み上げソフトの利用者が構成を取り違えます"
                        ),
                        hint,
                    );
                }
                level = h;
            }
            Event::Start(Tag::Link { dest_url, .. }) => {
                if let Some(rest) = dest_url.strip_prefix("@/") {
                    let (line, column) = place(body, body_line, range.start);
                    let target = rest.split('#').next().unwrap_or_default().to_string();
                    links.push(ContentLink {
                        target,
                        line,
                        column,
                    });
                }
                open.push((false, range.start, String::new()));
            }
            Event::Start(Tag::Image { .. }) => open.push((true, range.start, String::new())),
            Event::Text(text) | Event::Code(text) => {
                if let Some((_, _, so_far)) = open.last_mut() {
                    so_far.push_str(&text);
                }
            }
            Event::End(TagEnd::Link) => {
                if let Some((_, start, text)) = open.pop() {
                    if is_vague_link_text(&text) {
                        let (line, column) = place(body, body_line, start);
                        problems.warning(
                            Code::LintLinkText,
                            Location::at(path, line, column),
                            format!(
                                "リンクの文字「{}」だけでは、行き先がわかりません（リンクだけを読み上げる利用者や、印刷した紙の読者に伝わりません）",
                                text.trim()
                            ),
                            "行き先の名前をリンクの文字にしてください（例: 「申込みの手順はこちら」ではなく「[申込みの手順](…)」）",
                        );
                    }
                    if let Some((_, _, outer)) = open.last_mut() {
                        outer.push_str(&text);
                    }
                }
            }
            Event::End(TagEnd::Image) => {
                if let Some((_, start, text)) = open.pop()
                    && text.trim().is_empty()
                {
                    let (line, column) = place(body, body_line, start);
                    problems.warning(
                        Code::LintImageAlt,
                        Location::at(path, line, column),
                        "画像に代わりのテキスト（alt）がありません。画像が見えない利用者には何も伝わりません",
                        "![画像の内容を表す文](画像のパス) のように [ ] の中に書いてください",
                    );
                }
            }
            Event::Html(html) | Event::InlineHtml(html) => {
                if let Some(at) = raw_img_without_alt(&html) {
                    let offset = body[range.clone()]
                        .find(&*html)
                        .map_or(range.start, |i| range.start + i)
                        + at;
                    let (line, column) = place(body, body_line, offset);
                    problems.warning(
                        Code::LintImageAlt,
                        Location::at(path, line, column),
                        "<img> に alt（代わりのテキスト）がありません。画像が見えない利用者には何も伝わりません",
                        "alt=\"画像の内容を表す文\" を書いてください（飾りだけの画像なら alt=\"\"）",
                    );
                }
            }
            _ => {}
        }
    }
    links
}

fn heading_number(level: HeadingLevel) -> usize {
    match level {
        HeadingLevel::H1 => 1,
        HeadingLevel::H2 => 2,
        HeadingLevel::H3 => 3,
        HeadingLevel::H4 => 4,
        HeadingLevel::H5 => 5,
        HeadingLevel::H6 => 6,
    }
}

/// Warn about a link to a news item or event that is past its `expires`
/// (`expires`, YYYY-MM-DD) on `build_date`: the item has left the lists and
/// its page says 「掲載終了」, so a page still pointing readers to it is out
/// of date.
pub fn expired_link(
    path: &Path,
    link: &ContentLink,
    expires: &str,
    build_date: &str,
    problems: &mut Problems,
) {
    if expires < build_date {
        problems.warning(
            Code::LintExpiredLink,
            Location::at(path, link.line, link.column),
            format!(
                "掲載を終えたお知らせ「{}」（expires: {expires}）へのリンクがあります",
                link.target
            ),
            "リンクを外すか、いまも案内する内容ならお知らせの expires を延ばしてください",
        );
    }
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

    fn body_warnings(body: &str) -> Vec<(usize, usize, String)> {
        let mut problems = Problems::new();
        check_body(Path::new("a.md"), body, 5, &mut problems);
        problems
            .sorted()
            .iter()
            .map(|p| {
                let line = p.location.line_number().unwrap_or_default();
                let column = p.location.column_number().unwrap_or_default();
                (line, column, p.message.clone())
            })
            .collect()
    }

    #[test]
    fn vague_link_text_is_reported_at_the_link() {
        let found = body_warnings(
            "申込みは[こちら](https://example.jp/)。\n[ここをクリック](@/guides/flow.md)\n[申込書（PDF）](a.pdf) と [導入の流れ](@/guides/flow.md)\n",
        );
        let places: Vec<(usize, usize)> = found.iter().map(|f| (f.0, f.1)).collect();
        assert_eq!(places, vec![(5, 5), (6, 1)], "{found:?}");
        assert!(found[0].2.contains("「こちら」"));
    }

    #[test]
    fn images_need_alternative_text() {
        let found = body_warnings(
            "![](a.png)\n\n![流れの図](b.png)\n\n<img src=\"c.png\">\n\n<img src=\"d.png\" alt=\"\">\n",
        );
        let places: Vec<(usize, usize)> = found.iter().map(|f| (f.0, f.1)).collect();
        assert_eq!(places, vec![(5, 1), (9, 1)], "{found:?}");
    }

    #[test]
    fn heading_levels_may_not_skip() {
        let found = body_warnings("## 手順\n\n#### 細目\n\n### 次\n\n## 別\n\n### 良い\n");
        let places: Vec<(usize, usize)> = found.iter().map(|f| (f.0, f.1)).collect();
        assert_eq!(places, vec![(7, 1)], "{found:?}");
        assert!(found[0].2.contains("見出し2の次が見出し4"));
        let found = body_warnings("### 最初から3\n");
        assert_eq!(found.len(), 1);
    }

    #[test]
    fn content_links_are_returned_with_their_place_and_expired_ones_warned() {
        let mut problems = Problems::new();
        let links = check_body(
            Path::new("a.md"),
            "本文\n  詳細は[研修会](@/news/seminar.md#申込み)を見てください。\n",
            3,
            &mut problems,
        );
        assert_eq!(
            links,
            vec![ContentLink {
                target: "news/seminar.md".into(),
                line: 4,
                column: 6
            }]
        );
        expired_link(
            Path::new("a.md"),
            &links[0],
            "2026-11-30",
            "2026-11-30",
            &mut problems,
        );
        assert!(problems.is_empty(), "the last day is still listed");
        expired_link(
            Path::new("a.md"),
            &links[0],
            "2026-11-29",
            "2026-11-30",
            &mut problems,
        );
        let found = problems.sorted();
        assert_eq!(found[0].code, Code::LintExpiredLink);
        assert_eq!(found[0].location, Location::at("a.md", 4, 6));
    }
}
