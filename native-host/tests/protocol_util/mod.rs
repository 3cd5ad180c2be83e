//! Helpers for the protocol tests: the real `vrdndi` binary started the way a browser starts it,
//! with a throwaway data dir, spoken to in raw frames over its stdin and stdout.

#![allow(dead_code)]

#[path = "../support/daemons.rs"]
mod daemons;

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use serde_json::Value;

pub const VRDNDI: &str = env!("CARGO_BIN_EXE_vrdndi");
pub const ORIGIN: &str = "chrome-extension://pceeajkljpiinfgnhnakckppgpdkepcm/";
/// No aw-server listens on the discard port: context is empty at once.
pub const DEAD_AW_URL: &str = "http://127.0.0.1:9";
/// How long any single reply may take (a cold daemon start included).
pub const REPLY_TIMEOUT: Duration = Duration::from_secs(60);

/// What the host wrote on stdout, frame by frame.
#[derive(Debug)]
pub enum Out {
    Frame(Value),
    /// Bytes that do not form a frame of JSON (a protocol violation).
    Stray(String),
    /// stdout closed.
    End,
}

/// A throwaway data dir under /tmp (the daemon's socket path must stay short). Kills the
/// daemons serving it on drop.
pub struct DataDir {
    dir: tempfile::TempDir,
    pub path: PathBuf,
}

impl DataDir {
    pub fn new() -> DataDir {
        let dir = tempfile::Builder::new().prefix("vp").tempdir_in("/tmp").expect("temp dir");
        let path = dir.path().join("data");
        DataDir { dir, path }
    }

    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    /// The `vrdndi daemon` processes serving this data dir now.
    pub fn daemon_pids(&self) -> Vec<u32> {
        daemons::daemons_serving(&self.path)
    }

    /// Waits up to 30 s until a daemon serves this data dir (`running`) or none does; whether it
    /// came to that.
    pub fn wait_for_daemon(&self, running: bool) -> bool {
        let deadline = Instant::now() + Duration::from_secs(30);
        while self.daemon_pids().is_empty() == running && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(50));
        }
        self.daemon_pids().is_empty() != running
    }

    /// Everything written to the log files so far.
    pub fn log_text(&self) -> String {
        let Ok(entries) = std::fs::read_dir(self.path.join("logs")) else { return String::new() };
        entries.filter_map(|e| std::fs::read_to_string(e.ok()?.path()).ok()).collect()
    }
}

impl Drop for DataDir {
    fn drop(&mut self) {
        daemons::kill_daemons_serving(&self.path);
    }
}

/// One host process.
pub struct Host {
    child: Child,
    stdin: Option<ChildStdin>,
    out: mpsc::Receiver<Out>,
    stderr: mpsc::Receiver<String>,
}

impl Host {
    /// Started as Chrome starts it: the extension's origin as the only argument.
    pub fn chrome(data: &DataDir) -> Host {
        Host::start(data, &[ORIGIN])
    }

    pub fn start(data: &DataDir, args: &[&str]) -> Host {
        let mut command = Command::new(VRDNDI);
        command
            .args(args)
            .env_clear()
            .env("VRDNDI_DATA_DIR", &data.path)
            .env("VRDNDI_AW_URL", DEAD_AW_URL)
            .env("VRDNDI_IDLE_EXIT_SECS", "2")
            .env("VRDNDI_LOG", "debug");
        for name in ["HOME", "PATH", "ORT_DYLIB_PATH", "VRDNDI_MODELS_DIR"] {
            if let Some(value) = std::env::var_os(name) {
                command.env(name, value);
            }
        }
        let mut child =
            command.stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().expect("starts the vrdndi binary");
        let stdin = child.stdin.take();
        let mut stdout = child.stdout.take().expect("stdout");
        let mut stderr = child.stderr.take().expect("stderr");
        let (out_tx, out) = mpsc::channel();
        std::thread::spawn(move || loop {
            let item = read_out(&mut stdout);
            let last = !matches!(item, Out::Frame(_));
            if out_tx.send(item).is_err() || last {
                return;
            }
        });
        let (err_tx, err_rx) = mpsc::channel();
        std::thread::spawn(move || {
            let mut text = String::new();
            let _ = stderr.read_to_string(&mut text);
            let _ = err_tx.send(text);
        });
        Host { child, stdin, out, stderr: err_rx }
    }

