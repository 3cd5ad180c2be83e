//! Imported history (Takeout watches, likes, searches, subscriptions, playlists).
//!
//! A record's key is a hash of what identifies it (kind, video id, time, text), so importing the
//! same export twice adds nothing, and two exports that overlap add only what is new.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use sled::Transactional;
use vrdndi_protocol::HistoryRecord;

use crate::codec::{decode, encode};
use crate::error::Result;
use crate::Store;

pub(crate) const TREE: &str = "history";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoredHistory {
    /// Where it came from, e.g. `takeout:watch-history.json`.
    pub source: String,
    pub imported_at: DateTime<Utc>,
    pub record: HistoryRecord,
}

/// What one import did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ImportOutcome {
    pub added: u64,
    /// Records already stored, or repeated within the batch.
    pub duplicates: u64,
}

/// The identity of a record: kind, video id, time and text, separated so that no two different
/// tuples hash the same bytes.
pub fn history_key(record: &HistoryRecord) -> [u8; 32] {
    let kind = serde_json::to_string(&record.kind).unwrap_or_default();
    let video_id = record.video.as_ref().map_or("", |v| v.video_id.as_str());
    let at = record.at.map(|t| t.timestamp_millis().to_string()).unwrap_or_default();
    let text = record.text.as_deref().unwrap_or("");
    let mut hasher = Sha256::new();
    for part in [kind.as_str(), video_id, at.as_str(), text] {
        hasher.update((part.len() as u64).to_be_bytes());
        hasher.update(part.as_bytes());
    }
    hasher.finalize().into()
}

impl Store {
    /// Stores the records not yet stored, merges their videos, and flushes; all or nothing.
    pub fn import_history(&self, source: &str, records: &[HistoryRecord]) -> Result<ImportOutcome> {
        let imported_at = Utc::now();
        let rows = records
            .iter()
            .map(|record| {
                let stored = StoredHistory { source: source.to_owned(), imported_at, record: record.clone() };
                Ok((history_key(record), encode("history record", &stored)?))
            })
            .collect::<Result<Vec<_>>>()?;
        let outcome = (&self.history, &self.videos).transaction(|(history, videos)| {
            let mut outcome = ImportOutcome::default();
            for ((key, value), record) in rows.iter().zip(records) {
                if history.get(&key[..])?.is_some() {
                    outcome.duplicates += 1;
                    continue;
                }
                history.insert(&key[..], value.as_slice())?;
                if let Some(video) = &record.video {
                    crate::videos::upsert_in(videos, video)?;
                }
                outcome.added += 1;
            }
            Ok(outcome)
        })?;
        self.flush()?;
        Ok(outcome)
    }

    /// Every imported record, in key (not time) order.
    pub fn history(&self) -> impl Iterator<Item = Result<StoredHistory>> + '_ {
        self.history.iter().values().map(|value| decode("history record", &value?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use vrdndi_protocol::{HistoryKind, Video};

    fn watch(id: &str, title: &str, at: &str) -> HistoryRecord {
        HistoryRecord {
            kind: HistoryKind::Watch,
            video: Some(Video::new(id, title)),
            text: None,
            channel_id: None,
            at: Some(DateTime::parse_from_rfc3339(at).expect("time").with_timezone(&Utc)),
        }
    }

    #[test]
    fn a_second_import_adds_nothing() {
        let dir = tempfile::tempdir().expect("temp dir");
        let store = Store::open(dir.path()).expect("opens");
        let records = vec![
            watch("aaaaaaaaaaa", "One", "2024-01-01T10:00:00Z"),
            watch("aaaaaaaaaaa", "One", "2024-01-02T10:00:00Z"),
            watch("bbbbbbbbbbb", "Two", "2024-01-01T10:00:00Z"),
            watch("bbbbbbbbbbb", "Two", "2024-01-01T10:00:00Z"),
        ];
        let first = store.import_history("takeout:watch-history.json", &records).expect("imports");
        assert_eq!(first, ImportOutcome { added: 3, duplicates: 1 });
        let second = store.import_history("takeout:watch-history.html", &records).expect("imports");
        assert_eq!(second, ImportOutcome { added: 0, duplicates: 4 });
        assert_eq!(store.counts().history, 3);
        assert_eq!(store.counts().videos, 2);
        assert_eq!(store.video("aaaaaaaaaaa").expect("reads").expect("present").title, "One");
    }

    #[test]
    fn searches_differ_by_text() {
        let search =
            |text: &str| HistoryRecord { kind: HistoryKind::Search, video: None, text: Some(text.into()), channel_id: None, at: None };
        assert_ne!(history_key(&search("rust sled")), history_key(&search("rust sle")));
        assert_eq!(history_key(&search("rust sled")), history_key(&search("rust sled")));
    }
}
