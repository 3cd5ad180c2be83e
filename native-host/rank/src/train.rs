//! Training in Rust: class-balanced binary cross-entropy per head (labels absent on a head are
//! masked), AdamW, and time-ordered folds (train on the past, validate on the future; examples
//! are never shuffled across that line, and the normalisation is fitted on the past only).

use std::time::Instant;

use candle_core::{Device, Tensor};
use candle_nn::optim::{AdamW, Optimizer, ParamsAdamW};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::error::{RankError, Result};
use crate::features::{self, FeatureStats};
use crate::input::{check_dimension, check_vector, Candidate, Context};
use crate::metrics::{self, HeadMetrics, MeanMetrics};
use crate::model::{LabelCounts, Model};
use crate::net::NetConfig;
use crate::rng::Rng;

/// One labelled moment: a video, the context before the label was given (`context.at()` is the
/// time of the label), and what the person said. A head without a label is left out of its loss.
#[derive(Debug, Clone, PartialEq)]
pub struct Label {
    pub candidate: Candidate,
    pub context: Context,
    /// Like / "interesting" = true, dislike / "not interesting" = false.
    pub interest: Option<bool>,
    /// "Right time" = true, "not now" = false.
    pub productive: Option<bool>,
}

impl Label {
    pub fn at(&self) -> DateTime<Utc> {
        self.context.at()
    }
}

/// Training settings; see [`TrainOptions::new`] for the defaults.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrainOptions {
    /// The embedder key saved with the model.
    pub embedder: String,
    /// Time-ordered folds to report: 0 = none, 1 = one split (last 20% validates), k >= 2 =
    /// expanding-window folds (the labels cut into k+1 parts by time; fold i trains on parts
    /// 0..=i and validates on part i+1).
    pub kfold: usize,
    /// Passes over the labels; 0 = automatic (see `steps`).
    pub epochs: usize,
    /// With automatic epochs: about this many optimiser steps, so that a few hundred labels get
    /// as much training as thousands (4 to 60 passes).
    pub steps: usize,
    pub batch_size: usize,
    pub learning_rate: f64,
    pub weight_decay: f64,
    pub seed: u64,
    /// The network's shape; None = [`NetConfig::new`] for the labels' embedding width.
    pub net: Option<NetConfig>,
    /// Fewer labelled examples than this is [`RankError::NotEnoughData`].
    pub min_labels: usize,
}

impl TrainOptions {
    /// 5 folds, automatic epochs (about 250 steps), batch 64, AdamW lr 3e-3 (cosine to a tenth),
    /// weight decay 0.01, seed 7, at least 20 labels.
    pub fn new(embedder: impl Into<String>) -> Self {
        TrainOptions {
            embedder: embedder.into(),
            kfold: 5,
            epochs: 0,
            steps: 250,
            batch_size: 64,
            learning_rate: 3e-3,
            weight_decay: 0.01,
            seed: 7,
            net: None,
            min_labels: 20,
        }
    }
}

/// Validation of one fold.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FoldReport {
    pub fold: usize,
    pub train: usize,
    pub validate: usize,
    /// The last label time trained on; every validation label is later.
    pub train_until: DateTime<Utc>,
    pub validate_from: DateTime<Utc>,
    pub validate_until: DateTime<Utc>,
    pub interest: Option<HeadMetrics>,
    pub productive: Option<HeadMetrics>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HeadsMean {
    pub interest: Option<MeanMetrics>,
    pub productive: Option<MeanMetrics>,
}

/// What `vrdndi train` prints: per head, per fold and the mean.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrainReport {
    pub kfold: usize,
    pub labels: LabelCounts,
    /// Labels with neither head set, skipped.
    pub skipped: usize,
    pub folds: Vec<FoldReport>,
    pub mean: HeadsMean,
    /// Passes over the labels of the final model.
    pub epochs: usize,
    pub parameters: usize,
    /// Wall time of the whole run (folds and the final model).
    pub seconds: f64,
    /// Wall time of training the final model alone.
    pub final_seconds: f64,
    /// The model in use against this run's fold models, on the same validation labels; see
    /// [`train_against`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub against_current: Option<Comparison>,
}

