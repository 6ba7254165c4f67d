use super::*;
use crate::config::{A3, B2, B3, paper_size};

fn theme_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default")
}

fn fonts() -> Arc<Fonts> {
    let mut problems = Problems::new();
    let fonts = Fonts::load(&theme_dir().join("fonts"), &mut problems);
    assert!(problems.is_empty(), "{:?}", problems.sorted());
    Arc::new(fonts)
}

const SAMPLE_NOTICE: &str =
    "※このポスターの数値（2023年11月6日時点）は、すべて説明用の架空データ（サンプル）です。";

fn bar(label: &str, rate: f64) -> PosterBar {
    PosterBar {
        label: label.into(),
        rate,
        illustrative: true,
    }
}

fn input(name: &str) -> PosterInput {
    PosterInput {
        site_kind: "municipality".into(),
        name: name.into(),
        full_name: format!("高知県{name}"),
        headline_rate: Some(0.078),
        offices: Some(5055),
        using: Some(392),
        date: Some(date()),
        illustrative: true,
        sample_notice: Some(SAMPLE_NOTICE.into()),
        target: 0.3,
        target_label: "市区町村の目標 30%".into(),
        goal_text: "市区町村の目標: 事業所の30%が利用".into(),
        kpi_text: Some("市区町村の目標（30%）まで、あと1,125事業所".into()),
        comparison: vec![bar(name, 0.078), bar("高知県", 0.041), bar("全国", 0.046)],
        helpdesk_name: "ケアプランデータ連携システム ヘルプデスク".into(),
        helpdesk_phone: "0120-584-708".into(),
        helpdesk_hours: "平日 9:00〜17:00".into(),
        local_department: Some("長寿介護課".into()),
        local_phone: Some("0889-65-1111".into()),
        local_email: None,
        local_address: None,
        local_hours: None,
        url: Some("https://example.lg.jp/careplan/".into()),
        national_url: None,
        national_title: "ケアプランデータ連携システム 普及支援サイト".into(),
    }
}

fn date() -> jiff::civil::Date {
    "2026-11-29".parse().unwrap()
}

/// A theme folder with the bundled fonts and the given poster templates.
fn theme_with(templates: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("posters")).unwrap();
    for (name, text) in templates {
        std::fs::write(dir.path().join("posters").join(name), text).unwrap();
    }
    dir
}

const MINIMAL: &str = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{{ page.sheet_width_mm }}mm\" height=\"{{ page.sheet_height_mm }}mm\" viewBox=\"{{ page.viewbox }}\">\n<text x=\"10\" y=\"20\" font-family=\"BIZ UDPGothic\" font-size=\"{{ fit_text(text=name, width=100, max=30) }}\">{{ name }}</text>\n</svg>\n";

#[test]
fn loads_the_default_designs() {
    let mut problems = Problems::new();
    let set = PosterSet::load(&theme_dir(), fonts(), &mut problems).expect("loads");
    assert!(problems.is_empty(), "{:?}", problems.sorted());
    assert_eq!(set.designs(), vec!["simple", "standard"]);
}

#[test]
fn an_unknown_font_family_is_a_load_error_with_template_and_line() {
    let broken = MINIMAL.replace("</svg>", "<text font-family=\"Arial\">x</text>\n</svg>");
    let dir = theme_with(&[("ok.svg", MINIMAL), ("broken.svg", &broken)]);
    let mut problems = Problems::new();
    assert!(PosterSet::load(dir.path(), fonts(), &mut problems).is_none());
    let found = problems.sorted();
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].code, Code::PosterUnknownFont);
    assert!(
        found[0]
            .location
            .path()
            .unwrap()
            .ends_with("posters/broken.svg"),
        "{found:?}"
    );
    assert_eq!(found[0].location.line_number(), Some(3));
    assert!(found[0].message.contains("Arial"), "{}", found[0].message);
    assert!(
        found[0].to_string().contains("broken.svg:3"),
        "{}",
        found[0]
    );
}

