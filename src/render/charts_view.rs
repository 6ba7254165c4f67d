//! Which charts each kind of home page shows, built from the model. Charts are
//! computed only when a home page is actually rendered (not when it is reused
//! from the previous build).

use crate::charts::{self, Chart, RateBar, Tile, TrendPoint};
use crate::fonts::Fonts;
use crate::model::{History, Model, Site, SiteKind};
use crate::render::format::thousands;

fn latest_rate(h: Option<&History>) -> Option<(f64, bool)> {
    h.and_then(|h| h.latest())
        .and_then(|(_, f)| f.rate().map(|r| (r, f.illustrative)))
}

fn trend_points(h: Option<&History>) -> Vec<TrendPoint> {
    h.map(|h| {
        h.points
            .iter()
            .filter_map(|(date, f)| {
                f.rate().map(|rate| TrendPoint {
                    date: *date,
                    rate,
                    illustrative: f.illustrative,
                })
            })
            .collect()
    })
    .unwrap_or_default()
}

/// The charts of one site's home page, in the order the page shows them.
pub fn home_charts(model: &Model, site: &Site, fonts: &Fonts) -> Vec<Chart> {
    let target = model.config.kpi.municipality_target;
    let target_ppm = model.config.municipality_target_ppm();
    let own = model.history(site);
    let mut out = Vec::new();
    match site.kind {
        SiteKind::Municipality => {
            let mut bars = Vec::new();
            if let Some((rate, illustrative)) = latest_rate(own) {
                bars.push(RateBar {
                    label: site.name.clone(),
                    rate,
                    emphasis: true,
                    illustrative,
                });
            }
            if let Some(pcode) = &site.prefecture_code
                && let Some((rate, illustrative)) = latest_rate(model.prefectures.get(pcode))
            {
                let name = model
                    .site(pcode)
                    .map(|p| p.name.clone())
                    .unwrap_or_default();
                bars.push(RateBar {
                    label: name,
                    rate,
                    emphasis: false,
                    illustrative,
                });
            }
            if let Some((rate, illustrative)) = latest_rate(Some(&model.nation)) {
                bars.push(RateBar {
                    label: "全国".into(),
                    rate,
                    emphasis: false,
                    illustrative,
                });
            }
            if bars.first().is_some_and(|b| b.emphasis) {
                out.push(charts::comparison(&site.name, &bars, target, fonts));
            }
            if let Some((_, f)) = own.and_then(|h| h.latest())
                && let Some(rate) = f.rate()
            {
                let needed = crate::model::shortfall(f.using, f.offices, target_ppm);
                let detail = if needed == 0 {
                    "目標を達成しています".to_string()
                } else {
                    format!("あと {} 事業所", thousands(needed))
                };
                out.push(charts::kpi_progress(
                    &site.name,
                    "利用率",
                    rate,
                    target,
                    &detail,
                    f.illustrative,
                    fonts,
                ));
            }
        }
        SiteKind::Prefecture => {
            if let Some(k) = model.prefecture_kpis.get(&site.code) {
                let share = k.municipalities_met as f64 / k.municipalities_total.max(1) as f64;
                let detail = if k.met {
                    "目標を達成しています".to_string()
                } else {
                    format!("あと {} 市区町村", k.municipalities_needed)
                };
                // The share is counted from the municipalities' latest figures: sample
                // figures among them make it a sample value too.
                let from_samples = model
                    .sites
                    .iter()
                    .filter(|m| {
                        m.kind == SiteKind::Municipality
                            && m.prefecture_code.as_deref() == Some(site.code.as_str())
                    })
                    .any(|m| {
                        latest_rate(model.municipalities.get(&m.code))
                            .is_some_and(|(_, illustrative)| illustrative)
                    });
                out.push(charts::kpi_progress(
                    &site.name,
                    "目標を達成した市区町村の割合",
                    share,
                    model.config.kpi.prefecture_target,
                    &detail,
                    from_samples,
                    fonts,
                ));
            }
            let items: Vec<RateBar> = model
                .sites
                .iter()
                .filter(|m| {
                    m.kind == SiteKind::Municipality
                        && m.prefecture_code.as_deref() == Some(site.code.as_str())
                })
                .filter_map(|m| {
                    latest_rate(model.municipalities.get(&m.code)).map(|(rate, illustrative)| {
                        RateBar {
                            label: m.name.clone(),
                            rate,
                            emphasis: false,
                            illustrative,
                        }
                    })
                })
                .collect();
            if !items.is_empty() {
                let own_rate = latest_rate(own).map(|(r, _)| (site.name.as_str(), r));
                let national = latest_rate(Some(&model.nation)).map(|(r, _)| r);
                out.push(charts::ranking(
                    &site.name, &items, target, own_rate, national, fonts,
                ));
            }
        }
        SiteKind::National => {
            let tiles: Vec<Tile> = model
                .sites
                .iter()
                .filter(|p| p.kind == SiteKind::Prefecture)
                .map(|p| Tile {
                    prefecture_code: p.code.clone(),
                    name: p.name.clone(),
                    rate: latest_rate(model.prefectures.get(&p.code)).map(|(r, _)| r),
                    illustrative: latest_rate(model.prefectures.get(&p.code))
                        .is_some_and(|(_, illustrative)| illustrative),
                })
                .collect();
            out.push(charts::tile_map(&tiles, target, fonts));
            let items: Vec<RateBar> = model
                .sites
                .iter()
                .filter(|p| p.kind == SiteKind::Prefecture)
                .filter_map(|p| {
                    latest_rate(model.prefectures.get(&p.code)).map(|(rate, illustrative)| {
                        RateBar {
                            label: p.name.clone(),
                            rate,
                            emphasis: false,
                            illustrative,
                        }
                    })
                })
                .collect();
            if !items.is_empty() {
                let national = latest_rate(own).map(|(r, _)| r);
                out.push(charts::ranking(
                    "全国", &items, target, None, national, fonts,
                ));
            }
            let latest: Vec<_> = model
                .municipalities
                .values()
                .filter_map(|h| h.latest())
                .filter(|(_, f)| f.offices > 0)
                .collect();
            let rates: Vec<f64> = latest
                .iter()
                .map(|(_, f)| f.using as f64 / f.offices as f64)
                .collect();
            let illustrative = latest.iter().any(|(_, f)| f.illustrative);
            if !rates.is_empty() {
                out.push(charts::distribution(
                    "全国",
                    &rates,
                    illustrative,
                    target,
                    fonts,
                ));
            }
        }
    }
    let points = trend_points(own);
    if points.len() > 1 {
        out.push(charts::trend(&site.name, &points, target, fonts));
    }
    out
}
