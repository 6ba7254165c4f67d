//! Markdown content with YAML front matter.
//!
//! `content/<path>.md` is shared by every site; `content/prefectures/<code>/<path>.md`
//! applies to that prefecture's site and its municipalities' sites;
//! `content/municipalities/<code>/<path>.md` to that one site. A more local file
//! with the same `<path>` overrides the shared one. Each file is parsed and
//! rendered once, however many sites show it.

pub mod lint;
pub mod markdown;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use jiff::civil::Date;
use rayon::prelude::*;
use serde::Deserialize;

use crate::config::report_yaml_error;
use crate::data::jis::{MasterList, validate_code};
use crate::dates::parse_iso;
use crate::problems::Problems;
use markdown::MarkdownRenderer;

/// Which sites a content file applies to.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Scope {
    Shared,
    Prefecture(String),
    Municipality(String),
}

/// A guide or other page: `guides/checklist.md` → `guides/checklist.html`.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Page {
    pub title: String,
    pub description: String,
    pub order: i64,
    pub updated: Option<String>,
    pub illustrative: bool,
    pub html: String,
    /// Site-relative output path.
    pub url: String,
    /// The folder the page sits in (`guides`), empty at the top.
    pub section: String,
}

/// A folder's `_index.md`: title and intro of the section's list page.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Section {
    pub title: String,
    pub description: String,
    pub html: String,
    pub url: String,
    pub dir: String,
}

/// One FAQ entry (`faq/<slug>.md`), shown on the site's FAQ page.
#[derive(Debug, Clone, serde::Serialize)]
pub struct FaqEntry {
    pub slug: String,
    pub question: String,
    pub category: String,
    pub audience: Vec<String>,
    pub order: i64,
    pub updated: Option<String>,
    pub illustrative: bool,
    pub html: String,
}

/// A news item or event (`news/<slug>.md`).
#[derive(Debug, Clone, serde::Serialize)]
pub struct NewsItem {
    pub slug: String,
    pub title: String,
    pub date: String,
    pub date_display: String,
    pub kind: String,
    pub description: String,
    pub event_date: Option<String>,
    pub event_date_display: Option<String>,
    pub venue: Option<String>,
    pub illustrative: bool,
    pub html: String,
    pub url: String,
}

#[derive(Debug, Clone)]
pub enum Entry {
    Page(Page),
    Section(Section),
    Faq(FaqEntry),
    News(NewsItem),
}

/// All content, by scope and relative path. Entries are shared (`Arc`) by
/// every site that shows them.
#[derive(Debug, Default)]
pub struct Content {
    pub shared: BTreeMap<String, Arc<Entry>>,
    pub prefectures: BTreeMap<String, BTreeMap<String, Arc<Entry>>>,
    pub municipalities: BTreeMap<String, BTreeMap<String, Arc<Entry>>>,
}

impl Content {
    /// The entries one site shows, local files overriding shared ones.
    pub fn for_site(
        &self,
        prefecture: Option<&str>,
        municipality: Option<&str>,
    ) -> BTreeMap<String, Arc<Entry>> {
        let mut entries = self.shared.clone();
        for (scopes, code) in [
            (&self.prefectures, prefecture),
            (&self.municipalities, municipality),
        ] {
            if let Some(local) = code.and_then(|c| scopes.get(c)) {
                entries.extend(local.iter().map(|(k, v)| (k.clone(), v.clone())));
            }
        }
        entries
    }
}

/// The site-relative URL a content path renders to.
pub fn url_of(rel: &str) -> String {
    let stem = rel.strip_suffix(".md").unwrap_or(rel);
    if let Some(slug) = stem.strip_prefix("faq/") {
        return format!("faq.html#{slug}");
    }
    if let Some(dir) = stem.strip_suffix("/_index") {
        return format!("{dir}/index.html");
    }
    format!("{stem}.html")
}

/// Output paths the generator makes itself; a content page may not take them.
pub const RESERVED_URLS: &[&str] = &[
    "index.html",
    "faq.html",
    "contact.html",
    "accessibility.html",
    "news/index.html",
    "subsidies.html",
    "partners.html",
    "downloads.html",
    "municipalities.html",
    "prefectures.html",
    "search.html",
];

struct SourceFile {
    path: PathBuf,
    scope: Scope,
    rel: String,
}