#[test]
fn a_tera_syntax_error_names_the_template_and_line() {
    let broken = MINIMAL.replace("{{ name }}</text>", "{% if name %}{{ name }}</text>");
    let other = MINIMAL.replace("{{ name }}</text>", "{{ name </text>");
    let dir = theme_with(&[("a.svg", &broken), ("b.svg", &other), ("c.svg", MINIMAL)]);
    let mut problems = Problems::new();
    assert!(PosterSet::load(dir.path(), fonts(), &mut problems).is_none());
    let found = problems.sorted();
    // Both broken templates are reported in one run.
    assert_eq!(found.len(), 2, "{found:?}");
    assert!(found.iter().all(|p| p.code == Code::PosterTemplate));
    let path = |i: usize| found[i].location.path().unwrap();
    assert!(path(0).ends_with("posters/a.svg"), "{found:?}");
    assert!(path(1).ends_with("posters/b.svg"), "{found:?}");
    assert!(
        found
            .iter()
            .all(|p| p.location.line_number().is_some_and(|l| l >= 2)),
        "{found:?}"
    );
    assert_eq!(found[1].location.line_number(), Some(2), "{found:?}");
}

#[test]
fn a_font_family_written_with_markup_is_checked_when_rendering() {
    let dynamic = MINIMAL.replace(
        "font-family=\"BIZ UDPGothic\"",
        "font-family=\"{{ design }}\"",
    );
    let dir = theme_with(&[("MS Mincho.svg", &dynamic)]);
    let mut problems = Problems::new();
    let set = PosterSet::load(dir.path(), fonts(), &mut problems).expect("loads");
    let err = set
        .render(
            "MS Mincho",
            &input("梼原町"),
            A4,
            &PrintOptions::default(),
            date(),
        )
        .err()
        .expect("missing font");
    let message = err.to_string();
    assert!(
        message.contains("MS Mincho.svg") && message.contains("MS Mincho"),
        "{message}"
    );
}

#[test]
fn a_rendering_error_names_the_template_and_line() {
    let broken = MINIMAL.replace("{{ name }}</text>", "{{ no_such_value.x }}</text>");
    let dir = theme_with(&[("poster.svg", &broken)]);
    let mut problems = Problems::new();
    let set = PosterSet::load(dir.path(), fonts(), &mut problems).expect("loads");
    let err = set
        .render(
            "poster",
            &input("梼原町"),
            A4,
            &PrintOptions::default(),
            date(),
        )
        .err()
        .expect("rendering error");
    match &err {
        PosterError::Template { template, line, .. } => {
            assert!(template.ends_with("poster.svg"), "{err}");
            assert_eq!(*line, Some(2), "{err}");
        }
        other => panic!("{other}"),
    }
    assert!(err.to_string().contains("2 行"), "{err}");
}

#[test]
fn unknown_designs_are_errors() {
    let mut problems = Problems::new();
    let set = PosterSet::load(&theme_dir(), fonts(), &mut problems).unwrap();
    let err = set
        .render(
            "fancy",
            &input("梼原町"),
            A4,
            &PrintOptions::default(),
            date(),
        )
        .err()
        .unwrap();
    assert!(err.to_string().contains("standard"), "{err}");
}

