//! Ranking through the real daemon, as the browser and `vrdndi score` use it. Prints numbers;
//! asserts nothing about time.
//!
//! For each precision of the default model (`full`, and `int8` when `model.int8.onnx` exists):
//! a fresh data dir and daemon; a real Takeout (B1 user6) imported as the profile, and the real
//! C1 ActivityWatch export behind a real aw-server when one is installed (else a dead address:
//! an empty context); then
//! - a 48-tile slate of never-seen titles (embedding included), several times with new titles;
//! - the same 48-tile slate again and again (warm cache): p50 and p95, ranking "now" (the
//!   context of now is reused for a few seconds) and at a past time (aw-server read every time);
//! - `vrdndi score` on 10,000 distinct real titles (A1, A2, B1), end to end, embedding included;
//! - the daemon's peak RSS (`VmHWM`) after all of it.
//!
//! `cargo bench -p vrdndi --bench rank [-- full|int8]`, with `ORT_DYLIB_PATH` and
//! `VRDNDI_MODELS_DIR` exported as for the tests.

#![allow(clippy::print_stdout, clippy::unwrap_used)]

#[path = "../tests/support/aw_server.rs"]
mod aw_server;
#[path = "../tests/support/test_env.rs"]
mod test_env;

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use vrdndi::config::Config;
use vrdndi::daemon::DaemonClient;
use vrdndi_protocol::{ContextRequest, RankRequest, RequestBody, ResponseBody, StatusRequest, Surface, Video};

const VRDNDI: &str = env!("CARGO_BIN_EXE_vrdndi");
const SLATE: usize = 48;
const COLD_SLATES: usize = 8;
const WARM_RUNS: usize = 200;
const SCORE_N: usize = 10_000;
/// Inside the C1 export: the person was coding (`vrdndi context --at` shows 130 events).
const AT: &str = "2023-11-18T21:20:00Z";

fn main() {
    let asked: Vec<String> = std::env::args().skip(1).filter(|a| !a.starts_with('-')).collect();
    let models = PathBuf::from(std::env::var_os("VRDNDI_MODELS_DIR").expect("export VRDNDI_MODELS_DIR (see scripts/test.sh)"));
    assert!(std::env::var_os("ORT_DYLIB_PATH").is_some(), "export ORT_DYLIB_PATH (see scripts/test.sh)");
    let mut precisions = vec!["full"];
    if models.join("multilingual-e5-small/model.int8.onnx").is_file() {
        precisions.push("int8");
    }
    precisions.retain(|p| asked.is_empty() || asked.iter().any(|a| a == p));
    let pool = titles();
    println!("title pool: {} distinct real titles; machine: {} cores", pool.len(), cores());
    let aw = aw_server_installed().then(aw_server::AwServer::with_c1);
    match &aw {
        Some(server) => println!("context: real aw-server with the C1 export at {}, ranking at {AT}", server.url()),
        None => println!("context: none (no aw-server installed)"),
    }
    for precision in precisions {
        bench(precision, &models, &pool, aw.as_ref().map(|s| s.url()));
    }
}

