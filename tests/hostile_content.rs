//! Content as a careless editor or a hostile contributor writes it: file names
//! that leave the output, markup in FAQ questions, deep nesting, control
//! characters, images from other servers, broken YAML and templates. Each is a
//! located error in `check` and `build` alike, and nothing is written.

mod common;

use std::path::Path;
use std::process::Command;
use std::time::Instant;

use common::Fixture;
use outreach::build::{BuildError, Project};
use outreach::data::jis::MasterList;
use outreach::problems::{Code, Problem, Problems, Severity};

fn outreach(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_outreach"))
        .args(args)
        .env_remove("SOURCE_DATE_EPOCH")
        .output()
        .unwrap()
}

/// The errors of loading the fixture's project, as `check` and `build` load it.
fn load_errors(fx: &Fixture) -> Vec<Problem> {
    let mut problems = Problems::new();
    let _ = Project::load(&fx.project(), "2026-11-29".parse().unwrap(), &mut problems);
    problems
        .sorted()
        .into_iter()
        .filter(|p| p.severity == Severity::Error)
        .collect()
}

/// The one error whose file ends with `name`.
fn error_in<'a>(errors: &'a [Problem], name: &str) -> &'a Problem {
    let found: Vec<&Problem> = errors
        .iter()
        .filter(|p| p.location.path().is_some_and(|f| f.ends_with(name)))
        .collect();
    assert_eq!(found.len(), 1, "{name}: {errors:#?}");
    found[0]
}

/// A problem's code, line and column.
type At = (Code, Option<usize>, Option<usize>);

fn at(p: &Problem) -> At {
    (p.code, p.location.line_number(), p.location.column_number())
}

/// `check` on the fixture: (exit code, stdout).
fn check(fx: &Fixture) -> (Option<i32>, String) {
    let project = fx.project();
    let out = outreach(&[
        "check",
        "--project",
        project.to_str().unwrap(),
        "--date",
        "2026-11-29",
    ]);
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).to_string(),
    )
}

const PAGE: &str = "---\ntitle: x\ndescription: y\n---\n本文\n";

#[test]
fn names_with_backslashes_or_dot_dot_are_errors_and_nothing_is_written_outside_the_output() {
    let fx = Fixture::new("basic");
    let base = fx.dir.path();
    let marker = format!("outreach-escape-{}", std::process::id());
    // On Windows these are paths; they used to be turned into `/` and written
    // levels above `public/`, or at an absolute path.
    let climbing = format!("..\\..\\..\\{marker}.md");
    let absolute = format!("{}\\escaped\\x.md", base.display()).replace('/', "\\");
    fx.write(&format!("content/guides/{climbing}"), PAGE);
    fx.write(&format!("content/{absolute}"), PAGE);
    fx.write(
        &format!("content/municipalities/221007/guides/..\\..\\..\\..\\..\\{marker}-m.md"),
        PAGE,
    );

    let errors = load_errors(&fx);
    assert_eq!(errors.len(), 3, "{errors:#?}");
    for e in &errors {
        assert_eq!(at(e), (Code::FileName, None, None), "{e}");
        assert!(e.message.contains("バックスラッシュ"), "{}", e.message);
        assert!(
            e.hint.contains(&format!("「{marker}")) || e.hint.contains("「x.md」"),
            "{}",
            e.hint
        );
    }
    error_in(&errors, &climbing);

    let (code, stdout) = check(&fx);
    assert_eq!(code, Some(1));
    assert_eq!(stdout.matches("バックスラッシュ").count(), 3, "{stdout}");

    assert!(matches!(fx.build(), Err(BuildError::Problems(_))));
    assert!(!fx.out().exists(), "the build fails before writing");
    for escaped in [
        base.parent().unwrap().join(format!("{marker}.html")),
        base.join(format!("{marker}.html")),
        base.join("escaped"),
        base.parent().unwrap().join(format!("{marker}-m.html")),
    ] {
        assert!(!escaped.exists(), "{} was written", escaped.display());
    }
}

