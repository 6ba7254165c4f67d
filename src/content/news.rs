//! News items and events (`news/<slug>.md`): their front matter, its checks,
//! and the loaded [`NewsItem`].
//!
//! An item is `kind: お知らせ` (news) or `kind: イベント` (an event: a 説明会,
//! 研修会, 成果報告会…). Only events carry the event keys (`event_date`,
//! times, place, how to apply, capacity, recording); news and events may set
//! `expires`, after which the item leaves the lists (its page stays, marked
//! 掲載終了). Everything is checked here with file, line and column; what an
//! item means on a given build date (受付中, 締切, 終了, 掲載終了) is worked out
//! when the site is rendered (`render::events`).

use std::path::Path;

use jiff::ToSpan;
use jiff::civil::Date;
use serde::Deserialize;

use super::{At, front_at};
use crate::dates::{format_western, parse_iso};
use crate::problems::{Code, Location, Problems};
use crate::yaml;

/// The kinds of news item.
pub const NEWS_KINDS: &[&str] = &["お知らせ", "イベント"];
/// The kind that makes an item an event.
pub const EVENT_KIND: &str = "イベント";

/// A news item or event (`news/<slug>.md`).
#[derive(Debug, Clone, serde::Serialize)]
pub struct NewsItem {
    pub slug: String,
    pub title: String,
    /// Posting date, YYYY-MM-DD.
    pub date: String,
    pub date_display: String,
    pub kind: String,
    pub description: String,
    /// An event's (first) day, YYYY-MM-DD.
    pub event_date: Option<String>,
    pub event_date_display: Option<String>,
    pub venue: Option<String>,
    pub illustrative: bool,
    pub html: String,
    pub url: String,
    /// What only an event has (`None` for news).
    pub event: Option<Box<EventInfo>>,
    /// After this day (YYYY-MM-DD) the item leaves the lists.
    pub expires: Option<String>,
    /// The prefecture or municipality whose folder the file is in (`None`: shared).
    pub origin: Option<crate::data::jis::Code>,
}

/// The front-matter facts of an event, checked.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct EventInfo {
    /// First and last day (the same for a one-day event), YYYY-MM-DD.
    pub start: String,
    pub end: String,
    /// `HH:MM`, Japan time.
    pub start_time: Option<String>,
    pub end_time: Option<String>,
    /// Held online (with or without a venue).
    pub online: bool,
    pub organizer: Option<String>,
    pub apply_url: Option<String>,
    pub apply_phone: Option<String>,
    /// Last day to apply, YYYY-MM-DD.
    pub apply_by: Option<String>,
    pub capacity: Option<u32>,
    /// Fee in yen (0: free).
    pub fee: Option<u64>,
    pub recording_url: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct NewsFront {
    title: String,
    date: At<String>,
    kind: At<String>,
    description: String,
    #[serde(default)]
    expires: Option<At<String>>,
    #[serde(default)]
    event_date: Option<At<String>>,
    #[serde(default)]
    event_end: Option<At<String>>,
    #[serde(default)]
    start_time: Option<At<String>>,
    #[serde(default)]
    end_time: Option<At<String>>,
    #[serde(default)]
    online: Option<At<bool>>,
    #[serde(default)]
    venue: Option<At<String>>,
    #[serde(default)]
    organizer: Option<At<String>>,
    #[serde(default)]
    apply_url: Option<At<String>>,
    #[serde(default)]
    apply_phone: Option<At<String>>,
    #[serde(default)]
    apply_by: Option<At<String>>,
    #[serde(default)]
    capacity: Option<At<u32>>,
    #[serde(default)]
    fee: Option<At<u64>>,
    #[serde(default)]
    recording_url: Option<At<String>>,
    #[serde(default)]
    illustrative: bool,
}

/// Reports problems in one file's front matter at the value's line and column.
struct Checker<'a> {
    path: &'a Path,
    problems: &'a mut Problems,
}

