//! Adoption figures (`data/adoption/<YYYY-MM-DD>[-label].<csv|xlsx>`): how many
//! offices there are and how many use the system, per prefecture and
//! municipality, per snapshot date.
//!
//! The files come from Excel as people make them, so the loader is lenient in
//! what it reads (UTF-8 with or without BOM, CP932, CRLF, `.xlsx`, Japanese or
//! English headers, `7,416`, `７，４１６`, `4.0%`) and strict in what it checks:
//! every problem is reported with file, line and value, and nothing stops early.
//!
//! This module also holds the small reading helpers shared with
//! [`crate::data::offices`]: [`decode_text`], [`read_table`], [`normalize_width`],
//! [`parse_count`] and [`nearest`].

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use jiff::civil::Date;

use crate::data::jis::{CodeError, MasterList, check_digit, validate_code};
use crate::problems::Problems;

/// One entity's counts in one snapshot.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Figure {
    pub offices: u64,
    pub using: u64,
    /// true when the row came from an illustrative (sample) file
    pub illustrative: bool,
}

impl Figure {
    /// The share of offices using the system (0.0–1.0); `None` when there are no offices.
    pub fn rate(&self) -> Option<f64> {
        if self.offices == 0 {
            None
        } else {
            Some(self.using as f64 / self.offices as f64)
        }
    }
}

/// Every figure of one date, merged from all files of that date.
#[derive(Debug, Clone)]
pub struct Snapshot {
    pub date: Date,
    /// Rows keyed by 6-digit JIS code (prefecture codes like "220001"), sorted.
    pub prefectures: BTreeMap<String, Figure>,
    pub municipalities: BTreeMap<String, Figure>,
    /// The files this snapshot was read from, sorted.
    pub sources: Vec<PathBuf>,
}

/// All snapshots of a project.
#[derive(Debug, Clone, Default)]
pub struct Adoption {
    /// ascending by date
    pub snapshots: Vec<Snapshot>,
}

// ---------------------------------------------------------------------------
// Shared reading helpers
// ---------------------------------------------------------------------------

/// Decode a text file's bytes: a BOM decides first (UTF-8, UTF-16), then valid
/// UTF-8 is taken as such, else the encoding is detected with chardetng (with a
/// Japanese bias; `Shift_JIS` in encoding_rs is Windows-31J, i.e. CP932).
pub fn decode_text(bytes: &[u8]) -> String {
    decode_text_checked(bytes).0
}

/// Like [`decode_text`], also saying which encoding was used and whether some
/// bytes could not be decoded (replaced by U+FFFD).
pub fn decode_text_checked(bytes: &[u8]) -> (String, &'static encoding_rs::Encoding, bool) {
    if let Some((encoding, bom_len)) = encoding_rs::Encoding::for_bom(bytes) {
        let (text, had_errors) = encoding.decode_without_bom_handling(&bytes[bom_len..]);
        return (text.into_owned(), encoding, had_errors);
    }
    if let Ok(text) = std::str::from_utf8(bytes) {
        return (text.to_string(), encoding_rs::UTF_8, false);
    }
    let mut detector = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    detector.feed(bytes, true);
    let guess = detector.guess(Some(b"jp"), chardetng::Utf8Detection::Allow);
    let (text, had_errors) = guess.decode_without_bom_handling(bytes);
    if had_errors && guess != encoding_rs::SHIFT_JIS {
        let (sjis, sjis_errors) = encoding_rs::SHIFT_JIS.decode_without_bom_handling(bytes);
        if !sjis_errors {
            return (sjis.into_owned(), encoding_rs::SHIFT_JIS, false);
        }
    }
    (text.into_owned(), guess, had_errors)
}

/// Full-width ASCII (`ＡＢＣ１２３，％`) to half-width, the ideographic space to a
/// space. Everything else is kept.
pub fn normalize_width(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\u{FF01}'..='\u{FF5E}' => out.push(char::from_u32(c as u32 - 0xFEE0).unwrap_or(c)),
            '\u{3000}' | '\u{00A0}' => out.push(' '),
            // Half-width katakana (団体ｺｰﾄﾞ): to full width, joining a following
            // (han)dakuten mark onto its kana.
            '\u{FF9E}' | '\u{FF9F}' => match out.chars().last().and_then(|prev| voiced(prev, c)) {
                Some(v) => {
                    out.pop();
                    out.push(v);
                }
                None => out.push(if c == '\u{FF9E}' { '゛' } else { '゜' }),
            },
            '\u{FF61}'..='\u{FF9D}' => out.push(HALF_WIDTH_KANA[(c as u32 - 0xFF61) as usize]),
            _ => out.push(c),
        }
    }
    out
}

/// A full-width kana with a half-width (han)dakuten mark joined on: カ+ﾞ → ガ.
fn voiced(prev: char, mark: char) -> Option<char> {
    if mark == '\u{FF9E}' {
        if prev == 'ウ' {
            return Some('ヴ');
        }
        "カキクケコサシスセソタチツテトハヒフヘホ"
            .contains(prev)
            .then(|| char::from_u32(prev as u32 + 1))
            .flatten()
    } else {
        "ハヒフヘホ"
            .contains(prev)
            .then(|| char::from_u32(prev as u32 + 2))
            .flatten()
    }
}

/// Full-width forms of U+FF61..=U+FF9D, in order.
const HALF_WIDTH_KANA: [char; 61] = [
    '。', '「', '」', '、', '・', 'ヲ', 'ァ', 'ィ', 'ゥ', 'ェ', 'ォ', 'ャ', 'ュ', 'ョ', 'ッ', 'ー',
    'ア', 'イ', 'ウ', 'エ', 'オ', 'カ', 'キ', 'ク', 'ケ', 'コ', 'サ', 'シ', 'ス', 'セ', 'ソ', 'タ',
    'チ', 'ツ', 'テ', 'ト', 'ナ', 'ニ', 'ヌ', 'ネ', 'ノ', 'ハ', 'ヒ', 'フ', 'ヘ', 'ホ', 'マ', 'ミ',
    'ム', 'メ', 'モ', 'ヤ', 'ユ', 'ヨ', 'ラ', 'リ', 'ル', 'レ', 'ロ', 'ワ', 'ン',
];

/// One row of a table file: its 1-based line (CSV record start or sheet row)
/// and its cells as text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableRow {
    pub line: usize,
    pub cells: Vec<String>,
}

impl TableRow {
    /// The cell at a 0-based column, trimmed (`""` when absent).
    pub fn cell(&self, column: usize) -> &str {
        self.cells
            .get(column)
            .map(|c| c.trim_matches(|ch: char| ch.is_whitespace() || ch == '\u{FEFF}'))
            .unwrap_or("")
    }

    pub fn is_blank(&self) -> bool {
        self.cells.iter().all(|c| c.trim().is_empty())
    }
}

/// A table read from a file, with a warning when the text was not cleanly decodable.
#[derive(Debug, Clone, Default)]
pub struct Table {
    pub rows: Vec<TableRow>,
    /// Set when some bytes could not be decoded (the file is probably in another encoding).
    pub decode_warning: Option<String>,
}

/// Read a `.csv` (any encoding [`decode_text`] handles; comma or tab separated)
/// or an `.xlsx` (first sheet). Errors are Japanese messages for [`Problems`].
pub fn read_table(path: &Path) -> Result<Table, String> {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    if ext == "xlsx" || ext == "xlsm" {
        return read_xlsx(path);
    }
    let bytes = std::fs::read(path).map_err(|e| format!("ファイルを読めません: {e}"))?;
    let (text, encoding, had_errors) = decode_text_checked(&bytes);
    let decode_warning = had_errors.then(|| {
        format!(
            "文字コードを {} と判断しましたが、読めない文字がありました（文字化けの可能性があります）",
            encoding.name()
        )
    });
    let first_line = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
    let delimiter = if first_line.contains('\t') && !first_line.contains(',') {
        b'\t'
    } else {
        b','
    };
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(text.as_bytes());
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| {
            let line = e.position().map(|p| p.line()).unwrap_or(0);
            format!("{line}行目付近を CSV として読めません: {e}")
        })?;
        let line = record.position().map(|p| p.line() as usize).unwrap_or(0);
        rows.push(TableRow {
            line,
            cells: record.iter().map(str::to_string).collect(),
        });
    }
    Ok(Table {
        rows,
        decode_warning,
    })
}

