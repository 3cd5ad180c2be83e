//! `vrdndi eval takeout` end to end on a real history: the real binary, the real e5-small model,
//! one real B1 user and real trending negatives, kept to two test days so it runs in seconds.
//!
//! It checks what a reader of the report relies on: every method is there with all four metrics,
//! every interval holds its mean, and the independent leak check finds nothing; then it plants a
//! leak (each day's own watches given to the methods) and shows the check catches it and the
//! numbers jump, so a zero in an honest run means something.

#[path = "support/test_env.rs"]
mod test_env;

use std::path::Path;
use std::process::Command;

use serde_json::Value;

use test_env::{model_env, shared_data};

const VRDNDI: &str = env!("CARGO_BIN_EXE_vrdndi");
const METHODS: [&str; 9] =
    ["random", "popularity", "recency", "channel", "centroid", "item-knn", "logistic", "vrdndi-cold", "vrdndi-learned"];
const METRICS: [&str; 4] = ["ndcg@10", "recall@10", "mrr", "auc"];

fn eval(data_dir: &Path, extra: &[&str]) -> Value {
    let (ort, models) = model_env();
    let history = shared_data("B1-takeout-watch-histories/user6_tunaerol/watch-history.json");
    let negatives = shared_data("A1-yt-trending-v1-us-gb/USvideos.csv");
    let mut command = Command::new(VRDNDI);
    command
        .env("ORT_DYLIB_PATH", ort)
        .env("VRDNDI_MODELS_DIR", models)
        .env_remove("VRDNDI_DEVICE")
        .arg("--data-dir")
        .arg(data_dir)
        .args(["--device", "cpu", "eval", "takeout"])
        .arg(&history)
        .arg("--negatives")
        .arg(&negatives)
        // One day of history (20 watches), then two test days.
        .args(["--split", "2024-12-03", "--max-days", "2", "--per-slate", "20", "--resamples", "300", "--json"])
        .args(extra);
    let started = std::time::Instant::now();
    let output = command.output().expect("runs vrdndi");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "vrdndi eval failed: {stderr}");
    eprintln!("vrdndi eval takeout {extra:?}: {:.1}s", started.elapsed().as_secs_f64());
    serde_json::from_slice(&output.stdout).unwrap_or_else(|e| panic!("stdout is not the JSON report ({e}); stderr: {stderr}"))
}

fn number(v: &Value) -> f64 {
    v.as_f64().unwrap_or_else(|| panic!("{v} is not a number"))
}

/// Every method with every metric as {mean, lo, hi}, lo <= mean <= hi, all within 0..=1.
fn assert_methods(methods: &Value, whose: &str) {
    for method in METHODS {
        for metric in METRICS {
            let cell = &methods[method][metric];
            let (mean, lo, hi) = (number(&cell["mean"]), number(&cell["lo"]), number(&cell["hi"]));
            assert!(lo <= mean && mean <= hi, "{whose} {method} {metric}: {mean} not in [{lo}, {hi}]");
            assert!((0.0..=1.0).contains(&lo) && hi <= 1.0, "{whose} {method} {metric}: [{lo}, {hi}]");
        }
    }
}

#[test]
fn a_real_history_is_ranked_by_every_method_without_leaking_and_a_planted_leak_is_caught() {
    let data_dir = tempfile::tempdir().expect("temp dir");
    let report = eval(data_dir.path(), &[]);

    assert_methods(&report["methods"], "average");
    let user = &report["users"][0];
    assert_eq!(user["user"], "user6_tunaerol");
    assert_methods(&user["methods"], "user6");
    assert_eq!(user["test_days"], 2);
    // Every homepage video watched on 2024-12-02 (its YouTube Music listens and Shorts left out).
    assert_eq!(user["train_watches"], 18, "{user}");
    let learned = &user["learned"];
    assert!(number(&learned["positives"]) > 0.0 && number(&learned["negatives"]) > 0.0, "{learned}");
    assert!(learned["until"].as_str().is_some_and(|t| t < "2024-12-03"), "trained only before the split: {learned}");

    let leak = &report["leak_check"];
    assert_eq!(leak["slates"], 2);
    for counter in [
        "history_at_or_after_ranking_time",
        "slate_videos_in_history",
        "negatives_watched",
        "training_after_split",
        "training_videos_on_slates",
    ] {
        assert_eq!(leak[counter], 0, "{counter}: {leak}");
    }
    // The same run again reads every embedding from the cache.
    assert_eq!(report["timings"]["embed"]["embedded"].as_u64().map(|n| n > 0), Some(true));

    let planted = eval(data_dir.path(), &["--plant-leak"]);
    assert_eq!(planted["timings"]["embed"]["embedded"], 0, "the cache served the second run");
    let leak = &planted["leak_check"];
    assert!(number(&leak["history_at_or_after_ranking_time"]) > 0.0, "{leak}");
    assert!(number(&leak["slate_videos_in_history"]) > 0.0, "{leak}");
    // Shown the day's own watches, each positive is its own nearest neighbour (cosine 1): the
    // numbers move, which is what a leak looks like from outside.
    let honest = number(&report["methods"]["item-knn"]["ndcg@10"]["mean"]);
    let leaked = number(&planted["methods"]["item-knn"]["ndcg@10"]["mean"]);
    assert!(leaked > honest + 0.05, "item-knn nDCG@10 {honest} honest, {leaked} leaked");
}

