//! `vrdndi eval takeout`: plans every user's slates, embeds what is needed once, trains the
//! learned model at each split, lets every method rank every slate from the same past, and
//! summarises with bootstrap intervals.
//!
//! The past a method sees for day `d` is `watches[..d.history_end]` (everything before the day's
//! start), so the profile grows day by day for every method; the learned model alone is fitted
//! once at the split (see `learned`). The cold-start curve repeats the run with only the last N
//! watches before each day (and a model fitted on the last N before the split).

use std::collections::{BTreeMap, HashSet};
use std::time::Instant;

use chrono::{DateTime, Utc};
use vrdndi_rank::{video_text, Candidate, Ranker};

use crate::bootstrap::Resampler;
use crate::embeddings::{Embeddings, Kind, TextEmbedder};
use crate::error::{EvalError, Result};
use crate::history::History;
use crate::leak::LeakCheck;
use crate::learned::{self, Example, TrainSummary};
use crate::methods::{Centroid, ChannelAffinity, ItemKnn, Method, Past, Popularity, Random, Recency, Vrdndi};
use crate::metrics::{evaluate, SlateMetrics};
use crate::pool::Pool;
use crate::report::{Comparison, Curve, CurvePoint, MethodMetrics, PoolSummary, Report, Timings, UserReport};
use crate::slates::{self, mix, Slate, Split, TestDay};

/// The cut-off of nDCG and Recall.
pub const K: usize = 10;
/// Negatives per slate by default.
pub const DEFAULT_PER_SLATE: usize = 50;
/// History sizes of the cold-start curve by default (then "all").
pub const DEFAULT_CURVE: [usize; 5] = [50, 100, 200, 500, 1000];
/// The methods, in table order.
pub const METHODS: [&str; 8] = ["random", "popularity", "recency", "channel", "centroid", "item-knn", "vrdndi-cold", "vrdndi-learned"];
const BASELINES: [&str; 6] = ["random", "popularity", "recency", "channel", "centroid", "item-knn"];

/// Settings of a run; see [`TakeoutOptions::default`].
#[derive(Debug, Clone, PartialEq)]
pub struct TakeoutOptions {
    pub split: Split,
    pub per_slate: usize,
    /// Only the first N test days after the split.
    pub max_days: Option<usize>,
    pub seed: u64,
    pub resamples: usize,
    pub level: f64,
    /// Train and rank with the learned model too.
    pub learned: bool,
    pub negatives_per_positive: usize,
    /// History sizes for the cold-start curve; empty = no curve.
    pub curve: Vec<usize>,
    /// Gives every method the test day's own watches too. Only for proving that the leak check
    /// catches a leak; never meaningful results.
    #[doc(hidden)]
    pub plant_leak: bool,
}

impl Default for TakeoutOptions {
    /// Split at 80% of watches, 50 negatives per slate, all test days, seed 7, 1000 resamples,
    /// 95% intervals, the learned model with 2 negatives per positive, no curve.
    fn default() -> Self {
        TakeoutOptions {
            split: Split::default(),
            per_slate: DEFAULT_PER_SLATE,
            max_days: None,
            seed: 7,
            resamples: crate::bootstrap::DEFAULT_RESAMPLES,
            level: crate::bootstrap::DEFAULT_LEVEL,
            learned: true,
            negatives_per_positive: learned::DEFAULT_NEGATIVES_PER_POSITIVE,
            curve: Vec::new(),
            plant_leak: false,
        }
    }
}

/// Hooks for a person watching a long run.
pub trait Progress {
    fn stage(&mut self, _message: &str) {}
    fn embedded(&mut self, _done: usize, _total: usize) {}
}

/// Reports nothing.
pub struct Quiet;
impl Progress for Quiet {}

/// One user's plan.
struct Plan {
    history: History,
    split: DateTime<Utc>,
    train_end: usize,
    days: Vec<TestDay>,
    slates: Vec<Slate>,
    /// Per curve size (None = all), the training examples.
    training: Vec<(Option<usize>, Vec<Example>)>,
}

