//! A theme: Tera templates and static assets, loaded once per build.

use std::path::{Path, PathBuf};

use tera::{ErrorKind, Tera};

use crate::content::paths;
use crate::problems::Problems;

pub struct Theme {
    pub dir: PathBuf,
    pub tera: Tera,
    /// Files copied into every site's `assets/`, by relative path, sorted.
    pub assets: Vec<(String, Vec<u8>)>,
    /// Hash of every template and asset (combined with the fonts' hash by the
    /// renderer): a page rendered with another theme is never reused.
    pub fingerprint: u64,
}

/// The template a Tera error points at, with line and column (1-based).
pub fn locate(error: &tera::Error) -> (String, usize, usize, String) {
    locate_all(error)
        .into_iter()
        .next()
        .map(|p| (p.template, p.line, p.column, p.message))
        .unwrap_or_default()
}

/// One problem of a Tera error, located in its template (line and column 1-based, 0 = unknown).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateProblem {
    pub template: String,
    pub line: usize,
    pub column: usize,
    /// In Japanese, naming what is wrong (Tera's own words kept when there is no translation).
    pub message: String,
    pub hint: String,
}

const SYNTAX_HINT: &str =
    "Tera の書き方（{{ }} と {% %} の対応、endif・endfor・endblock の閉じ忘れ）を確認してください";

/// Every problem in a Tera error. Syntax and rendering errors carry one location;
/// the check Tera runs after parsing (unknown filters, functions, tests, blocks)
/// reports all it found as one text, whose `--> file:line:column` lines are read here.
pub fn locate_all(error: &tera::Error) -> Vec<TemplateProblem> {
    let one =
        |template: &str, line: usize, column: usize, message: String, hint: &str| TemplateProblem {
            template: template.to_string(),
            line,
            column,
            message,
            hint: hint.to_string(),
        };
    match error.kind() {
        ErrorKind::SyntaxError(report) => vec![one(
            report.filename(),
            report.span().start_line,
            report.span().start_col + 1,
            format!(
                "テンプレートの誤り: 書き方が正しくありません（{}）",
                report.message()
            ),
            SYNTAX_HINT,
        )],
        ErrorKind::RenderingError(report) => vec![one(
            report.filename(),
            report.span().start_line,
            report.span().start_col + 1,
            report.message().to_string(),
            "テンプレートで使っている変数名を確認してください",
        )],
        ErrorKind::MissingParent { current, parent } => vec![one(
            current,
            0,
            0,
            format!("継承元のテンプレート「{parent}」がありません"),
            "{% extends \"…\" %} のテンプレート名を確認してください",
        )],
        ErrorKind::TemplateNotFound(name) => vec![one(
            name,
            0,
            0,
            format!("テンプレート「{name}」がありません"),
            "テーマの templates フォルダにそのファイルを置いてください",
        )],
        ErrorKind::Msg(text) => {
            let mut found: Vec<TemplateProblem> = Vec::new();
            for line in text.lines() {
                if let Some(message) = line.strip_prefix("error: ") {
                    let (message, hint) = reference_message(message);
                    found.push(one("", 0, 0, message, hint));
                } else if let Some(place) = line.trim_start().strip_prefix("--> ")
                    && let Some(last) = found.last_mut()
                    && last.line == 0
                {
                    let mut parts = place.rsplitn(3, ':');
                    let column = parts.next().and_then(|c| c.parse().ok());
                    let row = parts.next().and_then(|l| l.parse().ok());
                    if let (Some(column), Some(row), Some(name)) = (column, row, parts.next()) {
                        last.template = name.to_string();
                        last.line = row;
                        last.column = column;
                    }
                }
            }
            if found.is_empty() {
                found.push(one("", 0, 0, text.clone(), SYNTAX_HINT));
            }
            found
        }
        other => vec![one("", 0, 0, other.to_string(), SYNTAX_HINT)],
    }
}

/// Tera's words for a reference it cannot resolve, in Japanese, with a hint.
fn reference_message(english: &str) -> (String, &'static str) {
    let quoted = english
        .split('`')
        .nth(1)
        .map(str::to_string)
        .unwrap_or_default();
    let known = |kind: &str| english.starts_with(&format!("Unknown {kind} `"));
    if known("filter") {
        (
            format!("フィルター「{quoted}」はありません"),
            "フィルター名のつづりを確認してください（Tera の組み込みフィルターと outreach が加えたものが使えます）",
        )
    } else if known("function") {
        (
            format!("関数「{quoted}」はありません"),
            "関数名のつづりを確認してください",
        )
    } else if known("test") {
        (
            format!("テスト「{quoted}」はありません"),
            "is の後のテスト名のつづりを確認してください",
        )
    } else if english.starts_with("Block `") {
        (
            format!("ブロック「{quoted}」が継承元のテンプレートにありません"),
            "継承元のテンプレートにある {% block … %} と同じ名前にしてください",
        )
    } else {
        (format!("テンプレートの誤り: {english}"), SYNTAX_HINT)
    }
}

