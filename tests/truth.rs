//! What a reader sees is true to its data: every figure from a sample
//! snapshot is marked wherever it is shown, a real one is not, and each
//! goal is named for what it counts (issue 12, items 1 and 2).
//!
//! The `basic` fixture has a real prefecture snapshot (2023-11-06.csv) and an
//! illustrative municipal one (2024-11-05-municipalities-sample.csv), whose
//! sums are the prefecture and national figures of 2024-11-05.

mod common;

use std::fs;
use std::process::Command;

use common::Fixture;

/// The SVG of the chart with this id on a page.
/// (`id` ends with `-` for a prefix: `chart-kpi-`.) From its `<figure>` to
/// the end of its description.
fn chart<'a>(html: &'a str, id: &str) -> &'a str {
    let needle = if id.ends_with('-') {
        format!("id=\"{id}")
    } else {
        format!("id=\"{id}-title\"")
    };
    let at = html
        .find(&needle)
        .unwrap_or_else(|| panic!("no chart {id}"));
    let start = html[..at].rfind("<figure").unwrap();
    let end = html[at..].find("</figure>").unwrap() + at;
    &html[start..end]
}

fn csv(fx: &Fixture, rel: &str) -> String {
    let bytes = fs::read(fx.out().join(rel)).unwrap();
    String::from_utf8(bytes[3..].to_vec()).unwrap()
}

#[test]
fn a_sample_snapshot_marks_every_chart_table_and_download_it_reaches() {
    let fx = Fixture::new("basic");
    fx.build_ok();

    // National: the headline, tile map, ranking, distribution and KPI counts
    // all come from the sample snapshot's sums.
    let national = fx.read("index.html");
    assert!(
        national.contains(
            "このページの2023年11月6日時点の市区町村と2024年11月5日時点の数値は、説明用の架空データ（サンプル）です。"
        ) || national.contains("このページの2024年11月5日時点の数値は、説明用の架空データ（サンプル）です。"),
        "the notice names the sample snapshot: {national}"
    );
    assert!(
        national.contains("2023年11月6日時点の数値は、2023-11-06.csv（"),
        "the notice cites the real file: {national}"
    );
    assert!(chart(&national, "chart-tile-map").contains("サンプル（架空）"));
    assert!(chart(&national, "chart-ranking").contains("斜線の棒はサンプル（架空）の値です。"));
    assert!(chart(&national, "chart-distribution").contains("サンプル（架空）の値を含む"));
    let kpi_card = &national[national.find("id=\"kpi-heading\"").unwrap()..];
    let kpi_card = &kpi_card[..kpi_card.find("</section>").unwrap()];
    assert!(kpi_card.contains("badge-sample"), "{kpi_card}");
    // The trend marks the sample point and not the real one.
    let trend = chart(&national, "chart-trend");
    let trend = &trend[trend.find("<table").unwrap()..];
    assert!(
        trend.contains("2024年11月5日</th><td class=\"nowrap\">6.7%（サンプル）</td>"),
        "{trend}"
    );
    assert!(
        trend.contains("2023年11月6日</th><td class=\"nowrap\">5.5%</td>"),
        "{trend}"
    );
    // The children table marks each sample row, not the others.
    let children = &national[national.find("id=\"children-heading\"").unwrap()..];
    assert!(children.contains("badge-sample"), "{children}");

    // Prefecture: its ranking, its own reference line, its goal count.
    let prefecture = fx.read("p/220001/index.html");
    let ranking = chart(&prefecture, "chart-ranking");
    assert!(
        ranking.contains(
            "静岡県の利用率は25.6%（サンプル値）です。全国の利用率は6.7%（サンプル値）です。"
        ),
        "{ranking}"
    );
    assert!(ranking.contains("斜線の棒はサンプル（架空）の値です。"));
    let goal = chart(&prefecture, "chart-kpi-");
    assert!(goal.contains("サンプル"), "{goal}");

    // Municipality: the comparison chart says which bars are samples.
    let city = fx.read("m/221007/index.html");
    assert!(chart(&city, "chart-comparison").contains("（サンプル値）"));

    // Downloads: a field per row, and the page's notice written from the rows.
    let rows = csv(&fx, "data/adoption-national.csv");
    assert!(
        rows.lines()
            .next()
            .unwrap()
            .ends_with(",架空データ,出典ファイル")
    );
    assert!(
        rows.contains("2023-11-06,000000,全国,national,12471,689,0.0552,,false,2023-11-06.csv"),
        "{rows}"
    );
    assert!(
        rows.contains(
            "2024-11-05,000000,全国,national,4850,324,0.0668,,true,2024-11-05-municipalities-sample.csv"
        ),
        "{rows}"
    );
    let json: serde_json::Value =
        serde_json::from_slice(&fs::read(fx.out().join("data/adoption-national.json")).unwrap())
            .unwrap();
    assert_eq!(json["rows"][0]["illustrative"], false);
    assert_eq!(
        json["sources"][1]["file"],
        "2024-11-05-municipalities-sample.csv"
    );
    assert_eq!(json["sources"][1]["illustrative"], true);
    let downloads = fx.read("downloads.html");
    assert!(
        downloads.contains(
            "このページのファイルの2024年11月5日時点の数値は、説明用の架空データ（サンプル）です。"
        ),
        "{downloads}"
    );
}

