//! `score()`: one code path for the cold start and the trained model. Every tile gets the cold
//! start's evidence (and its reasons); a trained model's probabilities are blended in with a weight
//! that grows with the labels it learnt from, so a model trained on a handful of clicks cannot
//! overrule the history, and one trained on hundreds mostly decides.

use std::path::Path;

use vrdndi_protocol::TileScore;

use crate::cold::ColdStart;
use crate::combine::{final_score, Preferences};
use crate::error::{RankError, Result};
use crate::input::{check_dimension, check_vector, Candidate, Context, UserProfile};
use crate::interest::InterestWeights;
use crate::model::{model_exists, Model};
use crate::reasons::reasons;

/// A head's weight is `labels / (labels + BLEND_LABELS)`: half at this many labels.
pub const BLEND_LABELS: f32 = 100.0;

/// Scores slates for one embedder: the cold start, and a trained model when there is one.
#[derive(Debug, Clone)]
pub struct Ranker {
    embedder: String,
    cold: ColdStart,
    model: Option<Model>,
}

impl Ranker {
    /// A ranker with no trained model.
    pub fn cold_start(embedder: &str) -> Self {
        Ranker { embedder: embedder.to_owned(), cold: ColdStart::for_embedder(embedder), model: None }
    }

    /// Loads the model saved in `dir` when there is one; without one, the cold start. A model that
    /// is damaged or made for another embedder is an error (the caller logs it and may fall back
    /// to [`Ranker::cold_start`]).
    pub fn load(dir: &Path, embedder: &str) -> Result<Self> {
        let ranker = Ranker::cold_start(embedder);
        if !model_exists(dir) {
            return Ok(ranker);
        }
        ranker.with_model(Model::load(dir, embedder)?)
    }

    /// Uses `model` from now on.
    pub fn with_model(mut self, model: Model) -> Result<Self> {
        if model.config().embedder != self.embedder {
            return Err(RankError::EmbedderMismatch { saved: model.config().embedder.clone(), current: self.embedder });
        }
        self.model = Some(model);
        Ok(self)
    }

    /// Sets the cold start's background from the embeddings (as queries) of
    /// [`crate::BACKGROUND_ACTIVITIES`]; see [`ColdStart::set_background`].
    pub fn with_background(mut self, embeddings: &[Vec<f32>]) -> Result<Self> {
        self.cold.set_background(embeddings)?;
        Ok(self)
    }

    /// Combines the interest features with `weights` (a person's own fit) instead of the prior.
    pub fn with_interest(mut self, weights: InterestWeights) -> Result<Self> {
        if !weights.is_valid() {
            return Err(RankError::InvalidOption(format!(
                "interest weights for {} features, {} needed",
                weights.weights.len(),
                crate::interest::FEATURES
            )));
        }
        self.cold.interest = weights;
        Ok(self)
    }

    /// Each candidate's interest features (as [`Ranker::score`] reads them), for fitting weights.
    pub fn features(&self, profile: &UserProfile, context: &Context, candidates: &[Candidate]) -> Result<Vec<crate::Features>> {
        if candidates.is_empty() {
            return Ok(Vec::new());
        }
        self.check(profile, context, candidates)?;
        Ok(self.cold.evidence(profile, context, candidates)?.into_iter().map(|e| e.features).collect())
    }

    /// Every embedding finite and of the one width the ranker reads (not 0).
    fn check(&self, profile: &UserProfile, context: &Context, candidates: &[Candidate]) -> Result<()> {
        let dim = self.model.as_ref().map_or(candidates[0].embedding.len(), |m| m.config().net.embed_dim);
        if dim == 0 {
            return Err(RankError::InvalidOption("the candidates' embeddings are empty".into()));
        }
        for c in candidates {
            let what = || format!("the embedding of video {}", c.video.video_id);
            check_dimension(&c.embedding, dim, what)?;
            check_vector(&c.embedding, what)?;
        }
        for t in context.tokens() {
            let what = || format!("the embedding of context event `{}`", t.title);
            check_dimension(&t.embedding, dim, what)?;
            check_vector(&t.embedding, what)?;
        }
        if let Some(d) = profile.dimension().filter(|&d| d != dim) {
            return Err(RankError::Dimension { what: "the history embeddings".into(), expected: dim, got: d });
        }
        if let Some(d) = self.cold.background.as_ref().map(Vec::len).filter(|&d| d != dim) {
            return Err(RankError::Dimension { what: "the background activities".into(), expected: dim, got: d });
        }
        Ok(())
    }

    pub fn model(&self) -> Option<&Model> {
        self.model.as_ref()
    }

    pub fn cold(&self) -> &ColdStart {
        &self.cold
    }

    pub fn cold_mut(&mut self) -> &mut ColdStart {
        &mut self.cold
    }

    /// For `RankReply.model`, e.g. `multilingual-e5-small+cold-start`.
    pub fn name(&self) -> String {
        match &self.model {
            None => format!("{}+cold-start", self.embedder),
            Some(m) => format!("{}+trained-{}-labels", self.embedder, m.config().labels.interest + m.config().labels.productive),
        }
    }

    /// Scores `candidates` (in their order) for `context`. Embeddings must be L2-normalised and
    /// of one width throughout.
    pub fn score(
        &self,
        profile: &UserProfile,
        context: &Context,
        candidates: &[Candidate],
        preferences: &Preferences,
    ) -> Result<Vec<TileScore>> {
        preferences.validate()?;
        if candidates.is_empty() {
            return Ok(Vec::new());
        }
        self.check(profile, context, candidates)?;
        let evidence = self.cold.evidence(profile, context, candidates)?;
        let learned = match &self.model {
            Some(model) => Some(model.predict(candidates, context)?),
            None => None,
        };
        let (wi, wp) = self.model.as_ref().map_or((0.0, 0.0), |m| {
            let l = m.config().labels;
            (blend(l.interest), blend(l.productive))
        });
        let weight = preferences.productive_weight(context);
        Ok(candidates
            .iter()
            .enumerate()
            .map(|(i, c)| {
                let e = &evidence[i];
                let (interest, productive) = match &learned {
                    Some(p) => (mix(e.interest, p[i].0, wi), mix(e.productive, p[i].1, wp)),
                    None => (e.interest, e.productive),
                };
                TileScore {
                    video_id: c.video.video_id.clone(),
                    final_score: final_score(interest, productive, weight),
                    interest,
                    productive,
                    reasons: reasons(e, productive),
                }
            })
            .collect())
    }
}

fn blend(labels: usize) -> f32 {
    labels as f32 / (labels as f32 + BLEND_LABELS)
}

fn mix(cold: f32, learned: f32, weight: f32) -> f32 {
    (1.0 - weight) * cold + weight * learned
}

/// The tiles' ids, best first; ties keep the slate's order.
pub fn order(scores: &[TileScore]) -> Vec<String> {
    let mut idx: Vec<usize> = (0..scores.len()).collect();
    idx.sort_by(|&a, &b| scores[b].final_score.total_cmp(&scores[a].final_score));
    idx.into_iter().map(|i| scores[i].video_id.clone()).collect()
}