impl Checker<'_> {
    fn error<T>(&mut self, code: Code, at: &At<T>, message: String, hint: impl Into<String>) {
        self.problems
            .error(code, front_at(self.path, at), message, hint.into());
    }

    /// A value that cannot be read or is not allowed.
    fn bad<T>(&mut self, at: &At<T>, message: String, hint: impl Into<String>) {
        self.error(Code::FrontMatterBadValue, at, message, hint);
    }

    /// A `YYYY-MM-DD` date that exists.
    fn date(&mut self, key: &str, value: &At<String>) -> Option<Date> {
        let date = parse_iso(&value.value);
        if date.is_none() {
            self.bad(
                value,
                format!(
                    "{key} の日付「{}」を読めません",
                    yaml::shorten(&value.value, 40)
                ),
                "YYYY-MM-DD の形（例: 2025-06-01）で、実在する日付を書いてください",
            );
        }
        date
    }

    /// A time of day, `HH:MM` (00:00–23:59).
    fn time(&mut self, key: &str, value: &At<String>) -> Option<(u8, u8)> {
        let time = parse_time(&value.value);
        if time.is_none() {
            self.bad(
                value,
                format!(
                    "{key} の時刻「{}」を読めません",
                    yaml::shorten(&value.value, 40)
                ),
                "24時間制の HH:MM の形（例: 09:30、13:00）で、半角で書いてください",
            );
        }
        time
    }

    /// An `http://` or `https://` address with a host.
    fn url(&mut self, key: &str, value: &At<String>) -> Option<String> {
        if is_web_address(&value.value) {
            return Some(value.value.clone());
        }
        self.bad(
            value,
            format!(
                "{key} の「{}」は http:// または https:// で始まる URL ではありません",
                yaml::shorten(&value.value, 80)
            ),
            "ブラウザーのアドレス欄の URL を https://… の形でそのまま書いてください（空白は入れません）",
        );
        None
    }
}

/// `HH:MM` with two-digit hours 00–23 and minutes 00–59.
pub fn parse_time(s: &str) -> Option<(u8, u8)> {
    let b = s.as_bytes();
    if b.len() != 5 || b[2] != b':' || ![0, 1, 3, 4].iter().all(|&i| b[i].is_ascii_digit()) {
        return None;
    }
    let hours = (b[0] - b'0') * 10 + (b[1] - b'0');
    let minutes = (b[3] - b'0') * 10 + (b[4] - b'0');
    (hours < 24 && minutes < 60).then_some((hours, minutes))
}

/// An absolute `http(s)` URL with a host and nothing a reader could not type
/// into an address bar (spaces, control characters, quotes, angle brackets).
pub fn is_web_address(s: &str) -> bool {
    if s.chars()
        .any(|c| c.is_whitespace() || c.is_control() || matches!(c, '"' | '<' | '>'))
    {
        return false;
    }
    match url::Url::parse(s) {
        Ok(u) => {
            matches!(u.scheme(), "http" | "https") && u.host_str().is_some_and(|h| !h.is_empty())
        }
        Err(_) => false,
    }
}

/// The front-matter keys only an event may have.
const EVENT_KEYS: &str = "event_date, event_end, start_time, end_time, online, venue, organizer, apply_url, apply_phone, apply_by, capacity, fee, recording_url";

