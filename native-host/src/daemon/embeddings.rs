//! The daemon's one embedder and the store's cache in front of it.
//!
//! Loading e5-small takes a second or two and hundreds of megabytes, so the daemon loads it once:
//! a warm-up thread starts loading when the daemon starts, and a ranking that comes first waits for
//! that load instead of starting another. A missing model or runtime is not fatal: the daemon keeps
//! serving the store, every ranking answers `model_unavailable` with the setup step to run, and the
//! load is tried again (at most every [`RETRY_AFTER`]) so that running `scripts/setup.sh` while the
//! daemon is up is enough.
//!
//! Every vector goes through the store's embedding cache, keyed by the embedder's `model_key()`
//! (model name and graph hash) and by the exact text the model reads (e5's `query: ` or
//! `passage: ` prefix included), so a title is embedded once per model and kind, and two models
//! never mix. Only the misses are embedded, in one call.
//!
//! The ONNX session runs one call at a time. Ranking is what a person waits for, so it goes first:
//! background work (history profiles, training) embeds in small chunks and steps aside while a
//! ranking is waiting ([`Priority`]).
//!
//! ONNX Runtime tears itself down at process exit and crashes if a thread is still inside it, so
//! an exiting daemon [closes](EmbedderSlot::close) the slot: no new load or model call starts, and
//! the exit waits for the ones under way (a background chunk is a fraction of a second).

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use vrdndi_embed::{EmbedError, Embedder, EmbedderOptions, Precision, TextKind, SETUP_COMMAND};
use vrdndi_protocol::ErrorCode;
use vrdndi_store::{Store, StoreError};

use super::failure::Failure;
use crate::config::{Config, Device};

/// A failed load is tried again after this long (a fast failure: a missing file).
pub const RETRY_AFTER: Duration = Duration::from_secs(5);

/// `auto` (default: int8 on the CPU when the model folder has it, else full), `full` or `int8`:
/// which weights the daemon loads (`model.onnx` or `model.int8.onnx`). int8 meets the ranking
/// targets on two cores that full does not, within 0.99 cosine of it (BENCHMARKS.md).
pub const PRECISION_ENV: &str = "VRDNDI_EMBED_PRECISION";

/// Texts per model call for background work: small, so a ranking waits at most one chunk.
const BACKGROUND_CHUNK: usize = 16;

/// Who is asking for vectors.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Priority {
    /// A person is waiting (ranking): one call for all misses.
    Foreground,
    /// Profiles and training: small chunks, after any waiting ranking.
    Background,
}

/// Why vectors could not be had.
#[derive(Debug, thiserror::Error)]
pub enum EmbeddingsError {
    #[error("the embedding cache failed: {0}")]
    Store(#[from] StoreError),
    #[error("embedding failed: {0}")]
    Embed(#[from] EmbedError),
    #[error("the daemon is exiting")]
    Closing,
}

impl From<EmbeddingsError> for Failure {
    fn from(error: EmbeddingsError) -> Failure {
        match error {
            EmbeddingsError::Store(e) => e.into(),
            EmbeddingsError::Embed(e) => {
                tracing::error!("embedding failed: {e}");
                Failure::new(ErrorCode::Internal, format!("the embedding model failed: {e}"))
            }
            EmbeddingsError::Closing => Failure::new(ErrorCode::ModelUnavailable, "the daemon is exiting; ask again"),
        }
    }
}

/// What [`EmbedderSlot::describe`] tells `status`.
pub struct LoadedModel {
    pub name: Option<String>,
    pub device: String,
    pub precision: Option<String>,
    pub problem: Option<String>,
}

enum State {
    Idle,
    Loading,
    Ready(Arc<Embedder>),
    Failed { message: String, at: Instant },
}

/// The lazily loaded embedder, shared by every thread of the daemon.
pub struct EmbedderSlot {
    options: Result<EmbedderOptions, String>,
    device: Device,
    state: Mutex<State>,
    changed: Condvar,
    gate: Arc<Gate>,
    inside: Arc<Inside>,
}

/// Threads inside ONNX Runtime (loading or running the model), and whether the daemon is exiting.
#[derive(Default)]
struct Inside {
    closing: AtomicBool,
    count: Mutex<usize>,
    left: Condvar,
}

/// A thread inside ONNX Runtime; dropping it lets an exiting daemon go on.
struct InsideGuard<'a>(&'a Inside);

impl Inside {
    fn enter(&self) -> Result<InsideGuard<'_>, EmbeddingsError> {
        let mut count = self.count.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if self.closing.load(Ordering::SeqCst) {
            return Err(EmbeddingsError::Closing);
        }
        *count += 1;
        Ok(InsideGuard(self))
    }
}

