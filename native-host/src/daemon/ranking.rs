//! Ranking and training, the model's side of the daemon.
//!
//! A ranking embeds the tiles (`video_text`, as passages) and the context events before the
//! ranking time (`context_text`, as queries) through the store's embedding cache, builds the
//! [`Context`] in the machine's own time zone at that time, takes the person's profile
//! ([`super::profile`]) and preferences (store setting [`PREFERENCES_SETTING`]), and scores with
//! `vrdndi-rank`: the model saved in `<data_dir>/model/` when there is one, else the cold start,
//! whose fit to the context is measured against everyday activities (`BACKGROUND_ACTIVITIES`).
//! The browser's `rank` and `vrdndi score` both come here.
//!
//! Training reads the labels with the context each was given in, trains, and replaces the model in
//! use only when its time-ordered validation is at least as good as the current model's (see
//! [`decide`]). It runs on its own connection's thread and embeds in the background priority, so
//! rankings keep being served by the old model until the new one is swapped in.

use std::path::PathBuf;
use std::sync::{Arc, Mutex, OnceLock, RwLock};

use chrono::{DateTime, FixedOffset, Offset, Utc};
use serde_json::{json, Value};
use vrdndi_activitywatch::{local_zone_or_utc, Tz};
use vrdndi_embed::TextKind;
use vrdndi_protocol::{
    ContextEvent, ContextReply, ErrorCode, FeedbackKind, ModelStatus, RankReply, RankRequest, TrainReply, TrainRequest, Video,
};
use vrdndi_rank::{
    context_text, order, select_context_events, video_text, Candidate, Comparison, Context, ContextToken, HeadComparison, HeadsMean, Label,
    ModelConfig, Preferences, RankError, TrainOptions, TrainReport, BACKGROUND_ACTIVITIES, DEFAULT_LOOKBACK, DEFAULT_MAX_EVENTS,
};
use vrdndi_store::Store;

use super::embeddings::{EmbedderSlot, Embeddings, Priority};
use super::failure::Failure;
use super::profile::Profiles;
use crate::config::Config;

/// The store setting holding the person's [`Preferences`] as JSON (focus weight, working hours).
pub const PREFERENCES_SETTING: &str = "preferences";
/// Folds `train` reports when the request does not say.
pub const DEFAULT_KFOLD: u32 = 5;
/// More folds than this leave too little in each to measure anything.
pub const MAX_KFOLD: u32 = 20;

/// The scorer for one embedder: the cold start plus the trained model when one loaded.
#[derive(Clone)]
struct Scorer {
    key: String,
    ranker: Arc<vrdndi_rank::Ranker>,
    /// Why the saved model is not used, when it is not.
    problem: Option<String>,
}

struct Inner {
    config: Config,
    store: Store,
    slot: EmbedderSlot,
    profiles: Arc<Profiles>,
    scorer: RwLock<Option<Scorer>>,
    /// One training run at a time.
    training: Mutex<()>,
}

pub struct Ranker {
    inner: Arc<Inner>,
}

impl Ranker {
    pub fn new(config: &Config, store: &Store) -> Ranker {
        Ranker {
            inner: Arc::new(Inner {
                config: config.clone(),
                store: store.clone(),
                slot: EmbedderSlot::new(config),
                profiles: Arc::new(Profiles::default()),
                scorer: RwLock::new(None),
                training: Mutex::new(()),
            }),
        }
    }

    /// Loads the embedder, the saved model and the profile on a thread of their own, so that the
    /// first ranking finds them ready. The daemon waits for the returned thread before it exits:
    /// ONNX Runtime's library tears itself down at process exit and crashes (SIGSEGV) if a thread
    /// is still inside it then.
    pub fn warm_up(&self) -> Option<std::thread::JoinHandle<()>> {
        let inner = self.inner.clone();
        let spawned = std::thread::Builder::new().name("vrdndi-warm-up".into()).spawn(move || {
            if let Ok(embeddings) = inner.slot.embeddings(&inner.store) {
                inner.scorer(&embeddings);
                inner.profiles.current(&inner.store, &embeddings);
            }
        });
        match spawned {
            Ok(handle) => Some(handle),
            Err(e) => {
                tracing::warn!("cannot start the warm-up thread; the model loads at the first ranking: {e}");
                None
            }
        }
    }

