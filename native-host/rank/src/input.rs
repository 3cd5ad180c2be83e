//! What the ranker is given: already-embedded candidates, the context before the ranking time,
//! and the person's profile. Embedding happens elsewhere (`vrdndi-embed`); this crate sees vectors.
//!
//! The texts to embed are made here ([`video_text`], [`context_text`]) so that training and
//! serving embed exactly the same strings.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex, OnceLock};

use chrono::{DateTime, Duration, FixedOffset, Utc};
use vrdndi_protocol::{ContextEvent, Video};

use crate::error::{RankError, Result};

/// How far back the context reaches: the person's "right now". The seed read six hours. On C1's 42
/// labels the context AUC rose with the window (int8: 0.71 at 30 min, 0.78 at 1-2 h, 0.80 at 6 h,
/// intervals overlapping), but from one hour on the hackathon's coding and reading stretches blur:
/// the coding-versus-news swap of `tests/rank_context.rs` fails at 60 minutes and holds at 30
/// (EVALUATION.md). One window for ranking, labels, training and evaluation.
pub const DEFAULT_LOOKBACK: Duration = Duration::minutes(30);

/// At most this many events form a context by default (the longest ones are kept).
pub const DEFAULT_MAX_EVENTS: usize = 32;

/// Longest description prefix put into a video's text: e5-small reads 512 tokens at most and the
/// title and channel matter most.
const DESCRIPTION_CHARS: usize = 300;

/// The text embedded for a video (the embedder adds e5's `passage: ` prefix): title, channel and
/// the start of the description when known.
pub fn video_text(video: &Video) -> String {
    let mut text = video.title.trim().to_owned();
    if let Some(channel) = video.channel.as_deref().map(str::trim).filter(|c| !c.is_empty()) {
        text.push_str(" | ");
        text.push_str(channel);
    }
    if let Some(description) = video.description.as_deref().map(str::trim).filter(|d| !d.is_empty()) {
        text.push_str(" | ");
        text.extend(description.chars().take(DESCRIPTION_CHARS));
    }
    text
}

/// The text embedded for a context event (the embedder adds e5's `query: ` prefix):
/// `category | title`. The app is deliberately left out: a measured trap (FIELD-NOTES) showed an
/// app name in the text dominating the topic; it is a category, not words.
pub fn context_text(event: &ContextEvent) -> String {
    let title = event.title.trim();
    if event.category.is_empty() {
        title.to_owned()
    } else {
        format!("{} | {title}", event.category.join(" > "))
    }
}

/// Picks the events that form the context at `at`: those that started in `[at - lookback, at)`
/// (never after `at`), durations cut at `at`, repeats of the same app and title merged (their
/// durations added, the latest start kept), then the `max_events` longest, oldest first.
/// Embed [`context_text`] of each and make [`ContextToken`]s from them.
pub fn select_context_events(events: &[ContextEvent], at: DateTime<Utc>, lookback: Duration, max_events: usize) -> Vec<ContextEvent> {
    let from = at - lookback;
    let mut merged: Vec<ContextEvent> = Vec::new();
    let mut index: HashMap<(String, String), usize> = HashMap::new();
    for event in events.iter().filter(|e| e.start < at && e.start >= from && e.duration_s.is_finite()) {
        let until_at = (at - event.start).num_milliseconds() as f64 / 1000.0;
        let duration = event.duration_s.clamp(0.0, until_at);
        let key = (event.app.clone(), event.title.clone());
        match index.get(&key) {
            Some(&i) => {
                merged[i].duration_s += duration;
                merged[i].start = merged[i].start.max(event.start);
            }
            None => {
                index.insert(key, merged.len());
                merged.push(ContextEvent { duration_s: duration, ..event.clone() });
            }
        }
    }
    merged.sort_by(|a, b| b.duration_s.total_cmp(&a.duration_s));
    merged.truncate(max_events);
    merged.sort_by_key(|e| e.start);
    merged
}

/// How many candidates' similarities a profile remembers at most.
const REMEMBERED_SIMILARITIES: usize = 20_000;

/// A video to score with the embedding of its [`video_text`].
#[derive(Debug, Clone, PartialEq)]
pub struct Candidate {
    pub video: Video,
    pub embedding: Vec<f32>,
}

/// One context event with the embedding of its [`context_text`].
#[derive(Debug, Clone, PartialEq)]
pub struct ContextToken {
    pub start: DateTime<Utc>,
    pub duration_s: f64,
    /// Kept for reasons ("matches what you were doing: Code - navbar.js"), never embedded.
    pub app: String,
    pub title: String,
    pub embedding: Vec<f32>,
}

impl ContextToken {
    pub fn from_event(event: &ContextEvent, embedding: Vec<f32>) -> Self {
        ContextToken { start: event.start, duration_s: event.duration_s, app: event.app.clone(), title: event.title.clone(), embedding }
    }

