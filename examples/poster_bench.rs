//! Times poster rendering: `cargo run --release --example poster_bench [N]`.
//! Prints ms per poster for `render` (SVG + PDF + PNG) and for PDF pages
//! alone (a print pack on one thread), and the average PDF size.

use std::path::Path;
use std::sync::Arc;
use std::time::Instant;

use outreach::config::A4;
use outreach::fonts::Fonts;
use outreach::posters::{PosterBar, PosterInput, PosterSet, PrintOptions};
use outreach::problems::Problems;

const NAMES: [&str; 8] = [
    "梼原町",
    "龍ケ崎市",
    "いちき串木野市",
    "静岡市",
    "津市",
    "札幌市中央区",
    "小笠原村",
    "南アルプス市",
];

fn bar(label: &str, rate: f64) -> PosterBar {
    PosterBar {
        label: label.into(),
        rate,
        illustrative: true,
    }
}

fn input(i: usize) -> PosterInput {
    let name = NAMES[i % NAMES.len()];
    PosterInput {
        site_kind: "municipality".into(),
        name: name.into(),
        full_name: format!("サンプル県{name}"),
        headline_rate: Some((i % 300) as f64 / 1000.0),
        offices: Some(100 + i as u64),
        using: Some((i % 97) as u64),
        date: Some(jiff::civil::date(2023, 11, 6)),
        illustrative: true,
        sample_notice: Some(
            "※このポスターの数値（2023年11月6日時点）は、すべて説明用の架空データ（サンプル）です。"
                .into(),
        ),
        target: 0.3,
        target_label: "市区町村の目標 30%".into(),
        goal_text: "市区町村の目標: 事業所の30%が利用".into(),
        kpi_text: Some(format!("市区町村の目標（30%）まで、あと{}事業所", i % 50)),
        comparison: vec![
            bar(name, (i % 300) as f64 / 1000.0),
            bar("サンプル県", 0.041),
            bar("全国", 0.046),
        ],
        helpdesk_name: "ケアプランデータ連携システム ヘルプデスク".into(),
        helpdesk_phone: "0120-584-708".into(),
        helpdesk_hours: "平日 9:00〜17:00".into(),
        local_department: Some("健康福祉部 長寿介護課".into()),
        local_phone: Some("000-000-0000".into()),
        local_email: None,
        local_address: None,
        local_hours: None,
        url: Some(format!("https://example.lg.jp/careplan/{i:06}/")),
        national_url: None,
        national_title: "ケアプランデータ連携システム 普及支援サイト".into(),
    }
}

fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(200);
    let theme = Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default");
    let mut problems = Problems::new();
    let started = Instant::now();
    let fonts = Arc::new(Fonts::load(&theme.join("fonts"), &mut problems));
    let set = PosterSet::load(&theme, fonts, &mut problems).expect("poster templates");
    println!("load: {:.1} ms", started.elapsed().as_secs_f64() * 1000.0);
    let inputs: Vec<PosterInput> = (0..n).map(input).collect();
    let date: jiff::civil::Date = "2026-11-29".parse().unwrap();
    let print = PrintOptions {
        bleed_and_marks: false,
    };

    let started = Instant::now();
    let mut pdf_bytes = 0;
    let mut png_bytes = 0;
    for (i, input) in inputs.iter().enumerate() {
        let design = if i % 2 == 0 { "standard" } else { "simple" };
        let poster = set
            .render(design, input, A4, &print, date)
            .expect("renders");
        pdf_bytes += poster.pdf.len();
        png_bytes += poster.png.len();
    }
    let elapsed = started.elapsed().as_secs_f64() * 1000.0;
    println!(
        "render (SVG+PDF+PNG), one thread: {:.2} ms/poster; average PDF {:.1} KB, PNG {:.1} KB",
        elapsed / n as f64,
        pdf_bytes as f64 / n as f64 / 1024.0,
        png_bytes as f64 / n as f64 / 1024.0
    );

    let one = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .unwrap();
    let started = Instant::now();
    let pack = one.install(|| {
        set.print_pack("standard", &inputs, A4, &print, "サンプル県", date)
            .expect("pack")
    });
    let elapsed = started.elapsed().as_secs_f64() * 1000.0;
    println!(
        "print pack (PDF only), one thread: {:.2} ms/page; {} pages, {:.1} KB/page",
        elapsed / n as f64,
        n,
        pack.len() as f64 / n as f64 / 1024.0
    );

    let started = Instant::now();
    let pack = set
        .print_pack(
            "standard",
            &inputs,
            A4,
            &PrintOptions {
                bleed_and_marks: true,
            },
            "サンプル県",
            date,
        )
        .expect("pack");
    println!(
        "print pack with marks, {} threads: {:.2} ms/page wall; {:.1} MB",
        rayon::current_num_threads(),
        started.elapsed().as_secs_f64() * 1000.0 / n as f64,
        pack.len() as f64 / 1e6
    );
}
