//! The published accessibility record of every site (issue 14): the policy
//! page, the results page written from `data/accessibility/<date>.yaml` with a
//! degree of conformance derived from the results, the problems of a bad
//! record, and the type and size on every link to a file.

mod common;

use std::fs;
use std::path::Path;

use common::{Fixture, tree};
use outreach::build::{BuildError, build};
use outreach::data::accessibility::CRITERIA;

/// The text of a page's `<main>`, tags removed, so the footer's build date
/// and the navigation do not count.
fn main_text(html: &str) -> String {
    let start = html.find("<main").expect("a main element");
    let end = html.find("</main>").expect("a main element");
    let mut out = String::new();
    let mut in_tag = false;
    for c in html[start..end].chars() {
        match c {
            '<' => {
                in_tag = true;
                out.push(' ');
            }
            '>' => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A test record for `sites` (YAML mapping lines) with each criterion's
/// result from `outcome`, and a plan when `plan`.
fn record(sites: &str, outcome: impl Fn(&str) -> &'static str, plan: bool) -> String {
    let mut yaml = String::from(
        "tester: 静岡市 介護保険課（テスト）\n\
         period: {start: 2026-11-20, end: 2026-11-25}\n\
         method: |\n  全ページを選びました（JB.1.2 a）。\n  二つ目の段落です。\n\
         technologies: [HTML, CSS]\n\
         tools: [axe-core]\n",
    );
    if plan {
        yaml.push_str("plan: 満たしていない達成基準は 2027年3月までに直します。\n");
    }
    yaml.push_str("sites:\n");
    yaml.push_str(sites);
    yaml.push_str("criteria:\n");
    for c in CRITERIA {
        yaml.push_str(&format!(
            "  {}: {{result: {}, note: \"{} の確認\"}}\n",
            c.number,
            outcome(c.number),
            c.number
        ));
    }
    yaml
}

/// 1.2.x (audio and video) do not apply; everything else is met.
fn all_met(n: &str) -> &'static str {
    if n.starts_with("1.2.") {
        "適用なし"
    } else {
        "適合"
    }
}

const CITY: &str = "  \"221007\": [index.html, faq.html, accessibility-results.html, guides/flow.html, guides/gone.html]\n";

#[test]
fn a_site_without_a_record_gets_no_results_page_and_its_policy_says_so() {
    let fx = Fixture::new("basic");
    fx.build_ok();
    for site in ["", "p/220001/", "m/221007/"] {
        assert!(
            !fx.out()
                .join(format!("{site}accessibility-results.html"))
                .exists()
        );
        let policy = main_text(&fx.read(&format!("{site}accessibility.html")));
        assert!(
            policy.contains("このサイトの試験の結果は、まだ公開していません"),
            "{policy}"
        );
        assert!(
            policy.contains("このサイトの対応度の表記は「配慮」です"),
            "{policy}"
        );
        assert!(!policy.contains("準拠」です"), "{policy}");
        // The policy's dates come from config.yaml, never the build date.
        assert!(
            policy.contains("2027年3月31日（令和9年3月31日）までに達成"),
            "{policy}"
        );
        assert!(policy.contains("2026年4月1日（令和8年4月1日）"), "{policy}");
        assert!(!policy.contains("2026年11月29日"), "{policy}");
        assert!(policy.contains("JIS X 8341-3:2016"), "{policy}");
        assert!(
            policy.contains("適合レベル AA に準拠することを目標"),
            "{policy}"
        );
        // No untagged files, no posters in this build.
        assert!(policy.contains("例外事項 ありません。"), "{policy}");
    }
    // Each site's own contact and scope.
    let city = main_text(&fx.read("m/221007/accessibility.html"));
    assert!(
        city.contains("静岡市 介護保険課（テスト）までお知らせください"),
        "{city}"
    );
    assert!(city.contains("054-000-0001"), "{city}");
    assert!(
        city.contains("https://www.city.shizuoka.example/careplan/ 以下が対象です"),
        "{city}"
    );
    let prefecture = main_text(&fx.read("p/220001/accessibility.html"));
    assert!(prefecture.contains("静岡県の介護保険を担当する課にお知らせください"));
    assert!(prefecture.contains("このページと同じフォルダ"));
}

#[test]
fn the_results_page_declares_the_degree_its_results_support() {
    let fx = Fixture::new("basic");
    let file = "data/accessibility/2026-11-26.yaml";
    let claim_of = |fx: &Fixture| {
        let page = main_text(&fx.read("m/221007/accessibility-results.html"));
        let policy = main_text(&fx.read("m/221007/accessibility.html"));
        (page, policy)
    };

    // Every criterion met or not applicable: 準拠.
    fx.write(file, &record(CITY, all_met, false));
    fx.build_ok();
    let (page, policy) = claim_of(&fx);
    assert!(
        page.contains("満たしている適合レベル及び対応度 JIS X 8341-3:2016 の適合レベル AA に準拠"),
        "{page}"
    );
    assert!(
        policy.contains("に表明した試験の結果: JIS X 8341-3:2016 の適合レベル AA に準拠"),
        "{policy}"
    );
    assert!(
        page.contains("表明日 2026年11月26日（令和8年11月26日）"),
        "{page}"
    );
    assert!(
        page.contains("試験実施期間 2026年11月20日（令和8年11月20日）から2026年11月25日（令和8年11月25日）まで"),
        "{page}"
    );
    assert!(
        page.contains("依存したウェブコンテンツ技術 HTML、CSS"),
        "{page}"
    );
    assert!(page.contains("試験実施者 静岡市 介護保険課（テスト）"));
    assert!(page.contains("全ページを選びました（JB.1.2 a）。 二つ目の段落です。"));
    // The checklist: all 38 criteria with level, 適用 and 結果.
    let html = fx.read("m/221007/accessibility-results.html");
    for c in CRITERIA {
        let row = format!(
            r#"<tr><th scope="row" class="criterion"><span class="number">{}</span> {}</th><td>{}</td>"#,
            c.number,
            c.name,
            c.level.label()
        );
        assert!(html.contains(&row), "{row}");
    }
    assert_eq!(html.matches("<tr><th scope=\"row\"").count(), 38);
    assert!(html.contains(r#"<td class="nowrap">いいえ</td><td class="nowrap result-na">—</td><td class="note">1.2.1 の確認</td>"#));
    assert!(html.contains(r#"<td class="nowrap">はい</td><td class="nowrap result-met">適合</td><td class="note">1.1.1 の確認</td>"#));
    // Tested pages: full URLs (the site's URL is known), linked while the page exists.
    assert!(html.contains(r#"<a href="guides/flow.html" class="url">https://www.city.shizuoka.example/careplan/guides/flow.html</a>"#));
    assert!(html.contains(r#"<span class="url">https://www.city.shizuoka.example/careplan/guides/gone.html</span>（現在このサイトにないページ）"#));
    // The results page is one of the pages the site has (it lists itself).
    assert!(html.contains(r#"<a href="accessibility-results.html" class="url">https://www.city.shizuoka.example/careplan/accessibility-results.html</a>"#));
    assert_eq!(html.matches("（現在このサイトにないページ）").count(), 1);
    // The page is in the sitemap; the other sites have no record, so no results page.
    assert!(
        fx.read("m/221007/sitemap.xml")
            .contains("careplan/accessibility-results.html")
    );
    assert!(
        !fx.out()
            .join("m/221309/accessibility-results.html")
            .exists()
    );
    assert!(main_text(&fx.read("m/221309/accessibility.html")).contains("まだ公開していません"));

    // One AA criterion not met, with a plan: 一部準拠 at AA.
    fx.write(
        file,
        &record(
            CITY,
            |n| {
                if n == "1.4.3" {
                    "不適合"
                } else {
                    all_met(n)
                }
            },
            true,
        ),
    );
    fx.build_ok();
    let (page, policy) = claim_of(&fx);
    assert!(
        page.contains("JIS X 8341-3:2016 の適合レベル AA に一部準拠"),
        "{page}"
    );
    assert!(page.contains("不適合 1"), "{page}");
    assert!(policy.contains("の適合レベル AA に一部準拠"), "{policy}");
    assert!(page.contains("今後の対応方針 満たしていない達成基準は 2027年3月までに直します。"));

    // One Level A criterion not met: no claim at AA, 一部準拠 at A.
    fx.write(
        file,
        &record(
            CITY,
            |n| {
                if n == "1.1.1" {
                    "不適合"
                } else {
                    all_met(n)
                }
            },
            true,
        ),
    );
    fx.build_ok();
    let (page, _) = claim_of(&fx);
    assert!(page.contains("の適合レベル A に一部準拠"), "{page}");
    assert!(!page.contains("AA に一部準拠"), "{page}");
    assert!(!page.contains("に準拠"), "{page}");

    // A criterion nobody checked is never counted as met: not 準拠.
    fx.write(
        file,
        &record(
            CITY,
            |n| {
                if n == "2.4.7" {
                    "未確認"
                } else {
                    all_met(n)
                }
            },
            true,
        ),
    );
    fx.build_ok();
    let (page, _) = claim_of(&fx);
    assert!(page.contains("の適合レベル AA に一部準拠"), "{page}");
    assert!(page.contains("未確認 1"), "{page}");

    // Unmet criteria and no plan for them: 配慮, and the build says why.
    fx.write(
        file,
        &record(
            CITY,
            |n| {
                if n == "1.4.3" {
                    "不適合"
                } else {
                    all_met(n)
                }
            },
            false,
        ),
    );
    let report = fx.build_ok();
    let (page, policy) = claim_of(&fx);
    assert!(
        page.contains("JIS X 8341-3:2016 の適合レベル AA に配慮"),
        "{page}"
    );
    assert!(policy.contains("の適合レベル AA に配慮"), "{policy}");
    let warnings = report.problems.sorted();
    assert!(
        warnings.iter().any(|p| p.file.ends_with("2026-11-26.yaml")
            && p.message.contains("今後の対応方針（plan）がありません")),
        "{warnings:#?}"
    );

    // A newer record for the site replaces the older; one dated after the
    // build date is not used yet.
    fx.write(
        "data/accessibility/2026-11-28-retest.yaml",
        &record(CITY, all_met, false),
    );
    fx.write(
        "data/accessibility/2026-12-24.yaml",
        &record(CITY, |_| "不適合", true),
    );
    let report = fx.build_ok();
    let (page, _) = claim_of(&fx);
    assert!(page.contains("表明日 2026年11月28日"), "{page}");
    assert!(page.contains("AA に準拠"), "{page}");
    assert!(
        report
            .problems
            .sorted()
            .iter()
            .any(|p| p.file.ends_with("2026-12-24.yaml") && p.message.contains("まだ使いません"))
    );
}

#[test]
fn a_bad_record_is_refused_with_every_problem_located() {
    let fx = Fixture::new("basic");
    let good = record(CITY, all_met, true);
    let bad = good
        .replace("end: 2026-11-25", "end: 2026-11-30")
        .replace(
            "  \"221007\": [index.html",
            "  \"221008\": [index.html]\n  \"220001\": [../index.html",
        )
        .replace("  1.4.3: {result: 適合", "  1.4.3: {result: 合格")
        .replace(
            "  4.1.2: {result: 適合, note: \"4.1.2 の確認\"}\n",
            "  1.4.6: {result: 適合}\n",
        )
        .replace("tools: [axe-core]\n", "tools: [axe-core]\nverdict: 準拠\n");
    fx.write("data/accessibility/2026-11-26.yaml", &bad);
    let options = fx.options(&fx.out());
    let Err(BuildError::Problems(problems)) = build(&options) else {
        panic!("a bad record must stop the build");
    };
    let all = problems.sorted();
    let ours: Vec<_> = all
        .iter()
        .filter(|p| p.file.ends_with("2026-11-26.yaml"))
        .collect();
    let line_of = |needle: &str| bad.lines().position(|l| l.contains(needle)).unwrap() + 1;
    // The unknown key is reported alone (the file cannot be read as a record).
    assert_eq!(ours.len(), 1, "{all:#?}");
    assert_eq!(ours[0].line, line_of("verdict:"));
    assert!(ours[0].message.contains("verdict"), "{}", ours[0].message);

    // Without it, every value problem at once, each at its line and column.
    fx.write(
        "data/accessibility/2026-11-26.yaml",
        &bad.replace("verdict: 準拠\n", ""),
    );
    let bad = bad.replace("verdict: 準拠\n", "");
    let line_of = |needle: &str| bad.lines().position(|l| l.contains(needle)).unwrap() + 1;
    let Err(BuildError::Problems(problems)) = build(&options) else {
        panic!("a bad record must stop the build");
    };
    let all = problems.sorted();
    let found: Vec<(usize, usize, &str)> = all
        .iter()
        .filter(|p| p.file.ends_with("2026-11-26.yaml"))
        .map(|p| (p.line, p.column, p.message.as_str()))
        .collect();
    let expect = |line: usize, column: usize, text: &str| {
        assert!(
            found
                .iter()
                .any(|(l, c, m)| *l == line && *c == column && m.contains(text)),
            "no problem at {line}:{column} with 「{text}」 in {found:#?}"
        );
    };
    let column_of = |needle: &str, within: &str| {
        let line = bad.lines().find(|l| l.contains(within)).unwrap();
        line[..line.find(needle).unwrap()].chars().count() + 1
    };
    expect(
        line_of("end: 2026-11-30"),
        column_of("2026-11-30", "end: 2026-11-30"),
        "表明日（ファイル名の日付 2026-11-26）より後",
    );
    expect(line_of("\"221008\""), 3, "221008");
    expect(
        line_of("../index.html"),
        column_of("../index.html", "../index.html"),
        "サイトのフォルダの外",
    );
    expect(
        line_of("1.4.3: {result: 合格"),
        column_of("合格", "1.4.3: {result: 合格"),
        "結果「合格」は使えません",
    );
    expect(
        line_of("1.4.6:"),
        3,
        "レベル A・AA の達成基準の番号ではありません",
    );
    expect(line_of("criteria:"), 1, "達成基準 4.1.2 の結果がありません");
    assert_eq!(found.len(), 6, "{found:#?}");
}

/// `（PDF・42KB）` in a link's text: the type and the size as shown.
fn type_and_size(text: &str) -> Option<(String, String)> {
    let (before, after) = text.rsplit_once('・')?;
    let kind: String = before
        .chars()
        .rev()
        .take_while(|c| c.is_ascii_uppercase())
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    let size: String = after
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == '.' || *c == 'K' || *c == 'M' || *c == 'B')
        .collect();
    Some((kind, size))
}

/// Whether `shown` (`42KB`, `1.3MB`) is the size of a file of `bytes` bytes,
/// rounded up and never less than it.
fn size_matches(shown: &str, bytes: u64) -> bool {
    if let Some(kb) = shown.strip_suffix("KB") {
        let kb: u64 = kb.parse().unwrap();
        return bytes <= kb * 1024 && (kb == 1 || bytes > (kb - 1) * 1024);
    }
    if let Some(mb) = shown.strip_suffix("MB") {
        let tenths: u64 = mb.replace('.', "").parse().unwrap();
        let tenth = 1024 * 1024 / 10;
        return bytes <= tenths * 1024 * 1024 / 10 && bytes + tenth > tenths * 1024 * 1024 / 10;
    }
    false
}

/// Every `<a href>` in `html` with its text (tags inside removed).
fn anchors(html: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(at) = rest.find("<a ") {
        rest = &rest[at..];
        let open_end = rest.find('>').unwrap();
        let attrs = &rest[..open_end];
        let close = rest.find("</a>").unwrap();
        let inner = &rest[open_end + 1..close];
        rest = &rest[close..];
        let Some(h) = attrs.find("href=\"") else {
            continue;
        };
        let href = &attrs[h + 6..];
        let href = &href[..href.find('"').unwrap()];
        out.push((
            href.to_string(),
            main_text(&format!("<main>{inner}</main>")),
        ));
    }
    out
}

#[test]
fn every_link_to_a_file_shows_its_type_and_its_size_on_disk() {
    let fx = Fixture::new("basic");
    // An event, so there are calendar files and the events CSV.
    fx.write(
        "content/news/seminar.md",
        "---\ntitle: 市の説明会\ndate: 2026-11-15\nkind: イベント\ndescription: 説明会です。\n\
         event_date: 2027-01-26\nstart_time: \"13:30\"\nend_time: \"16:00\"\nvenue: 市役所\n\
         apply_phone: 054-000-0001\n---\n説明会の案内です。\n",
    );
    // A file of the theme's that an editor links to from Markdown.
    fx.write(
        "themes/default/static/fees.csv",
        "項目,金額\r\nライセンス料,21000\r\n",
    );
    fx.write(
        "content/guides/fees.md",
        "---\ntitle: 料金表\ndescription: 料金表です。\n---\n[料金表](../assets/fees.csv)をご覧ください。\n",
    );
    let mut options = fx.options(&fx.out());
    options.posters = true;
    let report = match build(&options) {
        Ok(r) => r,
        Err(e) => panic!("{e:?}"),
    };
    assert!(report.files > 0);
    let files = tree(&fx.out());
    let mut seen = std::collections::BTreeMap::<String, usize>::new();
    let mut checked = 0;
    let mut markdown_links = 0;
    for (rel, bytes) in &files {
        if !rel.ends_with(".html") {
            continue;
        }
        let html = String::from_utf8(bytes.clone()).unwrap();
        let dir = Path::new(rel).parent().unwrap();
        for (href, text) in anchors(&html) {
            if href.contains("://") || href.starts_with("mailto:") || href.starts_with("tel:") {
                continue;
            }
            let path = href.split(['#', '?']).next().unwrap();
            let Some(ext) = path.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase()) else {
                continue;
            };
            if !["pdf", "png", "csv", "json", "ics", "zip"].contains(&ext.as_str()) {
                continue;
            }
            let target = normalize(&dir.join(path));
            let size = fs::metadata(fx.out().join(&target))
                .unwrap_or_else(|e| panic!("{rel}: {href} → {target}: {e}"))
                .len();
            let (kind, shown) = type_and_size(&text).unwrap_or_else(|| {
                panic!("{rel}: the link to {href} shows no type and size: 「{text}」")
            });
            assert_eq!(kind, ext.to_ascii_uppercase(), "{rel}: {href}: 「{text}」");
            assert!(
                size_matches(&shown, size),
                "{rel}: {href} shows {shown} for {size} bytes: 「{text}」"
            );
            if rel.ends_with("guides/fees.html") {
                markdown_links += 1;
            }
            *seen.entry(ext).or_default() += 1;
            checked += 1;
        }
    }
    for ext in ["pdf", "png", "csv", "json", "ics"] {
        assert!(
            seen.contains_key(ext),
            "no link to a .{ext} file was checked: {seen:?}"
        );
    }
    // Written in Markdown and shared: the link on every site's copy of the guide.
    assert!(
        markdown_links > 1,
        "{markdown_links} Markdown links to a file checked"
    );
    // Every site's downloads page: CSV, JSON, posters (PDF, PNG), packs, QR, calendars.
    assert!(checked > 60, "{checked} links checked: {seen:?}");

    // The posters are tagged PDFs: the policy says so and names no exception.
    for (rel, bytes) in &files {
        if rel.ends_with(".pdf") {
            assert!(
                outreach::render::accessibility::pdf_is_tagged(bytes),
                "{rel} is not seen as tagged"
            );
        }
    }
    let policy = main_text(&fx.read("m/221007/accessibility.html"));
    assert!(
        policy.contains(
            "ポスターの PDF は、読み上げの順序、見出し、図の代替テキストを持つタグ付き PDF"
        )
    );
    assert!(policy.contains("例外事項 ありません。"), "{policy}");
}

#[test]
fn an_untagged_pdf_of_the_theme_is_named_as_an_exception() {
    let fx = Fixture::new("basic");
    fx.write(
        "themes/default/static/youkou.pdf",
        "%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n%%EOF\n",
    );
    fx.build_ok();
    for site in ["", "p/220001/", "m/221007/"] {
        let policy = main_text(&fx.read(&format!("{site}accessibility.html")));
        assert!(
            policy.contains("次のファイルはタグ付きの PDF ではありません。"),
            "{policy}"
        );
        assert!(policy.contains("assets/youkou.pdf"), "{policy}");
        assert!(!policy.contains("例外事項 ありません"), "{policy}");
    }
}

fn normalize(path: &Path) -> String {
    let mut parts: Vec<String> = Vec::new();
    for c in path.components() {
        match c {
            std::path::Component::ParentDir => {
                parts.pop();
            }
            std::path::Component::Normal(p) => parts.push(p.to_string_lossy().into_owned()),
            _ => {}
        }
    }
    parts.join("/")
}

#[test]
fn bad_policy_settings_are_reported_at_their_line_and_column() {
    let fx = Fixture::new("basic");
    let config = fs::read_to_string(fx.project().join("config.yaml")).unwrap();
    let good = "accessibility:\n  target_level: AA\n  policy_date: 2026-04-01\n  target_date: 2027-03-31\n";
    assert!(config.contains(good));
    let errors_in = |yaml: &str| {
        let text = config.replace(good, yaml);
        fx.write("config.yaml", &text);
        let Err(BuildError::Problems(problems)) = fx.build() else {
            panic!("bad policy settings must stop the build");
        };
        let line_of = |needle: &str| text.lines().position(|l| l.contains(needle)).unwrap() + 1;
        let found: Vec<(usize, usize, String)> = problems
            .sorted()
            .iter()
            .filter(|p| p.file.ends_with("config.yaml") && p.message.contains("accessibility."))
            .map(|p| (p.line, p.column, p.message.clone()))
            .collect();
        (
            found,
            line_of("target_level:"),
            line_of("policy_date:"),
            line_of("target_date:"),
        )
    };

    // A level that is not A or AA, and a date that does not exist: both, at their values.
    let (found, level_line, policy_line, _) = errors_in(
        "accessibility:\n  target_level: AAA\n  policy_date: 2026-04-31\n  target_date: 2027-03-31\n",
    );
    assert_eq!(found.len(), 2, "{found:#?}");
    assert!(
        found
            .iter()
            .any(|(l, c, m)| *l == level_line && *c == 17 && m.contains("「AAA」")),
        "{found:#?}"
    );
    assert!(
        found
            .iter()
            .any(|(l, c, m)| *l == policy_line && *c == 16 && m.contains("2026-04-31")),
        "{found:#?}"
    );

    // A target date before the policy was set.
    let (found, _, _, target_line) = errors_in(
        "accessibility:\n  target_level: AA\n  policy_date: 2026-04-01\n  target_date: 2026-03-31\n",
    );
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(found[0].0, target_line, "{found:#?}");
    assert!(
        found[0]
            .2
            .contains("方針を定めた日（policy_date、2026-04-01）より前"),
        "{found:#?}"
    );
}
