//! Markdown to safe HTML. Internal links written `@/guides/checklist.md`
//! become relative links; raw HTML is sanitized so content cannot inject
//! script. Template syntax in content is never evaluated (content never
//! passes through Tera), so it prints literally.

use std::collections::{BTreeMap, BTreeSet};
use std::ops::Range;

use pulldown_cmark::{CowStr, Event, Options, Parser, Tag, TagEnd};

use super::raw_html::{self, SELF_CLOSING_SIBLINGS, VOID};
use super::resources::{self, NotLocal};
use crate::format::file_label;

/// How deep elements may nest in one body (blockquotes, lists, raw HTML tags
/// together). Browsers stop at 512; content for councils never needs more than a
/// handful, and the sanitizer's HTML parser takes time in proportion to the depth
/// for each element, so an unbounded depth made 100 KB of `>` take over a minute.
pub const MAX_DEPTH: usize = 100;

/// A problem found while rendering, with its 1-based line and column (in
/// characters) in the body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BodyProblem {
    pub body_line: usize,
    pub column: usize,
    pub issue: Issue,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Issue {
    /// An `@/` link to a page that does not exist (or is not visible from here).
    MissingLink { target: String },
    /// Elements nested deeper than [`MAX_DEPTH`].
    TooDeep,
    /// Something the page would load by itself from outside the site:
    /// `what` names it (`画像`, `<img> の src`…).
    NotLocal {
        what: String,
        url: String,
        kind: NotLocal,
    },
}

/// Renders Markdown bodies; holds the sanitizer configuration, built once.
pub struct MarkdownRenderer {
    sanitizer: ammonia::Builder<'static>,
    /// Files every site has (site-relative path → size in bytes): a link to one
    /// of the labelled types shows its type and size, as generated links do.
    files: BTreeMap<String, u64>,
}

impl Default for MarkdownRenderer {
    fn default() -> Self {
        Self::new()
    }
}

/// Nesting depth and raw HTML of one body, followed event by event.
struct Walk<'b> {
    body: &'b str,
    line_starts: Vec<usize>,
    problems: Vec<BodyProblem>,
    /// Open Markdown elements.
    depth: usize,
    /// For each open Markdown link, the 「（PDF・42KB）」 label it ends with, if any.
    links: Vec<Option<String>>,
    /// Open raw HTML elements, by name (void and self-closing-sibling elements never stay open).
    raw_open: Vec<String>,
    too_deep: bool,
    /// Text of the HTML block being read, with (text offset, body offset) of each piece.
    block: String,
    block_map: Vec<(usize, usize)>,
}

impl<'b> Walk<'b> {
    fn new(body: &'b str) -> Self {
        Walk {
            body,
            line_starts: std::iter::once(0)
                .chain(body.match_indices('\n').map(|(i, _)| i + 1))
                .collect(),
            problems: Vec::new(),
            depth: 0,
            links: Vec::new(),
            raw_open: Vec::new(),
            too_deep: false,
            block: String::new(),
            block_map: Vec::new(),
        }
    }

    fn push(&mut self, offset: usize, issue: Issue) {
        let line = self.line_starts.partition_point(|&s| s <= offset);
        let start = self.line_starts[line - 1];
        let column = self
            .body
            .get(start..offset)
            .map_or(1, |before| before.chars().count() + 1);
        self.problems.push(BodyProblem {
            body_line: line,
            column,
            issue,
        });
    }

    fn opened(&mut self, offset: usize) {
        if !self.too_deep && self.depth + self.raw_open.len() > MAX_DEPTH {
            self.too_deep = true;
            self.push(offset, Issue::TooDeep);
        }
    }

    fn resource(&mut self, offset: usize, what: String, url: &str) {
        if let Some(kind) = resources::classify(url) {
            let url: String = url.chars().take(200).collect();
            self.push(offset, Issue::NotLocal { what, url, kind });
        }
    }

    /// Where the text of an event starts in the body: its range, when the text
    /// is that slice of the body (it is not when a container prefix was removed).
    fn source_of(&self, text: &str, range: &Range<usize>) -> usize {
        if self.body.get(range.start..range.start + text.len()) == Some(text) {
            range.start
        } else {
            self.body[range.clone()]
                .find(text)
                .map_or(range.start, |i| range.start + i)
        }
    }

