//! Interest from plain evidence: a logistic model over a handful of features of the person's own
//! history (is the channel known, how much and how lately it was watched, how close the video sits
//! to what was watched, overall and lately), some of them also standardised within the slate.
//!
//! Why this shape: on real watch histories with other people's watches as negatives, a logistic
//! regression over such features beats hand-set gains, and the share of first watches that come
//! from known channels ranges from 11% to 84% across people, so no fixed weighting serves everyone
//! (EVALUATION.md). The weights are [`InterestWeights::prior`], fitted on the shared histories'
//! validation periods; [`crate::Ranker::with_interest`] takes other weights (the evaluation's
//! prior fitted without a person; a person's own fit, with [`crate::logistic`], once one exists).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::cold::Calibration;
use crate::input::{Candidate, Signal, UserProfile};

/// The features' names, in order; [`InterestWeights::weights`] follows it.
pub const FEATURE_NAMES: [&str; FEATURES] = [
    "known channel",
    "channel affinity",
    "channel recency",
    "liked channel",
    "similar videos",
    "recently similar",
    "centroid",
    "similar videos (in slate)",
    "recently similar (in slate)",
    "centroid (in slate)",
];
pub const FEATURES: usize = 10;
/// The similarity features (cosines, calibrated) that also get a within-slate z-score, and where
/// those z-scores go.
const SIMILARITY: [usize; 3] = [4, 5, 6];
const IN_SLATE: usize = 7;
/// Half-life of a channel's watches in "channel affinity".
pub const CHANNEL_HALF_LIFE_DAYS: f64 = 30.0;
/// Neighbours averaged in "similar videos".
pub const NEIGHBOURS: usize = 10;
/// How many of the latest history items "recently similar" reads.
pub const RECENT_ITEMS: usize = 50;
/// "channel recency" is 0 for a channel last watched this long ago (or never).
const RECENCY_HORIZON_DAYS: f64 = 3650.0;

/// What the fit of the prior pulls each weight towards: zero, except "liked channel", which no
/// Takeout watch history can show (its likes are absent or a separate file) and which keeps the
/// gain the hand-set cold start gave a liked channel.
pub const UNFITTED_PRIOR: [f32; FEATURES] = [0.0, 0.0, 0.0, 1.2, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0];

/// One candidate's features.
pub type Features = [f32; FEATURES];

/// The weights of the interest logit over [`FEATURE_NAMES`], and where they came from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InterestWeights {
    pub weights: Vec<f32>,
    pub bias: f32,
    /// Where the weights came from, in words.
    pub source: String,
}

impl InterestWeights {
    /// Fitted on the validation periods (before each split) of the six shared B1 histories, with
    /// other people's watches as negatives (`vrdndi eval takeout --fit-prior`; EVALUATION.md).
    pub fn prior() -> Self {
        InterestWeights {
            weights: vec![0.262, 2.005, 0.700, 1.2, -0.090, 0.007, 1.562, 0.669, 0.715, -1.443],
            bias: -4.576,
            source: "the shared prior (fitted on six real histories, none of them yours)".into(),
        }
    }

    pub fn logit(&self, x: &Features) -> f32 {
        self.bias + self.weights.iter().zip(x).map(|(w, x)| w * x).sum::<f32>()
    }

    /// Whether the weights fit the features (a saved set from another version may not).
    pub fn is_valid(&self) -> bool {
        self.weights.len() == FEATURES && self.weights.iter().chain([&self.bias]).all(|w| w.is_finite())
    }
}

/// The latest items of the history that are not dislikes, newest first, at most `n`.
pub(crate) fn recent_items(profile: &UserProfile, n: usize) -> Vec<usize> {
    let mut idx: Vec<usize> = (0..profile.items().len()).filter(|&i| profile.items()[i].signal != Signal::Disliked).collect();
    idx.sort_by(|&a, &b| profile.items()[b].at.cmp(&profile.items()[a].at));
    idx.truncate(n);
    idx
}

/// What a candidate's cosines to the history say (raw cosines, calibrated when read), which
/// depends on the profile and the candidate alone (not on the time or the slate): kept per profile,
/// so a slate seen again costs no matrix product.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Similarity {
    /// Mean of the [`NEIGHBOURS`] highest cosines to watched and liked videos (None without any).
    pub knn: Option<f32>,
    /// Highest cosine to the [`RECENT_ITEMS`] latest of them.
    pub recently: Option<f32>,
    /// Cosine to their centroid.
    pub centroid: Option<f32>,
    /// The closest watched or liked item (its index) and its cosine.
    pub closest: Option<(usize, f32)>,
    /// The highest cosine to a disliked video (-inf without one).
    pub worst_dislike: f32,
}