#[test]
fn long_names_get_smaller_type_and_figures_reach_the_svg() {
    let mut problems = Problems::new();
    let set = PosterSet::load(&theme_dir(), fonts(), &mut problems).unwrap();
    let short = set
        .render(
            "standard",
            &input("津市"),
            A4,
            &PrintOptions::default(),
            date(),
        )
        .unwrap();
    let long = set
        .render(
            "standard",
            &input("いちき串木野市"),
            A4,
            &PrintOptions::default(),
            date(),
        )
        .unwrap();
    assert!(long.svg.contains("いちき串木野市") && long.svg.contains("7.8%"));
    assert!(
        long.svg
            .contains("QRコードは株式会社デンソーウェーブの登録商標です。")
    );
    assert!(
        long.svg
            .contains("このポスターの数値（2023年11月6日時点）は、すべて説明用の架空データ")
    );
    assert!(long.pdf.starts_with(b"%PDF-"));
    assert!(long.png.starts_with(b"\x89PNG"));
    let name_size = |svg: &str, name: &str| -> f64 {
        // The first text that is the name alone: the headline.
        let end = svg.find(&format!("\">{name}</text>")).unwrap() + 1;
        let start = svg[..end].rfind("font-size=\"").unwrap() + "font-size=\"".len();
        svg[start..].split('"').next().unwrap().parse().unwrap()
    };
    assert_eq!(name_size(&short.svg, "津市"), 22.0);
    let long_size = name_size(&long.svg, "いちき串木野市");
    assert!(long_size <= 22.0);
    let fonts = fonts();
    assert!(fonts.measure("いちき串木野市", "BIZ UDPGothic", long_size, true) <= 182.0);
}

#[test]
fn without_url_there_is_no_qr_code() {
    let mut problems = Problems::new();
    let set = PosterSet::load(&theme_dir(), fonts(), &mut problems).unwrap();
    let mut no_url = input("梼原町");
    no_url.url = None;
    no_url.illustrative = false;
    no_url.sample_notice = None;
    for bar in &mut no_url.comparison {
        bar.illustrative = false;
    }
    for design in set.designs() {
        let poster = set
            .render(&design, &no_url, A4, &PrintOptions::default(), date())
            .unwrap();
        assert!(!poster.svg.contains("QRコード"), "{design}");
        assert!(!poster.svg.contains("架空"), "{design}");
        assert!(poster.svg.contains("0120-584-708"), "{design}");
    }
}

#[test]
fn marks_enlarge_the_sheet_and_sit_outside_the_bleed() {
    let sheet = Sheet::new(
        A4,
        &PrintOptions {
            bleed_and_marks: true,
        },
    );
    assert_eq!(sheet.sheet_width_mm, 210.0 + 26.0);
    assert_eq!(sheet.viewbox, "-13 -13 236 323");
    let marks = sheet.crop_marks();
    // Every mark coordinate lies outside the bleed box on at least one axis.
    let d = marks
        .split(" d=\"")
        .nth(1)
        .unwrap()
        .trim_end_matches("\"/>");
    for segment in d.split('M').filter(|s| !s.is_empty()) {
        let nums: Vec<f64> = segment
            .split(['L', ' '])
            .map(|n| n.parse().unwrap())
            .collect();
        for point in nums.chunks(2) {
            let (x, y) = (point[0], point[1]);
            let outside = x <= -3.0 || x >= 213.0 || y <= -3.0 || y >= 300.0;
            assert!(outside, "{x},{y} in {segment}");
        }
    }
    let plain = Sheet::new(A3, &PrintOptions::default());
    assert_eq!(plain.viewbox, "0 0 297 420");
    assert!((plain.h - 297.0).abs() < 0.1);
}

#[test]
fn paper_sizes_by_name() {
    assert_eq!(paper_size("a4"), Some(A4));
    assert_eq!(paper_size("B2").unwrap().height_mm, 728.0);
    assert_eq!(paper_size("A5"), None);
}

