//! One file, whatever its layout: tells the layout from the content (names and headers are
//! translated in localized exports, so they are only a hint) and hands it to its reader.

use std::ops::ControlFlow;

use vrdndi_protocol::HistoryRecord;

use crate::error::FileError;
use crate::summary::{FileSummary, Format};
use crate::{
    activity_html, activity_json, csv_rows, json_stream, playlist_csv, playlist_items_json, playlist_videos_csv, subscriptions_csv,
};

/// What became of one file.
#[derive(Debug)]
pub enum FileOutcome {
    /// Read (perhaps only up to a fault, which `summary.error` then names).
    Read { summary: FileSummary, records: Vec<HistoryRecord> },
    /// A JSON, HTML or CSV file that holds none of the layouts read here.
    Ignored { reason: String },
    /// Not a JSON, HTML or CSV file.
    NotText,
}

fn extension(path: &str) -> String {
    path.rsplit_once('.').map(|(_, ext)| ext.to_ascii_lowercase()).unwrap_or_default()
}

fn file_name(path: &str) -> &str {
    path.rsplit(['/', '\\']).next().unwrap_or(path)
}

fn stem(path: &str) -> &str {
    let name = file_name(path);
    name.rsplit_once('.').map(|(stem, _)| stem).unwrap_or(name)
}

/// True when `path` names a file this importer may read (by extension).
pub fn is_candidate(path: &str) -> bool {
    matches!(extension(path).as_str(), "json" | "html" | "htm" | "csv")
}

fn failed(path: &str, format: Option<Format>, error: FileError) -> FileOutcome {
    let mut summary = FileSummary::new(path, format);
    summary.error = Some(error.to_string());
    FileOutcome::Read { summary, records: Vec::new() }
}

fn finish(mut summary: FileSummary, records: Vec<HistoryRecord>, error: Option<FileError>) -> FileOutcome {
    summary.error = error.map(|e| e.to_string());
    FileOutcome::Read { summary, records }
}

/// Reads one file's bytes; `path` is how the summary names it.
pub fn read(path: &str, bytes: &[u8]) -> FileOutcome {
    match extension(path).as_str() {
        "json" => read_json(path, bytes),
        "html" | "htm" => read_html(path, bytes),
        "csv" => read_csv(path, bytes),
        _ => FileOutcome::NotText,
    }
}

fn read_json(path: &str, bytes: &[u8]) -> FileOutcome {
    let mut first = None;
    let sniff = json_stream::for_each_element(bytes, |_, value| {
        first = Some(value);
        ControlFlow::Break(())
    });
    match (sniff, first) {
        (_, Some(element)) if playlist_items_json::looks_like(&element) => {
            let mut summary = FileSummary::new(path, Some(Format::PlaylistItemsJson));
            let (records, error) = playlist_items_json::read(bytes, stem(path), &mut summary);
            finish(summary, records, error)
        }
        (_, Some(element)) if activity_json::looks_like(&element) => {
            let mut summary = FileSummary::new(path, Some(Format::ActivityJson));
            let (records, error) = activity_json::read(bytes, &mut summary);
            finish(summary, records, error)
        }
        (Ok(()), None) => FileOutcome::Ignored { reason: "an empty list".to_owned() },
        (Err(FileError::JsonShape(_)), _) => match whole_json_error(bytes) {
            Some(error) => failed(path, None, error),
            None => FileOutcome::Ignored { reason: "JSON that is not a YouTube history or playlist".to_owned() },
        },
        (_, Some(_)) => FileOutcome::Ignored { reason: "JSON that is not a YouTube history or playlist".to_owned() },
        (Err(error), None) => failed(path, None, error),
    }
}

/// For JSON that is not a list: the syntax error that makes it broken rather than merely another
/// kind of file, if it has one.
fn whole_json_error(bytes: &[u8]) -> Option<FileError> {
    let error = serde_json::from_slice::<serde::de::IgnoredAny>(bytes).err()?;
    (error.is_syntax() || error.is_eof()).then(|| FileError::Json {
        line: error.line(),
        column: error.column(),
        entries: 0,
        detail: error.to_string(),
    })
}

fn read_html(path: &str, bytes: &[u8]) -> FileOutcome {
    let Ok(html) = std::str::from_utf8(bytes) else { return failed(path, Some(Format::ActivityHtml), FileError::NotUtf8) };
    if !activity_html::looks_like(html) {
        return FileOutcome::Ignored { reason: "HTML that is not a watch or search history (comments, an index)".to_owned() };
    }
    let mut summary = FileSummary::new(path, Some(Format::ActivityHtml));
    let records = activity_html::read(html, &mut summary);
    finish(summary, records, None)
}

fn read_csv(path: &str, bytes: &[u8]) -> FileOutcome {
    let rows = match csv_rows::rows(bytes) {
        Ok(rows) => rows,
        Err(error) => return failed(path, None, error),
    };
    let name = file_name(path);
    if playlist_csv::looks_like(&rows) {
        let mut summary = FileSummary::new(path, Some(Format::PlaylistCsv));
        let records = playlist_csv::read(&rows, &mut summary);
        finish(summary, records, None)
    } else if playlist_videos_csv::looks_like(&rows, name) {
        let mut summary = FileSummary::new(path, Some(Format::PlaylistVideosCsv));
        let records = playlist_videos_csv::read(&rows, name, &mut summary);
        finish(summary, records, None)
    } else if subscriptions_csv::looks_like(&rows) {
        let mut summary = FileSummary::new(path, Some(Format::SubscriptionsCsv));
        let records = subscriptions_csv::read(&rows, &mut summary);
        finish(summary, records, None)
    } else {
        FileOutcome::Ignored { reason: "CSV that is not a playlist or subscriptions".to_owned() }
    }
}
