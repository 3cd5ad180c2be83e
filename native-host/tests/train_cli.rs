//! `vrdndi train` end to end: labels sent through the daemon as the browser sends them (each
//! stored with the real ActivityWatch context of its time, from a real aw-server loaded with the
//! C1 export), trained by the daemon, reported per fold and head, saved, and served again with
//! bit-identical scores by a restarted daemon. Too few labels is `not_enough_data`, said plainly.

#[path = "support/aw_server.rs"]
mod aw_server;
mod daemon_support;
mod rank_support;
#[path = "support/test_env.rs"]
mod test_env;

use aw_server::AwServer;
use chrono::{DateTime, Duration, Utc};
use rank_support::{status, trending, Session, Trending};
use serde_json::Value;
use vrdndi::daemon::DaemonClient;
use vrdndi_protocol::{ErrorCode, FeedbackKind, FeedbackRequest, FeedbackSource, RequestBody, ResponseBody, TrainRequest, Video};

/// The export covers 2023-11-18 20:07Z to 2023-11-19 13:25Z; labels are given every 6 minutes
/// from here, so each carries the activity before it.
const FIRST_LABEL: &str = "2023-11-18T20:30:00Z";

fn send(client: &mut DaemonClient, feedback_id: String, video: &Video, kind: FeedbackKind, at: DateTime<Utc>) {
    let request = FeedbackRequest { feedback_id, video: video.clone(), kind, source: FeedbackSource::Popup, at: Some(at) };
    match client.call(RequestBody::Feedback(request)).expect("answered") {
        ResponseBody::Ack(ack) => assert!(ack.stored),
        other => panic!("feedback answered {other:?}"),
    }
}

/// 60 labels from real trending titles by one consistent rule: music is liked and news disliked
/// (interest), education and science videos are "right time" and comedy "not now"
/// (productive); interleaved in time so every fold sees each kind.
fn labels(all: &[Trending]) -> Vec<(Video, FeedbackKind)> {
    let take = |category: &str, n: usize| -> Vec<Video> {
        all.iter().filter(|t| t.category == category).map(|t| t.video.clone()).step_by(3).take(n).collect()
    };
    let groups = [
        (take("Music", 20), FeedbackKind::Like),
        (take("News & Politics", 20), FeedbackKind::Dislike),
        (take("Education", 5).into_iter().chain(take("Science & Technology", 5)).collect(), FeedbackKind::RightTime),
        (take("Comedy", 10), FeedbackKind::NotNow),
    ];
    let mut out = Vec::new();
    for i in 0..20 {
        for (videos, kind) in &groups {
            if let Some(video) = videos.get(i) {
                out.push((video.clone(), *kind));
            }
        }
    }
    assert_eq!(out.len(), 60, "A1 has fewer videos of a category than the rule needs");
    out
}

fn train_json(session: &Session, extra: &[&str]) -> Value {
    let mut args = vec!["train", "--json"];
    args.extend_from_slice(extra);
    let output = session.vrdndi(&args).output().expect("runs vrdndi train");
    assert!(output.status.success(), "train failed: {}", String::from_utf8_lossy(&output.stderr));
    serde_json::from_slice(&output.stdout).expect("the train reply as JSON")
}