/// Every text of a poster, with its glyphs' bounding box in millimetres from
/// the trim's top left.
fn text_boxes(tree: &usvg::Tree, sheet: &Sheet) -> Vec<(String, [f64; 4])> {
    fn walk(group: &usvg::Group, out: &mut Vec<(String, usvg::Rect)>) {
        for node in group.children() {
            match node {
                usvg::Node::Group(g) => walk(g, out),
                usvg::Node::Text(t) => {
                    let text: String = t.chunks().iter().map(|c| c.text()).collect();
                    // The flattened glyphs' box is in the text's own coordinates.
                    let tight = t.flattened().bounding_box();
                    out.push((text, tight.transform(t.abs_transform()).unwrap()));
                }
                _ => {}
            }
        }
    }
    let mut found = Vec::new();
    walk(tree.root(), &mut found);
    let mm = 25.4 / 96.0;
    let outer = sheet.bleed_mm + sheet.slug_mm;
    found
        .into_iter()
        .map(|(text, r)| {
            let f = |v: f32| f64::from(v) * mm - outer;
            (text, [f(r.left()), f(r.top()), f(r.right()), f(r.bottom())])
        })
        .collect()
}

#[test]
fn text_stays_inside_the_safe_area_and_never_overlaps() {
    let mut problems = Problems::new();
    let set = PosterSet::load(&theme_dir(), fonts(), &mut problems).unwrap();
    let mut inputs = Vec::new();
    for name in [
        "津市",
        "梼原町",
        "龍ケ崎市",
        "いちき串木野市",
        "北海道虻田郡ニセコ町の長い名前の例",
    ] {
        let mut input = input(name);
        input.local_department =
            Some("保健福祉部 長寿いきいき課 介護保険・地域包括ケア推進係".into());
        inputs.push(input.clone());
        input.url = None;
        input.illustrative = false;
        input.sample_notice = None;
        input.kpi_text = None;
        inputs.push(input);
    }
    let mut extreme = input("全国");
    extreme.headline_rate = Some(1.0);
    extreme.comparison = vec![bar("全国", 1.0), bar("いちき串木野市", 0.0)];
    extreme.offices = Some(181_566);
    extreme.using = Some(181_566);
    extreme.local_department = None;
    extreme.url = Some(format!("https://example.lg.jp/{}", "x".repeat(120)));
    inputs.push(extreme);
    let mut empty = input("梼原町");
    empty.headline_rate = None;
    empty.offices = None;
    empty.using = None;
    empty.comparison.clear();
    inputs.push(empty);

    for design in set.designs() {
        for size in [A4, A3, B3, B2] {
            for marks in [false, true] {
                let sheet = Sheet::new(
                    size,
                    &PrintOptions {
                        bleed_and_marks: marks,
                    },
                );
                for input in &inputs {
                    let svg = set.render_svg(&design, input, &sheet).unwrap();
                    let tree = set
                        .parse(&design, &svg, &sheet, &set.usvg_options())
                        .unwrap();
                    let boxes = text_boxes(&tree, &sheet);
                    assert!(boxes.len() > 10, "{design}: {}", boxes.len());
                    let margin = 5.0;
                    for (text, [l, t, r, b]) in &boxes {
                        assert!(
                            *l >= margin
                                && *t >= margin
                                && *r <= size.width_mm - margin
                                && *b <= size.height_mm - margin,
                            "{design} {} {}: 「{text}」 at {l:.1},{t:.1}–{r:.1},{b:.1} leaves the safe area",
                            size.name,
                            input.name
                        );
                    }
                    for (i, (a, ra)) in boxes.iter().enumerate() {
                        for (b, rb) in &boxes[i + 1..] {
                            let overlap =
                                ra[0] < rb[2] && rb[0] < ra[2] && ra[1] < rb[3] && rb[1] < ra[3];
                            assert!(
                                !overlap,
                                "{design} {} {}: 「{a}」 {ra:?} overlaps 「{b}」 {rb:?}",
                                size.name, input.name
                            );
                        }
                    }
                }
            }
        }
    }
}