/// Load and render every Markdown file under `content_dir`.
pub fn load(content_dir: &Path, master: &MasterList, problems: &mut Problems) -> Content {
    let mut sources = Vec::new();
    if !content_dir.exists() {
        // A project may have no content of its own yet: the generated pages still build.
        return Content::default();
    }
    for entry in walkdir::WalkDir::new(content_dir).sort_by_file_name() {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                problems.error(
                    content_dir,
                    0,
                    0,
                    format!("content フォルダを読めません: {e}"),
                    "ファイルの権限を確認してください",
                );
                continue;
            }
        };
        if !entry.file_type().is_file() {
            continue;
        }
        let path = entry.path().to_path_buf();
        let rel_all = path
            .strip_prefix(content_dir)
            .expect("walkdir stays inside its root")
            .to_string_lossy()
            .replace('\\', "/");
        if path.extension().is_none_or(|e| e != "md") {
            if !rel_all.starts_with('.') && !rel_all.contains("/.") {
                problems.warning(
                    &path,
                    0,
                    0,
                    "Markdown（.md）以外のファイルは無視します",
                    "画像などはテーマの static フォルダに置いてください",
                );
            }
            continue;
        }
        match classify(&rel_all, master) {
            Ok((scope, rel)) => sources.push(SourceFile { path, scope, rel }),
            Err(message) => problems.error(
                &path,
                0,
                0,
                message,
                "content/prefectures/<都道府県の団体コード>/ または content/municipalities/<市区町村の団体コード>/ に置いてください",
            ),
        }
    }

    // The `@/` targets each scope may link to: its own files and the shared ones.
    let mut known: BTreeMap<Scope, BTreeSet<String>> = BTreeMap::new();
    for s in &sources {
        known
            .entry(s.scope.clone())
            .or_default()
            .insert(s.rel.clone());
    }
    let empty = BTreeSet::new();
    let renderer = MarkdownRenderer::new();
    let loaded: Vec<(Scope, String, Option<Entry>, Problems)> = sources
        .par_iter()
        .map(|s| {
            let mut local = Problems::new();
            let shared = known.get(&Scope::Shared).unwrap_or(&empty);
            let prefecture_scope = match &s.scope {
                Scope::Municipality(code) => Some(Scope::Prefecture(
                    master
                        .municipality(code)
                        .and_then(|m| master.prefecture_by_number(&m.prefecture_number))
                        .map(|p| p.code.clone())
                        .unwrap_or_default(),
                )),
                Scope::Prefecture(_) => Some(s.scope.clone()),
                Scope::Shared => None,
            };
            let mut visible: BTreeSet<String> = shared.clone();
            for scope in prefecture_scope.iter().chain(std::iter::once(&s.scope)) {
                if let Some(set) = known.get(scope) {
                    visible.extend(set.iter().cloned());
                }
            }
            let entry = load_file(&s.path, &s.rel, &renderer, &visible, &mut local);
            (s.scope.clone(), s.rel.clone(), entry, local)
        })
        .collect();

    let mut content = Content::default();
    for (scope, rel, entry, local) in loaded {
        problems.extend(local);
        let Some(entry) = entry else { continue };
        let entry = Arc::new(entry);
        match scope {
            Scope::Shared => {
                content.shared.insert(rel, entry);
            }
            Scope::Prefecture(code) => {
                content
                    .prefectures
                    .entry(code)
                    .or_default()
                    .insert(rel, entry);
            }
            Scope::Municipality(code) => {
                content
                    .municipalities
                    .entry(code)
                    .or_default()
                    .insert(rel, entry);
            }
        }
    }
    content
}

