use super::*;
use crate::problems::{Problem, Severity, with_code};
use jiff::civil::date;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn master() -> MasterList {
    let mut problems = Problems::new();
    let m = MasterList::load(&root().join("data/municipalities.csv"), &mut problems);
    assert!(problems.is_empty());
    m
}

fn subsidy(provider: Provider, start: Option<Date>, end: Option<Date>) -> Subsidy {
    Subsidy {
        id: "test".into(),
        name: "（架空）テスト".into(),
        provider,
        administered_by: "テスト市".into(),
        budget_source: "市町村単独予算".into(),
        eligible: vec!["居宅介護支援事業所".into()],
        covers: vec![LICENCE_FEE.into()],
        rate: Some(Rate {
            numerator: 3,
            denominator: 4,
        }),
        ceiling_yen: Some(50_000),
        window_start: start,
        window_end: end,
        how_to_apply: "申請".into(),
        contact: "テスト市".into(),
        link: None,
        confirmed: date(2026, 4, 1),
        illustrative: true,
        areas: Vec::new(),
        areas_illustrative: false,
        ceiling_per: CeilingPer::Office,
        fee_basis: FeeBasis::TaxIncluded,
        round_down_to: None,
        combinable: false,
        combinable_with: Vec::new(),
        source: PathBuf::from("test.yaml"),
    }
}

/// The sample project's licence fee (21,000円 with tax, 10%).
fn fee() -> LicenceFee {
    let mut problems = Problems::new();
    let config = crate::config::Config::load(&root().join("config.yaml"), &mut problems)
        .expect("the sample config loads");
    config.licence_fee
}

fn shipped() -> Vec<Subsidy> {
    let mut problems = Problems::new();
    let list = load(
        &root().join("data/subsidies"),
        &master(),
        Some(&fee()),
        &mut problems,
    );
    assert!(problems.is_empty(), "{:#?}", problems.sorted());
    list
}

fn by_id<'a>(list: &'a [Subsidy], id: &str) -> &'a Subsidy {
    list.iter().find(|s| s.id == id).unwrap()
}

// --- status -----------------------------------------------------------

#[test]
fn status_at_each_boundary() {
    let s = subsidy(
        Provider::National,
        Some(date(2026, 4, 1)),
        Some(date(2026, 12, 10)),
    );
    // closing_soon_days = -1: never "closing soon", so the plain open/closed edges show.
    assert_eq!(s.status(date(2026, 3, 31), -1), Status::Upcoming);
    assert_eq!(s.status(date(2026, 4, 1), -1), Status::Open);
    assert_eq!(s.status(date(2026, 12, 10), -1), Status::Open);
    assert_eq!(s.status(date(2026, 12, 11), -1), Status::Closed);
    // With a 14-day warning the last day is closing soon.
    assert_eq!(s.status(date(2026, 3, 31), 14), Status::Upcoming);
    assert_eq!(s.status(date(2026, 4, 1), 14), Status::Open);
    assert_eq!(s.status(date(2026, 12, 10), 14), Status::ClosingSoon);
    assert_eq!(s.status(date(2026, 12, 11), 14), Status::Closed);
    assert_eq!(s.status(date(2030, 1, 1), 14), Status::Closed);
    assert_eq!(s.status(date(2000, 1, 1), 14), Status::Upcoming);
}

#[test]
fn closing_soon_boundary_is_exactly_n_days() {
    let s = subsidy(
        Provider::National,
        Some(date(2026, 4, 1)),
        Some(date(2026, 12, 10)),
    );
    // 14 days before the end: closing soon; 15 days before: open.
    assert_eq!(s.status(date(2026, 11, 26), 14), Status::ClosingSoon);
    assert_eq!(s.status(date(2026, 11, 25), 14), Status::Open);
    // Across months: the distance is counted in days, not months.
    assert_eq!(s.status(date(2026, 5, 1), 30), Status::Open);
    assert_eq!(s.status(date(2026, 11, 10), 30), Status::ClosingSoon);
    assert_eq!(s.status(date(2026, 11, 9), 30), Status::Open);
    // 0 days: only the last day.
    assert_eq!(s.status(date(2026, 12, 10), 0), Status::ClosingSoon);
    assert_eq!(s.status(date(2026, 12, 9), 0), Status::Open);
    // Closing soon never applies before the start.
    let short = subsidy(
        Provider::National,
        Some(date(2026, 4, 1)),
        Some(date(2026, 4, 5)),
    );
    assert_eq!(short.status(date(2026, 3, 31), 14), Status::Upcoming);
    assert_eq!(short.status(date(2026, 4, 1), 14), Status::ClosingSoon);
}

