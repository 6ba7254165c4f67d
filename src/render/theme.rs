//! A theme: Tera templates and static assets, loaded once per build.

use std::path::{Path, PathBuf};

use tera::{ErrorKind, Tera};

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
    match error.kind() {
        ErrorKind::SyntaxError(report) | ErrorKind::RenderingError(report) => (
            report.filename().to_string(),
            report.span().start_line,
            report.span().start_col + 1,
            report.message().to_string(),
        ),
        ErrorKind::MissingParent { current, parent } => (
            current.clone(),
            0,
            0,
            format!("継承元のテンプレート「{parent}」がありません"),
        ),
        ErrorKind::TemplateNotFound(name) => (
            name.clone(),
            0,
            0,
            format!("テンプレート「{name}」がありません"),
        ),
        other => (String::new(), 0, 0, other.to_string()),
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

        // Tera stops at the first broken template: drop it and retry, so one run
        // reports every broken template.
        let mut tera = Tera::default();
        tera.autoescape_on(vec![".html", ".xml", ".svg"]);
        let mut ok = true;
        loop {
            match tera.add_raw_templates(sources.iter().map(|(n, t)| (n.as_str(), t.as_str()))) {
                Ok(()) => break,
                Err(e) => {
                    ok = false;
                    let (name, line, column, message) = locate(&e);
                    problems.error(
                        &templates_dir.join(&name),
                        line,
                        column,
                        format!("テンプレートの誤り: {message}"),
                        "Tera の書き方（{{ }} と {% %} の対応、endif/endfor）を確認してください",
                    );
                    let before = sources.len();
                    sources.retain(|(n, _)| *n != name);
                    if sources.len() == before {
                        break;
                    }
                }
            }
        }
        if !ok {
            return None;
        }

        let mut assets = Vec::new();
        let static_dir = dir.join("static");
        for entry in walkdir::WalkDir::new(&static_dir).sort_by_file_name() {
            let Ok(entry) = entry else { continue };
            if !entry.file_type().is_file() {
                continue;
            }
            let rel = entry
                .path()
                .strip_prefix(&static_dir)
                .expect("inside the static folder")
                .to_string_lossy()
                .replace('\\', "/");
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
        let mut all = Vec::new();
        // Poster templates are loaded by the poster module, but belong to the theme.
        for entry in walkdir::WalkDir::new(dir.join("posters"))
            .sort_by_file_name()
            .into_iter()
            .flatten()
        {
            if entry.file_type().is_file()
                && let Ok(bytes) = std::fs::read(entry.path())
            {
                let rel = entry.path().strip_prefix(dir).unwrap_or(entry.path());
                all.extend_from_slice(rel.to_string_lossy().as_bytes());
                all.extend_from_slice(&bytes);
            }
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
