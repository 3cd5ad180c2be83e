//! Helpers for the daemon tests: a short data dir that cleans up its daemons, a daemon process,
//! a host process speaking native messaging over its stdin/stdout, and request builders.

#![allow(dead_code)]

#[path = "../support/daemons.rs"]
mod daemons;

use std::io::Write;
use std::process::{Child, ChildStdin, ChildStdout, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use vrdndi::config::Config;
use vrdndi::daemon::{DaemonClient, SpawnOptions};
use vrdndi_protocol::{RequestBody, Response, ResponseBody, StatusReply, StatusRequest};
use vrdndi_store::{Store, StoreError};

pub const VRDNDI: &str = env!("CARGO_BIN_EXE_vrdndi");

/// Daemons in these tests exit this long after their last connection, in case one outlives
/// its test; [`DataDir`]'s drop kills them anyway.
pub const TEST_IDLE_EXIT: Duration = Duration::from_secs(2);

/// A throwaway data dir under /tmp (socket paths must stay short).
pub struct DataDir {
    _dir: tempfile::TempDir,
    pub config: Config,
}

/// What a thread needs to reach the daemon of a [`DataDir`].
#[derive(Clone)]
pub struct Target {
    pub config: Config,
}

impl Target {
    pub fn spawn_options(&self) -> SpawnOptions {
        SpawnOptions::default().with_daemon_exe(VRDNDI).with_idle_exit(TEST_IDLE_EXIT)
    }
}

impl DataDir {
    pub fn new() -> DataDir {
        let dir = tempfile::Builder::new().prefix("vd").tempdir_in("/tmp").expect("temp dir");
        let config = Config::new(dir.path().join("data"), Some("http://127.0.0.1:9".into()), None, None);
        DataDir { _dir: dir, config }
    }

    pub fn clone_config(&self) -> Target {
        Target { config: self.config.clone() }
    }

    pub fn spawn_options(&self) -> SpawnOptions {
        self.clone_config().spawn_options()
    }

    /// `vrdndi --data-dir DIR ARGS...` with the test idle time.
    pub fn vrdndi(&self, args: &[&str]) -> Command {
        let mut command = Command::new(VRDNDI);
        command
            .arg("--data-dir")
            .arg(&self.config.data_dir)
            .args(["--aw-url", &self.config.aw_url])
            .args(args)
            .env("VRDNDI_IDLE_EXIT_SECS", TEST_IDLE_EXIT.as_secs_f64().to_string());
        command
    }

    /// Opens the store directly once the daemon has let go of it (idle exit or a signal).
    pub fn open_store_after_daemon_exits(&self) -> Store {
        let deadline = Instant::now() + TEST_IDLE_EXIT + Duration::from_secs(10);
        loop {
            match Store::open(&self.config.store_dir()) {
                Ok(store) => return store,
                Err(StoreError::Locked { .. }) if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(50)),
                Err(e) => panic!("the store did not come free: {e}"),
            }
        }
    }
}

impl Drop for DataDir {
    fn drop(&mut self) {
        daemons::kill_daemons_serving(&self.config.data_dir);
    }
}

/// A `vrdndi daemon` this test started itself.
pub struct RunningDaemon {
    child: Child,
    status: Option<ExitStatus>,
}

impl RunningDaemon {
    /// Starts a daemon and returns without waiting for it.
    pub fn spawn(dir: &DataDir, idle: Duration) -> RunningDaemon {
        let mut command = dir.vrdndi(&["daemon"]);
        command.env("VRDNDI_IDLE_EXIT_SECS", idle.as_secs_f64().to_string()).stdin(Stdio::null()).stdout(Stdio::null());
        RunningDaemon { child: command.spawn().expect("starts vrdndi daemon"), status: None }
    }

    /// Starts a daemon and waits until it answers.
    pub fn start(dir: &DataDir) -> RunningDaemon {
        RunningDaemon::start_with_idle(dir, Duration::from_secs(30))
    }

