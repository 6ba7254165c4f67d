//! Subsidy programmes as one site shows them: status on the build date,
//! dates in both calendars, the areas a programme is limited to, and the
//! licence-fee cost estimate (a worked table that `estimate.js` recomputes for
//! the reader's number of office numbers with the same rules, see
//! [`crate::data::subsidies::estimate`]).

use std::collections::BTreeMap;

use jiff::civil::Date;
use serde::Serialize;

use crate::config::{Campaign, Config};
use crate::data::jis::Code as JisCode;
use crate::data::jis::MasterList;
use crate::data::subsidies::estimate::{Outcome, Plan};
use crate::data::subsidies::{FeeBasis, Status, Subsidy};
use crate::dates::{format_both, format_western};
use crate::format::thousands;

#[derive(Debug, Clone, Serialize)]
pub struct SubsidyView {
    pub id: String,
    pub name: String,
    pub provider: String,
    pub administered_by: String,
    pub budget_source: String,
    pub eligible: Vec<String>,
    pub covers: Vec<String>,
    pub rate: Option<String>,
    /// `50,000円（1申請あたり）`
    pub ceiling: Option<String>,
    pub window_start: Option<String>,
    pub window_end: Option<String>,
    pub window_end_iso: Option<String>,
    pub has_window: bool,
    pub status: &'static str,
    /// `upcoming`, `open`, `closing-soon`, `closed`: for CSS classes.
    pub status_key: &'static str,
    pub how_to_apply: String,
    pub contact: String,
    pub link: Option<String>,
    pub confirmed: String,
    /// The programme itself is sample data.
    pub illustrative: bool,
    /// The programme or the areas it is shown for are sample data.
    pub sample: bool,
    /// The areas it is limited to, as this site's readers need them.
    pub areas: Option<String>,
    pub areas_illustrative: bool,
    /// What amount it pays on, for a programme that pays towards the licence fee.
    pub fee_basis: Option<String>,
    /// `1,000円未満切り捨て`
    pub round_down: Option<String>,
    /// What the programme says about other programmes for the same expense.
    pub combination: Option<String>,
    /// Yen towards one office number's licence fee a year, used alone.
    pub licence_fee_subsidy: Option<String>,
}

/// A programme in an overview table: its name, status and window.
#[derive(Debug, Clone, Serialize)]
pub struct ProgrammeStatus {
    pub name: String,
    pub has_window: bool,
    pub status: &'static str,
    pub status_key: &'static str,
    /// `2026年10月1日〜2027年1月29日`; empty without a window.
    pub window: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct CampaignView {
    pub name: String,
    pub period: String,
    pub note: String,
}

/// One amount column of the worked table.
#[derive(Debug, Clone, Serialize)]
pub struct Column {
    /// `first`, `later` or `year`: the second half of a cell key.
    pub key: &'static str,
    pub label: String,
    /// The label in a sentence (`初年度`).
    pub short: String,
    /// The first-year-free campaign pays this column's fee.
    pub campaign: bool,
}

/// A cell of the worked table: text and whether it rests on sample data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct Cell {
    pub text: String,
    pub sample: bool,
}

/// Everything of the estimate that depends on the number of office numbers:
/// what the worked table shows for it, and what `estimate.js` writes for it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct EstimateTexts {
    /// `1件`
    pub offices: String,
    /// By `row:column` key: `fee:year`, `campaign:first`, `p0:later`, `net:first`.
    pub cells: BTreeMap<String, Cell>,
    /// Per column: which programmes the estimate uses, and why not the others.
    pub choices: Vec<String>,
    /// One sentence for the live region.
    pub summary: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct RowView {
    pub key: String,
    pub label: String,
    /// Terms in short, for a programme row (`3/4・税抜・上限50,000円（1申請あたり）`).
    pub terms: Option<String>,
    pub sample: bool,
    pub cells: Vec<CellView>,
}

