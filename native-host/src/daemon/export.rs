//! `export` and `import_labels`: labels and settings out to one JSON file and back.
//!
//! Both page through the labels so that no frame passes the 1 MiB cap (a label carries its
//! context). An import stores each label under its own `feedback_id` with its original time,
//! context and undo, so importing the same file twice, or into the store it came from, adds
//! nothing.

use vrdndi_protocol::{ExportReply, ExportRequest, ExportedLabel, ImportLabelsRequest, ImportReply, Video};
use vrdndi_store::StoredLabel;

use super::failure::Failure;
use super::service::{check_video, Service};
use super::studio::check_limit;

impl Service {
    pub(crate) fn export(&self, request: &ExportRequest) -> Result<ExportReply, Failure> {
        check_limit(request.limit)?;
        let labels = self.store.labels()?;
        let page = labels
            .iter()
            .skip(request.offset as usize)
            .take(request.limit as usize)
            .map(|label| {
                let video = self.store.video(&label.video_id)?.unwrap_or_else(|| Video::new(label.video_id.clone(), ""));
                Ok(ExportedLabel {
                    feedback_id: label.feedback_id.clone(),
                    kind: label.kind,
                    source: label.source,
                    at: label.at,
                    video,
                    context: label.context.clone(),
                    undone_at: label.undone_at,
                })
            })
            .collect::<Result<Vec<_>, Failure>>()?;
        Ok(ExportReply {
            total: labels.len() as u64,
            offset: request.offset,
            labels: page,
            settings: self.store.settings()?.into_iter().collect(),
        })
    }

    /// Checks every label first: a batch with a bad one is refused whole, naming it.
    pub(crate) fn import_labels(&self, request: ImportLabelsRequest) -> Result<ImportReply, Failure> {
        for (index, label) in request.labels.iter().enumerate() {
            let bad = |message: String| Failure::invalid(format!("label {index}: {message}"));
            check_video(&label.video).map_err(|f| bad(f.message))?;
            if label.feedback_id.trim().is_empty() || label.feedback_id.len() > 128 {
                return Err(bad("`feedback_id` must be 1 to 128 bytes".into()));
            }
        }
        let mut reply = ImportReply::default();
        for label in request.labels {
            let stored = StoredLabel {
                feedback_id: label.feedback_id,
                kind: label.kind,
                video_id: label.video.video_id.clone(),
                source: label.source,
                at: label.at,
                context: label.context,
                undone_at: label.undone_at,
            };
            if self.store.add_label(&stored, &label.video)? {
                reply.added += 1;
            } else {
                reply.duplicates += 1;
            }
        }
        for (name, value) in &request.settings {
            self.store.set_setting(name, value)?;
        }
        Ok(reply)
    }
}

#[cfg(test)]
mod tests {
    use vrdndi_protocol::{
        FeedbackKind, FeedbackRequest, FeedbackSource, HistoryKind, HistoryPageRequest, HistoryRecord, ImportRequest, Request, RequestBody,
        ResponseBody, UndoRequest,
    };
    use vrdndi_store::Store;

    use super::*;
    use crate::config::Config;

    fn service(dir: &std::path::Path, runtime: &tokio::runtime::Runtime) -> Service {
        let config = Config::new(dir.to_path_buf(), None, None, None);
        let store = Store::open(&config.store_dir()).expect("store");
        Service::new(config, store, runtime.handle().clone())
    }

    fn call(service: &Service, body: RequestBody) -> ResponseBody {
        service.handle(Request { id: 1, body }).body
    }

    fn watch(id: &str, title: &str, at: &str) -> HistoryRecord {
        let mut video = Video::new(id, title);
        video.channel = Some("Channel".into());
        HistoryRecord { kind: HistoryKind::Watch, video: Some(video), text: None, channel_id: None, at: Some(at.parse().expect("time")) }
    }

    fn label(service: &Service, id: &str, video: &str, kind: FeedbackKind) {
        let body = RequestBody::Feedback(FeedbackRequest {
            feedback_id: id.into(),
            video: Video::new(video, ""),
            kind,
            source: FeedbackSource::Studio,
            at: Some("2024-06-01T10:00:00Z".parse().expect("time")),
        });
        assert!(matches!(call(service, body), ResponseBody::Ack(_)));
    }

    fn page(service: &Service, offset: u32, limit: u32, unlabeled_only: bool) -> vrdndi_protocol::HistoryPageReply {
        match call(service, RequestBody::HistoryPage(HistoryPageRequest { offset, limit, unlabeled_only })) {
            ResponseBody::HistoryPage(reply) => reply,
            other => panic!("expected a history page, got {other:?}"),
        }
    }