    /// `ln(1 + seconds)`: the model z-scores this with statistics fitted on its training data.
    pub fn log_duration(&self) -> f32 {
        (1.0 + self.duration_s.max(0.0)).ln() as f32
    }
}

/// What the person was doing before `at`, and where on the clock `at` falls for them.
#[derive(Debug, Clone, PartialEq)]
pub struct Context {
    at: DateTime<Utc>,
    utc_offset: FixedOffset,
    tokens: Vec<ContextToken>,
}

impl Context {
    /// Keeps only the tokens that started before `at` and cuts durations that run past it, so a
    /// context can never hold the future (the seed's 8-hour shift came from exactly that).
    /// `utc_offset` is the person's offset at `at` (for the time of day; never a fixed zone).
    pub fn new(at: DateTime<Utc>, utc_offset: FixedOffset, tokens: Vec<ContextToken>) -> Self {
        let tokens = tokens
            .into_iter()
            .filter(|t| t.start < at)
            .map(|mut t| {
                let until_at = (at - t.start).num_milliseconds() as f64 / 1000.0;
                t.duration_s = if t.duration_s.is_finite() { t.duration_s.clamp(0.0, until_at) } else { 0.0 };
                t
            })
            .collect();
        Context { at, utc_offset, tokens }
    }

    /// No context (ActivityWatch not running, or nothing recorded): productive is neutral.
    pub fn empty(at: DateTime<Utc>, utc_offset: FixedOffset) -> Self {
        Context { at, utc_offset, tokens: Vec::new() }
    }

    pub fn at(&self) -> DateTime<Utc> {
        self.at
    }

    pub fn utc_offset(&self) -> FixedOffset {
        self.utc_offset
    }

    /// Oldest first, all before [`Context::at`].
    pub fn tokens(&self) -> &[ContextToken] {
        &self.tokens
    }

    pub fn is_empty(&self) -> bool {
        self.tokens.is_empty()
    }

    /// Hours since local midnight at `time`, in [0, 24).
    pub fn local_hour(&self, time: DateTime<Utc>) -> f64 {
        let local = time.with_timezone(&self.utc_offset);
        let midnight = local.date_naive().and_hms_opt(0, 0, 0).map(|m| local.naive_local() - m);
        midnight.map_or(0.0, |d| d.num_milliseconds() as f64 / 3_600_000.0)
    }
}

/// What the person did with a video in their history.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Signal {
    Watched,
    Liked,
    Disliked,
}

/// One embedded video of the person's history.
#[derive(Debug, Clone, PartialEq)]
pub struct ProfileItem {
    pub video: Video,
    pub signal: Signal,
    pub at: Option<DateTime<Utc>>,
    pub embedding: Vec<f32>,
}

/// Distinct videos of one channel the person watched, liked and disliked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ChannelStats {
    pub watched: u32,
    pub liked: u32,
    pub disliked: u32,
}

/// The person's history as the cold start reads it: embedded items for similarity, and per-channel
/// counts (which may cover more history than was embedded).
#[derive(Debug, Clone, Default)]
pub struct UserProfile {
    items: Vec<ProfileItem>,
    item_index: HashMap<(String, Signal), usize>,
    counted: HashSet<(String, Signal)>,
    channels: HashMap<String, ChannelStats>,
    /// Per channel key, when each distinct watched or liked video of it was last seen.
    channel_times: HashMap<String, Vec<DateTime<Utc>>>,
    /// The latest watch or like.
    latest: Option<DateTime<Utc>>,
    /// The normalised mean of the items' embeddings (watched and liked), made on first use.
    centroid: OnceLock<Option<Vec<f32>>>,
    /// Every item's embedding, row-major, made on first use: copying a whole history for each
    /// ranking cost more than the ranking.
    matrix: OnceLock<Option<candle_core::Tensor>>,
    /// Each candidate text's [`crate::interest::Similarity`] to these items, once computed; shared
    /// by the clones of one profile, new with any change to the items.
    similarities: Arc<Mutex<HashMap<String, crate::interest::Similarity>>>,
}

impl UserProfile {
    pub fn new() -> Self {
        UserProfile::default()
    }

