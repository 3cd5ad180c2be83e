//! `feedback`, `undo` and `watched`: the person's own signals, each stored and flushed before the
//! ack. A feedback is stored with the context at its time; a repeated `feedback_id` is acked with
//! `stored: false` and changes nothing.

use chrono::Utc;
use vrdndi_protocol::{Ack, FeedbackRequest, UndoRequest, WatchedRequest};
use vrdndi_store::{StoredLabel, UndoOutcome, WatchEvent};

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
            context: self.context.model_context(at).events,
            undone_at: None,
        };
        let stored = self.store.add_label(&label, &request.video)?;
        self.ranker.store_changed();
        Ok(Ack { stored })
    }

    pub(crate) fn undo(&self, request: &UndoRequest) -> Result<Ack, Failure> {
        check_feedback_id(&request.feedback_id)?;
        let outcome = self.store.undo_label(&request.feedback_id, Utc::now())?;
        self.ranker.store_changed();
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
        self.ranker.store_changed();
        Ok(Ack { stored: true })
    }
}

fn check_feedback_id(id: &str) -> Result<(), Failure> {
    if id.trim().is_empty() || id.len() > MAX_FEEDBACK_ID_BYTES {
        return Err(Failure::invalid(format!("`feedback_id` must be 1 to {MAX_FEEDBACK_ID_BYTES} bytes")));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;

    use chrono::{DateTime, Utc};
    use vrdndi_protocol::{
        ActivityWatchStatus, ContextEvent, ContextReply, ErrorCode, FeedbackKind, FeedbackSource, Request, RequestBody, ResponseBody, Video,
    };
    use vrdndi_store::Store;

    use super::*;
    use crate::config::Config;
    use crate::daemon::context::ContextProvider;

    /// One event before any time asked, and a count of the calls.
    struct OneEvent(AtomicUsize);

    impl ContextProvider for OneEvent {
        fn context(&self, at: DateTime<Utc>, minutes: u32) -> ContextReply {
            self.0.fetch_add(1, Ordering::SeqCst);
            let event = ContextEvent {
                start: at - chrono::Duration::minutes(5),
                duration_s: 120.0,
                app: "code".into(),
                title: "daemon.rs".into(),
                category: vec!["Work".into(), "Programming".into()],
                url: None,
            };
            ContextReply { at, minutes, events: vec![event], problem: None }
        }

        fn status(&self) -> ActivityWatchStatus {
            ActivityWatchStatus::default()
        }
    }

    fn service(dir: &std::path::Path, runtime: &tokio::runtime::Runtime) -> (Service, Arc<OneEvent>) {
        let config = Config::new(dir.to_path_buf(), None, None, None);
        let store = Store::open(&config.store_dir()).expect("store");
        let provider = Arc::new(OneEvent(AtomicUsize::new(0)));
        (Service::new(config, store, runtime.handle().clone()).with_context(provider.clone()), provider)
    }

    fn call(service: &Service, body: RequestBody) -> ResponseBody {
        service.handle(Request { id: 1, body }).body
    }

    fn like(id: &str) -> RequestBody {
        RequestBody::Feedback(FeedbackRequest {
            feedback_id: id.into(),
            video: Video::new("dQw4w9WgXcQ", "Never Gonna Give You Up"),
            kind: FeedbackKind::Like,
            source: FeedbackSource::Popup,
            at: Some("2023-11-19T03:00:00Z".parse().expect("time")),
        })
    }

    #[test]
    fn a_label_keeps_the_context_at_its_time_and_a_repeat_costs_no_context() {
        let dir = tempfile::tempdir().expect("temp dir");
        let runtime = tokio::runtime::Builder::new_current_thread().build().expect("runtime");
        let (service, provider) = service(dir.path(), &runtime);
        assert_eq!(call(&service, like("f1")), ResponseBody::Ack(Ack { stored: true }));
        assert_eq!(call(&service, like("f1")), ResponseBody::Ack(Ack { stored: false }));
        assert_eq!(provider.0.load(Ordering::SeqCst), 1, "the repeat was answered before asking for context");
        let label = service.store.label("f1").expect("reads").expect("stored");
        assert_eq!(label.context.len(), 1);
        assert_eq!(label.context[0].category, ["Work", "Programming"]);
        assert_eq!(label.at.to_rfc3339(), "2023-11-19T03:00:00+00:00");
        assert_eq!(label.source, FeedbackSource::Popup);
    }

    #[test]
    fn undo_is_idempotent_and_bad_input_is_refused_with_a_reason() {
        let dir = tempfile::tempdir().expect("temp dir");
        let runtime = tokio::runtime::Builder::new_current_thread().build().expect("runtime");
        let (service, _) = service(dir.path(), &runtime);
        call(&service, like("f1"));
        let undo = || RequestBody::Undo(UndoRequest { feedback_id: "f1".into() });
        assert_eq!(call(&service, undo()), ResponseBody::Ack(Ack { stored: true }));
        assert_eq!(call(&service, undo()), ResponseBody::Ack(Ack { stored: false }));

        let code = |body| match call(&service, body) {
            ResponseBody::Error(error) => error.code,
            other => panic!("expected an error, got {other:?}"),
        };
        assert_eq!(code(RequestBody::Undo(UndoRequest { feedback_id: "never".into() })), ErrorCode::NotFound);
        assert_eq!(code(like("")), ErrorCode::InvalidRequest);
        let watched = |fraction: f32| {
            RequestBody::Watched(WatchedRequest { video: Video::new("dQw4w9WgXcQ", ""), fraction, watched_s: 10.0, at: None })
        };
        assert_eq!(code(watched(1.5)), ErrorCode::InvalidRequest);
        assert_eq!(code(watched(f32::NAN)), ErrorCode::InvalidRequest);
        assert_eq!(call(&service, watched(0.8)), ResponseBody::Ack(Ack { stored: true }));
        assert_eq!(service.store.counts().watches, 1);
    }
}