#[test]
fn status_with_open_ended_windows() {
    let none = subsidy(Provider::National, None, None);
    assert_eq!(none.status(date(2026, 1, 1), 14), Status::Open);
    assert!(!none.has_window());
    let start_only = subsidy(Provider::National, Some(date(2026, 4, 1)), None);
    assert_eq!(start_only.status(date(2026, 3, 31), 14), Status::Upcoming);
    assert_eq!(start_only.status(date(2099, 1, 1), 14), Status::Open);
    assert!(start_only.has_window());
    let end_only = subsidy(Provider::National, None, Some(date(2026, 4, 1)));
    assert_eq!(end_only.status(date(2000, 1, 1), 14), Status::Open);
    assert_eq!(end_only.status(date(2026, 3, 20), 14), Status::ClosingSoon);
    assert_eq!(end_only.status(date(2026, 4, 2), 14), Status::Closed);
}

#[test]
fn status_labels() {
    assert_eq!(Status::Upcoming.label(), "受付前");
    assert_eq!(Status::Open.label(), "受付中");
    assert_eq!(Status::ClosingSoon.label(), "締切間近");
    assert_eq!(Status::Closed.label(), "受付終了");
}

#[test]
fn shipped_samples_cover_every_status_on_2026_11_29() {
    let list = shipped();
    let today = date(2026, 11, 29);
    let status = |id: &str| by_id(&list, id).status(today, 14);
    assert_eq!(status("shizuoka-city-licence"), Status::ClosingSoon);
    assert_eq!(status("shizuoka-pref-example"), Status::Open);
    assert_eq!(status("hamamatsu-city-example"), Status::Upcoming);
    assert_eq!(status("hokkaido-example"), Status::Closed);
}

// --- selection --------------------------------------------------------

#[test]
fn each_site_sees_its_own_programmes() {
    let list = shipped();
    let ids = |pref: Option<&str>, muni: Option<&str>| -> Vec<&str> {
        let code = |c: &str| JisCode::parse(c).unwrap();
        let (pref, muni) = (pref.map(code), muni.map(code));
        list.iter()
            .filter(|s| s.applies_to(pref.as_ref(), muni.as_ref()))
            .map(|s| s.id.as_str())
            .collect()
    };
    let everywhere = ["national-ict", "national-productivity-fund"];
    let with_model = [
        "national-ict",
        "national-model-region",
        "national-productivity-fund",
    ];
    // 静岡市: national (the model region lists it) + 静岡県's (its areas list it) + 静岡市's.
    let mut shizuoka_city = with_model.to_vec();
    shizuoka_city.extend(["shizuoka-pref-example", "shizuoka-city-licence"]);
    assert_eq!(ids(Some("220001"), Some("221007")), shizuoka_city);
    // The prefecture may be left out for a municipality site.
    assert_eq!(ids(None, Some("221007")), shizuoka_city);
    // 浜松市 is a model region but not in 静岡県's areas; never 静岡市's.
    let mut hamamatsu = with_model.to_vec();
    hamamatsu.push("hamamatsu-city-example");
    assert_eq!(ids(Some("220001"), Some("221309")), hamamatsu);
    // 沼津市 is in 静岡県's areas, not a model region.
    let mut numazu = everywhere.to_vec();
    numazu.push("shizuoka-pref-example");
    assert_eq!(ids(Some("220001"), Some("222038")), numazu);
    // 静岡県's site: national (it has model-region municipalities) + its own, not its municipalities'.
    let mut shizuoka_pref = with_model.to_vec();
    shizuoka_pref.push("shizuoka-pref-example");
    assert_eq!(ids(Some("220001"), None), shizuoka_pref);
    // 福島県 is a model region as a whole: every municipality in it, and its own site.
    assert_eq!(ids(Some("070009"), Some("072010")), with_model.to_vec());
    assert_eq!(ids(Some("070009"), None), with_model.to_vec());
    // 札幌市 (北海道) sees 北海道's, not 静岡's, and no model region.
    let mut sapporo = everywhere.to_vec();
    sapporo.push("hokkaido-example");
    assert_eq!(ids(Some("010006"), Some("011002")), sapporo);
    assert_eq!(ids(Some("010006"), None), sapporo);
    // The national site sees every national programme (the model region with its areas).
    assert_eq!(ids(None, None), with_model.to_vec());
}