    /// Adds an embedded history item and counts it for its channel. The same video with the same
    /// signal is kept once (the latest time wins), so re-imports and rewatches do not inflate.
    pub fn add_item(&mut self, item: ProfileItem) -> Result<()> {
        check_vector(&item.embedding, || format!("the embedding of history video {}", item.video.video_id))?;
        if let Some(first) = self.items.first() {
            check_dimension(&item.embedding, first.embedding.len(), || format!("the embedding of history video {}", item.video.video_id))?;
        }
        self.count(&item.video, item.signal, item.at);
        self.centroid = OnceLock::new();
        self.matrix = OnceLock::new();
        self.similarities = Arc::default();
        let key = (item.video.video_id.clone(), item.signal);
        match self.item_index.get(&key) {
            Some(&i) => {
                if item.at > self.items[i].at {
                    self.items[i] = item;
                }
            }
            None => {
                self.item_index.insert(key, self.items.len());
                self.items.push(item);
            }
        }
        Ok(())
    }

    /// Counts a history record for its channel without an embedding (history too long to embed).
    /// `at` is when the person last watched or rated it, for the channel's recency.
    pub fn count(&mut self, video: &Video, signal: Signal, at: Option<DateTime<Utc>>) {
        if !self.counted.insert((video.video_id.clone(), signal)) {
            return;
        }
        // Dislikes say nothing about when the person last chose the channel.
        let chosen_at = at.filter(|_| signal != Signal::Disliked);
        for key in channel_keys(video) {
            let stats = self.channels.entry(key.clone()).or_default();
            match signal {
                Signal::Watched => stats.watched += 1,
                Signal::Liked => stats.liked += 1,
                Signal::Disliked => stats.disliked += 1,
            }
            if let Some(at) = chosen_at {
                self.channel_times.entry(key).or_default().push(at);
            }
        }
        self.latest = self.latest.max(chosen_at);
    }

    /// The time the history's recency is measured from at `now`: `now`, or a day after the latest
    /// watch or like when that was longer ago (a Takeout imported long after it was made, or a
    /// person back after a year away). "Lately" then means lately in the person's own viewing.
    pub fn recency_reference(&self, now: DateTime<Utc>) -> DateTime<Utc> {
        match self.latest {
            Some(latest) if latest < now => now.min(latest + chrono::Duration::days(1)),
            _ => now,
        }
    }

    /// When the person last watched or liked something of `video`'s channel, before `now`.
    pub fn channel_last_seen(&self, video: &Video, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        self.channel_times_of(video)?.iter().copied().filter(|&t| t < now).max()
    }

    /// The channel's distinct watched or liked videos before `now`, each weighing
    /// `0.5^(age / half_life_days)`.
    pub fn channel_decayed(&self, video: &Video, now: DateTime<Utc>, half_life_days: f64) -> f64 {
        self.channel_times_of(video).map_or(0.0, |times| {
            times.iter().filter(|&&t| t < now).map(|&t| 0.5f64.powf((now - t).num_seconds() as f64 / 86_400.0 / half_life_days)).sum()
        })
    }

    fn channel_times_of(&self, video: &Video) -> Option<&Vec<DateTime<Utc>>> {
        channel_keys(video).iter().find_map(|k| self.channel_times.get(k))
    }

    /// The remembered similarities of these candidate texts (None where not computed yet).
    pub(crate) fn remembered(&self, keys: &[String]) -> Vec<Option<crate::interest::Similarity>> {
        let memory = self.similarities.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        keys.iter().map(|k| memory.get(k).copied()).collect()
    }

    /// Remembers similarities for [`UserProfile::remembered`]; forgets all past
    /// [`REMEMBERED_SIMILARITIES`] (a long feed session), as they are cheap to compute again.
    pub(crate) fn remember(&self, computed: Vec<(String, crate::interest::Similarity)>) {
        let mut memory = self.similarities.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if memory.len() + computed.len() > REMEMBERED_SIMILARITIES {
            memory.clear();
        }
        memory.extend(computed);
    }

    /// The items' embeddings as one `items x dim` matrix, in [`UserProfile::items`] order (None
    /// without items).
    pub(crate) fn matrix(&self) -> Option<&candle_core::Tensor> {
        self.matrix
            .get_or_init(|| {
                let dim = self.dimension()?;
                let flat: Vec<f32> = self.items.iter().flat_map(|i| i.embedding.iter().copied()).collect();
                candle_core::Tensor::from_vec(flat, (self.items.len(), dim), &candle_core::Device::Cpu).ok()
            })
            .as_ref()
    }

    /// The normalised mean embedding of the watched and liked items (each once), if any.
    pub fn centroid(&self) -> Option<&[f32]> {
        self.centroid
            .get_or_init(|| {
                let dim = self.dimension()?;
                let mut mean = vec![0f64; dim];
                for item in self.items.iter().filter(|i| i.signal != Signal::Disliked) {
                    for (m, x) in mean.iter_mut().zip(&item.embedding) {
                        *m += f64::from(*x);
                    }
                }
                let norm = mean.iter().map(|x| x * x).sum::<f64>().sqrt();
                (norm > 0.0).then(|| mean.iter().map(|x| (x / norm) as f32).collect())
            })
            .as_deref()
    }

