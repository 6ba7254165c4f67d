//! Problems found while loading a project: every loader pushes into one
//! [`Problems`] collector so that a single run reports everything at once.
//!
//! The collector is bounded, so that a hostile or broken input cannot make a
//! run print (or hold) millions of lines:
//!
//! - at most [`MAX_PER_FILE`] problems are kept per file: the first ones by
//!   line, column, severity and text, whatever order they were found in. The
//!   rest are counted, and [`Problems::sorted`] ends that file's list with one
//!   summary problem (「ほか N 件…」) giving the total and how many are errors;
//!   [`Problems::error_count`] and [`Problems::warning_count`] count every
//!   problem, kept or not. `check --format json` prints the same list, so it is
//!   complete in its counts and bounded in size the same way.
//! - every value quoted in a message (「…」) is cut to [`MAX_VALUE_CHARS`]
//!   characters plus 「…」, and a message or hint as a whole to
//!   [`MAX_TEXT_CHARS`]; control characters are shown as `[U+0008]` (line
//!   breaks and tabs as spaces), so a message is one line and cannot drive the
//!   terminal.

use std::collections::{BTreeMap, BinaryHeap};
use std::fmt;
use std::path::{Path, PathBuf};

/// How many problems of one file are kept and printed.
pub const MAX_PER_FILE: usize = 50;
/// How many characters of a quoted value (「…」) a message shows.
pub const MAX_VALUE_CHARS: usize = 80;
/// How many characters a message or a hint may have in all.
pub const MAX_TEXT_CHARS: usize = 1_000;

/// How bad a problem is: errors stop the build, warnings are printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

/// One problem, located in a file (line and column are 1-based; 0 = unknown).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
pub struct Problem {
    pub file: PathBuf,
    pub line: usize,
    pub column: usize,
    pub severity: Severity,
    /// What is wrong, in Japanese, naming the offending value.
    pub message: String,
    /// What the editor should do about it, in Japanese.
    pub hint: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = match self.severity {
            Severity::Error => "エラー",
            Severity::Warning => "警告",
        };
        write!(f, "{}", self.file.display())?;
        if self.line > 0 {
            write!(f, ":{}", self.line)?;
            if self.column > 0 {
                write!(f, ":{}", self.column)?;
            }
        }
        write!(f, ": {kind}: {}", self.message)?;
        if !self.hint.is_empty() {
            write!(f, "（対処: {}）", self.hint)?;
        }
        Ok(())
    }
}

/// The problems of one file: the first [`MAX_PER_FILE`] kept, the rest counted.
#[derive(Debug, Default)]
struct FileProblems {
    /// A max-heap, so the last problem by position is the one to drop.
    kept: BinaryHeap<InFile>,
    omitted_errors: usize,
    omitted_warnings: usize,
}

/// A problem ordered within its file (all share the file, so it is not compared).
#[derive(Debug, PartialEq, Eq)]
struct InFile(Problem);

impl InFile {
    fn position(&self) -> (usize, usize, Severity) {
        (self.0.line, self.0.column, self.0.severity)
    }
}

impl Ord for InFile {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        (self.position(), &self.0.message, &self.0.hint).cmp(&(
            other.position(),
            &other.0.message,
            &other.0.hint,
        ))
    }
}

impl PartialOrd for InFile {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl FileProblems {
    fn omit(&mut self, severity: Severity) {
        match severity {
            Severity::Error => self.omitted_errors += 1,
            Severity::Warning => self.omitted_warnings += 1,
        }
    }

    fn omitted(&self) -> usize {
        self.omitted_errors + self.omitted_warnings
    }

    /// The closing line of a file whose list was cut.
    fn summary(&self, file: &Path) -> Option<Problem> {
        let omitted = self.omitted();
        if omitted == 0 {
            return None;
        }
        let total = self.kept.len() + omitted;
        Some(Problem {
            file: file.to_path_buf(),
            line: 0,
            column: 0,
            severity: if self.omitted_errors > 0 {
                Severity::Error
            } else {
                Severity::Warning
            },
            message: format!(
                "このファイルの問題は全部で {total} 件あり、ほか {omitted} 件（エラー {} 件、警告 {} 件）は表示を省略しました",
                self.omitted_errors, self.omitted_warnings
            ),
            hint: format!(
                "表示された {} 件を直してから、もう一度 check を実行してください",
                self.kept.len()
            ),
        })
    }
}

/// Collects problems from every loader. Output is sorted so runs are stable.
#[derive(Debug, Default)]
pub struct Problems {
    files: BTreeMap<PathBuf, FileProblems>,
    errors: usize,
    warnings: usize,
}

impl Problems {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn error(
        &mut self,
        file: &Path,
        line: usize,
        column: usize,
        message: impl Into<String>,
        hint: impl Into<String>,
    ) {
        self.push(file, line, column, Severity::Error, message, hint);
    }

