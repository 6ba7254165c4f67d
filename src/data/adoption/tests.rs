use std::fmt::Write as _;

use super::*;
use crate::data::table;
use crate::problems::{Problem, Severity};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn master() -> &'static MasterList {
    crate::data::jis::shipped()
}

fn today() -> Date {
    Date::new(2026, 1, 1).unwrap()
}

fn load_dir(dir: &Path) -> (Adoption, Vec<Problem>) {
    let mut problems = Problems::new();
    let adoption = load(dir, master(), today(), &mut problems);
    (adoption, problems.sorted())
}

fn fixture(name: &str) -> (Adoption, Vec<Problem>) {
    load_dir(&root().join("tests/fixtures/adoption").join(name))
}

/// Write files into a fresh directory and load it.
fn run(files: &[(&str, &[u8])]) -> (Adoption, Vec<Problem>) {
    let dir = tempfile::tempdir().unwrap();
    for (name, bytes) in files {
        std::fs::write(dir.path().join(name), bytes).unwrap();
    }
    load_dir(dir.path())
}

fn errors(problems: &[Problem]) -> Vec<&Problem> {
    problems
        .iter()
        .filter(|p| p.severity == Severity::Error)
        .collect()
}

fn warnings(problems: &[Problem]) -> Vec<&Problem> {
    problems
        .iter()
        .filter(|p| p.severity == Severity::Warning)
        .collect()
}

fn find<'a>(problems: &'a [Problem], needles: &[&str]) -> &'a Problem {
    crate::problems::find_one(problems, needles)
}

/// A figure's counts, `(offices, using)`, to compare with what a test expects.
fn fig(offices: u64, using: u64) -> (u64, u64) {
    (offices, using)
}

fn counts(f: &Figure) -> (u64, u64) {
    (f.offices, f.using)
}

/// A figure from a file `2024-01-15.csv` (illustrative or not).
fn figure(offices: u64, using: u64, illustrative: bool) -> Figure {
    Figure {
        offices,
        using,
        provenance: Provenance::of(std::sync::Arc::new(Source {
            date: Date::new(2024, 1, 15).unwrap(),
            file: if illustrative {
                "2024-01-15-sample.csv"
            } else {
                "2024-01-15.csv"
            }
            .into(),
            illustrative,
        })),
    }
}

const SHIZUOKA_CITY: &str = "221007";
const HAMAMATSU: &str = "221309";
const SAPPORO: &str = "011002";

// --- shipped data ------------------------------------------------------

#[test]
fn shipped_sample_data_loads_without_any_problem() {
    let (adoption, problems) = load_dir(&root().join("data/adoption"));
    assert!(problems.is_empty(), "{problems:#?}");
    assert!(adoption.snapshots.len() >= 3);
    let first = &adoption.snapshots[0];
    assert_eq!(first.date, Date::new(2023, 11, 6).unwrap());
    assert_eq!(first.prefectures.len(), 47);
    assert_eq!(first.municipalities.len(), 1741);
    // The real figures are not illustrative, the municipal split is.
    assert_eq!(counts(&first.prefectures["010006"]), fig(7416, 297));
    assert!(first.municipalities.values().all(|f| f.illustrative()));
    let offices: u64 = first.prefectures.values().map(|f| f.offices).sum();
    let using: u64 = first.prefectures.values().map(|f| f.using).sum();
    assert_eq!((offices, using), (181_325, 8_295));
    // Dates ascend and the national rate grows.
    let rates: Vec<f64> = adoption
        .snapshots
        .iter()
        .map(|s| {
            let o: u64 = s.prefectures.values().map(|f| f.offices).sum();
            let u: u64 = s.prefectures.values().map(|f| f.using).sum();
            u as f64 / o as f64
        })
        .collect();
    assert!(adoption.snapshots.windows(2).all(|w| w[0].date < w[1].date));
    assert!(rates.windows(2).all(|w| w[0] < w[1]), "{rates:?}");
    for s in &adoption.snapshots {
        assert!(
            s.municipalities
                .values()
                .all(|f| f.offices >= 1 && f.using <= f.offices)
        );
        assert!(s.municipalities.values().any(|f| f.rate().unwrap() > 0.3));
        assert!(s.municipalities.values().any(|f| f.using == 0));
        let over = s
            .municipalities
            .values()
            .filter(|f| f.rate().unwrap() > 0.3)
            .count();
        assert!(over * 2 < s.municipalities.len());
    }
}

