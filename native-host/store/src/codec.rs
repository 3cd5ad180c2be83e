//! How records become sled values and keys: JSON values, big-endian time-ordered keys.

use chrono::{DateTime, Utc};
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::error::{Result, StoreError};

pub(crate) fn encode<T: Serialize>(what: &'static str, value: &T) -> Result<Vec<u8>> {
    serde_json::to_vec(value).map_err(|source| StoreError::Encode { what, source })
}

pub(crate) fn decode<T: DeserializeOwned>(what: &'static str, bytes: &[u8]) -> Result<T> {
    serde_json::from_slice(bytes).map_err(|e| StoreError::Corrupt { what, detail: e.to_string() })
}

/// A key that sorts by time, then by a per-database unique id (so two events in the same
/// millisecond both keep their place). Times before 1970 clamp to 0.
pub(crate) fn time_key(at: DateTime<Utc>, unique: u64) -> [u8; 16] {
    let millis = u64::try_from(at.timestamp_millis()).unwrap_or(0);
    let mut key = [0u8; 16];
    key[..8].copy_from_slice(&millis.to_be_bytes());
    key[8..].copy_from_slice(&unique.to_be_bytes());
    key
}

/// Sled transactions abort with our error type; this lifts an encode/decode error into one.
pub(crate) fn abort<T>(result: Result<T>) -> sled::transaction::ConflictableTransactionResult<T, StoreError> {
    result.map_err(sled::transaction::ConflictableTransactionError::Abort)
}