#[test]
fn names_that_break_links_or_cannot_coexist_on_windows_are_errors() {
    let fx = Fixture::new("basic");
    fx.write("content/faq/a#b.md", PAGE);
    fx.write("content/guides/aux.md", PAGE);
    fx.write("content/guides/100%.md", PAGE);
    fx.write("content/guides/Checklist.md", PAGE);
    // Meant to replace the shared guides/flow.md on one site, spelt differently.
    fx.write("content/prefectures/220001/guides/Flow.md", PAGE);
    let errors = load_errors(&fx);
    assert_eq!(errors.len(), 6, "{errors:#?}");
    let codes = |code| errors.iter().filter(|p| p.code == code).count();
    assert_eq!((codes(Code::FileName), codes(Code::FileNameCase)), (3, 3));
    assert!(error_in(&errors, "faq/a#b.md").message.contains("「#」"));
    let aux = error_in(&errors, "guides/aux.md");
    assert_eq!(aux.code, Code::FileName);
    assert!(aux.message.contains("予約"), "{}", aux.message);
    assert!(aux.hint.contains("「aux-page.md」"), "{}", aux.hint);
    assert!(
        error_in(&errors, "guides/100%.md")
            .message
            .contains("「%」")
    );
    let twin = error_in(&errors, "guides/checklist.md");
    assert_eq!(twin.code, Code::FileNameCase);
    assert!(
        twin.message
            .contains("「guides/checklist.md」と「guides/Checklist.md」"),
        "{}",
        twin.message
    );
    let local = error_in(&errors, "220001/guides/Flow.md");
    assert!(
        local.message.contains("「guides/flow.md」"),
        "{}",
        local.message
    );
    assert!(local.hint.contains("同じ綴り"), "{}", local.hint);
    // A municipality of that prefecture would get both spellings too.
    let below = error_in(&errors, "221007/guides/flow.md");
    assert!(
        below.message.contains("「guides/Flow.md」"),
        "{}",
        below.message
    );
}

#[test]
fn markup_in_an_faq_question_keeps_the_page_and_the_json_ld_parses() {
    let fx = Fixture::new("basic");
    fx.write(
        "content/faq/evil.md",
        "---\nquestion: \"<!--<script> </script>& \\u2028</script><b>質問\"\ncategory: 費用\naudience: [自治体]\norder: 1\n---\n答え <em>強調</em>\n",
    );
    fx.build_ok();
    // In a browser the page keeps its content: the other questions are there.
    let profile = tempfile::tempdir().unwrap();
    let out = Command::new("chromium")
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            &format!("--user-data-dir={}", profile.path().display()),
            "--dump-dom",
        ])
        .arg(format!("file://{}", fx.out().join("faq.html").display()))
        .output()
        .expect("chromium is needed for this test (apt-get install chromium)");
    let dom = String::from_utf8_lossy(&out.stdout);
    // The last body: a page swallowed by a script element still has its text inside the script.
    let body = &dom[dom.rfind("<body").expect("a body")..];
    assert!(body.contains("無料で試せますか？"), "{dom}");
    assert!(
        body.contains("&lt;!--&lt;script&gt;"),
        "the question is shown as text: {body}"
    );

    // The JSON-LD carries no markup character and means what was written.
    let html = fx.read("faq.html");
    let open = r#"<script type="application/ld+json">"#;
    let start = html.find(open).unwrap() + open.len();
    let json = &html[start..start + html[start..].find("</script>").unwrap()];
    for c in ['<', '>', '&', '\u{2028}'] {
        assert!(!json.contains(c), "{c:?} in {json}");
    }
    let value: serde_json::Value = serde_json::from_str(json).unwrap();
    let names: Vec<&str> = value["mainEntity"]
        .as_array()
        .unwrap()
        .iter()
        .map(|q| q["name"].as_str().unwrap())
        .collect();
    assert!(
        names.contains(&"<!--<script> </script>& \u{2028}</script><b>質問"),
        "{names:?}"
    );
}

