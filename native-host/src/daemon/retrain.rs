//! Retraining on its own: a thread that trains again after enough new labels or once a day.
//!
//! It calls the ranker's own [`Ranker::train`](super::ranking::Ranker::train), which trains on a
//! time-ordered split and replaces the model in use only when the new one does at least as well,
//! and which refuses a second run while one is under way. So this module only decides *when*: it
//! runs on its own thread, never on a connection's, and ranking goes on while it trains. Each run,
//! this thread's and the ones asked for with `train` ([`train_and_record`]), is recorded in the
//! store's settings under [`RUNS_SETTING`] (when, why, how many labels, whether the model was
//! replaced and why, the validation means of the new and of the previous model, or the error), the
//! newest last, so the status, the popup, the export file and the "what the model learned" page
//! can show when it last trained and what changed.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use vrdndi_protocol::{ErrorCode, TrainReply, TrainRequest, TrainingRun};

use super::failure::Failure;
use super::service::Service;

/// New labels (in force, of any kind) that make a retraining due.
pub const DEFAULT_AFTER_LABELS: u64 = 20;
/// A retraining is due this long after the last one when any label was added since.
pub const DEFAULT_EVERY: chrono::TimeDelta = chrono::TimeDelta::hours(24);
/// How often the thread looks.
const CHECK_EVERY: Duration = Duration::from_secs(60);
/// Settings: the runs, newest last (at most [`MAX_RUNS`]).
pub const RUNS_SETTING: &str = "retrain_runs";
const MAX_RUNS: usize = 100;
/// `VRDNDI_RETRAIN_AFTER_LABELS=0` turns background retraining off.
pub const AFTER_LABELS_ENV: &str = "VRDNDI_RETRAIN_AFTER_LABELS";
/// The `why` of a run asked for with a `train` request (`vrdndi train`).
pub const WHY_REQUEST: &str = "request";

/// One background training run, as kept in the settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Run {
    pub at: DateTime<Utc>,
    /// `labels`, `daily` or [`WHY_REQUEST`].
    pub why: String,
    /// Labels in force when it started.
    pub labels: u64,
    pub replaced: bool,
    /// The ranker's decision and validation means (`report.mean`, `report.decision`), or null.
    #[serde(default)]
    pub mean: Value,
    /// The validation means of the model in use before (`report.previous_mean`), or null.
    #[serde(default, skip_serializing_if = "Value::is_null")]
    pub previous_mean: Value,
    /// Both models on the same newer labels (`report.against_current`), or null.
    #[serde(default, skip_serializing_if = "Value::is_null")]
    pub against_current: Value,
    #[serde(default)]
    pub decision: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// Why a run is due now, if it is.
pub fn due(last: Option<&Run>, labels_now: u64, now: DateTime<Utc>, after_labels: u64, every: chrono::TimeDelta) -> Option<&'static str> {
    if after_labels == 0 {
        return None;
    }
    let (labels_then, at) = last.map_or((0, None), |r| (r.labels, Some(r.at)));
    let new = labels_now.saturating_sub(labels_then);
    if new >= after_labels {
        return Some("labels");
    }
    match at {
        Some(at) if new > 0 && now - at >= every => Some("daily"),
        _ => None,
    }
}

/// Starts the thread; it holds the service for as long as the daemon runs.
pub fn spawn(service: Arc<Service>) {
    let after_labels = std::env::var(AFTER_LABELS_ENV).ok().and_then(|v| v.trim().parse().ok()).unwrap_or(DEFAULT_AFTER_LABELS);
    if after_labels == 0 {
        tracing::info!("background retraining is off ({AFTER_LABELS_ENV}=0)");
        return;
    }
    let spawned = std::thread::Builder::new().name("vrdndi-retrain".into()).spawn(move || loop {
        std::thread::sleep(CHECK_EVERY);
        if let Err(e) = check_once(&service, after_labels, Utc::now()) {
            tracing::warn!("background retraining: {e}");
        }
    });
    if let Err(e) = spawned {
        tracing::warn!("cannot start the retraining thread; train with `vrdndi train`: {e}");
    }
}

/// Trains when due and records the run; returns the run, if one was made.
pub fn check_once(service: &Service, after_labels: u64, now: DateTime<Utc>) -> Result<Option<Run>, vrdndi_store::StoreError> {
    let runs = runs(service)?;
    let labels_now = labels_in_force(service)?;
    let Some(why) = due(runs.last(), labels_now, now, after_labels, DEFAULT_EVERY) else { return Ok(None) };
    tracing::info!(why, labels = labels_now, "background retraining");
    Ok(train_and_record(service, &TrainRequest::default(), why, now).1)
}

