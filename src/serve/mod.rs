//! `outreach serve`: the editing loop of the people who write the content.
//!
//! It builds the selected sites with the same [`crate::build::build`] as
//! `outreach build`, into an output folder inside a temporary folder (never
//! the user's `public/`), serves that folder on 127.0.0.1 only, watches the
//! project's inputs (`config.yaml`, `content/`, `data/`, `themes/`; the
//! `notify` crate, debounced) and builds again on every save. A rebuild is
//! incremental in the way every build is: pages, charts and posters whose
//! inputs did not change are reused from the previous output (the build's
//! manifest), so only what the edit touched is rendered again.
//!
//! Open pages reload themselves: each HTML response (never a built file) gets
//! a small script that listens to `/__outreach/events` (server-sent events).
//! A build that fails leaves the previous output as it was, so the last good
//! pages stay on screen, with an overlay that lists every problem
//! (file:line:column, what is wrong and what to do, in Japanese) until the
//! project builds again. Ctrl-C (or SIGTERM) ends the loop and removes the
//! temporary folder.

mod http;
mod watch;

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

use jiff::civil::Date;

use crate::build::{BuildCache, BuildError, BuildOptions, BuiltSite, Selection, build};
use crate::problems::Problem;

/// How many ports after the asked one are tried when it is taken.
const PORTS_TRIED: u16 = 20;

/// What `outreach serve` is asked to do.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    pub project: PathBuf,
    pub selection: Selection,
    /// The port asked for (0: any free port).
    pub port: u16,
    /// The build date; `None`: today, at each build.
    pub date: Option<Date>,
    pub posters: bool,
    pub ogp_images: bool,
    pub print_marks: Option<bool>,
}

