//! Content baselines over the same embeddings Vrdndi uses: the centroid of everything watched,
//! and item-kNN (how close the candidate is to its nearest watched videos). If Vrdndi's scorer
//! cannot beat these, its extra parts are not earning their keep.

use candle_core::{Device, Tensor};
use vrdndi_rank::Candidate;

use super::{Method, Past};
use crate::error::Result;

/// Neighbours averaged by [`ItemKnn`] by default.
pub const DEFAULT_NEIGHBOURS: usize = 10;

/// Cosine to the normalised mean of the watched videos' embeddings (each distinct video once).
#[derive(Debug, Default)]
pub struct Centroid;

impl Method for Centroid {
    fn name(&self) -> &str {
        "centroid"
    }

    fn score(&self, past: &Past<'_>, slate: &[Candidate], _seed: u64) -> Result<Vec<f64>> {
        let dim = slate.first().map_or(0, |c| c.embedding.len());
        let mut mean = vec![0f64; dim];
        for v in past.videos.iter().filter(|v| v.embedding.len() == dim) {
            for (m, x) in mean.iter_mut().zip(v.embedding) {
                *m += f64::from(*x);
            }
        }
        let norm = mean.iter().map(|x| x * x).sum::<f64>().sqrt();
        if norm == 0.0 {
            return Ok(vec![0.0; slate.len()]);
        }
        Ok(slate.iter().map(|c| c.embedding.iter().zip(&mean).map(|(a, m)| f64::from(*a) * m).sum::<f64>() / norm).collect())
    }
}

/// Item-kNN: the mean cosine of the candidate's `k` most similar watched videos.
#[derive(Debug)]
pub struct ItemKnn {
    pub k: usize,
}

impl Default for ItemKnn {
    fn default() -> Self {
        ItemKnn { k: DEFAULT_NEIGHBOURS }
    }
}

impl Method for ItemKnn {
    fn name(&self) -> &str {
        "item-knn"
    }

    fn score(&self, past: &Past<'_>, slate: &[Candidate], _seed: u64) -> Result<Vec<f64>> {
        let rows: Vec<&[f32]> = past.videos.iter().map(|v| v.embedding).collect();
        let sims = cosines(slate, &rows)?;
        let n = rows.len();
        Ok((0..slate.len())
            .map(|i| {
                if n == 0 {
                    return 0.0;
                }
                let mut row: Vec<f32> = sims[i * n..(i + 1) * n].to_vec();
                let k = self.k.clamp(1, n);
                row.select_nth_unstable_by(k - 1, |a, b| b.total_cmp(a));
                row[..k].iter().map(|&s| f64::from(s)).sum::<f64>() / k as f64
            })
            .collect())
    }
}

/// Dot products of every candidate with every row, row-major `candidates x rows`, by one matrix
/// product (the rows are unit vectors, so these are cosines).
pub(crate) fn cosines(slate: &[Candidate], rows: &[&[f32]]) -> Result<Vec<f32>> {
    let dim = slate.first().map_or(0, |c| c.embedding.len());
    if slate.is_empty() || rows.is_empty() || dim == 0 {
        return Ok(Vec::new());
    }
    let a: Vec<f32> = slate.iter().flat_map(|c| c.embedding.iter().copied()).collect();
    let b: Vec<f32> = rows.iter().flat_map(|r| r.iter().copied()).collect();
    let a = Tensor::from_vec(a, (slate.len(), dim), &Device::Cpu)?;
    let b = Tensor::from_vec(b, (rows.len(), dim), &Device::Cpu)?;
    Ok(a.matmul(&b.t()?)?.flatten_all()?.to_vec1::<f32>()?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::history::Watch;
    use chrono::{TimeZone, Utc};
    use vrdndi_protocol::Video;

    #[test]
    fn centroid_and_knn_prefer_what_resembles_the_history() {
        let at = Utc.with_ymd_and_hms(2021, 1, 1, 0, 0, 0).single().expect("time");
        let watches: Vec<Watch> = ["a", "b", "c"].iter().map(|id| Watch { video: Video::new(*id, *id), at }).collect();
        let vectors: [&[f32]; 3] = [&[1.0, 0.0], &[1.0, 0.0], &[0.0, 1.0]];
        let past = Past::new(at + chrono::Duration::days(1), &watches, &vectors).expect("past");
        let slate = [
            Candidate { video: Video::new("x", "x"), embedding: vec![1.0, 0.0] },
            Candidate { video: Video::new("y", "y"), embedding: vec![0.0, 1.0] },
            Candidate { video: Video::new("z", "z"), embedding: vec![-1.0, 0.0] },
        ];
        let c = Centroid.score(&past, &slate, 0).expect("scores");
        assert!(c[0] > c[1] && c[1] > c[2], "{c:?}");
        // k = 1: the nearest neighbour decides; y has an exact match too.
        let one = ItemKnn { k: 1 }.score(&past, &slate, 0).expect("scores");
        assert_eq!(one, [1.0, 1.0, 0.0]);
        let two = ItemKnn { k: 2 }.score(&past, &slate, 0).expect("scores");
        assert_eq!(two, [1.0, 0.5, -0.5]);
    }
}
