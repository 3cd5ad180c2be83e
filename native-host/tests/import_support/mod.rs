//! Where the import tests find their inputs: the real Takeout samples in the shared data folder
//! (never copied into the repository) and the hand-written fixtures of the import crate.
//!
//! A test crate using it declares `#[path = "support/test_env.rs"] mod test_env;` too.

#![allow(dead_code)]

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use vrdndi_import::{FileSummary, Imported};
use vrdndi_protocol::{HistoryKind, HistoryRecord};

use crate::test_env::shared_data;

pub fn b1(rest: &str) -> PathBuf {
    shared_data("B1-takeout-watch-histories").join(rest)
}

pub fn b3(rest: &str) -> PathBuf {
    shared_data("B3-takeout-format-samples").join(rest)
}

pub fn fixture(rest: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("import/tests/fixtures").join(rest)
}

pub fn import(path: &Path) -> Imported {
    vrdndi_import::import_path(path).unwrap_or_else(|e| panic!("importing {}: {e}", path.display()))
}

/// The summary of the one file whose path ends with `suffix`.
pub fn file<'a>(imported: &'a Imported, suffix: &str) -> &'a FileSummary {
    imported.summary.file(suffix).unwrap_or_else(|| panic!("no file ending in {suffix} was read"))
}

/// The records of the one file whose path ends with `suffix`.
pub fn records<'a>(imported: &'a Imported, suffix: &str) -> &'a [HistoryRecord] {
    imported.files.iter().find(|f| f.file.ends_with(suffix)).map(|f| f.records.as_slice()).unwrap_or(&[])
}

pub fn by_kind(records: &[HistoryRecord]) -> HashMap<HistoryKind, usize> {
    let mut counts = HashMap::new();
    for record in records {
        *counts.entry(record.kind).or_insert(0) += 1;
    }
    counts
}
