//! The strongest simple baseline: a logistic regression per person over four plain features
//! (decayed channel affinity, centroid cosine, item-kNN, popularity), fitted on that person's
//! validation days before the split against the run's negatives (other people's watches unless
//! `--negatives` says otherwise). It knows more than
//! the product can (popularity across other people's histories, negatives from outside), which is
//! why it is the bar.

use std::collections::HashMap;

use vrdndi_rank::logistic::{self, Logistic};
use vrdndi_rank::{channel_keys, Candidate};

use super::similarity::{cosines, DEFAULT_NEIGHBOURS};
use super::{Method, Past};
use crate::error::Result;
use crate::pool::Pool;

/// Half-life of a channel watch in the affinity feature.
const CHANNEL_HALF_LIFE_DAYS: f64 = 30.0;
/// The ridge penalty (towards zero) of the fit.
const L2: f64 = 1e-3;

/// The four features of every candidate of a slate, given the past.
pub fn features(past: &Past<'_>, slate: &[Candidate], pool: &Pool) -> Result<Vec<Vec<f64>>> {
    let mut affinity: HashMap<String, f64> = HashMap::new();
    for w in past.watches {
        let days = (past.at - w.at).num_seconds().max(0) as f64 / 86_400.0;
        let weight = 0.5f64.powf(days / CHANNEL_HALF_LIFE_DAYS);
        for key in channel_keys(&w.video) {
            *affinity.entry(key).or_default() += weight;
        }
    }
    let rows: Vec<&[f32]> = past.videos.iter().map(|v| v.embedding).collect();
    let sims = cosines(slate, &rows)?;
    let n = rows.len();
    let dim = slate.first().map_or(0, |c| c.embedding.len());
    let mut mean = vec![0f64; dim];
    for r in &rows {
        for (m, x) in mean.iter_mut().zip(r.iter()) {
            *m += f64::from(*x);
        }
    }
    let norm = mean.iter().map(|x| x * x).sum::<f64>().sqrt().max(1e-12);
    Ok(slate
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let channel = channel_keys(&c.video).iter().find_map(|k| affinity.get(k).copied()).unwrap_or(0.0);
            let centroid = c.embedding.iter().zip(&mean).map(|(a, m)| f64::from(*a) * m).sum::<f64>() / norm;
            let knn = if n == 0 {
                0.0
            } else {
                let mut row: Vec<f32> = sims[i * n..(i + 1) * n].to_vec();
                let k = DEFAULT_NEIGHBOURS.min(n);
                row.select_nth_unstable_by(k - 1, |a, b| b.total_cmp(a));
                row[..k].iter().map(|&s| f64::from(s)).sum::<f64>() / k as f64
            };
            vec![(1.0 + channel).ln(), centroid, knn, f64::from(1 + pool.appearances(&c.video.video_id)).ln()]
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
