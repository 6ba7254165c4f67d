//! What templates see, built once per site. Numbers and dates stay numbers
//! and dates (with their provenance) until a template renders them through
//! the filters of `crate::format` (`thousands`, `percent`, `date_ja`, …).

use std::collections::BTreeMap;

use jiff::civil::Date;
use serde::Serialize;
use tera::Context;

use super::events::{HomeNews, NewsBoard};
use super::partners::{PartnersView, partners_view};
use super::subsidy_view::{ProgrammeStatus, SubsidiesView, programme_status, subsidies_view};
use super::{SiteEntries, json_for_script};
use crate::content::markdown::root_prefix;
use crate::content::{Entry, FaqEntry, NewsItem, Page};
use crate::data::adoption::Figure;
use crate::data::subsidies::{Provider, Subsidy};
use crate::dates::{format_both, format_western};
use crate::format::thousands;
use crate::model::{Model, Shown, Site, SiteKind};

/// One figure as templates get it: typed values (`{{ f.rate | percent }}`,
/// `{{ f.offices | thousands }}`, `{{ f.date | date_ja }}`) and where it
/// comes from.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FigureView {
    /// The snapshot date (`YYYY-MM-DD`).
    pub date: Date,
    pub offices: u64,
    pub using: u64,
    /// Share of offices using the system, 0–1 (none without offices).
    pub rate: Option<f64>,
    /// From illustrative (sample) data.
    pub illustrative: bool,
    /// The snapshot files it was read or summed from.
    pub files: Vec<String>,
}

