//! Posters checked with the tools a print shop and a reader would use:
//! poppler (pdffonts, pdftotext, pdfinfo), qpdf and zbarimg. A missing tool
//! fails the test (CI installs poppler-utils, qpdf and zbar-tools).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, OnceLock};

use outreach::fonts::Fonts;
use outreach::posters::{A3, A4, PaperSize, PosterInput, PosterSet, PrintOptions, file_stem};
use outreach::problems::Problems;

fn theme_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default")
}

fn posters() -> &'static PosterSet {
    static SET: OnceLock<PosterSet> = OnceLock::new();
    SET.get_or_init(|| {
        let mut problems = Problems::new();
        let fonts = Arc::new(Fonts::load(&theme_dir().join("fonts"), &mut problems));
        let set = PosterSet::load(&theme_dir(), fonts, &mut problems);
        assert!(problems.is_empty(), "{:?}", problems.sorted());
        set.expect("the default poster templates load")
    })
}

struct Site {
    name: &'static str,
    prefecture: &'static str,
    rate: &'static str,
    url: &'static str,
}

const SITES: [Site; 3] = [
    Site {
        name: "梼原町",
        prefecture: "高知県",
        rate: "12.5%",
        url: "https://www.town.yusuhara.kochi.jp/careplan/394050/",
    },
    Site {
        name: "龍ケ崎市",
        prefecture: "茨城県",
        rate: "6.3%",
        url: "https://www.city.ryugasaki.ibaraki.jp/careplan/082082/",
    },
    Site {
        name: "いちき串木野市",
        prefecture: "鹿児島県",
        rate: "31.4%",
        url: "https://www.city.ichikikushikino.lg.jp/careplan/462161/",
    },
];

fn input(site: &Site) -> PosterInput {
    PosterInput {
        site_kind: "municipality".into(),
        name: site.name.into(),
        full_name: format!("{}{}", site.prefecture, site.name),
        headline_rate: Some(site.rate.into()),
        offices: Some("128".into()),
        using: Some("16".into()),
        date_display: Some("2023年11月6日".into()),
        illustrative: true,
        target: "30%".into(),
        kpi_text: Some("目標の30%まであと23事業所".into()),
        comparison: vec![
            (site.name.into(), 0.125),
            (site.prefecture.into(), 0.041),
            ("全国".into(), 0.046),
        ],
        helpdesk_name: "ケアプランデータ連携システム ヘルプデスク".into(),
        helpdesk_phone: "0120-584-708".into(),
        helpdesk_hours: "平日 9:00〜17:00".into(),
        local_department: Some("保健福祉課 介護保険係".into()),
        local_phone: Some("0889-65-1111".into()),
        local_email: None,
        local_address: None,
        local_hours: None,
        url: Some(site.url.into()),
        national_url: None,
        national_title: "ケアプランデータ連携システム 普及支援サイト".into(),
    }
}

fn date() -> jiff::civil::Date {
    "2026-11-29".parse().unwrap()
}

/// Run a tool; panics (fails the test) when it is not installed.
fn run(tool: &str, args: &[&str]) -> (bool, String) {
    let output = Command::new(tool).args(args).output().unwrap_or_else(|e| {
        panic!("{tool} を実行できません（poppler-utils / qpdf / zbar-tools をインストールしてください）: {e}")
    });
    let mut text = String::from_utf8_lossy(&output.stdout).into_owned();
    text.push_str(&String::from_utf8_lossy(&output.stderr));
    (output.status.success(), text)
}

fn path_str(path: &Path) -> &str {
    path.to_str().unwrap()
}

/// `pdfinfo` page size or box in points: (width, height).
fn pdfinfo_size(info: &str, label: &str) -> (f64, f64) {
    let line = info
        .lines()
        .find(|l| l.starts_with(label))
        .unwrap_or_else(|| panic!("no {label} in\n{info}"));
    let nums: Vec<f64> = line[label.len()..]
        .split_whitespace()
        .filter_map(|w| w.parse().ok())
        .collect();
    match nums.as_slice() {
        // "Page size:  595.28 x 841.89 pts"
        [w, h] => (*w, *h),
        // "TrimBox:  x0 y0 x1 y1"
        [x0, y0, x1, y1] => (x1 - x0, y1 - y0),
        _ => panic!("cannot read {line}"),
    }
}

fn points(size: PaperSize) -> (f64, f64) {
    (size.width_mm * 72.0 / 25.4, size.height_mm * 72.0 / 25.4)
}

fn close(a: (f64, f64), b: (f64, f64)) -> bool {
    (a.0 - b.0).abs() <= 1.0 && (a.1 - b.1).abs() <= 1.0
}

