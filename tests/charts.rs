//! Chart text is legible on phones: built from the shipped sample project, every chart on the
//! national, 静岡県 and 静岡市 home pages is checked for the CSS pixel size its text gets at
//! 320, 375 and 1280 px, computed from the SVG's viewBox, the CSS width the chart gets and the
//! font sizes of its text.

mod common;

use std::path::Path;

use outreach::build::{BuildOptions, Selection, build};
use outreach::charts::SMALL_SCREEN_MAX_REM;

/// The page's content column at a viewport width, read from the stylesheet's rules for
/// `.container` (padding `0 var(--space)`, `--space: 1rem`): 16 px on each side.
fn content_width(css: &str, viewport: f64) -> f64 {
    assert!(
        css.contains(".container { max-width: 72rem; margin: 0 auto; padding: 0 var(--space); }")
            && css.contains("--space: 1rem;"),
        "the page layout changed: update content_width() to the new .container rules"
    );
    (viewport - 2.0 * 16.0).min(72.0 * 16.0 - 2.0 * 16.0)
}

/// The value of `attr="…"` in the start tag `tag`.
fn attr<'a>(tag: &'a str, attr: &str) -> Option<&'a str> {
    let start = tag.find(&format!(" {attr}=\""))? + attr.len() + 3;
    let end = tag[start..].find('"')? + start;
    Some(&tag[start..end])
}

/// One chart form on a page: whether it is the wide or the small-screen form, and its SVG.
struct Form<'a> {
    class: &'a str,
    svg: &'a str,
}

/// Every `<figure class="chart…">` of a page with the forms it holds.
fn figures(html: &str) -> Vec<(&str, Vec<Form<'_>>)> {
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(start) = rest.find("<figure class=\"chart") {
        let end = rest[start..].find("</figure>").unwrap() + start;
        let figure = &rest[start..end];
        let mut forms = Vec::new();
        let mut inner = figure;
        while let Some(div) = inner.find("<div class=\"chart-svg") {
            let tag_end = inner[div..].find('>').unwrap() + div;
            let class = attr(&inner[div..=tag_end], "class").unwrap();
            let svg_start = inner[tag_end..].find("<svg").unwrap() + tag_end;
            let svg_end = inner[svg_start..].find("</svg>").unwrap() + svg_start + 6;
            forms.push(Form {
                class,
                svg: &inner[svg_start..svg_end],
            });
            inner = &inner[svg_end..];
        }
        out.push((figure, forms));
        rest = &rest[end..];
    }
    out
}

/// Whether a form is displayed at `viewport` px: the wide form of a chart with a small-screen
/// form only above the stylesheet's small-screen width, its small form only at or below it.
fn shown(class: &str, viewport: f64) -> bool {
    let small_screen = viewport <= SMALL_SCREEN_MAX_REM * 16.0;
    if class.split(' ').any(|c| c == "chart-wide") {
        !small_screen
    } else if class.split(' ').any(|c| c == "chart-small") {
        small_screen
    } else {
        true
    }
}

/// The smallest text of `svg` in CSS px when its container is `width` px wide.
fn smallest_text(svg: &str, width: f64) -> f64 {
    let root = &svg[..svg.find('>').unwrap()];
    let view_box: Vec<f64> = attr(root, "viewBox")
        .unwrap()
        .split(' ')
        .map(|v| v.parse().unwrap())
        .collect();
    // `width="100%"` with the stylesheet's `width: 100%`, capped by the inline max-width.
    assert_eq!(attr(root, "width"), Some("100%"));
    let style = attr(root, "style").unwrap();
    let max: f64 = style
        .strip_prefix("max-width:")
        .and_then(|s| s.split("px").next())
        .unwrap()
        .parse()
        .unwrap();
    let scale = width.min(max) / view_box[2];
    let texts: Vec<&str> = svg.split("<text").skip(1).collect();
    assert!(!texts.is_empty());
    texts
        .iter()
        .map(|t| {
            let tag = &t[..t.find('>').unwrap()];
            let size: f64 = attr(tag, "font-size")
                .expect("every text sets its size")
                .parse()
                .unwrap();
            size * scale
        })
        .fold(f64::INFINITY, f64::min)
}

