//! Rust (ort + tokenizers) against Python (onnxruntime + tokenizers, models/check-model.py) on the
//! same model and the same titles: same token ids, embeddings within cosine 0.9999.

use vrdndi_embed::{cosine, TextKind};

use crate::common::{self, titles::trending_titles};

/// Real trending titles plus hand-written ones in other scripts, an empty title and a long one.
fn sample_titles() -> Vec<String> {
    let mut titles = trending_titles(60).expect("read trending titles");
    titles.extend(
        [
            "Comment faire du pain au levain à la maison",
            "Cómo aprender a programar en Rust desde cero",
            "Как приготовить борщ: пошаговый рецепт",
            "東京の夜景を歩く 4K",
            "한국 여행 브이로그: 서울에서 부산까지",
            "आज का मौसम समाचार",
            "",
            "  leading and trailing spaces  ",
        ]
        .map(String::from),
    );
    titles
}

fn assert_matches_reference(kind: TextKind, kind_name: &str) {
    let titles = sample_titles();
    let reference = common::python_reference(&titles, kind_name);
    assert_eq!(reference.len(), titles.len());
    let embedder = common::e5(32);
    let ours = embedder.embed(&titles, kind).expect("embed");
    for (i, title) in titles.iter().enumerate() {
        let (ref_ids, ref_vec) = &reference[i];
        assert_eq!(&embedder.token_ids(title, kind).expect("ids"), ref_ids, "token ids differ for {title:?}");
        assert_eq!(ours[i].len(), 384);
        let c = cosine(&ours[i], ref_vec);
        assert!(c >= 0.9999, "cosine {c} < 0.9999 for {title:?}");
    }
}

#[test]
fn queries_match_the_python_reference() {
    assert_matches_reference(TextKind::Query, "query");
}

#[test]
fn passages_match_the_python_reference() {
    assert_matches_reference(TextKind::Passage, "passage");
}
