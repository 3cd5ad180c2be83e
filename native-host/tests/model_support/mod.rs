//! Shared by the `model_*` tests: the real `vrdndi` binary, a small HTTP server that can cut a
//! download short or ignore ranges, and the files it serves.

#![allow(dead_code)]

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::{Arc, Mutex};

/// `vrdndi --data-dir DATA --models-dir MODELS ARGS...` with the environment's own dirs removed.
pub fn vrdndi(data: &Path, models: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_vrdndi"))
        .arg("--data-dir")
        .arg(data)
        .arg("--models-dir")
        .arg(models)
        .args(args)
        .env_remove("VRDNDI_DATA_DIR")
        .env_remove("VRDNDI_MODELS_DIR")
        .output()
        .expect("run vrdndi")
}

pub fn text(output: &Output) -> String {
    format!("stdout:\n{}\nstderr:\n{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr))
}

fn env_path(name: &str, what: &str) -> PathBuf {
    let path = PathBuf::from(
        std::env::var_os(name)
            .unwrap_or_else(|| panic!("{name} is not set ({what}): run scripts/deps.sh, then the tests through scripts/test.sh")),
    );
    assert!(path.exists(), "{name}={} does not exist ({what}): run scripts/deps.sh", path.display());
    path
}

/// The default model's folder (`$VRDNDI_MODELS_DIR/multilingual-e5-small`).
pub fn e5_dir() -> PathBuf {
    let dir = env_path("VRDNDI_MODELS_DIR", "models dir with multilingual-e5-small").join("multilingual-e5-small");
    assert!(dir.join("model.onnx").is_file(), "no model in {}: run scripts/deps.sh", dir.display());
    dir
}

/// A tiny ONNX graph with BGE-M3's inputs and output, made now with the venv's python + onnx.
pub fn tiny_model() -> Vec<u8> {
    let python = env_path("VRDNDI_PYTHON", "the venv's python with onnx");
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("tiny.onnx");
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/model_support/tiny_model.py");
    let status = Command::new(python).arg(script).arg(&out).status().expect("run tiny_model.py");
    assert!(status.success(), "tiny_model.py failed");
    std::fs::read(out).expect("read tiny model")
}

pub fn sha256(bytes: &[u8]) -> String {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("f");
    std::fs::write(&path, bytes).expect("write");
    vrdndi_embed::folder::sha256_file(&path).expect("hash")
}

#[derive(Default)]
struct State {
    files: HashMap<String, Vec<u8>>,
    /// Path -> bytes to send before dropping the connection, used once.
    cut_once: HashMap<String, usize>,
    ignore_range: bool,
    /// (path, Range header) of every request.
    requests: Vec<(String, Option<String>)>,
}

/// An HTTP/1.1 server on 127.0.0.1 serving fixed files, with Range support.
#[derive(Clone)]
pub struct Server {
    pub base: String,
    state: Arc<Mutex<State>>,
}

impl Server {
    pub fn start() -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let base = format!("http://{}", listener.local_addr().expect("addr"));
        let state = Arc::new(Mutex::new(State::default()));
        let shared = state.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let state = shared.clone();
                std::thread::spawn(move || serve(stream, &state));
            }
        });
        Server { base, state }
    }

    pub fn file(&self, path: &str, bytes: Vec<u8>) {
        self.state.lock().expect("lock").files.insert(path.to_owned(), bytes);
    }

    pub fn cut_once(&self, path: &str, after: usize) {
        self.state.lock().expect("lock").cut_once.insert(path.to_owned(), after);
    }

    pub fn ignore_range(&self, ignore: bool) {
        self.state.lock().expect("lock").ignore_range = ignore;
    }

    pub fn requests(&self) -> Vec<(String, Option<String>)> {
        self.state.lock().expect("lock").requests.clone()
    }
}

fn serve(stream: TcpStream, state: &Mutex<State>) {
    let mut reader = BufReader::new(stream.try_clone().expect("clone"));
    let mut request_line = String::new();
    if reader.read_line(&mut request_line).is_err() {
        return;
    }
    let path = request_line.split_whitespace().nth(1).unwrap_or("/").to_owned();
    let mut range = None;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
            break;
        }
        if let Some((name, value)) = line.split_once(':') {
            if name.eq_ignore_ascii_case("range") {
                range = Some(value.trim().to_owned());
            }
        }
    }
    let (body, cut, ignore_range) = {
        let mut s = state.lock().expect("lock");
        s.requests.push((path.clone(), range.clone()));
        let cut = s.cut_once.remove(&path);
        (s.files.get(&path).cloned(), cut, s.ignore_range)
    };
    let mut stream = stream;
    let Some(body) = body else {
        let _ = stream.write_all(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
        return;
    };
    let start = range
        .filter(|_| !ignore_range)
        .and_then(|r| r.strip_prefix("bytes=").and_then(|r| r.strip_suffix('-')).and_then(|n| n.parse::<usize>().ok()));
    let head = match start {
        Some(start) if start >= body.len() => {
            format!(
                "HTTP/1.1 416 Range Not Satisfiable\r\nContent-Range: bytes */{}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
                body.len()
            )
        }
        Some(start) => format!(
            "HTTP/1.1 206 Partial Content\r\nContent-Range: bytes {start}-{}/{}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
            body.len() - 1,
            body.len(),
            body.len() - start
        ),
        None => format!("HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n", body.len()),
    };
    let from = start.filter(|&s| s < body.len()).unwrap_or(0);
    let payload: &[u8] = if head.starts_with("HTTP/1.1 416") { &[] } else { &body[from..] };
    let payload = match cut {
        Some(n) => &payload[..n.min(payload.len())],
        None => payload,
    };
    let _ = stream.write_all(head.as_bytes());
    let _ = stream.write_all(payload);
    let _ = stream.flush();
    // Dropping the stream closes it; with a cut that is before Content-Length bytes were sent.
}