// --- encodings and formats --------------------------------------------

#[test]
fn utf8_english_headers_and_number_formats() {
    let (adoption, problems) = fixture("utf8");
    assert!(errors(&problems).is_empty(), "{problems:#?}");
    let s = &adoption.snapshots[0];
    assert_eq!(s.date, Date::new(2024, 1, 15).unwrap());
    assert_eq!(counts(&s.prefectures["220001"]), fig(5055, 392));
    assert_eq!(counts(&s.municipalities[SHIZUOKA_CITY]), fig(1200, 100));
    assert_eq!(counts(&s.municipalities[HAMAMATSU]), fig(912, 36));
    // Only Shizuoka's prefecture row and two of its municipalities: one
    // coverage warning per level, listing counts and first names.
    find(&problems, &["都道府県", "46 団体", "北海道"]);
    find(&problems, &["市区町村", "1,739 団体", "札幌市（北海道）"]);
    assert_eq!(warnings(&problems).len(), 2, "{problems:#?}");
}

#[test]
fn utf8_bom_japanese_headers_fraction_rates() {
    let bytes =
        std::fs::read(root().join("tests/fixtures/adoption/utf8_bom/2024-01-15.csv")).unwrap();
    assert!(
        bytes.starts_with(b"\xEF\xBB\xBF"),
        "fixture must keep its BOM"
    );
    let (adoption, problems) = fixture("utf8_bom");
    assert!(errors(&problems).is_empty(), "{problems:#?}");
    let s = &adoption.snapshots[0];
    assert_eq!(counts(&s.municipalities[SHIZUOKA_CITY]), fig(1200, 100));
    assert_eq!(counts(&s.municipalities[SAPPORO]), fig(1083, 55));
    assert!(s.prefectures.is_empty());
}

#[test]
fn cp932_crlf_names_full_width_and_totals() {
    let bytes = std::fs::read(root().join("tests/fixtures/adoption/cp932/2024-01-15.csv")).unwrap();
    assert!(
        std::str::from_utf8(&bytes).is_err(),
        "fixture must be CP932"
    );
    assert!(bytes.windows(2).any(|w| w == b"\r\n"));
    let (adoption, problems) = fixture("cp932");
    assert!(errors(&problems).is_empty(), "{problems:#?}");
    let s = &adoption.snapshots[0];
    assert_eq!(s.prefectures.len(), 4);
    assert_eq!(counts(&s.prefectures["010006"]), fig(7416, 297));
    assert_eq!(counts(&s.prefectures["130001"]), fig(13580, 736)); // 「東京」, full-width digits
    assert_eq!(counts(&s.prefectures["220001"]), fig(5055, 392)); // 「静岡」
    assert_eq!(counts(&s.prefectures["270008"]), fig(15732, 466));
}

#[test]
fn cp932_written_by_encoding_rs_loads() {
    let text = "団体コード,名称,事業所数,利用事業所数\r\n221007,静岡市,１，２００,100\r\n";
    let (bytes, _, unmappable) = encoding_rs::SHIFT_JIS.encode(text);
    assert!(!unmappable);
    let (adoption, problems) = run(&[("2024-01-15.csv", &bytes)]);
    assert!(errors(&problems).is_empty(), "{problems:#?}");
    assert_eq!(
        counts(&adoption.snapshots[0].municipalities[SHIZUOKA_CITY]),
        fig(1200, 100)
    );
}

#[test]
fn crlf_and_two_digit_prefecture_codes() {
    let bytes =
        std::fs::read(root().join("tests/fixtures/adoption/crlf/2024-01-15-prefectures.csv"))
            .unwrap();
    assert!(bytes.windows(2).any(|w| w == b"\r\n"));
    let (adoption, problems) = fixture("crlf");
    assert!(errors(&problems).is_empty(), "{problems:#?}");
    let s = &adoption.snapshots[0];
    assert_eq!(counts(&s.prefectures["010006"]), fig(7416, 297));
    assert_eq!(counts(&s.prefectures["130001"]), fig(13580, 736));
    assert_eq!(counts(&s.prefectures["220001"]), fig(5055, 392));
    assert!(!s.prefectures["220001"].illustrative());
}