// --- licence fee ------------------------------------------------------

#[test]
fn shipped_programmes_pay_on_their_own_basis_and_ceiling() {
    use estimate::Plan;
    let list = shipped();
    let fee = fee();
    assert_eq!(fee.tax_included_yen(), Some(21_000));
    assert_eq!(fee.tax_excluded_yen(), Some(19_091));
    let alone = |id: &str, n: u64| {
        let s = by_id(&list, id);
        Plan::new(&[s], &fee).outcome(n, false).paid[0]
    };
    // 静岡県: 3/4 of the tax-exclusive 19,091円, 千円未満切り捨て, 50,000円 per application.
    let pref = by_id(&list, "shizuoka-pref-example");
    assert_eq!(pref.fee_basis, FeeBasis::TaxExcluded);
    assert_eq!(pref.ceiling_per, CeilingPer::Application);
    assert_eq!(pref.round_down_to, Some(1_000));
    assert_eq!(alone("shizuoka-pref-example", 1), Some(14_000));
    assert_eq!(alone("shizuoka-pref-example", 3), Some(42_000)); // 57,273 × 3/4 = 42,954
    assert_eq!(alone("shizuoka-pref-example", 4), Some(50_000)); // one ceiling
    // 静岡市: half of the fee with tax, 10,000円 per office number.
    assert_eq!(alone("shizuoka-city-licence", 1), Some(10_000));
    assert_eq!(alone("shizuoka-city-licence", 4), Some(40_000));
    // 浜松市: 1/2, 10,500円 per office number.
    assert_eq!(alone("hamamatsu-city-example", 2), Some(21_000));
    // The two Shizuoka programmes allow each other; national ones say nothing.
    let city = by_id(&list, "shizuoka-city-licence");
    assert!(pref.stacks_with(city) && city.stacks_with(pref));
    assert!(!pref.stacks_with(by_id(&list, "hamamatsu-city-example")));
    // A programme that does not cover the licence fee, or has no rate, is not in a plan.
    assert!(
        Plan::new(&[by_id(&list, "national-ict")], &fee)
            .programmes
            .is_empty()
    );
    let mut no_rate = subsidy(Provider::National, None, None);
    no_rate.rate = None;
    assert!(Plan::new(&[&no_rate], &fee).programmes.is_empty());
}

// --- rates and amounts ---------------------------------------------------

#[test]
fn rates_in_every_accepted_form() {
    let r = |n, d| Rate {
        numerator: n,
        denominator: d,
    };
    assert_eq!(Rate::parse("3/4"), Ok(r(3, 4)));
    assert_eq!(Rate::parse(" 3 / 4 "), Ok(r(3, 4)));
    assert_eq!(Rate::parse("0.75"), Ok(r(3, 4)));
    assert_eq!(Rate::parse("75%"), Ok(r(3, 4)));
    assert_eq!(Rate::parse("４分の３"), Ok(r(3, 4)));
    assert_eq!(Rate::parse("３／４"), Ok(r(3, 4)));
    assert_eq!(Rate::parse("66.5%"), Ok(r(133, 200)));
    assert_eq!(Rate::parse("10/10"), Ok(r(1, 1)));
    assert_eq!(Rate::parse("1"), Ok(r(1, 1)));
    assert_eq!(Rate::parse("100%"), Ok(r(1, 1)));
    assert_eq!(Rate::parse("5/4"), Ok(r(5, 4))); // rejected later, by the loader
    assert_eq!(Rate::parse("1/0"), Err(RateError::ZeroDenominator));
    for bad in [
        "",
        "abc",
        "-1/2",
        "1/2/3",
        "3/",
        "/4",
        "0.1234567",
        "75 %%",
        ".",
    ] {
        assert_eq!(Rate::parse(bad), Err(RateError::Syntax), "{bad:?}");
    }
    assert_eq!(r(3, 4).display(), "3/4");
    assert_eq!(r(1, 1).display(), "10/10");
    assert_eq!(r(2, 3).to_string(), "2/3");
    assert!((r(3, 4).as_f64() - 0.75).abs() < 1e-12);
}

