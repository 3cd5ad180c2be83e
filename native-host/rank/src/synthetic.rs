//! Synthetic but realistic labels for benchmarks and tests of the training machinery, where no
//! real labels exist yet (real ones come from the person's clicks).
//!
//! Embeddings imitate e5: every vector shares a common direction, so unrelated texts still sit at
//! cosine ~0.78 and same-topic texts at ~0.88. A person has work topics and leisure topics; during
//! working hours their context is mostly work windows, otherwise leisure ones. They like videos of
//! their topics (and dislike the rest), and call a video "right time" when its topic matches what
//! they are doing. 10% of labels are flipped, as real clicks are noisy.

use chrono::{DateTime, Duration, FixedOffset, Offset, TimeZone, Timelike, Utc};
use vrdndi_protocol::Video;

use crate::input::{Candidate, Context, ContextToken, ProfileItem, Signal, UserProfile};
use crate::rng::Rng;
use crate::train::Label;

/// The world a synthetic person lives in.
#[derive(Debug, Clone)]
pub struct Scenario {
    pub dim: usize,
    topics: Vec<Vec<f32>>,
    common: Vec<f32>,
    work: Vec<usize>,
    leisure: Vec<usize>,
    rng: Rng,
    pub start: DateTime<Utc>,
    pub offset: FixedOffset,
}

impl Scenario {
    /// 24 topics: 3 are the person's work, 4 their leisure, the rest of no interest.
    pub fn new(dim: usize, seed: u64) -> Self {
        let mut rng = Rng::new(seed);
        let common = random_unit(&mut rng, dim);
        let topics = (0..24).map(|_| random_unit(&mut rng, dim)).collect();
        let start = Utc.with_ymd_and_hms(2024, 1, 1, 0, 0, 0).single().unwrap_or_default();
        Scenario {
            dim,
            topics,
            common,
            work: vec![0, 1, 2],
            leisure: vec![3, 4, 5, 6],
            rng,
            start,
            offset: FixedOffset::east_opt(3600).unwrap_or(Utc.fix()),
        }
    }

    /// An e5-like embedding of a text about `topic`.
    pub fn embedding(&mut self, topic: usize) -> Vec<f32> {
        let noise = random_unit(&mut self.rng, self.dim);
        let v: Vec<f32> = (0..self.dim).map(|i| 0.88 * self.common[i] + 0.30 * self.topics[topic][i] + 0.36 * noise[i]).collect();
        normalise(v)
    }

    pub fn is_work(&self, topic: usize) -> bool {
        self.work.contains(&topic)
    }

    pub fn is_liked(&self, topic: usize) -> bool {
        self.work.contains(&topic) || self.leisure.contains(&topic)
    }

    pub fn candidate(&mut self, topic: usize, id: usize) -> Candidate {
        let mut video = Video::new(format!("v{id:010}"), format!("topic {topic} video {id}"));
        video.channel = Some(format!("channel {topic}-{}", id % 3));
        video.duration_s = Some((60.0 * (2.0 + 40.0 * self.rng.uniform())) as u32);
        video.uploaded_at = Some(self.start - Duration::days(self.rng.below(400) as i64));
        Candidate { embedding: self.embedding(topic), video }
    }

    /// The context at `at`: 4 to 30 events from the last 6 hours, mostly of work topics in
    /// working hours (weekdays 9 to 18 local), mostly leisure otherwise.
    pub fn context(&mut self, at: DateTime<Utc>) -> (Context, bool) {
        let local = at.with_timezone(&self.offset);
        let working = (9..18).contains(&local.hour()) && chrono::Datelike::weekday(&local).num_days_from_monday() < 5;
        let n = 4 + self.rng.below(27);
        let mut tokens = Vec::with_capacity(n);
        for i in 0..n {
            let pool = if (self.rng.uniform() < 0.8) == working { &self.work } else { &self.leisure };
            let topic = pool[self.rng.below(pool.len())];
            let minutes_ago = (360 * (n - i) / (n + 1)) as i64;
            tokens.push(ContextToken {
                start: at - Duration::minutes(minutes_ago),
                duration_s: (30.0 * (self.rng.normal() * 1.2).exp()).min(3600.0),
                app: if self.is_work(topic) { "code".into() } else { "firefox".into() },
                title: format!("window about topic {topic}"),
                embedding: self.embedding(topic),
            });
        }
        (Context::new(at, self.offset, tokens), working)
    }

    /// `n` labels spread over 60 days, in time order.
    pub fn labels(&mut self, n: usize) -> Vec<Label> {
        let mut labels = Vec::with_capacity(n);
        for i in 0..n {
            let at = self.start + Duration::seconds((i as f64 * 60.0 * 86_400.0 / n as f64) as i64);
            let (context, working) = self.context(at);
            let topic = self.rng.below(self.topics.len());
            let candidate = self.candidate(topic, i);
            let noisy = |rng: &mut Rng, y: bool| if rng.uniform() < 0.1 { !y } else { y };
            let (liked, timely) = (self.is_liked(topic), self.is_work(topic) == working && self.is_liked(topic));
            let interest = noisy(&mut self.rng, liked);
            let productive = noisy(&mut self.rng, timely);
            let kind = self.rng.uniform();
            labels.push(Label {
                candidate,
                context,
                interest: (kind < 0.7).then_some(interest),
                productive: (kind >= 0.6).then_some(productive),
            });
        }
        labels
    }

    /// A watch history of `n` videos of the person's topics, with a few likes.
    pub fn profile(&mut self, n: usize) -> UserProfile {
        let mut profile = UserProfile::new();
        let liked: Vec<usize> = self.work.iter().chain(&self.leisure).copied().collect();
        for i in 0..n {
            let topic = liked[self.rng.below(liked.len())];
            let candidate = self.candidate(topic, 1_000_000 + i);
            let signal = if i % 10 == 0 { Signal::Liked } else { Signal::Watched };
            let at = Some(self.start - Duration::hours(i as i64));
            // Synthetic vectors are always finite and of one width.
            let _ = profile.add_item(ProfileItem { video: candidate.video, signal, at, embedding: candidate.embedding });
        }
        profile
    }
}

fn random_unit(rng: &mut Rng, dim: usize) -> Vec<f32> {
    normalise((0..dim).map(|_| rng.normal() as f32).collect())
}

fn normalise(v: Vec<f32>) -> Vec<f32> {
    let n = v.iter().map(|x| x * x).sum::<f32>().sqrt().max(1e-12);
    v.into_iter().map(|x| x / n).collect()
}