#[test]
fn xlsx_first_sheet_with_title_row() {
    let (adoption, problems) = fixture("xlsx");
    assert!(errors(&problems).is_empty(), "{problems:#?}");
    let s = &adoption.snapshots[0];
    assert_eq!(counts(&s.municipalities[SAPPORO]), fig(1083, 55)); // 11002 lost its zero in Excel
    assert_eq!(counts(&s.municipalities[SHIZUOKA_CITY]), fig(1200, 100));
    assert_eq!(counts(&s.municipalities[HAMAMATSU]), fig(912, 36));
    assert_eq!(s.sources.len(), 1);
    assert_eq!(s.sources[0].file, "2024-01-15-municipalities.xlsx");
}

#[test]
fn xlsx_cells_and_rows() {
    let src = root().join("tests/fixtures/adoption/xlsx/2024-01-15-municipalities.xlsx");
    let table = table::read(&src).unwrap();
    assert_eq!(table.source, table::Source::Sheet("利用状況".into()));
    // Blank sheet rows are not rows of the table; every row keeps its sheet row number.
    let lines: Vec<usize> = table.rows.iter().map(|r| r.line).collect();
    assert_eq!(lines, [1, 3, 4, 5, 6]);
    assert_eq!(table.rows[1].cells[0], "市区町村コード");
    assert_eq!(table.rows[2].cells[0], "11002");
    assert_eq!(table.rows[4].cells[2], "912");
}

#[test]
fn xlsx_errors_name_the_sheet_row() {
    let (adoption, problems) = fixture("xlsx_errors");
    let e = find(&problems, &["利用事業所数「912」", "事業所数「36」"]);
    assert_eq!((e.line, e.column), (5, 4));
    assert!(e.file.ends_with("2024-01-15.xlsx"));
    let e = find(&problems, &["割合「0.5」"]);
    assert_eq!((e.line, e.column), (6, 5));
    assert_eq!(errors(&problems).len(), 2, "{problems:#?}");
    assert_eq!(adoption.snapshots[0].municipalities.len(), 2);
}

#[test]
fn every_header_alias_is_understood() {
    let ids = ["code", "団体コード", "市区町村コード", "ｃｏｄｅ", " Code "];
    let offices = ["offices", "事業所数", "ＯＦＦＩＣＥＳ", "事業所数 "];
    let using = ["using_offices", "利用事業所数", "using"];
    let rates = ["rate", "割合", "利用率", "利用率（％）"];
    for (i, id) in ids.iter().enumerate() {
        let o = offices[i % offices.len()];
        let u = using[i % using.len()];
        let r = rates[i % rates.len()];
        let csv = format!("{id},{o},{u},{r}\n221007,1200,100,8.3%\n");
        let (adoption, problems) = run(&[("2024-01-15.csv", csv.as_bytes())]);
        assert!(errors(&problems).is_empty(), "{csv}: {problems:#?}");
        assert_eq!(
            counts(&adoption.snapshots[0].municipalities[SHIZUOKA_CITY]),
            fig(1200, 100),
            "{csv}"
        );
    }
    // Name columns: name / prefecture / 都道府県 / 市区町村名 / 市区町村 / prefecture_code.
    for (header, value, code) in [
        ("name", "静岡市", SHIZUOKA_CITY),
        ("prefecture", "静岡", "220001"),
        ("都道府県", "静岡県", "220001"),
        ("市区町村名", "浜松市", HAMAMATSU),
        ("市区町村", "札幌市", SAPPORO),
        ("prefecture_code", "22", "220001"),
        ("都道府県コード", "1", "010006"),
    ] {
        let csv = format!("{header},offices,using_offices\n{value},10,1\n");
        let (adoption, problems) = run(&[("2024-01-15.csv", csv.as_bytes())]);
        assert!(errors(&problems).is_empty(), "{csv}: {problems:#?}");
        let s = &adoption.snapshots[0];
        let got = s.prefectures.get(code).or(s.municipalities.get(code));
        assert_eq!(got.map(counts), Some(fig(10, 1)), "{csv}");
    }
}

