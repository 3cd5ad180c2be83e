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

use chrono::Offset;
use chrono::{DateTime, Utc};
use vrdndi_rank::{video_text, Candidate, Context, InterestWeights, Ranker};

use crate::bootstrap::Resampler;
use crate::embeddings::{Embeddings, Kind, TextEmbedder};
use crate::error::{EvalError, Result};
use crate::history::History;
use crate::leak::LeakCheck;
use crate::learned::{self, Example, TrainSummary};
use crate::methods::{logistic, Centroid, ChannelAffinity, ItemKnn, LogisticBlend, Method, Past, Popularity, Random, Recency, Vrdndi};
use crate::metrics::{evaluate, SlateMetrics};
use crate::pool::Pool;
use crate::report::{Comparison, Curve, CurvePoint, FittedPrior, MethodMetrics, PoolSummary, Report, Timings, UserReport};
use crate::slates::{self, mix, Slate, Split, TestDay};

/// Seeds validation slates apart from test slates.
const VALIDATION_SEED: u64 = 0x5641_4c49_4441_5445;

/// The cut-off of nDCG and Recall.
pub const K: usize = 10;
/// Negatives per slate by default.
pub const DEFAULT_PER_SLATE: usize = 50;
/// History sizes of the cold-start curve by default (then "all").
pub const DEFAULT_CURVE: [usize; 5] = [50, 100, 200, 500, 1000];
/// The methods, in table order.
pub const METHODS: [&str; 9] =
    ["random", "popularity", "recency", "channel", "centroid", "item-knn", "logistic", "vrdndi-cold", "vrdndi-learned"];
const BASELINES: [&str; 7] = ["random", "popularity", "recency", "channel", "centroid", "item-knn", "logistic"];
/// Validation days (for fitted weights) start at this share of the watches before the split.
pub const VALIDATION_START: f64 = 0.75;

/// Where each person's negatives come from.
#[derive(Debug, Clone, Copy)]
pub enum Negatives<'p> {
    /// One pool for everyone (trending lists, or any files given).
    Pool(&'p Pool),
    /// The other evaluated people's watches: real, in-domain, hard.
    OtherPeople,
}

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
    /// Also fits the interest prior (the product's weights over its features) on every person's
    /// validation days, pooled, and reports it.
    pub fit_prior: bool,
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
            fit_prior: false,
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
    /// Where this person's negatives come from.
    pool: Pool,
    /// Slates of the days between the validation start and the split, negatives from the pool's
    /// training half: what fitted weights are fitted on.
    validation: Vec<Slate>,
}

