//! Which model the person chose: `<data_dir>/embedding-model.json`, written by `vrdndi model use`
//! and read by the daemon when it loads the embedder.
//!
//! A file of its own (not a field in a larger settings file) so that the CLI can change it while a
//! daemon runs without either side rewriting the other's settings.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::error::{EmbedError, Result};
use crate::folder::write_atomically;
use crate::registry::EmbeddingModel;

pub const CHOICE_FILE: &str = "embedding-model.json";

#[derive(Debug, Serialize, Deserialize)]
struct Choice {
    model: String,
}

pub fn choice_path(data_dir: &Path) -> PathBuf {
    data_dir.join(CHOICE_FILE)
}

/// The chosen model; the default one when nothing was chosen. A file naming an unknown model is
/// an error, not a silent fallback: the person chose something and should hear it did not hold.
pub fn read_choice(data_dir: &Path) -> Result<EmbeddingModel> {
    let path = choice_path(data_dir);
    let bytes = match std::fs::read(&path) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(EmbeddingModel::default()),
        Err(e) => return Err(EmbedError::io(path, e)),
    };
    let choice: Choice = serde_json::from_slice(&bytes).map_err(|source| EmbedError::Metadata { path, source })?;
    EmbeddingModel::from_name(&choice.model)
}

pub fn write_choice(data_dir: &Path, model: EmbeddingModel) -> Result<()> {
    let mut text = serde_json::to_vec_pretty(&Choice { model: model.name().to_owned() })
        .map_err(|source| EmbedError::Metadata { path: choice_path(data_dir), source })?;
    text.push(b'\n');
    write_atomically(&choice_path(data_dir), &text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_until_chosen_then_the_choice() {
        let dir = tempfile::tempdir().expect("tempdir");
        assert_eq!(read_choice(dir.path()).expect("read"), EmbeddingModel::MultilingualE5Small);
        write_choice(dir.path(), EmbeddingModel::BgeM3).expect("write");
        assert_eq!(read_choice(dir.path()).expect("read"), EmbeddingModel::BgeM3);
    }

    #[test]
    fn unknown_model_in_the_file_is_an_error() {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::write(choice_path(dir.path()), r#"{"model":"gpt"}"#).expect("write");
        assert!(read_choice(dir.path()).is_err());
    }
}