fn bench(precision: &str, models: &Path, pool: &[Video], aw_url: Option<String>) {
    println!("\n== multilingual-e5-small, {precision} ==");
    let dir = tempfile::Builder::new().prefix("vb").tempdir_in("/tmp").unwrap();
    let data = dir.path().join("d");
    let aw_url = aw_url.unwrap_or_else(|| "http://127.0.0.1:9".into());
    let config = Config::new(data.clone(), Some(aw_url.clone()), None, Some(models.to_path_buf()));
    let vrdndi = |args: &[&str]| {
        let mut c = Command::new(VRDNDI);
        c.arg("--data-dir").arg(&data).args(["--aw-url", &aw_url]).arg("--models-dir").arg(models).args(args);
        c.env("VRDNDI_EMBED_PRECISION", precision).env("VRDNDI_IDLE_EXIT_SECS", "600");
        c
    };
    let started = Instant::now();
    let mut daemon: Child = vrdndi(&["daemon"]).stdin(Stdio::null()).stdout(Stdio::null()).spawn().unwrap();
    let mut client = loop {
        if let Ok(c) = DaemonClient::connect(&config) {
            break c;
        }
        assert!(started.elapsed() < Duration::from_secs(30), "the daemon did not start");
        std::thread::sleep(Duration::from_millis(10));
    };
    while status(&mut client).model.embedder.is_none() {
        assert!(started.elapsed() < Duration::from_secs(60), "the model did not load");
        std::thread::sleep(Duration::from_millis(20));
    }
    println!("daemon start to model loaded: {:.2} s", started.elapsed().as_secs_f64());

    let takeout = test_env::shared_dir().join("data/B1-takeout-watch-histories/user6_tunaerol/watch-history.json");
    let t = Instant::now();
    let import = vrdndi(&["import", "takeout", takeout.to_str().unwrap(), "--json"]).output().unwrap();
    assert!(import.status.success(), "{}", String::from_utf8_lossy(&import.stderr));
    println!("import of a 2,952-entry Takeout: {:.2} s", t.elapsed().as_secs_f64());
    let at = AT.parse().ok();
    let t = Instant::now();
    rank(&mut client, &pool[..SLATE], at);
    println!("first ranking after the import (reads the profile): {:.1} ms", ms(t.elapsed()));
    let t = Instant::now();
    let embedded = settle(&mut client);
    println!("profile embedded in the background: {:.1} s ({embedded} vectors cached)", t.elapsed().as_secs_f64());

    let pid = daemon.id();
    let mut cold = Vec::new();
    let cpu = cpu_seconds(pid);
    for i in 1..=COLD_SLATES {
        let slate = &pool[i * SLATE..(i + 1) * SLATE];
        let t = Instant::now();
        rank(&mut client, slate, at);
        cold.push(ms(t.elapsed()));
    }
    let cpu = (cpu_seconds(pid) - cpu) / COLD_SLATES as f64;
    println!(
        "48 never-seen titles: p50 {:.1} ms, max {:.1} ms over {COLD_SLATES} slates; {:.0} ms of daemon CPU per slate",
        percentile(&mut cold, 0.5),
        percentile(&mut cold, 1.0),
        cpu * 1000.0
    );
    let slate = &pool[SLATE..2 * SLATE];
    for (name, when) in
        [("ranking now (the context of now is reused for 10 s)", None), ("ranking at a past time (context read every time)", at)]
    {
        let mut warm = Vec::new();
        for _ in 0..WARM_RUNS {
            let t = Instant::now();
            rank(&mut client, slate, when);
            warm.push(ms(t.elapsed()));
        }
        println!(
            "48 tiles, warm cache, {name}: p50 {:.2} ms, p95 {:.2} ms over {WARM_RUNS} rankings",
            percentile(&mut warm, 0.5),
            percentile(&mut warm, 0.95)
        );
    }

    // The ActivityWatch read alone, which every ranking includes (aw-server is Python).
    let mut context = Vec::new();
    for _ in 0..WARM_RUNS / 2 {
        let t = Instant::now();
        let request = ContextRequest { at, minutes: Some(30) };
        assert!(matches!(client.call(RequestBody::Context(request)).unwrap(), ResponseBody::Context(_)));
        context.push(ms(t.elapsed()));
    }
    println!(
        "of which the ActivityWatch context read alone: p50 {:.2} ms, p95 {:.2} ms",
        percentile(&mut context, 0.5),
        percentile(&mut context, 0.95)
    );

    let start = (COLD_SLATES + 2) * SLATE;
    let candidates: Vec<&Video> = pool[start..].iter().take(SCORE_N).collect();
    assert_eq!(candidates.len(), SCORE_N, "not enough distinct titles for the 10k run");
    let file = dir.path().join("candidates.jsonl");
    let text: String = candidates.iter().map(|v| serde_json::to_string(v).unwrap() + "\n").collect();
    std::fs::write(&file, text).unwrap();
    let t = Instant::now();
    let cpu = cpu_seconds(pid);
    let out = vrdndi(&["score", "--candidates", file.to_str().unwrap(), "--json", "--at", AT]).output().unwrap();
    let seconds = t.elapsed().as_secs_f64();
    let cpu = cpu_seconds(pid) - cpu;
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    println!(
        "score 10,000 new videos end to end: {seconds:.1} s ({:.0} videos/s); daemon CPU {cpu:.1} s ({:.0} videos per CPU-second, {:.1} s of wall time on 2 idle cores)",
        SCORE_N as f64 / seconds,
        SCORE_N as f64 / cpu,
        cpu / 2.0
    );

    let proc = std::fs::read_to_string(format!("/proc/{}/status", daemon.id())).unwrap();
    let field = |name: &str| {
        proc.lines().find(|l| l.starts_with(name)).map(|l| l.split_whitespace().nth(1).unwrap().parse::<f64>().unwrap() / 1024.0)
    };
    println!(
        "daemon peak RSS (VmHWM): {:.0} MiB; now (VmRSS): {:.0} MiB",
        field("VmHWM:").unwrap_or(f64::NAN),
        field("VmRSS:").unwrap_or(f64::NAN)
    );
    let _ = daemon.kill();
    let _ = daemon.wait();
}

