//! A theme: page templates (compiled once per build), static assets and the
//! poster templates' names, loaded from `themes/<name>/`.

use std::path::{Path, PathBuf};

use tera::Tera;

use crate::content::paths;
use crate::problems::{Code, Location, Problems};
use crate::templates;

pub struct Theme {
    pub dir: PathBuf,
    pub tera: Tera,
    /// Files copied into every site's `assets/`, by relative path, sorted.
    pub assets: Vec<(String, Vec<u8>)>,
    /// Hash of every template and asset (combined with the fonts' hash by the
    /// renderer): a page rendered with another theme is never reused.
    pub fingerprint: u64,
}

impl Theme {
    pub fn load(dir: &Path, problems: &mut Problems) -> Option<Theme> {
        let templates_dir = dir.join("templates");
        if !templates_dir.is_dir() {
            problems.error(
                Code::ThemeMissing,
                Location::file(dir),
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
                    Code::FileUnreadable,
                    Location::file(entry.path()),
                    format!("テンプレートを読めません: {e}"),
                    "UTF-8 で保存してください",
                ),
            }
        }

        let mut tera = templates::engine(&[".html", ".xml", ".svg"]);
        let mut ok = templates::compile(&mut tera, &mut sources, |p| {
            problems.error(
                p.kind.code(),
                Location::new(templates_dir.join(&p.template), p.line, p.column),
                p.message,
                p.hint,
            )
        });
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
                    Code::FileUnreadable,
                    Location::file(entry.path()),
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
            fingerprint: crate::fingerprint::of(&all),
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
            Code::FileNameCase,
            Location::file(dir.join(twin)),
            format!("「{twin}」と「{first}」は大文字・小文字だけが違います"),
            "Windows や macOS では同じファイルになり、片方が消えてしまいます。どちらかの名前を変えてください",
        );
    }
    twins.is_empty()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::problems::{Problem, Source};

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
                let file = p.location.path().unwrap().strip_prefix(dir.path()).unwrap();
                p.location =
                    Location::new(file, p.location.line_number(), p.location.column_number());
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
        let found: Vec<(Code, Location)> = problems
            .iter()
            .map(|p| (p.code, p.location.clone()))
            .collect();
        assert_eq!(
            found,
            vec![
                (
                    Code::ThemeTemplateReference,
                    Location::at("templates/a.html", 3, 10)
                ),
                (
                    Code::ThemeTemplateSyntax,
                    Location::at("templates/b.html", 3, 7)
                ),
                (
                    Code::ThemeTemplateReference,
                    Location::at("templates/c.html", 1, 8)
                ),
                (
                    Code::ThemeTemplateReference,
                    Location::line("templates/d.html", 2)
                ),
            ]
        );
        // What is named: the filter, Tera's words, the missing parent.
        assert!(problems[0].message.contains("「nofilter」"));
        assert!(problems[1].message.contains("Unexpected end of input"));
        assert!(problems[3].message.contains("「missing.html」"));
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
        let found: Vec<(Code, &Source)> = problems
            .iter()
            .map(|p| (p.code, p.location.source()))
            .collect();
        let file = |f: &str| Source::File(f.into());
        assert_eq!(
            found,
            [
                (Code::FileName, &file("static/con.txt")),
                (Code::FileName, &file("static/img/a#b.png")),
                (Code::FileNameCase, &file("static/logo.png")),
            ]
        );
        assert!(problems[0].message.contains("「con.txt」は使えません"));
        assert!(problems[1].message.contains("「#」"));
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
