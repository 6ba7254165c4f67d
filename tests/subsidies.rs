//! Subsidy programmes on built sites: `areas` limit where a programme appears,
//! the cost estimate stacks programmes only when they allow it, follows each
//! programme's ceiling and fee basis and the first-year campaign, and the
//! overview tables show each programme's status and window. The fixture is the
//! `basic` project with programme files written per test.

mod common;

use common::Fixture;
use outreach::build::{BuildError, Project};
use outreach::problems::{Code, Problem, Problems, Severity};
use outreach::render::subsidy_view::{EstimateTexts, estimate_texts, subsidies_view};

/// The basic fixture with a consumption tax rate and, unless `campaign` is
/// `None`, a first-year-free campaign over the given period.
fn fixture(campaign: Option<(&str, Option<&str>)>) -> Fixture {
    let fx = Fixture::new("basic");
    let config = std::fs::read_to_string(fx.project().join("config.yaml")).unwrap();
    let start = config.find("  campaigns:").unwrap();
    let end = config.find("# 利用率の数値").unwrap();
    let mut block = String::from("  consumption_tax:\n    percent: 10\n    as_of: 2025-04-01\n");
    if let Some((from, until)) = campaign {
        block.push_str(&format!(
            "  campaigns:\n    - name: 初年度無料キャンペーン\n      from: {from}\n{}      first_year_free: true\n      note: 利用開始の初年度のライセンス料が無料になります。\n\n",
            until.map(|u| format!("      until: {u}\n")).unwrap_or_default()
        ));
    } else {
        block.push('\n');
    }
    fx.write(
        "config.yaml",
        &format!("{}{block}{}", &config[..start], &config[end..]),
    );
    fx
}

/// A programme file with every required key; `extra` adds or overrides lines.
fn programme(name: &str, provider: &str, extra: &str) -> String {
    format!(
        "name: {name}\nprovider: {provider}\nadministered_by: 担当課\nbudget_source: 単独予算\n\
         eligible: [居宅介護支援事業所]\ncovers: [ライセンス料]\nhow_to_apply: 申請書を提出\n\
         contact: 担当課\nconfirmed: 2026-04-01\n{extra}"
    )
}

fn errors(fx: &Fixture) -> Vec<Problem> {
    match fx.build() {
        Err(BuildError::Problems(p)) => p.sorted(),
        Err(e) => panic!("{e}"),
        Ok(_) => panic!("the build should have failed"),
    }
}

/// The estimate texts of one site of the fixture for `n` office numbers.
fn texts_for(fx: &Fixture, prefecture: &str, municipality: Option<&str>, n: u64) -> EstimateTexts {
    let mut problems = Problems::new();
    let date = "2026-11-29".parse().unwrap();
    let project = Project::load(&fx.project(), date, &mut problems).expect("the fixture loads");
    let code = |c: &str| outreach::data::jis::Code::parse(c).expect("a JIS code");
    let view = subsidies_view(
        &project.subsidies,
        Some(&code(prefecture)),
        municipality.map(code).as_ref(),
        &project.master,
        &project.config,
        date,
    );
    let e = &view.estimate;
    estimate_texts(&e.plan, &e.columns, e.has_campaign_row, n)
}

/// The text of the worked table's cell `key` in a built page.
fn cell(page: &str, key: &str) -> String {
    let marker = format!("data-cell=\"{key}\">");
    let start = page
        .find(&marker)
        .unwrap_or_else(|| panic!("no cell {key}"))
        + marker.len();
    let end = start + page[start..].find("</td>").unwrap();
    page[start..end].to_string()
}

