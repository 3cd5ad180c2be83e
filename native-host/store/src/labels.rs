//! Labels: what the person said about a video, with the ActivityWatch context at that moment, keyed
//! by the sender's `feedback_id` so that a repeated message stores nothing new. An undo marks the
//! label (`undone_at`) instead of deleting it: training skips it, and the history stays auditable.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sled::transaction::ConflictableTransactionError;
use sled::Transactional;
use vrdndi_protocol::{ContextEvent, FeedbackKind, FeedbackSource, Video};

use crate::codec::{abort, decode, encode};
use crate::error::{Result, StoreError};
use crate::Store;

pub(crate) const TREE: &str = "labels";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoredLabel {
    pub feedback_id: String,
    pub kind: FeedbackKind,
    pub video_id: String,
    pub source: FeedbackSource,
    /// When it was given (UTC).
    pub at: DateTime<Utc>,
    /// The context the model would have seen at `at`, oldest first.
    #[serde(default)]
    pub context: Vec<ContextEvent>,
    /// When it was taken back, if it was.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub undone_at: Option<DateTime<Utc>>,
}

/// What an undo did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UndoOutcome {
    Undone,
    /// It had been undone before; nothing changed.
    AlreadyUndone,
}

impl Store {
    pub fn has_label(&self, feedback_id: &str) -> Result<bool> {
        Ok(self.labels.contains_key(feedback_id)?)
    }

    pub fn label(&self, feedback_id: &str) -> Result<Option<StoredLabel>> {
        self.labels.get(feedback_id)?.map(|bytes| decode("label", &bytes)).transpose()
    }

    /// Stores `label` unless its `feedback_id` is already stored, merges `video` into the videos,
    /// flushes, and says whether the label was new. Concurrent calls with one id store it once.
    pub fn add_label(&self, label: &StoredLabel, video: &Video) -> Result<bool> {
        let value = encode("label", label)?;
        let added = (&self.labels, &self.videos).transaction(|(labels, videos)| {
            if labels.get(label.feedback_id.as_bytes())?.is_some() {
                return Ok(false);
            }
            labels.insert(label.feedback_id.as_bytes(), value.as_slice())?;
            crate::videos::upsert_in(videos, video)?;
            Ok(true)
        })?;
        self.flush()?;
        Ok(added)
    }

    /// Marks the label taken back at `at` and flushes.
    pub fn undo_label(&self, feedback_id: &str, at: DateTime<Utc>) -> Result<UndoOutcome> {
        let outcome = self.labels.transaction(|labels| {
            let Some(bytes) = labels.get(feedback_id.as_bytes())? else {
                return Err(ConflictableTransactionError::Abort(StoreError::NotFound { what: "feedback", key: feedback_id.to_owned() }));
            };
            let mut label: StoredLabel = abort(decode("label", &bytes))?;
            if label.undone_at.is_some() {
                return Ok(UndoOutcome::AlreadyUndone);
            }
            label.undone_at = Some(at);
            labels.insert(feedback_id.as_bytes(), abort(encode("label", &label))?)?;
            Ok(UndoOutcome::Undone)
        })?;
        self.flush()?;
        Ok(outcome)
    }

    /// Every label (undone ones included), oldest first.
    pub fn labels(&self) -> Result<Vec<StoredLabel>> {
        let mut labels = self.labels.iter().values().map(|value| decode::<StoredLabel>("label", &value?)).collect::<Result<Vec<_>>>()?;
        labels.sort_by(|a, b| a.at.cmp(&b.at).then_with(|| a.feedback_id.cmp(&b.feedback_id)));
        Ok(labels)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn label(id: &str) -> StoredLabel {
        StoredLabel {
            feedback_id: id.into(),
            kind: FeedbackKind::Like,
            video_id: "dQw4w9WgXcQ".into(),
            source: FeedbackSource::Youtube,
            at: Utc::now(),
            context: vec![ContextEvent {
                start: Utc::now(),
                duration_s: 60.0,
                app: "code".into(),
                title: "store.rs".into(),
                category: vec!["Work".into()],
                url: None,
            }],
            undone_at: None,
        }
    }

    #[test]
    fn a_repeated_feedback_id_is_stored_once_with_its_first_context() {
        let dir = tempfile::tempdir().expect("temp dir");
        let store = Store::open(dir.path()).expect("opens");
        let video = Video::new("dQw4w9WgXcQ", "Never Gonna Give You Up");
        assert!(store.add_label(&label("f1"), &video).expect("adds"));
        let mut again = label("f1");
        again.kind = FeedbackKind::Dislike;
        assert!(!store.add_label(&again, &video).expect("adds"));
        let stored = store.label("f1").expect("reads").expect("present");
        assert_eq!(stored.kind, FeedbackKind::Like);
        assert_eq!(stored.context.len(), 1);
        assert_eq!(store.counts().labels, 1);
        assert_eq!(store.video("dQw4w9WgXcQ").expect("reads").expect("video").title, "Never Gonna Give You Up");
    }

    #[test]
    fn undo_marks_once_and_an_unknown_id_is_not_found() {
        let dir = tempfile::tempdir().expect("temp dir");
        let store = Store::open(dir.path()).expect("opens");
        store.add_label(&label("f1"), &Video::new("dQw4w9WgXcQ", "")).expect("adds");
        let at = Utc::now();
        assert_eq!(store.undo_label("f1", at).expect("undo"), UndoOutcome::Undone);
        assert_eq!(store.undo_label("f1", Utc::now()).expect("undo"), UndoOutcome::AlreadyUndone);
        assert_eq!(store.label("f1").expect("reads").expect("present").undone_at, Some(at));
        assert!(matches!(store.undo_label("nope", at), Err(StoreError::NotFound { .. })));
    }

    #[test]
    fn labels_survive_a_reopen() {
        let dir = tempfile::tempdir().expect("temp dir");
        {
            let store = Store::open(dir.path()).expect("opens");
            store.add_label(&label("f1"), &Video::new("dQw4w9WgXcQ", "")).expect("adds");
        }
        let store = Store::open(dir.path()).expect("reopens");
        assert_eq!(store.labels().expect("lists").len(), 1);
    }
}
