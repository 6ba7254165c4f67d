//! The fragment a council pastes into its CMS (`embed/fragment.html`), its
//! images and its preview page (`embed/index.html`), built from the basic
//! fixture with a subsidy programme and an event: 静岡市 (221007) has a public
//! URL, 浜松市 (221309) has none.

mod common;

use std::collections::{BTreeMap, HashSet};

use common::Fixture;

const PROGRAMME: &str = "name: （架空）静岡県の導入支援補助金
provider: \"220001\"
administered_by: 静岡県 介護保険課
budget_source: 県単独予算
eligible: [居宅介護支援事業所]
covers: [ライセンス料]
rate: 3/4
ceiling_yen: 50000
window: {start: 2026-10-01, end: 2027-01-29}
how_to_apply: 申請書を提出
contact: 静岡県 介護保険課
link: https://www.pref.shizuoka.example/subsidy?id=1&lang=ja
confirmed: 2026-04-01
illustrative: true
";

const CLOSED_PROGRAMME: &str = "name: 終わった補助金
provider: \"220001\"
administered_by: 静岡県 介護保険課
budget_source: 県単独予算
eligible: [居宅介護支援事業所]
covers: [ライセンス料]
window: {start: 2026-04-01, end: 2026-06-30}
how_to_apply: 申請書を提出
contact: 静岡県 介護保険課
confirmed: 2026-04-01
";

const EVENT: &str = "---
title: 県の説明会 <script>alert(1)</script>
date: 2026-11-15
kind: イベント
description: 県内の事業所向けの説明会です。
event_date: 2027-01-26
start_time: \"13:30\"
end_time: \"16:00\"
venue: 県庁 会議室
apply_url: https://www.pref.shizuoka.example/apply
apply_by: 2027-01-15
illustrative: true
---
説明会の案内です。
";

fn fixture() -> Fixture {
    let fx = Fixture::new("basic");
    fx.write("data/subsidies/pref.yaml", PROGRAMME);
    fx.write("data/subsidies/closed.yaml", CLOSED_PROGRAMME);
    fx.write("content/prefectures/220001/news/seminar.md", EVENT);
    fx
}

/// The text between `start` and the next `end` after it.
fn between<'a>(html: &'a str, start: &str, end: &str) -> &'a str {
    let from = html
        .find(start)
        .unwrap_or_else(|| panic!("{start:?} not in {html}"))
        + start.len();
    let rest = &html[from..];
    &rest[..rest
        .find(end)
        .unwrap_or_else(|| panic!("{end:?} not after {start:?}"))]
}

/// Character references as Tera and ammonia write them, read back.
fn unescape(text: &str) -> String {
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#x27;", "'")
        .replace("&#39;", "'")
        .replace("&#x2F;", "/")
        .replace("&nbsp;", "\u{a0}")
        .replace("&amp;", "&")
}

/// One tag of a fragment: its name and attributes (values unescaped).
#[derive(Debug)]
struct Tag {
    name: String,
    closing: bool,
    attributes: BTreeMap<String, String>,
}

/// The tags and the visible text of an HTML fragment (the fragment is plain
/// HTML: no comments, scripts or CDATA, attribute values in double quotes).
fn parse(html: &str) -> (Vec<Tag>, String) {
    let mut tags = Vec::new();
    let mut text = String::new();
    let mut rest = html;
    while let Some(open) = rest.find('<') {
        text.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let close = after.find('>').expect("every tag is closed");
        let inside = after[..close].trim_end_matches('/');
        let closing = inside.starts_with('/');
        let inside = inside.trim_start_matches('/');
        let name_end = inside
            .find(|c: char| c.is_whitespace())
            .unwrap_or(inside.len());
        let mut attributes = BTreeMap::new();
        let mut attrs = &inside[name_end..];
        while let Some(eq) = attrs.find("=\"") {
            let name = attrs[..eq].trim().to_string();
            let value_end = attrs[eq + 2..].find('"').expect("quoted value") + eq + 2;
            attributes.insert(name, unescape(&attrs[eq + 2..value_end]));
            attrs = &attrs[value_end + 1..];
        }
        tags.push(Tag {
            name: inside[..name_end].to_ascii_lowercase(),
            closing,
            attributes,
        });
        rest = &after[close + 1..];
    }
    text.push_str(rest);
    let text = unescape(&text);
    (tags, text.split_whitespace().collect::<Vec<_>>().join(" "))
}

/// Links (href) and images (src, alt, width, height) in document order.
fn links_and_images(tags: &[Tag]) -> (Vec<String>, Vec<Vec<String>>) {
    let links = tags
        .iter()
        .filter(|t| t.name == "a" && !t.closing)
        .map(|t| t.attributes.get("href").cloned().unwrap_or_default())
        .collect();
    let images = tags
        .iter()
        .filter(|t| t.name == "img")
        .map(|t| {
            ["src", "alt", "width", "height"]
                .iter()
                .map(|a| t.attributes.get(*a).cloned().unwrap_or_default())
                .collect()
        })
        .collect();
    (links, images)
}

