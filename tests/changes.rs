//! `outreach changes`, `build --zip` and `outreach new` as a department uses
//! them: the approval report, the zips handed over, a project to start from.

mod common;

use std::collections::BTreeMap;
use std::fs;
use std::io::Read;
use std::path::Path;
use std::process::Command;

use common::{Fixture, tree};
use outreach::build::Selection;
use outreach::changes::{self, ChangesOptions, Kind, Line};

fn outreach(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_outreach"))
        .args(args)
        .env_remove("SOURCE_DATE_EPOCH")
        .output()
        .unwrap()
}

fn ok(out: &std::process::Output) -> String {
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "{text}");
    text
}

fn options(fx: &Fixture, against: &Path) -> ChangesOptions {
    ChangesOptions {
        project: fx.project(),
        against: against.to_path_buf(),
        selection: Selection::default(),
        build_date: "2026-11-29".parse().unwrap(),
        posters: false,
        progress: false,
    }
}

#[test]
fn an_unchanged_project_reports_no_changes() {
    let fx = Fixture::new("basic");
    let built = fx.build_ok();
    let found = changes::run(&options(&fx, &fx.out())).unwrap();
    assert!(found.is_empty(), "{:#?}", found.sites);
    assert_eq!(found.compared, built.sites);
    assert!(changes::report::summary(&found).contains("変更はありません"));
    assert!(changes::report::html(&found, "2026-11-29").contains("変更はありません"));
    // Nothing of the comparison is left in the project or the published copy.
    assert!(!fx.project().join("public").exists());
}

#[test]
fn a_changed_faq_entry_a_changed_figure_and_a_removed_page_are_reported() {
    let fx = Fixture::new("basic");
    fx.build_ok();
    let published = tree(&fx.out());
    let faq = fs::read_to_string(fx.project().join("content/faq/trial.md")).unwrap();
    fx.write(
        "content/faq/trial.md",
        &faq.replace("お試し期間はありません。", "お試し期間は1か月です。"),
    );
    let figures = "data/adoption/2024-11-05-municipalities-sample.csv";
    let csv = fs::read_to_string(fx.project().join(figures)).unwrap();
    fx.write(
        figures,
        &csv.replace("221007,静岡市,100,30", "221007,静岡市,100,45"),
    );
    // The checklist is taken down, and the link to it from the flow guide.
    fs::remove_file(fx.project().join("content/guides/checklist.md")).unwrap();
    let flow = fs::read_to_string(fx.project().join("content/guides/flow.md")).unwrap();
    fx.write(
        "content/guides/flow.md",
        &flow.replace(
            "[事前チェックリスト](@/guides/checklist.md)",
            "事前チェックリスト",
        ),
    );

    let found = changes::run(&options(&fx, &fx.out())).unwrap();
    // The published copy is read, never written.
    assert_eq!(tree(&fx.out()), published);
    assert!(!found.is_empty());
    let national = found
        .sites
        .iter()
        .find(|s| s.site.code == "000000")
        .expect("the national site changed");

    // The FAQ entry is shown on several sites' FAQ pages: the change is
    // listed with the national FAQ page, or once for all the pages it is on.
    let faq_lines: Vec<Line> = national
        .pages
        .iter()
        .filter(|p| p.kind == Kind::Changed && p.path.starts_with("faq"))
        .flat_map(|p| p.hunks.iter().flat_map(|h| h.lines.clone()))
        .chain(
            found
                .common
                .iter()
                .filter(|c| {
                    c.pages
                        .iter()
                        .any(|(code, path)| code == "000000" && path.starts_with("faq"))
                })
                .flat_map(|c| c.lines.clone()),
        )
        .collect();
    assert!(
        faq_lines
            .iter()
            .any(|l| matches!(l, Line::Added(t) if t.contains("お試し期間は1か月です。"))),
        "{faq_lines:#?}\n{:#?}",
        found.common
    );
    assert!(
        faq_lines
            .iter()
            .any(|l| matches!(l, Line::Removed(t) if t.contains("お試し期間はありません。"))),
        "{faq_lines:#?}"
    );
    // Visible text, not markup.
    assert!(
        faq_lines.iter().all(|l| !format!("{l:?}").contains("<p>")),
        "{faq_lines:#?}"
    );

    let removed = national
        .pages
        .iter()
        .find(|p| p.kind == Kind::Removed)
        .unwrap_or_else(|| panic!("no removed page: {:#?}", national.pages));
    assert!(removed.path.contains("checklist"), "{}", removed.path);

    let shizuoka = found
        .sites
        .iter()
        .find(|s| s.site.code == "221007")
        .expect("静岡市 changed");
    let figure = shizuoka
        .figures
        .iter()
        .find(|f| f.old.contains("30") && f.new.contains("45"))
        .unwrap_or_else(|| panic!("no changed figure: {:#?}", shizuoka.figures));
    assert_eq!(figure.kind, Kind::Changed);

    // The printable report and the CSV carry all three.
    let html = changes::report::html(&found, "2026-11-29");
    assert!(
        html.contains("<ins>"),
        "the changed characters are not marked"
    );
    // Read as the reader does, without the marks of changed characters.
    let html = ["<ins>", "</ins>", "<del>", "</del>"]
        .iter()
        .fold(html, |html, mark| html.replace(mark, ""));
    for needle in ["お試し期間は1か月です。", "checklist", "45"] {
        assert!(html.contains(needle), "{needle} not in the report");
    }
    let csv = String::from_utf8(changes::report::csv(&found)).unwrap();
    assert!(csv.contains("checklist") && csv.contains("45"), "{csv}");
}

