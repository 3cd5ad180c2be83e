//! The socket listener: one thread per connection, the idle exit, and the signals.
//!
//! Connections are served on plain threads with blocking IO (a handful of browsers and commands
//! at most); the async runtime only waits for connections, the idle clock and SIGTERM/SIGINT.
//! Before an idle exit the socket file is removed first and the listen backlog drained, so a
//! client that connected in that instant is still answered instead of finding a closed socket.

use std::io;
use std::os::unix::net::{UnixListener, UnixStream};
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::signal::unix::{signal, SignalKind};

use super::connection;
use super::service::Service;
use super::Exit;

/// Counts open connections and remembers when the last one closed.
#[derive(Clone)]
struct Connections {
    open: Arc<AtomicUsize>,
    last_closed: Arc<Mutex<Instant>>,
}

/// Decrements the open count when a connection's thread ends, panicking or not.
pub(crate) struct ConnectionGuard(Connections);

impl Drop for ConnectionGuard {
    fn drop(&mut self) {
        if let Ok(mut at) = self.0.last_closed.lock() {
            *at = Instant::now();
        }
        self.0.open.fetch_sub(1, Ordering::SeqCst);
    }
}

impl Connections {
    fn new() -> Connections {
        Connections { open: Arc::new(AtomicUsize::new(0)), last_closed: Arc::new(Mutex::new(Instant::now())) }
    }

    fn open(&self) -> ConnectionGuard {
        self.open.fetch_add(1, Ordering::SeqCst);
        ConnectionGuard(self.clone())
    }

    fn idle_for(&self) -> Duration {
        if self.open.load(Ordering::SeqCst) > 0 {
            return Duration::ZERO;
        }
        self.last_closed.lock().map(|at| at.elapsed()).unwrap_or_default()
    }
}

pub(crate) async fn serve(listener: UnixListener, socket: &Path, service: Arc<Service>, idle_after: Duration) -> io::Result<Exit> {
    listener.set_nonblocking(true)?;
    let listener = tokio::net::UnixListener::from_std(listener)?;
    let connections = Connections::new();
    let mut terminate = signal(SignalKind::terminate())?;
    let mut interrupt = signal(SignalKind::interrupt())?;
    let mut clock = tokio::time::interval((idle_after / 4).clamp(Duration::from_millis(50), Duration::from_secs(5)));
    loop {
        tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => start(stream.into_std()?, &service, &connections),
                Err(e) => {
                    // Usually out of file descriptors: back off instead of spinning.
                    tracing::warn!("accept failed: {e}");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
            },
            _ = terminate.recv() => return Ok(Exit::Signal("SIGTERM")),
            _ = interrupt.recv() => return Ok(Exit::Signal("SIGINT")),
            _ = clock.tick() => if connections.idle_for() >= idle_after { break },
        }
    }
    if let Err(e) = std::fs::remove_file(socket) {
        tracing::warn!(socket = %socket.display(), "cannot remove the socket before the idle exit: {e}");
    }
    let listener = listener.into_std()?;
    loop {
        match listener.accept() {
            Ok((stream, _)) => start(stream, &service, &connections),
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => break,
            Err(e) => {
                tracing::warn!("accept failed while draining: {e}");
                break;
            }
        }
    }
    while connections.open.load(Ordering::SeqCst) > 0 {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    Ok(Exit::Idle)
}

fn start(stream: UnixStream, service: &Arc<Service>, connections: &Connections) {
    if let Err(e) = stream.set_nonblocking(false) {
        tracing::warn!("cannot make a connection blocking: {e}");
        return;
    }
    let guard = connections.open();
    let service = Arc::clone(service);
    let spawned = std::thread::Builder::new().name("vrdndi-conn".into()).spawn(move || connection::serve(stream, &service, guard));
    if let Err(e) = spawned {
        tracing::error!("cannot start a connection thread: {e}");
    }
}