/// Two models on the same labels, neither of which trained on them: the validation labels of this
/// run's folds that are newer than every label the model in use was trained on. Each label is
/// scored by the fold model that validated it (trained only on labels before it) and by the model
/// in use.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Comparison {
    /// Only labels after this time count (the newest label the model in use trained on).
    pub labels_after: DateTime<Utc>,
    /// How many labels both were scored on.
    pub labels: usize,
    pub interest: Option<HeadComparison>,
    pub productive: Option<HeadComparison>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HeadComparison {
    /// This run's fold models.
    pub new: HeadMetrics,
    /// The model in use.
    pub current: HeadMetrics,
}

/// A fold as index ranges into the time-sorted labels.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fold {
    pub train: std::ops::Range<usize>,
    pub validate: std::ops::Range<usize>,
}

/// Time-ordered folds over `times` (sorted ascending). Boundaries move forward past equal times,
/// so labels given at the same moment never sit on both sides. See [`TrainOptions::kfold`].
pub fn time_series_folds(times: &[DateTime<Utc>], k: usize) -> Result<Vec<Fold>> {
    let n = times.len();
    if times.windows(2).any(|w| w[0] > w[1]) {
        return Err(RankError::InvalidOption("label times must be sorted".into()));
    }
    let snap = |mut i: usize| {
        while i > 0 && i < n && times[i] == times[i - 1] {
            i += 1;
        }
        i.min(n)
    };
    let cuts: Vec<usize> = match k {
        0 => return Ok(Vec::new()),
        1 => vec![snap(n * 4 / 5), n],
        _ => (1..=k + 1).map(|i| if i == k + 1 { n } else { snap(n * i / (k + 1)) }).collect(),
    };
    let mut folds = Vec::with_capacity(cuts.len() - 1);
    for w in cuts.windows(2) {
        let fold = Fold { train: 0..w[0], validate: w[0]..w[1] };
        if fold.train.is_empty() || fold.validate.is_empty() {
            return Err(RankError::NotEnoughData(format!(
                "{n} labels cannot make {k} time-ordered folds with data on both sides; label more or use fewer folds"
            )));
        }
        folds.push(fold);
    }
    Ok(folds)
}

/// Weights that make each class of a head count as much as the other: positives get
/// `n / (2 * positives)`, negatives `n / (2 * negatives)` (1 when a class is absent).
pub fn class_weights(labels: impl Iterator<Item = bool>) -> (f32, f32) {
    let (mut pos, mut neg) = (0usize, 0usize);
    for y in labels {
        if y {
            pos += 1
        } else {
            neg += 1
        }
    }
    if pos == 0 || neg == 0 {
        return (1.0, 1.0);
    }
    let n = (pos + neg) as f32;
    (n / (2.0 * pos as f32), n / (2.0 * neg as f32))
}

/// Class-weighted BCE on logits, averaged over the labelled examples: each example's loss is
/// multiplied by its class weight (0 when its label is absent), then summed and divided by the
/// number of labelled examples.
pub(crate) fn weighted_bce(logits: &Tensor, targets: &Tensor, weights: &Tensor, labelled: f32) -> Result<Tensor> {
    // Stable form: max(x, 0) - x*y + ln(1 + e^-|x|).
    let per_example = ((logits.relu()? - (logits * targets)?)? + ((logits.abs()?.neg()?.exp()? + 1.0)?.log()?))?;
    Ok(((per_example * weights)?.sum_all()? / f64::from(labelled.max(1.0)))?)
}

/// Trains on `labels` (any order): reports `opts.kfold` time-ordered folds, then trains the
/// returned model on every label.
pub fn train(labels: &[Label], opts: &TrainOptions) -> Result<(Model, TrainReport)> {
    train_against(labels, opts, None)
}

