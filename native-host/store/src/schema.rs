//! The schema version and the migrations that bring an older store up to it.
//!
//! The version lives in sled's default tree under [`VERSION_KEY`]. `MIGRATIONS[n]` brings a store
//! from version `n` to `n + 1`; the version is written (and flushed) after each step succeeds, so a
//! failed step leaves the store at the last good version with nothing lost. Adding a field with a
//! serde default needs no migration; renaming a tree or re-keying records does.

use chrono::Utc;

use crate::error::{Result, StoreError};

/// The schema this release writes.
pub const SCHEMA_VERSION: u32 = 1;

pub(crate) const VERSION_KEY: &[u8] = b"schema_version";
pub(crate) const CREATED_KEY: &[u8] = b"created_at";

type Migration = fn(&sled::Db) -> Result<()>;

/// `MIGRATIONS[n]` migrates version `n` to `n + 1`; its length is the current version.
const MIGRATIONS: [Migration; SCHEMA_VERSION as usize] = [v0_to_v1];

/// Version 0 is any store without a version key (made before the schema was versioned, or new).
/// Version 1 records when the store was first versioned, so that status can tell a store's age.
fn v0_to_v1(db: &sled::Db) -> Result<()> {
    if db.get(CREATED_KEY)?.is_none() {
        db.insert(CREATED_KEY, Utc::now().to_rfc3339().as_bytes())?;
    }
    Ok(())
}

pub(crate) fn read_version(db: &sled::Db) -> Result<u32> {
    match db.get(VERSION_KEY)? {
        None => Ok(0),
        Some(bytes) => <[u8; 4]>::try_from(bytes.as_ref())
            .map(u32::from_be_bytes)
            .map_err(|_| StoreError::Corrupt { what: "schema version", detail: format!("{} bytes", bytes.len()) }),
    }
}

pub(crate) fn migrate(db: &sled::Db) -> Result<()> {
    migrate_with(db, &MIGRATIONS)
}

fn migrate_with(db: &sled::Db, migrations: &[Migration]) -> Result<()> {
    let supported = u32::try_from(migrations.len()).unwrap_or(u32::MAX);
    let found = read_version(db)?;
    if found > supported {
        return Err(StoreError::SchemaTooNew { found, supported });
    }
    for (from, step) in (found..).zip(&migrations[found as usize..]) {
        step(db).map_err(|e| StoreError::Migration { from, detail: e.to_string() })?;
        db.insert(VERSION_KEY, &(from + 1).to_be_bytes())?;
        db.flush()?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Store;
    use vrdndi_protocol::Video;

    fn raw_db(dir: &std::path::Path) -> sled::Db {
        sled::Config::new().path(dir).open().expect("raw sled opens")
    }

    /// A store written before versioning: a video in the videos tree and no version key.
    #[test]
    fn a_v0_store_migrates_to_the_current_version_and_keeps_its_records() {
        let dir = tempfile::tempdir().expect("temp dir");
        {
            let db = raw_db(dir.path());
            let videos = db.open_tree(crate::videos::TREE).expect("tree");
            let video = Video::new("dQw4w9WgXcQ", "Never Gonna Give You Up");
            videos.insert("dQw4w9WgXcQ", serde_json::to_vec(&video).expect("json")).expect("insert");
            db.flush().expect("flush");
            assert_eq!(read_version(&db).expect("version"), 0);
        }
        let store = Store::open(dir.path()).expect("opens and migrates");
        assert_eq!(store.schema_version().expect("version"), SCHEMA_VERSION);
        let video = store.video("dQw4w9WgXcQ").expect("reads").expect("still there");
        assert_eq!(video.title, "Never Gonna Give You Up");
        let created = store.db.get(CREATED_KEY).expect("get").expect("created_at written");
        drop(store);

        let store = Store::open(dir.path()).expect("reopens");
        assert_eq!(store.db.get(CREATED_KEY).expect("get"), Some(created), "a second open migrates nothing");
    }

    #[test]
    fn steps_run_in_order_and_a_failed_step_keeps_the_last_good_version() {
        fn mark(db: &sled::Db, step: u8) -> Result<()> {
            let mut log = db.get("log")?.map(|v| v.to_vec()).unwrap_or_default();
            log.push(step);
            db.insert("log", log)?;
            Ok(())
        }
        let table: [Migration; 3] =
            [|db| mark(db, 0), |db| mark(db, 1), |_| Err(StoreError::Corrupt { what: "test", detail: "boom".into() })];
        let dir = tempfile::tempdir().expect("temp dir");
        let db = raw_db(dir.path());
        match migrate_with(&db, &table) {
            Err(StoreError::Migration { from: 2, .. }) => {}
            other => panic!("expected the third step to fail, got {other:?}"),
        }
        assert_eq!(read_version(&db).expect("version"), 2);
        assert_eq!(db.get("log").expect("get").expect("log").to_vec(), vec![0, 1]);
        migrate_with(&db, &table[..2]).expect("nothing left to run");
        assert_eq!(db.get("log").expect("get").expect("log").to_vec(), vec![0, 1], "done steps do not run again");
    }

    #[test]
    fn a_store_from_a_newer_release_is_refused_untouched() {
        let dir = tempfile::tempdir().expect("temp dir");
        {
            let db = raw_db(dir.path());
            db.insert(VERSION_KEY, &99u32.to_be_bytes()).expect("insert");
            db.flush().expect("flush");
        }
        match Store::open(dir.path()) {
            Err(StoreError::SchemaTooNew { found: 99, supported: SCHEMA_VERSION }) => {}
            Err(other) => panic!("expected SchemaTooNew, got {other}"),
            Ok(_) => panic!("a newer store must not open"),
        }
        let db = raw_db(dir.path());
        assert_eq!(read_version(&db).expect("version"), 99);
    }
}
