//! How the host relay and the command line reach the daemon, starting it when none answers.
//!
//! [`DaemonClient::connect_or_spawn`] connects to `config.socket_path()`; when nothing answers it
//! starts `<this executable> daemon` with the same settings, detached (stdio to /dev/null, its own
//! process group, so a browser closing the host's group does not take the daemon with it), and keeps
//! connecting for up to [`SpawnOptions::wait`]. It starts the daemon again every half second while
//! none answers: a daemon that finds the store locked exits at once, which is right when another
//! daemon won the race but not when the lock holder was just exiting after an idle period.
//!
//! One client is one connection; requests on it are answered in order. The client never resends a
//! request on its own: only the caller knows which requests are safe to repeat.

use std::io::{self, BufReader};
use std::os::unix::net::UnixStream;
use std::os::unix::process::CommandExt;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use native_messaging::host::NmError;
use vrdndi_protocol::{Request, RequestBody, RequestId, Response, ResponseBody};

use super::framing;
use crate::config::Config;

/// How long [`DaemonClient::connect_or_spawn`] waits for a daemon it started.
pub const DEFAULT_SPAWN_WAIT: Duration = Duration::from_secs(10);

/// How often a daemon is started again while none answers.
const RESPAWN_EVERY: Duration = Duration::from_millis(500);