/// Runs the evaluation of `histories` against `negatives`.
pub fn run_takeout(
    histories: Vec<History>,
    negatives: Negatives<'_>,
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
    let sizes: Vec<Option<usize>> = std::iter::once(None).chain(options.curve.iter().copied().map(Some)).collect();

    progress.stage("planning slates");
    let pools: Vec<Pool> = match negatives {
        Negatives::Pool(pool) => vec![pool.clone(); histories.len()],
        Negatives::OtherPeople => {
            if histories.len() < 2 {
                return Err(EvalError::InvalidOption(
                    "negatives from other people need at least two histories; give more Takeouts or --negatives FILE".into(),
                ));
            }
            (0..histories.len())
                .map(|u| {
                    let mut pool = Pool::new(options.seed);
                    for (o, other) in histories.iter().enumerate().filter(|&(o, _)| o != u) {
                        let summary = pool.add_history(other, std::path::Path::new(&histories[o].name));
                        pool.sources.push(summary);
                    }
                    pool.count_people(&histories);
                    pool
                })
                .collect()
        }
    };
    let mut plans = Vec::with_capacity(histories.len());
    for (history, pool) in histories.into_iter().zip(pools) {
        let test_half = pool.half(true);
        let train_half = pool.half(false);
        let split = slates::split_time(&history, options.split)?;
        let days = slates::test_days(&history, split, options.max_days);
        if days.is_empty() {
            return Err(EvalError::Split(format!("{}: no video is first watched on or after {split}", history.name)));
        }
        let slates = days
            .iter()
            .map(|d| slates::slate(&history, d, &pool, &test_half, options.per_slate, options.seed))
            .collect::<Result<Vec<Slate>>>()?;
        let validation = match slates::validation_start(&history, split, VALIDATION_START) {
            Some(start) => slates::test_days(&history, start, None)
                .into_iter()
                .filter(|d| d.start < split)
                .map(|d| slates::slate(&history, &d, &pool, &train_half, options.per_slate, options.seed ^ VALIDATION_SEED))
                .collect::<Result<Vec<Slate>>>()?,
            None => Vec::new(),
        };
        let train_end = history.before(split);
        let training = if options.learned {
            sizes
                .iter()
                .map(|&n| {
                    let start = n.map_or(0, |n| train_end.saturating_sub(n));
                    let past = &history.watches[start..train_end];
                    let seed = options.seed ^ n.unwrap_or(0) as u64;
                    (n, learned::plan(&history.name, past, &pool, &train_half, options.negatives_per_positive, seed))
                })
                .collect()
        } else {
            Vec::new()
        };
        plans.push(Plan { history, split, train_end, days, slates, training, pool, validation });
    }
    let plan_s = started.elapsed().as_secs_f64();

    // Every text any method will need, embedded once.
    let mut texts: Vec<String> = Vec::new();
    for plan in &plans {
        let last = plan.days.iter().map(|d| if options.plant_leak { d.day_end } else { d.history_end }).max().unwrap_or(0);
        texts.extend(plan.history.watches[..last].iter().map(|w| video_text(&w.video)));
        texts.extend(plan.slates.iter().chain(&plan.validation).flat_map(|s| s.videos.iter().map(video_text)));
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
    // The product's features on every person's validation days ([person][slate][row]), for fitting
    // the prior: pooled, and for each person without them (what a person the prior never saw gets).
    let mut prior_slates: Vec<Vec<Vec<(Vec<f64>, bool)>>> = Vec::new();
    if options.fit_prior {
        progress.stage("fitting the interest prior on the validation days");
        let product = Ranker::cold_start(embeddings.key());
        for plan in &plans {
            let reach = plan.validation.iter().map(|s| s.day.history_end).max().unwrap_or(0);
            let vectors = watch_vectors(&plan.history.watches[..reach], embeddings)?;
            let mut slates = Vec::new();
            for (slate, candidates) in plan.validation.iter().zip(candidates_of(&plan.validation, embeddings)?) {
                let end = slate.day.history_end;
                let past = Past::new(slate.day.start, &plan.history.watches[..end], &vectors[..end])?;
                let profile = Vrdndi::profile(&past)?;
                let features = product.features(&profile, &Context::empty(past.at, Utc.fix()), &candidates)?;
                slates.push(
                    features.iter().zip(&slate.relevant).map(|(x, &y)| (x.iter().map(|&v| f64::from(v)).collect(), y)).collect::<Vec<_>>(),
                );
            }
            prior_slates.push(slates);
        }
    }
    let unseen_priors: Vec<Option<FittedPrior>> =
        (0..prior_slates.len()).map(|u| fit_prior(&rows_without(&prior_slates, Some(u)))).collect();

    for (u, plan) in plans.iter().enumerate() {
        let mut user_summary = None;
        // Looked up once per user: the embedding of each watch (as far as any day reaches), and
        // each slate's candidates.
        let reach = plan.slates.iter().map(|s| if options.plant_leak { s.day.day_end } else { s.day.history_end }).max().unwrap_or(0);
        let vectors = watch_vectors(&plan.history.watches[..reach], embeddings)?;
        let slate_candidates = candidates_of(&plan.slates, embeddings)?;
        let validation_candidates = candidates_of(&plan.validation, embeddings)?;
        let pool = &plan.pool;
        for (s, &size) in sizes.iter().enumerate() {
            let size_started = Instant::now();
            let past_of = |day: &TestDay, end: usize| {
                let start = size.map_or(0, |n| end.saturating_sub(n));
                Past::new(day.start, &plan.history.watches[start..end], &vectors[start..end])
            };
            // The baseline's weights, and the product's features when fitting the prior, from the
            // validation days only.
            let mut blend_rows: (Vec<Vec<f64>>, Vec<bool>) = (Vec::new(), Vec::new());
            let product = Ranker::cold_start(embeddings.key());
            for (slate, candidates) in plan.validation.iter().zip(&validation_candidates) {
                let past = past_of(&slate.day, slate.day.history_end)?;
                blend_rows.0.extend(logistic::features(&past, candidates, pool)?);
                blend_rows.1.extend(&slate.relevant);
            }
            let mut methods: Vec<Box<dyn Method + '_>> = vec![
                Box::new(Random),
                Box::new(Popularity { pool }),
                Box::new(Recency),
                Box::new(ChannelAffinity),
                Box::new(Centroid),
                Box::new(ItemKnn::default()),
                Box::new(LogisticBlend::fit(pool, &blend_rows.0, &blend_rows.1)),
                Box::new(Vrdndi::new("vrdndi-cold", product.clone())),
            ];
            // The same product, its prior fitted on the other people only: how the shipped prior
            // may carry to people it never saw.
            if let Some(Some(fitted)) = unseen_priors.get(u) {
                let weights = InterestWeights {
                    weights: fitted.weights.iter().map(|&w| w as f32).collect(),
                    bias: fitted.bias as f32,
                    source: "fitted without this person".into(),
                };
                methods.push(Box::new(Vrdndi::new("vrdndi-unseen", product.clone().with_interest(weights)?)));
            }
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
                let past = past_of(day, if options.plant_leak { day.day_end } else { day.history_end })?;
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
            negatives: PoolSummary {
                videos: plan.pool.len(),
                test_half: plan.pool.half(true).len(),
                train_half: plan.pool.half(false).len(),
                sources: plan.pool.sources.clone(),
            },
            validation_days: plan.validation.len(),
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
        timings: Timings { plan_s, embed, train_s, score_s, curve_s, total_s: started.elapsed().as_secs_f64() },
        prior: fit_prior(&rows_without(&prior_slates, None)).map(|mut p| {
            p.validation_unseen = validation_unseen(&unseen_priors, &prior_slates, &plans);
            p
        }),
    })
}

