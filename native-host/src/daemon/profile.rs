//! The person's profile as the cold start reads it, built from the store: imported history
//! (watches, likes, dislikes), labels, and watch events.
//!
//! Which records count and which are embedded is `vrdndi_rank::profile`, shared with the
//! evaluation: channel counts from all of it, vectors for the latest tens of thousands (in
//! practice the whole history; a 10,000-video history takes about a minute to embed on two
//! cores, in the background, in chunks so the profile grows as it goes).
//!
//! A build has two steps. The first reads the store and the cached vectors only (milliseconds)
//! and is used at once: a ranking right after an import or a like already counts it (a ranking
//! that arrives during that read waits for it, rather than rank with an older profile). The
//! second embeds the recent items that were not cached, on one background thread and after any
//! waiting ranking, and reads the profile again. Any change to the store (a label, an undo, a
//! watch, an import) makes the profile stale, and the next ranking reads it again.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};

use chrono::{DateTime, Utc};
use vrdndi_embed::TextKind;
use vrdndi_protocol::{FeedbackKind, HistoryKind, Video, VideoKind};
use vrdndi_rank::profile::{assemble, embedded_entries};
use vrdndi_rank::{video_text, HistoryEntry, Signal, UserProfile};
use vrdndi_store::{Store, StoreError};

use super::embeddings::{Embeddings, EmbeddingsError, Priority};

/// Titles embedded per step of the background embedding of the history.
const HISTORY_CHUNK: usize = 512;
/// A watch event counts as watched from this fraction of the video (YouTube's own ~half).
pub const WATCHED_FRACTION: f32 = 0.5;

/// Every signal in the store, newest first per signal, one record per video and signal.
fn gather(store: &Store) -> Result<Vec<HistoryEntry>, StoreError> {
    let mut latest: HashMap<(String, Signal), HistoryEntry> = HashMap::new();
    let mut keep = |video: Video, signal: Signal, at: Option<DateTime<Utc>>| {
        // Ads are not chosen by the person: they say nothing about their taste.
        if video.kind == VideoKind::Ad || !Video::is_valid_id(&video.video_id) {
            return;
        }
        let key = (video.video_id.clone(), signal);
        match latest.get_mut(&key) {
            Some(old) if old.at >= at => {}
            _ => {
                latest.insert(key, HistoryEntry { video, signal, at });
            }
        }
    };
    for stored in store.history() {
        let record = stored?.record;
        let signal = match record.kind {
            HistoryKind::Watch => Signal::Watched,
            HistoryKind::Like => Signal::Liked,
            HistoryKind::Dislike => Signal::Disliked,
            HistoryKind::Search | HistoryKind::Subscription | HistoryKind::Playlist => continue,
        };
        if let Some(video) = record.video {
            keep(video, signal, record.at);
        }
    }
    for (video_id, (signal, at)) in label_signals(store)? {
        let video = store.video(&video_id)?.unwrap_or_else(|| Video::new(video_id, ""));
        keep(video, signal, Some(at));
    }
    for watch in store.watches() {
        let watch = watch?;
        if watch.fraction >= WATCHED_FRACTION {
            let video = store.video(&watch.video_id)?.unwrap_or_else(|| Video::new(watch.video_id.clone(), ""));
            keep(video, Signal::Watched, Some(watch.at));
        }
    }
    let mut records: Vec<HistoryEntry> = latest.into_values().collect();
    records.sort_by(|a, b| b.at.cmp(&a.at).then_with(|| a.video.video_id.cmp(&b.video.video_id)));
    Ok(records)
}

/// The interest the labels leave on each video: the last of like / interesting (liked),
/// dislike / not interesting (disliked) and remove-like (neither) wins. Undone labels and the
/// "right time / not now" labels (about the moment, not the video) do not count.
fn label_signals(store: &Store) -> Result<HashMap<String, (Signal, DateTime<Utc>)>, StoreError> {
    let mut state: HashMap<String, Option<(Signal, DateTime<Utc>)>> = HashMap::new();
    for label in store.labels()? {
        if label.undone_at.is_some() {
            continue;
        }
        let signal = match label.kind {
            FeedbackKind::Like | FeedbackKind::Interesting => Some(Signal::Liked),
            FeedbackKind::Dislike | FeedbackKind::NotInteresting => Some(Signal::Disliked),
            FeedbackKind::RemoveLike => None,
            FeedbackKind::RightTime | FeedbackKind::NotNow => continue,
        };
        // Labels come oldest first: a later one replaces an earlier one.
        state.insert(label.video_id, signal.map(|s| (s, label.at)));
    }
    Ok(state.into_iter().filter_map(|(id, s)| s.map(|s| (id, s))).collect())
}