fn read_xlsx(path: &Path) -> Result<Table, String> {
    use calamine::{Data, Reader, Xlsx, open_workbook};
    let mut workbook: Xlsx<_> =
        open_workbook(path).map_err(|e| format!("Excel ファイル（.xlsx）を開けません: {e}"))?;
    let range = match workbook.worksheet_range_at(0) {
        Some(Ok(range)) => range,
        Some(Err(e)) => return Err(format!("Excel ファイルの最初のシートを読めません: {e}")),
        None => return Err("Excel ファイルにシートがありません".to_string()),
    };
    let (start_row, start_col) = range.start().unwrap_or((0, 0));
    let mut rows = Vec::new();
    for (i, row) in range.rows().enumerate() {
        let mut cells = vec![String::new(); start_col as usize];
        cells.extend(row.iter().map(|cell| match cell {
            Data::Int(n) => n.to_string(),
            Data::Float(f) => format_float(*f),
            Data::String(s) => s.clone(),
            Data::Bool(b) => if *b { "TRUE" } else { "FALSE" }.to_string(),
            Data::DateTime(dt) => {
                let (y, m, d, ..) = dt.to_ymd_hms_milli();
                format!("{y:04}-{m:02}-{d:02}")
            }
            Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
            Data::Error(e) => format!("#{e}"),
            Data::Empty => String::new(),
        }));
        rows.push(TableRow {
            line: start_row as usize + i + 1,
            cells,
        });
    }
    Ok(Table {
        rows,
        decode_warning: None,
    })
}

/// A float from a spreadsheet as a person would read it (`7416`, `0.04`).
fn format_float(f: f64) -> String {
    if f.fract() == 0.0 && f.abs() < 1e15 {
        format!("{f:.0}")
    } else {
        // Shortest representation that round-trips, after removing binary noise.
        let rounded = format!("{f:.12}");
        let trimmed = rounded.trim_end_matches('0').trim_end_matches('.');
        trimmed.to_string()
    }
}

/// A header cell reduced for matching: half-width, lowercase, no spaces, no
/// `(%)` marker. The bool says whether the header marked a percent column.
pub fn header_key(header: &str) -> (String, bool) {
    let mut key: String = normalize_width(header)
        .trim_matches('\u{FEFF}')
        .to_lowercase()
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    let percent = key.contains('%');
    for marker in ["(%)", "[%]", "%"] {
        key = key.replace(marker, "");
    }
    (key, percent)
}

/// Levenshtein distance over characters.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, ca) in a.iter().enumerate() {
        cur[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

/// The `n` candidates nearest to `query` by edit distance (ties in input order),
/// only those that share at least one character or are within distance 2.
pub fn nearest<'a>(
    query: &str,
    candidates: impl IntoIterator<Item = &'a str>,
    n: usize,
) -> Vec<&'a str> {
    let mut scored: Vec<(usize, usize, &str)> = candidates
        .into_iter()
        .enumerate()
        .map(|(i, c)| (edit_distance(query, c), i, c))
        .filter(|(d, _, c)| *d <= 2 || c.chars().any(|ch| query.contains(ch)))
        .collect();
    scored.sort();
    let mut out: Vec<&str> = Vec::new();
    for (_, _, c) in scored {
        if !out.contains(&c) {
            out.push(c);
        }
        if out.len() == n {
            break;
        }
    }
    out
}

/// Why a cell is not a usable number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NumberError {
    Empty,
    Negative,
    NotInteger,
    NotNumber,
}

/// Half-width, trimmed, with the minus signs and separators people type folded
/// to ASCII (`−`, `－`, `▲`, `△` → `-`; `，` → `,`; `．` → `.`).
fn normalize_number(raw: &str) -> String {
    normalize_width(raw)
        .chars()
        .map(|c| match c {
            '\u{2212}' | '\u{2010}' | '\u{2011}' | '\u{2013}' | '▲' | '△' => '-',
            '、' => ',',
            '。' => '.',
            _ => c,
        })
        .collect::<String>()
        .trim_matches(|c: char| c.is_whitespace() || c == '\u{FEFF}')
        .to_string()
}

/// The digits of a number with optional thousands separators (`7,416`):
/// `None` when the grouping is wrong or anything else is there.
fn strip_grouping(s: &str) -> Option<String> {
    if !s.contains(',') {
        return (!s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())).then(|| s.to_string());
    }
    let groups: Vec<&str> = s.split(',').collect();
    let ok = groups.iter().all(|g| g.bytes().all(|b| b.is_ascii_digit()))
        && (1..=3).contains(&groups[0].len())
        && groups[1..].iter().all(|g| g.len() == 3);
    ok.then(|| groups.concat())
}

/// A count as people type it: `7416`, `7,416`, `７，４１６`, ` 297 `, `7416.0`.
pub fn parse_count(raw: &str) -> Result<u64, NumberError> {
    let s = normalize_number(raw);
    if s.is_empty() {
        return Err(NumberError::Empty);
    }
    if let Some(rest) = s.strip_prefix('-') {
        return match parse_count(rest) {
            Ok(0) => Ok(0),
            Ok(_) | Err(NumberError::NotInteger) => Err(NumberError::Negative),
            Err(_) => Err(NumberError::NotNumber),
        };
    }
    let s = s.strip_prefix('+').unwrap_or(&s);
    let (int, frac) = match s.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (s, None),
    };
    let digits = strip_grouping(int).ok_or(NumberError::NotNumber)?;
    if let Some(frac) = frac {
        if frac.is_empty() || !frac.bytes().all(|b| b.is_ascii_digit()) {
            return Err(NumberError::NotNumber);
        }
        if frac.bytes().any(|b| b != b'0') {
            return Err(NumberError::NotInteger);
        }
    }
    digits.parse::<u64>().map_err(|_| NumberError::NotNumber)
}

/// A rate as printed: its value in the printed unit, how many decimals were
/// printed, and whether it carried a `%` sign.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PrintedRate {
    pub value: f64,
    pub decimals: u32,
    pub percent_sign: bool,
}

/// A rate as people type it: `4.0%`, `４．０％`, `4.0`, `0.040`.
pub fn parse_rate(raw: &str) -> Result<PrintedRate, NumberError> {
    let s = normalize_number(raw);
    if s.is_empty() {
        return Err(NumberError::Empty);
    }
    let (s, percent_sign) = match s.strip_suffix('%') {
        Some(rest) => (rest.trim_end().to_string(), true),
        None => (s, false),
    };
    if let Some(rest) = s.strip_prefix('-') {
        return match parse_rate(rest) {
            Ok(r) if r.value == 0.0 => Ok(PrintedRate { percent_sign, ..r }),
            Ok(_) => Err(NumberError::Negative),
            Err(_) => Err(NumberError::NotNumber),
        };
    }
    let (int, frac) = match s.split_once('.') {
        Some((i, f)) => (if i.is_empty() { "0" } else { i }, f),
        None => (s.as_str(), ""),
    };
    let int = strip_grouping(int).ok_or(NumberError::NotNumber)?;
    if !frac.bytes().all(|b| b.is_ascii_digit()) {
        return Err(NumberError::NotNumber);
    }
    let value: f64 = format!("{int}.{frac}0")
        .parse()
        .map_err(|_| NumberError::NotNumber)?;
    Ok(PrintedRate {
        value,
        decimals: frac.len() as u32,
        percent_sign,
    })
}