/// [`train`], and when a model is in use, also scores it on the fold validation labels it never
/// saw, beside the fold models' scores of the same labels ([`TrainReport::against_current`]):
/// so that whether to replace it is decided on the same labels, not on two different
/// validations. A model in use that reads other embeddings is not compared.
pub fn train_against(labels: &[Label], opts: &TrainOptions, current: Option<&Model>) -> Result<(Model, TrainReport)> {
    let started = Instant::now();
    if opts.batch_size == 0 || (opts.epochs == 0 && opts.steps == 0) {
        return Err(RankError::InvalidOption("batch size, and epochs or steps, must be at least 1".into()));
    }
    let mut usable: Vec<&Label> = labels.iter().filter(|l| l.interest.is_some() || l.productive.is_some()).collect();
    let skipped = labels.len() - usable.len();
    if usable.len() < opts.min_labels.max(2) {
        return Err(RankError::NotEnoughData(format!(
            "{} labelled videos, at least {} are needed; like, dislike or mark videos first",
            usable.len(),
            opts.min_labels.max(2)
        )));
    }
    usable.sort_by_key(|l| l.at());
    let dim = usable[0].candidate.embedding.len();
    for l in &usable {
        let id = &l.candidate.video.video_id;
        check_dimension(&l.candidate.embedding, dim, || format!("the embedding of labelled video {id}"))?;
        check_vector(&l.candidate.embedding, || format!("the embedding of labelled video {id}"))?;
        for t in l.context.tokens() {
            check_dimension(&t.embedding, dim, || format!("the embedding of context event `{}`", t.title))?;
            check_vector(&t.embedding, || format!("the embedding of context event `{}`", t.title))?;
        }
    }
    let net = opts.net.clone().unwrap_or_else(|| NetConfig::new(dim));
    if net.embed_dim != dim {
        return Err(RankError::Dimension { what: "the labels' embeddings".into(), expected: net.embed_dim, got: dim });
    }

    let times: Vec<DateTime<Utc>> = usable.iter().map(|l| l.at()).collect();
    let current = current.filter(|m| m.config().net.embed_dim == dim && m.config().embedder == opts.embedder);
    let unseen_after = current.map(|m| m.config().labels_until.unwrap_or(m.config().trained_at));
    let mut unseen: Vec<(&Label, (f32, f32))> = Vec::new();
    let mut folds = Vec::new();
    for (i, fold) in time_series_folds(&times, opts.kfold)?.into_iter().enumerate() {
        let model = fit(&usable[fold.train.clone()], &net, opts)?;
        let validation = &usable[fold.validate.clone()];
        let scores = predict_labels(&model, validation)?;
        if let Some(after) = unseen_after {
            unseen.extend(validation.iter().zip(&scores).filter(|(l, _)| l.at() > after).map(|(l, s)| (*l, *s)));
        }
        folds.push(FoldReport {
            fold: i + 1,
            train: fold.train.len(),
            validate: fold.validate.len(),
            train_until: times[fold.train.end - 1],
            validate_from: times[fold.validate.start],
            validate_until: times[fold.validate.end - 1],
            interest: head_metrics(validation, &scores, Head::Interest),
            productive: head_metrics(validation, &scores, Head::Productive),
        });
    }

    let against_current = match current.zip(unseen_after) {
        Some((current, after)) => compare(current, after, &unseen)?,
        None => None,
    };
    let final_started = Instant::now();
    let mut model = fit(&usable, &net, opts)?;
    let final_seconds = final_started.elapsed().as_secs_f64();
    let mean = HeadsMean {
        interest: metrics::mean(&folds.iter().filter_map(|f| f.interest.as_ref()).collect::<Vec<_>>()),
        productive: metrics::mean(&folds.iter().filter_map(|f| f.productive.as_ref()).collect::<Vec<_>>()),
    };
    let report = TrainReport {
        kfold: opts.kfold,
        labels: model.config().labels,
        skipped,
        folds,
        mean,
        epochs: epochs_for(opts, usable.len().div_ceil(opts.batch_size)),
        parameters: model.parameter_count(),
        seconds: started.elapsed().as_secs_f64(),
        final_seconds,
        against_current,
    };
    model.config_mut().report = serde_json::to_value(&report).unwrap_or(serde_json::Value::Null);
    Ok((model, report))
}

