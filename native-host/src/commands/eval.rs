//! `vrdndi eval takeout PATH... [--split DATE|FRACTION] [--negatives FILE...] [--json] [--plot FILE.svg]
//! [--max-days N] [--seed S]` and `vrdndi eval context EXPORT.json --labels FILE`: offline
//! evaluation against baselines (see the `vrdndi-eval` crate and EVALUATION.md).
//!
//! Evaluation reads files only: no daemon and no store, so it can run beside a live host. It
//! loads its own embedder (the chosen model) and caches vectors under the data dir, keyed by the
//! model, so a second run embeds nothing. Only at the end does it hand its table to the daemon
//! ([`keep`]), for the "what the model learned" page.

mod keep;

use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::Context as _;
use vrdndi_embed::{Embedder, EmbedderOptions, Precision};
use vrdndi_eval::{
    context, plot, run_takeout, Embeddings, History, Negatives, Pool, Progress, Split, Summary, TakeoutOptions, DEFAULT_CURVE,
};

use crate::config::{Config, Device};
use crate::output;

#[derive(Debug, clap::Args)]
pub struct EvalArgs {
    #[command(subcommand)]
    pub what: EvalCommand,
}

#[derive(Debug, clap::Subcommand)]
pub enum EvalCommand {
    /// Replay Takeout watch histories day by day and rank each day's slate with every method
    Takeout(TakeoutArgs),
    /// How well the context-aware score separates on-task from off-task videos
    Context(ContextArgs),
}

#[derive(Debug, clap::Args)]
pub struct TakeoutArgs {
    /// Takeouts to evaluate, one person each (a .zip, a folder or a watch-history file)
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Where training ends: a date (2021-06-01, UTC) or the share of watches that train (0.8)
    #[arg(long, default_value = "0.8", value_parser = parse_split)]
    pub split: Split,
    /// Where negatives come from: trending CSVs, or Takeouts of people not evaluated
    /// [default: the other evaluated people's watches]
    #[arg(long, value_name = "FILE", num_args = 1..)]
    pub negatives: Vec<PathBuf>,
    /// Sampled negatives per slate
    #[arg(long, default_value_t = vrdndi_eval::DEFAULT_PER_SLATE)]
    pub per_slate: usize,
    /// Only the first N test days after the split (keeps runs short)
    #[arg(long, value_name = "N")]
    pub max_days: Option<usize>,
    /// Seed of negative draws, the random baseline, training and the bootstrap
    #[arg(long, default_value_t = 7)]
    pub seed: u64,
    /// Bootstrap resamples per interval
    #[arg(long, default_value_t = vrdndi_eval::DEFAULT_RESAMPLES)]
    pub resamples: usize,
    /// Print the report as JSON
    #[arg(long)]
    pub json: bool,
    /// Write the cold-start curve (nDCG@10 against history size) to this SVG file
    #[arg(long, value_name = "FILE.svg")]
    pub plot: Option<PathBuf>,
    /// History sizes of the cold-start curve [default with --plot: 50,100,200,500,1000]
    #[arg(long, value_delimiter = ',', value_name = "N,N,...")]
    pub curve: Option<Vec<usize>>,
    /// Leave out the learned model (no training)
    #[arg(long)]
    pub no_learned: bool,
    /// Embed with the int8 model (about twice as fast on CPU; needs model.int8.onnx)
    #[arg(long)]
    pub int8: bool,
    /// Where embeddings are cached [default: DATA_DIR/cache/eval-embeddings]
    #[arg(long, value_name = "DIR")]
    pub cache_dir: Option<PathBuf>,
    /// Also fit the product's interest prior on every person's validation days and print it
    #[arg(long, hide = true)]
    pub fit_prior: bool,
    /// Give every method the test day's own watches (proves the leak check catches a leak)
    #[arg(long, hide = true)]
    pub plant_leak: bool,
}

#[derive(Debug, clap::Args)]
pub struct ContextArgs {
    /// An ActivityWatch "export all buckets" file
    #[arg(value_name = "EXPORT.json")]
    pub export: PathBuf,
    /// JSON lines of labelled videos (see EVALUATION.md for the format)
    #[arg(long, value_name = "FILE")]
    pub labels: PathBuf,
    /// Read this host's buckets [default: the host with the newest data]
    #[arg(long, value_name = "NAME")]
    pub host: Option<String>,
    /// The person's offset from UTC in hours at the labels' times (for working hours)
    #[arg(long, default_value_t = 0, allow_negative_numbers = true, value_name = "HOURS")]
    pub utc_offset: i32,
    /// Seed of the bootstrap
    #[arg(long, default_value_t = 7)]
    pub seed: u64,
    /// Bootstrap resamples per interval
    #[arg(long, default_value_t = vrdndi_eval::DEFAULT_RESAMPLES)]
    pub resamples: usize,
    /// Minutes of activity before each label that form its context [default: the daemon's window]
    #[arg(long, value_name = "MINUTES", value_parser = clap::value_parser!(u32).range(1..=24 * 60))]
    pub lookback_minutes: Option<u32>,
    /// Print the report as JSON
    #[arg(long)]
    pub json: bool,
    /// Embed with the int8 model (about twice as fast on CPU; needs model.int8.onnx)
    #[arg(long)]
    pub int8: bool,
    /// Where embeddings are cached [default: DATA_DIR/cache/eval-embeddings]
    #[arg(long, value_name = "DIR")]
    pub cache_dir: Option<PathBuf>,
}

fn parse_split(text: &str) -> Result<Split, String> {
    text.parse()
}

pub fn run(config: &Config, args: EvalArgs) -> anyhow::Result<()> {
    match args.what {
        EvalCommand::Takeout(args) => takeout(config, args),
        EvalCommand::Context(args) => context_command(config, args),
    }
}