impl Theme {
    pub fn load(dir: &Path, problems: &mut Problems) -> Option<Theme> {
        let templates_dir = dir.join("templates");
        if !templates_dir.is_dir() {
            problems.error(
                dir,
                0,
                0,
                format!("テーマのテンプレートフォルダ {} がありません", templates_dir.display()),
                "config.yaml の theme にテーマ名を書き、themes/<テーマ名>/templates/ を置いてください",
            );
            return None;
        }
        let mut sources: Vec<(String, String)> = Vec::new();
        for entry in walkdir::WalkDir::new(&templates_dir).sort_by_file_name() {
            let Ok(entry) = entry else { continue };
            if !entry.file_type().is_file() {
                continue;
            }
            let name = entry
                .path()
                .strip_prefix(&templates_dir)
                .expect("inside the templates folder")
                .to_string_lossy()
                .replace('\\', "/");
            match std::fs::read_to_string(entry.path()) {
                Ok(text) => sources.push((name, text)),
                Err(e) => problems.error(
                    entry.path(),
                    0,
                    0,
                    format!("テンプレートを読めません: {e}"),
                    "UTF-8 で保存してください",
                ),
            }
        }

        // Tera stops at the first template that does not parse: drop it and
        // retry, so one run reports every broken template. (The check after
        // parsing reports every unknown filter or block at once.)
        let mut tera = Tera::default();
        tera.autoescape_on(vec![".html", ".xml", ".svg"]);
        crate::format::register_filters(&mut tera);
        let mut ok = true;
        let mut dropped: Vec<String> = Vec::new();
        loop {
            let Err(e) =
                tera.add_raw_templates(sources.iter().map(|(n, t)| (n.as_str(), t.as_str())))
            else {
                break;
            };
            ok = false;
            let parent_dropped = matches!(e.kind(), ErrorKind::MissingParent { parent, .. } if dropped.contains(parent));
            let retry = matches!(
                e.kind(),
                ErrorKind::SyntaxError(_) | ErrorKind::MissingParent { .. }
            );
            let mut removed = false;
            for mut p in locate_all(&e) {
                if p.line == 0
                    && let Some((_, text)) = sources.iter().find(|(n, _)| *n == p.template)
                    && let ErrorKind::MissingParent { .. } = e.kind()
                {
                    // The `extends` line.
                    p.line = text
                        .lines()
                        .position(|l| l.contains("extends"))
                        .map_or(0, |i| i + 1);
                }
                if !parent_dropped {
                    problems.error(
                        &templates_dir.join(&p.template),
                        p.line,
                        p.column,
                        p.message,
                        p.hint,
                    );
                }
                if retry && !p.template.is_empty() {
                    let before = sources.len();
                    sources.retain(|(n, _)| *n != p.template);
                    removed |= sources.len() < before;
                    dropped.push(p.template);
                }
            }
            if !removed {
                break;
            }
        }
        let mut assets = Vec::new();
        let static_dir = dir.join("static");
        for entry in walkdir::WalkDir::new(&static_dir).sort_by_file_name() {
            let Ok(entry) = entry else { continue };
            if !entry.file_type().is_file() {
                continue;
            }
            let rel_path = entry
                .path()
                .strip_prefix(&static_dir)
                .expect("inside the static folder");
            // Copied into every site and linked from pages: the name must survive
            // every server and system as it is.
            if let Some(bad) = paths::check_relative(rel_path) {
                paths::report(problems, entry.path(), "テーマの static フォルダ", &bad);
                ok = false;
                continue;
            }
            let rel = slash_path(rel_path);
            match std::fs::read(entry.path()) {
                Ok(bytes) => assets.push((rel, bytes)),
                Err(e) => problems.error(
                    entry.path(),
                    0,
                    0,
                    format!("ファイルを読めません: {e}"),
                    "ファイルの権限を確認してください",
                ),
            }
        }
        ok &= report_case_twins(
            &static_dir,
            assets.iter().map(|(n, _)| n.as_str()),
            problems,
        );
        let mut all = Vec::new();
        let mut poster_names = Vec::new();
        // Poster templates are loaded by the poster module, but belong to the
        // theme; their names become the posters' file names.
        let posters_dir = dir.join("posters");
        for entry in walkdir::WalkDir::new(&posters_dir)
            .sort_by_file_name()
            .into_iter()
            .flatten()
        {
            if !entry.file_type().is_file() {
                continue;
            }
            let in_posters = entry
                .path()
                .strip_prefix(&posters_dir)
                .unwrap_or(entry.path());
            if let Some(bad) = paths::check_relative(in_posters) {
                paths::report(problems, entry.path(), "ポスターのテンプレート", &bad);
                ok = false;
                continue;
            }
            poster_names.push(slash_path(in_posters));
            if let Ok(bytes) = std::fs::read(entry.path()) {
                let rel = entry.path().strip_prefix(dir).unwrap_or(entry.path());
                all.extend_from_slice(rel.to_string_lossy().as_bytes());
                all.extend_from_slice(&bytes);
            }
        }
        ok &= report_case_twins(
            &posters_dir,
            poster_names.iter().map(String::as_str),
            problems,
        );
        if !ok {
            return None;
        }
        for (name, text) in &sources {
            all.extend_from_slice(name.as_bytes());
            all.extend_from_slice(text.as_bytes());
        }
        for (name, bytes) in &assets {
            all.extend_from_slice(name.as_bytes());
            all.extend_from_slice(bytes);
        }
        Some(Theme {
            dir: dir.to_path_buf(),
            tera,
            assets,
            fingerprint: crate::output::hash_bytes(&all),
        })
    }
}

