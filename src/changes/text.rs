//! The text a reader sees on a page, one line per block (heading, paragraph,
//! list item, table row), read with html5ever's tokenizer: what `changes`
//! compares, so that a change of markup alone (a class, an attribute, the
//! order of attributes) is not a change, and a change of wording is.

use std::cell::RefCell;

use html5ever::tendril::StrTendril;
use html5ever::tokenizer::states::RawKind;
use html5ever::tokenizer::{
    BufferQueue, CharacterTokens, EndTag, StartTag, TagToken, Token, TokenSink, TokenSinkResult,
    Tokenizer, TokenizerOpts,
};

/// A page's title (`<title>`) and the visible text of its body, by line.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PageText {
    pub title: String,
    pub lines: Vec<String>,
}

/// Elements that start a new line.
const BLOCKS: &[&str] = &[
    "address",
    "article",
    "aside",
    "blockquote",
    "br",
    "caption",
    "dd",
    "details",
    "dialog",
    "div",
    "dl",
    "dt",
    "fieldset",
    "figcaption",
    "figure",
    "footer",
    "form",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "hr",
    "legend",
    "li",
    "main",
    "nav",
    "ol",
    "option",
    "p",
    "pre",
    "section",
    "summary",
    "table",
    "tbody",
    "thead",
    "tfoot",
    "tr",
    "ul",
];

/// Elements whose content is not shown.
const UNSEEN: &[&str] = &["script", "style", "template", "noscript", "head"];

#[derive(Default)]
struct Reader {
    title: String,
    in_title: bool,
    in_body: bool,
    lines: Vec<String>,
    line: String,
    /// Open elements whose content is not shown (`<script>`, `hidden`…), by
    /// name, with how many of the same name are open inside them.
    skipping: Option<(String, usize)>,
}

impl Reader {
    fn end_line(&mut self) {
        let line = self.line.split_whitespace().collect::<Vec<_>>().join(" ");
        if !line.is_empty() {
            self.lines.push(line);
        }
        self.line.clear();
    }

    fn text(&mut self, text: &str) {
        if self.in_title {
            self.title.push_str(text);
        } else if self.skipping.is_none() {
            self.line.push_str(text);
        }
    }
}

struct Sink(RefCell<Reader>);

impl TokenSink for Sink {
    type Handle = ();

    fn process_token(&self, token: Token, _line: u64) -> TokenSinkResult<()> {
        let mut r = self.0.borrow_mut();
        match token {
            CharacterTokens(text) => r.text(&text),
            TagToken(tag) => {
                let name = tag.name.to_string();
                if name == "body" {
                    r.in_body = true;
                }
                if name == "title"
                    && !r.in_body
                    && r.skipping.as_ref().is_none_or(|s| s.0 == "head")
                {
                    r.in_title = tag.kind == StartTag;
                    return raw_kind(&name, tag.kind == StartTag);
                }
                if let Some((skipped, depth)) = &mut r.skipping {
                    if *skipped == name {
                        match tag.kind {
                            StartTag if !tag.self_closing => *depth += 1,
                            EndTag if *depth == 0 => r.skipping = None,
                            EndTag => *depth -= 1,
                            StartTag => {}
                        }
                    }
                    return raw_kind(&name, tag.kind == StartTag);
                }
                if name == "svg" && tag.kind == StartTag {
                    // A chart: its figures are in the table beside it; its
                    // name is what a reader is told it shows.
                    if let Some(label) = tag.attrs.iter().find(|a| &*a.name.local == "aria-label")
                        && !label.value.trim().is_empty()
                    {
                        let label = format!("[図: {}]", label.value.trim());
                        r.end_line();
                        r.line.push_str(&label);
                        r.end_line();
                    }
                    if !tag.self_closing {
                        r.skipping = Some((name.clone(), 0));
                    }
                    return TokenSinkResult::Continue;
                }
                let hidden =
                    tag.kind == StartTag && tag.attrs.iter().any(|a| &*a.name.local == "hidden");
                if tag.kind == StartTag && (UNSEEN.contains(&name.as_str()) || hidden) {
                    if !tag.self_closing && !is_void(&name) {
                        r.skipping = Some((name.clone(), 0));
                    }
                    return raw_kind(&name, true);
                }
                if BLOCKS.contains(&name.as_str()) {
                    r.end_line();
                } else if matches!(name.as_str(), "td" | "th") && tag.kind == StartTag {
                    if !r.line.trim().is_empty() {
                        r.line.push_str(" | ");
                    }
                } else if name == "img" && tag.kind == StartTag {
                    let alt = tag
                        .attrs
                        .iter()
                        .find(|a| &*a.name.local == "alt")
                        .map(|a| a.value.to_string())
                        .unwrap_or_default();
                    if !alt.trim().is_empty() {
                        r.line.push_str(&format!("[画像: {}]", alt.trim()));
                    }
                }
            }
            _ => {}
        }
        TokenSinkResult::Continue
    }
}

