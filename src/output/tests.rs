use super::*;
use std::os::unix::fs::{MetadataExt, PermissionsExt};

/// A fresh temp dir with an output folder path `public` inside it.
fn setup() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    (tmp, out)
}

fn staging(out: &Path, previous: Option<Manifest>) -> Staging {
    let target = Target::check(out, FolderKind::Sites, None).unwrap();
    Staging::new(&target, previous).unwrap()
}

/// Build `files` into `out` as one complete build; returns the manifest.
fn build(out: &Path, files: &[(&str, &str)], scope: &Scope) -> Manifest {
    let staging = staging(out, None);
    for (rel, text) in files {
        staging.write(rel, text.as_bytes(), None).unwrap();
    }
    staging.commit(scope).unwrap().0
}

fn names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .collect();
    names.sort();
    names
}

fn record_of(out: &Path) -> Record {
    Record::read(out).unwrap().unwrap().0
}

/// A process id that is certainly not running.
fn dead_pid() -> u32 {
    let mut child = std::process::Command::new("true").spawn().unwrap();
    let pid = child.id();
    child.wait().unwrap();
    pid
}

#[test]
fn paths_that_could_leave_the_output_are_refused() {
    for good in [
        "index.html",
        "m/221007/guides/flow.html",
        "assets/style.css",
        ".htaccess",
        "guides/日本語.html",
        "a..b/c...html",
    ] {
        assert!(check_rel(good).is_ok(), "{good}");
    }
    for bad in [
        "",
        "/etc/passwd",
        "../x.html",
        "guides/../../x.html",
        "..",
        "a/./b.html",
        "a//b.html",
        "a/",
        "..\\..\\..\\x.html",
        "guides/..\\..\\x.html",
        "\\tmp\\dir\\x.html",
        "C:/Windows/x.html",
        "c:x.html",
        "file.html:stream",
        "a\0b.html",
        "a\nb.html",
        "a\rb.html",
        "tab\there.html",
        ".outreach-output",
        ".outreach-output/x",
    ] {
        assert!(
            matches!(check_rel(bad), Err(OutputError::UnsafePath { .. })),
            "{bad:?} must be refused"
        );
    }
}

#[test]
fn the_writer_writes_nothing_outside_the_output() {
    let (tmp, out) = setup();
    let staging = staging(&out, None);
    for bad in [
        "../escape.html",
        "..\\escape.html",
        "a/../../escape.html",
        "/tmp/escape-outreach-test.html",
    ] {
        let err = staging.write(bad, b"x", None).unwrap_err();
        assert!(err.to_string().contains("書き込みません"), "{err}");
        assert!(!staging.reuse(bad, 1));
    }
    staging.write("ok.html", b"ok", None).unwrap();
    staging.commit(&Scope::Everything).unwrap();
    assert_eq!(names(tmp.path()), vec!["public"]);
    assert_eq!(names(&out), vec![MARKER, "ok.html"]);
    assert!(!Path::new("/tmp/escape-outreach-test.html").exists());
}

#[test]
fn the_record_names_generator_version_kind_and_files() {
    let mut record = Record::new(FolderKind::Sites);
    record.files.insert("index.html".into());
    record.files.insert("m/221007/index.html".into());
    let text = record.to_text();
    assert!(text.starts_with("outreach-output 1 sites\n# "), "{text}");
    assert!(
        text.ends_with("\n\nindex.html\nm/221007/index.html\n"),
        "{text}"
    );
    assert_eq!(Record::parse(&text), Ok(record.clone()));
    // Saved again by a Windows editor.
    assert_eq!(Record::parse(&text.replace('\n', "\r\n")), Ok(record));
    assert_eq!(
        Record::parse("outreach-output 2 sites\n\n"),
        Err(RecordError::Newer(2))
    );
    for broken in [
        "",
        "hello\n",
        "outreach-output x sites\n\n",
        "outreach-output 1 other\n\n",
        "outreach-output 1 sites\nno blank line\n",
        "outreach-output 1 sites\n\n../escape.html\n",
    ] {
        assert!(
            matches!(Record::parse(broken), Err(RecordError::Broken(_))),
            "{broken:?}"
        );
    }
}