#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    #[error("no daemon answered at {socket} within {waited:?} ({source}); see the log in the data dir")]
    NoDaemon { socket: PathBuf, waited: Duration, source: io::Error },
    #[error("cannot connect to the daemon at {socket}: {source}")]
    Connect { socket: PathBuf, source: io::Error },
    #[error("cannot start the daemon `{exe}`: {source}")]
    Spawn { exe: PathBuf, source: io::Error },
    #[error("the daemon closed the connection before replying")]
    Closed,
    #[error("the daemon connection failed: {0}")]
    Io(#[source] io::Error),
    #[error("the request is {len} bytes, over the {max}-byte cap")]
    TooLarge { len: usize, max: usize },
    #[error("the daemon sent a bad frame: {0}")]
    Frame(#[source] NmError),
    #[error("the daemon's reply is not a protocol message: {0}")]
    BadReply(#[source] serde_json::Error),
    #[error("the daemon answered request {got:?} instead of {sent}")]
    IdMismatch { sent: RequestId, got: Option<RequestId> },
}

impl From<NmError> for ClientError {
    fn from(error: NmError) -> Self {
        match error {
            NmError::Disconnected => ClientError::Closed,
            NmError::Io(e) if e.kind() == io::ErrorKind::UnexpectedEof => ClientError::Closed,
            NmError::Io(e) => ClientError::Io(e),
            NmError::OutgoingTooLarge { len, max } => ClientError::TooLarge { len, max },
            other => ClientError::Frame(other),
        }
    }
}

/// How to start a daemon when none answers.
#[derive(Debug, Clone)]
pub struct SpawnOptions {
    /// The `vrdndi` binary to start; `None` means this process's own executable.
    pub daemon_exe: Option<PathBuf>,
    /// How long to keep connecting after starting it. Default [`DEFAULT_SPAWN_WAIT`].
    pub wait: Duration,
    /// The started daemon's idle exit; `None` (the default) leaves it to the environment.
    pub idle_exit: Option<Duration>,
}

impl Default for SpawnOptions {
    fn default() -> Self {
        SpawnOptions { daemon_exe: None, wait: DEFAULT_SPAWN_WAIT, idle_exit: None }
    }
}

impl SpawnOptions {
    /// Start this binary instead of the current executable (tests run from their own binary).
    pub fn with_daemon_exe(mut self, exe: impl Into<PathBuf>) -> Self {
        self.daemon_exe = Some(exe.into());
        self
    }

    pub fn with_wait(mut self, wait: Duration) -> Self {
        self.wait = wait;
        self
    }

    pub fn with_idle_exit(mut self, idle: Duration) -> Self {
        self.idle_exit = Some(idle);
        self
    }
}

/// One connection to the daemon.
pub struct DaemonClient {
    reader: BufReader<UnixStream>,
    writer: UnixStream,
    next_id: RequestId,
}

impl DaemonClient {
    /// Connects to a running daemon; never starts one.
    pub fn connect(config: &Config) -> Result<DaemonClient, ClientError> {
        let socket = config.socket_path();
        let stream = UnixStream::connect(&socket).map_err(|source| ClientError::Connect { socket, source })?;
        DaemonClient::from_stream(stream)
    }

    /// Connects, starting the daemon with [`SpawnOptions::default`] when none answers.
    pub fn connect_or_spawn(config: &Config) -> Result<DaemonClient, ClientError> {
        DaemonClient::connect_or_spawn_with(config, &SpawnOptions::default())
    }

    pub fn connect_or_spawn_with(config: &Config, options: &SpawnOptions) -> Result<DaemonClient, ClientError> {
        let socket = config.socket_path();
        if let Ok(stream) = UnixStream::connect(&socket) {
            return DaemonClient::from_stream(stream);
        }
        let started = Instant::now();
        let mut last_spawn: Option<Instant> = None;
        let mut pause = Duration::from_millis(5);
        loop {
            if last_spawn.is_none_or(|at| at.elapsed() >= RESPAWN_EVERY) {
                spawn_daemon(config, options)?;
                last_spawn = Some(Instant::now());
            }
            std::thread::sleep(pause);
            pause = (pause * 2).min(Duration::from_millis(100));
            match UnixStream::connect(&socket) {
                Ok(stream) => return DaemonClient::from_stream(stream),
                Err(source) if started.elapsed() >= options.wait => {
                    return Err(ClientError::NoDaemon { socket, waited: started.elapsed(), source });
                }
                Err(_) => {}
            }
        }
    }

    fn from_stream(stream: UnixStream) -> Result<DaemonClient, ClientError> {
        let writer = stream.try_clone().map_err(ClientError::Io)?;
        Ok(DaemonClient { reader: BufReader::new(stream), writer, next_id: 1 })
    }

    /// Limits how long one reply may take (none by default: training can take minutes).
    pub fn set_timeout(&mut self, timeout: Option<Duration>) -> Result<(), ClientError> {
        self.writer.set_read_timeout(timeout).map_err(ClientError::Io)?;
        self.writer.set_write_timeout(timeout).map_err(ClientError::Io)
    }

    /// Sends one request with a fresh id and returns the reply's body, an `Error` body included.
    /// An error reply without an id (the daemon could not read ours) counts as this request's.
    pub fn call(&mut self, body: RequestBody) -> Result<ResponseBody, ClientError> {
        let id = self.next_id;
        self.next_id += 1;
        framing::write_message(&mut self.writer, &Request { id, body })?;
        let text = self.read_reply()?;
        let response: Response = serde_json::from_str(&text).map_err(ClientError::BadReply)?;
        match (response.id, &response.body) {
            (Some(got), _) if got == id => Ok(response.body),
            (None, ResponseBody::Error(_)) => Ok(response.body),
            (got, _) => Err(ClientError::IdMismatch { sent: id, got }),
        }
    }

    /// Sends request text as it is and returns the reply text as it came (the host relay's path:
    /// the text was validated by the host and its id is the browser's).
    pub fn roundtrip_raw(&mut self, json: &str) -> Result<String, ClientError> {
        framing::write_text(&mut self.writer, json)?;
        self.read_reply()
    }

    fn read_reply(&mut self) -> Result<String, ClientError> {
        framing::read_text(&mut self.reader)?.ok_or(ClientError::Closed)
    }
}

/// Starts `exe daemon` with this config's settings, detached, and reaps it when it exits.
fn spawn_daemon(config: &Config, options: &SpawnOptions) -> Result<(), ClientError> {
    let exe = match &options.daemon_exe {
        Some(exe) => exe.clone(),
        None => std::env::current_exe().map_err(|source| ClientError::Spawn { exe: PathBuf::from("vrdndi"), source })?,
    };
    let mut command = Command::new(&exe);
    if let Some(idle) = options.idle_exit {
        command.env(super::IDLE_EXIT_ENV, idle.as_secs_f64().to_string());
    }
    let mut child = command
        .arg("daemon")
        .arg("--data-dir")
        .arg(&config.data_dir)
        .args(["--aw-url", &config.aw_url, "--device", config.device.name()])
        .arg("--models-dir")
        .arg(&config.models_dir)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .process_group(0)
        .spawn()
        .map_err(|source| ClientError::Spawn { exe: exe.clone(), source })?;
    tracing::info!(pid = child.id(), exe = %exe.display(), "started the daemon");
    // A daemon that lost the race exits at once; one that won outlives most clients. Either way
    // waiting on it here keeps it from lingering as a zombie of a long-lived host process.
    let reaper = std::thread::Builder::new().name("vrdndi-daemon-reaper".into()).spawn(move || child.wait());
    if let Err(e) = reaper {
        tracing::warn!("cannot start a thread to reap the daemon: {e}");
    }
    Ok(())
}