#[test]
fn deep_nesting_is_a_located_error_within_a_second_or_so() {
    let fx = Fixture::new("basic");
    fx.write(
        "content/guides/quotes.md",
        &format!(
            "---\ntitle: x\ndescription: y\n---\n\n{} 深い\n",
            ">".repeat(100_000)
        ),
    );
    fx.write(
        "content/municipalities/221007/guides/lists.md",
        &format!(
            "---\ntitle: x\ndescription: y\n---\n{}x\n",
            "- ".repeat(100_000)
        ),
    );
    // The content step of `check` and `build`, timed on its own.
    let mut problems = Problems::new();
    let master = MasterList::load(&fx.project().join("data/municipalities.csv"), &mut problems);
    let started = Instant::now();
    let _ = outreach::content::load(
        &fx.project().join("content"),
        &master,
        "2026-11-29".parse().unwrap(),
        Default::default(),
        &mut problems,
    );
    let took = started.elapsed();
    // Before the cap: 64 s (100 KB of `>`) and minutes (nested lists) of CPU in a
    // release build; now well under a second. Generous for debug builds.
    assert!(took.as_secs_f64() < 5.0, "{took:?}");
    let errors: Vec<Problem> = problems
        .sorted()
        .into_iter()
        .filter(|p| p.severity == Severity::Error)
        .collect();
    assert_eq!(errors.len(), 2, "{errors:#?}");
    assert_eq!(load_errors(&fx), errors, "check and build report the same");
    let quotes = error_in(&errors, "guides/quotes.md");
    assert_eq!(at(quotes), (Code::MarkdownNesting, Some(6), Some(101)));
    let lists = error_in(&errors, "221007/guides/lists.md");
    assert_eq!(at(lists), (Code::MarkdownNesting, Some(5), Some(101)));
}

#[test]
fn control_characters_are_errors_at_load_and_the_feed_is_xml() {
    let fx = Fixture::new("basic");
    fx.write(
        "content/news/bad.md",
        "---\ntitle: \"説明会\\x0cのお知らせ\"\ndate: 2025-07-01\nkind: お知らせ\ndescription: x\n---\n本文\u{7}です\n",
    );
    let sites = std::fs::read_to_string(fx.project().join("data/sites.yaml")).unwrap();
    fx.write(
        "data/sites.yaml",
        &sites.replace(
            "department: 静岡市 介護保険課（テスト）",
            "department: \"介護\\b保険課\"",
        ),
    );
    let errors = load_errors(&fx);
    assert_eq!(errors.len(), 3, "{errors:#?}");
    let found: Vec<(String, At)> = errors
        .iter()
        .map(|p| {
            let file = p.location.path().unwrap().file_name().unwrap();
            (file.to_string_lossy().to_string(), at(p))
        })
        .collect();
    let (yaml, body) = (Code::YamlControlCharacter, Code::MarkdownControlCharacter);
    assert_eq!(
        found,
        [
            ("bad.md".to_string(), (yaml, Some(2), Some(8))),
            ("bad.md".to_string(), (body, Some(7), Some(3))),
            ("sites.yaml".to_string(), (yaml, Some(2), Some(15))),
        ]
    );
    assert!(
        errors[0].message.contains("U+000C"),
        "{}",
        errors[0].message
    );
    assert!(
        errors[1].message.contains("U+0007"),
        "{}",
        errors[1].message
    );
    assert!(errors[2].message.contains("「department」") && errors[2].message.contains("U+0008"));

    // What XML can carry reaches the feed intact, and the feed parses.
    let fx = Fixture::new("basic");
    fx.write(
        "content/news/markup.md",
        "---\ntitle: \"<研修> & 'Q&A' \\\"案内\\\"\"\ndate: 2025-07-01\nkind: イベント\ndescription: \"a < b\"\nevent_date: 2027-07-01\nvenue: 会場\n---\n本文\n",
    );
    fx.build_ok();
    let feed = fx.read("m/221007/news/feed.xml");
    let doc = roxmltree::Document::parse(&feed).unwrap_or_else(|e| panic!("{e}: {feed}"));
    let titles: Vec<&str> = doc
        .descendants()
        .filter(|n| n.has_tag_name("entry"))
        .filter_map(|e| e.children().find(|n| n.has_tag_name("title")))
        .filter_map(|t| t.text())
        .collect();
    assert!(titles.contains(&"<研修> & 'Q&A' \"案内\""), "{titles:?}");
}

