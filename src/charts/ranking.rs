//! Ranked horizontal bars: the municipalities of a prefecture, or the 47 prefectures.

use super::hbars::{self, Layout, RefKind, RefLine, Row};
use super::{
    Chart, DataTable, NARROW_MAX_WIDTH, NARROW_WIDTH, RateBar, Target, pct, tenths, unit_for,
};
use crate::fonts::Fonts;

/// The viewBox width of a long ranking on wide screens.
const WIDE_WIDTH: f64 = 560.0;
/// Rankings longer than this get a small-screen excerpt.
const LONG: usize = 15;
/// Rows shown at the top and at the bottom of the small-screen excerpt.
const ENDS: usize = 5;

/// Sort descending by the shown rate (tenths of a percent), ties by name; ranks are shared by ties.
pub(crate) fn ranked(items: &[RateBar]) -> Vec<(usize, &RateBar)> {
    let mut sorted: Vec<&RateBar> = items.iter().collect();
    sorted.sort_by(|a, b| {
        tenths(b.rate)
            .cmp(&tenths(a.rate))
            .then_with(|| a.label.cmp(&b.label))
    });
    let mut out = Vec::with_capacity(sorted.len());
    let mut rank = 0;
    for (i, item) in sorted.iter().enumerate() {
        if i == 0 || tenths(sorted[i - 1].rate) != tenths(item.rate) {
            rank = i + 1;
        }
        out.push((rank, *item));
    }
    out
}

pub fn ranking(
    subject: &str,
    items: &[RateBar],
    target: &Target,
    own: Option<&RateBar>,
    national: Option<&RateBar>,
    fonts: &Fonts,
) -> Chart {
    let id = "chart-ranking";
    let labels: Vec<&str> = items.iter().map(|i| i.label.as_str()).collect();
    let unit = unit_for(&labels);
    let title = format!("{subject}の{unit}別 利用率の順位");
    let ranked = ranked(items);
    let rows: Vec<Row> = ranked
        .iter()
        .map(|(rank, b)| Row {
            rank: Some(*rank),
            label: b.label.clone(),
            rate: b.rate,
            emphasis: b.emphasis || own.is_some_and(|o| o.label == b.label),
            illustrative: b.illustrative,
            gap_above: false,
        })
        .collect();
    let mut refs = vec![RefLine {
        label: target.line_label(),
        rate: target.share,
        kind: RefKind::Target,
    }];
    let sample = |b: &RateBar| {
        if b.illustrative {
            "（サンプル）"
        } else {
            ""
        }
    };
    if let Some(o) = own {
        refs.push(RefLine {
            label: format!("{} {}{}", o.label, pct(o.rate), sample(o)),
            rate: o.rate,
            kind: RefKind::Own,
        });
    }
    if let Some(n) = national {
        refs.push(RefLine {
            label: format!("全国 {}{}", pct(n.rate), sample(n)),
            rate: n.rate,
            kind: RefKind::National,
        });
    }
    let description = describe(subject, unit, &ranked, target, own, national);
    let long = rows.len() > LONG;
    let layout = Layout {
        width: if long { WIDE_WIDTH } else { NARROW_WIDTH },
        font: 14.0,
        pitch: if long { 22.0 } else { 26.0 },
        bar: if long { 14.0 } else { 16.0 },
        label_cap: 112.0,
        axis_top: long,
    };
    let sketch = hbars::draw(id, &rows, &refs, target.share, &layout, fonts);
    let max_width = if long { WIDE_WIDTH } else { NARROW_MAX_WIDTH };
    let svg = sketch.finish(id, &title, &description, max_width);
    let small_svg = long.then(|| {
        let small_id = format!("{id}-small");
        let (rows, kept) = excerpt(rows);
        let layout = Layout {
            width: NARROW_WIDTH,
            pitch: 26.0,
            bar: 16.0,
            axis_top: false,
            ..layout
        };
        let sketch = hbars::draw(&small_id, &rows, &refs, target.share, &layout, fonts);
        let own_name = own.map(|o| o.label.as_str()).filter(|_| kept);
        let small_description = format!(
            "{description}この図は上位{ENDS}と下位{ENDS}{}だけを示しています。すべての順位は表にあります。",
            own_name.map(|n| format!("、{n}の前後")).unwrap_or_default()
        );
        sketch.finish(
            &small_id,
            &format!("{title}（抜粋）"),
            &small_description,
            NARROW_MAX_WIDTH,
        )
    });

    let table_rows = ranked
        .iter()
        .map(|(rank, b)| {
            let mut rate = pct(b.rate);
            if b.illustrative {
                rate.push_str("（サンプル）");
            }
            vec![format!("{rank}"), b.label.clone(), rate]
        })
        .collect();
    Chart {
        id: id.to_string(),
        title: title.clone(),
        description,
        svg,
        table: DataTable {
            caption: title,
            columns: vec!["順位".to_string(), "名前".to_string(), "利用率".to_string()],
            rows: table_rows,
        },
        small_svg,
        small_table: false,
    }
}

