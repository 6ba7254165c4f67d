//! Which charts each kind of home page shows, built from the model. Charts are
//! computed only when a home page is actually rendered (not when it is reused
//! from the previous build).
//!
//! Every value handed to a chart carries whether it is illustrative, taken
//! from the provenance of the figure it comes from; every reference line is
//! named by what it is (`model::Goals`): 市区町村の目標 for municipal office
//! rates, 都道府県の目標 for a prefecture's share of municipalities meeting
//! theirs, and a plain level for prefecture and national office rates.

use crate::charts::{self, Chart, RateBar, Target, Tile, TrendPoint};
use crate::data::adoption::Figure;
use crate::fonts::Fonts;
use crate::format::thousands;
use crate::model::{Goal, Model, PrefectureKpi, Site, SiteKind};

/// A chart's reference line for a goal.
pub fn target_of(goal: &Goal) -> Target {
    Target::goal(goal.name(), goal.share)
}

fn bar(label: &str, f: &Figure, emphasis: bool) -> Option<RateBar> {
    f.rate().map(|rate| RateBar {
        label: label.to_string(),
        rate,
        emphasis,
        illustrative: f.illustrative(),
    })
}

fn trend_points(figures: &[Figure]) -> Vec<TrendPoint> {
    figures
        .iter()
        .filter_map(|f| {
            f.rate().map(|rate| TrendPoint {
                date: f.date(),
                rate,
                illustrative: f.illustrative(),
            })
        })
        .collect()
}

fn kpi_points(kpis: &[PrefectureKpi]) -> Vec<TrendPoint> {
    kpis.iter()
        .map(|k| TrendPoint {
            date: k.date,
            rate: k.share(),
            illustrative: k.illustrative(),
        })
        .collect()
}

/// The charts of one site's home page, in the order the page shows them.
pub fn home_charts(model: &Model, site: &Site, fonts: &Fonts) -> Vec<Chart> {
    let goals = &model.goals;
    let municipal = target_of(&goals.municipal);
    let own = model.latest(site);
    let national = model.nation.latest().and_then(|f| bar("全国", f, false));
    let mut out = Vec::new();
    match site.kind {
        SiteKind::Municipality => {
            let mut bars: Vec<RateBar> = own
                .and_then(|f| bar(&site.name, f, true))
                .into_iter()
                .collect();
            if let Some(p) = site.prefecture_code.as_ref().and_then(|c| model.site(c))
                && let Some(b) = model.latest(p).and_then(|f| bar(&p.name, f, false))
            {
                bars.push(b);
            }
            bars.extend(national.clone());
            if bars.first().is_some_and(|b| b.emphasis) {
                out.push(charts::comparison(&site.name, &bars, &municipal, fonts));
            }
            if let Some(f) = own
                && let Some(rate) = f.rate()
            {
                let needed = goals.municipal.shortfall(f.using, f.offices);
                let detail = if needed == 0 {
                    String::new()
                } else {
                    format!("あと {} 事業所", thousands(needed))
                };
                out.push(charts::kpi_progress(
                    &site.name,
                    "利用率",
                    rate,
                    &municipal,
                    &detail,
                    f.illustrative(),
                    fonts,
                ));
            }
        }
        SiteKind::Prefecture => {
            if let Some(k) = model.prefecture_kpis.get(&site.code) {
                let detail = if k.met {
                    String::new()
                } else {
                    format!("あと {} 市区町村", k.municipalities_needed)
                };
                out.push(charts::kpi_progress(
                    &site.name,
                    &format!("{}を達成した市区町村の割合", goals.municipal.name()),
                    k.share(),
                    &target_of(&goals.prefectural),
                    &detail,
                    // Counted from the municipalities' figures: sample figures among them make
                    // it a sample value too.
                    k.illustrative(),
                    fonts,
                ));
            }
            let items: Vec<RateBar> = model
                .children(site)
                .filter_map(|m| model.latest(m).and_then(|f| bar(&m.name, f, false)))
                .collect();
            if !items.is_empty() {
                let own_bar = own.and_then(|f| bar(&site.name, f, false));
                out.push(charts::ranking(
                    &site.name,
                    &items,
                    &municipal,
                    own_bar.as_ref(),
                    national.as_ref(),
                    fonts,
                ));
            }
        }
        SiteKind::National => {
            // Prefectures have no office-rate goal: their rates are set against the
            // municipal target's level, under a name of its own.
            let level = Target::level(goals.municipal.share);
            let tiles: Vec<Tile> = model
                .children(site)
                .filter_map(|p| {
                    let f = model.latest(p);
                    Some(Tile {
                        prefecture: p.code.prefecture_number()?,
                        name: p.name.clone(),
                        rate: f.and_then(Figure::rate),
                        illustrative: f.is_some_and(Figure::illustrative),
                    })
                })
                .collect();
            out.push(charts::tile_map(&tiles, &level, fonts));
            let items: Vec<RateBar> = model
                .children(site)
                .filter_map(|p| model.latest(p).and_then(|f| bar(&p.name, f, false)))
                .collect();
            if !items.is_empty() {
                out.push(charts::ranking(
                    "全国",
                    &items,
                    &level,
                    None,
                    national.as_ref(),
                    fonts,
                ));
            }
            let latest: Vec<&Figure> = model
                .municipalities
                .values()
                .filter_map(|h| h.latest())
                .filter(|f| f.offices > 0)
                .collect();
            let rates: Vec<f64> = latest.iter().filter_map(|f| f.rate()).collect();
            let illustrative = latest.iter().any(|f| f.illustrative());
            if !rates.is_empty() {
                out.push(charts::distribution(
                    "全国",
                    &rates,
                    illustrative,
                    &municipal,
                    fonts,
                ));
            }
        }
    }
    let points = trend_points(model.history(site).map_or(&[], |h| h.points.as_slice()));
    if points.len() > 1 {
        // Only a municipality's office rate is measured by a goal on office rates.
        let goal = (site.kind == SiteKind::Municipality).then_some(&municipal);
        out.push(charts::trend(&site.name, "利用率", &points, goal, fonts));
    }
    if site.kind == SiteKind::Prefecture {
        // What 都道府県の目標 measures, over the snapshots with municipal figures.
        let points = kpi_points(
            model
                .prefecture_kpi_history
                .get(&site.code)
                .map_or(&[], Vec::as_slice),
        );
        if points.len() > 1 {
            out.push(charts::trend(
                &site.name,
                &format!("{}を達成した市区町村の割合", goals.municipal.name()),
                &points,
                Some(&target_of(&goals.prefectural)),
                fonts,
            ));
        }
    }
    out
}
