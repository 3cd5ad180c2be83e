//! Everything that can go wrong while finding, loading or running an embedding model.
//!
//! Each variant names its cause and, where the person can fix it, what to run: a missing model or
//! runtime is the common case on a fresh machine and must point at `scripts/setup.sh`.

use std::path::PathBuf;

/// The command that puts the runtime library and the default model in place.
pub const SETUP_COMMAND: &str = "scripts/setup.sh";

#[derive(Debug, thiserror::Error)]
pub enum EmbedError {
    #[error("unknown embedding model `{name}` (known: {known})")]
    UnknownModel { name: String, known: String },

    #[error("model file {path} is missing: {hint}")]
    ModelFileMissing { path: PathBuf, hint: String },

    #[error(
        "ONNX Runtime library not found at {path}: run `{SETUP_COMMAND}` (or point ORT_DYLIB_PATH at libonnxruntime.so.{version})",
        version = crate::runtime::ORT_VERSION
    )]
    RuntimeMissing { path: PathBuf },

    #[error("no ONNX Runtime library configured: set ORT_DYLIB_PATH or give a data dir whose runtime/ holds it (run `{SETUP_COMMAND}`)")]
    RuntimeNotConfigured,

    #[error("could not load ONNX Runtime from {path}: {source}")]
    RuntimeLoad {
        path: PathBuf,
        #[source]
        source: ort::LoadDynamicError,
    },

    #[error("CUDA was requested but is not available: {reason}")]
    CudaUnavailable { reason: String },

    #[error("batch size must be at least 1 (0 would never make progress)")]
    ZeroBatchSize,

    #[error("max length must be at least 3 tokens (the two special tokens and one word)")]
    MaxLengthTooSmall,

    #[error("reading {path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    #[error("{path} is not valid model metadata: {source}")]
    Metadata {
        path: PathBuf,
        #[source]
        source: serde_json::Error,
    },

    #[error("loading tokenizer {path}: {message}")]
    Tokenizer { path: PathBuf, message: String },

    #[error("tokenizing input: {0}")]
    Tokenize(String),

    #[error("loading model {path}: {source}")]
    Session {
        path: PathBuf,
        #[source]
        source: ort::Error,
    },

    #[error("running the model: {0}")]
    Inference(#[source] ort::Error),

    #[error("model {path} does not fit model `{model}`: {detail}")]
    ModelMismatch { path: PathBuf, model: &'static str, detail: String },
}

impl EmbedError {
    pub(crate) fn io(path: impl Into<PathBuf>, source: std::io::Error) -> EmbedError {
        EmbedError::Io { path: path.into(), source }
    }
}

impl From<ort::Error> for EmbedError {
    fn from(error: ort::Error) -> EmbedError {
        EmbedError::Inference(error)
    }
}

pub type Result<T, E = EmbedError> = std::result::Result<T, E>;
