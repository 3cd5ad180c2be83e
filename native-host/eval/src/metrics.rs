//! Ranking metrics of one slate: nDCG@k, Recall@k, MRR and ROC AUC, with binary relevance.
//!
//! Ties are handled exactly rather than by an arbitrary order: a block of tied scores is treated
//! as every order of that block being equally likely, and each metric is its expected value over
//! those orders (McSherry & Najork, "Computing information retrieval performance measures
//! efficiently in the presence of tied scores", ECIR 2008). Without this, a baseline that gives
//! most of a slate the same score (popularity 0, no channel history) would be scored by the
//! slate's input order, and a slate that lists positives first would flatter it.

/// The four numbers of one slate.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SlateMetrics {
    pub ndcg: f64,
    pub recall: f64,
    pub mrr: f64,
    /// None when the slate has no negative (AUC is undefined then).
    pub auc: Option<f64>,
}

/// One block of equal scores in the descending order: where it starts, how long it is, and how
/// many relevant items it holds.
#[derive(Debug, Clone, Copy)]
struct Block {
    start: usize,
    len: usize,
    relevant: usize,
}

/// Scores of NaN rank last (a broken scorer must not lift an item to the top).
fn clean(score: f64) -> f64 {
    if score.is_nan() {
        f64::NEG_INFINITY
    } else {
        score
    }
}

/// The tie blocks of `scores` sorted descending.
fn blocks(scores: &[f64], relevant: &[bool]) -> Vec<Block> {
    let mut order: Vec<usize> = (0..scores.len()).collect();
    order.sort_by(|&a, &b| clean(scores[b]).total_cmp(&clean(scores[a])));
    let mut out: Vec<Block> = Vec::new();
    for (position, &i) in order.iter().enumerate() {
        let tied = position > 0 && clean(scores[order[position - 1]]) == clean(scores[i]);
        match out.last_mut() {
            Some(block) if tied => {
                block.len += 1;
                block.relevant += usize::from(relevant[i]);
            }
            _ => out.push(Block { start: position, len: 1, relevant: usize::from(relevant[i]) }),
        }
    }
    out
}

fn discount(position: usize) -> f64 {
    1.0 / ((position + 2) as f64).log2()
}

/// All four metrics at cut-off `k`; None when the slate has no relevant item or the lengths
/// differ.
pub fn evaluate(scores: &[f64], relevant: &[bool], k: usize) -> Option<SlateMetrics> {
    if scores.len() != relevant.len() || !relevant.iter().any(|&r| r) {
        return None;
    }
    let blocks = blocks(scores, relevant);
    Some(SlateMetrics {
        ndcg: ndcg_blocks(&blocks, k),
        recall: recall_blocks(&blocks, k),
        mrr: mrr_blocks(&blocks),
        auc: auc(scores, relevant),
    })
}

/// Normalised discounted cumulative gain of the first `k` positions (binary gains).
pub fn ndcg_at(scores: &[f64], relevant: &[bool], k: usize) -> Option<f64> {
    evaluate(scores, relevant, k).map(|m| m.ndcg)
}

/// Share of the relevant items found in the first `k` positions (hits / all relevant).
pub fn recall_at(scores: &[f64], relevant: &[bool], k: usize) -> Option<f64> {
    evaluate(scores, relevant, k).map(|m| m.recall)
}

/// Reciprocal rank of the first relevant item.
pub fn mrr(scores: &[f64], relevant: &[bool]) -> Option<f64> {
    evaluate(scores, relevant, 1).map(|m| m.mrr)
}

fn ndcg_blocks(blocks: &[Block], k: usize) -> f64 {
    let total: usize = blocks.iter().map(|b| b.relevant).sum();
    let ideal: f64 = (0..total.min(k)).map(discount).sum();
    let mut dcg = 0.0;
    for block in blocks.iter().take_while(|b| b.start < k) {
        // Each position of the block holds a relevant item with probability relevant / len.
        let gain = block.relevant as f64 / block.len as f64;
        dcg += (block.start..(block.start + block.len).min(k)).map(|p| gain * discount(p)).sum::<f64>();
    }
    if ideal > 0.0 {
        dcg / ideal
    } else {
        0.0
    }
}

