//! News and events as a reader meets them on the build date: the lists (events
//! by their own date, ended events apart, expired items left out), each event's
//! status (受付中 / 開催予定 / 締切 / 終了), and the files made from events:
//! schema.org `Event` JSON-LD, iCalendar (`.ics`, RFC 5545) and the events CSV
//! in the columns of the 自治体標準オープンデータセット「イベント一覧」.
//!
//! Everything here is computed from the checked front matter
//! ([`crate::content::news`]) and the build date, never from the clock, so the
//! same input gives the same bytes.

use std::fmt::Write as _;

use icalendar::{Calendar, Component, Event, EventLike, EventStatus as IcalStatus};
use jiff::civil::{Date, Weekday};
use serde::Serialize;

use super::json_for_script;
use super::open_data::CsvCell;
use crate::content::{EventInfo, NewsItem};
use crate::dates::{format_western, parse_iso};
use crate::format::thousands;
use crate::model::{Model, Site, SiteKind};

/// Where an event stands on the build date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Status {
    /// `open`, `scheduled`, `closed`, `ended`.
    pub key: &'static str,
    /// 受付中, 開催予定, 締切, 終了.
    pub label: &'static str,
    /// The class of the theme's status badge.
    pub css: &'static str,
}

pub const OPEN: Status = Status {
    key: "open",
    label: "受付中",
    css: "status-open",
};
pub const SCHEDULED: Status = Status {
    key: "scheduled",
    label: "開催予定",
    css: "status-upcoming",
};
pub const CLOSED: Status = Status {
    key: "closed",
    label: "締切",
    css: "status-closed",
};
pub const ENDED: Status = Status {
    key: "ended",
    label: "終了",
    css: "status-closed",
};

/// An event's status on `today`: 終了 after its last day, 締切 after its
/// `apply_by`, 受付中 while it takes applications, 開催予定 when it names no
/// way to apply.
pub fn status(event: &EventInfo, today: Date) -> Status {
    let end = parse_iso(&event.end).expect("checked when loaded");
    if today > end {
        return ENDED;
    }
    if let Some(by) = event.apply_by.as_deref().and_then(parse_iso)
        && today > by
    {
        return CLOSED;
    }
    if event.apply_url.is_some() || event.apply_phone.is_some() || event.apply_by.is_some() {
        OPEN
    } else {
        SCHEDULED
    }
}

/// An item leaves the lists after its `expires` day.
pub fn expired(item: &NewsItem, today: Date) -> bool {
    item.expires
        .as_deref()
        .and_then(parse_iso)
        .is_some_and(|e| today > e)
}

/// When an event takes place, for people and for `<time datetime>`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct When {
    /// `2027-01-26T13:30+09:00` or `2027-01-26`.
    pub datetime: String,
    /// `2027年1月26日（火）13:30〜16:00`.
    pub display: String,
}

fn weekday(d: Date) -> &'static str {
    match d.weekday() {
        Weekday::Monday => "月",
        Weekday::Tuesday => "火",
        Weekday::Wednesday => "水",
        Weekday::Thursday => "木",
        Weekday::Friday => "金",
        Weekday::Saturday => "土",
        Weekday::Sunday => "日",
    }
}

/// `2027年1月26日（火）`; `1月27日（水）` when `year_known`.
fn day(d: Date, year_known: bool) -> String {
    if year_known {
        format!("{}月{}日（{}）", d.month(), d.day(), weekday(d))
    } else {
        format!("{}（{}）", format_western(d), weekday(d))
    }
}

pub fn when(event: &EventInfo) -> When {
    let start = parse_iso(&event.start).expect("checked when loaded");
    let end = parse_iso(&event.end).expect("checked when loaded");
    let datetime = match &event.start_time {
        Some(t) => format!("{start}T{t}+09:00"),
        None => start.to_string(),
    };
    let first = day(start, false);
    let display = if start == end {
        match (&event.start_time, &event.end_time) {
            (Some(s), Some(e)) => format!("{first}{s}〜{e}"),
            (Some(s), None) => format!("{first}{s}〜"),
            _ => first,
        }
    } else {
        let last = day(end, start.year() == end.year());
        match (&event.start_time, &event.end_time) {
            (Some(s), Some(e)) => format!("{first}{s}〜{last}{e}"),
            (Some(s), None) => format!("{first}{s}〜{last}"),
            _ => format!("{first}〜{last}"),
        }
    };
    When { datetime, display }
}