/// Runs the evaluation of `histories` against negatives from `pool`.
pub fn run_takeout(
    histories: Vec<History>,
    pool: &Pool,
    embedder: &dyn TextEmbedder,
    embeddings: &mut Embeddings,
    options: &TakeoutOptions,
    progress: &mut dyn Progress,
) -> Result<Report> {
    let started = Instant::now();
    if options.per_slate == 0 {
        return Err(EvalError::InvalidOption("--per-slate must be at least 1 (AUC needs negatives)".into()));
    }
    if histories.is_empty() {
        return Err(EvalError::InvalidOption("no history to evaluate".into()));
    }
    let test_half = pool.half(true);
    let train_half = pool.half(false);
    let sizes: Vec<Option<usize>> = std::iter::once(None).chain(options.curve.iter().copied().map(Some)).collect();

    progress.stage("planning slates");
    let mut plans = Vec::with_capacity(histories.len());
    for history in histories {
        let split = slates::split_time(&history, options.split)?;
        let days = slates::test_days(&history, split, options.max_days);
        if days.is_empty() {
            return Err(EvalError::Split(format!("{}: no video is first watched on or after {split}", history.name)));
        }
        let slates = days
            .iter()
            .map(|d| slates::slate(&history, d, pool, &test_half, options.per_slate, options.seed))
            .collect::<Result<Vec<Slate>>>()?;
        let train_end = history.before(split);
        let training = if options.learned {
            sizes
                .iter()
                .map(|&n| {
                    let start = n.map_or(0, |n| train_end.saturating_sub(n));
                    let past = &history.watches[start..train_end];
                    let seed = options.seed ^ n.unwrap_or(0) as u64;
                    (n, learned::plan(&history.name, past, pool, &train_half, options.negatives_per_positive, seed))
                })
                .collect()
        } else {
            Vec::new()
        };
        plans.push(Plan { history, split, train_end, days, slates, training });
    }
    let plan_s = started.elapsed().as_secs_f64();

    // Every text any method will need, embedded once.
    let mut texts: Vec<String> = Vec::new();
    for plan in &plans {
        let last = plan.days.iter().map(|d| if options.plant_leak { d.day_end } else { d.history_end }).max().unwrap_or(0);
        texts.extend(plan.history.watches[..last].iter().map(|w| video_text(&w.video)));
        texts.extend(plan.slates.iter().flat_map(|s| s.videos.iter().map(video_text)));
        texts.extend(plan.training.iter().flat_map(|(_, ex)| ex.iter().map(|e| video_text(&e.video))));
    }
    progress.stage(&format!("embedding {} titles (cached ones are skipped)", texts.len()));
    let embed = embeddings.ensure(embedder, Kind::Passage, texts, &mut |done, total| progress.embedded(done, total))?;
    let embeddings: &Embeddings = embeddings;

    let mut leak = LeakCheck::default();
    let mut train_s = 0.0;
    let mut score_s: BTreeMap<String, f64> = BTreeMap::new();
    let mut curve_s = 0.0;
    // [size][user][method] -> per-day metrics
    let mut results: Vec<Vec<Vec<Vec<SlateMetrics>>>> = vec![Vec::new(); sizes.len()];
    let mut summaries: Vec<Option<TrainSummary>> = Vec::new();
    let mut method_order: Vec<String> = Vec::new();

    for plan in &plans {
        let mut user_summary = None;
        // Looked up once per user: the embedding of each watch (as far as any day reaches), and
        // each slate's candidates.
        let reach = plan.slates.iter().map(|s| if options.plant_leak { s.day.day_end } else { s.day.history_end }).max().unwrap_or(0);
        let vectors = plan.history.watches[..reach]
            .iter()
            .map(|w| embeddings.get(Kind::Passage, &video_text(&w.video)).ok_or_else(|| missing(&w.video.video_id)))
            .collect::<Result<Vec<&[f32]>>>()?;
        let slate_candidates = plan
            .slates
            .iter()
            .map(|slate| {
                slate
                    .videos
                    .iter()
                    .map(|v| {
                        let embedding = embeddings.get(Kind::Passage, &video_text(v)).ok_or_else(|| missing(&v.video_id))?;
                        Ok(Candidate { video: v.clone(), embedding: embedding.to_vec() })
                    })
                    .collect::<Result<Vec<Candidate>>>()
            })
            .collect::<Result<Vec<Vec<Candidate>>>>()?;
        for (s, &size) in sizes.iter().enumerate() {
            let size_started = Instant::now();
            let mut methods: Vec<Box<dyn Method + '_>> = vec![
                Box::new(Random),
                Box::new(Popularity { pool }),
                Box::new(Recency),
                Box::new(ChannelAffinity),
                Box::new(Centroid),
                Box::new(ItemKnn::default()),
                Box::new(Vrdndi::new("vrdndi-cold", Ranker::cold_start(embeddings.key()))),
            ];
            if let Some((_, examples)) = plan.training.iter().find(|(n, _)| *n == size) {
                progress.stage(&format!(
                    "{}: training the learned model on {} examples{}",
                    plan.history.name,
                    examples.len(),
                    size.map_or(String::new(), |n| format!(" (last {n} watches)"))
                ));
                if size.is_none() {
                    leak.check_training(examples, plan.split, &plan.slates);
                }
                let (model, summary) = learned::fit(examples, embeddings, options.seed)?;
                train_s += summary.seconds;
                if size.is_none() {
                    user_summary = Some(summary);
                }
                methods.push(Box::new(Vrdndi::new("vrdndi-learned", Ranker::cold_start(embeddings.key()).with_model(model)?)));
            }
            if method_order.is_empty() {
                method_order = methods.iter().map(|m| m.name().to_owned()).collect();
            }
            progress.stage(&format!(
                "{}: ranking {} slates{}",
                plan.history.name,
                plan.slates.len(),
                size.map_or(String::new(), |n| format!(" with the last {n} watches"))
            ));
            let mut per_method: Vec<Vec<SlateMetrics>> = vec![Vec::new(); methods.len()];
            for (slate, candidates) in plan.slates.iter().zip(&slate_candidates) {
                let day = &slate.day;
                let end = if options.plant_leak { day.day_end } else { day.history_end };
                let start = size.map_or(0, |n| end.saturating_sub(n));
                let past = Past::new(day.start, &plan.history.watches[start..end], &vectors[start..end])?;
                if size.is_none() {
                    let watched: HashSet<&str> = plan.history.watches[..day.day_end].iter().map(|w| w.video.video_id.as_str()).collect();
                    leak.check_slate(&past, slate, &watched);
                }
                let seed = mix(options.seed, &plan.history.name, day.start.timestamp());
                for (m, method) in methods.iter().enumerate() {
                    let t = Instant::now();
                    let scores = method.score(&past, candidates, seed)?;
                    if size.is_none() {
                        *score_s.entry(method.name().to_owned()).or_default() += t.elapsed().as_secs_f64();
                    }
                    let metrics = evaluate(&scores, &slate.relevant, K)
                        .ok_or_else(|| EvalError::InvalidOption(format!("{} returned a wrong number of scores", method.name())))?;
                    per_method[m].push(metrics);
                }
            }
            results[s].push(per_method);
            if size.is_some() {
                curve_s += size_started.elapsed().as_secs_f64();
            }
        }
        summaries.push(user_summary);
    }

    // Intervals: per user, then averaged over users with a bootstrap stratified by user.
    let day_counts: Vec<usize> = plans.iter().map(|p| p.slates.len()).collect();
    let resampler_all = Resampler::new(&day_counts, options.resamples, options.level, options.seed);
    let pick_ndcg = |m: &SlateMetrics| m.ndcg;
    let mut users = Vec::with_capacity(plans.len());
    for (u, plan) in plans.iter().enumerate() {
        let resampler = Resampler::new(&[day_counts[u]], options.resamples, options.level, mix(options.seed, &plan.history.name, 0));
        let per_method = &results[0][u];
        let methods = summarise(&method_order, &[per_method], &resampler);
        let comparisons = compare(&method_order, &[per_method], &resampler, pick_ndcg);
        let train_watches = plan.train_end;
        let train_videos: HashSet<&str> = plan.history.watches[..plan.train_end].iter().map(|w| w.video.video_id.as_str()).collect();
        users.push(UserReport {
            user: plan.history.name.clone(),
            split: plan.split,
            train_watches,
            train_videos: train_videos.len(),
            test_days: plan.days.len(),
            first_test_day: plan.days.first().map(|d| d.start),
            last_test_day: plan.days.last().map(|d| d.start),
            positives: plan.days.iter().map(|d| d.positives.len()).sum(),
            negatives_per_slate: options.per_slate,
            methods,
            comparisons,
            learned: summaries[u].clone(),
            left_out: plan.history.left.clone(),
        });
    }
    let all_users: Vec<&Vec<Vec<SlateMetrics>>> = results[0].iter().collect();
    let methods = summarise(&method_order, &all_users, &resampler_all);
    let comparisons = compare(&method_order, &all_users, &resampler_all, pick_ndcg);

    let curve = (sizes.len() > 1).then(|| {
        let mut points: Vec<CurvePoint> = sizes
            .iter()
            .enumerate()
            .map(|(s, &size)| {
                let per_user: Vec<&Vec<Vec<SlateMetrics>>> = results[s].iter().collect();
                let methods = method_order
                    .iter()
                    .enumerate()
                    .filter_map(|(m, name)| {
                        let groups: Vec<Vec<f64>> =
                            per_user.iter().map(|u| u.get(m).map(|d| d.iter().map(pick_ndcg).collect()).unwrap_or_default()).collect();
                        let refs: Vec<&[f64]> = groups.iter().map(Vec::as_slice).collect();
                        resampler_all.interval_of_groups(&refs).map(|i| (name.clone(), i))
                    })
                    .collect();
                CurvePoint { events: size, methods }
            })
            .collect();
        // "all" last, after the sizes in increasing order.
        points.rotate_left(1);
        Curve { metric: "ndcg@10".into(), points }
    });

    Ok(Report {
        k: K,
        seed: options.seed,
        resamples: options.resamples,
        level: options.level,
        method_order,
        methods,
        comparisons,
        users,
        curve,
        leak_check: leak,
        pool: PoolSummary { videos: pool.len(), test_half: test_half.len(), train_half: train_half.len(), sources: pool.sources.clone() },
        timings: Timings { plan_s, embed, train_s, score_s, curve_s, total_s: started.elapsed().as_secs_f64() },
    })
}

