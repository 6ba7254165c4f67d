//! The sample project's national, 静岡県 (220001) and 静岡市 (221007) sites as
//! readers get them: every site folder stands alone, and every page kind passes
//! axe-core at 375 px and 1280 px, the Nu HTML checker and the wrap check in
//! Debian's Chromium (tests/browser/check.cjs), and its layout holds at 320 px. The browser test needs Chromium,
//! java and the node packages of tests/browser/; it fails, never skips, when one
//! is missing, and says how to install them: `bash tests/browser/setup.sh`.

mod common;

use std::fs;
use std::path::{Component, Path, PathBuf};
use std::process::Command;

use outreach::build::{BuildOptions, Selection, build};

const SETUP: &str = "bash tests/browser/setup.sh";

/// The shipped sample project, copied into a temp dir (a build keeps its cache
/// in the project folder, and the repository stays untouched).
fn sample_project(dir: &Path) -> PathBuf {
    let project = dir.join("project");
    fs::create_dir_all(&project).unwrap();
    let root = common::repo_root();
    fs::copy(root.join("config.yaml"), project.join("config.yaml")).unwrap();
    for folder in ["content", "data", "themes"] {
        common::copy_dir(&root.join(folder), &project.join(folder));
    }
    project
}

/// The three sites of the sample, pages only (no posters, no images), as
/// `build --only 000000 --only 220001 --only 221007 --no-images` makes them.
fn build_sample(dir: &Path) -> PathBuf {
    let out = dir.join("public");
    let options = BuildOptions {
        project: sample_project(dir),
        out: out.clone(),
        selection: Selection {
            only: vec!["000000".into(), "220001".into(), "221007".into()],
            ..Selection::default()
        },
        build_date: "2026-11-29".parse().unwrap(),
        progress: false,
        posters: false,
        ogp_images: false,
        print_marks: None,
    };
    if let Err(e) = build(&options) {
        panic!("the sample project did not build: {e:?}");
    }
    out
}

fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

/// Every URL a file refers to: `href`, `src` and `srcset` in HTML, `url()` in CSS.
fn references(rel: &str, text: &str) -> Vec<String> {
    let mut out = Vec::new();
    if rel.ends_with(".css") {
        let mut rest = text;
        while let Some(i) = rest.find("url(") {
            rest = &rest[i + 4..];
            let end = rest.find(')').unwrap();
            out.push(rest[..end].trim().trim_matches(['"', '\'']).to_string());
        }
        return out;
    }
    out.extend(common::links(text));
    let mut rest = text;
    while let Some(i) = rest.find("srcset=\"") {
        rest = &rest[i + 8..];
        let end = rest.find('"').unwrap();
        for candidate in rest[..end].split(',') {
            if let Some(url) = candidate.split_whitespace().next() {
                out.push(url.to_string());
            }
        }
    }
    out
}

/// A site folder copied out of `public/` alone, to a place with no other site
/// around it, keeps every link: each one resolves to a file inside the folder
/// or is an absolute URL (from configuration: another site's public URL, a
/// programme's official page, the licence).
fn assert_stands_alone(out: &Path, site: &str, scratch: &Path) -> usize {
    let copy = scratch.join("alone").join(site.replace('/', "-"));
    common::copy_dir(&out.join(site), &copy);
    let mut checked = 0;
    for (rel, bytes) in common::tree(&copy) {
        if !(rel.ends_with(".html") || rel.ends_with(".css")) {
            continue;
        }
        let text = String::from_utf8(bytes).unwrap();
        for link in references(&rel, &text) {
            checked += 1;
            assert!(
                !link.starts_with('/'),
                "{site}/{rel}: {link} depends on the server's root"
            );
            if ["https://", "http://", "tel:", "mailto:", "data:", "#"]
                .iter()
                .any(|p| link.starts_with(p))
            {
                continue;
            }
            let path = link.split(['#', '?']).next().unwrap();
            let resolved = normalize(&copy.join(&rel).parent().unwrap().join(path));
            assert!(
                resolved.starts_with(&copy),
                "{site}/{rel}: {link} leaves the site folder"
            );
            assert!(
                resolved.is_file(),
                "{site}/{rel}: {link} is not in the site folder"
            );
        }
    }
    checked
}

