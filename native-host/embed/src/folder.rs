//! A model's folder on disk: which files it has, their recorded hashes, and the model key.
//!
//! `<models_dir>/<name>/` holds `model.onnx`, `tokenizer.json` and `model.json`, whoever made it
//! (the setup build for e5, `vrdndi model fetch` for BGE-M3). `model.json` records each file's
//! sha256 and size so the model key costs nothing at start-up: hashing a 1 GB graph takes seconds.
//! A file whose size differs from the record is hashed again, so a replaced graph gets a new key.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::error::{EmbedError, Result};
use crate::registry::ModelInfo;

/// The metadata file in each model folder.
pub const METADATA_FILE: &str = "model.json";

/// Hex digits of the graph's sha256 in a model key: 48 bits tell builds apart.
const KEY_HASH_DIGITS: usize = 12;

/// The parts of `model.json` this crate reads and writes; other keys are kept as they are.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct FolderMetadata {
    #[serde(default)]
    pub name: String,
    /// File name -> sha256 (lowercase hex).
    #[serde(default)]
    pub sha256: BTreeMap<String, String>,
    /// File name -> size in bytes.
    #[serde(default)]
    pub bytes: BTreeMap<String, u64>,
    #[serde(flatten)]
    pub other: serde_json::Map<String, serde_json::Value>,
}

/// One model's folder.
#[derive(Debug, Clone)]
pub struct ModelFolder {
    pub dir: PathBuf,
    pub info: &'static ModelInfo,
}

impl ModelFolder {
    pub fn new(models_dir: &Path, info: &'static ModelInfo) -> ModelFolder {
        ModelFolder { dir: models_dir.join(info.name), info }
    }

    pub fn path(&self, file: &str) -> PathBuf {
        self.dir.join(file)
    }

    /// Both the graph and the tokenizer are there.
    pub fn is_installed(&self) -> bool {
        self.info.files().iter().all(|file| self.path(file.name).is_file())
    }

    /// `model.json`, or `None` when the folder has none.
    pub fn metadata(&self) -> Result<Option<FolderMetadata>> {
        let path = self.path(METADATA_FILE);
        match std::fs::read(&path) {
            Ok(bytes) => serde_json::from_slice(&bytes).map(Some).map_err(|source| EmbedError::Metadata { path, source }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(EmbedError::io(path, e)),
        }
    }

    /// Writes `model.json` atomically (temporary file, then rename).
    pub fn write_metadata(&self, metadata: &FolderMetadata) -> Result<()> {
        let path = self.path(METADATA_FILE);
        let mut text = serde_json::to_vec_pretty(metadata).map_err(|source| EmbedError::Metadata { path: path.clone(), source })?;
        text.push(b'\n');
        write_atomically(&path, &text)
    }

    /// The sha256 of one file: the recorded one when the size still matches, else computed.
    pub fn file_sha256(&self, file: &str) -> Result<String> {
        let path = self.path(file);
        let size = std::fs::metadata(&path).map_err(|e| EmbedError::io(&path, e))?.len();
        if let Some(meta) = self.metadata()? {
            if let (Some(hash), Some(&recorded)) = (meta.sha256.get(file), meta.bytes.get(file)) {
                if recorded == size && hash.len() == 64 {
                    return Ok(hash.to_ascii_lowercase());
                }
            }
        }
        sha256_file(&path)
    }

    /// The key that keeps embeddings of different models (or builds, or precisions) apart:
    /// `<name>@<first 12 hex digits of the graph's sha256>`.
    pub fn model_key(&self, model_file: &str) -> Result<String> {
        let hash = self.file_sha256(model_file)?;
        Ok(format!("{}@{}", self.info.name, &hash[..KEY_HASH_DIGITS.min(hash.len())]))
    }
}

/// sha256 of a file, lowercase hex, read in 1 MiB pieces.
pub fn sha256_file(path: &Path) -> Result<String> {
    let mut file = std::fs::File::open(path).map_err(|e| EmbedError::io(path, e))?;
    let mut hasher = Sha256::new();
    let mut buffer = vec![0u8; 1 << 20];
    loop {
        let n = file.read(&mut buffer).map_err(|e| EmbedError::io(path, e))?;
        if n == 0 {
            break;
        }
        hasher.update(&buffer[..n]);
    }
    Ok(hex(&hasher.finalize()))
}

/// Lowercase hex of bytes.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Writes `bytes` to `path` through a sibling temporary file and a rename, so readers never see
/// half a file.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(|e| EmbedError::io(dir, e))?;
    let file_name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let tmp = dir.join(format!(".{file_name}.tmp.{}", std::process::id()));
    std::fs::write(&tmp, bytes).map_err(|e| EmbedError::io(&tmp, e))?;
    std::fs::rename(&tmp, path).map_err(|e| EmbedError::io(path, e))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::registry::EmbeddingModel;

    #[test]
    fn model_key_uses_the_recorded_hash_until_the_file_changes_size() {
        let models = tempfile::tempdir().expect("tempdir");
        let folder = ModelFolder::new(models.path(), EmbeddingModel::MultilingualE5Small.info());
        std::fs::create_dir_all(&folder.dir).expect("mkdir");
        std::fs::write(folder.path("model.onnx"), b"graph").expect("write");
        let real = sha256_file(&folder.path("model.onnx")).expect("hash");
        assert_eq!(folder.model_key("model.onnx").expect("key"), format!("multilingual-e5-small@{}", &real[..12]));

        let recorded = "ab".repeat(32);
        let mut meta = FolderMetadata { name: "multilingual-e5-small".into(), ..FolderMetadata::default() };
        meta.sha256.insert("model.onnx".into(), recorded.clone());
        meta.bytes.insert("model.onnx".into(), 5);
        meta.other.insert("dim".into(), serde_json::json!(384));
        folder.write_metadata(&meta).expect("write meta");
        assert_eq!(folder.model_key("model.onnx").expect("key"), "multilingual-e5-small@abababababab");
        assert_eq!(folder.metadata().expect("read").expect("present").other["dim"], 384, "unknown keys survive");

        std::fs::write(folder.path("model.onnx"), b"another graph").expect("write");
        let changed = sha256_file(&folder.path("model.onnx")).expect("hash");
        assert_eq!(folder.model_key("model.onnx").expect("key"), format!("multilingual-e5-small@{}", &changed[..12]));
    }
}