#[derive(Default)]
struct State {
    current: Arc<UserProfile>,
    /// Bumped by every change to the store.
    generation: u64,
    /// The generation `current` was read at; None before the first read.
    built: Option<u64>,
    /// A thread is reading the store (others wait for it: it takes milliseconds).
    reading: bool,
    /// A background thread is embedding history (at most one).
    embedding: bool,
}

/// The current profile and its rebuilds.
#[derive(Default)]
pub struct Profiles {
    state: Mutex<State>,
    read_done: Condvar,
    /// Signalled when the background thread stops embedding.
    embed_done: Condvar,
}

impl Profiles {
    /// The store changed: the next [`Profiles::current`] reads it again.
    pub fn changed(&self) {
        self.lock().generation += 1;
    }

    /// The profile to rank with: read again from the store when it is stale (or the read
    /// another thread is doing), with the recent history that is not embedded yet left to a
    /// background thread.
    pub fn current(self: &Arc<Self>, store: &Store, embeddings: &Embeddings) -> Arc<UserProfile> {
        let missing = self.refresh(store, embeddings, false);
        let mut state = self.lock();
        let profile = state.current.clone();
        if missing.is_empty() || state.embedding {
            return profile;
        }
        state.embedding = true;
        drop(state);
        let (profiles, store, embeddings) = (self.clone(), store.clone(), embeddings.clone());
        let spawned =
            std::thread::Builder::new().name("vrdndi-profile".into()).spawn(move || profiles.embed_history(&store, &embeddings, missing));
        if let Err(e) = spawned {
            tracing::error!("cannot start the profile thread: {e}");
            self.embedding_stopped();
        }
        profile
    }

    /// [`Profiles::current`], waiting up to `limit` for the recent history to be embedded first:
    /// for pages a person opens to browse (the feed), where a complete profile matters more than a
    /// second. A homepage ranking never waits for it.
    pub fn settled(self: &Arc<Self>, store: &Store, embeddings: &Embeddings, limit: std::time::Duration) -> Arc<UserProfile> {
        self.current(store, embeddings);
        let deadline = std::time::Instant::now() + limit;
        let mut state = self.lock();
        while state.embedding {
            let left = deadline.saturating_duration_since(std::time::Instant::now());
            if left.is_zero() {
                break;
            }
            state = self.embed_done.wait_timeout(state, left).unwrap_or_else(std::sync::PoisonError::into_inner).0;
        }
        state.current.clone()
    }

    fn embedding_stopped(&self) {
        self.lock().embedding = false;
        self.embed_done.notify_all();
    }

    /// Reads the store and the cached vectors into a new profile, when it is stale or `force`;
    /// returns the recent records that have no vector yet.
    fn refresh(&self, store: &Store, embeddings: &Embeddings, force: bool) -> Vec<HistoryEntry> {
        let mut state = self.lock();
        while state.reading {
            state = self.read_done.wait(state).unwrap_or_else(std::sync::PoisonError::into_inner);
        }
        if !force && state.built == Some(state.generation) {
            return Vec::new();
        }
        state.reading = true;
        let generation = state.generation;
        drop(state);
        let read = read(store, embeddings);
        let mut state = self.lock();
        state.reading = false;
        state.built = Some(generation);
        let missing = match read {
            Ok((profile, missing)) => {
                state.current = Arc::new(profile);
                missing
            }
            Err(e) => {
                tracing::error!("cannot build the profile: {e}");
                Vec::new()
            }
        };
        self.read_done.notify_all();
        missing
    }

