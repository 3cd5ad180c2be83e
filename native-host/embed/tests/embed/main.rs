//! The embedder on the real default model: against the Python reference, across batch sizes,
//! across languages, and when something is missing.

mod common;
mod errors;
mod invariance;
mod reference;
mod tokenizer;