#[test]
fn ambiguous_name_resolved_by_prefecture_column() {
    let csv = "都道府県,市区町村,事業所数,利用事業所数\n東京都,府中市,10,1\n広島,府中市,20,2\n静岡県,,5055,392\n";
    let (adoption, problems) = run(&[("2024-01-15.csv", csv.as_bytes())]);
    assert!(errors(&problems).is_empty(), "{problems:#?}");
    let s = &adoption.snapshots[0];
    assert_eq!(counts(&s.municipalities["132063"]), fig(10, 1));
    assert_eq!(counts(&s.municipalities["342084"]), fig(20, 2));
    assert_eq!(counts(&s.prefectures["220001"]), fig(5055, 392));
    // Prefecture-prefixed names and ヶ/ケ variants.
    let csv = "name,offices,using_offices\n東京都府中市,10,1\n鶴ケ島市,3,0\n龍ヶ崎市,4,1\n";
    let (adoption, problems) = run(&[("2024-01-15.csv", csv.as_bytes())]);
    assert!(errors(&problems).is_empty(), "{problems:#?}");
    let s = &adoption.snapshots[0];
    assert_eq!(s.municipalities.len(), 3);
    assert!(s.municipalities.contains_key("132063"));
}

#[test]
fn sample_file_names_make_figures_illustrative() {
    let csv = b"code,offices,using_offices\n221007,10,1\n";
    let csv2 = b"code,offices,using_offices\n220001,100,10\n";
    let (adoption, problems) = run(&[
        ("2024-01-15-sample.csv", csv),
        ("2024-01-15-pref.csv", csv2),
    ]);
    assert!(errors(&problems).is_empty(), "{problems:#?}");
    let s = &adoption.snapshots[0];
    assert!(s.municipalities[SHIZUOKA_CITY].illustrative());
    assert!(!s.prefectures["220001"].illustrative());
    assert_eq!(s.sources.len(), 2);
    assert!(s.sources[0].file < s.sources[1].file);
    assert_eq!(
        s.municipalities[SHIZUOKA_CITY].provenance.sources()[0].file,
        "2024-01-15-sample.csv"
    );
}

#[test]
fn rate_units_follow_the_column() {
    // 4.0 without % is percent (> 1); 0.040 is a fraction; a header with
    // (%) makes 0.5 mean 0.5%.
    for (header, value, ok) in [
        ("rate", "4.0", true),
        ("rate", "0.040", true),
        ("rate", "4.0%", true),
        ("rate", "0.40", false),
        ("利用率(%)", "4.0", true),
        ("利用率(%)", "0.040", false),
    ] {
        let csv = format!("code,offices,using_offices,{header}\n221007,1000,40,{value}\n");
        let (_, problems) = run(&[("2024-01-15.csv", csv.as_bytes())]);
        assert_eq!(errors(&problems).is_empty(), ok, "{csv}: {problems:#?}");
    }
    // A column where one value is > 1 is a percent column for every row.
    let csv = "code,offices,using_offices,rate\n221007,1000,40,4.0\n221309,1000,5,0.5\n";
    let (_, problems) = run(&[("2024-01-15.csv", csv.as_bytes())]);
    assert!(errors(&problems).is_empty(), "{problems:#?}");
}

// --- validation ---------------------------------------------------------

