//! Embedding throughput on real titles: Rust (ort) against Python onnxruntime on the same model,
//! the same titles and the same threads, in the same run; then what makes Rust faster while the
//! embeddings stay within 0.99 cosine of the full-precision model (int8, length-sorted batches).
//!
//!   cargo run --release -p vrdndi-embed --example bench -- [--limit 1000] [--threads 2]
//!       [--batch-size 32] [--rounds 2] [--model-dir DIR] [--no-python]
//!
//! Needs ORT_DYLIB_PATH, VRDNDI_MODELS_DIR (or --model-dir), VRDNDI_PYTHON and the shared data
//! (VRDNDI_SHARED). Prints a table; asserts nothing about time. Each configuration runs once per
//! round, rounds interleaved, best round reported. The first batch of every run is a warm-up,
//! untimed. Two measures: titles per wall-clock second, and titles per CPU-second of the process
//! (all its threads) over the timed part: on a shared, busy machine the wall clock mostly measures
//! the neighbours, the CPU time still measures the work.

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
        model_dir: std::env::var_os("VRDNDI_MODELS_DIR").map(|d| PathBuf::from(d).join("multilingual-e5-small")).unwrap_or_default(),
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

/// CPU time this process has used, all threads (Linux: /proc/self/stat, in USER_HZ = 100 ticks).
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // Fields after the command name (which may hold spaces) : state is field 3; utime 14, stime 15.
    let rest = stat.rsplit_once(')').map_or("", |(_, r)| r);
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks = |i: usize| fields.get(i).and_then(|f| f.parse::<f64>().ok()).unwrap_or(f64::NAN);
    (ticks(11) + ticks(12)) / 100.0
}

/// Titles per wall second and per CPU-second.
type Rates = (f64, f64);

/// The rates of one timed pass after a one-batch warm-up, and the embeddings it made.
fn time_rust(embedder: &Embedder, titles: &[String], batch_size: usize) -> Result<(Rates, Vec<Vec<f32>>), String> {
    embedder.embed_queries(&titles[..batch_size.min(titles.len())]).map_err(|e| e.to_string())?;
    let (start, cpu) = (Instant::now(), cpu_seconds());
    let vectors = embedder.embed_queries(titles).map_err(|e| e.to_string())?;
    let n = titles.len() as f64;
    Ok(((n / start.elapsed().as_secs_f64(), n / (cpu_seconds() - cpu)), vectors))
}

/// Python onnxruntime (models/embed_ref.py, the project's reference) on the same titles, batch
/// size and threads: (titles per wall second, titles per CPU-second).
fn time_python(args: &Args, model_dir: &Path, titles_file: &Path) -> Result<Rates, String> {
    const SCRIPT: &str = r#"
import json, sys, time
models, model_dir, titles_file, batch, threads = sys.argv[1:6]
sys.path.insert(0, models)
from embed_ref import OnnxEmbedder
titles = json.load(open(titles_file, encoding="utf-8"))
emb = OnnxEmbedder(model_dir, threads=int(threads))
batch = int(batch)
emb.embed(titles[:batch], "query", batch_size=batch)
w, c = time.perf_counter(), time.process_time()
emb.embed(titles, "query", batch_size=batch)
w, c = time.perf_counter() - w, time.process_time() - c
print(json.dumps({"titles": len(titles), "wall": w, "cpu": c}))
"#;
    let python = std::env::var_os("VRDNDI_PYTHON").ok_or("VRDNDI_PYTHON is not set (the venv's python; run scripts/deps.sh)")?;
    let models = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../models");
    let output = Command::new(python)
        .args(["-c", SCRIPT])
        .arg(models)
        .arg(model_dir)
        .arg(titles_file)
        .args([args.batch_size.to_string(), args.threads.to_string()])
        .output()
        .map_err(|e| format!("running the Python side: {e}"))?;
    if !output.status.success() {
        return Err(format!("the Python side failed: {}", String::from_utf8_lossy(&output.stderr)));
    }
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).map_err(|e| format!("Python output: {e}"))?;
    let n = json["titles"].as_f64().ok_or("no titles in the Python output")?;
    let rate = |key: &str| json[key].as_f64().map(|s| n / s).ok_or(format!("no {key} in the Python output"));
    Ok((rate("wall")?, rate("cpu")?))
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
    eprintln!(
        "bench: {} titles, {} threads, batch {}, {} rounds, model {}",
        titles.len(),
        args.threads,
        args.batch_size,
        args.rounds,
        args.model_dir.display()
    );

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

    let titles_file = tempfile::NamedTempFile::new().map_err(|e| e.to_string())?;
    std::fs::write(titles_file.path(), serde_json::to_vec(&titles).map_err(|e| e.to_string())?).map_err(|e| e.to_string())?;
    let mut best = std::collections::BTreeMap::<&str, Rates>::new();
    let mut keep = |name: &'static str, (wall, cpu): Rates| {
        let entry = best.entry(name).or_insert((0.0, 0.0));
        *entry = (entry.0.max(wall), entry.1.max(cpu));
    };
    keep("rust-full-sorted", first);
    let mut int8_cos = None;
    for round in 0..args.rounds {
        eprintln!("bench: round {}", round + 1);
        if args.python {
            keep("python-full", time_python(&args, &args.model_dir, titles_file.path())?);
        }
        keep("rust-full", time_rust(&full_unsorted, &titles, args.batch_size)?.0);
        if round > 0 {
            keep("rust-full-sorted", time_rust(&full_sorted, &titles, args.batch_size)?.0);
        }
        if let Some((unsorted, sorted)) = &int8 {
            if let Some(dir) = &int8_dir {
                keep("python-int8", time_python(&args, dir.path(), titles_file.path())?);
            }
            keep("rust-int8", time_rust(unsorted, &titles, args.batch_size)?.0);
            let (rate, vectors) = time_rust(sorted, &titles, args.batch_size)?;
            keep("rust-int8-sorted", rate);
            int8_cos = Some(cosine_stats(&full_vectors, &vectors));
        }
    }

    let base = best.get("python-full").copied();
    let ratio = |v: f64, b: Option<f64>| b.map(|b| format!("{:.2}x", v / b)).unwrap_or_default();
    let rows = [
        ("python-full", "Python onnxruntime 1.31.1, fp32, batches in file order"),
        ("rust-full", "Rust ort, fp32, batches in file order (parity config)"),
        ("rust-full-sorted", "Rust ort, fp32, length-sorted batches (the default)"),
        ("python-int8", "Python onnxruntime, int8 dynamic quantisation"),
        ("rust-int8", "Rust ort, int8, batches in file order"),
        ("rust-int8-sorted", "Rust ort, int8, length-sorted batches"),
    ];
    println!(
        "| configuration ({} titles, {} threads, batch {}) | titles/s | vs Python fp32 | titles per CPU-s | vs Python fp32 |",
        titles.len(),
        args.threads,
        args.batch_size
    );
    println!("|---|---:|---:|---:|---:|");
    for (key, name) in rows {
        if let Some(&(wall, cpu)) = best.get(key) {
            println!("| {name} | {wall:.0} | {} | {cpu:.0} | {} |", ratio(wall, base.map(|b| b.0)), ratio(cpu, base.map(|b| b.1)));
        }
    }
    if let Some((min, mean)) = int8_cos {
        println!("\nint8 vs fp32 (Rust, all {} titles): cosine min {min:.4}, mean {mean:.4}", titles.len());
    }
    println!(
        "Rust peak RSS with the default model loaded, after embedding {} titles: {peak:.0} MiB (current {current:.0} MiB)",
        titles.len()
    );
    Ok(())
}
