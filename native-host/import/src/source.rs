//! Where the files come from: a Takeout .zip (read entry by entry, never unpacked to disk), a
//! folder (an unpacked Takeout, or several Takeout zips side by side, as Google splits large
//! exports), or one file.

use std::fs;
use std::io::{Read, Seek};
use std::path::{Path, PathBuf};

use crate::error::{FileError, ImportError};
use crate::file::{self, FileOutcome};

/// Folders deeper than this are not entered (a symlink loop, not a Takeout).
const MAX_DEPTH: usize = 32;

/// Receives each file's outcome under the name the summary will use.
pub trait Sink {
    /// Called before a candidate file is read, for progress.
    fn starting(&mut self, name: &str);
    fn file(&mut self, name: String, outcome: FileOutcome);
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> ImportError + '_ {
    move |source| ImportError::Io { path: path.to_owned(), source }
}

fn is_zip(path: &Path) -> Result<bool, ImportError> {
    if path.extension().is_some_and(|e| e.eq_ignore_ascii_case("zip")) {
        return Ok(true);
    }
    let mut magic = [0u8; 4];
    let mut handle = fs::File::open(path).map_err(io(path))?;
    let n = handle.read(&mut magic).map_err(io(path))?;
    Ok(n == 4 && magic == *b"PK\x03\x04")
}

/// Walks `path`, handing every file to `sink`. `label` is the path's own name in the summary.
pub fn walk(path: &Path, sink: &mut dyn Sink) -> Result<(), ImportError> {
    let metadata = fs::metadata(path).map_err(|source| match source.kind() {
        std::io::ErrorKind::NotFound => ImportError::NotFound { path: path.to_owned() },
        _ => ImportError::Io { path: path.to_owned(), source },
    })?;
    if metadata.is_dir() {
        walk_dir(path, path, 0, sink)
    } else if is_zip(path)? {
        walk_zip(path, "", sink)
    } else {
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        sink.starting(&name);
        let bytes = fs::read(path).map_err(io(path))?;
        sink.file(name, file::read(&path.to_string_lossy(), &bytes));
        Ok(())
    }
}

fn relative(root: &Path, path: &Path) -> String {
    path.strip_prefix(root).unwrap_or(path).to_string_lossy().replace('\\', "/")
}

fn walk_dir(root: &Path, dir: &Path, depth: usize, sink: &mut dyn Sink) -> Result<(), ImportError> {
    if depth > MAX_DEPTH {
        return Ok(());
    }
    let mut entries: Vec<PathBuf> =
        fs::read_dir(dir).map_err(io(dir))?.map(|e| e.map(|e| e.path())).collect::<Result<_, _>>().map_err(io(dir))?;
    entries.sort();
    for path in entries {
        let name = relative(root, &path);
        let Ok(metadata) = fs::metadata(&path) else { continue };
        if metadata.is_dir() {
            walk_dir(root, &path, depth + 1, sink)?;
        } else if path.extension().is_some_and(|e| e.eq_ignore_ascii_case("zip")) {
            // One damaged part of a split export must not stop the other parts.
            if let Err(error) = walk_zip(&path, &format!("{name}/"), sink) {
                sink.file(name, FileOutcome::Read { summary: damaged(&path, error), records: Vec::new() });
            }
        } else if file::is_candidate(&name) {
            sink.starting(&name);
            match fs::read(&path) {
                Ok(bytes) => sink.file(name.clone(), file::read(&name, &bytes)),
                Err(error) => sink.file(name.clone(), unreadable(&name, error.into())),
            }
        } else {
            sink.file(name, FileOutcome::NotText);
        }
    }
    Ok(())
}

fn damaged(path: &Path, error: ImportError) -> crate::summary::FileSummary {
    let mut summary = crate::summary::FileSummary::new(path.to_string_lossy(), None);
    summary.error = Some(error.to_string());
    summary
}

fn unreadable(name: &str, error: FileError) -> FileOutcome {
    let mut summary = crate::summary::FileSummary::new(name, None);
    summary.error = Some(error.to_string());
    FileOutcome::Read { summary, records: Vec::new() }
}

fn walk_zip(path: &Path, prefix: &str, sink: &mut dyn Sink) -> Result<(), ImportError> {
    let handle = fs::File::open(path).map_err(io(path))?;
    let mut archive = zip::ZipArchive::new(handle).map_err(|source| ImportError::Zip { path: path.to_owned(), source })?;
    for index in 0..archive.len() {
        read_entry(&mut archive, index, prefix, sink);
    }
    Ok(())
}

fn read_entry<R: Read + Seek>(archive: &mut zip::ZipArchive<R>, index: usize, prefix: &str, sink: &mut dyn Sink) {
    let mut entry = match archive.by_index(index) {
        Ok(entry) => entry,
        Err(error) => {
            let name = format!("{prefix}entry {}", index + 1);
            sink.file(name.clone(), unreadable(&name, error.into()));
            return;
        }
    };
    if entry.is_dir() {
        return;
    }
    let name = format!("{prefix}{}", entry.name());
    if !file::is_candidate(&name) {
        sink.file(name, FileOutcome::NotText);
        return;
    }
    sink.starting(&name);
    let mut bytes = Vec::with_capacity(usize::try_from(entry.size()).unwrap_or(0).min(1 << 30));
    match entry.read_to_end(&mut bytes) {
        Ok(_) => sink.file(name.clone(), file::read(&name, &bytes)),
        Err(error) => sink.file(name.clone(), unreadable(&name, error.into())),
    }
}