    /// Embeds the history [`Profiles::refresh`] found without vectors, newest first and
    /// [`HISTORY_CHUNK`] titles at a time, reading the profile again after each chunk (so a long
    /// import improves the ranking as it goes, and `vrdndi status` counts the embeddings rise);
    /// repeats while new history arrived meanwhile.
    fn embed_history(&self, store: &Store, embeddings: &Embeddings, mut missing: Vec<HistoryEntry>) {
        loop {
            missing.truncate(HISTORY_CHUNK);
            let texts: Vec<String> = missing.iter().map(|r| video_text(&r.video)).collect();
            let started = std::time::Instant::now();
            let embedded = embeddings.embed(&texts, TextKind::Passage, Priority::Background);
            match &embedded {
                Ok(_) => tracing::info!(embedded = texts.len(), seconds = started.elapsed().as_secs_f64(), "history embedded"),
                Err(e) => tracing::error!("cannot embed the history: {e}"),
            }
            let next = self.refresh(store, embeddings, true);
            // Stop on a failure, and when a text stays without a vector (no progress).
            let before: HashSet<String> = texts.into_iter().collect();
            if embedded.is_err() || next.is_empty() || next.iter().any(|r| before.contains(&video_text(&r.video))) {
                self.embedding_stopped();
                return;
            }
            missing = next;
        }
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// The profile from the store and the cached vectors, and the recent records still to embed.
fn read(store: &Store, embeddings: &Embeddings) -> Result<(UserProfile, Vec<HistoryEntry>), ProfileError> {
    let records = gather(store)?;
    let recent: Vec<HistoryEntry> = embedded_entries(&records).into_iter().cloned().collect();
    let texts: Vec<String> = recent.iter().map(|r| video_text(&r.video)).collect();
    let cached = embeddings.cached(&texts, TextKind::Passage)?;
    let mut vectors = HashMap::new();
    let mut missing = Vec::new();
    for ((record, text), vector) in recent.into_iter().zip(texts).zip(cached) {
        match vector {
            Some(v) => {
                vectors.insert(text, v);
            }
            None => missing.push(record),
        }
    }
    let (profile, left_out) = assemble(&records, &vectors);
    for e in left_out {
        tracing::warn!("history item left out of the profile: {e}");
    }
    tracing::info!(records = records.len(), embedded = profile.items().len(), to_embed = missing.len(), "profile read");
    Ok((profile, missing))
}

#[derive(Debug, thiserror::Error)]
enum ProfileError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Embeddings(#[from] EmbeddingsError),
}

#[cfg(test)]
mod tests {
    use super::*;
    use vrdndi_protocol::{FeedbackSource, HistoryRecord};
    use vrdndi_store::{StoredLabel, WatchEvent};

    fn video(id: &str, title: &str, channel: &str) -> Video {
        let mut v = Video::new(id, title);
        v.channel = Some(channel.into());
        v
    }

    fn t(text: &str) -> DateTime<Utc> {
        text.parse().expect("time")
    }

    fn label(id: &str, video_id: &str, kind: FeedbackKind, at: &str) -> StoredLabel {
        StoredLabel {
            feedback_id: id.into(),
            kind,
            video_id: video_id.into(),
            source: FeedbackSource::Youtube,
            at: t(at),
            context: Vec::new(),
            undone_at: None,
        }
    }

    #[test]
    fn every_source_counts_once_per_video_and_the_last_label_wins() {
        let dir = tempfile::tempdir().expect("temp dir");
        let store = Store::open(dir.path()).expect("store");
        let watch = |id: &str, at: &str| HistoryRecord {
            kind: HistoryKind::Watch,
            video: Some(video(id, "Rust traits", "No Boilerplate")),
            text: None,
            channel_id: None,
            at: Some(t(at)),
        };
        let mut ad = watch("adadadadada", "2024-01-03T00:00:00Z");
        if let Some(v) = ad.video.as_mut() {
            v.kind = VideoKind::Ad;
        }
        let records = [watch("aaaaaaaaaaa", "2024-01-01T00:00:00Z"), watch("aaaaaaaaaaa", "2024-01-02T00:00:00Z"), ad];
        store.import_history("test", &records).expect("import");

        let liked = video("bbbbbbbbbbb", "Rust async", "No Boilerplate");
        store.add_label(&label("1", "bbbbbbbbbbb", FeedbackKind::Like, "2024-02-01T00:00:00Z"), &liked).expect("label");
        let unliked = video("ccccccccccc", "Gossip", "Daily Gossip");
        store.add_label(&label("2", "ccccccccccc", FeedbackKind::Like, "2024-02-01T00:00:00Z"), &unliked).expect("label");
        store.add_label(&label("3", "ccccccccccc", FeedbackKind::RemoveLike, "2024-02-02T00:00:00Z"), &unliked).expect("label");
        store.add_label(&label("4", "ccccccccccc", FeedbackKind::NotNow, "2024-02-03T00:00:00Z"), &unliked).expect("label");
        let half = WatchEvent { video_id: "ddddddddddd".into(), fraction: 0.9, watched_s: 300.0, at: t("2024-03-01T00:00:00Z") };
        store.record_watch(&half, &video("ddddddddddd", "Cooking", "Chef")).expect("watch");
        let glance = WatchEvent { video_id: "eeeeeeeeeee".into(), fraction: 0.1, watched_s: 20.0, at: t("2024-03-01T00:00:00Z") };
        store.record_watch(&glance, &video("eeeeeeeeeee", "Skipped", "Chef")).expect("watch");

        let records = gather(&store).expect("gathers");
        let seen: Vec<(&str, Signal)> = records.iter().map(|r| (r.video.video_id.as_str(), r.signal)).collect();
        assert_eq!(
            seen,
            [("ddddddddddd", Signal::Watched), ("bbbbbbbbbbb", Signal::Liked), ("aaaaaaaaaaa", Signal::Watched)],
            "newest first, the rewatch once, the ad, the removed like and the glance left out"
        );
        assert_eq!(records[2].at, Some(t("2024-01-02T00:00:00Z")), "the latest watch is kept");

        let (profile, _) = assemble(&records, &HashMap::from([(video_text(&records[1].video), vec![1.0, 0.0])]));
        assert_eq!(profile.items().len(), 1, "only the embedded record is an item");
        let tile = video("fffffffffff", "New", "no boilerplate");
        let stats = profile.channel(&tile);
        assert_eq!((stats.watched, stats.liked, stats.disliked), (1, 1, 0), "every record is counted");
    }

    /// The daemon's profile and the evaluation's, made from the same real history, are the same
    /// profile and score a slate identically: every number `vrdndi eval takeout` reports for
    /// Vrdndi is the number the daemon would rank with (given the same vectors).
    #[test]
    fn the_evaluation_ranks_with_the_daemons_profile() {
        let shared = std::env::var_os("VRDNDI_SHARED")
            .map(std::path::PathBuf::from)
            .unwrap_or_else(|| std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared"));
        let history = vrdndi_eval::History::load(&shared.join("data/B1-takeout-watch-histories/user6_tunaerol/watch-history.json"))
            .expect("the shared user6 history (set VRDNDI_SHARED)");
        let split = history.watches.len() * 4 / 5;
        let (past_watches, later) = history.watches.split_at(split);
        let at = later[0].at;

        let dir = tempfile::tempdir().expect("temp dir");
        let store = Store::open(dir.path()).expect("store");
        let records: Vec<HistoryRecord> = past_watches
            .iter()
            .map(|w| HistoryRecord { kind: HistoryKind::Watch, video: Some(w.video.clone()), text: None, channel_id: None, at: Some(w.at) })
            .collect();
        store.import_history("takeout", &records).expect("import");

        // Vectors: a fixed function of the text, the same for both paths.
        let vector = |text: &str| {
            let mut v: Vec<f32> = (0..8u32)
                .map(|i| ((text.len() as u32 * 31 + i * 17 + text.bytes().map(u32::from).sum::<u32>() * (i + 1)) % 97) as f32 - 48.0)
                .collect();
            let norm = v.iter().map(|x| x * x).sum::<f32>().sqrt();
            v.iter_mut().for_each(|x| *x /= norm);
            v
        };
        let records = gather(&store).expect("gathers");
        let vectors: HashMap<String, Vec<f32>> = records.iter().map(|r| (video_text(&r.video), vector(&video_text(&r.video)))).collect();
        let (daemon, left_out) = assemble(&records, &vectors);
        assert!(left_out.is_empty());

        let past_vectors: Vec<Vec<f32>> = past_watches.iter().map(|w| vector(&video_text(&w.video))).collect();
        let refs: Vec<&[f32]> = past_vectors.iter().map(Vec::as_slice).collect();
        let past = vrdndi_eval::methods::Past::new(at, past_watches, &refs).expect("past");
        let evaluated = vrdndi_eval::methods::Vrdndi::profile(&past).expect("profile");

        assert_eq!(daemon.items().len(), evaluated.items().len());
        let candidates: Vec<vrdndi_rank::Candidate> = later
            .iter()
            .take(40)
            .chain(past_watches.iter().rev().take(10))
            .map(|w| vrdndi_rank::Candidate { video: w.video.clone(), embedding: vector(&video_text(&w.video)) })
            .collect();
        let ranker = vrdndi_rank::Ranker::cold_start("multilingual-e5-small@test");
        let context = vrdndi_rank::Context::empty(at, chrono::FixedOffset::east_opt(0).expect("utc"));
        let prefs = vrdndi_rank::Preferences::default();
        let by_daemon = ranker.score(&daemon, &context, &candidates, &prefs).expect("daemon scores");
        let by_eval = ranker.score(&evaluated, &context, &candidates, &prefs).expect("eval scores");
        assert_eq!(by_daemon, by_eval);
        let features = ranker.features(&daemon, &context, &candidates).expect("features");
        assert!(features.iter().any(|f| f[0] == 1.0) && features.iter().any(|f| f[0] == 0.0), "known and unknown channels on the slate");
    }
}