#[test]
fn an_areas_limited_programme_appears_only_on_the_listed_sites_and_their_prefecture() {
    let fx = fixture(None);
    fx.write(
        "data/subsidies/model.yaml",
        &programme(
            "国のモデル地域の例",
            "national",
            "areas:\n  - \"221007\"\nareas_illustrative: true\n",
        ),
    );
    fx.write(
        "data/subsidies/pref.yaml",
        &programme(
            "（架空）県のモデル地域の例",
            "\"220001\"",
            "areas: [\"222038\"]\nillustrative: true\n",
        ),
    );
    fx.build_ok();
    let page = |site: &str| fx.read(&format!("{site}subsidies.html"));
    // The national programme: 静岡市, its prefecture and the nation, not 浜松市 or 北海道.
    for site in ["m/221007/", "p/220001/", ""] {
        assert!(page(site).contains("国のモデル地域の例"), "{site}");
    }
    for site in ["m/221309/", "m/222038/", "p/010006/", "m/011002/"] {
        assert!(!page(site).contains("国のモデル地域の例"), "{site}");
    }
    // Listed with the areas it covers, marked as a sample choice of areas.
    assert!(page("").contains("<dt>実施地域</dt><dd>静岡県（静岡市）"));
    assert!(page("p/220001/").contains("<dt>実施地域</dt><dd>静岡市"));
    assert!(page("m/221007/").contains("実施地域はサンプル"));
    // The prefecture's programme: 沼津市 and 静岡県, not 静岡市 or 浜松市.
    assert!(page("m/222038/").contains("（架空）県のモデル地域の例"));
    assert!(page("p/220001/").contains("<dt>実施地域</dt><dd>沼津市"));
    for site in ["m/221007/", "m/221309/", "p/010006/"] {
        assert!(!page(site).contains("県のモデル地域の例"), "{site}");
    }
}

#[test]
fn unknown_wrong_and_out_of_prefecture_area_codes_are_located_errors() {
    let fx = fixture(None);
    fx.write(
        "data/subsidies/pref.yaml",
        &programme(
            "県の制度",
            "\"220001\"",
            "areas:\n  - \"221007\"\n  - \"011002\"\n  - \"221008\"\n  - \"229997\"\n  - \"220001\"\n",
        ),
    );
    fx.write(
        "data/subsidies/city.yaml",
        &programme("市の制度", "\"221007\"", "areas: [\"221007\"]\n"),
    );
    fx.write(
        "data/subsidies/nation.yaml",
        &programme("国の制度", "national", "areas:\n  - \"990001\"\n"),
    );
    let all = errors(&fx);
    let in_file = |p: &Problem, file: &str| p.location.path().is_some_and(|f| f.ends_with(file));
    let at = |file: &str, line: usize| -> &Problem {
        let found: Vec<&Problem> = all
            .iter()
            .filter(|p| in_file(p, file) && p.location.line_number() == Some(line))
            .collect();
        assert_eq!(found.len(), 1, "{file}:{line}: {all:#?}");
        found[0]
    };
    // Lines 10 on are the areas items, at column 5 (after "  - ").
    let p = at("pref.yaml", 12);
    assert_eq!(p.code, Code::SubsidyAreaOutsidePrefecture);
    assert_eq!(
        (p.location.column_number(), p.severity),
        (Some(5), Severity::Error)
    );
    assert!(
        p.message
            .contains("「011002」（札幌市）は provider の静岡県の外です"),
        "{}",
        p.message
    );
    let p = at("pref.yaml", 13);
    assert_eq!(p.code, Code::SubsidyBadValue);
    assert!(
        p.message.contains("検査数字") && p.message.contains("221007"),
        "{}",
        p.message
    );
    let p = at("pref.yaml", 14);
    assert_eq!(p.code, Code::SubsidyBadValue);
    assert!(
        p.message
            .contains("「229997」の市区町村が団体コード一覧にありません"),
        "{}",
        p.message
    );
    let p = at("pref.yaml", 15);
    assert_eq!(p.code, Code::SubsidyAreaOutsidePrefecture);
    assert!(p.message.contains("静岡県自身のコード"), "{}", p.message);
    assert!(p.hint.contains("areas の行を消して"));
    assert!(
        !all.iter()
            .any(|p| in_file(p, "pref.yaml") && p.location.line_number() == Some(11))
    );
    // A municipality's programme cannot name areas; an unknown prefecture is named.
    let p = at("city.yaml", 10);
    assert_eq!(p.code, Code::SubsidyAreasNotAllowed);
    assert!(
        p.message
            .contains("市区町村（221007）の制度には areas を書けません"),
        "{}",
        p.message
    );
    let p = at("nation.yaml", 11);
    assert_eq!(p.code, Code::SubsidyBadValue);
    assert!(
        p.message
            .contains("「990001」の都道府県が団体コード一覧にありません"),
        "{}",
        p.message
    );
    let subsidy_problems: Vec<&Problem> = all
        .iter()
        .filter(|p| {
            p.location
                .path()
                .is_some_and(|f| f.to_string_lossy().contains("subsidies"))
        })
        .collect();
    assert_eq!(subsidy_problems.len(), 6, "{subsidy_problems:#?}");
    assert!(
        subsidy_problems
            .iter()
            .all(|p| p.severity == Severity::Error && !p.hint.is_empty())
    );
}

