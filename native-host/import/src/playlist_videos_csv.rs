//! 2024 `playlists/<Name>-videos.csv`: one file per playlist, `Video ID,Playlist Video Creation
//! Timestamp` then `id,RFC 3339 time` rows; the playlist's name is only in the file name. Likes
//! are usually absent from these exports; when a playlist is named like the likes playlist its
//! rows are likes. Documented in ../shared/data/README.md and issue 4 (no real file here).

use vrdndi_protocol::{HistoryRecord, Video};

use crate::csv_rows::Row;
use crate::playlist_csv;
use crate::summary::{FileSummary, Position};

/// The file-name suffix of this layout.
pub const SUFFIX: &str = "-videos.csv";

/// Names of the likes playlist in this layout (compared without case).
const LIKES_NAMES: &[&str] = &["liked videos", "liked", "likes", "liked music"];

/// The playlist name in a `<Name>-videos.csv` file name.
pub fn playlist_name(file_name: &str) -> Option<&str> {
    file_name.strip_suffix(SUFFIX).filter(|n| !n.is_empty())
}

/// True for a two-column file whose rows are video ids (the header words vary by language).
pub fn looks_like(rows: &[Row], file_name: &str) -> bool {
    let two_columns = rows.first().is_some_and(|r| r.cells.len() == 2);
    let ids = rows.get(1).is_some_and(|r| Video::is_valid_id(r.cell(0)));
    two_columns && (ids || playlist_name(file_name).is_some())
}

pub fn read(rows: &[Row], file_name: &str, summary: &mut FileSummary) -> Vec<HistoryRecord> {
    let name = playlist_name(file_name).unwrap_or(file_name.trim_end_matches(".csv"));
    let likes = LIKES_NAMES.iter().any(|n| n.eq_ignore_ascii_case(name));
    let mut records = Vec::new();
    for row in rows.iter().skip(1) {
        match playlist_csv::video_record(row, likes, name) {
            Ok(record) => {
                summary.record(&record);
                records.push(record);
            }
            Err(message) => summary.problem(Position::Line(row.line), message),
        }
    }
    records
}