fn recall_blocks(blocks: &[Block], k: usize) -> f64 {
    let total: usize = blocks.iter().map(|b| b.relevant).sum();
    let mut hits = 0.0;
    for block in blocks.iter().take_while(|b| b.start < k) {
        let inside = (block.start + block.len).min(k) - block.start;
        hits += block.relevant as f64 * inside as f64 / block.len as f64;
    }
    if total > 0 {
        hits / total as f64
    } else {
        0.0
    }
}

fn mrr_blocks(blocks: &[Block]) -> f64 {
    let Some(block) = blocks.iter().find(|b| b.relevant > 0) else { return 0.0 };
    let (n, r) = (block.len, block.relevant);
    // P(the first relevant item of the block sits at offset j) = P(j non-relevant first) * r/(n-j).
    let mut none_yet = 1.0;
    let mut expected = 0.0;
    for j in 0..=(n - r) {
        expected += none_yet * r as f64 / (n - j) as f64 / (block.start + j + 1) as f64;
        none_yet *= (n - r - j) as f64 / (n - j) as f64;
    }
    expected
}

/// ROC AUC: the chance that a random relevant item outscores a random other one, ties counting
/// half (the Mann-Whitney U with mid-ranks). None without both classes.
pub fn auc(scores: &[f64], relevant: &[bool]) -> Option<f64> {
    let positives = relevant.iter().filter(|&&r| r).count();
    let negatives = relevant.len() - positives;
    if positives == 0 || negatives == 0 || scores.len() != relevant.len() {
        return None;
    }
    let mut order: Vec<usize> = (0..scores.len()).collect();
    order.sort_by(|&a, &b| clean(scores[a]).total_cmp(&clean(scores[b])));
    let mut rank_sum = 0.0;
    let mut i = 0;
    while i < order.len() {
        let mut j = i;
        while j + 1 < order.len() && clean(scores[order[j + 1]]) == clean(scores[order[i]]) {
            j += 1;
        }
        // Ranks i+1 ..= j+1 share their mean.
        let mid_rank = (i + j + 2) as f64 / 2.0;
        rank_sum += mid_rank * order[i..=j].iter().filter(|&&x| relevant[x]).count() as f64;
        i = j + 1;
    }
    let p = positives as f64;
    Some((rank_sum - p * (p + 1.0) / 2.0) / (p * negatives as f64))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-9
    }

    #[test]
    fn distinct_scores_match_hand_computed_values() {
        // Order: n, R, n, R (relevant at positions 2 and 4).
        let scores = [0.9, 0.8, 0.7, 0.6];
        let rel = [false, true, false, true];
        let m = evaluate(&scores, &rel, 10).expect("has a positive");
        // DCG = 1/log2(3) + 1/log2(5) = 1.0616063; IDCG = 1 + 1/log2(3) = 1.6309298.
        assert!(close(m.ndcg, (1.0 / 3f64.log2() + 1.0 / 5f64.log2()) / (1.0 + 1.0 / 3f64.log2())));
        assert!((m.ndcg - 0.650_920_93).abs() < 1e-8, "{}", m.ndcg);
        assert!(close(m.mrr, 0.5));
        assert!(close(m.recall, 1.0));
        assert!(close(recall_at(&scores, &rel, 2).expect("defined"), 0.5));
        assert!(close(recall_at(&scores, &rel, 1).expect("defined"), 0.0));
        // Positive 0.8 beats 0.7 only; positive 0.6 beats nothing: 1 of 4 pairs.
        assert!(close(m.auc.expect("both classes"), 0.25));
    }

    #[test]
    fn a_perfect_and_a_reversed_ranking() {
        let rel = [true, true, false, false, false];
        let best = evaluate(&[5.0, 4.0, 3.0, 2.0, 1.0], &rel, 10).expect("defined");
        assert_eq!((best.ndcg, best.recall, best.mrr, best.auc), (1.0, 1.0, 1.0, Some(1.0)));
        let worst = evaluate(&[1.0, 2.0, 3.0, 4.0, 5.0], &rel, 2).expect("defined");
        assert_eq!((worst.ndcg, worst.recall, worst.auc), (0.0, 0.0, Some(0.0)));
        assert!(close(worst.mrr, 0.25));
    }

    #[test]
    fn all_tied_gives_the_expectation_over_orders() {
        let scores = [1.0; 4];
        let one = [false, false, true, false];
        let m = evaluate(&scores, &one, 10).expect("defined");
        // Each position holds the relevant item with probability 1/4.
        assert!(close(m.ndcg, (1.0 + 1.0 / 3f64.log2() + 0.5 + 1.0 / 5f64.log2()) / 4.0));
        assert!(close(m.mrr, (1.0 + 0.5 + 1.0 / 3.0 + 0.25) / 4.0));
        assert!(close(recall_at(&scores, &one, 2).expect("defined"), 0.5));
        assert_eq!(m.auc, Some(0.5));
        // Two relevant among four tied: first-relevant rank is 1 in 3/6 orders, 2 in 2/6, 3 in 1/6.
        let two = [true, false, true, false];
        assert!(close(mrr(&scores, &two).expect("defined"), (3.0 + 2.0 * 0.5 + 1.0 / 3.0) / 6.0));
    }

    /// Every order of every tie block, enumerated, averages to what the closed forms give.
    #[test]
    fn tie_handling_equals_brute_force_over_permutations() {
        fn permutations(items: Vec<usize>) -> Vec<Vec<usize>> {
            if items.len() <= 1 {
                return vec![items];
            }
            let mut out = Vec::new();
            for i in 0..items.len() {
                let mut rest = items.clone();
                let head = rest.remove(i);
                for mut tail in permutations(rest) {
                    tail.insert(0, head);
                    out.push(tail);
                }
            }
            out
        }
        let cases: [(&[f64], &[bool]); 3] = [
            (&[3.0, 2.0, 2.0, 2.0, 1.0, 1.0], &[false, true, false, true, true, false]),
            (&[1.0, 1.0, 1.0, 0.0, 1.0], &[false, false, true, true, false]),
            (&[0.5, 0.5, 0.9, 0.5, 0.5, 0.1, 0.5], &[true, false, false, false, true, true, false]),
        ];
        for (scores, rel) in cases {
            for k in [1, 2, 3, 10] {
                // Distinct score levels, highest first; within a level every order is equally likely.
                let mut levels: Vec<f64> = scores.to_vec();
                levels.sort_by(|a, b| b.total_cmp(a));
                levels.dedup();
                let groups: Vec<Vec<usize>> = levels.iter().map(|&l| (0..scores.len()).filter(|&i| scores[i] == l).collect()).collect();
                let mut orders: Vec<Vec<usize>> = vec![Vec::new()];
                for group in groups {
                    let mut next = Vec::new();
                    for prefix in &orders {
                        for perm in permutations(group.clone()) {
                            let mut o = prefix.clone();
                            o.extend(perm);
                            next.push(o);
                        }
                    }
                    orders = next;
                }
                let (mut ndcg, mut recall, mut rr) = (0.0, 0.0, 0.0);
                for order in &orders {
                    // Distinct scores in this exact order.
                    let strict: Vec<f64> = {
                        let mut s = vec![0.0; scores.len()];
                        for (pos, &i) in order.iter().enumerate() {
                            s[i] = -(pos as f64);
                        }
                        s
                    };
                    let m = evaluate(&strict, rel, k).expect("defined");
                    ndcg += m.ndcg;
                    recall += m.recall;
                    rr += m.mrr;
                }
                let n = orders.len() as f64;
                let m = evaluate(scores, rel, k).expect("defined");
                assert!(close(m.ndcg, ndcg / n), "ndcg@{k} {scores:?}: {} vs {}", m.ndcg, ndcg / n);
                assert!(close(m.recall, recall / n), "recall@{k} {scores:?}");
                assert!(close(m.mrr, rr / n), "mrr {scores:?}: {} vs {}", m.mrr, rr / n);
            }
        }
    }

    #[test]
    fn auc_counts_ties_as_half() {
        // Pairs: (0.8 vs 0.8) tie = 0.5, (0.8 vs 0.2) = 1; (0.5 vs 0.8) = 0, (0.5 vs 0.2) = 1.
        let a = auc(&[0.8, 0.5, 0.8, 0.2], &[true, true, false, false]).expect("both classes");
        assert!(close(a, 2.5 / 4.0));
        assert_eq!(auc(&[0.1, 0.2], &[true, true]), None);
    }

    #[test]
    fn no_positive_or_mismatched_lengths_are_undefined() {
        assert_eq!(evaluate(&[1.0, 2.0], &[false, false], 10), None);
        assert_eq!(evaluate(&[1.0], &[true, false], 10), None);
    }

    #[test]
    fn nan_ranks_last() {
        let m = evaluate(&[f64::NAN, 0.1], &[false, true], 1).expect("defined");
        assert_eq!((m.ndcg, m.mrr, m.auc), (1.0, 1.0, Some(1.0)));
    }
}
