//! Turns the model and content into each site's files: bytes in memory, handed
//! to a [`Sink`] (the output's staging folder implements it) that writes them.

pub mod accessibility;
pub mod charts_view;
pub mod embed;
pub mod events;
pub mod feeds;
pub mod open_data;
pub mod partners;
mod poster_files;
pub mod search;
pub mod subsidy_view;
mod view;

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use jiff::civil::Date;
use serde::Serialize;

use crate::content::{Content, Entry};
use crate::model::{Model, Site};
use crate::theme::Theme;
pub use view::{PageContext, SiteView};

/// A template that failed while rendering one page.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct RenderError {
    pub template: String,
    /// 1-based, when Tera knows it.
    pub line: Option<usize>,
    pub column: Option<usize>,
    pub message: String,
    pub page: String,
}

impl RenderError {
    /// Tera's error `e` while rendering `template` for the output file `page`,
    /// located in the template it happened in (an included or parent one).
    pub fn new(e: &tera::Error, template: &str, page: &str) -> RenderError {
        let found = crate::templates::locate(e);
        RenderError {
            template: if found.template.is_empty() {
                template.to_string()
            } else {
                found.template
            },
            line: found.line,
            column: found.column,
            message: found.message,
            page: page.to_string(),
        }
    }
}

/// Where a site's files go. Rendering names each file and, for files that are
/// costly to make, a fingerprint of the inputs it is made from; the sink (the
/// output's staging folder) decides whether to write the bytes or keep the
/// previous build's file made from the same inputs. Safe from many threads.
pub trait Sink: Sync {
    type Error;
    /// Keep the previous build's file at `rel` if it was made from `inputs`
    /// (and is as that build wrote it); false: the caller renders it.
    fn reuse(&self, rel: &str, inputs: u64) -> bool;
    /// Write `bytes` at `rel` (relative to the output root, `/`-separated),
    /// made from `inputs` when given (so a later build can reuse it).
    fn write(&self, rel: &str, bytes: &[u8], inputs: Option<u64>) -> Result<(), Self::Error>;
    /// The size of the file written or kept at `rel` in this build.
    fn size_of(&self, rel: &str) -> Option<u64>;
}

/// A file offered on the downloads page.
#[derive(Debug, Clone, Serialize)]
struct Download {
    path: String,
    label: &'static str,
    /// What else a reader should know about the file, shown beside the link.
    note: Option<&'static str>,
    /// Its type and size (`CSV・2KB`), shown in the link.
    file: String,
}

/// Shared inputs of every site's rendering.
pub struct Renderer<'a> {
    pub model: &'a Model<'a>,
    pub content: &'a Content,
    pub subsidies: &'a [crate::data::subsidies::Subsidy],
    pub theme: &'a Theme,
    pub fonts: &'a crate::fonts::Fonts,
    /// Posters to render for every site (`None`: no posters in this build).
    pub posters: Option<&'a crate::posters::PosterJob<'a>>,
    pub timers: &'a Timers,
    /// Render each site's OGP image.
    pub ogp_images: bool,
    /// Search index scripts already built in this run, by the identity of a
    /// site's entries (see `Renderer::search_index`).
    pub search_indexes: &'a SearchIndexes,
    pub build_date: Date,
    /// Accessibility test records: each site's results page.
    pub accessibility: &'a crate::data::accessibility::Records,
    /// The theme's PDFs that are not tagged (every site's policy names them).
    pub untagged_pdfs: &'a [String],
}

/// Search index scripts by the identity of the entries they were built from.
pub type SearchIndexes = Mutex<std::collections::HashMap<u64, Arc<String>>>;

/// Time spent in each kind of work, summed over all threads (CPU time).
#[derive(Debug, Default)]
pub struct Timers {
    pub templates: AtomicU64,
    pub charts: AtomicU64,
    /// Drawing the CMS fragment's chart images (PNG) from the charts' SVGs.
    pub embed_images: AtomicU64,
    pub posters: AtomicU64,
    pub ogp: AtomicU64,
    pub write: AtomicU64,
    /// Per template: (pages rendered, nanoseconds).
    pub per_template: Mutex<BTreeMap<String, (u64, u64)>>,
}

