//! `vrdndi model fetch bge-m3` against a local server: an interrupted download resumes where it
//! stopped, a file with the wrong hash is never installed, and the fetched model loads.

mod model_support;

use model_support::{sha256, text, tiny_model, vrdndi, Server};

const MODEL_PATH: &str = "/onnx/model_fp16.onnx";
const TOKENIZER_PATH: &str = "/tokenizer.json";

/// A server with the tiny graph as BGE-M3's model and the XLM-R tokenizer (the one e5 shares with
/// BGE-M3), and the `--sha256` overrides that make those the expected files.
fn bge_server() -> (Server, Vec<u8>, Vec<u8>, Vec<String>) {
    let model = tiny_model();
    let tokenizer = std::fs::read(model_support::e5_dir().join("tokenizer.json")).expect("read tokenizer");
    let server = Server::start();
    server.file(MODEL_PATH, model.clone());
    server.file(TOKENIZER_PATH, tokenizer.clone());
    let overrides = vec![
        "--sha256".to_owned(),
        format!("model.onnx={}", sha256(&model)),
        "--sha256".to_owned(),
        format!("tokenizer.json={}", sha256(&tokenizer)),
    ];
    (server, model, tokenizer, overrides)
}

fn fetch_args<'a>(server: &'a Server, overrides: &'a [String]) -> Vec<&'a str> {
    let mut args = vec!["model", "fetch", "bge-m3", "--url", server.base.as_str()];
    args.extend(overrides.iter().map(String::as_str));
    args
}

#[test]
fn an_interrupted_download_resumes_and_the_fetched_model_loads() {
    let (server, model, tokenizer, overrides) = bge_server();
    let cut_at = model.len() / 3;
    server.cut_once(MODEL_PATH, cut_at);
    let data = tempfile::tempdir().expect("tempdir");
    let models = data.path().join("models");
    let dir = models.join("bge-m3");

    let first = vrdndi(data.path(), &models, &fetch_args(&server, &overrides));
    assert!(!first.status.success(), "the cut download must fail\n{}", text(&first));
    assert!(text(&first).contains("run the same command again to resume"), "{}", text(&first));
    assert_eq!(std::fs::read(dir.join("tokenizer.json")).expect("tokenizer installed"), tokenizer);
    assert!(!dir.join("model.onnx").exists(), "a partial model must not be installed");
    assert_eq!(std::fs::metadata(dir.join("model.onnx.part")).expect("part kept").len(), cut_at as u64);

    let second = vrdndi(data.path(), &models, &fetch_args(&server, &overrides));
    assert!(second.status.success(), "{}", text(&second));
    let range = format!("bytes={cut_at}-");
    assert!(
        server.requests().iter().any(|(path, r)| path == MODEL_PATH && r.as_deref() == Some(range.as_str())),
        "the rerun must ask for the rest only: {:?}",
        server.requests()
    );
    assert_eq!(std::fs::read(dir.join("model.onnx")).expect("model installed"), model);
    assert!(!dir.join("model.onnx.part").exists());
    let meta: serde_json::Value = serde_json::from_slice(&std::fs::read(dir.join("model.json")).expect("model.json")).expect("json");
    assert_eq!(meta["sha256"]["model.onnx"], sha256(&model));

    // A third run finds everything in place and downloads nothing.
    let before = server.requests().len();
    let third = vrdndi(data.path(), &models, &fetch_args(&server, &overrides));
    assert!(third.status.success() && text(&third).contains("already there"), "{}", text(&third));
    assert_eq!(server.requests().len(), before);

    // The fetched model is usable: chosen with `model use`, loaded by the embedder, keyed by its hash.
    let used = vrdndi(data.path(), &models, &["model", "use", "bge-m3"]);
    assert!(used.status.success(), "{}", text(&used));
    assert_eq!(vrdndi_embed::read_choice(data.path()).expect("choice"), vrdndi_embed::EmbeddingModel::BgeM3);
    let embedder = vrdndi_embed::Embedder::new(
        vrdndi_embed::EmbedderOptions::new(vrdndi_embed::EmbeddingModel::BgeM3).with_models_dir(&models).with_threads(1),
    )
    .expect("the fetched model loads");
    let vectors = embedder.embed_queries(&["a title", "un titre"]).expect("embed");
    assert_eq!(vectors[0].len(), 1024);
    assert!((vectors[1].iter().map(|x| x * x).sum::<f32>() - 1.0).abs() < 1e-4);
    assert_eq!(embedder.model_key(), format!("bge-m3@{}", &sha256(&model)[..12]));
}

#[test]
fn a_file_with_the_wrong_hash_is_deleted_not_installed() {
    let (server, _model, _tokenizer, _overrides) = bge_server();
    let data = tempfile::tempdir().expect("tempdir");
    let models = data.path().join("models");
    // No override: the registry pins BGE-M3's real tokenizer, which this is not.
    let output = vrdndi(data.path(), &models, &["model", "fetch", "bge-m3", "--url", &server.base]);
    assert!(!output.status.success(), "{}", text(&output));
    let pinned = vrdndi_embed::EmbeddingModel::BgeM3.info().tokenizer_file.remote.expect("remote").sha256;
    assert!(text(&output).contains("sha256") && text(&output).contains(pinned), "{}", text(&output));
    assert!(!models.join("bge-m3/tokenizer.json").exists());
    assert!(!models.join("bge-m3/tokenizer.json.part").exists(), "a corrupt part cannot be resumed: it must go");
    assert!(!server.requests().iter().any(|(path, _)| path == MODEL_PATH), "the model is not fetched after a failure");
}

#[test]
fn a_server_that_ignores_ranges_gets_the_file_again_from_the_start() {
    let (server, model, _tokenizer, overrides) = bge_server();
    server.cut_once(MODEL_PATH, model.len() / 2);
    server.ignore_range(true);
    let data = tempfile::tempdir().expect("tempdir");
    let models = data.path().join("models");
    assert!(!vrdndi(data.path(), &models, &fetch_args(&server, &overrides)).status.success());
    let second = vrdndi(data.path(), &models, &fetch_args(&server, &overrides));
    assert!(second.status.success(), "{}", text(&second));
    assert_eq!(std::fs::read(models.join("bge-m3/model.onnx")).expect("installed"), model);
}
