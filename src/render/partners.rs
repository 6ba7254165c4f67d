//! 利用している事業所: the partner-office page of a site and the data its
//! finder script searches.
//!
//! Without JavaScript a municipality's page lists its offices grouped by
//! service type, and a prefecture's or the nation's page counts them per
//! child site. With JavaScript the page's finder (`assets/finder.js`) searches
//! the offices in [`finder_script`]'s file, `search/offices.js`: a plain
//! script that sets one global, so it loads from `file://` as well as from a
//! server (no fetch, no XHR). Each site's file holds only the offices the site
//! lists: a municipality's page loads its own offices and nothing more.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::data::jis::{Code, MasterList};
use crate::data::offices::{Office, SERVICE_TYPES};
use crate::dates::format_western;
use crate::model::{Model, Site, SiteKind};

use super::json_for_script;
use super::view::{site_home_path, tel_href};

/// Where a site's finder data is written, relative to the site's root.
pub const FINDER_DATA: &str = "search/offices.js";

#[derive(Debug, Clone, Serialize)]
pub struct OfficeView {
    pub number: String,
    pub name: String,
    pub reading: Option<String>,
    pub address: Option<String>,
    pub phone: Option<String>,
    /// `tel:` link of the phone number.
    pub tel: Option<String>,
    pub since: String,
    pub since_display: String,
    pub illustrative: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct ServiceGroup {
    pub service_type: String,
    pub anchor: String,
    pub count: usize,
    pub offices: Vec<OfficeView>,
}

#[derive(Debug, Clone, Serialize)]
pub struct PartnerSummaryRow {
    pub name: String,
    pub site_path: String,
    pub href: Option<String>,
    pub count: usize,
}

/// The partner-office page: offices already using the system.
#[derive(Debug, Clone, Serialize)]
pub struct PartnersView {
    pub total: usize,
    /// A municipality's offices by service type (the list without JavaScript).
    pub groups: Vec<ServiceGroup>,
    /// A prefecture's or the nation's count per child site.
    pub summary: Vec<PartnerSummaryRow>,
    pub illustrative: bool,
    /// The service types of the listed offices, in [`SERVICE_TYPES`] order:
    /// the finder's choices (its data numbers them in this order).
    pub service_types: Vec<String>,
    /// Which optional columns any listed office has.
    pub has_reading: bool,
    pub has_address: bool,
    pub has_phone: bool,
    /// The finder also filters by municipality (prefecture and national sites)
    /// and by prefecture (national site).
    pub by_municipality: bool,
    pub by_prefecture: bool,
    /// Site-relative path of the finder's data script.
    pub data_script: &'static str,
}

fn office_view(o: &Office) -> OfficeView {
    OfficeView {
        number: o.number.clone(),
        name: o.name.clone(),
        reading: o.reading.clone(),
        address: o.address.clone(),
        phone: o.phone.clone(),
        tel: o.phone.as_deref().and_then(tel_href),
        since: o.since.to_string(),
        since_display: format_western(o.since),
        illustrative: o.illustrative,
    }
}

/// The service types present among `offices`, in [`SERVICE_TYPES`] order,
/// with their position in that list.
fn present_types(offices: &[&Office]) -> Vec<(usize, &'static str)> {
    SERVICE_TYPES
        .iter()
        .enumerate()
        .filter(|(_, t)| offices.iter().any(|o| o.service_type == **t))
        .map(|(i, t)| (i, *t))
        .collect()
}

/// The partner page of a site: `None` when it lists no office.
pub fn partners_view(model: &Model, site: &Site) -> Option<PartnersView> {
    let in_scope = model.offices_of(site);
    if in_scope.is_empty() {
        return None;
    }
    let types = present_types(&in_scope);
    let mut groups: Vec<ServiceGroup> = Vec::new();
    if site.kind == SiteKind::Municipality {
        for (i, service_type) in &types {
            let mut list: Vec<OfficeView> = in_scope
                .iter()
                .filter(|o| o.service_type == *service_type)
                .map(|o| office_view(o))
                .collect();
            list.sort_by(|a, b| (&a.name, &a.number).cmp(&(&b.name, &b.number)));
            groups.push(ServiceGroup {
                service_type: service_type.to_string(),
                anchor: format!("type-{}", i + 1),
                count: list.len(),
                offices: list,
            });
        }
    }
    let summary = match site.kind {
        SiteKind::Municipality => Vec::new(),
        _ => {
            // Count once, then read the counts per child.
            // By prefecture on the national site, by municipality on a prefecture's.
            let mut counts: BTreeMap<Code, usize> = BTreeMap::new();
            for o in &in_scope {
                let key = match site.kind {
                    SiteKind::National => o.municipality_code.prefecture(),
                    _ => Some(o.municipality_code),
                };
                if let Some(key) = key {
                    *counts.entry(key).or_default() += 1;
                }
            }
            model
                .children(site)
                .filter_map(|child| {
                    let count = counts.get(&child.code).copied().unwrap_or(0);
                    (count > 0).then(|| PartnerSummaryRow {
                        name: child.name.clone(),
                        site_path: if child.kind == SiteKind::Municipality {
                            format!("{}/partners.html", child.dir)
                        } else {
                            site_home_path(child)
                        },
                        href: None,
                        count,
                    })
                })
                .collect()
        }
    };
    Some(PartnersView {
        total: in_scope.len(),
        illustrative: in_scope.iter().any(|o| o.illustrative),
        groups,
        summary,
        service_types: types.iter().map(|(_, t)| t.to_string()).collect(),
        has_reading: in_scope.iter().any(|o| o.reading.is_some()),
        has_address: in_scope.iter().any(|o| o.address.is_some()),
        has_phone: in_scope.iter().any(|o| o.phone.is_some()),
        by_municipality: site.kind != SiteKind::Municipality,
        by_prefecture: site.kind == SiteKind::National,
        data_script: FINDER_DATA,
    })
}

/// The finder's data, as the data script sets it (`window.OUTREACH_OFFICES`).
///
/// Compact, because the national site lists every office: values that repeat
/// (service types, municipalities, prefectures) are numbered once, and each
/// office is an array `[number, name, reading, type, place, address, phone,
/// since, illustrative]` where `type` and `place` index `types` and `places`,
/// `since` is the number `YYYYMMDD` and `illustrative` is 1 or 0; an absent
/// reading, address or phone is `""`. The script normalises names itself.
#[derive(Debug, Serialize)]
struct FinderData<'a> {
    /// Format version.
    v: u32,
    types: Vec<&'static str>,
    /// `[code, name]` of the prefectures of `places`.
    prefectures: Vec<(&'a str, &'a str)>,
    /// `[code, name, prefecture index]` of the municipalities with offices.
    places: Vec<(&'a str, &'a str, usize)>,
    offices: Vec<OfficeRow<'a>>,
}