    /// Writes raw bytes to the host's stdin.
    pub fn send_bytes(&mut self, bytes: &[u8]) {
        let stdin = self.stdin.as_mut().expect("stdin is open");
        stdin.write_all(bytes).expect("write to the host");
        stdin.flush().expect("flush");
    }

    /// Sends one frame with this body.
    pub fn send_body(&mut self, body: &[u8]) {
        self.send_bytes(&frame(body));
    }

    pub fn send(&mut self, json: &str) {
        self.send_body(json.as_bytes());
    }

    /// The next thing on stdout.
    pub fn next(&mut self) -> Out {
        self.out.recv_timeout(REPLY_TIMEOUT).expect("the host answered in time")
    }

    /// The next reply, which must be a frame.
    pub fn reply(&mut self) -> Value {
        match self.next() {
            Out::Frame(value) => value,
            other => panic!("expected a reply, got {other:?}"),
        }
    }

    /// Sends a request and returns its reply.
    pub fn ask(&mut self, json: &str) -> Value {
        self.send(json);
        self.reply()
    }

    /// Closes stdin as the browser does when the port closes.
    pub fn close_stdin(&mut self) {
        self.stdin = None;
    }

    /// Closes stdin, checks that nothing more came on stdout, and returns the exit status and stderr.
    pub fn finish(mut self) -> (ExitStatus, String) {
        self.close_stdin();
        let rest = self.next();
        assert!(matches!(rest, Out::End), "after the last reply stdout must close cleanly, got {rest:?}");
        let status = wait_with_timeout(&mut self.child, Duration::from_secs(20));
        let stderr = self.stderr.recv_timeout(Duration::from_secs(5)).unwrap_or_default();
        assert!(!stderr.contains("panicked"), "the host panicked: {stderr}");
        (status, stderr)
    }
}

impl Drop for Host {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn wait_with_timeout(child: &mut Child, timeout: Duration) -> ExitStatus {
    let deadline = Instant::now() + timeout;
    loop {
        if let Some(status) = child.try_wait().expect("try_wait") {
            return status;
        }
        assert!(Instant::now() < deadline, "the host did not exit within {timeout:?}");
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// Reads one frame from the host's stdout, holding it to the 1 MiB cap.
fn read_out<R: Read>(stdout: &mut R) -> Out {
    let mut prefix = [0u8; 4];
    let mut got = 0;
    while got < 4 {
        match stdout.read(&mut prefix[got..]) {
            Ok(0) if got == 0 => return Out::End,
            Ok(0) => return Out::Stray(format!("stdout ended inside a length prefix: {:?}", &prefix[..got])),
            Ok(n) => got += n,
            Err(e) => return Out::Stray(format!("reading stdout failed: {e}")),
        }
    }
    let len = u32::from_ne_bytes(prefix) as usize;
    if len > vrdndi_protocol::MAX_MESSAGE_BYTES {
        return Out::Stray(format!("a reply of {len} bytes, over the 1 MiB cap"));
    }
    let mut body = vec![0u8; len];
    if let Err(e) = stdout.read_exact(&mut body) {
        return Out::Stray(format!("stdout ended inside a {len}-byte reply: {e}"));
    }
    match serde_json::from_slice(&body) {
        Ok(value) => Out::Frame(value),
        Err(e) => Out::Stray(format!("a reply that is not JSON ({e}): {}", String::from_utf8_lossy(&body))),
    }
}

/// A frame as the browser writes it.
pub fn frame(body: &[u8]) -> Vec<u8> {
    let mut bytes = (body.len() as u32).to_ne_bytes().to_vec();
    bytes.extend_from_slice(body);
    bytes
}

/// Asserts that `reply` is an error with this id and code name.
pub fn assert_error(reply: &Value, id: Option<u64>, name: &str) {
    assert_eq!(reply["type"], "error", "not an error: {reply}");
    assert_eq!(reply["id"], id.map_or(Value::Null, Value::from), "wrong id: {reply}");
    assert_eq!(reply["name"], name, "wrong code: {reply}");
    let code = reply["code"].as_u64().expect("numeric code") as u16;
    let known = vrdndi_protocol::ErrorCode::try_from(code).expect("a known code");
    assert_eq!(known.name(), name, "code and name disagree: {reply}");
    assert!(!reply["message"].as_str().unwrap_or("").is_empty(), "empty message: {reply}");
}
