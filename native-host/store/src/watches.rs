//! Watch events: how much of a video was really played, in time order.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sled::Transactional;
use vrdndi_protocol::Video;

use crate::codec::{decode, encode, time_key};
use crate::error::Result;
use crate::Store;

pub(crate) const TREE: &str = "watches";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WatchEvent {
    pub video_id: String,
    /// Share of the video played, 0..=1.
    pub fraction: f32,
    pub watched_s: f32,
    pub at: DateTime<Utc>,
}

impl Store {
    /// Appends a watch event, merges its video, and flushes.
    pub fn record_watch(&self, event: &WatchEvent, video: &Video) -> Result<()> {
        let key = time_key(event.at, self.db.generate_id()?);
        let value = encode("watch", event)?;
        (&self.watches, &self.videos).transaction(|(watches, videos)| {
            watches.insert(&key[..], value.as_slice())?;
            crate::videos::upsert_in(videos, video)
        })?;
        self.flush()
    }

    /// Every watch event, oldest first.
    pub fn watches(&self) -> impl Iterator<Item = Result<WatchEvent>> + '_ {
        self.watches.iter().values().map(|value| decode("watch", &value?))
    }
}