/// Trains and records the run (started at `at` for reason `why`); returns the ranker's answer
/// and the run. A refusal before any training (a run already under way, a bad `kfold`) is no run;
/// a failed run is recorded with its error. A run that cannot be recorded is logged: the model
/// it trained is in use all the same.
pub(crate) fn train_and_record(
    service: &Service,
    request: &TrainRequest,
    why: &str,
    at: DateTime<Utc>,
) -> (Result<TrainReply, Failure>, Option<Run>) {
    let labels = match labels_in_force(service) {
        Ok(labels) => labels,
        Err(e) => return (Err(e.into()), None),
    };
    let result = service.ranker.train(request);
    let mut run = Run {
        at,
        why: why.to_owned(),
        labels,
        replaced: false,
        mean: Value::Null,
        previous_mean: Value::Null,
        against_current: Value::Null,
        decision: None,
        error: None,
    };
    match &result {
        Ok(reply) => {
            run.replaced = reply.replaced;
            run.mean = reply.report.get("mean").cloned().unwrap_or(Value::Null);
            run.previous_mean = reply.report.get("previous_mean").cloned().unwrap_or(Value::Null);
            run.against_current = reply.report.get("against_current").cloned().unwrap_or(Value::Null);
            run.decision = reply.report.get("decision").and_then(Value::as_str).map(str::to_owned);
        }
        Err(failure) if failure.code == ErrorCode::InvalidRequest => return (result, None),
        Err(failure) => run.error = Some(format!("{}: {}", failure.code.name(), failure.message)),
    }
    if let Err(e) = append(service, run.clone()) {
        tracing::warn!("cannot record the training run: {e}");
    }
    (result, Some(run))
}

fn labels_in_force(service: &Service) -> Result<u64, vrdndi_store::StoreError> {
    Ok(service.store.labels()?.iter().filter(|l| l.undone_at.is_none()).count() as u64)
}

fn append(service: &Service, run: Run) -> Result<(), vrdndi_store::StoreError> {
    let mut all = runs(service)?;
    all.push(run);
    let skip = all.len().saturating_sub(MAX_RUNS);
    let value = serde_json::to_value(&all[skip..]).unwrap_or(Value::Null);
    service.store.set_setting(RUNS_SETTING, &value)
}

/// The newest run as `status` reports it.
pub fn last_run(service: &Service) -> Option<TrainingRun> {
    match runs(service) {
        Ok(runs) => runs.last().map(Run::summary),
        Err(e) => {
            tracing::warn!("cannot read the training runs: {e}");
            None
        }
    }
}

impl Run {
    /// Before and after on the same labels when the decision was made on them; else each
    /// model's own validation.
    fn summary(&self) -> TrainingRun {
        let new_on_same = heads_f1(&self.against_current, Some("new"));
        let (f1, previous_f1, same_labels) = match self.against_current.get("labels").and_then(Value::as_u64) {
            Some(labels) if !new_on_same.is_empty() => (new_on_same, heads_f1(&self.against_current, Some("current")), Some(labels)),
            _ => (heads_f1(&self.mean, None), heads_f1(&self.previous_mean, None), None),
        };
        TrainingRun {
            at: self.at,
            why: self.why.clone(),
            labels: self.labels,
            replaced: self.replaced,
            decision: self.decision.clone(),
            f1,
            previous_f1,
            same_labels,
            error: self.error.clone(),
        }
    }
}

/// The F1 of each head in `{"interest": {"f1": 0.7, ..}, ..}` (or, with `side`, in
/// `{"interest": {side: {"f1": 0.7, ..}}, ..}`), heads without one left out.
fn heads_f1(value: &Value, side: Option<&str>) -> BTreeMap<String, f64> {
    ["interest", "productive"]
        .into_iter()
        .filter_map(|head| {
            let metrics = value.get(head)?;
            let metrics = match side {
                Some(side) => metrics.get(side)?,
                None => metrics,
            };
            Some((head.to_owned(), metrics.get("f1")?.as_f64()?))
        })
        .collect()
}

