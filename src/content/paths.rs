//! File names that become parts of URLs and output paths: content pages and the
//! theme's static files. A name must be a plain relative name that every server,
//! browser and operating system takes as it is; anything else (a backslash that
//! turns into a folder, `..`, a drive letter, `#?%` that cut a link, a name
//! Windows reserves, two names that differ only in case) is reported with a name
//! to use instead, before anything is written.

use std::collections::BTreeMap;
use std::path::{Component, Path};

use crate::problems::{Code, Location, Problems};

/// Why one part of a relative path cannot be published.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadName {
    /// The offending part as the editor sees it (control characters shown as `\u{..}`).
    pub part: String,
    /// It is a folder on the way to the file.
    pub is_folder: bool,
    /// What is wrong, in Japanese.
    pub reason: String,
    /// A name that would be accepted.
    pub suggestion: String,
}

/// Names Windows reserves for devices, whatever the extension or case.
const RESERVED: &[&str] = &[
    "CON", "PRN", "AUX", "NUL", "COM1", "COM2", "COM3", "COM4", "COM5", "COM6", "COM7", "COM8",
    "COM9", "LPT1", "LPT2", "LPT3", "LPT4", "LPT5", "LPT6", "LPT7", "LPT8", "LPT9",
];

/// Characters that break a link, a URL or a file name on some system.
fn forbidden(c: char) -> Option<&'static str> {
    Some(match c {
        '\\' => "バックスラッシュ（\\）",
        '/' => "スラッシュ（/）",
        ':' => "コロン（:）",
        '*' => "「*」",
        '?' => "「?」",
        '"' => "「\"」",
        '<' | '>' => "「<」「>」",
        '|' => "「|」",
        '#' => "「#」",
        '%' => "「%」",
        c if c.is_control() => "制御文字",
        c if c.is_whitespace() => "空白",
        _ => return None,
    })
}

/// The part as the editor can read it in a message.
fn visible(part: &str) -> String {
    part.chars()
        .map(|c| {
            if c.is_control() {
                c.escape_unicode().to_string()
            } else {
                c.to_string()
            }
        })
        .collect()
}

/// A name close to `part` that passes [`check_part`].
pub fn suggest(part: &str, is_folder: bool) -> String {
    // A name written as a path (`..\..\x.md`, `\tmp\dir\x.md`): its last part.
    let last = part
        .rsplit(['\\', '/'])
        .find(|p| !p.is_empty() && *p != "." && *p != "..")
        .unwrap_or("");
    let (stem, ext) = match last.rsplit_once('.') {
        Some((s, e))
            if !is_folder
                && !s.is_empty()
                && !e.is_empty()
                && e.chars().all(|c| c.is_ascii_alphanumeric()) =>
        {
            (s, format!(".{e}"))
        }
        _ => (last, String::new()),
    };
    let mut cleaned = String::new();
    for c in stem.chars() {
        let c = if forbidden(c).is_some() { '-' } else { c };
        if !(c == '-' && cleaned.ends_with('-')) {
            cleaned.push(c);
        }
    }
    let mut cleaned = cleaned
        .trim_matches(|c: char| c == '-' || c == '.' || c == ' ')
        .to_string();
    if cleaned.is_empty() {
        cleaned = if is_folder { "folder" } else { "page" }.to_string();
    }
    let (base, rest) = cleaned.split_once('.').unwrap_or((&cleaned, ""));
    if RESERVED.contains(&base.to_ascii_uppercase().as_str()) {
        let rest = if rest.is_empty() {
            String::new()
        } else {
            format!(".{rest}")
        };
        cleaned = format!("{base}-page{rest}");
    }
    format!("{cleaned}{ext}")
}

/// What is wrong with one file or folder name, if anything.
pub fn check_part(part: &str, is_folder: bool) -> Option<BadName> {
    let bad = |reason: String| {
        Some(BadName {
            part: visible(part),
            is_folder,
            reason,
            suggestion: suggest(part, is_folder),
        })
    };
    if part == "." || part == ".." {
        return bad("「.」や「..」はフォルダを移る指定です".to_string());
    }
    if let Some(what) = part.chars().find_map(forbidden) {
        return bad(format!("{what}を含みます"));
    }
    if part.ends_with('.') {
        return bad("名前の最後が「.」です（Windows では消えてしまいます）".to_string());
    }
    let base = part
        .split('.')
        .next()
        .unwrap_or("")
        .trim_end()
        .to_ascii_uppercase();
    if RESERVED.contains(&base.as_str()) {
        return bad(format!(
            "「{}」は Windows が機器の名前として予約している名前です",
            part.split('.').next().unwrap_or("")
        ));
    }
    None
}

/// The first bad part of `rel` (a path relative to the folder being read).
pub fn check_relative(rel: &Path) -> Option<BadName> {
    let parts: Vec<Component> = rel.components().collect();
    for (i, component) in parts.iter().enumerate() {
        let is_folder = i + 1 < parts.len();
        match component {
            Component::Normal(name) => {
                let Some(name) = name.to_str() else {
                    let lossy = name.to_string_lossy();
                    return Some(BadName {
                        part: lossy.to_string(),
                        is_folder,
                        reason: "UTF-8 で表せない文字を含みます".to_string(),
                        suggestion: suggest(&lossy, is_folder),
                    });
                };
                if let Some(bad) = check_part(name, is_folder) {
                    return Some(bad);
                }
            }
            Component::CurDir | Component::ParentDir => {
                return Some(BadName {
                    part: component.as_os_str().to_string_lossy().to_string(),
                    is_folder,
                    reason: "「.」や「..」はフォルダを移る指定です".to_string(),
                    suggestion: suggest("", is_folder),
                });
            }
            other => {
                let text = other.as_os_str().to_string_lossy().to_string();
                return Some(BadName {
                    suggestion: suggest(&text, is_folder),
                    part: text,
                    is_folder,
                    reason: "相対パスではありません".to_string(),
                });
            }
        }
    }
    None
}