    /// What an exiting daemon calls: see [`ModelClose`].
    pub fn close_handle(&self) -> ModelClose {
        ModelClose(self.inner.clone())
    }

    /// Labels, watches or history changed: the profile is read again at the next ranking.
    pub fn store_changed(&self) {
        self.inner.profiles.changed();
    }

    /// Orders `request.tiles` for `context` (the ActivityWatch events before the ranking time).
    pub fn rank(&self, request: &RankRequest, context: &ContextReply) -> Result<RankReply, Failure> {
        self.rank_with(request, context, None)
    }

    /// [`Ranker::rank`] with the recent history embedded first (waiting up to `limit` for the
    /// background step): see [`Profiles::settled`].
    pub fn rank_settled(&self, request: &RankRequest, context: &ContextReply, limit: std::time::Duration) -> Result<RankReply, Failure> {
        self.rank_with(request, context, Some(limit))
    }

    fn rank_with(&self, request: &RankRequest, context: &ContextReply, settle: Option<std::time::Duration>) -> Result<RankReply, Failure> {
        let inner = &self.inner;
        let embeddings = inner.slot.embeddings(&inner.store)?;
        let scorer = inner.scorer(&embeddings);
        if request.tiles.is_empty() {
            return Ok(RankReply { order: Vec::new(), scores: Vec::new(), model: scorer.ranker.name(), context_events: 0 });
        }
        let at = request.at.unwrap_or(context.at);
        let profile = match settle {
            Some(limit) => inner.profiles.settled(&inner.store, &embeddings, limit),
            None => inner.profiles.current(&inner.store, &embeddings),
        };
        let context = embed_context(&embeddings, &context.events, at, Priority::Foreground)?;
        let candidates = embed_candidates(&embeddings, &request.tiles, Priority::Foreground)?;
        let scores = scorer.ranker.score(&profile, &context, &candidates, &inner.preferences()).map_err(rank_failure)?;
        Ok(RankReply {
            order: order(&scores),
            scores,
            model: scorer.ranker.name(),
            context_events: u32::try_from(context.tokens().len()).unwrap_or(u32::MAX),
        })
    }

    /// Trains on the store's labels; see the module doc and [`decide`].
    pub fn train(&self, request: &TrainRequest) -> Result<TrainReply, Failure> {
        let inner = &self.inner;
        let Ok(_running) = inner.training.try_lock() else {
            return Err(Failure::invalid("a training run is already under way; try again when it has finished"));
        };
        let kfold = request.kfold.unwrap_or(DEFAULT_KFOLD);
        if kfold > MAX_KFOLD {
            return Err(Failure::invalid(format!("`kfold` must be 0 to {MAX_KFOLD}, not {kfold}")));
        }
        let embeddings = inner.slot.embeddings(&inner.store)?;
        let labels = inner.training_labels(&embeddings)?;
        let options = TrainOptions { kfold: kfold as usize, ..TrainOptions::new(embeddings.key()) };
        let current = inner.scorer(&embeddings);
        let (mut model, report) = vrdndi_rank::train_against(&labels, &options, current.ranker.model()).map_err(rank_failure)?;
        let previous = current.ranker.model().and_then(|m| report_mean(&m.config().report));
        let decision = match report.against_current.as_ref().and_then(decide_on_same_labels) {
            Some(decision) => decision,
            None => decide(&report.mean, current.ranker.model().is_some(), previous.as_ref()),
        };
        if decision.replace {
            let dir = inner.model_dir();
            model.save(&dir).map_err(|e| {
                tracing::error!("cannot save the trained model in {}: {e}", dir.display());
                Failure::new(ErrorCode::Internal, format!("the model was trained but could not be saved: {e}"))
            })?;
            let ranker = vrdndi_rank::Ranker::cold_start(embeddings.key()).with_model(model).map_err(rank_failure)?;
            let ranker = with_background(ranker, &embeddings);
            let scorer = Scorer { key: embeddings.key().to_owned(), ranker: Arc::new(ranker), problem: None };
            *inner.scorer.write().unwrap_or_else(std::sync::PoisonError::into_inner) = Some(scorer);
        }
        tracing::info!(labels = labels.len(), kfold, replaced = decision.replace, "{}", decision.reason);
        let mut value = serde_json::to_value(&report).map_err(|e| Failure::new(ErrorCode::Internal, e.to_string()))?;
        if let Value::Object(map) = &mut value {
            map.insert("previous_mean".into(), serde_json::to_value(&previous).unwrap_or(Value::Null));
            map.insert("decision".into(), Value::String(decision.reason));
        }
        Ok(TrainReply { report: value, replaced: decision.replace })
    }

