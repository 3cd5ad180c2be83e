//! The embedder: loads a model folder with ONNX Runtime and the tokenizer, and turns texts into
//! unit vectors.
//!
//! One [`Embedder`] per process is the intended use (the daemon owns it); it is `Send + Sync` and
//! serialises model calls internally, since an ONNX Runtime session runs one call at a time here.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use ndarray::{ArrayView3, Ix3};
use ort::session::builder::GraphOptimizationLevel;
use ort::session::Session;
use ort::value::{Tensor, TensorElementType, ValueType};

use crate::batch::{batch_order, build_batch, Batch};
use crate::error::{EmbedError, Result};
use crate::folder::ModelFolder;
use crate::options::{Device, EmbedderOptions, Precision};
use crate::pooling::pool_normalized;
use crate::registry::{EmbeddingModel, ModelInfo};
use crate::runtime::{self, ExecutionDevice};
use crate::text_tokenizer::TextTokenizer;

/// What a text is, for models that embed the two sides of a search differently (e5's prefixes).
/// For symmetric comparisons (title to title, title to window title) e5 recommends `Query` on both.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextKind {
    Query,
    Passage,
}

/// A loaded embedding model.
pub struct Embedder {
    info: &'static ModelInfo,
    tokenizer: TextTokenizer,
    session: Mutex<Session>,
    feeds_token_type_ids: bool,
    output: String,
    pad_id: u32,
    batch_size: usize,
    sort_by_length: bool,
    device: ExecutionDevice,
    precision: Precision,
    model_key: String,
    model_path: PathBuf,
}

impl std::fmt::Debug for Embedder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Embedder")
            .field("model", &self.info.name)
            .field("model_key", &self.model_key)
            .field("device", &self.device)
            .field("batch_size", &self.batch_size)
            .finish_non_exhaustive()
    }
}

impl Embedder {
    /// Loads the model the options name from `<models_dir>/<name>/`.
    pub fn new(options: EmbedderOptions) -> Result<Embedder> {
        options.validate()?;
        let info = options.model.info();
        let folder = ModelFolder::new(&options.models_dir, info);
        let tokenizer_path = folder.path(info.tokenizer_file.name);
        require_file(&tokenizer_path, info.install_hint)?;
        let graph = |device: ExecutionDevice| -> Result<(Precision, PathBuf)> {
            let has_int8 = folder.path(Precision::Int8.model_file_name()).is_file();
            let precision = options.precision.resolve(device, has_int8);
            let path = folder.path(precision.model_file_name());
            let hint = match precision {
                Precision::Int8 => format!(
                    "run `$VRDNDI_CACHE/venv/bin/python models/quantize-int8.py {}` (needs {})",
                    folder.dir.display(),
                    folder.path("model.onnx").display()
                ),
                Precision::Full | Precision::Auto => info.install_hint.to_owned(),
            };
            require_file(&path, &hint)?;
            Ok((precision, path))
        };

        let library = runtime::resolve_library(options.runtime_library.as_deref())?;
        let environment = runtime::environment(&library)?;
        let (tokenizer, pad_id) = TextTokenizer::from_file(&tokenizer_path, options.effective_max_length())?;
        let (session, device, precision, model_path) = open_session(&environment, graph, &options)?;

        let inputs: Vec<&str> = session.inputs().iter().map(|i| i.name()).collect();
        for needed in ["input_ids", "attention_mask"] {
            if !inputs.contains(&needed) {
                return Err(mismatch(&model_path, info, format!("the graph has no `{needed}` input (inputs: {inputs:?})")));
            }
        }
        let feeds_token_type_ids = inputs.contains(&"token_type_ids");
        let output = pick_output(&session, &model_path, info)?;
        let model_key = folder.model_key(precision.model_file_name())?;
        tracing::info!(
            model = info.name,
            key = %model_key,
            device = device.name(),
            precision = precision.name(),
            threads = options.threads,
            "embedding model loaded"
        );
        Ok(Embedder {
            info,
            tokenizer,
            session: Mutex::new(session),
            feeds_token_type_ids,
            output,
            pad_id,
            batch_size: options.batch_size,
            sort_by_length: options.sort_by_length,
            device,
            precision,
            model_key,
            model_path,
        })
    }

