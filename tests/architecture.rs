//! The dependency direction of `src/`, as the crate docs state it: the table
//! in `src/lib.rs` lists the modules in rows, in the order data flows (base,
//! load, model, render, write, commands), and a module may use only modules in
//! rows above its own. This test reads that table and every `crate::` path in
//! the library's code (test code aside), and names each path that points down
//! or sideways, with its file and line.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Module name → row of the table (0 = first).
fn rows(lib: &str) -> BTreeMap<String, usize> {
    let mut rows = BTreeMap::new();
    let table = lib
        .lines()
        .filter_map(|l| l.strip_prefix("//! | "))
        .filter(|l| !l.starts_with("stage") && !l.starts_with("---"));
    for (row, line) in table.enumerate() {
        let modules = line.split(" | ").nth(1).unwrap_or_default();
        for name in modules.split(", ") {
            let name = name.trim_matches(|c| c == '[' || c == ']' || c == '`');
            assert!(
                !name.is_empty() && name.chars().all(|c| c.is_ascii_lowercase() || c == '_'),
                "a module name in the table of src/lib.rs: {line}"
            );
            assert!(
                rows.insert(name.to_string(), row).is_none(),
                "{name} is in two rows of the table in src/lib.rs"
            );
        }
    }
    rows
}

/// The library's modules as `src/lib.rs` declares them, and those declared
/// for tests only (`#[cfg(test)] mod fuzz;`).
fn declared(lib: &str) -> (Vec<String>, Vec<String>) {
    let mut modules = Vec::new();
    let mut test_only = Vec::new();
    let mut cfg_test = false;
    for line in lib.lines().map(str::trim) {
        if line == "#[cfg(test)]" {
            cfg_test = true;
            continue;
        }
        let name = line
            .strip_prefix("pub mod ")
            .or_else(|| line.strip_prefix("mod "))
            .and_then(|rest| rest.strip_suffix(';'));
        if let Some(name) = name {
            if cfg_test {
                test_only.push(name.to_string());
            } else {
                modules.push(name.to_string());
            }
        }
        cfg_test = false;
    }
    (modules, test_only)
}

/// A `crate::` path that breaks the direction.
#[derive(Debug, PartialEq)]
struct Upward {
    file: String,
    line: usize,
    from: String,
    to: String,
}

/// The library code of one file, test modules left out: `(line number, text)`
/// of every line outside `#[cfg(test)] mod … { … }` blocks and comments.
fn code_lines(text: &str) -> Vec<(usize, &str)> {
    let lines: Vec<&str> = text.lines().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i];
        if line.trim() == "#[cfg(test)]"
            && let Some(next) = lines.get(i + 1)
            && next.trim_start().starts_with("mod ")
            && next.trim_end().ends_with('{')
        {
            // Skip to the brace that closes the module, at its indentation.
            let indent = &next[..next.len() - next.trim_start().len()];
            let close = format!("{indent}}}");
            i += 2;
            while i < lines.len() && lines[i].trim_end() != close {
                i += 1;
            }
            i += 1;
            continue;
        }
        if !line.trim_start().starts_with("//") {
            out.push((i + 1, line));
        }
        i += 1;
    }
    out
}

/// Every `crate::<module>` in `text` (a file of module `from`) that names a
/// module not in a row above `from`'s.
fn upward(file: &str, from: &str, text: &str, rows: &BTreeMap<String, usize>) -> Vec<Upward> {
    let mut found = Vec::new();
    let own = rows[from];
    for (number, line) in code_lines(text) {
        for (at, _) in line.match_indices("crate::") {
            // `outreach::crate::` does not exist; `$crate::` is a macro's own path.
            if line[..at].ends_with('$') {
                continue;
            }
            let to: String = line[at + "crate::".len()..]
                .chars()
                .take_while(|c| c.is_ascii_lowercase() || *c == '_' || c.is_ascii_digit())
                .collect();
            if to == from {
                continue;
            }
            let ok = rows.get(&to).is_some_and(|&row| row < own);
            if !ok {
                found.push(Upward {
                    file: file.to_string(),
                    line: number,
                    from: from.to_string(),
                    to,
                });
            }
        }
    }
    found
}

