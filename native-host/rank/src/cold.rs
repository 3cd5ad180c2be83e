//! The cold start: sensible scores before any label, from similarity and counts alone.
//!
//! Interest: a logistic model over plain features of the person's history (the channel's watches,
//! likes and recency, the candidate's similarity to what was watched; [`crate::interest`]), minus
//! strong resemblance to a disliked video and the channel's dislikes. Productive: cosine between the candidate and the current context (the mean
//! of the context embeddings weighted by duration and recency), less the candidate's cosine to
//! everyday activities when those are set ([`BACKGROUND_ACTIVITIES`]); an empty context is
//! neutral, 0.5.
//! Raw cosines are never ranked on: they are z-scored with the embedder's [`Calibration`] and put
//! through a logistic, so both scores are 0..1 and comparable across candidates and slates.

use std::sync::{Arc, Mutex};

use candle_core::{Device, Tensor};
use serde::{Deserialize, Serialize};

use crate::error::Result;
use crate::input::{Candidate, ChannelStats, Context, Signal, UserProfile};
use crate::interest::{self, Features, InterestWeights, Similarity, SlateScale, RECENT_ITEMS};

/// Where cosine similarities of one embedder sit: the typical value for unrelated texts and its
/// spread. e5 models put almost everything between 0.7 and 0.9, so raw cosines mean little.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Calibration {
    /// Mean of the top-k cosines (passage to passage) of a candidate unrelated to the history.
    pub history_center: f32,
    pub history_spread: f32,
    /// Cosine between a video (passage) and an unrelated context (query).
    pub context_center: f32,
    pub context_spread: f32,
    /// The same with the video's cosine to the background activities subtracted
    /// ([`ColdStart::set_background`]).
    pub relative_center: f32,
    pub relative_spread: f32,
}

impl Calibration {
    /// For multilingual-e5 (keys `multilingual-e5-small@…`), measured on 2,300 trending titles
    /// (`shared/data/A1`) against a 100-video history and a real ActivityWatch context (`C1`):
    /// top-5 mean cosine of unrelated candidates p50 0.871 (p10-p90 0.838-0.894), related 0.889;
    /// candidate-to-context cosine p50 0.868 (p10-p90 0.843-0.890); minus the cosine to the
    /// background activities, p50 -0.013 under the coding context and -0.034 under a leisure one
    /// (p10-p90 spans about 0.03). Other embedders have not been measured: they get a generic
    /// scale that keeps the order but not the probabilities.
    pub fn for_embedder(key: &str) -> Self {
        if key.starts_with("multilingual-e5") {
            Calibration {
                history_center: 0.875,
                history_spread: 0.02,
                context_center: 0.868,
                context_spread: 0.018,
                relative_center: -0.02,
                relative_spread: 0.015,
            }
        } else {
            Calibration {
                history_center: 0.5,
                history_spread: 0.1,
                context_center: 0.45,
                context_spread: 0.1,
                relative_center: 0.0,
                relative_spread: 0.05,
            }
        }
    }
}

/// Tunable weights of the cold start. The defaults are documented in [`ColdStart::default`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ColdStart {
    pub calibration: Calibration,
    /// A context event's weight halves every this many minutes before the ranking time.
    pub context_half_life_min: f64,
    /// The normalised mean embedding of [`BACKGROUND_ACTIVITIES`], when set.
    #[serde(skip)]
    pub background: Option<Vec<f32>>,
    /// The interest logit's weights over [`crate::interest::FEATURE_NAMES`].
    #[serde(skip, default = "InterestWeights::prior")]
    pub interest: InterestWeights,
    /// The scale of the last full slate, for the small ones after it.
    #[serde(skip)]
    slate_scale: ScaleMemory,
}

/// The [`SlateScale`] of the last slate of at least [`interest::FULL_SLATE`] tiles, shared by the
/// clones of one ranker (the daemon's requests).
#[derive(Debug, Clone, Default)]
struct ScaleMemory(Arc<Mutex<Option<SlateScale>>>);

