//! The comparison as people read it: a summary for the terminal, a printable
//! HTML report (one file, previews embedded, nothing loaded from elsewhere)
//! to attach to an approval, and a CSV of the same changes for Excel.

use std::fmt::Write as _;

use base64::Engine as _;

use super::{Changes, Kind, Line, SiteChanges};
use crate::charts::canvas::escape;
use crate::render::open_data::{CsvCell, csv_bytes};

/// The first bytes of every HTML report: an existing file that begins with
/// them may be replaced by the next report.
pub const HTML_MARKER: &str = "<!DOCTYPE html>\n<!-- outreach changes report -->\n";
/// The CSV's header; an existing CSV that begins with it may be replaced.
pub const CSV_HEADER: &[&str] = &[
    "団体コード",
    "団体名",
    "種類",
    "変更",
    "ファイル",
    "項目",
    "変更前",
    "変更後",
];
/// Poster previews embedded in one report at most (the rest are named).
const MAX_PREVIEWS: usize = 24;
/// Characters of one CSV cell at most.
const MAX_CELL: usize = 2_000;

/// The CSV's first bytes (BOM and header), for [`crate::output::check_report_path`].
pub fn csv_marker() -> Vec<u8> {
    csv_bytes(CSV_HEADER, std::iter::empty())
}

fn counts(site: &SiteChanges) -> String {
    if site.new_site {
        return "公開中のコピーにないサイトです（すべて新しく公開されます）".into();
    }
    let mut parts = Vec::new();
    if !site.pages.is_empty() {
        let mut by_kind = Vec::new();
        for kind in [Kind::Added, Kind::Removed, Kind::Changed] {
            let n = site.pages.iter().filter(|p| p.kind == kind).count();
            if n > 0 {
                by_kind.push(format!("{} {n}", kind.word()));
            }
        }
        parts.push(format!("ページ {}", by_kind.join("・")));
    }
    if !site.figures.is_empty() {
        parts.push(format!(
            "数値 {} 件",
            site.figures.len() + site.omitted_figures
        ));
    }
    if !site.posters.is_empty() {
        parts.push(format!("ポスター {} 件", site.posters.len()));
    }
    if !site.files.is_empty() {
        parts.push(format!("その他のファイル {} 件", site.files.len()));
    }
    parts.join("、")
}

fn quote(lines: &[Line]) -> (String, String) {
    let pick = |removed: bool| {
        lines
            .iter()
            .filter_map(|l| match (l, removed) {
                (Line::Removed(t), true) | (Line::Added(t), false) => Some(t.as_str()),
                _ => None,
            })
            .collect::<Vec<_>>()
            .join(" / ")
    };
    (pick(true), pick(false))
}

fn shorten(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_string()
    } else {
        let cut: String = text.chars().take(max).collect();
        format!("{cut}…")
    }
}

/// The summary printed by `outreach changes`.
pub fn summary(changes: &Changes) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} サイトを比べました（今のプロジェクト、基準日 {}  ⇔  公開中のコピー {}）",
        changes.compared,
        changes.build_date,
        changes.against.display()
    );
    if changes.is_empty() {
        let _ = writeln!(out, "変更はありません。公開中のコピーと同じ内容です。");
        return out;
    }
    for site in &changes.sites {
        let _ = writeln!(
            out,
            "{}（{}）: {}",
            site.site.full_name,
            site.site.code,
            counts(site)
        );
    }
    let unchanged = changes.compared - changes.sites.len();
    if unchanged > 0 && !changes.sites.is_empty() {
        let _ = writeln!(out, "変更のないサイト: {unchanged}");
    }
    for common in &changes.common {
        let (old, new) = quote(&common.lines);
        let _ = writeln!(
            out,
            "多くのページに共通の変更（{} ページ）: 「{}」→「{}」",
            common.pages.len(),
            shorten(&old, 60),
            shorten(&new, 60)
        );
    }
    out
}

/// Inline marks for a removed line and the added line that replaces it.
fn marked_pair(old: &str, new: &str) -> (String, String) {
    let diff = similar::TextDiff::from_chars(old, new);
    let (mut a, mut b) = (String::new(), String::new());
    for change in diff.iter_all_changes() {
        let text = escape(change.value());
        match change.tag() {
            similar::ChangeTag::Equal => {
                a.push_str(&text);
                b.push_str(&text);
            }
            similar::ChangeTag::Delete => {
                let _ = write!(a, "<del>{text}</del>");
            }
            similar::ChangeTag::Insert => {
                let _ = write!(b, "<ins>{text}</ins>");
            }
        }
    }
    (merge_marks(&a, "del"), merge_marks(&b, "ins"))
}

/// `<del>a</del><del>b</del>` → `<del>ab</del>`.
fn merge_marks(html: &str, tag: &str) -> String {
    html.replace(&format!("</{tag}><{tag}>"), "")
}

