//! `feed`: the personal feed page's list, ranked for now through the same ranker as `rank`.
//!
//! Candidates are the videos of recent impressions (every surface the extension ranked) and the
//! videos the store knows from channels of the imported history. Videos already watched or rated
//! go below the others, and no channel fills more than [`MAX_RUN`] places in a row, so one
//! prolific channel cannot take over a screen. Without a model the feed still lists, newest
//! impression first, and says why it is not ranked. Nothing here records an impression: the feed
//! is our own page, not a slate YouTube chose.

use std::collections::{HashMap, HashSet};

use chrono::{Duration, Utc};
use vrdndi_protocol::{FeedItem, FeedReply, FeedRequest, HistoryKind, RankRequest, Surface, TileScore, Video};

use super::failure::Failure;
use super::service::Service;
use super::studio::check_limit;

/// How far back impressions count as "seen recently".
const RECENT_DAYS: i64 = 14;
/// The most candidates ranked per request (each is scored; new ones are embedded).
const MAX_CANDIDATES: usize = 300;
/// The feed waits this long at most for the recent history to be embedded (right after an import:
/// a few seconds), so that it ranks with the whole profile instead of changing a moment later.
const PROFILE_WAIT: std::time::Duration = std::time::Duration::from_secs(10);
/// The most videos of one channel in a row.
pub(crate) const MAX_RUN: usize = 2;

struct Candidate {
    video: Video,
    sources: Vec<String>,
    /// Newest impression first; channel videos after.
    recency: usize,
}

impl Service {
    pub(crate) fn feed(&self, request: &FeedRequest) -> Result<FeedReply, Failure> {
        check_limit(request.limit)?;
        let at = request.at.unwrap_or_else(Utc::now);
        let candidates = self.feed_candidates(at)?;
        let seen = self.seen_videos()?;
        let tiles: Vec<Video> = candidates.iter().map(|c| c.video.clone()).collect();
        let (scores, model, problem) = if tiles.is_empty() {
            (HashMap::new(), String::new(), None)
        } else {
            let context = self.context.model_context(at);
            let rank = RankRequest { surface: Surface::Home, tiles, at: Some(at) };
            match self.ranker.rank_settled(&rank, &context, PROFILE_WAIT) {
                Ok(reply) => {
                    let scores: HashMap<String, TileScore> = reply.scores.into_iter().map(|s| (s.video_id.clone(), s)).collect();
                    (scores, reply.model, None)
                }
                Err(failure) => (HashMap::new(), String::new(), Some(format!("not ranked: {}", failure.message))),
            }
        };
        let mut items: Vec<(FeedItem, usize)> = candidates
            .into_iter()
            .map(|c| {
                let score = scores.get(&c.video.video_id).cloned();
                let is_seen = seen.contains(c.video.video_id.as_str());
                let mut reasons = score.as_ref().map(|s| s.reasons.clone()).unwrap_or_default();
                if is_seen {
                    reasons.push("you watched or rated it already".to_owned());
                }
                if c.sources.iter().any(|s| s == "history_channel") {
                    reasons.push("from a channel in your history".to_owned());
                }
                (FeedItem { video: c.video, score, sources: c.sources, seen: is_seen, reasons }, c.recency)
            })
            .collect();
        let final_score = |item: &FeedItem| item.score.as_ref().map_or(f32::NEG_INFINITY, |s| s.final_score);
        items.sort_by(|(a, ra), (b, rb)| {
            a.seen.cmp(&b.seen).then_with(|| final_score(b).total_cmp(&final_score(a))).then_with(|| ra.cmp(rb))
        });
        // Spread each part on its own, so that spreading never lifts a seen video above an unseen one.
        let (unseen, seen_items): (Vec<FeedItem>, Vec<FeedItem>) = items.into_iter().map(|(item, _)| item).partition(|i| !i.seen);
        let mut ordered = spread_channels(unseen, MAX_RUN);
        ordered.extend(spread_channels(seen_items, MAX_RUN));
        let total = ordered.len() as u64;
        let items = ordered.into_iter().skip(request.offset as usize).take(request.limit as usize).collect();
        Ok(FeedReply { total, offset: request.offset, items, model, problem })
    }

