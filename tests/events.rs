//! News and events on the build date (2026-11-29 in the fixtures): event
//! dates in the lists, 受付中 / 締切 / 終了, expiry, the `.ics` files (parsed
//! with an iCalendar parser of its own), the events CSV and Event JSON-LD.

mod common;

use std::io::BufReader;

use common::Fixture;
use outreach::build::BuildError;
use outreach::problems::{Code, Severity};

/// An event 58 days after the build date, posted 14 days before it.
const UPCOMING: &str = "---
title: 市の説明会
date: 2026-11-15
kind: イベント
description: 市内の事業所向けの説明会です。
event_date: 2027-01-26
start_time: \"13:30\"
end_time: \"16:00\"
venue: 市役所 会議室
apply_phone: 054-000-0001
apply_url: https://www.city.shizuoka.example/apply
apply_by: 2027-01-15
capacity: 40
fee: 0
---
説明会の案内です。
";

/// An event that ended nine days before the build date, with a recording.
const ENDED: &str = "---
title: 報告会
date: 2026-10-01
kind: イベント
description: 報告会でした。
event_date: 2026-11-20
online: true
recording_url: https://www.city.shizuoka.example/recording
---
報告会の案内です。
";

/// Applications closed the day before the build date; the event is next week.
const CLOSED: &str = "---
title: 操作体験会
date: 2026-11-01
kind: イベント
description: 体験会です。
event_date: 2026-12-05
event_end: 2026-12-06
online: true
venue: 県庁
apply_by: 2026-11-28
---
体験会の案内です。
";

/// News whose listing ended the day before the build date.
const EXPIRED: &str = "---
title: 統合の予定の案内
date: 2025-06-01
kind: お知らせ
description: 2026年4月からの統合が予定されていました。
expires: 2026-11-28
---
古い案内です。
";

fn with_events() -> Fixture {
    let fx = Fixture::new("basic");
    fx.write(
        "content/municipalities/221007/news/city-seminar.md",
        UPCOMING,
    );
    fx.write("content/news/report.md", ENDED);
    fx.write("content/news/hands-on.md", CLOSED);
    fx.write("content/news/plan.md", EXPIRED);
    fx
}

/// The part of `html` between `start` and the next `end` after it.
fn between<'a>(html: &'a str, start: &str, end: &str) -> &'a str {
    let from = html
        .find(start)
        .unwrap_or_else(|| panic!("{start:?} not in {html}"));
    let rest = &html[from..];
    &rest[..rest.find(end).unwrap_or(rest.len())]
}

#[test]
fn event_lists_show_the_event_date_and_move_ended_events_to_the_past_list() {
    let fx = with_events();
    fx.build_ok();
    let list = fx.read("m/221007/news/index.html");
    let upcoming = between(&list, "id=\"upcoming-heading\"", "</section>");
    // The event's own date and time, not the day it was posted.
    assert!(
        upcoming.contains(
            "<time datetime=\"2027-01-26T13:30+09:00\">2027年1月26日（火）13:30〜16:00</time>"
        ),
        "{upcoming}"
    );
    assert!(!upcoming.contains("2026年11月15日"), "{upcoming}");
    assert!(upcoming.contains("受付中"), "{upcoming}");
    assert!(
        !upcoming.contains("報告会"),
        "ended events are not upcoming"
    );
    // Soonest first: 12月5日 before 1月26日.
    assert!(upcoming.find("操作体験会").unwrap() < upcoming.find("市の説明会").unwrap());
    let past = between(&list, "id=\"past-heading\"", "</section>");
    assert!(past.contains("報告会"), "{list}");
    assert!(past.contains("2026年11月20日（金）"), "{past}");
    assert!(past.contains(">終了</span>"), "{past}");
    assert!(past.contains("録画あり"), "{past}");

    // The home page shows the next events by their date and status.
    let home = fx.read("m/221007/index.html");
    let block = between(&home, "id=\"news-heading\"", "</section>");
    assert!(block.contains("2027年1月26日（火）13:30〜16:00"), "{block}");
    assert!(block.contains("市の説明会"), "{block}");
    assert!(!block.contains("報告会"), "{block}");

    // The ended event's page says so and links its recording.
    let page = fx.read("news/report.html");
    assert!(page.contains("status-closed\">終了</span>"), "{page}");
    assert!(page.contains("href=\"https://www.city.shizuoka.example/recording\""));
    // The upcoming one shows time, place, how to apply and by when, capacity.
    let page = fx.read("m/221007/news/city-seminar.html");
    let facts = between(&page, "<dl class=\"facts\">", "</dl>");
    for expected in [
        "2027年1月26日（火）13:30〜16:00",
        "市役所 会議室",
        "href=\"https://www.city.shizuoka.example/apply\"",
        "href=\"tel:0540000001\"",
        "締切 2027年1月15日（金）",
        "40人",
        "無料",
        "静岡市 介護保険課（テスト）",
    ] {
        assert!(facts.contains(expected), "{expected}: {facts}");
    }
    assert!(
        page.contains("href=\"../news/city-seminar-221007.ics\""),
        "{page}"
    );
}