#[test]
fn every_row_error_in_one_run_with_line_and_value() {
    let (adoption, problems) = fixture("errors");
    let path_ok = |p: &Problem| p.file.ends_with("errors/2024-01-15.csv");
    let e = find(&problems, &["221008", "221007"]); // wrong check digit, names the right one
    assert_eq!((e.line, e.column, e.severity), (2, 1, Severity::Error));
    assert!(path_ok(e));
    let e = find(&problems, &["229997", "ありません"]);
    assert_eq!((e.line, e.severity), (3, Severity::Error));
    let e = find(&problems, &["利用事業所数「120」", "事業所数「100」"]);
    assert_eq!((e.line, e.column), (4, 4));
    let e = find(&problems, &["「-5」", "マイナス"]);
    assert_eq!((e.line, e.column), (5, 3));
    let e = find(&problems, &["「abc」"]);
    assert_eq!((e.line, e.column), (6, 3));
    let e = find(&problems, &["事業所数が空欄"]);
    assert_eq!((e.line, e.column), (7, 3));
    let e = find(&problems, &["割合「20.0%」", "10.00%"]);
    assert_eq!((e.line, e.column), (8, 5));
    let e = find(&problems, &["伊東市", "9行目と10行目"]);
    assert_eq!(e.line, 10);
    let e = find(&problems, &["「12.5」", "整数"]);
    assert_eq!(e.line, 11);
    assert_eq!(errors(&problems).len(), 9, "{problems:#?}");
    // Only the valid, first-seen rows are kept.
    let s = &adoption.snapshots[0];
    assert_eq!(
        s.municipalities.keys().cloned().collect::<Vec<_>>(),
        vec!["222071".to_string(), "222089".to_string()]
    );
    for p in &problems {
        assert!(!p.hint.is_empty(), "{p}");
    }
}

#[test]
fn names_not_found_suggest_the_nearest() {
    let csv = "name,offices,using_offices\n静岡し,10,1\n府中市,10,1\n東京,100,5\nしずおか県,1,0\n";
    let (adoption, problems) = run(&[("2024-01-15.csv", csv.as_bytes())]);
    let e = find(&problems, &["「静岡し」", "見つかりません"]);
    assert_eq!((e.line, e.column), (2, 1));
    assert!(e.hint.contains("静岡市"), "{e}");
    let e = find(&problems, &["「府中市」", "2つ", "132063", "342084"]);
    assert_eq!(e.line, 3);
    assert!(e.hint.contains("都道府県"));
    find(&problems, &["「しずおか県」"]);
    assert_eq!(errors(&problems).len(), 3, "{problems:#?}");
    assert_eq!(
        counts(&adoption.snapshots[0].prefectures["130001"]),
        fig(100, 5)
    );
    // An unknown prefecture in a prefecture column suggests prefectures.
    let csv = "都道府県,事業所数,利用事業所数\n静岡件,1,0\n";
    let (_, problems) = run(&[("2024-01-15.csv", csv.as_bytes())]);
    let e = find(&problems, &["都道府県「静岡件」"]);
    assert!(e.hint.contains("静岡県"), "{e}");
}

#[test]
fn code_and_name_that_disagree_warn() {
    let csv = "code,name,offices,using_offices\n221007,浜松市,10,1\n221309,浜松市,10,1\n";
    let (adoption, problems) = run(&[("2024-01-15.csv", csv.as_bytes())]);
    let w = find(&problems, &["221007", "静岡市", "「浜松市」"]);
    assert_eq!((w.line, w.severity), (2, Severity::Warning));
    assert_eq!(adoption.snapshots[0].municipalities.len(), 2);
}

#[test]
fn empty_cells_and_codes() {
    let csv = "code,offices,using_offices\n,10,1\n221007,10,\n12345678,1,0\n";
    let (_, problems) = run(&[("2024-01-15.csv", csv.as_bytes())]);
    assert_eq!(find(&problems, &["団体コードが空欄"]).line, 2);
    let e = find(&problems, &["利用事業所数が空欄"]);
    assert_eq!((e.line, e.column), (3, 3));
    assert_eq!(find(&problems, &["「12345678」", "6桁"]).line, 4);
    assert_eq!(errors(&problems).len(), 3, "{problems:#?}");
}

#[test]
fn totals_row_is_checked_against_the_rows() {
    let good =
        "prefecture_code,offices,using_offices\n01,7416,297\n22,5055,392\n合計,\"12,471\",689\n";
    let (adoption, problems) = run(&[("2024-01-15.csv", good.as_bytes())]);
    assert!(errors(&problems).is_empty(), "{problems:#?}");
    assert_eq!(adoption.snapshots[0].prefectures.len(), 2);
    for marker in ["計", "total", "全国", "ＴＯＴＡＬ"] {
        let bad = format!(
            "prefecture_code,offices,using_offices\n01,7416,297\n22,5055,392\n{marker},181566,8283\n"
        );
        let (_, problems) = run(&[("2024-01-15.csv", bad.as_bytes())]);
        let e = find(&problems, &["合計行", "181,566", "12,471", "8,283", "689"]);
        assert_eq!((e.line, e.severity), (4, Severity::Error), "{marker}");
    }
}

