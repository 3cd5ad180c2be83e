//! Vrdndi's local store: one sled database per data dir, owned by one process (the daemon).
//!
//! sled allows one process per database, so [`Store::open`] takes an exclusive lock first and reports
//! [`StoreError::Locked`] when another process has it; the daemon treats that as "another daemon won".
//! Every write method that records something a peer is told about (labels, watches, history,
//! impressions, settings) returns only after sled has flushed it to disk, so a process killed right
//! after an acknowledgement loses nothing. Records are JSON (readable, and new optional fields need
//! no migration); embeddings are raw little-endian `f32`s.

mod codec;
mod embeddings;
mod error;
mod history;
mod impressions;
mod labels;
mod schema;
mod settings;
mod videos;
mod watches;

use std::fs::{File, OpenOptions};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use vrdndi_protocol::StoreCounts;

pub use error::{Result, StoreError};
pub use history::{history_key, ImportOutcome, StoredHistory};
pub use impressions::{Impression, ImpressionTile};
pub use labels::{StoredLabel, UndoOutcome};
pub use schema::SCHEMA_VERSION;
pub use videos::merge_video;
pub use watches::WatchEvent;

/// The lock file next to sled's files; held for as long as any clone of the [`Store`] lives.
const LOCK_FILE: &str = "vrdndi.lock";

/// sled's page cache; the store is small (labels, history, a few thousand embeddings).
const CACHE_BYTES: u64 = 64 * 1024 * 1024;

/// A handle on the open store. Cheap to clone; every clone shares one database.
#[derive(Clone)]
pub struct Store {
    db: sled::Db,
    videos: sled::Tree,
    embeddings: sled::Tree,
    labels: sled::Tree,
    impressions: sled::Tree,
    watches: sled::Tree,
    history: sled::Tree,
    settings: sled::Tree,
    path: PathBuf,
    _lock: Arc<File>,
}

impl Store {
    /// Opens (creating if needed) the store in `dir`, migrating its schema to [`SCHEMA_VERSION`].
    pub fn open(dir: &Path) -> Result<Store> {
        let io = |source| StoreError::Io { path: dir.to_path_buf(), source };
        create_private_dir(dir).map_err(io)?;
        let lock = OpenOptions::new().create(true).truncate(false).read(true).write(true).open(dir.join(LOCK_FILE)).map_err(io)?;
        if let Err(error) = fs2::FileExt::try_lock_exclusive(&lock) {
            return Err(if error.raw_os_error() == fs2::lock_contended_error().raw_os_error() {
                StoreError::Locked { path: dir.to_path_buf() }
            } else {
                io(error)
            });
        }
        let db = sled::Config::new().path(dir).cache_capacity(CACHE_BYTES).open()?;
        schema::migrate(&db)?;
        Ok(Store {
            videos: db.open_tree(videos::TREE)?,
            embeddings: db.open_tree(embeddings::TREE)?,
            labels: db.open_tree(labels::TREE)?,
            impressions: db.open_tree(impressions::TREE)?,
            watches: db.open_tree(watches::TREE)?,
            history: db.open_tree(history::TREE)?,
            settings: db.open_tree(settings::TREE)?,
            db,
            path: dir.to_path_buf(),
            _lock: Arc::new(lock),
        })
    }

    /// Where the store lives.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The schema version the store is at (always [`SCHEMA_VERSION`] once open).
    pub fn schema_version(&self) -> Result<u32> {
        schema::read_version(&self.db)
    }

    /// Writes everything pending to disk.
    pub fn flush(&self) -> Result<()> {
        self.db.flush()?;
        Ok(())
    }

    /// How many records each tree holds.
    pub fn counts(&self) -> StoreCounts {
        StoreCounts {
            videos: self.videos.len() as u64,
            labels: self.labels.len() as u64,
            impressions: self.impressions.len() as u64,
            watches: self.watches.len() as u64,
            history: self.history.len() as u64,
            embeddings: self.embeddings.len() as u64,
        }
    }
}

/// The store holds what a person watched and when: keep it to its owner (0700) where we create it.
fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_open_in_another_handle_is_told_locked() {
        let dir = tempfile::tempdir().expect("temp dir");
        let store = Store::open(dir.path()).expect("opens");
        match Store::open(dir.path()) {
            Err(StoreError::Locked { path }) => assert_eq!(path, dir.path()),
            Err(other) => panic!("expected Locked, got {other}"),
            Ok(_) => panic!("expected Locked, the store opened twice"),
        }
        drop(store);
        Store::open(dir.path()).expect("reopens once the first handle is gone");
    }

    #[test]
    fn a_new_store_is_empty_and_at_the_current_schema() {
        let dir = tempfile::tempdir().expect("temp dir");
        let store = Store::open(&dir.path().join("nested/store")).expect("opens");
        assert_eq!(store.counts(), StoreCounts::default());
        assert_eq!(store.schema_version().expect("version"), SCHEMA_VERSION);
    }
}