    pub fn items(&self) -> &[ProfileItem] {
        &self.items
    }

    /// The counts for `video`'s channel, matched by channel id first, then by name.
    pub fn channel(&self, video: &Video) -> ChannelStats {
        channel_keys(video).iter().find_map(|k| self.channels.get(k).copied()).unwrap_or_default()
    }

    /// Dimension of the embedded items, when there are any.
    pub fn dimension(&self) -> Option<usize> {
        self.items.first().map(|i| i.embedding.len())
    }
}

/// Lookup keys of a video's channel: its id and its display name (case-folded). Tiles on a page
/// may show only one of them; Takeout has both.
pub fn channel_keys(video: &Video) -> Vec<String> {
    let mut keys = Vec::with_capacity(2);
    if let Some(id) = video.channel_id.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        keys.push(format!("id:{id}"));
    }
    if let Some(name) = video.channel.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        keys.push(format!("name:{}", name.to_lowercase()));
    }
    keys
}

pub(crate) fn check_vector(v: &[f32], what: impl FnOnce() -> String) -> Result<()> {
    if v.iter().all(|x| x.is_finite()) {
        Ok(())
    } else {
        Err(RankError::NotFinite { what: what() })
    }
}

pub(crate) fn check_dimension(v: &[f32], expected: usize, what: impl FnOnce() -> String) -> Result<()> {
    if v.len() == expected {
        Ok(())
    } else {
        Err(RankError::Dimension { what: what(), expected, got: v.len() })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn event(min: i64, secs: f64, app: &str, title: &str) -> ContextEvent {
        ContextEvent {
            start: Utc.with_ymd_and_hms(2024, 3, 4, 10, 0, 0).single().expect("valid") + Duration::minutes(min),
            duration_s: secs,
            app: app.into(),
            title: title.into(),
            category: vec![],
            url: None,
        }
    }

    #[test]
    fn context_selection_never_reaches_past_the_ranking_time() {
        let at = Utc.with_ymd_and_hms(2024, 3, 4, 11, 0, 0).single().expect("valid");
        let events = vec![
            event(-400, 60.0, "code", "too old"),
            event(0, 600.0, "code", "navbar.js"),
            event(30, 600.0, "firefox", "MDN flexbox"),
            event(40, 300.0, "code", "navbar.js"),
            event(55, 3600.0, "slack", "runs past at"),
            event(61, 60.0, "code", "the future"),
        ];
        let picked = select_context_events(&events, at, Duration::hours(6), 8);
        let titles: Vec<&str> = picked.iter().map(|e| e.title.as_str()).collect();
        assert_eq!(titles, ["MDN flexbox", "navbar.js", "runs past at"]);
        assert_eq!(picked[1].duration_s, 900.0, "repeats merge");
        assert_eq!(picked[2].duration_s, 300.0, "cut at the ranking time");
        assert!(picked.iter().all(|e| e.start < at));
        let longest = select_context_events(&events, at, Duration::hours(6), 1);
        let recent = select_context_events(&events, at, DEFAULT_LOOKBACK, 8);
        assert_eq!(recent.iter().map(|e| e.title.as_str()).collect::<Vec<_>>(), ["MDN flexbox", "navbar.js", "runs past at"]);
        assert_eq!(recent[1].duration_s, 300.0, "only the part inside the window");
        assert_eq!(longest[0].title, "navbar.js");
    }

    #[test]
    fn the_app_name_is_not_part_of_the_context_text() {
        let mut e = event(0, 1.0, "Firefox Developer Edition", "CSS grid guide");
        assert_eq!(context_text(&e), "CSS grid guide");
        e.category = vec!["Work".into(), "Programming".into()];
        assert_eq!(context_text(&e), "Work > Programming | CSS grid guide");
    }

    #[test]
    fn a_repeated_history_record_counts_once() {
        let mut profile = UserProfile::new();
        let mut video = Video::new("aaaaaaaaaaa", "t");
        video.channel = Some("Fireship".into());
        for _ in 0..3 {
            profile
                .add_item(ProfileItem { video: video.clone(), signal: Signal::Liked, at: None, embedding: vec![1.0, 0.0] })
                .expect("adds");
        }
        profile.count(&video, Signal::Watched, None);
        let mut tile = Video::new("bbbbbbbbbbb", "other");
        tile.channel = Some("fireship ".into());
        assert_eq!(profile.channel(&tile), ChannelStats { watched: 1, liked: 1, disliked: 0 });
        assert_eq!(profile.items().len(), 1);
        let bad = ProfileItem { video, signal: Signal::Watched, at: None, embedding: vec![1.0, 0.0, 0.0] };
        assert!(matches!(profile.add_item(bad), Err(RankError::Dimension { .. })));
    }
}