#[test]
fn same_entity_in_two_files_of_one_date() {
    let a = b"code,offices,using_offices\n221007,10,1\n";
    let b = b"code,offices,using_offices\n220001,100,10\n221007,10,1\n";
    let (adoption, problems) = run(&[("2024-01-15-a.csv", a), ("2024-01-15-b.csv", b)]);
    let e = find(&problems, &["静岡市", "2024-01-15-a.csv", "2行目"]);
    assert!(e.file.ends_with("2024-01-15-b.csv"));
    assert_eq!((e.line, e.severity), (3, Severity::Error));
    assert_eq!(adoption.snapshots.len(), 1);
    assert_eq!(adoption.snapshots[0].sources.len(), 2);
}

#[test]
fn municipalities_must_add_up_to_their_prefecture() {
    // Every municipality of Tottori (31): 19 of them.
    let munis: Vec<_> = master().municipalities_of("31").collect();
    let mut csv = String::from("code,offices,using_offices\n310000,1000,50\n");
    for (i, m) in munis.iter().enumerate() {
        let offices = if i == 0 {
            1000 - 10 * (munis.len() as u64 - 1)
        } else {
            10
        };
        let using = if i == 0 { 32 } else { 1 };
        writeln!(csv, "{},{offices},{using}", m.code).unwrap();
    }
    let pref = master().prefecture_by_number("31").unwrap().code;
    let csv = csv.replace("310000", &pref);
    let (_, problems) = run(&[("2024-01-15.csv", csv.as_bytes())]);
    assert!(errors(&problems).is_empty(), "{problems:#?}");
    assert!(
        !problems.iter().any(|p| p.message.contains("合計は")),
        "{problems:#?}"
    );
    // Change one municipality: the prefecture row gets a warning with both sums.
    let bad = csv.replacen(",10,1\n", ",10,2\n", 1);
    let (_, problems) = run(&[("2024-01-15.csv", bad.as_bytes())]);
    let w = find(&problems, &["鳥取県", "利用 50", "利用 51"]);
    assert_eq!((w.line, w.severity), (2, Severity::Warning));
    // Only some municipalities, but already more than the prefecture: warn too.
    let partial = format!(
        "code,offices,using_offices\n{pref},100,5\n{},200,6\n",
        munis[0].code
    );
    let (_, problems) = run(&[("2024-01-15.csv", partial.as_bytes())]);
    find(&problems, &["鳥取県", "一部の市区町村"]);
}

#[test]
fn file_names_and_dates() {
    let csv = b"code,offices,using_offices\n221007,10,1\n";
    let (adoption, problems) = run(&[
        ("2024-02-30.csv", csv),
        ("latest.csv", csv),
        ("20240115.csv", csv),
        ("2027-01-01.csv", csv),
        ("2024-01-15.xls", csv),
        ("README.md", b"notes"),
    ]);
    let e = find(&problems, &["2024-02-30", "実在しない"]);
    assert_eq!(e.severity, Severity::Error);
    let e = find(&problems, &["「latest.csv」", "日付"]);
    assert_eq!(e.severity, Severity::Error);
    find(&problems, &["「20240115.csv」", "日付"]);
    let w = find(&problems, &["2027-01-01", "今日"]);
    assert_eq!(w.severity, Severity::Warning);
    find(&problems, &[".xls"]);
    assert_eq!(errors(&problems).len(), 4, "{problems:#?}");
    // The future snapshot still loads.
    assert_eq!(adoption.snapshots.len(), 1);
    assert_eq!(adoption.snapshots[0].date, Date::new(2027, 1, 1).unwrap());
}

