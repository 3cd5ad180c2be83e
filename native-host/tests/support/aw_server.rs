//! A real aw-server for tests: started on a free loopback port with a throwaway home, killed on
//! drop, optionally loaded with the real ActivityWatch export in `shared/data/C1-*`.
//!
//! Small (std and tempfile only, blocking HTTP over a plain socket) so any test can include it,
//! sync or async: `#[path = "support/aw_server.rs"] mod aw_server;` with
//! `#[path = "support/test_env.rs"] mod test_env;` beside it (where the shared data lies).
//! The server is PyPI `aw-server==0.12.0` from the venv `scripts/deps.sh` makes; a missing one
//! fails the test with the setup step to run, never skips it.

#![allow(dead_code)]

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// How long a cold aw-server may take to answer (under 1 s on an idle machine; the test
/// machine has two cores shared by every build).
const READY_WITHIN: Duration = Duration::from_secs(30);

/// A running aw-server; dropping it kills the process and deletes its home.
pub struct AwServer {
    child: Child,
    addr: SocketAddr,
    home: tempfile::TempDir,
}

impl AwServer {
    /// Starts an empty aw-server.
    pub fn start() -> AwServer {
        let bin = aw_server_bin();
        let mut last_log = String::new();
        // A port found free can be taken before aw-server binds it: try a few.
        for _ in 0..3 {
            let home = tempfile::Builder::new().prefix("aw-home").tempdir().expect("aw-server home");
            let port = free_port();
            let log_path = home.path().join("aw-server.log");
            let log = std::fs::File::create(&log_path).expect("aw-server log file");
            let child = Command::new(&bin)
                .args(["--testing", "--host", "127.0.0.1", "--port", &port.to_string()])
                .env("HOME", home.path())
                .env("XDG_DATA_HOME", home.path().join("data"))
                .env("XDG_CONFIG_HOME", home.path().join("config"))
                .env("XDG_CACHE_HOME", home.path().join("cache"))
                .stdin(Stdio::null())
                .stdout(log.try_clone().expect("log handle"))
                .stderr(log)
                .spawn()
                .unwrap_or_else(|e| panic!("cannot start {}: {e}; run scripts/deps.sh", bin.display()));
            let mut server = AwServer { child, addr: SocketAddr::from(([127, 0, 0, 1], port)), home };
            if server.wait_ready() {
                return server;
            }
            last_log = std::fs::read_to_string(&log_path).unwrap_or_default();
        }
        panic!("aw-server did not start; its last log:\n{}", tail(&last_log, 3000));
    }

    /// Starts aw-server and imports the real export `shared/data/C1-*/aw-buckets-export.json`.
    pub fn with_c1() -> AwServer {
        let server = AwServer::start();
        server.import(&c1_export());
        server
    }

    /// `http://127.0.0.1:PORT`
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Loads an "export all buckets" file through `POST /api/0/import`.
    pub fn import(&self, export: &Path) {
        let body = std::fs::read(export).unwrap_or_else(|e| panic!("cannot read {}: {e}", export.display()));
        let (status, reply) = self.request("POST", "/api/0/import", Some(&body)).expect("aw-server answers import");
        assert_eq!(status, 200, "aw-server refused the import of {}: {reply}", export.display());
    }

    /// A GET, for tests that look at the server directly: (status, body).
    pub fn get(&self, path: &str) -> (u16, String) {
        self.request("GET", path, None).unwrap_or_else(|e| panic!("GET {path}: {e}"))
    }

    /// aw-server's log so far (for assertion messages).
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.home.path().join("aw-server.log")).unwrap_or_default()
    }

    fn wait_ready(&mut self) -> bool {
        let deadline = Instant::now() + READY_WITHIN;
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return false;
            }
            if matches!(self.request("GET", "/api/0/info", None), Ok((200, _))) {
                return true;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        false
    }

    fn request(&self, method: &str, path: &str, body: Option<&[u8]>) -> std::io::Result<(u16, String)> {
        let mut stream = TcpStream::connect_timeout(&self.addr, Duration::from_secs(2))?;
        stream.set_read_timeout(Some(Duration::from_secs(60)))?;
        let body = body.unwrap_or_default();
        let head = format!(
            "{method} {path} HTTP/1.1\r\nHost: {}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
            self.addr,
            body.len()
        );
        stream.write_all(head.as_bytes())?;
        stream.write_all(body)?;
        let mut reply = Vec::new();
        stream.read_to_end(&mut reply)?;
        let text = String::from_utf8_lossy(&reply);
        let status = text
            .split_whitespace()
            .nth(1)
            .and_then(|code| code.parse().ok())
            .ok_or_else(|| std::io::Error::other(format!("not an HTTP reply: {}", tail(&text, 200))))?;
        let body = text.split_once("\r\n\r\n").map(|(_, b)| b.to_owned()).unwrap_or_default();
        Ok((status, body))
    }
}

impl Drop for AwServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `$AW_SERVER_BIN`, else the venv in `$VRDNDI_CACHE` (default `~/.cache/vrdndi`).
pub fn aw_server_bin() -> PathBuf {
    let bin = std::env::var_os("AW_SERVER_BIN").map(PathBuf::from).unwrap_or_else(|| {
        let cache = std::env::var_os("VRDNDI_CACHE")
            .map(PathBuf::from)
            .unwrap_or_else(|| PathBuf::from(std::env::var_os("HOME").expect("HOME is set")).join(".cache/vrdndi"));
        cache.join("venv/bin/aw-server")
    });
    assert!(
        bin.is_file(),
        "aw-server not found at {}: run scripts/deps.sh (it installs aw-server==0.12.0 into $VRDNDI_CACHE/venv), \
         or set AW_SERVER_BIN",
        bin.display()
    );
    bin
}

/// The real ActivityWatch export of a Windows laptop at MHacks 16 (2023-11-18 20:07Z to
/// 2023-11-19 13:25Z); see its SOURCE.txt.
pub fn c1_export() -> PathBuf {
    crate::test_env::shared_data(crate::test_env::C1_EXPORT)
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).expect("a free loopback port").port()
}

fn tail(text: &str, max: usize) -> &str {
    let start = text.len().saturating_sub(max);
    let start = (start..=text.len()).find(|&i| text.is_char_boundary(i)).unwrap_or(text.len());
    &text[start..]
}
