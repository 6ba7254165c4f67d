//! Times the home-page charts of every site of the sample project on one thread:
//! `cargo run --release --example chart_bench`. Prints the wall time and, on Linux, the CPU
//! time of the thread (from /proc/thread-self/schedstat), which other processes on a busy
//! machine do not inflate.
use std::path::Path;
use std::time::Instant;

use outreach::build::Project;
use outreach::model::Model;
use outreach::problems::Problems;
use outreach::render::charts_view::home_charts;

fn main() {
    let mut problems = Problems::new();
    let date = "2026-11-29".parse().expect("a date");
    let project = Project::load(Path::new("."), date, &mut problems).expect("the sample project");
    let model = Model::build(
        &project.master,
        &project.config,
        &project.adoption,
        &project.settings,
        &project.offices,
    );
    let cpu_before = thread_cpu_seconds();
    let started = Instant::now();
    let (mut charts, mut bytes) = (0, 0);
    for site in &model.sites {
        for chart in home_charts(&model, site, &project.fonts) {
            charts += 1;
            bytes += chart.svg.len();
        }
    }
    let total = started.elapsed();
    if let (Some(a), Some(b)) = (cpu_before, thread_cpu_seconds()) {
        println!("charts CPU time (this thread): {:.3} s", b - a);
    }
    println!(
        "{} sites, {charts} charts, {} KB of SVG: {:.3} s ({:.3} ms a chart)",
        model.sites.len(),
        bytes / 1024,
        total.as_secs_f64(),
        total.as_secs_f64() * 1000.0 / f64::from(charts)
    );
}

/// CPU time of the calling thread in seconds (Linux), from the first field of schedstat (ns).
fn thread_cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let ns: f64 = stat.split_whitespace().next()?.parse().ok()?;
    Some(ns / 1e9)
}