/// Split `prefectures/220001/guides/x.md` into its scope and `guides/x.md`.
fn classify(rel: &str, master: &MasterList) -> Result<(Scope, String), String> {
    for (prefix, is_prefecture) in [("prefectures/", true), ("municipalities/", false)] {
        if let Some(rest) = rel.strip_prefix(prefix) {
            let Some((code, inner)) = rest.split_once('/') else {
                return Err(format!(
                    "「{rel}」は団体コードのフォルダの中に置く必要があります"
                ));
            };
            validate_code(code).map_err(|e| e.to_string())?;
            return if is_prefecture {
                if master.prefecture(code).is_none() {
                    Err(format!(
                        "フォルダ名「{code}」は都道府県の団体コードではありません"
                    ))
                } else {
                    Ok((Scope::Prefecture(code.to_string()), inner.to_string()))
                }
            } else if master.municipality(code).is_none() {
                Err(format!(
                    "フォルダ名「{code}」は市区町村の団体コードではありません"
                ))
            } else {
                Ok((Scope::Municipality(code.to_string()), inner.to_string()))
            };
        }
    }
    Ok((Scope::Shared, rel.to_string()))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PageFront {
    title: String,
    description: String,
    #[serde(default)]
    order: i64,
    #[serde(default)]
    updated: Option<String>,
    #[serde(default)]
    illustrative: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SectionFront {
    title: String,
    description: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FaqFront {
    question: String,
    category: String,
    audience: Vec<String>,
    order: i64,
    #[serde(default)]
    updated: Option<String>,
    #[serde(default)]
    illustrative: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NewsFront {
    title: String,
    date: String,
    kind: String,
    description: String,
    #[serde(default)]
    event_date: Option<String>,
    #[serde(default)]
    venue: Option<String>,
    #[serde(default)]
    illustrative: bool,
}

/// Who an FAQ entry may be addressed to.
pub const AUDIENCES: &[&str] = &[
    "居宅介護支援事業所",
    "サービス事業所",
    "地域包括支援センター",
    "自治体",
];
/// The kinds of news item.
pub const NEWS_KINDS: &[&str] = &["お知らせ", "イベント"];

/// Front matter text, the body, and the body's first line number in the file.
fn split_front_matter(text: &str) -> Option<(&str, &str, usize)> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let rest = text
        .strip_prefix("---\n")
        .or_else(|| text.strip_prefix("---\r\n"))?;
    let mut offset = 0;
    for (i, line) in rest.split_inclusive('\n').enumerate() {
        if line.trim_end() == "---" {
            let front = &rest[..offset];
            let body = &rest[offset + line.len()..];
            return Some((front, body, i + 3));
        }
        offset += line.len();
    }
    None
}

fn load_file(
    path: &Path,
    rel: &str,
    renderer: &MarkdownRenderer,
    visible: &BTreeSet<String>,
    problems: &mut Problems,
) -> Option<Entry> {
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) => {
            problems.error(
                path,
                0,
                0,
                format!("ファイルを読めません: {e}"),
                "ファイルの権限を確認してください",
            );
            return None;
        }
    };
    let Ok(text) = String::from_utf8(bytes) else {
        problems.error(
            path,
            1,
            1,
            "文字コードが UTF-8 ではありません",
            "エディタで UTF-8 として保存し直してください",
        );
        return None;
    };
    let Some((front, body, body_line)) = split_front_matter(&text) else {
        problems.error(
            path,
            1,
            1,
            "先頭に front matter（--- で囲んだ YAML）がありません",
            "1行目を --- にして title などの項目を書き、--- の行で閉じてください",
        );
        return None;
    };
    lint::check(path, &text, problems);
    let url = url_of(rel);
    let render = |problems: &mut Problems| {
        let (html, link_problems) = renderer.render(body, &url, visible, url_of);
        for p in link_problems {
            problems.error(
                path,
                body_line + p.body_line - 1,
                p.column,
                format!("リンク先「{}」が見つかりません", p.target),
                "@/ の後に content フォルダからのパス（例: @/guides/checklist.md）を書いてください。地域のページへのリンクは同じ地域のページからだけ使えます",
            );
        }
        html
    };
    let date_field =
        |key: &str, value: &Option<String>, problems: &mut Problems| -> Option<String> {
            let value = value.as_ref()?;
            if parse_iso(value).is_none() {
                problems.error(
                    path,
                    line_of_key(front, key) + 1,
                    0,
                    format!("{key} の日付「{value}」を読めません"),
                    "YYYY-MM-DD の形（例: 2025-06-01）で書いてください",
                );
                return None;
            }
            Some(value.clone())
        };
    let parse_error = |e: serde_saphyr::Error, problems: &mut Problems| {
        report_yaml_error(problems, path, 1, &e);
        None
    };

    let section = rel.rsplit_once('/').map(|(d, _)| d).unwrap_or("");
    let file_name = rel.rsplit('/').next().unwrap_or(rel);
    let slug = file_name.trim_end_matches(".md").to_string();
    if section == "faq" {
        let f: FaqFront = match serde_saphyr::from_str(front) {
            Ok(f) => f,
            Err(e) => return parse_error(e, problems),
        };
        if f.audience.is_empty() {
            problems.error(
                path,
                line_of_key(front, "audience") + 1,
                0,
                "audience が空です",
                format!("{} から1つ以上選んでください", AUDIENCES.join("、")),
            );
        }
        for a in &f.audience {
            if !AUDIENCES.contains(&a.as_str()) {
                problems.error(
                    path,
                    line_of_key(front, "audience") + 1,
                    0,
                    format!("audience の「{a}」は使えません"),
                    format!("{} のどれかを書いてください", AUDIENCES.join("、")),
                );
            }
        }
        let updated = date_field("updated", &f.updated, problems);
        return Some(Entry::Faq(FaqEntry {
            slug,
            question: f.question,
            category: f.category,
            audience: f.audience,
            order: f.order,
            updated,
            illustrative: f.illustrative,
            html: render(problems),
        }));
    }
    if section == "news" && file_name != "_index.md" {
        let f: NewsFront = match serde_saphyr::from_str(front) {
            Ok(f) => f,
            Err(e) => return parse_error(e, problems),
        };
        if !NEWS_KINDS.contains(&f.kind.as_str()) {
            problems.error(
                path,
                line_of_key(front, "kind") + 1,
                0,
                format!("kind の「{}」は使えません", f.kind),
                "お知らせ か イベント を書いてください",
            );
        }
        let date = date_field("date", &Some(f.date.clone()), problems)?;
        let event_date = date_field("event_date", &f.event_date, problems);
        let display = |d: &str| parse_iso(d).map(crate::dates::format_western);
        return Some(Entry::News(NewsItem {
            slug,
            title: f.title,
            date_display: display(&date).unwrap_or_default(),
            date,
            kind: f.kind,
            description: f.description,
            event_date_display: event_date.as_deref().and_then(display),
            event_date,
            venue: f.venue,
            illustrative: f.illustrative,
            html: render(problems),
            url,
        }));
    }
    if file_name == "_index.md" {
        let f: SectionFront = match serde_saphyr::from_str(front) {
            Ok(f) => f,
            Err(e) => return parse_error(e, problems),
        };
        if section.is_empty() {
            problems.error(
                path,
                1,
                1,
                "content 直下の _index.md は使えません",
                "トップページはテーマの home.html で作ります",
            );
            return None;
        }
        return Some(Entry::Section(Section {
            title: f.title,
            description: f.description,
            html: render(problems),
            url,
            dir: section.to_string(),
        }));
    }
    let f: PageFront = match serde_saphyr::from_str(front) {
        Ok(f) => f,
        Err(e) => return parse_error(e, problems),
    };
    if RESERVED_URLS.contains(&url.as_str()) {
        problems.error(
            path,
            1,
            1,
            format!("「{url}」は outreach が作るページと同じ名前です"),
            "ファイル名を変えてください",
        );
        return None;
    }
    let updated = date_field("updated", &f.updated, problems);
    Some(Entry::Page(Page {
        title: f.title,
        description: f.description,
        order: f.order,
        updated,
        illustrative: f.illustrative,
        html: render(problems),
        url,
        section: section.to_string(),
    }))
}

/// 0-based line of `key:` inside the front matter (0 when absent).
fn line_of_key(front: &str, key: &str) -> usize {
    front
        .lines()
        .position(|l| l.starts_with(&format!("{key}:")))
        .map(|i| i + 1)
        .unwrap_or(0)
}

/// Shared front-matter dates as `Date`s, for sorting.
pub fn date_of(s: &str) -> Option<Date> {
    parse_iso(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_follow_the_content_path() {
        assert_eq!(url_of("guides/checklist.md"), "guides/checklist.html");
        assert_eq!(url_of("guides/_index.md"), "guides/index.html");
        assert_eq!(url_of("faq/fee.md"), "faq.html#fee");
        assert_eq!(url_of("news/campaign.md"), "news/campaign.html");
    }

    #[test]
    fn front_matter_split_reports_body_line() {
        let (front, body, line) = split_front_matter("---\ntitle: a\n---\nbody\n").unwrap();
        assert_eq!(front, "title: a\n");
        assert_eq!(body, "body\n");
        assert_eq!(line, 4);
        assert!(split_front_matter("no front matter").is_none());
    }
}
