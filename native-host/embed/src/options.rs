//! How to build an [`Embedder`](crate::Embedder): a `Default` plus `with_*` builder whose docs state
//! each default, checked once in [`EmbedderOptions::validate`] rather than at every call.

use std::path::{Path, PathBuf};

use crate::error::{EmbedError, Result};
use crate::registry::EmbeddingModel;
use crate::runtime::ORT_LIBRARY_FILE;

/// Texts per model call when nothing else is asked for. 32 keeps padding waste low for titles
/// (sorted by length) while amortising the per-call overhead; larger batches gained little on CPU.
pub const DEFAULT_BATCH_SIZE: usize = 32;

/// Token cap per text when nothing else is asked for. Video and window titles are far shorter
/// (of 3,341 trending titles with the e5 prefix: median 19 tokens, longest 47); the cap bounds the
/// cost of a pathological input. Clamped to the model's own maximum.
pub const DEFAULT_MAX_LENGTH: usize = 128;

/// Which hardware runs the model.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Device {
    /// CUDA when the runtime and a GPU are there, else the CPU (with one warning in the log).
    #[default]
    Auto,
    Cpu,
    /// CUDA or an error: never a silent fallback when the person asked for the GPU.
    Cuda,
}

/// Which weights of the model to load.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Precision {
    /// `model.onnx` as built or fetched.
    #[default]
    Full,
    /// The int8 graph on the CPU when the folder has one, the full graph on CUDA (dynamic int8
    /// quantisation gains nothing there; its integer matmuls fall back to the CPU) or when no int8
    /// graph was made. [`Embedder::precision`](crate::Embedder::precision) tells which was loaded.
    Auto,
    /// `model.int8.onnx`, made by `models/quantize-int8.py` (dynamic int8 quantisation: about 2x
    /// faster on CPU, embeddings within 0.99 cosine of the full model; see BENCHMARKS.md).
    Int8,
}

impl Precision {
    /// The graph's file name in the model folder (`Auto` before it is resolved: the full one).
    pub fn model_file_name(self) -> &'static str {
        match self {
            Precision::Full | Precision::Auto => "model.onnx",
            Precision::Int8 => "model.int8.onnx",
        }
    }

    /// What `self` means on `device`, given whether the folder has an int8 graph.
    pub(crate) fn resolve(self, device: crate::runtime::ExecutionDevice, has_int8: bool) -> Precision {
        match (self, device) {
            (Precision::Auto, crate::runtime::ExecutionDevice::Cpu) if has_int8 => Precision::Int8,
            (Precision::Auto, _) => Precision::Full,
            (fixed, _) => fixed,
        }
    }

    /// The name people use for it (`VRDNDI_EMBED_PRECISION`, `vrdndi status`).
    pub fn name(self) -> &'static str {
        match self {
            Precision::Full => "full",
            Precision::Auto => "auto",
            Precision::Int8 => "int8",
        }
    }
}

/// Options for [`Embedder::new`](crate::Embedder::new).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmbedderOptions {
    /// Default: [`EmbeddingModel::MultilingualE5Small`].
    pub model: EmbeddingModel,
    /// Folder holding one sub-folder per model. Default: `models` (relative); the host passes
    /// `<data_dir>/models` or `VRDNDI_MODELS_DIR`.
    pub models_dir: PathBuf,
    /// The ONNX Runtime library. Default: none, so `ORT_DYLIB_PATH` must be set; `ORT_DYLIB_PATH`
    /// wins over this when both are set (it is how tests and developers point at another build).
    pub runtime_library: Option<PathBuf>,
    /// Default: [`DEFAULT_BATCH_SIZE`]. 0 is rejected.
    pub batch_size: usize,
    /// Threads inside one model call. Default: the machine's available parallelism.
    pub threads: usize,
    /// Default: [`Device::Auto`].
    pub device: Device,
    /// Tokens per text, special tokens included. Default: [`DEFAULT_MAX_LENGTH`], clamped to the
    /// model's maximum.
    pub max_length: usize,
    /// Default: [`Precision::Full`].
    pub precision: Precision,
    /// Sort texts by token count before batching so each batch pads less; results come back in
    /// input order either way. Default: true.
    pub sort_by_length: bool,
}

impl Default for EmbedderOptions {
    fn default() -> EmbedderOptions {
        EmbedderOptions {
            model: EmbeddingModel::default(),
            models_dir: PathBuf::from("models"),
            runtime_library: None,
            batch_size: DEFAULT_BATCH_SIZE,
            threads: std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1),
            device: Device::default(),
            max_length: DEFAULT_MAX_LENGTH,
            precision: Precision::default(),
            sort_by_length: true,
        }
    }
}