/// `7416` → `7,416`.
pub fn group_thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn number_problem(what: &str, raw: &str, err: NumberError) -> (String, String) {
    match err {
        NumberError::Empty => (
            format!("{what}が空欄です"),
            format!("{what}を数字で書いてください（0 のときも 0 と書きます）"),
        ),
        NumberError::Negative => (
            format!("{what}「{raw}」がマイナスです"),
            format!("{what}は 0 以上の整数で書いてください"),
        ),
        NumberError::NotInteger => (
            format!("{what}「{raw}」が整数ではありません"),
            format!("{what}は事業所の数なので整数で書いてください"),
        ),
        NumberError::NotNumber => (
            format!("{what}「{raw}」は数として読めません"),
            format!("{what}は 7416 や 7,416 のように数字だけで書いてください"),
        ),
    }
}

// ---------------------------------------------------------------------------
// Names of local governments
// ---------------------------------------------------------------------------

/// A name reduced for matching: half-width, no spaces, `ヶ`/`ヵ`/`ケ` folded.
fn name_key(name: &str) -> String {
    normalize_width(name)
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '\u{FEFF}')
        .map(|c| match c {
            'ヶ' | 'ヵ' | 'ｹ' => 'ケ',
            _ => c,
        })
        .collect::<String>()
        .to_lowercase()
}

const TOTAL_MARKERS: &[&str] = &[
    "合計",
    "計",
    "総計",
    "総数",
    "全国",
    "全国計",
    "全国合計",
    "total",
    "sum",
    "合計値",
];

fn is_total_marker(cell: &str) -> bool {
    let key = name_key(cell);
    TOTAL_MARKERS.contains(&key.as_str())
}

/// Outcome of looking a municipality name up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Lookup {
    Found(String),
    Ambiguous(Vec<String>),
    NotFound(Vec<String>),
}

/// Name lookups over the master list.
pub(crate) struct NameIndex<'a> {
    master: &'a MasterList,
    prefectures: HashMap<String, String>,
    municipalities: HashMap<String, Vec<String>>,
}

impl<'a> NameIndex<'a> {
    pub(crate) fn new(master: &'a MasterList) -> Self {
        let mut prefectures = HashMap::new();
        for p in &master.prefectures {
            let key = name_key(&p.name);
            prefectures.insert(key.clone(), p.code.clone());
            if key != "北海道" {
                for suffix in ['都', '道', '府', '県'] {
                    if let Some(short) = key.strip_suffix(suffix) {
                        prefectures.insert(short.to_string(), p.code.clone());
                    }
                }
            }
        }
        let mut municipalities: HashMap<String, Vec<String>> = HashMap::new();
        for m in &master.municipalities {
            municipalities
                .entry(name_key(&m.name))
                .or_default()
                .push(m.code.clone());
        }
        NameIndex {
            master,
            prefectures,
            municipalities,
        }
    }

    /// A prefecture by its name, full (`静岡県`) or short (`静岡`, `東京`).
    pub(crate) fn prefecture(&self, name: &str) -> Option<&str> {
        self.prefectures.get(&name_key(name)).map(String::as_str)
    }

    /// A municipality by name, optionally within one prefecture (2-digit number).
    /// `静岡県静岡市` style names with the prefecture in front are understood.
    pub(crate) fn municipality(&self, name: &str, prefecture_number: Option<&str>) -> Lookup {
        let key = name_key(name);
        let in_pref = |code: &String| prefecture_number.is_none_or(|p| code[..2] == *p);
        if let Some(codes) = self.municipalities.get(&key) {
            let codes: Vec<String> = codes.iter().filter(|c| in_pref(c)).cloned().collect();
            match codes.len() {
                0 => {}
                1 => return Lookup::Found(codes[0].clone()),
                _ => return Lookup::Ambiguous(codes),
            }
        }
        for p in &self.master.prefectures {
            let pkey = name_key(&p.name);
            if let Some(rest) = key.strip_prefix(&pkey)
                && !rest.is_empty()
                && prefecture_number.is_none_or(|n| n == p.number)
                && let Some(codes) = self.municipalities.get(rest)
                && let Some(code) = codes.iter().find(|c| c[..2] == p.number)
            {
                return Lookup::Found(code.clone());
            }
        }
        let candidates: Vec<String> = self
            .master
            .municipalities
            .iter()
            .filter(|m| prefecture_number.is_none_or(|p| m.prefecture_number == p))
            .map(|m| m.name.clone())
            .collect();
        let near = nearest(&key, candidates.iter().map(String::as_str), 3);
        let mut out: Vec<String> = Vec::new();
        for n in near {
            let codes = &self.municipalities[&name_key(n)];
            for code in codes.iter().filter(|c| in_pref(c)) {
                out.push(self.display(code));
            }
        }
        out.truncate(3);
        Lookup::NotFound(out)
    }

    /// The nearest prefecture names to an unknown one.
    pub(crate) fn suggest_prefectures(&self, name: &str) -> Vec<String> {
        let key = name_key(name);
        nearest(
            &key,
            self.master.prefectures.iter().map(|p| p.name.as_str()),
            3,
        )
        .into_iter()
        .map(str::to_string)
        .collect()
    }

    /// `札幌市（北海道）` / `北海道`.
    pub(crate) fn display(&self, code: &str) -> String {
        if let Some(m) = self.master.municipality(code) {
            let pref = self
                .master
                .prefecture_by_number(&m.prefecture_number)
                .map(|p| p.name.as_str())
                .unwrap_or("");
            format!("{}（{}）", m.name, pref)
        } else if let Some(p) = self.master.prefecture(code) {
            p.name.clone()
        } else {
            code.to_string()
        }
    }
}

/// Resolve a code cell: 6-digit JIS codes, 2-digit (or Excel-shortened 1-digit)
/// prefecture numbers, 5-digit codes that lost their leading zero in Excel or
/// were written without their check digit.
pub(crate) fn resolve_code(raw: &str, master: &MasterList) -> Result<String, (String, String)> {
    let s: String = normalize_width(raw)
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    let known = |c: &str| master.prefecture(c).is_some() || master.municipality(c).is_some();
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return Err((
            format!("団体コード「{raw}」は数字ではありません"),
            "6桁の団体コード（例: 221007）か、2桁の都道府県番号（例: 22）で書いてください".into(),
        ));
    }
    match s.len() {
        1 | 2 => {
            let number = format!("{s:0>2}");
            match master.prefecture_by_number(&number) {
                Some(p) => Ok(p.code.clone()),
                None => Err((
                    format!("都道府県番号「{raw}」はありません"),
                    "都道府県番号は 01（北海道）から 47（沖縄県）です".into(),
                )),
            }
        }
        5 => {
            let padded = format!("0{s}");
            if validate_code(&padded).is_ok() && known(&padded) {
                return Ok(padded);
            }
            if let Some(cd) = check_digit(&s) {
                let full = format!("{s}{cd}");
                if known(&full) {
                    return Ok(full);
                }
            }
            Err((
                format!("団体コード「{raw}」は5桁で、どの団体のコードか分かりません"),
                "検査数字を含む6桁で書いてください。Excel で先頭の 0 が消えていないかも確認してください"
                    .into(),
            ))
        }
        6 => match validate_code(&s) {
            Err(e @ CodeError::CheckDigit { .. }) => Err((
                e.to_string(),
                "団体コードの6桁目（検査数字）を直してください".into(),
            )),
            Err(e) => Err((e.to_string(), "団体コードを確認してください".into())),
            Ok(()) if known(&s) => Ok(s),
            Ok(()) => Err((
                format!("団体コード「{s}」は団体コード一覧（data/municipalities.csv）にありません"),
                "合併で無くなった団体や政令市の区のコードではないか確認し、一覧にあるコードで書いてください"
                    .into(),
            )),
        },
        _ => Err((
            format!("団体コード「{raw}」は6桁ではありません"),
            "6桁の団体コード（例: 221007）か、2桁の都道府県番号（例: 22）で書いてください".into(),
        )),
    }
}