#[test]
fn images_from_other_servers_are_errors_with_line_and_column_links_are_not() {
    let fx = Fixture::new("basic");
    fx.write(
        "content/guides/remote.md",
        "---\ntitle: x\ndescription: y\n---\n\n[外部へのリンクは使える](https://example.com/)\n\n![図](https://example.com/flow.png)\n\n<p>図 <img src=\"//cdn.example/a.png\" alt=\"a\"></p>\n",
    );
    let errors = load_errors(&fx);
    let found: Vec<_> = errors.iter().map(at).collect();
    let remote = Code::MarkdownRemoteResource;
    assert_eq!(
        found,
        [(remote, Some(8), Some(1)), (remote, Some(10), Some(11))],
        "{errors:#?}"
    );
    assert!(errors[0].message.contains("https://example.com/flow.png"));
    assert!(
        errors[1].message.contains("<img> の src"),
        "{}",
        errors[1].message
    );
    assert!(errors[0].hint.contains("static"), "{}", errors[0].hint);
    let (code, stdout) = check(&fx);
    assert_eq!(code, Some(1));
    assert!(stdout.contains("guides/remote.md:8:1: エラー:"), "{stdout}");
}

#[test]
fn yaml_mistakes_everywhere_read_the_same_in_japanese_with_line_and_column() {
    let fx = Fixture::new("basic");
    let config = std::fs::read_to_string(fx.project().join("config.yaml")).unwrap();
    fx.write(
        "config.yaml",
        &config.replace("publisher: テスト用プロジェクト", "publisher: 発行: テスト"),
    );
    fx.write(
        "data/sites.yaml",
        "\"221007\":\n  department: [介護保険課\n",
    );
    fx.write(
        "content/guides/quote.md",
        "---\ntitle: \"閉じていない\ndescription: y\n---\n",
    );
    fx.write(
        "data/subsidies/tab.yaml",
        "name: （架空）制度\n\tprovider: national\n",
    );
    let (code, stdout) = check(&fx);
    assert_eq!(code, Some(1));
    let line_of = |file: &str| {
        stdout
            .lines()
            .find(|l| l.contains(file))
            .unwrap_or_else(|| panic!("{file}: {stdout}"))
            .to_string()
    };
    let config = line_of("config.yaml:");
    assert!(
        config.contains("config.yaml:7:14: エラー: この位置では「: 」を使えません"),
        "{config}"
    );
    assert!(config.contains("引用符"), "{config}");
    let sites = line_of("sites.yaml:");
    assert!(sites.contains("sites.yaml:2:15: エラー:"), "{sites}");
    let quote = line_of("quote.md:");
    assert!(
        quote.contains("quote.md:2:8: エラー: 引用符が閉じていません"),
        "{quote}"
    );
    let tab = line_of("tab.yaml:");
    assert!(tab.contains("tab.yaml:1:") && tab.contains("タブ"), "{tab}");
    for line in [config, sites, quote, tab] {
        assert!(
            !line.contains(" at line "),
            "no English location text: {line}"
        );
    }
}

#[test]
fn an_os_error_is_printed_once() {
    let fx = Fixture::new("basic");
    let file = fx.dir.path().join("a-file");
    std::fs::write(&file, "not a folder").unwrap();
    let project = fx.project();
    let out_dir = file.join("public");
    let out = outreach(&[
        "build",
        "--project",
        project.to_str().unwrap(),
        "--out",
        out_dir.to_str().unwrap(),
        "--no-images",
        "--date",
        "2026-11-29",
    ]);
    assert_ne!(out.status.code(), Some(0));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.matches("(os error").count() <= 1, "{stderr}");
    assert!(Path::new(&file).is_file(), "the file is left alone");
}

#[test]
fn a_page_not_in_utf8_is_an_error_at_the_first_line_that_is_not_and_a_bom_is_read_past() {
    let fx = Fixture::new("basic");
    // Shift_JIS 「本文」 on the body's first line (line 5).
    let path = fx.project().join("content/guides/sjis.md");
    let mut bytes = b"---\ntitle: x\ndescription: y\n---\n".to_vec();
    bytes.extend_from_slice(&[0x96, 0x7b, 0x95, 0xb6, b'\n']);
    std::fs::write(&path, bytes).unwrap();
    // UTF-8 with a byte order mark, as some Windows editors save it.
    fx.write("content/guides/bom.md", &format!("\u{feff}{PAGE}"));
    let errors = load_errors(&fx);
    assert_eq!(
        at(error_in(&errors, "sjis.md")),
        (Code::FileEncoding, Some(5), None)
    );
    assert!(
        !errors
            .iter()
            .any(|p| p.location.path().is_some_and(|f| f.ends_with("bom.md"))),
        "{errors:#?}"
    );
}
