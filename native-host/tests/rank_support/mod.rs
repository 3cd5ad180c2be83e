//! Helpers for the ranking and training tests: a data dir with its own daemon that has the real
//! model, `vrdndi score --json` on a list of videos, and real titles read from the shared data at
//! test time (A1 trending, B1 Takeouts).
//!
//! The model and runtime come from `ORT_DYLIB_PATH` and `VRDNDI_MODELS_DIR` (exported by
//! scripts/test.sh); a missing one fails the test with the setup step to run.
//!
//! A test crate using it declares `mod daemon_support;` and
//! `#[path = "support/test_env.rs"] mod test_env;` too.

#![allow(dead_code)]

use std::collections::HashSet;
use std::path::PathBuf;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use serde::Deserialize;
use serde_json::Value;
use vrdndi::daemon::DaemonClient;
use vrdndi_protocol::Video;

pub use crate::daemon_support::{status, DataDir};

use crate::test_env::{model_env, shared_data};

/// How long a daemon may take to answer its first connection.
const START_WITHIN: Duration = Duration::from_secs(20);

/// One candidate as `vrdndi score --json` prints it.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Scored {
    pub id: String,
    #[serde(rename = "final")]
    pub final_score: f32,
    pub interest: f32,
    pub productive: f32,
    pub reasons: Vec<String>,
}

/// A throwaway data dir and the daemon serving it, started with the real model.
pub struct Session {
    pub dir: DataDir,
    models: PathBuf,
    ort: PathBuf,
    daemon: Option<Child>,
    files: tempfile::TempDir,
}

impl Session {
    /// A data dir whose daemon reads ActivityWatch at `aw_url` (a dead port when None).
    pub fn new(aw_url: Option<&str>) -> Session {
        let (ort, models) = model_env();
        Session::with_models(aw_url, ort, models)
    }

    /// As [`Session::new`] with another models folder (an empty one: no model).
    pub fn with_models(aw_url: Option<&str>, ort: PathBuf, models: PathBuf) -> Session {
        let mut dir = DataDir::new();
        if let Some(url) = aw_url {
            dir.config.aw_url = url.to_owned();
        }
        dir.config.models_dir = models.clone();
        Session { dir, models, ort, daemon: None, files: tempfile::tempdir().expect("temp dir") }
    }

    /// `vrdndi ARGS` on this data dir, with the model settings. Background retraining is off:
    /// a test decides when the model trains.
    pub fn vrdndi(&self, args: &[&str]) -> Command {
        let mut command = self.dir.vrdndi(args);
        command.env("ORT_DYLIB_PATH", &self.ort).env("VRDNDI_MODELS_DIR", &self.models).env("VRDNDI_RETRAIN_AFTER_LABELS", "0");
        command
    }

    /// Starts the daemon (idle exit after two minutes) and waits until it answers.
    pub fn start_daemon(&mut self) {
        assert!(self.daemon.is_none(), "the daemon is already running");
        let mut command = self.vrdndi(&["daemon"]);
        command.env("VRDNDI_IDLE_EXIT_SECS", "120").stdin(Stdio::null()).stdout(Stdio::null());
        let mut child = command.spawn().expect("starts vrdndi daemon");
        let deadline = Instant::now() + START_WITHIN;
        while DaemonClient::connect(&self.dir.config).is_err() {
            if let Ok(Some(status)) = child.try_wait() {
                panic!("the daemon exited before serving: {status}");
            }
            assert!(Instant::now() < deadline, "the daemon did not answer within {START_WITHIN:?}");
            std::thread::sleep(Duration::from_millis(20));
        }
        self.daemon = Some(child);
    }