#[test]
fn chart_text_is_legible_on_phones_on_the_sample_home_pages() {
    let dir = tempfile::tempdir().unwrap();
    let project = dir.path().join("project");
    let root = common::repo_root();
    for part in ["content", "data", "themes"] {
        common::copy_dir(&root.join(part), &project.join(part));
    }
    std::fs::copy(root.join("config.yaml"), project.join("config.yaml")).unwrap();
    let out = dir.path().join("public");
    let options = BuildOptions {
        project: project.clone(),
        out: out.clone(),
        selection: Selection {
            only: vec!["000000".into(), "220001".into(), "221007".into()],
            ..Selection::default()
        },
        build_date: "2026-11-29".parse().unwrap(),
        progress: false,
        posters: false,
        ogp_images: false,
        print_marks: None,
    };
    if let Err(e) = build(&options) {
        panic!("{e:?}");
    }
    let read = |rel: &str| std::fs::read_to_string(out.join(rel)).unwrap();
    let css = read("assets/style.css");
    assert!(
        css.contains(&format!("@media (max-width: {SMALL_SCREEN_MAX_REM}rem)")),
        "the stylesheet switches to the small-screen forms at the width the charts are sized for"
    );

    // (page, chart ids it must show, ids that have a small-screen form)
    let pages: [(&str, &[&str], &[&str]); 3] = [
        (
            "index.html",
            &[
                "chart-tile-map",
                "chart-ranking",
                "chart-distribution",
                "chart-trend",
            ],
            &["chart-tile-map", "chart-ranking"],
        ),
        (
            "p/220001/index.html",
            // The office rate's trend, and the trend of what 都道府県の目標 measures.
            &["chart-kpi-", "chart-ranking", "chart-trend", "chart-trend-"],
            &["chart-ranking"],
        ),
        (
            "m/221007/index.html",
            &["chart-comparison", "chart-kpi-", "chart-trend"],
            &[],
        ),
    ];
    for (page, kinds, switched) in pages {
        let html = read(page);
        let figures = figures(&html);
        for kind in kinds {
            let figure = figures
                .iter()
                .find(|(_, forms)| forms[0].svg.contains(&format!("aria-labelledby=\"{kind}")))
                .unwrap_or_else(|| panic!("{page}: no {kind} chart"));
            assert_eq!(
                switched.contains(kind),
                figure.0.contains("chart-switch"),
                "{page}: {kind} has a small-screen form exactly when it needs one"
            );
        }
        assert_eq!(figures.len(), kinds.len(), "{page}");
        for (figure, forms) in &figures {
            for (viewport, least) in [(320.0, 11.0), (375.0, 12.0), (1280.0, 12.0)] {
                let width = content_width(&css, viewport);
                let visible: Vec<&Form> =
                    forms.iter().filter(|f| shown(f.class, viewport)).collect();
                // A chart that gives way to its table on small screens shows the table there.
                let table_instead = figure.contains("chart-switch-table")
                    && viewport <= SMALL_SCREEN_MAX_REM * 16.0;
                if table_instead {
                    assert!(visible.is_empty(), "{page}");
                    let small = &figure[figure.find("<div class=\"chart-small\">").unwrap()..];
                    assert!(small.contains("<table>") && small.contains("<th scope=\"row\">"));
                    continue;
                }
                assert_eq!(
                    visible.len(),
                    1,
                    "{page}: one form of each chart at {viewport} px"
                );
                let smallest = smallest_text(visible[0].svg, width);
                assert!(
                    smallest >= least,
                    "{page}: text of {} px at {viewport} px in {}",
                    (smallest * 10.0).round() / 10.0,
                    &visible[0].svg[..200]
                );
            }
        }
    }
    // The long rankings' small-screen forms keep the top and the bottom and say what they leave out.
    let prefecture = read("p/220001/index.html");
    assert!(prefecture.contains("（抜粋）</title>"));
    assert!(prefecture.contains("この図は上位5と下位5だけを示しています。"));
    assert!(Path::new(&out.join("p/220001/index.html")).exists());
}
