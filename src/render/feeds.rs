//! sitemap.xml and the news feed (Atom). Both need absolute URLs, so a site
//! gets them only when its public URL is configured.

use crate::content::NewsItem;

/// Text as XML character data or attribute value. Characters XML 1.0 cannot
/// carry at all (C0 controls other than tab and line breaks, U+FFFE, U+FFFF)
/// become U+FFFD: loading already rejects them in content and settings, so this
/// only keeps a feed parseable if one slips through.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if c < ' ' || c == '\u{FFFE}' || c == '\u{FFFF}' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

/// A sitemap of the site's pages (`base` ends with `/`; `pages` are site-relative, sorted).
pub fn sitemap(base: &str, pages: &[String], build_date: &str) -> String {
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for page in pages {
        let loc = if page == "index.html" {
            base.to_string()
        } else {
            format!("{base}{page}")
        };
        out.push_str(&format!(
            "  <url><loc>{}</loc><lastmod>{build_date}</lastmod></url>\n",
            escape(&loc)
        ));
    }
    out.push_str("</urlset>\n");
    out
}

/// An Atom feed of the site's listed news and events, newest posting first.
pub fn atom(base: &str, title: &str, news: &[&NewsItem]) -> String {
    let updated = news
        .iter()
        .map(|n| n.date.as_str())
        .max()
        .unwrap_or("1970-01-01");
    let mut out = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"ja\">\n  <title>{} お知らせ・イベント</title>\n  <id>{}news/index.html</id>\n  <link rel=\"alternate\" href=\"{}news/index.html\"/>\n  <link rel=\"self\" href=\"{}news/feed.xml\"/>\n  <updated>{updated}T00:00:00Z</updated>\n",
        escape(title),
        escape(base),
        escape(base),
        escape(base)
    );
    for item in news {
        let url = escape(&format!("{base}{}", item.url));
        // A feed reader shows the posting date; an event's own date goes first.
        let summary = match &item.event {
            Some(e) => format!(
                "開催日時: {}。{}",
                super::events::when(e).display,
                item.description
            ),
            None => item.description.clone(),
        };
        out.push_str(&format!(
            "  <entry>\n    <title>{}</title>\n    <id>{url}</id>\n    <link rel=\"alternate\" href=\"{url}\"/>\n    <updated>{}T00:00:00Z</updated>\n    <author><name>{}</name></author>\n    <summary>{}</summary>\n  </entry>\n",
            escape(&item.title),
            item.date,
            escape(title),
            escape(&summary)
        ));
    }
    out.push_str("</feed>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_feed_is_well_formed_xml_whatever_the_text() {
        let item = NewsItem {
            slug: "a".into(),
            title: "説明会 <第1回> & \u{c}改ページ\u{0}".into(),
            date: "2026-04-01".into(),
            date_display: String::new(),
            kind: "イベント".into(),
            description: "\"引用\" \u{8}\u{FFFF}\u{85}".into(),
            event_date: None,
            event_date_display: None,
            venue: None,
            illustrative: false,
            html: String::new(),
            url: "news/a.html".into(),
            event: None,
            expires: None,
            origin: None,
        };
        let xml = atom("https://e.jp/?a=1&b=2/", "静岡市 <試行>", &[&item]);
        let doc = roxmltree::Document::parse(&xml).unwrap_or_else(|e| panic!("{e}: {xml}"));
        let title = doc
            .descendants()
            .find(|n| n.has_tag_name("entry"))
            .and_then(|e| e.children().find(|n| n.has_tag_name("title")))
            .and_then(|t| t.text())
            .unwrap();
        assert_eq!(title, "説明会 <第1回> & \u{FFFD}改ページ\u{FFFD}");
    }

    #[test]
    fn sitemap_lists_absolute_urls() {
        let xml = sitemap(
            "https://example.jp/m/221007/",
            &["index.html".into(), "faq.html".into()],
            "2026-11-29",
        );
        assert!(xml.contains("<loc>https://example.jp/m/221007/</loc>"));
        assert!(xml.contains(
            "<loc>https://example.jp/m/221007/faq.html</loc><lastmod>2026-11-29</lastmod>"
        ));
    }
}