    pub fn status(&self) -> ModelStatus {
        let inner = &self.inner;
        let loaded = inner.slot.describe();
        let scorer = inner.scorer.read().unwrap_or_else(std::sync::PoisonError::into_inner).clone();
        // Before the embedder is loaded, the saved model's own description still says what it is.
        let config = match scorer.as_ref().map(|s| s.ranker.model()) {
            Some(model) => model.map(|m| m.config().clone()),
            None => read_model_config(&inner.model_dir()),
        };
        ModelStatus {
            embedder: loaded.name,
            device: Some(loaded.device),
            precision: loaded.precision,
            problem: loaded.problem.or_else(|| scorer.and_then(|s| s.problem)),
            trained_at: config.as_ref().map(|c| c.trained_at),
            last_metrics: config.map(|c| metrics_summary(&c)),
        }
    }
}

/// Lets an exiting daemon wait for the threads inside ONNX Runtime (a ranking, the history's
/// background embedding, training's): the library crashes at process exit if one is still in it.
pub struct ModelClose(Arc<Inner>);

impl ModelClose {
    /// No new model call starts after this; waits up to `limit` for those under way.
    pub fn close(&self, limit: std::time::Duration) {
        self.0.slot.close(limit);
    }
}

impl Inner {
    fn model_dir(&self) -> PathBuf {
        self.config.data_dir.join("model")
    }

    /// The scorer for the embedder `key`, loading the saved model the first time. A model that
    /// cannot be used (damaged, or trained on another embedder) leaves the cold start in charge
    /// and says why in `status`.
    fn scorer(&self, embeddings: &Embeddings) -> Scorer {
        let key = embeddings.key();
        if let Some(scorer) = self.scorer.read().unwrap_or_else(std::sync::PoisonError::into_inner).as_ref() {
            if scorer.key == key {
                return scorer.clone();
            }
        }
        let mut slot = self.scorer.write().unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(scorer) = slot.as_ref().filter(|s| s.key == key) {
            return scorer.clone();
        }
        let dir = self.model_dir();
        let (ranker, problem) = match vrdndi_rank::Ranker::load(&dir, key) {
            Ok(ranker) => (ranker, None),
            Err(e) => {
                tracing::warn!("the saved model is not used: {e}");
                (vrdndi_rank::Ranker::cold_start(key), Some(format!("{e}; ranking with the cold start until then")))
            }
        };
        let ranker = with_background(ranker, embeddings);
        tracing::info!(model = %ranker.name(), "scorer ready");
        let scorer = Scorer { key: key.to_owned(), ranker: Arc::new(ranker), problem };
        *slot = Some(scorer.clone());
        scorer
    }

    /// The person's settings; the defaults when none are stored or they cannot be read.
    fn preferences(&self) -> Preferences {
        let stored = match self.store.setting(PREFERENCES_SETTING) {
            Ok(Some(value)) => value,
            Ok(None) => return Preferences::default(),
            Err(e) => {
                tracing::warn!("cannot read the preferences, using the defaults: {e}");
                return Preferences::default();
            }
        };
        match serde_json::from_value::<Preferences>(stored) {
            Ok(prefs) if prefs.validate().is_ok() => prefs,
            Ok(_) | Err(_) => {
                tracing::warn!("the stored `{PREFERENCES_SETTING}` are not valid preferences; using the defaults");
                Preferences::default()
            }
        }
    }

