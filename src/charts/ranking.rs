//! Ranked horizontal bars: the municipalities of a prefecture, or the 47 prefectures.

use super::hbars::{self, Layout, RefKind, RefLine, Row};
use super::{Chart, DataTable, RateBar, finish, pct, pct_target, tenths, unit_for};
use crate::fonts::Fonts;

const WIDTH: f64 = 640.0;

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
    target: f64,
    own: Option<(&str, f64)>,
    national: Option<f64>,
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
            emphasis: b.emphasis || own.is_some_and(|(name, _)| name == b.label),
            illustrative: b.illustrative,
        })
        .collect();
    let mut refs = vec![RefLine {
        label: format!("目標 {}", pct_target(target)),
        rate: target,
        kind: RefKind::Target,
    }];
    if let Some((name, rate)) = own {
        refs.push(RefLine {
            label: format!("{name} {}", pct(rate)),
            rate,
            kind: RefKind::Own,
        });
    }
    if let Some(rate) = national {
        refs.push(RefLine {
            label: format!("全国 {}", pct(rate)),
            rate,
            kind: RefKind::National,
        });
    }
    let layout = Layout {
        width: WIDTH,
        font: 13.0,
        pitch: 22.0,
        bar: 14.0,
        label_cap: 170.0,
        axis_top: rows.len() > 15,
    };
    let (body, height) = hbars::draw(id, &rows, &refs, target, &layout, fonts);
    let description = describe(subject, unit, &ranked, target, own, national);
    let svg = finish(body, WIDTH, height, id, &title, &description);

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
    }
}

fn describe(
    subject: &str,
    unit: &str,
    ranked: &[(usize, &RateBar)],
    target: f64,
    own: Option<(&str, f64)>,
    national: Option<f64>,
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
        .filter(|(_, b)| tenths(b.rate) >= tenths(target))
        .count();
    if met == 0 {
        out.push_str(&format!(
            "目標の{}に達している{unit}はまだありません。",
            pct_target(target)
        ));
    } else {
        out.push_str(&format!(
            "目標の{}に達しているのは{met}{unit}です。",
            pct_target(target)
        ));
    }
    if let Some((name, rate)) = own {
        match ranked.iter().find(|(_, b)| b.label == name) {
            Some((rank, _)) => out.push_str(&format!(
                "{name}は{n}{unit}中{rank}位で、{}です。",
                pct(rate)
            )),
            None => out.push_str(&format!("{name}の利用率は{}です。", pct(rate))),
        }
    }
    if let Some(rate) = national {
        out.push_str(&format!("全国の利用率は{}です。", pct(rate)));
    }
    if ranked.iter().any(|(_, b)| b.illustrative) {
        out.push_str("斜線の棒はサンプル（架空）の値です。");
    }
    out
}