/// Report a bad name of the file at `path` (`what` names the kind of file).
pub fn report(problems: &mut Problems, path: &Path, what: &str, bad: &BadName) {
    let kind = if bad.is_folder {
        "フォルダ名"
    } else {
        "ファイル名"
    };
    // The file as the editor can read it: a control character in a name is shown, not sent to the terminal.
    let shown = Path::new(&visible(&path.to_string_lossy())).to_path_buf();
    problems.error(
        Code::FileName,
        Location::file(shown),
        format!("{what}の{kind}「{}」は使えません: {}", bad.part, bad.reason),
        format!(
            "「{}」のように名前を付け直してください。名前には半角英数字・ハイフン（-）・アンダースコア（_）を使い、\\ / : * ? \" < > | # % や空白、CON・AUX・NUL などの名前は避けてください（リンクが切れたり、Windows や macOS で扱えなくなったりします）",
            bad.suggestion
        ),
    );
}

/// Pairs of paths (relative, `/`-separated) that differ only in case, and so
/// cannot both exist on Windows or macOS: (the one kept, the twin), sorted.
/// Folders on the way count too (`Guides/a.md` and `guides/b.md`).
pub fn case_twins<'a>(paths: impl IntoIterator<Item = &'a str>) -> Vec<(String, String)> {
    let mut seen: BTreeMap<String, String> = BTreeMap::new();
    let mut twins = Vec::new();
    let mut all: Vec<&str> = paths.into_iter().collect();
    all.sort_unstable();
    for path in all {
        // Each folder on the way, then the path itself.
        let mut prefixes: Vec<&str> = path.match_indices('/').map(|(i, _)| &path[..i]).collect();
        prefixes.push(path);
        for prefix in prefixes {
            let folded = prefix.to_lowercase();
            match seen.get(&folded) {
                Some(first) if first != prefix => {
                    let pair = (first.clone(), prefix.to_string());
                    if !twins.contains(&pair) {
                        twins.push(pair);
                    }
                }
                Some(_) => {}
                None => {
                    seen.insert(folded, prefix.to_string());
                }
            }
        }
    }
    twins
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_names_pass() {
        for name in [
            "guides/checklist.md",
            "faq/fee-2025.md",
            "news/導入説明会.md",
            "a_b/c.d.md",
        ] {
            assert_eq!(check_relative(Path::new(name)), None, "{name}");
        }
    }

    #[test]
    fn names_that_leave_the_folder_or_break_links_are_refused_with_a_suggestion() {
        let cases = [
            ("guides/..\\..\\..\\x.md", "バックスラッシュ", "x.md"),
            ("\\tmp\\dir\\x.md", "バックスラッシュ", "x.md"),
            ("C:x.md", "コロン", "C-x.md"),
            ("guides/a#b.md", "「#」", "a-b.md"),
            ("guides/a?b.md", "「?」", "a-b.md"),
            ("guides/100%.md", "「%」", "100.md"),
            ("guides/a\u{8}b.md", "制御文字", "a-b.md"),
            ("guides/a b.md", "空白", "a-b.md"),
            ("guides/con.md", "予約", "con-page.md"),
            ("guides/Aux.tar.md", "予約", "Aux-page.tar.md"),
            ("guides/LPT9.md", "予約", "LPT9-page.md"),
            ("guides/x.md.", "最後が「.」", "x.md"),
            ("guides/x.md ", "空白", "x.md"),
            ("gu#ides/x.md", "「#」", "gu-ides"),
            ("/etc/x.md", "相対パス", "folder"),
            ("../x.md", "「..」", "folder"),
        ];
        for (name, reason, suggestion) in cases {
            let bad = check_relative(Path::new(name)).unwrap_or_else(|| panic!("{name} passed"));
            assert!(bad.reason.contains(reason), "{name}: {bad:?}");
            assert_eq!(bad.suggestion, suggestion, "{name}: {bad:?}");
            assert_eq!(
                check_part(&bad.suggestion, bad.is_folder),
                None,
                "{name}: the suggestion passes"
            );
        }
        assert!(check_relative(Path::new("gu#ides/x.md")).unwrap().is_folder);
        // A control character is shown, not printed raw.
        assert_eq!(
            check_relative(Path::new("a\u{1b}b.md")).unwrap().part,
            "a\\u{1b}b.md"
        );
        // Not every name that merely contains a reserved word is reserved.
        assert_eq!(check_part("console.md", false), None);
        assert_eq!(check_part("com10.md", false), None);
    }

    #[test]
    fn case_twins_are_found_for_files_and_folders() {
        let twins = case_twins([
            "guides/flow.md",
            "guides/Flow.md",
            "Guides/x.md",
            "faq/a.md",
        ]);
        assert_eq!(
            twins,
            vec![
                ("Guides".to_string(), "guides".to_string()),
                ("guides/Flow.md".to_string(), "guides/flow.md".to_string()),
            ]
        );
        assert!(case_twins(["a/b.md", "a/c.md", "b.md"]).is_empty());
    }
}