    /// Check a fragment of raw HTML; `map` turns a fragment offset into a body offset.
    fn raw(&mut self, html: &str, map: &dyn Fn(usize) -> usize) {
        for tag in raw_html::tags(html) {
            if tag.closing {
                if let Some(i) = self.raw_open.iter().rposition(|n| *n == tag.name) {
                    self.raw_open.truncate(i);
                }
                continue;
            }
            for attribute in &tag.attributes {
                for url in resources::loaded_urls(&tag.name, &attribute.name, &attribute.value) {
                    self.resource(
                        map(attribute.offset),
                        format!("<{}> の {}", tag.name, attribute.name),
                        &url,
                    );
                }
            }
            if !VOID.contains(&tag.name.as_str())
                && !SELF_CLOSING_SIBLINGS.contains(&tag.name.as_str())
            {
                self.raw_open.push(tag.name);
                self.opened(map(tag.offset));
            }
        }
    }

    fn end_block(&mut self) {
        let html = std::mem::take(&mut self.block);
        let pieces = std::mem::take(&mut self.block_map);
        let map = |offset: usize| {
            let i = pieces.partition_point(|&(text, _)| text <= offset).max(1) - 1;
            pieces
                .get(i)
                .map_or(0, |&(text, body)| body + offset - text)
        };
        self.raw(&html, &map);
    }
}

impl MarkdownRenderer {
    pub fn new() -> Self {
        let mut sanitizer = ammonia::Builder::default();
        // Task-list boxes become labelled symbols (a form control without a
        // label fails WCAG), so a printed checklist still shows ☐.
        sanitizer
            .add_tag_attributes("span", ["class", "role", "aria-label"])
            .add_tag_attributes("code", ["class"])
            // The scrolling region around each table (see `table_regions`).
            .add_tag_attributes("div", ["class", "role", "tabindex", "aria-label"])
            .add_tag_attributes("td", ["style"])
            .add_tag_attributes("th", ["style"])
            .filter_style_properties(["text-align"].into_iter().collect())
            .link_rel(None)
            .url_relative(ammonia::UrlRelative::PassThrough)
            // The last line of defence for "only local resources": whatever the
            // located check missed, a non-local resource never reaches a page.
            .attribute_filter(|element, attribute, value| {
                resources::keep_attribute(element, attribute, value).then_some(value.into())
            });
        Self {
            sanitizer,
            files: BTreeMap::new(),
        }
    }

    /// The files every site has, by site-relative path (`assets/guide.pdf`)
    /// with their sizes: links to them from a body show type and size.
    pub fn with_files(mut self, files: BTreeMap<String, u64>) -> Self {
        self.files = files;
        self
    }

    /// 「（PDF・42KB）」 for a link from `page_url` to `dest` when `dest` is one of
    /// the site's own files of a labelled type.
    fn file_label(&self, page_url: &str, dest: &str) -> Option<String> {
        let path = dest.split(['#', '?']).next().unwrap_or_default();
        let ext = path.rsplit_once('.')?.1.to_ascii_lowercase();
        if !file_label::LABELLED.contains(&ext.as_str()) {
            return None;
        }
        let target = site_path(page_url, path)?;
        let bytes = self.files.get(&target)?;
        Some(format!("（{}）", file_label::label(&target, *bytes)))
    }

    /// Clean HTML that is not from a Markdown body (tests of the sanitizer alone).
    pub fn sanitize(&self, html: &str) -> String {
        self.sanitizer.clean(html).to_string()
    }