fn is_void(name: &str) -> bool {
    matches!(
        name,
        "area"
            | "base"
            | "br"
            | "col"
            | "embed"
            | "hr"
            | "img"
            | "input"
            | "link"
            | "meta"
            | "source"
            | "track"
            | "wbr"
    )
}

/// The tokenizer state for an element's content (as the HTML parser would
/// set it): the text of `<script>` or `<style>` is never read as markup.
fn raw_kind(name: &str, start: bool) -> TokenSinkResult<()> {
    if !start {
        return TokenSinkResult::Continue;
    }
    match name {
        "script" => TokenSinkResult::RawData(RawKind::ScriptData),
        "style" | "noscript" | "xmp" | "iframe" | "noembed" | "noframes" => {
            TokenSinkResult::RawData(RawKind::Rawtext)
        }
        "title" | "textarea" => TokenSinkResult::RawData(RawKind::Rcdata),
        _ => TokenSinkResult::Continue,
    }
}

/// The visible text of an HTML document.
pub fn page_text(html: &str) -> PageText {
    let tokenizer = Tokenizer::new(
        Sink(RefCell::new(Reader::default())),
        TokenizerOpts::default(),
    );
    let input = BufferQueue::default();
    input.push_back(StrTendril::from_slice(html));
    let _ = tokenizer.feed(&input);
    tokenizer.end();
    let mut reader = tokenizer.sink.0.into_inner();
    reader.end_line();
    PageText {
        title: reader
            .title
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" "),
        lines: reader.lines,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_become_lines_and_hidden_parts_are_left_out() {
        let html = r#"<!DOCTYPE html><html><head><title>よくある質問 | 静岡市</title>
<style>p { color: red }</style><script>var x = "<p>not text</p>";</script>
<script type="application/ld+json">{"@type":"FAQPage"}</script></head>
<body><h1>よくある <em>質問</em></h1><p>一行目<br>二行目</p>
<ul><li>項目1</li><li>項目2</li></ul>
<table><tr><th>事業所数</th><td>1,234</td></tr></table>
<div hidden><p>見えない</p><div>これも</div></div>
<img src="a.png" alt="導入の流れの図"><svg role="img" aria-label="利用率の推移"><title>推移</title><text>4.6%</text></svg>
<p class="x" data-y="1">終わり</p></body></html>"#;
        let text = page_text(html);
        assert_eq!(text.title, "よくある質問 | 静岡市");
        assert_eq!(
            text.lines,
            vec![
                "よくある 質問",
                "一行目",
                "二行目",
                "項目1",
                "項目2",
                "事業所数 | 1,234",
                "[画像: 導入の流れの図]",
                "[図: 利用率の推移]",
                "終わり"
            ]
        );
        // Markup alone changing gives the same text.
        let other = html.replace("class=\"x\" data-y=\"1\"", "id=\"end\"");
        assert_eq!(page_text(&other), text);
    }
}