impl FigureView {
    pub fn new(f: &Figure) -> Self {
        FigureView {
            date: f.date(),
            offices: f.offices,
            using: f.using,
            rate: f.rate(),
            illustrative: f.illustrative(),
            files: f
                .provenance
                .sources()
                .iter()
                .map(|s| s.file.clone())
                .collect(),
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct SiteInfo {
    pub kind: SiteKind,
    pub code: crate::data::jis::Code,
    pub name: String,
    pub full_name: String,
    pub title: String,
    pub url: Option<String>,
    /// The prefecture a municipality belongs to (its own name for a prefecture).
    pub prefecture_name: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Link {
    pub title: String,
    pub href: String,
    pub current: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct SectionView {
    pub title: String,
    pub description: String,
    pub html: String,
    pub url: String,
    pub dir: String,
    pub pages: Vec<PageLink>,
}

#[derive(Debug, Clone, Serialize)]
pub struct PageLink {
    pub title: String,
    pub url: String,
    pub description: String,
    pub illustrative: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct FaqGroup {
    pub category: String,
    pub entries: Vec<FaqEntry>,
}

/// A municipality against 市区町村の目標.
#[derive(Debug, Clone, Serialize)]
pub struct MunicipalityKpiView {
    pub met: bool,
    pub offices_needed: u64,
    pub illustrative: bool,
}

/// A prefecture against 都道府県の目標.
#[derive(Debug, Clone, Serialize)]
pub struct PrefectureKpiView {
    pub met: bool,
    pub municipalities_met: u64,
    pub municipalities_total: u64,
    pub municipalities_with_data: u64,
    pub municipalities_needed: u64,
    /// 0–1.
    pub share: f64,
    pub date: Date,
    pub illustrative: bool,
}

/// The national counts, each under its own name: prefectures meeting
/// 都道府県の目標, municipalities meeting 市区町村の目標.
#[derive(Debug, Clone, Serialize)]
pub struct NationalKpiView {
    pub prefectures_met: u64,
    pub prefectures_with_data: u64,
    pub municipalities_met: u64,
    pub municipalities_with_data: u64,
    /// Counted from illustrative municipal figures.
    pub illustrative: bool,
}

/// The goals as pages name them (`model::Goals`).
#[derive(Debug, Clone, Serialize)]
pub struct GoalsView {
    /// 市区町村の目標
    pub municipal_name: &'static str,
    /// 都道府県の目標
    pub prefectural_name: &'static str,
    /// 0–1, from config.yaml.
    pub municipal: f64,
    pub prefectural: f64,
    /// 市区町村の目標は、市区町村内の事業所の30%が利用すること
    pub municipal_definition: String,
    /// 都道府県の目標は、都道府県内の市区町村の50%が市区町村の目標を達成すること
    pub prefectural_definition: String,
}

/// What a page says about where its figures come from, written from what
/// it shows (`model::Shown`).
#[derive(Debug, Clone, Default, Serialize)]
pub struct FiguresNotice {
    /// Which of its figures are illustrative (none: no sample figure shown).
    pub sample: Option<String>,
    /// Where the others come from, when some are illustrative.
    pub real: Option<String>,
    /// Every file behind its figures, with its date and source.
    pub sources: Vec<crate::model::SourceLine>,
}

impl FiguresNotice {
    pub fn of(shown: &Shown, subject: &str, citations: &BTreeMap<String, String>) -> Self {
        FiguresNotice {
            sample: shown.sample_notice(subject),
            real: shown.real_notice(citations),
            sources: shown.lines(citations),
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct ComparisonRow {
    pub label: String,
    pub name: String,
    pub figure: Option<FigureView>,
    /// Path from the public root to the other site's home (`None` for this site).
    pub site_path: Option<String>,
    /// The link to it, when it has one (see [`SiteView::href`]).
    pub href: Option<String>,
    pub current: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct ChildRow {
    pub code: String,
    pub name: String,
    pub site_path: String,
    pub href: Option<String>,
    pub figure: Option<FigureView>,
    /// A prefecture row: it meets 都道府県の目標; a municipality row: 市区町村の目標.
    pub met: Option<bool>,
    /// A prefecture row: its municipalities meeting 市区町村の目標, of all.
    pub municipalities_met: Option<u64>,
    pub municipalities_total: Option<u64>,
    /// The goal count comes from illustrative figures.
    pub kpi_illustrative: bool,
}

/// A child site (prefecture or municipality) and the programmes it runs itself.
#[derive(Debug, Clone, Serialize)]
pub struct LocalProgrammes {
    pub name: String,
    pub site_path: String,
    pub href: Option<String>,
    pub programmes: Vec<ProgrammeStatus>,
    /// For the national table: how many of the prefecture's municipalities run their own.
    pub municipalities_with_own: u64,
}

#[derive(Debug, Clone, Serialize)]
pub struct HomeView {
    pub headline: Option<FigureView>,
    pub municipality_kpi: Option<MunicipalityKpiView>,
    pub prefecture_kpi: Option<PrefectureKpiView>,
    pub national_kpi: Option<NationalKpiView>,
    pub comparison: Vec<ComparisonRow>,
    pub trend: Vec<FigureView>,
    pub children: Vec<ChildRow>,
    pub guides: Vec<PageLink>,
    pub latest_news: HomeNews,
    /// Which of the page's figures are illustrative, and where the rest come from.
    pub notice: FiguresNotice,
}

#[derive(Serialize)]
struct Common<'a> {
    site: &'a SiteInfo,
    root: String,
    page_url: &'a str,
    nav: Vec<Link>,
    related_sites: Vec<Link>,
    helpdesk: &'a crate::config::Helpdesk,
    /// `tel:` links for the helpdesk's and the local department's numbers.
    helpdesk_tel: Option<String>,
    contact_tel: Option<String>,
    /// A free-dial number (0120, 0800): calls cost the caller nothing.
    helpdesk_toll_free: bool,
    publisher: &'a str,
    contact: &'a crate::data::sites::SiteSettings,
    build_date: String,
    build_date_display: String,
    goals: &'a GoalsView,
    denominator: &'a str,
    licence_fee: &'a crate::config::LicenceFee,
    licence_fee_display: String,
    licence_fee_as_of: String,
}

/// A page's template context, hashed as it is filled so that a page whose
/// context did not change can be reused from the previous build.
pub struct PageContext {
    pub context: Context,
    hasher: twox_hash::XxHash3_64,
}

struct HashWriter<'a>(&'a mut twox_hash::XxHash3_64);

impl std::io::Write for HashWriter<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        std::hash::Hasher::write(self.0, buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl PageContext {
    fn new<T: Serialize>(common: &T) -> PageContext {
        let mut hasher = twox_hash::XxHash3_64::with_seed(0);
        serde_json::to_writer(HashWriter(&mut hasher), common)
            .expect("view values always serialize");
        PageContext {
            context: Context::from_serialize(common).expect("view values always serialize"),
            hasher,
        }
    }

    pub fn insert<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T) {
        std::hash::Hasher::write(&mut self.hasher, key.as_bytes());
        serde_json::to_writer(HashWriter(&mut self.hasher), value)
            .expect("view values always serialize");
        self.context.insert(key, value);
    }

    /// Add a value computed from what is already hashed (so it needs no hashing).
    pub fn insert_derived<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T) {
        self.context.insert(key, value);
    }

    /// The page's input key: its context, its template and the theme.
    pub fn key(&self, template: &str, theme_fingerprint: u64) -> u64 {
        let mut hasher = self.hasher.clone();
        std::hash::Hasher::write(&mut hasher, template.as_bytes());
        std::hash::Hasher::write_u64(&mut hasher, theme_fingerprint);
        std::hash::Hasher::finish(&hasher)
    }
}

/// Everything one site's templates need.
pub struct SiteView<'a> {
    model: &'a Model<'a>,
    site: &'a Site,
    info: SiteInfo,
    build_date: Date,
    pub home: HomeView,
    pub sections: Vec<SectionView>,
    pub faq: Vec<FaqGroup>,
    pub news: NewsBoard,
    pub subsidies: SubsidiesView,
    pub local_programmes: Vec<LocalProgrammes>,
    pub partners: Option<PartnersView>,
    nav_items: Vec<(String, String)>,
    goals: GoalsView,
    /// What the downloads (CSV, JSON) of this site carry.
    downloads_notice: FiguresNotice,
    /// What the posters print: the home page's headline, goal and comparison.
    poster_shown: Shown,
}

/// A `tel:` URL for a phone number as people write it (`054-221-1234`,
/// `０５４（２２１）１２３４`, `054(221)1234 内線 12`): its digits, and a
/// leading `+`. The number ends at the first character that cannot be part of
/// it. `None` when fewer than five digits remain.
pub fn tel_href(phone: &str) -> Option<String> {
    let mut number = String::new();
    let mut open_paren = false;
    for c in phone.trim().chars() {
        let c = match c {
            '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32)?,
            '＋' => '+',
            '（' => '(',
            '）' => ')',
            other => other,
        };
        match c {
            '0'..='9' => number.push(c),
            '+' if number.is_empty() => number.push(c),
            '(' if !open_paren => open_paren = true,
            ')' if open_paren => open_paren = false,
            ' ' | '\u{3000}' | '-' | '‐' | '‑' | '‒' | '–' | '—' | '―' | '−' | '－' | 'ー'
            | '.' => {}
            _ => break,
        }
    }
    (number.chars().filter(char::is_ascii_digit).count() >= 5).then(|| format!("tel:{number}"))
}

/// Path from the public root to a site's home page.
pub(super) fn site_home_path(site: &Site) -> String {
    if site.dir.is_empty() {
        "index.html".to_string()
    } else {
        format!("{}/index.html", site.dir)
    }
}

impl<'a> SiteView<'a> {
    pub fn new(
        model: &'a Model<'a>,
        site: &'a Site,
        entries: &SiteEntries,
        all_subsidies: &[Subsidy],
        build_date: Date,
    ) -> Self {
        let config = model.config;
        let info = SiteInfo {
            kind: site.kind,
            code: site.code,
            name: site.name.clone(),
            full_name: site.full_name.clone(),
            title: match site.kind {
                SiteKind::National => config.title.clone(),
                _ => format!("{} {}", site.full_name, config.title),
            },
            url: site.url.clone(),
            prefecture_name: site
                .prefecture_code
                .as_deref()
                .and_then(|c| model.master.prefecture(c))
                .map(|p| p.name.clone()),
        };

        let mut pages: Vec<&Page> = Vec::new();
        let mut section_meta = BTreeMap::new();
        let mut faq: Vec<FaqEntry> = Vec::new();
        let mut news: Vec<NewsItem> = Vec::new();
        for entry in entries.values() {
            match entry.as_ref() {
                Entry::Page(p) => pages.push(p),
                Entry::Section(s) => {
                    section_meta.insert(s.dir.clone(), s);
                }
                Entry::Faq(f) => faq.push(f.clone()),
                Entry::News(n) => news.push(n.clone()),
            }
        }
        pages.sort_by(|a, b| (a.order, &a.url).cmp(&(b.order, &b.url)));
        let link = |p: &Page| PageLink {
            title: p.title.clone(),
            url: p.url.clone(),
            description: p.description.clone(),
            illustrative: p.illustrative,
        };
        let mut dirs: Vec<String> = pages
            .iter()
            .filter(|p| !p.section.is_empty())
            .map(|p| p.section.clone())
            .collect();
        dirs.sort();
        dirs.dedup();
        let sections: Vec<SectionView> = dirs
            .iter()
            .map(|dir| {
                let meta = section_meta.get(dir);
                SectionView {
                    title: meta.map(|m| m.title.clone()).unwrap_or_else(|| dir.clone()),
                    description: meta.map(|m| m.description.clone()).unwrap_or_default(),
                    html: meta.map(|m| m.html.clone()).unwrap_or_default(),
                    url: format!("{dir}/index.html"),
                    dir: dir.clone(),
                    pages: pages
                        .iter()
                        .filter(|p| &p.section == dir)
                        .map(|p| link(p))
                        .collect(),
                }
            })
            .collect();

        faq.sort_by(|a, b| (a.order, &a.slug).cmp(&(b.order, &b.slug)));
        let mut groups: Vec<FaqGroup> = Vec::new();
        for entry in faq {
            match groups.iter_mut().find(|g| g.category == entry.category) {
                Some(g) => g.entries.push(entry),
                None => groups.push(FaqGroup {
                    category: entry.category.clone(),
                    entries: vec![entry],
                }),
            }
        }
        let news = NewsBoard::new(model, site, news, build_date);

        let mut nav_items = vec![("ホーム".to_string(), "index.html".to_string())];
        for s in &sections {
            nav_items.push((s.title.clone(), s.url.clone()));
        }
        if !groups.is_empty() {
            nav_items.push(("よくある質問".to_string(), "faq.html".to_string()));
        }
        if !news.is_empty() {
            nav_items.push((
                "お知らせ・イベント".to_string(),
                "news/index.html".to_string(),
            ));
        }
        let partners = partners_view(model, site);
        if partners.is_some() {
            nav_items.push((
                "利用している事業所".to_string(),
                "partners.html".to_string(),
            ));
        }
        nav_items.push(("補助金と費用".to_string(), "subsidies.html".to_string()));
        nav_items.push(("問い合わせ".to_string(), "contact.html".to_string()));
        let subsidies = subsidies_view(
            all_subsidies,
            site.prefecture_code.as_ref(),
            (site.kind == SiteKind::Municipality).then_some(&site.code),
            model.master,
            config,
            build_date,
        );
        let local_programmes = Self::local_programmes(model, site, all_subsidies, build_date);

        let home = Self::home(model, site, &sections, &news);
        let citations = &config.adoption.sources;
        let mut downloads_shown = Shown::new();
        for s in std::iter::once(site).chain(model.children(site)) {
            for f in model.history(s).map_or(&[][..], |h| h.points.as_slice()) {
                downloads_shown.add(s.kind, &f.provenance);
            }
        }
        let goals = &model.goals;
        SiteView {
            model,
            site,
            info,
            build_date,
            home,
            sections,
            faq: groups,
            news,
            subsidies,
            local_programmes,
            partners,
            nav_items,
            goals: GoalsView {
                municipal_name: goals.municipal.name(),
                prefectural_name: goals.prefectural.name(),
                municipal: goals.municipal.share,
                prefectural: goals.prefectural.share,
                municipal_definition: goals.municipal_definition(),
                prefectural_definition: goals.prefectural_definition(),
            },
            downloads_notice: FiguresNotice::of(
                &downloads_shown,
                "このページのファイル",
                citations,
            ),
            poster_shown: Self::poster_shown(model, site),
        }
    }

    /// Where the figures a poster prints come from: the site's latest figure,
    /// its goal count, and the comparison (its prefecture's and the nation's).
    fn poster_shown(model: &Model, site: &Site) -> Shown {
        let mut shown = Shown::new();
        if let Some(f) = model.latest(site) {
            shown.add(site.kind, &f.provenance);
        }
        if let Some(p) = site.prefecture_code.as_ref().and_then(|c| model.site(c))
            && let Some(f) = model.latest(p)
        {
            shown.add(SiteKind::Prefecture, &f.provenance);
        }
        if let Some(f) = model.nation.latest() {
            shown.add(SiteKind::National, &f.provenance);
        }
        match site.kind {
            SiteKind::Prefecture => {
                if let Some(k) = model.prefecture_kpis.get(&site.code) {
                    shown.add(SiteKind::Municipality, &k.provenance);
                }
            }
            SiteKind::National => {
                for k in model.prefecture_kpis.values() {
                    shown.add(SiteKind::Municipality, &k.provenance);
                }
            }
            SiteKind::Municipality => {}
        }
        shown
    }

    fn home(model: &Model, site: &Site, sections: &[SectionView], news: &NewsBoard) -> HomeView {
        let goals = &model.goals;
        let history = model.history(site);
        let latest = |s: &Site| model.latest(s).map(FigureView::new);
        let headline = latest(site);
        let trend = history
            .map(|h| h.points.iter().map(FigureView::new).collect())
            .unwrap_or_default();

        let municipality_kpi = match (site.kind, model.latest(site)) {
            (SiteKind::Municipality, Some(f)) if f.offices > 0 => Some(MunicipalityKpiView {
                met: goals.municipal.met(f.using, f.offices),
                offices_needed: goals.municipal.shortfall(f.using, f.offices),
                illustrative: f.illustrative(),
            }),
            _ => None,
        };
        let prefecture_kpi = match site.kind {
            SiteKind::Prefecture => {
                model
                    .prefecture_kpis
                    .get(&site.code)
                    .map(|k| PrefectureKpiView {
                        met: k.met,
                        municipalities_met: k.municipalities_met,
                        municipalities_total: k.municipalities_total,
                        municipalities_with_data: k.municipalities_with_data,
                        municipalities_needed: k.municipalities_needed,
                        share: k.share(),
                        date: k.date,
                        illustrative: k.illustrative(),
                    })
            }
            _ => None,
        };
        let national_kpi = (site.kind == SiteKind::National).then(|| {
            let kpis = &model.prefecture_kpis;
            NationalKpiView {
                prefectures_met: kpis.values().filter(|k| k.met).count() as u64,
                prefectures_with_data: kpis.len() as u64,
                municipalities_met: kpis.values().map(|k| k.municipalities_met).sum(),
                municipalities_with_data: kpis.values().map(|k| k.municipalities_with_data).sum(),
                illustrative: kpis.values().any(|k| k.illustrative()),
            }
        });

        let mut comparison = Vec::new();
        if site.kind == SiteKind::Municipality {
            comparison.push(ComparisonRow {
                label: "この市区町村".to_string(),
                name: site.name.clone(),
                figure: headline.clone(),
                site_path: None,
                href: None,
                current: true,
            });
        }
        if let Some(p) = site.prefecture_code.as_ref().and_then(|c| model.site(c)) {
            comparison.push(ComparisonRow {
                label: "都道府県".to_string(),
                name: p.name.clone(),
                figure: latest(p),
                site_path: (site.kind != SiteKind::Prefecture).then(|| site_home_path(p)),
                href: None,
                current: site.kind == SiteKind::Prefecture,
            });
        }
        comparison.push(ComparisonRow {
            label: "全国".to_string(),
            name: "全国".to_string(),
            figure: latest(model.national()),
            site_path: (site.kind != SiteKind::National).then(|| "index.html".to_string()),
            href: None,
            current: site.kind == SiteKind::National,
        });

        let children = model
            .children(site)
            .map(|child| {
                let figure = latest(child);
                let (met, municipalities_met, municipalities_total, kpi_illustrative) =
                    match child.kind {
                        SiteKind::Prefecture => match model.prefecture_kpis.get(&child.code) {
                            Some(k) => (
                                Some(k.met),
                                Some(k.municipalities_met),
                                Some(k.municipalities_total),
                                k.illustrative(),
                            ),
                            None => (None, None, None, false),
                        },
                        _ => {
                            let f = model.latest(child).filter(|f| f.offices > 0);
                            (
                                f.map(|f| goals.municipal.met(f.using, f.offices)),
                                None,
                                None,
                                f.is_some_and(|f| f.illustrative()),
                            )
                        }
                    };
                ChildRow {
                    code: child.code.to_string(),
                    name: child.name.clone(),
                    site_path: site_home_path(child),
                    href: None,
                    figure,
                    met,
                    municipalities_met,
                    municipalities_total,
                    kpi_illustrative,
                }
            })
            .collect();

        HomeView {
            headline,
            municipality_kpi,
            prefecture_kpi,
            national_kpi,
            comparison,
            trend,
            children,
            guides: sections
                .iter()
                .find(|s| s.dir == "guides")
                .map(|s| s.pages.clone())
                .unwrap_or_default(),
            latest_news: news.home(),
            notice: FiguresNotice::of(
                &model.shown_on_home(site),
                "このページ",
                &model.config.adoption.sources,
            ),
        }
    }

    /// Prefecture site: its municipalities that run their own programme.
    /// National site: every prefecture, with its own programmes and how many of
    /// its municipalities run one.
    fn local_programmes(
        model: &Model,
        site: &Site,
        all: &[Subsidy],
        build_date: Date,
    ) -> Vec<LocalProgrammes> {
        let own = |code: &crate::data::jis::Code| -> Vec<ProgrammeStatus> {
            all.iter()
                .filter(|s| s.provider.code() == Some(code))
                .map(|s| programme_status(s, model.config, build_date))
                .collect()
        };
        match site.kind {
            SiteKind::Prefecture => model
                .children(site)
                .filter_map(|m| {
                    let programmes = own(&m.code);
                    (!programmes.is_empty()).then(|| LocalProgrammes {
                        name: m.name.clone(),
                        site_path: site_home_path(m),
                        href: None,
                        programmes,
                        municipalities_with_own: 0,
                    })
                })
                .collect(),
            SiteKind::National => model
                .children(site)
                .map(|p| {
                    let with_own = all
                        .iter()
                        .filter_map(|s| match &s.provider {
                            Provider::Municipality(c) if model.covers(p, c) => Some(*c),
                            _ => None,
                        })
                        .collect::<std::collections::BTreeSet<_>>()
                        .len() as u64;
                    LocalProgrammes {
                        name: p.name.clone(),
                        site_path: site_home_path(p),
                        href: None,
                        programmes: own(&p.code),
                        municipalities_with_own: with_own,
                    }
                })
                .collect(),
            SiteKind::Municipality => Vec::new(),
        }
    }

    /// The link from `page_url` to `site_path`, a path inside `public/`
    /// (`m/221007/partners.html`). Inside this site it is relative. Another
    /// site is reached only through its configured URL, so that this site's
    /// folder stands alone wherever it is uploaded: `None` when that site has
    /// none (the template then shows the name without a link).
    pub fn href(&self, page_url: &str, site_path: &str) -> Option<String> {
        let (site, rest) = match site_path.split('/').collect::<Vec<_>>().as_slice() {
            ["p" | "m", code, rest @ ..] => (self.model.site(code)?, rest.join("/")),
            _ => (&self.model.sites[0], site_path.to_string()),
        };
        if site.code == self.site.code {
            return Some(format!("{}{rest}", root_prefix(page_url)));
        }
        let url = site.url.as_ref()?;
        let rest = if rest == "index.html" {
            ""
        } else {
            rest.as_str()
        };
        Some(format!("{url}{rest}"))
    }

    /// The template context of one page of this site.
    pub fn context(&self, page_url: &str) -> PageContext {
        let config = self.model.config;
        let root = root_prefix(page_url);
        let nav = self
            .nav_items
            .iter()
            .map(|(title, url)| Link {
                title: title.clone(),
                href: format!("{root}{url}"),
                current: url == page_url
                    || (url != "index.html"
                        && page_url.starts_with(url.trim_end_matches("index.html"))
                        && url.ends_with("/index.html")),
            })
            .collect();
        let mut related_sites = Vec::new();
        if let Some(pcode) = &self.site.prefecture_code
            && self.site.kind == SiteKind::Municipality
            && let Some(p) = self.model.site(pcode)
            && let Some(href) = self.href(page_url, &site_home_path(p))
        {
            related_sites.push(Link {
                title: format!("{}のサイト", p.name),
                href,
                current: false,
            });
        }
        if self.site.kind != SiteKind::National
            && let Some(href) = self.href(page_url, "index.html")
        {
            related_sites.push(Link {
                title: "全国のサイト".to_string(),
                href,
                current: false,
            });
        }
        let fee = &config.licence_fee;
        let common = Common {
            site: &self.info,
            root: root.clone(),
            page_url,
            nav,
            related_sites,
            helpdesk: &config.helpdesk,
            helpdesk_tel: tel_href(&config.helpdesk.phone),
            contact_tel: self.site.settings.phone.as_deref().and_then(tel_href),
            helpdesk_toll_free: tel_href(&config.helpdesk.phone)
                .is_some_and(|t| t.starts_with("tel:0120") || t.starts_with("tel:0800")),
            publisher: &config.publisher,
            contact: &self.site.settings,
            build_date: self.build_date.to_string(),
            build_date_display: format_both(self.build_date),
            goals: &self.goals,
            denominator: &config.adoption.denominator,
            licence_fee: fee,
            licence_fee_display: format!(
                "{}円（{}）",
                thousands(fee.yen_per_year),
                if fee.tax_included { "税込" } else { "税別" }
            ),
            licence_fee_as_of: format_western(fee.as_of),
        };
        let mut context = PageContext::new(&common);
        if page_url == "index.html" {
            let mut home = self.home.clone();
            for row in &mut home.comparison {
                row.href = row.site_path.as_ref().and_then(|p| self.href(page_url, p));
            }
            for row in &mut home.children {
                row.href = self.href(page_url, &row.site_path);
            }
            context.insert(
                "unlinked_sites",
                &home.children.iter().any(|r| r.href.is_none()),
            );
            context.insert("home", &home);
        }
        if page_url == "partners.html"
            && let Some(partners) = &self.partners
        {
            let mut partners = partners.clone();
            for row in &mut partners.summary {
                row.href = self.href(page_url, &row.site_path);
            }
            context.insert(
                "unlinked_sites",
                &partners.summary.iter().any(|r| r.href.is_none()),
            );
            context.insert("partners", &partners);
        }
        if page_url == "subsidies.html" {
            let mut local = self.local_programmes.clone();
            for row in &mut local {
                row.href = self.href(page_url, &row.site_path);
            }
            context.insert("unlinked_sites", &local.iter().any(|r| r.href.is_none()));
            context.insert("local_programmes", &local);
        }
        // Each page gets only what it shows, so an edit re-renders only the
        // pages that depend on it.
        if page_url == "index.html" || page_url == "subsidies.html" {
            context.insert("subsidies", &self.subsidies);
        }
        if page_url == "downloads.html" {
            context.insert("figures_notice", &self.downloads_notice);
        }
        if page_url == "faq.html" {
            context.insert("faq", &self.faq);
        }
        if page_url == "news/index.html" {
            context.insert("news", &self.news.lists());
        }
        context.insert("has_faq", &!self.faq.is_empty());
        context.insert("has_news", &!self.news.is_empty());
        context.insert("sections", &self.sections);
        context
    }

    /// What this site's posters print: typed values, and the disclaimer
    /// written from the snapshots of exactly those figures.
    pub fn poster_input(&self) -> crate::posters::PosterInput {
        let config = self.model.config;
        let goals = &self.model.goals;
        let home = &self.home;
        let (kpi_text, goal_text) = match self.site.kind {
            SiteKind::Municipality => (
                home.municipality_kpi.as_ref().map(|k| {
                    if k.met {
                        format!(
                            "{}（{}）を達成しています",
                            goals.municipal.name(),
                            goals.municipal.threshold()
                        )
                    } else {
                        format!(
                            "{}（{}）まで、あと{}事業所",
                            goals.municipal.name(),
                            goals.municipal.threshold(),
                            thousands(k.offices_needed)
                        )
                    }
                }),
                format!(
                    "{}: 事業所の{}が利用",
                    goals.municipal.name(),
                    goals.municipal.threshold()
                ),
            ),
            SiteKind::Prefecture => (
                home.prefecture_kpi.as_ref().map(|k| {
                    format!(
                        "{}市区町村のうち{}市区町村が{}を達成",
                        k.municipalities_total,
                        k.municipalities_met,
                        goals.municipal.name()
                    )
                }),
                format!(
                    "{}: 市区町村の{}が{}（事業所の{}）を達成",
                    goals.prefectural.name(),
                    goals.prefectural.threshold(),
                    goals.municipal.name(),
                    goals.municipal.threshold()
                ),
            ),
            SiteKind::National => (
                home.national_kpi.as_ref().map(|k| {
                    format!(
                        "{}を達成した都道府県 {} / {}",
                        goals.prefectural.name(),
                        k.prefectures_met,
                        k.prefectures_with_data
                    )
                }),
                format!(
                    "{}: 市区町村の{}が{}（事業所の{}）を達成",
                    goals.prefectural.name(),
                    goals.prefectural.threshold(),
                    goals.municipal.name(),
                    goals.municipal.threshold()
                ),
            ),
        };
        let comparison = home
            .comparison
            .iter()
            .filter_map(|row| {
                let f = row.figure.as_ref()?;
                Some(crate::posters::PosterBar {
                    label: row.name.clone(),
                    rate: f.rate?,
                    illustrative: f.illustrative,
                })
            })
            .collect();
        let target = crate::render::charts_view::target_of(&goals.municipal);
        let target_label = if self.site.kind == SiteKind::Municipality {
            target.line_label()
        } else {
            crate::charts::Target::level(target.share).line_label()
        };
        let sample_notice = self
            .poster_shown
            .sample_notice("このポスター")
            .map(|n| format!("※{n}"));
        crate::posters::PosterInput {
            site_kind: match self.site.kind {
                SiteKind::National => "national",
                SiteKind::Prefecture => "prefecture",
                SiteKind::Municipality => "municipality",
            }
            .to_string(),
            name: self.site.name.clone(),
            full_name: self.site.full_name.clone(),
            headline_rate: home.headline.as_ref().and_then(|h| h.rate),
            offices: home.headline.as_ref().map(|h| h.offices),
            using: home.headline.as_ref().map(|h| h.using),
            date: home.headline.as_ref().map(|h| h.date),
            illustrative: sample_notice.is_some(),
            sample_notice,
            target: goals.municipal.share,
            target_label,
            goal_text,
            kpi_text,
            comparison,
            helpdesk_name: config.helpdesk.name.clone(),
            helpdesk_phone: config.helpdesk.phone.clone(),
            helpdesk_hours: config.helpdesk.hours.clone(),
            local_department: self.site.settings.department.clone(),
            local_phone: self.site.settings.phone.clone(),
            local_email: self.site.settings.email.clone(),
            local_address: self.site.settings.address.clone(),
            local_hours: self.site.settings.hours.clone(),
            url: self.site.url.clone(),
            national_url: self.model.national().url.clone(),
            national_title: config.title.clone(),
        }
    }

    /// The site's title, as pages show it.
    pub fn info_title(&self) -> String {
        self.info.title.clone()
    }

    /// The OGP image's headline and sub line, marked when its figure is
    /// illustrative.
    pub fn ogp_text(&self) -> (String, String) {
        match &self.home.headline {
            Some(h) => (
                format!(
                    "利用率 {}",
                    h.rate
                        .map_or_else(|| "—".to_string(), crate::format::percent)
                ),
                format!(
                    "{} 事業所のうち {} 事業所が利用（{}時点{}）",
                    thousands(h.offices),
                    thousands(h.using),
                    format_western(h.date),
                    if h.illustrative {
                        "・サンプルの架空データ"
                    } else {
                        ""
                    }
                ),
            ),
            None => (
                "ケアプランデータ連携システム".to_string(),
                "導入の手順・補助金・問い合わせ先".to_string(),
            ),
        }
    }

    /// schema.org FAQPage for this site's questions, ready for a script element.
    pub fn faq_json_ld(&self) -> String {
        #[derive(Serialize)]
        struct Answer<'a> {
            #[serde(rename = "@type")]
            kind: &'static str,
            text: &'a str,
        }
        #[derive(Serialize)]
        struct Question<'a> {
            #[serde(rename = "@type")]
            kind: &'static str,
            name: &'a str,
            #[serde(rename = "acceptedAnswer")]
            accepted_answer: Answer<'a>,
        }
        #[derive(Serialize)]
        struct FaqPage<'a> {
            #[serde(rename = "@context")]
            context: &'static str,
            #[serde(rename = "@type")]
            kind: &'static str,
            #[serde(rename = "mainEntity")]
            main_entity: Vec<Question<'a>>,
        }
        let page = FaqPage {
            context: "https://schema.org",
            kind: "FAQPage",
            main_entity: self
                .faq
                .iter()
                .flat_map(|g| &g.entries)
                .map(|e| Question {
                    kind: "Question",
                    name: &e.question,
                    accepted_answer: Answer {
                        kind: "Answer",
                        text: e.html.trim(),
                    },
                })
                .collect(),
        };
        json_for_script(&page)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The sample project's national site: its headline (2025-11-04-sample)
    /// is illustrative, and its OGP image and poster say so; its goal count
    /// and comparison carry their own names and marks.
    #[test]
    fn the_ogp_text_and_poster_input_carry_the_sample_mark() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut problems = crate::problems::Problems::new();
        let master = crate::data::jis::MasterList::load(
            &root.join("data/municipalities.csv"),
            &mut problems,
        );
        let config = crate::config::Config::load(&root.join("config.yaml"), &mut problems).unwrap();
        let adoption = crate::data::adoption::load(
            &root.join("data/adoption"),
            &master,
            jiff::civil::date(2026, 11, 28),
            &mut problems,
        );
        let model = Model::build(&master, &config, &adoption, &BTreeMap::new(), &[]);
        let view = |site: &'_ Site| {
            let site: &Site = model.site(&site.code).unwrap();
            SiteView::new(
                &model,
                site,
                &SiteEntries::new(),
                &[],
                jiff::civil::date(2026, 11, 28),
            )
        };
        let national = view(model.national());
        let (headline, sub) = national.ogp_text();
        assert_eq!(headline, "利用率 15.0%");
        assert!(
            sub.ends_with("（2025年11月4日時点・サンプルの架空データ）"),
            "{sub}"
        );
        let poster = national.poster_input();
        assert_eq!(
            poster.sample_notice.as_deref(),
            Some(
                "※このポスターの数値（2025年11月4日時点）は、すべて説明用の架空データ（サンプル）です。"
            )
        );
        assert_eq!(
            poster.headline_rate.map(crate::format::percent).as_deref(),
            Some("15.0%")
        );
        assert!(
            poster
                .kpi_text
                .unwrap()
                .starts_with("都道府県の目標を達成した都道府県 ")
        );
        assert_eq!(poster.target_label, "利用率30%");
        assert!(poster.comparison.iter().all(|b| b.illustrative));
        // A real headline is not marked: the 2023-11-06 prefecture table alone.
        let real = crate::data::adoption::Adoption {
            snapshots: adoption.snapshots[..1]
                .iter()
                .map(|s| crate::data::adoption::Snapshot {
                    municipalities: BTreeMap::new(),
                    ..s.clone()
                })
                .collect(),
        };
        let model = Model::build(&master, &config, &real, &BTreeMap::new(), &[]);
        let site = model.site("220001").unwrap();
        let view = SiteView::new(
            &model,
            site,
            &SiteEntries::new(),
            &[],
            jiff::civil::date(2026, 11, 28),
        );
        let (_, sub) = view.ogp_text();
        assert!(!sub.contains("サンプル"), "{sub}");
        let poster = view.poster_input();
        assert_eq!(poster.sample_notice, None);
        assert!(!poster.illustrative);
    }

    #[test]
    fn phone_numbers_become_tel_links_of_their_digits() {
        let cases = [
            ("0120-584-708", Some("tel:0120584708")),
            ("054-221-1234", Some("tel:0542211234")),
            ("０５４－２２１－１２３４", Some("tel:0542211234")),
            ("054(221)1234", Some("tel:0542211234")),
            ("（054）221-1234", Some("tel:0542211234")),
            ("054-221-1234（内線 123）", Some("tel:0542211234")),
            ("054 221 1234 内線123", Some("tel:0542211234")),
            ("+81-54-221-1234", Some("tel:+81542211234")),
            ("代表番号にお問い合わせください", None),
            ("123", None),
        ];
        for (phone, href) in cases {
            assert_eq!(tel_href(phone).as_deref(), href, "{phone}");
        }
    }
}
