//! A site's poster files: the QR code, each design's PNG preview, its PDF in
//! every paper size, and a prefecture's print packs with every municipality's
//! poster. What each file is made from comes from the poster job
//! ([`crate::posters::PosterJob`]); the sink keeps a file whose inputs did not
//! change since the previous build.

use serde::Serialize;

use super::{Renderer, Sink, SiteError, SiteView, file_tag, join};
use crate::format::file_label;
use crate::model::{Site, SiteKind};
use crate::posters::{PageArt, PosterInput};

/// A poster offered on the downloads page, with the type and size of each file.
#[derive(Debug, Clone, Serialize)]
pub(super) struct PosterLink {
    label: String,
    pdf: String,
    pdf_file: String,
    pub(super) png: String,
    png_file: String,
    pub(super) pack: Option<String>,
    pack_file: Option<String>,
}

/// A site's poster files, as the downloads page links them.
pub(super) struct PosterFiles {
    pub(super) links: Vec<PosterLink>,
    /// The QR code's file label (`PNG・1KB`), when the site has a URL.
    pub(super) qr: Option<String>,
}

impl Renderer<'_> {
    /// Render (or reuse) every poster of one site, and a prefecture's print
    /// packs with all its municipalities' posters in code order.
    pub(super) fn render_posters<S: Sink>(
        &self,
        site: &Site,
        view: &SiteView,
        sink: &S,
        theme_key: u64,
    ) -> Result<PosterFiles, SiteError<S::Error>> {
        let Some(job) = self.posters else {
            return Ok(PosterFiles {
                links: Vec::new(),
                qr: None,
            });
        };
        // The size of a file written or reused just now, for its link.
        let size_of = |rel: &str| {
            let bytes = sink.size_of(rel).expect("a poster file written or reused");
            file_label::label(rel, bytes)
        };
        let input = view.poster_input();
        let input_json = serde_json::to_vec(&input).expect("poster input serializes");
        let pack_inputs = self.pack_inputs(site);
        // Serialized once: every design and size of the pack is keyed on it.
        let pack_json = serde_json::to_vec(&pack_inputs).expect("poster input serializes");
        let mut links = Vec::new();
        let tag = file_tag(site);
        let mut qr_file = None;
        if let Some(url) = &site.url
            && let Some(png) = crate::posters::qr::png(url, 8)
        {
            let rel = format!("posters/qr-{tag}.png");
            sink.write(&join(&site.dir, &rel), &png, None)
                .map_err(SiteError::Output)?;
            qr_file = Some(file_label::label(&rel, png.len() as u64));
        }
        for design in &job.designs {
            let preview = format!("posters/poster-{design}-{tag}.png");
            let png_rel = join(&site.dir, &preview);
            let inputs = job.preview_inputs(design, theme_key, &input_json);
            if !sink.reuse(&png_rel, inputs) {
                let png = job
                    .set
                    .preview_png(design, &input)
                    .map_err(SiteError::Poster)?;
                sink.write(&png_rel, &png, Some(inputs))
                    .map_err(SiteError::Output)?;
            }
            for &size in &job.sizes {
                let stem = crate::posters::file_stem(design, size, &job.print);
                let pdf_rel = join(&site.dir, &format!("posters/{stem}-{tag}.pdf"));
                let inputs = job.pdf_inputs(design, size, theme_key, &input_json);
                if !sink.reuse(&pdf_rel, inputs) {
                    let page = job
                        .set
                        .render_page(design, &input, size, &job.print)
                        .map_err(SiteError::Poster)?;
                    let pdf = job
                        .set
                        .single_pdf(&page, &input, size, &job.print, self.build_date)
                        .map_err(SiteError::Poster)?;
                    sink.write(&pdf_rel, &pdf, Some(inputs))
                        .map_err(SiteError::Output)?;
                    // Its prefecture's print pack, built in this run, takes the page
                    // instead of converting the poster a second time.
                    if site.kind == SiteKind::Municipality {
                        job.keep_for_pack(
                            site.prefecture_code.as_deref(),
                            design,
                            size,
                            theme_key,
                            &input_json,
                            page,
                        );
                    }
                }
                let pack = if pack_inputs.is_empty() {
                    None
                } else {
                    let pack_rel = format!(
                        "posters/print-pack-{}-{tag}.pdf",
                        stem.trim_start_matches("poster-")
                    );
                    let inputs = job.pack_inputs(design, size, theme_key, &pack_json);
                    let full = join(&site.dir, &pack_rel);
                    if !sink.reuse(&full, inputs) {
                        let pages = job
                            .pack_pages(design, size, theme_key, &pack_inputs)
                            .map_err(SiteError::Poster)?;
                        let refs: Vec<&PageArt> = pages.iter().map(|p| p.as_ref()).collect();
                        let pdf = job
                            .set
                            .pack_pdf(&refs, size, &job.print, &site.name, self.build_date)
                            .map_err(SiteError::Poster)?;
                        sink.write(&full, &pdf, Some(inputs))
                            .map_err(SiteError::Output)?;
                    }
                    Some(pack_rel)
                };
                links.push(PosterLink {
                    label: format!("{design}（{}）", size.name),
                    pdf_file: size_of(&pdf_rel),
                    pdf: format!("posters/{stem}-{tag}.pdf"),
                    png_file: size_of(&png_rel),
                    png: preview.clone(),
                    pack_file: pack.as_ref().map(|p| size_of(&join(&site.dir, p))),
                    pack,
                });
            }
        }
        Ok(PosterFiles { links, qr: qr_file })
    }

    /// A prefecture's print pack prints every municipality's poster: their
    /// inputs in code order (none for other sites).
    fn pack_inputs(&self, site: &Site) -> Vec<PosterInput> {
        if site.kind != SiteKind::Prefecture {
            return Vec::new();
        }
        self.model
            .children(site)
            .map(|m| {
                let entries = self
                    .content
                    .for_site(m.prefecture_code.as_ref(), m.municipality_code());
                SiteView::new(self.model, m, &entries, self.subsidies, self.build_date)
                    .poster_input()
            })
            .collect()
    }
}
