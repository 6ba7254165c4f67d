//! Subsidy programmes as one site shows them: status on the build date,
//! dates in both calendars, and the licence-fee cost estimate.

use jiff::civil::Date;
use serde::Serialize;

use super::format::thousands;
use crate::config::Config;
use crate::data::jis::MasterList;
use crate::data::subsidies::{Status, Subsidy};
use crate::dates::{format_both, format_western, parse_iso};

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
    pub illustrative: bool,
    /// Yen towards one office's licence fee, when the programme pays it.
    pub licence_fee_subsidy: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct EstimateRow {
    pub office_numbers: u64,
    pub annual_fee: String,
    pub subsidy: String,
    pub net: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct CampaignView {
    pub name: String,
    pub period: String,
    pub note: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Estimate {
    pub fee_yen: u64,
    pub fee_display: String,
    pub as_of: String,
    pub note: String,
    /// Open programmes that pay towards the licence fee, by name.
    pub applied: Vec<String>,
    /// Subsidy per office number (yen), capped at the fee.
    pub subsidy_per_office: u64,
    pub rows: Vec<EstimateRow>,
    pub campaigns: Vec<CampaignView>,
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

pub fn subsidy_view(s: &Subsidy, master: &MasterList, config: &Config, today: Date) -> SubsidyView {
    let status = s.status(today, config.subsidies.closing_soon_days);
    let fee = config.licence_fee.yen_per_year;
    SubsidyView {
        id: s.id.clone(),
        name: s.name.clone(),
        provider: s.provider.display_name(master),
        administered_by: s.administered_by.clone(),
        budget_source: s.budget_source.clone(),
        eligible: s.eligible.clone(),
        covers: s.covers.clone(),
        rate: s.rate.map(|r| r.display()),
        ceiling: s.ceiling_yen.map(|y| format!("{}円", thousands(y))),
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
        licence_fee_subsidy: (s.covers_licence_fee() && s.rate.is_some())
            .then(|| format!("{}円", thousands(s.licence_fee_subsidy(fee)))),
    }
}

/// The programmes one site shows, with the cost estimate.
pub fn subsidies_view(
    all: &[Subsidy],
    prefecture: Option<&str>,
    municipality: Option<&str>,
    master: &MasterList,
    config: &Config,
    today: Date,
) -> SubsidiesView {
    let applicable: Vec<&Subsidy> = all
        .iter()
        .filter(|s| match (prefecture, municipality) {
            (None, None) => s.applies_to(None, None),
            _ => s.applies_to(prefecture, municipality),
        })
        .collect();
    let days = config.subsidies.closing_soon_days;
    let (past, current): (Vec<&Subsidy>, Vec<&Subsidy>) = applicable
        .iter()
        .partition(|s| s.status(today, days) == Status::Closed);

    let fee = config.licence_fee.yen_per_year;
    let open_for_fee: Vec<&&Subsidy> = current
        .iter()
        .filter(|s| {
            matches!(s.status(today, days), Status::Open | Status::ClosingSoon)
                && s.licence_fee_subsidy(fee) > 0
        })
        .collect();
    // Programmes can be combined only up to the fee itself.
    let subsidy_per_office = open_for_fee
        .iter()
        .map(|s| s.licence_fee_subsidy(fee))
        .sum::<u64>()
        .min(fee);
    let rows = [1u64, 2, 3, 5]
        .into_iter()
        .map(|n| EstimateRow {
            office_numbers: n,
            annual_fee: format!("{}円", thousands(fee * n)),
            subsidy: format!("{}円", thousands(subsidy_per_office * n)),
            net: format!("{}円", thousands((fee - subsidy_per_office) * n)),
        })
        .collect();
    let campaigns = config
        .licence_fee
        .campaigns
        .iter()
        .filter(|c| {
            let from = parse_iso(&c.from);
            let until = c.until.as_deref().and_then(parse_iso);
            from.is_some_and(|f| f <= today) && until.is_none_or(|u| today <= u)
        })
        .map(|c| CampaignView {
            name: c.name.clone(),
            period: match c.until.as_deref().and_then(parse_iso) {
                Some(u) => format!(
                    "{}〜{}",
                    parse_iso(&c.from).map(format_western).unwrap_or_default(),
                    format_western(u)
                ),
                None => format!(
                    "{}から",
                    parse_iso(&c.from).map(format_western).unwrap_or_default()
                ),
            },
            note: c.note.clone(),
        })
        .collect();
    let estimate = Estimate {
        fee_yen: fee,
        fee_display: format!(
            "{}円（{}）",
            thousands(fee),
            if config.licence_fee.tax_included {
                "税込"
            } else {
                "税別"
            }
        ),
        as_of: parse_iso(&config.licence_fee.as_of)
            .map(format_western)
            .unwrap_or_default(),
        note: config.licence_fee.note.clone(),
        applied: open_for_fee.iter().map(|s| s.name.clone()).collect(),
        subsidy_per_office,
        rows,
        campaigns,
    };

    let mut closing: Vec<&&Subsidy> = current
        .iter()
        .filter(|s| {
            matches!(s.status(today, days), Status::Open | Status::ClosingSoon)
                && s.window_end.is_some()
        })
        .collect();
    closing.sort_by_key(|s| (s.window_end, s.id.clone()));
    let view = |s: &Subsidy| subsidy_view(s, master, config, today);
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
        closing_soonest: closing.into_iter().take(3).map(|s| view(s)).collect(),
    }
}