    fn feed_candidates(&self, at: chrono::DateTime<Utc>) -> Result<Vec<Candidate>, Failure> {
        let since = at - Duration::days(RECENT_DAYS);
        let mut order: Vec<String> = Vec::new();
        let mut sources: HashMap<String, Vec<String>> = HashMap::new();
        let mut impressions = Vec::new();
        for impression in self.store.impressions() {
            let impression = impression?;
            if impression.at >= since && impression.at <= at {
                impressions.push(impression);
            }
        }
        // Newest first.
        for impression in impressions.iter().rev() {
            let surface = serde_json::to_value(impression.surface).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default();
            for tile in &impression.tiles {
                let entry = sources.entry(tile.video_id.clone()).or_insert_with(|| {
                    order.push(tile.video_id.clone());
                    Vec::new()
                });
                if !entry.contains(&surface) {
                    entry.push(surface.clone());
                }
            }
        }
        let channels = self.history_channels()?;
        if !channels.is_empty() {
            for video in self.store.videos() {
                let video = video?;
                let known = |c: &Option<String>| c.as_ref().is_some_and(|c| channels.contains(&c.to_lowercase()));
                if known(&video.channel) || known(&video.channel_id) {
                    let entry = sources.entry(video.video_id.clone()).or_insert_with(|| {
                        order.push(video.video_id.clone());
                        Vec::new()
                    });
                    entry.push("history_channel".to_owned());
                }
            }
        }
        order.truncate(MAX_CANDIDATES);
        let mut out = Vec::with_capacity(order.len());
        for (recency, id) in order.into_iter().enumerate() {
            let video = self.store.video(&id)?.unwrap_or_else(|| Video::new(id.clone(), ""));
            let sources = sources.remove(&id).unwrap_or_default();
            out.push(Candidate { video, sources, recency });
        }
        Ok(out)
    }

    /// Channel names and ids (lowercased) of the history's watches, likes and subscriptions.
    fn history_channels(&self) -> Result<HashSet<String>, Failure> {
        let mut channels = HashSet::new();
        for stored in self.store.history() {
            let record = stored?.record;
            if !matches!(record.kind, HistoryKind::Watch | HistoryKind::Like | HistoryKind::Subscription) {
                continue;
            }
            if let Some(id) = &record.channel_id {
                channels.insert(id.to_lowercase());
            }
            if record.kind == HistoryKind::Subscription {
                if let Some(text) = &record.text {
                    channels.insert(text.to_lowercase());
                }
            }
            if let Some(video) = &record.video {
                for c in [&video.channel, &video.channel_id].into_iter().flatten() {
                    channels.insert(c.to_lowercase());
                }
            }
        }
        Ok(channels)
    }

    /// Videos watched (by the extension or in the history) or labeled.
    fn seen_videos(&self) -> Result<HashSet<String>, Failure> {
        let mut seen: HashSet<String> = HashSet::new();
        for watch in self.store.watches() {
            seen.insert(watch?.video_id);
        }
        for label in self.store.labels()? {
            if label.undone_at.is_none() {
                seen.insert(label.video_id);
            }
        }
        for stored in self.store.history() {
            let record = stored?.record;
            if matches!(record.kind, HistoryKind::Watch | HistoryKind::Like | HistoryKind::Dislike) {
                if let Some(video) = record.video {
                    seen.insert(video.video_id);
                }
            }
        }
        Ok(seen)
    }
}

/// Keeps the order but moves a video down when `max_run` of its channel came just before it,
/// taking the next video of another channel instead; when only one channel is left, the rest
/// follow in order.
pub(crate) fn spread_channels(items: Vec<FeedItem>, max_run: usize) -> Vec<FeedItem> {
    let channel = |item: &FeedItem| item.video.channel_id.clone().or_else(|| item.video.channel.clone());
    let mut rest: std::collections::VecDeque<FeedItem> = items.into();
    let mut out: Vec<FeedItem> = Vec::with_capacity(rest.len());
    while !rest.is_empty() {
        let run_channel = out.last().and_then(channel);
        let run = match &run_channel {
            Some(c) => out.iter().rev().take_while(|i| channel(i).as_ref() == Some(c)).count(),
            None => 0,
        };
        let pick = if run >= max_run { rest.iter().position(|i| channel(i) != run_channel).unwrap_or(0) } else { 0 };
        if let Some(item) = rest.remove(pick) {
            out.push(item);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(id: &str, channel: &str) -> FeedItem {
        let mut video = Video::new(id, id);
        video.channel = Some(channel.into());
        FeedItem { video, score: None, sources: vec![], seen: false, reasons: vec![] }
    }

    #[test]
    fn no_channel_fills_more_than_two_places_in_a_row_while_others_are_left() {
        let items = vec![item("a1", "A"), item("a2", "A"), item("a3", "A"), item("a4", "A"), item("b1", "B"), item("c1", "C")];
        let ids: Vec<String> = spread_channels(items, 2).into_iter().map(|i| i.video.video_id).collect();
        assert_eq!(ids, ["a1", "a2", "b1", "a3", "a4", "c1"]);
    }
}
