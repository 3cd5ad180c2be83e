//! `import`: history records from an importer, stored idempotently with their videos.

use vrdndi_protocol::{ImportReply, ImportRequest};

use super::failure::Failure;
use super::service::{check_video, Service};

impl Service {
    /// All or nothing: a batch with a bad record is refused whole, naming the record.
    pub(crate) fn import(&self, request: ImportRequest) -> Result<ImportReply, Failure> {
        for (index, record) in request.records.iter().enumerate() {
            if let Some(video) = &record.video {
                check_video(video).map_err(|f| Failure::invalid(format!("record {index}: {}", f.message)))?;
            }
        }
        let outcome = self.store.import_history(&request.source, &request.records)?;
        self.ranker.store_changed();
        tracing::info!(source = %request.source, added = outcome.added, duplicates = outcome.duplicates, "imported");
        Ok(ImportReply { added: outcome.added, duplicates: outcome.duplicates })
    }
}