#[test]
fn missing_header_columns_are_named() {
    let csv = "code,offices\n221007,10\n";
    let (adoption, problems) = run(&[("2024-01-15.csv", csv.as_bytes())]);
    let e = find(&problems, &["利用事業所数", "code, offices"]);
    assert_eq!(e.line, 1);
    assert!(adoption.snapshots.is_empty());
    let (_, problems) = run(&[("2024-01-15.csv", b"")]);
    find(&problems, &["空"]);
    let csv = "code,offices,事業所数,using\n221007,1,1,0\n";
    let (_, problems) = run(&[("2024-01-15.csv", csv.as_bytes())]);
    let e = find(&problems, &["事業所数", "2つ"]);
    assert_eq!((e.line, e.column), (1, 3));
}

#[test]
fn missing_entities_warn_once_per_level_with_first_names() {
    let csv = "code,offices,using_offices\n010006,1,0\n011002,1,0\n";
    let (_, problems) = run(&[("2024-01-15.csv", csv.as_bytes())]);
    let w = find(&problems, &["都道府県", "46 団体", "青森県"]);
    assert_eq!((w.line, w.severity), (0, Severity::Warning));
    let w = find(
        &problems,
        &["市区町村", "1,740 団体", "函館市（北海道）", "ほか"],
    );
    assert!(!w.message.contains("札幌市"));
    assert_eq!(warnings(&problems).len(), 2, "{problems:#?}");
}

// --- messages name the entity of their row -----------------------------

/// The prefecture table of 2023-11-06 as the seed report published it, with
/// its printed rates and totals (made by make_fixtures.py from /work/shared).
#[test]
fn seed_table_rate_messages_name_their_prefecture() {
    let (adoption, problems) = fixture("seed_published");
    let rates: Vec<&Problem> = problems
        .iter()
        .filter(|p| p.message.contains("割合"))
        .collect();
    assert_eq!(rates.len(), 2, "{problems:#?}");
    assert!(
        rates[0]
            .message
            .starts_with("大阪府（270008）の割合「2.9%」")
            && rates[0].message.contains("466÷15,732＝2.96%"),
        "{}",
        rates[0]
    );
    assert_eq!((rates[0].line, rates[0].column), (28, 5));
    assert!(
        rates[1]
            .message
            .starts_with("香川県（370002）の割合「3.7%」"),
        "{}",
        rates[1]
    );
    assert_eq!(rates[1].line, 38);
    // The printed totals are not the sum of the rows.
    let e = find(
        &problems,
        &["合計行", "181,566", "181,325", "8,283", "8,295"],
    );
    assert_eq!(e.line, 49);
    assert_eq!(errors(&problems).len(), 3, "{problems:#?}");
    assert_eq!(adoption.snapshots[0].prefectures.len(), 47);
}

#[test]
fn row_messages_name_their_entity() {
    let csv = "code,offices,using_offices\n221007,-5,1\n221309,10,20\n222038,abc,1\n";
    let (_, problems) = run(&[("2024-01-15.csv", csv.as_bytes())]);
    find(&problems, &["静岡市（静岡県）（221007）の事業所数「-5」"]);
    find(
        &problems,
        &["浜松市（静岡県）（221309）の利用事業所数「20」"],
    );
    find(&problems, &["（222038）の事業所数「abc」"]);
}

// --- bounded counts and totals -------------------------------------------

#[test]
fn huge_counts_are_errors_on_their_rows_not_a_wrapped_total() {
    let csv = "code,offices,using_offices\n010006,10000000000000000000,1\n220001,10000000000000000000,1\n";
    let (adoption, problems) = run(&[("2024-01-15.csv", csv.as_bytes())]);
    let huge: Vec<&Problem> = problems
        .iter()
        .filter(|p| p.message.contains("大きすぎます"))
        .collect();
    assert_eq!(huge.len(), 2, "{problems:#?}");
    assert_eq!((huge[0].line, huge[0].column), (2, 2));
    assert!(
        huge[0]
            .message
            .starts_with("北海道（010006）の事業所数「10000000000000000000」")
    );
    assert!(huge[0].message.contains("10,000,000"), "{}", huge[0]);
    assert_eq!(huge[1].line, 3);
    assert!(huge[1].message.starts_with("静岡県"));
    assert!(adoption.snapshots[0].prefectures.is_empty());
    // The largest allowed count loads.
    let csv = format!("code,offices,using_offices\n010006,{MAX_COUNT},1\n");
    let (adoption, problems) = run(&[("2024-01-15.csv", csv.as_bytes())]);
    assert!(errors(&problems).is_empty(), "{problems:#?}");
    assert_eq!(
        counts(&adoption.snapshots[0].prefectures["010006"]),
        fig(MAX_COUNT, 1)
    );
}