#[test]
fn labels_sent_through_the_daemon_train_a_model_that_a_restarted_daemon_serves_identically() {
    let server = AwServer::with_c1();
    let mut session = Session::new(Some(&server.url()));
    session.start_daemon();
    let all = trending();
    let first: DateTime<Utc> = FIRST_LABEL.parse().expect("time");
    let mut client = session.client();
    let labelled = labels(&all);
    for (i, (video, kind)) in labelled.iter().enumerate() {
        send(&mut client, format!("label-{i}"), video, *kind, first + Duration::minutes(6 * i as i64));
    }

    let started = std::time::Instant::now();
    let reply = train_json(&session, &[]);
    eprintln!("vrdndi train: {:?}", started.elapsed());
    assert_eq!(reply["replaced"], true, "the first model replaces the cold start: {reply}");
    let report = &reply["report"];
    assert_eq!(report["kfold"], 5);
    assert_eq!(report["labels"]["interest"], 40);
    assert_eq!(report["labels"]["productive"], 20);
    let folds = report["folds"].as_array().expect("folds");
    assert_eq!(folds.len(), 5);
    for fold in folds {
        assert!(fold["validate_from"].as_str() > fold["train_until"].as_str(), "validation is later than training: {fold}");
        let interest = &fold["interest"];
        for metric in ["precision", "recall", "f1"] {
            let value = interest[metric].as_f64().unwrap_or_else(|| panic!("no interest {metric} in {fold}"));
            assert!((0.0..=1.0).contains(&value));
        }
        assert!(interest.get("auc").is_some(), "{fold}");
    }
    for head in ["interest", "productive"] {
        let mean = &report["mean"][head];
        assert!(mean["f1"].as_f64().is_some() && mean["folds"].as_u64().is_some(), "no mean for {head}: {report}");
    }
    eprintln!("mean: {}; training took {} s", report["mean"], report["seconds"]);
    // Music versus news is easy to tell apart from titles: the interest head must have learnt it.
    let interest_auc = report["mean"]["interest"]["auc"].as_f64().expect("interest AUC");
    assert!(interest_auc > 0.7, "interest AUC {interest_auc}");

    let saved = status(&mut client);
    assert!(saved.model.trained_at.is_some(), "{:?}", saved.model);
    assert!(session.dir.config.data_dir.join("model/rank-model.json").is_file());

    // Unseen videos of the same kinds, scored by the new model at a fixed time.
    let slate: Vec<Video> = ["Music", "News & Politics", "Education", "Comedy"]
        .iter()
        .flat_map(|c| all.iter().filter(|t| t.category == *c).skip(200).take(3).map(|t| t.video.clone()))
        .collect();
    let at = Some("2023-11-19T03:00:00Z");
    let trained = session.score(&slate, at);
    let mut readable = session.vrdndi(&["score", "--candidates", session.candidates_file("c.jsonl", &slate).to_str().expect("utf-8")]);
    let table = String::from_utf8_lossy(&readable.output().expect("runs").stdout).into_owned();
    assert!(table.contains("+trained-60-labels"), "{table}");
    drop(client);

    session.stop_daemon();
    session.start_daemon();
    let again = session.score(&slate, at);
    assert_eq!(trained, again, "a restarted daemon serves the saved model with the same scores");

    // The same rule applied again later: 20 more labels, newer than any the model in use saw.
    let mut client = session.client();
    let later = first + Duration::minutes(6 * labelled.len() as i64);
    for (i, (video, kind)) in labelled.iter().take(20).enumerate() {
        send(&mut client, format!("later-{i}"), video, *kind, later + Duration::minutes(6 * i as i64));
    }
    drop(client);

    // The table: every fold and head, the means, and the decision, made on the validation labels
    // both models never saw (the 16 newest of 80: all later than the model in use).
    let output = session.vrdndi(&["train", "--kfold", "1"]).output().expect("runs vrdndi train");
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    assert!(text.contains("50 interest labels (25 positive) and 30 productive labels (15 positive)"), "{text}");
    assert_eq!(text.lines().filter(|l| l.starts_with("mean ")).count(), 2, "{text}");
    let rows = text.lines().filter(|l| l.split_whitespace().next().is_some_and(|w| w == "mean" || w.parse::<u32>().is_ok()));
    assert_eq!(rows.count(), 2 + 2, "a row per fold and head, and the means: {text}");
    let decision = text.lines().last().unwrap_or_default();
    assert!(decision.contains("on the 16 labels newer than the model in use, mean AUC"), "{text}");
}

#[test]
fn too_few_labels_is_not_enough_data_with_a_clear_message() {
    let mut session = Session::new(None);
    session.start_daemon();
    let mut client = session.client();
    for (i, t) in trending().iter().take(5).enumerate() {
        send(&mut client, format!("f{i}"), &t.video, FeedbackKind::Like, Utc::now());
    }
    let output = session.vrdndi(&["train"]).output().expect("runs vrdndi train");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success(), "training on 5 labels succeeded");
    assert!(stderr.contains("5 labelled videos, at least 20 are needed") && stderr.contains("(not_enough_data)"), "{stderr}");

    match client.call(RequestBody::Train(TrainRequest { kfold: Some(5) })).expect("answered") {
        ResponseBody::Error(error) => assert_eq!(error.code, ErrorCode::NotEnoughData, "{}", error.message),
        other => panic!("train answered {other:?}"),
    }
    assert!(!session.dir.config.data_dir.join("model").exists(), "nothing saved");
    let bad = session.vrdndi(&["train", "--kfold", "99"]).output().expect("runs");
    assert!(!bad.status.success() && String::from_utf8_lossy(&bad.stderr).contains("99"));
}