impl ScaleMemory {
    /// A full slate's own scale (remembered), or for a small one the last full slate's (its own
    /// before any).
    fn scale_for(&self, rows: &[Features]) -> SlateScale {
        let mut last = self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if rows.len() >= interest::FULL_SLATE {
            let scale = interest::slate_scale(rows);
            *last = Some(scale);
            return scale;
        }
        last.unwrap_or_else(|| interest::slate_scale(rows))
    }
}

impl PartialEq for ScaleMemory {
    /// A memory of past slates is not part of what a ranker is.
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

/// Everyday window titles of work and leisure. Some videos (short or vague titles) sit close to
/// every context; subtracting a video's cosine to these activities measures how much better it
/// fits the current context than any context. Measured on real titles this took the leisure
/// context's tech-vs-leisure AUC from 0.39 to 0.26 (tests/rank/real_e5.rs). Embed each with the
/// context's `query: ` kind and give them to [`ColdStart::set_background`].
pub const BACKGROUND_ACTIVITIES: &[&str] = &[
    "Inbox (3) - Gmail",
    "Slack | general",
    "Untitled document - Google Docs",
    "main.rs - my-project",
    "How do I parse JSON? - Stack Overflow",
    "YouTube",
    "Netflix",
    "Spotify - Discover Weekly",
    "Home / X",
    "reddit: the front page of the internet",
    "Amazon.com Shopping Cart",
    "10-day weather forecast",
    "BBC News - Home",
    "Zoom Meeting",
    "Calendar - Week of March 4",
    "budget.xlsx - Excel",
    "Quarterly review.pptx - PowerPoint",
    "Landing page - Figma",
    "bash - Terminal",
    "Fix login redirect by alice · Pull Request #42",
    "Photosynthesis - Wikipedia",
    "Google Search",
    "WhatsApp",
    "Instagram",
    "Library - Steam",
    "Discord | Friends",
    "Online Banking - Accounts",
    "Easy dinner recipes",
    "Cheap flights to Lisbon",
    "Photos",
    "Downloads - File Explorer",
    "Settings",
    "lecture-notes-week3.pdf",
    "Duolingo - Spanish lesson",
    "ChatGPT",
    "Sprint board - Jira",
    "Meeting notes - Notion",
    "Premier League table",
    "Twitch - live stream",
    "Outlook - Calendar",
];

impl Default for ColdStart {
    /// Context half-life 90 minutes, the interest prior.
    fn default() -> Self {
        ColdStart {
            calibration: Calibration::for_embedder("multilingual-e5-small"),
            context_half_life_min: 90.0,
            background: None,
            interest: InterestWeights::prior(),
            slate_scale: ScaleMemory::default(),
        }
    }
}

/// What dislikes take off the interest logit (a Takeout has none to fit them on): per spread of
/// resemblance to a disliked video beyond one, and per log count of the channel's dislikes.
const DISLIKED_GAIN: f32 = 1.0;
const DISLIKED_CHANNEL: f32 = 1.2;
const CONTEXT_GAIN: f32 = 1.5;

/// What the cold start found for one candidate: its scores and the facts behind them.
#[derive(Debug, Clone, PartialEq)]
pub struct Evidence {
    pub interest: f32,
    /// What the interest logit read, before its weights.
    pub features: Features,
    /// 0.5 when the context is empty.
    pub productive: f32,
    pub channel: ChannelStats,
    /// The most similar history video: its title, what the person did, and the cosine z-score.
    pub closest: Option<(String, Signal, f32)>,
    /// The context event the candidate resembles most: its app and title.
    pub context_match: Option<(String, String)>,
}

impl ColdStart {
    pub fn for_embedder(key: &str) -> Self {
        ColdStart { calibration: Calibration::for_embedder(key), ..ColdStart::default() }
    }

    /// Sets the background from the embeddings of [`BACKGROUND_ACTIVITIES`] (or any everyday
    /// activities): productive then measures fit to this context beyond fit to any context.
    pub fn set_background(&mut self, embeddings: &[Vec<f32>]) -> Result<()> {
        let Some(dim) = embeddings.first().map(Vec::len) else {
            self.background = None;
            return Ok(());
        };
        let mut mean = vec![0f64; dim];
        for (i, e) in embeddings.iter().enumerate() {
            crate::input::check_dimension(e, dim, || format!("background activity {i}"))?;
            crate::input::check_vector(e, || format!("background activity {i}"))?;
            for (m, x) in mean.iter_mut().zip(e) {
                *m += f64::from(*x);
            }
        }
        let norm = mean.iter().map(|x| x * x).sum::<f64>().sqrt().max(1e-12);
        self.background = Some(mean.iter().map(|x| (x / norm) as f32).collect());
        Ok(())
    }

