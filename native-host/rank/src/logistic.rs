//! L2-regularised logistic regression by Newton's method, for fitting a handful of weights (the
//! interest features per person, the evaluation's logistic baseline).
//!
//! Written here rather than taken from a crate: the problems have at most a few dozen
//! parameters, where Newton's method converges in a few exact steps and is deterministic, and the
//! regulariser pulls towards a prior rather than zero (a person's weights shrink to the shared
//! ones), which the common crates (linfa-logistic, smartcore) do not offer; they would also bring
//! ndarray and argmin into the daemon for about fifty lines.

/// A fitted model: `sigmoid(bias + weights . x)`.
#[derive(Debug, Clone, PartialEq)]
pub struct Logistic {
    pub weights: Vec<f64>,
    pub bias: f64,
}

impl Logistic {
    pub fn logit(&self, x: &[f64]) -> f64 {
        self.bias + self.weights.iter().zip(x).map(|(w, x)| w * x).sum::<f64>()
    }
}

/// Fits `y ~ x` minimising the mean log loss plus `l2 * |w - prior|^2` (the bias is not
/// regularised). Rows must all have `prior.len()` values. Positives and negatives may be
/// unbalanced: `positive_weight` multiplies each positive's loss. Returns None without both
/// classes.
pub fn fit(x: &[Vec<f64>], y: &[bool], prior: &[f64], l2: f64, positive_weight: f64) -> Option<Logistic> {
    let d = prior.len();
    if x.len() != y.len() || !y.contains(&true) || !y.contains(&false) || x.iter().any(|r| r.len() != d) {
        return None;
    }
    let n = x.len() as f64;
    let p = d + 1; // the bias last
    let objective = |theta: &[f64]| {
        let loss: f64 = x
            .iter()
            .zip(y)
            .map(|(row, &label)| {
                let z = theta[d] + row.iter().zip(theta).map(|(a, b)| a * b).sum::<f64>();
                // log(1 + e^-z) for a positive, log(1 + e^z) for a negative, without overflow.
                let m = if label { -z } else { z };
                let w = if label { positive_weight } else { 1.0 };
                w * (m.max(0.0) + (-m.abs()).exp().ln_1p())
            })
            .sum::<f64>()
            / n;
        loss + l2 * theta[..d].iter().zip(prior).map(|(t, p)| (t - p).powi(2)).sum::<f64>()
    };
    let mut theta: Vec<f64> = prior.iter().copied().chain([0.0]).collect();
    let mut current = objective(&theta);
    for _ in 0..100 {
        let mut grad = vec![0f64; p];
        let mut hess = vec![0f64; p * p];
        for (row, &label) in x.iter().zip(y) {
            let z = theta[d] + row.iter().zip(&theta).map(|(a, b)| a * b).sum::<f64>();
            let prob = 1.0 / (1.0 + (-z).exp());
            let w = if label { positive_weight } else { 1.0 };
            let r = w * (prob - if label { 1.0 } else { 0.0 }) / n;
            let h = w * prob * (1.0 - prob) / n;
            for i in 0..p {
                let xi = if i == d { 1.0 } else { row[i] };
                grad[i] += r * xi;
                for j in 0..p {
                    let xj = if j == d { 1.0 } else { row[j] };
                    hess[i * p + j] += h * xi * xj;
                }
            }
        }
        for i in 0..d {
            grad[i] += 2.0 * l2 * (theta[i] - prior[i]);
            hess[i * p + i] += 2.0 * l2;
        }
        hess[d * p + d] += 1e-9;
        let step = solve(&mut hess, &mut grad, p)?;
        // Backtracking: halve the Newton step until the objective falls (nearly separable data
        // with a small penalty would otherwise overshoot).
        let mut scale = 1.0;
        let mut accepted = None;
        for _ in 0..30 {
            let candidate: Vec<f64> = theta.iter().zip(&step).map(|(t, s)| t - scale * s).collect();
            let value = objective(&candidate);
            if value.is_finite() && value <= current {
                accepted = Some((candidate, value));
                break;
            }
            scale *= 0.5;
        }
        let Some((next, value)) = accepted else { break };
        let moved = step.iter().map(|s| (scale * s).powi(2)).sum::<f64>().sqrt();
        let improved = current - value;
        theta = next;
        current = value;
        if moved < 1e-8 || improved < 1e-12 {
            break;
        }
    }
    theta.iter().all(|t| t.is_finite()).then(|| Logistic { bias: theta[d], weights: theta[..d].to_vec() })
}

/// Solves `a x = b` (a is `n x n`, row-major) by Gaussian elimination with partial pivoting.
fn solve(a: &mut [f64], b: &mut [f64], n: usize) -> Option<Vec<f64>> {
    for col in 0..n {
        let pivot = (col..n).max_by(|&i, &j| a[i * n + col].abs().total_cmp(&a[j * n + col].abs()))?;
        if a[pivot * n + col].abs() < 1e-14 {
            return None;
        }
        if pivot != col {
            for k in 0..n {
                a.swap(col * n + k, pivot * n + k);
            }
            b.swap(col, pivot);
        }
        for row in col + 1..n {
            let f = a[row * n + col] / a[col * n + col];
            for k in col..n {
                a[row * n + k] -= f * a[col * n + k];
            }
            b[row] -= f * b[col];
        }
    }
    let mut x = vec![0f64; n];
    for row in (0..n).rev() {
        let tail: f64 = (row + 1..n).map(|k| a[row * n + k] * x[k]).sum();
        x[row] = (b[row] - tail) / a[row * n + row];
    }
    Some(x)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Labels drawn from a known logistic model come back with its weights.
    #[test]
    fn recovers_the_weights_that_made_the_labels() {
        let mut state = 12345u64;
        let mut next = || {
            state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            (state >> 11) as f64 / (1u64 << 53) as f64
        };
        let (mut x, mut y) = (Vec::new(), Vec::new());
        for _ in 0..20_000 {
            let row = vec![next() * 4.0 - 2.0, next() * 4.0 - 2.0];
            let z = -0.5 + 1.5 * row[0] - 1.0 * row[1];
            y.push(next() < 1.0 / (1.0 + (-z).exp()));
            x.push(row);
        }
        let m = fit(&x, &y, &[0.0, 0.0], 0.0, 1.0).expect("fits");
        assert!((m.weights[0] - 1.5).abs() < 0.1 && (m.weights[1] + 1.0).abs() < 0.1 && (m.bias + 0.5).abs() < 0.1, "{m:?}");
        // A strong pull to a prior keeps the weights there.
        let pulled = fit(&x, &y, &[0.0, 0.0], 100.0, 1.0).expect("fits");
        assert!(pulled.weights.iter().all(|w| w.abs() < 0.05), "{pulled:?}");
        assert!(fit(&x, &vec![true; x.len()], &[0.0, 0.0], 0.0, 1.0).is_none(), "one class");
    }

    #[test]
    fn separable_data_stays_finite_with_a_penalty() {
        let x = vec![vec![1.0], vec![2.0], vec![-1.0], vec![-2.0]];
        let y = vec![true, true, false, false];
        let m = fit(&x, &y, &[0.0], 0.01, 1.0).expect("fits");
        assert!(m.weights[0] > 1.0 && m.weights[0].is_finite());
    }
}