impl EmbedderOptions {
    pub fn new(model: EmbeddingModel) -> EmbedderOptions {
        EmbedderOptions { model, ..EmbedderOptions::default() }
    }

    /// Uses the data dir's layout: models in `<data_dir>/models`, the runtime library in
    /// `<data_dir>/runtime/`. Call `with_models_dir` afterwards to keep models elsewhere.
    pub fn with_data_dir(mut self, data_dir: &Path) -> EmbedderOptions {
        self.models_dir = data_dir.join("models");
        self.runtime_library = Some(data_dir.join("runtime").join(ORT_LIBRARY_FILE));
        self
    }

    pub fn with_model(mut self, model: EmbeddingModel) -> EmbedderOptions {
        self.model = model;
        self
    }

    pub fn with_models_dir(mut self, models_dir: impl Into<PathBuf>) -> EmbedderOptions {
        self.models_dir = models_dir.into();
        self
    }

    pub fn with_runtime_library(mut self, path: impl Into<PathBuf>) -> EmbedderOptions {
        self.runtime_library = Some(path.into());
        self
    }

    pub fn with_batch_size(mut self, batch_size: usize) -> EmbedderOptions {
        self.batch_size = batch_size;
        self
    }

    pub fn with_threads(mut self, threads: usize) -> EmbedderOptions {
        self.threads = threads;
        self
    }

    pub fn with_device(mut self, device: Device) -> EmbedderOptions {
        self.device = device;
        self
    }

    pub fn with_max_length(mut self, max_length: usize) -> EmbedderOptions {
        self.max_length = max_length;
        self
    }

    pub fn with_precision(mut self, precision: Precision) -> EmbedderOptions {
        self.precision = precision;
        self
    }

    pub fn with_sort_by_length(mut self, sort: bool) -> EmbedderOptions {
        self.sort_by_length = sort;
        self
    }

    /// The folder of the chosen model.
    pub fn model_dir(&self) -> PathBuf {
        self.models_dir.join(self.model.name())
    }

    /// The token cap actually used: the asked one, clamped to the model's.
    pub fn effective_max_length(&self) -> usize {
        self.max_length.min(self.model.info().model_max_length)
    }

    /// Rejects options no model call could honour.
    pub fn validate(&self) -> Result<()> {
        if self.batch_size == 0 {
            return Err(EmbedError::ZeroBatchSize);
        }
        if self.max_length < 3 {
            return Err(EmbedError::MaxLengthTooSmall);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_the_documented_ones() {
        let options = EmbedderOptions::default();
        assert_eq!(options.model, EmbeddingModel::MultilingualE5Small);
        assert_eq!(options.batch_size, 32);
        assert_eq!(options.max_length, 128);
        assert_eq!(options.device, Device::Auto);
        assert_eq!(options.precision, Precision::Full);
        assert!(options.sort_by_length && options.threads >= 1);
        assert!(options.validate().is_ok());
    }

    #[test]
    fn auto_precision_is_int8_only_on_the_cpu_and_only_when_there_is_an_int8_graph() {
        use crate::runtime::ExecutionDevice::{Cpu, Cuda};
        assert_eq!(Precision::Auto.resolve(Cpu, true), Precision::Int8);
        assert_eq!(Precision::Auto.resolve(Cpu, false), Precision::Full);
        assert_eq!(Precision::Auto.resolve(Cuda, true), Precision::Full);
        assert_eq!(Precision::Int8.resolve(Cuda, true), Precision::Int8);
        assert_eq!(Precision::Full.resolve(Cpu, true), Precision::Full);
    }

    #[test]
    fn zero_batch_size_is_rejected_with_a_reason() {
        let error = EmbedderOptions::default().with_batch_size(0).validate().expect_err("0 must fail");
        assert!(error.to_string().contains("at least 1"), "{error}");
    }

    #[test]
    fn data_dir_layout_and_clamped_max_length() {
        let options = EmbedderOptions::new(EmbeddingModel::BgeM3).with_data_dir(Path::new("/d")).with_max_length(100_000);
        assert_eq!(options.model_dir(), Path::new("/d/models/bge-m3"));
        assert_eq!(options.runtime_library.as_deref(), Some(Path::new("/d/runtime/libonnxruntime.so.1.31.1")));
        assert_eq!(options.effective_max_length(), 8192);
    }
}
