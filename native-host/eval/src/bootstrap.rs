//! Confidence intervals by the bootstrap over test days.
//!
//! The unit of resampling is a test day, not a slate item: items of one day share a history and
//! a negative draw, so they are not independent, while days are closer to it. One [`Resampler`]
//! draws the day indices once and every method's values are resampled with the same draws, so
//! intervals of two methods (and of their paired difference) come from the same resampled days.
//! Intervals are percentile intervals of the resampled means; ChaCha8 makes them reproducible
//! from the seed on every platform.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

/// Resamples per interval when nothing else is asked for.
pub const DEFAULT_RESAMPLES: usize = 1000;
/// Coverage of the intervals when nothing else is asked for.
pub const DEFAULT_LEVEL: f64 = 0.95;

/// A mean and its confidence interval.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Interval {
    pub mean: f64,
    pub lo: f64,
    pub hi: f64,
}

impl Interval {
    pub fn contains(&self, x: f64) -> bool {
        self.lo <= x && x <= self.hi
    }
}

/// Resampled index sets over one or more groups (users) of days; each resample draws, within
/// every group, as many days as the group has, with replacement (a stratified bootstrap: every
/// user keeps their weight in every resample).
#[derive(Debug, Clone)]
pub struct Resampler {
    sizes: Vec<usize>,
    /// Per resample, per group, the drawn day indices.
    draws: Vec<Vec<Vec<u32>>>,
    level: f64,
}

impl Resampler {
    /// `sizes[g]` is the number of days of group `g`.
    pub fn new(sizes: &[usize], resamples: usize, level: f64, seed: u64) -> Resampler {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let draws =
            (0..resamples).map(|_| sizes.iter().map(|&n| (0..n).map(|_| rng.random_range(0..n as u32)).collect()).collect()).collect();
        Resampler { sizes: sizes.to_vec(), draws, level: level.clamp(0.0, 1.0) }
    }

    /// The interval of the mean of one group's values (the group must be the only one).
    pub fn interval(&self, values: &[f64]) -> Option<Interval> {
        self.interval_of_groups(&[values])
    }

    /// The interval of the mean of the group means (each user counts once, whatever their number
    /// of days). None when a group has no value or the shapes do not match the resampler's.
    pub fn interval_of_groups(&self, groups: &[&[f64]]) -> Option<Interval> {
        if groups.len() != self.sizes.len() || groups.iter().zip(&self.sizes).any(|(g, &n)| g.len() != n || n == 0) {
            return None;
        }
        let mean_of_means = |pick: &dyn Fn(usize, &[f64]) -> f64| {
            groups.iter().enumerate().map(|(g, values)| pick(g, values)).sum::<f64>() / groups.len() as f64
        };
        let mean = mean_of_means(&|_, values| values.iter().sum::<f64>() / values.len() as f64);
        let mut means: Vec<f64> = self
            .draws
            .iter()
            .map(|draw| mean_of_means(&|g, values| draw[g].iter().map(|&i| values[i as usize]).sum::<f64>() / values.len() as f64))
            .collect();
        if means.is_empty() {
            return Some(Interval { mean, lo: mean, hi: mean });
        }
        means.sort_by(f64::total_cmp);
        let tail = (1.0 - self.level) / 2.0;
        Some(Interval { mean, lo: quantile(&means, tail), hi: quantile(&means, 1.0 - tail) })
    }
}

/// The interval of any statistic of `n` items (an AUC, a difference of AUCs), resampling the
/// items with replacement; the point value is the statistic of the full sample. Resamples where
/// the statistic is undefined (one class only) are skipped. None when the full sample's is.
pub fn statistic_interval(
    n: usize,
    resamples: usize,
    level: f64,
    seed: u64,
    statistic: impl Fn(&[usize]) -> Option<f64>,
) -> Option<Interval> {
    let all: Vec<usize> = (0..n).collect();
    let mean = statistic(&all)?;
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut values: Vec<f64> = (0..resamples)
        .filter_map(|_| {
            let draw: Vec<usize> = (0..n).map(|_| rng.random_range(0..n)).collect();
            statistic(&draw)
        })
        .collect();
    if values.is_empty() {
        return Some(Interval { mean, lo: mean, hi: mean });
    }
    values.sort_by(f64::total_cmp);
    let tail = (1.0 - level.clamp(0.0, 1.0)) / 2.0;
    Some(Interval { mean, lo: quantile(&values, tail), hi: quantile(&values, 1.0 - tail) })
}