/// Every leaf of a parsed poster (text, path) with its box in design units
/// (millimetres on A4) from the trim's top left, and the node's id.
fn leaf_boxes(tree: &usvg::Tree, sheet: &Sheet) -> Vec<(String, String, [f64; 4])> {
    fn walk(group: &usvg::Group, out: &mut Vec<(String, String, usvg::Rect)>) {
        for node in group.children() {
            match node {
                usvg::Node::Group(g) => walk(g, out),
                usvg::Node::Text(t) => {
                    let text: String = t.chunks().iter().map(|c| c.text()).collect();
                    let tight = t.flattened().bounding_box();
                    let rect = tight.transform(t.abs_transform()).unwrap();
                    out.push((t.id().to_string(), text, rect));
                }
                usvg::Node::Path(p) => {
                    out.push((p.id().to_string(), String::new(), p.abs_bounding_box()));
                }
                usvg::Node::Image(_) => {}
            }
        }
    }
    let mut found = Vec::new();
    walk(tree.root(), &mut found);
    let unit = 25.4 / 96.0 / sheet.scale;
    let outer = (sheet.bleed_mm + sheet.slug_mm) / sheet.scale;
    found
        .into_iter()
        .map(|(id, text, r)| {
            let f = |v: f32| f64::from(v) * unit - outer;
            (
                id,
                text,
                [f(r.left()), f(r.top()), f(r.right()), f(r.bottom())],
            )
        })
        .collect()
}

/// The space between the lowest thing drawn inside the box with `id` and
/// the box's bottom edge, in design units.
fn empty_band_below(boxes: &[(String, String, [f64; 4])], id: &str) -> f64 {
    let (_, _, frame) = boxes
        .iter()
        .find(|(i, _, _)| i == id)
        .unwrap_or_else(|| panic!("no #{id}"));
    let inside = boxes.iter().filter(|(i, _, b)| {
        i != id
            && b[0] >= frame[0] - 0.5
            && b[2] <= frame[2] + 0.5
            && b[1] >= frame[1] - 0.5
            && b[3] <= frame[3] + 0.5
    });
    let lowest = inside.map(|(_, _, b)| b[3]).fold(frame[1], f64::max);
    frame[3] - lowest
}

fn no_contact(mut input: PosterInput) -> PosterInput {
    input.local_department = None;
    input.local_phone = None;
    input.local_email = None;
    input.local_address = None;
    input.local_hours = None;
    input
}

#[test]
fn boxes_take_the_height_of_what_they_hold() {
    let mut problems = Problems::new();
    let set = PosterSet::load(&theme_dir(), fonts(), &mut problems).unwrap();
    let mut full = input("静岡市");
    full.local_email = Some("kaigo@city.shizuoka.example".into());
    full.local_address = Some("静岡市葵区（架空の住所）".into());
    full.local_hours = Some("平日 8:30〜17:15".into());
    let mut bare = no_contact(input("沼津市"));
    bare.url = None;
    let mut national = no_contact(input("全国"));
    national.site_kind = "national".into();
    national.comparison = vec![bar("全国", 0.046)];
    national.url = None;
    let mut prefecture = no_contact(input("静岡県"));
    prefecture.site_kind = "prefecture".into();
    prefecture.comparison = vec![bar("静岡県", 0.041), bar("全国", 0.046)];
    for design in set.designs() {
        for size in [A4, B2] {
            let sheet = Sheet::new(size, &PrintOptions::default());
            for site in [&full, &bare, &national, &prefecture] {
                let svg = set.render_svg(&design, site, &sheet).unwrap();
                let tree = set
                    .parse(&design, &svg, &sheet, &set.usvg_options())
                    .unwrap();
                let boxes = leaf_boxes(&tree, &sheet);
                let band = empty_band_below(&boxes, "contact-box");
                assert!(
                    band < 6.0,
                    "{design} {} {}: {band:.1} units empty at the bottom of the contact box",
                    size.name,
                    site.name
                );
                if design == "standard" {
                    let band = empty_band_below(&boxes, "status-box");
                    assert!(
                        band < 6.0,
                        "{design} {} {}: {band:.1} units empty at the bottom of the figures box",
                        size.name,
                        site.name
                    );
                }
            }
        }
    }
}

