//! The time-ordered protocol: where training ends, which days are tested, and each day's slate.
//!
//! Days are UTC calendar days (a Takeout's times are UTC and its owner's zone is unknown; the day
//! boundary only decides where slates are cut, and every method gets the same cut). The split is
//! rounded up to a day start, so no test day is partly training. A test day's positives are the
//! videos whose first-ever watch falls on that day; its negatives are drawn from the pool's test
//! half (a validation day's from the training half), never a video the person had watched by the
//! end of that day. The pool keeps no times: a negative may be a video someone watched after the
//! day, as in the held-out measurements this mirrors. Every method ranking day
//! `d` is given only the watches before `d`'s start.

use std::collections::HashSet;
use std::str::FromStr;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use rand::seq::SliceRandom;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use vrdndi_protocol::Video;

use crate::error::{EvalError, Result};
use crate::history::History;
use crate::pool::Pool;

/// Where training ends.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Split {
    /// Test from this UTC day on.
    Date(NaiveDate),
    /// Train on this share of the watches (by count, oldest first), test on the rest.
    Fraction(f64),
}

impl Default for Split {
    /// The oldest 80% of watches train.
    fn default() -> Self {
        Split::Fraction(0.8)
    }
}

impl FromStr for Split {
    type Err = String;

    fn from_str(text: &str) -> Result<Split, String> {
        if let Ok(date) = NaiveDate::parse_from_str(text, "%Y-%m-%d") {
            return Ok(Split::Date(date));
        }
        match text.parse::<f64>() {
            Ok(f) if f > 0.0 && f < 1.0 => Ok(Split::Fraction(f)),
            _ => Err(format!("`{text}` is neither a date like 2021-06-01 nor a fraction between 0 and 1 like 0.8")),
        }
    }
}

/// One test day.
#[derive(Debug, Clone, PartialEq)]
pub struct TestDay {
    pub start: DateTime<Utc>,
    /// `watches[..history_end]` is everything before `start`.
    pub history_end: usize,
    /// `watches[..day_end]` is everything up to the end of the day.
    pub day_end: usize,
    /// Videos first watched this day, in the order of their first watch.
    pub positives: Vec<Video>,
}

/// A slate: the day's positives and sampled negatives, shuffled.
#[derive(Debug, Clone, PartialEq)]
pub struct Slate {
    pub day: TestDay,
    pub videos: Vec<Video>,
    pub relevant: Vec<bool>,
}

fn day_start(at: DateTime<Utc>) -> DateTime<Utc> {
    at.date_naive().and_hms_opt(0, 0, 0).map_or(at, |d| d.and_utc())
}

fn next_day_start(at: DateTime<Utc>) -> DateTime<Utc> {
    let start = day_start(at);
    if start == at {
        at
    } else {
        start + Duration::days(1)
    }
}

/// The time training ends (a UTC day start; every watch before it is training).
pub fn split_time(history: &History, split: Split) -> Result<DateTime<Utc>> {
    let n = history.watches.len();
    let at = match split {
        Split::Date(date) => date.and_hms_opt(0, 0, 0).map(|d| d.and_utc()).ok_or_else(|| EvalError::Split(date.to_string()))?,
        Split::Fraction(f) => {
            let i = ((n as f64 * f).floor() as usize).min(n.saturating_sub(1));
            next_day_start(history.watches[i].at)
        }
    };
    if history.before(at) == 0 {
        return Err(EvalError::Split(format!("{}: nothing is watched before {at}, so nothing can be learnt", history.name)));
    }
    Ok(at)
}

/// Where the validation days before `split` begin: at `share` of the watches before it, rounded up
/// to a UTC day start. Weights fitted on the days between it and `split` have seen nothing of the
/// test days.
pub fn validation_start(history: &History, split: DateTime<Utc>, share: f64) -> Option<DateTime<Utc>> {
    let before = history.before(split);
    let i = (before as f64 * share).floor() as usize;
    let at = next_day_start(history.watches.get(i.min(before.checked_sub(1)?))?.at);
    (at < split).then_some(at)
}

/// The test days from `split` on (the first `max_days` of them when given): the days with at
/// least one first watch.
pub fn test_days(history: &History, split: DateTime<Utc>, max_days: Option<usize>) -> Vec<TestDay> {
    let watches = &history.watches;
    let mut seen: HashSet<&str> = HashSet::new();
    let mut i = 0;
    while i < watches.len() && watches[i].at < split {
        seen.insert(&watches[i].video.video_id);
        i += 1;
    }
    let mut days = Vec::new();
    while i < watches.len() && max_days.is_none_or(|m| days.len() < m) {
        let start = day_start(watches[i].at);
        let end = start + Duration::days(1);
        let history_end = i;
        let mut positives = Vec::new();
        while i < watches.len() && watches[i].at < end {
            if seen.insert(&watches[i].video.video_id) {
                positives.push(watches[i].video.clone());
            }
            i += 1;
        }
        if !positives.is_empty() {
            days.push(TestDay { start, history_end, day_end: i, positives });
        }
    }
    days
}