#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error(
        "ポート {first}〜{last} はすべて使用中です（対処: --port で別の番号を指定するか、そのポートを使っているプログラムを終了してください）"
    )]
    NoFreePort { first: u16, last: u16 },
    #[error(
        "127.0.0.1:{port} で待ち受けられません: {source}（対処: --port で別の番号を指定してください）"
    )]
    Bind { port: u16, source: std::io::Error },
    #[error(
        "一時フォルダを作れません: {0}（対処: 一時フォルダ（TMPDIR）に空きがあるか確認してください）"
    )]
    Temp(std::io::Error),
    #[error(
        "プロジェクトのファイルの変更を見張れません: {0}（対処: フォルダの権限や、見張れるファイル数の上限（fs.inotify.max_user_watches）を確認してください）"
    )]
    Watch(#[from] notify::Error),
    #[error("Ctrl-C を受け取る準備ができません: {0}")]
    Signal(#[from] ctrlc::Error),
    #[error("{0}")]
    Output(#[from] crate::output::OutputError),
}

/// What the server shows: the latest build's outcome.
#[derive(Debug, Default, Clone)]
pub struct Status {
    /// Goes up by one with every finished build, good or not: open pages
    /// reload when it changes.
    pub generation: u64,
    /// Whether a build ever succeeded (there are pages to serve).
    pub has_output: bool,
    /// Whether the latest build failed (its problems are shown over the pages).
    pub failed: bool,
    /// The latest build's problems (errors and warnings), paths relative to
    /// the project where they lie inside it.
    pub problems: Vec<Problem>,
    /// When the pages served were built (HH:MM:SS).
    pub built_at: String,
    /// The sites of the last good build.
    pub sites: Vec<BuiltSite>,
}

/// The state shared by the build loop and the HTTP threads.
pub struct Shared {
    /// The output folder served (inside the temporary folder).
    pub root: PathBuf,
    pub status: Mutex<Status>,
    /// Signalled after every build.
    pub changed: Condvar,
}

impl Shared {
    fn status(&self) -> std::sync::MutexGuard<'_, Status> {
        self.status.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// Messages to the build loop.
enum Message {
    /// Inputs changed (paths relative to the project).
    Changed(Vec<String>),
    /// Watching failed.
    WatchError(String),
    /// Ctrl-C or SIGTERM.
    Stop,
}

/// Bind 127.0.0.1 at `port`, or at the next free port after it.
pub fn bind(port: u16) -> Result<TcpListener, ServeError> {
    if port == 0 {
        return TcpListener::bind(("127.0.0.1", 0))
            .map_err(|source| ServeError::Bind { port, source });
    }
    let last = port.saturating_add(PORTS_TRIED - 1);
    for candidate in port..=last {
        match TcpListener::bind(("127.0.0.1", candidate)) {
            Ok(listener) => {
                if candidate != port {
                    eprintln!(
                        "ポート {port} は使用中です（ほかのプログラムが使っています）。代わりにポート {candidate} で開きます。"
                    );
                }
                return Ok(listener);
            }
            Err(e) if e.kind() == std::io::ErrorKind::AddrInUse => continue,
            Err(source) => {
                return Err(ServeError::Bind {
                    port: candidate,
                    source,
                });
            }
        }
    }
    Err(ServeError::NoFreePort { first: port, last })
}

/// The local time now, HH:MM:SS.
fn clock() -> String {
    jiff::ZonedDateTime::now().strftime("%H:%M:%S").to_string()
}

/// `path` relative to `project` when it lies inside it.
fn relative_to(path: &Path, project: &Path) -> PathBuf {
    path.strip_prefix(project)
        .map(Path::to_path_buf)
        .unwrap_or_else(|_| path.to_path_buf())
}

/// Run the editing loop until Ctrl-C. Prints what it does on standard error
/// and the address to open on standard output.
pub fn serve(options: &ServeOptions) -> Result<(), ServeError> {
    let temp = tempfile::Builder::new()
        .prefix("outreach-serve-")
        .tempdir()
        .map_err(ServeError::Temp)?;
    // The real path, as the build names its output (and its manifest).
    let root = std::fs::canonicalize(temp.path())
        .map_err(ServeError::Temp)?
        .join("site");
    let listener = bind(options.port)?;
    let port = listener.local_addr().map_err(|source| ServeError::Bind {
        port: options.port,
        source,
    })?;
    let port = port.port();

    let (tx, rx) = mpsc::channel::<Message>();
    {
        let tx = tx.clone();
        ctrlc::set_handler(move || {
            let _ = tx.send(Message::Stop);
        })?;
    }
    let project = std::path::absolute(&options.project).unwrap_or(options.project.clone());
    let mut watcher = watch::start(&project, temp.path(), tx.clone())?;

    let shared = Arc::new(Shared {
        root: root.clone(),
        status: Mutex::new(Status::default()),
        changed: Condvar::new(),
    });
    eprintln!("プレビュー用の一時フォルダ: {}", temp.path().display());
    let result = run_loop(
        options,
        &project,
        port,
        listener,
        &shared,
        &rx,
        &mut watcher,
    );

    // Clean up whatever happened: the build's manifest of the temporary
    // output, then the temporary folder itself.
    let cache = BuildCache::new(&options.project, &root);
    let _ = std::fs::remove_file(cache.path());
    let shown = temp.path().display().to_string();
    match temp.close() {
        Ok(()) => eprintln!("プレビューを終了しました。一時フォルダ {shown} を削除しました。"),
        Err(e) => {
            eprintln!("プレビューを終了しました。一時フォルダ {shown} を削除できませんでした: {e}")
        }
    }
    result
}

fn run_loop(
    options: &ServeOptions,
    project: &Path,
    port: u16,
    listener: TcpListener,
    shared: &Arc<Shared>,
    rx: &mpsc::Receiver<Message>,
    watcher: &mut watch::Watch,
) -> Result<(), ServeError> {
    let root = shared.root.as_path();
    rebuild(options, project, root, shared, &[]);
    let server = http::start(listener, port, shared.clone())?;
    let base = format!("http://127.0.0.1:{port}/");
    {
        let status = shared.status();
        println!("プレビュー: {base}（このパソコンの中からだけ開けます）");
        for site in status.sites.iter().take(10) {
            let path = if site.dir.is_empty() {
                String::new()
            } else {
                format!("{}/", site.dir)
            };
            println!("  {} {base}{path}", site.full_name);
        }
        if status.sites.len() > 10 {
            println!(
                "  ほか {} サイト（一覧: {base}__outreach/sites）",
                status.sites.len() - 10
            );
        }
    }
    eprintln!(
        "ファイルを保存すると作り直して、開いているページを再読み込みします。終了するには Ctrl-C を押してください。"
    );
    loop {
        let changed = match rx.recv() {
            Ok(Message::Changed(paths)) => paths,
            Ok(Message::WatchError(e)) => {
                eprintln!("警告: ファイルの変更を見張れませんでした: {e}");
                continue;
            }
            Ok(Message::Stop) | Err(_) => break,
        };
        // Saves that came in meanwhile are built together.
        let mut all = changed;
        let mut stop = false;
        while let Ok(more) = rx.try_recv() {
            match more {
                Message::Changed(paths) => all.extend(paths),
                Message::WatchError(_) => {}
                Message::Stop => stop = true,
            }
        }
        if stop {
            break;
        }
        all.sort();
        all.dedup();
        if let Err(e) = watcher.refresh() {
            eprintln!("警告: {e}");
        }
        rebuild(options, project, root, shared, &all);
    }
    server.stop();
    Ok(())
}

/// Build once, print the outcome, and publish it to the HTTP threads.
fn rebuild(
    options: &ServeOptions,
    project: &Path,
    root: &Path,
    shared: &Shared,
    changed: &[String],
) {
    if !changed.is_empty() {
        let shown: Vec<&str> = changed.iter().take(5).map(String::as_str).collect();
        let more = if changed.len() > 5 {
            format!(" ほか {} ファイル", changed.len() - 5)
        } else {
            String::new()
        };
        eprintln!("[{}] 変更: {}{more}", clock(), shown.join("、"));
    }
    let build_options = BuildOptions {
        project: options.project.clone(),
        out: root.to_path_buf(),
        selection: options.selection.clone(),
        build_date: options
            .date
            .unwrap_or_else(|| jiff::ZonedDateTime::now().date()),
        progress: true,
        posters: options.posters,
        ogp_images: options.ogp_images,
        print_marks: options.print_marks,
    };
    let started = Instant::now();
    let outcome = build(&build_options);
    let seconds = started.elapsed().as_secs_f64();
    // Problems name files as the build was given the project (relative to
    // the working folder or absolute): shown relative to the project.
    let relative = |p: &Problem| Problem {
        location: p.location.with_path(|file| {
            if file.starts_with(&options.project) {
                relative_to(file, &options.project)
            } else {
                relative_to(file, project)
            }
        }),
        ..p.clone()
    };
    let mut status = shared.status();
    status.generation += 1;
    match outcome {
        Ok(report) => {
            let problems: Vec<Problem> = report.problems.sorted().iter().map(relative).collect();
            for p in &problems {
                eprintln!("{p}");
            }
            eprintln!(
                "[{}] ビルドしました（{seconds:.2} 秒、{} サイト、書き込み {} ファイル、変更なし {}、再利用 {}）",
                clock(),
                report.sites,
                report.written,
                report.unchanged,
                report.reused,
            );
            status.has_output = true;
            status.failed = false;
            status.problems = problems;
            status.built_at = clock();
            status.sites = report.built;
        }
        Err(BuildError::Problems(problems)) => {
            let problems: Vec<Problem> = problems.sorted().iter().map(relative).collect();
            for p in &problems {
                eprintln!("{p}");
            }
            let errors = problems
                .iter()
                .filter(|p| p.severity == crate::problems::Severity::Error)
                .count();
            eprintln!(
                "[{}] ビルドできませんでした（エラー {errors} 件）。{}ブラウザにも問題の一覧を表示しています。",
                clock(),
                if status.has_output {
                    "直すまで、前回ビルドできたページを表示し続けます。"
                } else {
                    ""
                }
            );
            status.failed = true;
            status.problems = problems;
        }
        Err(BuildError::Output(e)) => {
            eprintln!("[{}] エラー: {e}", clock());
            status.failed = true;
            let mut problems = crate::problems::Problems::new();
            problems.error(
                crate::problems::Code::OutputFailed,
                crate::problems::Location::file(root),
                e.to_string(),
                "",
            );
            status.problems = problems.sorted();
        }
    }
    drop(status);
    shared.changed.notify_all();
}

/// Wait until the status's generation is above `since`, at most `timeout`;
/// returns the generation then.
pub fn wait_for_change(shared: &Shared, since: u64, timeout: Duration) -> u64 {
    let status = shared.status();
    let (status, _) = shared
        .changed
        .wait_timeout_while(status, timeout, |s| s.generation <= since)
        .unwrap_or_else(|e| e.into_inner());
    status.generation
}