/// One line of a list: what a list shows of an item (no body).
#[derive(Debug, Clone, Serialize)]
pub struct ListEntry {
    pub slug: String,
    pub title: String,
    pub url: String,
    pub kind: String,
    pub description: String,
    pub illustrative: bool,
    /// Posting date (news lists show it).
    pub date: String,
    pub date_display: String,
    /// An event's date and time (event lists show it, not the posting date).
    pub when: Option<When>,
    pub status: Option<Status>,
    pub has_recording: bool,
}

/// An event as its page shows it.
#[derive(Debug, Clone, Serialize)]
pub struct EventPage {
    pub when: When,
    pub status: Status,
    pub online: bool,
    pub venue: Option<String>,
    /// 会場, オンライン or both, in words.
    pub place: String,
    pub organizer: String,
    pub apply_url: Option<String>,
    pub apply_phone: Option<String>,
    pub apply_tel: Option<String>,
    pub apply_by_display: Option<String>,
    pub capacity_display: Option<String>,
    pub fee_display: Option<String>,
    pub recording_url: Option<String>,
    /// The event's own `.ics`, site-relative.
    pub ics: String,
}

/// Everything a news page shows of its item.
#[derive(Debug, Clone, Serialize)]
pub struct ItemPage {
    pub event: Option<EventPage>,
    /// Past its `expires` day: the page stays, marked 掲載終了.
    pub expired: bool,
    pub expires_display: Option<String>,
}

/// The home page's news block.
#[derive(Debug, Clone, Default, Serialize)]
pub struct HomeNews {
    /// The next events (at most three), soonest first.
    pub events: Vec<ListEntry>,
    /// The latest news (at most three), newest first.
    pub news: Vec<ListEntry>,
}

/// A site's news and events on the build date.
#[derive(Debug, Clone, Default)]
pub struct NewsBoard {
    /// Every item (listed or not: each keeps its page), newest posting first.
    pub items: Vec<NewsItem>,
    /// Per item (same order): its page's facts.
    pub pages: Vec<ItemPage>,
    /// Events that have not ended, soonest first.
    pub upcoming: Vec<ListEntry>,
    /// News that has not expired, newest first.
    pub news: Vec<ListEntry>,
    /// Events that have ended (and not expired), latest first.
    pub past: Vec<ListEntry>,
}

/// The list page's context.
#[derive(Debug, Clone, Serialize)]
pub struct Lists<'a> {
    pub upcoming: &'a [ListEntry],
    pub news: &'a [ListEntry],
    pub past: &'a [ListEntry],
}

impl NewsBoard {
    /// Sort and place a site's items as of `today`.
    pub fn new(model: &Model, site: &Site, mut items: Vec<NewsItem>, today: Date) -> NewsBoard {
        items.sort_by(|a, b| (&b.date, &a.slug).cmp(&(&a.date, &b.slug)));
        let tag = super::file_tag(site);
        let pages = items
            .iter()
            .map(|item| ItemPage {
                event: item
                    .event
                    .as_ref()
                    .map(|e| event_page(model, item, e, today, tag)),
                expired: expired(item, today),
                expires_display: item
                    .expires
                    .as_deref()
                    .and_then(parse_iso)
                    .map(format_western),
            })
            .collect();
        let mut board = NewsBoard {
            items,
            pages,
            ..NewsBoard::default()
        };
        let mut upcoming = Vec::new();
        let mut past = Vec::new();
        for item in board.items.iter().filter(|i| !expired(i, today)) {
            let entry = list_entry(item, today);
            match &item.event {
                Some(e) if entry.status == Some(ENDED) => past.push((e, entry)),
                Some(e) => upcoming.push((e, entry)),
                None => board.news.push(entry),
            }
        }
        upcoming.sort_by(|(a, x), (b, y)| {
            (&a.start, &a.start_time, &x.slug).cmp(&(&b.start, &b.start_time, &y.slug))
        });
        past.sort_by(|(a, x), (b, y)| {
            (&b.start, &b.start_time, &x.slug).cmp(&(&a.start, &a.start_time, &y.slug))
        });
        board.upcoming = upcoming.into_iter().map(|(_, e)| e).collect();
        board.past = past.into_iter().map(|(_, e)| e).collect();
        board
    }