/// The default: each person's negatives are the other people's real watches, the logistic
/// baseline is fitted on validation days before the split, and popularity cannot separate a
/// person's own watches from the others' by construction.
#[test]
fn without_negatives_files_each_person_is_ranked_against_the_others_watches() {
    let (ort, models) = model_env();
    let data_dir = tempfile::tempdir().expect("temp dir");
    let people = ["user6_tunaerol", "user9_OhadFarooqui"];
    let output = Command::new(VRDNDI)
        .env("ORT_DYLIB_PATH", ort)
        .env("VRDNDI_MODELS_DIR", models)
        .env_remove("VRDNDI_DEVICE")
        .arg("--data-dir")
        .arg(data_dir.path())
        .args(["--device", "cpu", "eval", "takeout"])
        .args(people.map(|p| shared_data(&format!("B1-takeout-watch-histories/{p}/watch-history.json"))))
        .args(["--max-days", "2", "--per-slate", "20", "--resamples", "100", "--no-learned", "--fit-prior", "--json"])
        .output()
        .expect("runs vrdndi");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "vrdndi eval failed: {stderr}");
    let report: Value = serde_json::from_slice(&output.stdout).unwrap_or_else(|e| panic!("not the JSON report ({e}); {stderr}"));
    for (i, user) in report["users"].as_array().expect("users").iter().enumerate() {
        let sources: Vec<&str> =
            user["negatives"]["sources"].as_array().expect("sources").iter().filter_map(|s| s["file"].as_str()).collect();
        assert_eq!(sources, [people[1 - i]], "{}'s negatives come from the other person only", people[i]);
        assert!(number(&user["validation_days"]) > 0.0, "{user}");
        for method in ["logistic", "vrdndi-cold", "vrdndi-unseen"] {
            let ndcg = number(&user["methods"][method]["ndcg@10"]["mean"]);
            assert!((0.0..=1.0).contains(&ndcg), "{method}: {ndcg}");
        }
        // Counted over everyone, a positive has its watcher as a negative has its own: not the
        // perfect inverse separator (AUC 0) that counting only the others gives.
        let popularity = number(&user["methods"]["popularity"]["auc"]["mean"]);
        assert!(popularity > 0.25, "popularity AUC {popularity} for {}", people[i]);
    }
    let prior = &report["prior"];
    assert_eq!(prior["weights"].as_array().map(Vec::len), Some(vrdndi_rank::interest::FEATURES), "{prior}");
    assert!(report["comparisons"].as_array().expect("comparisons").iter().any(|c| c["baseline"] == "logistic"));
}

#[test]
fn a_missing_negatives_file_is_a_clear_error() {
    let (ort, models) = model_env();
    let data_dir = tempfile::tempdir().expect("temp dir");
    let history = shared_data("B1-takeout-watch-histories/user6_tunaerol/watch-history.json");
    let output = Command::new(VRDNDI)
        .env("ORT_DYLIB_PATH", ort)
        .env("VRDNDI_MODELS_DIR", models)
        .arg("--data-dir")
        .arg(data_dir.path())
        .args(["eval", "takeout"])
        .arg(&history)
        .args(["--negatives", "/nonexistent/trending.csv"])
        .output()
        .expect("runs vrdndi");
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("/nonexistent/trending.csv"), "{stderr}");
    assert!(output.stdout.is_empty(), "nothing on stdout: {}", String::from_utf8_lossy(&output.stdout));
}