    /// Every label still in force as a training example: the video, the context it was given
    /// in, and the head it speaks to. A remove-like cancels the like before it.
    fn training_labels(&self, embeddings: &Embeddings) -> Result<Vec<Label>, Failure> {
        struct Row {
            video: Video,
            at: DateTime<Utc>,
            context: Vec<ContextEvent>,
            interest: Option<bool>,
            productive: Option<bool>,
            like: bool,
        }
        let mut rows: Vec<Row> = Vec::new();
        for label in self.store.labels()? {
            if label.undone_at.is_some() {
                continue;
            }
            let (interest, productive) = match label.kind {
                FeedbackKind::Like | FeedbackKind::Interesting => (Some(true), None),
                FeedbackKind::Dislike | FeedbackKind::NotInteresting => (Some(false), None),
                FeedbackKind::RightTime => (None, Some(true)),
                FeedbackKind::NotNow => (None, Some(false)),
                FeedbackKind::RemoveLike => {
                    rows.retain(|r| !(r.like && r.video.video_id == label.video_id));
                    continue;
                }
            };
            let video = self.store.video(&label.video_id)?.unwrap_or_else(|| Video::new(label.video_id.clone(), ""));
            rows.push(Row { video, at: label.at, context: label.context, interest, productive, like: label.kind == FeedbackKind::Like });
        }
        let texts: Vec<String> = rows.iter().map(|r| video_text(&r.video)).collect();
        let vectors = embeddings.embed(&texts, TextKind::Passage, Priority::Background)?;
        let mut labels = Vec::with_capacity(rows.len());
        for (row, embedding) in rows.into_iter().zip(vectors) {
            let context = embed_context(embeddings, &row.context, row.at, Priority::Background)?;
            labels.push(Label {
                candidate: Candidate { video: row.video, embedding },
                context,
                interest: row.interest,
                productive: row.productive,
            });
        }
        Ok(labels)
    }
}

/// `ranker` with the everyday activities ([`BACKGROUND_ACTIVITIES`]) its cold start measures the
/// fit to the context against, so that vague titles close to every context do not lead; without
/// them (they could not be embedded) it still ranks, on the plain fit.
fn with_background(ranker: vrdndi_rank::Ranker, embeddings: &Embeddings) -> vrdndi_rank::Ranker {
    let texts: Vec<String> = BACKGROUND_ACTIVITIES.iter().map(|t| (*t).to_owned()).collect();
    let vectors = match embeddings.embed(&texts, TextKind::Query, Priority::Foreground) {
        Ok(vectors) => vectors,
        Err(e) => {
            tracing::warn!("ranking without the background activities: {e}");
            return ranker;
        }
    };
    let fallback = ranker.clone();
    ranker.with_background(&vectors).unwrap_or_else(|e| {
        tracing::warn!("ranking without the background activities: {e}");
        fallback
    })
}

/// The context at `at`: the events before it (never after), embedded as queries, in the
/// machine's own time zone at that instant.
fn embed_context(embeddings: &Embeddings, events: &[ContextEvent], at: DateTime<Utc>, priority: Priority) -> Result<Context, Failure> {
    let picked: Vec<ContextEvent> = select_context_events(events, at, DEFAULT_LOOKBACK, DEFAULT_MAX_EVENTS)
        .into_iter()
        .filter(|e| !context_text(e).trim().is_empty())
        .collect();
    let texts: Vec<String> = picked.iter().map(context_text).collect();
    let vectors = embeddings.embed(&texts, TextKind::Query, priority)?;
    let tokens = picked.iter().zip(vectors).map(|(event, vector)| ContextToken::from_event(event, vector)).collect();
    Ok(Context::new(at, local_offset(at), tokens))
}

fn embed_candidates(embeddings: &Embeddings, tiles: &[Video], priority: Priority) -> Result<Vec<Candidate>, Failure> {
    let texts: Vec<String> = tiles.iter().map(video_text).collect();
    let vectors = embeddings.embed(&texts, TextKind::Passage, priority)?;
    Ok(tiles.iter().cloned().zip(vectors).map(|(video, embedding)| Candidate { video, embedding }).collect())
}

/// This machine's UTC offset at `at` (daylight saving included): the time of day the person saw.
pub fn local_offset(at: DateTime<Utc>) -> FixedOffset {
    static ZONE: OnceLock<Tz> = OnceLock::new();
    let zone = ZONE.get_or_init(|| {
        let (zone, problem) = local_zone_or_utc();
        if let Some(problem) = problem {
            tracing::warn!("{problem}");
        }
        zone
    });
    at.with_timezone(zone).offset().fix()
}

