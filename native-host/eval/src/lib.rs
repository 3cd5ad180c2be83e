//! Honest offline evaluation of Vrdndi's ranking.
//!
//! `vrdndi eval takeout` replays a person's watch history in time order: for each test day the
//! slate is the videos first watched that day plus sampled videos they never watched, and every
//! method ranks it knowing only what happened before that day. Vrdndi's own scorer is shown next
//! to simple baselines on the same slates, with bootstrap intervals over days. `vrdndi eval
//! context` asks whether the context-aware score separates on-task from off-task videos better
//! than the same score without context.

pub mod bootstrap;
pub mod metrics;

pub use bootstrap::{Interval, Resampler, DEFAULT_LEVEL, DEFAULT_RESAMPLES};
pub use metrics::{auc, evaluate, mrr, ndcg_at, recall_at, SlateMetrics};