type OfficeRow<'a> = (
    &'a str,
    &'a str,
    &'a str,
    usize,
    usize,
    &'a str,
    &'a str,
    u32,
    u8,
);

/// The data script of a site's finder: `window.OUTREACH_OFFICES = {…};`,
/// with `<`, `>` and `&` escaped so no value can end a script element.
pub fn finder_script(offices: &[&Office], master: &MasterList) -> String {
    let types = present_types(offices);
    let type_index: BTreeMap<&str, usize> = types
        .iter()
        .enumerate()
        .map(|(i, (_, t))| (*t, i))
        .collect();
    let mut places: Vec<(&str, &str, usize)> = Vec::new();
    let mut prefectures: Vec<(&str, &str)> = Vec::new();
    let mut place_index: BTreeMap<&str, usize> = BTreeMap::new();
    let mut rows = Vec::with_capacity(offices.len());
    for o in offices {
        let code = o.municipality_code.as_str();
        let place = match place_index.get(code) {
            Some(i) => *i,
            None => {
                let municipality = master.municipality(code);
                let prefecture = municipality.and_then(|m| master.prefecture_of(&m.code));
                let p = match prefecture {
                    Some(p) => match prefectures.iter().position(|(c, _)| *c == p.code) {
                        Some(i) => i,
                        None => {
                            prefectures.push((p.code.as_str(), p.name.as_str()));
                            prefectures.len() - 1
                        }
                    },
                    None => 0,
                };
                places.push((code, municipality.map_or(code, |m| m.name.as_str()), p));
                place_index.insert(code, places.len() - 1);
                places.len() - 1
            }
        };
        let since =
            o.since.year() as u32 * 10_000 + o.since.month() as u32 * 100 + o.since.day() as u32;
        rows.push((
            o.number.as_str(),
            o.name.as_str(),
            o.reading.as_deref().unwrap_or(""),
            type_index[o.service_type.as_str()],
            place,
            o.address.as_deref().unwrap_or(""),
            o.phone.as_deref().unwrap_or(""),
            since,
            u8::from(o.illustrative),
        ));
    }
    let data = FinderData {
        v: 1,
        types: types.iter().map(|(_, t)| *t).collect(),
        prefectures,
        places,
        offices: rows,
    };
    format!("window.OUTREACH_OFFICES={};\n", json_for_script(&data))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn office(code: &str, name: &str, service: &str) -> Office {
        Office {
            number: "2271009017".into(),
            name: name.into(),
            service_type: service.into(),
            municipality_code: Code::parse(code).unwrap(),
            since: "2024-04-01".parse().unwrap(),
            illustrative: false,
            reading: None,
            address: Some("静岡県静岡市<b>架空町</b>".into()),
            phone: Some("054-000-0101".into()),
            corporate_number: None,
        }
    }

    #[test]
    fn the_data_numbers_repeated_values_and_escapes_markup() {
        let master = crate::data::jis::shipped();
        let offices = [
            office("221007", "</script><script>alert(1)</script>", "訪問介護"),
            office("221007", "さくら & あおば", "居宅介護支援"),
            office("011002", "すずらん", "訪問介護"),
        ];
        let refs: Vec<&Office> = offices.iter().collect();
        let script = finder_script(&refs, master);
        for c in ['<', '>', '&'] {
            assert!(!script.contains(c), "{c:?} in {script}");
        }
        let json = script
            .strip_prefix("window.OUTREACH_OFFICES=")
            .and_then(|s| s.strip_suffix(";\n"))
            .unwrap();
        let data: serde_json::Value = serde_json::from_str(json).unwrap();
        // Types in the order of SERVICE_TYPES, each once; places and prefectures once.
        assert_eq!(
            data["types"],
            serde_json::json!(["居宅介護支援", "訪問介護"])
        );
        assert_eq!(
            data["places"],
            serde_json::json!([["221007", "静岡市", 0], ["011002", "札幌市", 1]])
        );
        assert_eq!(
            data["prefectures"],
            serde_json::json!([["220001", "静岡県"], ["010006", "北海道"]])
        );
        assert_eq!(data["offices"][0][1], "</script><script>alert(1)</script>");
        assert_eq!(data["offices"][0][3], 1);
        assert_eq!(data["offices"][2][4], 1);
        assert_eq!(data["offices"][1][2], "");
        assert_eq!(data["offices"][1][7], 20240401);
        assert_eq!(data["offices"][1][8], 0);
    }
}
