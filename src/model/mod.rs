//! The nation, its prefectures and municipalities, and one site for each:
//! built purely in memory from loaded data. Totals are computed from rows,
//! never copied from a file.

mod goals;
mod shown;

use std::collections::BTreeMap;

use jiff::civil::Date;

pub use goals::{Goal, GoalKind, Goals, meets, shortfall};
pub use shown::{Shown, SourceLine};

use crate::config::Config;
use crate::data::adoption::{Adoption, Figure, Provenance};
use crate::data::jis::{Code, MasterList};
use crate::data::offices::Office;
use crate::data::sites::SiteSettings;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SiteKind {
    National,
    Prefecture,
    Municipality,
}

/// An entity's figures over time, oldest first. Each figure carries its
/// snapshot (date, files, illustrative or not).
#[derive(Debug, Clone, Default)]
pub struct History {
    pub points: Vec<Figure>,
}

impl History {
    pub fn latest(&self) -> Option<&Figure> {
        self.points.last()
    }
}

/// A prefecture's standing against 都道府県の目標 in one snapshot: how many of
/// its municipalities meet 市区町村の目標.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct PrefectureKpi {
    pub date: Date,
    pub municipalities_met: u64,
    pub municipalities_total: u64,
    pub municipalities_with_data: u64,
    /// The prefecture meets 都道府県の目標.
    pub met: bool,
    pub municipalities_needed: u64,
    /// The municipal figures it was counted from.
    pub provenance: Provenance,
}

impl PrefectureKpi {
    /// The share of its municipalities meeting 市区町村の目標, 0–1.
    pub fn share(&self) -> f64 {
        self.municipalities_met as f64 / self.municipalities_total.max(1) as f64
    }

    pub fn illustrative(&self) -> bool {
        self.provenance.illustrative()
    }
}

/// One site to build.
#[derive(Debug, Clone)]
pub struct Site {
    pub kind: SiteKind,
    /// JIS code; [`Code::NATIONAL`] (`000000`) for the national site.
    pub code: Code,
    pub name: String,
    /// Name with its prefecture (静岡県静岡市), for titles.
    pub full_name: String,
    /// Output folder relative to the output root (`""`, `p/220001`, `m/221007`).
    pub dir: String,
    /// Its prefecture's code (its own for a prefecture; none for the nation).
    pub prefecture_code: Option<Code>,
    pub settings: SiteSettings,
    /// The configured public URL (ends with `/`), if any.
    pub url: Option<String>,
}

impl Site {
    pub fn municipality_code(&self) -> Option<&Code> {
        (self.kind == SiteKind::Municipality).then_some(&self.code)
    }
}

pub use crate::data::jis::NATIONAL_CODE;

/// Everything the renderer needs, computed once.
pub struct Model<'a> {
    pub master: &'a MasterList,
    pub config: &'a Config,
    /// 市区町村の目標 and 都道府県の目標, from `config.yaml`.
    pub goals: Goals,
    pub nation: History,
    pub prefectures: BTreeMap<Code, History>,
    pub municipalities: BTreeMap<Code, History>,
    /// Each prefecture's standing against its goal in its newest snapshot
    /// with municipal figures.
    pub prefecture_kpis: BTreeMap<Code, PrefectureKpi>,
    /// The same, for every snapshot with municipal figures, oldest first.
    pub prefecture_kpi_history: BTreeMap<Code, Vec<PrefectureKpi>>,
    /// National site first, then prefectures, then municipalities, each in code order.
    pub sites: Vec<Site>,
    pub snapshot_dates: Vec<Date>,
    site_index: BTreeMap<Code, usize>,
    /// Partner offices by municipality code, each municipality's in the order given.
    offices: BTreeMap<Code, Vec<&'a Office>>,
}

