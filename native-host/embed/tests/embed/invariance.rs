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