#[test]
fn yen_amounts() {
    assert_eq!(parse_yen("50000"), Some(50_000));
    assert_eq!(parse_yen("50,000"), Some(50_000));
    assert_eq!(parse_yen("５０，０００円"), Some(50_000));
    assert_eq!(parse_yen("5万円"), Some(50_000));
    assert_eq!(parse_yen("5万"), Some(50_000));
    for bad in ["", "abc", "-5", "5.5", ",5", "5,", "円"] {
        assert_eq!(parse_yen(bad), None, "{bad:?}");
    }
}

#[test]
fn links_must_be_http() {
    assert!(is_http_url("https://www.mhlw.go.jp/"));
    assert!(is_http_url("http://example.com/a?b=c"));
    assert!(is_http_url("HTTPS://EXAMPLE.COM"));
    for bad in [
        "javascript:alert(1)",
        "ftp://example.com",
        "https://",
        "https:///path",
        "www.example.com",
        "https://example.com/a b",
        "mailto:a@example.com",
    ] {
        assert!(!is_http_url(bad), "{bad:?}");
    }
}

// --- loading ----------------------------------------------------------

#[test]
fn shipped_samples_load_cleanly_and_are_labelled() {
    let list = shipped();
    assert_eq!(list.len(), 7);
    // Sorted by provider (national, prefecture, municipality), then id.
    let order: Vec<&str> = list.iter().map(|s| s.id.as_str()).collect();
    assert_eq!(
        order,
        [
            "national-ict",
            "national-model-region",
            "national-productivity-fund",
            "hokkaido-example",
            "shizuoka-pref-example",
            "shizuoka-city-licence",
            "hamamatsu-city-example",
        ]
    );
    for s in &list {
        assert_eq!(s.illustrative, s.name.starts_with("（架空）"), "{}", s.id);
        if s.provider == Provider::National {
            // Real programmes: no invented figures.
            assert!(!s.illustrative);
            assert_eq!((s.rate, s.ceiling_yen), (None, None), "{}", s.id);
            assert!(!s.has_window(), "{}", s.id);
            assert!(
                s.how_to_apply
                    .contains("詳細は都道府県の募集要項を確認してください")
            );
        } else {
            assert!(s.illustrative, "{}", s.id);
        }
    }
    let city = by_id(&list, "shizuoka-city-licence");
    assert_eq!(
        city.provider,
        Provider::Municipality(JisCode::parse("221007").unwrap())
    );
    assert_eq!(city.rate.map(|r| r.display()), Some("1/2".into()));
    assert_eq!(city.ceiling_yen, Some(10_000));
    assert_eq!(city.combinable_with, ["shizuoka-pref-example"]);
    // Areas: the real national model programme with illustrative areas, and 静岡県's.
    let model = by_id(&list, "national-model-region");
    assert!(!model.illustrative && model.areas_illustrative && model.shown_as_sample());
    assert_eq!(model.areas, ["070009", "221007", "221309", "272116"]);
    let pref = by_id(&list, "shizuoka-pref-example");
    assert_eq!(pref.areas, ["221007", "222038", "222101"]);
    assert!(pref.areas_illustrative);
    assert!(!by_id(&list, "national-ict").shown_as_sample());
    assert_eq!(city.window_start, Some(date(2026, 4, 1)));
    assert_eq!(city.window_end, Some(date(2026, 12, 10)));
    assert!(
        city.source
            .ends_with("data/subsidies/shizuoka-city-licence.yaml")
    );
    let m = master();
    assert_eq!(city.provider.display_name(&m), "静岡県静岡市");
    assert_eq!(
        by_id(&list, "hokkaido-example").provider.display_name(&m),
        "北海道"
    );
    assert_eq!(Provider::National.display_name(&m), "国");
}

