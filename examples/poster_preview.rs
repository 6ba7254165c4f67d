//! Writes sample posters (every design, A4 and A3, with and without crop
//! marks) to a folder for a visual check:
//! `cargo run --example poster_preview -- /tmp/posters`.

use std::path::Path;
use std::sync::Arc;

use outreach::config::{A3, A4, B2};
use outreach::fonts::Fonts;
use outreach::posters::{PosterBar, PosterInput, PosterSet, PrintOptions, file_stem};
use outreach::problems::Problems;

fn sample(name: &str, prefecture: &str, url: Option<&str>, illustrative: bool) -> PosterInput {
    PosterInput {
        site_kind: "municipality".into(),
        name: name.into(),
        full_name: format!("{prefecture}{name}"),
        headline_rate: Some(0.078),
        offices: Some(5055),
        using: Some(392),
        date: Some(jiff::civil::date(2023, 11, 6)),
        illustrative,
        sample_notice: illustrative.then(|| {
            "※このポスターの数値（2023年11月6日時点）は、すべて説明用の架空データ（サンプル）です。"
                .into()
        }),
        target: 0.3,
        target_label: "市区町村の目標 30%".into(),
        goal_text: "市区町村の目標: 事業所の30%が利用".into(),
        kpi_text: Some("市区町村の目標（30%）まで、あと1,125事業所".into()),
        comparison: vec![
            PosterBar {
                label: name.into(),
                rate: 0.078,
                illustrative,
            },
            PosterBar {
                label: prefecture.into(),
                rate: 0.041,
                illustrative,
            },
            PosterBar {
                label: "全国".into(),
                rate: 0.046,
                illustrative,
            },
        ],
        helpdesk_name: "ケアプランデータ連携システム ヘルプデスク".into(),
        helpdesk_phone: "0120-584-708".into(),
        helpdesk_hours: "平日 9:00〜17:00".into(),
        local_department: Some("健康福祉部 長寿介護課 介護保険係".into()),
        local_phone: Some("0996-33-5633".into()),
        local_email: None,
        local_address: None,
        local_hours: None,
        url: url.map(str::to_string),
        national_url: None,
        national_title: "ケアプランデータ連携システム 普及支援サイト".into(),
    }
}

fn main() {
    let out = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "target/poster-preview".into());
    let out = Path::new(&out);
    std::fs::create_dir_all(out).unwrap();
    let theme = Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default");
    let mut problems = Problems::new();
    let fonts = Arc::new(Fonts::load(&theme.join("fonts"), &mut problems));
    let set = PosterSet::load(&theme, fonts, &mut problems).expect("poster templates");
    for p in problems.sorted() {
        eprintln!("{p}");
    }
    let date: jiff::civil::Date = "2026-11-29".parse().unwrap();
    let inputs = [
        sample(
            "いちき串木野市",
            "鹿児島県",
            Some("https://www.city.ichikikushikino.lg.jp/careplan/"),
            true,
        ),
        sample("梼原町", "高知県", None, false),
    ];
    for design in set.designs() {
        for (i, input) in inputs.iter().enumerate() {
            for size in [A4, A3, B2] {
                for marks in [false, true] {
                    let print = PrintOptions {
                        bleed_and_marks: marks,
                    };
                    let poster = set.render(&design, input, size, &print, date).unwrap();
                    let stem = format!("{}-{i}", file_stem(&design, size, &print));
                    std::fs::write(out.join(format!("{stem}.pdf")), &poster.pdf).unwrap();
                    std::fs::write(out.join(format!("{stem}.png")), &poster.png).unwrap();
                    std::fs::write(out.join(format!("{stem}.svg")), &poster.svg).unwrap();
                }
            }
        }
    }
    println!("{}", out.display());
}
