//! The preview's HTTP side: the built files as they are, except that every
//! HTML response gets the reload script (and, while the project has errors,
//! the overlay listing them) before `</body>`. Nothing is ever written into
//! the built files themselves.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use tiny_http::{Header, Method, Request, Response, Server};

use super::{ServeError, Shared, Status, wait_for_change};
use crate::charts::canvas::escape;
use crate::problems::Severity;

/// Threads answering requests (an event stream waits in a thread of its own).
const WORKERS: usize = 4;
/// How long an event request waits for a build before it answers "nothing
/// yet" (the browser then asks again).
const EVENT_WAIT: Duration = Duration::from_secs(20);
/// Where the reload script listens.
pub const EVENTS_PATH: &str = "/__outreach/events";
const STATUS_PATH: &str = "/__outreach/status";
const SITES_PATH: &str = "/__outreach/sites";

/// The running server; dropping it leaves the threads to end with the process.
pub struct Running {
    server: Arc<Server>,
}

impl Running {
    /// Wake the threads waiting for requests so they end.
    pub fn stop(&self) {
        for _ in 0..WORKERS {
            self.server.unblock();
        }
    }
}

/// Serve `shared.root` on `listener` (bound to 127.0.0.1 by [`super::bind`]).
pub fn start(listener: TcpListener, port: u16, shared: Arc<Shared>) -> Result<Running, ServeError> {
    let server = Server::from_listener(listener, None).map_err(|e| ServeError::Bind {
        port,
        source: std::io::Error::other(e.to_string()),
    })?;
    let server = Arc::new(server);
    for _ in 0..WORKERS {
        let server = server.clone();
        let shared = shared.clone();
        std::thread::spawn(move || {
            while let Ok(request) = server.recv() {
                handle(request, port, &shared);
            }
        });
    }
    Ok(Running { server })
}

fn header(name: &str, value: &str) -> Header {
    Header::from_bytes(name.as_bytes(), value.as_bytes()).expect("ASCII header")
}

/// A finished response: status, content type and body.
struct Reply {
    status: u16,
    content_type: &'static str,
    body: Vec<u8>,
    location: Option<String>,
}

impl Reply {
    fn html(status: u16, body: String) -> Reply {
        Reply {
            status,
            content_type: "text/html; charset=utf-8",
            body: body.into_bytes(),
            location: None,
        }
    }

    fn send(self, request: Request) {
        let mut response = Response::from_data(self.body)
            .with_status_code(self.status)
            .with_header(header("Content-Type", self.content_type))
            .with_header(header("Cache-Control", "no-store"))
            .with_header(header("X-Content-Type-Options", "nosniff"));
        if let Some(location) = self.location {
            response.add_header(header("Location", &location));
        }
        let _ = request.respond(response);
    }
}

fn handle(request: Request, port: u16, shared: &Arc<Shared>) {
    if !host_allowed(&request, port) {
        // Another name for this machine (DNS rebinding): refused.
        return Reply::html(403, "<!DOCTYPE html><title>403</title>".into()).send(request);
    }
    if !matches!(request.method(), Method::Get | Method::Head) {
        return Reply::html(405, "<!DOCTYPE html><title>405</title>".into()).send(request);
    }
    let url = request.url().to_string();
    let (path, query) = url.split_once('?').unwrap_or((url.as_str(), ""));
    match path {
        EVENTS_PATH => {
            let since = request
                .headers()
                .iter()
                .find(|h| h.field.equiv("Last-Event-ID"))
                .and_then(|h| h.value.as_str().trim().parse().ok())
                .or_else(|| query_value(query, "since").and_then(|v| v.parse().ok()));
            let shared = shared.clone();
            // Wait in a thread of its own, so page requests are not held up.
            std::thread::spawn(move || events(request, since, &shared));
        }
        STATUS_PATH => {
            let status = shared.status().clone();
            let body = serde_json::json!({
                "generation": status.generation,
                "has_output": status.has_output,
                "failed": status.failed,
                "problems": status.problems,
            });
            Reply {
                status: 200,
                content_type: "application/json",
                body: body.to_string().into_bytes(),
                location: None,
            }
            .send(request);
        }
        SITES_PATH => {
            let status = shared.status().clone();
            Reply::html(200, with_serve_parts(&sites_page(&status, None), &status)).send(request);
        }
        _ => file(request, path, shared),
    }
}