#[test]
fn a_real_snapshot_is_not_marked() {
    let fx = Fixture::new("basic");
    fs::remove_file(
        fx.project()
            .join("data/adoption/2024-11-05-municipalities-sample.csv"),
    )
    .unwrap();
    fx.build_ok();
    for page in ["index.html", "p/220001/index.html", "p/010006/index.html"] {
        let html = fx.read(page);
        assert!(
            !html.contains("notice-sample"),
            "{page}: {}",
            &html[html.find("notice-sample").unwrap_or(0)..][..400]
        );
        assert!(!html.contains("サンプル（架空）"), "{page}");
        assert!(!html.contains("（サンプル"), "{page}");
        // (An illustrative guide in the list keeps its own サンプル・架空 badge.)
        assert!(!html.contains("badge-sample\">架空"), "{page}");
        assert!(
            html.contains("2023年11月6日時点: 2023-11-06.csv（国民健康保険中央会"),
            "{page} cites its file"
        );
    }
    let rows = csv(&fx, "data/adoption-national.csv");
    assert!(!rows.contains(",true,"), "{rows}");
    assert!(!fx.read("downloads.html").contains("notice-sample"));
}

#[test]
fn the_national_page_uses_one_meaning_of_goal() {
    let fx = Fixture::new("basic");
    fx.build_ok();
    let national = fx.read("index.html");
    // The tile map counts office rates at the 30% level, under that name.
    let tiles = chart(&national, "chart-tile-map");
    assert!(tiles.contains("利用率が30%以上の都道府県"), "{tiles}");
    assert!(!tiles.contains("目標"), "{tiles}");
    let ranking = chart(&national, "chart-ranking");
    assert!(!ranking.contains("目標"), "{ranking}");
    // The KPI card counts prefectures meeting 都道府県の目標.
    assert!(
        national.contains("都道府県の目標を達成した都道府県: 0 / 2"),
        "{national}"
    );
    assert!(
        national.contains("市区町村の目標を達成した市区町村: 1 / 5"),
        "{national}"
    );
    // Every 目標 on the page is one of the two names.
    let bare = national
        .match_indices("目標")
        .filter(|(i, _)| {
            let before = &national[..*i];
            !(before.ends_with("市区町村の") || before.ends_with("都道府県の"))
        })
        .count();
    let headings = national.matches("目標の達成状況").count();
    assert_eq!(bare, headings, "a 目標 without its name: {national}");
}

#[test]
fn the_prefecture_trend_shows_its_goal_not_the_municipal_target() {
    let fx = Fixture::new("basic");
    // A second municipal snapshot: 静岡県 gets a trend of what its goal measures.
    fx.write(
        "data/adoption/2025-11-04-sample.csv",
        "code,name,offices,using_offices\n221007,静岡市,100,40\n221309,浜松市,100,35\n222038,沼津市,50,5\n011002,札幌市,4000,300\n012025,函館市,600,90\n",
    );
    fx.build_ok();
    let prefecture = fx.read("p/220001/index.html");
    let rate = chart(&prefecture, "chart-trend");
    assert!(!rate.contains("class=\"target\""), "{rate}");
    assert!(!rate.contains("目標"), "no target line: {rate}");
    let goal_title = prefecture
        .match_indices("<title id=\"chart-trend-")
        .map(|(i, _)| i)
        .find(|&i| !prefecture[i..].starts_with("<title id=\"chart-trend-title\""))
        .expect("the goal's trend chart");
    let goal = &prefecture[prefecture[..goal_title].rfind("<figure").unwrap()..];
    let goal = &goal[..goal.find("</figure>").unwrap()];
    assert!(goal.contains("都道府県の目標 50%"), "{goal}");
    assert!(
        goal.contains("市区町村の目標を達成した市区町村の割合"),
        "{goal}"
    );
    assert!(
        goal.contains("66.7%"),
        "2 of 3 municipalities in 2025: {goal}"
    );
    // A municipality's trend keeps its own target.
    let city = fx.read("m/221007/index.html");
    assert!(chart(&city, "chart-trend").contains("市区町村の目標 30%"));
}

#[test]
fn a_national_poster_from_a_sample_snapshot_says_its_own_figures_are_illustrative() {
    let fx = Fixture::new("basic");
    let mut options = fx.options(&fx.out());
    options.posters = true;
    options.selection.only = vec!["000000".to_string(), "220001".to_string()];
    outreach::build::build(&options).unwrap();
    let text_of = |dir: &str| -> String {
        let posters = fx.out().join(dir).join("posters");
        let pdf = fs::read_dir(&posters)
            .unwrap()
            .map(|e| e.unwrap().path())
            .find(|p| {
                p.extension().is_some_and(|e| e == "pdf")
                    && !p.file_name().unwrap().to_string_lossy().contains("pack")
            })
            .expect("a poster PDF");
        let out = Command::new("pdftotext")
            .args([pdf.to_str().unwrap(), "-"])
            .output()
            .expect("pdftotext (poppler-utils) is installed");
        String::from_utf8(out.stdout)
            .unwrap()
            .replace(['\n', ' '], "")
    };
    let national = text_of("");
    assert!(
        national.contains(
            "このポスターの数値（2024年11月5日時点）は、すべて説明用の架空データ（サンプル）です。"
        ),
        "{national}"
    );
    assert!(
        national.contains("都道府県の目標を達成した都道府県"),
        "{national}"
    );
    let prefecture = text_of("p/220001");
    assert!(
        prefecture.contains("説明用の架空データ（サンプル）"),
        "{prefecture}"
    );
    assert!(prefecture.contains("（サンプル）"), "{prefecture}");
}
