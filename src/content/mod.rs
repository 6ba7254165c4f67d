//! Markdown content with YAML front matter.
//!
//! `content/<path>.md` is shared by every site; `content/prefectures/<code>/<path>.md`
//! applies to that prefecture's site and its municipalities' sites;
//! `content/municipalities/<code>/<path>.md` to that one site. A more local file
//! with the same `<path>` overrides the shared one. Each file is parsed and
//! rendered once, however many sites show it.

pub mod lint;
pub mod markdown;
pub mod news;
pub mod paths;
pub mod raw_html;
pub mod resources;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use jiff::civil::Date;
use rayon::prelude::*;
use serde::Deserialize;

use crate::data::jis::{self, MasterList};
use crate::dates::parse_iso;
use crate::problems::{Code, Location, Problems};
use crate::yaml::{self, Input};
use markdown::{Issue, MAX_DEPTH, MarkdownRenderer};
pub use news::{EventInfo, NEWS_KINDS, NewsItem};
use resources::NotLocal;
use serde_saphyr::Spanned;

/// Which sites a content file applies to.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Scope {
    Shared,
    Prefecture(jis::Code),
    Municipality(jis::Code),
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
    pub prefectures: BTreeMap<jis::Code, BTreeMap<String, Arc<Entry>>>,
    pub municipalities: BTreeMap<jis::Code, BTreeMap<String, Arc<Entry>>>,
}

