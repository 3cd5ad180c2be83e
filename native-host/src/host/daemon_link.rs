//! The relay's connection to the store daemon: made in the background after the browser's hello
//! (or on the first request that needs the store), kept for the next requests, and made again on
//! the next request after it fails or after it was let go.
//!
//! A browser keeps its host running for as long as it runs, so a connection kept forever would keep
//! the daemon, and its model, in memory all day. After the daemon's idle time without a request the
//! link lets go of the connection (a watchdog thread closes it), and the daemon exits after its own
//! idle time if nobody else uses it. The next hello or request starts it again.
//!
//! A connection that breaks under a request is retried once at once, on a fresh connection, only
//! for requests the daemon can safely see twice (reads, and writes it deduplicates by id); the
//! others get `store_unavailable` and the extension decides whether to send them again.

use std::sync::{Arc, Mutex, MutexGuard, PoisonError, TryLockError, Weak};
use std::time::{Duration, Instant};

use vrdndi_protocol::{Request, RequestBody};

use super::relay::{Store, StoreError};
use crate::config::Config;
use crate::daemon::client::DaemonClient;

pub struct DaemonLink {
    config: Config,
    connection: Arc<Mutex<Connection>>,
}

/// The connection and when it last served a request; shared with the watchdog and with the
/// background connect of [`Store::prepare`], which holds the lock while it connects (a request
/// that comes meanwhile waits for that connection instead of making its own).
struct Connection {
    client: Option<DaemonClient>,
    last_used: Instant,
    /// Why the background connect failed, and when: the next request's answer if it is recent,
    /// instead of a second wait for a daemon that cannot start.
    failed: Option<(Instant, StoreError)>,
}

/// How long a failed background connect stands for the next request.
const FAILURE_STANDS_FOR: Duration = Duration::from_secs(10);

impl DaemonLink {
    /// A link that lets go of its connection after `release_after` without a request.
    pub fn new(config: Config, release_after: Duration) -> DaemonLink {
        let connection = Arc::new(Mutex::new(Connection { client: None, last_used: Instant::now(), failed: None }));
        watch_idle(Arc::downgrade(&connection), release_after);
        DaemonLink { config, connection }
    }

    fn connection(&self) -> MutexGuard<'_, Connection> {
        // A panic while holding the lock leaves at worst a dropped connection: carry on.
        self.connection.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn once(&self, json: &str) -> Result<String, StoreError> {
        // Held for the whole request, connecting included: the watchdog waits.
        let mut connection = self.connection();
        let failed = connection.failed.take();
        let mut client = match (connection.client.take(), failed) {
            (Some(client), _) => client,
            (None, Some((at, why))) if at.elapsed() < FAILURE_STANDS_FOR => return Err(why),
            (None, _) => connect(&self.config)?,
        };
        let reply = client.roundtrip_raw(json).map_err(|e| StoreError(format!("the daemon connection failed: {e}")));
        if reply.is_ok() {
            connection.client = Some(client);
        }
        connection.last_used = Instant::now();
        reply
    }
}

fn connect(config: &Config) -> Result<DaemonClient, StoreError> {
    DaemonClient::connect_or_spawn(config).map_err(|e| StoreError(format!("cannot connect to the daemon: {e}")))
}

/// Closes the connection once it has served no request for `release_after`; ends with the link.
fn watch_idle(connection: Weak<Mutex<Connection>>, release_after: Duration) {
    let every = (release_after / 4).clamp(Duration::from_millis(50), Duration::from_secs(30));
    let spawned = std::thread::Builder::new().name("vrdndi-daemon-idle".into()).spawn(move || loop {
        std::thread::sleep(every);
        let Some(connection) = connection.upgrade() else { return };
        let mut connection = connection.lock().unwrap_or_else(PoisonError::into_inner);
        if connection.client.is_some() && connection.last_used.elapsed() >= release_after {
            connection.client = None;
            tracing::info!(idle_s = release_after.as_secs_f64(), "let go of the daemon connection: no request for the idle time");
        }
    });
    if let Err(e) = spawned {
        tracing::warn!("cannot start the thread that lets go of an idle daemon connection: {e}");
    }
}

impl Store for DaemonLink {
    fn prepare(&mut self) {
        // Never waits: a connection in use or being made is enough.
        match self.connection.try_lock() {
            Ok(connection) if connection.client.is_none() => {}
            Ok(_) | Err(TryLockError::WouldBlock) => return,
            Err(TryLockError::Poisoned(_)) => {}
        }
        let (config, shared) = (self.config.clone(), Arc::downgrade(&self.connection));
        let spawned = std::thread::Builder::new().name("vrdndi-daemon-connect".into()).spawn(move || {
            let Some(shared) = shared.upgrade() else { return };
            let mut connection = shared.lock().unwrap_or_else(PoisonError::into_inner);
            if connection.client.is_some() {
                return;
            }
            match connect(&config) {
                Ok(client) => {
                    connection.client = Some(client);
                    connection.last_used = Instant::now();
                }
                Err(e) => {
                    tracing::warn!("connecting ahead of the first request: {e}");
                    connection.failed = Some((Instant::now(), e));
                }
            }
        });
        if let Err(e) = spawned {
            tracing::warn!("cannot start connecting to the daemon ahead of the first request: {e}");
        }
    }

    fn roundtrip(&mut self, request: &Request, json: &str) -> Result<String, StoreError> {
        let reused = self.connection().client.is_some();
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
