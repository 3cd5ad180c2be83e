//! Where the daemon gets the ActivityWatch context: a labels's snapshot, a ranking's input, the
//! `context` request. The ActivityWatch crate plugs in through [`ContextProvider`]; until it does,
//! [`NoContext`] answers with an empty context that says why.
//!
//! Providers are called on connection threads, never on the runtime's workers, so an async
//! provider may `block_on` the runtime handle the service holds. A provider must not fail: a dead
//! or slow aw-server costs at most a short timeout and yields an empty context with a `problem`.

use chrono::{DateTime, Utc};
use vrdndi_protocol::{ActivityWatchStatus, ContextReply};

/// Minutes of context before a label or a ranking, and for `context` without `minutes`.
pub const DEFAULT_CONTEXT_MINUTES: u32 = 30;

pub trait ContextProvider: Send + Sync {
    /// The events of the `minutes` before `at`, oldest first.
    fn context(&self, at: DateTime<Utc>, minutes: u32) -> ContextReply;

    /// Whether ActivityWatch answers, and which buckets it has.
    fn status(&self) -> ActivityWatchStatus;
}

/// No ActivityWatch connection: every context is empty.
pub struct NoContext {
    pub aw_url: String,
}

const NOT_CONNECTED: &str = "ActivityWatch is not connected to the daemon yet";

impl ContextProvider for NoContext {
    fn context(&self, at: DateTime<Utc>, minutes: u32) -> ContextReply {
        ContextReply { at, minutes, events: Vec::new(), problem: Some(NOT_CONNECTED.to_owned()) }
    }

    fn status(&self) -> ActivityWatchStatus {
        ActivityWatchStatus { url: self.aw_url.clone(), reachable: false, buckets: Vec::new(), problem: Some(NOT_CONNECTED.to_owned()) }
    }
}
