//! The `outreach` binary as a user runs it: exit codes and messages.

mod common;

use std::process::Command;

use common::Fixture;

fn outreach(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_outreach"))
        .args(args)
        .env_remove("SOURCE_DATE_EPOCH")
        .output()
        .unwrap()
}

#[test]
fn check_exits_zero_on_a_clean_project() {
    let fx = Fixture::new("basic");
    let project = fx.project();
    let out = outreach(&[
        "check",
        "--project",
        project.to_str().unwrap(),
        "--date",
        "2026-11-29",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("エラー 0 件"));
}

#[test]
fn check_json_lists_every_problem_with_file_and_line_and_exits_one() {
    let fx = Fixture::new("basic");
    fx.write(
        "content/guides/bad.md",
        "---\ntitle: x\ndescription: y\nautor: z\n---\n",
    );
    fx.write(
        "content/guides/lint.md",
        "---\ntitle: x\ndescription: y\n---\n①の手順\n",
    );
    let project = fx.project();
    let out = outreach(&[
        "check",
        "--project",
        project.to_str().unwrap(),
        "--date",
        "2026-11-29",
        "--format",
        "json",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["errors"], 1);
    // The lint warning, and the one about the fixture's sites without a public URL.
    assert_eq!(json["warnings"], 2);
    let problems = json["problems"].as_array().unwrap();
    let error = problems.iter().find(|p| p["severity"] == "error").unwrap();
    assert!(
        error["file"]
            .as_str()
            .unwrap()
            .ends_with("content/guides/bad.md")
    );
    assert_eq!(error["line"], 4);
    assert!(error["message"].as_str().unwrap().contains("autor"));
    let warning = problems
        .iter()
        .find(|p| p["severity"] == "warning" && p["file"].as_str().unwrap().ends_with("lint.md"))
        .unwrap();
    assert_eq!(
        (warning["line"].as_u64(), warning["column"].as_u64()),
        (Some(5), Some(1))
    );
}

#[test]
fn a_broken_template_is_reported_with_its_file_and_line() {
    let fx = Fixture::new("basic");
    let path = fx.project().join("themes/default/templates/contact.html");
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(
        &path,
        text.replacen(
            "{% endblock main %}",
            "{% if site.name %}\n{% endblock main %}",
            1,
        ),
    )
    .unwrap();
    let project = fx.project();
    let out_dir = fx.out();
    let out = outreach(&[
        "build",
        "--project",
        project.to_str().unwrap(),
        "--out",
        out_dir.to_str().unwrap(),
        "--date",
        "2026-11-29",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("templates/contact.html:"), "{stderr}");
    assert!(stderr.contains("テンプレートの誤り"), "{stderr}");
    assert!(!out_dir.exists(), "nothing is written on failure");
}

#[test]
fn source_date_epoch_sets_the_build_date() {
    let fx = Fixture::new("basic");
    let project = fx.project();
    let out_dir = fx.out();
    let out = Command::new(env!("CARGO_BIN_EXE_outreach"))
        .args([
            "build",
            "--project",
            project.to_str().unwrap(),
            "--out",
            out_dir.to_str().unwrap(),
            "--only",
            "000000",
        ])
        .env("SOURCE_DATE_EPOCH", "1767225600") // 2026-01-01T00:00:00Z
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let html = std::fs::read_to_string(out_dir.join("accessibility.html")).unwrap();
    assert!(html.contains("2026年1月1日（令和8年1月1日）"), "{html}");
}

#[test]
fn a_bad_date_argument_is_explained() {
    let out = outreach(&[
        "build",
        "--date",
        "2026-13-01",
        "--project",
        "tests/fixtures/basic",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("YYYY-MM-DD"));
}

#[test]
fn the_shipped_sample_project_checks_clean() {
    let root = common::repo_root();
    let out = outreach(&[
        "check",
        "--project",
        root.to_str().unwrap(),
        "--date",
        "2026-11-29",
    ]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}");
    // The one warning: the sample configures a public URL for 静岡市 only, so
    // links to the other sites are left out, and check says so once.
    assert!(stdout.contains("エラー 0 件、警告 1 件"), "{stdout}");
    // At the (commented-out) hosting key of config.yaml.
    let config = std::fs::read_to_string(root.join("config.yaml")).unwrap();
    let line = config
        .lines()
        .position(|l| l.starts_with("# hosting:"))
        .unwrap()
        + 1;
    assert!(
        stdout.contains(&format!(
            "config.yaml:{line}: 警告: 公開先 URL のない 1788 サイトへのリンクは出さず"
        )),
        "{stdout}"
    );
}