    /// No item at all (the site then has no news pages).
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    pub fn lists(&self) -> Lists<'_> {
        Lists {
            upcoming: &self.upcoming,
            news: &self.news,
            past: &self.past,
        }
    }

    pub fn home(&self) -> HomeNews {
        HomeNews {
            events: self.upcoming.iter().take(3).cloned().collect(),
            news: self.news.iter().take(3).cloned().collect(),
        }
    }

    /// What the news feed carries: every listed item, newest posting first.
    pub fn listed(&self, today: Date) -> Vec<&NewsItem> {
        self.items.iter().filter(|i| !expired(i, today)).collect()
    }

    /// Listed events, soonest first (upcoming, then ended ones).
    fn listed_events(&self) -> impl Iterator<Item = &NewsItem> {
        let by_slug = |slug: &str| self.items.iter().find(|i| i.slug == slug);
        let mut all: Vec<&NewsItem> = self
            .upcoming
            .iter()
            .chain(self.past.iter())
            .filter_map(|e| by_slug(&e.slug))
            .collect();
        all.sort_by(|a, b| {
            let (x, y) = (a.event.as_ref(), b.event.as_ref());
            (x.map(|e| (&e.start, &e.start_time)), &a.slug)
                .cmp(&(y.map(|e| (&e.start, &e.start_time)), &b.slug))
        });
        all.into_iter()
    }
}

fn list_entry(item: &NewsItem, today: Date) -> ListEntry {
    ListEntry {
        slug: item.slug.clone(),
        title: item.title.clone(),
        url: item.url.clone(),
        kind: item.kind.clone(),
        description: item.description.clone(),
        illustrative: item.illustrative,
        date: item.date.clone(),
        date_display: item.date_display.clone(),
        when: item.event.as_deref().map(when),
        status: item.event.as_ref().map(|e| status(e, today)),
        has_recording: item
            .event
            .as_ref()
            .is_some_and(|e| e.recording_url.is_some()),
    }
}

/// Who organizes an event: its `organizer`, else the body whose folder the
/// file is in (its department when `data/sites.yaml` names one), else, for a
/// shared file, the publisher in `config.yaml`.
pub fn organizer(model: &Model, item: &NewsItem, event: &EventInfo) -> String {
    if let Some(o) = &event.organizer {
        return o.clone();
    }
    match item.origin.and_then(|code| model.site(&code)) {
        Some(site) => site
            .settings
            .department
            .clone()
            .unwrap_or_else(|| site.full_name.clone()),
        None => model.config.publisher.clone(),
    }
}

/// The event's own `.ics` file, site-relative.
pub fn ics_path(item: &NewsItem, tag: &str) -> String {
    format!("news/{}-{tag}.ics", item.slug)
}

fn event_page(
    model: &Model,
    item: &NewsItem,
    event: &EventInfo,
    today: Date,
    tag: &str,
) -> EventPage {
    let venue = item.venue.clone().filter(|v| !v.trim().is_empty());
    let place = match (&venue, event.online) {
        (Some(v), true) => format!("{v}とオンライン（どちらかを選んで参加）"),
        (Some(v), false) => v.clone(),
        (None, _) => "オンライン".to_string(),
    };
    EventPage {
        when: when(event),
        status: status(event, today),
        online: event.online,
        venue,
        place,
        organizer: organizer(model, item, event),
        apply_url: event.apply_url.clone(),
        apply_phone: event.apply_phone.clone(),
        apply_tel: event.apply_phone.as_deref().and_then(super::view::tel_href),
        apply_by_display: event
            .apply_by
            .as_deref()
            .and_then(parse_iso)
            .map(|d| day(d, false)),
        capacity_display: event
            .capacity
            .map(|n| format!("{}人", thousands(u64::from(n)))),
        fee_display: event.fee.map(|y| {
            if y == 0 {
                "無料".to_string()
            } else {
                format!("{}円", thousands(y))
            }
        }),
        recording_url: event.recording_url.clone(),
        ics: ics_path(item, tag),
    }
}

/// A fictional item's name always says so, also outside the page (calendars,
/// search results, spreadsheets).
fn marked_title(item: &NewsItem) -> String {
    if item.illustrative && !item.title.contains("架空") {
        format!("（サンプル・架空）{}", item.title)
    } else {
        item.title.clone()
    }
}

fn page_url(site: &Site, item: &NewsItem) -> Option<String> {
    site.url.as_ref().map(|base| format!("{base}{}", item.url))
}

/// `2027-01-26T13:30:00+09:00`, or the date alone for an all-day value.
fn schema_time(date: &str, time: Option<&str>) -> String {
    match time {
        Some(t) => format!("{date}T{t}:00+09:00"),
        None => date.to_string(),
    }
}