#[derive(Debug, Clone, Serialize)]
pub struct CellView {
    pub key: String,
    pub text: String,
    pub sample: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct Estimate {
    /// `21,000円（税込）`
    pub fee_display: String,
    /// The day the fee was confirmed (templates write it with `date_ja`).
    pub as_of: Date,
    pub note: String,
    /// Campaigns in effect on the build date, announced above the table.
    pub campaigns: Vec<CampaignView>,
    pub columns: Vec<Column>,
    /// A first-year-free campaign is in effect: the table has its row.
    pub has_campaign_row: bool,
    /// The programmes the estimate may use (for [`estimate_texts`] with another number).
    #[serde(skip)]
    pub plan: Plan,
    /// Fee, campaign, programmes and net, in that order.
    pub rows: Vec<RowView>,
    /// The office numbers the table assumes.
    pub offices: u64,
    pub texts: EstimateTexts,
    /// What the table assumes, sentence by sentence.
    pub assumptions: Vec<String>,
    /// Programmes for the licence fee that the table leaves out, and why.
    pub left_out: Vec<String>,
    /// Some programme the estimate may use is sample data.
    pub sample: bool,
    /// The JSON `estimate.js` reads.
    pub data: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct SubsidiesView {
    pub current: Vec<SubsidyView>,
    pub past: Vec<SubsidyView>,
    pub estimate: Estimate,
    /// Open programmes that close soonest (for the home page).
    pub closing_soonest: Vec<SubsidyView>,
}

fn status_key(status: Status) -> &'static str {
    match status {
        Status::Upcoming => "upcoming",
        Status::Open => "open",
        Status::ClosingSoon => "closing-soon",
        Status::Closed => "closed",
    }
}

fn yen(n: u64) -> String {
    format!("{}円", thousands(n))
}

/// `2026年10月1日〜2027年1月29日`, `2026年10月1日から`, `2027年1月29日まで`.
fn window_text(start: Option<Date>, end: Option<Date>) -> String {
    match (start, end) {
        (Some(s), Some(e)) => format!("{}〜{}", format_western(s), format_western(e)),
        (Some(s), None) => format!("{}から", format_western(s)),
        (None, Some(e)) => format!("{}まで", format_western(e)),
        (None, None) => String::new(),
    }
}

/// Status and window of a programme for an overview table.
pub fn programme_status(s: &Subsidy, config: &Config, today: Date) -> ProgrammeStatus {
    let status = s.status(today, config.subsidies.closing_soon_days);
    ProgrammeStatus {
        name: s.name.clone(),
        has_window: s.has_window(),
        status: status.label(),
        status_key: status_key(status),
        window: window_text(s.window_start, s.window_end),
    }
}

/// The areas of a programme as a site's readers need them. The national site
/// (`site_prefecture` `None`) lists every prefecture with its municipalities;
/// a prefecture's or municipality's site (its prefecture's code) lists those
/// inside its prefecture.
pub fn areas_text(
    s: &Subsidy,
    master: &MasterList,
    site_prefecture: Option<JisCode>,
) -> Option<String> {
    if s.areas.is_empty() {
        return None;
    }
    let pref_name = |prefecture: &JisCode| {
        master.prefecture(prefecture).map_or_else(
            || prefecture.prefecture_digits().to_string(),
            |p| p.name.clone(),
        )
    };
    let muni_name = |code: &str| {
        master
            .municipality(code)
            .map_or_else(|| code.to_string(), |m| m.name.clone())
    };
    // Areas by prefecture, in code order (areas are sorted).
    let mut by_pref: BTreeMap<JisCode, (bool, Vec<String>)> = BTreeMap::new();
    for code in &s.areas {
        let Some(prefecture) = code.prefecture() else {
            continue;
        };
        let entry = by_pref.entry(prefecture).or_default();
        if code.is_prefecture() {
            entry.0 = true;
        } else {
            entry.1.push(muni_name(code));
        }
    }
    let describe = |prefecture: &JisCode, whole: bool, munis: &[String]| {
        if whole {
            format!("{}の全域", pref_name(prefecture))
        } else {
            munis.join("、")
        }
    };
    match site_prefecture {
        None => Some(
            by_pref
                .iter()
                .map(|(prefecture, (whole, munis))| {
                    if *whole {
                        format!("{}（全域）", pref_name(prefecture))
                    } else {
                        format!("{}（{}）", pref_name(prefecture), munis.join("、"))
                    }
                })
                .collect::<Vec<_>>()
                .join("、"),
        ),
        Some(prefecture) => {
            let others = by_pref.keys().filter(|p| **p != prefecture).count();
            let mut text = match by_pref.get(&prefecture) {
                Some((whole, munis)) => {
                    let mut t = describe(&prefecture, *whole, munis);
                    if !*whole && munis.len() > 1 {
                        t.push_str(&format!(
                            "（{}内の{}市区町村）",
                            pref_name(&prefecture),
                            munis.len()
                        ));
                    }
                    t
                }
                None => String::new(),
            };
            if others > 0 {
                if !text.is_empty() {
                    text.push('。');
                }
                text.push_str(&format!("ほかに{others}都道府県で実施"));
            }
            Some(text)
        }
    }
}

/// The fee per office number that a programme pays on, as a card says it.
fn fee_basis_text(s: &Subsidy, config: &Config) -> Option<String> {
    if !s.covers_licence_fee() {
        return None;
    }
    let fee = &config.licence_fee;
    let amount = s.fee_basis.fee_yen(fee)?;
    Some(match s.fee_basis {
        FeeBasis::TaxIncluded => format!("税込の額（ライセンス料なら{}）", yen(amount)),
        FeeBasis::TaxExcluded => format!("税抜の額（ライセンス料なら{}）", yen(amount)),
    })
}

fn combination_text(s: &Subsidy, all: &[Subsidy]) -> Option<String> {
    let name_of = |id: &str| {
        all.iter()
            .find(|o| o.id == id)
            .map_or_else(|| id.to_string(), |o| o.name.clone())
    };
    if s.combinable {
        Some("ほかの制度と併用できます（相手の制度も併用を認めている場合）".to_string())
    } else if !s.combinable_with.is_empty() {
        Some(format!(
            "{}と併用できます",
            s.combinable_with
                .iter()
                .map(|id| format!("「{}」", name_of(id)))
                .collect::<Vec<_>>()
                .join("、")
        ))
    } else if s.covers_licence_fee() {
        Some("ほかの制度との併用は定められていません（費用の試算では併用しません）".to_string())
    } else {
        None
    }
}

pub fn subsidy_view(
    s: &Subsidy,
    all: &[Subsidy],
    master: &MasterList,
    config: &Config,
    site_prefecture: Option<JisCode>,
    today: Date,
) -> SubsidyView {
    let status = s.status(today, config.subsidies.closing_soon_days);
    let alone = s
        .covers_licence_fee()
        .then(|| Plan::new(&[s], &config.licence_fee))
        .filter(|p| !p.programmes.is_empty())
        .and_then(|p| p.outcome(1, false).paid[0])
        .map(yen);
    SubsidyView {
        id: s.id.clone(),
        name: s.name.clone(),
        provider: s.provider.display_name(master),
        administered_by: s.administered_by.clone(),
        budget_source: s.budget_source.clone(),
        eligible: s.eligible.clone(),
        covers: s.covers.clone(),
        rate: s.rate.map(|r| r.display()),
        ceiling: s
            .ceiling_yen
            .map(|y| format!("{}（{}）", yen(y), s.ceiling_per.label())),
        window_start: s.window_start.map(format_both),
        window_end: s.window_end.map(format_both),
        window_end_iso: s.window_end.map(|d| d.to_string()),
        has_window: s.has_window(),
        status: status.label(),
        status_key: status_key(status),
        how_to_apply: s.how_to_apply.clone(),
        contact: s.contact.clone(),
        link: s.link.clone(),
        confirmed: format_both(s.confirmed),
        illustrative: s.illustrative,
        sample: s.shown_as_sample(),
        areas: areas_text(s, master, site_prefecture),
        areas_illustrative: s.areas_illustrative && !s.areas.is_empty(),
        fee_basis: fee_basis_text(s, config),
        round_down: s.round_down_to.map(|u| format!("{}未満切り捨て", yen(u))),
        combination: combination_text(s, all),
        licence_fee_subsidy: alone,
    }
}

/// The first campaign in effect on `today`, and whether it is one.
fn in_effect(c: &Campaign, today: Date) -> bool {
    c.from <= today && c.until.is_none_or(|u| today <= u)
}

fn campaign_period(c: &Campaign) -> String {
    let from = format_western(c.from);
    match c.until {
        Some(u) => format!("{from}〜{}", format_western(u)),
        None => format!("{from}から"),
    }
}

/// The worked table's columns: with a first-year-free campaign in effect, its
/// first year and the years it does not cover; else one year.
fn columns(campaign: Option<&Campaign>) -> Vec<Column> {
    match campaign {
        Some(_) => vec![
            Column {
                key: "first",
                label: "初年度（キャンペーン対象）".to_string(),
                short: "初年度".to_string(),
                campaign: true,
            },
            Column {
                key: "later",
                label: "2年目以降など（キャンペーン対象外）".to_string(),
                short: "2年目以降など".to_string(),
                campaign: false,
            },
        ],
        None => vec![Column {
            key: "year",
            label: "年額".to_string(),
            short: "年額".to_string(),
            campaign: false,
        }],
    }
}

/// What the worked table shows for `offices` office numbers. `estimate.js`
/// writes exactly this for the number a reader types (the browser test checks).
pub fn estimate_texts(
    plan: &Plan,
    columns: &[Column],
    has_campaign_row: bool,
    offices: u64,
) -> EstimateTexts {
    let mut cells = BTreeMap::new();
    let mut choices = Vec::new();
    let mut nets = Vec::new();
    let mut any_sample = false;
    let cell = |text: String, sample: bool| Cell { text, sample };
    for col in columns {
        let outcome: Outcome = plan.outcome(offices, col.campaign);
        let key = |row: &str| format!("{row}:{}", col.key);
        cells.insert(key("fee"), cell(yen(outcome.fee), false));
        if has_campaign_row {
            let text = if col.campaign {
                format!("−{}", yen(outcome.campaign))
            } else {
                "対象外".to_string()
            };
            cells.insert(key("campaign"), cell(text, false));
        }
        let used = outcome.used();
        let sample = used.iter().any(|&i| plan.programmes[i].sample);
        any_sample |= sample;
        for (i, paid) in outcome.paid.iter().enumerate() {
            let text = match paid {
                Some(amount) => format!("−{}", yen(*amount)),
                None => "使わない".to_string(),
            };
            cells.insert(key(&format!("p{i}")), cell(text, false));
        }
        cells.insert(key("net"), cell(yen(outcome.net), sample));
        nets.push(if columns.len() > 1 {
            format!("{} {}", col.short, yen(outcome.net))
        } else {
            yen(outcome.net)
        });

        let prefix = if columns.len() > 1 {
            format!("{}: ", col.short)
        } else {
            String::new()
        };
        let quoted = |i: usize| format!("「{}」", plan.programmes[i].name);
        let mut choice = if used.is_empty() {
            if col.campaign {
                format!(
                    "{prefix}キャンペーンで初年度のライセンス料が無料になるため、補助金は使わない計算です。"
                )
            } else if plan.programmes.is_empty() {
                format!("{prefix}計算に使える制度がないため、補助金は0円です。")
            } else {
                format!("{prefix}補助金を使っても負担が減らないため、補助金は0円です。")
            }
        } else {
            let names: Vec<String> = used.iter().map(|&i| quoted(i)).collect();
            if used.len() > 1 {
                format!(
                    "{prefix}{}を、この順に残りの額へ重ねて計算しています。",
                    names.join("と")
                )
            } else {
                format!("{prefix}{}で計算しています。", names[0])
            }
        };
        if !used.is_empty() {
            for j in (0..plan.programmes.len()).filter(|j| !used.contains(j)) {
                match used
                    .iter()
                    .find(|u| !plan.programmes[j].stacks_with.contains(u))
                {
                    Some(&u) => choice.push_str(&format!(
                        "{}は{}と併用できないため入れていません（合計が大きくなるほうを使っています）。",
                        quoted(j),
                        quoted(u)
                    )),
                    None => choice.push_str(&format!(
                        "{}は、入れても補助額の合計が増えないため入れていません。",
                        quoted(j)
                    )),
                }
            }
        }
        choices.push(choice);
    }
    let offices_text = format!("{}件", thousands(offices));
    let mut summary = format!(
        "事業所番号{offices_text}の実質の負担（年額の目安）: {}。",
        nets.join("、")
    );
    if any_sample {
        summary.push_str("サンプルの制度をもとにした計算です。");
    }
    EstimateTexts {
        offices: offices_text,
        cells,
        choices,
        summary,
    }
}

/// The JSON `estimate.js` reads.
#[derive(Serialize)]
struct EstimateData<'a> {
    offices: u64,
    has_campaign_row: bool,
    columns: &'a [Column],
    plan: &'a Plan,
}

