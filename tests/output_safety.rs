//! The output folder as a council, a careless user and an interrupted build
//! meet it: outreach writes only into a folder it owns, keeps what it did
//! not make, keeps the sites a partial build does not touch, and never
//! leaves the output missing or half-written.

mod common;

use std::collections::BTreeMap;
use std::fs;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use common::{Fixture, tree};

const MARKER: &str = outreach::output::MARKER;

fn outreach(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_outreach"))
        .args(args)
        .env_remove("SOURCE_DATE_EPOCH")
        .output()
        .unwrap()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).to_string()
}

fn path(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// `outreach build` of the fixture's project into `out`, pages only.
fn build_cli(fx: &Fixture, out: &Path, extra: &[&str]) -> Output {
    let project = fx.project();
    let mut args = vec![
        "build",
        "--project",
        path(&project),
        "--out",
        path(out),
        "--date",
        "2026-11-29",
        "--no-images",
    ];
    args.extend_from_slice(extra);
    outreach(&args)
}

/// Every file under `dir` with its bytes, links read as their targets.
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| !e.file_type().is_dir())
        .map(|e| {
            let bytes = if e.file_type().is_symlink() {
                fs::read_link(e.path())
                    .unwrap()
                    .into_os_string()
                    .into_encoded_bytes()
            } else {
                fs::read(e.path()).unwrap()
            };
            (e.path().strip_prefix(dir).unwrap().to_path_buf(), bytes)
        })
        .collect()
}