    /// Embeds search queries (and, for e5, texts compared symmetrically, such as titles).
    pub fn embed_queries<S: AsRef<str>>(&self, texts: &[S]) -> Result<Vec<Vec<f32>>> {
        self.embed(texts, TextKind::Query)
    }

    /// Embeds documents to be searched.
    pub fn embed_passages<S: AsRef<str>>(&self, texts: &[S]) -> Result<Vec<Vec<f32>>> {
        self.embed(texts, TextKind::Passage)
    }

    /// One L2-normalised vector of [`Embedder::dim`] floats per text, in input order.
    pub fn embed<S: AsRef<str>>(&self, texts: &[S], kind: TextKind) -> Result<Vec<Vec<f32>>> {
        if texts.is_empty() {
            return Ok(Vec::new());
        }
        let ids = self.tokenize(texts, kind)?;
        let lengths: Vec<usize> = ids.iter().map(Vec::len).collect();
        let order = batch_order(&lengths, self.sort_by_length);
        let mut out: Vec<Vec<f32>> = vec![Vec::new(); texts.len()];
        let mut session = self.session.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        for rows in order.chunks(self.batch_size) {
            let batch = build_batch(&ids, rows, self.pad_id);
            let vectors = self.run(&mut session, &batch)?;
            for (row, vector) in batch.rows.iter().zip(vectors) {
                out[*row] = vector;
            }
        }
        Ok(out)
    }

    /// Changes the number of texts per model call (benchmarks compare batch sizes on one loaded
    /// model; loading a large graph on a GPU takes seconds). 0 is rejected.
    pub fn set_batch_size(&mut self, batch_size: usize) -> Result<()> {
        if batch_size == 0 {
            return Err(EmbedError::ZeroBatchSize);
        }
        self.batch_size = batch_size;
        Ok(())
    }

    pub fn batch_size(&self) -> usize {
        self.batch_size
    }

    /// The token ids the model sees for one text (prefix and special tokens included, truncated).
    pub fn token_ids(&self, text: &str, kind: TextKind) -> Result<Vec<u32>> {
        Ok(self.tokenize(&[text], kind)?.pop().unwrap_or_default())
    }

    pub fn model(&self) -> EmbeddingModel {
        self.info.model
    }

    pub fn info(&self) -> &'static ModelInfo {
        self.info
    }

    pub fn dim(&self) -> usize {
        self.info.dim
    }

    /// Where the model runs (after `Device::Auto` chose).
    pub fn device(&self) -> ExecutionDevice {
        self.device
    }

    /// The weights loaded (never `Auto`: what it resolved to).
    pub fn precision(&self) -> Precision {
        self.precision
    }

    /// `<model name>@<12 hex digits of the graph's sha256>`: key every stored embedding by it, so
    /// switching models (or builds, or precisions) never mixes vectors from two of them.
    pub fn model_key(&self) -> &str {
        &self.model_key
    }

    pub fn model_path(&self) -> &Path {
        &self.model_path
    }

    fn tokenize<S: AsRef<str>>(&self, texts: &[S], kind: TextKind) -> Result<Vec<Vec<u32>>> {
        let prefix = match kind {
            TextKind::Query => self.info.query_prefix,
            TextKind::Passage => self.info.passage_prefix,
        };
        self.tokenizer.encode_ids(texts.iter().map(|t| format!("{prefix}{}", t.as_ref())).collect())
    }

    fn run(&self, session: &mut Session, batch: &Batch) -> Result<Vec<Vec<f32>>> {
        let shape = batch.ids.raw_dim();
        let ids = Tensor::from_array(batch.ids.clone())?;
        let mask = Tensor::from_array(batch.mask.clone())?;
        let outputs = if self.feeds_token_type_ids {
            let types = Tensor::from_array(ndarray::Array2::<i64>::zeros(shape))?;
            session.run(ort::inputs!["input_ids" => ids, "attention_mask" => mask, "token_type_ids" => types])?
        } else {
            session.run(ort::inputs!["input_ids" => ids, "attention_mask" => mask])?
        };
        let value = &outputs[self.output.as_str()];
        let hidden = match value.dtype() {
            ValueType::Tensor { ty: TensorElementType::Float16, .. } => value.try_extract_array::<half::f16>()?.mapv(f32::from),
            _ => value.try_extract_array::<f32>()?.to_owned(),
        };
        let hidden = hidden
            .into_dimensionality::<Ix3>()
            .map_err(|e| mismatch(&self.model_path, self.info, format!("output `{}` is not [batch, seq, dim]: {e}", self.output)))?;
        check_shape(hidden.view(), batch, self.info, &self.model_path)?;
        Ok(pool_normalized(self.info.pooling, hidden.view(), batch.mask.view()))
    }
}

