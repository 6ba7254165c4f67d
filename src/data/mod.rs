//! Loading the project's data files into typed values. Every loader reports
//! problems into a shared [`crate::problems::Problems`] and never stops early.

pub mod accessibility;
pub mod adoption;
#[cfg(test)]
mod fuzz;
pub mod jis;
pub mod offices;
pub mod sites;
pub mod subsidies;
pub mod table;
