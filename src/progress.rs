//! Progress of long runs (build, serve rebuilds, bench): a bar on a terminal
//! (indicatif), plain lines when standard error is not a terminal (CI logs,
//! a file), and nothing for short runs in tests.

use std::io::IsTerminal as _;
use std::sync::atomic::{AtomicU64, Ordering};

/// How progress is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Nothing (library callers, tests).
    Off,
    /// A bar redrawn in place: standard error is a terminal.
    Bar,
    /// One line at each tenth of the work: for logs.
    Lines,
}

impl Mode {
    /// A bar when standard error is a terminal, else plain lines.
    pub fn detect() -> Mode {
        if std::io::stderr().is_terminal() {
            Mode::Bar
        } else {
            Mode::Lines
        }
    }
}

/// Counts finished items of one kind of work; safe from many threads.
pub struct Progress {
    mode: Mode,
    bar: Option<indicatif::ProgressBar>,
    total: u64,
    done: AtomicU64,
    unit: &'static str,
}

/// Plain lines are printed only for runs at least this long (a partial build
/// of a few sites says nothing until its summary).
const LINES_FROM: u64 = 100;

impl Progress {
    /// Progress over `total` items counted in `unit` (e.g. `サイト`).
    pub fn new(mode: Mode, total: u64, unit: &'static str) -> Progress {
        let bar = (mode == Mode::Bar && total > 1).then(|| {
            let bar = indicatif::ProgressBar::with_draw_target(
                Some(total),
                indicatif::ProgressDrawTarget::stderr(),
            );
            let template =
                format!("  {{bar:30}} {{pos}} / {{len}} {unit}（{{elapsed}}、残り約 {{eta}}）");
            if let Ok(style) = indicatif::ProgressStyle::with_template(&template) {
                bar.set_style(style.progress_chars("█▌ "));
            }
            bar
        });
        Progress {
            mode,
            bar,
            total,
            done: AtomicU64::new(0),
            unit,
        }
    }

    /// One more item is finished.
    pub fn inc(&self) {
        let n = self.done.fetch_add(1, Ordering::Relaxed) + 1;
        match self.mode {
            Mode::Off => {}
            Mode::Bar => {
                if let Some(bar) = &self.bar {
                    bar.inc(1);
                }
            }
            Mode::Lines => {
                if let Some(line) = plain_line(n, self.total, self.unit) {
                    eprintln!("{line}");
                }
            }
        }
    }

    /// Remove the bar (the summary line follows in its place).
    pub fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        self.finish();
    }
}

/// The plain line for the `n`-th finished item of `total`, when one is due:
/// at each tenth of a run of at least [`LINES_FROM`] items.
fn plain_line(n: u64, total: u64, unit: &str) -> Option<String> {
    if total < LINES_FROM {
        return None;
    }
    let step = total / 10;
    (n.is_multiple_of(step) || n == total).then(|| format!("  {n} / {total} {unit}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_lines_come_at_each_tenth_and_at_the_end() {
        let lines: Vec<String> = (1..=1789)
            .filter_map(|n| plain_line(n, 1789, "サイト"))
            .collect();
        assert_eq!(lines.len(), 11, "{lines:?}");
        assert_eq!(lines[0], "  178 / 1789 サイト");
        assert_eq!(lines.last().unwrap(), "  1789 / 1789 サイト");
        // A short run prints nothing until its summary.
        assert!((1..=12).all(|n| plain_line(n, 12, "サイト").is_none()));
    }

    #[test]
    fn off_counts_without_printing() {
        let progress = Progress::new(Mode::Off, 3, "サイト");
        progress.inc();
        progress.inc();
        assert_eq!(progress.done.load(Ordering::Relaxed), 2);
        assert!(progress.bar.is_none());
    }
}