#[test]
fn combinable_with_names_existing_programmes_and_a_tax_basis_needs_the_tax_rate() {
    let fx = Fixture::new("basic"); // no consumption_tax in config.yaml
    fx.write(
        "data/subsidies/a.yaml",
        &programme(
            "A",
            "national",
            "rate: 1/2\nfee_basis: tax_excluded\ncombinable_with: [nowhere, a, b]\n",
        ),
    );
    fx.write(
        "data/subsidies/b.yaml",
        &programme("B", "national", "rate: 1/2\n"),
    );
    let all = errors(&fx);
    let messages: Vec<String> = all.iter().map(|p| p.to_string()).collect();
    let find = |needle: &str| {
        all.iter()
            .find(|p| p.message.contains(needle))
            .unwrap_or_else(|| panic!("no {needle}: {messages:#?}"))
    };
    let p = find("consumption_tax");
    assert_eq!(p.code, Code::SubsidyNeedsTaxRate);
    let at = |p: &Problem| (p.location.line_number(), p.location.column_number());
    assert_eq!(at(p), (Some(11), Some(12)));
    let p = find("「nowhere」");
    assert_eq!((p.code, at(p).0), (Code::SubsidyBadCombination, Some(12)));
    assert_eq!(find("（a）").code, Code::SubsidyBadCombination);
    // B does not allow A back: a warning, and the estimate does not stack them.
    let p = find("「B」（b.yaml）");
    assert_eq!(
        (p.code, p.severity),
        (Code::SubsidyOneSidedCombination, Severity::Warning)
    );
}

#[test]
fn two_programmes_that_may_not_be_combined_give_the_better_one_not_the_sum() {
    let fx = fixture(None);
    fx.write(
        "data/subsidies/pref.yaml",
        &programme("県の補助", "\"220001\"", "rate: 3/4\nceiling_yen: 12000\n"),
    );
    fx.write(
        "data/subsidies/city.yaml",
        &programme("市の助成", "\"221007\"", "rate: 1/2\n"),
    );
    fx.build_ok();
    let page = fx.read("m/221007/subsidies.html");
    // 県: min(21,000 × 3/4, 12,000) = 12,000; 市: 10,500. Not 22,500.
    assert_eq!(cell(&page, "p0:year"), "−12,000円");
    assert_eq!(cell(&page, "p1:year"), "使わない");
    assert_eq!(cell(&page, "net:year"), "9,000円");
    assert!(page.contains(
        "「県の補助」で計算しています。「市の助成」は「県の補助」と併用できないため入れていません"
    ));
    assert!(page.contains("補助額が最も大きい1つの制度だけで計算しています"));
    // No campaign in effect: one column, no campaign row.
    assert!(!page.contains("data-cell=\"campaign"));
}

