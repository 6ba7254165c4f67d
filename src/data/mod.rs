//! Loading the project's data files into typed values. Every loader reports
//! problems into a shared [`crate::problems::Problems`] and never stops early.

pub mod accessibility;
pub mod adoption;
pub mod jis;
pub mod offices;
pub mod sites;
pub mod subsidies;
pub mod table;

use std::path::{Path, PathBuf};

/// The files of a data folder (`data/adoption`, `data/subsidies`,
/// `data/accessibility`) in name order, leaving out hidden files (`.DS_Store`,
/// editors' `.name.swp`) and sub-folders.
pub fn folder_files(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file())
        .filter(|p| {
            !p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with('.'))
        })
        .collect();
    paths.sort();
    Ok(paths)
}
