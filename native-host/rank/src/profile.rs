//! How a person's history becomes the [`UserProfile`] the ranker reads: one place for the daemon
//! and the evaluation, so an evaluated number is the product's number.
//!
//! Every entry counts for its channel (and its channel's recency); the latest [`EMBEDDED_WATCHED`]
//! watched, [`EMBEDDED_LIKED`] liked and [`EMBEDDED_DISLIKED`] disliked videos with a title are
//! the embedded items that similarity reads. The caps bound memory (20,000 vectors of 384 floats
//! are 30 MiB, held twice: as items and as the matrix similarity reads) and the first embedding
//! after an import; real Takeouts hold 2k-10k watches, so in
//! practice the whole history is read.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use vrdndi_protocol::Video;

use crate::input::{video_text, ProfileItem, Signal, UserProfile};

/// How many of the latest watched videos are embedded items.
pub const EMBEDDED_WATCHED: usize = 20_000;
/// How many of the latest liked videos are embedded items.
pub const EMBEDDED_LIKED: usize = 5_000;
/// How many of the latest disliked videos are embedded items.
pub const EMBEDDED_DISLIKED: usize = 1_000;

/// What the person did with one video, and when (the latest time).
#[derive(Debug, Clone, PartialEq)]
pub struct HistoryEntry {
    pub video: Video,
    pub signal: Signal,
    pub at: Option<DateTime<Utc>>,
}

/// The entries whose vectors the profile holds: the latest of each signal with a title, up to
/// its cap. `entries` must be newest first.
pub fn embedded_entries(entries: &[HistoryEntry]) -> Vec<&HistoryEntry> {
    let mut left = [(Signal::Watched, EMBEDDED_WATCHED), (Signal::Liked, EMBEDDED_LIKED), (Signal::Disliked, EMBEDDED_DISLIKED)];
    entries
        .iter()
        .filter(|r| !r.video.title.trim().is_empty())
        .filter(|r| match left.iter_mut().find(|(s, _)| *s == r.signal) {
            Some((_, n)) if *n > 0 => {
                *n -= 1;
                true
            }
            _ => false,
        })
        .collect()
}

/// The profile of `entries` (newest first): every entry counted, and the [`embedded_entries`]
/// that have a vector in `vectors` (keyed by [`video_text`]) as items. Also returns the vectors
/// left out as unusable (another width after a model change, not finite), for the caller to log.
pub fn assemble(entries: &[HistoryEntry], vectors: &HashMap<String, Vec<f32>>) -> (UserProfile, Vec<crate::RankError>) {
    let mut profile = UserProfile::new();
    let mut left_out = Vec::new();
    for entry in embedded_entries(entries) {
        if let Some(embedding) = vectors.get(&video_text(&entry.video)) {
            let item = ProfileItem { video: entry.video.clone(), signal: entry.signal, at: entry.at, embedding: embedding.clone() };
            if let Err(e) = profile.add_item(item) {
                left_out.push(e);
            }
        }
    }
    for entry in entries {
        profile.count(&entry.video, entry.signal, entry.at);
    }
    (profile, left_out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(id: String, signal: Signal) -> HistoryEntry {
        let mut video = Video::new(id, "t");
        video.channel = Some("c".into());
        HistoryEntry { video, signal, at: None }
    }

    #[test]
    fn the_embedded_set_is_capped_per_signal() {
        let entries: Vec<HistoryEntry> = (0..EMBEDDED_DISLIKED + 5)
            .map(|i| entry(format!("D{i:010}"), Signal::Disliked))
            .chain((0..3).map(|i| entry(format!("L{i:010}"), Signal::Liked)))
            .collect();
        let picked = embedded_entries(&entries);
        assert_eq!(picked.iter().filter(|r| r.signal == Signal::Disliked).count(), EMBEDDED_DISLIKED);
        assert_eq!(picked.iter().filter(|r| r.signal == Signal::Liked).count(), 3);
    }
}