/// `a/b.css` whatever the system's separator (the name was checked: UTF-8, no `\\`).
fn slash_path(rel: &Path) -> String {
    rel.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// Report names under `dir` that differ only in case; true when there are none.
fn report_case_twins<'a>(
    dir: &Path,
    names: impl IntoIterator<Item = &'a str>,
    problems: &mut Problems,
) -> bool {
    let twins = paths::case_twins(names);
    for (first, twin) in &twins {
        problems.error(
            &dir.join(twin),
            0,
            0,
            format!("「{twin}」と「{first}」は大文字・小文字だけが違います"),
            "Windows や macOS では同じファイルになり、片方が消えてしまいます。どちらかの名前を変えてください",
        );
    }
    twins.is_empty()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::problems::Problem;

    fn load_theme(templates: &[(&str, &str)], statics: &[&str]) -> (Option<Theme>, Vec<Problem>) {
        let dir = tempfile::tempdir().unwrap();
        for (name, text) in templates {
            let path = dir.path().join("templates").join(name);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }
        for name in statics {
            let path = dir.path().join("static").join(name);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, "x").unwrap();
        }
        let mut problems = Problems::new();
        let theme = Theme::load(dir.path(), &mut problems);
        let all = problems
            .sorted()
            .into_iter()
            .map(|mut p| {
                p.file = p.file.strip_prefix(dir.path()).unwrap().to_path_buf();
                p
            })
            .collect();
        (theme, all)
    }

    #[test]
    fn every_template_error_names_its_file_line_and_column() {
        let (theme, problems) = load_theme(
            &[
                (
                    "base.html",
                    "<html>{% block body %}{% endblock body %}</html>",
                ),
                (
                    "a.html",
                    "{% extends \"base.html\" %}{% block body %}\n\n  {{ x | nofilter }}{% endblock body %}",
                ),
                ("b.html", "line\n{% if x %}\nno end"),
                ("c.html", "{{ y | other }}"),
                ("d.html", "\n{% extends \"missing.html\" %}"),
                // A child of a template that does not parse is not reported again.
                ("e.html", "{% extends \"b.html\" %}"),
            ],
            &[],
        );
        assert!(theme.is_none());
        let found: Vec<(String, usize, usize, &str)> = problems
            .iter()
            .map(|p| {
                (
                    p.file.display().to_string(),
                    p.line,
                    p.column,
                    p.message.as_str(),
                )
            })
            .collect();
        assert_eq!(
            found,
            vec![
                (
                    "templates/a.html".to_string(),
                    3,
                    10,
                    "フィルター「nofilter」はありません"
                ),
                (
                    "templates/b.html".to_string(),
                    3,
                    7,
                    "テンプレートの誤り: 書き方が正しくありません（Unexpected end of input）"
                ),
                (
                    "templates/c.html".to_string(),
                    1,
                    8,
                    "フィルター「other」はありません"
                ),
                (
                    "templates/d.html".to_string(),
                    2,
                    0,
                    "継承元のテンプレート「missing.html」がありません"
                ),
            ]
        );
        assert!(
            problems[0].hint.contains("フィルター名"),
            "{}",
            problems[0].hint
        );
    }

    #[test]
    fn static_file_names_that_would_break_links_are_errors() {
        let (theme, problems) = load_theme(
            &[("page.html", "ok")],
            &["ok.css", "img/a#b.png", "Logo.png", "logo.png", "con.txt"],
        );
        assert!(theme.is_none());
        let found: Vec<(String, &str)> = problems
            .iter()
            .map(|p| (p.file.display().to_string(), p.message.as_str()))
            .collect();
        assert_eq!(found.len(), 3, "{found:#?}");
        assert!(found[0].0 == "static/con.txt" && found[0].1.contains("「con.txt」は使えません"));
        assert!(found[1].0 == "static/img/a#b.png" && found[1].1.contains("「#」"));
        assert!(found[2].0 == "static/logo.png" && found[2].1.contains("大文字・小文字だけ"));
        assert!(
            problems[1].hint.contains("「a-b.png」"),
            "{}",
            problems[1].hint
        );

        let (theme, problems) = load_theme(&[("page.html", "ok")], &["ok.css", "img/flow.png"]);
        assert!(problems.is_empty(), "{problems:#?}");
        let theme = theme.unwrap();
        let names: Vec<&str> = theme.assets.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["img/flow.png", "ok.css"]);
    }
}