#[test]
fn programmes_that_allow_each_other_stack_in_order_on_what_is_left() {
    let fx = fixture(None);
    fx.write(
        "data/subsidies/pref.yaml",
        &programme(
            "県の補助",
            "\"220001\"",
            "rate: 3/4\nceiling_yen: 12000\ncombinable_with: [city]\n",
        ),
    );
    fx.write(
        "data/subsidies/city.yaml",
        &programme("市の助成", "\"221007\"", "rate: 1/2\ncombinable: true\n"),
    );
    fx.build_ok();
    let page = fx.read("m/221007/subsidies.html");
    // 12,000 from the prefecture, then half of the 9,000 left.
    assert_eq!(cell(&page, "p0:year"), "−12,000円");
    assert_eq!(cell(&page, "p1:year"), "−4,500円");
    assert_eq!(cell(&page, "net:year"), "4,500円");
    assert!(
        page.contains("「県の補助」と「市の助成」を、この順に残りの額へ重ねて計算しています。")
    );
    // One-sided permission does not stack: 静岡市's own flag alone is not enough.
    let fx = fixture(None);
    fx.write(
        "data/subsidies/pref.yaml",
        &programme("県の補助", "\"220001\"", "rate: 3/4\nceiling_yen: 12000\n"),
    );
    fx.write(
        "data/subsidies/city.yaml",
        &programme("市の助成", "\"221007\"", "rate: 1/2\ncombinable: true\n"),
    );
    fx.build_ok();
    assert_eq!(
        cell(&fx.read("m/221007/subsidies.html"), "net:year"),
        "9,000円"
    );
}

#[test]
fn a_ceiling_per_application_holds_once_and_one_per_office_grows_with_the_count() {
    let fx = fixture(None);
    fx.write(
        "data/subsidies/pref.yaml",
        &programme(
            "申請ごと",
            "\"220001\"",
            "rate: 3/4\nceiling_yen: 30000\nceiling_per: application\n",
        ),
    );
    fx.write(
        "data/subsidies/city.yaml",
        &programme(
            "事業所番号ごと",
            "\"221007\"",
            "rate: 1/2\nceiling_yen: 10000\nceiling_per: office\n",
        ),
    );
    fx.build_ok();
    let page = fx.read("m/221007/subsidies.html");
    assert!(page.contains("上限30,000円（1申請あたり）"));
    assert!(page.contains("<dt>上限額</dt><dd>10,000円（1事業所番号あたり）</dd>"));
    // One office number: 15,750 beats 10,000.
    assert_eq!(cell(&page, "p0:year"), "−15,750円");
    let at = |n| texts_for(&fx, "220001", Some("221007"), n);
    let one = at(1);
    assert_eq!(one.cells["p0:year"].text, "−15,750円");
    assert_eq!(one.cells["net:year"].text, "5,250円");
    // Two: 31,500 capped at 30,000 once, against 2 × 10,000.
    let two = at(2);
    assert_eq!(two.cells["p0:year"].text, "−30,000円");
    assert_eq!(two.offices, "2件");
    // Four: still 30,000 for the application, 40,000 for four office numbers: the other wins.
    let four = at(4);
    assert_eq!(four.cells["p0:year"].text, "使わない");
    assert_eq!(four.cells["p1:year"].text, "−40,000円");
    assert_eq!(four.cells["net:year"].text, "44,000円");
    assert!(four.choices[0].starts_with("「事業所番号ごと」で計算しています。"));
}

