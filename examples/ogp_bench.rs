//! Times the OGP image pipeline's stages: `cargo run --release --example ogp_bench`.
use std::path::Path;
use std::time::Instant;

use outreach::fonts::Fonts;
use outreach::problems::Problems;

fn main() {
    let mut problems = Problems::new();
    let fonts = Fonts::load(Path::new("themes/default/fonts"), &mut problems);
    let n = 100;
    let started = Instant::now();
    let mut bytes = 0;
    for i in 0..n {
        bytes += outreach::charts::ogp_png(
            &format!("静岡県静岡市{i}"),
            "利用率 20.3%",
            "295 事業所のうち 60 事業所が利用（2025年11月4日時点）",
            &fonts,
        )
        .len();
    }
    let total = started.elapsed();
    println!(
        "{n} OGP images: {:.2} ms each, {} KB average",
        total.as_secs_f64() * 1000.0 / n as f64,
        bytes / n / 1024
    );
}