fn missing(video_id: &str) -> EvalError {
    EvalError::InvalidOption(format!("no embedding for video {video_id} (a bug: every needed text is embedded first)"))
}

/// Per method, the four metrics' intervals over the users' days.
fn summarise(order: &[String], users: &[&Vec<Vec<SlateMetrics>>], resampler: &Resampler) -> BTreeMap<String, MethodMetrics> {
    let mut out = BTreeMap::new();
    for (m, name) in order.iter().enumerate() {
        let interval = |pick: &dyn Fn(&SlateMetrics) -> f64| {
            let groups: Vec<Vec<f64>> = users.iter().map(|u| u.get(m).map(|d| d.iter().map(pick).collect()).unwrap_or_default()).collect();
            let refs: Vec<&[f64]> = groups.iter().map(Vec::as_slice).collect();
            resampler.interval_of_groups(&refs)
        };
        let (Some(ndcg), Some(recall), Some(mrr), Some(auc)) =
            (interval(&|s| s.ndcg), interval(&|s| s.recall), interval(&|s| s.mrr), interval(&|s| s.auc.unwrap_or(0.5)))
        else {
            continue;
        };
        out.insert(name.clone(), MethodMetrics { ndcg, recall, mrr, auc });
    }
    out
}

/// Each Vrdndi method against each baseline, paired by day.
fn compare(
    order: &[String],
    users: &[&Vec<Vec<SlateMetrics>>],
    resampler: &Resampler,
    pick: impl Fn(&SlateMetrics) -> f64,
) -> Vec<Comparison> {
    let index = |name: &str| order.iter().position(|n| n == name);
    let mut out = Vec::new();
    for model in ["vrdndi-cold", "vrdndi-learned"] {
        let Some(mi) = index(model) else { continue };
        for baseline in BASELINES {
            let Some(bi) = index(baseline) else { continue };
            let groups: Vec<Vec<f64>> = users.iter().map(|u| u[mi].iter().zip(&u[bi]).map(|(a, b)| pick(a) - pick(b)).collect()).collect();
            let refs: Vec<&[f64]> = groups.iter().map(Vec::as_slice).collect();
            if let Some(ndcg_difference) = resampler.interval_of_groups(&refs) {
                out.push(Comparison { model: model.into(), baseline: baseline.into(), ndcg_difference });
            }
        }
    }
    out
}
