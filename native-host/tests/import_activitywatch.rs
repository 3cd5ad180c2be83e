//! `vrdndi import activitywatch` with the real C1 export (read where it lies in the shared data
//! folder, never copied into the repository), through the real binary and the real daemon with
//! no aw-server running: a label given in the past gets the context the export holds for its
//! time, and an export imported while the daemon runs is used without a restart.

mod daemon_support;
mod import_support;
#[path = "support/test_env.rs"]
mod test_env;

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use daemon_support::{DataDir, RunningDaemon};
use serde_json::{json, Value};
use vrdndi::daemon::DaemonClient;
use vrdndi_activitywatch::AwExport;
use vrdndi_protocol::{Ack, ContextEvent, Request, ResponseBody};

/// SOURCE.txt: 2023-11-18 20:07Z .. 2023-11-19 13:25Z; 2427 window, 71 AFK, 1280 web events.
fn c1() -> PathBuf {
    test_env::shared_data(test_env::C1_EXPORT)
}

fn context_files(dir: &DataDir) -> Vec<PathBuf> {
    match std::fs::read_dir(dir.config.data_dir.join("context")) {
        Ok(entries) => entries.map(|e| e.expect("entry").path()).collect(),
        Err(_) => Vec::new(),
    }
}

fn import(dir: &DataDir, path: &Path) -> std::process::Output {
    let path = path.to_str().expect("utf-8 path");
    dir.vrdndi(&["import", "activitywatch", path, "--json"]).output().expect("runs vrdndi")
}

fn import_ok(dir: &DataDir, path: &Path) -> Value {
    let output = import(dir, path);
    assert!(output.status.success(), "import failed: {}", String::from_utf8_lossy(&output.stderr));
    serde_json::from_slice(&output.stdout).expect("JSON summary")
}

#[test]
fn importing_the_same_export_twice_stores_it_once_and_says_what_it_holds() {
    let dir = DataDir::new();
    let first = import_ok(&dir, &c1());
    assert_eq!(first["added"], true);
    assert_eq!(first["host"], "LAPTOP-MCRJASPH");
    assert_eq!(first["hosts"], json!(["LAPTOP-MCRJASPH"]));
    assert_eq!(first["window_start"], "2023-11-18T20:07:28.784Z");
    assert_eq!(first["window_end"], "2023-11-19T13:25:58.416Z");
    assert_eq!(first["window_events"], 2427);
    assert_eq!(first["events"], 2427 + 71 + 1280);
    let counts: Vec<(String, u64)> = first["buckets"]
        .as_array()
        .expect("buckets")
        .iter()
        .map(|b| (b["id"].as_str().expect("id").to_owned(), b["events"].as_u64().expect("count")))
        .collect();
    assert_eq!(
        counts,
        [
            ("aw-stopwatch".to_owned(), 0),
            ("aw-watcher-afk_LAPTOP-MCRJASPH".to_owned(), 71),
            ("aw-watcher-web-firefox".to_owned(), 1280),
            ("aw-watcher-window_LAPTOP-MCRJASPH".to_owned(), 2427),
        ]
    );
    // Named by content: SOURCE.txt gives the file's sha256 as 3fec25d05cd15b2f...
    let stored = context_files(&dir);
    assert_eq!(stored, [dir.config.data_dir.join("context/3fec25d05cd15b2f.json")]);
    assert_eq!(std::fs::read(&stored[0]).expect("stored copy"), std::fs::read(c1()).expect("original"));

    let second = import_ok(&dir, &c1());
    assert_eq!(second["added"], false);
    assert_eq!(second["stored_as"], first["stored_as"]);
    assert_eq!(context_files(&dir), stored, "a second import adds nothing");

    let text = dir.vrdndi(&["import", "activitywatch", c1().to_str().expect("path")]).output().expect("runs");
    let text = String::from_utf8(text.stdout).expect("utf-8");
    assert!(text.starts_with("Already imported, nothing added"), "{text}");
}