    fn export_all(service: &Service) -> (Vec<ExportedLabel>, serde_json::Map<String, serde_json::Value>) {
        let mut labels = Vec::new();
        loop {
            let offset = u32::try_from(labels.len()).expect("fits");
            let ResponseBody::Exported(reply) = call(service, RequestBody::Export(ExportRequest { offset, limit: 2 })) else {
                panic!("expected exported")
            };
            let done = reply.labels.is_empty();
            labels.extend(reply.labels);
            if done || labels.len() as u64 >= reply.total {
                return (labels, reply.settings);
            }
        }
    }

    #[test]
    fn the_studio_page_counts_labels_on_a_fresh_store_and_an_export_reimports_into_a_fresh_store() {
        let runtime = tokio::runtime::Builder::new_current_thread().build().expect("runtime");
        let one = tempfile::tempdir().expect("temp dir");
        let service = service(one.path(), &runtime);

        // A fresh store: an empty history is an empty page with zero counts, not an error.
        let empty = page(&service, 0, 20, false);
        assert_eq!((empty.total, empty.items.len(), empty.counts.interesting), (0, 0, 0));

        let records = vec![
            watch("aaaaaaaaaaa", "Old", "2024-01-01T10:00:00Z"),
            watch("bbbbbbbbbbb", "New", "2024-03-01T10:00:00Z"),
            watch("aaaaaaaaaaa", "Old", "2024-02-01T10:00:00Z"),
            watch("ccccccccccc", "Middle", "2024-01-15T10:00:00Z"),
        ];
        call(&service, RequestBody::Import(ImportRequest { source: "test".into(), records }));
        let all = page(&service, 0, 20, false);
        let ids: Vec<&str> = all.items.iter().map(|i| i.video.video_id.as_str()).collect();
        assert_eq!(ids, ["bbbbbbbbbbb", "aaaaaaaaaaa", "ccccccccccc"], "one item per video, newest watch first");
        assert_eq!(all.items[0].video.title, "New");

        label(&service, "s1", "bbbbbbbbbbb", FeedbackKind::Interesting);
        label(&service, "s2", "bbbbbbbbbbb", FeedbackKind::NotNow);
        label(&service, "s3", "aaaaaaaaaaa", FeedbackKind::NotInteresting);
        call(&service, RequestBody::Undo(UndoRequest { feedback_id: "s3".into() }));
        let after = page(&service, 0, 20, false);
        assert_eq!((after.counts.interesting, after.counts.not_now, after.counts.not_interesting, after.counts.undone), (1, 1, 0, 1));
        assert_eq!(after.labeled, 1);
        assert_eq!(after.items[0].labels.len(), 2);
        let unlabeled = page(&service, 0, 20, true);
        assert_eq!(unlabeled.total, 2);
        assert_eq!(unlabeled.items[0].video.video_id, "aaaaaaaaaaa", "an undone label leaves the video unlabeled");
        assert_eq!(page(&service, 3, 20, false).items.len(), 0, "past the end is an empty page");
        assert!(matches!(
            call(&service, RequestBody::HistoryPage(HistoryPageRequest { offset: 0, limit: 0, unlabeled_only: false })),
            ResponseBody::Error(_)
        ));

        service.store.set_setting("studio_position", &serde_json::json!(2)).expect("setting");
        let (labels, settings) = export_all(&service);
        assert_eq!(labels.len(), 3);

        let two = tempfile::tempdir().expect("temp dir");
        let fresh = self::service(two.path(), &runtime);
        let import = || RequestBody::ImportLabels(ImportLabelsRequest { labels: labels.clone(), settings: settings.clone() });
        assert_eq!(call(&fresh, import()), ResponseBody::LabelsImported(ImportReply { added: 3, duplicates: 0 }));
        assert_eq!(call(&fresh, import()), ResponseBody::LabelsImported(ImportReply { added: 0, duplicates: 3 }), "idempotent");
        assert_eq!(service.store.labels().expect("labels"), fresh.store.labels().expect("labels"), "the same labels, undo included");
        assert_eq!(fresh.store.setting("studio_position").expect("setting"), Some(serde_json::json!(2)));
        assert_eq!(export_all(&fresh).0, labels);

        let mut bad = labels[0].clone();
        bad.video.video_id = "nope".into();
        let refused = call(&fresh, RequestBody::ImportLabels(ImportLabelsRequest { labels: vec![bad], settings: serde_json::Map::new() }));
        assert!(matches!(refused, ResponseBody::Error(e) if e.message.starts_with("label 0:")));
    }
}
