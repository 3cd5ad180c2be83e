//! Vrdndi's ranking model: which videos on a slate to show first, and why.
//!
//! Inputs are already embedded (see `vrdndi-embed`; [`video_text`] and [`context_text`] give the
//! texts to embed): [`Candidate`]s, the [`Context`] of ActivityWatch events before the ranking
//! time, and the person's [`UserProfile`]. [`Ranker::score`] returns one
//! [`vrdndi_protocol::TileScore`] per candidate, from the [`ColdStart`] before any label and from
//! a trained [`Model`] blended in after [`train()`].
//!
//! The model follows the earlier Python project (SEED.md) and fixes its faults: every weight is
//! saved and checked on load, padding is masked everywhere, the empty context is a learned token,
//! class weights multiply the loss, folds split by time, contexts never hold events after the
//! ranking time, the time of day is the person's own, and nothing is ranked on raw logits.

mod cold;
mod combine;
mod error;
mod features;
mod input;
pub mod interest;
pub mod logistic;
mod metrics;
mod model;
mod net;
pub mod profile;
mod ranker;
mod reasons;
mod rng;
pub mod synthetic;
mod train;

pub use cold::{Calibration, ColdStart, Evidence, BACKGROUND_ACTIVITIES};
pub use combine::{final_score, Preferences, OFF_HOURS_SHARE};
pub use error::{RankError, Result};
pub use features::{upload_age_days, FeatureStats, Moments};
pub use input::{
    channel_keys, context_text, select_context_events, video_text, Candidate, ChannelStats, Context, ContextToken, ProfileItem, Signal,
    UserProfile, DEFAULT_LOOKBACK, DEFAULT_MAX_EVENTS,
};
pub use interest::{Features, InterestWeights, FEATURE_NAMES};
pub use metrics::{auc, head_metrics, HeadMetrics, MeanMetrics};
pub use model::{model_exists, LabelCounts, Model, ModelConfig, CONFIG_FILE};
pub use net::NetConfig;
pub use profile::HistoryEntry;
pub use ranker::{order, Ranker, BLEND_LABELS};
pub use reasons::MAX_REASONS;
pub use train::{
    class_weights, time_series_folds, train, train_against, Comparison, Fold, FoldReport, HeadComparison, HeadsMean, Label, TrainOptions,
    TrainReport,
};