impl Drop for InsideGuard<'_> {
    fn drop(&mut self) {
        let mut count = self.0.count.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        *count = count.saturating_sub(1);
        self.0.left.notify_all();
    }
}

impl EmbedderSlot {
    pub fn new(config: &Config) -> EmbedderSlot {
        EmbedderSlot {
            options: options(config),
            device: config.device,
            state: Mutex::new(State::Idle),
            changed: Condvar::new(),
            gate: Arc::new(Gate::default()),
            inside: Arc::new(Inside::default()),
        }
    }

    /// Lets no new load or model call start, and waits up to `limit` for those under way.
    pub fn close(&self, limit: Duration) {
        let inside = &self.inside;
        let mut count = inside.count.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        inside.closing.store(true, Ordering::SeqCst);
        let deadline = Instant::now() + limit;
        while *count > 0 {
            let Some(left) = deadline.checked_duration_since(Instant::now()) else {
                tracing::warn!(inside = *count, "exiting while the embedding model is still in use");
                return;
            };
            count = inside.left.wait_timeout(count, left).unwrap_or_else(std::sync::PoisonError::into_inner).0;
        }
    }

    /// The embedder, loading it (or waiting for the load in progress) first. The error is the
    /// `model_unavailable` failure a client shows: it names what is missing and the step to run.
    pub fn get(&self) -> Result<Arc<Embedder>, Failure> {
        let mut state = self.lock();
        loop {
            match &*state {
                State::Ready(embedder) => return Ok(embedder.clone()),
                State::Loading => {
                    state = self.changed.wait(state).unwrap_or_else(std::sync::PoisonError::into_inner);
                }
                State::Failed { message, at } if at.elapsed() < RETRY_AFTER => {
                    return Err(Failure::new(ErrorCode::ModelUnavailable, message.clone()));
                }
                State::Idle | State::Failed { .. } => {
                    *state = State::Loading;
                    drop(state);
                    let loaded = self.load();
                    state = self.lock();
                    *state = match loaded {
                        Ok(embedder) => State::Ready(Arc::new(embedder)),
                        Err(message) => {
                            tracing::error!("{message}");
                            State::Failed { message, at: Instant::now() }
                        }
                    };
                    self.changed.notify_all();
                }
            }
        }
    }

    /// The cache in front of the embedder, loading it first (see [`EmbedderSlot::get`]).
    pub fn embeddings(&self, store: &Store) -> Result<Embeddings, Failure> {
        Ok(Embeddings { embedder: self.get()?, store: store.clone(), gate: self.gate.clone(), inside: self.inside.clone() })
    }

    /// For `status`: what is loaded and on which device, or why nothing is.
    pub fn describe(&self) -> LoadedModel {
        let waiting = |problem: &str| LoadedModel {
            name: None,
            device: self.device.name().to_owned(),
            precision: None,
            problem: Some(problem.to_owned()),
        };
        match &*self.lock() {
            State::Ready(embedder) => LoadedModel {
                name: Some(embedder.info().name.to_owned()),
                device: embedder.device().name().to_owned(),
                precision: Some(embedder.precision().name().to_owned()),
                problem: None,
            },
            State::Loading => waiting("the embedding model is loading"),
            State::Idle => waiting("the embedding model loads at the first ranking"),
            State::Failed { message, .. } => waiting(message),
        }
    }