/// The recorded runs, oldest first; an unreadable record counts as none (it is rewritten).
pub fn runs(service: &Service) -> Result<Vec<Run>, vrdndi_store::StoreError> {
    Ok(service.store.setting(RUNS_SETTING)?.and_then(|v| serde_json::from_value(v).ok()).unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(labels: u64, at: &str) -> Run {
        Run {
            at: at.parse().expect("time"),
            why: "labels".into(),
            labels,
            replaced: true,
            mean: Value::Null,
            previous_mean: Value::Null,
            against_current: Value::Null,
            decision: None,
            error: None,
        }
    }

    #[test]
    fn due_after_enough_new_labels_or_a_day_with_any_new_label() {
        let now: DateTime<Utc> = "2024-06-02T12:00:00Z".parse().expect("time");
        let day = DEFAULT_EVERY;
        assert_eq!(due(None, 19, now, 20, day), None);
        assert_eq!(due(None, 20, now, 20, day), Some("labels"));
        let last = run(20, "2024-06-02T00:00:00Z");
        assert_eq!(due(Some(&last), 39, now, 20, day), None, "19 new labels within the day");
        assert_eq!(due(Some(&last), 40, now, 20, day), Some("labels"));
        let yesterday = run(20, "2024-06-01T11:00:00Z");
        assert_eq!(due(Some(&yesterday), 21, now, 20, day), Some("daily"));
        assert_eq!(due(Some(&yesterday), 20, now, 20, day), None, "nothing new: no daily run");
        assert_eq!(due(None, 1000, now, 0, day), None, "off");
    }

    #[test]
    fn a_due_run_is_recorded_with_its_outcome_and_a_second_check_waits_for_new_labels() {
        let dir = tempfile::tempdir().expect("temp dir");
        let runtime = tokio::runtime::Builder::new_current_thread().build().expect("runtime");
        let config = crate::config::Config::new(dir.path().to_path_buf(), None, None, Some(dir.path().join("no-models")));
        let store = vrdndi_store::Store::open(&config.store_dir()).expect("store");
        let service = Service::new(config, store, runtime.handle().clone());
        for n in 0..3 {
            let label = vrdndi_store::StoredLabel {
                feedback_id: format!("f{n}"),
                kind: vrdndi_protocol::FeedbackKind::Interesting,
                video_id: "dQw4w9WgXcQ".into(),
                source: vrdndi_protocol::FeedbackSource::Studio,
                at: Utc::now(),
                context: vec![],
                undone_at: None,
            };
            service.store.add_label(&label, &vrdndi_protocol::Video::new("dQw4w9WgXcQ", "t")).expect("label");
        }
        let now = Utc::now();
        assert!(check_once(&service, 5, now).expect("checks").is_none(), "3 labels < 5");
        let made = check_once(&service, 3, now).expect("checks").expect("a run");
        assert_eq!((made.why.as_str(), made.labels), ("labels", 3));
        // Without models (and with 3 labels) training fails; the failure is recorded, not lost.
        assert!(made.error.is_some() || made.decision.is_some());
        assert_eq!(runs(&service).expect("runs"), vec![made]);
        assert!(check_once(&service, 3, now).expect("checks").is_none(), "no new labels since");

        // A `train` request is a run too (why "request"), and status reports the newest; a refused
        // request (a bad `kfold`) is none.
        let train = |kfold| {
            let body = vrdndi_protocol::RequestBody::Train(TrainRequest { kfold });
            service.handle(vrdndi_protocol::Request { id: 1, body }).body
        };
        assert!(matches!(train(Some(99)), vrdndi_protocol::ResponseBody::Error(_)));
        assert_eq!(runs(&service).expect("runs").len(), 1, "a refused request is no run");
        let _ = train(None);
        let all = runs(&service).expect("runs");
        assert_eq!(all.iter().map(|r| r.why.as_str()).collect::<Vec<_>>(), ["labels", WHY_REQUEST]);
        let status = service.status().last_training.expect("the last run in status");
        assert_eq!((status.why.as_str(), status.labels, status.error.is_some()), (WHY_REQUEST, 3, all[1].error.is_some()));
    }

    #[test]
    fn the_summary_has_the_f1_of_each_head_before_and_after() {
        let mut made = run(40, "2024-06-02T00:00:00Z");
        made.mean = serde_json::json!({"interest": {"folds": 5, "f1": 0.66, "auc": 0.7}, "productive": null});
        made.previous_mean = serde_json::json!({"interest": {"f1": 0.61}, "productive": {"f1": 0.5}});
        made.decision = Some("kept".into());
        let summary = made.summary();
        assert_eq!(summary.f1, BTreeMap::from([("interest".to_owned(), 0.66)]));
        assert_eq!(summary.previous_f1, BTreeMap::from([("interest".to_owned(), 0.61), ("productive".to_owned(), 0.5)]));
        assert_eq!(summary.decision.as_deref(), Some("kept"));
        // Runs recorded before `previous_mean` existed still read.
        let old: Run =
            serde_json::from_value(serde_json::json!({"at": "2024-06-01T00:00:00Z", "why": "daily", "labels": 3, "replaced": false}))
                .expect("an old run reads");
        assert!(old.summary().previous_f1.is_empty());

        // Decided on the same newer labels: those numbers, and how many labels.
        made.against_current = serde_json::json!({
            "labels": 16,
            "interest": {"new": {"f1": 0.7}, "current": {"f1": 0.6}},
            "productive": null
        });
        let same = made.summary();
        assert_eq!(same.same_labels, Some(16));
        assert_eq!(same.f1, BTreeMap::from([("interest".to_owned(), 0.7)]));
        assert_eq!(same.previous_f1, BTreeMap::from([("interest".to_owned(), 0.6)]));
    }
}
