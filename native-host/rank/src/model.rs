//! A trained model: the network, the statistics it normalises with, and what it was trained on;
//! saved as ONE safetensors file holding every weight plus a small JSON configuration.
//!
//! Saving writes a new weights file, then replaces the configuration atomically (rename) to point
//! at it, then removes the old weights: a crash at any point leaves the previous model or the new
//! one, never a mix. Loading checks the embedder key (a model trained on other embeddings is
//! refused) and that the file holds exactly the weights the configuration describes.

use std::path::{Path, PathBuf};

use candle_core::Tensor;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::error::{RankError, Result};
use crate::features::{self, FeatureStats};
use crate::input::{check_dimension, check_vector, Candidate, Context};
use crate::net::params::{Params, Source};
use crate::net::{NetConfig, Network};
use crate::rng::Rng;

/// The configuration file in a model folder.
pub const CONFIG_FILE: &str = "rank-model.json";
/// Version of the saved layout; a different one is refused.
pub const FORMAT: u32 = 1;
/// Candidates per forward pass when scoring.
const SCORE_BATCH: usize = 512;

/// How many labels of each kind the model learnt from (also weighs it against the cold start).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct LabelCounts {
    pub interest: usize,
    pub interest_positive: usize,
    pub productive: usize,
    pub productive_positive: usize,
}

/// Everything about a model except its weights.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModelConfig {
    pub format: u32,
    /// The embedding model whose vectors this model reads, e.g. `multilingual-e5-small`.
    pub embedder: String,
    pub net: NetConfig,
    pub stats: FeatureStats,
    pub labels: LabelCounts,
    pub trained_at: DateTime<Utc>,
    /// The time of the newest label trained on: later labels are ones this model never saw.
    /// Absent in models saved before it was recorded (then `trained_at` bounds them).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub labels_until: Option<DateTime<Utc>>,
    /// Number of weights (a check on load).
    pub parameters: usize,
    /// The weights file beside this configuration.
    pub weights: String,
    /// The training report (folds and means), for `status`.
    #[serde(default)]
    pub report: serde_json::Value,
}

/// A learned model, ready to score.
#[derive(Debug, Clone)]
pub struct Model {
    config: ModelConfig,
    net: Network,
}

impl Model {
    /// A freshly initialised (untrained) model; `seed` makes the weights reproducible.
    pub fn init(embedder: &str, net: NetConfig, stats: FeatureStats, seed: u64) -> Result<Self> {
        let (net, _) = Network::build(net, Params::new(Source::Init(Rng::new(seed))))?;
        let config = ModelConfig {
            format: FORMAT,
            embedder: embedder.to_owned(),
            net: net.config.clone(),
            stats,
            labels: LabelCounts::default(),
            trained_at: Utc::now(),
            labels_until: None,
            parameters: net.parameter_count(),
            weights: String::new(),
            report: serde_json::Value::Null,
        };
        Ok(Model { config, net })
    }

    pub fn config(&self) -> &ModelConfig {
        &self.config
    }

    pub(crate) fn config_mut(&mut self) -> &mut ModelConfig {
        &mut self.config
    }

    pub(crate) fn network(&self) -> &Network {
        &self.net
    }

    pub fn parameter_count(&self) -> usize {
        self.net.parameter_count()
    }

    /// Probabilities (interest, productive) for each candidate in `context`, in order.
    pub fn predict(&self, candidates: &[Candidate], context: &Context) -> Result<Vec<(f32, f32)>> {
        let dim = self.config.net.embed_dim;
        for c in candidates {
            check_dimension(&c.embedding, dim, || format!("the embedding of video {}", c.video.video_id))?;
            check_vector(&c.embedding, || format!("the embedding of video {}", c.video.video_id))?;
        }
        for t in context.tokens() {
            check_dimension(&t.embedding, dim, || format!("the embedding of context event `{}`", t.title))?;
            check_vector(&t.embedding, || format!("the embedding of context event `{}`", t.title))?;
        }
        // The context encoder depends on the candidate only through its condition class: encode
        // the shared context once per distinct class, then run the heads for every candidate.
        let net_config = &self.config.net;
        let at = context.at();
        let classes: Vec<(usize, usize)> = candidates.iter().map(|c| features::condition_class(&c.video, at)).collect();
        let mut distinct: Vec<(usize, usize)> = classes.clone();
        distinct.sort_unstable();
        distinct.dedup();
        let rows: Vec<u32> = classes.iter().map(|c| distinct.binary_search(c).map_or(0, |i| i as u32)).collect();
        let inputs = features::context_inputs(&[context], &self.config.stats, dim, net_config.max_context)?;
        let distinct_conditions = self.net.condition(&features::conditions(&distinct)?)?;
        let tokens = self.net.encode_context(&inputs, &distinct_conditions)?;
        let mut out = Vec::with_capacity(candidates.len());
        for (chunk, chunk_rows) in candidates.chunks(SCORE_BATCH).zip(rows.chunks(SCORE_BATCH)) {
            let refs: Vec<&Candidate> = chunk.iter().collect();
            let index = Tensor::from_slice(chunk_rows, chunk_rows.len(), &candle_core::Device::Cpu)?;
            let logits = self.net.heads(
                &features::videos(&refs, dim)?,
                &tokens.index_select(&index, 0)?,
                &distinct_conditions.index_select(&index, 0)?,
            )?;
            let interest = candle_nn::ops::sigmoid(&logits.interest)?.to_vec1::<f32>()?;
            let productive = candle_nn::ops::sigmoid(&logits.productive)?.to_vec1::<f32>()?;
            out.extend(interest.into_iter().zip(productive));
        }
        Ok(out)
    }