    /// Render `body` for a page whose output path is `page_url` (site-relative,
    /// e.g. `guides/checklist.html`). `known` holds the `@/` targets that exist,
    /// mapped to their site-relative URLs by `url_of`. When the body nests deeper
    /// than [`MAX_DEPTH`] the HTML is empty and the problem says where.
    pub fn render(
        &self,
        body: &str,
        page_url: &str,
        known: &BTreeSet<String>,
        url_of: impl Fn(&str) -> String,
    ) -> (String, Vec<BodyProblem>) {
        let root = root_prefix(page_url);
        let options = Options::ENABLE_TABLES
            | Options::ENABLE_TASKLISTS
            | Options::ENABLE_STRIKETHROUGH
            | Options::ENABLE_FOOTNOTES;
        let mut walk = Walk::new(body);
        let events = Parser::new_ext(body, options)
            .into_offset_iter()
            .map(|(event, range)| match event {
                Event::Start(Tag::HtmlBlock) => Event::Start(Tag::HtmlBlock),
                Event::End(TagEnd::HtmlBlock) => {
                    walk.end_block();
                    Event::End(TagEnd::HtmlBlock)
                }
                Event::Html(text) => {
                    let source = walk.source_of(&text, &range);
                    let at = walk.block.len();
                    walk.block_map.push((at, source));
                    walk.block.push_str(&text);
                    Event::Html(text)
                }
                Event::InlineHtml(text) => {
                    let source = walk.source_of(&text, &range);
                    walk.raw(&text, &|offset| source + offset);
                    Event::InlineHtml(text)
                }
                Event::Start(tag) => {
                    walk.depth += 1;
                    walk.opened(range.start);
                    Event::Start(match tag {
                        Tag::Image {
                            link_type,
                            dest_url,
                            title,
                            id,
                        } => {
                            walk.resource(range.start, "画像".to_string(), &dest_url);
                            Tag::Image {
                                link_type,
                                dest_url,
                                title,
                                id,
                            }
                        }
                        Tag::Link {
                            link_type,
                            dest_url,
                            title,
                            id,
                        } => {
                            let dest_url = match dest_url.strip_prefix("@/") {
                                Some(rest) => {
                                    let (path, fragment) = match rest.split_once('#') {
                                        Some((p, f)) => (p, Some(f)),
                                        None => (rest, None),
                                    };
                                    if known.contains(path) {
                                        let mut url = format!("{root}{}", url_of(path));
                                        if let Some(f) = fragment {
                                            url.push('#');
                                            url.push_str(f);
                                        }
                                        CowStr::from(url)
                                    } else {
                                        walk.push(
                                            range.start,
                                            Issue::MissingLink {
                                                target: dest_url.to_string(),
                                            },
                                        );
                                        dest_url
                                    }
                                }
                                None => dest_url,
                            };
                            walk.links.push(self.file_label(page_url, &dest_url));
                            Tag::Link {
                                link_type,
                                dest_url,
                                title,
                                id,
                            }
                        }
                        other => other,
                    })
                }
                Event::End(TagEnd::Link) => {
                    walk.depth = walk.depth.saturating_sub(1);
                    match walk.links.pop().flatten() {
                        // The label goes inside the link, so it is read with the link's name.
                        Some(label) => Event::InlineHtml(CowStr::from(format!("{label}</a>"))),
                        None => Event::End(TagEnd::Link),
                    }
                }
                Event::End(tag) => {
                    walk.depth = walk.depth.saturating_sub(1);
                    Event::End(tag)
                }
                Event::TaskListMarker(checked) => Event::InlineHtml(CowStr::from(if checked {
                    r#"<span class="task-box" role="img" aria-label="確認済み">☑</span> "#
                } else {
                    r#"<span class="task-box" role="img" aria-label="未確認">☐</span> "#
                })),
                other => other,
            });
        let events = table_regions(events);
        let mut html = String::with_capacity(body.len() * 2);
        pulldown_cmark::html::push_html(&mut html, events);
        if !walk.block.is_empty() {
            walk.end_block();
        }
        let html = if walk.too_deep {
            // Sanitizing would take time in proportion to depth × elements; the
            // problem stops the build, so nothing is published from this body.
            String::new()
        } else {
            self.sanitizer.clean(&html).to_string()
        };
        (html, walk.problems)
    }
}

/// The site-relative path a relative link `dest` on page `page_url` points
/// to (`../assets/a.pdf` from `guides/x.html` → `assets/a.pdf`); `None` for an
/// absolute URL, a scheme, or a path that climbs out of the site.
fn site_path(page_url: &str, dest: &str) -> Option<String> {
    if dest.is_empty() || dest.starts_with('/') || dest.contains(':') {
        return None;
    }
    let mut parts: Vec<&str> = page_url.split('/').collect();
    parts.pop();
    for segment in dest.split('/') {
        match segment {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            s => parts.push(s),
        }
    }
    Some(parts.join("/"))
}

