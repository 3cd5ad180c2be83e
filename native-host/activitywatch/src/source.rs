//! One interface over the two places context comes from: the live aw-server and an export file.
//!
//! Ranking must never fail because ActivityWatch did: `context_or_problem` and `context_reply`
//! turn any failure into an empty context and a one-line `problem` for the logs and the UI.

use std::path::Path;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use vrdndi_protocol::{ActivityWatchStatus, ContextEvent, ContextReply};

use crate::buckets::pick;
use crate::client::AwClient;
use crate::export::AwExport;
use crate::Error;

/// Where context events are read from.
#[derive(Debug, Clone)]
pub enum EventSource {
    /// A running aw-server (the live context).
    Server(AwClient),
    /// An "export all buckets" file (historical context); shared, as it can be large.
    Export(Arc<AwExport>),
}

impl EventSource {
    /// The aw-server at `url`, with the default time budget.
    pub fn server(url: &str) -> Result<EventSource, Error> {
        AwClient::new(url).map(EventSource::Server)
    }

    /// An export file, read and indexed now.
    pub fn export(path: &Path) -> Result<EventSource, Error> {
        AwExport::open(path).map(|e| EventSource::Export(Arc::new(e)))
    }

    /// The context at `at` over the last `minutes`, oldest first.
    pub async fn context_at(&self, at: DateTime<Utc>, minutes: u32) -> Result<Vec<ContextEvent>, Error> {
        match self {
            EventSource::Server(client) => client.context_at(at, minutes).await,
            EventSource::Export(export) => export.context_at(at, minutes),
        }
    }

    /// The context, or an empty one and why: never an error.
    pub async fn context_or_problem(&self, at: DateTime<Utc>, minutes: u32) -> (Vec<ContextEvent>, Option<String>) {
        match self.context_at(at, minutes).await {
            Ok(events) => (events, None),
            Err(e) => (Vec::new(), Some(e.to_string())),
        }
    }

    /// The context as the protocol's reply.
    pub async fn context_reply(&self, at: DateTime<Utc>, minutes: u32) -> ContextReply {
        let (events, problem) = self.context_or_problem(at, minutes).await;
        ContextReply { at, minutes, events, problem }
    }
}

impl AwClient {
    /// The context, or an empty one and why: never an error.
    pub async fn context_or_problem(&self, at: DateTime<Utc>, minutes: u32) -> (Vec<ContextEvent>, Option<String>) {
        match self.context_at(at, minutes).await {
            Ok(events) => (events, None),
            Err(e) => (Vec::new(), Some(e.to_string())),
        }
    }

    /// Whether the server answers and which buckets the context is read from (all buckets,
    /// with the reason, when none can be chosen). Bounded by the client's time budget.
    pub async fn status(&self) -> ActivityWatchStatus {
        let url = self.url();
        match self.buckets().await {
            Ok(buckets) => match pick(&buckets, self.host()) {
                Ok(picked) => ActivityWatchStatus { url, reachable: true, buckets: picked.ids(), problem: None },
                Err(e) => ActivityWatchStatus {
                    url,
                    reachable: true,
                    buckets: buckets.into_iter().map(|b| b.id).collect(),
                    problem: Some(e.to_string()),
                },
            },
            Err(e) => ActivityWatchStatus { url, reachable: false, buckets: Vec::new(), problem: Some(e.to_string()) },
        }
    }
}
