//! Fuzz tests at scale (proptest) over every loader of project files: the
//! CSV/xlsx table reader behind adoption figures, partner offices and the
//! master list, the YAML of subsidies and site settings, and Markdown front
//! matter (through [`crate::content::load`], its public entry point).
//!
//! Each target gets arbitrary bytes and near-valid inputs: real files with
//! their lines cut, doubled, swapped or rewritten with hostile values (control
//! characters, huge numbers, long text, broken quoting, other encodings, far
//! cell references, broken zips). The property: no panic, and every problem
//! names a file of the project with a non-empty message of bounded length.
//!
//! CI runs `cargo test` with the default number of cases, chosen to keep
//! the whole module under a minute on one core in a debug build; set
//! `OUTREACH_FUZZ_CASES` (cases per target) to run it at a larger scale, e.g.
//! `OUTREACH_FUZZ_CASES=20000 cargo test --release --lib fuzz`.

use std::path::Path;

use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};

use crate::data::jis::MasterList;
use crate::data::table::{self, Source, TableError};
use crate::problems::{MAX_TEXT_CHARS, Problems};

/// Cases per target: `OUTREACH_FUZZ_CASES`, else `default`.
fn cases(default: u32) -> u32 {
    std::env::var("OUTREACH_FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn runner(default_cases: u32) -> TestRunner {
    TestRunner::new(Config {
        cases: cases(default_cases),
        failure_persistence: None,
        // Shrinking a slow loader input can take long; the first failure is enough to start.
        max_shrink_iters: 200,
        ..Config::default()
    })
}

fn master() -> &'static MasterList {
    crate::data::jis::shipped()
}

/// Every problem is about a file of `dir`, says something, and is bounded.
fn check_problems(problems: &Problems, dir: &Path) -> Result<(), TestCaseError> {
    for p in problems.sorted() {
        prop_assert!(p.location.path().is_some_and(|f| f.starts_with(dir)), "{p}");
        prop_assert!(!p.message.is_empty(), "{p}");
        // A message is cut at MAX_TEXT_CHARS, plus its closing mark and the
        // sheet/cell a table adds.
        prop_assert!(p.message.chars().count() <= MAX_TEXT_CHARS + 40, "{p}");
        prop_assert!(!p.message.contains('\n') && !p.hint.contains('\n'), "{p}");
    }
    Ok(())
}

// --- what inputs are made of ------------------------------------------------

/// A cell as people (and attackers) write them.
fn cell() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => prop::sample::select(vec![
            "7416", "7,416", "７，４１６", "-5", "▲3", "12.5", "0", "", " ", "4.0%", "0.040",
            "４．０％", "99999999999999999999999", "10000000", "10000001", "1e400", "NaN",
            "静岡市", "静岡し", "府中市", "北海道", "静岡", "東京都府中市", "合計", "計", "total",
            "221007", "22100", "221008", "011002", "11002", "01", "1", "48", "220001", "999999",
            "code", "offices", "using_offices", "rate", "団体コード", "事業所数", "利用事業所数",
            "割合", "利用率(%)", "office_number", "name", "service_type", "municipality_code",
            "since", "illustrative", "2271009017", "居宅介護支援", "訪門介護", "2024-04-01",
            "令和元年5月1日", "R6.4.1", "2024-02-30", "true", "はい", "maybe", "=1+1", "@SUM(A1)",
            "\"", "\"\"", "a\"b", ",", "\t", "\r", "\n", "\u{8}", "\u{1b}[2J", "\u{0}", "\u{FEFF}",
            "\u{FFFF}", "ｺｰﾄﾞ", "ﾊﾟ",
        ]).prop_map(str::to_string),
        2 => "\\PC{0,12}",
        1 => any::<String>(),
        1 => (1usize..5_000, prop::sample::select(vec!["x", "あ", "9", ",", "\""]))
            .prop_map(|(n, s)| s.repeat(n)),
    ]
}

/// A table: a header of known and unknown names, then rows of cells.
fn table_rows() -> impl Strategy<Value = Vec<Vec<String>>> {
    prop::collection::vec(prop::collection::vec(cell(), 0..8), 0..25)
}

