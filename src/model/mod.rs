//! The nation, its prefectures and municipalities, and one site for each:
//! built purely in memory from loaded data. Totals are computed from rows,
//! never copied from a file.

use std::collections::BTreeMap;

use jiff::civil::Date;

use crate::config::Config;
use crate::data::adoption::{Adoption, Figure};
use crate::data::jis::MasterList;
use crate::data::sites::SiteSettings;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SiteKind {
    National,
    Prefecture,
    Municipality,
}

/// An entity's figures over time, oldest first.
#[derive(Debug, Clone, Default)]
pub struct History {
    pub points: Vec<(Date, Figure)>,
}

impl History {
    pub fn latest(&self) -> Option<&(Date, Figure)> {
        self.points.last()
    }
}

/// Whether `numerator / denominator` reaches a target given in parts per million.
/// Integer arithmetic, so exactly 30.0% meets a 30% target.
pub fn meets(numerator: u64, denominator: u64, target_ppm: u64) -> bool {
    denominator > 0
        && u128::from(numerator) * 1_000_000 >= u128::from(target_ppm) * u128::from(denominator)
}

/// How many more of `denominator` are needed to reach the target (0 when met).
pub fn shortfall(numerator: u64, denominator: u64, target_ppm: u64) -> u64 {
    let needed = (u128::from(target_ppm) * u128::from(denominator)).div_ceil(1_000_000) as u64;
    needed.saturating_sub(numerator)
}

/// A prefecture's KPI: how many of its municipalities meet theirs.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct PrefectureKpi {
    pub date: Date,
    pub municipalities_met: u64,
    pub municipalities_total: u64,
    pub municipalities_with_data: u64,
    pub met: bool,
    pub municipalities_needed: u64,
    pub illustrative: bool,
}

/// One site to build.
#[derive(Debug, Clone)]
pub struct Site {
    pub kind: SiteKind,
    /// 6-digit JIS code; `000000` for the national site.
    pub code: String,
    pub name: String,
    /// Name with its prefecture (静岡県静岡市), for titles.
    pub full_name: String,
    /// Output folder relative to the output root (`""`, `p/220001`, `m/221007`).
    pub dir: String,
    pub prefecture_code: Option<String>,
    pub settings: SiteSettings,
    /// The configured public URL (ends with `/`), if any.
    pub url: Option<String>,
}

impl Site {
    pub fn municipality_code(&self) -> Option<&str> {
        (self.kind == SiteKind::Municipality).then_some(self.code.as_str())
    }
}

pub const NATIONAL_CODE: &str = "000000";

/// Everything the renderer needs, computed once.
pub struct Model<'a> {
    pub master: &'a MasterList,
    pub config: &'a Config,
    pub nation: History,
    pub prefectures: BTreeMap<String, History>,
    pub municipalities: BTreeMap<String, History>,
    pub prefecture_kpis: BTreeMap<String, PrefectureKpi>,
    /// National site first, then prefectures, then municipalities, each in code order.
    pub sites: Vec<Site>,
    pub snapshot_dates: Vec<Date>,
    site_index: BTreeMap<String, usize>,
}

impl<'a> Model<'a> {
    pub fn build(
        master: &'a MasterList,
        config: &'a Config,
        adoption: &Adoption,
        settings: &BTreeMap<String, SiteSettings>,
    ) -> Model<'a> {
        let mut nation = History::default();
        let mut prefectures: BTreeMap<String, History> = BTreeMap::new();
        let mut municipalities: BTreeMap<String, History> = BTreeMap::new();
        for snapshot in &adoption.snapshots {
            for (code, figure) in &snapshot.municipalities {
                municipalities
                    .entry(code.clone())
                    .or_default()
                    .points
                    .push((snapshot.date, *figure));
            }
            let mut national: Vec<Figure> = Vec::new();
            for prefecture in &master.prefectures {
                // A prefecture without its own row is the sum of its municipalities.
                let figure = snapshot
                    .prefectures
                    .get(&prefecture.code)
                    .copied()
                    .or_else(|| {
                        Figure::total(
                            master
                                .municipalities_of(&prefecture.number)
                                .filter_map(|m| snapshot.municipalities.get(&m.code)),
                        )
                    });
                if let Some(f) = figure {
                    national.push(f);
                    prefectures
                        .entry(prefecture.code.clone())
                        .or_default()
                        .points
                        .push((snapshot.date, f));
                }
            }
            // A national total from a partial list of prefectures would
            // understate it; one that does not fit in the counts (impossible
            // for loaded data, whose rows are bounded) is left out rather than
            // wrapped around.
            if national.len() == master.prefectures.len()
                && let Some(f) = Figure::total(&national)
            {
                nation.points.push((snapshot.date, f));
            }
        }

