//! What the embedding tests need from the machine, each missing piece a failure that names the
//! setup step (never a silent skip).

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

use vrdndi_embed::{Embedder, EmbedderOptions, EmbeddingModel};

#[path = "../../../examples/support/titles.rs"]
pub mod titles;

fn env_path(name: &str, what: &str) -> PathBuf {
    let value = std::env::var_os(name).unwrap_or_else(|| {
        panic!("{name} is not set: it must point at {what}; run scripts/deps.sh and use scripts/test.sh (or export its test env)")
    });
    let path = PathBuf::from(value);
    assert!(path.exists(), "{name}={} does not exist ({what}); run scripts/deps.sh", path.display());
    path
}

/// `$VRDNDI_MODELS_DIR`, holding multilingual-e5-small.
pub fn models_dir() -> PathBuf {
    let dir = env_path("VRDNDI_MODELS_DIR", "the models dir with multilingual-e5-small");
    assert!(dir.join("multilingual-e5-small/model.onnx").is_file(), "no multilingual-e5-small in {}: run scripts/deps.sh", dir.display());
    dir
}

pub fn e5_dir() -> PathBuf {
    models_dir().join("multilingual-e5-small")
}

/// `$ORT_DYLIB_PATH` must name the runtime library.
pub fn runtime_library() -> PathBuf {
    env_path("ORT_DYLIB_PATH", "libonnxruntime.so.1.31.1")
}

pub fn python() -> PathBuf {
    env_path("VRDNDI_PYTHON", "the venv's python with onnxruntime")
}

pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The default model on the CPU with 2 threads and the given batch size.
pub fn e5(batch_size: usize) -> Embedder {
    runtime_library();
    Embedder::new(
        EmbedderOptions::new(EmbeddingModel::MultilingualE5Small)
            .with_models_dir(models_dir())
            .with_threads(2)
            .with_batch_size(batch_size)
            .with_device(vrdndi_embed::Device::Cpu),
    )
    .expect("load multilingual-e5-small")
}

/// The Python reference (models/check-model.py) on `texts`: per text, token ids and embedding.
pub fn python_reference(texts: &[String], kind: &str) -> Vec<(Vec<u32>, Vec<f32>)> {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("texts.json");
    std::fs::write(&file, serde_json::to_vec(texts).expect("json")).expect("write texts");
    let output = Command::new(python())
        .arg(repo_root().join("models/check-model.py"))
        .args(["--model-dir"])
        .arg(e5_dir())
        .args(["--kind", kind, "--threads", "2", "--texts-file"])
        .arg(&file)
        .output()
        .expect("run models/check-model.py");
    assert!(output.status.success(), "check-model.py failed: {}", String::from_utf8_lossy(&output.stderr));
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).expect("check-model.py prints JSON");
    json["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|item| {
            let ids = item["input_ids"].as_array().expect("ids").iter().map(|v| v.as_u64().expect("id") as u32).collect();
            let emb = item["embedding"].as_array().expect("embedding").iter().map(|v| v.as_f64().expect("f") as f32).collect();
            (ids, emb)
        })
        .collect()
}