// ---------------------------------------------------------------------------
// The adoption loader
// ---------------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    Code,
    PrefCode,
    Name,
    Prefecture,
    Municipality,
    Offices,
    Using,
    Rate,
}

impl Role {
    fn of(key: &str) -> Option<Role> {
        Some(match key {
            "code"
            | "団体コード"
            | "市区町村コード"
            | "全国地方公共団体コード"
            | "地方公共団体コード"
            | "jisコード"
            | "municipality_code"
            | "コード" => Role::Code,
            "prefecture_code" | "都道府県コード" | "都道府県番号" | "pref_code" => {
                Role::PrefCode
            }
            "name" | "名称" | "団体名" | "自治体名" => Role::Name,
            "prefecture" | "都道府県" | "都道府県名" => Role::Prefecture,
            "municipality" | "市区町村名" | "市区町村" | "市町村名" | "市町村" => {
                Role::Municipality
            }
            "offices" | "事業所数" | "全事業所数" | "対象事業所数" | "office_count" => {
                Role::Offices
            }
            "using_offices" | "using" | "利用事業所数" | "導入事業所数" | "利用中事業所数" => {
                Role::Using
            }
            "rate" | "割合" | "利用率" | "導入率" | "利用割合" | "using_rate" => {
                Role::Rate
            }
            _ => return None,
        })
    }

    fn label(self) -> &'static str {
        match self {
            Role::Code => "団体コード",
            Role::PrefCode => "都道府県コード",
            Role::Name => "名称",
            Role::Prefecture => "都道府県",
            Role::Municipality => "市区町村名",
            Role::Offices => "事業所数",
            Role::Using => "利用事業所数",
            Role::Rate => "割合",
        }
    }
}

#[derive(Debug, Default)]
struct Columns {
    map: BTreeMap<usize, Role>,
    rate_percent_header: bool,
}

impl Columns {
    fn get(&self, role: Role) -> Option<usize> {
        self.map.iter().find(|(_, r)| **r == role).map(|(c, _)| *c)
    }
    fn has_identifier(&self) -> bool {
        self.map.values().any(|r| {
            matches!(
                r,
                Role::Code | Role::PrefCode | Role::Name | Role::Prefecture | Role::Municipality
            )
        })
    }
}

/// One valid data row of a file.
#[derive(Debug, Clone)]
struct FileRow {
    code: String,
    figure: Figure,
    line: usize,
}

#[derive(Debug)]
struct FileData {
    path: PathBuf,
    rows: Vec<FileRow>,
}

/// Load every file in `dir` (data/adoption). `today` is the build date (for the future-date warning).
pub fn load(dir: &Path, master: &MasterList, today: Date, problems: &mut Problems) -> Adoption {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) => {
            problems.warning(
                dir,
                0,
                0,
                format!("利用状況のフォルダを読めません: {e}"),
                "data/adoption/ に 2023-11-06.csv のような日付名のファイルを置いてください",
            );
            return Adoption::default();
        }
    };
    let mut paths: Vec<PathBuf> = entries
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.is_file())
        .collect();
    paths.sort();

    let names = NameIndex::new(master);
    let mut by_date: BTreeMap<Date, Vec<FileData>> = BTreeMap::new();
    for path in paths {
        let file_name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("")
            .to_string();
        if file_name.starts_with('.') || file_name.starts_with('~') {
            continue;
        }
        let ext = path
            .extension()
            .and_then(|e| e.to_str())
            .unwrap_or("")
            .to_ascii_lowercase();
        match ext.as_str() {
            "csv" | "xlsx" | "tsv" | "txt" => {}
            "xls" => {
                problems.error(
                    &path,
                    0,
                    0,
                    format!("「{file_name}」は古い Excel 形式（.xls）で、読めません"),
                    "Excel で「.xlsx」か「CSV UTF-8」の形式で保存し直してください",
                );
                continue;
            }
            "md" => continue,
            _ => {
                problems.warning(
                    &path,
                    0,
                    0,
                    format!(
                        "「{file_name}」は利用状況のファイル（.csv / .xlsx）ではないので読みません"
                    ),
                    "不要なら data/adoption/ から移してください",
                );
                continue;
            }
        }
        if ext == "txt" {
            continue;
        }
        let Some(date) = file_date(&path, &file_name, today, problems) else {
            continue;
        };
        let illustrative = is_illustrative_name(&file_name);
        if let Some(data) = read_file(&path, master, &names, illustrative, problems) {
            by_date.entry(date).or_default().push(data);
        }
    }

    let snapshots = by_date
        .into_iter()
        .map(|(date, files)| merge(date, files, master, &names, problems))
        .collect();
    Adoption { snapshots }
}

/// A file whose name contains `sample` (or サンプル) holds illustrative figures.
fn is_illustrative_name(file_name: &str) -> bool {
    let lower = file_name.to_lowercase();
    lower.contains("sample") || file_name.contains("サンプル")
}

/// The snapshot date from a file name `<YYYY-MM-DD>[-label].ext`.
fn file_date(path: &Path, file_name: &str, today: Date, problems: &mut Problems) -> Option<Date> {
    let stem = path
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or(file_name);
    let chars: Vec<char> = stem.chars().collect();
    let shape_ok = chars.len() >= 10
        && chars[..10].iter().enumerate().all(|(i, c)| {
            if i == 4 || i == 7 {
                *c == '-'
            } else {
                c.is_ascii_digit()
            }
        })
        && chars
            .get(10)
            .is_none_or(|c| matches!(c, '-' | '_' | ' ' | '.'));
    if !shape_ok {
        problems.error(
            path,
            0,
            0,
            format!("ファイル名「{file_name}」が日付（YYYY-MM-DD）で始まっていません"),
            "集計日を表す名前にしてください（例: 2023-11-06.csv、2023-11-06-市区町村.xlsx）",
        );
        return None;
    }
    let head: String = chars[..10].iter().collect();
    let year: i16 = head[0..4].parse().ok()?;
    let month: i8 = head[5..7].parse().ok()?;
    let day: i8 = head[8..10].parse().ok()?;
    let date = match Date::new(year, month, day) {
        Ok(d) => d,
        Err(_) => {
            problems.error(
                path,
                0,
                0,
                format!("ファイル名の日付「{head}」は実在しない日付です"),
                "集計日を正しい日付に直してください（例: 2023-11-06）",
            );
            return None;
        }
    };
    if date > today {
        problems.warning(
            path,
            0,
            0,
            format!("ファイル名の日付「{head}」が今日（{today}）より先です"),
            "集計日が正しいか確認してください（未来の日付の数値として表示されます）",
        );
    }
    Some(date)
}

/// Find the header row: the first of the first ten non-blank rows that names
/// at least two known columns.
fn find_header(rows: &[TableRow]) -> Option<usize> {
    rows.iter()
        .enumerate()
        .filter(|(_, r)| !r.is_blank())
        .take(10)
        .find(|(_, r)| {
            r.cells
                .iter()
                .filter(|c| Role::of(&header_key(c).0).is_some())
                .count()
                >= 2
        })
        .map(|(i, _)| i)
}