/// Only requests for this server's own names (`127.0.0.1:PORT`,
/// `localhost:PORT`) are answered.
fn host_allowed(request: &Request, port: u16) -> bool {
    let Some(host) = request.headers().iter().find(|h| h.field.equiv("Host")) else {
        return true;
    };
    let host = host.value.as_str().to_ascii_lowercase();
    [format!("127.0.0.1:{port}"), format!("localhost:{port}")].contains(&host)
}

fn query_value<'q>(query: &'q str, key: &str) -> Option<&'q str> {
    query
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .find(|(k, _)| *k == key)
        .map(|(_, v)| v)
}

/// Answer an event request: `reload` as soon as a build newer than `since`
/// finishes (at once when one already has), else after a while a comment,
/// and the browser asks again (the `retry` field says how soon).
fn events(request: Request, since: Option<u64>, shared: &Shared) {
    let since = since.unwrap_or_else(|| shared.status().generation);
    let generation = wait_for_change(shared, since, EVENT_WAIT);
    let body = if generation > since {
        format!("retry: 500\nid: {generation}\nevent: reload\ndata: {generation}\n\n")
    } else {
        "retry: 500\n: 変更を待っています\n\n".to_string()
    };
    Reply {
        status: 200,
        content_type: "text/event-stream; charset=utf-8",
        body: body.into_bytes(),
        location: None,
    }
    .send(request);
}

/// Where a request path leads in the served folder.
#[derive(Debug, PartialEq, Eq)]
pub enum Resolved {
    File(PathBuf),
    /// A folder asked without its closing `/`: the same path with it, so the
    /// pages' relative links work.
    Redirect(String),
    NotFound,
}

/// Map a request path (`/m/221007/faq.html`, percent-encoded) to a file in
/// `root`. A path with `..`, `.`, a backslash, a colon or a control
/// character leads nowhere; a folder leads to its `index.html`.
pub fn resolve(root: &Path, path: &str) -> Resolved {
    let Ok(decoded) = percent_encoding::percent_decode_str(path).decode_utf8() else {
        return Resolved::NotFound;
    };
    let Some(rel) = decoded.strip_prefix('/') else {
        return Resolved::NotFound;
    };
    let trimmed = rel.trim_end_matches('/');
    let mut target = root.to_path_buf();
    if !trimmed.is_empty() {
        if crate::output::check_rel(trimmed).is_err() {
            return Resolved::NotFound;
        }
        target.push(trimmed);
    }
    match std::fs::symlink_metadata(&target) {
        Ok(meta) if meta.is_dir() => {
            if !rel.is_empty() && !rel.ends_with('/') {
                return Resolved::Redirect(format!("{path}/"));
            }
            let index = target.join("index.html");
            if std::fs::symlink_metadata(&index).is_ok_and(|m| m.is_file()) {
                Resolved::File(index)
            } else {
                Resolved::NotFound
            }
        }
        Ok(meta) if meta.is_file() && !rel.ends_with('/') => Resolved::File(target),
        _ => Resolved::NotFound,
    }
}

fn content_type(path: &Path) -> &'static str {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or_default()
        .to_ascii_lowercase();
    match ext.as_str() {
        "html" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "pdf" => "application/pdf",
        "xml" => "application/xml",
        "csv" => "text/csv; charset=utf-8",
        "ics" => "text/calendar; charset=utf-8",
        "txt" => "text/plain; charset=utf-8",
        "zip" => "application/zip",
        _ => "application/octet-stream",
    }
}

