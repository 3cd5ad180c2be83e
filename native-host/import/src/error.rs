//! Why an import failed. Two levels, because one bad file must never cost the others:
//! [`ImportError`] ends the whole import (the path is missing, the archive is unreadable), while
//! [`FileError`] belongs to one file and is recorded in that file's summary while the rest go on.

use std::path::PathBuf;

/// The import as a whole could not be done.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// The path given does not exist.
    #[error("{path}: no such file or folder")]
    NotFound { path: PathBuf },
    /// A folder or file could not be read.
    #[error("cannot read {path}: {source}")]
    Io { path: PathBuf, source: std::io::Error },
    /// The archive's directory is unreadable (not a zip, or cut short before its end).
    #[error("{path} is not a readable zip archive ({source}); download the Takeout again or unpack it and import the folder")]
    Zip { path: PathBuf, source: zip::result::ZipError },
    /// A folder or archive holds no file in any layout this importer reads.
    #[error("{path}: no YouTube watch history, search history, likes, playlists or subscriptions found in {looked_at} files")]
    NothingFound { path: PathBuf, looked_at: u64 },
    /// A single file was given and it is none of the formats this importer reads.
    #[error("{path}: {reason}")]
    Unrecognised { path: PathBuf, reason: String },
}

/// One file could not be read, or not to its end. Records read before the fault are kept.
#[derive(Debug, thiserror::Error)]
pub enum FileError {
    #[error("cannot read it: {0}")]
    Io(#[from] std::io::Error),
    #[error("it is not UTF-8 text")]
    NotUtf8,
    /// Bad JSON syntax, or the file ends early (a cut-off download).
    #[error("invalid JSON at line {line}, column {column} after {entries} complete entries ({detail}); the file is damaged or cut short")]
    Json { line: usize, column: usize, entries: usize, detail: String },
    /// The JSON is well formed but not the shape this format has.
    #[error("unexpected JSON layout: {0}")]
    JsonShape(String),
    #[error("unreadable CSV: {0}")]
    Csv(#[from] csv::Error),
    /// A zip entry whose compressed data is damaged.
    #[error("damaged zip entry: {0}")]
    Zip(#[from] zip::result::ZipError),
}