/// The model in use and the fold models on the same unseen labels; None without such labels.
fn compare(current: &Model, after: DateTime<Utc>, unseen: &[(&Label, (f32, f32))]) -> Result<Option<Comparison>> {
    if unseen.is_empty() {
        return Ok(None);
    }
    let (labels, new): (Vec<&Label>, Vec<(f32, f32)>) = unseen.iter().copied().unzip();
    let old = predict_labels(current, &labels)?;
    let head = |head: Head| Some(HeadComparison { new: head_metrics(&labels, &new, head)?, current: head_metrics(&labels, &old, head)? });
    Ok(Some(Comparison { labels_after: after, labels: labels.len(), interest: head(Head::Interest), productive: head(Head::Productive) }))
}

#[derive(Debug, Clone, Copy)]
enum Head {
    Interest,
    Productive,
}

/// One head's metrics of `scores` (interest, productive per label) over the labels that have that
/// head; None when none has.
fn head_metrics(labels: &[&Label], scores: &[(f32, f32)], head: Head) -> Option<HeadMetrics> {
    let (p, y): (Vec<f32>, Vec<bool>) = labels
        .iter()
        .zip(scores)
        .filter_map(|(l, &(interest, productive))| match head {
            Head::Interest => l.interest.map(|y| (interest, y)),
            Head::Productive => l.productive.map(|y| (productive, y)),
        })
        .unzip();
    metrics::head_metrics(&p, &y)
}

/// How many batches are sorted by context length together.
const BUCKET_BATCHES: usize = 8;

/// The number of passes: `opts.epochs`, or when that is 0, enough for about
/// [`TrainOptions::steps`] optimiser steps, at least 4 and at most 60 passes.
fn epochs_for(opts: &TrainOptions, steps_per_epoch: usize) -> usize {
    if opts.epochs > 0 {
        return opts.epochs;
    }
    opts.steps.div_ceil(steps_per_epoch.max(1)).clamp(4, 60)
}

/// Trains one model on `labels` (sorted by time; all of them are the past for this model).
fn fit(labels: &[&Label], net: &NetConfig, opts: &TrainOptions) -> Result<Model> {
    let stats = FeatureStats::fit(labels.iter().map(|l| &l.context));
    let mut model = Model::init(&opts.embedder, net.clone(), stats, opts.seed)?;
    let (interest_w, productive_w) =
        (class_weights(labels.iter().filter_map(|l| l.interest)), class_weights(labels.iter().filter_map(|l| l.productive)));
    let vars: Vec<candle_core::Var> = model.network().vars().iter().map(|(_, v)| v.clone()).collect();
    let params = ParamsAdamW { lr: opts.learning_rate, weight_decay: opts.weight_decay, ..ParamsAdamW::default() };
    let mut optimizer = AdamW::new(vars, params)?;
    let steps_per_epoch = labels.len().div_ceil(opts.batch_size);
    let epochs = epochs_for(opts, steps_per_epoch);
    let total_steps = (steps_per_epoch * epochs).max(1);
    let mut rng = Rng::new(opts.seed ^ 0x5EED);
    let mut order: Vec<usize> = (0..labels.len()).collect();
    let context_len = |i: usize| labels[i].context.tokens().len().min(net.max_context);
    let mut step = 0usize;
    for _ in 0..epochs {
        // Shuffling inside the training part is safe: it all lies before any validation label.
        rng.shuffle(&mut order);
        // Batches of similar context length waste less on padding; their order is shuffled.
        let mut batches: Vec<Vec<usize>> = Vec::with_capacity(steps_per_epoch);
        for group in order.chunks(opts.batch_size * BUCKET_BATCHES) {
            let mut group = group.to_vec();
            group.sort_by_key(|&i| context_len(i));
            batches.extend(group.chunks(opts.batch_size).map(<[usize]>::to_vec));
        }
        rng.shuffle(&mut batches);
        for chunk in &batches {
            let progress = step as f64 / total_steps as f64;
            optimizer.set_learning_rate(opts.learning_rate * (0.1 + 0.9 * 0.5 * (1.0 + (std::f64::consts::PI * progress).cos())));
            let batch_labels: Vec<&Label> = chunk.iter().map(|&i| labels[i]).collect();
            let loss = batch_loss(&model, &batch_labels, interest_w, productive_w)?;
            optimizer.backward_step(&loss)?;
            step += 1;
        }
    }
    let count = |pick: fn(&Label) -> Option<bool>| {
        let values: Vec<bool> = labels.iter().filter_map(|l| pick(l)).collect();
        (values.len(), values.iter().filter(|&&y| y).count())
    };
    let (interest, interest_positive) = count(|l| l.interest);
    let (productive, productive_positive) = count(|l| l.productive);
    let config = model.config_mut();
    config.labels = LabelCounts { interest, interest_positive, productive, productive_positive };
    config.trained_at = Utc::now();
    config.labels_until = labels.last().map(|l| l.at());
    Ok(model)
}

