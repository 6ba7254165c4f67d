//! The hand-off to a council's own CMS: `embed/fragment.html`, a plain HTML
//! fragment its web team pastes into a page editor, the chart images it shows
//! (`embed/<chart>-<code>.png`) and a preview page (`embed/index.html`) with
//! the fragment, its source to copy and the list of files to upload.
//!
//! Every figure, date, status and mark comes from the same views the site's
//! pages use ([`SiteView`]: the headline with its provenance, the KPI views,
//! the comparison rows, the subsidies with their status on the build date, the
//! upcoming events); the charts are the home page's SVG charts drawn as PNG
//! (through [`crate::raster`]), each beside its numbers in a table. The
//! fragment is plain HTML that survives a strict CMS sanitizer: only the tags
//! editors keep (p, h2–h4, lists, tables, a, img, strong, em, br, small), no
//! script, style element, SVG, event handler or class; inline `style` only
//! where losing it loses nothing (image sizing), so the meaning stays when a
//! CMS strips it.

use std::collections::BTreeMap;
use std::time::Instant;

use serde::Serialize;

use super::events::ListEntry;
use super::subsidy_view::SubsidyView;
use super::view::{HomeView, PageContext, SiteView};
use super::{RenderError, Renderer, Sink, SiteError, Timers, file_tag, join};
use crate::charts::{Chart, DataTable};
use crate::format::file_label;
use crate::model::Site;

/// The folder of a site that holds the fragment, its images and its preview.
pub const DIR: &str = "embed";
/// The preview page, from the site's root.
pub const PREVIEW: &str = "embed/index.html";
/// The fragment, from the site's root.
pub const FRAGMENT: &str = "embed/fragment.html";
/// Images are drawn at twice their size, sharp on phones' high-density screens.
const IMAGE_SCALE: f32 = 2.0;
/// The widest an image is shown (CSS px): a phone's content column, so that a
/// CMS that keeps no inline style still fits it on a 375 px screen.
const IMAGE_MAX_WIDTH: u32 = 320;

/// One chart of the fragment: its image (when it can be read as one) and its
/// numbers as a table.
#[derive(Debug, Clone, Serialize)]
pub struct EmbedChart {
    pub title: String,
    /// The alternative text: the chart's description, written from the data.
    pub description: String,
    pub table: DataTable,
    pub image: Option<EmbedImage>,
}

/// A PNG the council uploads with the fragment.
#[derive(Debug, Clone, Serialize)]
pub struct EmbedImage {
    /// Its file name in `embed/` (`chart-comparison-221007.png`).
    pub file: String,
    /// Shown size in CSS px (the drawing's size, scaled to fit a phone).
    pub width: u32,
    pub height: u32,
    pub bytes: usize,
    /// `13KB`, as every file link shows it ([`file_label::size`])
    pub size_display: String,
}

/// An upcoming event as the fragment lists it: the list entry and, from its
/// page, where it takes place.
#[derive(Debug, Clone, Serialize)]
pub struct EmbedEvent {
    pub entry: ListEntry,
    pub place: Option<String>,
    /// Its page on the site, when the site's URL is known.
    pub href: Option<String>,
}

/// What the fragment and its preview show, besides the site's common values.
#[derive(Debug, Clone, Serialize)]
pub struct EmbedView {
    pub home: HomeView,
    /// Programmes that are not closed on the build date, in the subsidies page's order.
    pub subsidies: Vec<SubsidyView>,
    pub events: Vec<EmbedEvent>,
    /// The site's URL (with its trailing `/`), when configured: links and
    /// images of the fragment are absolute under it.
    pub site_url: Option<String>,
    /// Where the images are: `<site URL>embed/` or empty (file names beside
    /// the fragment, to be replaced with where the CMS keeps them).
    pub image_base: String,
}