fn file(request: Request, path: &str, shared: &Shared) {
    let status = shared.status().clone();
    if !status.has_output {
        // No build has succeeded yet: the problems are all there is to show.
        let page = sites_page(&status, Some("まだページがありません"));
        return Reply::html(200, with_serve_parts(&page, &status)).send(request);
    }
    match resolve(&shared.root, path) {
        Resolved::File(file) => {
            let Ok(bytes) = std::fs::read(&file) else {
                let page = sites_page(&status, Some("ページが見つかりません"));
                return Reply::html(404, with_serve_parts(&page, &status)).send(request);
            };
            let kind = content_type(&file);
            let body = if kind.starts_with("text/html") {
                with_serve_parts(&String::from_utf8_lossy(&bytes), &status).into_bytes()
            } else {
                bytes
            };
            Reply {
                status: 200,
                content_type: kind,
                body,
                location: None,
            }
            .send(request);
        }
        Resolved::Redirect(location) => Reply {
            status: 301,
            content_type: "text/plain; charset=utf-8",
            body: Vec::new(),
            location: Some(location),
        }
        .send(request),
        Resolved::NotFound => {
            let page = sites_page(&status, Some("ページが見つかりません"));
            Reply::html(404, with_serve_parts(&page, &status)).send(request);
        }
    }
}

/// A page of the preview itself: the built sites, with links.
fn sites_page(status: &Status, heading: Option<&str>) -> String {
    let mut items = String::new();
    for site in &status.sites {
        let href = if site.dir.is_empty() {
            "/".to_string()
        } else {
            format!("/{}/", site.dir)
        };
        items.push_str(&format!(
            "<li><a href=\"{}\">{}</a>（{}）</li>",
            escape(&href),
            escape(&site.full_name),
            escape(&site.code)
        ));
    }
    let list = if items.is_empty() {
        "<p>ビルドできたサイトはまだありません。</p>".to_string()
    } else {
        format!("<p>このプレビューで見られるサイト:</p><ul>{items}</ul>")
    };
    format!(
        "<!DOCTYPE html><html lang=\"ja\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>outreach プレビュー</title></head><body><main><h1>{}</h1>{list}</main></body></html>",
        escape(heading.unwrap_or("outreach プレビュー"))
    )
}

/// The page with the preview's parts before `</body>`: the overlay while the
/// latest build failed, and the reload script.
pub fn with_serve_parts(html: &str, status: &Status) -> String {
    let mut parts = String::new();
    if status.failed {
        parts.push_str(&overlay(status));
    }
    parts.push_str(&reload_script(status.generation));
    match html.to_ascii_lowercase().rfind("</body>") {
        Some(i) => format!("{}{parts}{}", &html[..i], &html[i..]),
        None => format!("{html}{parts}"),
    }
}

/// Reloads the page when the next build finishes.
fn reload_script(generation: u64) -> String {
    format!(
        "<script data-outreach-serve>(function(){{var s=new EventSource(\"{EVENTS_PATH}?since={generation}\");s.addEventListener(\"reload\",function(){{s.close();location.reload();}});var b=document.getElementById(\"outreach-serve-close\");if(b){{b.addEventListener(\"click\",function(){{document.getElementById(\"outreach-serve-overlay\").remove();}});}}}})();</script>"
    )
}