    fn load(&self) -> Result<Embedder, String> {
        let options = self.options.clone()?;
        let started = Instant::now();
        let _inside = self.inside.enter().map_err(|e| e.to_string())?;
        let embedder = Embedder::new(options).map_err(|e| unavailable(&e))?;
        tracing::info!(key = embedder.model_key(), seconds = started.elapsed().as_secs_f64(), "embedder ready");
        Ok(embedder)
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// The message a person sees when the model cannot be loaded: the embedder's own reason, which
/// names the missing file and the step to run, and the setup command when it does not.
fn unavailable(error: &EmbedError) -> String {
    let text = error.to_string();
    if text.contains(SETUP_COMMAND) || text.contains("vrdndi model") {
        format!("no embedding model: {text}")
    } else {
        format!("no embedding model: {text} (run `{SETUP_COMMAND}` to install the model and runtime)")
    }
}

/// The embedder's options from the daemon's settings: the chosen model (`vrdndi model use`), the
/// models dir, the runtime in the data dir unless `ORT_DYLIB_PATH` says otherwise, the device,
/// and the precision from [`PRECISION_ENV`].
fn options(config: &Config) -> Result<EmbedderOptions, String> {
    let model = vrdndi_embed::read_choice(&config.data_dir).map_err(|e| format!("no embedding model: {e}"))?;
    let device = match config.device {
        Device::Auto => vrdndi_embed::Device::Auto,
        Device::Cpu => vrdndi_embed::Device::Cpu,
        Device::Cuda => vrdndi_embed::Device::Cuda,
    };
    let precision = match std::env::var(PRECISION_ENV).ok().as_deref().map(str::trim) {
        None | Some("" | "auto") => Precision::Auto,
        Some("full") => Precision::Full,
        Some("int8") => Precision::Int8,
        Some(other) => return Err(format!("{PRECISION_ENV}={other:?} is not `auto`, `full` or `int8`")),
    };
    Ok(EmbedderOptions::new(model)
        .with_data_dir(&config.data_dir)
        .with_models_dir(PathBuf::from(&config.models_dir))
        .with_device(device)
        .with_precision(precision))
}

/// Ranking first: background work waits while any ranking is waiting for the model.
#[derive(Default)]
struct Gate {
    waiting: Mutex<usize>,
    clear: Condvar,
}

struct Waiting<'a>(&'a Gate);

impl Drop for Waiting<'_> {
    fn drop(&mut self) {
        let mut waiting = self.0.waiting.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        *waiting = waiting.saturating_sub(1);
        if *waiting == 0 {
            self.0.clear.notify_all();
        }
    }
}

impl Gate {
    fn foreground(&self) -> Waiting<'_> {
        *self.waiting.lock().unwrap_or_else(std::sync::PoisonError::into_inner) += 1;
        Waiting(self)
    }

    fn wait_for_foreground(&self) {
        let mut waiting = self.waiting.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        while *waiting > 0 {
            // A bounded wait: a lost wake-up costs a moment, never a hang.
            let (next, _) = self.clear.wait_timeout(waiting, Duration::from_millis(50)).unwrap_or_else(std::sync::PoisonError::into_inner);
            waiting = next;
        }
    }
}

/// Cached vectors by text, and the texts to embed.
type Lookup = (HashMap<String, Vec<f32>>, Vec<String>);

/// Vectors for texts, from the store's cache or the embedder.
#[derive(Clone)]
pub struct Embeddings {
    embedder: Arc<Embedder>,
    store: Store,
    gate: Arc<Gate>,
    inside: Arc<Inside>,
}

