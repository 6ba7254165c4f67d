//! Finding a partner office and finding an answer (issue 16): the office
//! columns as they reach the pages and downloads, the finder's data per site,
//! the site search's index and page, and the header search box. The browser
//! side (typing into the pages, from file://) is in tests/browser.rs.

mod common;

use std::fs;
use std::path::Path;

use common::Fixture;
use outreach::build::{BuildOptions, Selection, build};

/// The JSON a generated script assigns to `window.<name>`.
fn script_json(path: &Path, name: &str) -> serde_json::Value {
    let text = fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let json = text
        .strip_prefix(&format!("window.{name}="))
        .and_then(|t| t.strip_suffix(";\n"))
        .unwrap_or_else(|| panic!("{}: not a window.{name} script", path.display()));
    serde_json::from_str(json).unwrap()
}

const OFFICES: &str = "office_number,name,reading,service_type,municipality_code,address,phone,corporate_number,since,illustrative
2271009017,（架空）さくら居宅介護支援事業所,サクラキョタクカイゴシエンジギョウショ,居宅介護支援,221007,静岡県静岡市葵区架空町1-2,054-000-0101,1180301018771,2024-04-01,true
2271009025,（架空）あおばヘルパーステーション,,訪問介護,221007,,,,2024-06-01,true
2271309029,（架空）ひまわり訪問看護ステーション,ヒマワリホウモンカンゴステーション,訪問看護,221309,静岡県浜松市中区架空町3,053-000-0102,,2024-05-01,true
0171009012,（架空）すずらん居宅介護支援事業所,スズランキョタクカイゴシエンジギョウショ,居宅介護支援,011002,北海道札幌市架空町4,011-000-0103,,2024-05-01,true
";

fn fixture_with_offices() -> Fixture {
    let fx = Fixture::new("basic");
    fx.write("data/offices.csv", OFFICES);
    fx.build_ok();
    fx
}

#[test]
fn each_site_loads_the_offices_it_lists_and_no_more() {
    let fx = fixture_with_offices();
    let places = |site: &str| -> Vec<String> {
        let data = script_json(
            &fx.out().join(site).join("search/offices.js"),
            "OUTREACH_OFFICES",
        );
        let places = data["places"].as_array().unwrap();
        data["offices"]
            .as_array()
            .unwrap()
            .iter()
            .map(|o| {
                places[o[4].as_u64().unwrap() as usize][0]
                    .as_str()
                    .unwrap()
                    .to_string()
            })
            .collect()
    };
    // 静岡市's page loads its two offices, nothing of 浜松市 or 札幌市.
    assert_eq!(places("m/221007"), ["221007", "221007"]);
    assert_eq!(places("m/221309"), ["221309"]);
    assert_eq!(places("p/220001"), ["221007", "221007", "221309"]);
    assert_eq!(places(""), ["011002", "221007", "221007", "221309"]);
    // A municipality that lists none gets no partner page and no data.
    assert!(!fx.out().join("m/222038/partners.html").exists());
    assert!(!fx.out().join("m/222038/search/offices.js").exists());

    let data = script_json(
        &fx.out().join("m/221007/search/offices.js"),
        "OUTREACH_OFFICES",
    );
    assert_eq!(data["v"], 1);
    assert_eq!(
        data["types"],
        serde_json::json!(["居宅介護支援", "訪問介護"])
    );
    assert_eq!(
        data["offices"][0],
        serde_json::json!([
            "2271009017",
            "（架空）さくら居宅介護支援事業所",
            "サクラキョタクカイゴシエンジギョウショ",
            0,
            0,
            "静岡県静岡市葵区架空町1-2",
            "054-000-0101",
            20240401,
            1
        ])
    );
    // An office without the optional columns has empty values.
    assert_eq!(data["offices"][1][2], "");
    assert_eq!(data["offices"][1][6], "");
    // The national data names prefectures, so its finder can filter by them.
    let national = script_json(&fx.out().join("search/offices.js"), "OUTREACH_OFFICES");
    assert_eq!(
        national["prefectures"],
        serde_json::json!([["010006", "北海道"], ["220001", "静岡県"]])
    );
    assert_eq!(
        national["places"][0],
        serde_json::json!(["011002", "札幌市", 0])
    );
}

