use std::path::Path;
use std::sync::OnceLock;

use resvg::usvg;

use super::palette::{self, BANDS, BLUE, DARK, GREY, RED};
use super::*;
use crate::fonts::Fonts;
use crate::problems::Problems;

const TARGET: f64 = 0.30;

fn target() -> Target {
    Target::goal("市区町村の目標", TARGET)
}

fn reference(label: &str, rate: f64) -> RateBar {
    RateBar {
        label: label.to_string(),
        rate,
        emphasis: false,
        illustrative: false,
    }
}

fn fonts() -> &'static Fonts {
    static FONTS: OnceLock<Fonts> = OnceLock::new();
    FONTS.get_or_init(|| {
        let mut problems = Problems::new();
        let fonts = Fonts::load(
            &Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default/fonts"),
            &mut problems,
        );
        assert!(problems.is_empty(), "{:?}", problems.sorted());
        fonts
    })
}

fn bar(label: &str, rate: f64, emphasis: bool, illustrative: bool) -> RateBar {
    RateBar {
        label: label.to_string(),
        rate,
        emphasis,
        illustrative,
    }
}

fn date(y: i16, m: i8, d: i8) -> jiff::civil::Date {
    jiff::civil::date(y, m, d)
}

fn shizuoka_comparison() -> Chart {
    comparison(
        "静岡市",
        &[
            bar("静岡市", 0.078, true, true),
            bar("静岡県", 0.078, false, false),
            bar("全国", 0.046, false, false),
        ],
        &target(),
        fonts(),
    )
}

/// 35 municipalities of Shizuoka (names from the master list) with いちき串木野市 mixed in.
fn shizuoka_items() -> Vec<RateBar> {
    let csv = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("data/municipalities.csv"),
    )
    .unwrap();
    let mut names: Vec<String> = csv
        .lines()
        .skip(1)
        .filter_map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            (f.get(1) == Some(&"22") && !f[0].starts_with("2200")).then(|| f[3].to_string())
        })
        .collect();
    names.truncate(34);
    names.insert(7, "いちき串木野市".to_string());
    names
        .iter()
        .map(|n| {
            let h = u32::from_str_radix(&short_hash(n), 16).unwrap();
            let rate = if n == "静岡市" {
                0.078
            } else {
                f64::from(h % 160) / 1000.0
            };
            bar(n, rate, n == "静岡市", true)
        })
        .collect()
}

/// 190 municipalities (Hokkaido's size), own municipality and the nation marked.
fn long_ranking() -> Chart {
    let csv = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("data/municipalities.csv"),
    )
    .unwrap();
    let items: Vec<RateBar> = csv
        .lines()
        .skip(2)
        .take(190)
        .map(|l| {
            let name = l.split(',').nth(3).unwrap();
            let h = u32::from_str_radix(&short_hash(name), 16).unwrap();
            bar(name, f64::from(h % 400) / 1000.0, name == "札幌市", true)
        })
        .collect();
    ranking(
        "北海道",
        &items,
        &target(),
        Some(&reference("札幌市", 0.052)),
        Some(&reference("全国", 0.046)),
        fonts(),
    )
}

fn shizuoka_ranking() -> Chart {
    ranking(
        "静岡県",
        &shizuoka_items(),
        &target(),
        Some(&reference("静岡市", 0.078)),
        Some(&reference("全国", 0.046)),
        fonts(),
    )
}

/// The real 2023-11-06 prefecture figures as tiles.
fn real_tiles() -> Vec<Tile> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let csv = std::fs::read_to_string(root.join("data/adoption/2023-11-06.csv")).unwrap();
    csv.lines()
        .skip(1)
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            let offices: f64 = f[2].parse().unwrap();
            let using: f64 = f[3].parse().unwrap();
            Tile {
                prefecture: f[0].parse().unwrap(),
                name: f[1].to_string(),
                rate: Some(using / offices),
                illustrative: false,
            }
        })
        .collect()
}

fn trend_chart() -> Chart {
    trend(
        "静岡市",
        "利用率",
        &[
            TrendPoint {
                date: date(2024, 11, 6),
                rate: 0.061,
                illustrative: true,
            },
            TrendPoint {
                date: date(2023, 11, 6),
                rate: 0.046,
                illustrative: false,
            },
            TrendPoint {
                date: date(2025, 11, 6),
                rate: 0.078,
                illustrative: true,
            },
        ],
        Some(&target()),
        fonts(),
    )
}

