//! What must not change an embedding: batch size, sorting, the company a title keeps; and what a
//! multilingual model must get right: a title and its translation are closer than unrelated titles.

use vrdndi_embed::{cosine, Embedder, EmbedderOptions, EmbeddingModel, Precision};

use crate::common::{self, titles::trending_titles};

fn assert_same(a: &[Vec<f32>], b: &[Vec<f32>], what: &str) {
    assert_eq!(a.len(), b.len());
    for (i, (x, y)) in a.iter().zip(b).enumerate() {
        let c = cosine(x, y);
        assert!(c >= 0.99999, "{what}: row {i} cosine {c}");
    }
}

#[test]
fn batch_size_does_not_change_the_output() {
    let titles = trending_titles(70).expect("titles");
    let one = common::e5(1).embed_queries(&titles).expect("batch 1");
    let seven = common::e5(7).embed_queries(&titles).expect("batch 7");
    let many = common::e5(32).embed_queries(&titles).expect("batch 32");
    assert_same(&one, &seven, "batch 1 vs 7");
    assert_same(&one, &many, "batch 1 vs 32");
}

#[test]
fn length_sorting_only_changes_the_work_not_the_order() {
    let titles = trending_titles(50).expect("titles");
    let sorted = common::e5(8).embed_queries(&titles).expect("sorted");
    let unsorted = Embedder::new(
        EmbedderOptions::new(EmbeddingModel::MultilingualE5Small)
            .with_models_dir(common::models_dir())
            .with_threads(2)
            .with_batch_size(8)
            .with_sort_by_length(false),
    )
    .expect("load")
    .embed_queries(&titles)
    .expect("unsorted");
    assert_same(&sorted, &unsorted, "sorted vs unsorted");
    // Order is the input's: each title alone gives its own row.
    let alone = common::e5(1).embed_queries(&titles[7..8]).expect("alone");
    assert!(cosine(&alone[0], &sorted[7]) >= 0.99999);
}

#[test]
fn a_title_is_closer_to_its_translation_than_to_unrelated_titles() {
    let pairs = [
        ("How to bake sourdough bread at home", "Comment faire du pain au levain à la maison"),
        ("Football highlights: Real Madrid against Barcelona", "Résumé du match de football : Real Madrid contre Barcelone"),
        ("Learn Rust ownership and borrowing in ten minutes", "Apprendre la propriété et l'emprunt en Rust en dix minutes"),
        ("The history of the Roman Empire explained", "L'histoire de l'Empire romain expliquée"),
    ];
    let embedder = common::e5(32);
    let en = embedder.embed_queries(&pairs.map(|p| p.0)).expect("en");
    let fr = embedder.embed_queries(&pairs.map(|p| p.1)).expect("fr");
    for i in 0..pairs.len() {
        let same = cosine(&en[i], &fr[i]);
        for j in (0..pairs.len()).filter(|&j| j != i) {
            let other = cosine(&en[i], &fr[j]);
            assert!(same > other, "{:?}: translation {same:.3} not above unrelated {:?} {other:.3}", pairs[i].0, pairs[j].1);
        }
    }
}

#[test]
fn empty_input_gives_empty_output_and_long_input_is_truncated() {
    let embedder = common::e5(32);
    assert!(embedder.embed_queries::<&str>(&[]).expect("empty").is_empty());
    let long = "word ".repeat(2000);
    assert_eq!(embedder.token_ids(&long, vrdndi_embed::TextKind::Query).expect("ids").len(), vrdndi_embed::DEFAULT_MAX_LENGTH);
    let v = embedder.embed_queries(&[long]).expect("long");
    assert!((v[0].iter().map(|x| x * x).sum::<f32>() - 1.0).abs() < 1e-4);
}

#[test]
fn model_key_names_the_model_and_its_graph() {
    let full = common::e5(32);
    let hash = vrdndi_embed::folder::sha256_file(&common::e5_dir().join("model.onnx")).expect("hash");
    assert_eq!(full.model_key(), format!("multilingual-e5-small@{}", &hash[..12]));
    assert_eq!(full.precision(), Precision::Full);
}

/// A models dir whose e5 folder links to the real files, without `model.int8.onnx` unless asked.
fn linked_models_dir(with_int8: bool) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    let folder = dir.path().join("multilingual-e5-small");
    std::fs::create_dir(&folder).expect("mkdir");
    for name in ["model.onnx", "tokenizer.json", "model.json", "model.int8.onnx"] {
        if name == "model.int8.onnx" && !with_int8 {
            continue;
        }
        let source = common::e5_dir().join(name);
        assert!(source.is_file(), "{} is missing: run scripts/deps.sh", source.display());
        std::os::unix::fs::symlink(&source, folder.join(name)).expect("symlink");
    }
    dir
}

fn auto_on_cpu(models_dir: &std::path::Path) -> vrdndi_embed::Embedder {
    vrdndi_embed::Embedder::new(
        vrdndi_embed::EmbedderOptions::default()
            .with_models_dir(models_dir)
            .with_threads(2)
            .with_device(vrdndi_embed::Device::Cpu)
            .with_precision(Precision::Auto),
    )
    .expect("load")
}

#[test]
fn auto_precision_loads_int8_on_the_cpu_when_the_folder_has_it_and_keys_its_vectors_apart() {
    let with = linked_models_dir(true);
    let int8 = auto_on_cpu(with.path());
    assert_eq!(int8.precision(), Precision::Int8);
    assert!(int8.model_path().ends_with("model.int8.onnx"), "{}", int8.model_path().display());

    let without = linked_models_dir(false);
    let full = auto_on_cpu(without.path());
    assert_eq!(full.precision(), Precision::Full);
    assert_ne!(int8.model_key(), full.model_key(), "two graphs must never share cached vectors");

    let titles = ["Rust async explained", "Lo-fi beats to relax to"];
    let a = int8.embed_queries(&titles).expect("int8");
    let b = full.embed_queries(&titles).expect("full");
    for (x, y) in a.iter().zip(&b) {
        let cos: f32 = x.iter().zip(y).map(|(p, q)| p * q).sum();
        assert!(cos > 0.99, "int8 strays from full: cosine {cos}");
    }
}