/// Check one item's front matter and build it. `None` when the posting date
/// is unreadable (the item cannot be placed in any list).
#[allow(clippy::too_many_arguments)]
pub(super) fn build(
    f: NewsFront,
    path: &Path,
    slug: String,
    url: String,
    html: String,
    build_date: Date,
    problems: &mut Problems,
) -> Option<NewsItem> {
    let mut c = Checker { path, problems };
    if !NEWS_KINDS.contains(&f.kind.value.as_str()) {
        c.bad(
            &f.kind,
            format!(
                "kind の「{}」は使えません",
                yaml::shorten(&f.kind.value, 40)
            ),
            "お知らせ か イベント を書いてください",
        );
    }
    let is_event = f.kind.value == EVENT_KIND;
    let posted = c.date("date", &f.date);
    let expires = f.expires.as_ref().and_then(|e| {
        let d = c.date("expires", e)?;
        if let Some(p) = posted
            && d < p
        {
            c.error(
                Code::NewsDateOrder,
                e,
                format!(
                    "expires（{}）が掲載日 date（{}）より前です",
                    format_western(d),
                    format_western(p)
                ),
                "一覧に載せておく最後の日を、掲載日より後の日付で書いてください",
            );
        }
        Some(e.value.clone())
    });

    let event = if is_event {
        event_info(&f, &mut c).map(Box::new)
    } else {
        // An event's keys on a news item would be shown nowhere: say so.
        let at = |v: Option<&At<_>>| v.map(|v| front_at(path, v));
        let present: [(&str, Option<Location>); 13] = [
            ("event_date", at(f.event_date.as_ref())),
            ("event_end", at(f.event_end.as_ref())),
            ("start_time", at(f.start_time.as_ref())),
            ("end_time", at(f.end_time.as_ref())),
            ("online", f.online.as_ref().map(|v| front_at(path, v))),
            ("venue", at(f.venue.as_ref())),
            ("organizer", at(f.organizer.as_ref())),
            ("apply_url", at(f.apply_url.as_ref())),
            ("apply_phone", at(f.apply_phone.as_ref())),
            ("apply_by", at(f.apply_by.as_ref())),
            ("capacity", f.capacity.as_ref().map(|v| front_at(path, v))),
            ("fee", f.fee.as_ref().map(|v| front_at(path, v))),
            ("recording_url", at(f.recording_url.as_ref())),
        ];
        for (key, at) in present {
            if let Some(at) = at
                && NEWS_KINDS.contains(&f.kind.value.as_str())
            {
                c.problems.error(
                    Code::NewsEventKey,
                    at,
                    format!("{key} はイベント（kind: イベント）の項目です。お知らせには使えません"),
                    format!("催しの案内なら kind: イベント にしてください。お知らせなら {key} の行を消してください（イベントの項目: {EVENT_KEYS}）"),
                );
            }
        }
        None
    };

    // An item nobody has looked at for a year may no longer be true.
    let posted = posted?;
    if expires.is_none() {
        let last_relevant = event
            .as_ref()
            .and_then(|e| parse_iso(&e.end))
            .map_or(posted, |end| end.max(posted));
        if last_relevant.saturating_add(1.year()) < build_date {
            let what = if is_event {
                format!("{}に終わったイベント", format_western(last_relevant))
            } else {
                format!("{}に掲載したお知らせ", format_western(posted))
            };
            c.problems.warning(
                Code::NewsStale,
                front_at(path, &f.date),
                format!("{what}が、1年以上たっても一覧に載っています（expires がありません）"),
                "内容がいまも正しいか確かめ、expires: YYYY-MM-DD で一覧に載せる最後の日を書いてください。その日を過ぎると一覧から外れ、ページには「掲載終了」と表示されます",
            );
        }
    }

    Some(NewsItem {
        slug,
        title: f.title,
        date_display: format_western(posted),
        date: f.date.value,
        kind: f.kind.value,
        description: f.description,
        event_date_display: event
            .as_ref()
            .and_then(|e| parse_iso(&e.start))
            .map(format_western),
        event_date: event.as_ref().map(|e| e.start.clone()),
        venue: if is_event {
            f.venue.map(|v| v.value)
        } else {
            None
        },
        illustrative: f.illustrative,
        html,
        url,
        event,
        expires,
        origin: None,
    })
}