/// Every person's validation rows, pooled, leaving out person `except` when given.
fn rows_without(slates: &[Vec<Vec<(Vec<f64>, bool)>>], except: Option<usize>) -> Vec<(Vec<f64>, bool)> {
    slates.iter().enumerate().filter(|&(u, _)| Some(u) != except).flat_map(|(_, s)| s.iter().flatten().cloned()).collect()
}

/// The product's interest weights fitted on the pooled validation rows (lightly regularised).
fn fit_prior(rows: &[(Vec<f64>, bool)]) -> Option<FittedPrior> {
    let (x, y): (Vec<Vec<f64>>, Vec<bool>) = rows.iter().cloned().unzip();
    // Towards zero, but for what no Takeout can show (likes): that keeps its set weight.
    let fitted = vrdndi_rank::logistic::fit(&x, &y, &vrdndi_rank::interest::UNFITTED_PRIOR.map(f64::from), 1e-3, 1.0)?;
    Some(FittedPrior {
        features: vrdndi_rank::FEATURE_NAMES.iter().map(|s| (*s).to_owned()).collect(),
        weights: fitted.weights,
        bias: fitted.bias,
        rows: y.len(),
        positives: y.iter().filter(|&&p| p).count(),
        validation_unseen: Vec::new(),
    })
}

/// Per person, the nDCG@10 on their own validation days of the prior fitted on the others'
/// validation days: how the features and the fit carry to an unseen person, measured without
/// touching a test day (this is what feature choices are made on).
fn validation_unseen(unseen: &[Option<FittedPrior>], slates: &[Vec<Vec<(Vec<f64>, bool)>>], plans: &[Plan]) -> Vec<(String, f64)> {
    let mut out = Vec::new();
    for (u, plan) in plans.iter().enumerate() {
        let Some(Some(prior)) = unseen.get(u) else { continue };
        let model = vrdndi_rank::logistic::Logistic { weights: prior.weights.clone(), bias: prior.bias };
        let ndcgs: Vec<f64> = slates[u]
            .iter()
            .filter_map(|slate| {
                let scores: Vec<f64> = slate.iter().map(|(x, _)| model.logit(x)).collect();
                let relevant: Vec<bool> = slate.iter().map(|(_, y)| *y).collect();
                crate::metrics::ndcg_at(&scores, &relevant, K)
            })
            .collect();
        if !ndcgs.is_empty() {
            out.push((plan.history.name.clone(), ndcgs.iter().sum::<f64>() / ndcgs.len() as f64));
        }
    }
    out
}

/// The embedding of each watch's video.
fn watch_vectors<'e>(watches: &[crate::history::Watch], embeddings: &'e Embeddings) -> Result<Vec<&'e [f32]>> {
    watches.iter().map(|w| embeddings.get(Kind::Passage, &video_text(&w.video)).ok_or_else(|| missing(&w.video.video_id))).collect()
}

/// Each slate's candidates with their embeddings.
fn candidates_of(slates: &[Slate], embeddings: &Embeddings) -> Result<Vec<Vec<Candidate>>> {
    slates
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
        .collect()
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
    for model in ["vrdndi-cold", "vrdndi-unseen", "vrdndi-learned"] {
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