#[test]
fn an_event_is_closed_after_its_apply_by_date() {
    let fx = with_events();
    fx.build_ok();
    let list = fx.read("news/index.html");
    let upcoming = between(&list, "id=\"upcoming-heading\"", "</section>");
    let card = between(upcoming, "2026-12-05", "</li>");
    assert!(card.contains(">締切</span>"), "{card}");
    assert!(
        card.contains("2026年12月5日（土）〜12月6日（日）"),
        "{card}"
    );
    let page = fx.read("news/hands-on.html");
    assert!(
        page.contains("受付は終わりました（締切 2026年11月28日（土））"),
        "{page}"
    );
    assert!(page.contains("県庁とオンライン"), "{page}");

    // On its apply_by day it still takes applications.
    let mut options = fx.options(&fx.out());
    options.build_date = "2026-11-28".parse().unwrap();
    outreach::build::build(&options).unwrap();
    let card = between(&fx.read("news/index.html"), "2026-12-05", "</li>").to_string();
    assert!(card.contains(">受付中</span>"), "{card}");
}

#[test]
fn expired_news_leaves_the_lists_and_its_page_says_so() {
    let fx = with_events();
    fx.build_ok();
    for list in [
        fx.read("news/index.html"),
        fx.read("index.html"),
        fx.read("m/221007/news/index.html"),
        fx.read("m/221007/news/feed.xml"),
    ] {
        assert!(!list.contains("統合の予定の案内"), "{list}");
    }
    let page = fx.read("news/plan.html");
    assert!(page.contains("掲載終了"), "{page}");
    assert!(page.contains("2026年11月28日で掲載を終えました"), "{page}");
    // The day before, it is still listed and not marked.
    let mut options = fx.options(&fx.out());
    options.build_date = "2026-11-28".parse().unwrap();
    outreach::build::build(&options).unwrap();
    assert!(fx.read("news/index.html").contains("統合の予定の案内"));
    assert!(!fx.read("news/plan.html").contains("掲載終了"));
}

fn parse_ics(bytes: &[u8]) -> ical::parser::ical::component::IcalCalendar {
    let mut calendars = ical::IcalParser::new(BufReader::new(bytes));
    let calendar = calendars
        .next()
        .expect("one calendar")
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(bytes)));
    assert!(calendars.next().is_none());
    calendar
}

fn prop<'a>(props: &'a [ical::property::Property], name: &str) -> &'a ical::property::Property {
    props
        .iter()
        .find(|p| p.name == name)
        .unwrap_or_else(|| panic!("no {name} in {props:?}"))
}

fn param<'a>(p: &'a ical::property::Property, name: &str) -> Option<&'a str> {
    p.params
        .as_ref()?
        .iter()
        .find(|(k, _)| k == name)
        .and_then(|(_, v)| v.first())
        .map(String::as_str)
}

/// RFC 5545 3.1: CRLF line ends, no line longer than 75 octets.
fn assert_content_lines(bytes: &[u8]) {
    let text = std::str::from_utf8(bytes).unwrap();
    assert!(text.ends_with("END:VCALENDAR\r\n"));
    for line in text.split("\r\n") {
        assert!(!line.contains('\n'), "bare LF in {line:?}");
        assert!(line.len() <= 75, "{} octets: {line:?}", line.len());
    }
}