/// The event keys, checked against each other. `None` when the event has no
/// readable `event_date`.
fn event_info(f: &NewsFront, c: &mut Checker) -> Option<EventInfo> {
    let Some(start_at) = &f.event_date else {
        c.error(
            Code::EventIncomplete,
            &f.kind,
            "イベントに開催日 event_date がありません".to_string(),
            "event_date: YYYY-MM-DD（例: 2027-01-26）を書いてください。複数日なら最終日を event_end に書きます。一覧とカレンダーには掲載日ではなく開催日が載ります",
        );
        return None;
    };
    let start = c.date("event_date", start_at);
    let end = f.event_end.as_ref().and_then(|e| {
        let d = c.date("event_end", e)?;
        if let Some(s) = start
            && d < s
        {
            c.error(
                Code::NewsDateOrder,
                e,
                format!(
                    "終了日 event_end（{}）が開催日 event_date（{}）より前です",
                    format_western(d),
                    format_western(s)
                ),
                "1日だけの催しなら event_end の行を消してください",
            );
            return None;
        }
        Some(d)
    });
    let start_time = f
        .start_time
        .as_ref()
        .and_then(|t| c.time("start_time", t).map(|_| t.value.clone()));
    let end_time = f
        .end_time
        .as_ref()
        .and_then(|t| c.time("end_time", t).map(|_| t.value.clone()));
    if let Some(end_at) = &f.end_time {
        if f.start_time.is_none() {
            c.error(
                Code::EventIncomplete,
                end_at,
                "終了時刻 end_time だけがあり、開始時刻 start_time がありません".to_string(),
                "start_time: HH:MM（例: 13:30）も書いてください",
            );
        } else if let (Some(s), Some(e)) = (&start_time, &end_time)
            && end.is_none_or(|d| Some(d) == start)
            && e <= s
        {
            c.error(
                Code::NewsDateOrder,
                end_at,
                format!("終了時刻 end_time（{e}）が開始時刻 start_time（{s}）より後になっていません"),
                "同じ日の催しは、終わる時刻を始まる時刻より後にしてください。日をまたぐなら event_end に最終日を書きます",
            );
        }
    }
    let online = f.online.as_ref().is_some_and(|o| o.value);
    let venue = f.venue.as_ref().filter(|v| !v.value.trim().is_empty());
    if !online && venue.is_none() {
        let at = match &f.venue {
            Some(venue) => front_at(c.path, venue),
            None => front_at(c.path, start_at),
        };
        c.problems.error(
            Code::EventIncomplete,
            at,
            "イベントの会場 venue がなく、online: true でもありません",
            "会場で開くなら venue: に会場名を、オンラインなら online: true を書いてください（両方あれば会場とオンラインの併用です）",
        );
    }
    let apply_url = f.apply_url.as_ref().and_then(|u| c.url("apply_url", u));
    let recording_url = f
        .recording_url
        .as_ref()
        .and_then(|u| c.url("recording_url", u));
    let apply_phone = f.apply_phone.as_ref().and_then(|p| {
        let digits = p
            .value
            .chars()
            .filter(|ch| ch.is_ascii_digit() || ('０'..='９').contains(ch))
            .count();
        if digits < 5 {
            c.bad(
                p,
                format!(
                    "apply_phone の「{}」は電話番号として読めません",
                    yaml::shorten(&p.value, 40)
                ),
                "054-221-1234 のように市外局番から書いてください",
            );
            return None;
        }
        Some(p.value.clone())
    });
    let last_day = end.or(start);
    let apply_by = f.apply_by.as_ref().and_then(|a| {
        let d = c.date("apply_by", a)?;
        if let Some(last) = last_day
            && d > last
        {
            c.error(
                Code::NewsDateOrder,
                a,
                format!(
                    "申込締切 apply_by（{}）が催しの終わる日（{}）より後です",
                    format_western(d),
                    format_western(last)
                ),
                "申込みの締切は開催日（複数日なら最終日）以前の日付にしてください",
            );
            return None;
        }
        Some(a.value.clone())
    });
    let capacity = f.capacity.as_ref().and_then(|n| {
        if n.value == 0 {
            c.bad(
                n,
                "定員 capacity が 0 です".to_string(),
                "定員の人数を 1 以上の数で書いてください。定員がなければ capacity の行を消してください",
            );
            return None;
        }
        Some(n.value)
    });
    let start = start?;
    Some(EventInfo {
        start: start.to_string(),
        end: end.unwrap_or(start).to_string(),
        start_time,
        end_time,
        online,
        organizer: f
            .organizer
            .as_ref()
            .map(|o| o.value.trim().to_string())
            .filter(|o| !o.is_empty()),
        apply_url,
        apply_phone,
        apply_by,
        capacity,
        fee: f.fee.as_ref().map(|v| v.value),
        recording_url,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_are_strict_hh_mm() {
        assert_eq!(parse_time("09:30"), Some((9, 30)));
        assert_eq!(parse_time("00:00"), Some((0, 0)));
        assert_eq!(parse_time("23:59"), Some((23, 59)));
        for bad in [
            "9:30",
            "24:00",
            "12:60",
            "12-30",
            "１２:３０",
            "12:30 ",
            "1230",
            "",
        ] {
            assert_eq!(parse_time(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn web_addresses_are_http_or_https_with_a_host() {
        assert!(is_web_address("https://www.city.shizuoka.example/apply"));
        assert!(is_web_address("http://example.jp/a?b=c#d"));
        for bad in [
            "javascript:alert(1)",
            "ftp://example.jp/",
            "https://",
            "www.example.jp",
            "https://example.jp/a b",
            "mailto:a@example.jp",
            "https://exa\"mple.jp",
            "/news/a.html",
        ] {
            assert!(!is_web_address(bad), "{bad:?}");
        }
    }
}
