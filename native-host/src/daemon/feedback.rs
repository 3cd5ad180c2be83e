//! `feedback`, `undo` and `watched`: the person's own signals, each stored and flushed before the
//! ack. A feedback is stored with the context at its time; a repeated `feedback_id` is acked with
//! `stored: false` and changes nothing.

use chrono::Utc;
use vrdndi_protocol::{Ack, FeedbackRequest, UndoRequest, WatchedRequest};
use vrdndi_store::{StoredLabel, UndoOutcome, WatchEvent};

use super::context::DEFAULT_CONTEXT_MINUTES;
use super::failure::Failure;
use super::service::{check_video, Service};

/// Longer ids are not ids (a UUID is 36 bytes).
const MAX_FEEDBACK_ID_BYTES: usize = 128;

impl Service {
    pub(crate) fn feedback(&self, request: FeedbackRequest) -> Result<Ack, Failure> {
        check_feedback_id(&request.feedback_id)?;
        check_video(&request.video)?;
        // The context costs an ActivityWatch round trip: skip it for a repeat.
        if self.store.has_label(&request.feedback_id)? {
            return Ok(Ack { stored: false });
        }
        let at = request.at.unwrap_or_else(Utc::now);
        let label = StoredLabel {
            feedback_id: request.feedback_id,
            kind: request.kind,
            video_id: request.video.video_id.clone(),
            source: request.source,
            at,
            context: self.context.context(at, DEFAULT_CONTEXT_MINUTES).events,
            undone_at: None,
        };
        let stored = self.store.add_label(&label, &request.video)?;
        Ok(Ack { stored })
    }

    pub(crate) fn undo(&self, request: &UndoRequest) -> Result<Ack, Failure> {
        check_feedback_id(&request.feedback_id)?;
        let outcome = self.store.undo_label(&request.feedback_id, Utc::now())?;
        Ok(Ack { stored: outcome == UndoOutcome::Undone })
    }

    pub(crate) fn watched(&self, request: WatchedRequest) -> Result<Ack, Failure> {
        check_video(&request.video)?;
        if !(0.0..=1.0).contains(&request.fraction) {
            return Err(Failure::invalid(format!("`fraction` must be 0 to 1, not {}", request.fraction)));
        }
        if !request.watched_s.is_finite() || request.watched_s < 0.0 {
            return Err(Failure::invalid(format!("`watched_s` must be a number of seconds, not {}", request.watched_s)));
        }
        let event = WatchEvent {
            video_id: request.video.video_id.clone(),
            fraction: request.fraction,
            watched_s: request.watched_s,
            at: request.at.unwrap_or_else(Utc::now),
        };
        self.store.record_watch(&event, &request.video)?;
        Ok(Ack { stored: true })
    }
}

fn check_feedback_id(id: &str) -> Result<(), Failure> {
    if id.trim().is_empty() || id.len() > MAX_FEEDBACK_ID_BYTES {
        return Err(Failure::invalid(format!("`feedback_id` must be 1 to {MAX_FEEDBACK_ID_BYTES} bytes")));
    }
    Ok(())
}
