//! Vrdndi's own scorer, exactly as the product calls it: `vrdndi_rank::Ranker::score` with the
//! person's history as the profile, ranked by `final_score`. A Takeout carries no ActivityWatch
//! context, so the context is empty (productive is then neutral and the order is interest's).

use chrono::{Offset, Utc};
use vrdndi_rank::{Candidate, Context, Preferences, ProfileItem, Ranker, Signal, UserProfile};

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

    /// The profile the ranker reads: every distinct past video as watched at its latest watch.
    pub fn profile(past: &Past<'_>) -> Result<UserProfile> {
        let mut profile = UserProfile::new();
        for v in &past.videos {
            profile.add_item(ProfileItem {
                video: v.video.clone(),
                signal: Signal::Watched,
                at: Some(v.last_at),
                embedding: v.embedding.to_vec(),
            })?;
        }
        Ok(profile)
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
