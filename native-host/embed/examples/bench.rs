//! Embedding throughput on real titles: Rust (ort) against Python onnxruntime on the same model,
//! the same titles and the same threads, in the same run; then what makes Rust faster while the
//! embeddings stay within 0.99 cosine of the full-precision model (int8, length-sorted batches).
//!
//!   cargo run --release -p vrdndi-embed --example bench -- [--limit 1000] [--threads 2]
//!       [--batch-size 32] [--rounds 2] [--model-dir DIR] [--no-python]
//!
//! Needs ORT_DYLIB_PATH, VRDNDI_MODELS_DIR (or --model-dir), VRDNDI_PYTHON and the shared data
//! (VRDNDI_SHARED). Prints a table; asserts nothing about time. Each configuration runs once per
//! round, rounds interleaved, best round reported (the machine is shared: the best is the least
//! disturbed). The first batch of every run is a warm-up, untimed, as in models/check-model.py.

#![allow(clippy::print_stdout)]

#[path = "support/titles.rs"]
mod titles;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use vrdndi_embed::{cosine, Device, Embedder, EmbedderOptions, EmbeddingModel, Precision};

struct Args {
    limit: usize,
    threads: usize,
    batch_size: usize,
    rounds: usize,
    model_dir: PathBuf,
    python: bool,
}

fn parse_args() -> Result<Args, String> {
    let mut args = Args {
        limit: 1000,
        threads: 2,
        batch_size: 32,
        rounds: 2,
        model_dir: std::env::var_os("VRDNDI_MODELS_DIR")
            .map(|d| PathBuf::from(d).join("multilingual-e5-small"))
            .unwrap_or_default(),
        python: true,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut value = || it.next().ok_or(format!("{flag} needs a value"));
        match flag.as_str() {
            "--limit" => args.limit = value()?.parse().map_err(|e| format!("--limit: {e}"))?,
            "--threads" => args.threads = value()?.parse().map_err(|e| format!("--threads: {e}"))?,
            "--batch-size" => args.batch_size = value()?.parse().map_err(|e| format!("--batch-size: {e}"))?,
            "--rounds" => args.rounds = value()?.parse().map_err(|e| format!("--rounds: {e}"))?,
            "--model-dir" => args.model_dir = PathBuf::from(value()?),
            "--no-python" => args.python = false,
            other => return Err(format!("unknown argument {other}")),
        }
    }
    if !args.model_dir.join("model.onnx").is_file() {
        return Err(format!("no model.onnx in `{}`: set VRDNDI_MODELS_DIR or --model-dir (run scripts/deps.sh)", args.model_dir.display()));
    }
    Ok(args)
}

/// One configuration's best round.
struct Row {
    name: String,
    titles_per_s: f64,
    note: String,
}

fn rust_embedder(args: &Args, precision: Precision, sorted: bool) -> Result<Embedder, String> {
    let models_dir = args.model_dir.parent().ok_or("model dir has no parent")?;
    Embedder::new(
        EmbedderOptions::new(EmbeddingModel::MultilingualE5Small)
            .with_models_dir(models_dir)
            .with_threads(args.threads)
            .with_batch_size(args.batch_size)
            .with_device(Device::Cpu)
            .with_precision(precision)
            .with_sort_by_length(sorted),
    )
    .map_err(|e| e.to_string())
}

/// titles/s of one timed pass (after a one-batch warm-up) and the embeddings it made.
fn time_rust(embedder: &Embedder, titles: &[String], batch_size: usize) -> Result<(f64, Vec<Vec<f32>>), String> {
    embedder.embed_queries(&titles[..batch_size.min(titles.len())]).map_err(|e| e.to_string())?;
    let start = Instant::now();
    let vectors = embedder.embed_queries(titles).map_err(|e| e.to_string())?;
    Ok((titles.len() as f64 / start.elapsed().as_secs_f64(), vectors))
}

/// models/check-model.py --bench on `model_dir`: Python onnxruntime, same titles and settings.
fn time_python(args: &Args, model_dir: &Path) -> Result<f64, String> {
    let python = std::env::var_os("VRDNDI_PYTHON").ok_or("VRDNDI_PYTHON is not set (the venv's python; run scripts/deps.sh)")?;
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../models/check-model.py");
    let output = Command::new(python)
        .arg(script)
        .arg("--bench")
        .arg(titles::trending_csv())
        .args(["--limit", &args.limit.to_string(), "--batch-size", &args.batch_size.to_string()])
        .args(["--threads", &args.threads.to_string(), "--model-dir"])
        .arg(model_dir)
        .output()
        .map_err(|e| format!("running check-model.py: {e}"))?;
    if !output.status.success() {
        return Err(format!("check-model.py --bench failed: {}", String::from_utf8_lossy(&output.stderr)));
    }
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).map_err(|e| format!("check-model.py output: {e}"))?;
    if json["titles"].as_u64() != Some(args.limit as u64) {
        return Err(format!("Python embedded {} titles, Rust {}", json["titles"], args.limit));
    }
    json["titles_per_s"].as_f64().ok_or_else(|| "no titles_per_s in check-model.py output".to_owned())
}