#[test]
fn ics_files_parse_with_tokyo_times_and_stable_uids() {
    let fx = with_events();
    fx.write(
        "content/news/long.md",
        &UPCOMING
            .replace("市の説明会", &"とても長い名前の説明会".repeat(12))
            .replace("2027-01-26", "2027-03-03"),
    );
    fx.build_ok();
    let bytes = std::fs::read(fx.out().join("m/221007/news/city-seminar-221007.ics")).unwrap();
    assert_content_lines(&bytes);
    let calendar = parse_ics(&bytes);
    assert_eq!(
        prop(&calendar.properties, "VERSION").value.as_deref(),
        Some("2.0")
    );
    let zone = &calendar.timezones[0];
    assert_eq!(
        prop(&zone.properties, "TZID").value.as_deref(),
        Some("Asia/Tokyo")
    );
    assert_eq!(calendar.events.len(), 1);
    let event = &calendar.events[0].properties;
    let start = prop(event, "DTSTART");
    assert_eq!(param(start, "TZID"), Some("Asia/Tokyo"));
    assert_eq!(start.value.as_deref(), Some("20270126T133000"));
    let end = prop(event, "DTEND");
    assert_eq!(param(end, "TZID"), Some("Asia/Tokyo"));
    assert_eq!(end.value.as_deref(), Some("20270126T160000"));
    // DTSTAMP is the build date, so a rebuild gives the same bytes.
    assert_eq!(
        prop(event, "DTSTAMP").value.as_deref(),
        Some("20261129T000000Z")
    );
    assert_eq!(prop(event, "SUMMARY").value.as_deref(), Some("市の説明会"));
    assert_eq!(
        prop(event, "LOCATION").value.as_deref(),
        Some("市役所 会議室")
    );
    let uid = prop(event, "UID").value.clone().unwrap();

    // The site calendar has every event that has not ended, with the same UIDs.
    let site = std::fs::read(fx.out().join("m/221007/data/events-221007.ics")).unwrap();
    assert_content_lines(&site);
    let calendar = parse_ics(&site);
    let summaries: Vec<String> = calendar
        .events
        .iter()
        .map(|e| prop(&e.properties, "SUMMARY").value.clone().unwrap())
        .collect();
    assert_eq!(summaries.len(), 3, "{summaries:?}");
    assert!(summaries.iter().any(|s| s.starts_with("とても長い名前")));
    assert!(
        !summaries.iter().any(|s| s == "報告会"),
        "ended events are left out"
    );
    let same = calendar
        .events
        .iter()
        .find(|e| prop(&e.properties, "SUMMARY").value.as_deref() == Some("市の説明会"))
        .unwrap();
    assert_eq!(prop(&same.properties, "UID").value.as_ref(), Some(&uid));
    // An all-day event of two days ends (exclusively) on the day after.
    let hands_on = calendar
        .events
        .iter()
        .find(|e| prop(&e.properties, "SUMMARY").value.as_deref() == Some("操作体験会"))
        .unwrap();
    let start = prop(&hands_on.properties, "DTSTART");
    assert_eq!(param(start, "VALUE"), Some("DATE"));
    assert_eq!(start.value.as_deref(), Some("20261205"));
    assert_eq!(
        prop(&hands_on.properties, "DTEND").value.as_deref(),
        Some("20261207")
    );
    // Another site's copy of a shared event has its own UID.
    let national = parse_ics(&std::fs::read(fx.out().join("news/hands-on-national.ics")).unwrap());
    let own = prop(&hands_on.properties, "UID").value.clone().unwrap();
    let other = prop(&national.events[0].properties, "UID")
        .value
        .clone()
        .unwrap();
    assert_ne!(own, other);
    assert!(own.contains("221007") && other.contains("national"));

    // A rebuild gives the same bytes.
    let before = std::fs::read(fx.out().join("m/221007/data/events-221007.ics")).unwrap();
    std::fs::remove_dir_all(fx.out()).unwrap();
    fx.build_ok();
    assert_eq!(
        before,
        std::fs::read(fx.out().join("m/221007/data/events-221007.ics")).unwrap()
    );
    // The downloads page offers both files.
    let downloads = fx.read("m/221007/downloads.html");
    assert!(
        downloads.contains("href=\"data/events-221007.ics\""),
        "{downloads}"
    );
    assert!(
        downloads.contains("href=\"data/events-221007.csv\""),
        "{downloads}"
    );
}

