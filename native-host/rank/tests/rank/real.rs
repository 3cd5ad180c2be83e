//! Real inputs: multilingual-e5-small embeddings (the model scripts/setup.sh builds), trending
//! titles from `shared/data/A1-*`, and a real ActivityWatch export from `shared/data/C1-*`, all
//! read at test time. A missing piece fails the test with the setup step that provides it.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::OnceLock;

use vrdndi_embed::{Embedder, EmbedderOptions, TextKind};

fn cache() -> PathBuf {
    std::env::var_os("VRDNDI_CACHE")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(std::env::var_os("HOME").expect("HOME is set")).join(".cache/vrdndi"))
}

/// The shared data folder (`VRDNDI_SHARED`, default `<repo>/../shared`).
pub fn shared() -> PathBuf {
    let dir = std::env::var_os("VRDNDI_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared"));
    assert!(dir.join("data").is_dir(), "no shared data at {} (set VRDNDI_SHARED)", dir.display());
    dir
}

/// The e5-small embedder, loaded once per test binary.
pub fn embedder() -> &'static Embedder {
    static EMBEDDER: OnceLock<Embedder> = OnceLock::new();
    EMBEDDER.get_or_init(|| {
        let models = std::env::var_os("VRDNDI_MODELS_DIR").map(PathBuf::from).unwrap_or_else(|| cache().join("models"));
        let library =
            std::env::var_os("ORT_DYLIB_PATH").map(PathBuf::from).unwrap_or_else(|| cache().join("onnxruntime/libonnxruntime.so.1.31.1"));
        let options = EmbedderOptions::default().with_models_dir(models).with_runtime_library(library).with_threads(2);
        Embedder::new(options).unwrap_or_else(|e| panic!("the e5 model is needed (run scripts/setup.sh): {e}"))
    })
}

pub fn passages(texts: &[String]) -> Vec<Vec<f32>> {
    embedder().embed(texts, TextKind::Passage).expect("embeds")
}

pub fn queries(texts: &[String]) -> Vec<Vec<f32>> {
    embedder().embed(texts, TextKind::Query).expect("embeds")
}

/// One trending video: id, title, channel, category name.
#[derive(Debug, Clone)]
pub struct Trending {
    pub id: String,
    pub title: String,
    pub channel: String,
    pub category: String,
}

/// The distinct videos of `A1-yt-trending-v1-us-gb/USvideos.csv`, in file order.
pub fn trending() -> &'static [Trending] {
    static VIDEOS: OnceLock<Vec<Trending>> = OnceLock::new();
    VIDEOS.get_or_init(|| {
        let dir = shared().join("data/A1-yt-trending-v1-us-gb");
        let categories: serde_json::Value =
            serde_json::from_slice(&std::fs::read(dir.join("US_category_id.json")).expect("category file")).expect("json");
        let names: HashMap<String, String> = categories["items"]
            .as_array()
            .expect("items")
            .iter()
            .map(|i| (i["id"].as_str().unwrap_or("").to_owned(), i["snippet"]["title"].as_str().unwrap_or("").to_owned()))
            .collect();
        let bytes = std::fs::read(dir.join("USvideos.csv")).expect("USvideos.csv");
        let text = String::from_utf8_lossy(&bytes);
        let text = text.trim_start_matches('\u{feff}');
        let mut reader = csv::Reader::from_reader(text.as_bytes());
        let mut seen = std::collections::HashSet::new();
        let mut out = Vec::new();
        for row in reader.records() {
            let Ok(row) = row else { continue };
            let id = row.get(0).unwrap_or("").to_owned();
            if id.len() != 11 || !seen.insert(id.clone()) {
                continue;
            }
            out.push(Trending {
                id,
                title: row.get(1).unwrap_or("").to_owned(),
                channel: row.get(2).unwrap_or("").to_owned(),
                category: names.get(row.get(3).unwrap_or("")).cloned().unwrap_or_default(),
            });
        }
        assert!(out.len() > 2000, "USvideos.csv should hold 2365 distinct videos, read {}", out.len());
        out
    })
}