fn rank_failure(error: RankError) -> Failure {
    match error {
        RankError::NotEnoughData(_) => Failure::new(ErrorCode::NotEnoughData, error.to_string()),
        RankError::InvalidOption(_) => Failure::invalid(error.to_string()),
        other => {
            tracing::error!("ranking failed: {other}");
            Failure::new(ErrorCode::Internal, format!("the model failed: {other}"))
        }
    }
}

/// Whether a newly trained model replaces the one in use, and why, in words.
#[derive(Debug, Clone, PartialEq)]
pub struct Decision {
    pub replace: bool,
    pub reason: String,
}

/// The rule when the two models can be compared on the same labels ([`Comparison`]: the fold
/// validation labels newer than anything the model in use trained on): the new model replaces it
/// when its fold models' mean AUC over the heads is at least the current model's on those labels
/// (mean F1 when no head has an AUC). None when no head could be compared.
pub fn decide_on_same_labels(comparison: &Comparison) -> Option<Decision> {
    let heads: Vec<&HeadComparison> = [&comparison.interest, &comparison.productive].into_iter().flatten().collect();
    let mean = |values: Vec<f64>| (!values.is_empty()).then(|| values.iter().sum::<f64>() / values.len() as f64);
    let with_auc: Vec<&&HeadComparison> = heads.iter().filter(|h| h.new.auc.is_some() && h.current.auc.is_some()).collect();
    let (name, new, old) = if with_auc.is_empty() {
        ("F1", mean(heads.iter().map(|h| h.new.f1).collect())?, mean(heads.iter().map(|h| h.current.f1).collect())?)
    } else {
        ("AUC", mean(with_auc.iter().filter_map(|h| h.new.auc).collect())?, mean(with_auc.iter().filter_map(|h| h.current.auc).collect())?)
    };
    let labels = comparison.labels;
    let on = format!("on the {labels} labels newer than the model in use, mean {name} {new:.3} (new) against {old:.3} (in use)");
    Some(if new >= old {
        Decision { replace: true, reason: format!("{on}: the new model is in use") }
    } else {
        Decision { replace: false, reason: format!("{on}: the current model stays in use") }
    })
}

/// The rule without labels to compare both models on (every label predates the model in use): a
/// new model replaces the current one only when its time-ordered validation is at least as good
/// as the one saved with the current model: the mean AUC over the heads when both reports have
/// one, else the mean F1. Without a trained model the new one always replaces the cold start (it
/// is blended with the cold start by its label count anyway). Without validation of its own
/// (`kfold` 0) a new model never replaces a trained one.
pub fn decide(new: &HeadsMean, has_current: bool, current: Option<&HeadsMean>) -> Decision {
    let replace = |reason: String| Decision { replace: true, reason };
    let keep = |reason: String| Decision { replace: false, reason };
    if !has_current {
        return replace("no trained model yet: the new model is in use".into());
    }
    let Some(current) = current else {
        return replace("the current model has no validation to compare with: the new model is in use".into());
    };
    let (new_auc, old_auc) = (mean_of(new, |m| m.auc), mean_of(current, |m| m.auc));
    let (new_f1, old_f1) = (mean_of(new, |m| Some(m.f1)), mean_of(current, |m| Some(m.f1)));
    let (name, new_value, old_value) = match (new_auc, old_auc, new_f1, old_f1) {
        (Some(n), Some(o), _, _) => ("AUC", n, o),
        (_, _, Some(n), Some(o)) => ("F1", n, o),
        (None, _, None, _) => return keep("the new model has no validation (kfold 0): the current model stays in use".into()),
        _ => return replace("the two validations share no metric: the new model is in use".into()),
    };
    if new_value >= old_value {
        replace(format!("validation mean {name} {new_value:.3} >= {old_value:.3} of the current model: the new model is in use"))
    } else {
        keep(format!("validation mean {name} {new_value:.3} < {old_value:.3} of the current model: the current model stays in use"))
    }
}

