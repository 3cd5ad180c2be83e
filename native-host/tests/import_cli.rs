//! `vrdndi import takeout` end to end: the real binary reads real Takeouts from the shared data
//! folder and stores them through the real daemon (started on demand, as a person's first import
//! does); importing again adds nothing, and a damaged file fails the command without costing the
//! other files.

mod daemon_support;
mod import_support;
#[path = "support/test_env.rs"]
mod test_env;

use std::process::Output;

use daemon_support::{status, DataDir};
use import_support::{b1, b3};
use serde_json::Value;
use vrdndi::daemon::DaemonClient;

fn run_import(dir: &DataDir, path: &std::path::Path, extra: &[&str]) -> (Output, Value) {
    let path = path.to_str().expect("utf-8 path");
    let mut args = vec!["import", "takeout", path, "--json"];
    args.extend_from_slice(extra);
    let output = dir.vrdndi(&args).output().expect("runs vrdndi");
    let report: Value = serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("stdout is not the JSON report ({e}); stderr: {}", String::from_utf8_lossy(&output.stderr)));
    (output, report)
}

fn number(report: &Value, key: &str) -> u64 {
    report[key].as_u64().unwrap_or_else(|| panic!("no `{key}` in the report"))
}

#[test]
fn importing_every_real_takeout_twice_adds_nothing_the_second_time() {
    let dir = DataDir::new();
    let mut total = 0;
    for path in [b1(""), b3("")] {
        let (first, report) = run_import(&dir, &path, &[]);
        assert!(first.status.success(), "first import of {} failed: {}", path.display(), String::from_utf8_lossy(&first.stderr));
        // No progress bar when stderr is not a terminal.
        assert!(first.stderr.is_empty(), "stderr: {}", String::from_utf8_lossy(&first.stderr));
        let records = number(&report, "records");
        assert!(records > 10_000, "{records} records from {}", path.display());
        // Within one Takeout a record can repeat (the same search typed twice in one millisecond
        // does not happen, but a video re-added to a playlist does): added + already there = read.
        assert_eq!(number(&report, "added") + number(&report, "already_there"), records);
        assert!(number(&report, "added") * 100 >= records * 99, "{report}");
        total += number(&report, "added");

        let (second, again) = run_import(&dir, &path, &[]);
        assert!(second.status.success(), "{}", String::from_utf8_lossy(&second.stderr));
        assert_eq!((number(&again, "added"), number(&again, "already_there")), (0, records), "second import of {}", path.display());
    }
    let mut client = DaemonClient::connect(&dir.config).expect("the daemon the import started is up");
    assert_eq!(status(&mut client).counts.history, total);
}

#[test]
fn a_damaged_file_fails_the_command_and_the_rest_is_stored() {
    let dir = DataDir::new();
    let takeout = tempfile::tempdir().expect("temp dir");
    let whole = std::fs::read(b1("user6_tunaerol/watch-history.json")).expect("reads the sample");
    std::fs::write(takeout.path().join("watch-history.json"), &whole[..whole.len() / 3]).expect("writes");
    std::fs::copy(b3("old_csv_likes_Pizzaboogie/Liked videos.csv"), takeout.path().join("Liked videos.csv")).expect("copies");

    let (output, report) = run_import(&dir, takeout.path(), &[]);
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("watch-history.json") && stderr.contains("not imported in full"), "{stderr}");
    let files = report["files"].as_array().expect("files");
    let likes = files.iter().find(|f| f["file"] == "Liked videos.csv").expect("the likes file");
    assert_eq!(likes["added"], 185);
    let cut = files.iter().find(|f| f["file"] == "watch-history.json").expect("the cut file");
    assert!(cut["error"].as_str().is_some_and(|e| e.contains("cut short")), "{cut}");
    assert!(cut["added"].as_u64().is_some_and(|n| n > 500), "what came before the cut is stored: {cut}");
}

#[test]
fn a_dry_run_reads_and_stores_nothing() {
    let dir = DataDir::new();
    let (output, report) = run_import(&dir, &b3("html_watch_history_LemmingsCode"), &["--dry-run"]);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    assert_eq!(number(&report, "records"), 559 + 56);
    assert!(report.get("added").is_none());
    assert!(!dir.config.store_dir().exists(), "a dry run started the daemon");

    let text = dir
        .vrdndi(&["import", "takeout", b3("html_watch_history_LemmingsCode").to_str().expect("utf-8"), "--dry-run"])
        .output()
        .expect("runs");
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(text.contains("559 watches") && text.contains("4 videos without a title"), "{text}");
}

#[test]
fn activitywatch_import_says_it_is_not_built_yet_or_works() {
    let dir = DataDir::new();
    let output = dir.vrdndi(&["import", "activitywatch", "/nonexistent/export.json"]).output().expect("runs");
    assert!(!output.status.success());
    assert!(!String::from_utf8_lossy(&output.stderr).is_empty());
}