/// Rows as a CSV file: comma or tab, LF or CRLF, quoted or not, UTF-8 (with
/// or without BOM), CP932 or UTF-16.
fn csv_file() -> impl Strategy<Value = Vec<u8>> {
    (
        table_rows(),
        any::<bool>(),
        any::<bool>(),
        any::<bool>(),
        0u8..4,
    )
        .prop_map(|(rows, tab, crlf, quote, encoding)| {
            let separator = if tab { "\t" } else { "," };
            let end = if crlf { "\r\n" } else { "\n" };
            let mut text = String::new();
            for row in rows {
                let cells: Vec<String> = row
                    .into_iter()
                    .map(|c| {
                        if quote {
                            format!("\"{}\"", c.replace('"', "\"\""))
                        } else {
                            c
                        }
                    })
                    .collect();
                text.push_str(&cells.join(separator));
                text.push_str(end);
            }
            match encoding {
                0 => text.into_bytes(),
                1 => [b"\xEF\xBB\xBF".as_slice(), text.as_bytes()].concat(),
                2 => encoding_rs::SHIFT_JIS.encode(&text).0.into_owned(),
                _ => {
                    let mut bytes = vec![0xFF, 0xFE];
                    for unit in text.encode_utf16() {
                        bytes.extend(unit.to_le_bytes());
                    }
                    bytes
                }
            }
        })
}

/// A cell reference: mostly small, sometimes at Excel's edges or past them.
fn cell_ref() -> impl Strategy<Value = String> {
    let column = prop_oneof![
        40 => 1u64..12,
        1 => 1u64..20_000,
        1 => Just(16_384u64),
    ];
    let row = prop_oneof![
        40 => 1u64..40,
        1 => 1u64..2_000_000,
        1 => Just(1_048_576u64),
        1 => Just(4_294_967_297u64),
    ];
    prop_oneof![
        200 => (column, row).prop_map(|(c, r)| format!("{}{r}", table::column_letters(c))),
        1 => "[A-Z]{0,5}[0-9]{0,12}",
        1 => "\\PC{0,6}",
    ]
}

/// Raw XML for a cell of any type calamine reads, with any value: shared
/// strings out of range, dates, errors, booleans, formulas, broken markup.
fn raw_cell() -> impl Strategy<Value = String> {
    (
        cell_ref(),
        prop::sample::select(vec!["s", "n", "b", "e", "str", "d", "inlineStr", "x", ""]),
        prop_oneof![
            prop::sample::select(vec![
                "0",
                "1",
                "5",
                "-1",
                "99999999999",
                "1e308",
                "NaN",
                "#DIV/0!",
                "2024-01-15T00:00",
                "45000.5",
                "-693594",
                "2958466",
                "true",
                "",
            ])
            .prop_map(str::to_string),
            cell(),
        ],
        prop::sample::select(vec![
            "<v>{}</v>",
            "<v>{}</v>",
            "<is><t>{}</t></is>",
            "<f t=\"shared\" ref=\"A1:A3\" si=\"0\">{}</f><v>1</v>",
            "<v>{}",
            "{}",
        ]),
    )
        .prop_map(|(r, t, value, body)| {
            let value = value.replace('&', "&amp;").replace('<', "&lt;");
            format!(r#"<c r="{r}" t="{t}">{}</c>"#, body.replace("{}", &value))
        })
}

/// An `.xlsx`: a sheet of inline strings at chosen references with an
/// optional dimension, raw cells of every type spliced into its XML,
/// sometimes damaged afterwards.
fn xlsx_file() -> impl Strategy<Value = Vec<u8>> {
    (
        prop::collection::vec((cell_ref(), cell()), 0..12),
        prop::option::of(prop_oneof![
            cell_ref(),
            (cell_ref(), cell_ref()).prop_map(|(a, b)| format!("{a}:{b}")),
        ]),
        prop_oneof![2 => Just(Vec::new()), 1 => prop::collection::vec(raw_cell(), 1..3)],
        prop::option::of("\\PC{0,40}"),
        // Damage (a byte changed, the end cut off) in one file of four.
        prop_oneof![
            3 => Just(Vec::new()),
            1 => prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..4),
        ],
        prop_oneof![3 => Just(None), 1 => any::<prop::sample::Index>().prop_map(Some)],
    )
        .prop_map(|(cells, dimension, raw, shared, flips, cut)| {
            let cells: Vec<(&str, &str)> = cells
                .iter()
                .map(|(r, v)| (r.as_str(), v.as_str()))
                .collect();
            let mut sheet = table::tests::sheet_xml(&cells, dimension.as_deref());
            if !raw.is_empty() {
                let raw = format!("<row r=\"7\">{}</row>", raw.concat());
                sheet = sheet.replacen("</sheetData>", &format!("{raw}</sheetData>"), 1);
            }
            let shared = shared.map(|count| {
                format!(
                    r#"<?xml version="1.0"?><sst uniqueCount="{count}"><si><t>a</t></si></sst>"#
                )
            });
            let mut bytes =
                table::tests::zip_parts(&table::tests::workbook_parts(&sheet, shared.as_deref()));
            for (at, byte) in flips {
                let i = at.index(bytes.len());
                bytes[i] = byte;
            }
            if let Some(cut) = cut {
                bytes.truncate(cut.index(bytes.len() + 1));
            }
            bytes
        })
}