/// Progress on stderr, so stdout stays the report.
struct Stderr {
    last: Instant,
    started: Instant,
}

impl Progress for Stderr {
    fn stage(&mut self, message: &str) {
        eprintln!("[{:>6.1}s] {message}", self.started.elapsed().as_secs_f64());
    }

    fn embedded(&mut self, done: usize, total: usize) {
        if self.last.elapsed().as_secs_f64() >= 5.0 || done == total {
            self.last = Instant::now();
            eprintln!("[{:>6.1}s] embedded {done}/{total}", self.started.elapsed().as_secs_f64());
        }
    }
}

fn embedder(config: &Config, int8: bool) -> anyhow::Result<Embedder> {
    let model = vrdndi_embed::read_choice(&config.data_dir).context("reading the chosen embedding model")?;
    let device = match config.device {
        Device::Auto => vrdndi_embed::Device::Auto,
        Device::Cpu => vrdndi_embed::Device::Cpu,
        Device::Cuda => vrdndi_embed::Device::Cuda,
    };
    let options = EmbedderOptions::new(model)
        .with_data_dir(&config.data_dir)
        .with_models_dir(&config.models_dir)
        .with_device(device)
        .with_precision(if int8 { Precision::Int8 } else { Precision::Full });
    Embedder::new(options).context("loading the embedding model")
}

fn cache(config: &Config, dir: Option<&Path>, key: &str) -> anyhow::Result<Embeddings> {
    let dir = dir.map_or_else(|| config.data_dir.join("cache").join("eval-embeddings"), Path::to_path_buf);
    Ok(Embeddings::open(&dir, key)?)
}

fn takeout(config: &Config, args: TakeoutArgs) -> anyhow::Result<()> {
    let started = Instant::now();
    let mut progress = Stderr { last: Instant::now(), started };
    progress.stage("reading histories and negatives");
    let histories = args.paths.iter().map(|p| History::load(p)).collect::<Result<Vec<History>, _>>()?;
    let pool = if args.negatives.is_empty() { None } else { Some(Pool::load(&args.negatives, args.seed)?) };
    let embedder = embedder(config, args.int8)?;
    let mut embeddings = cache(config, args.cache_dir.as_deref(), embedder.model_key())?;
    let curve = match (&args.curve, &args.plot) {
        (Some(sizes), _) => sizes.clone(),
        (None, Some(_)) => DEFAULT_CURVE.to_vec(),
        (None, None) => Vec::new(),
    };
    let options = TakeoutOptions {
        split: args.split,
        per_slate: args.per_slate,
        max_days: args.max_days,
        seed: args.seed,
        resamples: args.resamples,
        learned: !args.no_learned,
        curve,
        fit_prior: args.fit_prior,
        plant_leak: args.plant_leak,
        ..TakeoutOptions::default()
    };
    let load_s = started.elapsed().as_secs_f64();
    let negatives = pool.as_ref().map_or(Negatives::OtherPeople, Negatives::Pool);
    let report = run_takeout(histories, negatives, &embedder, &mut embeddings, &options, &mut progress)?;
    if let Some(path) = &args.plot {
        let curve = report.curve.as_ref().context("the curve was not computed")?;
        let users: Vec<&str> = report.users.iter().map(|u| u.user.as_str()).collect();
        let title = format!("Cold start: nDCG@10 by history size ({})", users.join(", "));
        plot::write_curve(path, curve, &report.method_order, &title)?;
        progress.stage(&format!("wrote {}", path.display()));
    }
    // A planted leak's numbers are a check of the check, not an evaluation to show.
    if !args.plant_leak {
        let shown = |paths: &[PathBuf]| paths.iter().map(|p| p.display().to_string()).collect::<Vec<_>>();
        let summary = Summary::from_takeout(&report, &shown(&args.paths), &shown(&args.negatives), chrono::Utc::now());
        kept(config, &summary, &mut progress);
    }
    if args.json {
        output::json(&report)?;
    } else {
        output::line(report.to_text().trim_end());
        output::line(format!("reading inputs and loading the model took {load_s:.1}s"));
    }
    Ok(())
}

fn context_command(config: &Config, args: ContextArgs) -> anyhow::Result<()> {
    let started = Instant::now();
    let mut progress = Stderr { last: Instant::now(), started };
    let embedder = embedder(config, args.int8)?;
    let mut embeddings = cache(config, args.cache_dir.as_deref(), embedder.model_key())?;
    let utc_offset = chrono::FixedOffset::east_opt(args.utc_offset * 3600)
        .with_context(|| format!("--utc-offset {} is not an offset in hours", args.utc_offset))?;
    let options = context::ContextOptions {
        host: args.host,
        utc_offset,
        seed: args.seed,
        resamples: args.resamples,
        lookback: args.lookback_minutes.map_or(vrdndi_rank::DEFAULT_LOOKBACK, |m| chrono::Duration::minutes(i64::from(m))),
        ..context::ContextOptions::default()
    };
    let report = context::run_context(&args.export, &args.labels, &embedder, &mut embeddings, &options, &mut progress)?;
    kept(config, &Summary::from_context(&report, options.level, options.resamples, options.seed, chrono::Utc::now()), &mut progress);
    if args.json {
        output::json(&report)
    } else {
        output::line(report.to_text());
        Ok(())
    }
}

/// Keeps the table for the "what the model learned" page; failing to is only a warning.
fn kept(config: &Config, summary: &Summary, progress: &mut Stderr) {
    match keep::keep(config, summary) {
        Ok(()) => progress.stage("kept this table for the \"what the model learned\" page"),
        Err(e) => progress.stage(&format!("warning: this table is not kept for the \"what the model learned\" page: {e:#}")),
    }
}
