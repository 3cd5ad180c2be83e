//! Honest offline evaluation of Vrdndi's ranking.
//!
//! `vrdndi eval takeout` replays a person's watch history in time order: for each test day the
//! slate is the videos first watched that day plus sampled videos they never watched, and every
//! method ranks it knowing only what happened before that day ([`run::run_takeout`]). Vrdndi's
//! own scorer is shown next to simple baselines on the same slates, with bootstrap intervals over
//! days ([`bootstrap`]) and tie-aware metrics ([`metrics`]); an independent [`leak`] check counts
//! anything a method was shown that it should not have been. `vrdndi eval context`
//! ([`context`]) asks whether the context-aware score separates on-task from off-task videos
//! better than the same score without its context. Either keeps a [`summary`] of its table in
//! the store for the "what the model learned" page.

pub mod bootstrap;
pub mod context;
pub mod embeddings;
mod error;
pub mod history;
pub mod leak;
pub mod learned;
pub mod methods;
pub mod metrics;
pub mod plot;
pub mod pool;
pub mod report;
pub mod run;
pub mod slates;
pub mod summary;

pub use bootstrap::{Interval, Resampler, DEFAULT_LEVEL, DEFAULT_RESAMPLES};
pub use embeddings::{Embeddings, Kind, TextEmbedder};
pub use error::{EvalError, Result};
pub use history::History;
pub use metrics::{auc, evaluate, mrr, ndcg_at, recall_at, SlateMetrics};
pub use pool::Pool;
pub use report::Report;
pub use run::{run_takeout, Negatives, Progress, Quiet, TakeoutOptions, DEFAULT_CURVE, DEFAULT_PER_SLATE, K, METHODS};
pub use slates::Split;
pub use summary::{Summary, LAST_EVAL_SETTING};