/// Probabilities (interest, productive) for labels that each carry their own context.
fn predict_labels(model: &Model, labels: &[&Label]) -> Result<Vec<(f32, f32)>> {
    let config = model.config();
    let mut out = Vec::with_capacity(labels.len());
    for chunk in labels.chunks(256) {
        let candidates: Vec<&Candidate> = chunk.iter().map(|l| &l.candidate).collect();
        let contexts: Vec<&Context> = chunk.iter().map(|l| &l.context).collect();
        let batch = features::batch(&candidates, &contexts, &config.stats, config.net.embed_dim, config.net.max_context)?;
        let logits = model.network().forward(&batch)?;
        let interest = candle_nn::ops::sigmoid(&logits.interest)?.to_vec1::<f32>()?;
        let productive = candle_nn::ops::sigmoid(&logits.productive)?.to_vec1::<f32>()?;
        out.extend(interest.into_iter().zip(productive));
    }
    Ok(out)
}

fn batch_loss(model: &Model, labels: &[&Label], interest_w: (f32, f32), productive_w: (f32, f32)) -> Result<Tensor> {
    let config = model.config();
    let candidates: Vec<&Candidate> = labels.iter().map(|l| &l.candidate).collect();
    let contexts: Vec<&Context> = labels.iter().map(|l| &l.context).collect();
    let batch = features::batch(&candidates, &contexts, &config.stats, config.net.embed_dim, config.net.max_context)?;
    let logits = model.network().forward(&batch)?;
    let head = |pick: fn(&Label) -> Option<bool>, (w_pos, w_neg): (f32, f32), logits: &Tensor| -> Result<Tensor> {
        let mut targets = Vec::with_capacity(labels.len());
        let mut weights = Vec::with_capacity(labels.len());
        for l in labels {
            let (t, w) = match pick(l) {
                Some(true) => (1.0f32, w_pos),
                Some(false) => (0.0, w_neg),
                None => (0.0, 0.0),
            };
            targets.push(t);
            weights.push(w);
        }
        let labelled = labels.iter().filter(|l| pick(l).is_some()).count() as f32;
        let targets = Tensor::from_vec(targets, labels.len(), &Device::Cpu)?;
        let weights = Tensor::from_vec(weights, labels.len(), &Device::Cpu)?;
        weighted_bce(logits, &targets, &weights, labelled)
    };
    let interest = head(|l| l.interest, interest_w, &logits.interest)?;
    let productive = head(|l| l.productive, productive_w, &logits.productive)?;
    Ok((interest + productive)?)
}