impl Timers {
    fn add(counter: &AtomicU64, started: Instant) {
        counter.fetch_add(started.elapsed().as_nanos() as u64, Ordering::Relaxed);
    }

    /// Templates by total time, slowest first: (name, pages, total).
    pub fn slowest_templates(&self) -> Vec<(String, u64, Duration)> {
        let map = self
            .per_template
            .lock()
            .expect("no panics while holding the lock");
        let mut rows: Vec<(String, u64, Duration)> = map
            .iter()
            .map(|(name, (count, nanos))| (name.clone(), *count, Duration::from_nanos(*nanos)))
            .collect();
        rows.sort_by(|a, b| b.2.cmp(&a.2).then_with(|| a.0.cmp(&b.0)));
        rows
    }
}

/// Why one site could not be built.
#[derive(Debug)]
pub enum SiteError<E> {
    Template(RenderError),
    Poster(crate::posters::PosterError),
    /// The sink could not write a file.
    Output(E),
}

impl<E> From<RenderError> for SiteError<E> {
    fn from(e: RenderError) -> Self {
        SiteError::Template(e)
    }
}

impl Renderer<'_> {
    /// Render every file of one site into `sink`; returns how many files it has.
    /// A page whose inputs (its template context and the theme) are unchanged
    /// since the previous build is reused from it, not rendered again.
    pub fn render_site<S: Sink>(&self, site: &Site, sink: &S) -> Result<u64, SiteError<S::Error>> {
        let entries = self
            .content
            .for_site(site.prefecture_code.as_ref(), site.municipality_code());
        let view = SiteView::new(self.model, site, &entries, self.subsidies, self.build_date);
        let mut count = 0u64;
        // Every page's URL, read while pages are still being made (the
        // results page links the tested pages the site has).
        let page_urls: std::cell::RefCell<Vec<String>> = Default::default();
        let theme_key = self.theme.fingerprint ^ self.fonts.fingerprint.rotate_left(17);
        let none = |_: &mut PageContext| {};
        let mut page = |template: &str,
                        url: &str,
                        extra: &dyn Fn(&mut PageContext),
                        late: &dyn Fn(&mut PageContext)|
         -> Result<(), SiteError<S::Error>> {
            count += 1;
            page_urls.borrow_mut().push(url.to_string());
            let mut context = view.context(url);
            context.insert("has_ogp_image", &self.ogp_images);
            extra(&mut context);
            let rel = join(&site.dir, url);
            let key = context.key(template, theme_key);
            if sink.reuse(&rel, key) {
                return Ok(());
            }
            // Values derived from the hashed context (charts) are computed
            // only when the page is rendered, not when it is reused.
            late(&mut context);
            let started = Instant::now();
            let html = self
                .theme
                .tera
                .render(template, &context.context)
                .map_err(|e| SiteError::Template(RenderError::new(&e, template, &rel)))?;
            let nanos = started.elapsed().as_nanos() as u64;
            self.timers.templates.fetch_add(nanos, Ordering::Relaxed);
            {
                let mut map = self
                    .timers
                    .per_template
                    .lock()
                    .expect("no panics while holding the lock");
                let entry = map.entry(template.to_string()).or_default();
                entry.0 += 1;
                entry.1 += nanos;
            }
            let started = Instant::now();
            let written = sink
                .write(&rel, html.as_bytes(), Some(key))
                .map_err(SiteError::Output);
            Timers::add(&self.timers.write, started);
            written
        };

        // The home page's charts, computed once for the home page and the
        // embeddable fragment's images, and only when one of them needs them.
        let charts = std::cell::OnceCell::new();
        let home_charts = || {
            charts.get_or_init(|| {
                let started = Instant::now();
                let charts = charts_view::home_charts(self.model, site, self.fonts);
                Timers::add(&self.timers.charts, started);
                charts
            })
        };
        page("home.html", "index.html", &none, &|c| {
            c.insert_derived("charts", home_charts());
        })?;
        for entry in entries.values() {
            if let Entry::Page(p) = entry.as_ref() {
                page("page.html", &p.url, &|c| c.insert("page", p), &none)?;
            }
        }
        for section in &view.sections {
            page(
                "section.html",
                &section.url,
                &|c| c.insert("section", section),
                &none,
            )?;
        }
        if !view.faq.is_empty() {
            let json_ld = view.faq_json_ld();
            page(
                "faq.html",
                "faq.html",
                &|c| c.insert("faq_json_ld", &json_ld),
                &none,
            )?;
        }
        let tag = file_tag(site);
        let mut event_files: Vec<(String, Vec<u8>)> = Vec::new();
        if !view.news.is_empty() {
            page("news_list.html", "news/index.html", &none, &none)?;
            for (item, facts) in view.news.items.iter().zip(&view.news.pages) {
                let json_ld = facts
                    .event
                    .as_ref()
                    .and_then(|e| events::json_ld(site, item, e));
                // The event's calendar file, made first: its page names its size.
                let ics = item.event.is_some().then(|| {
                    (
                        events::ics_path(item, tag),
                        events::ics(self.model, site, &item.title, &[item], self.build_date),
                    )
                });
                let ics_file = ics.as_ref().map(|(path, bytes)| {
                    crate::format::file_label::label(path, bytes.len() as u64)
                });
                page(
                    "news_item.html",
                    &item.url,
                    &|c| {
                        c.insert("item", item);
                        c.insert("facts", facts);
                        c.insert("event_json_ld", &json_ld);
                        c.insert("ics_file", &ics_file);
                    },
                    &none,
                )?;
                event_files.extend(ics);
            }
        }
        let own_offices = self.model.offices_of(site);
        // Scripts the finder and the search page load: plain files, so that
        // they work opened from disk.
        let mut scripts: Vec<(&str, Vec<u8>)> = Vec::new();
        if view.partners.is_some() {
            page("partners.html", "partners.html", &none, &none)?;
            scripts.push((
                partners::FINDER_DATA,
                partners::finder_script(&own_offices, self.model.master).into_bytes(),
            ));
        }
        page("search.html", "search.html", &none, &none)?;
        scripts.push((search::SEARCH_INDEX, self.search_index(&entries)));
        page("subsidies.html", "subsidies.html", &none, &none)?;
        let data = open_data::open_data(self.model, site, &self.build_date.to_string());
        let mut downloads = vec![
            (
                format!("data/adoption-{tag}.csv"),
                ("利用状況の推移", None),
                open_data::adoption_csv(&data),
            ),
            (
                format!("data/adoption-{tag}.json"),
                ("利用状況の推移", None),
                open_data::adoption_json(&data),
            ),
        ];
        if !own_offices.is_empty() {
            downloads.push((
                format!("data/offices-{tag}.csv"),
                ("利用している事業所の一覧", None),
                open_data::offices_csv(&own_offices),
            ));
            downloads.push((
                format!("data/offices-standard-{tag}.csv"),
                (
                    "利用している事業所の一覧（標準の項目名）",
                    Some("自治体標準オープンデータセット「介護サービス事業所一覧」の項目名"),
                ),
                open_data::offices_standard_csv(&own_offices, self.model.master),
            ));
        }
        if !event_files.is_empty() {
            downloads.push((
                format!("data/events-{tag}.csv"),
                ("イベント一覧", Some("自治体標準オープンデータセットの項目")),
                events::events_csv(self.model, site, &view.news),
            ));
            if !view.news.upcoming.is_empty() {
                downloads.push((
                    format!("data/events-{tag}.ics"),
                    (
                        "これからのイベント",
                        Some("iCalendar 形式。カレンダーに取り込めます"),
                    ),
                    events::site_ics(
                        self.model,
                        site,
                        &view.news,
                        &view.info_title(),
                        self.build_date,
                    ),
                ));
            }
        }
        let download_list: Vec<Download> = downloads
            .iter()
            .map(|(path, (label, note), bytes)| Download {
                path: path.clone(),
                label,
                note: *note,
                file: crate::format::file_label::label(path, bytes.len() as u64),
            })
            .collect();
        let rows = data.rows.len();
        let started = Instant::now();
        let poster_files::PosterFiles {
            links: posters,
            qr: qr_file,
        } = self.render_posters(site, &view, sink, theme_key)?;
        Timers::add(&self.timers.posters, started);
        let previews: std::collections::BTreeSet<&str> =
            posters.iter().map(|p| p.png.as_str()).collect();
        let poster_files = u64::from(site.url.is_some() && self.posters.is_some())
            + previews.len() as u64
            + posters
                .iter()
                .map(|p| 1 + u64::from(p.pack.is_some()))
                .sum::<u64>();
        page(
            "downloads.html",
            "downloads.html",
            &|c| {
                c.insert("downloads", &download_list);
                c.insert("posters", &posters);
                c.insert("has_qr", &qr_file.is_some());
                c.insert("qr_file", &qr_file);
                c.insert("qr_png", &format!("posters/qr-{tag}.png"));
                c.insert("open_data_rows", &rows);
                c.insert("open_data_licence", &self.model.config.open_data);
                c.insert("has_event_files", &!event_files.is_empty());
            },
            &none,
        )?;
        page("contact.html", "contact.html", &none, &none)?;
        // The policy, and the results of the site's newest test, when it has one.
        let policy_settings = self.model.config.accessibility.as_ref();
        let record = self.accessibility.for_site(&site.code);
        let published = accessibility::PublishedFiles {
            tagged_posters: !posters.is_empty(),
            untagged: self.untagged_pdfs.to_vec(),
        };
        let policy = accessibility::policy_view(site, policy_settings, record, &published);
        page(
            "accessibility.html",
            "accessibility.html",
            &|c| c.insert("policy", &policy),
            &none,
        )?;
        if let Some(record) = record {
            // Every page made so far, the fragment's preview (made after
            // this) and the results page itself.
            let mut made = page_urls.borrow().clone();
            made.push(embed::PREVIEW.to_string());
            made.push(accessibility::RESULTS_PAGE.to_string());
            let results =
                accessibility::results_view(site, &site.code, policy_settings, record, &made);
            page(
                "accessibility_results.html",
                accessibility::RESULTS_PAGE,
                &|c| c.insert("results", &results),
                &none,
            )?;
        }
        let mut page_urls = page_urls.into_inner();
        count += self.render_embed(site, &view, home_charts(), sink, theme_key)?;

        // Search engines and feed readers need absolute URLs.
        if let Some(base) = &site.url {
            page_urls.sort();
            let mut feeds = vec![(
                "sitemap.xml",
                feeds::sitemap(base, &page_urls, &self.build_date.to_string()),
            )];
            if !view.news.is_empty() {
                // Expired items keep their pages but leave the feed.
                feeds.push((
                    "news/feed.xml",
                    feeds::atom(base, &view.info_title(), &view.news.listed(self.build_date)),
                ));
            }
            for (rel, xml) in feeds {
                sink.write(&join(&site.dir, rel), xml.as_bytes(), None)
                    .map_err(SiteError::Output)?;
                count += 1;
            }
        }

        // The social-media image: rendered only when its text changed.
        let (headline, subline) = view.ogp_text();
        let ogp_rel = join(&site.dir, "ogp.png");
        let ogp_key = crate::fingerprint::of(
            format!(
                "ogp\n{}\n{headline}\n{subline}\n{}",
                site.full_name, theme_key
            )
            .as_bytes(),
        );
        if self.ogp_images && !sink.reuse(&ogp_rel, ogp_key) {
            let started = Instant::now();
            let png = crate::charts::ogp_png(&site.full_name, &headline, &subline, self.fonts);
            Timers::add(&self.timers.ogp, started);
            sink.write(&ogp_rel, &png, Some(ogp_key))
                .map_err(SiteError::Output)?;
        }
        count += u64::from(self.ogp_images) + poster_files;

        let assets = self
            .theme
            .assets
            .iter()
            .map(|(rel, bytes)| (format!("assets/{rel}"), bytes.as_slice()));
        let data_files = downloads
            .iter()
            .map(|(rel, _, bytes)| (rel.clone(), bytes.as_slice()))
            .chain(
                scripts
                    .iter()
                    .map(|(rel, bytes)| (rel.to_string(), bytes.as_slice())),
            );
        let event_files = event_files
            .iter()
            .map(|(rel, bytes)| (rel.clone(), bytes.as_slice()));
        for (rel, bytes) in data_files.chain(event_files).chain(assets) {
            sink.write(&join(&site.dir, &rel), bytes, None)
                .map_err(SiteError::Output)?;
            count += 1;
        }
        Ok(count)
    }
}

