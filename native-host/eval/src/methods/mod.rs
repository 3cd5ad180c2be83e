//! The methods that rank a slate, all behind one trait so they see exactly the same input: the
//! slate's embedded candidates and the [`Past`], which holds only what happened before the day.

mod baselines;
pub mod logistic;
mod similarity;
mod vrdndi;

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use vrdndi_protocol::Video;
use vrdndi_rank::Candidate;

use crate::error::Result;
use crate::history::Watch;

pub use baselines::{ChannelAffinity, Popularity, Random, Recency};
pub use logistic::LogisticBlend;
pub use similarity::{Centroid, ItemKnn, DEFAULT_NEIGHBOURS};
pub use vrdndi::Vrdndi;

/// One distinct video of the past, with its embedding.
#[derive(Debug, Clone)]
pub struct PastVideo<'a> {
    /// As of its latest watch.
    pub video: &'a Video,
    pub first_at: DateTime<Utc>,
    pub last_at: DateTime<Utc>,
    pub watches: u32,
    pub embedding: &'a [f32],
}

/// Everything a method may know when ranking a day: the watches before `at`, and the distinct
/// videos among them (in order of first watch).
#[derive(Debug, Clone)]
pub struct Past<'a> {
    /// The ranking time: the day's start. Every watch here is before it.
    pub at: DateTime<Utc>,
    pub watches: &'a [Watch],
    pub videos: Vec<PastVideo<'a>>,
}

impl<'a> Past<'a> {
    /// The past made of `watches`; `embeddings[i]` is the embedding of `watches[i]`'s video.
    pub fn new(at: DateTime<Utc>, watches: &'a [Watch], embeddings: &[&'a [f32]]) -> Result<Past<'a>> {
        if embeddings.len() != watches.len() {
            return Err(crate::error::EvalError::InvalidOption(format!("{} embeddings for {} watches", embeddings.len(), watches.len())));
        }
        let mut index: HashMap<&str, usize> = HashMap::with_capacity(watches.len());
        let mut videos: Vec<PastVideo<'a>> = Vec::new();
        for (watch, &embedding) in watches.iter().zip(embeddings) {
            match index.get(watch.video.video_id.as_str()) {
                // The latest watch wins: a renamed video is embedded as the person last saw it.
                Some(&i) => {
                    let v = &mut videos[i];
                    v.video = &watch.video;
                    v.embedding = embedding;
                    v.last_at = watch.at;
                    v.watches += 1;
                }
                None => {
                    index.insert(&watch.video.video_id, videos.len());
                    videos.push(PastVideo { video: &watch.video, first_at: watch.at, last_at: watch.at, watches: 1, embedding });
                }
            }
        }
        Ok(Past { at, watches, videos })
    }
}

/// A way to rank a slate.
pub trait Method {
    /// Short name for tables and JSON keys.
    fn name(&self) -> &str;

    /// One score per candidate, higher first; `seed` is fixed per (run, user, day).
    fn score(&self, past: &Past<'_>, slate: &[Candidate], seed: u64) -> Result<Vec<f64>>;
}
