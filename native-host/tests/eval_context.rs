//! `vrdndi eval context` end to end: the real binary reads the real ActivityWatch export of a
//! hackathon night (shared/data/C1-*) and the hand-labelled videos committed with the eval crate,
//! and reports how well the context-aware score separates on-task from off-task videos, with
//! and without the context.

#[path = "support/test_env.rs"]
mod test_env;

use std::path::Path;
use std::process::Command;

use serde_json::Value;

use test_env::{model_env, shared_data, C1_EXPORT};

const VRDNDI: &str = env!("CARGO_BIN_EXE_vrdndi");

fn number(v: &Value) -> f64 {
    v.as_f64().unwrap_or_else(|| panic!("{v} is not a number"))
}

#[test]
fn context_separates_on_task_from_off_task_videos_on_a_real_export() {
    let (ort, models) = model_env();
    let export = shared_data(C1_EXPORT);
    let labels = Path::new(env!("CARGO_MANIFEST_DIR")).join("eval/fixtures/c1-mhacks-labels.jsonl");
    let data_dir = tempfile::tempdir().expect("temp dir");
    let started = std::time::Instant::now();
    let output = Command::new(VRDNDI)
        .env("ORT_DYLIB_PATH", ort)
        .env("VRDNDI_MODELS_DIR", models)
        .arg("--data-dir")
        .arg(data_dir.path())
        .args(["--device", "cpu", "eval", "context"])
        .arg(&export)
        .arg("--labels")
        .arg(&labels)
        .args(["--utc-offset", "-5", "--resamples", "300", "--json"])
        .output()
        .expect("runs vrdndi");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "vrdndi eval context failed: {stderr}");
    eprintln!("vrdndi eval context: {:.1}s", started.elapsed().as_secs_f64());
    let report: Value =
        serde_json::from_slice(&output.stdout).unwrap_or_else(|e| panic!("stdout is not the JSON report ({e}); stderr: {stderr}"));

    assert_eq!((report["on_task"].as_u64(), report["off_task"].as_u64()), (Some(21), Some(21)));
    assert_eq!(report["empty_contexts"], 0, "every label lies inside the export's not-AFK time");
    let labels = report["labels"].as_array().expect("labels");
    assert!(labels.iter().all(|l| number(&l["context_events"]) > 0.0));

    let productive = &report["productive_auc"];
    // Without context the productive score is the same for every video: chance, exactly.
    for key in ["mean", "lo", "hi"] {
        assert_eq!(number(&productive["without_context"][key]), 0.5, "{productive}");
    }
    let with = &productive["with_context"];
    assert!(number(&with["lo"]) <= number(&with["mean"]) && number(&with["mean"]) <= number(&with["hi"]), "{with}");
    assert!(number(&productive["difference"]["lo"]) > 0.0, "the context must help, clearly: {productive}");
}