    /// Scores every candidate; embeddings must be L2-normalised and of one dimension (checked by
    /// the caller, [`crate::Ranker::score`] and [`crate::Ranker::features`]).
    pub fn evidence(&self, profile: &UserProfile, context: &Context, candidates: &[Candidate]) -> Result<Vec<Evidence>> {
        let dim = candidates.first().map_or(0, |c| c.embedding.len());
        let cand: Vec<f32> = candidates.iter().flat_map(|c| c.embedding.iter().copied()).collect();
        let items = profile.items();
        let now = context.at();
        let cal = self.calibration;
        let similarities = self.similarities(profile, candidates, dim)?;

        let (ctx_vector, ctx_weights) = self.context_vector(context, dim);
        let token_matrix: Vec<f32> = context.tokens().iter().flat_map(|t| t.embedding.iter().copied()).collect();
        let token_sims = cosine_matrix(&cand, &token_matrix, dim)?;
        let ctx_sims = match &ctx_vector {
            Some(v) => cosine_matrix(&cand, v, dim)?,
            None => Vec::new(),
        };
        let background_sims = match (&ctx_vector, &self.background) {
            (Some(_), Some(b)) => cosine_matrix(&cand, b, dim)?,
            _ => Vec::new(),
        };

        let n_tokens = context.tokens().len();
        let mut rows: Vec<Features> =
            candidates.iter().zip(&similarities).map(|(c, similarity)| interest::features(profile, c, now, similarity, &cal)).collect();
        let scale = self.slate_scale.scale_for(&rows);
        interest::standardise(&mut rows, &scale);

        let mut out = Vec::with_capacity(candidates.len());
        for (row, (candidate, similarity)) in candidates.iter().zip(&similarities).enumerate() {
            let channel = profile.channel(&candidate.video);
            let dislike_z = (similarity.worst_dislike - cal.history_center) / cal.history_spread;
            let closest = similarity
                .closest
                .map(|(i, cos)| (items[i].video.title.clone(), items[i].signal, (cos - cal.history_center) / cal.history_spread));
            let logit =
                self.interest.logit(&rows[row]) - DISLIKED_GAIN * (dislike_z - 1.0).max(0.0) - DISLIKED_CHANNEL * ln1p(channel.disliked);
            let (productive, context_match) = if ctx_vector.is_some() {
                let z = match background_sims.get(row) {
                    Some(b) => (ctx_sims[row] - b - cal.relative_center) / cal.relative_spread,
                    None => (ctx_sims[row] - cal.context_center) / cal.context_spread,
                };
                let row_tokens = &token_sims[row * n_tokens..(row + 1) * n_tokens];
                let max_w = ctx_weights.iter().copied().fold(0.0, f64::max);
                let best =
                    (0..n_tokens).filter(|&j| ctx_weights[j] >= 0.05 * max_w).max_by(|&a, &b| row_tokens[a].total_cmp(&row_tokens[b]));
                let token = best.map(|j| &context.tokens()[j]);
                (sigmoid(CONTEXT_GAIN * z), token.map(|t| (t.app.clone(), t.title.clone())))
            } else {
                (0.5, None)
            };
            out.push(Evidence { interest: sigmoid(logit), features: rows[row], productive, channel, closest, context_match });
        }
        Ok(out)
    }

