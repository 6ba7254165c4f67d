//! `outreach serve` as an editor uses it: a real process on a real port,
//! fetched over HTTP, with content files edited while it runs.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{IpAddr, Ipv4Addr, SocketAddr, TcpListener, TcpStream, UdpSocket};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::Fixture;

/// What the server process printed so far, read by threads.
#[derive(Clone, Default)]
struct Lines(Arc<Mutex<Vec<String>>>);

impl Lines {
    fn follow(&self, stream: impl Read + Send + 'static) {
        let lines = self.0.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(stream).lines() {
                let Ok(line) = line else { break };
                lines.lock().unwrap().push(line);
            }
        });
    }

    fn text(&self) -> String {
        self.0.lock().unwrap().join("\n")
    }

    /// The first line containing `needle`, waiting up to `limit`.
    fn wait_for(&self, needle: &str, limit: Duration) -> String {
        let started = Instant::now();
        loop {
            if let Some(line) = self.0.lock().unwrap().iter().find(|l| l.contains(needle)) {
                return line.clone();
            }
            assert!(
                started.elapsed() < limit,
                "no line with {needle:?} within {limit:?}:\n{}",
                self.text()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

/// Kills the server if a test fails before it is stopped.
struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// One HTTP/1.1 GET: (status, body).
fn get(port: u16, path: &str) -> (u16, String) {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut bytes = Vec::new();
    stream.read_to_end(&mut bytes).unwrap();
    let text = String::from_utf8_lossy(&bytes).to_string();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    (status, body.to_string())
}

/// Fetch `path` until its body contains `needle`, at most `limit`.
fn fetch_until(port: u16, path: &str, needle: &str, limit: Duration) -> String {
    let started = Instant::now();
    loop {
        let (_, body) = get(port, path);
        if body.contains(needle) {
            return body;
        }
        assert!(
            started.elapsed() < limit,
            "{path} did not show {needle:?} within {limit:?}:\n{body}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// The generation the reload script of a served page waits after.
fn generation_of(page: &str) -> u64 {
    let start = page.find("/__outreach/events?since=").unwrap() + "/__outreach/events?since=".len();
    page[start..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect::<String>()
        .parse()
        .unwrap()
}

/// An address of this machine other than loopback, if it has one.
fn outside_address() -> Option<IpAddr> {
    let socket = UdpSocket::bind(("0.0.0.0", 0)).ok()?;
    // No packet is sent: connecting a UDP socket only picks the interface.
    socket.connect(("192.0.2.1", 9)).ok()?;
    let ip = socket.local_addr().ok()?.ip();
    (!ip.is_loopback() && !ip.is_unspecified()).then_some(ip)
}

#[test]
fn serve_rebuilds_reloads_shows_problems_over_the_last_good_page_and_cleans_up() {
    let fx = Fixture::new("basic");
    let project = fx.project();
    // The port asked for is taken: serve says so and opens the next free one.
    let taken = TcpListener::bind(("127.0.0.1", 0)).unwrap();
    let taken_port = taken.local_addr().unwrap().port();
    let mut child = Command::new(env!("CARGO_BIN_EXE_outreach"))
        .args([
            "serve",
            "--project",
            project.to_str().unwrap(),
            "--only",
            "221007",
            "--no-images",
            "--date",
            "2026-11-29",
            "--port",
            &taken_port.to_string(),
        ])
        .env_remove("SOURCE_DATE_EPOCH")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let out = Lines::default();
    let err = Lines::default();
    out.follow(child.stdout.take().unwrap());
    err.follow(child.stderr.take().unwrap());
    let server = Server(child);

    let address = out.wait_for("プレビュー: http://127.0.0.1:", Duration::from_secs(120));
    let port: u16 = address
        .split("127.0.0.1:")
        .nth(1)
        .unwrap()
        .split('/')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    assert_ne!(port, taken_port);
    assert!(
        err.text()
            .contains(&format!("ポート {taken_port} は使用中です")),
        "{}",
        err.text()
    );
    drop(taken);
    let temp = PathBuf::from(
        err.wait_for("プレビュー用の一時フォルダ: ", Duration::from_secs(5))
            .split_once(": ")
            .unwrap()
            .1,
    );
    assert!(temp.is_dir());
    // Built into the temporary folder, never the project's public/.
    assert!(!project.join("public").exists());
    assert!(!fx.out().exists());

    // The listener is on loopback only: not on another loopback address, nor
    // on the machine's network address.
    for ip in [
        Some(IpAddr::V4(Ipv4Addr::new(127, 0, 0, 2))),
        outside_address(),
    ]
    .into_iter()
    .flatten()
    {
        let refused =
            TcpStream::connect_timeout(&SocketAddr::new(ip, port), Duration::from_secs(2)).is_err();
        assert!(refused, "the preview answers on {ip}:{port}");
    }

    let page_path = "/m/221007/guides/flow.html";
    let (status, page) = get(port, page_path);
    assert_eq!(status, 200, "{page}");
    assert!(page.contains("静岡市だけの導入手順です。"), "{page}");
    assert!(page.contains("data-outreach-serve"), "no reload script");
    assert!(!page.contains("id=\"outreach-serve-overlay\""));
    // The script is only in what is served, never in the built file.
    let built = std::fs::read_to_string(temp.join("site/m/221007/guides/flow.html")).unwrap();
    assert!(built.contains("静岡市だけの導入手順です。"));
    assert!(!built.contains("__outreach"));
    let since = generation_of(&page);

    // An edit: the event stream says reload, the page shows the new text, within 5 s.
    let events =
        std::thread::spawn(move || get(port, &format!("/__outreach/events?since={since}")).1);
    std::thread::sleep(Duration::from_millis(200));
    let edited = Instant::now();
    fx.write(
        "content/municipalities/221007/guides/flow.md",
        "---\ntitle: 導入の流れ（静岡市）\ndescription: 静岡市の相談窓口を含む流れです。\norder: 10\nillustrative: true\n---\n書き換えた手順の説明です。\n",
    );
    let event = events.join().unwrap();
    assert!(event.contains("event: reload"), "{event}");
    let page = fetch_until(
        port,
        page_path,
        "書き換えた手順の説明です。",
        Duration::from_secs(5),
    );
    assert!(
        edited.elapsed() < Duration::from_secs(5),
        "took {:?}",
        edited.elapsed()
    );
    assert!(!page.contains("静岡市だけの導入手順です。"));
    assert!(generation_of(&page) > since);

    // Broken front matter: the overlay names file and line, over the last good page.
    let original_faq = std::fs::read_to_string(project.join("content/faq/trial.md")).unwrap();
    fx.write(
        "content/faq/trial.md",
        "---\nquestion: 無料で試せますか？\ncategory: [費用\n---\n本文\n",
    );
    let page = fetch_until(
        port,
        page_path,
        "id=\"outreach-serve-overlay\"",
        Duration::from_secs(5),
    );
    assert!(
        page.contains("書き換えた手順の説明です。"),
        "the last good page is gone"
    );
    assert!(page.contains("ビルドできませんでした"), "{page}");
    assert!(
        page.contains("<code>content/faq/trial.md:3:"),
        "no file:line in the overlay: {page}"
    );
    assert!(page.contains("対処: "), "no hint in the overlay");
    // The built file still has neither the overlay nor the script.
    let built = std::fs::read_to_string(temp.join("site/m/221007/guides/flow.html")).unwrap();
    assert!(!built.contains("id=\"outreach-serve-overlay\"") && !built.contains("__outreach"));

    // Fixed again: the overlay goes away.
    fx.write("content/faq/trial.md", &original_faq);
    let started = Instant::now();
    loop {
        let (_, page) = get(port, page_path);
        if !page.contains("id=\"outreach-serve-overlay\"") {
            break;
        }
        assert!(started.elapsed() < Duration::from_secs(5), "{page}");
        std::thread::sleep(Duration::from_millis(100));
    }

    // Ctrl-C: exits cleanly and removes the temporary folder.
    let mut server = server;
    unsafe {
        libc::kill(server.0.id() as i32, libc::SIGINT);
    }
    let started = Instant::now();
    let status = loop {
        if let Some(status) = server.0.try_wait().unwrap() {
            break status;
        }
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "serve did not stop"
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(status.success(), "{status:?}\n{}", err.text());
    assert!(!temp.exists(), "{} is left", temp.display());
    assert!(!project.join("public").exists());
}