/// Hidden folders beside `out` (staging folders and their leftovers).
fn hidden_beside(out: &Path) -> Vec<String> {
    fs::read_dir(out.parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .filter(|n| n.starts_with('.'))
        .collect()
}

fn refused(out: &Output) -> String {
    let text = stderr(out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(text.contains("出力できません"), "{text}");
    assert!(text.contains("対処:"), "{text}");
    text
}

#[test]
fn a_user_folder_the_project_root_and_content_survive_out() {
    let fx = Fixture::new("basic");
    let project = fx.project();
    let docs = fx.dir.path().join("council-docs");
    fs::create_dir_all(&docs).unwrap();
    fs::write(docs.join("memo.txt"), "議事メモ").unwrap();
    fs::write(docs.join("予算.xlsx"), [0x50, 0x4b, 3, 4]).unwrap();
    let before_docs = snapshot(&docs);
    let before_project = snapshot(&project);

    let cases: Vec<(PathBuf, &str)> = vec![
        (docs.clone(), "outreach が作ったフォルダではありません"),
        (project.clone(), "プロジェクトのフォルダそのもの"),
        (project.join("."), "プロジェクトのフォルダそのもの"),
        (fx.dir.path().to_path_buf(), "を中に含んでいます"),
        (project.join("content"), "content/"),
        (project.join("content/guides"), "content/"),
        (project.join("data"), "data/"),
        (project.join("themes"), "themes/"),
        (project.join("themes/default/new-folder"), "themes/"),
    ];
    for (out, why) in cases {
        let result = build_cli(&fx, &out, &[]);
        let text = refused(&result);
        assert!(text.contains(why), "{}: {text}", out.display());
    }
    // A relative --out is taken from where the command runs.
    let result = Command::new(env!("CARGO_BIN_EXE_outreach"))
        .current_dir(&project)
        .args(["build", "--out", "content", "--date", "2026-11-29"])
        .output()
        .unwrap();
    assert!(refused(&result).contains("content/"));
    assert_eq!(snapshot(&docs), before_docs);
    assert_eq!(snapshot(&project), before_project);
    assert!(hidden_beside(&project.join("content")).is_empty());
}

#[test]
fn out_readme_md_is_refused() {
    let fx = Fixture::new("basic");
    fx.write("README.md", "# 説明\n");
    let readme = fx.project().join("README.md");
    let text = refused(&build_cli(&fx, &readme, &[]));
    assert!(text.contains("フォルダではなくファイルです"), "{text}");
    assert!(readme.is_file());
    assert_eq!(fs::read_to_string(&readme).unwrap(), "# 説明\n");
}

#[test]
fn an_empty_folder_becomes_an_output_and_then_carries_the_record() {
    let fx = Fixture::new("basic");
    let out = fx.out();
    fs::create_dir(&out).unwrap();
    let result = build_cli(&fx, &out, &["--only", "000000"]);
    assert!(result.status.success(), "{}", stderr(&result));
    let record = fs::read_to_string(out.join(MARKER)).unwrap();
    assert!(record.starts_with("outreach-output 1 sites\n"), "{record}");
    assert!(record.lines().any(|l| l == "index.html"), "{record}");
    assert!(!record.lines().any(|l| l.starts_with("m/")), "{record}");
}

#[test]
fn a_partial_build_keeps_the_other_sites_and_the_councils_files() {
    let fx = Fixture::new("basic");
    let out = fx.out();
    fx.build_ok();
    // What councils keep in their output.
    let own: [(&str, &str); 5] = [
        (".htaccess", "Options -Indexes\n"),
        (
            "google1234567890abcdef.html",
            "google-site-verification: google1234567890abcdef.html",
        ),
        ("council/議事録/2025-04.pdf", "%PDF-1.7"),
        ("m/221007/.htaccess", "Require all granted\n"),
        ("m/221007/local/notice.html", "<p>市の独自のお知らせ</p>"),
    ];
    for (rel, text) in own {
        fs::create_dir_all(out.join(rel).parent().unwrap()).unwrap();
        fs::write(out.join(rel), text).unwrap();
    }
    let inode = |rel: &str| fs::metadata(out.join(rel)).unwrap().ino();
    let before = tree(&out);
    let hamamatsu = inode("m/221309/index.html");
    let national = inode("index.html");

    fx.write(
        "content/municipalities/221007/guides/flow.md",
        "---\ntitle: 導入の流れ（静岡市）\ndescription: 静岡市の流れです。\norder: 10\nillustrative: true\n---\n静岡市の新しい手順です。\n",
    );
    let result = build_cli(&fx, &out, &["--only", "221007"]);
    assert!(result.status.success(), "{}", stderr(&result));
    assert!(
        stderr(&result).contains("残したファイル"),
        "{}",
        stderr(&result)
    );
    let after = tree(&out);
    assert!(
        String::from_utf8_lossy(&after["m/221007/guides/flow.html"])
            .contains("静岡市の新しい手順です。")
    );
    // Every other site is the same, file for file (the very same files).
    for (rel, bytes) in &before {
        if !rel.starts_with("m/221007/") && rel != MARKER {
            assert!(after.get(rel) == Some(bytes), "{rel} changed or vanished");
        }
    }
    assert_eq!(inode("m/221309/index.html"), hamamatsu);
    assert_eq!(inode("index.html"), national);
    for (rel, text) in own {
        assert_eq!(fs::read_to_string(out.join(rel)).unwrap(), text, "{rel}");
    }

    // A prefecture's build keeps the other prefecture and the nation.
    let result = build_cli(&fx, &out, &["--prefecture", "220001"]);
    assert!(result.status.success(), "{}", stderr(&result));
    assert!(out.join("m/011002/index.html").exists());
    assert!(out.join("p/010006/index.html").exists());
    assert_eq!(inode("index.html"), national);

    // A full build replaces the generator's files and keeps the council's.
    fs::remove_file(
        fx.project()
            .join("content/municipalities/221007/guides/flow.md"),
    )
    .unwrap();
    let result = build_cli(&fx, &out, &[]);
    assert!(result.status.success(), "{}", stderr(&result));
    for (rel, text) in own {
        assert_eq!(fs::read_to_string(out.join(rel)).unwrap(), text, "{rel}");
    }
    let record = fs::read_to_string(out.join(MARKER)).unwrap();
    let listed: Vec<&str> = record.split("\n\n").nth(1).unwrap().lines().collect();
    assert!(
        !listed
            .iter()
            .any(|l| l.ends_with(".htaccess") || l.starts_with("council/"))
    );
    assert!(listed.contains(&"m/221007/index.html"));
}

#[test]
fn a_file_of_the_council_where_a_new_page_goes_stops_the_build() {
    let fx = Fixture::new("basic");
    let out = fx.out();
    fx.build_ok();
    fs::write(out.join("guides/extra.html"), "市が手で置いたページ").unwrap();
    let before = snapshot(&out);
    fx.write(
        "content/guides/extra.md",
        "---\ntitle: 追加のページ\ndescription: 追加です。\n---\n本文\n",
    );
    let result = build_cli(&fx, &out, &[]);
    let text = stderr(&result);
    assert_eq!(result.status.code(), Some(1), "{text}");
    assert!(text.contains("guides/extra.html"), "{text}");
    assert!(
        text.contains("outreach が作ったファイルではありません"),
        "{text}"
    );
    assert_eq!(snapshot(&out), before, "nothing changed");
    assert!(hidden_beside(&out).is_empty());
}

#[test]
fn a_symlinked_output_stays_a_symlink() {
    let fx = Fixture::new("basic");
    let webroot = fx.dir.path().join("www/careplan");
    fs::create_dir_all(&webroot).unwrap();
    let out = fx.out();
    std::os::unix::fs::symlink(&webroot, &out).unwrap();
    for round in 0..2 {
        let result = build_cli(&fx, &out, &["--only", "000000"]);
        assert!(result.status.success(), "{round}: {}", stderr(&result));
        assert!(fs::symlink_metadata(&out).unwrap().file_type().is_symlink());
        assert_eq!(fs::read_link(&out).unwrap(), webroot);
        assert!(webroot.join("index.html").is_file());
        assert!(webroot.join(MARKER).is_file());
    }
    // The staging folder was made beside the real folder and is gone.
    assert!(hidden_beside(&webroot).is_empty());
    assert!(hidden_beside(&out).is_empty());
}

#[test]
fn no_leftover_after_a_killed_build() {
    let fx = Fixture::new("basic");
    let out = fx.out();
    fx.build_ok();
    let before = snapshot(&out);
    // Posters make the build long enough to kill it while it writes.
    fx.write(
        "content/guides/new.md",
        "---\ntitle: 新しいページ\ndescription: 中断のテストです。\n---\n本文\n",
    );
    let project = fx.project();
    let mut child = Command::new(env!("CARGO_BIN_EXE_outreach"))
        .args([
            "build",
            "--project",
            path(&project),
            "--out",
            path(&out),
            "--date",
            "2026-11-29",
        ])
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let staging = out.with_file_name(format!(".public.building-{}", child.id()));
    let started = Instant::now();
    loop {
        assert!(out.join("index.html").exists(), "the output went missing");
        if staging.join("m").is_dir() {
            break;
        }
        assert!(
            child.try_wait().unwrap().is_none(),
            "the build ended before it could be killed"
        );
        assert!(started.elapsed() < Duration::from_secs(120));
        std::thread::sleep(Duration::from_millis(2));
    }
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    assert!(staging.join(MARKER).is_file(), "killed while building");
    assert_eq!(snapshot(&out), before, "the previous output is intact");

    let result = build_cli(&fx, &out, &[]);
    assert!(result.status.success(), "{}", stderr(&result));
    assert_eq!(hidden_beside(&out), Vec::<String>::new(), "no leftover");
    assert!(out.join("guides/new.html").is_file());
    assert!(out.join("m/222038/index.html").is_file());
}

#[test]
fn a_read_only_output_is_an_error() {
    let fx = Fixture::new("basic");
    let out = fx.out();
    fx.build_ok();
    let before = snapshot(&out);
    fs::set_permissions(&out, fs::Permissions::from_mode(0o555)).unwrap();
    let result = build_cli(&fx, &out, &[]);
    fs::set_permissions(&out, fs::Permissions::from_mode(0o755)).unwrap();
    assert!(refused(&result).contains("読み取り専用"));
    assert_eq!(snapshot(&out), before);
    assert!(hidden_beside(&out).is_empty());
}

#[test]
fn a_backslash_content_name_writes_nothing_outside() {
    let fx = Fixture::new("basic");
    let out = fx.dir.path().join("deep/er/public");
    for name in [
        "content/guides/..\\..\\..\\x.md",
        "content/municipalities/221007/guides/..\\..\\..\\..\\y.md",
    ] {
        fx.write(name, "---\ntitle: x\ndescription: y\n---\n本文\n");
    }
    let before = snapshot(fx.dir.path());
    let result = build_cli(&fx, &out, &[]);
    assert_eq!(result.status.code(), Some(1), "{}", stderr(&result));
    assert_eq!(snapshot(fx.dir.path()), before, "nothing written anywhere");
    assert!(!out.exists());
}

#[test]
fn merge_and_bench_refuse_foreign_folders() {
    let fx = Fixture::new("basic");
    let root = fx.dir.path();
    let user = root.join("user");
    fs::create_dir_all(&user).unwrap();
    fs::write(user.join("memo.txt"), "memo").unwrap();
    let before = snapshot(&user);
    let shard = root.join("part-1");
    let result = build_cli(&fx, &shard, &["--shard", "1/2"]);
    assert!(result.status.success(), "{}", stderr(&result));

    let project = fx.project();
    let fresh = root.join("fresh");
    let runs: [Vec<&str>; 5] = [
        vec!["merge", "--out", path(&user), path(&shard)],
        vec!["merge", "--out", path(&fresh), path(&shard), path(&user)],
        vec!["bench", "--project", path(&project), "--work", path(&user)],
        vec![
            "bench",
            "--project",
            path(&project),
            "--work",
            path(&fresh),
            "--hugo-site",
            path(&user),
        ],
        vec!["bench", "--project", path(&project), "--work", path(&shard)],
    ];
    for args in runs {
        let result = outreach(&args);
        let text = stderr(&result);
        assert_eq!(result.status.code(), Some(1), "{args:?}: {text}");
        assert!(text.contains("対処:"), "{text}");
        assert_eq!(snapshot(&user), before, "{args:?}");
        assert!(!fresh.exists(), "{args:?}: nothing made before the checks");
    }
    assert!(shard.join("index.html").exists() || shard.join("m").exists());
}

#[test]
fn bench_reuses_its_own_folder() {
    let fx = Fixture::new("basic");
    let work = fx.dir.path().join("bench");
    let project = fx.project();
    for _ in 0..2 {
        let result = outreach(&[
            "bench",
            "--project",
            path(&project),
            "--work",
            path(&work),
            "--sites",
            "2",
            "--pages",
            "1",
        ]);
        assert!(result.status.success(), "{}", stderr(&result));
        assert!(String::from_utf8_lossy(&result.stdout).contains("pages/s"));
    }
    let record = fs::read_to_string(work.join(MARKER)).unwrap();
    assert!(record.starts_with("outreach-output 1 bench\n"), "{record}");
    assert!(work.join("public").join(MARKER).is_file());
}
