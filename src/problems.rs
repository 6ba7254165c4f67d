//! Problems found while loading a project: every loader pushes into one
//! [`Problems`] collector so that a single run reports everything at once.

use std::fmt;
use std::path::{Path, PathBuf};

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

/// Collects problems from every loader. Output is sorted so runs are stable.
#[derive(Debug, Default)]
pub struct Problems {
    items: Vec<Problem>,
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
        self.items.push(Problem {
            file: file.to_path_buf(),
            line,
            column,
            severity,
            message: message.into(),
            hint: hint.into(),
        });
    }

    pub fn extend(&mut self, other: Problems) {
        self.items.extend(other.items);
    }

    pub fn has_errors(&self) -> bool {
        self.items.iter().any(|p| p.severity == Severity::Error)
    }

    pub fn error_count(&self) -> usize {
        self.items
            .iter()
            .filter(|p| p.severity == Severity::Error)
            .count()
    }

    pub fn warning_count(&self) -> usize {
        self.items.len() - self.error_count()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// All problems, sorted by file, line, column.
    pub fn sorted(&self) -> Vec<Problem> {
        let mut items = self.items.clone();
        items.sort();
        items.dedup();
        items
    }
}