    pub fn warning(
        &mut self,
        file: &Path,
        line: usize,
        column: usize,
        message: impl Into<String>,
        hint: impl Into<String>,
    ) {
        self.push(file, line, column, Severity::Warning, message, hint);
    }

    fn push(
        &mut self,
        file: &Path,
        line: usize,
        column: usize,
        severity: Severity,
        message: impl Into<String>,
        hint: impl Into<String>,
    ) {
        // A problem that comes after a full file's last kept one is only counted.
        if let Some(entry) = self.files.get_mut(file)
            && entry.kept.len() == MAX_PER_FILE
            && entry
                .kept
                .peek()
                .is_some_and(|last| (line, column, severity) > last.position())
        {
            entry.omit(severity);
            self.count(severity);
            return;
        }
        self.add(Problem {
            file: file.to_path_buf(),
            line,
            column,
            severity,
            message: clean(&message.into()),
            hint: clean(&hint.into()),
        });
    }

    fn count(&mut self, severity: Severity) {
        match severity {
            Severity::Error => self.errors += 1,
            Severity::Warning => self.warnings += 1,
        }
    }

    /// Keep `problem` if it is among the first [`MAX_PER_FILE`] of its file;
    /// count it either way. An exact repeat of a kept problem is dropped.
    fn add(&mut self, problem: Problem) {
        let entry = match self.files.get_mut(&problem.file) {
            Some(entry) => entry,
            None => self.files.entry(problem.file.clone()).or_default(),
        };
        if entry.kept.iter().any(|p| p.0 == problem) {
            return;
        }
        let severity = problem.severity;
        entry.kept.push(InFile(problem));
        if entry.kept.len() > MAX_PER_FILE {
            let dropped = entry.kept.pop().expect("more than the limit");
            entry.omit(dropped.0.severity);
        }
        self.count(severity);
    }

    pub fn extend(&mut self, other: Problems) {
        for (file, problems) in other.files {
            let (errors, warnings) = (problems.omitted_errors, problems.omitted_warnings);
            for problem in problems.kept {
                self.add(problem.0);
            }
            if errors + warnings > 0 {
                let entry = self.files.entry(file).or_default();
                entry.omitted_errors += errors;
                entry.omitted_warnings += warnings;
                self.errors += errors;
                self.warnings += warnings;
            }
        }
    }

    pub fn has_errors(&self) -> bool {
        self.errors > 0
    }

    /// Every error found, including those left out of [`Problems::sorted`].
    pub fn error_count(&self) -> usize {
        self.errors
    }

    /// Every warning found, including those left out of [`Problems::sorted`].
    pub fn warning_count(&self) -> usize {
        self.warnings
    }

    pub fn is_empty(&self) -> bool {
        self.errors + self.warnings == 0
    }

