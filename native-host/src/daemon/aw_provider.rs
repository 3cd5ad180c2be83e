//! The daemon's live context: [`ContextProvider`] over `vrdndi-activitywatch`'s aw-server client.
//!
//! Every ranking and every label asks for the context, so a dead or hung aw-server must cost at
//! most the client's short time budget ([`vrdndi_activitywatch::DEFAULT_BUDGET`]) and give an
//! empty context with the reason, never a failure. The reason is logged when it changes, not at
//! every ranking.

use std::sync::{Arc, Mutex};

use chrono::{DateTime, Utc};
use tokio::runtime::Handle;
use vrdndi_activitywatch::AwClient;
use vrdndi_protocol::{ActivityWatchStatus, ContextReply};

use super::context::ContextProvider;

/// The context from the aw-server at `aw_url`; an address that cannot be used gives a provider
/// whose every context is empty and says why.
pub fn provider(aw_url: &str, runtime: Handle) -> Arc<dyn ContextProvider> {
    match AwClient::new(aw_url) {
        Ok(client) => Arc::new(AwContext { client, runtime, last_problem: Mutex::new(None) }),
        Err(e) => {
            tracing::warn!("ActivityWatch context is off: {e}");
            Arc::new(BadAddress { aw_url: aw_url.to_owned(), problem: e.to_string() })
        }
    }
}

/// A live aw-server.
pub struct AwContext {
    client: AwClient,
    /// Providers are called on connection threads (never on the runtime's), so they may block on it.
    runtime: Handle,
    last_problem: Mutex<Option<String>>,
}

impl AwContext {
    fn note(&self, problem: Option<&String>) {
        let mut last = self.last_problem.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if last.as_ref() != problem {
            match problem {
                Some(p) => tracing::warn!("no ActivityWatch context: {p}"),
                None => tracing::info!(url = %self.client.url(), "ActivityWatch context is back"),
            }
            *last = problem.cloned();
        }
    }
}

impl ContextProvider for AwContext {
    fn context(&self, at: DateTime<Utc>, minutes: u32) -> ContextReply {
        let (events, problem) = self.runtime.block_on(self.client.context_or_problem(at, minutes));
        self.note(problem.as_ref());
        ContextReply { at, minutes, events, problem }
    }

    fn status(&self) -> ActivityWatchStatus {
        self.runtime.block_on(self.client.status())
    }
}

/// An `--aw-url` that is not an http address.
struct BadAddress {
    aw_url: String,
    problem: String,
}

impl ContextProvider for BadAddress {
    fn context(&self, at: DateTime<Utc>, minutes: u32) -> ContextReply {
        ContextReply { at, minutes, events: Vec::new(), problem: Some(self.problem.clone()) }
    }

    fn status(&self) -> ActivityWatchStatus {
        ActivityWatchStatus { url: self.aw_url.clone(), reachable: false, buckets: Vec::new(), problem: Some(self.problem.clone()) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_dead_server_or_a_bad_address_gives_an_empty_context_with_the_reason() {
        // As in the daemon: a multi-thread runtime, whose workers drive the IO a `block_on` waits on.
        let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(1).enable_all().build().expect("runtime");
        let port = std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).expect("port").port();
        let at: DateTime<Utc> = "2023-11-19T03:00:00Z".parse().expect("time");
        let dead = provider(&format!("http://127.0.0.1:{port}"), runtime.handle().clone());
        let started = std::time::Instant::now();
        let reply = dead.context(at, 30);
        assert!(started.elapsed() < vrdndi_activitywatch::DEFAULT_BUDGET * 2, "took {:?}", started.elapsed());
        assert!(reply.events.is_empty() && reply.problem.is_some(), "{reply:?}");
        assert!(!dead.status().reachable);

        let bad = provider("ftp://nowhere", runtime.handle().clone());
        let reply = bad.context(at, 30);
        assert!(reply.problem.as_deref().is_some_and(|p| p.contains("ftp://nowhere")), "{reply:?}");
        assert_eq!(bad.status().url, "ftp://nowhere");
    }
}
