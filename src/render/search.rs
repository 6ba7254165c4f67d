//! Site search: every site's guides, FAQ entries and news in one index that
//! the search page (`search.html`, `assets/search.js`) reads from a plain
//! script file, `search/index.js`, so it works opened from disk (`file://`)
//! and asks no other server.
//!
//! Japanese has no spaces between words, so the index needs no dictionary:
//! text is normalised ([`normalize`]) and cut into overlapping pairs of
//! characters (bigrams). A query is normalised the same way in the browser
//! (`assets/textmatch.js`); a document matches when it holds every bigram of
//! every word of the query, and ranks higher when it holds the words as
//! written, in its title above all.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use serde::Serialize;

use crate::content::Entry;

use super::{SiteEntries, json_for_script};

/// Where a site's search index is written, relative to the site's root.
pub const SEARCH_INDEX: &str = "search/index.js";

/// Text as both the index and the browser compare it: Unicode NFKC (full-width
/// letters and digits become ASCII, half-width kana full width with their
/// voiced marks joined, ①→1, ㈱→(株)), then katakana folded to hiragana and
/// ASCII letters to lower case, and white space and the middle dot (・)
/// dropped. So ｻｸﾗ, サクラ and さくら, ＣＳＶ and csv, and 「定期巡回・随時」
/// and 「定期巡回 随時」 compare equal.
///
/// `assets/textmatch.js` does exactly this in the browser (with
/// `String.prototype.normalize('NFKC')`); the browser test compares the two.
pub fn normalize(text: &str) -> String {
    let nfkc = icu_normalizer::ComposingNormalizerBorrowed::new_nfkc().normalize(text);
    nfkc.chars().filter_map(fold).collect()
}

/// One character of NFKC text, folded: `None` when it is dropped.
fn fold(c: char) -> Option<char> {
    let code = u32::from(c);
    match code {
        0..=0x20 | 0x7F | 0x200B | 0xFEFF | 0x2028 | 0x2029 | 0x30FB => None,
        // ァ..ヶ and ヽヾ: their hiragana are 0x60 below.
        0x30A1..=0x30F6 | 0x30FD | 0x30FE => char::from_u32(code - 0x60),
        _ => Some(c.to_ascii_lowercase()),
    }
}

