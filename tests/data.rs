//! Data files as a user (or an attacker) writes them, through the `outreach`
//! binary: what `check` says, what it costs, what the downloads contain.

mod common;

#[path = "../src/data/table/fixtures.rs"]
mod xlsx;

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use common::Fixture;
use outreach::build::{BuildOptions, Selection, build};

/// What a run of the binary gave: exit code, stdout, peak memory, time.
struct Run {
    code: Option<i32>,
    stdout: String,
    max_rss_kb: u64,
    elapsed: Duration,
}

/// Run `outreach` with these arguments and measure its peak resident memory
/// (`wait4`'s rusage: the whole process, not a sample of it).
#[allow(clippy::zombie_processes)] // reaped by wait4, which std cannot do
fn run(args: &[&str], dir: &Path) -> Run {
    let stdout_path = dir.join("stdout.txt");
    let started = Instant::now();
    let child = Command::new(env!("CARGO_BIN_EXE_outreach"))
        .args(args)
        .env_remove("SOURCE_DATE_EPOCH")
        .stdout(std::fs::File::create(&stdout_path).unwrap())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let mut status = 0;
    // SAFETY: rusage is plain data that wait4 fills in; the child is ours and
    // is reaped exactly once, here.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let pid = unsafe { libc::wait4(child.id() as libc::pid_t, &mut status, 0, &mut usage) };
    assert_eq!(pid, child.id() as libc::pid_t);
    let code = libc::WIFEXITED(status).then(|| libc::WEXITSTATUS(status));
    Run {
        code,
        stdout: std::fs::read_to_string(&stdout_path).unwrap(),
        max_rss_kb: u64::try_from(usage.ru_maxrss).unwrap_or(0),
        elapsed: started.elapsed(),
    }
}

fn check(fx: &Fixture, extra: &[&str]) -> Run {
    let project = fx.project();
    let mut args = vec![
        "check",
        "--project",
        project.to_str().unwrap(),
        "--date",
        "2026-11-29",
    ];
    args.extend(extra);
    run(&args, fx.dir.path())
}

/// The basic fixture with the real master list and only these adoption files.
fn project_with_adoption(files: &[(&str, &[u8])]) -> Fixture {
    let fx = Fixture::new("basic");
    let project = fx.project();
    std::fs::copy(
        common::repo_root().join("data/municipalities.csv"),
        project.join("data/municipalities.csv"),
    )
    .unwrap();
    let adoption = project.join("data/adoption");
    std::fs::remove_dir_all(&adoption).unwrap();
    std::fs::create_dir(&adoption).unwrap();
    for (name, bytes) in files {
        std::fs::write(adoption.join(name), bytes).unwrap();
    }
    fx
}

/// The seed report's prefecture table of 2023-11-06, as published (with its
/// printed rates and totals; tests/fixtures/adoption/make_fixtures.py).
#[test]
fn check_names_osaka_and_kagawa_in_the_seed_tables_rate_messages() {
    let seed = std::fs::read(
        common::repo_root().join("tests/fixtures/adoption/seed_published/2023-11-06.csv"),
    )
    .unwrap();
    let fx = project_with_adoption(&[("2023-11-06.csv", &seed)]);
    let out = check(&fx, &[]);
    assert_eq!(out.code, Some(1), "{}", out.stdout);
    let rates: Vec<&str> = out
        .stdout
        .lines()
        .filter(|l| l.contains("割合「"))
        .collect();
    assert_eq!(rates.len(), 2, "{}", out.stdout);
    assert!(
        rates[0].contains("2023-11-06.csv:28:5: エラー: 大阪府（270008）の割合「2.9%」"),
        "{}",
        rates[0]
    );
    assert!(
        rates[1].contains("2023-11-06.csv:38:5: エラー: 香川県（370002）の割合「3.7%」"),
        "{}",
        rates[1]
    );
    assert!(
        out.stdout
            .contains("2023-11-06.csv:49: エラー: 合計行が各行の合計と合いません")
    );
    assert!(out.stdout.contains("エラー 3 件"), "{}", out.stdout);
}

