//! The daemon: the one process per data dir that owns the store, the embedder and the ranker.
//!
//! sled allows one process per database, while every browser profile starts its own host process,
//! and the command line needs the store too. So one `vrdndi daemon` owns the store and serves
//! everyone over a Unix socket at `config.socket_path()`, speaking exactly the native messaging
//! framing and the protocol crate's messages. Clients ([`client::DaemonClient`]) start it on demand;
//! a daemon that finds the store locked exits quietly (another one won the race); a daemon with no
//! connection for `VRDNDI_IDLE_EXIT_SECS` (default 600) exits, and SIGTERM or SIGINT make it flush
//! and exit. Every write is flushed before it is acknowledged.
//!
//! Unix socket paths are limited to about 100 bytes (`sun_path`), so a very deep `--data-dir`
//! fails to bind with a message that says so.

mod aw_provider;
pub mod client;
mod connection;
pub mod context;
mod embeddings;
mod export;
mod failure;
mod feed;
mod feedback;
pub mod framing;
pub mod history_context;
mod import;
mod profile;
pub mod ranking;
mod retrain;
mod server;
pub mod service;
mod status;
mod studio;

use std::io;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use vrdndi_store::{Store, StoreError};

use crate::config::Config;

pub use client::{ClientError, DaemonClient, SpawnOptions};
pub use context::{ContextProvider, NoContext};
pub use failure::Failure;
pub use service::Service;

/// Seconds without any connection after which the daemon exits.
pub const IDLE_EXIT_ENV: &str = "VRDNDI_IDLE_EXIT_SECS";
pub const DEFAULT_IDLE_EXIT: Duration = Duration::from_secs(600);

#[derive(Debug, thiserror::Error)]
pub enum DaemonError {
    #[error("cannot create the data dir {path}: {source}")]
    DataDir { path: PathBuf, source: io::Error },
    #[error("cannot open the store: {0}")]
    Store(#[from] StoreError),
    #[error("cannot remove the stale socket {path}: {source}")]
    StaleSocket { path: PathBuf, source: io::Error },
    #[error("cannot listen on {path}: {source} (socket paths must be under about 100 bytes; choose a shorter --data-dir)")]
    Bind { path: PathBuf, source: io::Error },
    #[error("cannot start the async runtime: {0}")]
    Runtime(io::Error),
    #[error("the socket listener failed: {0}")]
    Listen(io::Error),
}

/// How a daemon run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// Another process owns the store; this one did nothing.
    AnotherDaemonOwnsTheStore,
    /// No connection for the idle time.
    Idle,
    /// SIGTERM or SIGINT.
    Signal(&'static str),
}

/// Runs the daemon in this process until it is idle or signalled.
pub fn run(config: &Config) -> Result<Exit, DaemonError> {
    create_private_dir(&config.data_dir).map_err(|source| DaemonError::DataDir { path: config.data_dir.clone(), source })?;
    let store = match Store::open(&config.store_dir()) {
        Ok(store) => store,
        Err(StoreError::Locked { path }) => {
            tracing::info!(store = %path.display(), "another daemon owns the store; exiting");
            return Ok(Exit::AnotherDaemonOwnsTheStore);
        }
        Err(error) => return Err(error.into()),
    };
    // Only the holder of the store lock may touch the socket path: a socket file left now is stale.
    let socket = config.socket_path();
    match std::fs::remove_file(&socket) {
        Ok(()) => tracing::info!(socket = %socket.display(), "removed a stale socket"),
        Err(e) if e.kind() == io::ErrorKind::NotFound => {}
        Err(source) => return Err(DaemonError::StaleSocket { path: socket, source }),
    }
    let listener = std::os::unix::net::UnixListener::bind(&socket).map_err(|source| DaemonError::Bind { path: socket.clone(), source })?;
    // Connecting needs write permission on the socket: only its owner may talk to the store, even
    // when the data dir was made with looser permissions (by the logger, or by the person).
    if let Err(e) = std::fs::set_permissions(&socket, std::os::unix::fs::PermissionsExt::from_mode(0o600)) {
        tracing::warn!(socket = %socket.display(), "cannot make the socket owner-only: {e}");
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("vrdndi-daemon-rt")
        .enable_all()
        .build()
        .map_err(DaemonError::Runtime)?;
    let context = history_context::with_history(aw_provider::provider(&config.aw_url, runtime.handle().clone()), config);
    let service = Arc::new(Service::new(config.clone(), store.clone(), runtime.handle().clone()).with_context(context));
    retrain::spawn(service.clone());
    let warm_up = service.ranker.warm_up();
    let model = service.ranker.close_handle();
    let idle = idle_exit_after();
    tracing::info!(socket = %socket.display(), pid = std::process::id(), idle_s = idle.as_secs_f64(), "daemon serving");
    let served = runtime.block_on(server::serve(listener, &socket, service, idle));
    runtime.shutdown_timeout(Duration::from_secs(1));
    if let Err(e) = std::fs::remove_file(&socket) {
        if e.kind() != io::ErrorKind::NotFound {
            tracing::warn!(socket = %socket.display(), "cannot remove the socket: {e}");
        }
    }
    if let Err(e) = store.flush() {
        tracing::error!("final flush failed: {e}");
    }
    model.close(WARM_UP_EXIT_WAIT);
    if let Some(warm_up) = warm_up {
        wait_for(warm_up, WARM_UP_EXIT_WAIT);
    }
    let exit = served.map_err(DaemonError::Listen)?;
    tracing::info!(?exit, "daemon exiting");
    Ok(exit)
}

/// `VRDNDI_IDLE_EXIT_SECS` (fractions allowed), else [`DEFAULT_IDLE_EXIT`].
pub fn idle_exit_after() -> Duration {
    let Ok(text) = std::env::var(IDLE_EXIT_ENV) else { return DEFAULT_IDLE_EXIT };
    match text.trim().parse::<f64>().ok().and_then(|s| Duration::try_from_secs_f64(s).ok()) {
        Some(duration) => duration,
        None => {
            tracing::warn!("{IDLE_EXIT_ENV}={text:?} is not a number of seconds; using {}", DEFAULT_IDLE_EXIT.as_secs());
            DEFAULT_IDLE_EXIT
        }
    }
}

/// The data dir holds the socket and the store: keep it to its owner (0700) where we create it.
fn create_private_dir(dir: &std::path::Path) -> io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir)
}

/// How long an exiting daemon waits for a model load still under way.
const WARM_UP_EXIT_WAIT: Duration = Duration::from_secs(60);

/// Joins `thread` if it finishes within `limit`; a thread still running after that is left.
fn wait_for(thread: std::thread::JoinHandle<()>, limit: Duration) {
    let deadline = std::time::Instant::now() + limit;
    while !thread.is_finished() && std::time::Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
    }
    if thread.is_finished() {
        let _ = thread.join();
    } else {
        tracing::warn!("the model is still loading after {limit:?}; exiting anyway");
    }
}
