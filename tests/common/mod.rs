//! Helpers for the fixture-project tests: copy a fixture into a temp dir,
//! build it, and read back what was written.

#![allow(dead_code)]

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use outreach::build::{BuildError, BuildOptions, BuildReport, Selection, build};

pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn copy_dir(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.unwrap();
        let target = to.join(entry.path().strip_prefix(from).unwrap());
        if entry.file_type().is_dir() {
            fs::create_dir_all(&target).unwrap();
        } else {
            fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// A fixture project copied into a fresh temp dir, with the repository's
/// default theme unless the fixture brings its own.
pub struct Fixture {
    pub dir: tempfile::TempDir,
}

impl Fixture {
    pub fn new(name: &str) -> Fixture {
        let dir = tempfile::tempdir().unwrap();
        let project = dir.path().join("project");
        copy_dir(&repo_root().join("tests/fixtures").join(name), &project);
        if !project.join("themes").exists() {
            copy_dir(&repo_root().join("themes"), &project.join("themes"));
        }
        Fixture { dir }
    }

    pub fn project(&self) -> PathBuf {
        self.dir.path().join("project")
    }

    pub fn out(&self) -> PathBuf {
        self.dir.path().join("public")
    }

    pub fn write(&self, rel: &str, text: &str) {
        let path = self.project().join(rel);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, text).unwrap();
    }

    pub fn options(&self, out: &Path) -> BuildOptions {
        BuildOptions {
            project: self.project(),
            out: out.to_path_buf(),
            selection: Selection::default(),
            build_date: "2026-11-29".parse().unwrap(),
            progress: false,
            // Poster output is checked in tests/posters.rs; most tests skip it for speed.
            posters: false,
            ogp_images: true,
            print_marks: None,
        }
    }

    pub fn build(&self) -> Result<BuildReport, BuildError> {
        build(&self.options(&self.out()))
    }

    pub fn build_ok(&self) -> BuildReport {
        match self.build() {
            Ok(r) => r,
            Err(BuildError::Problems(p)) => panic!("build failed: {:#?}", p.sorted()),
            Err(e) => panic!("build failed: {e}"),
        }
    }

    pub fn read(&self, rel: &str) -> String {
        fs::read_to_string(self.out().join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
    }
}

/// Every file under `dir`, by relative path, with its bytes.
pub fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            (
                e.path()
                    .strip_prefix(dir)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/"),
                fs::read(e.path()).unwrap(),
            )
        })
        .collect()
}

/// `href` and `src` values in an HTML document.
pub fn links(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    for attr in ["href=\"", "src=\""] {
        let mut rest = html;
        while let Some(i) = rest.find(attr) {
            rest = &rest[i + attr.len()..];
            let end = rest.find('"').unwrap();
            out.push(rest[..end].replace("&amp;", "&"));
            rest = &rest[end..];
        }
    }
    out
}