#[test]
fn the_events_csv_has_the_standards_columns_and_defused_cells() {
    let fx = with_events();
    fx.write(
        "content/news/formula.md",
        &ENDED
            .replace("title: 報告会", "title: \"=HYPERLINK(\\\"x\\\")\"")
            .replace("event_date: 2026-11-20", "event_date: 2026-11-21"),
    );
    fx.build_ok();
    let bytes = std::fs::read(fx.out().join("m/221007/data/events-221007.csv")).unwrap();
    assert!(
        bytes.starts_with(b"\xEF\xBB\xBF"),
        "UTF-8 with BOM for Excel"
    );
    let text = std::str::from_utf8(&bytes[3..]).unwrap();
    assert_eq!(
        text.matches('\n').count(),
        text.matches("\r\n").count(),
        "CRLF line ends"
    );
    let mut reader = csv::ReaderBuilder::new().from_reader(text.as_bytes());
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    let standard = [
        "全国地方公共団体コード",
        "ID",
        "地方公共団体名",
        "イベント名",
        "イベント名_カナ",
        "イベント名_英字",
        "開始日",
        "終了日",
        "開始時間",
        "終了時間",
        "開始日時特記事項",
        "説明",
        "料金(基本)",
        "料金(詳細)",
        "連絡先名称",
        "連絡先電話番号",
        "連絡先内線番号",
        "主催者",
        "場所名称",
        "住所",
        "方書",
        "緯度",
        "経度",
        "アクセス方法",
        "駐車場情報",
        "定員",
        "参加申込終了日",
        "参加申込終了時間",
        "参加申込方法",
        "URL",
        "備考",
    ];
    assert_eq!(&header[..standard.len()], standard);
    assert_eq!(header[standard.len()..], ["架空データ"]);
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.unwrap()).collect();
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let row = |id: &str| rows.iter().find(|r| &r[col("ID")] == id).unwrap();
    let seminar = row("city-seminar");
    assert_eq!(&seminar[col("全国地方公共団体コード")], "221007");
    assert_eq!(&seminar[col("地方公共団体名")], "静岡県静岡市");
    assert_eq!(&seminar[col("開始日")], "2027-01-26");
    assert_eq!(&seminar[col("開始時間")], "13:30");
    assert_eq!(&seminar[col("終了時間")], "16:00");
    assert_eq!(&seminar[col("定員")], "40");
    assert_eq!(&seminar[col("料金(基本)")], "0");
    assert_eq!(&seminar[col("参加申込終了日")], "2027-01-15");
    assert_eq!(&seminar[col("連絡先電話番号")], "054-000-0001");
    assert_eq!(
        &seminar[col("URL")],
        "https://www.city.shizuoka.example/careplan/news/city-seminar.html"
    );
    assert_eq!(&seminar[col("架空データ")], "false");
    // Ended events stay in the data set; expired items and news do not.
    assert!(rows.iter().any(|r| &r[col("ID")] == "report"));
    assert!(
        !rows
            .iter()
            .any(|r| &r[col("ID")] == "plan" || &r[col("ID")] == "campaign")
    );
    // A cell a spreadsheet would run as a formula is written as text.
    assert_eq!(&row("formula")[col("イベント名")], "'=HYPERLINK(\"x\")");
    // Soonest first.
    let ids: Vec<&str> = rows.iter().map(|r| &r[col("ID")]).collect();
    assert_eq!(ids, ["report", "formula", "hands-on", "city-seminar"]);
}