impl Renderer<'_> {
    /// The search index script of a site with these entries. Sites with the
    /// same entries (most municipalities of a prefecture) have the same index,
    /// so it is built once for them.
    fn search_index(&self, entries: &SiteEntries) -> Vec<u8> {
        use std::hash::{Hash, Hasher};
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        for (rel, entry) in entries {
            rel.hash(&mut hasher);
            (Arc::as_ptr(entry) as usize).hash(&mut hasher);
        }
        let key = hasher.finish();
        let cached = self
            .search_indexes
            .lock()
            .expect("no panics while holding the lock")
            .get(&key)
            .cloned();
        if let Some(script) = cached {
            return script.as_bytes().to_vec();
        }
        let script = Arc::new(search::index_script(&search::documents(entries)));
        self.search_indexes
            .lock()
            .expect("no panics while holding the lock")
            .insert(key, script.clone());
        script.as_bytes().to_vec()
    }
}

/// What the files a reader downloads from a site carry in their names, so
/// that files collected from many sites never clash (`adoption-221007.csv`):
/// the site's code, and `national` for the national site.
pub fn file_tag(site: &Site) -> &str {
    match site.kind {
        crate::model::SiteKind::National => "national",
        _ => &site.code,
    }
}

fn join(dir: &str, rel: &str) -> String {
    if dir.is_empty() {
        rel.to_string()
    } else {
        format!("{dir}/{rel}")
    }
}

