//! 2019-20 `playlists/likes.json` (and other playlists as `<Name>.json`): an array of YouTube
//! Data API `youtube#playlistItem` objects. Layout documented by the API reference
//! (developers.google.com/youtube/v3/docs/playlistItems) and by the tests of
//! github.com/purarue/google_takeout_parser (`_parse_likes`); no real file exists here.
//!
//! `snippet.channelTitle` is the channel that OWNS THE PLAYLIST (the person exporting), not the
//! video's; the video's channel is `videoOwnerChannelTitle` when the API wrote it, else unknown.
//! `snippet.publishedAt` is when the video was added to the playlist.

use std::io::Read;
use std::ops::ControlFlow;

use chrono::{DateTime, Utc};
use serde::Deserialize;
use vrdndi_protocol::{HistoryKind, HistoryRecord, Video};

use crate::error::FileError;
use crate::json_stream;
use crate::summary::{FileSummary, Position, SkipReason};

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Item {
    snippet: Snippet,
    #[serde(default)]
    content_details: Option<ContentDetails>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Snippet {
    #[serde(default)]
    title: String,
    #[serde(default)]
    published_at: Option<String>,
    #[serde(default)]
    playlist_id: Option<String>,
    #[serde(default)]
    resource_id: Option<ContentDetails>,
    #[serde(default)]
    video_owner_channel_title: Option<String>,
    #[serde(default)]
    video_owner_channel_id: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct ContentDetails {
    #[serde(default)]
    video_id: Option<String>,
}

/// Titles the API gives videos that are gone.
const GONE_TITLES: &[&str] = &["Deleted video", "Private video"];

/// True when a JSON array element is a playlistItem.
pub fn looks_like(element: &serde_json::Value) -> bool {
    element.get("kind").and_then(|k| k.as_str()) == Some("youtube#playlistItem") || element.get("snippet").is_some()
}

/// Reads one file; `name` is the playlist's name from the file name (`likes` for likes).
pub fn read(reader: impl Read, name: &str, summary: &mut FileSummary) -> (Vec<HistoryRecord>, Option<FileError>) {
    let named_likes = ["likes", "liked videos"].iter().any(|n| n.eq_ignore_ascii_case(name));
    let mut records = Vec::new();
    let result = json_stream::for_each_element(reader, |index, value| {
        let position = Position::Entry(index + 1);
        match serde_json::from_value::<Item>(value).map_err(|e| e.to_string()).and_then(|item| record_of(item, named_likes, name)) {
            Ok(Some(record)) => {
                summary.record(&record);
                records.push(record);
            }
            Ok(None) => summary.skip(SkipReason::VideoWithoutTitle),
            Err(message) => summary.problem(position, message),
        }
        ControlFlow::Continue(())
    });
    (records, result.err())
}

fn record_of(item: Item, named_likes: bool, name: &str) -> Result<Option<HistoryRecord>, String> {
    let snippet = item.snippet;
    let id = snippet.resource_id.and_then(|r| r.video_id).or_else(|| item.content_details.and_then(|c| c.video_id)).ok_or("no video id")?;
    if !Video::is_valid_id(&id) {
        return Err(format!("`{id}` is not a video id"));
    }
    if GONE_TITLES.contains(&snippet.title.as_str()) || snippet.title.trim().is_empty() {
        return Ok(None);
    }
    let at = match snippet.published_at.as_deref() {
        Some(text) => Some(DateTime::parse_from_rfc3339(text).map_err(|e| format!("unreadable time `{text}`: {e}"))?.with_timezone(&Utc)),
        None => None,
    };
    let likes = named_likes || snippet.playlist_id.as_deref().is_some_and(|p| p.starts_with("LL"));
    let video = Video {
        video_id: id,
        title: snippet.title.trim().to_owned(),
        channel: snippet.video_owner_channel_title,
        channel_id: snippet.video_owner_channel_id,
        ..Video::default()
    };
    let (kind, text) = if likes { (HistoryKind::Like, None) } else { (HistoryKind::Playlist, Some(name.to_owned())) };
    Ok(Some(HistoryRecord { kind, video: Some(video), text, channel_id: None, at }))
}
