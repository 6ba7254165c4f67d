//! The municipality home chart: the site's own rate beside its prefecture and the nation.

use super::hbars::{self, Layout, RefKind, RefLine, Row};
use super::{
    Chart, DataTable, NARROW_MAX_WIDTH, NARROW_WIDTH, RateBar, Target, pct, points, tenths,
};
use crate::fonts::Fonts;

pub fn comparison(subject: &str, bars: &[RateBar], target: &Target, fonts: &Fonts) -> Chart {
    let id = "chart-comparison";
    let title = format!("{subject}の利用率の比較");
    let rows: Vec<Row> = bars
        .iter()
        .map(|b| Row {
            rank: None,
            label: b.label.clone(),
            rate: b.rate,
            emphasis: b.emphasis,
            illustrative: b.illustrative,
            gap_above: false,
        })
        .collect();
    let refs = [RefLine {
        label: target.line_label(),
        rate: target.share,
        kind: RefKind::Target,
    }];
    let layout = Layout {
        width: NARROW_WIDTH,
        font: 16.0,
        pitch: 44.0,
        bar: 26.0,
        label_cap: 120.0,
        axis_top: false,
    };
    let sketch = hbars::draw(id, &rows, &refs, target.share, &layout, fonts);
    let description = describe(subject, bars, target);
    let svg = sketch.finish(id, &title, &description, NARROW_MAX_WIDTH);

    let mut table_rows = Vec::new();
    for b in bars {
        let gap = tenths(target.share) - tenths(b.rate);
        let to_target = if gap > 0 {
            format!("あと{}", points(gap))
        } else if target.goal.is_some() {
            "達成".to_string()
        } else {
            "以上".to_string()
        };
        let mut rate = pct(b.rate);
        if b.illustrative {
            rate.push_str("（サンプル）");
        }
        table_rows.push(vec![b.label.clone(), rate, to_target]);
    }
    Chart {
        id: id.to_string(),
        title: title.clone(),
        description,
        svg,
        table: DataTable {
            caption: title,
            columns: vec![
                "対象".to_string(),
                "利用率".to_string(),
                format!("{}まで", target.phrase()),
            ],
            rows: table_rows,
        },
        small_svg: None,
        small_table: false,
    }
}

fn describe(subject: &str, bars: &[RateBar], target: &Target) -> String {
    if bars.is_empty() {
        return format!("{subject}の利用率のデータはまだありません。");
    }
    let own = bars.iter().find(|b| b.emphasis).unwrap_or(&bars[0]);
    let mut out = String::new();
    let sample = |b: &RateBar| {
        if b.illustrative {
            "（サンプル値）"
        } else {
            ""
        }
    };
    out.push_str(&format!(
        "{}の利用率は{}{}で、{}",
        own.label,
        pct(own.rate),
        sample(own),
        target.gap_sentence(own.rate)
    ));
    let others: Vec<&RateBar> = bars.iter().filter(|b| !std::ptr::eq(*b, own)).collect();
    if others.is_empty() {
        return out;
    }
    let listed: Vec<String> = others
        .iter()
        .map(|b| format!("{}は{}{}", b.label, pct(b.rate), sample(b)))
        .collect();
    out.push_str(&format!("{}です。", listed.join("、")));
    let mut clauses: Vec<String> = others
        .iter()
        .map(|b| {
            let d = tenths(own.rate) - tenths(b.rate);
            match d.cmp(&0) {
                std::cmp::Ordering::Greater => format!("{}より{}高く", b.label, points(d)),
                std::cmp::Ordering::Less => format!("{}より{}低く", b.label, points(d)),
                std::cmp::Ordering::Equal => format!("{}と同じ", b.label),
            }
        })
        .collect();
    // The last clause closes the sentence: 「…高く」 becomes 「…高い」.
    if let Some(last) = clauses.last_mut()
        && last.ends_with('く')
    {
        last.pop();
        last.push('い');
    }
    out.push_str(&format!("{}は{}水準です。", own.label, clauses.join("、")));
    out
}