#[test]
fn a_file_belongs_to_the_site_whose_folder_holds_it() {
    let all: HashSet<String> = ["", "p/220001", "m/221007", "m/221309"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    let scope = Scope::Sites {
        all,
        selected: HashSet::from(["m/221007".to_string()]),
    };
    assert!(scope.replaces("m/221007/index.html"));
    assert!(scope.replaces("m/221007/guides/a.html"));
    assert!(!scope.replaces("m/221309/index.html"));
    assert!(!scope.replaces("p/220001/index.html"));
    assert!(!scope.replaces("index.html"));
    assert!(
        !scope.replaces("m/2210070/index.html"),
        "not a prefix match"
    );
    // A site that no longer exists falls to the national site.
    assert!(!scope.replaces("m/999999/index.html"));
    assert!(Scope::Everything.replaces("anything"));
}

#[test]
fn file_equals_compares_every_byte() {
    let (tmp, _) = setup();
    let path = tmp.path().join("f");
    let bytes: Vec<u8> = (0..200_000u32).map(|i| (i * 7 % 251) as u8).collect();
    fs::write(&path, &bytes).unwrap();
    assert!(file_equals(&path, &bytes).unwrap());
    let mut other = bytes.clone();
    other[150_000] ^= 1;
    assert!(!file_equals(&path, &other).unwrap());
    assert!(!file_equals(&path, &bytes[..1000]).unwrap());
}

#[test]
fn dropped_staging_leaves_previous_output() {
    let (tmp, out) = setup();
    build(&out, &[("index.html", "old")], &Scope::Everything);
    {
        let staging = staging(&out, None);
        staging.write("index.html", b"new", None).unwrap();
    }
    assert_eq!(fs::read_to_string(out.join("index.html")).unwrap(), "old");
    assert_eq!(names(tmp.path()), vec!["public"]);

    build(&out, &[("a/b.html", "new")], &Scope::Everything);
    assert!(!out.join("index.html").exists(), "a full build replaces");
    assert_eq!(fs::read_to_string(out.join("a/b.html")).unwrap(), "new");
    assert_eq!(names(tmp.path()), vec!["public"]);
}

#[test]
fn each_folder_is_made_once_and_each_file_written_once() {
    let (_tmp, out) = setup();
    let staging = staging(&out, None);
    let files = [
        "index.html",
        "guides/a.html",
        "guides/b.html",
        "m/221007/index.html",
        "m/221007/guides/a.html",
        "m/221007/guides/b.html",
        "m/221309/index.html",
    ];
    for rel in files {
        staging.write(rel, b"x", None).unwrap();
    }
    // guides, m, m/221007, m/221007/guides, m/221309
    assert_eq!(staging.stats.dirs.load(Ordering::Relaxed), 5);
    let twice = staging.write("guides/a.html", b"y", None).unwrap_err();
    assert!(matches!(twice, OutputError::Twice { .. }), "{twice}");
    staging.commit(&Scope::Everything).unwrap();
    assert_eq!(fs::read_to_string(out.join("guides/a.html")).unwrap(), "x");
}

#[test]
fn unchanged_files_keep_their_inode_and_keys_allow_reuse() {
    let (_tmp, out) = setup();
    let staging = staging(&out, None);
    staging.write("same.html", b"same", Some(1)).unwrap();
    staging.write("changed.html", b"before", None).unwrap();
    let (manifest, _) = staging.commit(&Scope::Everything).unwrap();
    let inode = |p: &str| fs::metadata(out.join(p)).unwrap().ino();
    let (same, changed, record) = (inode("same.html"), inode("changed.html"), inode(MARKER));

    let text = manifest.to_text(7);
    assert_eq!(Manifest::parse(&text, 7).unwrap(), manifest);
    let staging = self::staging(&out, Some(Manifest::parse(&text, 7).unwrap()));
    assert!(staging.reuse("same.html", 1));
    assert!(!staging.reuse("changed.html", 1), "no key recorded");
    staging.write("changed.html", b"after", None).unwrap();
    // Their change times say they are the files the build made: not read back.
    assert_eq!(staging.stats.verified.load(Ordering::Relaxed), 0);
    let (manifest, _) = staging.commit(&Scope::Everything).unwrap();
    assert_eq!(inode("same.html"), same, "reused file is the same file");
    assert_ne!(inode("changed.html"), changed);
    assert_eq!(
        inode(MARKER),
        record,
        "an unchanged record is kept as it was"
    );
    assert_eq!(
        fs::read_to_string(out.join("changed.html")).unwrap(),
        "after"
    );
    assert_eq!(manifest.entries["same.html"].key, Some(1));

    // A manifest from another generator keeps hashes but drops keys.
    let stale = Manifest::parse(&manifest.to_text(7), 8).unwrap();
    assert_eq!(stale.entries["same.html"].key, None);
    assert!(Manifest::parse("garbage", 7).is_err());
    assert!(Manifest::parse(&format!("{MANIFEST_HEADER} 7\nzz\t1\n"), 7).is_err());
}

#[test]
fn without_change_times_the_previous_files_are_read_back() {
    let (_tmp, out) = setup();
    let staging = staging(&out, None);
    staging.write("page.html", b"generated", Some(5)).unwrap();
    staging.write("data.csv", b"a,b,c", None).unwrap();
    let (manifest, _) = staging.commit(&Scope::Everything).unwrap();
    assert!(manifest.entries.values().all(|e| e.changed.is_some()));
    // A manifest of format 1 (or from a system without change times).
    let old_format: String = manifest
        .to_text(7)
        .lines()
        .enumerate()
        .map(|(i, line)| {
            if i == 0 {
                "outreach-manifest 1 7\n".to_string()
            } else {
                let mut parts: Vec<&str> = line.split('\t').collect();
                parts.remove(3);
                parts.join("\t") + "\n"
            }
        })
        .collect();
    let parsed = Manifest::parse(&old_format, 7).unwrap();
    assert!(parsed.entries.values().all(|e| e.changed.is_none()));

    let staging = self::staging(&out, Some(parsed.clone()));
    assert!(staging.reuse("page.html", 5));
    staging.write("data.csv", b"a,b,c", None).unwrap();
    assert_eq!(staging.stats.verified.load(Ordering::Relaxed), 2);
    assert_eq!(staging.stats.unchanged.load(Ordering::Relaxed), 1);
    drop(staging);

    fs::write(out.join("data.csv"), b"x,y,z").unwrap();
    let mtime = manifest.entries["data.csv"].mtime;
    let at = SystemTime::UNIX_EPOCH + std::time::Duration::from_nanos(mtime as u64);
    fs::File::options()
        .write(true)
        .open(out.join("data.csv"))
        .unwrap()
        .set_modified(at)
        .unwrap();
    let staging = self::staging(&out, Some(parsed));
    staging.write("data.csv", b"a,b,c", None).unwrap();
    assert_eq!(
        staging.stats.written.load(Ordering::Relaxed),
        1,
        "read back: edited"
    );
}

#[test]
fn a_hand_edited_output_file_is_not_trusted_even_with_its_size_and_mtime() {
    let (_tmp, out) = setup();
    let staging = staging(&out, None);
    staging.write("page.html", b"generated", Some(5)).unwrap();
    staging.write("data.csv", b"a,b,c", None).unwrap();
    let (manifest, _) = staging.commit(&Scope::Everything).unwrap();

    // The same length, the mtime put back (as `touch -r` or a coarse clock
    // does): only reading the bytes notices.
    for (rel, edit) in [("page.html", "GENERATED"), ("data.csv", "x,y,z")] {
        let path = out.join(rel);
        let mtime = fs::metadata(&path).unwrap().modified().unwrap();
        fs::write(&path, edit).unwrap();
        fs::File::options()
            .write(true)
            .open(&path)
            .unwrap()
            .set_modified(mtime)
            .unwrap();
        assert_eq!(fs::metadata(&path).unwrap().modified().unwrap(), mtime);
    }
    let staging = self::staging(&out, Some(manifest));
    assert!(!staging.reuse("page.html", 5));
    staging.write("data.csv", b"a,b,c", None).unwrap();
    assert_eq!(staging.stats.unchanged.load(Ordering::Relaxed), 0);
    assert_eq!(staging.stats.written.load(Ordering::Relaxed), 1);
    staging.write("page.html", b"generated", Some(5)).unwrap();
    staging.commit(&Scope::Everything).unwrap();
    assert_eq!(fs::read_to_string(out.join("data.csv")).unwrap(), "a,b,c");
    assert_eq!(
        fs::read_to_string(out.join("page.html")).unwrap(),
        "generated"
    );
}

#[test]
fn folders_that_are_not_ours_are_refused_before_anything_is_written() {
    let (tmp, out) = setup();
    let project = tmp.path().join("project");
    for dir in ["content/guides", "data", "themes/default"] {
        fs::create_dir_all(project.join(dir)).unwrap();
    }
    fs::write(project.join("config.yaml"), "title: x\n").unwrap();
    let user = tmp.path().join("council-docs");
    fs::create_dir_all(&user).unwrap();
    fs::write(user.join("memo.txt"), "memo").unwrap();
    let file = tmp.path().join("README.md");
    fs::write(&file, "readme").unwrap();

    let refused = |dir: &Path, kind: FolderKind| match Target::check(dir, kind, Some(&project)) {
        Err(OutputError::Refused { reason, hint, .. }) => format!("{reason} / {hint}"),
        Err(e) => panic!("{}: {e}", dir.display()),
        Ok(_) => panic!("{} accepted", dir.display()),
    };
    assert!(refused(&user, FolderKind::Sites).contains("outreach が作ったフォルダではありません"));
    assert!(refused(&file, FolderKind::Sites).contains("ファイル"));
    assert!(refused(&project, FolderKind::Sites).contains("プロジェクトのフォルダそのもの"));
    assert!(refused(tmp.path(), FolderKind::Sites).contains("含んでいます"));
    assert!(refused(&project.join("content"), FolderKind::Sites).contains("content/"));
    assert!(refused(&project.join("content/guides/new"), FolderKind::Sites).contains("content/"));
    assert!(refused(&project.join("data"), FolderKind::Sites).contains("data/"));
    assert!(refused(&project.join("themes"), FolderKind::Sites).contains("themes/"));
    assert!(refused(&project.join("content/../data/x"), FolderKind::Sites).contains("data/"));
    // A link to a folder of the project is the project's folder.
    std::os::unix::fs::symlink(project.join("content"), tmp.path().join("link")).unwrap();
    assert!(refused(&tmp.path().join("link"), FolderKind::Sites).contains("content/"));
    assert_eq!(fs::read_to_string(user.join("memo.txt")).unwrap(), "memo");
    assert_eq!(fs::read_to_string(&file).unwrap(), "readme");

    // New, empty and our own folders are fine; so is a folder in the project.
    assert!(Target::check(&out, FolderKind::Sites, Some(&project)).is_ok());
    assert!(Target::check(&project.join("public"), FolderKind::Sites, Some(&project)).is_ok());
    fs::create_dir(&out).unwrap();
    let empty = Target::check(&out, FolderKind::Sites, Some(&project)).unwrap();
    assert_eq!(empty.record, Some(Record::new(FolderKind::Sites)));
    build(&out, &[("index.html", "x")], &Scope::Everything);
    assert!(Target::check(&out, FolderKind::Sites, Some(&project)).is_ok());

    // A build output is not a bench folder, and the other way round.
    assert!(refused(&out, FolderKind::Bench).contains("サイトの出力フォルダ"));
    let bench = tmp.path().join("bench");
    reset_bench_folder(&bench).unwrap();
    assert!(refused(&bench, FolderKind::Sites).contains("bench の作業用フォルダ"));

    // A broken or newer record is not trusted.
    fs::write(out.join(MARKER), "outreach-output 9 sites\n\n").unwrap();
    assert!(refused(&out, FolderKind::Sites).contains("新しい版"));
    fs::write(out.join(MARKER), "scribbled over\n").unwrap();
    assert!(refused(&out, FolderKind::Sites).contains("壊れています"));
}

#[test]
fn a_read_only_output_is_refused() {
    let (_tmp, out) = setup();
    build(&out, &[("index.html", "x")], &Scope::Everything);
    fs::set_permissions(&out, fs::Permissions::from_mode(0o555)).unwrap();
    let result = Target::check(&out, FolderKind::Sites, None);
    fs::set_permissions(&out, fs::Permissions::from_mode(0o755)).unwrap();
    match result {
        Err(OutputError::Refused { reason, .. }) => assert!(reason.contains("読み取り専用")),
        other => panic!("{other:?}"),
    }
}

#[test]
fn files_the_generator_did_not_make_survive_every_build() {
    let (_tmp, out) = setup();
    build(
        &out,
        &[
            ("index.html", "1"),
            ("guides/a.html", "1"),
            ("guides/old.html", "1"),
        ],
        &Scope::Everything,
    );
    fs::write(out.join(".htaccess"), "Options -Indexes").unwrap();
    fs::write(
        out.join("google0123456789.html"),
        "google-site-verification",
    )
    .unwrap();
    fs::create_dir_all(out.join("council/reports")).unwrap();
    fs::write(out.join("council/reports/2025.pdf"), "%PDF").unwrap();
    fs::create_dir(out.join("uploads")).unwrap();
    fs::set_permissions(out.join("council"), fs::Permissions::from_mode(0o750)).unwrap();
    fs::write(out.join("guides/notes.txt"), "mine").unwrap();
    std::os::unix::fs::symlink("../shared", out.join("shared-link")).unwrap();
    // On Unix a backslash is part of a name: not the generator's guides/a.html.
    fs::write(out.join("guides\\a.html"), "mine too").unwrap();
    let inode = |p: &str| fs::symlink_metadata(out.join(p)).unwrap().ino();
    let before = [".htaccess", "council/reports/2025.pdf", "guides/notes.txt"].map(inode);

    // guides/old.html is no longer made: removed; the others are rewritten.
    let staging = staging(&out, None);
    staging.write("index.html", b"2", None).unwrap();
    staging.write("guides/a.html", b"2", None).unwrap();
    let (_, carried) = staging.commit(&Scope::Everything).unwrap();
    assert_eq!((carried.foreign, carried.other_sites), (6, 0));
    assert_eq!(
        fs::read_to_string(out.join("guides\\a.html")).unwrap(),
        "mine too"
    );
    assert_eq!(fs::read_to_string(out.join("index.html")).unwrap(), "2");
    assert!(!out.join("guides/old.html").exists());
    assert_eq!(
        [".htaccess", "council/reports/2025.pdf", "guides/notes.txt"].map(inode),
        before,
        "the very same files"
    );
    assert!(out.join("google0123456789.html").is_file());
    assert!(out.join("uploads").is_dir());
    assert_eq!(
        fs::metadata(out.join("council"))
            .unwrap()
            .permissions()
            .mode()
            & 0o777,
        0o750
    );
    assert_eq!(
        fs::read_link(out.join("shared-link")).unwrap(),
        Path::new("../shared")
    );
    let record = record_of(&out);
    assert_eq!(
        record.files.iter().collect::<Vec<_>>(),
        vec!["guides/a.html", "index.html"],
        "only the generator's files are in its record"
    );
}

#[test]
fn a_partial_build_keeps_the_other_sites() {
    let (_tmp, out) = setup();
    let all: HashSet<String> = ["", "m/221007", "m/221309"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    let files = [
        ("index.html", "nation 1"),
        ("m/221007/index.html", "shizuoka 1"),
        ("m/221007/old.html", "shizuoka 1"),
        ("m/221309/index.html", "hamamatsu 1"),
    ];
    let manifest = build(&out, &files, &Scope::Everything);
    fs::write(out.join("m/221007/.htaccess"), "council").unwrap();
    let hamamatsu = fs::metadata(out.join("m/221309/index.html")).unwrap().ino();

    let staging = staging(&out, Some(manifest));
    staging
        .write("m/221007/index.html", b"shizuoka 2", None)
        .unwrap();
    let scope = Scope::Sites {
        all,
        selected: HashSet::from(["m/221007".to_string()]),
    };
    let (manifest, carried) = staging.commit(&scope).unwrap();
    assert_eq!((carried.other_sites, carried.foreign), (2, 1));
    assert_eq!(
        fs::read_to_string(out.join("m/221007/index.html")).unwrap(),
        "shizuoka 2"
    );
    assert!(!out.join("m/221007/old.html").exists());
    assert_eq!(
        fs::read_to_string(out.join("index.html")).unwrap(),
        "nation 1"
    );
    assert_eq!(
        fs::metadata(out.join("m/221309/index.html")).unwrap().ino(),
        hamamatsu
    );
    assert!(out.join("m/221007/.htaccess").exists());
    // The kept sites stay in the record and in the manifest.
    let record = record_of(&out);
    assert!(record.files.contains("m/221309/index.html"));
    assert!(!record.files.contains("m/221007/.htaccess"));
    assert!(manifest.entries.contains_key("m/221309/index.html"));
}

#[test]
fn a_file_of_the_user_in_the_way_stops_the_build_and_stays() {
    let (_tmp, out) = setup();
    build(&out, &[("index.html", "1")], &Scope::Everything);
    fs::write(out.join("robots.txt"), "the council's own").unwrap();
    let staging = staging(&out, None);
    staging.write("index.html", b"2", None).unwrap();
    staging.write("robots.txt", b"generated", None).unwrap();
    match staging.commit(&Scope::Everything) {
        Err(OutputError::Foreign { path }) => assert!(path.ends_with("robots.txt")),
        other => panic!("{other:?}"),
    }
    assert_eq!(
        fs::read_to_string(out.join("robots.txt")).unwrap(),
        "the council's own"
    );
    assert_eq!(fs::read_to_string(out.join("index.html")).unwrap(), "1");
    assert_eq!(names(out.parent().unwrap()), vec!["public"]);

    // Exactly the bytes the build makes there: nothing to lose, taken over.
    fs::write(out.join("robots.txt"), "generated").unwrap();
    let staging = self::staging(&out, None);
    staging.write("index.html", b"2", None).unwrap();
    staging.write("robots.txt", b"generated", None).unwrap();
    staging.commit(&Scope::Everything).unwrap();
    assert!(record_of(&out).files.contains("robots.txt"));
}

#[test]
fn a_linked_output_is_updated_through_the_link_and_stays_a_link() {
    let (tmp, out) = setup();
    let webroot = tmp.path().join("www/careplan");
    fs::create_dir_all(&webroot).unwrap();
    std::os::unix::fs::symlink(&webroot, &out).unwrap();
    build(&out, &[("index.html", "1")], &Scope::Everything);
    build(&out, &[("index.html", "2")], &Scope::Everything);
    assert!(fs::symlink_metadata(&out).unwrap().file_type().is_symlink());
    assert_eq!(fs::read_link(&out).unwrap(), webroot);
    assert_eq!(fs::read_to_string(webroot.join("index.html")).unwrap(), "2");
    assert_eq!(names(tmp.path()), vec!["public", "www"]);
    assert_eq!(names(&tmp.path().join("www")), vec!["careplan"]);

    // A link whose folder does not exist yet: the folder is made there.
    let dangling = tmp.path().join("dangling");
    std::os::unix::fs::symlink("www/new-site", &dangling).unwrap();
    build(&dangling, &[("index.html", "3")], &Scope::Everything);
    assert!(
        fs::symlink_metadata(&dangling)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert_eq!(
        fs::read_to_string(tmp.path().join("www/new-site/index.html")).unwrap(),
        "3"
    );
}

#[test]
fn the_output_is_never_missing_during_swaps() {
    let (_tmp, out) = setup();
    build(&out, &[("index.html", "0")], &Scope::Everything);
    let done = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let watcher = {
        let (done, index) = (done.clone(), out.join("index.html"));
        std::thread::spawn(move || {
            let mut checks = 0u64;
            while !done.load(Ordering::Relaxed) {
                assert!(
                    index.exists(),
                    "the output was missing after {checks} checks"
                );
                checks += 1;
            }
            checks
        })
    };
    for i in 1..=30 {
        build(&out, &[("index.html", &i.to_string())], &Scope::Everything);
    }
    done.store(true, Ordering::Relaxed);
    assert!(watcher.join().unwrap() > 0);
    assert_eq!(fs::read_to_string(out.join("index.html")).unwrap(), "30");
}

#[test]
fn the_two_rename_swap_also_works_and_an_interruption_is_put_back() {
    let (tmp, out) = setup();
    build(&out, &[("index.html", "1")], &Scope::Everything);
    let staging = staging(&out, None);
    staging.write("index.html", b"2", None).unwrap();
    staging
        .commit_with(&Scope::Everything, swap_by_renames)
        .unwrap();
    assert_eq!(fs::read_to_string(out.join("index.html")).unwrap(), "2");
    assert_eq!(names(tmp.path()), vec!["public"]);

    // A kill between the two renames: the output stepped aside and the
    // process is gone. The next build puts it back before anything else.
    let aside = tmp.path().join(previous_name("public", dead_pid()));
    fs::rename(&out, &aside).unwrap();
    let target = Target::check(&out, FolderKind::Sites, None).unwrap();
    assert!(target.record.is_some());
    assert_eq!(fs::read_to_string(out.join("index.html")).unwrap(), "2");
    assert_eq!(names(tmp.path()), vec!["public"]);
}

#[test]
fn leftovers_of_finished_builds_are_removed_and_running_ones_kept() {
    let (tmp, out) = setup();
    build(&out, &[("index.html", "1")], &Scope::Everything);
    let leftover = |name: &str| {
        let dir = tmp.path().join(name);
        fs::create_dir_all(dir.join("m/221007")).unwrap();
        fs::write(dir.join("m/221007/index.html"), "partial").unwrap();
        fs::write(dir.join(MARKER), Record::new(FolderKind::Sites).to_text()).unwrap();
        dir
    };
    let killed = leftover(&staging_name("public", dead_pid()));
    let running = leftover(&staging_name("public", 4_000_001));
    let lock = fs::File::open(&running).unwrap();
    lock.try_lock().unwrap();
    let aside = leftover(&previous_name("public", dead_pid()));
    // An earlier version's staging folder has no record: named, never removed.
    let legacy = tmp.path().join(".public.building-12345");
    fs::create_dir(&legacy).unwrap();
    fs::write(legacy.join("index.html"), "?").unwrap();
    // Not ours at all.
    let other = tmp.path().join(".other.building-1");
    fs::create_dir(&other).unwrap();

    let staging = staging(&out, None);
    assert!(!killed.exists());
    assert!(!aside.exists());
    assert!(running.exists(), "a build that still runs keeps its folder");
    assert!(other.exists());
    assert_eq!(staging.kept_leftovers, vec![legacy.clone()]);
    drop(staging);
    drop(lock);
    let _ = self::staging(&out, None);
    assert!(!running.exists(), "its lock is gone: it is a leftover now");
    assert!(legacy.exists());
    assert_eq!(fs::read_to_string(out.join("index.html")).unwrap(), "1");
}

#[test]
fn merge_takes_only_outputs_and_refuses_a_folder_that_is_not_ours() {
    let (tmp, out) = setup();
    let a = tmp.path().join("a");
    let b = tmp.path().join("b");
    build(
        &a,
        &[("index.html", "n"), ("m/1/index.html", "1")],
        &Scope::Everything,
    );
    build(
        &b,
        &[("index.html", "n"), ("m/2/index.html", "2")],
        &Scope::Everything,
    );
    assert_eq!(merge(&[a.clone(), b.clone()], &out).unwrap(), 3);
    assert_eq!(
        record_of(&out).files.into_iter().collect::<Vec<_>>(),
        vec!["index.html", "m/1/index.html", "m/2/index.html"]
    );

    let user = tmp.path().join("user");
    fs::create_dir(&user).unwrap();
    fs::write(user.join("memo.txt"), "memo").unwrap();
    assert!(matches!(
        merge(&[a.clone(), b.clone()], &user),
        Err(MergeError::Output(OutputError::Refused { .. }))
    ));
    assert!(matches!(
        merge(&[a.clone(), user.clone()], &out),
        Err(MergeError::NotAnOutput { .. })
    ));
    assert!(matches!(
        merge(&[a.clone(), b.clone()], &a.join("inside")),
        Err(MergeError::Output(OutputError::Refused { .. }))
    ));
    assert_eq!(names(&user), vec!["memo.txt"]);
}
