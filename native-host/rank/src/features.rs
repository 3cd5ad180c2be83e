//! Turns candidates and contexts into the network's input tensors: token numbers (time of day,
//! z-scored log duration), the candidate's condition (log duration and upload age), and masks.
//!
//! The z-scoring statistics are fitted on the training labels only (per fold) and saved with the
//! model, so serving normalises exactly as training did.

use chrono::{DateTime, Utc};
use candle_core::{Device, Tensor};
use serde::{Deserialize, Serialize};
use vrdndi_protocol::Video;

use crate::error::Result;
use crate::input::{Candidate, Context};

/// Width of the condition vector: z log duration, duration known, z log age, age known.
pub const COND_DIM: usize = 4;
/// Numbers per context token: sin and cos of the local time of day, z log duration.
pub const TOKEN_NUMBERS: usize = 3;

/// Mean and standard deviation of one feature.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Moments {
    pub mean: f32,
    pub std: f32,
}

impl Moments {
    fn z(self, x: f32) -> f32 {
        (x - self.mean) / self.std
    }

    /// Fitted on `values`; the spread never falls below 0.1 so one repeated value cannot blow up.
    pub(crate) fn fit(values: impl Iterator<Item = f32>, fallback: Moments) -> Moments {
        let v: Vec<f64> = values.map(f64::from).collect();
        if v.len() < 2 {
            return fallback;
        }
        let mean = v.iter().sum::<f64>() / v.len() as f64;
        let var = v.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / v.len() as f64;
        Moments { mean: mean as f32, std: (var.sqrt() as f32).max(0.1) }
    }
}

/// Normalisation of the numeric inputs.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct FeatureStats {
    /// `ln(1 + seconds)` of context events.
    pub event_log_duration: Moments,
    /// `ln(1 + seconds)` of candidate videos.
    pub video_log_duration: Moments,
    /// `ln(1 + days)` since upload at the ranking time.
    pub video_log_age: Moments,
}

impl Default for FeatureStats {
    /// Typical values (events of ~1.5 min, videos of ~9 min, a few weeks old) for an untrained model.
    fn default() -> Self {
        FeatureStats {
            event_log_duration: Moments { mean: 4.5, std: 1.5 },
            video_log_duration: Moments { mean: 6.3, std: 1.0 },
            video_log_age: Moments { mean: 3.0, std: 2.0 },
        }
    }
}

impl FeatureStats {
    /// Fits the statistics on training examples (candidate, its context).
    pub(crate) fn fit<'a>(examples: impl Iterator<Item = (&'a Candidate, &'a Context)> + Clone) -> Self {
        let d = FeatureStats::default();
        FeatureStats {
            event_log_duration: Moments::fit(
                examples.clone().flat_map(|(_, c)| c.tokens().iter().map(|t| t.log_duration())),
                d.event_log_duration,
            ),
            video_log_duration: Moments::fit(
                examples.clone().filter_map(|(c, _)| c.video.duration_s.map(log_duration)),
                d.video_log_duration,
            ),
            video_log_age: Moments::fit(
                examples.filter_map(|(c, ctx)| upload_age_days(&c.video, ctx.at()).map(log_age)),
                d.video_log_age,
            ),
        }
    }

    pub(crate) fn condition(&self, video: &Video, at: DateTime<Utc>) -> [f32; COND_DIM] {
        let (dur, dur_known) = match video.duration_s {
            Some(s) => (self.video_log_duration.z(log_duration(s)), 1.0),
            None => (0.0, 0.0),
        };
        let (age, age_known) = match upload_age_days(video, at) {
            Some(days) => (self.video_log_age.z(log_age(days)), 1.0),
            None => (0.0, 0.0),
        };
        [dur, dur_known, age, age_known]
    }
}

fn log_duration(seconds: u32) -> f32 {
    (1.0 + seconds as f32).ln()
}

fn log_age(days: f64) -> f32 {
    (1.0 + days.max(0.0)).ln() as f32
}

/// Days between upload and `at`: from `uploaded_at`, else from YouTube's relative text
/// ("3 days ago", "Streamed 2 weeks ago"; English only, other languages count as unknown).
pub fn upload_age_days(video: &Video, at: DateTime<Utc>) -> Option<f64> {
    if let Some(uploaded) = video.uploaded_at {
        return Some(((at - uploaded).num_seconds().max(0)) as f64 / 86_400.0);
    }
    parse_relative_age(video.published_text.as_deref()?)
}