/// Entries of one site, in the order the site shows them.
pub type SiteEntries = BTreeMap<String, Arc<Entry>>;

/// Serialize JSON for a `<script type="application/ld+json">` block. `<`, `>`
/// and `&` are written as `\u003c`, `\u003e`, `\u0026` (and U+2028/U+2029 as
/// `\u2028`/`\u2029`), so no value can close the element, open a comment
/// (`<!--<script>` would make the rest of the page script data) or end a line
/// in older script parsers; the JSON means the same. These characters only occur
/// inside JSON strings, so replacing them in the serialized text is exact.
pub fn json_for_script<T: Serialize>(value: &T) -> String {
    let json = serde_json::to_string(value).expect("view values always serialize");
    let mut out = String::with_capacity(json.len());
    for c in json.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod json_ld_tests {
    use super::json_for_script;

    #[test]
    fn markup_characters_are_escaped_and_the_json_means_the_same() {
        let value = serde_json::json!({
            "name": "<!--<script>a && b</script>-->",
            "text": "<p>行\u{2028}区切り\u{2029}</p>",
        });
        let out = json_for_script(&value);
        for c in ['<', '>', '&', '\u{2028}', '\u{2029}'] {
            assert!(!out.contains(c), "{c:?} in {out}");
        }
        assert!(
            out.contains(r"\u003c!--\u003cscript\u003ea \u0026\u0026 b"),
            "{out}"
        );
        let back: serde_json::Value = serde_json::from_str(&out).unwrap();
        assert_eq!(back, value);
    }
}