/// The allow-list of a typical CMS editor (issue 18): these tags, `href` on
/// links, `src alt width height` on images, nothing else.
fn cms_sanitizer() -> ammonia::Builder<'static> {
    let tags: HashSet<&str> = [
        "p", "h2", "h3", "h4", "ul", "ol", "li", "table", "caption", "thead", "tbody", "tr", "th",
        "td", "a", "img", "strong", "em", "br", "small",
    ]
    .into_iter()
    .collect();
    let mut attributes = std::collections::HashMap::new();
    attributes.insert("a", ["href"].into_iter().collect::<HashSet<_>>());
    attributes.insert(
        "img",
        ["src", "alt", "width", "height"].into_iter().collect(),
    );
    let mut builder = ammonia::Builder::empty();
    builder
        .tags(tags)
        .tag_attributes(attributes)
        .generic_attributes(HashSet::new())
        .url_schemes(["http", "https", "mailto", "tel"].into_iter().collect())
        .link_rel(None);
    builder
}

/// Check one fragment: plain HTML of the CMS's tags, and nothing of it lost
/// when the CMS's sanitizer has been over it.
fn assert_survives_the_sanitizer(name: &str, fragment: &str) {
    let (tags, text) = parse(fragment);
    let allowed = [
        "p", "h2", "h3", "h4", "ul", "ol", "li", "table", "caption", "thead", "tbody", "tr", "th",
        "td", "a", "img", "strong", "em", "br", "small",
    ];
    for tag in &tags {
        assert!(
            allowed.contains(&tag.name.as_str()),
            "{name}: <{}> is not kept by a CMS editor",
            tag.name
        );
        for attribute in tag.attributes.keys() {
            assert!(
                !attribute.starts_with("on") && attribute != "class" && attribute != "id",
                "{name}: {attribute} on <{}>",
                tag.name
            );
            if attribute == "style" {
                assert_eq!(tag.name, "img", "{name}: inline style only sizes images");
            }
        }
    }
    let cleaned = cms_sanitizer().clean(fragment).to_string();
    let (after_tags, after_text) = parse(&cleaned);
    assert_eq!(after_text, text, "{name}: the visible text changed");
    assert_eq!(
        links_and_images(&after_tags),
        links_and_images(&tags),
        "{name}: a link or an image changed"
    );
    for element in ["table", "caption", "tr", "th", "td", "li", "h2", "h3"] {
        let count = |t: &[Tag]| t.iter().filter(|t| t.name == element && !t.closing).count();
        assert_eq!(count(&after_tags), count(&tags), "{name}: <{element}>");
    }
    // Only the images' inline sizing and the header cells' scope are dropped.
    let dropped: Vec<&str> = tags
        .iter()
        .flat_map(|t| t.attributes.keys().map(String::as_str))
        .filter(|a| !["href", "src", "alt", "width", "height"].contains(a))
        .collect();
    assert!(
        dropped.iter().all(|a| ["style", "scope"].contains(a)),
        "{name}: {dropped:?}"
    );
}