/// Files of the library, with the top-level module each belongs to; files of
/// test-only modules (`#[cfg(test)] mod tests;` → `tests.rs`) left out.
fn library_files(src: &Path, test_only: &[String]) -> Vec<(PathBuf, String)> {
    let mut files = Vec::new();
    let mut stack = vec![src.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                files.push(path);
            }
        }
    }
    files.sort();
    // Files declared by `#[cfg(test)] mod name;` in their parent.
    let mut test_files = Vec::new();
    for path in &files {
        let text = std::fs::read_to_string(path).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        let stem = path.file_stem().unwrap().to_string_lossy();
        let dir = if stem == "mod" || stem == "lib" {
            path.parent().unwrap().to_path_buf()
        } else {
            path.with_extension("")
        };
        for pair in lines.windows(2) {
            if pair[0].trim() == "#[cfg(test)]"
                && let Some(name) = pair[1]
                    .trim()
                    .strip_prefix("mod ")
                    .and_then(|r| r.strip_suffix(';'))
            {
                test_files.push(dir.join(format!("{name}.rs")));
                test_files.push(dir.join(name).join("mod.rs"));
            }
        }
    }
    files
        .into_iter()
        .filter(|p| !test_files.contains(p))
        .filter_map(|path| {
            let rel = path.strip_prefix(src).unwrap();
            let first = rel.components().next()?.as_os_str().to_string_lossy();
            let module = first.strip_suffix(".rs").unwrap_or(&first).to_string();
            if module == "lib" || module == "main" || test_only.contains(&module) {
                return None;
            }
            Some((path, module))
        })
        .collect()
}

#[test]
fn every_module_uses_only_modules_in_rows_above_its_own() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let lib = std::fs::read_to_string(src.join("lib.rs")).unwrap();
    let rows = rows(&lib);
    let (modules, test_only) = declared(&lib);
    let mut in_table: Vec<&String> = rows.keys().collect();
    in_table.sort();
    let mut sorted = modules.iter().collect::<Vec<_>>();
    sorted.sort();
    assert_eq!(
        in_table, sorted,
        "the table in src/lib.rs lists exactly the modules lib.rs declares"
    );
    let files = library_files(&src, &test_only);
    assert!(
        files.len() > 60,
        "the library's files were found ({})",
        files.len()
    );
    let mut paths = 0;
    let mut found = Vec::new();
    for (path, module) in &files {
        let text = std::fs::read_to_string(path).unwrap();
        paths += text.matches("crate::").count();
        let rel = path.strip_prefix(&src).unwrap().display().to_string();
        found.extend(upward(&format!("src/{rel}"), module, &text, &rows));
    }
    assert!(
        paths > 300,
        "the library's crate:: paths were read ({paths})"
    );
    let report: Vec<String> = found
        .iter()
        .map(|u| {
            format!(
                "{}:{}: {} uses {} (row {:?}), not above its own row {}",
                u.file,
                u.line,
                u.from,
                u.to,
                rows.get(&u.to),
                rows[&u.from]
            )
        })
        .collect();
    assert!(
        report.is_empty(),
        "modules that use a module below or beside their own row in src/lib.rs:\n{}",
        report.join("\n")
    );
}

#[test]
fn a_path_down_or_sideways_is_found_and_test_code_and_comments_are_not() {
    let rows: BTreeMap<String, usize> =
        [("problems", 0), ("config", 1), ("data", 1), ("render", 2)]
            .into_iter()
            .map(|(m, r)| (m.to_string(), r))
            .collect();
    let text = "use crate::problems::Code;
use crate::render::Sink;
/// See [`crate::render`].
fn f() -> crate::data::Thing { crate::config::x() }

#[cfg(test)]
mod tests {
    use crate::render::Renderer;
    fn g() {
        if true {
        }
    }
}

fn h() { crate::nothing::here() }
";
    let found = upward("src/config.rs", "config", text, &rows);
    let lines: Vec<(usize, &str)> = found.iter().map(|u| (u.line, u.to.as_str())).collect();
    assert_eq!(lines, vec![(2, "render"), (4, "data"), (15, "nothing")]);
}