#[test]
fn the_changes_command_writes_a_report_and_csv_and_never_overwrites_a_foreign_file() {
    let fx = Fixture::new("basic");
    fx.build_ok();
    let project = fx.project();
    let faq = fs::read_to_string(project.join("content/faq/trial.md")).unwrap();
    fx.write(
        "content/faq/trial.md",
        &faq.replace("お試し期間はありません。", "お試し期間は1か月です。"),
    );
    let report = fx.dir.path().join("approval.html");
    let args = |report: &Path| {
        vec![
            "changes".to_string(),
            "--project".into(),
            project.to_str().unwrap().into(),
            "--against".into(),
            fx.out().to_str().unwrap().into(),
            "--date".into(),
            "2026-11-29".into(),
            "--no-posters".into(),
            "--report".into(),
            report.to_str().unwrap().into(),
        ]
    };
    let run = |report: &Path| {
        let args = args(report);
        outreach(&args.iter().map(String::as_str).collect::<Vec<_>>())
    };
    let text = ok(&run(&report));
    assert!(text.contains("報告書"), "{text}");
    let html = fs::read_to_string(&report).unwrap();
    assert!(html.contains("お試し期間は<del>"), "{html}");
    assert!(html.contains("1か月"), "{html}");
    assert!(report.with_extension("csv").is_file());
    // A second run replaces its own report.
    ok(&run(&report));
    // A file outreach did not write is refused, and kept.
    let foreign = fx.dir.path().join("minutes.html");
    fs::write(&foreign, "議事録").unwrap();
    let out = run(&foreign);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(fs::read_to_string(&foreign).unwrap(), "議事録");
}

/// Every entry of a zip: (name, bytes).
fn unzip(bytes: &[u8]) -> BTreeMap<String, Vec<u8>> {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut entries = BTreeMap::new();
    let mut names = Vec::new();
    for i in 0..archive.len() {
        let mut file = archive.by_index(i).unwrap();
        let name = file.name().unwrap().to_string();
        assert!(file.is_file(), "{name}");
        let mut content = Vec::new();
        file.read_to_end(&mut content).unwrap();
        names.push(name.clone());
        entries.insert(name, content);
    }
    let mut sorted = names.clone();
    sorted.sort();
    assert_eq!(names, sorted, "entries are not sorted");
    entries
}

#[test]
fn zips_are_byte_identical_between_runs_and_unzip_to_exactly_the_site_folder() {
    let fx = Fixture::new("basic");
    let project = fx.project();
    let zips = fx.dir.path().join("zips");
    let build = |out: &Path| {
        ok(&outreach(&[
            "build",
            "--project",
            project.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
            "--date",
            "2026-11-29",
            "--no-posters",
            "--zip",
            zips.to_str().unwrap(),
        ]))
    };
    build(&fx.out());
    let first = tree(&zips);
    let names: Vec<&str> = first.keys().map(String::as_str).collect();
    assert!(names.contains(&"national.zip"), "{names:?}");
    assert!(names.contains(&"m-221007.zip"), "{names:?}");
    assert!(names.contains(&"p-220001.zip"), "{names:?}");

    // Again, into a fresh output a while later: the same bytes.
    fs::remove_dir_all(&zips).unwrap();
    std::thread::sleep(std::time::Duration::from_millis(1100));
    let second_out = fx.dir.path().join("public2");
    build(&second_out);
    assert_eq!(tree(&zips), first, "zips differ between runs");

    // 静岡市's zip is exactly its folder.
    let site = tree(&fx.out().join("m/221007"));
    let entries = unzip(&first["m-221007.zip"]);
    assert_eq!(
        entries.keys().collect::<Vec<_>>(),
        site.keys().collect::<Vec<_>>()
    );
    assert_eq!(entries, site);
    // The national zip is the root without the other sites' folders or the record.
    let national = unzip(&first["national.zip"]);
    let expected: BTreeMap<String, Vec<u8>> = tree(&fx.out())
        .into_iter()
        .filter(|(path, _)| {
            !path.starts_with("m/") && !path.starts_with("p/") && !path.starts_with(".outreach")
        })
        .collect();
    assert_eq!(
        national.keys().collect::<Vec<_>>(),
        expected.keys().collect::<Vec<_>>()
    );
    assert_eq!(national, expected);
}