#[test]
fn a_programme_on_the_tax_exclusive_fee_pays_on_19091_yen() {
    let fx = fixture(None);
    fx.write(
        "data/subsidies/pref.yaml",
        &programme(
            "税抜の補助",
            "\"220001\"",
            "rate: 3/4\nfee_basis: tax_excluded\n",
        ),
    );
    fx.write(
        "data/subsidies/rounded.yaml",
        &programme(
            "千円未満切り捨て",
            "\"220001\"",
            "rate: 3/4\nfee_basis: tax_excluded\nround_down_to: 1000\ncombinable: true\n",
        ),
    );
    fx.build_ok();
    let page = fx.read("p/220001/subsidies.html");
    // 21,000 at 10% → 19,091 without tax; × 3/4 = 14,318 (rounded down); the other 14,000.
    assert!(page.contains("<dt>補助の対象額</dt><dd>税抜の額（ライセンス料なら19,091円）</dd>"));
    assert_eq!(cell(&page, "p0:year"), "−14,318円");
    assert_eq!(cell(&page, "p1:year"), "使わない");
    assert!(page.contains("<dt>端数</dt><dd>1,000円未満切り捨て</dd>"));
    assert!(
        page.contains("ライセンス料21,000円を消費税率10%（2025年4月1日時点）で換算した19,091円")
    );
    assert_eq!(cell(&page, "fee:year"), "21,000円");
}

#[test]
fn the_first_year_campaign_is_a_row_of_its_own_only_while_in_effect() {
    let build_on = |date: &str| {
        let fx = fixture(Some(("2026-06-01", Some("2026-11-30"))));
        fx.write(
            "data/subsidies/city.yaml",
            &programme("市の助成", "\"221007\"", "rate: 1/2\nillustrative: true\n"),
        );
        let mut options = fx.options(&fx.out());
        options.build_date = date.parse().unwrap();
        outreach::build::build(&options).unwrap();
        fx.read("m/221007/subsidies.html")
    };
    // In effect: the campaign pays the first year; the programme then has nothing left to pay.
    let page = build_on("2026-11-30");
    assert!(page.contains("<th scope=\"row\">初年度無料キャンペーン</th>"));
    assert_eq!(cell(&page, "campaign:first"), "−21,000円");
    assert_eq!(cell(&page, "campaign:later"), "対象外");
    assert_eq!(cell(&page, "p0:first"), "使わない");
    assert_eq!(cell(&page, "net:first"), "0円");
    assert_eq!(cell(&page, "p0:later"), "−10,500円");
    assert!(
        cell(&page, "net:later")
            .starts_with("10,500円 <span class=\"badge badge-sample\">サンプル</span>")
    );
    assert!(page.contains(
        "初年度: キャンペーンで初年度のライセンス料が無料になるため、補助金は使わない計算です。"
    ));
    assert!(
        page.contains("初年度無料キャンペーン（2026年6月1日〜2026年11月30日）で利用開始の初年度")
    );
    // Before it starts and after it ends: no row, no column.
    for date in ["2026-05-31", "2026-12-01"] {
        let page = build_on(date);
        assert!(!page.contains("初年度無料キャンペーン"), "{date}");
        assert!(!page.contains("data-cell=\"campaign"), "{date}");
        assert!(page.contains("data-cell=\"net:year\""), "{date}");
    }
}

#[test]
fn overview_tables_show_each_programmes_status_and_window() {
    let fx = fixture(None);
    fx.write(
        "data/subsidies/hokkaido.yaml",
        &programme(
            "北海道の制度",
            "\"010006\"",
            "window: {start: 2024-10-01, end: 2025-03-31}\n",
        ),
    );
    fx.write(
        "data/subsidies/shizuoka.yaml",
        &programme(
            "静岡県の制度",
            "\"220001\"",
            "window: {start: 2026-10-01, end: 2027-01-29}\n",
        ),
    );
    fx.write(
        "data/subsidies/hamamatsu.yaml",
        &programme(
            "浜松市の制度",
            "\"221309\"",
            "window: {start: 2027-04-01}\n",
        ),
    );
    fx.write(
        "data/subsidies/city.yaml",
        &programme("静岡市の制度", "\"221007\"", "window: {end: 2026-12-10}\n"),
    );
    fx.write(
        "data/subsidies/numazu.yaml",
        &programme("沼津市の制度", "\"222038\"", ""),
    );
    fx.build_ok();
    let national = fx.read("subsidies.html");
    assert!(national.contains(
        "<li>北海道の制度 <span class=\"status-badge status-closed\">受付終了</span><br><span class=\"muted\">受付期間 2024年10月1日〜2025年3月31日</span></li>"
    ), "{national}");
    assert!(national.contains(
        "<li>静岡県の制度 <span class=\"status-badge status-open\">受付中</span><br><span class=\"muted\">受付期間 2026年10月1日〜2027年1月29日</span></li>"
    ));
    let prefecture = fx.read("p/220001/subsidies.html");
    assert!(prefecture.contains(
        "<li>浜松市の制度 <span class=\"status-badge status-upcoming\">受付前</span><br><span class=\"muted\">受付期間 2027年4月1日から</span></li>"
    ), "{prefecture}");
    assert!(prefecture.contains(
        "<li>静岡市の制度 <span class=\"status-badge status-closing-soon\">締切間近</span><br><span class=\"muted\">受付期間 2026年12月10日まで</span></li>"
    ));
    assert!(prefecture.contains(
        "<li>沼津市の制度 <span class=\"status-badge status-unknown\">受付期間は要確認</span></li>"
    ));
}