/// Hostile spreadsheets: 2 KB declaring 17 billion cells, 2 KB with cells at
/// opposite corners, a 2 MB deflate bomb of 2 GB, a CSV with a 10 MB cell.
/// `check` reports each with its file, in little memory and time.
#[test]
fn hostile_spreadsheets_are_located_errors_in_bounded_memory() {
    let declared = xlsx::xlsx_with_cells(&[("A1", "code")], Some("A1:XFD1048576"));
    let corners = xlsx::xlsx_with_cells(&[("A1", "code"), ("XFD1048576", "x")], None);
    let bomb = xlsx::deflate_bomb(2 * 1024 * 1024 * 1024);
    assert!(declared.len() < 2_048 && corners.len() < 2_048);
    assert!(bomb.len() < 2_500_000, "{}", bomb.len());
    let long_cell = format!(
        "name,offices,using_offices\n{},1,0\n",
        "あ".repeat(3_500_000)
    );
    let fx = project_with_adoption(&[
        ("2024-01-15.xlsx", &declared),
        ("2024-01-16.xlsx", &corners),
        ("2024-01-17.xlsx", &bomb),
        ("2024-01-18.csv", long_cell.as_bytes()),
    ]);
    let out = check(&fx, &[]);
    assert_eq!(out.code, Some(1), "{}", out.stdout);
    let line_of = |file: &str| -> &str {
        out.stdout
            .lines()
            .find(|l| l.contains(file) && l.contains("エラー"))
            .unwrap_or_else(|| panic!("{file}: {}", out.stdout))
    };
    assert!(
        line_of("2024-01-15.xlsx")
            .contains("シート「Sheet1」の範囲「A1:XFD1048576」は 17,179,869,184 セル")
    );
    assert!(line_of("2024-01-16.xlsx").contains("見出し行が見つかりません"));
    assert!(line_of("2024-01-17.xlsx").contains("2048.0 MB"));
    let long = line_of("2024-01-18.csv");
    assert!(
        long.contains(&format!("「{}…」", "あ".repeat(80))),
        "{long}"
    );
    assert!(long.len() < 2_000, "{} bytes", long.len());
    assert!(
        out.max_rss_kb < 600_000,
        "peak memory {} MB",
        out.max_rss_kb / 1024
    );
    assert!(out.elapsed < Duration::from_secs(60), "{:?}", out.elapsed);
    eprintln!(
        "hostile spreadsheets: check took {:.1} s, peak memory {} MB",
        out.elapsed.as_secs_f64(),
        out.max_rss_kb / 1024
    );
}

/// 20,000 bad rows: 50 problems printed for the file, then the count of the
/// rest; the JSON is bounded the same way and its counts are complete.
#[test]
fn check_prints_at_most_fifty_problems_per_file() {
    let fx = Fixture::new("basic");
    let mut offices = String::from("office_number,name,service_type,municipality_code,since\n");
    for i in 0..20_000u32 {
        let body = format!("2271{i:05}");
        let check = outreach::data::offices::office_check_digit(&body).unwrap() as char;
        offices.push_str(&format!(
            "{body}{check},事業所{i},訪門介護,221007,2024-04-01\n"
        ));
    }
    fx.write("data/offices.csv", &offices);
    let out = check(&fx, &[]);
    eprintln!(
        "20,000 bad rows: check took {:.1} s",
        out.elapsed.as_secs_f64()
    );
    assert_eq!(out.code, Some(1));
    let lines: Vec<&str> = out
        .stdout
        .lines()
        .filter(|l| l.contains("offices.csv"))
        .collect();
    assert_eq!(lines.len(), 51, "{}", out.stdout);
    assert!(lines[0].contains("offices.csv:2:3: エラー: サービス種別「訪門介護」"));
    assert!(lines[49].contains("offices.csv:51:3:"), "{}", lines[49]);
    assert!(
        lines[50].contains("全部で 20000 件あり、ほか 19950 件（エラー 19950 件、警告 0 件）"),
        "{}",
        lines[50]
    );
    assert!(out.stdout.contains("エラー 20000 件"), "{}", out.stdout);
    assert!(out.stdout.len() < 40_000, "{} bytes", out.stdout.len());

    let out = check(&fx, &["--format", "json"]);
    let json: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(json["errors"], 20_000);
    let problems = json["problems"].as_array().unwrap();
    let of_file: Vec<&serde_json::Value> = problems
        .iter()
        .filter(|p| p["file"].as_str().unwrap().ends_with("offices.csv"))
        .collect();
    assert_eq!(of_file.len(), 51);
    assert_eq!(of_file[50]["line"], 0);
    assert!(out.stdout.len() < 60_000, "{} bytes", out.stdout.len());
}