/// Every problem of the latest build, over the last good page.
pub fn overlay(status: &Status) -> String {
    let errors = status
        .problems
        .iter()
        .filter(|p| p.severity == Severity::Error)
        .count();
    let warnings = status.problems.len() - errors;
    let mut items = String::new();
    // Errors first: they are what stops the build; warnings follow.
    let ordered = status
        .problems
        .iter()
        .filter(|p| p.severity == Severity::Error)
        .chain(
            status
                .problems
                .iter()
                .filter(|p| p.severity != Severity::Error),
        );
    for p in ordered {
        let place = p.location.to_string();
        let kind = match p.severity {
            Severity::Error => "エラー",
            Severity::Warning => "警告",
        };
        let hint = if p.hint.is_empty() {
            String::new()
        } else {
            format!("<br>対処: {}", escape(&p.hint))
        };
        items.push_str(&format!(
            "<li><code>{}</code> <strong>{kind}</strong>: {}{hint}</li>",
            escape(&place),
            escape(&p.message)
        ));
    }
    let shown = if status.has_output {
        format!(
            "直すまで、最後にビルドできたページ（{} に作成）を表示しています。",
            escape(&status.built_at)
        )
    } else {
        "まだ一度もビルドできていません。".to_string()
    };
    format!(
        "<div id=\"outreach-serve-overlay\" role=\"alertdialog\" aria-labelledby=\"outreach-serve-title\" style=\"position:fixed;inset:0 0 auto 0;max-height:85vh;overflow:auto;z-index:2147483647;box-sizing:border-box;padding:1rem;background:#fff5f5;color:#1a1a1a;border-bottom:4px solid #b00020;font:16px/1.6 sans-serif;text-align:left\">\
<h2 id=\"outreach-serve-title\" style=\"margin:0 0 .5rem;font-size:1.25rem;color:#b00020\">ビルドできませんでした（エラー {errors} 件、警告 {warnings} 件）</h2>\
<p style=\"margin:0 0 .5rem\">{shown}ファイルを直して保存すると、自動で作り直します。</p>\
<ol style=\"margin:0 0 .75rem;padding-left:1.5rem\">{items}</ol>\
<button id=\"outreach-serve-close\" type=\"button\" style=\"font:inherit;min-height:44px;padding:0 1rem\">閉じる</button></div>"
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::problems::{Code, Location, Problem};

    #[test]
    fn paths_stay_inside_the_served_folder() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("m/221007/guides")).unwrap();
        std::fs::write(root.join("index.html"), "x").unwrap();
        std::fs::write(root.join("m/221007/index.html"), "x").unwrap();
        std::fs::write(root.join("m/221007/guides/flow.html"), "x").unwrap();
        std::fs::write(dir.path().join("secret.txt"), "x").unwrap();
        assert_eq!(resolve(root, "/"), Resolved::File(root.join("index.html")));
        assert_eq!(
            resolve(root, "/m/221007/"),
            Resolved::File(root.join("m/221007/index.html"))
        );
        assert_eq!(
            resolve(root, "/m/221007"),
            Resolved::Redirect("/m/221007/".into())
        );
        assert_eq!(
            resolve(root, "/m/221007/guides/flow.html"),
            Resolved::File(root.join("m/221007/guides/flow.html"))
        );
        for bad in [
            "/../secret.txt",
            "/m/%2e%2e/%2e%2e/../secret.txt",
            "/m/221007/..%2f..%2f..%2fsecret.txt",
            "/m\\221007\\index.html",
            "/C:/x",
            "/m/221007/guides/flow.html/",
            "/nothing.html",
            "relative.html",
        ] {
            assert_eq!(resolve(root, bad), Resolved::NotFound, "{bad}");
        }
    }

    fn failed_status() -> Status {
        Status {
            generation: 7,
            has_output: true,
            failed: true,
            problems: vec![Problem {
                code: Code::FrontMatterBadValue,
                location: Location::at("content/faq/trial.md", 3, 7),
                severity: Severity::Error,
                message: "<script>の「question」".into(),
                hint: "直してください".into(),
            }],
            built_at: "10:00:00".into(),
            sites: Vec::new(),
        }
    }

    #[test]
    fn the_overlay_and_script_go_before_the_body_end_escaped() {
        let page = "<html><body><p>前回のページ</p></body></html>";
        let mut status = failed_status();
        status.problems.insert(
            0,
            Problem {
                code: Code::ConfigUnlinkedSites,
                location: Location::line("config.yaml", 40),
                severity: Severity::Warning,
                message: "警告の文".into(),
                hint: String::new(),
            },
        );
        let served = with_serve_parts(page, &status);
        assert!(served.find("trial.md:3:7").unwrap() < served.find("config.yaml:40").unwrap());
        assert!(served.contains("（エラー 1 件、警告 1 件）"));
        let served = with_serve_parts(page, &failed_status());
        assert!(
            served.starts_with("<html><body><p>前回のページ</p><div id=\"outreach-serve-overlay\"")
        );
        assert!(served.ends_with("</script></body></html>"));
        assert!(served.contains("<code>content/faq/trial.md:3:7</code> <strong>エラー</strong>: &lt;script&gt;の「question」<br>対処: 直してください"));
        assert!(served.contains("/__outreach/events?since=7"));
        // A good build: only the script.
        let ok = Status {
            failed: false,
            ..failed_status()
        };
        let served = with_serve_parts(page, &ok);
        assert!(!served.contains("id=\"outreach-serve-overlay\""));
        assert!(served.contains("data-outreach-serve"));
    }
}
