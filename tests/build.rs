//! Builds fixture projects into temp dirs and checks what comes out.

mod common;

use std::fs;
use std::path::{Component, Path, PathBuf};

use common::{Fixture, copy_dir, links, tree};
use outreach::build::BuildError;

#[test]
fn builds_one_site_per_entity_with_the_expected_pages() {
    let fx = Fixture::new("basic");
    let report = fx.build_ok();
    // 1 national + 2 prefectures + 5 municipalities in the fixture's master list.
    assert_eq!(report.sites, 8);
    let files = tree(&fx.out());
    let count = |prefix: &str| {
        files
            .keys()
            .filter(|k| k.starts_with(prefix) && k.ends_with(".html"))
            .count()
    };
    // Home, guides index, 2 guides, FAQ, news list, 1 news item, subsidies, downloads,
    // contact, accessibility, search; partners where offices are listed.
    let national = files
        .keys()
        .filter(|k| !k.starts_with("p/") && !k.starts_with("m/") && k.ends_with(".html"))
        .count();
    assert_eq!(national, 13, "{:?}", files.keys().collect::<Vec<_>>());
    // The prefecture adds its own guide.
    assert_eq!(count("p/220001/"), 14);
    assert_eq!(count("p/010006/"), 12);
    // 静岡市 overrides a guide (same count) and inherits the prefecture's page.
    assert_eq!(count("m/221007/"), 14);
    assert_eq!(count("m/011002/"), 12);
    for site in ["", "p/220001/", "m/221007/"] {
        assert!(
            files.contains_key(&format!("{site}assets/style.css")),
            "{site} has its own CSS"
        );
    }
}

#[test]
fn a_local_page_overrides_the_shared_page_with_the_same_path() {
    let fx = Fixture::new("basic");
    fx.build_ok();
    let local = fx.read("m/221007/guides/flow.html");
    assert!(local.contains("静岡市だけの導入手順です。"));
    assert!(!local.contains("共有の導入手順です。"));
    assert!(
        local.contains("サンプル・架空"),
        "illustrative pages are labelled"
    );
    let shared = fx.read("m/221309/guides/flow.html");
    assert!(shared.contains("共有の導入手順です。"));
    // The prefecture's page reaches its municipalities, not other prefectures'.
    assert!(
        fx.read("m/221309/guides/pref-support.html")
            .contains("県の支援ページです。")
    );
    assert!(!fx.out().join("m/011002/guides/pref-support.html").exists());
    assert!(!fx.out().join("guides/pref-support.html").exists());
}

#[test]
fn kpi_arithmetic_counts_exactly_thirty_percent_as_met() {
    let fx = Fixture::new("basic");
    fx.build_ok();
    let shizuoka = fx.read("m/221007/index.html");
    assert!(shizuoka.contains("30.0%"), "{shizuoka}");
    assert!(shizuoka.contains("市区町村の目標を<strong>達成</strong>しています"));
    assert!(
        shizuoka.contains(
            "このページの数値（2024年11月5日時点）は、すべて説明用の架空データ（サンプル）です。"
        ),
        "pages showing sample figures say so: {shizuoka}"
    );
    let hamamatsu = fx.read("m/221309/index.html");
    assert!(hamamatsu.contains("29.0%"));
    assert!(
        hamamatsu.contains("あと <strong>1 事業所</strong>"),
        "{hamamatsu}"
    );
    // 静岡県: 1 of 3 municipalities meets 30% → 33.3% of the 50% goal; 1 more needed.
    let prefecture = fx.read("p/220001/index.html");
    assert!(
        prefecture
            .contains("3 市区町村のうち <strong>1 市区町村</strong>が市区町村の目標を達成（33.3%"),
        "{prefecture}"
    );
    assert!(prefecture.contains("あと <strong>1 市区町村</strong>"));
    // The national total is computed from the rows: 7416 + 5055 offices, 297 + 392 using.
    let national = fx.read("data/adoption-national.csv");
    assert!(
        national.contains("2023-11-06,000000,全国,national,12471,689,0.0552,,false,2023-11-06.csv"),
        "{national}"
    );
    // The newest snapshot has municipal rows only: prefecture and nation are their sums.
    assert!(
        national.contains(
            "2024-11-05,000000,全国,national,4850,324,0.0668,,true,2024-11-05-municipalities-sample.csv"
        ),
        "{national}"
    );
    assert!(fx.read("index.html").contains("6.7%"));
}

fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

#[test]
fn links_resolve_inside_a_copied_site_folder() {
    let fx = Fixture::new("basic");
    fx.build_ok();
    let copy = fx.dir.path().join("elsewhere/deep/site");
    copy_dir(&fx.out().join("m/221007"), &copy);
    let mut checked = 0;
    for (rel, bytes) in tree(&copy) {
        if !rel.ends_with(".html") {
            continue;
        }
        let html = String::from_utf8(bytes).unwrap();
        for link in links(&html) {
            assert!(!link.starts_with('/'), "{rel}: root-absolute link {link}");
            if link.starts_with("http")
                || link.starts_with("tel:")
                || link.starts_with("mailto:")
                || link.starts_with('#')
            {
                continue;
            }
            let target = link.split('#').next().unwrap();
            let resolved = normalize(&copy.join(&rel).parent().unwrap().join(target));
            // Another site is linked only through its public URL, never by a
            // path out of this folder.
            assert!(
                resolved.starts_with(&copy),
                "{rel}: {link} leaves the folder"
            );
            assert!(
                resolved.is_file(),
                "{rel}: {link} does not exist in the copied folder"
            );
            checked += 1;
        }
    }
    assert!(checked > 50, "only {checked} links checked");
}

#[test]
fn configured_hosting_urls_are_used_for_links_to_other_sites() {
    let fx = Fixture::new("basic");
    let config = fs::read_to_string(fx.project().join("config.yaml")).unwrap();
    fs::write(
        fx.project().join("config.yaml"),
        format!("{config}\nhosting:\n  prefecture: https://pref.example.jp/careplan/{{code}}/\n"),
    )
    .unwrap();
    fx.build_ok();
    let html = fx.read("m/221007/index.html");
    assert!(
        html.contains(r#"href="https://pref.example.jp/careplan/220001/""#),
        "{html}"
    );
}

#[test]
fn two_builds_are_byte_identical() {
    let fx = Fixture::new("basic");
    fx.build_ok();
    let second = fx.dir.path().join("second");
    outreach::build::build(&fx.options(&second)).unwrap();
    let a = tree(&fx.out());
    let b = tree(&second);
    assert_eq!(a.keys().collect::<Vec<_>>(), b.keys().collect::<Vec<_>>());
    for (k, v) in &a {
        assert!(v == &b[k], "{k} differs between two builds");
    }
}

#[test]
fn a_failed_build_leaves_the_previous_output_untouched() {
    let fx = Fixture::new("basic");
    fx.build_ok();
    let before = tree(&fx.out());
    fx.write(
        "content/guides/broken.md",
        "---\ntitle: 壊れたページ\ndescription: x\ncolour: red\n---\n本文\n",
    );
    assert!(matches!(fx.build(), Err(BuildError::Problems(_))));
    assert_eq!(tree(&fx.out()), before);
    // No staging folder is left behind beside the output.
    let leftovers: Vec<_> = fs::read_dir(fx.dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .filter(|n| n.starts_with('.'))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn front_matter_errors_name_file_line_and_are_all_collected() {
    let fx = Fixture::new("basic");
    fx.write(
        "content/guides/broken.md",
        "---\ntitle: 壊れたページ\ndescription: x\ncolour: red\n---\n本文\n",
    );
    fx.write(
        "content/faq/bad.md",
        "---\nquestion: 質問\ncategory: 費用\naudience: [誰か]\norder: 1\n---\n答え\n",
    );
    fx.write(
        "content/guides/link.md",
        "---\ntitle: リンク\ndescription: x\n---\n\n一行目\n\n[ない](@/guides/nothing.md)\n",
    );
    let Err(BuildError::Problems(problems)) = fx.build() else {
        panic!("the build should fail");
    };
    let errors: Vec<_> = problems
        .sorted()
        .into_iter()
        .filter(|p| p.severity == outreach::problems::Severity::Error)
        .collect();
    assert_eq!(errors.len(), 3, "{errors:#?}");
    let find = |name: &str| {
        errors
            .iter()
            .find(|p| p.file.ends_with(name))
            .unwrap_or_else(|| panic!("{name}: {errors:#?}"))
    };
    let unknown = find("guides/broken.md");
    assert_eq!(unknown.line, 4);
    assert!(unknown.message.contains("colour"), "{}", unknown.message);
    let audience = find("faq/bad.md");
    assert_eq!(audience.line, 4);
    assert!(audience.message.contains("誰か"));
    let link = find("guides/link.md");
    assert_eq!((link.line, link.column), (8, 1));
    assert!(link.message.contains("@/guides/nothing.md"));
}

#[test]
fn script_in_markdown_never_reaches_the_output() {
    let fx = Fixture::new("basic");
    fx.write(
        "content/guides/evil.md",
        "---\ntitle: 危険\ndescription: x\n---\n<script>alert('x')</script>\n\n<a href=\"javascript:alert(1)\" onclick=\"alert(2)\">a</a>\n\n{{ site.title }}\n",
    );
    fx.build_ok();
    let html = fx.read("guides/evil.html");
    assert!(!html.contains("alert"), "{html}");
    assert!(
        html.contains("{{ site.title }}"),
        "template syntax stays literal"
    );
}

#[test]
fn faq_page_carries_faqpage_json_ld() {
    let fx = Fixture::new("basic");
    fx.build_ok();
    let html = fx.read("faq.html");
    let start = html.find(r#"<script type="application/ld+json">"#).unwrap();
    let json = &html[start + 35..];
    let json = &json[..json.find("</script>").unwrap()];
    let value: serde_json::Value = serde_json::from_str(json).unwrap();
    assert_eq!(value["@type"], "FAQPage");
    let questions = value["mainEntity"].as_array().unwrap();
    assert_eq!(questions.len(), 2);
    assert_eq!(questions[0]["name"], "無料で試せますか？");
}

#[test]
fn a_subset_build_writes_only_the_selected_sites() {
    let fx = Fixture::new("basic");
    let mut options = fx.options(&fx.out());
    options.selection.prefecture = Some("220001".into());
    let report = outreach::build::build(&options).unwrap();
    assert_eq!(report.sites, 4);
    assert!(fx.out().join("m/221309/index.html").exists());
    assert!(!fx.out().join("index.html").exists());
    assert!(!fx.out().join("m/011002").exists());
}

#[test]
fn subsidies_page_shows_national_prefecture_and_own_programmes_with_status() {
    let fx = Fixture::new("basic");
    fx.write(
        "data/subsidies/national.yaml",
        "name: 国の制度\nprovider: national\nadministered_by: 厚生労働省\nbudget_source: 補正予算\neligible: [居宅介護支援事業所]\ncovers: [ライセンス料]\nrate: 1/2\nhow_to_apply: 県に申請\ncontact: 県\nconfirmed: 2025-06-01\n",
    );
    fx.write(
        "data/subsidies/shizuoka-city.yaml",
        "name: （架空）静岡市の助成\nprovider: \"221007\"\nadministered_by: 静岡市\nbudget_source: 市町村単独予算\neligible: [サービス事業所]\ncovers: [ライセンス料]\nrate: 10/10\nceiling_yen: 5000\nwindow: {start: 2026-04-01, end: 2026-12-10}\nhow_to_apply: 市に申請\ncontact: 静岡市\nconfirmed: 2026-04-01\nillustrative: true\n",
    );
    fx.write(
        "data/subsidies/hamamatsu.yaml",
        "name: （架空）浜松市の助成\nprovider: \"221309\"\nadministered_by: 浜松市\nbudget_source: 市町村単独予算\neligible: [サービス事業所]\ncovers: [研修]\nwindow: {end: 2025-03-31}\nhow_to_apply: 市に申請\ncontact: 浜松市\nconfirmed: 2025-01-01\nillustrative: true\n",
    );
    fx.build_ok();
    let shizuoka = fx.read("m/221007/subsidies.html");
    assert!(shizuoka.contains("国の制度"));
    assert!(shizuoka.contains("（架空）静岡市の助成"));
    assert!(
        !shizuoka.contains("浜松市の助成"),
        "a neighbour's programme never shows"
    );
    // 12-10 is 11 days after the build date 2026-11-29: within the 14-day window.
    assert!(shizuoka.contains("締切間近"));
    assert!(shizuoka.contains("2026年12月10日（令和8年12月10日）"));
    // 21,000 × 1/2 = 10,500 from the nation, or min(21,000, 5,000) from the city: the two
    // do not say they may be combined, so the better one is used, not the sum.
    // The result rests on the real (national) programme only: no sample mark on it.
    for cell in [
        r#"<td class="num" data-cell="p0:year">−10,500円</td>"#,
        r#"<td class="num" data-cell="p1:year">使わない</td>"#,
        r#"<td class="num" data-cell="net:year">10,500円</td>"#,
    ] {
        assert!(shizuoka.contains(cell), "{cell}\n{shizuoka}");
    }
    let hamamatsu = fx.read("m/221309/subsidies.html");
    assert!(hamamatsu.contains("受付を終えた制度"));
    assert!(hamamatsu.contains("受付終了"));
    // The prefecture lists which municipalities run their own programme.
    let prefecture = fx.read("p/220001/subsidies.html");
    assert!(
        prefecture.contains(
            "静岡市</a></th><td><ul class=\"programme-list\"><li>（架空）静岡市の助成 <span class=\"status-badge status-closing-soon\">締切間近</span>"
        ),
        "{prefecture}"
    );
    // The home page shows the open programme that closes soonest.
    assert!(
        fx.read("m/221007/index.html")
            .contains("受付中の補助金（締切の近い順）")
    );
}

#[test]
fn three_shards_merge_into_exactly_the_one_machine_build() {
    let fx = Fixture::new("basic");
    fx.build_ok();
    let mut parts = Vec::new();
    for i in 1..=3 {
        let mut options = fx.options(&fx.dir.path().join(format!("shard{i}")));
        options.selection.shard = Some(format!("{i}/3").parse().unwrap());
        let report = outreach::build::build(&options).unwrap();
        assert!(
            report.sites >= 2,
            "shards are balanced: shard {i} has {} sites",
            report.sites
        );
        parts.push(options.out);
    }
    let merged = fx.dir.path().join("merged");
    outreach::output::merge(&parts, &merged).unwrap();
    assert_eq!(tree(&merged), tree(&fx.out()));
}

#[test]
fn shard_arguments_are_checked() {
    use outreach::build::Shard;
    assert_eq!("2/3".parse::<Shard>(), Ok(Shard { index: 1, count: 3 }));
    assert!("0/3".parse::<Shard>().is_err());
    assert!("4/3".parse::<Shard>().is_err());
    assert!("x".parse::<Shard>().is_err());
}

#[test]
fn partner_offices_are_grouped_by_service_type_and_summarised_upwards() {
    let fx = Fixture::new("basic");
    fx.build_ok();
    let city = fx.read("m/221007/partners.html");
    assert!(city.contains("通所介護（2件）"), "{city}");
    assert!(city.contains("居宅介護支援（1件）"));
    assert!(city.contains("（架空）デイサービスセンターすみれ"));
    assert!(city.contains("サンプル・架空"));
    // The prefecture counts them per municipality and links to the city's list, at the
    // city's configured public URL.
    let prefecture = fx.read("p/220001/partners.html");
    assert!(
        prefecture.contains(r#"href="https://www.city.shizuoka.example/careplan/partners.html""#),
        "{prefecture}"
    );
    assert!(prefecture.contains(r#"<td class="num">3</td>"#));
    // A municipality without listed offices gets no partner page and no link to one.
    assert!(!fx.out().join("m/221309/partners.html").exists());
    assert!(!fx.read("m/221309/index.html").contains("partners.html"));
}

#[test]
fn open_data_is_csv_with_bom_and_plain_values_and_matching_json() {
    let fx = Fixture::new("basic");
    fx.build_ok();
    let csv = fs::read(fx.out().join("p/220001/data/adoption-220001.csv")).unwrap();
    assert!(csv.starts_with(b"\xEF\xBB\xBF"), "UTF-8 BOM for Excel");
    let text = String::from_utf8(csv[3..].to_vec()).unwrap();
    let mut lines = text.lines();
    assert_eq!(
        lines.next().unwrap(),
        "時点,団体コード,団体名,区分,事業所数,利用事業所数,利用率,目標達成,架空データ,出典ファイル"
    );
    // The prefecture's real row, then its municipalities: no commas or units inside values.
    assert!(
        text.contains("2023-11-06,220001,静岡県,prefecture,5055,392,0.0775,,false,2023-11-06.csv"),
        "{text}"
    );
    assert!(text.contains(
        "2024-11-05,221007,静岡市,municipality,100,30,0.3000,true,true,2024-11-05-municipalities-sample.csv"
    ));
    assert!(text.contains(
        "2024-11-05,221309,浜松市,municipality,100,29,0.2900,false,true,2024-11-05-municipalities-sample.csv"
    ));
    let json: serde_json::Value = serde_json::from_slice(
        &fs::read(fx.out().join("p/220001/data/adoption-220001.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(
        json["rows"].as_array().unwrap().len(),
        text.lines().count() - 1
    );
    assert_eq!(json["rows"][0]["offices"], 5055);
    let downloads = fx.read("p/220001/downloads.html");
    assert!(downloads.contains("CC BY 4.0"));
    assert!(downloads.contains("UTF-8（BOM 付き）"));
    assert!(downloads.contains("data/offices-220001.csv"));
}

fn mtimes(dir: &Path) -> std::collections::BTreeMap<String, std::time::SystemTime> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            (
                e.path()
                    .strip_prefix(dir)
                    .unwrap()
                    .to_string_lossy()
                    .to_string(),
                e.metadata().unwrap().modified().unwrap(),
            )
        })
        .collect()
}

fn changed(
    before: &std::collections::BTreeMap<String, std::time::SystemTime>,
    after: &std::collections::BTreeMap<String, std::time::SystemTime>,
) -> Vec<String> {
    after
        .iter()
        .filter(|(k, v)| before.get(*k) != Some(*v))
        .map(|(k, _)| k.clone())
        .collect()
}

#[test]
fn a_second_build_rewrites_nothing_and_keeps_every_mtime() {
    let fx = Fixture::new("basic");
    let first = fx.build_ok();
    assert_eq!(first.written, first.files);
    let before = mtimes(&fx.out());
    std::thread::sleep(std::time::Duration::from_millis(20));
    let second = fx.build_ok();
    assert_eq!(second.written, 0);
    assert_eq!(second.reused + second.unchanged, second.files);
    assert!(
        second.reused > 50,
        "pages are reused without rendering: {second:?}"
    );
    assert_eq!(changed(&before, &mtimes(&fx.out())), Vec::<String>::new());
    assert!(fx.project().join(".outreach-cache").is_dir());
    assert!(
        !fx.out().join(".outreach-cache").exists(),
        "the cache never lives in the output"
    );
}

#[test]
fn editing_one_shared_faq_entry_rewrites_only_the_faq_pages() {
    let fx = Fixture::new("basic");
    fx.build_ok();
    let before = mtimes(&fx.out());
    let reference = tree(&fx.out());
    std::thread::sleep(std::time::Duration::from_millis(20));
    fx.write(
        "content/faq/trial.md",
        "---\nquestion: 無料で試せますか？\ncategory: 費用\naudience: [居宅介護支援事業所, サービス事業所]\norder: 10\n---\nお試し期間はありません。キャンペーンを確認してください。\n",
    );
    let report = fx.build_ok();
    let mut touched = changed(&before, &mtimes(&fx.out()));
    touched.sort();
    // The FAQ pages, and the search index of every site (it holds the answers).
    let mut expected: Vec<String> = [
        "",
        "m/011002/",
        "m/012025/",
        "m/221007/",
        "m/221309/",
        "m/222038/",
        "p/010006/",
        "p/220001/",
    ]
    .iter()
    .flat_map(|site| [format!("{site}faq.html"), format!("{site}search/index.js")])
    .collect();
    expected.sort();
    assert_eq!(touched, expected);
    assert_eq!(report.written, 16);
    assert!(
        fx.read("m/221007/faq.html")
            .contains("キャンペーンを確認してください。")
    );
    // Everything else is byte-identical to before.
    let after = tree(&fx.out());
    for (k, v) in &reference {
        if !expected.contains(k) {
            assert!(&after[k] == v, "{k} changed");
        }
    }
}

#[test]
fn editing_one_municipal_page_rewrites_only_that_site() {
    let fx = Fixture::new("basic");
    fx.build_ok();
    let before = mtimes(&fx.out());
    std::thread::sleep(std::time::Duration::from_millis(20));
    fx.write(
        "content/municipalities/221007/guides/flow.md",
        "---\ntitle: 導入の流れ（静岡市）\ndescription: 静岡市の相談窓口を含む流れです。\norder: 10\nillustrative: true\n---\n静岡市だけの新しい手順です。\n",
    );
    fx.build_ok();
    let mut touched = changed(&before, &mtimes(&fx.out()));
    touched.sort();
    // The page, and the site's search index, which holds its text.
    assert_eq!(
        touched,
        ["m/221007/guides/flow.html", "m/221007/search/index.js"]
    );
}

#[test]
fn a_corrupt_cache_falls_back_to_a_full_build_with_a_warning() {
    let fx = Fixture::new("basic");
    fx.build_ok();
    let cache = fx.project().join(".outreach-cache");
    for entry in fs::read_dir(&cache).unwrap() {
        fs::write(entry.unwrap().path(), "not a manifest").unwrap();
    }
    let report = fx.build_ok();
    assert_eq!(report.reused, 0);
    let warnings: Vec<_> = report
        .problems
        .sorted()
        .into_iter()
        .filter(|p| p.message.contains("キャッシュが壊れています"))
        .collect();
    assert_eq!(warnings.len(), 1, "{:?}", report.problems.sorted());
    // The output is still complete and correct, and the cache is good again.
    assert!(fx.read("m/221007/index.html").contains("静岡市"));
    assert!(fx.build_ok().reused > 50);
}

fn tool(name: &str, args: &[&str]) -> String {
    let out = std::process::Command::new(name)
        .args(args)
        .output()
        .unwrap_or_else(|e| {
            panic!(
                "{name} is required for this test (apt-get install poppler-utils zbar-tools): {e}"
            )
        });
    assert!(
        out.status.success(),
        "{name} {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).to_string()
}

#[test]
fn every_site_gets_posters_and_each_prefecture_a_print_pack() {
    let fx = Fixture::new("basic");
    let mut options = fx.options(&fx.out());
    options.posters = true;
    let report = outreach::build::build(&options).unwrap();
    // Only the fixture's sites without a public URL are worth a warning.
    let problems: Vec<_> = report
        .problems
        .sorted()
        .into_iter()
        .filter(|p| !p.message.contains("公開先 URL のない"))
        .collect();
    assert!(problems.is_empty(), "{problems:?}");
    // Each file name carries its site's code, so files from many sites never clash.
    for (site, tag) in [
        ("", "national"),
        ("p/220001/", "220001"),
        ("m/221007/", "221007"),
        ("m/011002/", "011002"),
    ] {
        for file in [
            format!("poster-standard-a4-{tag}.pdf"),
            format!("poster-standard-a3-{tag}.pdf"),
            format!("poster-simple-a4-{tag}.pdf"),
            format!("poster-standard-{tag}.png"),
        ] {
            assert!(
                fx.out().join(format!("{site}posters/{file}")).is_file(),
                "{site}posters/{file}"
            );
        }
    }
    // 静岡県's pack holds its three municipalities' posters, in code order.
    let pack = fx
        .out()
        .join("p/220001/posters/print-pack-standard-a4-220001.pdf");
    let info = tool("pdfinfo", &[pack.to_str().unwrap()]);
    assert!(info.contains("Pages:           3"), "{info}");
    let text = tool("pdftotext", &[pack.to_str().unwrap(), "-"]);
    let (a, b, c) = (
        text.find("静岡市").unwrap(),
        text.find("浜松市").unwrap(),
        text.find("沼津市").unwrap(),
    );
    assert!(a < b && b < c, "code order");
    // The site with a configured URL gets a QR code that decodes to exactly it.
    let png = fx.out().join("m/221007/posters/poster-standard-221007.png");
    let decoded = tool("zbarimg", &["--raw", "-q", png.to_str().unwrap()]);
    assert_eq!(
        decoded.trim(),
        "https://www.city.shizuoka.example/careplan/"
    );
    let qr_png = fx.out().join("m/221007/posters/qr-221007.png");
    let qr = tool("zbarimg", &["--raw", "-q", qr_png.to_str().unwrap()]);
    assert_eq!(
        qr.trim(),
        "https://www.city.shizuoka.example/careplan/",
        "the standalone QR image"
    );
    assert!(
        !fx.out().join("m/221309/posters/qr-221309.png").exists(),
        "no URL, no QR code"
    );
    let pdf_text = tool(
        "pdftotext",
        &[
            fx.out()
                .join("m/221007/posters/poster-standard-a4-221007.pdf")
                .to_str()
                .unwrap(),
            "-",
        ],
    );
    assert!(pdf_text.contains("QRコードは株式会社デンソーウェーブの登録商標です。"));
    assert!(
        pdf_text.contains("30.0%"),
        "the site's own figure is printed"
    );
    // The downloads page shows the preview and links the PDFs and the pack.
    let downloads = fx.read("p/220001/downloads.html");
    assert!(downloads.contains(r#"src="posters/poster-standard-220001.png""#));
    assert!(downloads.contains(r#"href="posters/print-pack-standard-a4-220001.pdf""#));
    // A second build reuses every poster without rendering it again.
    let again = outreach::build::build(&options).unwrap();
    assert_eq!(again.written, 0);
}

#[test]
fn print_marks_add_bleed_and_a_trim_box() {
    let fx = Fixture::new("basic");
    let mut options = fx.options(&fx.out());
    options.posters = true;
    options.print_marks = Some(true);
    options.selection.only = vec!["221007".into()];
    outreach::build::build(&options).unwrap();
    let pdf = fx
        .out()
        .join("m/221007/posters/poster-standard-a4-print-221007.pdf");
    let boxes = tool("pdfinfo", &["-box", pdf.to_str().unwrap()]);
    let line = |name: &str| {
        boxes
            .lines()
            .find(|l| l.starts_with(name))
            .unwrap()
            .to_string()
    };
    let numbers = |l: String| -> Vec<f64> {
        l.split_whitespace()
            .filter_map(|w| w.parse().ok())
            .collect()
    };
    let trim = numbers(line("TrimBox:"));
    let bleed = numbers(line("BleedBox:"));
    let media = numbers(line("MediaBox:"));
    let mm = 72.0 / 25.4;
    assert!(((trim[2] - trim[0]) - 210.0 * mm).abs() < 1.0, "{boxes}");
    assert!(((trim[3] - trim[1]) - 297.0 * mm).abs() < 1.0, "{boxes}");
    assert!(
        ((bleed[2] - bleed[0]) - 216.0 * mm).abs() < 1.0,
        "3 mm bleed each side: {boxes}"
    );
    assert!(
        media[2] - media[0] > bleed[2] - bleed[0],
        "crop marks sit outside the bleed"
    );
}

#[test]
fn every_chart_in_a_built_site_parses_and_carries_title_and_desc() {
    let fx = Fixture::new("basic");
    fx.build_ok();
    let mut problems = outreach::problems::Problems::new();
    let fonts =
        outreach::fonts::Fonts::load(&fx.project().join("themes/default/fonts"), &mut problems);
    let mut charts = 0;
    for (rel, bytes) in tree(&fx.out()) {
        if !rel.ends_with("index.html") || rel.contains("guides/") || rel.contains("news/") {
            continue;
        }
        let html = String::from_utf8(bytes).unwrap();
        let mut rest = html.as_str();
        while let Some(start) = rest.find("<svg") {
            let end = rest[start..].find("</svg>").unwrap() + start + 6;
            let svg = &rest[start..end];
            assert!(svg.contains(r#"role="img""#), "{rel}");
            assert!(svg.contains("<title id="), "{rel}");
            assert!(svg.contains("<desc id="), "{rel}");
            let options = resvg::usvg::Options {
                fontdb: fonts.database(),
                ..Default::default()
            };
            resvg::usvg::Tree::from_str(svg, &options).unwrap_or_else(|e| panic!("{rel}: {e}"));
            charts += 1;
            rest = &rest[end..];
        }
    }
    // National: tile map, ranking, distribution, trend; prefectures: KPI, ranking, trend
    // (two snapshots); municipalities: comparison and KPI (one snapshot, so no trend).
    assert_eq!(charts, 4 + 2 * 3 + 5 * 2);
    let national = fx.read("index.html");
    assert!(national.contains("都道府県別の利用率（タイル地図）"));
    let city = fx.read("m/221007/index.html");
    assert!(
        city.contains("静岡市の利用率は30.0%"),
        "descriptions are written from the data"
    );
}

#[test]
fn sites_with_a_public_url_get_a_sitemap_and_a_news_feed() {
    let fx = Fixture::new("basic");
    fx.build_ok();
    let sitemap = fx.read("m/221007/sitemap.xml");
    assert!(sitemap.contains("<loc>https://www.city.shizuoka.example/careplan/</loc>"));
    assert!(
        sitemap.contains(
            "<loc>https://www.city.shizuoka.example/careplan/guides/checklist.html</loc>"
        )
    );
    let feed = fx.read("m/221007/news/feed.xml");
    assert!(
        feed.contains("<id>https://www.city.shizuoka.example/careplan/news/campaign.html</id>")
    );
    assert!(
        fx.read("m/221007/index.html")
            .contains(r#"og:image" content="https://www.city.shizuoka.example/careplan/ogp.png""#)
    );
    // Without a URL there is nothing absolute to list.
    assert!(!fx.out().join("m/221309/sitemap.xml").exists());
    assert!(!fx.read("m/221309/index.html").contains("og:image"));
}