    /// Saves into `dir` (created if needed), replacing the model there.
    pub fn save(&mut self, dir: &Path) -> Result<()> {
        std::fs::create_dir_all(dir).map_err(|source| io("create", dir, source))?;
        let old = read_config(dir).ok().map(|c| c.weights);
        let name = format!("rank-model-{}.safetensors", Utc::now().format("%Y%m%dT%H%M%S%.9f"));
        let tensors: std::collections::HashMap<String, Tensor> =
            self.net.vars().iter().map(|(n, v)| (n.clone(), v.as_tensor().clone())).collect();
        let weights = dir.join(&name);
        candle_core::safetensors::save(&tensors, &weights)?;
        sync(&weights)?;
        self.config.weights = name;
        self.config.parameters = self.net.parameter_count();
        let json = serde_json::to_vec_pretty(&self.config).map_err(|source| RankError::Config { path: dir.join(CONFIG_FILE), source })?;
        let tmp = dir.join(format!("{CONFIG_FILE}.tmp"));
        std::fs::write(&tmp, json).map_err(|source| io("write", &tmp, source))?;
        sync(&tmp)?;
        let config_path = dir.join(CONFIG_FILE);
        std::fs::rename(&tmp, &config_path).map_err(|source| io("replace", &config_path, source))?;
        if let Some(old) = old.filter(|o| *o != self.config.weights && !o.is_empty()) {
            // The new model is in place; an old file left behind only wastes space.
            let _ = std::fs::remove_file(dir.join(old));
        }
        Ok(())
    }

    /// Loads the model saved in `dir`, refusing one made for another embedder than `embedder`.
    pub fn load(dir: &Path, embedder: &str) -> Result<Self> {
        let config = read_config(dir)?;
        let config_path = dir.join(CONFIG_FILE);
        let corrupt = |detail: String| RankError::CorruptModel { path: config_path.clone(), detail };
        if config.format != FORMAT {
            return Err(corrupt(format!("format {} is not {FORMAT}", config.format)));
        }
        if config.embedder != embedder {
            return Err(RankError::EmbedderMismatch { saved: config.embedder, current: embedder.to_owned() });
        }
        if config.weights.contains(['/', '\\']) || config.weights.is_empty() {
            return Err(corrupt(format!("bad weights file name `{}`", config.weights)));
        }
        let weights = dir.join(&config.weights);
        let tensors = candle_core::safetensors::load(&weights, &candle_core::Device::Cpu)
            .map_err(|e| corrupt(format!("{}: {e}", weights.display())))?;
        let (net, problems) = Network::build(config.net.clone(), Params::new(Source::Load(tensors)))?;
        if !problems.is_empty() {
            return Err(corrupt(problems.join("; ")));
        }
        if net.parameter_count() != config.parameters {
            return Err(corrupt(format!("{} weights, the configuration says {}", net.parameter_count(), config.parameters)));
        }
        Ok(Model { config, net })
    }
}

/// Whether `dir` holds a saved model.
pub fn model_exists(dir: &Path) -> bool {
    dir.join(CONFIG_FILE).is_file()
}

fn read_config(dir: &Path) -> Result<ModelConfig> {
    let path = dir.join(CONFIG_FILE);
    let bytes = match std::fs::read(&path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Err(RankError::NoModel(dir.to_owned())),
        Err(source) => return Err(io("read", &path, source)),
    };
    serde_json::from_slice(&bytes).map_err(|source| RankError::Config { path, source })
}

fn sync(path: &Path) -> Result<()> {
    std::fs::File::open(path).and_then(|f| f.sync_all()).map_err(|source| io("sync", path, source))
}

fn io(action: &'static str, path: &Path, source: std::io::Error) -> RankError {
    RankError::Io { action, path: PathBuf::from(path), source }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::synthetic::Scenario;

    #[test]
    fn scoring_by_distinct_condition_equals_one_forward_per_candidate() {
        let mut world = Scenario::new(24, 9);
        let (context, _) = world.context(world.start + chrono::Duration::hours(10));
        let slate: Vec<Candidate> = (0..40).map(|i| world.candidate(i % 24, i)).collect();
        let net = NetConfig { hidden: 8, condition_hidden: 4, head_hidden: 8, ..NetConfig::new(24) };
        let model = Model::init("k", net, FeatureStats::default(), 3).expect("init");
        let fast = model.predict(&slate, &context).expect("predict");
        for (candidate, (interest, productive)) in slate.iter().zip(fast) {
            let b = features::batch(&[candidate], &[&context], &model.config.stats, 24, 32).expect("batch");
            let logits = model.net.forward(&b).expect("forward");
            let i = candle_nn::ops::sigmoid(&logits.interest).expect("s").to_vec1::<f32>().expect("v")[0];
            let p = candle_nn::ops::sigmoid(&logits.productive).expect("s").to_vec1::<f32>().expect("v")[0];
            assert!((i - interest).abs() < 1e-5 && (p - productive).abs() < 1e-5, "{i} {interest} {p} {productive}");
        }
    }
}
