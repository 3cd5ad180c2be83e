//! Validation metrics of one head: precision, recall and F1 at a 0.5 threshold, and ROC AUC.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HeadMetrics {
    pub examples: usize,
    pub positives: usize,
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
    /// None when the validation part holds only one class.
    pub auc: Option<f64>,
}

/// The mean of a head's metrics over the folds that had labels for it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MeanMetrics {
    pub folds: usize,
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
    /// Over the folds where AUC was defined.
    pub auc: Option<f64>,
}

/// Metrics of probabilities against labels; None without examples. An empty prediction or class
/// gives 0 for precision or recall (no division by zero).
pub fn head_metrics(probabilities: &[f32], labels: &[bool]) -> Option<HeadMetrics> {
    if probabilities.is_empty() || probabilities.len() != labels.len() {
        return None;
    }
    let (mut tp, mut fp, mut fn_) = (0usize, 0usize, 0usize);
    for (&p, &y) in probabilities.iter().zip(labels) {
        match (p >= 0.5, y) {
            (true, true) => tp += 1,
            (true, false) => fp += 1,
            (false, true) => fn_ += 1,
            (false, false) => {}
        }
    }
    let ratio = |a: usize, b: usize| if b == 0 { 0.0 } else { a as f64 / b as f64 };
    let precision = ratio(tp, tp + fp);
    let recall = ratio(tp, tp + fn_);
    let f1 = if precision + recall == 0.0 { 0.0 } else { 2.0 * precision * recall / (precision + recall) };
    Some(HeadMetrics {
        examples: labels.len(),
        positives: labels.iter().filter(|&&y| y).count(),
        precision,
        recall,
        f1,
        auc: auc(probabilities, labels),
    })
}

/// ROC AUC by the rank-sum (Mann-Whitney) formula, ties sharing their mean rank.
pub fn auc(scores: &[f32], labels: &[bool]) -> Option<f64> {
    let positives = labels.iter().filter(|&&y| y).count();
    let negatives = labels.len() - positives;
    if positives == 0 || negatives == 0 {
        return None;
    }
    let mut order: Vec<usize> = (0..scores.len()).collect();
    order.sort_by(|&a, &b| scores[a].total_cmp(&scores[b]));
    let mut rank_sum = 0.0;
    let mut i = 0;
    while i < order.len() {
        let mut j = i;
        while j + 1 < order.len() && scores[order[j + 1]] == scores[order[i]] {
            j += 1;
        }
        let mean_rank = (i + j) as f64 / 2.0 + 1.0;
        rank_sum += (i..=j).filter(|&k| labels[order[k]]).count() as f64 * mean_rank;
        i = j + 1;
    }
    let p = positives as f64;
    Some((rank_sum - p * (p + 1.0) / 2.0) / (p * negatives as f64))
}

pub(crate) fn mean(metrics: &[&HeadMetrics]) -> Option<MeanMetrics> {
    if metrics.is_empty() {
        return None;
    }
    let n = metrics.len() as f64;
    let aucs: Vec<f64> = metrics.iter().filter_map(|m| m.auc).collect();
    Some(MeanMetrics {
        folds: metrics.len(),
        precision: metrics.iter().map(|m| m.precision).sum::<f64>() / n,
        recall: metrics.iter().map(|m| m.recall).sum::<f64>() / n,
        f1: metrics.iter().map(|m| m.f1).sum::<f64>() / n,
        auc: (!aucs.is_empty()).then(|| aucs.iter().sum::<f64>() / aucs.len() as f64),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn auc_counts_pairs_and_ties() {
        assert_eq!(auc(&[0.1, 0.4, 0.35, 0.8], &[false, false, true, true]), Some(0.75));
        assert_eq!(auc(&[0.5, 0.5], &[false, true]), Some(0.5));
        assert_eq!(auc(&[0.2, 0.9], &[true, true]), None);
    }

    #[test]
    fn precision_recall_f1_at_one_half() {
        let m = head_metrics(&[0.9, 0.8, 0.2, 0.6, 0.1], &[true, false, true, true, false]).expect("metrics");
        assert!((m.precision - 2.0 / 3.0).abs() < 1e-12);
        assert!((m.recall - 2.0 / 3.0).abs() < 1e-12);
        assert!((m.f1 - 2.0 / 3.0).abs() < 1e-12);
        let none_predicted = head_metrics(&[0.1, 0.2], &[true, false]).expect("metrics");
        assert_eq!((none_predicted.precision, none_predicted.f1), (0.0, 0.0));
    }
}