/// A candidate's [`Similarity`] from `row_sims`, its cosines to every profile item; `recent` are
/// the indices of [`recent_items`], `scratch` a buffer reused across candidates.
pub(crate) fn similarity(
    profile: &UserProfile,
    candidate: &Candidate,
    row_sims: &[f32],
    recent: &[usize],
    scratch: &mut Vec<f32>,
) -> Similarity {
    let items = profile.items();
    let mut closest: Option<(usize, f32)> = None;
    let mut worst_dislike = f32::NEG_INFINITY;
    scratch.clear();
    for (i, item) in items.iter().enumerate() {
        if item.video.video_id == candidate.video.video_id {
            continue; // a video never explains itself
        }
        let s = row_sims[i];
        match item.signal {
            Signal::Disliked => worst_dislike = worst_dislike.max(s),
            _ => {
                scratch.push(s);
                if closest.is_none_or(|(_, best)| s > best) {
                    closest = Some((i, s));
                }
            }
        }
    }
    let knn = (!scratch.is_empty()).then(|| {
        let k = NEIGHBOURS.min(scratch.len());
        scratch.select_nth_unstable_by(k - 1, |a, b| b.total_cmp(a));
        scratch[..k].iter().sum::<f32>() / k as f32
    });
    let recently = recent
        .iter()
        .filter(|&&i| items[i].video.video_id != candidate.video.video_id)
        .map(|&i| row_sims[i])
        .fold(None, |best: Option<f32>, s| Some(best.map_or(s, |b| b.max(s))));
    let centroid = profile.centroid().map(|c| c.iter().zip(&candidate.embedding).map(|(a, b)| a * b).sum());
    Similarity { knn, recently, centroid, closest, worst_dislike }
}

/// The features of one candidate at `now`, from its channel's history and its [`Similarity`];
/// the within-slate ones are 0 until [`standardise`].
pub(crate) fn features(
    profile: &UserProfile,
    candidate: &Candidate,
    now: DateTime<Utc>,
    similarity: &Similarity,
    calibration: &Calibration,
) -> Features {
    let z = |cos: Option<f32>| cos.map_or(0.0, |c| (c - calibration.history_center) / calibration.history_spread);
    let now = profile.recency_reference(now);
    let video = &candidate.video;
    let channel = profile.channel(video);
    let known = channel.watched + channel.liked > 0;
    let recency = profile.channel_last_seen(video, now).map_or(0.0, |t| {
        let days = (now - t).num_seconds().max(0) as f64 / 86_400.0;
        (1.0 - (1.0 + days).ln() / (1.0 + RECENCY_HORIZON_DAYS).ln()).max(0.0)
    });
    [
        if known { 1.0 } else { 0.0 },
        (1.0 + profile.channel_decayed(video, now, CHANNEL_HALF_LIFE_DAYS)).ln() as f32,
        recency as f32,
        (1.0 + channel.liked as f32).ln(),
        z(similarity.knn),
        z(similarity.recently),
        z(similarity.centroid),
        0.0,
        0.0,
        0.0,
    ]
}

/// The mean and spread of the similarity features over a slate: what "similar" means on a page.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SlateScale {
    mean: [f32; 3],
    std: [f32; 3],
}

/// From this many tiles a slate sets its own [`SlateScale`]; a smaller one (the few tiles a page
/// adds as the person scrolls) is read with the scale of the last slate that did, so its scores
/// compare with those already on the page.
pub const FULL_SLATE: usize = 8;

/// The scale of `rows`' similarity features.
pub(crate) fn slate_scale(rows: &[Features]) -> SlateScale {
    let n = rows.len().max(1) as f32;
    let mut scale = SlateScale { mean: [0.0; 3], std: [0.0; 3] };
    for (j, &f) in SIMILARITY.iter().enumerate() {
        let mean = rows.iter().map(|r| r[f]).sum::<f32>() / n;
        scale.mean[j] = mean;
        scale.std[j] = (rows.iter().map(|r| (r[f] - mean).powi(2)).sum::<f32>() / n).sqrt();
    }
    scale
}

/// Fills the within-slate features: each similarity feature's z-score on `scale` (0 where the
/// scale has no spread).
pub(crate) fn standardise(rows: &mut [Features], scale: &SlateScale) {
    for (j, &f) in SIMILARITY.iter().enumerate() {
        for r in rows.iter_mut() {
            r[IN_SLATE + j] = if scale.std[j] > 1e-6 { (r[f] - scale.mean[j]) / scale.std[j] } else { 0.0 };
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slate_features_are_z_scores_of_the_similarities() {
        let mut rows = vec![[0f32; FEATURES]; 3];
        for (i, r) in rows.iter_mut().enumerate() {
            r[4] = i as f32;
            r[5] = 1.0;
            r[6] = -(i as f32) * 2.0;
        }
        let scale = slate_scale(&rows);
        standardise(&mut rows, &scale);
        let expected = (1.5f32).sqrt();
        assert!((rows[2][7] - expected).abs() < 1e-5, "{:?}", rows[2]);
        assert_eq!(rows[1][8], 0.0, "no spread, no signal");
        assert!((rows[0][9] - expected).abs() < 1e-5);
        let mut one = vec![[1f32; FEATURES]];
        let scale = slate_scale(&one);
        standardise(&mut one, &scale);
        assert_eq!(&one[0][7..10], &[0.0, 0.0, 0.0]);
    }

    #[test]
    fn the_prior_fits_the_features() {
        assert!(InterestWeights::prior().is_valid());
        assert_eq!(FEATURE_NAMES.len(), FEATURES);
    }
}
