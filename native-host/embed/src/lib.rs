//! vrdndi-embed: text embeddings on the device, with ONNX Runtime (CPU or CUDA) and a Hugging Face
//! tokenizer.
//!
//! Titles of videos and windows become unit vectors the ranker compares. The model is a folder
//! under the models dir (see [`registry`] for the models and [`folder`] for the layout); the
//! runtime library is loaded at run time ([`runtime`]). Typical use:
//!
//! ```no_run
//! use vrdndi_embed::{Embedder, EmbedderOptions, EmbeddingModel};
//! # fn main() -> Result<(), vrdndi_embed::EmbedError> {
//! let embedder = Embedder::new(
//!     EmbedderOptions::new(EmbeddingModel::MultilingualE5Small)
//!         .with_data_dir(std::path::Path::new("/home/me/.local/share/vrdndi"))
//!         .with_threads(2),
//! )?;
//! let vectors = embedder.embed_queries(&["How to bake bread", "Comment faire du pain"])?;
//! assert_eq!(vectors[0].len(), embedder.dim());
//! let cache_key = embedder.model_key(); // store vectors under this key
//! # let _ = cache_key; Ok(()) }
//! ```

mod batch;
pub mod choice;
mod embedder;
mod error;
pub mod folder;
mod options;
pub mod pooling;
pub mod registry;
pub mod runtime;
pub mod text_tokenizer;
pub mod unigram;

pub use choice::{read_choice, write_choice};
pub use embedder::{Embedder, TextKind};
pub use error::{EmbedError, Result, SETUP_COMMAND};
pub use options::{Device, EmbedderOptions, Precision, DEFAULT_BATCH_SIZE, DEFAULT_MAX_LENGTH};
pub use pooling::{cosine, Pooling};
pub use registry::{EmbeddingModel, ModelInfo, MODELS};
pub use runtime::ExecutionDevice;