impl Content {
    /// The entries one site shows, local files overriding shared ones.
    pub fn for_site(
        &self,
        prefecture: Option<&jis::Code>,
        municipality: Option<&jis::Code>,
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
    "accessibility-results.html",
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
/// `build_date` is the date the sites are built for: news that has stayed
/// listed for over a year before it gets a warning. `files` are the files
/// every site has (site-relative path → bytes, e.g. the theme's `assets/…`):
/// a body's link to one shows its type and size.
pub fn load(
    content_dir: &Path,
    master: &MasterList,
    build_date: Date,
    files: BTreeMap<String, u64>,
    problems: &mut Problems,
) -> Content {
    let mut sources = Vec::new();
    let mut names: Vec<String> = Vec::new();
    if !content_dir.exists() {
        // A project may have no content of its own yet: the generated pages still build.
        return Content::default();
    }
    for entry in walkdir::WalkDir::new(content_dir).sort_by_file_name() {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                problems.error(
                    Code::FileUnreadable,
                    Location::file(content_dir),
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
        let rel_path = path
            .strip_prefix(content_dir)
            .expect("walkdir stays inside its root");
        let rel_all = rel_path.to_string_lossy().to_string();
        if path.extension().is_none_or(|e| e != "md") {
            if !rel_all.starts_with('.') && !rel_all.contains("/.") {
                problems.warning(
                    Code::FileIgnored,
                    Location::file(&path),
                    "Markdown（.md）以外のファイルは無視します",
                    "画像などはテーマの static フォルダに置いてください",
                );
            }
            continue;
        }
        // The name becomes part of an output path and of links: a backslash, `..`
        // or a drive letter would write outside the output, `#?%` cut links.
        if let Some(bad) = paths::check_relative(rel_path) {
            paths::report(problems, &path, "ページ", &bad);
            continue;
        }
        let rel_all: String = rel_path
            .components()
            .map(|c| c.as_os_str().to_str().expect("checked: UTF-8"))
            .collect::<Vec<_>>()
            .join("/");
        names.push(rel_all.clone());
        match classify(&rel_all, master) {
            Ok((scope, rel)) => sources.push(SourceFile { path, scope, rel }),
            Err(e) => problems.error(
                Code::ContentFolder,
                Location::file(&path),
                e.to_string(),
                "content/prefectures/<都道府県の団体コード>/ または content/municipalities/<市区町村の団体コード>/ に置いてください",
            ),
        }
    }

    report_case_twins(content_dir, &names, &sources, problems);

    // The `@/` targets each scope may link to: its own files and the shared ones.
    let mut known: BTreeMap<Scope, BTreeSet<String>> = BTreeMap::new();
    for s in &sources {
        known
            .entry(s.scope.clone())
            .or_default()
            .insert(s.rel.clone());
    }
    let empty = BTreeSet::new();
    let renderer = MarkdownRenderer::new().with_files(files);
    type Loaded = (
        Scope,
        String,
        Option<Entry>,
        Problems,
        Vec<lint::ContentLink>,
    );
    let loaded: Vec<Loaded> = sources
        .par_iter()
        .map(|s| {
            let mut local = Problems::new();
            let shared = known.get(&Scope::Shared).unwrap_or(&empty);
            let prefecture_scope = match &s.scope {
                Scope::Municipality(code) => code.prefecture().map(Scope::Prefecture),
                Scope::Prefecture(_) => Some(s.scope.clone()),
                Scope::Shared => None,
            };
            let mut visible: BTreeSet<String> = shared.clone();
            for scope in prefecture_scope.iter().chain(std::iter::once(&s.scope)) {
                if let Some(set) = known.get(scope) {
                    visible.extend(set.iter().cloned());
                }
            }
            let mut links = Vec::new();
            let entry = load_file(
                &s.path, &s.rel, &renderer, &visible, build_date, &mut links, &mut local,
            );
            (s.scope.clone(), s.rel.clone(), entry, local, links)
        })
        .collect();

    let mut content = Content::default();
    let mut all_links: Vec<(&SourceFile, Vec<lint::ContentLink>)> = Vec::new();
    for ((scope, rel, entry, local, links), source) in loaded.into_iter().zip(&sources) {
        problems.extend(local);
        all_links.push((source, links));
        let Some(mut entry) = entry else { continue };
        if let Entry::News(item) = &mut entry {
            item.origin = match &scope {
                Scope::Shared => None,
                Scope::Prefecture(code) | Scope::Municipality(code) => Some(*code),
            };
        }
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
    report_expired_links(&content, &all_links, build_date, problems);
    content
}

/// Links from pages to news past its `expires` (public-web lint): the link
/// leads where a local page overrides a shared one, as `@/` links resolve.
fn report_expired_links(
    content: &Content,
    links: &[(&SourceFile, Vec<lint::ContentLink>)],
    build_date: Date,
    problems: &mut Problems,
) {
    let today = build_date.to_string();
    for (source, links) in links {
        let prefecture = match &source.scope {
            Scope::Municipality(code) => code.prefecture(),
            Scope::Prefecture(code) => Some(*code),
            Scope::Shared => None,
        };
        for link in links.iter().filter(|l| l.target.starts_with("news/")) {
            let own = match &source.scope {
                Scope::Municipality(code) => content
                    .municipalities
                    .get(code)
                    .and_then(|m| m.get(&link.target)),
                Scope::Prefecture(code) => content
                    .prefectures
                    .get(code)
                    .and_then(|m| m.get(&link.target)),
                Scope::Shared => None,
            };
            let target = own
                .or_else(|| {
                    prefecture
                        .as_ref()
                        .and_then(|p| content.prefectures.get(p))
                        .and_then(|m| m.get(&link.target))
                })
                .or_else(|| content.shared.get(&link.target));
            if let Some(entry) = target
                && let Entry::News(item) = entry.as_ref()
                && let Some(expires) = &item.expires
            {
                lint::expired_link(&source.path, link, expires, &today, problems);
            }
        }
    }
}

/// Names that differ only in case cannot both exist on Windows or macOS: in the
/// content folder, and among the pages one site is made of (a local page meant to
/// replace a shared one, spelt with another case, would sit beside it instead).
fn report_case_twins(
    content_dir: &Path,
    names: &[String],
    sources: &[SourceFile],
    problems: &mut Problems,
) {
    let hint = "Windows や macOS では同じ名前として扱われ、片方が消えてしまいます。どちらかの名前を変えてください";
    for (first, twin) in paths::case_twins(names.iter().map(String::as_str)) {
        problems.error(
            Code::FileNameCase,
            Location::file(content_dir.join(&twin)),
            format!("「{twin}」と「{first}」は大文字・小文字だけが違います"),
            hint,
        );
    }
    let lowered = |scope: &Scope| -> BTreeMap<String, &str> {
        sources
            .iter()
            .filter(|s| s.scope == *scope)
            .map(|s| (s.rel.to_lowercase(), s.rel.as_str()))
            .collect()
    };
    let shared = lowered(&Scope::Shared);
    for source in sources {
        let mut above = vec![&shared];
        let prefecture;
        if let Scope::Municipality(code) = &source.scope
            && let Some(p) = code.prefecture()
        {
            prefecture = lowered(&Scope::Prefecture(p));
            above.push(&prefecture);
        }
        if source.scope == Scope::Shared {
            continue;
        }
        for names in above {
            if let Some(other) = names.get(&source.rel.to_lowercase())
                && *other != source.rel
            {
                problems.error(
                    Code::FileNameCase,
                    Location::file(&source.path),
                    format!(
                        "「{}」は、同じサイトに載る「{other}」と大文字・小文字だけが違います",
                        source.rel
                    ),
                    format!("置き換えるつもりなら「{other}」と同じ綴りにし、別のページならはっきり違う名前にしてください"),
                );
            }
        }
    }
}

/// Why a file under `prefectures/` or `municipalities/` has no site.
#[derive(Debug, thiserror::Error)]
enum FolderError {
    #[error("「{0}」は団体コードのフォルダの中に置く必要があります")]
    NotInCodeFolder(String),
    #[error(transparent)]
    Code(#[from] crate::data::jis::CodeError),
    #[error("フォルダ名「{0}」は都道府県の団体コードではありません")]
    NotPrefecture(String),
    #[error("フォルダ名「{0}」は市区町村の団体コードではありません")]
    NotMunicipality(String),
}

/// Split `prefectures/220001/guides/x.md` into its scope and `guides/x.md`.
fn classify(rel: &str, master: &MasterList) -> Result<(Scope, String), FolderError> {
    for (prefix, is_prefecture) in [("prefectures/", true), ("municipalities/", false)] {
        if let Some(rest) = rel.strip_prefix(prefix) {
            let Some((code, inner)) = rest.split_once('/') else {
                return Err(FolderError::NotInCodeFolder(rel.to_string()));
            };
            let parsed = jis::Code::parse(code)?;
            return if is_prefecture {
                if master.prefecture(code).is_none() {
                    Err(FolderError::NotPrefecture(code.to_string()))
                } else {
                    Ok((Scope::Prefecture(parsed), inner.to_string()))
                }
            } else if master.municipality(code).is_none() {
                Err(FolderError::NotMunicipality(code.to_string()))
            } else {
                Ok((Scope::Municipality(parsed), inner.to_string()))
            };
        }
    }
    Ok((Scope::Shared, rel.to_string()))
}

/// A front-matter value with its place in the file, for messages.
type At<T> = Spanned<T>;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PageFront {
    title: String,
    description: String,
    #[serde(default)]
    order: i64,
    #[serde(default)]
    updated: Option<At<String>>,
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
    audience: At<Vec<At<String>>>,
    order: i64,
    #[serde(default)]
    updated: Option<At<String>>,
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

/// Where a front-matter value is in its file (front matter starts on line 2).
fn front_at<T>(path: &Path, value: &At<T>) -> Location {
    yaml::location(path, 1, value.referenced)
}

fn load_file(
    path: &Path,
    rel: &str,
    renderer: &MarkdownRenderer,
    visible: &BTreeSet<String>,
    build_date: Date,
    links: &mut Vec<lint::ContentLink>,
    problems: &mut Problems,
) -> Option<Entry> {
    // Read as every text input is: a leading BOM dropped, UTF-8 checked with
    // the line of the first byte that is not.
    let text = yaml::read_text(path, problems)?;
    let Some((front, body, body_line)) = split_front_matter(&text) else {
        problems.error(
            Code::FrontMatterMissing,
            Location::at(path, 1, 1),
            "先頭に front matter（--- で囲んだ YAML）がありません",
            "1行目を --- にして title などの項目を書き、--- の行で閉じてください",
        );
        return None;
    };
    lint::check(path, &text, problems);
    *links = lint::check_body(path, body, body_line, problems);
    for (i, line) in body.lines().enumerate() {
        if let Some((column, c)) = yaml::control_char(line) {
            problems.error(
                Code::MarkdownControlCharacter,
                Location::at(path, body_line + i, column + 1),
                format!("本文に制御文字（{}）があります", yaml::code_point(c)),
                "画面には見えない文字です（ページや RSS を壊します）。その行を打ち直してください",
            );
        }
    }
    let url = url_of(rel);
    let render = |problems: &mut Problems| {
        let (html, body_problems) = renderer.render(body, &url, visible, url_of);
        for p in body_problems {
            let (code, message, hint) = body_problem_message(&p.issue);
            let at = Location::at(path, body_line + p.body_line - 1, p.column);
            problems.error(code, at, message, hint);
        }
        html
    };
    let date_field =
        |key: &str, value: Option<&At<String>>, problems: &mut Problems| -> Option<String> {
            let value = value?;
            if parse_iso(&value.value).is_none() {
                problems.error(
                    Code::FrontMatterBadValue,
                    front_at(path, value),
                    format!(
                        "{key} の日付「{}」を読めません",
                        yaml::shorten(&value.value, 40)
                    ),
                    "YYYY-MM-DD の形（例: 2025-06-01）で書いてください",
                );
                return None;
            }
            Some(value.value.clone())
        };

    let section = rel.rsplit_once('/').map(|(d, _)| d).unwrap_or("");
    let file_name = rel.rsplit('/').next().unwrap_or(rel);
    let slug = file_name.trim_end_matches(".md").to_string();
    if section == "faq" {
        let f: FaqFront = yaml::parse(front, path, 1, Input::FrontMatter, None, problems)?;
        if f.audience.value.is_empty() {
            problems.error(
                Code::FrontMatterBadValue,
                front_at(path, &f.audience),
                "audience が空です",
                format!("{} から1つ以上選んでください", AUDIENCES.join("、")),
            );
        }
        for a in &f.audience.value {
            if !AUDIENCES.contains(&a.value.as_str()) {
                problems.error(
                    Code::FrontMatterBadValue,
                    front_at(path, a),
                    format!("audience の「{}」は使えません", yaml::shorten(&a.value, 40)),
                    format!("{} のどれかを書いてください", AUDIENCES.join("、")),
                );
            }
        }
        let updated = date_field("updated", f.updated.as_ref(), problems);
        return Some(Entry::Faq(FaqEntry {
            slug,
            question: f.question,
            category: f.category,
            audience: f.audience.value.into_iter().map(|a| a.value).collect(),
            order: f.order,
            updated,
            illustrative: f.illustrative,
            html: render(problems),
        }));
    }
    if section == "news" && file_name != "_index.md" {
        let f: news::NewsFront = yaml::parse(front, path, 1, Input::FrontMatter, None, problems)?;
        let html = render(problems);
        return news::build(f, path, slug, url, html, build_date, problems).map(Entry::News);
    }
    if file_name == "_index.md" {
        let f: SectionFront = yaml::parse(front, path, 1, Input::FrontMatter, None, problems)?;
        if section.is_empty() {
            problems.error(
                Code::ContentReservedName,
                Location::at(path, 1, 1),
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
    let f: PageFront = yaml::parse(front, path, 1, Input::FrontMatter, None, problems)?;
    if RESERVED_URLS.contains(&url.as_str()) {
        problems.error(
            Code::ContentReservedName,
            Location::at(path, 1, 1),
            format!("「{url}」は outreach が作るページと同じ名前です"),
            "ファイル名を変えてください",
        );
        return None;
    }
    let updated = date_field("updated", f.updated.as_ref(), problems);
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

/// The code, message and hint of a problem found in a Markdown body.
fn body_problem_message(issue: &Issue) -> (Code, String, String) {
    match issue {
        Issue::MissingLink { target } => (
            Code::MarkdownMissingLink,
            format!("リンク先「{}」が見つかりません", yaml::shorten(target, 80)),
            "@/ の後に content フォルダからのパス（例: @/guides/checklist.md）を書いてください。地域のページへのリンクは同じ地域のページからだけ使えます".to_string(),
        ),
        Issue::TooDeep => (
            Code::MarkdownNesting,
            format!("引用（>）・箇条書き・HTML のタグの入れ子が深すぎます（{MAX_DEPTH} 段まで）"),
            "入れ子を浅くしてください。同じ段の項目は字下げや > の数をそろえて並べます".to_string(),
        ),
        Issue::NotLocal { what, url, kind } => {
            let url = yaml::shorten(url, 80);
            let place = "ファイルをテーマの static フォルダに置き、ページからの相対パス（例: guides のページなら ../assets/flow.png）で指定してください";
            match kind {
                NotLocal::Remote => (
                    Code::MarkdownRemoteResource,
                    format!("{what}に他のサーバーのアドレス「{url}」があります。ページが読み込むものはサイトの中に置く必要があります"),
                    format!("閉じたネットワーク（LGWAN など）では表示されず、読んだ人の情報が外部に伝わります。{place}。他のサイトを見せたいときは、画像ではなくリンク [説明](https://…) にしてください"),
                ),
                NotLocal::Scheme => (
                    Code::MarkdownResourceAddress,
                    format!("{what}のアドレス「{url}」は使えない形式です"),
                    format!("data: などで埋め込んだものは表示されません。{place}"),
                ),
                NotLocal::RootAbsolute => (
                    Code::MarkdownResourceAddress,
                    format!("{what}のアドレス「{url}」が「/」で始まっています"),
                    format!("「/」で始まるアドレスは、サイトを別のフォルダに置いたときやファイルを直接開いたときに読み込めません。{place}"),
                ),
            }
        }
    }
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
