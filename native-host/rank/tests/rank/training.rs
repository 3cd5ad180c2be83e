//! Training: time-ordered folds, class balance, masked heads, and that it learns.

use chrono::{Duration, TimeZone, Utc};
use vrdndi_rank::synthetic::Scenario;
use vrdndi_rank::{class_weights, time_series_folds, train, train_against, NetConfig, RankError, TrainOptions};

#[test]
fn folds_never_validate_on_the_past_or_split_a_moment() {
    let t0 = Utc.with_ymd_and_hms(2024, 1, 1, 0, 0, 0).single().expect("t");
    // Labels in bursts: several given at the same second.
    let times: Vec<_> = (0..40).map(|i| t0 + Duration::minutes((i / 3) * 7)).collect();
    for k in [1, 2, 5] {
        let folds = time_series_folds(&times, k).expect("folds");
        assert_eq!(folds.len(), k);
        for f in &folds {
            assert_eq!(f.train.start, 0, "training grows from the oldest label");
            assert_eq!(f.train.end, f.validate.start);
            assert!(times[f.train.end - 1] < times[f.validate.start], "a moment sits on both sides");
        }
        assert_eq!(folds.last().expect("fold").validate.end, times.len());
    }
    assert!(matches!(time_series_folds(&times[..3], 5), Err(RankError::NotEnoughData(_))));
    let mut shuffled = times.clone();
    shuffled.swap(0, 10);
    assert!(time_series_folds(&shuffled, 2).is_err());
}

#[test]
fn class_weights_balance_the_classes_and_multiply() {
    let (pos, neg) = class_weights([true, false, false, false].into_iter());
    assert_eq!((pos, neg), (2.0, 4.0 / 6.0));
    assert!((pos * 1.0 - neg * 3.0).abs() < 1e-6, "each class carries half the total weight");
    assert_eq!(class_weights([true, true].into_iter()), (1.0, 1.0));
}

#[test]
fn the_report_is_time_ordered_and_the_model_learns_both_heads() {
    let mut world = Scenario::new(64, 3);
    let labels = world.labels(800);
    let opts = TrainOptions {
        kfold: 2,
        steps: 150,
        net: Some(NetConfig { hidden: 32, head_hidden: 32, ..NetConfig::new(64) }),
        ..TrainOptions::new("e5-test")
    };
    let (model, report) = train(&labels, &opts).expect("trains");
    assert_eq!(report.folds.len(), 2);
    assert!(report.epochs >= 4);
    for f in &report.folds {
        assert!(f.train_until < f.validate_from);
    }
    let interest = report.mean.interest.as_ref().expect("interest metrics");
    let productive = report.mean.productive.as_ref().expect("productive metrics");
    // 10% of the synthetic labels are flipped, so about 0.9 is the ceiling.
    assert!(interest.auc.expect("auc") > 0.7, "{report:#?}");
    assert!(productive.auc.expect("auc") > 0.6, "{report:#?}");
    let counts = model.config().labels;
    assert_eq!(counts.interest, labels.iter().filter(|l| l.interest.is_some()).count());
    assert_eq!(counts.productive, labels.iter().filter(|l| l.productive.is_some()).count());
    let json = serde_json::to_value(&report).expect("serializes");
    assert!(json["folds"][0]["productive"]["f1"].is_number());
    assert!(json["mean"]["interest"]["auc"].is_number());
}

#[test]
fn too_few_labels_is_a_clear_error() {
    let mut world = Scenario::new(16, 5);
    let labels = world.labels(5);
    let err = train(&labels, &TrainOptions::new("e5-test")).unwrap_err();
    assert!(matches!(err, RankError::NotEnoughData(_)));
    assert!(err.to_string().contains("5 labelled videos"), "{err}");
}

/// A model trained on the older half is compared with a new run only on labels newer than
/// anything it saw, each scored by the fold model that validated it.
#[test]
fn the_model_in_use_is_compared_on_the_labels_it_never_saw() {
    let mut world = Scenario::new(64, 11);
    let mut labels = world.labels(600);
    labels.sort_by_key(|l| l.at());
    let opts = TrainOptions {
        kfold: 3,
        steps: 120,
        net: Some(NetConfig { hidden: 32, head_hidden: 32, ..NetConfig::new(64) }),
        ..TrainOptions::new("e5-test")
    };
    let (old, _) = train(&labels[..300], &TrainOptions { kfold: 0, ..opts.clone() }).expect("trains the model in use");
    let boundary = old.config().labels_until.expect("the newest label trained on is recorded");
    assert_eq!(boundary, labels[299].at());

    let (_, report) = train_against(&labels, &opts, Some(&old)).expect("trains against it");
    let comparison = report.against_current.as_ref().expect("compared");
    assert_eq!(comparison.labels_after, boundary);
    // The folds validate the newest three quarters; those after the boundary are compared.
    let unseen: Vec<_> = labels.iter().filter(|l| l.at() > boundary && l.at() >= report.folds[0].validate_from).collect();
    assert_eq!(comparison.labels, unseen.len());
    let interest = comparison.interest.as_ref().expect("interest compared");
    assert_eq!(interest.new.examples, unseen.iter().filter(|l| l.interest.is_some()).count());
    assert_eq!(interest.new.examples, interest.current.examples);
    // Both learned the synthetic world: above chance on the same labels.
    assert!(interest.new.auc.expect("auc") > 0.6 && interest.current.auc.expect("auc") > 0.6, "{comparison:#?}");

    // Nothing newer than the model in use: nothing to compare on.
    let quick = TrainOptions { kfold: 1, steps: 20, ..opts.clone() };
    let (_, report) = train_against(&labels[..300], &quick, Some(&old)).expect("trains");
    assert_eq!(report.against_current, None);
    // A model that reads other embeddings is not compared.
    let other = TrainOptions { embedder: "another-model".into(), ..quick };
    assert_eq!(train_against(&labels, &other, Some(&old)).expect("trains").1.against_current, None);
}