/// schema.org `Event` for one event page, ready for a script element (escaped
/// like the FAQ's JSON-LD).
pub fn json_ld(site: &Site, item: &NewsItem, page: &EventPage) -> Option<String> {
    let event = item.event.as_ref()?;
    let url = page_url(site, item);
    let mut value = serde_json::json!({
        "@context": "https://schema.org",
        "@type": "Event",
        "name": marked_title(item),
        "description": item.description,
        "inLanguage": "ja",
        "startDate": schema_time(&event.start, event.start_time.as_deref()),
        "eventStatus": "https://schema.org/EventScheduled",
        "eventAttendanceMode": match (&page.venue, event.online) {
            (Some(_), true) => "https://schema.org/MixedEventAttendanceMode",
            (None, _) => "https://schema.org/OnlineEventAttendanceMode",
            (Some(_), false) => "https://schema.org/OfflineEventAttendanceMode",
        },
        "organizer": { "@type": "Organization", "name": page.organizer },
    });
    let object = value.as_object_mut().expect("an object");
    let end_time = event.end_time.as_deref();
    if event.end != event.start || end_time.is_some() {
        object.insert(
            "endDate".into(),
            schema_time(&event.end, end_time.or(event.start_time.as_deref())).into(),
        );
    }
    let mut locations = Vec::new();
    if let Some(v) = &page.venue {
        locations.push(serde_json::json!({ "@type": "Place", "name": v }));
    }
    if event.online {
        let mut virtual_location = serde_json::json!({ "@type": "VirtualLocation" });
        if let Some(u) = event.apply_url.as_ref().or(url.as_ref()) {
            virtual_location["url"] = u.clone().into();
        }
        locations.push(virtual_location);
    }
    object.insert(
        "location".into(),
        if locations.len() == 1 {
            locations.remove(0)
        } else {
            locations.into()
        },
    );
    if event.apply_url.is_some() || event.fee.is_some() || event.apply_by.is_some() {
        let mut offer = serde_json::json!({ "@type": "Offer" });
        if let Some(u) = event.apply_url.as_ref().or(url.as_ref()) {
            offer["url"] = u.clone().into();
        }
        if let Some(fee) = event.fee {
            offer["price"] = fee.into();
            offer["priceCurrency"] = "JPY".into();
        }
        if let Some(by) = &event.apply_by {
            offer["validThrough"] = format!("{by}T23:59:59+09:00").into();
        }
        offer["availability"] = if page.status == OPEN {
            "https://schema.org/InStock"
        } else {
            "https://schema.org/SoldOut"
        }
        .into();
        object.insert("offers".into(), offer);
    }
    if event.fee == Some(0) {
        object.insert("isAccessibleForFree".into(), true.into());
    }
    if let Some(n) = event.capacity {
        object.insert("maximumAttendeeCapacity".into(), n.into());
    }
    if let Some(r) = &event.recording_url {
        object.insert(
            "recordedIn".into(),
            serde_json::json!({ "@type": "CreativeWork", "url": r }),
        );
    }
    if let Some(u) = url {
        object.insert("url".into(), u.into());
    }
    Some(json_for_script(&value))
}

/// The time zone every event is in. Japan has kept UTC+9 without daylight
/// saving since 1952, so one STANDARD rule describes it.
const TOKYO: &str = "Asia/Tokyo";
const VTIMEZONE: &str = "BEGIN:VTIMEZONE\r\nTZID:Asia/Tokyo\r\nBEGIN:STANDARD\r\nDTSTART:19700101T000000\r\nTZOFFSETFROM:+0900\r\nTZOFFSETTO:+0900\r\nTZNAME:JST\r\nEND:STANDARD\r\nEND:VTIMEZONE\r\n";

fn naive_date(d: Date) -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(i32::from(d.year()), d.month() as u32, d.day() as u32)
        .expect("a real date")
}

fn tokyo(date: &str, time: &str) -> icalendar::CalendarDateTime {
    let d = naive_date(parse_iso(date).expect("checked when loaded"));
    let (h, m) = crate::content::news::parse_time(time).expect("checked when loaded");
    icalendar::CalendarDateTime::WithTimezone {
        date_time: d
            .and_hms_opt(u32::from(h), u32::from(m), 0)
            .expect("a real time"),
        tzid: TOKYO.to_string(),
    }
}