/// A `\b` in a department used to fail the poster step, blamed on the theme.
#[test]
fn a_control_character_in_a_department_is_an_error_at_its_line() {
    let fx = Fixture::new("basic");
    let sites = std::fs::read_to_string(fx.project().join("data/sites.yaml")).unwrap();
    let sites = sites.replace(
        "department: 静岡市 介護保険課（テスト）",
        "department: \"静岡市 介護\\b保険課\"",
    );
    fx.write("data/sites.yaml", &sites);
    let line = sites
        .lines()
        .position(|l| l.contains("介護\\b保険課"))
        .unwrap()
        + 1;
    let out = check(&fx, &[]);
    assert_eq!(out.code, Some(1));
    let expected = format!(
        "sites.yaml:{line}:15: エラー: 項目「department」の値に制御文字（U+0008）があります"
    );
    assert!(out.stdout.contains(&expected), "{}", out.stdout);
}

/// Names that Excel would run as formulas reach the CSV downloads as text:
/// a municipality or office name that begins with `=`, `+`, `-` or `@` gets
/// a leading `'`; counts stay numbers.
#[test]
fn csv_downloads_are_spreadsheet_safe() {
    let fx = Fixture::new("basic");
    let master = std::fs::read_to_string(fx.project().join("data/municipalities.csv")).unwrap();
    let master = master
        .replace(",静岡県,静岡県,", ",静岡県,+静岡県,")
        .replace(",静岡市,", ",@静岡市,")
        .replace(",浜松市,", ",=浜松市,")
        .replace(",沼津市,", ",-沼津市,");
    fx.write("data/municipalities.csv", &master);
    fx.write(
        "data/adoption/2024-11-05-municipalities-sample.csv",
        "code,offices,using_offices\n221007,100,30\n221309,100,29\n222038,50,5\n",
    );
    let mut offices = std::fs::read_to_string(fx.project().join("data/offices.csv")).unwrap();
    for (i, name) in ["=HYPERLINK(\"http://x\")", "+1", "-1", "@SUM(A1)"]
        .iter()
        .enumerate()
    {
        let number = format!("227100{}", 9200 + i);
        offices.push_str(&format!(
            "{number},\"{}\",居宅介護支援,221007,2024-04-01,true\n",
            name.replace('"', "\"\"")
        ));
    }
    fx.write("data/offices.csv", &offices);
    let options = BuildOptions {
        selection: Selection {
            only: vec!["000000".into(), "220001".into(), "221007".into()],
            ..Selection::default()
        },
        ogp_images: false,
        ..fx.options(&fx.out())
    };
    if let Err(e) = build(&options) {
        panic!("{e}");
    }
    let national = fx.read("data/adoption-national.csv");
    assert!(
        national.contains(",220001,'+静岡県,prefecture,"),
        "{national}"
    );
    let prefecture = fx.read("p/220001/data/adoption-220001.csv");
    for (code, name) in [
        ("221007", "'@静岡市"),
        ("221309", "'=浜松市"),
        ("222038", "'-沼津市"),
    ] {
        assert!(
            prefecture.contains(&format!(",{code},{name},municipality,")),
            "{code} {name}: {prefecture}"
        );
    }
    // Counts and rates are numbers, not text.
    assert!(
        prefecture.contains(
            ",municipality,50,5,0.1000,false,true,2024-11-05-municipalities-sample.csv\r\n"
        ),
        "{prefecture}"
    );
    let offices = fx.read("m/221007/data/offices-221007.csv");
    for name in ["'=HYPERLINK(\"\"http://x\"\")", "'+1", "'-1", "'@SUM(A1)"] {
        assert!(offices.contains(name), "{name}: {offices}");
    }
    // No cell of either file begins with a character Excel would run.
    for file in [&national, &prefecture, &offices] {
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .from_reader(file.trim_start_matches('\u{feff}').as_bytes());
        for record in reader.records() {
            for cell in record.unwrap().iter() {
                let number = cell.parse::<f64>().is_ok();
                assert!(
                    number || !cell.starts_with(['=', '+', '-', '@', '\t', '\r']),
                    "{cell}"
                );
            }
        }
    }
}