/// Short terms of a programme for its row in the worked table, with the
/// areas it is limited to.
fn row_terms(s: &Subsidy, areas: Option<String>) -> String {
    let mut parts = Vec::new();
    if let Some(r) = s.rate {
        parts.push(r.display());
    }
    parts.push(s.fee_basis.label().to_string());
    if let Some(c) = s.ceiling_yen {
        parts.push(format!("上限{}（{}）", yen(c), s.ceiling_per.label()));
    }
    if let Some(u) = s.round_down_to {
        parts.push(format!("{}未満切り捨て", yen(u)));
    }
    let mut terms = parts.join("・");
    if let Some(areas) = areas {
        terms.push_str(&format!("。実施地域は{areas}"));
    }
    terms
}

fn estimate(
    applicable: &[&Subsidy],
    master: &MasterList,
    config: &Config,
    site_prefecture: Option<JisCode>,
    today: Date,
) -> Estimate {
    let build_date_display = format_both(today);
    let fee = &config.licence_fee;
    let days = config.subsidies.closing_soon_days;
    let for_fee: Vec<&Subsidy> = applicable
        .iter()
        .copied()
        .filter(|s| s.covers_licence_fee() && s.status(today, days) != Status::Closed)
        .collect();
    let open: Vec<&Subsidy> = for_fee
        .iter()
        .copied()
        .filter(|s| matches!(s.status(today, days), Status::Open | Status::ClosingSoon))
        .collect();
    let plan = Plan::new(&open, fee);
    let mut left_out = Vec::new();
    for s in &for_fee {
        if plan.programmes.iter().any(|p| p.id == s.id) {
            continue;
        }
        if s.status(today, days) == Status::Upcoming {
            let from = s
                .window_start
                .map(|d| format!("（{}から）", format_western(d)))
                .unwrap_or_default();
            left_out.push(format!(
                "「{}」は受付前{from}のため、計算に入れていません。",
                s.name
            ));
        } else if s.rate.is_none() {
            left_out.push(format!(
                "「{}」は補助率が書かれていないため、計算に入れていません。",
                s.name
            ));
        } else {
            left_out.push(format!(
                "「{}」は{}の額が分からないため、計算に入れていません。",
                s.name,
                s.fee_basis.label()
            ));
        }
    }

    let in_effect_campaigns: Vec<&Campaign> = fee
        .campaigns
        .iter()
        .filter(|c| in_effect(c, today))
        .collect();
    let free_year = in_effect_campaigns
        .iter()
        .copied()
        .find(|c| c.first_year_free);
    let columns = columns(free_year);
    let offices = 1;
    let texts = estimate_texts(&plan, &columns, free_year.is_some(), offices);

    let paid_label = if fee.tax_included_yen().is_some() {
        "税込"
    } else {
        "税別"
    };
    let row = |key: &str, label: String, terms: Option<String>, sample: bool| RowView {
        key: key.to_string(),
        label,
        terms,
        sample,
        cells: columns
            .iter()
            .map(|c| {
                let k = format!("{key}:{}", c.key);
                let cell = &texts.cells[&k];
                CellView {
                    key: k,
                    text: cell.text.clone(),
                    sample: cell.sample,
                }
            })
            .collect(),
    };
    let mut rows = vec![row(
        "fee",
        format!("ライセンス料（{paid_label}）"),
        None,
        false,
    )];
    if let Some(c) = free_year {
        rows.push(row("campaign", c.name.clone(), None, false));
    }
    for (i, p) in plan.programmes.iter().enumerate() {
        let s = open.iter().find(|s| s.id == p.id).expect("in the plan");
        let areas = areas_text(s, master, site_prefecture);
        rows.push(row(
            &format!("p{i}"),
            p.name.clone(),
            Some(row_terms(s, areas)),
            p.sample,
        ));
    }
    rows.push(row("net", "実質の負担".to_string(), None, false));

    let mut assumptions = vec![format!(
        "この表は、事業所番号{}件を1回の申請で申し込む場合の年額です。{build_date_display}時点で受付中の、ライセンス料を対象とし補助率の分かる制度で計算しています（対象となる事業所の種類や、説明会への参加などの条件は、それぞれの制度で確認してください）。",
        offices
    )];
    if let (Some(c), [first, later]) = (free_year, columns.as_slice()) {
        assumptions.push(format!(
            "「{}」の列は、{}（{}）で利用開始の初年度のライセンス料が無料になる場合です。「{}」の列は、キャンペーンの対象にならない場合（すでに利用している事業所の2年目以降など）です。",
            first.short,
            c.name,
            campaign_period(c),
            later.short
        ));
    }
    let paid_basis = if fee.tax_included_yen().is_some() {
        FeeBasis::TaxIncluded
    } else {
        FeeBasis::TaxExcluded
    };
    if let Some(tax) = &fee.consumption_tax
        && open.iter().any(|s| s.fee_basis != paid_basis)
    {
        let other = if paid_basis == FeeBasis::TaxIncluded {
            FeeBasis::TaxExcluded
        } else {
            FeeBasis::TaxIncluded
        };
        assumptions.push(format!(
            "{}の額に補助する制度は、ライセンス料{}を消費税率{}%（{}時点）で換算した{}をもとに計算しています。",
            other.label(),
            yen(fee.yen_per_year),
            tax.percent,
            format_western(tax.as_of),
            other.fee_yen(fee).map(yen).unwrap_or_default()
        ));
    }
    if plan.programmes.iter().any(|p| !p.stacks_with.is_empty()) {
        assumptions.push(
            "併用できる制度どうしは、国、都道府県、市区町村の順に、前の制度で補われなかった額に重ねて計算しています。併用できない制度は、補助額の合計が大きくなるほうだけを使っています。"
                .to_string(),
        );
    } else if plan.programmes.len() > 1 {
        assumptions.push(
            "同じ経費に複数の制度は使えない（重複補助にあたる）ものとして、補助額が最も大きい1つの制度だけで計算しています。"
                .to_string(),
        );
    }

    let data = serde_json::to_string(&EstimateData {
        offices,
        has_campaign_row: free_year.is_some(),
        columns: &columns,
        plan: &plan,
    })
    .expect("plain data serialises");
    Estimate {
        fee_display: format!(
            "{}（{}）",
            yen(fee.yen_per_year),
            if fee.tax_included { "税込" } else { "税別" }
        ),
        as_of: fee.as_of,
        note: fee.note.clone(),
        campaigns: in_effect_campaigns
            .iter()
            .map(|c| CampaignView {
                name: c.name.clone(),
                period: campaign_period(c),
                note: c.note.clone(),
            })
            .collect(),
        columns,
        has_campaign_row: free_year.is_some(),
        rows,
        offices,
        sample: plan.programmes.iter().any(|p| p.sample),
        texts,
        assumptions,
        left_out,
        data,
        plan,
    }
}