fn check_shape(hidden: ArrayView3<'_, f32>, batch: &Batch, info: &'static ModelInfo, path: &Path) -> Result<()> {
    let (rows, seq, dim) = hidden.dim();
    if rows != batch.rows.len() || seq != batch.ids.ncols() || dim != info.dim {
        return Err(mismatch(
            path,
            info,
            format!("output is [{rows}, {seq}, {dim}], expected [{}, {}, {}]", batch.rows.len(), batch.ids.ncols(), info.dim),
        ));
    }
    Ok(())
}

fn require_file(path: &Path, hint: &str) -> Result<()> {
    if path.is_file() {
        Ok(())
    } else {
        Err(EmbedError::ModelFileMissing { path: path.to_path_buf(), hint: hint.to_owned() })
    }
}

fn mismatch(path: &Path, info: &'static ModelInfo, detail: String) -> EmbedError {
    EmbedError::ModelMismatch { path: path.to_path_buf(), model: info.name, detail }
}

/// A session on the device asked for. `Auto` tries CUDA, then the CPU with one warning; `Cuda`
/// fails with the reason instead of falling back.
/// The graph to load on a device: which precision and its path (it depends on the device when the
/// precision is `Auto`).
type Graph = (Precision, PathBuf);

fn open_session(
    environment: &ort::environment::Environment,
    graph: impl Fn(ExecutionDevice) -> Result<Graph>,
    options: &EmbedderOptions,
) -> Result<(Session, ExecutionDevice, Precision, PathBuf)> {
    let mut cuda_failure = None;
    for &device in runtime::attempts(options.device) {
        let (precision, path) = graph(device)?;
        let builder = Session::builder(environment)
            .and_then(|b| b.with_optimization_level(GraphOptimizationLevel::All).map_err(Into::into))
            .and_then(|b| b.with_intra_threads(options.threads).map_err(Into::into))
            .and_then(|b| b.with_inter_threads(1).map_err(Into::into))
            .map_err(|source| EmbedError::Session { path: path.clone(), source })?;
        let mut builder = match device {
            ExecutionDevice::Cpu => runtime::with_cpu(builder)?,
            ExecutionDevice::Cuda => match runtime::with_cuda(builder) {
                Ok(builder) => builder,
                Err(reason) => {
                    cuda_failure = Some(reason);
                    continue;
                }
            },
        };
        match builder.commit_from_file(&path) {
            Ok(session) => {
                if let (ExecutionDevice::Cpu, Some(reason)) = (device, &cuda_failure) {
                    tracing::warn!("embedding on the CPU: CUDA is not available: {reason}");
                }
                return Ok((session, device, precision, path));
            }
            Err(source) if device == ExecutionDevice::Cuda => cuda_failure = Some(source.to_string()),
            Err(source) => return Err(EmbedError::Session { path, source }),
        }
    }
    debug_assert!(options.device == Device::Cuda);
    Err(EmbedError::CudaUnavailable { reason: cuda_failure.unwrap_or_else(|| "no attempt was made".to_owned()) })
}

/// The output with per-token states: the registry's name, or the only output there is.
fn pick_output(session: &Session, path: &Path, info: &'static ModelInfo) -> Result<String> {
    let outputs: Vec<&str> = session.outputs().iter().map(|o| o.name()).collect();
    if outputs.contains(&info.output) {
        return Ok(info.output.to_owned());
    }
    match outputs.as_slice() {
        [only] => Ok((*only).to_owned()),
        _ => Err(mismatch(path, info, format!("no `{}` output (outputs: {outputs:?})", info.output))),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn an_embedder_can_be_shared_between_threads() {
        fn assert_send_sync<T: Send + Sync>() {}
        assert_send_sync::<super::Embedder>();
    }
}