#[test]
fn figures_add_up_or_say_they_do_not_fit() {
    let real = |o, u| figure(o, u, false);
    let big = real(u64::MAX - 1, 1);
    assert_eq!(big.checked_add(&real(1, 1)), Some(real(u64::MAX, 2)));
    assert_eq!(big.checked_add(&real(2, 0)), None);
    assert_eq!(Figure::total([&real(1, 0), &real(2, 1)]), Some(real(3, 1)));
    assert_eq!(Figure::total([&big, &big]), None);
    assert_eq!(Figure::total([]), None);
    // A sum remembers every file it was made from, and is illustrative when one is.
    let sample = figure(1, 0, true);
    let sum = real(1, 0).checked_add(&sample).unwrap();
    assert!(sum.illustrative());
    let files: Vec<&str> = sum
        .provenance
        .sources()
        .iter()
        .map(|s| s.file.as_str())
        .collect();
    assert_eq!(files, ["2024-01-15-sample.csv", "2024-01-15.csv"]);
}

// --- control characters ----------------------------------------------------

#[test]
fn control_characters_in_cells_are_errors_and_the_row_is_left_out() {
    let csv = "name,offices,using_offices\n静岡\u{8}市,10,1\n浜松市,10,1\n合計,20,2\n";
    let (adoption, problems) = run(&[("2024-01-15.csv", csv.as_bytes())]);
    let e = find(&problems, &["制御文字", "U+0008"]);
    assert_eq!((e.line, e.column, e.severity), (2, 1, Severity::Error));
    assert!(e.message.contains("名称の値"));
    // Only the clean row loads, and the totals row is not checked against a
    // file that lost a row.
    assert_eq!(adoption.snapshots[0].municipalities.len(), 1);
    assert_eq!(errors(&problems).len(), 1, "{problems:#?}");
}

// --- spreadsheets that ask for too much -----------------------------------

#[test]
fn hostile_xlsx_is_a_located_error() {
    let dir = tempfile::tempdir().unwrap();
    // 2 KB declaring a range of 17 billion cells.
    let bytes = table::tests::xlsx_with_cells(&[("A1", "code")], Some("A1:XFD1048576"));
    assert!(bytes.len() < 2_048, "{} bytes", bytes.len());
    std::fs::write(dir.path().join("2024-01-15.xlsx"), &bytes).unwrap();
    // 2 KB with cells at opposite corners: read sparsely, and its stray cell
    // is an ordinary located problem.
    let bytes = table::tests::xlsx_with_cells(
        &[
            ("A1", "code"),
            ("B1", "offices"),
            ("C1", "using_offices"),
            ("A2", "221007"),
            ("B2", "10"),
            ("C2", "1"),
            ("XFD1048576", "x"),
        ],
        None,
    );
    assert!(bytes.len() < 2_048, "{} bytes", bytes.len());
    std::fs::write(dir.path().join("2024-01-16.xlsx"), &bytes).unwrap();
    let (adoption, problems) = load_dir(dir.path());
    let e = find(&problems, &["A1:XFD1048576", "17,179,869,184 セル", "上限"]);
    assert!(e.file.ends_with("2024-01-15.xlsx"));
    assert!(e.message.contains("シート「Sheet1」"), "{e}");
    let e = find(&problems, &["団体コードが空欄"]);
    assert!(e.file.ends_with("2024-01-16.xlsx"));
    assert_eq!((e.line, e.column), (1_048_576, 1));
    assert!(e.message.ends_with("（Sheet1!A1048576）"), "{e}");
    assert_eq!(adoption.snapshots.len(), 1);
    assert_eq!(
        counts(&adoption.snapshots[0].municipalities[SHIZUOKA_CITY]),
        fig(10, 1)
    );
}