/// The programmes one site shows, with the cost estimate.
pub fn subsidies_view(
    all: &[Subsidy],
    prefecture: Option<&JisCode>,
    municipality: Option<&JisCode>,
    master: &MasterList,
    config: &Config,
    today: Date,
) -> SubsidiesView {
    let applicable: Vec<&Subsidy> = all
        .iter()
        .filter(|s| s.applies_to(prefecture, municipality))
        .collect();
    let days = config.subsidies.closing_soon_days;
    let (past, current): (Vec<&Subsidy>, Vec<&Subsidy>) = applicable
        .iter()
        .partition(|s| s.status(today, days) == Status::Closed);
    let site_prefecture = prefecture.or(municipality).and_then(JisCode::prefecture);
    let estimate = estimate(&applicable, master, config, site_prefecture, today);

    let mut closing: Vec<&Subsidy> = current
        .iter()
        .copied()
        .filter(|s| {
            matches!(s.status(today, days), Status::Open | Status::ClosingSoon)
                && s.window_end.is_some()
        })
        .collect();
    closing.sort_by_key(|s| (s.window_end, s.id.clone()));
    let view = |s: &Subsidy| subsidy_view(s, all, master, config, site_prefecture, today);
    let mut current_views: Vec<&Subsidy> = current.clone();
    // Open first, then upcoming; within each, the provider order (国 → 都道府県 → 市区町村).
    current_views.sort_by_key(|s| {
        (
            s.status(today, days) == Status::Upcoming,
            s.provider.clone(),
            s.id.clone(),
        )
    });
    SubsidiesView {
        current: current_views.into_iter().map(view).collect(),
        past: past.into_iter().map(view).collect(),
        estimate,
        closing_soonest: closing.into_iter().take(3).map(view).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::subsidies::estimate::Programme;
    use crate::problems::Problems;

    fn master() -> MasterList {
        let mut problems = Problems::new();
        MasterList::load(
            &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("data/municipalities.csv"),
            &mut problems,
        )
    }

    fn programme(name: &str, num: u32, den: u32, stacks_with: Vec<usize>) -> Programme {
        Programme {
            id: name.into(),
            name: name.into(),
            numerator: num,
            denominator: den,
            basis_yen: 21_000,
            ceiling_yen: None,
            ceiling_per_application: false,
            round_down_to: None,
            sample: false,
            stacks_with,
        }
    }

    #[test]
    fn areas_read_as_each_site_needs_them() {
        let mut problems = Problems::new();
        let config = Config::load(
            &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("config.yaml"),
            &mut problems,
        )
        .unwrap();
        let all = crate::data::subsidies::load(
            &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("data/subsidies"),
            &master(),
            Some(&config.licence_fee),
            &mut problems,
        );
        let model = all
            .iter()
            .find(|s| s.id == "national-model-region")
            .unwrap();
        let m = master();
        assert_eq!(
            areas_text(model, &m, None).unwrap(),
            "福島県（全域）、静岡県（静岡市、浜松市）、大阪府（茨木市）"
        );
        assert_eq!(
            areas_text(model, &m, JisCode::of_prefecture(22)).unwrap(),
            "静岡市、浜松市（静岡県内の2市区町村）。ほかに2都道府県で実施"
        );
        assert_eq!(
            areas_text(model, &m, JisCode::of_prefecture(7)).unwrap(),
            "福島県の全域。ほかに2都道府県で実施"
        );
        let ict = all.iter().find(|s| s.id == "national-ict").unwrap();
        assert_eq!(areas_text(ict, &m, None), None);
    }

    #[test]
    fn the_sentences_say_which_programme_is_used_and_why_not_the_others() {
        let year = columns(None);
        // Not combinable: the better one, and why the other is out.
        let plan = Plan {
            fee_yen: 21_000,
            programmes: vec![programme("A", 1, 2, vec![]), programme("B", 3, 4, vec![])],
        };
        let t = estimate_texts(&plan, &year, false, 1);
        assert_eq!(
            t.choices,
            [
                "「B」で計算しています。「A」は「B」と併用できないため入れていません（合計が大きくなるほうを使っています）。"
            ]
        );
        assert_eq!(t.cells["p0:year"].text, "使わない");
        assert_eq!(t.cells["p1:year"].text, "−15,750円");
        assert_eq!(
            t.summary,
            "事業所番号1件の実質の負担（年額の目安）: 5,250円。"
        );
        // Combinable, but the first pays it all: the second adds nothing.
        let plan = Plan {
            fee_yen: 21_000,
            programmes: vec![programme("A", 1, 1, vec![1]), programme("B", 1, 2, vec![0])],
        };
        let t = estimate_texts(&plan, &year, false, 2);
        assert_eq!(
            t.choices,
            ["「A」で計算しています。「B」は、入れても補助額の合計が増えないため入れていません。"]
        );
        assert_eq!(t.offices, "2件");
        // Nothing to use.
        let empty = Plan {
            fee_yen: 21_000,
            programmes: Vec::new(),
        };
        let t = estimate_texts(&empty, &year, false, 1);
        assert_eq!(t.choices, ["計算に使える制度がないため、補助金は0円です。"]);
        assert_eq!(t.cells.len(), 2, "fee and net only: {:?}", t.cells);
    }
}