    /// SIGTERM (the daemon flushes and exits), and waits for it.
    pub fn stop_daemon(&mut self) {
        let mut child = self.daemon.take().expect("a running daemon");
        let _ = Command::new("kill").args(["-TERM", &child.id().to_string()]).status();
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            if let Ok(Some(status)) = child.try_wait() {
                assert!(status.success(), "the daemon exited with {status}");
                return;
            }
            assert!(Instant::now() < deadline, "the daemon did not exit on SIGTERM");
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// The daemon's process id.
    pub fn daemon_pid(&self) -> u32 {
        self.daemon.as_ref().expect("a running daemon").id()
    }

    pub fn client(&self) -> DaemonClient {
        DaemonClient::connect(&self.dir.config).expect("the daemon answers")
    }

    /// Writes `videos` as JSON Lines into a file of this session.
    pub fn candidates_file(&self, name: &str, videos: &[Video]) -> PathBuf {
        let path = self.files.path().join(name);
        let text: String = videos.iter().map(|v| serde_json::to_string(v).expect("video JSON") + "\n").collect();
        std::fs::write(&path, text).expect("writes the candidates");
        path
    }

    /// `vrdndi score --candidates FILE --json [--at AT]`, which must succeed.
    pub fn score(&self, videos: &[Video], at: Option<&str>) -> Vec<Scored> {
        let output = self.score_output(videos, at, &["--json"]);
        assert!(output.status.success(), "vrdndi score failed: {}", String::from_utf8_lossy(&output.stderr));
        serde_json::from_slice(&output.stdout)
            .unwrap_or_else(|e| panic!("not the score JSON ({e}): {}", String::from_utf8_lossy(&output.stdout)))
    }

    pub fn score_output(&self, videos: &[Video], at: Option<&str>, extra: &[&str]) -> Output {
        let file = self.candidates_file("candidates.jsonl", videos);
        let mut args = vec!["score", "--candidates", file.to_str().expect("utf-8 path")];
        if let Some(at) = at {
            args.extend(["--at", at]);
        }
        args.extend_from_slice(extra);
        self.vrdndi(&args).output().expect("runs vrdndi score")
    }

    /// Waits until the daemon has embedded what it set out to (its cache stops growing for a
    /// while), so that a ranking sees the whole profile.
    pub fn wait_for_embeddings(&self, quiet: Duration, within: Duration) {
        let mut client = self.client();
        let deadline = Instant::now() + within;
        let mut last = (status(&mut client).counts.embeddings, Instant::now());
        loop {
            std::thread::sleep(Duration::from_millis(250));
            let now = status(&mut client).counts.embeddings;
            if now != last.0 {
                last = (now, Instant::now());
            } else if last.1.elapsed() >= quiet {
                return;
            }
            assert!(Instant::now() < deadline, "the daemon kept embedding for {within:?}");
        }
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        if let Some(mut child) = self.daemon.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// One row of the A1 trending lists.
#[derive(Debug, Clone)]
pub struct Trending {
    pub video: Video,
    /// YouTube's category name, e.g. `Music`, `Education`.
    pub category: String,
}

/// Distinct videos of the A1 US and GB trending lists (2017), in file order.
pub fn trending() -> Vec<Trending> {
    let mut categories = std::collections::HashMap::new();
    for file in ["A1-yt-trending-v1-us-gb/US_category_id.json", "A1-yt-trending-v1-us-gb/GB_category_id.json"] {
        let json: Value = serde_json::from_slice(&std::fs::read(shared_data(file)).expect("reads categories")).expect("category JSON");
        for item in json["items"].as_array().expect("items") {
            let id = item["id"].as_str().unwrap_or_default().to_owned();
            let title = item["snippet"]["title"].as_str().unwrap_or_default().to_owned();
            categories.entry(id).or_insert(title);
        }
    }
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    for file in ["A1-yt-trending-v1-us-gb/USvideos.csv", "A1-yt-trending-v1-us-gb/GBvideos.csv"] {
        let mut reader = csv::Reader::from_path(shared_data(file)).expect("reads the trending CSV");
        let headers = reader.headers().expect("headers").clone();
        let column = |name: &str| headers.iter().position(|h| h.trim_start_matches('\u{feff}') == name).expect("column");
        let (id, title, channel, category) = (column("video_id"), column("title"), column("channel_title"), column("category_id"));
        for record in reader.records() {
            let record = record.expect("a CSV row");
            let video_id = record.get(id).unwrap_or_default();
            if !Video::is_valid_id(video_id) || !seen.insert(video_id.to_owned()) {
                continue;
            }
            let mut video = Video::new(video_id, record.get(title).unwrap_or_default());
            video.channel = record.get(channel).map(str::to_owned);
            let category = categories.get(record.get(category).unwrap_or_default()).cloned().unwrap_or_default();
            out.push(Trending { video, category });
        }
    }
    out
}

/// One entry of a Takeout `watch-history.json`, as the video the person watched.
#[derive(Debug, Clone)]
pub struct Watched {
    pub video: Video,
    pub at: String,
    /// The entry as it is in the file.
    pub raw: Value,
}

/// The entries of a B1 Takeout watch history that name a video and its channel, newest first
/// (the file's order).
pub fn b1_watches(user: &str) -> Vec<Watched> {
    let path = shared_data(&format!("B1-takeout-watch-histories/{user}/watch-history.json"));
    let entries: Vec<Value> = serde_json::from_slice(&std::fs::read(&path).expect("reads the Takeout")).expect("Takeout JSON");
    entries
        .into_iter()
        .filter_map(|raw| {
            let url = raw["titleUrl"].as_str()?;
            let id = url.split("v=").nth(1)?.get(..11)?.to_owned();
            let title = raw["title"].as_str()?.strip_prefix("Watched ")?.to_owned();
            let channel = raw["subtitles"][0]["name"].as_str()?.to_owned();
            if !Video::is_valid_id(&id) || raw["header"] != "YouTube" {
                return None;
            }
            let mut video = Video::new(id, title);
            video.channel = Some(channel);
            let at = raw["time"].as_str()?.to_owned();
            Some(Watched { video, at, raw })
        })
        .collect()
}

/// The score of `id` in `scores`.
pub fn of<'a>(scores: &'a [Scored], id: &str) -> &'a Scored {
    scores.iter().find(|s| s.id == id).unwrap_or_else(|| panic!("no score for {id}"))
}

/// Ids best first (ties keep the slate's order, as the daemon's order does).
pub fn ranked(scores: &[Scored]) -> Vec<String> {
    let mut sorted: Vec<&Scored> = scores.iter().collect();
    sorted.sort_by(|a, b| b.final_score.total_cmp(&a.final_score));
    sorted.into_iter().map(|s| s.id.clone()).collect()
}
