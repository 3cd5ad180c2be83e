//! Reads a Google Takeout of YouTube (a .zip, an unpacked folder, or one file) into
//! [`HistoryRecord`]s, with a [`ImportSummary`] of what was read and what was skipped and why.
//!
//! Every layout Google has shipped is read: the activity JSON and HTML watch and search
//! histories (any account language), the 2019-20 `likes.json`, the 2021-22 playlist CSVs with
//! their header block, the 2024 `<Name>-videos.csv`, and subscriptions. Layouts are told apart by
//! content, because localized exports translate file, folder and column names. One bad record is
//! skipped and reported with its position; one broken file is reported and the others are read.
//!
//! ```no_run
//! let imported = vrdndi_import::import_path(std::path::Path::new("takeout.zip"))?;
//! println!("{} records, {} skipped", imported.records().count(), imported.summary.skipped().values().sum::<u64>());
//! # Ok::<(), vrdndi_import::ImportError>(())
//! ```

mod activity;
mod activity_html;
mod activity_json;
mod classify;
mod csv_rows;
mod error;
mod file;
mod html_time;
mod json_stream;
mod links;
mod playlist_csv;
mod playlist_items_json;
mod playlist_videos_csv;
mod source;
mod subscriptions_csv;
mod summary;
mod titles;

use std::path::Path;

use vrdndi_protocol::HistoryRecord;

pub use error::{FileError, ImportError};
pub use summary::{
    FileSummary, Format, IgnoredFile, ImportSummary, KindCounts, Position, Problem, SkipReason, VideoKindCounts, MAX_PROBLEMS_LISTED,
};

use file::FileOutcome;

/// The records of one file, in the file's order (Takeout writes newest first).
#[derive(Debug, Clone, PartialEq)]
pub struct FileRecords {
    /// Same as the file's [`FileSummary::file`].
    pub file: String,
    pub records: Vec<HistoryRecord>,
}

/// Everything an import read.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Imported {
    /// Files that held records, in the order they were read.
    pub files: Vec<FileRecords>,
    pub summary: ImportSummary,
}

impl Imported {
    /// Every record of every file.
    pub fn records(&self) -> impl Iterator<Item = &HistoryRecord> {
        self.files.iter().flat_map(|f| f.records.iter())
    }

    pub fn into_records(self) -> Vec<HistoryRecord> {
        self.files.into_iter().flat_map(|f| f.records).collect()
    }
}

struct Collector<'a> {
    imported: Imported,
    on_file: &'a mut dyn FnMut(&str),
    looked_at: u64,
}

impl source::Sink for Collector<'_> {
    fn starting(&mut self, name: &str) {
        (self.on_file)(name);
    }

    fn file(&mut self, name: String, outcome: FileOutcome) {
        self.looked_at += 1;
        match outcome {
            FileOutcome::Read { summary, records } => {
                if !records.is_empty() {
                    self.imported.files.push(FileRecords { file: summary.file.clone(), records });
                }
                self.imported.summary.files.push(summary);
            }
            FileOutcome::Ignored { reason } => self.imported.summary.ignored.push(IgnoredFile { file: name, reason }),
            FileOutcome::NotText => self.imported.summary.other_files += 1,
        }
    }
}

/// Reads a Takeout .zip, a folder, or a single file.
pub fn import_path(path: &Path) -> Result<Imported, ImportError> {
    import_path_with(path, &mut |_| {})
}

/// [`import_path`], calling `on_file` with each file's name before it is read (for progress).
pub fn import_path_with(path: &Path, on_file: &mut dyn FnMut(&str)) -> Result<Imported, ImportError> {
    let mut collector = Collector { imported: Imported::default(), on_file, looked_at: 0 };
    source::walk(path, &mut collector)?;
    let Collector { imported, looked_at, .. } = collector;
    if imported.summary.files.is_empty() {
        let single_file = path.is_file() && !path.extension().is_some_and(|e| e.eq_ignore_ascii_case("zip"));
        return Err(match imported.summary.ignored.first() {
            Some(ignored) if single_file => ImportError::Unrecognised { path: path.to_owned(), reason: ignored.reason.clone() },
            None if single_file => {
                ImportError::Unrecognised { path: path.to_owned(), reason: "not a JSON, HTML or CSV file from a Takeout".to_owned() }
            }
            _ => ImportError::NothingFound { path: path.to_owned(), looked_at },
        });
    }
    Ok(imported)
}
