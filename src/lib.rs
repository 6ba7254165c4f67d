//! outreach: turns one project folder (content, data, theme) into a static
//! site per municipality, per prefecture and one national site.
//!
//! The flow runs one way: [`data`] and [`content`] load files into typed
//! values (collecting every problem), [`model`] builds the sites in memory,
//! [`render`] turns them into bytes, and [`output`] is the one place that
//! writes files.

pub mod bench;
pub mod build;
pub mod changes;
pub mod charts;
pub mod cli;
pub mod config;
pub mod content;
pub mod data;
pub mod dates;
pub mod fonts;
pub mod format;
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
pub mod yaml;
