//! Markdown to safe HTML. Internal links written `@/guides/checklist.md`
//! become relative links; raw HTML is sanitized so content cannot inject
//! script. Template syntax in content is never evaluated (content never
//! passes through Tera), so it prints literally.

use std::collections::BTreeSet;

use pulldown_cmark::{CowStr, Event, Options, Parser, Tag, TagEnd};

/// A link problem found while rendering, with its 1-based line in the body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkProblem {
    pub body_line: usize,
    pub column: usize,
    pub target: String,
}

/// Renders Markdown bodies; holds the sanitizer configuration, built once.
pub struct MarkdownRenderer {
    sanitizer: ammonia::Builder<'static>,
}

impl Default for MarkdownRenderer {
    fn default() -> Self {
        Self::new()
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
            .url_relative(ammonia::UrlRelative::PassThrough);
        Self { sanitizer }
    }

    /// Render `body` for a page whose output path is `page_url` (site-relative,
    /// e.g. `guides/checklist.html`). `known` holds the `@/` targets that exist,
    /// mapped to their site-relative URLs by `url_of`.
    pub fn render(
        &self,
        body: &str,
        page_url: &str,
        known: &BTreeSet<String>,
        url_of: impl Fn(&str) -> String,
    ) -> (String, Vec<LinkProblem>) {
        let root = root_prefix(page_url);
        let mut problems = Vec::new();
        let options = Options::ENABLE_TABLES
            | Options::ENABLE_TASKLISTS
            | Options::ENABLE_STRIKETHROUGH
            | Options::ENABLE_FOOTNOTES;
        let line_starts: Vec<usize> = std::iter::once(0)
            .chain(body.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        let events = Parser::new_ext(body, options)
            .into_offset_iter()
            .map(|(event, range)| match event {
                Event::Start(Tag::Link {
                    link_type,
                    dest_url,
                    title,
                    id,
                }) => {
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
                                let line = line_starts.partition_point(|&s| s <= range.start);
                                let column = range.start - line_starts[line - 1] + 1;
                                problems.push(LinkProblem {
                                    body_line: line,
                                    column,
                                    target: dest_url.to_string(),
                                });
                                dest_url
                            }
                        }
                        None => dest_url,
                    };
                    Event::Start(Tag::Link {
                        link_type,
                        dest_url,
                        title,
                        id,
                    })
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
        (self.sanitizer.clean(&html).to_string(), problems)
    }
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

    fn render(body: &str) -> (String, Vec<LinkProblem>) {
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
            vec![LinkProblem {
                body_line: 3,
                column: 5,
                target: "@/guides/missing.md".into()
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

    #[test]
    fn root_prefix_counts_folders() {
        assert_eq!(root_prefix("index.html"), "");
        assert_eq!(root_prefix("guides/flow.html"), "../");
        assert_eq!(root_prefix("a/b/c.html"), "../../");
    }
}