/// A real file's lines, edited: lines dropped, doubled, swapped, or their
/// value part rewritten with a hostile cell.
fn edited(base: &'static str) -> impl Strategy<Value = String> {
    let lines: Vec<&'static str> = base.lines().collect();
    let n = lines.len().max(1);
    prop::collection::vec((0u8..5, 0..n, 0..n, cell()), 0..6).prop_map(move |edits| {
        let mut lines: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
        for (kind, i, j, value) in edits {
            if lines.is_empty() {
                lines.push(value);
                continue;
            }
            let (i, j) = (i % lines.len(), j % lines.len());
            match kind {
                0 => {
                    lines.remove(i);
                }
                1 => lines.insert(j, lines[i].clone()),
                2 => lines.swap(i, j),
                3 => {
                    let key = lines[i].split_once(':').map_or("", |(k, _)| k).to_string();
                    lines[i] = format!("{key}: {value}");
                }
                _ => lines.insert(i, value),
            }
        }
        lines.join("\n") + "\n"
    })
}

fn arbitrary_bytes() -> impl Strategy<Value = Vec<u8>> {
    prop::collection::vec(any::<u8>(), 0..3_000)
}

// --- targets ---------------------------------------------------------------

/// The table reader, directly: any bytes as CSV or as xlsx.
#[test]
fn fuzz_table_reader() {
    let dir = tempfile::tempdir().unwrap();
    let started = std::time::Instant::now();
    let strategy = prop_oneof![
        1 => arbitrary_bytes().prop_map(|b| ("t.csv", b)),
        1 => csv_file().prop_map(|b| ("t.csv", b)),
        1 => arbitrary_bytes().prop_map(|b| ("t.xlsx", b)),
        3 => xlsx_file().prop_map(|b| ("t.xlsx", b)),
    ];
    let inputs = std::cell::Cell::new(0u64);
    // Sheets read to the end, as opposed to refused: the cell reader was reached.
    let sheets = std::cell::Cell::new(0u64);
    runner(1_500)
        .run(&strategy, |(name, bytes)| {
            inputs.set(inputs.get() + 1);
            let path = dir.path().join(name);
            std::fs::write(&path, &bytes).unwrap();
            match table::read(&path) {
                Ok(t) => {
                    let cells: usize = t.rows.iter().map(|r| r.cells.len()).sum();
                    prop_assert!(cells as u64 <= table::LIMITS.max_cells);
                    prop_assert!(t.rows.windows(2).all(|w| w[0].line <= w[1].line));
                    if name.ends_with("xlsx") {
                        prop_assert!(matches!(t.source, Source::Sheet(_)));
                        sheets.set(sheets.get() + 1);
                    }
                }
                Err(e) => {
                    // A panic inside calamine that the checks before it let through.
                    prop_assert!(
                        !matches!(&e, TableError::Xlsx(m) if m.contains("処理を中断")),
                        "the xlsx reader panicked on this input"
                    );
                    prop_assert!(!e.to_string().is_empty() && !e.hint().is_empty());
                }
            }
            Ok(())
        })
        .unwrap();
    eprintln!("fuzz table reader: {} sheets read to the end", sheets.get());
    report("table reader", inputs.get(), started);
}

/// Adoption files through the whole loader (files of one date merged).
#[test]
fn fuzz_adoption_loader() {
    let started = std::time::Instant::now();
    let strategy = prop_oneof![
        3 => csv_file().prop_map(|b| ("2024-01-15.csv", b)),
        1 => arbitrary_bytes().prop_map(|b| ("2024-01-15.csv", b)),
        1 => xlsx_file().prop_map(|b| ("2024-01-15.xlsx", b)),
    ];
    let inputs = std::cell::Cell::new(0u64);
    runner(300)
        .run(&(strategy.clone(), strategy), |(a, b)| {
            inputs.set(inputs.get() + 1);
            let dir = tempfile::tempdir().unwrap();
            std::fs::write(dir.path().join(a.0), &a.1).unwrap();
            let second = b.0.replacen("2024-01-15", "2024-01-15-b", 1);
            std::fs::write(dir.path().join(second), &b.1).unwrap();
            let mut problems = Problems::new();
            let today = jiff::civil::Date::new(2026, 1, 1).unwrap();
            let adoption = crate::data::adoption::load(dir.path(), master(), today, &mut problems);
            for s in &adoption.snapshots {
                for f in s.prefectures.values().chain(s.municipalities.values()) {
                    prop_assert!(f.using <= f.offices);
                    prop_assert!(f.offices <= crate::data::adoption::MAX_COUNT);
                }
            }
            check_problems(&problems, dir.path())
        })
        .unwrap();
    report("adoption loader", inputs.get(), started);
}

