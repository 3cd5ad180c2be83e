//! Baselines that need no embeddings: random, popularity, recency and channel affinity. They set
//! the floor a learned ranker has to clear; channel affinity in particular is strong on YouTube,
//! where people return to the channels they know.

use std::collections::HashMap;

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use vrdndi_rank::{channel_keys, Candidate};

use super::{Method, Past};
use crate::error::Result;
use crate::pool::Pool;

/// Uniform random scores: the chance level of every metric.
#[derive(Debug, Default)]
pub struct Random;

impl Method for Random {
    fn name(&self) -> &str {
        "random"
    }

    fn score(&self, _past: &Past<'_>, slate: &[Candidate], seed: u64) -> Result<Vec<f64>> {
        let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0x0052_414e_444f_4d00);
        Ok(slate.iter().map(|_| rng.random::<f64>()).collect())
    }
}

/// How often the video appears in the negatives' sources (trending days, other people's
/// watches). The person's own history never counts: a test positive is by definition unwatched.
#[derive(Debug)]
pub struct Popularity<'p> {
    pub pool: &'p Pool,
}

impl Method for Popularity<'_> {
    fn name(&self) -> &str {
        "popularity"
    }

    fn score(&self, _past: &Past<'_>, slate: &[Candidate], _seed: u64) -> Result<Vec<f64>> {
        Ok(slate.iter().map(|c| f64::from(self.pool.appearances(&c.video.video_id))).collect())
    }
}

/// Recency: how recently the person last watched anything from the candidate's channel (a
/// Takeout has no upload times, so "most recently uploaded" cannot be scored for the positives;
/// "most recently seen" is scored at the channel level). Channels never watched tie last.
#[derive(Debug, Default)]
pub struct Recency;

impl Method for Recency {
    fn name(&self) -> &str {
        "recency"
    }

    fn score(&self, past: &Past<'_>, slate: &[Candidate], _seed: u64) -> Result<Vec<f64>> {
        let mut last: HashMap<String, i64> = HashMap::new();
        for v in &past.videos {
            for key in channel_keys(v.video) {
                let t = last.entry(key).or_insert(i64::MIN);
                *t = (*t).max(v.last_at.timestamp());
            }
        }
        Ok(slate
            .iter()
            .map(|c| {
                let seen = channel_keys(&c.video).iter().find_map(|k| last.get(k).copied());
                seen.map_or(f64::NEG_INFINITY, |t| -((past.at.timestamp() - t) as f64))
            })
            .collect())
    }
}

/// Channel affinity: how many distinct videos of the candidate's channel the person watched.
#[derive(Debug, Default)]
pub struct ChannelAffinity;

impl Method for ChannelAffinity {
    fn name(&self) -> &str {
        "channel"
    }

    fn score(&self, past: &Past<'_>, slate: &[Candidate], _seed: u64) -> Result<Vec<f64>> {
        let mut counts: HashMap<String, u32> = HashMap::new();
        for v in &past.videos {
            for key in channel_keys(v.video) {
                *counts.entry(key).or_default() += 1;
            }
        }
        Ok(slate.iter().map(|c| f64::from(channel_keys(&c.video).iter().find_map(|k| counts.get(k).copied()).unwrap_or(0))).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::history::Watch;
    use chrono::{TimeZone, Utc};
    use vrdndi_protocol::Video;

    fn video(id: &str, channel_id: Option<&str>, channel: &str) -> Video {
        let mut v = Video::new(id, id);
        v.channel = Some(channel.into());
        v.channel_id = channel_id.map(Into::into);
        v
    }

    #[test]
    fn channel_and_recency_match_by_id_or_name() {
        let t = |h| Utc.with_ymd_and_hms(2021, 1, 1, h, 0, 0).single().expect("time");
        let watches = vec![
            Watch { video: video("a", Some("UC1"), "Fireship"), at: t(1) },
            Watch { video: video("b", Some("UC1"), "Fireship"), at: t(2) },
            Watch { video: video("b", Some("UC1"), "Fireship"), at: t(3) },
            Watch { video: video("c", Some("UC2"), "Veritasium"), at: t(4) },
        ];
        let none: [&[f32]; 4] = [&[]; 4];
        let past = Past::new(t(10), &watches, &none).expect("past");
        let slate = [
            Candidate { video: video("x", None, "fireship "), embedding: vec![] },
            Candidate { video: video("y", Some("UC2"), "renamed"), embedding: vec![] },
            Candidate { video: video("z", None, "Unknown"), embedding: vec![] },
        ];
        assert_eq!(ChannelAffinity.score(&past, &slate, 0).expect("scores"), [2.0, 1.0, 0.0]);
        let r = Recency.score(&past, &slate, 0).expect("scores");
        assert_eq!(r[0], -7.0 * 3600.0, "last Fireship watch at 3:00");
        assert_eq!(r[1], -6.0 * 3600.0);
        assert_eq!(r[2], f64::NEG_INFINITY);
        let a = Random.score(&past, &slate, 5).expect("scores");
        assert_eq!(a, Random.score(&past, &slate, 5).expect("scores"));
        assert_ne!(a, Random.score(&past, &slate, 6).expect("scores"));
    }
}
