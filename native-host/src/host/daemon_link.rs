//! The relay's connection to the store daemon: made in the background after the browser's hello
//! (or on the first request that needs the store), kept for the next requests, and made again on
//! the next request after it fails.
//!
//! A connection that breaks under a request is retried once at once, on a fresh connection, only
//! for requests the daemon can safely see twice (reads, and writes it deduplicates by id); the
//! others get `store_unavailable` and the extension decides whether to send them again.

use std::thread::JoinHandle;

use vrdndi_protocol::{Request, RequestBody};

use super::relay::{Store, StoreError};
use crate::config::Config;
use crate::daemon::client::{ClientError, DaemonClient};

pub struct DaemonLink {
    config: Config,
    client: Option<DaemonClient>,
    /// A connection being made in the background since [`Store::prepare`].
    connecting: Option<JoinHandle<Result<DaemonClient, ClientError>>>,
}

impl DaemonLink {
    pub fn new(config: Config) -> DaemonLink {
        DaemonLink { config, client: None, connecting: None }
    }

    fn connect(&mut self) -> Result<DaemonClient, StoreError> {
        let failed = |e: ClientError| StoreError(format!("cannot connect to the daemon: {e}"));
        // The background attempt, if any, first: it has been waiting for the daemon all along. If
        // it fails while this request waits on it, so does this request (no second wait); if it
        // had failed before the request came, the request tries afresh.
        if let Some(handle) = self.connecting.take() {
            let failed_earlier = handle.is_finished();
            match handle.join() {
                Ok(Ok(client)) => return Ok(client),
                Ok(Err(e)) if !failed_earlier => return Err(failed(e)),
                _ => {}
            }
        }
        DaemonClient::connect_or_spawn(&self.config).map_err(failed)
    }

    fn once(&mut self, json: &str) -> Result<String, StoreError> {
        let client = match &mut self.client {
            Some(client) => client,
            None => {
                let client = self.connect()?;
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
    fn prepare(&mut self) {
        if self.client.is_some() || self.connecting.is_some() {
            return;
        }
        let config = self.config.clone();
        let spawned =
            std::thread::Builder::new().name("vrdndi-daemon-connect".into()).spawn(move || DaemonClient::connect_or_spawn(&config));
        match spawned {
            Ok(handle) => self.connecting = Some(handle),
            Err(e) => tracing::warn!("cannot start connecting to the daemon ahead of the first request: {e}"),
        }
    }

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