impl Embeddings {
    /// The key vectors are cached under; also the key a trained model is saved with.
    pub fn key(&self) -> &str {
        self.embedder.model_key()
    }

    /// One L2-normalised vector per text, in order.
    pub fn embed(&self, texts: &[String], kind: TextKind, priority: Priority) -> Result<Vec<Vec<f32>>, EmbeddingsError> {
        let _waiting = (priority == Priority::Foreground).then(|| self.gate.foreground());
        let (mut found, missing) = self.lookup(texts, kind)?;
        let chunk = match priority {
            Priority::Foreground => missing.len().max(1),
            Priority::Background => BACKGROUND_CHUNK,
        };
        for texts in missing.chunks(chunk) {
            if priority == Priority::Background {
                self.gate.wait_for_foreground();
            }
            let vectors = {
                let _inside = self.inside.enter()?;
                self.embedder.embed(texts, kind)?
            };
            // Cached chunk by chunk: a long background run keeps what it did if it is cut short.
            let keys: Vec<String> = texts.iter().map(|t| self.cache_text(t, kind)).collect();
            self.store.put_embeddings(self.key(), keys.iter().map(String::as_str).zip(vectors.iter().map(Vec::as_slice)))?;
            found.extend(texts.iter().cloned().zip(vectors));
        }
        Ok(texts.iter().map(|t| found.get(t).cloned().unwrap_or_default()).collect())
    }

    /// The cached vector of each text, or None; never runs the model.
    pub fn cached(&self, texts: &[String], kind: TextKind) -> Result<Vec<Option<Vec<f32>>>, EmbeddingsError> {
        let (found, _) = self.lookup(texts, kind)?;
        Ok(texts.iter().map(|t| found.get(t).cloned()).collect())
    }

    /// The distinct texts' cached vectors, and the distinct texts without one (first-seen order).
    fn lookup(&self, texts: &[String], kind: TextKind) -> Result<Lookup, EmbeddingsError> {
        let dim = self.embedder.dim();
        let mut found = HashMap::with_capacity(texts.len());
        let mut seen = HashSet::with_capacity(texts.len());
        let mut missing = Vec::new();
        for text in texts {
            if !seen.insert(text.as_str()) {
                continue;
            }
            match self.store.embedding(self.key(), &self.cache_text(text, kind))? {
                // A vector of another width is not this model's: embed again.
                Some(vector) if vector.len() == dim => {
                    found.insert(text.clone(), vector);
                }
                _ => missing.push(text.clone()),
            }
        }
        Ok((found, missing))
    }

    /// The exact text the model reads, prefix included: a title embedded as a query and as a
    /// passage is two vectors.
    fn cache_text(&self, text: &str, kind: TextKind) -> String {
        let info = self.embedder.info();
        let prefix = match kind {
            TextKind::Query => info.query_prefix,
            TextKind::Passage => info.passage_prefix,
        };
        format!("{prefix}{text}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn closing_waits_for_the_calls_under_way_and_refuses_new_ones() {
        let slot = Arc::new(EmbedderSlot::new(&Config::new(std::env::temp_dir(), None, None, None)));
        let guard = slot.inside.enter().expect("enters");
        let closer = {
            let slot = slot.clone();
            std::thread::spawn(move || {
                let started = Instant::now();
                slot.close(Duration::from_secs(10));
                started.elapsed()
            })
        };
        std::thread::sleep(Duration::from_millis(200));
        assert!(!closer.is_finished(), "close returned while a call was under way");
        drop(guard);
        let waited = closer.join().expect("joins");
        assert!(waited >= Duration::from_millis(150) && waited < Duration::from_secs(5), "{waited:?}");
        assert!(matches!(slot.inside.enter(), Err(EmbeddingsError::Closing)));
        let failure = slot.get().expect_err("no load after closing");
        assert_eq!(failure.code, ErrorCode::ModelUnavailable);
    }
}