fn diff_html(lines: &[Line]) -> String {
    let mut out = String::from("<div class=\"diff\">");
    let mut i = 0;
    while i < lines.len() {
        match &lines[i] {
            Line::Same(t) => {
                let _ = write!(
                    out,
                    "<p class=\"same\"><span class=\"mark\" aria-hidden=\"true\">　</span>{}</p>",
                    escape(t)
                );
                i += 1;
            }
            Line::Removed(_) | Line::Added(_) => {
                let removed: Vec<&str> = lines[i..]
                    .iter()
                    .map_while(|l| match l {
                        Line::Removed(t) => Some(t.as_str()),
                        _ => None,
                    })
                    .collect();
                let added: Vec<&str> = lines[i + removed.len()..]
                    .iter()
                    .map_while(|l| match l {
                        Line::Added(t) => Some(t.as_str()),
                        _ => None,
                    })
                    .collect();
                let mut old_html: Vec<String> = removed.iter().map(|t| escape(t)).collect();
                let mut new_html: Vec<String> = added.iter().map(|t| escape(t)).collect();
                for (k, (a, b)) in removed.iter().zip(&added).enumerate() {
                    let (x, y) = marked_pair(a, b);
                    old_html[k] = x;
                    new_html[k] = y;
                }
                for line in old_html {
                    let _ = write!(
                        out,
                        "<p class=\"del\"><span class=\"mark\">−</span><span class=\"visually-hidden\">削除: </span>{line}</p>"
                    );
                }
                for line in new_html {
                    let _ = write!(
                        out,
                        "<p class=\"ins\"><span class=\"mark\">＋</span><span class=\"visually-hidden\">追加: </span>{line}</p>"
                    );
                }
                i += removed.len() + added.len();
            }
        }
    }
    out.push_str("</div>");
    out
}