/// The `q` quantile of sorted values, interpolating linearly between order statistics.
fn quantile(sorted: &[f64], q: f64) -> f64 {
    let position = q.clamp(0.0, 1.0) * (sorted.len() - 1) as f64;
    let below = position.floor() as usize;
    let above = position.ceil() as usize;
    let weight = position - below as f64;
    sorted[below] * (1.0 - weight) + sorted[above] * weight
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_constant_has_a_zero_width_interval() {
        let r = Resampler::new(&[5], DEFAULT_RESAMPLES, DEFAULT_LEVEL, 1);
        let i = r.interval(&[0.3; 5]).expect("shape matches");
        assert_eq!((i.mean, i.lo, i.hi), (0.3, 0.3, 0.3));
    }

    #[test]
    fn the_interval_holds_the_mean_and_narrows_with_more_days() {
        let values: Vec<f64> = (0..40).map(|i| f64::from(i % 10) / 10.0).collect();
        let wide = Resampler::new(&[10], 2000, 0.95, 7).interval(&values[..10]).expect("shape");
        let narrow = Resampler::new(&[40], 2000, 0.95, 7).interval(&values).expect("shape");
        assert!((wide.mean - 0.45).abs() < 1e-12 && wide.contains(wide.mean), "{wide:?}");
        assert!(narrow.contains(narrow.mean), "{narrow:?}");
        assert!(narrow.hi - narrow.lo < wide.hi - wide.lo, "{narrow:?} vs {wide:?}");
        // The standard error of this mean is about 0.287/sqrt(40) = 0.045: a 95% interval is
        // about +-0.089 wide.
        assert!(((narrow.hi - narrow.lo) / 2.0 - 0.089).abs() < 0.02, "{narrow:?}");
    }

    #[test]
    fn the_same_seed_gives_the_same_interval() {
        let values = [0.1, 0.9, 0.4, 0.4, 0.7];
        let a = Resampler::new(&[5], 500, 0.95, 42).interval(&values);
        let b = Resampler::new(&[5], 500, 0.95, 42).interval(&values);
        let c = Resampler::new(&[5], 500, 0.95, 43).interval(&values);
        assert_eq!(a, b);
        assert_ne!(a, c);
    }

    #[test]
    fn groups_count_once_each_whatever_their_size() {
        let r = Resampler::new(&[1, 4], 200, 0.95, 3);
        let i = r.interval_of_groups(&[&[1.0], &[0.0, 0.0, 0.0, 0.0]]).expect("shape");
        assert_eq!(i.mean, 0.5);
        assert_eq!((i.lo, i.hi), (0.5, 0.5), "no spread within either group");
        assert!(r.interval_of_groups(&[&[1.0], &[0.0]]).is_none(), "wrong group size");
        assert!(r.interval(&[1.0]).is_none(), "two groups were drawn");
    }

    #[test]
    fn a_statistic_interval_skips_undefined_resamples() {
        let labels = [true, false, true, false, true, false];
        let scores = [0.9, 0.1, 0.8, 0.3, 0.2, 0.7];
        let auc_of = |idx: &[usize]| {
            let s: Vec<f64> = idx.iter().map(|&i| scores[i]).collect();
            let l: Vec<bool> = idx.iter().map(|&i| labels[i]).collect();
            crate::metrics::auc(&s, &l)
        };
        let i = statistic_interval(6, 500, 0.95, 1, auc_of).expect("defined");
        assert!((i.mean - 7.0 / 9.0).abs() < 1e-12, "{i:?}");
        assert!(i.lo < i.mean && i.mean <= i.hi && i.hi <= 1.0, "{i:?}");
        assert_eq!(statistic_interval(6, 10, 0.95, 1, |_| None), None);
    }

    #[test]
    fn quantiles_interpolate() {
        let sorted = [0.0, 1.0, 2.0, 3.0, 4.0];
        assert_eq!(quantile(&sorted, 0.5), 2.0);
        assert_eq!(quantile(&sorted, 0.125), 0.5);
        assert_eq!(quantile(&sorted, 1.0), 4.0);
    }
}