/// The VEVENT of one event. Its UID is the same in every build of this site
/// (the event's file name and the site's code), its DTSTAMP the build date.
fn vevent(model: &Model, site: &Site, item: &NewsItem, event: &EventInfo, today: Date) -> Event {
    let tag = super::file_tag(site);
    let mut e = Event::new();
    e.uid(&format!("{}-{tag}@careplan-outreach", item.slug))
        .timestamp(
            naive_date(today)
                .and_hms_opt(0, 0, 0)
                .expect("midnight")
                .and_utc(),
        )
        .summary(&marked_title(item))
        .status(IcalStatus::Confirmed);
    match &event.start_time {
        Some(start) => {
            e.starts(tokyo(&event.start, start));
            if let Some(end) = &event.end_time {
                e.ends(tokyo(&event.end, end));
            }
        }
        None => {
            // All-day: DTEND is the day after the last day (RFC 5545 3.6.1).
            let last = parse_iso(&event.end).expect("checked when loaded");
            e.starts(naive_date(parse_iso(&event.start).expect("checked")))
                .ends(naive_date(last.tomorrow().expect("a later day")));
        }
    }
    let venue = item.venue.as_deref().filter(|v| !v.trim().is_empty());
    e.location(&match (venue, event.online) {
        (Some(v), true) => format!("{v}／オンライン"),
        (Some(v), false) => v.to_string(),
        (None, _) => "オンライン".to_string(),
    });
    let mut description = item.description.clone();
    let _ = write!(description, "\n主催: {}", organizer(model, item, event));
    if let Some(by) = event.apply_by.as_deref().and_then(parse_iso) {
        let _ = write!(description, "\n申込締切: {}", day(by, false));
    }
    if let Some(u) = &event.apply_url {
        let _ = write!(description, "\n申込み: {u}");
    }
    if let Some(p) = &event.apply_phone {
        let _ = write!(description, "\n申込み（電話）: {p}");
    }
    if item.illustrative {
        description.push_str("\nこの催しはサンプル・架空のもので、実在しません。");
    }
    e.description(&description);
    if let Some(u) = page_url(site, item).or_else(|| event.apply_url.clone()) {
        e.url(&u);
    }
    e.done()
}

/// An iCalendar file (RFC 5545: CRLF, lines folded at 75 octets, times in
/// Asia/Tokyo with its VTIMEZONE) holding `events`.
///
/// icalendar writes the calendar and its events (escaping, folding); the
/// VTIMEZONE is written here, before the events, because icalendar gives every
/// component it writes a DTSTAMP and a random UID, which a VTIMEZONE may not have.
pub fn ics(model: &Model, site: &Site, name: &str, events: &[&NewsItem], today: Date) -> Vec<u8> {
    let mut calendar = Calendar::empty();
    calendar
        .append_property(("VERSION", "2.0"))
        .append_property(("PRODID", "-//outreach//ケアプランデータ連携システム//JA"))
        .append_property(("CALSCALE", "GREGORIAN"))
        .append_property(("METHOD", "PUBLISH"))
        .name(name)
        .timezone(TOKYO);
    for item in events {
        if let Some(event) = &item.event {
            calendar.push(vevent(model, site, item, event, today));
        }
    }
    let text = calendar.to_string();
    let at = text
        .find("BEGIN:VEVENT\r\n")
        .or_else(|| text.find("END:VCALENDAR\r\n"))
        .expect("a calendar ends with END:VCALENDAR");
    let mut out = String::with_capacity(text.len() + VTIMEZONE.len());
    out.push_str(&text[..at]);
    out.push_str(VTIMEZONE);
    out.push_str(&text[at..]);
    out.into_bytes()
}

/// The site's calendar: every event that has not ended on the build date.
pub fn site_ics(
    model: &Model,
    site: &Site,
    board: &NewsBoard,
    title: &str,
    today: Date,
) -> Vec<u8> {
    let upcoming: Vec<&NewsItem> = board
        .listed_events()
        .filter(|i| i.event.as_ref().is_some_and(|e| status(e, today) != ENDED))
        .collect();
    ics(model, site, &format!("{title} イベント"), &upcoming, today)
}

/// The columns of the 自治体標準オープンデータセット「イベント一覧」, in its
/// order. The first three follow the standard's current common columns
/// (全国地方公共団体コード, ID, 地方公共団体名, as in its other datasets), the
/// rest the event list's own definition (推奨データセット「イベント一覧」).
/// `架空データ` is ours, after the standard's columns, like the other CSVs.
pub const EVENT_COLUMNS: [&str; 32] = [
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
    "架空データ",
];