/// Partner offices and the master list: the other users of the table reader.
#[test]
fn fuzz_offices_and_master_list() {
    let started = std::time::Instant::now();
    let offices = include_str!("../tests/fixtures/offices/valid/offices.csv");
    let strategy = prop_oneof![
        2 => csv_file(),
        2 => edited(offices).prop_map(String::into_bytes),
        1 => arbitrary_bytes(),
        1 => xlsx_file(),
    ];
    let inputs = std::cell::Cell::new(0u64);
    runner(700)
        .run(&strategy, |bytes| {
            inputs.set(inputs.get() + 1);
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join("offices.csv");
            std::fs::write(&path, &bytes).unwrap();
            let mut problems = Problems::new();
            let today = jiff::civil::Date::new(2026, 1, 1).ok();
            let found = crate::data::offices::load_as_of(&path, master(), today, &mut problems);
            for office in &found {
                prop_assert!(table::control_char(&office.name, false).is_none());
            }
            let master_path = dir.path().join("municipalities.csv");
            std::fs::write(&master_path, &bytes).unwrap();
            MasterList::load(&master_path, &mut problems);
            check_problems(&problems, dir.path())
        })
        .unwrap();
    report("offices and master list", inputs.get(), started);
}

/// Subsidy programmes and site settings (YAML).
#[test]
fn fuzz_yaml_loaders() {
    let started = std::time::Instant::now();
    let subsidy = include_str!("../tests/fixtures/subsidies/errors/ok.yaml");
    let sites = include_str!("../data/sites.yaml");
    let strategy = (
        prop_oneof![
            3 => edited(subsidy).prop_map(String::into_bytes),
            1 => arbitrary_bytes(),
        ],
        prop_oneof![
            3 => edited(sites).prop_map(String::into_bytes),
            1 => arbitrary_bytes(),
        ],
    );
    let inputs = std::cell::Cell::new(0u64);
    runner(700)
        .run(&strategy, |(subsidy, sites)| {
            inputs.set(inputs.get() + 1);
            let dir = tempfile::tempdir().unwrap();
            let subsidies = dir.path().join("subsidies");
            std::fs::create_dir(&subsidies).unwrap();
            std::fs::write(subsidies.join("x.yaml"), &subsidy).unwrap();
            std::fs::write(dir.path().join("sites.yaml"), &sites).unwrap();
            let mut problems = Problems::new();
            for s in crate::data::subsidies::load(&subsidies, master(), None, &mut problems) {
                prop_assert!(table::control_char(&s.name, false).is_none());
            }
            let settings =
                crate::data::sites::load(&dir.path().join("sites.yaml"), master(), &mut problems);
            if !problems.has_errors() {
                for s in settings.values() {
                    for text in [&s.department, &s.phone, &s.address, &s.hours] {
                        let text = text.as_deref().unwrap_or("");
                        prop_assert!(table::control_char(text, false).is_none(), "{text:?}");
                    }
                }
            }
            check_problems(&problems, dir.path())
        })
        .unwrap();
    report("YAML loaders", inputs.get(), started);
}

/// Markdown pages with front matter, through the content loader.
#[test]
fn fuzz_front_matter() {
    let started = std::time::Instant::now();
    let guide = include_str!("../tests/fixtures/basic/content/guides/checklist.md");
    let faq = include_str!("../tests/fixtures/basic/content/faq/helpdesk.md");
    let news = include_str!("../tests/fixtures/basic/content/news/campaign.md");
    let page = |base: &'static str| {
        prop_oneof![
            4 => edited(base).prop_map(String::into_bytes),
            1 => arbitrary_bytes(),
        ]
    };
    let inputs = std::cell::Cell::new(0u64);
    runner(400)
        .run(
            &(page(guide), page(faq), page(news)),
            |(guide, faq, news)| {
                inputs.set(inputs.get() + 1);
                let dir = tempfile::tempdir().unwrap();
                for (folder, bytes) in [("guides", &guide), ("faq", &faq), ("news", &news)] {
                    let folder = dir.path().join(folder);
                    std::fs::create_dir(&folder).unwrap();
                    std::fs::write(folder.join("x.md"), bytes).unwrap();
                }
                let mut problems = Problems::new();
                crate::content::load(
                    dir.path(),
                    master(),
                    jiff::civil::date(2026, 11, 29),
                    Default::default(),
                    &mut problems,
                );
                check_problems(&problems, dir.path())
            },
        )
        .unwrap();
    report("front matter", inputs.get(), started);
}

fn report(target: &str, inputs: u64, started: std::time::Instant) {
    eprintln!(
        "fuzz {target}: {inputs} inputs in {:.1} s, no panic",
        started.elapsed().as_secs_f64()
    );
}
