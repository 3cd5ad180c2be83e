//! The relay's connection to the store daemon: made on the first request that needs the store,
//! kept for the next ones, and made again on the next request after it fails.
//!
//! A connection that breaks under a request is retried once at once, on a fresh connection, only
//! for requests the daemon can safely see twice (reads, and writes it deduplicates by id); the
//! others get `store_unavailable` and the extension decides whether to send them again.

use vrdndi_protocol::{Request, RequestBody};

use super::relay::{Store, StoreError};
use crate::config::Config;
use crate::daemon::client::DaemonClient;

pub struct DaemonLink {
    config: Config,
    client: Option<DaemonClient>,
}

impl DaemonLink {
    pub fn new(config: Config) -> DaemonLink {
        DaemonLink { config, client: None }
    }

    fn once(&mut self, json: &str) -> Result<String, StoreError> {
        let client = match &mut self.client {
            Some(client) => client,
            None => {
                let client =
                    DaemonClient::connect_or_spawn(&self.config).map_err(|e| StoreError(format!("cannot connect to the daemon: {e}")))?;
                self.client.insert(client)
            }
        };
        client.roundtrip_raw(json).map_err(|e| {
            self.client = None;
            StoreError(format!("the daemon connection failed: {e}"))
        })
    }
}

impl Store for DaemonLink {
    fn roundtrip(&mut self, request: &Request, json: &str) -> Result<String, StoreError> {
        let reused = self.client.is_some();
        match self.once(json) {
            Err(error) if reused && safe_to_repeat(&request.body) => {
                tracing::warn!(id = request.id, "{error}; retrying on a new connection");
                self.once(json)
            }
            outcome => outcome,
        }
    }
}

/// Whether the daemon may see this request twice without changing what it stores.
fn safe_to_repeat(body: &RequestBody) -> bool {
    match body {
        RequestBody::Hello(_) | RequestBody::Status(_) | RequestBody::Context(_) => true,
        // Deduplicated by `feedback_id`, by undo's idempotence, and by record identity.
        RequestBody::Feedback(_) | RequestBody::Undo(_) | RequestBody::Import(_) => true,
        // Reads, and an import deduplicated by `feedback_id` (settings are set to the same value).
        RequestBody::HistoryPage(_) | RequestBody::Export(_) | RequestBody::Feed(_) | RequestBody::ImportLabels(_) => true,
        // A second impression, watch event or training run would be recorded.
        RequestBody::Rank(_) | RequestBody::Watched(_) | RequestBody::Train(_) => false,
    }
}
