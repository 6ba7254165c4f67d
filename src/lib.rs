//! outreach: turns one project folder (content, data, theme) into a static
//! site per municipality, per prefecture and one national site.
//!
//! # Where things live
//!
//! The flow runs one way: files are loaded into typed values (every problem
//! collected), the model builds the sites in memory, rendering turns them into
//! bytes, and output is the one place that writes files. **A module uses only
//! modules in rows above its own**, never one below (`tests/architecture.rs`
//! reads this table and checks every `crate::` path in `src/` against it).
//!
//! | stage | modules | what they hold |
//! | --- | --- | --- |
//! | base | [`problems`] | every problem a run finds: code, location (file, line, column), message and hint in Japanese |
//! | base | [`dates`], [`fingerprint`], [`fonts`], [`progress`], [`yaml`] | western and 和暦 dates; fingerprints of bytes; the bundled fonts; the progress line; YAML read with located errors |
//! | base | [`format`], [`raster`] | the one place numbers, dates and sizes become text; SVG to PNG |
//! | base | [`templates`] | the Tera engine with outreach's filters, compiling templates, locating their errors |
//! | load | [`config`] | `config.yaml`, and the paper sizes it may name |
//! | load | [`data`] | `data/`: JIS codes and the master list, the CSV/xlsx table reader, adoption figures, offices, subsidies, `sites.yaml`, accessibility records |
//! | load | [`content`] | `content/`: Markdown pages, front matter, news and events, links checked |
//! | load | [`theme`] | `themes/<name>/`: page templates and static files |
//! | model | [`model`] | the nation, prefectures and municipalities, their sites, goals, partner offices and what each site shows |
//! | render | [`charts`], [`posters`] | SVG charts and the OGP image; poster PDFs, previews and QR codes |
//! | render | [`render`] | each site's pages, feeds, downloads, search index and CMS fragment, handed to a [`render::Sink`] |
//! | write | [`output`] | owned output folders, staging, the atomic swap, the manifest of reusable files, zips |
//! | commands | [`build`], [`sample`], [`scaffold`] | a build as a list of named steps; invented sample offices; `outreach new` |
//! | commands | [`bench`], [`changes`], [`serve`] | benchmarks; the change report; the local preview server |
//! | commands | [`cli`] | the command line (`main.rs` only calls it) |

pub mod bench;
pub mod build;
pub mod changes;
pub mod charts;
pub mod cli;
pub mod config;
pub mod content;
pub mod data;
pub mod dates;
pub mod fingerprint;
pub mod fonts;
pub mod format;
#[cfg(test)]
mod fuzz;
pub mod model;
pub mod output;
pub mod posters;
pub mod problems;
pub mod progress;
pub mod raster;
pub mod render;
pub mod sample;
pub mod scaffold;
pub mod serve;
pub mod templates;
pub mod theme;
pub mod yaml;