/// A folder where `model.onnx` is the int8 graph, so check-model.py runs it unchanged.
fn int8_view(model_dir: &Path) -> Result<tempfile::TempDir, String> {
    let view = tempfile::tempdir().map_err(|e| e.to_string())?;
    let link = |from: &str, to: &str| {
        std::os::unix::fs::symlink(model_dir.join(from), view.path().join(to)).map_err(|e| format!("symlink {from}: {e}"))
    };
    link("model.int8.onnx", "model.onnx")?;
    link("tokenizer.json", "tokenizer.json")?;
    link("model.json", "model.json")?;
    Ok(view)
}

/// Peak and current resident memory of this process, in MiB (Linux: /proc/self/status).
fn rss_mib() -> (f64, f64) {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|kb| kb.parse::<f64>().ok())
            .map_or(f64::NAN, |kb| kb / 1024.0)
    };
    (field("VmHWM:"), field("VmRSS:"))
}

fn cosine_stats(a: &[Vec<f32>], b: &[Vec<f32>]) -> (f32, f32) {
    let cos: Vec<f32> = a.iter().zip(b).map(|(x, y)| cosine(x, y)).collect();
    let min = cos.iter().copied().fold(f32::INFINITY, f32::min);
    (min, cos.iter().sum::<f32>() / cos.len() as f32)
}

fn main() {
    if let Err(error) = run() {
        eprintln!("bench: {error}");
        std::process::exit(1);
    }
}

fn run() -> Result<(), String> {
    let args = parse_args()?;
    let titles = titles::trending_titles(args.limit)?;
    if titles.len() < args.limit {
        return Err(format!("only {} distinct titles in {}", titles.len(), titles::trending_csv().display()));
    }
    let has_int8 = args.model_dir.join("model.int8.onnx").is_file();
    eprintln!("bench: {} titles, {} threads, batch {}, {} rounds, model {}", titles.len(), args.threads, args.batch_size, args.rounds, args.model_dir.display());

    // The default configuration first, alone in the process, for its memory.
    let full_sorted = rust_embedder(&args, Precision::Full, true)?;
    let (first, full_vectors) = time_rust(&full_sorted, &titles, args.batch_size)?;
    let (peak, current) = rss_mib();
    let full_unsorted = rust_embedder(&args, Precision::Full, false)?;
    let int8 = if has_int8 {
        Some((rust_embedder(&args, Precision::Int8, false)?, rust_embedder(&args, Precision::Int8, true)?))
    } else {
        eprintln!("bench: no model.int8.onnx (run models/quantize-int8.py {}): int8 rows skipped", args.model_dir.display());
        None
    };
    let int8_dir = if has_int8 && args.python { Some(int8_view(&args.model_dir)?) } else { None };

    let mut best = std::collections::BTreeMap::<&str, f64>::new();
    let mut keep = |name: &'static str, value: f64| {
        let entry = best.entry(name).or_insert(0.0);
        *entry = entry.max(value);
    };
    keep("rust-full-sorted", first);
    let mut int8_cos = None;
    for round in 0..args.rounds {
        eprintln!("bench: round {}", round + 1);
        if args.python {
            keep("python-full", time_python(&args, &args.model_dir)?);
        }
        keep("rust-full", time_rust(&full_unsorted, &titles, args.batch_size)?.0);
        if round > 0 {
            keep("rust-full-sorted", time_rust(&full_sorted, &titles, args.batch_size)?.0);
        }
        if let Some((unsorted, sorted)) = &int8 {
            if let Some(dir) = &int8_dir {
                keep("python-int8", time_python(&args, dir.path())?);
            }
            keep("rust-int8", time_rust(unsorted, &titles, args.batch_size)?.0);
            let (rate, vectors) = time_rust(sorted, &titles, args.batch_size)?;
            keep("rust-int8-sorted", rate);
            int8_cos = Some(cosine_stats(&full_vectors, &vectors));
        }
    }

    let base = best.get("python-full").copied();
    let rows = [
        ("python-full", "Python onnxruntime 1.31.1, fp32, batches in file order"),
        ("rust-full", "Rust ort, fp32, batches in file order (parity config)"),
        ("rust-full-sorted", "Rust ort, fp32, length-sorted batches (the default)"),
        ("python-int8", "Python onnxruntime, int8 dynamic quantisation"),
        ("rust-int8", "Rust ort, int8, batches in file order"),
        ("rust-int8-sorted", "Rust ort, int8, length-sorted batches"),
    ];
    let table: Vec<Row> = rows
        .iter()
        .filter_map(|(key, name)| {
            best.get(key).map(|&v| Row {
                name: (*name).to_owned(),
                titles_per_s: v,
                note: base.map(|b| format!("{:.2}x", v / b)).unwrap_or_default(),
            })
        })
        .collect();
    println!("| configuration ({} titles, {} threads, batch {}) | titles/s | vs Python fp32 |", titles.len(), args.threads, args.batch_size);
    println!("|---|---:|---:|");
    for row in &table {
        println!("| {} | {:.0} | {} |", row.name, row.titles_per_s, row.note);
    }
    if let Some((min, mean)) = int8_cos {
        println!("\nint8 vs fp32 (Rust, all {} titles): cosine min {min:.4}, mean {mean:.4}", titles.len());
    }
    println!("Rust peak RSS with the default model loaded, after embedding {} titles: {peak:.0} MiB (current {current:.0} MiB)", titles.len());
    Ok(())
}