        let target = config.municipality_target_ppm();
        let mut prefecture_kpis = BTreeMap::new();
        for prefecture in &master.prefectures {
            let members: Vec<_> = master.municipalities_of(&prefecture.number).collect();
            // The newest snapshot with any municipal figure in this prefecture.
            let Some(snapshot) = adoption.snapshots.iter().rev().find(|s| {
                members
                    .iter()
                    .any(|m| s.municipalities.contains_key(&m.code))
            }) else {
                continue;
            };
            let mut met = 0;
            let mut with_data = 0;
            let mut illustrative = false;
            for m in &members {
                if let Some(f) = snapshot.municipalities.get(&m.code) {
                    with_data += 1;
                    illustrative |= f.illustrative;
                    if meets(f.using, f.offices, target) {
                        met += 1;
                    }
                }
            }
            let total = members.len() as u64;
            let share_target = config.prefecture_target_ppm();
            prefecture_kpis.insert(
                prefecture.code.clone(),
                PrefectureKpi {
                    date: snapshot.date,
                    municipalities_met: met,
                    municipalities_total: total,
                    municipalities_with_data: with_data,
                    met: meets(met, total, share_target),
                    municipalities_needed: shortfall(met, total, share_target),
                    illustrative,
                },
            );
        }

        let settings_for = |code: &str| settings.get(code).cloned().unwrap_or_default();
        let mut sites = vec![Site {
            kind: SiteKind::National,
            code: NATIONAL_CODE.to_string(),
            name: "全国".to_string(),
            full_name: "全国".to_string(),
            dir: String::new(),
            prefecture_code: None,
            settings: settings_for(NATIONAL_CODE),
            url: site_url(config, SiteKind::National, NATIONAL_CODE, settings),
        }];
        for p in &master.prefectures {
            let s = settings_for(&p.code);
            sites.push(Site {
                kind: SiteKind::Prefecture,
                code: p.code.clone(),
                name: p.name.clone(),
                full_name: p.name.clone(),
                dir: format!("p/{}", p.code),
                prefecture_code: Some(p.code.clone()),
                url: site_url(config, SiteKind::Prefecture, &p.code, settings),
                settings: s,
            });
        }
        for m in &master.municipalities {
            let prefecture = master
                .prefecture_by_number(&m.prefecture_number)
                .expect("the master list has a prefecture for every municipality");
            let s = settings_for(&m.code);
            sites.push(Site {
                kind: SiteKind::Municipality,
                code: m.code.clone(),
                name: m.name.clone(),
                full_name: format!("{}{}", prefecture.name, m.name),
                dir: format!("m/{}", m.code),
                prefecture_code: Some(prefecture.code.clone()),
                url: site_url(config, SiteKind::Municipality, &m.code, settings),
                settings: s,
            });
        }

        Model {
            master,
            config,
            nation,
            prefectures,
            municipalities,
            prefecture_kpis,
            snapshot_dates: adoption.snapshots.iter().map(|s| s.date).collect(),
            site_index: sites
                .iter()
                .enumerate()
                .map(|(i, s)| (s.code.clone(), i))
                .collect(),
            sites,
        }
    }

    pub fn history(&self, site: &Site) -> Option<&History> {
        match site.kind {
            SiteKind::National => Some(&self.nation),
            SiteKind::Prefecture => self.prefectures.get(&site.code),
            SiteKind::Municipality => self.municipalities.get(&site.code),
        }
    }

    pub fn site(&self, code: &str) -> Option<&Site> {
        self.site_index.get(code).map(|&i| &self.sites[i])
    }
}