/// The small-screen excerpt of a long ranking: the top and bottom [`ENDS`] rows and the site's
/// own row with its neighbours, a gap marked where rows were left out. Also says whether the
/// own row is among them as a row of its own (not only in the top or bottom).
fn excerpt(rows: Vec<Row>) -> (Vec<Row>, bool) {
    let n = rows.len();
    let own = rows.iter().position(|r| r.emphasis);
    let keep =
        |i: usize| i < ENDS || i + ENDS >= n || own.is_some_and(|o| i + 1 >= o && i <= o + 1);
    let own_apart = own.is_some_and(|o| o >= ENDS && o + ENDS < n);
    let mut out = Vec::new();
    let mut last: Option<usize> = None;
    for (i, mut row) in rows.into_iter().enumerate() {
        if !keep(i) {
            continue;
        }
        row.gap_above = last.is_some_and(|l| l + 1 != i);
        last = Some(i);
        out.push(row);
    }
    (out, own_apart)
}

fn describe(
    subject: &str,
    unit: &str,
    ranked: &[(usize, &RateBar)],
    target: &Target,
    own: Option<&RateBar>,
    national: Option<&RateBar>,
) -> String {
    let n = ranked.len();
    if n == 0 {
        return format!("{subject}の{unit}別の利用率のデータはまだありません。");
    }
    let mut out = String::new();
    let top = ranked[0].1;
    let bottom = ranked[n - 1].1;
    out.push_str(&format!(
        "{subject}の{n}{unit}のうち、利用率が最も高いのは{}の{}、最も低いのは{}の{}です。",
        top.label,
        pct(top.rate),
        bottom.label,
        pct(bottom.rate)
    ));
    let met = ranked
        .iter()
        .filter(|(_, b)| target.reached(b.rate))
        .count();
    out.push_str(&target.count_sentence(met, unit));
    let sample = |b: &RateBar| {
        if b.illustrative {
            "（サンプル値）"
        } else {
            ""
        }
    };
    if let Some(o) = own {
        let name = &o.label;
        match ranked.iter().find(|(_, b)| &b.label == name) {
            Some((rank, _)) => out.push_str(&format!(
                "{name}は{n}{unit}中{rank}位で、{}{}です。",
                pct(o.rate),
                sample(o)
            )),
            None => out.push_str(&format!(
                "{name}の利用率は{}{}です。",
                pct(o.rate),
                sample(o)
            )),
        }
    }
    if let Some(n) = national {
        out.push_str(&format!("全国の利用率は{}{}です。", pct(n.rate), sample(n)));
    }
    if ranked.iter().any(|(_, b)| b.illustrative) {
        out.push_str("斜線の棒はサンプル（架空）の値です。");
    }
    out
}
