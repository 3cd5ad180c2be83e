//! Turns candidates and contexts into the network's input tensors: token numbers (time of day,
//! z-scored log duration), the candidate's condition (duration class and upload-age class), and
//! masks.
//!
//! The z-scoring statistics are fitted on the training labels only (per fold) and saved with the
//! model, so serving normalises exactly as training did.

use candle_core::{Device, Tensor};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use vrdndi_protocol::Video;

use crate::error::Result;
use crate::input::{Candidate, Context};

/// Upper edges (seconds) of the duration classes of a candidate: under 1, 4, 10, 20, 40 and
/// 90 minutes, and longer; plus one class for "unknown".
const DURATION_EDGES_S: [f64; 6] = [60.0, 240.0, 600.0, 1200.0, 2400.0, 5400.0];
/// Upper edges (days) of the upload-age classes: under 6 hours, 1 day, 3 days, a week, a month,
/// 3 months, a year, 2 years, and older; plus "unknown".
const AGE_EDGES_DAYS: [f64; 8] = [0.25, 1.0, 3.0, 7.0, 30.0, 91.0, 365.0, 730.0];
/// Width of the condition vector: one-hot duration class and one-hot age class.
pub const COND_DIM: usize = DURATION_EDGES_S.len() + 2 + AGE_EDGES_DAYS.len() + 2;
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
}

impl Default for FeatureStats {
    /// Events of about 1.5 minutes, give or take a factor of 4.5, for an untrained model.
    fn default() -> Self {
        FeatureStats { event_log_duration: Moments { mean: 4.5, std: 1.5 } }
    }
}

impl FeatureStats {
    /// Fits the statistics on training contexts.
    pub(crate) fn fit<'a>(contexts: impl Iterator<Item = &'a Context>) -> Self {
        let d = FeatureStats::default();
        FeatureStats {
            event_log_duration: Moments::fit(contexts.flat_map(|c| c.tokens().iter().map(|t| t.log_duration())), d.event_log_duration),
        }
    }
}

/// The candidate's condition for AdaLN: its duration class and upload-age class at `at`.
/// Classes (not z-scores) because a slate's candidates then share few conditions, and the
/// context encoder runs once per distinct condition instead of once per candidate.
pub(crate) fn condition_class(video: &Video, at: DateTime<Utc>) -> (usize, usize) {
    let class = |x: Option<f64>, edges: &[f64]| match x {
        None => edges.len() + 1,
        Some(x) => edges.iter().position(|&e| x < e).unwrap_or(edges.len()),
    };
    (class(video.duration_s.map(f64::from), &DURATION_EDGES_S), class(upload_age_days(video, at), &AGE_EDGES_DAYS))
}

fn condition_vector((duration, age): (usize, usize)) -> [f32; COND_DIM] {
    let mut v = [0f32; COND_DIM];
    v[duration] = 1.0;
    v[DURATION_EDGES_S.len() + 2 + age] = 1.0;
    v
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

/// The context part of the network's inputs. It has 1 row when every candidate shares one
/// context (scoring), or one row per candidate (training).
#[derive(Debug)]
pub(crate) struct ContextInputs {
    /// [Bc, T, E]
    pub embedding: Tensor,
    /// [Bc, T, 3]
    pub numbers: Tensor,
    /// [Bc, T, 1]: 1 for a real event, 0 for padding.
    pub mask: Tensor,
    /// [Bc, 1]: 1 when the context has at least one event.
    pub has_context: Tensor,
}

/// The network's inputs for a batch.
#[derive(Debug)]
pub(crate) struct Batch {
    pub context: ContextInputs,
    /// [B, E]
    pub video: Tensor,
    /// [B, COND_DIM]
    pub condition: Tensor,
}

/// The context tensors. Each context keeps its `max_context` most recent events; T is the
/// longest, at least 1 (all padding for empty ones).
pub(crate) fn context_inputs(contexts: &[&Context], stats: &FeatureStats, embed_dim: usize, max_context: usize) -> Result<ContextInputs> {
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
    let dev = &Device::Cpu;
    Ok(ContextInputs {
        embedding: Tensor::from_vec(emb, (bc, t, embed_dim), dev)?,
        numbers: Tensor::from_vec(numbers, (bc, t, TOKEN_NUMBERS), dev)?,
        mask: Tensor::from_vec(mask, (bc, t, 1), dev)?,
        has_context: Tensor::from_vec(has, (bc, 1), dev)?,
    })
}

/// Condition rows [n, COND_DIM] for the given classes.
pub(crate) fn conditions(classes: &[(usize, usize)]) -> Result<Tensor> {
    let flat: Vec<f32> = classes.iter().flat_map(|&c| condition_vector(c)).collect();
    Ok(Tensor::from_vec(flat, (classes.len(), COND_DIM), &Device::Cpu)?)
}

/// Video rows [n, E].
pub(crate) fn videos(candidates: &[&Candidate], embed_dim: usize) -> Result<Tensor> {
    let flat: Vec<f32> = candidates.iter().flat_map(|c| c.embedding.iter().copied()).collect();
    Ok(Tensor::from_vec(flat, (candidates.len(), embed_dim), &Device::Cpu)?)
}

/// A training batch: one context per candidate (or one shared).
pub(crate) fn batch(
    candidates: &[&Candidate],
    contexts: &[&Context],
    stats: &FeatureStats,
    embed_dim: usize,
    max_context: usize,
) -> Result<Batch> {
    let shared = contexts.len() == 1;
    let classes: Vec<(usize, usize)> =
        candidates.iter().enumerate().map(|(i, c)| condition_class(&c.video, contexts[if shared { 0 } else { i }].at())).collect();
    Ok(Batch {
        context: context_inputs(contexts, stats, embed_dim, max_context)?,
        video: videos(candidates, embed_dim)?,
        condition: conditions(&classes)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conditions_are_classes_with_unknown_apart() {
        let at = DateTime::parse_from_rfc3339("2024-03-04T12:00:00Z").expect("t").with_timezone(&Utc);
        let mut v = Video::new("aaaaaaaaaaa", "t");
        assert_eq!(condition_class(&v, at), (7, 9));
        v.duration_s = Some(59);
        v.published_text = Some("2 days ago".into());
        assert_eq!(condition_class(&v, at), (0, 2));
        v.duration_s = Some(4 * 3600);
        v.uploaded_at = Some(at - chrono::Duration::days(3000));
        assert_eq!(condition_class(&v, at), (6, 8));
        let row = condition_vector((6, 8));
        assert_eq!(row.iter().sum::<f32>(), 2.0);
        assert_eq!(COND_DIM, 18);
    }

    #[test]
    fn relative_upload_text_becomes_days() {
        assert_eq!(parse_relative_age("3 days ago"), Some(3.0));
        assert_eq!(parse_relative_age("Streamed 2 weeks ago"), Some(14.0));
        assert_eq!(parse_relative_age("1 year ago"), Some(365.25));
        assert_eq!(parse_relative_age("an hour ago"), Some(1.0 / 24.0));
        assert_eq!(parse_relative_age("vor 3 Tagen"), None);
    }
}
