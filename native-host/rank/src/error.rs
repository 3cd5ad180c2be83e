//! Why ranking or training failed, by cause, so the daemon can map each to a protocol error code.

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum RankError {
    /// An embedding does not have the length the model or the profile expects.
    #[error("{what} has {got} dimensions, expected {expected}")]
    Dimension { what: String, expected: usize, got: usize },

    /// An embedding holds NaN or infinity (a broken embedder; never rank on it).
    #[error("{what} holds a value that is not a finite number")]
    NotFinite { what: String },

    /// Training was asked for with too few labels, or with a fold split that leaves a part empty.
    #[error("not enough labels: {0}")]
    NotEnoughData(String),

    /// An option is out of its range (the message names it and the range).
    #[error("invalid option: {0}")]
    InvalidOption(String),

    /// A saved model was made with another embedding model: its scores would be meaningless.
    #[error("the saved model was trained on `{saved}` embeddings but `{current}` is in use: train again")]
    EmbedderMismatch { saved: String, current: String },

    /// A saved model's weights do not match its configuration (missing, extra or misshapen tensors).
    #[error("the saved model in {path} is incomplete or damaged: {detail}")]
    CorruptModel { path: PathBuf, detail: String },

    /// No saved model in the folder.
    #[error("no saved model in {0}")]
    NoModel(PathBuf),

    #[error("could not {action} {path}: {source}")]
    Io {
        action: &'static str,
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    #[error("model configuration {path}: {source}")]
    Config {
        path: PathBuf,
        #[source]
        source: serde_json::Error,
    },

    /// A tensor operation failed; a bug in this crate rather than bad input.
    #[error("tensor operation failed: {0}")]
    Tensor(#[from] candle_core::Error),
}

pub type Result<T, E = RankError> = std::result::Result<T, E>;