#[test]
fn the_url_under_the_qr_code_is_printed_at_7_pt_or_more() {
    let mut problems = Problems::new();
    let set = PosterSet::load(&theme_dir(), fonts(), &mut problems).unwrap();
    let mut long = input("いちき串木野市");
    long.url =
        Some("https://www.city.ichikikushikino.lg.jp/kenko/careplan/462161/index.html".into());
    for design in set.designs() {
        for site in [input("津市"), long.clone()] {
            // A4 is the smallest sheet: one design unit is 1 mm.
            let sheet = Sheet::new(A4, &PrintOptions::default());
            let svg = set.render_svg(&design, &site, &sheet).unwrap();
            let url = site.url.clone().unwrap();
            let doc = usvg::roxmltree::Document::parse(&svg).unwrap();
            let mut printed = String::new();
            for text in doc.descendants().filter(|n| n.has_tag_name("text")) {
                let content: String = text
                    .descendants()
                    .filter(|n| n.is_text())
                    .filter_map(|n| n.text())
                    .collect();
                if content.len() >= 4 && url.contains(content.trim()) {
                    let size: f64 = text
                        .ancestors()
                        .find_map(|a| a.attribute("font-size"))
                        .unwrap()
                        .parse()
                        .unwrap();
                    let points = size * sheet.scale * 72.0 / 25.4;
                    assert!(points >= 7.0, "{design}: 「{content}」 at {points:.1} pt");
                    printed.push_str(content.trim());
                }
            }
            assert_eq!(printed, url, "{design}: the whole URL is printed, in order");
        }
    }
}

#[test]
fn a_site_without_url_gets_the_national_sites_qr_code_and_says_so() {
    let mut problems = Problems::new();
    let set = PosterSet::load(&theme_dir(), fonts(), &mut problems).unwrap();
    let mut site = input("梼原町");
    site.url = None;
    site.national_url = Some("https://www.example.jp/careplan/".into());
    for design in set.designs() {
        let poster = set
            .render(&design, &site, A4, &PrintOptions::default(), date())
            .unwrap();
        assert!(poster.svg.contains("全国のサイトが開きます"), "{design}");
        assert!(!poster.svg.contains("梼原町のウェブサイト"), "{design}");
        assert!(
            poster.svg.contains("data-alt=\"QRコード: 全国のサイト（ケアプランデータ連携システム 普及支援サイト）https://www.example.jp/careplan/\""),
            "{design}"
        );
    }
    // A site with its own URL: its own page, named.
    let own = set
        .render(
            "standard",
            &input("梼原町"),
            A4,
            &PrintOptions::default(),
            date(),
        )
        .unwrap();
    assert!(own.svg.contains("梼原町のウェブサイト"));
    assert!(!own.svg.contains("全国のサイトが開きます"));
}

#[test]
fn the_national_poster_has_one_natural_headline() {
    let mut problems = Problems::new();
    let set = PosterSet::load(&theme_dir(), fonts(), &mut problems).unwrap();
    let mut national = input("全国");
    national.site_kind = "national".into();
    for design in set.designs() {
        let sheet = Sheet::new(A4, &PrintOptions::default());
        let svg = set.render_svg(&design, &national, &sheet).unwrap();
        let split = structure::split(&svg).unwrap();
        let h1 = &split.roots[0];
        assert_eq!(h1.role, structure::Role::H(1), "{design}");
        assert_eq!(
            h1.text, "ケアプランデータ連携システム 全国の介護事業所のみなさまへ",
            "{design}"
        );
    }
}