#[test]
fn a_damaged_or_foreign_file_fails_clearly_and_stores_nothing() {
    let dir = DataDir::new();
    let scratch = tempfile::tempdir().expect("temp dir");
    let real = std::fs::read(c1()).expect("reads C1");
    let cut = scratch.path().join("cut-export.json");
    std::fs::write(&cut, &real[..real.len() / 2]).expect("writes");
    let empty = scratch.path().join("no-buckets.json");
    std::fs::write(&empty, r#"{"buckets": {}}"#).expect("writes");
    let takeout = scratch.path().join("watch-history.json");
    std::fs::write(&takeout, r#"[{"header": "YouTube", "title": "Watched x"}]"#).expect("writes");
    let missing = scratch.path().join("missing.json");

    for (path, says) in [
        (&cut, "is not an ActivityWatch \"export all buckets\" file"),
        (&empty, "no window bucket"),
        (&takeout, "is not an ActivityWatch \"export all buckets\" file"),
        (&missing, "cannot read"),
    ] {
        let output = import(&dir, path);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(!output.status.success(), "{} was accepted", path.display());
        assert!(stderr.contains(path.to_str().expect("path")) && stderr.contains(says), "{stderr}");
        if path != &missing {
            assert!(stderr.contains("nothing was imported"), "{stderr}");
        }
        assert!(output.stdout.is_empty(), "printed a summary for {}", path.display());
    }
    assert!(context_files(&dir).is_empty(), "something was stored: {:?}", context_files(&dir));
}

fn feedback(client: &mut DaemonClient, feedback_id: &str, at: &str) {
    let request: Request = serde_json::from_value(json!({
        "id": 1,
        "type": "feedback",
        "feedback_id": feedback_id,
        "video": {"video_id": "dQw4w9WgXcQ", "title": "Never Gonna Give You Up"},
        "kind": "like",
        "source": "popup",
        "at": at,
    }))
    .expect("a feedback request");
    match client.call(request.body).expect("answered") {
        ResponseBody::Ack(Ack { stored }) => assert!(stored, "{feedback_id} not stored"),
        other => panic!("feedback answered {other:?}"),
    }
}

#[test]
fn a_past_label_is_stored_with_the_imported_context_of_its_time_without_aw_server() {
    let dir = DataDir::new();
    let at: DateTime<Utc> = "2023-11-19T03:00:00Z".parse().expect("time");
    let mut daemon = RunningDaemon::start(&dir);
    let mut client = DaemonClient::connect(&dir.config).expect("connects");
    // aw-server is a closed port and nothing is imported yet: an empty context.
    feedback(&mut client, "before-import", "2023-11-19T03:00:00Z");

    // Imported while the daemon runs: it must notice the new file by itself.
    import_ok(&dir, &c1());
    feedback(&mut client, "after-import", "2023-11-19T03:00:00Z");
    // A time the export does not cover keeps the (empty) live answer.
    feedback(&mut client, "outside", "2024-06-01T12:00:00Z");
    drop(client);
    daemon.terminate();
    let store = dir.open_store_after_daemon_exits();

    let label = |id: &str| store.label(id).expect("reads").unwrap_or_else(|| panic!("{id} stored"));
    assert!(label("before-import").context.is_empty());
    assert!(label("outside").context.is_empty());

    let stored = label("after-import");
    assert_eq!(stored.at, at);
    let window = AwExport::open(&c1()).expect("C1 opens").context_at(at, 30).expect("context");
    let expected = vrdndi_rank::select_context_events(&window, at, vrdndi_rank::DEFAULT_LOOKBACK, vrdndi_rank::DEFAULT_MAX_EVENTS);
    assert!(expected.len() >= 3, "C1 has activity in the 30 minutes before 03:00Z: {expected:?}");
    // Merged durations are sums (their last bit depends on the order summed): to a microsecond.
    let key = |e: &ContextEvent| (e.start, e.app.clone(), e.title.clone(), (e.duration_s * 1e6).round() as i64);
    assert_eq!(
        stored.context.iter().map(key).collect::<Vec<_>>(),
        expected.iter().map(key).collect::<Vec<_>>(),
        "the label holds exactly what the model reads from the export at its time"
    );
    let from = at - chrono::Duration::minutes(30);
    for event in &stored.context {
        assert!(event.start >= from && event.start < at, "{event:?}");
    }
    // Events after `at` exist in the export but are not in the snapshot.
    let later = AwExport::open(&c1()).expect("opens").context_at(at + chrono::Duration::minutes(30), 30).expect("context");
    assert!(!later.is_empty() && later.iter().all(|e| !stored.context.contains(e)));
}
