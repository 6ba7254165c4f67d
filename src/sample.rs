//! Invented partner offices (サンプル・架空), for the shipped sample project
//! (`examples/gen_sample_data.rs` writes `data/offices.csv`) and for the
//! finder benchmark (`outreach bench --finder`, 20,000 offices). Every name
//! begins with （架空）, every address is in a 架空町, every phone number has
//! the exchange 000 (a local exchange never starts with 0, the trunk prefix,
//! so none can ring) and every 法人番号 begins its 会社法人等番号 with 9999-99,
//! chosen not to look like a real corporation's (the rows say 架空 anyway).

use crate::data::offices::{SERVICE_TYPES, corporate_check_digit};

/// Flower names the invented offices are named after (hiragana).
pub const FLOWERS: &[&str] = &[
    "さくら",
    "ひまわり",
    "あおば",
    "もみじ",
    "すみれ",
    "つばき",
    "かえで",
    "わかば",
    "なのはな",
    "あじさい",
    "たんぽぽ",
    "こすもす",
    "やまぶき",
    "しらゆり",
    "ききょう",
    "なでしこ",
];

/// Place words that make more names for the benchmark: (name, reading).
pub const DISTRICTS: &[(&str, &str)] = &[
    ("中央", "チュウオウ"),
    ("駅前", "エキマエ"),
    ("本町", "ホンマチ"),
    ("緑が丘", "ミドリガオカ"),
    ("旭", "アサヒ"),
    ("青葉台", "アオバダイ"),
    ("港南", "コウナン"),
    ("東山", "ヒガシヤマ"),
    ("西原", "ニシハラ"),
    ("南台", "ミナミダイ"),
    ("北野", "キタノ"),
    ("川辺", "カワベ"),
];

/// How each service type reads, in [`SERVICE_TYPES`] order.
const SERVICE_READINGS: [&str; 16] = [
    "キョタクカイゴシエン",
    "ホウモンカイゴ",
    "ホウモンカンゴ",
    "ホウモンニュウヨクカイゴ",
    "ホウモンリハビリテーション",
    "ツウショカイゴ",
    "チイキミッチャクガタツウショカイゴ",
    "ツウショリハビリテーション",
    "タンキニュウショセイカツカイゴ",
    "タンキニュウショリョウヨウカイゴ",
    "フクシヨウグタイヨ",
    "ショウキボタキノウガタキョタクカイゴ",
    "カンゴショウキボタキノウガタキョタクカイゴ",
    "テイキジュンカイ・ズイジタイオウガタホウモンカイゴカンゴ",
    "ニンチショウタイオウガタツウショカイゴ",
    "カイゴヨボウシエン",
];

/// Hiragana to katakana.
fn katakana(hiragana: &str) -> String {
    hiragana
        .chars()
        .map(|c| match c {
            'ぁ'..='ゖ' => char::from_u32(c as u32 + 0x60).unwrap_or(c),
            other => other,
        })
        .collect()
}

/// An invented office's name (with （架空） in front) and its reading, for a
/// service type, a flower and, for more variety, a place word.
pub fn office_name(
    service: &str,
    flower: &str,
    district: Option<(&str, &str)>,
) -> (String, String) {
    let (place, place_reading) = district.unwrap_or(("", ""));
    let f = format!("{place}{flower}");
    let r = format!("{place_reading}{}", katakana(flower));
    let (body, reading) = match service {
        "居宅介護支援" => (
            format!("{f}居宅介護支援事業所"),
            format!("{r}キョタクカイゴシエンジギョウショ"),
        ),
        "訪問介護" => (
            format!("{f}ヘルパーステーション"),
            format!("{r}ヘルパーステーション"),
        ),
        "訪問看護" => (
            format!("{f}訪問看護ステーション"),
            format!("{r}ホウモンカンゴステーション"),
        ),
        "通所介護" => (
            format!("デイサービスセンター{f}"),
            format!("デイサービスセンター{r}"),
        ),
        "地域密着型通所介護" => (
            format!("{f}の家デイサービス"),
            format!("{r}ノイエデイサービス"),
        ),
        "福祉用具貸与" => (
            format!("{f}福祉用具センター"),
            format!("{r}フクシヨウグセンター"),
        ),
        "短期入所生活介護" => (format!("{f}ショートステイ"), format!("{r}ショートステイ")),
        "小規模多機能型居宅介護" => (
            format!("小規模多機能ホーム{f}"),
            format!("ショウキボタキノウホーム{r}"),
        ),
        "訪問リハビリテーション" => (
            format!("{f}訪問リハビリテーション"),
            format!("{r}ホウモンリハビリテーション"),
        ),
        other => {
            let service_reading = SERVICE_TYPES
                .iter()
                .position(|s| *s == other)
                .map_or("", |i| SERVICE_READINGS[i]);
            (
                format!("{f}{other}事業所"),
                format!("{r}{service_reading}ジギョウショ"),
            )
        }
    };
    (format!("（架空）{body}"), reading)
}