const STYLE: &str = r#"
body { font-family: "BIZ UDPGothic", "Hiragino Sans", "Yu Gothic", "Meiryo", sans-serif; color: #1a1a1a; line-height: 1.6; margin: 0 auto; max-width: 60rem; padding: 1rem; }
h1 { font-size: 1.5rem; margin: 0 0 .5rem; }
h2 { font-size: 1.25rem; border-bottom: 2px solid #333; margin-top: 2rem; }
h3 { font-size: 1.1rem; margin-top: 1.25rem; }
h4 { font-size: 1rem; margin: 1rem 0 .25rem; }
table { border-collapse: collapse; width: 100%; margin: .5rem 0; }
th, td { border: 1px solid #888; padding: .25rem .5rem; text-align: left; vertical-align: top; overflow-wrap: anywhere; }
th { background: #eee; }
table.stamp { width: auto; margin-left: auto; }
table.stamp td { width: 6rem; height: 4.5rem; }
.diff { border: 1px solid #888; margin: .25rem 0 1rem; }
.diff p { margin: 0; padding: .1rem .5rem; overflow-wrap: anywhere; }
.diff .mark { display: inline-block; width: 1.5em; font-weight: bold; }
.same { color: #444; }
.del { background: #fde8e8; }
.ins { background: #e6f4ea; }
del { background: #f5b5b5; text-decoration: line-through; }
ins { background: #9fd5ac; text-decoration: underline; }
.visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
.pair { display: flex; gap: 1rem; }
.pair figure { flex: 1; margin: 0; }
.pair img { width: 100%; height: auto; border: 1px solid #888; }
.note { color: #444; font-size: .9rem; }
.none { font-size: 1.2rem; font-weight: bold; padding: 1rem; border: 2px solid #333; }
@page { size: A4; margin: 15mm; }
@media print { body { max-width: none; padding: 0; } section.site { break-before: page; } .diff, tr, .pair { break-inside: avoid; } }
"#;

/// The printable HTML report. `created` is the day it is made.
pub fn html(changes: &Changes, created: &str) -> String {
    let mut out = String::from(HTML_MARKER);
    let _ = write!(
        out,
        "<html lang=\"ja\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>サイトの公開内容の変更（{}）</title><style>{STYLE}</style></head><body><header><h1>サイトの公開内容の変更</h1>",
        escape(&changes.build_date.to_string())
    );
    let _ = write!(
        out,
        "<table><tr><th scope=\"row\">作成日</th><td>{}</td></tr><tr><th scope=\"row\">基準日（新しい内容）</th><td>{}</td></tr><tr><th scope=\"row\">比べた公開中のコピー</th><td>{}</td></tr><tr><th scope=\"row\">比べたサイト</th><td>{} サイト（変更のあるサイト {}）</td></tr></table>",
        escape(created),
        escape(&changes.build_date.to_string()),
        escape(&changes.against.display().to_string()),
        changes.compared,
        changes.sites.len()
    );
    out.push_str("<table class=\"stamp\"><caption>確認欄</caption><tr><th scope=\"col\">起案</th><th scope=\"col\">確認</th><th scope=\"col\">決裁</th></tr><tr><td></td><td></td><td></td></tr></table>");
    out.push_str("<p class=\"note\">ページはHTMLではなく、読む人に見える文字を比べています（−は消える文、＋は新しい文）。数値はサイトのオープンデータ（CSV）を、ポスターは見本の画像（PNG）を比べています。</p></header><main>");

    if changes.is_empty() {
        out.push_str("<p class=\"none\">変更はありません。公開中のコピーと同じ内容です。</p></main></body></html>\n");
        return out;
    }

    out.push_str("<section><h2>概要</h2><table><tr><th scope=\"col\">サイト</th><th scope=\"col\">変更</th></tr>");
    for site in &changes.sites {
        let _ = write!(
            out,
            "<tr><td><a href=\"#site-{code}\">{name}（{code}）</a></td><td>{}</td></tr>",
            escape(&counts(site)),
            code = escape(&site.site.code),
            name = escape(&site.site.full_name)
        );
    }
    out.push_str("</table>");
    let unchanged = changes.compared - changes.sites.len();
    if unchanged > 0 {
        let _ = write!(
            out,
            "<p>ほかの {unchanged} サイトには、下の共通の変更のほかに変更はありません。</p>"
        );
    }
    out.push_str("</section>");

    if !changes.common.is_empty() {
        out.push_str("<section><h2>多くのページに共通の変更</h2><p class=\"note\">同じ変更が多くのページにあるときは、ここにまとめて1回だけ載せます。</p>");
        for common in &changes.common {
            let _ = write!(out, "<h3>{} ページ</h3>", common.pages.len());
            out.push_str(&diff_html(&common.lines));
            let shown: Vec<String> = common
                .pages
                .iter()
                .take(20)
                .map(|(code, path)| format!("{code}: {path}"))
                .collect();
            let more = if common.pages.len() > shown.len() {
                format!(" ほか {} ページ", common.pages.len() - shown.len())
            } else {
                String::new()
            };
            let _ = write!(
                out,
                "<p class=\"note\">このページにあります: {}{more}</p>",
                escape(&shown.join("、"))
            );
        }
        out.push_str("</section>");
    }

    let mut previews = 0usize;
    let mut previews_left_out = 0usize;
    for site in &changes.sites {
        let _ = write!(
            out,
            "<section class=\"site\" id=\"site-{code}\"><h2>{name}（{code}）</h2>",
            code = escape(&site.site.code),
            name = escape(&site.site.full_name)
        );
        if site.new_site {
            out.push_str("<p>公開中のコピーにないサイトです。すべてのページが新しく公開されます。</p></section>");
            continue;
        }
        if !site.pages.is_empty() {
            out.push_str("<h3>ページ</h3>");
            for page in &site.pages {
                let _ = write!(
                    out,
                    "<h4>{}（{}）: {}</h4>",
                    escape(&page.path),
                    page.kind.word(),
                    escape(&page.title)
                );
                match page.kind {
                    Kind::Removed => out.push_str("<p>このページはなくなります。</p>"),
                    _ => {
                        for hunk in &page.hunks {
                            out.push_str(&diff_html(&hunk.lines));
                        }
                    }
                }
                if page.omitted_lines > 0 {
                    let _ = write!(
                        out,
                        "<p class=\"note\">長いページのため、ほか {} 行の変更は省略しました。</p>",
                        page.omitted_lines
                    );
                }
                if page.common_hunks > 0 {
                    let _ = write!(
                        out,
                        "<p class=\"note\">このほか、「多くのページに共通の変更」の {} 件があります。</p>",
                        page.common_hunks
                    );
                }
            }
        }
        if !site.figures.is_empty() {
            out.push_str("<h3>数値（オープンデータ）</h3><table><tr><th scope=\"col\">ファイル</th><th scope=\"col\">行</th><th scope=\"col\">項目</th><th scope=\"col\">変更前</th><th scope=\"col\">変更後</th></tr>");
            for f in &site.figures {
                let column = if f.column.is_empty() {
                    format!("（行を{}）", f.kind.word())
                } else {
                    f.column.clone()
                };
                let _ = write!(
                    out,
                    "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                    escape(&f.file),
                    escape(&f.row),
                    escape(&column),
                    escape(&f.old),
                    escape(&f.new)
                );
            }
            out.push_str("</table>");
            if site.omitted_figures > 0 {
                let _ = write!(
                    out,
                    "<p class=\"note\">ほか {} 件の数値の変更は省略しました（CSV の報告にもありません）。</p>",
                    site.omitted_figures
                );
            }
        }
        if !site.posters.is_empty() {
            out.push_str("<h3>ポスター</h3>");
            for poster in &site.posters {
                let _ = write!(
                    out,
                    "<h4>{}（{}）</h4>",
                    escape(&poster.path),
                    poster.kind.word()
                );
                if previews >= MAX_PREVIEWS {
                    previews_left_out += 1;
                    out.push_str("<p class=\"note\">見本の画像は省略しました（報告書が大きくなりすぎないよう、先頭のものだけ載せています）。</p>");
                    continue;
                }
                previews += 1;
                out.push_str("<div class=\"pair\">");
                for (label, png) in [("変更前", &poster.old_png), ("変更後", &poster.new_png)]
                {
                    match png {
                        Some(bytes) => {
                            let data = base64::engine::general_purpose::STANDARD.encode(bytes);
                            let _ = write!(
                                out,
                                "<figure><figcaption>{label}</figcaption><img src=\"data:image/png;base64,{data}\" alt=\"{label}のポスターの見本\"></figure>"
                            );
                        }
                        None => {
                            let _ = write!(
                                out,
                                "<figure><figcaption>{label}</figcaption><p>（なし）</p></figure>"
                            );
                        }
                    }
                }
                out.push_str("</div>");
            }
        }
        if !site.files.is_empty() {
            out.push_str("<h3>その他のファイル</h3><ul>");
            for f in &site.files {
                let _ = write!(out, "<li>{}（{}）</li>", escape(&f.path), f.kind.word());
            }
            out.push_str("</ul>");
        }
        out.push_str("</section>");
    }
    if previews_left_out > 0 {
        let _ = write!(
            out,
            "<p class=\"note\">ポスターの見本 {previews_left_out} 件は画像を省略しました。</p>"
        );
    }
    out.push_str("</main></body></html>\n");
    out
}

/// The same changes as CSV (UTF-8 with BOM, spreadsheet-safe cells).
pub fn csv(changes: &Changes) -> Vec<u8> {
    let mut rows: Vec<Vec<CsvCell>> = Vec::new();
    let cell = |s: &str| CsvCell::text(shorten(s, MAX_CELL));
    let row = |code: &str,
               name: &str,
               kind: &str,
               change: &str,
               file: &str,
               item: &str,
               old: &str,
               new: &str| {
        vec![
            cell(code),
            cell(name),
            cell(kind),
            cell(change),
            cell(file),
            cell(item),
            cell(old),
            cell(new),
        ]
    };
    for common in &changes.common {
        let (old, new) = quote(&common.lines);
        rows.push(row(
            "",
            "（共通）",
            "ページ",
            "変更",
            &format!("{} ページ", common.pages.len()),
            "多くのページに共通の変更",
            &old,
            &new,
        ));
    }
    for site in &changes.sites {
        let (code, name) = (site.site.code.as_str(), site.site.full_name.as_str());
        if site.new_site {
            rows.push(row(
                code,
                name,
                "サイト",
                "追加",
                "",
                "公開中のコピーにないサイト",
                "",
                "",
            ));
            continue;
        }
        for page in &site.pages {
            let lines: Vec<Line> = page.hunks.iter().flat_map(|h| h.lines.clone()).collect();
            let (old, new) = quote(&lines);
            rows.push(row(
                code,
                name,
                "ページ",
                page.kind.word(),
                &page.path,
                &page.title,
                &old,
                &new,
            ));
        }
        for f in &site.figures {
            let item = if f.column.is_empty() {
                f.row.clone()
            } else {
                format!("{} {}", f.row, f.column)
            };
            rows.push(row(
                code,
                name,
                "数値",
                f.kind.word(),
                &f.file,
                &item,
                &f.old,
                &f.new,
            ));
        }
        for p in &site.posters {
            rows.push(row(
                code,
                name,
                "ポスター",
                p.kind.word(),
                &p.path,
                "",
                "",
                "",
            ));
        }
        for f in &site.files {
            rows.push(row(
                code,
                name,
                "ファイル",
                f.kind.word(),
                &f.path,
                "",
                "",
                "",
            ));
        }
    }
    if rows.is_empty() {
        rows.push(row(
            "",
            "",
            "なし",
            "変更なし",
            "",
            "公開中のコピーと同じ内容です",
            "",
            "",
        ));
    }
    csv_bytes(CSV_HEADER, rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_replaced_line_marks_only_what_changed() {
        let (old, new) = marked_pair("利用率は4.6%です", "利用率は5.1%です");
        assert_eq!(old, "利用率は<del>4</del>.<del>6</del>%です");
        assert_eq!(new, "利用率は<ins>5</ins>.<ins>1</ins>%です");
        let (old, new) = marked_pair("<b>", "<i>");
        assert_eq!(
            (old.as_str(), new.as_str()),
            ("&lt;<del>b</del>&gt;", "&lt;<ins>i</ins>&gt;")
        );
    }
}