    /// Each candidate's [`Similarity`] to the profile: from the profile's memory when this slate
    /// (or these tiles) was scored before, else by one matrix product for the ones it lacks.
    fn similarities(&self, profile: &UserProfile, candidates: &[Candidate], dim: usize) -> Result<Vec<Similarity>> {
        // The id as well as the text: a video never explains itself, so two uploads of one title
        // differ.
        let keys: Vec<String> =
            candidates.iter().map(|c| format!("{}\n{}", c.video.video_id, crate::input::video_text(&c.video))).collect();
        let mut found = profile.remembered(&keys);
        let missing: Vec<usize> = (0..candidates.len()).filter(|&i| found[i].is_none()).collect();
        if missing.is_empty() {
            return Ok(found.into_iter().flatten().collect());
        }
        let cand: Vec<f32> = missing.iter().flat_map(|&i| candidates[i].embedding.iter().copied()).collect();
        let sims = match profile.matrix() {
            Some(matrix) => cosine_rows(&cand, matrix, dim)?,
            None => Vec::new(),
        };
        let n_items = profile.items().len();
        if sims.len() != missing.len() * n_items {
            return Err(crate::RankError::InvalidOption(format!(
                "{} cosines for {} candidates and {n_items} history videos (embeddings of {dim} dimensions)",
                sims.len(),
                missing.len()
            )));
        }
        let recent = interest::recent_items(profile, RECENT_ITEMS);
        let mut scratch = Vec::with_capacity(n_items);
        let mut computed = Vec::with_capacity(missing.len());
        for (row, &i) in missing.iter().enumerate() {
            let row_sims = &sims[row * n_items..(row + 1) * n_items];
            let similarity = interest::similarity(profile, &candidates[i], row_sims, &recent, &mut scratch);
            found[i] = Some(similarity);
            computed.push((keys[i].clone(), similarity));
        }
        profile.remember(computed);
        Ok(found.into_iter().flatten().collect())
    }

    /// The duration- and recency-weighted mean of the context embeddings, renormalised, with each
    /// token's weight; None for an empty context (or one whose events all lasted 0 s).
    fn context_vector(&self, context: &Context, dim: usize) -> (Option<Vec<f32>>, Vec<f64>) {
        let at = context.at();
        let weights: Vec<f64> = context
            .tokens()
            .iter()
            .map(|t| {
                let end = t.start + chrono::Duration::milliseconds((t.duration_s * 1000.0) as i64);
                let minutes_ago = (at - end).num_seconds().max(0) as f64 / 60.0;
                t.duration_s.max(0.0) * 0.5f64.powf(minutes_ago / self.context_half_life_min)
            })
            .collect();
        let total: f64 = weights.iter().sum();
        if total <= 0.0 {
            return (None, weights);
        }
        let mut mean = vec![0f64; dim];
        for (t, w) in context.tokens().iter().zip(&weights) {
            for (m, x) in mean.iter_mut().zip(&t.embedding) {
                *m += w * f64::from(*x);
            }
        }
        let norm = mean.iter().map(|x| x * x).sum::<f64>().sqrt().max(1e-12);
        (Some(mean.iter().map(|x| (x / norm) as f32).collect()), weights)
    }
}

fn ln1p(count: u32) -> f32 {
    (1.0 + count as f32).ln()
}

pub(crate) fn sigmoid(x: f32) -> f32 {
    1.0 / (1.0 + (-x).exp())
}

/// Dot products of every row of `a` with every row of `b` (both row-major, `dim` wide), as a
/// row-major `a_rows x b_rows` matrix; one matrix product per chunk of `a`.
fn cosine_matrix(a: &[f32], b: &[f32], dim: usize) -> Result<Vec<f32>> {
    if a.is_empty() || b.is_empty() || dim == 0 {
        return Ok(Vec::new());
    }
    cosine_rows(a, &Tensor::from_slice(b, (b.len() / dim, dim), &Device::Cpu)?, dim)
}

/// [`cosine_matrix`] against a `rows x dim` tensor made once (the profile's items).
fn cosine_rows(a: &[f32], b: &Tensor, dim: usize) -> Result<Vec<f32>> {
    if a.is_empty() || dim == 0 {
        return Ok(Vec::new());
    }
    let b_rows = b.dim(0)?;
    let bt = b.t()?;
    let mut out = Vec::with_capacity(a.len() / dim * b_rows);
    for chunk in a.chunks(1024 * dim) {
        let rows = chunk.len() / dim;
        let block = Tensor::from_slice(chunk, (rows, dim), &Device::Cpu)?.matmul(&bt)?;
        out.extend(block.flatten_all()?.to_vec1::<f32>()?);
    }
    Ok(out)
}