/// A day's slate: its positives and `negatives` videos from the pool's test half that the person
/// had not watched by the day's end, shuffled; the draw depends only on `seed`, the user and the
/// day, so every method and every run with the same seed sees the same slate.
pub fn slate(history: &History, day: &TestDay, pool: &Pool, test_half: &[usize], negatives: usize, seed: u64) -> Result<Slate> {
    let watched: HashSet<&str> = history.watches[..day.day_end].iter().map(|w| w.video.video_id.as_str()).collect();
    let mut rng = ChaCha8Rng::seed_from_u64(mix(seed, &history.name, day.start.timestamp()));
    let mut candidates: Vec<usize> =
        test_half.iter().copied().filter(|&i| !watched.contains(pool.videos()[i].video.video_id.as_str())).collect();
    if candidates.len() < negatives {
        return Err(EvalError::NotEnoughNegatives(format!(
            "{} has {} never-watched videos in the pool's test half for {}, {negatives} are needed; add --negatives files or lower --per-slate",
            history.name,
            candidates.len(),
            day.start.date_naive()
        )));
    }
    candidates.partial_shuffle(&mut rng, negatives);
    let mut items: Vec<(Video, bool)> = day.positives.iter().map(|v| (v.clone(), true)).collect();
    items.extend(candidates[..negatives].iter().map(|&i| (pool.videos()[i].video.clone(), false)));
    items.shuffle(&mut rng);
    let (videos, relevant) = items.into_iter().unzip();
    Ok(Slate { day: day.clone(), videos, relevant })
}

/// A seed for one (run seed, user, item) triple: stable across runs and platforms.
pub(crate) fn mix(seed: u64, user: &str, item: i64) -> u64 {
    use sha2::{Digest, Sha256};
    let mut hasher = Sha256::new();
    hasher.update(seed.to_le_bytes());
    hasher.update(user.as_bytes());
    hasher.update(item.to_le_bytes());
    let digest = hasher.finalize();
    let mut bytes = [0u8; 8];
    bytes.copy_from_slice(&digest[..8]);
    u64::from_le_bytes(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::history::Watch;
    use chrono::TimeZone;

    fn history(watches: &[(&str, u32, u32)]) -> History {
        History {
            name: "u".into(),
            watches: watches
                .iter()
                .map(|&(id, day, hour)| Watch {
                    video: Video::new(id, id),
                    at: Utc.with_ymd_and_hms(2021, 3, day, hour, 0, 0).single().expect("time"),
                })
                .collect(),
            left: Default::default(),
        }
    }

    #[test]
    fn splits_parse_as_dates_or_fractions() {
        assert_eq!("2021-06-01".parse::<Split>(), Ok(Split::Date(NaiveDate::from_ymd_opt(2021, 6, 1).expect("date"))));
        assert_eq!("0.75".parse::<Split>(), Ok(Split::Fraction(0.75)));
        assert!("1.5".parse::<Split>().is_err() && "soon".parse::<Split>().is_err());
    }

    #[test]
    fn test_days_hold_first_watches_only_and_see_only_the_past() {
        let h = history(&[("a", 1, 10), ("b", 1, 12), ("a", 2, 9), ("c", 2, 10), ("c", 2, 11), ("b", 3, 8), ("d", 4, 8)]);
        // 0.3 of 7 watches -> index 2 (day 2, 09:00) -> rounded up to day 3.
        let split = split_time(&h, Split::Fraction(0.3)).expect("split");
        assert_eq!(split, Utc.with_ymd_and_hms(2021, 3, 3, 0, 0, 0).single().expect("time"));
        let days = test_days(&h, split, None);
        // Day 3 only rewatches b: no positive, no slate. Day 4 first-watches d.
        assert_eq!(days.len(), 1);
        assert_eq!(days[0].positives.iter().map(|v| v.video_id.as_str()).collect::<Vec<_>>(), ["d"]);
        assert_eq!((days[0].history_end, days[0].day_end), (6, 7));
        assert!(h.watches[..days[0].history_end].iter().all(|w| w.at < days[0].start));
        let early = test_days(&h, Utc.with_ymd_and_hms(2021, 3, 2, 0, 0, 0).single().expect("time"), Some(1));
        assert_eq!(early[0].positives.iter().map(|v| v.video_id.as_str()).collect::<Vec<_>>(), ["c"], "a was seen on day 1");
    }

    #[test]
    fn a_split_before_any_watch_is_refused() {
        let h = history(&[("a", 5, 10)]);
        let error = split_time(&h, Split::Date(NaiveDate::from_ymd_opt(2021, 3, 1).expect("date"))).expect_err("no past");
        assert!(error.to_string().contains("nothing is watched before"), "{error}");
    }

    #[test]
    fn slates_never_hold_a_watched_video_as_negative_and_are_reproducible() {
        let h = history(&[("aaaaaaaaaaa", 1, 10), ("bbbbbbbbbbb", 2, 10)]);
        let mut pool = Pool::new(0);
        let mut others = vec![Watch { video: Video::new("aaaaaaaaaaa", "a"), at: h.watches[0].at }];
        for i in 0..30 {
            others.push(Watch { video: Video::new(format!("n{i:010}"), "n"), at: h.watches[0].at });
        }
        others.push(Watch { video: Video::new("bbbbbbbbbbb", "b"), at: h.watches[0].at });
        pool.add_history(&History { name: "o".into(), watches: others, left: Default::default() }, std::path::Path::new("o"));
        let all: Vec<usize> = (0..pool.len()).collect();
        let days = test_days(&h, Utc.with_ymd_and_hms(2021, 3, 2, 0, 0, 0).single().expect("time"), None);
        let s = slate(&h, &days[0], &pool, &all, 30, 9).expect("enough");
        assert_eq!(s.videos.len(), 31);
        assert_eq!(s.relevant.iter().filter(|&&r| r).count(), 1);
        for (v, r) in s.videos.iter().zip(&s.relevant) {
            assert!(*r || (v.video_id != "aaaaaaaaaaa" && v.video_id != "bbbbbbbbbbb"), "{v:?}");
        }
        assert_eq!(s, slate(&h, &days[0], &pool, &all, 30, 9).expect("same"));
        assert!(slate(&h, &days[0], &pool, &all, 31, 9).is_err(), "only 30 never-watched videos");
    }
}
