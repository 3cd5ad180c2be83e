//! A video as the extension sees it on a page, as the importers read it, and as the store keeps it.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// What a tile or history entry is. Ads and Shorts are kept apart from ordinary videos.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VideoKind {
    #[default]
    Video,
    Short,
    Live,
    Upcoming,
    Premiere,
    Ad,
    Music,
}

/// One video. Only `video_id` is required; every other field is what the source knew.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Video {
    /// YouTube's 11-character id.
    pub video_id: String,
    #[serde(default)]
    pub title: String,
    /// Channel display name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channel: Option<String>,
    /// Channel id (`UC…`) or handle (`@name`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channel_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration_s: Option<u32>,
    #[serde(default)]
    pub kind: VideoKind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Upload time, when known exactly.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uploaded_at: Option<DateTime<Utc>>,
    /// YouTube's relative upload text ("3 days ago"), when that is all the page shows.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub published_text: Option<String>,
}

impl Video {
    pub fn new(video_id: impl Into<String>, title: impl Into<String>) -> Self {
        Video { video_id: video_id.into(), title: title.into(), ..Video::default() }
    }

    /// YouTube video ids are 11 characters of `[A-Za-z0-9_-]`.
    pub fn is_valid_id(id: &str) -> bool {
        id.len() == 11 && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    }
}