/// Whether `tests/support/aw_server.rs` would find aw-server (it panics when it does not).
fn aw_server_installed() -> bool {
    let cache = std::env::var_os("VRDNDI_CACHE")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(std::env::var_os("HOME").unwrap_or_default()).join(".cache/vrdndi"));
    std::env::var_os("AW_SERVER_BIN").map(PathBuf::from).unwrap_or_else(|| cache.join("venv/bin/aw-server")).is_file()
}

fn rank(client: &mut DaemonClient, tiles: &[Video], at: Option<chrono::DateTime<chrono::Utc>>) {
    let request = RankRequest { surface: Surface::Home, tiles: tiles.to_vec(), at };
    match client.call(RequestBody::Rank(request)).unwrap() {
        ResponseBody::Ranked(reply) => assert_eq!(reply.order.len(), tiles.len()),
        other => panic!("rank answered {other:?}"),
    }
}

fn status(client: &mut DaemonClient) -> vrdndi_protocol::StatusReply {
    match client.call(RequestBody::Status(StatusRequest {})).unwrap() {
        ResponseBody::Status(s) => *s,
        other => panic!("status answered {other:?}"),
    }
}

/// User and system CPU seconds a process has used (`/proc/PID/stat`, in USER_HZ = 100 ticks).
fn cpu_seconds(pid: u32) -> f64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap();
    let fields: Vec<&str> = stat.rsplit_once(')').unwrap().1.split_whitespace().collect();
    // After the command name: state is field 3, utime 14 and stime 15 (1-based, man proc).
    (fields[11].parse::<f64>().unwrap() + fields[12].parse::<f64>().unwrap()) / 100.0
}

/// Waits until the embedding cache stops growing for 3 s; returns its size.
fn settle(client: &mut DaemonClient) -> u64 {
    let mut last = (status(client).counts.embeddings, Instant::now());
    loop {
        std::thread::sleep(Duration::from_millis(200));
        let now = status(client).counts.embeddings;
        if now != last.0 {
            last = (now, Instant::now());
        } else if last.1.elapsed() >= Duration::from_secs(3) {
            return now;
        }
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn percentile(values: &mut [f64], q: f64) -> f64 {
    values.sort_by(f64::total_cmp);
    let i = ((values.len() as f64 - 1.0) * q).round() as usize;
    values[i]
}

fn cores() -> usize {
    std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1)
}

/// Distinct (title, channel) pairs from the A1 and A2 trending lists and two B1 histories other
/// than the one imported, in a fixed order.
fn titles() -> Vec<Video> {
    let shared = test_env::shared_dir().join("data");
    let mut seen = HashSet::new();
    let mut ids = HashSet::new();
    let mut out = Vec::new();
    let mut add = |id: &str, title: String, channel: Option<String>| {
        if Video::is_valid_id(id) && !title.trim().is_empty() && ids.insert(id.to_owned()) && seen.insert((title.clone(), channel.clone()))
        {
            let mut video = Video::new(id, title);
            video.channel = channel;
            out.push(video);
        }
    };
    let mut csvs: Vec<PathBuf> = ["A1-yt-trending-v1-us-gb", "A2-yt-trending-v2-subsets"]
        .iter()
        .flat_map(|d| std::fs::read_dir(shared.join(d)).unwrap().map(|e| e.unwrap().path()))
        .filter(|p| p.extension().is_some_and(|e| e == "csv"))
        .collect();
    csvs.sort();
    for path in csvs {
        let mut reader = csv::Reader::from_path(&path).unwrap();
        let headers: Vec<String> =
            reader.byte_headers().unwrap().iter().map(|h| String::from_utf8_lossy(h).trim_start_matches('\u{feff}').to_owned()).collect();
        let column = |name: &str| headers.iter().position(|h| h == name);
        let (id, title, channel) = (column("video_id").unwrap(), column("title").unwrap(), column("channel_title"));
        for record in reader.byte_records().flatten() {
            let text = |i: usize| String::from_utf8_lossy(record.get(i).unwrap_or_default()).into_owned();
            add(&text(id), text(title), channel.map(text));
        }
    }
    for user in ["user1_chuan-khuna", "user3_Ten5"] {
        let path = shared.join(format!("B1-takeout-watch-histories/{user}/watch-history.json"));
        let entries: Vec<serde_json::Value> = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
        for e in entries {
            let (Some(url), Some(title)) = (e["titleUrl"].as_str(), e["title"].as_str()) else { continue };
            let id = url.split("v=").nth(1).and_then(|s| s.get(..11)).unwrap_or_default().to_owned();
            let title = title.strip_prefix("Watched ").unwrap_or(title).to_owned();
            add(&id, title, e["subtitles"][0]["name"].as_str().map(str::to_owned));
        }
    }
    out
}