/// What the estimate test in Chromium needs, and what is missing of it.
fn missing_browser_tools(node_dir: &std::path::Path) -> Vec<String> {
    let mut missing = Vec::new();
    let chromium = std::path::PathBuf::from(
        std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into()),
    );
    if !chromium.is_file() {
        missing.push(format!("Chromium ({} not found)", chromium.display()));
    }
    if !std::process::Command::new("node")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
    {
        missing.push("node (Node.js 20 or newer)".into());
    }
    if !node_dir.join("node_modules/playwright-core").is_dir() {
        missing.push("tests/browser/node_modules/playwright-core (npm ci in tests/browser)".into());
    }
    missing
}

/// estimate.js, run in Chromium on the built page opened from disk, writes for
/// every number a reader types exactly the cells, sentences and summary that
/// the Rust side computes for it; anything that is not a positive whole number
/// gets a message in the live region and leaves the table as it was.
#[test]
fn estimate_js_computes_what_the_rust_worked_table_computes() {
    let node_dir = common::repo_root().join("tests/browser");
    let missing = missing_browser_tools(&node_dir);
    assert!(
        missing.is_empty(),
        "the estimate test needs what is not installed here:\n  - {}\nInstall it all with: bash tests/browser/setup.sh",
        missing.join("\n  - ")
    );
    let fx = fixture(Some(("2025-06-01", None)));
    // A stacks with C, B with C, not A with B; which set wins depends on the count.
    fx.write(
        "data/subsidies/nation.yaml",
        &programme(
            "国の例",
            "national",
            "rate: 1/2\nceiling_yen: 30000\nceiling_per: application\nfee_basis: tax_excluded\ncombinable: true\n",
        ),
    );
    fx.write(
        "data/subsidies/pref.yaml",
        &programme(
            "（架空）県の例",
            "\"220001\"",
            "rate: 3/4\nceiling_yen: 12000\nceiling_per: application\nround_down_to: 1000\ncombinable_with: [city]\nillustrative: true\n",
        ),
    );
    fx.write(
        "data/subsidies/city.yaml",
        &programme(
            "（架空）市の例",
            "\"221007\"",
            "rate: 10/10\nceiling_yen: 5000\ncombinable: true\nillustrative: true\n",
        ),
    );
    let mut options = fx.options(&fx.out());
    options.selection.only = vec!["221007".into()];
    options.ogp_images = false;
    outreach::build::build(&options).unwrap();

    let expected = |n: u64| texts_for(&fx, "220001", Some("221007"), n);
    // The fixture exercises what it should: with 1 office number the prefecture and the
    // city stack; with 5 the nation's per-application ceiling makes nation + city better.
    let one = expected(1);
    assert_eq!(one.cells["p1:later"].text, "−12,000円");
    assert_eq!(one.cells["p2:later"].text, "−5,000円");
    assert_eq!(one.cells["net:later"].text, "4,000円");
    assert!(one.cells["net:later"].sample);
    assert_eq!(one.cells["net:first"].text, "0円");
    let five = expected(5);
    assert_eq!(five.cells["p0:later"].text, "−30,000円");
    assert_eq!(five.cells["p1:later"].text, "使わない");
    assert_eq!(five.cells["p2:later"].text, "−25,000円");
    assert_eq!(five.cells["net:later"].text, "50,000円");
    assert!(
        five.choices[1].contains("「（架空）県の例」は「国の例」と併用できないため入れていません")
    );

    let inputs = [
        "1", "2", "3", "5", "12", "３", "0", "", "abc", "1.5", "-2", "100000", "7", " 4 ",
    ];
    let report = fx.dir.path().join("estimate-report.json");
    let output = std::process::Command::new("node")
        .arg(node_dir.join("estimate.cjs"))
        .arg("--page")
        .arg(fx.out().join("m/221007/subsidies.html"))
        .arg("--inputs")
        .arg(serde_json::to_string(&inputs).unwrap())
        .arg("--report")
        .arg(&report)
        .output()
        .expect("node runs");
    assert!(
        output.status.success(),
        "{}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    let report: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&report).unwrap()).unwrap();
    assert_eq!(report["errors"], serde_json::json!([]), "{report:#}");

    let same = |state: &serde_json::Value, texts: &EstimateTexts, what: &str| {
        let cells: std::collections::BTreeMap<String, outreach::render::subsidy_view::Cell> =
            serde_json::from_value(state["cells"].clone()).unwrap();
        assert_eq!(cells, texts.cells, "{what}: cells");
        assert_eq!(state["offices"], texts.offices.as_str(), "{what}: caption");
        let choices: Vec<String> = serde_json::from_value(state["choices"].clone()).unwrap();
        assert_eq!(choices, texts.choices, "{what}: choices");
    };
    // As built (no script), the table is the Rust one for 1 office number and says so.
    let built = &report["built"];
    same(built, &one, "built page");
    assert!(
        built["summary"]
            .as_str()
            .unwrap()
            .contains("表は事業所番号1件の場合です")
    );
    assert_eq!(built["live"], "polite");
    // With the script, on load and for every number typed.
    same(&report["loaded"], &one, "loaded");
    assert_eq!(report["loaded"]["summary"], one.summary.as_str());
    let mut last = one.clone();
    for result in report["results"].as_array().unwrap() {
        let input = result["input"].as_str().unwrap();
        let state = &result["state"];
        let digits: String = input
            .trim()
            .chars()
            .map(|c| match c {
                '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap(),
                other => other,
            })
            .collect();
        match digits.parse::<u64>() {
            Ok(n) if (1..=99_999).contains(&n) => {
                let texts = expected(n);
                same(state, &texts, input);
                assert_eq!(state["summary"], texts.summary.as_str(), "{input}");
                assert_eq!(state["invalid"], false, "{input}");
                last = texts;
            }
            _ => {
                // A message instead of a guess; the table keeps the last number.
                assert_eq!(state["invalid"], true, "{input:?}");
                let message = state["summary"].as_str().unwrap();
                assert!(
                    message.contains("入力してください") || message.contains("計算できません"),
                    "{input:?}: {message}"
                );
                assert!(message.ends_with("表は前の数のままです。"), "{message}");
                same(state, &last, input);
            }
        }
    }
    let summary = |i: usize| {
        report["results"][i]["state"]["summary"]
            .as_str()
            .unwrap()
            .to_string()
    };
    assert!(
        summary(5).starts_with("事業所番号3件の実質の負担"),
        "full-width digits are read"
    );
    assert!(summary(6).contains("0件では計算できません"));
    assert!(summary(7).starts_with("事業所番号の数を入力してください"));
    assert!(summary(8).contains("「abc」は事業所番号の数として計算できません"));
    assert!(summary(11).contains("99,999件まで"));
    assert!(summary(0).ends_with("サンプルの制度をもとにした計算です。"));
}