/// Puts every table in a region that scrolls sideways on a narrow screen and
/// that a keyboard can reach (`tabindex="0"`), named after the heading above
/// the table (「ライセンス料の表」).
fn table_regions<'a>(events: impl Iterator<Item = Event<'a>>) -> impl Iterator<Item = Event<'a>> {
    let mut heading = String::new();
    let mut in_heading = false;
    events.flat_map(move |event| {
        let mut out = Vec::with_capacity(2);
        match &event {
            Event::Start(Tag::Heading { .. }) => {
                in_heading = true;
                heading.clear();
            }
            Event::End(TagEnd::Heading(_)) => in_heading = false,
            Event::Text(text) | Event::Code(text) if in_heading => heading.push_str(text),
            Event::Start(Tag::Table(_)) => {
                // Escaped for the attribute; the sanitizer checks the result again.
                let name = heading
                    .trim()
                    .replace('&', "&amp;")
                    .replace('"', "&quot;")
                    .replace('<', "&lt;")
                    .replace('>', "&gt;");
                out.push(Event::Html(CowStr::from(format!(
                    r#"<div class="table-wrap" role="region" tabindex="0" aria-label="{name}{}表">"#,
                    if name.is_empty() { "" } else { "の" }
                ))));
            }
            _ => {}
        }
        let closes_table = matches!(event, Event::End(TagEnd::Table));
        out.push(event);
        if closes_table {
            out.push(Event::Html(CowStr::from("</div>")));
        }
        out
    })
}

