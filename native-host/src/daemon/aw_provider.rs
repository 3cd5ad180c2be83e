//! The daemon's live context: [`ContextProvider`] over `vrdndi-activitywatch`'s aw-server client.
//!
//! Every ranking and every label asks for the context, so a dead or hung aw-server must cost at
//! most the client's short time budget ([`vrdndi_activitywatch::DEFAULT_BUDGET`]) and give an
//! empty context with the reason, never a failure. The reason is logged when it changes, not at
//! every ranking.
//!
//! Reading aw-server takes five HTTP requests to a Python server (about 30 ms on two busy
//! cores), and a homepage asks for several slates within seconds as the person scrolls. So the
//! context of "now" is reused for [`REUSE_NOW_FOR`]: what the person did in the last seconds
//! hardly moves a 30-minute context, and a hung server then costs its budget once, not at every
//! slate. A context for any other time (a label with its own time, `--at`) is always read.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use tokio::runtime::Handle;
use vrdndi_activitywatch::AwClient;
use vrdndi_protocol::{ActivityWatchStatus, ContextReply};

use super::context::ContextProvider;

/// The context from the aw-server at `aw_url`; an address that cannot be used gives a provider
/// whose every context is empty and says why.
pub fn provider(aw_url: &str, runtime: Handle) -> Arc<dyn ContextProvider> {
    match AwClient::new(aw_url) {
        Ok(client) => Arc::new(AwContext { client, runtime, last_problem: Mutex::new(None), now: Mutex::new(None) }),
        Err(e) => {
            tracing::warn!("ActivityWatch context is off: {e}");
            Arc::new(BadAddress { aw_url: aw_url.to_owned(), problem: e.to_string() })
        }
    }
}

/// How long a context of "now" is reused.
pub const REUSE_NOW_FOR: Duration = Duration::from_secs(10);
/// A time this close to the clock is "now".
const NOW_WITHIN: chrono::TimeDelta = chrono::TimeDelta::seconds(2);

/// A live aw-server.
pub struct AwContext {
    client: AwClient,
    /// Providers are called on connection threads (never on the runtime's), so they may block on it.
    runtime: Handle,
    last_problem: Mutex<Option<String>>,
    /// The last context of "now", and when it was read.
    now: Mutex<Option<(Instant, ContextReply)>>,
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
        let is_now = (Utc::now() - at).abs() < NOW_WITHIN;
        if is_now {
            let cached = self.now.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
            if let Some((read, reply)) = cached.as_ref() {
                // Only a later `at`: the cached events all lie before it.
                if read.elapsed() < REUSE_NOW_FOR && reply.minutes == minutes && reply.at <= at {
                    return ContextReply { at, ..reply.clone() };
                }
            }
        }
        let (events, problem) = self.runtime.block_on(self.client.context_or_problem(at, minutes));
        self.note(problem.as_ref());
        let reply = ContextReply { at, minutes, events, problem };
        if is_now {
            *self.now.lock().unwrap_or_else(std::sync::PoisonError::into_inner) = Some((Instant::now(), reply.clone()));
        }
        reply
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

        // A hung server costs its budget once for "now", then the context is reused for a
        // moment; a past time is always read.
        let hung = std::net::TcpListener::bind("127.0.0.1:0").expect("listener");
        let hung = provider(&format!("http://{}", hung.local_addr().expect("address")), runtime.handle().clone());
        let now = Utc::now();
        let timed = |f: &dyn Fn() -> ContextReply| {
            let started = std::time::Instant::now();
            (f(), started.elapsed())
        };
        let (first, read) = timed(&|| hung.context(now, 30));
        assert!(first.problem.is_some() && read >= vrdndi_activitywatch::DEFAULT_BUDGET / 2, "{first:?} in {read:?}");
        let later = now + chrono::TimeDelta::milliseconds(300);
        let (again, reused) = timed(&|| hung.context(later, 30));
        assert!(reused < std::time::Duration::from_millis(100), "not reused: {reused:?}");
        assert_eq!((again.problem, again.at), (first.problem, later));
        let (_, past) = timed(&|| hung.context(at, 30));
        assert!(past >= vrdndi_activitywatch::DEFAULT_BUDGET / 2, "a past time was not read: {past:?}");

        let bad = provider("ftp://nowhere", runtime.handle().clone());
        let reply = bad.context(at, 30);
        assert!(reply.problem.as_deref().is_some_and(|p| p.contains("ftp://nowhere")), "{reply:?}");
        assert_eq!(bad.status().url, "ftp://nowhere");
    }
}
