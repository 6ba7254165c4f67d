//! What templates see: plain, pre-formatted values built once per site.

use std::collections::BTreeMap;

use jiff::civil::Date;
use serde::Serialize;
use tera::Context;

use super::events::{HomeNews, NewsBoard};
use super::format::{percent, target_percent, thousands};
use super::partners::{OfficeIndex, PartnersView, partners_view};
use super::subsidy_view::{ProgrammeStatus, SubsidiesView, programme_status, subsidies_view};
use super::{SiteEntries, json_for_script};
use crate::content::markdown::root_prefix;
use crate::content::{Entry, FaqEntry, NewsItem, Page};
use crate::data::adoption::Figure;
use crate::data::subsidies::{Provider, Subsidy};
use crate::dates::{format_both, format_western};
use crate::model::{Model, Site, SiteKind, meets, shortfall};

#[derive(Debug, Clone, Serialize)]
pub struct FigureView {
    pub date: String,
    pub date_display: String,
    pub offices: String,
    pub using: String,
    pub rate: String,
    pub illustrative: bool,
}

impl FigureView {
    fn new(date: Date, f: &Figure) -> Self {
        FigureView {
            date: date.to_string(),
            date_display: format_western(date),
            offices: thousands(f.offices),
            using: thousands(f.using),
            rate: f.rate().map(percent).unwrap_or_else(|| "—".to_string()),
            illustrative: f.illustrative,
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct SiteInfo {
    pub kind: SiteKind,
    pub code: String,
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

#[derive(Debug, Clone, Serialize)]
pub struct MunicipalityKpiView {
    pub met: bool,
    pub target: String,
    pub offices_needed: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct PrefectureKpiView {
    pub met: bool,
    pub municipalities_met: u64,
    pub municipalities_total: u64,
    pub municipalities_with_data: u64,
    pub municipalities_needed: u64,
    pub share: String,
    pub target: String,
    pub date_display: String,
    pub illustrative: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct NationalKpiView {
    pub prefectures_met: u64,
    pub prefectures_with_data: u64,
    pub municipalities_met: u64,
    pub municipalities_with_data: u64,
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
    pub met: Option<bool>,
    pub kpi_text: String,
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
    municipality_target: String,
    prefecture_target: String,
    denominator: &'a str,
    source: &'a str,
    licence_fee: &'a crate::config::LicenceFee,
    licence_fee_display: String,
    licence_fee_as_of: String,
    shows_illustrative_figures: bool,
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
    shows_illustrative_figures: bool,
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
        offices: &OfficeIndex,
        build_date: Date,
    ) -> Self {
        let config = model.config;
        let info = SiteInfo {
            kind: site.kind,
            code: site.code.clone(),
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
        let partners = partners_view(model, site, offices);
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
            site.prefecture_code.as_deref(),
            site.municipality_code(),
            model.master,
            config,
            build_date,
        );
        let local_programmes = Self::local_programmes(model, site, all_subsidies, build_date);

        let home = Self::home(model, site, &sections, &news);
        let shows_illustrative_figures = home.headline.as_ref().is_some_and(|h| h.illustrative)
            || home.trend.iter().any(|f| f.illustrative)
            || home
                .children
                .iter()
                .any(|c| c.figure.as_ref().is_some_and(|f| f.illustrative))
            || home.prefecture_kpi.as_ref().is_some_and(|k| k.illustrative);
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
            shows_illustrative_figures,
        }
    }

    fn home(model: &Model, site: &Site, sections: &[SectionView], news: &NewsBoard) -> HomeView {
        let config = model.config;
        let target = config.municipality_target_ppm();
        let history = model.history(site);
        let headline = history
            .and_then(|h| h.latest())
            .map(|(d, f)| FigureView::new(*d, f));
        let trend = history
            .map(|h| {
                h.points
                    .iter()
                    .map(|(d, f)| FigureView::new(*d, f))
                    .collect()
            })
            .unwrap_or_default();

        let municipality_kpi = match (site.kind, history.and_then(|h| h.latest())) {
            (SiteKind::Municipality, Some((_, f))) if f.offices > 0 => Some(MunicipalityKpiView {
                met: meets(f.using, f.offices, target),
                target: target_percent(config.kpi.municipality_target),
                offices_needed: thousands(shortfall(f.using, f.offices, target)),
            }),
            _ => None,
        };
        let prefecture_kpi_view = |code: &str| {
            model.prefecture_kpis.get(code).map(|k| PrefectureKpiView {
                met: k.met,
                municipalities_met: k.municipalities_met,
                municipalities_total: k.municipalities_total,
                municipalities_with_data: k.municipalities_with_data,
                municipalities_needed: k.municipalities_needed,
                share: percent(k.municipalities_met as f64 / k.municipalities_total.max(1) as f64),
                target: target_percent(config.kpi.prefecture_target),
                date_display: format_western(k.date),
                illustrative: k.illustrative,
            })
        };
        let prefecture_kpi = match site.kind {
            SiteKind::Prefecture => prefecture_kpi_view(&site.code),
            _ => None,
        };
        let national_kpi = (site.kind == SiteKind::National).then(|| {
            let kpis = &model.prefecture_kpis;
            NationalKpiView {
                prefectures_met: kpis.values().filter(|k| k.met).count() as u64,
                prefectures_with_data: kpis.len() as u64,
                municipalities_met: kpis.values().map(|k| k.municipalities_met).sum(),
                municipalities_with_data: kpis.values().map(|k| k.municipalities_with_data).sum(),
            }
        });

        let latest = |h: Option<&crate::model::History>| {
            h.and_then(|h| h.latest())
                .map(|(d, f)| FigureView::new(*d, f))
        };
        let mut comparison = Vec::new();
        if site.kind == SiteKind::Municipality {
            comparison.push(ComparisonRow {
                label: "この市区町村".to_string(),
                name: site.name.clone(),
                figure: latest(history),
                site_path: None,
                href: None,
                current: true,
            });
        }
        if let Some(pcode) = &site.prefecture_code
            && let Some(p) = model.site(pcode)
        {
            comparison.push(ComparisonRow {
                label: "都道府県".to_string(),
                name: p.name.clone(),
                figure: latest(model.prefectures.get(pcode)),
                site_path: (site.kind != SiteKind::Prefecture).then(|| site_home_path(p)),
                href: None,
                current: site.kind == SiteKind::Prefecture,
            });
        }
        comparison.push(ComparisonRow {
            label: "全国".to_string(),
            name: "全国".to_string(),
            figure: latest(Some(&model.nation)),
            site_path: (site.kind != SiteKind::National).then(|| "index.html".to_string()),
            href: None,
            current: site.kind == SiteKind::National,
        });

        let children = match site.kind {
            SiteKind::National => model
                .sites
                .iter()
                .filter(|s| s.kind == SiteKind::Prefecture)
                .map(|p| {
                    let k = model.prefecture_kpis.get(&p.code);
                    ChildRow {
                        code: p.code.clone(),
                        name: p.name.clone(),
                        site_path: site_home_path(p),
                        href: None,
                        figure: latest(model.prefectures.get(&p.code)),
                        met: k.map(|k| k.met),
                        kpi_text: k
                            .map(|k| {
                                format!("{} / {}", k.municipalities_met, k.municipalities_total)
                            })
                            .unwrap_or_else(|| "データなし".to_string()),
                    }
                })
                .collect(),
            SiteKind::Prefecture => model
                .sites
                .iter()
                .filter(|s| {
                    s.kind == SiteKind::Municipality
                        && s.prefecture_code.as_deref() == Some(site.code.as_str())
                })
                .map(|m| {
                    let f = model.municipalities.get(&m.code).and_then(|h| h.latest());
                    let met = f
                        .filter(|(_, f)| f.offices > 0)
                        .map(|(_, f)| meets(f.using, f.offices, target));
                    ChildRow {
                        code: m.code.clone(),
                        name: m.name.clone(),
                        site_path: site_home_path(m),
                        href: None,
                        figure: f.map(|(d, f)| FigureView::new(*d, f)),
                        met,
                        kpi_text: match met {
                            Some(true) => "達成".to_string(),
                            Some(false) => "未達成".to_string(),
                            None => "データなし".to_string(),
                        },
                    }
                })
                .collect(),
            SiteKind::Municipality => Vec::new(),
        };

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
        let own = |code: &str| -> Vec<ProgrammeStatus> {
            all.iter()
                .filter(|s| s.provider.code() == Some(code))
                .map(|s| programme_status(s, model.config, build_date))
                .collect()
        };
        match site.kind {
            SiteKind::Prefecture => model
                .sites
                .iter()
                .filter(|m| {
                    m.kind == SiteKind::Municipality
                        && m.prefecture_code.as_deref() == Some(site.code.as_str())
                })
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
                .sites
                .iter()
                .filter(|p| p.kind == SiteKind::Prefecture)
                .map(|p| {
                    let with_own = all
                        .iter()
                        .filter_map(|s| match &s.provider {
                            Provider::Municipality(c) if c.get(..2) == p.code.get(..2) => {
                                Some(c.clone())
                            }
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
            municipality_target: target_percent(config.kpi.municipality_target),
            prefecture_target: target_percent(config.kpi.prefecture_target),
            denominator: &config.adoption.denominator,
            source: &config.adoption.source,
            licence_fee: fee,
            licence_fee_display: format!(
                "{}円（{}）",
                thousands(fee.yen_per_year),
                if fee.tax_included { "税込" } else { "税別" }
            ),
            licence_fee_as_of: crate::dates::parse_iso(&fee.as_of)
                .map(format_western)
                .unwrap_or_default(),
            shows_illustrative_figures: self.shows_illustrative_figures,
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

    /// What this site's posters print.
    pub fn poster_input(&self) -> crate::posters::PosterInput {
        let config = self.model.config;
        let home = &self.home;
        let kpi_text = match self.site.kind {
            SiteKind::Municipality => home.municipality_kpi.as_ref().map(|k| {
                if k.met {
                    format!("目標の{}を達成しています", k.target)
                } else {
                    format!("目標の{}まで、あと{}事業所", k.target, k.offices_needed)
                }
            }),
            SiteKind::Prefecture => home.prefecture_kpi.as_ref().map(|k| {
                format!(
                    "{}市区町村のうち{}市区町村が目標を達成",
                    k.municipalities_total, k.municipalities_met
                )
            }),
            SiteKind::National => home.national_kpi.as_ref().map(|k| {
                format!(
                    "目標を達成した都道府県 {} / {}",
                    k.prefectures_met, k.prefectures_with_data
                )
            }),
        };
        let comparison = home
            .comparison
            .iter()
            .filter_map(|row| {
                let f = row.figure.as_ref()?;
                let rate: f64 = f.rate.trim_end_matches('%').parse().ok()?;
                Some((row.name.clone(), rate / 100.0))
            })
            .collect();
        crate::posters::PosterInput {
            site_kind: match self.site.kind {
                SiteKind::National => "national",
                SiteKind::Prefecture => "prefecture",
                SiteKind::Municipality => "municipality",
            }
            .to_string(),
            name: self.site.name.clone(),
            full_name: self.site.full_name.clone(),
            headline_rate: home.headline.as_ref().map(|h| h.rate.clone()),
            offices: home.headline.as_ref().map(|h| h.offices.clone()),
            using: home.headline.as_ref().map(|h| h.using.clone()),
            date_display: home.headline.as_ref().map(|h| h.date_display.clone()),
            illustrative: self.shows_illustrative_figures,
            target: target_percent(config.kpi.municipality_target),
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
            national_url: self
                .model
                .sites
                .iter()
                .find(|s| s.kind == SiteKind::National)
                .and_then(|s| s.url.clone()),
            national_title: config.title.clone(),
        }
    }

    /// The site's title, as pages show it.
    pub fn info_title(&self) -> String {
        self.info.title.clone()
    }

    /// The OGP image's headline and sub line.
    pub fn ogp_text(&self) -> (String, String) {
        match &self.home.headline {
            Some(h) => (
                format!("利用率 {}", h.rate),
                format!(
                    "{} 事業所のうち {} 事業所が利用（{}時点{}）",
                    h.offices,
                    h.using,
                    h.date_display,
                    if h.illustrative {
                        "・架空データ"
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
    use super::tel_href;

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
