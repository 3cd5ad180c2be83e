//! Videos by id. Sources know different things about a video (a homepage tile has the title and
//! channel, a Takeout record may have only the id), so a write merges into what is known and never
//! erases a known field with an empty one.

use sled::transaction::{ConflictableTransactionResult, TransactionalTree};
use vrdndi_protocol::{Video, VideoKind};

use crate::codec::{abort, decode, encode};
use crate::error::{Result, StoreError};
use crate::Store;

pub(crate) const TREE: &str = "videos";

/// `new` merged over `old`: each field takes the new value when it says something.
pub fn merge_video(old: Option<Video>, new: &Video) -> Video {
    let Some(old) = old else { return new.clone() };
    let text = |new: &str, old: String| if new.trim().is_empty() { old } else { new.to_owned() };
    let some_text = |new: &Option<String>, old: Option<String>| match new {
        Some(value) if !value.trim().is_empty() => Some(value.clone()),
        _ => old,
    };
    Video {
        video_id: new.video_id.clone(),
        title: text(&new.title, old.title),
        channel: some_text(&new.channel, old.channel),
        channel_id: some_text(&new.channel_id, old.channel_id),
        duration_s: new.duration_s.or(old.duration_s),
        kind: merge_kind(old.kind, new.kind),
        description: some_text(&new.description, old.description),
        uploaded_at: new.uploaded_at.or(old.uploaded_at),
        published_text: some_text(&new.published_text, old.published_text),
    }
}

/// A source that does not know the kind says `Video` (the default), so it must not turn a known
/// Short, music track or ad back into a plain video. Live, upcoming and premiere are states a video
/// leaves, so any later kind replaces them.
fn merge_kind(old: VideoKind, new: VideoKind) -> VideoKind {
    match (old, new) {
        (VideoKind::Short | VideoKind::Music | VideoKind::Ad, VideoKind::Video) => old,
        _ => new,
    }
}

impl Store {
    pub fn video(&self, video_id: &str) -> Result<Option<Video>> {
        self.videos.get(video_id)?.map(|bytes| decode("video", &bytes)).transpose()
    }

    /// Merges `video` into the store (see [`merge_video`]) and flushes.
    pub fn upsert_video(&self, video: &Video) -> Result<()> {
        self.videos.transaction(|tx| upsert_in(tx, video))?;
        self.flush()
    }

    /// Every stored video, in id order.
    pub fn videos(&self) -> impl Iterator<Item = Result<Video>> + '_ {
        self.videos.iter().values().map(|value| decode("video", &value?))
    }
}

/// Merges `video` into the videos tree inside a transaction that also writes something else.
pub(crate) fn upsert_in(tx: &TransactionalTree, video: &Video) -> ConflictableTransactionResult<(), StoreError> {
    let old = match tx.get(video.video_id.as_bytes())? {
        Some(bytes) => Some(abort(decode::<Video>("video", &bytes))?),
        None => None,
    };
    let merged = merge_video(old, video);
    tx.insert(video.video_id.as_bytes(), abort(encode("video", &merged))?)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_id_only_record_keeps_the_known_title_and_channel() {
        let dir = tempfile::tempdir().expect("temp dir");
        let store = Store::open(dir.path()).expect("opens");
        let mut tile = Video::new("dQw4w9WgXcQ", "Never Gonna Give You Up");
        tile.channel = Some("Rick Astley".into());
        tile.kind = VideoKind::Music;
        store.upsert_video(&tile).expect("upsert");
        let mut bare = Video::new("dQw4w9WgXcQ", "");
        bare.channel = Some(String::new());
        bare.duration_s = Some(213);
        store.upsert_video(&bare).expect("upsert");

        let stored = store.video("dQw4w9WgXcQ").expect("reads").expect("present");
        assert_eq!(stored.title, "Never Gonna Give You Up");
        assert_eq!(stored.channel.as_deref(), Some("Rick Astley"));
        assert_eq!(stored.duration_s, Some(213));
        assert_eq!(stored.kind, VideoKind::Music);
        assert_eq!(store.counts().videos, 1);
    }

    #[test]
    fn a_new_title_replaces_the_old_one_and_live_becomes_a_video() {
        let mut old = Video::new("aaaaaaaaaaa", "LIVE: launch");
        old.kind = VideoKind::Live;
        let mut new = Video::new("aaaaaaaaaaa", "Launch (replay)");
        new.kind = VideoKind::Video;
        let merged = merge_video(Some(old), &new);
        assert_eq!(merged.title, "Launch (replay)");
        assert_eq!(merged.kind, VideoKind::Video);
    }
}
