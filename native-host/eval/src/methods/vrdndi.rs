//! Vrdndi's own scorer, exactly as the product calls it: `vrdndi_rank::Ranker::score` with the
//! person's history as the profile, ranked by `final_score`. A Takeout carries no ActivityWatch
//! context, so the context is empty (productive is then neutral and the order is interest's).

use chrono::{Offset, Utc};
use std::collections::HashMap;

use vrdndi_rank::profile::assemble;
use vrdndi_rank::{video_text, Candidate, Context, HistoryEntry, Preferences, Ranker, Signal, UserProfile};

use super::{Method, Past};
use crate::error::Result;

/// The ranker under a name: `vrdndi-cold` (cold start) or `vrdndi-learned` (with a model).
#[derive(Debug)]
pub struct Vrdndi {
    pub name: String,
    pub ranker: Ranker,
    pub preferences: Preferences,
}

impl Vrdndi {
    pub fn new(name: impl Into<String>, ranker: Ranker) -> Vrdndi {
        Vrdndi { name: name.into(), ranker, preferences: Preferences::default() }
    }

    /// The profile the ranker reads, built as the daemon builds it (`vrdndi_rank::profile`):
    /// every distinct past video as watched at its latest watch.
    pub fn profile(past: &Past<'_>) -> Result<UserProfile> {
        let mut entries: Vec<HistoryEntry> =
            past.videos.iter().map(|v| HistoryEntry { video: v.video.clone(), signal: Signal::Watched, at: Some(v.last_at) }).collect();
        entries.sort_by(|a, b| b.at.cmp(&a.at).then_with(|| a.video.video_id.cmp(&b.video.video_id)));
        let vectors: HashMap<String, Vec<f32>> = past.videos.iter().map(|v| (video_text(v.video), v.embedding.to_vec())).collect();
        let (profile, left_out) = assemble(&entries, &vectors);
        match left_out.into_iter().next() {
            Some(e) => Err(e.into()),
            None => Ok(profile),
        }
    }
}

impl Method for Vrdndi {
    fn name(&self) -> &str {
        &self.name
    }

    fn score(&self, past: &Past<'_>, slate: &[Candidate], _seed: u64) -> Result<Vec<f64>> {
        let profile = Vrdndi::profile(past)?;
        let context = Context::empty(past.at, Utc.fix());
        let scores = self.ranker.score(&profile, &context, slate, &self.preferences)?;
        Ok(scores.iter().map(|s| f64::from(s.final_score)).collect())
    }
}
