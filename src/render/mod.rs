//! Turns the model and content into each site's files (bytes in memory; the
//! [`crate::output`] module writes them).

pub mod format;
pub mod open_data;
pub mod subsidy_view;
pub mod theme;
mod view;

use std::collections::BTreeMap;
use std::sync::Arc;

use jiff::civil::Date;
use serde::Serialize;
use tera::Context;

use crate::content::{Content, Entry};
use crate::model::{Model, Site};
use theme::Theme;
pub use view::{OfficeIndex, SiteView};

/// One file of one site: its path relative to the output root, and its bytes.
#[derive(Debug, Clone)]
pub struct RenderedFile {
    pub path: String,
    pub bytes: Vec<u8>,
}

/// A template that failed while rendering one page.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct RenderError {
    pub template: String,
    pub line: usize,
    pub column: usize,
    pub message: String,
    pub page: String,
}

/// A file offered on the downloads page.
#[derive(Debug, Clone, Serialize)]
struct Download {
    path: String,
    label: &'static str,
    bytes: usize,
}

/// Shared inputs of every site's rendering.
pub struct Renderer<'a> {
    pub model: &'a Model<'a>,
    pub content: &'a Content,
    pub subsidies: &'a [crate::data::subsidies::Subsidy],
    pub offices: &'a OfficeIndex<'a>,
    pub theme: &'a Theme,
    pub build_date: Date,
}

impl Renderer<'_> {
    /// Every file of one site.
    pub fn render_site(&self, site: &Site) -> Result<Vec<RenderedFile>, RenderError> {
        let entries = self
            .content
            .for_site(site.prefecture_code.as_deref(), site.municipality_code());
        let view = SiteView::new(
            self.model,
            site,
            &entries,
            self.subsidies,
            self.offices,
            self.build_date,
        );
        let mut files = Vec::new();
        let mut data_files = Vec::new();
        let mut page =
            |template: &str, url: &str, extra: &dyn Fn(&mut Context)| -> Result<(), RenderError> {
                let mut context = view.context(url);
                extra(&mut context);
                let html = self.theme.tera.render(template, &context).map_err(|e| {
                    let (name, line, column, message) = theme::locate(&e);
                    RenderError {
                        template: if name.is_empty() {
                            template.to_string()
                        } else {
                            name
                        },
                        line,
                        column,
                        message,
                        page: format!("{}/{url}", site.dir),
                    }
                })?;
                files.push(RenderedFile {
                    path: join(&site.dir, url),
                    bytes: html.into_bytes(),
                });
                Ok(())
            };

        page("home.html", "index.html", &|_| {})?;
        for entry in entries.values() {
            if let Entry::Page(p) = entry.as_ref() {
                let p = p.clone();
                page("page.html", &p.url.clone(), &move |c| c.insert("page", &p))?;
            }
        }
        for section in &view.sections {
            let s = section.clone();
            page("section.html", &section.url.clone(), &move |c| {
                c.insert("section", &s)
            })?;
        }
        if !view.faq.is_empty() {
            let json_ld = view.faq_json_ld();
            page("faq.html", "faq.html", &move |c| {
                c.insert("faq_json_ld", &json_ld)
            })?;
        }
        if !view.news.is_empty() {
            page("news_list.html", "news/index.html", &|_| {})?;
            for item in &view.news {
                let item = item.clone();
                page("news_item.html", &item.url.clone(), &move |c| {
                    c.insert("item", &item)
                })?;
            }
        }
        if view.partners.is_some() {
            page("partners.html", "partners.html", &|_| {})?;
        }
        page("subsidies.html", "subsidies.html", &|_| {})?;
        let data = open_data::open_data(self.model, site, &self.build_date.to_string());
        let own_offices: Vec<&crate::data::offices::Office> = match site.kind {
            crate::model::SiteKind::Municipality => {
                self.offices.get(&site.code).cloned().unwrap_or_default()
            }
            crate::model::SiteKind::Prefecture => self
                .offices
                .iter()
                .filter(|(code, _)| code.get(..2) == site.code.get(..2))
                .flat_map(|(_, list)| list.iter().copied())
                .collect(),
            crate::model::SiteKind::National => self.offices.values().flatten().copied().collect(),
        };
        let mut downloads = vec![
            ("data/adoption.csv", open_data::adoption_csv(&data)),
            ("data/adoption.json", open_data::adoption_json(&data)),
        ];
        if !own_offices.is_empty() {
            downloads.push(("data/offices.csv", open_data::offices_csv(&own_offices)));
        }
        let download_list: Vec<Download> = downloads
            .iter()
            .map(|(path, bytes)| Download {
                path: path.to_string(),
                label: match *path {
                    "data/adoption.csv" => "利用状況の推移（CSV）",
                    "data/adoption.json" => "利用状況の推移（JSON）",
                    _ => "利用している事業所の一覧（CSV）",
                },
                bytes: bytes.len(),
            })
            .collect();
        let rows = data.rows.len();
        page("downloads.html", "downloads.html", &move |c| {
            c.insert("downloads", &download_list);
            c.insert("open_data_rows", &rows);
            c.insert("open_data_licence", &open_data::LICENCE);
        })?;
        for (rel, bytes) in downloads {
            data_files.push(RenderedFile {
                path: join(&site.dir, rel),
                bytes,
            });
        }
        page("contact.html", "contact.html", &|_| {})?;
        page("accessibility.html", "accessibility.html", &|_| {})?;

        files.extend(data_files);
        for (rel, bytes) in &self.theme.assets {
            files.push(RenderedFile {
                path: join(&site.dir, &format!("assets/{rel}")),
                bytes: bytes.clone(),
            });
        }
        files.sort_by(|a, b| a.path.cmp(&b.path));
        Ok(files)
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

/// Serialize JSON for a `<script type="application/ld+json">` block: `</` can
/// never close the element early.
pub fn json_for_script<T: Serialize>(value: &T) -> String {
    serde_json::to_string(value)
        .expect("view values always serialize")
        .replace("</", "<\\/")
}
