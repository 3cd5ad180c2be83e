//! The ranking crate's integration tests, in one binary.
#![allow(clippy::unwrap_used)]

mod cold_start;
mod persistence;
mod training;
mod util;