fn read_file(
    path: &Path,
    master: &MasterList,
    names: &NameIndex<'_>,
    illustrative: bool,
    problems: &mut Problems,
) -> Option<FileData> {
    let table = match read_table(path) {
        Ok(t) => t,
        Err(msg) => {
            problems.error(
                path,
                0,
                0,
                msg,
                "Excel で「CSV UTF-8」か「.xlsx」で保存し直してください",
            );
            return None;
        }
    };
    if let Some(msg) = &table.decode_warning {
        problems.warning(
            path,
            0,
            0,
            msg.clone(),
            "UTF-8 か Shift_JIS（CP932）で保存し直してください",
        );
    }
    let rows = table.rows;
    if rows.iter().all(TableRow::is_blank) {
        problems.error(
            path,
            0,
            0,
            "ファイルが空です",
            "見出し行（code,name,offices,using_offices）とデータ行を書いてください",
        );
        return None;
    }
    let Some(header_index) = find_header(&rows) else {
        let first = rows.iter().find(|r| !r.is_blank()).expect("non-blank row");
        let seen: Vec<&str> = first.cells.iter().map(|c| c.trim()).collect();
        problems.error(
            path,
            first.line,
            0,
            format!(
                "見出し行が見つかりません（最初の行: {}）",
                seen.join(", ")
            ),
            "見出しを code（団体コード）, name（名称）, offices（事業所数）, using_offices（利用事業所数）にしてください",
        );
        return None;
    };
    let header = &rows[header_index];

    // Columns
    let mut columns = Columns::default();
    for (i, cell) in header.cells.iter().enumerate() {
        let (key, percent) = header_key(cell);
        let Some(role) = Role::of(&key) else {
            continue;
        };
        if let Some(first) = columns.get(role) {
            problems.error(
                path,
                header.line,
                i + 1,
                format!(
                    "「{}」の列が2つあります（{}列目と{}列目）",
                    role.label(),
                    first + 1,
                    i + 1
                ),
                "どちらか一方の見出しを消すか直してください",
            );
            continue;
        }
        if role == Role::Rate {
            columns.rate_percent_header = percent;
        }
        columns.map.insert(i, role);
    }
    let mut missing = Vec::new();
    if !columns.has_identifier() {
        missing.push("団体コード（code）または名称（name）");
    }
    if columns.get(Role::Offices).is_none() {
        missing.push("事業所数（offices）");
    }
    if columns.get(Role::Using).is_none() {
        missing.push("利用事業所数（using_offices）");
    }
    if !missing.is_empty() {
        let seen: Vec<&str> = header.cells.iter().map(|c| c.trim()).collect();
        problems.error(
            path,
            header.line,
            0,
            format!(
                "見出し行に {} の列がありません（見出し: {}）",
                missing.join("、"),
                seen.join(", ")
            ),
            "見出しを code（団体コード）, name（名称）, offices（事業所数）, using_offices（利用事業所数）にしてください",
        );
        return None;
    }
    let data_rows: Vec<&TableRow> = rows[header_index + 1..]
        .iter()
        .filter(|r| !r.is_blank())
        .collect();

    // Is the rate column in percent? Clearly so when the header says so, or
    // when any cell carries a % sign or exceeds 1.
    let rate_col = columns.get(Role::Rate);
    let rate_percent = columns.rate_percent_header
        || rate_col.is_some_and(|c| {
            data_rows
                .iter()
                .filter_map(|r| parse_rate(r.cell(c)).ok())
                .any(|r| r.percent_sign || r.value > 1.0)
        });

    let mut out = FileData {
        path: path.to_path_buf(),
        rows: Vec::new(),
    };
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut totals: Option<(usize, Option<u64>, Option<u64>)> = None;
    let mut count_errors = false;
    let ident_cols: Vec<usize> = [
        Role::Code,
        Role::PrefCode,
        Role::Name,
        Role::Prefecture,
        Role::Municipality,
    ]
    .iter()
    .filter_map(|r| columns.get(*r))
    .collect();

    for row in data_rows {
        let line = row.line;
        let is_total = ident_cols.iter().any(|&c| is_total_marker(row.cell(c)));

        // Counts
        let count = |role: Role, problems: &mut Problems| -> Option<u64> {
            let col = columns.get(role).expect("checked above");
            let raw = row.cell(col);
            match parse_count(raw) {
                Ok(n) => Some(n),
                Err(NumberError::Empty) if is_total => None,
                Err(e) => {
                    let (message, hint) = number_problem(role.label(), raw, e);
                    problems.error(path, line, col + 1, message, hint);
                    None
                }
            }
        };
        let offices = count(Role::Offices, problems);
        let using = count(Role::Using, problems);

        let code = if is_total {
            if let Some((first, ..)) = totals {
                problems.error(
                    path,
                    line,
                    0,
                    format!("合計行が2つあります（{first}行目と{line}行目）"),
                    "合計行は1つにしてください",
                );
                continue;
            }
            None
        } else {
            identify(row, &columns, master, names, path, problems)
        };
        if !is_total && (offices.is_none() || using.is_none()) {
            count_errors = true;
        }

        if let (Some(o), Some(u)) = (offices, using)
            && u > o
        {
            problems.error(
                path,
                line,
                columns.get(Role::Using).map_or(0, |c| c + 1),
                format!(
                    "利用事業所数「{}」が事業所数「{}」より多くなっています",
                    row.cell(columns.get(Role::Using).unwrap_or(0)),
                    row.cell(columns.get(Role::Offices).unwrap_or(0))
                ),
                "列の取り違えや入力の誤りがないか確認してください",
            );
            if !is_total {
                count_errors = true;
                continue;
            }
        }

        // Rate
        if let (Some(col), Some(o), Some(u)) = (rate_col, offices, using) {
            check_rate(path, line, col, row.cell(col), o, u, rate_percent, problems);
        }

        if is_total {
            totals = Some((line, offices, using));
            continue;
        }
        let Some(code) = code else {
            continue;
        };
        if let Some(first) = seen.get(&code) {
            problems.error(
                path,
                line,
                0,
                format!(
                    "{}（{}）の行が2つあります（{}行目と{}行目）",
                    names.display(&code),
                    code,
                    first,
                    line
                ),
                "同じ団体の行は1つにしてください（後の行は読み飛ばしました）",
            );
            continue;
        }
        seen.insert(code.clone(), line);
        if let (Some(offices), Some(using)) = (offices, using) {
            out.rows.push(FileRow {
                code,
                figure: Figure {
                    offices,
                    using,
                    illustrative,
                },
                line,
            });
        }
    }

    if let Some((line, offices, using)) = totals
        && !count_errors
    {
        let prefecture_rows: Vec<&FileRow> = out
            .rows
            .iter()
            .filter(|r| is_prefecture_code(&r.code))
            .collect();
        let summed: Vec<&FileRow> = if prefecture_rows.is_empty() {
            out.rows.iter().collect()
        } else {
            prefecture_rows
        };
        let sum_offices: u64 = summed.iter().map(|r| r.figure.offices).sum();
        let sum_using: u64 = summed.iter().map(|r| r.figure.using).sum();
        let mut diffs = Vec::new();
        if let Some(o) = offices
            && o != sum_offices
        {
            diffs.push(format!(
                "事業所数は合計行が {} ですが、各行の合計は {} です",
                group_thousands(o),
                group_thousands(sum_offices)
            ));
        }
        if let Some(u) = using
            && u != sum_using
        {
            diffs.push(format!(
                "利用事業所数は合計行が {} ですが、各行の合計は {} です",
                group_thousands(u),
                group_thousands(sum_using)
            ));
        }
        if !diffs.is_empty() {
            problems.error(
                path,
                line,
                0,
                format!("合計行が各行の合計と合いません: {}", diffs.join("。")),
                "合計行を計算し直すか、合計行を消してください（合計はこちらで計算します）",
            );
        }
    }
    Some(out)
}

fn is_prefecture_code(code: &str) -> bool {
    code.len() == 6 && &code[2..5] == "000"
}