/// The mean over heads of one metric, over the heads that have it.
fn mean_of(mean: &HeadsMean, metric: impl Fn(&vrdndi_rank::MeanMetrics) -> Option<f64>) -> Option<f64> {
    let values: Vec<f64> = [&mean.interest, &mean.productive].into_iter().flatten().filter_map(&metric).collect();
    (!values.is_empty()).then(|| values.iter().sum::<f64>() / values.len() as f64)
}

/// The validation means saved with a model; None when it saved none (trained with `kfold` 0).
fn report_mean(report: &Value) -> Option<HeadsMean> {
    let report: TrainReport = serde_json::from_value(report.clone()).ok()?;
    (!report.folds.is_empty()).then_some(report.mean)
}

fn read_model_config(dir: &std::path::Path) -> Option<ModelConfig> {
    let bytes = std::fs::read(dir.join(vrdndi_rank::CONFIG_FILE)).ok()?;
    serde_json::from_slice(&bytes).ok()
}

/// What `status` shows of the last training: its folds, label counts and means.
fn metrics_summary(config: &ModelConfig) -> Value {
    json!({
        "kfold": config.report.get("kfold"),
        "labels": config.labels,
        "mean": config.report.get("mean"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use vrdndi_rank::MeanMetrics;

    fn mean(auc: Option<f64>, f1: f64) -> HeadsMean {
        let head = MeanMetrics { folds: 3, precision: 0.5, recall: 0.5, f1, auc };
        HeadsMean { interest: Some(head.clone()), productive: Some(head) }
    }

    #[test]
    fn a_new_model_replaces_only_when_its_validation_is_at_least_as_good() {
        assert!(decide(&mean(Some(0.6), 0.5), false, None).replace, "anything beats no model");
        assert!(decide(&mean(Some(0.7), 0.5), true, Some(&mean(Some(0.7), 0.9))).replace, "equal AUC is enough");
        let worse = decide(&mean(Some(0.69), 0.9), true, Some(&mean(Some(0.7), 0.1)));
        assert!(!worse.replace && worse.reason.contains("0.690 < 0.700"), "{worse:?}");
        assert!(decide(&mean(None, 0.8), true, Some(&mean(None, 0.7))).replace, "F1 when no AUC");
        let none = HeadsMean { interest: None, productive: None };
        assert!(!decide(&none, true, Some(&mean(Some(0.5), 0.5))).replace, "no validation keeps a trained model");
        assert!(decide(&mean(Some(0.5), 0.5), true, None).replace, "nothing to compare with");
    }

    fn head(auc: Option<f64>, f1: f64) -> vrdndi_rank::HeadMetrics {
        vrdndi_rank::HeadMetrics { examples: 12, positives: 6, precision: 0.5, recall: 0.5, f1, auc }
    }

    #[test]
    fn on_the_same_labels_the_new_model_must_be_at_least_as_good_as_the_one_in_use() {
        let at: DateTime<Utc> = "2025-01-01T00:00:00Z".parse().expect("time");
        let compare = |new: vrdndi_rank::HeadMetrics, current: vrdndi_rank::HeadMetrics| Comparison {
            labels_after: at,
            labels: 12,
            interest: Some(HeadComparison { new, current }),
            productive: None,
        };
        let better = decide_on_same_labels(&compare(head(Some(0.71), 0.2), head(Some(0.66), 0.9))).expect("compared");
        assert!(better.replace && better.reason.contains("12 labels") && better.reason.contains("AUC 0.710"), "{better:?}");
        let worse = decide_on_same_labels(&compare(head(Some(0.6), 0.9), head(Some(0.66), 0.1))).expect("compared");
        assert!(!worse.replace, "{worse:?}");
        let by_f1 = decide_on_same_labels(&compare(head(None, 0.5), head(None, 0.6))).expect("compared");
        assert!(!by_f1.replace && by_f1.reason.contains("F1"), "{by_f1:?}");
        assert_eq!(decide_on_same_labels(&Comparison { labels_after: at, labels: 0, interest: None, productive: None }), None);
    }

    #[test]
    fn the_local_offset_is_the_machines_zone_at_that_instant() {
        let at: DateTime<Utc> = "2023-11-19T03:00:00Z".parse().expect("time");
        let (zone, _) = local_zone_or_utc();
        assert_eq!(local_offset(at), at.with_timezone(&zone).offset().fix());
    }
}
