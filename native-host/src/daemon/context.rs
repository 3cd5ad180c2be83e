//! Where the daemon gets the ActivityWatch context: a labels's snapshot, a ranking's input, the
//! `context` request. The ActivityWatch crate plugs in through [`ContextProvider`]; until it does,
//! [`NoContext`] answers with an empty context that says why.
//!
//! Providers are called on connection threads, never on the runtime's workers, so an async
//! provider may `block_on` the runtime handle the service holds. A provider must not fail: a dead
//! or slow aw-server costs at most a short timeout and yields an empty context with a `problem`.

use chrono::{DateTime, Utc};
use vrdndi_protocol::{ActivityWatchStatus, ContextReply};
use vrdndi_rank::{select_context_events, DEFAULT_LOOKBACK, DEFAULT_MAX_EVENTS};

/// The window the model reads before a ranking or a label: the ranker's lookback (30 minutes).
pub const MODEL_CONTEXT_MINUTES: u32 = DEFAULT_LOOKBACK.num_minutes() as u32;

/// The part of `reply` (read for [`MODEL_CONTEXT_MINUTES`] before `reply.at`) the model reads:
/// repeats of a window merged, the longest kept, oldest first.
pub fn model_view(mut reply: ContextReply) -> ContextReply {
    reply.events = select_context_events(&reply.events, reply.at, DEFAULT_LOOKBACK, DEFAULT_MAX_EVENTS);
    reply
}

pub trait ContextProvider: Send + Sync {
    /// The events of the `minutes` before `at`, oldest first.
    fn context(&self, at: DateTime<Utc>, minutes: u32) -> ContextReply;

    /// What the model reads at `at`: the events of its window with repeats merged and only the
    /// longest kept, oldest first. Labels store this, so a snapshot stays small however busy the
    /// window was, and training sees what ranking saw.
    fn model_context(&self, at: DateTime<Utc>) -> ContextReply {
        model_view(self.context(at, MODEL_CONTEXT_MINUTES))
    }

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