#[test]
fn control_characters_in_text_are_errors_at_their_value() {
    let dir = tempfile::tempdir().unwrap();
    let yaml = "name: \"（架空）制御\\t文字\"\nprovider: \"221007\"\nadministered_by: 静岡市\nbudget_source: 市町村単独予算\neligible:\n  - 居宅介護支援事業所\ncovers:\n  - \"ライセンス料\\n[2J\"\nhow_to_apply: |\n  申請書を\n  \t提出します。\ncontact: \"静岡市\\r介護保険課\"\nconfirmed: 2025-06-01\nillustrative: true\n";
    std::fs::write(dir.path().join("x.yaml"), yaml).unwrap();
    let mut problems = Problems::new();
    let list = load(dir.path(), &master(), None, &mut problems);
    assert!(list.is_empty());
    let all = problems.sorted();
    let lines: Vec<(Option<usize>, &str)> = all
        .iter()
        .map(|p| {
            let key = p.message.split(' ').next().unwrap_or("");
            (p.location.line_number(), key)
        })
        .collect();
    // name (tab), the covers item (LF) and contact (CR) are errors; the
    // line break and tab of the multi-line how_to_apply are not.
    assert_eq!(
        lines,
        [
            (Some(1), "name"),
            (Some(8), "covers"),
            (Some(12), "contact")
        ],
        "{all:#?}"
    );
    assert!(all[0].message.contains("U+0009"), "{}", all[0]);
    assert!(all[1].message.contains("U+000A"), "{}", all[1]);
    assert_eq!(all[1].location.column_number(), Some(5));
    assert!(all.iter().all(|p| p.severity == Severity::Error));
    assert_eq!(with_code(&all, Code::YamlControlCharacter).len(), 3);
}

#[test]
fn absent_directory_is_empty() {
    let mut problems = Problems::new();
    let list = load(
        &root().join("tests/fixtures/subsidies/nothing-here"),
        &master(),
        Some(&fee()),
        &mut problems,
    );
    assert!(list.is_empty());
    assert!(problems.is_empty());
}

#[test]
fn defaults_and_flow_lists() {
    let mut problems = Problems::new();
    let list = load(
        &root().join("tests/fixtures/subsidies/valid"),
        &master(),
        Some(&fee()),
        &mut problems,
    );
    assert!(problems.is_empty(), "{:#?}", problems.sorted());
    assert_eq!(list.len(), 1);
    let s = &list[0];
    assert_eq!(s.id, "national");
    assert!(!s.illustrative);
    assert_eq!(s.eligible, ["居宅介護支援事業所", "サービス事業所"]);
    assert_eq!(s.link, None);
    assert_eq!(s.confirmed, date(2025, 6, 1));
}

#[test]
fn serialises_dates_as_iso_strings() {
    let s = subsidy(
        Provider::Prefecture(JisCode::parse("220001").unwrap()),
        Some(date(2026, 4, 1)),
        None,
    );
    let json = serde_json::to_value(&s).unwrap();
    assert_eq!(json["window_start"], "2026-04-01");
    assert_eq!(json["window_end"], serde_json::Value::Null);
    assert_eq!(json["confirmed"], "2026-04-01");
    assert_eq!(json["provider"]["Prefecture"], "220001");
    assert_eq!(json["rate"]["numerator"], 3);
}

/// The one problem reported for `file` at `line` (`None`: the whole file).
fn found<'a>(problems: &'a [Problem], file: &str, line: Option<usize>) -> &'a Problem {
    let found: Vec<&Problem> = problems
        .iter()
        .filter(|p| {
            p.location
                .path()
                .unwrap()
                .file_name()
                .is_some_and(|n| n == file)
                && p.location.line_number() == line
        })
        .collect();
    assert_eq!(found.len(), 1, "{file}:{line:?}: {problems:#?}");
    found[0]
}

/// The one problem reported for `file` at `line`.
fn at<'a>(problems: &'a [Problem], file: &str, line: usize) -> &'a Problem {
    found(problems, file, Some(line))
}