#[test]
fn zips_go_nowhere_near_the_sites_or_a_foreign_folder() {
    let fx = Fixture::new("basic");
    let project = fx.project();
    let foreign = fx.dir.path().join("documents");
    fs::create_dir_all(&foreign).unwrap();
    fs::write(foreign.join("memo.txt"), "メモ").unwrap();
    for zip_dir in [foreign.clone(), fx.out().join("zips")] {
        let out = outreach(&[
            "build",
            "--project",
            project.to_str().unwrap(),
            "--out",
            fx.out().to_str().unwrap(),
            "--date",
            "2026-11-29",
            "--no-images",
            "--zip",
            zip_dir.to_str().unwrap(),
        ]);
        assert_eq!(out.status.code(), Some(1), "{}", zip_dir.display());
    }
    assert_eq!(
        fs::read_to_string(foreign.join("memo.txt")).unwrap(),
        "メモ"
    );
    assert_eq!(fs::read_dir(&foreign).unwrap().count(), 1);
}

#[test]
fn a_new_project_checks_clean_and_builds_and_a_new_site_is_added() {
    let dir = tempfile::tempdir().unwrap();
    let project = dir.path().join("my-project");
    let p = project.to_str().unwrap();
    let text = ok(&outreach(&["new", p, "--date", "2026-11-29"]));
    assert!(text.contains("新しいプロジェクトを作りました"), "{text}");
    assert!(project.join("config.yaml").is_file());
    // config.yaml explains itself with comments.
    let config = fs::read_to_string(project.join("config.yaml")).unwrap();
    assert!(
        config
            .lines()
            .filter(|l| l.trim_start().starts_with('#'))
            .count()
            >= 5
    );

    let check = outreach(&["check", "--project", p, "--date", "2026-11-29"]);
    let text = ok(&check);
    assert!(text.contains("エラー 0 件"), "{text}");

    // A municipality's own folder and its sites.yaml entry.
    let text = ok(&outreach(&["new", "--project", p, "--site", "221007"]));
    assert!(text.contains("静岡県静岡市"), "{text}");
    assert!(project.join("content/municipalities/221007").is_dir());
    let sites = fs::read_to_string(project.join("data/sites.yaml")).unwrap();
    assert!(sites.contains("221007"), "{sites}");
    // Twice is refused, and nothing is overwritten.
    let again = outreach(&["new", "--project", p, "--site", "221007"]);
    assert_eq!(again.status.code(), Some(1));
    assert_eq!(
        fs::read_to_string(project.join("data/sites.yaml")).unwrap(),
        sites
    );
    // A code that is no municipality is refused.
    let bad = outreach(&["new", "--project", p, "--site", "999999"]);
    assert_eq!(bad.status.code(), Some(1));

    ok(&outreach(&[
        "check",
        "--project",
        p,
        "--date",
        "2026-11-29",
    ]));
    let out = dir.path().join("public");
    ok(&outreach(&[
        "build",
        "--project",
        p,
        "--out",
        out.to_str().unwrap(),
        "--date",
        "2026-11-29",
        "--only",
        "221007",
        "--only",
        "000000",
        "--no-images",
    ]));
    let page = fs::read_to_string(out.join("m/221007/index.html")).unwrap();
    assert!(page.contains("静岡市"));
    assert!(out.join("index.html").is_file());
    // A folder that is not empty is refused.
    let busy = outreach(&["new", p, "--date", "2026-11-29"]);
    assert_eq!(busy.status.code(), Some(1));
}