impl EmbedView {
    pub fn new(view: &SiteView, site: &Site) -> EmbedView {
        let site_url = site.url.clone();
        let mut home = view.home.clone();
        for row in &mut home.comparison {
            row.href = match &row.site_path {
                Some(path) => view.href(FRAGMENT, path).filter(|h| is_absolute(h)),
                None => site_url.clone(),
            };
        }
        // The fragment repeats neither the children's table nor the guides;
        // they are on the full site.
        home.children.clear();
        home.guides.clear();
        home.latest_news = Default::default();
        let places: BTreeMap<&str, &str> = view
            .news
            .items
            .iter()
            .zip(&view.news.pages)
            .filter_map(|(item, page)| {
                Some((item.slug.as_str(), page.event.as_ref()?.place.as_str()))
            })
            .collect();
        let events = view
            .news
            .upcoming
            .iter()
            .map(|entry| EmbedEvent {
                entry: entry.clone(),
                place: places.get(entry.slug.as_str()).map(|p| p.to_string()),
                href: site_url.as_ref().map(|u| format!("{u}{}", entry.url)),
            })
            .collect();
        EmbedView {
            home,
            subsidies: view.subsidies.current.clone(),
            events,
            image_base: site_url
                .as_ref()
                .map(|u| format!("{u}{DIR}/"))
                .unwrap_or_default(),
            site_url,
        }
    }
}

fn is_absolute(href: &str) -> bool {
    href.starts_with("https://") || href.starts_with("http://")
}