    /// The kept problems, by file, line and column; a file with more than
    /// [`MAX_PER_FILE`] problems ends with one summary problem.
    pub fn sorted(&self) -> Vec<Problem> {
        let mut out = Vec::new();
        for (file, problems) in &self.files {
            let mut kept: Vec<Problem> = problems.kept.iter().map(|p| p.0.clone()).collect();
            kept.sort();
            out.extend(kept);
            out.extend(problems.summary(file));
        }
        out
    }
}

/// A message or hint made safe to print on one line: control characters
/// shown, quoted values (「…」) and the whole text shortened.
fn clean(text: &str) -> String {
    let mut out = String::with_capacity(text.len().min(4 * MAX_TEXT_CHARS));
    let mut chars = 0usize;
    // How deep inside 「」 we are, and how many characters of the current
    // outermost quoted value have been seen.
    let mut depth = 0usize;
    let mut quoted = 0usize;
    let mut cut = false;
    for c in text.chars() {
        let inside = depth > 0;
        match c {
            '「' => depth += 1,
            '」' if inside => depth -= 1,
            _ => {}
        }
        if !inside && depth > 0 {
            quoted = 0;
        }
        if inside && depth > 0 {
            quoted += 1;
            if quoted > MAX_VALUE_CHARS {
                continue;
            }
        }
        if inside && depth == 0 && quoted > MAX_VALUE_CHARS {
            out.push('…');
            chars += 1;
        }
        if chars >= MAX_TEXT_CHARS {
            cut = true;
            break;
        }
        match c {
            '\n' | '\r' | '\t' => out.push(' '),
            c if c.is_control() || c == '\u{FFFE}' || c == '\u{FFFF}' => {
                use fmt::Write as _;
                let _ = write!(out, "[U+{:04X}]", u32::from(c));
                chars += "[U+0000]".len() - 1;
            }
            c => out.push(c),
        }
        chars += 1;
    }
    if cut || (depth > 0 && quoted > MAX_VALUE_CHARS) {
        out.push('…');
    }
    out
}

/// The one problem whose message contains every needle (for tests).
#[cfg(test)]
pub(crate) fn find_one<'a>(problems: &'a [Problem], needles: &[&str]) -> &'a Problem {
    let found: Vec<&Problem> = problems
        .iter()
        .filter(|p| needles.iter().all(|n| p.message.contains(n)))
        .collect();
    assert_eq!(found.len(), 1, "{needles:?} in {problems:#?}");
    found[0]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn path(name: &str) -> PathBuf {
        PathBuf::from(name)
    }

    #[test]
    fn a_million_problems_keep_fifty_per_file_and_count_all() {
        let mut problems = Problems::new();
        let started = std::time::Instant::now();
        // A million bad rows, found in line order as loaders find them.
        for line in 1..=1_000_000 {
            if line % 10 == 0 {
                problems.warning(&path("a.csv"), line, 1, format!("w{line}"), "");
            } else {
                problems.error(&path("a.csv"), line, 1, format!("e{line}"), "");
            }
        }
        problems.error(&path("b.csv"), 3, 0, "b", "");
        assert!(started.elapsed().as_secs() < 10, "{:?}", started.elapsed());
        assert_eq!(problems.error_count(), 900_001);
        assert_eq!(problems.warning_count(), 100_000);
        let sorted = problems.sorted();
        assert_eq!(sorted.len(), MAX_PER_FILE + 1 + 1);
        let lines: Vec<usize> = sorted[..MAX_PER_FILE].iter().map(|p| p.line).collect();
        assert_eq!(lines, (1..=MAX_PER_FILE).collect::<Vec<_>>());
        let summary = &sorted[MAX_PER_FILE];
        assert_eq!(summary.file, path("a.csv"));
        assert_eq!(summary.severity, Severity::Error);
        assert!(
            summary.message.contains("全部で 1000000 件")
                && summary.message.contains("ほか 999950 件")
                && summary.message.contains("エラー 899955 件")
                && summary.message.contains("警告 99995 件"),
            "{summary}"
        );
        assert_eq!(sorted[MAX_PER_FILE + 1].file, path("b.csv"));
        // What a terminal gets is small.
        let printed: usize = sorted.iter().map(|p| p.to_string().len() + 1).sum();
        assert!(printed < 10_000, "{printed} bytes");
    }

    #[test]
    fn the_first_fifty_by_line_are_kept_whatever_the_order_found() {
        let mut problems = Problems::new();
        for line in (1..=10_000).rev() {
            problems.error(&path("a.csv"), line, 0, "e", "");
        }
        let sorted = problems.sorted();
        let lines: Vec<usize> = sorted[..MAX_PER_FILE].iter().map(|p| p.line).collect();
        assert_eq!(lines, (1..=MAX_PER_FILE).collect::<Vec<_>>());
        assert!(sorted[MAX_PER_FILE].message.contains("ほか 9950 件"));
        assert_eq!(problems.error_count(), 10_000);
    }

    #[test]
    fn repeats_are_dropped_and_extend_keeps_the_bound() {
        let mut a = Problems::new();
        a.error(&path("x"), 1, 1, "same", "");
        a.error(&path("x"), 1, 1, "same", "");
        assert_eq!(a.error_count(), 1);
        let mut b = Problems::new();
        for line in 1..=60 {
            b.warning(&path("x"), line + 100, 0, "w", "");
        }
        a.extend(b);
        assert_eq!(a.warning_count(), 60);
        let sorted = a.sorted();
        assert_eq!(sorted.len(), MAX_PER_FILE + 1);
        assert_eq!(sorted[0].message, "same");
        assert!(sorted[MAX_PER_FILE].message.contains("ほか 11 件"));
        assert_eq!(sorted[MAX_PER_FILE].severity, Severity::Warning);
    }

    #[test]
    fn long_values_are_shortened_and_controls_shown() {
        let long = "あ".repeat(500_000);
        let mut problems = Problems::new();
        problems.error(
            &path("x"),
            1,
            1,
            format!("名称「{long}」が見つかりません"),
            format!("「{long}」"),
        );
        let p = &problems.sorted()[0];
        let expected = format!("名称「{}…」が見つかりません", "あ".repeat(MAX_VALUE_CHARS));
        assert_eq!(p.message, expected);
        assert_eq!(p.hint, format!("「{}…」", "あ".repeat(MAX_VALUE_CHARS)));
        assert_eq!(clean("a\u{8}b\nc\u{1b}[2J"), "a[U+0008]b c[U+001B][2J");
        // Shown control characters count as what they print.
        let controls = clean(&"\u{1}".repeat(5_000));
        assert!(
            controls.chars().count() <= MAX_TEXT_CHARS + 8,
            "{}",
            controls.len()
        );
        // Nested quotes count as one value; text outside quotes is capped as a whole.
        assert_eq!(clean("「a「b」c」"), "「a「b」c」");
        let unquoted = "x".repeat(5_000);
        let c = clean(&unquoted);
        assert_eq!(c.chars().count(), MAX_TEXT_CHARS + 1);
        assert!(c.ends_with('…'));
        // An unclosed quote is cut too.
        assert_eq!(
            clean(&format!("「{}", "y".repeat(100))),
            format!("「{}…", "y".repeat(MAX_VALUE_CHARS))
        );
    }
}
