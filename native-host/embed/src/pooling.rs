//! From per-token hidden states to one unit vector per text.
//!
//! Kept apart because it is where two implementations (this one and the Python reference) most
//! easily disagree: the mean must skip padding, and normalisation must not divide by zero.

use ndarray::{ArrayView2, ArrayView3};

/// How a model turns token states into one vector.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pooling {
    /// Mean over the tokens the attention mask keeps (e5).
    Mean,
    /// The first token's state (BGE-M3's dense mode).
    Cls,
}

/// Pools `hidden` `[batch, seq, dim]` with `mask` `[batch, seq]` (1 = real token) and L2-normalises
/// each row. Returns one vector per batch row.
pub fn pool_normalized(pooling: Pooling, hidden: ArrayView3<'_, f32>, mask: ArrayView2<'_, i64>) -> Vec<Vec<f32>> {
    let mut out = Vec::with_capacity(hidden.shape()[0]);
    for (row, row_mask) in hidden.outer_iter().zip(mask.outer_iter()) {
        let mut vector = match pooling {
            Pooling::Cls => row.row(0).to_vec(),
            Pooling::Mean => masked_mean(row, row_mask.iter().map(|&m| m != 0)),
        };
        l2_normalize(&mut vector);
        out.push(vector);
    }
    out
}

/// Mean of the rows of `states` `[seq, dim]` whose `keep` flag is set; zeros when none is.
pub fn masked_mean(states: ArrayView2<'_, f32>, keep: impl Iterator<Item = bool>) -> Vec<f32> {
    let mut sum = vec![0f32; states.shape()[1]];
    let mut count = 0usize;
    for (token, kept) in states.outer_iter().zip(keep) {
        if kept {
            count += 1;
            for (s, &x) in sum.iter_mut().zip(token.iter()) {
                *s += x;
            }
        }
    }
    // The reference divides by max(count, 1): an all-padding row stays zero instead of NaN.
    let denominator = count.max(1) as f32;
    sum.iter_mut().for_each(|s| *s /= denominator);
    sum
}

/// Scales `vector` to unit length; a zero vector stays zero (the reference clamps the norm at 1e-12).
pub fn l2_normalize(vector: &mut [f32]) {
    let norm = vector.iter().map(|x| x * x).sum::<f32>().sqrt().max(1e-12);
    vector.iter_mut().for_each(|x| *x /= norm);
}

/// Cosine similarity of two vectors (of any length; for unit vectors it is the dot product).
pub fn cosine(a: &[f32], b: &[f32]) -> f32 {
    let dot: f32 = a.iter().zip(b).map(|(x, y)| x * y).sum();
    let na = a.iter().map(|x| x * x).sum::<f32>().sqrt();
    let nb = b.iter().map(|x| x * x).sum::<f32>().sqrt();
    dot / (na * nb).max(1e-12)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::{array, Array3};

    #[test]
    fn mean_skips_padding() {
        let states = array![[1.0f32, 2.0], [3.0, 4.0], [100.0, 100.0]];
        let mean = masked_mean(states.view(), [true, true, false].into_iter());
        assert_eq!(mean, vec![2.0, 3.0]);
    }

    #[test]
    fn all_padding_row_is_zero_not_nan() {
        let states = array![[1.0f32, 2.0]];
        assert_eq!(masked_mean(states.view(), [false].into_iter()), vec![0.0, 0.0]);
        let mut zero = vec![0.0f32; 3];
        l2_normalize(&mut zero);
        assert_eq!(zero, vec![0.0; 3]);
    }

    #[test]
    fn pooled_rows_are_unit_vectors_and_cls_takes_the_first_token() {
        let hidden = Array3::from_shape_vec((2, 2, 2), vec![3.0f32, 4.0, 9.0, 9.0, 0.0, 2.0, 0.0, 0.0]).expect("shape");
        let mask = array![[1i64, 1], [1, 0]];
        let cls = pool_normalized(Pooling::Cls, hidden.view(), mask.view());
        assert_eq!(cls[0], vec![0.6, 0.8]);
        assert_eq!(cls[1], vec![0.0, 1.0]);
        let mean = pool_normalized(Pooling::Mean, hidden.view(), mask.view());
        for v in &mean {
            assert!((v.iter().map(|x| x * x).sum::<f32>() - 1.0).abs() < 1e-6);
        }
        assert!((cosine(&mean[0], &[6.0, 6.5]) - 1.0).abs() < 1e-6);
    }
}
