//! A saved model holds every weight: reloading it gives bit-identical scores.

use vrdndi_rank::synthetic::Scenario;
use vrdndi_rank::{train, Model, NetConfig, Preferences, RankError, Ranker, TrainOptions, CONFIG_FILE};

fn trained() -> (Model, Scenario) {
    let mut world = Scenario::new(48, 11);
    let labels = world.labels(120);
    let opts = TrainOptions {
        kfold: 0,
        epochs: 2,
        net: Some(NetConfig { hidden: 16, head_hidden: 16, ..NetConfig::new(48) }),
        ..TrainOptions::new("e5-test")
    };
    (train(&labels, &opts).expect("trains").0, world)
}

#[test]
fn a_reloaded_model_scores_bit_identically() {
    let (mut model, mut world) = trained();
    let dir = tempfile::tempdir().expect("tempdir");
    model.save(dir.path()).expect("saves");
    let loaded = Model::load(dir.path(), "e5-test").expect("loads");
    assert_eq!(loaded.config(), model.config());

    let (context, _) = world.context(world.start);
    let slate: Vec<_> = (0..48).map(|i| world.candidate(i % 24, i)).collect();
    let before = model.predict(&slate, &context).expect("predicts");
    let after = loaded.predict(&slate, &context).expect("predicts");
    let bits = |v: &[(f32, f32)]| v.iter().map(|(a, b)| (a.to_bits(), b.to_bits())).collect::<Vec<_>>();
    assert_eq!(bits(&before), bits(&after));

    // Through the ranker too, and a fresh (differently initialised) model differs.
    let profile = world.profile(20);
    let a = Ranker::load(dir.path(), "e5-test").expect("ranker");
    assert!(a.model().is_some() && a.name().starts_with("e5-test+trained"));
    let b = Ranker::cold_start("e5-test").with_model(model).expect("same embedder");
    let prefs = Preferences::default();
    assert_eq!(a.score(&profile, &context, &slate, &prefs).expect("s"), b.score(&profile, &context, &slate, &prefs).expect("s"));
    let fresh = Model::init("e5-test", loaded.config().net.clone(), loaded.config().stats, 99).expect("init");
    assert_ne!(bits(&fresh.predict(&slate, &context).expect("p")), bits(&after));
}

#[test]
fn a_model_for_another_embedder_is_refused() {
    let (mut model, _) = trained();
    let dir = tempfile::tempdir().expect("tempdir");
    model.save(dir.path()).expect("saves");
    let err = Model::load(dir.path(), "bge-m3").unwrap_err();
    assert!(matches!(err, RankError::EmbedderMismatch { ref saved, ref current } if saved == "e5-test" && current == "bge-m3"));
    assert!(Ranker::load(dir.path(), "bge-m3").is_err());
}

#[test]
fn a_missing_or_extra_weight_is_an_error_not_a_random_layer() {
    let (mut model, _) = trained();
    let dir = tempfile::tempdir().expect("tempdir");
    model.save(dir.path()).expect("saves");
    let weights = dir.path().join(&model.config().weights);
    let mut tensors = candle_core::safetensors::load(&weights, &candle_core::Device::Cpu).expect("reads");
    let head = tensors.remove("productive.out.weight").expect("the productive head is saved");
    candle_core::safetensors::save(&tensors, &weights).expect("writes");
    let err = Model::load(dir.path(), "e5-test").unwrap_err().to_string();
    assert!(err.contains("`productive.out.weight` is missing"), "{err}");

    tensors.insert("productive.out.weight".into(), head);
    tensors.insert("lora.a".into(), candle_core::Tensor::zeros(2, candle_core::DType::F32, &candle_core::Device::Cpu).expect("t"));
    candle_core::safetensors::save(&tensors, &weights).expect("writes");
    let err = Model::load(dir.path(), "e5-test").unwrap_err().to_string();
    assert!(err.contains("unexpected tensor `lora.a`"), "{err}");
}

#[test]
fn saving_again_replaces_the_model_and_leaves_one_weights_file() {
    let (mut model, _) = trained();
    let dir = tempfile::tempdir().expect("tempdir");
    model.save(dir.path()).expect("saves");
    model.save(dir.path()).expect("saves again");
    let files: Vec<String> =
        std::fs::read_dir(dir.path()).expect("dir").map(|e| e.expect("entry").file_name().to_string_lossy().into_owned()).collect();
    assert_eq!(files.len(), 2, "{files:?}");
    assert!(files.contains(&CONFIG_FILE.to_owned()));
    assert!(Ranker::load(&dir.path().join("nothing-here"), "e5-test").expect("cold").model().is_none());
}
