//! Why a store operation failed. `Locked` is told apart because it is not a failure for the
//! daemon: it means another process already owns this store.

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// Another process holds the store open (sled allows one process per database).
    #[error("the store at {path} is in use by another process")]
    Locked { path: PathBuf },
    /// The store directory or its lock file could not be created or opened.
    #[error("cannot open the store at {path}: {source}")]
    Io { path: PathBuf, source: std::io::Error },
    /// sled failed to open, read, write or flush.
    #[error("store failure: {0}")]
    Sled(#[from] sled::Error),
    /// A record could not be encoded for the store.
    #[error("cannot encode a {what} for the store: {source}")]
    Encode { what: &'static str, source: serde_json::Error },
    /// A stored record could not be read back: the store is damaged or from a newer release.
    #[error("a stored {what} is unreadable: {detail}")]
    Corrupt { what: &'static str, detail: String },
    /// The store was written by a newer release of Vrdndi.
    #[error("the store has schema version {found}; this release reads up to {supported}: update Vrdndi")]
    SchemaTooNew { found: u32, supported: u32 },
    /// A schema migration failed; the store keeps its old version and nothing is lost.
    #[error("migrating the store from schema {from} failed: {detail}")]
    Migration { from: u32, detail: String },
    /// The caller asked for something the store does not hold.
    #[error("no {what} `{key}` in the store")]
    NotFound { what: &'static str, key: String },
}

impl From<sled::transaction::TransactionError<StoreError>> for StoreError {
    fn from(error: sled::transaction::TransactionError<StoreError>) -> Self {
        match error {
            sled::transaction::TransactionError::Abort(inner) => inner,
            sled::transaction::TransactionError::Storage(inner) => StoreError::Sled(inner),
        }
    }
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;