#[test]
fn wrap_breaks_a_url_after_a_slash_or_dot_and_keeps_every_character() {
    // One unit per character: lines of at most 12.
    let measure = |s: &str| s.chars().count() as f64;
    let url = "https://www.city.shizuoka.example/careplan/";
    let lines = wrap(url, 12.0, measure);
    assert_eq!(
        lines,
        vec![
            "https://www.",
            "city.",
            "shizuoka.",
            "example/",
            "careplan/"
        ]
    );
    assert_eq!(lines.concat(), url);
    // No break opportunity: between characters.
    assert_eq!(wrap("abcdefghij", 4.0, measure), vec!["abcd", "efgh", "ij"]);
    assert_eq!(wrap("short", 12.0, measure), vec!["short"]);
}

#[test]
fn a_figure_without_alt_text_or_an_unknown_role_is_a_load_error_with_template_and_line() {
    let broken = MINIMAL.replace(
        "</svg>",
        "<g data-tag=\"Figure\"><rect width=\"1\" height=\"1\"/></g>\n<text data-tag=\"Heading\">x</text>\n</svg>",
    );
    let dir = theme_with(&[("ok.svg", MINIMAL), ("broken.svg", &broken)]);
    let mut problems = Problems::new();
    assert!(PosterSet::load(dir.path(), fonts(), &mut problems).is_none());
    let found = problems.sorted();
    assert_eq!(found.len(), 2, "{found:?}");
    assert!(found.iter().all(|p| p.code == Code::PosterStructure));
    assert!(
        found
            .iter()
            .all(|p| p.location.path().unwrap().ends_with("posters/broken.svg"))
    );
    let lines: Vec<_> = found.iter().map(|p| p.location.line_number()).collect();
    assert_eq!(lines, [Some(3), Some(4)], "{found:?}");
    assert!(found[0].message.contains("data-alt"), "{}", found[0]);
    assert!(found[1].message.contains("Heading"), "{}", found[1]);
}

#[test]
fn a_role_written_with_markup_is_checked_when_the_poster_is_made() {
    let dynamic = MINIMAL.replace("<text x=", "<text data-tag=\"{{ design }}\" x=");
    let dir = theme_with(&[("Para.svg", &dynamic), ("P.svg", &dynamic)]);
    let mut problems = Problems::new();
    let set = PosterSet::load(dir.path(), fonts(), &mut problems).expect("loads");
    let err = set
        .render(
            "Para",
            &input("梼原町"),
            A4,
            &PrintOptions::default(),
            date(),
        )
        .err()
        .expect("unknown role");
    match &err {
        PosterError::Structure { template, message } => {
            assert!(template.ends_with("Para.svg"), "{err}");
            assert!(
                message.contains("Para") && message.contains("2 行"),
                "{err}"
            );
        }
        other => panic!("{other}"),
    }
    // A template that declares no role at all cannot make a tagged PDF.
    let plain = theme_with(&[("plain.svg", MINIMAL)]);
    let set_plain = PosterSet::load(plain.path(), fonts(), &mut problems).expect("loads");
    let err = set_plain
        .render(
            "plain",
            &input("梼原町"),
            A4,
            &PrintOptions::default(),
            date(),
        )
        .err()
        .expect("no roles");
    assert!(
        matches!(&err, PosterError::Structure { message, .. } if message.contains("data-tag")),
        "{err}"
    );
    // The same template with a known role makes a tagged PDF.
    let poster = set
        .render("P", &input("梼原町"), A4, &PrintOptions::default(), date())
        .unwrap();
    assert!(poster.pdf.starts_with(b"%PDF-1.7"));
}

#[test]
fn a_character_the_fonts_lack_is_named_instead_of_printed_as_a_box() {
    let mut problems = Problems::new();
    let set = PosterSet::load(&theme_dir(), fonts(), &mut problems).unwrap();
    let mut site = input("梼原町");
    site.local_department = Some("長寿介護課🙂".into());
    let err = set
        .render("standard", &site, A4, &PrintOptions::default(), date())
        .err()
        .expect("no glyph for 🙂");
    assert!(err.to_string().contains("「🙂」"), "{err}");
}
