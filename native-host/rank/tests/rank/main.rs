//! The ranking crate's integration tests, in one binary.
#![allow(clippy::unwrap_used)]

mod cold_start;
mod persistence;
mod real;
mod real_e5;
mod training;
mod util;