impl<'a> Model<'a> {
    pub fn build(
        master: &'a MasterList,
        config: &'a Config,
        adoption: &Adoption,
        settings: &BTreeMap<String, SiteSettings>,
        offices: &'a [Office],
    ) -> Model<'a> {
        let goals = Goals::from_config(config);
        let mut nation = History::default();
        let mut prefectures: BTreeMap<Code, History> = BTreeMap::new();
        let mut municipalities: BTreeMap<Code, History> = BTreeMap::new();
        let mut prefecture_kpi_history: BTreeMap<Code, Vec<PrefectureKpi>> = BTreeMap::new();
        for snapshot in &adoption.snapshots {
            for (code, figure) in &snapshot.municipalities {
                municipalities
                    .entry(*code)
                    .or_default()
                    .points
                    .push(figure.clone());
            }
            let mut national: Vec<Figure> = Vec::new();
            for prefecture in &master.prefectures {
                let members: Vec<&Figure> = master
                    .municipalities_of(prefecture.number())
                    .filter_map(|m| snapshot.municipalities.get(&m.code))
                    .collect();
                // A prefecture without its own row is the sum of its municipalities.
                let figure = snapshot
                    .prefectures
                    .get(&prefecture.code)
                    .cloned()
                    .or_else(|| Figure::total(members.iter().copied()));
                if let Some(f) = figure {
                    national.push(f.clone());
                    prefectures
                        .entry(prefecture.code)
                        .or_default()
                        .points
                        .push(f);
                }
                if let Some(kpi) =
                    prefecture_kpi(&goals, master, prefecture.number(), &members, snapshot.date)
                {
                    prefecture_kpi_history
                        .entry(prefecture.code)
                        .or_default()
                        .push(kpi);
                }
            }
            // A national total from a partial list of prefectures would
            // understate it; one that does not fit in the counts (impossible
            // for loaded data, whose rows are bounded) is left out rather than
            // wrapped around.
            if national.len() == master.prefectures.len()
                && let Some(f) = Figure::total(&national)
            {
                nation.points.push(f);
            }
        }
        let prefecture_kpis = prefecture_kpi_history
            .iter()
            .filter_map(|(code, h)| Some((*code, h.last()?.clone())))
            .collect();

        let settings_for = |code: &str| settings.get(code).cloned().unwrap_or_default();
        let mut sites = vec![Site {
            kind: SiteKind::National,
            code: Code::NATIONAL,
            name: "全国".to_string(),
            full_name: "全国".to_string(),
            dir: String::new(),
            prefecture_code: None,
            settings: settings_for(NATIONAL_CODE),
            url: site_url(config, SiteKind::National, NATIONAL_CODE, settings),
        }];
        for p in &master.prefectures {
            sites.push(Site {
                kind: SiteKind::Prefecture,
                code: p.code,
                name: p.name.clone(),
                full_name: p.name.clone(),
                dir: format!("p/{}", p.code),
                prefecture_code: Some(p.code),
                url: site_url(config, SiteKind::Prefecture, &p.code, settings),
                settings: settings_for(&p.code),
            });
        }
        for m in &master.municipalities {
            let prefecture = master
                .prefecture_of(&m.code)
                .expect("the master list has a prefecture for every municipality");
            sites.push(Site {
                kind: SiteKind::Municipality,
                code: m.code,
                name: m.name.clone(),
                full_name: format!("{}{}", prefecture.name, m.name),
                dir: format!("m/{}", m.code),
                prefecture_code: Some(prefecture.code),
                url: site_url(config, SiteKind::Municipality, &m.code, settings),
                settings: settings_for(&m.code),
            });
        }

        Model {
            master,
            config,
            goals,
            nation,
            prefectures,
            municipalities,
            prefecture_kpis,
            prefecture_kpi_history,
            snapshot_dates: adoption.snapshots.iter().map(|s| s.date).collect(),
            site_index: sites.iter().enumerate().map(|(i, s)| (s.code, i)).collect(),
            sites,
            offices: offices.iter().fold(BTreeMap::new(), |mut by, office| {
                by.entry(office.municipality_code)
                    .or_insert_with(Vec::new)
                    .push(office);
                by
            }),
        }
    }

    pub fn history(&self, site: &Site) -> Option<&History> {
        match site.kind {
            SiteKind::National => Some(&self.nation),
            SiteKind::Prefecture => self.prefectures.get(&site.code),
            SiteKind::Municipality => self.municipalities.get(&site.code),
        }
    }

    /// A site's newest figure.
    pub fn latest(&self, site: &Site) -> Option<&Figure> {
        self.history(site).and_then(History::latest)
    }

    pub fn site(&self, code: &str) -> Option<&Site> {
        self.site_index.get(code).map(|&i| &self.sites[i])
    }

    /// The national site.
    pub fn national(&self) -> &Site {
        &self.sites[0]
    }

    /// The sites one level down, in code order: the prefectures of the
    /// nation, the municipalities of a prefecture, none for a municipality.
    pub fn children<'s>(&'s self, site: &'s Site) -> impl Iterator<Item = &'s Site> + 's {
        self.sites.iter().filter(move |s| match site.kind {
            SiteKind::National => s.kind == SiteKind::Prefecture,
            SiteKind::Prefecture => {
                s.kind == SiteKind::Municipality && s.prefecture_code == Some(site.code)
            }
            SiteKind::Municipality => false,
        })
    }

    /// Whether a municipality code (an office's, a programme's) lies in a
    /// site's area: everywhere for the nation, its municipalities for a
    /// prefecture, itself for a municipality.
    pub fn covers(&self, site: &Site, code: &Code) -> bool {
        match site.kind {
            SiteKind::National => true,
            SiteKind::Prefecture => code.is_in(&site.code),
            SiteKind::Municipality => *code == site.code,
        }
    }

    /// The partner offices a site lists: a municipality its own, a
    /// prefecture those of its municipalities, the nation all; in
    /// municipality code order, each municipality's in the order given.
    pub fn offices_of(&self, site: &Site) -> Vec<&'a Office> {
        self.offices
            .iter()
            .filter(|(code, _)| self.covers(site, code))
            .flat_map(|(_, list)| list.iter().copied())
            .collect()
    }

    /// Where every figure of a site's home page comes from: its own history,
    /// its prefecture's and the nation's latest (the comparison), its
    /// children's latest and, for a prefecture, the municipal figures its goal
    /// is counted from.
    pub fn shown_on_home(&self, site: &Site) -> Shown {
        let mut shown = Shown::new();
        if let Some(h) = self.history(site) {
            for f in &h.points {
                shown.add(site.kind, &f.provenance);
            }
        }
        if let Some(p) = site.prefecture_code.as_ref().and_then(|c| self.site(c))
            && let Some(f) = self.latest(p)
        {
            shown.add(SiteKind::Prefecture, &f.provenance);
        }
        if let Some(f) = self.nation.latest() {
            shown.add(SiteKind::National, &f.provenance);
        }
        for child in self.children(site) {
            if let Some(f) = self.latest(child) {
                shown.add(child.kind, &f.provenance);
            }
        }
        match site.kind {
            SiteKind::Prefecture => {
                for k in self
                    .prefecture_kpi_history
                    .get(&site.code)
                    .into_iter()
                    .flatten()
                {
                    shown.add(SiteKind::Municipality, &k.provenance);
                }
            }
            SiteKind::National => {
                // The distribution of municipal rates and the goal counts.
                for k in self.prefecture_kpis.values() {
                    shown.add(SiteKind::Municipality, &k.provenance);
                }
                for h in self.municipalities.values() {
                    if let Some(f) = h.latest() {
                        shown.add(SiteKind::Municipality, &f.provenance);
                    }
                }
            }
            SiteKind::Municipality => {}
        }
        shown
    }
}

