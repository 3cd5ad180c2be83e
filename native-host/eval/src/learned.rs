//! Training Vrdndi's learned model on the past alone, so it can be ranked next to the baselines.
//!
//! A Takeout has no likes and no "not now" clicks, only watches: the implicit positives are the
//! distinct videos watched before the split, each at its latest watch; the negatives are drawn
//! from the pool's training half (never a video watched before the split), each given the time
//! of a positive so both classes cover the same period. Contexts are empty (a Takeout has no
//! ActivityWatch data). The model is fitted once, at the split, with `vrdndi_rank::train`: a refit
//! per test day would multiply the cost by the number of days, while the cold-start part of the
//! ranker (the profile) still grows day by day.

use std::collections::HashSet;
use std::time::Instant;

use chrono::{DateTime, Offset, Utc};
use rand::seq::SliceRandom;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use serde::Serialize;
use vrdndi_protocol::Video;
use vrdndi_rank::{Candidate, Context, Label, Model, TrainOptions};

use crate::embeddings::{Embeddings, Kind};
use crate::error::{EvalError, Result};
use crate::history::Watch;
use crate::pool::Pool;
use crate::slates::mix;

/// Sampled negatives per positive by default.
pub const DEFAULT_NEGATIVES_PER_POSITIVE: usize = 2;

/// One planned training example.
#[derive(Debug, Clone, PartialEq)]
pub struct Example {
    pub video: Video,
    pub watched: bool,
    pub at: DateTime<Utc>,
}

/// What a training run used.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TrainSummary {
    pub positives: usize,
    pub negatives: usize,
    /// Every example's time is before this.
    pub until: DateTime<Utc>,
    pub seconds: f64,
}

/// The examples for a model trained on `past` (watches before the split, oldest first).
pub fn plan(user: &str, past: &[Watch], pool: &Pool, train_half: &[usize], per_positive: usize, seed: u64) -> Vec<Example> {
    let watched: HashSet<&str> = past.iter().map(|w| w.video.video_id.as_str()).collect();
    let mut latest: Vec<&Watch> = Vec::new();
    let mut index = std::collections::HashMap::new();
    for w in past {
        match index.get(w.video.video_id.as_str()) {
            Some(&i) => latest[i] = w,
            None => {
                index.insert(w.video.video_id.as_str(), latest.len());
                latest.push(w);
            }
        }
    }
    let mut negatives: Vec<usize> =
        train_half.iter().copied().filter(|&i| !watched.contains(pool.videos()[i].video.video_id.as_str())).collect();
    let mut rng = ChaCha8Rng::seed_from_u64(mix(seed, user, -1));
    negatives.shuffle(&mut rng);
    let mut examples = Vec::with_capacity(latest.len() * (1 + per_positive));
    let mut next = 0;
    for w in latest {
        examples.push(Example { video: w.video.clone(), watched: true, at: w.at });
        for _ in 0..per_positive {
            if negatives.is_empty() {
                break;
            }
            // Cycle through the shuffled half: each negative is used once before any repeats.
            let video = pool.videos()[negatives[next % negatives.len()]].video.clone();
            next += 1;
            examples.push(Example { video, watched: false, at: w.at });
        }
    }
    examples
}

/// Fits the model on planned examples whose embeddings are in `embeddings`.
pub fn fit(examples: &[Example], embeddings: &Embeddings, seed: u64) -> Result<(Model, TrainSummary)> {
    let started = Instant::now();
    let labels = examples
        .iter()
        .map(|e| {
            let text = vrdndi_rank::video_text(&e.video);
            let embedding = embeddings
                .get(Kind::Passage, &text)
                .ok_or_else(|| EvalError::InvalidOption(format!("no embedding for training video {}", e.video.video_id)))?;
            Ok(Label {
                candidate: Candidate { video: e.video.clone(), embedding: embedding.to_vec() },
                context: Context::empty(e.at, Utc.fix()),
                interest: Some(e.watched),
                productive: None,
            })
        })
        .collect::<Result<Vec<Label>>>()?;
    let mut options = TrainOptions::new(embeddings.key());
    options.kfold = 0;
    options.seed = seed;
    let (model, _report) = vrdndi_rank::train(&labels, &options)?;
    let summary = TrainSummary {
        positives: examples.iter().filter(|e| e.watched).count(),
        negatives: examples.iter().filter(|e| !e.watched).count(),
        until: examples.iter().map(|e| e.at).max().map_or(DateTime::<Utc>::MIN_UTC, |t| t + chrono::Duration::nanoseconds(1)),
        seconds: started.elapsed().as_secs_f64(),
    };
    Ok((model, summary))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn positives_are_distinct_past_videos_and_negatives_were_never_watched() {
        let t = |d| Utc.with_ymd_and_hms(2021, 1, d, 0, 0, 0).single().expect("time");
        let past = vec![
            Watch { video: Video::new("aaaaaaaaaaa", "a"), at: t(1) },
            Watch { video: Video::new("bbbbbbbbbbb", "b"), at: t(2) },
            Watch { video: Video::new("aaaaaaaaaaa", "a"), at: t(3) },
        ];
        let mut pool = Pool::new(1);
        let others: Vec<Watch> = ["aaaaaaaaaaa", "ccccccccccc", "ddddddddddd", "eeeeeeeeeee"]
            .iter()
            .map(|id| Watch { video: Video::new(*id, "x"), at: t(1) })
            .collect();
        pool.add_history(
            &crate::history::History { name: "o".into(), watches: others, left: Default::default() },
            std::path::Path::new("o"),
        );
        let all: Vec<usize> = (0..pool.len()).collect();
        let examples = plan("u", &past, &pool, &all, 2, 3);
        let positives: Vec<(&str, DateTime<Utc>)> =
            examples.iter().filter(|e| e.watched).map(|e| (e.video.video_id.as_str(), e.at)).collect();
        assert_eq!(positives, [("aaaaaaaaaaa", t(3)), ("bbbbbbbbbbb", t(2))]);
        let negatives: Vec<&str> = examples.iter().filter(|e| !e.watched).map(|e| e.video.video_id.as_str()).collect();
        assert_eq!(negatives.len(), 4);
        assert!(!negatives.contains(&"aaaaaaaaaaa"));
        let distinct: HashSet<&&str> = negatives.iter().collect();
        assert_eq!(distinct.len(), 3, "all three never-watched videos are used before one repeats");
    }
}