#[test]
fn municipal_and_prefectural_folders_of_the_sample_stand_alone() {
    let dir = tempfile::tempdir().unwrap();
    let out = build_sample(dir.path());
    for site in ["m/221007", "p/220001"] {
        let checked = assert_stands_alone(&out, site, dir.path());
        assert!(checked > 300, "{site}: only {checked} links checked");
    }
    // 静岡市 has a public URL, so 静岡県's table links to it; the prefecture and
    // the nation have none, so 静岡市's pages name them without a link.
    let prefecture = fs::read_to_string(out.join("p/220001/index.html")).unwrap();
    assert!(prefecture.contains(
        r#"<th scope="row"><a href="https://www.city.shizuoka.example/careplan/">静岡市</a></th>"#
    ));
    assert!(prefecture.contains(r#"<th scope="row">浜松市</th>"#));
    let city = fs::read_to_string(out.join("m/221007/index.html")).unwrap();
    assert!(city.contains(r#"<th scope="row">静岡県</th>"#), "{city}");
    assert!(!city.contains("静岡県のサイト"));
    assert!(!city.contains("全国のサイト"));
}

#[test]
fn downloads_carry_the_site_code_and_contacts_are_links() {
    let dir = tempfile::tempdir().unwrap();
    let out = build_sample(dir.path());
    for (site, tag) in [
        ("", "national"),
        ("p/220001", "220001"),
        ("m/221007", "221007"),
    ] {
        let folder = out.join(site);
        for name in [
            format!("data/adoption-{tag}.csv"),
            format!("data/adoption-{tag}.json"),
            format!("data/offices-{tag}.csv"),
        ] {
            assert!(folder.join(&name).is_file(), "{site}: no {name}");
            let page = fs::read_to_string(folder.join("downloads.html")).unwrap();
            assert!(
                page.contains(&format!(r#"href="{name}""#)),
                "{site}: {name}"
            );
        }
        assert!(!folder.join("data/adoption.csv").exists());
        for icon in ["assets/favicon.svg", "assets/favicon.png"] {
            assert!(folder.join(icon).is_file(), "{site}: no {icon}");
        }
        let home = fs::read_to_string(folder.join("index.html")).unwrap();
        assert!(
            home.contains(r#"<link rel="icon" href="assets/favicon.svg" type="image/svg+xml">"#)
        );
        // The helpdesk's free-dial number, dialled from the page.
        assert!(home.contains(r#"<a href="tel:0120584708" class="nowrap">0120-584-708</a>"#));
    }
    let contact = fs::read_to_string(out.join("m/221007/contact.html")).unwrap();
    assert!(
        contact.contains(r#"<a href="tel:0540000001" class="nowrap">054-000-0001</a>"#),
        "{contact}"
    );
    assert!(contact.contains(
        r#"<a href="mailto:kaigo@city.shizuoka.example">kaigo@city.shizuoka.example</a>"#
    ));
    assert!(contact.contains("0120-584-708</a>（通話無料）"));
}

/// What the browser test needs, and what is missing of it.
fn missing_tools(node_dir: &Path) -> Vec<String> {
    let mut missing = Vec::new();
    let runs = |program: &str, arg: &str| {
        Command::new(program)
            .arg(arg)
            .output()
            .is_ok_and(|o| o.status.success())
    };
    let chromium =
        PathBuf::from(std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into()));
    if !chromium.is_file() {
        missing.push(format!(
            "Chromium ({} not found; Debian package chromium, or set CHROMIUM)",
            chromium.display()
        ));
    }
    if !runs("java", "-version") {
        missing.push("java (Debian package default-jre-headless), for the Nu HTML checker".into());
    }
    if !runs("node", "--version") {
        missing.push("node (Node.js 20 or newer)".into());
    }
    for package in ["playwright-core", "axe-core", "vnu-jar"] {
        if !node_dir.join("node_modules").join(package).is_dir() {
            missing.push(format!(
                "tests/browser/node_modules/{package} (npm ci in tests/browser)"
            ));
        }
    }
    missing
}

#[test]
fn every_page_kind_passes_axe_vnu_and_the_wrap_check_in_chromium() {
    let node_dir = common::repo_root().join("tests/browser");
    let missing = missing_tools(&node_dir);
    assert!(
        missing.is_empty(),
        "the browser test needs what is not installed here:\n  - {}\nInstall it all with: {SETUP}",
        missing.join("\n  - ")
    );
    let dir = tempfile::tempdir().unwrap();
    let out = build_sample(dir.path());
    let report = dir.path().join("browser-report.json");
    let mut command = Command::new("node");
    command
        .arg(node_dir.join("check.cjs"))
        .arg("--root")
        .arg(&out)
        // 静岡市 first: its site has the shared, the prefecture's and its own
        // pages, so each per-item page is opened in the browser there.
        .args(["--site", "m/221007", "--site", "p/220001", "--site", "."])
        .arg("--fonts")
        .arg(common::repo_root().join("themes/default/fonts"))
        // Layout only (no axe-core) at the narrowest phone width.
        .args(["--layout-widths", "320"])
        .arg("--report")
        .arg(&report);
    if let Ok(shots) = std::env::var("OUTREACH_BROWSER_SHOTS") {
        command.arg("--shots").arg(shots);
    }
    let output = command.output().expect("node runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    println!("{stdout}");
    assert!(
        output.status.success(),
        "the browser test found problems (or could not run):\n{stdout}\n{stderr}"
    );
    let summary: serde_json::Value = serde_json::from_slice(&fs::read(&report).unwrap()).unwrap();
    let pages: Vec<&str> = summary["pages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p.as_str().unwrap())
        .collect();
    // Every page kind of each site was opened, whatever its name.
    for kind in [
        "index.html",
        "faq.html",
        "subsidies.html",
        "partners.html",
        "downloads.html",
        "contact.html",
        "accessibility.html",
        "accessibility-results.html",
        "guides/index.html",
        "news/index.html",
        "search.html",
    ] {
        for site in ["m/221007/", "p/220001/", ""] {
            assert!(
                pages.contains(&format!("{site}{kind}").as_str()),
                "{site}{kind} was not checked: {pages:?}"
            );
        }
    }
    assert!(
        pages
            .iter()
            .any(|p| p.starts_with("m/221007/guides/") && !p.ends_with("index.html"))
    );
    assert!(
        pages
            .iter()
            .any(|p| p.starts_with("m/221007/news/") && !p.ends_with("index.html"))
    );
    // The sample's accessibility record names only pages this test opened in
    // Chromium (and checked with vnu): its results pages claim no more.
    let record = sample_record();
    for (code, dir) in [
        ("221007", "m/221007/"),
        ("220001", "p/220001/"),
        ("000000", ""),
    ] {
        let tested = record
            .sites
            .get(code)
            .unwrap_or_else(|| panic!("the sample record has no site {code}"));
        assert!(!tested.is_empty());
        for page in tested {
            let opened = format!("{dir}{page}");
            assert!(
                pages.contains(&opened.as_str()),
                "data/accessibility/: {opened} is in the sample record but the browser test did not open it"
            );
        }
        // Each tested page is linked from the site's results page.
        let results = fs::read_to_string(out.join(format!("{dir}accessibility-results.html")))
            .expect("a site named in the record has a results page");
        assert!(
            !results.contains("現在このサイトにないページ"),
            "{dir}accessibility-results.html names a tested page the site does not have"
        );
        // And the other way: the record's method says every page was chosen,
        // so every page this test opened in the site's folder is listed.
        for opened in &pages {
            let Some(page) = opened.strip_prefix(dir) else {
                continue;
            };
            if dir.is_empty() && (page.starts_with("p/") || page.starts_with("m/")) {
                continue;
            }
            assert!(
                tested.iter().any(|t| t == page),
                "data/accessibility/: the browser test opened {opened}, but the sample record does not list {page} for {code}"
            );
        }
    }
}

/// The sample project's newest accessibility record.
fn sample_record() -> outreach::data::accessibility::Record {
    let root = common::repo_root();
    let mut problems = outreach::problems::Problems::new();
    let master =
        outreach::data::jis::MasterList::load(&root.join("data/municipalities.csv"), &mut problems);
    let records = outreach::data::accessibility::load(
        &root.join("data/accessibility"),
        &master,
        "2026-11-29".parse().unwrap(),
        &mut problems,
    );
    assert!(problems.is_empty(), "{:#?}", problems.sorted());
    records
        .records
        .last()
        .cloned()
        .expect("the sample project has an accessibility record")
}

/// The sample record says, criterion by criterion, which axe-core rules found
/// no violation: each rule the browser test runs (check.cjs's tags; not the
/// experimental or disabled ones) is named in the note of every criterion its
/// tags map it to, so an axe-core upgrade that adds a rule shows here. Only
/// 4.1.1 (the Nu HTML checker over every file) is 適合; 1.2.1-1.2.5 and 1.4.2
/// are 適用なし because check.cjs fails on any audio or video; everything
/// else needs a person and is 未確認.
#[test]
fn the_sample_record_says_exactly_what_the_browser_test_checks() {
    use outreach::data::accessibility::Outcome;
    let node_dir = common::repo_root().join("tests/browser");
    let missing = missing_tools(&node_dir);
    assert!(
        missing.is_empty(),
        "the browser test needs what is not installed here:\n  - {}\nInstall it all with: {SETUP}",
        missing.join("\n  - ")
    );
    let script = r#"
const axe = require('./node_modules/axe-core');
const run = new Set(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']);
const by = {};
for (const r of axe._audit.rules) {
  if (r.enabled === false || r.tags.includes('experimental') || !r.tags.some((t) => run.has(t))) continue;
  for (const t of r.tags) {
    const m = t.match(/^wcag(\d)(\d)(\d+)$/);
    if (m) (by[`${m[1]}.${m[2]}.${m[3]}`] ||= []).push(r.id);
  }
}
console.log(JSON.stringify(by));
"#;
    let output = Command::new("node")
        .current_dir(&node_dir)
        .args(["-e", script])
        .output()
        .expect("node runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let rules: std::collections::BTreeMap<String, Vec<String>> =
        serde_json::from_slice(&output.stdout).unwrap();
    // check.cjs runs these tags; the mapping above must match what it runs.
    let check = fs::read_to_string(node_dir.join("check.cjs")).unwrap();
    assert!(
        check.contains("values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']")
    );
    assert!(check.contains("audio, video, object, embed, iframe"));
    let record = sample_record();
    for result in &record.results {
        let number = result.criterion.number;
        let note = result.note.clone().unwrap_or_default();
        for rule in rules.get(number).into_iter().flatten() {
            assert!(
                note.contains(rule.as_str()),
                "{number}: the note does not name axe-core's {rule}: {note}"
            );
        }
        let expected = match number {
            "4.1.1" => Outcome::Met,
            "1.2.1" | "1.2.2" | "1.2.3" | "1.2.4" | "1.2.5" | "1.4.2" => Outcome::NotApplicable,
            _ => Outcome::Unverified,
        };
        assert_eq!(result.outcome, expected, "{number}: {note}");
    }
}

/// Texts whose normalisation the browser must agree on with the index: the
/// sample's office names and readings, every title of the national site's
/// search index, and the width, kana and compatibility forms people type.
fn normalisation_cases(out: &Path) -> Vec<(String, String)> {
    let mut texts: Vec<String> = [
        "ｻｸﾗ",
        "サクラ",
        "さくら",
        "ﾃﾞｲｻｰﾋﾞｽ",
        "ｳﾞｧｲｵﾘﾝ",
        "ＣＳＶ　ファイル",
        "Ｅメール",
        "（架空）①㈱",
        "定期巡回・随時対応型",
        "ヴヵヶヽヾ",
        "ｶﾞｷﾞｸﾞｹﾞｺﾞ ﾊﾟﾋﾟﾌﾟﾍﾟﾎﾟ",
        "e\u{301}",
        "ﾞ単独",
        "〜～－‐",
        "㍻㌔",
        "\u{3000}全角スペース\u{3000}",
        "タブ\tと改行\n",
        "𠮷野家",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    let offices = fs::read_to_string(common::repo_root().join("data/offices.csv")).unwrap();
    for line in offices.lines().skip(1) {
        let cells: Vec<&str> = line.split(',').collect();
        texts.push(cells[1].to_string());
        texts.push(cells[2].to_string());
    }
    let index = fs::read_to_string(out.join("search/index.js")).unwrap();
    let json: serde_json::Value = serde_json::from_str(
        index
            .strip_prefix("window.OUTREACH_SEARCH=")
            .and_then(|t| t.strip_suffix(";\n"))
            .unwrap(),
    )
    .unwrap();
    for doc in json["docs"].as_array().unwrap() {
        texts.push(doc[0].as_str().unwrap().to_string());
        let text = doc[3].as_str().unwrap();
        texts.push(text.chars().take(200).collect());
    }
    texts
        .into_iter()
        .map(|t| {
            let n = outreach::render::search::normalize(&t);
            (t, n)
        })
        .collect()
}

/// The finder and the site search as readers use them, from disk (file://):
/// typing a kana fragment of an office's name on 静岡市's partner page finds
/// it (katakana, hiragana or half width), searching 電子証明書 on the national
/// site lists the FAQ entry about electronic certificates first, the header
/// box leads to the results, and the browser normalises text exactly as the
/// index does (tests/browser/find.cjs).
#[test]
fn the_finder_and_the_site_search_work_from_disk() {
    let node_dir = common::repo_root().join("tests/browser");
    let missing = missing_tools(&node_dir);
    assert!(
        missing.is_empty(),
        "the browser test needs what is not installed here:\n  - {}\nInstall it all with: {SETUP}",
        missing.join("\n  - ")
    );
    let dir = tempfile::tempdir().unwrap();
    let out = build_sample(dir.path());
    let cases = dir.path().join("normalisation-cases.json");
    fs::write(
        &cases,
        serde_json::to_vec(&normalisation_cases(&out)).unwrap(),
    )
    .unwrap();
    let mut command = Command::new("node");
    command
        .arg(node_dir.join("find.cjs"))
        .arg("--root")
        .arg(&out)
        .arg("--cases")
        .arg(&cases);
    if let Ok(shots) = std::env::var("OUTREACH_BROWSER_SHOTS") {
        command.arg("--shots").arg(shots);
    }
    let output = command.output().expect("node runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    println!("{stdout}");
    assert!(
        output.status.success(),
        "the finder or the site search failed in Chromium:\n{stdout}\n{stderr}"
    );
    assert!(stdout.contains(" 0 finding(s)"), "{stdout}");
}