/// A crowded trend: monthly snapshots, values close to each other and to the target.
fn monthly_trend() -> Chart {
    let monthly: Vec<TrendPoint> = (1..=12)
        .map(|m| TrendPoint {
            date: date(2024, m, 1),
            rate: 0.27 + f64::from(m) * 0.003,
            illustrative: m > 6,
        })
        .collect();
    trend("静岡市", "利用率", &monthly, Some(&target()), fonts())
}

fn distribution_chart() -> Chart {
    let rates: Vec<f64> = shizuoka_items()
        .iter()
        .map(|b| b.rate)
        .chain([0.31, 0.05, 0.30])
        .collect();
    distribution("静岡県", &rates, true, &target(), fonts())
}

fn kpi_chart() -> Chart {
    kpi_progress(
        "静岡市",
        "利用率",
        0.078,
        &target(),
        "あと 1,234 事業所",
        false,
        fonts(),
    )
}

fn all_charts() -> Vec<Chart> {
    vec![
        shizuoka_comparison(),
        kpi_chart(),
        kpi_progress(
            "静岡県",
            "市区町村の目標を達成した市区町村の割合",
            0.12,
            &Target::goal("都道府県の目標", 0.5),
            "あと 14 市町",
            true,
            fonts(),
        ),
        trend_chart(),
        shizuoka_ranking(),
        tile_map(&real_tiles(), &target(), fonts()),
        distribution_chart(),
    ]
}

fn parse(svg: &str) -> usvg::Tree {
    let options = usvg::Options {
        fontdb: fonts().database(),
        ..Default::default()
    };
    usvg::Tree::from_str(svg, &options).unwrap_or_else(|e| panic!("{e}: {svg}"))
}

/// The value of `attr` on every element whose start tag contains `marker`.
fn attr_values(svg: &str, marker: &str, attr: &str) -> Vec<String> {
    svg.split('<')
        .filter(|tag| tag.contains(marker))
        .filter_map(|tag| {
            let start = tag.find(&format!(" {attr}=\""))? + attr.len() + 3;
            let end = tag[start..].find('"')? + start;
            Some(tag[start..end].to_string())
        })
        .collect()
}

fn x_of(svg: &str, marker: &str) -> f64 {
    let v = attr_values(svg, marker, "x1");
    assert_eq!(v.len(), 1, "one element with {marker}");
    v[0].parse().unwrap()
}