#[test]
fn each_event_page_carries_event_json_ld() {
    let fx = with_events();
    fx.write(
        "content/news/hostile.md",
        &UPCOMING.replace(
            "title: 市の説明会",
            "title: \"</script><script>alert(1)</script>\"",
        ),
    );
    fx.build_ok();
    let json_of = |rel: &str| -> serde_json::Value {
        let html = fx.read(rel);
        let start = html
            .find(r#"<script type="application/ld+json">"#)
            .unwrap_or_else(|| panic!("no JSON-LD in {rel}"));
        let json = &html[start + 35..];
        serde_json::from_str(&json[..json.find("</script>").unwrap()]).unwrap()
    };
    let value = json_of("m/221007/news/city-seminar.html");
    assert_eq!(value["@context"], "https://schema.org");
    assert_eq!(value["@type"], "Event");
    assert_eq!(value["name"], "市の説明会");
    assert_eq!(value["startDate"], "2027-01-26T13:30:00+09:00");
    assert_eq!(value["endDate"], "2027-01-26T16:00:00+09:00");
    assert_eq!(value["eventStatus"], "https://schema.org/EventScheduled");
    assert_eq!(
        value["eventAttendanceMode"],
        "https://schema.org/OfflineEventAttendanceMode"
    );
    assert_eq!(value["location"]["@type"], "Place");
    assert_eq!(value["location"]["name"], "市役所 会議室");
    assert_eq!(value["organizer"]["name"], "静岡市 介護保険課（テスト）");
    assert_eq!(
        value["offers"]["url"],
        "https://www.city.shizuoka.example/apply"
    );
    assert_eq!(value["offers"]["price"], 0);
    assert_eq!(value["offers"]["priceCurrency"], "JPY");
    assert_eq!(value["offers"]["validThrough"], "2027-01-15T23:59:59+09:00");
    assert_eq!(value["maximumAttendeeCapacity"], 40);
    assert_eq!(
        value["url"],
        "https://www.city.shizuoka.example/careplan/news/city-seminar.html"
    );
    let online = json_of("news/report.html");
    assert_eq!(
        online["eventAttendanceMode"],
        "https://schema.org/OnlineEventAttendanceMode"
    );
    assert_eq!(online["location"]["@type"], "VirtualLocation");
    assert_eq!(
        online["recordedIn"]["url"],
        "https://www.city.shizuoka.example/recording"
    );
    let mixed = json_of("news/hands-on.html");
    assert_eq!(
        mixed["eventAttendanceMode"],
        "https://schema.org/MixedEventAttendanceMode"
    );
    assert_eq!(mixed["location"].as_array().unwrap().len(), 2);
    // A title cannot end the script element; the JSON still reads the same.
    let html = fx.read("news/hostile.html");
    assert!(!html.contains("<script>alert"), "{html}");
    assert_eq!(
        json_of("news/hostile.html")["name"],
        "</script><script>alert(1)</script>"
    );
    // News is not an event.
    assert!(
        !fx.read("news/campaign.html")
            .contains("application/ld+json")
    );
}

#[test]
fn event_front_matter_mistakes_are_all_reported_with_their_lines() {
    let fx = Fixture::new("basic");
    let event = |body: &str| {
        format!(
            "---\ntitle: t\ndate: 2026-11-01\nkind: イベント\ndescription: d\n{body}---\n本文\n"
        )
    };
    // Line 6 is the first key after the common ones.
    fx.write("content/news/no-date.md", &event("venue: 会場\n"));
    fx.write(
        "content/news/bad-date.md",
        &event("event_date: 2027-02-30\nvenue: 会場\n"),
    );
    fx.write(
        "content/news/backwards.md",
        &event("event_date: 2027-02-10\nevent_end: 2027-02-09\nvenue: 会場\n"),
    );
    fx.write(
        "content/news/bad-time.md",
        &event("event_date: 2027-02-10\nstart_time: \"9:30\"\nvenue: 会場\n"),
    );
    fx.write(
        "content/news/early-end.md",
        &event("event_date: 2027-02-10\nstart_time: \"14:00\"\nend_time: \"13:00\"\nvenue: 会場\n"),
    );
    fx.write(
        "content/news/bad-url.md",
        &event("event_date: 2027-02-10\nonline: true\napply_url: ftp://example.jp/a\n"),
    );
    fx.write(
        "content/news/late-apply.md",
        &event("event_date: 2027-02-10\nvenue: 会場\napply_by: 2027-02-11\n"),
    );
    fx.write(
        "content/news/nowhere.md",
        &event("event_date: 2027-02-10\n"),
    );
    fx.write(
        "content/news/news-with-event-key.md",
        "---\ntitle: t\ndate: 2026-11-01\nkind: お知らせ\ndescription: d\nevent_date: 2027-01-01\n---\n本文\n",
    );
    fx.write(
        "content/news/expires-early.md",
        "---\ntitle: t\ndate: 2026-11-01\nkind: お知らせ\ndescription: d\nexpires: 2026-10-01\n---\n本文\n",
    );
    let Err(BuildError::Problems(problems)) = fx.build() else {
        panic!("the build should fail");
    };
    let errors: Vec<_> = problems
        .sorted()
        .into_iter()
        .filter(|p| p.severity == Severity::Error)
        .collect();
    let find = |name: &str| {
        errors
            .iter()
            .find(|p| {
                p.location
                    .path()
                    .is_some_and(|f| f.ends_with(format!("news/{name}.md")))
            })
            .unwrap_or_else(|| panic!("{name}: {errors:#?}"))
    };
    // The kind of problem, its line, and the value or key the message names.
    let cases = [
        ("no-date", Code::EventIncomplete, 4, "event_date"),
        ("bad-date", Code::FrontMatterBadValue, 6, "2027-02-30"),
        ("backwards", Code::NewsDateOrder, 7, "event_end"),
        ("bad-time", Code::FrontMatterBadValue, 7, "9:30"),
        ("early-end", Code::NewsDateOrder, 8, "13:00"),
        (
            "bad-url",
            Code::FrontMatterBadValue,
            8,
            "ftp://example.jp/a",
        ),
        ("late-apply", Code::NewsDateOrder, 8, "apply_by"),
        ("nowhere", Code::EventIncomplete, 6, "venue"),
        ("news-with-event-key", Code::NewsEventKey, 6, "event_date"),
        ("expires-early", Code::NewsDateOrder, 6, "expires"),
    ];
    for (name, code, line, words) in cases {
        let p = find(name);
        assert_eq!(p.code, code, "{name}: {p}");
        assert_eq!(p.location.line_number(), Some(line), "{name}: {p}");
        assert!(p.location.column_number().is_some(), "{name}: {p}");
        assert!(p.message.contains(words), "{name}: {p}");
        assert!(!p.hint.is_empty(), "{name}: {p}");
    }
    assert_eq!(
        errors.len(),
        cases.len(),
        "one run finds them all: {errors:#?}"
    );
}

#[test]
fn check_warns_about_news_listed_for_over_a_year_without_expires() {
    let fx = Fixture::new("basic");
    fx.write(
        "content/news/old.md",
        "---\ntitle: 古いお知らせ\ndate: 2025-11-28\nkind: お知らせ\ndescription: d\n---\n本文\n",
    );
    fx.write(
        "content/news/recent.md",
        "---\ntitle: 新しいお知らせ\ndate: 2025-11-29\nkind: お知らせ\ndescription: d\n---\n本文\n",
    );
    fx.write(
        "content/news/kept.md",
        "---\ntitle: 見直したお知らせ\ndate: 2024-01-10\nkind: お知らせ\ndescription: d\nexpires: 2027-03-31\n---\n本文\n",
    );
    // An event posted long ago counts from its own (last) day.
    fx.write(
        "content/news/old-event.md",
        "---\ntitle: 催し\ndate: 2024-01-10\nkind: イベント\ndescription: d\nevent_date: 2026-01-10\nvenue: 会場\n---\n本文\n",
    );
    let report = fx.build_ok();
    let warnings: Vec<_> = report
        .problems
        .sorted()
        .into_iter()
        .filter(|p| p.code == Code::NewsStale)
        .collect();
    assert_eq!(warnings.len(), 1, "{warnings:#?}");
    assert_eq!(warnings[0].severity, Severity::Warning);
    let at = &warnings[0].location;
    assert!(at.path().unwrap().ends_with("news/old.md"));
    assert_eq!((at.line_number(), at.column_number()), (Some(3), Some(7)));
    assert!(warnings[0].message.contains("2025年11月28日"));
    assert!(warnings[0].hint.contains("expires"));
}
