//! Titles per second of the Rust embedder at several batch sizes, on the device asked for: the Rust
//! side of models/gpu/bench-gpu.sh (which runs it on the lent GPU machine next to PyTorch).
//!
//!   gpu_bench --models-dir DIR --model NAME [--titles FILE] [--batches 1,16,64] [--limit 4096]
//!       [--limit-b1 256] [--device cuda] [--threads 8] [--label fp16] [--dump FILE]
//!
//! DIR/NAME/ holds model.onnx and tokenizer.json (NAME from the registry: it decides pooling,
//! prefix and dimension). Titles come one per line from FILE (else made up). Each batch size is
//! timed end to end (tokenising, padding, the model, pooling, vectors back on the host) after a
//! warm-up on the longest titles, so the largest shapes are allocated before the clock starts.
//! Prints one JSON line per batch size; `--dump` writes the first 64 titles' vectors (batch 64)
//! for models/gpu/bench_gpu.py to compare with PyTorch.

#![allow(clippy::print_stdout)]

use std::path::PathBuf;
use std::time::Instant;

use vrdndi_embed::{Device, Embedder, EmbedderOptions, EmbeddingModel};

struct Args {
    models_dir: PathBuf,
    model: EmbeddingModel,
    titles: Option<PathBuf>,
    batches: Vec<usize>,
    limit: usize,
    limit_b1: usize,
    device: Device,
    threads: usize,
    label: String,
    dump: Option<PathBuf>,
}

fn parse() -> Result<Args, String> {
    let mut args = Args {
        models_dir: PathBuf::new(),
        model: EmbeddingModel::MultilingualE5Small,
        titles: None,
        batches: vec![1, 16, 64],
        limit: 4096,
        limit_b1: 256,
        device: Device::Cuda,
        threads: std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1),
        label: "fp32".to_owned(),
        dump: None,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let value = it.next().ok_or(format!("{flag} needs a value"))?;
        let number = |v: &str| v.parse::<usize>().map_err(|e| format!("{flag}: {e}"));
        match flag.as_str() {
            "--models-dir" => args.models_dir = PathBuf::from(value),
            "--model" => args.model = EmbeddingModel::from_name(&value).map_err(|e| e.to_string())?,
            "--titles" => args.titles = Some(PathBuf::from(value)),
            "--batches" => args.batches = value.split(',').map(number).collect::<Result<_, _>>()?,
            "--limit" => args.limit = number(&value)?,
            "--limit-b1" => args.limit_b1 = number(&value)?,
            "--threads" => args.threads = number(&value)?,
            "--label" => args.label = value,
            "--dump" => args.dump = Some(PathBuf::from(value)),
            "--device" => {
                args.device = match value.as_str() {
                    "cuda" => Device::Cuda,
                    "cpu" => Device::Cpu,
                    "auto" => Device::Auto,
                    other => return Err(format!("--device {other}: cuda, cpu or auto")),
                }
            }
            other => return Err(format!("unknown argument {other}")),
        }
    }
    Ok(args)
}

/// Titles from the file, cycled up to `limit`; or made-up ones of realistic lengths.
fn load_titles(path: Option<&PathBuf>, limit: usize) -> Result<Vec<String>, String> {
    let base: Vec<String> = match path {
        Some(path) => std::fs::read_to_string(path)
            .map_err(|e| format!("{}: {e}", path.display()))?
            .lines()
            .filter(|l| !l.trim().is_empty())
            .map(str::to_owned)
            .collect(),
        None => {
            let words = [
                "how", "to", "build", "a", "fast", "rust", "server", "music", "video", "official", "live", "news", "today", "review",
                "best", "game",
            ];
            (0..997).map(|i| (0..4 + i % 13).map(|j| words[(i * 7 + j * 3) % words.len()]).collect::<Vec<_>>().join(" ")).collect()
        }
    };
    if base.is_empty() {
        return Err("no titles".to_owned());
    }
    Ok(base.iter().cycle().take(limit).cloned().collect())
}

fn main() {
    if let Err(error) = run() {
        eprintln!("gpu_bench: {error}");
        std::process::exit(1);
    }
}

fn run() -> Result<(), String> {
    let args = parse()?;
    let titles = load_titles(args.titles.as_ref(), args.limit)?;
    let started = Instant::now();
    let mut embedder = Embedder::new(
        EmbedderOptions::new(args.model).with_models_dir(&args.models_dir).with_device(args.device).with_threads(args.threads),
    )
    .map_err(|e| e.to_string())?;
    let load_s = started.elapsed().as_secs_f64();
    let mut longest: Vec<&String> = titles.iter().collect();
    longest.sort_by_key(|t| std::cmp::Reverse(t.len()));

    for &batch in &args.batches {
        embedder.set_batch_size(batch).map_err(|e| e.to_string())?;
        let n = if batch == 1 { args.limit_b1.min(titles.len()) } else { titles.len() };
        let warm: Vec<&String> = longest.iter().take(batch.max(4)).copied().collect();
        embedder.embed_queries(&warm).map_err(|e| e.to_string())?;
        let start = Instant::now();
        let vectors = embedder.embed_queries(&titles[..n]).map_err(|e| e.to_string())?;
        let seconds = start.elapsed().as_secs_f64();
        if batch == 64 {
            if let Some(path) = &args.dump {
                let dump = serde_json::json!({"titles": &titles[..64.min(n)], "vectors": &vectors[..64.min(n)]});
                std::fs::write(path, dump.to_string()).map_err(|e| format!("{}: {e}", path.display()))?;
            }
        }
        println!(
            "{}",
            serde_json::json!({
                "runtime": "rust-ort",
                "model": args.model.name(),
                "label": args.label,
                "device": embedder.device().name(),
                "batch": batch,
                "titles": n,
                "seconds": seconds,
                "titles_per_s": n as f64 / seconds,
                "load_s": load_s,
                "dim": vectors.first().map_or(0, Vec::len),
            })
        );
    }
    Ok(())
}
