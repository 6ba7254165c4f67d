//! Only local resources: a page may link anywhere, but everything it loads by
//! itself (images, video posters, sources, styles) must come from the site's
//! own folder. A resource from another server breaks in a closed council
//! network and tells that server who read the page.

/// Where a resource URL points, when it is not a plain relative path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NotLocal {
    /// Another server: `https://…`, `//host/…`.
    Remote,
    /// A scheme that loads no file of the site (`data:`, `javascript:`…).
    Scheme,
    /// `/path`: the server's root, not the site's folder (breaks under a sub-path and from disk).
    RootAbsolute,
}

/// Whether `url` is a path inside the site; if not, what it is. Read as a
/// browser reads it: surrounding spaces and controls ignored, tabs and line
/// breaks dropped, `\` taken as `/`.
pub fn classify(url: &str) -> Option<NotLocal> {
    let cleaned: String = url
        .trim_matches(|c: char| c <= ' ')
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .map(|c| if c == '\\' { '/' } else { c })
        .collect();
    if cleaned.starts_with("//") {
        return Some(NotLocal::Remote);
    }
    let scheme_len = cleaned
        .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.')))
        .unwrap_or(cleaned.len());
    if scheme_len > 0
        && cleaned.starts_with(|c: char| c.is_ascii_alphabetic())
        && cleaned[scheme_len..].starts_with(':')
    {
        let scheme = cleaned[..scheme_len].to_ascii_lowercase();
        let network = matches!(
            scheme.as_str(),
            "http" | "https" | "ftp" | "ftps" | "ws" | "wss"
        ) || cleaned[scheme_len + 1..].starts_with("//");
        return Some(if network {
            NotLocal::Remote
        } else {
            NotLocal::Scheme
        });
    }
    if cleaned.starts_with('/') {
        return Some(NotLocal::RootAbsolute);
    }
    None
}

/// The URLs an attribute makes the browser load by itself (not links the reader follows).
pub fn loaded_urls(element: &str, attribute: &str, value: &str) -> Vec<String> {
    match attribute {
        "src" | "lowsrc" | "dynsrc" | "poster" | "background" | "xlink:href" => {
            vec![value.to_string()]
        }
        "data" if element == "object" => vec![value.to_string()],
        "href" if matches!(element, "link" | "image" | "use" | "feimage") => {
            vec![value.to_string()]
        }
        "ping" => value.split_ascii_whitespace().map(str::to_string).collect(),
        "srcset" | "imagesrcset" => value
            .split(',')
            .filter_map(|candidate| candidate.split_ascii_whitespace().next())
            .map(str::to_string)
            .collect(),
        "style" => css_urls(value),
        _ => Vec::new(),
    }
}

/// The arguments of every `url(…)` in a style value.
fn css_urls(style: &str) -> Vec<String> {
    let lower = style.to_ascii_lowercase();
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(at) = lower[from..].find("url(") {
        let start = from + at + 4;
        let end = lower[start..].find(')').map_or(style.len(), |e| start + e);
        let arg = style[start..end].trim().trim_matches(['"', '\'']);
        out.push(arg.to_string());
        from = end;
    }
    if lower.contains("@import") || lower.contains("image-set(") {
        // Not a URL we can name, but a style that loads something all the same.
        out.push("//".to_string());
    }
    out
}

/// The sanitizer's last word on an attribute: a loaded URL that is not local
/// is dropped, whatever the check before it reported.
pub fn keep_attribute(element: &str, attribute: &str, value: &str) -> bool {
    loaded_urls(element, attribute, value)
        .iter()
        .all(|url| classify(url).is_none())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_paths_are_local_everything_else_is_named() {
        for url in [
            "../assets/a.png",
            "a.png",
            "#top",
            "?x=1",
            "",
            "img/写真.png",
        ] {
            assert_eq!(classify(url), None, "{url}");
        }
        for url in [
            "https://e.jp/a.png",
            "HTTP://e.jp",
            "//e.jp/a.png",
            "\\\\e.jp\\a.png",
            "/\\e.jp/a.png",
            " \thttps://e.jp",
            "ht\ntps://e.jp",
            "gopher://e.jp",
        ] {
            assert_eq!(classify(url), Some(NotLocal::Remote), "{url:?}");
        }
        for url in [
            "data:image/png;base64,AAAA",
            "javascript:alert(1)",
            "blob:x",
        ] {
            assert_eq!(classify(url), Some(NotLocal::Scheme), "{url}");
        }
        assert_eq!(classify("/assets/a.png"), Some(NotLocal::RootAbsolute));
    }

    #[test]
    fn attributes_that_load_are_told_from_links() {
        assert_eq!(loaded_urls("img", "src", "a.png"), ["a.png"]);
        assert_eq!(
            loaded_urls("img", "srcset", "a.png 1x, https://e.jp/b.png 2x"),
            ["a.png", "https://e.jp/b.png"]
        );
        assert_eq!(
            loaded_urls("td", "style", "background: URL('//e.jp/x.gif')"),
            ["//e.jp/x.gif"]
        );
        assert!(loaded_urls("a", "href", "https://e.jp/").is_empty());
        assert_eq!(
            loaded_urls("link", "href", "https://e.jp/s.css"),
            ["https://e.jp/s.css"]
        );
        assert!(keep_attribute("a", "href", "https://e.jp/"));
        assert!(!keep_attribute("img", "src", "https://e.jp/a.png"));
        assert!(keep_attribute("img", "src", "../assets/a.png"));
    }
}
