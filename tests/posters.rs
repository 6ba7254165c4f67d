//! Posters checked with the tools a print shop and a reader would use:
//! poppler (pdffonts, pdftotext, pdfinfo), qpdf and zbarimg. A missing tool
//! fails the test (CI installs poppler-utils, qpdf and zbar-tools). The
//! tagged structure (PDF/UA-1) is read back with `qpdf --json`.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, OnceLock};

use common::Fixture;
use serde_json::Value;

use outreach::config::{A3, A4, PaperSize};
use outreach::fonts::Fonts;
use outreach::posters::{PosterBar, PosterInput, PosterSet, PrintOptions, file_stem};
use outreach::problems::{Code, Problems};

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

fn bar(label: &str, rate: f64) -> PosterBar {
    PosterBar {
        label: label.into(),
        rate,
        illustrative: true,
    }
}

fn input(site: &Site) -> PosterInput {
    PosterInput {
        site_kind: "municipality".into(),
        name: site.name.into(),
        full_name: format!("{}{}", site.prefecture, site.name),
        headline_rate: Some(site.rate.trim_end_matches('%').parse::<f64>().unwrap() / 100.0),
        offices: Some(128),
        using: Some(16),
        date: Some("2023-11-06".parse().unwrap()),
        illustrative: true,
        sample_notice: Some(
            "※このポスターの数値（2023年11月6日時点）は、すべて説明用の架空データ（サンプル）です。"
                .into(),
        ),
        target: 0.3,
        target_label: "市区町村の目標 30%".into(),
        goal_text: "市区町村の目標: 事業所の30%が利用".into(),
        kpi_text: Some("市区町村の目標（30%）まで、あと23事業所".into()),
        comparison: vec![
            bar(site.name, 0.125),
            bar(site.prefecture, 0.041),
            bar("全国", 0.046),
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

    // The headline reads in order, after the site's name.
    let mut at = text.find(site.name).unwrap();
    for part in ["やり取りを、", "FAXから", "データ連携へ。"] {
        let found = text[at..].find(part);
        assert!(found.is_some(), "{file}: 「{part}」 out of order\n{text}");
        at += found.unwrap();
    }

    let (ok, check) = run("qpdf", &["--check", file]);
    assert!(ok, "qpdf --check {file}: {check}");
    let facts = PdfFacts::read(pdf);
    facts.assert_tagged(file, 1);
    assert!(facts.title.contains(site.name), "{file}: {}", facts.title);
    let h1 = facts.headings.first().expect("an H1");
    assert!(
        h1.starts_with("H1 ") && h1.contains(site.name),
        "{file}: {h1}"
    );
    let qr = facts.figures.iter().find(|alt| alt.starts_with("QRコード"));
    assert!(
        qr.is_some_and(|alt| alt.contains(site.url)),
        "{file}: the QR code's alternative text names its URL: {:?}",
        facts.figures
    );

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
    let facts = PdfFacts::read(&pdf);
    facts.assert_tagged(file, 6);
    assert!(facts.title.contains("サンプル県"), "{}", facts.title);
    let names: Vec<String> = inputs.iter().map(|i| i.full_name.clone()).collect();
    assert_eq!(facts.outline, names, "one bookmark per poster, in order");
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

/// What a reader's software learns from a PDF's catalog and structure tree,
/// read with `qpdf --json`.
#[derive(Debug, Default)]
struct PdfFacts {
    pages: usize,
    lang: Option<String>,
    title: String,
    display_doc_title: bool,
    marked: bool,
    struct_tree: bool,
    /// Structure element types in reading order (depth first).
    roles: Vec<String>,
    /// "H1 title", "H2 title" in reading order.
    headings: Vec<String>,
    /// The /Alt of every Figure, in reading order ("" when missing).
    figures: Vec<String>,
    /// Outline (bookmark) titles at the top level, in order.
    outline: Vec<String>,
}

impl PdfFacts {
    fn read(pdf: &Path) -> PdfFacts {
        let output = Command::new("qpdf")
            .args(["--json", "--json-key=qpdf"])
            .arg(pdf)
            .output()
            .unwrap_or_else(|e| {
                panic!("qpdf を実行できません（qpdf をインストールしてください）: {e}")
            });
        assert!(output.status.success(), "qpdf --json {}", pdf.display());
        let json: Value = serde_json::from_slice(&output.stdout).unwrap();
        let objects = json["qpdf"][1].as_object().expect("qpdf JSON v2").clone();
        let objects: BTreeMap<String, Value> = objects.into_iter().collect();
        let get = |v: &Value| -> Value {
            match v.as_str() {
                Some(r) if r.ends_with(" R") => {
                    let o = &objects[&format!("obj:{r}")];
                    o.get("value")
                        .or_else(|| o.get("stream").map(|s| &s["dict"]))
                        .cloned()
                        .unwrap_or(Value::Null)
                }
                _ => v.clone(),
            }
        };
        let text = |v: &Value| -> String {
            let v = get(v);
            let s = v.as_str().unwrap_or("");
            s.strip_prefix("u:").unwrap_or(s).to_string()
        };
        let trailer = &objects["trailer"]["value"];
        let root = get(&trailer["/Root"]);
        let mut facts = PdfFacts {
            pages: get(&root["/Pages"])["/Count"].as_u64().unwrap_or(0) as usize,
            lang: root.get("/Lang").map(&text),
            display_doc_title: get(&root["/ViewerPreferences"])["/DisplayDocTitle"] == true,
            marked: get(&root["/MarkInfo"])["/Marked"] == true,
            struct_tree: root.get("/StructTreeRoot").is_some(),
            ..Default::default()
        };
        if let Some(info) = trailer.get("/Info") {
            facts.title = text(&get(info)["/Title"]);
        }
        fn walk(
            node: &Value,
            get: &dyn Fn(&Value) -> Value,
            text: &dyn Fn(&Value) -> String,
            facts: &mut PdfFacts,
        ) {
            let element = get(node);
            let Some(role) = element.get("/S").and_then(Value::as_str) else {
                return;
            };
            let role = role.trim_start_matches('/').to_string();
            if role.starts_with('H') && role.len() == 2 {
                facts
                    .headings
                    .push(format!("{role} {}", text(&element["/T"])));
            }
            if role == "Figure" {
                facts.figures.push(text(&element["/Alt"]));
            }
            facts.roles.push(role);
            match element.get("/K") {
                Some(Value::Array(kids)) => {
                    for kid in kids {
                        walk(kid, get, text, facts);
                    }
                }
                Some(kid) => walk(kid, get, text, facts),
                None => {}
            }
        }
        if let Some(tree) = root.get("/StructTreeRoot") {
            let tree = get(tree);
            match &tree["/K"] {
                Value::Array(kids) => {
                    for kid in kids {
                        walk(kid, &get, &text, &mut facts);
                    }
                }
                kid => walk(kid, &get, &text, &mut facts),
            }
        }
        if let Some(outlines) = root.get("/Outlines") {
            let mut next = get(outlines).get("/First").cloned();
            while let Some(item) = next {
                let item = get(&item);
                facts.outline.push(text(&item["/Title"]));
                next = item.get("/Next").cloned();
            }
        }
        facts
    }

    /// PDF/UA-1's catalog entries, a structure tree with headings and
    /// figures that all have alternative text, and one bookmark per page.
    fn assert_tagged(&self, file: &str, pages: usize) {
        assert_eq!(self.pages, pages, "{file}");
        assert!(self.struct_tree, "{file}: no StructTreeRoot");
        assert_eq!(self.lang.as_deref(), Some("ja-JP"), "{file}");
        assert!(!self.title.is_empty(), "{file}: no /Title");
        assert!(self.display_doc_title, "{file}: DisplayDocTitle");
        assert!(self.marked, "{file}: MarkInfo /Marked");
        assert_eq!(
            self.roles.first().map(String::as_str),
            Some("Document"),
            "{file}"
        );
        assert!(
            self.roles.iter().any(|r| r == "P"),
            "{file}: {:?}",
            self.roles
        );
        assert!(
            self.headings.len() >= 2 * pages,
            "{file}: headings {:?}",
            self.headings
        );
        assert!(!self.figures.is_empty(), "{file}: no figure");
        for alt in &self.figures {
            assert!(!alt.trim().is_empty(), "{file}: a Figure without /Alt");
        }
        assert_eq!(
            self.outline.len(),
            pages,
            "{file}: outline {:?}",
            self.outline
        );
    }
}

/// Every PDF under `dir`, sorted.
fn pdfs_under(dir: &Path) -> Vec<PathBuf> {
    let mut found: Vec<PathBuf> = walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(|e| e.ok())
        .map(|e| e.into_path())
        .filter(|p| p.extension().is_some_and(|x| x == "pdf"))
        .collect();
    found.sort();
    found
}

/// The basic fixture with a public URL for the national site only, so the
/// sites without their own URL get the national site's QR code.
fn fixture_with_national_url() -> Fixture {
    let fx = Fixture::new("basic");
    let config = std::fs::read_to_string(fx.project().join("config.yaml")).unwrap();
    fx.write(
        "config.yaml",
        &format!("{config}\nhosting:\n  national: {NATIONAL_URL}\n"),
    );
    fx
}

const NATIONAL_URL: &str = "https://www.example.jp/careplan/";

/// The file `stem` + `ext` in a site's `posters/` folder, with or without a
/// site tag after the stem (`poster-standard-a4.pdf`, `poster-standard-a4-221007.pdf`).
fn poster_file(out: &Path, site_dir: &str, stem: &str, ext: &str) -> PathBuf {
    let dir = out.join(site_dir).join("posters");
    let mut found: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            name == format!("{stem}{ext}")
                || (name.starts_with(&format!("{stem}-"))
                    && name.ends_with(ext)
                    && !name[stem.len()..].contains("print"))
        })
        .collect();
    found.sort();
    assert_eq!(
        found.len(),
        1,
        "{stem}*{ext} in {}: {found:?}",
        dir.display()
    );
    found.remove(0)
}

#[test]
fn every_poster_and_print_pack_of_a_fixture_build_is_a_tagged_pdf_and_builds_repeat_byte_for_byte()
{
    let first = fixture_with_national_url();
    let mut options = first.options(&first.out());
    options.posters = true;
    let report = outreach::build::build(&options).unwrap();
    // The fixture links only the national site; the only problem is the
    // warning that names the sites whose links are left out.
    let problems = report.problems.sorted();
    assert!(
        problems.len() == 1 && problems[0].code == Code::ConfigUnlinkedSites,
        "{problems:?}"
    );

    let pdfs = pdfs_under(&first.out());
    assert!(pdfs.len() >= 8 * 4, "{} PDFs", pdfs.len());
    for pdf in &pdfs {
        let file = path_str(pdf);
        let (ok, check) = run("qpdf", &["--check", file]);
        assert!(ok, "qpdf --check {file}: {check}");
        let (ok, fonts) = run("pdffonts", &[file]);
        assert!(
            ok && fonts
                .lines()
                .skip(2)
                .all(|l| l.trim().is_empty() || l.contains(" yes yes yes ")),
            "{file}: every font embedded, subset, with a ToUnicode map\n{fonts}"
        );
        let facts = PdfFacts::read(pdf);
        let is_pack = file.contains("print-pack-");
        let pages = if is_pack { facts.pages } else { 1 };
        facts.assert_tagged(file, pages);
        if is_pack {
            // A pack bookmarks its municipalities in code order and names its prefecture.
            let (prefecture, municipalities) = if file.contains("/p/220001/") {
                (
                    "静岡県",
                    vec!["静岡県静岡市", "静岡県浜松市", "静岡県沼津市"],
                )
            } else {
                ("北海道", vec!["北海道札幌市", "北海道函館市"])
            };
            assert_eq!(facts.outline, municipalities, "{file}");
            assert!(
                facts.title.starts_with(prefecture),
                "{file}: {}",
                facts.title
            );
        }
    }

    // 静岡市 has its own URL; 浜松市 has none and gets the national site's.
    let own = PdfFacts::read(&poster_file(
        &first.out(),
        "m/221007",
        "poster-standard-a4",
        ".pdf",
    ));
    assert!(
        own.figures.iter().any(|a| a.starts_with("QRコード")
            && a.contains("https://www.city.shizuoka.example/careplan/")),
        "{:?}",
        own.figures
    );
    let fallback = poster_file(&first.out(), "m/221309", "poster-standard-a4", ".pdf");
    let facts = PdfFacts::read(&fallback);
    assert!(
        facts.figures.iter().any(|a| a.starts_with("QRコード")
            && a.contains("全国のサイト")
            && a.contains(NATIONAL_URL)),
        "{:?}",
        facts.figures
    );
    let (_, text) = run("pdftotext", &[path_str(&fallback), "-"]);
    assert!(text.contains("全国のサイトが開きます"), "{text}");
    for design in ["standard", "simple"] {
        let png = poster_file(
            &first.out(),
            "m/221309",
            &format!("poster-{design}"),
            ".png",
        );
        check_png(&png, NATIONAL_URL);
    }
    // The national poster: one natural headline.
    let national = poster_file(&first.out(), "", "poster-standard-a4", ".pdf");
    let facts = PdfFacts::read(&national);
    assert!(
        facts.headings[0].contains("全国の介護事業所のみなさまへ"),
        "{:?}",
        facts.headings
    );

    // A second build of the same input, from scratch, gives the same bytes.
    let second = fixture_with_national_url();
    let mut options = second.options(&second.out());
    options.posters = true;
    outreach::build::build(&options).unwrap();
    let mut compared = 0;
    for entry in walkdir::WalkDir::new(first.out()) {
        let entry = entry.unwrap();
        let rel = entry.path().strip_prefix(first.out()).unwrap();
        if rel.components().any(|c| c.as_os_str() == "posters") && entry.file_type().is_file() {
            let a = std::fs::read(entry.path()).unwrap();
            let b = std::fs::read(second.out().join(rel)).unwrap();
            assert!(a == b, "{} differs between two builds", rel.display());
            compared += 1;
        }
    }
    assert!(compared > pdfs.len(), "{compared} files compared");
}