fn check_pdf(pdf: &Path, site: &Site, size: PaperSize, marks: bool) {
    let file = path_str(pdf);

    let (ok, fonts) = run("pdffonts", &[file]);
    assert!(ok, "pdffonts {file}: {fonts}");
    let rows: Vec<&str> = fonts
        .lines()
        .skip(2)
        .filter(|l| !l.trim().is_empty())
        .collect();
    assert!(!rows.is_empty(), "{file}: no fonts\n{fonts}");
    for row in rows {
        // name type encoding emb sub uni id gen: "emb" is the 4th column from the right end.
        let cols: Vec<&str> = row.split_whitespace().collect();
        let emb = cols[cols.len() - 5];
        assert_eq!(emb, "yes", "{file}: font not embedded: {row}");
    }

    let (ok, text) = run("pdftotext", &[file, "-"]);
    assert!(ok, "pdftotext {file}: {text}");
    for needle in [
        site.name,
        site.rate,
        "0120-584-708",
        "QRコード",
        "架空データ",
    ] {
        assert!(
            text.contains(needle),
            "{file}: pdftotext lacks 「{needle}」:\n{text}"
        );
    }

    let (ok, check) = run("qpdf", &["--check", file]);
    assert!(ok, "qpdf --check {file}: {check}");

    let (ok, info) = run("pdfinfo", &["-box", file]);
    assert!(ok, "pdfinfo {file}: {info}");
    assert!(info.contains("Pages:           1"), "{info}");
    let page = pdfinfo_size(&info, "Page size:");
    let trim = pdfinfo_size(&info, "TrimBox:");
    let bleed = pdfinfo_size(&info, "BleedBox:");
    assert!(
        close(trim, points(size)),
        "{file}: TrimBox {trim:?} is not {}",
        size.name
    );
    if marks {
        let mm = 72.0 / 25.4;
        assert!(
            page.0 > trim.0 + 20.0 && page.1 > trim.1 + 20.0,
            "{file}: {page:?}"
        );
        assert!(
            close(bleed, (trim.0 + 6.0 * mm, trim.1 + 6.0 * mm)),
            "{file}: BleedBox {bleed:?}"
        );
    } else {
        assert!(
            close(page, points(size)),
            "{file}: page {page:?} is not {}",
            size.name
        );
    }
}

fn check_png(png: &Path, url: &str) {
    let (ok, out) = run("zbarimg", &["--raw", "-q", path_str(png)]);
    assert!(ok, "zbarimg {}: {out}", png.display());
    let decoded: Vec<&str> = out
        .lines()
        .filter(|l| !l.starts_with("Connection"))
        .collect();
    assert_eq!(decoded, vec![url], "{}", png.display());
}

#[test]
fn posters_pass_the_print_shop_tools() {
    let dir = tempfile::tempdir().unwrap();
    let set = posters();
    for design in set.designs() {
        for site in &SITES {
            for size in [A4, A3] {
                for marks in [false, true] {
                    let print = PrintOptions {
                        bleed_and_marks: marks,
                    };
                    let poster = set
                        .render(&design, &input(site), size, &print, date())
                        .unwrap();
                    let stem = format!("{}-{}", file_stem(&design, size, &print), site.name);
                    let pdf = dir.path().join(format!("{stem}.pdf"));
                    let png = dir.path().join(format!("{stem}.png"));
                    std::fs::write(&pdf, &poster.pdf).unwrap();
                    std::fs::write(&png, &poster.png).unwrap();
                    check_pdf(&pdf, site, size, marks);
                    check_png(&png, site.url);
                }
            }
        }
    }
}

#[test]
fn a_print_pack_has_one_page_per_poster_in_order() {
    let dir = tempfile::tempdir().unwrap();
    let inputs: Vec<PosterInput> = SITES.iter().chain(SITES.iter()).map(input).collect();
    let print = PrintOptions {
        bleed_and_marks: true,
    };
    let pack = posters()
        .print_pack("standard", &inputs, A4, &print, "サンプル県", date())
        .unwrap();
    let pdf = dir.path().join("pack.pdf");
    std::fs::write(&pdf, &pack).unwrap();
    let file = path_str(&pdf);

    let (ok, info) = run("pdfinfo", &["-box", "-l", "6", file]);
    assert!(ok, "{info}");
    assert!(info.contains("Pages:           6"), "{info}");
    assert_eq!(info.matches("TrimBox:").count(), 6, "{info}");
    let (ok, check) = run("qpdf", &["--check", file]);
    assert!(ok, "{check}");
    let (ok, fonts) = run("pdffonts", &[file]);
    assert!(
        ok && !fonts.lines().skip(2).any(|l| l.contains(" no ")),
        "{fonts}"
    );
    // Page 5 is the second 龍ケ崎市.
    let (ok, text) = run("pdftotext", &["-f", "5", "-l", "5", file, "-"]);
    assert!(
        ok && text.contains("龍ケ崎市") && !text.contains("梼原町"),
        "{text}"
    );
}

#[test]
fn the_same_input_gives_the_same_bytes() {
    let set = posters();
    let print = PrintOptions {
        bleed_and_marks: true,
    };
    let a = set
        .render("simple", &input(&SITES[0]), A4, &print, date())
        .unwrap();
    let b = set
        .render("simple", &input(&SITES[0]), A4, &print, date())
        .unwrap();
    assert!(a.svg == b.svg, "svg");
    assert!(a.png == b.png, "png");
    assert!(a.pdf == b.pdf, "pdf");
}