#[test]
fn ranking_is_descending_with_ties_by_name() {
    let items = vec![
        bar("浜松市", 0.05, false, false),
        bar("沼津市", 0.10, false, false),
        bar("熱海市", 0.05, false, false),
        bar("三島市", 0.20, false, false),
        bar("伊東市", 0.0501, false, false),
    ];
    let order: Vec<(usize, &str)> = ranking::ranked(&items)
        .iter()
        .map(|(r, b)| (*r, b.label.as_str()))
        .collect();
    // 伊東市, 浜松市 and 熱海市 all show 5.0%: they tie, share the rank and are ordered by name.
    let mut tied = ["伊東市", "浜松市", "熱海市"];
    tied.sort();
    assert_eq!(
        order,
        vec![
            (1, "三島市"),
            (2, "沼津市"),
            (3, tied[0]),
            (3, tied[1]),
            (3, tied[2])
        ]
    );
    let chart = ranking("静岡県", &items, &target(), None, None, fonts());
    let names: Vec<&str> = chart.table.rows.iter().map(|r| r[1].as_str()).collect();
    assert_eq!(names, vec!["三島市", "沼津市", tied[0], tied[1], tied[2]]);
    // The bars appear in the same order, longest first.
    let widths: Vec<f64> = attr_values(&chart.svg, r#"class="bar""#, "width")
        .iter()
        .map(|w| w.parse().unwrap())
        .collect();
    assert_eq!(widths.len(), 5);
    assert!(widths.windows(2).all(|w| w[0] >= w[1]), "{widths:?}");
}

#[test]
fn target_line_sits_at_the_target_on_the_axis() {
    for chart in [shizuoka_comparison(), shizuoka_ranking(), kpi_chart()] {
        let svg = &chart.svg;
        let x0 = x_of(svg, r#"data-value="0""#);
        let x10 = x_of(svg, r#"data-value="100""#);
        let x30 = x_of(svg, r#"data-value="300""#);
        let target = x_of(svg, r#"class="target""#);
        assert!(
            (x30 - target).abs() < 0.11,
            "{}: target at {target}, 30% tick at {x30}",
            chart.id
        );
        assert!(
            (x0 + 3.0 * (x10 - x0) - target).abs() < 0.3,
            "{}: axis is linear",
            chart.id
        );
        assert!(svg.contains("目標 30%"), "{}", chart.id);
    }
    // The bars are to scale on the same axis: 7.8% is 0.78 of the 10% tick.
    let svg = shizuoka_comparison().svg;
    let x0 = x_of(&svg, r#"data-value="0""#);
    let x10 = x_of(&svg, r#"data-value="100""#);
    let w: f64 = attr_values(&svg, r#"class="bar""#, "width")[0]
        .parse()
        .unwrap();
    assert!((w - 0.78 * (x10 - x0)).abs() < 0.2, "{w}");
    // The trend's target line is horizontal at 30% on the y axis.
    let svg = trend_chart().svg;
    let y = |m: &str| -> f64 { attr_values(&svg, m, "y1")[0].parse().unwrap() };
    let (y0, y10, yt) = (
        y(r#"data-value="0""#),
        y(r#"data-value="100""#),
        y(r#"class="target""#),
    );
    assert!((y0 + 3.0 * (y10 - y0) - yt).abs() < 0.3);
}

#[test]
fn tile_layout_covers_47_prefectures_once_in_distinct_cells() {
    let mut codes: Vec<u8> = TILE_LAYOUT.iter().map(|t| t.0).collect();
    codes.sort();
    assert_eq!(codes, (1..=47).collect::<Vec<u8>>());
    let mut cells: Vec<(u8, u8)> = TILE_LAYOUT.iter().map(|t| (t.3, t.4)).collect();
    cells.sort();
    cells.dedup();
    assert_eq!(cells.len(), 47, "two prefectures share a cell");
    // Geography sanity: Hokkaido is north-east of Okinawa, Tokyo east of Osaka.
    let cell = |n: u8| {
        TILE_LAYOUT
            .iter()
            .find(|t| t.0 == n)
            .map(|t| (t.3, t.4))
            .unwrap()
    };
    assert!(cell(1).0 > cell(47).0 && cell(1).1 < cell(47).1);
    assert!(cell(13).0 > cell(27).0);

    // The rendered map has every prefecture exactly once, even if the input repeats or misses some.
    let mut tiles = real_tiles();
    tiles.retain(|t| t.prefecture != 13);
    tiles.push(Tile {
        prefecture: 1,
        name: "北海道".to_string(),
        rate: Some(0.9),
        illustrative: false,
    });
    let chart = tile_map(&tiles, &target(), fonts());
    let mut drawn = attr_values(&chart.svg, r#"class="tile""#, "data-code");
    assert_eq!(drawn.len(), 47);
    drawn.sort();
    drawn.dedup();
    assert_eq!(drawn.len(), 47);
    assert!(chart.svg.contains("データなし"));
    assert!(
        chart.description.contains("東京都はデータがありません"),
        "{}",
        chart.description
    );
    let tokyo = chart.table.rows.iter().find(|r| r[0] == "東京都").unwrap();
    assert_eq!(tokyo[1], "データなし");
    // The first tile given for a code wins (北海道's real 4.0%, not the duplicate).
    assert_eq!(chart.table.rows[0], vec!["北海道", "4.0%", "3〜5%"]);
}

#[test]
fn descriptions_carry_the_figures() {
    let c = shizuoka_comparison();
    assert!(
        c.description.starts_with(
            "静岡市の利用率は7.8%（サンプル値）で、市区町村の目標（30%）まであと22.2ポイントです。"
        ),
        "{}",
        c.description
    );
    assert!(
        c.description.contains("静岡県は7.8%、全国は4.6%です。"),
        "{}",
        c.description
    );
    assert!(
        c.description
            .ends_with("静岡市は静岡県と同じ、全国より3.2ポイント高い水準です。"),
        "{}",
        c.description
    );
    assert_eq!(c.table.rows[2], vec!["全国", "4.6%", "あと25.4ポイント"]);

    let k = kpi_chart();
    assert_eq!(
        k.description,
        "静岡市の利用率は7.8%で、市区町村の目標（30%）まであと22.2ポイント（あと 1,234 事業所）です。"
    );

    let t = trend_chart();
    assert!(
        t.description
            .starts_with("静岡市の利用率は2023年11月6日の4.6%から2025年11月6日の7.8%へ、3.2ポイント上がりました（3時点）。"),
        "{}",
        t.description
    );
    assert_eq!(t.table.rows[0], vec!["2023年11月6日", "4.6%"]);

    let r = shizuoka_ranking();
    assert!(
        r.description
            .starts_with("静岡県の35市区町村のうち、利用率が最も高いのは"),
        "{}",
        r.description
    );
    let own_rank = &r.table.rows.iter().find(|row| row[1] == "静岡市").unwrap()[0];
    assert!(
        r.description
            .contains(&format!("静岡市は35市区町村中{own_rank}位で、7.8%です。")),
        "{}",
        r.description
    );
    assert!(r.description.contains("全国の利用率は4.6%です。"));

    let m = tile_map(&real_tiles(), &Target::level(TARGET), fonts());
    // Prefecture rates have no goal: the tile map counts a level, under its own name.
    assert!(
        m.description.contains("利用率が30%以上の都道府県は") && !m.description.contains("目標"),
        "{}",
        m.description
    );
    assert!(
        m.description.contains("最も高いのは鳥取県の17.8%"),
        "{}",
        m.description
    );
    assert!(
        m.description.contains("最も低いのは島根県、宮崎県の2.1%"),
        "{}",
        m.description
    );

    let d = distribution_chart();
    assert!(
        d.description
            .starts_with("静岡県の38市区町村を利用率で分けると、"),
        "{}",
        d.description
    );
    assert!(
        d.description
            .contains("市区町村の目標（30%）を達成しているのは2市区町村です。"),
        "{}",
        d.description
    );
    let total: usize = d
        .table
        .rows
        .iter()
        .map(|r| r[1].parse::<usize>().unwrap())
        .sum();
    assert_eq!(total, 38);
    assert_eq!(
        d.table.rows.last().unwrap(),
        &vec!["30%以上".to_string(), "2".to_string()]
    );
}

#[test]
fn distribution_bands_count_by_the_shown_value() {
    let b = distribution::bands(
        &[0.0, 0.0494, 0.04999, 0.05, 0.2994, 0.29999, 0.3, 1.0],
        TARGET,
    );
    let counts: Vec<usize> = b.iter().map(|(_, c)| *c).collect();
    // 0.04999 shows as 5.0% and 0.29999 as 30.0%, so they count in the higher band.
    assert_eq!(counts, vec![2, 2, 0, 0, 0, 1, 3]);
}

#[test]
fn every_chart_is_an_accessible_self_contained_svg() {
    for chart in all_charts() {
        let svg = &chart.svg;
        let id = &chart.id;
        assert!(svg.starts_with("<svg ") && svg.ends_with("</svg>"), "{id}");
        assert!(svg.contains(r#"role="img""#), "{id}");
        assert!(
            svg.contains(&format!(r#"aria-labelledby="{id}-title {id}-desc""#)),
            "{id}"
        );
        let title_at = svg
            .find(&format!(r#"<title id="{id}-title">"#))
            .expect("title");
        let desc_at = svg
            .find(&format!(r#"<desc id="{id}-desc">"#))
            .expect("desc");
        // title and desc are the first children.
        assert_eq!(&svg[svg.find('>').unwrap() + 1..title_at], "", "{id}");
        assert!(desc_at > title_at);
        assert!(
            svg.contains(&super::canvas::escape(&chart.description)),
            "{id}"
        );
        assert!(
            svg.contains(r#"viewBox="0 0 "#) && svg.contains(r#"width="100%""#),
            "{id}"
        );
        assert!(!svg.contains("height=\"100%\""));
        assert!(
            svg.contains(r#"font-family="BIZ UDPGothic, &#39;Hiragino Sans&#39;"#),
            "{id}"
        );
        // No external references: the only URL is the SVG namespace.
        assert_eq!(svg.matches("http").count(), 1, "{id}");
        assert!(!svg.contains("href"), "{id}");
        // Every piece of text is at least 12px.
        for size in attr_values(svg, "<text", "font-size") {
            assert!(
                size.parse::<f64>().unwrap() >= 12.0,
                "{id}: font-size {size}"
            );
        }
        let tree = parse(svg);
        assert!(tree.size().width() <= 760.0, "{id}");
        assert!(
            !chart.table.rows.is_empty() && !chart.table.caption.is_empty(),
            "{id}"
        );
        for row in &chart.table.rows {
            assert_eq!(row.len(), chart.table.columns.len(), "{id}");
        }
    }
}

/// Text boxes of a parsed chart, in SVG user units.
fn text_boxes(node: &usvg::Group, out: &mut Vec<(String, usvg::Rect)>) {
    for child in node.children() {
        match child {
            usvg::Node::Group(g) => text_boxes(g, out),
            usvg::Node::Text(t) => {
                let text: String = t.chunks().iter().map(|c| c.text().to_string()).collect();
                out.push((text, t.abs_bounding_box()));
            }
            _ => {}
        }
    }
}

/// No text runs outside the viewBox, and no two pieces of text overlap (measured by usvg's layout).
fn assert_text_fits(chart: &Chart) {
    let tree = parse(&chart.svg);
    let size = tree.size();
    let mut boxes = Vec::new();
    text_boxes(tree.root(), &mut boxes);
    assert!(!boxes.is_empty(), "{}", chart.id);
    for (text, b) in &boxes {
        assert!(
            b.left() >= 0.0
                && b.top() >= 0.0
                && b.right() <= size.width()
                && b.bottom() <= size.height(),
            "{}: {text:?} at {b:?} is outside {size:?}",
            chart.id
        );
    }
    for (i, (ta, a)) in boxes.iter().enumerate() {
        for (tb, b) in &boxes[i + 1..] {
            let overlap_x = a.right().min(b.right()) - a.left().max(b.left());
            let overlap_y = a.bottom().min(b.bottom()) - a.top().max(b.top());
            assert!(
                overlap_x <= 0.5 || overlap_y <= 0.5,
                "{}: {ta:?} {a:?} overlaps {tb:?} {b:?}",
                chart.id
            );
        }
    }
}

#[test]
fn no_text_is_cut_off_or_overlapping() {
    for chart in all_charts() {
        assert_text_fits(&chart);
    }
    assert_text_fits(&long_ranking());
    // A crowded trend: monthly snapshots, values close to each other and to the target.
    let chart = monthly_trend();
    assert_text_fits(&chart);
    // Every point is still in the table even when its label had to be left off the chart.
    assert_eq!(chart.table.rows.len(), 12);
    // The latest date is labelled (the year above the month and day), and labels are spread
    // evenly (every k-th point).
    assert!(chart.svg.contains(">2024年</text>") && chart.svg.contains(">12月1日</text>"));
    let dates = chart.svg.matches("月1日</text>").count();
    assert!((3..12).contains(&dates), "{dates} date labels");
}

#[test]
fn comparison_structure() {
    let svg = shizuoka_comparison().svg;
    // Three bars in input order: the site hatched (illustrative) in blue, the others solid grey.
    let fills = attr_values(&svg, r#"class="bar""#, "fill");
    assert_eq!(
        fills,
        vec!["url(#chart-comparison-hatch-blue)", GREY, GREY],
        "{svg}"
    );
    assert!(svg.contains(r#"<pattern id="chart-comparison-hatch-blue""#));
    assert_eq!(svg.matches(r#"class="target""#).count(), 1);
    // Labels, values and the footnote are written on the chart, not only coloured.
    for text in [
        ">静岡市</text>",
        ">静岡県</text>",
        ">全国</text>",
        ">7.8%</text>",
        ">4.6%</text>",
        "斜線の棒はサンプル（架空）の値です。",
    ] {
        assert!(svg.contains(text), "{text}");
    }
    // The site's own name is bold.
    assert!(
        svg.contains(r##"font-weight="bold" fill="#1A1A1A">静岡市</text>"##),
        "{svg}"
    );
}

#[test]
fn long_names_are_measured_not_counted() {
    let items = vec![
        bar("いちき串木野市", 0.05, false, false),
        bar("町", 0.04, false, false),
        bar(
            "とても長い名前の架空の市区町村でございます市",
            0.03,
            false,
            false,
        ),
    ];
    let chart = ranking("鹿児島県", &items, &target(), None, None, fonts());
    assert!(chart.svg.contains(">いちき串木野市</text>"));
    // The absurdly long name is shortened on the chart (full name in a tooltip and the table).
    assert!(chart.svg.contains("…</text>"));
    assert!(
        chart
            .svg
            .contains("<title>とても長い名前の架空の市区町村でございます市</title>")
    );
    assert_eq!(
        chart.table.rows[2][1],
        "とても長い名前の架空の市区町村でございます市"
    );
    parse(&chart.svg);
}

#[test]
fn text_is_escaped() {
    let chart = comparison(
        "A&B<市>",
        &[
            bar("A&B<市>\"", 0.1, true, false),
            bar("全国", 0.046, false, false),
        ],
        &target(),
        fonts(),
    );
    assert!(chart.svg.contains("A&amp;B&lt;市&gt;&quot;"));
    assert!(!chart.svg.contains("<市>"));
    parse(&chart.svg);
}

#[test]
fn rendering_is_deterministic() {
    let a: Vec<String> = all_charts().into_iter().map(|c| c.svg).collect();
    let b: Vec<String> = all_charts().into_iter().map(|c| c.svg).collect();
    assert_eq!(a, b);
    let p1 = ogp_png(
        "静岡市",
        "利用率 7.8%",
        "目標 30% まであと 22.2 ポイント",
        fonts(),
    );
    let p2 = ogp_png(
        "静岡市",
        "利用率 7.8%",
        "目標 30% まであと 22.2 ポイント",
        fonts(),
    );
    assert_eq!(p1, p2);
}

#[test]
fn ogp_png_is_1200_by_630() {
    let png = ogp_png(
        "ケアプランデータ連携システム 静岡市",
        "利用率 7.8%（2023年11月6日）",
        "目標の30%まであと22.2ポイント",
        fonts(),
    );
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
    assert_eq!(&png[12..16], b"IHDR");
    let w = u32::from_be_bytes(png[16..20].try_into().unwrap());
    let h = u32::from_be_bytes(png[20..24].try_into().unwrap());
    assert_eq!((w, h), (1200, 630));
    // The text was actually drawn (a blank image compresses to almost nothing).
    assert!(png.len() > 20_000, "{}", png.len());
}

#[test]
fn palette_meets_contrast() {
    for c in [BLUE, RED, GREY, DARK] {
        assert!(palette::contrast(c, "#FFFFFF") >= 3.0, "{c}");
    }
    assert!(
        palette::contrast(BLUE, "#FFFFFF") >= 4.5,
        "blue is also used for text"
    );
    for fill in BANDS {
        let ink = palette::text_on(fill);
        assert!(palette::contrast(fill, ink) >= 4.5, "{fill} with {ink}");
    }
    // Tile bands get lighter to darker, so order survives any colour vision.
    assert!(
        BANDS
            .windows(2)
            .all(|w| palette::luminance(w[0]) > palette::luminance(w[1]))
    );
}

#[test]
fn ids_are_distinct_on_a_page() {
    let mut ids: Vec<String> = all_charts().into_iter().map(|c| c.id).collect();
    let n = ids.len();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), n);
}

#[test]
fn degenerate_inputs_still_render() {
    let f = fonts();
    let charts = vec![
        comparison("静岡市", &[], &target(), f),
        trend("静岡市", "利用率", &[], Some(&target()), f),
        trend(
            "静岡市",
            "利用率",
            &[TrendPoint {
                date: date(2023, 11, 6),
                rate: f64::NAN,
                illustrative: false,
            }],
            Some(&target()),
            f,
        ),
        ranking("静岡県", &[], &target(), None, None, f),
        tile_map(&[], &target(), f),
        distribution("静岡県", &[], false, &target(), f),
        kpi_progress("全国", "利用率", 0.9, &target(), "", false, f),
    ];
    for c in charts {
        parse(&c.svg);
        assert!(!c.description.is_empty());
    }
}

/// Render the sample charts to PNG at 320 and 1280 px wide for a visual check:
/// `CHARTS_PREVIEW=/tmp/charts cargo test --lib charts::tests::preview -- --ignored`.
#[test]
#[ignore]
fn preview() {
    let dir = std::env::var("CHARTS_PREVIEW").unwrap_or_else(|_| "/tmp/charts-preview".to_string());
    std::fs::create_dir_all(&dir).unwrap();
    let started = std::time::Instant::now();
    for _ in 0..10 {
        all_charts();
        long_ranking();
    }
    eprintln!(
        "10 x (7 charts + a 190-row ranking): {:?}",
        started.elapsed()
    );
    let names = [
        "comparison",
        "kpi",
        "kpi2",
        "trend",
        "ranking",
        "tile_map",
        "distribution",
    ];
    for (chart, name) in all_charts().into_iter().zip(names) {
        std::fs::write(format!("{dir}/{name}.svg"), &chart.svg).unwrap();
        let tree = parse(&chart.svg);
        for width in [320u32, 1280] {
            let scale = width as f32 / tree.size().width();
            let height = (tree.size().height() * scale).ceil() as u32;
            let mut pixmap = resvg::tiny_skia::Pixmap::new(width, height).unwrap();
            pixmap.fill(resvg::tiny_skia::Color::WHITE);
            resvg::render(
                &tree,
                resvg::tiny_skia::Transform::from_scale(scale, scale),
                &mut pixmap.as_mut(),
            );
            pixmap
                .save_png(format!("{dir}/{name}-{width}.png"))
                .unwrap();
        }
    }
    let mut tiles = real_tiles();
    tiles.retain(|t| t.prefecture != 13 && t.prefecture != 46);
    tiles[0].rate = Some(0.31);
    tiles[1].rate = Some(0.25);
    let extra = [
        ("tile_map_missing", tile_map(&tiles, &target(), fonts())),
        ("ranking190", long_ranking()),
        ("trend_monthly", monthly_trend()),
    ];
    for (name, chart) in extra {
        std::fs::write(format!("{dir}/{name}.svg"), &chart.svg).unwrap();
        let tree = parse(&chart.svg);
        let scale = 1280.0 / tree.size().width();
        let height = (tree.size().height() * scale).ceil() as u32;
        // Long charts: the top and the bottom 1,200 px.
        for (part, shift) in [("top", 0.0), ("bottom", (height as f32 - 1200.0).max(0.0))] {
            let mut pixmap = resvg::tiny_skia::Pixmap::new(1280, height.min(1200)).unwrap();
            pixmap.fill(resvg::tiny_skia::Color::WHITE);
            let transform =
                resvg::tiny_skia::Transform::from_scale(scale, scale).post_translate(0.0, -shift);
            resvg::render(&tree, transform, &mut pixmap.as_mut());
            pixmap
                .save_png(format!("{dir}/{name}-1280-{part}.png"))
                .unwrap();
        }
    }
    let png = ogp_png(
        "静岡市",
        "利用率 7.8%",
        "目標 30% まであと 22.2 ポイント（2023年11月6日現在）",
        fonts(),
    );
    std::fs::write(format!("{dir}/ogp.png"), png).unwrap();
    let png = ogp_png(
        "ケアプランデータ連携システム 鹿児島県いちき串木野市 介護保険課のご案内",
        "利用率 12.3%",
        "目標 30% まであと 17.7 ポイント。導入の手順、補助金、よくある質問をまとめています。",
        fonts(),
    );
    std::fs::write(format!("{dir}/ogp-long.png"), png).unwrap();
}

#[test]
fn long_rankings_get_a_small_screen_excerpt() {
    // 35 rows: the wide form has them all, the small form the top and bottom five.
    let chart = shizuoka_ranking();
    assert_eq!(attr_values(&chart.svg, r#"class="bar""#, "width").len(), 35);
    let small = chart.small_svg.as_deref().expect("a small-screen form");
    assert!(
        small.contains(r#"aria-labelledby="chart-ranking-small-title chart-ranking-small-desc""#)
    );
    assert!(small.contains("（抜粋）</title>"));
    let own_rank: usize = chart.table.rows.iter().find(|r| r[1] == "静岡市").unwrap()[0]
        .parse()
        .unwrap();
    let ranks: Vec<String> = chart
        .table
        .rows
        .iter()
        .map(|r| format!(">{}位</text>", r[0]))
        .collect();
    for rank in ranks[..5].iter().chain(&ranks[30..]) {
        assert!(small.contains(rank.as_str()), "{rank}");
    }
    // 静岡市 (the site's own row) is kept with its neighbours, each gap marked with "…".
    assert!(small.contains(">静岡市</text>"), "own row kept");
    assert!(small.contains(&format!(">{}位</text>", own_rank)));
    let bars = attr_values(small, r#"class="bar""#, "width").len();
    assert!((10..=13).contains(&bars), "{bars} bars");
    assert!(small.matches(">…</text>").count() >= 1);
    // The excerpt is as legible as every other chart: nothing cut off or overlapping.
    let excerpt = Chart {
        svg: small.to_string(),
        id: "chart-ranking-small".to_string(),
        ..chart.clone()
    };
    assert_text_fits(&excerpt);
    assert!(
        parse(small).size().width() <= 360.0,
        "the small form is as wide as a phone's content column"
    );
    // A short ranking needs no excerpt.
    assert!(long_names_ranking().small_svg.is_none());
    // The 190-row ranking's excerpt too.
    let long = long_ranking();
    let small = long.small_svg.unwrap();
    let last_rank = &long.table.rows.last().unwrap()[0];
    assert!(small.contains(">札幌市</text>"));
    assert!(small.contains(&format!(">{last_rank}位</text>")));
}

fn long_names_ranking() -> Chart {
    ranking(
        "静岡県",
        &[
            bar("静岡市", 0.078, true, false),
            bar("浜松市", 0.05, false, false),
        ],
        &target(),
        None,
        None,
        fonts(),
    )
}

#[test]
fn sample_values_are_marked_on_the_tile_map_and_the_distribution() {
    let mut tiles = real_tiles();
    for t in tiles.iter_mut().take(3) {
        t.illustrative = true;
    }
    let chart = tile_map(&tiles, &target(), fonts());
    // Three corner marks on the tiles and one in the legend.
    assert_eq!(chart.svg.matches(r#"class="sample""#).count(), 4);
    assert!(chart.svg.contains(">サンプル（架空）の値</text>"));
    assert!(
        chart
            .description
            .contains("3都道府県の値はサンプル（架空）です")
    );
    assert_eq!(chart.table.rows[0][1], "4.0%（サンプル）");
    assert!(!chart.table.rows[3][1].contains("サンプル"));
    assert_text_fits(&chart);
    // Without samples, no mark.
    let chart = tile_map(&real_tiles(), &target(), fonts());
    assert!(!chart.svg.contains(r#"class="sample""#) && !chart.description.contains("サンプル"));

    let d = distribution_chart();
    assert!(
        d.svg
            .contains(">サンプル（架空）の値を含む集計です。</text>")
    );
    assert!(
        d.description
            .ends_with("サンプル（架空）の値を含む集計です。")
    );
    assert!(d.table.caption.contains("サンプル"));
    let plain = distribution("全国", &[0.1, 0.2], false, &target(), fonts());
    assert!(!plain.svg.contains("サンプル") && !plain.table.caption.contains("サンプル"));
}

#[test]
fn a_kpi_from_sample_figures_is_hatched_and_footnoted() {
    let sample = kpi_progress("静岡市", "利用率", 0.2, &target(), "", true, fonts());
    assert_eq!(
        attr_values(&sample.svg, r#"class="bar""#, "fill"),
        vec![format!("url(#{}-hatch-blue)", sample.id)]
    );
    assert!(
        sample
            .svg
            .contains(">斜線の棒はサンプル（架空）の値です。</text>")
    );
    assert!(
        sample
            .description
            .ends_with("斜線の棒はサンプル（架空）の値です。")
    );
    assert_eq!(sample.table.rows[0][1], "20.0%（サンプル）");
    assert_text_fits(&sample);
    let real = kpi_chart();
    assert_eq!(attr_values(&real.svg, r#"class="bar""#, "fill"), vec![BLUE]);
    assert!(!real.svg.contains("サンプル") && !real.description.contains("サンプル"));
}
