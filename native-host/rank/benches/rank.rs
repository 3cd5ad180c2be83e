//! Ranking and training benchmarks: prints numbers, asserts none (timings depend on the machine).
//!
//! `cargo bench -p vrdndi-rank [-- --no-folds]` (release build; `--no-folds` skips the 5-fold
//! training run, the longest part). Inputs are synthetic but shaped like the real
//! ones (384-d e5-like vectors, a 2,000-video history, 30-event contexts): see
//! `vrdndi_rank::synthetic`. Embedding time is not included: "warm" means the vectors are cached.
#![allow(clippy::print_stdout, clippy::unwrap_used)] // a bench binary reports on stdout

use std::time::Instant;

use vrdndi_rank::synthetic::Scenario;
use vrdndi_rank::{train, Candidate, Context, Preferences, Ranker, TrainOptions, UserProfile};

const DIM: usize = 384;
const EMBEDDER: &str = "multilingual-e5-small@bench";

/// CPU seconds this process has used (user + system, all threads), from /proc (Linux); the
/// machine is shared, so CPU time says more about cost than wall time does.
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let after_name = stat.rsplit_once(')').map_or("", |(_, rest)| rest);
    let fields: Vec<&str> = after_name.split_whitespace().collect();
    // Fields 14 and 15 of stat(5), counted from the state field (3rd) here; USER_HZ is 100.
    let ticks = |i: usize| fields.get(i).and_then(|f| f.parse::<f64>().ok()).unwrap_or(f64::NAN);
    (ticks(11) + ticks(12)) / 100.0
}

fn percentile(mut v: Vec<f64>, p: f64) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v[((v.len() - 1) as f64 * p).round() as usize]
}

/// Wall p50 and p90 and mean CPU, all in ms.
fn slate_timings(ranker: &Ranker, profile: &UserProfile, context: &Context, slate: &[Candidate], runs: usize) -> (f64, f64, f64) {
    let prefs = Preferences::default();
    for _ in 0..5 {
        ranker.score(profile, context, slate, &prefs).unwrap();
    }
    let cpu = cpu_seconds();
    let times: Vec<f64> = (0..runs)
        .map(|_| {
            let t = Instant::now();
            ranker.score(profile, context, slate, &prefs).unwrap();
            t.elapsed().as_secs_f64() * 1000.0
        })
        .collect();
    let cpu_ms = (cpu_seconds() - cpu) * 1000.0 / runs as f64;
    (percentile(times.clone(), 0.5), percentile(times, 0.9), cpu_ms)
}

fn main() {
    let threads = std::env::var("RAYON_NUM_THREADS").unwrap_or_else(|_| "unset (all cores)".into());
    println!("vrdndi-rank benchmarks; {} cores, RAYON_NUM_THREADS {threads}", std::thread::available_parallelism().map_or(0, |n| n.get()));
    let mut world = Scenario::new(DIM, 42);
    let profile = world.profile(2000);
    let (mut context, _) = world.context(world.start);
    while context.tokens().len() < 30 {
        context = world.context(world.start).0;
    }
    let slate: Vec<Candidate> = (0..48).map(|i| world.candidate(i % 24, i)).collect();
    let background: Vec<Vec<f32>> = (0..40).map(|i| world.embedding(i % 24)).collect();
    let cold = Ranker::cold_start(EMBEDDER).with_background(&background).unwrap();

    let (p50, p90, cpu) = slate_timings(&cold, &profile, &context, &slate, 200);
    println!("48-tile slate, cold start, 2000-video history, 30 context events: p50 {p50:.2} ms, p90 {p90:.2} ms, CPU {cpu:.2} ms");

    let labels = world.labels(5000);
    let (t, cpu) = (Instant::now(), cpu_seconds());
    let (model, report) = train(&labels, &TrainOptions { kfold: 0, ..TrainOptions::new(EMBEDDER) }).unwrap();
    println!(
        "train on 5000 labels (final model only): {:.1} s, CPU {:.1} s ({} epochs, {} parameters)",
        t.elapsed().as_secs_f64(),
        cpu_seconds() - cpu,
        report.epochs,
        report.parameters
    );
    let folds = !std::env::args().any(|a| a == "--no-folds");
    let (t, cpu) = (Instant::now(), cpu_seconds());
    let (_, report5) =
        if folds { train(&labels, &TrainOptions { kfold: 5, ..TrainOptions::new(EMBEDDER) }).unwrap() } else { (model.clone(), report) };
    let mean = |m: &Option<vrdndi_rank::MeanMetrics>| {
        m.as_ref().map_or("-".into(), |m| format!("F1 {:.3} AUC {:.3}", m.f1, m.auc.unwrap_or(f64::NAN)))
    };
    if folds {
        println!(
            "train on 5000 labels with 5 time-ordered folds: {:.1} s, CPU {:.1} s (interest {}, productive {})",
            t.elapsed().as_secs_f64(),
            cpu_seconds() - cpu,
            mean(&report5.mean.interest),
            mean(&report5.mean.productive)
        );
    }

    let trained = Ranker::cold_start(EMBEDDER).with_background(&background).unwrap().with_model(model).unwrap();
    let (p50, p90, cpu) = slate_timings(&trained, &profile, &context, &slate, 200);
    println!("48-tile slate, trained model + cold start: p50 {p50:.2} ms, p90 {p90:.2} ms, CPU {cpu:.2} ms");

    let many: Vec<Candidate> = (0..10_000).map(|i| world.candidate(i % 24, 10_000 + i)).collect();
    for (name, ranker) in [("cold start", &cold), ("trained model + cold start", &trained)] {
        let (t, cpu) = (Instant::now(), cpu_seconds());
        let scores = ranker.score(&profile, &context, &many, &Preferences::default()).unwrap();
        assert_eq!(scores.len(), many.len());
        println!(
            "10000 candidates, {name} (model part, embeddings cached): {:.2} s, CPU {:.2} s",
            t.elapsed().as_secs_f64(),
            cpu_seconds() - cpu
        );
    }
}