/// `../` once per folder in a site-relative path: the way back to the site root.
pub fn root_prefix(page_url: &str) -> String {
    "../".repeat(page_url.matches('/').count())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render(body: &str) -> (String, Vec<BodyProblem>) {
        let known: BTreeSet<String> = ["guides/checklist.md".to_string()].into();
        MarkdownRenderer::new().render(body, "guides/flow.html", &known, |p| {
            p.replace(".md", ".html")
        })
    }

    #[test]
    fn a_table_scrolls_in_a_region_named_after_its_heading() {
        let (html, _) =
            render("## 費用 & 期間\n\n| a | b |\n| - | - |\n| 1 | 2 |\n\n| c |\n| - |\n| 3 |\n");
        assert!(
            html.contains(
                r#"<div class="table-wrap" role="region" tabindex="0" aria-label="費用 &amp; 期間の表"><table>"#
            ),
            "{html}"
        );
        assert_eq!(
            html.matches(r#"<div class="table-wrap""#).count(),
            2,
            "{html}"
        );
        assert_eq!(html.matches("</table>\n</div>").count(), 2, "{html}");
        let (html, _) = render("| a |\n| - |\n| 1 |\n");
        assert!(html.contains(r#"aria-label="表""#), "{html}");
    }

    #[test]
    fn script_never_reaches_the_output() {
        let (html, _) = render(
            "Hi <script>alert(1)</script>\n\n<img src=x onerror=alert(1)>\n\n[x](javascript:alert(1))",
        );
        assert!(!html.contains("<script"), "{html}");
        assert!(!html.contains("onerror"), "{html}");
        assert!(!html.contains("javascript:"), "{html}");
    }

    #[test]
    fn a_link_to_a_file_of_the_site_shows_its_type_and_size() {
        let renderer = MarkdownRenderer::new().with_files(
            [
                ("assets/guide.pdf".to_string(), 43_000),
                ("assets/flow.png".to_string(), 900),
            ]
            .into(),
        );
        let body = "[手引き](../assets/guide.pdf#page=2) と [図](../assets/flow.png) と \
                    [ない](../assets/none.pdf) と [外](https://example.jp/a.pdf)";
        let (html, problems) = renderer.render(body, "guides/start.html", &BTreeSet::new(), |p| {
            p.to_string()
        });
        assert!(problems.is_empty(), "{problems:?}");
        assert!(
            html.contains(r#"<a href="../assets/guide.pdf#page=2">手引き（PDF・42KB）</a>"#),
            "{html}"
        );
        assert!(html.contains(">図（PNG・1KB）</a>"), "{html}");
        assert!(html.contains(">ない</a>"), "{html}");
        assert!(html.contains(">外</a>"), "{html}");
        assert_eq!(site_path("index.html", "../x.pdf"), None);
        assert_eq!(
            site_path("m/a/b.html", "./c/../d.pdf").as_deref(),
            Some("m/a/d.pdf")
        );
    }

    #[test]
    fn internal_links_become_relative() {
        let (html, problems) = render("[チェックリスト](@/guides/checklist.md#top)");
        assert!(problems.is_empty());
        assert!(
            html.contains(r#"href="../guides/checklist.html#top""#),
            "{html}"
        );
    }

    #[test]
    fn missing_internal_link_is_reported_with_line_and_column() {
        let (_, problems) = render("line one\n\nsee [x](@/guides/missing.md)\n");
        assert_eq!(
            problems,
            vec![BodyProblem {
                body_line: 3,
                column: 5,
                issue: Issue::MissingLink {
                    target: "@/guides/missing.md".into()
                }
            }]
        );
    }

    #[test]
    fn template_syntax_stays_literal_and_tables_render() {
        let (html, _) = render("{{ secret }} {% raw %}\n\n|a|b|\n|-|-|\n|1|2|\n\n- [x] done");
        assert!(html.contains("{{ secret }}"));
        assert!(html.contains("<table>"));
        assert!(html.contains(r#"aria-label="確認済み">☑</span>"#), "{html}");
    }

    /// (line, column) of each problem that is not a missing link.
    fn located(problems: &[BodyProblem]) -> Vec<(usize, usize, Issue)> {
        problems
            .iter()
            .map(|p| (p.body_line, p.column, p.issue.clone()))
            .collect()
    }

    #[test]
    fn deep_nesting_is_refused_in_linear_time_with_its_location() {
        // 100 KB of each; before the cap these took 64 s and 96 s of CPU in a release build.
        let quotes = format!("前置き\n\n{} 深い\n", ">".repeat(100_000));
        let lists = format!("{}x\n", "- ".repeat(50_000));
        let divs = format!("前置き\n\n{}\n", "<div>".repeat(20_000));
        let spans = format!("a {} b\n", "<span>".repeat(20_000));
        for (body, line, column) in [
            (&quotes, 3, 101),
            (&lists, 1, 101),
            (&divs, 3, 501),
            (&spans, 1, 597),
        ] {
            let started = std::time::Instant::now();
            let (html, problems) = render(body);
            let took = started.elapsed();
            assert!(took.as_secs_f64() < 5.0, "{took:?}");
            assert!(
                html.is_empty(),
                "nothing is published from a body that is too deep"
            );
            let deep: Vec<_> = located(&problems)
                .into_iter()
                .filter(|(_, _, issue)| *issue == Issue::TooDeep)
                .collect();
            assert_eq!(
                deep,
                vec![(line, column, Issue::TooDeep)],
                "{}",
                &body[..20]
            );
        }
        // Ordinary nesting is untouched.
        let (html, problems) =
            render("> a\n>\n> > b\n\n- a\n  - b\n    - c\n\n<div><div>x</div></div>\n");
        assert!(problems.is_empty(), "{problems:?}");
        assert!(
            html.contains("<blockquote>") && html.contains("<li>c</li>"),
            "{html}"
        );
        // Closing a tag that was never opened does not hide depth.
        let (_, problems) = render(&"<div></span>".repeat(200));
        assert_eq!(problems.len(), 1);
        // Siblings a browser closes by itself are not a nest.
        let (_, problems) = render(&format!("<ul>{}</ul>", "<li>x".repeat(500)));
        assert!(problems.is_empty(), "{problems:?}");
    }

    #[test]
    fn resources_from_elsewhere_are_reported_at_their_line_and_column() {
        let body = "# 見出し\n\n説明 ![図](https://example.com/a.png) と ![図](../assets/ok.png)\n\n\
            <p>本文 <img alt=\"x\" src=\"//cdn.example/b.png\"></p>\n\n\
            <video controls\n  poster=\"https&colon;//e.jp/p.jpg\">\n<source srcset=\"c.webp 1x, http://e.jp/c.webp 2x\">\n</video>\n\n\
            <table><tr><td style=\"background:url(/bg.gif)\">x</td></tr></table>\n\n\
            ![データ](data:image/png;base64,AAAA) [リンクは使える](https://example.com/)\n";
        let (html, problems) = render(body);
        let found: Vec<(usize, usize, String, String)> = problems
            .iter()
            .map(|p| match &p.issue {
                Issue::NotLocal { what, url, .. } => {
                    (p.body_line, p.column, what.clone(), url.clone())
                }
                other => panic!("{other:?}"),
            })
            .collect();
        assert_eq!(
            found,
            vec![
                (3, 4, "画像".into(), "https://example.com/a.png".into()),
                (5, 20, "<img> の src".into(), "//cdn.example/b.png".into()),
                (
                    8,
                    3,
                    "<video> の poster".into(),
                    "https://e.jp/p.jpg".into()
                ),
                (
                    9,
                    9,
                    "<source> の srcset".into(),
                    "http://e.jp/c.webp".into()
                ),
                (12, 16, "<td> の style".into(), "/bg.gif".into()),
                (14, 1, "画像".into(), "data:image/png;base64,AAAA".into()),
            ]
        );
        assert!(html.contains(r#"src="../assets/ok.png""#), "{html}");
        assert!(
            html.contains(r#"href="https://example.com/""#),
            "links stay: {html}"
        );
        assert!(
            !html.contains("example.com/a.png") && !html.contains("cdn.example"),
            "{html}"
        );
    }

    #[test]
    fn the_sanitizer_drops_non_local_resources_on_its_own() {
        let renderer = MarkdownRenderer::new();
        let html = renderer.sanitize(
            r#"<img src="https://e.jp/a.png" alt="a"><img src="//e.jp/b.png"><img src="ok.png"><a href="https://e.jp/">x</a>"#,
        );
        assert_eq!(
            html,
            r#"<img alt="a"><img><img src="ok.png"><a href="https://e.jp/">x</a>"#
        );
    }

    /// Pieces hostile Markdown is made of: markup, URLs in every disguise, nesting, controls.
    fn hostile_body() -> impl proptest::strategy::Strategy<Value = String> {
        use proptest::prelude::*;
        let pieces = prop::sample::select(vec![
            "<",
            ">",
            "</",
            "/>",
            "<img",
            "<IMG",
            " src=",
            " srcset=",
            " style=",
            " poster=",
            "\"",
            "'",
            "&#58;",
            "&#x2f;",
            "&colon;",
            "&",
            "https:",
            "//",
            "\\",
            "e.jp/a.png",
            "url(",
            ")",
            "<div>",
            "</div>",
            "<script>",
            "<!--",
            "-->",
            "<video",
            "<source",
            "![a](",
            "[a](",
            "@/x.md",
            "> ",
            "- ",
            "1. ",
            "  ",
            "\n",
            "\n\n",
            "|a|b|\n|-|-|\n",
            "`",
            "*",
            "_",
            "# ",
            "説明",
            "\u{0}",
            "\u{8}",
            "\u{85}",
            "\u{2028}",
            "\r",
        ]);
        prop::collection::vec(pieces, 0..200).prop_map(|v| v.concat())
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2000))]

        #[test]
        fn any_body_renders_without_panic_or_script_or_remote_resource(body in hostile_body()) {
            let (html, problems) = render(&body);
            proptest::prop_assert!(!html.to_ascii_lowercase().contains("<script"), "{}", html);
            for tag in raw_html::tags(&html) {
                for a in &tag.attributes {
                    for url in resources::loaded_urls(&tag.name, &a.name, &a.value) {
                        proptest::prop_assert!(resources::classify(&url).is_none(), "{} in {}", url, html);
                    }
                }
            }
            let lines = body.split('\n').count();
            for p in &problems {
                proptest::prop_assert!(p.body_line >= 1 && p.body_line <= lines, "{:?}", p);
                proptest::prop_assert!(p.column >= 1, "{:?}", p);
            }
        }

        #[test]
        fn the_raw_html_lexer_takes_anything(html in hostile_body()) {
            for tag in raw_html::tags(&html) {
                proptest::prop_assert!(html.is_char_boundary(tag.offset));
                for a in &tag.attributes {
                    proptest::prop_assert!(html.is_char_boundary(a.offset));
                }
            }
        }
    }

    #[test]
    fn root_prefix_counts_folders() {
        assert_eq!(root_prefix("index.html"), "");
        assert_eq!(root_prefix("guides/flow.html"), "../");
        assert_eq!(root_prefix("a/b/c.html"), "../../");
    }
}