#[test]
fn the_partner_page_lists_addresses_and_phones_and_offers_the_finder() {
    let fx = fixture_with_offices();
    let city = fx.read("m/221007/partners.html");
    // The list without JavaScript: every office, with its address and a tel: link.
    assert!(
        city.contains(r#"<td class="address">静岡県静岡市葵区架空町1-2</td>"#),
        "{city}"
    );
    assert!(city.contains(r#"<a href="tel:0540000101">054-000-0101</a>"#));
    assert!(
        city.contains(r#"<span class="reading">サクラキョタクカイゴシエンジギョウショ</span>"#)
    );
    assert!(city.contains("（架空）あおばヘルパーステーション"));
    assert!(city.contains("所在地と電話番号も架空です"));
    // The finder: hidden until its script runs, a labelled search input, a
    // polite status, its data from this site's folder.
    assert!(city.contains(r#"<section class="finder" hidden"#));
    assert!(city.contains(r#"<label for="finder-q">"#));
    assert!(city.contains(r#"<input type="search" id="finder-q""#));
    assert!(city.contains(r#"role="status" aria-live="polite""#));
    assert!(city.contains(r#"<script src="search/offices.js" defer></script>"#));
    assert!(city.contains(r#"<script src="assets/finder.js" defer></script>"#));
    assert!(
        !city.contains(r#"id="finder-place""#),
        "a municipality has one place"
    );
    let prefecture = fx.read("p/220001/partners.html");
    assert!(prefecture.contains(r#"<select id="finder-place""#));
    assert!(!prefecture.contains(r#"id="finder-prefecture""#));
    let national = fx.read("partners.html");
    assert!(national.contains(r#"<select id="finder-prefecture""#));
    for script in ["finder.js", "textmatch.js", "search.js"] {
        assert!(fx.out().join("m/221007/assets").join(script).is_file());
    }
    assert!(!fx.out().join("m/221007/assets/partners.js").exists());
}

#[test]
fn office_downloads_carry_the_new_columns_and_the_open_data_standard_names() {
    let fx = fixture_with_offices();
    let csv = fs::read(fx.out().join("m/221007/data/offices-221007.csv")).unwrap();
    let text = String::from_utf8(csv[3..].to_vec()).unwrap();
    let mut lines = text.lines();
    assert_eq!(
        lines.next().unwrap(),
        "事業所番号,事業所名,事業所名カナ,サービス種別,市区町村コード,所在地,電話番号,法人番号,利用開始日,架空データ"
    );
    assert_eq!(
        lines.next().unwrap(),
        "2271009017,（架空）さくら居宅介護支援事業所,サクラキョタクカイゴシエンジギョウショ,居宅介護支援,221007,静岡県静岡市葵区架空町1-2,054-000-0101,1180301018771,2024-04-01,true"
    );
    let standard = fs::read(fx.out().join("m/221007/data/offices-standard-221007.csv")).unwrap();
    assert!(standard.starts_with(b"\xEF\xBB\xBF"));
    let text = String::from_utf8(standard[3..].to_vec()).unwrap();
    let mut lines = text.lines();
    assert_eq!(
        lines.next().unwrap(),
        outreach::render::open_data::STANDARD_OFFICE_COLUMNS.join(",")
    );
    assert_eq!(
        lines.next().unwrap(),
        "221007,1,静岡県,静岡市,（架空）さくら居宅介護支援事業所,サクラキョタクカイゴシエンジギョウショ,居宅介護支援,静岡県静岡市葵区架空町1-2,054-000-0101,1180301018771,2271009017,ケアプランデータ連携システム利用開始日 2024-04-01。架空（サンプル）のデータです"
    );
    let downloads = fx.read("m/221007/downloads.html");
    assert!(downloads.contains("data/offices-standard-221007.csv"));
    assert!(downloads.contains("自治体標準オープンデータセット「介護サービス事業所一覧」の項目名"));
}

#[test]
fn every_site_has_a_search_page_over_its_own_guides_faq_and_news() {
    let fx = Fixture::new("basic");
    fx.build_ok();
    let docs = |site: &str| -> Vec<(String, String, String)> {
        let index = script_json(
            &fx.out().join(site).join("search/index.js"),
            "OUTREACH_SEARCH",
        );
        index["docs"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| {
                (
                    d[0].as_str().unwrap().to_string(),
                    d[1].as_str().unwrap().to_string(),
                    d[2].as_str().unwrap().to_string(),
                )
            })
            .collect()
    };
    let national = docs("");
    assert!(national.contains(&(
        "操作が分からないときは？".into(),
        "faq.html#helpdesk".into(),
        "よくある質問".into()
    )));
    assert!(
        national
            .iter()
            .any(|(_, url, kind)| url == "news/campaign.html" && kind == "お知らせ")
    );
    assert!(national.iter().any(|(_, url, _)| url == "guides/flow.html"));
    assert!(!national.iter().any(|(title, _, _)| title == "静岡県の支援"));
    // A prefecture's page is searched on its site and its municipalities'; a
    // municipality's own version of a page replaces the shared one.
    assert!(
        docs("p/220001")
            .iter()
            .any(|(title, _, _)| title == "静岡県の支援")
    );
    let city = docs("m/221007");
    assert!(city.iter().any(|(title, _, _)| title == "静岡県の支援"));
    assert!(
        city.iter()
            .any(|(title, _, _)| title == "導入の流れ（静岡市）")
    );
    assert_eq!(
        city.iter()
            .filter(|(_, url, _)| url == "guides/flow.html")
            .count(),
        1
    );
    assert!(
        !docs("p/010006")
            .iter()
            .any(|(title, _, _)| title == "静岡県の支援")
    );

    // The postings name the documents holding each bigram, in hiragana.
    let index = script_json(&fx.out().join("search/index.js"), "OUTREACH_SEARCH");
    let helpdesk = national
        .iter()
        .position(|(_, url, _)| url == "faq.html#helpdesk")
        .unwrap();
    let width = index["w"].as_u64().unwrap() as usize;
    let holders = |gram: &str| -> Vec<usize> {
        let s = index["grams"][gram].as_str().unwrap_or("");
        (0..s.len())
            .step_by(width)
            .map(|i| usize::from_str_radix(&s[i..i + width], 36).unwrap())
            .collect()
    };
    assert!(
        holders("へる").contains(&helpdesk),
        "ヘルプデスク is indexed as へるぷですく"
    );
    assert!(holders("ヘル").is_empty());

    for site in ["", "p/220001", "m/221007", "m/222038"] {
        let rel = if site.is_empty() {
            "search.html".to_string()
        } else {
            format!("{site}/search.html")
        };
        let page = fx.read(&rel);
        assert!(
            page.contains(r#"<input type="search" id="search-q" name="q""#),
            "{site}"
        );
        assert!(page.contains(r#"<script src="search/index.js" defer></script>"#));
        assert!(page.contains(r#"role="status" aria-live="polite""#));
        // Without JavaScript the page still leads to the lists.
        assert!(page.contains(r#"<a href="faq.html">よくある質問</a>"#));
        // No second search box in its header.
        assert!(!page.contains("header-search"));
    }
    // The header box on every other page sends its words to the search page.
    let guide = fx.read("m/221007/guides/flow.html");
    assert!(guide.contains(
        r#"<form class="header-search" role="search" action="../search.html" method="get""#
    ));
    let home = fx.read("index.html");
    assert!(home.contains(r#"action="search.html""#));
    assert!(home.contains(r#"<label for="header-q" class="visually-hidden">"#));
}

/// The shipped sample's sites with content of their own: each search index is
/// well under the 200 KB a municipal site may take.
#[test]
fn the_sample_search_indexes_stay_under_200_kb() {
    let dir = tempfile::tempdir().unwrap();
    let project = dir.path().join("project");
    let root = common::repo_root();
    fs::create_dir_all(&project).unwrap();
    fs::copy(root.join("config.yaml"), project.join("config.yaml")).unwrap();
    for folder in ["content", "data", "themes"] {
        common::copy_dir(&root.join(folder), &project.join(folder));
    }
    let out = dir.path().join("public");
    let sites = ["000000", "220001", "221007", "221309", "011002", "131016"];
    build(&BuildOptions {
        project,
        out: out.clone(),
        selection: Selection {
            only: sites.iter().map(|s| s.to_string()).collect(),
            ..Selection::default()
        },
        build_date: "2026-11-29".parse().unwrap(),
        progress: false,
        posters: false,
        ogp_images: false,
        print_marks: None,
    })
    .unwrap_or_else(|e| panic!("{e:?}"));
    for dir in [
        "m/221007", "m/221309", "m/011002", "m/131016", "p/220001", "",
    ] {
        let path = out.join(dir).join("search/index.js");
        let bytes = fs::metadata(&path).unwrap().len();
        assert!(bytes < 200_000, "{dir}: {bytes} bytes");
        assert!(bytes > 20_000, "{dir}: only {bytes} bytes");
    }
    let index = script_json(&out.join("search/index.js"), "OUTREACH_SEARCH");
    let docs = index["docs"].as_array().unwrap();
    assert!(
        docs.iter()
            .any(|d| d[1] == "faq.html#electronic-certificate"
                && d[0].as_str().unwrap().contains("電子証明書"))
    );
}