/// Find which local government a row is about, reporting why not when it can't.
fn identify(
    row: &TableRow,
    columns: &Columns,
    master: &MasterList,
    names: &NameIndex<'_>,
    path: &Path,
    problems: &mut Problems,
) -> Option<String> {
    let line = row.line;
    let cell = |role: Role| columns.get(role).map(|c| (c, row.cell(c)));
    let name_cell = cell(Role::Municipality)
        .or(cell(Role::Name))
        .filter(|(_, v)| !v.is_empty());
    let pref_name_cell = cell(Role::Prefecture).filter(|(_, v)| !v.is_empty());

    // 1. By code.
    let code_cell = cell(Role::Code).or(cell(Role::PrefCode));
    if let Some((col, raw)) = code_cell {
        // A 2-digit prefecture code column next to a code column is only a helper.
        if !raw.is_empty() || (cell(Role::Code).is_some() && name_cell.is_none()) {
            let code = match resolve_code(raw, master) {
                Ok(code) => code,
                Err((message, hint)) => {
                    let message = if raw.is_empty() {
                        "団体コードが空欄です".to_string()
                    } else {
                        message
                    };
                    problems.error(path, line, col + 1, message, hint);
                    return None;
                }
            };
            // Cross-check names written beside the code.
            for (ncol, name) in [name_cell, pref_name_cell].into_iter().flatten() {
                let matches = if let Some(p) = names.prefecture(name) {
                    p == code || code.starts_with(&p[..2])
                } else {
                    matches!(names.municipality(name, Some(&code[..2])), Lookup::Found(c) if c == code)
                };
                if !matches {
                    problems.warning(
                        path,
                        line,
                        ncol + 1,
                        format!(
                            "団体コード「{raw}」は{}ですが、名称は「{name}」です",
                            names.display(&code)
                        ),
                        "コードと名称のどちらが正しいか確認してください（コードの団体として読み込みました）",
                    );
                    break;
                }
            }
            return Some(code);
        }
    }

    // 2. By name, within a prefecture when one is given.
    let mut pref_ctx: Option<String> = None;
    if let Some((col, raw)) = cell(Role::PrefCode).filter(|(_, v)| !v.is_empty()) {
        match resolve_code(raw, master) {
            Ok(code) if is_prefecture_code(&code) => pref_ctx = Some(code),
            Ok(_) => {
                problems.error(
                    path,
                    line,
                    col + 1,
                    format!("都道府県コード「{raw}」は都道府県のコードではありません"),
                    "2桁の都道府県番号（例: 22）で書いてください",
                );
                return None;
            }
            Err((message, hint)) => {
                problems.error(path, line, col + 1, message, hint);
                return None;
            }
        }
    } else if let Some((col, raw)) = pref_name_cell {
        match names.prefecture(raw) {
            Some(code) => pref_ctx = Some(code.to_string()),
            None => {
                let near = names.suggest_prefectures(raw);
                problems.error(
                    path,
                    line,
                    col + 1,
                    format!("都道府県「{raw}」が見つかりません"),
                    suggestion_hint(&near, "都道府県名を正しく書いてください"),
                );
                return None;
            }
        }
    }

    let Some((col, name)) = name_cell else {
        if pref_ctx.is_none() {
            let col = columns
                .get(Role::Municipality)
                .or(columns.get(Role::Name))
                .or(columns.get(Role::Prefecture))
                .map_or(0, |c| c + 1);
            problems.error(
                path,
                line,
                col,
                "団体コードも名称も空欄です",
                "団体コードか名称を書いてください",
            );
        }
        return pref_ctx;
    };
    if let Some(p) = names.prefecture(name) {
        return Some(p.to_string());
    }
    let pref_number = pref_ctx.as_deref().map(|c| &c[..2]);
    match names.municipality(name, pref_number) {
        Lookup::Found(code) => Some(code),
        Lookup::Ambiguous(codes) => {
            let list: Vec<String> = codes
                .iter()
                .map(|c| format!("{}（{}）", names.display(c), c))
                .collect();
            problems.error(
                path,
                line,
                col + 1,
                format!(
                    "市区町村名「{name}」は全国に{}つあり、どれか決められません: {}",
                    codes.len(),
                    list.join("、")
                ),
                "都道府県の列（prefecture / 都道府県）を加えるか、団体コードで書いてください",
            );
            None
        }
        Lookup::NotFound(near) => {
            let within = pref_ctx
                .as_deref()
                .map(|c| format!("{}に", names.display(c)))
                .unwrap_or_default();
            problems.error(
                path,
                line,
                col + 1,
                format!("名称「{name}」の団体が{within}見つかりません"),
                suggestion_hint(
                    &near,
                    "団体コード一覧（data/municipalities.csv）の名称で書いてください",
                ),
            );
            None
        }
    }
}

fn suggestion_hint(near: &[String], fallback: &str) -> String {
    if near.is_empty() {
        fallback.to_string()
    } else {
        format!(
            "{}のどれかではありませんか。{fallback}",
            near.iter()
                .map(|n| format!("「{n}」"))
                .collect::<Vec<_>>()
                .join("、")
        )
    }
}

/// Check a printed rate against using/offices, allowing the rounding of the
/// printed precision (half a unit of the last printed digit).
#[allow(clippy::too_many_arguments)]
fn check_rate(
    path: &Path,
    line: usize,
    col: usize,
    raw: &str,
    offices: u64,
    using: u64,
    percent: bool,
    problems: &mut Problems,
) {
    let printed = match parse_rate(raw) {
        Ok(p) => p,
        Err(NumberError::Empty) => return,
        Err(e) => {
            let (message, _) = number_problem("割合", raw, e);
            problems.error(
                path,
                line,
                col + 1,
                message,
                "割合は 4.0% や 0.040 のように書くか、空欄にしてください",
            );
            return;
        }
    };
    if offices == 0 {
        return;
    }
    let scale = if percent { 100.0 } else { 1.0 };
    let computed = using as f64 / offices as f64 * scale;
    let tolerance = 0.5 * 10f64.powi(-(printed.decimals as i32)) + 1e-9;
    if (computed - printed.value).abs() > tolerance {
        let shown = printed.decimals.max(1) as usize + 1;
        let unit = if percent { "%" } else { "" };
        let mut message = String::new();
        let _ = write!(
            message,
            "割合「{raw}」が 利用事業所数÷事業所数（{}÷{}＝{:.shown$}{unit}）と合いません",
            group_thousands(using),
            group_thousands(offices),
            computed
        );
        problems.error(
            path,
            line,
            col + 1,
            message,
            "割合を計算し直すか、事業所数・利用事業所数を確認してください（割合の列は省略できます）",
        );
    }
}