/// Area codes of the cities the sample pages feature, so their invented
/// numbers look local; other places get a made-up one.
const AREA_CODES: &[(&str, &str)] = &[
    ("011002", "011"),
    ("041009", "022"),
    ("131016", "03"),
    ("172014", "076"),
    ("221007", "054"),
    ("221309", "053"),
    ("222038", "055"),
    ("222101", "0545"),
    ("472018", "098"),
];

/// An invented phone number in a municipality: its area code (or a made-up
/// one from `seed`), then an exchange of zeros, then `serial`: 10 digits that
/// reach no one.
pub fn phone(municipality_code: &str, seed: u64, serial: u64) -> String {
    let area = AREA_CODES
        .iter()
        .find(|(code, _)| *code == municipality_code)
        .map_or_else(
            || format!("0{}{}", 1 + seed % 9, (seed / 9) % 10),
            |(_, area)| area.to_string(),
        );
    let exchange = "0".repeat(6 - area.len());
    format!("{area}-{exchange}-{:04}", serial % 10_000)
}

/// An invented address in a municipality: a 架空町 (made-up town).
pub fn address(prefecture: &str, municipality: &str, seed: u64) -> String {
    format!(
        "{prefecture}{municipality}架空町{}丁目{}-{}",
        1 + seed % 5,
        1 + (seed / 5) % 30,
        1 + (seed / 150) % 20
    )
}

/// An invented 法人番号: 会社法人等番号 9999-99-serial, its check digit in front.
pub fn corporate_number(serial: u64) -> String {
    let body = format!("999999{:06}", serial % 1_000_000);
    let check = corporate_check_digit(&body).expect("12 digits") as char;
    format!("{check}{body}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::offices::{check_corporate_number, check_phone, check_reading};

    #[test]
    fn invented_values_pass_the_loader_and_say_they_are_invented() {
        for service in SERVICE_TYPES {
            let (name, reading) = office_name(service, "さくら", Some(("駅前", "エキマエ")));
            assert!(
                name.starts_with("（架空）") && name.contains("駅前さくら"),
                "{name}"
            );
            assert!(reading.contains("エキマエサクラ"), "{reading}");
            assert_eq!(check_reading(&reading).as_deref(), Ok(reading.as_str()));
        }
        for (code, seed) in [
            ("221007", 1),
            ("222101", 2),
            ("131016", 3),
            ("011002", 99),
            ("999999", 123),
        ] {
            let p = phone(code, seed, 42);
            assert_eq!(check_phone(&p).as_deref(), Ok(p.as_str()), "{p}");
            let digits: String = p.chars().filter(char::is_ascii_digit).collect();
            assert_eq!(digits.len(), 10, "{p}");
            let exchange = p.split('-').nth(1).unwrap();
            assert!(exchange.chars().all(|c| c == '0'), "{p}");
        }
        let n = corporate_number(17);
        assert_eq!(check_corporate_number(&n).as_deref(), Ok(n.as_str()));
        assert_eq!(&n[1..5], "9999");
        assert!(address("静岡県", "静岡市", 7).contains("架空町"));
    }
}