/// A site's public URL, ending with `/`: its own `url` in `data/sites.yaml`,
/// else the `hosting` pattern of its kind in `config.yaml` (`{code}` replaced).
pub fn site_url(
    config: &Config,
    kind: SiteKind,
    code: &str,
    settings: &BTreeMap<String, SiteSettings>,
) -> Option<String> {
    let pattern = match kind {
        SiteKind::National => &config.hosting.national,
        SiteKind::Prefecture => &config.hosting.prefecture,
        SiteKind::Municipality => &config.hosting.municipality,
    };
    let url = settings
        .get(code)
        .and_then(|s| s.url.clone())
        .or_else(|| pattern.as_ref().map(|p| p.replace("{code}", code)))?;
    Some(if url.ends_with('/') {
        url
    } else {
        format!("{url}/")
    })
}

/// Every site is linked from another one (the nation from all, a prefecture
/// from the nation and its municipalities, a municipality from its
/// prefecture). A link to a site without a public URL is left out (its name
/// stays as text), so that every site folder stands alone. This says which
/// sites that is, as a warning's message and hint, or `None` when every site
/// has a URL. It depends only on configuration and data, so `check` and
/// `build` (of any selection) say the same.
pub fn unlinked_sites_warning(
    master: &MasterList,
    config: &Config,
    settings: &BTreeMap<String, SiteSettings>,
) -> Option<(String, String)> {
    let without = |kind: SiteKind, code: &str| site_url(config, kind, code, settings).is_none();
    let mut groups: Vec<String> = Vec::new();
    let mut count = 0usize;
    if without(SiteKind::National, NATIONAL_CODE) {
        groups.push("全国のサイト".to_string());
        count += 1;
    }
    let prefectures: Vec<&str> = master
        .prefectures
        .iter()
        .filter(|p| without(SiteKind::Prefecture, &p.code))
        .map(|p| p.name.as_str())
        .collect();
    let municipalities: Vec<&str> = master
        .municipalities
        .iter()
        .filter(|m| without(SiteKind::Municipality, &m.code))
        .map(|m| m.name.as_str())
        .collect();
    for (label, names, total) in [
        ("都道府県", prefectures, master.prefectures.len()),
        ("市区町村", municipalities, master.municipalities.len()),
    ] {
        if names.is_empty() {
            continue;
        }
        count += names.len();
        let shown = if names.len() <= 5 { names.len() } else { 3 };
        let mut text = names[..shown].join("、");
        if names.len() > shown {
            text.push_str(&format!(" ほか {} サイト", names.len() - shown));
        }
        groups.push(if names.len() == total {
            format!("{label}のサイトすべて（{total} サイト: {text}）")
        } else {
            format!("{label}のサイト {total} のうち {}（{text}）", names.len())
        });
    }
    (count > 0).then(|| {
        (
            format!(
                "公開先 URL のない {count} サイトへのリンクは出さず、名前だけを載せます（サイトのフォルダーを単独でアップロードしてもリンク切れにならないように）: {}",
                groups.join("、")
            ),
            "サイトどうしをリンクするには、config.yaml の hosting に公開先の URL（{code} が団体コードになります）を書くか、data/sites.yaml の団体ごとに url を書いてください".to_string(),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exactly_thirty_percent_meets_the_target() {
        assert!(meets(30, 100, 300_000));
        assert!(meets(3, 10, 300_000));
        assert!(!meets(29, 100, 300_000));
        assert!(!meets(2_999_999, 10_000_000, 300_000));
        assert!(!meets(0, 0, 300_000));
    }

    /// Figures that slipped past the loader's bounds give no total, never a
    /// wrapped one (1,553,255,926,290,620,220 from two rows of 10¹⁹).
    #[test]
    fn totals_that_do_not_fit_are_left_out_not_wrapped() {
        use crate::data::adoption::Snapshot;
        let mut problems = crate::problems::Problems::new();
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let master = MasterList::load(&root.join("data/municipalities.csv"), &mut problems);
        let config = Config::load(&root.join("config.yaml"), &mut problems).unwrap();
        let figure = |offices| Figure {
            offices,
            using: 1,
            illustrative: false,
        };
        let mut snapshot = Snapshot {
            date: Date::new(2024, 1, 15).unwrap(),
            prefectures: master
                .prefectures
                .iter()
                .map(|p| (p.code.clone(), figure(100)))
                .collect(),
            municipalities: BTreeMap::new(),
            sources: Vec::new(),
        };
        let fits = Adoption {
            snapshots: vec![snapshot.clone()],
        };
        let model = Model::build(&master, &config, &fits, &BTreeMap::new());
        assert_eq!(
            model.nation.points[0].1,
            Figure {
                offices: 4_700,
                using: 47,
                illustrative: false
            }
        );
        for code in ["010006", "220001"] {
            snapshot
                .prefectures
                .insert(code.into(), figure(10_000_000_000_000_000_000));
        }
        let overflow = Adoption {
            snapshots: vec![snapshot],
        };
        let model = Model::build(&master, &config, &overflow, &BTreeMap::new());
        assert!(model.nation.points.is_empty(), "{:?}", model.nation.points);
        assert_eq!(model.prefectures["220001"].points.len(), 1);
    }

    #[test]
    fn shortfall_counts_what_is_missing() {
        assert_eq!(shortfall(297, 7416, 300_000), 2225 - 297);
        assert_eq!(shortfall(30, 100, 300_000), 0);
        assert_eq!(shortfall(0, 35, 500_000), 18);
    }
}

#[cfg(test)]
mod link_tests {
    use super::*;

    fn master() -> MasterList {
        let mut problems = crate::problems::Problems::new();
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        MasterList::load(
            &root.join("tests/fixtures/basic/data/municipalities.csv"),
            &mut problems,
        )
    }

    fn config(hosting: &str) -> Config {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let text = std::fs::read_to_string(root.join("tests/fixtures/basic/config.yaml")).unwrap();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.yaml");
        std::fs::write(&path, format!("{text}\n{hosting}")).unwrap();
        let mut problems = crate::problems::Problems::new();
        Config::load(&path, &mut problems).expect("the fixture's config loads")
    }

    fn settings(code: &str, url: &str) -> BTreeMap<String, SiteSettings> {
        [(
            code.to_string(),
            SiteSettings {
                url: Some(url.to_string()),
                ..SiteSettings::default()
            },
        )]
        .into()
    }

    #[test]
    fn a_site_url_comes_from_its_own_setting_before_the_hosting_pattern() {
        let config = config("hosting:\n  municipality: https://example.jp/m/{code}\n");
        let own = settings("221007", "https://city.example.jp/careplan");
        let url = |code| site_url(&config, SiteKind::Municipality, code, &own);
        assert_eq!(url("221007").unwrap(), "https://city.example.jp/careplan/");
        assert_eq!(url("221309").unwrap(), "https://example.jp/m/221309/");
        assert_eq!(
            site_url(&config, SiteKind::National, NATIONAL_CODE, &own),
            None
        );
    }

    #[test]
    fn the_warning_names_the_sites_that_cannot_be_linked() {
        let master = master();
        let municipalities = master.municipalities.len();
        let (message, hint) = unlinked_sites_warning(
            &master,
            &config(""),
            &settings("221007", "https://city.example.jp/"),
        )
        .unwrap();
        let total = 1 + master.prefectures.len() + municipalities - 1;
        assert!(
            message.contains(&format!("公開先 URL のない {total} サイト")),
            "{message}"
        );
        assert!(message.contains("全国のサイト"), "{message}");
        assert!(message.contains("浜松市"), "{message}");
        assert!(!message.contains("静岡市"), "{message}");
        assert!(hint.contains("hosting"), "{hint}");
        // Every site with a URL: nothing to say.
        let all = config(
            "hosting:\n  national: https://example.jp/\n  prefecture: https://example.jp/p/{code}/\n  municipality: https://example.jp/m/{code}/\n",
        );
        assert_eq!(
            unlinked_sites_warning(&master, &all, &BTreeMap::new()),
            None
        );
    }
}