/// Merge the files of one date into a snapshot, checking duplicates across
/// files, coverage, and that municipalities add up to their prefecture.
fn merge(
    date: Date,
    files: Vec<FileData>,
    master: &MasterList,
    names: &NameIndex<'_>,
    problems: &mut Problems,
) -> Snapshot {
    let mut snapshot = Snapshot {
        date,
        prefectures: BTreeMap::new(),
        municipalities: BTreeMap::new(),
        sources: files.iter().map(|f| f.path.clone()).collect(),
    };
    snapshot.sources.sort();
    let mut origin: HashMap<String, (PathBuf, usize)> = HashMap::new();
    // The file with the most rows of each level, for the coverage warnings.
    let mut level_file: [Option<(usize, PathBuf)>; 2] = [None, None];
    for file in &files {
        let mut counts = [0usize; 2];
        for row in &file.rows {
            if let Some((other, other_line)) = origin.get(&row.code)
                && other != &file.path
            {
                problems.error(
                    &file.path,
                    row.line,
                    0,
                    format!(
                        "{}（{}）は同じ日付の別のファイル「{}」の{}行目にもあります",
                        names.display(&row.code),
                        row.code,
                        other.file_name().and_then(|n| n.to_str()).unwrap_or(""),
                        other_line
                    ),
                    "同じ日付の団体は1つのファイルにだけ書いてください（この行は読み飛ばしました）",
                );
                continue;
            }
            origin.insert(row.code.clone(), (file.path.clone(), row.line));
            let level = usize::from(!is_prefecture_code(&row.code));
            counts[level] += 1;
            if level == 0 {
                snapshot.prefectures.insert(row.code.clone(), row.figure);
            } else {
                snapshot.municipalities.insert(row.code.clone(), row.figure);
            }
        }
        for level in 0..2 {
            if counts[level] > level_file[level].as_ref().map_or(0, |(n, _)| *n) {
                level_file[level] = Some((counts[level], file.path.clone()));
            }
        }
    }

    // Coverage: one warning per level.
    let missing_prefectures: Vec<String> = master
        .prefectures
        .iter()
        .filter(|p| !snapshot.prefectures.contains_key(&p.code))
        .map(|p| p.name.clone())
        .collect();
    let missing_municipalities: Vec<String> = master
        .municipalities
        .iter()
        .filter(|m| !snapshot.municipalities.contains_key(&m.code))
        .map(|m| names.display(&m.code))
        .collect();
    for (level, missing, what) in [
        (0, missing_prefectures, "都道府県"),
        (1, missing_municipalities, "市区町村"),
    ] {
        let Some((_, file)) = &level_file[level] else {
            continue;
        };
        if missing.is_empty() {
            continue;
        }
        let examples: Vec<&str> = missing.iter().take(5).map(String::as_str).collect();
        let more = if missing.len() > 5 { "ほか" } else { "" };
        problems.warning(
            file,
            0,
            0,
            format!(
                "{date} の{what}のデータに {} 団体がありません（{}{more}）",
                group_thousands(missing.len() as u64),
                examples.join("、")
            ),
            format!(
                "抜けている{what}の行を加えてください。加えない団体のページには {date} の数値が出ません"
            ),
        );
    }

    // Municipalities must add up to their prefecture.
    for (code, figure) in &snapshot.prefectures {
        let number = &code[..2];
        let mut present = 0usize;
        let mut total = 0usize;
        let (mut offices, mut using) = (0u64, 0u64);
        for m in master.municipalities_of(number) {
            total += 1;
            if let Some(f) = snapshot.municipalities.get(&m.code) {
                present += 1;
                offices += f.offices;
                using += f.using;
            }
        }
        if present == 0 {
            continue;
        }
        let complete = present == total;
        let bad = if complete {
            offices != figure.offices || using != figure.using
        } else {
            offices > figure.offices || using > figure.using
        };
        if bad {
            let (file, line) = origin.get(code).cloned().unwrap_or_default();
            let scope = if complete {
                "市区町村の行の合計"
            } else {
                "一部の市区町村の行の合計だけで"
            };
            problems.warning(
                &file,
                line,
                0,
                format!(
                    "{}の行は 事業所数 {}・利用 {} ですが、{}は 事業所数 {}・利用 {} です",
                    names.display(code),
                    group_thousands(figure.offices),
                    group_thousands(figure.using),
                    scope,
                    group_thousands(offices),
                    group_thousands(using)
                ),
                "都道府県の行と市区町村の行が同じ集計のものか確認してください",
            );
        }
    }
    snapshot
}

#[cfg(test)]
mod tests {

    #[test]
    fn half_width_katakana_becomes_full_width() {
        assert_eq!(normalize_width("団体ｺｰﾄﾞ"), "団体コード");
        assert_eq!(normalize_width("ﾊﾟｿｺﾝ ｳﾞｧ"), "パソコン ヴァ");
        assert_eq!(normalize_width("ﾞ"), "゛");
        assert_eq!(header_key("団体ｺｰﾄﾞ").0, header_key("団体コード").0);
    }

    use super::*;
    use crate::problems::{Problem, Severity};
    use proptest::prelude::*;
    use std::sync::OnceLock;

    fn root() -> PathBuf {
        PathBuf::from(env!("CARGO_MANIFEST_DIR"))
    }

    fn master() -> &'static MasterList {
        static MASTER: OnceLock<MasterList> = OnceLock::new();
        MASTER.get_or_init(|| {
            let mut problems = Problems::new();
            let list = MasterList::load(&root().join("data/municipalities.csv"), &mut problems);
            assert!(problems.is_empty());
            list
        })
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

