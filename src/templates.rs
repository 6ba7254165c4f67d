//! Tera templates, the theme's page templates and its poster templates alike:
//! one way to make the engine, to compile a folder's templates while
//! collecting every broken one, and to locate a Tera error in its template
//! file (line and column), so a template problem reads the same wherever it
//! happens.

use tera::{ErrorKind, Tera};

use crate::problems::Code;

/// A Tera engine with outreach's filters (`format`), escaping the output of
/// templates whose names end with one of `escape` (`.html`, `.svg`, …).
pub fn engine(escape: &[&'static str]) -> Tera {
    let mut tera = Tera::default();
    tera.autoescape_on(escape.to_vec());
    crate::format::register_filters(&mut tera);
    tera
}

/// Compile `sources` (template name, text) into `tera`. Tera stops at the
/// first template that does not parse: it is dropped from `sources` and the
/// rest compiled again, so one run reports every broken template (the check
/// Tera runs after parsing reports every unknown filter or block at once).
/// Every problem goes to `report`; returns whether there was none.
pub fn compile(
    tera: &mut Tera,
    sources: &mut Vec<(String, String)>,
    mut report: impl FnMut(TemplateProblem),
) -> bool {
    let mut ok = true;
    let mut dropped: Vec<String> = Vec::new();
    loop {
        let Err(e) = tera.add_raw_templates(sources.iter().map(|(n, t)| (n.as_str(), t.as_str())))
        else {
            break;
        };
        ok = false;
        // A child of a template dropped for its own error: already reported.
        let parent_dropped =
            matches!(e.kind(), ErrorKind::MissingParent { parent, .. } if dropped.contains(parent));
        let retry = matches!(
            e.kind(),
            ErrorKind::SyntaxError(_) | ErrorKind::MissingParent { .. }
        );
        let mut removed = false;
        for mut p in locate_all(&e) {
            if p.line.is_none()
                && let Some((_, text)) = sources.iter().find(|(n, _)| *n == p.template)
                && let ErrorKind::MissingParent { .. } = e.kind()
            {
                // The `extends` line (Tera gives no span for a missing parent).
                p.line = text
                    .lines()
                    .position(|l| l.contains("extends"))
                    .map(|i| i + 1);
            }
            let template = p.template.clone();
            if !parent_dropped {
                report(p);
            }
            if retry && !template.is_empty() {
                let before = sources.len();
                sources.retain(|(n, _)| *n != template);
                removed |= sources.len() < before;
                dropped.push(template);
            }
        }
        if !removed {
            break;
        }
    }
    ok
}

/// The (first) problem of a Tera error: the template it points at, with line
/// and column where Tera knows them.
pub fn locate(error: &tera::Error) -> TemplateProblem {
    locate_all(error)
        .into_iter()
        .next()
        .expect("every Tera error gives at least one problem")
}

/// One problem of a Tera error, located in its template (line and column
/// 1-based, when known; `template` is empty when Tera did not name it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateProblem {
    pub template: String,
    pub line: Option<usize>,
    pub column: Option<usize>,
    pub kind: TemplateIssue,
    /// In Japanese, naming what is wrong (Tera's own words kept when there is no translation).
    pub message: String,
    pub hint: String,
}

/// What kind of template problem it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TemplateIssue {
    /// The template does not parse.
    Syntax,
    /// It names a filter, function, test, block or template that does not exist.
    Reference,
    /// Rendering failed (a missing variable, a filter's error).
    Render,
}

impl TemplateIssue {
    /// The code of this problem in a page template.
    pub fn code(self) -> Code {
        match self {
            TemplateIssue::Syntax => Code::ThemeTemplateSyntax,
            TemplateIssue::Reference => Code::ThemeTemplateReference,
            TemplateIssue::Render => Code::ThemeTemplateRender,
        }
    }
}

const SYNTAX_HINT: &str =
    "Tera の書き方（{{ }} と {% %} の対応、endif・endfor・endblock の閉じ忘れ）を確認してください";

/// Every problem in a Tera error. Syntax and rendering errors carry one location;
/// the check Tera runs after parsing (unknown filters, functions, tests, blocks)
/// reports all it found as one text, whose `--> file:line:column` lines are read here.
pub fn locate_all(error: &tera::Error) -> Vec<TemplateProblem> {
    let one = |template: &str,
               (line, column): (Option<usize>, Option<usize>),
               kind: TemplateIssue,
               message: String,
               hint: &str| TemplateProblem {
        template: template.to_string(),
        line,
        column,
        kind,
        message,
        hint: hint.to_string(),
    };
    // Tera's spans: 1-based lines (0 when unknown), 0-based columns.
    let span = |span: &tera::Span| {
        let line = Some(span.start_line).filter(|&l| l > 0);
        (line, line.map(|_| span.start_col + 1))
    };
    match error.kind() {
        ErrorKind::SyntaxError(report) => vec![one(
            report.filename(),
            span(report.span()),
            TemplateIssue::Syntax,
            format!(
                "テンプレートの誤り: 書き方が正しくありません（{}）",
                report.message()
            ),
            SYNTAX_HINT,
        )],
        ErrorKind::RenderingError(report) => vec![one(
            report.filename(),
            span(report.span()),
            TemplateIssue::Render,
            report.message().to_string(),
            "テンプレートで使っている変数名を確認してください",
        )],
        ErrorKind::MissingParent { current, parent } => vec![one(
            current,
            (None, None),
            TemplateIssue::Reference,
            format!("継承元のテンプレート「{parent}」がありません"),
            "{% extends \"…\" %} のテンプレート名を確認してください",
        )],
        ErrorKind::TemplateNotFound(name) => vec![one(
            name,
            (None, None),
            TemplateIssue::Reference,
            format!("テンプレート「{name}」がありません"),
            "テーマの templates フォルダにそのファイルを置いてください",
        )],
        ErrorKind::Msg(text) => {
            let mut found: Vec<TemplateProblem> = Vec::new();
            for line in text.lines() {
                if let Some(message) = line.strip_prefix("error: ") {
                    let (message, hint) = reference_message(message);
                    found.push(one(
                        "",
                        (None, None),
                        TemplateIssue::Reference,
                        message,
                        hint,
                    ));
                } else if let Some(place) = line.trim_start().strip_prefix("--> ")
                    && let Some(last) = found.last_mut()
                    && last.line.is_none()
                {
                    let mut parts = place.rsplitn(3, ':');
                    let column = parts.next().and_then(|c| c.parse().ok());
                    let row = parts.next().and_then(|l| l.parse().ok());
                    if let (Some(column), Some(row), Some(name)) = (column, row, parts.next())
                        && row > 0
                    {
                        last.template = name.to_string();
                        last.line = Some(row);
                        last.column = Some(column).filter(|&c| c > 0);
                    }
                }
            }
            if found.is_empty() {
                found.push(one(
                    "",
                    (None, None),
                    TemplateIssue::Syntax,
                    text.clone(),
                    SYNTAX_HINT,
                ));
            }
            found
        }
        other => vec![one(
            "",
            (None, None),
            TemplateIssue::Syntax,
            other.to_string(),
            SYNTAX_HINT,
        )],
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
