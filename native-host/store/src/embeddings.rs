//! The embedding cache: one vector per (model, text), so a title is embedded once per model.
//!
//! Keys are the model name, a 0 byte, and the SHA-256 of the text (titles can be long and the key
//! must not depend on Rust's unstable `Hash`). Values are little-endian `f32`s. The cache is
//! rebuilt by embedding again, so its writes are not flushed one by one.

use sha2::{Digest, Sha256};

use crate::error::{Result, StoreError};
use crate::Store;

pub(crate) const TREE: &str = "embeddings";

fn key(model: &str, text: &str) -> Vec<u8> {
    let mut key = Vec::with_capacity(model.len() + 33);
    key.extend_from_slice(model.as_bytes());
    key.push(0);
    key.extend_from_slice(&Sha256::digest(text.as_bytes()));
    key
}

fn to_bytes(vector: &[f32]) -> Vec<u8> {
    vector.iter().flat_map(|x| x.to_le_bytes()).collect()
}

fn from_bytes(bytes: &[u8]) -> Result<Vec<f32>> {
    let chunks = bytes.chunks_exact(4);
    if !chunks.remainder().is_empty() {
        return Err(StoreError::Corrupt { what: "embedding", detail: format!("{} bytes is not a list of f32", bytes.len()) });
    }
    Ok(chunks.map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]])).collect())
}

impl Store {
    pub fn embedding(&self, model: &str, text: &str) -> Result<Option<Vec<f32>>> {
        self.embeddings.get(key(model, text))?.map(|bytes| from_bytes(&bytes)).transpose()
    }

    /// Caches the vectors of several texts of one model in one batch.
    pub fn put_embeddings<'a>(&self, model: &str, items: impl IntoIterator<Item = (&'a str, &'a [f32])>) -> Result<()> {
        let mut batch = sled::Batch::default();
        for (text, vector) in items {
            batch.insert(key(model, text), to_bytes(vector));
        }
        self.embeddings.apply_batch(batch)?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vectors_round_trip_per_model_and_text() {
        let dir = tempfile::tempdir().expect("temp dir");
        let store = Store::open(dir.path()).expect("opens");
        let a = [0.25f32, -1.5, 3.0e-7];
        let b = [1.0f32, 2.0];
        store.put_embeddings("e5-small", [("Rust in 100 seconds", &a[..]), ("lofi beats", &b[..])]).expect("put");
        assert_eq!(store.embedding("e5-small", "Rust in 100 seconds").expect("get"), Some(a.to_vec()));
        assert_eq!(store.embedding("e5-small", "lofi beats").expect("get"), Some(b.to_vec()));
        assert_eq!(store.embedding("other-model", "lofi beats").expect("get"), None);
        assert_eq!(store.counts().embeddings, 2);
    }
}