/// The text of sanitised content HTML: tags dropped (a block's end becomes a
/// line break, so words of two paragraphs never join), character references
/// decoded, runs of white space made one space. The HTML comes from the
/// Markdown renderer and its sanitiser, so it holds no comments, scripts or
/// styles, and `<` and `>` occur only in tags.
pub fn plain_text(html: &str) -> String {
    let mut raw = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(open) = rest.find('<') {
        raw.push_str(&rest[..open]);
        let Some(close) = rest[open..].find('>') else {
            rest = "";
            break;
        };
        let tag = &rest[open + 1..open + close];
        let name: String = tag
            .trim_start_matches('/')
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect::<String>()
            .to_ascii_lowercase();
        let block = matches!(
            name.as_str(),
            "p" | "div"
                | "br"
                | "li"
                | "ul"
                | "ol"
                | "h1"
                | "h2"
                | "h3"
                | "h4"
                | "h5"
                | "h6"
                | "table"
                | "tr"
                | "td"
                | "th"
                | "blockquote"
                | "pre"
                | "dt"
                | "dd"
                | "figcaption"
                | "hr"
        );
        if block {
            raw.push('\n');
        }
        rest = &rest[open + close + 1..];
    }
    raw.push_str(rest);
    let decoded = decode_references(&raw);
    decoded.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// `&amp;`, `&lt;`, `&gt;`, `&quot;`, `&apos;`, `&nbsp;` and numeric references.
fn decode_references(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        let after = &rest[amp + 1..];
        let end = after.find(';').filter(|&e| e <= 10);
        let decoded = end.and_then(|e| {
            let name = &after[..e];
            let c = match name {
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                "nbsp" => Some(' '),
                _ => {
                    let number = name.strip_prefix('#')?;
                    let value = match number.strip_prefix(['x', 'X']) {
                        Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                        None => number.parse().ok()?,
                    };
                    char::from_u32(value)
                }
            }?;
            Some((c, e))
        });
        match decoded {
            Some((c, e)) => {
                out.push(c);
                rest = &after[e + 1..];
            }
            None => {
                out.push('&');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// One searchable document: a guide (or other page), an FAQ entry or a news item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SearchDoc {
    pub title: String,
    /// Site-relative URL (`faq.html#electronic-certificate`).
    pub url: String,
    /// What it is, as the results say it (ガイド, よくある質問, お知らせ…).
    pub kind: String,
    /// Its text, for the snippet.
    pub text: String,
}

/// The documents of one site, in the order of its entries.
pub fn documents(entries: &SiteEntries) -> Vec<SearchDoc> {
    let section_titles: BTreeMap<&str, &str> = entries
        .values()
        .filter_map(|e| match e.as_ref() {
            Entry::Section(s) => Some((s.dir.as_str(), s.title.as_str())),
            _ => None,
        })
        .collect();
    entries
        .values()
        .filter_map(|entry| match entry.as_ref() {
            Entry::Page(p) => Some(SearchDoc {
                title: p.title.clone(),
                url: p.url.clone(),
                kind: match section_titles.get(p.section.as_str()) {
                    Some(title) => title.to_string(),
                    None if p.section.is_empty() => "ページ".to_string(),
                    None => p.section.clone(),
                },
                text: join_text(&p.description, &plain_text(&p.html)),
            }),
            Entry::Faq(f) => Some(SearchDoc {
                title: f.question.clone(),
                url: format!("faq.html#{}", f.slug),
                kind: "よくある質問".to_string(),
                text: plain_text(&f.html),
            }),
            Entry::News(n) => Some(SearchDoc {
                title: n.title.clone(),
                url: n.url.clone(),
                kind: n.kind.clone(),
                text: join_text(&n.description, &plain_text(&n.html)),
            }),
            Entry::Section(_) => None,
        })
        .collect()
}

fn join_text(lead: &str, body: &str) -> String {
    match (lead.trim(), body) {
        ("", body) => body.to_string(),
        (lead, "") => lead.to_string(),
        (lead, body) => format!("{lead} {body}"),
    }
}

/// The characters of base 36, in which document numbers are written.
const DIGITS: &[u8; 36] = b"0123456789abcdefghijklmnopqrstuvwxyz";

/// How many base-36 digits every document number takes in the postings.
fn id_width(docs: usize) -> usize {
    let mut width = 1;
    let mut capacity = 36usize;
    while capacity < docs {
        width += 1;
        capacity = capacity.saturating_mul(36);
    }
    width
}

fn push_id(out: &mut String, id: usize, width: usize) {
    let mut digits = vec![b'0'; width];
    let mut n = id;
    for d in digits.iter_mut().rev() {
        *d = DIGITS[n % 36];
        n /= 36;
    }
    out.push_str(std::str::from_utf8(&digits).expect("ASCII digits"));
}

/// The index as the search script reads it (`window.OUTREACH_SEARCH`).
#[derive(Debug, Serialize)]
struct IndexData<'a> {
    /// Format version.
    v: u32,
    /// `[title, url, kind, text]` per document.
    docs: Vec<(&'a str, &'a str, &'a str, &'a str)>,
    /// Base-36 digits per document number in `grams`.
    w: usize,
    /// For each bigram of normalised title and text, the documents holding
    /// it: their numbers, each `w` base-36 digits, one after another.
    grams: BTreeMap<String, String>,
}

/// The bigrams of a document's normalised title and text.
pub fn bigrams(doc: &SearchDoc) -> BTreeSet<String> {
    let text: Vec<char> = normalize(&format!("{}\n{}", doc.title, doc.text))
        .chars()
        .collect();
    text.windows(2).map(|w| w.iter().collect()).collect()
}

/// The search index script of a site: `window.OUTREACH_SEARCH = {…};`, with
/// `<`, `>` and `&` escaped so no text can end a script element.
pub fn index_script(docs: &[SearchDoc]) -> String {
    let width = id_width(docs.len());
    let mut grams: BTreeMap<String, String> = BTreeMap::new();
    for (i, doc) in docs.iter().enumerate() {
        for gram in bigrams(doc) {
            push_id(grams.entry(gram).or_default(), i, width);
        }
    }
    let data = IndexData {
        v: 1,
        docs: docs
            .iter()
            .map(|d| {
                (
                    d.title.as_str(),
                    d.url.as_str(),
                    d.kind.as_str(),
                    d.text.as_str(),
                )
            })
            .collect(),
        w: width,
        grams,
    };
    let mut out = String::new();
    let _ = writeln!(out, "window.OUTREACH_SEARCH={};", json_for_script(&data));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn width_and_kana_fold_together() {
        for same in ["ｻｸﾗ", "サクラ", "さくら", "ｻ ｸ ﾗ", "さ・くら"] {
            assert_eq!(normalize(same), "さくら", "{same}");
        }
        assert_eq!(normalize("ﾃﾞｲｻｰﾋﾞｽ"), "でいさーびす");
        assert_eq!(normalize("デイサービス"), "でいさーびす");
        assert_eq!(normalize("ＣＳＶ　ﾌｧｲﾙ"), "csvふぁいる");
        assert_eq!(normalize("（架空）①㈱"), "(架空)1(株)");
        assert_eq!(normalize("ヴ ヵ ヶ ヽ"), "ゔゕゖゝ");
        assert_eq!(normalize("電子証明書"), "電子証明書");
    }

    #[test]
    fn html_becomes_text_with_block_breaks_and_references() {
        let html = "<h2 id=\"a\">見出し</h2>\n<p>本文の<strong>強調</strong>と<a href=\"x.html\">リンク</a>&amp;記号&lt;b&gt;&#x41;&#66;&nbsp;終わり</p><ul><li>一つ目</li><li>二つ目</li></ul>";
        assert_eq!(
            plain_text(html),
            "見出し 本文の強調とリンク&記号<b>AB 終わり 一つ目 二つ目"
        );
        assert_eq!(plain_text("a &unknown; & b"), "a &unknown; & b");
    }

    #[test]
    fn no_text_can_end_the_script_or_run_in_it() {
        let doc = SearchDoc {
            title: "</script><script>alert(1)</script>".into(),
            url: "faq.html#x".into(),
            kind: "よくある質問".into(),
            text: "<!-- a && b \u{2028} c \u{2029}".into(),
        };
        let script = index_script(std::slice::from_ref(&doc));
        for c in ['<', '>', '&', '\u{2028}', '\u{2029}'] {
            assert!(!script.contains(c), "{c:?} in {script}");
        }
        let json = script
            .strip_prefix("window.OUTREACH_SEARCH=")
            .and_then(|s| s.strip_suffix(";\n"))
            .unwrap();
        let value: serde_json::Value = serde_json::from_str(json).unwrap();
        assert_eq!(value["docs"][0][0], doc.title.as_str());
        assert_eq!(value["docs"][0][3], doc.text.as_str());
    }

    #[test]
    fn postings_name_each_document_holding_a_bigram() {
        let doc = |title: &str, text: &str| SearchDoc {
            title: title.into(),
            url: "x.html".into(),
            kind: "ガイド".into(),
            text: text.into(),
        };
        let docs = vec![
            doc("電子証明書", "データの送り主を確かめます"),
            doc("費用", "ライセンス料は年額です"),
            doc("証明", "デンシ"),
        ];
        let script = index_script(&docs);
        let json = script
            .strip_prefix("window.OUTREACH_SEARCH=")
            .and_then(|s| s.strip_suffix(";\n"))
            .unwrap();
        let value: serde_json::Value = serde_json::from_str(json).unwrap();
        assert_eq!(value["w"], 1);
        assert_eq!(value["grams"]["証明"], "02");
        assert_eq!(value["grams"]["電子"], "0");
        // Katakana is indexed as hiragana.
        assert_eq!(value["grams"]["でん"], "2");
        assert_eq!(value["grams"]["らい"], "1");
        assert_eq!(value["docs"][1][0], "費用");
        assert_eq!(id_width(36), 1);
        assert_eq!(id_width(37), 2);
        let mut s = String::new();
        push_id(&mut s, 37, 2);
        assert_eq!(s, "11");
    }
}