/// The events CSV: every listed event, soonest first (UTF-8 with BOM, CRLF).
pub fn events_csv(model: &Model, site: &Site, board: &NewsBoard) -> Vec<u8> {
    let (code, name) = match site.kind {
        // The national site is not a local government: no code, no name.
        SiteKind::National => (String::new(), String::new()),
        _ => (site.code.to_string(), site.full_name.clone()),
    };
    let rows = board.listed_events().filter_map(|item| {
        let event = item.event.as_ref()?;
        let venue = item.venue.as_deref().filter(|v| !v.trim().is_empty());
        let place = match (venue, event.online) {
            (Some(v), true) => format!("{v}／オンライン"),
            (Some(v), false) => v.to_string(),
            (None, _) => "オンライン".to_string(),
        };
        let mut how = Vec::new();
        if let Some(u) = &event.apply_url {
            how.push(format!("申込みページ {u}"));
        }
        if let Some(p) = &event.apply_phone {
            how.push(format!("電話 {p}"));
        }
        let mut notes = Vec::new();
        if let Some(r) = &event.recording_url {
            notes.push(format!("録画 {r}"));
        }
        if item.illustrative {
            notes.push("サンプル・架空のイベントです（実在しません）".to_string());
        }
        let organizer = organizer(model, item, event);
        let text = |s: String| CsvCell::text(s);
        // Counts are numbers; everything else is text, made spreadsheet-safe.
        let number = |n: Option<u64>| n.map_or_else(|| CsvCell::text(""), CsvCell::number);
        let cells = vec![
            text(code.clone()),
            text(item.slug.clone()),
            text(name.clone()),
            text(marked_title(item)),
            text(String::new()),
            text(String::new()),
            text(event.start.clone()),
            text(event.end.clone()),
            text(event.start_time.clone().unwrap_or_default()),
            text(event.end_time.clone().unwrap_or_default()),
            text(String::new()),
            text(item.description.clone()),
            number(event.fee),
            text(String::new()),
            text(organizer.clone()),
            text(event.apply_phone.clone().unwrap_or_default()),
            text(String::new()),
            text(organizer),
            text(place),
            text(String::new()),
            text(String::new()),
            text(String::new()),
            text(String::new()),
            text(String::new()),
            text(String::new()),
            number(event.capacity.map(u64::from)),
            text(event.apply_by.clone().unwrap_or_default()),
            text(String::new()),
            text(how.join("、")),
            text(
                page_url(site, item)
                    .or_else(|| event.apply_url.clone())
                    .unwrap_or_default(),
            ),
            text(notes.join("。")),
            text(item.illustrative.to_string()),
        ];
        Some(cells)
    });
    super::open_data::csv_bytes(&EVENT_COLUMNS, rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(start: &str, end: &str) -> EventInfo {
        EventInfo {
            start: start.into(),
            end: end.into(),
            start_time: None,
            end_time: None,
            online: false,
            organizer: None,
            apply_url: None,
            apply_phone: None,
            apply_by: None,
            capacity: None,
            fee: None,
            recording_url: None,
        }
    }

    #[test]
    fn status_follows_the_build_date() {
        let mut e = event("2027-01-26", "2027-01-27");
        let d = |s: &str| parse_iso(s).unwrap();
        assert_eq!(status(&e, d("2027-01-01")), SCHEDULED);
        e.apply_by = Some("2027-01-15".into());
        assert_eq!(
            status(&e, d("2027-01-15")),
            OPEN,
            "the last day still takes applications"
        );
        assert_eq!(status(&e, d("2027-01-16")), CLOSED);
        assert_eq!(
            status(&e, d("2027-01-27")),
            CLOSED,
            "on the last day it is not over yet"
        );
        assert_eq!(status(&e, d("2027-01-28")), ENDED);
    }

    #[test]
    fn event_dates_read_in_japanese_with_the_weekday() {
        let mut e = event("2027-01-26", "2027-01-26");
        assert_eq!(when(&e).display, "2027年1月26日（火）");
        assert_eq!(when(&e).datetime, "2027-01-26");
        e.start_time = Some("13:30".into());
        e.end_time = Some("16:00".into());
        assert_eq!(when(&e).display, "2027年1月26日（火）13:30〜16:00");
        assert_eq!(when(&e).datetime, "2027-01-26T13:30+09:00");
        e.end = "2027-01-27".into();
        assert_eq!(
            when(&e).display,
            "2027年1月26日（火）13:30〜1月27日（水）16:00"
        );
        let e = event("2026-12-31", "2027-01-01");
        assert_eq!(when(&e).display, "2026年12月31日（木）〜2027年1月1日（金）");
    }
}