    /// The one problem whose message contains every needle.
    fn find<'a>(problems: &'a [Problem], needles: &[&str]) -> &'a Problem {
        let found: Vec<&Problem> = problems
            .iter()
            .filter(|p| needles.iter().all(|n| p.message.contains(n)))
            .collect();
        assert_eq!(found.len(), 1, "{needles:?} in {problems:#?}");
        found[0]
    }

    fn fig(offices: u64, using: u64) -> Figure {
        Figure {
            offices,
            using,
            illustrative: false,
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
        assert_eq!(first.prefectures["010006"], fig(7416, 297));
        assert!(first.municipalities.values().all(|f| f.illustrative));
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
        assert_eq!(s.prefectures["220001"], fig(5055, 392));
        assert_eq!(s.municipalities[SHIZUOKA_CITY], fig(1200, 100));
        assert_eq!(s.municipalities[HAMAMATSU], fig(912, 36));
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
        assert_eq!(s.municipalities[SHIZUOKA_CITY], fig(1200, 100));
        assert_eq!(s.municipalities[SAPPORO], fig(1083, 55));
        assert!(s.prefectures.is_empty());
    }

    #[test]
    fn cp932_crlf_names_full_width_and_totals() {
        let bytes =
            std::fs::read(root().join("tests/fixtures/adoption/cp932/2024-01-15.csv")).unwrap();
        assert!(
            std::str::from_utf8(&bytes).is_err(),
            "fixture must be CP932"
        );
        assert!(bytes.windows(2).any(|w| w == b"\r\n"));
        let (adoption, problems) = fixture("cp932");
        assert!(errors(&problems).is_empty(), "{problems:#?}");
        let s = &adoption.snapshots[0];
        assert_eq!(s.prefectures.len(), 4);
        assert_eq!(s.prefectures["010006"], fig(7416, 297));
        assert_eq!(s.prefectures["130001"], fig(13580, 736)); // 「東京」, full-width digits
        assert_eq!(s.prefectures["220001"], fig(5055, 392)); // 「静岡」
        assert_eq!(s.prefectures["270008"], fig(15732, 466));
    }

    #[test]
    fn cp932_written_by_encoding_rs_decodes() {
        let text = "団体コード,名称,事業所数,利用事業所数\r\n221007,静岡市,１，２００,100\r\n";
        let (bytes, _, unmappable) = encoding_rs::SHIFT_JIS.encode(text);
        assert!(!unmappable);
        assert_eq!(decode_text(&bytes), text);
        let (adoption, problems) = run(&[("2024-01-15.csv", &bytes)]);
        assert!(errors(&problems).is_empty(), "{problems:#?}");
        assert_eq!(
            adoption.snapshots[0].municipalities[SHIZUOKA_CITY],
            fig(1200, 100)
        );
    }

    #[test]
    fn decode_text_handles_boms_and_plain_utf8() {
        assert_eq!(decode_text("静岡".as_bytes()), "静岡");
        assert_eq!(decode_text(b"\xEF\xBB\xBFabc"), "abc");
        assert_eq!(decode_text(&[0xFF, 0xFE, b'a', 0, b'b', 0]), "ab");
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
        assert_eq!(s.prefectures["010006"], fig(7416, 297));
        assert_eq!(s.prefectures["130001"], fig(13580, 736));
        assert_eq!(s.prefectures["220001"], fig(5055, 392));
        assert!(!s.prefectures["220001"].illustrative);
    }

    #[test]
    fn xlsx_first_sheet_with_title_row() {
        let (adoption, problems) = fixture("xlsx");
        assert!(errors(&problems).is_empty(), "{problems:#?}");
        let s = &adoption.snapshots[0];
        assert_eq!(s.municipalities[SAPPORO], fig(1083, 55)); // 11002 lost its zero in Excel
        assert_eq!(s.municipalities[SHIZUOKA_CITY], fig(1200, 100));
        assert_eq!(s.municipalities[HAMAMATSU], fig(912, 36));
        assert_eq!(s.sources.len(), 1);
        assert!(s.sources[0].ends_with("2024-01-15-municipalities.xlsx"));
    }

    #[test]
    fn xlsx_cells_and_rows() {
        let src = root().join("tests/fixtures/adoption/xlsx/2024-01-15-municipalities.xlsx");
        let table = read_table(&src).unwrap();
        assert_eq!(table.rows[0].line, 1);
        assert_eq!(table.rows[2].line, 3);
        assert_eq!(table.rows[2].cells[0], "市区町村コード");
        assert_eq!(table.rows[3].cells[0], "11002");
        assert_eq!(table.rows[5].cells[2], "912");
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
                adoption.snapshots[0].municipalities[SHIZUOKA_CITY],
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
            assert_eq!(got, Some(&fig(10, 1)), "{csv}");
        }
    }

    #[test]
    fn ambiguous_name_resolved_by_prefecture_column() {
        let csv = "都道府県,市区町村,事業所数,利用事業所数\n東京都,府中市,10,1\n広島,府中市,20,2\n静岡県,,5055,392\n";
        let (adoption, problems) = run(&[("2024-01-15.csv", csv.as_bytes())]);
        assert!(errors(&problems).is_empty(), "{problems:#?}");
        let s = &adoption.snapshots[0];
        assert_eq!(s.municipalities["132063"], fig(10, 1));
        assert_eq!(s.municipalities["342084"], fig(20, 2));
        assert_eq!(s.prefectures["220001"], fig(5055, 392));
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
        assert!(s.municipalities[SHIZUOKA_CITY].illustrative);
        assert!(!s.prefectures["220001"].illustrative);
        assert_eq!(s.sources.len(), 2);
        assert!(s.sources[0] < s.sources[1]);
    }

    // --- numbers ------------------------------------------------------------

    #[test]
    fn counts_as_people_type_them() {
        for (raw, n) in [
            ("7416", 7416),
            ("7,416", 7416),
            ("７，４１６", 7416),
            (" 297 ", 297),
            ("\u{3000}２９７\u{3000}", 297),
            ("181,566", 181_566),
            ("7416.0", 7416),
            ("0", 0),
            ("+12", 12),
        ] {
            assert_eq!(parse_count(raw), Ok(n), "{raw}");
        }
        assert_eq!(parse_count(""), Err(NumberError::Empty));
        assert_eq!(parse_count("  "), Err(NumberError::Empty));
        assert_eq!(parse_count("-5"), Err(NumberError::Negative));
        assert_eq!(parse_count("－５"), Err(NumberError::Negative));
        assert_eq!(parse_count("▲3"), Err(NumberError::Negative));
        assert_eq!(parse_count("12.5"), Err(NumberError::NotInteger));
        assert_eq!(parse_count("abc"), Err(NumberError::NotNumber));
        assert_eq!(parse_count("74,16"), Err(NumberError::NotNumber));
        assert_eq!(parse_count("7,4160"), Err(NumberError::NotNumber));
        assert_eq!(parse_count("4.0%"), Err(NumberError::NotNumber));
    }

    #[test]
    fn rates_as_people_type_them() {
        let r = parse_rate("4.0%").unwrap();
        assert_eq!((r.value, r.decimals, r.percent_sign), (4.0, 1, true));
        let r = parse_rate("４．０％").unwrap();
        assert_eq!((r.value, r.decimals, r.percent_sign), (4.0, 1, true));
        let r = parse_rate("0.040").unwrap();
        assert_eq!((r.value, r.decimals, r.percent_sign), (0.04, 3, false));
        let r = parse_rate(" 4 % ").unwrap();
        assert_eq!((r.value, r.decimals, r.percent_sign), (4.0, 0, true));
        assert_eq!(parse_rate(".5").unwrap().value, 0.5);
        assert_eq!(parse_rate("-1%"), Err(NumberError::Negative));
        assert_eq!(parse_rate("4.0.1"), Err(NumberError::NotNumber));
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

    fn full_width(s: &str) -> String {
        s.chars()
            .map(|c| match c {
                '0'..='9' | ',' | '.' | '%' => char::from_u32(c as u32 + 0xFEE0).unwrap(),
                _ => c,
            })
            .collect()
    }

    proptest! {
        #[test]
        fn any_formatted_count_parses_back(
            n in 0u64..1_000_000_000_000u64,
            commas in any::<bool>(),
            wide in any::<bool>(),
            left in 0usize..3,
            right in 0usize..3,
            ideographic in any::<bool>(),
        ) {
            let mut s = if commas { group_thousands(n) } else { n.to_string() };
            if wide {
                s = full_width(&s);
            }
            let pad = if ideographic { "\u{3000}" } else { " " };
            let s = format!("{}{s}{}", pad.repeat(left), pad.repeat(right));
            prop_assert_eq!(parse_count(&s), Ok(n));
        }

        #[test]
        fn any_formatted_rate_parses_back(
            tenths in 0u32..10_000,
            percent in any::<bool>(),
            wide in any::<bool>(),
            left in 0usize..3,
        ) {
            let mut s = format!("{}.{}", tenths / 10, tenths % 10);
            if percent {
                s.push('%');
            }
            if wide {
                s = full_width(&s);
            }
            let s = format!("{}{s} ", " ".repeat(left));
            let r = parse_rate(&s).unwrap();
            prop_assert!((r.value - f64::from(tenths) / 10.0).abs() < 1e-9);
            prop_assert_eq!(r.decimals, 1);
            prop_assert_eq!(r.percent_sign, percent);
        }

        #[test]
        fn group_thousands_round_trips(n in any::<u64>()) {
            prop_assert_eq!(parse_count(&group_thousands(n)), Ok(n));
        }
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
        let csv =
            "name,offices,using_offices\n静岡し,10,1\n府中市,10,1\n東京,100,5\nしずおか県,1,0\n";
        let (adoption, problems) = run(&[("2024-01-15.csv", csv.as_bytes())]);
        let e = find(&problems, &["「静岡し」", "見つかりません"]);
        assert_eq!((e.line, e.column), (2, 1));
        assert!(e.hint.contains("静岡市"), "{e}");
        let e = find(&problems, &["「府中市」", "2つ", "132063", "342084"]);
        assert_eq!(e.line, 3);
        assert!(e.hint.contains("都道府県"));
        find(&problems, &["「しずおか県」"]);
        assert_eq!(errors(&problems).len(), 3, "{problems:#?}");
        assert_eq!(adoption.snapshots[0].prefectures["130001"], fig(100, 5));
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
        let good = "prefecture_code,offices,using_offices\n01,7416,297\n22,5055,392\n合計,\"12,471\",689\n";
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
        let pref = master().prefecture_by_number("31").unwrap().code.clone();
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

    #[test]
    fn helpers() {
        assert_eq!(edit_distance("静岡し", "静岡市"), 1);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(group_thousands(181_566), "181,566");
        assert_eq!(group_thousands(999), "999");
        assert_eq!(header_key("　利用率（％）"), ("利用率".to_string(), true));
        assert_eq!(format_float(7416.0), "7416");
        assert_eq!(format_float(0.0833333333333), "0.083333333333");
        assert_eq!(
            Figure {
                offices: 0,
                using: 0,
                illustrative: false
            }
            .rate(),
            None
        );
        assert_eq!(fig(200, 50).rate(), Some(0.25));
        assert_eq!(resolve_code("1", master()), Ok("010006".to_string()));
        assert_eq!(resolve_code("11002", master()), Ok(SAPPORO.to_string()));
        assert_eq!(
            resolve_code("22100", master()),
            Ok(SHIZUOKA_CITY.to_string())
        );
        assert!(resolve_code("48", master()).is_err());
    }
}
