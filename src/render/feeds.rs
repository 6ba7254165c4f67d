//! sitemap.xml and the news feed (Atom). Both need absolute URLs, so a site
//! gets them only when its public URL is configured.

use crate::content::NewsItem;

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
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

/// An Atom feed of the site's news and events, newest first.
pub fn atom(base: &str, title: &str, news: &[NewsItem]) -> String {
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
        out.push_str(&format!(
            "  <entry>\n    <title>{}</title>\n    <id>{url}</id>\n    <link rel=\"alternate\" href=\"{url}\"/>\n    <updated>{}T00:00:00Z</updated>\n    <author><name>{}</name></author>\n    <summary>{}</summary>\n  </entry>\n",
            escape(&item.title),
            item.date,
            escape(title),
            escape(&item.description)
        ));
    }
    out.push_str("</feed>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

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