/// The one problem reported for `file` as a whole.
fn whole<'a>(problems: &'a [Problem], file: &str) -> &'a Problem {
    found(problems, file, None)
}

fn column(p: &Problem) -> Option<usize> {
    p.location.column_number()
}

#[test]
fn schema_errors_from_every_file_in_one_load() {
    let mut problems = Problems::new();
    let list = load(
        &root().join("tests/fixtures/subsidies/errors"),
        &master(),
        Some(&fee()),
        &mut problems,
    );
    let all = problems.sorted();

    // Only the correct file is loaded; the others are reported, not dropped silently.
    let ids: Vec<&str> = list.iter().map(|s| s.id.as_str()).collect();
    assert_eq!(ids, ["ok"]);
    let ok = &list[0];
    assert_eq!(ok.rate.map(|r| r.display()), Some("3/4".into()));
    assert_eq!(ok.ceiling_yen, Some(50_000));
    assert_eq!(ok.eligible[1], "サービス事業所（訪問介護）");
    assert_eq!(
        ok.confirmed,
        date(2030, 1, 1),
        "a future confirmed date is fine"
    );

    // Unknown keys: every one of them, with line and column, and the allowed keys.
    let p = at(&all, "unknown-key.yaml", 4);
    assert_eq!(p.code, Code::SubsidyUnknownKey);
    assert_eq!((column(p), p.severity), (Some(1), Severity::Error));
    assert!(
        p.message
            .starts_with("不明な項目「budget」があります。使える項目: name, provider"),
        "{}",
        p.message
    );
    assert!(p.message.contains("budget_source"));
    let p = at(&all, "unknown-key.yaml", 15);
    assert_eq!((p.code, column(p)), (Code::SubsidyUnknownKey, Some(3)));
    assert!(
        p.message
            .contains("window の中に不明な項目「until」があります。使える項目: start, end"),
        "{}",
        p.message
    );

    // End before start: at the line of `end`.
    let p = at(&all, "end-before-start.yaml", 11);
    assert_eq!((p.code, column(p)), (Code::SubsidyWindowOrder, Some(8)));
    assert!(
        p.message.contains("2026-11-01") && p.message.contains("2026-12-01"),
        "{}",
        p.message
    );
    assert!(p.message.contains("より前"));

    // Unknown code (valid check digit, not in the master list) and a wrong check digit.
    let p = at(&all, "unknown-code.yaml", 2);
    assert_eq!(p.code, Code::SubsidyBadValue);
    assert!(
        p.message.contains("「229997」") && p.message.contains("団体コード一覧にありません"),
        "{}",
        p.message
    );
    let p = at(&all, "wrong-check-digit.yaml", 2);
    assert_eq!(p.code, Code::SubsidyBadValue);
    assert!(
        p.message.contains("221008") && p.message.contains("検査数字"),
        "{}",
        p.message
    );
    assert!(p.message.contains("正しくは「221007」"));

    // Rate above 1.
    let p = at(&all, "rate-over-one.yaml", 9);
    assert_eq!((p.code, column(p)), (Code::SubsidyBadValue, Some(7)));
    assert!(p.message.contains("「5/4」"), "{}", p.message);

    // A scalar where a list is needed names the key.
    let p = at(&all, "wrong-type.yaml", 5);
    assert_eq!(p.code, Code::YamlWrongType);
    assert!(
        p.message.contains("項目「eligible」の値の形が違います"),
        "{}",
        p.message
    );

    // Broken YAML: in Japanese, where the parser stopped, with a hint for the quote left open.
    let p = at(&all, "syntax.yaml", 2);
    assert_eq!(p.code, Code::YamlSyntax);
    assert!(p.message.contains("引用符"), "{}", p.message);
    assert!(p.hint.contains("閉じ忘れ"), "{}", p.hint);

    // An empty file is one problem, not one per missing key.
    let p = whole(&all, "empty.yaml");
    assert_eq!(p.code, Code::SubsidyEmptyFile);

    // One file with many value problems reports all of them.
    let many: Vec<&Problem> = all
        .iter()
        .filter(|p| p.location.path().unwrap().ends_with("many-problems.yaml"))
        .collect();
    assert_eq!(many.len(), 9, "{many:#?}");
    let codes: Vec<(Option<usize>, Code)> = many
        .iter()
        .map(|p| (p.location.line_number(), p.code))
        .collect();
    assert_eq!(
        codes,
        [
            (None, Code::SubsidyMissingKey),
            (Some(6), Code::SubsidyBadValue),
            (Some(9), Code::SubsidyBadValue),
            (Some(10), Code::SubsidyBadValue),
            (Some(12), Code::SubsidyBadValue),
            (Some(13), Code::SubsidyBadValue),
            (Some(15), Code::SubsidyMissingKey),
            (Some(16), Code::SubsidyBadValue),
            (Some(17), Code::SubsidyBadValue),
        ]
    );
    assert!(
        whole(&all, "many-problems.yaml")
            .message
            .contains("「name」")
    );
    assert!(
        at(&all, "many-problems.yaml", 6)
            .message
            .contains("「ケアマネ事業所」")
    );
    assert!(
        at(&all, "many-problems.yaml", 9)
            .message
            .contains("分母が0")
    );
    assert!(
        at(&all, "many-problems.yaml", 10)
            .message
            .contains("「たくさん」")
    );
    assert!(
        at(&all, "many-problems.yaml", 12)
            .message
            .contains("「2026/04/01」")
    );
    assert!(
        at(&all, "many-problems.yaml", 13)
            .message
            .contains("javascript:alert(1)")
    );
    assert!(
        at(&all, "many-problems.yaml", 15)
            .message
            .contains("「contact」")
    );
    assert!(
        at(&all, "many-problems.yaml", 16)
            .message
            .contains("「2026-02-30」")
    );
    assert!(
        at(&all, "many-problems.yaml", 17)
            .message
            .contains("「はい」")
    );

    // .yml is not read, but the editor is told; other files are ignored.
    let p = whole(&all, "ignored.yml");
    assert_eq!((p.code, p.severity), (Code::FileIgnored, Severity::Warning));
    let in_file = |name: &str| {
        all.iter()
            .any(|p| p.location.path().unwrap().ends_with(name))
    };
    assert!(!in_file("README.txt"));
    assert!(!in_file("ok.yaml"));

    // Every problem carries a hint.
    assert!(all.iter().all(|p| !p.hint.is_empty()));
    assert_eq!(problems.warning_count(), 1);
    assert_eq!(problems.error_count(), all.len() - 1);
}