/// A prefecture's standing against 都道府県の目標 from its municipalities'
/// figures of one snapshot (`None` when it has none).
fn prefecture_kpi(
    goals: &Goals,
    master: &MasterList,
    number: &str,
    members: &[&Figure],
    date: Date,
) -> Option<PrefectureKpi> {
    let first = members.first()?;
    let mut provenance = first.provenance.clone();
    let mut met = 0;
    for f in members {
        provenance = provenance.merged(&f.provenance);
        if goals.municipal.met(f.using, f.offices) {
            met += 1;
        }
    }
    let total = master.municipalities_of(number).count() as u64;
    Some(PrefectureKpi {
        date,
        municipalities_met: met,
        municipalities_total: total,
        municipalities_with_data: members.len() as u64,
        met: goals.prefectural.met(met, total),
        municipalities_needed: goals.prefectural.shortfall(met, total),
        provenance,
    })
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

    /// Figures that slipped past the loader's bounds give no total, never a
    /// wrapped one (1,553,255,926,290,620,220 from two rows of 10¹⁹).
    #[test]
    fn totals_that_do_not_fit_are_left_out_not_wrapped() {
        use crate::data::adoption::Snapshot;
        let mut problems = crate::problems::Problems::new();
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let master = MasterList::load(&root.join("data/municipalities.csv"), &mut problems);
        let config = Config::load(&root.join("config.yaml"), &mut problems).unwrap();
        let source = std::sync::Arc::new(crate::data::adoption::Source {
            date: Date::new(2024, 1, 15).unwrap(),
            file: "2024-01-15.csv".to_string(),
            illustrative: false,
        });
        let provenance = Provenance::of(source.clone());
        let figure = |offices| Figure {
            offices,
            using: 1,
            provenance: provenance.clone(),
        };
        let mut snapshot = Snapshot {
            date: Date::new(2024, 1, 15).unwrap(),
            prefectures: master
                .prefectures
                .iter()
                .map(|p| (p.code, figure(100)))
                .collect(),
            municipalities: BTreeMap::new(),
            sources: vec![source.clone()],
        };
        let fits = Adoption {
            snapshots: vec![snapshot.clone()],
        };
        let model = Model::build(&master, &config, &fits, &BTreeMap::new(), &[]);
        assert_eq!(
            model.nation.points[0],
            Figure {
                offices: 4_700,
                using: 47,
                provenance: provenance.clone(),
            }
        );
        for code in ["010006", "220001"] {
            snapshot.prefectures.insert(
                Code::parse(code).unwrap(),
                figure(10_000_000_000_000_000_000),
            );
        }
        let overflow = Adoption {
            snapshots: vec![snapshot],
        };
        let model = Model::build(&master, &config, &overflow, &BTreeMap::new(), &[]);
        assert!(model.nation.points.is_empty(), "{:?}", model.nation.points);
        assert_eq!(model.prefectures["220001"].points.len(), 1);
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