fn parse_relative_age(text: &str) -> Option<f64> {
    let words: Vec<String> = text.split_whitespace().map(str::to_lowercase).collect();
    words.windows(2).find_map(|pair| {
        let n: f64 = if pair[0] == "a" || pair[0] == "an" { 1.0 } else { pair[0].parse().ok()? };
        let unit = pair[1].trim_end_matches('s');
        let days = match unit {
            "second" => 1.0 / 86_400.0,
            "minute" => 1.0 / 1_440.0,
            "hour" => 1.0 / 24.0,
            "day" => 1.0,
            "week" => 7.0,
            "month" => 30.4,
            "year" => 365.25,
            _ => return None,
        };
        Some(n * days)
    })
}

/// The network's inputs for a batch. The context part has 1 row when every candidate shares one
/// context (scoring), or one row per candidate (training).
#[derive(Debug)]
pub(crate) struct Batch {
    /// [Bc, T, E]
    pub ctx_embedding: Tensor,
    /// [Bc, T, 3]
    pub ctx_numbers: Tensor,
    /// [Bc, T, 1]: 1 for a real event, 0 for padding.
    pub mask: Tensor,
    /// [Bc, 1]: 1 when the context has at least one event.
    pub has_context: Tensor,
    /// [B, E]
    pub video: Tensor,
    /// [B, COND_DIM]
    pub condition: Tensor,
}

/// Builds a batch. `contexts` has one entry (shared) or one per candidate. Each context keeps its
/// `max_context` most recent events; T is the longest, at least 1 (all padding for empty ones).
pub(crate) fn batch(
    candidates: &[&Candidate],
    contexts: &[&Context],
    stats: &FeatureStats,
    embed_dim: usize,
    max_context: usize,
) -> Result<Batch> {
    let b = candidates.len();
    let bc = contexts.len();
    let kept = |c: &Context| c.tokens().len().min(max_context);
    let t = contexts.iter().map(|c| kept(c)).max().unwrap_or(0).max(1);
    let mut emb = vec![0f32; bc * t * embed_dim];
    let mut numbers = vec![0f32; bc * t * TOKEN_NUMBERS];
    let mut mask = vec![0f32; bc * t];
    let mut has = vec![0f32; bc];
    for (row, context) in contexts.iter().enumerate() {
        let tokens = &context.tokens()[context.tokens().len() - kept(context)..];
        has[row] = if tokens.is_empty() { 0.0 } else { 1.0 };
        for (j, token) in tokens.iter().enumerate() {
            let at = row * t + j;
            emb[at * embed_dim..(at + 1) * embed_dim].copy_from_slice(&token.embedding);
            let angle = context.local_hour(token.start) / 24.0 * std::f64::consts::TAU;
            numbers[at * TOKEN_NUMBERS..(at + 1) * TOKEN_NUMBERS].copy_from_slice(&[
                angle.sin() as f32,
                angle.cos() as f32,
                stats.event_log_duration.z(token.log_duration()),
            ]);
            mask[at] = 1.0;
        }
    }
    let mut video = Vec::with_capacity(b * embed_dim);
    let mut condition = Vec::with_capacity(b * COND_DIM);
    for (i, candidate) in candidates.iter().enumerate() {
        video.extend_from_slice(&candidate.embedding);
        let at = contexts[if bc == 1 { 0 } else { i }].at();
        condition.extend_from_slice(&stats.condition(&candidate.video, at));
    }
    let dev = &Device::Cpu;
    Ok(Batch {
        ctx_embedding: Tensor::from_vec(emb, (bc, t, embed_dim), dev)?,
        ctx_numbers: Tensor::from_vec(numbers, (bc, t, TOKEN_NUMBERS), dev)?,
        mask: Tensor::from_vec(mask, (bc, t, 1), dev)?,
        has_context: Tensor::from_vec(has, (bc, 1), dev)?,
        video: Tensor::from_vec(video, (b, embed_dim), dev)?,
        condition: Tensor::from_vec(condition, (b, COND_DIM), dev)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_upload_text_becomes_days() {
        assert_eq!(parse_relative_age("3 days ago"), Some(3.0));
        assert_eq!(parse_relative_age("Streamed 2 weeks ago"), Some(14.0));
        assert_eq!(parse_relative_age("1 year ago"), Some(365.25));
        assert_eq!(parse_relative_age("an hour ago"), Some(1.0 / 24.0));
        assert_eq!(parse_relative_age("vor 3 Tagen"), None);
    }
}
