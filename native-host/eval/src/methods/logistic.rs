//! The strongest simple baseline: a logistic regression per person over four plain features
//! (decayed channel affinity, centroid cosine, item-kNN, popularity), fitted on that person's
//! validation days before the split against the run's negatives (other people's watches unless
//! `--negatives` says otherwise). It knows more than
//! the product can (popularity across other people's histories, negatives from outside), which is
//! why it is the bar.

use std::collections::HashMap;

use vrdndi_rank::logistic::{self, Logistic};
use vrdndi_rank::{channel_keys, Candidate};

use super::similarity::{Centroid, ItemKnn};
use super::{Method, Past};
use crate::error::Result;
use crate::pool::Pool;

/// Half-life of a channel watch in the affinity feature.
const CHANNEL_HALF_LIFE_DAYS: f64 = 30.0;
/// The ridge penalty (towards zero) of the fit.
const L2: f64 = 1e-3;

/// The four features of every candidate of a slate, given the past: the centroid and item-kNN
/// baselines' own scores, beside the decayed channel affinity and popularity.
pub fn features(past: &Past<'_>, slate: &[Candidate], pool: &Pool) -> Result<Vec<Vec<f64>>> {
    let mut affinity: HashMap<String, f64> = HashMap::new();
    for w in past.watches {
        let days = (past.at - w.at).num_seconds().max(0) as f64 / 86_400.0;
        let weight = 0.5f64.powf(days / CHANNEL_HALF_LIFE_DAYS);
        for key in channel_keys(&w.video) {
            *affinity.entry(key).or_default() += weight;
        }
    }
    let centroid = Centroid.score(past, slate, 0)?;
    let knn = ItemKnn::default().score(past, slate, 0)?;
    Ok(slate
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let channel = channel_keys(&c.video).iter().find_map(|k| affinity.get(k).copied()).unwrap_or(0.0);
            vec![(1.0 + channel).ln(), centroid[i], knn[i], f64::from(1 + pool.appearances(&c.video.video_id)).ln()]
        })
        .collect())
}

/// The fitted baseline for one person.
#[derive(Debug)]
pub struct LogisticBlend<'p> {
    pub pool: &'p Pool,
    pub model: Option<Logistic>,
}

impl<'p> LogisticBlend<'p> {
    /// Fits on (features, relevant) rows of the validation slates; without both classes it
    /// scores everything 0 (a tie, chance level).
    pub fn fit(pool: &'p Pool, rows: &[Vec<f64>], relevant: &[bool]) -> Self {
        LogisticBlend { pool, model: logistic::fit(rows, relevant, &[0.0; 4], L2, 1.0) }
    }
}

impl Method for LogisticBlend<'_> {
    fn name(&self) -> &str {
        "logistic"
    }

    fn score(&self, past: &Past<'_>, slate: &[Candidate], _seed: u64) -> Result<Vec<f64>> {
        let Some(model) = &self.model else { return Ok(vec![0.0; slate.len()]) };
        Ok(features(past, slate, self.pool)?.iter().map(|x| model.logit(x)).collect())
    }
}