#[test]
fn labelling_mismatch_is_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    let body = |name: &str, illustrative: &str| {
        format!(
            "name: {name}\nprovider: national\nadministered_by: 国\nbudget_source: 補正予算\n\
             eligible: [サービス事業所]\ncovers: [ライセンス利用料]\nhow_to_apply: 申請\n\
             contact: 窓口\nconfirmed: 2025-06-01\nillustrative: {illustrative}\n"
        )
    };
    std::fs::write(dir.path().join("a.yaml"), body("実在風の名前", "true")).unwrap();
    std::fs::write(dir.path().join("b.yaml"), body("（架空）名前", "false")).unwrap();
    let mut problems = Problems::new();
    let list = load(dir.path(), &master(), Some(&fee()), &mut problems);
    assert_eq!(list.len(), 2, "warnings do not drop the programme");
    let all = problems.sorted();
    assert!(!problems.has_errors(), "{all:#?}");
    // Per file: the label mismatch on line 1 and the licence-fee wording on line 6.
    let a = at(&all, "a.yaml", 1);
    assert_eq!(a.code, Code::SubsidyIllustrativeLabel);
    assert!(
        a.message.contains("「（架空）」で始まっていません"),
        "{}",
        a.message
    );
    let b = at(&all, "b.yaml", 1);
    assert_eq!(b.code, Code::SubsidyIllustrativeLabel);
    assert!(
        b.message.contains("illustrative が true ではありません"),
        "{}",
        b.message
    );
    let covers = at(&all, "a.yaml", 6);
    assert_eq!(covers.code, Code::SubsidyCoversWording);
    assert!(covers.message.contains("「ライセンス利用料」"));
    assert_eq!(all.len(), 4);
}
