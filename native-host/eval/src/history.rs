//! A person's watch history as the evaluation replays it: the watched videos of a Takeout, oldest
//! first, read with the same importer the product uses.
//!
//! Only videos that could appear as homepage tiles are kept: YouTube Music listens, Shorts and
//! ads are left out (and counted), because the product reorders the YouTube homepage grid, and a
//! music-app listen says little about which grid tile a person opens.

use std::collections::BTreeMap;
use std::path::Path;

use chrono::{DateTime, Utc};
use serde::Serialize;
use vrdndi_protocol::{HistoryKind, Video, VideoKind};

use crate::error::{EvalError, Result};

/// One watch.
#[derive(Debug, Clone, PartialEq)]
pub struct Watch {
    pub video: Video,
    pub at: DateTime<Utc>,
}

/// What was left out of a history, and why.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Left {
    /// Watch records by video kind (music, short, ad) that are not homepage tiles.
    pub by_kind: BTreeMap<String, u64>,
    /// Records that are not watches (searches, likes, subscriptions).
    pub not_watches: u64,
}

/// A person's watches, sorted by time (stable for equal times).
#[derive(Debug, Clone)]
pub struct History {
    /// A short name for tables: the Takeout's folder name.
    pub name: String,
    pub watches: Vec<Watch>,
    pub left: Left,
}

impl History {
    /// Builds a history from records in any order.
    pub fn from_records(name: impl Into<String>, records: impl IntoIterator<Item = vrdndi_protocol::HistoryRecord>) -> History {
        let mut watches = Vec::new();
        let mut left = Left::default();
        for record in records {
            match (record.kind, record.video, record.at) {
                (HistoryKind::Watch, Some(video), Some(at)) => match video.kind {
                    VideoKind::Video | VideoKind::Live | VideoKind::Premiere | VideoKind::Upcoming => watches.push(Watch { video, at }),
                    other => {
                        let name = serde_json::to_value(other).ok().and_then(|v| v.as_str().map(str::to_owned));
                        *left.by_kind.entry(name.unwrap_or_else(|| format!("{other:?}"))).or_default() += 1;
                    }
                },
                _ => left.not_watches += 1,
            }
        }
        watches.sort_by_key(|w| w.at);
        History { name: name.into(), watches, left }
    }

    /// Reads a Takeout (.zip, folder or watch-history file) with `vrdndi-import`.
    pub fn load(path: &Path) -> Result<History> {
        let imported = vrdndi_import::import_path(path).map_err(|source| EvalError::Import { path: path.to_owned(), source })?;
        let history = History::from_records(display_name(path), imported.into_records());
        if history.watches.is_empty() {
            return Err(EvalError::NoWatches { path: path.to_owned() });
        }
        Ok(history)
    }

    /// Index of the first watch at or after `at`: `watches[..i]` is everything before `at`.
    pub fn before(&self, at: DateTime<Utc>) -> usize {
        self.watches.partition_point(|w| w.at < at)
    }
}

/// `user1_chuan-khuna` for `.../user1_chuan-khuna/watch-history.json`; the file stem when the file
/// name says more than its folder.
fn display_name(path: &Path) -> String {
    let stem = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    let generic = ["watch-history", "Takeout", "history", ""].contains(&stem.as_str());
    let parent = path.parent().and_then(Path::file_name).map(|s| s.to_string_lossy().into_owned());
    match parent {
        Some(parent) if generic && path.is_file() => parent,
        _ if stem.is_empty() => path.display().to_string(),
        _ => stem,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use vrdndi_protocol::HistoryRecord;

    fn record(kind: HistoryKind, id: &str, video_kind: VideoKind, hour: u32) -> HistoryRecord {
        let mut video = Video::new(id, format!("title {id}"));
        video.kind = video_kind;
        HistoryRecord { kind, video: Some(video), text: None, channel_id: None, at: Utc.with_ymd_and_hms(2021, 1, 1, hour, 0, 0).single() }
    }

    #[test]
    fn keeps_homepage_videos_in_time_order_and_counts_the_rest() {
        let history = History::from_records(
            "u",
            [
                record(HistoryKind::Watch, "b", VideoKind::Video, 5),
                record(HistoryKind::Watch, "m", VideoKind::Music, 4),
                record(HistoryKind::Watch, "a", VideoKind::Video, 3),
                record(HistoryKind::Search, "s", VideoKind::Video, 2),
                record(HistoryKind::Watch, "s2", VideoKind::Short, 1),
            ],
        );
        let ids: Vec<&str> = history.watches.iter().map(|w| w.video.video_id.as_str()).collect();
        assert_eq!(ids, ["a", "b"]);
        assert_eq!(history.left.by_kind.get("music"), Some(&1));
        assert_eq!(history.left.by_kind.get("short"), Some(&1));
        assert_eq!(history.left.not_watches, 1);
        let four = Utc.with_ymd_and_hms(2021, 1, 1, 4, 0, 0).single().expect("time");
        assert_eq!(history.before(four), 1);
    }

    #[test]
    fn names_come_from_the_folder_of_a_generic_file() {
        assert_eq!(display_name(Path::new("/x/takeout-2024.zip")), "takeout-2024");
    }
}
