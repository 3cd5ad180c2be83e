//! `history_page`: the labelling studio's view of the imported watch history and likes.
//!
//! The history holds one record per watch, so a video watched five times is five records; the
//! studio labels videos, so they are folded into one item per video (newest first) with the labels
//! in force. Counts come from the labels themselves on every call, so they are right on a fresh
//! store and after an undo (the seed's labeller never showed them).

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use vrdndi_protocol::{
    FeedbackKind, HistoryItem, HistoryKind, HistoryPageReply, HistoryPageRequest, LabelCounts, LabelSummary, Video, MAX_PAGE_LIMIT,
};
use vrdndi_store::{Store, StoredLabel};

use super::failure::Failure;
use super::service::Service;

/// The four labels the studio gives (likes and dislikes come from YouTube).
pub(crate) const STUDIO_KINDS: [FeedbackKind; 4] =
    [FeedbackKind::Interesting, FeedbackKind::NotInteresting, FeedbackKind::RightTime, FeedbackKind::NotNow];

impl Service {
    pub(crate) fn history_page(&self, request: &HistoryPageRequest) -> Result<HistoryPageReply, Failure> {
        check_limit(request.limit)?;
        let labels = self.store.labels()?;
        let counts = label_counts(&labels);
        let by_video = labels_by_video(&labels);
        let videos = history_videos(&self.store)?;
        let labeled = |id: &str| by_video.get(id).is_some_and(|l| l.iter().any(|l| STUDIO_KINDS.contains(&l.kind)));
        let labeled_count = videos.iter().filter(|v| labeled(&v.video_id)).count() as u64;
        let matching: Vec<&HistoryVideo> = videos.iter().filter(|v| !request.unlabeled_only || !labeled(&v.video_id)).collect();
        let items = matching
            .iter()
            .skip(request.offset as usize)
            .take(request.limit as usize)
            .map(|v| {
                Ok(HistoryItem {
                    video: self.store.video(&v.video_id)?.unwrap_or_else(|| Video::new(v.video_id.clone(), "")),
                    at: v.at,
                    kinds: v.kinds.clone(),
                    labels: by_video.get(v.video_id.as_str()).cloned().unwrap_or_default(),
                })
            })
            .collect::<Result<Vec<_>, Failure>>()?;
        Ok(HistoryPageReply {
            total: matching.len() as u64,
            videos: videos.len() as u64,
            labeled: labeled_count,
            offset: request.offset,
            items,
            counts,
        })
    }
}

pub(crate) fn check_limit(limit: u32) -> Result<(), Failure> {
    if (1..=MAX_PAGE_LIMIT).contains(&limit) {
        Ok(())
    } else {
        Err(Failure::invalid(format!("`limit` must be 1 to {MAX_PAGE_LIMIT}, not {limit}")))
    }
}

/// One history video: its id, the latest time, what happened.
pub(crate) struct HistoryVideo {
    pub video_id: String,
    pub at: Option<DateTime<Utc>>,
    pub kinds: Vec<HistoryKind>,
}

/// Watched, liked or disliked videos of the imported history, once each, newest first (undated
/// last), ties by id so that pages are stable.
pub(crate) fn history_videos(store: &Store) -> Result<Vec<HistoryVideo>, Failure> {
    let mut by_id: HashMap<String, HistoryVideo> = HashMap::new();
    for stored in store.history() {
        let record = stored?.record;
        if !matches!(record.kind, HistoryKind::Watch | HistoryKind::Like | HistoryKind::Dislike) {
            continue;
        }
        let Some(video) = record.video else { continue };
        let entry = by_id.entry(video.video_id.clone()).or_insert_with(|| HistoryVideo {
            video_id: video.video_id.clone(),
            at: None,
            kinds: Vec::new(),
        });
        entry.at = entry.at.max(record.at);
        if !entry.kinds.contains(&record.kind) {
            entry.kinds.push(record.kind);
        }
    }
    let mut videos: Vec<HistoryVideo> = by_id.into_values().collect();
    videos.sort_by(|a, b| b.at.cmp(&a.at).then_with(|| a.video_id.cmp(&b.video_id)));
    Ok(videos)
}

pub(crate) fn label_counts(labels: &[StoredLabel]) -> LabelCounts {
    let mut counts = LabelCounts::default();
    for label in labels {
        if label.undone_at.is_some() {
            counts.undone += 1;
            continue;
        }
        let slot = match label.kind {
            FeedbackKind::Interesting => &mut counts.interesting,
            FeedbackKind::NotInteresting => &mut counts.not_interesting,
            FeedbackKind::RightTime => &mut counts.right_time,
            FeedbackKind::NotNow => &mut counts.not_now,
            FeedbackKind::Like => &mut counts.like,
            FeedbackKind::Dislike => &mut counts.dislike,
            FeedbackKind::RemoveLike => &mut counts.remove_like,
        };
        *slot += 1;
    }
    counts
}

/// Labels in force per video, oldest first.
pub(crate) fn labels_by_video(labels: &[StoredLabel]) -> HashMap<&str, Vec<LabelSummary>> {
    let mut by_video: HashMap<&str, Vec<LabelSummary>> = HashMap::new();
    for label in labels.iter().filter(|l| l.undone_at.is_none()) {
        by_video.entry(label.video_id.as_str()).or_default().push(LabelSummary {
            feedback_id: label.feedback_id.clone(),
            kind: label.kind,
            source: label.source,
            at: label.at,
        });
    }
    by_video
}
