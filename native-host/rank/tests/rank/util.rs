//! Small deterministic inputs shared by the tests.

use chrono::{DateTime, Duration, FixedOffset, TimeZone, Utc};
use vrdndi_protocol::Video;
use vrdndi_rank::{Candidate, Context, ContextToken};

pub const DIM: usize = 32;

pub fn at() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2024, 3, 4, 14, 0, 0).single().expect("time")
}

pub fn offset() -> FixedOffset {
    FixedOffset::east_opt(3600).expect("offset")
}

/// A unit vector: `base` direction mixed with a little of `detail` (both axis indices).
pub fn vector(base: usize, detail: usize, mix: f32) -> Vec<f32> {
    let mut v = vec![0.05f32; DIM];
    v[base % DIM] += 1.0;
    v[detail % DIM] += mix;
    let n = v.iter().map(|x| x * x).sum::<f32>().sqrt();
    v.into_iter().map(|x| x / n).collect()
}

pub fn video(id: &str, title: &str, channel: &str) -> Video {
    let mut v = Video::new(id, title);
    v.channel = Some(channel.into());
    v
}

pub fn candidate(id: &str, title: &str, channel: &str, embedding: Vec<f32>) -> Candidate {
    Candidate { video: video(id, title, channel), embedding }
}

pub fn token(minutes_ago: i64, secs: f64, app: &str, title: &str, embedding: Vec<f32>) -> ContextToken {
    ContextToken { start: at() - Duration::minutes(minutes_ago), duration_s: secs, app: app.into(), title: title.into(), embedding }
}

pub fn context(tokens: Vec<ContextToken>) -> Context {
    Context::new(at(), offset(), tokens)
}