    pub fn start_with_idle(dir: &DataDir, idle: Duration) -> RunningDaemon {
        let mut daemon = RunningDaemon::spawn(dir, idle);
        let deadline = Instant::now() + Duration::from_secs(10);
        while DaemonClient::connect(&dir.config).is_err() {
            assert!(daemon.exited().is_none(), "the daemon exited before serving");
            assert!(Instant::now() < deadline, "the daemon did not start serving in 10 s");
            std::thread::sleep(Duration::from_millis(10));
        }
        daemon
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// SIGKILL, and reap it.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        self.status = self.child.wait().ok();
    }

    /// SIGTERM, and its exit status.
    pub fn terminate(&mut self) -> ExitStatus {
        let _ = Command::new("kill").args(["-TERM", &self.pid().to_string()]).status();
        self.wait_for_exit(Duration::from_secs(10)).expect("exits on SIGTERM")
    }

    pub fn exited(&mut self) -> Option<ExitStatus> {
        if self.status.is_none() {
            self.status = self.child.try_wait().expect("try_wait");
        }
        self.status
    }

    pub fn wait_for_exit(&mut self, timeout: Duration) -> Option<ExitStatus> {
        let deadline = Instant::now() + timeout;
        while Instant::now() < deadline {
            if let Some(status) = self.exited() {
                return Some(status);
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        None
    }
}

impl Drop for RunningDaemon {
    fn drop(&mut self) {
        if self.exited().is_none() {
            self.kill();
        }
    }
}

/// A native messaging host process as a browser starts it: Chrome's origin as its argument,
/// settings in its environment, frames on stdin and stdout.
pub struct Host {
    child: Child,
    stdin: Option<ChildStdin>,
    stdout: ChildStdout,
}

impl Host {
    pub fn start(dir: &DataDir) -> Host {
        let mut child = Command::new(VRDNDI)
            .arg("chrome-extension://pceeajkljpiinfgnhnakckppgpdkepcm/")
            .env("VRDNDI_DATA_DIR", &dir.config.data_dir)
            .env("VRDNDI_AW_URL", &dir.config.aw_url)
            .env("VRDNDI_IDLE_EXIT_SECS", TEST_IDLE_EXIT.as_secs_f64().to_string())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("starts the host");
        let stdin = child.stdin.take();
        let stdout = child.stdout.take().expect("stdout");
        Host { child, stdin, stdout }
    }

    pub fn request(&mut self, request: &Value) -> Response {
        let text = request.to_string();
        let stdin = self.stdin.as_mut().expect("stdin open");
        stdin.write_all(&(text.len() as u32).to_ne_bytes()).expect("writes");
        stdin.write_all(text.as_bytes()).expect("writes");
        stdin.flush().expect("flushes");
        let reply = vrdndi::daemon::framing::read_text(&mut self.stdout).expect("reads").expect("a reply");
        serde_json::from_str(&reply).expect("a protocol reply")
    }

    /// Closes stdin as the browser does, and checks the host exits 0.
    pub fn finish(mut self) {
        drop(self.stdin.take());
        let status = self.child.wait().expect("waits");
        assert!(status.success(), "host exited with {status}");
    }
}

impl Drop for Host {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

pub fn video_id(i: usize) -> String {
    format!("v{i:010}")
}

/// A `feedback` request for video number `i`.
pub fn feedback(id: u64, feedback_id: &str, i: usize) -> Value {
    let kind = ["like", "not_now"][i % 2];
    json!({
        "id": id,
        "type": "feedback",
        "feedback_id": feedback_id,
        "video": {"video_id": video_id(i), "title": format!("Video {i}"), "channel": "Test channel"},
        "kind": kind,
        "source": "youtube",
    })
}

pub fn status(client: &mut DaemonClient) -> StatusReply {
    match client.call(RequestBody::Status(StatusRequest {})).expect("answered") {
        ResponseBody::Status(status) => *status,
        other => panic!("status answered {other:?}"),
    }
}
