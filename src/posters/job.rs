//! The posters one build makes: which designs and paper sizes every site
//! gets, which prefectures get print packs, and what each file is made from.
//! A file's inputs are fingerprinted (design, size, print marks, the theme and
//! the poster's input), so the output can keep a poster from the previous
//! build instead of drawing it again when none of them changed.

use std::collections::{BTreeSet, HashMap};
use std::sync::{Arc, Mutex};

use rayon::prelude::*;

use super::{PageArt, PosterError, PosterInput, PosterSet, PrintOptions};
use crate::config::PaperSize;

/// The posters every site gets, and the print packs of prefectures.
pub struct PosterJob<'a> {
    pub set: &'a PosterSet,
    pub designs: Vec<String>,
    pub sizes: Vec<PaperSize>,
    pub print: PrintOptions,
    /// Prefectures whose print packs this build makes.
    pub packs_for: BTreeSet<String>,
    /// Poster pages converted for a municipality, waiting for its prefecture's
    /// pack (converted once per run, not once for the poster and once for the pack).
    pub memo: Mutex<HashMap<u64, Arc<PageArt>>>,
}

impl PosterJob<'_> {
    /// The fingerprint of what a file of `kind` is made from: the design,
    /// the size (none for a preview), print marks, the theme and `input`.
    fn inputs(
        &self,
        kind: &str,
        design: &str,
        size: Option<PaperSize>,
        theme: u64,
        input: &[u8],
    ) -> u64 {
        let mut material = match size {
            Some(size) => format!(
                "{kind}\n{design}\n{}\n{}\n{theme}\n",
                size.name, self.print.bleed_and_marks
            ),
            None => format!("{kind}\n{design}\n{theme}\n"),
        }
        .into_bytes();
        material.extend_from_slice(input);
        crate::fingerprint::of(&material)
    }

    /// What a poster's PNG preview is made from (`input`: the poster input as JSON).
    pub fn preview_inputs(&self, design: &str, theme: u64, input: &[u8]) -> u64 {
        self.inputs("preview", design, None, theme, input)
    }

    /// What a poster's PDF is made from.
    pub fn pdf_inputs(&self, design: &str, size: PaperSize, theme: u64, input: &[u8]) -> u64 {
        self.inputs("poster", design, Some(size), theme, input)
    }

    /// What a prefecture's print pack is made from (`inputs`: every
    /// municipality's poster input, as one JSON array).
    pub fn pack_inputs(&self, design: &str, size: PaperSize, theme: u64, inputs: &[u8]) -> u64 {
        self.inputs("pack", design, Some(size), theme, inputs)
    }

    /// Keep a municipality's converted page for its prefecture's pack, when
    /// this build makes that pack.
    pub fn keep_for_pack(
        &self,
        prefecture: Option<&str>,
        design: &str,
        size: PaperSize,
        theme: u64,
        input: &[u8],
        page: PageArt,
    ) {
        if prefecture.is_some_and(|p| self.packs_for.contains(p)) {
            let key = self.inputs("page", design, Some(size), theme, input);
            self.memo
                .lock()
                .expect("no panics while holding the lock")
                .insert(key, Arc::new(page));
        }
    }

    /// The pages of a print pack, in the order of `inputs`: those kept by
    /// [`PosterJob::keep_for_pack`] in this run, the others converted now.
    pub fn pack_pages(
        &self,
        design: &str,
        size: PaperSize,
        theme: u64,
        inputs: &[PosterInput],
    ) -> Result<Vec<Arc<PageArt>>, PosterError> {
        inputs
            .par_iter()
            .map(|input| {
                let json = serde_json::to_vec(input).expect("poster input serializes");
                let key = self.inputs("page", design, Some(size), theme, &json);
                let kept = self
                    .memo
                    .lock()
                    .expect("no panics while holding the lock")
                    .remove(&key);
                match kept {
                    Some(page) => Ok(page),
                    None => self
                        .set
                        .render_page(design, input, size, &self.print)
                        .map(Arc::new),
                }
            })
            .collect()
    }
}