#[test]
fn fragments_carry_the_sites_figures_subsidies_events_and_contacts() {
    let fx = fixture();
    fx.build_ok();
    for (site, url) in [
        (
            "m/221007",
            Some("https://www.city.shizuoka.example/careplan/"),
        ),
        ("m/221309", None),
    ] {
        let fragment = fx.read(&format!("{site}/embed/fragment.html"));
        let home = fx.read(&format!("{site}/index.html"));
        let code = &site[2..];
        for forbidden in [
            "<html", "<head", "<body", "<script", "<style", "<svg", " class=", " onload",
            " onclick", " onerror",
        ] {
            assert!(!fragment.contains(forbidden), "{site}: {forbidden}");
        }
        // The figures, their date and the marks are the home page's.
        let rate = between(&home, r#"<span class="headline-rate">"#, "<");
        let detail = between(&home, r#"<span class="headline-detail">"#, "（");
        let date = between(&home, "事業所が利用（", "時点）");
        assert!(
            fragment.contains(&format!(
                "<strong>利用率 {rate}</strong>（{date}時点、<strong>サンプル・架空</strong>）"
            )),
            "{site}: {fragment}"
        );
        assert!(fragment.contains(detail.trim()), "{site}: {detail}");
        let denominator = between(
            &std::fs::read_to_string(fx.project().join("config.yaml")).unwrap(),
            "denominator: ",
            "\n",
        )
        .to_string();
        assert!(fragment.contains(&format!("数え方: {denominator}")));
        // Progress toward the target: the home page's sentence (met or not).
        let kpi = between(&home, r#"<p class="kpi kpi-"#, "</p>");
        let kpi = kpi[kpi.find('>').unwrap() + 1..]
            .replace(r#"<span class="kpi-mark" aria-hidden="true">✓</span> "#, "");
        // The page's badge is a word in the fragment (checked with the headline above).
        let kpi = kpi.split(r#" <span class="badge"#).next().unwrap();
        assert!(fragment.contains(kpi), "{site}: {kpi}");
        // The comparison with prefecture and nation, with their dates.
        let caption = between(&fragment, "<caption>利用率の比較（", "）</caption>");
        assert_eq!(
            caption,
            format!(
                "{}・静岡県・全国",
                if code == "221007" {
                    "静岡市"
                } else {
                    "浜松市"
                }
            )
        );
        // The open programme with its status and window; not the closed one.
        assert!(fragment.contains(
            "<strong>（架空）静岡県の導入支援補助金</strong>【受付中】（<strong>サンプル・架空</strong>）"
        ));
        assert!(fragment.contains(
            "受付期間: 2026年10月1日（令和8年10月1日）〜2027年1月29日（令和9年1月29日）"
        ));
        assert!(
            fragment.contains(
                r#"<a href="https://www.pref.shizuoka.example/subsidy?id=1&amp;lang=ja">"#
            )
        );
        assert!(!fragment.contains("終わった補助金"), "{site}");
        // The event by its own date, its status and place; its title escaped.
        assert!(
            fragment.contains("2027年1月26日（火）13:30〜16:00"),
            "{site}"
        );
        assert!(
            fragment
                .contains("【受付中】（<strong>サンプル・架空</strong>）<br>\n会場: 県庁 会議室")
        );
        assert!(fragment.contains("県の説明会 &lt;script&gt;"));
        // The helpdesk and the local contact.
        assert!(fragment.contains(r#"<a href="tel:0120584708">0120-584-708</a>（通話無料）"#));
        if code == "221007" {
            assert!(fragment.contains("静岡市 介護保険課（テスト）"));
            assert!(fragment.contains("（<strong>サンプル・架空の連絡先</strong>）"));
        }
        // Images: every chart of the home page, beside its table, with alt text
        // written from the data; under the site's URL when it has one.
        let (tags, _) = parse(&fragment);
        let (links, images) = links_and_images(&tags);
        let charts = home.matches(r#"<figure class="chart"#).count();
        assert_eq!(images.len(), charts, "{site}");
        assert!(charts >= 2, "{site}: {charts} charts");
        for image in &images {
            let file = image[0].rsplit('/').next().unwrap();
            assert!(file.starts_with("chart-") && file.ends_with(&format!("-{code}.png")));
            match url {
                Some(url) => assert_eq!(image[0], format!("{url}embed/{file}")),
                None => assert_eq!(image[0], file),
            }
            let png = std::fs::read(fx.out().join(site).join("embed").join(file)).unwrap();
            assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"), "{file}");
            assert!(image[1].contains("サンプル"), "{file}: {}", image[1]);
            assert!(home.contains(&format!(
                "<figcaption class=\"muted\">{}</figcaption>",
                image[1]
            )));
            assert_eq!(image[2], "320", "{file}: fits a phone's column");
        }
        assert_eq!(
            fragment.matches("<img ").count() + 1,
            fragment.matches("<table>").count(),
            "{site}: each chart beside its table, and the comparison table"
        );
        // Links: only absolute ones (another server's or the site's own URL).
        for link in &links {
            assert!(
                ["https://", "tel:", "mailto:"]
                    .iter()
                    .any(|p| link.starts_with(p)),
                "{site}: {link}"
            );
        }
        match url {
            Some(url) => {
                assert!(
                    links.contains(&url.to_string()),
                    "{site}: a link to the site"
                );
                assert!(links.contains(&format!("{url}subsidies.html#subsidy-pref")));
                assert!(links.contains(&format!("{url}news/seminar.html")));
            }
            None => assert!(!links.iter().any(|l| l.contains("example/careplan"))),
        }

        // The preview page: the fragment shown with images from beside it, its
        // source to copy, the files to upload and the figures' date.
        let preview = fx.read(&format!("{site}/embed/index.html"));
        let source = unescape(between(&preview, "spellcheck=\"false\">", "</textarea>"));
        assert_eq!(source, fragment, "{site}: the text area holds the fragment");
        assert!(preview.contains(
            r#"<button type="button" id="embed-copy" class="embed-copy" hidden>コピー</button>"#
        ));
        assert!(preview.contains(r#"<script src="../assets/embed.js" defer></script>"#));
        assert!(fx.out().join(site).join("assets/embed.js").is_file());
        assert!(preview.contains(&format!("利用状況の数値: <strong>{date}時点</strong>")));
        let shown = between(
            &preview,
            "aria-label=\"部品の見本\">",
            "\n  </div>\n</section>",
        );
        for image in &images {
            let file = image[0].rsplit('/').next().unwrap();
            assert!(
                shown.contains(&format!(r#"<img src="{file}""#)),
                "{site}: {file}"
            );
            let bytes = std::fs::metadata(fx.out().join(site).join("embed").join(file))
                .unwrap()
                .len();
            // The link names the file with its type and size, as every file link does.
            let link = between(&preview, &format!("<a href=\"{file}\" download>"), "</a>");
            assert!(
                link.contains(&format!(
                    "<span class=\"url\">{file}</span><span class=\"nowrap\">（PNG・{}KB）</span>",
                    bytes.div_ceil(1024)
                )),
                "{site}: {link} ({bytes} bytes)"
            );
        }
        match url {
            Some(url) => assert!(preview.contains(&format!(
                "グラフの画像とリンクは、このサイトの公開先 <span class=\"url\">{url}</span> を指しています"
            ))),
            None => {
                assert!(preview.contains("下の「画像ファイル」を CMS にアップロードします"));
                assert!(preview.contains("CMS にアップロードした画像の場所に書き換えてください"));
            }
        }
        let downloads = fx.read(&format!("{site}/downloads.html"));
        assert!(downloads.contains(
            r#"<a href="embed/index.html">CMS に貼り付ける部品（HTML）の見本とコピー</a>"#
        ));
    }
}

#[test]
fn every_fragment_survives_a_strict_cms_sanitizer() {
    let fx = fixture();
    fx.build_ok();
    let mut checked = 0;
    for (rel, bytes) in common::tree(&fx.out()) {
        if rel.ends_with("embed/fragment.html") {
            assert_survives_the_sanitizer(&rel, &String::from_utf8(bytes).unwrap());
            checked += 1;
        }
    }
    // The national site, one prefecture and its municipalities, one in 北海道.
    assert!(checked >= 5, "{checked} fragments");
}

#[test]
fn the_round_trip_check_finds_a_lost_image_text_or_link() {
    // What a fragment must not do: each of these loses something in the CMS.
    let cases = [
        ("svg", "<p>率</p><svg><text>20.3%</text></svg>"),
        (
            "class mark",
            r#"<p>利用率 20.3%<span class="badge">架空</span></p>"#,
        ),
        (
            "data image",
            r#"<p><img src="data:image/png;base64,AAAA" alt="図"></p>"#,
        ),
        (
            "script link",
            r#"<p><a href="javascript:void(0)">地図</a></p>"#,
        ),
    ];
    for (name, fragment) in cases {
        let caught = std::panic::catch_unwind(|| assert_survives_the_sanitizer(name, fragment));
        assert!(caught.is_err(), "{name} was not caught");
    }
}

#[test]
fn fragment_bytes_repeat_and_unchanged_images_are_reused() {
    let fx = fixture();
    fx.build_ok();
    let embed = |fx: &Fixture| -> BTreeMap<String, Vec<u8>> {
        common::tree(&fx.out())
            .into_iter()
            .filter(|(rel, _)| rel.contains("/embed/") || rel.starts_with("embed/"))
            .collect()
    };
    let first = embed(&fx);
    let mtime = |rel: &str| {
        std::fs::metadata(fx.out().join(rel))
            .unwrap()
            .modified()
            .unwrap()
    };
    let png = "m/221007/embed/chart-comparison-221007.png";
    let before = mtime(png);
    std::thread::sleep(std::time::Duration::from_millis(20));
    // A new programme changes the fragment, not the charts.
    fx.write(
        "data/subsidies/second.yaml",
        &PROGRAMME.replace("（架空）静岡県の導入支援補助金", "二つ目の補助金"),
    );
    let report = fx.build_ok();
    assert!(report.reused > 0);
    let second = embed(&fx);
    assert_eq!(
        first.keys().collect::<Vec<_>>(),
        second.keys().collect::<Vec<_>>()
    );
    assert_eq!(first[png], second[png]);
    assert_eq!(mtime(png), before, "the unchanged chart image was reused");
    assert!(
        String::from_utf8_lossy(&second["m/221007/embed/fragment.html"]).contains("二つ目の補助金")
    );
    // The same input gives the same bytes in a fresh output.
    let again = fixture();
    again.write(
        "data/subsidies/second.yaml",
        &PROGRAMME.replace("（架空）静岡県の導入支援補助金", "二つ目の補助金"),
    );
    again.build_ok();
    assert_eq!(embed(&again), second);
}