/// The fragment without the blank lines its template's tags leave (the
/// fragment has no `pre`, so lines carry no meaning), easier to read in a CMS's
/// source view.
fn tidy(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    for line in html.lines().filter(|l| !l.trim().is_empty()) {
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// The size of one of the charts' SVGs, from its `viewBox="0 0 W H"`.
fn svg_size(svg: &str) -> Option<(u32, u32)> {
    let rest = &svg[svg.find("viewBox=\"")? + 9..];
    let numbers: Vec<f64> = rest[..rest.find('"')?]
        .split_whitespace()
        .filter_map(|n| n.parse().ok())
        .collect();
    match numbers.as_slice() {
        [_, _, w, h] if *w > 0.0 && *h > 0.0 => Some((w.ceil() as u32, h.ceil() as u32)),
        _ => None,
    }
}

/// A drawing's shown size, scaled down (never up) to [`IMAGE_MAX_WIDTH`].
fn fit_width(width: u32, height: u32) -> (u32, u32) {
    if width <= IMAGE_MAX_WIDTH {
        (width, height)
    } else {
        let h = (u64::from(height) * u64::from(IMAGE_MAX_WIDTH) + u64::from(width) / 2)
            / u64::from(width);
        (IMAGE_MAX_WIDTH, h as u32)
    }
}

impl Renderer<'_> {
    /// The fragment's charts: each home chart in the form a phone shows
    /// (`small_svg` when it has one) as a PNG in `embed/`, drawn only when its
    /// SVG changed since the previous build; a chart that gives way to its
    /// table on small screens (the tile map) goes in as its table only.
    fn embed_charts<S: Sink>(
        &self,
        site: &Site,
        charts: &[Chart],
        sink: &S,
        theme_key: u64,
    ) -> Result<Vec<EmbedChart>, SiteError<S::Error>> {
        let tag = file_tag(site);
        let mut out = Vec::with_capacity(charts.len());
        for chart in charts {
            let svg = chart.small_svg.as_deref().unwrap_or(&chart.svg);
            let mut image = None;
            if !chart.small_table
                && let Some((width, height)) = svg_size(svg)
            {
                let file = format!("{}-{tag}.png", chart.id);
                let rel = join(&site.dir, &format!("{DIR}/{file}"));
                let key = crate::fingerprint::of(
                    format!("embed-png\n{theme_key}\n{IMAGE_SCALE}\n{svg}").as_bytes(),
                );
                // A reused file is already in place: the sink knows its size.
                let reused = sink.reuse(&rel, key).then(|| sink.size_of(&rel)).flatten();
                let bytes = match reused {
                    Some(bytes) => Some(bytes as usize),
                    _ => {
                        let started = Instant::now();
                        let raster = crate::raster::svg_png(svg, self.fonts, IMAGE_SCALE);
                        Timers::add(&self.timers.embed_images, started);
                        match raster {
                            Some(raster) => {
                                sink.write(&rel, &raster.png, Some(key))
                                    .map_err(SiteError::Output)?;
                                Some(raster.png.len())
                            }
                            None => None,
                        }
                    }
                };
                if let Some(bytes) = bytes {
                    let (width, height) = fit_width(width, height);
                    image = Some(EmbedImage {
                        file,
                        width,
                        height,
                        bytes,
                        size_display: file_label::size(bytes as u64),
                    });
                }
            }
            out.push(EmbedChart {
                title: chart.title.clone(),
                description: chart.description.clone(),
                table: chart.table.clone(),
                image,
            });
        }
        Ok(out)
    }

    /// Render (or reuse) a site's fragment, its images and its preview page;
    /// returns how many files they are.
    pub(super) fn render_embed<S: Sink>(
        &self,
        site: &Site,
        view: &SiteView,
        charts: &[Chart],
        sink: &S,
        theme_key: u64,
    ) -> Result<u64, SiteError<S::Error>> {
        let embed = EmbedView::new(view, site);
        let charts = self.embed_charts(site, charts, sink, theme_key)?;
        let images: Vec<&EmbedImage> = charts.iter().filter_map(|c| c.image.as_ref()).collect();
        let mut context: PageContext = view.context(PREVIEW);
        // What every page gets (the preview extends base.html like the others).
        context.insert("has_ogp_image", &self.ogp_images);
        context.insert("embed", &embed);
        context.insert("embed_charts", &charts);
        context.insert("embed_images", &images);
        let key = context.key("embed", theme_key);
        let preview_rel = join(&site.dir, PREVIEW);
        let fragment_rel = join(&site.dir, FRAGMENT);
        let count = 2 + images.len() as u64;
        let fragment_reused = sink.reuse(&fragment_rel, key);
        let preview_reused = sink.reuse(&preview_rel, key);
        if fragment_reused && preview_reused {
            return Ok(count);
        }
        let started = Instant::now();
        // The fragment as it is pasted: images under the site's URL when it has one.
        let mut tera_context = context.context.clone();
        tera_context.insert("image_base", &embed.image_base);
        let fragment =
            tidy(&self.render_template("embed_fragment.html", &tera_context, &fragment_rel)?);
        // The same fragment shown on the preview page loads its images from
        // beside the page, so the page requests no other server.
        tera_context.insert("image_base", "");
        let shown = if embed.image_base.is_empty() {
            fragment.clone()
        } else {
            tidy(&self.render_template("embed_fragment.html", &tera_context, &preview_rel)?)
        };
        tera_context.insert("fragment_source", &fragment);
        tera_context.insert("fragment_shown", &shown);
        tera_context.insert("fragment_bytes", &file_label::size(fragment.len() as u64));
        let preview = self.render_template("embed_preview.html", &tera_context, &preview_rel)?;
        Timers::add(&self.timers.templates, started);
        let started = Instant::now();
        for (rel, bytes, reused) in [
            (&fragment_rel, &fragment, fragment_reused),
            (&preview_rel, &preview, preview_reused),
        ] {
            if !reused {
                sink.write(rel, bytes.as_bytes(), Some(key))
                    .map_err(SiteError::Output)?;
            }
        }
        Timers::add(&self.timers.write, started);
        Ok(count)
    }

    fn render_template(
        &self,
        template: &str,
        context: &tera::Context,
        rel: &str,
    ) -> Result<String, RenderError> {
        self.theme
            .tera
            .render(template, context)
            .map_err(|e| RenderError::new(&e, template, rel))
    }
}

#[cfg(test)]
mod tests {
    use super::{fit_width, svg_size};

    #[test]
    fn sizes_read_from_the_charts_viewbox_and_fitted_to_a_phone() {
        assert_eq!(
            svg_size(
                r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 360 212.5" width="100%">"#
            ),
            Some((360, 213))
        );
        assert_eq!(svg_size("<svg>"), None);
        assert_eq!(fit_width(360, 200), (320, 178));
        assert_eq!(fit_width(300, 200), (300, 200));
    }
}
