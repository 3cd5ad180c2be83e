//! Why an evaluation could not run, by cause; each message names the file and what to do.

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum EvalError {
    #[error("could not read the Takeout at {path}: {source}")]
    Import {
        path: PathBuf,
        #[source]
        source: vrdndi_import::ImportError,
    },

    /// A history with nothing to evaluate on.
    #[error("{path} holds no watched YouTube video with a time; give a Takeout watch history (watch-history.json or .html)")]
    NoWatches { path: PathBuf },

    #[error("could not read negatives from {path}: {source}")]
    NegativesCsv {
        path: PathBuf,
        #[source]
        source: csv::Error,
    },

    /// A negatives file whose layout is not a trending CSV.
    #[error("{path} is not a trending CSV: {detail}")]
    NegativesFormat { path: PathBuf, detail: String },

    /// Not enough never-watched videos to fill slates.
    #[error("not enough negatives: {0}")]
    NotEnoughNegatives(String),

    /// A split that leaves no training or no test day.
    #[error("bad split: {0}")]
    Split(String),

    #[error("invalid option: {0}")]
    InvalidOption(String),

    #[error("embedding failed: {0}")]
    Embed(#[from] vrdndi_embed::EmbedError),

    #[error("ranking failed: {0}")]
    Rank(#[from] vrdndi_rank::RankError),

    #[error("similarity computation failed: {0}")]
    Tensor(#[from] candle_core::Error),

    #[error("ActivityWatch export: {0}")]
    ActivityWatch(#[from] vrdndi_activitywatch::Error),

    /// A labels file line that cannot be read.
    #[error("{path} line {line}: {detail}")]
    Labels { path: PathBuf, line: usize, detail: String },

    #[error("could not write the plot {path}: {detail}")]
    Plot { path: PathBuf, detail: String },

    #[error("could not {action} {path}: {source}")]
    Io {
        action: &'static str,
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

pub type Result<T, E = EvalError> = std::result::Result<T, E>;

pub(crate) fn io(action: &'static str, path: impl Into<PathBuf>) -> impl FnOnce(std::io::Error) -> EvalError {
    let path = path.into();
    move |source| EvalError::Io { action, path, source }
}
